import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/shared/errors.js';
import { interpolate, resolvedValue } from '../../../src/config/lookup.js';
import { PropertiesDocument, parse } from '../../../src/config/properties.js';
import {
  containsSecret,
  nonDefaultProperties,
  portKey,
  portSpelling,
  redactedText,
  resolvePorts,
  resolveSiteConfig,
  writeSiteProperty,
} from '../../../src/config/site-config.js';
import { GB } from '../../../src/config/sizes.js';

describe('resolveSiteConfig', () => {
  it("applies Alluxio's defaults to an empty file", () => {
    const config = resolveSiteConfig(PropertiesDocument.empty());
    expect(config.portSpelling).toBe('1.x');
    expect(config.master).toEqual({
      rpcPort: 19998,
      webPort: 19999,
      journalPort: 19200,
      requiredPorts: [19998, 19999],
      cpus: 1,
      memMb: 1024,
      taskName: 'AlluxioMaster',
      nodeCount: 1,
      highAvailability: { kind: 'none' },
      hostname: undefined,
    });
    expect(config.worker).toEqual({
      rpcPort: 29998,
      dataPort: 29999,
      webPort: 30000,
      requiredPorts: [29998, 29999, 30000],
      cpus: 1,
      overheadMemMb: 1024,
      ramdiskBytes: GB,
      taskMemMb: 2048,
      taskName: 'AlluxioWorker',
    });
    expect(config.alluxioJar).toEqual({
      kind: 'url',
      url: 'http://downloads.alluxio.org/downloads/files/${alluxio.version}/alluxio-${alluxio.version}-bin.tar.gz',
      isDefault: true,
    });
    expect(config.jdk).toEqual({ kind: 'local' });
    expect(config.jdkPath).toBe('jdk1.8.0_151');
    expect(config.alluxioHome).toBe('/opt/alluxio');
    expect(config.mesos).toEqual({ role: '*', principal: 'alluxio', secret: undefined, user: undefined });
    expect(config.underFsAddress).toBe('/opt/alluxio/underFSStorage');
  });

  it('reads a 2.x file', () => {
    const config = resolveSiteConfig(
      parse(
        [
          'alluxio.master.rpc.port=31398',
          'alluxio.master.web.port = 31399',
          'alluxio.worker.rpc.port=31498',
          'alluxio.worker.web.port=31500',
          'alluxio.integration.master.resource.cpu=0.5',
          'alluxio.integration.master.resource.mem=1.5GB',
          'alluxio.integration.worker.resource.cpu=2',
          'alluxio.integration.worker.resource.mem=512MB',
          'alluxio.worker.memory.size=3GB',
          'alluxio.integration.mesos.alluxio.jar.url=local',
          'alluxio.integration.mesos.jdk.url=https://example.com/jdk.tar.gz',
          'alluxio.integration.mesos.jdk.path=jdk-11',
          'alluxio.home=/srv/alluxio',
          'alluxio.integration.mesos.role=analytics/alluxio',
          'alluxio.integration.mesos.principal=',
          'alluxio.integration.mesos.user=alluxio',
          'alluxio.integration.mesos.secret=s3cret',
          'alluxio.integration.mesos.master.node.count=3',
          'alluxio.integration.mesos.master.name=M',
          'alluxio.integration.mesos.worker.name=W',
          'alluxio.master.hostname=m1.example.com',
          'alluxio.master.mount.table.root.ufs=${alluxio.home}/ufs',
        ].join('\n'),
      ),
    );
    expect(config.portSpelling).toBe('2.x');
    expect(config.master).toMatchObject({ rpcPort: 31398, webPort: 31399, cpus: 0.5, memMb: 1536, nodeCount: 3 });
    expect(config.master.taskName).toBe('M');
    expect(config.master.hostname).toBe('m1.example.com');
    expect(config.worker).toMatchObject({
      rpcPort: 31498,
      webPort: 31500,
      requiredPorts: [31498, 31500],
      cpus: 2,
      overheadMemMb: 512,
      ramdiskBytes: 3 * GB,
      taskMemMb: 3072 + 512,
      taskName: 'W',
    });
    expect(config.alluxioJar).toEqual({ kind: 'local' });
    expect(config.jdk).toEqual({ kind: 'url', url: 'https://example.com/jdk.tar.gz', isDefault: false });
    expect(config.jdkPath).toBe('jdk-11');
    expect(config.mesos).toEqual({ role: 'analytics/alluxio', principal: undefined, secret: 's3cret', user: 'alluxio' });
    expect(config.underFsAddress).toBe('/srv/alluxio/ufs');
  });

  it('fills ${alluxio.version} in the default tarball URL when the version is set', () => {
    const config = resolveSiteConfig(parse('alluxio.version=1.8.1\n'));
    expect(config.alluxioJar).toEqual({
      kind: 'url',
      url: 'http://downloads.alluxio.org/downloads/files/1.8.1/alluxio-1.8.1-bin.tar.gz',
      isDefault: true,
    });
  });

  it('throws a located ConfigError on an invalid value', () => {
    let caught: unknown;
    try {
      resolveSiteConfig(parse('# x\nalluxio.worker.memory.size=12XB\n'), 'site.properties');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect(caught).toMatchObject({ key: 'alluxio.worker.memory.size', file: 'site.properties', line: 2 });
    expect((caught as ConfigError).message).toContain('site.properties line 2');
  });

  it('hides the secret in errors', () => {
    expect(() => resolveSiteConfig(parse('alluxio.integration.mesos.secret=ab\\u0007cd\n'))).toThrow(/\(hidden\)/);
  });
});

describe('port spelling', () => {
  it('tells which generation a file uses', () => {
    expect(portSpelling(parse('alluxio.master.rpc.port=1\n'))).toBe('2.x');
    expect(portSpelling(parse('alluxio.worker.port=1\n'))).toBe('1.x');
    expect(portSpelling(parse('alluxio.worker.data.port=1\n'))).toBe('1.x');
    expect(portSpelling(parse('alluxio.master.mount.table.root.ufs=/u\n'))).toBe('2.x');
    expect(portSpelling(parse('alluxio.underfs.address=/u\n'))).toBe('1.x');
    expect(portSpelling(parse('alluxio.master.web.port=1\n'))).toBe('1.x');
  });

  it('names ports per generation', () => {
    expect(portKey('master.rpc', '1.x')).toBe('alluxio.master.port');
    expect(portKey('master.rpc', '2.x')).toBe('alluxio.master.rpc.port');
    expect(portKey('worker.rpc', '1.x')).toBe('alluxio.worker.port');
    expect(portKey('master.web', '1.x')).toBe('alluxio.master.web.port');
    expect(portKey('worker.data', '2.x')).toBe('alluxio.worker.data.port');
  });

  it('resolves each port with the key and line that set it', () => {
    const ports = resolvePorts(parse('x=1\nalluxio.master.port=31398\nalluxio.worker.web.port=oops\n'));
    expect(ports['master.rpc']).toEqual({ port: 31398, value: '31398', key: 'alluxio.master.port', line: 2 });
    expect(ports['master.web']).toEqual({ port: 19999, value: '19999', key: 'alluxio.master.web.port', line: undefined });
    expect(ports['worker.web']).toEqual({ port: undefined, value: 'oops', key: 'alluxio.worker.web.port', line: 3 });
  });
});

describe('writeSiteProperty', () => {
  it('writes under the spelling the file uses, in place', () => {
    const doc = parse('# ports\nalluxio.master.port = 19998\n');
    writeSiteProperty(doc, 'alluxio.master.rpc.port', '31398');
    expect(doc.toString()).toBe('# ports\nalluxio.master.port = 31398\n');
  });

  it("uses the file's generation for a property it does not set yet", () => {
    const twoX = parse('alluxio.master.rpc.port=31398\n');
    writeSiteProperty(twoX, 'alluxio.worker.port', '31498');
    expect(twoX.toString()).toBe('alluxio.master.rpc.port=31398\nalluxio.worker.rpc.port=31498\n');

    const fresh = PropertiesDocument.empty();
    writeSiteProperty(fresh, 'alluxio.worker.rpc.port', '31498');
    expect(fresh.toString()).toBe('alluxio.worker.port=31498\n');

    const asked = PropertiesDocument.empty();
    writeSiteProperty(asked, 'alluxio.master.port', '31398', { spelling: '2.x' });
    expect(asked.toString()).toBe('alluxio.master.rpc.port=31398\n');
  });

  it('removes other spellings so that no two lines disagree', () => {
    const doc = parse('alluxio.master.port=1\nalluxio.master.rpc.port=2\n');
    writeSiteProperty(doc, 'alluxio.master.rpc.port', '31398');
    expect(doc.toString()).toBe('alluxio.master.rpc.port=31398\n');
  });

  it('writes unknown keys as given', () => {
    const doc = PropertiesDocument.empty();
    writeSiteProperty(doc, 'alluxio.user.file.writetype.default', 'CACHE_THROUGH');
    expect(doc.get('alluxio.user.file.writetype.default')).toBe('CACHE_THROUGH');
  });
});

describe('nonDefaultProperties', () => {
  it('lists what differs from the defaults, in file order, without the secret', () => {
    const doc = parse(
      [
        'alluxio.master.port=19998',
        'alluxio.master.web.port=31399',
        'alluxio.worker.memory.size=1024MB',
        'alluxio.integration.master.resource.mem=2GB',
        'alluxio.integration.mesos.jdk.url=local',
        'alluxio.integration.mesos.secret=s3cret',
        'alluxio.integration.mesos.role=*',
        'alluxio.master.hostname=m1',
        'aws.accessKeyId=AKIA',
        'alluxio.user.file.writetype.default=CACHE_THROUGH',
        'alluxio.master.web.port=31400',
      ].join('\n'),
    );
    expect(nonDefaultProperties(doc)).toEqual([
      { key: 'alluxio.master.web.port', value: '31400' },
      { key: 'alluxio.integration.master.resource.mem', value: '2GB' },
      { key: 'alluxio.master.hostname', value: 'm1' },
      { key: 'aws.accessKeyId', value: 'AKIA' },
      { key: 'alluxio.user.file.writetype.default', value: 'CACHE_THROUGH' },
    ]);
  });
});

describe('secrets', () => {
  it('detects a secret value', () => {
    expect(containsSecret(parse('alluxio.integration.mesos.secret=x\n'))).toBe(true);
    expect(containsSecret(parse('alluxio.integration.mesos.secret=\n'))).toBe(false);
    expect(containsSecret(parse('alluxio.integration.mesos.principal=p\n'))).toBe(false);
  });

  it('masks every occurrence in a copy and leaves the original alone', () => {
    const text = 'alluxio.integration.mesos.secret=old\nx=1\nalluxio.integration.mesos.secret = new\n';
    const doc = parse(text);
    const redacted = redactedText(doc);
    expect(redacted).toBe('alluxio.integration.mesos.secret=********\nx=1\nalluxio.integration.mesos.secret = ********\n');
    expect(doc.toString()).toBe(text);
  });
});

describe('lookup', () => {
  it('interpolates recursively and leaves cycles and unknown names as written', () => {
    const values: Record<string, string> = { a: '${b}/x', b: '${c}', c: 'root', loop: '${loop}' };
    const lookup = (name: string): string | undefined => values[name];
    expect(interpolate('${a}', lookup)).toBe('root/x');
    expect(interpolate('${loop}', lookup)).toBe('${loop}');
    expect(interpolate('${nope}-${c}', lookup)).toBe('${nope}-root');
  });

  it('falls back to defaults and trims like Alluxio', () => {
    const doc = parse('alluxio.home=  /srv/a  \n');
    expect(resolvedValue(doc, 'alluxio.master.mount.table.root.ufs')).toBe('/srv/a/underFSStorage');
    expect(resolvedValue(doc, 'alluxio.underfs.address')).toBe('/srv/a/underFSStorage');
    expect(resolvedValue(doc, 'not.a.key')).toBeUndefined();
  });
});
