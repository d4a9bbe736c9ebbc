/** Delay policies, pure: the random source is injected so tests can pin the jitter. */

/** `initial` doubled per earlier attempt (attempt 1 waits `initial`), never above `max`. */
export function exponentialDelay(attempt: number, initialMs: number, maxMs: number): number {
  const exponent = Math.max(0, attempt - 1);
  // Past 2^30 the product overflows nothing useful; the cap applies long before.
  return Math.min(maxMs, initialMs * 2 ** Math.min(exponent, 30));
}

/**
 * Reconnection delay: exponential from `initialMs`, capped at `maxMs` (15 s by default), with
 * "equal jitter" (half fixed, half random) so a fleet of restarted schedulers does not reconnect in
 * lockstep while the wait still grows.
 */
export function jitteredDelay(attempt: number, random: () => number, initialMs = 1000, maxMs = 15_000): number {
  const ceiling = exponentialDelay(attempt, initialMs, maxMs);
  const half = ceiling / 2;
  return Math.round(half + half * Math.min(1, Math.max(0, random())));
}
