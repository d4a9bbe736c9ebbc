/**
 * The reference for the differential test (json-read-differential.test.ts): the reader that
 * src/mesos/protocol/json-read.ts used before it reused the `JSON.parse` tree in place, kept unchanged
 * apart from its imports and its name. Not used by the product.
 *
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
import {
  type FieldDescriptor,
  type MessageDescriptor,
  type ValueDescriptor,
  implicitDefault,
  mapEntryFields,
} from '../../../../src/mesos/protocol/descriptors.js';
import { findMissingRequiredFields } from '../../../../src/mesos/protocol/required.js';
import { type Shape, setEntry } from '../../../../src/mesos/protocol/shape.js';

import { JsonShapeError } from '../../../../src/mesos/protocol/json-read.js';

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

/** One scalar, enum or message value; undefined leaves the field unset (an unknown enum name). */
function readValue(field: ValueDescriptor & { name: string; required: boolean }, value: unknown, depth: number): unknown {
  switch (field.kind) {
    case 'message':
      if (!isObject(value)) throw new JsonShapeError(`Not expecting a JSON ${describeJson(value)} for field '${field.name}'`);
      return readObject(field.messageType as MessageDescriptor, value, depth + 1);
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

function readField(target: Shape, field: FieldDescriptor, value: unknown, depth: number): void {
  if (value === null || value === undefined) return;
  if (field.mapKey !== undefined) {
    if (!isObject(value)) throw new JsonShapeError(`Not expecting a JSON ${describeJson(value)} for field '${field.name}'`);
    const { key: keyField, value: valueField } = mapEntryFields(field);
    const map: Shape = {};
    for (const [key, entry] of Object.entries(value)) {
      const read = entry === null ? undefined : readValue(valueField, entry, depth);
      setEntry(map, String(readValue(keyField, key, depth) ?? implicitDefault(keyField)), read ?? implicitDefault(valueField));
    }
    target[field.name] = map;
    return;
  }
  if (field.repeated) {
    const list: unknown[] = [];
    // Mesos' reader takes a single value for a repeated field as a list of one; so does this one.
    for (const element of Array.isArray(value) ? value : [value]) {
      if (element === null) continue;
      const read = readValue(field, element, depth);
      if (read !== undefined) list.push(read);
    }
    if (list.length > 0) target[field.name] = list;
    return;
  }
  if (Array.isArray(value)) throw new JsonShapeError(`Not expecting a JSON array for field '${field.name}'`);
  const read = readValue(field, value, depth);
  if (read === undefined) return;
  for (const sibling of field.oneofSiblings) delete target[sibling];
  target[field.name] = read;
}

function readObject(descriptor: MessageDescriptor, object: Record<string, unknown>, depth: number): Shape {
  if (depth > MAX_DEPTH) throw new JsonShapeError(`Exceeded maximum nesting depth of ${MAX_DEPTH}`);
  const target: Shape = {};
  for (const key of Object.keys(object)) {
    const field = descriptor.fieldByName.get(key);
    if (field !== undefined) readField(target, field, object[key], depth);
  }
  return target;
}

/**
 * Converts a `JSON.parse` result into a message of `descriptor`'s type. Throws `JsonShapeError`
 * when it is not one (wrong JSON type for a field, missing required fields).
 */
export function referenceJsonToShape(descriptor: MessageDescriptor, document: unknown): Shape {
  if (!isObject(document)) throw new JsonShapeError('Expecting a JSON object');
  const target = readObject(descriptor, document, 1);
  const missing = findMissingRequiredFields(descriptor, target);
  if (missing.length > 0) throw new JsonShapeError(`Missing required fields: ${missing.join(', ')}`);
  return target;
}
