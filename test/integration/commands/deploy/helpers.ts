/**
 * The real `alluxio-mesos deploy` binary against an embedded LocalCluster started in the test
 * process: a stand-in Alluxio distribution, `init` for the conf dir, the deploy process with its
 * NDJSON reports parsed as they arrive, and the stand-in processes found through `ps` (their command
 * lines hold the test's unique temp dir) so each test can kill one and check none is left behind.
 */
import { standinOf, standins, waitUntil, type StandinProcess } from '../../../helpers/standins.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { constants, tmpdir } from 'node:os';
import path from 'node:path';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import type { ResultPromise } from 'execa';
import { LocalCluster, type LocalClusterOptions } from '../../../../src/emulator/cluster.js';
import { isTerminal } from '../../../../src/emulator/master/model.js';
import { writeDemoDistribution, type DemoDistribution } from '../../../../src/emulator/standin-alluxio/generate.js';
import { runCli, startCli, cleanEnv } from '../../../helpers/cli.js';

/** One NDJSON record of `deploy --json`. */
export interface DeployEvent {
  readonly time: string;
  readonly type: string;
  readonly [key: string]: unknown;
}

export interface Sandbox {
  readonly root: string;
  /** Alluxio ports of this test (random, so parallel suites on 127.0.0.x do not collide). */
  readonly ports: AlluxioPorts;
  readonly confDir: string;
  readonly dist: DemoDistribution;
  readonly cluster: LocalCluster;
}

export interface AlluxioPorts {
  readonly master: number;
  readonly masterWeb: number;
  readonly worker: number;
  readonly workerData: number;
  readonly workerWeb: number;
}

/** Five consecutive ports somewhere in 20000-29499; the default 19998/29998 are shared by other suites. */
export function randomPorts(): AlluxioPorts {
  const base = 20_000 + Math.floor(Math.random() * 1_900) * 5;
  return { master: base, masterWeb: base + 1, worker: base + 2, workerData: base + 3, workerWeb: base + 4 };
}

/** An agent `--resources` string offering `ports` plus some spare range. */
export function agentResources(ports: AlluxioPorts, scalars = 'cpus:4;mem:8192;disk:16384'): string {
  return `${scalars};ports:[${ports.master}-${ports.workerWeb},31000-32000]`;
}

/**
 * A temp root with a stand-in distribution and a started cluster with short timers; unless
 * `resources` is given, every agent offers this test's ports.
 */
export async function startSandbox(
  options: Partial<Omit<LocalClusterOptions, 'workDir'>> & { ports?: AlluxioPorts } = {},
): Promise<Sandbox> {
  const ports = options.ports ?? randomPorts();
  const root = await mkdtemp(path.join(tmpdir(), 'am-deploy-'));
  const dist = await writeDemoDistribution(path.join(root, 'dist'));
  const cluster = new LocalCluster({
    agents: 3,
    port: 0,
    heartbeatIntervalSeconds: 1,
    allocationIntervalMs: 200,
    agentPingIntervalMs: 300,
    agentTimeoutMs: 1500,
    statusRetryIntervalMs: 500,
    resources: agentResources(ports),
    ...options,
    workDir: path.join(root, 'cluster'),
  });
  try {
    await cluster.start();
  } catch (error) {
    await cluster.stop().catch(() => undefined);
    await rm(root, { recursive: true, force: true });
    throw error;
  }
  return { root, ports, confDir: path.join(root, 'conf'), dist, cluster };
}

/** `host:port` of the cluster's master. */
export function masterAddress(cluster: LocalCluster): string {
  return cluster.url.replace(/^https?:\/\//, '');
}

/**
 * `alluxio-mesos init --yes` for the sandbox; `extra` flags replace the defaults of the same name.
 * A sandbox without an in-process cluster (a `local-cluster` process) names its master.
 */
export async function initConf(
  sandbox: Pick<Sandbox, 'confDir' | 'dist' | 'ports'> & { cluster?: LocalCluster },
  extra: readonly string[] = [],
  master = sandbox.cluster === undefined ? undefined : masterAddress(sandbox.cluster),
): Promise<void> {
  if (master === undefined) throw new Error('initConf: no master for a sandbox without a cluster');
  const defaults: Record<string, string> = {
    '--jar-url': 'LOCAL',
    '--alluxio-home': sandbox.dist.home,
    '--worker-memory-size': '256MB',
    '--worker-mem': '128MB',
    '--master-mem': '256MB',
    '--master-port': String(sandbox.ports.master),
    '--master-web-port': String(sandbox.ports.masterWeb),
    '--worker-port': String(sandbox.ports.worker),
    '--worker-data-port': String(sandbox.ports.workerData),
    '--worker-web-port': String(sandbox.ports.workerWeb),
  };
  const args = ['init', '--yes', '--conf-dir', sandbox.confDir, '--master', master];
  for (let i = 0; i < extra.length; i += 2) {
    const flag = extra[i] as string;
    if (flag in defaults) delete defaults[flag];
  }
  for (const [flag, value] of Object.entries(defaults)) args.push(flag, value);
  args.push(...extra);
  const result = await runCli(args);
  if (result.exitCode !== 0) throw new Error(`init failed (${result.exitCode}):\n${result.stdout}\n${result.stderr}`);
}

/** A running `deploy --json`, its reports collected as they arrive. */
export class DeployRun {
  readonly events: DeployEvent[] = [];
  private buffer = '';
  private stderrText = '';
  private exitCode: number | undefined;
  readonly exited: Promise<number>;

  constructor(readonly child: ResultPromise) {
    child.stdout?.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString('utf8');
      let newline: number;
      while ((newline = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, newline).trim();
        this.buffer = this.buffer.slice(newline + 1);
        if (line === '') continue;
        try {
          this.events.push(JSON.parse(line) as DeployEvent);
        } catch {
          this.stderrText += `[non-JSON stdout] ${line}\n`;
        }
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (this.stderrText += chunk.toString('utf8')));
    this.exited = child.then((result) => {
      // A signal death reads as the shell shows it: 128 + the signal number.
      this.exitCode =
        result.exitCode ?? (result.signal === undefined ? -1 : 128 + (constants.signals[result.signal as NodeJS.Signals] ?? 0));
      return this.exitCode;
    });
  }

  get stderr(): string {
    return this.stderrText;
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error('deploy has no pid');
    return this.child.pid;
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  /** Events of `type` (optionally matching `where`) received so far. */
  of(type: string, where: (event: DeployEvent) => boolean = () => true): DeployEvent[] {
    return this.events.filter((event) => event.type === type && where(event));
  }

  /** Resolves with the first event after index `from` that matches; fails on exit or timeout. */
  async waitFor(
    what: string,
    match: (event: DeployEvent) => boolean,
    options: { from?: number; timeoutMs?: number } = {},
  ): Promise<DeployEvent> {
    const from = options.from ?? 0;
    return this.until(what, () => this.events.slice(from).find(match), options.timeoutMs);
  }

  /** Resolves once `probe` returns a value (polled every 100 ms); fails when deploy exits first. */
  async until<T>(what: string, probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value !== undefined) return value;
      if (this.exitCode !== undefined) throw new Error(`deploy exited (${this.exitCode}) while waiting for ${what}\n${this.transcript()}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${this.transcript()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Sends `signal` and waits for the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000): Promise<number> {
    if (this.exitCode !== undefined) return this.exitCode;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  transcript(): string {
    return `reports:\n${this.events.map((event) => JSON.stringify(event)).join('\n')}\nstderr:\n${this.stderrText}`;
  }
}

/** Starts `deploy --json` with short health checks; `extra` adds flags. */
export function startDeploy(sandbox: Pick<Sandbox, 'confDir'>, extra: readonly string[] = [], env: Record<string, string> = {}): DeployRun {
  const args = ['deploy', '--json', '--conf-dir', sandbox.confDir, '--health-check-delay', '1', '--health-check-interval', '1', ...extra];
  return new DeployRun(startCli(args, { env: cleanEnv(env), stdin: 'ignore' }));
}

/** The latest task-state report of each alias. */
function lastStates(run: DeployRun): Map<string, DeployEvent> {
  const states = new Map<string, DeployEvent>();
  for (const event of run.events) if (event.type === 'task-state') states.set(event.alias as string, event);
  return states;
}

/** Waits for all-placed and every alias RUNNING and healthy (`count` aliases). */
export async function waitHealthy(run: DeployRun, count: number, from = 0, timeoutMs = 30_000): Promise<Map<string, DeployEvent>> {
  await run.waitFor('all-placed', (event) => event.type === 'all-placed', { from, timeoutMs });
  return run.until(
    `${count} tasks RUNNING and healthy`,
    () => {
      const states = lastStates(run);
      const healthy = [...states.values()].filter((event) => event.state === 'TASK_RUNNING' && event.healthy === true);
      return healthy.length === count && states.size === count ? states : undefined;
    },
    timeoutMs,
  );
}

/** Non-terminal tasks the Mesos master knows, by task id. */
export function masterTasks(cluster: LocalCluster): Map<string, { state: string; agentId: string; frameworkId: string }> {
  const tasks = new Map<string, { state: string; agentId: string; frameworkId: string }>();
  for (const framework of cluster.master.state.frameworks.values()) {
    for (const task of framework.tasks.values()) {
      if (isTerminal(task.state)) continue;
      tasks.set(task.taskId, { state: task.state, agentId: task.agentId, frameworkId: task.frameworkId });
    }
  }
  return tasks;
}

/**
 * Stops everything a test started, in order: deploy (SIGTERM), teardown when asked, the cluster,
 * then checks no stand-in is left (killing any that is, so one failure does not leak) and removes
 * the temp root. Returns the stray processes found.
 */
export async function cleanup(
  sandbox: Sandbox | undefined,
  runs: readonly DeployRun[],
  options: { teardown?: boolean } = {},
): Promise<StandinProcess[]> {
  if (sandbox === undefined) return [];
  for (const run of runs) if (run.running) await run.stop('SIGTERM').catch(() => undefined);
  if (options.teardown === true)
    await runCli(['teardown', '--yes', '--conf-dir', sandbox.confDir], { timeoutMs: 20_000 }).catch(() => undefined);
  await sandbox.cluster.stop().catch(() => undefined);
  let stray: StandinProcess[] = [];
  const deadline = Date.now() + 5_000;
  for (;;) {
    stray = await standins(sandbox.root);
    if (stray.length === 0 || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  for (const p of stray) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await rm(sandbox.root, { recursive: true, force: true });
  return stray;
}

/**
 * A TCP proxy on 127.0.0.1 in front of `target` (`host:port`). `freeze()` stops forwarding on every
 * connection open now (bytes are held, sockets stay open: a stalled stream, not a closed one); new
 * connections pass.
 */
export interface FreezableProxy {
  readonly address: string;
  readonly connections: number;
  freeze(): void;
  close(): Promise<void>;
}

export async function startProxy(target: string): Promise<FreezableProxy> {
  const [host, port] = target.split(':') as [string, string];
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((client) => {
    accepted += 1;
    const upstream = connect(Number(port), host);
    sockets.add(client).add(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: listening } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${listening}`,
    get connections() {
      return accepted;
    },
    freeze() {
      for (const socket of sockets) {
        socket.unpipe();
        socket.pause();
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export { standinOf, standins, waitUntil, type StandinProcess };

/**
 * The distinct tasks each alias ran (reported TASK_RUNNING) over the given scheduler runs. A launch
 * recorded but never sent (a SIGKILL between the two) never runs, so it is not counted.
 */
export function tasksRunPerAlias(...runs: readonly DeployRun[]): Map<string, Set<string>> {
  const ran = new Map<string, Set<string>>();
  for (const event of runs.flatMap((run) => run.of('task-state'))) {
    if (event.state !== 'TASK_RUNNING') continue;
    const ids = ran.get(event.alias as string) ?? new Set<string>();
    ran.set(event.alias as string, ids.add(event.taskId as string));
  }
  return ran;
}
