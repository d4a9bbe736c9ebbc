/**
 * The typed, resolved view of `alluxio-site.properties` that check-ports and deploy work from,
 * plus the helpers that write properties back in the spelling the file already uses.
 */
import { ConfigError } from '../shared/errors.js';
import { findSpec, isSecretKey, requireSpec, type PortSpelling, type PropertySpec } from './catalog.js';
import { hasUnresolvedReference, javaTrim, resolvedValue, setProperty } from './lookup.js';
import type { PropertiesDocument, WriteOptions } from './properties.js';
import { bytesToMb, parseByteSize } from './sizes.js';
import { writtenSpelling } from './generation.js';
import { resolveHighAvailability, type HighAvailability } from './high-availability.js';
import { isSecretProperty, shownPropertyValue } from './secret-keys.js';
import { hasUriCredentials, maskUriCredentials } from '../shared/uri-credentials.js';

export type { PortSpelling } from './catalog.js';

export type PortName = 'master.rpc' | 'master.web' | 'master.journal' | 'worker.rpc' | 'worker.data' | 'worker.web';

/** The catalog key of each port. */
const PORT_KEYS: Readonly<Record<PortName, string>> = {
  'master.rpc': 'alluxio.master.rpc.port',
  'master.web': 'alluxio.master.web.port',
  'master.journal': 'alluxio.master.embedded.journal.port',
  'worker.rpc': 'alluxio.worker.rpc.port',
  'worker.data': 'alluxio.worker.data.port',
  'worker.web': 'alluxio.worker.web.port',
};

const PORT_NAMES: readonly PortName[] = ['master.rpc', 'master.web', 'master.journal', 'worker.rpc', 'worker.data', 'worker.web'];

/**
 * Used when a file gives no hint: Alluxio 1.x knows only these names, and 2.x still reads them as
 * aliases, so they work with both.
 */
export const DEFAULT_PORT_SPELLING: PortSpelling = '1.x';

/** The name to write a port under for an Alluxio generation. */
export function portKey(name: PortName, spelling: PortSpelling): string {
  const entry = requireSpec(PORT_KEYS[name]);
  return entry.spellings?.[spelling] ?? entry.key;
}

/** Which generation's names a file uses, judged by its port keys, then its under-storage key. */
export function portSpelling(doc: PropertiesDocument): PortSpelling {
  return writtenSpelling(doc) ?? DEFAULT_PORT_SPELLING;
}

export interface ResolvedPort {
  /** Undefined when the value is not a valid port. */
  readonly port: number | undefined;
  readonly value: string;
  /** The key that set it, or the catalog key when the default applies. */
  readonly key: string;
  /** Line that set it; undefined when the default applies. */
  readonly line: number | undefined;
}

export function resolvePorts(doc: PropertiesDocument): Record<PortName, ResolvedPort> {
  const result = {} as Record<PortName, ResolvedPort>;
  for (const name of PORT_NAMES) {
    const catalogKey = PORT_KEYS[name];
    const set = setProperty(doc, catalogKey);
    const value = resolvedValue(doc, catalogKey) ?? '';
    const valid = requireSpec(catalogKey).validate(value) === undefined;
    result[name] = {
      port: valid ? Number(value) : undefined,
      value,
      key: set?.key ?? catalogKey,
      line: set?.line,
    };
  }
  return result;
}

/**
 * Ports each task needs offered. Worker data port only for Alluxio 1.x (the 2.x scheduler did not
 * request it), unless the file sets it explicitly.
 */
function workerUsesDataPort(doc: PropertiesDocument): boolean {
  return portSpelling(doc) === '1.x' || setProperty(doc, PORT_KEYS['worker.data']) !== undefined;
}

/** The embedded journal port is a master port only when the masters run the embedded journal. */
function masterUsesJournalPort(doc: PropertiesDocument): boolean {
  return resolveHighAvailability(doc).kind === 'embedded';
}

/** The ports a site file makes Alluxio listen on (see workerUsesDataPort and masterUsesJournalPort). */
export function usedPortNames(doc: PropertiesDocument): PortName[] {
  return PORT_NAMES.filter(
    (name) => (name !== 'worker.data' || workerUsesDataPort(doc)) && (name !== 'master.journal' || masterUsesJournalPort(doc)),
  );
}

type ArtifactSource =
  | { readonly kind: 'local' }
  | {
      readonly kind: 'url';
      readonly url: string;
      /** The file does not set it: Alluxio's default applies (it may still contain `${alluxio.version}`). */
      readonly isDefault: boolean;
    };

export interface AlluxioSiteConfig {
  readonly portSpelling: PortSpelling;
  readonly master: {
    readonly rpcPort: number;
    readonly webPort: number;
    /** `alluxio.master.embedded.journal.port`; a required port only with the embedded journal. */
    readonly journalPort: number;
    /** rpc and web, plus the journal port with the embedded journal. */
    readonly requiredPorts: readonly number[];
    readonly cpus: number;
    readonly memMb: number;
    readonly taskName: string;
    readonly nodeCount: number;
    /** How several masters elect a leader, and how workers find it (see high-availability.ts). */
    readonly highAvailability: HighAvailability;
    /** `alluxio.master.hostname` when set. */
    readonly hostname: string | undefined;
    /** `alluxio.master.bind.host` when set (unset: Alluxio binds every interface). */
    readonly bindHost: string | undefined;
  };
  readonly worker: {
    readonly rpcPort: number;
    readonly dataPort: number;
    readonly webPort: number;
    /** rpc and web, plus data when the worker uses it (see workerUsesDataPort). */
    readonly requiredPorts: readonly number[];
    readonly cpus: number;
    /** `alluxio.integration.worker.resource.mem`: the worker process itself. */
    readonly overheadMemMb: number;
    /** `alluxio.worker.memory.size`: the ramdisk. */
    readonly ramdiskBytes: number;
    /** What a worker task asks Mesos for: ramdisk + overhead. */
    readonly taskMemMb: number;
    readonly taskName: string;
    /** `alluxio.worker.bind.host` when set (unset: Alluxio binds every interface). */
    readonly bindHost: string | undefined;
  };
  readonly alluxioJar: ArtifactSource;
  readonly jdk: ArtifactSource;
  /** JAVA_HOME relative to the sandbox when the JDK is downloaded. */
  readonly jdkPath: string;
  readonly alluxioHome: string;
  readonly mesos: {
    readonly role: string;
    /** Undefined when set to empty. */
    readonly principal: string | undefined;
    readonly secret: string | undefined;
    /** Undefined: run tasks as the current user. */
    readonly user: string | undefined;
  };
  readonly underFsAddress: string;
}

/**
 * Resolves every property alluxio-mesos needs. Throws ConfigError (key, file, line, fix) on the
 * first invalid value; run validateSiteProperties first to report them all.
 */
export function resolveSiteConfig(doc: PropertiesDocument, fileName?: string): AlluxioSiteConfig {
  const read = (key: string): string => checkedValue(doc, requireSpec(key), fileName);
  // Unset or set to nothing: absent (e.g. an empty user means "the current user").
  const optional = (key: string): string | undefined => {
    const set = setProperty(doc, key);
    if (set?.value === '' || (set === undefined && requireSpec(key).default === undefined)) return undefined;
    const value = read(key);
    return value === '' ? undefined : value;
  };
  const ports = PORT_NAMES.map((name) => Number(read(PORT_KEYS[name])));
  const [masterRpc, masterWeb, masterJournal, workerRpc, workerData, workerWeb] = ports as [number, number, number, number, number, number];
  const overheadMemMb = bytesToMb(parseByteSize(read('alluxio.integration.worker.resource.mem')));
  const ramdiskBytes = parseByteSize(read('alluxio.worker.memory.size'));
  const usesDataPort = workerUsesDataPort(doc);

  return {
    portSpelling: portSpelling(doc),
    master: {
      rpcPort: masterRpc,
      webPort: masterWeb,
      journalPort: masterJournal,
      requiredPorts: masterUsesJournalPort(doc) ? [masterRpc, masterWeb, masterJournal] : [masterRpc, masterWeb],
      cpus: Number(read('alluxio.integration.master.resource.cpu')),
      memMb: bytesToMb(parseByteSize(read('alluxio.integration.master.resource.mem'))),
      taskName: read('alluxio.integration.mesos.master.name'),
      nodeCount: Number(read('alluxio.integration.mesos.master.node.count')),
      highAvailability: resolveHighAvailability(doc),
      hostname: optional('alluxio.master.hostname'),
      bindHost: optional('alluxio.master.bind.host'),
    },
    worker: {
      rpcPort: workerRpc,
      dataPort: workerData,
      webPort: workerWeb,
      requiredPorts: usesDataPort ? [workerRpc, workerData, workerWeb] : [workerRpc, workerWeb],
      cpus: Number(read('alluxio.integration.worker.resource.cpu')),
      overheadMemMb,
      ramdiskBytes,
      taskMemMb: bytesToMb(ramdiskBytes) + overheadMemMb,
      taskName: read('alluxio.integration.mesos.worker.name'),
      bindHost: optional('alluxio.worker.bind.host'),
    },
    alluxioJar: artifact(doc, 'alluxio.integration.mesos.alluxio.jar.url', read),
    jdk: artifact(doc, 'alluxio.integration.mesos.jdk.url', read),
    jdkPath: read('alluxio.integration.mesos.jdk.path'),
    alluxioHome: read('alluxio.home'),
    mesos: {
      role: read('alluxio.integration.mesos.role'),
      principal: optional('alluxio.integration.mesos.principal'),
      secret: optional('alluxio.integration.mesos.secret'),
      user: optional('alluxio.integration.mesos.user'),
    },
    underFsAddress: read('alluxio.master.mount.table.root.ufs'),
  };
}

function artifact(doc: PropertiesDocument, key: string, read: (key: string) => string): ArtifactSource {
  const value = read(key);
  if (value.toUpperCase() === 'LOCAL') return { kind: 'local' };
  return { kind: 'url', url: value, isDefault: setProperty(doc, key) === undefined };
}

/** The resolved value of a catalog property, validated; unresolvable defaults pass through. */
function checkedValue(doc: PropertiesDocument, entry: PropertySpec, fileName: string | undefined): string {
  const value = resolvedValue(doc, entry.key) ?? '';
  const set = setProperty(doc, entry.key);
  if (set === undefined && hasUnresolvedReference(value)) return value;
  const problem = entry.validate(value);
  if (problem === undefined) return value;
  const key = set?.key ?? entry.key;
  const where = set === undefined ? 'default' : `${fileName === undefined ? '' : `${fileName} `}line ${set.line}`;
  throw new ConfigError(
    `${key}=${entry.secret ? '(hidden)' : maskUriCredentials(value)} (${where}): ${problem.problem}`,
    { key, ...(fileName === undefined ? {} : { file: fileName }), ...(set === undefined ? {} : { line: set.line }) },
    { hint: problem.fix },
  );
}

/** Compares two values of a property by meaning (`1024MB` equals `1GB`). */
function sameValue(entry: PropertySpec, a: string, b: string): boolean {
  if (a === b) return true;
  try {
    switch (entry.type) {
      case 'bytes':
        return parseByteSize(a, { strict: true }) === parseByteSize(b, { strict: true });
      case 'port':
      case 'int':
      case 'cpu':
        return a !== '' && b !== '' && Number(a) === Number(b);
      case 'url-or-local':
        return a.toUpperCase() === 'LOCAL' && b.toUpperCase() === 'LOCAL';
      default:
        return false;
    }
  } catch {
    return false;
  }
}

/**
 * What the tasks must be told: every key whose value differs from Alluxio's default, in file
 * order, secrets excluded. Values are as written (Alluxio resolves `${...}` itself).
 */
export function nonDefaultProperties(doc: PropertiesDocument): Array<{ key: string; value: string }> {
  const result: Array<{ key: string; value: string }> = [];
  for (const key of doc.keys()) {
    if (isSecretKey(key)) continue;
    const value = doc.get(key) as string;
    const entry = findSpec(key);
    if (entry?.default !== undefined && sameValue(entry, javaTrim(value), entry.default)) continue;
    result.push({ key, value });
  }
  return result;
}

export interface WriteSitePropertyOptions extends WriteOptions {
  /** Name to use for properties whose name differs between Alluxio generations. */
  readonly spelling?: PortSpelling;
}

/**
 * Sets a property under the name the file already uses for it (or the name for `spelling`, by
 * default the file's generation) and removes its other spellings so that no two lines disagree.
 */
export function writeSiteProperty(doc: PropertiesDocument, key: string, value: string, options: WriteSitePropertyOptions = {}): void {
  const entry = findSpec(key);
  if (entry === undefined) {
    doc.set(key, value, options);
    return;
  }
  const names = [entry.key, ...entry.aliases];
  const existing = setProperty(doc, key)?.key;
  const target =
    (options.spelling === undefined ? existing : undefined) ??
    entry.spellings?.[options.spelling ?? portSpelling(doc)] ??
    existing ??
    entry.key;
  doc.set(target, value, options);
  for (const name of names) if (name !== target) doc.delete(name);
}

/**
 * Whether the document holds a credential, so that it must be written with mode 0600: a secret
 * key's value, or a password or token inside any value or comment (`s3a://KEY:SECRET@bucket`).
 */
export function containsSecret(doc: PropertiesDocument): boolean {
  return doc.entries().some((entry) => isSecretProperty(entry.key, javaTrim(entry.value))) || hasUriCredentials(doc.toString());
}

/**
 * The document's text as it may be shown (diffs, `--dry-run`): every secret key's value (every
 * occurrence) replaced by ********, credentials inside values and comments by ***.
 */
export function redactedText(doc: PropertiesDocument): string {
  const copy = doc.clone();
  copy.rewriteValues(shownPropertyValue);
  return maskUriCredentials(copy.toString());
}
