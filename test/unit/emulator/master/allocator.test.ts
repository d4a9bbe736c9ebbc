import { describe, expect, it } from 'vitest';
import { Allocator, meetsMinimumAllocatable } from '../../../../src/emulator/master/allocator.js';
import { Resources } from '../../../../src/mesos/resources/resource-set.js';
import type { Resource } from '../../../../src/mesos/protocol/types.js';

const scalar = (name: string, value: number, role?: string): Resource => ({
  name,
  type: 'SCALAR',
  scalar: { value },
  ...(role === undefined ? {} : { role }),
});
const total = (cpus = 2, mem = 2048): Resources =>
  Resources.fromProto([
    { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 19998, end: 19999 }] } },
    scalar('cpus', cpus),
    scalar('mem', mem),
  ]);

function setup(intervalMs = 1000): Allocator {
  const a = new Allocator({ allocationIntervalMs: intervalMs });
  a.addAgent('S0', total());
  a.addAgent('S1', total());
  return a;
}

describe('Allocator', () => {
  it('offers each agent once, and nothing more until resources come back', () => {
    const a = setup();
    a.addFramework('F0', { roles: ['*'], active: true });
    const first = a.generateAllocations(0);
    expect(first.map((x) => [x.frameworkId, x.agentId, x.role])).toEqual([
      ['F0', 'S0', '*'],
      ['F0', 'S1', '*'],
    ]);
    expect(first[0]?.resources.scalar('cpus')).toBe(2);
    expect(a.generateAllocations(10)).toEqual([]);
  });

  it('never re-offers what a task uses: only the remainder comes back', () => {
    const a = setup();
    a.addFramework('F0', { roles: ['*'], active: true });
    const [offer] = a.generateAllocations(0);
    if (offer === undefined) throw new Error('no offer');
    const used = Resources.fromProto([scalar('cpus', 0.1), scalar('mem', 32)]);
    a.recover('S0', 'F0', '*', offer.resources.minus(used));
    const next = a.generateAllocations(1);
    expect(next).toHaveLength(1);
    expect(next[0]?.resources.scalar('cpus')).toBe(1.9);
    expect(next[0]?.resources.scalar('mem')).toBe(2016);
    // When the task ends its resources are free again, and a fresh offer carries exactly them.
    a.recover('S0', 'F0', '*', used);
    const after = a.generateAllocations(2);
    expect(after[0]?.resources.scalar('cpus')).toBe(0.1);
    expect(after[0]?.resources.scalar('mem')).toBe(32);
  });

  it('honours refuse_seconds per agent, then offers again once the filter expires', () => {
    const a = setup(1000);
    a.addFramework('F0', { roles: ['*'], active: true });
    const offers = a.generateAllocations(0);
    const s0 = offers.find((o) => o.agentId === 'S0');
    if (s0 === undefined) throw new Error('no S0 offer');
    a.recover('S0', 'F0', '*', s0.resources, { refuseSeconds: 5, now: 0 });
    expect(a.generateAllocations(4_999)).toEqual([]);
    // The other agent was not declined, so it is unaffected: give it back without a filter.
    const s1 = offers.find((o) => o.agentId === 'S1');
    if (s1 === undefined) throw new Error('no S1 offer');
    a.recover('S1', 'F0', '*', s1.resources);
    expect(a.generateAllocations(4_999).map((o) => o.agentId)).toEqual(['S1']);
    expect(a.generateAllocations(5_000).map((o) => o.agentId)).toEqual(['S0']);
  });

  it('lets a filter lapse early when more resources than were refused become free', () => {
    const a = setup();
    a.addFramework('F0', { roles: ['*'], active: true });
    a.addFramework('F1', { roles: ['*'], active: true });
    // F0 (first in DRF order) gets both agents; give S0 back, declined for a long time.
    const offers = a.generateAllocations(0).filter((o) => o.agentId === 'S0');
    expect(offers[0]?.frameworkId).toBe('F0');
    a.recover('S0', 'F0', '*', Resources.fromProto([scalar('cpus', 1)]), { refuseSeconds: 3600, now: 0 });
    // F1 now has the lower share and takes the declined cpu.
    expect(a.generateAllocations(1).map((o) => [o.frameworkId, o.agentId])).toEqual([['F1', 'S0']]);
  });

  it('never expires a filter before one allocation interval (refuse_seconds 0.1 with a 1 s interval)', () => {
    const a = setup(1000);
    a.addFramework('F0', { roles: ['*'], active: true });
    const [o] = a.generateAllocations(0);
    if (o === undefined) throw new Error('no offer');
    a.recover(o.agentId, 'F0', '*', o.resources, { refuseSeconds: 0.1, now: 0 });
    expect(a.generateAllocations(500)).toEqual([]);
    expect(a.generateAllocations(1000)).toHaveLength(1);
  });

  it('treats refuse_seconds 0 as no filter, and negative as the 5 s default', () => {
    const a = setup();
    a.addFramework('F0', { roles: ['*'], active: true });
    const [o0, o1] = a.generateAllocations(0);
    if (o0 === undefined || o1 === undefined) throw new Error('no offers');
    a.recover(o0.agentId, 'F0', '*', o0.resources, { refuseSeconds: 0, now: 0 });
    a.recover(o1.agentId, 'F0', '*', o1.resources, { refuseSeconds: -1, now: 0 });
    expect(a.generateAllocations(1).map((o) => o.agentId)).toEqual([o0.agentId]);
    expect(a.generateAllocations(5_000).map((o) => o.agentId)).toEqual([o1.agentId]);
  });

  it('stops offers on SUPPRESS and resumes (clearing filters) on REVIVE', () => {
    const a = setup();
    a.addFramework('F0', { roles: ['*'], active: true });
    const offers = a.generateAllocations(0);
    for (const o of offers) a.recover(o.agentId, 'F0', '*', o.resources, { refuseSeconds: 3600, now: 0 });
    a.suppress('F0');
    expect(a.isSuppressed('F0', '*')).toBe(true);
    expect(a.generateAllocations(10_000_000)).toEqual([]);
    a.revive('F0');
    expect(a.generateAllocations(1)).toHaveLength(2);
  });

  it('offers nothing to an inactive (disconnected) framework and drops its filters', () => {
    const a = setup();
    a.addFramework('F0', { roles: ['*'], active: true });
    const offers = a.generateAllocations(0);
    for (const o of offers) a.recover(o.agentId, 'F0', '*', o.resources, { refuseSeconds: 3600, now: 0 });
    a.deactivateFramework('F0');
    expect(a.generateAllocations(1)).toEqual([]);
    a.activateFramework('F0');
    expect(a.generateAllocations(2)).toHaveLength(2);
  });

  it('offers reserved resources only to frameworks of that role', () => {
    const a = new Allocator({ allocationIntervalMs: 1000 });
    a.addAgent('S0', total().plus(Resources.fromProto([scalar('cpus', 4, 'alluxio'), scalar('mem', 1024, 'alluxio')])));
    a.addFramework('STAR', { roles: ['*'], active: true });
    a.addFramework('ALLUXIO', { roles: ['alluxio'], active: true });
    const offers = a.generateAllocations(0);
    const star = offers.find((o) => o.frameworkId === 'STAR');
    const alluxio = offers.find((o) => o.frameworkId === 'ALLUXIO');
    expect(star?.resources.reservations().size).toBe(0);
    expect(star?.resources.scalar('cpus')).toBe(2);
    // The '*' framework took the unreserved part first; the role framework gets its reservation.
    expect(alluxio?.role).toBe('alluxio');
    expect(alluxio?.resources.scalar('cpus')).toBe(4);
    expect([...(alluxio?.resources.reservations().keys() ?? [])]).toEqual(['alluxio']);
  });

  it('makes one offer per role to a multi-role framework', () => {
    const a = new Allocator({ allocationIntervalMs: 1000 });
    a.addAgent('S0', total().plus(Resources.fromProto([scalar('cpus', 1, 'web')])));
    a.addFramework('F0', { roles: ['*', 'web'], active: true });
    const offers = a.generateAllocations(0);
    expect(offers.map((o) => o.role)).toEqual(['*', 'web']);
    expect(offers[1]?.resources.scalar('cpus')).toBe(1);
  });

  it('does not offer leftovers below the minimum allocatable quantities', () => {
    const a = new Allocator({ allocationIntervalMs: 1000 });
    a.addAgent('S0', Resources.fromProto([scalar('cpus', 1), scalar('mem', 64), scalar('disk', 100)]));
    a.addFramework('F0', { roles: ['*'], active: true });
    a.track('S0', 'F0', '*', Resources.fromProto([scalar('cpus', 1), scalar('mem', 64)]));
    expect(a.available('S0').scalar('disk')).toBe(100);
    expect(a.generateAllocations(0)).toEqual([]);
  });

  it('frees everything a removed framework held', () => {
    const a = setup();
    a.addFramework('F0', { roles: ['*'], active: true });
    a.generateAllocations(0);
    expect(a.available('S0').isEmpty()).toBe(true);
    a.removeFramework('F0');
    expect(a.available('S0').scalar('cpus')).toBe(2);
  });
});

describe('meetsMinimumAllocatable', () => {
  it('applies the minimum allocatable quantities (cpus:0.01 | mem:32)', () => {
    expect(meetsMinimumAllocatable(Resources.fromProto([scalar('mem', 32)]))).toBe(true);
    expect(meetsMinimumAllocatable(Resources.fromProto([scalar('cpus', 0.01)]))).toBe(true);
    expect(
      meetsMinimumAllocatable(
        Resources.fromProto([scalar('disk', 4096), { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 1, end: 2 }] } }]),
      ),
    ).toBe(false);
  });
});
