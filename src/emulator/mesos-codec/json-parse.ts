/**
 * A JSON parser that accepts, rejects and words errors exactly like the one Mesos uses for request
 * bodies: picojson 1.3 (with Mesos' depth-limit backport, 200 levels) wrapped by stout's
 * `JSON::parse`. Mesos reports its message verbatim in 400 responses, e.g.
 * `syntax error at line 1 near: ` followed by the rest of the offending line.
 *
 * Quirks kept on purpose: numbers are `[0-9+-eE.]` runs handed to strtoimax/strtod (so `01`, `1.`
 * and `-.5` parse), integers that fit int64 stay integers, non-finite numbers fail with `Value out
 * of range`, lone UTF-16 surrogate escapes are errors, duplicate keys are all kept (the converter
 * uses the last, as stout does), and trailing non-whitespace after the value is an error
 * (`Parsed JSON included non-whitespace trailing characters: ...`).
 */

/**
 * Numbers: `bigint` marks an integer literal outside int32 range (C++ narrows those differently from
 * floating-point values); every other number is a `number`.
 */
export type JsonValue = null | boolean | number | bigint | string | JsonValue[] | JsonObject;

/** A JSON object: keys and values in document order, repeated keys included (stout keeps the last). */
export class JsonObject {
  readonly keys: string[] = [];
  readonly values: JsonValue[] = [];

  /** Key -> value with repeated keys resolved as stout does (the last one wins). */
  lastValues(): Map<string, JsonValue> {
    const last = new Map<string, JsonValue>();
    for (let i = 0; i < this.keys.length; i += 1) last.set(this.keys[i] as string, this.values[i] as JsonValue);
    return last;
  }
}

/** The body is not JSON; `message` is the text stout would produce. */
export class JsonSyntaxError extends Error {}

const MAX_DEPTH = 200;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const FLOAT_LITERAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INT_LITERAL = /^[+-]?\d+$/;

/** Thrown by set_number for infinite values (picojson throws std::overflow_error; stout rewords it). */
class OutOfRange extends Error {}

/** picojson's input<Iter>: one byte of push-back, line counting on consumption of the byte after '\n'. */
class Input {
  readonly buf: Buffer;
  readonly end: number;
  pos = 0;
  lastCh = -1;
  ungot = false;
  line = 1;

  constructor(buf: Buffer) {
    this.buf = buf;
    this.end = buf.length;
  }

  getc(): number {
    if (this.ungot) {
      this.ungot = false;
      return this.lastCh;
    }
    if (this.pos === this.end) {
      this.lastCh = -1;
      return -1;
    }
    if (this.lastCh === 0x0a) this.line += 1;
    this.lastCh = this.buf[this.pos++] as number;
    return this.lastCh;
  }

  ungetc(): void {
    if (this.lastCh !== -1) this.ungot = true;
  }

  skipWs(): void {
    for (;;) {
      const ch = this.getc();
      if (!(ch === 0x20 || ch === 0x09 || ch === 0x0a || ch === 0x0d)) {
        this.ungetc();
        return;
      }
    }
  }

  expect(expected: number): boolean {
    this.skipWs();
    if (this.getc() !== expected) {
      this.ungetc();
      return false;
    }
    return true;
  }

  match(pattern: string): boolean {
    for (let i = 0; i < pattern.length; i += 1) {
      if (this.getc() !== pattern.charCodeAt(i)) {
        this.ungetc();
        return false;
      }
    }
    return true;
  }
}

/** Node's native Buffer#latin1Slice skips toString()'s argument handling; fall back if it is absent. */
const nativeLatin1 = (Buffer.prototype as unknown as { latin1Slice?: (start: number, end: number) => string }).latin1Slice;
function latin1(buf: Buffer, start: number, end: number): string {
  return nativeLatin1 === undefined ? buf.toString('latin1', start, end) : nativeLatin1.call(buf, start, end);
}

/** What the parse functions return on a syntax error (picojson's `false`). */
const FAIL: unique symbol = Symbol('syntax error');
type Parsed = JsonValue | typeof FAIL;

function parseQuadHex(input: Input): number {
  let value = 0;
  for (let i = 0; i < 4; i += 1) {
    let hex = input.getc();
    if (hex === -1) return -1;
    if (hex >= 0x30 && hex <= 0x39) hex -= 0x30;
    else if (hex >= 0x41 && hex <= 0x46) hex -= 0x41 - 10;
    else if (hex >= 0x61 && hex <= 0x66) hex -= 0x61 - 10;
    else {
      input.ungetc();
      return -1;
    }
    value = value * 16 + hex;
  }
  return value;
}

function pushCodePoint(out: number[], codePoint: number): void {
  if (codePoint < 0x80) {
    out.push(codePoint);
  } else if (codePoint < 0x800) {
    out.push(0xc0 | (codePoint >> 6), 0x80 | (codePoint & 0x3f));
  } else if (codePoint < 0x10000) {
    out.push(0xe0 | (codePoint >> 12), 0x80 | ((codePoint >> 6) & 0x3f), 0x80 | (codePoint & 0x3f));
  } else {
    out.push(0xf0 | (codePoint >> 18), 0x80 | ((codePoint >> 12) & 0x3f), 0x80 | ((codePoint >> 6) & 0x3f), 0x80 | (codePoint & 0x3f));
  }
}

function parseCodePoint(out: number[], input: Input): boolean {
  let codePoint = parseQuadHex(input);
  if (codePoint === -1) return false;
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) {
    if (codePoint >= 0xdc00) return false;
    if (input.getc() !== 0x5c || input.getc() !== 0x75) {
      input.ungetc();
      return false;
    }
    const second = parseQuadHex(input);
    if (!(second >= 0xdc00 && second <= 0xdfff)) return false;
    codePoint = ((codePoint - 0xd800) << 10) | ((second - 0xdc00) & 0x3ff);
    codePoint += 0x10000;
  }
  pushCodePoint(out, codePoint);
  return true;
}

const ESCAPES: Record<number, number> = {
  0x22: 0x22,
  0x5c: 0x5c,
  0x2f: 0x2f,
  0x62: 0x08,
  0x66: 0x0c,
  0x6e: 0x0a,
  0x72: 0x0d,
  0x74: 0x09,
};

/** Parses the rest of a string whose opening quote was consumed; undefined on a syntax error. */
function parseString(input: Input): string | undefined {
  const buf = input.buf;
  const start = input.pos;
  let pos = start;
  if (!input.ungot) {
    // Fast path: consume the run of plain bytes as getc() would (it holds no '\n', so no line change).
    let ascii = true;
    while (pos < input.end) {
      const byte = buf[pos] as number;
      if (byte === 0x22 || byte < 0x20 || byte === 0x5c) break;
      if (byte >= 0x80) ascii = false;
      pos += 1;
    }
    if (pos < input.end && buf[pos] === 0x22) {
      input.pos = pos + 1;
      input.lastCh = 0x22;
      return ascii ? latin1(buf, start, pos) : buf.toString('utf8', start, pos);
    }
    if (pos > start) {
      input.pos = pos;
      input.lastCh = buf[pos - 1] as number;
    }
  }
  const out: number[] = pos > start ? Array.from(buf.subarray(start, pos)) : [];
  for (;;) {
    let ch = input.getc();
    if (ch < 0x20) {
      input.ungetc();
      return undefined;
    }
    if (ch === 0x22) return Buffer.from(out).toString('utf8');
    if (ch === 0x5c) {
      ch = input.getc();
      if (ch === -1) return undefined;
      const mapped = ESCAPES[ch];
      if (mapped !== undefined) {
        out.push(mapped);
      } else if (ch === 0x75) {
        if (!parseCodePoint(out, input)) return undefined;
      } else {
        return undefined;
      }
    } else {
      out.push(ch);
    }
  }
}

function isNumberByte(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || byte === 0x2b || byte === 0x2d || byte === 0x65 || byte === 0x45 || byte === 0x2e;
}

/**
 * picojson's _parse_number plus the strtoimax/strtod step. Called with the first character pushed
 * back. Integers in int32 range come back as `number` (where integer and floating-point
 * conversions agree), other integers that fit int64 as `bigint`, floating-point values as `number`.
 */
function parseNumber(input: Input): Parsed {
  const buf = input.buf;
  // The pushed-back first character is at pos - 1; consume the run as getc() would.
  const start = input.pos - 1;
  let pos = input.pos;
  let plainInteger = true;
  while (pos < input.end) {
    const byte = buf[pos] as number;
    if (!isNumberByte(byte)) break;
    if (byte < 0x30 || byte > 0x39) plainInteger = false;
    pos += 1;
  }
  if (pos < input.end) {
    // The terminator was read and pushed back.
    input.pos = pos + 1;
    input.lastCh = buf[pos] as number;
    input.ungot = true;
  } else {
    input.pos = pos;
    input.lastCh = -1;
    input.ungot = false;
  }
  const text = latin1(buf, start, pos);
  const digits = buf[start] === 0x2d ? text.length - 1 : text.length;
  if (plainInteger && digits > 0 && digits <= 15) {
    const value = Number(text) + 0;
    return value >= -2147483648 && value <= 2147483647 ? value : BigInt(text);
  }
  const value = numberFromText(text);
  if (value === undefined) return FAIL;
  if (typeof value === 'bigint' && value >= -2147483648n && value <= 2147483647n) return Number(value);
  return value;
}

/** strtoimax then strtod on the whole run, as picojson does with PICOJSON_USE_INT64. */
function numberFromText(text: string): number | bigint | undefined {
  if (INT_LITERAL.test(text)) {
    const value = BigInt(text);
    if (value >= INT64_MIN && value <= INT64_MAX) return value;
  }
  if (!FLOAT_LITERAL.test(text)) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) throw new OutOfRange();
  return value;
}

function parseArray(input: Input, depth: number): Parsed {
  if (depth <= 0) return FAIL;
  const array: JsonValue[] = [];
  if (input.expect(0x5d)) return array;
  do {
    const item = parseValue(input, depth - 1);
    if (item === FAIL) return FAIL;
    array.push(item);
  } while (input.expect(0x2c));
  return input.expect(0x5d) ? array : FAIL;
}

function parseObject(input: Input, depth: number): Parsed {
  if (depth <= 0) return FAIL;
  const object = new JsonObject();
  if (input.expect(0x7d)) return object;
  do {
    if (!input.expect(0x22)) return FAIL;
    const key = parseString(input);
    if (key === undefined || !input.expect(0x3a)) return FAIL;
    const item = parseValue(input, depth - 1);
    if (item === FAIL) return FAIL;
    object.keys.push(key);
    object.values.push(item);
  } while (input.expect(0x2c));
  return input.expect(0x7d) ? object : FAIL;
}

function parseValue(input: Input, depth: number): Parsed {
  input.skipWs();
  const ch = input.getc();
  switch (ch) {
    case 0x6e:
      return input.match('ull') ? null : FAIL;
    case 0x66:
      return input.match('alse') ? false : FAIL;
    case 0x74:
      return input.match('rue') ? true : FAIL;
    case 0x22: {
      const text = parseString(input);
      return text === undefined ? FAIL : text;
    }
    case 0x5b:
      return parseArray(input, depth);
    case 0x7b:
      return parseObject(input, depth);
    default:
      if ((ch >= 0x30 && ch <= 0x39) || ch === 0x2d) {
        input.ungetc();
        return parseNumber(input);
      }
      input.ungetc();
      return FAIL;
  }
}

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

/** Parses a whole document like stout's `JSON::parse(string)`. Throws `JsonSyntaxError`. */
export function parseJson(data: Uint8Array): JsonValue {
  const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const input = new Input(bytes);
  let value: Parsed;
  try {
    value = parseValue(input, MAX_DEPTH);
  } catch (error) {
    if (error instanceof OutOfRange) throw new JsonSyntaxError('Value out of range');
    throw error;
  }
  if (value === FAIL) {
    const near: number[] = [];
    const line = input.line;
    for (;;) {
      const ch = input.getc();
      if (ch === -1 || ch === 0x0a) break;
      if (ch >= 0x20) near.push(ch);
    }
    throw new JsonSyntaxError(`syntax error at line ${line} near: ${Buffer.from(near).toString('utf8')}`);
  }
  let lastVisible = bytes.length - 1;
  while (lastVisible >= 0 && isWhitespace(bytes[lastVisible] as number)) lastVisible -= 1;
  const parseEnd = input.pos;
  if (parseEnd !== lastVisible + 1) {
    // stout's substr() with a negative count runs to the end of the body.
    const trailing = parseEnd <= lastVisible ? bytes.subarray(parseEnd, lastVisible + 1) : bytes.subarray(parseEnd);
    throw new JsonSyntaxError(`Parsed JSON included non-whitespace trailing characters: ${Buffer.from(trailing).toString('utf8')}`);
  }
  return value;
}
