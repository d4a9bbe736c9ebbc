import { describe, expect, it } from 'vitest';
import { backoffDelay, type BackoffPolicy } from '../../../src/shared/backoff.js';

describe('backoffDelay', () => {
  it('grows exponentially to the cap, with half of it jittered by default (equal jitter)', () => {
    const policy: BackoffPolicy = { initialMs: 100, maxMs: 1_000 };
    expect([0, 1, 2, 3, 4, 10].map((retry) => backoffDelay(retry, policy, () => 0))).toEqual([50, 100, 200, 400, 500, 500]);
    expect([0, 1, 2, 3, 4, 10].map((retry) => backoffDelay(retry, policy, () => 1))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoffDelay(2, policy, () => 0.5)).toBe(300);
  });

  it('doubles exactly to the cap without jitter (task relaunches: 5 s to 5 min)', () => {
    const policy: BackoffPolicy = { initialMs: 5000, maxMs: 300_000, jitter: 'none' };
    expect([0, 1, 2, 3, 4, 5, 6].map((retry) => backoffDelay(retry, policy, () => 0))).toEqual([
      5000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000,
    ]);
  });

  it('jitters between half and all of the delay, capped (the scheduler resubscribing: 1 s to 15 s)', () => {
    const policy: BackoffPolicy = { initialMs: 1000, maxMs: 15_000, jitter: 'equal' };
    expect([0, 1, 2, 3, 4, 8].map((retry) => backoffDelay(retry, policy, () => 1))).toEqual([1000, 2000, 4000, 8000, 15_000, 15_000]);
    expect([0, 1, 4, 8].map((retry) => backoffDelay(retry, policy, () => 0))).toEqual([500, 1000, 7500, 7500]);
    expect(backoffDelay(2, policy, () => 0.5)).toBe(3000);
  });

  it('spreads a full jitter between zero and the delay', () => {
    const policy: BackoffPolicy = { initialMs: 100, maxMs: 1_000, jitter: 'full' };
    expect([0, 1, 5].map((retry) => backoffDelay(retry, policy, () => 0))).toEqual([0, 0, 0]);
    expect([0, 1, 5].map((retry) => backoffDelay(retry, policy, () => 1))).toEqual([100, 200, 1000]);
    expect(backoffDelay(3, policy, () => 0.25)).toBe(200);
  });

  it('honours another multiplier', () => {
    expect([0, 1, 2, 3].map((retry) => backoffDelay(retry, { initialMs: 10, maxMs: 500, multiplier: 3, jitter: 'none' }))).toEqual([
      10, 30, 90, 270,
    ]);
  });

  it('clamps a misbehaving random source and a negative retry number', () => {
    const policy: BackoffPolicy = { initialMs: 100, maxMs: 2_000 };
    expect(backoffDelay(0, policy, () => 7)).toBe(100);
    expect(backoffDelay(0, policy, () => -3)).toBe(50);
    expect(backoffDelay(-1, policy, () => 1)).toBe(100);
  });

  it('stays at the cap for absurd retry numbers', () => {
    expect(backoffDelay(10_000, { initialMs: 100, maxMs: 2_000, jitter: 'none' })).toBe(2_000);
  });
});
