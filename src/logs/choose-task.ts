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
  /** `--previous`: the run of the alias before the newest one (as `kubectl logs --previous`). */
  previous?: boolean;
  /** `--run N`: the Nth run of the alias, oldest first, from 1. */
  run?: number;
}

/** How many matches an ambiguity lists without --all-matches. */
const SHOWN_MATCHES = 10;

export function chooseTask(query: string, candidates: readonly TaskCandidate[], options: ChooseOptions = {}): TaskCandidate {
  if (options.previous === true || options.run !== undefined) return chooseRun(query, candidates, options);
  const outcome = matchTask(query, candidates, { includeCompleted: options.includeCompleted });
  switch (outcome.kind) {
    case 'one':
      return outcome.task;
    case 'ambiguous': {
      const alias = sharedAlias(outcome.matches);
      throw new UsageError(
        `"${query}" matches ${outcome.matches.length} tasks:\n${formatMatches(outcome.matches, options.allMatches === true)}`,
        {
          hint:
            alias === undefined
              ? 'give the alias or more of the task id'
              : `these are runs of ${alias}: --previous reads the one before the newest, --run N the Nth (oldest first), or give the task id`,
        },
      );
    }
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

/** `--previous` / `--run N`: one run among every run (completed ones too) of the alias the query names. */
function chooseRun(query: string, candidates: readonly TaskCandidate[], options: ChooseOptions): TaskCandidate {
  const outcome = matchTask(query, candidates, { includeCompleted: true });
  if (outcome.kind === 'none') return chooseTask(query, candidates, { ...options, previous: false, run: undefined });
  const matches = outcome.kind === 'one' ? [outcome.task] : outcome.matches;
  const alias = sharedAlias(matches);
  if (alias === undefined) {
    throw new UsageError(`"${query}" matches tasks of several aliases:\n${formatMatches(matches, options.allMatches === true)}`, {
      hint: `${options.previous === true ? '--previous' : '--run'} reads one alias's runs: give the alias, e.g. worker-2`,
    });
  }
  const runs = candidates.filter((task) => task.alias === alias).sort((a, b) => (a.startedAt ?? 0) - (b.startedAt ?? 0));
  const listed = `:\n${formatMatches([...runs].reverse(), options.allMatches === true)}`;
  if (options.previous === true) {
    if (runs.length < 2) throw new NotFoundError(`${alias} has run once: it has no previous run`, { hint: 'leave --previous out' });
    return runs[runs.length - 2]!;
  }
  const wanted = options.run!;
  if (wanted > runs.length) {
    throw new NotFoundError(`${alias} has run ${runs.length === 1 ? 'once' : `${runs.length} times`}: there is no run ${wanted}${listed}`, {
      hint: `runs are numbered from 1, oldest first: --run 1 to --run ${runs.length}`,
    });
  }
  return runs[wanted - 1]!;
}

/** The one alias every match has, if they share one (the runs of worker-2). */
function sharedAlias(matches: readonly TaskCandidate[]): string | undefined {
  const aliases = new Set(matches.map((task) => task.alias));
  const [only] = aliases;
  return aliases.size === 1 ? only : undefined;
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
