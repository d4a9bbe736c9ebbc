/**
 * The V8 code cache of the bundled CLI (src/cli/code-cache.ts, built into dist/bundle/code-cache.js):
 * what a start reads and writes, and what it refuses, seen from fresh Node processes as bin/ runs it.
 */
import { execa } from 'execa';
import { chmod, mkdir, mkdtemp, readdir, rm, stat, symlink, truncate, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanEnv, REPO_ROOT, runCli } from '../../helpers/cli.js';

const CODE_CACHE = path.join(REPO_ROOT, 'dist', 'bundle', 'code-cache.js');

let root: string;
let bundle: string;
let cacheHome: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'code-cache-'));
  bundle = path.join(root, 'bundle');
  cacheHome = path.join(root, 'cache');
  await mkdir(bundle);
  await writeFile(path.join(bundle, 'package.json'), '{"type":"commonjs"}\n');
  await writeFile(path.join(bundle, 'a.js'), "'use strict';\nexports.value = () => require('./b.js').value + 1;\n");
  await writeFile(path.join(bundle, 'b.js'), "'use strict';\nexports.value = 41;\nexports.later = () => require('./c.mjs');\n");
  await writeFile(path.join(bundle, 'c.mjs'), 'export const imported = "yes";\n');
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

interface Start {
  readonly value: number;
  readonly imported: string;
  readonly directory: string | null;
  readonly fromCache: number;
  readonly compiled: number;
  readonly written: number;
}

/**
 * A fresh process that enables the cache for `bundle`, loads a.js (which requires b.js, which requires
 * an ES module, as the bundle requires its ESM-only dependencies), and reports at exit.
 */
async function start(env: Record<string, string | undefined> = {}): Promise<Start> {
  const script = `
    const report = require(${JSON.stringify(CODE_CACHE)}).enableCodeCache(${JSON.stringify(bundle)});
    const a = require(${JSON.stringify(path.join(bundle, 'a.js'))});
    const b = require(${JSON.stringify(path.join(bundle, 'b.js'))});
    const { imported } = b.later();
    process.on('exit', () => console.log(JSON.stringify({ value: a.value(), imported, directory: report.directory ?? null,
      fromCache: report.fromCache, compiled: report.compiled, written: report.written })));`;
  const result = await execa('node', ['-e', script], { env: cleanEnv({ XDG_CACHE_HOME: cacheHome, ...env }), extendEnv: false });
  return JSON.parse(result.stdout) as Start;
}

async function cacheFiles(directory: string): Promise<string[]> {
  return (await readdir(directory)).filter((name) => name.endsWith('.v8cache')).sort();
}

describe('the code cache', () => {
  it('compiles a chunk from source once, then from the cached bytes, in a private directory', async () => {
    const first = await start();
    expect(first).toMatchObject({ value: 42, imported: 'yes', fromCache: 0, compiled: 2, written: 2 });
    expect(first.directory?.startsWith(path.join(cacheHome, 'alluxio-mesos'))).toBe(true);
    const directory = first.directory as string;
    expect(await cacheFiles(directory)).toEqual([expect.stringMatching(/^a\.js-\d+-\d+\.v8cache$/), expect.stringMatching(/^b\.js-/)]);
    expect((await stat(directory)).mode & 0o777).toBe(0o700);
    expect((await stat(path.join(cacheHome, 'alluxio-mesos'))).mode & 0o777).toBe(0o700);
    for (const file of await cacheFiles(directory)) expect((await stat(path.join(directory, file))).mode & 0o777).toBe(0o600);

    const second = await start();
    expect(second).toMatchObject({ value: 42, imported: 'yes', fromCache: 2, compiled: 0, written: 0 });
  });

  it('compiles an edited chunk afresh and removes the bytes of its former version', async () => {
    const { directory } = await start();
    const before = await cacheFiles(directory as string);
    await writeFile(path.join(bundle, 'b.js'), "'use strict';\nexports.value = 1;\nexports.later = () => require('./c.mjs');\n");
    const edited = await start();
    expect(edited).toMatchObject({ value: 2, fromCache: 1, compiled: 1, written: 1 });
    const after = await cacheFiles(directory as string);
    expect(after).toHaveLength(2);
    expect(after.filter((name) => name.startsWith('b.js-'))).not.toEqual(before.filter((name) => name.startsWith('b.js-')));
  });

  it('a temporary file left by a process killed while writing goes once it is old', async () => {
    const { directory } = await start();
    const abandoned = path.join(directory as string, 'b.js-1-1.v8cache.4242.tmp');
    const recent = path.join(directory as string, 'b.js-1-1.v8cache.4343.tmp');
    await writeFile(abandoned, 'x');
    await writeFile(recent, 'x');
    const hourAgo = new Date(Date.now() - 3_600_000);
    await utimes(abandoned, hourAgo, hourAgo);
    await writeFile(path.join(bundle, 'a.js'), "'use strict';\nexports.value = () => require('./b.js').value + 2;\n");
    expect(await start()).toMatchObject({ value: 43, written: 1 });
    const left = await readdir(directory as string);
    expect(left).toContain(path.basename(recent));
    expect(left).not.toContain(path.basename(abandoned));
  });

  it('a chunk rewritten with the same size is not served old bytes (its modification time changed)', async () => {
    await start();
    await writeFile(path.join(bundle, 'b.js'), "'use strict';\nexports.value = 97;\nexports.later = () => require('./c.mjs');\n");
    const later = new Date(Date.now() + 5_000);
    await utimes(path.join(bundle, 'b.js'), later, later);
    expect(await start()).toMatchObject({ value: 98, fromCache: 1, compiled: 1 });
  });

  it('bytes that V8 refuses (a truncated file) are compiled from source and written anew', async () => {
    const { directory } = await start();
    const [a] = await cacheFiles(directory as string);
    await truncate(path.join(directory as string, a as string), 100);
    expect(await start()).toMatchObject({ value: 42, fromCache: 1, compiled: 1, written: 1 });
    expect(await start()).toMatchObject({ value: 42, fromCache: 2, compiled: 0 });
  });

  it('is not used in a cache directory that others may write, or that is a symbolic link', async () => {
    const { directory } = await start();
    await chmod(path.join(cacheHome, 'alluxio-mesos'), 0o777);
    expect(await start()).toMatchObject({ value: 42, directory: null, fromCache: 0, compiled: 0 });
    await chmod(path.join(cacheHome, 'alluxio-mesos'), 0o700);
    await chmod(directory as string, 0o755);
    expect(await start()).toMatchObject({ value: 42, directory: null, fromCache: 0, compiled: 0 });

    const elsewhere = path.join(root, 'elsewhere');
    await mkdir(elsewhere, { mode: 0o700 });
    const linkedHome = path.join(root, 'linked-cache');
    await mkdir(linkedHome);
    await symlink(elsewhere, path.join(linkedHome, 'alluxio-mesos'));
    expect(await start({ XDG_CACHE_HOME: linkedHome })).toMatchObject({ value: 42, directory: null, compiled: 0 });
    expect(await readdir(elsewhere)).toEqual([]);
  });

  it('NODE_DISABLE_COMPILE_CACHE=1 turns it off: nothing is read or written', async () => {
    expect(await start({ NODE_DISABLE_COMPILE_CACHE: '1' })).toMatchObject({ value: 42, directory: null, compiled: 0, written: 0 });
    await expect(readdir(cacheHome)).rejects.toThrow(/ENOENT/);
  });

  it('the CLI writes its own cache and answers the same with it', async () => {
    const env = cleanEnv({ XDG_CACHE_HOME: cacheHome });
    const cold = await runCli(['--help'], { env });
    expect(cold.exitCode).toBe(0);
    const [versioned] = await readdir(path.join(cacheHome, 'alluxio-mesos'));
    const written = await cacheFiles(path.join(cacheHome, 'alluxio-mesos', versioned as string));
    expect(written).toContain(written.find((name) => name.startsWith('main.js-')));
    const warm = await runCli(['--help'], { env });
    expect(warm).toEqual(cold);
  });
});
