/**
 * Leader election with ZooKeeper's recipe: every candidate creates an ephemeral sequential node
 * under one directory; the lowest sequence leads. A waiting candidate watches only its predecessor
 * (so one node going away wakes one candidate, not the herd) to take over, and the leader, only to
 * report who leads. A candidate's node vanishes with its session: a leader that dies or is cut off
 * from ZooKeeper for longer than its session timeout is replaced by the next in line.
 */
import { abortReason } from '../../shared/clock.js';
import type { CoordinationClient } from './coordination.js';

/** The prefix of every candidate node: `<dir>/candidate-0000000007`. */
const CANDIDATE_PREFIX = 'candidate-';
const RESIGN_TIMEOUT_MS = 2_000;

export interface Candidate {
  /** The node's name under the election directory. */
  readonly name: string;
  readonly sequence: number;
  /** What the candidate wrote when it joined; undefined if it vanished before we read it. */
  readonly data: Buffer | undefined;
}

/** The sequence number ZooKeeper appended to a node name (its last 10 digits). */
export function sequenceOf(name: string): number | undefined {
  const match = /(\d{10})$/.exec(name);
  return match === null ? undefined : Number(match[1]);
}

/** Candidate names in election order (lowest sequence first); names without a sequence are ignored. */
export function electionOrder(names: readonly string[]): string[] {
  return names
    .filter((name) => sequenceOf(name) !== undefined)
    .sort((a, b) => (sequenceOf(a) ?? 0) - (sequenceOf(b) ?? 0) || a.localeCompare(b));
}

/** Every candidate, leader first, with its data (one that vanished meanwhile is left out). */
export async function listCandidates(client: CoordinationClient, dir: string): Promise<Candidate[]> {
  const names = electionOrder((await client.children(dir)) ?? []);
  const candidates = await Promise.all(
    names.map(async (name): Promise<Candidate | undefined> => {
      const read = await client.read(`${dir}/${name}`);
      return read === undefined ? undefined : { name, sequence: sequenceOf(name) ?? 0, data: read.data };
    }),
  );
  return candidates.filter((candidate): candidate is Candidate => candidate !== undefined);
}

/** Another candidate leads and the caller would not wait (`standby` false): our node is withdrawn. */
export class ElectionTakenError extends Error {
  constructor(readonly leader: Candidate) {
    super(`the election is led by ${leader.name}`);
  }
}

/** Our own node vanished while we waited: the session expired. A new session must join again. */
export class CandidacyLostError extends Error {
  constructor(readonly node: string) {
    super(`election node ${node} vanished (ZooKeeper session expired)`);
  }
}

export interface ElectionOptions {
  /** Wait for the leader to go (true) or withdraw at once when another leads (false). */
  readonly standby: boolean;
  /** Aborting withdraws our node and rejects with the signal's reason. */
  readonly signal: AbortSignal;
  /** While waiting: called first with the leader, then whenever the leader changes. */
  readonly onLeader?: (leader: Candidate) => void;
}

export interface Leadership {
  /** Our node's name under the election directory. */
  readonly node: string;
  /** Epoch ms at which ZooKeeper last confirmed (by answering) that our node leads. */
  readonly confirmedAt: number;
  /** Deletes our node so that the next candidate takes over at once; idempotent. */
  resign(): Promise<void>;
}

/** Joins the election under `dir` with `data`; resolves once we lead. */
export async function runForLeader(
  client: CoordinationClient,
  dir: string,
  data: Buffer,
  options: ElectionOptions,
  now: () => number = Date.now,
): Promise<Leadership> {
  await client.mkdirp(dir);
  const node = await client.createEphemeralSequential(`${dir}/${CANDIDATE_PREFIX}`, data);
  let resigned = false;
  const resign = async (): Promise<void> => {
    if (resigned) return;
    resigned = true;
    // Bounded: a request made while the session is being lost may never be answered.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      client.remove(`${dir}/${node}`).catch(() => undefined),
      new Promise((resolve) => (timer = setTimeout(resolve, RESIGN_TIMEOUT_MS))),
    ]);
    clearTimeout(timer);
  };
  try {
    let reportedLeader: string | undefined;
    for (;;) {
      if (options.signal.aborted) throw abortReason(options.signal);
      const askedAt = now();
      const order = electionOrder((await client.children(dir)) ?? []);
      const position = order.indexOf(node);
      if (position === -1) throw new CandidacyLostError(node);
      if (position === 0) return { node, confirmedAt: askedAt, resign };

      const leaderName = order[0] as string;
      const leaderData = await client.read(`${dir}/${leaderName}`);
      if (leaderData === undefined) continue; // it just went: look again
      const leader: Candidate = { name: leaderName, sequence: sequenceOf(leaderName) ?? 0, data: leaderData.data };
      if (!options.standby) throw new ElectionTakenError(leader);
      if (leaderName !== reportedLeader) {
        reportedLeader = leaderName;
        options.onLeader?.(leader);
      }
      await waitForChange(client, dir, [order[position - 1] as string, leaderName], options.signal);
    }
  } catch (error) {
    await resign();
    throw error;
  }
}

/**
 * Resolves when one of `watched` (the predecessor, and the leader to report it) goes away, or
 * when the session expires (the caller then finds its own node gone), or at once when one is gone
 * already. Rejects when `signal` aborts.
 */
async function waitForChange(client: CoordinationClient, dir: string, watched: readonly string[], signal: AbortSignal): Promise<void> {
  let wake: () => void = () => undefined;
  const woken = new Promise<void>((resolve) => (wake = resolve));
  const unsubscribe = client.onSession((event) => {
    if (event === 'expired' || event === 'reconnected') wake();
  });
  const onAbort = (): void => wake();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for (const name of new Set(watched)) {
      if (!(await client.exists(`${dir}/${name}`, wake))) return;
    }
    await woken;
    if (signal.aborted) throw abortReason(signal);
  } finally {
    unsubscribe();
    signal.removeEventListener('abort', onAbort);
  }
}
