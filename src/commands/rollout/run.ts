/** `alluxio-mesos rollout status|undo`. */
import type { CommandContext } from '../../context/context.js';
import { loadSite } from '../../context/site.js';
import { openDeploymentState } from '../../context/deployment-state.js';
import { ExitCode, NotFoundError } from '../../shared/errors.js';
import { printable } from '../../shared/printable.js';
import { applyChange, type ChangeFlags } from '../common/desired-change.js';
import { describeRollout } from '../common/rollout-text.js';

export type RolloutFlags = ChangeFlags;

export async function runRolloutStatus(ctx: CommandContext, flags: RolloutFlags): Promise<number> {
  const { io, globals } = ctx;
  const site = await loadSite(globals.confDir);
  const state = openDeploymentState(globals, site, { flag: flags.state });
  try {
    const ledger = await state.readLedger();
    const rollout = ledger?.rollout;
    if (rollout === undefined) {
      throw new NotFoundError('no rollout has run for this deployment', { hint: 'a changed deploy, scale or restart starts one' });
    }
    if (globals.json) {
      const { previous, ...rest } = rollout;
      io.stdout.write(
        `${JSON.stringify({ ...rest, previousRevision: previous?.revision ?? null, desiredRevision: ledger?.desired?.revision ?? null })}\n`,
      );
    } else {
      io.stdout.write(`${printable(describeRollout(rollout))}\n`);
    }
    return rollout.phase === 'halted' ? ExitCode.FAILED : ExitCode.OK;
  } finally {
    await state.close();
  }
}

export async function runRolloutUndo(ctx: CommandContext, flags: RolloutFlags): Promise<number> {
  return applyChange(ctx, flags, 'undo the latest change', (_current, ledger) => {
    const previous = ledger.rollout?.previous;
    if (previous === undefined) {
      throw new NotFoundError('no earlier desired state to go back to', { hint: 'undo needs a rollout (alluxio-mesos rollout status)' });
    }
    return { ...previous, restart: [], source: 'undo' };
  });
}
