/**
 * The agent's `/state` and `/version` documents: the keys, nesting and JSON types of a real Mesos
 * 1.12 agent (see the recordings `01_agent_GET_state_before`, `40_agent_GET_state_with_task`,
 * `60_agent_GET_state_after_task`), filled with the local agent's own values.
 */
import type { FrameworkInfo, Resource, TaskInfo, TaskState, TaskStatus } from '../../mesos/protocol/types.js';
import { double, type JsonValue } from '../mesos-json.js';
import { resourceRole } from '../../mesos/resources/ranges.js';
import { DEFAULT_ROLE, flattenResources, isReserved, resourceToStateJson } from './agent-resources.js';

type JsonObject = { [key: string]: JsonValue };

/** What `/version` reports (Mesos' build info); the local cluster's own identity, not a real build. */
export interface BuildInfo {
  version: string;
  git_sha: string;
  git_branch: string;
  build_date: string;
  /** Float seconds. */
  build_time: number;
  build_user: string;
}

export function localBuildInfo(version: string): BuildInfo {
  return {
    version,
    git_sha: 'alluxio-mesos-local-cluster',
    git_branch: 'refs/heads/local',
    build_date: '1970-01-01 00:00:00',
    build_time: 0,
    build_user: 'alluxio-mesos',
  };
}

export function versionJson(build: BuildInfo): JsonValue {
  return {
    build_date: build.build_date,
    build_time: double(build.build_time),
    build_user: build.build_user,
    git_branch: build.git_branch,
    git_sha: build.git_sha,
    version: build.version,
  };
}

interface TaskView {
  info: TaskInfo;
  frameworkId: string;
  agentId: string;
  state: TaskState;
  statuses: readonly TaskStatus[];
}

export interface ExecutorView {
  id: string;
  name: string;
  source: string;
  containerId: string;
  directory: string;
  /** What the executor holds now (its own allowance plus live tasks'). */
  resources: readonly Resource[];
  role: string;
  tasks: readonly TaskView[];
  completedTasks: readonly TaskView[];
}

export interface FrameworkView {
  id: string;
  info: FrameworkInfo;
  executors: readonly ExecutorView[];
  completedExecutors: readonly ExecutorView[];
}

export interface AgentStateInput {
  build: BuildInfo;
  /** Float seconds. */
  startTime: number;
  agentId: string | undefined;
  pid: string;
  hostname: string;
  port: number;
  resources: readonly Resource[];
  /** Everything executors hold right now. */
  allocated: readonly Resource[];
  attributes: ReadonlyArray<{ name: string; value: string }>;
  /** The resources flag as given (shown under `flags.resources`). */
  resourcesFlag: string;
  workDir: string;
  logDir: string;
  masterHostname: string | undefined;
  /** `host:port` of the current master, for `flags.master`. */
  masterAddress: string | undefined;
  frameworks: readonly FrameworkView[];
  completedFrameworks: readonly FrameworkView[];
}

/** What a Mesos 1.12 agent advertises. */
export const AGENT_CAPABILITIES = [
  'MULTI_ROLE',
  'HIERARCHICAL_ROLE',
  'RESERVATION_REFINEMENT',
  'RESOURCE_PROVIDER',
  'RESIZE_VOLUME',
  'AGENT_OPERATION_FEEDBACK',
  'AGENT_DRAINING',
  'TASK_RESOURCE_LIMITS',
] as const;

/** A real agent's flag defaults; the entries that describe this agent are overridden in agentFlags(). */
const FLAG_DEFAULTS: Record<string, string> = {
  appc_simple_discovery_uri_prefix: 'http://',
  appc_store_dir: '/tmp/mesos/store/appc',
  authenticate_http_readonly: 'false',
  authenticate_http_readwrite: 'false',
  authenticatee: 'crammd5',
  authentication_backoff_factor: '1secs',
  authentication_timeout_max: '1mins',
  authentication_timeout_min: '5secs',
  authorizer: 'local',
  cgroups_cpu_enable_pids_and_tids_count: 'false',
  cgroups_destroy_timeout: '1mins',
  cgroups_enable_cfs: 'false',
  cgroups_hierarchy: '/sys/fs/cgroup',
  cgroups_limit_swap: 'false',
  cgroups_root: 'mesos',
  container_disk_watch_interval: '15secs',
  containerizers: 'mesos',
  default_role: '*',
  disallow_sharing_agent_ipc_namespace: 'false',
  disallow_sharing_agent_pid_namespace: 'false',
  disk_watch_interval: '1mins',
  docker: 'docker',
  docker_ignore_runtime: 'false',
  docker_kill_orphans: 'true',
  docker_registry: 'https://registry-1.docker.io',
  docker_remove_delay: '6hrs',
  docker_socket: '/var/run/docker.sock',
  docker_stop_timeout: '0ns',
  docker_store_dir: '/tmp/mesos/store/docker',
  docker_volume_checkpoint_dir: '/var/run/mesos/isolators/docker/volume',
  docker_volume_chown: 'false',
  enforce_container_disk_quota: 'false',
  executor_registration_timeout: '1mins',
  executor_reregistration_timeout: '2secs',
  executor_shutdown_grace_period: '5secs',
  fetcher_cache_dir: '/tmp/mesos/fetch',
  fetcher_cache_size: '2GB',
  fetcher_stall_timeout: '1mins',
  frameworks_home: '',
  gc_delay: '1weeks',
  gc_disk_headroom: '0.1',
  gc_non_executor_container_sandboxes: 'false',
  help: 'false',
  hostname: '',
  hostname_lookup: 'true',
  http_command_executor: 'false',
  http_executor_domain_sockets: 'false',
  http_heartbeat_interval: '30secs',
  initialize_driver_logging: 'true',
  ip: '',
  isolation: 'posix/cpu,posix/mem',
  launcher: 'posix',
  launcher_dir: '',
  log_dir: '',
  logbufsecs: '0',
  logging_level: 'INFO',
  master: '',
  max_completed_executors_per_framework: '150',
  memory_profiling: 'false',
  network_cni_metrics: 'true',
  network_cni_root_dir_persist: 'false',
  oversubscribed_resources_interval: '15secs',
  perf_duration: '10secs',
  perf_interval: '1mins',
  port: '5051',
  qos_correction_interval_min: '0ns',
  quiet: 'false',
  reconfiguration_policy: 'equal',
  recover: 'reconnect',
  recovery_timeout: '15mins',
  registration_backoff_factor: '1secs',
  resources: '',
  revocable_cpu_low_priority: 'true',
  runtime_dir: '/var/run/mesos',
  sandbox_directory: '/mnt/mesos/sandbox',
  strict: 'true',
  switch_user: 'true',
  systemd_enable_support: 'false',
  systemd_runtime_directory: '/run/systemd/system',
  version: 'false',
  work_dir: '',
  zk_session_timeout: '10secs',
};

function agentFlags(input: AgentStateInput): JsonObject {
  return {
    ...FLAG_DEFAULTS,
    hostname: input.hostname,
    ip: input.hostname,
    launcher_dir: process.cwd(),
    log_dir: input.logDir,
    master: input.masterAddress ?? 'local',
    port: String(input.port),
    resources: input.resourcesFlag,
    work_dir: input.workDir,
  };
}

/** Reserved resources grouped by role, each group flattened. */
function byRole(resources: readonly Resource[], render: (group: Resource[]) => JsonValue): JsonObject {
  const groups = new Map<string, Resource[]>();
  for (const r of resources.filter(isReserved)) {
    const role = resourceRole(r);
    groups.set(role, [...(groups.get(role) ?? []), r]);
  }
  const out: JsonObject = {};
  for (const [role, group] of groups) out[role] = render(group);
  return out;
}

function attributesJson(attributes: ReadonlyArray<{ name: string; value: string }>): JsonObject {
  const out: JsonObject = {};
  for (const { name, value } of attributes) {
    out[name] = /^-?\d+(\.\d+)?$/.test(value) ? double(Number(value)) : value;
  }
  return out;
}

function statusJson(status: TaskStatus): JsonObject {
  const json: JsonObject = { state: status.state, timestamp: double(status.timestamp ?? 0) };
  if (status.container_status !== undefined) {
    // The agent's stored statuses carry the container id and networks, not the executor pid.
    const { container_id, network_infos } = status.container_status;
    json.container_status = {
      ...(container_id !== undefined ? { container_id: { value: container_id.value } } : {}),
      ...(network_infos !== undefined ? { network_infos: network_infos as JsonValue } : {}),
    };
  }
  if (status.healthy !== undefined) json.healthy = status.healthy;
  return json;
}

export function taskRole(task: TaskInfo): string {
  const first = task.resources[0];
  return first?.allocation_info?.role ?? (first !== undefined ? resourceRole(first) : DEFAULT_ROLE);
}

function taskJson(task: TaskView): JsonObject {
  const json: JsonObject = {
    id: task.info.task_id.value,
    name: task.info.name,
    framework_id: task.frameworkId,
    // Tasks run by the command executor have no ExecutorInfo of their own.
    executor_id: '',
    slave_id: task.agentId,
    state: task.state,
    resources: flattenResources(task.info.resources),
    role: taskRole(task.info),
    statuses: task.statuses.map(statusJson),
  };
  if (task.info.labels !== undefined) {
    json.labels = task.info.labels.labels.map((l) => ({ key: l.key, ...(l.value !== undefined ? { value: l.value } : {}) }));
  }
  if (task.info.discovery !== undefined) json.discovery = task.info.discovery as unknown as JsonValue;
  return json;
}

function executorJson(executor: ExecutorView): JsonObject {
  return {
    id: executor.id,
    name: executor.name,
    source: executor.source,
    container: executor.containerId,
    directory: executor.directory,
    resources: flattenResources(executor.resources),
    role: executor.role,
    tasks: executor.tasks.map(taskJson),
    queued_tasks: [],
    completed_tasks: executor.completedTasks.map(taskJson),
  };
}

function frameworkJson(framework: FrameworkView): JsonObject {
  const info = framework.info;
  const multiRole = (info.capabilities ?? []).some((c) => c.type === 'MULTI_ROLE');
  return {
    id: framework.id,
    name: info.name,
    user: info.user,
    failover_timeout: double(info.failover_timeout ?? 0),
    checkpoint: info.checkpoint ?? false,
    hostname: info.hostname ?? '',
    ...(multiRole ? { roles: [...(info.roles ?? [])] } : { role: info.role ?? DEFAULT_ROLE }),
    executors: framework.executors.map(executorJson),
    completed_executors: framework.completedExecutors.map(executorJson),
  };
}

export function agentStateJson(input: AgentStateInput): JsonValue {
  const unreserved = input.resources.filter((r) => !isReserved(r));
  const allocatedUnreserved = input.allocated.filter((r) => !isReserved(r));
  return {
    version: input.build.version,
    git_sha: input.build.git_sha,
    git_branch: input.build.git_branch,
    build_date: input.build.build_date,
    build_time: double(input.build.build_time),
    build_user: input.build.build_user,
    start_time: double(input.startTime),
    ...(input.agentId !== undefined ? { id: input.agentId } : {}),
    pid: input.pid,
    hostname: input.hostname,
    capabilities: [...AGENT_CAPABILITIES],
    resources: flattenResources(input.resources),
    reserved_resources: byRole(input.resources, (group) => flattenResources(group)),
    unreserved_resources: flattenResources(unreserved),
    reserved_resources_full: byRole(input.resources, (group) => group.map(resourceToStateJson)),
    unreserved_resources_full: unreserved.map(resourceToStateJson),
    reserved_resources_allocated: byRole(input.allocated, (group) => flattenResources(group)),
    unreserved_resources_allocated: flattenResources(allocatedUnreserved),
    resource_providers: [],
    attributes: attributesJson(input.attributes),
    ...(input.masterHostname !== undefined ? { master_hostname: input.masterHostname } : {}),
    log_dir: input.logDir,
    flags: agentFlags(input),
    frameworks: input.frameworks.map(frameworkJson),
    completed_frameworks: input.completedFrameworks.map(frameworkJson),
  };
}
