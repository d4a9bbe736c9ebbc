import { describe, expect, it } from 'vitest';
import {
  describeTasksThatMayStillRun,
  hintForTasksThatMayStillRun,
  tasksThatMayStillRun,
  verifyTasksGone,
} from '../../../../src/commands/common/teardown-verify.js';
import type { AgentRecord } from '../../../../src/mesos/client/agents.js';
import type { TaskRecord } from '../../../../src/mesos/client/tasks.js';
import type { LedgerTask } from '../../../../src/state/ledger.js';

const mesosTask = (taskId: string, state: string, agentId: string, list: TaskRecord['list'] = 'active'): TaskRecord => ({
  taskId,
  name: 'AlluxioWorker',
  frameworkId: 'F-1',
  agentId,
  executorId: undefined,
  state,
  statuses: [],
  resources: [],
  hasHealthCheck: false,
  list,
});

const agent = (agentId: string, hostname: string): AgentRecord =>
  ({ agentId, hostname, port: 5051, pid: undefined, version: undefined, active: true }) as unknown as AgentRecord;

const ledgerTask = (alias: string, agentId: string, hostname: string, state: LedgerTask['state'] = 'TASK_RUNNING'): LedgerTask => ({
  alias,
  role: alias.startsWith('master') ? 'master' : 'worker',
  taskId: `alluxio-${alias}.u`,
  agentId,
  hostname,
  ports: [],
  state,
  healthy: true,
  launchedAt: 0,
  relaunchCount: 0,
  failures: [],
  lastFailure: undefined,
  killRequested: undefined,
  relaunchAt: undefined,
  crashLooped: false,
});

describe('tasksThatMayStillRun', () => {
  it('is empty once Mesos lists every task ended', () => {
    expect(
      tasksThatMayStillRun({
        frameworkId: 'F-1',
        mesosTasks: [mesosTask('alluxio-worker-1.u', 'TASK_KILLED', 'S1', 'completed')],
        agents: [agent('S1', 'h1')],
        ledgerTasks: [ledgerTask('worker-1', 'S1', 'h1')],
      }),
    ).toEqual([]);
  });

  it('names the tasks on agents the master does not have, listed by Mesos or only by the ledger', () => {
    // After a standalone master restart: the agents and their tasks are unknown to the master.
    const left = tasksThatMayStillRun({
      frameworkId: 'F-1',
      mesosTasks: [mesosTask('alluxio-worker-2.u', 'TASK_UNREACHABLE', 'S2', 'unreachable'), mesosTask('other', 'TASK_RUNNING', 'S1')].map(
        (task, i) => (i === 1 ? { ...task, frameworkId: 'F-9' } : task),
      ),
      agents: [agent('S1', 'h1')],
      ledgerTasks: [
        ledgerTask('master-1', 'S3', 'h3'),
        ledgerTask('worker-1', 'S1', 'h1'),
        ledgerTask('worker-2', 'S2', 'h2'),
        ledgerTask('worker-3', 'S3', 'h3', 'TASK_FAILED'),
      ],
    });
    expect(left.map((task) => [task.alias, task.host, task.why])).toEqual([
      ['worker-2', 'h2', 'agent-not-registered'],
      ['master-1', 'h3', 'agent-not-registered'],
    ]);
    expect(describeTasksThatMayStillRun(left)).toBe(
      '2 Alluxio tasks may still run: worker-2 on h2 (its agent h2 is not registered with the master, so Mesos cannot kill it); ' +
        'master-1 on h3 (its agent h3 is not registered with the master, so Mesos cannot kill it)',
    );
    expect(hintForTasksThatMayStillRun(left)).toMatch(/^stop them on those hosts .* restart the mesos-agent there/);
  });
});

describe('verifyTasksGone', () => {
  it('asks again while Mesos is killing, and stops as soon as every task ended', async () => {
    const answers = [
      [mesosTask('alluxio-worker-1.u', 'TASK_RUNNING', 'S1')],
      [mesosTask('alluxio-worker-1.u', 'TASK_KILLING', 'S1')],
      [mesosTask('alluxio-worker-1.u', 'TASK_KILLED', 'S1', 'completed')],
    ];
    let now = 0;
    let looks = 0;
    const left = await verifyTasksGone({
      look: async () => ({ tasks: answers[Math.min(looks++, answers.length - 1)]!, agents: [agent('S1', 'h1')] }),
      frameworkId: 'F-1',
      ledgerTasks: [],
      timeoutMs: 10_000,
      now: () => now,
      sleep: async (ms) => {
        now += ms;
      },
    });
    expect(left).toEqual([]);
    expect(looks).toBe(3);
  });

  it('gives up at the timeout with what is still being killed', async () => {
    let now = 0;
    const left = await verifyTasksGone({
      look: async () => ({ tasks: [mesosTask('alluxio-worker-1.u', 'TASK_KILLING', 'S1')], agents: [agent('S1', 'h1')] }),
      frameworkId: 'F-1',
      ledgerTasks: [],
      timeoutMs: 1_000,
      now: () => now,
      sleep: async (ms) => {
        now += ms;
      },
    });
    expect(left.map((task) => [task.alias, task.why])).toEqual([['worker-1', 'killing']]);
    expect(now).toBe(1_000);
    expect(hintForTasksThatMayStillRun(left)).toMatch(/--timeout/);
  });

  it('does not wait for tasks no waiting can end (agent not registered)', async () => {
    let looks = 0;
    const left = await verifyTasksGone({
      look: async () => {
        looks++;
        return { tasks: [], agents: [] };
      },
      frameworkId: 'F-1',
      ledgerTasks: [ledgerTask('worker-1', 'S1', 'h1')],
      timeoutMs: 10_000,
      now: () => 0,
      sleep: async () => {
        throw new Error('no wait expected');
      },
    });
    expect(looks).toBe(1);
    expect(left.map((task) => task.why)).toEqual(['agent-not-registered']);
  });
});
