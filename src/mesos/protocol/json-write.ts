/**
 * JSON-shape message -> JSON bytes laid out as Mesos writes them (stout's `jsonify(JSON::Protobuf)`
 * on rapidjson): no whitespace, fields in .proto declaration order, set fields plus unset singular
 * fields that declare a non-deprecated `[default = ...]`, enums as names, `bytes` as base64, integers
 * plain, strings escaped like rapidjson (`\"`, `\\`, control characters as `\b \t \n \f \r` or
 * `\u00XX`; everything else, `/` and non-ASCII included, verbatim).
 *
 * Doubles are written by a `DoubleFormat`: the client's default is JavaScript's shortest round-trip
 * form (`15`, `0.1`), which any JSON reader, Mesos' included, reads back as the same double; the
 * emulator passes its port of rapidjson's Grisu2 (`15.0`) to match Mesos byte for byte.
 *
 * Output goes straight into a growing buffer rather than through string concatenation, which keeps
 * large events cheap.
 */
import type { FieldDescriptor, MessageDescriptor, ValueDescriptor } from './descriptors.js';
import { type Shape, ShapeError } from './shape.js';

/** A double's JSON text. */
export type DoubleFormat = (value: number) => string;

/**
 * The shortest text that reads back as the same double; infinities as the strings Mesos accepts
 * for double fields, NaN bare as Mesos itself writes it.
 */
export const shortestDouble: DoubleFormat = (value) => {
  if (Number.isFinite(value)) return String(value);
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? '"Infinity"' : '"-Infinity"';
};

const NEEDS_ESCAPE = /["\\\u0000-\u001f]/;
const ESCAPE_ALL = /["\\\u0000-\u001f]/g;
const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\f': '\\f',
  '\r': '\\r',
};

function escapeChar(char: string): string {
  return SHORT_ESCAPES[char] ?? `\\u00${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
}

/** The body of a JSON string literal for `text`, escaped like rapidjson. */
function escapeJson(text: string): string {
  return NEEDS_ESCAPE.test(text) ? text.replace(ESCAPE_ALL, escapeChar) : text;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

class Output {
  buf = Buffer.allocUnsafe(4096);
  pos = 0;

  constructor(readonly formatDouble: DoubleFormat) {}

  private reserve(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + bytes) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  byte(value: number): void {
    this.reserve(1);
    this.buf[this.pos++] = value;
  }

  /** Text known to be ASCII (numbers, enum and field names). */
  ascii(text: string): void {
    this.reserve(text.length);
    this.pos += this.buf.write(text, this.pos, 'latin1');
  }

  /** A quoted, escaped JSON string. */
  string(text: string): void {
    const body = escapeJson(text);
    this.reserve(body.length * 3 + 2);
    this.buf[this.pos++] = QUOTE;
    this.pos += this.buf.write(body, this.pos, 'utf8');
    this.buf[this.pos++] = QUOTE;
  }

  /** The bytes written; copied out when most of the buffer would otherwise be kept alive for nothing. */
  result(): Buffer {
    const view = this.buf.subarray(0, this.pos);
    return this.pos * 4 < this.buf.length * 3 ? Buffer.from(view) : view;
  }
}

function formatInteger(value: unknown, where: string): string {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ShapeError(`${where}: expected an integer`);
  const integer = Math.trunc(value);
  // Past 2^53 print the exact integer the double holds, as C++ prints the int64 it parsed into.
  return Number.isSafeInteger(integer) ? String(integer) : BigInt(integer).toString();
}

/** `where` names the field for error messages only. */
function writeScalar(out: Output, value: ValueDescriptor, raw: unknown, where: string): void {
  switch (value.kind) {
    case 'double':
    case 'float':
      if (typeof raw === 'bigint') out.ascii(out.formatDouble(Number(raw)));
      else if (typeof raw === 'number') out.ascii(out.formatDouble(raw));
      else throw new ShapeError(`${where}: expected a number`);
      return;
    case 'bool':
      if (typeof raw !== 'boolean') throw new ShapeError(`${where}: expected a boolean`);
      out.ascii(raw ? 'true' : 'false');
      return;
    case 'string':
    case 'bytes':
      if (typeof raw !== 'string') throw new ShapeError(`${where}: expected a string`);
      out.string(raw);
      return;
    case 'enum':
      if (typeof raw !== 'string' || !value.enumType?.numberByName.has(raw)) {
        throw new ShapeError(`${where}: unknown ${value.enumType?.fullName} value ${String(raw)}`);
      }
      out.byte(QUOTE);
      out.ascii(raw);
      out.byte(QUOTE);
      return;
    case 'message':
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ShapeError(`${where}: expected an object`);
      writeObject(out, value.messageType as MessageDescriptor, raw as Shape);
      return;
    default:
      out.ascii(formatInteger(raw, where));
  }
}

/** Whether the field appears in the output at all (set, non-empty, or defaulted). */
function isWritten(field: FieldDescriptor, raw: unknown): boolean {
  if (raw === undefined || raw === null) return field.jsonDefault !== undefined && field.mapKey === undefined && !field.repeated;
  if (field.mapKey !== undefined) {
    if (typeof raw !== 'object' || Array.isArray(raw)) throw new ShapeError(`${field.qualifiedName}: expected an object`);
    for (const _key in raw) return true;
    return false;
  }
  if (field.repeated) {
    if (!Array.isArray(raw)) throw new ShapeError(`${field.qualifiedName}: expected an array`);
    return raw.length > 0;
  }
  return true;
}

function writeField(out: Output, field: FieldDescriptor, raw: unknown): void {
  const where = field.qualifiedName;
  if (field.mapKey !== undefined) {
    out.byte(OPEN_BRACE);
    let first = true;
    for (const [key, entry] of Object.entries(raw as Shape)) {
      if (!first) out.byte(COMMA);
      first = false;
      out.string(key);
      out.byte(COLON);
      writeScalar(out, field, entry, where);
    }
    out.byte(CLOSE_BRACE);
  } else if (field.repeated) {
    const list = raw as unknown[];
    out.byte(OPEN_BRACKET);
    for (let i = 0; i < list.length; i += 1) {
      if (i > 0) out.byte(COMMA);
      writeScalar(out, field, list[i], where);
    }
    out.byte(CLOSE_BRACKET);
  } else {
    writeScalar(out, field, raw ?? field.jsonDefault, where);
  }
}

function writeObject(out: Output, descriptor: MessageDescriptor, shape: Shape): void {
  out.byte(OPEN_BRACE);
  let first = true;
  for (const field of descriptor.fields) {
    const raw = shape[field.name];
    if (!isWritten(field, raw)) continue;
    if (!first) out.byte(COMMA);
    first = false;
    out.byte(QUOTE);
    out.ascii(field.name);
    out.byte(QUOTE);
    out.byte(COLON);
    writeField(out, field, raw);
  }
  out.byte(CLOSE_BRACE);
}

/** The JSON bytes of a message. Throws `ShapeError` when a value does not fit its field. */
export function messageToJson(descriptor: MessageDescriptor, shape: Shape, formatDouble: DoubleFormat = shortestDouble): Buffer {
  const out = new Output(formatDouble);
  writeObject(out, descriptor, shape);
  return out.result();
}
