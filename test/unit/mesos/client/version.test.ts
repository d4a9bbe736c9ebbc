import { describe, expect, it } from 'vitest';
import {
  compareVersions,
  endpointNames,
  formatVersion,
  InvalidVersionError,
  mesosFeatures,
  parseMesosVersion,
  versionAtLeast,
} from '../../../../src/mesos/client/version.js';
import { ExitCode } from '../../../../src/shared/errors.js';

const v = (text: string) => parseMesosVersion(text);

describe('parseMesosVersion', () => {
  it.each([
    ['1.12.0', 1, 12, 0, undefined],
    ['0.28.2', 0, 28, 2, undefined],
    ['1.7.0-rc1', 1, 7, 0, 'rc1'],
    ['1.10.0-SNAPSHOT', 1, 10, 0, 'SNAPSHOT'],
    [' 0.23.0 ', 0, 23, 0, undefined],
    ['1.4.0-dev+sha.abc', 1, 4, 0, 'dev'],
  ])('%j', (text, major, minor, patch, prerelease) => {
    const version = v(text);
    expect(version).toMatchObject({ major, minor, patch, prerelease, raw: text.trim() });
  });

  it.each([
    [''],
    ['abc'],
    ['1'],
    ['1.2'],
    ['1.x.0'],
    ['1..2'],
    ['1.2.3.4'],
    ['1.2.3-'],
    ['-1.2.3'],
    ['1.2.3 beta'],
    ['null'],
    ['12345.0.0'],
    ['1.2.3-rc 1'],
  ])('rejects %j with a typed error (exit 1)', (text) => {
    expect(() => v(text)).toThrow(InvalidVersionError);
    try {
      v(text);
    } catch (error) {
      expect((error as InvalidVersionError).exitCode).toBe(ExitCode.FAILED);
      expect((error as InvalidVersionError).message).toContain('not a Mesos version');
    }
  });

  it.each([[undefined], [null], [1.12], [{ version: '1.12.0' }], [['1.12.0']]])('rejects the non-string %j', (value) => {
    expect(() => parseMesosVersion(value, 'http://m:5050/version')).toThrow(/http:\/\/m:5050\/version reported .* not a Mesos version/);
  });

  it('round-trips through formatVersion', () => {
    expect(formatVersion(v('1.7.0-rc1'))).toBe('1.7.0-rc1');
    expect(formatVersion(v('v0.28.2'))).toBe('0.28.2');
  });
});

describe('compareVersions', () => {
  const ordered = [
    '0.9.0',
    '0.23.0',
    '0.23.1',
    '0.28.2',
    '1.0.0-rc1',
    '1.0.0-rc2',
    '1.0.0',
    '1.6.2',
    '1.7.0-rc1',
    '1.7.0',
    '1.10.0',
    '1.12.0',
  ];
  it('orders numerically, pre-releases before their release', () => {
    const shuffled = [...ordered].reverse().map(v);
    expect(shuffled.sort(compareVersions).map(formatVersion)).toEqual(ordered);
  });
  it('compares pre-release identifiers numerically when both are numbers', () => {
    expect(compareVersions(v('1.0.0-2'), v('1.0.0-10'))).toBeLessThan(0);
    expect(compareVersions(v('1.0.0-rc.2'), v('1.0.0-rc.10'))).toBeLessThan(0);
    expect(compareVersions(v('1.0.0'), v('1.0.0'))).toBe(0);
  });
  it('versionAtLeast ignores the pre-release: 1.7.0-rc1 already is 1.7', () => {
    expect(versionAtLeast(v('1.7.0-rc1'), '1.7.0')).toBe(true);
    expect(versionAtLeast(v('1.6.9'), '1.7.0')).toBe(false);
  });
});

describe('endpointNames', () => {
  it.each([
    ['0.23.0', '/master/state.json', '/state.json', '/files/read.json'],
    ['0.24.1', '/master/state.json', '/state.json', '/files/read.json'],
    ['0.25.0', '/master/state', '/state', '/files/read'],
    ['0.28.2', '/master/state', '/state', '/files/read'],
    ['1.6.2', '/master/state', '/state', '/files/read'],
    ['1.7.0-rc1', '/master/state', '/state', '/files/read'],
    ['1.12.0', '/master/state', '/state', '/files/read'],
  ])('%s: master %s, agent %s', (version, masterState, agentState, filesRead) => {
    const names = endpointNames(v(version));
    expect(names.master.state).toBe(masterState);
    expect(names.agent.state).toBe(agentState);
    expect(names.agent.filesRead).toBe(filesRead);
    expect(names.master.slaves).toBe(masterState.replace('state', 'slaves'));
    expect(names.json).toBe(masterState.endsWith('.json'));
  });

  it('names /version, /api/v1 and /api/v1/scheduler only where they exist', () => {
    expect(endpointNames(v('0.23.0')).master).toMatchObject({ version: undefined, operatorApi: undefined, schedulerApi: undefined });
    expect(endpointNames(v('0.24.0')).master).toMatchObject({
      version: undefined,
      operatorApi: undefined,
      schedulerApi: '/api/v1/scheduler',
    });
    expect(endpointNames(v('0.26.0')).master).toMatchObject({ version: '/version', operatorApi: undefined });
    expect(endpointNames(v('1.0.0')).master).toMatchObject({ version: '/version', operatorApi: '/api/v1' });
    expect(endpointNames(v('1.0.0')).agent.operatorApi).toBe('/api/v1');
  });
});

describe('mesosFeatures', () => {
  const gates = [
    ['supported', '0.23.0'],
    ['hasSchedulerApi', '0.24.0'],
    ['hasPlainEndpoints', '0.25.0'],
    ['hasSuppressCall', '0.25.0'],
    ['hasVersionEndpoint', '0.26.0'],
    ['hasStreamId', '0.28.0'],
    ['hasOperatorApi', '1.0.0'],
    ['schedulerApiStable', '1.0.0'],
    ['hasVirtualLatestSandbox', '1.5.0'],
    ['hasAdditiveReconfiguration', '1.5.0'],
  ] as const;
  it.each(gates)('%s starts at %s', (feature, first) => {
    const version = v(first);
    const before =
      version.patch > 0
        ? `${version.major}.${version.minor}.${version.patch - 1}`
        : version.minor > 0
          ? `${version.major}.${version.minor - 1}.9`
          : `${version.major - 1}.99.0`;
    expect(mesosFeatures(version)[feature]).toBe(true);
    expect(mesosFeatures(v(before))[feature]).toBe(false);
  });
  it('has .json endpoints until 1.6 and the agent binary renamed at 1.0', () => {
    expect(mesosFeatures(v('1.6.2')).hasJsonEndpoints).toBe(true);
    expect(mesosFeatures(v('1.7.0')).hasJsonEndpoints).toBe(false);
    expect(mesosFeatures(v('0.28.2')).agentBinary).toBe('mesos-slave');
    expect(mesosFeatures(v('1.0.0')).agentBinary).toBe('mesos-agent');
  });
});
