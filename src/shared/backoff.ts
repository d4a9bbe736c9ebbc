/**
 * Retry delays, pure: exponential growth from `initialMs`, capped at `maxMs`, with optional jitter
 * from an injected random source (tests pin it; production passes Math.random).
 *
 * Jitter spreads clients that failed together (a master restart drops every scheduler, agent and
 * `logs --follow` at once) so that they do not retry in lockstep:
 * - `equal`: half of the delay fixed, half random, so the wait still grows with every retry;
 * - `full`: anywhere between 0 and the delay;
 * - `none`: the delay itself, for waits that are scheduled rather than raced (task relaunches).
 */

type Jitter = 'none' | 'equal' | 'full';

export interface BackoffPolicy {
  /** The delay before the first retry (before jitter). */
  readonly initialMs: number;
  /** No delay is longer than this (before jitter). */
  readonly maxMs: number;
  /** Growth per retry; default 2. */
  readonly multiplier?: number;
  /** Default `equal`. */
  readonly jitter?: Jitter;
}

/**
 * Delay in whole milliseconds before retry number `retry`, counted from 0 (the first retry waits
 * about `initialMs`). A random source outside [0, 1] is clamped.
 */
export function backoffDelay(retry: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  // Past 64 doublings the cap has long applied; stopping there keeps the product finite.
  const exponent = Math.min(64, Math.max(0, retry));
  const capped = Math.min(policy.maxMs, policy.initialMs * (policy.multiplier ?? 2) ** exponent);
  const jitter = policy.jitter ?? 'equal';
  if (jitter === 'none') return Math.round(capped);
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(jitter === 'full' ? capped * r : capped / 2 + (capped / 2) * r);
}
