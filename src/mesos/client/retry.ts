/**
 * Time and backoff, injected so that retry loops can be tested without waiting: the transport and
 * the ZooKeeper detector only ever read the time and sleep through a Clock.
 */
import { CancelledError } from '../../shared/errors.js';

export interface Clock {
  now(): number;
  /** Resolves after `ms`; rejects with CancelledError if `signal` aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted === true) {
        reject(abortReason(signal));
        return;
      }
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(abortReason(signal));
      };
      const timer = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        Math.max(0, ms),
      );
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

export interface BackoffPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  multiplier: number;
}

/** Leader elections take seconds; polling faster than this only adds load to a master that is recovering. */
export const DEFAULT_BACKOFF: BackoffPolicy = { initialDelayMs: 100, maxDelayMs: 2_000, multiplier: 2 };

/**
 * Delay before retry number `attempt` (0-based): exponential, capped, with "equal jitter" (half
 * fixed, half random) so that many clients restarted together do not retry in lockstep.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const exponential = policy.initialDelayMs * policy.multiplier ** Math.max(0, attempt);
  const capped = Math.min(policy.maxDelayMs, exponential);
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(capped / 2 + (capped / 2) * r);
}

/** The error to throw when `signal` aborted: its reason if that is already ours, else CancelledError. */
export function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof CancelledError) return reason;
  if (reason instanceof Error && reason.name !== 'AbortError') return reason;
  return new CancelledError();
}
