import { mkdtemp, readFile, rm, stat, writeFile, mkdir, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, runCli } from '../../../helpers/cli.js';
import { ptyAvailable, startPty } from '../../../helpers/pty.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'am-init-cli-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const propsFile = (): string => path.join(dir, 'conf', 'alluxio-site.properties');
const base = ['init', '--conf-dir', 'conf'];

describe('alluxio-mesos init (binary, non-interactive)', () => {
  it('writes the file and the CLI settings from flags alone', async () => {
    const result = await runCli(
      [
        ...base,
        '--yes',
        '--master',
        'mesos.example.com:5050',
        '--jar-url',
        'LOCAL',
        '--alluxio-home',
        '/opt/alluxio-1.8.2',
        '--worker-memory-size',
        '2GB',
      ],
      { cwd: dir },
    );
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const text = await readFile(propsFile(), 'utf8');
    expect(text).toContain('alluxio.home=/opt/alluxio-1.8.2\n');
    expect(text).toContain('alluxio.worker.memory.size=2GB\n');
    expect(text).toMatch(/^# alluxio-site.properties for Alluxio on Apache Mesos/);
    expect(JSON.parse(await readFile(path.join(dir, 'conf', 'alluxio-mesos.json'), 'utf8'))).toEqual({ master: 'mesos.example.com:5050' });
    expect(result.stdout).toContain('Next: alluxio-mesos check-ports');
  });

  it('takes the master from MESOS_MASTER and honours ALLUXIO_HOME for the conf dir', async () => {
    const home = path.join(dir, 'alluxio');
    const result = await runCli(['init', '--yes', '--jar-url', 'LOCAL'], {
      cwd: dir,
      env: cleanEnv({ MESOS_MASTER: 'zk://zk1:2181/mesos', ALLUXIO_HOME: home }),
    });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(await readFile(path.join(home, 'conf', 'alluxio-mesos.json'), 'utf8')).master).toBe('zk://zk1:2181/mesos');
  });

  it('exits 2 listing the missing flags when it cannot prompt', async () => {
    const result = await runCli([...base], { cwd: dir, env: cleanEnv({ CI: 'true' }) });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^error: .*--master <address>.*--jar-url <LOCAL\|url>/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    await expect(stat(propsFile())).rejects.toThrow();
  });

  it.each([
    [['--master-port', '70000'], '--master-port'],
    [['--master', 'zk://zk1:2181'], '--master'],
    [['--worker-memory-size', '12XB'], '--worker-memory-size'],
    [['--jar-url', 'ftp://example.com/a.tgz'], '--jar-url'],
    [['--role', '-bad'], '--role'],
    [['--master-cpus', 'zero'], '--master-cpus'],
  ])('exits 2 on %j, naming %s, and leaves the existing file untouched', async (flags, name) => {
    await mkdir(path.join(dir, 'conf'));
    await writeFile(propsFile(), 'alluxio.integration.mesos.alluxio.jar.url=LOCAL\n');
    const args = [...base, '--yes', '--force', '--master', 'm:5050', '--jar-url', 'LOCAL', ...flags];
    const result = await runCli(args, { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(name);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(await readFile(propsFile(), 'utf8')).toBe('alluxio.integration.mesos.alluxio.jar.url=LOCAL\n');
  });

  it('exits 2 naming the line of a malformed existing file, and leaves it untouched', async () => {
    await mkdir(path.join(dir, 'conf'));
    const original = 'alluxio.home=/opt/alluxio\nalluxio.integration.mesos.user=bad\\u12G4\n';
    await writeFile(propsFile(), original);
    const result = await runCli([...base, '--yes', '--force', '--master', 'm:5050', '--jar-url', 'LOCAL'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/line 2/);
    expect(await readFile(propsFile(), 'utf8')).toBe(original);
  });

  it('--dry-run prints the file and writes nothing', async () => {
    const result = await runCli(
      [...base, '--yes', '--dry-run', '--master', 'm:5050', '--jar-url', 'https://example.com/alluxio-1.8.2-bin.tar.gz'],
      { cwd: dir },
    );
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(
      /^alluxio\.integration\.mesos\.alluxio\.jar\.url=https\\?:\/\/example\.com\/alluxio-1\.8\.2-bin\.tar\.gz$/m,
    );
    await expect(readdir(path.join(dir, 'conf'))).rejects.toThrow();
  });

  it('stores a secret only from the environment, never echoes it, and writes the file 0600', async () => {
    const secret = 'S3cr3t-value-42';
    const result = await runCli(
      [...base, '--yes', '--master', 'm:5050', '--jar-url', 'LOCAL', '--principal', 'alluxio', '--store-secret', '--json'],
      {
        cwd: dir,
        env: cleanEnv({ ALLUXIO_MESOS_SECRET: secret }),
      },
    );
    expect(result.exitCode).toBe(0);
    expect(result.stdout + result.stderr).not.toContain(secret);
    expect((await stat(propsFile())).mode & 0o777).toBe(0o600);
    expect(await readFile(propsFile(), 'utf8')).toContain(`alluxio.integration.mesos.secret=${secret}`);
    const doc = JSON.parse(result.stdout);
    expect(doc).toMatchObject({ written: true, next: 'alluxio-mesos check-ports' });
  });

  it('refuses two Alluxio masters without high availability (a split brain), at init, check-ports and deploy', async () => {
    const common = ['--yes', '--master', '127.0.0.1:9', '--jar-url', 'LOCAL', '--alluxio-home', '/opt/alluxio'];
    const refused = await runCli([...base, ...common, '--master-count', '2'], { cwd: dir });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('these values are missing: --ha <zookeeper|embedded>');
    const localJournal = await runCli(
      [...base, ...common, '--master-count', '2', '--ha', 'zookeeper', '--zookeeper-address', 'zk1:2181', '--journal-folder', '/j'],
      { cwd: dir },
    );
    expect(localJournal.exitCode).toBe(2);
    expect(localJournal.stderr).toContain("is on each agent's own disk; several masters need storage every master reads");
    await expect(stat(propsFile())).rejects.toThrow();

    const accepted = await runCli([...base, ...common], { cwd: dir });
    expect(accepted.exitCode).toBe(0);
    await writeFile(propsFile(), `${await readFile(propsFile(), 'utf8')}alluxio.integration.mesos.master.node.count=2\n`);
    const deploy = await runCli(['deploy', '--conf-dir', 'conf', '--dry-run'], { cwd: dir });
    expect(deploy.exitCode).toBe(2);
    expect(deploy.stderr).toMatch(/alluxio-site\.properties line \d+\) without high availability/);
    expect(deploy.stderr).toContain('init --ha zookeeper|embedded');
    // check-ports refuses it before asking Mesos anything (the master address here answers nothing).
    const checkPorts = await runCli(['check-ports', '--conf-dir', 'conf'], { cwd: dir });
    expect(checkPorts.exitCode).toBe(2);
    expect(checkPorts.stderr).toMatch(/alluxio-site\.properties line \d+\) without high availability/);
  });

  it('replaces an existing file with --force, keeping a backup', async () => {
    await runCli([...base, '--yes', '--master', 'm:5050', '--jar-url', 'LOCAL'], { cwd: dir });
    const first = await readFile(propsFile(), 'utf8');
    const result = await runCli([...base, '--force', '--master', 'm:5050', '--jar-url', 'LOCAL', '--worker-memory-size', '8GB'], {
      cwd: dir,
      env: cleanEnv({ CI: '1' }),
    });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('-alluxio.worker.memory.size=1GB');
    expect(result.stdout).toContain('+alluxio.worker.memory.size=8GB');
    expect(await readFile(`${propsFile()}.bak`, 'utf8')).toBe(first);
  });
});

describe.runIf(ptyAvailable)('alluxio-mesos init (binary, in a terminal)', () => {
  const env = cleanEnv({ NO_COLOR: '1' });
  const command = (extra = ''): string => `node ${BIN} init --conf-dir conf ${extra}`;

  it('asks the questions, shows the summary and writes the file', async () => {
    const pty = startPty(command('--master mesos.example.com:5050'), { cwd: dir, env });
    await pty.expectAndSend('How do the Mesos agents get Alluxio', '\r'); // LOCAL, the first choice
    await pty.expectAndSend('Where is Alluxio installed', '\x15/srv/alluxio\r');
    await pty.expectAndSend('Which Java', '\r');
    await pty.expectAndSend('Number of Alluxio masters', '\r');
    await pty.expectAndSend('Pin the Alluxio master', '\r');
    await pty.expectAndSend('CPUs for the Alluxio master', '\r');
    await pty.expectAndSend('Memory for the Alluxio master', '\r');
    await pty.expectAndSend('CPUs for each Alluxio worker', '\r');
    await pty.expectAndSend('Worker process memory', '\r');
    await pty.expectAndSend('Worker ramdisk size', '\x15oops\r');
    await pty.expectAndSend(/not a|invalid|size/i, '\x15\x7f\x7f\x7f\x7f2GB\r');
    await pty.expectAndSend('Alluxio ports', '\r');
    await pty.expectAndSend('Mesos role', '\r');
    await pty.expectAndSend('Mesos principal', '\r');
    await pty.expectAndSend('File holding the Mesos secret', '\r');
    await pty.expectAndSend('User the Alluxio tasks', '\r');
    await pty.expectAndSend('Under-storage address', '\r');
    await pty.expectAndSend('Maximum number of workers', '\r');
    await pty.expectAndSend('Scheduler state', '\r');
    await pty.waitFor('Summary');
    await pty.expectAndSend('Write ', '\r');
    expect(await pty.exit).toBe(0);
    const text = await readFile(propsFile(), 'utf8');
    expect(text).toContain('alluxio.home=/srv/alluxio');
    expect(text).toContain('alluxio.worker.memory.size=2GB');
  }, 60_000);

  it('asks again at once when a port is already taken by an earlier answer, keeping every answer', async () => {
    const pty = startPty(command('--master mesos.example.com:5050 --jar-url LOCAL --alluxio-home /srv/alluxio --jdk-url LOCAL'), {
      cwd: dir,
      env,
    });
    for (const question of [
      'Number of Alluxio masters',
      'Pin the Alluxio master',
      'CPUs for the Alluxio master',
      'Memory for the Alluxio master',
      'CPUs for each Alluxio worker',
      'Worker process memory',
      'Worker ramdisk size',
    ]) {
      await pty.expectAndSend(question, '\r');
    }
    await pty.expectAndSend('Alluxio ports', '\u001b[B\r'); // "Choose other ports"
    await pty.expectAndSend('Master RPC port', '\u0015\u007f\u007f\u007f\u007f\u007f20000\r');
    await pty.expectAndSend('Master web UI port', '\r');
    await pty.expectAndSend('Worker RPC port', '\u0015\u007f\u007f\u007f\u007f\u007f20000\r');
    await pty.expectAndSend(
      'port 20000 is already the master RPC port (20000, answered above)',
      '\u0015\u007f\u007f\u007f\u007f\u007f20002\r',
    );
    for (const question of [
      'Worker data port',
      'Worker web UI port',
      'Mesos role',
      'Mesos principal',
      'File holding the Mesos secret',
      'User the Alluxio tasks',
    ]) {
      await pty.expectAndSend(question, '\r');
    }
    for (const question of ['Under-storage address', 'Maximum number of workers', 'Scheduler state'])
      await pty.expectAndSend(question, '\r');
    await pty.waitFor('Summary');
    await pty.expectAndSend('Write ', '\r');
    expect(await pty.exit).toBe(0);
    const text = await readFile(propsFile(), 'utf8');
    expect(text).toMatch(/^alluxio\.master\.(rpc\.)?port=20000$/m);
    expect(text).toMatch(/^alluxio\.worker\.(rpc\.)?port=20002$/m);
  }, 60_000);

  it('Ctrl-C at a prompt exits 130 and writes nothing', async () => {
    const pty = startPty(command('--master mesos.example.com:5050'), { cwd: dir, env });
    await pty.expectAndSend('How do the Mesos agents get Alluxio', '\x03');
    expect(await pty.exit).toBe(130);
    await expect(stat(propsFile())).rejects.toThrow();
  }, 30_000);
});
