/**
 * `alluxio-mesos logs <task>` end to end: which task a name means, its sandbox read from its agent,
 * completed tasks, and an agent that is gone. The real binary (dist/) against a framework deployed
 * on an embedded local Mesos cluster. Needs `npm run build` first (npm test does it).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, type CliResult } from '../../../helpers/cli.js';
import { sandboxOnDisk, standins, startOperate, stopOperate, taskIdOf, waitUntil, type OperateEnv } from './helpers.js';

let env: OperateEnv | undefined;

beforeAll(async () => {
  env = await startOperate();
});

afterAll(async () => {
  const stray = await stopOperate(env);
  expect(stray).toEqual([]);
});

function ready(): OperateEnv {
  if (env === undefined) throw new Error('setup failed');
  return env;
}

/** The sections of `logs` text output: header (`task:file`) → its lines. */
function sections(stdout: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of stdout.split('\n')) {
    const header = /^==> (.+) <==$/.exec(line);
    if (header !== null) {
      current = [];
      found.set(header[1]!, current);
    } else if (current !== undefined && line !== '') current.push(line);
  }
  return found;
}

/** Every printed line of `file` is a whole line of that file on disk, in order, at its end. */
async function expectTailOf(printed: readonly string[] | undefined, file: string, lines: number): Promise<void> {
  expect(printed, file).toBeDefined();
  const onDisk = (await readFile(file, 'utf8')).split('\n').filter((line) => line !== '');
  expect(printed!.length).toBeLessThanOrEqual(lines);
  expect(printed!.length).toBe(Math.min(lines, onDisk.length));
  if (printed!.length === 0) return;
  // The stand-in may have appended since: the tail printed is a run of consecutive lines.
  const start = onDisk.indexOf(printed![0]!);
  expect(start, `${printed![0]} in ${file}`).toBeGreaterThanOrEqual(0);
  expect(onDisk.slice(start, start + printed!.length)).toEqual(printed);
}

async function expectWorker2Logs(result: CliResult, sandbox: string): Promise<void> {
  expect(result.stderr).toBe('');
  expect(result.exitCode).toBe(0);
  const found = sections(result.stdout);
  expect([...found.keys()]).toEqual(['worker-2:stdout', 'worker-2:stderr', 'worker-2:logs/worker.log']);
  await expectTailOf(found.get('worker-2:logs/worker.log'), path.join(sandbox, 'logs', 'worker.log'), 5);
  await expectTailOf(found.get('worker-2:stdout'), path.join(sandbox, 'stdout'), 5);
}

describe('logs of a running task', () => {
  it('finds it by alias, full task id, unique prefix of the id, and part of the id', async () => {
    const current = ready();
    const taskId = taskIdOf(current, 'worker-2');
    const sandbox = await sandboxOnDisk(current, taskId);
    const uuid = taskId.slice('alluxio-worker-2.'.length);
    expect(uuid).toMatch(/^[0-9a-f-]{36}$/);
    for (const query of ['worker-2', taskId, `alluxio-worker-2.${uuid.slice(0, 4)}`, uuid.slice(9, 23)]) {
      await expectWorker2Logs(await current.cli(['logs', query, '--lines', '5']), sandbox);
    }
  });

  it('reads one file with --file and -n', async () => {
    const current = ready();
    const sandbox = await sandboxOnDisk(current, taskIdOf(current, 'master-1'));
    const result = await current.cli(['logs', 'master-1', '--file', 'logs/master.log', '-n', '3']);
    expect(result.exitCode).toBe(0);
    const lines = result.stdout.split('\n').filter((line) => line !== '');
    expect(lines.some((line) => line.startsWith('==>'))).toBe(false);
    await expectTailOf(lines, path.join(sandbox, 'logs', 'master.log'), 3);
  });

  it('says which file a running task does not have, with exit 4 (not found)', async () => {
    const result = await ready().cli(['logs', 'worker-1', '--file', 'logs/nothing-here.log']);
    expect(result.exitCode).toBe(4);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^error: worker-1 has no file logs\/nothing-here\.log in its sandbox \(127\.0\.0\.2:\d+\); run with --list/,
    );
  });

  it('refuses an ambiguous name with exit 2 and lists what matched', async () => {
    const current = ready();
    const result = await current.cli(['logs', 'worker']);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('"worker" matches 3 tasks');
    for (const alias of ['worker-1', 'worker-2', 'worker-3']) {
      expect(result.stderr).toMatch(
        new RegExp(`^\\s+${alias}\\s+${taskIdOf(current, alias).replace(/\./g, '\\.')}\\s+RUNNING\\s+127\\.0\\.0\\.\\d`, 'm'),
      );
    }
    expect(result.stderr).not.toContain('master-1');
  });

  it('fails with exit 4 (not found) for a name no task has', async () => {
    const result = await ready().cli(['logs', 'no-such-task']);
    expect(result.exitCode).toBe(4);
    expect(result.stderr).toContain('no task of the framework matches "no-such-task"');
    expect(result.stderr).toMatch(/master-1/);
  });

  it.each([
    ['an empty name', ['logs', ''], /task name is empty/],
    ['a glob matching every task', ['logs', '*'], /would match every task|matches every task/],
    ['a glob matching every task of the framework', ['logs', 'alluxio-*'], /matches every task/],
    ['--lines that is not a number', ['logs', 'worker-1', '--lines', 'abc'], /--lines must be a whole number/],
    [
      'a file name that climbs out of the sandbox',
      ['logs', 'worker-1', '--file', '../../etc/passwd'],
      /"\.\.\/\.\.\/etc\/passwd" leaves the sandbox/,
    ],
  ])('refuses %s with exit 2', async (_what, args, message) => {
    const result = await ready().cli(args);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toContain('root:');
  });
});

describe('logs of a completed task', () => {
  it('follows worker-3 across its relaunch, then reads either run: --completed, --previous, --run N', { timeout: 60_000 }, async () => {
    const current = ready();
    const { deploy } = current;
    const oldTaskId = taskIdOf(current, 'worker-3');
    const oldSandbox = await sandboxOnDisk(current, oldTaskId);
    const victim = (await standins(current.root)).find((standin) => standin.taskId === oldTaskId);
    expect(victim).toBeDefined();
    // `logs -f --until-exit` of the alias: the relaunch is followed, not taken for the end.
    const follower = startCli(['logs', 'worker-3', '-f', '--until-exit', '--file', 'logs/worker.log', '--conf-dir', current.confDir]);
    let followed = '';
    let notices = '';
    follower.stdout!.on('data', (chunk: Buffer) => (followed += chunk.toString()));
    follower.stderr!.on('data', (chunk: Buffer) => (notices += chunk.toString()));
    await waitUntil('the follow to print the tail', () => (followed.includes('==> worker-3:logs/worker.log <==') ? true : undefined));
    const from = deploy.events.length;
    process.kill(victim!.pid, 'SIGKILL');
    const relaunched = await deploy.until('worker-3 relaunched and healthy', () =>
      deploy.events
        .slice(from)
        .find(
          (event) => event.type === 'task-state' && event.alias === 'worker-3' && event.state === 'TASK_RUNNING' && event.healthy === true,
        ),
    );
    expect(relaunched.taskId).not.toBe(oldTaskId);
    const newSandbox = await sandboxOnDisk(current, relaunched.taskId as string);
    await waitUntil('the follow to notice the relaunch', () =>
      notices.includes(`alluxio-mesos: worker-3 was relaunched as ${relaunched.taskId as string} on `) ? true : undefined,
    );
    const firstNewLine = (await readFile(path.join(newSandbox, 'logs', 'worker.log'), 'utf8')).split('\n')[0]!;
    expect(firstNewLine).not.toBe('');
    await waitUntil('the new run to be followed', () => (followed.includes(firstNewLine) ? true : undefined));
    expect(follower.exitCode).toBeNull();
    follower.kill('SIGINT');
    expect((await follower).exitCode).toBe(130);

    // The run before the newest one, and runs by number (oldest first).
    const previous = await current.cli(['logs', 'worker-3', '--previous', '--file', 'logs/worker.log', '-n', '3']);
    expect(previous.stderr).toBe('');
    expect(previous.exitCode).toBe(0);
    await expectTailOf(
      previous.stdout.split('\n').filter((line) => line !== ''),
      path.join(oldSandbox, 'logs', 'worker.log'),
      3,
    );
    const second = await current.cli(['logs', 'worker-3', '--run', '2', '--file', 'logs/worker.log', '-n', '3']);
    expect(second.exitCode).toBe(0);
    await expectTailOf(
      second.stdout.split('\n').filter((line) => line !== ''),
      path.join(newSandbox, 'logs', 'worker.log'),
      3,
    );
    const none = await current.cli(['logs', 'worker-3', '--run', '3']);
    expect(none.exitCode).toBe(4);
    expect(none.stderr).toContain('worker-3 has run 2 times: there is no run 3');

    const withoutFlag = await current.cli(['logs', oldTaskId]);
    expect(withoutFlag.exitCode).toBe(1);
    expect(withoutFlag.stderr).toContain('no running task matches');
    expect(withoutFlag.stderr).toContain('--completed');

    const result = await current.cli(['logs', oldTaskId, '--completed', '--lines', '5']);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const found = sections(result.stdout);
    expect([...found.keys()]).toEqual(['worker-3:stdout', 'worker-3:stderr', 'worker-3:logs/worker.log']);
    await expectTailOf(found.get('worker-3:logs/worker.log'), path.join(oldSandbox, 'logs', 'worker.log'), 5);
    // The relaunched task's own sandbox is another directory.
    expect(await sandboxOnDisk(current, relaunched.taskId as string)).not.toBe(oldSandbox);

    // By alias, the running (relaunched) task wins.
    const byAlias = await current.cli(['logs', 'worker-3', '--file', 'logs/worker.log', '-n', '2']);
    expect(byAlias.exitCode).toBe(0);
    await expectTailOf(
      byAlias.stdout.split('\n').filter((line) => line !== ''),
      path.join(await sandboxOnDisk(current, relaunched.taskId as string), 'logs', 'worker.log'),
      2,
    );
  });
});

describe('logs of a task whose agent is gone', () => {
  it('says the agent is gone and exits 1', { timeout: 40_000 }, async () => {
    const current = ready();
    const taskId = taskIdOf(current, 'worker-2');
    const index = current.cluster.agents.findIndex((agent) => agent !== undefined && agent.hostname === '127.0.0.3');
    expect(index).toBe(1);
    const agentId = [...current.cluster.master.state.agents.values()].find((agent) => agent.hostname === '127.0.0.3')?.id;
    expect(agentId).toBeDefined();
    await current.cluster.killAgent(index);
    // Until the master gives up on the agent (missed pings) the CLI keeps retrying the refused
    // connection within --timeout; once it is removed, the task's agent is simply gone.
    await waitUntil('the master to remove the agent', () => (current.cluster.master.state.agents.has(agentId!) ? undefined : true), 15_000);
    const result = await current.cli(['logs', taskId, '--completed'], { timeoutMs: 15_000 });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      new RegExp(`the agent \\S+ that ran worker-2 \\(${taskId.replace(/\./g, '\\.')}\\) is gone from the cluster`),
    );
    expect(result.stderr).toContain('its sandbox went with it');
    // status reports the lost worker without the health it had while it ran, and exits 1.
    const status = await current.cli(['status', '--json']);
    expect(status.exitCode).toBe(1);
    const report = JSON.parse(status.stdout) as {
      ok: boolean;
      problems: string[];
      tasks: Array<{ alias: string; state: string; healthy: boolean | null; host: string | null }>;
    };
    expect(report.ok).toBe(false);
    const lost = report.tasks.find((task) => task.alias === 'worker-2');
    expect(lost).toMatchObject({ host: '127.0.0.3', healthy: null });
    expect(lost!.state).not.toBe('TASK_RUNNING');
    expect(report.problems).toContain(`worker-2 is ${lost!.state.replace(/^TASK_/, '')}`);
    const table = await current.cli(['status']);
    expect(table.stdout).toMatch(/^worker-2\s+(LOST|UNREACHABLE|GONE)\s+-\s+127\.0\.0\.3\s/m);
  });
});
