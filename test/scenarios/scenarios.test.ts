/**
 * The scenarios an operator meets first, run end to end through the real CLI against the cluster
 * under test: the embedded local cluster in the integration suite, a real Apache Mesos build in the
 * real-Mesos lane (`npm run test:real-mesos`; see docs/real-mesos.md). Each step builds on the one
 * before, as an operator's day does.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoDistribution, type DemoDistribution } from '../../src/emulator/standin-alluxio/generate.js';
import { runCli, startCli, type CliResult } from '../helpers/cli.js';
import { standins, waitUntil } from '../helpers/standins.js';
import { describeWithZooKeeper } from '../helpers/zookeeper.js';
import { DeployRun } from '../integration/commands/deploy/helpers.js';
import { masterJson, startClusterUnderTest, type ClusterUnderTest, type MasterMode } from './cluster-under-test.js';

/** Real Mesos built at -O0 on two cores is slow: every wait is generous, none is asserted. */
const WAIT = 300_000;
/** A test's own limit, above its waits so that a wait that runs out says what it saw. */
const SLOW = 600_000;

interface StatusJson {
  ok: boolean;
  problems: string[];
  framework: { id: string; state: string };
  tasks: { alias: string; taskId: string; state: string; healthy: boolean | null; host: string | null }[];
}

interface World {
  root: string;
  dist: DemoDistribution;
  tarballServer: Server;
  tarballUrl: string;
  cluster: ClusterUnderTest;
  confDir: string;
  deploy?: DeployRun;
}

async function serveTarball(dist: DemoDistribution): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    if (request.url !== `/${path.basename(dist.tarball)}`) {
      response.writeHead(404).end();
      return;
    }
    void stat(dist.tarball).then((info) => {
      response.writeHead(200, { 'content-type': 'application/gzip', 'content-length': info.size });
      createReadStream(dist.tarball).pipe(response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/${path.basename(dist.tarball)}` };
}

async function setUp(mode: MasterMode): Promise<World> {
  const root = await mkdtemp(path.join(tmpdir(), `am-scenario-${mode}-`));
  const dist = await writeDemoDistribution(path.join(root, 'dist'));
  const { server, url } = await serveTarball(dist);
  const cluster = await startClusterUnderTest(root, mode);
  const confDir = path.join(root, 'conf');
  const init = await runCli([
    'init',
    '--yes',
    '--conf-dir',
    confDir,
    '--master',
    cluster.master,
    '--jar-url',
    url,
    '--worker-memory-size',
    '256MB',
    '--worker-mem',
    '128MB',
    '--master-mem',
    '256MB',
  ]);
  if (init.exitCode !== 0) throw new Error(`init failed: ${init.stderr}`);
  return { root, dist, tarballServer: server, tarballUrl: url, cluster, confDir };
}

async function tearDown(world: World | undefined): Promise<void> {
  if (world === undefined) return;
  await world.deploy?.stop('SIGTERM').catch(() => undefined);
  await world.cluster.stop();
  await new Promise((resolve) => world.tarballServer.close(resolve));
  // Stand-ins of this world that outlived their cluster (a real agent killed hard leaves them).
  for (const process_ of await standins(world.root)) {
    try {
      process.kill(process_.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  await rm(world.root, { recursive: true, force: true });
}

function cli(world: World, args: readonly string[], timeoutMs = 120_000): Promise<CliResult> {
  return runCli([...args, '--conf-dir', world.confDir], { timeoutMs });
}

async function status(world: World): Promise<{ exitCode: number; report: StatusJson | undefined; stderr: string }> {
  const result = await cli(world, ['status', '--json']);
  let report: StatusJson | undefined;
  try {
    report = JSON.parse(result.stdout) as StatusJson;
  } catch {
    report = undefined;
  }
  return { exitCode: result.exitCode, report, stderr: result.stderr };
}

/** Polls `status` until it exits 0 with every task running and healthy. */
async function statusOk(world: World, what: string, extra: (report: StatusJson) => boolean = () => true): Promise<StatusJson> {
  let last = '';
  return waitUntil(
    what,
    async () => {
      const { exitCode, report, stderr } = await status(world);
      last = `${exitCode} ${JSON.stringify(report)} ${stderr}`;
      return exitCode === 0 && report !== undefined && report.ok && extra(report) ? report : undefined;
    },
    WAIT,
  ).catch((error: Error) => {
    throw new Error(`${error.message}; last status: ${last}\n${world.deploy?.transcript() ?? ''}`);
  });
}

function startDeploy(world: World): DeployRun {
  const run = new DeployRun(startCli(['deploy', '--json', '--conf-dir', world.confDir], { buffer: false, stdin: 'ignore' }));
  world.deploy = run;
  return run;
}

/** Tasks of `frameworkId` that Mesos lists as not terminal. */
async function mesosTasks(frameworkId: string): Promise<{ id: string; state: string }[] | undefined> {
  const tasks = await masterJson<{ tasks: { id: string; framework_id: string; state: string }[] }>('/master/tasks?limit=1000');
  return tasks?.tasks.filter(
    (task) => task.framework_id === frameworkId && !/FINISHED|FAILED|KILLED|LOST|ERROR|DROPPED|GONE/.test(task.state),
  );
}

const workerCount = 3;

describeWithZooKeeper('an operator on a ZooKeeper-backed Mesos cluster', () => {
  let world: World | undefined;
  let firstReport: StatusJson | undefined;

  beforeAll(async () => {
    world = await setUp('zk');
  }, SLOW);
  afterAll(async () => tearDown(world), SLOW);

  it(
    'deploy with default flags and health checks: a healthy master and a worker per agent, the tarball fetched over http',
    async () => {
      const w = world!;
      startDeploy(w);
      firstReport = await statusOk(
        w,
        'every task running and healthy',
        (r) => r.tasks.filter((t) => t.alias.startsWith('worker-')).length === workerCount,
      );
      expect(firstReport.tasks.every((t) => t.state === 'TASK_RUNNING' && t.healthy === true)).toBe(true);
      expect(firstReport.framework.state).toBe('active');
      expect(await mesosTasks(firstReport.framework.id)).toHaveLength(1 + workerCount);
    },
    SLOW,
  );

  it(
    'logs worker-1 shows what the worker wrote',
    async () => {
      const result = await cli(world!, ['logs', 'worker-1', '--lines', '20']);
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toMatch(/==> worker-1:logs\/worker\.log <==\n[\s\S]*Alluxio worker started/);
    },
    SLOW,
  );

  it(
    'a killed worker process is relaunched',
    async () => {
      const w = world!;
      const before = firstReport!.tasks.find((t) => t.alias === 'worker-1')!;
      const victim = (await standins(w.root)).find((p) => p.taskId === before.taskId);
      expect(victim, 'the stand-in process of worker-1').toBeDefined();
      process.kill(victim!.pid, 'SIGKILL');
      const after = await statusOk(w, 'worker-1 relaunched', (r) =>
        r.tasks.some((t) => t.alias === 'worker-1' && t.taskId !== before.taskId),
      );
      expect(after.tasks.filter((t) => t.alias === 'worker-1')).toHaveLength(1);
    },
    SLOW,
  );

  it(
    'a scheduler killed with SIGKILL is replaced by a new one that adopts every task, launching nothing twice',
    async () => {
      const w = world!;
      const before = (await status(w)).report!;
      w.deploy!.child.kill('SIGKILL');
      await w.deploy!.exited;
      const second = startDeploy(w);
      await second.waitFor('the adoption of the running tasks', (e) => e.type === 'subscribed' || e.type === 'connected', {
        timeoutMs: WAIT,
      });
      const after = await statusOk(w, 'the framework active again', (r) => r.framework.state === 'active');
      expect(after.tasks.map((t) => t.taskId).sort()).toEqual(before.tasks.map((t) => t.taskId).sort());
      expect(await mesosTasks(after.framework.id)).toHaveLength(1 + workerCount);
    },
    SLOW,
  );

  it(
    'a master failover through ZooKeeper: the scheduler waits out the election and re-subscribes',
    async () => {
      const w = world!;
      const before = (await status(w)).report!;
      await w.cluster.restartMaster();
      const after = await statusOk(w, 'the framework re-subscribed with the new master', (r) => r.framework.state === 'active');
      expect(w.deploy!.running, `the scheduler is still running\n${w.deploy!.transcript()}`).toBe(true);
      expect(after.tasks.map((t) => t.taskId).sort()).toEqual(before.tasks.map((t) => t.taskId).sort());
    },
    SLOW,
  );

  it(
    'teardown removes the framework and Mesos confirms every task is gone',
    async () => {
      const w = world!;
      const frameworkId = firstReport!.framework.id;
      const result = await cli(w, ['teardown', '--yes'], WAIT);
      expect(result.exitCode, result.stderr).toBe(0);
      await waitUntil(
        'Mesos to list no task of the framework',
        async () => ((await mesosTasks(frameworkId))?.length === 0 ? true : undefined),
        WAIT,
      );
      await waitUntil('every stand-in process to exit', async () => ((await standins(w.root)).length === 0 ? true : undefined), WAIT);
    },
    SLOW,
  );
});

describe('an operator on a standalone Mesos master (no ZooKeeper)', () => {
  let world: World | undefined;

  beforeAll(async () => {
    world = await setUp('standalone');
  }, SLOW);
  afterAll(async () => tearDown(world), SLOW);

  it(
    'after a master restart the agents never come back, and status and teardown say so instead of OK',
    async () => {
      const w = world!;
      startDeploy(w);
      const deployed = await statusOk(w, 'every task running and healthy');
      await w.deploy!.stop('SIGTERM');
      await w.cluster.restartMaster();
      // The restarted master answers, but knows no agent: they wait for "a new master to be elected".
      await waitUntil(
        'the restarted master to answer',
        async () => ((await masterJson('/master/slaves')) === undefined ? undefined : true),
        WAIT,
      );
      const { exitCode, report } = await status(w);
      expect(exitCode).not.toBe(0);
      expect(report?.ok).toBe(false);
      const teardown = await cli(w, ['teardown', '--yes'], WAIT);
      expect(teardown.exitCode).not.toBe(0);
      expect(teardown.stderr).toMatch(/may still run/);
      // The Alluxio processes really do still run: the tool said the truth.
      expect((await standins(w.root)).length).toBe(deployed.tasks.length);
    },
    SLOW,
  );
});
