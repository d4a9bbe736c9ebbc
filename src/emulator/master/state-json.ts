/**
 * The master's read-only JSON endpoints (`/master/state`, `/master/slaves`, `/master/frameworks`,
 * `/master/tasks`, `/version`), with the field names, order and number types of Mesos 1.12
 * (`src/master/readonly_handler.cpp`, `src/common/http.cpp`): resources flattened to
 * `{"disk","mem","gpus","cpus",...,"ports":"[a-b, c-d]"}`, times and scalars as doubles.
 */
import { AGENT_CAPABILITIES } from '../agent/state-json.js';
import type { MasterInfo, Range, Resource, TaskStatus } from '../../mesos/protocol/types.js';
import { double, type JsonValue } from '../mesos-json.js';
import { isTerminal, rolesOf, hasCapability, type AgentRecord, type FrameworkRecord, type OfferRecord, type TaskRecord } from './model.js';
import type { MasterCore } from './master-core.js';
import { mergeRanges, stringifyRanges } from '../../mesos/resources/ranges.js';
import { Resources } from '../../mesos/resources/resource-set.js';
import { executorIdOf } from './tasks.js';

/** What Mesos 1.12 reports about its build; the local master stands in for that version. */
export const MESOS_VERSION = '1.12.0';
export const BUILD_INFO = {
  build_date: '2026-11-24 18:40:00',
  build_time: 1795545600,
  build_user: '',
  git_branch: 'refs/heads/master',
  git_sha: 'c1b42f79d157aa900be5cbb0c1023f1479962aa7',
} as const;

export const MASTER_CAPABILITIES = ['AGENT_UPDATE', 'AGENT_DRAINING', 'QUOTA_V2'] as const;
/** What an agent advertises is the agent's to say; the master reports it as is. */
export { AGENT_CAPABILITIES };

export interface StateContext {
  readonly core: MasterCore;
  readonly self: MasterInfo;
  /** The leading master, when one is known. */
  readonly leader: MasterInfo | undefined;
  readonly electedTime: number | undefined;
  readonly flags: Readonly<Record<string, string>>;
  readonly logDir: string;
}

export function renderVersion(version: string): JsonValue {
  return {
    build_date: BUILD_INFO.build_date,
    build_time: double(BUILD_INFO.build_time),
    build_user: BUILD_INFO.build_user,
    git_branch: BUILD_INFO.git_branch,
    git_sha: BUILD_INFO.git_sha,
    version,
  };
}

/** `json(Resources)`: cpus/gpus/mem/disk always present, ranges and sets only when non-empty. */
export function flattenResources(resources: Resources): { [key: string]: JsonValue } {
  const scalars = new Map<string, number>([
    ['disk', 0],
    ['mem', 0],
    ['gpus', 0],
    ['cpus', 0],
  ]);
  const ranges = new Map<string, Range[]>();
  const sets = new Map<string, Set<string>>();
  for (const e of resources.entries) {
    if (e.kind === 'SCALAR') scalars.set(e.name, (scalars.get(e.name) ?? 0) + e.milli);
    if (e.kind === 'RANGES') ranges.set(e.name, mergeRanges(ranges.get(e.name) ?? [], e.ranges));
    if (e.kind === 'SET') sets.set(e.name, new Set([...(sets.get(e.name) ?? []), ...e.items]));
  }
  const out: { [key: string]: JsonValue } = {};
  for (const [name, milli] of scalars) out[name] = double(milli / 1000);
  for (const [name, r] of ranges) out[name] = stringifyRanges(r);
  for (const [name, items] of sets) out[name] = `{${[...items].join(', ')}}`;
  return out;
}

function statusJson(status: TaskStatus): JsonValue {
  const out: { [key: string]: JsonValue } = { state: status.state, timestamp: double(status.timestamp ?? 0) };
  const labels = (status as TaskStatus & { labels?: { labels: Array<{ key: string; value?: string }> } }).labels;
  if (labels !== undefined) out.labels = labels.labels.map((l) => ({ key: l.key, ...(l.value === undefined ? {} : { value: l.value }) }));
  const cs = status.container_status;
  if (cs !== undefined) {
    const c: { [key: string]: JsonValue } = {};
    if (cs.container_id !== undefined) c.container_id = containerIdJson(cs.container_id);
    if (cs.network_infos !== undefined && cs.network_infos.length > 0) {
      c.network_infos = cs.network_infos.map((n) => ({
        ...(n.ip_addresses !== undefined && n.ip_addresses.length > 0
          ? {
              ip_addresses: n.ip_addresses.map((a) => ({
                ...(a.protocol ? { protocol: a.protocol } : {}),
                ...(a.ip_address ? { ip_address: a.ip_address } : {}),
              })),
            }
          : {}),
      }));
    }
    out.container_status = c;
  }
  if (status.healthy !== undefined) out.healthy = status.healthy;
  return out;
}

function containerIdJson(id: { value: string; parent?: { value: string } }): JsonValue {
  return id.parent === undefined ? { value: id.value } : { value: id.value, parent: containerIdJson(id.parent) };
}

function taskJson(task: TaskRecord): JsonValue {
  const out: { [key: string]: JsonValue } = {
    id: task.taskId,
    name: task.name,
    framework_id: task.frameworkId,
    executor_id: executorIdOf(task),
    slave_id: task.agentId,
    state: task.state,
    resources: flattenResources(task.resources),
    role: task.role,
    statuses: task.statuses.map(statusJson),
  };
  if (task.info.labels !== undefined) out.labels = task.info.labels.labels.map((l) => ({ ...l }));
  if (task.info.discovery !== undefined) out.discovery = task.info.discovery as unknown as JsonValue;
  if (task.info.health_check !== undefined) out.health_check = task.info.health_check as unknown as JsonValue;
  return out;
}

function offerJson(offer: OfferRecord): JsonValue {
  return {
    id: offer.id,
    framework_id: offer.frameworkId,
    allocation_info: { role: offer.role },
    slave_id: offer.agentId,
    resources: flattenResources(offer.resources),
  };
}

function sumResources(list: Iterable<Resources>): Resources {
  let sum = Resources.EMPTY;
  for (const r of list) sum = sum.plus(r);
  return sum;
}

function frameworkUsed(fw: FrameworkRecord): Resources {
  return sumResources([...fw.tasks.values()].filter((t) => !isTerminal(t.state) && t.state !== 'TASK_UNREACHABLE').map((t) => t.resources));
}

function frameworkOffered(core: MasterCore, fw: FrameworkRecord): Resources {
  return sumResources([...fw.offers].map((id) => core.offers.get(id)?.resources ?? Resources.EMPTY));
}

function frameworkJson(core: MasterCore, fw: FrameworkRecord): JsonValue {
  const used = frameworkUsed(fw);
  const offered = frameworkOffered(core, fw);
  const out: { [key: string]: JsonValue } = {
    id: fw.id,
    name: fw.info.name,
    used_resources: flattenResources(used),
    offered_resources: flattenResources(offered),
    // A capability whose name the decoder did not know has no type; Mesos prints its enum default.
    capabilities: (fw.info.capabilities ?? []).map((c) => c.type ?? 'UNKNOWN'),
    hostname: fw.info.hostname ?? '',
    webui_url: fw.info.webui_url ?? '',
    active: fw.active,
    connected: fw.connection !== undefined,
    recovered: fw.recovered,
    user: fw.info.user,
    failover_timeout: double(fw.info.failover_timeout ?? 0),
    checkpoint: fw.info.checkpoint ?? false,
    registered_time: double(fw.registeredTime / 1000),
    unregistered_time: double(fw.unregisteredTime / 1000),
  };
  if (fw.info.principal !== undefined) out.principal = fw.info.principal;
  out.resources = flattenResources(used.plus(offered));
  if (fw.registeredTime !== fw.reregisteredTime) out.reregistered_time = double(fw.reregisteredTime / 1000);
  if (hasCapability(fw.info, 'MULTI_ROLE')) out.roles = [...rolesOf(fw.info)];
  else out.role = fw.info.role ?? '*';
  out.tasks = [...fw.tasks.values()].map(taskJson);
  out.unreachable_tasks = [...fw.unreachableTasks.values()].map(taskJson);
  out.completed_tasks = fw.completedTasks.map(taskJson);
  out.offers = [...fw.offers].flatMap((id) => {
    const offer = core.offers.get(id);
    return offer === undefined ? [] : [offerJson(offer)];
  });
  out.executors = [];
  if (fw.info.labels !== undefined) out.labels = fw.info.labels.labels.map((l) => ({ ...l }));
  out.offer_constraints = {};
  return out;
}

function attributesJson(agent: AgentRecord): JsonValue {
  const out: { [key: string]: JsonValue } = {};
  for (const a of agent.attributes) {
    const n = Number(a.value);
    out[a.name] = a.value.trim() !== '' && Number.isFinite(n) ? double(n) : a.value;
  }
  return out;
}

function agentUsed(agent: AgentRecord): Resources {
  return sumResources([...agent.tasks.values()].filter((t) => !isTerminal(t.state)).map((t) => t.resources));
}

function agentOffered(core: MasterCore, agent: AgentRecord): Resources {
  return sumResources([...agent.offers].map((id) => core.offers.get(id)?.resources ?? Resources.EMPTY));
}

function agentJson(core: MasterCore, agent: AgentRecord): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {
    id: agent.id,
    hostname: agent.hostname,
    port: agent.port,
    attributes: attributesJson(agent),
    pid: `slave(1)@${agent.ip}:${agent.port}`,
    registered_time: double(agent.registeredTime / 1000),
  };
  if (agent.reregisteredTime !== undefined) out.reregistered_time = double(agent.reregisteredTime / 1000);
  const reserved: { [key: string]: JsonValue } = {};
  for (const [role, r] of agent.total.reservations()) reserved[role] = flattenResources(r);
  out.resources = flattenResources(agent.total);
  out.used_resources = flattenResources(agentUsed(agent));
  out.offered_resources = flattenResources(agentOffered(core, agent));
  out.reserved_resources = reserved;
  out.unreserved_resources = flattenResources(agent.total.unreserved());
  out.active = agent.active;
  out.deactivated = false;
  out.version = agent.version;
  out.capabilities = [...AGENT_CAPABILITIES];
  return out;
}

/** Resources as full protobuf JSON (the `*_full` fields of `/master/slaves`), scalars as doubles. */
function fullJson(list: Resource[]): JsonValue {
  return list.map((r) => {
    const out: { [key: string]: JsonValue } = { name: r.name, type: r.type };
    if (r.scalar !== undefined) out.scalar = { value: double(r.scalar.value) };
    if (r.ranges !== undefined) out.ranges = { range: r.ranges.range.map((x) => ({ begin: x.begin, end: x.end })) };
    if (r.set !== undefined) out.set = { item: [...r.set.item] };
    if (r.role !== undefined) out.role = r.role;
    if (r.allocation_info !== undefined)
      out.allocation_info = { ...(r.allocation_info.role === undefined ? {} : { role: r.allocation_info.role }) };
    return out;
  });
}

function usedByRole(agent: AgentRecord): Resource[] {
  return [...agent.tasks.values()].filter((t) => !isTerminal(t.state)).flatMap((t) => t.resources.toProto(t.role));
}

function offeredByRole(core: MasterCore, agent: AgentRecord): Resource[] {
  return [...agent.offers].flatMap((id) => {
    const offer = core.offers.get(id);
    return offer === undefined ? [] : offer.resources.toProto(offer.role);
  });
}

export function renderSlaves(core: MasterCore): JsonValue {
  return {
    slaves: [...core.agents.values()].map((agent) => {
      const reservedFull: { [key: string]: JsonValue } = {};
      for (const [role, r] of agent.total.reservations()) reservedFull[role] = fullJson(r.toProto());
      return {
        ...agentJson(core, agent),
        reserved_resources_full: reservedFull,
        unreserved_resources_full: fullJson(agent.total.unreserved().toProto()),
        used_resources_full: fullJson(usedByRole(agent)),
        offered_resources_full: fullJson(offeredByRole(core, agent)),
      };
    }),
    recovered_slaves: recoveredSlaves(core),
  };
}

function recoveredSlaves(core: MasterCore): JsonValue {
  return [...core.recoveredAgents.values()].map((a) => ({ id: a.id, hostname: a.hostname, port: a.port, attributes: {} }));
}

export function renderFrameworks(core: MasterCore): JsonValue {
  return {
    frameworks: [...core.frameworks.values()].map((fw) => frameworkJson(core, fw)),
    completed_frameworks: [...core.completedFrameworks.values()].map((fw) => frameworkJson(core, fw)),
    unregistered_frameworks: [],
  };
}

/** `/master/tasks`: running, unreachable and completed tasks, newest first unless `order=asc`. */
export function renderTasks(core: MasterCore, query: URLSearchParams): JsonValue {
  const limit = parseIntOr(query.get('limit'), 100);
  const offset = parseIntOr(query.get('offset'), 0);
  const ascending = query.get('order') === 'asc';
  const frameworkId = query.get('framework_id');
  const taskId = query.get('task_id');
  const tasks: TaskRecord[] = [];
  for (const fw of [...core.frameworks.values(), ...core.completedFrameworks.values()]) {
    if (frameworkId !== null && fw.id !== frameworkId) continue;
    for (const t of [...fw.tasks.values(), ...fw.unreachableTasks.values(), ...fw.completedTasks]) {
      if (taskId === null || t.taskId === taskId) tasks.push(t);
    }
  }
  const startedAt = (t: TaskRecord): number => t.statuses[0]?.timestamp ?? 0;
  tasks.sort((a, b) => (ascending ? startedAt(a) - startedAt(b) : startedAt(b) - startedAt(a)));
  return { tasks: tasks.slice(offset, offset + limit).map(taskJson) };
}

function parseIntOr(value: string | null, fallback: number): number {
  if (value === null || !/^-?\d+$/.test(value.trim())) return fallback;
  return Math.max(0, Number(value));
}

export function renderState(ctx: StateContext): JsonValue {
  const { core, self, leader } = ctx;
  const agents = [...core.agents.values()];
  const out: { [key: string]: JsonValue } = {
    version: self.version ?? MESOS_VERSION,
    git_sha: BUILD_INFO.git_sha,
    git_branch: BUILD_INFO.git_branch,
    build_date: BUILD_INFO.build_date,
    build_time: double(BUILD_INFO.build_time),
    build_user: BUILD_INFO.build_user,
    start_time: double(core.startTime / 1000),
  };
  if (ctx.electedTime !== undefined) out.elected_time = double(ctx.electedTime / 1000);
  Object.assign(out, {
    id: self.id,
    pid: self.pid ?? '',
    hostname: self.hostname ?? '',
    capabilities: [...MASTER_CAPABILITIES],
    activated_slaves: double(agents.filter((a) => a.active).length),
    deactivated_slaves: double(agents.filter((a) => !a.active).length),
    unreachable_slaves: double(core.unreachableAgents.size),
  });
  if (leader !== undefined) {
    out.leader = leader.pid ?? '';
    out.leader_info = { id: leader.id, pid: leader.pid ?? '', port: leader.port, hostname: leader.hostname ?? '' };
  }
  out.log_dir = ctx.logDir;
  out.flags = { ...ctx.flags };
  out.slaves = agents.map((a) => agentJson(core, a));
  out.recovered_slaves = recoveredSlaves(core);
  const frameworks = renderFrameworks(core) as { frameworks: JsonValue; completed_frameworks: JsonValue };
  out.frameworks = frameworks.frameworks;
  out.completed_frameworks = frameworks.completed_frameworks;
  out.orphan_tasks = [];
  out.unregistered_frameworks = [];
  return out;
}
