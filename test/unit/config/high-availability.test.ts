import { describe, expect, it } from 'vitest';
import { parse } from '../../../src/config/properties.js';
import { checkHighAvailability, journalStorage, resolveHighAvailability } from '../../../src/config/high-availability.js';
import { validateSiteProperties } from '../../../src/config/validate.js';
import { resolveSiteConfig } from '../../../src/config/site-config.js';

const FILE = 'conf/alluxio-site.properties';
const lines = (...entries: string[]): string => `${entries.join('\n')}\n`;
const check = (text: string): ReturnType<typeof checkHighAvailability> => checkHighAvailability(parse(text), FILE);
const messages = (text: string): string[] => check(text).errors.map((error) => error.message);

const TWO = 'alluxio.integration.mesos.master.node.count=2';
const THREE = 'alluxio.integration.mesos.master.node.count=3';
const ZK = ['alluxio.zookeeper.enabled=true', 'alluxio.zookeeper.address=zk1:2181,zk2:2181,zk3:2181'];
const SHARED = 'alluxio.master.journal.folder=hdfs://namenode:9000/alluxio/journal';
const EMBEDDED = (addresses: string): string[] => [
  'alluxio.master.rpc.port=19998',
  'alluxio.master.journal.type=EMBEDDED',
  `alluxio.master.embedded.journal.addresses=${addresses}`,
];

describe('ZooKeeper leader election (Alluxio 1.x and 2.x)', () => {
  it('accepts several masters with ZooKeeper and a shared journal, and resolves the paths workers read', () => {
    const text = lines(TWO, ...ZK, SHARED);
    expect(check(text)).toEqual({ errors: [], warnings: [] });
    expect(resolveHighAvailability(parse(text))).toEqual({
      kind: 'zookeeper',
      zookeeperAddress: 'zk1:2181,zk2:2181,zk3:2181',
      servers: [
        { host: 'zk1', port: 2181 },
        { host: 'zk2', port: 2181 },
        { host: 'zk3', port: 2181 },
      ],
      electionPath: '/election',
      leaderPath: '/leader',
      journalFolder: 'hdfs://namenode:9000/alluxio/journal',
    });
  });

  it('refuses ZooKeeper enabled without its address, whatever the master count', () => {
    const [message] = messages(lines('alluxio.zookeeper.enabled=true'));
    expect(message).toBe(
      'alluxio.zookeeper.enabled=true (conf/alluxio-site.properties line 1) without alluxio.zookeeper.address: ' +
        'the masters have no ZooKeeper to elect a leader through',
    );
    expect(check(lines('alluxio.zookeeper.enabled=true')).errors[0]?.hint).toContain('alluxio.zookeeper.address=zk1:2181');
  });

  it('refuses a journal on local disk (the default, a path) with several masters, but not with one', () => {
    for (const folder of [undefined, 'alluxio.master.journal.folder=/var/alluxio/journal']) {
      const text = lines(TWO, ...ZK, ...(folder === undefined ? [] : [folder]));
      const { errors } = check(text);
      expect(errors).toHaveLength(1);
      expect(errors[0]?.message).toMatch(
        /with ZooKeeper need a journal every master reads, but alluxio\.master\.journal\.folder=.* on each agent's own disk/,
      );
      expect(errors[0]?.hint).toContain('hdfs://namenode:9000/alluxio/journal');
    }
    expect(check(lines(...ZK)).errors).toEqual([]);
  });

  it('refuses ZooKeeper together with the embedded journal type', () => {
    const found = messages(lines(TWO, ...ZK, SHARED, 'alluxio.master.journal.type=EMBEDDED'));
    expect(found).toHaveLength(1);
    expect(found[0]).toContain('with alluxio.master.journal.type=EMBEDDED (conf/alluxio-site.properties line 5)');
  });
});

describe('the embedded journal (Alluxio 2.x)', () => {
  it('accepts one address per master on the journal port, and resolves the master hosts', () => {
    const text = lines(THREE, ...EMBEDDED('m1:19200,m2:19200,m3:19200'));
    expect(check(text)).toEqual({ errors: [], warnings: [] });
    expect(resolveHighAvailability(parse(text))).toEqual({
      kind: 'embedded',
      journalPort: 19200,
      masters: [
        { host: 'm1', port: 19200 },
        { host: 'm2', port: 19200 },
        { host: 'm3', port: 19200 },
      ],
    });
    // The journal port is a master port Mesos must offer.
    expect(resolveSiteConfig(parse(text)).master.requiredPorts).toEqual([19998, 19999, 19200]);
  });

  it('warns that an even number of masters survives no failure', () => {
    expect(check(lines(TWO, ...EMBEDDED('m1:19200,m2:19200'))).warnings).toEqual([
      expect.stringContaining('on the embedded journal survive no master failure'),
    ]);
  });

  it('refuses too few hosts, a host twice, and a port other than the journal port', () => {
    expect(messages(lines(THREE, ...EMBEDDED('m1:19200,m2:19200')))).toEqual([expect.stringContaining('names 2 hosts for 3 masters')]);
    expect(messages(lines(TWO, ...EMBEDDED('m1:19200,m1:19200')))).toEqual([
      expect.stringContaining('names a host twice'),
      expect.stringContaining('names 1 host for 2 masters'),
    ]);
    const [port] = messages(lines(TWO, ...EMBEDDED('m1:19200,m2:19300')));
    expect(port).toContain('gives m2 port 19300, but each master listens on alluxio.master.embedded.journal.port=19200');
    expect(check(lines(TWO, ...EMBEDDED('m1:19300,m2:19300'), 'alluxio.master.embedded.journal.port=19300')).errors).toEqual([]);
  });

  it('refuses the embedded journal in a file written for Alluxio 1.x', () => {
    for (const evidence of ['alluxio.master.port=19998', 'alluxio.version=1.8.2', 'alluxio.underfs.address=hdfs://nn:9000/a']) {
      const text = lines(
        TWO,
        evidence,
        'alluxio.master.journal.type=EMBEDDED',
        'alluxio.master.embedded.journal.addresses=m1:19200,m2:19200',
      );
      const { errors } = check(text);
      expect(errors.map((error) => error.message)).toEqual([
        expect.stringContaining("is Alluxio 2.x's embedded journal, but this file is for Alluxio 1.x"),
      ]);
      expect(errors[0]?.hint).toContain('init --ha zookeeper');
    }
  });

  it('refuses embedded addresses with a UFS journal type', () => {
    expect(
      messages(lines(TWO, 'alluxio.master.journal.type=UFS', 'alluxio.master.embedded.journal.addresses=m1:19200,m2:19200')),
    ).toContain(
      'alluxio.master.embedded.journal.addresses (conf/alluxio-site.properties line 3) with alluxio.master.journal.type=UFS ' +
        '(conf/alluxio-site.properties line 2): the addresses are read only by the embedded journal',
    );
  });

  it('the journal port may not be another Alluxio port', () => {
    const text = lines(TWO, ...EMBEDDED('m1:19999,m2:19999'), 'alluxio.master.embedded.journal.port=19999');
    const { errors } = validateSiteProperties(parse(text), FILE);
    expect(errors.map((error) => error.message)).toEqual([
      expect.stringMatching(
        /alluxio\.master\.embedded\.journal\.port=19999 .* \(master embedded journal\) uses the same port as alluxio\.master\.web\.port/,
      ),
    ]);
  });
});

describe('several masters without either', () => {
  it('is refused with both forms and one master named as fixes', () => {
    const { errors } = check(lines(TWO));
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toContain('without high availability');
    expect(errors[0]?.hint).toContain('init --ha zookeeper|embedded');
    expect(errors[0]?.hint).toContain('init --master-count 1');
  });

  it('one master needs nothing', () => {
    expect(check(lines('alluxio.integration.mesos.master.node.count=1'))).toEqual({ errors: [], warnings: [] });
    expect(resolveHighAvailability(parse(''))).toEqual({ kind: 'none' });
  });
});

describe('journalStorage', () => {
  it('tells distributed file systems, file:// mounts and local paths apart', () => {
    expect(['hdfs://nn:9000/j', 's3a://bucket/j', 'gs://b/j'].map(journalStorage)).toEqual(['shared', 'shared', 'shared']);
    expect(journalStorage('file:///mnt/nfs/journal')).toBe('mount');
    expect(['/var/j', '${alluxio.work.dir}/journal', 'journal'].map(journalStorage)).toEqual(['local', 'local', 'local']);
  });

  it('a file:// journal is taken with several masters, with a warning that it must be a shared mount', () => {
    const { errors, warnings } = check(lines(TWO, ...ZK, 'alluxio.master.journal.folder=file:///mnt/nfs/journal'));
    expect(errors).toEqual([]);
    expect(warnings).toEqual([expect.stringContaining('must be a mount every agent shares (NFS)')]);
  });
});

describe('messages stay one short line, never showing a password', () => {
  it('cuts and escapes what the file holds, and masks URI credentials', () => {
    const huge = `UFS\u001b[2J${'x'.repeat(100_000)}`;
    const [typeMessage] = messages(
      lines(TWO, `alluxio.master.journal.type=${huge}`, 'alluxio.master.embedded.journal.addresses=m1:19200,m2:19200'),
    );
    expect(typeMessage).not.toMatch(/[\u0000-\u001f]/);
    expect(typeMessage!.length).toBeLessThan(600);
    const mount = check(lines(TWO, ...ZK, 'alluxio.master.journal.folder=file://user:hunter2@nas/journal')).warnings.join('\n');
    expect(mount).toContain('must be a mount every agent shares');
    expect(mount).not.toContain('hunter2');
  });
});
