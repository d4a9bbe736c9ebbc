/**
 * The one call a command makes to talk to Mesos: parse `--master`, find the leader, build the
 * transport with credentials and TLS settings, and hand back a master client.
 */
import { UsageError } from '../../shared/errors.js';
import { parseMasterAddress } from './address.js';
import type { Credentials } from './credentials.js';
import { resolveMaster, type ResolveOptions, type ResolvedMaster } from './detect.js';
import { HttpTransport, type TransportOptions } from './http.js';
import { MesosMasterClient } from './master-client.js';

export interface ConnectOptions extends Pick<ResolveOptions, 'resolveLocal' | 'detectLeader' | 'zooKeeperScheme' | 'signal' | 'clock'> {
  /** `--master` as given. */
  master: string;
  timeoutMs: number;
  credentials?: Credentials | undefined;
  caFile?: string | undefined;
  insecure?: boolean | undefined;
  onRedirect?: TransportOptions['onRedirect'];
}

export interface MasterConnection {
  client: MesosMasterClient;
  resolved: Extract<ResolvedMaster, { kind: 'http' }>;
  /** Releases sockets; call when done. */
  close(): void;
}

export async function connectToMaster(options: ConnectOptions): Promise<MasterConnection> {
  const address = parseMasterAddress(options.master);
  const resolveOptions: ResolveOptions = { timeoutMs: options.timeoutMs };
  if (options.signal !== undefined) resolveOptions.signal = options.signal;
  if (options.clock !== undefined) resolveOptions.clock = options.clock;
  if (options.resolveLocal !== undefined) resolveOptions.resolveLocal = options.resolveLocal;
  if (options.detectLeader !== undefined) resolveOptions.detectLeader = options.detectLeader;
  const scheme = options.zooKeeperScheme ?? (options.caFile !== undefined || options.insecure === true ? 'https' : 'http');
  resolveOptions.zooKeeperScheme = scheme;

  const resolved = await resolveMaster(address, resolveOptions);
  if (resolved.kind === 'local') {
    throw new UsageError('--master local needs the embedded cluster, which this command does not start');
  }
  const transportOptions: TransportOptions = {
    baseUrl: resolved.baseUrl,
    timeoutMs: options.timeoutMs,
    credentials: options.credentials,
    caFile: options.caFile,
    insecure: options.insecure,
  };
  if (options.clock !== undefined) transportOptions.clock = options.clock;
  if (options.onRedirect !== undefined) transportOptions.onRedirect = options.onRedirect;
  const transport = new HttpTransport(transportOptions);
  return { client: new MesosMasterClient(transport), resolved, close: () => transport.close() };
}
