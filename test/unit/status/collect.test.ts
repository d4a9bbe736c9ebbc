import { describe, expect, it } from 'vitest';
import { buildStatus } from '../../../src/status/collect.js';
import { emptyLedger, type Ledger } from '../../../src/state/ledger.js';
import type { TaskRecord } from '../../../src/mesos/client/tasks.js';
import type { FrameworkRecord } from '../../../src/mesos/client/frameworks.js';

const fw = (over: Partial<FrameworkRecord> = {}): FrameworkRecord => ({
  frameworkId: 'F-0001',
  name: 'alluxio',
  user: 'root',
  roles: ['*'],
  principal: undefined,
  hostname: undefined,
  webuiUrl: undefined,
  active: true,
  connected: true,
  completed: false,
  failoverTimeoutSeconds: 604800,
  registeredTime: 1,
  ...over,
});

const task = (taskId: string, state: string, healthy: boolean | undefined, agentId = 'S1', hasHealthCheck = true): TaskRecord => ({
  taskId,
  name: 'AlluxioWorker',
  frameworkId: 'F-0001',
  agentId,
  executorId: undefined,
  state,
  statuses: [{ state, timestamp: 1795552500, message: undefined, reason: undefined, healthy, containerId: undefined }],
  resources: [{ name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 29998, end: 30000 }] } }],
  hasHealthCheck,
  list: 'active',
});

const ledgerWith = (relaunches: number): Ledger => {
  const ledger = emptyLedger();
  ledger.frameworkId = 'F-0001';
  ledger.webuiUrl = 'http://127.0.0.2:19999';
  ledger.tasks.push({
    alias: 'worker-1',
    role: 'worker',
    taskId: 'alluxio-worker-1.b',
    agentId: 'S1',
    hostname: 'a1',
    ports: [29998, 29999, 30000],
    state: 'TASK_RUNNING',
    healthy: true,
    launchedAt: 0,
    relaunchCount: relaunches,
    failures: [],
    lastFailure: undefined,
    killRequested: undefined,
    relaunchAt: undefined,
    crashLooped: false,
  });
  return ledger;
};

describe('buildStatus', () => {
  const hostnames = new Map([['S1', 'agent-1.example.com']]);

  it('is ok when a master and the workers run healthy, and names them by alias', () => {
    const report = buildStatus({
      frameworkId: 'F-0001',
      framework: fw(),
      tasks: [task('alluxio-master-1.a', 'TASK_RUNNING', true), task('alluxio-worker-1.b', 'TASK_RUNNING', true)],
      hostnames,
      ledger: ledgerWith(2),
    });
    expect(report.ok).toBe(true);
    expect(report.tasks.map((t) => [t.alias, t.role, t.host, t.relaunches])).toEqual([
      ['master-1', 'master', 'agent-1.example.com', 0],
      ['worker-1', 'worker', 'agent-1.example.com', 2],
    ]);
    expect(report.webuiUrl).toBe('http://127.0.0.2:19999');
    expect(report.tasks[0]?.ports).toEqual([29998, 29999, 30000]);
  });

  it.each([
    [
      'an unhealthy worker',
      [task('alluxio-master-1.a', 'TASK_RUNNING', true), task('alluxio-worker-1.b', 'TASK_RUNNING', false)],
      /worker-1 is unhealthy/,
    ],
    [
      'a worker still starting',
      [task('alluxio-master-1.a', 'TASK_RUNNING', true), task('alluxio-worker-1.b', 'TASK_STARTING', undefined)],
      /worker-1 is STARTING/,
    ],
    ['no worker yet', [task('alluxio-master-1.a', 'TASK_RUNNING', true)], /no Alluxio worker is running/],
    ['nothing at all', [], /no Alluxio task is running/],
  ])('is not ok with %s', (_name, tasks, problem) => {
    const report = buildStatus({ frameworkId: 'F-0001', framework: fw(), tasks, hostnames, ledger: undefined });
    expect(report.ok).toBe(false);
    expect(report.problems.join('; ')).toMatch(problem);
  });

  it('is not ok while a health check has not answered yet, and ok for a task run without one', () => {
    const pending = buildStatus({
      frameworkId: 'F-0001',
      framework: fw(),
      tasks: [task('alluxio-master-1.a', 'TASK_RUNNING', true), task('alluxio-worker-1.b', 'TASK_RUNNING', undefined)],
      hostnames,
      ledger: undefined,
    });
    expect(pending.ok).toBe(false);
    expect(pending.tasks[1]).toMatchObject({ health: 'unknown', healthy: null });
    expect(pending.problems).toEqual([expect.stringMatching(/^worker-1's health is not known yet/)]);
    const unchecked = buildStatus({
      frameworkId: 'F-0001',
      framework: fw(),
      tasks: [
        task('alluxio-master-1.a', 'TASK_RUNNING', undefined, 'S1', false),
        task('alluxio-worker-1.b', 'TASK_RUNNING', undefined, 'S1', false),
      ],
      hostnames,
      ledger: undefined,
    });
    expect(unchecked.ok).toBe(true);
    expect(unchecked.tasks.map((t) => t.health)).toEqual(['unchecked', 'unchecked']);
  });

  it('never reports a task Mesos does not list as running: every agent lost, 0 tasks in Mesos', () => {
    const ledger = ledgerWith(0);
    ledger.tasks.unshift({ ...ledger.tasks[0]!, alias: 'master-1', role: 'master', taskId: 'alluxio-master-1.a', ports: [19998, 19999] });
    const report = buildStatus({ frameworkId: 'F-0001', framework: fw(), tasks: [], hostnames: new Map(), ledger });
    expect(report.ok).toBe(false);
    expect(report.tasks.map((t) => [t.alias, t.state, t.healthy, t.knownToMesos, t.agentRegistered, t.ledgerState])).toEqual([
      ['master-1', 'TASK_UNKNOWN', null, false, false, 'TASK_RUNNING'],
      ['worker-1', 'TASK_UNKNOWN', null, false, false, 'TASK_RUNNING'],
    ]);
    expect(report.tasks[1]!.note).toMatch(/unknown to Mesos: on agent a1, which is not registered with the master, so it may still run/);
    expect(report.problems).toContain('no Alluxio task is running');
    expect(report.problems.some((p) => p.startsWith('worker-1 is unknown to Mesos'))).toBe(true);
  });

  it('says when a task Mesos lists runs on an agent that is not registered', () => {
    const report = buildStatus({
      frameworkId: 'F-0001',
      framework: fw(),
      tasks: [task('alluxio-master-1.a', 'TASK_RUNNING', true), task('alluxio-worker-1.b', 'TASK_RUNNING', true, 'S9')],
      hostnames,
      ledger: ledgerWith(0),
    });
    expect(report.ok).toBe(false);
    expect(report.tasks[1]).toMatchObject({ agentRegistered: false, host: 'a1' });
    expect(report.problems).toEqual(['worker-1 is RUNNING but its agent a1 is not registered with the master']);
  });

  it('ignores a ledger of another framework: only what Mesos has is shown', () => {
    const report = buildStatus({ frameworkId: 'F-0999', framework: undefined, tasks: [], hostnames, ledger: ledgerWith(0) });
    expect(report.ledgerUsed).toBe(false);
    expect(report.tasks).toEqual([]);
    expect(report.webuiUrl).toBeNull();
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatch(/does not run framework F-0999/);
  });

  it.each([
    ['disconnected', { connected: false, active: false }],
    ['inactive', { active: false }],
  ])('is not ok with no scheduler connected (%s), whatever the tasks do', (state, over) => {
    const report = buildStatus({
      frameworkId: 'F-0001',
      framework: fw(over),
      tasks: [task('alluxio-master-1.a', 'TASK_RUNNING', true), task('alluxio-worker-1.b', 'TASK_RUNNING', true)],
      hostnames,
      ledger: ledgerWith(0),
    });
    expect(report.framework).toMatchObject({ state, schedulerConnected: false });
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([expect.stringMatching(/^no scheduler connected .*failed tasks will not be relaunched/)]);
  });

  it('reports a disconnected framework, and one Mesos does not know', () => {
    const running = [task('alluxio-master-1.a', 'TASK_RUNNING', true), task('alluxio-worker-1.b', 'TASK_RUNNING', true)];
    const ledger = { ...ledgerWith(0), disconnectedAt: 1_000_000 };
    const disconnected = buildStatus({
      now: 1_100_000,
      frameworkId: 'F-0001',
      framework: fw({ connected: false, active: false }),
      tasks: running,
      hostnames,
      ledger,
    });
    expect(disconnected.framework.state).toBe('disconnected');
    expect(disconnected.framework.failoverSecondsLeft).toBe(604_800 - 100);
    // Active again: a stale disconnection time says nothing.
    expect(
      buildStatus({ now: 1_100_000, frameworkId: 'F-0001', framework: fw(), tasks: running, hostnames, ledger }).framework
        .failoverSecondsLeft,
    ).toBeNull();
    const unknown = buildStatus({ frameworkId: 'F-0001', framework: undefined, tasks: [], hostnames, ledger: undefined });
    expect(unknown.framework.state).toBe('unknown');
    expect(unknown.problems[0]).toMatch(/does not run framework F-0001/);
  });

  it('keeps a wanted task that Mesos no longer lists (lost, waiting for its relaunch)', () => {
    const report = buildStatus({
      frameworkId: 'F-0001',
      framework: fw(),
      tasks: [task('alluxio-master-1.a', 'TASK_RUNNING', true)],
      hostnames,
      ledger: { ...ledgerWith(1), tasks: ledgerWith(1).tasks.map((t) => ({ ...t, state: 'TASK_LOST' as const })) },
    });
    expect(report.tasks.find((t) => t.alias === 'worker-1')?.state).toBe('TASK_LOST');
    expect(report.ok).toBe(false);
  });

  it("says first since when no scheduler is connected and until when Mesos keeps the tasks (a dead scheduler's last heartbeat)", () => {
    const running = [task('alluxio-master-1.a', 'TASK_RUNNING', true), task('alluxio-worker-1.b', 'TASK_RUNNING', true)];
    const lastSeenAt = Date.parse('2026-11-24T20:00:00.000Z');
    const report = buildStatus({
      frameworkId: 'F-0001',
      framework: fw({ connected: false, active: false, failoverTimeoutSeconds: 3600 }),
      tasks: running,
      hostnames,
      ledger: ledgerWith(0),
      presence: { leader: undefined, standbys: [{ pid: 7, host: 'h2', since: lastSeenAt }], lastSeenAt },
      stateLocation: '/conf/alluxio-mesos-ledger.json',
    });
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toBe(
      'no scheduler connected since 2026-11-24T20:00:00.000Z: failed tasks will not be relaunched; ' +
        'Mesos keeps the tasks until 2026-11-24T21:00:00.000Z',
    );
    expect(report.scheduler).toEqual({
      connected: false,
      active: null,
      standbys: [{ pid: 7, host: 'h2', since: '2026-11-24T20:00:00.000Z' }],
      disconnectedSince: '2026-11-24T20:00:00.000Z',
      tasksKeptUntil: '2026-11-24T21:00:00.000Z',
      stateLocation: '/conf/alluxio-mesos-ledger.json',
    });
  });

  it('names the active scheduler from the state while Mesos says it is connected', () => {
    const since = Date.parse('2026-11-24T19:00:00.000Z');
    const report = buildStatus({
      frameworkId: 'F-0001',
      framework: fw(),
      tasks: [task('alluxio-master-1.a', 'TASK_RUNNING', true), task('alluxio-worker-1.b', 'TASK_RUNNING', true)],
      hostnames,
      ledger: ledgerWith(0),
      presence: { leader: { pid: 42, host: 'h1', since, heartbeatAt: since + 5000 }, standbys: [] },
    });
    expect(report.ok).toBe(true);
    expect(report.scheduler).toMatchObject({
      connected: true,
      active: { pid: 42, host: 'h1', since: '2026-11-24T19:00:00.000Z', heartbeatAt: '2026-11-24T19:00:05.000Z' },
      disconnectedSince: null,
      tasksKeptUntil: null,
    });
  });
});

describe('buildStatus: desired state and drift', () => {
  const desired = {
    revision: 3,
    at: 0,
    masters: 1,
    workers: 2,
    maxUnavailable: '1',
    specs: {} as never,
    fingerprints: { master: 'sha256:aaaaaaaaaaaaaaaa', worker: 'sha256:bbbbbbbbbbbbbbbb' },
    source: 'deploy',
  };
  const labelled = (taskId: string, fingerprint: string): TaskRecord => ({
    ...task(taskId, 'TASK_RUNNING', true),
    labels: new Map([['alluxio-mesos.fingerprint', fingerprint]]),
  });

  it("reads each task's fingerprint from Mesos' label, flags outdated ones and counts desired against running", async () => {
    const { renderStatus } = await import('../../../src/status/render.js');
    const ledger = { ...ledgerWith(0), desired };
    const report = buildStatus({
      frameworkId: 'F-0001',
      framework: fw(),
      tasks: [labelled('alluxio-worker-1.b', 'sha256:0000000000000000'), labelled('alluxio-worker-2.c', 'sha256:bbbbbbbbbbbbbbbb')],
      hostnames: new Map([['S1', 'a1']]),
      ledger,
    });
    expect(report.tasks.map((t) => [t.alias, t.fingerprint, t.outdated])).toEqual([
      ['worker-1', 'sha256:0000000000000000', true],
      ['worker-2', 'sha256:bbbbbbbbbbbbbbbb', false],
    ]);
    expect(report.desired).toMatchObject({
      revision: 3,
      workers: { desired: 2, running: 2 },
      masters: { desired: 1, running: 0 },
      outdated: ['worker-1'],
    });
    const text = renderStatus(report, { color: false });
    expect(text).toMatch(/FINGERPRINT\s+SPEC/);
    expect(text).toMatch(/worker-1 .* sha256:0000000000000000\s+outdated/);
    expect(text).toContain('Outdated (an older specification than desired): worker-1');
  });

  it('reports a halted rollout as a problem, saying where and why', () => {
    const ledger: Ledger = {
      ...ledgerWith(0),
      desired,
      rollout: {
        revision: 3,
        phase: 'halted',
        startedAt: 0,
        previous: undefined,
        inFlight: [],
        done: [],
        pending: [],
        halt: { alias: 'worker-1', reason: 'the replacement of worker-1 failed its health check', at: 1000 },
      },
    };
    const report = buildStatus({
      frameworkId: 'F-0001',
      framework: fw(),
      tasks: [labelled('alluxio-worker-1.b', 'sha256:bbbbbbbbbbbbbbbb')],
      hostnames: new Map([['S1', 'a1']]),
      ledger,
    });
    expect(report.ok).toBe(false);
    expect(report.problems).toContain('rollout 3 halted at worker-1: the replacement of worker-1 failed its health check');
    expect(report.rollout).toMatchObject({ phase: 'halted', halt: { alias: 'worker-1' } });
  });
});

describe('buildStatus: which master leads', () => {
  const masterTask = (taskId: string, agentId: string, port: number): TaskRecord => ({
    ...task(taskId, 'TASK_RUNNING', undefined, agentId, false),
    name: 'AlluxioMaster',
    resources: [{ name: 'ports', type: 'RANGES', ranges: { range: [{ begin: port, end: port + 1 }] } }],
  });
  const tasks = [
    masterTask('alluxio-master-1.a', 'S1', 19998),
    masterTask('alluxio-master-2.b', 'S2', 19998),
    task('alluxio-worker-1.c', 'TASK_RUNNING', true, 'S3'),
  ];
  const hostnames = new Map([
    ['S1', '127.0.0.2'],
    ['S2', '127.0.0.3'],
    ['S3', '127.0.0.4'],
  ]);
  const source = 'zk://zk1:2181/leader';
  const build = (leader: Parameters<typeof buildStatus>[0]['leader']) =>
    buildStatus({
      frameworkId: 'F-0001',
      framework: fw(),
      tasks,
      hostnames,
      ledger: undefined,
      ...(leader === undefined ? {} : { leader }),
    });

  it('names the master task whose host and rpc port ZooKeeper publishes, and points the web UI at it', () => {
    const ledger = emptyLedger();
    ledger.frameworkId = 'F-0001';
    ledger.webuiUrl = 'http://127.0.0.2:19999';
    const leader = { kind: 'zookeeper' as const, source, address: '127.0.0.3:19998' };
    expect(buildStatus({ frameworkId: 'F-0001', framework: fw(), tasks, hostnames, ledger, leader }).webuiUrl).toBe(
      'http://127.0.0.3:19999',
    );
    const report = build(leader);
    expect(report.masters).toEqual({
      highAvailability: 'zookeeper',
      leader: { alias: 'master-2', address: '127.0.0.3:19998' },
      leaderSource: source,
      note: null,
    });
    expect(report.ok).toBe(true);
  });

  it('is a problem when no master leads or ZooKeeper cannot be read', () => {
    const none = build({ kind: 'zookeeper', source, address: null });
    expect(none.masters.leader).toBeNull();
    expect(none.problems).toContain(`no Alluxio master leads: ${source} names no leader`);
    expect(none.ok).toBe(false);
    const unreadable = build({ kind: 'zookeeper', source, error: 'no server answered' });
    expect(unreadable.problems).toContain(`no Alluxio master leads: cannot read ${source}: no server answered`);
  });

  it('says when the leader is not one of this framework’s masters', () => {
    const report = build({ kind: 'zookeeper', source, address: '10.0.0.9:19998' });
    expect(report.masters.leader).toEqual({ alias: null, address: '10.0.0.9:19998' });
    expect(report.masters.note).toBe('the leader 10.0.0.9:19998 is not a master task of this framework');
  });

  it('with one master there is no election to show; the embedded journal says where to ask', () => {
    expect(build(undefined).masters).toEqual({ highAvailability: 'none', leader: null, leaderSource: null, note: null });
    expect(build({ kind: 'embedded' }).masters.note).toContain('alluxio fsadmin report');
    expect(build({ kind: 'embedded' }).ok).toBe(true);
  });
});
