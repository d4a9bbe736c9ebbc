/**
 * The reference for the differential test (wire-differential.test.ts): the table-walking
 * interpreter that src/mesos/protocol/wire-decode.ts used before it generated one decode function per
 * message type, kept unchanged apart from its imports and its name. Not used by the product.
 *
 * Protobuf binary format -> Mesos JSON shape (snake_case objects, enum names, base64 bytes, 64-bit
 * integers as numbers), driven by the compiled schema.
 *
 * It follows what Mesos' C++ protobuf (3.5, proto2) accepts: fields whose wire type does
 * not match the schema and unknown fields are skipped, unknown enum numbers are dropped, a repeated
 * occurrence of a singular message field is merged into the first, repeated scalars are accepted
 * packed or not, tag 0 and end-group tags out of place are errors, nesting is capped at 100, and
 * every required field must be present.
 */
import {
  type FieldDescriptor,
  type MessageDescriptor,
  type ValueDescriptor,
  type ValueKind,
  implicitDefault,
  mapEntryFields,
} from '../../../../src/mesos/protocol/descriptors.js';
import { findMissingRequiredFields } from '../../../../src/mesos/protocol/required.js';
import { type Shape, setEntry } from '../../../../src/mesos/protocol/shape.js';
import {
  RECURSION_LIMIT,
  TWO_POW_32,
  WIRE_END_GROUP,
  WIRE_FIXED32,
  WIRE_FIXED64,
  WIRE_LENGTH_DELIMITED,
  WIRE_START_GROUP,
  WIRE_VARINT,
  wireTypeOf,
} from '../../../../src/mesos/protocol/wire-format.js';
import { WireFormatError } from '../../../../src/mesos/protocol/wire-decode.js';

class Reader {
  readonly buf: Buffer;
  pos: number;
  /**
   * Messages that lacked a required field when their bytes ended. A later occurrence of the same
   * singular field can still merge the field in, so they are re-checked once the whole input is read.
   */
  readonly suspects: Array<[MessageDescriptor, Shape]> = [];
  /** Low and high 32 bits of the last varint read by `varint64()`. */
  lo = 0;
  hi = 0;

  constructor(buf: Buffer) {
    this.buf = buf;
    this.pos = 0;
  }

  /** Reads a varint of up to 10 bytes into `lo`/`hi`. */
  varint64(end: number): void {
    const buf = this.buf;
    let lo = 0;
    let hi = 0;
    let shift = 0;
    for (let i = 0; i < 10; i += 1) {
      if (this.pos >= end) throw new WireFormatError('truncated varint');
      const byte = buf[this.pos++] as number;
      if (shift < 28) {
        lo |= (byte & 0x7f) << shift;
      } else if (shift === 28) {
        lo |= (byte & 0x0f) << 28;
        hi |= (byte & 0x7f) >>> 4;
      } else {
        hi |= (byte & 0x7f) << (shift - 32);
      }
      shift += 7;
      if ((byte & 0x80) === 0) {
        this.lo = lo >>> 0;
        this.hi = hi >>> 0;
        return;
      }
    }
    throw new WireFormatError('varint longer than 10 bytes');
  }

  /** A varint truncated to its low 32 bits, unsigned (tags, lengths, uint32). */
  uint32(end: number): number {
    const buf = this.buf;
    if (this.pos < end) {
      const first = buf[this.pos] as number;
      if (first < 0x80) {
        this.pos += 1;
        return first;
      }
    }
    this.varint64(end);
    return this.lo;
  }

  length(end: number): number {
    this.varint64(end);
    if (this.hi !== 0 || this.lo > 0x7fffffff) throw new WireFormatError('length out of range');
    const length = this.lo;
    if (length > end - this.pos) throw new WireFormatError('length beyond the end of the message');
    return length;
  }

  skip(wireType: number, fieldNumber: number, end: number, depth: number): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.varint64(end);
        return;
      case WIRE_FIXED64:
        this.advance(8, end);
        return;
      case WIRE_FIXED32:
        this.advance(4, end);
        return;
      case WIRE_LENGTH_DELIMITED: {
        // Not `this.pos += this.length(end)`: that reads `pos` before length() advances it.
        const length = this.length(end);
        this.pos += length;
        return;
      }
      case WIRE_START_GROUP:
        this.skipGroup(fieldNumber, end, depth + 1);
        return;
      default:
        throw new WireFormatError(`unexpected wire type ${wireType}`);
    }
  }

  private skipGroup(fieldNumber: number, end: number, depth: number): void {
    if (depth > RECURSION_LIMIT) throw new WireFormatError('groups nested too deeply');
    for (;;) {
      if (this.pos >= end) throw new WireFormatError('unterminated group');
      const tag = this.uint32(end);
      if (tag === 0) throw new WireFormatError('tag 0');
      const wireType = tag & 7;
      const number = tag >>> 3;
      if (wireType === WIRE_END_GROUP) {
        if (number !== fieldNumber) throw new WireFormatError('mismatched end-group tag');
        return;
      }
      this.skip(wireType, number, end, depth);
    }
  }

  advance(count: number, end: number): void {
    if (end - this.pos < count) throw new WireFormatError('truncated fixed-width value');
    this.pos += count;
  }
}

/** Node's native Buffer#utf8Slice skips toString()'s argument handling; fall back if it is absent. */
const nativeUtf8 = (Buffer.prototype as unknown as { utf8Slice?: (start: number, end: number) => string }).utf8Slice;
function utf8(buf: Buffer, start: number, end: number): string {
  return nativeUtf8 === undefined ? buf.toString('utf8', start, end) : nativeUtf8.call(buf, start, end);
}

function int64FromHalves(lo: number, hi: number): number {
  return (hi | 0) * TWO_POW_32 + lo;
}

function uint64FromHalves(lo: number, hi: number): number {
  return hi * TWO_POW_32 + lo;
}

function sint64FromHalves(lo: number, hi: number): number {
  // Zigzag: (n >>> 1) ^ -(n & 1) on 64 bits.
  const negative = (lo & 1) === 1;
  const shiftedLo = ((lo >>> 1) | (hi << 31)) >>> 0;
  const shiftedHi = hi >>> 1;
  if (!negative) return uint64FromHalves(shiftedLo, shiftedHi);
  return -(uint64FromHalves(shiftedLo, shiftedHi) + 1);
}

/** Reads one scalar whose wire type has already been checked. Returns undefined for an unknown enum number. */
function readScalar(reader: Reader, value: ValueDescriptor, end: number): unknown {
  const buf = reader.buf;
  switch (value.kind) {
    case 'double': {
      reader.advance(8, end);
      return buf.readDoubleLE(reader.pos - 8);
    }
    case 'float': {
      reader.advance(4, end);
      return buf.readFloatLE(reader.pos - 4);
    }
    case 'fixed32': {
      reader.advance(4, end);
      return buf.readUInt32LE(reader.pos - 4);
    }
    case 'sfixed32': {
      reader.advance(4, end);
      return buf.readInt32LE(reader.pos - 4);
    }
    case 'fixed64': {
      reader.advance(8, end);
      return uint64FromHalves(buf.readUInt32LE(reader.pos - 8), buf.readUInt32LE(reader.pos - 4));
    }
    case 'sfixed64': {
      reader.advance(8, end);
      return int64FromHalves(buf.readUInt32LE(reader.pos - 8), buf.readUInt32LE(reader.pos - 4));
    }
    case 'int32':
      reader.varint64(end);
      return reader.lo | 0;
    case 'uint32':
      reader.varint64(end);
      return reader.lo;
    case 'sint32': {
      reader.varint64(end);
      const n = reader.lo;
      return (n >>> 1) ^ -(n & 1);
    }
    case 'int64':
      reader.varint64(end);
      return int64FromHalves(reader.lo, reader.hi);
    case 'uint64':
      reader.varint64(end);
      return uint64FromHalves(reader.lo, reader.hi);
    case 'sint64':
      reader.varint64(end);
      return sint64FromHalves(reader.lo, reader.hi);
    case 'bool':
      reader.varint64(end);
      return reader.lo !== 0 || reader.hi !== 0;
    case 'enum': {
      reader.varint64(end);
      return (value.enumType as NonNullable<ValueDescriptor['enumType']>).nameByNumber.get(reader.lo | 0);
    }
    case 'string': {
      const length = reader.length(end);
      const start = reader.pos;
      reader.pos += length;
      return utf8(buf, start, start + length);
    }
    case 'bytes': {
      const length = reader.length(end);
      const start = reader.pos;
      reader.pos += length;
      return buf.toString('base64', start, start + length);
    }
    default:
      throw new Error(`readScalar called for ${value.kind}`);
  }
}

function isPackable(kind: ValueKind): boolean {
  return kind !== 'string' && kind !== 'bytes' && kind !== 'message';
}

function readPacked(reader: Reader, field: FieldDescriptor, end: number, into: unknown[]): void {
  const length = reader.length(end);
  const packedEnd = reader.pos + length;
  const wireType = wireTypeOf(field.kind);
  if (wireType === WIRE_FIXED32 && length % 4 !== 0) throw new WireFormatError('packed fixed32 length');
  if (wireType === WIRE_FIXED64 && length % 8 !== 0) throw new WireFormatError('packed fixed64 length');
  while (reader.pos < packedEnd) {
    const value = readScalar(reader, field, packedEnd);
    if (value !== undefined) into.push(value);
  }
}

function readMapEntry(reader: Reader, field: FieldDescriptor, end: number, depth: number, into: Shape): void {
  const length = reader.length(end);
  const entryEnd = reader.pos + length;
  const { key: keyField } = mapEntryFields(field);
  let key: unknown;
  let value: unknown;
  while (reader.pos < entryEnd) {
    const tag = reader.uint32(entryEnd);
    if (tag === 0) throw new WireFormatError('tag 0');
    const wireType = tag & 7;
    const number = tag >>> 3;
    if (number === 1 && wireType === wireTypeOf(keyField.kind)) {
      key = readScalar(reader, keyField, entryEnd);
    } else if (number === 2 && wireType === wireTypeOf(field.kind)) {
      if (field.kind === 'message') {
        const messageLength = reader.length(entryEnd);
        const target = (value as Shape | undefined) ?? {};
        decodeInto(reader, field.messageType as MessageDescriptor, target, reader.pos + messageLength, depth + 1);
        value = target;
      } else {
        const scalar = readScalar(reader, field, entryEnd);
        if (scalar !== undefined) value = scalar;
      }
    } else {
      if (wireType === WIRE_END_GROUP) throw new WireFormatError('unexpected end-group tag');
      reader.skip(wireType, number, entryEnd, depth);
    }
  }
  if (value === undefined && field.kind === 'message') {
    value = {};
    noteMissingRequired(reader, field.messageType as MessageDescriptor, value as Shape);
  }
  setEntry(into, String(key ?? implicitDefault(keyField)), value ?? implicitDefault(field));
}

function decodeInto(reader: Reader, descriptor: MessageDescriptor, target: Shape, end: number, depth: number): void {
  if (depth > RECURSION_LIMIT) throw new WireFormatError('messages nested too deeply');
  while (reader.pos < end) {
    const tag = reader.uint32(end);
    if (tag === 0) throw new WireFormatError('tag 0');
    const wireType = tag & 7;
    const number = tag >>> 3;
    const field = number < descriptor.fieldAt.length ? descriptor.fieldAt[number] : descriptor.fieldByNumber.get(number);
    if (field === undefined) {
      if (wireType === WIRE_END_GROUP) throw new WireFormatError('unexpected end-group tag');
      reader.skip(wireType, number, end, depth);
      continue;
    }
    const expected = wireTypeOf(field.kind);
    if (field.mapKey !== undefined) {
      if (wireType !== WIRE_LENGTH_DELIMITED) {
        reader.skip(wireType, number, end, depth);
        continue;
      }
      const map = (target[field.name] as Shape | undefined) ?? {};
      target[field.name] = map;
      readMapEntry(reader, field, end, depth + 1, map);
      continue;
    }
    if (field.repeated && wireType === WIRE_LENGTH_DELIMITED && isPackable(field.kind)) {
      const list = (target[field.name] as unknown[] | undefined) ?? [];
      readPacked(reader, field, end, list);
      if (list.length > 0) target[field.name] = list;
      continue;
    }
    if (wireType !== expected) {
      if (wireType === WIRE_END_GROUP) throw new WireFormatError('unexpected end-group tag');
      reader.skip(wireType, number, end, depth);
      continue;
    }
    if (field.kind === 'message') {
      const length = reader.length(end);
      const messageEnd = reader.pos + length;
      const messageType = field.messageType as MessageDescriptor;
      if (field.repeated) {
        const element: Shape = {};
        decodeInto(reader, messageType, element, messageEnd, depth + 1);
        const list = (target[field.name] as unknown[] | undefined) ?? [];
        list.push(element);
        target[field.name] = list;
      } else {
        const existing = target[field.name] as Shape | undefined;
        const element = existing ?? {};
        decodeInto(reader, messageType, element, messageEnd, depth + 1);
        setSingular(target, field, element);
      }
      continue;
    }
    const value = readScalar(reader, field, end);
    if (value === undefined) continue;
    if (field.repeated) {
      const list = (target[field.name] as unknown[] | undefined) ?? [];
      list.push(value);
      target[field.name] = list;
    } else {
      setSingular(target, field, value);
    }
  }
  if (reader.pos !== end) throw new WireFormatError('message overran its length');
  noteMissingRequired(reader, descriptor, target);
}

function noteMissingRequired(reader: Reader, descriptor: MessageDescriptor, target: Shape): void {
  for (const field of descriptor.requiredFields) {
    if (target[field.name] === undefined) {
      reader.suspects.push([descriptor, target]);
      return;
    }
  }
}

function setSingular(target: Shape, field: FieldDescriptor, value: unknown): void {
  if (field.oneofSiblings.length > 0) {
    for (const sibling of field.oneofSiblings) delete target[sibling];
  }
  target[field.name] = value;
}

/**
 * Decodes a protobuf message into its JSON shape. Throws `WireFormatError` on malformed bytes or a
 * missing required field.
 */
export function referenceDecodeMessage(descriptor: MessageDescriptor, bytes: Uint8Array): Shape {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const reader = new Reader(buf);
  const target: Shape = {};
  decodeInto(reader, descriptor, target, buf.length, 0);
  const stillMissing = reader.suspects.some(([suspectType, suspect]) =>
    suspectType.requiredFields.some((field) => suspect[field.name] === undefined),
  );
  if (stillMissing) {
    // The suspect may since have left the tree (a replaced oneof member, a repeated map key).
    const missing = findMissingRequiredFields(descriptor, target);
    if (missing.length > 0) throw new WireFormatError(`missing required fields: ${missing.join(', ')}`);
  }
  return target;
}
