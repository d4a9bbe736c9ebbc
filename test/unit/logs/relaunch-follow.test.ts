import { describe, expect, it } from 'vitest';
import { RelaunchFollow } from '../../../src/logs/relaunch-follow.js';
import type { TaskCandidate } from '../../../src/logs/task-match.js';

function run(taskId: string, state: string, startedAt: number, alias = 'worker-2'): TaskCandidate {
  return {
    taskId,
    name: 'Alluxio Worker',
    state,
    frameworkId: 'F',
    agentId: 'S1',
    executorId: undefined,
    agentHost: 'a1',
    startedAt,
    alias,
  };
}

function follower(tasks: () => TaskCandidate[], willNotRelaunch = false): RelaunchFollow {
  return new RelaunchFollow({
    alias: 'worker-2',
    taskId: 'w2.a',
    reload: async () => ({ candidates: tasks(), agents: [] }),
    willNotRelaunch: async () => willNotRelaunch,
  });
}

describe('RelaunchFollow', () => {
  it('offers nothing while the run followed lives, even if another run of the alias shows up', async () => {
    const follow = follower(() => [run('w2.a', 'TASK_RUNNING', 100), run('w2.b', 'TASK_RUNNING', 200)]);
    expect(await follow.nextRun()).toBeUndefined();
    expect(await follow.endedForGood()).toBe(false);
  });

  it('offers the newest live run of the same alias once the run followed ended, and follows it once adopted', async () => {
    let tasks = [run('w2.a', 'TASK_FAILED', 100), run('w2.b', 'TASK_KILLED', 150), run('w3.x', 'TASK_RUNNING', 300, 'worker-3')];
    const follow = follower(() => tasks);
    expect(await follow.nextRun()).toBeUndefined();
    tasks = [...tasks, run('w2.c', 'TASK_STARTING', 200), run('w2.d', 'TASK_RUNNING', 250)];
    const next = await follow.nextRun();
    expect(next?.task.taskId).toBe('w2.d');
    // Not adopted (its sandbox could not be opened yet): offered again.
    expect(follow.taskId).toBe('w2.a');
    expect((await follow.nextRun())?.task.taskId).toBe('w2.d');
    follow.adopt('w2.d');
    expect(follow.taskId).toBe('w2.d');
    expect(await follow.nextRun()).toBeUndefined();
  });

  it('treats a run Mesos forgot as ended', async () => {
    const follow = follower(() => [run('w2.b', 'TASK_RUNNING', 200)]);
    expect((await follow.nextRun())?.task.taskId).toBe('w2.b');
  });

  it('is over for good only when the run ended, nothing newer lives and nothing will relaunch it', async () => {
    const ended = () => [run('w2.a', 'TASK_FAILED', 100)];
    expect(await follower(ended, false).endedForGood()).toBe(false);
    expect(await follower(ended, true).endedForGood()).toBe(true);
    expect(await follower(() => [...ended(), run('w2.b', 'TASK_STAGING', 200)], true).endedForGood()).toBe(false);
    expect(await follower(() => [run('w2.a', 'TASK_RUNNING', 100)], true).endedForGood()).toBe(false);
  });
});
