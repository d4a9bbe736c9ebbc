/**
 * Nothing the user has is lost, through the real binary (dist/): no file the CLI did not create is
 * overwritten without --force, a site file that is not text (or is absurdly large) is an error and
 * never a source of keys, init's two files change together or not at all, and the temporary files
 * a killed process left behind are cleaned up. Large files are generated here, never committed.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { list as listTar } from 'tar';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { agent, cpus, mem, ports, startFakeMesos, type FakeMesos } from '../helpers/fake-mesos.js';

const FRAMEWORK_ID = 'F-data';
const TASK_ID = 'alluxio-worker-1.dd';
const SANDBOX = `/frameworks/${FRAMEWORK_ID}/executors/${TASK_ID}/runs/latest`;
/** Above any pid Linux hands out (pid_max is at most 2^22): never a live process. */
const DEAD_PID = 4_194_305;
const SITE = 'alluxio.integration.mesos.alluxio.jar.url=LOCAL\nalluxio.home=/opt/alluxio\n';

let dir: string;
let conf: string;
let mesos: FakeMesos | undefined;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'am-data-loss-'));
  conf = path.join(dir, 'conf');
});
afterEach(async () => {
  await mesos?.close();
  mesos = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function cli(args: readonly string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return runCli(['--conf-dir', conf, ...args], { cwd: dir });
}

/** The error is one line on stderr, nothing but printable ASCII. */
function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  expect(lines, stderr.slice(0, 2000)).toHaveLength(1);
  expect(stderr).not.toMatch(/[^\x20-\x7e\n]/);
  return lines[0] as string;
}

async function cluster(): Promise<FakeMesos> {
  mesos = await startFakeMesos((port) => ({
    agents: [agent('127.0.0.1', port, [cpus(4), mem(8192), ports([[19998, 30000]])], 'S-1')],
    tasks: [
      {
        task_id: { value: TASK_ID },
        framework_id: { value: FRAMEWORK_ID },
        agent_id: { value: 'S-1' },
        name: 'AlluxioWorker',
        state: 'TASK_RUNNING',
        statuses: [{ state: 'TASK_RUNNING', timestamp: 1_795_552_500 }],
      },
    ],
    files: { [`${SANDBOX}/stdout`]: 'worker started\n', [`${SANDBOX}/logs/worker.log`]: 'line 1\n' },
  }));
  return mesos;
}

async function writeSite(content: string | Buffer): Promise<string> {
  await mkdir(conf, { recursive: true });
  const file = path.join(conf, 'alluxio-site.properties');
  await writeFile(file, content);
  return file;
}

describe('no file the CLI did not create is overwritten without --force', () => {
  it('logs --all-tasks --bundle conf/alluxio-site.properties: exit 2 before Mesos is asked, the configuration untouched', async () => {
    const site = await writeSite(SITE);
    const master = await cluster();
    const result = await cli(['--master', master.hostPort, 'logs', '--all-tasks', '--bundle', 'conf/alluxio-site.properties']);
    expect(result.exitCode).toBe(2);
    expect(oneLine(result.stderr)).toBe(
      'error: conf/alluxio-site.properties already exists: not replacing it; pass --force to replace it, or give another file name',
    );
    expect(await readFile(site, 'utf8')).toBe(SITE);
    expect(master.calls()).toEqual([]);
  });

  it('logs --bundle onto an existing archive replaces it with --force, atomically', async () => {
    await writeSite(SITE);
    const master = await cluster();
    const archive = path.join(dir, 'logs.tar.gz');
    await writeFile(archive, 'last week');
    const result = await cli([
      '--master',
      master.hostPort,
      'logs',
      '--all-tasks',
      '--bundle',
      archive,
      '--force',
      '--framework-id',
      FRAMEWORK_ID,
    ]);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const members: string[] = [];
    await listTar({ file: archive, onReadEntry: (entry) => members.push(entry.path) });
    expect(members.sort()).toEqual(['worker-1/logs/worker.log', 'worker-1/stdout']);
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('logs --bundle into a missing directory or onto a directory: one line with the fix, exit 2', async () => {
    const missing = path.join(dir, 'nope', 'logs.tar.gz');
    const intoMissing = await cli(['--master', '127.0.0.1:9', 'logs', '--all-tasks', '--bundle', missing]);
    expect(intoMissing.exitCode).toBe(2);
    expect(oneLine(intoMissing.stderr)).toBe(
      `error: cannot write ${missing}: ${path.dirname(missing)} is not a directory; create it first, or give --bundle a path in an existing directory`,
    );
    const ontoDirectory = await cli(['--master', '127.0.0.1:9', 'logs', '--all-tasks', '--bundle', dir]);
    expect(ontoDirectory.exitCode).toBe(2);
    expect(oneLine(ontoDirectory.stderr)).toBe(
      `error: cannot write ${dir}: it is a directory; give --bundle a file name, e.g. ${path.join(dir, 'alluxio-logs.tar.gz')}`,
    );
  });

  it('local-cluster --write-demo-dist next to a tarball of the same name that is not a stand-in: exit 2, kept; --force replaces it', async () => {
    const demo = path.join(dir, 'demo');
    await mkdir(demo);
    const tarball = path.join(demo, 'alluxio-1.8.2-bin.tar.gz');
    await writeFile(tarball, 'the real Alluxio 1.8.2 tarball');

    const refused = await runCli(['local-cluster', '--write-demo-dist', demo], { cwd: dir });
    expect(refused.exitCode).toBe(2);
    expect(oneLine(refused.stderr)).toBe(
      `error: ${tarball} already exists: not replacing it; pass --force to replace it, or give another file name`,
    );
    expect(await readFile(tarball, 'utf8')).toBe('the real Alluxio 1.8.2 tarball');
    expect(await readdir(demo)).toEqual(['alluxio-1.8.2-bin.tar.gz']);

    const forced = await runCli(['local-cluster', '--write-demo-dist', demo, '--force'], { cwd: dir });
    expect(forced.exitCode).toBe(0);
    const members: string[] = [];
    await listTar({ file: tarball, onReadEntry: (entry) => members.push(entry.path) });
    expect(members).toContain('alluxio-1.8.2/STAND-IN.md');

    // Its own stand-in of an earlier run is replaced without asking, as before.
    const again = await runCli(['local-cluster', '--write-demo-dist', demo], { cwd: dir });
    expect(again.exitCode).toBe(0);
    expect((await readdir(demo)).sort()).toEqual(['alluxio-1.8.2', 'alluxio-1.8.2-bin.tar.gz']);
  });

  it('local-cluster --write-demo-dist onto a foreign alluxio-<version> directory or onto a file: one line, nothing touched', async () => {
    const demo = path.join(dir, 'demo');
    await mkdir(path.join(demo, 'alluxio-1.8.2'), { recursive: true });
    await writeFile(path.join(demo, 'alluxio-1.8.2', 'precious'), 'x');
    const foreign = await runCli(['local-cluster', '--write-demo-dist', demo, '--force'], { cwd: dir });
    expect(foreign.exitCode).toBe(2);
    expect(oneLine(foreign.stderr)).toBe(
      `error: ${path.join(demo, 'alluxio-1.8.2')} already exists and is not a stand-in distribution: not replacing it; ` +
        'choose another directory, or remove it yourself',
    );
    expect(await readdir(path.join(demo, 'alluxio-1.8.2'))).toEqual(['precious']);

    const file = path.join(dir, 'a-file');
    await writeFile(file, 'mine');
    const ontoFile = await runCli(['local-cluster', '--write-demo-dist', file], { cwd: dir });
    expect(ontoFile.exitCode).toBe(1);
    expect(oneLine(ontoFile.stderr)).toBe(
      `error: cannot create the directory ${file}: a file that is not a directory is in the way; give --write-demo-dist a directory (it is created if missing)`,
    );
    expect(await readFile(file, 'utf8')).toBe('mine');
  });

  it('init --write-service --yes over a hand-edited unit: exit 2, kept; only --force replaces it (keeping a .bak)', async () => {
    const first = await cli(['init', '--yes', '--master', 'mesos1:5050', '--jar-url', 'LOCAL', '--alluxio-home', '/opt/alluxio']);
    expect(first.exitCode).toBe(0);
    const unit = path.join(conf, 'alluxio-mesos-scheduler.service');
    await writeFile(unit, 'edited by hand\n');
    const refused = await cli(['init', '--yes', '--write-service', 'systemd']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain(`error: ${unit} exists and would change (diff above); pass --force to replace it`);
    expect(await readFile(unit, 'utf8')).toBe('edited by hand\n');
    const forced = await cli(['init', '--yes', '--write-service', 'systemd', '--force']);
    expect(forced.exitCode).toBe(0);
    expect(await readFile(`${unit}.bak`, 'utf8')).toBe('edited by hand\n');
  });
});

describe('a site file that is not text is an error naming the file and the fix, never a source of keys', () => {
  const gzipped = gzipSync(Buffer.from('worker-1/stdout\0\0\0\0worker started\n'.repeat(200)));

  it('a tar.gz written over it: check-ports and status exit 2 with one clean line', async () => {
    const site = await writeSite(gzipped);
    for (const command of [['check-ports'], ['status']]) {
      const result = await cli(['--master', '127.0.0.1:9', ...command]);
      expect(result.exitCode, command.join(' ')).toBe(2);
      expect(oneLine(result.stderr)).toBe(
        `error: ${site} is not a text file (it holds gzip-compressed data, e.g. a .tar.gz): not read as properties; ` +
          'put the configuration back (alluxio-site.properties.bak may hold it), or move this file aside and run alluxio-mesos init again',
      );
    }
  });

  it('init --force does not keep its bytes as "unknown keys": it refuses, and writes nothing', async () => {
    const site = await writeSite(gzipped);
    const result = await cli(['init', '--yes', '--force', '--master', 'm:5050', '--jar-url', 'LOCAL', '--alluxio-home', '/opt/alluxio']);
    expect(result.exitCode).toBe(2);
    expect(oneLine(result.stderr)).toContain(`error: ${site} is not a text file`);
    expect(await readFile(site)).toEqual(gzipped);
    expect(await readdir(conf)).toEqual(['alluxio-site.properties']);
  });

  it('NUL and other control bytes: exit 2, naming the line', async () => {
    const site = await writeSite(`${SITE}alluxio.master.hostname=m1\0\n`);
    const result = await cli(['--master', '127.0.0.1:9', 'check-ports']);
    expect(result.exitCode).toBe(2);
    expect(oneLine(result.stderr)).toContain(`error: ${site} is not a text file (a NUL byte on line 3): not read as properties`);
  });
});

describe('a huge site file: refused at once above the cap, checked in linear time below it', () => {
  it('55 MB of 700,000 keys, and a single value of 20 MB: exit 2, one line with the size', async () => {
    const keys = `${Array.from({ length: 700_000 }, (_, i) => `user.custom.property.number.${i}=${'v'.repeat(50)}`).join('\n')}\n`;
    const site = await writeSite(keys);
    const mib = Math.round((Buffer.byteLength(keys) / 1024 / 1024) * 10) / 10;
    const many = await cli(['--master', '127.0.0.1:9', 'check-ports']);
    expect(many.exitCode).toBe(2);
    expect(oneLine(many.stderr)).toBe(
      `error: ${site} is ${mib} MiB: larger than the 8 MiB a site file may be; ` +
        'an Alluxio site file is a few KiB: check that this is the right file (and --conf-dir), or remove what does not belong in it',
    );

    await writeSite(`${SITE}alluxio.underfs.address=/${'x'.repeat(20 * 1024 * 1024)}\n`);
    const long = await cli(['--master', '127.0.0.1:9', 'check-ports']);
    expect(long.exitCode).toBe(2);
    expect(oneLine(long.stderr)).toContain(`error: ${site} is 20 MiB: larger than the 8 MiB a site file may be`);
  });

  // Before the parser and the checks were made linear, this took hours (19 ms per unknown key).
  it('100,000 misspelt keys: check-ports answers, with 20 warnings and a count', { timeout: 180_000 }, async () => {
    const keys = Array.from({ length: 100_000 }, (_, i) => `alluxio.master.port${i}=1`).join('\n');
    await writeSite(`${SITE}${keys}\n`);
    expect((await stat(path.join(conf, 'alluxio-site.properties'))).size).toBeLessThan(8 * 1024 * 1024);
    const master = await cluster();
    const result = await cli(['--master', master.hostPort, 'check-ports']);
    expect([0, 1]).toContain(result.exitCode);
    const warnings = result.stderr.split('\n').filter((line) => line.startsWith('warning: '));
    expect(warnings.filter((line) => line.startsWith('warning: unknown key "alluxio.master.port'))).toHaveLength(20);
    expect(warnings).toContain('warning: ... and 99980 more unknown keys');
  });
});

describe('init and a settings path that is not a file', () => {
  it('one line naming it, exit 2, and no site file written', async () => {
    const settings = path.join(conf, 'alluxio-mesos.json');
    await mkdir(settings, { recursive: true });
    const result = await cli(['init', '--yes', '--master', 'm:5050', '--jar-url', 'LOCAL', '--alluxio-home', '/opt/alluxio']);
    expect(result.exitCode).toBe(2);
    expect(oneLine(result.stderr)).toBe(`error: ${settings} is not a regular file; move it aside and run alluxio-mesos init again`);
    expect(await readdir(conf)).toEqual(['alluxio-mesos.json']);
  });
});

describe('temporary files a killed process left behind', () => {
  it('are removed when the configuration directory is next written; files that are not ours stay', async () => {
    await mkdir(conf);
    const twoMinutesAgo = (Date.now() - 120_000) / 1000;
    const leftovers = [`.alluxio-mesos-ledger.json.bak.${DEAD_PID}.0a1b2c3d4e5f.tmp`, `.alluxio-mesos.lock.${DEAD_PID}.0a1b2c3d4e5f.tmp`];
    const theirs = ['.notes.tmp', `backup.${DEAD_PID}.0a1b2c3d4e5f.tmp`];
    for (const name of [...leftovers, ...theirs]) {
      await writeFile(path.join(conf, name), '{"partial":');
      await utimes(path.join(conf, name), twoMinutesAgo, twoMinutesAgo);
    }
    const result = await cli(['init', '--yes', '--master', 'm:5050', '--jar-url', 'LOCAL', '--alluxio-home', '/opt/alluxio']);
    expect(result.exitCode).toBe(0);
    const left = await readdir(conf);
    for (const name of leftovers) expect(left).not.toContain(name);
    for (const name of theirs) expect(left).toContain(name);
  });
});
