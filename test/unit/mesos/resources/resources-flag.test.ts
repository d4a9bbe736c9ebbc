import { describe, expect, it } from 'vitest';
import { addResources, formatResourcesFlag, parseResourcesFlag } from '../../../../src/mesos/resources/resources-flag.js';
import { normalizeRanges, rangesOf, resourceRole, stringifyRanges } from '../../../../src/mesos/resources/ranges.js';
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

describe('formatResourcesFlag and helpers', () => {
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
      stringifyRanges(
        normalizeRanges([
          { begin: 29998, end: 30000 },
          { begin: 19998, end: 19999 },
        ]),
      ),
    ).toBe('[19998-19999, 29998-30000]');
  });

  it('lists port ranges, optionally of one role', () => {
    const resources = parseResourcesFlag('ports:[31000-32000];ports(alluxio):[19998-19999]');
    expect(rangesOf(resources)).toEqual([
      { begin: 19998, end: 19999 },
      { begin: 31000, end: 32000 },
    ]);
    expect(rangesOf(resources, 'ports', (r) => resourceRole(r) === 'alluxio')).toEqual([{ begin: 19998, end: 19999 }]);
  });

  it('adds resource lists without rounding noise', () => {
    const sum = addResources(parseResourcesFlag('cpus:0.1;mem:32'), parseResourcesFlag('cpus:0.2;mem:32;ports:[1-1]'));
    expect(formatResourcesFlag(sum)).toBe('cpus:0.3;mem:64;ports:[1-1]');
  });

  it('keeps the other fields of the first entry of a kind (allocation_info, reservations) when adding', () => {
    const task = [{ name: 'cpus', type: 'SCALAR' as const, scalar: { value: 0.1 }, role: '*', allocation_info: { role: '*' } }];
    expect(addResources(task, task)).toEqual([{ ...task[0], scalar: { value: 0.2 } }]);
    expect(task[0]!.scalar.value).toBe(0.1);
  });
});

describe('the grammar round trip', () => {
  it.each([
    'cpus:4;mem:8192;ports:[19998-19999,31000-32000]',
    'cpus:0.001;mem:1.5;disk:0',
    'cpus(alluxio):2;ports(eng/alluxio):[1-1,3-5];ports:[0-65535]',
    'zones:{a,b,c};gpus:1',
    'ports:[]',
  ])('format(parse(%j)) gives it back', (flag) => {
    expect(formatResourcesFlag(parseResourcesFlag(flag))).toBe(flag);
  });

  it('writes the normalised text form of anything it parsed, and parsing that gives the same resources', () => {
    const messy = ' cpus : 1.50 ; ports:[ 5-6 , 1-2,3-4 ];cpus:0.25; zones:{ a , b };ports(r):[7-7] ';
    const text = formatResourcesFlag(parseResourcesFlag(messy));
    expect(text).toBe('cpus:1.75;ports:[1-6];zones:{a,b};ports(r):[7-7]');
    expect(parseResourcesFlag(text)).toEqual(parseResourcesFlag(messy));
  });

  it('writes the JSON form in the text syntax', () => {
    const json = JSON.stringify([
      {
        name: 'ports',
        type: 'RANGES',
        ranges: {
          range: [
            { begin: 6, end: 7 },
            { begin: 1, end: 5 },
          ],
        },
      },
      { name: 'cpus', type: 'SCALAR', scalar: { value: 0.30000000000000004 }, role: 'r' },
      { name: 'zones', type: 'SET', set: { item: ['x'] } },
    ]);
    expect(formatResourcesFlag(parseResourcesFlag(json))).toBe('ports:[1-7];cpus(r):0.3;zones:{x}');
  });
});

describe('the error texts for bad input', () => {
  it.each([
    ['cpus', "Invalid resource 'cpus': expected 'name:value'."],
    ['cpus:-1', "Invalid value '-1' for resource 'cpus': expected a non-negative number."],
    ['cpus:', "Resource 'cpus' has no value."],
    ['ports:[2-1]', "Invalid range '2-1' for resource 'ports': begin is after end."],
    ['ports:[5]', "Invalid range '5' for resource 'ports': expected 'begin-end'."],
    ['ports:[1-99999999999999999999]', "Invalid range '1-99999999999999999999' for resource 'ports': the numbers are too large."],
    ['ports:[1-2', "Unterminated range list for resource 'ports'."],
    ['disks:{a', "Unterminated set for resource 'disks'."],
    ['cpus(bad role):1', "Invalid role 'bad role' for resource 'cpus'."],
    ['1cpus:1', "Invalid resource name '1cpus'."],
    ['cp)us:1', "Invalid resource name 'cp)us'."],
    ['{"cpus":1}', 'Invalid resource name \'{"cpus"\'.'],
    ['[{"name":"cpus"}]', "JSON resource #1 needs 'name' and 'type'."],
    ['{}', "Invalid resource '{}': expected 'name:value'."],
    ['[1]', "JSON resource #1 needs 'name' and 'type'."],
    ['[{"name":"cpus","type":"SCALAR"}]', "JSON resource 'cpus' is SCALAR but has no scalar.value."],
    [
      '[{"name":"ports","type":"RANGES","ranges":{"range":[{"begin":5,"end":1}]}}]',
      "JSON resource 'ports' has an invalid range 5-1: expected 0 <= begin <= end.",
    ],
  ])('%j: %s', (flag, message) => {
    expect(() => parseResourcesFlag(flag)).toThrow(ConfigError);
    expect(() => parseResourcesFlag(flag)).toThrow(message);
  });

  it('says what is wrong with JSON that does not parse', () => {
    expect(() => parseResourcesFlag('[not json')).toThrow(/^Invalid JSON in resources: /);
    expect(() => parseResourcesFlag('[not json')).toThrow(ConfigError);
  });
});
