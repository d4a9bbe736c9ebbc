/**
 * `alluxio-mesos check-ports`: flags and help only; the check is loaded when the command runs.
 */
import type { Command } from 'commander';
import type { ActionRunner } from '../common/action-runner.js';
import { EXIT_CODES_HELP } from '../common/exit-codes-help.js';
import { addConnectionOptions } from '../common/connection-options.js';
import type { CheckPortsFlags } from './run.js';

export function registerCheckPorts(program: Command, run: ActionRunner): void {
  const command = program
    .command('check-ports')
    .description('check the Mesos master version and every agent for the Alluxio ports and task sizes, and print the fix');
  addConnectionOptions(command)
    .option('--strict', 'fail unless every active agent can run a worker')
    .option('--suggest-ports', 'suggest Alluxio ports that the agents already offer and nobody uses')
    .option('--write', 'with --suggest-ports: write the suggested ports into alluxio-site.properties (diff, backup)')
    .addHelpText(
      'after',
      `
Reads the ports and task sizes from alluxio-site.properties (1.x or 2.x key names; defaults: master
19998-19999, worker 29998-30000) and the master address saved by init, unless --master is given.
Exit 0 when the configured number of masters and at least one worker can be placed.

Examples:
  $ alluxio-mesos check-ports
  $ alluxio-mesos check-ports --master zk://zk1:2181,zk2:2181/mesos --strict
  $ alluxio-mesos check-ports --master https://mesos.example.com/mesos --ca-file ca.pem --principal ops --secret-file ~/.mesos-secret
  $ alluxio-mesos check-ports --suggest-ports --write
  $ alluxio-mesos check-ports --json | jq '.agents[] | select(.worker.ok | not) | .hostname'
${EXIT_CODES_HELP}`,
    )
    .action(async (flags: CheckPortsFlags, cmd: Command) => {
      await run(cmd, async (ctx) => {
        const { runCheckPorts } = await import('./run.js');
        return runCheckPorts(ctx, flags);
      });
    });
}
