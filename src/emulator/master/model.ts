/**
 * The master's in-memory records: what Mesos keeps per framework, agent, task and offer. Plain data;
 * the behaviour lives in `master-core.ts` and the registries.
 */
import type { TimerHandle } from '../../shared/clock.js';
import type { Resources } from '../../mesos/resources/resource-set.js';
import type { Event, ExecutorInfo, FrameworkInfo, Resource, TaskInfo, TaskState, TaskStatus } from '../../mesos/protocol/types.js';
import { TERMINAL_TASK_STATES } from '../../mesos/protocol/types.js';

/** The subscription stream of one framework (one HTTP SUBSCRIBE response). */
export interface SchedulerConnection {
  readonly streamId: string;
  send(event: Event): void;
  /** Ends the stream cleanly (the final 0-length chunk); the TCP connection stays open. */
  close(): void;
  readonly closed: boolean;
  /** Called once when the client goes away or the stream is closed. */
  onClose(listener: () => void): void;
  /** Starts the periodic HEARTBEAT events (after SUBSCRIBED has been sent). */
  startHeartbeats(): void;
}

export interface TaskRecord {
  readonly frameworkId: string;
  readonly agentId: string;
  readonly taskId: string;
  readonly name: string;
  /** The TaskInfo as launched. */
  readonly info: TaskInfo;
  /** What the task holds, as allocated to `role`. */
  readonly resources: Resources;
  readonly role: string;
  state: TaskState;
  /** Every distinct state the task went through, as the state endpoints list them. */
  readonly statuses: TaskStatus[];
  /** The most recent status, with every field (reconciliation echoes its container_status). */
  latestStatus: TaskStatus | undefined;
  /** State and uuid of the last update forwarded that needs an acknowledgement. */
  statusUpdateState: TaskState | undefined;
  statusUpdateUuid: string | undefined;
}

export interface FrameworkRecord {
  readonly id: string;
  info: FrameworkInfo;
  connection: SchedulerConnection | undefined;
  active: boolean;
  /** Known only from a re-registering agent's tasks after a master restart. */
  recovered: boolean;
  registeredTime: number;
  reregisteredTime: number;
  unregisteredTime: number;
  readonly tasks: Map<string, TaskRecord>;
  readonly unreachableTasks: Map<string, TaskRecord>;
  readonly completedTasks: TaskRecord[];
  readonly offers: Set<string>;
  failoverTimer: TimerHandle | undefined;
}

export interface AgentRecord {
  readonly id: string;
  hostname: string;
  /** IP the agent listens on (127.x.y.z). */
  ip: string;
  port: number;
  /** `http://ip:port`. */
  endpoint: string;
  total: Resources;
  /** The total as the agent declared it, for the `*_full` renderings. */
  declared: Resource[];
  attributes: Array<{ name: string; value: string }>;
  version: string;
  registeredTime: number;
  reregisteredTime: number | undefined;
  active: boolean;
  readonly tasks: Map<string, TaskRecord>;
  readonly offers: Set<string>;
  /** Frameworks whose tasks the master asked to kill while the agent might not have heard. */
  readonly killedTasks: Set<string>;
  /** Custom executors running there (by `taskKey(frameworkId, executorId)`); their resources are held once. */
  readonly executors: Map<string, ExecutorRecord>;
  lastContact: number;
}

interface ExecutorRecord {
  readonly frameworkId: string;
  readonly info: ExecutorInfo;
  readonly role: string;
  readonly resources: Resources;
}

export interface OfferRecord {
  readonly id: string;
  readonly frameworkId: string;
  readonly agentId: string;
  readonly role: string;
  readonly resources: Resources;
}

export function isTerminal(state: TaskState): boolean {
  return TERMINAL_TASK_STATES.has(state);
}

export function taskKey(frameworkId: string, taskId: string): string {
  return `${frameworkId}\u0000${taskId}`;
}

export function hasCapability(info: FrameworkInfo, type: string): boolean {
  return (info.capabilities ?? []).some((c) => c.type === type);
}

/** The roles a framework subscribes with (`roles` for MULTI_ROLE, else `role`, default `*`). */
export function rolesOf(info: FrameworkInfo): string[] {
  if (hasCapability(info, 'MULTI_ROLE')) return [...(info.roles ?? [])];
  return [info.role ?? '*'];
}
