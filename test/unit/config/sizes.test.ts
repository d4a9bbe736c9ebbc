import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/shared/errors.js';
import { GB, KB, MB, PB, TB, bytesToMb, formatByteSize, formatByteSizeExact, parseByteSize } from '../../../src/config/sizes.js';

describe('parseByteSize', () => {
  const good: Array<[string, number]> = [
    ['512', 512],
    ['0', 0],
    ['512B', 512],
    ['512b', 512],
    ['10KB', 10 * 1024],
    ['10k', 10 * 1024],
    ['10Ki', 10 * 1024],
    ['1024MB', GB],
    ['1GB', GB],
    ['1gb', GB],
    ['1G', GB],
    ['1GiB', GB],
    ['1.5GB', 1.5 * GB],
    ['1.5 GB', 1.5 * GB],
    ['  2 mb  ', 2 * MB],
    ['.5MB', 0.5 * MB],
    ['5.MB', 5 * MB],
    ['1TB', TB],
    ['1PB', PB],
    ['2p', 2 * PB],
    ['1e3', 1000],
    ['1.1KB', 1126], // 1126.4 truncated, as Alluxio does
    ['0.1KB', 102],
  ];
  for (const [text, bytes] of good) {
    it(`reads ${JSON.stringify(text)}`, () => expect(parseByteSize(text)).toBe(bytes));
  }

  const bad = ['', 'GB', '12XB', '1,5GB', '-1GB', '1 G B', 'abc', '1.2.3MB', 'Infinity', '1e400', '10EB'];
  for (const text of bad) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      expect(() => parseByteSize(text)).toThrow(ConfigError);
    });
  }

  it('in strict mode accepts only what Alluxio parses', () => {
    expect(parseByteSize('1.5GB', { strict: true })).toBe(1.5 * GB);
    expect(parseByteSize(' 1GB', { strict: true })).toBe(GB);
    let caught: unknown;
    try {
      parseByteSize('1.5 GB', { strict: true });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).hint).toContain('1.5GB');
    expect(() => parseByteSize('1GB ', { strict: true })).toThrow(ConfigError);
  });

  it('names the unknown unit', () => {
    expect(() => parseByteSize('12XB')).toThrow(/unknown unit "XB"/);
  });
});

describe('formatting', () => {
  it('formats for display with at most two decimals', () => {
    expect(formatByteSize(512)).toBe('512B');
    expect(formatByteSize(KB)).toBe('1KB');
    expect(formatByteSize(GB)).toBe('1GB');
    expect(formatByteSize(1.5 * GB)).toBe('1.5GB');
    expect(formatByteSize(GB + GB / 3)).toBe('1.33GB');
    expect(formatByteSize(1536 * MB)).toBe('1.5GB');
    expect(formatByteSize(3 * PB)).toBe('3PB');
  });

  it('formats exactly for configuration files', () => {
    const samples = [0, 1, 1000, KB, 1536 * MB, GB, 3 * TB, 1.5 * GB + 1, PB, 7 * PB];
    for (const bytes of samples) {
      const text = formatByteSizeExact(bytes);
      expect(parseByteSize(text, { strict: true }), text).toBe(bytes);
    }
    expect(formatByteSizeExact(1536 * MB)).toBe('1536MB');
    expect(formatByteSizeExact(GB)).toBe('1GB');
    expect(formatByteSizeExact(1000)).toBe('1000B');
  });

  it('rounds megabytes up so a task never asks for too little', () => {
    expect(bytesToMb(GB)).toBe(1024);
    expect(bytesToMb(1000 * KB)).toBe(1);
    expect(bytesToMb(MB + 1)).toBe(2);
    expect(bytesToMb(0)).toBe(0);
  });
});
