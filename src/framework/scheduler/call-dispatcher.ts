/**
 * Sends the scheduler's calls to the master concurrently, keeping the order that matters.
 *
 * Each call claims keys, shared or exclusive (`orderClaims`); a call waits for every earlier call
 * still unanswered whose claim conflicts with its own (exclusive conflicts with anything on the same
 * key, shared with exclusive only). Calls that conflict with nothing before them go out at once, in
 * submission order, up to a window per lane:
 *
 * - ACKNOWLEDGEs have a lane of their own, so status updates are acknowledged while ACCEPTs (which
 *   launch processes on the master's side) are still being answered;
 * - everything else shares the main lane: the ACCEPTs of one OFFERS event (one per agent) and the
 *   DECLINEs go out side by side.
 *
 * A call is done when the master answered it (the transport resolves on 202) or when it failed;
 * `onFailure` hears of every failure, the calls waiting for it then go on (what a failure means,
 * e.g. that the connection is gone, is the controller's decision: it closes the dispatcher).
 */
import { setMaxListeners } from 'node:events';
import type { Call } from '../../mesos/protocol/types.js';

/** Calls in flight at once in the main lane. */
const CALL_WINDOW = 16;
/** ACKNOWLEDGEs in flight at once, beside the main lane. */
const ACK_WINDOW = 8;

type Lane = 'main' | 'ack';

export interface OrderClaim {
  readonly key: string;
  readonly exclusive: boolean;
}

/**
 * The keys a call claims, which decide what it waits for:
 * - `framework`: every call shares it; TEARDOWN (and any call type this scheduler does not send
 *   normally) holds it alone, so it goes out after everything before it and before everything after;
 * - `offers`: ACCEPT and DECLINE share it, SUPPRESS and REVIVE hold it alone. A REVIVE clears the
 *   filters of earlier DECLINEs only if it arrives after them (else the workers the REVIVE is for
 *   wait out the decline's filter), and SUPPRESS/REVIVE must not overtake each other;
 * - `task:<id>`: an ACCEPT holds it for each task it launches, a KILL for its task, so a KILL never
 *   overtakes the launch it stops; an explicit RECONCILE shares it (a task reconciled before its
 *   launch arrived would be answered TASK_LOST);
 * - `reconcile`: RECONCILEs in order, since the implicit reconciliation's marker must arrive after it;
 * - `ack:<id>`: a task's acknowledgements in order, in their own lane.
 */
export function orderClaims(call: Call): OrderClaim[] {
  const claims: OrderClaim[] = [];
  const claim = (key: string, exclusive: boolean): void => {
    claims.push({ key, exclusive });
  };
  switch (call.type) {
    case 'ACCEPT':
      claim('framework', false);
      claim('offers', false);
      for (const operation of call.accept?.operations ?? []) {
        const tasks = [...(operation.launch?.task_infos ?? []), ...(operation.launch_group?.task_group.tasks ?? [])];
        for (const task of tasks) claim(`task:${task.task_id.value}`, true);
      }
      break;
    case 'DECLINE':
      claim('framework', false);
      claim('offers', false);
      break;
    case 'SUPPRESS':
    case 'REVIVE':
      claim('framework', false);
      claim('offers', true);
      break;
    case 'KILL':
      claim('framework', false);
      if (call.kill !== undefined) claim(`task:${call.kill.task_id.value}`, true);
      break;
    case 'RECONCILE':
      claim('framework', false);
      claim('reconcile', true);
      for (const task of call.reconcile?.tasks ?? []) claim(`task:${task.task_id.value}`, false);
      break;
    case 'ACKNOWLEDGE':
      claim('framework', false);
      if (call.acknowledge !== undefined) claim(`ack:${call.acknowledge.task_id.value}`, true);
      break;
    default:
      claim('framework', true);
  }
  return strongestPerKey(claims);
}

/** One claim per key (a task named twice in a RECONCILE), exclusive if any of them is. */
function strongestPerKey(claims: OrderClaim[]): OrderClaim[] {
  const byKey = new Map<string, OrderClaim>();
  for (const claim of claims) {
    if (byKey.get(claim.key)?.exclusive !== true) byKey.set(claim.key, claim);
  }
  return [...byKey.values()];
}

function laneOf(call: Call): Lane {
  return call.type === 'ACKNOWLEDGE' ? 'ack' : 'main';
}

export interface CallDispatcherOptions {
  /** Sends one call; resolves once the master answered it. `signal` aborts it when the dispatcher closes. */
  readonly send: (call: Call, signal: AbortSignal) => Promise<void>;
  /** Every call that failed (not after close()). */
  readonly onFailure: (call: Call, error: unknown) => void;
  readonly window?: number;
  readonly ackWindow?: number;
}

interface Entry {
  readonly call: Call;
  readonly lane: Lane;
  readonly claims: readonly OrderClaim[];
  /** Earlier unanswered calls it conflicts with. */
  waitingFor: number;
  readonly dependents: Entry[];
}

/** Who holds a key now: the last exclusive claimant not yet done, and the shared claimants after it. */
interface KeyHolders {
  exclusive: Entry | undefined;
  readonly shared: Set<Entry>;
}

/** A FIFO that stays O(1) per operation however long it gets (10,000 ACCEPTs for one OFFERS event). */
class Queue<T> {
  private items: T[] = [];
  private head = 0;

  push(item: T): void {
    this.items.push(item);
  }
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
  clear(): void {
    this.items = [];
    this.head = 0;
  }
}

interface LaneState {
  readonly window: number;
  readonly ready: Queue<Entry>;
  sending: number;
}

export class CallDispatcher {
  private readonly options: CallDispatcherOptions;
  private readonly keys = new Map<string, KeyHolders>();
  private readonly lanes: Record<Lane, LaneState>;
  private readonly abort = new AbortController();
  private closed = false;
  private sending = 0;
  private whenIdle: (() => void) | undefined;

  constructor(options: CallDispatcherOptions) {
    this.options = options;
    this.lanes = {
      main: { window: options.window ?? CALL_WINDOW, ready: new Queue(), sending: 0 },
      ack: { window: options.ackWindow ?? ACK_WINDOW, ready: new Queue(), sending: 0 },
    };
    // Every call in flight listens to the one signal (a few listeners each, down the transport):
    // Node's leak warning at 10 would fire on a full window.
    setMaxListeners(4 * (this.lanes.main.window + this.lanes.ack.window), this.abort.signal);
  }

  /** Queues a call (framework id already stamped); ignored once closed. */
  submit(call: Call): void {
    if (this.closed) return;
    const entry: Entry = { call, lane: laneOf(call), claims: orderClaims(call), waitingFor: 0, dependents: [] };
    const before = new Set<Entry>();
    for (const claim of entry.claims) {
      let holders = this.keys.get(claim.key);
      if (holders === undefined) {
        holders = { exclusive: undefined, shared: new Set() };
        this.keys.set(claim.key, holders);
      }
      if (holders.exclusive !== undefined) before.add(holders.exclusive);
      if (claim.exclusive) {
        for (const holder of holders.shared) before.add(holder);
        holders.shared.clear();
        holders.exclusive = entry;
      } else {
        holders.shared.add(entry);
      }
    }
    entry.waitingFor = before.size;
    for (const earlier of before) earlier.dependents.push(entry);
    if (entry.waitingFor === 0) this.lanes[entry.lane].ready.push(entry);
    this.pump();
  }

  /**
   * Sends nothing more: queued calls are dropped, calls in flight aborted (their failures are not
   * reported). Resolves once none is in flight any more.
   */
  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.lanes.main.ready.clear();
      this.lanes.ack.ready.clear();
      this.keys.clear();
      this.abort.abort(new Error('the scheduler stopped sending calls'));
    }
    if (this.sending === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const previous = this.whenIdle;
      this.whenIdle = () => {
        previous?.();
        resolve();
      };
    });
  }

  private pump(): void {
    for (const lane of Object.values(this.lanes)) {
      while (!this.closed && lane.sending < lane.window) {
        const entry = lane.ready.shift();
        if (entry === undefined) break;
        this.start(lane, entry);
      }
    }
  }

  private start(lane: LaneState, entry: Entry): void {
    lane.sending += 1;
    this.sending += 1;
    let sent: Promise<void>;
    try {
      sent = this.options.send(entry.call, this.abort.signal);
    } catch (error) {
      sent = Promise.reject(error);
    }
    sent.then(
      () => this.finish(lane, entry),
      (error: unknown) => {
        if (!this.closed) this.options.onFailure(entry.call, error);
        this.finish(lane, entry);
      },
    );
  }

  private finish(lane: LaneState, entry: Entry): void {
    lane.sending -= 1;
    this.sending -= 1;
    if (this.closed) {
      if (this.sending === 0) {
        const idle = this.whenIdle;
        this.whenIdle = undefined;
        idle?.();
      }
      return;
    }
    for (const claim of entry.claims) {
      const holders = this.keys.get(claim.key);
      if (holders === undefined) continue;
      if (holders.exclusive === entry) holders.exclusive = undefined;
      holders.shared.delete(entry);
      if (holders.exclusive === undefined && holders.shared.size === 0) this.keys.delete(claim.key);
    }
    for (const later of entry.dependents) {
      later.waitingFor -= 1;
      if (later.waitingFor === 0) this.lanes[later.lane].ready.push(later);
    }
    this.pump();
  }
}
