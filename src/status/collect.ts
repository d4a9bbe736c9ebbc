/**
 * What `status` reports, gathered from Mesos (frameworks, tasks, agents) and the scheduler's ledger
 * (aliases, relaunch counts, ports, the web UI). Mesos is the truth for states; the ledger names them.
 */
import type { MesosMasterClient } from '../mesos/client/master-client.js';
import type { FrameworkRecord } from '../mesos/client/frameworks.js';
import type { TaskRecord } from '../mesos/client/tasks.js';
import type { Ledger } from '../state/ledger.js';
import { aliasOfTaskId } from '../state/task-names.js';

interface StatusTask {
  alias: string;
  taskId: string;
  role: 'master' | 'worker' | 'unknown';
  state: string;
  healthy: boolean | null;
  host: string | null;
  ports: number[];
  startedAt: string | null;
  relaunches: number;
}

export interface StatusReport {
  framework: {
    id: string;
    name: string | null;
    state: 'active' | 'disconnected' | 'inactive' | 'completed' | 'unknown';
    failoverTimeoutSeconds: number | null;
    /** Disconnected only: seconds until Mesos kills the tasks, when deploy recorded its disconnection. */
    failoverSecondsLeft: number | null;
  };
  webuiUrl: string | null;
  tasks: StatusTask[];
  /** Every wanted task RUNNING, and healthy when a health check reported. */
  ok: boolean;
  problems: string[];
}

const ACTIVE_LISTS = new Set(['active', 'pending', 'unreachable']);

function frameworkState(framework: FrameworkRecord | undefined): StatusReport['framework']['state'] {
  if (framework === undefined) return 'unknown';
  if (framework.completed) return 'completed';
  if (framework.connected === false) return 'disconnected';
  return framework.active ? 'active' : 'inactive';
}

function portsOf(task: TaskRecord): number[] {
  const ports: number[] = [];
  for (const resource of task.resources) {
    if (resource.name !== 'ports') continue;
    for (const range of resource.ranges?.range ?? [])
      for (let port = range.begin; port <= range.end && ports.length < 16; port++) ports.push(port);
  }
  return ports;
}

export function buildStatus(input: {
  /** Epoch ms, for the failover time left. */
  now?: number;
  frameworkId: string;
  framework: FrameworkRecord | undefined;
  tasks: readonly TaskRecord[];
  hostnames: ReadonlyMap<string, string>;
  ledger: Ledger | undefined;
}): StatusReport {
  const { frameworkId, framework, ledger } = input;
  const byTaskId = new Map((ledger?.tasks ?? []).map((task) => [task.taskId, task]));
  const own = input.tasks.filter((task) => task.frameworkId === frameworkId && ACTIVE_LISTS.has(task.list));
  const tasks: StatusTask[] = own.map((task) => {
    const entry = byTaskId.get(task.taskId);
    const healthStatus = [...task.statuses].reverse().find((status) => status.healthy !== undefined);
    const started = task.statuses.find((status) => status.state === 'TASK_RUNNING')?.timestamp ?? task.statuses[0]?.timestamp;
    const alias = entry?.alias ?? aliasOfTaskId(task.taskId) ?? task.taskId;
    return {
      alias,
      taskId: task.taskId,
      role: entry?.role ?? (alias.startsWith('master-') ? 'master' : alias.startsWith('worker-') ? 'worker' : 'unknown'),
      state: task.state,
      // A health check result describes a running task; after it ended the last one is stale.
      healthy: task.state === 'TASK_RUNNING' ? (healthStatus?.healthy ?? null) : null,
      host: input.hostnames.get(task.agentId) ?? entry?.hostname ?? null,
      ports: entry?.ports ?? portsOf(task),
      startedAt: started === undefined ? null : new Date(started * 1000).toISOString(),
      relaunches: entry?.relaunchCount ?? 0,
    } satisfies StatusTask;
  });
  // Wanted tasks the ledger knows but Mesos does not list (lost, waiting for a relaunch).
  for (const entry of ledger?.tasks ?? []) {
    if (tasks.some((task) => task.alias === entry.alias)) continue;
    const wanted = entry.killRequested === undefined || entry.killRequested.relaunch;
    if (wanted) {
      tasks.push({
        alias: entry.alias,
        taskId: entry.taskId,
        role: entry.role,
        state: entry.state,
        healthy: entry.state === 'TASK_RUNNING' ? (entry.healthy ?? null) : null,
        host: entry.hostname,
        ports: entry.ports,
        startedAt: new Date(entry.launchedAt).toISOString(),
        relaunches: entry.relaunchCount,
      });
    }
  }
  tasks.sort((a, b) => (a.role === b.role ? a.alias.localeCompare(b.alias, 'en', { numeric: true }) : a.role === 'master' ? -1 : 1));
  const problems: string[] = [];
  for (const task of tasks) {
    if (task.state !== 'TASK_RUNNING') problems.push(`${task.alias} is ${task.state.replace(/^TASK_/, '')}`);
    else if (task.healthy === false) problems.push(`${task.alias} is unhealthy`);
  }
  if (tasks.length === 0) problems.push('no Alluxio task is running');
  else if (!tasks.some((task) => task.role === 'worker' && task.state === 'TASK_RUNNING')) problems.push('no Alluxio worker is running');
  else if (!tasks.some((task) => task.role === 'master' && task.state === 'TASK_RUNNING')) problems.push('no Alluxio master is running');
  const state = frameworkState(framework);
  if (state === 'unknown' || state === 'completed') problems.unshift(`Mesos does not run framework ${frameworkId}`);
  return {
    framework: {
      id: frameworkId,
      name: framework?.name ?? null,
      state,
      failoverTimeoutSeconds: framework?.failoverTimeoutSeconds ?? null,
      failoverSecondsLeft: failoverLeft(state, framework?.failoverTimeoutSeconds, ledger?.disconnectedAt, input.now ?? Date.now()),
    },
    webuiUrl: ledger?.webuiUrl ?? framework?.webuiUrl ?? null,
    tasks,
    ok: problems.length === 0,
    problems,
  };
}

function failoverLeft(
  state: StatusReport['framework']['state'],
  timeoutSeconds: number | undefined,
  disconnectedAt: number | undefined,
  now: number,
): number | null {
  if (state !== 'disconnected' || timeoutSeconds === undefined || disconnectedAt === undefined) return null;
  return Math.max(0, Math.round(timeoutSeconds - (now - disconnectedAt) / 1000));
}

export async function collectStatus(client: MesosMasterClient, frameworkId: string, ledger: Ledger | undefined): Promise<StatusReport> {
  const [frameworks, tasks, agents] = await Promise.all([client.getFrameworks(), client.getTasks(), client.getAgents()]);
  const framework =
    frameworks.find((candidate) => candidate.frameworkId === frameworkId && !candidate.completed) ??
    frameworks.find((candidate) => candidate.frameworkId === frameworkId);
  const hostnames = new Map(agents.map((agent) => [agent.agentId, agent.hostname]));
  return buildStatus({ frameworkId, framework, tasks, hostnames, ledger });
}
