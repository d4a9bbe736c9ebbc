import { describe, expect, it } from 'vitest';
import { assertLeaseHeld } from '../../../src/state/deployment-state.js';
import { SchedulerActiveError, SchedulerLeaseLostError } from '../../../src/state/scheduler-errors.js';
import { emptyLedger, serializeLedger } from '../../../src/state/ledger.js';
import { parseStateLocation } from '../../../src/state/state-location.js';
import { openZooKeeperState } from '../../../src/state/zookeeper-state.js';
import { FakeZooKeeper, type FakeSession } from '../../helpers/fake-coordination.js';

const location = parseStateLocation('zk://zk1:2181/am');
if (location.kind !== 'zk') throw new Error('unreachable');
const never = new AbortController().signal;

function stateOn(
  zk: FakeZooKeeper,
  pid: number,
  now: () => number = Date.now,
): { state: ReturnType<typeof openZooKeeperState>; session: () => FakeSession } {
  let current: FakeSession | undefined;
  const state = openZooKeeperState(location as Extract<typeof location, { kind: 'zk' }>, {
    timeoutMs: 1_000,
    self: { pid, host: 'h' },
    now,
    connect: async () => (current = zk.session(4_000)),
  });
  return { state, session: () => current as FakeSession };
}

describe('ZooKeeper deployment state', () => {
  it('writes the ledger with compare-and-set: a write by anyone else loses the lease, never overwrites', async () => {
    const zk = new FakeZooKeeper();
    const { state } = stateOn(zk, 1);
    const lease = await state.acquire({ standby: false, signal: never });
    const ledger = emptyLedger();
    ledger.frameworkId = 'fw-1';
    await lease.store.save(ledger);
    await lease.store.save(ledger);
    expect(zk.nodes.get('/am/ledger')?.version).toBe(1);

    // Someone else (a successor) writes.
    const other = { ...emptyLedger(), frameworkId: 'fw-1', webuiUrl: 'http://successor' };
    const node = zk.nodes.get('/am/ledger');
    if (node === undefined) throw new Error('no ledger');
    node.data = Buffer.from(serializeLedger(other));
    node.version += 1;

    await expect(lease.store.save(ledger)).rejects.toBeInstanceOf(SchedulerLeaseLostError);
    expect(lease.lost.aborted).toBe(true);
    expect(JSON.parse(zk.nodes.get('/am/ledger')?.data.toString() ?? '{}').webuiUrl).toBe('http://successor');
    await expect(lease.store.save(ledger)).rejects.toBeInstanceOf(SchedulerLeaseLostError);
  });

  it('refuses a second scheduler without standby, naming the leader', async () => {
    const zk = new FakeZooKeeper();
    await stateOn(zk, 11).state.acquire({ standby: false, signal: never });
    const error = await stateOn(zk, 22)
      .state.acquire({ standby: false, signal: never })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchedulerActiveError);
    expect((error as Error).message).toContain('pid 11 on h');
    const presence = await stateOn(zk, 33).state.readScheduler();
    expect(presence.leader?.pid).toBe(11);
    expect(presence.standbys).toEqual([]);
  });

  it('loses the lease at once on a disconnection, before the session expires', async () => {
    const zk = new FakeZooKeeper();
    const { state, session } = stateOn(zk, 1);
    const lease = await state.acquire({ standby: false, signal: never });
    session().disconnect();
    expect(lease.lost.aborted).toBe(true);
    expect(() => assertLeaseHeld(lease)).toThrow(/disconnected from ZooKeeper/);
    await expect(lease.store.save(emptyLedger())).rejects.toBeInstanceOf(SchedulerLeaseLostError);
  });

  it('a process that wakes up after most of its session timeout without an answer learns it before any call', async () => {
    const zk = new FakeZooKeeper();
    let now = 1_000_000;
    const { state } = stateOn(zk, 1, () => now);
    const lease = await state.acquire({ standby: false, signal: never });
    now += 2_000; // half the 4 s session: still held
    expect(() => assertLeaseHeld(lease)).not.toThrow();
    now += 2_000; // frozen past 3/4 of it, no event delivered yet
    expect(() => assertLeaseHeld(lease)).toThrow(SchedulerLeaseLostError);
    expect(lease.lost.aborted).toBe(true);
  });

  it('a standby takes over with the ledger its predecessor wrote, and reports who led', async () => {
    const zk = new FakeZooKeeper();
    const first = stateOn(zk, 1);
    const lease = await first.state.acquire({ standby: false, signal: never });
    await lease.store.save({ ...emptyLedger(), frameworkId: 'fw-9' });
    const heard: number[] = [];
    const second = stateOn(zk, 2);
    const taking = second.state.acquire({ standby: true, signal: never, onStandby: (leader) => heard.push(leader?.pid ?? 0) });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect((await second.state.readScheduler()).standbys.map((s) => s.pid)).toEqual([2]);
    first.session().expire();
    const next = await taking;
    expect(heard).toEqual([1]);
    expect((await next.store.load())?.frameworkId).toBe('fw-9');
    await next.store.save({ ...emptyLedger(), frameworkId: 'fw-9' });
    expect((await second.state.readScheduler()).leader?.pid).toBe(2);
  });
});
