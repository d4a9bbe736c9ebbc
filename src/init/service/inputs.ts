/**
 * What a service file for the scheduler is rendered from, decided once from the saved settings:
 * the service files (systemd unit, Marathon app) only lay these facts out. Pure: the caller reads
 * the files and finds the installed CLI.
 */
import path from 'node:path';
import { parseMasterAddress, redactCredentials } from '../../mesos/client/address.js';
import { UsageError } from '../../shared/errors.js';

export const SERVICE_KINDS = ['systemd', 'marathon'] as const;
export type ServiceKind = (typeof SERVICE_KINDS)[number];

/** The secret store path the Marathon app names; the operator creates it there. */
export const MARATHON_SECRET_STORE_PATH = 'alluxio-mesos/mesos-secret';

/** The unix user a service runs the scheduler as when the settings name none. */
const DEFAULT_SERVICE_USER = 'alluxio';

/** What init knows, as saved in the configuration directory. */
export interface ServiceSettings {
  /** Absolute configuration directory. */
  readonly confDir: string;
  readonly master: string | undefined;
  /** `zk://...` when the scheduler state lives in ZooKeeper; undefined: a file in confDir. */
  readonly state: string | undefined;
  /** The secret file named in the settings, absolute (a path on this host). */
  readonly secretFile: string | undefined;
  /** alluxio.integration.mesos.secret is set in the site file (init --store-secret). */
  readonly secretInSiteFile: boolean;
  /** alluxio.integration.mesos.user: the user the framework and its tasks run as. */
  readonly user: string | undefined;
  /** How the agents get Alluxio, for the reader: `LOCAL at /opt/alluxio` or the tarball URL. */
  readonly alluxio: string;
  /** The installed CLI: the node binary and the package's bin/alluxio-mesos.js, both absolute. */
  readonly node: string;
  readonly cli: string;
}

export interface ServiceInputs {
  readonly confDir: string;
  /** Where the scheduler runs from: the directory above the configuration (`$ALLUXIO_HOME`). */
  readonly workingDirectory: string;
  /** The master, credentials hidden: for comments and labels only (deploy reads it from confDir). */
  readonly masterShown: string;
  /** The ZooKeeper state URL, when there is one. */
  readonly state: string | undefined;
  /** The state URL, credentials hidden. */
  readonly stateShown: string | undefined;
  /** Whether `--state` goes on the command line (not when the URL holds a password). */
  readonly stateOnCommandLine: boolean;
  /** The secret file on this host: systemd hands it over; for Marathon, the secret store holds it. */
  readonly secretFile: string | undefined;
  readonly user: string;
  readonly alluxio: string;
  readonly node: string;
  readonly cli: string;
}

export interface PreparedInputs {
  readonly inputs: ServiceInputs;
  /** Facts worth a `warning:` line: what the operator must still do for the file to work. */
  readonly warnings: readonly string[];
}

const hasCredentials = (url: string): boolean => redactCredentials(url) !== url;

/** Checks the settings can run as a service of `kind` and decides what goes where. */
export function prepareServiceInputs(kind: ServiceKind, settings: ServiceSettings): PreparedInputs {
  const master = settings.master;
  if (master === undefined || master.trim() === '') {
    throw new UsageError('a service file needs the Mesos master address', { hint: 'run alluxio-mesos init --master <address> first' });
  }
  if (parseMasterAddress(master).kind === 'local') {
    throw new UsageError('the Mesos master is "local": that cluster lives inside one command and cannot be a service', {
      hint: 'run init --master <host:port or zk://...> with the real Mesos master, then --write-service again',
    });
  }
  const state = settings.state === undefined || settings.state.trim() === '' ? undefined : settings.state.trim();
  if (state !== undefined && !state.startsWith('zk://')) {
    throw new UsageError(`the state location "${state}" is not a zk:// URL`, { hint: 'use zk://zk1:2181,zk2:2181/alluxio-mesos' });
  }
  if (kind === 'marathon' && state === undefined) {
    throw new UsageError('a Marathon app runs two scheduler instances on different hosts: they need the state in ZooKeeper', {
      hint: 'save it first: alluxio-mesos init --state zk://zk1:2181,zk2:2181/alluxio-mesos; then init --write-service marathon',
    });
  }
  const warnings: string[] = [];
  const stateOnCommandLine = state !== undefined && !hasCredentials(state);
  if (state !== undefined && !stateOnCommandLine) {
    warnings.push(
      `the state URL holds a ZooKeeper password, so it is not written into the service file; deploy reads it from ${settings.confDir}`,
    );
  }
  if (settings.secretInSiteFile && settings.secretFile === undefined) {
    warnings.push(`the Mesos secret is read from the site file: it must be readable by the service's user only (chmod 600)`);
  }
  if (kind === 'marathon' && settings.secretFile !== undefined) {
    warnings.push(
      `create the Marathon secret ${MARATHON_SECRET_STORE_PATH} (the content of ${settings.secretFile}) before posting the app`,
    );
  }
  return {
    inputs: {
      confDir: settings.confDir,
      workingDirectory: path.dirname(settings.confDir),
      masterShown: redactCredentials(master.trim()),
      state,
      stateShown: state === undefined ? undefined : redactCredentials(state),
      stateOnCommandLine,
      secretFile: settings.secretFile,
      user: settings.user === undefined || settings.user.trim() === '' ? DEFAULT_SERVICE_USER : settings.user.trim(),
      alluxio: settings.alluxio,
      node: settings.node,
      cli: settings.cli,
    },
    warnings,
  };
}

/**
 * The scheduler's arguments after the CLI: a foreground `deploy` of this configuration that stands
 * by while another instance is active. The master, the principal and the rest come from confDir.
 */
export function deployArguments(inputs: ServiceInputs, secretFile: string | undefined): string[] {
  return [
    'deploy',
    '--conf-dir',
    inputs.confDir,
    ...(inputs.stateOnCommandLine && inputs.state !== undefined ? ['--state', inputs.state] : []),
    '--standby',
    ...(secretFile === undefined ? [] : ['--secret-file', secretFile]),
  ];
}

export function defaultServiceFileName(kind: ServiceKind): string {
  return kind === 'systemd' ? 'alluxio-mesos-scheduler.service' : 'alluxio-mesos-scheduler.marathon.json';
}
