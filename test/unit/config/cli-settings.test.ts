import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliSettingsPath, parseCliSettings, renderCliSettings, shownSettings, writeCliSettings } from '../../../src/config/cli-settings.js';
import { readSecret } from '../../../src/config/secret.js';
import { ConfigError, UsageError } from '../../../src/shared/errors.js';

describe('CLI settings', () => {
  it('round-trips and ignores keys from newer versions', () => {
    const settings = parseCliSettings('{"master":"zk://z:2181/mesos","maxWorkers":4,"futureKey":true}', 'f');
    expect(settings).toEqual({ master: 'zk://z:2181/mesos', maxWorkers: 4 });
    expect(parseCliSettings(renderCliSettings(settings), 'f')).toEqual(settings);
  });

  it.each([
    ['not json', /not valid JSON/],
    ['[]', /JSON object/],
    ['{"maxWorkers":0}', /maxWorkers/],
    ['{"master":5050}', /"master" must be a string/],
  ])('rejects %s with a ConfigError', (text, message) => {
    expect(() => parseCliSettings(text, 'conf/alluxio-mesos.json')).toThrow(ConfigError);
    expect(() => parseCliSettings(text, 'conf/alluxio-mesos.json')).toThrow(message);
  });
});

describe('readSecret', () => {
  it('prefers the file, strips one newline, and warns when others can read it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'am-secret-'));
    try {
      const file = path.join(dir, 's');
      await writeFile(file, 'from-file\n', { mode: 0o644 });
      const source = await readSecret(file, { ALLUXIO_MESOS_SECRET: 'from-env' });
      expect(source?.secret).toBe('from-file');
      expect(source?.origin).toBe(file);
      expect(source?.warning).toMatch(/chmod 600/);
      expect((await readSecret(undefined, { ALLUXIO_MESOS_SECRET: 'from-env' }))?.origin).toBe('ALLUXIO_MESOS_SECRET');
      expect(await readSecret(undefined, {})).toBeUndefined();
      await expect(readSecret(path.join(dir, 'missing'), {})).rejects.toBeInstanceOf(UsageError);
      await expect(readSecret('/dev/zero', {})).rejects.toThrow('the secret file: /dev/zero is not a regular file');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('CLI settings holding a password', () => {
  it('are written 0600 (a looser file and its backup tightened) and shown masked', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'am-settings-'));
    try {
      const file = cliSettingsPath(dir);
      await writeFile(file, '{"master":"zk://u:old@z:2181/mesos"}\n');
      await chmod(file, 0o644);
      const settings = { master: 'zk://u:pw@z:2181/mesos', state: 'zk://u:pw@z:2181/am' };
      await writeCliSettings(dir, settings);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect((await stat(`${file}.bak`)).mode & 0o777).toBe(0o600);
      expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(settings);
      expect(shownSettings(settings)).toEqual({ master: 'zk://u:***@z:2181/mesos', state: 'zk://u:***@z:2181/am' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('without a password keep the mode of the file they replace', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'am-settings-'));
    try {
      const file = cliSettingsPath(dir);
      await writeFile(file, '{}\n');
      await chmod(file, 0o644);
      await writeCliSettings(dir, { master: 'zk://z:2181/mesos' });
      expect((await stat(file)).mode & 0o777).toBe(0o644);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
