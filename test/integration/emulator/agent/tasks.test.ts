/**
 * Task processes on a LocalAgent: kill (SIGTERM, SIGKILL after the grace period, children included),
 * health checks, and the fetcher.
 */
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalAgent } from '../../../../src/emulator/agent/local-agent.js';
import type { HealthCheck } from '../../../../src/mesos/protocol/types.js';
import { tcpProbeCommand } from '../../../../src/framework/scheduler/health-check.js';
import { FakeMaster, commandTask, waitFor } from './fake-master.js';

const HOST = '127.0.0.4';
let workDir: string;
let master: FakeMaster;
let agent: LocalAgent;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'local-agent-tasks-'));
  master = new FakeMaster();
  master.autoAck = true;
  await master.start();
  agent = new LocalAgent({
    hostname: HOST,
    port: 0,
    workDir,
    resources: 'cpus:8;mem:8192;ports:[19998-19999,29998-30000,31000-32000]',
    masterLocator: () => Promise.resolve(master.url),
    registrationBackoffMs: 20,
    statusRetryIntervalMs: 200,
  });
  await agent.start();
  await waitFor(() => agent.id, 5_000, 'registration');
});

afterAll(async () => {
  await agent?.stop();
  await master?.stop();
  await rm(workDir, { recursive: true, force: true });
});

/** Running (a zombie waiting for its reaper counts as dead). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function launch(id: string, command: string, extra: Parameters<typeof commandTask>[2] = {}): Promise<string> {
  const answer = await master.launch(commandTask(id, command, extra));
  expect(answer.status).toBe(200);
  return (answer.body as { directory: string }).directory;
}

async function readPid(path: string): Promise<number> {
  for (let attempt = 0; attempt < 250; attempt++) {
    const text = await readFile(path, 'utf8').catch(() => '');
    if (text.trim() !== '') return Number(text.trim());
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no pid in ${path}`);
}

async function freePort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('kill', () => {
  it('gives the task the environment a Mesos 1.12 command task gets: LIBPROCESS_IP is the agent address', async () => {
    const sandbox = await launch('env-1', 'env > env.txt', {
      command: { shell: true, value: 'env > env.txt', environment: { variables: [{ name: 'MESOS_ALLOCATION_ROLE', value: 'mine' }] } },
    });
    await master.waitForUpdate('env-1', 'TASK_FINISHED');
    const lines = (await readFile(join(sandbox, 'env.txt'), 'utf8')).split('\n');
    const env = Object.fromEntries(
      lines.filter((line) => line.includes('=')).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    expect(env).toMatchObject({
      LIBPROCESS_IP: HOST,
      LIBPROCESS_PORT: '0',
      MESOS_AGENT_ENDPOINT: `${HOST}:${agent.port}`,
      MESOS_SLAVE_PID: `slave(1)@${HOST}:${agent.port}`,
      MESOS_SLAVE_ID: agent.id,
      MESOS_FRAMEWORK_ID: 'fw-0000',
      MESOS_EXECUTOR_ID: 'env-1',
      MESOS_DIRECTORY: sandbox,
      MESOS_SANDBOX: sandbox,
      MESOS_CHECKPOINT: '1',
      MESOS_HTTP_COMMAND_EXECUTOR: '0',
      MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD: '5secs',
      MESOS_RECOVERY_TIMEOUT: '15mins',
      MESOS_SUBSCRIPTION_BACKOFF_MAX: '2secs',
      // The task's own variables win over the executor's.
      MESOS_ALLOCATION_ROLE: 'mine',
    });
  });

  it('SIGTERMs the process group: the task and its children die, TASK_KILLED', async () => {
    const sandbox = await launch('kill-term', 'sleep 30 & echo $! > child.pid; wait');
    await master.waitForUpdate('kill-term', 'TASK_RUNNING');
    const child = await readPid(join(sandbox, 'child.pid'));
    expect(alive(child)).toBe(true);
    expect((await master.kill('kill-term', 5_000)).status).toBe(200);
    const killed = await master.waitForUpdate('kill-term', 'TASK_KILLED');
    // SIGTERM ended it, not the SIGKILL that would follow the 5 s grace period.
    expect(killed).toMatchObject({ message: 'Command terminated with signal Terminated', source: 'SOURCE_EXECUTOR' });
    await waitFor(() => !alive(child), 2_000, 'child to die');
  });

  it('SIGKILLs a task that ignores SIGTERM once the grace period is over', async () => {
    const sandbox = await launch('kill-hard', "trap '' TERM; sleep 30 & echo $! > child.pid; wait; wait");
    await master.waitForUpdate('kill-hard', 'TASK_RUNNING');
    const child = await readPid(join(sandbox, 'child.pid'));
    const started = Date.now();
    await master.kill('kill-hard', 300);
    const killed = await master.waitForUpdate('kill-hard', 'TASK_KILLED');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(killed.message).toBe('Command terminated with signal Killed');
    expect(alive(child)).toBe(false);
    const stderr = await readFile(join(sandbox, 'stderr'), 'utf8');
    expect(stderr).toMatch(/Received kill for task kill-hard with grace period of 300ms/);
    expect(stderr).toMatch(/did not terminate after 300ms, sending SIGKILL to process tree at \d+/);
  });

  it('sends TASK_KILLING first to frameworks that asked for it', async () => {
    await master.launch(commandTask('kill-state', 'sleep 30'), 'fw-0000', {
      user: 'root',
      name: 'killing-aware',
      capabilities: [{ type: 'TASK_KILLING_STATE' }],
    });
    await master.waitForUpdate('kill-state', 'TASK_RUNNING');
    await master.kill('kill-state', 1_000);
    await master.waitForUpdate('kill-state', 'TASK_KILLED');
    const states = [...new Set(master.statusesOf('kill-state').map((s) => s.state))];
    expect(states).toEqual(['TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING', 'TASK_KILLED']);
  });
});

describe('health checks', () => {
  const quick = (check: HealthCheck): HealthCheck => ({
    delay_seconds: 0,
    interval_seconds: 0.05,
    timeout_seconds: 1,
    grace_period_seconds: 10,
    consecutive_failures: 3,
    ...check,
  });

  const listener = (port: number, host: string): string =>
    `exec ${JSON.stringify(process.execPath)} -e ${JSON.stringify(`require('net').createServer().listen(${port}, '${host}')`)}`;

  it('a TCP check connects to 127.0.0.1, as Mesos does: healthy when the task listens there', async () => {
    const port = await freePort();
    await launch('tcp-ok', listener(port, '127.0.0.1'), { health_check: quick({ type: 'TCP', tcp: { port } }) });
    const healthy = await master.waitForUpdate('tcp-ok', 'TASK_RUNNING', 10_000, (s) => s.healthy === true);
    expect(healthy.reason).toBe('REASON_TASK_HEALTH_CHECK_STATUS_UPDATED');
    // Failures during the grace period (node still starting) were not reported.
    expect(master.statusesOf('tcp-ok').some((s) => s.healthy === false)).toBe(false);
    await master.kill('tcp-ok', 500);
    await master.waitForUpdate('tcp-ok', 'TASK_KILLED');
  });

  it("a TCP check never reaches a task that listens on the agent's address only (real Mesos does not either)", async () => {
    const port = await freePort();
    await launch('tcp-agent-only', listener(port, HOST), {
      health_check: quick({ type: 'TCP', tcp: { port }, grace_period_seconds: 0, consecutive_failures: 2 }),
    });
    const unhealthy = await master.waitForUpdate('tcp-agent-only', 'TASK_RUNNING', 5_000, (s) => s.healthy === false);
    expect(unhealthy.reason).toBe('REASON_TASK_HEALTH_CHECK_STATUS_UPDATED');
    await master.waitForUpdate('tcp-agent-only', 'TASK_KILLED');
  });

  it("the product's COMMAND probe reaches a task that listens on the agent's address", async () => {
    const port = await freePort();
    await launch('probe-ok', listener(port, HOST), {
      health_check: quick({ type: 'COMMAND', command: tcpProbeCommand(HOST, port) }),
    });
    await master.waitForUpdate('probe-ok', 'TASK_RUNNING', 10_000, (s) => s.healthy === true);
    await master.kill('probe-ok', 500);
    await master.waitForUpdate('probe-ok', 'TASK_KILLED');
  });

  it('a failing check reports unhealthy and kills the task after consecutive_failures', async () => {
    const port = await freePort();
    await launch('tcp-bad', 'sleep 30', {
      health_check: quick({ type: 'TCP', tcp: { port }, grace_period_seconds: 0, consecutive_failures: 2 }),
    });
    const unhealthy = await master.waitForUpdate('tcp-bad', 'TASK_RUNNING', 5_000, (s) => s.healthy === false);
    expect(unhealthy.reason).toBe('REASON_TASK_HEALTH_CHECK_STATUS_UPDATED');
    const killed = await master.waitForUpdate('tcp-bad', 'TASK_KILLED');
    expect(killed.healthy).toBe(false);
  });

  it('HTTP and COMMAND checks pass on 2xx and exit status 0', async () => {
    const http: Server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    try {
      const port = (http.address() as AddressInfo).port;
      await launch('http-ok', 'sleep 30', { health_check: quick({ type: 'HTTP', http: { port, path: '/health' } }) });
      await launch('cmd-ok', 'sleep 0.2; touch ready; sleep 30', {
        health_check: quick({ type: 'COMMAND', command: { shell: true, value: 'test -f ready' } }),
      });
      await master.waitForUpdate('http-ok', 'TASK_RUNNING', 5_000, (s) => s.healthy === true);
      await master.waitForUpdate('cmd-ok', 'TASK_RUNNING', 5_000, (s) => s.healthy === true);
    } finally {
      await master.kill('http-ok', 500);
      await master.kill('cmd-ok', 500);
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
    await master.waitForUpdate('http-ok', 'TASK_KILLED');
    await master.waitForUpdate('cmd-ok', 'TASK_KILLED');
  });
});

describe('fetcher', () => {
  let assets: string;
  let files: Server;
  let filesPort: number;

  beforeAll(async () => {
    assets = await mkdtemp(join(tmpdir(), 'local-agent-assets-'));
    await mkdir(join(assets, 'pkg', 'bin'), { recursive: true });
    await writeFile(join(assets, 'pkg', 'bin', 'hello.sh'), '#!/bin/sh\necho from-tarball\n', { mode: 0o755 });
    await tar.c({ gzip: true, file: join(assets, 'pkg.tgz'), cwd: join(assets, 'pkg') }, ['bin']);
    await writeFile(join(assets, 'run.sh'), '#!/bin/sh\necho from-script\n', { mode: 0o644 });
    files = createServer((req, res) => {
      if (req.url === '/conf/site.properties') res.end('alluxio.master.hostname=127.0.0.4\n');
      else if (req.url === '/stalled.tgz')
        return; // never answers
      else {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
    filesPort = (files.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => {
      files.close(() => resolve());
      files.closeAllConnections();
    });
    await rm(assets, { recursive: true, force: true });
  });

  it('copies file:// and loopback http URIs, extracts tarballs, honours executable and output_file', async () => {
    const sandbox = await launch('fetch-ok', './bin/hello.sh && ./run.sh && cat conf.properties', {
      command: {
        shell: true,
        value: './bin/hello.sh && ./run.sh && cat conf.properties',
        uris: [
          { value: `file://${join(assets, 'pkg.tgz')}` },
          { value: join(assets, 'run.sh'), executable: true },
          { value: `http://127.0.0.1:${filesPort}/conf/site.properties`, output_file: 'conf.properties' },
        ],
      },
    });
    const finished = await master.waitForUpdate('fetch-ok', 'TASK_FINISHED');
    expect(finished.message).toBe('Command exited with status 0');
    expect(await readFile(join(sandbox, 'stdout'), 'utf8')).toBe('from-tarball\nfrom-script\nalluxio.master.hostname=127.0.0.4\n');
    const stderr = await readFile(join(sandbox, 'stderr'), 'utf8');
    expect(stderr).toMatch(/Fetching URI 'file:\/\/.*pkg\.tgz'/);
    expect(stderr).toMatch(/Extracting with command: tar/);
  });

  it.each([
    ['fetch-remote', 'http://example.com/alluxio.tar.gz', /only fetches from loopback addresses/],
    ['fetch-scheme', 'hdfs://namenode:8020/alluxio.tar.gz', /Unsupported URI scheme 'hdfs'/],
    ['fetch-missing', '/nonexistent/alluxio.tar.gz', /ENOENT/],
    ['fetch-404', 'http://127.0.0.1:{port}/missing.tgz', /HTTP 404/],
  ])('fails the task without running it when a URI cannot be fetched (%s)', async (id, uri, pattern) => {
    const sandbox = await launch(id, 'touch ran', {
      command: { shell: true, value: 'touch ran', uris: [{ value: uri.replace('{port}', String(filesPort)) }] },
    });
    const failed = await master.waitForUpdate(id, 'TASK_FAILED');
    expect(failed).toMatchObject({ source: 'SOURCE_AGENT', reason: 'REASON_CONTAINER_LAUNCH_FAILED' });
    expect(failed.message).toMatch(/^Failed to launch container: Failed to fetch all URIs for container '[0-9a-f-]{36}': /);
    expect(failed.message).toMatch(pattern);
    expect(new Set(master.statusesOf(id).map((s) => s.state))).toEqual(new Set(['TASK_FAILED']));
    await expect(readFile(join(sandbox, 'ran'))).rejects.toThrow();
  });

  it('a kill during the fetch aborts it and reports TASK_KILLED without running the command', async () => {
    const sandbox = await launch('fetch-killed', 'touch ran', {
      command: { shell: true, value: 'touch ran', uris: [{ value: `http://127.0.0.1:${filesPort}/stalled.tgz` }] },
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await master.kill('fetch-killed', 1_000);
    const killed = await master.waitForUpdate('fetch-killed', 'TASK_KILLED', 2_000);
    expect(killed).toMatchObject({ source: 'SOURCE_AGENT', reason: 'REASON_TASK_KILLED_DURING_LAUNCH' });
    await expect(readFile(join(sandbox, 'ran'))).rejects.toThrow();
  });
});
