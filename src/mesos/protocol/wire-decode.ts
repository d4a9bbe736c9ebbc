/**
 * Protobuf binary format -> Mesos JSON shape (snake_case objects, enum names, base64 bytes, 64-bit
 * integers as numbers), driven by the compiled schema.
 *
 * It follows what Mesos' C++ protobuf (3.5, proto2) accepts: fields whose wire type does
 * not match the schema and unknown fields are skipped, unknown enum numbers are dropped, a repeated
 * occurrence of a singular message field is merged into the first, repeated scalars are accepted
 * packed or not, tag 0 and end-group tags out of place are errors, nesting is capped at 100, and
 * every required field must be present.
 *
 * Speed: each message type gets its own decode function, generated from its descriptor on first use
 * (`compileDecoder`, as protobufjs does): a `switch` on the whole tag, property names written into the
 * code (one hidden class per message type instead of megamorphic `target[name]` stores), one-byte
 * varints and lengths read inline, short ASCII strings interned. Anything unusual for a field (a
 * different wire type, packed repeated scalars, map entries, unknown fields, tag 0) goes to the
 * table-walking `decodeField`, so the rules above are written once. A differential test holds the
 * generated path to the former interpreter (test/unit/mesos/protocol/wire-differential.test.ts).
 */
import {
  type FieldDescriptor,
  type MessageDescriptor,
  type ValueDescriptor,
  type ValueKind,
  implicitDefault,
  mapEntryFields,
} from './descriptors.js';
import { findMissingRequiredFields } from './required.js';
import { type Shape, setEntry } from './shape.js';
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
} from './wire-format.js';

/** The bytes are not a valid encoding of the message (reason is for logs, not for peers). */
export class WireFormatError extends Error {}

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

type Slice = (this: Buffer, start: number, end: number) => string;
/** Node's native Buffer slices skip toString()'s argument handling; fall back if they are absent. */
const nativeSlices = Buffer.prototype as unknown as { utf8Slice?: Slice; latin1Slice?: Slice };
const nativeUtf8 = nativeSlices.utf8Slice;
const nativeLatin1 = nativeSlices.latin1Slice;
function utf8(buf: Buffer, start: number, end: number): string {
  return nativeUtf8 === undefined ? buf.toString('utf8', start, end) : nativeUtf8.call(buf, start, end);
}
function latin1(buf: Buffer, start: number, end: number): string {
  return nativeLatin1 === undefined ? buf.toString('latin1', start, end) : nativeLatin1.call(buf, start, end);
}

/**
 * Short ASCII strings repeat across an event (roles, resource names, hostnames written three times
 * per offer): the last string seen per hash slot is reused when its characters match, which saves
 * both the native call and the allocation. Only ASCII, where UTF-8 and Latin-1 read the same.
 */
const INTERNED_MAX_LENGTH = 32;
const INTERN_SLOTS = 4096;
const interned: string[] = new Array<string>(INTERN_SLOTS).fill('');

function readString(buf: Buffer, start: number, length: number): string {
  if (length > INTERNED_MAX_LENGTH || length === 0) return length === 0 ? '' : utf8(buf, start, start + length);
  const end = start + length;
  let hash = length;
  for (let i = start; i < end; i += 1) {
    const byte = buf[i] as number;
    if (byte >= 0x80) return utf8(buf, start, end);
    hash = Math.imul(hash ^ byte, 0x01000193);
  }
  const slot = (hash ^ (hash >>> 16)) & (INTERN_SLOTS - 1);
  const candidate = interned[slot] as string;
  if (candidate.length === length) {
    let i = 0;
    while (i < length && candidate.charCodeAt(i) === buf[start + i]) i += 1;
    if (i === length) return candidate;
  }
  const text = latin1(buf, start, end);
  interned[slot] = text;
  return text;
}

// The 32-bit cases return small integers as such: the arithmetic would make every value a heap
// number, and a field that once held one stores all its values boxed.
function int64FromHalves(lo: number, hi: number): number {
  if (hi === 0) return lo;
  if (hi === 0xffffffff && lo >= 0x80000000) return lo | 0;
  return (hi | 0) * TWO_POW_32 + lo;
}

function uint64FromHalves(lo: number, hi: number): number {
  return hi === 0 ? lo : hi * TWO_POW_32 + lo;
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
      return readString(buf, start, length);
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
        decoderFor(field.messageType as MessageDescriptor)(reader, target, reader.pos + messageLength, depth + 1);
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

/**
 * One occurrence of a field, the general way: what the generated code does not handle itself
 * (`tag` is the whole tag; unknown numbers, other wire types, packed scalars, maps, tag 0).
 */
function decodeField(reader: Reader, descriptor: MessageDescriptor, target: Shape, tag: number, end: number, depth: number): void {
  if (tag === 0) throw new WireFormatError('tag 0');
  const wireType = tag & 7;
  const number = tag >>> 3;
  const field = number < descriptor.fieldAt.length ? descriptor.fieldAt[number] : descriptor.fieldByNumber.get(number);
  if (field === undefined) {
    if (wireType === WIRE_END_GROUP) throw new WireFormatError('unexpected end-group tag');
    reader.skip(wireType, number, end, depth);
    return;
  }
  const expected = wireTypeOf(field.kind);
  if (field.mapKey !== undefined) {
    if (wireType !== WIRE_LENGTH_DELIMITED) {
      reader.skip(wireType, number, end, depth);
      return;
    }
    const map = (target[field.name] as Shape | undefined) ?? {};
    target[field.name] = map;
    readMapEntry(reader, field, end, depth + 1, map);
    return;
  }
  if (field.repeated && wireType === WIRE_LENGTH_DELIMITED && isPackable(field.kind)) {
    const list = (target[field.name] as unknown[] | undefined) ?? [];
    readPacked(reader, field, end, list);
    if (list.length > 0) target[field.name] = list;
    return;
  }
  if (wireType !== expected) {
    if (wireType === WIRE_END_GROUP) throw new WireFormatError('unexpected end-group tag');
    reader.skip(wireType, number, end, depth);
    return;
  }
  if (field.kind === 'message') {
    const length = reader.length(end);
    const messageEnd = reader.pos + length;
    const decode = decoderFor(field.messageType as MessageDescriptor);
    if (field.repeated) {
      const element: Shape = {};
      decode(reader, element, messageEnd, depth + 1);
      const list = (target[field.name] as unknown[] | undefined) ?? [];
      list.push(element);
      target[field.name] = list;
    } else {
      const existing = target[field.name] as Shape | undefined;
      const element = existing ?? {};
      decode(reader, element, messageEnd, depth + 1);
      setSingular(target, field, element);
    }
    return;
  }
  const value = readScalar(reader, field, end);
  if (value === undefined) return;
  if (field.repeated) {
    const list = (target[field.name] as unknown[] | undefined) ?? [];
    list.push(value);
    target[field.name] = list;
  } else {
    setSingular(target, field, value);
  }
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

/** Decodes the bytes up to `end` into `target` (merging into what it holds), at nesting `depth`. */
type Decoder = (reader: Reader, target: Shape, end: number, depth: number) => void;

const decoders = new WeakMap<MessageDescriptor, Decoder>();
const shapeConstructors = new WeakMap<MessageDescriptor, new () => Shape>();

/**
 * A constructor per message type for the objects the generated code builds. Its prototype is
 * `Object.prototype`, so what it makes cannot be told from `{}`; but V8 gives such objects room for
 * exactly the fields their type gets (an `{}` has room for four and puts the rest in a separate
 * array), which makes a decoded event smaller for the garbage collector to copy.
 */
function shapeConstructorFor(descriptor: MessageDescriptor): new () => Shape {
  let create = shapeConstructors.get(descriptor);
  if (create === undefined) {
    create = new Function('return function Shape() {}')() as new () => Shape;
    create.prototype = Object.prototype;
    shapeConstructors.set(descriptor, create);
  }
  return create;
}

function decoderFor(descriptor: MessageDescriptor): Decoder {
  let decoder = decoders.get(descriptor);
  if (decoder === undefined) {
    decoder = compileDecoder(descriptor);
    decoders.set(descriptor, decoder);
  }
  return decoder;
}

/** What the generated code may call: its only way to reach this module. */
const RUNTIME = {
  WireFormatError,
  RECURSION_LIMIT,
  decodeField,
  decoderFor,
  shapeConstructorFor,
  readString,
  int64FromHalves,
  uint64FromHalves,
  sint64FromHalves,
};

/** Enum numbers up to this use an array lookup in the generated code, larger or negative ones the map. */
const DENSE_ENUM_LIMIT = 1024;

function denseEnumNames(field: FieldDescriptor): Array<string | undefined> | undefined {
  const names = (field.enumType as NonNullable<FieldDescriptor['enumType']>).nameByNumber;
  let largest = -1;
  for (const number of names.keys()) {
    if (number > DENSE_ENUM_LIMIT) return undefined;
    largest = Math.max(largest, number);
  }
  return Array.from({ length: largest + 1 }, (_, number) => names.get(number));
}

/**
 * Statements that read one value of `field` (wire type already matched) into the local `v` (for a
 * message field: its length into `len`). `at` is the field's index in the tables `F` (fields),
 * `M` (enum maps) and `N` (dense enum arrays); one-byte varints and lengths are read inline.
 */
function readValueCode(field: FieldDescriptor, at: number): string {
  const fixed = (size: number, read: string): string =>
    `if (end - r.pos < ${size}) throw new R.WireFormatError('truncated fixed-width value'); v = ${read}; r.pos += ${size};`;
  const varint = (oneByte: string, wide: string): string =>
    `{ const b = r.pos < end ? buf[r.pos] : 128; if (b < 128) { r.pos += 1; v = ${oneByte}; } else { r.varint64(end); v = ${wide}; } }`;
  const length =
    `let len = r.pos < end ? buf[r.pos] : 128; if (len < 128) { r.pos += 1; ` +
    `if (len > end - r.pos) throw new R.WireFormatError('length beyond the end of the message'); } else len = r.length(end);`;
  switch (field.kind) {
    case 'double':
      return fixed(8, 'buf.readDoubleLE(r.pos)');
    case 'float':
      return fixed(4, 'buf.readFloatLE(r.pos)');
    case 'fixed32':
      return fixed(4, 'buf.readUInt32LE(r.pos)');
    case 'sfixed32':
      return fixed(4, 'buf.readInt32LE(r.pos)');
    case 'fixed64':
      return fixed(8, 'R.uint64FromHalves(buf.readUInt32LE(r.pos), buf.readUInt32LE(r.pos + 4))');
    case 'sfixed64':
      return fixed(8, 'R.int64FromHalves(buf.readUInt32LE(r.pos), buf.readUInt32LE(r.pos + 4))');
    case 'int32':
      return varint('b', 'r.lo | 0');
    case 'uint32':
      return varint('b', 'r.lo');
    case 'sint32':
      return varint('(b >>> 1) ^ -(b & 1)', '(r.lo >>> 1) ^ -(r.lo & 1)');
    case 'int64':
      return varint('b', 'R.int64FromHalves(r.lo, r.hi)');
    case 'uint64':
      return varint('b', 'R.uint64FromHalves(r.lo, r.hi)');
    case 'sint64':
      return varint('(b >>> 1) ^ -(b & 1)', 'R.sint64FromHalves(r.lo, r.hi)');
    case 'bool':
      return varint('b !== 0', 'r.lo !== 0 || r.hi !== 0');
    case 'enum': {
      const lookup =
        denseEnumNames(field) === undefined ? `M[${at}].get(n)` : `(n >= 0 && n < N[${at}].length ? N[${at}][n] : M[${at}].get(n))`;
      return `{ let n; ${varint('b', 'r.lo | 0').replace(/v = /g, 'n = ')} v = ${lookup}; }`;
    }
    case 'string':
      return `{ ${length} v = R.readString(buf, r.pos, len); r.pos += len; }`;
    case 'bytes':
      return `{ ${length} v = buf.toString('base64', r.pos, r.pos + len); r.pos += len; }`;
    case 'message':
      return `${length}`;
  }
}

/**
 * Generates the decode function of one message type: the interpreter's loop specialised to its
 * fields, with the same checks in the same order (see `decodeField` for the cases it hands over).
 */
function compileDecoder(descriptor: MessageDescriptor): Decoder {
  const fields = descriptor.fieldsByNumber;
  const key = (name: string): string => JSON.stringify(name);
  const cases: string[] = [];
  fields.forEach((field, at) => {
    if (field.mapKey !== undefined) return;
    const name = key(field.name);
    const clearSiblings = field.oneofSiblings.map((sibling) => `delete t[${key(sibling)}]; `).join('');
    const tag = field.number * 8 + wireTypeOf(field.kind);
    let body: string;
    if (field.kind === 'message') {
      const decode = `(d${at} || (d${at} = R.decoderFor(F[${at}].messageType)))`;
      const create = `new (c${at} || (c${at} = R.shapeConstructorFor(F[${at}].messageType)))()`;
      body = field.repeated
        ? `${readValueCode(field, at)} const el = ${create}; ${decode}(r, el, r.pos + len, depth + 1); ` +
          `const list = t[${name}]; if (list === undefined) t[${name}] = [el]; else list.push(el);`
        : `${readValueCode(field, at)} const el = t[${name}] ?? ${create}; ${decode}(r, el, r.pos + len, depth + 1); ${clearSiblings}t[${name}] = el;`;
    } else {
      const store = field.repeated
        ? `const list = t[${name}]; if (list === undefined) t[${name}] = [v]; else list.push(v);`
        : `${clearSiblings}t[${name}] = v;`;
      body = `let v; ${readValueCode(field, at)} ${field.kind === 'enum' ? `if (v !== undefined) { ${store} }` : store}`;
    }
    cases.push(`case ${tag}: { ${body} break; }`);
  });
  // A list grown by push() keeps room for 17 elements; the few-element lists of a large event are
  // copied to their exact size, which keeps what survives into the older generation small.
  const exactLists = fields
    .filter((field) => field.repeated && field.mapKey === undefined)
    .map(
      (field) =>
        `{ const list = t[${key(field.name)}]; if (list !== undefined && list.length < 17) t[${key(field.name)}] = list.slice(); }`,
    )
    .join('\n      ');
  const required = descriptor.requiredFields.map((field) => `t[${key(field.name)}] === undefined`).join(' || ');
  const source = `
    let ${fields.map((_, at) => `d${at}, c${at}`).join(', ') || '_'};
    return function decode(r, t, end, depth) {
      if (depth > R.RECURSION_LIMIT) throw new R.WireFormatError('messages nested too deeply');
      const buf = r.buf;
      while (r.pos < end) {
        let tag = buf[r.pos];
        if (tag < 128) r.pos += 1; else tag = r.uint32(end);
        switch (tag) {
          ${cases.join('\n          ')}
          default: R.decodeField(r, D, t, tag, end, depth);
        }
      }
      if (r.pos !== end) throw new R.WireFormatError('message overran its length');
      ${exactLists}
      ${required === '' ? '' : `if (${required}) r.suspects.push([D, t]);`}
    };`;
  const enumMaps = fields.map((field) => field.enumType?.nameByNumber);
  const enumArrays = fields.map((field) => (field.kind === 'enum' ? denseEnumNames(field) : undefined));
  // The point of new Function: code specialised to this message type (inline caches per field name).
  const build = new Function('R', 'D', 'F', 'M', 'N', source) as (...tables: unknown[]) => Decoder;
  return build(RUNTIME, descriptor, fields, enumMaps, enumArrays);
}

/**
 * Decodes a protobuf message into its JSON shape. Throws `WireFormatError` on malformed bytes or a
 * missing required field.
 */
export function decodeMessage(descriptor: MessageDescriptor, bytes: Uint8Array): Shape {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const reader = new Reader(buf);
  const target: Shape = {};
  decoderFor(descriptor)(reader, target, buf.length, 0);
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
