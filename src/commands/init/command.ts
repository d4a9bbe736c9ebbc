/**
 * `alluxio-mesos init`: flags and help only; the wizard is loaded when the command runs.
 */
import { Option, type Command } from 'commander';
import type { ActionRunner } from '../common/action-runner.js';
import { EXIT_CODES_HELP } from '../common/exit-codes-help.js';
import type { InitInputs } from '../../init/inputs.js';

export function registerInit(program: Command, run: ActionRunner): void {
  program
    .command('init')
    .description('guided set-up: write conf/alluxio-site.properties for Alluxio on Mesos')
    .option('--jar-url <LOCAL|url>', 'LOCAL (Alluxio installed on every agent) or the URL of an Alluxio tarball')
    .option('--alluxio-home <dir>', 'Alluxio install directory on the agents (with --jar-url LOCAL)')
    .option('--jdk-url <LOCAL|url>', "LOCAL (the agents' own Java) or the URL of a JDK tarball")
    .option('--jdk-path <dir>', 'directory the JDK tarball unpacks to (JAVA_HOME, relative to the sandbox)')
    // `--master` is the Mesos master; every `--master-*` flag is about the Alluxio master task.
    .option('--master-count <n>', 'number of Alluxio masters')
    .option('--master-host <host>', 'pin the Alluxio master to this agent host')
    .addOption(
      new Option('--ha <kind>', 'leader election for several masters: zookeeper (with a shared journal) or embedded (Alluxio 2.x)').choices(
        ['zookeeper', 'embedded'],
      ),
    )
    .option('--zookeeper-address <host:port,...>', 'with --ha zookeeper: the ZooKeeper servers (alluxio.zookeeper.address)')
    .option(
      '--journal-folder <uri>',
      'with --ha zookeeper: the master journal on shared storage, e.g. hdfs://namenode:9000/alluxio/journal',
    )
    .option(
      '--embedded-journal-addresses <host:port,...>',
      'with --ha embedded: every master host and journal port, e.g. m1:19200,m2:19200,m3:19200',
    )
    // The first spellings, kept for scripts.
    .addOption(new Option('--masters <n>').hideHelp())
    .addOption(new Option('--alluxio-master <host>').hideHelp())
    .option('--master-cpus <n>', 'CPUs of the master task')
    .option('--master-mem <size>', 'memory of the master task, e.g. 1024MB')
    .option('--worker-cpus <n>', 'CPUs of each worker task')
    .option('--worker-mem <size>', 'worker process memory on top of the ramdisk, e.g. 1024MB')
    .option('--worker-memory-size <size>', 'worker ramdisk size, e.g. 1GB')
    .option('--master-port <port>', 'master RPC port (default 19998)')
    .option('--master-web-port <port>', 'master web UI port (default 19999)')
    .option('--worker-port <port>', 'worker RPC port (default 29998)')
    .option('--worker-data-port <port>', 'worker data port, Alluxio 1.x (default 29999)')
    .option('--worker-web-port <port>', 'worker web UI port (default 30000)')
    .addOption(
      new Option('--port-keys <spelling>', 'property names for ports: 1.x (alluxio.master.port) or 2.x (alluxio.master.rpc.port)').choices([
        '1.x',
        '2.x',
      ]),
    )
    .option('--role <role>', 'Mesos role of the framework (default *)')
    .option('--principal <principal>', 'Mesos principal')
    .option('--secret-file <file>', 'file holding the Mesos secret (never pass a secret on the command line)')
    .option('--store-secret', 'also write the secret into alluxio-site.properties (file mode 0600)')
    .option('--user <user>', 'user the Alluxio tasks run as')
    .option('--underfs-address <uri>', 'under-storage address, e.g. hdfs://namenode:9000/alluxio')
    .option('--max-workers <n>', 'maximum number of workers (default: one per agent)')
    .option('--state <file|zk://...>', 'where deploy keeps the framework id and tasks: file (default) or zk://host:2181/alluxio-mesos')
    .addOption(
      new Option('--write-service <kind>', 'also write a service file that runs the scheduler: a systemd unit or a Marathon app').choices([
        'systemd',
        'marathon',
      ]),
    )
    .option('--service-file <file>', 'where --write-service writes (default: in the conf dir)')
    .option('--force', 'overwrite an existing file without asking (a backup is still kept)')
    .option('--dry-run', 'print the file that would be written (with --write-service: the service file), write nothing')
    .addHelpText(
      'after',
      `
Every question has a flag; with --yes, without a terminal, or with CI set, init never prompts and
fails (exit 2) listing the flags still needed.

Examples:
  $ npx alluxio-mesos init
  $ alluxio-mesos init --yes --master mesos.example.com:5050 --jar-url LOCAL --alluxio-home /opt/alluxio
  $ alluxio-mesos init --yes --master zk://zk1:2181,zk2:2181/mesos \\
      --jar-url https://downloads.example.com/alluxio-1.8.2-bin.tar.gz --worker-memory-size 4GB
  $ ALLUXIO_MESOS_SECRET=s3cret alluxio-mesos init --principal alluxio --store-secret --yes --force
  $ alluxio-mesos init --yes --master m:5050 --jar-url LOCAL --master-count 2 --ha zookeeper \\
      --zookeeper-address zk1:2181,zk2:2181,zk3:2181 --journal-folder hdfs://namenode:9000/alluxio/journal
  $ alluxio-mesos init --dry-run --yes --master local --jar-url LOCAL
  $ alluxio-mesos init --write-service systemd
  $ alluxio-mesos init --state zk://zk1:2181,zk2:2181/alluxio-mesos --write-service marathon --service-file app.json

With --write-service and an existing configuration, init asks nothing: the service file is written
from the settings as saved (and as changed by the flags given).
${EXIT_CODES_HELP}`,
    )
    .action(async (flags: InitInputs, command: Command) => {
      await run(command, async (ctx) => {
        const { runInit } = await import('./run.js');
        return runInit(ctx, flags);
      });
    });
}
