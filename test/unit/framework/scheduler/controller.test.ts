import { afterEach, describe, expect, it } from 'vitest';
import {
  FrameworkTakenOverError,
  runController,
  type ControllerReport,
  type EventStream,
} from '../../../../src/framework/scheduler/controller.js';
import { abortReason, type Clock } from '../../../../src/shared/clock.js';
import { buildFrameworkInfo } from '../../../../src/framework/scheduler/framework-info.js';
import { emptyLedger, memoryLedgerStore, type Ledger, type LedgerStore } from '../../../../src/state/ledger.js';
import type { SchedulerState } from '../../../../src/framework/scheduler/state-machine.js';
import type { Call, Event } from '../../../../src/mesos/protocol/types.js';
import { CredentialsError, OperationError, UnreachableError } from '../../../../src/shared/errors.js';
import { makeConfig, offer, offersEvent, subscribedEvent, update } from './fixtures.js';

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

class FakeClock implements Clock {
  time = 0;
  private sleepers: Array<{ at: number; resolve: () => void }> = [];

  now(): number {
    return this.time;
  }

  /** Rejects on abort, as the Clock contract says (and systemClock does). */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted === true) return reject(abortReason(signal));
      const sleeper = { at: this.time + ms, resolve };
      this.sleepers.push(sleeper);
      signal?.addEventListener(
        'abort',
        () => {
          this.sleepers = this.sleepers.filter((s) => s !== sleeper);
          reject(abortReason(signal));
        },
        { once: true },
      );
    });
  }

  /** Moves time forward, waking sleepers in order and letting the loop run after each. */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    await flush();
    for (;;) {
      const due = this.sleepers.filter((s) => s.at <= target).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      this.sleepers = this.sleepers.filter((s) => s !== due);
      this.time = due.at;
      due.resolve();
      await flush();
    }
    this.time = target;
    await flush();
  }
}

/** An event stream the test pushes into. */
class FakeStream implements EventStream {
  closed = false;
  private queue: Array<IteratorResult<Event> | Error> = [];
  private waiter: ((value: IteratorResult<Event> | Error) => void) | undefined;

  push(event: Event): void {
    this.deliver({ value: event, done: false });
  }
  end(): void {
    this.deliver({ value: undefined, done: true });
  }
  fail(error: Error): void {
    this.deliver(error);
  }
  close(): void {
    this.closed = true;
    this.end();
  }
  private deliver(item: IteratorResult<Event> | Error): void {
    if (this.waiter !== undefined) {
      const waiter = this.waiter;
      this.waiter = undefined;
      waiter(item);
    } else this.queue.push(item);
  }
  [Symbol.asyncIterator](): AsyncIterator<Event> {
    return {
      next: async () => {
        const item = this.queue.shift() ?? (await new Promise<IteratorResult<Event> | Error>((resolve) => (this.waiter = resolve)));
        if (item instanceof Error) throw item;
        return item;
      },
    };
  }
}

interface Rig {
  clock: FakeClock;
  streams: FakeStream[];
  subscribes: Call[];
  sent: Call[];
  reports: ControllerReport[];
  log: string[];
  controller: AbortController;
  done: Promise<SchedulerState>;
  store: LedgerStore & { saved: Ledger[] };
}

const rigs: Rig[] = [];
afterEach(async () => {
  for (const rig of rigs.splice(0)) {
    rig.controller.abort();
    await rig.done.catch(() => undefined);
  }
});

function start(
  options: {
    ledger?: Ledger;
    subscribe?: (call: Call, attempt: number) => Promise<EventStream> | undefined;
    store?: LedgerStore & { saved: Ledger[] };
    random?: () => number;
    newFramework?: boolean;
    maxWorkers?: number;
    /** Runs before a call is recorded; throwing makes the call fail. */
    call?: (call: Call) => void;
  } = {},
): Rig {
  const clock = new FakeClock();
  const rig: Rig = {
    clock,
    streams: [],
    subscribes: [],
    sent: [],
    reports: [],
    log: [],
    controller: new AbortController(),
    done: Promise.resolve({} as SchedulerState),
    store: options.store ?? memoryLedgerStore(options.ledger),
  };
  const store = rig.store;
  const loggingStore: LedgerStore = {
    load: () => store.load(),
    save: async (ledger) => {
      rig.log.push(`persist:${ledger.tasks.length}`);
      await store.save(ledger);
    },
  };
  let ids = 0;
  rig.done = runController({
    config: makeConfig({ maxWorkers: options.maxWorkers ?? 1 }),
    store: loggingStore,
    frameworkInfo: (ledger) =>
      buildFrameworkInfo({ user: 'alice', role: 'alluxio', ...(ledger.webuiUrl === undefined ? {} : { webuiUrl: ledger.webuiUrl }) }),
    subscribe: async (call) => {
      rig.subscribes.push(call);
      const custom = options.subscribe?.(call, rig.subscribes.length);
      if (custom !== undefined) return custom;
      const stream = new FakeStream();
      rig.streams.push(stream);
      return stream;
    },
    call: async (call) => {
      options.call?.(call);
      rig.sent.push(call);
      rig.log.push(`call:${call.type}`);
    },
    clock,
    random: options.random ?? (() => 1),
    newId: () => `id${++ids}`,
    onReport: (report) => rig.reports.push(report),
    signal: rig.controller.signal,
    newFramework: options.newFramework ?? false,
  });
  rigs.push(rig);
  return rig;
}

function lastStream(rig: Rig): FakeStream {
  const stream = rig.streams[rig.streams.length - 1];
  if (stream === undefined) throw new Error('not subscribed');
  return stream;
}

describe('runController', () => {
  it('subscribes, stamps the framework id on calls, and persists the ledger before ACCEPT', async () => {
    const rig = start();
    await rig.clock.advance(0);
    expect(rig.subscribes).toHaveLength(1);
    expect(rig.subscribes[0]?.framework_id).toBeUndefined();
    const stream = lastStream(rig);
    stream.push(subscribedEvent('fw-7'));
    stream.push(offersEvent(offer('a1')));
    await rig.clock.advance(0);
    const accept = rig.sent.find((c) => c.type === 'ACCEPT');
    expect(accept?.framework_id).toEqual({ value: 'fw-7' });
    expect(rig.log.indexOf('persist:1')).toBeLessThan(rig.log.indexOf('call:ACCEPT'));
    expect(rig.log.indexOf('persist:1')).toBeGreaterThanOrEqual(0);
    const saved = await rig.store.load();
    expect(saved?.frameworkId).toBe('fw-7');
    expect(saved?.tasks.map((t) => t.alias)).toEqual(['master-1']);
  });

  it('does not send the ACCEPT when the ledger cannot be written', async () => {
    const failing = memoryLedgerStore();
    const save = failing.save.bind(failing);
    failing.save = async (ledger) => {
      // The framework id goes through; the first launch cannot be recorded.
      if (ledger.tasks.length > 0) throw new OperationError('disk full');
      await save(ledger);
    };
    const rig = start({ store: failing });
    await rig.clock.advance(0);
    lastStream(rig).push(subscribedEvent());
    lastStream(rig).push(offersEvent(offer('a1')));
    await expect(rig.done).rejects.toThrow('disk full');
    expect(rig.log).toContain('persist:1');
    expect(rig.sent.map((c) => c.type)).not.toContain('ACCEPT');
    // The framework id is on disk: nothing to tear down.
    expect(rig.sent.map((c) => c.type)).not.toContain('TEARDOWN');
    expect(rig.streams[0]?.closed).toBe(true);
  });

  it('tears down a framework Mesos registered when its id cannot be recorded, then fails with the write error', async () => {
    const failing = memoryLedgerStore();
    failing.save = async () => {
      throw new OperationError('cannot write /gone/conf/alluxio-mesos-ledger.json: ENOENT', {
        hint: 'check that the directory exists and is writable; the previous file was left as it was',
      });
    };
    const rig = start({ store: failing });
    const outcome = rig.done.then(
      () => undefined,
      (error: unknown) => error,
    );
    await rig.clock.advance(0);
    lastStream(rig).push(subscribedEvent('fw-new'));
    lastStream(rig).push(offersEvent(offer('a1')));
    await rig.clock.advance(0);
    const error = (await outcome) as OperationError;
    expect(error).toBeInstanceOf(Error);
    expect(error.exitCode).toBe(1);
    expect(error.message).toBe(
      'cannot write /gone/conf/alluxio-mesos-ledger.json: ENOENT; ' +
        'the framework fw-new Mesos had just registered was torn down (its id could not be recorded)',
    );
    expect(error.hint).toMatch(/^check that the directory exists and is writable.*run deploy again/);
    expect(rig.sent).toEqual([{ type: 'TEARDOWN', framework_id: { value: 'fw-new' } }]);
    expect(rig.streams[0]?.closed).toBe(true);
    expect(rig.reports.map((r) => r.type)).not.toContain('subscribed');
  });

  it('says how to remove the unrecorded framework when the TEARDOWN fails too', async () => {
    const failing = memoryLedgerStore();
    failing.save = async () => {
      throw new Error('EIO');
    };
    const rig = start({
      store: failing,
      call: (call) => {
        if (call.type === 'TEARDOWN') throw new UnreachableError('connection reset', '127.0.0.1:5050');
      },
    });
    const outcome = rig.done.then(
      () => undefined,
      (error: unknown) => error,
    );
    await rig.clock.advance(0);
    lastStream(rig).push(subscribedEvent('fw-new'));
    await rig.clock.advance(0);
    const error = (await outcome) as OperationError;
    expect(error.message).toBe(
      'EIO; the framework fw-new Mesos had just registered is recorded nowhere, and tearing it down failed: connection reset',
    );
    expect(error.hint).toContain('alluxio-mesos teardown --framework-id fw-new');
  });

  it('resubscribes after an ERROR event, with the framework id in both places', async () => {
    const rig = start();
    await rig.clock.advance(0);
    lastStream(rig).push(subscribedEvent('fw-1'));
    await rig.clock.advance(0);
    lastStream(rig).push({ type: 'ERROR', error: { message: 'Master is shutting down' } });
    await rig.clock.advance(0);
    expect(rig.streams[0]?.closed).toBe(true);
    expect(rig.reports).toContainEqual({ type: 'disconnected', reason: 'Master is shutting down', retryInMs: 1000 });
    expect(rig.subscribes).toHaveLength(1);
    await rig.clock.advance(1000);
    expect(rig.subscribes).toHaveLength(2);
    expect(rig.subscribes[1]?.framework_id).toEqual({ value: 'fw-1' });
    expect(rig.subscribes[1]?.subscribe?.framework_info.id).toEqual({ value: 'fw-1' });
  });

  it('stops with a clear error, never resubscribing, when another scheduler took the framework over', async () => {
    const rig = start();
    await rig.clock.advance(0);
    lastStream(rig).push(subscribedEvent('fw-1'));
    await rig.clock.advance(0);
    const savesBefore = rig.store.saved.length;
    lastStream(rig).push({ type: 'ERROR', error: { message: 'Framework failed over' } });
    await expect(rig.done).rejects.toThrow('another scheduler took over framework fw-1 (Mesos: Framework failed over); this one stopped');
    await expect(rig.done).rejects.toBeInstanceOf(OperationError);
    expect(rig.streams[0]?.closed).toBe(true);
    // The successor owns the ledger now: nothing more is written.
    expect(rig.store.saved).toHaveLength(savesBefore);
    await rig.clock.advance(60_000);
    expect(rig.subscribes).toHaveLength(1);
    expect(rig.reports.map((r) => r.type)).not.toContain('disconnected');
  });

  it('stops the same way when a call is refused because another subscription holds the framework', async () => {
    let refuse = false;
    const rig = start({
      call: (call) => {
        if (refuse && call.type === 'RECONCILE') {
          throw new FrameworkTakenOverError(
            "Mesos rejected RECONCILE (400): The stream ID 's1' included in this request didn't match the stream ID currently associated with framework ID fw-1",
          );
        }
      },
    });
    await rig.clock.advance(0);
    lastStream(rig).push(subscribedEvent('fw-1'));
    await rig.clock.advance(0);
    refuse = true;
    const outcome = rig.done.then(
      () => undefined,
      (error: unknown) => error,
    );
    // The periodic implicit reconciliation is the next call.
    for (let t = 0; t < 600; t += 15) {
      await rig.clock.advance(15_000);
      lastStream(rig).push({ type: 'HEARTBEAT' });
    }
    await rig.clock.advance(1000);
    expect(await outcome).toBeInstanceOf(OperationError);
    expect(((await outcome) as Error).message).toMatch(
      /another scheduler took over framework fw-1 \(Mesos: .*didn't match.*\); this one stopped/,
    );
    await rig.clock.advance(60_000);
    expect(rig.subscribes).toHaveLength(1);
  });

  it('reconnects after 5 missed heartbeats, not before', async () => {
    const rig = start();
    await rig.clock.advance(0);
    lastStream(rig).push(subscribedEvent('fw-1', 15));
    await rig.clock.advance(0);
    for (let i = 0; i < 6; i += 1) {
      await rig.clock.advance(15_000);
      lastStream(rig).push({ type: 'HEARTBEAT' });
    }
    expect(rig.subscribes).toHaveLength(1);
    await rig.clock.advance(75_000);
    expect(rig.subscribes).toHaveLength(1);
    await rig.clock.advance(2000);
    expect(rig.reports).toContainEqual(expect.objectContaining({ type: 'disconnected', reason: 'no event for 5 heartbeat intervals' }));
    await rig.clock.advance(1000);
    expect(rig.subscribes).toHaveLength(2);
  });

  it('backs off exponentially with jitter, capped at 15 s, while subscribing fails', async () => {
    const rig = start({
      random: () => 0.5,
      subscribe: (_call, attempt) => (attempt <= 6 ? Promise.reject(new UnreachableError('refused', '127.0.0.1:5050')) : undefined),
    });
    await rig.clock.advance(60_000);
    const delays = rig.reports.flatMap((r) => (r.type === 'disconnected' ? [r.retryInMs] : []));
    expect(delays).toEqual([750, 1500, 3000, 6000, 11_250, 11_250]);
    expect(rig.subscribes).toHaveLength(7);
  });

  it('stops on credentials errors instead of retrying', async () => {
    const rig = start({ subscribe: () => Promise.reject(new CredentialsError('401')) });
    await expect(rig.done).rejects.toBeInstanceOf(CredentialsError);
  });

  it('resubscribes when the stream ends or fails', async () => {
    const rig = start();
    await rig.clock.advance(0);
    lastStream(rig).end();
    await rig.clock.advance(1000);
    expect(rig.subscribes).toHaveLength(2);
    lastStream(rig).fail(new Error('socket hang up'));
    await rig.clock.advance(0);
    expect(rig.reports).toContainEqual(expect.objectContaining({ type: 'disconnected', reason: 'event stream failed: socket hang up' }));
    await rig.clock.advance(3000);
    expect(rig.subscribes).toHaveLength(3);
    // Neither session got SUBSCRIBED: the delay grows.
    expect(rig.reports.flatMap((r) => (r.type === 'disconnected' ? [r.retryInMs] : []))).toEqual([1000, 2000]);
  });

  it('starts the backoff over after a session that got SUBSCRIBED', async () => {
    const rig = start();
    for (let i = 0; i < 3; i += 1) {
      await rig.clock.advance(1000);
      lastStream(rig).push(subscribedEvent());
      lastStream(rig).push({ type: 'ERROR', error: { message: `error ${i}` } });
    }
    await rig.clock.advance(0);
    expect(rig.reports.flatMap((r) => (r.type === 'disconnected' ? [r.retryInMs] : []))).toEqual([1000, 1000, 1000]);
  });

  it('on abort, disconnects without tearing the framework down', async () => {
    const rig = start();
    await rig.clock.advance(0);
    lastStream(rig).push(subscribedEvent());
    await rig.clock.advance(0);
    rig.controller.abort();
    await rig.done;
    expect(rig.streams[0]?.closed).toBe(true);
    expect(rig.sent.map((c) => c.type)).not.toContain('TEARDOWN');
  });

  it('after a restart, resubscribes with the ledger id and adopts running tasks', async () => {
    const ledger = emptyLedger();
    ledger.frameworkId = 'fw-old';
    ledger.webuiUrl = 'http://a1.example:19999';
    ledger.nextAlias = { master: 2, worker: 1 };
    ledger.tasks.push({
      alias: 'master-1',
      role: 'master',
      taskId: 'alluxio-master-1.x',
      agentId: 'a1',
      hostname: 'a1.example',
      ports: [19998, 19999],
      state: 'TASK_RUNNING',
      healthy: true,
      launchedAt: 0,
      relaunchCount: 0,
      failures: [],
      lastFailure: undefined,
      killRequested: undefined,
      relaunchAt: undefined,
      crashLooped: false,
    });
    const rig = start({ ledger, maxWorkers: 0 });
    await rig.clock.advance(0);
    expect(rig.subscribes[0]?.framework_id).toEqual({ value: 'fw-old' });
    expect(rig.subscribes[0]?.subscribe?.framework_info).toMatchObject({ id: { value: 'fw-old' }, webui_url: 'http://a1.example:19999' });
    lastStream(rig).push(subscribedEvent('fw-old'));
    lastStream(rig).push(update('alluxio-master-1.x', 'a1', 'TASK_RUNNING', { uuid: undefined, healthy: true }));
    lastStream(rig).push(offersEvent(offer('a2')));
    await rig.clock.advance(0);
    // The ledger's task, every task (implicit) and the marker that closes the implicit answers, in
    // that order; the SUPPRESS and the DECLINE need not wait for them.
    expect(rig.sent.map((c) => c.type).sort()).toEqual(['DECLINE', 'RECONCILE', 'RECONCILE', 'RECONCILE', 'SUPPRESS']);
    const reconciles = rig.sent.filter((c) => c.type === 'RECONCILE');
    expect(reconciles.map((c) => c.reconcile?.tasks?.map((t) => t.task_id.value))).toEqual([
      ['alluxio-master-1.x'],
      [],
      [expect.stringMatching(/^alluxio-reconciliation\./)],
    ]);
    expect(rig.reports).toContainEqual({ type: 'reconciled', tasks: 1 });
  });

  it('refuses to register a new framework while the ledger shows live tasks', async () => {
    const ledger = emptyLedger();
    ledger.tasks.push({
      alias: 'worker-1',
      role: 'worker',
      taskId: 'alluxio-worker-1.x',
      agentId: 'a1',
      hostname: 'a1',
      ports: [],
      state: 'TASK_RUNNING',
      healthy: undefined,
      launchedAt: 0,
      relaunchCount: 0,
      failures: [],
      lastFailure: undefined,
      killRequested: undefined,
      relaunchAt: undefined,
      crashLooped: false,
    });
    const refused = start({ ledger });
    await expect(refused.done).rejects.toThrow(/refusing to register a new Mesos framework/);
    expect(refused.subscribes).toEqual([]);

    const forced = start({ ledger, newFramework: true });
    await forced.clock.advance(0);
    expect(forced.subscribes).toHaveLength(1);
    expect(forced.subscribes[0]?.framework_id).toBeUndefined();
    expect(forced.reports).toContainEqual({ type: 'abandoned', aliases: ['worker-1'] });
  });

  it('refuses when Mesos says the framework was removed and tasks may still run', async () => {
    const ledger = emptyLedger();
    ledger.frameworkId = 'fw-gone';
    ledger.tasks.push({
      alias: 'master-1',
      role: 'master',
      taskId: 'alluxio-master-1.x',
      agentId: 'a1',
      hostname: 'a1',
      ports: [],
      state: 'TASK_RUNNING',
      healthy: undefined,
      launchedAt: 0,
      relaunchCount: 0,
      failures: [],
      lastFailure: undefined,
      killRequested: undefined,
      relaunchAt: undefined,
      crashLooped: false,
    });
    const rig = start({ ledger });
    await rig.clock.advance(0);
    lastStream(rig).push({ type: 'ERROR', error: { message: 'Framework has been removed' } });
    await expect(rig.done).rejects.toThrow(/--new-framework|refusing/);
  });

  it('drives the reducer timers with ticks (implicit reconciliation every 10 minutes)', async () => {
    const rig = start();
    await rig.clock.advance(0);
    lastStream(rig).push(subscribedEvent());
    for (let t = 0; t < 600; t += 15) {
      await rig.clock.advance(15_000);
      lastStream(rig).push({ type: 'HEARTBEAT' });
    }
    await rig.clock.advance(1000);
    expect(rig.sent).toContainEqual({ framework_id: { value: 'fw-1' }, type: 'RECONCILE', reconcile: { tasks: [] } });
    expect(rig.subscribes).toHaveLength(1);
  });

  it('registers anew when Mesos removed the framework and nothing may still run', async () => {
    const ledger = emptyLedger();
    ledger.frameworkId = 'fw-gone';
    const rig = start({ ledger });
    await rig.clock.advance(0);
    lastStream(rig).push({ type: 'ERROR', error: { message: 'Framework has been removed' } });
    await rig.clock.advance(1000);
    expect(rig.subscribes).toHaveLength(2);
    expect(rig.subscribes[1]?.framework_id).toBeUndefined();
    lastStream(rig).push(subscribedEvent('fw-new'));
    await rig.clock.advance(0);
    expect((await rig.store.load())?.frameworkId).toBe('fw-new');
  });

  it('reconnects when a call fails for a connection reason, skipping the calls after it', async () => {
    const rig = start({ maxWorkers: 2 });
    await rig.clock.advance(0);
    const failing = new Set(['DECLINE']);
    const original = rig.sent.push.bind(rig.sent);
    rig.sent.push = (...calls: Call[]) => {
      if (calls.some((c) => failing.has(c.type))) throw new UnreachableError('connection reset', '127.0.0.1:5050');
      return original(...calls);
    };
    lastStream(rig).push(subscribedEvent());
    lastStream(rig).push(offersEvent(offer('a1'), offer('a2')));
    await rig.clock.advance(0);
    expect(rig.reports).toContainEqual({ type: 'call-failed', call: 'DECLINE', message: 'connection reset' });
    expect(rig.reports).toContainEqual(expect.objectContaining({ type: 'task-launched', alias: 'master-1' }));
    expect(rig.reports).toContainEqual(expect.objectContaining({ type: 'disconnected', reason: 'DECLINE failed: connection reset' }));
    await rig.clock.advance(1000);
    expect(rig.subscribes).toHaveLength(2);
  });

  it('acknowledges status updates through the transport', async () => {
    const rig = start();
    await rig.clock.advance(0);
    lastStream(rig).push(subscribedEvent());
    lastStream(rig).push(update('alluxio-master-9.z', 'a1', 'TASK_FAILED', { uuid: 'YWJj' }));
    await rig.clock.advance(0);
    expect(rig.sent).toContainEqual({
      framework_id: { value: 'fw-1' },
      type: 'ACKNOWLEDGE',
      acknowledge: { agent_id: { value: 'a1' }, task_id: { value: 'alluxio-master-9.z' }, uuid: 'YWJj' },
    });
  });
});
