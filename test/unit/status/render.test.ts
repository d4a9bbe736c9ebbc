import { describe, expect, it } from 'vitest';
import type { StatusReport } from '../../../src/status/collect.js';
import { renderStatus } from '../../../src/status/render.js';

const report: StatusReport = {
  framework: {
    id: 'fw-0001',
    name: 'alluxio',
    state: 'active',
    failoverTimeoutSeconds: 604_800,
    failoverSecondsLeft: null,
    schedulerConnected: true,
  },
  ledgerUsed: true,
  webuiUrl: 'http://127.0.0.2:19999',
  tasks: [
    {
      alias: 'master-1',
      taskId: 'alluxio-master-1.abc',
      role: 'master',
      state: 'TASK_RUNNING',
      healthy: true,
      host: '127.0.0.2',
      ports: [19998, 19999],
      startedAt: '2026-11-24T19:23:38.156Z',
      relaunches: 0,
      health: 'healthy',
      knownToMesos: true,
      ledgerState: null,
      agentRegistered: true,
      note: null,
    },
    {
      alias: 'worker-10',
      taskId: 'alluxio-worker-10.def',
      role: 'worker',
      state: 'TASK_STAGING',
      healthy: null,
      host: null,
      ports: [],
      startedAt: null,
      relaunches: 12,
      health: 'none',
      knownToMesos: true,
      ledgerState: null,
      agentRegistered: true,
      note: null,
    },
  ],
  ok: false,
  problems: ['worker-10 is STAGING'],
};

describe('renderStatus', () => {
  it('lays the task table out in columns (plain)', () => {
    expect(renderStatus(report, { color: false })).toMatchInlineSnapshot(`
      "Framework alluxio fw-0001: active
      Alluxio master web UI: http://127.0.0.2:19999

      ALIAS      STATE    HEALTH   HOST       PORTS        STARTED              RELAUNCHES
      master-1   RUNNING  healthy  127.0.0.2  19998,19999  2026-11-24 19:23:38  0
      worker-10  STAGING  -        -          -            -                    12

      NOT OK: worker-10 is STAGING
      "
    `);
  });

  it('paints the header bold and a task that is not running red (color)', () => {
    expect(JSON.stringify(renderStatus(report, { color: true }))).toMatchInlineSnapshot(
      `""Framework alluxio fw-0001: \\u001b[32mactive\\u001b[39m\\nAlluxio master web UI: http://127.0.0.2:19999\\n\\n\\u001b[1mALIAS      STATE    HEALTH   HOST       PORTS        STARTED              RELAUNCHES\\u001b[22m\\nmaster-1   RUNNING  healthy  127.0.0.2  19998,19999  2026-11-24 19:23:38  0\\n\\u001b[31mworker-10  STAGING  -        -          -            -                    12\\u001b[39m\\n\\n\\u001b[31mNOT OK: worker-10 is STAGING\\u001b[39m\\n""`,
    );
  });
});
