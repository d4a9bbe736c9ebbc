/**
 * Fix 1: the `--resources` value to restart an agent with so it advertises Alluxio's ports.
 *
 * As soon as `--resources` names `ports`, Mesos stops adding its default `ports:[31000-32000]`, so
 * the flag must carry every range the agent advertises today, plus everything else the agent has
 * (cpus, mem, disk, other ranges/sets, static reservations `cpus(role):2`); otherwise copying it
 * would take resources away from other frameworks. Dynamic reservations are undone (they are made
 * through the operator API, not the flag) so their amounts return to the pool they came from.
 */
import { shellQuote } from '../shared/shell-quote.js';
import type { Range, Resource } from '../mesos/protocol/types.js';
import { formatRanges, normalizeRanges } from '../mesos/resources/ranges.js';
import { resourceRanges } from './agent-capacity.js';
import type { AgentAnalysis } from './evaluate-agent.js';
import { formatScalar, listNames } from './format.js';
import { ADDITIVE_RECONFIGURATION, AGENT_BINARY_RENAME, isAtLeast, isOlderThan } from './mesos-version.js';
import { UNRESERVED_ROLE, staticRole } from './reservations.js';
import type { CheckPortsRequirements } from './requirements.js';
import type { ResourcesFlagFix } from './report-types.js';

/** Fields of a v1 Resource that mark it as not coming from `--resources`, or not expressible there. */
interface ResourceExtras {
  revocable?: unknown;
  provider_id?: unknown;
  disk?: { source?: { type?: string } };
}

interface Accumulated {
  readonly name: string;
  readonly role: string;
  readonly type: Resource['type'];
  scalar: number;
  ranges: Range[];
  items: Set<string>;
}

export interface ResourcesFlagResult {
  readonly fixes: ResourcesFlagFix[];
  readonly warnings: string[];
}

const NAME_ORDER = ['cpus', 'gpus', 'mem', 'disk', 'ports'];

function nameRank(name: string): number {
  const index = NAME_ORDER.indexOf(name);
  return index === -1 ? NAME_ORDER.length : index;
}

function compareEntries(a: Accumulated, b: Accumulated): number {
  return (
    nameRank(a.name) - nameRank(b.name) ||
    (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) ||
    (a.role === b.role ? 0 : a.role === UNRESERVED_ROLE ? -1 : b.role === UNRESERVED_ROLE ? 1 : a.role < b.role ? -1 : 1)
  );
}

function formatEntry(entry: Accumulated): string | undefined {
  const label = entry.role === UNRESERVED_ROLE ? entry.name : `${entry.name}(${entry.role})`;
  switch (entry.type) {
    case 'SCALAR':
      return entry.scalar > 0 ? `${label}:${formatScalar(entry.scalar)}` : undefined;
    case 'RANGES': {
      const ranges = normalizeRanges(entry.ranges);
      return ranges.length > 0 ? `${label}:${formatRanges(ranges)}` : undefined;
    }
    case 'SET':
      return entry.items.size > 0 ? `${label}:{${[...entry.items].sort().join(',')}}` : undefined;
    default:
      return undefined;
  }
}

/**
 * The `--resources` value for one agent: its startup resources with `ports` (or `ports(ROLE)` when
 * the framework has a role) widened by `addPorts`. Returns the value and anything it had to leave out.
 */
export function buildResourcesValue(
  resources: readonly Resource[],
  addPorts: readonly number[],
  role: string,
): { value: string; dropped: string[] } {
  const entries = new Map<string, Accumulated>();
  const dropped: string[] = [];
  for (const resource of resources) {
    const extras = resource as Resource & ResourceExtras;
    if (extras.revocable !== undefined || extras.provider_id !== undefined) continue;
    if (resource.type === 'TEXT') continue;
    if (extras.disk?.source !== undefined) {
      dropped.push(`${resource.name} with a ${extras.disk.source.type ?? 'custom'} source`);
      continue;
    }
    const owner = staticRole(resource) ?? UNRESERVED_ROLE;
    const key = `${resource.name}\u0000${owner}`;
    let entry = entries.get(key);
    if (entry === undefined) {
      entry = { name: resource.name, role: owner, type: resource.type, scalar: 0, ranges: [], items: new Set() };
      entries.set(key, entry);
    }
    if (resource.type === 'SCALAR') entry.scalar += resource.scalar?.value ?? 0;
    else if (resource.type === 'RANGES') entry.ranges.push(...resourceRanges(resource));
    else if (resource.type === 'SET') for (const item of resource.set?.item ?? []) entry.items.add(item);
  }

  if (addPorts.length > 0) {
    const portsRole = role === '' ? UNRESERVED_ROLE : role;
    const key = `ports\u0000${portsRole}`;
    let entry = entries.get(key);
    if (entry === undefined) {
      entry = { name: 'ports', role: portsRole, type: 'RANGES', scalar: 0, ranges: [], items: new Set() };
      entries.set(key, entry);
    }
    entry.ranges.push(...addPorts.map((port) => ({ begin: port, end: port })));
  }

  const parts = [...entries.values()]
    .sort(compareEntries)
    .map(formatEntry)
    .filter((part): part is string => part !== undefined);
  return { value: parts.join(';'), dropped };
}

/** Single-quotes for a POSIX shell. */
export function agentBinary(version: string | undefined): 'mesos-agent' | 'mesos-slave' {
  return isOlderThan(version, AGENT_BINARY_RENAME) ? 'mesos-slave' : 'mesos-agent';
}

function restartNote(versions: ReadonlyArray<string | undefined>): string {
  const allAdditive = versions.every((version) => isAtLeast(version, ADDITIVE_RECONFIGURATION));
  if (allAdditive) {
    return (
      'The agent must restart to pick this up. Also pass --reconfiguration_policy=additive ' +
      '(MESOS_RECONFIGURATION_POLICY=additive); without it the agent refuses to recover its old ' +
      'state and its running tasks are lost.'
    );
  }
  return (
    'The agent must restart to pick this up. Before Mesos 1.5 (no --reconfiguration_policy=additive) an ' +
    'agent whose resources changed will not recover its old state: drain it, remove its metadata ' +
    '(<work_dir>/meta/slaves/latest), then restart it; its running tasks are lost.'
  );
}

/**
 * One fix per distinct flag, for every eligible agent that does not advertise some Alluxio port.
 * Both the master and the worker ports are added, so any fixed agent can host either task.
 */
export function resourcesFlagFixes(analyses: readonly AgentAnalysis[], req: CheckPortsRequirements): ResourcesFlagResult {
  const groups = new Map<
    string,
    { binary: ResourcesFlagFix['binary']; value: string; hosts: string[]; versions: Array<string | undefined> }
  >();
  const warnings: string[] = [];
  const tooSmall: string[] = [];
  for (const analysis of analyses) {
    if (!analysis.eligible || analysis.verdict.missingPorts.length === 0) continue;
    const agent = analysis.agent;
    // Ports would not make it useful: no restart flag, but say why it got none.
    if (!analysis.fitsBySize.master && !analysis.fitsBySize.worker) {
      tooSmall.push(agent.hostname);
      continue;
    }
    const base = agent.startupResources ?? agent.resources.total;
    const { value, dropped } = buildResourcesValue(base, analysis.verdict.missingPorts, req.role);
    if (dropped.length > 0) {
      warnings.push(`${agent.hostname}: the flag cannot express ${dropped.join(', ')}; use the JSON form of --resources for that agent`);
    }
    const binary = agentBinary(agent.version);
    const key = `${binary}\u0000${value}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { binary, value, hosts: [agent.hostname], versions: [agent.version] });
    else {
      group.hosts.push(agent.hostname);
      group.versions.push(agent.version);
    }
  }

  const fixes = [...groups.values()].map((group) => ({
    agents: group.hosts,
    binary: group.binary,
    resources: group.value,
    flag: `--resources=${shellQuote(group.value)}`,
    env: `MESOS_RESOURCES=${shellQuote(group.value)}`,
    restartNote: restartNote(group.versions),
  }));
  if (tooSmall.length > 0) {
    warnings.push(
      `${tooSmall.length === 1 ? '1 agent lacks' : `${tooSmall.length} agents lack`} Alluxio's ports but ` +
        `${tooSmall.length === 1 ? 'is' : 'are'} too small for either task, ` +
        `so no flag is given for ${tooSmall.length === 1 ? 'it' : 'them'}: ${listNames(tooSmall)}`,
    );
  }
  if (fixes.length > 0) {
    warnings.unshift(
      "Naming ports in --resources replaces Mesos' default ports:[31000-32000]; these flags keep every range " +
        'the agents advertise today, and pin cpus/mem/disk to what the agents report now.',
    );
  }
  return { fixes, warnings };
}
