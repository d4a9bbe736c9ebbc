import * as fsPromises from 'node:fs/promises';
import { mkdtemp, readFile, readdir, rm, stat, symlink, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  publishFile,
  removeStaleTemporaries,
  temporaryPath,
  writeFileAtomic,
  writeFilesAtomic,
  type FileWrite,
  type StoreFs,
} from '../../../src/shared/atomic-file.js';
import { ConfigError, OperationError, UsageError } from '../../../src/shared/errors.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'alluxio-mesos-atomic-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function modeOf(file: string): Promise<number> {
  return (await stat(file)).mode & 0o777;
}

function failing(operation: 'rename' | 'open', when: (args: unknown[]) => boolean): StoreFs {
  const fail = (): never => {
    throw Object.assign(new Error(`simulated ${operation} failure`), { code: 'EIO' });
  };
  return {
    ...fsPromises,
    rename: (async (...args: Parameters<typeof fsPromises.rename>) =>
      operation === 'rename' && when(args) ? fail() : fsPromises.rename(...args)) as typeof fsPromises.rename,
    open: (async (...args: Parameters<typeof fsPromises.open>) =>
      operation === 'open' && when(args) ? fail() : fsPromises.open(...args)) as typeof fsPromises.open,
  };
}

describe('writeFileAtomic', () => {
  it('creates a new file without a backup', async () => {
    const file = path.join(dir, 'new.properties');
    const result = await writeFileAtomic(file, 'a=1\n');
    expect(await readFile(file, 'utf8')).toBe('a=1\n');
    expect(result).toEqual({ path: file, backupPath: undefined });
    expect(await readdir(dir)).toEqual(['new.properties']);
  });

  it('keeps the previous bytes as <name>.bak with the same mode', async () => {
    const file = path.join(dir, 'site.properties');
    await writeFile(file, 'old=1\n', { mode: 0o640 });
    await fsPromises.chmod(file, 0o640);
    const result = await writeFileAtomic(file, 'new=2\n');
    expect(result.backupPath).toBe(`${file}.bak`);
    expect(await readFile(file, 'utf8')).toBe('new=2\n');
    expect(await readFile(`${file}.bak`, 'utf8')).toBe('old=1\n');
    expect(await modeOf(`${file}.bak`)).toBe(0o640);
    expect(await modeOf(file)).toBe(0o640);
    expect((await readdir(dir)).sort()).toEqual(['site.properties', 'site.properties.bak']);
  });

  it('writes with mode 0600 when asked, whatever the umask', async () => {
    const file = path.join(dir, 'secret.properties');
    await writeFile(file, 'old=1\n');
    await fsPromises.chmod(file, 0o644);
    await writeFileAtomic(file, 'alluxio.integration.mesos.secret=x\n', { mode: 0o600 });
    expect(await modeOf(file)).toBe(0o600);
    // The backup is never looser than the file that replaced it.
    expect(await modeOf(`${file}.bak`)).toBe(0o600);
  });

  it('sets the exact mode even when the umask would narrow it', async () => {
    const file = path.join(dir, 'shared.properties');
    const previous = process.umask(0o077);
    try {
      await writeFileAtomic(file, 'a=1\n', { mode: 0o644 });
    } finally {
      process.umask(previous);
    }
    expect(await modeOf(file)).toBe(0o644);
  });

  it('leaves the existing file untouched and no temporary file when the rename fails', async () => {
    const file = path.join(dir, 'site.properties');
    await writeFile(file, 'original=1\n');
    const fs = failing('rename', ([, to]) => to === file);
    const error = await writeFileAtomic(file, 'replacement=2\n', { fs }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OperationError);
    expect((error as OperationError).message).toContain('EIO');
    expect(await readFile(file, 'utf8')).toBe('original=1\n');
    expect((await readdir(dir)).sort()).toEqual(['site.properties', 'site.properties.bak']);
  });

  it('leaves the existing file untouched when the temporary file cannot be created', async () => {
    const file = path.join(dir, 'site.properties');
    await writeFile(file, 'original=1\n');
    const fs = failing('open', ([target]) => String(target).endsWith('.tmp'));
    await expect(writeFileAtomic(file, 'x=1\n', { fs, backup: false })).rejects.toBeInstanceOf(OperationError);
    expect(await readFile(file, 'utf8')).toBe('original=1\n');
    expect(await readdir(dir)).toEqual(['site.properties']);
  });

  it('removes a half-written temporary file and keeps the old one when a write breaks off', async () => {
    const file = path.join(dir, 'site.properties');
    await writeFile(file, 'original=1\n');
    const fs: StoreFs = {
      ...fsPromises,
      open: (async (...args: Parameters<typeof fsPromises.open>) => {
        const handle = await fsPromises.open(...args);
        if (String(args[0]).endsWith('.tmp')) {
          handle.writeFile = async (data: Parameters<typeof handle.writeFile>[0]) => {
            await handle.write(Buffer.from(data as Uint8Array).subarray(0, 5));
            throw Object.assign(new Error('disk full'), { code: 'ENOSPC' });
          };
        }
        return handle;
      }) as typeof fsPromises.open,
    };
    const error = await writeFileAtomic(file, 'replacement=2\n'.repeat(100), { fs, backup: false }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OperationError);
    expect((error as OperationError).message).toContain('ENOSPC');
    expect(await readFile(file, 'utf8')).toBe('original=1\n');
    expect(await readdir(dir)).toEqual(['site.properties']);
  });

  it('follows a symbolic link and replaces its target', async () => {
    const real = path.join(dir, 'real.properties');
    const link = path.join(dir, 'link.properties');
    await writeFile(real, 'a=1\n');
    await symlink(real, link);
    const result = await writeFileAtomic(link, 'a=2\n');
    expect(result.path).toBe(real);
    expect((await fsPromises.lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readFile(real, 'utf8')).toBe('a=2\n');
  });

  it('refuses to replace a directory', async () => {
    const target = path.join(dir, 'conf');
    await mkdir(target);
    await expect(writeFileAtomic(target, 'x')).rejects.toBeInstanceOf(ConfigError);
  });

  it('reports a missing directory as an OperationError', async () => {
    await expect(writeFileAtomic(path.join(dir, 'missing', 'a.properties'), 'x')).rejects.toBeInstanceOf(OperationError);
  });
});

describe('writeFilesAtomic: several files, all or none', () => {
  const settingsFile = (): string => path.join(dir, 'alluxio-mesos.json');
  const siteFile = (): string => path.join(dir, 'alluxio-site.properties');

  async function existingPair(): Promise<void> {
    await writeFile(siteFile(), 'old=1\n');
    await writeFile(settingsFile(), '{"master":"old:5050"}\n');
  }

  const writes = (): FileWrite[] => [
    { path: siteFile(), content: 'new=2\n' },
    { path: settingsFile(), content: '{"master":"new:5050"}\n' },
  ];

  it('replaces both, each keeping its .bak, and leaves no temporary file', async () => {
    await existingPair();
    const results = await writeFilesAtomic(writes());
    expect(results.map((result) => result.backupPath)).toEqual([`${siteFile()}.bak`, `${settingsFile()}.bak`]);
    expect(await readFile(siteFile(), 'utf8')).toBe('new=2\n');
    expect(await readFile(settingsFile(), 'utf8')).toBe('{"master":"new:5050"}\n');
    expect((await readdir(dir)).sort()).toEqual(
      ['alluxio-mesos.json', 'alluxio-mesos.json.bak', 'alluxio-site.properties', 'alluxio-site.properties.bak'].sort(),
    );
  });

  it('when the second rename fails, puts the first file back and says that neither changed', async () => {
    await existingPair();
    await fsPromises.chmod(siteFile(), 0o640);
    const fs = failing('rename', ([, to]) => to === settingsFile());
    const error = await writeFilesAtomic(writes(), { fs }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OperationError);
    expect((error as OperationError).message).toBe(
      `cannot write ${settingsFile()}: EIO; neither ${siteFile()} nor ${settingsFile()} was changed`,
    );
    expect(await readFile(siteFile(), 'utf8')).toBe('old=1\n');
    expect(await modeOf(siteFile())).toBe(0o640);
    expect(await readFile(settingsFile(), 'utf8')).toBe('{"master":"old:5050"}\n');
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('removes a first file that did not exist before when the second cannot be written', async () => {
    await writeFile(settingsFile(), '{"master":"old:5050"}\n');
    const fs = failing('rename', ([, to]) => to === settingsFile());
    await expect(writeFilesAtomic(writes(), { fs })).rejects.toThrow(`neither ${siteFile()} nor ${settingsFile()} was changed`);
    await expect(stat(siteFile())).rejects.toThrow(/ENOENT/);
    expect(await readFile(settingsFile(), 'utf8')).toBe('{"master":"old:5050"}\n');
  });

  it('on a full disk, fails before replacing anything', async () => {
    await existingPair();
    const fs: StoreFs = {
      ...fsPromises,
      open: (async (...args: Parameters<typeof fsPromises.open>) => {
        const [file] = args;
        if (String(file).includes('alluxio-mesos.json.') && String(file).endsWith('.tmp')) {
          throw Object.assign(new Error('no space'), { code: 'ENOSPC' });
        }
        return fsPromises.open(...args);
      }) as typeof fsPromises.open,
    };
    const error = await writeFilesAtomic(writes(), { fs }).catch((caught: unknown) => caught);
    expect((error as OperationError).message).toBe(
      `cannot write ${settingsFile()}: ENOSPC; neither ${siteFile()} nor ${settingsFile()} was changed`,
    );
    expect(await readFile(siteFile(), 'utf8')).toBe('old=1\n');
    expect(await readFile(settingsFile(), 'utf8')).toBe('{"master":"old:5050"}\n');
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('says truly what was left when the first file cannot be put back either', async () => {
    await existingPair();
    let renames = 0;
    const fs: StoreFs = {
      ...fsPromises,
      rename: (async (...args: Parameters<typeof fsPromises.rename>) => {
        const [from, to] = args;
        // The backups' renames, then the site file's: those work; the settings' and the way back fail.
        if (to === settingsFile() || (to === siteFile() && renames++ > 0 && !String(from).includes('.bak.'))) {
          throw Object.assign(new Error('i/o'), { code: 'EIO' });
        }
        return fsPromises.rename(...args);
      }) as typeof fsPromises.rename,
    };
    const error = await writeFilesAtomic(writes(), { fs }).catch((caught: unknown) => caught);
    expect((error as OperationError).message).toBe(
      `cannot write ${settingsFile()}: EIO; ${siteFile()} was already replaced and could not be put back (EIO): ` +
        `its previous version is ${siteFile()}.bak; ${settingsFile()} was left as it was`,
    );
    expect(await readFile(siteFile(), 'utf8')).toBe('new=2\n');
    expect(await readFile(`${siteFile()}.bak`, 'utf8')).toBe('old=1\n');
    expect(await readFile(settingsFile(), 'utf8')).toBe('{"master":"old:5050"}\n');
  });

  it('a single file that cannot be written: the previous file was left as it was', async () => {
    await writeFile(siteFile(), 'old=1\n');
    const fs = failing('rename', ([, to]) => to === siteFile());
    await expect(writeFileAtomic(siteFile(), 'new=2\n', { fs })).rejects.toThrow(
      `cannot write ${siteFile()}: EIO; the previous file was left as it was`,
    );
  });
});

describe('stale temporary files of our writes', () => {
  /** Above any pid_max Linux allows (2^22): never a live process. */
  const DEAD_PID = 4_194_305;
  const hex = 'a1b2c3d4e5f6';

  async function plant(name: string, ageMs: number): Promise<string> {
    const file = path.join(dir, name);
    await writeFile(file, 'partial');
    const seconds = (Date.now() - ageMs) / 1000;
    await fsPromises.utimes(file, seconds, seconds);
    return name;
  }

  it('are removed when the directory is next written: a dead owner after a minute, anyone after an hour', async () => {
    const killedSave = await plant(`.alluxio-mesos-ledger.json.bak.${DEAD_PID}.${hex}.tmp`, 2 * 60_000);
    const killedLock = await plant(`.alluxio-mesos.lock.${DEAD_PID}.${hex}.tmp`, 2 * 60_000);
    const ancient = await plant(`.alluxio-site.properties.${process.pid}.${hex}.tmp`, 2 * 60 * 60_000);
    const inFlight = await plant(`.alluxio-mesos-ledger.json.${DEAD_PID}.${hex}.tmp`, 5_000);
    const ownRecent = await plant(`.alluxio-mesos.json.${process.pid}.${hex}.tmp`, 10 * 60_000);
    const notOurs = [
      await plant('notes.tmp', 2 * 60 * 60_000),
      await plant(`.notes.${DEAD_PID}.tmp`, 2 * 60 * 60_000),
      await plant(`.x.${DEAD_PID}.${hex}.tmp.keep`, 2 * 60 * 60_000),
      await plant(`x.${DEAD_PID}.${hex}.tmp`, 2 * 60 * 60_000),
    ];
    await mkdir(path.join(dir, `.d.${DEAD_PID}.${hex}.tmp`));

    await writeFileAtomic(path.join(dir, 'alluxio-mesos-ledger.json'), '{}\n');

    const left = await readdir(dir);
    for (const gone of [killedSave, killedLock, ancient]) expect(left).not.toContain(gone);
    for (const kept of [inFlight, ownRecent, ...notOurs, `.d.${DEAD_PID}.${hex}.tmp`]) expect(left).toContain(kept);
  });

  it('removeStaleTemporaries judges the owner with the given liveness check and clock', async () => {
    const name = await plant(`.a.${1234}.${hex}.tmp`, 0);
    const now = Date.now() + 61_000;
    expect(await removeStaleTemporaries(dir, { now: () => now, isAlive: () => true })).toEqual([]);
    expect(await removeStaleTemporaries(dir, { now: () => now, isAlive: (pid) => pid !== 1234 })).toEqual([path.join(dir, name)]);
  });

  it('a missing directory is no error', async () => {
    expect(await removeStaleTemporaries(path.join(dir, 'missing'))).toEqual([]);
  });
});

describe('publishFile', () => {
  it('gives a finished temporary file its name, and refuses an existing one unless told to replace it', async () => {
    const target = path.join(dir, 'alluxio-site.properties');
    await writeFile(target, 'the configuration\n');
    const temp = temporaryPath(target);
    await writeFile(temp, 'an archive');
    const error = await publishFile(temp, target, { replace: false }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe(`${target} already exists: not replacing it`);
    expect((error as UsageError).hint).toBe('pass --force to replace it, or give another file name');
    expect(await readFile(target, 'utf8')).toBe('the configuration\n');
    expect(await readdir(dir)).toEqual(['alluxio-site.properties']);

    const again = temporaryPath(target);
    await writeFile(again, 'an archive');
    await publishFile(again, target, { replace: true });
    expect(await readFile(target, 'utf8')).toBe('an archive');
    expect(await readdir(dir)).toEqual(['alluxio-site.properties']);
  });
});
