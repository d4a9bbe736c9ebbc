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
import type { Resource } from '../mesos/protocol/types.js';
import { Resources } from '../mesos/resources/resource-set.js';
import { formatResourcesFlag } from '../mesos/resources/resources-flag.js';
import { resourceRanges } from './agent-capacity.js';
import type { AgentAnalysis } from './evaluate-agent.js';
import { listNames } from './format.js';
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

export interface ResourcesFlagResult {
  readonly fixes: ResourcesFlagFix[];
  readonly warnings: string[];
}

const NAME_ORDER = ['cpus', 'gpus', 'mem', 'disk', 'ports'];

function nameRank(name: string): number {
  const index = NAME_ORDER.indexOf(name);
  return index === -1 ? NAME_ORDER.length : index;
}

/** cpus, gpus, mem, disk, ports, then other names alphabetically; per name unreserved first, then roles. */
function compareResources(a: Resource, b: Resource): number {
  const roleA = a.role ?? UNRESERVED_ROLE;
  const roleB = b.role ?? UNRESERVED_ROLE;
  return (
    nameRank(a.name) - nameRank(b.name) ||
    (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) ||
    (roleA === roleB ? 0 : roleA === UNRESERVED_ROLE ? -1 : roleB === UNRESERVED_ROLE ? 1 : roleA < roleB ? -1 : 1)
  );
}

/** The resource as the flag states it: under its static role (dynamic reservations undone). */
function asFlagResource(resource: Resource): Resource {
  const role = staticRole(resource) ?? UNRESERVED_ROLE;
  const flat: Resource = { name: resource.name, type: resource.type, role };
  if (resource.type === 'SCALAR') flat.scalar = { value: resource.scalar?.value ?? 0 };
  if (resource.type === 'RANGES') flat.ranges = { range: resourceRanges(resource) };
  if (resource.type === 'SET') flat.set = { item: resource.set?.item ?? [] };
  return flat;
}

/**
 * The `--resources` value for one agent: its startup resources with `ports` (or `ports(ROLE)` when
 * the framework has a role) widened by `addPorts`. Returns the value and anything it had to leave out.
 * Amounts add up per name and static role with Mesos' arithmetic (`Resources`), which also leaves out
 * what is empty (zero scalars, no ranges, no items).
 */
export function buildResourcesValue(
  resources: readonly Resource[],
  addPorts: readonly number[],
  role: string,
): { value: string; dropped: string[] } {
  const dropped: string[] = [];
  let total = Resources.EMPTY;
  for (const resource of resources) {
    const extras = resource as Resource & ResourceExtras;
    if (extras.revocable !== undefined || extras.provider_id !== undefined) continue;
    if (extras.disk?.source !== undefined) {
      dropped.push(`${resource.name} with a ${extras.disk.source.type ?? 'custom'} source`);
      continue;
    }
    // TEXT resources cannot be stated in the flag; Resources ignores them.
    total = total.plus(Resources.fromProto([asFlagResource(resource)]));
  }
  if (addPorts.length > 0) {
    const portsRole = role === '' ? UNRESERVED_ROLE : role;
    const added: Resource = {
      name: 'ports',
      type: 'RANGES',
      role: portsRole,
      ranges: { range: addPorts.map((port) => ({ begin: port, end: port })) },
    };
    total = total.plus(Resources.fromProto([added]));
  }
  const stated = total
    .toProto()
    .sort(compareResources)
    .map((r) => (r.type === 'SET' ? { ...r, set: { item: [...(r.set?.item ?? [])].sort() } } : r));
  return { value: formatResourcesFlag(stated), dropped };
}

/** The agent binary to restart: `mesos-slave` before Mesos renamed it. */
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
