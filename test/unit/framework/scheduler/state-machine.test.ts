import { describe, expect, it } from 'vitest';
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

describe('master placement', () => {
  it('places the master first on a fitting offer and persists the ledger before the ACCEPT', () => {
    const h = new Harness();
    h.step(subscribedEvent());
    const actions = h.step(offersEvent(offer('a1'), offer('a2')));
    const launched = launchedTasks(actions);
    expect(launched).toHaveLength(1);
    expect(launched[0]).toMatchObject({ agentId: 'a1', name: 'AlluxioMaster' });
    expect(launched[0]?.taskId).toMatch(/^alluxio-master-1\.u\d+$/);
    expect(h.state.ledger.webuiUrl).toBe('http://a1.example:19999');
    const persistAt = actions.findIndex((a) => a.kind === 'persist');
    const acceptAt = actions.findIndex((a) => a.kind === 'call' && a.call.type === 'ACCEPT');
    expect(persistAt).toBeGreaterThanOrEqual(0);
    expect(persistAt).toBeLessThan(acceptAt);
    // The persisted ledger already holds the task being launched.
    const persisted = actions[persistAt];
    expect(persisted?.kind === 'persist' && persisted.ledger.tasks.map((t) => t.taskId)).toEqual([launched[0]?.taskId]);
    // No worker before the master is ready: the other offer is declined briefly, with a reason.
    const declines = callsOf(actions).filter((c) => c.type === 'DECLINE');
    expect(declines).toHaveLength(1);
    expect(declines[0]?.decline?.offer_ids).toEqual([{ value: expect.stringMatching(/^offer-/) }]);
    expect(declines[0]?.decline?.filters?.refuse_seconds).toBe(10);
    expect(reportsOf(actions)).toContainEqual(expect.objectContaining({ type: 'decline-reason', code: 'waiting-for-master' }));
  });

  it("uses Mesos' own TCP check when Alluxio listens on every interface", () => {
    const config = makeConfig();
    const h = new Harness({ ...config, master: { ...config.master, bindHost: '0.0.0.0' } });
    h.step(subscribedEvent());
    const accept = callsOf(h.step(offersEvent(offer('a1')))).find((c) => c.type === 'ACCEPT');
    expect(accept?.accept?.operations?.[0]?.launch?.task_infos[0]?.health_check).toMatchObject({ type: 'TCP', tcp: { port: 19998 } });
  });

  it('launches with a health check probing the rpc port on the offer host, and the command for that host', () => {
    const h = new Harness();
    h.step(subscribedEvent());
    const accept = callsOf(h.step(offersEvent(offer('a1')))).find((c) => c.type === 'ACCEPT');
    const task = accept?.accept?.operations?.[0]?.launch?.task_infos[0];
    expect(task?.health_check).toMatchObject({ type: 'COMMAND', command: { value: expect.stringMatching(/ a1\.example 19998$/) } });
    expect(task?.command?.value).toBe('start-master --master a1.example');
    expect(task?.labels?.labels).toContainEqual({ key: 'alluxio-mesos.alias', value: 'master-1' });
    expect(task?.resources.find((r) => r.name === 'ports')?.ranges?.range).toEqual([
      { begin: 19998, end: 19998 },
      { begin: 19999, end: 19999 },
    ]);
  });

  it('honours the pinned host and reports the reason once, not once per offer', () => {
    const h = new Harness(makeConfig({ pinnedHost: 'a3.example' }));
    h.step(subscribedEvent());
    const first = h.step(offersEvent(offer('a1'), offer('a2')));
    expect(launchedTasks(first)).toEqual([]);
    const reasons = reportsOf(first).filter((r) => r.type === 'decline-reason');
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatchObject({ code: 'not-pinned-host' });
    expect(callsOf(first).find((c) => c.type === 'DECLINE')?.decline?.filters?.refuse_seconds).toBe(120);
    const second = h.step(offersEvent(offer('a4')));
    expect(reportsOf(second).filter((r) => r.type === 'decline-reason')).toEqual([]);
    const third = h.step(offersEvent(offer('a3')));
    expect(launchedTasks(third)).toEqual([expect.objectContaining({ agentId: 'a3' })]);
  });

  it('reports each distinct misfit reason once', () => {
    const h = new Harness();
    h.step(subscribedEvent());
    const actions = h.step(offersEvent(offer('a1', { cpus: 1 }), offer('a2', { cpus: 0.5 }), offer('a3', { ports: [[19998, 19998]] })));
    const codes = reportsOf(actions).flatMap((r) => (r.type === 'decline-reason' ? [r.code] : []));
    expect(codes).toEqual(['insufficient-cpus', 'missing-port']);
  });

  it('places several masters on distinct hosts', () => {
    const h = new Harness(makeConfig({ masterCount: 2 }));
    h.step(subscribedEvent());
    const launched = launchedTasks(h.step(offersEvent(offer('a1'), offer('a1'), offer('a2'))));
    expect(launched.map((t) => t.agentId)).toEqual(['a1', 'a2']);
    expect(h.state.ledger.tasks.map((t) => t.alias)).toEqual(['master-1', 'master-2']);
  });
});

describe('worker placement', () => {
  it('waits until the master is RUNNING and healthy', () => {
    const h = new Harness();
    h.step(subscribedEvent());
    const masterId = launchedTasks(h.step(offersEvent(offer('a1'))))[0]?.taskId ?? '';
    h.step(update(masterId, 'a1', 'TASK_RUNNING'));
    expect(launchedTasks(h.step(offersEvent(offer('a2'))))).toEqual([]);
    const ready = h.step(update(masterId, 'a1', 'TASK_RUNNING', { healthy: true }));
    expect(reportsOf(ready)).toContainEqual({
      type: 'master-ready',
      alias: 'master-1',
      hostname: 'a1.example',
      webuiUrl: 'http://a1.example:19999',
    });
    // Filters set while waiting are cleared at once.
    expect(callsOf(ready).map((c) => c.type)).toContain('REVIVE');
    const launched = launchedTasks(h.step(offersEvent(offer('a2'))));
    expect(launched).toEqual([expect.objectContaining({ agentId: 'a2', name: 'AlluxioWorker' })]);
    expect(h.state.ledger.webuiUrl).toBe('http://a1.example:19999');
  });

  it('without health checks, a RUNNING master is enough', () => {
    const h = new Harness(makeConfig({ healthChecks: false }));
    h.step(subscribedEvent());
    const masterId = launchedTasks(h.step(offersEvent(offer('a1'))))[0]?.taskId ?? '';
    h.step(update(masterId, 'a1', 'TASK_RUNNING'));
    expect(launchedTasks(h.step(offersEvent(offer('a2'))))).toHaveLength(1);
  });

  it('puts one worker per agent, passes the master host, and stops at the maximum', () => {
    const h = new Harness(makeConfig({ maxWorkers: 2 }));
    h.readyMaster('a1');
    const actions = h.step(offersEvent(offer('a1'), offer('a1'), offer('a2'), offer('a3')));
    const launched = launchedTasks(actions);
    expect(launched.map((t) => t.agentId)).toEqual(['a1', 'a2']);
    const accept = callsOf(actions).find(
      (c) => c.type === 'ACCEPT' && c.accept?.operations?.[0]?.launch?.task_infos[0]?.agent_id.value === 'a2',
    );
    expect(accept?.accept?.operations?.[0]?.launch?.task_infos[0]?.command?.value).toBe('start-worker --master a1.example');
    expect(reportsOf(actions)).toContainEqual(expect.objectContaining({ type: 'decline-reason', code: 'host-has-worker' }));
    expect(h.state.ledger.tasks.map((t) => t.alias)).toEqual(['master-1', 'worker-1', 'worker-2']);
  });

  it('takes worker memory as ramdisk + overhead plus the executor overhead', () => {
    const h = new Harness();
    h.readyMaster('a1');
    // worker task memory is 2048; with the executor's 32 MB an offer of 2070 MB is too small.
    const actions = h.step(offersEvent(offer('a2', { mem: 2070 })));
    expect(launchedTasks(actions)).toEqual([]);
    expect(reportsOf(actions)).toContainEqual(expect.objectContaining({ type: 'decline-reason', code: 'insufficient-mem' }));
    const fits = h.step(offersEvent(offer('a3', { mem: 2080 })));
    const accept = callsOf(fits).find((c) => c.type === 'ACCEPT');
    expect(accept?.accept?.operations?.[0]?.launch?.task_infos[0]?.resources.find((r) => r.name === 'mem')?.scalar?.value).toBe(2048);
  });
});

describe('SUPPRESS and REVIVE', () => {
  function placeAll(h: Harness): string[] {
    h.readyMaster('a1');
    const launched = launchedTasks(h.step(offersEvent(offer('a1'), offer('a2'))));
    return launched.map((t) => t.taskId);
  }

  it('suppresses once everything is placed, and declines later offers for long', () => {
    const h = new Harness(makeConfig({ maxWorkers: 2 }));
    h.readyMaster('a1');
    const actions = h.step(offersEvent(offer('a1'), offer('a2')));
    expect(callsOf(actions).map((c) => c.type)).toEqual(['ACCEPT', 'ACCEPT', 'SUPPRESS']);
    expect(reportsOf(actions)).toContainEqual({ type: 'all-placed', masters: 1, workers: 2 });
    const late = h.step(offersEvent(offer('a5')));
    expect(callsOf(late)).toEqual([
      expect.objectContaining({ type: 'DECLINE', decline: expect.objectContaining({ filters: { refuse_seconds: 120 } }) }),
    ]);
  });

  it('revives when a task must be relaunched, after its backoff', () => {
    const h = new Harness(makeConfig({ maxWorkers: 2 }));
    const [w1] = placeAll(h);
    expect(h.state.suppressed).toBe(true);
    const failed = h.step(update(w1 ?? '', 'a1', 'TASK_FAILED', { message: 'exit 1' }));
    expect(reportsOf(failed)).toContainEqual(expect.objectContaining({ type: 'relaunch-scheduled', alias: 'worker-1', inMs: 5000 }));
    expect(callsOf(failed).map((c) => c.type)).toEqual(['ACKNOWLEDGE']);
    expect(callsOf(h.tick(4000)).map((c) => c.type)).not.toContain('REVIVE');
    expect(callsOf(h.tick(1000)).map((c) => c.type)).toContain('REVIVE');
    const relaunched = h.step(offersEvent(offer('a3')));
    expect(launchedTasks(relaunched)).toEqual([
      expect.objectContaining({ agentId: 'a3', taskId: expect.stringMatching(/^alluxio-worker-1\./) }),
    ]);
    expect(h.task('worker-1').relaunchCount).toBe(1);
    expect(reportsOf(relaunched)).toContainEqual(expect.objectContaining({ type: 'task-launched', alias: 'worker-1', relaunch: true }));
  });

  it('with an open worker count, suppresses with the ACCEPTs once every agent that offered runs a worker', () => {
    const h = new Harness(makeConfig({ maxWorkers: undefined }));
    h.readyMaster('a1');
    const placed = h.step(offersEvent(offer('a1'), offer('a2'), offer('a3')));
    expect(launchedTasks(placed)).toHaveLength(3);
    expect(callsOf(placed).map((c) => c.type)).toEqual(['ACCEPT', 'ACCEPT', 'ACCEPT', 'SUPPRESS']);
    expect(reportsOf(placed)).toContainEqual({ type: 'all-placed', masters: 1, workers: 3 });
  });

  it('with an open worker count, an agent too small for a worker keeps the search open until an offer round places none', () => {
    const h = new Harness(makeConfig({ maxWorkers: undefined }));
    h.readyMaster('a1');
    const placed = h.step(offersEvent(offer('a1'), offer('a2'), offer('small', { mem: 16 })));
    expect(launchedTasks(placed)).toHaveLength(2);
    expect(callsOf(placed).map((c) => c.type)).not.toContain('SUPPRESS');
    const nothingNew = h.step(offersEvent(offer('small', { mem: 16 })));
    expect(callsOf(nothingNew).map((c) => c.type)).toEqual(['DECLINE', 'SUPPRESS']);
  });

  it('with an open worker count, a lost agent no longer counts: the others running workers end the search', () => {
    const h = new Harness(makeConfig({ maxWorkers: undefined }));
    h.readyMaster('a1');
    expect(launchedTasks(h.step(offersEvent(offer('a1'), offer('small', { mem: 16 }))))).toHaveLength(1);
    h.step({ type: 'FAILURE', failure: { agent_id: { value: 'small' } } });
    const placed = h.step(offersEvent(offer('a2')));
    expect(callsOf(placed).map((c) => c.type)).toEqual(['ACCEPT', 'SUPPRESS']);
  });

  it('with an open worker count, suppresses when no agent is left and revives periodically', () => {
    const h = new Harness(makeConfig({ maxWorkers: undefined }));
    h.readyMaster('a1');
    const first = h.step(offersEvent(offer('a1'), offer('a2'), offer('small', { mem: 16 })));
    expect(launchedTasks(first)).toHaveLength(2);
    expect(callsOf(first).map((c) => c.type)).not.toContain('SUPPRESS');
    const nothingNew = h.step(offersEvent(offer('a1')));
    expect(callsOf(nothingNew).map((c) => c.type)).toEqual(['DECLINE', 'SUPPRESS']);
    expect(callsOf(h.tick(299_000)).map((c) => c.type)).not.toContain('REVIVE');
    expect(callsOf(h.tick(1000)).map((c) => c.type)).toContain('REVIVE');
    expect(launchedTasks(h.step(offersEvent(offer('a9'))))).toEqual([expect.objectContaining({ agentId: 'a9' })]);
  });
});

describe('relaunch policy', () => {
  it.each(['TASK_FAILED', 'TASK_LOST', 'TASK_ERROR', 'TASK_DROPPED', 'TASK_GONE', 'TASK_UNREACHABLE'] as const)(
    'relaunches after %s',
    (state) => {
      const h = new Harness();
      const master = h.readyMaster('a1');
      const actions = h.step(update(master, 'a1', state));
      expect(reportsOf(actions)).toContainEqual(
        expect.objectContaining({ type: 'relaunch-scheduled', alias: 'master-1', lastState: state }),
      );
      expect(reportsOf(actions)).toContainEqual({ type: 'master-lost', alias: 'master-1' });
      h.tick(5000);
      expect(launchedTasks(h.step(offersEvent(offer('a2'))))).toEqual([
        expect.objectContaining({ taskId: expect.stringMatching(/^alluxio-master-1\./) }),
      ]);
    },
  );

  it('doubles the backoff per recent failure', () => {
    const h = new Harness();
    h.step(subscribedEvent());
    const delays: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const taskId = launchedTasks(h.step(offersEvent(offer('a1'))))[0]?.taskId ?? '';
      const report = reportsOf(h.step(update(taskId, 'a1', 'TASK_FAILED'))).find((r) => r.type === 'relaunch-scheduled');
      if (report?.type !== 'relaunch-scheduled') throw new Error('no relaunch');
      delays.push(report.inMs);
      h.tick(report.inMs);
    }
    expect(delays).toEqual([5000, 10_000, 20_000]);
  });

  it('stops relaunching an alias that crash-loops, and says so', () => {
    const h = new Harness(makeConfig({ timing: { crashLoopLimit: 3 } }));
    h.step(subscribedEvent());
    let last: ReturnType<Harness['step']> = [];
    for (let i = 0; i < 3; i += 1) {
      h.tick(60_000);
      const taskId = launchedTasks(h.step(offersEvent(offer('a1'))))[0]?.taskId ?? '';
      last = h.step(update(taskId, 'a1', 'TASK_FAILED', { message: 'boom' }));
    }
    expect(reportsOf(last)).toContainEqual(expect.objectContaining({ type: 'crash-loop', alias: 'master-1', failures: 3 }));
    expect(h.task('master-1').crashLooped).toBe(true);
    h.tick(3_600_000);
    expect(launchedTasks(h.step(offersEvent(offer('a2'))))).toEqual([]);
  });

  it('suppresses instead of waiting for a master that crash-looped', () => {
    const h = new Harness(makeConfig({ timing: { crashLoopLimit: 1 } }));
    h.step(subscribedEvent());
    const taskId = launchedTasks(h.step(offersEvent(offer('a1'))))[0]?.taskId ?? '';
    // A master on its way keeps offers coming for the workers.
    expect(callsOf(h.step(update(taskId, 'a1', 'TASK_STARTING'))).map((c) => c.type)).toEqual(['ACKNOWLEDGE']);
    const failed = h.step(update(taskId, 'a1', 'TASK_FAILED'));
    expect(callsOf(failed).map((c) => c.type)).toEqual(['ACKNOWLEDGE', 'SUPPRESS']);
    expect(reportsOf(failed).map((r) => r.type)).not.toContain('all-placed');
  });

  it('keeps a task that comes back from UNREACHABLE before its relaunch', () => {
    const h = new Harness();
    const master = h.readyMaster('a1');
    h.step(update(master, 'a1', 'TASK_UNREACHABLE'));
    expect(h.task('master-1').relaunchAt).toBeDefined();
    h.step(update(master, 'a1', 'TASK_RUNNING', { healthy: true }));
    expect(h.task('master-1').relaunchAt).toBeUndefined();
    h.tick(10_000);
    expect(launchedTasks(h.step(offersEvent(offer('a2'))))).toEqual([expect.objectContaining({ name: 'AlluxioWorker' })]);
  });

  it('never relaunches a task it was asked to kill', () => {
    const h = new Harness();
    const master = h.readyMaster('a1');
    const kill = h.step({ type: 'kill', alias: 'master-1' });
    expect(callsOf(kill)).toEqual([{ type: 'KILL', kill: { task_id: { value: master }, agent_id: { value: 'a1' } } }]);
    const killed = h.step(update(master, 'a1', 'TASK_KILLED'));
    expect(reportsOf(killed).map((r) => r.type)).not.toContain('relaunch-scheduled');
    h.tick(600_000);
    expect(launchedTasks(h.step(offersEvent(offer('a2'))))).toEqual([]);
  });

  it('a stop requested during a launch-timeout check is not turned into a relaunch', () => {
    const h = new Harness(makeConfig({ timing: { launchTimeoutMs: 60_000 } }));
    h.step(subscribedEvent());
    const taskId = launchedTasks(h.step(offersEvent(offer('a1'))))[0]?.taskId ?? '';
    h.tick(60_000);
    h.step({ type: 'kill', alias: 'master-1' });
    expect(callsOf(h.tick(30_000)).map((c) => c.type)).toContain('KILL');
    expect(h.task('master-1').killRequested).toEqual(expect.objectContaining({ relaunch: false }));
    const killed = h.step(update(taskId, 'a1', 'TASK_KILLED'));
    expect(reportsOf(killed).map((r) => r.type)).not.toContain('relaunch-scheduled');
  });

  it('relaunches a task killed by someone else (e.g. a failed health check)', () => {
    const h = new Harness();
    const master = h.readyMaster('a1');
    const killed = h.step(update(master, 'a1', 'TASK_KILLED', { healthy: false }));
    expect(reportsOf(killed)).toContainEqual(expect.objectContaining({ type: 'relaunch-scheduled', alias: 'master-1' }));
  });
});

describe('stuck launches', () => {
  it('reconciles a task not RUNNING in time, then kills and relaunches it', () => {
    const h = new Harness(makeConfig({ timing: { launchTimeoutMs: 60_000 } }));
    h.step(subscribedEvent());
    const taskId = launchedTasks(h.step(offersEvent(offer('a1'))))[0]?.taskId ?? '';
    h.step(update(taskId, 'a1', 'TASK_STAGING'));
    expect(callsOf(h.tick(59_000)).map((c) => c.type)).not.toContain('RECONCILE');
    const reconcile = h.tick(1000);
    expect(callsOf(reconcile)).toContainEqual({
      type: 'RECONCILE',
      reconcile: { tasks: [{ task_id: { value: taskId }, agent_id: { value: 'a1' } }] },
    });
    // The reconciliation answer (no uuid) says it is still staging: not acknowledged.
    const answer = h.step(update(taskId, 'a1', 'TASK_STAGING', { uuid: undefined, reason: 'REASON_RECONCILIATION' }));
    expect(callsOf(answer)).toEqual([]);
    const kill = h.tick(30_000);
    expect(callsOf(kill)).toContainEqual({ type: 'KILL', kill: { task_id: { value: taskId }, agent_id: { value: 'a1' } } });
    expect(reportsOf(kill)).toContainEqual(expect.objectContaining({ type: 'launch-timeout', action: 'kill' }));
    // No answer: the KILL is repeated.
    expect(callsOf(h.tick(30_000)).map((c) => c.type)).toContain('KILL');
    const killed = h.step(update(taskId, 'a1', 'TASK_KILLED'));
    expect(reportsOf(killed)).toContainEqual(expect.objectContaining({ type: 'relaunch-scheduled', alias: 'master-1' }));
    h.tick(5000);
    expect(launchedTasks(h.step(offersEvent(offer('a2'))))).toHaveLength(1);
  });

  it('does nothing when the reconciliation shows the task RUNNING', () => {
    const h = new Harness(makeConfig({ timing: { launchTimeoutMs: 60_000 } }));
    h.step(subscribedEvent());
    const taskId = launchedTasks(h.step(offersEvent(offer('a1'))))[0]?.taskId ?? '';
    h.tick(60_000);
    h.step(update(taskId, 'a1', 'TASK_RUNNING', { uuid: undefined }));
    const later = h.tick(60_000);
    expect(callsOf(later).map((c) => c.type)).not.toContain('KILL');
  });
});

describe('events', () => {
  it('acknowledges updates with a uuid, echoing it, and never reconciliation answers', () => {
    const h = new Harness();
    h.step(subscribedEvent());
    const taskId = launchedTasks(h.step(offersEvent(offer('a1'))))[0]?.taskId ?? '';
    expect(callsOf(h.step(update(taskId, 'a1', 'TASK_STARTING', { uuid: 'YWJj' })))).toEqual([
      { type: 'ACKNOWLEDGE', acknowledge: { agent_id: { value: 'a1' }, task_id: { value: taskId }, uuid: 'YWJj' } },
    ]);
    expect(callsOf(h.step(update(taskId, 'a1', 'TASK_RUNNING', { uuid: undefined })))).toEqual([]);
  });

  it('kills a running task of an alias that runs another task (an earlier launch) and acknowledges its update', () => {
    const h = new Harness();
    h.readyMaster('a1');
    const calls = callsOf(h.step(update('alluxio-master-1.old', 'a4', 'TASK_RUNNING')));
    expect(calls.map((c) => c.type)).toEqual(['KILL', 'ACKNOWLEDGE']);
    expect(callsOf(h.step(update('alluxio-master-1.old', 'a4', 'TASK_KILLED'))).map((c) => c.type)).toEqual(['ACKNOWLEDGE']);
  });

  it('ignores RESCIND (offers are never held) and answers ERROR by resubscribing', () => {
    const h = new Harness();
    h.step(subscribedEvent());
    expect(h.step({ type: 'RESCIND', rescind: { offer_id: { value: 'offer-x' } } })).toEqual([]);
    const error = h.step({ type: 'ERROR', error: { message: 'Master is shutting down' } });
    expect(error).toContainEqual({ kind: 'resubscribe', reason: 'Master is shutting down' });
    expect(error.map((a) => a.kind)).not.toContain('deposed');
    expect(h.state.subscribed).toBe(false);
    // Nothing is sent while disconnected.
    expect(callsOf(h.tick(700_000))).toEqual([]);
  });

  it('stops for good, never resubscribing, when Mesos says the framework failed over to another scheduler', () => {
    const h = new Harness();
    h.readyMaster('a1');
    const error = h.step({ type: 'ERROR', error: { message: 'Framework failed over' } });
    expect(error).toContainEqual({ kind: 'deposed', reason: 'Framework failed over' });
    expect(error.map((a) => a.kind)).not.toContain('resubscribe');
    expect(error.map((a) => a.kind)).not.toContain('persist');
    expect(callsOf(error)).toEqual([]);
    expect(h.state.subscribed).toBe(false);
  });

  it('on an agent FAILURE, reconciles its tasks and waits for their updates', () => {
    const h = new Harness();
    const master = h.readyMaster('a1');
    const actions = h.step({ type: 'FAILURE', failure: { agent_id: { value: 'a1' } } });
    expect(reportsOf(actions)).toContainEqual({ type: 'agent-lost', agentId: 'a1', aliases: ['master-1'] });
    expect(callsOf(actions)).toEqual([
      { type: 'RECONCILE', reconcile: { tasks: [{ task_id: { value: master }, agent_id: { value: 'a1' } }] } },
    ]);
    expect(h.task('master-1').state).toBe('TASK_RUNNING');
  });

  it('reconciles implicitly every 10 minutes', () => {
    const h = new Harness();
    h.step(subscribedEvent());
    expect(callsOf(h.tick(599_000)).filter((c) => c.type === 'RECONCILE')).toEqual([]);
    expect(callsOf(h.tick(1000))).toContainEqual({ type: 'RECONCILE', reconcile: { tasks: [] } });
    expect(callsOf(h.tick(1000)).filter((c) => c.type === 'RECONCILE')).toEqual([]);
    expect(callsOf(h.tick(600_000))).toContainEqual({ type: 'RECONCILE', reconcile: { tasks: [] } });
  });
});

describe('adoption after a restart', () => {
  const restored = () =>
    ledgerWith([
      { alias: 'master-1', role: 'master', taskId: 'alluxio-master-1.x', agentId: 'a1', state: 'TASK_RUNNING', healthy: true },
      { alias: 'worker-1', role: 'worker', taskId: 'alluxio-worker-1.y', agentId: 'a2', state: 'TASK_RUNNING' },
    ]);

  it('reconciles the ledger tasks explicitly, with backoff until every one answered', () => {
    const h = new Harness(makeConfig({ maxWorkers: 1 }), restored());
    const subscribed = h.step(subscribedEvent());
    expect(reportsOf(subscribed)).toContainEqual({ type: 'subscribed', frameworkId: 'fw-1', adopted: ['master-1', 'worker-1'] });
    const reconcile = callsOf(subscribed).find((c) => c.type === 'RECONCILE');
    expect(reconcile?.reconcile?.tasks?.map((t) => t.task_id.value)).toEqual(['alluxio-master-1.x', 'alluxio-worker-1.y']);
    answerMarker(h);
    h.step(update('alluxio-master-1.x', 'a1', 'TASK_RUNNING', { uuid: undefined, healthy: true }));
    const retry = callsOf(h.tick(5000)).find((c) => c.type === 'RECONCILE');
    expect(retry?.reconcile?.tasks?.map((t) => t.task_id.value)).toEqual(['alluxio-worker-1.y']);
    expect(callsOf(h.tick(5000)).filter((c) => c.type === 'RECONCILE')).toEqual([]);
    expect(callsOf(h.tick(5000)).filter((c) => c.type === 'RECONCILE')).toHaveLength(1);
    const done = h.step(update('alluxio-worker-1.y', 'a2', 'TASK_RUNNING', { uuid: undefined }));
    expect(reportsOf(done)).toContainEqual({ type: 'reconciled', tasks: 2 });
    expect(callsOf(h.tick(60_000)).filter((c) => c.type === 'RECONCILE')).toEqual([]);
  });

  it('adopts running tasks instead of launching duplicates, and suppresses', () => {
    const h = new Harness(makeConfig({ maxWorkers: 1 }), restored());
    const subscribed = h.step(subscribedEvent());
    expect(callsOf(subscribed).map((c) => c.type)).toEqual(['RECONCILE', 'RECONCILE', 'RECONCILE', 'SUPPRESS']);
    expect(launchedTasks(h.step(offersEvent(offer('a3'), offer('a4'))))).toEqual([]);
    answerMarker(h);
    expect(launchedTasks(h.step(offersEvent(offer('a3'), offer('a4'))))).toEqual([]);
  });

  it('relaunches a ledger task that Mesos no longer knows', () => {
    const h = new Harness(makeConfig({ maxWorkers: 1 }), restored());
    h.step(subscribedEvent());
    const lost = h.step(update('alluxio-worker-1.y', 'a2', 'TASK_LOST', { uuid: undefined, message: 'Reconciliation: Task is unknown' }));
    expect(reportsOf(lost)).toContainEqual(expect.objectContaining({ type: 'relaunch-scheduled', alias: 'worker-1' }));
    answerMarker(h);
    h.tick(5000);
    expect(launchedTasks(h.step(offersEvent(offer('a3'))))).toEqual([
      expect.objectContaining({ taskId: expect.stringMatching(/^alluxio-worker-1\./) }),
    ]);
  });
});

describe('ledger persistence', () => {
  it('persists on state changes but not on repeated identical updates', () => {
    const h = new Harness();
    const master = h.readyMaster('a1');
    const repeat = h.step(update(master, 'a1', 'TASK_RUNNING', { healthy: true }));
    expect(repeat.some((a) => a.kind === 'persist')).toBe(false);
    const sick = h.step(update(master, 'a1', 'TASK_RUNNING', { healthy: false }));
    expect(sick[0]?.kind).toBe('persist');
    expect(h.task('master-1').healthy).toBe(false);
  });

  it('records the framework id from SUBSCRIBED', () => {
    const h = new Harness();
    const actions = h.step(subscribedEvent('fw-42'));
    expect(actions[0]).toMatchObject({ kind: 'persist' });
    expect(h.state.ledger.frameworkId).toBe('fw-42');
  });
});

describe('masters that elect a leader (high availability)', () => {
  const taskInfos = (actions: ReturnType<Harness['step']>) =>
    callsOf(actions).flatMap((call) => (call.accept?.operations ?? []).flatMap((op) => op.launch?.task_infos ?? []));

  it('get no health check (a standby listens on no port), workers get theirs, and a RUNNING master is ready', () => {
    const h = new Harness(makeConfig({ masterCount: 2, electsLeader: true }));
    h.step(subscribedEvent());
    const masters = taskInfos(h.step(offersEvent(offer('a1'), offer('a2'))));
    expect(masters.map((task) => task.health_check)).toEqual([undefined, undefined]);
    const ready = h.step(update(masters[0]?.task_id.value ?? '', 'a1', 'TASK_RUNNING'));
    expect(reportsOf(ready)).toContainEqual(expect.objectContaining({ type: 'master-ready', alias: 'master-1' }));
    const workers = taskInfos(h.step(offersEvent(offer('a3'))));
    expect(workers.map((task) => task.name)).toEqual(['AlluxioWorker']);
    expect(workers[0]?.health_check).toBeDefined();
  });
});

describe('workers with the master (workersWithMaster)', () => {
  it('one OFFERS event launches the master and every worker, workers pointed at the master, all persisted first', () => {
    const h = new Harness(makeConfig({ workersWithMaster: true, maxWorkers: 3 }));
    h.step(subscribedEvent());
    const actions = h.step(offersEvent(offer('a1'), offer('a2'), offer('a3'), offer('a4')));
    const launched = launchedTasks(actions);
    expect(launched.map((t) => `${t.name}@${t.agentId}`)).toEqual([
      'AlluxioMaster@a1',
      'AlluxioWorker@a2',
      'AlluxioWorker@a3',
      'AlluxioWorker@a4',
    ]);
    const accepts = callsOf(actions).filter((c) => c.type === 'ACCEPT');
    const commands = accepts.map((c) => c.accept?.operations?.[0]?.launch?.task_infos[0]?.command?.value);
    expect(commands).toEqual(['start-master --master a1.example', ...Array(3).fill('start-worker --master a1.example')]);
    expect(actions.findIndex((a) => a.kind === 'persist')).toBe(0);
    // Nothing left to place: no more offers wanted while the master comes up.
    expect(callsOf(actions).map((c) => c.type)).toContain('SUPPRESS');
  });

  it('a later offer round places the remaining workers while the master is still STAGING', () => {
    const h = new Harness(makeConfig({ workersWithMaster: true, maxWorkers: 2 }));
    h.step(subscribedEvent());
    // One offer is one task (an offer is accepted whole).
    expect(launchedTasks(h.step(offersEvent(offer('a1')))).map((t) => t.name)).toEqual(['AlluxioMaster']);
    const later = h.step(offersEvent(offer('a2'), offer('a3')));
    expect(launchedTasks(later).map((t) => `${t.name}@${t.agentId}`)).toEqual(['AlluxioWorker@a2', 'AlluxioWorker@a3']);
    expect(h.task('master-1').state).toBe('TASK_STAGING');
  });

  it('without the option, workers wait for the master to be healthy', () => {
    const h = new Harness(makeConfig({ maxWorkers: 3 }));
    h.step(subscribedEvent());
    const launched = launchedTasks(h.step(offersEvent(offer('a1'), offer('a2'), offer('a3'), offer('a4'))));
    expect(launched.map((t) => t.name)).toEqual(['AlluxioMaster']);
  });
});
