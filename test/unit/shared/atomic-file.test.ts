import * as fsPromises from 'node:fs/promises';
import { mkdtemp, readFile, readdir, rm, stat, symlink, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic, type StoreFs } from '../../../src/shared/atomic-file.js';
import { ConfigError, OperationError } from '../../../src/shared/errors.js';

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
    expect(await modeOf(`${file}.bak`)).toBe(0o644);
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
