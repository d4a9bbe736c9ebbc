/**
 * A small, seeded fuzzer for decoders: a xorshift32 generator (same seed, same cases, so a failure
 * replays) and mutators that turn a real answer into a hostile one: truncation, type swaps, huge
 * numbers, deep nesting, control characters, missing and renamed fields, raw byte damage. Every
 * mutation is bounded in size, so every case is bounded in work; no clock is read.
 */

/** xorshift32 (Marsaglia 2003): tiny, fast, and enough to pick mutations. Never returns 0 state. */
export class Xorshift32 {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** A uniformly distributed 32-bit unsigned integer. */
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return n <= 0 ? 0 : this.next() % n;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('nothing to pick from');
    return items[this.below(items.length)] as T;
  }

  chance(oneIn: number): boolean {
    return this.below(oneIn) === 0;
  }
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Strings a hostile peer would send: terminal escapes, line breaks, NUL, bidi overrides, lone surrogates, long text. */
const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u001b]0;TITLE\u0007\u001b[2J',
  'line one\nline two\r\nline three',
  'nul\u0000byte',
  '\u009b31mC1 CSI',
  '\u202eevil\u202c',
  '\ud800',
  '\u2028\u2029',
  'x'.repeat(4096),
  '1.12.0\n',
  '0.22.0',
  '99999999999.0.0',
  'NaN',
  'Infinity',
  '-1',
  '__proto__',
  'constructor',
  'TASK_RUNNING',
  'SCALAR',
  'RANGES',
  '[31000-32000]',
  '[65535-1]',
  'slave(1)@127.0.0.1:99999',
  '{"nested": "json"}',
];

/** Numbers at the edges: JSON.parse gives Infinity for 1e400; 2**53+1 is not exact. */
const HOSTILE_NUMBERS = [0, -0, -1, 1.5, 2 ** 31, 2 ** 32, 2 ** 53 + 1, -(2 ** 63), 1e308, -1e308, 5e-324, 65536, 1e21];

/** Number tokens written into the text, where JSON.parse makes Infinity or loses precision. */
const HOSTILE_NUMBER_TOKENS = ['1e400', '-1e400', '123456789012345678901234567890', '0.000000000000000000000000001', '-0', '1E+999'];

function hostileScalar(rng: Xorshift32): Json {
  switch (rng.below(5)) {
    case 0:
      return rng.pick(HOSTILE_STRINGS);
    case 1:
      return rng.pick(HOSTILE_NUMBERS);
    case 2:
      return rng.chance(2);
    case 3:
      return null;
    default:
      return rng.chance(2) ? [] : {};
  }
}

/** A value nested `depth` levels deep in arrays or objects. */
function nested(depth: number, inner: Json, rng: Xorshift32): Json {
  let value = inner;
  const asArray = rng.chance(2);
  for (let i = 0; i < depth; i++) value = asArray ? [value] : { value };
  return value;
}

/** The containers of the tree near its top (depth 50 at most: deep nesting is a mutation of its own, not a place for more). */
function containers(root: Json, limit = 5000): Array<Json[] | { [key: string]: Json }> {
  const found: Array<Json[] | { [key: string]: Json }> = [];
  const stack: Array<{ value: Json; depth: number }> = [{ value: root, depth: 0 }];
  while (stack.length > 0 && found.length < limit) {
    const { value, depth } = stack.pop() as { value: Json; depth: number };
    if (value === null || typeof value !== 'object' || depth > 50) continue;
    found.push(value);
    for (const child of Array.isArray(value) ? value : Object.values(value)) stack.push({ value: child, depth: depth + 1 });
  }
  return found;
}

/** As JSON.parse makes it: an own property, even `__proto__` (plain assignment would set the prototype). */
function setOwn(target: { [key: string]: Json }, key: string, value: Json): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Applies one structural mutation to a copy of `seed`. */
export function mutateJson(seed: Json, rng: Xorshift32): Json {
  const root = structuredClone(seed);
  const all = containers(root);
  if (all.length === 0) return hostileScalar(rng);
  const target = rng.pick(all);
  if (Array.isArray(target)) {
    const i = rng.below(target.length + 1);
    switch (rng.below(5)) {
      case 0:
        target.splice(i, 1);
        break;
      case 1:
        target[i] = hostileScalar(rng);
        break;
      case 2:
        target[i] = nested(rng.pick([20, 150, 250, 1500]), hostileScalar(rng), rng);
        break;
      case 3:
        // Many copies of one element (bounded: a few hundred).
        if (target.length > 0) for (let k = 0; k < 200; k++) target.push(structuredClone(target[0] as Json));
        break;
      default:
        target.length = 0;
    }
    return root;
  }
  const keys = Object.keys(target);
  const key = keys.length === 0 ? rng.pick(HOSTILE_STRINGS) : rng.pick(keys);
  // Own properties only: `constructor` of an empty object is not in the JSON.
  const current: Json | undefined = Object.hasOwn(target, key) ? target[key] : undefined;
  switch (rng.below(7)) {
    case 0:
      delete target[key];
      break;
    case 1:
      setOwn(target, key, hostileScalar(rng));
      break;
    case 2:
      setOwn(target, key, nested(rng.pick([20, 150, 250, 1500]), hostileScalar(rng), rng));
      break;
    case 3: {
      // The key renamed to something hostile, its value kept (keys end up in error locations).
      const value = current ?? null;
      delete target[key];
      setOwn(target, rng.pick(HOSTILE_STRINGS), value);
      break;
    }
    case 4: {
      // A scalar of the other type: "5" for 5, 5 for "5", [x] for x.
      const value = current;
      const swapped: Json =
        typeof value === 'number'
          ? String(value)
          : typeof value === 'string'
            ? Number.isNaN(Number(value))
              ? value.length
              : Number(value)
            : Array.isArray(value)
              ? (value[0] ?? null)
              : [value ?? null];
      setOwn(target, key, swapped);
      break;
    }
    case 5:
      setOwn(target, key, rng.pick(HOSTILE_STRINGS) + (typeof current === 'string' ? current : ''));
      break;
    default:
      for (const other of keys) if (rng.chance(3)) delete target[other];
  }
  return root;
}

const CONTROL_BYTES = [0x00, 0x07, 0x08, 0x0a, 0x0d, 0x1b, 0x7f, 0x9b, 0xc0, 0xff, 0xfe];

/** Applies one byte-level mutation to a copy of `seed` (any format: JSON text, protobuf, RecordIO). */
export function mutateBytes(seed: Buffer, rng: Xorshift32): Buffer {
  const at = rng.below(seed.length + 1);
  switch (rng.below(9)) {
    case 0:
      return seed.subarray(0, at);
    case 1:
      return Buffer.concat([seed.subarray(0, at), Buffer.from([rng.pick(CONTROL_BYTES)]), seed.subarray(at)]);
    case 2: {
      const copy = Buffer.from(seed);
      const i = Math.min(at, copy.length - 1);
      if (i >= 0) copy[i] = (copy[i] ?? 0) ^ (1 << rng.below(8));
      return copy;
    }
    case 3:
      return Buffer.concat([seed.subarray(0, at), Buffer.from(rng.pick(HOSTILE_NUMBER_TOKENS)), seed.subarray(at)]);
    case 4:
      return Buffer.concat([seed.subarray(0, at), seed.subarray(Math.min(seed.length, at + 1 + rng.below(64)))]);
    case 5:
      return Buffer.concat([rng.pick([Buffer.from('\ufeff'), Buffer.from('<html>'), Buffer.from('\u001b[2J'), Buffer.alloc(3)]), seed]);
    case 6:
      return Buffer.concat([seed.subarray(0, at), Buffer.from(rng.pick(HOSTILE_STRINGS)), seed.subarray(at)]);
    case 7: {
      // A protobuf length or varint that claims far more than there is.
      const varint = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]);
      return Buffer.concat([seed.subarray(0, at), varint, seed.subarray(at)]);
    }
    default: {
      const copy = Buffer.from(seed);
      for (let k = 0; k < 8 && copy.length > 0; k++) copy[rng.below(copy.length)] = rng.below(256);
      return copy;
    }
  }
}

/** A JSON seed mutated either in its structure or in its text (numbers too big, cut-off text, bad bytes). */
export function mutateJsonText(seed: Json, rng: Xorshift32): Buffer {
  if (rng.chance(3)) return mutateBytes(Buffer.from(JSON.stringify(seed)), rng);
  // One to three structural mutations on top of each other.
  let value = mutateJson(seed, rng);
  for (let k = rng.below(3); k > 0; k--) value = mutateJson(value, rng);
  let text = JSON.stringify(value);
  if (rng.chance(3)) {
    // One number token, anywhere, replaced by one JSON.parse cannot keep exact (or makes Infinity of).
    const numbers = [...text.matchAll(/(?<=[:[,])-?\d+(\.\d+)?(?:[eE][-+]?\d+)?(?=[,\]}])/g)];
    const chosen = numbers.length === 0 ? undefined : rng.pick(numbers);
    if (chosen?.index !== undefined) {
      text = text.slice(0, chosen.index) + rng.pick(HOSTILE_NUMBER_TOKENS) + text.slice(chosen.index + chosen[0].length);
    }
  }
  return Buffer.from(text);
}

export type { Json };
