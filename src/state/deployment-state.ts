/**
 * Where one deployment's scheduler state lives (the framework id and the task ledger) and who may
 * write it: exactly one active scheduler per deployment. Two backends implement it:
 * - file state (the default): the ledger beside the configuration and an exclusive lock file
 *   (pid, host, start time, heartbeat) held by the active `deploy`;
 * - ZooKeeper state (`--state zk://zk1:2181,zk2:2181/alluxio-mesos`): the ledger in a znode written
 *   with versioned compare-and-set, and leader election among every `deploy` given that path.
 *
 * Commands that only read (status, logs, teardown's preview) use `readLedger` and `readScheduler`;
 * `deploy` acquires a lease and writes through the lease's store only, so a deposed scheduler can
 * never overwrite its successor's state (fencing).
 */
import type { Ledger, LedgerStore } from './ledger.js';
import type { DesiredState } from './desired-state.js';

/** A scheduler process, as recorded by the state it holds or waits for. */
export interface SchedulerIdentity {
  readonly pid: number;
  readonly host: string;
  /** Epoch ms when this scheduler took the lease (leader) or started waiting (standby). */
  readonly since: number;
}

export interface SchedulerPresence {
  /** The active scheduler, if one holds the lease (a stale file lock is not a holder). */
  readonly leader: (SchedulerIdentity & { readonly heartbeatAt?: number }) | undefined;
  /** Schedulers waiting to take over (`deploy --standby`), as far as the backend can tell. */
  readonly standbys: readonly SchedulerIdentity[];
  /**
   * With no leader: epoch ms when the last one was last known alive (a stale file lock's heartbeat),
   * if the backend can tell; `status` says since when no scheduler runs.
   */
  readonly lastSeenAt?: number;
}

export interface AcquireOptions {
  /** Wait for the holder to go away and take over (`deploy --standby`), instead of failing. */
  readonly standby: boolean;
  /** Aborting gives up waiting (Ctrl-C, SIGTERM). */
  readonly signal: AbortSignal;
  /** Called when this process starts to wait, and whenever the leader it waits for changes. */
  readonly onStandby?: (leader: SchedulerIdentity | undefined) => void;
}

/** The right to be the deployment's one active scheduler, until released or lost. */
export interface SchedulerLease {
  /**
   * Aborted the moment the lease is lost (ZooKeeper session expired, lock taken over as stale):
   * the scheduler must stop sending calls at once. Its reason is an AlluxioMesosError saying why.
   */
  readonly lost: AbortSignal;
  /** The ledger, written only while the lease holds: a save after it is lost is rejected. */
  readonly store: LedgerStore;
  /**
   * Aborts `lost` now if the backend can tell, without waiting for an event, that the lease may be
   * gone (ZooKeeper: no answer from the server for most of the session timeout, as after the process
   * was frozen). Event callbacks run only after timers, so `lost` alone could be seen too late by a
   * process that wakes up: call `assertLeaseHeld` right before every Mesos call.
   */
  checkHeld?(): void;
  /** Gives the lease up (a standby takes over); idempotent. */
  release(): Promise<void>;
}

export interface DeploymentState {
  /** Where the state lives, for humans: a file path or a zk:// URL. */
  readonly location: string;
  readLedger(): Promise<Ledger | undefined>;
  readScheduler(): Promise<SchedulerPresence>;
  /**
   * Becomes the active scheduler. Without `standby`, fails at once with SchedulerActiveError
   * (exit 1) naming the holder when another scheduler holds the lease.
   */
  acquire(options: AcquireOptions): Promise<SchedulerLease>;
  /** Removes the ledger (teardown); refused while another scheduler holds the lease. */
  clear(): Promise<void>;
  /**
   * Hands a desired state to the active scheduler (which never shares its ledger writes): kept beside
   * the ledger until replaced; the scheduler applies a request once (by its id) and records it.
   */
  submitDesired(desired: DesiredState): Promise<void>;
  /** The desired state last handed over, if any (the active scheduler polls it). */
  readDesiredRequest(): Promise<DesiredState | undefined>;
  close(): Promise<void>;
}

/** Throws the reason the lease was lost, if it was (checked synchronously): call before every Mesos call. */
export function assertLeaseHeld(lease: SchedulerLease): void {
  lease.checkHeld?.();
  if (lease.lost.aborted) throw lease.lost.reason as Error;
}
