/**
 * Rollouts in words: the plan shown before a change (deploy, scale, restart, rollout undo), the
 * scheduler's rollout reports (deploy's live view, and the commands that follow a rollout), and a
 * rollout record's progress (`rollout status`, `status`).
 */
import type { SchedulerReport } from '../../framework/scheduler/state-machine.js';
import { aliasRanges, type RolloutPlan } from '../../framework/scheduler/rollout-plan.js';
import type { RolloutRecord } from '../../state/desired-state.js';
import { printable } from '../../shared/printable.js';

type RolloutSchedulerReport = Extract<
  SchedulerReport,
  {
    type:
      | 'desired-applied'
      | 'worker-retired'
      | 'rollout-batch'
      | 'rollout-replaced'
      | 'rollout-master-warning'
      | 'rollout-halted'
      | 'rollout-done';
  }
>;

export function describeRolloutReport(report: RolloutSchedulerReport): string {
  switch (report.type) {
    case 'desired-applied':
      return `desired state revision ${report.revision} (from ${report.source})${report.rollout ? ': rolling out' : ''}`;
    case 'worker-retired':
      return `${report.alias} stops for good (scaled down)`;
    case 'rollout-batch':
      return `rollout ${report.revision}: replacing ${aliasRanges(report.aliases)} (${report.remaining} ${report.role}(s) after this batch)`;
    case 'rollout-replaced':
      return `rollout ${report.revision}: ${report.alias} replaced, running and healthy as ${report.taskId}`;
    case 'rollout-master-warning':
      return `warning: ${report.text}`;
    case 'rollout-halted':
      return (
        `rollout ${report.revision} HALTED at ${report.alias}: ${report.reason}. The rest keep the old specification; ` +
        'fix and re-apply, or run `alluxio-mesos rollout undo`'
      );
    case 'rollout-done':
      return `rollout ${report.revision} done: ${report.replaced.length === 0 ? 'nothing replaced' : `replaced ${aliasRanges(report.replaced)}`} in ${(report.tookMs / 1000).toFixed(1)} s`;
  }
}

/** The plan as lines, for the terminal (before the question, or for `--dry-run`). */
export function renderPlan(plan: RolloutPlan): string[] {
  if (plan.first) return ['No desired state is recorded yet: the running tasks (if any) are taken as they are.'];
  if (plan.unchanged) return ['No change: the desired state is the one the scheduler has.'];
  const lines: string[] = [];
  for (const change of plan.changes) {
    const who = change.aliases.length === 0 ? `${change.role}s (none running)` : aliasRanges(change.aliases);
    lines.push(`${who}: ${change.changes.map((line) => printable(line)).join(', ')}`);
  }
  if (plan.restart.length > 0) lines.push(`${aliasRanges(plan.restart)}: restart with the same specification`);
  if (plan.scale !== undefined) {
    const count = (n: number | null): string => (n === null ? 'one per agent' : String(n));
    lines.push(`workers: ${count(plan.scale.from)} -> ${count(plan.scale.to)}${scaleNote(plan.scale)}`);
  }
  if (plan.batches.length > 0) {
    lines.push(
      `order (batches of at most ${plan.batchSize}, each RUNNING and healthy before the next): ${plan.batches.map((batch) => aliasRanges(batch)).join(' | ')}`,
    );
  }
  if (plan.masterReplaced) lines.push('warning: the Alluxio master is replaced last; the Alluxio service is unavailable until it is back');
  return lines;
}

function scaleNote(scale: { from: number | null; to: number | null }): string {
  if (scale.to === null) return '';
  if (scale.from !== null && scale.to < scale.from) return ' (the newest workers stop first, gracefully)';
  return ' (new workers are placed on agents without one)';
}

/** One line on a rollout record's progress. */
export function describeRollout(rollout: RolloutRecord): string {
  const done = rollout.done.length === 0 ? 'none replaced yet' : `replaced ${aliasRanges(rollout.done)}`;
  switch (rollout.phase) {
    case 'rolling':
      return `rollout ${rollout.revision} in progress: ${done}${rollout.inFlight.length > 0 ? `; replacing ${aliasRanges(rollout.inFlight.map((t) => t.alias))}` : ''}`;
    case 'halted':
      return `rollout ${rollout.revision} HALTED at ${rollout.halt?.alias ?? '?'}: ${rollout.halt?.reason ?? 'unknown reason'} (${done}); fix and re-apply, or run \`alluxio-mesos rollout undo\``;
    case 'done':
      return `rollout ${rollout.revision} done: ${done}`;
  }
}
