/**
 * From a parsed `--master` to the base URL of the leading master.
 *
 * - `host:port` / URL: used as given. A non-leader answers our first request with a 307 to the
 *   leader, which the transport follows; probing `/master/redirect` up front would swap the
 *   address the user gave for the hostname the leader advertises, which may not resolve here.
 * - `zk://`: the leader's MasterInfo from ZooKeeper; its advertised hostname, else its IP.
 * - `local`: the embedded cluster, through the resolver its owner injects; without one, a marker.
 */
import { describeMasterAddress, formatHostPort, type MasterAddress } from './address.js';
import type { MasterLocation } from '../protocol/master-info.js';
import type { Clock } from '../../shared/clock.js';
import type { ZooKeeperOptions } from './zookeeper.js';
import type { ZooKeeperMasterAddress } from './address.js';

export type ResolvedMaster =
  | {
      kind: 'http';
      /** Base URL for requests: `http(s)://host:port[/prefix]`. */
      baseUrl: string;
      how: 'address' | 'zookeeper' | 'local';
      /** The address as the user gave it (passwords masked), for messages. */
      address: string;
      /** The leader's MasterInfo, when ZooKeeper told us. */
      leader?: MasterLocation;
    }
  | { kind: 'local' };

export interface ResolveOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  clock?: Clock;
  /** Scheme for masters found in ZooKeeper (MasterInfo does not say); default http. */
  zooKeeperScheme?: 'http' | 'https';
  /** Starts or finds the embedded cluster and returns its master's base URL. */
  resolveLocal?: (options: { timeoutMs: number; signal?: AbortSignal }) => Promise<{ baseUrl: string }>;
  /** Replaces the ZooKeeper lookup (tests). */
  detectLeader?: (address: ZooKeeperMasterAddress, options: ZooKeeperOptions) => Promise<MasterLocation>;
}

export async function resolveMaster(address: MasterAddress, options: ResolveOptions): Promise<ResolvedMaster> {
  switch (address.kind) {
    case 'http':
      return { kind: 'http', baseUrl: address.url, how: 'address', address: address.url };
    case 'local': {
      if (options.resolveLocal === undefined) return { kind: 'local' };
      const local = await options.resolveLocal(withSignal({ timeoutMs: options.timeoutMs }, options.signal));
      return { kind: 'http', baseUrl: local.baseUrl.replace(/\/+$/, ''), how: 'local', address: 'local' };
    }
    case 'zk': {
      // Loaded on demand: only zk:// addresses need the ZooKeeper client.
      const detect = options.detectLeader ?? (await import('./zookeeper.js')).detectLeader;
      const zkOptions: ZooKeeperOptions = withSignal({ timeoutMs: options.timeoutMs }, options.signal);
      if (options.clock !== undefined) zkOptions.clock = options.clock;
      const leader = await detect(address, zkOptions);
      return {
        kind: 'http',
        baseUrl: leaderBaseUrl(leader, options.zooKeeperScheme ?? 'http'),
        how: 'zookeeper',
        address: describeMasterAddress(address),
        leader,
      };
    }
  }
}

/** `http://<hostname or ip>:<port>` of a master found in ZooKeeper. */
export function leaderBaseUrl(leader: MasterLocation, scheme: 'http' | 'https'): string {
  const host = leader.hostname ?? leader.ip ?? '';
  return new URL(`${scheme}://${formatHostPort({ host, port: leader.port })}`).origin;
}

function withSignal<T extends object>(options: T, signal: AbortSignal | undefined): T & { signal?: AbortSignal } {
  return signal === undefined ? options : { ...options, signal };
}
