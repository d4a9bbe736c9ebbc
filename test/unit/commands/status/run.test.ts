/**
 * `status` run in-process against a fake master and a ledger file: the exact table, the JSON
 * document, and the exit code monitoring scripts rely on.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runStatus, type StatusFlags } from '../../../../src/commands/status/run.js';
import { resolveGlobals, type RawGlobalOptions } from '../../../../src/context/context.js';
import { noTermination } from '../../../../src/context/termination.js';
import { ledgerPath } from '../../../../src/state/files.js';
import { emptyLedger, fileLedgerStore, type LedgerTask } from '../../../../src/state/ledger.js';
import { agent, cpus, mem, ports, startFakeMesos, type FakeMesos } from '../../../helpers/fake-mesos.js';
import { testIo, type TestIo } from '../../../helpers/test-io.js';

const FRAMEWORK_ID = 'F-0001';
/** 2026-11-24 20:35:00 UTC, in Mesos' seconds. */
const STARTED = 1_795_552_500;

let dir: string;
let mesos: FakeMesos;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'am-cmd-status-'));
  // The AGE column counts from now: 45 minutes after the tasks started.
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime((STARTED + 45 * 60) * 1000);
});
afterEach(async () => {
  vi.useRealTimers();
  await mesos.close();
  await rm(dir, { recursive: true, force: true });
});

function v1Task(taskId: string, agentId: string, state: string, healthy: boolean | undefined, range: [number, number]) {
  return {
    task_id: { value: taskId },
    framework_id: { value: FRAMEWORK_ID },
    agent_id: { value: agentId },
    name: taskId.includes('master') ? 'AlluxioMaster' : 'AlluxioWorker',
    state,
    statuses: [{ state, timestamp: STARTED, ...(healthy === undefined ? {} : { healthy }) }],
    resources: [ports([range])],
  };
}

function ledgerTask(alias: string, taskId: string, hostname: string, ports: number[], relaunchCount: number): LedgerTask {
  return {
    alias,
    role: alias.startsWith('master') ? 'master' : 'worker',
    taskId,
    agentId: `S-${hostname}`,
    hostname,
    ports,
    state: 'TASK_RUNNING',
    healthy: true,
    launchedAt: STARTED * 1000,
    relaunchCount,
    failures: [],
    lastFailure: undefined,
    killRequested: undefined,
    relaunchAt: undefined,
    crashLooped: false,
  };
}

/** A deployment of one master and two workers, as Mesos and the ledger both see it. */
async function deployed(options: { worker2: { state: string; healthy: boolean | undefined } }): Promise<void> {
  mesos = await startFakeMesos(() => ({
    agents: [agent('a1', 5051, [cpus(4), mem(8192)]), agent('a2', 5051, [cpus(4), mem(8192)])],
    frameworks: [
      {
        framework_info: { id: { value: FRAMEWORK_ID }, name: 'alluxio', user: 'root', failover_timeout: 604800 },
        active: true,
        connected: true,
      },
    ],
    tasks: [
      v1Task('alluxio-master-1.aa', 'S-a1', 'TASK_RUNNING', true, [19998, 19999]),
      v1Task('alluxio-worker-1.bb', 'S-a1', 'TASK_RUNNING', true, [29998, 30000]),
      v1Task('alluxio-worker-2.cc', 'S-a2', options.worker2.state, options.worker2.healthy, [29998, 30000]),
    ],
  }));
  const ledger = emptyLedger();
  ledger.frameworkId = FRAMEWORK_ID;
  ledger.webuiUrl = 'http://a1:19999';
  ledger.tasks.push(
    ledgerTask('master-1', 'alluxio-master-1.aa', 'a1', [19998, 19999], 0),
    ledgerTask('worker-1', 'alluxio-worker-1.bb', 'a1', [29998, 29999, 30000], 0),
    ledgerTask('worker-2', 'alluxio-worker-2.cc', 'a2', [29998, 29999, 30000], 2),
  );
  await mkdir(path.join(dir, 'conf'));
  await fileLedgerStore(ledgerPath(path.join(dir, 'conf'))).save(ledger);
}

async function run(flags: StatusFlags = {}, raw: RawGlobalOptions = {}): Promise<{ code: number; io: TestIo }> {
  const io = testIo({ cwd: dir });
  const code = await runStatus(
    { io, globals: resolveGlobals({ confDir: 'conf', master: mesos.hostPort, ...raw }, io), termination: noTermination() },
    flags,
  );
  return { code, io };
}

describe('status (in-process)', () => {
  it('prints the framework line, the web UI and one aligned row per task, and exits 0 when all run healthy', async () => {
    await deployed({ worker2: { state: 'TASK_RUNNING', healthy: true } });
    const { code, io } = await run();
    expect(code).toBe(0);
    expect(io.stdoutText()).toBe(
      [
        `Framework alluxio ${FRAMEWORK_ID}: active`,
        'Scheduler: connected (this configuration records no scheduler: it runs from another one)',
        'Alluxio master web UI: http://a1:19999',
        '',
        'ALIAS     STATE    HEALTH   HOST  PORTS              AGE  RELAUNCHES',
        'master-1  RUNNING  healthy  a1    19998,19999        45m  0',
        'worker-1  RUNNING  healthy  a1    29998,29999,30000  45m  0',
        'worker-2  RUNNING  healthy  a2    29998,29999,30000  45m  2',
        '',
        'OK: every Alluxio task is running',
        '',
      ].join('\n'),
    );
    expect(io.stderrText()).toBe('');
    // Frameworks, tasks and agents come from the v1 operator API.
    expect([...new Set(mesos.calls())].sort()).toEqual(['GET_AGENTS', 'GET_FRAMEWORKS', 'GET_TASKS', 'GET_VERSION']);
  });

  it('exits 1 and names the task when a worker is unhealthy', async () => {
    await deployed({ worker2: { state: 'TASK_RUNNING', healthy: false } });
    const { code, io } = await run();
    expect(code).toBe(1);
    const lines = io.stdoutText().split('\n');
    expect(lines).toContain('worker-2  RUNNING  unhealthy  a2    29998,29999,30000  45m  2');
    expect(lines.at(-2)).toBe('NOT OK: worker-2 is unhealthy');
  });

  it('--json prints one document with the framework, every task and the verdict', async () => {
    await deployed({ worker2: { state: 'TASK_STAGING', healthy: undefined } });
    const { code, io } = await run({}, { json: true });
    expect(code).toBe(1);
    const out = io.stdoutText();
    expect(out.trimEnd().includes('\n')).toBe(false);
    expect(JSON.parse(out)).toEqual({
      framework: {
        id: FRAMEWORK_ID,
        name: 'alluxio',
        state: 'active',
        failoverTimeoutSeconds: 604800,
        failoverSecondsLeft: null,
        schedulerConnected: true,
      },
      scheduler: {
        connected: true,
        active: null,
        standbys: [],
        disconnectedSince: null,
        tasksKeptUntil: null,
        stateLocation: ledgerPath(path.join(dir, 'conf')),
      },
      webuiUrl: 'http://a1:19999',
      masters: { highAvailability: 'none', leader: null, leaderSource: null, note: null },
      ledgerUsed: true,
      desired: null,
      rollout: null,
      tasks: [
        {
          alias: 'master-1',
          taskId: 'alluxio-master-1.aa',
          role: 'master',
          state: 'TASK_RUNNING',
          healthy: true,
          health: 'healthy',
          host: 'a1',
          ports: [19998, 19999],
          startedAt: '2026-11-24T20:35:00.000Z',
          relaunches: 0,
          knownToMesos: true,
          ledgerState: null,
          agentRegistered: true,
          note: null,
          fingerprint: null,
          outdated: null,
        },
        {
          alias: 'worker-1',
          taskId: 'alluxio-worker-1.bb',
          role: 'worker',
          state: 'TASK_RUNNING',
          healthy: true,
          health: 'healthy',
          host: 'a1',
          ports: [29998, 29999, 30000],
          startedAt: '2026-11-24T20:35:00.000Z',
          relaunches: 0,
          knownToMesos: true,
          ledgerState: null,
          agentRegistered: true,
          note: null,
          fingerprint: null,
          outdated: null,
        },
        {
          alias: 'worker-2',
          taskId: 'alluxio-worker-2.cc',
          role: 'worker',
          state: 'TASK_STAGING',
          healthy: null,
          health: 'none',
          host: 'a2',
          ports: [29998, 29999, 30000],
          startedAt: '2026-11-24T20:35:00.000Z',
          relaunches: 2,
          knownToMesos: true,
          ledgerState: null,
          agentRegistered: true,
          note: null,
          fingerprint: null,
          outdated: null,
        },
      ],
      ok: false,
      problems: ['worker-2 is STAGING'],
    });
  });

  it('finds the framework by --framework-name when no ledger names it', async () => {
    await deployed({ worker2: { state: 'TASK_RUNNING', healthy: true } });
    await rm(ledgerPath(path.join(dir, 'conf')));
    const { code, io } = await run({ frameworkName: 'alluxio' });
    expect(code).toBe(0);
    const lines = io.stdoutText().split('\n');
    expect(lines[0]).toBe(`Framework alluxio ${FRAMEWORK_ID}: active`);
    // Without the ledger the ports come from the tasks' resources, the relaunch counts are unknown (0).
    expect(lines).toContain('worker-2  RUNNING  healthy  a2    29998,29999,30000  45m  0');
  });

  it('colours failing rows red only when colour is allowed', async () => {
    await deployed({ worker2: { state: 'TASK_RUNNING', healthy: false } });
    const io = testIo({ cwd: dir, env: { FORCE_COLOR: '1' } });
    await runStatus({ io, globals: resolveGlobals({ confDir: 'conf', master: mesos.hostPort }, io), termination: noTermination() }, {});
    expect(io.stdoutText()).toContain('\u001b[31mworker-2  RUNNING  unhealthy');
    expect((await run()).io.stdoutText()).not.toContain('\u001b[');
  });
});
