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
import type { Ledger } from '../../state/ledger.js';
import { planRollout, type RolloutPlan } from '../../framework/scheduler/rollout-plan.js';
import { CancelledError, ExitCode, OperationError } from '../../shared/errors.js';
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
          emit({ type: 'rollout', revision, phase: 'none' }, 'no task needs replacing');
          return ExitCode.OK;
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
