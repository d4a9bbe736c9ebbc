import { describe, expect, it } from 'vitest';
import { fingerprintOf, launchSpecOf } from '../../../../src/framework/scheduler/fingerprint.js';
import type { SchedulerConfig } from '../../../../src/framework/scheduler/config.js';
import type { DesiredState } from '../../../../src/state/desired-state.js';
import type { SlotRole } from '../../../../src/state/ledger.js';
import { callsOf, Harness, launchedTasks, makeConfig, offer, offersEvent, reportsOf, update } from './fixtures.js';

function desiredOf(config: SchedulerConfig, workerMemMb: number, options: Partial<DesiredState> = {}): DesiredState {
  const specOf = (role: SlotRole) => {
    const template = role === 'master' ? config.master : config.worker;
    return launchSpecOf({
      role,
      name: template.name,
      cpus: template.cpus,
      memMb: role === 'worker' ? workerMemMb : template.memMb,
      ports: template.ports,
      rpcPort: template.rpcPort,
      command: config.command,
      properties: {},
      distribution: 'LOCAL /opt/alluxio',
    });
  };
  const specs = { master: specOf('master'), worker: specOf('worker') };
  return {
    revision: 0,
    at: 0,
    masters: 1,
    workers: config.worker.max,
    maxUnavailable: '1',
    specs,
    fingerprints: { master: fingerprintOf(specs.master), worker: fingerprintOf(specs.worker) },
    source: 'deploy',
    ...options,
  };
}

/** A master on a1 and workers on a2, a3, all RUNNING and healthy, launched from `first`. */
function running(config: SchedulerConfig, first: DesiredState): Harness {
  const h = new Harness(config);
  h.step({ type: 'desired', desired: first });
  h.readyMaster('a1');
  for (const launched of launchedTasks(h.step(offersEvent(offer('a2'), offer('a3'))))) {
    h.step(update(launched.taskId, launched.agentId, 'TASK_RUNNING', { healthy: true }));
  }
  return h;
}

describe('rolling out a new desired state', () => {
  const config = makeConfig({ maxWorkers: 2 });
  const first = desiredOf(config, 2048);
  const second = desiredOf(config, 1024, { source: 'deploy' });

  it('labels every task with its fingerprint and records it in the ledger', () => {
    const h = new Harness(config);
    h.step({ type: 'desired', desired: first });
    expect(h.state.ledger.desired?.revision).toBe(1);
    h.step({ type: 'event', event: { type: 'SUBSCRIBED', subscribed: { framework_id: { value: 'fw-1' } } } });
    const accept = callsOf(h.step(offersEvent(offer('a1')))).find((c) => c.type === 'ACCEPT');
    const info = accept?.accept?.operations?.[0]?.launch?.task_infos[0];
    expect(info?.labels?.labels).toContainEqual({ key: 'alluxio-mesos.fingerprint', value: first.fingerprints.master });
    expect(h.task('master-1').fingerprint).toBe(first.fingerprints.master);
  });

  it('kills one outdated worker at a time with a grace period, relaunches it on its agent at once, then the next', () => {
    const h = running(config, first);
    const applied = h.step({ type: 'desired', desired: second });
    expect(reportsOf(applied)).toContainEqual({ type: 'desired-applied', revision: 2, source: 'deploy', rollout: true });
    expect(applied[0]?.kind).toBe('persist');
    const kills = callsOf(applied).filter((c) => c.type === 'KILL');
    expect(kills).toHaveLength(1);
    expect(kills[0]?.kill).toMatchObject({
      task_id: { value: h.task('worker-1').taskId },
      kill_policy: { grace_period: { nanoseconds: 30_000_000_000 } },
    });

    const oldId = h.task('worker-1').taskId;
    const killed = h.step(update(oldId, 'a2', 'TASK_KILLED'));
    expect(reportsOf(killed).some((r) => r.type === 'relaunch-scheduled')).toBe(false);
    expect(h.task('worker-1').failures).toEqual([]);
    const relaunch = callsOf(h.step(offersEvent(offer('a2')))).find((c) => c.type === 'ACCEPT');
    const info = relaunch?.accept?.operations?.[0]?.launch?.task_infos[0];
    expect(info?.agent_id.value).toBe('a2');
    expect(info?.resources.find((r) => r.name === 'mem')?.scalar?.value).toBe(1024);
    expect(info?.labels?.labels).toContainEqual({ key: 'alluxio-mesos.fingerprint', value: second.fingerprints.worker });
    // worker-2 is not touched until worker-1's replacement is healthy.
    const newId = h.task('worker-1').taskId;
    expect(callsOf(h.step(update(newId, 'a2', 'TASK_RUNNING'))).some((c) => c.type === 'KILL')).toBe(false);
    const next = h.step(update(newId, 'a2', 'TASK_RUNNING', { healthy: true }));
    expect(
      callsOf(next)
        .filter((c) => c.type === 'KILL')
        .map((c) => c.kill?.task_id.value),
    ).toEqual([h.task('worker-2').taskId]);
    expect(h.state.ledger.rollout?.done).toEqual(['worker-1']);
  });

  it('halts on a replacement that fails its health check; undo (the old desired state) replaces it back', () => {
    const h = running(config, first);
    h.step({ type: 'desired', desired: second });
    h.step(update(h.task('worker-1').taskId, 'a2', 'TASK_KILLED'));
    h.step(offersEvent(offer('a2')));
    const halted = h.step(update(h.task('worker-1').taskId, 'a2', 'TASK_RUNNING', { healthy: false }));
    expect(reportsOf(halted)).toContainEqual(expect.objectContaining({ type: 'rollout-halted', alias: 'worker-1' }));
    expect(h.state.ledger.rollout?.phase).toBe('halted');
    expect(h.task('worker-2').fingerprint).toBe(first.fingerprints.worker);
    expect(callsOf(h.tick(5_000)).some((c) => c.type === 'KILL')).toBe(false);

    const undo = h.step({ type: 'desired', desired: { ...first, source: 'undo' } });
    expect(reportsOf(undo)).toContainEqual({ type: 'desired-applied', revision: 3, source: 'undo', rollout: true });
    expect(
      callsOf(undo)
        .filter((c) => c.type === 'KILL')
        .map((c) => c.kill?.task_id.value),
    ).toEqual([h.task('worker-1').taskId]);
  });

  it('scales down by stopping the newest workers for good and forgets them once gone', () => {
    const h = running(config, first);
    const down = h.step({ type: 'desired', desired: { ...first, workers: 1, source: 'scale' } });
    expect(reportsOf(down)).toContainEqual({ type: 'worker-retired', alias: 'worker-2' });
    const killed = h.task('worker-2');
    h.step(update(killed.taskId, 'a3', 'TASK_KILLED'));
    expect(h.state.ledger.tasks.map((t) => t.alias)).toEqual(['master-1', 'worker-1']);
    // Up again: a new alias goes to the free agent.
    h.step({ type: 'desired', desired: { ...first, workers: 2, source: 'scale' } });
    const up = launchedTasks(h.step(offersEvent(offer('a3'))));
    expect(up.map((t) => t.taskId)).toEqual([expect.stringMatching(/^alluxio-worker-3\./)]);
  });

  it('ignores a handed-over desired state it has already applied', () => {
    const h = running(config, first);
    const request = { ...second, requestId: 'r-1' };
    expect(h.step({ type: 'desired', desired: request }).length).toBeGreaterThan(0);
    expect(h.step({ type: 'desired', desired: request })).toEqual([]);
  });
});

describe('replacing the master', () => {
  it('relaunches it on its own agent, declining other agents briefly meanwhile', () => {
    const config = makeConfig({ maxWorkers: 1 });
    const first = desiredOf(config, 2048);
    const h = running(config, first);
    const master = first.specs.master;
    const changed = { ...master, memMb: 512 };
    const next = {
      ...first,
      specs: { ...first.specs, master: changed },
      fingerprints: { ...first.fingerprints, master: fingerprintOf(changed) },
    };
    const applied = h.step({ type: 'desired', desired: next });
    expect(reportsOf(applied)).toContainEqual(expect.objectContaining({ type: 'rollout-master-warning', alias: 'master-1' }));
    h.step(update(h.task('master-1').taskId, 'a1', 'TASK_KILLED'));
    const elsewhere = h.step(offersEvent(offer('a3')));
    expect(launchedTasks(elsewhere)).toEqual([]);
    expect(callsOf(elsewhere).find((c) => c.type === 'DECLINE')?.decline?.filters?.refuse_seconds).toBe(10);
    expect(launchedTasks(h.step(offersEvent(offer('a1'))))).toEqual([expect.objectContaining({ agentId: 'a1' })]);
  });
});

describe('fingerprints after the ledger was lost', () => {
  it('adopts a task with the fingerprint of its Mesos label, so a rollout knows it is outdated', async () => {
    const { learnFingerprints } = await import('../../../../src/framework/scheduler/state-machine.js');
    const { ledgerWith } = await import('./fixtures.js');
    const config = makeConfig({ maxWorkers: 1 });
    const first = desiredOf(config, 2048);
    const h = new Harness(config, ledgerWith([]));
    learnFingerprints(h.state, new Map([['alluxio-worker-1.old', 'sha256:0123456789abcdef']]));
    h.step({ type: 'desired', desired: first });
    h.step({ type: 'event', event: { type: 'SUBSCRIBED', subscribed: { framework_id: { value: 'fw-1' } } } });
    h.step(update('alluxio-worker-1.old', 'a2', 'TASK_RUNNING', { uuid: undefined, healthy: true }));
    expect(h.task('worker-1').fingerprint).toBe('sha256:0123456789abcdef');
  });
});
