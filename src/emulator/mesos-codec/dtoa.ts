/**
 * Formats a double the way Mesos writes JSON numbers for `double` fields: rapidjson 1.1's Grisu2
 * digit generation plus its "prettify" layout. That gives `15.0`, `0.1`, `1795548218.198497`,
 * `1e-7`, `1.5e300`, `-0.0`; NaN is written bare (`NaN`) and infinities as the strings
 * `"Infinity"`/`"-Infinity"` (Mesos patches rapidjson to quote them).
 *
 * Grisu2 usually, but not always, finds the shortest digits that round-trip, and rapidjson 1.1 skips
 * the final rounding step once more than nine fractional digits were generated, so for many large
 * or tiny magnitudes its last digit differs from JavaScript's `Number#toString` (which is always
 * shortest and closest). Hence a port rather than a wrapper around `toString`. The output always
 * reads back as the same double. 64-bit arithmetic uses BigInt; results are cached.
 */

const MASK64 = (1n << 64n) - 1n;
const BIT63 = 1n << 63n;
const HIDDEN_BIT = 1n << 52n;
const SIGNIFICAND_MASK = HIDDEN_BIT - 1n;
const EXPONENT_BIAS = 0x3ff + 52;

interface DiyFp {
  f: bigint;
  e: number;
}

const float64 = new Float64Array(1);
const uint64View = new BigUint64Array(float64.buffer);

function diyFpOf(value: number): DiyFp {
  float64[0] = value;
  const bits = uint64View[0] as bigint;
  const biased = Number((bits >> 52n) & 0x7ffn);
  const significand = bits & SIGNIFICAND_MASK;
  return biased !== 0 ? { f: significand + HIDDEN_BIT, e: biased - EXPONENT_BIAS } : { f: significand, e: 1 - EXPONENT_BIAS };
}

function bitLength(f: bigint): number {
  const hi = Number(f >> 32n);
  if (hi !== 0) return 64 - Math.clz32(hi);
  return 32 - Math.clz32(Number(f & 0xffffffffn));
}

function normalize(x: DiyFp): DiyFp {
  const shift = 64 - bitLength(x.f);
  return { f: (x.f << BigInt(shift)) & MASK64, e: x.e - shift };
}

/** 64x64 -> high 64 bits, rounded on bit 63 of the low half (rapidjson's DiyFp::operator*). */
function multiply(a: DiyFp, b: DiyFp): DiyFp {
  const product = a.f * b.f;
  let high = product >> 64n;
  if ((product & BIT63) !== 0n) high += 1n;
  return { f: high & MASK64, e: a.e + b.e + 64 };
}

/** 10^(-348 + 8i) for i = 0..86, as normalized 64-bit significands rounded to nearest. */
const CACHED_POWERS: DiyFp[] = buildCachedPowers();

function buildCachedPowers(): DiyFp[] {
  const powers: DiyFp[] = [];
  for (let exponent = -348; exponent <= 340; exponent += 8) {
    if (exponent >= 0) {
      const value = 10n ** BigInt(exponent);
      const excess = bitLength64(value) - 64;
      if (excess <= 0) {
        powers.push({ f: value << BigInt(-excess), e: excess });
      } else {
        const divisor = 1n << BigInt(excess);
        powers.push(roundedQuotient(value, divisor, excess));
      }
    } else {
      const divisor = 10n ** BigInt(-exponent);
      const shift = bitLength64(divisor) + 63;
      powers.push(roundedQuotient(1n << BigInt(shift), divisor, -shift));
    }
  }
  return powers;
}

function bitLength64(value: bigint): number {
  return value.toString(2).length;
}

/** round(numerator / divisor) normalized to [2^63, 2^64), with the binary exponent adjusted. */
function roundedQuotient(numerator: bigint, divisor: bigint, exponent: number): DiyFp {
  let n = numerator;
  let e = exponent;
  for (;;) {
    const q = (2n * n + divisor) / (2n * divisor);
    if (q >= 1n << 64n) {
      n >>= 1n;
      e += 1;
      continue;
    }
    if (q < BIT63) {
      n <<= 1n;
      e -= 1;
      continue;
    }
    return { f: q, e };
  }
}

/** Exposed for tests: the cached power at an index, as rapidjson tabulates it. */
export function cachedPowerForTest(index: number): { f: bigint; e: number } | undefined {
  return CACHED_POWERS[index];
}

function cachedPower(e: number): { power: DiyFp; k: number } {
  const dk = (-61 - e) * 0.30102999566398114 + 347;
  let k = Math.trunc(dk);
  if (dk - k > 0) k += 1;
  const index = (k >> 3) + 1;
  return { power: CACHED_POWERS[index] as DiyFp, k: -(-348 + index * 8) };
}

const POW10 = [1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000];

function countDecimalDigits(n: number): number {
  for (let digits = 1; digits < 9; digits += 1) {
    if (n < (POW10[digits] as number)) return digits;
  }
  return 9;
}

/** Moves the last digit down while that brings the result closer to the exact value (uint64 arithmetic). */
function grisuRound(digits: number[], delta: bigint, restIn: bigint, tenKappa: bigint, wpW: bigint): void {
  let rest = restIn;
  for (;;) {
    const next = (rest + tenKappa) & MASK64;
    if (!(rest < wpW && delta - rest >= tenKappa && (next < wpW || wpW - rest > next - wpW))) return;
    digits[digits.length - 1] = (digits[digits.length - 1] as number) - 1;
    rest = next;
  }
}

/** Returns the digits and the decimal exponent K such that value = digits * 10^K. */
function grisu2(value: number): { digits: number[]; k: number } {
  const v = diyFpOf(value);
  const plus = normalize({ f: (v.f << 1n) + 1n, e: v.e - 1 });
  const minus: DiyFp = v.f === HIDDEN_BIT ? { f: (v.f << 2n) - 1n, e: v.e - 2 } : { f: (v.f << 1n) - 1n, e: v.e - 1 };
  minus.f = (minus.f << BigInt(minus.e - plus.e)) & MASK64;
  minus.e = plus.e;

  const { power, k } = cachedPower(plus.e);
  const w = multiply(normalize(v), power);
  const wPlus = multiply(plus, power);
  const wMinus = multiply(minus, power);
  wMinus.f += 1n;
  wPlus.f -= 1n;
  const digits: number[] = [];
  const exponent = digitGen(w, wPlus, wPlus.f - wMinus.f, digits, k);
  return { digits, k: exponent };
}

function digitGen(w: DiyFp, mp: DiyFp, deltaIn: bigint, digits: number[], kIn: number): number {
  const shift = BigInt(-mp.e);
  const one = 1n << shift;
  const wpW = mp.f - w.f;
  let p1 = Number(mp.f >> shift);
  let p2 = mp.f & (one - 1n);
  let delta = deltaIn;
  let kappa = countDecimalDigits(p1);
  let k = kIn;

  while (kappa > 0) {
    const divisor = POW10[kappa - 1] as number;
    const digit = Math.floor(p1 / divisor);
    p1 %= divisor;
    if (digit !== 0 || digits.length > 0) digits.push(digit);
    kappa -= 1;
    const rest = (BigInt(p1) << shift) + p2;
    if (rest <= delta) {
      k += kappa;
      grisuRound(digits, delta, rest, BigInt(POW10[kappa] as number) << shift, wpW);
      return k;
    }
  }

  for (;;) {
    p2 = (p2 * 10n) & MASK64;
    delta = (delta * 10n) & MASK64;
    const digit = Number(p2 >> shift);
    if (digit !== 0 || digits.length > 0) digits.push(digit);
    p2 &= one - 1n;
    kappa -= 1;
    if (p2 < delta) {
      k += kappa;
      const index = -kappa;
      const scale = index < 9 ? BigInt(POW10[index] as number) : 0n;
      grisuRound(digits, delta, p2, one, (wpW * scale) & MASK64);
      return k;
    }
  }
}

function writeExponent(exponent: number): string {
  return exponent < 0 ? `-${-exponent}` : `${exponent}`;
}

/** rapidjson's Prettify with maxDecimalPlaces = 324 (its default, so no truncation ever applies). */
function prettify(digitString: string, k: number): string {
  const length = digitString.length;
  const kk = length + k;
  if (k >= 0 && kk <= 21) {
    return `${digitString}${'0'.repeat(k)}.0`;
  }
  if (kk > 0 && kk <= 21) {
    return `${digitString.slice(0, kk)}.${digitString.slice(kk)}`;
  }
  if (kk > -6 && kk <= 0) {
    return `0.${'0'.repeat(-kk)}${digitString}`;
  }
  if (length === 1) {
    return `${digitString}e${writeExponent(kk - 1)}`;
  }
  return `${digitString[0]}.${digitString.slice(1)}e${writeExponent(kk - 1)}`;
}

const cache = new Map<number, string>();
const CACHE_LIMIT = 4096;

/** The JSON text Mesos writes for a double value. */
export function formatDouble(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '"Infinity"';
  if (value === -Infinity) return '"-Infinity"';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  // Integers below 2^53 are their own shortest digits; Grisu2 finds exactly those.
  if (Number.isInteger(value) && Math.abs(value) <= 9007199254740992) return `${value}.0`;
  const cached = cache.get(value);
  if (cached !== undefined) return cached;
  const negative = value < 0;
  const { digits, k } = grisu2(negative ? -value : value);
  const text = (negative ? '-' : '') + prettify(digits.join(''), k);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(value, text);
  return text;
}
