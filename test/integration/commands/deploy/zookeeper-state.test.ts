/**
 * `deploy --state zk://...` against a real ZooKeeper and the embedded local cluster: one active
 * scheduler, standbys that take over when the leader is killed (no task doubled or lost), and a
 * leader frozen past its session timeout that sends not a single call once it wakes up.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { aliasOfTaskId } from '../../../../src/state/task-names.js';
import { freeze } from '../../../helpers/processes.js';
import { describeWithZooKeeper, startZooKeeper, type ZooKeeperServer } from '../../../helpers/zookeeper.js';
import { cleanup, initConf, masterTasks, startDeploy, startSandbox, waitUntil, type DeployRun, type Sandbox } from './helpers.js';

/** Short, so that takeovers are quick; the test ZooKeeper (tickTime 500 ms) grants 1-10 s. */
const SESSION_TIMEOUT_S = 4;

let zk: ZooKeeperServer | undefined;
let sandbox: Sandbox | undefined;
let runs: DeployRun[] = [];

afterEach(async () => {
  const stray = await cleanup(sandbox, runs);
  sandbox = undefined;
  runs = [];
  expect(stray.map((p) => `${p.pid} ${p.role}`)).toEqual([]);
});

function stateUrl(): string {
  if (zk === undefined) throw new Error('no ZooKeeper');
  return `zk://${zk.connectString}/am-${Math.random().toString(36).slice(2, 8)}?session-timeout=${SESSION_TIMEOUT_S}`;
}

function deploy(extra: readonly string[] = []): DeployRun {
  if (sandbox === undefined) throw new Error('no sandbox');
  const run = startDeploy(sandbox, extra);
  runs.push(run);
  return run;
}

/** Running tasks in the master, by alias: more than one id for an alias is a duplicate. */
function runningByAlias(): Map<string, string[]> {
  const byAlias = new Map<string, string[]>();
  if (sandbox === undefined) return byAlias;
  for (const [taskId, task] of masterTasks(sandbox.cluster)) {
    if (task.state !== 'TASK_RUNNING') continue;
    const alias = aliasOfTaskId(taskId) ?? taskId;
    byAlias.set(alias, [...(byAlias.get(alias) ?? []), taskId]);
  }
  return byAlias;
}

/** Polls the master every 50 ms and remembers every alias ever seen running twice. */
function watchDuplicates(): { duplicates: Set<string>; stop(): void } {
  const duplicates = new Set<string>();
  const timer = setInterval(() => {
    for (const [alias, ids] of runningByAlias()) if (ids.length > 1) duplicates.add(`${alias}: ${ids.join(', ')}`);
  }, 50);
  return { duplicates, stop: () => clearInterval(timer) };
}

async function waitAllRunning(count: number, timeoutMs = 40_000): Promise<void> {
  try {
    await waitUntil(
      `${count} aliases RUNNING in the master`,
      () => {
        const running = runningByAlias();
        return running.size === count && [...running.values()].every((ids) => ids.length === 1) ? true : undefined;
      },
      timeoutMs,
    );
  } catch (error) {
    const tasks = sandbox === undefined ? [] : [...masterTasks(sandbox.cluster)].map(([id, task]) => `${id} ${task.state}`);
    const leaders = runs.filter((run) => run.running && isElected(run)).map((run) => run.transcript().slice(-3_000));
    throw new Error(`${(error as Error).message}\nmaster tasks:\n${tasks.join('\n')}\nleader:\n${leaders.join('\n---\n')}`);
  }
}

const isElected = (run: DeployRun): boolean => run.of('scheduler-active').length > 0;

describeWithZooKeeper('deploy --state zk://', () => {
  beforeAll(async () => {
    zk = await startZooKeeper();
  }, 30_000);
  afterAll(async () => {
    await zk?.stop();
  });

  it('saves the state URL with init, refuses a second scheduler and hands over to a standby', { timeout: 90_000 }, async () => {
    sandbox = await startSandbox({ agents: 2 });
    const url = stateUrl();
    await initConf(sandbox, ['--state', url]);
    const settings = JSON.parse(await readFile(path.join(sandbox.confDir, 'alluxio-mesos.json'), 'utf8')) as { state?: string };
    expect(settings.state).toBe(url);

    const first = deploy();
    await first.waitFor('scheduler-active', (event) => event.type === 'scheduler-active');
    const subscribed = await first.waitFor('subscribed', (event) => event.type === 'subscribed');
    await waitAllRunning(3);

    const second = deploy();
    expect(await second.exited).toBe(1);
    expect(second.stderr).toContain(`another scheduler is already active for this deployment: pid ${first.pid}`);

    const standby = deploy(['--standby']);
    const waiting = await standby.waitFor('standby', (event) => event.type === 'standby');
    expect((waiting.leader as { pid: number }).pid).toBe(first.pid);
    expect(standby.of('subscribed')).toEqual([]);

    expect(await first.stop('SIGTERM')).toBe(0);
    const taken = await standby.waitFor('subscribed', (event) => event.type === 'subscribed', { timeoutMs: 20_000 });
    expect(taken.frameworkId).toBe(subscribed.frameworkId);
    await waitAllRunning(3);
    // The tasks were adopted, not launched again.
    expect(standby.of('task-launched')).toEqual([]);
  });

  it('rejects a malformed --state in one line (exit 2)', { timeout: 30_000 }, async () => {
    sandbox = await startSandbox({ agents: 1 });
    await initConf(sandbox);
    const bad = deploy(['--state', 'zk://127.0.0.1:2181']);
    expect(await bad.exited).toBe(2);
    expect(bad.stderr.trim().split('\n')[0]).toMatch(/^error: --state .*no znode path/);
  });

  it(
    'three standbys, the leader SIGKILLed ten times at random points of a 1 + 5 deploy: no task doubled or lost',
    { timeout: 400_000 },
    async () => {
      sandbox = await startSandbox({ agents: 5 });
      await initConf(sandbox, ['--state', stateUrl()]);
      const duplicates = watchDuplicates();
      const takeovers: number[] = [];
      try {
        let pool = [deploy(['--standby']), deploy(['--standby']), deploy(['--standby'])];
        let leader = await waitUntil('a leader', () => pool.find(isElected), 20_000);
        await leader.waitFor('subscribed', (event) => event.type === 'subscribed');
        for (let round = 0; round < 10; round += 1) {
          // Anywhere from mid-launch to steady state.
          await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 4_000)));
          const killedAt = Date.now();
          await leader.stop('SIGKILL');
          pool = pool.filter((run) => run !== leader);
          pool.push(deploy(['--standby']));
          const next = await waitUntil('the next leader', () => pool.find(isElected), 30_000);
          const subscribed = await next.waitFor('subscribed', (event) => event.type === 'subscribed', { timeoutMs: 30_000 });
          takeovers.push(Date.parse(subscribed.time) - killedAt);
          leader = next;
        }
        await waitAllRunning(6, 60_000);
      } finally {
        duplicates.stop();
      }
      console.log(`takeover ms (kill -> SUBSCRIBED): ${takeovers.join(', ')}`);
      expect([...duplicates.duplicates]).toEqual([]);
      expect(takeovers).toHaveLength(10);
      // Every alias of the plan runs exactly once: none lost.
      expect([...runningByAlias().keys()].sort()).toEqual(['master-1', 'worker-1', 'worker-2', 'worker-3', 'worker-4', 'worker-5']);
    },
  );

  it('a leader frozen past its session timeout sends no call after waking up, and a standby took over', { timeout: 90_000 }, async () => {
    sandbox = await startSandbox({ agents: 2 });
    await initConf(sandbox, ['--state', stateUrl()]);
    const cluster = sandbox.cluster;
    const leader = deploy();
    await leader.waitFor('scheduler-active', (event) => event.type === 'scheduler-active');
    await waitAllRunning(3);
    const standby = deploy(['--standby']);
    await standby.waitFor('standby', (event) => event.type === 'standby');

    const frozenAt = Date.now();
    const leaderStream = [...cluster.master.schedulerCalls]
      .reverse()
      .find((call) => call.type === 'SUBSCRIBE' && call.at <= frozenAt)?.streamId;
    expect(leaderStream).toBeDefined();
    await freeze(leader.pid);
    let wokenAt = Number.POSITIVE_INFINITY;
    try {
      await standby.waitFor('subscribed', (event) => event.type === 'subscribed', { timeoutMs: 30_000 });
      // Frozen well past its session's expiry, with the new leader's timers and heartbeats going on.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    } finally {
      wokenAt = Date.now();
      process.kill(leader.pid, 'SIGCONT');
    }
    expect(await leader.exited, leader.stderr).toBe(1);
    expect(leader.stderr).toContain('this scheduler lost its lease');
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    const calls = cluster.master.schedulerCalls;
    // Nothing on the old stream once frozen, and no new subscription from the woken process.
    expect(calls.filter((call) => call.streamId === leaderStream && call.at > frozenAt)).toEqual([]);
    expect(calls.filter((call) => call.type === 'SUBSCRIBE' && call.at >= wokenAt)).toEqual([]);
    // The standby drives the framework: its calls keep arriving on its own stream.
    expect(calls.some((call) => call.at > frozenAt && call.streamId !== leaderStream)).toBe(true);
    await waitAllRunning(3);
    expect(standby.running).toBe(true);
  });
});
