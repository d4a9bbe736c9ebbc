import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findConfDir, userConfigPath } from '../../../src/context/conf-dir.js';
import { ConfigError } from '../../../src/shared/errors.js';

let root: string;
let cwd: string;
let home: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'am-conf-dir-'));
  cwd = path.join(root, 'work');
  home = path.join(root, 'home');
  await mkdir(cwd);
  await mkdir(home);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function writeUserConfig(text: string): Promise<string> {
  const file = userConfigPath({ HOME: home })!;
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
  return file;
}

describe('findConfDir', () => {
  it('takes --conf-dir first, relative to the working directory', () => {
    const choice = findConfDir({ flag: 'elsewhere', env: { ALLUXIO_MESOS_CONF_DIR: '/etc/x', ALLUXIO_HOME: '/opt/a', HOME: home }, cwd });
    expect(choice).toEqual({ dir: path.join(cwd, 'elsewhere'), searched: ['--conf-dir elsewhere'] });
  });

  it('then $ALLUXIO_MESOS_CONF_DIR, then $ALLUXIO_HOME/conf', () => {
    expect(findConfDir({ flag: undefined, env: { ALLUXIO_MESOS_CONF_DIR: '/etc/x', ALLUXIO_HOME: '/opt/a' }, cwd }).dir).toBe('/etc/x');
    expect(findConfDir({ flag: undefined, env: { ALLUXIO_HOME: '/opt/a' }, cwd }).dir).toBe('/opt/a/conf');
  });

  it('then ./conf when it exists, before the per-user file', async () => {
    await mkdir(path.join(cwd, 'conf'));
    await writeUserConfig(JSON.stringify({ confDir: '/srv/alluxio/conf' }));
    expect(findConfDir({ flag: undefined, env: { HOME: home }, cwd }).dir).toBe(path.join(cwd, 'conf'));
  });

  it('then the per-user file (XDG_CONFIG_HOME or ~/.config), from any directory', async () => {
    const file = await writeUserConfig(JSON.stringify({ confDir: '/srv/alluxio/conf' }));
    const choice = findConfDir({ flag: undefined, env: { HOME: home }, cwd });
    expect(choice.dir).toBe('/srv/alluxio/conf');
    expect(choice.searched).toEqual([
      '--conf-dir (not given)',
      '$ALLUXIO_MESOS_CONF_DIR (not set)',
      '$ALLUXIO_HOME/conf (ALLUXIO_HOME not set)',
      `./conf (${path.join(cwd, 'conf')} does not exist)`,
      `${file} (/srv/alluxio/conf)`,
    ]);
    expect(userConfigPath({ XDG_CONFIG_HOME: '/x', HOME: home })).toBe('/x/alluxio-mesos/config.json');
  });

  it('falls back to ./conf, listing every place searched', () => {
    const choice = findConfDir({ flag: undefined, env: { HOME: home }, cwd });
    expect(choice.dir).toBe(path.join(cwd, 'conf'));
    expect(choice.searched.at(-1)).toBe(`${userConfigPath({ HOME: home })} (does not exist)`);
    expect(choice.searched).toHaveLength(5);
  });

  it('says what is wrong with a per-user file that is not JSON or names no directory', async () => {
    await writeUserConfig('confDir=/x');
    expect(() => findConfDir({ flag: undefined, env: { HOME: home }, cwd })).toThrow(ConfigError);
    await writeUserConfig(JSON.stringify({ confDir: 42 }));
    expect(() => findConfDir({ flag: undefined, env: { HOME: home }, cwd })).toThrow(/confDir must be a directory path/);
    await writeUserConfig(JSON.stringify({ other: 1 }));
    expect(findConfDir({ flag: undefined, env: { HOME: home }, cwd }).searched.at(-1)).toMatch(/names no confDir\)$/);
  });
});
