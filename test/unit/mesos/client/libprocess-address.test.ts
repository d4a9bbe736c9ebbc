import { describe, expect, it } from 'vitest';

import { libprocessAddresses } from '../../../../src/mesos/client/libprocess-address.js';
import { UsageError } from '../../../../src/shared/errors.js';

describe('libprocessAddresses', () => {
  it('defaults: listen on every interface, any port; advertise found toward the master', () => {
    expect(libprocessAddresses(undefined, undefined, {})).toEqual({
      listen: { host: '0.0.0.0', port: 0 },
      advertise: { host: undefined, port: undefined },
    });
  });

  it("takes libmesos' environment variables; a bound address is the advertised one", () => {
    expect(libprocessAddresses(undefined, undefined, { LIBPROCESS_IP: '10.0.0.5', LIBPROCESS_PORT: '9090' })).toEqual({
      listen: { host: '10.0.0.5', port: 9090 },
      advertise: { host: '10.0.0.5', port: undefined },
    });
    expect(
      libprocessAddresses(undefined, undefined, { LIBPROCESS_ADVERTISE_IP: '203.0.113.7', LIBPROCESS_ADVERTISE_PORT: '31000' }).advertise,
    ).toEqual({ host: '203.0.113.7', port: 31000 });
  });

  it('flags win over the environment', () => {
    const env = { LIBPROCESS_IP: '10.0.0.5', LIBPROCESS_PORT: '9090', LIBPROCESS_ADVERTISE_IP: '10.0.0.6' };
    expect(libprocessAddresses('127.0.0.1:7000', '192.0.2.1:7001', env)).toEqual({
      listen: { host: '127.0.0.1', port: 7000 },
      advertise: { host: '192.0.2.1', port: 7001 },
    });
    expect(libprocessAddresses('127.0.0.1', undefined, env).listen).toEqual({ host: '127.0.0.1', port: 9090 });
  });

  it.each([
    ['--listen', 'localhost', undefined, {}],
    ['--listen', '10.0.0.1:99999', undefined, {}],
    ['--advertise', undefined, '10.0.0.1:0', {}],
    ['--advertise', undefined, '::1', {}],
    ['LIBPROCESS_IP', undefined, undefined, { LIBPROCESS_IP: '10.0.0' }],
    ['LIBPROCESS_PORT', undefined, undefined, { LIBPROCESS_PORT: 'http' }],
    ['LIBPROCESS_ADVERTISE_PORT', undefined, undefined, { LIBPROCESS_ADVERTISE_PORT: '0' }],
  ])('%s: a usage error naming it', (source, listen, advertise, env) => {
    let caught: unknown;
    try {
      libprocessAddresses(listen, advertise, env);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as UsageError).message.startsWith(`${source} "`)).toBe(true);
    expect((caught as UsageError).hint).toBeDefined();
  });
});
