/**
 * Two Alluxio masters electing their leader through a real ZooKeeper, deployed on the embedded
 * local cluster with the stand-in distribution: the leader is found where Alluxio publishes it,
 * its process is killed (found by its sandbox), the standby takes over, the workers follow it and
 * `status` names the new leader. Needs `npm run build` first (npm test does it).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithZooKeeper, startZooKeeper, type ZooKeeperServer } from '../../../helpers/zookeeper.js';
import { startOperate, standins, stopOperate, waitUntil, type OperateEnv } from './helpers.js';

const execFileAsync = promisify(execFile);

interface StatusJson {
  masters: { highAvailability: string; leader: { alias: string | null; address: string } | null; leaderSource: string | null };
  tasks: Array<{ alias: string; taskId: string; role: string; state: string; host: string | null; ports: number[] }>;
}

interface MasterInfo {
  hostname: string;
  workers: Array<{ hostname: string }>;
}

describeWithZooKeeper('high-availability masters on the local cluster', () => {
  let zk: ZooKeeperServer | undefined;
  let env: OperateEnv | undefined;
  let journal: string | undefined;

  beforeAll(async () => {
    zk = await startZooKeeper();
    journal = await mkdtemp(path.join(tmpdir(), 'am-ha-journal-'));
    const shared = journal;
    env = await startOperate({
      initFlags: [
        '--master-count',
        '2',
        '--ha',
        'zookeeper',
        '--zookeeper-address',
        zk.connectString,
        // Every agent of the local cluster is this machine: a file:// folder is a journal all masters read.
        '--journal-folder',
        `file://${shared}`,
      ],
      siteLines: ['alluxio.zookeeper.session.timeout=2s'],
      // The shared journal is formatted once, by the operator, not by two masters racing.
      beforeDeploy: async ({ confDir, distHome }) => {
        await execFileAsync(path.join(distHome, 'bin/alluxio'), ['formatMaster'], {
          env: { ...process.env, ALLUXIO_CONF_DIR: confDir, PATH: `${path.dirname(process.execPath)}:${process.env.PATH ?? ''}` },
        });
      },
      tasks: 5,
      // Masters that elect a leader have no health check (a standby listens on no port).
      ready: (event) => event.state === 'TASK_RUNNING' && (event.healthy === true || String(event.alias).startsWith('master-')),
    });
  }, 90_000);

  afterAll(async () => {
    const stray = await stopOperate(env);
    await zk?.stop();
    if (journal !== undefined) await rm(journal, { recursive: true, force: true });
    expect(stray).toEqual([]);
  });

  function ready(): OperateEnv {
    if (env === undefined) throw new Error('setup failed');
    return env;
  }

  async function status(): Promise<StatusJson> {
    return JSON.parse((await ready().cli(['status', '--json'])).stdout) as StatusJson;
  }

  /** The leader's own view, from the web port of the master task that leads. */
  async function leaderInfo(report: StatusJson): Promise<MasterInfo | undefined> {
    const task = report.tasks.find((candidate) => candidate.alias === report.masters.leader?.alias);
    if (task?.host === null || task === undefined) return undefined;
    try {
      const response = await fetch(`http://${task.host}:${task.ports[1]}/api/v1/master/info`, { signal: AbortSignal.timeout(1000) });
      return response.ok ? ((await response.json()) as MasterInfo) : undefined;
    } catch {
      return undefined;
    }
  }

  it('the other master takes over when the leader is killed, the workers follow, and status names it', { timeout: 90_000 }, async () => {
    const { cli, root } = ready();
    // One leader, named by status, with every worker registered.
    const first = await waitUntil(
      'a leader with 3 workers',
      async () => {
        const report = await status();
        return report.masters.leader?.alias !== null && (await leaderInfo(report))?.workers.length === 3 ? report : undefined;
      },
      30_000,
    );
    expect(first.masters.highAvailability).toBe('zookeeper');
    expect(first.masters.leaderSource).toBe(`zk://${zk?.connectString}/leader`);
    const before = first.masters.leader?.alias as string;
    const text = await cli(['status']);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toContain(`Leading master: ${before} (${first.masters.leader?.address}), elected through ZooKeeper`);

    // Its process, found by its sandbox (the task id in its command line), dies without a word.
    const taskId = first.tasks.find((task) => task.alias === before)?.taskId;
    const victim = (await standins(root)).find((standin) => standin.role === 'master' && standin.taskId === taskId);
    expect(victim, `the stand-in of ${taskId}`).toBeDefined();
    process.kill(victim!.pid, 'SIGKILL');

    const after = await waitUntil(
      'the other master to lead with every worker',
      async () => {
        const report = await status();
        const alias = report.masters.leader?.alias;
        return alias !== null && alias !== undefined && alias !== before && (await leaderInfo(report))?.workers.length === 3
          ? report
          : undefined;
      },
      40_000,
    );
    const leader = after.masters.leader!;
    expect(leader.alias).toBe(before === 'master-1' ? 'master-2' : 'master-1');
    const leaderTask = after.tasks.find((task) => task.alias === leader.alias)!;
    expect(leader.address).toBe(`${leaderTask.host}:${leaderTask.ports[0]}`);
    expect(((await leaderInfo(after))?.workers ?? []).map((worker) => worker.hostname).sort()).toEqual(
      after.tasks
        .filter((task) => task.role === 'worker')
        .map((task) => task.host)
        .sort(),
    );
    const shown = await cli(['status']);
    expect(shown.stdout).toContain(`Leading master: ${leader.alias} (${leader.address}), elected through ZooKeeper`);
    // Only the leader serves the web UI: status points there.
    expect(shown.stdout).toContain(`Alluxio master web UI: http://${leaderTask.host}:${leaderTask.ports[1]}\n`);
  });

  it('restart --all replaces the standby master first and the leading one last', { timeout: 150_000 }, async () => {
    const { cli, deploy, root } = ready();
    // A settled pair: a leader with every worker, and the other master (relaunched after a kill) RUNNING.
    const settle = (): Promise<StatusJson> =>
      waitUntil(
        'a leader with 3 workers and both masters running',
        async () => {
          const report = await status();
          const running = report.tasks.filter((task) => task.role === 'master' && task.state === 'TASK_RUNNING');
          const alias = report.masters.leader?.alias;
          return alias !== null && alias !== undefined && running.length === 2 && (await leaderInfo(report))?.workers.length === 3
            ? report
            : undefined;
        },
        60_000,
      );
    let settled = await settle();
    // master-1 leads, so that alias order alone (master-1, master-2) would replace the leader first.
    if (settled.masters.leader?.alias !== 'master-1') {
      const taskId = settled.tasks.find((task) => task.alias === settled.masters.leader?.alias)?.taskId;
      const victim = (await standins(root)).find((standin) => standin.role === 'master' && standin.taskId === taskId);
      process.kill(victim!.pid, 'SIGKILL');
      settled = await waitUntil(
        'master-1 to lead',
        async () => {
          const report = await settle();
          return report.masters.leader?.alias === 'master-1' ? report : undefined;
        },
        60_000,
      );
    }
    const seen = deploy.events.length;
    const restart = await cli(['restart', '--all', '--yes'], { timeoutMs: 140_000 });
    expect(restart.exitCode, restart.stderr).toBe(0);
    const masterBatches = deploy.events
      .slice(seen)
      .filter((event) => event.type === 'rollout-batch' && event.role === 'master')
      .map((event) => (event.aliases as string[]).join(','));
    expect(masterBatches).toEqual(['master-2', 'master-1']);
  });
});
