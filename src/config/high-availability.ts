/**
 * High-availability Alluxio masters. More than one master needs leader election and a journal every
 * master can read; without them each master is a cluster of its own, the workers register with
 * only one of them, and every check looks green (a split brain). Alluxio offers two forms:
 *
 * - ZooKeeper (Alluxio 1.x and 2.x): `alluxio.zookeeper.enabled=true`, `alluxio.zookeeper.address`
 *   (host:port list), and `alluxio.master.journal.folder` on storage every master reads (hdfs://,
 *   s3a://, ...): the leader writes it, a new leader replays it. Masters elect a leader under
 *   `alluxio.zookeeper.election.path`, the leader publishes its address under
 *   `alluxio.zookeeper.leader.path`, and workers and clients read it there.
 * - The embedded journal (Alluxio 2.x only): `alluxio.master.journal.type=EMBEDDED` and
 *   `alluxio.master.embedded.journal.addresses`, one host:port per master (the journal port,
 *   `alluxio.master.embedded.journal.port`, 19200 by default). The masters replicate the journal by
 *   Raft and elect the leader among themselves; workers find it by asking those hosts.
 *
 * This module checks a site file for either (one-line problems, each with its fix) and resolves
 * what the launch command, check-ports and status need.
 */
import { ConfigError } from '../shared/errors.js';
import { requireSpec } from './catalog.js';
import { resolvedValue, setProperty, type SetProperty } from './lookup.js';
import type { PropertiesDocument } from './properties.js';
import { writtenSpelling } from './generation.js';
import { oneLineQuote } from '../shared/excerpt.js';
import { maskUriCredentials } from '../shared/uri-credentials.js';

/** A value as messages show it: one line, cut, a password in a URI masked. */
function shown(value: string): string {
  return oneLineQuote(maskUriCredentials(value), 120);
}

interface HostPort {
  readonly host: string;
  readonly port: number;
}

export type HighAvailability =
  | { readonly kind: 'none' }
  | {
      readonly kind: 'zookeeper';
      /** `alluxio.zookeeper.address` as written (host:port list). */
      readonly zookeeperAddress: string;
      readonly servers: readonly HostPort[];
      readonly electionPath: string;
      readonly leaderPath: string;
      readonly journalFolder: string;
    }
  | {
      readonly kind: 'embedded';
      readonly journalPort: number;
      /** `alluxio.master.embedded.journal.addresses`: the masters' hosts and journal ports. */
      readonly masters: readonly HostPort[];
    };

export interface HighAvailabilityCheck {
  readonly errors: ConfigError[];
  readonly warnings: string[];
}

const MASTER_COUNT_KEY = 'alluxio.integration.mesos.master.node.count';

/** A shared journal folder example, used in every fix that asks for one. */
const SHARED_JOURNAL_EXAMPLE = 'hdfs://namenode:9000/alluxio/journal';

/** `host:port,host:port` into pairs; entries that are not host:port are left out (the catalog reports them). */
function parseHostPortList(value: string): HostPort[] {
  return value
    .split(',')
    .map((part) => /^\[?(.+?)\]?:(\d+)$/.exec(part.trim()))
    .filter((match) => match !== null)
    .map((match) => ({ host: match[1] as string, port: Number(match[2]) }));
}

/**
 * Where a journal folder lives: `shared`, a URI of a distributed file system (hdfs://, s3a://...);
 * `mount`, a file:// URI, which every master reads only if it is a mount all agents share (NFS);
 * `local`, a plain path (the default among them), which is each agent's own disk.
 */
export function journalStorage(folder: string): 'shared' | 'mount' | 'local' {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(folder)?.[1]?.toLowerCase();
  if (scheme === undefined) return 'local';
  return scheme === 'file' ? 'mount' : 'shared';
}

interface Settings {
  readonly masters: number;
  readonly count: SetProperty | undefined;
  readonly zookeeperEnabled: SetProperty | undefined;
  readonly zookeeperAddress: SetProperty | undefined;
  readonly journalType: SetProperty | undefined;
  readonly embeddedAddresses: SetProperty | undefined;
  readonly embeddedPort: number;
  readonly journalFolder: string;
}

function settingsOf(doc: PropertiesDocument): Settings {
  const count = setProperty(doc, MASTER_COUNT_KEY);
  const masters = count === undefined ? 1 : Number(count.value);
  const enabled = setProperty(doc, 'alluxio.zookeeper.enabled');
  const address = setProperty(doc, 'alluxio.zookeeper.address');
  const embedded = setProperty(doc, 'alluxio.master.embedded.journal.addresses');
  const nonEmpty = (set: SetProperty | undefined): SetProperty | undefined => (set === undefined || set.value === '' ? undefined : set);
  return {
    masters: Number.isSafeInteger(masters) ? masters : 1,
    count,
    zookeeperEnabled: enabled?.value.toLowerCase() === 'true' ? enabled : undefined,
    zookeeperAddress: nonEmpty(address),
    journalType: nonEmpty(setProperty(doc, 'alluxio.master.journal.type')),
    embeddedAddresses: nonEmpty(embedded),
    embeddedPort: Number(resolvedValue(doc, 'alluxio.master.embedded.journal.port') ?? '19200'),
    journalFolder: resolvedValue(doc, 'alluxio.master.journal.folder') ?? '',
  };
}

const isEmbeddedType = (settings: Settings): boolean => settings.journalType?.value.toUpperCase() === 'EMBEDDED';

/** What the site file asks for; `none` when it configures no leader election (valid only with one master). */
export function resolveHighAvailability(doc: PropertiesDocument): HighAvailability {
  const settings = settingsOf(doc);
  if (settings.zookeeperEnabled !== undefined && settings.zookeeperAddress !== undefined) {
    return {
      kind: 'zookeeper',
      zookeeperAddress: settings.zookeeperAddress.value,
      servers: parseHostPortList(settings.zookeeperAddress.value),
      electionPath: resolvedValue(doc, 'alluxio.zookeeper.election.path') ?? '/election',
      leaderPath: resolvedValue(doc, 'alluxio.zookeeper.leader.path') ?? '/leader',
      journalFolder: settings.journalFolder,
    };
  }
  if (isEmbeddedType(settings) && settings.embeddedAddresses !== undefined) {
    return { kind: 'embedded', journalPort: settings.embeddedPort, masters: parseHostPortList(settings.embeddedAddresses.value) };
  }
  return { kind: 'none' };
}

/**
 * Every problem of the high-availability settings, each one line naming key, file and line, with
 * the fix. Invalid values of single keys (a port that is no number) are the catalog's to report.
 */
export function checkHighAvailability(doc: PropertiesDocument, fileName: string): HighAvailabilityCheck {
  const settings = settingsOf(doc);
  const errors: ConfigError[] = [];
  const warnings: string[] = [];
  const at = (set: SetProperty | undefined): string => (set === undefined ? 'default' : `${fileName} line ${set.line}`);
  const refuse = (set: SetProperty | undefined, key: string, message: string, hint: string): void => {
    errors.push(
      new ConfigError(message, { key: set?.key ?? key, file: fileName, ...(set === undefined ? {} : { line: set.line }) }, { hint }),
    );
  };

  const { zookeeperEnabled, zookeeperAddress, journalType, embeddedAddresses } = settings;
  if (zookeeperEnabled !== undefined && zookeeperAddress === undefined) {
    refuse(
      zookeeperEnabled,
      'alluxio.zookeeper.enabled',
      `alluxio.zookeeper.enabled=true (${at(zookeeperEnabled)}) without alluxio.zookeeper.address: the masters have no ZooKeeper to elect a leader through`,
      'set alluxio.zookeeper.address=zk1:2181,zk2:2181,zk3:2181 (or init --ha zookeeper --zookeeper-address ...)',
    );
  }
  if (zookeeperEnabled !== undefined && isEmbeddedType(settings)) {
    refuse(
      journalType,
      'alluxio.master.journal.type',
      `alluxio.zookeeper.enabled=true (${at(zookeeperEnabled)}) with alluxio.master.journal.type=EMBEDDED (${at(journalType)}): ` +
        'the embedded journal elects its own leader; ZooKeeper election needs a UFS journal',
      `keep one: ZooKeeper with alluxio.master.journal.type=UFS and alluxio.master.journal.folder=${SHARED_JOURNAL_EXAMPLE}, ` +
        'or the embedded journal without alluxio.zookeeper.enabled',
    );
  }
  const embeddedAsked = isEmbeddedType(settings) || embeddedAddresses !== undefined;
  const generation = writtenGeneration(doc);
  if (embeddedAsked && generation !== undefined) {
    const asked = isEmbeddedType(settings) ? journalType : embeddedAddresses;
    refuse(
      asked,
      'alluxio.master.journal.type',
      `${asked?.key}=${shown(asked?.value ?? '')} (${at(asked)}) is Alluxio 2.x's embedded journal, but this file is for Alluxio 1.x ` +
        `(${generation.key}, ${at(generation)}), which has no embedded journal`,
      'for Alluxio 1.x use ZooKeeper: alluxio.zookeeper.enabled=true, alluxio.zookeeper.address and a shared ' +
        'alluxio.master.journal.folder (init --ha zookeeper); for Alluxio 2.x write the 2.x key names (init --port-keys 2.x)',
    );
  }
  if (embeddedAddresses !== undefined && journalType !== undefined && !isEmbeddedType(settings)) {
    refuse(
      journalType,
      'alluxio.master.journal.type',
      `alluxio.master.embedded.journal.addresses (${at(embeddedAddresses)}) with alluxio.master.journal.type=${shown(journalType.value)} ` +
        `(${at(journalType)}): the addresses are read only by the embedded journal`,
      'set alluxio.master.journal.type=EMBEDDED, or remove alluxio.master.embedded.journal.addresses',
    );
  }
  if (isEmbeddedType(settings) && embeddedAddresses !== undefined)
    checkEmbeddedAddresses(settings, embeddedAddresses, at, refuse, warnings);

  if (settings.masters <= 1) return { errors, warnings };
  const count = settings.count;
  const masters = `${count?.key ?? MASTER_COUNT_KEY}=${settings.masters} (${at(count)})`;
  if (zookeeperEnabled !== undefined && zookeeperAddress !== undefined) {
    const folder = setProperty(doc, 'alluxio.master.journal.folder');
    const storage = journalStorage(settings.journalFolder);
    if (storage === 'mount') {
      warnings.push(
        `alluxio.master.journal.folder=${shown(settings.journalFolder)} (${at(folder)}) is a file:// journal: with ${settings.masters} ` +
          'masters it must be a mount every agent shares (NFS), or a new leader will not see what the old one wrote',
      );
    }
    if (storage === 'local') {
      refuse(
        folder ?? count,
        'alluxio.master.journal.folder',
        `${masters} with ZooKeeper need a journal every master reads, but alluxio.master.journal.folder=` +
          `${shown(folder?.value ?? requireSpec('alluxio.master.journal.folder').default ?? '')} (${at(folder)}) is on each agent's own disk: ` +
          'a new leader would not see what the old one wrote',
        `set alluxio.master.journal.folder to shared storage, e.g. ${SHARED_JOURNAL_EXAMPLE} (or init --journal-folder ...)`,
      );
    }
    return { errors, warnings };
  }
  if (isEmbeddedType(settings) && embeddedAddresses !== undefined) {
    if (settings.masters % 2 === 0) {
      warnings.push(
        `${masters} on the embedded journal survive no master failure (Raft needs a majority of them): run an odd number, e.g. 3`,
      );
    }
    return { errors, warnings };
  }
  if (errors.length > 0) return { errors, warnings };
  refuse(
    count,
    MASTER_COUNT_KEY,
    `${masters} without high availability: each Alluxio master would be a cluster of its own, and the workers would register ` +
      'with only one of them',
    'set alluxio.zookeeper.enabled=true and alluxio.zookeeper.address=zk1:2181,zk2:2181 with alluxio.master.journal.folder on ' +
      `storage every master reads (${SHARED_JOURNAL_EXAMPLE}), or, Alluxio 2.x, alluxio.master.journal.type=EMBEDDED with ` +
      'alluxio.master.embedded.journal.addresses (init --ha zookeeper|embedded), or run one master (init --master-count 1)',
  );
  return { errors, warnings };
}

function checkEmbeddedAddresses(
  settings: Settings,
  addresses: SetProperty,
  at: (set: SetProperty | undefined) => string,
  refuse: (set: SetProperty | undefined, key: string, message: string, hint: string) => void,
  warnings: string[],
): void {
  const entries = parseHostPortList(addresses.value);
  const hosts = new Set(entries.map((entry) => entry.host.toLowerCase()));
  const where = `alluxio.master.embedded.journal.addresses (${at(addresses)})`;
  if (hosts.size < entries.length) {
    refuse(addresses, addresses.key, `${where} names a host twice`, 'list each master host once: m1:19200,m2:19200,m3:19200');
  }
  if (settings.masters > 1 && hosts.size < settings.masters) {
    refuse(
      addresses,
      addresses.key,
      `${where} names ${hosts.size} host${hosts.size === 1 ? '' : 's'} for ${settings.masters} masters: every master needs its place in the journal`,
      `list one host:${settings.embeddedPort} per master (the masters run on those hosts), or lower the master count`,
    );
  }
  const wrongPort = entries.find((entry) => entry.port !== settings.embeddedPort);
  if (wrongPort !== undefined) {
    refuse(
      addresses,
      addresses.key,
      `${where} gives ${shown(wrongPort.host)} port ${wrongPort.port}, but each master listens on alluxio.master.embedded.journal.port=${settings.embeddedPort}`,
      `use port ${settings.embeddedPort} for every master (or set alluxio.master.embedded.journal.port to the port the addresses use)`,
    );
  }
  if (settings.masters > 1 && hosts.size > settings.masters) {
    warnings.push(
      `${where} names ${hosts.size} hosts for ${settings.masters} masters: the journal waits for members that never start ` +
        '(a majority of all listed hosts must run)',
    );
  }
}

/**
 * Evidence that the file is for Alluxio 1.x: an `alluxio.version` of 1.x, or the 1.x names of the
 * RPC ports or the under storage (2.x still reads them, but a file written for 2.x uses the new ones).
 */
function writtenGeneration(doc: PropertiesDocument): SetProperty | undefined {
  const version = setProperty(doc, 'alluxio.version');
  if (version !== undefined && /^1\./.test(version.value)) return version;
  if (writtenSpelling(doc) === '2.x') return undefined;
  for (const key of ['alluxio.master.port', 'alluxio.worker.port', 'alluxio.underfs.address']) {
    const entry = doc.entry(key);
    if (entry !== undefined) return { key, value: entry.value, line: entry.line };
  }
  return undefined;
}
