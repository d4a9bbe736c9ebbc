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

/** The leader's `host:port`; null when no master leads now (the path is empty or missing). One session, closed after. */
export async function readAlluxioLeader(
  zookeeperAddress: string,
  leaderPath: string,
  options: AlluxioLeaderOptions,
): Promise<string | null> {
  const reader = alluxioLeaderReader(zookeeperAddress, leaderPath, options);
  try {
    return await reader.read();
  } finally {
    await reader.close();
  }
}

export interface AlluxioLeaderReader {
  /** The leader now, over the kept session (opened on first use, again after a failure). */
  read(): Promise<string | null>;
  close(): Promise<void>;
}

export interface AlluxioLeaderReaderOptions extends AlluxioLeaderOptions {
  /** The session is closed after this long without a read (a scheduler reads only while a rollout runs). */
  readonly idleCloseMs?: number;
}

const DEFAULT_IDLE_CLOSE_MS = 15_000;

/**
 * Reads of the leader that share one ZooKeeper session, for a scheduler that asks every tick while a
 * rollout of HA masters runs: one session for the rollout instead of one per read. A read that fails
 * or takes longer than `timeoutMs` (a frozen server) drops the session; the next read opens a new one.
 */
export function alluxioLeaderReader(
  zookeeperAddress: string,
  leaderPath: string,
  options: AlluxioLeaderReaderOptions,
): AlluxioLeaderReader {
  const address = parseMasterAddress(alluxioLeaderSource(zookeeperAddress, leaderPath)) as ZooKeeperMasterAddress;
  let session: Promise<Client> | undefined;
  let idleTimer: NodeJS.Timeout | undefined;

  const drop = async (): Promise<void> => {
    clearTimeout(idleTimer);
    const closing = session;
    session = undefined;
    const client = await closing?.catch(() => undefined);
    if (client !== undefined) await closeClient(client);
  };
  const connect = (): Promise<Client> =>
    connectZooKeeper(address, {
      timeoutMs: options.timeoutMs,
      sessionTimeoutMs: Math.max(options.timeoutMs, 4_000),
      source: 'alluxio.zookeeper.address',
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });

  return {
    async read() {
      clearTimeout(idleTimer);
      session ??= connect();
      try {
        const client = await session;
        return await withTimeout(leaderOf(client, leaderPath), options.timeoutMs, () => alluxioLeaderSource(zookeeperAddress, leaderPath));
      } catch (error) {
        await drop();
        throw error;
      } finally {
        if (session !== undefined) {
          idleTimer = setTimeout(() => void drop(), options.idleCloseMs ?? DEFAULT_IDLE_CLOSE_MS);
          idleTimer.unref();
        }
      }
    },
    close: drop,
  };
}

async function leaderOf(client: Client, leaderPath: string): Promise<string | null> {
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
}

/** ZooKeeper requests have no deadline of their own: a server that froze after connecting would hang the read. */
function withTimeout<T>(work: Promise<T>, timeoutMs: number, where: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from ZooKeeper reading ${where()} within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
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
