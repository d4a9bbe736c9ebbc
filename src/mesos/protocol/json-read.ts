/**
 * A `JSON.parse` tree -> a message in its JSON shape, for bodies a Mesos master writes (events,
 * operator responses). Mesos writes what this reads: enums as names, `bytes` as base64, 64-bit
 * integers as JSON numbers (read as doubles, exact below 2^53, as everywhere in this project),
 * infinite doubles as the strings `"Infinity"`/`"-Infinity"`.
 *
 * Tolerant where a newer or older master may differ: unknown keys and `null` are skipped, an
 * unknown enum name leaves an optional field unset (so an event of a type this schema does not know
 * decodes without `type`), numbers and booleans written as strings are read. Missing required
 * fields are an error, as they are for Mesos. The emulator, which must answer malformed requests
 * exactly as Mesos does, has its own reader (`src/emulator/mesos-codec/`).
 */
import { type FieldDescriptor, type MessageDescriptor, type ValueDescriptor, implicitDefault, mapEntryFields } from './descriptors.js';
import { findMissingRequiredFields } from './required.js';
import { type Shape, setEntry } from './shape.js';

/** The JSON does not describe a message of the expected type. */
export class JsonShapeError extends Error {}

/** Deeper than Mesos itself accepts (picojson's limit); also keeps recursion off the stack's edge. */
const MAX_DEPTH = 200;

function describeJson(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'object' : typeof value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A number, or a number written as a string (`"Infinity"` included); float fields narrow as C++ does. */
function numberValue(field: ValueDescriptor & { name: string }, value: unknown): number {
  const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (Number.isNaN(number)) throw new JsonShapeError(`Not expecting a JSON ${describeJson(value)} for field '${field.name}'`);
  return field.kind === 'float' ? Math.fround(number) : number;
}

/** While reading: whether some message may lack a required field (confirmed, with paths, at the end). */
interface ReadState {
  suspect: boolean;
}

/** What `convertField` returns for a field that stays unset. */
const UNSET = Symbol('unset');

/** One scalar, enum or message value; undefined leaves the field unset (an unknown enum name). */
function readValue(field: ValueDescriptor & { name: string; required: boolean }, value: unknown, depth: number, state: ReadState): unknown {
  switch (field.kind) {
    case 'message':
      if (!isObject(value)) throw new JsonShapeError(`Not expecting a JSON ${describeJson(value)} for field '${field.name}'`);
      return readObject(field.messageType as MessageDescriptor, value, depth + 1, state);
    case 'enum':
      if (typeof value !== 'string') throw new JsonShapeError(`Not expecting a JSON ${describeJson(value)} for field '${field.name}'`);
      if (field.enumType?.numberByName.has(value) ?? false) return value;
      if (field.required) throw new JsonShapeError(`Failed to find enum for '${value}'`);
      return undefined;
    case 'string':
      if (typeof value !== 'string') throw new JsonShapeError(`Not expecting a JSON ${describeJson(value)} for field '${field.name}'`);
      return value;
    case 'bytes':
      if (typeof value !== 'string') throw new JsonShapeError(`Not expecting a JSON ${describeJson(value)} for field '${field.name}'`);
      // Canonical base64, whatever padding or line breaks the sender used.
      return Buffer.from(value, 'base64').toString('base64');
    case 'bool':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      throw new JsonShapeError(`Not expecting a JSON ${describeJson(value)} for field '${field.name}'`);
    default:
      return numberValue(field, value);
  }
}

/**
 * A field's value as the message holds it, or UNSET. Returns `value` itself whenever it is already
 * that (a list whose elements all read as themselves, a message object read in place).
 */
function convertField(field: FieldDescriptor, value: unknown, depth: number, state: ReadState): unknown {
  if (field.mapKey !== undefined) {
    if (!isObject(value)) throw new JsonShapeError(`Not expecting a JSON ${describeJson(value)} for field '${field.name}'`);
    const { key: keyField, value: valueField } = mapEntryFields(field);
    const map: Shape = {};
    for (const [key, entry] of Object.entries(value)) {
      const read = entry === null ? undefined : readValue(valueField, entry, depth, state);
      if (read === undefined && valueField.kind === 'message') state.suspect = true;
      setEntry(map, String(readValue(keyField, key, depth, state) ?? implicitDefault(keyField)), read ?? implicitDefault(valueField));
    }
    return map;
  }
  if (field.repeated) {
    // Mesos' reader takes a single value for a repeated field as a list of one; so does this one.
    const elements = Array.isArray(value) ? value : [value];
    // Stays undefined while every element reads as itself.
    let list: unknown[] | undefined = elements === value ? undefined : [];
    for (let index = 0; index < elements.length; index += 1) {
      const element: unknown = elements[index];
      const read = element === null ? undefined : readValue(field, element, depth, state);
      if (list === undefined && read !== element) list = elements.slice(0, index);
      if (list !== undefined && read !== undefined) list.push(read);
    }
    const result = list ?? elements;
    return result.length > 0 ? result : UNSET;
  }
  if (Array.isArray(value)) throw new JsonShapeError(`Not expecting a JSON array for field '${field.name}'`);
  const read = readValue(field, value, depth, state);
  return read === undefined ? UNSET : read;
}

/**
 * Reads one message. The `JSON.parse` object itself is the result when it already is the message
 * (only known fields, no nulls, every value read as itself, no two members of a oneof): what a
 * master writes, so large events are read without copying. Otherwise a new object is built.
 */
function readObject(descriptor: MessageDescriptor, object: Record<string, unknown>, depth: number, state: ReadState): Shape {
  if (depth > MAX_DEPTH) throw new JsonShapeError(`Exceeded maximum nesting depth of ${MAX_DEPTH}`);
  let target: Shape | undefined;
  for (const key of Object.keys(object)) {
    const field = descriptor.fieldByName.get(key);
    const value = object[key];
    const read = field === undefined || value === null || value === undefined ? UNSET : convertField(field, value, depth, state);
    if (target === undefined) {
      if (read === value && (field as FieldDescriptor).oneofSiblings.every((sibling) => !Object.hasOwn(object, sibling))) continue;
      target = {};
      for (const earlier of Object.keys(object)) {
        if (earlier === key) break;
        target[earlier] = object[earlier];
      }
    }
    if (read === UNSET) continue;
    const set = field as FieldDescriptor;
    if (set.mapKey === undefined && !set.repeated) for (const sibling of set.oneofSiblings) delete target[sibling];
    target[set.name] = read;
  }
  const result = target ?? object;
  for (const field of descriptor.requiredFields) {
    if (result[field.name] === undefined) {
      state.suspect = true;
      break;
    }
  }
  return result;
}

/**
 * Converts a `JSON.parse` result into a message of `descriptor`'s type, reusing its objects where
 * they already are the message. Throws `JsonShapeError` when it is not one (wrong JSON type for a
 * field, missing required fields).
 */
export function jsonToShape(descriptor: MessageDescriptor, document: unknown): Shape {
  if (!isObject(document)) throw new JsonShapeError('Expecting a JSON object');
  const state: ReadState = { suspect: false };
  const target = readObject(descriptor, document, 1, state);
  if (state.suspect) {
    // The suspect may since have left the tree (a replaced oneof member).
    const missing = findMissingRequiredFields(descriptor, target);
    if (missing.length > 0) throw new JsonShapeError(`Missing required fields: ${missing.join(', ')}`);
  }
  return target;
}
