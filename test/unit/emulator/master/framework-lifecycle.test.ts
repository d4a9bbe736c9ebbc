import { describe, expect, it } from 'vitest';
import { IdGenerator } from '../../../../src/emulator/master/ids.js';
import { MasterCore } from '../../../../src/emulator/master/master-core.js';
import { Registry } from '../../../../src/emulator/master/registry.js';
import type { FrameworkInfo, Resource } from '../../../../src/mesos/protocol/types.js';
import { ManualClock, MemoryConnection, RecordingGateway } from './fakes.js';

const RESOURCES: Resource[] = [
  { name: 'cpus', type: 'SCALAR', scalar: { value: 2 } },
  { name: 'mem', type: 'SCALAR', scalar: { value: 2048 } },
];
const INFO: FrameworkInfo = { user: 'root', name: 'fw', failover_timeout: 60, checkpoint: true };

function setup(registry = new Registry()) {
  const clock = new ManualClock();
  const gateway = new RecordingGateway();
  const ids = new IdGenerator('11111111-2222-3333-4444-555555555555');
  const core = new MasterCore({
    clock,
    ids,
    gateway,
    registry,
    masterInfo: () => ({ id: ids.masterId, ip: 16777343, port: 5050 }),
    heartbeatIntervalSeconds: 15,
    allocationIntervalMs: 1000,
    agentReregisterTimeoutMs: 60_000,
  });
  core.start();
  const agent = core.registerAgent({
    hostname: '127.0.0.2',
    endpoint: 'http://127.0.0.2:5051',
    port: 5051,
    resources: RESOURCES,
    version: '1.12.0',
    tasks: [],
  });
  return { clock, gateway, core, agentId: agent.agent_id.value, registry };
}

/** Subscribes, takes the first offer and launches one task on it; returns ids. */
function launchOne(core: MasterCore, conn: MemoryConnection, taskId = 't1') {
  core.subscribe({ framework_info: INFO }, conn);
  core.allocate();
  const offers = conn.events.find((e) => e.type === 'OFFERS')?.offers?.offers ?? [];
  const offer = offers[0];
  if (offer === undefined) throw new Error('no offer');
  const fw = core.framework(offer.framework_id.value);
  if (fw === undefined) throw new Error('no framework');
  core.accept(fw, {
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
              resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 } }],
              command: { value: 'sleep 600' },
            },
          ],
        },
      },
    ],
    filters: { refuse_seconds: 0 },
  });
  return { fw, offer };
}

describe('MasterCore framework lifecycle', () => {
  it('assigns <master>-0000 style ids, sends SUBSCRIBED and starts heartbeats', () => {
    const { core } = setup();
    const conn = new MemoryConnection();
    core.subscribe({ framework_info: INFO }, conn);
    expect(conn.events[0]).toMatchObject({
      type: 'SUBSCRIBED',
      subscribed: { framework_id: { value: '11111111-2222-3333-4444-555555555555-0000' }, heartbeat_interval_seconds: 15 },
    });
    expect(conn.heartbeats).toBe(true);
  });

  it('keeps a disconnected framework and its tasks until failover_timeout, then kills them', () => {
    const { core, clock, gateway, agentId } = setup();
    const conn = new MemoryConnection();
    const { fw } = launchOne(core, conn);
    expect(core.allocator.available(agentId).scalar('cpus')).toBe(1);
    conn.drop();
    expect(fw.active).toBe(false);
    expect(fw.connection).toBeUndefined();
    clock.advance(59_000);
    expect(core.framework(fw.id)).toBe(fw);
    expect(fw.tasks.has('t1')).toBe(true);
    expect(gateway.of('shutdown')).toEqual([]);
    clock.advance(1_000);
    expect(core.framework(fw.id)).toBeUndefined();
    expect(core.completedFrameworks.get(fw.id)?.completedTasks.map((t) => [t.taskId, t.state])).toEqual([['t1', 'TASK_KILLED']]);
    const killed = core.completedFrameworks.get(fw.id)?.completedTasks[0]?.statuses.at(-1);
    expect(killed).toMatchObject({ message: `Framework ${fw.id} removed`, reason: 'REASON_FRAMEWORK_REMOVED', source: 'SOURCE_MASTER' });
    expect(gateway.of('shutdown')).toEqual([{ framework_id: { value: fw.id } }]);
    // Its resources are free again.
    expect(core.allocator.available(agentId).scalar('cpus')).toBe(2);
  });

  it('a re-subscription within failover_timeout keeps the tasks and cancels the removal', () => {
    const { core, clock } = setup();
    const conn = new MemoryConnection();
    const { fw } = launchOne(core, conn);
    conn.drop();
    clock.advance(30_000);
    const again = new MemoryConnection();
    core.subscribe({ framework_info: { ...INFO, id: { value: fw.id } } }, again);
    expect(again.types()[0]).toBe('SUBSCRIBED');
    expect(fw.reregisteredTime).toBe(clock.now());
    clock.advance(120_000);
    expect(core.framework(fw.id)).toBe(fw);
    expect(fw.tasks.has('t1')).toBe(true);
  });

  it('a re-subscription tells every agent (Mesos UpdateFrameworkMessage), so pending updates are re-sent now', () => {
    const { core, gateway } = setup();
    const conn = new MemoryConnection();
    const { fw } = launchOne(core, conn);
    expect(gateway.of('update-framework')).toEqual([]);
    conn.drop();
    const info = { ...INFO, name: 'fw again', id: { value: fw.id } };
    core.subscribe({ framework_info: info }, new MemoryConnection());
    expect(gateway.sent.filter((s) => s.kind === 'update-framework')).toEqual([
      { kind: 'update-framework', endpoint: 'http://127.0.0.2:5051', message: { framework_id: { value: fw.id }, framework_info: fw.info } },
    ]);
    expect(fw.info.name).toBe('fw again');
  });

  it('one subscription per framework id: a new SUBSCRIBE tells the old stream and closes it', () => {
    const { core } = setup();
    const first = new MemoryConnection();
    core.subscribe({ framework_info: INFO }, first);
    const id = first.events[0]?.subscribed?.framework_id.value ?? '';
    core.allocate();
    const offered = first.events.find((e) => e.type === 'OFFERS')?.offers?.offers ?? [];
    expect(offered).toHaveLength(1);
    const second = new MemoryConnection();
    core.subscribe({ framework_info: { ...INFO, id: { value: id } } }, second);
    expect(first.events.at(-1)).toEqual({ type: 'ERROR', error: { message: 'Framework failed over' } });
    expect(first.closed).toBe(true);
    // The old stream closing must not disconnect the new subscription.
    expect(core.framework(id)?.connection).toBe(second);
    expect(core.framework(id)?.active).toBe(true);
    // Offers made to the old subscription are taken back and made again on the new one.
    expect(core.offers.size).toBe(0);
    core.allocate();
    expect(second.events.find((e) => e.type === 'OFFERS')?.offers?.offers).toHaveLength(1);
  });

  it('rescinds outstanding offers when a framework disconnects and re-offers after it comes back', () => {
    const { core } = setup();
    const conn = new MemoryConnection();
    core.subscribe({ framework_info: INFO }, conn);
    core.allocate();
    const id = conn.events[0]?.subscribed?.framework_id.value ?? '';
    expect(core.offers.size).toBe(1);
    conn.drop();
    expect(core.offers.size).toBe(0);
    core.allocate();
    expect(core.offers.size).toBe(0);
    const back = new MemoryConnection();
    core.subscribe({ framework_info: { ...INFO, id: { value: id } } }, back);
    core.allocate();
    expect(back.types()).toEqual(['SUBSCRIBED', 'OFFERS']);
  });

  it('refuses a removed framework and invalid framework infos with an ERROR event', () => {
    const { core } = setup();
    const conn = new MemoryConnection();
    core.subscribe({ framework_info: INFO }, conn);
    const fw = core.framework(conn.events[0]?.subscribed?.framework_id.value ?? '');
    if (fw === undefined) throw new Error('not subscribed');
    core.teardown(fw);
    expect(conn.closed).toBe(true);
    const again = new MemoryConnection();
    core.subscribe({ framework_info: { ...INFO, id: { value: fw.id } } }, again);
    expect(again.events).toEqual([{ type: 'ERROR', error: { message: 'Framework has been removed' } }]);
    expect(again.closed).toBe(true);
    const multi = new MemoryConnection();
    core.subscribe({ framework_info: { ...INFO, role: 'a', capabilities: [{ type: 'MULTI_ROLE' }] } }, multi);
    expect(multi.events[0]?.error?.message).toBe("'FrameworkInfo.role' must not be set when the framework is MULTI_ROLE capable");
  });

  it('failover_timeout 0 removes the framework as soon as the connection closes', () => {
    const { core, clock } = setup();
    const conn = new MemoryConnection();
    core.subscribe({ framework_info: { ...INFO, failover_timeout: 0 } }, conn);
    const id = conn.events[0]?.subscribed?.framework_id.value ?? '';
    conn.drop();
    clock.advance(0);
    expect(core.framework(id)).toBeUndefined();
    expect(core.completedFrameworks.has(id)).toBe(true);
  });

  it('marks a silent agent unreachable: TASK_LOST with REASON_AGENT_REMOVED, RESCIND, FAILURE', () => {
    const { core, agentId } = setup();
    const conn = new MemoryConnection();
    const { fw } = launchOne(core, conn);
    core.allocate();
    expect(core.offers.size).toBe(1);
    core.markAgentUnreachable(agentId, 'health check timed out');
    const types = conn.types();
    expect(types.slice(-3)).toEqual(['UPDATE', 'RESCIND', 'FAILURE']);
    const lost = conn.events.find((e) => e.type === 'UPDATE')?.update?.status;
    expect(lost).toMatchObject({
      state: 'TASK_LOST',
      reason: 'REASON_AGENT_REMOVED',
      message: 'health check timed out',
      source: 'SOURCE_MASTER',
    });
    expect(fw.unreachableTasks.get('t1')?.state).toBe('TASK_LOST');
    expect(core.agents.size).toBe(0);
    core.reconcile(fw, { tasks: [{ task_id: { value: 't1' }, agent_id: { value: agentId } }] });
    expect(conn.events.at(-1)?.update?.status).toMatchObject({ state: 'TASK_LOST', message: 'Reconciliation: Task is unreachable' });
  });

  it('an agent whose connection breaks: no offers, tasks of non-checkpointing frameworks lost at once', () => {
    const { core, agentId, gateway } = setup();
    const durable = new MemoryConnection();
    const { fw: durableFw } = launchOne(core, durable, 'kept');
    // The durable framework now holds more: the rest of the agent goes to the volatile one.
    const volatileConn = new MemoryConnection();
    core.subscribe({ framework_info: { ...INFO, name: 'volatile', checkpoint: false } }, volatileConn);
    const volatileId = volatileConn.events[0]?.subscribed?.framework_id.value ?? '';
    core.allocate();
    const offer = volatileConn.events.find((e) => e.type === 'OFFERS')?.offers?.offers[0];
    const volatileFw = core.framework(volatileId);
    if (offer === undefined || volatileFw === undefined) throw new Error('no offer for the volatile framework');
    core.accept(volatileFw, {
      offer_ids: [offer.id],
      operations: [
        {
          type: 'LAUNCH',
          launch: {
            task_infos: [
              {
                name: 'v',
                task_id: { value: 'v' },
                agent_id: offer.agent_id,
                resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 0.5 } }],
                command: { value: 'sleep 600' },
              },
            ],
          },
        },
      ],
      filters: { refuse_seconds: 0 },
    });
    core.allocate();
    core.disconnectAgent(agentId);
    expect(core.agents.get(agentId)?.active).toBe(false);
    expect(core.offers.size).toBe(0);
    expect(volatileConn.events.at(-1)?.update?.status).toMatchObject({
      task_id: { value: 'v' },
      state: 'TASK_LOST',
      message: 'Agent 127.0.0.2 disconnected',
      reason: 'REASON_AGENT_DISCONNECTED',
    });
    expect(durableFw.tasks.get('kept')?.state).toBe('TASK_STAGING');
    core.allocate();
    expect(core.offers.size).toBe(0);
    // Back again: offered again, and the lost task is killed there.
    core.reconnectAgent(agentId);
    expect(gateway.of('kill')).toEqual([{ framework_id: { value: volatileId }, task_id: { value: 'v' } }]);
    core.allocate();
    expect(core.offers.size).toBeGreaterThan(0);
  });

  it('after a restart, keeps agents from the registry as recovered until they re-register with their tasks', () => {
    const registry = new Registry();
    const first = setup(registry);
    const conn = new MemoryConnection();
    const { fw, offer } = launchOne(first.core, conn);
    first.core.stop();

    const clock = new ManualClock();
    const ids = new IdGenerator('99999999-2222-3333-4444-555555555555');
    const core = new MasterCore({
      clock,
      ids,
      gateway: new RecordingGateway(),
      registry,
      masterInfo: () => ({ id: ids.masterId, ip: 1, port: 5050 }),
      heartbeatIntervalSeconds: 15,
      allocationIntervalMs: 1000,
      agentReregisterTimeoutMs: 60_000,
    });
    core.start();
    expect([...core.recoveredAgents.keys()]).toEqual([first.agentId]);
    // While an agent may still come back, reconciling an unknown task gets no answer.
    const waiting = new MemoryConnection();
    core.subscribe({ framework_info: { ...INFO, id: { value: fw.id } } }, waiting);
    const recovered = core.framework(fw.id);
    if (recovered === undefined) throw new Error('no framework');
    core.reconcile(recovered, { tasks: [{ task_id: { value: 't1' } }] });
    expect(waiting.types()).toEqual(['SUBSCRIBED']);

    core.registerAgent({
      agent_id: { value: first.agentId },
      hostname: '127.0.0.2',
      endpoint: 'http://127.0.0.2:5051',
      port: 5051,
      resources: RESOURCES,
      version: '1.12.0',
      tasks: [
        {
          framework_id: { value: fw.id },
          framework_info: { ...INFO, id: { value: fw.id } },
          task: (first.gateway.of('launch')[0] as { task: never }).task,
          status: { task_id: { value: 't1' }, state: 'TASK_RUNNING' },
        },
      ],
    });
    expect(core.recoveredAgents.size).toBe(0);
    expect(recovered.tasks.get('t1')?.state).toBe('TASK_RUNNING');
    // The running task's cpu stays taken: only 1 of 2 cpus is offered.
    core.allocate();
    const offers = waiting.events.find((e) => e.type === 'OFFERS')?.offers?.offers ?? [];
    expect(offers[0]?.resources.find((r) => r.name === 'cpus')?.scalar?.value).toBe(1);
    expect(offer.agent_id.value).toBe(first.agentId);
  });

  it('a framework known only from an agent is recovered, inactive, until its scheduler re-subscribes', () => {
    const { core } = setup();
    core.registerAgent({
      hostname: '127.0.0.3',
      endpoint: 'http://127.0.0.3:5051',
      port: 5051,
      resources: RESOURCES,
      version: '1.12.0',
      tasks: [
        {
          framework_id: { value: 'old-0000' },
          framework_info: { ...INFO, id: { value: 'old-0000' } },
          task: {
            name: 'x',
            task_id: { value: 'x' },
            agent_id: { value: 'a' },
            resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 } }],
          },
          status: { task_id: { value: 'x' }, state: 'TASK_RUNNING' },
        },
      ],
    });
    const fw = core.framework('old-0000');
    expect(fw).toMatchObject({ recovered: true, active: false });
    const conn = new MemoryConnection();
    core.subscribe({ framework_info: { ...INFO, id: { value: 'old-0000' } } }, conn);
    expect(fw).toMatchObject({ recovered: false, active: true });
    expect(conn.types()[0]).toBe('SUBSCRIBED');
  });
});
