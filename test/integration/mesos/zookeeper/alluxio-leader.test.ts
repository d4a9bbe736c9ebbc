/**
 * Reading the leading Alluxio master from a real ZooKeeper the way Alluxio 1.x publishes it (a znode
 * `<host>:<port>` per leader under the leader path, the newest leads), through the kept session a
 * scheduler uses while a rollout of HA masters runs.
 */
import { CreateMode, type Client } from 'node-zookeeper-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { alluxioLeaderReader, readAlluxioLeader } from '../../../../src/mesos/zookeeper/alluxio-leader.js';
import { freeze } from '../../../helpers/processes.js';
import {
  closeClient,
  connectClient,
  describeWithZooKeeper,
  mkdirp,
  startZooKeeper,
  type ZooKeeperServer,
} from '../../../helpers/zookeeper.js';

const LEADER_PATH = '/alluxio/leader';

function createLeader(client: Client, name: string): Promise<void> {
  return new Promise((resolve, reject) =>
    client.create(`${LEADER_PATH}/${name}`, null, CreateMode.PERSISTENT, (error) => (error === null ? resolve() : reject(error))),
  );
}

async function eventually(check: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('condition never held');
}

describeWithZooKeeper('the leading Alluxio master, read from ZooKeeper', () => {
  let zk: ZooKeeperServer;
  let writer: Client;
  beforeAll(async () => {
    zk = await startZooKeeper();
    writer = await connectClient(zk.connectString);
    await mkdirp(writer, LEADER_PATH);
  });
  afterAll(async () => {
    await closeClient(writer);
    await zk.stop();
  });

  it('the newest znode leads; every read of a rollout shares one session, closed when idle', async () => {
    expect(await readAlluxioLeader(zk.connectString, '/alluxio/absent', { timeoutMs: 5_000 })).toBeNull();
    const before = await zk.connections();
    const reader = alluxioLeaderReader(zk.connectString, LEADER_PATH, { timeoutMs: 5_000, idleCloseMs: 1_000 });
    try {
      await createLeader(writer, 'master-1:19998');
      expect(await reader.read()).toBe('master-1:19998');
      await createLeader(writer, 'master-2:19998');
      for (let read = 0; read < 5; read++) expect(await reader.read()).toBe('master-2:19998');
      expect(await zk.connections()).toBe(before + 1);
      await eventually(async () => (await zk.connections()) === before);
      // Closed for idleness, opened again by the next read.
      expect(await reader.read()).toBe('master-2:19998');
      expect(await zk.connections()).toBe(before + 1);
    } finally {
      await reader.close();
    }
    await eventually(async () => (await zk.connections()) === before);
  });

  it('a server frozen after connecting fails the read within its timeout; the next read after it thaws works', async () => {
    const reader = alluxioLeaderReader(zk.connectString, LEADER_PATH, { timeoutMs: 1_500 });
    try {
      expect(await reader.read()).toBe('master-2:19998');
      await freeze(zk.pid);
      try {
        await expect(reader.read()).rejects.toThrow(/within 1500 ms|no server answered within 1500 ms/);
      } finally {
        process.kill(zk.pid, 'SIGCONT');
      }
      await eventually(async () => (await reader.read().catch(() => null)) === 'master-2:19998');
    } finally {
      await reader.close();
    }
  });
});
