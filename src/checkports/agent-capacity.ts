/**
 * What one agent has for the framework's role: which ports it may be offered, which of those are
 * taken, which belong to other roles, and how many cpus/mem are left.
 *
 * "Taken" means allocated to a task or executor (`allocated_resources` in GET_AGENTS, which Mesos
 * fills from the agent's used resources). Resources that are merely *offered* to some framework
 * are not counted as taken: the allocator offers every idle resource all the time, and an offer
 * that is declined or rescinded returns its ports, so counting offers would fail every busy
 * cluster. They are only reported as a note.
 */
import type { Range, Resource } from '../mesos/protocol/types.js';
import { normalizeRanges, parseRangesString, subtractRanges } from '../mesos/resources/ranges.js';
import { reservedRole, usableByRole } from './reservations.js';

/** The resources of one agent, in v1 shape. */
export interface AgentResources {
  /** Everything the agent has: unreserved, statically and dynamically reserved. */
  readonly total: readonly Resource[];
  /** Held by running tasks and executors. */
  readonly allocated: readonly Resource[];
  /** Currently in an outstanding offer (informational only). */
  readonly offered: readonly Resource[];
}

export interface AgentCapacity {
  /** Ports the role may be offered (unreserved ∪ reserved for it), normalised. */
  readonly usablePorts: Range[];
  /** Ports allocated to tasks/executors, any role. */
  readonly inUsePorts: Range[];
  /** Usable ports that are not in use. */
  readonly freePorts: Range[];
  /** Ports sitting in an outstanding offer. */
  readonly offeredPorts: Range[];
  /** Ports reserved for roles the framework does not have, by role. */
  readonly otherRolePorts: ReadonlyArray<{ readonly role: string; readonly ranges: Range[] }>;
  readonly cpus: ScalarCapacity;
  readonly memMb: ScalarCapacity;
}

interface ScalarCapacity {
  readonly usable: number;
  readonly allocated: number;
  readonly free: number;
}

/**
 * The ranges of a RANGES resource. Legacy endpoints stringify ranges (`"[31000-32000, 40000-40010]"`),
 * so a string in place of the `{range: [...]}` object is accepted too.
 */
export function resourceRanges(resource: Resource): Range[] {
  const ranges: unknown = resource.ranges;
  if (typeof ranges === 'string') return parseRangesString(ranges);
  return resource.ranges?.range ?? [];
}

function scalarValue(resource: Resource): number {
  const value = resource.scalar?.value;
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

export function agentCapacity(resources: AgentResources, role: string): AgentCapacity {
  const usable: Range[] = [];
  const inUse: Range[] = [];
  const offered: Range[] = [];
  const otherRoles = new Map<string, Range[]>();
  let usableCpus = 0;
  let usableMem = 0;
  let allocatedCpus = 0;
  let allocatedMem = 0;

  for (const resource of resources.total) {
    const forUs = usableByRole(resource, role);
    switch (resource.name) {
      case 'ports': {
        const ranges = resourceRanges(resource);
        if (forUs) usable.push(...ranges);
        else {
          const owner = reservedRole(resource) ?? '*';
          const list = otherRoles.get(owner);
          if (list === undefined) otherRoles.set(owner, [...ranges]);
          else list.push(...ranges);
        }
        break;
      }
      case 'cpus':
        if (forUs) usableCpus += scalarValue(resource);
        break;
      case 'mem':
        if (forUs) usableMem += scalarValue(resource);
        break;
      default:
        break;
    }
  }

  for (const resource of resources.allocated) {
    if (resource.name === 'ports') {
      inUse.push(...resourceRanges(resource));
      continue;
    }
    if (!usableByRole(resource, role)) continue;
    if (resource.name === 'cpus') allocatedCpus += scalarValue(resource);
    else if (resource.name === 'mem') allocatedMem += scalarValue(resource);
  }

  for (const resource of resources.offered) {
    if (resource.name === 'ports') offered.push(...resourceRanges(resource));
  }

  const usablePorts = normalizeRanges(usable);
  const inUsePorts = normalizeRanges(inUse);
  return {
    usablePorts,
    inUsePorts,
    freePorts: subtractRanges(usablePorts, inUsePorts),
    offeredPorts: normalizeRanges(offered),
    otherRolePorts: [...otherRoles.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([owner, ranges]) => ({ role: owner, ranges: normalizeRanges(ranges) })),
    cpus: { usable: usableCpus, allocated: allocatedCpus, free: Math.max(0, usableCpus - allocatedCpus) },
    memMb: { usable: usableMem, allocated: allocatedMem, free: Math.max(0, usableMem - allocatedMem) },
  };
}
