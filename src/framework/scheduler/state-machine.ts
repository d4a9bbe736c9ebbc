/**
 * The scheduler's decisions, as a reducer: `step(state, input, now)` turns a Mesos event or a timer
 * tick into an ordered list of actions (persist the ledger, send calls, report progress). It sends
 * nothing and reads no clock, so every rule is testable with plain objects.
 *
 * For speed (10,000 offers, 100,000 updates) the reducer updates `state` in place rather than
 * copying it: the caller owns one state and feeds it inputs one at a time.
 *
 * Ordering contract: when a step changes the ledger, its `persist` action comes first, before any
 * call, so the ledger on disk always knows a task before the ACCEPT that launches it is sent.
 */
import * as calls from '../../mesos/protocol/calls.js';
import type { Call, CommandInfo, Event, Offer, OfferID, TaskState, TaskStatus } from '../../mesos/protocol/types.js';
import { backoffDelay, type BackoffPolicy } from '../../shared/backoff.js';
import { configWithDesired, type SchedulerConfig } from './config.js';
import type { DesiredState } from '../../state/desired-state.js';
import { startRollout, stepRollout, type RolloutReport } from './rollout.js';
import { isGone, newLedgerTask, type Ledger, type LedgerFailure, type LedgerTask, type SlotRole } from '../../state/ledger.js';
import type { DeclineCode } from './offer-matching.js';
import { placeOffers, wantedSlots, type PlacementView } from './placement.js';
import { buildTaskInfo } from './task-info.js';
import { alluxioHealthCheck } from './health-check.js';
import { taskIdFor } from '../../state/task-names.js';
import { adoptIntoLedger, judgeUnknownTask } from './unknown-task.js';

export type SchedulerInput =
  | { readonly type: 'event'; readonly event: Event }
  | { readonly type: 'tick' }
  /** The connection dropped: no calls until the next SUBSCRIBED. */
  | { readonly type: 'disconnected' }
  /** Stop an alias for good (KILL, never relaunched). */
  | { readonly type: 'kill'; readonly alias: string }
  /** What should run from now on (deploy's configuration, or a change handed over by another process). */
  | { readonly type: 'desired'; readonly desired: DesiredState }
  /** Where the leading Alluxio master runs now (`host:port`), read from ZooKeeper; null: none leads. */
  | { readonly type: 'alluxio-leader'; readonly address: string | null };

/** Progress for the user, one NDJSON line each. */
export type SchedulerReport =
  | { type: 'subscribed'; frameworkId: string; adopted: string[] }
  | {
      type: 'task-launched';
      alias: string;
      taskId: string;
      role: SlotRole;
      agentId: string;
      hostname: string;
      ports: number[];
      relaunch: boolean;
    }
  | { type: 'task-state'; alias: string; taskId: string; state: TaskState; healthy: boolean | undefined; message?: string; reason?: string }
  | { type: 'decline-reason'; code: DeclineCode; text: string }
  | { type: 'master-ready'; alias: string; hostname: string; webuiUrl: string }
  | { type: 'master-lost'; alias: string }
  | { type: 'all-placed'; masters: number; workers: number }
  | { type: 'relaunch-scheduled'; alias: string; inMs: number; failures: number; lastState: TaskState }
  | { type: 'crash-loop'; alias: string; failures: number; windowMs: number; lastFailure: LedgerFailure }
  | { type: 'launch-timeout'; alias: string; taskId: string; action: 'reconcile' | 'kill' }
  /** A live task of ours the ledger did not know, found by reconciliation and taken into its alias. */
  | {
      type: 'task-adopted';
      alias: string;
      taskId: string;
      role: SlotRole;
      agentId: string;
      /** Empty until an offer from its agent names the host. */
      hostname: string;
      state: TaskState;
      healthy: boolean | undefined;
    }
  /** A live task of ours the ledger did not know and could not adopt (`reason` says why). */
  | { type: 'orphan-killed'; taskId: string; state: TaskState; reason: string }
  /** Launches, held after a resubscription until Mesos listed the framework's tasks, go on. */
  | { type: 'launch-hold-ended'; outcome: 'reconciled' | 'timed-out'; afterMs: number }
  | { type: 'agent-lost'; agentId: string; aliases: string[] }
  | { type: 'executor-lost'; agentId: string; executorId: string; status: number | undefined }
  | { type: 'reconciled'; tasks: number }
  | { type: 'mesos-error'; message: string }
  /** A new desired state was taken (`rollout`: some live task is to be replaced). */
  | { type: 'desired-applied'; revision: number; source: string; rollout: boolean }
  /** Scaled down: the alias is stopped for good and forgotten once its task ended. */
  | { type: 'worker-retired'; alias: string }
  | RolloutReport;

export type SchedulerAction =
  /** Save `ledger` (the live object: serialize it before yielding) before the actions after it. */
  | { readonly kind: 'persist'; readonly ledger: Ledger }
  /** A call without framework_id: the sender stamps the current one. */
  | { readonly kind: 'call'; readonly call: Call }
  | { readonly kind: 'report'; readonly report: SchedulerReport }
  /** Drop the connection and subscribe again (after a Mesos ERROR event). */
  | { readonly kind: 'resubscribe'; readonly reason: string }
  /**
   * Another scheduler subscribed with this framework id and Mesos handed it the framework: stop for
   * good. Resubscribing would take the framework back and start a failover ping-pong.
   */
  | { readonly kind: 'deposed'; readonly reason: string };

export interface StepResult {
  readonly state: SchedulerState;
  readonly actions: SchedulerAction[];
}

/**
 * The full reconciliation of a resubscription: the implicit RECONCILE (every task Mesos knows), then
 * an explicit one for `markerId`, a task id nobody uses. Mesos answers calls in the order they
 * arrive and writes the answers to the one event stream, so the marker's answer comes after every
 * answer to the implicit reconciliation: from then on no unknown task can still turn up, and
 * launching cannot race an adoption. Mesos does not answer the marker while agents may still
 * re-register after a master failover; launches then wait `reconcileHoldMs` at most, and both calls
 * are repeated (explicit-reconciliation backoff) until the marker is answered.
 */
interface FullReconciliation {
  readonly markerId: string;
  readonly startedAt: number;
  readonly holdUntil: number;
  /** Offers are declined until the marker's answer or `holdUntil`. */
  holding: boolean;
  nextAt: number;
  attempt: number;
}

interface StuckTask {
  phase: 'reconciling' | 'killing';
  at: number;
}

export interface SchedulerState {
  /** Replaced when a desired state is applied (see configWithDesired). */
  config: SchedulerConfig;
  /** The leading Alluxio master's `host:port` as last read (masters that elect a leader), for the rollout's order. */
  alluxioLeader?: string | null;
  readonly ledger: Ledger;
  readonly byTaskId: Map<string, LedgerTask>;
  subscribed: boolean;
  heartbeatIntervalSeconds: number;
  suppressed: boolean;
  /** Open worker count only: whether offers may still reveal agents without a worker. */
  workerSearchOpen: boolean;
  /**
   * Agents that sent this subscription an offer and are not known lost. Once each runs a worker, no
   * offer can reveal a new one until an agent joins, which the periodic revive finds.
   */
  readonly offeringAgents: Set<string>;
  nextReviveAt: number;
  reportedReasons: Set<DeclineCode>;
  explicitReconcile: { pending: Map<string, string>; nextAt: number; attempt: number } | undefined;
  nextImplicitReconcileAt: number;
  reconciliation: FullReconciliation | undefined;
  /** Agent hostnames from offers and the ledger (a status update names no host). */
  readonly agentHostnames: Map<string, string>;
  /** Agents of adopted tasks whose hostname no offer has told yet. */
  readonly unnamedAgents: Set<string>;
  stuck: Map<string, StuckTask>;
  masterReadyAlias: string | undefined;
  allPlacedReported: boolean;
  commandCache: Map<string, CommandInfo>;
  /**
   * Fingerprints Mesos' task labels gave (task id -> fingerprint), read when the scheduler started:
   * a task adopted after the ledger was lost (or recorded before fingerprints) learns its own.
   */
  readonly labelFingerprints: Map<string, string>;
  readonly newId: () => string;
}

export function createSchedulerState(config: SchedulerConfig, ledger: Ledger, newId: () => string): SchedulerState {
  const byTaskId = new Map<string, LedgerTask>();
  const agentHostnames = new Map<string, string>();
  const unnamedAgents = new Set<string>();
  for (const task of ledger.tasks) {
    byTaskId.set(task.taskId, task);
    if (task.hostname !== '') agentHostnames.set(task.agentId, task.hostname);
    else unnamedAgents.add(task.agentId);
  }
  return {
    config: ledger.desired === undefined ? config : configWithDesired(config, ledger.desired),
    ledger,
    byTaskId,
    subscribed: false,
    heartbeatIntervalSeconds: 15,
    suppressed: false,
    workerSearchOpen: true,
    offeringAgents: new Set(),
    nextReviveAt: 0,
    reportedReasons: new Set(),
    explicitReconcile: undefined,
    nextImplicitReconcileAt: 0,
    reconciliation: undefined,
    agentHostnames,
    unnamedAgents,
    stuck: new Map(),
    masterReadyAlias: undefined,
    allPlacedReported: false,
    commandCache: new Map(),
    labelFingerprints: new Map(),
    newId,
  };
}

/** Accumulates one step's output; `persist` is placed first when anything marked the ledger dirty. */
class Output {
  dirty = false;
  readonly calls: SchedulerAction[] = [];
  readonly reports: SchedulerAction[] = [];
  readonly tail: SchedulerAction[] = [];

  call(call: Call): void {
    this.calls.push({ kind: 'call', call });
  }
  report(report: SchedulerReport): void {
    this.reports.push({ kind: 'report', report });
  }
  actions(ledger: Ledger): SchedulerAction[] {
    const head: SchedulerAction[] = this.dirty ? [{ kind: 'persist', ledger }] : [];
    return head.concat(this.calls, this.reports, this.tail);
  }
}

export function step(state: SchedulerState, input: SchedulerInput, now: number): StepResult {
  const out = new Output();
  switch (input.type) {
    case 'event':
      onEvent(state, input.event, now, out);
      break;
    case 'tick':
      if (state.subscribed) onTick(state, now, out);
      break;
    case 'disconnected':
      state.subscribed = false;
      state.explicitReconcile = undefined;
      state.reconciliation = undefined;
      break;
    case 'kill':
      killForGood(state, input.alias, now, out);
      break;
    case 'desired':
      applyDesired(state, input.desired, now, out);
      break;
    case 'alluxio-leader':
      state.alluxioLeader = input.address;
      break;
  }
  // An update that changed nothing (the common case: a repeated RUNNING) cannot change what to
  // ask for; skipping the O(tasks) checks keeps long-running schedulers cheap per update.
  const quiet = input.type === 'event' && input.event.type === 'UPDATE' && !out.dirty;
  if (state.subscribed && !quiet) {
    // After a resubscription the ledger's states are not trusted until Mesos listed the tasks.
    if (state.reconciliation?.holding !== true) advanceRollout(state, now, out);
    updateMasterReadiness(state, out);
    syncOfferInterest(state, now, out);
  }
  return { state, actions: out.actions(state.ledger) };
}

// ---------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------

function onEvent(state: SchedulerState, event: Event, now: number, out: Output): void {
  switch (event.type) {
    case 'SUBSCRIBED':
      if (event.subscribed !== undefined) onSubscribed(state, event.subscribed, now, out);
      break;
    case 'OFFERS':
      if (state.subscribed) onOffers(state, event.offers?.offers ?? [], now, out);
      break;
    case 'UPDATE':
      if (event.update !== undefined) onUpdate(state, event.update.status, now, out);
      break;
    case 'FAILURE':
      onFailure(state, event.failure ?? {}, out);
      break;
    case 'ERROR': {
      const message = event.error?.message ?? 'unknown error';
      out.report({ type: 'mesos-error', message });
      state.subscribed = false;
      state.explicitReconcile = undefined;
      state.reconciliation = undefined;
      out.tail.push(isFailover(message) ? { kind: 'deposed', reason: message } : { kind: 'resubscribe', reason: message });
      break;
    }
    // We answer every offer in the step that brings it, so a rescinded offer is never held.
    case 'RESCIND':
    case 'HEARTBEAT':
    default:
      break;
  }
}

/**
 * Mesos' ERROR to the previous subscription when another SUBSCRIBE with the same framework id took
 * it over (`Master::failoverFramework`: "Framework failed over"; the emulator sends the same text).
 */
function isFailover(message: string): boolean {
  return /framework failed over/i.test(message);
}

function onSubscribed(state: SchedulerState, subscribed: NonNullable<Event['subscribed']>, now: number, out: Output): void {
  const id = subscribed.framework_id.value;
  // Subscribed again with the recorded id: Mesos may run tasks of it that the ledger does not know.
  const resubscribed = state.ledger.frameworkId === id;
  if (state.ledger.frameworkId !== id) {
    state.ledger.frameworkId = id;
    out.dirty = true;
  }
  state.subscribed = true;
  state.heartbeatIntervalSeconds = subscribed.heartbeat_interval_seconds ?? 15;
  // A new subscription starts with offers flowing and the master's filters reset.
  state.suppressed = false;
  state.allPlacedReported = false;
  state.workerSearchOpen = true;
  state.offeringAgents.clear();
  state.reportedReasons.clear();
  state.nextImplicitReconcileAt = now + state.config.timing.implicitReconcileMs;
  state.nextReviveAt = now + state.config.timing.reviveIntervalMs;

  const live = state.ledger.tasks.filter((task) => !isGone(task.state));
  out.report({ type: 'subscribed', frameworkId: id, adopted: live.map((task) => task.alias) });
  // The ledger's tasks first: a stale record's answer (gone) then frees its alias before the
  // implicit answers can offer a live task of the same alias for adoption.
  if (live.length === 0) {
    state.explicitReconcile = undefined;
  } else {
    const pending = new Map(live.map((task) => [task.taskId, task.agentId]));
    state.explicitReconcile = { pending, nextAt: now + state.config.timing.explicitReconcileInitialMs, attempt: 1 };
    out.call(reconcileCall(pending));
  }
  // A framework Mesos has just registered has no task to find.
  if (!resubscribed) {
    state.reconciliation = undefined;
    return;
  }
  const { timing, taskIdPrefix } = state.config;
  state.reconciliation = {
    markerId: `${taskIdPrefix}-reconciliation.${state.newId()}`,
    startedAt: now,
    holdUntil: now + timing.reconcileHoldMs,
    holding: true,
    nextAt: now + timing.explicitReconcileInitialMs,
    attempt: 1,
  };
  sendFullReconciliation(state.reconciliation, out);
}

function sendFullReconciliation(full: FullReconciliation, out: Output): void {
  out.call(calls.reconcile([]));
  out.call(calls.reconcile([{ task_id: { value: full.markerId } }]));
}

/** Launches may go on: the offers declined meanwhile carry filters, cleared if anything is wanted. */
function endLaunchHold(
  state: SchedulerState,
  full: FullReconciliation,
  outcome: 'reconciled' | 'timed-out',
  now: number,
  out: Output,
): void {
  full.holding = false;
  out.report({ type: 'launch-hold-ended', outcome, afterMs: now - full.startedAt });
  const view = placementView(state);
  const wanted =
    wantedSlots(view, 'master', now).wanted > 0 || (masterForWorkers(state) !== undefined && wantedSlots(view, 'worker', now).wanted > 0);
  if (wanted) {
    out.call(calls.revive([state.config.role]));
    state.suppressed = false;
    state.allPlacedReported = false;
  }
}

function reconcileCall(tasks: Map<string, string>): Call {
  return calls.reconcile([...tasks].map(([taskId, agentId]) => ({ task_id: { value: taskId }, agent_id: { value: agentId } })));
}

/** Status reasons Mesos gives the tasks of an agent it removed or can no longer reach. */
const AGENT_GONE_REASONS: ReadonlySet<string> = new Set([
  'REASON_AGENT_REMOVED',
  'REASON_AGENT_DISCONNECTED',
  'REASON_AGENT_UNKNOWN',
  'REASON_AGENT_REMOVED_BY_OPERATOR',
  'REASON_AGENT_RESTARTED',
]);

function onFailure(state: SchedulerState, failure: NonNullable<Event['failure']>, out: Output): void {
  const agentId = failure.agent_id?.value;
  if (agentId === undefined) return;
  if (failure.executor_id === undefined) state.offeringAgents.delete(agentId);
  if (failure.executor_id !== undefined) {
    // The task's own update follows; nothing to decide here.
    out.report({ type: 'executor-lost', agentId, executorId: failure.executor_id.value, status: failure.status });
    return;
  }
  const onAgent = state.ledger.tasks.filter((task) => task.agentId === agentId && !isGone(task.state));
  // Mesos sends the tasks' LOST/UNREACHABLE updates before this event, so the affected aliases are
  // mostly those whose task just ended because the agent went away, not only the live ones.
  const affected = state.ledger.tasks.filter(
    (task) =>
      task.agentId === agentId &&
      (!isGone(task.state) || (task.lastFailure !== undefined && AGENT_GONE_REASONS.has(task.lastFailure.reason ?? ''))),
  );
  out.report({ type: 'agent-lost', agentId, aliases: affected.map((task) => task.alias) });
  // Mesos decides whether they are LOST or come back; ask now instead of waiting for the timer.
  if (onAgent.length > 0) out.call(reconcileCall(new Map(onAgent.map((task) => [task.taskId, task.agentId]))));
}

function onUpdate(state: SchedulerState, status: TaskStatus, now: number, out: Output): void {
  const taskId = status.task_id.value;
  const pending = state.explicitReconcile?.pending;
  if (pending?.delete(taskId) === true && pending.size === 0) {
    out.report({ type: 'reconciled', tasks: state.ledger.tasks.filter((task) => !isGone(task.state)).length });
    state.explicitReconcile = undefined;
  }

  const task = state.byTaskId.get(taskId);
  const full = state.reconciliation;
  if (task === undefined && full !== undefined && taskId === full.markerId) {
    // Every answer to the implicit reconciliation has arrived (see FullReconciliation).
    if (full.holding) endLaunchHold(state, full, 'reconciled', now, out);
    state.reconciliation = undefined;
    return;
  }
  if (task === undefined) {
    // Ours (same framework) but in no record: see unknown-task.ts.
    if (!isGone(status.state) && status.state !== 'TASK_KILLING') onUnknownTask(state, status, now, out);
  } else {
    applyStatus(state, task, status, now, out);
  }
  // Reconciliation answers carry no uuid and must not be acknowledged.
  if (status.uuid !== undefined && status.agent_id !== undefined) {
    out.call(calls.acknowledge(status.agent_id, status.task_id, status.uuid));
  }
}

function onUnknownTask(state: SchedulerState, status: TaskStatus, now: number, out: Output): void {
  const taskId = status.task_id.value;
  const agentId = status.agent_id?.value;
  const verdict = judgeUnknownTask(state.config, state.ledger.tasks, taskId, agentId);
  if (verdict.kind === 'kill' || agentId === undefined) {
    out.call(calls.kill(status.task_id, status.agent_id));
    out.report({
      type: 'orphan-killed',
      taskId,
      state: status.state,
      reason: verdict.kind === 'kill' ? verdict.why : 'Mesos named no agent',
    });
    return;
  }
  const hostname = state.agentHostnames.get(agentId) ?? '';
  if (hostname === '') state.unnamedAgents.add(agentId);
  if (verdict.slot !== undefined) state.byTaskId.delete(verdict.slot.taskId);
  const template = verdict.role === 'master' ? state.config.master : state.config.worker;
  const task = adoptIntoLedger(state.ledger, verdict, { taskId, agentId, hostname, ports: template.ports, status, now });
  task.fingerprint = state.labelFingerprints.get(taskId);
  state.byTaskId.set(taskId, task);
  state.stuck.delete(task.alias);
  out.dirty = true;
  out.report({
    type: 'task-adopted',
    alias: task.alias,
    taskId,
    role: task.role,
    agentId,
    hostname,
    state: task.state,
    healthy: task.healthy,
  });
}

/** Hostnames come with offers; adopted tasks learn theirs from the first offer of their agent. */
function learnHostnames(state: SchedulerState, offers: readonly Offer[], out: Output): void {
  for (const offer of offers) {
    const agentId = offer.agent_id.value;
    state.offeringAgents.add(agentId);
    state.agentHostnames.set(agentId, offer.hostname);
    if (!state.unnamedAgents.delete(agentId)) continue;
    for (const task of state.ledger.tasks) {
      if (task.agentId !== agentId || task.hostname !== '') continue;
      task.hostname = offer.hostname;
      out.dirty = true;
    }
  }
}

function applyStatus(state: SchedulerState, task: LedgerTask, status: TaskStatus, now: number, out: Output): void {
  const previous = task.state;
  const previousHealthy = task.healthy;
  const next = status.state;
  if (next === previous && (status.healthy === undefined || status.healthy === previousHealthy)) return;

  task.state = next;
  if (next !== 'TASK_RUNNING') task.healthy = undefined;
  else if (status.healthy !== undefined) task.healthy = status.healthy;
  if (status.agent_id !== undefined) task.agentId = status.agent_id.value;
  out.dirty = true;
  const report: SchedulerReport = { type: 'task-state', alias: task.alias, taskId: task.taskId, state: next, healthy: task.healthy };
  if (status.message !== undefined) report.message = status.message;
  if (status.reason !== undefined) report.reason = status.reason;
  out.report(report);

  if (next === 'TASK_RUNNING') state.stuck.delete(task.alias);
  if (isGone(next) && !isGone(previous)) onTaskEnded(state, task, status, now, out);
  else if (!isGone(next) && isGone(previous)) {
    // Back from UNREACHABLE before its relaunch: keep it and cancel the relaunch.
    task.relaunchAt = undefined;
  }
}

function onTaskEnded(state: SchedulerState, task: LedgerTask, status: TaskStatus, now: number, out: Output): void {
  state.stuck.delete(task.alias);
  const kill = task.killRequested;
  task.killRequested = undefined;
  if (kill !== undefined && !kill.relaunch) {
    retireIfScaledDown(state, task, out);
    return;
  }
  if (kill?.replace === true) {
    // A rollout's kill: relaunched at once (on its agent, see placement) with the desired specification.
    task.relaunchAt = now;
    task.sameAgentUntil = now + state.config.timing.sameAgentWaitMs;
    return;
  }

  const { timing } = state.config;
  const failure: LedgerFailure = {
    state: status.state,
    at: now,
    ...(status.message === undefined ? {} : { message: status.message }),
    ...(status.reason === undefined ? {} : { reason: status.reason }),
  };
  task.lastFailure = failure;
  task.failures = task.failures.filter((at) => at > now - timing.crashLoopWindowMs);
  task.failures.push(now);
  if (task.failures.length >= timing.crashLoopLimit) {
    task.crashLooped = true;
    task.relaunchAt = undefined;
    out.report({
      type: 'crash-loop',
      alias: task.alias,
      failures: task.failures.length,
      windowMs: timing.crashLoopWindowMs,
      lastFailure: failure,
    });
    return;
  }
  const delay = backoffDelay(task.failures.length - 1, doubling(timing.relaunchInitialMs, timing.relaunchMaxMs));
  task.relaunchAt = now + delay;
  out.report({ type: 'relaunch-scheduled', alias: task.alias, inMs: delay, failures: task.failures.length, lastState: status.state });
}

function killForGood(state: SchedulerState, alias: string, now: number, out: Output): void {
  const task = state.ledger.tasks.find((t) => t.alias === alias);
  if (task === undefined) return;
  task.relaunchAt = undefined;
  task.crashLooped = false;
  out.dirty = true;
  if (isGone(task.state)) {
    // Nothing runs; just never relaunch it.
    task.killRequested = { at: now, relaunch: false };
    return;
  }
  task.killRequested = { at: now, relaunch: false };
  // Re-sent on the kill schedule; this also ends a launch-timeout check that would kill to relaunch.
  state.stuck.set(task.alias, { phase: 'killing', at: now });
  if (state.subscribed) out.call(calls.kill({ value: task.taskId }, { value: task.agentId }));
}

// ---------------------------------------------------------------------------------------------
// Timers
// ---------------------------------------------------------------------------------------------

function onTick(state: SchedulerState, now: number, out: Output): void {
  const { timing } = state.config;
  const full = state.reconciliation;
  if (full !== undefined) {
    if (full.holding && now >= full.holdUntil) endLaunchHold(state, full, 'timed-out', now, out);
    if (now >= full.nextAt) {
      full.attempt += 1;
      full.nextAt = now + backoffDelay(full.attempt - 1, doubling(timing.explicitReconcileInitialMs, timing.explicitReconcileMaxMs));
      sendFullReconciliation(full, out);
    }
  }
  const explicit = state.explicitReconcile;
  if (explicit !== undefined && now >= explicit.nextAt) {
    explicit.attempt += 1;
    explicit.nextAt = now + backoffDelay(explicit.attempt - 1, doubling(timing.explicitReconcileInitialMs, timing.explicitReconcileMaxMs));
    out.call(reconcileCall(explicit.pending));
  }
  if (now >= state.nextImplicitReconcileAt) {
    state.nextImplicitReconcileAt = now + timing.implicitReconcileMs;
    out.call(calls.reconcile([]));
  }
  if (state.config.worker.max === undefined && now >= state.nextReviveAt) {
    state.nextReviveAt = now + timing.reviveIntervalMs;
    state.workerSearchOpen = true;
  }
  for (const task of state.ledger.tasks) checkStuck(state, task, now, out);
}

/** A task not RUNNING in time: reconcile it first (the update may just be late), then kill it. */
function checkStuck(state: SchedulerState, task: LedgerTask, now: number, out: Output): void {
  const { timing } = state.config;
  if (isGone(task.state)) return;
  const stuck = state.stuck.get(task.alias);
  const killPending = task.killRequested !== undefined;
  if (stuck === undefined) {
    if (killPending) {
      // A kill from before a restart: re-send it on the usual schedule.
      state.stuck.set(task.alias, { phase: 'killing', at: now });
      return;
    }
    if (task.state === 'TASK_RUNNING' || now < task.launchedAt + timing.launchTimeoutMs) return;
    state.stuck.set(task.alias, { phase: 'reconciling', at: now });
    out.call(reconcileCall(new Map([[task.taskId, task.agentId]])));
    out.report({ type: 'launch-timeout', alias: task.alias, taskId: task.taskId, action: 'reconcile' });
    return;
  }
  if (stuck.phase === 'reconciling') {
    if (task.state === 'TASK_RUNNING') {
      state.stuck.delete(task.alias);
      return;
    }
    if (now < stuck.at + timing.stuckReconcileMs) return;
    task.killRequested = { at: now, relaunch: true };
    out.dirty = true;
    state.stuck.set(task.alias, { phase: 'killing', at: now });
    out.call(calls.kill({ value: task.taskId }, { value: task.agentId }));
    out.report({ type: 'launch-timeout', alias: task.alias, taskId: task.taskId, action: 'kill' });
    return;
  }
  if (now >= stuck.at + timing.killRetryMs) {
    stuck.at = now;
    out.call(calls.kill({ value: task.taskId }, { value: task.agentId }));
  }
}

// ---------------------------------------------------------------------------------------------
// Master readiness, and applying placement (decided in placement.ts)
// ---------------------------------------------------------------------------------------------

function isReadyMaster(state: SchedulerState, task: LedgerTask): boolean {
  // An adopted master whose host no offer has named yet cannot be pointed at.
  return (
    task.role === 'master' &&
    task.state === 'TASK_RUNNING' &&
    task.hostname !== '' &&
    (masterHealthCheck(state.config) === undefined || task.healthy === true)
  );
}

/** Masters electing a leader get no health check (a standby listens on no port; see config.ts). */
function masterHealthCheck(config: SchedulerState['config']): SchedulerState['config']['healthCheck'] {
  return config.master.electsLeader ? undefined : config.healthCheck;
}

function webuiUrl(state: SchedulerState, hostname: string): string {
  return `http://${hostname}:${state.config.master.webPort}`;
}

function updateMasterReadiness(state: SchedulerState, out: Output): void {
  const current = state.masterReadyAlias === undefined ? undefined : state.ledger.tasks.find((t) => t.alias === state.masterReadyAlias);
  if (current !== undefined && isReadyMaster(state, current)) return;
  const ready = state.ledger.tasks.find((task) => isReadyMaster(state, task));
  if (ready === undefined) {
    if (state.masterReadyAlias !== undefined) out.report({ type: 'master-lost', alias: state.masterReadyAlias });
    state.masterReadyAlias = undefined;
    return;
  }
  state.masterReadyAlias = ready.alias;
  const url = webuiUrl(state, ready.hostname);
  if (state.ledger.webuiUrl !== url) {
    state.ledger.webuiUrl = url;
    out.dirty = true;
  }
  out.report({ type: 'master-ready', alias: ready.alias, hostname: ready.hostname, webuiUrl: url });
  // Offers declined while waiting carry filters; clear them so workers start now, not in minutes.
  if (wantedSlots(placementView(state), 'worker', Number.POSITIVE_INFINITY).wanted > 0) {
    out.call(calls.revive([state.config.role]));
    state.suppressed = false;
    state.allPlacedReported = false;
  }
}

/**
 * The host of the Alluxio master new workers are pointed at: the ready one; with `workersWithMaster`,
 * else any placed master that is not gone (its workers retry registering until it answers).
 */
function masterForWorkers(state: SchedulerState): string | undefined {
  const ready = state.masterReadyAlias === undefined ? undefined : state.ledger.tasks.find((t) => t.alias === state.masterReadyAlias);
  if (ready !== undefined) return ready.hostname;
  if (state.config.workersWithMaster !== true) return undefined;
  return state.ledger.tasks.find((task) => task.role === 'master' && !isGone(task.state) && task.hostname !== '')?.hostname;
}

/** What placement reads of the state (the ledger's tasks under their own name). */
function placementView(state: SchedulerState): PlacementView {
  return { config: state.config, tasks: state.ledger.tasks, workerSearchOpen: state.workerSearchOpen };
}

/** Applies placement's decisions in offer order: launches first as calls, then the two declines. */
function onOffers(state: SchedulerState, offers: readonly Offer[], now: number, out: Output): void {
  const { config } = state;
  learnHostnames(state, offers, out);
  const full = state.reconciliation;
  if (full?.holding === true) {
    if (now >= full.holdUntil) endLaunchHold(state, full, 'timed-out', now, out);
    else {
      // A launch now could fill an alias that an answer still on its way would adopt.
      if (!state.reportedReasons.has('reconciling')) {
        state.reportedReasons.add('reconciling');
        out.report({ type: 'decline-reason', code: 'reconciling', text: 'waiting for Mesos to list the tasks it runs for this framework' });
      }
      out.call(
        calls.decline(
          offers.map((offer) => offer.id),
          config.timing.waitRefuseSeconds,
        ),
      );
      return;
    }
  }
  const { decisions, workerSearchExhausted } = placeOffers(offers, placementView(state), masterForWorkers(state), now);

  const declineLong: OfferID[] = [];
  const declineShort: OfferID[] = [];
  for (const decision of decisions) {
    if (decision.kind === 'launch') {
      place(state, decision.role, decision.slot, decision.offer, decision.resources, decision.masterHostname, now, out);
      continue;
    }
    const { reason } = decision;
    (decision.transient ? declineShort : declineLong).push(decision.offerId);
    // Each reason once until something changes (a launch or a new subscription clears the set).
    if (reason.code !== 'nothing-needed' && !state.reportedReasons.has(reason.code)) {
      state.reportedReasons.add(reason.code);
      out.report({ type: 'decline-reason', code: reason.code, text: reason.text });
    }
  }
  if (declineLong.length > 0) out.call(calls.decline(declineLong, config.timing.declineRefuseSeconds));
  if (declineShort.length > 0) out.call(calls.decline(declineShort, config.timing.waitRefuseSeconds));
  // Every agent with room was offered and none took a worker, or every agent that ever offered runs
  // one (the search ends with the ACCEPTs instead of one offer round later): stop asking until the
  // next revive.
  if (workerSearchExhausted || everyOfferingAgentRunsWorker(state)) state.workerSearchOpen = false;
}

function everyOfferingAgentRunsWorker(state: SchedulerState): boolean {
  if (state.config.worker.max !== undefined || masterForWorkers(state) === undefined) return false;
  const withWorker = new Set<string>();
  for (const task of state.ledger.tasks) if (task.role === 'worker' && !isGone(task.state)) withWorker.add(task.agentId);
  for (const agentId of state.offeringAgents) if (!withWorker.has(agentId)) return false;
  return true;
}

function commandFor(state: SchedulerState, role: SlotRole, masterHostname: string): CommandInfo {
  const key = `${role}\u0000${masterHostname}`;
  let command = state.commandCache.get(key);
  if (command === undefined) {
    command = state.config.command(role, masterHostname);
    state.commandCache.set(key, command);
  }
  return command;
}

function place(
  state: SchedulerState,
  role: SlotRole,
  existing: LedgerTask | undefined,
  offer: Offer,
  resources: Offer['resources'],
  masterHostname: string,
  now: number,
  out: Output,
): void {
  const { config, ledger } = state;
  const template = role === 'master' ? config.master : config.worker;
  let task = existing;
  if (task === undefined) {
    const alias = `${role}-${ledger.nextAlias[role]}`;
    ledger.nextAlias[role] += 1;
    task = newLedgerTask({ alias, role, taskId: '', agentId: '', hostname: '', state: 'TASK_STAGING', launchedAt: now });
    ledger.tasks.push(task);
  } else {
    state.byTaskId.delete(task.taskId);
    task.relaunchCount += 1;
  }
  task.taskId = taskIdFor(config.taskIdPrefix, task.alias, state.newId());
  task.agentId = offer.agent_id.value;
  task.hostname = offer.hostname;
  task.ports = [...template.ports];
  task.state = 'TASK_STAGING';
  task.healthy = undefined;
  task.launchedAt = now;
  task.relaunchAt = undefined;
  task.killRequested = undefined;
  task.sameAgentUntil = undefined;
  task.fingerprint = state.ledger.desired?.fingerprints[role];
  state.byTaskId.set(task.taskId, task);
  state.stuck.delete(task.alias);
  // The Mesos UI links to the master from the next subscription on; the first master placed wins
  // until one is ready (see updateMasterReadiness).
  if (role === 'master' && state.masterReadyAlias === undefined) ledger.webuiUrl = webuiUrl(state, task.hostname);
  state.reportedReasons.clear();
  out.dirty = true;

  const info = buildTaskInfo({
    name: template.name,
    taskId: task.taskId,
    alias: task.alias,
    agentId: task.agentId,
    resources,
    command: commandFor(state, role, masterHostname),
    fingerprint: task.fingerprint,
    healthCheck: healthCheckOf(role === 'master' ? masterHealthCheck(config) : config.healthCheck, template, task.hostname),
  });
  out.call(calls.accept([offer.id], [calls.launch([info])]));
  out.report({
    type: 'task-launched',
    alias: task.alias,
    taskId: task.taskId,
    role,
    agentId: task.agentId,
    hostname: task.hostname,
    ports: task.ports,
    relaunch: existing !== undefined,
  });
}

function healthCheckOf(
  policy: SchedulerState['config']['healthCheck'],
  template: Parameters<typeof alluxioHealthCheck>[0],
  hostname: string,
): ReturnType<typeof alluxioHealthCheck> | undefined {
  return policy === undefined ? undefined : alluxioHealthCheck(template, hostname, policy);
}

// ---------------------------------------------------------------------------------------------
// SUPPRESS / REVIVE
// ---------------------------------------------------------------------------------------------

/** SUPPRESS when no offer could be used now; REVIVE as soon as one could (relaunch due, new agents). */
function syncOfferInterest(state: SchedulerState, now: number, out: Output): void {
  const masters = wantedSlots(placementView(state), 'master', now);
  const workers = wantedSlots(placementView(state), 'worker', now);
  const workersUsable = workers.wanted > 0 && masterForWorkers(state) !== undefined;
  const wantOffers = masters.wanted > 0 || workersUsable;
  const role = state.config.role;
  if (wantOffers && state.suppressed) {
    out.call(calls.revive([role]));
    state.suppressed = false;
    state.allPlacedReported = false;
  } else if (!wantOffers && !state.suppressed) {
    // While a launched master comes up, offers keep flowing (declined briefly) so workers follow
    // at once; with no master on its way (backing off, crash-looped) there is nothing to wait for.
    const masterComing = state.ledger.tasks.some((task) => task.role === 'master' && !isGone(task.state));
    if (state.masterReadyAlias === undefined && workers.wanted > 0 && masterComing) return;
    out.call(calls.suppress([role]));
    state.suppressed = true;
    const crashLooped = state.ledger.tasks.some((task) => task.crashLooped);
    if (!state.allPlacedReported && !masters.backingOff && !workers.backingOff && !crashLooped) {
      state.allPlacedReported = true;
      const live = state.ledger.tasks.filter((task) => !isGone(task.state));
      out.report({
        type: 'all-placed',
        masters: live.filter((task) => task.role === 'master').length,
        workers: live.filter((task) => task.role === 'worker').length,
      });
    }
  }
}

/**
 * Relaunches and explicit reconciliations wait the doubled delay exactly (attempt 1 waits
 * `initialMs`): they are timers in the reducer's state, not clients racing each other.
 */
function doubling(initialMs: number, maxMs: number): BackoffPolicy {
  return { initialMs, maxMs, jitter: 'none' };
}

// ---------------------------------------------------------------------------------------------
// Desired state, rollouts and scaling (the rollout's own rules are in rollout.ts)
// ---------------------------------------------------------------------------------------------

/** Same launch specifications, counts and batch size: nothing to do (a restart is always a change). */
function sameDesired(a: DesiredState, b: DesiredState): boolean {
  return (
    a.fingerprints.master === b.fingerprints.master &&
    a.fingerprints.worker === b.fingerprints.worker &&
    a.masters === b.masters &&
    a.workers === b.workers &&
    a.pinnedMasterHost === b.pinnedMasterHost &&
    a.maxUnavailable === b.maxUnavailable &&
    (b.restart ?? []).length === 0
  );
}

function applyDesired(state: SchedulerState, incoming: DesiredState, now: number, out: Output): void {
  const { ledger } = state;
  const previous = ledger.desired;
  if (previous !== undefined && incoming.requestId !== undefined && previous.requestId === incoming.requestId) return;
  if (previous !== undefined && sameDesired(previous, incoming)) {
    if (incoming.requestId !== undefined && previous.requestId !== incoming.requestId) {
      previous.requestId = incoming.requestId;
      out.dirty = true;
    }
    return;
  }
  const desired: DesiredState = { ...incoming, revision: (previous?.revision ?? 0) + 1, at: now };
  ledger.desired = desired;
  state.config = configWithDesired(state.config, desired);
  state.commandCache.clear();
  state.allPlacedReported = false;
  state.workerSearchOpen = true;
  state.reportedReasons.clear();
  out.dirty = true;
  // A fixed configuration gets another chance: aliases given up on are relaunched with it.
  for (const task of ledger.tasks) {
    if (!task.crashLooped) continue;
    task.crashLooped = false;
    task.failures = [];
    task.relaunchAt = now;
  }
  if (desired.workers !== undefined) scaleDownTo(state, desired.workers, now, out);
  // The first desired state of a ledger describes what its tasks were launched with when they have
  // no fingerprint yet; it starts no rollout of its own.
  const rollout = previous === undefined ? undefined : startRollout(previous, desired, ledger.tasks, now);
  if (rollout !== undefined) {
    // An older rollout still running hands over: the new one replaces whatever is still outdated.
    ledger.rollout = rollout;
  } else if (ledger.rollout?.phase === 'rolling') {
    ledger.rollout.phase = 'done';
    ledger.rollout.finishedAt = now;
  }
  out.report({ type: 'desired-applied', revision: desired.revision, source: desired.source, rollout: rollout !== undefined });
}

/** The rollout's next step: kills to replace (relaunched at once, see onTaskEnded) and its reports. */
function advanceRollout(state: SchedulerState, now: number, out: Output): void {
  const { rollout, desired } = state.ledger;
  if (rollout === undefined || desired === undefined || rollout.phase !== 'rolling') return;
  const result = stepRollout(
    rollout,
    {
      tasks: state.ledger.tasks,
      desired,
      healthChecked: state.config.healthCheck !== undefined,
      mastersHealthChecked: masterHealthCheck(state.config) !== undefined,
      healthyTimeoutMs: state.config.timing.rolloutHealthyTimeoutMs,
      leadingMaster: state.alluxioLeader,
    },
    now,
  );
  if (result.changed) out.dirty = true;
  for (const task of result.replace) {
    task.killRequested = { at: now, relaunch: true, replace: true };
    task.relaunchAt = undefined;
    state.stuck.set(task.alias, { phase: 'killing', at: now });
    out.dirty = true;
    out.call(calls.kill({ value: task.taskId }, { value: task.agentId }, gracePeriod(state)));
  }
  for (const report of result.reports) out.report(report);
}

function gracePeriod(state: SchedulerState): { grace_period: { nanoseconds: number } } {
  return { grace_period: { nanoseconds: state.config.timing.killGracePeriodMs * 1_000_000 } };
}

/** Workers beyond `count`: the newest aliases are stopped for good (gracefully) and then forgotten. */
function scaleDownTo(state: SchedulerState, count: number, now: number, out: Output): void {
  const kept = state.ledger.tasks
    .filter((task) => task.role === 'worker' && (task.killRequested === undefined || task.killRequested.relaunch))
    .sort((a, b) => aliasNumber(a.alias) - aliasNumber(b.alias));
  for (const task of kept.slice(count)) {
    out.report({ type: 'worker-retired', alias: task.alias });
    if (isGone(task.state)) {
      forget(state, task);
      out.dirty = true;
      continue;
    }
    task.relaunchAt = undefined;
    task.crashLooped = false;
    task.killRequested = { at: now, relaunch: false };
    state.stuck.set(task.alias, { phase: 'killing', at: now });
    out.dirty = true;
    if (state.subscribed) out.call(calls.kill({ value: task.taskId }, { value: task.agentId }, gracePeriod(state)));
  }
}

/** A worker stopped for good while the desired count is below the records: its alias is dropped. */
function retireIfScaledDown(state: SchedulerState, task: LedgerTask, out: Output): void {
  const max = state.config.worker.max;
  if (task.role !== 'worker' || max === undefined) return;
  const records = state.ledger.tasks.filter((t) => t.role === 'worker').length;
  if (records <= max) return;
  forget(state, task);
  out.dirty = true;
}

function forget(state: SchedulerState, task: LedgerTask): void {
  const index = state.ledger.tasks.indexOf(task);
  if (index >= 0) state.ledger.tasks.splice(index, 1);
  state.byTaskId.delete(task.taskId);
  state.stuck.delete(task.alias);
}

function aliasNumber(alias: string): number {
  return Number(/-(\d+)$/.exec(alias)?.[1] ?? 0);
}

/** Takes the fingerprints Mesos' labels give; ledger tasks without one (older ledgers) learn theirs. */
export function learnFingerprints(state: SchedulerState, fromLabels: ReadonlyMap<string, string>): void {
  for (const [taskId, fingerprint] of fromLabels) state.labelFingerprints.set(taskId, fingerprint);
  for (const task of state.ledger.tasks) task.fingerprint ??= fromLabels.get(task.taskId);
}
