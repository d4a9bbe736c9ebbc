/**
 * Leader detection against a real ZooKeeper, with fake masters registered the way Mesos registers
 * them (ephemeral sequential `json.info_*` / `info_*` members, one session per master).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectToMaster } from '../../../../src/mesos/client/connect.js';
import { parseMasterAddress, type ZooKeeperMasterAddress } from '../../../../src/mesos/client/address.js';
import type { MasterLocation } from '../../../../src/mesos/protocol/master-info.js';
import { detectLeader, watchLeader, type LeaderWatch } from '../../../../src/mesos/client/zookeeper.js';
import { AlluxioMesosError, CredentialsError, ExitCode, UnreachableError } from '../../../../src/shared/errors.js';
import { FixtureServer, json } from '../../../helpers/http-fixture-server.js';
import {
  closeClient,
  connectClient,
  describeWithZooKeeper,
  digestId,
  freePort,
  mkdirp,
  registerMaster,
  startZooKeeper,
  type FakeMasterInfo,
  type FakeMasterSession,
  type ZooKeeperServer,
} from '../../../helpers/zookeeper.js';
import { ACL, Id, Permission } from 'node-zookeeper-client';

describeWithZooKeeper('ZooKeeper leader detection', () => {
  let zk: ZooKeeperServer;
  let sessions: FakeMasterSession[] = [];
  let watches: LeaderWatch[] = [];
  let pathCounter = 0;

  beforeAll(async () => {
    zk = await startZooKeeper();
  });
  afterAll(async () => {
    await zk?.stop();
  });
  afterEach(async () => {
    await Promise.all(watches.map((w) => w.close()));
    await Promise.all(sessions.map((s) => s.close()));
    watches = [];
    sessions = [];
  });

  const freshPath = () => `/mesos-${process.pid}-${++pathCounter}`;
  const address = (path: string, auth = ''): ZooKeeperMasterAddress =>
    parseMasterAddress(`zk://${auth}${zk.connectString}${path}`) as ZooKeeperMasterAddress;
  const info = (n: number, extra: Partial<FakeMasterInfo> = {}): FakeMasterInfo => ({
    id: `master-${n}`,
    ip: `10.0.0.${n}`,
    port: 5050 + n,
    pid: `master@10.0.0.${n}:${5050 + n}`,
    hostname: `m${n}.example.com`,
    version: '1.12.0',
    address: { hostname: `m${n}.example.com`, ip: `10.0.0.${n}`, port: 5050 + n },
    ...extra,
  });
  async function master(
    path: string,
    n: number,
    format: 'json' | 'protobuf' = 'json',
    extra: Partial<FakeMasterInfo> = {},
  ): Promise<FakeMasterSession> {
    const session = await registerMaster(zk.connectString, path, info(n, extra), format);
    sessions.push(session);
    return session;
  }
  async function withParent(path: string): Promise<void> {
    const client = await connectClient(zk.connectString);
    await mkdirp(client, path);
    await closeClient(client);
  }
  async function failure(promise: Promise<unknown>): Promise<AlluxioMesosError> {
    const error = await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(AlluxioMesosError);
    return error as AlluxioMesosError;
  }

  it('the lowest-sequence json.info_ member leads', async () => {
    const path = freshPath();
    await withParent(path);
    const first = await master(path, 1);
    const second = await master(path, 2);
    expect(first.node < second.node).toBe(true);

    const leader = await detectLeader(address(path), { timeoutMs: 5_000 });
    expect(leader).toEqual({
      hostname: 'm1.example.com',
      ip: '10.0.0.1',
      port: 5051,
      id: 'master-1',
      pid: 'master@10.0.0.1:5051',
      version: '1.12.0',
      node: first.node,
      format: 'json',
    });
  });

  it('when the leader dies the next member leads', async () => {
    const path = freshPath();
    await withParent(path);
    const first = await master(path, 1);
    const second = await master(path, 2);
    await first.close();
    const leader = await detectLeader(address(path), { timeoutMs: 5_000 });
    expect(leader.node).toBe(second.node);
    expect(leader.port).toBe(5052);
  });

  it('a leader change between listing and reading: lists again and finds the new leader', async () => {
    const path = freshPath();
    await withParent(path);
    const first = await master(path, 1);
    const second = await master(path, 2);
    const listings: string[][] = [];
    const leader = await detectLeader(address(path), {
      timeoutMs: 5_000,
      afterList: async (children) => {
        listings.push([...children].sort());
        if (listings.length === 1) await first.close();
      },
    });
    expect(leader.node).toBe(second.node);
    expect(listings).toEqual([[first.node, second.node].sort(), [second.node]]);
  });

  it('waits for a master to register, even when the path does not exist yet', async () => {
    const path = freshPath();
    const started = Date.now();
    const registering = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 400));
      await withParent(path);
      return master(path, 3);
    })();
    const leader = await detectLeader(address(path), { timeoutMs: 10_000 });
    const registered = await registering;
    expect(leader.node).toBe(registered.node);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  });

  it('no master until the timeout is exit 3 naming the ZooKeeper address', async () => {
    const path = freshPath();
    await withParent(path);
    const error = await failure(detectLeader(address(path), { timeoutMs: 800 }));
    expect(error).toBeInstanceOf(UnreachableError);
    expect(error.exitCode).toBe(ExitCode.UNREACHABLE);
    expect(error.message).toBe(`no leading Mesos master is registered in ZooKeeper at zk://${zk.connectString}${path} (waited 800 ms)`);
  });

  it('reads protobuf info_ members, and the lowest sequence leads across formats', async () => {
    const path = freshPath();
    await withParent(path);
    const old = await master(path, 4, 'protobuf', { address: undefined });
    await master(path, 5, 'json');
    const leader = await detectLeader(address(path), { timeoutMs: 5_000 });
    expect(leader).toMatchObject({
      node: old.node,
      format: 'protobuf',
      hostname: 'm4.example.com',
      ip: '10.0.0.4',
      port: 5054,
      version: '1.12.0',
    });
    expect(old.node.startsWith('info_')).toBe(true);
  });

  it('an unreachable ZooKeeper is exit 3 within the timeout', async () => {
    const port = await freePort();
    const error = await failure(
      detectLeader(parseMasterAddress(`zk://127.0.0.1:${port}/mesos`) as ZooKeeperMasterAddress, { timeoutMs: 700 }),
    );
    expect(error).toBeInstanceOf(UnreachableError);
    expect(error.message).toBe(`cannot reach ZooKeeper at zk://127.0.0.1:${port}/mesos: no server answered within 700 ms`);
    expect((error as UnreachableError).address).toBe(`zk://127.0.0.1:${port}/mesos`);
  });

  it('digest credentials: refused without them, accepted with them, never echoing the password', async () => {
    const path = freshPath();
    const auth = { user: 'alice', password: 'hunter2' };
    const admin = await connectClient(zk.connectString, auth);
    await mkdirp(admin, path, [new ACL(Permission.ALL, new Id('digest', digestId(auth.user, auth.password)))]);
    await closeClient(admin);
    sessions.push(await registerMaster(zk.connectString, path, info(6), 'json', auth));

    const refused = await failure(detectLeader(address(path), { timeoutMs: 3_000 }));
    expect(refused).toBeInstanceOf(CredentialsError);
    expect(refused.message).toBe(`ZooKeeper denied reading zk://${zk.connectString}${path}`);
    const wrong = await failure(detectLeader(address(path, 'alice:wrong@'), { timeoutMs: 3_000 }));
    expect(wrong).toBeInstanceOf(CredentialsError);
    expect(`${wrong.message} ${wrong.hint ?? ''}`).not.toContain('wrong');
    expect(wrong.hint).toContain("digest user 'alice'");
    expect((await detectLeader(address(path, 'alice:hunter2@'), { timeoutMs: 3_000 })).port).toBe(5056);
  });

  it('watchLeader reports every change until closed', async () => {
    const path = freshPath();
    await withParent(path);
    const first = await master(path, 1);
    const second = await master(path, 2);
    const changes: Array<MasterLocation | undefined> = [];
    const waiters: Array<() => void> = [];
    const nextChange = (count: number) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`only ${changes.length} changes: ${JSON.stringify(changes.map((c) => c?.node))}`)),
          5_000,
        );
        const check = () => {
          if (changes.length >= count) {
            clearTimeout(timer);
            resolve();
          } else waiters.push(check);
        };
        check();
      });
    const watch = await watchLeader(
      address(path),
      (leader) => {
        changes.push(leader);
        waiters.splice(0).forEach((w) => w());
      },
      { timeoutMs: 5_000 },
    );
    watches.push(watch);
    expect(watch.current?.node).toBe(first.node);
    expect(changes).toEqual([]);

    await first.close();
    await nextChange(1);
    expect(changes[0]?.node).toBe(second.node);
    expect(watch.current?.port).toBe(5052);

    await second.close();
    await nextChange(2);
    expect(changes[1]).toBeUndefined();

    const third = await master(path, 3, 'protobuf');
    await nextChange(3);
    expect(changes[2]).toMatchObject({ node: third.node, format: 'protobuf' });

    await watch.close();
    await (await master(path, 4)).close();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(changes).toHaveLength(3);
  });

  it('connectToMaster: zk:// to the leader, and the client talks to it', async () => {
    const path = freshPath();
    await withParent(path);
    const leaderMaster = await FixtureServer.start();
    try {
      leaderMaster.route('POST', '/api/v1', json({ type: 'GET_VERSION', get_version: { version_info: { version: '1.12.0' } } }));
      await master(path, 1, 'json', {
        ip: '127.0.0.1',
        port: leaderMaster.port,
        hostname: undefined,
        address: { ip: '127.0.0.1', port: leaderMaster.port },
      });
      await master(path, 2);
      const connection = await connectToMaster({ master: `zk://${zk.connectString}${path}`, timeoutMs: 5_000 });
      try {
        expect(connection.resolved).toMatchObject({
          kind: 'http',
          how: 'zookeeper',
          baseUrl: leaderMaster.url,
          address: `zk://${zk.connectString}${path}`,
        });
        expect((await connection.client.getVersion()).version.raw).toBe('1.12.0');
        expect(leaderMaster.requests).toHaveLength(1);
      } finally {
        connection.close();
      }
    } finally {
      await leaderMaster.close();
    }
  });
});

describe('ZooKeeper addresses that can never connect', () => {
  it('fails at once, within an hour-long timeout, when no server name resolves', async () => {
    const address = parseMasterAddress('zk://no-such-zk-1.invalid:2181,no-such-zk-2.invalid:2181/mesos') as ZooKeeperMasterAddress;
    const error = await detectLeader(address, { timeoutMs: 3_600_000 }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(UnreachableError);
    const unreachable = error as UnreachableError;
    expect(unreachable.exitCode).toBe(ExitCode.UNREACHABLE);
    expect(unreachable.message).toBe(
      'cannot resolve the ZooKeeper host names "no-such-zk-1.invalid", "no-such-zk-2.invalid" of zk://no-such-zk-1.invalid:2181,no-such-zk-2.invalid:2181/mesos',
    );
    expect(unreachable.hint).toMatch(/spelling of the zk:\/\/ servers/);
  });
});
