/**
 * `deploy --dry-run` right after `init`, through the real binary: readable for people (the task
 * commands as scripts), one JSON document with --json, and no Mesos master needed.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../helpers/cli.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'am-dry-run-'));
  await mkdir(path.join(dir, 'conf'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function freshInit(extra: string[] = []): Promise<void> {
  // A master that nothing listens on: the dry run must not need one.
  const init = await runCli(
    ['init', '--yes', '--master', '127.0.0.1:9', '--jar-url', 'LOCAL', '--alluxio-home', '/opt/alluxio', ...extra],
    {
      cwd: dir,
    },
  );
  expect(init.exitCode, init.stderr).toBe(0);
}

describe('deploy --dry-run', () => {
  it('on a fresh configuration prints the plan and both task scripts, line by line', async () => {
    await freshInit();
    const result = await runCli(['deploy', '--dry-run'], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe('Dry run: nothing is sent to Mesos and nothing is launched.');
    expect(lines).toContain('Distribution   LOCAL: Alluxio installed at /opt/alluxio on every agent');
    expect(lines.find((line) => line.startsWith('Masters'))).toMatch(
      /^Masters\s+1 x \(\d+ cpus, \d+ MB, ports 19998,19999\) on any agent$/,
    );
    expect(lines.find((line) => line.startsWith('Workers'))).toMatch(
      /^Workers\s+one per agent x \(\d+ cpus, \d+ MB, ports 29998,29999,30000\)$/,
    );
    expect(lines).toContain(`State          ${path.join(dir, 'conf', 'alluxio-mesos-ledger.json')}`);
    // The scripts are printed as scripts (one line each), not as one escaped string.
    expect(lines).toContain(
      'The master task runs, with sh -c in its sandbox (master-agent.invalid stands for the agent the master lands on):',
    );
    expect(lines).toContain('    export ALLUXIO_MASTER_HOSTNAME=master-agent.invalid');
    expect(lines.filter((line) => line === '    cd "$MESOS_SANDBOX"')).toHaveLength(2);
    expect(result.stdout).not.toContain('\\n');
  });

  it('with several masters: where they run, that they elect a leader, and workers pointed at no master host', async () => {
    await freshInit([
      '--port-keys',
      '2.x',
      '--master-count',
      '3',
      '--ha',
      'embedded',
      '--embedded-journal-addresses',
      'm1:19200,m2:19200,m3:19200',
    ]);
    const result = await runCli(['deploy', '--dry-run'], { cwd: dir });
    expect(result.exitCode, result.stderr).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines.find((line) => line.startsWith('Masters'))).toMatch(
      /^Masters\s+3 x \(\d+ cpus, \d+ MB, ports 19998,19999,19200\) on m1, m2, m3 \(the embedded journal's hosts\); they elect a leader, and workers find it$/,
    );
    expect(lines.find((line) => line.startsWith('Health checks'))).toMatch(/; workers only \(a standby master listens on no port\)$/);
    const worker = result.stdout.slice(result.stdout.indexOf('The worker task runs'));
    expect(worker).toContain('alluxio.master.embedded.journal.addresses=m1:19200,m2:19200,m3:19200');
    expect(worker).not.toContain('ALLUXIO_MASTER_HOSTNAME');
  });

  it('names the pinned master host in the commands, and --json is one document', async () => {
    await freshInit(['--master-host', 'agent-7.example.com']);
    const result = await runCli(['deploy', '--dry-run', '--json'], { cwd: dir });
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trimEnd().split('\n')).toHaveLength(1);
    const document = JSON.parse(result.stdout) as {
      frameworkInfo: { name: string };
      master: { pinnedHost: string | null; command: { value: string } };
      worker: { command: { value: string } };
      masterHostPlaceholder: string | null;
    };
    expect(document.frameworkInfo.name).toBe('alluxio');
    expect(document.master.pinnedHost).toBe('agent-7.example.com');
    expect(document.masterHostPlaceholder).toBeNull();
    expect(document.worker.command.value).toContain('export ALLUXIO_MASTER_HOSTNAME=agent-7.example.com');
  });
});
