/**
 * Hostile arguments, and a cluster that does not know what it is asked, through the real binary
 * (dist/): what reaches the terminal and the exit codes scripts rely on (broken and hostile peers
 * are in peers.test.ts). The fake master answers the operator API on an
 * ephemeral port (test/helpers/fake-mesos.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { agent, cpus, mem, ports, startFakeMesos, type FakeMesos } from '../helpers/fake-mesos.js';

/** Sets the window title (OSC 0, ended by BEL) and clears the screen (CSI 2J). */
const HOSTILE_HOST = '127.0.0.2\u001b]0;TITLE\u0007\u001b[2J';
const ESC = '\u001b';
const FRAMEWORK_ID = 'F-hostile';

let dir: string;
let mesos: FakeMesos | undefined;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'am-hostile-'));
});
afterEach(async () => {
  await mesos?.close();
  mesos = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function cli(args: readonly string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return runCli(['--conf-dir', path.join(dir, 'conf'), ...args], { cwd: dir });
}

async function hostileCluster(): Promise<FakeMesos> {
  mesos = await startFakeMesos(() => ({
    agents: [
      agent(HOSTILE_HOST, 5051, [cpus(4), mem(8192), ports([[31000, 32000]])], 'S-evil'),
      agent('a2', 5051, [cpus(4), mem(8192), ports([[19998, 30000]])]),
    ],
    frameworks: [
      {
        framework_info: { id: { value: FRAMEWORK_ID }, name: `alluxio${ESC}]0;PWNED${'\u0007'}`, user: 'root', failover_timeout: 60 },
        active: true,
        connected: true,
      },
    ],
    tasks: [
      {
        task_id: { value: 'alluxio-worker-1.x' },
        framework_id: { value: FRAMEWORK_ID },
        agent_id: { value: 'S-evil' },
        name: `AlluxioWorker${ESC}[2J`,
        state: 'TASK_RUNNING',
        statuses: [{ state: 'TASK_RUNNING', timestamp: 1_795_552_500 }],
        resources: [ports([[29998, 30000]])],
      },
    ],
  }));
  return mesos;
}

describe('hostile arguments and a master that does not know what it is asked', () => {
  it('a newline in --master: one error line, exit 2', async () => {
    const result = await cli(['--master', '127.0.0.1:5050\nfoo\u001b[2J', 'check-ports']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('"127.0.0.1:5050\\nfoo\\x1b[2J" contains a control character');
  });

  it('teardown --framework-id of a framework Mesos never knew: exit 4, nothing torn down', async () => {
    const master = await hostileCluster();
    const result = await cli(['--master', master.hostPort, 'teardown', '--framework-id', 'zzz', '--yes']);
    expect(result.exitCode).toBe(4);
    expect(result.stderr).toBe(
      'error: Mesos does not know framework zzz: nothing was torn down; check the id: the Mesos web UI lists the frameworks ' +
        '(`alluxio-mesos status` shows the one of this configuration)',
    );
    expect(master.calls()).not.toContain('GET_TASKS');
  });

  it("deploy --name '' and a name of control characters: exit 2 before Mesos is asked", async () => {
    const master = await hostileCluster();
    for (const name of ['', 'a\u001b[2J', 'n'.repeat(100_000)]) {
      const result = await cli(['--master', master.hostPort, 'deploy', '--name', name, '--dry-run']);
      expect(result.exitCode).toBe(2);
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(result.stderr).not.toContain(ESC);
    }
    expect(master.calls()).toEqual([]);
  });

  it('a settings file replaced by a FIFO or a 2 GiB sparse file: exit 2 at once, one line, nothing read into memory', async () => {
    const HINT = 'move it aside and run alluxio-mesos init again';
    const confDir = path.join(dir, 'conf');
    await mkdir(confDir);
    const settings = path.join(confDir, 'alluxio-mesos.json');
    execFileSync('mkfifo', [settings]);
    const fromFifo = await cli(['status', '--master', '127.0.0.1:9']);
    expect(fromFifo.exitCode).toBe(2);
    expect(fromFifo.stderr.trimEnd().split('\n')[0]).toBe(`error: ${settings} is not a regular file; ${HINT}`);
    await rm(settings);
    await writeFile(settings, '');
    await truncate(settings, 2 * 1024 ** 3);
    const fromHuge = await cli(['status', '--master', '127.0.0.1:9']);
    expect(fromHuge.exitCode).toBe(2);
    expect(fromHuge.stderr.trimEnd().split('\n')[0]).toBe(`error: ${settings} is 2.0 GiB, more than the 1.0 MiB it may be; ${HINT}`);
  });

  it('logs --until-exit without --follow: exit 2', async () => {
    const result = await cli(['--master', '127.0.0.1:9', 'logs', 'worker-1', '--until-exit']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--until-exit works with --follow');
  });
});
