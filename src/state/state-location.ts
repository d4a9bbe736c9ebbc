/**
 * Where a deployment keeps its scheduler state, as given to `--state` (or saved by `init --state`):
 * `file` (the default: the ledger beside the configuration) or
 * `zk://[user:password@]host:2181[,host:2181]/path[?session-timeout=<seconds>]`.
 *
 * The ZooKeeper session timeout bounds how long a dead or frozen leader keeps the lease, and so the
 * takeover time of a standby (about the timeout plus a second or two). The default of 5 s suits a
 * scheduler (a Node process has no long pauses); raise it where the network to ZooKeeper is flaky.
 */
import { describeMasterAddress, parseMasterAddress, redactCredentials, type ZooKeeperMasterAddress } from '../mesos/client/address.js';
import { isAlluxioMesosError, UsageError } from '../shared/errors.js';

const DEFAULT_SESSION_TIMEOUT_MS = 5_000;
const MIN_SESSION_TIMEOUT_S = 2;
const MAX_SESSION_TIMEOUT_S = 60;

export type StateLocation =
  { readonly kind: 'file' } | { readonly kind: 'zk'; readonly address: ZooKeeperMasterAddress; readonly sessionTimeoutMs: number };

const FORMS = 'use file, or zk://host1:2181,host2:2181/alluxio-mesos (optionally ?session-timeout=<seconds>)';

/** Parses a `--state` value; every malformed input is a one-line UsageError (exit 2). */
export function parseStateLocation(input: string, flag = '--state'): StateLocation {
  const text = input.trim();
  const of = flag === '' ? '' : `${flag} `;
  if (text === '' || text.toLowerCase() === 'file') return { kind: 'file' };
  if (!/^zk:/i.test(text)) throw new UsageError(`${of}"${redactCredentials(text)}" is neither file nor a zk:// URL`, { hint: FORMS });
  const question = text.indexOf('?');
  const url = question === -1 ? text : text.slice(0, question);
  const query = question === -1 ? '' : text.slice(question + 1);
  let address;
  try {
    address = parseMasterAddress(url);
  } catch (error) {
    if (!isAlluxioMesosError(error)) throw error;
    throw new UsageError(`${of}${error.message}`, { hint: FORMS });
  }
  if (address.kind !== 'zk') throw new UsageError(`${of}"${redactCredentials(text)}" is not a zk:// URL`, { hint: FORMS });
  return { kind: 'zk', address, sessionTimeoutMs: parseSessionTimeout(query, of) };
}

function parseSessionTimeout(query: string, of: string): number {
  if (query === '') return DEFAULT_SESSION_TIMEOUT_MS;
  const params = new URLSearchParams(query);
  for (const key of params.keys()) {
    if (key !== 'session-timeout') throw new UsageError(`${of}has an unknown parameter "${key}"`, { hint: FORMS });
  }
  const value = params.get('session-timeout') ?? '';
  const seconds = /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
  if (!(seconds >= MIN_SESSION_TIMEOUT_S && seconds <= MAX_SESSION_TIMEOUT_S)) {
    throw new UsageError(
      `${of}session-timeout "${value}" must be a number of seconds from ${MIN_SESSION_TIMEOUT_S} to ${MAX_SESSION_TIMEOUT_S}`,
    );
  }
  return Math.round(seconds * 1000);
}

/** How a location is shown: never with a ZooKeeper password. */
export function describeStateLocation(location: StateLocation, ledgerFile: string): string {
  if (location.kind === 'file') return ledgerFile;
  const timeout = location.sessionTimeoutMs === DEFAULT_SESSION_TIMEOUT_MS ? '' : `?session-timeout=${location.sessionTimeoutMs / 1000}`;
  return `${describeMasterAddress(location.address)}${timeout}`;
}
