import { describe, expect, it } from 'vitest';
import { describeAlias, renderAliasDescription } from '../../../src/status/describe.js';
import type { TaskRecord } from '../../../src/mesos/client/tasks.js';
import type { AgentRecord } from '../../../src/mesos/client/agents.js';
import { newLedgerTask } from '../../../src/state/ledger.js';

const T0 = Date.parse('2026-12-06T10:00:00Z') / 1000;

function taskRecord(
  taskId: string,
  statuses: Array<[string, number, Partial<{ healthy: boolean; reason: string; message: string }>?]>,
): TaskRecord {
  return {
    taskId,
    name: 'Alluxio Worker',
    frameworkId: 'F-1',
    agentId: 'S-2',
    executorId: undefined,
    state: statuses.at(-1)![0],
    statuses: statuses.map(([state, at, extra]) => ({
      state,
      timestamp: T0 + at,
      message: extra?.message,
      reason: extra?.reason,
      healthy: extra?.healthy,
      containerId: undefined,
    })),
    resources: [],
    hasHealthCheck: true,
    list: 'active',
  };
}

const agents = [{ agentId: 'S-2', hostname: 'agent-2\u001b[2J', port: 5051 } as AgentRecord];
const tasks = [
  taskRecord('alluxio-worker-2.bbbb', [
    ['TASK_STARTING', 70],
    ['TASK_RUNNING', 71],
    ['TASK_RUNNING', 80, { healthy: true }],
  ]),
  taskRecord('alluxio-worker-2.aaaa', [
    ['TASK_RUNNING', 0],
    ['TASK_RUNNING', 10, { healthy: true }],
    ['TASK_FAILED', 60, { reason: 'REASON_COMMAND_EXECUTOR_FAILED', message: 'Command terminated with signal Killed' }],
  ]),
  taskRecord('alluxio-worker-3.cccc', [['TASK_RUNNING', 0]]),
];

describe('describeAlias', () => {
  const ledgerTask = {
    ...newLedgerTask({
      alias: 'worker-2',
      role: 'worker',
      taskId: 'alluxio-worker-2.bbbb',
      agentId: 'S-2',
      hostname: 'agent-2',
      state: 'TASK_RUNNING',
      launchedAt: (T0 + 65) * 1000,
    }),
    relaunchCount: 1,
    failures: [(T0 + 60) * 1000],
    lastFailure: {
      state: 'TASK_FAILED' as const,
      at: (T0 + 60) * 1000,
      reason: 'REASON_COMMAND_EXECUTOR_FAILED',
      message: 'Command terminated',
    },
  };

  it('numbers the runs of the alias oldest first and ignores other aliases', () => {
    const description = describeAlias('worker-2', 'F-1', tasks, agents, ledgerTask)!;
    expect(description.runs.map((run) => [run.number, run.taskId, run.state, run.endedAt])).toEqual([
      [1, 'alluxio-worker-2.aaaa', 'TASK_FAILED', '2026-12-06T10:01:00.000Z'],
      [2, 'alluxio-worker-2.bbbb', 'TASK_RUNNING', null],
    ]);
    expect(description.current?.taskId).toBe('alluxio-worker-2.bbbb');
    expect(description.scheduler).toMatchObject({ relaunches: 1, relaunchAt: null, crashLooped: false });
    expect(describeAlias('worker-9', 'F-1', tasks, agents, undefined)).toBeUndefined();
  });

  it('renders fields, runs and events with escaped cluster strings', () => {
    const description = {
      ...describeAlias('worker-2', 'F-1', tasks, agents, ledgerTask)!,
      sandbox: '/var/lib/mesos/slaves/S-2/runs/latest',
    };
    expect(renderAliasDescription(description, new Date((T0 + 120) * 1000))).toMatchInlineSnapshot(`
      "Alias:            worker-2
      Framework:        F-1
      State:            RUNNING
      Health:           healthy
      Task:             alluxio-worker-2.bbbb
      Agent:            agent-2\\x1b[2J (S-2)
      Started:          2026-12-06T10:01:10.000Z (50s ago)
      Sandbox:          /var/lib/mesos/slaves/S-2/runs/latest
      Relaunches:       1
      Last failure:     FAILED at 2026-12-06T10:01:00.000Z (REASON_COMMAND_EXECUTOR_FAILED: Command terminated)
      Recent failures:  1 in the crash-loop window

      Runs (oldest first; logs --run N reads one):
        RUN  TASK                   STATE    AGENT           STARTED                   ENDED
        1    alluxio-worker-2.aaaa  FAILED   agent-2\\x1b[2J  2026-12-06T10:00:00.000Z  2026-12-06T10:01:00.000Z
        2    alluxio-worker-2.bbbb  RUNNING  agent-2\\x1b[2J  2026-12-06T10:01:10.000Z  -

      Events:
        TIME                      RUN  STATE     HEALTH   REASON
        2026-12-06T10:00:00.000Z  1    RUNNING   -        -
        2026-12-06T10:00:10.000Z  1    RUNNING   healthy  -
        2026-12-06T10:01:00.000Z  1    FAILED    -        REASON_COMMAND_EXECUTOR_FAILED: Command terminated with signal Killed
        2026-12-06T10:01:10.000Z  2    STARTING  -        -
        2026-12-06T10:01:11.000Z  2    RUNNING   -        -
        2026-12-06T10:01:20.000Z  2    RUNNING   healthy  -
      "
    `);
  });
});
