import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/shared/errors.js';
import { parse } from '../../../src/config/properties.js';
import { encodeProperties, readPropertiesFile, writePropertiesFile } from '../../../src/config/store.js';

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
