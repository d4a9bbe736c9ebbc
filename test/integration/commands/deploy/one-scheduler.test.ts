/**
 * Exactly one active scheduler per configuration (file state), end to end with the real binary
 * against an embedded local cluster: a second deploy (foreground or --detach) is refused naming the
 * holder, no failover ping-pong; a --standby waits and takes over from a SIGKILLed holder, adopting
 * its tasks without doubling any; status tells whether a scheduler is connected; two configuration
 * directories with one parent keep their schedulers apart.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../helpers/cli.js';
import { frameworkLogPath, lockPath, pidFilePath } from '../../../../src/state/files.js';
import { aliasOfTaskId } from '../../../../src/state/task-names.js';
import {
  cleanup,
  initConf,
  masterTasks,
  startDeploy,
  startSandbox,
  waitHealthy,
  waitUntil,
  type DeployRun,
  type Sandbox,
} from './helpers.js';

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

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Every line of a detached scheduler's log, parsed: each must be one JSON object. */
async function ndjson(file: string): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(file, 'utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const record = JSON.parse(line) as unknown;
      expect(typeof record === 'object' && record !== null && !Array.isArray(record), line).toBe(true);
      return record as Record<string, unknown>;
    });
}

/** Live tasks of the master per alias. */
function tasksPerAlias(current: Sandbox): Map<string, number> {
  const counts = new Map<string, number>();
  for (const taskId of masterTasks(current.cluster).keys()) {
    const alias = aliasOfTaskId(taskId) ?? taskId;
    counts.set(alias, (counts.get(alias) ?? 0) + 1);
  }
  return counts;
}

const REFUSED = /another scheduler is already active for this deployment: pid (\d+) on \S+ since \d{4}-\d\d-\d\dT/;

describe('one active scheduler per configuration', () => {
  it('refuses a second deploy (foreground or --detach) naming the holder, with no failover ping-pong', { timeout: 60_000 }, async () => {
    sandbox = await startSandbox({ agents: 1 });
    await initConf(sandbox, ['--max-workers', '1']);
    const first = deploy();
    await waitHealthy(first, 2);
    const reportsBefore = first.events.length;

    const foreground = await runCli(['deploy', '--conf-dir', sandbox.confDir], { timeoutMs: 20_000 });
    expect(foreground.exitCode).toBe(1);
    expect(foreground.stderr).toMatch(REFUSED);
    expect(foreground.stderr.match(REFUSED)?.[1]).toBe(String(first.pid));
    expect(foreground.stderr).toContain('deploy --standby');

    const detached = await runCli(['deploy', '--detach', '--conf-dir', sandbox.confDir], { timeoutMs: 20_000 });
    expect(detached.exitCode).toBe(1);
    expect(detached.stderr.match(REFUSED)?.[1]).toBe(String(first.pid));
    expect(detached.stdout).toBe('');
    // Nothing started in the background: no pid file, and the holder's lock is untouched.
    await expect(stat(pidFilePath(sandbox.confDir))).rejects.toThrow();
    expect(JSON.parse(await readFile(lockPath(sandbox.confDir), 'utf8'))).toMatchObject({ pid: first.pid });

    // The holder was never failed over: still subscribed once, no error, no reconnection.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(first.running).toBe(true);
    const since = first.events.slice(reportsBefore);
    expect(since.filter((event) => ['subscribed', 'mesos-error', 'disconnected', 'connecting'].includes(event.type))).toEqual([]);
    expect(first.of('subscribed')).toHaveLength(1);
  });

  it('of two concurrent `deploy --detach`, exactly one runs; the log stays NDJSON', { timeout: 60_000 }, async () => {
    sandbox = await startSandbox({ agents: 1 });
    await initConf(sandbox, ['--max-workers', '1']);
    const { confDir } = sandbox;
    const results = await Promise.all(
      [0, 1].map(() => runCli(['deploy', '--detach', '--json', '--conf-dir', confDir], { timeoutMs: 40_000 })),
    );
    const codes = results.map((result) => result.exitCode).sort();
    expect(codes, JSON.stringify(results)).toEqual([0, 1]);
    const winner = results.find((result) => result.exitCode === 0)!;
    const loser = results.find((result) => result.exitCode === 1)!;
    const answer = JSON.parse(winner.stdout) as { pid: number; frameworkId: string; log: string; pidFile: string };
    expect(answer.log).toBe(frameworkLogPath(confDir));
    expect(answer.pidFile).toBe(pidFilePath(confDir));
    expect(loser.stderr.match(REFUSED)?.[1]).toBe(String(answer.pid));
    expect((await readFile(pidFilePath(confDir), 'utf8')).trim()).toBe(String(answer.pid));
    expect([...sandbox.cluster.master.state.frameworks.keys()]).toEqual([answer.frameworkId]);

    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(alive(answer.pid)).toBe(true);
    // Both children wrote to the one log: every line is a JSON object; one subscription, no error from Mesos.
    const records = await ndjson(frameworkLogPath(confDir));
    expect(records.filter((record) => record.type === 'subscribed')).toHaveLength(1);
    expect(records.filter((record) => record.type === 'mesos-error' || record.type === 'disconnected')).toEqual([]);
    // A refused child (if the race reached the child) recorded its error as a record, never a plain line.
    for (const record of records.filter((record) => record.type === 'error')) {
      expect(JSON.stringify(record.error)).toMatch(/another scheduler is already active/);
    }

    // teardown stops the background scheduler (it is the lock's holder) and clears its files.
    const torn = await runCli(['teardown', '--yes', '--json', '--conf-dir', confDir], { timeoutMs: 30_000 });
    expect(torn.exitCode, torn.stderr).toBe(0);
    expect(JSON.parse(torn.stdout)).toMatchObject({ tornDown: true, stoppedScheduler: answer.pid, stoppedStandbys: [] });
    expect(alive(answer.pid)).toBe(false);
    await expect(stat(pidFilePath(confDir))).rejects.toThrow();
  });

  it(
    'a --standby waits, takes over from a SIGKILLed holder and adopts its tasks; status tells whether a scheduler is connected',
    { timeout: 120_000 },
    async () => {
      sandbox = await startSandbox({ agents: 3 });
      await initConf(sandbox);
      const current = sandbox;
      const leader = deploy();
      await waitHealthy(leader, 4);
      const standby = deploy(['--standby']);
      const waiting = await standby.waitFor('standing by', (event) => event.type === 'standby');
      expect(waiting.leader).toMatchObject({ pid: leader.pid });

      // status: connected, the leader named, the standby listed; exit 0.
      const healthy = await waitUntil('status to list the standby', async () => {
        const result = await runCli(['status', '--json', '--conf-dir', current.confDir]);
        const report = JSON.parse(result.stdout) as { scheduler: { standbys: unknown[] } };
        return report.scheduler.standbys.length === 1 ? result : undefined;
      });
      expect(healthy.exitCode).toBe(0);
      expect(JSON.parse(healthy.stdout).scheduler).toMatchObject({
        connected: true,
        active: { pid: leader.pid },
        standbys: [{ pid: standby.pid }],
        disconnectedSince: null,
      });
      const text = await runCli(['status', '--conf-dir', current.confDir]);
      expect(text.exitCode).toBe(0);
      expect(text.stdout).toMatch(
        new RegExp(`\\nScheduler: connected, pid ${leader.pid} on \\S+ since \\S+; standby: pid ${standby.pid} `),
      );
      expect(standby.of('subscribed')).toEqual([]);
      const before = tasksPerAlias(current);
      expect([...before.values()]).toEqual([1, 1, 1, 1]);

      const killedAt = Date.now();
      await leader.stop('SIGKILL');
      const subscribed = await standby.waitFor('the standby to take over', (event) => event.type === 'subscribed', { timeoutMs: 20_000 });
      const takeoverMs = Date.now() - killedAt;
      console.log(`takeover after SIGKILL of the holder: ${takeoverMs} ms (kill to SUBSCRIBED)`);
      expect(subscribed.frameworkId).toBe(leader.of('subscribed')[0]!.frameworkId);
      expect([...(subscribed.adopted as string[])].sort()).toEqual(['master-1', 'worker-1', 'worker-2', 'worker-3']);
      expect(standby.of('scheduler-active')[0]).toMatchObject({ pid: standby.pid, tookOver: true });
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      // Adopted, not doubled: still one task per alias, and none launched by the new holder.
      expect(standby.of('task-launched')).toEqual([]);
      expect(tasksPerAlias(current)).toEqual(before);

      // No scheduler at all: status says so first and exits 1.
      await standby.stop('SIGKILL');
      const orphaned = await waitUntil('status to see no scheduler', async () => {
        const result = await runCli(['status', '--conf-dir', current.confDir]);
        return result.exitCode === 1 ? result : undefined;
      });
      expect(orphaned.stdout.split('\n')[0]).toMatch(
        /^No scheduler connected since \d{4}-\d\d-\d\dT\S+: failed tasks will not be relaunched; Mesos keeps the tasks until \d{4}-\d\d-\d\dT\S+$/,
      );
      const json = await runCli(['status', '--json', '--conf-dir', current.confDir]);
      expect(json.exitCode).toBe(1);
      const report = JSON.parse(json.stdout) as { ok: boolean; problems: string[]; scheduler: Record<string, unknown> };
      expect(report.ok).toBe(false);
      expect(report.problems[0]).toMatch(/^no scheduler connected since /);
      expect(report.scheduler).toMatchObject({ connected: false, active: null, standbys: [] });
      expect(report.scheduler.disconnectedSince).not.toBeNull();
      expect(report.scheduler.tasksKeptUntil).not.toBeNull();

      // An id Mesos does not know is an error, not a report about some other framework.
      const unknown = await runCli(['status', '--framework-id', 'no-such-framework', '--conf-dir', current.confDir]);
      expect(unknown.exitCode).toBe(4);
      expect(unknown.stdout).toBe('');
      expect(unknown.stderr).toContain('Mesos knows no framework no-such-framework');
    },
  );

  it('two configuration directories with one parent: teardown of one leaves the other scheduler running', { timeout: 90_000 }, async () => {
    sandbox = await startSandbox({ agents: 1 });
    const current = sandbox;
    await initConf(current, ['--max-workers', '1']);
    const confB = path.join(current.root, 'conf-b');
    const b: Sandbox = { ...current, confDir: confB };
    // The other deployment's Alluxio ports come from the agents' spare range.
    await initConf(b, [
      '--max-workers',
      '1',
      '--master-port',
      '31100',
      '--master-web-port',
      '31101',
      '--worker-port',
      '31102',
      '--worker-data-port',
      '31103',
      '--worker-web-port',
      '31104',
    ]);
    const started = await Promise.all(
      [current.confDir, confB].map(async (confDir) => {
        const result = await runCli(['deploy', '--detach', '--json', '--conf-dir', confDir, '--name', path.basename(confDir)], {
          timeoutMs: 40_000,
        });
        expect(result.exitCode, result.stderr).toBe(0);
        return JSON.parse(result.stdout) as { pid: number; frameworkId: string; log: string };
      }),
    );
    const [a, other] = started as [(typeof started)[0], (typeof started)[0]];
    expect(a.log).not.toBe(other.log);
    expect(path.dirname(a.log)).toBe(current.confDir);
    try {
      const torn = await runCli(['teardown', '--yes', '--json', '--conf-dir', current.confDir], { timeoutMs: 30_000 });
      expect(torn.exitCode, torn.stderr).toBe(0);
      expect(JSON.parse(torn.stdout)).toMatchObject({ frameworkId: a.frameworkId, stoppedScheduler: a.pid });
      expect(alive(a.pid)).toBe(false);
      // The other deployment's scheduler, pid file and framework are untouched.
      expect(alive(other.pid)).toBe(true);
      expect((await readFile(pidFilePath(confB), 'utf8')).trim()).toBe(String(other.pid));
      const frameworks = (await (await fetch(`${current.cluster.url}/master/frameworks`)).json()) as {
        frameworks: Array<{ id: string; active: boolean }>;
      };
      expect(frameworks.frameworks.map((framework) => [framework.id, framework.active])).toEqual([[other.frameworkId, true]]);
      for (const record of await ndjson(frameworkLogPath(confB))) expect(record.type).not.toBe('error');
    } finally {
      await runCli(['teardown', '--yes', '--conf-dir', confB], { timeoutMs: 30_000 });
    }
    expect(alive(other.pid)).toBe(false);
  });
});
