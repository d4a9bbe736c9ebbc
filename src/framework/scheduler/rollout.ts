/**
 * Rolling replacement of outdated tasks, as a pure reducer over the ledger's rollout record:
 * `stepRollout(rollout, view, now)` follows the batch in flight and decides the next one; it sends
 * nothing and reads no clock (the caller injects `now`), and mutates only the rollout record.
 *
 * The rules:
 * - workers first, in batches of `maxUnavailable` (a count or a percentage of the workers), fewer
 *   when some workers are already unavailable, so the available workers never drop below
 *   `workers - maxUnavailable` because of the rollout;
 * - a batch member is done once its alias runs a new task (its task id moved on from the one the
 *   rollout killed) that is RUNNING and healthy; the next batch starts when the whole batch is done;
 * - a replacement that fails, reports unhealthy or is not healthy within `healthyTimeoutMs` halts
 *   the rollout: the remaining tasks keep the old specification (no automatic retry loop);
 * - masters last, one at a time, with a warning (a single master's service is down until it is back);
 *   of masters that elect a leader, the standbys first and the leading one last (when it is known);
 * - resumable: the record is persisted with the ledger, and an alias whose task id moved on is never
 *   killed again, so a scheduler restarted mid-rollout replaces nothing twice.
 */
import { isGone, type LedgerTask, type SlotRole } from '../../state/ledger.js';
import type { DesiredState, RolloutRecord, RolloutTarget } from '../../state/desired-state.js';
import { UsageError } from '../../shared/errors.js';

/** Status reasons of a task that was never started: its launch did not reach an agent. */
const NEVER_RAN_REASONS: ReadonlySet<string> = new Set(['REASON_RECONCILIATION', 'REASON_INVALID_OFFERS']);

export interface RolloutView {
  readonly tasks: readonly LedgerTask[];
  readonly desired: DesiredState;
  /** Tasks have Mesos health checks: "healthy" is then required, not just RUNNING. */
  readonly healthChecked: boolean;
  /** Masters that elect a leader have none (a standby listens on no port); default: `healthChecked`. */
  readonly mastersHealthChecked?: boolean;
  /** A replacement not RUNNING and healthy this long after its kill halts the rollout. */
  readonly healthyTimeoutMs: number;
  /**
   * Where the leading Alluxio master runs (`host:port`, as Alluxio publishes it in ZooKeeper) when
   * the masters elect a leader; undefined or null when not known. Standbys are replaced first and the
   * leader last, so that the service fails over once, to a master that already runs the new spec.
   */
  readonly leadingMaster?: string | null | undefined;
}

export type RolloutReport =
  | { type: 'rollout-batch'; revision: number; role: SlotRole; aliases: string[]; remaining: number }
  | { type: 'rollout-replaced'; revision: number; alias: string; taskId: string }
  | { type: 'rollout-master-warning'; revision: number; alias: string; text: string }
  | { type: 'rollout-halted'; revision: number; alias: string; reason: string }
  | { type: 'rollout-done'; revision: number; replaced: string[]; tookMs: number };

export interface RolloutStep {
  /** Live tasks to kill now, to be relaunched at once with the desired specification. */
  readonly replace: LedgerTask[];
  readonly reports: RolloutReport[];
  /** The record changed (persist it). */
  readonly changed: boolean;
}

/** `--max-unavailable`: a whole count >= 1 or a percentage (of the workers, rounded down, at least 1). */
export function parseMaxUnavailable(text: string): string {
  const trimmed = text.trim();
  if (/^[1-9]\d*$/.test(trimmed) || /^([1-9]\d?|100)%$/.test(trimmed)) return trimmed;
  throw new UsageError(`--max-unavailable "${text}" must be a count (1, 2, ...) or a percentage (1% to 100%)`, {
    hint: 'e.g. --max-unavailable 2 or --max-unavailable 25%',
  });
}

/** How many workers may be unavailable at once for `maxUnavailable` out of `workers`. */
export function maxUnavailableCount(maxUnavailable: string, workers: number): number {
  if (maxUnavailable.endsWith('%')) return Math.max(1, Math.floor((workers * Number(maxUnavailable.slice(0, -1))) / 100));
  return Math.max(1, Number(maxUnavailable));
}

/** A live task whose known fingerprint differs from the desired one of its role (unknown: not judged). */
export function isOutdated(task: LedgerTask, desired: DesiredState): boolean {
  return !isGone(task.state) && task.fingerprint !== undefined && task.fingerprint !== desired.fingerprints[task.role];
}

/** A new rollout of `desired`, or undefined when no live task needs replacing. */
export function startRollout(
  previous: DesiredState | undefined,
  desired: DesiredState,
  tasks: readonly LedgerTask[],
  now: number,
): RolloutRecord | undefined {
  const restart = (desired.restart ?? []).filter((alias) => tasks.some((task) => task.alias === alias && !isGone(task.state)));
  if (restart.length === 0 && !tasks.some((task) => isOutdated(task, desired))) return undefined;
  return { revision: desired.revision, phase: 'rolling', startedAt: now, previous, inFlight: [], done: [], pending: sortAliases(restart) };
}

export function stepRollout(rollout: RolloutRecord, view: RolloutView, now: number): RolloutStep {
  const reports: RolloutReport[] = [];
  const replace: LedgerTask[] = [];
  if (rollout.phase !== 'rolling') return { replace, reports, changed: false };
  let changed = false;
  const byAlias = new Map(view.tasks.map((task) => [task.alias, task]));

  const halt = (alias: string, reason: string): RolloutStep => {
    rollout.phase = 'halted';
    rollout.halt = { alias, reason, at: now };
    reports.push({ type: 'rollout-halted', revision: rollout.revision, alias, reason });
    return { replace, reports, changed: true };
  };

  // 1. The batch in flight.
  for (const target of [...rollout.inFlight]) {
    const task = byAlias.get(target.alias);
    const timedOut = now >= target.startedAt + view.healthyTimeoutMs;
    const within = `within ${Math.round(view.healthyTimeoutMs / 1000)} s`;
    if (task === undefined || (task.killRequested !== undefined && !task.killRequested.relaunch)) {
      // Scaled away or stopped for good meanwhile: nothing left to replace.
      rollout.inFlight.splice(rollout.inFlight.indexOf(target), 1);
      changed = true;
      continue;
    }
    if (task.taskId === target.fromTaskId) {
      // Not relaunched yet. A kill decided before a restart was recorded with the ledger, and the
      // reducer re-sends recorded kills; a task still live without one is killed now.
      if (!isGone(task.state) && task.killRequested === undefined) replace.push(task);
      if (timedOut) return halt(task.alias, `${task.alias} was not relaunched ${within} of its kill`);
      continue;
    }
    const failure = task.lastFailure !== undefined && task.lastFailure.at >= target.startedAt ? task.lastFailure : undefined;
    // A launch Mesos never ran (the scheduler failed over between recording it and its ACCEPT: the
    // task is unknown at reconciliation, or its offer was gone) says nothing of the new
    // specification: the reducer relaunches the alias, and the rollout waits for that task.
    const neverRan = failure !== undefined && NEVER_RAN_REASONS.has(failure.reason ?? '');
    if (task.crashLooped || (isGone(task.state) && failure !== undefined && !neverRan)) {
      const what = failure === undefined ? task.state : `${failure.state}${failure.message === undefined ? '' : `: ${failure.message}`}`;
      return halt(task.alias, `the replacement of ${task.alias} (${task.taskId}) ended ${what.replace(/^TASK_/, '')}`);
    }
    if (task.state === 'TASK_RUNNING' && task.healthy === false) {
      return halt(task.alias, `the replacement of ${task.alias} (${task.taskId}) failed its health check`);
    }
    if (task.state === 'TASK_RUNNING' && (task.healthy === true || !checksHealth(view, task))) {
      rollout.inFlight.splice(rollout.inFlight.indexOf(target), 1);
      rollout.done.push(task.alias);
      changed = true;
      reports.push({ type: 'rollout-replaced', revision: rollout.revision, alias: task.alias, taskId: task.taskId });
      continue;
    }
    if (timedOut) {
      const where = task.state === 'TASK_RUNNING' ? 'RUNNING but not healthy' : task.state.replace(/^TASK_/, '');
      return halt(task.alias, `the replacement of ${task.alias} (${task.taskId}) is ${where}, not RUNNING and healthy ${within}`);
    }
  }
  if (rollout.inFlight.length > 0) return { replace, reports, changed };

  // 2. The next batch: workers, then masters.
  for (const role of ['worker', 'master'] as const) {
    const outdated = sortTasks(view.tasks.filter((task) => task.role === role && wantsReplacing(task, rollout, view.desired)));
    const candidates = role === 'master' ? leaderLast(outdated, view.leadingMaster) : outdated;
    if (candidates.length === 0) continue;
    let batch = candidates.slice(0, 1);
    if (role === 'worker') {
      const workers = view.tasks.filter(
        (task) => task.role === 'worker' && (task.killRequested === undefined || task.killRequested.relaunch),
      );
      const limit = maxUnavailableCount(view.desired.maxUnavailable, workers.length);
      let unavailable = workers.filter((task) => !isAvailable(task, view.healthChecked)).length;
      // Workers already unavailable first: replacing them takes nothing more away.
      const ordered = [...candidates].sort(
        (a, b) => Number(isAvailable(a, view.healthChecked)) - Number(isAvailable(b, view.healthChecked)),
      );
      batch = [];
      for (const task of ordered) {
        if (batch.length >= limit) break;
        if (isAvailable(task, view.healthChecked)) {
          // Replacing more now would take the available workers below workers - maxUnavailable.
          if (unavailable + 1 > limit) break;
          unavailable += 1;
        }
        batch.push(task);
      }
      if (batch.length === 0) return { replace, reports, changed };
    }
    for (const task of batch) {
      const target: RolloutTarget = { alias: task.alias, fromTaskId: task.taskId, startedAt: now };
      rollout.inFlight.push(target);
      rollout.pending = rollout.pending.filter((alias) => alias !== task.alias);
      replace.push(task);
    }
    if (role === 'master') {
      reports.push({
        type: 'rollout-master-warning',
        revision: rollout.revision,
        alias: batch[0]!.alias,
        text:
          `replacing the Alluxio master ${batch[0]!.alias}: the Alluxio service is unavailable until it is back ` +
          '(workers reconnect to it)',
      });
    }
    reports.push({
      type: 'rollout-batch',
      revision: rollout.revision,
      role,
      aliases: batch.map((task) => task.alias),
      remaining: candidates.length - batch.length,
    });
    return { replace, reports, changed: true };
  }

  // 3. Nothing left.
  rollout.phase = 'done';
  rollout.finishedAt = now;
  rollout.pending = [];
  reports.push({ type: 'rollout-done', revision: rollout.revision, replaced: [...rollout.done], tookMs: now - rollout.startedAt });
  return { replace, reports, changed: true };
}

function wantsReplacing(task: LedgerTask, rollout: RolloutRecord, desired: DesiredState): boolean {
  if (isGone(task.state) || task.killRequested !== undefined) return false;
  return isOutdated(task, desired) || rollout.pending.includes(task.alias);
}

function checksHealth(view: RolloutView, task: LedgerTask): boolean {
  return task.role === 'master' ? (view.mastersHealthChecked ?? view.healthChecked) : view.healthChecked;
}

function isAvailable(task: LedgerTask, healthChecked: boolean): boolean {
  return task.state === 'TASK_RUNNING' && (task.healthy === true || !healthChecked);
}

function aliasNumber(alias: string): number {
  return Number(/-(\d+)$/.exec(alias)?.[1] ?? 0);
}

function sortTasks(tasks: LedgerTask[]): LedgerTask[] {
  return [...tasks].sort((a, b) => aliasNumber(a.alias) - aliasNumber(b.alias));
}

function sortAliases(aliases: string[]): string[] {
  return [...new Set(aliases)].sort((a, b) =>
    a.startsWith('master') === b.startsWith('master') ? aliasNumber(a) - aliasNumber(b) : a.startsWith('master') ? 1 : -1,
  );
}

/** The master task on the leader's host goes last (masters run on distinct agents); order kept otherwise. */
function leaderLast(masters: LedgerTask[], leader: string | null | undefined): LedgerTask[] {
  if (leader === undefined || leader === null) return masters;
  const host = leader.slice(0, leader.lastIndexOf(':')).toLowerCase();
  const isLeader = (task: LedgerTask): boolean => task.hostname.toLowerCase() === host;
  return [...masters.filter((task) => !isLeader(task)), ...masters.filter(isLeader)];
}
