/**
 * `alluxio-mesos local-cluster`: flags and help only; the cluster is loaded when the command runs.
 */
import type { Command } from 'commander';
import type { ActionRunner } from '../common/action-runner.js';
import { EXIT_CODES_HELP } from '../common/exit-codes-help.js';
import type { LocalClusterFlags } from './run.js';

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

export function registerLocalCluster(program: Command, run: ActionRunner): void {
  const localCluster = program
    .command('local-cluster')
    .description('run an embedded single-machine Mesos cluster (master + agents on 127.0.0.x) to rehearse and test on')
    .option('--agents <n>', 'number of agents (1 to 1000), on 127.0.0.2, 127.0.0.3, ..., then 127.0.1.1, ... (default 3)')
    .option('--agent-hosts <n>', 'child processes the agents and their executors run in, off the master (default: one per core)')
    .option('--port <port>', 'master port on 127.0.0.1 (default 5050; 0 picks a free one)')
    .option('--work-dir <dir>', 'where sandboxes live (default: a new temporary directory)')
    .option(
      '--resources <resources>',
      'agent --resources, once for all agents or once per agent ' +
        '(default cpus:4;mem:8192;disk:16384;ports:[19998-19999,29998-30000,31000-32000])',
      collect,
    )
    .option('--heartbeat-interval <duration>', 'scheduler HEARTBEAT interval, e.g. 15s (default 15s, as Mesos)')
    .option(
      '--agent-ping-timeout <duration>',
      "how often the master pings each agent, e.g. 1s, as Mesos' --agent_ping_timeout (default 15s)",
    )
    .option(
      '--max-agent-ping-timeouts <n>',
      "missed pings before the master marks an agent unreachable, as Mesos' --max_agent_ping_timeouts (default 5)",
    )
    .option(
      '--mesos-version <version>',
      'emulate this Mesos: its endpoint names and APIs, e.g. 0.23.0, 0.25.0, 0.27.2, 0.28.2 (default 1.12.0)',
    )
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

One agent at a time is killed, started or restarted from another shell with
\`alluxio-mesos local-cluster agent list|kill|start|restart\` (see its --help), to rehearse the loss
of an agent: a killed agent's tasks die with it, and the master marks it unreachable (its tasks
LOST) after --agent-ping-timeout x --max-agent-ping-timeouts.

Examples:
  $ alluxio-mesos local-cluster --agents 3 --port 5050 --work-dir /tmp/mesos-local
  $ alluxio-mesos local-cluster --agents 2 --resources 'cpus:4;mem:8192;ports:[31000-32000]'
  $ alluxio-mesos local-cluster --write-demo-dist ./demo
  $ alluxio-mesos local-cluster --agents 3 --agent-ping-timeout 1s --max-agent-ping-timeouts 3   # agent loss noticed in 3 s
  $ alluxio-mesos check-ports --master 127.0.0.1:5050
${EXIT_CODES_HELP}`,
    )
    .action(async (flags: LocalClusterFlags, cmd: Command) => {
      await run(cmd, async (ctx) => {
        const { runLocalCluster } = await import('./run.js');
        return runLocalCluster(ctx, flags);
      });
    });
  localCluster
    .command('agent')
    .description('list the agents of a running local-cluster, or kill, start or restart one of them')
    .argument('<action>', 'list, kill, start or restart')
    .argument('[agent]', 'the agent: its number (1 is 127.0.0.2) or its address')
    .configureHelp({
      showGlobalOptions: true,
      // local-cluster's own options describe a cluster to start, not this client: only the program's are listed.
      visibleGlobalOptions: (cmd: Command) => (cmd.parent?.parent?.options ?? []).filter((option) => !option.hidden),
    })
    .addHelpText(
      'after',
      `
Talks to the local-cluster whose master is --master (or MESOS_MASTER), else 127.0.0.1:5050.

  kill      the agent process dies with its tasks (SIGKILL), as when its host fails. The master
            marks it disconnected at its next ping (no more offers from it) and unreachable, its
            tasks LOST, after --agent-ping-timeout x --max-agent-ping-timeouts; a scheduler
            then relaunches them elsewhere, or waits for room.
  start     a killed agent starts again on the same address and port. It keeps no state (as after
            its host rebooted): it registers as a new agent, with a new id and no tasks.
  restart   kill, then start at once. The master removes the old agent as soon as the new one
            registers at its address ("a new agent registered at the same address", as Mesos does),
            its tasks LOST.

The list shows each agent's process and what the master sees: registered, disconnected,
unreachable, removed or not registered.

Examples:
  $ alluxio-mesos local-cluster agent list --master 127.0.0.1:5050
  $ alluxio-mesos local-cluster agent kill 2
  $ alluxio-mesos local-cluster agent start 127.0.0.3
  $ alluxio-mesos local-cluster agent restart 1 --json
${EXIT_CODES_HELP}`,
    )
    .action(async (action: string, agent: string | undefined, _flags: unknown, cmd: Command) => {
      await run(cmd, async (ctx) => {
        const { runLocalClusterAgent } = await import('./agent-run.js');
        return runLocalClusterAgent(ctx, action, agent);
      });
    });
}
