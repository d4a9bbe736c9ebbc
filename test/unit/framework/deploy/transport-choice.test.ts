import { describe, expect, it } from 'vitest';

import { chooseSchedulerTransport } from '../../../../src/framework/deploy/preflight.js';
import { parseMesosVersion } from '../../../../src/mesos/client/version.js';

function master(version: string | undefined) {
  return {
    baseUrl: 'http://m:5050',
    getVersion: async () => {
      if (version === undefined) throw new Error('no answer');
      return {
        version: parseMesosVersion(version),
        source: '/version' as const,
        url: 'http://m:5050/version',
        gitSha: undefined,
        buildDate: undefined,
      };
    },
  };
}

describe('chooseSchedulerTransport', () => {
  it.each([
    ['0.23.0', 'legacy'],
    ['0.27.2', 'legacy'],
    ['0.28.0', 'v1'],
    ['1.12.0', 'v1'],
    [undefined, 'v1'],
  ] as const)('auto on %s: %s', async (version, transport) => {
    expect((await chooseSchedulerTransport(master(version), 'auto', undefined)).transport).toBe(transport);
  });

  it('legacy when asked, on any supported version; v1 when asked from 0.28', async () => {
    expect((await chooseSchedulerTransport(master('1.12.0'), 'legacy', undefined)).transport).toBe('legacy');
    expect((await chooseSchedulerTransport(master('0.28.2'), 'v1', undefined)).transport).toBe('v1');
  });

  it('v1 on a master before 0.28: the verdict names the legacy transport', async () => {
    await expect(chooseSchedulerTransport(master('0.25.0'), 'v1', undefined)).rejects.toMatchObject({
      message: 'the Mesos master at http://m:5050 runs Mesos 0.25.0; the v1 HTTP scheduler API needs Mesos 0.28.0 or later',
      hint: expect.stringContaining('--transport legacy'),
    });
  });

  it('refuses a master before 0.23 whatever the transport', async () => {
    for (const requested of ['auto', 'v1', 'legacy'] as const) {
      await expect(chooseSchedulerTransport(master('0.22.1'), requested, undefined)).rejects.toMatchObject({
        message: 'the Mesos master at http://m:5050 runs Mesos 0.22.1; deploy needs Mesos 0.23.0 or later',
      });
    }
  });
});
