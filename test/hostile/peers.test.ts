/**
 * Broken and hostile peers, through the real binary (dist/): a master streaming an endless answer or
 * a 600 MB one, a master claiming a Mesos too old to use, an agent registered under a hostname made
 * of terminal escape sequences, error pages holding control characters. Each case: one error line
 * (or, for a check, its verdict), the exit code scripts rely on, no control byte on the terminal,
 * nothing written, and no more read than the cap of the endpoint.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeDemoDistribution } from '../../src/emulator/standin-alluxio/generate.js';
import { STATE_ANSWER_BYTES, VERSION_ANSWER_BYTES } from '../../src/mesos/client/answer-limits.js';
import { runCli } from '../helpers/cli.js';
import { agent, cpus, mem, ports, startFakeMesos, type FakeMesos } from '../helpers/fake-mesos.js';
import { FixtureServer, json, text } from '../helpers/http-fixture-server.js';

/** Sets the window title (OSC 0, ended by BEL) and clears the screen (CSI 2J). */
const HOSTILE_HOST = '127.0.0.2\u001b]0;TITLE\u0007\u001b[2J';
const SHOWN_HOST = '127.0.0.2\\x1b]0;TITLE\\x07\\x1b[2J';
const ESC = '\u001b';
/** Any control byte but the line feed: none may reach the terminal. */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
const FRAMEWORK_ID = 'F-hostile';
const TASK_ID = 'alluxio-worker-1.x';
const SANDBOX = `/frameworks/${FRAMEWORK_ID}/executors/${TASK_ID}/runs/latest`;
/** What the sockets may hold beyond what the CLI read before it hung up (kernel and Node buffers). */
const SOCKET_SLACK = 16 * 1024 * 1024;

let dir: string;
let mesos: FakeMesos | undefined;
let server: FixtureServer | undefined;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'am-peers-'));
});
afterEach(async () => {
  await mesos?.close();
  await server?.close();
  mesos = undefined;
  server = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function cli(args: readonly string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return runCli(['--conf-dir', path.join(dir, 'conf'), ...args], { cwd: dir });
}

/** The whole of stderr is one `error:` line, with no control byte; returns it. */
function oneErrorLine(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  expect(stderr).not.toMatch(CONTROL);
  return lines[0] ?? '';
}

/** Nothing was written: no conf dir appeared, nothing in the work dir but what the test made. */
async function nothingWritten(): Promise<void> {
  expect(await readdir(dir)).toEqual([]);
}

async function fixture(): Promise<FixtureServer> {
  server = await FixtureServer.start();
  return server;
}

const v1Version = (version: string) => json({ type: 'GET_VERSION', get_version: { version_info: { version } } });

describe('a master that never stops answering', () => {
  it('an endless /version: exit 1 at 1 MiB with one line naming the endpoint and the cap; no more was read', async () => {
    const master = await fixture();
    master.route('POST', '/api/v1', { status: 404 });
    master.route('GET', '/version', { endless: Buffer.alloc(64 * 1024, '{') });
    const result = await cli(['--master', master.hostPort, 'check-ports']);
    expect(result.exitCode).toBe(1);
    expect(oneErrorLine(result.stderr)).toMatch(
      new RegExp(`^error: the answer of http://${master.hostPort}/version is larger than 1\\.0 MiB, the most read from it; `),
    );
    // The client hung up at its cap: memory stayed bounded.
    expect(master.streamedBytes).toBeGreaterThan(VERSION_ANSWER_BYTES);
    expect(master.streamedBytes).toBeLessThan(VERSION_ANSWER_BYTES + SOCKET_SLACK);
    await nothingWritten();
  });

  it('a 600 MB GET_AGENTS answer: exit 1 at 64 MiB with one line; no more was read', async () => {
    const master = await fixture();
    const agentRecord = Buffer.from(`${JSON.stringify(agent('a1', 5051, [cpus(4), mem(8192), ports([[31000, 32000]])]))},`);
    master.route('POST', '/api/v1', (request) =>
      request.body.includes('GET_VERSION')
        ? v1Version('1.12.0')
        : {
            endless: agentRecord,
            prefix: Buffer.from('{"type":"GET_AGENTS","get_agents":{"agents":['),
            headers: { 'Content-Type': 'application/json', 'Content-Length': String(600 * 1024 * 1024) },
          },
    );
    const result = await cli(['--master', master.hostPort, 'check-ports']);
    expect(result.exitCode).toBe(1);
    expect(oneErrorLine(result.stderr)).toMatch(
      new RegExp(`^error: the answer of http://${master.hostPort}/api/v1 is larger than 64 MiB, the most read from it; `),
    );
    expect(master.streamedBytes).toBeLessThan(STATE_ANSWER_BYTES + SOCKET_SLACK);
    await nothingWritten();
  });
});

describe('a master claiming Mesos 0.22.0', () => {
  /** A 0.22 master: no operator API, no /version; its version is in /master/state.json. */
  async function mesos022(): Promise<FixtureServer> {
    const master = await fixture();
    master.route('POST', '/api/v1', text(404, ''));
    master.route('GET', '/version', text(404, ''));
    master.route('GET', '/master/state.json', json({ version: '0.22.0', slaves: [], frameworks: [] }));
    return master;
  }

  it('check-ports gives the version verdict (exit 1), not a 404 from an endpoint 0.22 lacks', async () => {
    const master = await mesos022();
    const result = await cli(['--master', master.hostPort, 'check-ports']);
    expect(result.exitCode).toBe(1);
    const output = result.stdout + result.stderr;
    expect(output).toMatch(/0\.22\.0/);
    expect(output).toMatch(/0\.23\.0/);
    expect(output).not.toMatch(/404|older than 0\.23\?/);
    expect(master.requestsTo('GET', '/master/slaves.json')).toEqual([]);
    await nothingWritten();
  });

  it('deploy gives the version verdict before SUBSCRIBE (exit 1), not "SUBSCRIBE (404)"; nothing recorded', async () => {
    const master = await mesos022();
    const dist = await writeDemoDistribution(path.join(dir, 'dist'));
    const conf = path.join(dir, 'conf');
    await mkdir(conf);
    await writeFile(
      path.join(conf, 'alluxio-site.properties'),
      `alluxio.integration.mesos.alluxio.jar.url=LOCAL\nalluxio.home=${dist.home}\n`,
    );
    const result = await cli(['--master', master.hostPort, 'deploy']);
    expect(result.exitCode).toBe(1);
    expect(oneErrorLine(result.stderr)).toBe(
      `error: the Mesos master at http://${master.hostPort} runs Mesos 0.22.0; deploy needs Mesos 0.23.0 or later; upgrade the Mesos masters`,
    );
    expect(master.requestsTo('POST', '/api/v1/scheduler')).toEqual([]);
    expect(master.requestsTo('POST', '/master/mesos.internal.RegisterFrameworkMessage')).toEqual([]);
    expect(await readdir(conf)).toEqual(['alluxio-site.properties']);
  });

  it.each([
    ['status', ['status', '--framework-id', FRAMEWORK_ID]],
    ['logs', ['logs', 'worker-1', '--framework-id', FRAMEWORK_ID, '--list']],
    ['teardown', ['teardown', '--framework-id', FRAMEWORK_ID, '--yes']],
  ])('%s reads the state of 0.22 (its .json endpoints): the framework is not there, one line, exit 4', async (_command, args) => {
    const master = await mesos022();
    const result = await cli(['--master', master.hostPort, ...args]);
    expect(result.exitCode).toBe(4);
    expect(oneErrorLine(result.stderr)).not.toMatch(/404|older than/);
    await nothingWritten();
  });
});

describe('an agent registered with escape sequences in its hostname', () => {
  async function hostileCluster(): Promise<FakeMesos> {
    mesos = await startFakeMesos((port) => ({
      agents: [
        // Its pid names where its files API really is (this fake), as a Mesos agent's pid does.
        { ...agent(HOSTILE_HOST, port, [cpus(4), mem(8192), ports([[31000, 32000]])], 'S-evil'), pid: `slave(1)@127.0.0.1:${port}` },
        agent('a2', 5051, [cpus(4), mem(8192), ports([[19998, 30000]])]),
      ],
      frameworks: [
        {
          framework_info: { id: { value: FRAMEWORK_ID }, name: `alluxio${ESC}]0;PWNED\u0007`, user: 'root', failover_timeout: 60 },
          active: true,
          connected: true,
        },
      ],
      tasks: [
        {
          task_id: { value: TASK_ID },
          framework_id: { value: FRAMEWORK_ID },
          agent_id: { value: 'S-evil' },
          name: `AlluxioWorker${ESC}[2J`,
          state: 'TASK_RUNNING',
          statuses: [{ state: 'TASK_RUNNING', timestamp: 1_795_552_500 }],
          resources: [ports([[29998, 30000]])],
        },
      ],
      files: {
        [`${SANDBOX}/stdout`]: 'started\n',
        [`${SANDBOX}/logs/${HOSTILE_HOST}.log`]: 'a line\n',
      },
    }));
    return mesos;
  }

  it('check-ports shows it as visible escapes in the table: no control byte on stdout or stderr', async () => {
    const master = await hostileCluster();
    const result = await cli(['--master', master.hostPort, '--no-color', 'check-ports']);
    expect([0, 1]).toContain(result.exitCode);
    expect(result.stdout).toMatch(new RegExp(`^${SHOWN_HOST.replace(/[\\[\]]/g, '\\$&')} +1\\.12\\.0 +no +no`, 'm'));
    expect(result.stdout).not.toMatch(CONTROL);
    expect(result.stderr).not.toMatch(CONTROL);
  });

  it('status shows the hostname and the framework name as visible escapes', async () => {
    const master = await hostileCluster();
    const result = await cli(['--master', master.hostPort, 'status', '--framework-id', FRAMEWORK_ID]);
    expect(result.stdout).toContain(SHOWN_HOST);
    expect(result.stdout).toContain('alluxio\\x1b]0;PWNED\\x07');
    expect(result.stdout).not.toMatch(CONTROL);
    expect(result.stderr).not.toMatch(CONTROL);
  });

  it('logs --list shows the sandbox file named like it as visible escapes', async () => {
    const master = await hostileCluster();
    const result = await cli(['--master', master.hostPort, 'logs', 'worker-1', '--framework-id', FRAMEWORK_ID, '--list']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`logs/${SHOWN_HOST}.log`);
    expect(result.stdout).not.toMatch(CONTROL);
    expect(result.stderr).not.toMatch(CONTROL);
  });

  it('--json carries the hostname intact, escaped by JSON', async () => {
    const master = await hostileCluster();
    const result = await cli(['--master', master.hostPort, '--json', 'check-ports']);
    expect(result.stdout).not.toContain(ESC);
    const report = JSON.parse(result.stdout) as { agents: Array<{ hostname: string }> };
    expect(report.agents.map((verdict) => verdict.hostname)).toContain(HOSTILE_HOST);
  });
});

describe('error answers holding control characters', () => {
  const hostileBody = `Failed: ${HOSTILE_HOST}\r\nsecond line\n${'x'.repeat(70_000)}`;

  it('check-ports: the master refuses GET_AGENTS with a hostile page: one escaped line, exit 1', async () => {
    const master = await fixture();
    master.route('POST', '/api/v1', (request) => (request.body.includes('GET_VERSION') ? v1Version('1.12.0') : text(500, hostileBody)));
    const result = await cli(['--master', master.hostPort, 'check-ports']);
    expect(result.exitCode).toBe(1);
    const line = oneErrorLine(result.stderr);
    expect(line).toContain(`answered 500 Internal Server Error: Failed: ${SHOWN_HOST}`);
    expect(line).not.toContain('second line');
    expect(line.length).toBeLessThan(600);
  });

  it('status: the master refuses GET_FRAMEWORKS with a hostile page: one escaped line, exit 1', async () => {
    const master = await fixture();
    master.route('POST', '/api/v1', (request) => (request.body.includes('GET_VERSION') ? v1Version('1.12.0') : text(503, hostileBody)));
    const result = await cli(['--master', master.hostPort, '--timeout', '1500', 'status', '--framework-id', FRAMEWORK_ID]);
    // 503 is "no leader elected": retried until --timeout, then exit 3.
    expect(result.exitCode).toBe(3);
    expect(oneErrorLine(result.stderr)).toContain(SHOWN_HOST);
  });

  it('logs: the agent refuses /files/browse with a hostile page: one escaped line, exit 1', async () => {
    const master = await fixture();
    master.route('POST', '/api/v1', (request) => {
      const { type } = JSON.parse(request.body.toString('utf8')) as { type: string };
      if (type === 'GET_VERSION') return v1Version('1.12.0');
      if (type === 'GET_AGENTS') return json({ type, get_agents: { agents: [{ ...agent('127.0.0.1', master.port, [cpus(1)], 'S-1') }] } });
      if (type === 'GET_FRAMEWORKS') return json({ type, get_frameworks: { frameworks: [] } });
      return json({
        type,
        get_tasks: {
          tasks: [
            {
              task_id: { value: TASK_ID },
              framework_id: { value: FRAMEWORK_ID },
              agent_id: { value: 'S-1' },
              name: 'w',
              state: 'TASK_RUNNING',
            },
          ],
        },
      });
    });
    master.route('GET', '/files/browse', text(500, hostileBody));
    const result = await cli(['--master', master.hostPort, 'logs', 'worker-1', '--framework-id', FRAMEWORK_ID, '--list']);
    expect(result.exitCode).toBe(1);
    const line = oneErrorLine(result.stderr);
    expect(line).toContain(`Failed: ${SHOWN_HOST}`);
    expect(line.length).toBeLessThan(600);
  });
});
