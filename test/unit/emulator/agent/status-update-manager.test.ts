import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StatusUpdateManager } from '../../../../src/emulator/agent/status-update-manager.js';
import type { TaskState, TaskStatus } from '../../../../src/mesos/protocol/types.js';

const fw = { value: 'fw-1' };

function status(task: string, state: TaskState, uuid: string): TaskStatus {
  return { task_id: { value: task }, state, uuid };
}

describe('StatusUpdateManager', () => {
  let sent: Array<{ task: string; state: TaskState; uuid: string | undefined; at: number }>;
  let completed: string[];
  let manager: StatusUpdateManager;

  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    completed = [];
    manager = new StatusUpdateManager({
      forward: (_framework, s) => {
        sent.push({ task: s.task_id.value, state: s.state, uuid: s.uuid, at: Date.now() });
        return Promise.resolve(true);
      },
      retryMinMs: 10_000,
      retryMaxMs: 40_000,
      onTerminalAcknowledged: (framework, task) => completed.push(`${framework}/${task}`),
    });
  });

  afterEach(() => {
    manager.stop();
    vi.useRealTimers();
  });

  it('forwards one update per task at a time, the next only after an acknowledgement', () => {
    manager.update(fw, status('t', 'TASK_STARTING', 'u1'));
    manager.update(fw, status('t', 'TASK_RUNNING', 'u2'));
    expect(sent.map((s) => s.uuid)).toEqual(['u1']);
    expect(manager.acknowledge('fw-1', 't', 'u1')).toMatchObject({ ok: true });
    expect(sent.map((s) => s.uuid)).toEqual(['u1', 'u2']);
  });

  it('keeps tasks independent', () => {
    manager.update(fw, status('a', 'TASK_STARTING', 'a1'));
    manager.update(fw, status('b', 'TASK_STARTING', 'b1'));
    expect(sent.map((s) => s.uuid)).toEqual(['a1', 'b1']);
  });

  it('re-sends an unacknowledged update after 10 s, 20 s, 40 s, 40 s', () => {
    const start = Date.now();
    manager.update(fw, status('t', 'TASK_STARTING', 'u1'));
    vi.advanceTimersByTime(10_000 + 20_000 + 40_000 + 40_000);
    expect(sent.map((s) => s.at - start)).toEqual([0, 10_000, 30_000, 70_000, 110_000]);
    expect(new Set(sent.map((s) => s.uuid))).toEqual(new Set(['u1']));
  });

  it('stops re-sending once acknowledged and restarts the backoff for the next update', () => {
    manager.update(fw, status('t', 'TASK_STARTING', 'u1'));
    manager.update(fw, status('t', 'TASK_RUNNING', 'u2'));
    vi.advanceTimersByTime(30_000);
    manager.acknowledge('fw-1', 't', 'u1');
    const ackAt = Date.now();
    vi.advanceTimersByTime(10_000);
    expect(sent.filter((s) => s.uuid === 'u1')).toHaveLength(3);
    expect(sent.filter((s) => s.uuid === 'u2').map((s) => s.at - ackAt)).toEqual([0, 10_000]);
  });

  it('refuses acknowledgements of anything but the head of the stream', () => {
    manager.update(fw, status('t', 'TASK_STARTING', 'u1'));
    manager.update(fw, status('t', 'TASK_RUNNING', 'u2'));
    expect(manager.acknowledge('fw-1', 't', 'u2')).toEqual({ ok: false, reason: 'unexpected-uuid', expected: 'u1' });
    expect(manager.acknowledge('fw-1', 'other', 'u1')).toEqual({ ok: false, reason: 'unknown-stream' });
    expect(manager.pending('fw-1', 't').map((s) => s.uuid)).toEqual(['u1', 'u2']);
  });

  it('closes the stream when a terminal update is acknowledged', () => {
    manager.update(fw, status('t', 'TASK_FINISHED', 'u9'));
    expect(manager.acknowledge('fw-1', 't', 'u9')).toMatchObject({ ok: true });
    expect(completed).toEqual(['fw-1/t']);
    expect(manager.pending('fw-1', 't')).toEqual([]);
    expect(manager.acknowledge('fw-1', 't', 'u9')).toEqual({ ok: false, reason: 'unknown-stream' });
  });

  it('flush() re-sends every head at once with a fresh backoff', () => {
    manager.update(fw, status('a', 'TASK_STARTING', 'a1'));
    manager.update(fw, status('b', 'TASK_STARTING', 'b1'));
    vi.advanceTimersByTime(35_000);
    sent = [];
    manager.flush();
    expect(sent.map((s) => s.uuid)).toEqual(['a1', 'b1']);
    vi.advanceTimersByTime(10_000);
    expect(sent.map((s) => s.uuid)).toEqual(['a1', 'b1', 'a1', 'b1']);
  });

  it('forget() drops a stream and its timers; stop() silences everything', () => {
    manager.update(fw, status('a', 'TASK_KILLED', 'a1'));
    manager.update(fw, status('b', 'TASK_RUNNING', 'b1'));
    manager.forget('fw-1', 'a');
    manager.stop();
    vi.advanceTimersByTime(100_000);
    manager.update(fw, status('c', 'TASK_RUNNING', 'c1'));
    expect(sent.map((s) => s.uuid)).toEqual(['a1', 'b1']);
  });
});
