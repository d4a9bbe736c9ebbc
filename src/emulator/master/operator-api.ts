/**
 * The v1 operator API (`POST /api/v1`) calls the project uses: GET_HEALTH, GET_VERSION, GET_AGENTS,
 * GET_TASKS, GET_FRAMEWORKS, GET_STATE, in the shape of `mesos.v1.master.Response`. Checks run in the
 * order of Mesos `Master::Http::api`; other calls answer 501.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  AgentInfo,
  MasterInfo,
  Offer,
  OperatorAgent,
  OperatorCall,
  OperatorFramework,
  OperatorGetAgents,
  OperatorGetFrameworks,
  OperatorGetExecutors,
  OperatorGetTasks,
  OperatorResponse,
  Resource,
  Task,
  TimeInfo,
  VersionInfo,
} from '../../mesos/protocol/types.js';
import { replyBytes, replyEmpty, replyText } from './http-replies.js';
import type { MasterCore } from './master-core.js';
import { negotiateEventMediaType, type MesosMediaType } from './media.js';
import { decodePostedCall, requestHeader } from './posted-call.js';
import { isTerminal, type AgentRecord, type FrameworkRecord, type TaskRecord } from './model.js';
import { AGENT_CAPABILITIES, BUILD_INFO, MESOS_VERSION } from './state-json.js';
import { executorIdOf } from './tasks.js';

export interface OperatorCodec {
  /** Throws with Mesos' 400 text. */
  decodeOperatorCall(body: Uint8Array, media: MesosMediaType): OperatorCall;
  encodeOperatorResponse(response: OperatorResponse, media: MesosMediaType): Uint8Array;
}

export interface OperatorDeps {
  readonly core: () => MasterCore;
  readonly codec: OperatorCodec;
  readonly masterInfo: () => MasterInfo;
  readonly startTime: () => number;
  readonly electedTime: () => number | undefined;
}

export function handleOperator(req: IncomingMessage, res: ServerResponse, body: Buffer, deps: OperatorDeps): void {
  const decoded = decodePostedCall(req, res, body, (bytes, media) => deps.codec.decodeOperatorCall(bytes, media));
  if (decoded === undefined) return;
  const { call } = decoded;
  const accept = negotiateEventMediaType(requestHeader(req, 'accept'));
  if (accept === undefined) {
    replyText(res, 406, "Expecting 'Accept' to allow 'application/x-protobuf' or 'application/json'");
    return;
  }
  const response = operatorResponse(call.type, deps);
  if (response === undefined) {
    replyEmpty(res, 501);
    return;
  }
  replyBytes(res, 200, deps.codec.encodeOperatorResponse(response, accept), accept);
}

function operatorResponse(
  type: OperatorCall['type'],
  deps: Pick<OperatorDeps, 'core' | 'masterInfo' | 'startTime' | 'electedTime'>,
): OperatorResponse | undefined {
  const core = deps.core();
  switch (type) {
    case 'GET_HEALTH':
      return { type, get_health: { healthy: true } };
    case 'GET_VERSION':
      return { type, get_version: { version_info: versionInfo(deps.masterInfo().version ?? MESOS_VERSION) } };
    case 'GET_AGENTS':
      return { type, get_agents: getAgents(core) };
    case 'GET_FRAMEWORKS':
      return { type, get_frameworks: getFrameworks(core) };
    case 'GET_TASKS':
      return { type, get_tasks: getTasks(core) };
    case 'GET_EXECUTORS':
      return { type, get_executors: getExecutors(core) };
    case 'GET_STATE':
      return {
        type,
        get_state: {
          get_tasks: getTasks(core),
          get_executors: getExecutors(core),
          get_frameworks: getFrameworks(core),
          get_agents: getAgents(core),
        },
      };
    case 'GET_MASTER': {
      const elected = deps.electedTime();
      return {
        type,
        get_master: {
          master_info: deps.masterInfo(),
          start_time: deps.startTime() / 1000,
          ...(elected === undefined ? {} : { elected_time: elected / 1000 }),
        },
      };
    }
    default:
      return undefined;
  }
}

function versionInfo(version: string): VersionInfo {
  return {
    version,
    build_date: BUILD_INFO.build_date,
    build_time: BUILD_INFO.build_time,
    build_user: BUILD_INFO.build_user,
    git_sha: BUILD_INFO.git_sha,
    git_branch: BUILD_INFO.git_branch,
  };
}

function timeInfo(ms: number): TimeInfo {
  return { nanoseconds: Math.round(ms * 1e6) };
}

function agentInfo(agent: AgentRecord): AgentInfo {
  return {
    hostname: agent.hostname,
    port: agent.port,
    resources: agent.total.toProto(),
    attributes: agent.attributes.map((a) => {
      const n = Number(a.value);
      return a.value.trim() !== '' && Number.isFinite(n)
        ? { name: a.name, type: 'SCALAR', scalar: { value: n } }
        : { name: a.name, type: 'TEXT', text: { value: a.value } };
    }),
    id: { value: agent.id },
  };
}

function getAgents(core: MasterCore): OperatorGetAgents {
  return {
    agents: [...core.agents.values()].map((agent): OperatorAgent => {
      const allocated: Resource[] = [...agent.tasks.values()]
        .filter((t) => !isTerminal(t.state))
        .flatMap((t) => t.resources.toProto(t.role));
      const offered: Resource[] = [...agent.offers].flatMap((id) => {
        const offer = core.offers.get(id);
        return offer === undefined ? [] : offer.resources.toProto(offer.role);
      });
      return {
        agent_info: agentInfo(agent),
        active: agent.active,
        deactivated: false,
        version: agent.version,
        pid: `slave(1)@${agent.ip}:${agent.port}`,
        registered_time: timeInfo(agent.registeredTime),
        ...(agent.reregisteredTime === undefined ? {} : { reregistered_time: timeInfo(agent.reregisteredTime) }),
        total_resources: agent.total.toProto(),
        allocated_resources: allocated,
        offered_resources: offered,
        capabilities: AGENT_CAPABILITIES.map((c) => ({ type: c })),
      };
    }),
    recovered_agents: [...core.recoveredAgents.values()].map((a) => ({
      hostname: a.hostname,
      port: a.port,
      resources: a.resources,
      id: { value: a.id },
    })),
  };
}

function frameworkProto(core: MasterCore, fw: FrameworkRecord): OperatorFramework {
  const offers = [...fw.offers].flatMap((id): Offer[] => {
    const offer = core.offers.get(id);
    const agent = offer === undefined ? undefined : core.agents.get(offer.agentId);
    if (offer === undefined || agent === undefined) return [];
    return [
      {
        id: { value: offer.id },
        framework_id: { value: fw.id },
        agent_id: { value: agent.id },
        hostname: agent.hostname,
        url: { scheme: 'http', address: { hostname: agent.hostname, ip: agent.ip, port: agent.port }, path: '/slave(1)' },
        resources: offer.resources.toProto(offer.role),
        allocation_info: { role: offer.role },
      },
    ];
  });
  const out: OperatorFramework = {
    framework_info: fw.info,
    active: fw.active,
    connected: fw.connection !== undefined,
    recovered: fw.recovered,
    registered_time: timeInfo(fw.registeredTime),
  };
  if (fw.reregisteredTime !== fw.registeredTime) out.reregistered_time = timeInfo(fw.reregisteredTime);
  if (fw.unregisteredTime !== 0) out.unregistered_time = timeInfo(fw.unregisteredTime);
  out.offers = offers;
  out.allocated_resources = [...fw.tasks.values()].filter((t) => !isTerminal(t.state)).flatMap((t) => t.resources.toProto(t.role));
  out.offered_resources = offers.flatMap((o) => o.resources);
  return out;
}

function getFrameworks(core: MasterCore): OperatorGetFrameworks {
  return {
    frameworks: [...core.frameworks.values()].map((fw) => frameworkProto(core, fw)),
    completed_frameworks: [...core.completedFrameworks.values()].map((fw) => frameworkProto(core, fw)),
  };
}

function taskProto(task: TaskRecord): Task {
  const executorId = executorIdOf(task);
  const out: Task = {
    name: task.name,
    task_id: { value: task.taskId },
    framework_id: { value: task.frameworkId },
    ...(executorId === '' ? {} : { executor_id: { value: executorId } }),
    agent_id: { value: task.agentId },
    state: task.state,
    resources: task.resources.toProto(task.role),
    statuses: task.statuses.map((s) => ({ ...s })),
  };
  if (task.statusUpdateState !== undefined) out.status_update_state = task.statusUpdateState;
  if (task.statusUpdateUuid !== undefined) out.status_update_uuid = task.statusUpdateUuid;
  if (task.info.labels !== undefined) out.labels = task.info.labels;
  if (task.info.discovery !== undefined) out.discovery = task.info.discovery;
  if (task.info.health_check !== undefined) out.health_check = task.info.health_check;
  return out;
}

/** The custom executors running on the agents (command tasks have none the master knows of, as in Mesos). */
function getExecutors(core: MasterCore): OperatorGetExecutors {
  return {
    executors: [...core.agents.values()].flatMap((agent) =>
      [...agent.executors.values()].map((executor) => ({ executor_info: executor.info, agent_id: { value: agent.id } })),
    ),
  };
}

function getTasks(core: MasterCore): OperatorGetTasks {
  const all = [...core.frameworks.values(), ...core.completedFrameworks.values()];
  return {
    tasks: all.flatMap((fw) => [...fw.tasks.values()].map(taskProto)),
    unreachable_tasks: all.flatMap((fw) => [...fw.unreachableTasks.values()].map(taskProto)),
    completed_tasks: all.flatMap((fw) => fw.completedTasks.map(taskProto)),
  };
}
