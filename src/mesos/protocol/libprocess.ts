/**
 * The scheduler driver's protocol (libmesos before the v1 API), as plain data: libprocess process
 * ids, message paths, the protobuf bodies of `legacy.proto`, and the translation between those
 * messages and the v1 scheduler events and calls the rest of the project speaks, so the scheduler's
 * reducer and controller do not know which transport carries them.
 *
 * Framing (see test/fixtures/mesos-1.12/legacy-libprocess/README.md): a message is one HTTP/1.1
 * `POST /<receiver id>/<message name>` whose body is the serialized message and whose
 * `Libprocess-From` header (older peers: `User-Agent: libprocess/<pid>`) names the sender's pid.
 */
import { mesosSchema } from './descriptors.js';
import { decodeProtobufBody, encodeBody, MEDIA_TYPE_PROTOBUF } from './codec.js';
import type {
  AgentID,
  Call,
  Event,
  ExecutorID,
  FrameworkID,
  FrameworkInfo,
  MasterInfo,
  Offer,
  OfferID,
  TaskState,
  TaskStatus,
} from './types.js';

/** A libprocess process id: `id@host:port`, e.g. `scheduler(1)@10.0.0.5:41234`. */
export interface ProcessId {
  readonly id: string;
  readonly host: string;
  readonly port: number;
}

/** libprocess names its processes with letters, digits and `_-().`; anything else is not a pid. */
const PROCESS_NAME = /^[A-Za-z0-9_().-]{1,128}$/;
const HOST = /^[A-Za-z0-9.-]{1,253}$/;

/** `id@host:port` -> ProcessId, or undefined when it is not one (a peer's header is untrusted). */
export function parseProcessId(text: string): ProcessId | undefined {
  const at = text.indexOf('@');
  const colon = text.lastIndexOf(':');
  if (at <= 0 || colon < at) return undefined;
  const id = text.slice(0, at);
  const host = text.slice(at + 1, colon);
  const portText = text.slice(colon + 1);
  if (!PROCESS_NAME.test(id) || !HOST.test(host) || !/^\d{1,5}$/.test(portText)) return undefined;
  const port = Number(portText);
  if (port < 1 || port > 65_535) return undefined;
  return { id, host, port };
}

export function formatProcessId(pid: ProcessId): string {
  return `${pid.id}@${pid.host}:${pid.port}`;
}

/** Messages this project sends or receives, by their libprocess name. */
export const LegacyMessage = {
  register: 'mesos.internal.RegisterFrameworkMessage',
  reregister: 'mesos.internal.ReregisterFrameworkMessage',
  registered: 'mesos.internal.FrameworkRegisteredMessage',
  reregistered: 'mesos.internal.FrameworkReregisteredMessage',
  unregister: 'mesos.internal.UnregisterFrameworkMessage',
  offers: 'mesos.internal.ResourceOffersMessage',
  rescind: 'mesos.internal.RescindResourceOfferMessage',
  statusUpdate: 'mesos.internal.StatusUpdateMessage',
  lostSlave: 'mesos.internal.LostSlaveMessage',
  exitedExecutor: 'mesos.internal.ExitedExecutorMessage',
  executorToFramework: 'mesos.internal.ExecutorToFrameworkMessage',
  error: 'mesos.internal.FrameworkErrorMessage',
  /** The v0 scheduler Call, accepted over libprocess from Mesos 0.23.0; encoded as mesos.v1.scheduler.Call (same numbers). */
  call: 'mesos.scheduler.Call',
} as const;

export type LegacyMessageName = (typeof LegacyMessage)[keyof typeof LegacyMessage];

const KNOWN_NAMES: ReadonlySet<string> = new Set(Object.values(LegacyMessage));

export function isLegacyMessageName(name: string): name is LegacyMessageName {
  return KNOWN_NAMES.has(name);
}

/** `/<receiver>/<message name>`: where a message to `receiver` is POSTed. */
export function messagePath(receiver: string, name: LegacyMessageName): string {
  return `/${receiver}/${name}`;
}

/** `/<receiver>/<name>` -> its parts; undefined for any other path. */
export function parseMessagePath(path: string): { receiver: string; name: string } | undefined {
  const match = /^\/([^/]+)\/([A-Za-z0-9_.]{1,200})$/.exec(path);
  if (match === null) return undefined;
  let receiver: string;
  try {
    receiver = decodeURIComponent(match[1] ?? '');
  } catch {
    return undefined;
  }
  if (!PROCESS_NAME.test(receiver)) return undefined;
  return { receiver, name: match[2] ?? '' };
}

/** The sender of a message: `Libprocess-From`, or (libprocess before 0.24) `User-Agent: libprocess/<pid>`. */
export function senderOf(headers: {
  'libprocess-from'?: string | string[] | undefined;
  'user-agent'?: string | undefined;
}): ProcessId | undefined {
  const from = headers['libprocess-from'];
  const text = Array.isArray(from) ? from[0] : from;
  if (text !== undefined) return parseProcessId(text.trim());
  const agent = headers['user-agent'];
  if (agent?.startsWith('libprocess/') === true) return parseProcessId(agent.slice('libprocess/'.length).trim());
  return undefined;
}

// ==== message shapes (legacy.proto, with the v1 names of the types it refers to) ================

interface RegisterFrameworkMessage {
  framework: FrameworkInfo;
}
interface ReregisterFrameworkMessage {
  framework: FrameworkInfo;
  failover: boolean;
}
interface FrameworkRegisteredMessage {
  framework_id: FrameworkID;
  master_info: MasterInfo;
}
interface UnregisterFrameworkMessage {
  framework_id: FrameworkID;
}
interface ResourceOffersMessage {
  offers?: Offer[];
  pids?: string[];
}
interface RescindResourceOfferMessage {
  offer_id: OfferID;
}
interface StatusUpdate {
  framework_id: FrameworkID;
  executor_id?: ExecutorID;
  slave_id?: AgentID;
  status: TaskStatus;
  timestamp: number;
  /** base64 */
  uuid?: string;
  latest_state?: TaskState;
}
interface StatusUpdateMessage {
  update: StatusUpdate;
  /** The agent that sent the update; absent or empty when the master generated it (no acknowledgement then). */
  pid?: string;
}
interface LostSlaveMessage {
  slave_id: AgentID;
}
interface ExitedExecutorMessage {
  slave_id: AgentID;
  framework_id: FrameworkID;
  executor_id: ExecutorID;
  status: number;
}
interface ExecutorToFrameworkMessage {
  slave_id: AgentID;
  framework_id: FrameworkID;
  executor_id: ExecutorID;
  /** base64 */
  data: string;
}
interface FrameworkErrorMessage {
  message: string;
}

/** One message with its name, as it travels. */
export type LegacyEnvelope =
  | { name: typeof LegacyMessage.register; message: RegisterFrameworkMessage }
  | { name: typeof LegacyMessage.reregister; message: ReregisterFrameworkMessage }
  | { name: typeof LegacyMessage.registered; message: FrameworkRegisteredMessage }
  | { name: typeof LegacyMessage.reregistered; message: FrameworkRegisteredMessage }
  | { name: typeof LegacyMessage.unregister; message: UnregisterFrameworkMessage }
  | { name: typeof LegacyMessage.offers; message: ResourceOffersMessage }
  | { name: typeof LegacyMessage.rescind; message: RescindResourceOfferMessage }
  | { name: typeof LegacyMessage.statusUpdate; message: StatusUpdateMessage }
  | { name: typeof LegacyMessage.lostSlave; message: LostSlaveMessage }
  | { name: typeof LegacyMessage.exitedExecutor; message: ExitedExecutorMessage }
  | { name: typeof LegacyMessage.executorToFramework; message: ExecutorToFrameworkMessage }
  | { name: typeof LegacyMessage.error; message: FrameworkErrorMessage }
  | { name: typeof LegacyMessage.call; message: Call };

/** The schema type that encodes a message name. */
function descriptorName(name: LegacyMessageName): string {
  return name === LegacyMessage.call ? 'mesos.v1.scheduler.Call' : name;
}

export function encodeLegacyMessage(envelope: LegacyEnvelope): Buffer {
  return encodeBody(mesosSchema().message(descriptorName(envelope.name)), envelope.message, MEDIA_TYPE_PROTOBUF);
}

/** Decodes a body; throws ProtocolDecodeError on bytes that are not that message. */
export function decodeLegacyMessage(name: LegacyMessageName, body: Uint8Array): LegacyEnvelope {
  const message = decodeProtobufBody(mesosSchema().message(descriptorName(name)), name, body);
  return { name, message } as unknown as LegacyEnvelope;
}

// ==== messages -> scheduler events ===============================================================

/**
 * The v1 event a message from the master stands for, as the driver would deliver it to a scheduler;
 * undefined for messages a scheduler never receives. `heartbeatSeconds` goes into SUBSCRIBED: the
 * legacy transport's own liveness probe interval (the legacy master sends no heartbeats).
 */
export function eventOf(envelope: LegacyEnvelope, heartbeatSeconds: number): Event | undefined {
  switch (envelope.name) {
    case LegacyMessage.registered:
    case LegacyMessage.reregistered:
      return {
        type: 'SUBSCRIBED',
        subscribed: {
          framework_id: envelope.message.framework_id,
          heartbeat_interval_seconds: heartbeatSeconds,
          master_info: envelope.message.master_info,
        },
      };
    case LegacyMessage.offers:
      return { type: 'OFFERS', offers: { offers: envelope.message.offers ?? [] } };
    case LegacyMessage.rescind:
      return { type: 'RESCIND', rescind: { offer_id: envelope.message.offer_id } };
    case LegacyMessage.statusUpdate:
      return { type: 'UPDATE', update: { status: statusOf(envelope.message) } };
    case LegacyMessage.lostSlave:
      return { type: 'FAILURE', failure: { agent_id: envelope.message.slave_id } };
    case LegacyMessage.exitedExecutor:
      return {
        type: 'FAILURE',
        failure: { agent_id: envelope.message.slave_id, executor_id: envelope.message.executor_id, status: envelope.message.status },
      };
    case LegacyMessage.executorToFramework:
      return {
        type: 'MESSAGE',
        message: { agent_id: envelope.message.slave_id, executor_id: envelope.message.executor_id, data: envelope.message.data },
      };
    case LegacyMessage.error:
      return { type: 'ERROR', error: { message: envelope.message.message } };
    default:
      return undefined;
  }
}

/**
 * The driver's rule (sched.cpp, 0.23 on): an update the master generated (no agent pid: reconciliation,
 * a lost task) needs no acknowledgement, so its uuid is cleared; any other carries the update's uuid.
 */
function statusOf(message: StatusUpdateMessage): TaskStatus {
  const { uuid: _statusUuid, ...status } = message.update.status;
  const fromAgent = message.pid !== undefined && message.pid !== '';
  const agentId = status.agent_id ?? message.update.slave_id;
  return {
    ...status,
    ...(agentId === undefined ? {} : { agent_id: agentId }),
    ...(fromAgent && message.update.uuid !== undefined ? { uuid: message.update.uuid } : {}),
  };
}

/**
 * Scheduler events -> the master's messages: what the emulator's master sends over libprocess.
 * `agentPid` names the agent an update came from (the pid marks updates that need acknowledging).
 */
export function messageOfEvent(event: Event, frameworkId: string, agentPid: (agentId: string) => string): LegacyEnvelope | undefined {
  switch (event.type) {
    case 'SUBSCRIBED':
      if (event.subscribed?.master_info === undefined) return undefined;
      return {
        name: LegacyMessage.registered,
        message: { framework_id: event.subscribed.framework_id, master_info: event.subscribed.master_info },
      };
    case 'OFFERS':
      return { name: LegacyMessage.offers, message: { offers: event.offers?.offers ?? [], pids: [] } };
    case 'RESCIND':
      if (event.rescind === undefined) return undefined;
      return { name: LegacyMessage.rescind, message: { offer_id: event.rescind.offer_id } };
    case 'UPDATE': {
      if (event.update === undefined) return undefined;
      const { status } = event.update;
      const needsAck = status.uuid !== undefined;
      return {
        name: LegacyMessage.statusUpdate,
        message: {
          update: {
            framework_id: { value: frameworkId },
            ...(status.executor_id === undefined ? {} : { executor_id: status.executor_id }),
            ...(status.agent_id === undefined ? {} : { slave_id: status.agent_id }),
            status,
            timestamp: status.timestamp ?? 0,
            ...(needsAck ? { uuid: status.uuid } : {}),
          },
          // The agent's pid marks an update that must be acknowledged (see statusOf).
          ...(needsAck && status.agent_id !== undefined ? { pid: agentPid(status.agent_id.value) } : {}),
        },
      };
    }
    case 'FAILURE':
      if (event.failure?.agent_id === undefined) return undefined;
      if (event.failure.executor_id === undefined) return { name: LegacyMessage.lostSlave, message: { slave_id: event.failure.agent_id } };
      return {
        name: LegacyMessage.exitedExecutor,
        message: {
          slave_id: event.failure.agent_id,
          framework_id: { value: frameworkId },
          executor_id: event.failure.executor_id,
          status: event.failure.status ?? 0,
        },
      };
    case 'MESSAGE':
      if (event.message === undefined) return undefined;
      return {
        name: LegacyMessage.executorToFramework,
        message: {
          slave_id: event.message.agent_id,
          framework_id: { value: frameworkId },
          executor_id: event.message.executor_id,
          data: event.message.data,
        },
      };
    case 'ERROR':
      return { name: LegacyMessage.error, message: { message: event.error?.message ?? '' } };
    default:
      // HEARTBEAT and the inverse offer and operation events have no legacy message.
      return undefined;
  }
}

// ==== scheduler calls -> messages ===============================================================

/** What the master's version accepts over libprocess. */
export interface LegacyCapabilities {
  /** Call SUPPRESS (0.25.0). */
  readonly suppress: boolean;
}

export function legacyCapabilities(hasSuppress: boolean): LegacyCapabilities {
  return { suppress: hasSuppress };
}

/**
 * The message a v1 call becomes: SUBSCRIBE is the driver's registration (re-registration with the
 * framework id, as a failover: this process replaces whichever scheduler held the framework), every
 * other call the v0 Call with the same numbers. Undefined: the call does not exist on that master
 * (SUPPRESS before 0.25), and is dropped as the driver of that version would never send it.
 */
export function messageOfCall(call: Call, capabilities: LegacyCapabilities): LegacyEnvelope | undefined {
  if (call.type === 'SUBSCRIBE') {
    const info = call.subscribe?.framework_info;
    if (info === undefined) return undefined;
    const id = call.framework_id ?? info.id;
    if (id === undefined || id.value === '') {
      const { id: _none, ...fresh } = info;
      return { name: LegacyMessage.register, message: { framework: fresh } };
    }
    return { name: LegacyMessage.reregister, message: { framework: { ...info, id: { value: id.value } }, failover: true } };
  }
  if (call.type === 'SUPPRESS' && !capabilities.suppress) return undefined;
  return { name: LegacyMessage.call, message: call };
}

/** The v1 call a master receives (the emulator's side of {@link messageOfCall}). */
export function callOfMessage(envelope: LegacyEnvelope): Call | undefined {
  switch (envelope.name) {
    case LegacyMessage.register:
      return { type: 'SUBSCRIBE', subscribe: { framework_info: envelope.message.framework } };
    case LegacyMessage.reregister: {
      const { framework } = envelope.message;
      return {
        ...(framework.id === undefined ? {} : { framework_id: framework.id }),
        type: 'SUBSCRIBE',
        subscribe: { framework_info: framework },
      };
    }
    case LegacyMessage.unregister:
      return { framework_id: envelope.message.framework_id, type: 'TEARDOWN' };
    case LegacyMessage.call:
      return envelope.message;
    default:
      return undefined;
  }
}
