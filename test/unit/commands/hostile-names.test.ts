/**
 * Names from the cluster carrying terminal control sequences (an agent registering as
 * `127.0.0.2\e]0;TITLE\a\e[2J`, a sandbox file named with an escape, a Mesos error body, a
 * framework name) reach what the CLI formats for people only as visible escapes: no ESC or BEL byte
 * in the check-ports table, status, logs --list, one-line errors or deploy's live view. Log contents
 * stay raw, as `tail` prints them; --json carries the names exactly (JSON escapes them itself).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../src/main.js';
import { createDeployView } from '../../../src/commands/deploy/live-view.js';
import { noTermination } from '../../../src/context/termination.js';
import type { StatusReport } from '../../../src/status/collect.js';
import { renderStatus } from '../../../src/status/render.js';
import type { Progress } from '../../../src/ui/spinner.js';
import { FixtureServer, json, text } from '../../helpers/http-fixture-server.js';
import { agent, cpus, mem, ports, startFakeMesos, type FakeMesos } from '../../helpers/fake-mesos.js';
import { testIo, type TestIo } from '../../helpers/test-io.js';

const HOSTILE = '127.0.0.2\u001b]0;TITLE\u0007\u001b[2J';
const SHOWN = '127.0.0.2\\x1b]0;TITLE\\x07\\x1b[2J';
const CONTROL_BYTES = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'am-hostile-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function cli(argv: string[]): Promise<{ code: number; io: TestIo }> {
  const io = testIo({ cwd: dir });
  const code = await main(argv, io, noTermination());
  return { code, io };
}

describe('check-ports with an agent named by a control sequence', () => {
  let mesos: FakeMesos;
  beforeEach(async () => {
    mesos = await startFakeMesos(() => ({
      agents: [agent(HOSTILE, 5051, [cpus(4), mem(8192), ports([[31000, 32000]])]), agent('a2', 5051, [cpus(4), mem(8192)])],
    }));
  });
  afterEach(() => mesos.close());

  it('shows it escaped in the table and the reasons, and writes no control byte', async () => {
    const { io } = await cli(['check-ports', '--master', mesos.hostPort]);
    const out = io.stdoutText();
    expect(out).not.toMatch(CONTROL_BYTES);
    expect(out).toMatch(new RegExp(`^${escapeRegExp(SHOWN)} +1\\.12\\.0 +no`, 'm'));
    expect(out).toContain(`\n  ${SHOWN}\n`);
    expect(io.stderrText()).not.toMatch(CONTROL_BYTES);
  });

  it('--json keeps the name exact (JSON escapes it)', async () => {
    const { io } = await cli(['check-ports', '--master', mesos.hostPort, '--json']);
    expect(io.stdoutText()).not.toMatch(CONTROL_BYTES);
    const report = JSON.parse(io.stdoutText()) as { agents: Array<{ hostname: string }> };
    expect(report.agents.map((entry) => entry.hostname)).toContain(HOSTILE);
  });
});

describe('a Mesos error body with a control sequence', () => {
  it('is escaped in the one-line error', async () => {
    const server = await FixtureServer.start();
    try {
      server.route('POST', '/api/v1', (request) =>
        request.body.includes('GET_VERSION')
          ? json({ type: 'GET_VERSION', get_version: { version_info: { version: '1.12.0' } } })
          : text(500, `Failed to list agents: ${HOSTILE}\r\nsecond line`),
      );
      const { code, io } = await cli(['check-ports', '--master', server.hostPort]);
      expect(code).toBe(1);
      expect(io.stderrText()).not.toMatch(CONTROL_BYTES);
      expect(io.stderrText()).toMatch(
        new RegExp(`^error: .*answered 500 Internal Server Error: Failed to list agents: ${escapeRegExp(SHOWN)}[^\\n]*\\n$`),
      );
    } finally {
      await server.close();
    }
  });
});

describe('logs with a sandbox file named by a control sequence', () => {
  const frameworkId = 'F-0001';
  const taskId = 'alluxio-worker-1.bb';
  const sandbox = `/frameworks/${frameworkId}/executors/${taskId}/runs/latest`;
  let mesos: FakeMesos;
  beforeEach(async () => {
    mesos = await startFakeMesos((port) => ({
      agents: [agent('127.0.0.1', port, [cpus(4), mem(8192)], 'S-1')],
      tasks: [
        {
          task_id: { value: taskId },
          framework_id: { value: frameworkId },
          agent_id: { value: 'S-1' },
          name: 'AlluxioWorker',
          state: 'TASK_RUNNING',
          statuses: [{ state: 'TASK_RUNNING', timestamp: 1_795_552_500 }],
        },
      ],
      files: {
        [`${sandbox}/stdout`]: 'started\n',
        [`${sandbox}/logs/${HOSTILE}.log`]: `coloured \u001b[31mred\u001b[0m line\n`,
      },
    }));
  });
  afterEach(() => mesos.close());

  it('--list shows the name escaped', async () => {
    const { code, io } = await cli(['logs', 'worker-1', '--master', mesos.hostPort, '--framework-id', frameworkId, '--list']);
    expect(code).toBe(0);
    expect(io.stdoutText()).not.toMatch(CONTROL_BYTES);
    expect(io.stdoutText()).toContain(`logs/${SHOWN}.log\n`);
  });

  it("the file's header is escaped, its contents stay raw (as tail prints them)", async () => {
    const { code, io } = await cli(['logs', 'worker-1', '--master', mesos.hostPort, '--framework-id', frameworkId]);
    expect(code).toBe(0);
    expect(io.stdoutText()).toContain(`==> worker-1:logs/${SHOWN}.log <==\ncoloured \u001b[31mred\u001b[0m line\n`);
  });
});

describe('status', () => {
  it('shows a framework name, alias, host, note and problem from the cluster escaped', () => {
    const report: StatusReport = {
      framework: {
        id: 'fw-1',
        name: `alluxio${HOSTILE}`,
        state: 'active',
        failoverTimeoutSeconds: 60,
        failoverSecondsLeft: null,
        schedulerConnected: true,
      },
      scheduler: { connected: true, active: null, standbys: [], disconnectedSince: null, tasksKeptUntil: null, stateLocation: '/x' },
      ledgerUsed: true,
      webuiUrl: null,
      masters: { highAvailability: 'none', leader: null, leaderSource: null, note: null },
      tasks: [
        {
          alias: `worker-1${HOSTILE}`,
          taskId: 't',
          role: 'worker',
          state: 'TASK_LOST',
          healthy: null,
          host: HOSTILE,
          ports: [],
          startedAt: null,
          relaunches: 0,
          health: 'none',
          knownToMesos: true,
          ledgerState: null,
          agentRegistered: false,
          note: `agent ${HOSTILE} is gone`,
        },
      ],
      ok: false,
      problems: [`worker-1${HOSTILE} is LOST`],
    };
    for (const color of [false, true]) {
      // The colour codes are the renderer's own: only what the cluster sent must not come through.
      const shown = renderStatus(report, { color }).replace(/\u001b\[\d+m/g, '');
      expect(shown).not.toMatch(CONTROL_BYTES);
      expect(shown).toContain(`Framework alluxio${SHOWN} fw-1`);
      expect(shown).toContain(`agent ${SHOWN} is gone`);
      expect(shown).toContain(`NOT OK: worker-1${SHOWN} is LOST`);
    }
  });
});

describe("deploy's live view", () => {
  it('shows a hostname and a Mesos message escaped on its one-line reports', () => {
    const io = testIo();
    const progress: Progress = { text: () => undefined, succeed: () => undefined, fail: () => undefined, stop: () => undefined };
    const view = createDeployView(io, { json: false, progress, now: () => new Date('2026-11-24T20:35:07Z') });
    view.report({
      type: 'task-launched',
      alias: 'worker-1',
      taskId: 'w.1',
      role: 'worker',
      agentId: 'S-1',
      hostname: HOSTILE,
      ports: [1],
      relaunch: false,
    });
    view.report({ type: 'mesos-error', message: `bad\nthing${HOSTILE}` });
    view.line(`checked: ${HOSTILE}`);
    expect(io.stderrText()).toBe(
      [
        `20:35:07 worker-1 launched on ${SHOWN} (ports 1) as w.1`,
        `20:35:07 Mesos sent an error: bad\\nthing${SHOWN}`,
        `checked: ${SHOWN}`,
        '',
      ].join('\n'),
    );
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
