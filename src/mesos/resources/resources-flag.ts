/**
 * The grammar of the agent's `--resources` flag, read like a real mesos-agent reads it: Mesos' text
 * syntax (`cpus:4;mem:8192;ports:[19998-19999,31000-32000]`, `cpus(alluxio):2`, sets as `{a,b}`)
 * or a JSON array of v1 `Resource`s; and written back in the text syntax. Parsed resources are in
 * the pre-refinement shape Mesos 1.x reports (`role`, plus `reservations` for static reservations).
 *
 * The local cluster's agent parses the flag; `check-ports` writes the flag an agent should restart
 * with. Bad input throws ConfigError (key `resources`).
 */
import { ConfigError } from '../../shared/errors.js';
import { oneLineQuote } from '../../shared/excerpt.js';
import type { Range, Resource } from '../protocol/types.js';
import { formatRanges, isValidRange, normalizeRanges, resourceRole, roundScalar } from './ranges.js';

const UNRESERVED_ROLE = '*';
const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const ROLE_PATTERN = /^(\*|[A-Za-z0-9_][A-Za-z0-9_.\-/]*)$/;

function flagError(message: string): ConfigError {
  return new ConfigError(
    message,
    { key: 'resources' },
    { hint: "Use Mesos' syntax, e.g. 'cpus:4;mem:8192;ports:[19998-19999,31000-32000]'." },
  );
}

/**
 * Parses the `--resources` flag. Entries are `;`-separated; a name may appear several times (values
 * are added, as Mesos does). Throws ConfigError (key `resources`) on bad input.
 */
export function parseResourcesFlag(flag: string): Resource[] {
  const text = flag.trim();
  if (text === '') return [];
  if (text.startsWith('[')) return addResources([], parseJsonResources(text));
  const entries = text
    .split(';')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  return addResources([], entries.map(parseEntry));
}

/**
 * The text syntax for `resources`, in the order given: `cpus:2;mem:2048;ports:[19998-19999];cpus(r):1`.
 * Scalars keep Mesos' three decimals, ranges are normalised, set items keep their order; nothing is
 * dropped (callers leave out what they do not want said).
 */
export function formatResourcesFlag(resources: readonly Resource[]): string {
  return resources
    .map((r) => {
      const role = resourceRole(r);
      const head = role === UNRESERVED_ROLE ? r.name : `${r.name}(${role})`;
      if (r.type === 'RANGES') return `${head}:${formatRanges(r.ranges?.range ?? [])}`;
      if (r.type === 'SET') return `${head}:{${(r.set?.item ?? []).join(',')}}`;
      return `${head}:${roundScalar(r.scalar?.value ?? 0)}`;
    })
    .join(';');
}

/**
 * Adds `b` into the list `a`, merging entries with the same name, type and role (scalars summed in
 * Mesos' fixed point, ranges merged, sets united). Returns a new list; every other field of the v1
 * objects (`reservations`, `allocation_info`, ...) is kept as the first of its kind had it, which is
 * what an agent reports. The master's normalised bookkeeping is `Resources` (resource-set.ts).
 */
export function addResources(a: readonly Resource[], b: readonly Resource[]): Resource[] {
  const result: Resource[] = a.map(cloneResource);
  for (const resource of b) {
    const existing = result.find((r) => r.name === resource.name && r.type === resource.type && resourceRole(r) === resourceRole(resource));
    if (existing === undefined) {
      result.push(cloneResource(resource));
    } else if (existing.type === 'SCALAR') {
      existing.scalar = { value: roundScalar((existing.scalar?.value ?? 0) + (resource.scalar?.value ?? 0)) };
    } else if (existing.type === 'RANGES') {
      existing.ranges = { range: normalizeRanges([...(existing.ranges?.range ?? []), ...(resource.ranges?.range ?? [])]) };
    } else if (existing.type === 'SET') {
      existing.set = { item: [...new Set([...(existing.set?.item ?? []), ...(resource.set?.item ?? [])])] };
    }
  }
  return result;
}

function cloneResource(resource: Resource): Resource {
  return JSON.parse(JSON.stringify(resource)) as Resource;
}

function parseEntry(entry: string): Resource {
  const colon = entry.indexOf(':');
  if (colon < 0) throw flagError(`Invalid resource '${entry}': expected 'name:value'.`);
  const head = entry.slice(0, colon).trim();
  const valueText = entry.slice(colon + 1).trim();

  const headMatch = /^([^(){}]+?)\s*(?:\(([^)]*)\))?\s*(?:\{[^}]*\})?$/.exec(head);
  if (headMatch === null) throw flagError(`Invalid resource name '${head}'.`);
  const name = headMatch[1]!.trim();
  const role = headMatch[2]?.trim() || UNRESERVED_ROLE;
  if (!NAME_PATTERN.test(name)) throw flagError(`Invalid resource name '${name}'.`);
  if (!ROLE_PATTERN.test(role)) throw flagError(`Invalid role '${role}' for resource '${name}'.`);
  if (valueText === '') throw flagError(`Resource '${name}' has no value.`);

  const base: Pick<Resource, 'name' | 'role' | 'reservations'> = { name, role };
  if (role !== UNRESERVED_ROLE) base.reservations = [{ type: 'STATIC', role }];

  if (valueText.startsWith('[')) {
    if (!valueText.endsWith(']')) throw flagError(`Unterminated range list for resource '${name}'.`);
    return { ...base, type: 'RANGES', ranges: { range: normalizeRanges(parseRanges(valueText, name)) } };
  }
  if (valueText.startsWith('{')) {
    if (!valueText.endsWith('}')) throw flagError(`Unterminated set for resource '${name}'.`);
    const items = valueText
      .slice(1, -1)
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
    return { ...base, type: 'SET', set: { item: items } };
  }
  const scalar = Number(valueText);
  if (!/^[+]?(\d+(\.\d*)?|\.\d+)$/.test(valueText) || !Number.isFinite(scalar)) {
    throw flagError(`Invalid value '${valueText}' for resource '${name}': expected a non-negative number.`);
  }
  return { ...base, type: 'SCALAR', scalar: { value: roundScalar(scalar) } };
}

/** `[1-2,5-6]`: unlike state JSON, the flag wants every element as `begin-end` (Mesos' parser does). */
function parseRanges(text: string, name: string): Range[] {
  const inner = text.slice(1, -1).trim();
  if (inner === '') return [];
  return inner.split(',').map((part) => {
    const match = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(part);
    if (match === null) {
      throw flagError(`Invalid range '${part.trim()}' for resource '${name}': expected 'begin-end'.`);
    }
    const range = { begin: Number(match[1]), end: Number(match[2]) };
    if (range.begin > range.end) {
      throw flagError(`Invalid range '${part.trim()}' for resource '${name}': begin is after end.`);
    }
    if (!isValidRange(range)) throw flagError(`Invalid range '${part.trim()}' for resource '${name}': the numbers are too large.`);
    return range;
  });
}

function parseJsonResources(flag: string): Resource[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(flag);
  } catch (error) {
    throw flagError(`Invalid JSON in resources: ${oneLineQuote((error as Error).message)}`);
  }
  if (!Array.isArray(parsed)) throw flagError('JSON resources must be an array of Resource objects.');
  return parsed.map((item: unknown, index) => {
    const r = item as Partial<Resource> | null;
    if (r === null || typeof r !== 'object' || typeof r.name !== 'string' || typeof r.type !== 'string') {
      throw flagError(`JSON resource #${index + 1} needs 'name' and 'type'.`);
    }
    const resource: Resource = { ...(r as Resource), role: r.role ?? UNRESERVED_ROLE };
    if (resource.type === 'SCALAR' && typeof resource.scalar?.value !== 'number') {
      throw flagError(`JSON resource '${resource.name}' is SCALAR but has no scalar.value.`);
    }
    if (resource.type === 'RANGES') {
      const ranges = resource.ranges?.range ?? [];
      const bad = ranges.find((range) => !isValidRange(range));
      if (bad !== undefined) {
        throw flagError(`JSON resource '${resource.name}' has an invalid range ${bad.begin}-${bad.end}: expected 0 <= begin <= end.`);
      }
      resource.ranges = { range: normalizeRanges(ranges) };
    }
    return resource;
  });
}
