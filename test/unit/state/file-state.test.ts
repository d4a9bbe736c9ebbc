/**
 * The file DeploymentState: one lease at a time, the refusal naming the holder, standbys that wait,
 * record themselves and take over, and a lease lost to a takeover (lost aborted, saves rejected).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, utimes } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openFileState, type FileStateOptions } from '../../../src/state/file-state.js';
import type { SchedulerIdentity } from '../../../src/state/deployment-state.js';
import { emptyLedger } from '../../../src/state/ledger.js';
import { ledgerPath, lockPath } from '../../../src/state/files.js';
import { SchedulerActiveError, SchedulerLeaseLostError } from '../../../src/state/scheduler-errors.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'am-file-state-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const never = new AbortController().signal;
/** Fast timers; every pid is alive unless listed dead. */
function state(pid: number, extra: FileStateOptions = {}, dead: number[] = []) {
  return openFileState(dir, { pid, host: 'host-a', heartbeatMs: 100, pollMs: 20, isAlive: (p) => !dead.includes(p), ...extra });
}

async function until(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('file deployment state', () => {
  it('gives one lease; a second acquire fails at once with SchedulerActiveError naming pid, host and since', async () => {
    const lease = await state(11).acquire({ standby: false, signal: never });
    const refused = await state(12)
      .acquire({ standby: false, signal: never })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(SchedulerActiveError);
    const error = refused as SchedulerActiveError;
    expect(error.exitCode).toBe(1);
    expect(error.message).toMatch(/^another scheduler is already active for this deployment: pid 11 on host-a since \d{4}-\d\d-\d\dT/);
    expect(error.hint).toContain('deploy --standby');
    expect(error.hint).toContain('teardown');
    const presence = await state(12).readScheduler();
    expect(presence.leader).toMatchObject({ pid: 11, host: 'host-a' });
    expect(presence.standbys).toEqual([]);
    await lease.release();
    expect((await state(12).readScheduler()).leader).toBeUndefined();
  });

  it('the lease store writes the ledger (0600) while the lease holds', async () => {
    const files = state(21);
    const lease = await files.acquire({ standby: false, signal: never });
    const ledger = emptyLedger();
    ledger.frameworkId = 'F-21';
    await lease.store.save(ledger);
    expect((await files.readLedger())?.frameworkId).toBe('F-21');
    expect((await lease.store.load())?.frameworkId).toBe('F-21');
    await lease.release();
  });

  it('a standby waits (announcing the leader, listed as a standby) and takes over when the leader releases', async () => {
    const leader = await state(31).acquire({ standby: false, signal: never });
    const announced: Array<SchedulerIdentity | undefined> = [];
    const waiting = state(32, { host: hostname() }).acquire({ standby: true, signal: never, onStandby: (who) => announced.push(who) });
    await until('the standby to announce the leader', () => announced.length === 1);
    expect(announced[0]).toMatchObject({ pid: 31, host: 'host-a' });
    await until('the standby record', async () => (await state(33).readScheduler()).standbys.length === 1);
    expect((await state(33).readScheduler()).standbys[0]).toMatchObject({ pid: 32, host: hostname() });
    await leader.release();
    const lease = await waiting;
    expect((await state(33).readScheduler()).leader).toMatchObject({ pid: 32 });
    // Its standby record went with the wait.
    expect((await state(33).readScheduler()).standbys).toEqual([]);
    expect(announced).toHaveLength(1);
    await lease.release();
  });

  it('a standby takes over from a leader whose pid died on this host', async () => {
    await state(41).acquire({ standby: false, signal: never }); // never released: "SIGKILLed"
    const lease = await state(42, {}, [41]).acquire({ standby: true, signal: never });
    expect((await state(43).readScheduler()).leader).toMatchObject({ pid: 42 });
    await lease.release();
  });

  it('a standby gives up waiting when its signal aborts', async () => {
    const leader = await state(51).acquire({ standby: false, signal: never });
    const stop = new AbortController();
    const waiting = state(52).acquire({ standby: true, signal: stop.signal });
    stop.abort(new Error('Ctrl-C'));
    await expect(waiting).rejects.toThrow('Ctrl-C');
    expect((await state(53).readScheduler()).standbys).toEqual([]);
    await leader.release();
  });

  it('a holder deposed as stale (frozen) loses its lease at the next heartbeat, and its saves are rejected', async () => {
    // Its last heartbeat (record and mtime) is 10 s old: stale in the successor's view.
    const frozen = await state(61, { heartbeatMs: 60_000, now: () => Date.now() - 10_000 }).acquire({ standby: false, signal: never });
    const old = (Date.now() - 10_000) / 1000;
    await utimes(lockPath(dir), old, old);
    const successor = await state(62, { staleAfterMs: 1_000 }).acquire({ standby: false, signal: never });
    // The store notices at once, before writing anything over the successor's state.
    const save = frozen.store.save(emptyLedger());
    await expect(save).rejects.toBeInstanceOf(SchedulerLeaseLostError);
    await expect(save).rejects.toThrow(/lost its lease.*taken over by another scheduler, pid 62 on host-a/);
    expect(frozen.lost.aborted).toBe(true);
    expect(frozen.lost.reason).toBeInstanceOf(SchedulerLeaseLostError);
    await frozen.release();
    expect((await state(63).readScheduler()).leader).toMatchObject({ pid: 62 });
    await successor.release();
  });

  it('the heartbeat timer aborts `lost` without any save', async () => {
    // A holder whose heartbeats all look 10 s old (as if it had been frozen), then a successor:
    // the holder's next heartbeat finds the lock not its own.
    const holder = await state(71, { now: () => Date.now() - 10_000 }).acquire({ standby: false, signal: never });
    const lost = new Promise((resolve) => holder.lost.addEventListener('abort', resolve));
    const old = (Date.now() - 10_000) / 1000;
    await utimes(lockPath(dir), old, old);
    const successor = await state(72, { staleAfterMs: 1_000 }).acquire({ standby: false, signal: never });
    await lost;
    expect(String((holder.lost.reason as Error).message)).toContain('pid 72');
    await holder.release();
    await successor.release();
  });

  it('readScheduler reports when the last scheduler was last seen, once its lock is stale', async () => {
    await state(81).acquire({ standby: false, signal: never });
    const presence = await state(82, {}, [81]).readScheduler();
    expect(presence.leader).toBeUndefined();
    expect(presence.lastSeenAt).toBeGreaterThan(Date.now() - 5_000);
    expect(JSON.parse(await readFile(lockPath(dir), 'utf8'))).toMatchObject({ pid: 81 });
  });

  it('clear removes the ledger and its backup, but not while another scheduler holds the lease', async () => {
    const files = state(91);
    const lease = await files.acquire({ standby: false, signal: never });
    await lease.store.save(emptyLedger());
    await lease.store.save(emptyLedger());
    expect(existsSync(`${ledgerPath(dir)}.bak`)).toBe(true);
    await expect(state(92).clear()).rejects.toBeInstanceOf(SchedulerActiveError);
    await lease.release();
    await state(92).clear();
    expect(await state(92).readLedger()).toBeUndefined();
    // Nothing of the removed framework is left behind: teardown said it cleared the state.
    expect(existsSync(`${ledgerPath(dir)}.bak`)).toBe(false);
  });
});
