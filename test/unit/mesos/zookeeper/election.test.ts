import { describe, expect, it } from 'vitest';
import {
  CandidacyLostError,
  electionOrder,
  ElectionTakenError,
  listCandidates,
  runForLeader,
  sequenceOf,
} from '../../../../src/mesos/zookeeper/election.js';
import { FakeZooKeeper } from '../../../helpers/fake-coordination.js';

const data = (name: string): Buffer => Buffer.from(name);
const never = new AbortController().signal;

describe('leader election', () => {
  it('orders candidates by sequence, not by name or listing order', () => {
    expect(sequenceOf('candidate-0000000012')).toBe(12);
    expect(sequenceOf('lock')).toBeUndefined();
    expect(electionOrder(['candidate-0000000010', 'x-0000000002', 'stray', 'candidate-0000000009'])).toEqual([
      'x-0000000002',
      'candidate-0000000009',
      'candidate-0000000010',
    ]);
  });

  it('the first candidate leads; a second without standby withdraws and names the leader', async () => {
    const zk = new FakeZooKeeper();
    const a = await runForLeader(zk.session(), '/p/leader', data('a'), { standby: false, signal: never });
    const error = await runForLeader(zk.session(), '/p/leader', data('b'), { standby: false, signal: never }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ElectionTakenError);
    expect((error as ElectionTakenError).leader.name).toBe(a.node);
    expect((error as ElectionTakenError).leader.data?.toString()).toBe('a');
    // The refused candidate left no node behind.
    expect((await listCandidates(zk.session(), '/p/leader')).map((c) => c.data?.toString())).toEqual(['a']);
  });

  it('standbys take over in order, each watching only its predecessor, and hear every leader change', async () => {
    const zk = new FakeZooKeeper();
    const sa = zk.session();
    const sb = zk.session();
    const sc = zk.session();
    await runForLeader(sa, '/p/leader', data('a'), { standby: false, signal: never });
    const heardByB: string[] = [];
    const heardByC: string[] = [];
    let bLeads = false;
    let cLeads = false;
    const b = runForLeader(sb, '/p/leader', data('b'), {
      standby: true,
      signal: never,
      onLeader: (l) => heardByB.push(l.data?.toString() ?? ''),
    });
    void b.then(() => (bLeads = true));
    await new Promise((resolve) => setImmediate(resolve));
    const c = runForLeader(sc, '/p/leader', data('c'), {
      standby: true,
      signal: never,
      onLeader: (l) => heardByC.push(l.data?.toString() ?? ''),
    });
    void c.then(() => (cLeads = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect([bLeads, cLeads]).toEqual([false, false]);

    sa.expire(); // the leader dies
    await b;
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect([bLeads, cLeads]).toEqual([true, false]);
    expect(heardByC).toEqual(['a', 'b']);

    await (await b).resign();
    await c;
    expect(heardByB).toEqual(['a']);
  });

  it('a standby whose predecessor (not the leader) goes keeps waiting', async () => {
    const zk = new FakeZooKeeper();
    const [sa, sb, sc] = [zk.session(), zk.session(), zk.session()];
    await runForLeader(sa, '/p/leader', data('a'), { standby: false, signal: never });
    const b = runForLeader(sb, '/p/leader', data('b'), { standby: true, signal: never }).catch((e: unknown) => e);
    await new Promise((resolve) => setImmediate(resolve));
    let cLeads = false;
    void runForLeader(sc, '/p/leader', data('c'), { standby: true, signal: never }).then(() => (cLeads = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    sb.expire();
    // b's candidacy died with its session; c now watches a.
    expect(await b).toBeInstanceOf(CandidacyLostError);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(cLeads).toBe(false);
    sa.expire();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(cLeads).toBe(true);
  });

  it('aborting a standby withdraws its node', async () => {
    const zk = new FakeZooKeeper();
    await runForLeader(zk.session(), '/p/leader', data('a'), { standby: false, signal: never });
    const abort = new AbortController();
    const waiting = runForLeader(zk.session(), '/p/leader', data('b'), { standby: true, signal: abort.signal });
    await new Promise((resolve) => setTimeout(resolve, 10));
    abort.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    expect((await listCandidates(zk.session(), '/p/leader')).map((c) => c.data?.toString())).toEqual(['a']);
  });
});
