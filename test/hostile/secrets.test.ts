/**
 * Planted secrets, then a scan of everything a deployment leaves where others can read it.
 *
 * Planted: the Mesos secret (a --secret-file saved by init, and ALLUXIO_MESOS_SECRET in the
 * environment of deploy and of the local cluster), an AWS secret in those environments too,
 * credentials inside the under-storage URI (a password and a token parameter), and a ZooKeeper
 * password in the master and state addresses. Deployed to the standalone `local-cluster` (a process
 * of its own, with ZooKeeper) and with `deploy --master local` (the embedded cluster inside deploy),
 * with the stand-in Alluxio distribution.
 *
 * Scanned: the argv of every process (/proc/<pid>/cmdline), the environment of every task process
 * (/proc/<pid>/environ of the processes whose working directory is a sandbox), every file of the
 * clusters' work directories (sandboxes, agent and master files), framework.out and the ledger,
 * every `--json` output, `deploy --dry-run`, the `init` summary and the `logs --bundle` archive.
 * None may hold a planted secret; the files that do (the site and settings files) are mode 0600.
 * Run it in a private network and PID namespace (see the README): it uses Alluxio's default ports.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { ResultPromise } from 'execa';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { writeDemoDistribution, type DemoDistribution } from '../../src/emulator/standin-alluxio/generate.js';
import { cleanEnv, runCli, startCli, type CliResult } from '../helpers/cli.js';
import { standins, waitUntil } from '../helpers/standins.js';
import { describeWithZooKeeper, startZooKeeper, type ZooKeeperServer } from '../helpers/zookeeper.js';
import { DeployRun, waitHealthy } from '../integration/commands/deploy/helpers.js';

const token = (what: string): string => `${what}-${randomBytes(8).toString('hex')}`;
const PRINCIPAL = 'ops';
const SECRETS = {
  mesosSecretFile: token('mesos-file-secret'),
  mesosSecretEnv: token('mesos-env-secret'),
  awsSecretEnv: token('aws-env-secret'),
  uriPassword: token('uri-password'),
  uriToken: token('uri-token'),
  zkPassword: token('zk-password'),
};
/** Every planted secret, and the forms a leak could take (HTTP Basic credentials are base64). */
const PLANTED: ReadonlyArray<[string, string]> = [
  ...Object.entries(SECRETS),
  ['basic auth (file secret)', Buffer.from(`${PRINCIPAL}:${SECRETS.mesosSecretFile}`).toString('base64')],
  ['basic auth (env secret)', Buffer.from(`${PRINCIPAL}:${SECRETS.mesosSecretEnv}`).toString('base64')],
  ['zk digest', Buffer.from(`bob:${SECRETS.zkPassword}`).toString('base64')],
];
/** What the deploy process and the clusters run with: the operator's own secrets. */
const OPERATOR_ENV = { ALLUXIO_MESOS_SECRET: SECRETS.mesosSecretEnv, AWS_SECRET_ACCESS_KEY: SECRETS.awsSecretEnv };
const UFS_WITH_CREDENTIALS = `s3a://AKIDPLANTED:${SECRETS.uriPassword}@bucket/data?aws_secret_access_key=${SECRETS.uriToken}`;

function leaksIn(what: string, content: string | Buffer): string[] {
  const text = typeof content === 'string' ? content : content.toString('latin1');
  return PLANTED.filter(([, secret]) => text.includes(secret)).map(([name]) => `${name} in ${what}`);
}

function leaksInResult(what: string, result: CliResult): string[] {
  return leaksIn(`${what} (stdout)`, result.stdout).concat(leaksIn(`${what} (stderr)`, result.stderr));
}

/** Every regular file under `dir`, recursively. */
async function filesUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await filesUnder(full)));
    else if (entry.isFile()) found.push(full);
  }
  return found;
}

async function leaksInFiles(dir: string, except: readonly string[] = []): Promise<{ leaks: string[]; files: number }> {
  const leaks: string[] = [];
  const files = (await filesUnder(dir)).filter((file) => !except.includes(file));
  for (const file of files) leaks.push(...leaksIn(file, await readFile(file).catch(() => Buffer.alloc(0))));
  return { leaks, files: files.length };
}

/** The argv of every process we can see (in the test namespace: ours). */
async function leaksInArgv(): Promise<{ leaks: string[]; processes: number }> {
  const leaks: string[] = [];
  let processes = 0;
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`).catch(() => undefined);
    if (cmdline === undefined) continue;
    processes += 1;
    leaks.push(...leaksIn(`argv of pid ${pid} (${cmdline.toString('utf8').replaceAll('\0', ' ').slice(0, 120)})`, cmdline));
  }
  return { leaks, processes };
}

/** The processes whose working directory is under `workDir` (a task's shell, bash and Alluxio itself). */
async function taskProcesses(workDir: string): Promise<Array<{ pid: string; environ: Buffer }>> {
  const found: Array<{ pid: string; environ: Buffer }> = [];
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => '');
    if (!cwd.startsWith(`${workDir}/`)) continue;
    const environ = await readFile(`/proc/${pid}/environ`).catch(() => undefined);
    if (environ !== undefined) found.push({ pid, environ });
  }
  return found;
}

function environNames(environ: Buffer): string[] {
  return environ
    .toString('utf8')
    .split('\0')
    .filter((pair) => pair !== '')
    .map((pair) => pair.slice(0, pair.indexOf('=')));
}

/** Scans the task processes of `workDir`: their environment holds what an agent gives, nothing planted. */
async function checkTaskEnvironments(workDir: string): Promise<string[]> {
  const tasks = await taskProcesses(workDir);
  // Each of the 4 tasks runs at least the stand-in Alluxio process in its sandbox.
  expect(tasks.length).toBeGreaterThanOrEqual(4);
  const leaks: string[] = [];
  for (const { pid, environ } of tasks) {
    const names = environNames(environ);
    expect(names).toContain('MESOS_SANDBOX');
    expect(names).toContain('MESOS_TASK_ID');
    for (const name of ['ALLUXIO_MESOS_SECRET', 'AWS_SECRET_ACCESS_KEY', 'MESOS_MASTER']) {
      if (names.includes(name)) leaks.push(`${name} in the environment of task process ${pid}`);
    }
    leaks.push(...leaksIn(`/proc/${pid}/environ`, environ));
  }
  return leaks;
}

let root: string;
let dist: DemoDistribution;
let zookeeper: ZooKeeperServer;
let secretFile: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'am-secrets-'));
  dist = await writeDemoDistribution(path.join(root, 'dist'));
  secretFile = path.join(root, 'mesos-secret');
  await writeFile(secretFile, `${SECRETS.mesosSecretFile}\n`, { mode: 0o600 });
}, 60_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** `init --yes` for `confDir`: the master address (with its ZooKeeper password) comes from MESOS_MASTER, never argv. */
async function init(confDir: string, master: string | undefined, extra: readonly string[]): Promise<CliResult> {
  const args = ['init', '--yes', '--conf-dir', confDir, '--jar-url', 'LOCAL', '--alluxio-home', dist.home];
  args.push('--worker-memory-size', '256MB', '--worker-mem', '128MB', '--master-mem', '256MB');
  args.push('--principal', PRINCIPAL, '--secret-file', secretFile, ...extra);
  return runCli(args, { env: cleanEnv(master === undefined ? {} : { MESOS_MASTER: master }) });
}

async function mode(file: string): Promise<number> {
  return (await stat(file)).mode & 0o777;
}

describeWithZooKeeper('planted secrets never leak', () => {
  beforeAll(async () => {
    zookeeper = await startZooKeeper();
  }, 60_000);
  afterAll(async () => {
    await zookeeper?.stop();
  });

  it(
    'credentials inside the under-storage URI: masked in every output, deploy refuses them with the fix',
    { timeout: 60_000 },
    async () => {
      const confDir = path.join(root, 'conf-refused');
      const master = `zk://bob:${SECRETS.zkPassword}@${zookeeper.connectString}/mesos`;
      const leaks: string[] = [];
      const first = await init(confDir, master, ['--underfs-address', UFS_WITH_CREDENTIALS]);
      expect(first.exitCode).toBe(0);
      expect(first.stdout).toContain(`zk://bob:***@${zookeeper.connectString}/mesos`);
      expect(first.stdout).toContain('s3a://AKIDPLANTED:***@bucket/data?aws_secret_access_key=***');
      expect(first.stderr).toContain('which deploy refuses to ship to Mesos tasks');
      leaks.push(...leaksInResult('init summary', first));
      // Both files hold a credential: readable by their owner only.
      expect(await mode(path.join(confDir, 'alluxio-site.properties'))).toBe(0o600);
      expect(await mode(path.join(confDir, 'alluxio-mesos.json'))).toBe(0o600);

      for (const flags of [['--dry-run'], ['--dry-run', '--json'], ['--json']]) {
        const result = await init(confDir, master, [
          '--underfs-address',
          `s3a://AKIDPLANTED:${SECRETS.uriPassword}x@bucket/data`,
          ...flags,
        ]);
        expect(result.exitCode, result.stderr).toBe(0);
        leaks.push(...leaksInResult(`init ${flags.join(' ')}`, result));
      }

      for (const flags of [['--dry-run'], ['--dry-run', '--json'], ['--json'], []]) {
        const result = await runCli(['deploy', '--conf-dir', confDir, ...flags], { env: cleanEnv(OPERATOR_ENV) });
        expect(result.exitCode).toBe(2);
        expect(result.stderr).toMatch(/^error: alluxio\.underfs\.address \(.* line \d+\) holds a password or token in a URI/);
        expect(result.stderr).toContain('AWS_SECRET_ACCESS_KEY');
        expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
        leaks.push(...leaksInResult(`deploy ${flags.join(' ')}`, result));
      }
      const check = await runCli(['check-ports', '--conf-dir', confDir, '--json', '--timeout', '1000'], { env: cleanEnv(OPERATOR_ENV) });
      leaks.push(...leaksInResult('check-ports --json', check));
      expect(leaks).toEqual([]);
    },
  );

  it(
    'on the standalone local cluster: argv, task environments, sandboxes, framework.out, --json, --dry-run and the bundle hold none',
    {
      timeout: 180_000,
    },
    async () => {
      const confDir = path.join(root, 'conf-standalone');
      const workDir = path.join(root, 'standalone');
      const leaks: string[] = [];
      // The cluster runs with the operator's secrets in its own environment: they must not reach its tasks.
      const cluster = startCli(
        ['local-cluster', '--json', '--agents', '3', '--port', '0', '--work-dir', workDir, '--zk', `zk://${zookeeper.connectString}/mesos`],
        { env: cleanEnv(OPERATOR_ENV), stdin: 'ignore', buffer: false },
      );
      let clusterOutput = '';
      cluster.stdout?.on('data', (chunk: Buffer) => (clusterOutput += chunk.toString('utf8')));
      cluster.stderr?.on('data', (chunk: Buffer) => (clusterOutput += chunk.toString('utf8')));
      try {
        await waitUntil('the local cluster', () => (clusterOutput.includes('"event":"ready"') ? true : undefined), 60_000);
        const master = `zk://bob:${SECRETS.zkPassword}@${zookeeper.connectString}/mesos`;
        const state = `zk://bob:${SECRETS.zkPassword}@${zookeeper.connectString}/alluxio-mesos`;
        const initResult = await init(confDir, master, ['--underfs-address', 's3a://bucket/data', '--state', state]);
        expect(initResult.exitCode, initResult.stderr).toBe(0);
        leaks.push(...leaksInResult('init summary', initResult));
        // A credential in a comment stays in the operator's file (0600) and is never shipped.
        await appendFile(path.join(confDir, 'alluxio-site.properties'), `# was: ${UFS_WITH_CREDENTIALS}\n`);
        await chmod(path.join(confDir, 'alluxio-site.properties'), 0o600);

        for (const flags of [['--dry-run'], ['--dry-run', '--json']]) {
          const dryRun = await runCli(['deploy', '--conf-dir', confDir, ...flags], { env: cleanEnv(OPERATOR_ENV) });
          expect(dryRun.exitCode, dryRun.stderr).toBe(0);
          leaks.push(...leaksInResult(`deploy ${flags.join(' ')}`, dryRun));
        }

        const detached = await runCli(
          ['deploy', '--detach', '--json', '--conf-dir', confDir, '--health-check-delay', '1', '--health-check-interval', '1'],
          { env: cleanEnv(OPERATOR_ENV), timeoutMs: 60_000 },
        );
        expect(detached.exitCode, detached.stderr).toBe(0);
        leaks.push(...leaksInResult('deploy --detach --json', detached));
        const status = await waitUntil(
          'every task running and healthy',
          async () => {
            const result = await runCli(['status', '--json', '--conf-dir', confDir], { env: cleanEnv(OPERATOR_ENV) });
            return result.exitCode === 0 ? result : undefined;
          },
          90_000,
        );
        leaks.push(...leaksInResult('status --json', status));
        // The text outputs too: status, a task's logs, check-ports.
        for (const args of [
          ['status'],
          ['logs', 'master-1', '-n', '20'],
          ['logs', 'worker-1', '--list'],
          ['check-ports'],
          ['check-ports', '--json'],
        ]) {
          const result = await runCli([...args, '--conf-dir', confDir], { env: cleanEnv(OPERATOR_ENV) });
          expect(result.stdout, args.join(' ')).not.toBe('');
          leaks.push(...leaksInResult(args.join(' '), result));
        }
        expect((await standins(root)).length).toBe(4);

        const bundle = path.join(root, 'standalone-logs.tar.gz');
        const logs = await runCli(['logs', '--all-tasks', '--bundle', bundle, '--json', '--conf-dir', confDir], {
          env: cleanEnv(OPERATOR_ENV),
        });
        expect(logs.exitCode, logs.stderr).toBe(0);
        leaks.push(...leaksInResult('logs --bundle --json', logs));
        const archive = gunzipSync(await readFile(bundle));
        expect(archive.toString('latin1')).toContain('alluxio-site.properties');
        leaks.push(...leaksIn('the logs bundle', archive));

        leaks.push(...(await checkTaskEnvironments(workDir)));
        const argv = await leaksInArgv();
        expect(argv.processes).toBeGreaterThan(4);
        leaks.push(...argv.leaks);
        const sandboxes = await leaksInFiles(workDir);
        expect(sandboxes.files).toBeGreaterThan(20);
        leaks.push(...sandboxes.leaks);
        // The conf dir: framework.out and the ledger hold none; the operator's own files are 0600.
        const own = ['alluxio-site.properties', 'alluxio-site.properties.bak', 'alluxio-mesos.json', 'alluxio-mesos.json.bak'].map((name) =>
          path.join(confDir, name),
        );
        expect(await readFile(path.join(confDir, 'alluxio-mesos-framework.out'), 'utf8')).toContain('"type":"subscribed"');
        leaks.push(...(await leaksInFiles(confDir, own)).leaks);
        for (const file of own) if (await stat(file).catch(() => undefined)) expect(await mode(file), file).toBe(0o600);
        expect(leaks).toEqual([]);
      } finally {
        await runCli(['teardown', '--yes', '--conf-dir', confDir], { env: cleanEnv(), timeoutMs: 30_000 }).catch(() => undefined);
        await stopProcess(cluster);
      }
    },
  );

  it(
    'with --master local: the embedded cluster gives its tasks nothing of the deploy process environment',
    { timeout: 120_000 },
    async () => {
      const confDir = path.join(root, 'conf-local');
      // The embedded cluster's work directory is a new directory under TMPDIR: under this test's root.
      const tmp = path.join(root, 'tmp-local');
      await mkdir(tmp);
      const leaks: string[] = [];
      const state = `zk://bob:${SECRETS.zkPassword}@${zookeeper.connectString}/alluxio-mesos-local`;
      const initResult = await init(confDir, 'local', ['--underfs-address', 's3a://bucket/data', '--state', state]);
      expect(initResult.exitCode, initResult.stderr).toBe(0);
      leaks.push(...leaksInResult('init summary', initResult));

      const run = new DeployRun(
        startCli(['deploy', '--json', '--conf-dir', confDir, '--health-check-delay', '1', '--health-check-interval', '1'], {
          env: cleanEnv({ ...OPERATOR_ENV, TMPDIR: tmp }),
          stdin: 'ignore',
        }),
      );
      try {
        await waitHealthy(run, 4, 0, 60_000);
        const [workDir] = (await readdir(tmp)).filter((name) => name.startsWith('alluxio-mesos-local-'));
        expect(workDir).toBeDefined();
        const clusterDir = path.join(tmp, workDir as string);
        leaks.push(...(await checkTaskEnvironments(clusterDir)));
        leaks.push(...(await leaksInArgv()).leaks);
        const sandboxes = await leaksInFiles(clusterDir);
        expect(sandboxes.files).toBeGreaterThan(20);
        leaks.push(...sandboxes.leaks);
      } finally {
        expect(await run.stop('SIGTERM')).toBe(0);
      }
      // The embedded cluster, and every task with it, ended with deploy.
      leaks.push(...leaksIn('deploy --master local --json', `${JSON.stringify(run.events)}\n${run.stderr}`));
      expect(leaks).toEqual([]);
    },
  );
});

async function stopProcess(child: ResultPromise): Promise<void> {
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await child.catch(() => undefined);
  clearTimeout(timer);
}
