import { describe, expect, it } from 'vitest';
import { abortReason, systemClock } from '../../../src/shared/clock.js';
import { CancelledError, UnreachableError } from '../../../src/shared/errors.js';

describe('systemClock.sleep', () => {
  it('resolves when the time is up', async () => {
    await expect(systemClock.sleep(0)).resolves.toBeUndefined();
  });

  it('rejects with CancelledError when the signal aborts during the sleep', async () => {
    const controller = new AbortController();
    const sleeping = systemClock.sleep(60_000, controller.signal);
    controller.abort();
    await expect(sleeping).rejects.toBeInstanceOf(CancelledError);
  });

  it('rejects at once when the signal has already aborted', async () => {
    await expect(systemClock.sleep(60_000, AbortSignal.abort())).rejects.toBeInstanceOf(CancelledError);
  });

  it('rejects with the reason the signal carries when it is one of ours', async () => {
    const reason = new UnreachableError('gone', 'http://127.0.0.1:5050');
    await expect(systemClock.sleep(60_000, AbortSignal.abort(reason))).rejects.toBe(reason);
  });
});

describe('abortReason', () => {
  it('turns a DOM AbortError or no reason into CancelledError, keeps other errors', () => {
    expect(abortReason(AbortSignal.abort())).toBeInstanceOf(CancelledError);
    expect(abortReason(undefined)).toBeInstanceOf(CancelledError);
    const cancelled = new CancelledError('stop');
    expect(abortReason(AbortSignal.abort(cancelled))).toBe(cancelled);
    const other = new Error('boom');
    expect(abortReason(AbortSignal.abort(other))).toBe(other);
  });
});
