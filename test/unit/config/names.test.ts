import { describe, expect, it } from 'vitest';
import { checkedName, nameProblem } from '../../../src/config/names.js';
import { UsageError } from '../../../src/shared/errors.js';

describe('names given to Mesos', () => {
  it.each(['alluxio', 'Alluxio on Mesos', 'alluxio-prod.2', '東京-alluxio', 'x'.repeat(256)])('accepts %j', (name) => {
    expect(nameProblem(name)).toBeUndefined();
    expect(checkedName('--name', name)).toBe(name);
  });

  it.each([
    ['', 'the name is empty'],
    ['   ', 'the name is empty'],
    ['alluxio\u001b[2J', 'the name contains control characters'],
    ['a\nb', 'the name contains control characters'],
    ['a\u009bb', 'the name contains control characters'],
    ['x'.repeat(257), 'the name is 257 characters long'],
    ['x'.repeat(100_000), 'the name is 100000 characters long'],
  ])('refuses %j: %s', (name, problem) => {
    expect(nameProblem(name)?.problem).toBe(problem);
  });

  it('checkedName: a one-line usage error naming the flag, the name escaped and cut short, and the fix', () => {
    let error: unknown;
    try {
      checkedName('--name', `evil\u001b]0;TITLE\u0007${'x'.repeat(1000)}`);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UsageError);
    const usage = error as UsageError;
    expect(usage.exitCode).toBe(2);
    expect(usage.message).toBe(`--name "evil\\x1b]0;TITLE\\x07${'x'.repeat(66)}...": the name contains control characters`);
    expect(usage.hint).toBe('use a short name of printable characters, e.g. alluxio (at most 256)');
  });
});
