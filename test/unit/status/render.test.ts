import { describe, expect, it } from 'vitest';
import type { StatusReport } from '../../../src/status/collect.js';
import { renderStatus } from '../../../src/status/render.js';

const report: StatusReport = {
  framework: {
    id: 'fw-0001',
    name: 'alluxio',
    state: 'active',
    failoverTimeoutSeconds: 604_800,
    failoverSecondsLeft: null,
    schedulerConnected: true,
  },
  scheduler: {
    connected: true,
    active: { pid: 4242, host: 'sched-1', since: '2026-11-24T19:20:00.000Z', heartbeatAt: '2026-11-24T19:25:00.000Z' },
    standbys: [{ pid: 4343, host: 'sched-2', since: '2026-11-24T19:21:00.000Z' }],
    disconnectedSince: null,
    tasksKeptUntil: null,
    stateLocation: '/etc/alluxio/alluxio-mesos-ledger.json',
  },
  ledgerUsed: true,
  webuiUrl: 'http://127.0.0.2:19999',
  masters: { highAvailability: 'none', leader: null, leaderSource: null, note: null },
  tasks: [
    {
      alias: 'master-1',
      taskId: 'alluxio-master-1.abc',
      role: 'master',
      state: 'TASK_RUNNING',
      healthy: true,
      host: '127.0.0.2',
      ports: [19998, 19999],
      startedAt: '2026-11-24T19:23:38.156Z',
      relaunches: 0,
      health: 'healthy',
      knownToMesos: true,
      ledgerState: null,
      agentRegistered: true,
      note: null,
    },
    {
      alias: 'worker-10',
      taskId: 'alluxio-worker-10.def',
      role: 'worker',
      state: 'TASK_STAGING',
      healthy: null,
      host: null,
      ports: [],
      startedAt: null,
      relaunches: 12,
      health: 'none',
      knownToMesos: true,
      ledgerState: null,
      agentRegistered: true,
      note: null,
    },
  ],
  ok: false,
  problems: ['worker-10 is STAGING'],
};

describe('renderStatus', () => {
  it('lays the task table out in columns (plain)', () => {
    expect(renderStatus(report, { color: false, now: new Date('2026-11-24T21:05:00.000Z') })).toMatchInlineSnapshot(`
      "Framework alluxio fw-0001: active
      Scheduler: connected, pid 4242 on sched-1 since 2026-11-24T19:20:00.000Z; standby: pid 4343 on sched-2 since 2026-11-24T19:21:00.000Z
      Alluxio master web UI: http://127.0.0.2:19999

      ALIAS      STATE    HEALTH   HOST       PORTS        AGE   RELAUNCHES
      master-1   RUNNING  healthy  127.0.0.2  19998,19999  101m  0
      worker-10  STAGING  -        -          -            -     12

      NOT OK: worker-10 is STAGING
      "
    `);
  });

  it('paints the header bold and a task that is not running red (color)', () => {
    expect(JSON.stringify(renderStatus(report, { color: true, now: new Date('2026-11-24T21:05:00.000Z') }))).toMatchInlineSnapshot(
      `""Framework alluxio fw-0001: \\u001b[32mactive\\u001b[39m\\nScheduler: connected, pid 4242 on sched-1 since 2026-11-24T19:20:00.000Z; standby: pid 4343 on sched-2 since 2026-11-24T19:21:00.000Z\\nAlluxio master web UI: http://127.0.0.2:19999\\n\\n\\u001b[1mALIAS      STATE    HEALTH   HOST       PORTS        AGE   RELAUNCHES\\u001b[22m\\nmaster-1   RUNNING  healthy  127.0.0.2  19998,19999  101m  0\\n\\u001b[31mworker-10  STAGING  -        -          -            -     12\\u001b[39m\\n\\n\\u001b[31mNOT OK: worker-10 is STAGING\\u001b[39m\\n""`,
    );
  });

  it('says first that no scheduler is connected, and who holds the lease', () => {
    const problem =
      'no scheduler connected since 2026-11-24T20:00:00.000Z: failed tasks will not be relaunched; Mesos keeps the tasks until 2026-11-24T21:00:00.000Z';
    const text = renderStatus(
      {
        ...report,
        framework: { ...report.framework, state: 'disconnected', schedulerConnected: false, failoverSecondsLeft: 1800 },
        scheduler: { ...report.scheduler, connected: false, standbys: [] },
        problems: [problem, 'worker-10 is STAGING'],
      },
      { color: false },
    );
    const lines = text.split('\n');
    expect(lines[0]).toBe(`N${problem.slice(1)}`);
    expect(lines[1]).toBe('');
    expect(lines[3]).toBe('Scheduler: not connected, pid 4242 on sched-1 since 2026-11-24T19:20:00.000Z holds the lease');
  });
});

describe('renderStatus with names a hostile cluster chose', () => {
  it('shows control characters in hostnames, the framework name and notes as escapes', () => {
    const hostile = '127.0.0.2\u001b]0;TITLE\u0007\u001b[2J';
    const [first, ...rest] = report.tasks;
    const text = renderStatus(
      {
        ...report,
        framework: { ...report.framework, name: `alluxio${hostile}` },
        scheduler: { ...report.scheduler, active: { ...report.scheduler.active!, host: hostile } },
        tasks: [{ ...first!, host: hostile, note: `lost on ${hostile}` }, ...rest],
      },
      { color: false },
    );
    expect(text).not.toContain('\u001b');
    expect(text).not.toContain('\u0007');
    expect(text).toContain('127.0.0.2\\x1b]0;TITLE\\x07\\x1b[2J');
  });
});

describe('renderStatus: the leading master', () => {
  it('names the leader, how it was elected and where that was read; nothing with a single master', () => {
    const source = 'zk://zk1:2181/leader';
    const led = renderStatus(
      {
        ...report,
        masters: {
          highAvailability: 'zookeeper',
          leader: { alias: 'master-1', address: '127.0.0.2:19998' },
          leaderSource: source,
          note: null,
        },
      },
      { color: false },
    );
    expect(led).toContain(`Leading master: master-1 (127.0.0.2:19998), elected through ZooKeeper, read from ${source}\n`);
    const none = renderStatus(
      { ...report, masters: { highAvailability: 'zookeeper', leader: null, leaderSource: source, note: `${source} names no leader` } },
      { color: false },
    );
    expect(none).toContain(`Leading master: unknown (ZooKeeper): ${source} names no leader\n`);
    expect(renderStatus(report, { color: false })).not.toContain('Leading master');
  });
});
