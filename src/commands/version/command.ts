/**
 * `alluxio-mesos version`: flags and help only. `--version --json` answers the same.
 */
import type { Command } from 'commander';
import type { ActionRunner } from '../common/action-runner.js';
import { EXIT_CODES_HELP } from '../common/exit-codes-help.js';

export function registerVersion(program: Command, run: ActionRunner): void {
  program
    .command('version')
    .description('print the version of this CLI, of Node, and the Mesos versions it supports')
    .addHelpText(
      'after',
      `
Examples:
  $ alluxio-mesos version
  $ alluxio-mesos --version --json
${EXIT_CODES_HELP}`,
    )
    .action(async (_flags: unknown, cmd: Command) => {
      await run(cmd, async (ctx) => {
        const { runVersion } = await import('./run.js');
        return runVersion(ctx);
      });
    });
}
