import * as fsPromises from 'node:fs/promises';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runInit } from '../../../../src/commands/init/run.js';
import { resolveGlobals } from '../../../../src/context/context.js';
import { noTermination } from '../../../../src/context/termination.js';
import type { StoreFs } from '../../../../src/shared/atomic-file.js';
import { CancelledError, ConfigError, OperationError, UsageError } from '../../../../src/shared/errors.js';
import type { Prompter } from '../../../../src/ui/prompts.js';
import { testIo } from '../../../helpers/test-io.js';

/** Answers prompts from a script keyed by the start of the question; records the defaults offered. */
function scriptedPrompter(script: Array<[string, string | boolean]>): Prompter & { asked: Array<{ message: string; default: unknown }> } {
  const asked: Array<{ message: string; default: unknown }> = [];
  const next = (message: string, fallback: unknown): string | boolean => {
    const index = script.findIndex(([prefix]) => message.startsWith(prefix));
    if (index < 0) {
      return (fallback ?? '') as string | boolean;
    }
    const [[, answer]] = script.splice(index, 1) as [[string, string | boolean]];
    return answer;
  };
  return {
    asked,
    async input(q) {
      asked.push({ message: q.message, default: q.default });
      const answer = String(next(q.message, q.default));
      const value = answer === '' && q.default !== undefined ? q.default : answer;
      const problem = q.validate?.(value);
      if (problem !== undefined) throw new Error(`invalid scripted answer for ${q.message}: ${problem}`);
      return value;
    },
    async select(q) {
      asked.push({ message: q.message, default: q.default });
      return next(q.message, q.default) as never;
    },
    async confirm(q) {
      asked.push({ message: q.message, default: q.default });
      return next(q.message, q.default) as boolean;
    },
  };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'am-init-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ctx = (io = testIo({ cwd: dir }), raw: Record<string, unknown> = {}) => ({
  io,
  globals: resolveGlobals({ confDir: 'conf', ...raw }, io),
  termination: noTermination(),
});

describe('init wizard', () => {
  it('asks every question and writes the answers', async () => {
    const prompter = scriptedPrompter([
      ['Mesos master address', 'mesos1.example.com:5050'],
      ['How do the Mesos agents get Alluxio', 'tarball'],
      ['URL of the Alluxio tarball', 'https://repo.example.com/alluxio-1.8.2-bin.tar.gz'],
      ['Which Java', 'jdk'],
      ['URL of the JDK tarball', 'https://repo.example.com/jdk-8u151.tar.gz'],
      ['Directory the JDK', 'jdk1.8.0_151'],
      ['Number of Alluxio masters', '1'],
      ['Pin the Alluxio master', 'agent7.example.com'],
      ['CPUs for the Alluxio master', '2'],
      ['Memory for the Alluxio master', '2GB'],
      ['CPUs for each Alluxio worker', '1'],
      ['Worker process memory', '1024MB'],
      ['Worker ramdisk size', '4GB'],
      ['Alluxio ports', 'yes'],
      ['Master RPC port', '31398'],
      ['Master web UI port', '31399'],
      ['Worker RPC port', '31498'],
      ['Worker data port', '31499'],
      ['Worker web UI port', '31500'],
      ['Mesos role', 'alluxio'],
      ['Mesos principal', ''],
      ['File holding the Mesos secret', ''],
      ['User the Alluxio tasks', ''],
      ['Under-storage address', 'hdfs://nn:9000/alluxio'],
      ['Maximum number of workers', '5'],
      ['Write ', true],
    ]);
    const c = ctx();
    expect(await runInit(c, {}, prompter)).toBe(0);
    const text = await readFile(path.join(dir, 'conf/alluxio-site.properties'), 'utf8');
    expect(text).toContain('alluxio.integration.mesos.alluxio.jar.url=https://repo.example.com/alluxio-1.8.2-bin.tar.gz');
    expect(text).toContain('alluxio.worker.memory.size=4GB');
    expect(text).toContain('alluxio.master.port=31398');
    expect(text).toContain('alluxio.worker.data.port=31499');
    expect(text).toContain('alluxio.integration.mesos.role=alluxio');
    expect(text).toContain('alluxio.underfs.address=hdfs://nn:9000/alluxio');
    expect(text).not.toContain('agent7');
    const settings = JSON.parse(await readFile(path.join(dir, 'conf/alluxio-mesos.json'), 'utf8'));
    expect(settings).toEqual({ master: 'mesos1.example.com:5050', alluxioMaster: 'agent7.example.com', maxWorkers: 5 });
    expect(c.io.stdout).toBeDefined();
    expect((c.io as ReturnType<typeof testIo>).stdoutText()).toContain('Next: alluxio-mesos check-ports');
  });

  it('offers the current file values as defaults on a re-run and changes only what was answered', async () => {
    await runInit(ctx(testIo({ cwd: dir }), { yes: true, master: 'm1:5050' }), {
      jarUrl: 'LOCAL',
      alluxioHome: '/srv/alluxio',
      workerMemorySize: '3GB',
    });
    const before = await readFile(path.join(dir, 'conf/alluxio-site.properties'), 'utf8');
    const prompter = scriptedPrompter([
      ['Worker ramdisk size', '5GB'],
      ['Replace ', true],
    ]);
    expect(await runInit(ctx(), {}, prompter)).toBe(0);
    expect(prompter.asked.find((q) => q.message.startsWith('Mesos master'))?.default).toBe('m1:5050');
    expect(prompter.asked.find((q) => q.message.startsWith('Where is Alluxio installed'))?.default).toBe('/srv/alluxio');
    expect(prompter.asked.find((q) => q.message.startsWith('Worker ramdisk'))?.default).toBe('3GB');
    const after = await readFile(path.join(dir, 'conf/alluxio-site.properties'), 'utf8');
    expect(after).toBe(before.replace('alluxio.worker.memory.size=3GB', 'alluxio.worker.memory.size=5GB'));
    expect(await readFile(path.join(dir, 'conf/alluxio-site.properties.bak'), 'utf8')).toBe(before);
  });

  it('offers a saved password masked, keeps it when the default is taken, and never prints it', async () => {
    const master = 'zk://bob:zk-pass-1@zk1:2181/mesos';
    const ufs = 's3a://AKID:ufs-pass-2@bucket/data';
    await runInit(ctx(testIo({ cwd: dir }), { yes: true, master }), { jarUrl: 'LOCAL', alluxioHome: '/srv/alluxio', underfsAddress: ufs });
    const prompter = scriptedPrompter([
      ['Worker ramdisk size', '5GB'],
      ['Replace ', true],
    ]);
    const io = testIo({ cwd: dir });
    expect(await runInit(ctx(io), {}, prompter)).toBe(0);
    expect(prompter.asked.find((q) => q.message.startsWith('Mesos master'))?.default).toBe('zk://bob:***@zk1:2181/mesos');
    expect(prompter.asked.find((q) => q.message.startsWith('Under-storage'))?.default).toBe('s3a://AKID:***@bucket/data');
    expect(JSON.parse(await readFile(path.join(dir, 'conf/alluxio-mesos.json'), 'utf8')).master).toBe(master);
    expect(await readFile(path.join(dir, 'conf/alluxio-site.properties'), 'utf8')).toContain(`alluxio.underfs.address=${ufs}`);
    for (const file of ['alluxio-mesos.json', 'alluxio-site.properties']) {
      expect((await stat(path.join(dir, 'conf', file))).mode & 0o777).toBe(0o600);
    }
    const shown = io.stdoutText() + io.stderrText();
    expect(shown).toContain('zk://bob:***@zk1:2181/mesos');
    expect(shown).not.toMatch(/zk-pass-1|ufs-pass-2/);
  });

  it('writes nothing when a prompt is cancelled', async () => {
    const prompter = scriptedPrompter([['Mesos master address', 'm:5050']]);
    prompter.select = async () => {
      throw new CancelledError('cancelled at a prompt: nothing was written');
    };
    await expect(runInit(ctx(), {}, prompter)).rejects.toBeInstanceOf(CancelledError);
    await expect(stat(path.join(dir, 'conf/alluxio-site.properties'))).rejects.toThrow();
  });

  it('without a terminal, names every missing flag', async () => {
    const error = await runInit(ctx(), {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toContain('--master <address>');
    expect((error as UsageError).message).toContain('--jar-url <LOCAL|url>');
  });

  it('refuses to replace a changed file without --force when it cannot ask, leaving it untouched', async () => {
    await writeFile(path.join(dir, 'x'), '');
    await runInit(ctx(testIo({ cwd: dir }), { yes: true, master: 'm1:5050' }), { jarUrl: 'LOCAL' });
    const file = path.join(dir, 'conf/alluxio-site.properties');
    const before = await readFile(file, 'utf8');
    const error = await runInit(ctx(testIo({ cwd: dir }), { master: 'm1:5050' }), { workerMemorySize: '2GB' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).hint).toContain('--force');
    expect(await readFile(file, 'utf8')).toBe(before);
  });

  it('rejects an invalid value in the existing file with its key and line', async () => {
    const conf = path.join(dir, 'conf');
    await import('node:fs/promises').then((fs) => fs.mkdir(conf));
    const file = path.join(conf, 'alluxio-site.properties');
    const original = '# hand edited\nalluxio.integration.mesos.alluxio.jar.url=LOCAL\nalluxio.master.web.port=99999\n';
    await writeFile(file, original);
    const error = await runInit(ctx(testIo({ cwd: dir }), { yes: true, master: 'm:5050' }), { force: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain('alluxio.master.web.port');
    expect((error as ConfigError).line).toBe(3);
    expect(await readFile(file, 'utf8')).toBe(original);
  });
});

describe('init refuses hostile or absurd values, saying why, and writes nothing', () => {
  it.each([
    [{ user: 'root;rm -rf /' }, '--user "root;rm -rf /": "root;rm -rf /" is not a valid user name'],
    [{ masterMem: '0.0001MB' }, '--master-mem "0.0001MB": 0.0001MB is too small; give at least 32MB'],
    [{ workerMem: '1KB' }, '--worker-mem "1KB": 1KB is too small; give at least 32MB'],
    [
      { jarUrl: 'LOCAL', alluxioHome: '/opt/my alluxio' },
      '"/opt/my alluxio" contains a blank: Alluxio\'s own scripts use alluxio.home unquoted',
    ],
    [{ jarUrl: 'LOCAL', alluxioHome: '/opt/$(reboot)' }, '"/opt/$(reboot)" contains "$"'],
  ])('%j', async (flags, message) => {
    const error = await runInit(ctx(testIo({ cwd: dir }), { yes: true, master: 'm:5050' }), flags).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect(`${(error as UsageError).message}; ${(error as UsageError).hint ?? ''}`).toContain(message);
    await expect(stat(path.join(dir, 'conf', 'alluxio-site.properties'))).rejects.toThrow(/ENOENT/);
  });
});

describe('init output', () => {
  const flags = {
    jarUrl: 'https://repo.example.com/alluxio-1.8.2-bin.tar.gz',
    alluxioMaster: 'agent7',
    maxWorkers: '5',
    workerMemorySize: '4GB',
  };
  const SUMMARY = [
    '',
    'Summary',
    '  Mesos master address                          mesos1:5050                                        alluxio-mesos.json',
    '  URL of the Alluxio tarball                    https://repo.example.com/alluxio-1.8.2-bin.tar.gz  alluxio.integration.mesos.alluxio.jar.url',
    '  Number of Alluxio masters                     1                                                  alluxio.integration.mesos.master.node.count',
    '  Pin the Alluxio master to one agent host      agent7                                             alluxio-mesos.json',
    '  CPUs for the Alluxio master task              1                                                  alluxio.integration.master.resource.cpu',
    '  Memory for the Alluxio master task            1024MB                                             alluxio.integration.master.resource.mem',
    '  CPUs for each Alluxio worker task             1                                                  alluxio.integration.worker.resource.cpu',
    '  Worker process memory, on top of the ramdisk  1024MB                                             alluxio.integration.worker.resource.mem',
    '  Worker ramdisk size                           4GB                                                alluxio.worker.memory.size',
    '  Mesos role of the framework                   *                                                  alluxio.integration.mesos.role',
    '  Mesos principal                               alluxio                                            alluxio.integration.mesos.principal',
    '  File holding the Mesos secret                 (not set)                                          alluxio-mesos.json',
    '  User the Alluxio tasks run as                 (not set)                                          alluxio.integration.mesos.user',
    '  Under-storage address                         (not set)                                          alluxio.underfs.address',
    '  Maximum number of workers                     5                                                  alluxio-mesos.json',
    '  Scheduler state: file or zk://host:2181/path  (not set)                                          alluxio-mesos.json',
    '',
    '',
  ].join('\n');

  it('prints the summary of every answer with where it is kept, what was written, and the next step', async () => {
    const io = testIo({ cwd: dir });
    expect(await runInit(ctx(io, { yes: true, master: 'mesos1:5050' }), flags)).toBe(0);
    const conf = path.join(dir, 'conf');
    expect(io.stdoutText()).toBe(
      `${SUMMARY}Wrote ${conf}/alluxio-site.properties\nSaved CLI settings in ${conf}/alluxio-mesos.json\n\nNext: alluxio-mesos check-ports\n`,
    );
    expect(io.stderrText()).toBe('');
  });

  it('on a re-run that changes the file, prints the summary, the diff and the backup it kept', async () => {
    await runInit(ctx(testIo({ cwd: dir }), { yes: true, master: 'mesos1:5050' }), flags);
    const io = testIo({ cwd: dir });
    expect(await runInit(ctx(io, { yes: true }), { workerMemorySize: '2GB', force: true })).toBe(0);
    const file = path.join(dir, 'conf', 'alluxio-site.properties');
    const out = io.stdoutText();
    expect(
      out.startsWith(
        SUMMARY.replace(
          '4GB                                                alluxio.worker',
          '2GB                                                alluxio.worker',
        ),
      ),
    ).toBe(true);
    expect(out).toContain(`--- ${file} (current)\n+++ ${file} (new)\n`);
    expect(out).toContain('\n-alluxio.worker.memory.size=4GB\n+alluxio.worker.memory.size=2GB\n');
    expect(out).toContain(`\nWrote ${file} (previous version: ${file}.bak)\n`);
  });

  it('names a non-default --conf-dir in the next step', async () => {
    const io = testIo({ cwd: dir });
    await runInit(
      { io, globals: resolveGlobals({ confDir: 'site', yes: true, master: 'mesos1:5050' }, io), termination: noTermination() },
      { jarUrl: 'LOCAL' },
    );
    expect(io.stdoutText().endsWith(`\nNext: alluxio-mesos check-ports --conf-dir ${path.join(dir, 'site')}\n`)).toBe(true);
  });

  it('--json prints only one document: the files, whether they changed, the settings and the next step', async () => {
    const io = testIo({ cwd: dir });
    await runInit(ctx(io, { yes: true, master: 'mesos1:5050', json: true }), flags);
    const conf = path.join(dir, 'conf');
    expect(io.stdoutText().trimEnd().includes('\n')).toBe(false);
    expect(JSON.parse(io.stdoutText())).toEqual({
      file: `${conf}/alluxio-site.properties`,
      settingsFile: `${conf}/alluxio-mesos.json`,
      written: true,
      changed: true,
      backup: null,
      dryRun: false,
      settings: { master: 'mesos1:5050', alluxioMaster: 'agent7', maxWorkers: 5 },
      next: 'alluxio-mesos check-ports',
    });
  });

  it('colours the summary only when colour is allowed', async () => {
    const coloured = testIo({ cwd: dir, env: { FORCE_COLOR: '1' } });
    await runInit(ctx(coloured, { yes: true, master: 'mesos1:5050' }), flags);
    expect(coloured.stdoutText()).toContain('\u001b[1mSummary\u001b[22m');
    const plain = testIo({ cwd: dir, env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
    await runInit(ctx(plain, { yes: true, master: 'mesos1:5050' }), { ...flags, force: true });
    expect(plain.stdoutText()).toContain('\nSummary\n');
    expect(plain.stdoutText()).not.toContain('\u001b[');
  });
});

describe('init --write-service and --state', () => {
  const setUp = async (): Promise<void> => {
    await runInit(ctx(testIo({ cwd: dir }), { yes: true, master: 'mesos1:5050' }), { jarUrl: 'LOCAL', alluxioHome: '/opt/alluxio' });
  };

  it('on an existing configuration asks nothing, even in a terminal, and writes only the service file', async () => {
    await setUp();
    const settingsBefore = await readFile(path.join(dir, 'conf/alluxio-mesos.json'), 'utf8');
    const io = testIo({ cwd: dir, tty: true });
    expect(await runInit(ctx(io), { writeService: 'systemd' })).toBe(0);
    expect(io.stdoutText()).not.toContain('Summary');
    expect(io.stdoutText()).toContain('systemctl enable --now alluxio-mesos-scheduler');
    expect(await readFile(path.join(dir, 'conf/alluxio-mesos-scheduler.service'), 'utf8')).toContain('ExecStart=');
    expect(await readFile(path.join(dir, 'conf/alluxio-mesos.json'), 'utf8')).toBe(settingsBefore);
  });

  it('saves a zk:// --state, clears it with an empty one, and rejects anything else', async () => {
    await setUp();
    const settings = async (): Promise<Record<string, unknown>> =>
      JSON.parse(await readFile(path.join(dir, 'conf/alluxio-mesos.json'), 'utf8')) as Record<string, unknown>;
    await runInit(ctx(testIo({ cwd: dir }), { yes: true }), { state: 'zk://zk1:2181,zk2:2181/alluxio-mesos' });
    expect((await settings()).state).toBe('zk://zk1:2181,zk2:2181/alluxio-mesos');
    await runInit(ctx(testIo({ cwd: dir }), { yes: true }), { state: '' });
    expect((await settings()).state).toBeUndefined();
    await expect(runInit(ctx(testIo({ cwd: dir }), { yes: true }), { state: 'mesos1:2181/x' })).rejects.toThrow(
      /is neither file nor a zk:\/\/ URL/,
    );
  });

  it('--service-file needs --write-service; --write-service knows two kinds', async () => {
    await setUp();
    await expect(runInit(ctx(), { serviceFile: 'x.service' })).rejects.toThrow(/--service-file needs --write-service/);
    await expect(runInit(ctx(), { writeService: 'upstart' })).rejects.toThrow(/choose one of systemd, marathon/);
  });
});

describe('init checks each port against the earlier ones when it is given', () => {
  it('names both flags the user typed, and writes nothing', async () => {
    const error = await runInit(ctx(testIo({ cwd: dir }), { yes: true, master: 'm:5050' }), {
      jarUrl: 'LOCAL',
      alluxioHome: '/opt/alluxio',
      masterPort: '20000',
      workerPort: '20000',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe(
      '--master-port "20000": port 20000 is already --worker-port 20000; give every Alluxio port its own number ' +
        '(a master and a worker may run on the same agent)',
    );
    expect(existsSync(path.join(dir, 'conf', 'alluxio-site.properties'))).toBe(false);
  });

  it('names the flag typed against a default it clashes with, and how to move the default', async () => {
    const error = await runInit(ctx(testIo({ cwd: dir }), { yes: true, master: 'm:5050' }), {
      jarUrl: 'LOCAL',
      alluxioHome: '/opt/alluxio',
      workerPort: '19999',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toMatch(/^--master-web-port \(not given, 19999\): port 19999 is already --worker-port 19999; /);
    expect((error as UsageError).hint).toBe('pass --master-web-port <port>');
  });

  it('asks again at once when an answer takes a port answered before (interactive)', async () => {
    const checked: Array<string | undefined> = [];
    const answersByQuestion: Record<string, string> = {
      'Mesos master address': 'm:5050',
      'Master RPC port': '21000',
      'Master web UI port': '21001',
      'Worker RPC port': '21000',
    };
    const prompter: Prompter = {
      input: async (question) => {
        const key = Object.keys(answersByQuestion).find((prefix) => question.message.startsWith(prefix));
        if (key === undefined) return question.default ?? '';
        const first = answersByQuestion[key]!;
        const problem = question.validate?.(first);
        checked.push(typeof problem === 'string' ? problem : undefined);
        // A person reads the problem and types another port.
        return typeof problem === 'string' ? '21002' : first;
      },
      select: async (question) => {
        if (question.message.startsWith('Alluxio ports')) return 'yes' as never;
        return question.default ?? question.choices[0]!.value;
      },
      confirm: async () => true,
    };
    expect(await runInit(ctx(), {}, prompter)).toBe(0);
    expect(checked).toContain(
      'port 21000 is already the master RPC port (21000, answered above); give every Alluxio port its own number ' +
        '(a master and a worker may run on the same agent)',
    );
    const written = await readFile(path.join(dir, 'conf', 'alluxio-site.properties'), 'utf8');
    expect(written).toMatch(/^alluxio\.worker\.(rpc\.)?port=21002$/m);
  });
});

describe('init writes the site file and the CLI settings together: both change or neither does', () => {
  const conf = (): string => path.join(dir, 'conf');
  const site = (): string => path.join(conf(), 'alluxio-site.properties');
  const settings = (): string => path.join(conf(), 'alluxio-mesos.json');

  async function firstInit(): Promise<{ site: string; settings: string }> {
    await runInit(ctx(testIo({ cwd: dir }), { yes: true, master: 'm1:5050' }), { jarUrl: 'LOCAL', alluxioHome: '/opt/alluxio' });
    return { site: await readFile(site(), 'utf8'), settings: await readFile(settings(), 'utf8') };
  }

  /** A file system on which renaming over the settings file fails (EIO, or a full disk's ENOSPC). */
  function failingSettingsRename(code: string): StoreFs {
    return {
      ...fsPromises,
      rename: (async (...args: Parameters<typeof fsPromises.rename>) => {
        if (args[1] === settings()) throw Object.assign(new Error(code), { code });
        return fsPromises.rename(...args);
      }) as typeof fsPromises.rename,
    };
  }

  it('when the settings cannot be replaced, the new site file is taken back and the error says neither changed', async () => {
    const before = await firstInit();
    const error = await runInit(
      ctx(testIo({ cwd: dir }), { yes: true, master: 'm2:5050' }),
      { workerMemorySize: '3GB', force: true },
      undefined,
      failingSettingsRename('EIO'),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OperationError);
    expect((error as OperationError).message).toBe(`cannot write ${settings()}: EIO; neither ${site()} nor ${settings()} was changed`);
    expect(await readFile(site(), 'utf8')).toBe(before.site);
    expect(await readFile(settings(), 'utf8')).toBe(before.settings);
    expect((await readdir(conf())).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('on a full disk nothing is replaced, and the message says so', async () => {
    const before = await firstInit();
    const full: StoreFs = {
      ...fsPromises,
      open: (async (...args: Parameters<typeof fsPromises.open>) => {
        if (String(args[0]).includes('.alluxio-mesos.json.')) throw Object.assign(new Error('full'), { code: 'ENOSPC' });
        return fsPromises.open(...args);
      }) as typeof fsPromises.open,
    };
    const error = await runInit(
      ctx(testIo({ cwd: dir }), { yes: true, master: 'm2:5050' }),
      { workerMemorySize: '3GB', force: true },
      undefined,
      full,
    ).catch((caught: unknown) => caught);
    expect((error as OperationError).message).toBe(`cannot write ${settings()}: ENOSPC; neither ${site()} nor ${settings()} was changed`);
    expect(await readFile(site(), 'utf8')).toBe(before.site);
    expect(await readFile(settings(), 'utf8')).toBe(before.settings);
  });

  it('a first init whose settings cannot be written leaves no site file behind', async () => {
    const error = await runInit(
      ctx(testIo({ cwd: dir }), { yes: true, master: 'm1:5050' }),
      { jarUrl: 'LOCAL', alluxioHome: '/opt/alluxio' },
      undefined,
      failingSettingsRename('EIO'),
    ).catch((caught: unknown) => caught);
    expect((error as OperationError).message).toBe(`cannot write ${settings()}: EIO; neither ${site()} nor ${settings()} was changed`);
    expect(await readdir(conf())).toEqual([]);
  });
});

describe('init on a site file that is not text', () => {
  it('refuses it, even with --force, and keeps it as it is instead of keeping its bytes as unknown keys', async () => {
    const conf = path.join(dir, 'conf');
    await mkdir(conf);
    const file = path.join(conf, 'alluxio-site.properties');
    const garbage = gzipSync(Buffer.from('worker-1/stdout\n'.repeat(100)));
    await writeFile(file, garbage);
    const error = await runInit(ctx(testIo({ cwd: dir }), { yes: true, master: 'm:5050' }), {
      jarUrl: 'LOCAL',
      alluxioHome: '/opt/alluxio',
      force: true,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      `${file} is not a text file (it holds gzip-compressed data, e.g. a .tar.gz): not read as properties`,
    );
    expect(await readFile(file)).toEqual(garbage);
    expect(await readdir(conf)).toEqual(['alluxio-site.properties']);
  });
});

describe('init sets up leader election when there are several masters', () => {
  const file = (): string => path.join(dir, 'conf/alluxio-site.properties');
  const yes = (): ReturnType<typeof ctx> => ctx(testIo({ cwd: dir }), { yes: true, master: 'm:5050' });

  it('without a terminal, two masters need --ha, then its own flags, named as missing; nothing is written', async () => {
    const noHa = await runInit(yes(), { jarUrl: 'LOCAL', masterCount: '2' }).catch((e: unknown) => e);
    expect(noHa).toBeInstanceOf(UsageError);
    expect((noHa as UsageError).message).toBe('init cannot ask questions here and these values are missing: --ha <zookeeper|embedded>');
    const noAddress = await runInit(yes(), { jarUrl: 'LOCAL', masterCount: '2', ha: 'zookeeper' }).catch((e: unknown) => e);
    expect((noAddress as UsageError).message).toContain('--zookeeper-address <host:port,...>, --journal-folder <uri>');
    const noHosts = await runInit(yes(), { jarUrl: 'LOCAL', masterCount: '3', ha: 'embedded' }).catch((e: unknown) => e);
    expect((noHosts as UsageError).message).toContain('--embedded-journal-addresses <host:19200,...>');
    expect(existsSync(file())).toBe(false);
  });

  it('--ha zookeeper writes ZooKeeper election and the shared journal', async () => {
    await runInit(yes(), {
      jarUrl: 'LOCAL',
      masterCount: '2',
      ha: 'zookeeper',
      zookeeperAddress: 'zk1:2181,zk2:2181',
      journalFolder: 'hdfs://nn:9000/alluxio/journal',
    });
    const text = await readFile(file(), 'utf8');
    expect(text).toContain('alluxio.integration.mesos.master.node.count=2');
    expect(text).toContain('alluxio.zookeeper.enabled=true');
    expect(text).toContain('alluxio.zookeeper.address=zk1:2181,zk2:2181');
    expect(text).toContain('alluxio.master.journal.folder=hdfs://nn:9000/alluxio/journal');
  });

  it('refuses a journal on local disk and a malformed ZooKeeper address, each with the fix', async () => {
    const local = await runInit(yes(), {
      jarUrl: 'LOCAL',
      masterCount: '2',
      ha: 'zookeeper',
      zookeeperAddress: 'zk1:2181',
      journalFolder: '/var/alluxio/journal',
    }).catch((e: unknown) => e);
    expect((local as UsageError).message).toBe(
      '--journal-folder "/var/alluxio/journal": "/var/alluxio/journal" is on each agent\'s own disk; several masters need ' +
        'storage every master reads, e.g. hdfs://namenode:9000/alluxio/journal (or file:// on a mount all agents share)',
    );
    const address = await runInit(yes(), {
      jarUrl: 'LOCAL',
      masterCount: '2',
      ha: 'zookeeper',
      zookeeperAddress: 'zk1',
      journalFolder: 'hdfs://nn:9000/j',
    }).catch((e: unknown) => e);
    expect((address as UsageError).message).toContain('--zookeeper-address "zk1": "zk1" in "zk1" is not host:port');
    expect(existsSync(file())).toBe(false);
  });

  it('--ha embedded writes the embedded journal, which needs 2.x keys and a host per master', async () => {
    const oneX = await runInit(yes(), {
      jarUrl: 'LOCAL',
      masterCount: '3',
      ha: 'embedded',
      embeddedJournalAddresses: 'm1:19200,m2:19200,m3:19200',
      masterPort: '19998',
    }).catch((e: unknown) => e);
    expect(oneX).toBeInstanceOf(ConfigError);
    expect((oneX as ConfigError).message).toContain("is Alluxio 2.x's embedded journal, but this file is for Alluxio 1.x");
    const fewHosts = await runInit(yes(), {
      jarUrl: 'LOCAL',
      masterCount: '3',
      ha: 'embedded',
      embeddedJournalAddresses: 'm1:19200,m2:19200',
      portKeys: '2.x',
    }).catch((e: unknown) => e);
    expect((fewHosts as ConfigError).message).toContain('names 2 hosts for 3 masters');
    await runInit(yes(), {
      jarUrl: 'LOCAL',
      masterCount: '3',
      ha: 'embedded',
      embeddedJournalAddresses: 'm1:19200,m2:19200,m3:19200',
      portKeys: '2.x',
    });
    const text = await readFile(file(), 'utf8');
    expect(text).toContain('alluxio.master.journal.type=EMBEDDED');
    expect(text).toContain('alluxio.master.embedded.journal.addresses=m1:19200,m2:19200,m3:19200');
    expect(text).not.toContain('alluxio.zookeeper.enabled');
  });

  it('switching from the embedded journal to ZooKeeper removes the embedded keys, which would contradict it', async () => {
    const base = { jarUrl: 'LOCAL', masterCount: '3', portKeys: '2.x' };
    await runInit(yes(), { ...base, ha: 'embedded', embeddedJournalAddresses: 'm1:19200,m2:19200,m3:19200' });
    await runInit(yes(), { ...base, force: true, ha: 'zookeeper', zookeeperAddress: 'zk1:2181', journalFolder: 'hdfs://nn:9000/j' });
    const text = await readFile(file(), 'utf8');
    expect(text).toContain('alluxio.zookeeper.enabled=true');
    expect(text).not.toContain('EMBEDDED');
    expect(text).not.toContain('alluxio.master.embedded.journal.addresses');
  });

  it('asks which kind and its settings in a terminal, and offers them again on a re-run', async () => {
    const prompter = scriptedPrompter([
      ['Mesos master address', 'm:5050'],
      ['How do the Mesos agents get Alluxio', 'local'],
      ['Number of Alluxio masters', '2'],
      ['Several Alluxio masters need leader election', 'zookeeper'],
      ['ZooKeeper servers', 'zk1:2181'],
      ['Master journal on storage', 'hdfs://nn:9000/j'],
    ]);
    await runInit(ctx(), {}, prompter);
    expect(await readFile(file(), 'utf8')).toContain('alluxio.zookeeper.address=zk1:2181');
    const again = scriptedPrompter([['Replace', true]]);
    await runInit(ctx(), {}, again);
    const offered = (start: string): unknown => again.asked.find((question) => question.message.startsWith(start))?.default;
    expect(offered('Several Alluxio masters need leader election')).toBe('zookeeper');
    expect(offered('ZooKeeper servers')).toBe('zk1:2181');
    expect(offered('Master journal on storage')).toBe('hdfs://nn:9000/j');
  });
});
