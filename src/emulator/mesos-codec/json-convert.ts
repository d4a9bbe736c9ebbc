/**
 * Parsed JSON -> protobuf message (in its JSON shape), following stout's `protobuf::parse<T>()`,
 * which Mesos uses for JSON request bodies, including its error wording:
 *
 * - unknown keys and `null` values are ignored; a non-array value for a repeated field adds one
 *   element, nested arrays flatten;
 * - strings are accepted for numeric fields when they parse as a JSON number (and `"Infinity"`,
 *   `"-Infinity"` for floating-point ones), and for bools when they parse as `true`/`false`;
 * - an unknown enum name is dropped, unless the field is required;
 * - `bytes` are base64, decoded leniently;
 * - keys are visited in byte order (stout keeps objects in a `std::map`), so the first error
 *   reported is the one Mesos reports;
 * - missing required fields are listed afterwards, as protobuf's `InitializationErrorString()` does.
 *
 * Speed: a body is first read with the native `JSON.parse` and converted in a *vouching* mode that
 * walks the whole tree and gives up (falls back to the picojson port and the exact conversion) on
 * anything where the two could differ: any conversion error, nesting past 200, a number that
 * overflowed, `-0`, integer literals where int64 and double narrowing differ, lone-surrogate
 * escapes, a oneof set twice. Only bodies both paths read identically take the fast one.
 */
import { decodeBase64Lenient } from './base64.js';
import {
  type FieldDescriptor,
  type MessageDescriptor,
  type ValueDescriptor,
  implicitDefault,
  mapEntryFields,
} from '../../mesos/protocol/descriptors.js';
import { JsonObject, type JsonValue, JsonSyntaxError, parseJson } from './json-parse.js';
import { findMissingRequiredFields } from '../../mesos/protocol/required.js';
import { type Shape, setEntry } from '../../mesos/protocol/shape.js';

/** The JSON does not describe a valid message; `message` is stout's wording. */
export class JsonConversionError extends Error {}

/** Insertion-order conversion hit something whose outcome depends on key order: redo it sorted. */
class OrderMatters extends Error {}

/** The native-JSON.parse path cannot vouch for this body: use the exact path. */
class CannotVouch extends Error {}

/** picojson (as patched by Mesos) rejects more than 200 nested arrays/objects. */
const MAX_NESTING = 200;

const TWO_POW_31 = 2 ** 31;
const TWO_POW_53 = 2 ** 53;
const TWO_POW_63 = 2 ** 63;
const TWO_POW_64 = 2 ** 64;

function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** static_cast<int64_t>(double) as x86-64 does it (out of range and NaN give INT64_MIN). */
function doubleToInt64(value: number): number {
  if (!(value >= -TWO_POW_63 && value < TWO_POW_63)) return -TWO_POW_63;
  return Math.trunc(value);
}

/** static_cast<int32_t>(double): truncation, INT32_MIN when the truncated value does not fit. */
function doubleToInt32(value: number): number {
  if (!(value > -TWO_POW_31 - 1 && value < TWO_POW_31)) return -TWO_POW_31;
  return Math.trunc(value);
}

function doubleToUint32(value: number): number {
  const wide = doubleToInt64(value);
  return Number(BigInt.asUintN(32, BigInt(wide)));
}

function doubleToUint64(value: number): number {
  if (value >= TWO_POW_63 && value < TWO_POW_64) return Math.trunc(value);
  return Number(BigInt.asUintN(64, BigInt(doubleToInt64(value))));
}

/** JSON number (bigint = integer literal, number = floating-point) -> field value, or undefined if the kind takes no numbers. */
function numberFor(kind: ValueDescriptor['kind'], value: number | bigint): number | undefined {
  const integer = typeof value === 'bigint';
  switch (kind) {
    case 'double':
      return Number(value);
    case 'float':
      return Math.fround(Number(value));
    case 'int32':
    case 'sint32':
    case 'sfixed32':
      return integer ? Number(BigInt.asIntN(32, value)) : doubleToInt32(value);
    case 'uint32':
    case 'fixed32':
      return integer ? Number(BigInt.asUintN(32, value)) : doubleToUint32(value);
    case 'int64':
    case 'sint64':
    case 'sfixed64':
      return integer ? Number(value) : doubleToInt64(value);
    case 'uint64':
    case 'fixed64':
      return integer ? Number(BigInt.asUintN(64, value)) : doubleToUint64(value);
    default:
      return undefined;
  }
}

/**
 * Reads a JSON tree into a message. Three modes:
 * - `exact`: a `parseJson()` tree, keys in document order; anything order-dependent throws
 *   `OrderMatters` so the caller can redo it in `sorted` mode;
 * - `sorted`: the same, keys in byte order with repeated keys resolved, reproducing stout exactly;
 * - `native`: a `JSON.parse()` tree; every doubt throws `CannotVouch`.
 */
class Converter {
  private readonly mode: 'exact' | 'sorted' | 'native';
  /** Set when some message ended up without a required field; the full report is built afterwards. */
  missingRequired = false;

  constructor(mode: 'exact' | 'sorted' | 'native') {
    this.mode = mode;
  }

  object(descriptor: MessageDescriptor, object: unknown, target: Shape, level: number): void {
    if (this.mode === 'native') {
      const record = object as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        const field = descriptor.fieldByName.get(key);
        if (field === undefined) vouchForUnknown(record[key], level + 1);
        else this.value(target, field, record[key] as JsonValue, level + 1);
      }
    } else if (this.mode === 'sorted') {
      const last = (object as JsonObject).lastValues();
      for (const key of [...last.keys()].sort(compareKeys)) {
        const field = descriptor.fieldByName.get(key);
        if (field !== undefined) this.value(target, field, last.get(key) as JsonValue, level + 1);
      }
    } else {
      const { keys, values } = object as JsonObject;
      let seen = 0;
      let seenWide: Set<number> | undefined;
      for (let i = 0; i < keys.length; i += 1) {
        const field = descriptor.fieldByName.get(keys[i] as string);
        if (field === undefined) continue;
        // A repeated key means only the last value counts, which the sorted pass handles.
        if (field.index < 31) {
          const bit = 1 << field.index;
          if ((seen & bit) !== 0) throw new OrderMatters();
          seen |= bit;
        } else {
          seenWide ??= new Set();
          if (seenWide.has(field.index)) throw new OrderMatters();
          seenWide.add(field.index);
        }
        this.value(target, field, values[i] as JsonValue, level + 1);
      }
    }
    // JSON cannot reach a singular message twice, so this object is complete here.
    for (const field of descriptor.requiredFields) {
      if (target[field.name] === undefined) this.missingRequired = true;
    }
  }

  private isObject(value: JsonValue): boolean {
    if (this.mode === 'native') return typeof value === 'object' && value !== null && !Array.isArray(value);
    return value instanceof JsonObject;
  }

  /** `level` is the nesting depth of `value` if it is an array or object (the top object is 1). */
  private value(target: Shape, field: FieldDescriptor, value: JsonValue, level: number): void {
    if (value === null) return;
    if (this.isObject(value)) {
      if (this.mode === 'native' && level > MAX_NESTING) throw new CannotVouch();
      this.objectValue(target, field, value, level);
    } else if (Array.isArray(value)) {
      if (this.mode === 'native' && level > MAX_NESTING) throw new CannotVouch();
      if (!field.repeated) throw new JsonConversionError(`Not expecting a JSON array for field '${field.name}'`);
      for (const element of value) this.value(target, field, element, level + 1);
    } else if (field.mapKey !== undefined) {
      const kind = typeof value === 'string' ? 'string' : typeof value === 'boolean' ? 'boolean' : 'number';
      throw new JsonConversionError(`Not expecting a JSON ${kind} for field '${field.name}'`);
    } else if (typeof value === 'string') {
      this.stringValue(target, field, value);
    } else if (typeof value === 'boolean') {
      if (field.kind !== 'bool') throw new JsonConversionError(`Not expecting a JSON boolean for field '${field.name}'`);
      this.set(target, field, value);
    } else {
      if (this.mode === 'native') vouchForNumber(field, value as number);
      const number = numberFor(field.kind, value as number | bigint);
      if (number === undefined) throw new JsonConversionError(`Not expecting a JSON number for field '${field.name}'`);
      this.set(target, field, number);
    }
  }

  private objectValue(target: Shape, field: FieldDescriptor, object: JsonValue, level: number): void {
    // A map field is a repeated entry message to stout, whatever its value type.
    if (field.kind !== 'message' && field.mapKey === undefined) {
      throw new JsonConversionError(`Not expecting a JSON object for field '${field.name}'`);
    }
    const messageType = field.messageType;
    if (field.mapKey !== undefined) {
      const entryFields = mapEntryFields(field);
      const map = (target[field.name] as Shape | undefined) ?? {};
      target[field.name] = map;
      const last =
        this.mode === 'native'
          ? new Map(Object.entries(object as unknown as Record<string, JsonValue>))
          : (object as JsonObject).lastValues();
      const keys = this.mode === 'sorted' ? [...last.keys()].sort(compareKeys) : last.keys();
      for (const key of keys) {
        const entry: Shape = {};
        this.value(entry, entryFields.key, key, level + 1);
        this.value(entry, entryFields.value, last.get(key) as JsonValue, level + 1);
        if (entry.value === undefined && (messageType?.requiredFields.length ?? 0) > 0) this.missingRequired = true;
        setEntry(map, String(entry.key ?? implicitDefault(entryFields.key)), entry.value ?? implicitDefault(entryFields.value));
      }
      return;
    }
    if (field.repeated) {
      const element: Shape = {};
      this.object(messageType as MessageDescriptor, object, element, level);
      this.append(target, field, element);
      return;
    }
    const element = (target[field.name] as Shape | undefined) ?? {};
    this.object(messageType as MessageDescriptor, object, element, level);
    this.set(target, field, element);
  }

  private stringValue(target: Shape, field: FieldDescriptor, text: string): void {
    switch (field.kind) {
      case 'string':
        this.set(target, field, text);
        return;
      case 'bytes': {
        const decoded = decodeBase64Lenient(text);
        if (!decoded.ok) {
          throw new JsonConversionError(`Failed to base64 decode bytes field '${field.name}': ${decoded.error}`);
        }
        this.set(target, field, decoded.bytes.toString('base64'));
        return;
      }
      case 'enum': {
        const known = field.enumType?.numberByName.has(text) ?? false;
        if (!known) {
          if (field.required) throw new JsonConversionError(`Failed to find enum for '${text}'`);
          return;
        }
        this.set(target, field, text);
        return;
      }
      case 'double':
      case 'float':
        if (text === 'Infinity' || text === '-Infinity') {
          this.setNumber(target, field, text === 'Infinity' ? Infinity : -Infinity);
          return;
        }
        this.setNumber(target, field, parseEmbedded(text, field, 'number') as number | bigint);
        return;
      case 'bool':
        this.set(target, field, parseEmbedded(text, field, 'boolean'));
        return;
      case 'message':
        throw new JsonConversionError(`Not expecting a JSON string for field '${field.name}'`);
      default:
        this.setNumber(target, field, parseEmbedded(text, field, 'number') as number | bigint);
    }
  }

  /** A number that came from a string: parsed by the exact parser, so no vouching is needed. */
  private setNumber(target: Shape, field: FieldDescriptor, value: number | bigint): void {
    this.set(target, field, numberFor(field.kind, value));
  }

  private set(target: Shape, field: FieldDescriptor, value: unknown): void {
    if (field.repeated) {
      this.append(target, field, value);
      return;
    }
    if (field.oneofSiblings.length > 0) {
      for (const sibling of field.oneofSiblings) {
        if (target[sibling] !== undefined) {
          if (this.mode === 'native') throw new CannotVouch();
          if (this.mode === 'exact') throw new OrderMatters();
          delete target[sibling];
        }
      }
    }
    target[field.name] = value;
  }

  private append(target: Shape, field: FieldDescriptor, value: unknown): void {
    const list = target[field.name] as unknown[] | undefined;
    if (list === undefined) target[field.name] = [value];
    else list.push(value);
  }
}

/**
 * A number from `JSON.parse` can be used as is only if picojson + strtoimax/strtod would have
 * produced the same field value: finite (picojson rejects overflow), not `-0` (the integer literal
 * `-0` is 0 there), and, for integer fields, not an integer whose int64 and double narrowing differ.
 */
function vouchForNumber(field: FieldDescriptor, value: number): void {
  if (!Number.isFinite(value) || Object.is(value, -0)) throw new CannotVouch();
  if (!Number.isInteger(value)) return;
  switch (field.kind) {
    case 'int32':
    case 'sint32':
    case 'sfixed32':
      if (value < -TWO_POW_31 || value >= TWO_POW_31) throw new CannotVouch();
      return;
    case 'uint32':
    case 'fixed32':
    case 'uint64':
    case 'fixed64':
      if (Math.abs(value) >= TWO_POW_53) throw new CannotVouch();
      return;
    default:
  }
}

/** Unknown keys are skipped by stout, but picojson still had to accept their values. */
function vouchForUnknown(value: unknown, level: number): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new CannotVouch();
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  if (level > MAX_NESTING) throw new CannotVouch();
  for (const element of Array.isArray(value) ? value : Object.values(value)) vouchForUnknown(element, level + 1);
}

/** `JSON::parse<JSON::Number>` / `<JSON::Boolean>` of a string value, with stout's error wording. */
function parseEmbedded(text: string, field: FieldDescriptor, want: 'number' | 'boolean'): JsonValue {
  let parsed: JsonValue;
  try {
    parsed = parseJson(Buffer.from(text, 'utf8'));
  } catch (error) {
    if (error instanceof JsonSyntaxError) {
      throw new JsonConversionError(`Failed to parse '${text}' as a JSON ${want} for field '${field.name}': ${error.message}`);
    }
    throw error;
  }
  const matches = want === 'number' ? typeof parsed === 'number' || typeof parsed === 'bigint' : typeof parsed === 'boolean';
  if (!matches) {
    throw new JsonConversionError(`Failed to parse '${text}' as a JSON ${want} for field '${field.name}': Unexpected JSON type parsed`);
  }
  return parsed;
}

function checkRequired(descriptor: MessageDescriptor, converter: Converter, target: Shape): void {
  if (!converter.missingRequired) return;
  const missing = findMissingRequiredFields(descriptor, target);
  if (missing.length > 0) throw new JsonConversionError(`Missing required fields: ${missing.join(', ')}`);
}

/**
 * Converts a `parseJson()` document into a message of `descriptor`'s type. Throws
 * `JsonConversionError` with the text Mesos puts after "Failed to convert JSON into Call protobuf: ".
 */
export function jsonToMessage(descriptor: MessageDescriptor, document: JsonValue): Shape {
  if (!(document instanceof JsonObject)) throw new JsonConversionError('Expecting a JSON object');
  let target: Shape = {};
  let converter = new Converter('exact');
  try {
    converter.object(descriptor, document, target, 1);
  } catch (error) {
    if (!(error instanceof JsonConversionError) && !(error instanceof OrderMatters)) throw error;
    // Only key order decides which error Mesos reports (and which oneof member wins): redo in that order.
    target = {};
    converter = new Converter('sorted');
    converter.object(descriptor, document, target, 1);
  }
  checkRequired(descriptor, converter, target);
  return target;
}

const BACKSLASH_U_LOWER_D = Buffer.from('\\ud');
const BACKSLASH_U_UPPER_D = Buffer.from('\\uD');

/** The native path, or undefined when it cannot vouch for the result. */
function viaNativeParse(descriptor: MessageDescriptor, body: Buffer): Shape | undefined {
  // Surrogate escapes: JSON.parse accepts lone ones, picojson does not.
  if (body.includes(BACKSLASH_U_LOWER_D) || body.includes(BACKSLASH_U_UPPER_D)) return undefined;
  let document: unknown;
  try {
    document = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) return undefined;
  const target: Shape = {};
  const converter = new Converter('native');
  try {
    converter.object(descriptor, document, target, 1);
    checkRequired(descriptor, converter, target);
  } catch (error) {
    if (error instanceof CannotVouch || error instanceof JsonConversionError) return undefined;
    throw error;
  }
  return target;
}

/**
 * Decodes a JSON body into a message exactly as Mesos would: throws `JsonSyntaxError` when Mesos
 * fails to parse it and `JsonConversionError` when it fails to convert it.
 */
export function decodeJsonMessage(descriptor: MessageDescriptor, body: Uint8Array): Shape {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const fast = viaNativeParse(descriptor, buf);
  if (fast !== undefined) return fast;
  return jsonToMessage(descriptor, parseJson(buf));
}
