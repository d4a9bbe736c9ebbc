/**
 * Durations on the command line: every duration flag accepts a unit (`500ms`, `30s`, `2m`, `1h`,
 * `7d`), as kubectl and Go's time.ParseDuration taught operators. A bare number keeps the unit the
 * flag always had (milliseconds for `--timeout`, seconds elsewhere), so old scripts keep working.
 */
import { UsageError } from './errors.js';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
type DurationUnit = keyof typeof UNIT_MS;

export interface DurationRule {
  /** The unit of a bare number: the flag's historical unit. */
  bareUnit: 'ms' | 's';
  /** Inclusive bounds, in milliseconds. */
  minMs: number;
  maxMs: number;
}

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/;

/** Parses `text` given to `flag` into milliseconds, or throws a one-line UsageError naming the flag. */
export function parseDuration(flag: string, text: string, rule: DurationRule): number {
  const match = DURATION.exec(text.trim());
  if (match === null) {
    throw new UsageError(`${flag} "${text}" is not a duration`, {
      hint: `give a number with a unit, e.g. ${flag} 30s, 500ms or 2m (a bare number is in ${unitName(rule.bareUnit)})`,
    });
  }
  const unit = (match[2] ?? rule.bareUnit) as DurationUnit;
  const ms = Math.round(Number(match[1]) * UNIT_MS[unit]);
  if (ms < rule.minMs || ms > rule.maxMs) {
    throw new UsageError(`${flag} ${text} is out of range`, {
      hint: `give from ${formatDuration(rule.minMs)} to ${formatDuration(rule.maxMs)}`,
    });
  }
  return ms;
}

/** The shortest exact spelling of `ms` in the units parseDuration reads: 30000 -> "30s", 90000 -> "90s". */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    if (ms >= UNIT_MS[unit] && ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return `${ms}ms`;
}

/** An age for a table column, as kubectl prints it: "45s", "12m", "3h", "5d". */
export function formatAge(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}

function unitName(unit: 'ms' | 's'): string {
  return unit === 'ms' ? 'milliseconds' : 'seconds';
}
