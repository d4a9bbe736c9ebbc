/**
 * The call dispatcher against a fake transport whose answers the test gives one by one: which calls
 * are in flight at each moment, never how long anything took.
 */
import { describe, expect, it } from 'vitest';
import { CallDispatcher, orderClaims } from '../../../../src/framework/scheduler/call-dispatcher.js';
import * as calls from '../../../../src/mesos/protocol/calls.js';
import type { Call, TaskInfo } from '../../../../src/mesos/protocol/types.js';

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A call sent and not answered yet; the test answers it (202) or fails it. */
interface Pending {
  readonly label: string;
  readonly signal: AbortSignal;
  answer(): void;
  fail(error: Error): void;
}

/** A transport that records what is sent and holds every answer until the test gives it. */
class FakeTransport {
  readonly sent: string[] = [];
  readonly inFlight: Pending[] = [];
  readonly failures: string[] = [];
  peak = 0;

  readonly dispatcher: CallDispatcher;

  constructor(options: { window?: number; ackWindow?: number } = {}) {
    this.dispatcher = new CallDispatcher({
      ...options,
      send: (call, signal) =>
        new Promise<void>((resolve, reject) => {
          const label = labelOf(call);
          this.sent.push(label);
          const pending: Pending = {
            label,
            signal,
            answer: () => {
              this.remove(pending);
              resolve();
            },
            fail: (error) => {
              this.remove(pending);
              reject(error);
            },
          };
          this.inFlight.push(pending);
          this.peak = Math.max(this.peak, this.inFlight.length);
          signal.addEventListener('abort', () => pending.fail(new Error('aborted')), { once: true });
        }),
      onFailure: (call, error) => this.failures.push(`${labelOf(call)}: ${(error as Error).message}`),
    });
  }

  submit(...list: Call[]): void {
    for (const call of list) this.dispatcher.submit(call);
  }

  /** Labels of the calls in flight, in the order they were sent. */
  get flying(): string[] {
    return this.inFlight.map((pending) => pending.label);
  }

  /** Answers the call in flight with this label (the first if several), then lets the dispatcher react. */
  async answer(label: string): Promise<void> {
    const pending = this.inFlight.find((p) => p.label === label);
    if (pending === undefined) throw new Error(`${label} is not in flight (in flight: ${this.flying.join(', ')})`);
    pending.answer();
    await flush();
  }

  async failWith(label: string, error: Error): Promise<void> {
    const pending = this.inFlight.find((p) => p.label === label);
    if (pending === undefined) throw new Error(`${label} is not in flight`);
    pending.fail(error);
    await flush();
  }

  private remove(pending: Pending): void {
    const index = this.inFlight.indexOf(pending);
    if (index >= 0) this.inFlight.splice(index, 1);
  }
}

function task(id: string): TaskInfo {
  return {
    name: id,
    task_id: { value: id },
    agent_id: { value: `agent-of-${id}` },
    resources: [],
    command: { shell: true, value: 'true' },
  };
}

const launchCall = (offer: string, taskId: string): Call => calls.accept([{ value: offer }], [calls.launch([task(taskId)])]);
const killCall = (taskId: string): Call => calls.kill({ value: taskId }, { value: `agent-of-${taskId}` });
const ackCall = (taskId: string, uuid: string): Call => calls.acknowledge({ value: `agent-of-${taskId}` }, { value: taskId }, uuid);
const declineCall = (offer: string): Call => calls.decline([{ value: offer }], 120);

/** `ACCEPT(t1)`, `KILL(t1)`, `ACK(t1:u)`, `DECLINE(o2)`, `RECONCILE(t1,t2)`, `REVIVE`... */
function labelOf(call: Call): string {
  switch (call.type) {
    case 'ACCEPT':
      return `ACCEPT(${(call.accept?.operations ?? []).flatMap((op) => op.launch?.task_infos ?? []).map((t) => t.task_id.value)})`;
    case 'KILL':
      return `KILL(${call.kill?.task_id.value ?? ''})`;
    case 'ACKNOWLEDGE':
      return `ACK(${call.acknowledge?.task_id.value ?? ''}:${call.acknowledge?.uuid ?? ''})`;
    case 'DECLINE':
      return `DECLINE(${(call.decline?.offer_ids ?? []).map((o) => o.value)})`;
    case 'RECONCILE':
      return `RECONCILE(${(call.reconcile?.tasks ?? []).map((t) => t.task_id.value)})`;
    default:
      return call.type;
  }
}

describe('orderClaims', () => {
  it('claims the keys whose order matters, and nothing else', () => {
    expect(orderClaims(launchCall('o1', 't1'))).toEqual([
      { key: 'framework', exclusive: false },
      { key: 'offers', exclusive: false },
      { key: 'task:t1', exclusive: true },
    ]);
    expect(orderClaims(declineCall('o1'))).toEqual([
      { key: 'framework', exclusive: false },
      { key: 'offers', exclusive: false },
    ]);
    expect(orderClaims(calls.revive(['r']))).toContainEqual({ key: 'offers', exclusive: true });
    expect(orderClaims(calls.suppress(['r']))).toContainEqual({ key: 'offers', exclusive: true });
    expect(orderClaims(killCall('t1'))).toContainEqual({ key: 'task:t1', exclusive: true });
    expect(orderClaims(ackCall('t1', 'u'))).toEqual([
      { key: 'framework', exclusive: false },
      { key: 'ack:t1', exclusive: true },
    ]);
    expect(orderClaims(calls.teardown())).toEqual([{ key: 'framework', exclusive: true }]);
  });

  it('claims a task named twice in one RECONCILE once', () => {
    const call = calls.reconcile([{ task_id: { value: 't1' } }, { task_id: { value: 't1' } }]);
    expect(orderClaims(call)).toEqual([
      { key: 'framework', exclusive: false },
      { key: 'reconcile', exclusive: true },
      { key: 'task:t1', exclusive: false },
    ]);
  });
});

describe('CallDispatcher', () => {
  it('sends independent calls at once: the ACCEPTs of one OFFERS event go out side by side', async () => {
    const t = new FakeTransport();
    t.submit(launchCall('o1', 't1'), launchCall('o2', 't2'), launchCall('o3', 't3'), declineCall('o4'));
    expect(t.flying).toEqual(['ACCEPT(t1)', 'ACCEPT(t2)', 'ACCEPT(t3)', 'DECLINE(o4)']);
  });

  it('keeps at most the window in flight, and sends the next as soon as one is answered', async () => {
    const t = new FakeTransport({ window: 3 });
    t.submit(...[1, 2, 3, 4, 5].map((n) => launchCall(`o${n}`, `t${n}`)));
    expect(t.flying).toEqual(['ACCEPT(t1)', 'ACCEPT(t2)', 'ACCEPT(t3)']);
    await t.answer('ACCEPT(t2)');
    expect(t.flying).toEqual(['ACCEPT(t1)', 'ACCEPT(t3)', 'ACCEPT(t4)']);
    await t.answer('ACCEPT(t1)');
    await t.answer('ACCEPT(t3)');
    await t.answer('ACCEPT(t4)');
    await t.answer('ACCEPT(t5)');
    expect(t.sent).toEqual(['ACCEPT(t1)', 'ACCEPT(t2)', 'ACCEPT(t3)', 'ACCEPT(t4)', 'ACCEPT(t5)']);
    expect(t.peak).toBe(3);
  });

  it('has a lane for ACKNOWLEDGEs: they never wait behind ACCEPTs, and have their own window', async () => {
    const t = new FakeTransport({ window: 2, ackWindow: 2 });
    t.submit(launchCall('o1', 't1'), launchCall('o2', 't2'), launchCall('o3', 't3'));
    t.submit(ackCall('a', 'u1'), ackCall('b', 'u1'), ackCall('c', 'u1'));
    expect(t.flying).toEqual(['ACCEPT(t1)', 'ACCEPT(t2)', 'ACK(a:u1)', 'ACK(b:u1)']);
    await t.answer('ACK(a:u1)');
    expect(t.flying).toEqual(['ACCEPT(t1)', 'ACCEPT(t2)', 'ACK(b:u1)', 'ACK(c:u1)']);
    // An ACKNOWLEDGE of a task whose ACCEPT is still unanswered does not wait for it either.
    t.submit(ackCall('t1', 'u2'));
    await t.answer('ACK(b:u1)');
    expect(t.flying).toContain('ACK(t1:u2)');
    expect(t.flying).toContain('ACCEPT(t1)');
  });

  it("keeps one task's acknowledgements in order", async () => {
    const t = new FakeTransport();
    t.submit(ackCall('t1', 'u1'), ackCall('t1', 'u2'), ackCall('t2', 'u1'));
    expect(t.flying).toEqual(['ACK(t1:u1)', 'ACK(t2:u1)']);
    await t.answer('ACK(t1:u1)');
    expect(t.flying).toEqual(['ACK(t2:u1)', 'ACK(t1:u2)']);
  });

  it("sends a KILL only once its task's ACCEPT was answered; other tasks' calls do not wait", async () => {
    const t = new FakeTransport();
    t.submit(launchCall('o1', 't1'), killCall('t1'), killCall('t9'), launchCall('o2', 't2'));
    expect(t.flying).toEqual(['ACCEPT(t1)', 'KILL(t9)', 'ACCEPT(t2)']);
    await t.answer('ACCEPT(t2)');
    expect(t.sent).not.toContain('KILL(t1)');
    await t.answer('ACCEPT(t1)');
    expect(t.flying).toEqual(['KILL(t9)', 'KILL(t1)']);
  });

  it('a call is done only when answered: a failed one lets what waited for it go, and is reported', async () => {
    const t = new FakeTransport();
    t.submit(launchCall('o1', 't1'), killCall('t1'));
    await t.failWith('ACCEPT(t1)', new Error('Mesos rejected ACCEPT (400)'));
    expect(t.failures).toEqual(['ACCEPT(t1): Mesos rejected ACCEPT (400)']);
    expect(t.flying).toEqual(['KILL(t1)']);
  });

  it('keeps SUPPRESS and REVIVE in order, after the DECLINEs before them and before those after', async () => {
    const t = new FakeTransport();
    t.submit(declineCall('o1'), declineCall('o2'), calls.revive(['r']), declineCall('o3'), calls.suppress(['r']), launchCall('o4', 't4'));
    expect(t.flying).toEqual(['DECLINE(o1)', 'DECLINE(o2)']);
    await t.answer('DECLINE(o2)');
    expect(t.flying).toEqual(['DECLINE(o1)']);
    await t.answer('DECLINE(o1)');
    expect(t.flying).toEqual(['REVIVE']);
    await t.answer('REVIVE');
    expect(t.flying).toEqual(['DECLINE(o3)']);
    await t.answer('DECLINE(o3)');
    expect(t.flying).toEqual(['SUPPRESS']);
    await t.answer('SUPPRESS');
    expect(t.flying).toEqual(['ACCEPT(t4)']);
  });

  it('keeps RECONCILEs in order, and reconciles a task only after its launch was answered', async () => {
    const t = new FakeTransport();
    const marker = calls.reconcile([{ task_id: { value: 'marker' } }]);
    const explicit = calls.reconcile([{ task_id: { value: 't1' } }]);
    t.submit(launchCall('o1', 't1'), calls.reconcile([]), marker, explicit, ackCall('t5', 'u'));
    expect(t.flying).toEqual(['ACCEPT(t1)', 'RECONCILE()', 'ACK(t5:u)']);
    await t.answer('RECONCILE()');
    expect(t.flying).toEqual(['ACCEPT(t1)', 'ACK(t5:u)', 'RECONCILE(marker)']);
    await t.answer('RECONCILE(marker)');
    expect(t.flying).toEqual(['ACCEPT(t1)', 'ACK(t5:u)']);
    await t.answer('ACCEPT(t1)');
    expect(t.flying).toEqual(['ACK(t5:u)', 'RECONCILE(t1)']);
  });

  it('sends TEARDOWN after everything before it, and nothing after it until it was answered', async () => {
    const t = new FakeTransport();
    t.submit(launchCall('o1', 't1'), ackCall('t2', 'u'), calls.teardown(), declineCall('o3'), ackCall('t3', 'u'));
    expect(t.flying).toEqual(['ACCEPT(t1)', 'ACK(t2:u)']);
    await t.answer('ACCEPT(t1)');
    await t.answer('ACK(t2:u)');
    expect(t.flying).toEqual(['TEARDOWN']);
    await t.answer('TEARDOWN');
    expect(t.flying).toEqual(['DECLINE(o3)', 'ACK(t3:u)']);
  });

  it('close() drops what is queued, aborts what is in flight without reporting it, and resolves once nothing is', async () => {
    const t = new FakeTransport({ window: 1 });
    t.submit(launchCall('o1', 't1'), launchCall('o2', 't2'), ackCall('t3', 'u'));
    expect(t.flying).toEqual(['ACCEPT(t1)', 'ACK(t3:u)']);
    const signals = t.inFlight.map((pending) => pending.signal);
    await t.dispatcher.close();
    expect(signals.every((signal) => signal.aborted)).toBe(true);
    expect(t.flying).toEqual([]);
    expect(t.failures).toEqual([]);
    t.submit(declineCall('o9'));
    await flush();
    expect(t.sent).toEqual(['ACCEPT(t1)', 'ACK(t3:u)']);
  });

  it('a full window listening to the abort signal is no leak warning', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      const t = new FakeTransport();
      // Each call in flight listens a few times (the transport's request, a retry pause...).
      for (let n = 0; n < 30; n += 1) t.submit(launchCall(`o${n}`, `t${n}`), ackCall(`t${n}`, 'u'));
      for (const pending of t.inFlight) for (let i = 0; i < 3; i += 1) pending.signal.addEventListener('abort', () => undefined);
      await flush();
      expect(t.inFlight).toHaveLength(24);
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('close() waits for a call that ignores the abort until it settles', async () => {
    let answer: () => void = () => undefined;
    const dispatcher = new CallDispatcher({
      send: () => new Promise<void>((resolve) => (answer = resolve)),
      onFailure: () => undefined,
    });
    dispatcher.submit(calls.revive(['r']));
    let closed = false;
    const closing = dispatcher.close().then(() => (closed = true));
    await flush();
    expect(closed).toBe(false);
    answer();
    await closing;
    expect(closed).toBe(true);
  });
});
