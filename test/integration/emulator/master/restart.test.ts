import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock, type Clock, type Timers } from '../../../../src/shared/clock.js';
import { DEFAULT_TAKEOVER_REDIRECT_MS } from '../../../../src/emulator/master/local-master.js';
import { describeWithZooKeeper, startZooKeeper, type ZooKeeperServer } from '../../../helpers/zookeeper.js';
import { FRAMEWORK, startTestCluster, type TestCluster } from './helpers/cluster.js';
import { getJson, httpRequest, subscribeFramework, waitUntil, type SubscribedFramework } from './helpers/scheduler-client.js';

type Ev = Record<string, any>;

let cluster: TestCluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

async function launchRunning(fw: SubscribedFramework, taskId: string): Promise<Ev> {
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
                name: taskId,
                task_id: { value: taskId },
                agent_id: offer.agent_id,
                resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 0.5 } }],
                command: { value: 'sleep 600' },
              },
            ],
          },
        },
      ],
    },
  });
  for (const state of ['TASK_STARTING', 'TASK_RUNNING']) {
    const s = (await fw.stream.waitForEvent<Ev>((e) => e.update?.status.state === state && e.update.status.task_id.value === taskId)).update
      .status;
    await fw.call('ACKNOWLEDGE', { acknowledge: { agent_id: s.agent_id, task_id: s.task_id, uuid: s.uuid } });
  }
  return offer;
}

/** The master's clock, moved on by hand past the ~6 s in which a newly elected master redirects to itself. */
let shift = 0;
const clock: Clock & Timers = { ...systemClock, now: () => Date.now() + shift };
function endTakeover(): void {
  shift += DEFAULT_TAKEOVER_REDIRECT_MS;
}

describeWithZooKeeper('local master: restart through ZooKeeper', () => {
  let zk: ZooKeeperServer | undefined;
  beforeAll(async () => {
    zk = await startZooKeeper();
  }, 60_000);
  afterAll(async () => {
    await zk?.stop();
  });

  it('restart: streams drop, 307s to itself while taking over, agents re-register with their tasks, the framework re-subscribes with its id', async () => {
    const zkUrl = `zk://${zk!.connectString}/mesos-restart-${process.pid}`;
    cluster = await startTestCluster({ agents: 2, master: { zk: zkUrl, clock } });
    // Elected at start too: the takeover window is on until the clock moves past it.
    expect(cluster.master.takingOver).toBe(true);
    endTakeover();
    const fw = await subscribeFramework(cluster.url, FRAMEWORK);
    const offer = await launchRunning(fw, 'survivor');
    const oldMasterId = cluster.master.masterId;
    const agentIds = cluster.agents.map((a) => a.agentId);

    await cluster.master.restart();
    // The old stream was cut like a dying process cuts it: no final chunk.
    await fw.stream.waitFor(() => fw.stream.socketClosed, 5_000, 'stream cut');
    expect(fw.stream.ended).toBe(false);
    expect(cluster.master.masterId).not.toBe(oldMasterId);

    // Newly elected, it redirects every API call to itself exactly as Mesos 1.12 does for ~6 s.
    expect(cluster.master.takingOver).toBe(true);
    const port = cluster.master.port;
    const subscribe = JSON.stringify({ type: 'SUBSCRIBE', subscribe: { framework_info: FRAMEWORK } });
    const redirected = await httpRequest(cluster.url, 'POST', '/api/v1/scheduler', subscribe, { 'Content-Type': 'application/json' });
    expect(redirected.status).toBe(307);
    expect(redirected.reason).toBe('Temporary Redirect');
    expect(redirected.headers.location).toBe(`//127.0.0.1:${port}/api/v1/scheduler`);
    expect(redirected.headers['content-length']).toBe('0');
    expect(redirected.body.length).toBe(0);
    for (const path of ['/master/state', '/state', '/master/frameworks', '/master/slaves', '/master/tasks']) {
      const answer = await httpRequest(cluster.url, 'GET', path);
      expect([answer.status, answer.headers.location], path).toEqual([307, `//127.0.0.1:${port}${path}`]);
    }
    expect((await httpRequest(cluster.url, 'GET', '/master/redirect')).headers.location).toBe(`//127.0.0.1:${port}`);
    expect((await httpRequest(cluster.url, 'GET', '/health')).status).toBe(200);
    endTakeover();
    expect(cluster.master.takingOver).toBe(false);

    // Agents that find the master through ZooKeeper hear of the new one at once and come back with the same ids and their tasks.
    await waitUntil(() => cluster!.master.state.agents.size === 2, 5_000, 're-registration');
    const state = await getJson<Ev>(cluster.url, '/master/state');
    expect(state.id).toBe(cluster.master.masterId);
    expect(state.slaves.map((s: Ev) => s.id).sort()).toEqual([...agentIds].sort());
    expect(state.slaves.every((s: Ev) => typeof s.reregistered_time === 'number')).toBe(true);
    expect(state.frameworks).toHaveLength(1);
    expect(state.frameworks[0]).toMatchObject({ id: fw.frameworkId, recovered: true, active: false, connected: false });
    expect(state.frameworks[0].tasks.map((t: Ev) => [t.id, t.state])).toEqual([['survivor', 'TASK_RUNNING']]);
    expect(state.slaves.find((s: Ev) => s.id === offer.agent_id.value).used_resources.cpus).toBe(0.5);

    // Without the id in both places the re-subscription is invalid; with it the framework is back.
    const again = await subscribeFramework(cluster.url, { ...FRAMEWORK, id: { value: fw.frameworkId } }, { frameworkId: fw.frameworkId });
    expect(again.frameworkId).toBe(fw.frameworkId);
    await again.call('RECONCILE', { reconcile: {} });
    const rec = await again.stream.waitForEvent<Ev>((e) => e.update?.status.reason === 'REASON_RECONCILIATION');
    expect(rec.update.status).toMatchObject({ task_id: { value: 'survivor' }, state: 'TASK_RUNNING' });
    const after = await getJson<Ev>(cluster.url, '/master/frameworks');
    expect(after.frameworks[0]).toMatchObject({ recovered: false, active: true, connected: true });
    // New frameworks get ids under the new master id.
    const fresh = await subscribeFramework(cluster.url, { ...FRAMEWORK, name: 'fresh' });
    expect(fresh.frameworkId.startsWith(cluster.master.masterId)).toBe(true);
    again.stream.close();
    fresh.stream.close();
    fw.stream.close();
  });
});

describe('local master: restart, failover timeout, agent loss', () => {
  it('failover_timeout: a disconnected framework keeps its tasks until the timeout, then they are killed', async () => {
    cluster = await startTestCluster();
    const fw = await subscribeFramework(cluster.url, { ...FRAMEWORK, failover_timeout: 1.5 });
    await launchRunning(fw, 'doomed');
    fw.stream.close();
    await waitUntil(
      async () => (await getJson<Ev>(cluster!.url, '/master/frameworks')).frameworks[0]?.connected === false,
      5_000,
      'disconnected',
    );
    const during = await getJson<Ev>(cluster.url, '/master/tasks');
    expect(during.tasks.map((t: Ev) => t.state)).toEqual(['TASK_RUNNING']);
    expect(cluster.agents[0]?.shutdowns).toEqual([]);
    await waitUntil(
      async () => (await getJson<Ev>(cluster!.url, '/master/frameworks')).completed_frameworks.length === 1,
      5_000,
      'removal',
    );
    const done = await getJson<Ev>(cluster.url, '/master/frameworks');
    expect(done.frameworks).toEqual([]);
    expect(done.completed_frameworks[0].completed_tasks.map((t: Ev) => [t.id, t.state])).toEqual([['doomed', 'TASK_KILLED']]);
    expect(done.completed_frameworks[0].unregistered_time).toBeGreaterThan(0);
    expect(cluster.agents[0]?.shutdowns).toEqual([{ framework_id: { value: fw.frameworkId } }]);
    // Re-subscribing now is refused.
    const late = await subscribeFramework(
      cluster.url,
      { ...FRAMEWORK, id: { value: fw.frameworkId } },
      { frameworkId: fw.frameworkId },
    ).catch((e: Error) => e);
    expect(String(late)).toContain('Framework has been removed');
  });

  it('an agent that stops answering pings is removed: its tasks are LOST (REASON_AGENT_REMOVED)', async () => {
    cluster = await startTestCluster({ master: { agentPingIntervalMs: 50, agentTimeoutMs: 300 } });
    const fw = await subscribeFramework(cluster.url, FRAMEWORK);
    await launchRunning(fw, 'stranded');
    const agent = cluster.agents[0];
    if (agent === undefined) throw new Error('no agent');
    agent.responsive = false;
    const lost = await fw.stream.waitForEvent<Ev>((e) => e.update?.status.state === 'TASK_LOST', 5_000, 'TASK_LOST');
    expect(lost.update.status).toMatchObject({
      task_id: { value: 'stranded' },
      source: 'SOURCE_MASTER',
      reason: 'REASON_AGENT_REMOVED',
      agent_id: { value: agent.agentId },
    });
    expect(lost.update.status).not.toHaveProperty('uuid');
    await fw.stream.waitForEvent<Ev>((e) => e.type === 'FAILURE');
    const state = await getJson<Ev>(cluster.url, '/master/state');
    expect(state.slaves).toEqual([]);
    expect(state.unreachable_slaves).toBe(1);
    expect(state.frameworks[0].unreachable_tasks.map((t: Ev) => t.state)).toEqual(['TASK_LOST']);
    // The agent comes back: it is admitted again; the LOST task must not survive there.
    agent.responsive = true;
    await agent.register();
    await waitUntil(() => cluster!.master.state.agents.size === 1, 5_000, 'agent back');
    await waitUntil(() => agent.kills.length > 0, 5_000, 'kill of the lost task');
    expect(agent.kills.map((k) => k.task_id.value)).toEqual(['stranded']);
    expect(cluster.master.state.agents.get(agent.agentId ?? '')?.tasks.size).toBe(0);
    fw.stream.close();
  });

  it('serves /master/redirect and the state endpoints under both prefixes, and 404 elsewhere', async () => {
    cluster = await startTestCluster();
    const redirect = await httpRequest(cluster.url, 'GET', '/master/redirect');
    expect(redirect.status).toBe(307);
    expect(redirect.headers.location).toBe(`//127.0.0.1:${cluster.master.port}`);
    for (const path of [
      '/state',
      '/master/state',
      '/slaves',
      '/master/slaves',
      '/tasks',
      '/master/tasks',
      '/frameworks',
      '/master/frameworks',
    ]) {
      expect((await httpRequest(cluster.url, 'GET', path)).status, path).toBe(200);
    }
    expect((await httpRequest(cluster.url, 'GET', '/master/state.json')).status).toBe(404);
    expect((await httpRequest(cluster.url, 'GET', '/nope')).status).toBe(404);
  });
});
