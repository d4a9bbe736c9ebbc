/**
 * `alluxio-mesos state migrate`: flags and help only.
 */
import type { Command } from 'commander';
import type { ActionRunner } from '../common/action-runner.js';
import { EXIT_CODES_HELP } from '../common/exit-codes-help.js';

export function registerState(program: Command, run: ActionRunner): void {
  const state = program.command('state').description("manage where the scheduler's state (framework id, tasks) lives");
  state
    .command('migrate')
    .description('move the state between the file beside the configuration and ZooKeeper, keeping the framework id')
    .option('--to <file|zk://...>', 'the new location: file, or zk://host1:2181,host2:2181/alluxio-mesos[?session-timeout=<s>]')
    .addHelpText(
      'after',
      `
Stop deploy first (a running scheduler makes the migration fail, naming it). The source ledger is
kept as a backup (renamed *.migrated-<time>), and the new location is saved in
conf/alluxio-mesos.json, so deploy, status, logs and teardown use it without a flag.

Examples:
  $ alluxio-mesos state migrate --to zk://zk1:2181,zk2:2181/alluxio-mesos
  $ alluxio-mesos state migrate --to file
${EXIT_CODES_HELP}`,
    )
    .action(async (flags: { to?: string }, cmd: Command) => {
      await run(cmd, async (ctx) => {
        const { runStateMigrate } = await import('./run.js');
        return runStateMigrate(ctx, flags);
      });
    });
}
