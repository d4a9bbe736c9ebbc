/**
 * Small readers for JSON of unknown shape. Each takes a `where` (e.g. `/master/slaves: slaves[2].id`)
 * so that a master answering something unexpected gets an error that says exactly what and where.
 */
import { OperationError } from '../../shared/errors.js';
import { oneLineQuote } from '../../shared/excerpt.js';
import type { Range, Resource } from '../protocol/types.js';

export type JsonRecord = Record<string, unknown>;

export function shapeError(where: string, expected: string, value: unknown): OperationError {
  // `where` holds keys of the answer (a role, an attribute name): quoted on one line.
  return new OperationError(`unexpected answer from Mesos: ${oneLineQuote(where, 400)} should be ${expected} but is ${describe(value)}`, {
    hint: 'the master may be a version this tool does not know; run with --verbose and report it',
  });
}

export function asRecord(value: unknown, where: string): JsonRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw shapeError(where, 'an object', value);
  return value as JsonRecord;
}

export function optionalRecord(value: unknown, where: string): JsonRecord | undefined {
  return value === undefined || value === null ? undefined : asRecord(value, where);
}

export function asArray(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw shapeError(where, 'an array', value);
  return value;
}

/** Missing or null counts as empty: Mesos omits empty repeated fields. */
export function optionalArray(value: unknown, where: string): unknown[] {
  return value === undefined || value === null ? [] : asArray(value, where);
}

export function asString(value: unknown, where: string): string {
  if (typeof value !== 'string') throw shapeError(where, 'a string', value);
  return value;
}

export function optionalString(value: unknown, where: string): string | undefined {
  return value === undefined || value === null ? undefined : asString(value, where);
}

export function asNumber(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw shapeError(where, 'a number', value);
  return value;
}

export function optionalNumber(value: unknown, where: string): number | undefined {
  return value === undefined || value === null ? undefined : asNumber(value, where);
}

/** A TCP port (an agent's libprocess port): a whole number from 1 to 65535. */
export function optionalPort(value: unknown, where: string): number | undefined {
  const port = optionalNumber(value, where);
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) throw shapeError(where, 'a port from 1 to 65535', value);
  return port;
}

export function optionalBoolean(value: unknown, where: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw shapeError(where, 'true or false', value);
  return value;
}

/** `{"value": "x"}` as Mesos wraps ids. */
export function idValue(value: unknown, where: string): string {
  return asString(asRecord(value, where).value, `${where}.value`);
}

/** TimeInfo `{"nanoseconds": n}` (v1) or float seconds (state JSON), as seconds. */
export function optionalSeconds(value: unknown, where: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return asNumber(value, where);
  return asNumber(asRecord(value, where).nanoseconds, `${where}.nanoseconds`) / 1e9;
}

const RESOURCE_TYPES = new Set(['SCALAR', 'RANGES', 'SET', 'TEXT']);

/** A v1 Resource, keeping the fields port and role checks need (and checking their types). */
export function parseResource(value: unknown, where: string): Resource {
  const json = asRecord(value, where);
  const name = asString(json.name, `${where}.name`);
  const type = asString(json.type, `${where}.type`);
  if (!RESOURCE_TYPES.has(type)) throw shapeError(`${where}.type`, 'SCALAR, RANGES, SET or TEXT', type);
  const resource: Resource = { name, type: type as Resource['type'] };
  if (json.scalar !== undefined)
    resource.scalar = { value: asNumber(asRecord(json.scalar, `${where}.scalar`).value, `${where}.scalar.value`) };
  if (json.ranges !== undefined) {
    const ranges = optionalArray(asRecord(json.ranges, `${where}.ranges`).range, `${where}.ranges.range`);
    resource.ranges = { range: ranges.map((range, i) => parseRange(range, `${where}.ranges.range[${i}]`)) };
  }
  if (json.set !== undefined) {
    const items = optionalArray(asRecord(json.set, `${where}.set`).item, `${where}.set.item`);
    resource.set = { item: items.map((item, i) => asString(item, `${where}.set.item[${i}]`)) };
  }
  const role = optionalString(json.role, `${where}.role`);
  if (role !== undefined) resource.role = role;
  const allocation = optionalRecord(json.allocation_info, `${where}.allocation_info`);
  if (allocation !== undefined) {
    const allocatedRole = optionalString(allocation.role, `${where}.allocation_info.role`);
    resource.allocation_info = allocatedRole === undefined ? {} : { role: allocatedRole };
  }
  const reservation = optionalRecord(json.reservation, `${where}.reservation`);
  if (reservation !== undefined) resource.reservation = parseReservation(reservation, `${where}.reservation`);
  const reservations = optionalArray(json.reservations, `${where}.reservations`);
  if (reservations.length > 0) {
    resource.reservations = reservations.map((r, i) =>
      parseReservation(asRecord(r, `${where}.reservations[${i}]`), `${where}.reservations[${i}]`),
    );
  }
  return resource;
}

function parseReservation(json: JsonRecord, where: string): NonNullable<Resource['reservation']> {
  const result: NonNullable<Resource['reservation']> = {};
  const type = optionalString(json.type, `${where}.type`);
  if (type === 'STATIC' || type === 'DYNAMIC') result.type = type;
  const role = optionalString(json.role, `${where}.role`);
  if (role !== undefined) result.role = role;
  const principal = optionalString(json.principal, `${where}.principal`);
  if (principal !== undefined) result.principal = principal;
  return result;
}

function parseRange(value: unknown, where: string): Range {
  const json = asRecord(value, where);
  const begin = asNumber(json.begin, `${where}.begin`);
  const end = asNumber(json.end, `${where}.end`);
  if (!Number.isSafeInteger(begin) || !Number.isSafeInteger(end) || begin < 0 || begin > end) {
    throw shapeError(where, 'a range with 0 <= begin <= end', value);
  }
  return { begin, end };
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
