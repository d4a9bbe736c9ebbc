/**
 * The reference for the differential test (wire-differential.test.ts): the table-walking
 * encoder that src/mesos/protocol/wire-encode.ts used before it generated its passes per message
 * type, kept unchanged apart from its imports and its name. Not used by the product.
 *
 * Mesos JSON shape -> protobuf binary format, written the way C++ protobuf serializes: fields in
 * field-number order, repeated fields unpacked (proto2's default), map entries as `{key = 1;
 * value = 2}` messages, negative int32/enum values as 10-byte varints.
 *
 * Two passes over the message: the first checks every value and records, in visiting order, the
 * size of each nested message and string (and the decoded bytes of `bytes` fields); the second
 * writes into one buffer of the exact final size. No per-field objects are allocated, which keeps
 * large events (thousands of offers) cheap.
 */
import {
  type FieldDescriptor,
  type MessageDescriptor,
  type ScalarKind,
  type ValueDescriptor,
  mapEntryFields,
} from '../../../../src/mesos/protocol/descriptors.js';
import { type Shape, ShapeError } from '../../../../src/mesos/protocol/shape.js';
import { TWO_POW_32, WIRE_LENGTH_DELIMITED, wireTypeOf } from '../../../../src/mesos/protocol/wire-format.js';

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
      const length = Buffer.byteLength(value, 'utf8');
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

function messageSize(descriptor: MessageDescriptor, shape: Shape, plan: Plan): number {
  let size = 0;
  for (const field of descriptor.fieldsByNumber) {
    const value = shape[field.name];
    if (value === undefined || value === null) continue;
    if (field.mapKey !== undefined) {
      if (typeof value !== 'object' || Array.isArray(value)) throw new ShapeError(`${field.qualifiedName}: expected an object`);
      const { key: keyField, value: valueField } = mapEntryFields(field);
      for (const [key, entryValue] of Object.entries(value as Shape)) {
        const slot = plan.sizes.length;
        plan.sizes.push(0);
        const entrySize = valueSize(keyField, mapKeyValue(field.mapKey, key), plan) + valueSize(valueField, entryValue, plan);
        plan.sizes[slot] = entrySize;
        size += tagSize(field.number) + varint32Size(entrySize) + entrySize;
      }
    } else if (field.repeated) {
      if (!Array.isArray(value)) throw new ShapeError(`${field.qualifiedName}: expected an array`);
      for (const element of value) size += valueSize(field, element, plan);
    } else {
      size += valueSize(field, value, plan);
    }
  }
  return size;
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
        this.pos += buf.write(value as string, this.pos, length, 'utf8');
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
    this.message(field.messageType as MessageDescriptor, value as Shape);
  }

  message(descriptor: MessageDescriptor, shape: Shape): void {
    for (const field of descriptor.fieldsByNumber) {
      const value = shape[field.name];
      if (value === undefined || value === null) continue;
      if (field.mapKey !== undefined) {
        const { key: keyField, value: valueField } = mapEntryFields(field);
        for (const [key, entryValue] of Object.entries(value as Shape)) {
          this.varint32(((field.number << 3) | WIRE_LENGTH_DELIMITED) >>> 0);
          this.varint32(this.nextSize());
          this.value(keyField, mapKeyValue(field.mapKey, key));
          this.value(valueField, entryValue);
        }
      } else if (field.repeated) {
        for (const element of value as unknown[]) this.value(field, element);
      } else {
        this.value(field, value);
      }
    }
  }
}

/**
 * Encodes a JSON-shape message. Throws `ShapeError` when a value does not fit its field. Missing
 * required fields are not checked (like protobuf's partial serialization).
 */
export function referenceEncodeMessage(descriptor: MessageDescriptor, shape: Shape): Buffer {
  const plan: Plan = { sizes: [], blobs: [] };
  const size = messageSize(descriptor, shape, plan);
  const writer = new Writer(size, plan);
  writer.message(descriptor, shape);
  if (writer.pos !== size) throw new Error(`protobuf encoder wrote ${writer.pos} of ${size} bytes`);
  return writer.buf;
}
