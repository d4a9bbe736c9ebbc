/**
 * The shell command a Mesos task runs to start an Alluxio master or worker under the command
 * executor: no custom executor and no libmesos on the agents.
 *
 * The command, run by the agent as `/bin/sh -c` inside the task sandbox:
 *  1. prepares `conf/` and `logs/` in the sandbox and points `ALLUXIO_CONF_DIR`/`ALLUXIO_LOGS_DIR`
 *     at them, writes `conf/alluxio-site.properties` with a quoted here-document (verbatim, whatever
 *     the values hold) and copies the distribution's `log4j.properties` next to it (Alluxio's
 *     scripts point log4j at `$ALLUXIO_CONF_DIR/log4j.properties`);
 *  2. locates the distribution: `alluxio.home` on the agent, or the one directory named `alluxio` or
 *     `alluxio-<version>` that the Mesos fetcher extracted from the tarball;
 *  3. uses a fetched JDK (`JAVA_HOME` = sandbox + `jdk.path`) when one is given;
 *  4. hands over to bash (Alluxio's `libexec/alluxio-config.sh` is a bash script, and `/bin/sh` is
 *     often dash), which sources `alluxio-config.sh`, formats the master journal only when it carries
 *     no format breadcrumb, and `exec`s the JVM in the foreground with the command line Alluxio 1.x
 *     itself uses, so that the agent's SIGTERM reaches Alluxio and the task lives as long as it does.
 *
 * Values reach bash through exported variables, never by splicing them into the bash script, which
 * is therefore a constant per role. No secret ever appears in the command or the environment:
 * {@link buildLaunchCommand} refuses properties, JVM options, URLs and env vars that look like one.
 */
import { ConfigError } from '../../shared/errors.js';
import type { CommandInfo, CommandURI, Environment } from '../../mesos/protocol/types.js';
import { parse as parseProperties, type PropertyEntry } from '../../config/properties.js';
import { credentialFix, isSecretEnvName, isSecretProperty, isSecretPropertyKey } from '../../config/secret-keys.js';
import { hasUriCredentials, maskUriCredentials } from '../../shared/uri-credentials.js';
import { heredocWrite, shellQuote } from '../../shared/shell-quote.js';

type AlluxioRole = 'master' | 'worker';

export type AlluxioDistribution =
  /** `--jar-url LOCAL`: Alluxio is installed at `home` on every agent. */
  | { kind: 'local'; home: string }
  /** A tarball the Mesos fetcher downloads and extracts into the sandbox. */
  | { kind: 'tarball'; url: string };

export interface LaunchSpec {
  role: AlluxioRole;
  distribution: AlluxioDistribution;
  /** A JDK tarball to fetch; `path` is its top directory, relative to the sandbox (or absolute). */
  jdk?: { url: string; path: string };
  /** The `alluxio-site.properties` text to write. The caller leaves secrets out; this checks. */
  siteProperties: string;
  /**
   * Host of the Alluxio master. For the master it pins the advertised host. Workers need it unless
   * `findsLeader`: then there are several masters, and a fixed host would tie every worker to one.
   */
  masterHostname?: string;
  /**
   * Several masters elect a leader: workers find it through the site properties they receive
   * (`alluxio.zookeeper.*`, or the embedded journal's addresses) and follow a new one.
   */
  findsLeader?: boolean;
  /** Ramdisk size of a worker (`alluxio.worker.memory.size`, e.g. `1GB`). Required for workers. */
  workerMemory?: string;
  /** Extra JVM options (`-Xmx2g -Dkey=value`), after Alluxio's own so that they win. */
  javaOpts?: string;
  /** Extra environment variables for the task (names that look like credentials are refused). */
  extraEnv?: Record<string, string>;
}

/** Archive suffixes the Mesos fetcher extracts (`extract: true` does nothing for other names). */
const EXTRACTABLE = /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2|tar\.xz|txz|zip)$/i;

const MAIN_CLASS: Readonly<Record<AlluxioRole, string>> = {
  master: 'alluxio.master.AlluxioMaster',
  worker: 'alluxio.worker.AlluxioWorker',
};

/** Alluxio 1.x defaults of the keys the journal location is built from. */
const JOURNAL_DEFAULTS: Readonly<Record<string, string>> = {
  'alluxio.master.journal.folder': '${alluxio.work.dir}/journal',
  'alluxio.work.dir': '${alluxio.home}',
  'alluxio.master.format.file_prefix': '_format_',
};

export function buildLaunchCommand(spec: LaunchSpec): CommandInfo {
  validate(spec);
  const uris: CommandURI[] = [];
  if (spec.jdk) uris.push(fetched(spec.jdk.url));
  if (spec.distribution.kind === 'tarball') uris.push(fetched(spec.distribution.url));

  const value = [
    prepareSandbox(spec.siteProperties),
    locateDistribution(spec.distribution),
    'if [ -f "$ALLUXIO_MESOS_HOME/conf/log4j.properties" ]; then cp "$ALLUXIO_MESOS_HOME/conf/log4j.properties" conf/; fi',
    spec.jdk ? useFetchedJdk(spec.jdk.path) : '',
    exportedValues(spec),
    `exec bash -c ${quoteConstantScript(runScript(spec))} alluxio-mesos-${spec.role}`,
  ]
    .filter((part) => part !== '')
    .join('\n');

  const command: CommandInfo = { shell: true, value };
  if (uris.length > 0) command.uris = uris;
  const environment = taskEnvironment(spec.extraEnv);
  if (environment) command.environment = environment;
  return command;
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

/** Hostnames, IPv4 and bracketed IPv6 literals: nothing Alluxio's scripts would split or expand. */
const HOSTNAME = /^[A-Za-z0-9._:[\]-]+$/;
/** Alluxio byte sizes (`1GB`, `1024.00MB`, `512m`); no blanks, since alluxio-config.sh splits words. */
const BYTE_SIZE = /^\d+(\.\d+)?[A-Za-z]*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function validate(spec: LaunchSpec): void {
  // Read as Alluxio will read it, so that an escaped or continued key cannot slip past the check.
  refuseTaskSecrets(parseProperties(spec.siteProperties).entries());
  for (const option of (spec.javaOpts ?? '').split(/\s+/)) {
    const [, key, value = ''] = /^-D([^=]+)=?(.*)$/.exec(option) ?? [];
    if (key !== undefined && isSecretProperty(key, value)) {
      throw new ConfigError(`refusing to pass secret property ${key} as a JVM option of a Mesos task`, { key });
    }
  }
  for (const name of Object.keys(spec.extraEnv ?? {})) {
    if (!ENV_NAME.test(name)) throw new ConfigError(`invalid environment variable name "${name}"`);
    if (isSecretEnvName(name)) {
      throw new ConfigError(`refusing to put ${name} into a Mesos task's environment: it looks like a credential`);
    }
  }
  if (spec.distribution.kind === 'tarball') {
    checkUrl(spec.distribution.url, 'alluxio.integration.mesos.alluxio.jar.url');
  } else if (!spec.distribution.home.startsWith('/')) {
    throw new ConfigError(`alluxio.home must be an absolute path on the agents, got "${spec.distribution.home}"`, {
      key: 'alluxio.home',
    });
  }
  if (spec.jdk) {
    checkUrl(spec.jdk.url, 'alluxio.integration.mesos.jdk.url');
    const path = spec.jdk.path;
    if (path === '' || path.split('/').includes('..')) {
      throw new ConfigError(`alluxio.integration.mesos.jdk.path must name the JDK's top directory, got "${path}"`, {
        key: 'alluxio.integration.mesos.jdk.path',
      });
    }
  }
  if (spec.masterHostname !== undefined && !HOSTNAME.test(spec.masterHostname)) {
    throw new ConfigError(`invalid Alluxio master hostname "${spec.masterHostname}"`, { key: 'alluxio.master.hostname' });
  }
  if (spec.role === 'worker') {
    if (spec.findsLeader === true && spec.masterHostname !== undefined) {
      throw new ConfigError('a worker that finds the leading master must not be pointed at one master host', {
        key: 'alluxio.master.hostname',
      });
    }
    if (spec.findsLeader !== true && spec.masterHostname === undefined) {
      throw new ConfigError('a worker launch needs the master hostname', { key: 'alluxio.master.hostname' });
    }
    if (spec.workerMemory === undefined || !BYTE_SIZE.test(spec.workerMemory)) {
      throw new ConfigError(`a worker launch needs a ramdisk size like 1GB, got "${spec.workerMemory ?? ''}"`, {
        key: 'alluxio.worker.memory.size',
      });
    }
  }
}

/**
 * Refuses properties holding a credential, by name (`aws.secretKey`) or inside the value (a URI
 * password or token, `s3a://KEY:SECRET@bucket`): the task command carries the site file and `ps` on
 * the agent shows it, and the sandbox copy (conf/, kept after the task ends) is served by the
 * agents' /files API and lands in `logs --bundle`. Task environment variables are no better: the
 * agent's state endpoint lists them. `file` names where
 * the entries' lines are, when they are the user's.
 */
export function refuseTaskSecrets(entries: readonly PropertyEntry[], file?: string): void {
  const secret = entries.find((entry) => isSecretProperty(entry.key, entry.value));
  if (secret === undefined) return;
  const what = isSecretPropertyKey(secret.key) ? 'a credential' : `a password or token in a URI (${maskUriCredentials(secret.value)})`;
  const where = file === undefined ? '' : ` (${file} line ${secret.line})`;
  throw new ConfigError(
    `${secret.key}${where} holds ${what}, which deploy refuses to ship to Mesos tasks: others can read their command and ` +
      "sandbox copy of alluxio-site.properties (ps on the agent, the agent's /files API, logs --bundle)",
    { key: secret.key, line: secret.line, ...(file === undefined ? {} : { file }) },
    { hint: credentialFix(secret.key, secret.value) },
  );
}

function checkUrl(url: string, key: string): void {
  // The fetcher's URIs are in the TaskInfo (Mesos' state endpoints) and in the sandbox's stderr.
  if (hasUriCredentials(url)) {
    throw new ConfigError(
      `${key} carries a password or token (${maskUriCredentials(url)}); task URIs are readable by anyone with access to Mesos`,
      { key },
      { hint: 'serve the tarball from a URL that needs no password or signature (it holds no secret), or install it on the agents' },
    );
  }
  let path = url;
  try {
    path = new URL(url).pathname;
  } catch {
    // Not a URL (a plain agent-local path): the fetcher accepts those too.
  }
  if (!EXTRACTABLE.test(path)) {
    throw new ConfigError(`${key} must point at an archive Mesos can extract (.tar.gz, .tgz, .tar, .zip, ...): ${url}`, {
      key,
    });
  }
}

// ---------------------------------------------------------------------------------------------
// The POSIX sh part
// ---------------------------------------------------------------------------------------------

function fetched(url: string): CommandURI {
  return { value: url, extract: true, executable: false, cache: false };
}

function prepareSandbox(siteProperties: string): string {
  return [
    'set -e',
    ': "${MESOS_SANDBOX:?alluxio-mesos: MESOS_SANDBOX is not set; this command runs inside a Mesos task sandbox}"',
    'cd "$MESOS_SANDBOX"',
    'mkdir -p conf logs',
    'export ALLUXIO_CONF_DIR="$MESOS_SANDBOX/conf"',
    'export ALLUXIO_LOGS_DIR="$MESOS_SANDBOX/logs"',
    heredocWrite('conf/alluxio-site.properties', siteProperties, 'ALLUXIO_SITE_PROPERTIES_EOF'),
  ].join('\n');
}

function locateDistribution(distribution: AlluxioDistribution): string {
  if (distribution.kind === 'local') {
    return [
      `ALLUXIO_MESOS_HOME=${shellQuote(distribution.home)}`,
      'if [ ! -f "$ALLUXIO_MESOS_HOME/libexec/alluxio-config.sh" ]; then',
      '  echo "alluxio-mesos: no Alluxio at alluxio.home=$ALLUXIO_MESOS_HOME on this agent (libexec/alluxio-config.sh is missing); ' +
        'install it there on every agent, or deploy from a tarball URL" >&2',
      '  exit 1',
      'fi',
    ].join('\n');
  }
  // The fetcher leaves the archive itself next to what it extracted; only a directory holding
  // libexec/alluxio-config.sh counts.
  return [
    'ALLUXIO_MESOS_HOME=',
    'alluxio_mesos_found=',
    'for alluxio_mesos_dir in "$MESOS_SANDBOX"/alluxio "$MESOS_SANDBOX"/alluxio-*; do',
    '  if [ -f "$alluxio_mesos_dir/libexec/alluxio-config.sh" ]; then',
    '    ALLUXIO_MESOS_HOME=$alluxio_mesos_dir',
    '    alluxio_mesos_found="$alluxio_mesos_found ${alluxio_mesos_dir##*/}"',
    '  fi',
    'done',
    'if [ -z "$alluxio_mesos_found" ]; then',
    `  echo "alluxio-mesos: the fetched Alluxio tarball has no top directory 'alluxio' or 'alluxio-<version>' holding ` +
      `libexec/alluxio-config.sh; the sandbox holds: $(ls -A "$MESOS_SANDBOX" | tr '\\n' ' ')" >&2`,
    '  exit 1',
    'fi',
    'if [ "$alluxio_mesos_found" != " ${ALLUXIO_MESOS_HOME##*/}" ]; then',
    '  echo "alluxio-mesos: several Alluxio distributions in the sandbox:$alluxio_mesos_found; the tarball must hold exactly one" >&2',
    '  exit 1',
    'fi',
  ].join('\n');
}

function useFetchedJdk(path: string): string {
  const javaHome = path.startsWith('/') ? shellQuote(path) : `"$MESOS_SANDBOX"/${shellQuote(path)}`;
  return [
    `export JAVA_HOME=${javaHome}`,
    'if [ ! -x "$JAVA_HOME/bin/java" ]; then',
    `  echo "alluxio-mesos: no bin/java under JAVA_HOME=$JAVA_HOME; alluxio.integration.mesos.jdk.path must name the top directory ` +
      `of the JDK tarball; the sandbox holds: $(ls -A "$MESOS_SANDBOX" | tr '\\n' ' ')" >&2`,
    '  exit 1',
    'fi',
    'export PATH="$JAVA_HOME/bin:$PATH"',
    // A JAVA inherited from the agent's environment would win over JAVA_HOME in alluxio-config.sh.
    'unset JAVA',
  ].join('\n');
}

/** Everything the bash part needs, as exported variables (values quoted once, here). */
function exportedValues(spec: LaunchSpec): string {
  const lines = ['export ALLUXIO_MESOS_HOME'];
  const exportValue = (name: string, value: string): void => {
    lines.push(`export ${name}=${shellQuote(value)}`);
  };
  // The same variables the original Mesos integration set; alluxio-config.sh turns them into -D too.
  if (spec.masterHostname !== undefined) exportValue('ALLUXIO_MASTER_HOSTNAME', spec.masterHostname);
  if (spec.role === 'worker' && spec.workerMemory !== undefined) exportValue('ALLUXIO_WORKER_MEMORY_SIZE', spec.workerMemory);
  exportValue('ALLUXIO_MESOS_JAVA_OPTS', spec.javaOpts ?? '');
  if (spec.role === 'master') {
    const properties = propertyMap(spec.siteProperties);
    const journal = journalFolderWord(properties);
    lines.push(`export ALLUXIO_MESOS_JOURNAL_DIR=${journal ?? "''"}`);
    exportValue('ALLUXIO_MESOS_FORMAT_PREFIX', resolveLiteral(properties, 'alluxio.master.format.file_prefix') ?? '_format_');
  }
  return lines.join('\n');
}

/**
 * The journal folder as a shell word, with `${alluxio.home}` standing for the distribution found on
 * the agent; null when it is not on the local file system (`hdfs://...`) or cannot be resolved from
 * the properties alone, in which case the command never formats it.
 */
export function journalFolderWord(properties: ReadonlyMap<string, string>): string | null {
  const parts = resolveParts(properties, 'alluxio.master.journal.folder', new Set());
  if (parts === null) return null;
  const first = parts[0];
  if (typeof first === 'string') {
    if (first.startsWith('file://')) parts[0] = first.slice('file://'.length);
    else if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(first)) return null;
  }
  const word = parts
    .filter((part) => part !== '')
    .map((part) => (part === HOME ? '"$ALLUXIO_MESOS_HOME"' : shellQuote(part as string)))
    .join('');
  return word === '' ? null : word;
}

const HOME: unique symbol = Symbol('alluxio.home');
type Part = string | typeof HOME;

function resolveParts(properties: ReadonlyMap<string, string>, key: string, seen: Set<string>): Part[] | null {
  if (key === 'alluxio.home') return [HOME];
  const value = properties.get(key) ?? JOURNAL_DEFAULTS[key];
  if (value === undefined || seen.has(key)) return null;
  const parts: Part[] = [];
  let last = 0;
  for (const match of value.matchAll(/\$\{([^}]+)\}/g)) {
    parts.push(value.slice(last, match.index));
    const inner = resolveParts(properties, (match[1] ?? '').trim(), new Set(seen).add(key));
    if (inner === null) return null;
    parts.push(...inner);
    last = match.index + match[0].length;
  }
  parts.push(value.slice(last));
  // Merge adjacent literals so that the scheme check sees the whole prefix.
  return parts.reduce<Part[]>((merged, part) => {
    const previous = merged[merged.length - 1];
    if (typeof part === 'string' && typeof previous === 'string') merged[merged.length - 1] = previous + part;
    else merged.push(part);
    return merged;
  }, []);
}

function resolveLiteral(properties: ReadonlyMap<string, string>, key: string): string | null {
  const parts = resolveParts(properties, key, new Set());
  return parts !== null && parts.every((part) => typeof part === 'string') ? parts.join('') : null;
}

/** The value of each key as Alluxio sees it (the last occurrence wins). */
export function propertyMap(text: string): Map<string, string> {
  return new Map(
    parseProperties(text)
      .entries()
      .map((entry) => [entry.key, entry.value]),
  );
}

function taskEnvironment(extraEnv: Record<string, string> | undefined): Environment | undefined {
  const entries = Object.entries(extraEnv ?? {});
  if (entries.length === 0) return undefined;
  return { variables: entries.map(([name, value]) => ({ name, type: 'VALUE' as const, value })) };
}

// ---------------------------------------------------------------------------------------------
// The bash part (constant per role; reads only the exported variables)
// ---------------------------------------------------------------------------------------------

function javaCommand(spec: LaunchSpec, logger: string, mainClass: string, roleOpts: string): string {
  const args = [
    '"$JAVA" -cp "$ALLUXIO_SERVER_CLASSPATH"',
    `${roleOpts} $ALLUXIO_MESOS_JAVA_OPTS`,
    '-Dalluxio.home="$ALLUXIO_HOME" -Dalluxio.conf.dir="$ALLUXIO_CONF_DIR" -Dalluxio.logs.dir="$ALLUXIO_LOGS_DIR"',
    `-Dalluxio.logger.type=${logger}`,
  ];
  if (spec.masterHostname !== undefined) args.push('-Dalluxio.master.hostname="$ALLUXIO_MASTER_HOSTNAME"');
  if (spec.role === 'worker' && mainClass === MAIN_CLASS.worker) {
    args.push(
      '-Dalluxio.worker.memory.size="$ALLUXIO_WORKER_MEMORY_SIZE"',
      '-Dalluxio.worker.tieredstore.level0.dirs.quota="$ALLUXIO_WORKER_MEMORY_SIZE"',
    );
  }
  args.push(mainClass);
  return args.join(' \\\n  ');
}

function runScript(spec: LaunchSpec): string {
  const lines = [
    'set -e',
    '. "$ALLUXIO_MESOS_HOME/libexec/alluxio-config.sh"',
    // JVM options are split into words but never globbed.
    'set -f',
  ];
  if (spec.role === 'master') {
    lines.push(
      'if [ -z "$ALLUXIO_MESOS_JOURNAL_DIR" ]; then',
      '  echo "alluxio-mesos: the master journal is not on a local path; ' +
        'it is never formatted automatically (format it once with: alluxio format)" >&2',
      'elif [ -n "$(find "$ALLUXIO_MESOS_JOURNAL_DIR" -name "$ALLUXIO_MESOS_FORMAT_PREFIX*" -print 2>/dev/null | head -n 1)" ]; then',
      '  echo "alluxio-mesos: journal $ALLUXIO_MESOS_JOURNAL_DIR is formatted; keeping it"',
      'else',
      '  echo "alluxio-mesos: journal $ALLUXIO_MESOS_JOURNAL_DIR was never formatted; formatting it"',
      `  ${javaCommand(spec, 'Console', 'alluxio.cli.Format', '$ALLUXIO_MASTER_JAVA_OPTS')} master`,
      'fi',
      'case "$ALLUXIO_MESOS_JOURNAL_DIR" in',
      '  "$MESOS_SANDBOX"/* | [!/]*)',
      '    echo "alluxio-mesos: warning: the journal $ALLUXIO_MESOS_JOURNAL_DIR is inside the task sandbox and is lost when the master ' +
        'is relaunched; set alluxio.master.journal.folder to a persistent path" >&2',
      '    ;;',
      'esac',
      `exec ${javaCommand(spec, 'MASTER_LOGGER', MAIN_CLASS.master, '$ALLUXIO_MASTER_JAVA_OPTS')}`,
    );
  } else {
    lines.push(`exec ${javaCommand(spec, 'WORKER_LOGGER', MAIN_CLASS.worker, '$ALLUXIO_WORKER_JAVA_OPTS')}`);
  }
  return lines.join('\n');
}

/** The bash script is constant text; keep it free of single quotes so it reads well when quoted. */
function quoteConstantScript(script: string): string {
  if (script.includes("'")) throw new Error('internal: the bash part of the launch command must not contain a single quote');
  return `'${script}'`;
}
