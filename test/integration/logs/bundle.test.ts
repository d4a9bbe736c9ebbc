import { mkdtemp, readFile, rm, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { extract } from 'tar';
import { progressLine, writeBundle, type BundleProgress } from '../../../src/logs/bundle.js';
import { FakeFiles } from '../../unit/logs/fake-files.js';

async function listTree(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const name = `${prefix}${entry.name}`;
    if (entry.isDirectory()) out.push(...(await listTree(join(dir, entry.name), `${name}/`)));
    else out.push(name);
  }
  return out.sort();
}

describe('writeBundle', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'logs-bundle-test-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('archives every sandbox file of every task and framework.out, byte for byte', async () => {
    const binary = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256));
    const agentA = new FakeFiles('a:5051')
      .set('/sa/stdout', 'hello\n')
      .set('/sa/stderr', binary)
      .set('/sa/logs/worker.log', '日本🚀\n'.repeat(500));
    const agentB = new FakeFiles('b:5051')
      .set('/sb/stdout', '')
      .set('/sb/conf/alluxio-site.properties', 'a=b\n')
      .set('/sb/logs/master.log', 'line\n');
    await writeFile(join(dir, 'framework.out'), 'I1124 sched.cpp:336] New master detected\n');
    const progress: BundleProgress[] = [];
    const output = join(dir, 'out.tar.gz');

    const result = await writeBundle({
      output,
      tasks: [
        { label: 'worker-1', files: agentA, sandbox: '/sa' },
        { label: 'master-1', files: agentB, sandbox: '/sb' },
      ],
      extraFiles: [{ name: 'framework.out', localPath: join(dir, 'framework.out') }],
      onProgress: (p) => progress.push(p),
      tmpDir: dir,
    });

    const into = join(dir, 'x');
    await import('node:fs/promises').then((fs) => fs.mkdir(into));
    await extract({ file: output, cwd: into });
    expect(await listTree(into)).toEqual(
      [
        'framework.out',
        'master-1/conf/alluxio-site.properties',
        'master-1/logs/master.log',
        'master-1/stdout',
        'worker-1/logs/worker.log',
        'worker-1/stderr',
        'worker-1/stdout',
      ].sort(),
    );
    expect((await readFile(join(into, 'worker-1/stderr'))).equals(binary)).toBe(true);
    expect(await readFile(join(into, 'worker-1/logs/worker.log'), 'utf8')).toBe('日本🚀\n'.repeat(500));
    expect(await readFile(join(into, 'master-1/stdout'), 'utf8')).toBe('');
    expect(await readFile(join(into, 'framework.out'), 'utf8')).toContain('New master detected');
    expect(result.members).toHaveLength(7);
    const last = progress[progress.length - 1]!;
    expect(last.bytesDone).toBe(last.bytesTotal);
    expect(progressLine(last)).toMatch(/^\[#+\] 100% /);
    // The staging directory is gone.
    expect((await readdir(dir)).filter((name) => name.startsWith('alluxio-mesos-bundle-'))).toEqual([]);
  });

  it('skips an unreachable agent and a missing framework.out, but fails when nothing is readable', async () => {
    const up = new FakeFiles('up:5051').set('/s/stdout', 'x\n');
    const down = new FakeFiles('down:5051').set('/s/stdout', 'y\n');
    down.failure = new Error('connection refused');
    const result = await writeBundle({
      output: join(dir, 'b.tar.gz'),
      tasks: [
        { label: 'worker-1', files: up, sandbox: '/s' },
        { label: 'worker-2', files: down, sandbox: '/s' },
      ],
      extraFiles: [{ name: 'framework.out', localPath: join(dir, 'nope') }],
      tmpDir: dir,
    });
    expect(result.members).toEqual(['worker-1/stdout']);
    expect(result.skipped.map((s) => s.name)).toEqual(['worker-2/', 'framework.out']);
    await expect(
      writeBundle({ output: join(dir, 'c.tar.gz'), tasks: [{ label: 'w', files: down, sandbox: '/s' }], tmpDir: dir }),
    ).rejects.toThrow(/no sandbox could be read/);
  });
});
