/**
 * `alluxio-mesos deploy` end to end: the real binary (dist/) against an embedded local Mesos cluster,
 * read through its `--json` reports. Needs `npm run build` first (npm test does it).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createReadStream } from 'node:fs';
import { appendFile, readFile, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { LocalCluster } from '../../../../src/emulator/cluster.js';
import { LocalMaster } from '../../../../src/emulator/master/local-master.js';
import { describeWithZooKeeper, startZooKeeper, type ZooKeeperServer } from '../../../helpers/zookeeper.js';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { runCli } from '../../../helpers/cli.js';
import {
  cleanup,
  initConf,
  masterAddress,
  randomPorts,
  startProxy,
  masterTasks,
  startDeploy,
  startSandbox,
  standinOf,
  standins,
  waitHealthy,
  waitUntil,
  type DeployRun,
  type Sandbox,
} from './helpers.js';

let sandbox: Sandbox | undefined;
let runs: DeployRun[] = [];
let teardown = false;

afterEach(async () => {
  const stray = await cleanup(sandbox, runs, { teardown });
  sandbox = undefined;
  runs = [];
  teardown = false;
  expect(stray.map((p) => `${p.pid} ${p.role}`)).toEqual([]);
});

function deploy(extra: readonly string[] = []): DeployRun {
  if (sandbox === undefined) throw new Error('no sandbox');
  const run = startDeploy(sandbox, extra);
  runs.push(run);
  return run;
}

function taskIds(run: DeployRun): Set<string> {
  return new Set(run.of('task-launched').map((event) => event.taskId as string));
}

describe('deploy against a local Mesos cluster', () => {
  for (const signal of ['SIGINT', 'SIGKILL'] as const) {
    it(`deploys 1 master + 3 workers, survives ${signal} of the scheduler and adopts its tasks`, { timeout: 60_000 }, async () => {
      sandbox = await startSandbox({ agents: 3 });
      await initConf(sandbox);
      teardown = true;
      const first = deploy();
      const states = await waitHealthy(first, 4);
      expect([...states.keys()].sort()).toEqual(['master-1', 'worker-1', 'worker-2', 'worker-3']);
      expect(first.of('master-ready')).toHaveLength(1);
      const launched = first.of('task-launched');
      expect(launched).toHaveLength(4);
      expect(new Set(launched.map((event) => event.hostname))).toEqual(new Set(['127.0.0.2', '127.0.0.3', '127.0.0.4']));
      const ids = taskIds(first);
      const ledger = JSON.parse(await readFile(path.join(sandbox.confDir, 'alluxio-mesos-ledger.json'), 'utf8')) as { frameworkId: string };

      const code = await first.stop(signal);
      expect(code).toBe(signal === 'SIGINT' ? 130 : 137);
      // The scheduler is gone; Mesos keeps its tasks (failover timeout) and they keep running.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const live = masterTasks(sandbox.cluster);
      expect(new Set(live.keys())).toEqual(ids);
      for (const task of live.values()) {
        expect(task.state).toBe('TASK_RUNNING');
        expect(task.frameworkId).toBe(ledger.frameworkId);
      }
      expect((await standins(sandbox.root)).length).toBe(4);

      const second = deploy();
      const subscribed = await second.waitFor('subscribed', (event) => event.type === 'subscribed');
      expect(subscribed.frameworkId).toBe(ledger.frameworkId);
      expect([...(subscribed.adopted as string[])].sort()).toEqual(['master-1', 'worker-1', 'worker-2', 'worker-3']);
      await second.waitFor('reconciled', (event) => event.type === 'reconciled');
      await second.waitFor('all-placed', (event) => event.type === 'all-placed');
      // Give offers a few allocation rounds to (wrongly) trigger a launch.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(second.of('task-launched')).toEqual([]);
      expect(new Set(masterTasks(sandbox.cluster).keys())).toEqual(ids);
      expect((await standins(sandbox.root)).length).toBe(4);
      expect(await second.stop('SIGTERM')).toBe(0);
    });
  }

  it('relaunches a worker whose process was killed', { timeout: 60_000 }, async () => {
    sandbox = await startSandbox({ agents: 3 });
    await initConf(sandbox);
    teardown = true;
    const run = deploy();
    await waitHealthy(run, 4);
    const victim = run.of('task-launched', (event) => event.alias === 'worker-2')[0];
    expect(victim).toBeDefined();
    const oldTaskId = victim?.taskId as string;
    const process_ = await standinOf(sandbox.root, oldTaskId);
    expect(process_?.role).toBe('worker');
    const from = run.events.length;
    process.kill(process_?.pid ?? -1, 'SIGKILL');

    const ended = await run.waitFor(
      'worker-2 to end',
      (e) => e.type === 'task-state' && e.taskId === oldTaskId && e.state === 'TASK_FAILED',
      { from },
    );
    const scheduled = await run.waitFor('relaunch of worker-2', (e) => e.type === 'relaunch-scheduled' && e.alias === 'worker-2', { from });
    expect(scheduled.lastState).toBe('TASK_FAILED');
    const relaunched = await run.waitFor('worker-2 launched again', (e) => e.type === 'task-launched' && e.alias === 'worker-2', {
      from,
      timeoutMs: 20_000,
    });
    expect(run.events.indexOf(ended)).toBeLessThan(run.events.indexOf(relaunched));
    expect(relaunched.relaunch).toBe(true);
    expect(relaunched.taskId).not.toBe(oldTaskId);
    // The only agent without a worker is the one it died on.
    expect(relaunched.hostname).toBe(victim?.hostname);
    await run.waitFor(
      'worker-2 RUNNING healthy',
      (e) => e.type === 'task-state' && e.taskId === relaunched.taskId && e.state === 'TASK_RUNNING' && e.healthy === true,
      { from },
    );
    // Nothing else was touched.
    expect(
      run
        .of('task-launched')
        .slice(4)
        .map((e) => e.alias),
    ).toEqual(['worker-2']);
    const live = masterTasks(sandbox.cluster);
    expect(live.size).toBe(4);
    expect(live.has(oldTaskId)).toBe(false);
    expect(live.get(relaunched.taskId as string)?.state).toBe('TASK_RUNNING');
    expect((await standinOf(sandbox.root, relaunched.taskId as string))?.role).toBe('worker');
  });

  it('places the worker of a lost agent on a spare agent', { timeout: 60_000 }, async () => {
    sandbox = await startSandbox({ agents: 4 });
    await initConf(sandbox);
    teardown = true;
    const run = deploy(['--max-workers', '3']);
    await waitHealthy(run, 4);
    const launched = run.of('task-launched');
    const masterHost = launched.find((e) => e.alias === 'master-1')?.hostname;
    const workers = launched.filter((e) => e.role === 'worker');
    const used = new Set(workers.map((e) => e.hostname as string));
    const spare = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5'].find((host) => !used.has(host));
    const victim = workers.find((e) => e.hostname !== masterHost);
    if (spare === undefined || victim === undefined) throw new Error(`unexpected placement:\n${run.transcript()}`);
    const alias = victim.alias as string;
    const from = run.events.length;
    await sandbox.cluster.killAgent(Number((victim.hostname as string).split('.')[3]) - 2);

    const lost = await run.waitFor('agent-lost', (e) => e.type === 'agent-lost' && e.agentId === victim.agentId, {
      from,
      timeoutMs: 20_000,
    });
    expect(lost.aliases).toEqual([alias]);
    const gone = await run.waitFor(`${alias} gone`, (e) => e.type === 'task-state' && e.taskId === victim.taskId, {
      from,
      timeoutMs: 20_000,
    });
    expect(['TASK_LOST', 'TASK_UNREACHABLE', 'TASK_GONE', 'TASK_FAILED']).toContain(gone.state);
    const relaunched = await run.waitFor(`${alias} placed again`, (e) => e.type === 'task-launched' && e.alias === alias, {
      from,
      timeoutMs: 20_000,
    });
    expect(relaunched.hostname).toBe(spare);
    expect(relaunched.relaunch).toBe(true);
    await run.waitFor(
      `${alias} RUNNING healthy`,
      (e) => e.type === 'task-state' && e.taskId === relaunched.taskId && e.state === 'TASK_RUNNING' && e.healthy === true,
      { from },
    );
    // Still exactly 3 workers, and only the lost one moved.
    expect(run.of('task-launched', (e) => e.role === 'worker').length).toBe(4);
    const live = masterTasks(sandbox.cluster);
    expect(live.size).toBe(4);
    expect(live.has(victim.taskId as string)).toBe(false);
    expect((await standins(sandbox.root)).length).toBe(4);
  });

  it('relaunches a master that fails before it is ready and one killed while RUNNING', { timeout: 60_000 }, async () => {
    sandbox = await startSandbox({ agents: 2 });
    // A broken copy of the distribution: the master's first start exits at once (workers unaffected).
    const marker = path.join(sandbox.dist.home, 'FAIL_MASTER_ONCE');
    await writeFile(marker, '');
    await appendFile(
      path.join(sandbox.dist.home, 'libexec', 'alluxio-config.sh'),
      `\nif [ -n "\${ALLUXIO_MESOS_FORMAT_PREFIX+set}" ] && [ -f ${JSON.stringify(marker)} ]; then rm -f ${JSON.stringify(marker)}; echo "test: the master dies at once" >&2; exit 1; fi\n`,
    );
    await initConf(sandbox);
    teardown = true;
    const run = deploy();
    const first = await run.waitFor('master-1 launched', (e) => e.type === 'task-launched' && e.alias === 'master-1');
    const failed = await run.waitFor(
      'master-1 failed',
      (e) => e.type === 'task-state' && e.taskId === first.taskId && e.state === 'TASK_FAILED',
    );
    expect(run.of('task-state', (e) => e.taskId === first.taskId && e.healthy === true)).toEqual([]);
    expect(run.of('master-ready')).toEqual([]);
    expect(run.of('task-launched', (e) => e.role === 'worker')).toEqual([]);
    await run.waitFor('relaunch of master-1', (e) => e.type === 'relaunch-scheduled' && e.alias === 'master-1', {
      from: run.events.indexOf(failed),
    });
    const states = await waitHealthy(run, 3);
    const second = run.of('task-launched', (e) => e.alias === 'master-1');
    expect(second).toHaveLength(2);
    expect(second[1]?.relaunch).toBe(true);
    expect(states.get('master-1')?.taskId).toBe(second[1]?.taskId);
    // Workers wait for a ready master: none was launched before the relaunched master was ready.
    const ready = run.events.findIndex((e) => e.type === 'master-ready');
    const firstWorker = run.events.findIndex((e) => e.type === 'task-launched' && e.role === 'worker');
    expect(ready).toBeGreaterThan(run.events.indexOf(failed));
    expect(firstWorker).toBeGreaterThan(ready);

    // Now the running, healthy master dies.
    const masterTaskId = second[1]?.taskId as string;
    const masterProcess = await standinOf(sandbox.root, masterTaskId);
    expect(masterProcess?.role).toBe('master');
    const from = run.events.length;
    process.kill(masterProcess?.pid ?? -1, 'SIGKILL');
    await run.waitFor('master-1 failed again', (e) => e.type === 'task-state' && e.taskId === masterTaskId && e.state === 'TASK_FAILED', {
      from,
    });
    await run.waitFor('master-lost', (e) => e.type === 'master-lost' && e.alias === 'master-1', { from });
    await run.waitFor('relaunch of master-1', (e) => e.type === 'relaunch-scheduled' && e.alias === 'master-1', { from });
    const third = await run.waitFor('master-1 relaunched', (e) => e.type === 'task-launched' && e.alias === 'master-1', {
      from,
      timeoutMs: 25_000,
    });
    expect(third.taskId).not.toBe(masterTaskId);
    await run.waitFor('master ready again', (e) => e.type === 'master-ready', { from: run.events.indexOf(third) });
    // The workers were not touched.
    expect(run.of('task-launched', (e) => e.role === 'worker')).toHaveLength(2);
    expect(masterTasks(sandbox.cluster).size).toBe(3);
  });

  it(
    'declines offers that miss ports, are too small or hold ports reserved for another role, naming why once',
    { timeout: 60_000 },
    async () => {
      const ports = randomPorts();
      const range = `${ports.master}-${ports.workerWeb}`;
      sandbox = await startSandbox({
        agents: 4,
        ports,
        resources: [
          `cpus:4;mem:8192;disk:16384;ports:[${range}]`,
          `cpus:4;mem:8192;disk:16384;ports:[31000-32000]`,
          `cpus:0.5;mem:256;disk:16384;ports:[${range}]`,
          `cpus:4;mem:8192;disk:16384;ports(other):[${range}];ports:[31000-32000]`,
        ],
      });
      await initConf(sandbox);
      teardown = true;
      const run = deploy();
      await waitHealthy(run, 2);
      // More allocation rounds with offers from every agent (their decline filters are short-lived).
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const launched = run.of('task-launched');
      expect(launched.map((e) => `${e.alias}@${e.hostname}`).sort()).toEqual(['master-1@127.0.0.2', 'worker-1@127.0.0.2']);
      const reasons = run.of('decline-reason');
      const codes = reasons.map((e) => e.code as string);
      // Each reason once. Mesos never offers another role's reservation to a `*` framework, so the
      // agent whose Alluxio ports are reserved for `other` offers no usable port: `missing-port` too.
      expect(codes.sort()).toEqual(['host-has-worker', 'insufficient-cpus', 'missing-port', 'waiting-for-master']);
      const text = (code: string): string => reasons.find((e) => e.code === code)?.text as string;
      expect(text('insufficient-cpus')).toMatch(/^127\.0\.0\.4 offers 0\.5 cpus .* needs 1\.1/);
      expect(text('missing-port')).toMatch(
        new RegExp(`^127\\.0\\.0\\.[35] does not offer port (${ports.worker}|${ports.workerData}|${ports.workerWeb})`),
      );
      expect(text('host-has-worker')).toContain('127.0.0.2');
      // Nothing runs on the three unfit agents.
      const agent0 = sandbox.cluster.agents[0]?.id;
      const live = [...masterTasks(sandbox.cluster).values()];
      expect(live.map((task) => task.agentId)).toEqual([agent0, agent0]);
      expect((await standins(sandbox.root)).length).toBe(2);
    },
  );

  it(
    'runs the workers from a --jar-url tarball served over HTTP, and refuses a 404 URL before launching',
    { timeout: 60_000 },
    async () => {
      sandbox = await startSandbox({ agents: 2 });
      const server = await serveFile(sandbox.dist.tarball, '/dist/alluxio-1.8.2-bin.tar.gz');
      try {
        await initConf(sandbox);
        const broken = await runCli(
          ['deploy', '--json', '--conf-dir', sandbox.confDir, '--jar-url', `${server.url}/dist/missing-bin.tar.gz`],
          { timeoutMs: 20_000 },
        );
        expect(broken.exitCode).toBe(2);
        expect(broken.stderr).toMatch(/404/);
        expect(broken.stderr).toContain('/dist/missing-bin.tar.gz');
        expect(broken.stdout).not.toContain('task-launched');
        // Nothing reached Mesos: no framework, no task.
        expect(sandbox.cluster.master.state.frameworks.size).toBe(0);
        expect(await standins(sandbox.root)).toEqual([]);

        teardown = true;
        const url = `${server.url}/dist/alluxio-1.8.2-bin.tar.gz`;
        const run = deploy(['--jar-url', url]);
        const states = await waitHealthy(run, 3);
        expect([...states.keys()].sort()).toEqual(['master-1', 'worker-1', 'worker-2']);
        for (const event of run.of('task-launched')) {
          const standin = await standinOf(sandbox.root, event.taskId as string);
          // alluxio.home is the copy the fetcher extracted into this task's sandbox, not the dist dir.
          const home = /-Dalluxio\.home=(\S+)/.exec(standin?.args ?? '')?.[1] ?? '';
          expect(home).toContain(`/executors/${event.taskId as string}/`);
          expect(home.endsWith('/alluxio-1.8.2')).toBe(true);
          expect(home.startsWith(sandbox.dist.home)).toBe(false);
        }
        // Every task's agent fetched it (the rest are deploy's own preflight HEAD and GET).
        expect(server.requests.filter((r) => r === `GET /dist/alluxio-1.8.2-bin.tar.gz`).length).toBeGreaterThanOrEqual(4);
        expect(server.requests).toContain('HEAD /dist/missing-bin.tar.gz');
      } finally {
        // Before the server goes: teardown and the cluster must not need it.
        const stray = await cleanup(sandbox, runs, { teardown });
        sandbox = undefined;
        await server.close();
        expect(stray).toEqual([]);
      }
    },
  );

  it('notices a stalled event stream (no heartbeats) and recovers', { timeout: 60_000 }, async () => {
    sandbox = await startSandbox({ agents: 2 });
    const proxy = await startProxy(masterAddress(sandbox.cluster));
    try {
      await initConf(sandbox, [], proxy.address);
      teardown = true;
      const run = deploy();
      await waitHealthy(run, 3);
      const ids = taskIds(run);
      const from = run.events.length;
      expect(sandbox.cluster.master.state.frameworks.size).toBe(1);
      proxy.freeze();

      // Heartbeats every second; the controller gives up after 5 missed ones.
      const disconnected = await run.waitFor('disconnected', (e) => e.type === 'disconnected', { from, timeoutMs: 20_000 });
      expect(disconnected.reason).toMatch(/no event for \d+ heartbeat intervals/);
      const again = await run.waitFor('subscribed again', (e) => e.type === 'subscribed', { from, timeoutMs: 20_000 });
      expect([...(again.adopted as string[])].sort()).toEqual(['master-1', 'worker-1', 'worker-2']);
      await run.waitFor('reconciled', (e) => e.type === 'reconciled', { from: run.events.indexOf(again), timeoutMs: 20_000 });
      await run.waitFor('all-placed again', (e) => e.type === 'all-placed', { from: run.events.indexOf(again) });
      expect(run.of('task-launched').length).toBe(3);
      expect(new Set(masterTasks(sandbox.cluster).keys())).toEqual(ids);
      expect((await standins(sandbox.root)).length).toBe(3);
      // The new subscription is live: the master still hears from this framework after the stall.
      const framework = [...sandbox.cluster.master.state.frameworks.values()][0];
      expect(framework?.active).toBe(true);
      expect(framework?.connection?.closed).toBe(false);
      // Teardown and stopping deploy go through the (fresh) proxy connections.
      const stray = await cleanup(sandbox, runs, { teardown });
      sandbox = undefined;
      expect(stray).toEqual([]);
    } finally {
      await proxy.close();
    }
  });
});

/** A one-file HTTP server on 127.0.0.1 (404 for every other path), recording `METHOD path`. */
async function serveFile(file: string, urlPath: string): Promise<{ url: string; requests: string[]; close: () => Promise<void> }> {
  const requests: string[] = [];
  const server = http.createServer((request, response) => {
    requests.push(`${request.method ?? ''} ${request.url ?? ''}`);
    if (request.url !== urlPath) {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    void stat(file).then((info) => {
      response.writeHead(200, { 'Content-Type': 'application/gzip', 'Content-Length': info.size });
      if (request.method === 'HEAD') response.end();
      else createReadStream(file).pipe(response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describeWithZooKeeper('deploy through ZooKeeper', () => {
  let zk: ZooKeeperServer | undefined;
  let standby: LocalMaster | undefined;
  beforeAll(async () => {
    zk = await startZooKeeper();
  }, 60_000);
  afterAll(async () => {
    await zk?.stop();
  });
  // Before the file's afterEach: teardown and the tasks' cleanup need the elected standby.
  afterEach(async () => {
    const stray = await cleanup(sandbox, runs, { teardown });
    sandbox = undefined;
    runs = [];
    teardown = false;
    await standby?.stop();
    standby = undefined;
    expect(stray.map((p) => `${p.pid} ${p.role}`)).toEqual([]);
  });

  // Real Mesos 1.12 answers 307 to itself for ~6 s after the election (the default window here):
  // the scheduler must wait that out, not give up after 5 redirects and exit.
  it(
    're-subscribes after the master restarts, waiting out its takeover, and reconciles without duplicating tasks',
    { timeout: 90_000 },
    async () => {
      if (zk === undefined) throw new Error('no ZooKeeper');
      const zkUrl = `zk://${zk.connectString}/mesos-restart-${process.pid}`;
      sandbox = await startSandbox({ agents: 3, zk: zkUrl });
      await initConf(sandbox, [], zkUrl);
      teardown = true;
      // --timeout bounds the first subscription (deploy exits 3 if it cannot subscribe in time), so
      // the first one waits for the freshly elected master to finish its own takeover window.
      await waitUntil('the elected master to finish taking over', () => (sandbox?.cluster.master.takingOver === false ? true : undefined));
      // A --timeout shorter than the takeover after the restart: SUBSCRIBE gives up mid-window, and once
      // subscribed the controller must retry (the error is retriable) and look the leader up in
      // ZooKeeper again, never exit.
      const run = deploy(['--timeout', '2500']);
      await waitHealthy(run, 4);
      const ids = taskIds(run);
      const frameworkId = run.of('subscribed')[0]?.frameworkId;
      const from = run.events.length;
      await sandbox.cluster.restartMaster();
      expect(sandbox.cluster.master.takingOver).toBe(true);

      await run.waitFor('disconnected', (e) => e.type === 'disconnected', { from, timeoutMs: 20_000 });
      const again = await run.waitFor('subscribed again', (e) => e.type === 'subscribed', { from, timeoutMs: 40_000 });
      expect(sandbox.cluster.master.takingOver).toBe(false);
      const waited = run.events.slice(from).filter((e) => e.type === 'disconnected' && /307 to itself/.test(String(e.reason)));
      expect(waited.length, JSON.stringify(run.events.slice(from))).toBeGreaterThan(0);
      expect(again.frameworkId).toBe(frameworkId);
      expect([...(again.adopted as string[])].sort()).toEqual(['master-1', 'worker-1', 'worker-2', 'worker-3']);
      const reconciled = await run.waitFor('reconciled', (e) => e.type === 'reconciled', {
        from: run.events.indexOf(again),
        timeoutMs: 20_000,
      });
      expect(reconciled.tasks).toBe(4);
      await run.waitFor('all-placed again', (e) => e.type === 'all-placed', { from: run.events.indexOf(again) });
      // Agents re-registered with their tasks; nothing was relaunched or lost.
      await waitUntil('the master to know the 4 tasks again', () =>
        masterTasks(sandbox?.cluster as LocalCluster).size === 4 ? true : undefined,
      );
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(run.of('task-launched').length).toBe(4);
      expect(run.events.slice(from).filter((e) => e.type === 'task-state' && e.state !== 'TASK_RUNNING')).toEqual([]);
      const live = masterTasks(sandbox.cluster);
      expect(new Set(live.keys())).toEqual(ids);
      for (const task of live.values()) expect(task.state).toBe('TASK_RUNNING');
      expect((await standins(sandbox.root)).length).toBe(4);
    },
  );

  it('follows a leader change to a standby master and adopts its tasks there', { timeout: 60_000 }, async () => {
    if (zk === undefined) throw new Error('no ZooKeeper');
    const zkUrl = `zk://${zk.connectString}/mesos-deploy-${process.pid}`;
    sandbox = await startSandbox({ agents: 2, zk: zkUrl });
    // A second master on the same ZooKeeper group and registry, waiting to take over.
    standby = new LocalMaster({
      host: '127.0.0.1',
      port: 0,
      zk: zkUrl,
      workDir: path.join(sandbox.root, 'cluster'),
      heartbeatIntervalSeconds: 1,
      allocationIntervalMs: 200,
      agentPingIntervalMs: 300,
      agentTimeoutMs: 1500,
    });
    await standby.start();
    const leader = sandbox.cluster.master;
    await waitUntil('the standby to see the leader', () => (standby?.leader?.id === leader.masterId ? true : undefined));
    await initConf(sandbox, [], zkUrl);
    teardown = true;
    const run = deploy();
    await waitHealthy(run, 3);
    const ids = taskIds(run);
    const frameworkId = run.of('subscribed')[0]?.frameworkId;
    const from = run.events.length;

    // The leader leaves the group and rejoins behind the standby: the standby is elected.
    await sandbox.cluster.restartMaster();
    const newLeader = standby;
    await waitUntil('the standby to be elected', () => (newLeader.elected ? true : undefined));
    expect(leader.elected).toBe(false);

    const again = await run.waitFor('subscribed to the new leader', (e) => e.type === 'subscribed', { from, timeoutMs: 30_000 });
    expect(again.frameworkId).toBe(frameworkId);
    expect([...(again.adopted as string[])].sort()).toEqual(['master-1', 'worker-1', 'worker-2']);
    await run.waitFor('reconciled', (e) => e.type === 'reconciled', { from: run.events.indexOf(again), timeoutMs: 20_000 });
    await waitUntil('the new leader to know the 3 tasks', () => {
      const tasks = [...(newLeader.state.frameworks.get(frameworkId as string)?.tasks.values() ?? [])];
      return tasks.length === 3 && tasks.every((task) => task.state === 'TASK_RUNNING') ? tasks : undefined;
    });
    const onNewLeader = newLeader.state.frameworks.get(frameworkId as string);
    expect(onNewLeader?.connection?.closed).toBe(false);
    expect(new Set(onNewLeader?.tasks.keys())).toEqual(ids);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(run.of('task-launched').length).toBe(3);
    expect((await standins(sandbox.root)).length).toBe(3);
  });
});
