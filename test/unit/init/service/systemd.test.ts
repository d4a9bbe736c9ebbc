import { describe, expect, it } from 'vitest';
import { prepareServiceInputs, type ServiceSettings } from '../../../../src/init/service/inputs.js';
import { renderSystemdUnit, systemdWord } from '../../../../src/init/service/systemd.js';
import { UsageError } from '../../../../src/shared/errors.js';
import { execStartArgv, unitSetting } from '../../../helpers/systemd.js';
import { EXAMPLE_SETTINGS } from './example-settings.js';

const fileState: ServiceSettings = { ...EXAMPLE_SETTINGS, master: 'mesos1.example.com:5050', state: undefined, secretFile: undefined };
const CREDENTIALS = '/run/credentials/alluxio-mesos-scheduler.service';

function render(settings: ServiceSettings): { text: string; warnings: readonly string[] } {
  const { inputs, warnings } = prepareServiceInputs('systemd', settings);
  return { text: renderSystemdUnit(inputs), warnings };
}

const argv = (text: string): string[] => execStartArgv(unitSetting(text, 'ExecStart'), { credentialsDirectory: CREDENTIALS });

describe('the systemd unit', () => {
  it('runs a foreground deploy of the configuration as a standby-capable service, restarted on failure', () => {
    const { text, warnings } = render(fileState);
    expect(argv(text)).toEqual([fileState.node, fileState.cli, 'deploy', '--conf-dir', '/opt/alluxio/conf', '--standby']);
    expect(unitSetting(text, 'User')).toBe('alluxio');
    expect(unitSetting(text, 'WorkingDirectory')).toBe('/opt/alluxio');
    expect(unitSetting(text, 'Restart')).toBe('on-failure');
    expect(unitSetting(text, 'RestartPreventExitStatus')).toBe('2');
    expect(unitSetting(text, 'KillSignal')).toBe('SIGTERM');
    expect(unitSetting(text, 'TimeoutStopSec')).toBe('30s');
    expect(text).not.toContain('LoadCredential=');
    expect(text).toContain('[Install]\nWantedBy=multi-user.target\n');
    expect(text).toMatch(/on storage both hosts share/);
    expect(warnings).toEqual([]);
  });

  it('hands the secret file over through LoadCredential and points deploy at the credential, never at the file', () => {
    const { text } = render({ ...fileState, secretFile: '/etc/alluxio-mesos/mesos-secret' });
    expect(unitSetting(text, 'LoadCredential')).toBe('mesos-secret:/etc/alluxio-mesos/mesos-secret');
    expect(unitSetting(text, 'ExecStart')).toContain('--secret-file %d/mesos-secret');
    expect(argv(text).slice(-2)).toEqual(['--secret-file', `${CREDENTIALS}/mesos-secret`]);
    expect(unitSetting(text, 'ExecStart')).not.toContain('/etc/alluxio-mesos');
    expect(text).not.toMatch(/ALLUXIO_MESOS_SECRET=/);
  });

  it('passes a ZooKeeper state on the command line, but never a password in it', () => {
    const zk = render({ ...fileState, state: 'zk://zk1:2181,zk2:2181/alluxio-mesos' });
    expect(argv(zk.text)).toContain('--state');
    expect(argv(zk.text)[argv(zk.text).indexOf('--state') + 1]).toBe('zk://zk1:2181,zk2:2181/alluxio-mesos');
    expect(zk.text).toMatch(/is in ZooKeeper \(zk:\/\/zk1:2181,zk2:2181\/alluxio-mesos\)/);

    const secretive = render({ ...fileState, state: 'zk://ops:hunter2@zk1:2181/alluxio-mesos' });
    expect(secretive.text).not.toContain('hunter2');
    expect(argv(secretive.text)).not.toContain('--state');
    expect(secretive.text).toContain('zk://ops:***@zk1:2181/alluxio-mesos');
    expect(secretive.warnings.join('\n')).toMatch(/password.*deploy reads it from \/opt\/alluxio\/conf/);
  });

  it('never writes the master address into the command line, and hides its password in the comment', () => {
    const { text } = render({ ...fileState, master: 'zk://ops:hunter2@zk1:2181/mesos' });
    expect(text).not.toContain('hunter2');
    expect(text).toContain('Mesos master:  zk://ops:***@zk1:2181/mesos');
    expect(argv(text)).not.toContain('--master');
  });

  it.each([['/srv/alluxio conf'], ['/srv/100% "quoted" \\ $HOME ${X} conf'], ["/srv/it's"]])(
    'quotes the conf dir %j so that systemd reads it back unchanged',
    (confDir) => {
      const { text } = render({ ...fileState, confDir });
      expect(argv(text)[4]).toBe(confDir);
      expect(unitSetting(text, 'Description')).toContain(confDir.replace(/%/g, '%%'));
    },
  );

  it('leaves plain words bare and refuses a line break', () => {
    expect(systemdWord('/usr/bin/node')).toBe('/usr/bin/node');
    expect(systemdWord('')).toBe('""');
    expect(() => systemdWord('a\nExecStartPre=/bin/rm')).toThrow(TypeError);
  });

  it.each([
    [{ master: undefined }, /needs the Mesos master address/],
    [{ master: 'local' }, /cannot be a service/],
    [{ state: 'hdfs://x/y' }, /not a zk:\/\/ URL/],
  ])('refuses settings a service cannot run: %j', (change, message) => {
    expect(() => render({ ...fileState, ...change })).toThrow(UsageError);
    expect(() => render({ ...fileState, ...change })).toThrow(message);
  });

  it('says when the secret comes from the site file, which the service user must be the only one to read', () => {
    expect(render({ ...fileState, secretInSiteFile: true }).warnings.join('\n')).toMatch(/read from the site file.*chmod 600/);
  });
});
