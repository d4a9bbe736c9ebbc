/**
 * `alluxio-mesos rollout status|undo`: flags and help only.
 */
import type { Command } from 'commander';
import type { ActionRunner } from '../common/action-runner.js';
import { EXIT_CODES_HELP } from '../common/exit-codes-help.js';
import type { RolloutFlags } from './run.js';

export function registerRollout(program: Command, run: ActionRunner): void {
  const rollout = program.command('rollout').description('the rolling change of the running deployment: its progress, or undo it');
  rollout
    .command('status')
    .description('the latest rollout: replaced, replacing, halted (where and why) or done')
    .option('--state <file|zk://...>', 'where the deployment state lives (default: as saved by init)')
    .addHelpText('after', `\nExit 0 when it is done or in progress, 1 when it halted, 4 when none ran.\n${EXIT_CODES_HELP}`)
    .action(async (flags: RolloutFlags, cmd: Command) => {
      await run(cmd, async (ctx) => {
        const { runRolloutStatus } = await import('./run.js');
        return runRolloutStatus(ctx, flags);
      });
    });
  rollout
    .command('undo')
    .description('go back to the desired state before the latest change, rolling as any change')
    .option('--state <file|zk://...>', 'where the deployment state lives (default: as saved by init)')
    .option('--no-follow', 'hand the change to the scheduler and return')
    .addHelpText(
      'after',
      `
The tasks replaced so far (and a replacement that failed) are replaced again with the previous
specification; the ones not reached yet already run it.

Examples:
  $ alluxio-mesos rollout status
  $ alluxio-mesos rollout undo --yes
${EXIT_CODES_HELP}`,
    )
    .action(async (flags: RolloutFlags, cmd: Command) => {
      await run(cmd, async (ctx) => {
        const { runRolloutUndo } = await import('./run.js');
        return runRolloutUndo(ctx, flags);
      });
    });
}
