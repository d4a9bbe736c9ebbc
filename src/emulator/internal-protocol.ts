/**
 * The wire contract between the local cluster's master and its agents. Real Mesos uses libprocess
 * messages for this; the local cluster uses small JSON POSTs on loopback instead, so that masters and
 * agents can live in different processes (master restart, ZooKeeper leader change) exactly as they do
 * on a real cluster. Nothing outside `src/emulator/` depends on these paths.
 *
 * Every request body and response body is JSON. All endpoints answer 200 with a JSON body on success,
 * 4xx with `{"error": "..."}` otherwise.
 */
import type {
  AgentID,
  ExecutorID,
  ExecutorInfo,
  FrameworkID,
  FrameworkInfo,
  Resource,
  TaskID,
  TaskInfo,
  TaskStatus,
} from '../mesos/protocol/types.js';

/** Agent -> master. */
export const MASTER_INTERNAL = {
  /** Register or re-register; the master answers with the agent id to use. */
  register: '/internal/agent/register',
  /** A status update from the agent's status update manager (carries a uuid unless it is informational). */
  statusUpdate: '/internal/agent/status',
  /** Several status updates in one message (`StatusUpdatesRequest`): what the agents send. */
  statusUpdates: '/internal/agent/statuses',
  /** A custom executor's process ended (Mesos `ExitedExecutorMessage`): its resources are free. */
  executorExited: '/internal/agent/executor-exited',
} as const;

/** Master -> agent. */
export const AGENT_INTERNAL = {
  launch: '/internal/master/launch',
  /** Several launches in one message (`LaunchTasksRequest`): what the master sends. */
  launches: '/internal/master/launches',
  kill: '/internal/master/kill',
  acknowledge: '/internal/master/acknowledge',
  /** Several acknowledgements in one message (`AcknowledgementsRequest`): what the master sends. */
  acknowledgements: '/internal/master/acknowledgements',
  shutdownFramework: '/internal/master/shutdown-framework',
  /**
   * A framework (re-)subscribed (Mesos `UpdateFrameworkMessage`): the agent takes its new
   * FrameworkInfo and re-sends every pending status update at once, to the new scheduler.
   */
  updateFramework: '/internal/master/update-framework',
  /** Liveness probe from the master; an agent that stops answering is marked unreachable. */
  ping: '/internal/master/ping',
} as const;

/** A task the agent is running (or has run and not yet had its terminal update acknowledged). */
export interface AgentTaskReport {
  framework_id: FrameworkID;
  framework_info: FrameworkInfo;
  task: TaskInfo;
  /** Latest known state of the task. */
  status: TaskStatus;
}

/** A live custom executor (its resources are held apart from its tasks'). */
export interface AgentExecutorReport {
  framework_id: FrameworkID;
  executor_info: ExecutorInfo;
}

export interface RegisterAgentRequest {
  /** Present when re-registering (after a master failover or restart). */
  agent_id?: AgentID;
  hostname: string;
  /** `http://127.0.0.N:PORT`: where the master reaches the agent (internal and public endpoints). */
  endpoint: string;
  port: number;
  /** Total resources, as in `--resources`. */
  resources: Resource[];
  attributes?: Array<{ name: string; value: string }>;
  version: string;
  tasks: AgentTaskReport[];
  executors?: AgentExecutorReport[];
}

export interface RegisterAgentResponse {
  agent_id: AgentID;
  /** The master's own id (changes when a new master is elected). */
  master_id: string;
}

export interface StatusUpdateRequest {
  agent_id: AgentID;
  framework_id: FrameworkID;
  status: TaskStatus;
}

export interface ExecutorExitedRequest {
  agent_id: AgentID;
  framework_id: FrameworkID;
  executor_id: ExecutorID;
}

/**
 * The status updates of one agent that left its status update manager in the same turn of its
 * event loop: one POST instead of one each (the link's own batching, which Mesos does not need: its
 * libprocess messages cost no HTTP exchange each).
 */
export interface StatusUpdatesRequest {
  agent_id: AgentID;
  updates: Array<{ framework_id: FrameworkID; status: TaskStatus }>;
}

export interface AcknowledgementsRequest {
  acknowledgements: AcknowledgeRequest[];
}

export interface LaunchTaskRequest {
  framework_id: FrameworkID;
  framework_info: FrameworkInfo;
  task: TaskInfo;
}

export interface LaunchTasksRequest {
  launches: LaunchTaskRequest[];
}

export interface KillTaskRequest {
  framework_id: FrameworkID;
  task_id: TaskID;
  /** SIGTERM, then SIGKILL after this grace period. */
  grace_period_ms?: number;
}

export interface AcknowledgeRequest {
  framework_id: FrameworkID;
  task_id: TaskID;
  /** base64, as in TaskStatus.uuid. */
  uuid: string;
}

export interface ShutdownFrameworkRequest {
  framework_id: FrameworkID;
}

export interface UpdateFrameworkRequest {
  framework_id: FrameworkID;
  framework_info: FrameworkInfo;
}
