/**
 * An exclusive lock file naming the one active scheduler of a deployment: JSON
 * `{pid, host, since, heartbeatAt, token}`, mode 0600.
 *
 * - Created atomically: the record is written to a private temporary file, which is then hard-linked
 *   to the lock's name; `link` fails with EEXIST when the lock exists, so a reader never sees a
 *   half-written lock and exactly one of two creators wins.
 * - Owned by inode: the holder keeps its file open and is the owner exactly while the lock's name
 *   points to that inode. Heartbeats write through that descriptor (the record's `heartbeatAt` and
 *   the file's mtime), so a deposed holder can never touch its successor's lock.
 * - Stale when its pid is dead on this host, or its heartbeat is older than `staleAfterMs` (a holder
 *   on another host, or frozen).
 * - Taken over through a claim: among contenders that judged the same lock stale, the one that
 *   creates `<lock>.takeover-<token>.<n>` (again with `link`) re-checks the lock and renames its own
 *   file over it; the others see the claim and wait. A claim whose creator died is itself stale, and
 *   the next level `n + 1` is claimed instead, so a crash never blocks the lock forever.
 */
import { randomBytes } from 'node:crypto';
import { fstatSync, ftruncateSync, futimesSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { link, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { hostname } from 'node:os';
import { errorCode, temporaryPath } from '../shared/atomic-file.js';
import { processIsAlive } from '../shared/process-alive.js';

export interface LockRecord {
  readonly pid: number;
  readonly host: string;
  /** Epoch ms when the holder took the lock. */
  readonly since: number;
  /** Epoch ms of the holder's latest heartbeat. */
  readonly heartbeatAt: number;
  /** Random: tells two holders with the same pid (after a reboot, another host) apart. */
  readonly token: string;
}

export interface LockOptions {
  readonly path: string;
  /** How often the holder refreshes the heartbeat (default 5 s). */
  readonly heartbeatMs?: number;
  /** A heartbeat older than this makes the lock stale (default three heartbeats). */
  readonly staleAfterMs?: number;
  /** This process as the lock records it (defaults: process.pid and os.hostname()). */
  readonly pid?: number;
  readonly host?: string;
  readonly now?: () => number;
  /** Whether `pid` runs on this host (default: signal 0). */
  readonly isAlive?: (pid: number) => boolean;
}

export interface LockView {
  /** Undefined when the file cannot be parsed (then only its mtime tells its age). */
  readonly record: LockRecord | undefined;
  readonly ino: number;
  readonly mtimeMs: number;
  /** Why the lock is stale, or undefined while its holder is alive. */
  readonly staleBecause: string | undefined;
}

export interface HeldLock {
  readonly record: LockRecord;
  /** Whether the lock's name still points to this holder's file (synchronous: no await in between). */
  owns(): boolean;
  /** Refreshes the heartbeat; answers whether the lock is still this holder's. Synchronous. */
  heartbeat(): boolean;
  /** Removes the lock if it is still this holder's; idempotent. */
  release(): void;
}

export type AcquireResult = { readonly held: HeldLock } | { readonly holder: LockView };

export const DEFAULT_HEARTBEAT_MS = 5_000;
const CLAIM_LEVELS = 8;
const CONTENTION_ATTEMPTS = 20;
const CONTENTION_PAUSE_MS = 50;

interface Resolved {
  readonly path: string;
  readonly heartbeatMs: number;
  readonly staleAfterMs: number;
  readonly pid: number;
  readonly host: string;
  readonly now: () => number;
  readonly isAlive: (pid: number) => boolean;
}

function resolve(options: LockOptions): Resolved {
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  return {
    path: options.path,
    heartbeatMs,
    staleAfterMs: options.staleAfterMs ?? 3 * heartbeatMs,
    pid: options.pid ?? process.pid,
    host: options.host ?? hostname(),
    now: options.now ?? Date.now,
    isAlive: options.isAlive ?? processIsAlive,
  };
}

export function parseLockRecord(text: string): LockRecord | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { pid, host, since, heartbeatAt, token } = raw as Record<string, unknown>;
  if (!Number.isSafeInteger(pid) || typeof host !== 'string' || typeof token !== 'string') return undefined;
  if (typeof since !== 'number' || typeof heartbeatAt !== 'number') return undefined;
  return { pid: pid as number, host, since, heartbeatAt, token };
}

/** Why a record (or an unreadable file of this mtime) no longer stands for a live holder. */
function staleness(record: LockRecord | undefined, mtimeMs: number, o: Resolved): string | undefined {
  if (record !== undefined && record.host === o.host && record.pid !== o.pid && !o.isAlive(record.pid)) {
    return `pid ${record.pid} is no longer running on ${record.host}`;
  }
  const beat = Math.max(record?.heartbeatAt ?? 0, mtimeMs);
  const age = o.now() - beat;
  if (age > o.staleAfterMs) return `no heartbeat for ${Math.round(age / 1000)} s`;
  return undefined;
}

/** The lock as it is now, or undefined when there is none. */
export async function readLock(options: LockOptions): Promise<LockView | undefined> {
  return readResolved(resolve(options), options.path);
}

async function readResolved(o: Resolved, file: string): Promise<LockView | undefined> {
  for (let attempt = 0; ; attempt++) {
    let handle: FileHandle;
    try {
      handle = await open(file, 'r');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return undefined;
      throw error;
    }
    try {
      const stats = await handle.stat();
      const record = parseLockRecord(await handle.readFile('utf8'));
      // A heartbeat rewrites the record in place: a read in the middle of it is read again.
      if (record === undefined && attempt < 2) continue;
      return { record, ino: stats.ino, mtimeMs: stats.mtimeMs, staleBecause: staleness(record, stats.mtimeMs, o) };
    } finally {
      await handle.close();
    }
  }
}

/**
 * Takes the lock if it is free or stale; otherwise answers who holds it. Never waits for a live
 * holder (callers poll: see FileDeploymentState).
 */
export async function tryAcquireLock(options: LockOptions): Promise<AcquireResult> {
  const o = resolve(options);
  const now = o.now();
  const record: LockRecord = { pid: o.pid, host: o.host, since: now, heartbeatAt: now, token: randomBytes(8).toString('hex') };
  const temp = temporaryPath(o.path, o.pid);
  const handle = await open(temp, 'wx', 0o600);
  let won = false;
  try {
    // Not fsynced: a lock matters only while its holder lives, and no holder outlives a crash of its
    // host. A lock file that a crash left empty reads as unparseable and goes stale by its mtime.
    // (The fsync cost every deploy ~5 ms before its first request.)
    await handle.writeFile(serialize(record));
    const ino = (await handle.stat()).ino;
    let latest: LockView | undefined;
    for (let attempt = 0; attempt < CONTENTION_ATTEMPTS && !won; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, CONTENTION_PAUSE_MS));
      if (await linkExclusive(temp, o.path)) {
        won = true;
        break;
      }
      latest = await readResolved(o, o.path);
      if (latest === undefined) continue; // released meanwhile: try to create it again
      if (latest.staleBecause === undefined) return { holder: latest };
      const outcome = await takeOver(o, latest, temp, ino);
      if (outcome === 'taken') won = true;
      // Renamed over the lock and replaced at once by someone else: our file is gone, so is our turn.
      if (outcome === 'overtaken') break;
    }
    if (!won) return { holder: latest ?? (await readResolved(o, o.path)) ?? missingView(o) };
  } finally {
    await unlink(temp).catch(() => undefined);
    if (!won) await handle.close();
  }
  return { held: holdLock(o, record, handle) };
}

/** Only reached when the lock kept appearing and vanishing for every attempt. */
function missingView(o: Resolved): LockView {
  return { record: undefined, ino: 0, mtimeMs: o.now(), staleBecause: 'it keeps changing hands' };
}

async function linkExclusive(existing: string, name: string): Promise<boolean> {
  try {
    await link(existing, name);
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  }
}

/**
 * Replaces the stale lock `stale` with this contender's file `temp`, if this contender wins the
 * claim for it; 'contended' when another contender is taking it over (or its holder came back).
 */
async function takeOver(o: Resolved, stale: LockView, temp: string, ino: number): Promise<'taken' | 'contended' | 'overtaken'> {
  const claimBase = `${o.path}.takeover-${stale.record?.token ?? `inode${stale.ino}`}`;
  const claims: string[] = [];
  try {
    for (let level = 0; level < CLAIM_LEVELS; level++) {
      const claim = `${claimBase}.${level}`;
      if (!(await linkExclusive(temp, claim))) {
        const other = await readResolved(o, claim);
        // The claim's creator is alive (or has just finished): it takes the lock over, not us.
        if (other === undefined || other.staleBecause === undefined) return 'contended';
        claims.push(claim);
        continue;
      }
      claims.push(claim);
      // Ours: the lock must still be the very file judged stale, and still stale.
      const now = await readResolved(o, o.path);
      if (now === undefined || now.ino !== stale.ino || now.staleBecause === undefined) return 'contended';
      await rename(temp, o.path);
      return (await currentIno(o.path)) === ino ? 'taken' : 'overtaken';
    }
    return 'contended';
  } finally {
    for (const claim of claims) await unlink(claim).catch(() => undefined);
  }
}

async function currentIno(file: string): Promise<number | undefined> {
  try {
    const handle = await open(file, 'r');
    try {
      return (await handle.stat()).ino;
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
}

function serialize(record: LockRecord): string {
  return `${JSON.stringify(record)}\n`;
}

function holdLock(o: Resolved, initial: LockRecord, handle: FileHandle): HeldLock {
  let record = initial;
  let released = false;
  const owns = (): boolean => {
    if (released) return false;
    try {
      const named = statSync(o.path);
      const mine = fstatSync(handle.fd);
      return named.ino === mine.ino && named.dev === mine.dev;
    } catch {
      return false;
    }
  };
  return {
    get record() {
      return record;
    },
    owns,
    heartbeat() {
      if (!owns()) return false;
      record = { ...record, heartbeatAt: o.now() };
      // Same length as before (epoch ms keep 13 digits until 2286): one small write in place.
      const bytes = Buffer.from(serialize(record));
      writeSync(handle.fd, bytes, 0, bytes.length, 0);
      ftruncateSync(handle.fd, bytes.length);
      const seconds = record.heartbeatAt / 1000;
      futimesSync(handle.fd, seconds, seconds);
      return true;
    },
    release() {
      if (released) return;
      try {
        if (owns()) unlinkSync(o.path);
      } catch {
        // Already gone.
      }
      released = true;
      handle.close().catch(() => undefined);
    },
  };
}
