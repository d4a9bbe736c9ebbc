/**
 * The control loop: subscribe, feed every event and a periodic tick through the reducer, carry out
 * its actions (ledger first, then calls), and resubscribe with jittered backoff whenever the stream
 * ends, fails, sends ERROR or goes quiet for too many heartbeats. The clock, the transport and the
 * ledger store are injected, so tests drive it with fakes and no sockets.
 *
 * Events are not held up by calls: a step's calls go to the call dispatcher (concurrent, in the order
 * that matters, see call-dispatcher.ts) and the next event is taken at once. What is kept is the
 * write-ahead rule: a step's calls and reports are released only once a save of the ledger that
 * began after the step has completed, and steps are released in order. Saves are coalesced (one
 * save covers every step taken while the previous one was being written), so a burst of status
 * updates costs two saves, not one per update.
 *
 * Aborting the signal (Ctrl-C) just disconnects: the framework is not torn down, its tasks keep
 * running and a later `deploy` adopts them within the failover timeout.
 */
import { randomUUID } from 'node:crypto';
import * as calls from '../../mesos/protocol/calls.js';
import type { Call, Event, FrameworkInfo } from '../../mesos/protocol/types.js';
import { backoffDelay, type BackoffPolicy } from '../../shared/backoff.js';
import { systemClock, type Clock } from '../../shared/clock.js';
import { AlluxioMesosError, ExitCode, isAlluxioMesosError, OperationError } from '../../shared/errors.js';
import { refuseNewFramework, startLedger } from './adoption.js';
import { CallDispatcher } from './call-dispatcher.js';
import type { SchedulerConfig } from './config.js';
import type { Ledger, LedgerStore } from '../../state/ledger.js';
import type { DesiredState } from '../../state/desired-state.js';
import {
  createSchedulerState,
  learnFingerprints,
  step,
  type SchedulerAction,
  type SchedulerInput,
  type SchedulerReport,
  type SchedulerState,
} from './state-machine.js';

/** The events of one subscription; `close` drops the connection (the HTTP adapter aborts its request). */
export interface EventStream extends AsyncIterable<Event> {
  close?(): void;
}

/**
 * Resubscription delay after consecutive failures: from 1 s, capped at 15 s, with equal jitter so a
 * fleet of restarted schedulers does not reconnect in lockstep while the wait still grows.
 */
const RESUBSCRIBE_BACKOFF: BackoffPolicy = { initialMs: 1_000, maxMs: 15_000, jitter: 'equal' };

export type ControllerReport =
  | SchedulerReport
  | { type: 'connecting'; attempt: number }
  | { type: 'disconnected'; reason: string; retryInMs: number }
  | { type: 'call-failed'; call: Call['type']; message: string }
  | { type: 'abandoned'; aliases: string[] }
  /** A desired state handed over could not be read (it is read again at the next tick). */
  | { type: 'desired-unreadable'; message: string };

export interface ControllerOptions {
  readonly config: SchedulerConfig;
  readonly store: LedgerStore;
  /** FrameworkInfo without id (see buildFrameworkInfo); called per subscribe with the current ledger (webui_url). */
  readonly frameworkInfo: (ledger: Ledger) => FrameworkInfo;
  /**
   * Sends SUBSCRIBE and returns its event stream; rejects when the connection fails (retriable
   * AlluxioMesosErrors and plain errors are retried, other AlluxioMesosErrors end the run).
   * `signal` aborts on Ctrl-C.
   */
  readonly subscribe: (call: Call, signal: AbortSignal) => Promise<EventStream>;
  /**
   * Sends one call on the current connection (framework_id already stamped); resolves once the
   * master answered it. `signal` aborts it when the session ends. Called concurrently.
   */
  readonly call: (call: Call, signal?: AbortSignal) => Promise<void>;
  /** Defaults: the system clock, Math.random and random UUIDs. */
  readonly clock?: Clock;
  readonly random?: () => number;
  readonly newId?: () => string;
  readonly onReport: (report: ControllerReport) => void;
  readonly signal: AbortSignal;
  /** `--new-framework`: register a new framework even if the ledger shows live tasks. */
  readonly newFramework?: boolean;
  readonly tickMs?: number;
  /** Reconnect after this many heartbeat intervals without any event (default 5). */
  readonly missedHeartbeats?: number;
  /** What should run: taken before the first subscription (a change to the ledger's starts a rollout). */
  readonly desired?: DesiredState;
  /** `deploy --standby`: the ledger's desired state, when it has one, wins over `desired`. */
  readonly keepRecordedDesired?: boolean;
  /**
   * Reads a desired state another process handed over (`deploy` with a changed configuration,
   * `scale`, `restart`, `rollout undo`), polled every tick; one already applied is ignored by its id.
   */
  readonly pollDesired?: () => Promise<DesiredState | undefined>;
  /**
   * The `alluxio-mesos.fingerprint` label of each task Mesos runs for the framework (task id ->
   * fingerprint), read before subscribing: adopted tasks and ledgers from before fingerprints learn
   * theirs from it, so drift is known even after the ledger was lost.
   */
  readonly taskFingerprints?: () => Promise<ReadonlyMap<string, string>>;
}

/**
 * What `ControllerOptions.call` rejects with when Mesos refuses a call because another subscription
 * now holds the framework (the message is Mesos' own): the controller stops, as on the ERROR event.
 */
export class FrameworkTakenOverError extends Error {}

type SessionEnd = { kind: 'reconnect'; reason: string; subscribed: boolean } | { kind: 'aborted' };

/** Runs until `signal` aborts; rejects on what retrying cannot fix (credentials, a failed ledger write). */
export async function runController(options: ControllerOptions): Promise<SchedulerState> {
  const { signal, onReport } = options;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const started = startLedger(await options.store.load(), { newFramework: options.newFramework === true });
  if (started.abandoned.length > 0) onReport({ type: 'abandoned', aliases: started.abandoned.map((task) => task.alias) });
  if (options.newFramework === true) await options.store.save(started.ledger);
  const state = createSchedulerState(options.config, started.ledger, options.newId ?? randomUUID);
  const persist = ledgerWriter(options, started.ledger.frameworkId);
  const saves = new LedgerSaves(() => persist(state.ledger));
  if (options.taskFingerprints !== undefined) {
    // Best effort: without them, adopted tasks just have no known fingerprint (never replaced by a rollout).
    const labels = await options.taskFingerprints().catch(() => new Map<string, string>());
    learnFingerprints(state, labels);
  }
  // A standby's configuration was read when it started waiting: what the ledger records since wins.
  const recorded = options.keepRecordedDesired === true && state.ledger.desired !== undefined;
  if (options.desired !== undefined && !recorded) {
    const actions = step(state, { type: 'desired', desired: options.desired }, clock.now()).actions;
    await applyDisconnected(options, saves, actions);
  }

  let failures = 0;
  let reason = '';
  while (!signal.aborted) {
    if (failures > 0) {
      const delay = backoffDelay(failures - 1, RESUBSCRIBE_BACKOFF, random);
      onReport({ type: 'disconnected', reason, retryInMs: delay });
      // Aborting is how the controller is stopped, not a failure: the sleep's rejection just ends the loop.
      const aborted = await clock.sleep(delay, signal).then(
        () => signal.aborted,
        () => true,
      );
      if (aborted) break;
    }
    onReport({ type: 'connecting', attempt: failures + 1 });
    let stream: EventStream;
    try {
      const id = state.ledger.frameworkId;
      const info = options.frameworkInfo(state.ledger);
      stream = await options.subscribe(id === undefined ? calls.subscribe(info) : calls.subscribe(info, { value: id }), signal);
    } catch (error) {
      if (isAlluxioMesosError(error) && !error.retriable) throw error;
      failures += 1;
      reason = `subscribe failed: ${messageOf(error)}`;
      continue;
    }
    const end = await runSession(options, clock, state, stream, saves);
    await applyDisconnected(options, saves, step(state, { type: 'disconnected' }, clock.now()).actions);
    if (end.kind === 'aborted') break;
    // A session that got as far as SUBSCRIBED resets the backoff.
    failures = end.subscribed ? 1 : failures + 1;
    reason = end.reason;
  }
  return state;
}

/** Saves the ledger (see {@link ledgerWriter}). */
type Persist = (ledger: Ledger) => Promise<void>;

/**
 * Saves through the store and remembers which framework id is on disk. When the first save of a
 * framework id Mesos has just registered fails (a full disk, a directory removed), that framework
 * would stay in Mesos for its failover timeout (a week by default) with its id recorded nowhere:
 * it is torn down before the write error ends the run.
 */
function ledgerWriter(options: ControllerOptions, recordedAtStart: string | undefined): Persist {
  let recorded = recordedAtStart;
  return async (ledger) => {
    // The store serializes the ledger before its first await; the id is read at the same moment.
    const id = ledger.frameworkId;
    try {
      await options.store.save(ledger);
    } catch (error) {
      if (id === undefined || id === recorded) throw error;
      throw await tearDownUnrecorded(options, id, error);
    }
    recorded = id;
  };
}

/**
 * The ledger's saves, one at a time (a ZooKeeper store compares and sets its version) and coalesced:
 * `request()` promises a save that starts no earlier than the request, so every request made while
 * a save runs shares the one queued after it. A failed save fails every later request: nothing
 * that waits for a save is released after a write error.
 */
class LedgerSaves {
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private failed: Promise<void> | undefined;

  constructor(private readonly save: () => Promise<void>) {}

  /** Resolves once a save that started after this call has completed; rejects with its error. */
  request(): Promise<void> {
    if (this.failed !== undefined) return this.failed;
    if (this.queued !== undefined) return this.queued;
    const running = this.running;
    if (running === undefined) return this.start();
    const queued = running.then(() => {
      this.queued = undefined;
      return this.start();
    });
    this.queued = queued;
    // Handled by whoever awaits it; this only keeps a failure from counting as unhandled meanwhile.
    queued.catch(() => undefined);
    return queued;
  }

  private start(): Promise<void> {
    const saving = this.save();
    this.running = saving;
    saving.then(
      () => {
        if (this.running === saving) this.running = undefined;
      },
      () => {
        this.failed ??= saving;
      },
    );
    return saving;
  }
}

async function tearDownUnrecorded(options: ControllerOptions, frameworkId: string, writeError: unknown): Promise<AlluxioMesosError> {
  let outcome: string;
  let hint: string;
  try {
    await options.call(calls.withFrameworkId(calls.teardown(), { value: frameworkId }));
    outcome = `the framework ${frameworkId} Mesos had just registered was torn down (its id could not be recorded)`;
    hint = 'fix that, then run deploy again: it registers a new framework';
  } catch (error) {
    outcome = `the framework ${frameworkId} Mesos had just registered is recorded nowhere, and tearing it down failed: ${messageOf(error)}`;
    hint = `fix that, then remove it with \`alluxio-mesos teardown --framework-id ${frameworkId}\` and run deploy again`;
  }
  const cause = isAlluxioMesosError(writeError) ? writeError : undefined;
  return new AlluxioMesosError(`${messageOf(writeError)}; ${outcome}`, cause?.exitCode ?? ExitCode.FAILED, {
    hint: cause?.hint === undefined ? hint : `${cause.hint}; ${hint}`,
    cause: writeError,
  });
}

/** Why the connection must be dropped; `deposed`: for good, another scheduler has the framework. */
interface Drop {
  readonly reason: string;
  readonly deposed: boolean;
}

async function runSession(
  options: ControllerOptions,
  clock: Clock,
  state: SchedulerState,
  stream: EventStream,
  saves: LedgerSaves,
): Promise<SessionEnd> {
  const { signal } = options;
  const tickMs = options.tickMs ?? 1000;
  const missed = options.missedHeartbeats ?? 5;
  const iterator = stream[Symbol.asyncIterator]();
  type Next =
    | { kind: 'event'; result: IteratorResult<Event> }
    | { kind: 'error'; error: unknown }
    | { kind: 'tick' }
    /** A call failed for a connection reason, a step asked to resubscribe, or a save failed. */
    | { kind: 'woken' };
  let next: Promise<Next> = pull();
  let lastEventAt = clock.now();
  // Ticks keep their own schedule: restarting a full tickMs wait after every event would starve
  // the timers (reconcile retries, launch timeouts) whenever events arrive more often than tickMs.
  let nextTickAt = lastEventAt + tickMs;
  let subscribed = false;

  let wake: () => void = () => undefined;
  const woken = new Promise<Next>((resolve) => {
    wake = () => resolve({ kind: 'woken' });
  });
  let dropped: Drop | undefined;
  const drop = (why: Drop): void => {
    if (dropped === undefined || (why.deposed && !dropped.deposed)) dropped = why;
    wake();
  };
  /** The first save that failed: the run ends with its error. */
  let writeFailure: { error: unknown } | undefined;
  /** Desired states handed over by other processes, taken at the next round. */
  const inbox: DesiredState[] = [];
  let polling = false;
  const poll = (): void => {
    if (options.pollDesired === undefined || polling) return;
    polling = true;
    options
      .pollDesired()
      .then(
        (desired) => {
          if (desired !== undefined) inbox.push(desired);
        },
        (error: unknown) => options.onReport({ type: 'desired-unreadable', message: messageOf(error) }),
      )
      .finally(() => {
        polling = false;
      });
  };

  // After a call fails for a connection reason nothing more is sent on this session (its offers
  // die with the connection; launches recorded but never sent come back as TASK_LOST from
  // reconciliation and are relaunched); one failure is reported, not every call caught with it.
  const dispatcher = new CallDispatcher({
    send: (call, callSignal) => options.call(call, callSignal),
    onFailure: (call, error) => {
      if (dropped !== undefined) return;
      options.onReport({ type: 'call-failed', call: call.type, message: messageOf(error) });
      if (error instanceof FrameworkTakenOverError) drop({ reason: error.message, deposed: true });
      else if (!isAlluxioMesosError(error) || error.retriable) drop({ reason: `${call.type} failed: ${messageOf(error)}`, deposed: false });
    },
  });

  /** The release of the last step taken: steps are released in order, each after its save. */
  let released: Promise<void> = Promise.resolve();
  const take = (actions: readonly SchedulerAction[]): void => {
    if (actions.length === 0) return;
    const saved = actions.some((action) => action.kind === 'persist') ? saves.request() : undefined;
    saved?.catch(() => undefined);
    released = released
      .then(() => saved)
      .then(() => release(actions))
      .catch((error: unknown) => {
        writeFailure ??= { error };
        wake();
        throw error;
      });
    released.catch(() => undefined);
  };
  const release = (actions: readonly SchedulerAction[]): void => {
    for (const action of actions) {
      switch (action.kind) {
        case 'persist':
          break;
        case 'report':
          options.onReport(action.report);
          break;
        case 'call': {
          if (dropped !== undefined) break;
          const id = state.ledger.frameworkId;
          dispatcher.submit(id === undefined ? action.call : calls.withFrameworkId(action.call, { value: id }));
          break;
        }
        case 'resubscribe':
          drop({ reason: action.reason, deposed: false });
          break;
        case 'deposed':
          drop({ reason: action.reason, deposed: true });
          break;
      }
    }
  };

  function pull(): Promise<Next> {
    return iterator.next().then(
      (result): Next => ({ kind: 'event', result }),
      (error: unknown): Next => ({ kind: 'error', error }),
    );
  }
  const close = (): void => {
    stream.close?.();
    // Not awaited: a generator blocked in next() settles its return only after that next.
    iterator.return?.().catch(() => undefined);
  };
  /**
   * Ends the session: nothing more is sent (calls in flight are aborted), the steps taken so far
   * are released (their saves completed and their reports given), then a failed save is thrown.
   */
  const finish = async (): Promise<void> => {
    const calm = dispatcher.close();
    await released.catch(() => undefined);
    await calm;
    if (writeFailure !== undefined) throw writeFailure.error;
  };

  // One listener per session rather than AbortSignal.any per tick, which would pile up on `signal`.
  let timer = new AbortController();
  const stopTimer = (): void => timer.abort();
  signal.addEventListener('abort', stopTimer, { once: true });
  try {
    for (;;) {
      if (writeFailure !== undefined) throw writeFailure.error;
      for (let desired = inbox.shift(); desired !== undefined; desired = inbox.shift()) {
        take(step(state, { type: 'desired', desired }, clock.now()).actions);
      }
      if (dropped !== undefined) {
        close();
        await finish();
        if (dropped.deposed) throw deposedError(state, dropped.reason);
        return { kind: 'reconnect', reason: dropped.reason, subscribed };
      }
      timer = new AbortController();
      if (signal.aborted) timer.abort();
      // Woken early (rejected) when the timer is stopped, which happens after every round: the
      // race below has its answer by then, and an abort of `signal` is checked right after it.
      const wakeUp = (): Next => ({ kind: 'tick' });
      const tick = clock.sleep(Math.max(0, nextTickAt - clock.now()), timer.signal).then(wakeUp, wakeUp);
      const got = await Promise.race([next, tick, woken]);
      timer.abort();
      if (signal.aborted) {
        close();
        await finish();
        return { kind: 'aborted' };
      }
      if (got.kind === 'woken') continue;
      if (got.kind === 'error') {
        close();
        await finish();
        return { kind: 'reconnect', reason: `event stream failed: ${messageOf(got.error)}`, subscribed };
      }
      const now = clock.now();
      let input: SchedulerInput;
      if (got.kind === 'tick') {
        if (now - lastEventAt > missed * state.heartbeatIntervalSeconds * 1000) {
          close();
          await finish();
          return { kind: 'reconnect', reason: `no event for ${missed} heartbeat intervals`, subscribed };
        }
        nextTickAt = now + tickMs;
        input = { type: 'tick' };
        poll();
      } else {
        if (got.result.done === true) {
          await finish();
          return { kind: 'reconnect', reason: 'event stream ended', subscribed };
        }
        lastEventAt = now;
        next = pull();
        const event = got.result.value;
        if (event.type === 'SUBSCRIBED') subscribed = true;
        if (event.type === 'ERROR' && /has been removed/i.test(event.error?.message ?? '')) {
          // Resubscribing with this id can never succeed again.
          refuseNewFramework(state.ledger, `Mesos removed framework ${state.ledger.frameworkId ?? ''} (${event.error?.message ?? ''})`);
          state.ledger.frameworkId = undefined;
          await saves.request();
        }
        input = { type: 'event', event };
      }
      const actions = step(state, input, now).actions;
      take(actions);
      // A step that ends the session (an ERROR event) is the last one: nothing after it is taken.
      if (actions.some((action) => action.kind === 'resubscribe' || action.kind === 'deposed')) await released.catch(() => undefined);
    }
  } catch (error) {
    close();
    await finish().catch(() => undefined);
    throw error;
  } finally {
    signal.removeEventListener('abort', stopTimer);
  }
}

/** The `disconnected` step's actions: no call can go out; its save (if any) and reports do. */
async function applyDisconnected(options: ControllerOptions, saves: LedgerSaves, actions: readonly SchedulerAction[]): Promise<void> {
  if (actions.some((action) => action.kind === 'persist')) await saves.request();
  for (const action of actions) if (action.kind === 'report') options.onReport(action.report);
}

/** The end of a scheduler another one replaced: never retried (see the `deposed` action). */
function deposedError(state: SchedulerState, mesosMessage: string): OperationError {
  return new OperationError(
    `another scheduler took over framework ${state.ledger.frameworkId ?? '(unknown)'} (Mesos: ${mesosMessage}); this one stopped`,
    {
      hint:
        'Mesos gives a framework to the scheduler that subscribed last. This deploy stops instead of taking it back, ' +
        'which would make the two fail each other over forever; the tasks keep running under the other scheduler.',
    },
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
