/**
 * What `deploy` prints while it runs, fed the controller's reports in-process: one timestamped
 * line per change on stderr with the spinner's totals, or one NDJSON record per report on stdout.
 */
import { describe, expect, it } from 'vitest';
import { createDeployView, describeReport } from '../../../../src/commands/deploy/live-view.js';
import type { ControllerReport } from '../../../../src/framework/scheduler/controller.js';
import type { Progress } from '../../../../src/ui/spinner.js';
import { testIo } from '../../../helpers/test-io.js';

/** A spinner that records what it was told, in order. */
function recordingProgress(): Progress & { events: string[] } {
  const events: string[] = [];
  return {
    events,
    text: (message) => events.push(`text ${message}`),
    succeed: () => events.push('succeed'),
    fail: () => events.push('fail'),
    stop: () => events.push('stop'),
  };
}

const NOW = new Date('2026-11-24T20:35:07.250Z');

const launched = (alias: string, hostname: string, ports: number[], relaunch = false): ControllerReport => ({
  type: 'task-launched',
  alias,
  taskId: `alluxio-${alias}.u1`,
  role: alias.startsWith('master') ? 'master' : 'worker',
  agentId: `S-${hostname}`,
  hostname,
  ports,
  relaunch,
});

describe('describeReport', () => {
  const cases: Array<[ControllerReport, string]> = [
    [{ type: 'connecting', attempt: 1 }, 'subscribing to the Mesos master'],
    [{ type: 'connecting', attempt: 3 }, 'subscribing again (attempt 3)'],
    [{ type: 'disconnected', reason: 'stream ended', retryInMs: 2500 }, 'disconnected (stream ended); retrying in 2.5 s'],
    [{ type: 'call-failed', call: 'ACCEPT', message: '503 Service Unavailable' }, 'ACCEPT failed: 503 Service Unavailable'],
    [
      { type: 'abandoned', aliases: ['master-1', 'worker-1'] },
      'left behind by --new-framework (kill them in Mesos if they still run): master-1, worker-1',
    ],
    [{ type: 'subscribed', frameworkId: 'F-1', adopted: [] }, 'subscribed as framework F-1'],
    [
      { type: 'subscribed', frameworkId: 'F-1', adopted: ['master-1', 'worker-2'] },
      'subscribed as framework F-1; adopting master-1, worker-2',
    ],
    [launched('worker-2', 'a2', [29998, 29999, 30000]), 'worker-2 launched on a2 (ports 29998, 29999, 30000) as alluxio-worker-2.u1'],
    [launched('worker-2', 'a3', [29998], true), 'worker-2 relaunched on a3 (ports 29998) as alluxio-worker-2.u1'],
    [{ type: 'task-state', alias: 'worker-2', taskId: 't', state: 'TASK_RUNNING', healthy: undefined }, 'worker-2 RUNNING'],
    [{ type: 'task-state', alias: 'worker-2', taskId: 't', state: 'TASK_RUNNING', healthy: true }, 'worker-2 RUNNING, healthy'],
    [
      { type: 'task-state', alias: 'worker-2', taskId: 't', state: 'TASK_FAILED', healthy: false, message: 'exited with 1' },
      'worker-2 FAILED, unhealthy: exited with 1',
    ],
    [{ type: 'decline-reason', code: 'missing-port', text: 'a1 lacks port 19998' }, 'declining offers: a1 lacks port 19998'],
    [
      { type: 'master-ready', alias: 'master-1', hostname: 'a1', webuiUrl: 'http://a1:19999' },
      'master-1 is ready: Alluxio web UI at http://a1:19999',
    ],
    [{ type: 'master-lost', alias: 'master-1' }, 'master-1 is no longer running'],
    [{ type: 'all-placed', masters: 1, workers: 3 }, 'all placed: 1 master(s), 3 worker(s); offers suppressed'],
    [
      { type: 'relaunch-scheduled', alias: 'worker-1', inMs: 4_400, failures: 2, lastState: 'TASK_FAILED' },
      'worker-1 ended FAILED; relaunch in 4 s (failure 2)',
    ],
    [
      {
        type: 'crash-loop',
        alias: 'worker-1',
        failures: 5,
        windowMs: 600_000,
        lastFailure: { state: 'TASK_FAILED', at: 0, message: 'Command exited with status 1' },
      },
      'worker-1 failed 5 times in 10 min: not relaunching it (last: Command exited with status 1)',
    ],
    [
      { type: 'crash-loop', alias: 'worker-1', failures: 5, windowMs: 600_000, lastFailure: { state: 'TASK_LOST', at: 0 } },
      'worker-1 failed 5 times in 10 min: not relaunching it (last: TASK_LOST)',
    ],
    [
      { type: 'launch-timeout', alias: 'worker-1', taskId: 't', action: 'reconcile' },
      'worker-1 did not reach RUNNING in time: reconciling',
    ],
    [
      { type: 'launch-timeout', alias: 'worker-1', taskId: 't', action: 'kill' },
      'worker-1 did not reach RUNNING in time: killing and relaunching',
    ],
    [
      { type: 'orphan-killed', taskId: 'alluxio-worker-9.x', state: 'TASK_RUNNING', reason: 'worker-9 already runs as alluxio-worker-9.y' },
      'killed task alluxio-worker-9.x, unknown to the ledger (TASK_RUNNING): worker-9 already runs as alluxio-worker-9.y',
    ],
    [
      {
        type: 'task-adopted',
        alias: 'worker-2',
        taskId: 'alluxio-worker-2.x',
        role: 'worker',
        agentId: 'S-a2',
        hostname: 'a2.example',
        state: 'TASK_RUNNING',
        healthy: true,
      },
      'worker-2 adopted: alluxio-worker-2.x on a2.example, unknown to the ledger, is RUNNING',
    ],
    [
      {
        type: 'task-adopted',
        alias: 'master-1',
        taskId: 'alluxio-master-1.x',
        role: 'master',
        agentId: 'S-a2',
        hostname: '',
        state: 'TASK_STAGING',
        healthy: undefined,
      },
      'master-1 adopted: alluxio-master-1.x on agent S-a2, unknown to the ledger, is STAGING',
    ],
    [
      { type: 'launch-hold-ended', outcome: 'reconciled', afterMs: 12 },
      'Mesos listed every task of the framework (after 0.0 s): launching again',
    ],
    [
      { type: 'launch-hold-ended', outcome: 'timed-out', afterMs: 15_000 },
      'Mesos has not listed every task of the framework after 15.0 s (agents re-registering?): launching again, still asking',
    ],
    [{ type: 'agent-lost', agentId: 'S-a2', aliases: [] }, 'agent S-a2 lost'],
    [{ type: 'agent-lost', agentId: 'S-a2', aliases: ['worker-2'] }, 'agent S-a2 lost; affected: worker-2'],
    [{ type: 'executor-lost', agentId: 'S-a2', executorId: 'E1', status: undefined }, 'executor E1 on S-a2 exited'],
    [{ type: 'executor-lost', agentId: 'S-a2', executorId: 'E1', status: 9 }, 'executor E1 on S-a2 exited with 9'],
    [{ type: 'reconciled', tasks: 4 }, 'reconciled 4 task(s) with Mesos'],
    [{ type: 'mesos-error', message: 'Framework has been removed' }, 'Mesos sent an error: Framework has been removed'],
  ];
  it.each(cases)('%j', (report, text) => {
    expect(describeReport(report)).toBe(text);
  });
});

describe('createDeployView', () => {
  it('writes one timestamped line per report to stderr and keeps the spinner on the running totals', () => {
    const io = testIo();
    const progress = recordingProgress();
    const view = createDeployView(io, { json: false, progress, now: () => NOW });
    view.line('Mesos master http://127.0.0.1:5050; ledger /conf/alluxio-mesos-ledger.json');
    view.report({ type: 'connecting', attempt: 1 });
    view.report({ type: 'subscribed', frameworkId: 'F-1', adopted: [] });
    view.report(launched('master-1', 'a1', [19998, 19999]));
    view.report(launched('worker-1', 'a2', [29998, 29999, 30000]));
    view.report({ type: 'task-state', alias: 'master-1', taskId: 't', state: 'TASK_RUNNING', healthy: true });
    view.report({ type: 'all-placed', masters: 1, workers: 1 });
    view.close();
    expect(io.stderrText()).toBe(
      [
        'Mesos master http://127.0.0.1:5050; ledger /conf/alluxio-mesos-ledger.json',
        '20:35:07 subscribing to the Mesos master',
        '20:35:07 subscribed as framework F-1',
        '20:35:07 master-1 launched on a1 (ports 19998, 19999) as alluxio-master-1.u1',
        '20:35:07 worker-1 launched on a2 (ports 29998, 29999, 30000) as alluxio-worker-1.u1',
        '20:35:07 master-1 RUNNING, healthy',
        '20:35:07 all placed: 1 master(s), 1 worker(s); offers suppressed',
        '',
      ].join('\n'),
    );
    expect(io.stdoutText()).toBe('');
    // The spinner stops before each line (so the line is not drawn over) and shows the totals after.
    expect(progress.events).toEqual([
      'stop',
      'stop',
      'text masters running 0/0, workers running 0/0',
      'stop',
      'text masters running 0/0, workers running 0/0',
      'stop',
      'text masters running 0/1, workers running 0/0',
      'stop',
      'text masters running 0/1, workers running 0/1',
      'stop',
      'text masters running 1/1, workers running 0/1',
      'stop',
      'text masters running 1/1, workers running 0/1',
      'stop',
    ]);
  });

  it('with --json writes every report as one NDJSON record on stdout, with its time, and nothing else', () => {
    const io = testIo();
    const progress = recordingProgress();
    const view = createDeployView(io, { json: true, progress, now: () => NOW });
    view.line('Mesos master http://127.0.0.1:5050');
    view.report({ type: 'connecting', attempt: 1 });
    view.report(launched('worker-1', 'a2', [29998]));
    view.close();
    expect(io.stdoutText()).toBe(
      [
        '{"time":"2026-11-24T20:35:07.250Z","type":"connecting","attempt":1}',
        '{"time":"2026-11-24T20:35:07.250Z","type":"task-launched","alias":"worker-1","taskId":"alluxio-worker-1.u1","role":"worker",' +
          '"agentId":"S-a2","hostname":"a2","ports":[29998],"relaunch":false}',
        '',
      ].join('\n'),
    );
    expect(io.stderrText()).toBe('');
    expect(progress.events).toEqual(['stop']);
  });
});
