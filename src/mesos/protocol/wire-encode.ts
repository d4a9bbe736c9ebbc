/**
 * Mesos JSON shape -> protobuf binary format, written the way C++ protobuf serializes: fields in
 * field-number order, repeated fields unpacked (proto2's default), map entries as `{key = 1;
 * value = 2}` messages, negative int32/enum values as 10-byte varints.
 *
 * Two passes over the message: the first checks every value and records, in visiting order, the
 * size of each nested message and string (and the decoded bytes of `bytes` fields); the second
 * writes into one buffer of the exact final size. No per-field objects are allocated, which keeps
 * large events (thousands of offers) cheap.
 *
 * Both passes are generated per message type on first use (`compileSizer`, `compileWriter`): the
 * field names are written into the code, so reading a message's fields costs one inline-cached
 * property load each instead of a lookup by name for every field of the schema. Values are still
 * checked and written by the shared `scalarSize` / `Writer.scalar`, maps by the table-driven code.
 */
import { type FieldDescriptor, type MessageDescriptor, type ScalarKind, type ValueDescriptor, mapEntryFields } from './descriptors.js';
import { type Shape, ShapeError } from './shape.js';
import { TWO_POW_32, WIRE_LENGTH_DELIMITED, wireTypeOf } from './wire-format.js';

/** Sizes (messages, strings) and decoded `bytes` values, in the order both passes visit them. */
interface Plan {
  sizes: number[];
  blobs: Buffer[];
}

function varint32Size(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  return 5;
}

/** Two's-complement 64-bit halves of an integer-valued double (protobufjs' LongBits.fromNumber). */
function split64(value: number): [lo: number, hi: number] {
  let magnitude = Math.trunc(Math.abs(value));
  if (!Number.isFinite(magnitude)) magnitude = 0;
  let lo = magnitude >>> 0;
  let hi = ((magnitude - lo) / TWO_POW_32) >>> 0;
  if (value < 0 && magnitude !== 0) {
    hi = ~hi >>> 0;
    lo = ~lo >>> 0;
    lo += 1;
    if (lo > 0xffffffff) {
      lo = 0;
      hi = (hi + 1) >>> 0;
    }
  }
  return [lo, hi];
}

function varint64Size(lo: number, hi: number): number {
  if (hi === 0) return varint32Size(lo);
  const bits = 64 - Math.clz32(hi);
  return Math.ceil(bits / 7);
}

function zigzag64(lo: number, hi: number): [number, number] {
  const sign = hi >> 31;
  return [((lo << 1) ^ sign) >>> 0, (((hi << 1) | (lo >>> 31)) ^ sign) >>> 0];
}

function expectNumber(value: unknown, where: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  throw new ShapeError(`${where}: expected a number`);
}

function enumNumber(field: ValueDescriptor, value: unknown, where: string): number {
  const number = typeof value === 'string' ? field.enumType?.numberByName.get(value) : undefined;
  if (number === undefined) throw new ShapeError(`${where}: unknown ${field.enumType?.fullName} value ${String(value)}`);
  return number;
}

/** UTF-8 length of a string; short ASCII ones counted here rather than by a call into native code. */
function utf8Length(text: string): number {
  if (text.length > 64) return Buffer.byteLength(text, 'utf8');
  for (let i = 0; i < text.length; i += 1) {
    if (text.charCodeAt(i) >= 0x80) return Buffer.byteLength(text, 'utf8');
  }
  return text.length;
}

/** Size of a scalar's payload (without its tag); records string lengths and decoded bytes in `plan`. */
function scalarSize(field: ValueDescriptor, value: unknown, where: string, plan: Plan): number {
  switch (field.kind) {
    case 'double':
    case 'fixed64':
    case 'sfixed64':
      expectNumber(value, where);
      return 8;
    case 'float':
    case 'fixed32':
    case 'sfixed32':
      expectNumber(value, where);
      return 4;
    case 'bool':
      if (typeof value !== 'boolean') throw new ShapeError(`${where}: expected a boolean`);
      return 1;
    case 'int32': {
      const number = expectNumber(value, where) | 0;
      return number < 0 ? 10 : varint32Size(number);
    }
    case 'enum': {
      const number = enumNumber(field, value, where);
      return number < 0 ? 10 : varint32Size(number);
    }
    case 'uint32':
      return varint32Size(expectNumber(value, where) >>> 0);
    case 'sint32': {
      const number = expectNumber(value, where) | 0;
      return varint32Size(((number << 1) ^ (number >> 31)) >>> 0);
    }
    case 'int64':
    case 'uint64': {
      const [lo, hi] = split64(expectNumber(value, where));
      return varint64Size(lo, hi);
    }
    case 'sint64': {
      const [lo, hi] = zigzag64(...split64(expectNumber(value, where)));
      return varint64Size(lo, hi);
    }
    case 'string': {
      if (typeof value !== 'string') throw new ShapeError(`${where}: expected a string`);
      const length = utf8Length(value);
      plan.sizes.push(length);
      return varint32Size(length) + length;
    }
    case 'bytes': {
      if (typeof value !== 'string') throw new ShapeError(`${where}: expected a base64 string`);
      const bytes = Buffer.from(value, 'base64');
      plan.blobs.push(bytes);
      return varint32Size(bytes.length) + bytes.length;
    }
    default:
      throw new Error(`scalarSize called for ${field.kind}`);
  }
}

function tagSize(number: number): number {
  return varint32Size((number << 3) >>> 0);
}

/** Size of one value including its tag. */
function valueSize(field: FieldDescriptor, value: unknown, plan: Plan): number {
  if (field.kind !== 'message') return tagSize(field.number) + scalarSize(field, value, field.qualifiedName, plan);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ShapeError(`${field.qualifiedName}: expected an object`);
  }
  const slot = plan.sizes.length;
  plan.sizes.push(0);
  const size = messageSize(field.messageType as MessageDescriptor, value as Shape, plan);
  plan.sizes[slot] = size;
  return tagSize(field.number) + varint32Size(size) + size;
}

function mapKeyValue(kind: ScalarKind, key: string): unknown {
  if (kind === 'string') return key;
  if (kind === 'bool') return key === 'true';
  return Number(key);
}

/** Size of one map field's entries (with their tags); records entry sizes in `plan`. */
function mapSize(field: FieldDescriptor, value: unknown, plan: Plan): number {
  if (typeof value !== 'object' || Array.isArray(value)) throw new ShapeError(`${field.qualifiedName}: expected an object`);
  const { key: keyField, value: valueField } = mapEntryFields(field);
  let size = 0;
  for (const [key, entryValue] of Object.entries(value as Shape)) {
    const slot = plan.sizes.length;
    plan.sizes.push(0);
    const entrySize = valueSize(keyField, mapKeyValue(field.mapKey as ScalarKind, key), plan) + valueSize(valueField, entryValue, plan);
    plan.sizes[slot] = entrySize;
    size += tagSize(field.number) + varint32Size(entrySize) + entrySize;
  }
  return size;
}

function messageSize(descriptor: MessageDescriptor, shape: Shape, plan: Plan): number {
  return sizerFor(descriptor)(shape, plan);
}

type Sizer = (shape: Shape, plan: Plan) => number;
type MessageWriter = (writer: Writer, shape: Shape) => void;

const sizers = new WeakMap<MessageDescriptor, Sizer>();
const writers = new WeakMap<MessageDescriptor, MessageWriter>();

function sizerFor(descriptor: MessageDescriptor): Sizer {
  let sizer = sizers.get(descriptor);
  if (sizer === undefined) {
    sizer = compileSizer(descriptor);
    sizers.set(descriptor, sizer);
  }
  return sizer;
}

function writerFor(descriptor: MessageDescriptor): MessageWriter {
  let writer = writers.get(descriptor);
  if (writer === undefined) {
    writer = compileWriter(descriptor);
    writers.set(descriptor, writer);
  }
  return writer;
}

/** What the generated code may call: its only way to reach this module. */
const RUNTIME = { ShapeError, mapSize, scalarSize, sizerFor, writerFor, varint32Size };

/** `s["name"]`, the present-value test of the former loop (`undefined` and `null` are absent). */
function fieldAccess(field: FieldDescriptor): { read: string; present: string } {
  return { read: `v = s[${JSON.stringify(field.name)}];`, present: 'v !== undefined && v !== null' };
}

/**
 * The first pass for one message type: for every field in field-number order, what `valueSize`
 * does, with the child message's own sizer called directly. `F` is `fieldsByNumber`.
 */
function compileSizer(descriptor: MessageDescriptor): Sizer {
  const lines = descriptor.fieldsByNumber.map((field, at) => {
    const { read, present } = fieldAccess(field);
    const where = JSON.stringify(field.qualifiedName);
    const tag = tagSize(field.number);
    const valueCode =
      field.kind === 'message'
        ? `{ if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new R.ShapeError(${JSON.stringify(`${field.qualifiedName}: expected an object`)}); ` +
          `const slot = plan.sizes.length; plan.sizes.push(0); ` +
          `const n = (z${at} || (z${at} = R.sizerFor(F[${at}].messageType)))(x, plan); plan.sizes[slot] = n; size += ${tag} + R.varint32Size(n) + n; }`
        : `size += ${tag} + R.scalarSize(F[${at}], x, ${where}, plan);`;
    let body: string;
    if (field.mapKey !== undefined) body = `size += R.mapSize(F[${at}], v, plan);`;
    else if (field.repeated) {
      body =
        `if (!Array.isArray(v)) throw new R.ShapeError(${JSON.stringify(`${field.qualifiedName}: expected an array`)}); ` +
        `for (const x of v) ${valueCode}`;
    } else body = `{ const x = v; ${valueCode} }`;
    return `${read} if (${present}) { ${body} }`;
  });
  const source = `
    let ${descriptor.fieldsByNumber.map((_, at) => `z${at}`).join(', ') || '_'};
    return function size(s, plan) {
      let size = 0;
      let v;
      ${lines.join('\n      ')}
      return size;
    };`;
  // new Function: code specialised to this message type (one inline cache per field name).
  const build = new Function('R', 'F', source) as (runtime: typeof RUNTIME, fields: readonly FieldDescriptor[]) => Sizer;
  return build(RUNTIME, descriptor.fieldsByNumber);
}

/** The second pass for one message type, mirroring `compileSizer` (see `Writer.message`). */
function compileWriter(descriptor: MessageDescriptor): MessageWriter {
  const lines = descriptor.fieldsByNumber.map((field, at) => {
    const { read, present } = fieldAccess(field);
    const tag = ((field.number << 3) | wireTypeOf(field.kind)) >>> 0;
    const valueCode =
      field.kind === 'message'
        ? `{ w.varint32(${tag}); w.varint32(w.nextSize()); (y${at} || (y${at} = R.writerFor(F[${at}].messageType)))(w, x); }`
        : `{ w.varint32(${tag}); w.scalar(F[${at}], x); }`;
    let body: string;
    if (field.mapKey !== undefined) body = `w.mapEntries(F[${at}], v);`;
    else if (field.repeated) body = `for (const x of v) ${valueCode}`;
    else body = `{ const x = v; ${valueCode} }`;
    return `${read} if (${present}) { ${body} }`;
  });
  const source = `
    let ${descriptor.fieldsByNumber.map((_, at) => `y${at}`).join(', ') || '_'};
    return function write(w, s) {
      let v;
      ${lines.join('\n      ')}
    };`;
  const build = new Function('R', 'F', source) as (runtime: typeof RUNTIME, fields: readonly FieldDescriptor[]) => MessageWriter;
  return build(RUNTIME, descriptor.fieldsByNumber);
}

/** The second pass: writes what the first pass measured, consuming `plan` in the same order. */
class Writer {
  readonly buf: Buffer;
  pos = 0;
  private sizeCursor = 0;
  private blobCursor = 0;
  private readonly plan: Plan;

  constructor(size: number, plan: Plan) {
    this.buf = Buffer.allocUnsafe(size);
    this.plan = plan;
  }

  nextSize(): number {
    return this.plan.sizes[this.sizeCursor++] as number;
  }

  varint32(value: number): void {
    const buf = this.buf;
    let v = value >>> 0;
    while (v >= 0x80) {
      buf[this.pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[this.pos++] = v;
  }

  varint64(lo: number, hi: number): void {
    const buf = this.buf;
    let low = lo >>> 0;
    let high = hi >>> 0;
    while (high !== 0 || low >= 0x80) {
      buf[this.pos++] = (low & 0x7f) | 0x80;
      low = ((low >>> 7) | (high << 25)) >>> 0;
      high >>>= 7;
    }
    buf[this.pos++] = low;
  }

  scalar(field: ValueDescriptor, value: unknown): void {
    const buf = this.buf;
    switch (field.kind) {
      case 'double':
        buf.writeDoubleLE(Number(value), this.pos);
        this.pos += 8;
        return;
      case 'float':
        buf.writeFloatLE(Number(value), this.pos);
        this.pos += 4;
        return;
      case 'fixed32':
        buf.writeUInt32LE(Number(value) >>> 0, this.pos);
        this.pos += 4;
        return;
      case 'sfixed32':
        buf.writeInt32LE(Number(value) | 0, this.pos);
        this.pos += 4;
        return;
      case 'fixed64':
      case 'sfixed64': {
        const [lo, hi] = split64(Number(value));
        buf.writeUInt32LE(lo, this.pos);
        buf.writeUInt32LE(hi, this.pos + 4);
        this.pos += 8;
        return;
      }
      case 'bool':
        buf[this.pos++] = value === true ? 1 : 0;
        return;
      case 'int32':
        this.signed32(Number(value) | 0);
        return;
      case 'enum':
        this.signed32(field.enumType?.numberByName.get(value as string) as number);
        return;
      case 'uint32':
        this.varint32(Number(value) >>> 0);
        return;
      case 'sint32': {
        const number = Number(value) | 0;
        this.varint32(((number << 1) ^ (number >> 31)) >>> 0);
        return;
      }
      case 'int64':
      case 'uint64':
        this.varint64(...split64(Number(value)));
        return;
      case 'sint64':
        this.varint64(...zigzag64(...split64(Number(value))));
        return;
      case 'string': {
        const length = this.nextSize();
        this.varint32(length);
        const text = value as string;
        // As many bytes as characters: all ASCII. Short ones are copied here, not by a native call.
        if (length === text.length && length <= 64) {
          for (let i = 0; i < length; i += 1) buf[this.pos + i] = text.charCodeAt(i);
          this.pos += length;
        } else {
          this.pos += buf.write(text, this.pos, length, 'utf8');
        }
        return;
      }
      case 'bytes': {
        const bytes = this.plan.blobs[this.blobCursor++] as Buffer;
        this.varint32(bytes.length);
        bytes.copy(buf, this.pos);
        this.pos += bytes.length;
        return;
      }
      default:
        throw new Error(`scalar called for ${field.kind}`);
    }
  }

  private signed32(value: number): void {
    if (value >= 0) this.varint32(value);
    else this.varint64(value >>> 0, 0xffffffff);
  }

  value(field: FieldDescriptor, value: unknown): void {
    this.varint32(((field.number << 3) | wireTypeOf(field.kind)) >>> 0);
    if (field.kind !== 'message') {
      this.scalar(field, value);
      return;
    }
    this.varint32(this.nextSize());
    writerFor(field.messageType as MessageDescriptor)(this, value as Shape);
  }

  mapEntries(field: FieldDescriptor, value: unknown): void {
    const { key: keyField, value: valueField } = mapEntryFields(field);
    for (const [key, entryValue] of Object.entries(value as Shape)) {
      this.varint32(((field.number << 3) | WIRE_LENGTH_DELIMITED) >>> 0);
      this.varint32(this.nextSize());
      this.value(keyField, mapKeyValue(field.mapKey as ScalarKind, key));
      this.value(valueField, entryValue);
    }
  }
}

/**
 * Encodes a JSON-shape message. Throws `ShapeError` when a value does not fit its field. Missing
 * required fields are not checked (like protobuf's partial serialization).
 */
export function encodeMessage(descriptor: MessageDescriptor, shape: Shape): Buffer {
  const plan: Plan = { sizes: [], blobs: [] };
  const size = messageSize(descriptor, shape, plan);
  const writer = new Writer(size, plan);
  writerFor(descriptor)(writer, shape);
  if (writer.pos !== size) throw new Error(`protobuf encoder wrote ${writer.pos} of ${size} bytes`);
  return writer.buf;
}
