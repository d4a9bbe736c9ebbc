/**
 * Where the Alluxio tasks go, as a pure function: a batch of offers and the scheduler's view of its
 * slots in, one decision per offer out (launch a master, launch a worker, or decline with a reason).
 * It mutates nothing; the reducer in `state-machine.ts` applies the decisions to the ledger, builds
 * the calls and reports. Whether one offer's resources fit one task is `offer-matching.ts`.
 *
 * The rules: masters first, on distinct hosts (and on the pinned host, if any); workers only once a
 * master is running and healthy, at most one per agent; an offer nobody can use now is declined long,
 * one that may be useful soon (master coming up, relaunch backoff) is declined briefly. With
 * `workersWithMaster` (for distributions whose workers retry registering with their master, as
 * Alluxio's do), workers need only a master that is placed: one launched earlier and not gone, or one
 * placed by this very batch, so that the master and every worker go out in the same offer round.
 *
 * A dead worker waiting for its relaunch keeps its agent: that agent's offers wait for the backoff
 * (declined briefly) and then relaunch the same alias there, where its cache and logs are. Without
 * this, with one worker per agent and no maximum, real Mesos offers the freed agent at once and a
 * new alias took it, leaving the dead one with nowhere to go (seen on Mesos 1.12).
 */
import type { Offer, OfferID, Resource } from '../../mesos/protocol/types.js';
import { isGone, type LedgerTask, type SlotRole } from '../../state/ledger.js';
import type { SchedulerConfig } from './config.js';
import { matchOffer, type DeclineReason } from './offer-matching.js';

/** What placement reads of the scheduler's state. */
export interface PlacementView {
  readonly config: SchedulerConfig;
  /** The ledger's tasks, one per alias (live and dead). */
  readonly tasks: readonly LedgerTask[];
  /** Without a worker maximum: whether offers may still reveal agents without a worker. */
  readonly workerSearchOpen: boolean;
}

export interface Wanted {
  /** Dead aliases whose backoff is over, in ledger order. */
  readonly relaunch: LedgerTask[];
  /** New aliases that may still be created. */
  readonly fresh: number;
  readonly wanted: number;
  /** Some alias waits for its backoff to end. */
  readonly backingOff: boolean;
}

/** How many tasks of `role` could be launched at `now`: relaunches that are due, plus new aliases. */
export function wantedSlots(view: PlacementView, role: SlotRole, now: number): Wanted {
  const relaunch: LedgerTask[] = [];
  let slots = 0;
  let backingOff = false;
  for (const task of view.tasks) {
    if (task.role !== role) continue;
    slots += 1;
    if (!isGone(task.state) || task.crashLooped || task.relaunchAt === undefined) continue;
    if (task.relaunchAt <= now) relaunch.push(task);
    else backingOff = true;
  }
  const limit = role === 'master' ? view.config.master.count : view.config.worker.max;
  let fresh: number;
  if (limit !== undefined) fresh = Math.max(0, limit - slots);
  else fresh = view.workerSearchOpen ? Number.POSITIVE_INFINITY : 0;
  return { relaunch, fresh, wanted: relaunch.length + fresh, backingOff };
}

export type OfferDecision =
  | {
      readonly kind: 'launch';
      readonly offer: Offer;
      readonly role: SlotRole;
      /** The dead alias relaunched by this launch; undefined for a new alias. */
      readonly slot: LedgerTask | undefined;
      /** The offer's resources the task takes (from `matchOffer`). */
      readonly resources: Resource[];
      /** The Alluxio master the task's command points at (the master's own host for a master). */
      readonly masterHostname: string;
    }
  | {
      readonly kind: 'decline';
      readonly offerId: OfferID;
      readonly reason: DeclineReason;
      /** Useful again soon (a master coming up, a backoff ending): decline with the short filter. */
      readonly transient: boolean;
    };

export interface PlacementResult {
  /** One decision per offer, in offer order. */
  readonly decisions: OfferDecision[];
  /**
   * Without a worker maximum: every agent with room was offered and none took a worker, so the
   * search for more agents may stop until the next periodic revive.
   */
  readonly workerSearchExhausted: boolean;
}

/**
 * Decides every offer of one OFFERS event. `workerMaster` is the hostname of the Alluxio master
 * workers join (the running, healthy one; with `workersWithMaster`, any placed one), undefined
 * while there is none.
 */
export function placeOffers(offers: readonly Offer[], view: PlacementView, workerMaster: string | undefined, now: number): PlacementResult {
  const { config } = view;
  const masters = wantedSlots(view, 'master', now);
  const workers = wantedSlots(view, 'worker', now);
  let mastersLeft = masters.wanted;
  let masterRelaunch = 0;
  /** Due worker relaunches not placed yet, and new worker aliases that may still be created. */
  const pendingWorkers = [...workers.relaunch];
  let freshWorkers = workers.fresh;
  const workersLeft = (): number => pendingWorkers.length + freshWorkers;

  const masterHosts = new Set<string>();
  const workerAgents = new Set<string>();
  /** Agents of dead workers that will be relaunched, by agent id. */
  const heldAgents = new Map<string, LedgerTask>();
  for (const task of view.tasks) {
    if (isGone(task.state)) {
      if (task.role === 'worker' && !task.crashLooped && task.relaunchAt !== undefined) heldAgents.set(task.agentId, task);
      continue;
    }
    if (task.role === 'master') masterHosts.add(task.hostname);
    else workerAgents.add(task.agentId);
  }
  const offeredAgents = new Set(offers.map((offer) => offer.agent_id.value));

  // Masters first, over the whole batch: with workersWithMaster, a worker on an earlier offer than
  // the master's already knows where its master goes.
  const masterLaunches = new Map<Offer, OfferDecision>();
  const masterMisses = new Map<Offer, DeclineReason>();
  for (const offer of offers) {
    if (mastersLeft <= 0) break;
    const waitingMaster = masters.relaunch[masterRelaunch];
    if (
      waitingMaster?.sameAgentUntil !== undefined &&
      now < waitingMaster.sameAgentUntil &&
      waitingMaster.agentId !== offer.agent_id.value
    ) {
      // A master replaced by a rollout comes back where its journal is, and where workers look for it.
      masterMisses.set(offer, { code: 'relaunch-backoff', text: `${waitingMaster.alias} waits for an offer of its own agent` });
      continue;
    }
    let reason = masterMisfit(config, offer, masterHosts);
    if (reason === undefined) {
      const match = matchOffer(offer, config.role, config.master, 'master');
      if (match.fit) {
        const slot = masters.relaunch[masterRelaunch];
        if (slot !== undefined) masterRelaunch += 1;
        masterLaunches.set(offer, {
          kind: 'launch',
          offer,
          role: 'master',
          slot,
          resources: match.resources,
          masterHostname: offer.hostname,
        });
        masterHosts.add(offer.hostname);
        mastersLeft -= 1;
        continue;
      }
      reason = match.reason;
    }
    masterMisses.set(offer, reason);
  }
  const masterForWorkers =
    workerMaster ??
    (config.workersWithMaster === true
      ? [...masterLaunches.values()].find((decision) => decision.kind === 'launch')?.offer.hostname
      : undefined);

  const decisions: OfferDecision[] = [];
  let placedWorkers = 0;
  for (const offer of offers) {
    const masterLaunch = masterLaunches.get(offer);
    if (masterLaunch !== undefined) {
      decisions.push(masterLaunch);
      continue;
    }
    let reason: DeclineReason | undefined = masterMisses.get(offer);
    const held = heldAgents.get(offer.agent_id.value);
    const heldUntilBackoffEnds = held !== undefined && !pendingWorkers.includes(held) && !workerAgents.has(offer.agent_id.value);
    if (heldUntilBackoffEnds && masterForWorkers !== undefined) {
      reason ??= { code: 'relaunch-backoff', text: `${held.alias} waits for its relaunch backoff on ${offer.hostname}` };
      decisions.push({ kind: 'decline', offerId: offer.id, reason, transient: true });
      continue;
    }
    if (workersLeft() > 0 && masterForWorkers !== undefined) {
      if (workerAgents.has(offer.agent_id.value)) {
        reason ??= { code: 'host-has-worker', text: `${offer.hostname} already runs an Alluxio worker (one per agent)` };
      } else {
        const match = matchOffer(offer, config.role, config.worker, 'worker');
        if (match.fit) {
          // The alias that died on this agent; else a due relaunch whose own agent is not in this
          // batch (it may be gone); else a new alias.
          const slot =
            held !== undefined && pendingWorkers.includes(held) ? held : pendingWorkers.find((task) => !offeredAgents.has(task.agentId));
          if (slot !== undefined || freshWorkers > 0) {
            if (slot !== undefined) pendingWorkers.splice(pendingWorkers.indexOf(slot), 1);
            else freshWorkers -= 1;
            decisions.push({ kind: 'launch', offer, role: 'worker', slot, resources: match.resources, masterHostname: masterForWorkers });
            workerAgents.add(offer.agent_id.value);
            placedWorkers += 1;
            continue;
          }
          reason ??= { code: 'relaunch-backoff', text: 'a worker is about to be relaunched on its own agent' };
          decisions.push({ kind: 'decline', offerId: offer.id, reason, transient: true });
          continue;
        }
        reason ??= match.reason;
      }
    }
    let transient = reason?.code === 'relaunch-backoff';
    if (reason === undefined) {
      if (workersLeft() > 0 && masterForWorkers === undefined) {
        reason = { code: 'waiting-for-master', text: 'workers start once the Alluxio master is running and healthy' };
        transient = true;
      } else if (masters.backingOff || workers.backingOff) {
        reason = { code: 'relaunch-backoff', text: 'a task waits for its relaunch backoff' };
        transient = true;
      } else {
        reason = { code: 'nothing-needed', text: 'every task is placed' };
      }
    }
    decisions.push({ kind: 'decline', offerId: offer.id, reason, transient });
  }
  const workerSearchExhausted =
    config.worker.max === undefined && masterForWorkers !== undefined && placedWorkers === 0 && workers.relaunch.length === 0;
  return { decisions, workerSearchExhausted };
}

function masterMisfit(config: SchedulerConfig, offer: Offer, masterHosts: ReadonlySet<string>): DeclineReason | undefined {
  const pinned = config.master.pinnedHost;
  if (pinned !== undefined && offer.hostname.toLowerCase() !== pinned.toLowerCase()) {
    return { code: 'not-pinned-host', text: `the Alluxio master is pinned to ${pinned}; ${offer.hostname} is not it` };
  }
  const journalHosts = config.master.journalHosts;
  if (journalHosts !== undefined && !journalHosts.some((host) => host.toLowerCase() === offer.hostname.toLowerCase())) {
    return {
      code: 'not-journal-host',
      text: `the embedded journal names the master hosts (${journalHosts.join(', ')}); ${offer.hostname} is not one of them`,
    };
  }
  if (masterHosts.has(offer.hostname)) {
    return { code: 'host-has-master', text: `${offer.hostname} already runs an Alluxio master (masters go on distinct agents)` };
  }
  return undefined;
}
