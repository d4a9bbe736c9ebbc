import { existsSync } from 'node:fs';
import { readFile, stat, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { list as listTar } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DEMO_VERSION, writeDemoDistribution, type DemoDistribution } from '../../../../src/emulator/standin-alluxio/generate.js';
import { UsageError } from '../../../../src/shared/errors.js';
import { agentEnv, start, tempDir } from './harness.js';

const EXPECTED_FILES = [
  'STAND-IN.md',
  'bin/alluxio',
  'bin/alluxio-start.sh',
  'bin/alluxio-stop.sh',
  'conf/alluxio-env.sh.template',
  'conf/alluxio-site.properties.template',
  'conf/log4j.properties',
  'integration/mesos/bin/alluxio-env-mesos.sh',
  'integration/mesos/bin/alluxio-master-mesos.sh',
  'integration/mesos/bin/alluxio-worker-mesos.sh',
  'lib/standin/master.mjs',
  'lib/standin/worker.mjs',
  'libexec/alluxio-config.sh',
  'libexec/standin-java',
];

describe('writeDemoDistribution', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let dist: DemoDistribution;

  beforeAll(async () => {
    dir = await tempDir('demo-dist-gen-');
    dist = await writeDemoDistribution(dir.path);
  });
  afterAll(async () => {
    await dir.remove();
  });

  it('writes DIR/alluxio-<version>/ and DIR/alluxio-<version>-bin.tar.gz', () => {
    expect(dist.version).toBe(DEFAULT_DEMO_VERSION);
    expect(dist.home).toBe(join(dir.path, `alluxio-${DEFAULT_DEMO_VERSION}`));
    expect(dist.tarball).toBe(join(dir.path, `alluxio-${DEFAULT_DEMO_VERSION}-bin.tar.gz`));
    for (const file of EXPECTED_FILES) expect(existsSync(join(dist.home, file)), file).toBe(true);
    expect(existsSync(join(dist.home, 'logs'))).toBe(true);
  });

  it('makes scripts executable and leaves sourced files and data non-executable', async () => {
    const mode = async (file: string): Promise<number> => (await stat(join(dist.home, file))).mode & 0o777;
    for (const file of ['bin/alluxio', 'bin/alluxio-start.sh', 'libexec/standin-java', 'integration/mesos/bin/alluxio-master-mesos.sh']) {
      expect(await mode(file), file).toBe(0o755);
    }
    for (const file of ['libexec/alluxio-config.sh', 'conf/log4j.properties', 'lib/standin/master.mjs', 'STAND-IN.md']) {
      expect(await mode(file), file).toBe(0o644);
    }
  });

  it('stamps the version everywhere and labels itself a stand-in', async () => {
    const config = await readFile(join(dist.home, 'libexec/alluxio-config.sh'), 'utf8');
    expect(config).toContain(`VERSION=${DEFAULT_DEMO_VERSION}\n`);
    const readme = await readFile(join(dist.home, 'STAND-IN.md'), 'utf8');
    expect(readme.startsWith('# STAND-IN: this is not Alluxio')).toBe(true);
    expect(readme).not.toContain('@ALLUXIO_VERSION@');
    const version = start(join(dist.home, 'bin/alluxio'), ['version'], { cwd: dir.path, env: agentEnv() });
    expect((await version.exited).code).toBe(0);
    expect(version.stdout()).toBe(`Alluxio version: ${DEFAULT_DEMO_VERSION} (STAND-IN)\n`);
  });

  it('packs a gzip tarball whose single top directory is alluxio-<version>, modes included', async () => {
    const entries: Array<{ path: string; mode: number }> = [];
    await listTar({ file: dist.tarball, onReadEntry: (e) => entries.push({ path: e.path, mode: e.mode ?? 0 }) });
    const top = new Set(entries.map((e) => e.path.split('/')[0]));
    expect([...top]).toEqual([`alluxio-${DEFAULT_DEMO_VERSION}`]);
    const byPath = new Map(entries.map((e) => [e.path, e.mode & 0o777]));
    for (const file of EXPECTED_FILES) expect(byPath.has(`alluxio-${DEFAULT_DEMO_VERSION}/${file}`), file).toBe(true);
    expect(byPath.get(`alluxio-${DEFAULT_DEMO_VERSION}/bin/alluxio`)).toBe(0o755);
    expect(byPath.get(`alluxio-${DEFAULT_DEMO_VERSION}/libexec/alluxio-config.sh`)).toBe(0o644);
  });

  it('takes another version, and replaces an earlier stand-in but never a foreign directory', async () => {
    const other = await writeDemoDistribution(dir.path, { version: '2.0.0' });
    expect(other.home).toBe(join(dir.path, 'alluxio-2.0.0'));
    await writeFile(join(other.home, 'leftover'), 'x');
    await writeDemoDistribution(dir.path, { version: '2.0.0' });
    expect(existsSync(join(other.home, 'leftover'))).toBe(false);

    await mkdir(join(dir.path, 'alluxio-9.9.9'));
    await writeFile(join(dir.path, 'alluxio-9.9.9', 'precious'), 'x');
    await expect(writeDemoDistribution(dir.path, { version: '9.9.9' })).rejects.toBeInstanceOf(UsageError);
    expect(existsSync(join(dir.path, 'alluxio-9.9.9', 'precious'))).toBe(true);

    await expect(writeDemoDistribution(dir.path, { version: '../x' })).rejects.toBeInstanceOf(UsageError);
  });
});
