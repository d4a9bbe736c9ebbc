/**
 * Shared setup of the `status` / `logs` / `teardown` end-to-end tests: a temp root with the
 * stand-in Alluxio distribution, an embedded LocalCluster (3 agents, short timers), `init` for the
 * conf dir, and a `deploy --json` process that reached all-placed with every task RUNNING and
 * healthy. `stopOperate` stops the deploy, tears the framework down, stops the cluster, kills any
 * stand-in left (the test fails on it) and removes the temp root.
 *
 * The stand-in processes are found through `ps`: their command lines hold the sandbox path, which
 * lies under the unique temp root.
 */
import { sleep, standins, waitUntil, type StandinProcess } from '../../../helpers/standins.js';
import { createServer } from 'node:net';
import { appendFile, mkdtemp, readdir, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ResultPromise } from 'execa';
import { LocalCluster } from '../../../../src/emulator/cluster.js';
import { writeDemoDistribution } from '../../../../src/emulator/standin-alluxio/generate.js';
import { cleanEnv, runCli, startCli, type CliResult } from '../../../helpers/cli.js';

interface DeployEvent {
  readonly type: string;
  readonly [key: string]: unknown;
}

/** A running `deploy --json`; its NDJSON reports collected as they arrive. */
class DeployProcess {
  readonly events: DeployEvent[] = [];
  private pending = '';
  private stderrText = '';
  private exitCode: number | undefined;
  readonly exited: Promise<number>;

  constructor(private readonly child: ResultPromise) {
    child.stdout?.on('data', (chunk: Buffer) => {
      this.pending += chunk.toString('utf8');
      let newline: number;
      while ((newline = this.pending.indexOf('\n')) >= 0) {
        const line = this.pending.slice(0, newline).trim();
        this.pending = this.pending.slice(newline + 1);
        if (line === '') continue;
        try {
          this.events.push(JSON.parse(line) as DeployEvent);
        } catch {
          this.stderrText += `[stdout] ${line}\n`;
        }
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (this.stderrText += chunk.toString('utf8')));
    this.exited = child.then((result) => (this.exitCode = result.exitCode ?? 128));
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  of(type: string): DeployEvent[] {
    return this.events.filter((event) => event.type === type);
  }

  /** The last `task-state` report of each alias. */
  lastStates(): Map<string, DeployEvent> {
    const states = new Map<string, DeployEvent>();
    for (const event of this.of('task-state')) states.set(event.alias as string, event);
    return states;
  }

  /** Polls `probe` every 100 ms until it returns a value; fails when deploy exits or on timeout. */
  async until<T>(what: string, probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value !== undefined) return value;
      if (this.exitCode !== undefined) throw new Error(`deploy exited (${this.exitCode}) while waiting for ${what}\n${this.transcript()}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${this.transcript()}`);
      await sleep(100);
    }
  }

  /** all-placed seen and `count` aliases ready (their latest report; default: RUNNING and healthy). */
  async waitHealthy(
    count: number,
    timeoutMs = 30_000,
    ready: (event: DeployEvent) => boolean = isHealthy,
  ): Promise<Map<string, DeployEvent>> {
    await this.until('all-placed', () => this.of('all-placed')[0], timeoutMs);
    return this.until(
      `${count} tasks RUNNING and healthy`,
      () => {
        const states = this.lastStates();
        const healthy = [...states.values()].filter(ready);
        return states.size === count && healthy.length === count ? states : undefined;
      },
      timeoutMs,
    );
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number> {
    if (this.exitCode !== undefined) return this.exitCode;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
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

const isHealthy = (event: DeployEvent): boolean => event.state === 'TASK_RUNNING' && event.healthy === true;

/** What a suite may change about the deployment `startOperate` makes. */
export interface OperateOptions {
  /** More init flags (e.g. several masters and their leader election). */
  readonly initFlags?: readonly string[];
  /** Lines appended to alluxio-site.properties after init, for keys init has no flag for. */
  readonly siteLines?: readonly string[];
  /** Runs after init and before deploy (e.g. formatting a shared journal once, as an operator does). */
  readonly beforeDeploy?: (setup: { root: string; confDir: string; distHome: string }) => Promise<void>;
  /** How many tasks the deployment runs (default 4: a master and 3 workers). */
  readonly tasks?: number;
  /** When a task counts as up (default: RUNNING and healthy). */
  readonly ready?: (event: DeployEvent) => boolean;
}

export interface OperateEnv {
  /** The temp root (resolved: the sandboxes' real paths start with it). */
  readonly root: string;
  readonly confDir: string;
  readonly cluster: LocalCluster;
  readonly deploy: DeployProcess;
  /** `alluxio-mesos <args> --conf-dir <confDir>`. */
  cli(args: readonly string[], options?: { timeoutMs?: number }): Promise<CliResult>;
}

export async function startOperate(options: OperateOptions = {}): Promise<OperateEnv> {
  const root = await realpath(await mkdtemp(path.join(tmpdir(), 'am-operate-')));
  // Ports of our own (not Alluxio's defaults) so that other clusters on 127.0.0.2-4 do not collide.
  const base = await freePortBlock(PORTS_PER_ENV);
  const cluster = new LocalCluster({
    agents: 3,
    port: 0,
    resources: `cpus:4;mem:8192;disk:16384;ports:[${base}-${base + PORTS_PER_ENV - 1}]`,
    workDir: path.join(root, 'cluster'),
    heartbeatIntervalSeconds: 1,
    allocationIntervalMs: 100,
    agentPingIntervalMs: 300,
    agentTimeoutMs: 1500,
    statusRetryIntervalMs: 500,
  });
  let deploy: DeployProcess | undefined;
  try {
    const dist = await writeDemoDistribution(path.join(root, 'dist'));
    await cluster.start();
    const confDir = path.join(root, 'conf');
    const master = cluster.url.replace(/^https?:\/\//, '');
    const init = await runCli([
      'init',
      '--yes',
      '--conf-dir',
      confDir,
      '--master',
      master,
      '--jar-url',
      'LOCAL',
      '--alluxio-home',
      dist.home,
      '--worker-memory-size',
      '256MB',
      '--worker-mem',
      '128MB',
      '--master-mem',
      '256MB',
      ...['--master-port', '--master-web-port', '--worker-port', '--worker-data-port', '--worker-web-port'].flatMap((flag, i) => [
        flag,
        String(base + i),
      ]),
      ...(options.initFlags ?? []),
    ]);
    if (init.exitCode !== 0) throw new Error(`init failed (${init.exitCode}):\n${init.stdout}\n${init.stderr}`);
    if (options.siteLines !== undefined)
      await appendFile(path.join(confDir, 'alluxio-site.properties'), `${options.siteLines.join('\n')}\n`);
    await options.beforeDeploy?.({ root, confDir, distHome: dist.home });
    deploy = new DeployProcess(
      startCli(['deploy', '--conf-dir', confDir, '--health-check-delay', '1', '--health-check-interval', '1', '--json'], {
        env: cleanEnv(),
        stdin: 'ignore',
      }),
    );
    await deploy.waitHealthy(options.tasks ?? 4, 30_000, options.ready);
    const started = deploy;
    return {
      root,
      confDir,
      cluster,
      deploy: started,
      cli: (args, options = {}) => runCli([...args, '--conf-dir', confDir], { timeoutMs: options.timeoutMs ?? 20_000 }),
    };
  } catch (error) {
    await deploy?.stop('SIGKILL');
    await cluster.stop().catch(() => undefined);
    await killStandins(root);
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Stops everything `startOperate` started; returns the stand-ins still alive after the cluster
 * stopped (killed here so a failure does not leak them), for the caller to assert none.
 */
export async function stopOperate(env: OperateEnv | undefined): Promise<StandinProcess[]> {
  if (env === undefined) return [];
  await env.deploy.stop('SIGTERM').catch(() => undefined);
  // The ledger may already be gone (the teardown test): then this fails fast with exit 1.
  await env.cli(['teardown', '--yes']).catch(() => undefined);
  await env.cluster.stop().catch(() => undefined);
  let stray: StandinProcess[] = [];
  const deadline = Date.now() + 5_000;
  do {
    stray = await standins(env.root);
    if (stray.length > 0) await sleep(100);
  } while (stray.length > 0 && Date.now() < deadline);
  await killStandins(env.root);
  await rm(env.root, { recursive: true, force: true });
  return stray;
}

const PORTS_PER_ENV = 5;

/** A block of ports free on every agent address (127.0.0.2-4), from a random start. */
async function freePortBlock(size: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    // 20000-28999: clear of Alluxio's defaults (19998-19999, 29998-30000), of the agents' default
    // port range (31000-32000) and of the kernel's ephemeral ports (32768 and up).
    const base = 20_000 + size * Math.floor(Math.random() * (9_000 / size));
    const checks = [];
    for (let host = 2; host <= 4; host++) for (let port = base; port < base + size; port++) checks.push(isFree(`127.0.0.${host}`, port));
    if ((await Promise.all(checks)).every(Boolean)) return base;
  }
  throw new Error('no free port block on 127.0.0.2-4');
}

function isFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

async function killStandins(marker: string): Promise<void> {
  for (const standin of await standins(marker).catch(() => [])) {
    try {
      process.kill(standin.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/**
 * The sandbox directory of `taskId` on disk: `<agent work dir>/slaves/<agent>/frameworks/<fw>/
 * executors/<executor>/runs/<container>`, found by the executor directory that holds the task id.
 */
export async function sandboxOnDisk(env: OperateEnv, taskId: string): Promise<string> {
  const agentsDir = path.join(env.root, 'cluster', 'agents');
  for (const agent of await readdir(agentsDir)) {
    const slaves = path.join(agentsDir, agent, 'slaves');
    for (const slave of await readdir(slaves).catch(() => [])) {
      const frameworks = path.join(slaves, slave, 'frameworks');
      for (const framework of await readdir(frameworks).catch(() => [])) {
        const executors = path.join(frameworks, framework, 'executors');
        for (const executor of await readdir(executors).catch(() => [])) {
          if (executor !== taskId && !executor.includes(taskId)) continue;
          return realpath(path.join(executors, executor, 'runs', 'latest'));
        }
      }
    }
  }
  throw new Error(`no sandbox of ${taskId} under ${agentsDir}`);
}

/** The current task id of `alias`, from deploy's reports. */
export function taskIdOf(env: OperateEnv, alias: string): string {
  const state = env.deploy.lastStates().get(alias);
  if (state === undefined) throw new Error(`deploy reported no task ${alias}\n${env.deploy.transcript()}`);
  return state.taskId as string;
}

export { standins, waitUntil, type StandinProcess };
