/**
 * The launch command built by buildLaunchCommand, run exactly as the Mesos command executor runs it
 * (`/bin/sh -c`, cwd and MESOS_SANDBOX = the sandbox), against the stand-in distribution: installed
 * on the "agent" (`--jar-url LOCAL`) or fetched as a tarball (extracted into the sandbox first, as
 * the Mesos fetcher does).
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { extract } from 'tar';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildLaunchCommand, type LaunchSpec } from '../../../../src/framework/launch/launch-command.js';
import { writeDemoDistribution, type DemoDistribution } from '../../../../src/emulator/standin-alluxio/generate.js';
import { freePorts, getJson, killAll, launchTask, tempDir, waitFor, type MasterInfo } from './harness.js';

// Two loopback "agents": the master's and the worker's (Linux routes all of 127/8 to lo).
const MASTER_HOST = '127.0.0.2';
const WORKER_HOST = '127.0.0.3';

let dir: Awaited<ReturnType<typeof tempDir>>;
let dist: DemoDistribution;
let sandboxCount = 0;

beforeAll(async () => {
  dir = await tempDir('demo-dist-launch-');
  dist = await writeDemoDistribution(join(dir.path, 'opt'));
});
afterEach(async () => {
  await killAll();
});
afterAll(async () => {
  await dir.remove();
});

async function newSandbox(): Promise<string> {
  sandboxCount += 1;
  const sandbox = join(dir.path, `sandbox-${sandboxCount}`);
  await mkdir(sandbox, { recursive: true });
  return sandbox;
}

/** What the Mesos fetcher leaves for an `extract: true` URI: the archive and its extracted content. */
async function fetchInto(sandbox: string, tarball: string): Promise<void> {
  await copyFile(tarball, join(sandbox, basename(tarball)));
  await extract({ file: tarball, cwd: sandbox });
}

function breadcrumbs(journal: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const master of readdirSync(journal)) {
    for (const entry of readdirSync(join(journal, master))) {
      if (entry.startsWith('_format_')) found.set(`${master}/${entry}`, statSync(join(journal, master, entry)).mtimeMs);
    }
  }
  return found;
}

describe('launch command with alluxio.home on the agents (LOCAL)', () => {
  it('starts the master (formatting once), registers a worker, and both exit 0 on SIGTERM; a relaunch keeps the journal', async () => {
    const [mRpc, mWeb] = await freePorts(MASTER_HOST, 2);
    const [wRpc, wData, wWeb] = await freePorts(WORKER_HOST, 3);
    const siteProperties = [
      '# written by the test, as deploy would',
      `alluxio.master.port=${mRpc}`,
      `alluxio.master.web.port=${mWeb}`,
      `alluxio.worker.port=${wRpc}`,
      `alluxio.worker.data.port=${wData}`,
      `alluxio.worker.web.port=${wWeb}`,
      'alluxio.worker.block.heartbeat.interval.ms=200',
      '',
    ].join('\n');
    const distribution: LaunchSpec['distribution'] = { kind: 'local', home: dist.home };
    const masterCommand = buildLaunchCommand({ role: 'master', distribution, siteProperties, javaOpts: '-Xmx512m' });
    const journal = join(dist.home, 'journal');
    expect(existsSync(journal)).toBe(false);

    // The master learns its host as a Mesos agent started with --ip would tell it.
    const masterSandbox = await newSandbox();
    const master = launchTask(masterCommand, masterSandbox, { LIBPROCESS_IP: MASTER_HOST });
    const info = await waitFor('master', () => getJson<MasterInfo>(`http://${MASTER_HOST}:${mWeb}/api/v1/master/info`), {
      process: master,
    });
    expect(info).toMatchObject({ hostname: MASTER_HOST, rpcPort: mRpc, webPort: mWeb, journal });
    expect(master.stdout()).toContain(`journal ${journal} was never formatted; formatting it`);
    const formatted = breadcrumbs(journal);
    expect(formatted.size).toBeGreaterThan(0);
    expect(await readFile(join(masterSandbox, 'conf', 'alluxio-site.properties'), 'utf8')).toBe(siteProperties);
    expect(existsSync(join(masterSandbox, 'conf', 'log4j.properties'))).toBe(true);

    const workerSandbox = await newSandbox();
    const workerCommand = buildLaunchCommand({
      role: 'worker',
      distribution,
      siteProperties,
      masterHostname: MASTER_HOST,
      workerMemory: '512MB',
    });
    const worker = launchTask(workerCommand, workerSandbox, { LIBPROCESS_IP: WORKER_HOST });
    const registered = await waitFor(
      'worker registration',
      async () => {
        const current = await getJson<MasterInfo>(`http://${MASTER_HOST}:${mWeb}/api/v1/master/info`);
        return current && current.workers.length > 0 ? current : undefined;
      },
      { process: worker },
    );
    expect(registered.workers).toEqual([
      expect.objectContaining({ hostname: WORKER_HOST, rpcPort: wRpc, dataPort: wData, webPort: wWeb, capacity: '512MB' }),
    ]);

    // exec all the way down: the process the agent started (and signals) is Alluxio itself.
    const masterLog0 = await readFile(join(masterSandbox, 'logs', 'master.log'), 'utf8');
    expect(masterLog0).toContain(`with pid ${master.child.pid}\n`);
    const workerLog0 = await readFile(join(workerSandbox, 'logs', 'worker.log'), 'utf8');
    expect(workerLog0).toContain(`with pid ${worker.child.pid}\n`);

    worker.child.kill('SIGTERM');
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    master.child.kill('SIGTERM');
    expect(await master.exited).toEqual({ code: 0, signal: null });

    const masterLog = await readFile(join(masterSandbox, 'logs', 'master.log'), 'utf8');
    expect(masterLog).toContain(`Registered worker 1 at ${WORKER_HOST}:${wRpc}`);
    expect(masterLog).toContain('Stopping Alluxio master (received SIGTERM)');
    const workerLog = await readFile(join(workerSandbox, 'logs', 'worker.log'), 'utf8');
    expect(workerLog).toContain('alluxio.worker.memory.size=512MB, level0 MEM quota=512MB');
    expect(workerLog).toContain(`Master at ${MASTER_HOST}:${mRpc} (from alluxio.master.hostname)`);
    expect(workerLog).toContain('Stopping Alluxio worker (received SIGTERM)');
    expect(existsSync(join(dist.home, 'logs', 'master.log'))).toBe(false);

    // A relaunch in a fresh sandbox must find the journal formatted and leave it as it is.
    const relaunch = launchTask(masterCommand, await newSandbox(), { LIBPROCESS_IP: MASTER_HOST });
    await waitFor('relaunched master', () => getJson<MasterInfo>(`http://${MASTER_HOST}:${mWeb}/api/v1/master/info`), {
      process: relaunch,
    });
    expect(relaunch.stdout()).toContain(`journal ${journal} is formatted; keeping it`);
    expect(relaunch.stdout()).not.toContain('Formatting');
    expect(breadcrumbs(journal)).toEqual(formatted);
    const starts = await readFile(join(journal, 'FileSystemMaster', 'standin-master-starts.log'), 'utf8');
    expect(starts.trim().split('\n')).toHaveLength(2);
    relaunch.child.kill('SIGTERM');
    expect((await relaunch.exited).code).toBe(0);
  });

  it('fails with a clear message when alluxio.home holds no Alluxio', async () => {
    const task = launchTask(
      buildLaunchCommand({ role: 'master', distribution: { kind: 'local', home: join(dir.path, 'nowhere') }, siteProperties: '' }),
      await newSandbox(),
    );
    expect((await task.exited).code).toBe(1);
    expect(task.stderr()).toContain(`alluxio-mesos: no Alluxio at alluxio.home=${join(dir.path, 'nowhere')} on this agent`);
  });
});

describe('launch command with a fetched tarball', () => {
  const TARBALL_URL = 'https://downloads.example.org/alluxio-1.8.2-bin.tar.gz';

  it('locates alluxio-<version> in the sandbox, uses the fetched JDK, formats the sandbox journal and warns about it', async () => {
    const [mRpc, mWeb] = await freePorts(MASTER_HOST, 2);
    const sandbox = await newSandbox();
    await fetchInto(sandbox, dist.tarball);
    // A JDK tarball's extracted top directory.
    mkdirSync(join(sandbox, 'jdk-standin', 'bin'), { recursive: true });
    writeFileSync(join(sandbox, 'jdk-standin', 'bin', 'java'), '#!/bin/sh\nexit 1\n');
    chmodSync(join(sandbox, 'jdk-standin', 'bin', 'java'), 0o755);

    const command = buildLaunchCommand({
      role: 'master',
      distribution: { kind: 'tarball', url: TARBALL_URL },
      jdk: { url: 'https://downloads.example.org/jdk.tar.gz', path: 'jdk-standin' },
      siteProperties: `alluxio.master.rpc.port=${mRpc}\nalluxio.master.web.port=${mWeb}\n`,
      masterHostname: MASTER_HOST,
    });
    const master = launchTask(command, sandbox);
    const info = await waitFor('master', () => getJson<MasterInfo>(`http://${MASTER_HOST}:${mWeb}/api/v1/master/info`), {
      process: master,
    });
    const home = join(sandbox, `alluxio-${dist.version}`);
    expect(info.journal).toBe(join(home, 'journal'));
    expect(breadcrumbs(info.journal).size).toBeGreaterThan(0);
    expect(master.stderr()).toContain('is inside the task sandbox and is lost when the master is relaunched');
    master.child.kill('SIGTERM');
    expect(await master.exited).toEqual({ code: 0, signal: null });
    const log = await readFile(join(sandbox, 'logs', 'master.log'), 'utf8');
    expect(log).toContain(`JAVA_HOME=${join(sandbox, 'jdk-standin')}`);
    expect(log).toContain(`alluxio.home=${home}`);
    expect(log).toContain(`Master hostname ${MASTER_HOST} (from alluxio.master.hostname)`);
  });

  it('fails clearly when the sandbox holds no distribution, several, or no JDK at jdk.path', async () => {
    const spec: LaunchSpec = { role: 'master', distribution: { kind: 'tarball', url: TARBALL_URL }, siteProperties: '' };

    const empty = await newSandbox();
    writeFileSync(join(empty, 'alluxio-1.8.2-bin.tar.gz'), 'not really');
    const none = launchTask(buildLaunchCommand(spec), empty);
    expect((await none.exited).code).toBe(1);
    expect(none.stderr()).toContain("has no top directory 'alluxio' or 'alluxio-<version>'");
    expect(none.stderr()).toContain('alluxio-1.8.2-bin.tar.gz');

    const two = await newSandbox();
    await fetchInto(two, dist.tarball);
    mkdirSync(join(two, 'alluxio', 'libexec'), { recursive: true });
    writeFileSync(join(two, 'alluxio', 'libexec', 'alluxio-config.sh'), '');
    const several = launchTask(buildLaunchCommand(spec), two);
    expect((await several.exited).code).toBe(1);
    expect(several.stderr()).toContain(`several Alluxio distributions in the sandbox: alluxio alluxio-${dist.version}`);

    const noJdk = await newSandbox();
    await fetchInto(noJdk, dist.tarball);
    const jdkMissing = launchTask(buildLaunchCommand({ ...spec, jdk: { url: 'https://h/jdk.tgz', path: 'jdk1.8.0_151' } }), noJdk);
    expect((await jdkMissing.exited).code).toBe(1);
    expect(jdkMissing.stderr()).toContain(`no bin/java under JAVA_HOME=${join(noJdk, 'jdk1.8.0_151')}`);
    expect(existsSync(join(noJdk, `alluxio-${dist.version}`, 'journal'))).toBe(false);
  });
});
