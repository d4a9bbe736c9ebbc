/**
 * What the local cluster's agent does with its resources beyond the `--resources` grammar (which
 * is src/mesos/resources/resources-flag.ts): the standard resources it adds when the flag leaves them
 * out, and the forms its state endpoints print (the flattened `"ports":"[19998-19999, 29998-30000]"`
 * map and the `*_full` objects).
 */
import { addResources, parseResourcesFlag } from '../../mesos/resources/resources-flag.js';
import { normalizeRanges, resourceRole, roundScalar, stringifyRanges } from '../../mesos/resources/ranges.js';
import type { Range, Resource } from '../../mesos/protocol/types.js';
import { double, type JsonValue } from '../mesos-json.js';

export const DEFAULT_ROLE = '*';

/**
 * What a Mesos agent adds when the flag leaves a standard resource out. Real agents measure the host
 * (cores, memory, disk); the local cluster uses Mesos' own fallback constants so that clusters are
 * identical on every machine.
 */
const DEFAULT_AGENT_RESOURCES = 'cpus:1;mem:1024;disk:10240;ports:[31000-32000]';

export function isReserved(resource: Resource): boolean {
  return resourceRole(resource) !== DEFAULT_ROLE;
}

/** Adds the standard resources (cpus, mem, disk, ports) the flag left out, like a Mesos agent does. */
export function withDefaultResources(resources: readonly Resource[]): Resource[] {
  const missing = parseResourcesFlag(DEFAULT_AGENT_RESOURCES).filter((standard) => !resources.some((r) => r.name === standard.name));
  return addResources(resources, missing);
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
  for (const [name, value] of ranges) flat[name] = stringifyRanges(normalizeRanges(value));
  for (const [name, value] of sets) flat[name] = `{${[...new Set(value)].join(', ')}}`;
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
