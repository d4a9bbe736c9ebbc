/**
 * `deploy` and the truth in Mesos, end to end (the real binary against the embedded local cluster):
 * a configuration directory that does not exist registers nothing, a deposed scheduler stops, a task
 * the ledger lost is adopted at subscribe (never doubled), and losing every agent shows in `status`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cp, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LocalCluster } from '../../../../src/emulator/cluster.js';
import { aliasOfTaskId } from '../../../../src/state/task-names.js';
import { runCli } from '../../../helpers/cli.js';
import {
  cleanup,
  initConf,
  masterAddress,
  startDeploy,
  startSandbox,
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

function deploy(confDir?: string): DeployRun {
  if (sandbox === undefined) throw new Error('no sandbox');
  const run = startDeploy(confDir === undefined ? sandbox : { ...sandbox, confDir });
  runs.push(run);
  return run;
}

async function getJson<T>(cluster: LocalCluster, endpoint: string): Promise<T> {
  const response = await fetch(`${cluster.url}${endpoint}`);
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

const LIVE = new Set(['TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING']);

/** The live task ids the master's `/master/tasks` lists, by alias. */
async function liveTasksByAlias(cluster: LocalCluster): Promise<Record<string, string[]>> {
  const { tasks } = await getJson<{ tasks: Array<{ id: string; state: string }> }>(cluster, '/master/tasks?limit=1000');
  const byAlias: Record<string, string[]> = {};
  for (const task of tasks) {
    if (!LIVE.has(task.state)) continue;
    (byAlias[aliasOfTaskId(task.id) ?? task.id] ??= []).push(task.id);
  }
  return byAlias;
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

interface LedgerFile {
  frameworkId: string;
  nextAlias: { master: number; worker: number };
  tasks: Array<{ alias: string; taskId: string; state: string }>;
}

describe('deploy and what Mesos runs', () => {
  it(
    'refuses a configuration directory that does not exist, in the foreground and with --detach: exit 2, no framework in Mesos',
    { timeout: 90_000 },
    async () => {
      sandbox = await startSandbox({ agents: 1 });
      const { cluster, dist, root } = sandbox;
      const missing = path.join(root, 'no-such-conf');
      for (const extra of [[], ['--detach']]) {
        const result = await runCli(
          [
            'deploy',
            ...extra,
            '--conf-dir',
            missing,
            '--master',
            masterAddress(cluster),
            '--jar-url',
            'LOCAL',
            '--alluxio-home',
            dist.home,
          ],
          { timeoutMs: 40_000 },
        );
        expect(result.exitCode).toBe(2);
        expect(result.stderr).toContain(`error: the configuration directory ${missing} does not exist`);
        expect(result.stderr).toContain(`run \`alluxio-mesos init --conf-dir ${missing}\` first`);
        expect(result.stdout).not.toContain('runs in the background');
      }
      // --detach started nothing: no log directory, no pid file.
      expect(await exists(path.join(root, 'logs'))).toBe(false);
      const { frameworks, completed_frameworks: completed } = await getJson<{
        frameworks: Array<{ id: string; active: boolean }>;
        completed_frameworks: unknown[];
      }>(cluster, '/master/frameworks');
      expect(frameworks).toEqual([]);
      expect(completed).toEqual([]);
    },
  );

  it('a scheduler another one fails over stops with exit 1 and does not take the framework back', { timeout: 90_000 }, async () => {
    sandbox = await startSandbox({ agents: 2 });
    await initConf(sandbox, ['--max-workers', '1']);
    teardown = true;
    const first = deploy();
    await waitHealthy(first, 2);
    const frameworkId = first.of('subscribed')[0]?.frameworkId as string;
    // The configuration and ledger copied elsewhere (as on a second host): the same framework id.
    // The lock stays behind: on another host the file state's lock does not reach, which is what
    // Mesos' failover is the last line against (ZooKeeper state is the real guard there).
    const copy = path.join(sandbox.root, 'conf-copy');
    await cp(sandbox.confDir, copy, { recursive: true, filter: (source) => path.basename(source) !== 'alluxio-mesos.lock' });
    const second = deploy(copy);
    const subscribed = await second.waitFor('the second scheduler to subscribe', (event) => event.type === 'subscribed');
    expect(subscribed.frameworkId).toBe(frameworkId);

    expect(await first.exited).toBe(1);
    expect(first.stderr).toContain(`another scheduler took over framework ${frameworkId} (Mesos: Framework failed over); this one stopped`);
    expect(first.of('mesos-error')).toEqual([expect.objectContaining({ message: 'Framework failed over' })]);
    // Never resubscribed: one connection attempt, one subscription.
    expect(first.of('connecting')).toHaveLength(1);
    expect(first.of('subscribed')).toHaveLength(1);

    // The successor holds the framework and adopted its tasks.
    await second.waitFor('all-placed', (event) => event.type === 'all-placed');
    expect(second.of('task-launched')).toEqual([]);
    expect(second.of('mesos-error')).toEqual([]);
    expect(sandbox.cluster.master.state.frameworks.get(frameworkId)?.connection?.closed).toBe(false);
    expect(Object.values(await liveTasksByAlias(sandbox.cluster)).map((ids) => ids.length)).toEqual([1, 1]);
  });

  it(
    'adopts at subscribe a running task the ledger lost (no alias doubled), and shows every agent lost in status',
    { timeout: 150_000 },
    async () => {
      // Agents that do not come back to a restarted master are given up after 2 s (Mesos: 10 min).
      sandbox = await startSandbox({ agents: 3, agentReregisterTimeoutMs: 2_000 });
      const { cluster, confDir } = sandbox;
      await initConf(sandbox, ['--max-workers', '2']);
      teardown = true;
      const first = deploy();
      await waitHealthy(first, 3);
      expect(await first.stop('SIGTERM')).toBe(0);

      // The ledger as its .bak from before worker-2's launch would be: no worker-2, and worker-2 next.
      const ledgerFile = path.join(confDir, 'alluxio-mesos-ledger.json');
      const ledger = JSON.parse(await readFile(ledgerFile, 'utf8')) as LedgerFile;
      const lost = ledger.tasks.find((task) => task.alias === 'worker-2');
      expect(lost?.state).toBe('TASK_RUNNING');
      ledger.tasks = ledger.tasks.filter((task) => task.alias !== 'worker-2');
      ledger.nextAlias.worker = 2;
      await writeFile(ledgerFile, JSON.stringify(ledger, null, 2));
      const before = await liveTasksByAlias(cluster);
      expect(Object.keys(before).sort()).toEqual(['master-1', 'worker-1', 'worker-2']);

      const second = deploy();
      const adopted = await second.waitFor('worker-2 to be adopted', (event) => event.type === 'task-adopted');
      expect(adopted).toMatchObject({ alias: 'worker-2', taskId: lost?.taskId, state: 'TASK_RUNNING' });
      const hold = await second.waitFor('launches to be allowed again', (event) => event.type === 'launch-hold-ended');
      expect(hold.outcome).toBe('reconciled');
      // Placement is over (offers suppressed): anything doubled would have been launched by now.
      await second.waitFor('all-placed', (event) => event.type === 'all-placed');
      expect(second.of('task-launched')).toEqual([]);
      expect(second.of('orphan-killed')).toEqual([]);
      expect(await liveTasksByAlias(cluster)).toEqual(before);
      const saved = JSON.parse(await readFile(ledgerFile, 'utf8')) as LedgerFile;
      expect(saved.tasks.find((task) => task.alias === 'worker-2')?.taskId).toBe(lost?.taskId);
      expect(saved.nextAlias.worker).toBe(3);
      expect((await runCli(['status', '--conf-dir', confDir])).exitCode).toBe(0);

      // Every agent lost: the master restarts without its tasks, and no agent ever comes back.
      const from = second.events.length;
      await cluster.restartMaster();
      for (let i = 0; i < 3; i += 1) await cluster.killAgent(i);
      await second.waitFor('the scheduler to resubscribe', (event) => event.type === 'subscribed', { from, timeoutMs: 30_000 });
      // Mesos gives the agents up after 2 s and says so (FAILURE); the reconciliation that follows
      // (or the next explicit retry, 5 s, 10 s, ... 60 s) records every task as gone.
      const status = await waitUntil(
        'status to exit non-zero',
        async () => {
          const result = await runCli(['status', '--conf-dir', confDir]);
          return result.exitCode === 0 ? undefined : result;
        },
        90_000,
      );
      expect(status.exitCode).toBe(1);
      // Each agent's tasks are recorded as gone as Mesos answers for that agent.
      const gone = new Set(['TASK_UNREACHABLE', 'TASK_LOST', 'TASK_GONE', 'TASK_UNKNOWN']);
      const after = await waitUntil(
        'the ledger to record every task gone',
        async () => {
          const current = JSON.parse(await readFile(ledgerFile, 'utf8')) as LedgerFile;
          return current.tasks.every((task) => gone.has(task.state)) ? current : undefined;
        },
        90_000,
      );
      expect(after.tasks.map((task) => task.alias).sort()).toEqual(['master-1', 'worker-1', 'worker-2']);
      expect((await runCli(['status', '--conf-dir', confDir])).exitCode).toBe(1);
      expect(await liveTasksByAlias(cluster)).toEqual({});
    },
  );
});
