/**
 * `logs` run in-process against a fake master whose one agent (same port) serves a sandbox: the
 * `==> task:file <==` headers, tails, NDJSON records and the `--list` table.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runLogs, type LogsFlags } from '../../../../src/commands/logs/run.js';
import { resolveGlobals, type RawGlobalOptions } from '../../../../src/context/context.js';
import { noTermination } from '../../../../src/context/termination.js';
import { agent, cpus, mem, startFakeMesos, type FakeMesos } from '../../../helpers/fake-mesos.js';
import { testIo, type TestIo } from '../../../helpers/test-io.js';

const FRAMEWORK_ID = 'F-0001';
const TASK_ID = 'alluxio-worker-1.bb';
/** Mesos 1.5+ serves every run under this virtual path; a command task's executor id is its task id. */
const SANDBOX = `/frameworks/${FRAMEWORK_ID}/executors/${TASK_ID}/runs/latest`;

let dir: string;
let mesos: FakeMesos;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'am-cmd-logs-'));
  mesos = await startFakeMesos((port) => ({
    // The agent is the fake itself: the master hands out its address from agent_info.
    agents: [agent('127.0.0.1', port, [cpus(4), mem(8192)], 'S-1')],
    tasks: [
      {
        task_id: { value: TASK_ID },
        framework_id: { value: FRAMEWORK_ID },
        agent_id: { value: 'S-1' },
        name: 'AlluxioWorker',
        state: 'TASK_RUNNING',
        statuses: [{ state: 'TASK_RUNNING', timestamp: 1_795_552_500 }],
      },
    ],
    files: {
      [`${SANDBOX}/stdout`]: 'Starting Alluxio worker\nworker started\n',
      [`${SANDBOX}/stderr`]: 'I1124 fetcher.cpp:1] fetched\n',
      [`${SANDBOX}/logs/worker.log`]: 'line 1\nline 2\nline 3\n',
    },
  }));
});
afterEach(async () => {
  await mesos.close();
  await rm(dir, { recursive: true, force: true });
});

async function run(task: string, flags: LogsFlags = {}, raw: RawGlobalOptions = {}): Promise<{ code: number; io: TestIo }> {
  const io = testIo({ cwd: dir });
  const globals = resolveGlobals({ confDir: 'conf', master: mesos.hostPort, ...raw }, io);
  const code = await runLogs({ io, globals, termination: noTermination() }, task, { frameworkId: FRAMEWORK_ID, ...flags });
  return { code, io };
}

describe('logs (in-process)', () => {
  it('prints stdout, stderr and every file under logs/, each under a ==> task:file <== header', async () => {
    const { code, io } = await run('worker-1');
    expect(code).toBe(0);
    expect(io.stdoutText()).toBe(
      [
        '==> worker-1:stdout <==',
        'Starting Alluxio worker',
        'worker started',
        '',
        '==> worker-1:stderr <==',
        'I1124 fetcher.cpp:1] fetched',
        '',
        '==> worker-1:logs/worker.log <==',
        'line 1',
        'line 2',
        'line 3',
        '',
      ].join('\n'),
    );
    expect(io.stderrText()).toBe('');
  });

  it('prints one file without a header, and only its last --lines', async () => {
    const { code, io } = await run('worker-1', { file: ['logs/worker.log'], lines: '2' });
    expect(code).toBe(0);
    expect(io.stdoutText()).toBe('line 2\nline 3\n');
  });

  it('keeps the headers when several files are asked for by name', async () => {
    const { io } = await run(TASK_ID, { stdout: true, stderr: true, lines: '1' });
    expect(io.stdoutText()).toBe('==> worker-1:stdout <==\nworker started\n\n==> worker-1:stderr <==\nI1124 fetcher.cpp:1] fetched\n');
  });

  it('--json prints one record per line with the task, the file and the line offset', async () => {
    const { code, io } = await run('worker-1', { file: ['logs/worker.log'] }, { json: true });
    expect(code).toBe(0);
    expect(
      io
        .stdoutText()
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as unknown),
    ).toEqual([
      { task: 'worker-1', file: 'logs/worker.log', offset: 0, line: 'line 1' },
      { task: 'worker-1', file: 'logs/worker.log', offset: 7, line: 'line 2' },
      { task: 'worker-1', file: 'logs/worker.log', offset: 14, line: 'line 3' },
    ]);
  });

  it('--list prints the sandbox, recursively, under a header with its path', async () => {
    const { code, io } = await run('worker-1', { list: true });
    expect(code).toBe(0);
    expect(io.stdoutText()).toBe(
      [
        `==> worker-1 (${SANDBOX}) <==`,
        'drwxr-xr-x  4.0 KiB  2026-11-24 19:23:38Z  logs/',
        '-rw-r--r--     21 B  2026-11-24 19:23:38Z  logs/worker.log',
        '-rw-r--r--     29 B  2026-11-24 19:23:38Z  stderr',
        '-rw-r--r--     39 B  2026-11-24 19:23:38Z  stdout',
        '',
      ].join('\n'),
    );
  });

  it('--bundle onto a directory or into a missing one: a usage error with the fix, before the master is asked', async () => {
    const missing = path.join(dir, 'no-such-dir', 'logs.tar.gz');
    await expect(run('worker-1', { bundle: missing })).rejects.toMatchObject({
      exitCode: 2,
      message: `cannot write ${missing}: ${path.join(dir, 'no-such-dir')} is not a directory`,
      hint: 'create it first, or give --bundle a path in an existing directory',
    });
    await expect(run('worker-1', { bundle: dir })).rejects.toMatchObject({
      exitCode: 2,
      message: `cannot write ${dir}: it is a directory`,
      hint: `give --bundle a file name, e.g. ${path.join(dir, 'alluxio-logs.tar.gz')}`,
    });
    expect(mesos.calls()).toEqual([]);
  });

  it('--bundle onto an existing file: refused without --force before the master is asked, the file untouched', async () => {
    const site = path.join(dir, 'alluxio-site.properties');
    await writeFile(site, 'alluxio.master.hostname=m1\n');
    await expect(run('worker-1', { bundle: site })).rejects.toMatchObject({
      exitCode: 2,
      message: `${site} already exists: not replacing it`,
      hint: 'pass --force to replace it, or give another file name',
    });
    expect(await readFile(site, 'utf8')).toBe('alluxio.master.hostname=m1\n');
    expect(mesos.calls()).toEqual([]);
    await expect(run('worker-1', { force: true })).rejects.toMatchObject({ exitCode: 2, message: '--force works with --bundle' });

    const { code } = await run('worker-1', { bundle: site, force: true });
    expect(code).toBe(0);
    expect((await readFile(site)).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('--until-exit without --follow is a usage error, not silently ignored', async () => {
    await expect(run('worker-1', { untilExit: true })).rejects.toMatchObject({ exitCode: 2, message: '--until-exit works with --follow' });
    expect(mesos.calls()).toEqual([]);
  });
});
