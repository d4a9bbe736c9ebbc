/**
 * The leading Alluxio master, where Alluxio itself publishes it when its masters elect a leader
 * through ZooKeeper: each leader creates a znode named `<host>:<rpc port>` under
 * `alluxio.zookeeper.leader.path`, and the one created last leads (Alluxio's ZkMasterInquireClient
 * decides the same way, so `status` agrees with what workers and clients use).
 */
import { Exception, type Client, type Stat } from 'node-zookeeper-client';
import { parseMasterAddress, type ZooKeeperMasterAddress } from '../client/address.js';
import { closeClient, connectZooKeeper } from '../client/zookeeper.js';

/** How long one read of the leader may take at most (callers also keep within their --timeout). */
export const ALLUXIO_LEADER_READ_MS = 5_000;

export interface AlluxioLeaderOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

/** `zk://<alluxio.zookeeper.address><leader path>`, as messages name where the leader was read. */
export function alluxioLeaderSource(zookeeperAddress: string, leaderPath: string): string {
  // Alluxio trims each server of the list (`zk1:2181, zk2:2181` is valid there).
  const servers = zookeeperAddress
    .split(',')
    .map((server) => server.trim())
    .join(',');
  return `zk://${servers}${leaderPath}`;
}

/** The leader's `host:port`; null when no master leads now (the path is empty or missing). */
export async function readAlluxioLeader(
  zookeeperAddress: string,
  leaderPath: string,
  options: AlluxioLeaderOptions,
): Promise<string | null> {
  const address = parseMasterAddress(alluxioLeaderSource(zookeeperAddress, leaderPath)) as ZooKeeperMasterAddress;
  const client = await connectZooKeeper(address, {
    timeoutMs: options.timeoutMs,
    sessionTimeoutMs: Math.max(options.timeoutMs, 4_000),
    source: 'alluxio.zookeeper.address',
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  try {
    const children = await childrenOf(client, leaderPath);
    let leader: string | null = null;
    let newest = -1n;
    for (const child of children) {
      const stat = await statOf(client, `${leaderPath}/${child}`);
      if (stat === null) continue;
      const created = stat.ctime.readBigInt64BE(0);
      if (created > newest) {
        newest = created;
        leader = child;
      }
    }
    return leader;
  } finally {
    await closeClient(client);
  }
}

function childrenOf(client: Client, path: string): Promise<string[]> {
  return new Promise((resolve, reject) =>
    client.getChildren(path, (error, children) => {
      if (error === null) resolve(children);
      else if (error instanceof Exception && error.getCode() === Exception.NO_NODE) resolve([]);
      else reject(error);
    }),
  );
}

function statOf(client: Client, path: string): Promise<Stat | null> {
  return new Promise((resolve, reject) => client.exists(path, (error, stat) => (error === null ? resolve(stat) : reject(error))));
}
