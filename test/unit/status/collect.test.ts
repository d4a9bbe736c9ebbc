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

const task = (taskId: string, state: string, healthy: boolean | undefined, agentId = 'S1'): TaskRecord => ({
  taskId,
  name: 'AlluxioWorker',
  frameworkId: 'F-0001',
  agentId,
  executorId: undefined,
  state,
  statuses: [{ state, timestamp: 1795552500, message: undefined, reason: undefined, healthy, containerId: undefined }],
  resources: [{ name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 29998, end: 30000 }] } }],
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
});
