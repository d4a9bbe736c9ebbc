/**
 * Time, injected so that retry loops, timeouts and timers can be tested without waiting. Code that
 * waits or reads the time takes a `Clock` (or the part of it it uses, e.g. `Pick<Clock, 'now'>`)
 * and defaults to `systemClock`.
 *
 * Abort behaviour, the same for every clock: `sleep` REJECTS as soon as its signal aborts (with
 * `abortReason(signal)`, a CancelledError unless the signal carries one of ours), like
 * `timers/promises`. So a Ctrl-C during a retry pause surfaces as CancelledError and ends the
 * command with the interrupted exit code, unless the caller catches it to stop quietly.
 */
import { CancelledError } from './errors.js';

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`; rejects with `abortReason(signal)` if `signal` aborts first (or already has). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface TimerHandle {
  cancel(): void;
}

/** Callback timers, for the event-driven local cluster (allocator filters, failover timeouts, heartbeats). */
export interface Timers {
  setTimeout(fn: () => void, ms: number): TimerHandle;
  setInterval(fn: () => void, ms: number): TimerHandle;
}

export const systemClock: Clock & Timers = {
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
  setTimeout(fn, ms) {
    const timer = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(timer) };
  },
  setInterval(fn, ms) {
    const timer = setInterval(fn, ms);
    return { cancel: () => clearInterval(timer) };
  },
};

/**
 * The system clock with sub-millisecond precision in `now()`, for stamps that print microseconds
 * (glog lines, TaskStatus timestamps). Not for deadlines: it is not an integer.
 */
export const microsecondClock: Clock & Timers = {
  ...systemClock,
  now: () => performance.timeOrigin + performance.now(),
};

/** The error to throw when `signal` aborted: its reason if that is already ours, else CancelledError. */
export function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof CancelledError) return reason;
  if (reason instanceof Error && reason.name !== 'AbortError') return reason;
  return new CancelledError();
}
