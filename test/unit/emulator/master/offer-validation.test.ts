import { describe, expect, it } from 'vitest';
import { validateTask } from '../../../../src/emulator/master/offer-validation.js';
import type { FrameworkRecord } from '../../../../src/emulator/master/model.js';
import type { Resource, TaskInfo } from '../../../../src/mesos/protocol/types.js';
import { Resources } from '../../../../src/mesos/resources/resource-set.js';

const framework = { tasks: new Map(), unreachableTasks: new Map() } as unknown as FrameworkRecord;
const available = Resources.fromProto([
  { name: 'cpus', type: 'SCALAR', scalar: { value: 2 } },
  { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 1, end: 10 }] } },
]);
const task = (resources: Resource[]): TaskInfo =>
  ({ name: 't', task_id: { value: 't1' }, agent_id: { value: 'S0' }, resources, command: { value: 'true' } }) as TaskInfo;
const ports = (begin: number, end: number, role?: string): Resource => ({
  name: 'ports',
  type: 'RANGES',
  ranges: { range: [{ begin, end }] },
  ...(role === undefined ? {} : { role }),
});

describe('validateTask on the resources', () => {
  it('refuses an inverted range with the text of Mesos 1.12, before any arithmetic', () => {
    expect(validateTask(task([ports(5, 1)]), framework, 'S0', available, '*')).toBe(
      "Task uses invalid resources: Invalid resources: Resource 'ports(allocated: *):[5-1]' is invalid: Invalid ranges resource: begin > end",
    );
    expect(validateTask(task([ports(5, 1, 'r')]), framework, 'S0', available, 'r')).toBe(
      "Task uses invalid resources: Invalid resources: Resource 'ports(allocated: r)(reservations: [(STATIC,r)]):[5-1]' is invalid: " +
        'Invalid ranges resource: begin > end',
    );
  });

  it('accepts what the offer holds and refuses more', () => {
    expect(validateTask(task([ports(2, 3)]), framework, 'S0', available, '*')).toBeUndefined();
    expect(validateTask(task([ports(9, 11)]), framework, 'S0', available, '*')).toMatch(
      /^Total resources ports\(allocated: \*\):\[9-11\] required/,
    );
    expect(validateTask(task([]), framework, 'S0', available, '*')).toBe('Task uses no resources');
  });
});
