/**
 * `alluxio-mesos logs` reading sandbox files end to end: `--follow` across a truncation and a
 * rotation, multi-byte text across read chunks, and `--bundle` against the sandbox on disk. Files
 * are written straight into a task's sandbox directory on the agent's disk. The real binary (dist/)
 * against a framework deployed on an embedded local Mesos cluster; needs `npm run build` first.
 */
import { appendFile, mkdir, mkdtemp, readFile, readdir, rename, rm, stat, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extract } from 'tar';
import { startCli } from '../../../helpers/cli.js';
import { sandboxOnDisk, startOperate, stopOperate, taskIdOf, waitUntil, type OperateEnv } from './helpers.js';

let env: OperateEnv | undefined;

beforeAll(async () => {
  env = await startOperate();
});

afterAll(async () => {
  const stray = await stopOperate(env);
  expect(stray).toEqual([]);
});

function ready(): OperateEnv {
  if (env === undefined) throw new Error('setup failed');
  return env;
}

describe('logs --follow', () => {
  it('keeps printing across a truncation and a rotation, with a notice each, and exits 130 on SIGINT', { timeout: 45_000 }, async () => {
    const current = ready();
    const sandbox = await sandboxOnDisk(current, taskIdOf(current, 'worker-1'));
    const file = path.join(sandbox, 'logs', 'x.log');
    await writeFile(file, 'first line\nsecond line\n');
    const child = startCli(['logs', 'worker-1', '--file', 'logs/x.log', '--follow', '--conf-dir', current.confDir], {
      stdin: 'ignore',
      timeout: 40_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const printed = (text: string): Promise<true> =>
      waitUntil(
        `"${text}" on stdout (stdout so far:\n${stdout}\nstderr:\n${stderr})`,
        () => (stdout.includes(text) ? true : undefined),
        15_000,
      );
    try {
      await printed('second line\n');
      expect(stdout).toContain('==> worker-1:logs/x.log <==\nfirst line\nsecond line\n');

      await appendFile(file, 'appended 1\nappended 2\n');
      await printed('appended 2\n');

      // Truncated in place (copytruncate), then a little written again.
      await truncate(file, 0);
      await appendFile(file, 'after truncate\n');
      await printed('after truncate\n');
      expect(stderr).toMatch(/worker-1:logs\/x\.log was truncated or rotated/);
      const noticesAfterTruncate = stderr.split('truncated or rotated').length - 1;
      expect(noticesAfterTruncate).toBe(1);

      // Rotated: renamed away, a new (shorter) file in its place.
      await rename(file, `${file}.1`);
      await writeFile(file, 'rotated\n');
      await printed('rotated\n');
      expect(stderr.split('truncated or rotated').length - 1).toBe(2);
      await appendFile(file, 'after rotation\n');
      await printed('after rotation\n');

      // Every line once, in order, under one header.
      expect(stdout).toBe(
        '==> worker-1:logs/x.log <==\nfirst line\nsecond line\nappended 1\nappended 2\nafter truncate\nrotated\nafter rotation\n',
      );
    } finally {
      child.kill('SIGINT');
    }
    const result = await child;
    expect(result.exitCode).toBe(130);
  });
});

describe('logs of multi-byte text', () => {
  it('prints a file larger than 64 KiB whose characters straddle the read chunks intact', { timeout: 30_000 }, async () => {
    const current = ready();
    const sandbox = await sandboxOnDisk(current, taskIdOf(current, 'worker-2'));
    // 1-, 2-, 3- and 4-byte characters on lines of varied length: the 64 KiB chunk boundaries
    // (from the start and, for a tail, from the end) fall inside characters.
    const alphabet = ['a', 'é', '€', '😀', 'ß', '中', 'z'];
    const lines: string[] = [];
    let bytes = 0;
    for (let i = 0; bytes < 300 * 1024; i++) {
      let line = `${i}:`;
      for (let j = 0; j < 20 + (i % 37); j++) line += alphabet[(i + j) % alphabet.length];
      lines.push(line);
      bytes += Buffer.byteLength(line) + 1;
    }
    const text = `${lines.join('\n')}\n`;
    await writeFile(path.join(sandbox, 'logs', 'utf8.log'), text);
    const chunk = 64 * 1024;
    const buffer = Buffer.from(text);
    const splits = [1, 2, 3, 4].map((k) => buffer.length - k * chunk).concat([chunk, 2 * chunk]);
    // Some boundary lands on a continuation byte: the test would not test anything otherwise.
    expect(splits.some((at) => (buffer[at]! & 0xc0) === 0x80)).toBe(true);

    for (const count of [String(lines.length), 'all']) {
      const result = await current.cli(['logs', 'worker-2', '--file', 'logs/utf8.log', '-n', count]);
      expect(result.stderr).toBe('');
      expect(result.exitCode).toBe(0);
      expect(result.stdout).not.toContain('\uFFFD');
      expect(result.stdout, `-n ${count}`).toBe(text.replace(/\n$/, ''));
    }
    const last = await current.cli(['logs', 'worker-2', '--file', 'logs/utf8.log', '-n', '1000']);
    expect(last.stdout).toBe(lines.slice(-1000).join('\n'));
  });
});

describe('logs --bundle', () => {
  it('writes an archive whose members match the sandbox files on disk byte for byte', { timeout: 30_000 }, async () => {
    const current = ready();
    const out = await mkdtemp(path.join(current.root, 'bundle-'));
    const archive = path.join(out, 'all.tar.gz');
    const aliases = ['master-1', 'worker-1', 'worker-2', 'worker-3'];
    const sandboxes = new Map(
      await Promise.all(aliases.map(async (alias) => [alias, await sandboxOnDisk(current, taskIdOf(current, alias))] as const)),
    );
    const before = new Map(await Promise.all(aliases.map(async (alias) => [alias, await snapshot(sandboxes.get(alias)!)] as const)));
    const result = await current.cli(['logs', '--all-tasks', '--bundle', archive]);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(`^Wrote ${archive.replace(/[.]/g, '\\.')}: \\d+ files, ${(await stat(archive)).size} bytes\\n?$`),
    );
    const unpacked = path.join(out, 'unpacked');
    await mkdir(unpacked);
    await extract({ file: archive, cwd: unpacked });
    expect((await readdir(unpacked)).sort()).toEqual(expect.arrayContaining(['master-1', 'worker-1', 'worker-2', 'worker-3']));

    for (const alias of aliases) {
      const sandbox = sandboxes.get(alias)!;
      const earlier = before.get(alias)!;
      const later = await snapshot(sandbox);
      const bundled = await snapshot(path.join(unpacked, alias));
      expect([...bundled.keys()], alias).toEqual([...later.keys()]);
      expect([...later.keys()]).toEqual(expect.arrayContaining(['stdout', 'stderr', `logs/${alias.replace(/-\d+$/, '')}.log`]));
      for (const [name, got] of bundled) {
        const was = earlier.get(name) ?? Buffer.alloc(0);
        const now = later.get(name)!;
        if (was.equals(now)) expect(got.equals(now), `${alias}/${name} differs from the sandbox`).toBe(true);
        // Appended to while the bundle was made: what was bundled lies between the two readings.
        else expect(now.subarray(0, got.length).equals(got) && got.subarray(0, was.length).equals(was), `${alias}/${name}`).toBe(true);
      }
    }
    await rm(out, { recursive: true, force: true });
  });
});

describe('logs --bundle into a directory that does not exist', () => {
  it('refuses with exit 2 before fetching anything', async () => {
    const current = ready();
    const missing = path.join(current.root, 'no-such-dir', 'out.tar.gz');
    const result = await current.cli(['logs', '--all-tasks', '--bundle', missing]);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `error: cannot write ${missing}: ${path.dirname(missing)} is not a directory; create it first, or give --bundle a path in an existing directory\n`.trimEnd(),
    );
  });
});

/** The regular files under `dir` by relative path (sorted), with their bytes. */
async function snapshot(dir: string): Promise<Map<string, Buffer>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
  return new Map(await Promise.all(names.map(async (name) => [name, await readFile(path.join(dir, name))] as const)));
}
