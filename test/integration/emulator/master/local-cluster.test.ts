/**
 * The master with real `LocalAgent`s (real processes): launch, status updates through the agent's
 * status update manager, master restart with tasks surviving (through ZooKeeper: a standalone
 * master's agents never come back, as on Mesos), and a crashed agent.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LocalCluster } from '../../../../src/emulator/cluster.js';
import { describeWithZooKeeper, startZooKeeper, type ZooKeeperServer } from '../../../helpers/zookeeper.js';
import { FRAMEWORK } from './helpers/cluster.js';
import { getJson, subscribeFramework, waitUntil, type SubscribedFramework } from './helpers/scheduler-client.js';

type Ev = Record<string, any>;

let cluster: LocalCluster | undefined;
let workDir: string | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
  if (workDir !== undefined) await rm(workDir, { recursive: true, force: true });
  workDir = undefined;
});

async function ackAll(fw: SubscribedFramework, acked: Set<string>): Promise<void> {
  for (const e of fw.stream.json<Ev>()) {
    const s = e.update?.status;
    if (s?.uuid === undefined || acked.has(s.uuid)) continue;
    acked.add(s.uuid);
    const res = await fw.call('ACKNOWLEDGE', { acknowledge: { agent_id: s.agent_id, task_id: s.task_id, uuid: s.uuid } });
    // Mesos only takes the 16 bytes of a real UUID here (stout's UUID::fromBytes checks the version).
    if (res.status !== 202) throw new Error(`ACKNOWLEDGE of ${s.state} (uuid ${s.uuid}) refused: ${res.status} ${res.body.toString()}`);
  }
}

let zk: ZooKeeperServer | undefined;
let zkPaths = 0;
/** A fresh master group per test; no takeover window (restart.test.ts covers it), so raw clients need not wait. */
function zkOptions(): { zk: string; takeoverRedirectMs: number } {
  if (zk === undefined) throw new Error('no ZooKeeper');
  return { zk: `zk://${zk.connectString}/mesos-lc-${process.pid}-${++zkPaths}`, takeoverRedirectMs: 0 };
}

describeWithZooKeeper('LocalCluster (master + real agents, through ZooKeeper)', () => {
  beforeAll(async () => {
    zk = await startZooKeeper();
  }, 60_000);
  afterAll(async () => {
    await zk?.stop();
    zk = undefined;
  });

  it('runs a command task, survives a master restart, and reports a crashed agent', async () => {
    workDir = await mkdtemp(path.join(os.tmpdir(), 'alluxio-mesos-cluster-'));
    cluster = new LocalCluster({
      ...zkOptions(),
      agents: 2,
      workDir,
      resources: 'cpus:2;mem:2048;disk:4096;ports:[19998-19999,29998-30000]',
      allocationIntervalMs: 200,
      agentPingIntervalMs: 100,
      agentTimeoutMs: 600,
      statusRetryIntervalMs: 500,
    });
    await cluster.start();
    const fw = await subscribeFramework(cluster.url, FRAMEWORK);
    await fw.stream.waitFor(() => fw.stream.json<Ev>().flatMap((e) => e.offers?.offers ?? []).length === 2, 10_000, 'an offer per agent');
    const offers = fw.stream.json<Ev>().flatMap((e) => (e.offers?.offers ?? []) as Ev[]);
    const offer = offers[0] as Ev;
    expect(offer.resources.find((r: Ev) => r.name === 'ports').ranges.range).toEqual([
      { begin: 19998, end: 19999 },
      { begin: 29998, end: 30000 },
    ]);
    const accepted = await fw.call('ACCEPT', {
      accept: {
        offer_ids: [offer.id],
        operations: [
          {
            type: 'LAUNCH',
            launch: {
              task_infos: [
                {
                  name: 'sleeper',
                  task_id: { value: 'sleeper' },
                  agent_id: offer.agent_id,
                  resources: [
                    { name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 }, role: '*' },
                    { name: 'mem', type: 'SCALAR', scalar: { value: 32 }, role: '*' },
                  ],
                  command: { shell: true, value: 'echo hello; sleep 60' },
                },
              ],
            },
          },
        ],
        filters: { refuse_seconds: 0.2 },
      },
    });
    expect(accepted.status).toBe(202);
    const acked = new Set<string>();
    await waitUntil(
      async () => {
        await ackAll(fw, acked);
        return fw.stream.json<Ev>().some((e) => e.update?.status.state === 'TASK_RUNNING');
      },
      15_000,
      'TASK_RUNNING',
    );
    await ackAll(fw, acked);
    // The master counts what the task asked for (not the command executor's share).
    const next = (
      await fw.stream.waitForEvent<Ev>(
        (e) =>
          e.type === 'OFFERS' &&
          e.offers.offers.some((o: Ev) => o.agent_id.value === offer.agent_id.value && o.id.value !== offer.id.value),
      )
    ).offers.offers.find((o: Ev) => o.agent_id.value === offer.agent_id.value) as Ev;
    expect(next.resources.find((r: Ev) => r.name === 'cpus').scalar.value).toBe(1.9);
    expect(next.resources.find((r: Ev) => r.name === 'mem').scalar.value).toBe(2016);

    await cluster.restartMaster();
    await cluster.waitForAgents(2, 15_000);
    const state = await getJson<Ev>(cluster.url, '/master/state');
    expect(state.frameworks[0]?.tasks.map((t: Ev) => [t.id, t.state])).toEqual([['sleeper', 'TASK_RUNNING']]);
    const again = await subscribeFramework(cluster.url, { ...FRAMEWORK, id: { value: fw.frameworkId } }, { frameworkId: fw.frameworkId });
    await again.call('RECONCILE', { reconcile: { tasks: [{ task_id: { value: 'sleeper' } }] } });
    const rec = await again.stream.waitForEvent<Ev>((e) => e.update?.status.reason === 'REASON_RECONCILIATION', 10_000, 'reconciliation');
    expect(rec.update.status.state).toBe('TASK_RUNNING');

    const index = cluster.agents.findIndex((a) => a?.id === offer.agent_id.value);
    await cluster.killAgent(index);
    const lost = await again.stream.waitForEvent<Ev>((e) => e.update?.status.state === 'TASK_LOST', 10_000, 'TASK_LOST');
    expect(lost.update.status).toMatchObject({ task_id: { value: 'sleeper' }, reason: 'REASON_AGENT_REMOVED' });
    await again.call('TEARDOWN');
    await again.stream.waitFor(() => again.stream.ended, 5_000, 'end of stream');
    again.stream.close();
    fw.stream.close();
  });

  it('restartMaster: the real agents re-register under the new master with their ids', async () => {
    workDir = await mkdtemp(path.join(os.tmpdir(), 'alluxio-mesos-cluster-'));
    cluster = new LocalCluster({ ...zkOptions(), agents: 2, workDir, allocationIntervalMs: 200 });
    await cluster.start();
    const ids = cluster.agents.map((a) => a?.id).sort();
    const before = cluster.master.masterId;
    await cluster.restartMaster();
    expect(cluster.master.masterId).not.toBe(before);
    await cluster.waitForAgents(2, 10_000);
    const state = await getJson<Ev>(cluster.url, '/master/state');
    expect(state.slaves.map((s: Ev) => s.id).sort()).toEqual(ids);
    expect(state.slaves.map((s: Ev) => s.hostname).sort()).toEqual(['127.0.0.2', '127.0.0.3']);
    // Offers carry the agents' declared resources.
    const fw = await subscribeFramework(cluster.url, FRAMEWORK);
    await fw.stream.waitFor(() => fw.stream.json<Ev>().flatMap((e) => e.offers?.offers ?? []).length === 2, 10_000, 'offers');
    const offer = fw.stream.json<Ev>().find((e) => e.type === 'OFFERS')?.offers.offers[0] as Ev;
    expect(offer.resources.find((r: Ev) => r.name === 'ports').ranges.range).toEqual([
      { begin: 19998, end: 19999 },
      { begin: 29998, end: 30000 },
      { begin: 31000, end: 32000 },
    ]);
    fw.stream.close();
  });
});

describe('LocalCluster without ZooKeeper (standalone, as Mesos with --master=host:port)', () => {
  it('restartMaster is final: the agents wait for a new master for good and the master knows none', async () => {
    workDir = await mkdtemp(path.join(os.tmpdir(), 'alluxio-mesos-cluster-'));
    cluster = new LocalCluster({ agents: 2, workDir, allocationIntervalMs: 200 });
    await cluster.start();
    const before = cluster.master.masterId;
    await cluster.restartMaster();
    expect(cluster.master.masterId).not.toBe(before);
    // Real agents log "Waiting for a new master to be elected" and never re-register.
    await waitUntil(() => cluster!.agents.every((a) => a?.waitingForNewMaster === true), 10_000, 'the agents to give up their master');
    const state = await getJson<Ev>(cluster.url, '/master/state');
    expect(state.slaves).toEqual([]);
    // It answers at once: a standalone master has no takeover window.
    expect(cluster.master.takingOver).toBe(false);
    // Its registry still lists them: it waits for them until agent_reregister_timeout, in vain.
    expect(cluster.master.state.recoveredAgents.size).toBe(2);
  });

  it('a scheduler that failed over before acknowledging TASK_STARTING hears it again at once, then TASK_RUNNING', async () => {
    workDir = await mkdtemp(path.join(os.tmpdir(), 'alluxio-mesos-cluster-'));
    // No re-send within the test: whatever arrives again comes from the re-subscription.
    cluster = new LocalCluster({ agents: 1, workDir, allocationIntervalMs: 200, statusRetryIntervalMs: 600_000 });
    await cluster.start();
    const fw = await subscribeFramework(cluster.url, FRAMEWORK);
    const offer = (await fw.stream.waitForEvent<Ev>((e) => e.type === 'OFFERS', 10_000, 'an offer')).offers.offers[0] as Ev;
    const launch = {
      type: 'LAUNCH',
      launch: {
        task_infos: [
          {
            name: 'sleeper',
            task_id: { value: 'sleeper' },
            agent_id: offer.agent_id,
            resources: [
              { name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 }, role: '*' },
              { name: 'mem', type: 'SCALAR', scalar: { value: 32 }, role: '*' },
            ],
            command: { shell: true, value: 'sleep 60' },
          },
        ],
      },
    };
    expect((await fw.call('ACCEPT', { accept: { offer_ids: [offer.id], operations: [launch] } })).status).toBe(202);
    await fw.stream.waitForEvent<Ev>((e) => e.update?.status.state === 'TASK_STARTING', 10_000, 'TASK_STARTING');
    // The task runs on the agent; its TASK_RUNNING waits behind the unacknowledged TASK_STARTING.
    const agent = cluster.agents[0]!;
    await waitUntil(
      async () => (await getJson<Ev>(agent.endpoint, '/state')).frameworks[0]?.executors[0]?.tasks[0]?.state === 'TASK_RUNNING',
      10_000,
      'the task to run on the agent',
    );
    // The scheduler dies without a word (SIGKILL) and comes back with its framework id.
    fw.stream.close();
    const again = await subscribeFramework(cluster.url, { ...FRAMEWORK, id: { value: fw.frameworkId } }, { frameworkId: fw.frameworkId });
    const resent = await again.stream.waitForEvent<Ev>((e) => e.update?.status.state === 'TASK_STARTING', 10_000, 'TASK_STARTING again');
    const { agent_id, task_id, uuid } = resent.update.status as Ev;
    expect(uuid).toBeDefined();
    expect((await again.call('ACKNOWLEDGE', { acknowledge: { agent_id, task_id, uuid } })).status).toBe(202);
    await again.stream.waitForEvent<Ev>((e) => e.update?.status.state === 'TASK_RUNNING', 10_000, 'TASK_RUNNING');
    // Reconciliation answers the last state forwarded to the scheduler (Mesos `status_update_state`): RUNNING now.
    await again.call('RECONCILE', { reconcile: { tasks: [] } });
    const reconciled = await again.stream.waitForEvent<Ev>(
      (e) => e.update?.status.reason === 'REASON_RECONCILIATION',
      10_000,
      'reconciliation',
    );
    expect(reconciled.update.status.state).toBe('TASK_RUNNING');
    again.stream.close();
  });
});
