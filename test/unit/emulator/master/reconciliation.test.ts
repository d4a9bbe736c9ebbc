/** RECONCILE answers as a pure function: the framework's records and the agents' standing in, statuses out. */
import { describe, expect, it } from 'vitest';
import type { FrameworkRecord, TaskRecord } from '../../../../src/emulator/master/model.js';
import { reconcileAnswers, type AgentStanding } from '../../../../src/emulator/master/reconciliation.js';
import { newTaskRecord } from '../../../../src/emulator/master/tasks.js';
import type { FrameworkInfo } from '../../../../src/mesos/protocol/types.js';

const NOW_SECONDS = 1_700_000_000;
const PARTITION_AWARE: FrameworkInfo = { user: 'root', name: 'fw', capabilities: [{ type: 'PARTITION_AWARE' }] };
const PLAIN: FrameworkInfo = { user: 'root', name: 'fw' };

function framework(info: FrameworkInfo, tasks: TaskRecord[] = []): FrameworkRecord {
  return {
    id: 'fw-1',
    info,
    connection: undefined,
    active: true,
    recovered: false,
    registeredTime: 0,
    reregisteredTime: 0,
    unregisteredTime: 0,
    tasks: new Map(tasks.map((t) => [t.taskId, t])),
    unreachableTasks: new Map(),
    completedTasks: [],
    offers: new Set(),
    failoverTimer: undefined,
  };
}

function runningTask(taskId: string, agentId: string): TaskRecord {
  const task = newTaskRecord(
    'fw-1',
    agentId,
    { name: taskId, task_id: { value: taskId }, agent_id: { value: agentId }, resources: [] },
    '*',
  );
  task.state = 'TASK_RUNNING';
  task.latestStatus = { task_id: { value: taskId }, state: 'TASK_RUNNING', container_status: { network_infos: [] } };
  return task;
}

function standing(o: { agents?: string[]; recovered?: string[]; unreachable?: Record<string, number> } = {}): AgentStanding {
  return {
    agents: new Map((o.agents ?? []).map((id) => [id, {}])),
    recoveredAgents: new Map((o.recovered ?? []).map((id) => [id, {}])),
    unreachableAgents: new Map(Object.entries(o.unreachable ?? {})),
  };
}

const ask = (taskId: string, agentId?: string) => ({
  task_id: { value: taskId },
  ...(agentId === undefined ? {} : { agent_id: { value: agentId } }),
});

describe('implicit reconciliation (no task listed)', () => {
  it('answers the latest state of every task the master knows, from the master, without uuid', () => {
    const fw = framework(PLAIN, [runningTask('t1', 'a1'), runningTask('t2', 'a2')]);
    const answers = reconcileAnswers(fw, {}, standing({ agents: ['a1', 'a2'] }), NOW_SECONDS);
    expect(answers).toEqual([
      {
        task_id: { value: 't1' },
        state: 'TASK_RUNNING',
        message: 'Reconciliation: Latest task state',
        source: 'SOURCE_MASTER',
        reason: 'REASON_RECONCILIATION',
        agent_id: { value: 'a1' },
        timestamp: NOW_SECONDS,
        container_status: { network_infos: [] },
      },
      expect.objectContaining({ task_id: { value: 't2' }, agent_id: { value: 'a2' } }),
    ]);
    expect(answers.every((s) => s.uuid === undefined)).toBe(true);
  });

  it('reports the last forwarded state while its acknowledgement is pending', () => {
    const task = runningTask('t1', 'a1');
    task.state = 'TASK_FINISHED';
    task.statusUpdateState = 'TASK_RUNNING';
    const answers = reconcileAnswers(framework(PLAIN, [task]), { tasks: [] }, standing(), NOW_SECONDS);
    expect(answers.map((s) => s.state)).toEqual(['TASK_RUNNING']);
  });

  it('answers nothing for a framework without tasks', () => {
    expect(reconcileAnswers(framework(PLAIN), {}, standing(), NOW_SECONDS)).toEqual([]);
  });
});

describe('explicit reconciliation', () => {
  it('answers a known task with its latest state, ignoring the other tasks', () => {
    const fw = framework(PLAIN, [runningTask('t1', 'a1'), runningTask('t2', 'a1')]);
    const answers = reconcileAnswers(fw, { tasks: [ask('t2', 'a1')] }, standing({ agents: ['a1'] }), NOW_SECONDS);
    expect(answers.map((s) => [s.task_id.value, s.state])).toEqual([['t2', 'TASK_RUNNING']]);
  });

  it('an unknown task on a registered agent is GONE to a partition-aware framework, LOST otherwise', () => {
    const request = { tasks: [ask('t9', 'a1')] };
    const agents = standing({ agents: ['a1'] });
    const expected = { message: 'Reconciliation: Task is unknown to the agent', agent_id: { value: 'a1' } };
    expect(reconcileAnswers(framework(PARTITION_AWARE), request, agents, NOW_SECONDS)).toEqual([
      expect.objectContaining({ ...expected, state: 'TASK_GONE' }),
    ]);
    expect(reconcileAnswers(framework(PLAIN), request, agents, NOW_SECONDS)).toEqual([
      expect.objectContaining({ ...expected, state: 'TASK_LOST' }),
    ]);
  });

  it('a task on an unreachable agent is UNREACHABLE since the time the agent was marked', () => {
    const answers = reconcileAnswers(
      framework(PARTITION_AWARE),
      { tasks: [ask('t9', 'a1')] },
      standing({ unreachable: { a1: 1_000 } }),
      NOW_SECONDS,
    );
    expect(answers).toEqual([
      expect.objectContaining({
        state: 'TASK_UNREACHABLE',
        message: 'Reconciliation: Task is unreachable',
        agent_id: { value: 'a1' },
        unreachable_time: { nanoseconds: 1_000_000_000 },
      }),
    ]);
  });

  it('a task on an agent nobody knows is UNKNOWN, with the agent id only when one was given', () => {
    const answers = reconcileAnswers(framework(PARTITION_AWARE), { tasks: [ask('t8', 'a7'), ask('t9')] }, standing(), NOW_SECONDS);
    expect(answers).toEqual([
      expect.objectContaining({ task_id: { value: 't8' }, state: 'TASK_UNKNOWN', agent_id: { value: 'a7' } }),
      expect.objectContaining({ task_id: { value: 't9' }, state: 'TASK_UNKNOWN', message: 'Reconciliation: Task is unknown' }),
    ]);
    expect(answers[1]?.agent_id).toBeUndefined();
  });

  it('stays silent while the agent may still re-register after a master restart', () => {
    const fw = framework(PARTITION_AWARE);
    const recovering = standing({ recovered: ['a1'], agents: ['a2'] });
    // On that agent, or on no agent in particular while any registry agent is still out.
    expect(reconcileAnswers(fw, { tasks: [ask('t1', 'a1'), ask('t2')] }, recovering, NOW_SECONDS)).toEqual([]);
    // A task on an agent that is back is answered as usual.
    expect(reconcileAnswers(fw, { tasks: [ask('t3', 'a2')] }, recovering, NOW_SECONDS).map((s) => s.state)).toEqual(['TASK_GONE']);
  });
});
