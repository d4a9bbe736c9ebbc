/**
 * `alluxio-mesos local-cluster`: flags and help only; the cluster is loaded when the command runs.
 */
import type { Command } from 'commander';
import type { ActionRunner } from '../common/action-runner.js';
import { EXIT_CODES_HELP } from '../common/exit-codes-help.js';
import type { LocalClusterFlags } from './run.js';

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

export function registerLocalCluster(program: Command, run: ActionRunner): void {
  program
    .command('local-cluster')
    .description('run an embedded single-machine Mesos cluster (master + agents on 127.0.0.x) to rehearse and test on')
    .option('--agents <n>', 'number of agents, on 127.0.0.2, 127.0.0.3, ... (default 3)')
    .option('--port <port>', 'master port on 127.0.0.1 (default 5050; 0 picks a free one)')
    .option('--work-dir <dir>', 'where sandboxes live (default: a new temporary directory)')
    .option(
      '--resources <resources>',
      'agent --resources, once for all agents or once per agent ' +
        '(default cpus:4;mem:8192;disk:16384;ports:[19998-19999,29998-30000,31000-32000])',
      collect,
    )
    .option('--heartbeat-interval <duration>', 'scheduler HEARTBEAT interval, e.g. 15s (default 15s, as Mesos)')
    .option('--zk <url>', 'register the master in ZooKeeper for leader election, e.g. zk://127.0.0.1:2181/mesos')
    .option('--write-demo-dist <dir>', 'write the stand-in Alluxio distribution (directory and .tar.gz) into DIR and exit')
    .option('--force', 'with --write-demo-dist: replace a tarball of that name that is not a stand-in')
    .addHelpText(
      'after',
      `
It speaks the same HTTP APIs as Mesos 1.x (scheduler, operator, state and sandbox file endpoints) and
runs tasks as real processes in real sandboxes. Every server binds to 127.x.x.x only.

kill -USR2 <pid> restarts the master, as a real master process restart. With --zk it is a failover:
the new master redirects API calls to itself for about 6 s while it takes over (as Mesos does), and
the agents re-register with their tasks. Without --zk the agents never re-register with the
restarted master, as on a standalone Mesos cluster: their tasks keep running, unknown to Mesos.

Examples:
  $ alluxio-mesos local-cluster --agents 3 --port 5050 --work-dir /tmp/mesos-local
  $ alluxio-mesos local-cluster --agents 2 --resources 'cpus:4;mem:8192;ports:[31000-32000]'
  $ alluxio-mesos local-cluster --write-demo-dist ./demo
  $ alluxio-mesos check-ports --master 127.0.0.1:5050
${EXIT_CODES_HELP}`,
    )
    .action(async (flags: LocalClusterFlags, cmd: Command) => {
      await run(cmd, async (ctx) => {
        const { runLocalCluster } = await import('./run.js');
        return runLocalCluster(ctx, flags);
      });
    });
}
