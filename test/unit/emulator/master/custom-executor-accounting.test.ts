import { describe, expect, it } from 'vitest';
import { IdGenerator } from '../../../../src/emulator/master/ids.js';
import { MasterCore } from '../../../../src/emulator/master/master-core.js';
import { Registry } from '../../../../src/emulator/master/registry.js';
import type { FrameworkInfo, Resource, TaskInfo } from '../../../../src/mesos/protocol/types.js';
import { ManualClock, MemoryConnection, RecordingGateway } from './fakes.js';

const INFO: FrameworkInfo = { user: 'root', name: 'fw', failover_timeout: 60 };
const scalar = (name: string, value: number): Resource => ({ name, type: 'SCALAR', scalar: { value } });

function setup() {
  const clock = new ManualClock();
  const gateway = new RecordingGateway();
  const ids = new IdGenerator('11111111-2222-3333-4444-555555555555');
  const core = new MasterCore({
    clock,
    ids,
    gateway,
    registry: new Registry(),
    masterInfo: () => ({ id: ids.masterId, ip: 16777343, port: 5050 }),
    heartbeatIntervalSeconds: 15,
    allocationIntervalMs: 1000,
    agentReregisterTimeoutMs: 60_000,
  });
  core.start();
  const agentId = core.registerAgent({
    hostname: '127.0.0.2',
    endpoint: 'http://127.0.0.2:5051',
    port: 5051,
    resources: [scalar('cpus', 2), scalar('mem', 1024)],
    version: '1.12.0',
    tasks: [],
  }).agent_id.value;
  const conn = new MemoryConnection();
  core.subscribe({ framework_info: INFO }, conn);
  const fw = core.framework(conn.events[0]!.subscribed!.framework_id.value)!;
  return { core, gateway, conn, fw, agentId };
}

const executor = { executor_id: { value: 'e1' }, command: { value: 'my-executor' }, resources: [scalar('cpus', 0.5), scalar('mem', 128)] };
const task = (id: string, agentId: string, extra: Partial<TaskInfo> = {}): TaskInfo => ({
  name: id,
  task_id: { value: id },
  agent_id: { value: agentId },
  resources: [scalar('cpus', 0.25), scalar('mem', 64)],
  executor,
  ...extra,
});

/** ACCEPTs the newest offer with `tasks` and returns the UPDATE events the framework got for them. */
function launch(setupResult: ReturnType<typeof setup>, tasks: TaskInfo[]) {
  const { core, conn, fw } = setupResult;
  core.allocate();
  const offer = conn.events.filter((e) => e.type === 'OFFERS').at(-1)!.offers!.offers[0]!;
  const before = conn.events.length;
  core.accept(fw, {
    offer_ids: [offer.id],
    operations: [{ type: 'LAUNCH', launch: { task_infos: tasks } }],
    filters: { refuse_seconds: 0 },
  });
  return conn.events.slice(before).filter((e) => e.type === 'UPDATE');
}

describe('custom executors in the master', () => {
  it("counts the executor's resources once, for its first task, and frees them when it exits", () => {
    const s = setup();
    expect(launch(s, [task('t1', s.agentId), task('t2', s.agentId)])).toEqual([]);
    // 0.5 cpu of the executor + 2 x 0.25 of the tasks.
    expect(s.core.allocator.available(s.agentId).scalar('cpus')).toBe(1);
    const launched = s.gateway.of('launch') as Array<{ task: TaskInfo }>;
    // The master fills in the executor's framework id.
    expect(launched.map((l) => l.task.executor?.framework_id?.value)).toEqual([s.fw.id, s.fw.id]);
    expect(launch(s, [task('t3', s.agentId)])).toEqual([]);
    expect(s.core.allocator.available(s.agentId).scalar('cpus')).toBe(0.75);

    expect(s.core.executorExited({ agent_id: { value: s.agentId }, framework_id: { value: s.fw.id }, executor_id: { value: 'e1' } })).toBe(
      true,
    );
    expect(s.core.allocator.available(s.agentId).scalar('cpus')).toBe(1.25);
    // A second report of the same exit frees nothing more.
    s.core.executorExited({ agent_id: { value: s.agentId }, framework_id: { value: s.fw.id }, executor_id: { value: 'e1' } });
    expect(s.core.allocator.available(s.agentId).scalar('cpus')).toBe(1.25);
  });

  it('refuses a task whose new executor does not fit with it, naming both', () => {
    const s = setup();
    const big = { ...executor, resources: [scalar('cpus', 1.9)] };
    const [update] = launch(s, [task('t1', s.agentId, { executor: big })]);
    expect(update?.update?.status).toMatchObject({ state: 'TASK_ERROR', reason: 'REASON_TASK_INVALID' });
    expect(update?.update?.status.message).toMatch(/^Total resources .* required by task and its executor is more than available/);
  });

  it("refuses Mesos' invalid combinations with Mesos' words", () => {
    const s = setup();
    const messages = launch(s, [
      task('both', s.agentId, { command: { value: 'true' } }),
      task('default', s.agentId, { executor: { ...executor, type: 'DEFAULT' } }),
      task('no-command', s.agentId, { executor: { executor_id: { value: 'e2' } } }),
      task('other-framework', s.agentId, { executor: { ...executor, framework_id: { value: 'someone-else' } } }),
    ]).map((e) => e.update?.status.message);
    expect(messages).toEqual([
      'Task should have at least one (but not both) of CommandInfo or ExecutorInfo present',
      "'ExecutorInfo.type' must be 'CUSTOM'",
      "'ExecutorInfo.command' must be set",
      `ExecutorInfo has an invalid FrameworkID (Actual: someone-else vs Expected: ${s.fw.id})`,
    ]);
  });

  it('refuses a different ExecutorInfo under the id of a running executor', () => {
    const s = setup();
    launch(s, [task('t1', s.agentId)]);
    const [update] = launch(s, [task('t2', s.agentId, { executor: { ...executor, command: { value: 'another' } } })]);
    expect(update?.update?.status.message).toMatch(/^ExecutorInfo is not compatible with existing ExecutorInfo with same ExecutorID/);
  });

  it('accounts the executors of an agent re-registering with a new master (after a restart)', () => {
    const s = setup();
    const restarted = setup().core;
    const again = restarted.registerAgent({
      agent_id: { value: 'agent-from-before' },
      hostname: '127.0.0.3',
      endpoint: 'http://127.0.0.3:5051',
      port: 5051,
      resources: [scalar('cpus', 2), scalar('mem', 1024)],
      version: '1.12.0',
      tasks: [],
      executors: [{ framework_id: { value: s.fw.id }, executor_info: { ...executor, framework_id: { value: s.fw.id } } }],
    });
    expect(restarted.allocator.available(again.agent_id.value).scalar('cpus')).toBe(1.5);
  });
});
