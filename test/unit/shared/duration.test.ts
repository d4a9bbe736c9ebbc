import { describe, expect, it } from 'vitest';
import { formatAge, formatDuration, parseDuration } from '../../../src/shared/duration.js';
import { UsageError } from '../../../src/shared/errors.js';

const SECONDS = { bareUnit: 's', minMs: 1, maxMs: 7 * 86_400_000 } as const;
const MILLIS = { bareUnit: 'ms', minMs: 1, maxMs: 86_400_000 } as const;

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['7d', 604_800_000],
    ['1.5s', 1500],
    [' 10 s ', 10_000],
  ])('reads %j with its unit', (text, ms) => {
    expect(parseDuration('--x', text, SECONDS)).toBe(ms);
    expect(parseDuration('--x', text, MILLIS.maxMs >= ms ? MILLIS : SECONDS)).toBe(ms);
  });

  it("reads a bare number in the flag's historical unit", () => {
    expect(parseDuration('--timeout', '30000', MILLIS)).toBe(30_000);
    expect(parseDuration('--interval', '2', SECONDS)).toBe(2000);
    expect(parseDuration('--interval', '0.5', SECONDS)).toBe(500);
  });

  it.each(['', 'soon', '-5s', '5 minutes', '1e3', '5sec', '0x10'])('refuses %j naming the flag and the units', (text) => {
    expect(() => parseDuration('--timeout', text, MILLIS)).toThrow(UsageError);
    try {
      parseDuration('--timeout', text, MILLIS);
    } catch (error) {
      expect((error as UsageError).message).toBe(`--timeout "${text}" is not a duration`);
      expect((error as UsageError).hint).toBe(
        'give a number with a unit, e.g. --timeout 30s, 500ms or 2m (a bare number is in milliseconds)',
      );
    }
  });

  it('refuses a duration out of range, saying the range in units', () => {
    expect(() => parseDuration('--interval', '100ms', { bareUnit: 's', minMs: 200, maxMs: 3_600_000 })).toThrow(
      expect.objectContaining({ message: '--interval 100ms is out of range', hint: 'give from 200ms to 1h' }),
    );
    expect(() => parseDuration('--timeout', '2d', MILLIS)).toThrow(expect.objectContaining({ hint: 'give from 1ms to 1d' }));
  });
});

describe('formatDuration', () => {
  it.each([
    [500, '500ms'],
    [1500, '1500ms'],
    [30_000, '30s'],
    [90_000, '90s'],
    [120_000, '2m'],
    [604_800_000, '7d'],
  ])('%d ms is %s, which parseDuration reads back', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(parseDuration('--x', text, SECONDS)).toBe(ms);
  });
});

describe('formatAge', () => {
  it.each([
    [-5000, '0s'],
    [45_000, '45s'],
    [119_999, '119s'],
    [120_000, '2m'],
    [45 * 60_000, '45m'],
    [3 * 3_600_000, '3h'],
    [47 * 3_600_000, '47h'],
    [5 * 86_400_000, '5d'],
  ])('%d ms ago is %s', (ms, text) => {
    expect(formatAge(ms)).toBe(text);
  });
});
