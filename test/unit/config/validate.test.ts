import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/shared/errors.js';
import { parse } from '../../../src/config/properties.js';
import { validateSiteProperties } from '../../../src/config/validate.js';
import { segmentDistance, suggestKey } from '../../../src/config/suggest.js';
import { editDistance } from '../../../src/shared/edit-distance.js';
import { knownKeys } from '../../../src/config/catalog.js';

const FILE = 'conf/alluxio-site.properties';

function check(text: string): ReturnType<typeof validateSiteProperties> {
  return validateSiteProperties(parse(text), FILE);
}

describe('validateSiteProperties: values', () => {
  it('accepts a realistic file without errors or warnings', () => {
    const result = check(
      [
        'alluxio.master.hostname=mesos-agent-1',
        'alluxio.underfs.address=hdfs://namenode:9000/alluxio',
        'alluxio.master.port=31398',
        'alluxio.master.web.port=31399',
        'alluxio.worker.port=31498',
        'alluxio.worker.data.port=31499',
        'alluxio.worker.web.port=31500',
        'alluxio.worker.memory.size=2GB',
        'alluxio.integration.mesos.alluxio.jar.url=LOCAL',
        'alluxio.integration.mesos.role=analytics/alluxio',
        'alluxio.user.file.writetype.default=CACHE_THROUGH',
        'fs.s3a.custom.key=anything goes',
        '',
      ].join('\n'),
    );
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
  });

  it('reports an invalid value with key, file, line and fix', () => {
    const { errors } = check('# ports\nalluxio.master.web.port=70000\n');
    expect(errors).toHaveLength(1);
    const [error] = errors as [ConfigError];
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.key).toBe('alluxio.master.web.port');
    expect(error.file).toBe(FILE);
    expect(error.line).toBe(2);
    expect(error.message).toBe(`alluxio.master.web.port=70000 in ${FILE} line 2: port 70000 is out of range`);
    expect(error.hint).toBe('use a whole number from 1 to 65535');
  });

  it('reports every invalid value, under either spelling, trimmed as Alluxio trims', () => {
    const { errors } = check(
      [
        'alluxio.master.port=abc',
        'alluxio.worker.memory.size=12XB',
        'alluxio.integration.mesos.jdk.url=ftp://example.com/jdk.tgz',
        'alluxio.integration.mesos.role=-bad',
        'alluxio.integration.worker.resource.cpu=0',
        'alluxio.master.web.port=31399   ',
      ].join('\n'),
    );
    expect(errors.map((error) => [error.key, error.line])).toEqual([
      ['alluxio.integration.worker.resource.cpu', 5],
      ['alluxio.integration.mesos.jdk.url', 3],
      ['alluxio.integration.mesos.role', 4],
      ['alluxio.master.port', 1],
      ['alluxio.worker.memory.size', 2],
    ]);
  });

  it('checks only the value that wins among duplicates, and warns about the duplicates', () => {
    const { errors, warnings } = check('alluxio.master.web.port=bad\nalluxio.master.web.port=31399\n');
    expect(errors).toEqual([]);
    expect(warnings).toContain('"alluxio.master.web.port" is set 2 times (lines 1, 2); line 2 wins');
  });

  it('resolves ${...} references before checking; unresolved ones pass for text but not for numbers', () => {
    const ok = check('my.port=31399\nalluxio.master.web.port=${my.port}\n');
    expect(ok.errors).toEqual([]);
    const bad = check('my.port=99999\nalluxio.master.web.port=${my.port}\n');
    expect(bad.errors[0]?.message).toContain('(resolves to "99999")');
    const unknownText = check('alluxio.master.hostname=${alluxio.something.unknown}\n');
    expect(unknownText.errors).toEqual([]);
    const unknownPort = check('alluxio.master.web.port=${alluxio.something.unknown}\n');
    expect(unknownPort.errors.map((error) => [error.key, error.line])).toEqual([['alluxio.master.web.port', 1]]);
    expect(unknownPort.errors[0]?.message).toContain('refers to a property this file does not set');
  });

  it('never prints the secret', () => {
    const { errors } = check('alluxio.integration.mesos.secret=s3cr\\u0001t\n');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).not.toContain('s3cr');
    expect(errors[0]?.message).toContain('(hidden)');
  });

  it('flags two spellings of one property that disagree', () => {
    const { errors } = check('alluxio.master.port=19998\nx=1\nalluxio.master.rpc.port=29000\n');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toBe(
      `alluxio.master.port=19998 (line 1) and alluxio.master.rpc.port=29000 (line 3) in ${FILE} name the same property with different values`,
    );
    expect(errors[0]?.line).toBe(3);
    expect(errors[0]?.hint).toBe('keep only one of alluxio.master.port and alluxio.master.rpc.port');
    expect(check('alluxio.master.port=19998\nalluxio.master.rpc.port=19998\n').errors).toEqual([]);
  });
});

describe('validateSiteProperties: distinct ports', () => {
  it('refuses a master port equal to another master port', () => {
    const { errors } = check('alluxio.master.rpc.port=19999\n');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toBe(
      `alluxio.master.rpc.port=19999 (${FILE} line 1) (master RPC) uses the same port as ` +
        'alluxio.master.web.port=19999 (default) (master web UI)',
    );
    expect(errors[0]?.key).toBe('alluxio.master.rpc.port');
    expect(errors[0]?.line).toBe(1);
  });

  it('refuses a worker port equal to a master port (both may share an agent)', () => {
    const { errors } = check('alluxio.master.web.port=31000\nalluxio.worker.web.port=31000\n');
    expect(errors.map((error) => [error.key, error.line])).toEqual([['alluxio.worker.web.port', 2]]);
    expect(errors[0]?.message).toContain('(worker web UI) uses the same port as alluxio.master.web.port=31000');
  });

  it('resolves spellings before comparing', () => {
    const { errors } = check('alluxio.worker.port=31000\nalluxio.worker.web.port=31000\n');
    expect(errors.map((error) => error.key)).toEqual(['alluxio.worker.web.port']);
    expect(errors[0]?.message).toContain('alluxio.worker.port=31000');
  });

  it('counts the worker data port for Alluxio 1.x spellings only', () => {
    // 1.x file: the data port (default 29999) is used, so a worker web port of 29999 clashes.
    expect(check('alluxio.worker.port=29998\nalluxio.worker.web.port=29999\n').errors).toHaveLength(1);
    // 2.x file: the data port is not used.
    expect(check('alluxio.worker.rpc.port=29998\nalluxio.worker.web.port=29999\n').errors).toEqual([]);
    // ...unless the file sets it.
    expect(check('alluxio.worker.rpc.port=29998\nalluxio.worker.data.port=31000\nalluxio.worker.web.port=31000\n').errors).toHaveLength(1);
  });

  it('reports each clashing pair once', () => {
    const { errors } = check('alluxio.master.port=31000\nalluxio.master.web.port=31000\nalluxio.worker.port=31000\n');
    expect(errors).toHaveLength(3);
  });
});

describe('validateSiteProperties: warnings', () => {
  it('suggests the key a misspelt one meant', () => {
    const { warnings } = check(
      [
        'a=1',
        'b=2',
        'c=3',
        'd=4',
        'e=5',
        'f=6',
        'alluxio.integration.mesos.jar.url=LOCAL',
        'alluxio.master.web.prot=19999',
        'Alluxio.Master.Hostname=m1',
        'alluxio.integration.master.resource.memory=2GB',
        'alluxio.mesos.role=alluxio',
      ].join('\n'),
    );
    expect(warnings).toEqual([
      'unknown key "alluxio.integration.mesos.jar.url" (line 7); did you mean "alluxio.integration.mesos.alluxio.jar.url"?',
      'unknown key "alluxio.master.web.prot" (line 8); did you mean "alluxio.master.web.port"?',
      'unknown key "Alluxio.Master.Hostname" (line 9); did you mean "alluxio.master.hostname"?',
      'unknown key "alluxio.integration.master.resource.memory" (line 10); did you mean "alluxio.integration.master.resource.mem"?',
      'unknown key "alluxio.mesos.role" (line 11); did you mean "alluxio.integration.mesos.role"?',
    ]);
  });

  it('leaves real Alluxio keys and non-Alluxio keys alone', () => {
    const { warnings } = check(
      [
        'alluxio.job.master.rpc.port=20001',
        'alluxio.job.worker.data.port=30002',
        'alluxio.worker.hostname=w1',
        'alluxio.master.web.bind.host=0.0.0.0',
        'alluxio.master.embedded.journal.port=19200',
        'alluxio.worker.tieredstore.level0.watermark.high.ratio=0.9',
        'alluxio.master.mount.table.root.option.aws.accessKeyId=x',
        'alluxio.user.file.writetype.default=MUST_CACHE',
        'aws.accessKeyId=AKIA',
        'fs.s3a.endpoint=s3.example.com',
        'tachyon.master.port=19998',
      ].join('\n'),
    );
    // The two credentials are known keys; what is said of them is that deploy refuses to ship them.
    expect(warnings.filter((warning) => !warning.includes('deploy refuses to ship'))).toEqual([]);
  });

  it('warns of credentials deploy would refuse to ship, by name or inside a URI, never showing them', () => {
    const { warnings } = check(
      [
        'alluxio.integration.mesos.secret=mesos-secret',
        'alluxio.underfs.address=s3a://AKID:uri-secret@bucket/data',
        'aws.secretKey=key-secret',
        'alluxio.master.journal.folder=hdfs://nn:8020/journal',
      ].join('\n'),
    );
    expect(warnings).toEqual([
      '"alluxio.underfs.address" (line 2) holds a password or token in a URI (s3a://AKID:***@bucket/data), which deploy refuses ' +
        "to ship to Mesos tasks; remove the credentials from alluxio.underfs.address and give them to the agents instead: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the Mesos agents' environment (tasks inherit it), an instance profile, or ~/.aws/credentials of the user the tasks run as",
      '"aws.secretKey" (line 3) holds a credential, which deploy refuses to ship to Mesos tasks; remove aws.secretKey from ' +
        "alluxio-site.properties and give it to the agents instead: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the Mesos agents' environment (tasks inherit it), an instance profile, or ~/.aws/credentials of the user the tasks run as",
    ]);
  });

  it('names the replacement of keys older Alluxio versions used', () => {
    const { warnings } = check('alluxio.integration.mesos.jre.url=https://example.com/jre.tgz\n');
    expect(warnings).toEqual([
      '"alluxio.integration.mesos.jre.url" (line 1) is no longer read: it was replaced by "alluxio.integration.mesos.jdk.url" in Alluxio 1.3',
    ]);
  });

  it('warns about keys alluxio-mesos ignores', () => {
    expect(check('alluxio.integration.mesos.constraints=rack:a\n').warnings).toEqual([
      '"alluxio.integration.mesos.constraints" (line 1) is read only by Alluxio 1.1; alluxio-mesos ignores it',
    ]);
  });

  it('warns about a byte-order mark in front of the first key', () => {
    const { warnings } = check('\uFEFFalluxio.master.hostname=m1\n');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('byte-order mark');
    expect(warnings[0]).toContain('"alluxio.master.hostname" on line 1');
    expect(check('\uFEFF# comment\nalluxio.master.hostname=m1\n').warnings).toEqual([]);
  });

  it('warns about raw non-ASCII, not about \\u escapes', () => {
    expect(check('alluxio.integration.mesos.user=josé\n').warnings).toEqual([
      '"alluxio.integration.mesos.user" (line 1) contains non-ASCII characters, which Alluxio reads as ISO-8859-1; write them as \\uXXXX escapes',
    ]);
    expect(check('alluxio.integration.mesos.user=jos\\u00e9\n# comment é\n').warnings).toEqual([]);
  });

  it('warns when a JDK is downloaded without saying where it unpacks', () => {
    expect(check('alluxio.integration.mesos.jdk.url=https://example.com/jdk.tgz\n').warnings).toHaveLength(1);
    expect(
      check('alluxio.integration.mesos.jdk.url=https://example.com/jdk.tgz\nalluxio.integration.mesos.jdk.path=jdk-11\n').warnings,
    ).toEqual([]);
  });
});

describe('suggestKey', () => {
  it('measures edits and segment edits', () => {
    expect(editDistance('port', 'prot')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(segmentDistance('alluxio.integration.mesos.jar.url', 'alluxio.integration.mesos.alluxio.jar.url')).toBe(1);
    expect(segmentDistance('alluxio.worker.hostname', 'alluxio.worker.port')).toBe(2);
  });

  it('a key of 20,000 characters is no typo of a known key', () => {
    expect(suggestKey(`alluxio.${'k'.repeat(20_000)}`)).toBeUndefined();
  });

  it('quotes a value with line breaks or of 20,000 characters on one bounded line', () => {
    const { errors } = check(`alluxio.home=/opt/al\\nluxio\nalluxio.master.port=${'9'.repeat(20_000)}\n`);
    expect(errors.map((error) => error.message.includes('\n'))).toEqual([false, false]);
    expect(errors.every((error) => error.message.length < 600)).toBe(true);
    expect(errors[0]?.message).toContain('/opt/al\\nluxio');
  });

  it('does not suggest for distant keys or for known keys', () => {
    expect(suggestKey('alluxio.user.file.writetype.default')).toBeUndefined();
    expect(suggestKey('alluxio.master.journal.folder')).toBeUndefined();
    expect(suggestKey('alluxio.master.port')).toBeUndefined();
    // One unrelated segment is two segment edits away: not a typo.
    expect(suggestKey('alluxio.user.rpc.port')).toBeUndefined();
    expect(suggestKey('alluxio.master.foo.bar')).toBeUndefined();
  });
});

describe('more than one Alluxio master needs high availability', () => {
  const two = 'alluxio.integration.mesos.master.node.count=2\n';

  it('refuses two masters without leader election, naming the line and the fix', () => {
    const { errors } = check(`alluxio.home=/opt/alluxio\n${two}`);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toBe(
      'alluxio.integration.mesos.master.node.count=2 (conf/alluxio-site.properties line 2) without high availability: ' +
        'each Alluxio master would be a cluster of its own, and the workers would register with only one of them',
    );
    expect(errors[0]!.hint).toContain('alluxio.zookeeper.enabled=true');
    expect(errors[0]!.line).toBe(2);
  });

  it('accepts ZooKeeper leader election, or an embedded journal with its addresses, or one master', () => {
    const shared = 'alluxio.master.journal.folder=hdfs://namenode:9000/alluxio/journal\n';
    expect(check(`${two}alluxio.zookeeper.enabled=true\nalluxio.zookeeper.address=zk1:2181\n${shared}`).errors).toEqual([]);
    expect(
      check(`${two}alluxio.master.journal.type=EMBEDDED\nalluxio.master.embedded.journal.addresses=m1:19200,m2:19200\n`).errors,
    ).toEqual([]);
    expect(check('alluxio.integration.mesos.master.node.count=1\n').errors).toEqual([]);
    // Half a configuration is none.
    expect(check(`${two}alluxio.zookeeper.enabled=true\n`).errors).toHaveLength(1);
  });
});

describe('a file of absurd size or content: linear checks, bounded output', () => {
  it('editDistance with a limit answers exactly up to it, and limit + 1 beyond it', () => {
    const words = [
      '',
      'a',
      'ab',
      'ba',
      'port',
      'prot',
      'kitten',
      'sitting',
      'alluxio.master.port',
      'alluxio.master.prot',
      'alluxio.worker.port',
    ];
    for (const a of words) {
      for (const b of words) {
        const exact = editDistance(a, b);
        for (const limit of [0, 1, 2, 3]) expect(editDistance(a, b, limit), `${a} / ${b} within ${limit}`).toBe(Math.min(exact, limit + 1));
      }
    }
    expect(editDistance('x'.repeat(1_000_000), 'alluxio.master.port', 2)).toBe(3);
  });

  it('editDistance agrees with the textbook table on random strings, with and without a limit', () => {
    const reference = (a: string, b: string): number => {
      const d = Array.from({ length: a.length + 1 }, (_, i) =>
        Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
      );
      for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
          const row = d[i] as number[];
          const up = d[i - 1] as number[];
          row[j] = Math.min(up[j]! + 1, row[j - 1]! + 1, up[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
          if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j]!, d[i - 2]![j - 2]! + 1);
        }
      }
      return d[a.length]![b.length]!;
    };
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % n;
    };
    const word = (): string => Array.from({ length: random(9) }, () => 'abc.'[random(4)]).join('');
    for (let k = 0; k < 3000; k++) {
      const [a, b] = [word(), word()];
      const exact = reference(a, b);
      expect(editDistance(a, b), `${a} / ${b}`).toBe(exact);
      const limit = random(4);
      expect(editDistance(a, b, limit), `${a} / ${b} within ${limit}`).toBe(Math.min(exact, limit + 1));
    }
  });

  it('suggestKey picks what the full comparison with every known key picks', () => {
    const reference = (key: string): string | undefined => {
      const candidates = knownKeys();
      if (candidates.includes(key)) return undefined;
      const lower = key.toLowerCase();
      const sameButCase = candidates.find((candidate) => candidate.toLowerCase() === lower);
      if (sameButCase !== undefined) return sameButCase;
      let best: { key: string; segments: number; chars: number } | undefined;
      for (const candidate of candidates) {
        const chars = editDistance(lower, candidate);
        const segments = segmentDistance(lower, candidate);
        if (segments > 1 && chars > 2) continue;
        if (best === undefined || segments < best.segments || (segments === best.segments && chars < best.chars)) {
          best = { key: candidate, segments, chars };
        }
      }
      return best?.key;
    };
    const keys = [
      'alluxio.master.prot',
      'alluxio.integration.mesos.jar.url',
      'alluxio.integration.mesos.alluxio.jar',
      'alluxio.worker.memory.sizes',
      'alluxio.worker.memory',
      'alluxio.master.web',
      'alluxio.Master.Hostname',
      'alluxio.integration.master.resource.cpus',
      'alluxio.integration.worker.resources.mem',
      'alluxio.custom.property.n1',
      'alluxio.worker.port.x.y',
      'alluxio',
      'alluxio.',
      '.alluxio..master.port',
    ];
    for (const key of [...keys, ...knownKeys().map((known) => `${known}x`), ...knownKeys().map((known) => known.replace('.', '..'))]) {
      expect(suggestKey(key), key).toBe(reference(key));
    }
  });

  it('reports at most 20 warnings of a kind, then counts the rest', () => {
    const lines = Array.from({ length: 500 }, (_, i) => `alluxio.master.port${i}=1`);
    const { warnings } = check(`${lines.join('\n')}\n`);
    expect(warnings.filter((warning) => warning.startsWith('unknown key'))).toHaveLength(20);
    expect(warnings).toContain('... and 480 more unknown keys');

    const duplicates = check(`${Array.from({ length: 30 }, (_, i) => `k${i}=1\nk${i}=2`).join('\n')}\n`).warnings;
    expect(duplicates).toHaveLength(21);
    expect(duplicates[20]).toBe('... and 10 more keys set more than once');
  });

  it('lists a key set many times by its first and last lines, not every line', () => {
    const { warnings } = check(`${'a.b=1\n'.repeat(20_000)}`);
    expect(warnings).toEqual(['"a.b" is set 20000 times (lines 1, 2, 3, 4, 5, ..., 20000); line 20000 wins']);
  });

  it('shortens a huge value in the error, which stays one line', () => {
    const value = `x${'y'.repeat(1_000_000)}`;
    const { errors } = check(`alluxio.underfs.address=${value}\n`);
    expect(errors).toHaveLength(1);
    const message = (errors[0] as ConfigError).message;
    expect(message.length).toBeLessThan(600);
    expect(message).toContain(`alluxio.underfs.address=x${'y'.repeat(119)}... (1000001 characters) in ${FILE} line 1`);
  });
});
