/**
 * check-ports, then deploy, status, logs, failover and teardown through the legacy (libprocess) scheduler transport,
 * on the local cluster emulating Mesos 0.23.0 and 0.27.2 (where `auto` picks it: there is no v1
 * API with stream ids) and 1.12.0 (with --transport legacy); and the same flow through the v1 API on
 * 0.28.2, the first version `auto` gives it to. The real binary, as in deploy.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';

import type { EmulatedMesosApi } from '../../../../src/emulator/mesos-api.js';
import { runCli } from '../../../helpers/cli.js';
import {
  cleanup,
  initConf,
  masterAddress,
  masterTasks,
  startDeploy,
  startSandbox,
  waitHealthy,
  type DeployEvent,
  type DeployRun,
  type Sandbox,
} from './helpers.js';

const APIS: Record<string, EmulatedMesosApi> = {
  '0.23.0': {
    version: '0.23.0',
    plainEndpoints: false,
    jsonEndpoints: true,
    versionEndpoint: false,
    operatorApi: false,
    schedulerApi: false,
    streamIds: false,
  },
  '0.27.2': {
    version: '0.27.2',
    plainEndpoints: true,
    jsonEndpoints: true,
    versionEndpoint: true,
    operatorApi: false,
    schedulerApi: true,
    streamIds: false,
  },
  '0.28.2': {
    version: '0.28.2',
    plainEndpoints: true,
    jsonEndpoints: true,
    versionEndpoint: true,
    operatorApi: false,
    schedulerApi: true,
    streamIds: true,
  },
  '1.12.0': {
    version: '1.12.0',
    plainEndpoints: true,
    jsonEndpoints: false,
    versionEndpoint: true,
    operatorApi: true,
    schedulerApi: true,
    streamIds: true,
  },
};

let sandbox: Sandbox | undefined;
let runs: DeployRun[] = [];

afterEach(async () => {
  const stray = await cleanup(sandbox, runs, { teardown: false });
  sandbox = undefined;
  runs = [];
  expect(stray.map((p) => `${p.pid} ${p.role}`)).toEqual([]);
});

function deploy(extra: readonly string[]): DeployRun {
  if (sandbox === undefined) throw new Error('no sandbox');
  const run = startDeploy(sandbox, extra);
  runs.push(run);
  return run;
}

/** All placed and every alias RUNNING (without health checks before 1.1, healthy is never reported). */
async function waitRunning(run: DeployRun, count: number): Promise<Map<string, DeployEvent>> {
  await run.waitFor('all-placed', (event) => event.type === 'all-placed');
  return run.until(`${count} tasks RUNNING`, () => {
    const states = new Map<string, DeployEvent>();
    for (const event of run.events) if (event.type === 'task-state') states.set(event.alias as string, event);
    const running = [...states.values()].filter((event) => event.state === 'TASK_RUNNING');
    return running.length === count && states.size === count ? states : undefined;
  });
}

describe.each([
  ['0.23.0', [], 'legacy'],
  ['0.27.2', [], 'legacy'],
  ['1.12.0', ['--transport', 'legacy'], 'legacy'],
  // The v1 HTTP API where it exists: chosen by auto from 0.28.0 (1.12 is what every other deploy test runs).
  ['0.28.2', [], 'v1'],
] as const)('Mesos %s', (version, transportFlags, transport) => {
  it(
    `the ${transport} transport checks ports, deploys, reports status and logs, survives a scheduler SIGKILL, and tears down`,
    { timeout: 90_000 },
    async () => {
      sandbox = await startSandbox({ agents: 2, api: APIS[version] });
      await initConf(sandbox);
      const check = await runCli(['check-ports', '--json', '--conf-dir', sandbox.confDir, '--master', masterAddress(sandbox.cluster)]);
      expect(check.exitCode, check.stderr).toBe(0);
      const first = deploy(transportFlags);
      const states = await waitRunning(first, 3);
      expect([...states.keys()].sort()).toEqual(['master-1', 'worker-1', 'worker-2']);
      // Every registration and call went over the transport chosen: libprocess, or the v1 API's streams.
      const calls = sandbox.cluster.master.schedulerCalls;
      expect(calls.length).toBeGreaterThan(0);
      const overLibprocess = calls.filter((call) => call.streamId?.startsWith('libprocess:scheduler(1)@127.0.0.1:') === true);
      expect(overLibprocess.length).toBe(transport === 'legacy' ? calls.length : 0);
      expect(first.stderr).not.toMatch(/error/i);
      const subscribed = await first.waitFor('subscribed', (event) => event.type === 'subscribed');
      const frameworkId = subscribed.frameworkId as string;
      const healthChecked = version === '1.12.0';
      expect(first.stderr.includes('has no TCP health checks (from 1.1.0); the Alluxio tasks run without them')).toBe(!healthChecked);
      // Placement ends with the last ACCEPT: with health checks, status is OK only once they answered.
      if (healthChecked) await waitHealthy(first, 3);

      const status = await runCli(['status', '--json', '--conf-dir', sandbox.confDir, '--master', masterAddress(sandbox.cluster)]);
      expect(status.exitCode, status.stderr).toBe(0);
      expect(status.stdout).toContain(frameworkId);
      const logs = await runCli(['logs', 'worker-1', '--list', '--conf-dir', sandbox.confDir, '--master', masterAddress(sandbox.cluster)]);
      expect(logs.exitCode, logs.stderr).toBe(0);
      expect(logs.stdout).toMatch(/stdout/);

      // A SIGKILLed scheduler: a second one re-registers the framework (failover) and adopts the tasks.
      const ids = new Set(masterTasks(sandbox.cluster).keys());
      expect(await first.stop('SIGKILL')).toBe(137);
      const second = deploy(transportFlags);
      const again = await second.waitFor('subscribed', (event) => event.type === 'subscribed');
      expect(again.frameworkId).toBe(frameworkId);
      expect([...(again.adopted as string[])].sort()).toEqual(['master-1', 'worker-1', 'worker-2']);
      await second.waitFor('reconciled', (event) => event.type === 'reconciled');
      expect(second.of('task-launched')).toEqual([]);
      expect(new Set(masterTasks(sandbox.cluster).keys())).toEqual(ids);
      expect(await second.stop('SIGTERM')).toBe(0);

      const teardown = await runCli([
        'teardown',
        '--yes',
        '--json',
        '--conf-dir',
        sandbox.confDir,
        '--master',
        masterAddress(sandbox.cluster),
      ]);
      expect(teardown.exitCode, teardown.stderr).toBe(0);
      await expect.poll(() => masterTasks(sandbox!.cluster).size, { timeout: 15_000 }).toBe(0);
      expect(sandbox.cluster.master.state.framework(frameworkId)).toBeUndefined();
    },
  );
});

describe('the legacy transport refuses what it cannot do, in one line', () => {
  it('a master that never connects back: the addresses to check, exit 1, nothing registered', { timeout: 60_000 }, async () => {
    sandbox = await startSandbox({ agents: 1, api: APIS['0.23.0'] });
    await initConf(sandbox);
    // Port 1 on loopback: nothing listens there, so the master's connection back is refused.
    const run = deploy(['--advertise', '127.0.0.1:1', '--timeout', '4s']);
    expect(await run.exited).toBe(1);
    const errors = run.stderr.split('\n').filter((line) => line.startsWith('error: '));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^error: the Mesos master at http:\/\/127\.0\.0\.1:\d+ took the registration but never connected back to this scheduler at scheduler\(1\)@127\.0\.0\.1:1 \(3 s\); .*--listen\/LIBPROCESS_IP.*--advertise\/LIBPROCESS_ADVERTISE_IP/,
    );
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(masterTasks(sandbox.cluster).size).toBe(0);
  });

  it('credentials: not over the driver protocol (no CRAM-MD5), exit 2, before any registration', { timeout: 60_000 }, async () => {
    sandbox = await startSandbox({ agents: 1, api: APIS['0.23.0'] });
    await initConf(sandbox);
    const run = startDeploy(sandbox, ['--principal', 'alluxio'], { ALLUXIO_MESOS_SECRET: 'not-printed' });
    runs.push(run);
    expect(await run.exited).toBe(2);
    expect(run.stderr).toMatch(
      /^error: deploy cannot authenticate over the legacy transport: the scheduler driver's CRAM-MD5 authentication is not supported; /m,
    );
    expect(run.stderr).not.toContain('not-printed');
    expect(sandbox.cluster.master.schedulerCalls).toEqual([]);
  });

  it.each([
    [['--transport', 'v2'], /^error: --transport "v2"|option '--transport <transport>' argument 'v2' is invalid/m],
    [['--listen', 'localhost:80'], /^error: --listen "localhost:80" is not an IPv4 address/m],
  ])('%j: a usage error (exit 2)', { timeout: 30_000 }, async (flags, message) => {
    sandbox = await startSandbox({ agents: 1, api: APIS['0.23.0'] });
    await initConf(sandbox);
    const run = deploy(flags);
    expect(await run.exited).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});
