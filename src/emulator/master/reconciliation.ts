/**
 * Task reconciliation, ported from Mesos 1.12 `Master::reconcile`: what the master answers a
 * framework's RECONCILE call. Pure: the framework's records, what the master knows of agents and the
 * time in; the status updates to send, in order, out. The core sends them (without asking for an
 * acknowledgement: reconciliation answers carry no uuid).
 *
 * - Implicit (no task listed): the latest state of every task the master knows for the framework.
 * - Explicit: one answer per listed task: its latest state if known; nothing yet while its agent may
 *   still re-register after a master restart (the scheduler retries); otherwise GONE, UNREACHABLE or
 *   UNKNOWN depending on the agent (all TASK_LOST for a framework that is not PARTITION_AWARE).
 */
import type { Call, TaskStatus } from '../../mesos/protocol/types.js';
import { hasCapability, type FrameworkRecord, type TaskRecord } from './model.js';
import { executorIdOf, masterStatus, reconciledState } from './tasks.js';

export type ReconcileRequest = NonNullable<Call['reconcile']>;

/** What reconciliation needs to know of the agents, by agent id. */
export interface AgentStanding {
  /** Registered with this master. */
  readonly agents: ReadonlyMap<string, unknown>;
  /** From the registry, not re-registered since this master started: they may still come back. */
  readonly recoveredAgents: ReadonlyMap<string, unknown>;
  /** Marked unreachable, with the time (ms) they were. */
  readonly unreachableAgents: ReadonlyMap<string, number>;
}

/** The answers to one RECONCILE call of `fw`, in the order Mesos sends them. */
export function reconcileAnswers(
  fw: FrameworkRecord,
  request: ReconcileRequest,
  standing: AgentStanding,
  nowSeconds: number,
): TaskStatus[] {
  const list = request.tasks ?? [];
  if (list.length === 0) return [...fw.tasks.values()].map((task) => latestTaskStatus(task, nowSeconds));

  const partitionAware = hasCapability(fw.info, 'PARTITION_AWARE');
  const answers: TaskStatus[] = [];
  for (const t of list) {
    const agentId = t.agent_id?.value;
    const task = fw.tasks.get(t.task_id.value);
    const unknown = (state: TaskStatus['state'], message: string, withAgent: boolean, unreachableAt?: number): TaskStatus =>
      masterStatus({
        taskId: t.task_id.value,
        state: partitionAware ? state : 'TASK_LOST',
        message,
        reason: 'REASON_RECONCILIATION',
        agentId: withAgent ? agentId : undefined,
        timestampSeconds: nowSeconds,
        unreachableTimeNanos: unreachableAt === undefined ? undefined : unreachableAt * 1e6,
      });
    if (task !== undefined) {
      answers.push(latestTaskStatus(task, nowSeconds));
    } else if (
      (agentId !== undefined && standing.recoveredAgents.has(agentId)) ||
      (agentId === undefined && standing.recoveredAgents.size > 0)
    ) {
      // The agent may still re-register with it: no answer yet, the scheduler retries.
    } else if (agentId !== undefined && standing.agents.has(agentId)) {
      answers.push(unknown('TASK_GONE', 'Reconciliation: Task is unknown to the agent', true));
    } else if (agentId !== undefined && standing.unreachableAgents.has(agentId)) {
      const at = standing.unreachableAgents.get(agentId);
      answers.push(unknown('TASK_UNREACHABLE', 'Reconciliation: Task is unreachable', true, at));
    } else {
      answers.push(unknown('TASK_UNKNOWN', 'Reconciliation: Task is unknown', agentId !== undefined));
    }
  }
  return answers;
}

/** The master's answer for a task it knows: its latest state, with the container status it last had. */
function latestTaskStatus(task: TaskRecord, nowSeconds: number): TaskStatus {
  return masterStatus({
    taskId: task.taskId,
    state: reconciledState(task),
    message: 'Reconciliation: Latest task state',
    reason: 'REASON_RECONCILIATION',
    agentId: task.agentId,
    executorId: executorIdOf(task),
    timestampSeconds: nowSeconds,
    containerStatus: task.latestStatus?.container_status,
  });
}
