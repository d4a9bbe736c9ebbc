/**
 * `status worker-3`, as `kubectl describe`: one alias's whole history. Every run Mesos still lists
 * (agent, task id, start and end), each state change with Mesos' reason and message and each health
 * change, then what the scheduler's state says about relaunches (count, recent failures, backoff,
 * crash loop). Pure: the caller brings Mesos' tasks and agents and the ledger.
 */
import type { AgentRecord } from '../mesos/client/agents.js';
import type { TaskRecord } from '../mesos/client/tasks.js';
import type { LedgerTask } from '../state/ledger.js';
import { aliasOfTaskId } from '../state/task-names.js';
import { formatTable } from '../ui/table.js';
import { formatAge } from '../shared/duration.js';
import { printable } from '../shared/printable.js';
import { isTerminalTaskState } from '../mesos/protocol/types.js';

interface RunEvent {
  /** ISO time. */
  time: string | null;
  state: string;
  /** Health as Mesos reported it with this update, when it did. */
  healthy: boolean | null;
  reason: string | null;
  message: string | null;
}

interface AliasRun {
  number: number;
  taskId: string;
  agentId: string;
  host: string | null;
  state: string;
  startedAt: string | null;
  endedAt: string | null;
  events: RunEvent[];
}

export interface AliasDescription {
  alias: string;
  frameworkId: string;
  /** The newest run; null when Mesos lists none. */
  current: AliasRun | null;
  /** Every run Mesos lists, oldest first (numbered as `logs --run N`). */
  runs: AliasRun[];
  /** What the scheduler's state records; null without a ledger of this framework. */
  scheduler: {
    launchedAt: string;
    relaunches: number;
    recentFailures: string[];
    lastFailure: { state: string; at: string; reason: string | null; message: string | null } | null;
    relaunchAt: string | null;
    crashLooped: boolean;
    killRequested: boolean;
  } | null;
  /** Filled in by the caller when the agent answers. */
  sandbox: string | null;
}

export function describeAlias(
  alias: string,
  frameworkId: string,
  tasks: readonly TaskRecord[],
  agents: readonly AgentRecord[],
  ledgerTask: LedgerTask | undefined,
): AliasDescription | undefined {
  const hosts = new Map(agents.map((agent) => [agent.agentId, agent.hostname]));
  const iso = (seconds: number | undefined): string | null => (seconds === undefined ? null : new Date(seconds * 1000).toISOString());
  const mine = tasks.filter((task) => task.frameworkId === frameworkId && aliasOfTaskId(task.taskId) === alias);
  if (mine.length === 0 && ledgerTask === undefined) return undefined;
  const runs = mine
    .map((task) => {
      const events = [...task.statuses]
        .sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0))
        .map((status) => ({
          time: iso(status.timestamp),
          state: status.state,
          healthy: status.healthy ?? null,
          reason: status.reason ?? null,
          message: status.message ?? null,
        }));
      const ended = [...task.statuses].reverse().find((status) => isTerminalTaskState(status.state));
      return {
        number: 0,
        taskId: task.taskId,
        agentId: task.agentId,
        host: hosts.get(task.agentId) ?? null,
        state: task.state,
        startedAt: events[0]?.time ?? null,
        endedAt: ended === undefined ? null : iso(ended.timestamp),
        events,
      };
    })
    .sort((a, b) => (a.startedAt ?? '').localeCompare(b.startedAt ?? ''))
    .map((run, index) => ({ ...run, number: index + 1 }));
  const at = (ms: number): string => new Date(ms).toISOString();
  return {
    alias,
    frameworkId,
    current: runs.at(-1) ?? null,
    runs,
    scheduler:
      ledgerTask === undefined
        ? null
        : {
            launchedAt: at(ledgerTask.launchedAt),
            relaunches: ledgerTask.relaunchCount,
            recentFailures: ledgerTask.failures.map(at),
            lastFailure:
              ledgerTask.lastFailure === undefined
                ? null
                : {
                    state: ledgerTask.lastFailure.state,
                    at: at(ledgerTask.lastFailure.at),
                    reason: ledgerTask.lastFailure.reason ?? null,
                    message: ledgerTask.lastFailure.message ?? null,
                  },
            relaunchAt: ledgerTask.relaunchAt === undefined ? null : at(ledgerTask.relaunchAt),
            crashLooped: ledgerTask.crashLooped,
            killRequested: ledgerTask.killRequested !== undefined,
          },
    sandbox: null,
  };
}

/** The description as text: key/value lines, the runs, then every event, oldest first. */
export function renderAliasDescription(description: AliasDescription, now: Date): string {
  const age = (time: string | null): string => (time === null ? '-' : `${time} (${formatAge(now.getTime() - Date.parse(time))} ago)`);
  const lines: string[] = [];
  const field = (name: string, value: string): void => {
    lines.push(`${`${name}:`.padEnd(18)}${value}`);
  };
  const { current, scheduler } = description;
  field('Alias', description.alias);
  field('Framework', description.frameworkId);
  field('State', current === null ? 'not listed by Mesos' : current.state.replace(/^TASK_/, ''));
  field('Health', healthText(current));
  field('Task', current?.taskId ?? '-');
  field('Agent', current === null ? '-' : `${current.host ?? 'gone from the cluster'} (${current.agentId})`);
  field('Started', age(current?.startedAt ?? null));
  if (current?.endedAt !== null && current !== null) field('Ended', age(current.endedAt));
  field('Sandbox', description.sandbox ?? '-');
  if (scheduler !== null) {
    field('Relaunches', String(scheduler.relaunches));
    if (scheduler.lastFailure !== null) {
      const why = [scheduler.lastFailure.reason, scheduler.lastFailure.message].filter((part) => part !== null).join(': ');
      field(
        'Last failure',
        `${scheduler.lastFailure.state.replace(/^TASK_/, '')} at ${scheduler.lastFailure.at}${why === '' ? '' : ` (${why})`}`,
      );
    }
    if (scheduler.recentFailures.length > 0) field('Recent failures', `${scheduler.recentFailures.length} in the crash-loop window`);
    if (scheduler.crashLooped) field('Relaunch', 'stopped: crash loop (too many failures in the window); fix the cause and deploy again');
    else if (scheduler.relaunchAt !== null) field('Relaunch', `backing off until ${scheduler.relaunchAt}`);
  }
  lines.push('', `Runs (oldest first; logs --run N reads one):`);
  const runRows = description.runs.map((run) => [
    String(run.number),
    run.taskId,
    run.state.replace(/^TASK_/, ''),
    run.host ?? run.agentId,
    run.startedAt ?? '-',
    run.endedAt ?? '-',
  ]);
  lines.push(
    ...(runRows.length === 0
      ? ['  (none listed by Mesos)']
      : formatTable([['RUN', 'TASK', 'STATE', 'AGENT', 'STARTED', 'ENDED'], ...runRows], { indent: '  ' })),
  );
  lines.push('', 'Events:');
  const eventRows = description.runs.flatMap((run) =>
    run.events.map((event) => [
      event.time ?? '-',
      String(run.number),
      event.state.replace(/^TASK_/, ''),
      event.healthy === null ? '-' : event.healthy ? 'healthy' : 'unhealthy',
      [event.reason, event.message].filter((part) => part !== null && part !== '').join(': ') || '-',
    ]),
  );
  eventRows.sort((a, b) => a[0]!.localeCompare(b[0]!));
  lines.push(
    ...(eventRows.length === 0
      ? ['  (none)']
      : formatTable([['TIME', 'RUN', 'STATE', 'HEALTH', 'REASON'], ...eventRows], { indent: '  ' })),
  );
  // Hostnames, messages and ids come from the cluster: escaped, line by line.
  return `${lines.map((line) => printable(line)).join('\n')}\n`;
}

function healthText(run: AliasRun | null): string {
  const latest = [...(run?.events ?? [])].reverse().find((event) => event.healthy !== null);
  if (latest === undefined) return run === null || isTerminalTaskState(run.state) ? '-' : 'not checked yet';
  return latest.healthy === true ? 'healthy' : 'unhealthy';
}
