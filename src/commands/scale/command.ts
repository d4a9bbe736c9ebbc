/**
 * `alluxio-mesos scale --workers N`: flags and help only.
 */
import type { Command } from 'commander';
import type { ActionRunner } from '../common/action-runner.js';
import { EXIT_CODES_HELP } from '../common/exit-codes-help.js';
import type { ScaleFlags } from './run.js';

export function registerScale(program: Command, run: ActionRunner): void {
  program
    .command('scale')
    .description('change the number of Alluxio workers of the running deployment')
    .option('--workers <n>', 'the number of workers wanted (at most one per agent)')
    .option('--state <file|zk://...>', 'where the deployment state lives (default: as saved by init)')
    .option('--no-follow', 'hand the change to the scheduler and return')
    .addHelpText(
      'after',
      `
Up: the scheduler asks Mesos for offers again and places new workers on agents without one.
Down: the newest workers stop first, gracefully (SIGTERM, then a grace period), and are forgotten.
The running scheduler (deploy) applies it; this command shows the plan, asks once (--yes does
not ask) and follows until the workers are placed or stopped. Ctrl-C stops following only.

Examples:
  $ alluxio-mesos scale --workers 5
  $ alluxio-mesos scale --workers 2 --yes
${EXIT_CODES_HELP}`,
    )
    .action(async (flags: ScaleFlags, cmd: Command) => {
      await run(cmd, async (ctx) => {
        const { runScale } = await import('./run.js');
        return runScale(ctx, flags);
      });
    });
}
