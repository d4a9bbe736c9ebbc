import { afterEach, describe, expect, it } from 'vitest';
import { FRAMEWORK, MULTI_ROLE_FRAMEWORK, startTestCluster, type TestCluster } from './helpers/cluster.js';
import { getJson, subscribeFramework, waitUntil } from './helpers/scheduler-client.js';

type AnyEvent = {
  type: string;
  offers?: { offers: Array<Record<string, any>> };
  update?: { status: Record<string, any> };
  subscribed?: Record<string, any>;
  rescind?: { offer_id: { value: string } };
  error?: { message: string };
  failure?: { agent_id?: { value: string } };
};

const launchCall = (offer: Record<string, any>, taskId: string, extra: Record<string, unknown> = {}) => ({
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
              resources: [
                { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 19998, end: 19998 }] }, role: '*' },
                { name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 }, role: '*' },
                { name: 'mem', type: 'SCALAR', scalar: { value: 32 }, role: '*' },
              ],
              command: { shell: true, value: 'sleep 30' },
              ...extra,
            },
          ],
        },
      },
    ],
    filters: { refuse_seconds: 0.1 },
  },
});

let cluster: TestCluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

describe('local master: scheduler session', () => {
  it('subscribes, offers, launches, forwards updates one at a time, completes the task after the terminal ack', async () => {
    cluster = await startTestCluster();
    const fw = await subscribeFramework(cluster.url, FRAMEWORK);
    const events = () => fw.stream.json<AnyEvent>();
    expect(fw.frameworkId).toMatch(new RegExp(`^${cluster.master.masterId}-0000$`));
    // SUBSCRIBED, then a HEARTBEAT at once, then OFFERS.
    const offersEvent = await fw.stream.waitForEvent<AnyEvent>((e) => e.type === 'OFFERS');
    expect(
      events()
        .slice(0, 3)
        .map((e) => e.type),
    ).toEqual(['SUBSCRIBED', 'HEARTBEAT', 'OFFERS']);
    expect(events()[0]?.subscribed?.heartbeat_interval_seconds).toBe(15);
    const offer = offersEvent.offers?.offers[0] as Record<string, any>;
    expect(offer.id.value).toBe(`${cluster.master.masterId}-O0`);
    expect(offer.agent_id.value).toBe(`${cluster.master.masterId}-S0`);
    expect(offer).not.toHaveProperty('allocation_info');

    expect((await fw.call('ACCEPT', launchCall(offer, 'task-1'))).status).toBe(202);
    const starting = await fw.stream.waitForEvent<AnyEvent>((e) => e.update?.status.state === 'TASK_STARTING');
    // The next update waits for the acknowledgement.
    await new Promise((r) => setTimeout(r, 150));
    expect(events().some((e) => e.update?.status.state === 'TASK_RUNNING')).toBe(false);
    const ack = (status: Record<string, any>) =>
      fw.call('ACKNOWLEDGE', { acknowledge: { agent_id: status.agent_id, task_id: status.task_id, uuid: status.uuid } });
    expect((await ack(starting.update?.status ?? {})).status).toBe(202);
    const running = await fw.stream.waitForEvent<AnyEvent>((e) => e.update?.status.state === 'TASK_RUNNING');
    await ack(running.update?.status ?? {});

    // The leftover of the offer comes back without the task's resources.
    const second = await fw.stream.waitForEvent<AnyEvent>((e) => e.type === 'OFFERS' && e.offers?.offers[0]?.id.value !== offer.id.value);
    const resources = second.offers?.offers[0]?.resources as Array<Record<string, any>>;
    expect(resources.find((r) => r.name === 'cpus')?.scalar.value).toBe(1.9);
    expect(resources.find((r) => r.name === 'mem')?.scalar.value).toBe(2016);
    expect(resources.find((r) => r.name === 'ports')?.ranges.range).toEqual([
      { begin: 19999, end: 19999 },
      { begin: 29998, end: 30000 },
    ]);

    // Terminal but unacknowledged: still under tasks; acknowledged: completed_tasks.
    const agent = cluster.agents[0];
    agent?.update(fw.frameworkId, 'task-1', 'TASK_FINISHED', { message: 'Command exited with status 0' });
    const finished = await fw.stream.waitForEvent<AnyEvent>((e) => e.update?.status.state === 'TASK_FINISHED');
    let state = await getJson<any>(cluster.url, '/master/state');
    expect(state.frameworks[0].tasks.map((t: any) => t.state)).toEqual(['TASK_FINISHED']);
    expect(state.frameworks[0].completed_tasks).toEqual([]);
    expect(state.slaves[0].used_resources.cpus).toBe(0);
    await ack(finished.update?.status ?? {});
    await waitUntil(async () => (await getJson<any>(cluster!.url, '/master/state')).frameworks[0].completed_tasks.length === 1);
    state = await getJson<any>(cluster.url, '/master/state');
    expect(state.frameworks[0].tasks).toEqual([]);
    expect(state.frameworks[0].completed_tasks[0].statuses.map((s: any) => s.state)).toEqual([
      'TASK_STARTING',
      'TASK_RUNNING',
      'TASK_FINISHED',
    ]);
    expect(agent?.acks.map((a) => a.uuid)).toEqual([
      starting.update?.status.uuid,
      running.update?.status.uuid,
      finished.update?.status.uuid,
    ]);

    // TEARDOWN: 202, then the stream ends with the 0-length chunk, the connection stays open.
    expect((await fw.call('TEARDOWN')).status).toBe(202);
    await fw.stream.waitFor(() => fw.stream.ended, 5_000, 'final chunk');
    await new Promise((r) => setTimeout(r, 100));
    expect(fw.stream.socketClosed).toBe(false);
    expect(fw.stream.framingErrors).toEqual([]);
    const frameworks = await getJson<any>(cluster.url, '/master/frameworks');
    expect(frameworks.frameworks).toEqual([]);
    expect(frameworks.completed_frameworks[0].id).toBe(fw.frameworkId);
    fw.stream.close();
  });

  it('reconciles explicitly and implicitly without uuids, and answers TASK_LOST for unknown tasks', async () => {
    cluster = await startTestCluster();
    const fw = await subscribeFramework(cluster.url, FRAMEWORK);
    const offers = await fw.stream.waitForEvent<AnyEvent>((e) => e.type === 'OFFERS');
    const offer = offers.offers?.offers[0] as Record<string, any>;
    await fw.call('ACCEPT', launchCall(offer, 'task-r'));
    await fw.stream.waitForEvent<AnyEvent>((e) => e.update?.status.state === 'TASK_STARTING');
    await fw.call('RECONCILE', { reconcile: { tasks: [{ task_id: { value: 'task-r' }, agent_id: offer.agent_id }] } });
    await fw.call('RECONCILE', { reconcile: { tasks: [] } });
    await fw.call('RECONCILE', { reconcile: { tasks: [{ task_id: { value: 'no-such-task' } }] } });
    await fw.stream.waitFor(
      () => fw.stream.json<AnyEvent>().filter((e) => e.update?.status.reason === 'REASON_RECONCILIATION').length === 3,
    );
    const rec = fw.stream
      .json<AnyEvent>()
      .filter((e) => e.update?.status.reason === 'REASON_RECONCILIATION')
      .map((e) => e.update?.status ?? {});
    for (const s of rec) {
      expect(s).not.toHaveProperty('uuid');
      expect(s.source).toBe('SOURCE_MASTER');
    }
    expect(rec[0]).toMatchObject({ state: 'TASK_STARTING', message: 'Reconciliation: Latest task state', agent_id: offer.agent_id });
    expect(rec[0]?.container_status?.executor_pid).toBe(4242);
    expect(rec[1]).toMatchObject({ state: 'TASK_STARTING', message: 'Reconciliation: Latest task state' });
    expect(rec[2]).toEqual({
      task_id: { value: 'no-such-task' },
      state: 'TASK_LOST',
      message: 'Reconciliation: Task is unknown',
      source: 'SOURCE_MASTER',
      reason: 'REASON_RECONCILIATION',
      timestamp: rec[2]?.timestamp,
    });
    fw.stream.close();
  });

  it('rejects a stale offer with TASK_LOST and more than offered with TASK_ERROR', async () => {
    cluster = await startTestCluster();
    const fw = await subscribeFramework(cluster.url, MULTI_ROLE_FRAMEWORK);
    const offers = await fw.stream.waitForEvent<AnyEvent>((e) => e.type === 'OFFERS');
    const offer = offers.offers?.offers[0] as Record<string, any>;
    // MULTI_ROLE frameworks see allocation_info on the offer and every resource.
    expect(offer.allocation_info).toEqual({ role: '*' });
    expect(offer.resources.every((r: any) => r.allocation_info?.role === '*')).toBe(true);

    const tooBig = launchCall(offer, 'too-big');
    (tooBig.accept.operations[0]?.launch.task_infos[0]?.resources[1] as any).scalar.value = 64;
    expect((await fw.call('ACCEPT', tooBig)).status).toBe(202);
    const error = await fw.stream.waitForEvent<AnyEvent>((e) => e.update?.status.task_id.value === 'too-big');
    expect(error.update?.status).toMatchObject({ state: 'TASK_ERROR', source: 'SOURCE_MASTER', reason: 'REASON_TASK_INVALID' });
    expect(error.update?.status.message).toMatch(
      /^Total resources .*cpus\(allocated: \*\):64.* required by task and its executor is more than available .*cpus\(allocated: \*\):2/,
    );

    expect((await fw.call('ACCEPT', launchCall(offer, 'stale'))).status).toBe(202);
    const lost = await fw.stream.waitForEvent<AnyEvent>((e) => e.update?.status.task_id.value === 'stale');
    expect(lost.update?.status).toMatchObject({
      state: 'TASK_LOST',
      reason: 'REASON_INVALID_OFFERS',
      message: `Task launched with invalid offers: Offer ${offer.id.value} is no longer valid`,
      agent_id: offer.agent_id,
    });
    expect(lost.update?.status).not.toHaveProperty('uuid');
    expect(cluster.agents[0]?.launches).toEqual([]);
    fw.stream.close();
  });

  it('honours DECLINE refuse_seconds, ignores unknown offers, and REVIVE brings offers back at once', async () => {
    cluster = await startTestCluster({ agents: 2 });
    const fw = await subscribeFramework(cluster.url, FRAMEWORK);
    const first = await fw.stream.waitForEvent<AnyEvent>((e) => e.type === 'OFFERS');
    const ids = () => fw.stream.json<AnyEvent>().flatMap((e) => e.offers?.offers.map((o) => o.id.value) ?? []);
    await waitUntil(() => ids().length === 2);
    const byAgent = new Map<string, string>();
    for (const e of fw.stream.json<AnyEvent>()) for (const o of e.offers?.offers ?? []) byAgent.set(o.agent_id.value, o.id.value);
    expect(byAgent.size).toBe(2);
    expect(first.offers?.offers.length).toBeGreaterThan(0);
    const [a0, a1] = [...byAgent.keys()];
    expect(
      (await fw.call('DECLINE', { decline: { offer_ids: [{ value: byAgent.get(a0 as string) }], filters: { refuse_seconds: 3600 } } }))
        .status,
    ).toBe(202);
    expect(
      (await fw.call('DECLINE', { decline: { offer_ids: [{ value: byAgent.get(a1 as string) }], filters: { refuse_seconds: 0 } } })).status,
    ).toBe(202);
    expect((await fw.call('DECLINE', { decline: { offer_ids: [{ value: 'no-such-offer' }] } })).status).toBe(202);
    // Only the agent declined with refuse_seconds 0 comes back (allocation every 200 ms).
    await waitUntil(() => ids().length === 3);
    await new Promise((r) => setTimeout(r, 500));
    const newOffers = fw.stream
      .json<AnyEvent>()
      .flatMap((e) => e.offers?.offers ?? [])
      .slice(2);
    expect(newOffers.map((o) => o.agent_id.value)).toEqual([a1]);
    // SUPPRESS keeps everything away; REVIVE clears the filter and un-suppresses.
    await fw.call('DECLINE', { decline: { offer_ids: [newOffers[0]?.id], filters: { refuse_seconds: 0 } } });
    await fw.call('SUPPRESS', {});
    await new Promise((r) => setTimeout(r, 500));
    expect(ids().length).toBe(3);
    await fw.call('REVIVE', {});
    await waitUntil(() => ids().length === 5, 5_000, 'offers after REVIVE');
    fw.stream.close();
  });

  it('KILL reaches the agent; TASK_KILLED is forwarded; an unknown task gets reconciled', async () => {
    cluster = await startTestCluster();
    const fw = await subscribeFramework(cluster.url, FRAMEWORK);
    const offers = await fw.stream.waitForEvent<AnyEvent>((e) => e.type === 'OFFERS');
    const offer = offers.offers?.offers[0] as Record<string, any>;
    await fw.call('ACCEPT', launchCall(offer, 'k1'));
    const s1 = await fw.stream.waitForEvent<AnyEvent>((e) => e.update?.status.state === 'TASK_STARTING');
    await fw.call('ACKNOWLEDGE', { acknowledge: { agent_id: offer.agent_id, task_id: { value: 'k1' }, uuid: s1.update?.status.uuid } });
    const s2 = await fw.stream.waitForEvent<AnyEvent>((e) => e.update?.status.state === 'TASK_RUNNING');
    await fw.call('ACKNOWLEDGE', { acknowledge: { agent_id: offer.agent_id, task_id: { value: 'k1' }, uuid: s2.update?.status.uuid } });
    expect((await fw.call('KILL', { kill: { task_id: { value: 'k1' }, agent_id: offer.agent_id } })).status).toBe(202);
    await fw.stream.waitForEvent<AnyEvent>((e) => e.update?.status.state === 'TASK_KILLED');
    expect(cluster.agents[0]?.kills.map((k) => k.task_id.value)).toEqual(['k1']);
    await fw.call('KILL', { kill: { task_id: { value: 'ghost' } } });
    const ghost = await fw.stream.waitForEvent<AnyEvent>((e) => e.update?.status.task_id.value === 'ghost');
    expect(ghost.update?.status).toMatchObject({ state: 'TASK_LOST', message: 'Reconciliation: Task is unknown' });
    fw.stream.close();
  });
});
