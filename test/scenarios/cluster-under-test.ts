/**
 * The cluster a scenario runs against: the embedded local cluster (the `local-cluster` command, as
 * a user runs it) or a real Apache Mesos build (`test/real-mesos/cluster.sh`), chosen by the
 * environment. The same scenarios run on both, so every divergence between the emulator and real
 * Mesos shows up as a scenario that passes on one and fails on the other.
 *
 * REAL_MESOS_BUILD=<dir with bin/mesos-master.sh>  → real Mesos (only inside the lane's namespace:
 * it binds ZooKeeper on 127.0.0.1:2181 and the master on 127.0.0.1:5050).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ResultPromise } from 'execa';
import { REPO_ROOT, startCli } from '../helpers/cli.js';
import { sleep, waitUntil } from '../helpers/standins.js';
import { startZooKeeper, type ZooKeeperServer } from '../helpers/zookeeper.js';

const execFileAsync = promisify(execFile);

export type MasterMode = 'zk' | 'standalone';

export interface ClusterUnderTest {
  readonly kind: 'real' | 'embedded';
  readonly mode: MasterMode;
  /** What `--master` gets: `zk://…/mesos` or `127.0.0.1:5050`. */
  readonly master: string;
  /** The leading master's HTTP address. */
  readonly masterUrl: string;
  readonly agents: readonly string[];
  /** Stops the master hard and starts it again at the same address. */
  restartMaster(): Promise<void>;
  stop(): Promise<void>;
}

const MASTER_URL = 'http://127.0.0.1:5050';
const AGENTS = ['127.0.0.2', '127.0.0.3', '127.0.0.4'];

function realMesosBuild(): string | undefined {
  const build = process.env.REAL_MESOS_BUILD;
  return build === undefined || build === '' ? undefined : build;
}

export async function startClusterUnderTest(workDir: string, mode: MasterMode): Promise<ClusterUnderTest> {
  const build = realMesosBuild();
  return build === undefined ? startEmbedded(workDir, mode) : startReal(build, workDir, mode);
}

/** GET a master endpoint as JSON (undefined while the master does not answer 200). */
export async function masterJson<T>(endpoint: string): Promise<T | undefined> {
  try {
    const response = await fetch(`${MASTER_URL}${endpoint}`, { redirect: 'manual', signal: AbortSignal.timeout(5_000) });
    if (response.status !== 200) return undefined;
    return (await response.json()) as T;
  } catch {
    return undefined;
  }
}

async function startReal(build: string, workDir: string, mode: MasterMode): Promise<ClusterUnderTest> {
  const clusterDir = path.join(workDir, 'mesos');
  await execFileAsync(path.join(REPO_ROOT, 'test', 'real-mesos', 'cluster.sh'), [build, clusterDir, String(AGENTS.length), mode], {
    timeout: 240_000,
  });
  const pidOf = async (name: string): Promise<number | undefined> => {
    try {
      return Number((await readFile(path.join(clusterDir, `${name}.pid`), 'utf8')).trim());
    } catch {
      return undefined;
    }
  };
  const kill = (pid: number | undefined, signal: NodeJS.Signals): void => {
    if (pid === undefined) return;
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  };
  return {
    kind: 'real',
    mode,
    master: mode === 'zk' ? 'zk://127.0.0.1:2181/mesos' : '127.0.0.1:5050',
    masterUrl: MASTER_URL,
    agents: AGENTS,
    async restartMaster() {
      const pid = await pidOf('master');
      kill(pid, 'SIGKILL');
      await waitUntil('the old master to exit', () => (pid !== undefined && isAlive(pid) ? undefined : true), 30_000);
      await execFileAsync(path.join(clusterDir, 'start-master.sh'));
    },
    async stop() {
      for (const name of ['agent1', 'agent2', 'agent3', 'master', 'zk']) kill(await pidOf(name), 'SIGKILL');
    },
  };
}

async function startEmbedded(workDir: string, mode: MasterMode): Promise<ClusterUnderTest> {
  const zookeeper: ZooKeeperServer | undefined = mode === 'zk' ? await startZooKeeper() : undefined;
  const zk = zookeeper === undefined ? undefined : `zk://${zookeeper.connectString}/mesos`;
  const args = ['local-cluster', '--json', '--agents', String(AGENTS.length), '--port', '5050', '--work-dir', path.join(workDir, 'mesos')];
  if (zk !== undefined) args.push('--zk', zk);
  const child: ResultPromise = startCli(args, { buffer: false, stdin: 'ignore' });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  let exited = false;
  void child.then(() => (exited = true));
  await waitUntil(
    'the local cluster to be ready',
    () => {
      if (exited) throw new Error(`local-cluster exited:\n${output}`);
      return output.includes('"event":"ready"') ? true : undefined;
    },
    60_000,
  );
  return {
    kind: 'embedded',
    mode,
    master: zk ?? '127.0.0.1:5050',
    masterUrl: MASTER_URL,
    agents: AGENTS,
    async restartMaster() {
      child.kill('SIGUSR2');
      await sleep(500);
    },
    async stop() {
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await child.catch(() => undefined);
      clearTimeout(timer);
      await zookeeper?.stop();
    },
  };
}

/** Alive and not a zombie (an orphan reparented to the namespace's init may stay unreaped). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
