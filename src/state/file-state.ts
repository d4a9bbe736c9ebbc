/**
 * File state, the default DeploymentState: the ledger beside the configuration
 * (`alluxio-mesos-ledger.json`, written atomically, 0600) and the lock file naming the one active
 * scheduler (`alluxio-mesos.lock`, see scheduler-lock.ts). The holder refreshes the lock's heartbeat
 * every few seconds and checks each time that the lock is still its own: when it is not (it was
 * frozen, and a standby took the lock over as stale), the lease is lost at once and every later
 * ledger write is rejected. Standbys poll the lock every second and record themselves in
 * `alluxio-mesos.standby.<host>.<pid>` files, touched at every poll, so `status` can list them.
 */
import { mkdir, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { systemClock } from '../shared/clock.js';
import type { AcquireOptions, DeploymentState, SchedulerIdentity, SchedulerLease, SchedulerPresence } from './deployment-state.js';
import { desiredRequestPath, ledgerPath, lockPath, STANDBY_FILE_PREFIX, standbyPath } from './files.js';
import { parseDesiredRequest, serializeDesiredRequest } from './desired-state.js';
import { writeFileAtomic } from '../shared/atomic-file.js';
import { readBoundedText } from '../shared/bounded-read.js';
import { fileLedgerStore, type LedgerStore } from './ledger.js';
import { describeScheduler, SchedulerActiveError, SchedulerLeaseLostError } from './scheduler-errors.js';
import {
  DEFAULT_HEARTBEAT_MS,
  parseLockRecord,
  readLock,
  tryAcquireLock,
  type HeldLock,
  type LockOptions,
  type LockView,
} from './scheduler-lock.js';
import { processIsAlive } from '../shared/process-alive.js';

export interface FileStateOptions {
  /** Heartbeat of the lock holder (default 5 s); the lock is stale after three missed ones. */
  readonly heartbeatMs?: number;
  readonly staleAfterMs?: number;
  /** How often a standby looks at the lock (default 1 s). */
  readonly pollMs?: number;
  /** For tests: this process as recorded in the lock. */
  readonly pid?: number;
  readonly host?: string;
  readonly now?: () => number;
  readonly isAlive?: (pid: number) => boolean;
}

const DEFAULT_POLL_MS = 1_000;
/** A desired-state request holds one configuration; a standby record a pid, a host and a time. */
const DESIRED_REQUEST_MAX_BYTES = 16 * 1024 * 1024;
const STANDBY_RECORD_MAX_BYTES = 64 * 1024;

export function openFileState(confDir: string, options: FileStateOptions = {}): DeploymentState {
  const pid = options.pid ?? process.pid;
  const host = options.host ?? hostname();
  const now = options.now ?? Date.now;
  const isAlive = options.isAlive ?? processIsAlive;
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const staleAfterMs = options.staleAfterMs ?? 3 * heartbeatMs;
  const lock: LockOptions = { path: lockPath(confDir), heartbeatMs, staleAfterMs, pid, host, now, isAlive };
  const ledgerFile = ledgerPath(confDir);
  const ledger = fileLedgerStore(ledgerFile);
  const location = ledgerFile;

  const readScheduler = async (): Promise<SchedulerPresence> => {
    const [view, standbys] = await Promise.all([readLock(lock), readStandbys(confDir, { host, now, isAlive, staleAfterMs })]);
    if (view === undefined) return { leader: undefined, standbys };
    const { record } = view;
    if (record !== undefined && view.staleBecause === undefined) {
      return { leader: { pid: record.pid, host: record.host, since: record.since, heartbeatAt: lastBeat(view) }, standbys };
    }
    return { leader: undefined, standbys, lastSeenAt: lastBeat(view) };
  };

  const requestFile = desiredRequestPath(confDir);
  return {
    location,
    readLedger: () => ledger.load(),
    readScheduler,
    async submitDesired(desired) {
      await writeFileAtomic(requestFile, serializeDesiredRequest(desired), { mode: 0o600 });
    },
    async readDesiredRequest() {
      let text: string;
      try {
        text = await readBoundedText(requestFile, DESIRED_REQUEST_MAX_BYTES);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
      return parseDesiredRequest(text, requestFile);
    },
    async acquire({ standby, signal, onStandby }: AcquireOptions) {
      const standbyFile = standbyPath(confDir, host, pid);
      let waiting = false;
      let announced: string | undefined;
      // A first deploy may be given a configuration directory that does not exist yet.
      await mkdir(confDir, { recursive: true });
      try {
        for (;;) {
          signal.throwIfAborted();
          const result = await tryAcquireLock(lock);
          if ('held' in result) return holdLease(result.held, ledger, heartbeatMs, lock.path);
          const holder = identityOf(result.holder);
          if (!standby) throw new SchedulerActiveError(holder);
          if (!waiting) {
            await writeFile(standbyFile, `${JSON.stringify({ pid, host, since: now() })}\n`, { mode: 0o600 });
            waiting = true;
          } else {
            const seconds = now() / 1000;
            await utimes(standbyFile, seconds, seconds).catch(() => undefined);
          }
          const key = `${holder.pid}@${holder.host}/${holder.since}`;
          if (key !== announced) {
            announced = key;
            onStandby?.(holder);
          }
          await systemClock.sleep(options.pollMs ?? DEFAULT_POLL_MS, signal);
        }
      } finally {
        if (waiting) await rm(standbyFile, { force: true });
      }
    },
    async clear() {
      const { leader } = await readScheduler();
      if (leader !== undefined && !(leader.pid === pid && leader.host === host)) throw new SchedulerActiveError(leader);
      // The backup too: it records the framework just removed, and nothing could reattach to it.
      await rm(ledgerFile, { force: true });
      await rm(`${ledgerFile}.bak`, { force: true });
      await rm(requestFile, { force: true });
      await rm(`${requestFile}.bak`, { force: true });
    },
    async close() {},
  };
}

function lastBeat(view: LockView): number {
  return Math.round(Math.max(view.record?.heartbeatAt ?? 0, view.mtimeMs));
}

function identityOf(view: LockView): SchedulerIdentity {
  if (view.record !== undefined) return { pid: view.record.pid, host: view.record.host, since: view.record.since };
  return { pid: 0, host: 'an unknown host (the lock file cannot be read)', since: Math.round(view.mtimeMs) };
}

/** The lease of a held lock: heartbeat timer, the `lost` signal, and the store fenced by it. */
function holdLease(held: HeldLock, ledger: LedgerStore, heartbeatMs: number, file: string): SchedulerLease {
  const lost = new AbortController();
  const lose = (): void => {
    if (lost.signal.aborted) return;
    clearInterval(timer);
    lost.abort(new SchedulerLeaseLostError(`${file} was taken over by ${successor(file)} (no heartbeat of this scheduler for too long)`));
  };
  // Synchronous checks: a scheduler that resumes after a freeze learns it was deposed in the first
  // timer phase, before its pending network callbacks can send another call.
  const timer = setInterval(() => {
    if (!held.heartbeat()) lose();
  }, heartbeatMs);
  timer.unref();
  const store: LedgerStore = {
    load: () => ledger.load(),
    async save(next) {
      if (!lost.signal.aborted && !held.owns()) lose();
      if (lost.signal.aborted) throw lost.signal.reason;
      await ledger.save(next);
    },
  };
  return {
    lost: lost.signal,
    store,
    async release() {
      clearInterval(timer);
      held.release();
    },
  };
}

function successor(file: string): string {
  try {
    const record = parseLockRecord(readFileSync(file, 'utf8'));
    if (record !== undefined) return `another scheduler, ${describeScheduler(record)}`;
  } catch {
    // Removed: nobody holds it now.
  }
  return 'another scheduler';
}

/** The standbys waiting now (a record whose pid died here, or untouched for too long, is left out). */
async function readStandbys(
  confDir: string,
  o: { host: string; now: () => number; isAlive: (pid: number) => boolean; staleAfterMs: number },
): Promise<SchedulerIdentity[]> {
  let names: string[];
  try {
    names = (await readdir(confDir)).filter((name) => name.startsWith(STANDBY_FILE_PREFIX));
  } catch {
    return [];
  }
  const standbys: SchedulerIdentity[] = [];
  for (const name of names) {
    const file = path.join(confDir, name);
    try {
      const [text, stats] = await Promise.all([readBoundedText(file, STANDBY_RECORD_MAX_BYTES), stat(file)]);
      const raw = JSON.parse(text) as Partial<SchedulerIdentity>;
      if (!Number.isSafeInteger(raw.pid) || typeof raw.host !== 'string' || typeof raw.since !== 'number') continue;
      const standby = { pid: raw.pid as number, host: raw.host, since: raw.since };
      if (standby.host === o.host && !o.isAlive(standby.pid)) continue;
      if (o.now() - stats.mtimeMs > o.staleAfterMs) continue;
      standbys.push(standby);
    } catch {
      // Removed meanwhile, or half written: not a standby to report.
    }
  }
  return standbys.sort((a, b) => a.since - b.since);
}
