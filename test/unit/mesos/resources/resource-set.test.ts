import { describe, expect, it } from 'vitest';
import { describeResource, Resources } from '../../../../src/mesos/resources/resource-set.js';
import { InvalidRangesError, normalizeRanges } from '../../../../src/mesos/resources/ranges.js';
import type { Resource } from '../../../../src/mesos/protocol/types.js';

const scalar = (name: string, value: number, role?: string): Resource => ({
  name,
  type: 'SCALAR',
  scalar: { value },
  ...(role === undefined ? {} : { role }),
});
const ports = (...ranges: Array<[number, number]>): Resource => ({
  name: 'ports',
  type: 'RANGES',
  ranges: { range: ranges.map(([begin, end]) => ({ begin, end })) },
});

const agentTotal = Resources.fromProto([
  ports([19998, 19999], [29998, 30000]),
  scalar('cpus', 2),
  scalar('mem', 2048),
  scalar('disk', 4096),
]);

describe('Resources', () => {
  it('subtracts in fixed point, as the offer after a launch shows (2.0 - 0.1 = 1.9)', () => {
    const task = Resources.fromProto([ports([19998, 19998]), scalar('cpus', 0.1), scalar('mem', 32)]);
    const left = agentTotal.minus(task);
    expect(left.toProto()).toEqual([
      {
        name: 'ports',
        type: 'RANGES',
        ranges: {
          range: [
            { begin: 19999, end: 19999 },
            { begin: 29998, end: 30000 },
          ],
        },
        role: '*',
      },
      { name: 'cpus', type: 'SCALAR', scalar: { value: 1.9 }, role: '*' },
      { name: 'mem', type: 'SCALAR', scalar: { value: 2016 }, role: '*' },
      { name: 'disk', type: 'SCALAR', scalar: { value: 4096 }, role: '*' },
    ]);
    // Adding back what was taken restores the total exactly, ranges coalesced.
    expect(left.plus(task).contains(agentTotal)).toBe(true);
    expect(agentTotal.contains(left.plus(task))).toBe(true);
  });

  it('drops entries that reach zero and keeps ones that were never there out', () => {
    const r = Resources.fromProto([scalar('cpus', 0.1), scalar('mem', 32)]).minus(Resources.fromProto([scalar('cpus', 0.1)]));
    expect(r.toProto().map((x) => x.name)).toEqual(['mem']);
  });

  it('checks containment per name, role and range', () => {
    expect(agentTotal.contains(Resources.fromProto([ports([29999, 30000])]))).toBe(true);
    expect(agentTotal.contains(Resources.fromProto([ports([19999, 20000])]))).toBe(false);
    expect(agentTotal.contains(Resources.fromProto([scalar('cpus', 2.01)]))).toBe(false);
    // A reservation is a different resource than the unreserved one of the same name.
    expect(agentTotal.contains(Resources.fromProto([scalar('cpus', 1, 'alluxio')]))).toBe(false);
  });

  it('coalesces adjacent and overlapping ranges like Mesos', () => {
    expect(
      normalizeRanges([
        { begin: 3, end: 4 },
        { begin: 1, end: 2 },
        { begin: 10, end: 12 },
        { begin: 11, end: 15 },
      ]),
    ).toEqual([
      { begin: 1, end: 4 },
      { begin: 10, end: 15 },
    ]);
  });

  it('separates reserved resources by role and offers them only to that role', () => {
    const withReservation = agentTotal.plus(Resources.fromProto([scalar('cpus', 2, 'alluxio')]));
    expect(withReservation.allocatableTo('*').scalar('cpus')).toBe(2);
    expect(withReservation.allocatableTo('alluxio').scalar('cpus')).toBe(4);
    expect([...withReservation.reservations().keys()]).toEqual(['alluxio']);
    expect(withReservation.unreserved().scalar('cpus')).toBe(2);
  });

  it('reads the post-refinement reservation format too', () => {
    const r = Resources.fromProto([{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 }, reservations: [{ type: 'STATIC', role: 'a' }] }]);
    expect(r.toProto()[0]?.role).toBe('a');
  });

  it('adds allocation_info only when asked (MULTI_ROLE frameworks)', () => {
    expect(agentTotal.toProto('*')[0]?.allocation_info).toEqual({ role: '*' });
    expect(agentTotal.toProto()[0]).not.toHaveProperty('allocation_info');
  });

  it('describes resources the way Mesos validation messages print them', () => {
    const r = Resources.fromProto([scalar('cpus', 0.1), scalar('mem', 32), ports([19998, 19998])]);
    expect(r.describe('*')).toBe('cpus(allocated: *):0.1; mem(allocated: *):32; ports(allocated: *):[19998-19998]');
    expect(Resources.EMPTY.describe()).toBe('{}');
  });

  it('drops a ranges resource that subtraction empties, and ignores empty ones when adding (Mesos Resources -= and +=)', () => {
    const some = Resources.fromProto([ports([19998, 19999]), scalar('cpus', 1)]);
    expect(
      some
        .minus(Resources.fromProto([ports([19990, 20000])]))
        .toProto()
        .map((x) => x.name),
    ).toEqual(['cpus']);
    expect(
      some
        .plus(Resources.fromProto([ports(), scalar('mem', 0)]))
        .toProto()
        .map((x) => x.name),
    ).toEqual(['ports', 'cpus']);
    // What is not there is ignored; the ranges left are coalesced.
    const left = Resources.fromProto([ports([1, 10])]).minus(Resources.fromProto([ports([3, 4], [20, 30]), scalar('mem', 5)]));
    expect(left.toProto()[0]?.ranges?.range).toEqual([
      { begin: 1, end: 2 },
      { begin: 5, end: 10 },
    ]);
    expect(
      Resources.fromProto([ports([1, 2])])
        .plus(Resources.fromProto([ports([3, 4])]))
        .toProto()[0]?.ranges?.range,
    ).toEqual([{ begin: 1, end: 4 }]);
  });

  it('refuses an inverted range instead of dropping it (Mesos rejects it in Resources::validate)', () => {
    expect(() => Resources.fromProto([ports([5, 1])])).toThrow(InvalidRangesError);
    expect(() => Resources.fromProto([ports([5, 1], [10, 12])])).toThrow(/not a list of ranges/);
  });

  it('describes one resource like operator<<(Resource)', () => {
    expect(describeResource('ports', '*', '[5-1]', '*')).toBe('ports(allocated: *):[5-1]');
    expect(describeResource('cpus', 'alluxio', '2')).toBe('cpus(reservations: [(STATIC,alluxio)]):2');
  });
});
