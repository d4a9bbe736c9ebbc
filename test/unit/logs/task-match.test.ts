import { describe, expect, it } from 'vitest';
import { chooseTask } from '../../../src/logs/choose-task.js';
import { assignAliases, matchTask, type TaskCandidate } from '../../../src/logs/task-match.js';
import { OperationError, UsageError } from '../../../src/shared/errors.js';

function task(taskId: string, fields: Partial<TaskCandidate> = {}): TaskCandidate {
  return {
    taskId,
    name: taskId,
    state: 'TASK_RUNNING',
    frameworkId: 'fw',
    agentId: 'S0',
    executorId: undefined,
    agentHost: 'host-1',
    startedAt: 1_700_000_000,
    alias: undefined,
    ...fields,
  };
}

const tasks = assignAliases([
  task('alluxio-master-1-aaaa', { name: 'Alluxio Master' }),
  task('alluxio-worker-1-bbbb', { name: 'Alluxio Worker', agentHost: 'host-2' }),
  task('alluxio-worker-2-cccc', { name: 'Alluxio Worker', agentHost: 'host-3' }),
  task('alluxio-worker-12-dddd', { name: 'Alluxio Worker' }),
  task('alluxio-worker-3-eeee', { name: 'Alluxio Worker', state: 'TASK_FAILED', startedAt: 1_600_000_000 }),
]);

describe('assignAliases', () => {
  it('takes the number from the id, else ranks numeric ids', () => {
    expect(tasks.map((t) => t.alias)).toEqual(['master-1', 'worker-1', 'worker-2', 'worker-12', 'worker-3']);
    const numbered = assignAliases([
      task('2', { name: 'Alluxio Worker' }),
      task('0', { name: 'Alluxio Master' }),
      task('1', { name: 'Alluxio Worker' }),
    ]);
    expect(numbered.map((t) => t.alias)).toEqual(['worker-2', 'master-1', 'worker-1']);
  });
});

describe('matchTask', () => {
  it('prefers an exact alias over prefixes of others', () => {
    const outcome = matchTask('worker-1', tasks);
    expect(outcome).toMatchObject({ kind: 'one', task: { taskId: 'alluxio-worker-1-bbbb' } });
  });

  it('matches a full id, a unique prefix and a unique substring', () => {
    expect(matchTask('alluxio-worker-2-cccc', tasks)).toMatchObject({ kind: 'one', task: { alias: 'worker-2' } });
    expect(matchTask('alluxio-m', tasks)).toMatchObject({ kind: 'one', task: { alias: 'master-1' } });
    expect(matchTask('dddd', tasks)).toMatchObject({ kind: 'one', task: { alias: 'worker-12' } });
  });

  it('reports several matches, running ones only', () => {
    const outcome = matchTask('worker', tasks);
    expect(outcome.kind).toBe('ambiguous');
    if (outcome.kind === 'ambiguous') expect(outcome.matches.map((t) => t.alias).sort()).toEqual(['worker-1', 'worker-12', 'worker-2']);
  });

  it('says when only completed tasks match, and takes them with --completed', () => {
    expect(matchTask('worker-3', tasks)).toMatchObject({ kind: 'only-completed', matches: [{ alias: 'worker-3' }] });
    expect(matchTask('worker-3', tasks, { includeCompleted: true })).toMatchObject({ kind: 'one', task: { alias: 'worker-3' } });
    expect(matchTask('nothing-like-it', tasks)).toEqual({ kind: 'none' });
  });

  it('supports globs but refuses one that matches every task, and empty names', () => {
    expect(matchTask('*master*', tasks)).toMatchObject({ kind: 'one', task: { alias: 'master-1' } });
    expect(() => matchTask('alluxio-*', tasks)).toThrow(UsageError);
    for (const bad of ['', '   ', '*', '**', '.*', '?']) expect(() => matchTask(bad, tasks)).toThrow(UsageError);
  });
});

describe('chooseTask', () => {
  it('lists ambiguous matches with state, host and start time (exit 2)', () => {
    let error: unknown;
    try {
      chooseTask('worker', tasks);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UsageError);
    const message = (error as Error).message;
    expect(message).toContain('matches 3 tasks');
    expect(message).toMatch(/worker-2\s+alluxio-worker-2-cccc\s+RUNNING\s+host-3\s+started 2023-11-14T22:13:20Z/);
  });

  it('cuts long lists unless --all-matches', () => {
    const many = assignAliases(Array.from({ length: 15 }, (_, i) => task(`w-${i}`, { name: 'Alluxio Worker' })));
    expect(() => chooseTask('w-', many)).toThrow(/and 5 more \(--all-matches/);
    expect(() => chooseTask('w-', many, { allMatches: true })).toThrow(/w-14/);
  });

  it('suggests the alias a typo meant, and nothing for a name far from every task', () => {
    expect(() => chooseTask('wroker-2', tasks)).toThrow('no task of the framework matches "wroker-2"; did you mean worker-2?');
    expect(() => chooseTask('mastr-1', tasks)).toThrow(/did you mean master-1\?/);
    expect(() => chooseTask('nothing-like-it', tasks)).toThrow(/^no task of the framework matches "nothing-like-it"$/);
  });

  it('points at --completed when only completed tasks match (exit 1)', () => {
    expect(() => chooseTask('worker-3', tasks)).toThrow(OperationError);
    try {
      chooseTask('worker-3', tasks);
    } catch (error) {
      expect((error as OperationError).hint).toContain('--completed');
      expect((error as OperationError).exitCode).toBe(1);
    }
  });
});

describe('chooseTask lists the matches in columns', () => {
  it('aligns alias, id, state and host, and trims rows without a start time', () => {
    const matches = [
      task('alluxio-worker-1.abc', {
        alias: 'worker-1',
        state: 'TASK_RUNNING',
        agentHost: '127.0.0.3',
        agentId: 'S1',
        startedAt: 1_764_000_000,
      }),
      task('alluxio-other', { alias: undefined, state: 'TASK_FAILED', agentHost: undefined, agentId: 'S1', startedAt: undefined }),
    ];
    expect(() => chooseTask('alluxio', matches, { includeCompleted: true, allMatches: true })).toThrow(
      '"alluxio" matches 2 tasks:\n' +
        '  worker-1  alluxio-worker-1.abc  RUNNING  127.0.0.3  started 2025-11-24T16:00:00Z\n' +
        '  -         alluxio-other         FAILED   S1',
    );
  });
});

describe('chooseTask --previous and --run N', () => {
  // worker-2 ran three times (two ended, one runs now); worker-1 once.
  const runs = [
    task('alluxio-worker-2.a', { alias: 'worker-2', state: 'TASK_FAILED', startedAt: 100 }),
    task('alluxio-worker-2.c', { alias: 'worker-2', state: 'TASK_RUNNING', startedAt: 300 }),
    task('alluxio-worker-2.b', { alias: 'worker-2', state: 'TASK_KILLED', startedAt: 200 }),
    task('alluxio-worker-1.a', { alias: 'worker-1', state: 'TASK_RUNNING', startedAt: 100 }),
  ];

  it('--completed alone says the runs are ambiguous and points at --previous and --run', () => {
    expect(() => chooseTask('worker-2', runs, { includeCompleted: true })).toThrow(
      expect.objectContaining({ hint: expect.stringContaining('these are runs of worker-2: --previous') }),
    );
  });

  it('--previous is the run before the newest one, with or without --completed', () => {
    expect(chooseTask('worker-2', runs, { previous: true }).taskId).toBe('alluxio-worker-2.b');
  });

  it('--run N counts from 1, oldest first', () => {
    expect(chooseTask('worker-2', runs, { run: 1 }).taskId).toBe('alluxio-worker-2.a');
    expect(chooseTask('worker-2', runs, { run: 3 }).taskId).toBe('alluxio-worker-2.c');
  });

  it('says when there is no such run (not found, exit 4)', () => {
    expect(() => chooseTask('worker-1', runs, { previous: true })).toThrow(
      expect.objectContaining({ message: 'worker-1 has run once: it has no previous run', exitCode: 4 }),
    );
    expect(() => chooseTask('worker-2', runs, { run: 4 })).toThrow(
      expect.objectContaining({ message: expect.stringMatching(/^worker-2 has run 3 times: there is no run 4:\n/), exitCode: 4 }),
    );
  });

  it('refuses a query matching several aliases, and keeps "did you mean" for a typo', () => {
    expect(() => chooseTask('worker', runs, { previous: true })).toThrow(/matches tasks of several aliases/);
    expect(() => chooseTask('wroker-2', runs, { run: 1 })).toThrow(/did you mean worker-2\?/);
  });
});
