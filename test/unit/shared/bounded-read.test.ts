import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readBoundedText, UnfitFileError } from '../../../src/shared/bounded-read.js';

describe('readBoundedText', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'bounded-read-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('returns the text of a file up to the cap, multi-byte characters intact', async () => {
    const file = path.join(dir, 'small.json');
    const text = '{"name":"ünïcode ✓"}';
    await writeFile(file, text);
    await expect(readBoundedText(file, Buffer.byteLength(text))).resolves.toBe(text);
  });

  it('reads an empty file as an empty string', async () => {
    const file = path.join(dir, 'empty');
    await writeFile(file, '');
    await expect(readBoundedText(file, 10)).resolves.toBe('');
  });

  it('refuses a file one byte over the cap, naming the file and both sizes', async () => {
    const file = path.join(dir, 'big.json');
    await writeFile(file, Buffer.alloc(2049, 0x20));
    const error = await readBoundedText(file, 2048).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnfitFileError);
    expect((error as Error).message).toBe(`${file} is 2.0 KiB, more than the 2.0 KiB it may be`);
  });

  it('refuses a FIFO without blocking on it, and a device', async () => {
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    await expect(readBoundedText(fifo, 1024)).rejects.toThrow(`${fifo} is not a regular file`);
    await expect(readBoundedText('/dev/zero', 1024)).rejects.toThrow('/dev/zero is not a regular file');
  });

  it('passes an absent file through as ENOENT, so callers keep treating it as absent', async () => {
    await expect(readBoundedText(path.join(dir, 'missing'), 10)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
