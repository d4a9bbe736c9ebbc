/** Where `--bundle` writes: never over a file the user has without --force, never half an archive. */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeBundle } from '../../../src/logs/bundle.js';
import { UsageError } from '../../../src/shared/errors.js';
import { FakeFiles } from './fake-files.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'am-bundle-output-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const tasks = () => [{ label: 'worker-1', files: new FakeFiles('a:5051').set('/s/stdout', 'hello\n'), sandbox: '/s' }];

describe('writeBundle output', () => {
  it('refuses a file that appeared while the sandboxes were fetched, and leaves no temporary file', async () => {
    const output = join(dir, 'logs.tar.gz');
    const error = await writeBundle({
      output,
      tasks: tasks(),
      tmpDir: dir,
      onProgress: () => void writeFile(output, 'written meanwhile').catch(() => undefined),
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe(`${output} already exists: not replacing it`);
    expect(await readFile(output, 'utf8')).toBe('written meanwhile');
    expect(await readdir(dir)).toEqual(['logs.tar.gz']);
  });

  it('replaces an existing file with force', async () => {
    const output = join(dir, 'logs.tar.gz');
    await writeFile(output, 'old bundle');
    const result = await writeBundle({ output, tasks: tasks(), tmpDir: dir, force: true });
    expect(result.members).toEqual(['worker-1/stdout']);
    expect((await readFile(output)).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(await readdir(dir)).toEqual(['logs.tar.gz']);
  });
});
