/**
 * `alluxio-mesos deploy`: flags and help only; the scheduler is loaded when the command runs.
 */
import { Option, type Command } from 'commander';
import type { ActionRunner } from '../common/action-runner.js';
import { EXIT_CODES_HELP } from '../common/exit-codes-help.js';
import { addConnectionOptions } from '../common/connection-options.js';
import type { DeployFlags } from './run.js';

export function registerDeploy(program: Command, run: ActionRunner): void {
  const command = program
    .command('deploy')
    .description('run the Alluxio framework: launch the master(s) and one worker per agent, and keep them running');
  addConnectionOptions(command)
    .option(
      '--jar-url <LOCAL|url>',
      'LOCAL (Alluxio at alluxio.home on every agent) or an Alluxio tarball URL (default: from alluxio-site.properties)',
    )
    .option('--alluxio-home <dir>', 'Alluxio install directory on the agents, with --jar-url LOCAL')
    // `--master` is the Mesos master; every `--master-*` flag is about the Alluxio master task.
    .option('--master-host <host>', 'run the Alluxio master on this agent host only')
    .addOption(new Option('--alluxio-master <host>').hideHelp())
    .option('--max-workers <n>', 'at most this many workers (default: one per agent)')
    .option('--framework-name <name>', 'framework name (default: alluxio)')
    // The first spelling, kept for scripts; logs, status and teardown all say --framework-name.
    .addOption(new Option('--name <name>').hideHelp())
    .option('--failover-timeout <duration>', 'how long Mesos keeps the tasks while deploy is disconnected, e.g. 7d, 12h (default: 7d)')
    .addOption(new Option('--encoding <encoding>', 'scheduler API encoding').choices(['protobuf', 'json']).default('protobuf'))
    .addOption(
      new Option('--transport <transport>', "v1 HTTP scheduler API, or legacy (the scheduler driver's protocol, Mesos before 0.28)")
        .choices(['auto', 'v1', 'legacy'])
        .default('auto'),
    )
    .option(
      '--listen <ip[:port]>',
      'legacy transport: the address the scheduler listens on (default LIBPROCESS_IP, LIBPROCESS_PORT; else any)',
    )
    .option(
      '--advertise <ip[:port]>',
      'legacy transport: the address the master connects back to (default LIBPROCESS_ADVERTISE_IP/_PORT; else the one toward the master)',
    )
    .option('--new-framework', 'register a new framework even though the ledger records live tasks')
    .option('--no-health-checks', 'no Mesos TCP health checks on the Alluxio RPC ports')
    .option(
      '--health-check-delay <duration>',
      'time before the first health check, e.g. 5s (default 1s; start-up is covered by a 300 s grace period)',
    )
    .option('--health-check-interval <duration>', 'time between health checks, e.g. 10s (default 2s)')
    .option(
      '--state <file|zk://...>',
      'where the framework id and tasks live: file (default, beside the configuration) or zk://host:2181/alluxio-mesos (default: as saved by init)',
    )
    .option(
      '--detach',
      'run in the background, logging NDJSON to <conf>/alluxio-mesos-framework.out (pid in <conf>/alluxio-mesos-framework.pid)',
    )
    .option(
      '--workers-with-master',
      "launch the workers in the same offer round as the master instead of once it is healthy (its workers retry registering, as Alluxio's do)",
    )
    .option('--standby', 'when another scheduler is active for this deployment, wait and take over when it stops (instead of exit 1)')
    .option('--max-unavailable <n|percent>', 'rolling changes: replace at most this many workers at once, e.g. 2 or 25% (default 1)')
    .option('--dry-run', 'print the FrameworkInfo, the task plan and the changes to a running deployment; launch nothing')
    .option('--teardown', 'remove the framework and all its tasks (same as the teardown command, without the question)')
    .addHelpText(
      'after',
      `
Ctrl-C disconnects: Mesos keeps the Alluxio tasks for the failover timeout and a second deploy
reattaches (the framework id and tasks are kept in conf/alluxio-mesos-ledger.json).
One scheduler is active per configuration (conf/alluxio-mesos.lock names it): a second deploy
exits 1 naming it; with --standby it waits and takes over (and adopts the tasks) when it stops.
A changed configuration (worker memory, --jar-url, ...) is a rolling change: deploy shows the plan,
asks once (--yes does not ask), and hands it to the running scheduler, following its progress
(Ctrl-C stops following only; alluxio-mesos rollout status|undo).

Examples:
  $ alluxio-mesos deploy --jar-url LOCAL --alluxio-home /opt/alluxio
  $ alluxio-mesos deploy --jar-url https://repo.example.com/alluxio-1.8.2-bin.tar.gz --max-workers 10
  $ alluxio-mesos deploy --master local --jar-url LOCAL --alluxio-home ./demo/alluxio-1.8.2
  $ alluxio-mesos deploy --detach && alluxio-mesos status --watch
  $ alluxio-mesos deploy --detach --standby   # a hot standby of the running scheduler
  $ alluxio-mesos deploy --dry-run
  $ alluxio-mesos deploy --max-unavailable 2 --yes   # roll a changed configuration out, 2 workers at a time
  $ alluxio-mesos deploy --transport legacy --listen 10.0.0.5:9090   # Mesos 0.23-0.27
  $ alluxio-mesos deploy --json | jq -c 'select(.type == "task-state")'
${EXIT_CODES_HELP}`,
    )
    .action(async (flags: DeployFlags, cmd: Command) => {
      await run(cmd, async (ctx) => {
        const { runDeploy } = await import('./run.js');
        return runDeploy(ctx, flags, process.argv.slice(2));
      });
    });
}
