/**
 * Day-2 changes end to end with the real binary against an embedded local cluster: a changed
 * configuration handed to the running scheduler and rolled out in batches (the healthy workers,
 * sampled from the Mesos master every 100 ms, never fewer than workers - max-unavailable), a
 * replacement that fails halting the rollout (status says where and why, undo restores), scale
 * 3 -> 5 -> 2 and the restart of one alias.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, REPO_ROOT, runCli, startCli } from '../../../helpers/cli.js';
import { ptyAvailable, startPty } from '../../../helpers/pty.js';
import { isTerminal } from '../../../../src/emulator/master/model.js';
import type { LocalCluster } from '../../../../src/emulator/cluster.js';
import { aliasOfTaskId } from '../../../../src/state/task-names.js';
import { cleanup, initConf, startDeploy, startSandbox, waitHealthy, tasksRunPerAlias, type DeployRun, type Sandbox } from './helpers.js';

let sandbox: Sandbox | undefined;
let runs: DeployRun[] = [];
let blocker: Server | undefined;

afterEach(async () => {
  await new Promise<void>((resolve) => (blocker === undefined ? resolve() : blocker.close(() => resolve())));
  blocker = undefined;
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

/** Worker tasks RUNNING and healthy, as the Mesos master has them now. */
function healthyWorkers(cluster: LocalCluster): number {
  let count = 0;
  for (const framework of cluster.master.state.frameworks.values()) {
    for (const task of framework.tasks.values()) {
      if (isTerminal(task.state) || !(aliasOfTaskId(task.taskId) ?? '').startsWith('worker-')) continue;
      if (task.state === 'TASK_RUNNING' && task.latestStatus?.healthy === true) count += 1;
    }
  }
  return count;
}

async function setProperty(confDir: string, key: string, value: string): Promise<void> {
  const file = path.join(confDir, 'alluxio-site.properties');
  const text = await readFile(file, 'utf8');
  const line = new RegExp(`^${key.replace(/\./g, '\\.')}=.*$`, 'm');
  await writeFile(file, line.test(text) ? text.replace(line, `${key}=${value}`) : `${text}\n${key}=${value}\n`);
}

interface StatusJson {
  ok: boolean;
  problems: string[];
  tasks: Array<{ alias: string; role: string; state: string; fingerprint: string | null; outdated: boolean | null; taskId: string }>;
  desired: { revision: number; fingerprints: { master: string; worker: string }; outdated: string[]; workers: { desired: number | null } };
  rollout: { phase: string; replaced: string[]; halt: { alias: string; reason: string } | null } | null;
}

async function status(confDir: string): Promise<StatusJson> {
  const result = await runCli(['status', '--json', '--conf-dir', confDir], { timeoutMs: 20_000 });
  return JSON.parse(result.stdout) as StatusJson;
}

describe('rolling changes', () => {
  it(
    'rolls a worker memory change out over 1 + 5 in batches of 2, never below 3 healthy workers, all on the new fingerprint',
    { timeout: 240_000 },
    async () => {
      sandbox = await startSandbox({ agents: 5 });
      const { confDir, cluster } = sandbox;
      await initConf(sandbox, ['--max-workers', '5']);
      const first = deploy();
      await waitHealthy(first, 6, 0, 90_000);
      const before = await status(confDir);
      const oldWorker = before.desired.fingerprints.worker;
      expect(before.tasks.filter((t) => t.role === 'worker').map((t) => t.fingerprint)).toEqual(Array(5).fill(oldWorker));

      await setProperty(confDir, 'alluxio.worker.memory.size', '128MB');
      const dry = await runCli(['deploy', '--dry-run', '--json', '--max-unavailable', '2', '--conf-dir', confDir]);
      expect(dry.exitCode, dry.stderr).toBe(0);
      const plan = (JSON.parse(dry.stdout) as { rollout: { changes: Array<{ role: string; aliases: string[]; changes: string[] }> } })
        .rollout;
      expect(plan.changes.find((c) => c.role === 'worker')).toMatchObject({
        aliases: ['worker-1', 'worker-2', 'worker-3', 'worker-4', 'worker-5'],
        changes: expect.arrayContaining(['alluxio.worker.memory.size 256MB -> 128MB']),
      });

      let lowest = Number.POSITIVE_INFINITY;
      let samples = 0;
      const sampler = setInterval(() => {
        lowest = Math.min(lowest, healthyWorkers(cluster));
        samples += 1;
      }, 100);
      const started = Date.now();
      const change = await runCli(['deploy', '--json', '--yes', '--max-unavailable', '2', '--conf-dir', confDir], { timeoutMs: 200_000 });
      clearInterval(sampler);
      expect(change.exitCode, `${change.stdout}\n${change.stderr}\n${first.transcript()}`).toBe(0);
      const records = change.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(records[0]).toMatchObject({ type: 'plan' });
      expect(records.at(-1)).toMatchObject({ type: 'rollout', phase: 'done' });
      console.log(
        `rollout of 5 workers + 1 master, --max-unavailable 2: ${Date.now() - started} ms; lowest healthy workers ${lowest} in ${samples} samples`,
      );

      // One scheduler all along: the change went to it; every task now runs the new specification.
      expect(first.running).toBe(true);
      expect(first.of('subscribed')).toHaveLength(1);
      expect(lowest).toBeGreaterThanOrEqual(3);
      expect(samples).toBeGreaterThan(10);
      const after = await status(confDir);
      expect(after.desired.fingerprints.worker).not.toBe(oldWorker);
      const workers = after.tasks.filter((t) => t.role === 'worker' && t.state === 'TASK_RUNNING');
      expect(workers.map((t) => t.fingerprint)).toEqual(Array(5).fill(after.desired.fingerprints.worker));
      expect(after.desired.outdated).toEqual([]);
      // Nothing replaced twice: each alias was killed once by the rollout.
      const replaced = first.of('rollout-replaced').map((event) => event.alias as string);
      expect(new Set(replaced).size).toBe(replaced.length);
      expect(replaced.filter((alias) => alias.startsWith('worker-')).sort()).toEqual([
        'worker-1',
        'worker-2',
        'worker-3',
        'worker-4',
        'worker-5',
      ]);
    },
  );

  it(
    'halts on a replacement that fails, leaves the rest on the old specification, and undo restores it',
    { timeout: 180_000 },
    async () => {
      sandbox = await startSandbox({ agents: 3 });
      const { confDir } = sandbox;
      await initConf(sandbox, ['--max-workers', '3']);
      const first = deploy();
      await waitHealthy(first, 4, 0, 90_000);
      const oldWorker = (await status(confDir)).desired.fingerprints.worker;

      // The new worker's web port is held on every agent address: it exits at once (EADDRINUSE).
      const port = 31_500;
      blocker = createServer();
      await new Promise<void>((resolve) => blocker!.listen(port, '0.0.0.0', resolve));
      await setProperty(confDir, 'alluxio.worker.web.port', String(port));
      const change = await runCli(['deploy', '--json', '--yes', '--conf-dir', confDir], { timeoutMs: 150_000 });
      expect(change.exitCode, `${change.stdout}\n${change.stderr}\n${first.transcript()}`).toBe(1);

      const halted = await status(confDir);
      expect(halted.ok).toBe(false);
      expect(halted.rollout).toMatchObject({ phase: 'halted', halt: { alias: 'worker-1' } });
      expect(halted.problems.join('\n')).toMatch(/rollout \d+ halted at worker-1: the replacement of worker-1 .* ended FAILED/);
      const others = halted.tasks.filter((t) => t.role === 'worker' && t.alias !== 'worker-1');
      expect(others.map((t) => [t.alias, t.state, t.fingerprint])).toEqual([
        ['worker-2', 'TASK_RUNNING', oldWorker],
        ['worker-3', 'TASK_RUNNING', oldWorker],
      ]);
      const rolloutStatus = await runCli(['rollout', 'status', '--conf-dir', confDir]);
      expect(rolloutStatus.exitCode).toBe(1);
      expect(rolloutStatus.stdout).toMatch(/HALTED at worker-1/);

      const undo = await runCli(['rollout', 'undo', '--yes', '--json', '--conf-dir', confDir], { timeoutMs: 120_000 });
      expect(undo.exitCode, `${undo.stdout}\n${undo.stderr}`).toBe(0);
      const deadline = Date.now() + 60_000;
      let restored: StatusJson;
      for (;;) {
        restored = await status(confDir);
        const running = restored.tasks.filter((t) => t.role === 'worker' && t.state === 'TASK_RUNNING' && t.fingerprint === oldWorker);
        if (running.length === 3 || Date.now() > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      expect(restored.desired.fingerprints.worker).toBe(oldWorker);
      expect(restored.tasks.filter((t) => t.role === 'worker' && t.state === 'TASK_RUNNING').map((t) => t.fingerprint)).toEqual(
        Array(3).fill(oldWorker),
      );
    },
  );

  it('scales 3 -> 5 -> 2 (newest stop first) and restarts one alias with the same specification', { timeout: 180_000 }, async () => {
    sandbox = await startSandbox({ agents: 5 });
    const { confDir } = sandbox;
    await initConf(sandbox, ['--max-workers', '3']);
    const first = deploy();
    await waitHealthy(first, 4, 0, 90_000);

    const up = await runCli(['scale', '--workers', '5', '--yes', '--conf-dir', confDir], { timeoutMs: 90_000 });
    expect(up.exitCode, `${up.stdout}\n${up.stderr}`).toBe(0);
    let now = await status(confDir);
    expect(now.tasks.filter((t) => t.role === 'worker' && t.state === 'TASK_RUNNING').map((t) => t.alias)).toEqual([
      'worker-1',
      'worker-2',
      'worker-3',
      'worker-4',
      'worker-5',
    ]);

    const down = await runCli(['scale', '--workers', '2', '--yes', '--conf-dir', confDir], { timeoutMs: 90_000 });
    expect(down.exitCode, `${down.stdout}\n${down.stderr}`).toBe(0);
    expect(down.stdout).toMatch(/workers: 5 -> 2 \(the newest workers stop first, gracefully\)/);
    now = await status(confDir);
    expect(now.tasks.filter((t) => t.role === 'worker').map((t) => [t.alias, t.state])).toEqual([
      ['worker-1', 'TASK_RUNNING'],
      ['worker-2', 'TASK_RUNNING'],
    ]);
    expect(now.desired.workers.desired).toBe(2);

    const before = now.tasks.find((t) => t.alias === 'worker-2')!;
    const untouched = now.tasks.find((t) => t.alias === 'worker-1')!;
    const restart = await runCli(['restart', 'worker-2', '--yes', '--conf-dir', confDir], { timeoutMs: 90_000 });
    expect(restart.exitCode, `${restart.stdout}\n${restart.stderr}`).toBe(0);
    now = await status(confDir);
    const restarted = now.tasks.find((t) => t.alias === 'worker-2')!;
    expect(restarted.taskId).not.toBe(before.taskId);
    expect(restarted.fingerprint).toBe(before.fingerprint);
    expect(restarted.state).toBe('TASK_RUNNING');
    expect(now.tasks.find((t) => t.alias === 'worker-1')!.taskId).toBe(untouched.taskId);

    // Every worker: each one a new task, same specification; the master untouched.
    const masterBefore = now.tasks.find((t) => t.alias === 'master-1')!;
    const workerIds = now.tasks.filter((t) => t.role === 'worker').map((t) => t.taskId);
    const all = await runCli(['restart', '--workers', '--yes', '--conf-dir', confDir], { timeoutMs: 90_000 });
    expect(all.exitCode, `${all.stdout}\n${all.stderr}`).toBe(0);
    expect(all.stdout).toMatch(/worker-1\.\.2: restart with the same specification/);
    now = await status(confDir);
    const workersNow = now.tasks.filter((t) => t.role === 'worker');
    expect(workersNow.map((t) => t.state)).toEqual(['TASK_RUNNING', 'TASK_RUNNING']);
    expect(workersNow.filter((t) => workerIds.includes(t.taskId))).toEqual([]);
    expect(now.tasks.find((t) => t.alias === 'master-1')!.taskId).toBe(masterBefore.taskId);

    const missing = await runCli(['restart', 'worker-9', '--yes', '--conf-dir', confDir]);
    expect(missing.exitCode).toBe(4);
    expect(missing.stderr).toMatch(/no running task is named worker-9/);
    expect(first.running).toBe(true);

    // Without a scheduler nothing would apply a change: said, exit 1; the state is left as it was.
    expect(await first.stop('SIGTERM')).toBe(0);
    const orphan = await runCli(['scale', '--workers', '3', '--yes', '--conf-dir', confDir]);
    expect(orphan.exitCode).toBe(1);
    expect(orphan.stderr).toMatch(/^error: no scheduler is running for this deployment .*: nothing would apply the scale to 3 worker\(s\)/);
    expect((await status(confDir)).desired.workers.desired).toBe(2);
  });

  it(
    'a scheduler SIGKILLed mid-rollout is succeeded by the next deploy, which resumes it: nothing replaced twice, none left behind',
    { timeout: 180_000 },
    async () => {
      sandbox = await startSandbox({ agents: 4 });
      const { confDir } = sandbox;
      await initConf(sandbox, ['--max-workers', '4']);
      const first = deploy();
      await waitHealthy(first, 5, 0, 90_000);
      const oldWorker = (await status(confDir)).desired.fingerprints.worker;

      await setProperty(confDir, 'alluxio.worker.memory.size', '128MB');
      const follower = runCli(['deploy', '--json', '--yes', '--conf-dir', confDir], { timeoutMs: 150_000 });
      // Killed with worker-1 replaced and worker-2 on its way.
      await first.waitFor(
        'worker-2 in a batch',
        (event) => event.type === 'rollout-batch' && (event.aliases as string[]).includes('worker-2'),
        {
          timeoutMs: 60_000,
        },
      );
      expect(await first.stop('SIGKILL')).toBe(137);

      const second = deploy();
      const followed = await follower;
      expect(followed.exitCode, `${followed.stdout}\n${followed.stderr}\n${second.transcript()}`).toBe(0);
      expect(followed.stdout).toMatch(/"phase":"done"/);

      const after = await status(confDir);
      const workers = after.tasks.filter((t) => t.role === 'worker' && t.state === 'TASK_RUNNING');
      expect(workers.map((t) => t.fingerprint)).toEqual(Array(4).fill(after.desired.fingerprints.worker));
      expect(after.desired.fingerprints.worker).not.toBe(oldWorker);
      // Each worker alias ran two tasks in all: its first one and one replacement. A launch recorded
      // but never sent (the SIGKILL fell between the two) never runs; it is relaunched, not counted.
      const ran = tasksRunPerAlias(first, second);
      for (const alias of ['worker-1', 'worker-2', 'worker-3', 'worker-4']) expect([alias, ran.get(alias)?.size]).toEqual([alias, 2]);
      expect(second.of('rollout-done')).toHaveLength(1);
    },
  );

  it('refuses bad input in one line, with the fix and a distinct exit code', { timeout: 30_000 }, async () => {
    for (const [args, pattern] of [
      [['scale'], /^error: scale needs --workers <n>; e\.g\. alluxio-mesos scale --workers 5$/],
      [['scale', '--workers', 'five'], /^error: --workers "five" must be a whole number/],
      [['restart'], /^error: restart needs exactly one of: an alias \(worker-3\), --workers or --all/],
      [['restart', 'worker-1', '--all'], /^error: restart needs exactly one of/],
      [['restart', '--workers', '--max-unavailable', '0'], /^error: --max-unavailable "0" must be a count/],
    ] as const) {
      const result = await runCli([...args]);
      expect([args.join(' '), result.exitCode]).toEqual([args.join(' '), 2]);
      expect(result.stderr).toMatch(pattern);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it.runIf(ptyAvailable)(
    'an interactive deploy with a change shows the plan and asks once; no leaves everything as it was',
    { timeout: 120_000 },
    async () => {
      sandbox = await startSandbox({ agents: 2 });
      const { confDir } = sandbox;
      await initConf(sandbox, ['--max-workers', '2']);
      const first = deploy();
      await waitHealthy(first, 3, 0, 90_000);
      await setProperty(confDir, 'alluxio.worker.memory.size', '128MB');
      const inTerminal = (): ReturnType<typeof startPty> =>
        startPty(`node ${BIN} deploy --conf-dir '${confDir}'; echo "EXIT=$?"`, {
          cwd: REPO_ROOT,
          env: cleanEnv({ NO_COLOR: '1' }),
          timeoutMs: 90_000,
        });

      const declined = inTerminal();
      await declined.expectAndSend('Apply this change?', 'n\r');
      await declined.exit;
      expect(declined.output()).toMatch(/worker-1\.\.2: task mem \d+ -> \d+ MB, alluxio\.worker\.memory\.size 256MB -> 128MB/);
      expect(declined.output()).toMatch(/EXIT=130/);
      expect((await status(confDir)).desired.revision).toBe(1);

      const accepted = inTerminal();
      await accepted.expectAndSend('Apply this change?', 'y\r');
      await accepted.exit;
      // One plan and one question (inquirer redraws the question line as the answer is typed).
      expect(accepted.output().match(/Plan \(/g)).toHaveLength(1);
      expect(
        accepted
          .output()
          .split(/Apply this change\?/)
          .at(-1),
      ).toMatch(/rollout 2 done/);
      expect(accepted.output()).toMatch(/rollout 2 done: replaced worker-1\.\.2, master-1/);
      expect(accepted.output()).toMatch(/EXIT=0/);
    },
  );

  it('Ctrl-C stops following a handed-over change, not the rollout', { timeout: 120_000 }, async () => {
    sandbox = await startSandbox({ agents: 2 });
    const { confDir } = sandbox;
    await initConf(sandbox, ['--max-workers', '2']);
    const first = deploy();
    await waitHealthy(first, 3, 0, 90_000);
    await setProperty(confDir, 'alluxio.worker.memory.size', '128MB');
    const follower = startCli(['deploy', '--yes', '--conf-dir', confDir], { env: cleanEnv(), stdin: 'ignore' });
    let out = '';
    follower.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    await first.waitFor('the first batch', (event) => event.type === 'rollout-batch');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    follower.kill('SIGINT');
    const stopped = await follower;
    expect(stopped.exitCode, `${out}\n${String(stopped.stderr)}`).toBe(130);
    expect(String(stopped.stderr)).toContain('stopped following; the rollout goes on (alluxio-mesos rollout status)');
    // The scheduler carries on to the end.
    await first.waitFor('rollout-done', (event) => event.type === 'rollout-done', { timeoutMs: 60_000 });
    const rollout = await runCli(['rollout', 'status', '--json', '--conf-dir', confDir]);
    expect(rollout.exitCode).toBe(0);
    expect(JSON.parse(rollout.stdout)).toMatchObject({ phase: 'done', done: ['worker-1', 'worker-2', 'master-1'] });
  });
});
