/**
 * The agent's `--resources` flag: Mesos' text syntax (`cpus:4;mem:8192;ports:[19998-19999,31000-32000]`,
 * `cpus(alluxio):2`, sets as `{a,b}`) or a JSON array of v1 `Resource`s, turned into v1 resources in
 * the pre-refinement shape Mesos 1.x reports (`role`, plus `reservations` for static reservations).
 *
 * Also the helpers the agent (and `check-ports`, the local master) need around resources: range
 * normalisation, arithmetic, the flattened `/state` form (`"ports":"[19998-19999, 29998-30000]"`) and
 * the reverse, a flag string.
 */
import { normalizeRanges, stringifyRanges } from '../../mesos/resources/ranges.js';
import { ConfigError } from '../../shared/errors.js';
import type { Range, Resource } from '../../mesos/protocol/types.js';
import { double, type JsonValue } from '../mesos-json.js';

export const DEFAULT_ROLE = '*';

/**
 * What a Mesos agent adds when the flag leaves a standard resource out. Real agents measure the host
 * (cores, memory, disk); the local cluster uses Mesos' own fallback constants so that clusters are
 * identical on every machine.
 */
const DEFAULT_AGENT_RESOURCES = 'cpus:1;mem:1024;disk:10240;ports:[31000-32000]';

const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const ROLE_PATTERN = /^(\*|[A-Za-z0-9_][A-Za-z0-9_.\-/]*)$/;

function flagError(message: string): ConfigError {
  return new ConfigError(
    message,
    { key: 'resources' },
    {
      hint: "Use Mesos' syntax, e.g. 'cpus:4;mem:8192;ports:[19998-19999,31000-32000]'.",
    },
  );
}

/** Sorted, with overlapping and adjacent ranges merged (`[1-2, 3-5]` -> `[1-5]`): the client's rule. */
export { normalizeRanges } from '../../mesos/resources/ranges.js';

/** `[19998-19999, 29998-30000]`, as Mesos stringifies `Value::Ranges`. */
export function formatRanges(ranges: readonly Range[]): string {
  return stringifyRanges(normalizeRanges(ranges));
}

function formatSet(items: readonly string[]): string {
  return `{${items.join(', ')}}`;
}

/** Mesos keeps scalars in fixed point with three decimals; do the same so 0.1 + 0.2 prints 0.3. */
function roundScalar(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** The role a resource is reserved for, or `*`. Understands both the pre- and post-refinement shape. */
export function resourceRole(resource: Resource): string {
  const reservations = resource.reservations;
  if (reservations !== undefined && reservations.length > 0) {
    return reservations[reservations.length - 1]?.role ?? DEFAULT_ROLE;
  }
  return resource.role ?? DEFAULT_ROLE;
}

export function isReserved(resource: Resource): boolean {
  return resourceRole(resource) !== DEFAULT_ROLE;
}

function parseRanges(text: string, name: string): Range[] {
  const inner = text.slice(1, -1).trim();
  if (inner === '') return [];
  return inner.split(',').map((part) => {
    const match = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(part);
    if (match === null) {
      throw flagError(`Invalid range '${part.trim()}' for resource '${name}': expected 'begin-end'.`);
    }
    const begin = Number(match[1]);
    const end = Number(match[2]);
    if (begin > end) {
      throw flagError(`Invalid range '${part.trim()}' for resource '${name}': begin is after end.`);
    }
    return { begin, end };
  });
}

function parseEntry(entry: string): Resource {
  const colon = entry.indexOf(':');
  if (colon < 0) throw flagError(`Invalid resource '${entry}': expected 'name:value'.`);
  const head = entry.slice(0, colon).trim();
  const valueText = entry.slice(colon + 1).trim();

  const headMatch = /^([^(){}]+?)\s*(?:\(([^)]*)\))?\s*(?:\{[^}]*\})?$/.exec(head);
  if (headMatch === null) throw flagError(`Invalid resource name '${head}'.`);
  const name = headMatch[1]!.trim();
  const role = headMatch[2]?.trim() || DEFAULT_ROLE;
  if (!NAME_PATTERN.test(name)) throw flagError(`Invalid resource name '${name}'.`);
  if (!ROLE_PATTERN.test(role)) throw flagError(`Invalid role '${role}' for resource '${name}'.`);
  if (valueText === '') throw flagError(`Resource '${name}' has no value.`);

  const base: Pick<Resource, 'name' | 'role' | 'reservations'> = { name, role };
  if (role !== DEFAULT_ROLE) base.reservations = [{ type: 'STATIC', role }];

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

function parseJsonResources(flag: string): Resource[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(flag);
  } catch (error) {
    throw flagError(`Invalid JSON in resources: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed)) throw flagError('JSON resources must be an array of Resource objects.');
  return parsed.map((item: unknown, index) => {
    const r = item as Partial<Resource> | null;
    if (r === null || typeof r !== 'object' || typeof r.name !== 'string' || typeof r.type !== 'string') {
      throw flagError(`JSON resource #${index + 1} needs 'name' and 'type'.`);
    }
    const resource: Resource = { ...(r as Resource), role: r.role ?? DEFAULT_ROLE };
    if (resource.type === 'SCALAR' && typeof resource.scalar?.value !== 'number') {
      throw flagError(`JSON resource '${resource.name}' is SCALAR but has no scalar.value.`);
    }
    if (resource.type === 'RANGES') {
      resource.ranges = { range: normalizeRanges(resource.ranges?.range ?? []) };
    }
    return resource;
  });
}

/** Adds `b` into the list `a`, merging entries with the same name, type and role. Returns a new list. */
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

/** Adds the standard resources (cpus, mem, disk, ports) the flag left out, like a Mesos agent does. */
export function withDefaultResources(resources: readonly Resource[]): Resource[] {
  const missing = parseResourcesFlag(DEFAULT_AGENT_RESOURCES).filter((standard) => !resources.some((r) => r.name === standard.name));
  return addResources(resources, missing);
}

/** The inverse of parseResourcesFlag for the text syntax: `cpus:2;mem:2048;ports:[19998-19999]`. */
export function formatResourcesFlag(resources: readonly Resource[]): string {
  return resources
    .map((r) => {
      const role = resourceRole(r);
      const head = role === DEFAULT_ROLE ? r.name : `${r.name}(${role})`;
      if (r.type === 'RANGES') {
        return `${head}:[${normalizeRanges(r.ranges?.range ?? [])
          .map((range) => `${range.begin}-${range.end}`)
          .join(',')}]`;
      }
      if (r.type === 'SET') return `${head}:{${(r.set?.item ?? []).join(',')}}`;
      return `${head}:${roundScalar(r.scalar?.value ?? 0)}`;
    })
    .join(';');
}

/** All port numbers covered by the resources' `ports` ranges (optionally only one role's). */
export function portRanges(resources: readonly Resource[], role?: string): Range[] {
  return normalizeRanges(
    resources
      .filter((r) => r.name === 'ports' && r.type === 'RANGES' && (role === undefined || resourceRole(r) === role))
      .flatMap((r) => r.ranges?.range ?? []),
  );
}

/**
 * The flattened map Mesos' state endpoints print for a set of resources: the four standard scalars
 * always present (0.0 when absent), other scalars after them, then ranges and sets as strings.
 */
export function flattenResources(resources: readonly Resource[]): { [key: string]: JsonValue } {
  // Key order of the standard scalars is the one a real 1.12 agent prints (hash-map order).
  const scalars = new Map<string, number>([
    ['disk', 0],
    ['mem', 0],
    ['gpus', 0],
    ['cpus', 0],
  ]);
  const ranges = new Map<string, Range[]>();
  const sets = new Map<string, string[]>();
  for (const r of resources) {
    if (r.type === 'SCALAR') scalars.set(r.name, roundScalar((scalars.get(r.name) ?? 0) + (r.scalar?.value ?? 0)));
    else if (r.type === 'RANGES') ranges.set(r.name, [...(ranges.get(r.name) ?? []), ...(r.ranges?.range ?? [])]);
    else if (r.type === 'SET') sets.set(r.name, [...(sets.get(r.name) ?? []), ...(r.set?.item ?? [])]);
  }
  const flat: { [key: string]: JsonValue } = {};
  for (const [name, value] of scalars) flat[name] = double(value);
  for (const [name, value] of ranges) flat[name] = formatRanges(value);
  for (const [name, value] of sets) flat[name] = formatSet([...new Set(value)]);
  return flat;
}

/** A v1 Resource as Mesos prints it in `*_full` state fields (pre-refinement: `role`, no `reservations`). */
export function resourceToStateJson(resource: Resource): { [key: string]: JsonValue } {
  const json: { [key: string]: JsonValue } = { name: resource.name, type: resource.type };
  if (resource.type === 'SCALAR') json.scalar = { value: double(resource.scalar?.value ?? 0) };
  if (resource.type === 'RANGES') {
    json.ranges = { range: (resource.ranges?.range ?? []).map((r) => ({ begin: r.begin, end: r.end })) };
  }
  if (resource.type === 'SET') json.set = { item: [...(resource.set?.item ?? [])] };
  json.role = resourceRole(resource);
  if (resource.allocation_info?.role !== undefined) json.allocation_info = { role: resource.allocation_info.role };
  return json;
}
