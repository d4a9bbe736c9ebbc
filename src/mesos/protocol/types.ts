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
  capabilities?: Array<{ type?: FrameworkCapabilityType }>;
  labels?: Labels;
  offer_filters?: Record<string, OfferFilters>;
}

export interface OfferFilters {
  min_allocatable_resources?: { quantities?: Array<{ quantities?: Record<string, { value: number }> }> };
}

export interface MasterInfo {
  id: string;
  ip: number;
  port: number;
  pid?: string;
  hostname?: string;
  version?: string;
  address?: Address;
  domain?: DomainInfo;
  capabilities?: Array<{ type?: string }>;
}

export interface DomainInfo {
  fault_domain?: { region: { name: string }; zone: { name: string } };
}

/** `nanoseconds` is an int64 in Mesos; values past 2^53 lose precision here. */
export interface TimeInfo {
  nanoseconds: number;
}
export interface DurationInfo {
  nanoseconds: number;
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

export interface CheckInfo {
  type?: 'UNKNOWN' | 'COMMAND' | 'HTTP' | 'TCP';
  command?: { command: CommandInfo };
  http?: { port: number; path?: string };
  tcp?: { port: number };
  delay_seconds?: number;
  interval_seconds?: number;
  timeout_seconds?: number;
}

export interface ExecutorInfo {
  type?: 'UNKNOWN' | 'DEFAULT' | 'CUSTOM';
  executor_id: ExecutorID;
  framework_id?: FrameworkID;
  command?: CommandInfo;
  resources?: Resource[];
  name?: string;
  /** base64 */
  data?: string;
  discovery?: DiscoveryInfo;
  shutdown_grace_period?: DurationInfo;
  labels?: Labels;
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
  executor?: ExecutorInfo;
  check?: CheckInfo;
  /** base64 */
  data?: string;
  max_completion_time?: DurationInfo;
  limits?: Record<string, { value: number }>;
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

/** Every state Mesos knows, for checking a state read as a string (a ledger file, an executor's call). */
const TASK_STATES: ReadonlySet<string> = new Set<TaskState>([
  'TASK_STAGING',
  'TASK_STARTING',
  'TASK_RUNNING',
  'TASK_KILLING',
  'TASK_FINISHED',
  'TASK_FAILED',
  'TASK_KILLED',
  'TASK_ERROR',
  'TASK_LOST',
  'TASK_DROPPED',
  'TASK_UNREACHABLE',
  'TASK_GONE',
  'TASK_GONE_BY_OPERATOR',
  'TASK_UNKNOWN',
]);

export function isTaskState(state: string): state is TaskState {
  return TASK_STATES.has(state);
}

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

/** For states read as strings from JSON (the operator API, state endpoints). */
export function isTerminalTaskState(state: string): boolean {
  return TERMINAL_TASK_STATES.has(state as TaskState);
}

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
  /** base64 */
  data?: string;
  check_status?: {
    type?: 'UNKNOWN' | 'COMMAND' | 'HTTP' | 'TCP';
    command?: { exit_code?: number };
    http?: { status_code?: number };
    tcp?: { succeeded?: boolean };
  };
  labels?: Labels;
  unreachable_time?: TimeInfo;
  limitation?: { resources?: Resource[] };
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
  domain?: DomainInfo;
  executor_ids?: ExecutorID[];
  unavailability?: Unavailability;
}

export interface Unavailability {
  start: TimeInfo;
  duration?: DurationInfo;
}

export interface InverseOffer {
  id: OfferID;
  url?: URL;
  framework_id: FrameworkID;
  agent_id?: AgentID;
  unavailability: Unavailability;
  resources?: Resource[];
}

export interface Filters {
  refuse_seconds?: number;
}

export interface OfferOperation {
  type: 'LAUNCH' | 'LAUNCH_GROUP' | 'RESERVE' | 'UNRESERVE' | 'CREATE' | 'DESTROY';
  launch?: { task_infos: TaskInfo[] };
  id?: { value: string };
  launch_group?: { executor: ExecutorInfo; task_group: { tasks?: TaskInfo[] } };
  reserve?: { source?: Resource[]; resources?: Resource[] };
  unreserve?: { resources?: Resource[] };
  create?: { volumes?: Resource[] };
  destroy?: { volumes?: Resource[] };
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
  shutdown?: { executor_id: ExecutorID; agent_id: AgentID };
  /** `data` is base64. */
  message?: { agent_id: AgentID; executor_id: ExecutorID; data: string };
  request?: { requests?: Array<{ agent_id?: AgentID; resources?: Resource[] }> };
  update_framework?: { framework_info: FrameworkInfo; suppressed_roles?: string[] };
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
  type?: EventType;
  subscribed?: { framework_id: FrameworkID; heartbeat_interval_seconds?: number; master_info?: MasterInfo };
  offers?: { offers: Offer[] };
  rescind?: { offer_id: OfferID };
  update?: { status: TaskStatus };
  failure?: { agent_id?: AgentID; executor_id?: ExecutorID; status?: number };
  error?: { message: string };
  inverse_offers?: { inverse_offers?: InverseOffer[] };
  rescind_inverse_offer?: { inverse_offer_id: OfferID };
  update_operation_status?: { status: OperationStatus };
  /** `data` is base64. */
  message?: { agent_id: AgentID; executor_id: ExecutorID; data: string };
}

export interface OperationStatus {
  operation_id?: { value: string };
  state: string;
  message?: string;
  converted_resources?: Resource[];
  /** `value` is base64. */
  uuid?: { value: string };
  agent_id?: AgentID;
  resource_provider_id?: { value: string };
}

/** v1 operator API (`POST /api/v1`), the calls this project sends and answers. */
export type OperatorCallType = 'GET_VERSION' | 'GET_HEALTH' | 'GET_AGENTS' | 'GET_TASKS' | 'GET_FRAMEWORKS' | 'GET_STATE';

/** Every `mesos.v1.master.Call.Type`; `OperatorCallType` is the part this project sends. */
export type MasterCallType =
  | OperatorCallType
  | 'UNKNOWN'
  | 'GET_FLAGS'
  | 'GET_METRICS'
  | 'GET_LOGGING_LEVEL'
  | 'SET_LOGGING_LEVEL'
  | 'LIST_FILES'
  | 'READ_FILE'
  | 'GET_EXECUTORS'
  | 'GET_OPERATIONS'
  | 'GET_ROLES'
  | 'GET_WEIGHTS'
  | 'UPDATE_WEIGHTS'
  | 'GET_MASTER'
  | 'SUBSCRIBE'
  | 'RESERVE_RESOURCES'
  | 'UNRESERVE_RESOURCES'
  | 'CREATE_VOLUMES'
  | 'DESTROY_VOLUMES'
  | 'GROW_VOLUME'
  | 'SHRINK_VOLUME'
  | 'GET_MAINTENANCE_STATUS'
  | 'GET_MAINTENANCE_SCHEDULE'
  | 'UPDATE_MAINTENANCE_SCHEDULE'
  | 'START_MAINTENANCE'
  | 'STOP_MAINTENANCE'
  | 'DRAIN_AGENT'
  | 'DEACTIVATE_AGENT'
  | 'REACTIVATE_AGENT'
  | 'GET_QUOTA'
  | 'UPDATE_QUOTA'
  | 'SET_QUOTA'
  | 'REMOVE_QUOTA'
  | 'TEARDOWN'
  | 'MARK_AGENT_GONE';

export interface OperatorCall {
  type: MasterCallType;
  get_metrics?: { timeout?: DurationInfo };
  set_logging_level?: { level: number; duration: DurationInfo };
  list_files?: { path: string };
  read_file?: { path: string; offset: number; length?: number };
  teardown?: { framework_id: FrameworkID };
  mark_agent_gone?: { agent_id: AgentID };
}

export type OperatorResponseType =
  | 'UNKNOWN'
  | 'GET_HEALTH'
  | 'GET_FLAGS'
  | 'GET_VERSION'
  | 'GET_METRICS'
  | 'GET_LOGGING_LEVEL'
  | 'LIST_FILES'
  | 'READ_FILE'
  | 'GET_STATE'
  | 'GET_AGENTS'
  | 'GET_FRAMEWORKS'
  | 'GET_EXECUTORS'
  | 'GET_OPERATIONS'
  | 'GET_TASKS'
  | 'GET_ROLES'
  | 'GET_WEIGHTS'
  | 'GET_MASTER'
  | 'GET_MAINTENANCE_STATUS'
  | 'GET_MAINTENANCE_SCHEDULE'
  | 'GET_QUOTA';

export interface VersionInfo {
  version: string;
  build_date?: string;
  build_time?: number;
  build_user?: string;
  git_sha?: string;
  git_branch?: string;
  git_tag?: string;
}

export interface Attribute {
  name: string;
  type: Resource['type'];
  scalar?: { value: number };
  ranges?: { range: Range[] };
  set?: { item: string[] };
  text?: { value: string };
}

export interface AgentInfo {
  hostname: string;
  port?: number;
  resources?: Resource[];
  attributes?: Attribute[];
  id?: AgentID;
  domain?: DomainInfo;
}

/** A task as the master reports it (operator API `GET_TASKS`). */
export interface Task {
  name: string;
  task_id: TaskID;
  framework_id: FrameworkID;
  executor_id?: ExecutorID;
  agent_id: AgentID;
  state: TaskState;
  resources?: Resource[];
  statuses?: TaskStatus[];
  status_update_state?: TaskState;
  /** base64 */
  status_update_uuid?: string;
  labels?: Labels;
  discovery?: DiscoveryInfo;
  health_check?: HealthCheck;
  kill_policy?: KillPolicy;
  user?: string;
  limits?: Record<string, { value: number }>;
}

export interface OperatorAgent {
  agent_info: AgentInfo;
  active: boolean;
  deactivated?: boolean;
  version: string;
  pid?: string;
  registered_time?: TimeInfo;
  reregistered_time?: TimeInfo;
  total_resources?: Resource[];
  allocated_resources?: Resource[];
  offered_resources?: Resource[];
  capabilities?: Array<{ type?: string }>;
  drain_info?: { state: 'UNKNOWN' | 'DRAINING' | 'DRAINED'; config: { max_grace_period?: DurationInfo; mark_gone?: boolean } };
  estimated_drain_start_time?: TimeInfo;
}

export interface OperatorFramework {
  framework_info: FrameworkInfo;
  active: boolean;
  connected: boolean;
  recovered: boolean;
  registered_time?: TimeInfo;
  reregistered_time?: TimeInfo;
  unregistered_time?: TimeInfo;
  offers?: Offer[];
  inverse_offers?: InverseOffer[];
  allocated_resources?: Resource[];
  offered_resources?: Resource[];
}

export interface OperatorGetAgents {
  agents?: OperatorAgent[];
  recovered_agents?: AgentInfo[];
}
export interface OperatorGetFrameworks {
  frameworks?: OperatorFramework[];
  completed_frameworks?: OperatorFramework[];
}
export interface OperatorGetExecutors {
  executors?: Array<{ executor_info: ExecutorInfo; agent_id: AgentID }>;
}
export interface OperatorGetTasks {
  tasks?: Task[];
  unreachable_tasks?: Task[];
  completed_tasks?: Task[];
}

/** v1 operator API response (`POST /api/v1`), the parts this project reads or serves. */
export interface OperatorResponse {
  type?: OperatorResponseType;
  get_health?: { healthy: boolean };
  get_flags?: { flags?: Array<{ name: string; value?: string }> };
  get_version?: { version_info: VersionInfo };
  get_metrics?: { metrics?: Array<{ name: string; value?: number }> };
  get_logging_level?: { level: number };
  list_files?: {
    file_infos?: Array<{
      path: string;
      nlink?: number;
      size?: number;
      mtime?: TimeInfo;
      mode?: number;
      uid?: string;
      gid?: string;
    }>;
  };
  /** `data` is base64. */
  read_file?: { size: number; data: string };
  get_state?: {
    get_tasks?: OperatorGetTasks;
    get_executors?: OperatorGetExecutors;
    get_frameworks?: OperatorGetFrameworks;
    get_agents?: OperatorGetAgents;
  };
  get_agents?: OperatorGetAgents;
  get_frameworks?: OperatorGetFrameworks;
  get_executors?: OperatorGetExecutors;
  get_tasks?: OperatorGetTasks;
  get_master?: { master_info?: MasterInfo; start_time?: number; elected_time?: number };
}
