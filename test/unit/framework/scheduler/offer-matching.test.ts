import { describe, expect, it } from 'vitest';
import { matchOffer } from '../../../../src/framework/scheduler/offer-matching.js';
import type { Resource } from '../../../../src/mesos/protocol/types.js';
import { offer } from './fixtures.js';

const MASTER = { cpus: 1, memMb: 1024, ports: [19998, 19999] };

function scalar(name: string, value: number, role = '*', allocation = 'alluxio'): Resource {
  return { name, type: 'SCALAR', scalar: { value }, role, allocation_info: { role: allocation } };
}
function ports(ranges: Array<[number, number]>, role = '*', allocation = 'alluxio'): Resource {
  return {
    name: 'ports',
    type: 'RANGES',
    ranges: { range: ranges.map(([begin, end]) => ({ begin, end })) },
    role,
    allocation_info: { role: allocation },
  };
}

describe('matchOffer', () => {
  it('takes exact single-port ranges and the task size, keeping role and allocation_info', () => {
    const result = matchOffer(
      offer('a1', { resources: [scalar('cpus', 2), scalar('mem', 4096), ports([[19990, 20010]])] }),
      'alluxio',
      MASTER,
      'master',
    );
    expect(result).toEqual({
      fit: true,
      resources: [
        scalar('cpus', 1),
        scalar('mem', 1024),
        {
          name: 'ports',
          type: 'RANGES',
          ranges: {
            range: [
              { begin: 19998, end: 19998 },
              { begin: 19999, end: 19999 },
            ],
          },
          role: '*',
          allocation_info: { role: 'alluxio' },
        },
      ],
    });
  });

  it('finds ports in every ports resource usable by the role (reserved and unreserved)', () => {
    const result = matchOffer(
      offer('a1', { resources: [scalar('cpus', 2), scalar('mem', 4096), ports([[19998, 19998]], 'alluxio'), ports([[19999, 19999]])] }),
      'alluxio',
      MASTER,
      'master',
    );
    if (!result.fit) throw new Error(result.reason.text);
    const portPieces = result.resources.filter((r) => r.name === 'ports');
    expect(portPieces.map((r) => [r.role, r.ranges?.range])).toEqual([
      ['alluxio', [{ begin: 19998, end: 19998 }]],
      ['*', [{ begin: 19999, end: 19999 }]],
    ]);
  });

  it('says a port is reserved for another role', () => {
    const result = matchOffer(
      offer('a1', { resources: [scalar('cpus', 2), scalar('mem', 4096), ports([[19998, 19999]], 'spark')] }),
      'alluxio',
      MASTER,
      'master',
    );
    expect(result).toMatchObject({ fit: false, reason: { code: 'port-reserved-other-role' } });
    if (!result.fit) expect(result.reason.text).toContain('spark');
  });

  it('says a port is missing', () => {
    const result = matchOffer(offer('a1', { ports: [[19998, 19998]] }), 'alluxio', MASTER, 'master');
    expect(result).toMatchObject({ fit: false, reason: { code: 'missing-port' } });
    if (!result.fit) expect(result.reason.text).toContain('19999');
  });

  it('counts the command executor overhead', () => {
    expect(matchOffer(offer('a1', { cpus: 1 }), 'alluxio', MASTER, 'master')).toMatchObject({
      fit: false,
      reason: { code: 'insufficient-cpus' },
    });
    expect(matchOffer(offer('a1', { cpus: 1.1 }), 'alluxio', MASTER, 'master').fit).toBe(true);
    expect(matchOffer(offer('a1', { mem: 1055 }), 'alluxio', MASTER, 'master')).toMatchObject({
      fit: false,
      reason: { code: 'insufficient-mem' },
    });
    expect(matchOffer(offer('a1', { mem: 1056 }), 'alluxio', MASTER, 'master').fit).toBe(true);
  });

  it('splits a scalar over reserved and unreserved pieces, reserved first', () => {
    const result = matchOffer(
      offer('a1', { resources: [scalar('cpus', 2), scalar('cpus', 0.6, 'alluxio'), scalar('mem', 4096), ports([[19998, 19999]])] }),
      'alluxio',
      MASTER,
      'master',
    );
    if (!result.fit) throw new Error(result.reason.text);
    expect(result.resources.filter((r) => r.name === 'cpus').map((r) => [r.role, r.scalar?.value])).toEqual([
      ['alluxio', 0.6],
      ['*', 0.4],
    ]);
  });

  it('ignores resources reserved for, or allocated to, another role', () => {
    const otherRole = offer('a1', {
      resources: [scalar('cpus', 8, 'spark'), scalar('cpus', 0.5), scalar('mem', 4096), ports([[19998, 19999]])],
    });
    expect(matchOffer(otherRole, 'alluxio', MASTER, 'master')).toMatchObject({ fit: false, reason: { code: 'insufficient-cpus' } });
    const otherAllocation = offer('a1', { resources: [scalar('cpus', 8, '*', 'other'), scalar('mem', 4096), ports([[19998, 19999]])] });
    expect(matchOffer(otherAllocation, 'alluxio', MASTER, 'master')).toMatchObject({ fit: false, reason: { code: 'insufficient-cpus' } });
  });

  it('understands the refinement format of reservations', () => {
    const reserved: Resource = { name: 'cpus', type: 'SCALAR', scalar: { value: 4 }, reservations: [{ type: 'DYNAMIC', role: 'alluxio' }] };
    const result = matchOffer(
      offer('a1', { resources: [reserved, scalar('mem', 4096), ports([[19998, 19999]])] }),
      'alluxio',
      MASTER,
      'master',
    );
    if (!result.fit) throw new Error(result.reason.text);
    expect(result.resources[0]).toEqual({
      name: 'cpus',
      type: 'SCALAR',
      scalar: { value: 1 },
      reservations: [{ type: 'DYNAMIC', role: 'alluxio' }],
    });
  });
});
