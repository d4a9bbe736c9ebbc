/**
 * Settings found from any directory, through the real binary: the per-user file points at the
 * configuration, and a command that finds none says every place it searched.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanEnv, runCli } from '../../helpers/cli.js';

let root: string;
let env: Record<string, string | undefined>;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'am-settings-search-'));
  await mkdir(path.join(root, 'site', 'conf'), { recursive: true });
  await mkdir(path.join(root, 'elsewhere'));
  await mkdir(path.join(root, 'home'));
  env = cleanEnv({ HOME: path.join(root, 'home'), XDG_CONFIG_HOME: undefined, ALLUXIO_MESOS_CONF_DIR: undefined });
  // Nothing listens on port 9: reaching for it proves the saved master was read.
  const init = await runCli(['init', '--yes', '--master', '127.0.0.1:9', '--jar-url', 'LOCAL', '--alluxio-home', '/opt/alluxio'], {
    cwd: path.join(root, 'site'),
    env,
  });
  expect(init.exitCode, init.stderr).toBe(0);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('settings search', () => {
  it('run from another directory without settings: says where it looked', async () => {
    const result = await runCli(['check-ports'], { cwd: path.join(root, 'elsewhere'), env });
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(`no Mesos master given, and none saved in ${path.join(root, 'elsewhere', 'conf')}`);
    expect(result.stderr).toContain(
      `settings searched: --conf-dir (not given), $ALLUXIO_MESOS_CONF_DIR (not set), $ALLUXIO_HOME/conf (ALLUXIO_HOME not set), ` +
        `./conf (${path.join(root, 'elsewhere', 'conf')} does not exist), ${path.join(root, 'home', '.config', 'alluxio-mesos', 'config.json')} (does not exist)`,
    );
  });

  it('finds the configuration through $ALLUXIO_MESOS_CONF_DIR or the per-user file', async () => {
    const viaEnv = await runCli(['check-ports'], {
      cwd: path.join(root, 'elsewhere'),
      env: { ...env, ALLUXIO_MESOS_CONF_DIR: path.join(root, 'site', 'conf') },
    });
    expect(viaEnv.exitCode).toBe(3);
    expect(viaEnv.stderr).toContain('127.0.0.1:9');

    await mkdir(path.join(root, 'home', '.config', 'alluxio-mesos'), { recursive: true });
    await writeFile(
      path.join(root, 'home', '.config', 'alluxio-mesos', 'config.json'),
      JSON.stringify({ confDir: path.join(root, 'site', 'conf') }),
    );
    const viaUserFile = await runCli(['check-ports'], { cwd: path.join(root, 'elsewhere'), env });
    expect(viaUserFile.exitCode).toBe(3);
    expect(viaUserFile.stderr).toContain('127.0.0.1:9');
  });
});
