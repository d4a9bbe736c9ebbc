/**
 * Task records and the status updates the master itself creates (reconciliation answers, invalid
 * launches, lost agents, removed frameworks), shaped like `protobuf::createStatusUpdate` in Mesos:
 * SOURCE_MASTER, no uuid (they are never acknowledged), a fresh timestamp.
 */
import type { TaskInfo, TaskState, TaskStatus } from '../../mesos/protocol/types.js';
import { isTerminal, type TaskRecord } from './model.js';
import { Resources } from '../../mesos/resources/resource-set.js';

export interface MasterStatusOptions {
  taskId: string;
  state: TaskState;
  message: string;
  reason: string;
  agentId?: string;
  executorId?: string;
  timestampSeconds: number;
  /** Reconciliation repeats the task's last container status. */
  containerStatus?: TaskStatus['container_status'];
  unreachableTimeNanos?: number;
}

export function masterStatus(o: MasterStatusOptions): TaskStatus {
  const status: TaskStatus = {
    task_id: { value: o.taskId },
    state: o.state,
    message: o.message,
    source: 'SOURCE_MASTER',
    reason: o.reason,
  };
  if (o.agentId !== undefined) status.agent_id = { value: o.agentId };
  if (o.executorId !== undefined && o.executorId !== '') status.executor_id = { value: o.executorId };
  status.timestamp = o.timestampSeconds;
  if (o.containerStatus !== undefined) status.container_status = o.containerStatus;
  if (o.unreachableTimeNanos !== undefined) {
    (status as TaskStatus & { unreachable_time?: { nanoseconds: number } }).unreachable_time = {
      nanoseconds: o.unreachableTimeNanos,
    };
  }
  return status;
}

export function newTaskRecord(frameworkId: string, agentId: string, info: TaskInfo, role: string): TaskRecord {
  return {
    frameworkId,
    agentId,
    taskId: info.task_id.value,
    name: info.name,
    info,
    resources: Resources.fromProto(info.resources),
    role,
    state: 'TASK_STAGING',
    statuses: [],
    latestStatus: undefined,
    statusUpdateState: undefined,
    statusUpdateUuid: undefined,
  };
}

/**
 * Applies an update to the task (Mesos `updateTask`). Returns true when the task just became
 * terminal (or unreachable), i.e. when its resources must be recovered.
 */
export function applyStatus(task: TaskRecord, status: TaskStatus): boolean {
  const wasDone = isTerminal(task.state) || task.state === 'TASK_UNREACHABLE';
  if (!isTerminal(task.state)) task.state = status.state;
  const last = task.statuses[task.statuses.length - 1];
  if (last !== undefined && last.state === status.state) task.statuses.pop();
  task.statuses.push(status);
  task.latestStatus = status;
  const nowDone = isTerminal(task.state) || task.state === 'TASK_UNREACHABLE';
  return !wasDone && nowDone;
}

/**
 * The state reconciliation reports: the last state forwarded to the scheduler (Mesos
 * `status_update_state`, the unacknowledged head of the agent's stream) if there is one, else the
 * latest, exactly as Mesos 1.12 `Master::reconcile` does. A scheduler that failed over before
 * acknowledging hears the head again at once on re-subscription (see `sendFrameworkUpdates`).
 */
export function reconciledState(task: TaskRecord): TaskState {
  return task.statusUpdateState ?? task.state;
}

/** Command tasks have no executor of their own in the master's view (executor_id ""). */
export function executorIdOf(task: TaskRecord): string {
  const withExecutor = task.info as TaskInfo & { executor?: { executor_id?: { value: string } } };
  return withExecutor.executor?.executor_id?.value ?? '';
}
