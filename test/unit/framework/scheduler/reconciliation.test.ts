/**
 * At every resubscription the reducer asks Mesos for every task of the framework (implicit
 * reconciliation, closed by a marker), holds launches until the answers are in, and adopts or kills
 * the live tasks the ledger does not know, never doubling an alias or exceeding the counts.
 */
import { describe, expect, it } from 'vitest';
import { isGone } from '../../../../src/state/ledger.js';
import {
  answerMarker,
  callsOf,
  Harness,
  launchedTasks,
  ledgerWith,
  makeConfig,
  offer,
  offersEvent,
  reportsOf,
  subscribedEvent,
  update,
} from './fixtures.js';

/** A reconciliation answer (no uuid: not acknowledged). */
const answer = (taskId: string, agent: string, state: Parameters<typeof update>[2], healthy?: boolean) =>
  update(taskId, agent, state, { uuid: undefined, reason: 'REASON_RECONCILIATION', ...(healthy === undefined ? {} : { healthy }) });

/** The ledger a `.bak` left: master-1 on a1 and worker-1 on a2, both running; worker-2 (launched since) missing. */
const fromBackup = () =>
  ledgerWith([
    { alias: 'master-1', role: 'master', taskId: 'alluxio-master-1.m', agentId: 'a1', state: 'TASK_RUNNING', healthy: true },
    { alias: 'worker-1', role: 'worker', taskId: 'alluxio-worker-1.w', agentId: 'a2', state: 'TASK_RUNNING', healthy: true },
  ]);

function liveByAlias(h: Harness): Map<string, number> {
  const counts = new Map<string, number>();
  for (const task of h.state.ledger.tasks) if (!isGone(task.state)) counts.set(task.alias, (counts.get(task.alias) ?? 0) + 1);
  return counts;
}

describe('reconciliation at every subscription', () => {
  it('after a resubscription, sends the explicit reconciliation, then the implicit one, then the marker', () => {
    const h = new Harness(makeConfig({ maxWorkers: 2 }), fromBackup());
    const reconciles = callsOf(h.step(subscribedEvent('fw-1'))).filter((c) => c.type === 'RECONCILE');
    expect(reconciles.map((c) => c.reconcile?.tasks?.map((t) => t.task_id.value))).toEqual([
      ['alluxio-master-1.m', 'alluxio-worker-1.w'],
      [],
      [expect.stringMatching(/^alluxio-reconciliation\.u\d+$/)],
    ]);
    // The marker names no agent (any agent id would be checked) and no alias.
    expect(reconciles[2]?.reconcile?.tasks?.[0]?.agent_id).toBeUndefined();
  });

  it('a framework Mesos has just registered has no task to find: no reconciliation, no hold', () => {
    const h = new Harness(makeConfig({ maxWorkers: 2 }));
    const subscribed = h.step(subscribedEvent('fw-new'));
    expect(callsOf(subscribed).filter((c) => c.type === 'RECONCILE')).toEqual([]);
    expect(launchedTasks(h.step(offersEvent(offer('a1'))))).toHaveLength(1);
  });

  it('adopts an unknown running worker into its free alias, records it before anything else, and numbers new aliases after it', () => {
    const h = new Harness(makeConfig({ maxWorkers: 3 }), fromBackup());
    h.step(subscribedEvent('fw-1'));
    h.step(offersEvent(offer('a3')));
    const found = h.step(answer('alluxio-worker-2.lost-write', 'a3', 'TASK_RUNNING', true));
    expect(found[0]).toMatchObject({ kind: 'persist' });
    expect(callsOf(found)).toEqual([]);
    expect(reportsOf(found)).toContainEqual({
      type: 'task-adopted',
      alias: 'worker-2',
      taskId: 'alluxio-worker-2.lost-write',
      role: 'worker',
      agentId: 'a3',
      hostname: 'a3.example',
      state: 'TASK_RUNNING',
      healthy: true,
    });
    expect(h.task('worker-2')).toMatchObject({ taskId: 'alluxio-worker-2.lost-write', agentId: 'a3', ports: [29998, 29999, 30000] });
    expect(h.state.ledger.nextAlias.worker).toBe(3);
    // Its updates are now its own.
    const failed = h.step(update('alluxio-worker-2.lost-write', 'a3', 'TASK_FAILED'));
    expect(reportsOf(failed)).toContainEqual(expect.objectContaining({ type: 'relaunch-scheduled', alias: 'worker-2' }));
    expect(callsOf(failed).map((c) => c.type)).toEqual(['ACKNOWLEDGE']);
  });

  it('adopts into a dead record of the alias (the .bak knew an earlier launch) and cancels its relaunch', () => {
    const ledger = fromBackup();
    ledger.tasks[1]!.state = 'TASK_FAILED';
    ledger.tasks[1]!.relaunchAt = 0;
    const h = new Harness(makeConfig({ maxWorkers: 1 }), ledger);
    h.step(subscribedEvent('fw-1'));
    const found = h.step(answer('alluxio-worker-1.second', 'a2', 'TASK_RUNNING'));
    expect(reportsOf(found)).toContainEqual(expect.objectContaining({ type: 'task-adopted', alias: 'worker-1' }));
    expect(h.task('worker-1')).toMatchObject({ taskId: 'alluxio-worker-1.second', state: 'TASK_RUNNING', relaunchAt: undefined });
    answerMarker(h);
    expect(launchedTasks(h.step(offersEvent(offer('a3'), offer('a4'))))).toEqual([]);
    expect(h.state.ledger.tasks.filter((t) => t.role === 'worker')).toHaveLength(1);
  });

  it('kills an unknown task whose alias is taken by a live task', () => {
    const h = new Harness(makeConfig({ maxWorkers: 2 }), fromBackup());
    h.step(subscribedEvent('fw-1'));
    const found = h.step(answer('alluxio-worker-1.older', 'a3', 'TASK_RUNNING'));
    expect(callsOf(found)).toEqual([{ type: 'KILL', kill: { task_id: { value: 'alluxio-worker-1.older' }, agent_id: { value: 'a3' } } }]);
    expect(reportsOf(found)).toEqual([
      {
        type: 'orphan-killed',
        taskId: 'alluxio-worker-1.older',
        state: 'TASK_RUNNING',
        reason: 'worker-1 already runs as alluxio-worker-1.w',
      },
    ]);
    expect(found.some((a) => a.kind === 'persist')).toBe(false);
    expect(h.task('worker-1').taskId).toBe('alluxio-worker-1.w');
  });

  it('kills an unknown worker beyond --max-workers, and one on an agent that already runs a worker', () => {
    const h = new Harness(makeConfig({ maxWorkers: 1 }), fromBackup());
    h.step(subscribedEvent('fw-1'));
    const over = h.step(answer('alluxio-worker-2.extra', 'a3', 'TASK_RUNNING'));
    expect(callsOf(over).map((c) => c.type)).toEqual(['KILL']);
    expect(reportsOf(over)).toContainEqual(
      expect.objectContaining({ type: 'orphan-killed', reason: '1 worker(s) wanted and the ledger already has 1' }),
    );

    const wide = new Harness(makeConfig({ maxWorkers: undefined }), fromBackup());
    wide.step(subscribedEvent('fw-1'));
    const doubled = wide.step(answer('alluxio-worker-2.same-agent', 'a2', 'TASK_STARTING'));
    expect(callsOf(doubled).map((c) => c.type)).toEqual(['KILL']);
    expect(reportsOf(doubled)).toContainEqual(
      expect.objectContaining({ type: 'orphan-killed', reason: 'its agent already runs worker-1 (one worker per agent)' }),
    );
    // Without a maximum, an unknown worker on an agent of its own is adopted.
    const elsewhere = wide.step(answer('alluxio-worker-2.own-agent', 'a3', 'TASK_STAGING'));
    expect(reportsOf(elsewhere)).toContainEqual(
      expect.objectContaining({ type: 'task-adopted', alias: 'worker-2', state: 'TASK_STAGING' }),
    );
  });

  it('kills an unknown second master, a task of an alias stopped for good, and one named like no alias', () => {
    const ledger = fromBackup();
    ledger.tasks[1]!.state = 'TASK_KILLED';
    ledger.tasks[1]!.killRequested = { at: 0, relaunch: false };
    const h = new Harness(makeConfig({ maxWorkers: 2 }), ledger);
    h.step(subscribedEvent('fw-1'));
    const reasons = [
      answer('alluxio-master-2.extra', 'a3', 'TASK_RUNNING'),
      answer('alluxio-worker-1.revived', 'a2', 'TASK_RUNNING'),
      answer('alluxio-something.else', 'a2', 'TASK_RUNNING'),
    ].map((event) => reportsOf(h.step(event)).find((r) => r.type === 'orphan-killed'));
    expect(reasons.map((r) => (r?.type === 'orphan-killed' ? r.reason : undefined))).toEqual([
      '1 master(s) wanted and the ledger already has 1',
      'worker-1 was stopped for good',
      'its id names no alias of this deployment',
    ]);
  });

  it('leaves unknown tasks that are ending alone', () => {
    const h = new Harness(makeConfig({ maxWorkers: 2 }), fromBackup());
    h.step(subscribedEvent('fw-1'));
    for (const state of ['TASK_KILLING', 'TASK_FAILED', 'TASK_LOST'] as const) {
      const actions = h.step(answer('alluxio-worker-2.x', 'a3', state));
      expect(callsOf(actions)).toEqual([]);
      expect(reportsOf(actions)).toEqual([]);
    }
  });

  it('holds launches until the marker is answered, so no launch races an adoption (the .bak case)', () => {
    // master-1 and worker-1 in the ledger; Mesos also runs worker-2 on a3, launched after the .bak.
    const h = new Harness(makeConfig({ maxWorkers: 2 }), fromBackup());
    h.step(subscribedEvent('fw-1'));
    // Offers arrive before the answers: without the hold, a3 or a4 would get a new worker-2 now.
    const early = h.step(offersEvent(offer('a3'), offer('a4')));
    expect(launchedTasks(early)).toEqual([]);
    expect(callsOf(early)).toEqual([
      { type: 'DECLINE', decline: { offer_ids: [expect.anything(), expect.anything()], filters: { refuse_seconds: 10 } } },
    ]);
    expect(reportsOf(early)).toContainEqual(expect.objectContaining({ type: 'decline-reason', code: 'reconciling' }));
    // The answers: the explicit ones, then the implicit ones (one of them unknown), then the marker.
    h.step(answer('alluxio-master-1.m', 'a1', 'TASK_RUNNING', true));
    h.step(answer('alluxio-worker-1.w', 'a2', 'TASK_RUNNING', true));
    h.step(answer('alluxio-master-1.m', 'a1', 'TASK_RUNNING', true));
    h.step(answer('alluxio-worker-1.w', 'a2', 'TASK_RUNNING', true));
    expect(reportsOf(h.step(answer('alluxio-worker-2.after-bak', 'a3', 'TASK_RUNNING', true)))).toContainEqual(
      expect.objectContaining({ type: 'task-adopted', alias: 'worker-2' }),
    );
    h.now += 40;
    const done = answerMarker(h);
    expect(reportsOf(done)).toContainEqual({ type: 'launch-hold-ended', outcome: 'reconciled', afterMs: 40 });
    expect(callsOf(done).map((c) => c.type)).not.toContain('KILL');
    expect(h.state.reconciliation).toBeUndefined();
    // Every offer after it: nothing to launch, two workers as wanted, one task per alias.
    expect(launchedTasks(h.step(offersEvent(offer('a3'), offer('a4'))))).toEqual([]);
    expect(Object.fromEntries(liveByAlias(h))).toEqual({ 'master-1': 1, 'worker-1': 1, 'worker-2': 1 });
    expect(callsOf(h.tick(60_000)).filter((c) => c.type === 'RECONCILE')).toEqual([]);
  });

  it('the hold clears the decline filters once it ends, if anything is wanted', () => {
    const ledger = fromBackup();
    ledger.tasks[1]!.state = 'TASK_LOST';
    ledger.tasks[1]!.relaunchAt = 0;
    const h = new Harness(makeConfig({ maxWorkers: 1 }), ledger);
    h.step(subscribedEvent('fw-1'));
    h.step(answer('alluxio-master-1.m', 'a1', 'TASK_RUNNING', true));
    expect(launchedTasks(h.step(offersEvent(offer('a2'))))).toEqual([]);
    const done = answerMarker(h);
    expect(callsOf(done).map((c) => c.type)).toEqual(['REVIVE']);
    expect(launchedTasks(h.step(offersEvent(offer('a2'))))).toEqual([
      expect.objectContaining({ taskId: expect.stringMatching(/^alluxio-worker-1\./) }),
    ]);
  });

  it('when Mesos does not answer the marker (agents re-registering), launches go on after the window and the asking goes on', () => {
    const ledger = fromBackup();
    ledger.tasks[1]!.state = 'TASK_LOST';
    ledger.tasks[1]!.relaunchAt = 0;
    const h = new Harness(makeConfig({ maxWorkers: 1 }), ledger);
    h.step(subscribedEvent('fw-1'));
    h.step(answer('alluxio-master-1.m', 'a1', 'TASK_RUNNING', true));
    const retry = callsOf(h.tick(5_000)).filter((c) => c.type === 'RECONCILE');
    expect(retry.map((c) => c.reconcile?.tasks?.length)).toEqual([0, 1]);
    expect(launchedTasks(h.step(offersEvent(offer('a2'))))).toEqual([]);
    h.now += 9_999;
    expect(launchedTasks(h.step(offersEvent(offer('a2'))))).toEqual([]);
    const window = h.tick(1);
    expect(reportsOf(window)).toContainEqual({ type: 'launch-hold-ended', outcome: 'timed-out', afterMs: 15_000 });
    expect(launchedTasks(h.step(offersEvent(offer('a2'))))).toHaveLength(1);
    // Still asking, on the explicit-reconciliation backoff, until the marker is answered.
    expect(callsOf(h.tick(20_000)).filter((c) => c.type === 'RECONCILE')).toHaveLength(2);
    // A task of an alias relaunched meanwhile, reported late, is killed, not doubled.
    const late = h.step(answer('alluxio-worker-1.late', 'a3', 'TASK_RUNNING'));
    expect(callsOf(late).map((c) => c.type)).toEqual(['KILL']);
    expect(reportsOf(answerMarker(h)).map((r) => r.type)).not.toContain('launch-hold-ended');
    expect(callsOf(h.tick(60_000)).filter((c) => c.type === 'RECONCILE')).toEqual([]);
  });

  it('starts over at the next subscription; a disconnection ends the hold with the connection', () => {
    const h = new Harness(makeConfig({ maxWorkers: 2 }), fromBackup());
    h.step(subscribedEvent('fw-1'));
    const first = h.state.reconciliation?.markerId;
    h.step({ type: 'disconnected' });
    expect(h.state.reconciliation).toBeUndefined();
    h.step(subscribedEvent('fw-1'));
    expect(h.state.reconciliation?.markerId).toMatch(/^alluxio-reconciliation\./);
    expect(h.state.reconciliation?.markerId).not.toBe(first);
  });

  it('an adopted master whose host no offer has named is not ready until an offer from its agent names it', () => {
    const ledger = ledgerWith([]);
    const h = new Harness(makeConfig({ maxWorkers: 1 }), ledger);
    h.step(subscribedEvent('fw-1'));
    const found = h.step(answer('alluxio-master-1.m', 'a9', 'TASK_RUNNING', true));
    expect(reportsOf(found)).toContainEqual(expect.objectContaining({ type: 'task-adopted', alias: 'master-1', hostname: '' }));
    expect(reportsOf(found).map((r) => r.type)).not.toContain('master-ready');
    answerMarker(h);
    const named = h.step(offersEvent(offer('a9', { hostname: 'host-nine' })));
    expect(h.task('master-1').hostname).toBe('host-nine');
    expect(named[0]).toMatchObject({ kind: 'persist' });
    expect(reportsOf(named)).toContainEqual({
      type: 'master-ready',
      alias: 'master-1',
      hostname: 'host-nine',
      webuiUrl: 'http://host-nine:19999',
    });
  });
});
