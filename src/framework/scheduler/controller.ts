/**
 * The control loop: subscribe, feed every event and a periodic tick through the reducer, carry out
 * its actions (ledger first, then calls), and resubscribe with jittered backoff whenever the stream
 * ends, fails, sends ERROR or goes quiet for too many heartbeats. The clock, the transport and the
 * ledger store are injected, so tests drive it with fakes and no sockets.
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
import type { SchedulerConfig } from './config.js';
import type { Ledger, LedgerStore } from '../../state/ledger.js';
import {
  createSchedulerState,
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
  | { type: 'abandoned'; aliases: string[] };

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
  /** Sends one call on the current connection (framework_id already stamped). */
  readonly call: (call: Call) => Promise<void>;
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
    const end = await runSession(options, clock, state, stream, persist);
    await apply(options, state, persist, step(state, { type: 'disconnected' }, clock.now()).actions);
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
    try {
      await options.store.save(ledger);
    } catch (error) {
      const id = ledger.frameworkId;
      if (id === undefined || id === recorded) throw error;
      throw await tearDownUnrecorded(options, id, error);
    }
    recorded = ledger.frameworkId;
  };
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

async function runSession(
  options: ControllerOptions,
  clock: Clock,
  state: SchedulerState,
  stream: EventStream,
  persist: Persist,
): Promise<SessionEnd> {
  const { signal } = options;
  const tickMs = options.tickMs ?? 1000;
  const missed = options.missedHeartbeats ?? 5;
  const iterator = stream[Symbol.asyncIterator]();
  type Next = { kind: 'event'; result: IteratorResult<Event> } | { kind: 'error'; error: unknown } | { kind: 'tick' };
  let next: Promise<Next> = pull();
  let lastEventAt = clock.now();
  // Ticks keep their own schedule: restarting a full tickMs wait after every event would starve
  // the timers (reconcile retries, launch timeouts) whenever events arrive more often than tickMs.
  let nextTickAt = lastEventAt + tickMs;
  let subscribed = false;

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

  // One listener per session rather than AbortSignal.any per tick, which would pile up on `signal`.
  let timer = new AbortController();
  const stopTimer = (): void => timer.abort();
  signal.addEventListener('abort', stopTimer, { once: true });
  try {
    for (;;) {
      timer = new AbortController();
      if (signal.aborted) timer.abort();
      // Woken early (rejected) when the timer is stopped, which happens after every round: the
      // race below has its answer by then, and an abort of `signal` is checked right after it.
      const wake = (): Next => ({ kind: 'tick' });
      const tick = clock.sleep(Math.max(0, nextTickAt - clock.now()), timer.signal).then(wake, wake);
      const got = await Promise.race([next, tick]);
      timer.abort();
      if (signal.aborted) {
        close();
        return { kind: 'aborted' };
      }
      if (got.kind === 'error') {
        close();
        return { kind: 'reconnect', reason: `event stream failed: ${messageOf(got.error)}`, subscribed };
      }
      const now = clock.now();
      let input: SchedulerInput;
      if (got.kind === 'tick') {
        if (now - lastEventAt > missed * state.heartbeatIntervalSeconds * 1000) {
          close();
          return { kind: 'reconnect', reason: `no event for ${missed} heartbeat intervals`, subscribed };
        }
        nextTickAt = now + tickMs;
        input = { type: 'tick' };
      } else {
        if (got.result.done === true) return { kind: 'reconnect', reason: 'event stream ended', subscribed };
        lastEventAt = now;
        next = pull();
        const event = got.result.value;
        if (event.type === 'SUBSCRIBED') subscribed = true;
        if (event.type === 'ERROR' && /has been removed/i.test(event.error?.message ?? '')) {
          // Resubscribing with this id can never succeed again.
          refuseNewFramework(state.ledger, `Mesos removed framework ${state.ledger.frameworkId ?? ''} (${event.error?.message ?? ''})`);
          state.ledger.frameworkId = undefined;
          await persist(state.ledger);
        }
        input = { type: 'event', event };
      }
      const outcome = await apply(options, state, persist, step(state, input, now).actions);
      if (outcome !== undefined) {
        close();
        if (outcome.deposed) throw deposedError(state, outcome.reason);
        return { kind: 'reconnect', reason: outcome.reason, subscribed };
      }
    }
  } catch (error) {
    close();
    throw error;
  } finally {
    signal.removeEventListener('abort', stopTimer);
  }
}

/** Why the connection must be dropped; `deposed`: for good, another scheduler has the framework. */
interface Drop {
  readonly reason: string;
  readonly deposed: boolean;
}

/**
 * Carries out actions in order; returns why when the connection must be dropped. After a call
 * fails for a connection reason the remaining calls are skipped (their offers die with the
 * connection; launches recorded but never sent come back as TASK_LOST from reconciliation and are
 * relaunched) but reports still go out.
 */
async function apply(
  options: ControllerOptions,
  state: SchedulerState,
  persist: Persist,
  actions: readonly SchedulerAction[],
): Promise<Drop | undefined> {
  let dropped: Drop | undefined;
  for (const action of actions) {
    switch (action.kind) {
      case 'persist':
        // A failed write must stop the launch: rethrown, so no ACCEPT after it goes out.
        await persist(action.ledger);
        break;
      case 'report':
        options.onReport(action.report);
        break;
      case 'resubscribe':
        dropped ??= { reason: action.reason, deposed: false };
        break;
      case 'deposed':
        dropped = { reason: action.reason, deposed: true };
        break;
      case 'call': {
        if (dropped !== undefined) break;
        const id = state.ledger.frameworkId;
        try {
          await options.call(id === undefined ? action.call : calls.withFrameworkId(action.call, { value: id }));
        } catch (error) {
          options.onReport({ type: 'call-failed', call: action.call.type, message: messageOf(error) });
          if (error instanceof FrameworkTakenOverError) dropped = { reason: error.message, deposed: true };
          else if (!isAlluxioMesosError(error) || error.retriable)
            dropped = { reason: `${action.call.type} failed: ${messageOf(error)}`, deposed: false };
        }
        break;
      }
    }
  }
  return dropped;
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
