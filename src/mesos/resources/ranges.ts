/**
 * Range arithmetic and resource helpers for port checks. Ranges are inclusive (`{begin: 5, end: 5}`
 * is the single port 5), as in Mesos' Value.Range. Every function returns a new, normalised list
 * (sorted, no overlaps, adjacent ranges joined) and never mutates its input.
 */
import { OperationError, type ErrorDetails } from '../../shared/errors.js';
import { oneLineQuote } from '../../shared/excerpt.js';
import type { Range, Resource } from '../protocol/types.js';

export type { Range, Resource };

/** Not a ranges string. Exit 1 when it came from Mesos; callers parsing user input rethrow it as usage. */
export class InvalidRangesError extends OperationError {
  readonly input: string;

  constructor(input: string, reason: string, details: ErrorDetails = {}) {
    super(`"${oneLineQuote(input)}" is not a list of ranges: ${oneLineQuote(reason)}`, {
      hint: 'ranges look like [31000-32000, 40000-40010]',
      ...details,
    });
    this.input = input;
  }
}

/**
 * Parses Mesos' text form of ranges: `[19998-19999, 29998-30000]` as in state JSON, or the
 * `--resources` flag form without spaces. Brackets are optional; a bare number is a single value.
 */
export function parseRangesString(text: string): Range[] {
  const trimmed = text.trim();
  const opened = trimmed.startsWith('[');
  const closed = trimmed.endsWith(']');
  if (opened !== closed) throw new InvalidRangesError(text, 'unbalanced brackets');
  const inner = (opened ? trimmed.slice(1, -1) : trimmed).trim();
  if (inner === '') return [];
  const ranges = inner.split(',').map((part) => {
    const match = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (match === null) throw new InvalidRangesError(text, `"${part.trim()}" is not a number or a begin-end pair`);
    const begin = Number(match[1]);
    const end = match[2] === undefined ? begin : Number(match[2]);
    if (!Number.isSafeInteger(begin) || !Number.isSafeInteger(end)) throw new InvalidRangesError(text, `"${part.trim()}" is too large`);
    if (begin > end) throw new InvalidRangesError(text, `${begin}-${end} ends before it begins`);
    return { begin, end };
  });
  return normalizeRanges(ranges);
}

/**
 * Whether a range is one Mesos accepts: non-negative integers, not inverted (`Resources::validate`
 * refuses `begin > end` with "Invalid ranges resource: begin > end" before any arithmetic).
 */
export function isValidRange(range: Range): boolean {
  return Number.isSafeInteger(range.begin) && Number.isSafeInteger(range.end) && range.begin >= 0 && range.begin <= range.end;
}

/**
 * Sorts, drops nothing, joins overlapping and adjacent ranges (`1-2` and `3-4` become `1-4`), as
 * Mesos' `coalesce`. An invalid range (see isValidRange) throws InvalidRangesError: it is never
 * silently dropped, since Mesos refuses it rather than computing with it.
 */
export function normalizeRanges(ranges: readonly Range[]): Range[] {
  const sorted = ranges
    .map((range) => {
      if (!isValidRange(range)) {
        throw new InvalidRangesError(`${range.begin}-${range.end}`, 'not a range of non-negative integers');
      }
      return { begin: range.begin, end: range.end };
    })
    .sort((a, b) => a.begin - b.begin || a.end - b.end);
  const merged: Range[] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && range.begin <= last.end + 1) {
      last.end = Math.max(last.end, range.end);
    } else {
      merged.push(range);
    }
  }
  return merged;
}

/** Union of any number of range lists. */
export function mergeRanges(...lists: ReadonlyArray<readonly Range[]>): Range[] {
  return normalizeRanges(lists.flat());
}

/** What is in `from` and not in `remove`. */
export function subtractRanges(from: readonly Range[], remove: readonly Range[]): Range[] {
  const removals = normalizeRanges(remove);
  const result: Range[] = [];
  for (const range of normalizeRanges(from)) {
    let begin = range.begin;
    for (const cut of removals) {
      if (cut.end < begin || cut.begin > range.end) continue;
      if (cut.begin > begin) result.push({ begin, end: cut.begin - 1 });
      begin = cut.end + 1;
      if (begin > range.end) break;
    }
    if (begin <= range.end) result.push({ begin, end: range.end });
  }
  return result;
}

export function intersectRanges(a: readonly Range[], b: readonly Range[]): Range[] {
  const left = normalizeRanges(a);
  const right = normalizeRanges(b);
  const result: Range[] = [];
  for (const x of left) {
    for (const y of right) {
      const begin = Math.max(x.begin, y.begin);
      const end = Math.min(x.end, y.end);
      if (begin <= end) result.push({ begin, end });
    }
  }
  return normalizeRanges(result);
}

/** Whether every value of `needle` (a single value, a range or a list of ranges) lies inside `ranges`. */
export function rangesContain(ranges: readonly Range[], needle: number | Range | readonly Range[]): boolean {
  const wanted = typeof needle === 'number' ? [{ begin: needle, end: needle }] : 'begin' in needle ? [needle] : needle;
  return subtractRanges(wanted, ranges).length === 0;
}

/** Mesos' flag syntax without spaces: `[19998-19999,29998-30000]`; a single port is `[5-5]`. */
export function formatRanges(ranges: readonly Range[]): string {
  return `[${normalizeRanges(ranges)
    .map((range) => `${range.begin}-${range.end}`)
    .join(',')}]`;
}

/**
 * `[19998-19999, 29998-30000]`, as Mesos stringifies `Value::Ranges` (in state.json and its logs):
 * the ranges in the order given, joined with a comma and a space. Normalise first if needed.
 * (`formatRanges` above is the agent flag syntax, without the space.)
 */
export function stringifyRanges(ranges: readonly Range[]): string {
  return `[${ranges.map((range) => `${range.begin}-${range.end}`).join(', ')}]`;
}

/** Number of values covered. */
export function rangesSize(ranges: readonly Range[]): number {
  return normalizeRanges(ranges).reduce((sum, range) => sum + range.end - range.begin + 1, 0);
}

export function rangesFromValues(values: readonly number[]): Range[] {
  return normalizeRanges(values.map((value) => ({ begin: value, end: value })));
}

/**
 * The role a resource is reserved for, `'*'` when unreserved. Understands both the
 * pre-refinement format (`role`) and the refinement format (`reservations`, last one wins; a single
 * `reservation` that names its role counts as one).
 */
export function resourceRole(resource: Resource): string {
  const reservations = resource.reservations;
  if (reservations !== undefined && reservations.length > 0) {
    return reservations[reservations.length - 1]?.role ?? '*';
  }
  if (resource.reservation?.role !== undefined) return resource.reservation.role;
  return resource.role ?? '*';
}

/** Union of the ranges of every resource called `name` (all of them, not only the first). */
export function rangesOf(resources: readonly Resource[], name = 'ports', include: (resource: Resource) => boolean = () => true): Range[] {
  return mergeRanges(...resources.filter((r) => r.name === name && r.type === 'RANGES' && include(r)).map((r) => r.ranges?.range ?? []));
}

/**
 * Mesos keeps scalars in fixed point with three decimal digits; rounding to them hides float noise
 * such as 0.1 + 0.2 = 0.30000000000000004.
 */
export function roundScalar(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** Sum of the scalar resources called `name`. */
export function scalarOf(resources: readonly Resource[], name: string): number {
  return roundScalar(resources.filter((r) => r.name === name && r.type === 'SCALAR').reduce((sum, r) => sum + (r.scalar?.value ?? 0), 0));
}

/** Resources grouped by the role they are reserved for (`'*'` holds the unreserved ones). */
export function resourcesByRole(resources: readonly Resource[]): Map<string, Resource[]> {
  const byRole = new Map<string, Resource[]>();
  for (const resource of resources) {
    const role = resourceRole(resource);
    const list = byRole.get(role);
    if (list === undefined) byRole.set(role, [resource]);
    else list.push(resource);
  }
  return byRole;
}

/**
 * Converts the flattened resource map of Mesos' state JSON (`{"cpus":2.0,"ports":"[1-2, 5-6]"}`)
 * into v1 resources for `role` (undefined when the map does not say, e.g. used resources). Zero
 * scalars and empty ranges are dropped, as v1 omits them. `context` names where the map came from.
 */
export function resourcesFromFlattened(map: unknown, role: string | undefined, context: string): Resource[] {
  if (map === undefined || map === null) return [];
  if (typeof map !== 'object' || Array.isArray(map)) {
    throw new OperationError(`${oneLineQuote(context, 400)}: expected a resource map, got ${describeJsonValue(map)}`);
  }
  // The context holds keys of the answer (roles): quoted on one line.
  const at = oneLineQuote(context, 400);
  const resources: Resource[] = [];
  const withRole = (resource: Resource): Resource => (role === undefined ? resource : { ...resource, role });
  for (const [name, value] of Object.entries(map)) {
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new OperationError(`${at}: resource "${oneLineQuote(name)}" is ${value}`);
      if (value !== 0) resources.push(withRole({ name, type: 'SCALAR', scalar: { value } }));
    } else if (typeof value === 'string' && value.trim().startsWith('{')) {
      const items = value
        .trim()
        .replace(/^\{|\}$/g, '')
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
      if (items.length > 0) resources.push(withRole({ name, type: 'SET', set: { item: items } }));
    } else if (typeof value === 'string') {
      let ranges: Range[];
      try {
        ranges = parseRangesString(value);
      } catch (error) {
        throw new OperationError(`${at}: resource "${oneLineQuote(name)}" is "${oneLineQuote(value)}", not a list of ranges`, {
          cause: error,
        });
      }
      if (ranges.length > 0) resources.push(withRole({ name, type: 'RANGES', ranges: { range: ranges } }));
    } else {
      throw new OperationError(`${at}: resource "${oneLineQuote(name)}" is ${describeJsonValue(value)}`);
    }
  }
  return resources;
}

function describeJsonValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
