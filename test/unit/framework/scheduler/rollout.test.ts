import { describe, expect, it } from 'vitest';
import { commandFromSpec, fingerprintOf, launchSpecOf, MASTER_HOST_PLACEHOLDER } from '../../../../src/framework/scheduler/fingerprint.js';
import { maxUnavailableCount, parseMaxUnavailable, startRollout, stepRollout } from '../../../../src/framework/scheduler/rollout.js';
import { aliasRanges, planRollout } from '../../../../src/framework/scheduler/rollout-plan.js';
import type { DesiredState, LaunchSpecRecord } from '../../../../src/state/desired-state.js';
import { newLedgerTask, parseLedger, serializeLedger, emptyLedger, type LedgerTask } from '../../../../src/state/ledger.js';
import type { SlotRole } from '../../../../src/state/ledger.js';

function spec(role: SlotRole, overrides: { memMb?: number; props?: Record<string, string>; url?: string } = {}): LaunchSpecRecord {
  return launchSpecOf({
    role,
    name: role === 'master' ? 'AlluxioMaster' : 'AlluxioWorker',
    cpus: 1,
    memMb: overrides.memMb ?? 1568,
    ports: role === 'master' ? [19998, 19999] : [29998, 29999],
    rpcPort: role === 'master' ? 19998 : 29998,
    command: (r, host) => ({
      shell: true,
      value: `export ALLUXIO_MASTER_HOSTNAME=${host}\nstart-${r}`,
      uris: [{ value: overrides.url ?? 'http://x/a.tgz' }],
    }),
    properties: overrides.props ?? { 'alluxio.worker.memory.size': '512MB' },
    distribution: overrides.url ?? 'http://x/a.tgz',
  });
}

function desired(worker: LaunchSpecRecord, options: Partial<DesiredState> = {}): DesiredState {
  const master = spec('master');
  return {
    revision: 1,
    at: 0,
    masters: 1,
    workers: 5,
    maxUnavailable: '1',
    specs: { master, worker },
    fingerprints: { master: fingerprintOf(master), worker: fingerprintOf(worker) },
    source: 'deploy',
    ...options,
  };
}

function task(alias: string, fingerprint: string, fields: Partial<LedgerTask> = {}): LedgerTask {
  const role: SlotRole = alias.startsWith('master') ? 'master' : 'worker';
  const t = newLedgerTask({
    alias,
    role,
    taskId: `${alias}.old`,
    agentId: `agent-${alias}`,
    hostname: `${alias}.example`,
    state: 'TASK_RUNNING',
    launchedAt: 0,
  });
  return Object.assign(t, { healthy: true, fingerprint }, fields);
}

describe('fingerprint', () => {
  it('is sha256: and 16 hex digits, the same for the same specification and different for any change', () => {
    const a = fingerprintOf(spec('worker'));
    expect(a).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(fingerprintOf(spec('worker'))).toBe(a);
    expect(fingerprintOf(spec('worker', { memMb: 1312 }))).not.toBe(a);
    expect(fingerprintOf(spec('worker', { props: { 'alluxio.worker.memory.size': '256MB' } }))).not.toBe(a);
    expect(fingerprintOf(spec('worker', { url: 'http://x/b.tgz' }))).not.toBe(a);
    expect(fingerprintOf(spec('master'))).not.toBe(a);
  });

  it('does not depend on key order, and the command keeps the master host as a placeholder', () => {
    const s = spec('worker', { props: { b: '2', a: '1' } });
    const reordered: LaunchSpecRecord = { ...s, properties: { a: '1', b: '2' } };
    expect(fingerprintOf(reordered)).toBe(fingerprintOf(s));
    expect(s.command.value).toContain(MASTER_HOST_PLACEHOLDER);
    expect(commandFromSpec(s, 'node-7.example').value).toBe('export ALLUXIO_MASTER_HOSTNAME=node-7.example\nstart-worker');
    // A host the shell would read differently is quoted.
    expect(commandFromSpec(s, '[::1]').value).toContain("ALLUXIO_MASTER_HOSTNAME='[::1]'");
  });
});

describe('max unavailable', () => {
  it('takes a count or a percentage, at least 1', () => {
    expect(maxUnavailableCount(parseMaxUnavailable('2'), 5)).toBe(2);
    expect(maxUnavailableCount(parseMaxUnavailable('25%'), 8)).toBe(2);
    expect(maxUnavailableCount(parseMaxUnavailable('10%'), 5)).toBe(1);
    expect(() => parseMaxUnavailable('0')).toThrow(/count .* or a percentage/);
    expect(() => parseMaxUnavailable('150%')).toThrow(/--max-unavailable/);
  });
});

describe('rolling', () => {
  const oldWorker = spec('worker');
  const newWorker = spec('worker', { memMb: 1312, props: { 'alluxio.worker.memory.size': '256MB' } });
  const before = desired(oldWorker);
  const after = desired(newWorker, { revision: 2, maxUnavailable: '2' });
  const view = (tasks: LedgerTask[]) => ({ tasks, desired: after, healthChecked: true, healthyTimeoutMs: 60_000 });
  const cluster = (): LedgerTask[] => [
    task('master-1', before.fingerprints.master),
    ...[1, 2, 3, 4, 5].map((n) => task(`worker-${n}`, before.fingerprints.worker)),
  ];

  it('replaces outdated workers in batches, each healthy before the next, and never twice', () => {
    const tasks = cluster();
    const rollout = startRollout(before, after, tasks, 0)!;
    expect(rollout.phase).toBe('rolling');
    const first = stepRollout(rollout, view(tasks), 0);
    expect(first.replace.map((t) => t.alias)).toEqual(['worker-1', 'worker-2']);
    // Killed (the reducer records it) and relaunched: a new task id, STAGING.
    for (const t of first.replace)
      Object.assign(t, { taskId: `${t.alias}.new`, state: 'TASK_STAGING', healthy: undefined, fingerprint: after.fingerprints.worker });
    expect(stepRollout(rollout, view(tasks), 1000).replace).toEqual([]);
    // RUNNING but not yet healthy: still waiting.
    Object.assign(tasks[1]!, { state: 'TASK_RUNNING' });
    Object.assign(tasks[2]!, { state: 'TASK_RUNNING', healthy: true });
    expect(stepRollout(rollout, view(tasks), 2000).replace).toEqual([]);
    expect(rollout.done).toEqual(['worker-2']);
    Object.assign(tasks[1]!, { healthy: true });
    const next = stepRollout(rollout, view(tasks), 3000);
    expect(rollout.done).toEqual(['worker-2', 'worker-1']);
    expect(next.replace.map((t) => t.alias)).toEqual(['worker-3', 'worker-4']);
    // A scheduler restarted now resumes from the persisted record: nothing is replaced twice.
    const ledger = { ...emptyLedger(), tasks, rollout };
    const resumed = parseLedger(serializeLedger(ledger)).rollout!;
    expect(resumed.inFlight.map((t) => t.alias)).toEqual(['worker-3', 'worker-4']);
  });

  it('takes fewer when workers are already unavailable, so the available ones never drop below workers - maxUnavailable', () => {
    const tasks = cluster();
    // worker-5 already runs the new specification but is unhealthy: one more may go, not two.
    Object.assign(tasks[5]!, { healthy: false, fingerprint: after.fingerprints.worker });
    const rollout = startRollout(before, after, tasks, 0)!;
    expect(stepRollout(rollout, view(tasks), 0).replace.map((t) => t.alias)).toEqual(['worker-1']);
    // An outdated worker that is unavailable anyway goes first: replacing it takes nothing away.
    const other = cluster();
    Object.assign(other[4]!, { state: 'TASK_STAGING', healthy: undefined });
    const second = startRollout(before, after, other, 0)!;
    expect(stepRollout(second, view(other), 0).replace.map((t) => t.alias)).toEqual(['worker-4', 'worker-1']);
  });

  it('halts when a replacement fails its health check, leaving the rest on the old specification', () => {
    const tasks = cluster();
    const rollout = startRollout(before, after, tasks, 0)!;
    const first = stepRollout(rollout, view(tasks), 0);
    for (const t of first.replace) Object.assign(t, { taskId: `${t.alias}.new`, state: 'TASK_RUNNING', healthy: false });
    const halted = stepRollout(rollout, view(tasks), 5000);
    expect(rollout.phase).toBe('halted');
    expect(rollout.halt).toMatchObject({ alias: 'worker-1', reason: expect.stringMatching(/failed its health check/) });
    expect(halted.reports).toContainEqual(expect.objectContaining({ type: 'rollout-halted' }));
    expect(stepRollout(rollout, view(tasks), 6000).replace).toEqual([]);
    expect(tasks.slice(3).every((t) => t.fingerprint === before.fingerprints.worker)).toBe(true);
  });

  it.each(['REASON_RECONCILIATION', 'REASON_INVALID_OFFERS'])(
    'waits for the relaunch of a replacement Mesos never ran (%s), then goes on',
    (reason) => {
      const tasks = cluster();
      const rollout = startRollout(before, after, tasks, 0)!;
      const [replaced] = stepRollout(rollout, view(tasks), 0).replace;
      const lost = { state: 'TASK_LOST' as const, at: 1000, reason, message: 'Reconciliation: Task is unknown to the agent' };
      Object.assign(replaced!, { taskId: 'worker-1.new', state: 'TASK_LOST', lastFailure: lost });
      expect(stepRollout(rollout, view(tasks), 2000).reports).toEqual([]);
      expect(rollout.phase).toBe('rolling');
      Object.assign(replaced!, { taskId: 'worker-1.again', state: 'TASK_RUNNING', healthy: true, fingerprint: after.fingerprints.worker });
      expect(stepRollout(rollout, view(tasks), 8000).reports).toContainEqual(
        expect.objectContaining({ type: 'rollout-replaced', alias: 'worker-1', taskId: 'worker-1.again' }),
      );
    },
  );

  it('halts when a replacement fails on its agent (TASK_FAILED)', () => {
    const tasks = cluster();
    const rollout = startRollout(before, after, tasks, 0)!;
    const [replaced] = stepRollout(rollout, view(tasks), 0).replace;
    const failed = { state: 'TASK_FAILED' as const, at: 1000, reason: 'REASON_COMMAND_EXECUTOR_FAILED', message: 'exit 1' };
    Object.assign(replaced!, { taskId: 'worker-1.new', state: 'TASK_FAILED', lastFailure: failed });
    expect(stepRollout(rollout, view(tasks), 2000).reports[0]).toMatchObject({ type: 'rollout-halted', alias: 'worker-1' });
  });

  it('halts when a replacement is not healthy in time', () => {
    const tasks = cluster();
    const rollout = startRollout(before, after, tasks, 0)!;
    for (const t of stepRollout(rollout, view(tasks), 0).replace) Object.assign(t, { taskId: `${t.alias}.new`, state: 'TASK_STAGING' });
    expect(stepRollout(rollout, view(tasks), 59_999).reports).toEqual([]);
    expect(stepRollout(rollout, view(tasks), 60_000).reports[0]).toMatchObject({
      type: 'rollout-halted',
      reason: expect.stringMatching(/STAGING, not RUNNING and healthy within 60 s/),
    });
  });

  it('replaces the master last, with a warning, then is done', () => {
    const master = spec('master', { props: { 'alluxio.worker.memory.size': '256MB' } });
    const both = {
      ...after,
      specs: { master, worker: newWorker },
      fingerprints: { master: fingerprintOf(master), worker: after.fingerprints.worker },
    };
    const tasks = [task('master-1', before.fingerprints.master), task('worker-1', after.fingerprints.worker)];
    const rollout = startRollout(before, both, tasks, 0)!;
    const v = { tasks, desired: both, healthChecked: true, healthyTimeoutMs: 60_000 };
    const step = stepRollout(rollout, v, 0);
    expect(step.replace.map((t) => t.alias)).toEqual(['master-1']);
    expect(step.reports[0]).toMatchObject({ type: 'rollout-master-warning' });
    Object.assign(tasks[0]!, { taskId: 'master-1.new', fingerprint: both.fingerprints.master });
    const done = stepRollout(rollout, v, 10_000);
    expect(rollout.phase).toBe('done');
    expect(done.reports).toContainEqual({ type: 'rollout-done', revision: 2, replaced: ['master-1'], tookMs: 10_000 });
  });

  it.each([
    ['master-1.example:19998', ['master-2', 'master-3', 'master-1']],
    ['MASTER-2.example:19998', ['master-1', 'master-3', 'master-2']],
    [null, ['master-1', 'master-2', 'master-3']],
    [undefined, ['master-1', 'master-2', 'master-3']],
  ] as const)('with the leader at %s, replaces the standbys first and the leader last', (leadingMaster, order) => {
    const master = spec('master', { props: { 'alluxio.worker.memory.size': '256MB' } });
    const both = {
      ...after,
      masters: 3,
      specs: { master, worker: newWorker },
      fingerprints: { master: fingerprintOf(master), worker: after.fingerprints.worker },
    };
    const tasks = ['master-1', 'master-2', 'master-3'].map((alias) => task(alias, before.fingerprints.master));
    const rollout = startRollout(before, both, tasks, 0)!;
    const v = { tasks, desired: both, healthChecked: true, healthyTimeoutMs: 60_000, leadingMaster };
    const replaced: string[] = [];
    for (let now = 0; now < 10; now++) {
      const step = stepRollout(rollout, v, now);
      for (const t of step.replace) {
        replaced.push(t.alias);
        Object.assign(t, { taskId: `${t.alias}.new`, fingerprint: both.fingerprints.master });
      }
    }
    expect(replaced).toEqual(order);
    expect(rollout.phase).toBe('done');
  });

  it('masters that elect a leader have no health check: a RUNNING replacement is done, a worker still needs healthy', () => {
    const master = spec('master', { props: { 'alluxio.worker.memory.size': '256MB' } });
    const both = {
      ...after,
      specs: { master, worker: newWorker },
      fingerprints: { master: fingerprintOf(master), worker: after.fingerprints.worker },
    };
    const tasks = [task('master-1', before.fingerprints.master), task('worker-1', after.fingerprints.worker)];
    const rollout = startRollout(before, both, tasks, 0)!;
    const v = { tasks, desired: both, healthChecked: true, mastersHealthChecked: false, healthyTimeoutMs: 60_000 };
    expect(stepRollout(rollout, v, 0).replace.map((t) => t.alias)).toEqual(['master-1']);
    Object.assign(tasks[0]!, { taskId: 'master-1.new', fingerprint: both.fingerprints.master, healthy: undefined });
    expect(stepRollout(rollout, v, 10_000).reports).toContainEqual(
      expect.objectContaining({ type: 'rollout-replaced', alias: 'master-1' }),
    );
    expect(rollout.phase).toBe('done');
    // The same replacement with health-checked masters is still waited for.
    const checked = startRollout(before, both, [task('master-1', before.fingerprints.master)], 0)!;
    const waiting = [task('master-1', before.fingerprints.master)];
    const w = { ...v, tasks: waiting, mastersHealthChecked: true };
    stepRollout(checked, w, 0);
    Object.assign(waiting[0]!, { taskId: 'master-1.new', fingerprint: both.fingerprints.master, healthy: undefined });
    expect(stepRollout(checked, w, 10_000).reports).toEqual([]);
  });

  it('restarts the named aliases with the same specification', () => {
    const tasks = cluster().map((t) => Object.assign(t, { fingerprint: after.fingerprints[t.role] }));
    const restart = { ...after, restart: ['worker-3'] };
    const rollout = startRollout(after, restart, tasks, 0)!;
    expect(stepRollout(rollout, { ...view(tasks), desired: restart }, 0).replace.map((t) => t.alias)).toEqual(['worker-3']);
    expect(startRollout(after, after, tasks, 0)).toBeUndefined();
  });
});

describe('the plan', () => {
  it('diffs property by property and lists the order', () => {
    const before = desired(spec('worker'));
    const after = desired(spec('worker', { memMb: 1312, props: { 'alluxio.worker.memory.size': '256MB' } }), { maxUnavailable: '2' });
    const tasks = [
      task('master-1', before.fingerprints.master),
      ...[1, 2, 3, 4, 5].map((n) => task(`worker-${n}`, before.fingerprints.worker)),
    ];
    const plan = planRollout(before, after, tasks);
    expect(plan.changes).toEqual([
      {
        role: 'worker',
        aliases: ['worker-1', 'worker-2', 'worker-3', 'worker-4', 'worker-5'],
        changes: ['task mem 1568 -> 1312 MB', 'alluxio.worker.memory.size 512MB -> 256MB'],
      },
    ]);
    expect(plan.batches).toEqual([['worker-1', 'worker-2'], ['worker-3', 'worker-4'], ['worker-5']]);
    expect(plan.masterReplaced).toBe(false);
    expect(planRollout(before, before, tasks).unchanged).toBe(true);
    expect(planRollout(undefined, before, tasks).first).toBe(true);
    expect(planRollout(before, { ...before, workers: 2 }, tasks).scale).toEqual({ from: 5, to: 2 });
  });

  it('shows a new distribution as the same kind of change', () => {
    const before = desired(spec('worker'));
    const newMaster = spec('master', { url: 'http://x/b.tgz' });
    const newWorker = spec('worker', { url: 'http://x/b.tgz' });
    const after = {
      ...before,
      specs: { master: newMaster, worker: newWorker },
      fingerprints: { master: fingerprintOf(newMaster), worker: fingerprintOf(newWorker) },
    };
    const tasks = [task('master-1', before.fingerprints.master), task('worker-1', before.fingerprints.worker)];
    const plan = planRollout(before, after, tasks);
    expect(plan.changes.map((c) => [c.role, c.aliases, c.changes])).toEqual([
      ['worker', ['worker-1'], ['distribution http://x/a.tgz -> http://x/b.tgz', 'fetched http://x/a.tgz -> http://x/b.tgz']],
      ['master', ['master-1'], ['distribution http://x/a.tgz -> http://x/b.tgz', 'fetched http://x/a.tgz -> http://x/b.tgz']],
    ]);
    expect(plan.batches).toEqual([['worker-1'], ['master-1']]);
    expect(plan.masterReplaced).toBe(true);
  });

  it('writes runs of aliases as ranges', () => {
    expect(aliasRanges(['worker-1', 'worker-2', 'worker-3', 'worker-5', 'master-1'])).toBe('worker-1..3, worker-5, master-1');
  });
});
