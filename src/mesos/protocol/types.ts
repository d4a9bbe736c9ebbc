/**
 * Mesos v1 messages in the shape of Mesos' own JSON encoding (snake_case field names, enums as
 * strings, `bytes` as base64, numeric ids wrapped in `{value}`). The protobuf codec converts to and
 * from this shape, so the scheduler, the local cluster and the tests all speak one dialect.
 *
 * Only the subset of mesos.proto / scheduler.proto / master.proto this project uses is declared.
 */

export interface Value<T = string> {
  value: T;
}
export type FrameworkID = Value;
export type AgentID = Value;
export type OfferID = Value;
export type TaskID = Value;
export type ExecutorID = Value;
export type ContainerID = Value & { parent?: ContainerID };

export interface Range {
  begin: number;
  end: number;
}

export interface Resource {
  name: string;
  type: 'SCALAR' | 'RANGES' | 'SET' | 'TEXT';
  scalar?: { value: number };
  ranges?: { range: Range[] };
  set?: { item: string[] };
  /** Pre-refinement role (deprecated in Mesos, but still what 1.x sends to non-refinement frameworks). */
  role?: string;
  allocation_info?: { role?: string };
  reservation?: { principal?: string; labels?: Labels; type?: 'STATIC' | 'DYNAMIC'; role?: string };
  reservations?: Array<{ type?: 'STATIC' | 'DYNAMIC'; role?: string; principal?: string; labels?: Labels }>;
}

export interface Label {
  key: string;
  value?: string;
}
export interface Labels {
  labels: Label[];
}

export interface Address {
  hostname?: string;
  ip?: string;
  port: number;
}

export interface URL {
  scheme: string;
  address: Address;
  path?: string;
}

export type FrameworkCapabilityType =
  | 'REVOCABLE_RESOURCES'
  | 'TASK_KILLING_STATE'
  | 'GPU_RESOURCES'
  | 'SHARED_RESOURCES'
  | 'PARTITION_AWARE'
  | 'MULTI_ROLE'
  | 'RESERVATION_REFINEMENT'
  | 'REGION_AWARE';

export interface FrameworkInfo {
  user: string;
  name: string;
  id?: FrameworkID;
  failover_timeout?: number;
  checkpoint?: boolean;
  /** Deprecated single role; `roles` with the MULTI_ROLE capability replaces it. */
  role?: string;
  roles?: string[];
  hostname?: string;
  principal?: string;
  webui_url?: string;
  capabilities?: Array<{ type: FrameworkCapabilityType }>;
  labels?: Labels;
}

export interface MasterInfo {
  id: string;
  ip: number;
  port: number;
  pid?: string;
  hostname?: string;
  version?: string;
  address?: Address;
  capabilities?: Array<{ type: string }>;
}

export interface Environment {
  variables: Array<{ name: string; type?: 'VALUE' | 'SECRET'; value?: string }>;
}

export interface CommandURI {
  value: string;
  executable?: boolean;
  extract?: boolean;
  cache?: boolean;
  output_file?: string;
}

export interface CommandInfo {
  uris?: CommandURI[];
  environment?: Environment;
  shell?: boolean;
  value?: string;
  arguments?: string[];
  user?: string;
}

export interface HealthCheck {
  type?: 'UNKNOWN' | 'COMMAND' | 'HTTP' | 'TCP';
  delay_seconds?: number;
  interval_seconds?: number;
  timeout_seconds?: number;
  consecutive_failures?: number;
  grace_period_seconds?: number;
  command?: CommandInfo;
  http?: { scheme?: string; port: number; path?: string; statuses?: number[] };
  tcp?: { port: number };
}

export interface DiscoveryInfo {
  visibility: 'FRAMEWORK' | 'CLUSTER' | 'EXTERNAL';
  name?: string;
  ports?: { ports: Array<{ number: number; name?: string; protocol?: string }> };
}

export interface KillPolicy {
  grace_period?: { nanoseconds: number };
}

export interface TaskInfo {
  name: string;
  task_id: TaskID;
  agent_id: AgentID;
  resources: Resource[];
  command?: CommandInfo;
  health_check?: HealthCheck;
  kill_policy?: KillPolicy;
  labels?: Labels;
  discovery?: DiscoveryInfo;
}

export type TaskState =
  | 'TASK_STAGING'
  | 'TASK_STARTING'
  | 'TASK_RUNNING'
  | 'TASK_KILLING'
  | 'TASK_FINISHED'
  | 'TASK_FAILED'
  | 'TASK_KILLED'
  | 'TASK_ERROR'
  | 'TASK_LOST'
  | 'TASK_DROPPED'
  | 'TASK_UNREACHABLE'
  | 'TASK_GONE'
  | 'TASK_GONE_BY_OPERATOR'
  | 'TASK_UNKNOWN';

export const TERMINAL_TASK_STATES: ReadonlySet<TaskState> = new Set<TaskState>([
  'TASK_FINISHED',
  'TASK_FAILED',
  'TASK_KILLED',
  'TASK_ERROR',
  'TASK_LOST',
  'TASK_DROPPED',
  'TASK_GONE',
  'TASK_GONE_BY_OPERATOR',
]);

export type TaskStatusSource = 'SOURCE_MASTER' | 'SOURCE_AGENT' | 'SOURCE_EXECUTOR';

export interface ContainerStatus {
  container_id?: ContainerID;
  network_infos?: Array<{ ip_addresses?: Array<{ protocol?: 'IPv4' | 'IPv6'; ip_address?: string }> }>;
  executor_pid?: number;
}

export interface TaskStatus {
  task_id: TaskID;
  state: TaskState;
  message?: string;
  source?: TaskStatusSource;
  reason?: string;
  agent_id?: AgentID;
  executor_id?: ExecutorID;
  timestamp?: number;
  /** base64 in JSON; present only on updates that must be acknowledged. */
  uuid?: string;
  healthy?: boolean;
  container_status?: ContainerStatus;
}

export interface Offer {
  id: OfferID;
  framework_id: FrameworkID;
  agent_id: AgentID;
  hostname: string;
  url?: URL;
  resources: Resource[];
  attributes?: Array<{ name: string; type: string; text?: { value: string }; scalar?: { value: number } }>;
  allocation_info?: { role?: string };
}

export interface Filters {
  refuse_seconds?: number;
}

export interface OfferOperation {
  type: 'LAUNCH' | 'LAUNCH_GROUP' | 'RESERVE' | 'UNRESERVE' | 'CREATE' | 'DESTROY';
  launch?: { task_infos: TaskInfo[] };
}

export type CallType =
  | 'SUBSCRIBE'
  | 'TEARDOWN'
  | 'ACCEPT'
  | 'DECLINE'
  | 'REVIVE'
  | 'KILL'
  | 'SHUTDOWN'
  | 'ACKNOWLEDGE'
  | 'RECONCILE'
  | 'MESSAGE'
  | 'REQUEST'
  | 'SUPPRESS';

export interface Call {
  framework_id?: FrameworkID;
  type: CallType;
  subscribe?: { framework_info: FrameworkInfo; suppressed_roles?: string[] };
  accept?: { offer_ids: OfferID[]; operations?: OfferOperation[]; filters?: Filters };
  decline?: { offer_ids: OfferID[]; filters?: Filters };
  revive?: { roles?: string[] };
  suppress?: { roles?: string[] };
  kill?: { task_id: TaskID; agent_id?: AgentID; kill_policy?: KillPolicy };
  acknowledge?: { agent_id: AgentID; task_id: TaskID; uuid: string };
  reconcile?: { tasks?: Array<{ task_id: TaskID; agent_id?: AgentID }> };
}

export type EventType =
  | 'SUBSCRIBED'
  | 'OFFERS'
  | 'INVERSE_OFFERS'
  | 'RESCIND'
  | 'RESCIND_INVERSE_OFFER'
  | 'UPDATE'
  | 'UPDATE_OPERATION_STATUS'
  | 'MESSAGE'
  | 'FAILURE'
  | 'ERROR'
  | 'HEARTBEAT';

export interface Event {
  type: EventType;
  subscribed?: { framework_id: FrameworkID; heartbeat_interval_seconds?: number; master_info?: MasterInfo };
  offers?: { offers: Offer[] };
  rescind?: { offer_id: OfferID };
  update?: { status: TaskStatus };
  failure?: { agent_id?: AgentID; executor_id?: ExecutorID; status?: number };
  error?: { message: string };
}

/** v1 operator API (`POST /api/v1`), the calls this project sends and answers. */
export type OperatorCallType = 'GET_VERSION' | 'GET_HEALTH' | 'GET_AGENTS' | 'GET_TASKS' | 'GET_FRAMEWORKS' | 'GET_STATE';
