/**
 * The scheduler lock file in a temp directory: creation, stale detection (dead pid here, old
 * heartbeat), the takeover race between contenders, and a holder that learns it was deposed.
 */
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseLockRecord, readLock, tryAcquireLock, type HeldLock, type LockOptions } from '../../../src/state/scheduler-lock.js';

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'am-lock-'));
  file = path.join(dir, 'alluxio-mesos.lock');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A contender: its own pid and host, every pid below 1000 alive unless listed dead. */
function as(pid: number, extra: Partial<LockOptions> = {}, dead: readonly number[] = []): LockOptions {
  return { path: file, pid, host: 'host-a', heartbeatMs: 1000, isAlive: (p) => !dead.includes(p), ...extra };
}

function held(result: Awaited<ReturnType<typeof tryAcquireLock>>): HeldLock {
  if (!('held' in result)) throw new Error(`not acquired: held by ${JSON.stringify(result.holder.record)}`);
  return result.held;
}

/** A lock left by `pid`, with its heartbeat `ageMs` old (record and mtime). */
async function leftBehind(pid: number, ageMs: number, host = 'host-a'): Promise<void> {
  const at = Date.now() - ageMs;
  await writeFile(file, `${JSON.stringify({ pid, host, since: at, heartbeatAt: at, token: `t${pid}` })}\n`);
  await utimes(file, at / 1000, at / 1000);
}

describe('scheduler lock', () => {
  it('is created with the holder record (mode 0600), refused to a second contender naming the holder, and released', async () => {
    const first = held(await tryAcquireLock(as(101)));
    const record = parseLockRecord(await readFile(file, 'utf8'));
    expect(record).toMatchObject({ pid: 101, host: 'host-a' });
    expect(record?.heartbeatAt).toBe(record?.since);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const second = await tryAcquireLock(as(102));
    expect('holder' in second && second.holder.record?.pid).toBe(101);
    expect('holder' in second && second.holder.staleBecause).toBeUndefined();
    first.release();
    expect(await readLock(as(102))).toBeUndefined();
    held(await tryAcquireLock(as(102))).release();
    // No temporary or claim file is left behind.
    expect(await readdir(dir)).toEqual([]);
  });

  it('is stale when its pid is dead on this host, or its heartbeat is older than three intervals (another host)', async () => {
    await leftBehind(201, 0);
    expect((await readLock(as(300, {}, [201])))?.staleBecause).toBe('pid 201 is no longer running on host-a');
    expect((await readLock(as(300)))?.staleBecause).toBeUndefined();
    // On another host the pid says nothing; only the heartbeat does.
    await leftBehind(201, 2_000, 'host-b');
    expect((await readLock(as(300, {}, [201])))?.staleBecause).toBeUndefined();
    await leftBehind(201, 3_500, 'host-b');
    expect((await readLock(as(300)))?.staleBecause).toMatch(/^no heartbeat for \d+ s$/);
    const taken = held(await tryAcquireLock(as(300)));
    expect(parseLockRecord(await readFile(file, 'utf8'))?.pid).toBe(300);
    taken.release();
  });

  it('a stale lock is taken over by exactly one of many concurrent contenders, every time', async () => {
    for (let round = 0; round < 25; round++) {
      await leftBehind(999, 0);
      const contenders = [401, 402, 403, 404, 405];
      const results = await Promise.all(contenders.map((pid) => tryAcquireLock(as(pid, {}, [999]))));
      const winners = results.filter((result) => 'held' in result).map((result) => held(result));
      expect(winners).toHaveLength(1);
      const winner = winners[0]!;
      expect(winner.owns()).toBe(true);
      expect(parseLockRecord(await readFile(file, 'utf8'))?.token).toBe(winner.record.token);
      // The losers were told who holds it now, not the dead holder.
      for (const result of results) if ('holder' in result) expect(result.holder.record?.pid).not.toBe(999);
      winner.release();
      expect(await readdir(dir)).toEqual([]);
    }
  });

  it('a fresh lock raced by several creators has exactly one holder', async () => {
    for (let round = 0; round < 25; round++) {
      const results = await Promise.all([501, 502, 503].map((pid) => tryAcquireLock(as(pid))));
      const winners = results.filter((result) => 'held' in result).map((result) => held(result));
      expect(winners).toHaveLength(1);
      winners[0]!.release();
    }
  });

  it('a holder whose heartbeat stopped is taken over; its next heartbeat says it lost, and its release leaves the new lock alone', async () => {
    let clock = Date.now();
    const now = (): number => clock;
    const old = held(await tryAcquireLock(as(601, { now })));
    expect(old.heartbeat()).toBe(true);
    // Frozen (SIGSTOP) past three heartbeats: another scheduler judges it stale and takes over.
    clock += 3_500;
    const late = Date.now() - 3_500;
    await utimes(file, late / 1000, late / 1000);
    const successor = held(await tryAcquireLock(as(602, { now })));
    expect(old.owns()).toBe(false);
    expect(old.heartbeat()).toBe(false);
    old.release();
    expect(successor.owns()).toBe(true);
    expect(parseLockRecord(await readFile(file, 'utf8'))?.pid).toBe(602);
    successor.release();
  });

  it('the heartbeat refreshes the record and the mtime in place, so a contender never sees it stale', async () => {
    let clock = Date.now();
    const lock = held(await tryAcquireLock(as(701, { now: () => clock })));
    clock += 10_000;
    expect(lock.heartbeat()).toBe(true);
    const view = await readLock(as(702, { now: () => clock }));
    expect(view?.record?.heartbeatAt).toBe(clock);
    expect(view?.staleBecause).toBeUndefined();
    lock.release();
  });

  it('an unreadable lock is judged by its age alone', async () => {
    await writeFile(file, 'not json');
    expect((await readLock(as(801)))?.staleBecause).toBeUndefined();
    const old = (Date.now() - 10_000) / 1000;
    await utimes(file, old, old);
    expect((await readLock(as(801)))?.staleBecause).toMatch(/^no heartbeat/);
    held(await tryAcquireLock(as(801))).release();
  });
});
