/**
 * A change of the desired state, as deploy, scale, restart and rollout undo make it: show the plan,
 * ask once (an interactive terminal without --yes), hand the new desired state to the running
 * scheduler through the deployment's state, and follow its rollout as `kubectl rollout status`
 * does. Ctrl-C stops following, never the rollout: the scheduler carries on.
 */
import { randomUUID } from 'node:crypto';
import type { CommandContext } from '../../context/context.js';
import type { DeploymentState } from '../../state/deployment-state.js';
import type { DesiredState, RolloutRecord } from '../../state/desired-state.js';
import { isGone, type Ledger } from '../../state/ledger.js';
import { planRollout, type RolloutPlan } from '../../framework/scheduler/rollout-plan.js';
import { CancelledError, ExitCode, NotFoundError, OperationError } from '../../shared/errors.js';
import { loadSite } from '../../context/site.js';
import { openDeploymentState } from '../../context/deployment-state.js';
import { systemClock } from '../../shared/clock.js';
import { printable } from '../../shared/printable.js';
import { canPrompt } from '../../ui/io.js';
import { inquirerPrompter } from '../../ui/prompts.js';
import { describeRollout, renderPlan } from './rollout-text.js';

/** How often the follower reads the state; the scheduler takes a request within a tick (1 s). */
const FOLLOW_POLL_MS = 500;
/** A running scheduler takes a request within seconds; longer means it is not polling (or not running). */
const TAKE_TIMEOUT_MS = 30_000;

export function planChange(current: Ledger | undefined, next: DesiredState): RolloutPlan {
  return planRollout(current?.desired, next, current?.tasks ?? []);
}

/** Prints the plan (text to stderr-free stdout, or nothing with --json: the caller's JSON carries it) and asks once. */
export async function confirmPlan(ctx: CommandContext, plan: RolloutPlan, what: string): Promise<void> {
  const { io, globals } = ctx;
  if (!globals.json) {
    io.stdout.write(`Plan (${what}):\n`);
    for (const line of renderPlan(plan)) io.stdout.write(`  ${printable(line)}\n`);
  }
  if (!canPrompt(io, globals.yes) || globals.json) return;
  const prompter = await inquirerPrompter(io, ctx.termination.signal);
  const go = await prompter.confirm({ message: 'Apply this change?', default: false });
  if (!go) throw new CancelledError('not applied: nothing was changed');
}

/** Hands `desired` to the running scheduler; returns the request id to follow. */
export async function handOver(state: DeploymentState, desired: DesiredState): Promise<string> {
  const requestId = randomUUID();
  await state.submitDesired({ ...desired, requestId });
  return requestId;
}

/**
 * Follows the change `requestId` until its rollout is done (exit 0) or halted (exit 1); Ctrl-C stops
 * following only (exit 130). Progress as lines, or one NDJSON record per change with --json.
 */
export async function followChange(ctx: CommandContext, state: DeploymentState, requestId: string): Promise<number> {
  const { io, globals } = ctx;
  const signal = ctx.termination.signal;
  const emit = (record: Record<string, unknown>, text: string): void => {
    io.stdout.write(globals.json ? `${JSON.stringify(record)}\n` : `${printable(text)}\n`);
  };
  const startedAt = systemClock.now();
  let taken: Ledger | undefined;
  let last = '';
  try {
    for (;;) {
      const ledger = await state.readLedger();
      if (taken === undefined) {
        if (ledger?.desired?.requestId === requestId) {
          taken = ledger;
          emit(
            { type: 'desired-taken', revision: ledger.desired.revision },
            `the running scheduler took the change as desired state revision ${ledger.desired.revision}`,
          );
        } else if (systemClock.now() - startedAt > TAKE_TIMEOUT_MS) {
          throw new OperationError(`the running scheduler did not take the change within ${TAKE_TIMEOUT_MS / 1000} s`, {
            hint: 'check that it still runs (alluxio-mesos status); the change is kept and taken when it polls again',
          });
        }
      }
      const revision = ledger?.desired?.requestId === requestId ? ledger.desired.revision : taken?.desired?.revision;
      if (taken !== undefined && ledger !== undefined) {
        const rollout: RolloutRecord | undefined = ledger.rollout?.revision === revision ? ledger.rollout : undefined;
        if (rollout === undefined) {
          // No task to replace: a change of counts (scale) is done once the workers match it.
          const counts = workerCounts(ledger);
          const text = `workers: ${counts.running} running of ${counts.wanted ?? 'one per agent'} wanted${counts.stopping > 0 ? `, ${counts.stopping} stopping` : ''}`;
          if (text !== last) {
            last = text;
            emit({ type: 'workers', revision, ...counts }, text);
          }
          if (counts.stopping === 0 && (counts.wanted === null || counts.running === counts.wanted)) return ExitCode.OK;
          await systemClock.sleep(FOLLOW_POLL_MS, signal);
          continue;
        }
        const text = describeRollout(rollout);
        if (text !== last) {
          last = text;
          emit({ type: 'rollout', ...rollout, previous: undefined }, text);
        }
        if (rollout.phase === 'done') return ExitCode.OK;
        if (rollout.phase === 'halted') return ExitCode.FAILED;
      }
      await systemClock.sleep(FOLLOW_POLL_MS, signal);
    }
  } catch (error) {
    if (!signal.aborted) throw error;
    if (!globals.json) io.stderr.write('stopped following; the rollout goes on (alluxio-mesos rollout status)\n');
    return ExitCode.INTERRUPTED;
  }
}

export interface ChangeFlags {
  /** `--state`: where the deployment's state lives (default: as saved by init). */
  state?: string;
  /** `--no-follow`: hand the change over and return. */
  follow?: boolean;
}

/**
 * scale, restart and rollout undo: a new desired state made from the recorded one, planned,
 * confirmed, handed to the running scheduler and followed. The recorded desired state is the base,
 * so these need no configuration beyond where the state lives.
 */
export async function applyChange(
  ctx: CommandContext,
  flags: ChangeFlags,
  what: string,
  change: (current: DesiredState, ledger: Ledger) => DesiredState,
): Promise<number> {
  const { io, globals } = ctx;
  const site = await loadSite(globals.confDir);
  const state = openDeploymentState(globals, site, { flag: flags.state });
  try {
    const ledger = await state.readLedger();
    if (ledger?.desired === undefined) {
      throw new NotFoundError('no desired state is recorded for this deployment', {
        hint: 'run alluxio-mesos deploy first (a scheduler of this version records what should run)',
      });
    }
    const { leader } = await state.readScheduler();
    if (leader === undefined) {
      throw new OperationError(`no scheduler is running for this deployment (${state.location}): nothing would apply the ${what}`, {
        hint: 'start it (alluxio-mesos deploy --detach), then run this again',
      });
    }
    const next = change(ledger.desired, ledger);
    const plan = planChange(ledger, next);
    if (plan.unchanged) {
      if (globals.json) io.stdout.write(`${JSON.stringify({ type: 'plan', ...plan })}\n`);
      else io.stdout.write('No change: the desired state is the one the scheduler has.\n');
      return ExitCode.OK;
    }
    await confirmPlan(ctx, plan, `${what}, handed to the running scheduler, pid ${leader.pid} on ${leader.host}`);
    const requestId = await handOver(state, next);
    if (globals.json) io.stdout.write(`${JSON.stringify({ type: 'plan', ...plan, requestId })}\n`);
    if (flags.follow === false) return ExitCode.OK;
    return await followChange(ctx, state, requestId);
  } finally {
    await state.close();
  }
}

/** Workers RUNNING (and healthy where known) against the desired count, and those still stopping after a scale-down. */
function workerCounts(ledger: Ledger): { wanted: number | null; running: number; stopping: number } {
  const workers = ledger.tasks.filter((task) => task.role === 'worker' && !isGone(task.state));
  const stopping = workers.filter((task) => task.killRequested?.relaunch === false).length;
  const running = workers.filter(
    (task) => task.killRequested === undefined && task.state === 'TASK_RUNNING' && task.healthy !== false,
  ).length;
  return { wanted: ledger.desired?.workers ?? null, running, stopping };
}
