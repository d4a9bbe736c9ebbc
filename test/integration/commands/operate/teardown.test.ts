/**
 * `alluxio-mesos teardown` end to end: confirmation, the framework removed from the master, the
 * ledger cleared, a second teardown, and a framework Mesos no longer knows. The real binary (dist/)
 * against a framework deployed on an embedded local Mesos cluster; needs `npm run build` first.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerPath, pidFilePath } from '../../../../src/state/files.js';
import { standins, startOperate, stopOperate, waitUntil, type OperateEnv } from './helpers.js';

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

interface MasterFrameworks {
  frameworks: Array<{ id: string; name: string; active: boolean }>;
  completed_frameworks: Array<{ id: string }>;
}

async function masterFrameworks(current: OperateEnv): Promise<MasterFrameworks> {
  const response = await fetch(`${current.cluster.url}/master/frameworks`);
  expect(response.status).toBe(200);
  return (await response.json()) as MasterFrameworks;
}

describe('teardown', () => {
  it(
    'asks for --yes without a terminal, removes the framework and the ledger with it, then has nothing left to remove',
    { timeout: 45_000 },
    async () => {
      const current = ready();
      const ledgerFile = ledgerPath(current.confDir);
      const ledgerText = await readFile(ledgerFile, 'utf8');
      const frameworkId = (JSON.parse(ledgerText) as { frameworkId: string }).frameworkId;
      expect(frameworkId).toBe(current.deploy.of('subscribed')[0]!.frameworkId);
      expect((await masterFrameworks(current)).frameworks.map((framework) => framework.id)).toEqual([frameworkId]);

      // stdin is not a terminal: no prompt, a usage error, nothing touched.
      const unconfirmed = await current.cli(['teardown']);
      expect(unconfirmed.exitCode).toBe(2);
      expect(unconfirmed.stderr).toContain(`tearing down`);
      expect(unconfirmed.stderr).toContain(frameworkId);
      expect(unconfirmed.stderr).toContain('--yes');
      expect((await masterFrameworks(current)).frameworks.map((framework) => framework.id)).toEqual([frameworkId]);
      expect(existsSync(ledgerFile)).toBe(true);
      expect(existsSync(`${ledgerFile}.bak`)).toBe(true);
      expect((await standins(current.root)).length).toBe(4);

      // A name no framework has: not found, nothing touched.
      const misnamed = await current.cli(['teardown', '--yes', '--framework-name', 'no-such-framework']);
      expect(misnamed.exitCode).toBe(4);
      expect(misnamed.stderr).toContain('no framework named "no-such-framework" is known to the master');
      expect((await masterFrameworks(current)).frameworks.map((framework) => framework.id)).toEqual([frameworkId]);
      expect(existsSync(ledgerFile)).toBe(true);

      // Chosen by its name, as logs and status can.
      const name = (await masterFrameworks(current)).frameworks[0]!.name;
      const torn = await current.cli(['teardown', '--yes', '--framework-name', name]);
      expect(torn.stderr).toBe('');
      expect(torn.exitCode).toBe(0);
      expect(torn.stdout).toMatch(
        new RegExp(
          `^Tore down framework \\S+ \\(${frameworkId}\\): Mesos reports every task of it ended\\. Cleared ${ledgerFile.replace(/[.]/g, '\\.')}\\.\\n?$`,
        ),
      );
      const after = await masterFrameworks(current);
      expect(after.frameworks.map((framework) => framework.id)).not.toContain(frameworkId);
      expect(after.completed_frameworks.map((framework) => framework.id)).toContain(frameworkId);
      expect(existsSync(ledgerFile)).toBe(false);
      expect(existsSync(`${ledgerFile}.bak`)).toBe(false);
      await waitUntil('every stand-in to be killed', async () => ((await standins(current.root)).length === 0 ? true : undefined), 15_000);
      // The deploy that ran it learns its framework is gone and stops.
      await current.deploy.until('deploy to exit', () => (current.deploy.running ? undefined : true), 15_000);

      const again = await current.cli(['teardown', '--yes']);
      expect(again.exitCode).toBe(4);
      expect(again.stdout).toBe('');
      expect(again.stderr).toContain(`no framework to tear down: ${ledgerFile} records none`);
      expect(again.stderr).toContain('--framework-id');
      // Nothing saved any more: status and logs say there is no framework, each in its own words,
      // with the same exit code (4, not found).
      const status = await current.cli(['status']);
      expect(status.exitCode).toBe(4);
      expect(status.stderr).toContain('no framework to show the status of');
      const logs = await current.cli(['logs', 'worker-1']);
      expect(logs.exitCode).toBe(4);
      expect(logs.stderr).toContain('no framework to read logs of');

      // A ledger and a pid file left behind for a framework Mesos has forgotten: reported, both files
      // removed; the pid's process is no scheduler of this deployment (no lock names it, and it is no
      // `alluxio-mesos deploy`), so it is never signalled, even though the pid file names it.
      await writeFile(ledgerFile, ledgerText);
      const pidFile = pidFilePath(current.confDir);
      await mkdir(path.dirname(pidFile), { recursive: true });
      const stranger = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'alluxio-mesos', 'deploy'], { stdio: 'ignore' });
      const strangerExit = new Promise<NodeJS.Signals | null>((resolve) => stranger.once('exit', (_code, signal) => resolve(signal)));
      try {
        await writeFile(pidFile, `${stranger.pid}\n`);
        const forgotten = await current.cli(['teardown', '--yes', '--framework-id', frameworkId, '--json']);
        expect(forgotten.stderr).toBe('');
        expect(forgotten.exitCode).toBe(0);
        expect(JSON.parse(forgotten.stdout)).toEqual({
          frameworkId,
          name: null,
          tornDown: false,
          knownToMesos: false,
          ledgerCleared: true,
          stoppedScheduler: null,
          stoppedStandbys: [],
          tasksGone: true,
          tasksMayStillRun: [],
        });
        expect(stranger.exitCode).toBeNull();
        expect(stranger.signalCode).toBeNull();
      } finally {
        stranger.kill('SIGKILL');
      }
      expect(await strangerExit).toBe('SIGKILL');
      expect(existsSync(ledgerFile)).toBe(false);
      expect(existsSync(pidFile)).toBe(false);

      // The same in text, with a stale pid file (its process long gone).
      await writeFile(ledgerFile, ledgerText);
      await writeFile(pidFile, `${stranger.pid}\n`);
      const text = await current.cli(['teardown', '--yes']);
      expect(text.exitCode).toBe(0);
      expect(text.stdout).toContain(
        `Mesos no longer knows framework ${frameworkId} (already torn down, or its failover timeout expired). Cleared ${ledgerFile}.`,
      );
      expect(existsSync(ledgerFile)).toBe(false);
      expect(existsSync(pidFile)).toBe(false);
      expect((await masterFrameworks(current)).frameworks).toEqual([]);
    },
  );
});
