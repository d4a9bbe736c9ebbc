/**
 * The stand-in processes on their own, started through `libexec/standin-java` with JVM-style
 * command lines (as Alluxio's scripts would), on random free loopback ports.
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoDistribution, type DemoDistribution } from '../../../../src/emulator/standin-alluxio/generate.js';
import { agentEnv, freePorts, getJson, killAll, start, tempDir, waitFor, type MasterInfo, type RunningProcess } from './harness.js';

const HOST = '127.0.0.1';

let dir: Awaited<ReturnType<typeof tempDir>>;
let dist: DemoDistribution;
let caseDir: string;
let caseCount = 0;

beforeAll(async () => {
  dir = await tempDir('demo-dist-standin-');
  dist = await writeDemoDistribution(dir.path);
});
afterEach(async () => {
  await killAll();
});
afterAll(async () => {
  await dir.remove();
});

/** A fresh conf/logs/journal layout for one test, like a sandbox. */
async function newCase(site: string): Promise<{ conf: string; logs: string; journal: string }> {
  caseCount += 1;
  caseDir = join(dir.path, `case-${caseCount}`);
  const conf = join(caseDir, 'conf');
  await mkdir(conf, { recursive: true });
  await writeFile(join(conf, 'alluxio-site.properties'), site);
  return { conf, logs: join(caseDir, 'logs'), journal: join(caseDir, 'journal') };
}

function java(args: string[], env: Record<string, string> = {}): RunningProcess {
  return start(join(dist.home, 'libexec/standin-java'), args, { cwd: caseDir, env: agentEnv(env) });
}

function commonOpts(c: { conf: string; logs: string; journal: string }, logger: string): string[] {
  return [
    '-cp',
    `${c.conf}/:`,
    `-Dalluxio.home=${dist.home}`,
    `-Dalluxio.conf.dir=${c.conf}`,
    `-Dalluxio.logs.dir=${c.logs}`,
    `-Dalluxio.master.journal.folder=${c.journal}`,
    `-Dalluxio.logger.type=${logger}`,
    '-Xmx1g',
    '-XX:+UseG1GC',
  ];
}

async function format(c: { conf: string; logs: string; journal: string }): Promise<void> {
  const p = java([...commonOpts(c, 'Console'), 'alluxio.cli.Format', 'master']);
  expect((await p.exited).code).toBe(0);
  expect(p.stdout()).toContain('Formatting complete');
}

describe('stand-in master', () => {
  it('refuses to start on a journal that was never formatted', async () => {
    const c = await newCase('');
    const p = java([...commonOpts(c, 'MASTER_LOGGER'), 'alluxio.master.AlluxioMaster']);
    expect((await p.exited).code).toBe(1);
    expect(p.stderr()).toContain(`Journal ${c.journal} has not been formatted`);
    expect(await readFile(join(c.logs, 'master.log'), 'utf8')).toContain('has not been formatted');
  });

  it('binds the ports from site properties overridden by -D, serves its info, logs, and exits 0 on SIGTERM', async () => {
    const [rpc, web, webOverride] = await freePorts(HOST, 3);
    const c = await newCase(`alluxio.master.hostname=${HOST}\nalluxio.master.port=${rpc}\nalluxio.master.web.port=${web}\n`);
    await format(c);
    const breadcrumbs = readdirSync(join(c.journal, 'FileSystemMaster')).filter((f) => f.startsWith('_format_'));
    expect(breadcrumbs).toHaveLength(1);

    const launchedAt = Date.now();
    const p = java([...commonOpts(c, 'MASTER_LOGGER'), `-Dalluxio.master.web.port=${webOverride}`, 'alluxio.master.AlluxioMaster'], {
      JAVA_HOME: '/nonexistent/jdk',
    });
    const info = await waitFor('master info', () => getJson<MasterInfo>(`http://${HOST}:${webOverride}/api/v1/master/info`), {
      process: p,
    });
    expect(info).toMatchObject({ standIn: true, version: dist.version, hostname: HOST, rpcPort: rpc, webPort: webOverride, workers: [] });
    // The start time is this process's own: taken after our launch and before its answer.
    expect(info.startTimeMs).toBeGreaterThanOrEqual(launchedAt);
    const answeredAt = Date.now();
    expect(info.startTimeMs).toBeLessThanOrEqual(answeredAt);
    const page = await fetch(`http://${HOST}:${webOverride}/`);
    expect(await page.text()).toContain('STAND-IN');
    expect(await getJson(`http://${HOST}:${web}/api/v1/master/info`)).toBeUndefined();

    p.child.kill('SIGTERM');
    expect(await p.exited).toEqual({ code: 0, signal: null });
    const log = await readFile(join(c.logs, 'master.log'), 'utf8');
    expect(log).toContain('JAVA_HOME=/nonexistent/jdk');
    expect(log).toMatch(/INFO {2}AlluxioMaster - Stopping Alluxio master \(received SIGTERM\)/);
  });

  it('exits 1 with a clear message when its port is taken', async () => {
    const [rpc, web] = await freePorts(HOST, 2);
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(rpc, HOST, r));
    try {
      const c = await newCase(`alluxio.master.rpc.port=${rpc}\nalluxio.master.web.port=${web}\n`);
      await format(c);
      const p = java([...commonOpts(c, 'MASTER_LOGGER'), 'alluxio.master.AlluxioMaster'], { LIBPROCESS_IP: HOST });
      expect((await p.exited).code).toBe(1);
      expect(p.stderr()).toContain(`Failed to bind master rpc port ${rpc} on ${HOST}: address already in use (EADDRINUSE)`);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  it('never binds a non-loopback address', async () => {
    const c = await newCase('alluxio.master.hostname=192.0.2.10\n');
    await format(c);
    const p = java([...commonOpts(c, 'MASTER_LOGGER'), 'alluxio.master.AlluxioMaster']);
    expect((await p.exited).code).toBe(1);
    expect(p.stderr()).toContain('loopback (127.x.x.x) addresses only');
  });

  it('simulates a slow start and a crash with the test knobs', async () => {
    const [rpc, web] = await freePorts(HOST, 2);
    const c = await newCase(`alluxio.master.port=${rpc}\nalluxio.master.web.port=${web}\n`);
    await format(c);
    const started = Date.now();
    const p = java([...commonOpts(c, 'MASTER_LOGGER'), 'alluxio.master.AlluxioMaster'], {
      ALLUXIO_STANDIN_START_DELAY_MS: '800',
      ALLUXIO_STANDIN_FAIL_AFTER_MS: '600',
    });
    await waitFor('master info', () => getJson(`http://${HOST}:${web}/api/v1/master/info`), { process: p });
    expect(Date.now() - started).toBeGreaterThanOrEqual(800);
    expect((await p.exited).code).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    expect(p.stderr()).toContain('simulated crash after 600 ms');
  });

  it('exits 0 on a SIGTERM that arrives before it is listening', async () => {
    const c = await newCase('');
    await format(c);
    const p = java([...commonOpts(c, 'MASTER_LOGGER'), 'alluxio.master.AlluxioMaster'], {
      LIBPROCESS_IP: HOST,
      ALLUXIO_STANDIN_START_DELAY_MS: '30000',
    });
    await waitFor(
      'the start delay',
      async () => {
        const log = await readFile(join(c.logs, 'master.log'), 'utf8').catch(() => '');
        return log.includes('waiting 30000 ms before binding') ? true : undefined;
      },
      { process: p },
    );
    p.child.kill('SIGTERM');
    expect(await p.exited).toEqual({ code: 0, signal: null });
  });
});

describe('stand-in worker', () => {
  it('binds rpc, data and web ports, waits for the master, registers, and registers again after a master restart', async () => {
    const [mRpc, mWeb, wRpc, wData, wWeb] = await freePorts(HOST, 5);
    const c = await newCase(
      [
        `alluxio.master.hostname=${HOST}`,
        `alluxio.master.port=${mRpc}`,
        `alluxio.master.web.port=${mWeb}`,
        `alluxio.worker.port=${wRpc}`,
        `alluxio.worker.data.port=${wData}`,
        `alluxio.worker.web.port=${wWeb}`,
        'alluxio.worker.block.heartbeat.interval.ms=200',
        '',
      ].join('\n'),
    );
    await format(c);
    // The worker starts first: it must keep trying until the master answers.
    const worker = java([...commonOpts(c, 'WORKER_LOGGER'), '-Dalluxio.worker.memory.size=512MB', 'alluxio.worker.AlluxioWorker'], {
      LIBPROCESS_IP: HOST,
    });
    const workerInfo = await waitFor(
      'worker info',
      () => getJson<{ dataPort: number; capacity: string }>(`http://${HOST}:${wWeb}/api/v1/worker/info`),
      {
        process: worker,
      },
    );
    expect(workerInfo).toMatchObject({ dataPort: wData, capacity: '512MB' });
    expect(await getJson(`http://${HOST}:${wData}/`)).toMatchObject({ service: 'AlluxioWorker data' });

    const masterArgs = [...commonOpts(c, 'MASTER_LOGGER'), 'alluxio.master.AlluxioMaster'];
    let master = java(masterArgs);
    const registered = async (): Promise<MasterInfo | undefined> => {
      const info = await getJson<MasterInfo>(`http://${HOST}:${mWeb}/api/v1/master/info`);
      return info && info.workers.length === 1 ? info : undefined;
    };
    const first = await waitFor('worker registration', registered, { process: master });
    expect(first.workers[0]).toMatchObject({ hostname: HOST, rpcPort: wRpc, dataPort: wData, webPort: wWeb, capacity: '512MB' });

    master.child.kill('SIGTERM');
    expect((await master.exited).code).toBe(0);
    master = java(masterArgs);
    await waitFor('re-registration with the restarted master', registered, { process: master });

    worker.child.kill('SIGTERM');
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    master.child.kill('SIGTERM');
    expect((await master.exited).code).toBe(0);

    const log = await readFile(join(c.logs, 'worker.log'), 'utf8');
    expect(log).toContain('alluxio.worker.memory.size=512MB, level0 MEM quota=512MB');
    expect(log).toMatch(/not reachable yet \(attempt 1\)/);
    expect(log).toContain('registering again');
    expect(log).toContain('Stopping Alluxio worker (received SIGTERM)');
    expect(existsSync(join(c.journal, 'FileSystemMaster', 'standin-master-starts.log'))).toBe(true);
  });
});

describe('bin/alluxio', () => {
  it('format -s formats once and then leaves the journal alone; getConf resolves ${...}', async () => {
    const c = await newCase('alluxio.work.dir=${alluxio.home}/work\n');
    const env = { ALLUXIO_CONF_DIR: c.conf, ALLUXIO_LOGS_DIR: c.logs };
    const run = async (...args: string[]): Promise<RunningProcess> => {
      const p = start(join(dist.home, 'bin/alluxio'), args, { cwd: caseDir, env: agentEnv(env) });
      expect((await p.exited).code, p.stderr()).toBe(0);
      return p;
    };
    const journal = join(dist.home, 'work', 'journal');
    expect((await run('getConf', 'alluxio.master.journal.folder')).stdout()).toBe(`${journal}\n`);
    await run('format', '-s');
    const breadcrumb = readdirSync(join(journal, 'BlockMaster'));
    expect(breadcrumb).toHaveLength(1);
    expect((await run('format', '-s')).stdout()).toContain('already formatted');
    expect(readdirSync(join(journal, 'BlockMaster'))).toEqual(breadcrumb);
  });
});
