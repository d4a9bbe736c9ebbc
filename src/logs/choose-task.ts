/**
 * matchTask's outcome as the command needs it: one task, or an error whose message lists what
 * matched (state, agent host, start time) and says what to type next.
 */
import { NotFoundError, OperationError, UsageError } from '../shared/errors.js';
import { isTerminalState, matchTask, type TaskCandidate } from './task-match.js';
import { formatTable } from '../ui/table.js';
import { editDistance } from '../shared/edit-distance.js';

export interface ChooseOptions {
  includeCompleted?: boolean;
  /** List every match instead of the first few. */
  allMatches?: boolean;
}

/** How many matches an ambiguity lists without --all-matches. */
const SHOWN_MATCHES = 10;

export function chooseTask(query: string, candidates: readonly TaskCandidate[], options: ChooseOptions = {}): TaskCandidate {
  const outcome = matchTask(query, candidates, { includeCompleted: options.includeCompleted });
  switch (outcome.kind) {
    case 'one':
      return outcome.task;
    case 'ambiguous':
      throw new UsageError(
        `"${query}" matches ${outcome.matches.length} tasks:\n${formatMatches(outcome.matches, options.allMatches === true)}`,
        {
          hint: 'give the alias or more of the task id',
        },
      );
    case 'only-completed': {
      const count = outcome.matches.length === 1 ? 'one completed task does' : `${outcome.matches.length} completed tasks do`;
      throw new OperationError(
        `no running task matches "${query}"; ${count}:\n${formatMatches(outcome.matches, options.allMatches === true)}`,
        { hint: 'add --completed to read the logs of a completed task' },
      );
    }
    case 'none': {
      const closest = closestName(query, candidates);
      const guess = closest === undefined ? '' : `; did you mean ${closest}?`;
      throw new NotFoundError(`no task of the framework matches "${query}"${guess}`, {
        hint:
          candidates.length === 0
            ? 'the framework has no tasks; is it running (alluxio-mesos status)?'
            : `known tasks: ${describeSome(candidates)}`,
      });
    }
  }
}

/** The alias (or task id) within two edits of what was typed, live tasks first: `wroker-2` → `worker-2`. */
function closestName(query: string, candidates: readonly TaskCandidate[]): string | undefined {
  const live = candidates.filter((task) => !isTerminalState(task.state));
  let best: { name: string; distance: number } | undefined;
  for (const task of [...live, ...candidates]) {
    for (const name of [task.alias, task.taskId]) {
      if (name === undefined) continue;
      const distance = editDistance(query, name);
      if (distance <= 2 && (best === undefined || distance < best.distance)) best = { name, distance };
    }
  }
  return best?.name;
}

function formatMatches(matches: readonly TaskCandidate[], all: boolean): string {
  const shown = all ? matches : matches.slice(0, SHOWN_MATCHES);
  const rows = shown.map((task) => [
    task.alias ?? '-',
    task.taskId,
    task.state.replace(/^TASK_/, ''),
    task.agentHost ?? task.agentId,
    formatStart(task.startedAt),
  ]);
  const lines = formatTable(rows, { indent: '  ' });
  if (shown.length < matches.length) lines.push(`  ... and ${matches.length - shown.length} more (--all-matches shows them all)`);
  return lines.join('\n');
}

function formatStart(seconds: number | undefined): string {
  if (seconds === undefined) return '';
  return `started ${new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')}`;
}

function describeSome(candidates: readonly TaskCandidate[]): string {
  const live = candidates.filter((task) => !isTerminalState(task.state));
  const names = (live.length > 0 ? live : candidates).slice(0, 5).map((task) => task.alias ?? task.taskId);
  return names.join(', ') + (candidates.length > names.length ? ', ...' : '');
}
