import { describe, expect, it } from 'vitest';
import { describeMasterAddress, parseMasterAddress, redactCredentials } from '../../../../src/mesos/client/address.js';
import { ExitCode, UsageError } from '../../../../src/shared/errors.js';

describe('parseMasterAddress: accepted forms', () => {
  it.each([
    ['mesos-master:5050', { kind: 'http', scheme: 'http', host: 'mesos-master', port: 5050, prefix: '', url: 'http://mesos-master:5050' }],
    ['mesos-master', { kind: 'http', host: 'mesos-master', port: 5050, url: 'http://mesos-master:5050' }],
    ['10.0.0.5:5051', { kind: 'http', host: '10.0.0.5', port: 5051, url: 'http://10.0.0.5:5051' }],
    ['  master.example.com:5050 ', { kind: 'http', host: 'master.example.com', url: 'http://master.example.com:5050' }],
    ['[::1]:5050', { kind: 'http', host: '::1', port: 5050, url: 'http://[::1]:5050' }],
    ['[fe80::1]', { kind: 'http', host: 'fe80::1', port: 5050, url: 'http://[fe80::1]:5050' }],
    ['http://m1:5050', { kind: 'http', scheme: 'http', port: 5050, prefix: '', url: 'http://m1:5050' }],
    ['http://m1:5050/', { kind: 'http', prefix: '', url: 'http://m1:5050' }],
    [
      'https://proxy.example.com/mesos',
      {
        kind: 'http',
        scheme: 'https',
        port: 443,
        prefix: '/mesos',
        origin: 'https://proxy.example.com',
        url: 'https://proxy.example.com/mesos',
      },
    ],
    ['HTTPS://proxy:8443/a/mesos/', { kind: 'http', scheme: 'https', port: 8443, prefix: '/a/mesos', url: 'https://proxy:8443/a/mesos' }],
    ['http://[::1]:5050/mesos', { kind: 'http', host: '::1', url: 'http://[::1]:5050/mesos' }],
    ['local', { kind: 'local' }],
    ['LOCAL', { kind: 'local' }],
  ])('%s', (input, expected) => {
    expect(parseMasterAddress(input)).toMatchObject(expected);
  });

  it('parses zk:// with several servers, default ports and a path', () => {
    expect(parseMasterAddress('zk://zk1:2181,zk2,10.0.0.3:2182/mesos')).toEqual({
      kind: 'zk',
      servers: [
        { host: 'zk1', port: 2181 },
        { host: 'zk2', port: 2181 },
        { host: '10.0.0.3', port: 2182 },
      ],
      path: '/mesos',
    });
  });

  it('parses zk:// digest credentials, a nested path, and drops a trailing slash', () => {
    expect(parseMasterAddress('zk://alice:s3cr:et@zk1:2181/clusters/a/mesos/')).toEqual({
      kind: 'zk',
      servers: [{ host: 'zk1', port: 2181 }],
      path: '/clusters/a/mesos',
      auth: { user: 'alice', password: 's3cr:et' },
    });
  });

  it('describes a zk address without its password', () => {
    const address = parseMasterAddress('zk://alice:hunter2@zk1:2181,[::1]:2181/mesos');
    expect(describeMasterAddress(address)).toBe('zk://alice:***@zk1:2181,[::1]:2181/mesos');
    expect(describeMasterAddress(address)).not.toContain('hunter2');
  });
});

describe('parseMasterAddress: malformed input is a usage error with a fix', () => {
  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['zk://', /no ZooKeeper server/],
    ['zk://zk1:2181', /no znode path/],
    ['zk://zk1:2181/', /no znode path/],
    ['zk:///mesos', /no ZooKeeper server/],
    ['zk://zk1:2181//mesos', /malformed znode path/],
    ['zk://zk1:2181/mesos/../x', /malformed znode path/],
    ['zk://zk1:2181,,zk2/mesos', /empty entry/],
    ['zk://alice@zk1/mesos', /malformed credentials/],
    ['zk:/zk1:2181/mesos', /must be followed by "\/\/"/],
    ['zk:zk1', /must be followed by "\/\/"/],
    ['host:0', /port 0 is out of range/],
    ['host:70000', /port 70000 is out of range/],
    ['host:', /missing port/],
    ['host:50x0', /not a number/],
    ['host:-1', /not a number/],
    [':5050', /missing host/],
    ['5050', /looks like a port/],
    ['http:/x', /must be followed by "\/\/"/],
    ['http:x', /must be followed by "\/\/"/],
    ['http://', /no host/],
    ['http:///mesos', /no host/],
    ['http://m1:0', /out of range/],
    ['https://m1:65536/mesos', /out of range/],
    ['http://m1:5050/mesos?x=1', /query or fragment/],
    ['http://m1:5050/#frag', /query or fragment/],
    ['http://user:pw@m1:5050', /credentials in the URL/],
    ['ftp://m1:21', /not a supported scheme/],
    ['file:///etc/mesos', /not a supported scheme/],
    ['m1:5050/mesos', /path but no scheme/],
    ['::1', /IPv6 address without brackets/],
    ['fe80::1:5050', /IPv6 address without brackets/],
    ['[::1', /unclosed "\["/],
    ['[::1]x', /unexpected "x"/],
    ['[not-v6]:5050', /not an IPv6 address/],
    ['master one:5050', /not a valid host name/],
    ['-master:5050', /not a valid host name/],
    ['user:pw@m1', /contains credentials/],
    ['999.999.999.999:5050', /not a valid IPv4 address/],
    ['1.2.3:5050', /not a valid IPv4 address/],
    ['0x7f.1', /not a valid IPv4 address/],
    ['host.123', /not a valid IPv4 address or host name/],
    ['http://1.2.3.4.5:5050', /not a valid IPv4 address/],
    ['zk://10.0.0.300:2181/mesos', /not a valid IPv4 address/],
    ['a..b:5050', /not a valid host name/],
    ['127.0.0.1:5050:5050', /gives more than one port/],
    ['master:5050:5051', /gives more than one port/],
    ['javascript:/x', /"javascript:" is not a supported scheme/],
    ['javascript://x', /"javascript:" is not a supported scheme/],
    ['javascript:alert(1)', /not a number/],
    ['m1:5050\nfoo', /contains a control character/],
    ['m1\u001b[2J:5050', /contains a control character/],
  ])('%j', (input, message) => {
    let error: unknown;
    try {
      parseMasterAddress(input);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UsageError);
    const usage = error as UsageError;
    expect(usage.exitCode).toBe(ExitCode.USAGE);
    expect(usage.message).toMatch(message);
    expect(usage.hint ?? '').not.toBe('');
  });

  it('names an unknown scheme as the user wrote it, never with "//" added', () => {
    expect(() => parseMasterAddress('javascript:/alert(1)')).toThrow(/^invalid --master: "javascript:" is not a supported scheme/);
    expect(() => parseMasterAddress('javascript:/alert(1)')).not.toThrow(/javascript:\/\//);
  });

  it('keeps an error about a control character on one line, the character escaped', () => {
    const error = catchError(() => parseMasterAddress('m1:5050\nfoo\u0007'));
    expect(error.message).toBe('invalid --master: "m1:5050\\nfoo\\x07" contains a control character');
    expect(`${error.message}${error.hint ?? ''}`).not.toMatch(/[\n\u0007]/);
  });

  it('says what is wrong with a host given two ports, and how to write it', () => {
    const error = catchError(() => parseMasterAddress('127.0.0.1:5050:5050'));
    expect(error.message).not.toMatch(/IPv6/);
    expect(error.hint).toBe('give one, e.g. 127.0.0.1:5050');
  });

  it('never echoes a password in an error', () => {
    for (const input of ['zk://alice:hunter2@zk1:2181', 'zk:/alice:hunter2@zk1/mesos', 'http://bob:hunter2@m1:5050', 'bob:hunter2@m1']) {
      let message = '';
      try {
        parseMasterAddress(input);
      } catch (error) {
        message = `${(error as UsageError).message} ${(error as UsageError).hint ?? ''}`;
      }
      expect(message).not.toBe('');
      expect(message).not.toContain('hunter2');
    }
  });

  it('redactCredentials masks only the password', () => {
    expect(redactCredentials('zk://u:p@h:2181/m')).toBe('zk://u:***@h:2181/m');
    expect(redactCredentials('zk://h:2181/m')).toBe('zk://h:2181/m');
  });
});

describe('parseMasterAddress never fails with anything but a UsageError', () => {
  it('on 5000 random strings built from address characters', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pieces = [
      'zk://',
      'http://',
      'https://',
      'http:/',
      ':',
      '::',
      '[',
      ']',
      '/',
      '//',
      '@',
      ',',
      '.',
      '-',
      '_',
      '5050',
      '0',
      '70000',
      'a',
      'host',
      '10.0.0.1',
      '0x7f',
      '?',
      '#',
      '%',
      ' ',
      'local',
      'mesos',
    ];
    for (let i = 0; i < 5_000; i++) {
      const input = Array.from({ length: 1 + Math.floor(random() * 8) }, () => pieces[Math.floor(random() * pieces.length)]).join('');
      try {
        const address = parseMasterAddress(input);
        // Whatever parses must also be describable and, for http, a valid URL.
        expect(describeMasterAddress(address)).not.toBe('');
        if (address.kind === 'http') expect(new URL(address.url).origin).toBe(address.origin);
      } catch (error) {
        if (!(error instanceof UsageError)) throw new Error(`${JSON.stringify(input)} threw ${String(error)}`);
      }
    }
  });
});

function catchError(run: () => unknown): UsageError {
  try {
    run();
  } catch (error) {
    return error as UsageError;
  }
  throw new Error('expected an error');
}
