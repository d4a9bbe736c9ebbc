/**
 * The wizard, as data: one row per question, in the order asked. Each row says which flag answers it
 * without a prompt, where its answer goes (an Alluxio property, or a CLI setting that Alluxio must
 * not see), when it applies, and how an answer is checked. `wizard.ts` walks this table; nothing
 * else knows the questions.
 */
import type { Choice } from '../ui/prompts.js';

export type StepId =
  | 'master'
  | 'distribution'
  | 'jarUrl'
  | 'alluxioHome'
  | 'java'
  | 'jdkUrl'
  | 'jdkPath'
  | 'masterCount'
  | 'ha'
  | 'zookeeperAddress'
  | 'journalFolder'
  | 'embeddedJournalAddresses'
  | 'alluxioMaster'
  | 'masterCpus'
  | 'masterMem'
  | 'workerCpus'
  | 'workerMem'
  | 'workerMemorySize'
  | 'customPorts'
  | 'masterPort'
  | 'masterWebPort'
  | 'workerPort'
  | 'workerDataPort'
  | 'workerWebPort'
  | 'role'
  | 'principal'
  | 'secretFile'
  | 'user'
  | 'underfsAddress'
  | 'maxWorkers'
  | 'state';

export type Answers = Partial<Record<StepId, string>>;

/** Where an answer is stored. `property` keys may depend on the port spelling (1.x or 2.x). */
type StepTarget =
  | { kind: 'property'; key: string | ((spelling: PortSpelling) => string) }
  | { kind: 'setting'; key: 'master' | 'alluxioMaster' | 'secretFile' | 'maxWorkers' | 'state' }
  | { kind: 'derived' };

export type PortSpelling = '1.x' | '2.x';

export interface Step {
  id: StepId;
  /** The commander flag (long name, without value placeholder) that answers this step. */
  flag: string;
  /** Placeholder shown in help and in the "missing flags" list. */
  placeholder: string;
  message: string;
  help: string;
  target: StepTarget;
  prompt: 'input' | 'select' | 'confirm';
  choices?: readonly Choice<string>[];
  /** Without an answer, the non-interactive run fails naming this flag. */
  required?: boolean;
  /** An empty answer is allowed and means "not set". */
  optional?: boolean;
  when?: (answers: Answers, spelling: PortSpelling) => boolean;
}

const isLocal = (answers: Answers): boolean => answers.distribution === 'local';
/** Several masters need leader election; with one, `--ha` still sets it up when given. */
const asksHighAvailability = (answers: Answers): boolean => Number(answers.masterCount) > 1 || answers.ha !== undefined;
const customPorts = (answers: Answers): boolean => answers.customPorts === 'yes';

export const STEPS: readonly Step[] = [
  {
    id: 'master',
    flag: '--master',
    placeholder: '<address>',
    message: 'Mesos master address (host:port, http(s)://host:port, or zk://host:2181/mesos)',
    help: 'Where the Mesos master is; remembered for later commands (not an Alluxio property).',
    target: { kind: 'setting', key: 'master' },
    prompt: 'input',
    required: true,
  },
  {
    id: 'distribution',
    flag: '--jar-url',
    placeholder: '<LOCAL|url>',
    message: 'How do the Mesos agents get Alluxio?',
    help: 'LOCAL: Alluxio is installed on every agent at alluxio.home; or the URL of an Alluxio tarball.',
    target: { kind: 'derived' },
    prompt: 'select',
    choices: [
      { value: 'local', name: 'Alluxio is installed on every Mesos agent (LOCAL)' },
      { value: 'tarball', name: 'Mesos fetches an Alluxio tarball from a URL' },
    ],
    required: true,
  },
  {
    id: 'jarUrl',
    flag: '--jar-url',
    placeholder: '<LOCAL|url>',
    message: 'URL of the Alluxio tarball (http://, https://, hdfs:// or file://)',
    help: 'alluxio.integration.mesos.alluxio.jar.url',
    target: { kind: 'property', key: 'alluxio.integration.mesos.alluxio.jar.url' },
    prompt: 'input',
    when: (answers) => !isLocal(answers),
  },
  {
    id: 'alluxioHome',
    flag: '--alluxio-home',
    placeholder: '<dir>',
    message: 'Where is Alluxio installed on the agents (alluxio.home)?',
    help: 'alluxio.home: the install directory on every agent, used with --jar-url LOCAL.',
    target: { kind: 'property', key: 'alluxio.home' },
    prompt: 'input',
    when: isLocal,
  },
  {
    id: 'java',
    flag: '--jdk-url',
    placeholder: '<LOCAL|url>',
    message: 'Which Java runs Alluxio?',
    help: "LOCAL: the agents' own java; or the URL of a JDK tarball for Mesos to fetch.",
    target: { kind: 'derived' },
    prompt: 'select',
    choices: [
      { value: 'local', name: "The agents' own Java (LOCAL)" },
      { value: 'jdk', name: 'Mesos fetches a JDK tarball from a URL' },
    ],
  },
  {
    id: 'jdkUrl',
    flag: '--jdk-url',
    placeholder: '<LOCAL|url>',
    message: 'URL of the JDK tarball',
    help: 'alluxio.integration.mesos.jdk.url',
    target: { kind: 'property', key: 'alluxio.integration.mesos.jdk.url' },
    prompt: 'input',
    when: (answers) => answers.java === 'jdk',
  },
  {
    id: 'jdkPath',
    flag: '--jdk-path',
    placeholder: '<dir>',
    message: 'Directory the JDK tarball unpacks to (becomes JAVA_HOME, relative to the sandbox)',
    help: 'alluxio.integration.mesos.jdk.path',
    target: { kind: 'property', key: 'alluxio.integration.mesos.jdk.path' },
    prompt: 'input',
    when: (answers) => answers.java === 'jdk',
  },
  {
    id: 'masterCount',
    flag: '--master-count',
    placeholder: '<n>',
    message: 'Number of Alluxio masters',
    help: 'alluxio.integration.mesos.master.node.count',
    target: { kind: 'property', key: 'alluxio.integration.mesos.master.node.count' },
    prompt: 'input',
  },
  {
    id: 'ha',
    flag: '--ha',
    placeholder: '<zookeeper|embedded>',
    message: 'Several Alluxio masters need leader election: which kind?',
    help: 'zookeeper: alluxio.zookeeper.enabled with a shared journal (Alluxio 1.x and 2.x); embedded: the 2.x embedded journal.',
    target: { kind: 'derived' },
    prompt: 'select',
    choices: [
      { value: 'zookeeper', name: 'ZooKeeper elects the leader; the journal is on shared storage such as HDFS (Alluxio 1.x and 2.x)' },
      { value: 'embedded', name: 'The embedded journal: masters replicate it themselves, on hosts named up front (Alluxio 2.x)' },
    ],
    required: true,
    when: asksHighAvailability,
  },
  {
    id: 'zookeeperAddress',
    flag: '--zookeeper-address',
    placeholder: '<host:port,...>',
    message: 'ZooKeeper servers the masters elect their leader through (zk1:2181,zk2:2181,zk3:2181)',
    help: 'alluxio.zookeeper.address',
    target: { kind: 'property', key: 'alluxio.zookeeper.address' },
    prompt: 'input',
    required: true,
    when: (answers) => asksHighAvailability(answers) && answers.ha === 'zookeeper',
  },
  {
    id: 'journalFolder',
    flag: '--journal-folder',
    placeholder: '<uri>',
    message: 'Master journal on storage every master reads (e.g. hdfs://namenode:9000/alluxio/journal)',
    help: 'alluxio.master.journal.folder',
    target: { kind: 'property', key: 'alluxio.master.journal.folder' },
    prompt: 'input',
    required: true,
    when: (answers) => asksHighAvailability(answers) && answers.ha === 'zookeeper',
  },
  {
    id: 'embeddedJournalAddresses',
    flag: '--embedded-journal-addresses',
    placeholder: '<host:19200,...>',
    message: 'Embedded journal: every master host with the journal port (m1:19200,m2:19200,m3:19200); masters run there',
    help: 'alluxio.master.embedded.journal.addresses',
    target: { kind: 'property', key: 'alluxio.master.embedded.journal.addresses' },
    prompt: 'input',
    required: true,
    when: (answers) => asksHighAvailability(answers) && answers.ha === 'embedded',
  },
  {
    id: 'alluxioMaster',
    flag: '--master-host',
    placeholder: '<host>',
    message: 'Pin the Alluxio master to one agent host (empty: any agent)',
    help: 'Agent hostname that must run the Alluxio master; remembered for deploy.',
    target: { kind: 'setting', key: 'alluxioMaster' },
    prompt: 'input',
    optional: true,
  },
  {
    id: 'masterCpus',
    flag: '--master-cpus',
    placeholder: '<n>',
    message: 'CPUs for the Alluxio master task',
    help: 'alluxio.integration.master.resource.cpu',
    target: { kind: 'property', key: 'alluxio.integration.master.resource.cpu' },
    prompt: 'input',
  },
  {
    id: 'masterMem',
    flag: '--master-mem',
    placeholder: '<size>',
    message: 'Memory for the Alluxio master task (e.g. 1024MB, 2GB)',
    help: 'alluxio.integration.master.resource.mem',
    target: { kind: 'property', key: 'alluxio.integration.master.resource.mem' },
    prompt: 'input',
  },
  {
    id: 'workerCpus',
    flag: '--worker-cpus',
    placeholder: '<n>',
    message: 'CPUs for each Alluxio worker task',
    help: 'alluxio.integration.worker.resource.cpu',
    target: { kind: 'property', key: 'alluxio.integration.worker.resource.cpu' },
    prompt: 'input',
  },
  {
    id: 'workerMem',
    flag: '--worker-mem',
    placeholder: '<size>',
    message: 'Worker process memory, on top of the ramdisk (e.g. 1024MB)',
    help: 'alluxio.integration.worker.resource.mem',
    target: { kind: 'property', key: 'alluxio.integration.worker.resource.mem' },
    prompt: 'input',
  },
  {
    id: 'workerMemorySize',
    flag: '--worker-memory-size',
    placeholder: '<size>',
    message: 'Worker ramdisk size (e.g. 1GB)',
    help: 'alluxio.worker.memory.size',
    target: { kind: 'property', key: 'alluxio.worker.memory.size' },
    prompt: 'input',
  },
  {
    id: 'customPorts',
    flag: '--custom-ports',
    placeholder: '',
    message: 'Alluxio ports: keep the defaults (master 19998-19999, worker 29998-30000)?',
    help: 'Answered "choose" as soon as any port flag is given.',
    target: { kind: 'derived' },
    prompt: 'select',
    choices: [
      { value: 'no', name: 'Keep the default ports' },
      { value: 'yes', name: 'Choose other ports' },
    ],
  },
  {
    id: 'masterPort',
    flag: '--master-port',
    placeholder: '<port>',
    message: 'Master RPC port',
    help: 'alluxio.master.port (1.x) / alluxio.master.rpc.port (2.x)',
    target: { kind: 'property', key: (s) => (s === '1.x' ? 'alluxio.master.port' : 'alluxio.master.rpc.port') },
    prompt: 'input',
    when: customPorts,
  },
  {
    id: 'masterWebPort',
    flag: '--master-web-port',
    placeholder: '<port>',
    message: 'Master web UI port',
    help: 'alluxio.master.web.port',
    target: { kind: 'property', key: 'alluxio.master.web.port' },
    prompt: 'input',
    when: customPorts,
  },
  {
    id: 'workerPort',
    flag: '--worker-port',
    placeholder: '<port>',
    message: 'Worker RPC port',
    help: 'alluxio.worker.port (1.x) / alluxio.worker.rpc.port (2.x)',
    target: { kind: 'property', key: (s) => (s === '1.x' ? 'alluxio.worker.port' : 'alluxio.worker.rpc.port') },
    prompt: 'input',
    when: customPorts,
  },
  {
    id: 'workerDataPort',
    flag: '--worker-data-port',
    placeholder: '<port>',
    message: 'Worker data port',
    help: 'alluxio.worker.data.port (1.x only)',
    target: { kind: 'property', key: 'alluxio.worker.data.port' },
    prompt: 'input',
    when: (answers, spelling) => customPorts(answers) && spelling === '1.x',
  },
  {
    id: 'workerWebPort',
    flag: '--worker-web-port',
    placeholder: '<port>',
    message: 'Worker web UI port',
    help: 'alluxio.worker.web.port',
    target: { kind: 'property', key: 'alluxio.worker.web.port' },
    prompt: 'input',
    when: customPorts,
  },
  {
    id: 'role',
    flag: '--role',
    placeholder: '<role>',
    message: 'Mesos role of the framework',
    help: 'alluxio.integration.mesos.role',
    target: { kind: 'property', key: 'alluxio.integration.mesos.role' },
    prompt: 'input',
  },
  {
    id: 'principal',
    flag: '--principal',
    placeholder: '<principal>',
    message: 'Mesos principal (empty: none)',
    help: 'alluxio.integration.mesos.principal',
    target: { kind: 'property', key: 'alluxio.integration.mesos.principal' },
    prompt: 'input',
    optional: true,
  },
  {
    id: 'secretFile',
    flag: '--secret-file',
    placeholder: '<file>',
    message: 'File holding the Mesos secret (empty: none, or ALLUXIO_MESOS_SECRET at run time)',
    help: 'Path of a file with the secret; the path is remembered, the secret is not copied unless --store-secret.',
    target: { kind: 'setting', key: 'secretFile' },
    prompt: 'input',
    optional: true,
  },
  {
    id: 'user',
    flag: '--user',
    placeholder: '<user>',
    message: 'User the Alluxio tasks run as (empty: the user running deploy)',
    help: 'alluxio.integration.mesos.user',
    target: { kind: 'property', key: 'alluxio.integration.mesos.user' },
    prompt: 'input',
    optional: true,
  },
  {
    id: 'underfsAddress',
    flag: '--underfs-address',
    placeholder: '<uri>',
    message: 'Under-storage address (e.g. hdfs://namenode:9000/alluxio; empty: Alluxio default)',
    help: 'alluxio.underfs.address (1.x) / alluxio.master.mount.table.root.ufs (2.x)',
    target: {
      kind: 'property',
      key: (s) => (s === '1.x' ? 'alluxio.underfs.address' : 'alluxio.master.mount.table.root.ufs'),
    },
    prompt: 'input',
    optional: true,
  },
  {
    id: 'maxWorkers',
    flag: '--max-workers',
    placeholder: '<n>',
    message: 'Maximum number of workers (empty: one per agent, no limit)',
    help: 'Upper bound on worker tasks; remembered for deploy.',
    target: { kind: 'setting', key: 'maxWorkers' },
    prompt: 'input',
    optional: true,
  },
  {
    id: 'state',
    flag: '--state',
    placeholder: '<file|zk://...>',
    message: 'Scheduler state: file or zk://host:2181/path',
    help: 'file, or zk://host1:2181,host2:2181/path for standby schedulers on other hosts; remembered for every command.',
    target: { kind: 'setting', key: 'state' },
    prompt: 'input',
    optional: true,
  },
];

export function propertyKeyOf(step: Step, spelling: PortSpelling): string | undefined {
  if (step.target.kind !== 'property') return undefined;
  return typeof step.target.key === 'function' ? step.target.key(spelling) : step.target.key;
}
