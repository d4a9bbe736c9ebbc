/**
 * `alluxio-mesos teardown`: flags and help only.
 */
import type { Command } from 'commander';
import type { ActionRunner } from '../common/action-runner.js';
import { EXIT_CODES_HELP } from '../common/exit-codes-help.js';
import { addConnectionOptions } from '../common/connection-options.js';
import type { TeardownFlags } from '../common/teardown-framework.js';

export function registerTeardown(program: Command, run: ActionRunner): void {
  const command = program
    .command('teardown')
    .description('remove the Alluxio framework and every task it runs, then clear the saved state');
  addConnectionOptions(command)
    .option('--framework-id <id>', 'tear down this framework instead of the one saved by deploy')
    .option('--framework-name <name>', 'tear down the running framework with this name instead')
    .addHelpText(
      'after',
      `
Asks you to type the framework's name first, unless --yes. Then waits (up to --timeout) for Mesos
to report every task of the framework ended, and exits 1 naming the tasks that may still run and
why: Mesos cannot kill a task on an agent that is not registered with the master (after a
standalone master restart, agents never re-register); stop those on their hosts.

Examples:
  $ alluxio-mesos teardown
  $ alluxio-mesos teardown --yes --json
  $ alluxio-mesos teardown --framework-id 9f4a...-0003 --yes
  $ alluxio-mesos teardown --framework-name alluxio-test --yes
${EXIT_CODES_HELP}`,
    )
    .action(async (flags: TeardownFlags, cmd: Command) => {
      await run(cmd, async (ctx) => {
        const { runTeardown } = await import('./run.js');
        return runTeardown(ctx, flags);
      });
    });
}
