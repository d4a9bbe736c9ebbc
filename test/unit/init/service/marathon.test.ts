import { describe, expect, it } from 'vitest';
import { prepareServiceInputs, type ServiceSettings } from '../../../../src/init/service/inputs.js';
import { marathonApp, renderMarathonApp, MARATHON_HEALTH_COMMAND } from '../../../../src/init/service/marathon.js';
import { UsageError } from '../../../../src/shared/errors.js';
import { marathonAppProblems } from '../../../helpers/marathon-schema.js';
import { EXAMPLE_SETTINGS } from './example-settings.js';

const app = (settings: ServiceSettings = EXAMPLE_SETTINGS): ReturnType<typeof marathonApp> =>
  marathonApp(prepareServiceInputs('marathon', settings).inputs);

describe('the Marathon app', () => {
  it('is a valid app definition: two standby-capable instances on different hosts, one replaced at a time', () => {
    const definition = JSON.parse(renderMarathonApp(prepareServiceInputs('marathon', EXAMPLE_SETTINGS).inputs)) as unknown;
    expect(marathonAppProblems(definition)).toEqual([]);
    const built = app();
    expect(built.instances).toBe(2);
    expect(built.constraints).toEqual([['hostname', 'UNIQUE']]);
    expect(built.upgradeStrategy).toEqual({ minimumHealthCapacity: 0.5, maximumOverCapacity: 0 });
    expect(built.portDefinitions).toEqual([]);
    expect(built.user).toBe('alluxio');
    expect(built.cmd).toContain(' deploy --conf-dir /opt/alluxio/conf --state zk://zk1:2181,zk2:2181,zk3:2181/alluxio-mesos --standby ');
    expect(built.cmd).toMatch(/^echo \$\$ > "\$\{MESOS_SANDBOX:-\.\}"\/alluxio-mesos-scheduler\.pid && exec \/usr\/bin\/node /);
    expect(built.healthChecks).toEqual([expect.objectContaining({ protocol: 'COMMAND', command: { value: MARATHON_HEALTH_COMMAND } })]);
  });

  it('takes the secret from the secret store as a sandbox file, never from the definition', () => {
    const built = app();
    expect(built.secrets).toEqual({ mesosSecret: { source: 'alluxio-mesos/mesos-secret' } });
    expect(built.container).toEqual({ type: 'MESOS', volumes: [{ containerPath: 'alluxio-mesos-secret', secret: 'mesosSecret' }] });
    expect(built.cmd).toMatch(/--secret-file "\$\{MESOS_SANDBOX:-\.\}"\/alluxio-mesos-secret$/);
    const text = JSON.stringify(built);
    expect(text).not.toContain('/etc/alluxio-mesos/mesos-secret');
    expect(text).not.toContain('ALLUXIO_MESOS_SECRET');

    const withoutSecret = app({ ...EXAMPLE_SETTINGS, secretFile: undefined });
    expect(withoutSecret.secrets).toBeUndefined();
    expect(withoutSecret.container).toBeUndefined();
    expect(withoutSecret.cmd).not.toContain('--secret-file');
    expect(marathonAppProblems(withoutSecret)).toEqual([]);
  });

  it('needs the state in ZooKeeper', () => {
    expect(() => app({ ...EXAMPLE_SETTINGS, state: undefined })).toThrow(UsageError);
    expect(() => app({ ...EXAMPLE_SETTINGS, state: undefined })).toThrow(/need the state in ZooKeeper/);
  });

  it('shell-quotes what it cannot leave bare', () => {
    const built = app({ ...EXAMPLE_SETTINGS, confDir: "/srv/it's here" });
    expect(built.cmd).toContain(`--conf-dir '/srv/it'\\''s here'`);
    expect(built.labels['alluxio-mesos.conf-dir']).toBe("/srv/it's here");
  });
});

describe('the Marathon schema subset', () => {
  const valid = app();
  it.each([
    ['an unknown top-level field', { ...valid, replicas: 2 }, /unknown field "replicas"/],
    ['cmd and args together', { ...valid, args: ['deploy'] }, /must not/],
    ['neither cmd nor args (nor a container)', { ...valid, cmd: undefined, container: undefined, secrets: undefined }, /none of anyOf/],
    ['instances as a string', { ...valid, instances: '2' }, /\/instances: expected integer/],
    ['an unknown constraint operator', { ...valid, constraints: [['hostname', 'DIFFERENT']] }, /\/constraints\/0\/1/],
    ['a COMMAND check without a command', { ...valid, healthChecks: [{ protocol: 'COMMAND' }] }, /\/healthChecks\/0: matches none/],
    ['a capacity above 1', { ...valid, upgradeStrategy: { minimumHealthCapacity: 2 } }, /above 1/],
    ['an undeclared secret', { ...valid, secrets: {} }, /secret "mesosSecret" is used but not declared/],
    ['an env secret reference without its declaration', { ...valid, env: { S: { secret: 'other' } } }, /secret "other"/],
    ['a missing id', { ...valid, id: undefined }, /"id" is required/],
  ])('rejects %s', (_name, definition, problem) => {
    const cleaned = JSON.parse(JSON.stringify(definition)) as unknown;
    expect(marathonAppProblems(cleaned).join('\n')).toMatch(problem);
  });
});
