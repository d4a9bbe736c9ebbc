/**
 * The agent lifecycle through its interface alone: a real allocator, registry and id generator, and a
 * host that records what the lifecycle asks the rest of the master to do with tasks, offers and
 * frameworks (the master core's side of that bookkeeping is covered by framework-lifecycle.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { AgentLifecycle, type AgentLifecycleHost } from '../../../../src/emulator/master/agent-lifecycle.js';
import { Allocator } from '../../../../src/emulator/master/allocator.js';
import { IdGenerator } from '../../../../src/emulator/master/ids.js';
import { taskKey, type FrameworkRecord, type TaskRecord } from '../../../../src/emulator/master/model.js';
import { Registry } from '../../../../src/emulator/master/registry.js';
import type { RegisterAgentRequest } from '../../../../src/emulator/internal-protocol.js';
import type { FrameworkInfo, Resource, TaskStatus } from '../../../../src/mesos/protocol/types.js';
import { ManualClock, MemoryConnection, RecordingGateway } from './fakes.js';

const RESOURCES: Resource[] = [
  { name: 'cpus', type: 'SCALAR', scalar: { value: 2 } },
  { name: 'mem', type: 'SCALAR', scalar: { value: 2048 } },
];
const CHECKPOINTING: FrameworkInfo = { user: 'root', name: 'durable', checkpoint: true };
const PARTITION_AWARE: FrameworkInfo = { user: 'root', name: 'aware', capabilities: [{ type: 'PARTITION_AWARE' }] };
const PLAIN: FrameworkInfo = { user: 'root', name: 'plain' };
const REREGISTER_TIMEOUT_MS = 60_000;

function frameworkRecord(id: string, info: FrameworkInfo): FrameworkRecord {
  return {
    id,
    info: { ...info, id: { value: id } },
    connection: undefined,
    active: true,
    recovered: false,
    registeredTime: 0,
    reregisteredTime: 0,
    unregisteredTime: 0,
    tasks: new Map(),
    unreachableTasks: new Map(),
    completedTasks: [],
    offers: new Set(),
    failoverTimer: undefined,
  };
}

/** A host that records every request; removing a task takes it off its agent, as the core does. */
function setup(registry = new Registry()) {
  const clock = new ManualClock();
  const gateway = new RecordingGateway();
  const ids = new IdGenerator('11111111-2222-3333-4444-555555555555');
  const allocator = new Allocator({ allocationIntervalMs: 1000 });
  const frameworks = new Map<string, FrameworkRecord>();
  const completedFrameworks = new Map<string, FrameworkRecord>();
  const log: string[] = [];
  const updated: Array<{ taskId: string; status: TaskStatus }> = [];
  const removed: Array<{ taskId: string; unreachable: boolean }> = [];
  const forwarded: Array<{ frameworkId: string; status: TaskStatus }> = [];
  const rescinded: string[] = [];
  const recovered: FrameworkInfo[] = [];
  let allocationRequests = 0;
  const host: AgentLifecycleHost = {
    clock,
    ids,
    gateway,
    registry,
    allocator,
    agents: new Map(),
    frameworks,
    completedFrameworks,
    agentReregisterTimeoutMs: REREGISTER_TIMEOUT_MS,
    log: (message) => log.push(message),
    updateTask: (task, status) => updated.push({ taskId: task.taskId, status }),
    removeTask: (task: TaskRecord, unreachable) => {
      removed.push({ taskId: task.taskId, unreachable });
      host.agents.get(task.agentId)?.tasks.delete(taskKey(task.frameworkId, task.taskId));
    },
    forward: (fw, status) => forwarded.push({ frameworkId: fw.id, status }),
    rescindOffer: (offerId) => rescinded.push(offerId),
    recoverFramework: (info) => {
      recovered.push(info);
      const fw = frameworkRecord(info.id?.value ?? '', info);
      frameworks.set(fw.id, fw);
      return fw;
    },
    requestAllocation: () => (allocationRequests += 1),
  };
  const lifecycle = new AgentLifecycle(host);
  return {
    clock,
    gateway,
    registry,
    allocator,
    host,
    lifecycle,
    frameworks,
    completedFrameworks,
    updated,
    removed,
    forwarded,
    rescinded,
    recovered,
    allocationRequests: () => allocationRequests,
  };
}

type Setup = ReturnType<typeof setup>;

function addFramework(s: Setup, id: string, info: FrameworkInfo, connected = true): { fw: FrameworkRecord; conn: MemoryConnection } {
  const fw = frameworkRecord(id, info);
  const conn = new MemoryConnection();
  if (connected) fw.connection = conn;
  s.frameworks.set(id, fw);
  return { fw, conn };
}

function report(frameworkId: string, info: FrameworkInfo, taskId: string, state: TaskStatus['state'] = 'TASK_RUNNING') {
  return {
    framework_id: { value: frameworkId },
    framework_info: { ...info, id: { value: frameworkId } },
    task: {
      name: taskId,
      task_id: { value: taskId },
      agent_id: { value: 'ignored' },
      resources: [{ name: 'cpus', type: 'SCALAR' as const, scalar: { value: 1 } }],
    },
    status: { task_id: { value: taskId }, state },
  };
}

function request(fields: Partial<RegisterAgentRequest> = {}): RegisterAgentRequest {
  return {
    hostname: '127.0.0.2',
    endpoint: 'http://127.0.0.2:5051',
    port: 5051,
    resources: RESOURCES,
    version: '1.12.0',
    tasks: [],
    ...fields,
  };
}

describe('agent registration', () => {
  it('admits a new agent: a fresh id, the registry, the allocator, an allocation soon', () => {
    const s = setup();
    const reply = s.lifecycle.registerAgent(request({ version: '' }));
    expect(reply).toEqual({ agent_id: { value: '11111111-2222-3333-4444-555555555555-S0' }, master_id: s.host.ids.masterId });
    const agent = s.host.agents.get(reply.agent_id.value);
    expect(agent).toMatchObject({ hostname: '127.0.0.2', ip: '127.0.0.2', port: 5051, active: true, reregisteredTime: undefined });
    expect(agent?.version).toBe('1.12.0');
    expect(s.registry.admitted().map((a) => a.id)).toEqual([reply.agent_id.value]);
    expect(s.allocator.available(reply.agent_id.value).scalar('cpus')).toBe(2);
    expect(s.allocationRequests()).toBe(1);
  });

  it('takes back the tasks a re-registering agent reports, counting their resources as used', () => {
    const s = setup();
    const { fw } = addFramework(s, 'fw-a', CHECKPOINTING);
    const reply = s.lifecycle.registerAgent(
      request({ agent_id: { value: 'agent-1' }, tasks: [report('fw-a', CHECKPOINTING, 't1'), report('fw-new', PLAIN, 't2')] }),
    );
    expect(reply.agent_id.value).toBe('agent-1');
    expect(fw.tasks.get('t1')?.state).toBe('TASK_RUNNING');
    // A framework known only from the agent's tasks is recovered through the host.
    expect(s.recovered.map((info) => info.id?.value)).toEqual(['fw-new']);
    expect(s.host.agents.get('agent-1')?.tasks.size).toBe(2);
    expect(s.allocator.available('agent-1').scalar('cpus')).toBe(0);
  });

  it('shuts down the frameworks that were removed instead of taking their tasks back', () => {
    const s = setup();
    s.completedFrameworks.set('fw-gone', frameworkRecord('fw-gone', PLAIN));
    s.lifecycle.registerAgent(request({ agent_id: { value: 'agent-1' }, tasks: [report('fw-gone', PLAIN, 't1')] }));
    expect(s.gateway.of('shutdown')).toEqual([{ framework_id: { value: 'fw-gone' } }]);
    expect(s.host.agents.get('agent-1')?.tasks.size).toBe(0);
  });

  it('kills on an agent back from unreachable the tasks already reported lost to a non-partition-aware framework', () => {
    const registry = new Registry();
    registry.markUnreachable('agent-1', 5);
    const s = setup(registry);
    addFramework(s, 'fw-plain', PLAIN);
    addFramework(s, 'fw-aware', PARTITION_AWARE);
    s.lifecycle.registerAgent(
      request({ agent_id: { value: 'agent-1' }, tasks: [report('fw-plain', PLAIN, 't1'), report('fw-aware', PARTITION_AWARE, 't2')] }),
    );
    expect(s.gateway.of('kill')).toEqual([{ framework_id: { value: 'fw-plain' }, task_id: { value: 't1' } }]);
    expect(s.frameworks.get('fw-aware')?.tasks.has('t2')).toBe(true);
    expect(s.lifecycle.unreachableAgents.has('agent-1')).toBe(false);
  });

  it('an agent registered here that comes back: tasks it forgot are lost, kills it missed are sent again', () => {
    const s = setup();
    const { fw } = addFramework(s, 'fw-a', PLAIN);
    const { agent_id } = s.lifecycle.registerAgent(request({ tasks: [report('fw-a', PLAIN, 'kept'), report('fw-a', PLAIN, 'forgotten')] }));
    s.host.agents.get(agent_id.value)?.killedTasks.add(taskKey('fw-a', 'kept'));
    s.clock.advance(1000);
    s.lifecycle.registerAgent(request({ agent_id, hostname: 'renamed', tasks: [report('fw-a', PLAIN, 'kept')] }));
    expect(s.updated).toEqual([
      {
        taskId: 'forgotten',
        status: expect.objectContaining({ state: 'TASK_LOST', reason: 'REASON_RECONCILIATION', agent_id: agent_id }) as TaskStatus,
      },
    ]);
    expect(s.removed).toEqual([{ taskId: 'forgotten', unreachable: false }]);
    expect(s.forwarded.map((f) => [f.frameworkId, f.status.task_id.value])).toEqual([['fw-a', 'forgotten']]);
    expect(s.gateway.of('kill')).toEqual([{ framework_id: { value: 'fw-a' }, task_id: { value: 'kept' } }]);
    const agent = s.host.agents.get(agent_id.value);
    expect(agent?.hostname).toBe('renamed');
    expect(agent?.reregisteredTime).toBe(s.clock.now());
    expect(fw.tasks.has('kept')).toBe(true);
  });
});

describe('agents that go away', () => {
  it('marks an agent unreachable: tasks UNREACHABLE or LOST, offers rescinded, FAILURE to every framework', () => {
    const s = setup();
    const aware = addFramework(s, 'fw-aware', PARTITION_AWARE);
    const plain = addFramework(s, 'fw-plain', PLAIN, false);
    const { agent_id } = s.lifecycle.registerAgent(
      request({ tasks: [report('fw-aware', PARTITION_AWARE, 't1'), report('fw-plain', PLAIN, 't2')] }),
    );
    s.host.agents.get(agent_id.value)?.offers.add('offer-1');
    s.lifecycle.markAgentUnreachable(agent_id.value, 'health check timed out');

    expect(s.updated.map((u) => [u.taskId, u.status.state, u.status.reason])).toEqual([
      ['t1', 'TASK_UNREACHABLE', 'REASON_AGENT_REMOVED'],
      ['t2', 'TASK_LOST', 'REASON_AGENT_REMOVED'],
    ]);
    expect(s.updated[0]?.status).toMatchObject({
      message: 'health check timed out',
      unreachable_time: { nanoseconds: s.clock.now() * 1e6 },
    });
    expect(s.removed).toEqual([
      { taskId: 't1', unreachable: true },
      { taskId: 't2', unreachable: true },
    ]);
    // Only a connected framework is told about its task.
    expect(s.forwarded.map((f) => f.frameworkId)).toEqual(['fw-aware']);
    expect(s.rescinded).toEqual(['offer-1']);
    expect(s.host.agents.has(agent_id.value)).toBe(false);
    expect(s.allocator.hasAgent(agent_id.value)).toBe(false);
    expect(s.lifecycle.unreachableAgents.get(agent_id.value)).toBe(s.clock.now());
    expect(s.registry.unreachableAgents().has(agent_id.value)).toBe(true);
    expect(aware.conn.events.at(-1)).toEqual({ type: 'FAILURE', failure: { agent_id } });
    expect(plain.conn.events).toEqual([]);
  });

  it('a broken connection: offers rescinded, tasks of non-checkpointing frameworks lost; kills follow when it is back', () => {
    const s = setup();
    addFramework(s, 'fw-durable', CHECKPOINTING);
    addFramework(s, 'fw-plain', PLAIN);
    const { agent_id } = s.lifecycle.registerAgent(
      request({ tasks: [report('fw-durable', CHECKPOINTING, 'kept'), report('fw-plain', PLAIN, 'lost')] }),
    );
    s.host.agents.get(agent_id.value)?.offers.add('offer-1');
    s.lifecycle.disconnectAgent(agent_id.value);
    s.lifecycle.disconnectAgent(agent_id.value);

    expect(s.rescinded).toEqual(['offer-1']);
    expect(s.updated.map((u) => [u.taskId, u.status.state, u.status.reason])).toEqual([['lost', 'TASK_LOST', 'REASON_AGENT_DISCONNECTED']]);
    expect(s.forwarded.map((f) => f.frameworkId)).toEqual(['fw-plain']);
    expect(s.host.agents.get(agent_id.value)?.active).toBe(false);

    const requestsBefore = s.allocationRequests();
    s.lifecycle.reconnectAgent(agent_id.value);
    s.lifecycle.reconnectAgent(agent_id.value);
    expect(s.gateway.of('kill')).toEqual([{ framework_id: { value: 'fw-plain' }, task_id: { value: 'lost' } }]);
    expect(s.host.agents.get(agent_id.value)?.killedTasks.size).toBe(0);
    expect(s.host.agents.get(agent_id.value)?.active).toBe(true);
    expect(s.allocationRequests()).toBe(requestsBefore + 1);
  });

  it('records contact with a registered agent and ignores unknown ones', () => {
    const s = setup();
    const { agent_id } = s.lifecycle.registerAgent(request());
    s.clock.advance(5000);
    s.lifecycle.noteAgentContact(agent_id.value);
    s.lifecycle.noteAgentContact('nobody');
    expect(s.host.agents.get(agent_id.value)?.lastContact).toBe(s.clock.now());
  });
});

describe('after a master restart', () => {
  function registryWithAgent(): Registry {
    const registry = new Registry();
    registry.admit({ id: 'agent-1', hostname: '127.0.0.2', port: 5051, endpoint: 'http://127.0.0.2:5051', resources: RESOURCES });
    return registry;
  }

  it('agents from the registry that do not come back in time are marked unreachable', () => {
    const s = setup(registryWithAgent());
    const { conn } = addFramework(s, 'fw-a', PLAIN);
    expect([...s.lifecycle.recoveredAgents.keys()]).toEqual(['agent-1']);
    s.lifecycle.start();
    s.clock.advance(REREGISTER_TIMEOUT_MS - 1);
    expect(s.lifecycle.recoveredAgents.size).toBe(1);
    s.clock.advance(1);
    expect(s.lifecycle.recoveredAgents.size).toBe(0);
    expect(s.lifecycle.unreachableAgents.get('agent-1')).toBe(s.clock.now());
    expect(s.registry.unreachableAgents().has('agent-1')).toBe(true);
    expect(conn.events).toEqual([{ type: 'FAILURE', failure: { agent_id: { value: 'agent-1' } } }]);
  });

  it('an agent that re-registers in time is no longer waited for', () => {
    const s = setup(registryWithAgent());
    s.lifecycle.start();
    s.lifecycle.registerAgent(request({ agent_id: { value: 'agent-1' } }));
    s.clock.advance(REREGISTER_TIMEOUT_MS);
    expect(s.lifecycle.recoveredAgents.size).toBe(0);
    expect(s.lifecycle.unreachableAgents.size).toBe(0);
  });

  it('a stopped master marks nobody unreachable', () => {
    const s = setup(registryWithAgent());
    s.lifecycle.start();
    s.lifecycle.stop();
    s.clock.advance(REREGISTER_TIMEOUT_MS);
    expect(s.lifecycle.recoveredAgents.size).toBe(1);
    expect(s.lifecycle.unreachableAgents.size).toBe(0);
  });
});
