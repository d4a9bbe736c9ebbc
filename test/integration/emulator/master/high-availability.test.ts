/**
 * Two local masters electing a leader through a real ZooKeeper, as Mesos masters do: `json.info_`
 * members, the lowest sequence leads, the standby redirects (307) to the leader, 503 while no leader
 * is known, and a failover that agents and schedulers follow.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createClient, CreateMode, type Client } from 'node-zookeeper-client';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { LocalMaster } from '../../../../src/emulator/master/local-master.js';
import { describeWithZooKeeper, startZooKeeper, type ZooKeeperServer } from '../../../helpers/zookeeper.js';
import { FakeAgent } from './helpers/fake-agent.js';
import { FRAMEWORK } from './helpers/cluster.js';
import { getJson, httpRequest, postJson, subscribeFramework, waitUntil } from './helpers/scheduler-client.js';

type Ev = Record<string, any>;

function zkCall<T>(fn: (cb: (error: Error | null, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((error, value) => (error ? reject(error) : resolve(value))));
}

async function connect(zk: ZooKeeperServer): Promise<Client> {
  const client = createClient(zk.connectString, { sessionTimeout: 4000, spinDelay: 100 });
  await new Promise<void>((resolve) => {
    client.once('connected', () => resolve());
    client.connect();
  });
  return client;
}

/**
 * These tests look at election and redirects between masters with raw clients; the takeover window
 * (a new leader's 307s to itself, ~6 s) is tested in restart.test.ts and would only delay them.
 */
const NO_TAKEOVER = { takeoverRedirectMs: 0 };

describeWithZooKeeper('local master high availability (ZooKeeper)', () => {
  let zk: ZooKeeperServer;
  let workDir: string;
  const cleanup: Array<() => Promise<void> | void> = [];

  beforeAll(async () => {
    zk = await startZooKeeper();
  }, 60_000);
  afterAll(async () => {
    await zk?.stop();
  });
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
    if (workDir !== undefined) await rm(workDir, { recursive: true, force: true });
  });

  it('elects the first master, registers json.info_ znodes, redirects from the standby, fails over', async () => {
    workDir = await mkdtemp(path.join(os.tmpdir(), 'alluxio-mesos-ha-'));
    const zkUrl = `zk://${zk.connectString}/mesos-ha-1`;
    const a = new LocalMaster({
      host: '127.0.0.1',
      port: 0,
      zk: zkUrl,
      zkSessionTimeoutMs: 4000,
      workDir,
      allocationIntervalMs: 200,
      ...NO_TAKEOVER,
    });
    await a.start();
    cleanup.push(() => a.stop());
    await waitUntil(() => a.elected, 10_000, 'A elected');
    const b = new LocalMaster({
      host: '127.0.0.1',
      port: 0,
      zk: zkUrl,
      zkSessionTimeoutMs: 4000,
      workDir,
      allocationIntervalMs: 200,
      ...NO_TAKEOVER,
    });
    await b.start();
    cleanup.push(() => b.stop());
    await waitUntil(() => b.leader?.id === a.masterId, 10_000, 'B sees A');
    expect(b.elected).toBe(false);

    // The group as Mesos writes it.
    const client = await connect(zk);
    cleanup.push(() => client.close());
    const children = (await zkCall<string[]>((cb) => client.getChildren('/mesos-ha-1', cb))).sort();
    expect(children).toHaveLength(2);
    for (const c of children) expect(c).toMatch(/^json\.info_\d{10}$/);
    const data = await zkCall<Buffer | undefined>((cb) => client.getData(`/mesos-ha-1/${children[0]}`, cb));
    const info = JSON.parse(data?.toString('utf8') ?? '{}') as Ev;
    expect(Object.keys(info)).toEqual(['id', 'ip', 'port', 'pid', 'hostname', 'version', 'address', 'capabilities']);
    expect(info).toMatchObject({ id: a.masterId, ip: 16777343, port: a.port, pid: `master@127.0.0.1:${a.port}`, version: '1.12.0' });

    // The standby sends everyone to the leader.
    const state = await httpRequest(b.url, 'GET', '/master/state?jsonp=x');
    expect(state.status).toBe(307);
    expect(state.headers.location).toBe(`//127.0.0.1:${a.port}/master/state?jsonp=x`);
    const sub = await postJson(b.url, '/api/v1/scheduler', { type: 'SUBSCRIBE', subscribe: { framework_info: FRAMEWORK } });
    expect(sub.status).toBe(307);
    expect(sub.headers.location).toBe(`//127.0.0.1:${a.port}/api/v1/scheduler`);
    expect((await httpRequest(b.url, 'GET', '/master/redirect')).headers.location).toBe(`//127.0.0.1:${a.port}`);
    expect((await httpRequest(b.url, 'GET', '/health')).status).toBe(200);

    // A framework and an agent on the leader.
    const leaderUrl = (): string | undefined => (a.elected ? a.url : b.elected ? b.url : undefined);
    const agent = new FakeAgent({ hostname: '127.0.0.2', masterUrl: leaderUrl });
    await agent.start();
    cleanup.push(() => agent.stop());
    const fw = await subscribeFramework(a.url, FRAMEWORK);
    cleanup.push(() => fw.stream.close());
    const offer = (await fw.stream.waitForEvent<Ev>((e) => e.type === 'OFFERS')).offers.offers[0] as Ev;
    await fw.call('ACCEPT', {
      accept: {
        offer_ids: [offer.id],
        operations: [
          {
            type: 'LAUNCH',
            launch: {
              task_infos: [
                {
                  name: 'ha',
                  task_id: { value: 'ha' },
                  agent_id: offer.agent_id,
                  resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 } }],
                  command: { value: 'sleep 600' },
                },
              ],
            },
          },
        ],
      },
    });
    await fw.stream.waitForEvent<Ev>((e) => e.update?.status.state === 'TASK_STARTING');

    // The leader goes away: its znode disappears, B takes over, the agent follows with its task.
    await a.stop();
    await waitUntil(() => b.elected, 15_000, 'B elected');
    await waitUntil(() => b.state.agents.size === 1, 10_000, 'agent re-registered with B');
    expect((await zkCall<string[]>((cb) => client.getChildren('/mesos-ha-1', cb))).length).toBe(1);
    const again = await subscribeFramework(b.url, { ...FRAMEWORK, id: { value: fw.frameworkId } }, { frameworkId: fw.frameworkId });
    cleanup.push(() => again.stream.close());
    const tasks = await getJson<Ev>(b.url, '/master/tasks');
    expect(tasks.tasks.map((t: Ev) => t.id)).toEqual(['ha']);
    expect(again.frameworkId).toBe(fw.frameworkId);
  });

  it('answers 503 "No leader elected" while the leading member cannot be read, and leads once it is gone', async () => {
    const client = await connect(zk);
    cleanup.push(() => client.close());
    await zkCall<string>((cb) => client.mkdirp('/mesos-ha-2', cb));
    // A member with a lower sequence than any master, holding no MasterInfo.
    const blocker = await zkCall<string>((cb) =>
      client.create('/mesos-ha-2/json.info_', Buffer.from('not json'), CreateMode.EPHEMERAL_SEQUENTIAL, cb),
    );
    const m = new LocalMaster({
      host: '127.0.0.1',
      port: 0,
      zk: `zk://${zk.connectString}/mesos-ha-2`,
      zkSessionTimeoutMs: 4000,
      ...NO_TAKEOVER,
    });
    await m.start();
    cleanup.push(() => m.stop());
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(m.elected).toBe(false);
    for (const pathname of ['/master/state', '/api/v1/scheduler', '/master/redirect']) {
      const res = await httpRequest(m.url, pathname === '/api/v1/scheduler' ? 'POST' : 'GET', pathname);
      expect(res.status, pathname).toBe(503);
      expect(res.body.toString(), pathname).toBe('No leader elected');
    }
    await zkCall<void>((cb) => client.remove(blocker, (error) => cb(error, undefined)));
    await waitUntil(() => m.elected, 10_000, 'elected');
    expect((await httpRequest(m.url, 'GET', '/master/state')).status).toBe(200);
  });
});
