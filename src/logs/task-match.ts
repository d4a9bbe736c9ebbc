/**
 * Which task `alluxio-mesos logs <task>` means. Pure: the candidates come from the master.
 *
 * A query is tried in tiers and the first tier with any match decides: exact (alias, task id or
 * name), then prefix of an alias or id, then substring, then a glob (`*`, `?`). Terminal tasks
 * only count with `--completed`; when only terminal tasks match, the outcome says so.
 */
import { UsageError } from '../shared/errors.js';
import { isTerminalTaskState } from '../mesos/protocol/types.js';

export interface TaskCandidate {
  taskId: string;
  name: string;
  /** `TASK_RUNNING`, `TASK_FINISHED`, ... */
  state: string;
  frameworkId: string;
  agentId: string;
  executorId: string | undefined;
  agentHost: string | undefined;
  /** Seconds since the epoch of the first status, if known. */
  startedAt: number | undefined;
  /** `master-1`, `worker-3`; see assignAliases. */
  alias: string | undefined;
}

export type MatchOutcome =
  | { kind: 'one'; task: TaskCandidate }
  | { kind: 'ambiguous'; matches: TaskCandidate[] }
  /** Nothing running matched, but these terminal tasks did (shown with --completed). */
  | { kind: 'only-completed'; matches: TaskCandidate[] }
  | { kind: 'none' };

export function isTerminalState(state: string): boolean {
  return isTerminalTaskState(state);
}

export interface MatchOptions {
  includeCompleted?: boolean;
}

type Tier = (task: TaskCandidate) => boolean;

export function matchTask(query: string, candidates: readonly TaskCandidate[], options: MatchOptions = {}): MatchOutcome {
  const wanted = validateQuery(query);
  const keys = (task: TaskCandidate): string[] =>
    [task.alias, task.taskId, task.name].filter((key): key is string => key !== undefined && key !== '');
  const tiers: Tier[] = [
    (task) => keys(task).includes(wanted),
    (task) => [task.alias, task.taskId].some((key) => key !== undefined && key.startsWith(wanted)),
    (task) => keys(task).some((key) => key.includes(wanted)),
  ];
  if (isGlob(wanted)) {
    const pattern = globToRegExp(wanted);
    tiers.push((task) => keys(task).some((key) => pattern.test(key)));
  }
  for (const tier of tiers) {
    const matches = sortTasks(candidates.filter(tier));
    if (matches.length === 0) continue;
    if (isGlob(wanted) && candidates.length > 1 && matches.length === candidates.length) {
      throw new UsageError(`"${query}" matches every task of the framework`, {
        hint: 'name one task: an alias such as worker-3, or a task id',
      });
    }
    const live = options.includeCompleted === true ? matches : matches.filter((task) => !isTerminalState(task.state));
    if (live.length === 1) return { kind: 'one', task: live[0]! };
    if (live.length > 1) return { kind: 'ambiguous', matches: live };
    return { kind: 'only-completed', matches };
  }
  return { kind: 'none' };
}

function validateQuery(query: string): string {
  const wanted = query.trim();
  if (wanted === '')
    throw new UsageError('the task name is empty', { hint: 'give an alias such as worker-3, a task id, or a unique part of one' });
  if (/^[*?.%]+$/.test(wanted)) {
    throw new UsageError(`"${query}" would match every task`, {
      hint: 'name one task: an alias such as worker-3, or a task id (--all-tasks with --bundle takes them all)',
    });
  }
  return wanted;
}

function isGlob(text: string): boolean {
  return /[*?]/.test(text);
}

function globToRegExp(glob: string): RegExp {
  const source = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`);
}

/** Running first, then newest first, then by id: the order matches are listed in. */
function sortTasks(tasks: readonly TaskCandidate[]): TaskCandidate[] {
  return [...tasks].sort(
    (a, b) =>
      Number(isTerminalState(a.state)) - Number(isTerminalState(b.state)) ||
      (b.startedAt ?? 0) - (a.startedAt ?? 0) ||
      (a.alias ?? '').localeCompare(b.alias ?? '') ||
      a.taskId.localeCompare(b.taskId),
  );
}

/**
 * Short aliases: `master-N` / `worker-N` for tasks whose name or id says master or worker. The
 * number is the one in the id or name (`alluxio-worker-3`), else the task's rank by numeric id
 * (the Alluxio scheduler numbers its tasks 1, 2, ...) or by start time.
 */
export function assignAliases<T extends Omit<TaskCandidate, 'alias'> & { alias?: string | undefined }>(
  tasks: readonly T[],
): Array<T & { alias: string | undefined }> {
  const roleOf = (task: T): 'master' | 'worker' | undefined => {
    const text = `${task.name} ${task.taskId}`.toLowerCase();
    return text.includes('master') ? 'master' : text.includes('worker') ? 'worker' : undefined;
  };
  const explicitNumber = (task: T, role: string): number | undefined => {
    const match = new RegExp(`${role}[-_ ]?(\\d+)`, 'i').exec(`${task.taskId} ${task.name}`);
    return match === null ? undefined : Number(match[1]);
  };
  const ranks = new Map<T, number>();
  for (const role of ['master', 'worker'] as const) {
    const ofRole = tasks.filter((task) => roleOf(task) === role && explicitNumber(task, role) === undefined);
    const ordered = [...ofRole].sort((a, b) => {
      const numeric = /^\d+$/.test(a.taskId) && /^\d+$/.test(b.taskId);
      if (numeric) return Number(a.taskId) - Number(b.taskId);
      return (a.startedAt ?? 0) - (b.startedAt ?? 0) || a.taskId.localeCompare(b.taskId);
    });
    ordered.forEach((task, i) => ranks.set(task, i + 1));
  }
  return tasks.map((task) => {
    if (task.alias !== undefined) return { ...task, alias: task.alias };
    const role = roleOf(task);
    if (role === undefined) return { ...task, alias: undefined };
    const number = explicitNumber(task, role) ?? ranks.get(task);
    return { ...task, alias: number === undefined ? undefined : `${role}-${number}` };
  });
}
