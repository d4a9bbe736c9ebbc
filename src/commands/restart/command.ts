/**
 * `alluxio-mesos restart <alias>|--workers|--all`: flags and help only.
 */
import type { Command } from 'commander';
import type { ActionRunner } from '../common/action-runner.js';
import { EXIT_CODES_HELP } from '../common/exit-codes-help.js';
import type { RestartFlags } from './run.js';

export function registerRestart(program: Command, run: ActionRunner): void {
  program
    .command('restart')
    .argument('[alias]', 'the task to restart (worker-3, master-1)')
    .description('rolling restart of Alluxio tasks with the same specification')
    .option('--workers', 'every worker')
    .option('--all', 'every worker, then the master(s)')
    .option('--max-unavailable <n|percent>', 'restart at most this many workers at once, e.g. 2 or 25% (default: as deployed)')
    .option('--state <file|zk://...>', 'where the deployment state lives (default: as saved by init)')
    .option('--no-follow', 'hand the restart to the scheduler and return')
    .addHelpText(
      'after',
      `
Each task is killed gracefully (SIGTERM, then a grace period), relaunched on its own agent when it
can be (its cache and logs are there), and must be RUNNING and healthy before the next batch. A
replacement that fails halts the restart (status says where and why). The master goes last,
after a warning: the Alluxio service is unavailable until it is back.

Examples:
  $ alluxio-mesos restart worker-3
  $ alluxio-mesos restart --workers --max-unavailable 2
  $ alluxio-mesos restart --all --yes
${EXIT_CODES_HELP}`,
    )
    .action(async (alias: string | undefined, flags: RestartFlags, cmd: Command) => {
      await run(cmd, async (ctx) => {
        const { runRestart } = await import('./run.js');
        return runRestart(ctx, alias, flags);
      });
    });
}
