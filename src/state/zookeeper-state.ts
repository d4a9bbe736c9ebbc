/**
 * Deployment state in ZooKeeper (`--state zk://zk1:2181,zk2:2181/alluxio-mesos`). Under the path P:
 * - `P/ledger`: the ledger JSON (as the file holds it), written only with versioned compare-and-set
 *   from the version this scheduler last read or wrote: a write by anyone else makes ours fail and
 *   the lease is lost, so a deposed leader can never overwrite its successor;
 * - `P/desired`: a desired state handed to the active scheduler by another process (deploy with a
 *   change, scale, restart, rollout undo); only the scheduler writes the ledger;
 * - `P/leader/candidate-<seq>`: the election, one ephemeral sequential node per `deploy` holding
 *   {pid, host, since}; the lowest leads, the others stand by (`deploy --standby`).
 *
 * Fencing: the lease is lost, and the scheduler stops sending calls, the moment the session is
 * disconnected (the server may expire it any moment and a standby take over), expires, or has not
 * been confirmed by a server answer for 3/4 of the session timeout (a process frozen, then woken:
 * it learns this before its first call, since `checkHeld` runs synchronously).
 */
import os from 'node:os';
import { UnreachableError } from '../shared/errors.js';
import { abortReason, systemClock } from '../shared/clock.js';
import { openCoordinationClient, VersionConflictError, type CoordinationClient } from '../mesos/zookeeper/coordination.js';
import { CandidacyLostError, ElectionTakenError, listCandidates, runForLeader, type Candidate } from '../mesos/zookeeper/election.js';
import { SchedulerActiveError, SchedulerLeaseLostError } from './scheduler-errors.js';
import {
  type AcquireOptions,
  type DeploymentState,
  type SchedulerIdentity,
  type SchedulerLease,
  type SchedulerPresence,
} from './deployment-state.js';
import { parseLedger, serializeLedger, type Ledger, type LedgerStore } from './ledger.js';
import { parseDesiredRequest, serializeDesiredRequest, type DesiredState } from './desired-state.js';
import { describeStateLocation, type StateLocation } from './state-location.js';

type ZooKeeperLocation = Extract<StateLocation, { kind: 'zk' }>;

export interface ZooKeeperStateOptions {
  /** How long to wait for a ZooKeeper session (a standby waits for ever, retrying). */
  readonly timeoutMs: number;
  /** Where the location came from, for error hints. */
  readonly source?: string;
  /** Tests inject a fake client; by default a real session to the location's servers. */
  readonly connect?: (signal: AbortSignal | undefined) => Promise<CoordinationClient>;
  readonly now?: () => number;
  /** This process, as written into its election node. */
  readonly self?: { pid: number; host: string };
  /** A standby's pause between attempts to reach ZooKeeper. */
  readonly retryMs?: number;
  /** Told when a standby cannot reach ZooKeeper and keeps retrying. */
  readonly onRetry?: (error: Error) => void;
}

/** Of the session timeout, how long a server answer vouches for the session (the rest is margin). */
const CONFIRMATION_VALIDITY = 0.75;
/** Keepalives per session timeout: a few, so one slow answer does not lose the lease. */
const KEEPALIVES_PER_TIMEOUT = 5;

export function openZooKeeperState(location: ZooKeeperLocation, options: ZooKeeperStateOptions): DeploymentState {
  return new ZooKeeperState(location, options);
}

/** The identity a candidate node holds; undefined when it is not ours to read. */
function parseIdentity(data: Buffer | undefined): SchedulerIdentity | undefined {
  if (data === undefined) return undefined;
  try {
    const raw = JSON.parse(data.toString('utf8')) as Partial<SchedulerIdentity> | null;
    if (typeof raw?.pid === 'number' && typeof raw.host === 'string' && typeof raw.since === 'number') {
      return { pid: raw.pid, host: raw.host, since: raw.since };
    }
  } catch {
    // not written by alluxio-mesos
  }
  return undefined;
}

function identityOf(candidate: Candidate): SchedulerIdentity {
  return parseIdentity(candidate.data) ?? { pid: 0, host: `unknown (${candidate.name})`, since: 0 };
}

class ZooKeeperState implements DeploymentState {
  readonly location: string;
  private readonly ledgerPath: string;
  /** A desired state handed to the active scheduler by another process. */
  private readonly desiredPath: string;
  private readonly leaderDir: string;
  private readonly now: () => number;
  private client: CoordinationClient | undefined;
  private expired = false;
  /** Our election node while we hold the lease (clear() may then proceed). */
  private ownNode: string | undefined;

  constructor(
    private readonly where: ZooKeeperLocation,
    private readonly options: ZooKeeperStateOptions,
  ) {
    this.location = describeStateLocation(where, '');
    this.ledgerPath = `${where.address.path}/ledger`;
    this.desiredPath = `${where.address.path}/desired`;
    this.leaderDir = `${where.address.path}/leader`;
    this.now = options.now ?? Date.now;
  }

  async readLedger(): Promise<Ledger | undefined> {
    const read = await (await this.session()).read(this.ledgerPath);
    return read === undefined ? undefined : parseLedger(read.data.toString('utf8'), `${this.location} (ledger)`);
  }

  async submitDesired(desired: DesiredState): Promise<void> {
    const client = await this.session();
    const data = Buffer.from(serializeDesiredRequest(desired), 'utf8');
    const current = await client.read(this.desiredPath);
    if (current === undefined) await client.create(this.desiredPath, data);
    else await client.write(this.desiredPath, data, current.version);
  }

  async readDesiredRequest(): Promise<DesiredState | undefined> {
    const read = await (await this.session()).read(this.desiredPath);
    return read === undefined ? undefined : parseDesiredRequest(read.data.toString('utf8'), `${this.location} (desired)`);
  }

  async readScheduler(): Promise<SchedulerPresence> {
    const [leader, ...standbys] = await listCandidates(await this.session(), this.leaderDir);
    return { leader: leader === undefined ? undefined : identityOf(leader), standbys: standbys.map(identityOf) };
  }

  async acquire(options: AcquireOptions): Promise<SchedulerLease> {
    const { standby, signal } = options;
    const self = this.options.self ?? { pid: process.pid, host: os.hostname() };
    let reportedUnreachable = false;
    for (;;) {
      if (signal.aborted) throw abortReason(signal);
      let client: CoordinationClient;
      try {
        client = await this.session(signal);
      } catch (error) {
        // A standby outlives ZooKeeper outages; a plain deploy says so at once (exit 3).
        if (!standby || signal.aborted || !(error instanceof UnreachableError)) throw error;
        if (!reportedUnreachable) this.options.onRetry?.(error);
        reportedUnreachable = true;
        await systemClock.sleep(this.options.retryMs ?? 1_000, signal);
        continue;
      }
      try {
        const joined: SchedulerIdentity = { ...self, since: this.now() };
        const leadership = await runForLeader(
          client,
          this.leaderDir,
          Buffer.from(JSON.stringify(joined)),
          { standby, signal, onLeader: (leader) => options.onStandby?.(identityOf(leader)) },
          this.now,
        );
        // `since` says when this scheduler took the lease, as status shows it.
        const node = `${this.leaderDir}/${leadership.node}`;
        const mine = await client.read(node);
        if (mine !== undefined) await client.write(node, Buffer.from(JSON.stringify({ ...self, since: this.now() })), mine.version);
        const ledger = await client.read(this.ledgerPath);
        this.ownNode = leadership.node;
        return this.lease(client, leadership.node, leadership.confirmedAt, ledger?.version ?? -1, leadership.resign);
      } catch (error) {
        if (error instanceof ElectionTakenError) throw new SchedulerActiveError(identityOf(error.leader), this.location);
        const sessionGone = error instanceof CandidacyLostError || error instanceof UnreachableError || this.expired;
        if (standby && !signal.aborted && sessionGone) {
          // Our candidacy died with the session: join again with a new one.
          await this.reset();
          continue;
        }
        throw error;
      }
    }
  }

  async clear(): Promise<void> {
    const client = await this.session();
    const [leader] = await listCandidates(client, this.leaderDir);
    if (leader !== undefined && leader.name !== this.ownNode) throw new SchedulerActiveError(identityOf(leader), this.location);
    await client.remove(this.ledgerPath);
    await client.remove(this.desiredPath);
  }

  /** Moves the ledger aside to `ledger.migrated-<epoch ms>` (migration keeps the source as a backup). */
  async retireLedger(): Promise<string | undefined> {
    const client = await this.session();
    const current = await client.read(this.ledgerPath);
    if (current === undefined) return undefined;
    const backup = `${this.ledgerPath}.migrated-${this.now()}`;
    await client.create(backup, current.data);
    await client.remove(this.ledgerPath, current.version);
    return `${this.location.replace(/\?.*$/, '')}/${backup.slice(this.where.address.path.length + 1)}`;
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.close();
  }

  private async session(signal?: AbortSignal): Promise<CoordinationClient> {
    if (this.client !== undefined && !this.expired) return this.client;
    await this.reset();
    const connect =
      this.options.connect ??
      ((abort: AbortSignal | undefined) =>
        openCoordinationClient(this.where.address, {
          timeoutMs: this.options.timeoutMs,
          sessionTimeoutMs: this.where.sessionTimeoutMs,
          source: this.options.source ?? '--state (or the state saved by init)',
          ...(abort === undefined ? {} : { signal: abort }),
        }));
    const client = await connect(signal);
    this.expired = false;
    client.onSession((event) => {
      if (event === 'expired') this.expired = true;
    });
    this.client = client;
    return client;
  }

  private async reset(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.close().catch(() => undefined);
  }

  private lease(
    client: CoordinationClient,
    node: string,
    confirmedAtStart: number,
    ledgerVersion: number,
    resign: () => Promise<void>,
  ): SchedulerLease {
    const lost = new AbortController();
    let confirmedAt = confirmedAtStart;
    /** The ledger's version as we last read or wrote it; -1 while it does not exist. */
    let version = ledgerVersion;
    let released = false;
    const validityMs = client.sessionTimeoutMs * CONFIRMATION_VALIDITY;

    const lose = (why: string): void => {
      if (released || lost.signal.aborted) return;
      lost.abort(new SchedulerLeaseLostError(why, this.location));
      stop();
    };
    const checkHeld = (): void => {
      const silentMs = this.now() - confirmedAt;
      if (silentMs > validityMs) lose(`no answer from ZooKeeper for ${Math.round(silentMs)} ms: its session may have expired`);
    };
    const unsubscribe = client.onSession((event) => {
      if (event === 'disconnected') lose('disconnected from ZooKeeper');
      else if (event === 'expired') lose('ZooKeeper session expired');
    });
    // Each answer vouches for the session from the moment its request left: the server cannot
    // expire it sooner than one session timeout after receiving it.
    const keepalive = setInterval(
      () => {
        const sentAt = this.now();
        client.exists(`${this.leaderDir}/${node}`).then(
          (exists) => {
            if (!exists) lose('our election node vanished');
            else confirmedAt = Math.max(confirmedAt, sentAt);
          },
          () => undefined, // a lost connection is reported as a session event
        );
      },
      Math.max(100, client.sessionTimeoutMs / KEEPALIVES_PER_TIMEOUT),
    );
    keepalive.unref();
    function stop(): void {
      clearInterval(keepalive);
      unsubscribe();
    }
    const throwIfLost = (): void => {
      checkHeld();
      if (lost.signal.aborted) throw lost.signal.reason as Error;
    };
    const conflict = (): Error => {
      lose('the ledger in ZooKeeper was written by another scheduler');
      return lost.signal.reason as Error;
    };

    const store: LedgerStore = {
      load: async () => {
        throwIfLost();
        const read = await client.read(this.ledgerPath);
        if ((read?.version ?? -1) !== version) throw conflict();
        return read === undefined ? undefined : parseLedger(read.data.toString('utf8'), `${this.location} (ledger)`);
      },
      save: async (ledger) => {
        throwIfLost();
        const data = Buffer.from(serializeLedger(ledger), 'utf8');
        const sentAt = this.now();
        try {
          if (version === -1) {
            await client.create(this.ledgerPath, data);
            version = 0;
          } else {
            version = await client.write(this.ledgerPath, data, version);
          }
        } catch (error) {
          if (error instanceof VersionConflictError) throw conflict();
          throw error;
        }
        confirmedAt = Math.max(confirmedAt, sentAt);
      },
    };

    return {
      lost: lost.signal,
      store,
      checkHeld,
      release: async () => {
        if (released) return;
        released = true;
        stop();
        if (this.ownNode === node) this.ownNode = undefined;
        // A lost session's node is gone or going; a request on it may never be answered.
        if (!lost.signal.aborted) await resign();
      },
    };
  }
}

/** A ZooKeeper state can retire its ledger (migration); others cannot. */
export function isZooKeeperState(state: DeploymentState): state is DeploymentState & { retireLedger(): Promise<string | undefined> } {
  return state instanceof ZooKeeperState;
}
