import { describe, expect, it } from 'vitest';

import { cachedPowerForTest, formatDouble } from '../../../../src/emulator/mesos-codec/dtoa.js';

describe('formatDouble (rapidjson 1.1 Grisu2 port)', () => {
  it('computes the cached powers of ten rapidjson tabulates', () => {
    expect(cachedPowerForTest(0)).toEqual({ f: 0xfa8fd5a0081c0288n, e: -1220 });
    expect(cachedPowerForTest(44)).toEqual({ f: 0x9c40000000000000n, e: -50 });
    expect(cachedPowerForTest(86)).toEqual({ f: 0xaf87023b9bf0ee6bn, e: 1066 });
    expect(cachedPowerForTest(87)).toBeUndefined();
  });

  it('lays numbers out like rapidjson Prettify', () => {
    expect(formatDouble(2048)).toBe('2048.0');
    expect(formatDouble(-2.5)).toBe('-2.5');
    expect(formatDouble(1.9)).toBe('1.9');
    expect(formatDouble(0.001234)).toBe('0.001234');
    expect(formatDouble(1.234e-7)).toBe('1.234e-7');
    expect(formatDouble(1e100)).toBe('1e100');
    expect(formatDouble(1.5e-300)).toBe('1.5e-300');
    expect(formatDouble(2 ** 53 + 2)).toBe('9007199254740994.0');
    expect(formatDouble(1e20)).toBe('100000000000000000000.0');
  });

  it('always reads back as the same double', () => {
    let seed = 7;
    const next = (): number => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed;
    };
    const bits = new Uint32Array(2);
    const view = new Float64Array(bits.buffer);
    for (let i = 0; i < 20_000; i += 1) {
      bits[0] = next();
      bits[1] = next();
      const value = view[0] as number;
      if (!Number.isFinite(value)) continue;
      const text = formatDouble(value);
      expect(Number(text.replace(/\.0$/, ''))).toBe(value);
    }
  });
});
