/**
 * What the differential tests of the codecs share: a seeded generator for their random messages, and
 * the view under which the former and the current code must agree.
 */

/** mulberry32: small, fast and the same sequence for a seed on every run. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Keys in order, values with +0/-0 told apart, plain objects told from others: "the same shape". */
export function ordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(ordered);
  if (value !== null && typeof value === 'object') {
    return {
      prototype: Object.getPrototypeOf(value) === Object.prototype,
      entries: Object.entries(value).map(([k, v]) => [k, ordered(v)]),
    };
  }
  if (typeof value === 'number' && Object.is(value, -0)) return '-0';
  return value;
}
