import { describe, expect, it } from 'vitest';
import {
  formatRanges,
  intersectRanges,
  InvalidRangesError,
  mergeRanges,
  normalizeRanges,
  parseRangesString,
  rangesContain,
  rangesFromValues,
  rangesOf,
  rangesSize,
  stringifyRanges,
  resourceRole,
  resourcesByRole,
  resourcesFromFlattened,
  scalarOf,
  subtractRanges,
  type Resource,
} from '../../../../src/mesos/resources/ranges.js';
import { ExitCode, OperationError } from '../../../../src/shared/errors.js';

const r = (begin: number, end: number) => ({ begin, end });

describe('parseRangesString', () => {
  it.each([
    ['[19998-19999, 29998-30000]', [r(19998, 19999), r(29998, 30000)]],
    ['[31000-32000]', [r(31000, 32000)]],
    ['[30000-30000]', [r(30000, 30000)]],
    ['31000-32000,40000-40010', [r(31000, 32000), r(40000, 40010)]],
    ['[5]', [r(5, 5)]],
    ['[ 1 - 3 ,5-6 ]', [r(1, 3), r(5, 6)]],
    ['[]', []],
    ['', []],
    ['[40000-40010, 31000-32000]', [r(31000, 32000), r(40000, 40010)]],
    ['[1-5, 3-8, 9-9]', [r(1, 9)]],
  ])('%j', (text, expected) => {
    expect(parseRangesString(text)).toEqual(expected);
  });

  it.each([['[1-2'], ['1-2]'], ['[a-b]'], ['[5-1]'], ['[1-2,]'], ['[1--2]'], ['[1-2 3-4]'], ['[-1-5]'], ['[99999999999999999999-1]']])(
    'rejects %j',
    (text) => {
      expect(() => parseRangesString(text)).toThrow(InvalidRangesError);
      try {
        parseRangesString(text);
      } catch (error) {
        expect((error as InvalidRangesError).exitCode).toBe(ExitCode.FAILED);
        expect((error as InvalidRangesError).message).toContain('is not a list of ranges');
      }
    },
  );
});

describe('range arithmetic', () => {
  it('normalizeRanges sorts and joins overlapping and adjacent ranges without mutating', () => {
    const input = [r(10, 12), r(1, 2), r(3, 4), r(11, 20), r(30, 30)];
    const copy = structuredClone(input);
    expect(normalizeRanges(input)).toEqual([r(1, 4), r(10, 20), r(30, 30)]);
    expect(input).toEqual(copy);
  });

  it('normalizeRanges rejects inverted or negative ranges', () => {
    expect(() => normalizeRanges([r(5, 1)])).toThrow(InvalidRangesError);
    expect(() => normalizeRanges([r(-1, 1)])).toThrow(InvalidRangesError);
    expect(() => normalizeRanges([r(1.5, 2)])).toThrow(InvalidRangesError);
  });

  it('mergeRanges unions any number of lists', () => {
    expect(mergeRanges([r(31000, 32000)], [r(19998, 19999)], [r(29998, 30000), r(19999, 20000)])).toEqual([
      r(19998, 20000),
      r(29998, 30000),
      r(31000, 32000),
    ]);
    expect(mergeRanges()).toEqual([]);
  });

  it.each([
    [[r(1, 10)], [r(3, 4)], [r(1, 2), r(5, 10)]],
    [[r(1, 10)], [r(1, 10)], []],
    [[r(1, 10)], [r(0, 1), r(10, 12)], [r(2, 9)]],
    [[r(1, 5), r(8, 12)], [r(4, 9)], [r(1, 3), r(10, 12)]],
    [[r(1, 5)], [], [r(1, 5)]],
    [[], [r(1, 5)], []],
    [[r(19998, 19999), r(29998, 30000)], [r(30000, 30000)], [r(19998, 19999), r(29998, 29999)]],
  ])('subtractRanges(%j, %j) = %j', (from, remove, expected) => {
    expect(subtractRanges(from, remove)).toEqual(expected);
  });

  it('intersectRanges', () => {
    expect(intersectRanges([r(1, 10), r(20, 30)], [r(5, 25)])).toEqual([r(5, 10), r(20, 25)]);
    expect(intersectRanges([r(1, 2)], [r(3, 4)])).toEqual([]);
  });

  it('rangesContain a value or a whole range', () => {
    const ranges = parseRangesString('[19998-19999, 29998-30000]');
    expect(rangesContain(ranges, 19998)).toBe(true);
    expect(rangesContain(ranges, 29999)).toBe(true);
    expect(rangesContain(ranges, 20000)).toBe(false);
    expect(rangesContain(ranges, r(29998, 30000))).toBe(true);
    expect(rangesContain(ranges, r(19999, 29998))).toBe(false);
    expect(rangesContain([], 1)).toBe(false);
    expect(rangesContain([r(1, 2), r(3, 4)], r(1, 4))).toBe(true);
  });

  it('formatRanges prints the agent flag syntax', () => {
    expect(formatRanges([r(29998, 30000), r(19998, 19999)])).toBe('[19998-19999,29998-30000]');
    expect(formatRanges([r(5, 5)])).toBe('[5-5]');
    expect(formatRanges([])).toBe('[]');
    expect(parseRangesString(formatRanges([r(1, 3), r(7, 7)]))).toEqual([r(1, 3), r(7, 7)]);
  });

  it('rangesSize and rangesFromValues', () => {
    expect(rangesSize([r(19998, 19999), r(29998, 30000)])).toBe(5);
    expect(rangesFromValues([30000, 19998, 19999, 29998, 29999])).toEqual([r(19998, 19999), r(29998, 30000)]);
  });
});

describe('resources', () => {
  const ports = (range: string, extra: Partial<Resource> = {}): Resource => ({
    name: 'ports',
    type: 'RANGES',
    ranges: { range: parseRangesString(range) },
    ...extra,
  });

  it('resourceRole understands both reservation formats', () => {
    expect(resourceRole(ports('[1-2]'))).toBe('*');
    expect(resourceRole(ports('[1-2]', { role: 'alluxio' }))).toBe('alluxio');
    expect(
      resourceRole(
        ports('[1-2]', {
          reservations: [
            { type: 'STATIC', role: 'eng' },
            { type: 'DYNAMIC', role: 'eng/alluxio' },
          ],
        }),
      ),
    ).toBe('eng/alluxio');
    expect(resourceRole(ports('[1-2]', { reservations: [] }))).toBe('*');
  });

  it('rangesOf unions every ports resource, not only the first', () => {
    const resources = [
      ports('[31000-32000]'),
      { name: 'cpus', type: 'SCALAR', scalar: { value: 2 } } as Resource,
      ports('[19998-19999]', { role: 'alluxio' }),
    ];
    expect(rangesOf(resources)).toEqual([r(19998, 19999), r(31000, 32000)]);
    expect(rangesOf(resources, 'ports', (x) => resourceRole(x) === '*')).toEqual([r(31000, 32000)]);
    expect(rangesOf([])).toEqual([]);
  });

  it('scalarOf sums and rounds to Mesos precision', () => {
    const cpus = (value: number): Resource => ({ name: 'cpus', type: 'SCALAR', scalar: { value } });
    expect(scalarOf([cpus(0.1), cpus(0.2)], 'cpus')).toBe(0.3);
    expect(scalarOf([cpus(1)], 'mem')).toBe(0);
  });

  it('resourcesByRole groups', () => {
    const grouped = resourcesByRole([ports('[1-2]'), ports('[3-4]', { role: 'a' }), ports('[5-6]', { role: 'a' })]);
    expect([...grouped.keys()]).toEqual(['*', 'a']);
    expect(grouped.get('a')).toHaveLength(2);
  });
});

describe('resourcesFromFlattened', () => {
  it('converts the state-JSON map to v1 resources with the role given', () => {
    const resources = resourcesFromFlattened(
      { disk: 4096.0, mem: 2048.0, gpus: 0.0, cpus: 2.0, ports: '[19998-19999, 29998-30000]', zones: '{a, b}' },
      'alluxio',
      'test',
    );
    expect(resources).toEqual([
      { name: 'disk', type: 'SCALAR', scalar: { value: 4096 }, role: 'alluxio' },
      { name: 'mem', type: 'SCALAR', scalar: { value: 2048 }, role: 'alluxio' },
      { name: 'cpus', type: 'SCALAR', scalar: { value: 2 }, role: 'alluxio' },
      { name: 'ports', type: 'RANGES', ranges: { range: [r(19998, 19999), r(29998, 30000)] }, role: 'alluxio' },
      { name: 'zones', type: 'SET', set: { item: ['a', 'b'] }, role: 'alluxio' },
    ]);
  });

  it('an agent with no ports at all has no ports resource', () => {
    const resources = resourcesFromFlattened({ cpus: 4, mem: 1024 }, '*', 'test');
    expect(resources.map((x) => x.name)).toEqual(['cpus', 'mem']);
    expect(rangesOf(resources)).toEqual([]);
  });

  it('leaves the role out when the map does not say', () => {
    expect(resourcesFromFlattened({ ports: '[1-2]' }, undefined, 'test')[0]).not.toHaveProperty('role');
    expect(resourcesFromFlattened(undefined, '*', 'test')).toEqual([]);
  });

  it.each([
    [{ ports: '[garbage]' }, /resource "ports" is "\[garbage\]"/],
    [{ cpus: 'lots' }, /resource "cpus" is "lots"/],
    [{ cpus: null }, /resource "cpus" is null/],
    [[1, 2], /expected a resource map, got an array/],
    ['cpus:2', /expected a resource map, got a string/],
  ])('garbage %j is an OperationError naming where', (map, message) => {
    expect(() => resourcesFromFlattened(map, '*', 'slaves[0].resources')).toThrow(OperationError);
    expect(() => resourcesFromFlattened(map, '*', 'slaves[0].resources')).toThrow(message);
    expect(() => resourcesFromFlattened(map, '*', 'slaves[0].resources')).toThrow(/slaves\[0\]\.resources/);
  });
});

describe('stringifyRanges', () => {
  it("prints Mesos' Value::Ranges text: the given order, comma and space", () => {
    expect(stringifyRanges([r(29998, 30000), r(19998, 19999)])).toBe('[29998-30000, 19998-19999]');
    expect(stringifyRanges([])).toBe('[]');
  });
});
