/** Number formatting shared by reasons, flags and the text renderer. */

/** cpus with one decimal at least and three at most: 1 → "1.0", 0.25 → "0.25", 1.1000000001 → "1.1". */
export function formatCpus(value: number): string {
  const rounded = Math.round(value * 1000) / 1000;
  return Number.isInteger(rounded) ? rounded.toFixed(1) : String(rounded);
}

/** MB without noise: 4096 → "4096", 2015.5 → "2015.5". */
export function formatMb(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/** How many hostnames a one-line message lists before "and N more". */
const NAMES_IN_MESSAGE = 10;

export function listNames(names: readonly string[]): string {
  if (names.length <= NAMES_IN_MESSAGE) return names.join(', ');
  return `${names.slice(0, NAMES_IN_MESSAGE).join(', ')} and ${names.length - NAMES_IN_MESSAGE} more`;
}
