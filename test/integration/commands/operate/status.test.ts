/**
 * `alluxio-mesos status` end to end: the real binary (dist/) against a framework deployed on an
 * embedded local Mesos cluster. Needs `npm run build` first (npm test does it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOperate, standins, stopOperate, waitUntil, type OperateEnv } from './helpers.js';

let env: OperateEnv | undefined;

beforeAll(async () => {
  env = await startOperate();
});

afterAll(async () => {
  const stray = await stopOperate(env);
  expect(stray).toEqual([]);
});

function ready(): OperateEnv {
  if (env === undefined) throw new Error('setup failed');
  return env;
}

interface StatusJson {
  framework: { id: string; name: string | null; state: string; failoverTimeoutSeconds: number | null };
  webuiUrl: string | null;
  tasks: Array<{
    alias: string;
    taskId: string;
    role: string;
    state: string;
    healthy: boolean | null;
    host: string | null;
    ports: number[];
    startedAt: string | null;
    relaunches: number;
  }>;
  ok: boolean;
  problems: string[];
}

describe('status', () => {
  it('prints every task RUNNING and healthy with host, ports and the web UI, and exits 0', async () => {
    const { cli, deploy } = ready();
    const result = await cli(['status']);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const lines = result.stdout.split('\n');
    const launched = new Map(deploy.of('task-launched').map((event) => [event.alias as string, event]));
    const webui = deploy.of('master-ready')[0]?.webuiUrl as string;
    expect(webui).toMatch(/^http:\/\/127\.0\.0\.\d:\d+/);
    expect(result.stdout).toContain(`Alluxio master web UI: ${webui}`);
    expect(lines.some((line) => /^ALIAS\s+STATE\s+HEALTH\s+HOST\s+PORTS\s+AGE\s+RELAUNCHES\s+FINGERPRINT\s+SPEC$/.test(line))).toBe(true);
    const rows = lines.filter((line) => /^(master|worker)-\d/.test(line));
    expect(rows.map((row) => row.split(/\s+/)[0])).toEqual(['master-1', 'worker-1', 'worker-2', 'worker-3']);
    for (const row of rows) {
      const [alias, state, health, host, ports, age, relaunches, fingerprint, spec] = row.split(/\s+/);
      const event = launched.get(alias!);
      expect(event, alias).toBeDefined();
      expect(state).toBe('RUNNING');
      expect(health).toBe('healthy');
      expect(host).toBe(event!.hostname);
      expect(ports).toBe((event!.ports as number[]).join(','));
      expect(age).toMatch(/^\d+[smhd]$/);
      expect(relaunches).toBe('0');
      expect(fingerprint).toMatch(/^sha256:[0-9a-f]{16}$/);
      expect(spec).toBe('current');
    }
    expect(result.stdout).toContain('OK: every Alluxio task is running');
  });

  it('--json gives one document with the framework, the web UI and every task', async () => {
    const { cli, deploy } = ready();
    const result = await cli(['status', '--json']);
    expect(result.exitCode).toBe(0);
    const report = JSON.parse(result.stdout) as StatusJson;
    const subscribed = deploy.of('subscribed')[0]!;
    expect(report.framework.id).toBe(subscribed.frameworkId);
    expect(report.framework.state).toBe('active');
    expect(typeof report.framework.name).toBe('string');
    expect(report.framework.failoverTimeoutSeconds).toBeGreaterThan(0);
    expect(report.webuiUrl).toBe(deploy.of('master-ready')[0]!.webuiUrl);
    expect(report.ok).toBe(true);
    expect(report.problems).toEqual([]);
    expect(report.tasks.map((task) => task.alias)).toEqual(['master-1', 'worker-1', 'worker-2', 'worker-3']);
    const launched = new Map(deploy.of('task-launched').map((event) => [event.alias as string, event]));
    for (const task of report.tasks) {
      const event = launched.get(task.alias)!;
      expect(task).toMatchObject({
        taskId: event.taskId,
        role: task.alias.replace(/-\d+$/, ''),
        state: 'TASK_RUNNING',
        healthy: true,
        host: event.hostname,
        ports: event.ports,
        relaunches: 0,
      });
      expect(Date.parse(task.startedAt ?? '')).toBeGreaterThan(Date.now() - 5 * 60_000);
    }
  });

  it('check-ports during the deployment: exit 0, its own ports shown as held by it', async () => {
    const { cli } = ready();
    const text = await cli(['check-ports']);
    expect(text.stderr).toBe('');
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toContain('Held by this deployment (its own tasks: counted as free for it):');
    expect(text.stdout).toMatch(/^ {2}127\.0\.0\.\d: ports \d+, \d+ held by this deployment \(master-1\)$/m);
    expect(text.stdout).toMatch(/^ {2}127\.0\.0\.\d: ports \d+(, \d+)+ held by this deployment \(worker-2\)$/m);
    expect(text.stdout).toContain('OK: the deployment fits: its tasks hold their own ports');
    expect(text.stdout).not.toContain('FAILED');
    const json = JSON.parse((await cli(['check-ports', '--json'])).stdout) as {
      verdict: { ok: boolean };
      heldByDeployment: Array<{ alias: string; ports: number[] }>;
    };
    expect(json.verdict.ok).toBe(true);
    expect(json.heldByDeployment.map((held) => held.alias)).toEqual(['master-1', 'worker-1', 'worker-2', 'worker-3']);
  });

  it('exits 1 while a killed worker is being relaunched, then 0 again', { timeout: 45_000 }, async () => {
    const { cli, deploy, root } = ready();
    const before = (JSON.parse((await cli(['status', '--json'])).stdout) as StatusJson).tasks.find((task) => task.alias === 'worker-2')!;
    const victim = (await standins(root)).find((standin) => standin.taskId === before.taskId);
    expect(victim, `stand-in of ${before.taskId}`).toBeDefined();
    const reports = deploy.events.length;
    process.kill(victim!.pid, 'SIGKILL');

    // Not RUNNING (failed, then staging/starting the relaunch): status says so and exits 1.
    const notOk = await waitUntil('status to exit 1', async () => {
      const result = await cli(['status', '--json']);
      return result.exitCode === 1 ? (JSON.parse(result.stdout) as StatusJson) : undefined;
    });
    expect(notOk.ok).toBe(false);
    const worker2 = notOk.tasks.find((task) => task.alias === 'worker-2');
    expect(worker2).toBeDefined();
    expect(worker2!.state !== 'TASK_RUNNING' || worker2!.healthy === false).toBe(true);
    expect(notOk.problems.some((problem) => problem.startsWith('worker-2 '))).toBe(true);
    const text = await cli(['status']);
    // The relaunch waits for its back-off (5 s), so the text view still sees it.
    expect(text.exitCode).toBe(1);
    expect(text.stdout).toMatch(/\nNOT OK: .*worker-2 (is (?!RUNNING)[A-Z_]+|is unhealthy)/);

    await deploy.until('worker-2 relaunched and healthy', () => {
      const state = deploy.events
        .slice(reports)
        .filter((event) => event.type === 'task-state' && event.alias === 'worker-2')
        .at(-1);
      return state?.state === 'TASK_RUNNING' && state.healthy === true && state.taskId !== before.taskId ? state : undefined;
    });
    const after = await waitUntil('status to exit 0 again', async () => {
      const result = await cli(['status', '--json']);
      return result.exitCode === 0 ? (JSON.parse(result.stdout) as StatusJson) : undefined;
    });
    const relaunched = after.tasks.find((task) => task.alias === 'worker-2')!;
    expect(relaunched.taskId).not.toBe(before.taskId);
    expect(relaunched.state).toBe('TASK_RUNNING');
    expect(relaunched.healthy).toBe(true);
    expect(relaunched.relaunches).toBe(1);

    // `status worker-2` (as kubectl describe): both runs, the failure with Mesos' reason, the sandbox.
    const described = await cli(['status', 'worker-2']);
    expect(described.stderr).toBe('');
    expect(described.exitCode).toBe(0);
    const lines = described.stdout.split('\n');
    expect(lines).toContain('Alias:            worker-2');
    expect(lines).toContain('State:            RUNNING');
    expect(lines).toContain('Health:           healthy');
    expect(lines).toContain(`Task:             ${relaunched.taskId}`);
    expect(lines).toContain('Relaunches:       1');
    expect(lines.find((line) => line.startsWith('Last failure:'))).toMatch(/^Last failure:\s+FAILED at \S+Z/);
    expect(lines.find((line) => line.startsWith('Sandbox:'))).toMatch(
      new RegExp(`^Sandbox:\\s+/\\S+/${relaunched.taskId.replace(/\./g, '\\.')}/runs/`),
    );
    const runRows = lines.filter((line) => /^ {2}[12] {2}/.test(line));
    expect(runRows.map((row) => row.trim().split(/\s+/).slice(0, 3))).toEqual([
      ['1', before.taskId, 'FAILED'],
      ['2', relaunched.taskId, 'RUNNING'],
    ]);
    const json = JSON.parse((await cli(['status', 'worker-2', '--json'])).stdout) as {
      runs: Array<{ taskId: string; events: Array<{ state: string }> }>;
    };
    expect(json.runs.map((run) => run.taskId)).toEqual([before.taskId, relaunched.taskId]);
    expect(json.runs[0]!.events.map((event) => event.state)).toContain('TASK_FAILED');

    const typo = await cli(['status', 'wroker-2']);
    expect(typo.exitCode).toBe(4);
    expect(typo.stderr).toContain('is named wroker-2; did you mean worker-2?');
  });
});
