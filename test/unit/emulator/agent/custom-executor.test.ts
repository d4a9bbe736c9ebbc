import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { CustomExecutor } from '../../../../src/emulator/agent/custom-executor.js';
import type { TaskInfo, TaskStatus } from '../../../../src/mesos/protocol/types.js';

/** The subscription stream: records the events written (RecordIO records of JSON). */
class FakeStream {
  readonly events: Array<{ type: string } & Record<string, unknown>> = [];
  destroyed = false;
  ended = false;
  sendDate = true;
  writableLength = 0;
  private pending = '';
  writeHead(): this {
    return this;
  }
  on(): this {
    return this;
  }
  destroy(): void {
    this.destroyed = true;
  }
  end(): void {
    this.ended = true;
  }
  write(chunk: Buffer): boolean {
    this.pending += chunk.toString('utf8');
    for (;;) {
      const newline = this.pending.indexOf('\n');
      if (newline < 0) break;
      const length = Number(this.pending.slice(0, newline));
      if (Buffer.byteLength(this.pending.slice(newline + 1)) < length) break;
      this.events.push(JSON.parse(this.pending.slice(newline + 1, newline + 1 + length)) as { type: string });
      this.pending = this.pending.slice(newline + 1 + length);
    }
    return true;
  }
  types(): string[] {
    return this.events.map((event) => event.type);
  }
}

const UUID = (n: number): string =>
  Buffer.from(`9f1c6e0a2b3d4e5f8a7b6c5d4e3f2a${n.toString(16).padStart(2, '0')}`, 'hex').toString('base64');
const task = (id: string): TaskInfo => ({ name: id, task_id: { value: id }, agent_id: { value: 'S0' }, resources: [] });
const running = (id: string, n: number, state: TaskStatus['state'] = 'TASK_RUNNING'): TaskStatus => ({
  task_id: { value: id },
  state,
  source: 'SOURCE_EXECUTOR',
  uuid: UUID(n),
});

function executor() {
  const emitted: TaskStatus[] = [];
  const terminated: string[] = [];
  const exited: string[] = [];
  const subject = new CustomExecutor({
    agentId: 'S0',
    hostname: '127.0.0.2',
    agentEndpoint: '127.0.0.2:5051',
    agentPid: 'slave(1)@127.0.0.2:5051',
    frameworkId: 'fw-1',
    frameworkInfo: () => ({ user: 'root', name: 'fw' }),
    info: { executor_id: { value: 'e1' }, command: { value: 'my-executor' } },
    containerId: 'c1',
    directory: '/nonexistent/sandbox',
    clock: { now: () => 1_700_000_000_000 },
    agentEnvironment: {},
    agentInfo: () => ({ hostname: '127.0.0.2', id: { value: 'S0' }, port: 5051, resources: [] }),
    emit: (status) => emitted.push(status),
    onTaskTerminated: (taskId) => terminated.push(taskId),
    onExited: () => exited.push('e1'),
    log: () => undefined,
  });
  return { subject, emitted, terminated, exited };
}

describe('a custom executor', () => {
  it('queues tasks until SUBSCRIBE, then sends SUBSCRIBED and one LAUNCH each; later tasks at once', () => {
    const { subject } = executor();
    subject.addTask(task('t1'));
    subject.addTask(task('t2'));
    const stream = new FakeStream();
    subject.subscribe(stream as unknown as ServerResponse);
    expect(stream.types()).toEqual(['SUBSCRIBED', 'LAUNCH', 'LAUNCH']);
    expect(stream.events[0]).toMatchObject({
      subscribed: { executor_info: { executor_id: { value: 'e1' } }, agent_info: { id: { value: 'S0' } }, container_id: { value: 'c1' } },
    });
    subject.addTask(task('t3'));
    expect(stream.events.slice(1).map((e) => (e as unknown as { launch: { task: TaskInfo } }).launch.task.task_id.value)).toEqual([
      't1',
      't2',
      't3',
    ]);
  });

  it("passes an UPDATE to the status update manager with the agent's fields, then ACKNOWLEDGEs it", () => {
    const { subject, emitted, terminated } = executor();
    subject.addTask(task('t1'));
    const stream = new FakeStream();
    subject.subscribe(stream as unknown as ServerResponse);
    expect(subject.update(running('t1', 1))).toBeUndefined();
    expect(emitted[0]).toMatchObject({
      state: 'TASK_RUNNING',
      agent_id: { value: 'S0' },
      executor_id: { value: 'e1' },
      container_status: { container_id: { value: 'c1' } },
    });
    expect(stream.events.at(-1)).toEqual({ type: 'ACKNOWLEDGED', acknowledged: { task_id: { value: 't1' }, uuid: UUID(1) } });
    expect(subject.task('t1')?.state).toBe('TASK_RUNNING');
    expect(subject.update(running('t1', 2, 'TASK_FINISHED'))).toBeUndefined();
    expect(terminated).toEqual(['t1']);
    // Nothing after a terminal update, and nothing for tasks it was never given.
    expect(subject.update(running('t1', 3))).toBe("Task 't1' is already terminal");
    expect(subject.update(running('t9', 4))).toBe("Task 't9' is not known to executor 'e1'");
    expect(emitted).toHaveLength(2);
  });

  it('kills a task it has not delivered itself (TASK_KILLED from the agent); a delivered one through KILL', () => {
    const { subject, emitted } = executor();
    const queued = subject.addTask(task('t1'));
    queued.kill();
    expect(emitted.map((s) => [s.state, s.source, s.reason])).toEqual([
      ['TASK_KILLED', 'SOURCE_AGENT', 'REASON_TASK_KILLED_DURING_LAUNCH'],
    ]);
    const stream = new FakeStream();
    subject.subscribe(stream as unknown as ServerResponse);
    expect(stream.types()).toEqual(['SUBSCRIBED']);
    subject.addTask(task('t2')).kill(2_000);
    expect(stream.events.at(-1)).toEqual({
      type: 'KILL',
      kill: { task_id: { value: 't2' }, kill_policy: { grace_period: { nanoseconds: 2e9 } } },
    });
  });

  it('shut down before it was started: every task it holds ends TASK_KILLED and the agent is told it exited', () => {
    const { subject, emitted, exited } = executor();
    subject.addTask(task('t1'));
    subject.addTask(task('t2'));
    subject.shutdown();
    expect(emitted.map((s) => [s.task_id.value, s.state])).toEqual([
      ['t1', 'TASK_KILLED'],
      ['t2', 'TASK_KILLED'],
    ]);
    expect(exited).toEqual(['e1']);
    expect(subject.terminated).toBe(true);
    expect(subject.live).toBe(false);
  });

  it('cuts the subscription of an executor that stops reading its events', () => {
    const { subject } = executor();
    subject.addTask(task('t1'));
    const stream = new FakeStream();
    subject.subscribe(stream as unknown as ServerResponse);
    stream.writableLength = 64 * 1024 * 1024;
    subject.update(running('t1', 1));
    expect(stream.destroyed).toBe(true);
  });
});
