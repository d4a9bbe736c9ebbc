/**
 * `local-cluster` must never hang a test run, and its agent control must fail well, through the real
 * binary: every fatal start error exits at once with one line, the fix and its own exit code, leaving
 * no process behind and nothing it did not own touched; `local-cluster agent` against a wrong
 * address, an agent that does not exist, an action that does not apply or a hostile answer gets one
 * line and a distinct exit code.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { FixtureServer, json, text } from '../helpers/http-fixture-server.js';
import { processesUnder } from '../helpers/processes.js';

const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

let dir: string;
let server: FixtureServer | undefined;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'am-lc-hostile-'));
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** The whole of stderr is one `error:` line without control bytes; returns it. */
function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  expect(stderr).not.toMatch(CONTROL);
  return lines[0] ?? '';
}

describe('alluxio-mesos local-cluster: a fatal start error exits at once with one line and the fix', () => {
  it.each([
    ['garbage;;;', /^error: --resources "garbage;;;": Invalid resource 'garbage'.*; Use Mesos' syntax/],
    ['cpus:-4', /^error: --resources "cpus:-4": Invalid value '-4' for resource 'cpus'.*; Use Mesos' syntax/],
  ])('--resources %j: exit 2, checked before anything is made', async (resources, message) => {
    const workDir = path.join(dir, 'work');
    const result = await runCli(['local-cluster', '--agents', '1', '--port', '0', '--work-dir', workDir, '--resources', resources]);
    expect(result.exitCode).toBe(2);
    expect(oneLine(result.stderr)).toMatch(message);
    await expect(stat(workDir)).rejects.toThrow(/ENOENT/);
    expect(await processesUnder(dir)).toEqual([]);
  });

  it('an unreachable --zk: gives up after --timeout with exit 3', async () => {
    // Port 1 refuses connections; the ZooKeeper client keeps retrying until the deadline.
    const result = await runCli([
      'local-cluster',
      '--agents',
      '1',
      '--port',
      '0',
      '--work-dir',
      dir,
      '--zk',
      'zk://127.0.0.1:1/mesos',
      '--timeout',
      '1000',
    ]);
    expect(result.exitCode).toBe(3);
    expect(oneLine(result.stderr)).toBe(
      'error: cannot reach ZooKeeper at 127.0.0.1:1 within 1000 ms; check that ZooKeeper runs and that --zk names it',
    );
    expect(await processesUnder(dir)).toEqual([]);
  });

  it('a --work-dir where no directory can be made (/proc/nope): exit 1', async () => {
    const result = await runCli(['local-cluster', '--agents', '1', '--port', '0', '--work-dir', '/proc/nope']);
    expect(result.exitCode).toBe(1);
    expect(oneLine(result.stderr)).toBe(
      'error: cannot create the work directory /proc/nope: no directory can be created there; give --work-dir a directory you can write to',
    );
  });

  it('a busy --port: exit 1 naming the port; whatever listens there keeps listening', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as AddressInfo).port;
    try {
      const result = await runCli(['local-cluster', '--agents', '1', '--port', String(port), '--work-dir', dir]);
      expect(result.exitCode).toBe(1);
      expect(oneLine(result.stderr)).toBe(
        `error: the master cannot listen on 127.0.0.1:${port}: the port is already in use; stop what listens there, or choose another --port (0 picks a free one)`,
      );
      expect(busy.listening).toBe(true);
      expect(await processesUnder(dir)).toEqual([]);
    } finally {
      busy.close();
    }
  });

  it('--write-demo-dist onto an existing file: exit 1, the file untouched', async () => {
    const file = path.join(dir, 'a-file');
    await writeFile(file, 'mine');
    const result = await runCli(['local-cluster', '--write-demo-dist', file]);
    expect(result.exitCode).toBe(1);
    expect(oneLine(result.stderr)).toBe(
      `error: cannot create the directory ${file}: a file that is not a directory is in the way; give --write-demo-dist a directory (it is created if missing)`,
    );
    expect(await readFile(file, 'utf8')).toBe('mine');
  });

  it.each([
    ['--agent-ping-timeout', '0', 'error: --agent-ping-timeout 0 is out of range; give from 100ms to 1h'],
    ['--agent-ping-timeout', '5x', 'error: --agent-ping-timeout "5x" is not a duration; '],
    ['--max-agent-ping-timeouts', 'lots', 'error: --max-agent-ping-timeouts "lots" must be a whole number from 1 to 100'],
  ])('%s %s: exit 2 before anything starts', async (flag, value, message) => {
    const result = await runCli(['local-cluster', '--agents', '1', '--port', '0', '--work-dir', dir, flag, value]);
    expect(result.exitCode).toBe(2);
    expect(oneLine(result.stderr).startsWith(message)).toBe(true);
    expect(await processesUnder(dir)).toEqual([]);
  });
});

describe('alluxio-mesos local-cluster agent: wrong addresses, agents and answers', () => {
  const LIST = {
    agents: [
      { number: 1, hostname: '127.0.0.2', process: 'running', endpoint: 'http://127.0.0.2:5051', agentId: 'S0', master: 'registered' },
      { number: 2, hostname: '127.0.0.3', process: 'killed', endpoint: null, agentId: 'S1', master: 'unreachable' },
    ],
  };

  /** A stand-in for the local master's control endpoint. */
  async function control(): Promise<FixtureServer> {
    server = await FixtureServer.start();
    server.route('GET', '/local-cluster/agents', json(LIST));
    return server;
  }

  async function agent(master: string, args: readonly string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
    return runCli(['local-cluster', 'agent', ...args, '--master', master]);
  }

  it('against a Mesos master (no control endpoint): exit 1, says it is not a local cluster', async () => {
    const master = await FixtureServer.start();
    server = master;
    master.route('GET', '/local-cluster/agents', { status: 404 });
    const result = await agent(master.hostPort, ['kill', '2']);
    expect(result.exitCode).toBe(1);
    expect(oneLine(result.stderr)).toMatch(
      new RegExp(`^error: http://${master.hostPort} is not an alluxio-mesos local cluster: /local-cluster/agents answered 404`),
    );
    expect(master.requestsTo('POST', '/local-cluster/agents/2/kill')).toEqual([]);
  });

  it('against nothing: exit 3, naming the address', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const result = await agent(`127.0.0.1:${port}`, ['list']);
    expect(result.exitCode).toBe(3);
    expect(oneLine(result.stderr)).toContain(`127.0.0.1:${port}`);
  });

  it('an agent that does not exist: exit 4, naming the agents there are; nothing is killed', async () => {
    const master = await control();
    const result = await agent(master.hostPort, ['kill', '9']);
    expect(result.exitCode).toBe(4);
    expect(oneLine(result.stderr)).toContain('has no agent "9": its agents are 1 to 2 (127.0.0.2 to 127.0.0.3)');
    expect(master.requests.filter((request) => request.method === 'POST')).toEqual([]);
  });

  it('an action that does not apply (killing a killed agent): exit 1 with the fix', async () => {
    const master = await control();
    master.route('POST', '/local-cluster/agents/2/kill', json({ error: 'agent 2 (127.0.0.3) is not running' }, 409));
    const result = await agent(master.hostPort, ['kill', '127.0.0.3']);
    expect(result.exitCode).toBe(1);
    expect(oneLine(result.stderr)).toBe('error: agent 2 (127.0.0.3) is not running; start it: `alluxio-mesos local-cluster agent start 2`');
  });

  it('an unknown action or a missing agent: exit 2 before anything is asked', async () => {
    const master = await control();
    for (const args of [['jump', '1'], ['kill'], ['list', '1']]) {
      const result = await agent(master.hostPort, args);
      expect(result.exitCode).toBe(2);
      oneLine(result.stderr);
    }
    expect(master.requests).toEqual([]);
  });

  it('a hostile or broken answer: the list is shown escaped, garbage is one line (exit 1)', async () => {
    const master = await control();
    master.route(
      'GET',
      '/local-cluster/agents',
      json({ agents: [{ ...LIST.agents[0], hostname: '127.0.0.2\u001b]0;TITLE\u0007\u001b[2J' }] }),
    );
    const listed = await agent(master.hostPort, ['list']);
    expect(listed.exitCode).toBe(0);
    expect(listed.stdout).toContain('127.0.0.2\\x1b]0;TITLE\\x07\\x1b[2J');
    expect(listed.stdout).not.toMatch(CONTROL);

    for (const answer of [text(200, '<html>\n</html>'), json({ agents: 'all of them' }), json({ agents: [{ number: 'one' }] })]) {
      master.route('GET', '/local-cluster/agents', answer);
      const result = await agent(master.hostPort, ['list']);
      expect(result.exitCode).toBe(1);
      oneLine(result.stderr);
    }
  });
});
