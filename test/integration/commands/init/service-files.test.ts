/**
 * `init --write-service`: the files it writes pass the checks their consumers make (systemd-analyze
 * verify; Marathon's documented app fields), and the command line each one holds really runs the
 * scheduler: against the local cluster it subscribes, and SIGTERM ends it with exit 0.
 *
 * `--standby` and `--state` are rendered (and checked here as text) but taken out before running:
 * the deploy this branch builds does not know them yet.
 */
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../helpers/cli.js';
import { describeRequiring } from '../../../helpers/ci.js';
import { marathonAppProblems } from '../../../helpers/marathon-schema.js';
import { execStartArgv, systemdAnalyzeAvailability, unitSetting, verifyUnit } from '../../../helpers/systemd.js';
import { templatePath } from '../../../../src/shared/package-root.js';
import { describeWithZooKeeper, startZooKeeper, type ZooKeeperServer } from '../../../helpers/zookeeper.js';
import { cleanup, initConf, startSandbox, type Sandbox } from '../deploy/helpers.js';

/** The environment a service manager gives: no developer settings, no CI, nothing inherited. */
const SERVICE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'am-service-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeSecret(file: string): Promise<string> {
  await writeFile(file, 's3cret\n', { mode: 0o600 });
  await chmod(file, 0o600);
  return file;
}

/** init for an imaginary production cluster (nothing is contacted), then `--write-service`. */
async function initProduction(confDir: string, extra: readonly string[]): Promise<void> {
  const init = await runCli([
    'init',
    '--yes',
    '--conf-dir',
    confDir,
    '--master',
    'mesos1.example.com:5050',
    '--jar-url',
    'LOCAL',
    '--alluxio-home',
    '/opt/alluxio',
    ...extra,
  ]);
  expect(init.stderr).toBe('');
  expect(init.exitCode).toBe(0);
}

describe('init --write-service (files)', () => {
  it('writes the unit with mode 0644, prints it with --dry-run, replaces a changed one only with --force, keeping a .bak', async () => {
    const confDir = path.join(dir, 'conf');
    await initProduction(confDir, []);
    const unit = path.join(confDir, 'alluxio-mesos-scheduler.service');

    const dry = await runCli(['init', '--conf-dir', confDir, '--write-service', 'systemd', '--dry-run']);
    expect(dry.exitCode).toBe(0);
    expect(dry.stdout).toContain('ExecStart=');
    await expect(stat(unit)).rejects.toThrow(/ENOENT/);

    const first = await runCli(['init', '--conf-dir', confDir, '--write-service', 'systemd']);
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toContain(`Wrote ${unit}`);
    expect((await stat(unit)).mode & 0o777).toBe(0o644);
    expect(await readFile(unit, 'utf8')).toBe(`${dry.stdout}\n`); // execa drops the final newline

    const again = await runCli(['init', '--conf-dir', confDir, '--write-service', 'systemd']);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain('is already up to date');

    await writeFile(unit, 'edited by hand\n');
    const refused = await runCli(['init', '--conf-dir', confDir, '--write-service', 'systemd']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/exists and would change.*--force/s);
    expect(await readFile(unit, 'utf8')).toBe('edited by hand\n');

    const forced = await runCli(['init', '--conf-dir', confDir, '--write-service', 'systemd', '--force']);
    expect(forced.exitCode).toBe(0);
    expect(forced.stdout).toContain(`(previous version: ${unit}.bak)`);
    expect(await readFile(`${unit}.bak`, 'utf8')).toBe('edited by hand\n');
    expect(await readFile(unit, 'utf8')).toBe(`${dry.stdout}\n`); // execa drops the final newline
  });

  it('writes a Marathon app that passes the schema subset, once the state is in ZooKeeper', async () => {
    const confDir = path.join(dir, 'conf');
    const secret = await writeSecret(path.join(dir, 'mesos-secret'));
    await initProduction(confDir, ['--principal', 'alluxio', '--secret-file', secret]);

    const refused = await runCli(['init', '--conf-dir', confDir, '--write-service', 'marathon']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/need the state in ZooKeeper/);

    const file = path.join(dir, 'app.json');
    const written = await runCli([
      'init',
      '--conf-dir',
      confDir,
      '--state',
      'zk://zk1:2181,zk2:2181/alluxio-mesos',
      '--write-service',
      'marathon',
      '--service-file',
      file,
    ]);
    expect(written.exitCode).toBe(0);
    expect(written.stderr).toMatch(/create the Marathon secret alluxio-mesos\/mesos-secret/);
    const app = JSON.parse(await readFile(file, 'utf8')) as { cmd: string; instances: number };
    expect(marathonAppProblems(app)).toEqual([]);
    expect(app.instances).toBe(2);
    expect(app.cmd).toContain('--state zk://zk1:2181,zk2:2181/alluxio-mesos --standby');
    expect(await readFile(file, 'utf8')).not.toContain('s3cret');
    const settings = JSON.parse(await readFile(path.join(confDir, 'alluxio-mesos.json'), 'utf8')) as { state?: string };
    expect(settings.state).toBe('zk://zk1:2181,zk2:2181/alluxio-mesos');
  });

  it('the shipped Marathon example passes the schema subset', async () => {
    expect(
      marathonAppProblems(JSON.parse(await readFile(templatePath('service', 'alluxio-mesos-scheduler.marathon.json'), 'utf8'))),
    ).toEqual([]);
  });
});

describeRequiring('systemd-analyze verify accepts the units', 'systemd-analyze', systemdAnalyzeAvailability(), () => {
  it.each([
    ['file state, no secret', 'conf', []],
    [
      'ZooKeeper state and a secret file',
      'conf',
      ['--state', 'zk://zk1:2181,zk2:2181/alluxio-mesos', '--secret-file', 'SECRET', '--principal', 'alluxio'],
    ],
    ['a conf dir with a blank and a percent sign', 'my 100% conf', ['--secret-file', 'SECRET', '--principal', 'alluxio']],
  ])('%s', async (_name, confName, extra) => {
    const secret = await writeSecret(path.join(dir, 'mesos-secret'));
    const confDir = path.join(dir, confName);
    await initProduction(
      confDir,
      extra.map((arg) => (arg === 'SECRET' ? secret : arg)),
    );
    const written = await runCli(['init', '--conf-dir', confDir, '--write-service', 'systemd']);
    expect(written.exitCode).toBe(0);
    const unit = path.join(confDir, 'alluxio-mesos-scheduler.service');
    const verified = await verifyUnit(unit);
    expect(verified.problems).toEqual([]);
    expect(verified.exitCode).toBe(0);
  });

  it("the shipped example, with this machine's node", async () => {
    const example = await readFile(templatePath('service', 'alluxio-mesos-scheduler.service'), 'utf8');
    const unit = path.join(dir, 'alluxio-mesos-scheduler.service');
    await writeFile(unit, example.replace(/^ExecStart=\/usr\/bin\/node /m, `ExecStart=${process.execPath} `));
    const verified = await verifyUnit(unit);
    expect(verified.problems).toEqual([]);
    expect(verified.exitCode).toBe(0);
  });

  it('and fails one whose program does not exist (the check can fail)', async () => {
    const example = await readFile(templatePath('service', 'alluxio-mesos-scheduler.service'), 'utf8');
    const unit = path.join(dir, 'alluxio-mesos-scheduler.service');
    await writeFile(unit, example.replace(/^ExecStart=\/usr\/bin\/node /m, `ExecStart=${dir}/no-such-node `));
    const verified = await verifyUnit(unit);
    expect(verified.exitCode).not.toBe(0);
    expect(verified.problems.join('\n')).toMatch(/no-such-node/);
  });
});

/** A started service process and its output. */
class ServiceRun {
  output = '';
  readonly exited: Promise<{ exitCode: number | undefined; signal: string | undefined }>;
  constructor(readonly child: ResultPromise) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')));
    this.exited = child.then((result) => ({ exitCode: result.exitCode, signal: result.signal }));
  }

  async waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    let done = false;
    void this.exited.then(() => (done = true));
    for (;;) {
      const match = pattern.exec(this.output);
      if (match !== null) return match;
      if (done || Date.now() > deadline) throw new Error(`no ${pattern} in the service's output:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }
}

function expectSubscribed(sandbox: Sandbox, frameworkId: string): void {
  const framework = sandbox.cluster.master.state.frameworks.get(frameworkId);
  expect(framework?.active).toBe(true);
  expect(framework?.info.principal).toBe('alluxio');
}

// The Marathon app keeps its state in ZooKeeper, so the real runs need one.
describeWithZooKeeper('the rendered command lines run the scheduler', () => {
  let sandbox: Sandbox | undefined;
  const runs: ServiceRun[] = [];
  let zk: ZooKeeperServer | undefined;
  afterEach(async () => {
    for (const run of runs.splice(0)) await run.stop();
    await cleanup(sandbox, []);
    sandbox = undefined;
    await zk?.stop();
    zk = undefined;
  });

  it('systemd: ExecStart, as systemd would start it, subscribes; SIGTERM ends it with 0', async () => {
    sandbox = await startSandbox();
    const secret = await writeSecret(path.join(sandbox.root, 'mesos-secret'));
    await initConf(sandbox, ['--principal', 'alluxio', '--secret-file', secret]);
    const written = await runCli(['init', '--conf-dir', sandbox.confDir, '--write-service', 'systemd']);
    expect(written.exitCode).toBe(0);
    const unit = await readFile(path.join(sandbox.confDir, 'alluxio-mesos-scheduler.service'), 'utf8');

    // What LoadCredential= does: a private copy of the secret under $CREDENTIALS_DIRECTORY.
    const credentials = path.join(sandbox.root, 'credentials');
    await mkdir(credentials, { mode: 0o700 });
    const [source, from] = unitSetting(unit, 'LoadCredential').split(/:(.*)/s) as [string, string];
    await copyFile(from, path.join(credentials, source));
    const argv = execStartArgv(unitSetting(unit, 'ExecStart'), { credentialsDirectory: credentials });
    expect(argv).toContain('--standby');
    const [program, ...args] = argv as [string, ...string[]];

    const run = new ServiceRun(
      execa(program, args, {
        cwd: unitSetting(unit, 'WorkingDirectory'),
        env: { PATH: SERVICE_PATH, CREDENTIALS_DIRECTORY: credentials },
        extendEnv: false,
        reject: false,
        stdin: 'ignore',
      }),
    );
    runs.push(run);
    const [, frameworkId] = await run.waitFor(/subscribed as framework (\S+)/);
    expectSubscribed(sandbox, frameworkId as string);

    run.child.kill('SIGTERM');
    expect(await run.exited).toEqual({ exitCode: 0, signal: undefined });
    expect(run.output).toMatch(/Disconnected from Mesos/);
  });

  it('Marathon: cmd, run by sh in a sandbox, subscribes; the health check follows the process; SIGTERM ends it with 0', async () => {
    sandbox = await startSandbox();
    zk = await startZooKeeper();
    const state = `zk://${zk.connectString}/alluxio-mesos`;
    const secret = await writeSecret(path.join(sandbox.root, 'mesos-secret'));
    await initConf(sandbox, ['--principal', 'alluxio', '--secret-file', secret, '--state', state]);
    const file = path.join(sandbox.root, 'app.json');
    const written = await runCli(['init', '--conf-dir', sandbox.confDir, '--write-service', 'marathon', '--service-file', file]);
    expect(written.exitCode).toBe(0);
    const app = JSON.parse(await readFile(file, 'utf8')) as { cmd: string; healthChecks: Array<{ command: { value: string } }> };
    expect(app.cmd).toContain(` --state ${state} --standby `);
    const cmd = app.cmd;
    const health = app.healthChecks[0]?.command.value as string;

    // What Marathon and Mesos provide: a sandbox as the working directory, the secret volume in it.
    const mesosSandbox = path.join(sandbox.root, 'mesos sandbox');
    await mkdir(mesosSandbox);
    await copyFile(secret, path.join(mesosSandbox, 'alluxio-mesos-secret'));
    const env = { PATH: SERVICE_PATH, MESOS_SANDBOX: mesosSandbox };
    const healthy = async (): Promise<boolean> =>
      (await execa('/bin/sh', ['-c', health], { cwd: '/', env, extendEnv: false, reject: false })).exitCode === 0;

    const run = new ServiceRun(execa('/bin/sh', ['-c', cmd], { cwd: mesosSandbox, env, extendEnv: false, reject: false, stdin: 'ignore' }));
    runs.push(run);
    const [, frameworkId] = await run.waitFor(/subscribed as framework (\S+)/);
    expectSubscribed(sandbox, frameworkId as string);

    // The shell became the scheduler (exec): the pid it wrote is the task's process.
    expect(Number((await readFile(path.join(mesosSandbox, 'alluxio-mesos-scheduler.pid'), 'utf8')).trim())).toBe(run.child.pid);
    expect(await healthy()).toBe(true);
    run.child.kill('SIGSTOP');
    expect(await healthy()).toBe(false);
    run.child.kill('SIGCONT');
    expect(await healthy()).toBe(true);

    run.child.kill('SIGTERM');
    expect(await run.exited).toEqual({ exitCode: 0, signal: undefined });
    expect(await healthy()).toBe(false);
  });
});
