/**
 * The properties alluxio-mesos reads from `alluxio-site.properties`: names (with their other
 * spellings across Alluxio versions), types, Alluxio's defaults, and how to check a value. One
 * table drives the `init` prompts, validation and help.
 */
import { ConfigError } from '../shared/errors.js';
import { formatByteSize, parseByteSize } from './sizes.js';
import { printable } from '../shared/printable.js';
import { nameProblem } from './names.js';

export type PropertyType =
  | 'port'
  | 'bytes'
  | 'bytes-list'
  | 'url-or-local'
  | 'cpu'
  | 'int'
  | 'role'
  | 'string'
  | 'path'
  | 'path-list'
  | 'hostname'
  | 'boolean'
  | 'secret'
  | 'uri'
  | 'user'
  | 'name'
  | 'host-port-list'
  | 'journal-type';

/** Alluxio generations whose property names differ. */
export type PortSpelling = '1.x' | '2.x';

/** What is wrong with a value and how to fix it, each one line. */
interface ValueProblem {
  readonly problem: string;
  readonly fix: string;
}

export interface PropertySpec {
  /** The name alluxio-mesos uses (the 2.x name where the generations differ). */
  readonly key: string;
  /** Other names Alluxio reads for the same property. */
  readonly aliases: readonly string[];
  /** The name per Alluxio generation, for properties whose name changed. */
  readonly spellings?: Readonly<Record<PortSpelling, string>>;
  readonly type: PropertyType;
  /** Alluxio's default as written in its PropertyKey (may contain `${...}`), if it has one. */
  readonly default: string | undefined;
  readonly description: string;
  /** Never printed, never propagated to tasks. */
  readonly secret: boolean;
  /** Set for keys the final Mesos integration no longer read. */
  readonly legacy?: string;
  /** Checks a value (already trimmed and with `${...}` resolved). */
  validate(value: string): ValueProblem | undefined;
}

interface SpecInput {
  key: string;
  aliases?: readonly string[];
  spellings?: Readonly<Record<PortSpelling, string>>;
  type: PropertyType;
  default: string | undefined;
  description: string;
  secret?: boolean;
  legacy?: string;
  /** Lowest accepted value for numbers and sizes (default: 1 for int, > 0 for cpu and sizes). */
  min?: number;
  /** Paths must be absolute. */
  absolute?: boolean;
  /** Paths that shell scripts use unquoted: no blanks, quotes or shell metacharacters. */
  shellWord?: boolean;
}

/**
 * Mesos' own floor for a task's memory (`MIN_MEM`, 32 MB, in src/master/constants.hpp): anything
 * less is a typo (`0.0001MB`), and no JVM starts in it.
 */
const MIN_TASK_MEM = 32 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Validators, one per type. Each returns a problem sentence and the fix.

function validatePort(value: string): ValueProblem | undefined {
  if (!/^\d+$/.test(value)) {
    return { problem: `"${value}" is not a port number`, fix: 'use a whole number from 1 to 65535' };
  }
  const port = Number(value);
  if (port < 1 || port > 65535) {
    return { problem: `port ${value} is out of range`, fix: 'use a whole number from 1 to 65535' };
  }
  return undefined;
}

function validateByteSize(value: string, min = 1): ValueProblem | undefined {
  let bytes: number;
  try {
    bytes = parseByteSize(value, { strict: true });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { problem: error.message, fix: error.hint ?? 'write e.g. 1GB or 512MB' };
  }
  if (bytes < min) {
    return {
      problem: `${value} is ${min === 1 ? 'zero' : 'too small'}`,
      fix: min === 1 ? 'give a size above zero, e.g. 1GB' : `give at least ${formatByteSize(min)}`,
    };
  }
  return undefined;
}

function validateByteSizeList(value: string): ValueProblem | undefined {
  for (const part of value.split(',')) {
    const problem = validateByteSize(part.trim(), 0);
    if (problem !== undefined) return { problem: `in "${value}": ${problem.problem}`, fix: problem.fix };
  }
  return undefined;
}

const FETCHABLE_SCHEMES = ['http:', 'https:', 'file:', 'hdfs:'];

/** `LOCAL` (any case) or an http(s)://, file:// or hdfs:// URL the Mesos fetcher can download. */
function validateUrlOrLocal(value: string): ValueProblem | undefined {
  if (value.toUpperCase() === 'LOCAL') return undefined;
  const fix = 'use LOCAL (already installed on every agent) or an http://, https://, file:// or hdfs:// URL of a .tar.gz';
  if (/\s/.test(value)) return { problem: `"${value}" contains blanks`, fix };
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(value)?.[1]?.toLowerCase();
  if (scheme === undefined) return { problem: `"${value}" is neither LOCAL nor a URL`, fix };
  if (!FETCHABLE_SCHEMES.includes(`${scheme}:`)) {
    return { problem: `"${value}" uses the unsupported scheme ${scheme}://`, fix };
  }
  if (!value.slice(scheme.length + 1).startsWith('//')) {
    return { problem: `"${value}" is not a well-formed URL (expected ${scheme}://...)`, fix };
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { problem: `"${value}" is not a well-formed URL`, fix };
  }
  if (scheme === 'file') {
    if (url.pathname === '' || url.pathname === '/') {
      return { problem: `"${value}" names no file`, fix: 'write file:///absolute/path/to/alluxio.tar.gz' };
    }
    return undefined;
  }
  if (url.hostname === '') return { problem: `"${value}" has no host`, fix };
  return undefined;
}

/** Mesos CPU shares: a decimal above zero. */
function validateCpu(value: string): ValueProblem | undefined {
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(value) || Number(value) <= 0) {
    return { problem: `"${value}" is not a CPU count above zero`, fix: 'use a number above zero, e.g. 1 or 0.5' };
  }
  return undefined;
}

function validateCount(value: string, min = 1): ValueProblem | undefined {
  if (!/^\d+$/.test(value) || Number(value) < min || !Number.isSafeInteger(Number(value))) {
    return {
      problem: `"${value}" is not a whole number of at least ${min}`,
      fix: `use a whole number, ${min} or more`,
    };
  }
  return undefined;
}

// Mesos 1.12 `roles::validate`: whitespace and DEL are invalid; other control characters are
// refused here too because no sane role contains them.
const ROLE_FORBIDDEN = /[\x00-\x20\x7f]/;

/** A Mesos role name as `mesos::roles::validate` (Mesos 1.12, hierarchical roles) accepts it. */
function validateRole(value: string): ValueProblem | undefined {
  const fix = 'use * (the default role) or a name like alluxio or analytics/alluxio';
  if (value === '*') return undefined;
  if (value === '') return { problem: 'the role is empty', fix };
  if (value.startsWith('/')) return { problem: `role "${value}" starts with a slash`, fix };
  if (value.endsWith('/')) return { problem: `role "${value}" ends with a slash`, fix };
  if (value.includes('//')) return { problem: `role "${value}" contains two adjacent slashes`, fix };
  for (const component of value.split('/')) {
    if (component === '.' || component === '..') {
      return { problem: `role "${value}" has "${component}" as a component`, fix };
    }
    if (component === '*') return { problem: `role "${value}" has "*" as a component`, fix };
    if (component.startsWith('-')) return { problem: `role component "${component}" starts with a dash`, fix };
    if (ROLE_FORBIDDEN.test(component)) {
      return { problem: `role "${value}" contains whitespace or control characters`, fix };
    }
  }
  return undefined;
}

const HOST_LABEL = /^[a-zA-Z0-9_]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_])?$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function validateHostname(value: string): ValueProblem | undefined {
  const fix = 'use a host name such as alluxio-master.example.com or an IP address';
  if (IPV4.test(value)) return undefined;
  if (value.includes(':')) {
    try {
      new URL(`http://[${value.replace(/^\[|\]$/g, '')}]/`);
      return undefined;
    } catch {
      return { problem: `"${value}" is not a valid host name or IP address`, fix };
    }
  }
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  if (name === '' || name.length > 253 || !name.split('.').every((label) => HOST_LABEL.test(label))) {
    return { problem: `"${value}" is not a valid host name`, fix };
  }
  if (/^[\d.]+$/.test(name)) return { problem: `"${value}" is not a valid IPv4 address`, fix };
  return undefined;
}

function validateBoolean(value: string): ValueProblem | undefined {
  if (/^(true|false)$/i.test(value)) return undefined;
  return { problem: `"${value}" is not true or false`, fix: 'use true or false' };
}

const CONTROL = /[\x00-\x1f\x7f]/;

function validatePath(value: string, absolute: boolean): ValueProblem | undefined {
  if (value === '') return { problem: 'the path is empty', fix: 'give a directory path' };
  if (CONTROL.test(value)) return { problem: 'the path contains control characters', fix: 'remove them' };
  if (absolute && !value.startsWith('/')) {
    return { problem: `"${value}" is not an absolute path`, fix: 'give a path starting with /, e.g. /opt/alluxio' };
  }
  return undefined;
}

/**
 * Alluxio's scripts (alluxio-start.sh, alluxio-config.sh) expand ALLUXIO_HOME unquoted: a blank
 * splits it and `$(...)` or a backquote runs, and the master crash-loops. Only characters no
 * shell treats specially are accepted.
 */
const SHELL_WORD = /^[\p{L}\p{N}._/+,:@%=-]+$/u;

function validateShellWordPath(value: string): ValueProblem | undefined {
  const problem = validatePath(value, true);
  if (problem !== undefined) return problem;
  if (SHELL_WORD.test(value)) return undefined;
  const culprit = [...value].find((character) => !SHELL_WORD.test(character)) ?? '';
  const named = /\s/.test(culprit) ? 'a blank' : `"${culprit}"`;
  return {
    problem: `"${value}" contains ${named}: Alluxio's own scripts use alluxio.home unquoted, so the shell would split or run it`,
    fix: 'install Alluxio under a path of letters, digits and . _ - / only, e.g. /opt/alluxio',
  };
}

/** A user name as useradd accepts it (POSIX portable characters, at most 32); never a shell command. */
const USER_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/;

function validateUser(value: string): ValueProblem | undefined {
  if (value === '' || USER_NAME.test(value)) return undefined;
  return {
    problem: `"${printable(value)}" is not a valid user name`,
    fix: 'give an existing user on the agents, e.g. alluxio (letters, digits, _ . - ; at most 32 characters), or leave it empty',
  };
}

function validatePathList(value: string): ValueProblem | undefined {
  for (const part of value.split(',')) {
    const problem = validatePath(part.trim(), false);
    if (problem !== undefined) return { problem: `in "${value}": ${problem.problem}`, fix: problem.fix };
  }
  return undefined;
}

/** An under-storage address: `scheme://...` (hdfs, s3a, ...) or an absolute local path. */
function validateUri(value: string): ValueProblem | undefined {
  const fix = 'use a URI like hdfs://namenode:9000/alluxio or s3a://bucket/dir, or an absolute path';
  if (value.startsWith('/')) {
    return CONTROL.test(value) ? { problem: 'the path contains control characters', fix } : undefined;
  }
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*):(.*)$/.exec(value);
  if (match === null || (match[2] ?? '') === '') return { problem: `"${value}" is not a URI or absolute path`, fix };
  if (/\s/.test(value)) return { problem: `"${value}" contains blanks`, fix };
  return undefined;
}

/** `host:port[,host:port...]`, as Alluxio reads ZooKeeper and embedded journal addresses. */
function validateHostPortList(value: string): ValueProblem | undefined {
  const fix = 'write host:port pairs separated by commas, e.g. zk1:2181,zk2:2181,zk3:2181';
  if (value.trim() === '') return { problem: 'the address list is empty', fix };
  for (const part of value.split(',')) {
    const entry = part.trim();
    const match = /^(.+):(\d+)$/.exec(entry);
    if (match === null) return { problem: `"${entry}" in "${value}" is not host:port`, fix };
    const hostProblem = validateHostname((match[1] as string).replace(/^\[(.*)\]$/, '$1'));
    if (hostProblem !== undefined) return { problem: `in "${value}": ${hostProblem.problem}`, fix };
    const portProblem = validatePort(match[2] as string);
    if (portProblem !== undefined) return { problem: `in "${value}": ${portProblem.problem}`, fix };
  }
  return undefined;
}

const JOURNAL_TYPES = ['UFS', 'EMBEDDED', 'NOOP'];

function validateJournalType(value: string): ValueProblem | undefined {
  if (JOURNAL_TYPES.includes(value.toUpperCase())) return undefined;
  return { problem: `"${value}" is not a journal type`, fix: `use ${JOURNAL_TYPES.join(', ')} (EMBEDDED needs Alluxio 2.x)` };
}

function validateText(value: string): ValueProblem | undefined {
  if (CONTROL.test(value)) return { problem: 'the value contains control characters', fix: 'remove them' };
  return undefined;
}

function validatorFor(input: SpecInput): (value: string) => ValueProblem | undefined {
  switch (input.type) {
    case 'port':
      return validatePort;
    case 'bytes':
      return (value) => validateByteSize(value, input.min ?? 1);
    case 'bytes-list':
      return validateByteSizeList;
    case 'url-or-local':
      return validateUrlOrLocal;
    case 'cpu':
      return validateCpu;
    case 'int':
      return (value) => validateCount(value, input.min ?? 1);
    case 'role':
      return validateRole;
    case 'hostname':
      return validateHostname;
    case 'boolean':
      return validateBoolean;
    case 'path':
      return input.shellWord === true ? validateShellWordPath : (value) => validatePath(value, input.absolute ?? false);
    case 'user':
      return validateUser;
    case 'name':
      return nameProblem;
    case 'path-list':
      return validatePathList;
    case 'uri':
      return validateUri;
    case 'host-port-list':
      return validateHostPortList;
    case 'journal-type':
      return validateJournalType;
    case 'string':
    case 'secret':
      return validateText;
  }
}

function spec(input: SpecInput): PropertySpec {
  return {
    key: input.key,
    aliases: input.aliases ?? [],
    ...(input.spellings === undefined ? {} : { spellings: input.spellings }),
    type: input.type,
    default: input.default,
    description: input.description,
    secret: input.secret ?? false,
    ...(input.legacy === undefined ? {} : { legacy: input.legacy }),
    validate: validatorFor(input),
  };
}

// ---------------------------------------------------------------------------------------------
// The table

const DEFAULT_ALLUXIO_JAR_URL = 'http://downloads.alluxio.org/downloads/files/${alluxio.version}/alluxio-${alluxio.version}-bin.tar.gz';

export const CATALOG: readonly PropertySpec[] = [
  // Task resources
  spec({
    key: 'alluxio.integration.master.resource.cpu',
    type: 'cpu',
    default: '1',
    description: 'CPUs requested for the Alluxio master task.',
  }),
  spec({
    key: 'alluxio.integration.master.resource.mem',
    type: 'bytes',
    min: MIN_TASK_MEM,
    default: '1024MB',
    description: 'Memory requested for the Alluxio master task.',
  }),
  spec({
    key: 'alluxio.integration.worker.resource.cpu',
    type: 'cpu',
    default: '1',
    description: 'CPUs requested for each Alluxio worker task.',
  }),
  spec({
    key: 'alluxio.integration.worker.resource.mem',
    type: 'bytes',
    min: MIN_TASK_MEM,
    default: '1024MB',
    description: 'Memory for the worker process itself; the worker task asks for this plus alluxio.worker.memory.size.',
  }),
  // What the tasks run
  spec({
    key: 'alluxio.integration.mesos.alluxio.jar.url',
    type: 'url-or-local',
    default: DEFAULT_ALLUXIO_JAR_URL,
    description: 'Alluxio tarball the agents download, or LOCAL to use the installation at alluxio.home on every agent.',
  }),
  spec({
    key: 'alluxio.integration.mesos.jdk.url',
    type: 'url-or-local',
    default: 'LOCAL',
    description: 'JDK tarball the agents download, or LOCAL to use the java already on the agents.',
  }),
  spec({
    key: 'alluxio.integration.mesos.jdk.path',
    type: 'path',
    default: 'jdk1.8.0_151',
    description: 'Directory the JDK tarball unpacks to, relative to the task sandbox; becomes JAVA_HOME.',
  }),
  spec({
    key: 'alluxio.home',
    type: 'path',
    absolute: true,
    shellWord: true,
    default: '/opt/alluxio',
    description: 'Alluxio installation directory; on the agents when the jar URL is LOCAL.',
  }),
  spec({
    key: 'alluxio.version',
    type: 'string',
    default: undefined,
    description: 'Alluxio version; fills ${alluxio.version} in the default tarball URL.',
  }),
  // Tasks and the framework
  spec({
    key: 'alluxio.integration.mesos.master.name',
    type: 'name',
    default: 'AlluxioMaster',
    description: 'Mesos task name of the Alluxio master.',
  }),
  spec({
    key: 'alluxio.integration.mesos.worker.name',
    type: 'name',
    default: 'AlluxioWorker',
    description: 'Mesos task name of the Alluxio workers.',
  }),
  spec({
    key: 'alluxio.integration.mesos.master.node.count',
    type: 'int',
    default: '1',
    description: 'Number of Alluxio master tasks to run.',
  }),
  spec({
    key: 'alluxio.integration.mesos.role',
    type: 'role',
    default: '*',
    description: 'Mesos role the framework registers with.',
  }),
  spec({
    key: 'alluxio.integration.mesos.principal',
    type: 'string',
    default: 'alluxio',
    description: 'Principal the framework authenticates as and registers with.',
  }),
  spec({
    key: 'alluxio.integration.mesos.secret',
    type: 'secret',
    default: undefined,
    secret: true,
    description: 'Secret for the principal; credentials are sent only when both are set.',
  }),
  spec({
    key: 'alluxio.integration.mesos.user',
    type: 'user',
    default: undefined,
    description: 'User the tasks run as on the agents; empty means the user running alluxio-mesos.',
  }),
  spec({
    key: 'alluxio.integration.mesos.constraints',
    type: 'string',
    default: '',
    legacy: 'read only by Alluxio 1.1; alluxio-mesos ignores it',
    description: 'Agent attribute expression (attr:value with & | ! and parentheses) that offers had to match.',
  }),
  spec({
    key: 'alluxio.integration.yarn.workers.per.host.max',
    type: 'int',
    default: '1',
    legacy: 'YARN only; ignored on Mesos',
    description: 'Maximum Alluxio workers per host under YARN.',
  }),
  // Ports
  spec({
    key: 'alluxio.master.rpc.port',
    aliases: ['alluxio.master.port'],
    spellings: { '1.x': 'alluxio.master.port', '2.x': 'alluxio.master.rpc.port' },
    type: 'port',
    default: '19998',
    description: 'Port of the Alluxio master RPC service; agents must offer it.',
  }),
  spec({
    key: 'alluxio.master.web.port',
    type: 'port',
    default: '19999',
    description: 'Port of the Alluxio master web UI; agents must offer it.',
  }),
  spec({
    key: 'alluxio.worker.rpc.port',
    aliases: ['alluxio.worker.port'],
    spellings: { '1.x': 'alluxio.worker.port', '2.x': 'alluxio.worker.rpc.port' },
    type: 'port',
    default: '29998',
    description: 'Port of the Alluxio worker RPC service; agents must offer it. (Alluxio 2.1+ defaults to 29999.)',
  }),
  spec({
    key: 'alluxio.worker.data.port',
    type: 'port',
    default: '29999',
    description: 'Port of the Alluxio 1.x worker data server; agents must offer it. Not used by Alluxio 2.x.',
  }),
  spec({
    key: 'alluxio.worker.web.port',
    type: 'port',
    default: '30000',
    description: 'Port of the Alluxio worker web UI; agents must offer it.',
  }),
  // Hosts and storage
  spec({
    key: 'alluxio.master.bind.host',
    type: 'hostname',
    default: undefined,
    description: 'Address the Alluxio master listens on (unset: Alluxio binds every interface). The health check probes where it listens.',
  }),
  spec({
    key: 'alluxio.worker.bind.host',
    type: 'hostname',
    default: undefined,
    description: 'Address each Alluxio worker listens on (unset: Alluxio binds every interface). The health check probes where it listens.',
  }),
  spec({
    key: 'alluxio.master.hostname',
    type: 'hostname',
    default: undefined,
    description: 'Host name of the Alluxio master, as clients and workers reach it.',
  }),
  spec({
    key: 'alluxio.master.mount.table.root.ufs',
    aliases: ['alluxio.underfs.address'],
    spellings: { '1.x': 'alluxio.underfs.address', '2.x': 'alluxio.master.mount.table.root.ufs' },
    type: 'uri',
    default: '${alluxio.home}/underFSStorage',
    description: 'Under storage mounted at the Alluxio root, e.g. hdfs://namenode:9000/alluxio.',
  }),
  // High availability: leader election and a journal every master reads (see high-availability.ts)
  spec({
    key: 'alluxio.zookeeper.enabled',
    type: 'boolean',
    default: 'false',
    description: 'Alluxio masters elect a leader through ZooKeeper (needed for more than one master, with a shared journal).',
  }),
  spec({
    key: 'alluxio.zookeeper.address',
    type: 'host-port-list',
    default: undefined,
    description: 'ZooKeeper servers the masters elect their leader through and the workers find it through: zk1:2181,zk2:2181.',
  }),
  spec({
    key: 'alluxio.zookeeper.election.path',
    type: 'path',
    absolute: true,
    default: '/election',
    description: 'ZooKeeper path under which the masters take part in the leader election.',
  }),
  spec({
    key: 'alluxio.zookeeper.leader.path',
    type: 'path',
    absolute: true,
    default: '/leader',
    description: 'ZooKeeper path where the leading master publishes its address (host:port) for workers and clients.',
  }),
  spec({
    key: 'alluxio.master.journal.folder',
    type: 'uri',
    default: '${alluxio.work.dir}/journal',
    description: 'Master journal; with several masters on ZooKeeper, on storage every master reads (hdfs://namenode:9000/alluxio/journal).',
  }),
  spec({
    key: 'alluxio.master.journal.type',
    type: 'journal-type',
    default: undefined,
    description: 'Journal kind (Alluxio 2.x): UFS (a folder on storage) or EMBEDDED (replicated among the masters by Raft).',
  }),
  spec({
    key: 'alluxio.master.embedded.journal.addresses',
    type: 'host-port-list',
    default: undefined,
    description: 'Alluxio 2.x embedded journal: every master as host:port (the journal port); the masters run on these hosts.',
  }),
  spec({
    key: 'alluxio.master.embedded.journal.port',
    type: 'port',
    default: '19200',
    description: 'Port of the Alluxio 2.x embedded journal on each master; agents must offer it.',
  }),
  spec({
    key: 'alluxio.worker.memory.size',
    type: 'bytes',
    min: 0,
    default: '1GB',
    description: 'Ramdisk size of each worker (the MEM tier); the worker task asks for this much memory on top of its own.',
  }),
  spec({
    key: 'alluxio.worker.tieredstore.levels',
    type: 'int',
    default: '1',
    description: 'Number of storage tiers on each worker.',
  }),
  ...[0, 1, 2].flatMap((level) => [
    spec({
      key: `alluxio.worker.tieredstore.level${level}.alias`,
      type: 'string',
      default: level === 0 ? 'MEM' : undefined,
      description: `Storage medium of tier ${level} (MEM, SSD or HDD).`,
    }),
    spec({
      key: `alluxio.worker.tieredstore.level${level}.dirs.path`,
      type: 'path-list',
      default: level === 0 ? '/mnt/ramdisk' : undefined,
      description: `Comma-separated directories of tier ${level}.`,
    }),
    spec({
      key: `alluxio.worker.tieredstore.level${level}.dirs.quota`,
      type: 'bytes-list',
      default: level === 0 ? '${alluxio.worker.memory.size}' : undefined,
      description: `Comma-separated capacities of the tier ${level} directories.`,
    }),
  ]),
];

/** Keys the Mesos integration read in earlier Alluxio versions, and what replaced them. */
export const RENAMED_KEYS: Readonly<Record<string, { readonly replacement: string; readonly since: string }>> = {
  'alluxio.integration.mesos.jre.url': { replacement: 'alluxio.integration.mesos.jdk.url', since: 'Alluxio 1.3' },
  'alluxio.integration.mesos.jre.path': { replacement: 'alluxio.integration.mesos.jdk.path', since: 'Alluxio 1.3' },
  'alluxio.integration.mesos.executor.dependency.path': {
    replacement: 'alluxio.integration.mesos.alluxio.jar.url',
    since: 'Alluxio 1.3 (it now takes the URL of the tarball itself)',
  },
};

const BY_NAME = new Map<string, PropertySpec>();
for (const entry of CATALOG) {
  BY_NAME.set(entry.key, entry);
  for (const alias of entry.aliases) BY_NAME.set(alias, entry);
}

/** The spec for a key or any of its other spellings. */
export function findSpec(key: string): PropertySpec | undefined {
  return BY_NAME.get(key);
}

/** The spec for `key`; throws if the key is not in the catalog (a programming error). */
export function requireSpec(key: string): PropertySpec {
  const found = BY_NAME.get(key);
  if (found === undefined) throw new Error(`not a catalog key: ${key}`);
  return found;
}

let known: readonly string[] | undefined;

/** Every name in the catalog, aliases included; always the same array, so that callers can prepare lookups over it once. */
export function knownKeys(): readonly string[] {
  known ??= Object.freeze([...BY_NAME.keys()]);
  return known;
}

/** Every spelling of the property `key` belongs to, the catalog name first. */
export function spellingsOf(key: string): readonly string[] {
  const found = BY_NAME.get(key);
  return found === undefined ? [key] : [found.key, ...found.aliases];
}

export function isSecretKey(key: string): boolean {
  return BY_NAME.get(key)?.secret === true;
}
