import { describe, expect, it } from 'vitest';
import {
  addResources,
  flattenResources,
  formatRanges,
  formatResourcesFlag,
  normalizeRanges,
  parseResourcesFlag,
  portRanges,
  resourceRole,
  withDefaultResources,
} from '../../../../src/emulator/agent/resources-flag.js';
import { toMesosJson } from '../../../../src/emulator/mesos-json.js';
import { ConfigError } from '../../../../src/shared/errors.js';

describe('parseResourcesFlag', () => {
  it('parses the issue example into v1 resources', () => {
    expect(parseResourcesFlag('cpus:4;mem:8192;ports:[19998-19999,29998-30000,31000-32000]')).toEqual([
      { name: 'cpus', role: '*', type: 'SCALAR', scalar: { value: 4 } },
      { name: 'mem', role: '*', type: 'SCALAR', scalar: { value: 8192 } },
      {
        name: 'ports',
        role: '*',
        type: 'RANGES',
        ranges: {
          range: [
            { begin: 19998, end: 19999 },
            { begin: 29998, end: 30000 },
            { begin: 31000, end: 32000 },
          ],
        },
      },
    ]);
  });

  it('reads static reservations, sets, spaces and fractional scalars', () => {
    const resources = parseResourcesFlag(' cpus(alluxio):2.5 ; disks:{ssd1, ssd2};ports(alluxio):[19998-19999] ; ');
    expect(resources.map((r) => [r.name, resourceRole(r)])).toEqual([
      ['cpus', 'alluxio'],
      ['disks', '*'],
      ['ports', 'alluxio'],
    ]);
    expect(resources[0]).toEqual({
      name: 'cpus',
      role: 'alluxio',
      reservations: [{ type: 'STATIC', role: 'alluxio' }],
      type: 'SCALAR',
      scalar: { value: 2.5 },
    });
    expect(resources[1]!.set).toEqual({ item: ['ssd1', 'ssd2'] });
  });

  it('adds up repeated names with the same role and keeps different roles apart', () => {
    const resources = parseResourcesFlag('cpus:1;cpus:0.5;ports:[1-2];ports:[3-5,10-10];cpus(r):1');
    expect(resources).toHaveLength(3);
    expect(resources[0]!.scalar).toEqual({ value: 1.5 });
    expect(resources[1]!.ranges!.range).toEqual([
      { begin: 1, end: 5 },
      { begin: 10, end: 10 },
    ]);
    expect(resourceRole(resources[2]!)).toBe('r');
  });

  it('accepts the JSON form', () => {
    const json = JSON.stringify([
      { name: 'cpus', type: 'SCALAR', scalar: { value: 2 } },
      { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 5, end: 6 }] }, role: 'alluxio' },
    ]);
    expect(parseResourcesFlag(json)).toEqual([
      { name: 'cpus', type: 'SCALAR', scalar: { value: 2 }, role: '*' },
      { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 5, end: 6 }] }, role: 'alluxio' },
    ]);
  });

  it('is empty for an empty flag', () => {
    expect(parseResourcesFlag('  ')).toEqual([]);
  });

  it.each([
    ['cpus', /expected 'name:value'/],
    ['cpus:-1', /non-negative number/],
    ['cpus:abc', /non-negative number/],
    ['cpus:', /has no value/],
    ['ports:[2-1]', /begin is after end/],
    ['ports:[1-2', /Unterminated range/],
    ['ports:[a-b]', /expected 'begin-end'/],
    ['disks:{a', /Unterminated set/],
    ['cpus(bad role):1', /Invalid role/],
    ['1cpus:1', /Invalid resource name/],
    ['[{"name":"cpus"}]', /needs 'name' and 'type'/],
    ['[not json', /Invalid JSON/],
  ])('rejects %s', (flag, message) => {
    expect(() => parseResourcesFlag(flag)).toThrow(ConfigError);
    expect(() => parseResourcesFlag(flag)).toThrow(message);
  });

  it('names the flag in its ConfigError', () => {
    try {
      parseResourcesFlag('cpus:x');
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).key).toBe('resources');
      expect((error as ConfigError).hint).toMatch(/ports:\[19998-19999/);
    }
  });
});

describe('defaults and helpers', () => {
  it('adds the standard resources the flag leaves out, like an agent does', () => {
    const resources = withDefaultResources(parseResourcesFlag('mem:512;ports:[19998-19999]'));
    expect(formatResourcesFlag(resources)).toBe('mem:512;ports:[19998-19999];cpus:1;disk:10240');
  });

  it('round-trips through the flag syntax', () => {
    const flag = 'cpus:2;mem:2048;disk:4096;ports:[19998-19999,29998-30000];cpus(alluxio):1;zones:{a,b}';
    expect(formatResourcesFlag(parseResourcesFlag(flag))).toBe(flag);
  });

  it('normalises and prints ranges the way Mesos does', () => {
    expect(
      normalizeRanges([
        { begin: 30, end: 40 },
        { begin: 1, end: 2 },
        { begin: 3, end: 4 },
        { begin: 35, end: 50 },
      ]),
    ).toEqual([
      { begin: 1, end: 4 },
      { begin: 30, end: 50 },
    ]);
    expect(
      formatRanges([
        { begin: 29998, end: 30000 },
        { begin: 19998, end: 19999 },
      ]),
    ).toBe('[19998-19999, 29998-30000]');
  });

  it('lists port ranges, optionally of one role', () => {
    const resources = parseResourcesFlag('ports:[31000-32000];ports(alluxio):[19998-19999]');
    expect(portRanges(resources)).toEqual([
      { begin: 19998, end: 19999 },
      { begin: 31000, end: 32000 },
    ]);
    expect(portRanges(resources, 'alluxio')).toEqual([{ begin: 19998, end: 19999 }]);
  });

  it('adds resource lists without rounding noise', () => {
    const sum = addResources(parseResourcesFlag('cpus:0.1;mem:32'), parseResourcesFlag('cpus:0.2;mem:32;ports:[1-1]'));
    expect(formatResourcesFlag(sum)).toBe('cpus:0.3;mem:64;ports:[1-1]');
  });

  it('flattens to the /state form with doubles and the ports string', () => {
    const flat = flattenResources(parseResourcesFlag('cpus:2;mem:2048;disk:4096;ports:[19998-19999,29998-30000]'));
    expect(toMesosJson(flat).toString()).toBe('{"disk":4096.0,"mem":2048.0,"gpus":0.0,"cpus":2.0,"ports":"[19998-19999, 29998-30000]"}');
    expect(toMesosJson(flattenResources([])).toString()).toBe('{"disk":0.0,"mem":0.0,"gpus":0.0,"cpus":0.0}');
  });
});
