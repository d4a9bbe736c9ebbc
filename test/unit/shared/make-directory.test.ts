import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeDirectory } from '../../../src/shared/make-directory.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'am-mkdir-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('makeDirectory', () => {
  it('creates missing parents, and accepts a directory that exists', async () => {
    const deep = path.join(dir, 'a', 'b', 'c');
    await makeDirectory(deep);
    await makeDirectory(deep);
    expect((await stat(deep)).isDirectory()).toBe(true);
  });

  it('refuses a file in the way, at the end or above, with one line naming the directory', async () => {
    const file = path.join(dir, 'file');
    await writeFile(file, 'x');
    await expect(makeDirectory(file, { what: 'work directory', hint: 'pick another' })).rejects.toMatchObject({
      message: `cannot create the work directory ${file}: a file that is not a directory is in the way`,
      hint: 'pick another',
      exitCode: 1,
    });
    await expect(makeDirectory(path.join(file, 'below'))).rejects.toThrow(/a file that is not a directory is in the way$/);
  });

  // Node's own recursive mkdir never returns for this path (procfs answers ENOENT under an existing parent).
  it.runIf(process.platform === 'linux')('ends with an error where mkdir keeps answering ENOENT (/proc/nope/x)', async () => {
    await expect(makeDirectory('/proc/nope/x')).rejects.toThrow(
      'cannot create the directory /proc/nope/x: no directory can be created there',
    );
  });
});
