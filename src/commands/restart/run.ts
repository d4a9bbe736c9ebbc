/** `alluxio-mesos restart <alias>|--workers|--all`: a rolling restart by the running scheduler. */
import type { CommandContext } from '../../context/context.js';
import { NotFoundError, UsageError } from '../../shared/errors.js';
import { isGone } from '../../state/ledger.js';
import { parseMaxUnavailable } from '../../framework/scheduler/rollout.js';
import { applyChange, type ChangeFlags } from '../common/desired-change.js';

export interface RestartFlags extends ChangeFlags {
  workers?: boolean;
  all?: boolean;
  maxUnavailable?: string;
}

export async function runRestart(ctx: CommandContext, alias: string | undefined, flags: RestartFlags): Promise<number> {
  const chosen = [alias !== undefined, flags.workers === true, flags.all === true].filter(Boolean).length;
  if (chosen !== 1) {
    throw new UsageError('restart needs exactly one of: an alias (worker-3), --workers or --all', {
      hint: 'e.g. alluxio-mesos restart worker-3, or alluxio-mesos restart --workers',
    });
  }
  const maxUnavailable = flags.maxUnavailable === undefined ? undefined : parseMaxUnavailable(flags.maxUnavailable);
  const what = alias ?? (flags.all === true ? 'every task' : 'every worker');
  return applyChange(ctx, flags, `restart ${what}`, (current, ledger) => {
    const live = ledger.tasks.filter((task) => !isGone(task.state) && (task.killRequested === undefined || task.killRequested.relaunch));
    let restart: string[];
    if (alias !== undefined) {
      if (!live.some((task) => task.alias === alias)) {
        throw new NotFoundError(`no running task is named ${alias}`, {
          hint: `running: ${live.map((task) => task.alias).join(', ') || 'none'} (alluxio-mesos status)`,
        });
      }
      restart = [alias];
    } else {
      restart = live.filter((task) => flags.all === true || task.role === 'worker').map((task) => task.alias);
    }
    return { ...current, restart, source: 'restart', ...(maxUnavailable === undefined ? {} : { maxUnavailable }) };
  });
}
