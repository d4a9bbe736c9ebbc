/**
 * After TEARDOWN: which of the framework's tasks may still run, and why. Mesos kills the tasks it
 * knows on the agents registered with it; it cannot kill a task on an agent that is not registered
 * (after a standalone master restart real agents never come back), and after such a restart it does
 * not even list those tasks, so the ledger is asked too. Polled until Mesos has killed what it can
 * or the time is up.
 */
import type { AgentRecord } from '../../mesos/client/agents.js';
import type { TaskRecord } from '../../mesos/client/tasks.js';
import { TERMINAL_TASK_STATES } from '../../mesos/protocol/types.js';
import type { LedgerTask } from '../../state/ledger.js';
import { aliasOfTaskId } from '../../state/task-names.js';

const ENDED: ReadonlySet<string> = TERMINAL_TASK_STATES;

export interface TaskThatMayStillRun {
  alias: string | null;
  taskId: string;
  host: string | null;
  /**
   * - `killing`: Mesos lists it and has not reported it ended yet (waiting longer may settle it);
   * - `agent-not-registered`: its agent is not registered with the master, so Mesos cannot kill it.
   */
  why: 'killing' | 'agent-not-registered';
  reason: string;
}

export function tasksThatMayStillRun(input: {
  frameworkId: string;
  mesosTasks: readonly TaskRecord[];
  agents: readonly Pick<AgentRecord, 'agentId' | 'hostname'>[];
  /** The ledger's tasks, when the ledger describes this framework. */
  ledgerTasks: readonly LedgerTask[];
}): TaskThatMayStillRun[] {
  const hosts = new Map(input.agents.map((agent) => [agent.agentId, agent.hostname]));
  const ours = input.mesosTasks.filter((task) => task.frameworkId === input.frameworkId);
  const aliases = new Map(input.ledgerTasks.map((task) => [task.taskId, task.alias]));
  const left: TaskThatMayStillRun[] = [];
  for (const task of ours) {
    if (task.list === 'completed' || ENDED.has(task.state)) continue;
    const alias = aliases.get(task.taskId) ?? aliasOfTaskId(task.taskId) ?? null;
    const host = hosts.get(task.agentId) ?? input.ledgerTasks.find((entry) => entry.taskId === task.taskId)?.hostname ?? null;
    if (task.list === 'unreachable' || !hosts.has(task.agentId)) {
      left.push({ alias, taskId: task.taskId, host, why: 'agent-not-registered', reason: notRegistered(host ?? task.agentId) });
    } else {
      left.push({ alias, taskId: task.taskId, host, why: 'killing', reason: `Mesos has not reported it killed yet (${task.state})` });
    }
  }
  // Tasks Mesos does not list at all: gone when their agent is registered (it reports every task it
  // runs), unknown otherwise.
  for (const entry of input.ledgerTasks) {
    if (TERMINAL_TASK_STATES.has(entry.state)) continue;
    if (ours.some((task) => task.taskId === entry.taskId)) continue;
    if (hosts.has(entry.agentId)) continue;
    left.push({
      alias: entry.alias,
      taskId: entry.taskId,
      host: entry.hostname,
      why: 'agent-not-registered',
      reason: notRegistered(entry.hostname),
    });
  }
  return left;
}

function notRegistered(host: string): string {
  return `its agent ${host} is not registered with the master, so Mesos cannot kill it`;
}

export interface VerifyOptions {
  /** Mesos' tasks and agents now. */
  look: () => Promise<{ tasks: TaskRecord[]; agents: AgentRecord[] }>;
  frameworkId: string;
  ledgerTasks: readonly LedgerTask[];
  /** How long Mesos gets to kill what it can (`--timeout`). */
  timeoutMs: number;
  intervalMs?: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

/**
 * Asks Mesos until it lists no task of the framework that it is still killing, or the time is up;
 * answers what may still run then (empty: every task is gone).
 */
export async function verifyTasksGone(options: VerifyOptions): Promise<TaskThatMayStillRun[]> {
  const deadline = options.now() + options.timeoutMs;
  for (;;) {
    const { tasks, agents } = await options.look();
    const left = tasksThatMayStillRun({ frameworkId: options.frameworkId, mesosTasks: tasks, agents, ledgerTasks: options.ledgerTasks });
    // Waiting does not help a task on an agent the master does not have.
    if (!left.some((task) => task.why === 'killing')) return left;
    const remaining = deadline - options.now();
    if (remaining <= 0) return left;
    await options.sleep(Math.min(options.intervalMs ?? 250, remaining));
  }
}

/** One line naming each task that may still run and why. */
export function describeTasksThatMayStillRun(left: readonly TaskThatMayStillRun[]): string {
  const named = left.map((task) => `${task.alias ?? task.taskId}${task.host === null ? '' : ` on ${task.host}`} (${task.reason})`);
  return `${left.length === 1 ? '1 Alluxio task' : `${left.length} Alluxio tasks`} may still run: ${named.join('; ')}`;
}

/** What the operator does about them. */
export function hintForTasksThatMayStillRun(left: readonly TaskThatMayStillRun[]): string {
  if (left.some((task) => task.why === 'agent-not-registered')) {
    return (
      'stop them on those hosts (kill their Alluxio processes), or restart the mesos-agent there; ' +
      'agents never re-register with a restarted standalone master, so Mesos cannot reach them'
    );
  }
  return 'Mesos is still killing them: check again with `alluxio-mesos status --framework-id <id>`, or pass a longer --timeout';
}
