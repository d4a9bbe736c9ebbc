import { describe, expect, it } from 'vitest';
import { CATALOG, findSpec, isSecretKey, knownKeys, requireSpec, spellingsOf } from '../../../src/config/catalog.js';

/** Values that must pass and fail the validator of `key`. */
const TABLES: ReadonlyArray<{ key: string; good: string[]; bad: string[] }> = [
  {
    key: 'alluxio.master.web.port',
    good: ['1', '19999', '65535', '31398'],
    bad: ['0', '70000', '65536', 'abc', '', '-1', '1.5', '19 999', '0x4E1F'],
  },
  {
    key: 'alluxio.worker.memory.size',
    good: ['1GB', '1.5GB', '1024MB', '512', '10KB', '1TB', '0'],
    bad: ['1.5 GB', '12XB', 'GB', '-1GB', 'lots'],
  },
  {
    key: 'alluxio.integration.master.resource.mem',
    good: ['1024MB', '2GB', '32MB', '33554432'],
    bad: ['0', '0MB', '12XB', '1.5 GB', '1', '0.0001MB', '31MB'],
  },
  {
    key: 'alluxio.integration.worker.resource.mem',
    good: ['1024MB', '32MB'],
    bad: ['16MB', '0.0001MB'],
  },
  {
    key: 'alluxio.integration.mesos.worker.name',
    good: ['AlluxioWorker', 'alluxio worker', 'w'.repeat(256)],
    bad: ['', 'a\u001b[2Jb', 'w'.repeat(257)],
  },
  {
    key: 'alluxio.integration.mesos.user',
    good: ['', 'alluxio', 'root', '_svc', 'svc.alluxio-2', 'A'.repeat(32)],
    bad: ['root;rm -rf /', 'a b', '$(id)', '-rf', '1abc', 'alluxio\n', 'A'.repeat(33), 'ali`id`'],
  },
  {
    key: 'alluxio.integration.mesos.alluxio.jar.url',
    good: [
      'LOCAL',
      'local',
      'Local',
      'http://downloads.alluxio.org/downloads/files/1.8.1/alluxio-1.8.1-bin.tar.gz',
      'https://example.com/alluxio.tar.gz',
      'file:///opt/dist/alluxio.tar.gz',
      'hdfs://namenode:9000/dist/alluxio.tar.gz',
      'HTTP://EXAMPLE.COM/A.TGZ',
    ],
    bad: [
      'ftp://example.com/alluxio.tar.gz',
      's3://bucket/alluxio.tar.gz',
      'http://',
      'http:/example.com/a.tgz',
      'http//example.com/a.tgz',
      'example.com/alluxio.tar.gz',
      '/opt/alluxio.tar.gz',
      'http://exa mple.com/a.tgz',
      'file://',
      'LOCALLY',
      '',
    ],
  },
  {
    key: 'alluxio.integration.mesos.jdk.url',
    good: ['LOCAL', 'https://alluxio-mesos.s3.amazonaws.com/jdk-7u79-linux-x64.tar.gz'],
    bad: ['mailto:me@example.com', 'https://'],
  },
  {
    key: 'alluxio.integration.worker.resource.cpu',
    good: ['1', '0.5', '.5', '2.', '16', '0.01'],
    bad: ['0', '0.0', '-1', 'one', '', '1e2', '1,5'],
  },
  {
    key: 'alluxio.integration.mesos.master.node.count',
    good: ['1', '3'],
    bad: ['0', '-1', '1.5', 'two', ''],
  },
  {
    key: 'alluxio.integration.mesos.role',
    good: ['*', 'alluxio', 'analytics/alluxio', 'a.b', 'team-a', 'a/b/c', 'x*y', '...'],
    bad: ['', '.', '..', '-alluxio', '/alluxio', 'alluxio/', 'a//b', 'a b', 'a\tb', 'a\u0001b', 'a/./b', 'a/../b', 'a/*', '*/a', 'a/-b'],
  },
  {
    key: 'alluxio.master.hostname',
    good: ['localhost', 'mesos-agent-1.example.com', '10.0.0.1', 'host_1', 'example.com.', '::1', 'fe80::1'],
    bad: ['', 'bad host', '-leading.example.com', 'a..b', '10.0.0.999', 'http://host', 'ab:cd:zz::1::'],
  },
  {
    key: 'alluxio.home',
    good: ['/opt/alluxio', '/home/me/alluxio-1.8.1', '/opt/alluxio_2.9+build,x', '/srv/données/alluxio'],
    bad: ['', 'opt/alluxio', 'alluxio', '/opt/my alluxio', '/opt/$(reboot)', '/opt/`id`', '/opt/a;b', '/opt/a*', "/opt/it's", '/opt/a\tb'],
  },
  {
    key: 'alluxio.master.mount.table.root.ufs',
    good: ['hdfs://namenode:9000/alluxio', 's3a://bucket/dir', '/mnt/underfs', 'file:///tmp/ufs'],
    bad: ['', 'relative/path', 'hdfs:', 'hdfs://name node/'],
  },
  {
    key: 'alluxio.worker.tieredstore.level0.dirs.quota',
    good: ['1GB', '100GB,200GB', '1GB, 2GB'],
    bad: ['1GB,lots', '1 GB'],
  },
  {
    key: 'alluxio.worker.tieredstore.level1.dirs.path',
    good: ['/mnt/ssd', '/mnt/ssd1,/mnt/ssd2'],
    bad: ['/mnt/ssd,', ''],
  },
];

describe('catalog validators', () => {
  for (const table of TABLES) {
    describe(table.key, () => {
      const entry = requireSpec(table.key);
      for (const value of table.good) {
        it(`accepts ${JSON.stringify(value)}`, () => expect(entry.validate(value)).toBeUndefined());
      }
      for (const value of table.bad) {
        it(`rejects ${JSON.stringify(value)} with a problem and a fix`, () => {
          const problem = entry.validate(value);
          expect(problem).toBeDefined();
          expect(problem?.problem).toMatch(/\S/);
          expect(problem?.fix).toMatch(/\S/);
          expect(problem?.problem).not.toContain('\n');
          expect(problem?.fix).not.toContain('\n');
        });
      }
    });
  }
});

describe('catalog validators: what the user is told', () => {
  it('names the minimum task memory', () => {
    expect(requireSpec('alluxio.integration.master.resource.mem').validate('0.0001MB')).toEqual({
      problem: '0.0001MB is too small',
      fix: 'give at least 32MB',
    });
  });

  it('says why alluxio.home may hold no blank or shell metacharacter', () => {
    expect(requireSpec('alluxio.home').validate('/opt/my alluxio')?.problem).toBe(
      '"/opt/my alluxio" contains a blank: Alluxio\'s own scripts use alluxio.home unquoted, so the shell would split or run it',
    );
    expect(requireSpec('alluxio.home').validate('/opt/$(reboot)')?.problem).toMatch(/^"\/opt\/\$\(reboot\)" contains "\$"/);
  });
});

describe('catalog contents', () => {
  const expectedKeys = [
    'alluxio.integration.master.resource.cpu',
    'alluxio.integration.master.resource.mem',
    'alluxio.integration.worker.resource.cpu',
    'alluxio.integration.worker.resource.mem',
    'alluxio.integration.mesos.alluxio.jar.url',
    'alluxio.integration.mesos.jdk.url',
    'alluxio.integration.mesos.jdk.path',
    'alluxio.integration.mesos.master.name',
    'alluxio.integration.mesos.master.node.count',
    'alluxio.integration.mesos.worker.name',
    'alluxio.integration.mesos.principal',
    'alluxio.integration.mesos.secret',
    'alluxio.integration.mesos.role',
    'alluxio.integration.mesos.user',
    'alluxio.integration.mesos.constraints',
    'alluxio.integration.yarn.workers.per.host.max',
    'alluxio.master.port',
    'alluxio.master.rpc.port',
    'alluxio.master.web.port',
    'alluxio.worker.port',
    'alluxio.worker.rpc.port',
    'alluxio.worker.data.port',
    'alluxio.worker.web.port',
    'alluxio.worker.memory.size',
    'alluxio.worker.tieredstore.levels',
    'alluxio.worker.tieredstore.level0.alias',
    'alluxio.worker.tieredstore.level0.dirs.path',
    'alluxio.worker.tieredstore.level0.dirs.quota',
    'alluxio.home',
    'alluxio.underfs.address',
    'alluxio.master.mount.table.root.ufs',
    'alluxio.master.hostname',
  ];

  it('knows every key of the facts sheet, under every spelling', () => {
    for (const key of expectedKeys) expect(findSpec(key), key).toBeDefined();
    expect(knownKeys()).toEqual(expect.arrayContaining(expectedKeys));
  });

  it('maps 1.x and 2.x spellings to one property', () => {
    expect(findSpec('alluxio.master.port')).toBe(findSpec('alluxio.master.rpc.port'));
    expect(findSpec('alluxio.worker.port')).toBe(findSpec('alluxio.worker.rpc.port'));
    expect(findSpec('alluxio.underfs.address')).toBe(findSpec('alluxio.master.mount.table.root.ufs'));
    expect(spellingsOf('alluxio.master.port')).toEqual(['alluxio.master.rpc.port', 'alluxio.master.port']);
    expect(requireSpec('alluxio.master.port').spellings).toEqual({
      '1.x': 'alluxio.master.port',
      '2.x': 'alluxio.master.rpc.port',
    });
  });

  it("carries Alluxio's defaults", () => {
    const defaults: Record<string, string | undefined> = {
      'alluxio.master.rpc.port': '19998',
      'alluxio.master.web.port': '19999',
      'alluxio.worker.rpc.port': '29998',
      'alluxio.worker.data.port': '29999',
      'alluxio.worker.web.port': '30000',
      'alluxio.integration.mesos.jdk.url': 'LOCAL',
      'alluxio.integration.mesos.jdk.path': 'jdk1.8.0_151',
      'alluxio.integration.mesos.role': '*',
      'alluxio.integration.mesos.principal': 'alluxio',
      'alluxio.integration.mesos.secret': undefined,
      'alluxio.integration.master.resource.mem': '1024MB',
      'alluxio.worker.memory.size': '1GB',
      'alluxio.home': '/opt/alluxio',
      'alluxio.integration.mesos.master.name': 'AlluxioMaster',
      'alluxio.integration.mesos.worker.name': 'AlluxioWorker',
    };
    for (const [key, value] of Object.entries(defaults)) expect(requireSpec(key).default, key).toBe(value);
  });

  it('marks only the Mesos secret as secret', () => {
    expect(CATALOG.filter((entry) => entry.secret).map((entry) => entry.key)).toEqual(['alluxio.integration.mesos.secret']);
    expect(isSecretKey('alluxio.integration.mesos.secret')).toBe(true);
    expect(isSecretKey('alluxio.integration.mesos.principal')).toBe(false);
  });

  it('has a description for every entry and every default passes its own validator', () => {
    for (const entry of CATALOG) {
      expect(entry.description, entry.key).toMatch(/\S/);
      if (entry.default !== undefined && !entry.default.includes('${') && entry.default !== '') {
        expect(entry.validate(entry.default), entry.key).toBeUndefined();
      }
    }
  });

  it('throws on an unknown key in requireSpec', () => {
    expect(() => requireSpec('alluxio.nope')).toThrow(/not a catalog key/);
  });
});
