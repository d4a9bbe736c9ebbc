/**
 * `alluxio-mesos status`: flags and help only.
 */
import type { Command } from 'commander';
import type { ActionRunner } from '../common/action-runner.js';
import { EXIT_CODES_HELP } from '../common/exit-codes-help.js';
import { addConnectionOptions } from '../common/connection-options.js';
import type { StatusFlags } from './run.js';

export function registerStatus(program: Command, run: ActionRunner): void {
  const command = program
    .command('status')
    .argument('[task]', "one task's whole history instead (as kubectl describe): its alias (worker-3) or a task id")
    .description('show the Alluxio framework and its tasks: state, health, host, ports, relaunches');
  addConnectionOptions(command)
    .option('--framework-id <id>', 'another framework than the one saved by deploy')
    .option('--framework-name <name>', 'the running framework with this name')
    .option('--watch', 'refresh until Ctrl-C')
    .option('--interval <duration>', 'refresh interval for --watch, e.g. 2s, 500ms (default 2s)')
    .addHelpText(
      'after',
      `
Mesos is the truth: a task the saved state remembers but Mesos does not list is shown as
UNKNOWN (with why: e.g. its agent is not registered with the master), never as running.
Exit 0 only when a scheduler is connected and every wanted task is RUNNING and healthy (or runs
without a health check); exit 1 otherwise: a task not RUNNING, unhealthy or whose health is not
known yet, a task unknown to Mesos, no scheduler connected, or a framework Mesos does not run.
So it works in monitoring scripts.
With a task (status worker-3): that alias's runs, every state change with Mesos' reason and message,
health changes, relaunches and backoff, and the sandbox of its newest run; exit 0 when that run is
RUNNING, 1 otherwise, 4 when no task has the name.

Examples:
  $ alluxio-mesos status
  $ alluxio-mesos status --watch
  $ alluxio-mesos status worker-3          # its runs, state changes with Mesos' reasons, relaunches, sandbox
  $ alluxio-mesos status --json | jq -r '.tasks[] | "\\(.alias) \\(.state) \\(.host)"'
  $ alluxio-mesos status --framework-name alluxio-staging
${EXIT_CODES_HELP}`,
    )
    .action(async (task: string | undefined, flags: StatusFlags, cmd: Command) => {
      await run(cmd, async (ctx) => {
        const { runStatus } = await import('./run.js');
        return runStatus(ctx, flags, task);
      });
    });
}
