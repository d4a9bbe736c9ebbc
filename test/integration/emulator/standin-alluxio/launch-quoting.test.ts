/**
 * Quoting, end to end: the launch command runs against a copy of the stand-in distribution whose
 * JAVA records the argv and environment it receives instead of running anything. That is exactly
 * what a real JVM would be handed by the same command on a real Alluxio tarball.
 */
import { existsSync, readdirSync } from 'node:fs';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildLaunchCommand, type LaunchSpec } from '../../../../src/framework/launch/launch-command.js';
import { writeDemoDistribution } from '../../../../src/emulator/standin-alluxio/generate.js';
import { killAll, launchTask, tempDir } from './harness.js';

interface Recorded {
  argv: string[];
  env: Record<string, string | undefined>;
}

let dir: Awaited<ReturnType<typeof tempDir>>;
/** A distribution path with a blank and a quote in it, which the command must survive. */
let home: string;
let sandboxCount = 0;

beforeAll(async () => {
  dir = await tempDir('demo-dist-quoting-');
  const dist = await writeDemoDistribution(join(dir.path, 'gen'));
  home = join(dir.path, "it's an agent", `alluxio-${dist.version}`);
  await cp(dist.home, home, { recursive: true });
  await writeFile(
    join(home, 'lib', 'standin', 'java.mjs'),
    [
      "import { appendFileSync } from 'node:fs';",
      'const env = { JAVA_HOME: process.env.JAVA_HOME, ALLUXIO_MASTER_HOSTNAME: process.env.ALLUXIO_MASTER_HOSTNAME };',
      "appendFileSync(`${process.env.MESOS_SANDBOX}/java-calls.jsonl`, JSON.stringify({ argv: process.argv.slice(2), env }) + '\\n');",
      '',
    ].join('\n'),
  );
});
afterEach(async () => {
  await killAll();
});
afterAll(async () => {
  await dir.remove();
});

async function run(spec: LaunchSpec): Promise<{ sandbox: string; calls: Recorded[]; stderr: string }> {
  sandboxCount += 1;
  const sandbox = join(dir.path, `sandbox-${sandboxCount}`);
  await mkdir(sandbox);
  const task = launchTask(buildLaunchCommand(spec), sandbox);
  const { code } = await task.exited;
  expect(code, task.stderr()).toBe(0);
  const calls = (await readFile(join(sandbox, 'java-calls.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Recorded);
  return { sandbox, calls, stderr: task.stderr() };
}

const TRAPS = ['$(touch pwned-1)', '`touch pwned-2`', '$(touch${IFS}pwned-3)'];

function noTrapFired(sandbox: string): void {
  const everything = [...readdirSync(sandbox), ...readdirSync(join(sandbox, 'conf'))];
  expect(everything.filter((f) => f.startsWith('pwned'))).toEqual([]);
  expect(existsSync(join(dir.path, 'pwned-1'))).toBe(false);
}

describe('launch command quoting', () => {
  it('hands the worker JVM exactly the intended arguments, whatever the values hold', async () => {
    const javaOpts = `-Xmx1g -Dalluxio.user.note=${TRAPS[2]} -Dalluxio.user.glob=* -Dq='x' -Dtick=${TRAPS[1]}`;
    const { sandbox, calls } = await run({
      role: 'worker',
      distribution: { kind: 'local', home },
      siteProperties: 'alluxio.worker.port=1\n',
      masterHostname: '127.0.0.9',
      workerMemory: '1024.00MB',
      javaOpts,
    });
    expect(calls).toHaveLength(1);
    const { argv, env } = calls[0] as Recorded;
    expect(argv.slice(0, 2)).toEqual([
      '-cp',
      `${sandbox}/conf/::${home}/assembly/server/target/alluxio-assembly-server-1.8.2-jar-with-dependencies.jar`,
    ]);
    // JVM options are blank-separated words, as in ALLUXIO_JAVA_OPTS, but never expanded or globbed.
    expect(argv.slice(-14)).toEqual([
      '-Xmx1g',
      `-Dalluxio.user.note=${TRAPS[2]}`,
      '-Dalluxio.user.glob=*',
      "-Dq='x'",
      '-Dtick=`touch',
      'pwned-2`',
      `-Dalluxio.home=${home}`,
      `-Dalluxio.conf.dir=${sandbox}/conf`,
      `-Dalluxio.logs.dir=${sandbox}/logs`,
      '-Dalluxio.logger.type=WORKER_LOGGER',
      '-Dalluxio.master.hostname=127.0.0.9',
      '-Dalluxio.worker.memory.size=1024.00MB',
      '-Dalluxio.worker.tieredstore.level0.dirs.quota=1024.00MB',
      'alluxio.worker.AlluxioWorker',
    ]);
    expect(env.ALLUXIO_MASTER_HOSTNAME).toBe('127.0.0.9');
    noTrapFired(sandbox);
  });

  it('writes hostile site properties byte for byte and formats before starting the master', async () => {
    const siteProperties = [
      `alluxio.user.a=${TRAPS[0]}`,
      `alluxio.user.b=${TRAPS[1]} ${TRAPS[2]} $HOME \\$HOME \\\\`,
      "alluxio.user.c=it's 'quoted' \"twice\"",
      'ALLUXIO_SITE_PROPERTIES_EOF',
      'ALLUXIO_SITE_PROPERTIES_EOF_1',
      'EOF',
      '',
    ].join('\n');
    const { sandbox, calls } = await run({ role: 'master', distribution: { kind: 'local', home }, siteProperties });
    expect(await readFile(join(sandbox, 'conf', 'alluxio-site.properties'), 'utf8')).toBe(siteProperties);
    expect(calls.map((c) => c.argv.slice(-2))).toEqual([
      ['alluxio.cli.Format', 'master'],
      ['-Dalluxio.logger.type=MASTER_LOGGER', 'alluxio.master.AlluxioMaster'],
    ]);
    expect(calls[0]?.argv).toContain('-Dalluxio.logger.type=Console');
    expect(calls[1]?.argv).toContain(`-Dalluxio.home=${home}`);
    noTrapFired(sandbox);
  });
});
