import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/shared/errors.js';
import { parse } from '../../../src/config/properties.js';
import { encodeProperties, MAX_SITE_FILE_BYTES, readPropertiesFile, writePropertiesFile } from '../../../src/config/store.js';
import { notTextReason } from '../../../src/config/text-check.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'alluxio-mesos-store-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function modeOf(file: string): Promise<number> {
  return (await stat(file)).mode & 0o777;
}

describe('readPropertiesFile', () => {
  it('gives undefined for a missing file', async () => {
    expect(await readPropertiesFile(path.join(dir, 'nope.properties'))).toBeUndefined();
  });

  it('reads UTF-8 and keeps the bytes for writing back, BOM included', async () => {
    const file = path.join(dir, 'a.properties');
    const text = '\uFEFF# café\r\nalluxio.master.hostname=m1\r\n';
    await writeFile(file, text, 'utf8');
    const loaded = await readPropertiesFile(file);
    expect(loaded?.encoding).toBe('utf-8');
    expect(loaded?.doc.get('alluxio.master.hostname')).toBe('m1');
    expect(encodeProperties(loaded!.doc, loaded!.encoding)).toEqual(await readFile(file));
  });

  it('falls back to ISO-8859-1 for bytes that are not UTF-8, and writes them back unchanged', async () => {
    const file = path.join(dir, 'latin1.properties');
    const bytes = Buffer.from('user=jos\xe9\n# \xff\n', 'latin1');
    await writeFile(file, bytes);
    const loaded = await readPropertiesFile(file);
    expect(loaded?.encoding).toBe('latin1');
    expect(loaded?.doc.get('user')).toBe('josé');
    expect(encodeProperties(loaded!.doc, 'latin1')).toEqual(bytes);
  });

  it('reports a malformed escape with file and line', async () => {
    const file = path.join(dir, 'bad.properties');
    await writeFile(file, 'a=1\nb=\\u12\n');
    await expect(readPropertiesFile(file)).rejects.toMatchObject({ file, line: 2 });
    await expect(readPropertiesFile(file)).rejects.toBeInstanceOf(ConfigError);
  });

  it('reports an unreadable path as a ConfigError', async () => {
    await expect(readPropertiesFile(dir)).rejects.toBeInstanceOf(ConfigError);
  });
});

describe('readPropertiesFile: a file that is not a site file', () => {
  const HINT =
    'put the configuration back (alluxio-site.properties.bak may hold it), or move this file aside and run alluxio-mesos init again';

  it.each([
    ['gzip data (a logs bundle written over it)', gzipSync(Buffer.from('x'.repeat(1000))), 'it holds gzip-compressed data, e.g. a .tar.gz'],
    ['a NUL byte', Buffer.from('alluxio.master.hostname=m1\nkey=a\u0000b\n', 'latin1'), 'a NUL byte on line 2'],
    ['a control byte', Buffer.from('a=1\nb=2\nc=\u0003\n', 'latin1'), 'the control byte 0x03 on line 3'],
    ['a zip archive', Buffer.from('PK\u0003\u0004rest', 'latin1'), 'it holds a zip archive'],
  ])('%s: an error naming the file and the fix, never a source of keys', async (_what, bytes, reason) => {
    const file = path.join(dir, 'alluxio-site.properties');
    await writeFile(file, bytes);
    const error = await readPropertiesFile(file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(`${file} is not a text file (${reason}): not read as properties`);
    expect((error as ConfigError).hint).toBe(HINT);
    expect((error as ConfigError).exitCode).toBe(2);
  });

  it('tabs, form feeds, CRLF and ISO-8859-1 bytes are text', () => {
    expect(notTextReason(Buffer.from('a=1\t\r\n\fb=\xe9\x0b\n', 'latin1'))).toBeUndefined();
  });

  it(`refuses a file larger than ${MAX_SITE_FILE_BYTES} bytes with its size, before parsing it`, async () => {
    const file = path.join(dir, 'alluxio-site.properties');
    await writeFile(file, `${'#'.repeat(MAX_SITE_FILE_BYTES - 4)}\na=1\n`);
    const error = await readPropertiesFile(file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(`${file} is 8 MiB: larger than the 8 MiB a site file may be`);
    expect((error as ConfigError).hint).toContain('an Alluxio site file is a few KiB');
    await writeFile(file, `${'#'.repeat(MAX_SITE_FILE_BYTES - 5)}\na=1\n`);
    expect((await readPropertiesFile(file))?.doc.get('a')).toBe('1');
  });

  it('a FIFO in its place is an error at once, not a hang', async () => {
    const file = path.join(dir, 'alluxio-site.properties');
    execFileSync('mkfifo', [file]);
    await expect(readPropertiesFile(file)).rejects.toThrow(`${file} is not a regular file`);
  });
});

describe('writePropertiesFile', () => {
  it('writes a document holding a secret with mode 0600', async () => {
    const file = path.join(dir, 'alluxio-site.properties');
    await writePropertiesFile(file, parse('alluxio.integration.mesos.secret=s3cret\n'));
    expect(await modeOf(file)).toBe(0o600);
    const plain = path.join(dir, 'plain.properties');
    await writePropertiesFile(plain, parse('a=1\n'), { mode: 0o644 });
    expect(await modeOf(plain)).toBe(0o644);
  });
});
