/**
 * A rollout with the state in ZooKeeper: the active scheduler SIGKILLed mid-rollout, its standby
 * (started before the change, so with the old configuration) takes over and resumes the rollout of
 * the recorded desired state: nothing replaced twice, none left behind.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { runCli } from '../../../helpers/cli.js';
import { describeWithZooKeeper, startZooKeeper, type ZooKeeperServer } from '../../../helpers/zookeeper.js';
import {
  cleanup,
  initConf,
  startDeploy,
  startSandbox,
  waitHealthy,
  waitUntil,
  tasksRunPerAlias,
  type DeployRun,
  type Sandbox,
} from './helpers.js';

let zk: ZooKeeperServer | undefined;
let sandbox: Sandbox | undefined;
let runs: DeployRun[] = [];

afterEach(async () => {
  const stray = await cleanup(sandbox, runs, { teardown: true });
  sandbox = undefined;
  runs = [];
  expect(stray.map((p) => `${p.pid} ${p.role}`)).toEqual([]);
});

function deploy(extra: readonly string[] = []): DeployRun {
  if (sandbox === undefined) throw new Error('no sandbox');
  const run = startDeploy(sandbox, extra);
  runs.push(run);
  return run;
}

describeWithZooKeeper('rollout with deploy --state zk://', () => {
  beforeAll(async () => {
    zk = await startZooKeeper();
  }, 30_000);
  afterAll(async () => {
    await zk?.stop();
  });

  it(
    'the standby of a SIGKILLed scheduler resumes its rollout: each worker ran exactly twice (old and new task)',
    { timeout: 180_000 },
    async () => {
      sandbox = await startSandbox({ agents: 3 });
      const { confDir } = sandbox;
      await initConf(sandbox, ['--max-workers', '3', '--state', `zk://${zk!.connectString}/am-roll-${Date.now()}?session-timeout=4`]);
      const first = deploy();
      await waitHealthy(first, 4, 0, 90_000);
      const standby = deploy(['--standby']);
      await standby.waitFor('standby', (event) => event.type === 'standby');

      const file = path.join(confDir, 'alluxio-site.properties');
      await writeFile(
        file,
        (await readFile(file, 'utf8')).replace(/^alluxio\.worker\.memory\.size=.*$/m, 'alluxio.worker.memory.size=128MB'),
      );
      const follower = runCli(['deploy', '--json', '--yes', '--conf-dir', confDir], { timeoutMs: 150_000 });
      await first.waitFor(
        'worker-2 in a batch',
        (event) => event.type === 'rollout-batch' && (event.aliases as string[]).includes('worker-2'),
        {
          timeoutMs: 60_000,
        },
      );
      expect(await first.stop('SIGKILL')).toBe(137);
      await standby.waitFor('subscribed', (event) => event.type === 'subscribed', { timeoutMs: 30_000 });

      const followed = await follower;
      expect(followed.exitCode, `${followed.stdout}\n${followed.stderr}\n${standby.transcript()}`).toBe(0);
      expect(followed.stdout).toMatch(/"phase":"done"/);
      // The standby took the recorded desired state: it did not roll its older configuration back.
      expect(standby.of('desired-applied')).toEqual([]);
      // Tasks that ran, per alias: its old one and its replacement. A launch recorded but never sent
      // (the SIGKILL fell between the two) never runs; the standby relaunches it, and it is not counted.
      const ran = tasksRunPerAlias(first, standby);
      for (const alias of ['worker-1', 'worker-2', 'worker-3']) expect([alias, ran.get(alias)?.size]).toEqual([alias, 2]);
      await waitUntil('rollout done in the standby', () => (standby.of('rollout-done').length === 1 ? true : undefined), 10_000);
    },
  );
});
