import { describe, expect, it } from 'vitest';
import { frameworkUser } from '../../../../src/framework/scheduler/config.js';
import { buildFrameworkInfo } from '../../../../src/framework/scheduler/framework-info.js';
import { subscribe } from '../../../../src/mesos/protocol/calls.js';

describe('buildFrameworkInfo', () => {
  it('uses MULTI_ROLE roles, checkpointing and a one-week failover timeout by default', () => {
    expect(buildFrameworkInfo({ user: 'alice', role: 'alluxio' })).toEqual({
      user: 'alice',
      name: 'alluxio',
      roles: ['alluxio'],
      capabilities: [{ type: 'MULTI_ROLE' }],
      checkpoint: true,
      failover_timeout: 604800,
    });
  });

  it('carries principal, hostname, webui_url and, when resubscribing, the id in both places', () => {
    const info = buildFrameworkInfo({
      user: 'u',
      name: 'prod',
      role: '*',
      principal: 'p',
      hostname: 'h',
      webuiUrl: 'http://m:19999',
      frameworkId: 'fw-1',
    });
    expect(info).toMatchObject({ name: 'prod', principal: 'p', hostname: 'h', webui_url: 'http://m:19999', id: { value: 'fw-1' } });
    expect(JSON.stringify(info)).not.toMatch(/secret/);
    const call = subscribe(info);
    expect(call.framework_id).toEqual({ value: 'fw-1' });
    expect(call.subscribe?.framework_info.id).toEqual({ value: 'fw-1' });
  });

  it('runs tasks as the configured user, else the current one', () => {
    expect(frameworkUser({ mesos: { role: '*', principal: undefined, secret: undefined, user: 'alluxio' } }, () => 'me')).toBe('alluxio');
    expect(frameworkUser({ mesos: { role: '*', principal: undefined, secret: undefined, user: undefined } }, () => 'me')).toBe('me');
  });
});
