/**
 * The controller no longer waits for calls between events, and saves the ledger once for a burst
 * of steps; what it keeps is the write-ahead rule. A fake transport and a fake store hold every
 * answer and every save until the test gives it; a clock that never fires (no tick is needed).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runController, type ControllerReport, type EventStream } from '../../../../src/framework/scheduler/controller.js';
import { buildFrameworkInfo } from '../../../../src/framework/scheduler/framework-info.js';
import type { SchedulerState } from '../../../../src/framework/scheduler/state-machine.js';
import type { Call, Event } from '../../../../src/mesos/protocol/types.js';
import { abortReason, type Clock } from '../../../../src/shared/clock.js';
import { UnreachableError } from '../../../../src/shared/errors.js';
import { type Ledger, type LedgerStore } from '../../../../src/state/ledger.js';
import { makeConfig, offer, offersEvent, subscribedEvent, update } from './fixtures.js';

const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setImmediate(resolve));
};

/** Time stands still: no tick, no heartbeat check. */
const stillClock: Clock = {
  now: () => 0,
  sleep: (_ms, signal) =>
    new Promise((_resolve, reject) => {
      if (signal?.aborted === true) reject(abortReason(signal));
      signal?.addEventListener('abort', () => reject(abortReason(signal)), { once: true });
    }),
};

class PushStream implements EventStream {
  private queue: Event[] = [];
  private waiter: ((event: IteratorResult<Event>) => void) | undefined;
  closed = false;

  push(event: Event): void {
    if (this.waiter === undefined) this.queue.push(event);
    else {
      const waiter = this.waiter;
      this.waiter = undefined;
      waiter({ value: event, done: false });
    }
  }
  close(): void {
    this.closed = true;
    this.waiter?.({ value: undefined, done: true });
  }
  [Symbol.asyncIterator](): AsyncIterator<Event> {
    return {
      next: () => {
        const event = this.queue.shift();
        if (event !== undefined) return Promise.resolve({ value: event, done: false });
        if (this.closed) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (this.waiter = resolve));
      },
    };
  }
}

interface Held<T> {
  readonly item: T;
  readonly signal?: AbortSignal;
  release(): void;
  fail(error: Error): void;
}

function label(call: Call): string {
  if (call.type === 'ACCEPT') return `ACCEPT@${call.accept?.operations?.[0]?.launch?.task_infos[0]?.agent_id.value ?? ''}`;
  if (call.type === 'ACKNOWLEDGE') return `ACK:${call.acknowledge?.uuid ?? ''}`;
  return call.type;
}

interface Rig {
  stream: PushStream;
  /** Calls sent and not answered, in the order sent. */
  calls: Array<Held<Call>>;
  sent: string[];
  /** Saves started and not finished; `saved` counts every save started. */
  saves: Array<Held<string[]>>;
  saved: number;
  reports: ControllerReport[];
  abort: AbortController;
  done: Promise<SchedulerState>;
}

const rigs: Rig[] = [];
afterEach(async () => {
  for (const rig of rigs.splice(0)) {
    rig.abort.abort();
    for (const save of rig.saves.splice(0)) save.release();
    await rig.done.catch(() => undefined);
  }
});

/** `holdSaves`: saves wait for the test; otherwise they complete at once. */
function start(options: { holdSaves?: boolean; maxWorkers?: number } = {}): Rig {
  const rig: Rig = {
    stream: new PushStream(),
    calls: [],
    sent: [],
    saves: [],
    saved: 0,
    reports: [],
    abort: new AbortController(),
    done: Promise.resolve({} as SchedulerState),
  };
  let stored: Ledger | undefined;
  const store: LedgerStore = {
    load: () => Promise.resolve(stored),
    save: (ledger) => {
      // Serialized at once, as the real stores do: a save covers the steps taken before it began.
      const snapshot = JSON.parse(JSON.stringify(ledger)) as Ledger;
      rig.saved += 1;
      if (options.holdSaves !== true) {
        stored = snapshot;
        return Promise.resolve();
      }
      return new Promise<void>((resolve, reject) => {
        const held: Held<string[]> = {
          item: snapshot.tasks.map((task) => `${task.alias}:${task.state}`),
          release: () => {
            rig.saves.splice(rig.saves.indexOf(held), 1);
            stored = snapshot;
            resolve();
          },
          fail: (error) => {
            rig.saves.splice(rig.saves.indexOf(held), 1);
            reject(error);
          },
        };
        rig.saves.push(held);
      });
    },
  };
  let ids = 0;
  rig.done = runController({
    config: makeConfig({ maxWorkers: options.maxWorkers ?? 3 }),
    store,
    frameworkInfo: () => buildFrameworkInfo({ user: 'alice', role: 'alluxio' }),
    subscribe: () => Promise.resolve(rig.stream),
    call: (call, signal) =>
      new Promise<void>((resolve, reject) => {
        rig.sent.push(label(call));
        const held: Held<Call> = {
          item: call,
          ...(signal === undefined ? {} : { signal }),
          release: () => {
            rig.calls.splice(rig.calls.indexOf(held), 1);
            resolve();
          },
          fail: (error) => {
            rig.calls.splice(rig.calls.indexOf(held), 1);
            reject(error);
          },
        };
        rig.calls.push(held);
        signal?.addEventListener('abort', () => held.fail(new Error('aborted')), { once: true });
      }),
    clock: stillClock,
    random: () => 1,
    newId: () => `id${++ids}`,
    onReport: (report) => rig.reports.push(report),
    signal: rig.abort.signal,
  });
  rigs.push(rig);
  return rig;
}

const inFlight = (rig: Rig): string[] => rig.calls.map((held) => label(held.item));

async function answerAll(rig: Rig): Promise<void> {
  while (rig.calls.length > 0) {
    for (const held of [...rig.calls]) held.release();
    await flush();
  }
}

/** Subscribes and brings master-1 (on a1) to RUNNING and healthy, answering every call. */
async function readyMaster(rig: Rig): Promise<string> {
  rig.stream.push(subscribedEvent('fw-1'));
  rig.stream.push(offersEvent(offer('a1')));
  await flush();
  const accept = rig.calls.find((held) => held.item.type === 'ACCEPT')?.item;
  const taskId = accept?.accept?.operations?.[0]?.launch?.task_infos[0]?.task_id.value;
  if (taskId === undefined) throw new Error('the master was not launched');
  rig.stream.push(update(taskId, 'a1', 'TASK_RUNNING', { uuid: 'run', healthy: true }));
  await flush();
  await answerAll(rig);
  return taskId;
}

describe('controller: calls in flight', () => {
  it('takes events while a call waits for its answer: the ACKNOWLEDGE does not wait for the ACCEPT', async () => {
    const rig = start();
    rig.stream.push(subscribedEvent('fw-1'));
    rig.stream.push(offersEvent(offer('a1')));
    await flush();
    expect(inFlight(rig)).toEqual(['ACCEPT@a1']);
    const taskId = rig.calls[0]?.item.accept?.operations?.[0]?.launch?.task_infos[0]?.task_id.value ?? '';
    rig.stream.push(update(taskId, 'a1', 'TASK_STARTING', { uuid: 'u1' }));
    await flush();
    expect(inFlight(rig)).toEqual(['ACCEPT@a1', 'ACK:u1']);
    expect(rig.reports).toContainEqual(expect.objectContaining({ type: 'task-state', state: 'TASK_STARTING' }));
  });

  it('launches on every fitting offer of one OFFERS event at once, one ACCEPT per agent in flight together', async () => {
    const rig = start({ maxWorkers: 3 });
    await readyMaster(rig);
    rig.stream.push(offersEvent(offer('a2'), offer('a3'), offer('a4'), offer('a5')));
    await flush();
    expect(inFlight(rig)).toEqual(['ACCEPT@a2', 'ACCEPT@a3', 'ACCEPT@a4', 'DECLINE']);
    // SUPPRESS follows the answers to the offers (see orderClaims).
    await answerAll(rig);
    expect(rig.sent.slice(-1)).toEqual(['SUPPRESS']);
  });

  it('a call failing for a connection reason ends the session once: one report, the other calls aborted, nothing more sent', async () => {
    const rig = start({ maxWorkers: 3 });
    await readyMaster(rig);
    rig.stream.push(offersEvent(offer('a2'), offer('a3'), offer('a4')));
    await flush();
    const [first, ...others] = rig.calls;
    const signals = others.map((held) => held.signal);
    first?.fail(new UnreachableError('connection reset', 'http://127.0.0.1:5050'));
    await flush();
    expect(rig.reports.filter((r) => r.type === 'call-failed')).toEqual([
      { type: 'call-failed', call: 'ACCEPT', message: 'connection reset' },
    ]);
    expect(signals.every((signal) => signal?.aborted === true)).toBe(true);
    expect(rig.stream.closed).toBe(true);
    expect(rig.reports).toContainEqual(expect.objectContaining({ type: 'disconnected', reason: 'ACCEPT failed: connection reset' }));
    const sentBefore = rig.sent.length;
    rig.stream.push(update('alluxio-worker-1.x', 'a2', 'TASK_RUNNING', { uuid: 'late' }));
    await flush();
    expect(rig.sent).toHaveLength(sentBefore);
  });
});

describe('controller: the ledger is saved once per burst of steps, ahead of their calls', () => {
  it('sends an ACCEPT only once the save recording its task has completed', async () => {
    const rig = start({ holdSaves: true });
    rig.stream.push(subscribedEvent('fw-1'));
    await flush();
    // The framework id is saved before anything is reported.
    expect(rig.reports.map((r) => r.type)).not.toContain('subscribed');
    rig.saves[0]?.release();
    await flush();
    expect(rig.reports.map((r) => r.type)).toContain('subscribed');
    rig.stream.push(offersEvent(offer('a1')));
    await flush();
    expect(rig.saves.map((save) => save.item)).toEqual([['master-1:TASK_STAGING']]);
    expect(rig.sent).toEqual([]);
    rig.saves[0]?.release();
    await flush();
    expect(rig.sent).toEqual(['ACCEPT@a1']);
  });

  it('a burst of status updates costs two saves, and each ACKNOWLEDGE waits for the save covering its update', async () => {
    const rig = start({ holdSaves: true, maxWorkers: 0 });
    rig.stream.push(subscribedEvent('fw-1'));
    await flush();
    rig.saves[0]?.release();
    rig.stream.push(offersEvent(offer('a1')));
    await flush();
    rig.saves[0]?.release();
    await flush();
    await answerAll(rig);
    const taskId = rig.reports.flatMap((r) => (r.type === 'task-launched' ? [r.taskId] : []))[0] ?? '';
    const savedBefore = rig.saved;

    rig.stream.push(update(taskId, 'a1', 'TASK_STARTING', { uuid: 'u1' }));
    rig.stream.push(update(taskId, 'a1', 'TASK_RUNNING', { uuid: 'u2' }));
    rig.stream.push(update(taskId, 'a1', 'TASK_RUNNING', { uuid: 'u3', healthy: true }));
    await flush();
    // The first update's save runs; the two after it share the one queued behind it.
    expect(rig.saved - savedBefore).toBe(1);
    expect(rig.sent.filter((s) => s.startsWith('ACK'))).toEqual([]);
    rig.saves[0]?.release();
    await flush();
    expect(rig.sent.filter((s) => s.startsWith('ACK'))).toEqual(['ACK:u1']);
    expect(rig.saved - savedBefore).toBe(2);
    expect(rig.saves[0]?.item).toEqual(['master-1:TASK_RUNNING']);
    rig.saves[0]?.release();
    await flush();
    // One task's acknowledgements go one after the other.
    await answerAll(rig);
    expect(rig.sent.filter((s) => s.startsWith('ACK'))).toEqual(['ACK:u1', 'ACK:u2', 'ACK:u3']);
    expect(rig.saved - savedBefore).toBe(2);
  });

  it('after a failed save nothing more goes out, and the run ends with the write error', async () => {
    const rig = start({ holdSaves: true });
    rig.stream.push(subscribedEvent('fw-1'));
    await flush();
    rig.saves[0]?.release();
    rig.stream.push(offersEvent(offer('a1')));
    await flush();
    rig.stream.push(offersEvent(offer('a2')));
    await flush();
    rig.saves[0]?.fail(new Error('disk full'));
    await expect(rig.done).rejects.toThrow('disk full');
    expect(rig.sent).toEqual([]);
    expect(rig.stream.closed).toBe(true);
  });
});
