import { describe, expect, it } from 'vitest';
import { buildLaunchCommand, journalFolderWord, propertyMap, type LaunchSpec } from '../../../../src/framework/launch/launch-command.js';
import { ConfigError } from '../../../../src/shared/errors.js';

const LOCAL: LaunchSpec['distribution'] = { kind: 'local', home: '/opt/alluxio' };
const TARBALL: LaunchSpec['distribution'] = {
  kind: 'tarball',
  url: 'https://downloads.example.org/alluxio-1.8.2-bin.tar.gz',
};
const JDK = { url: 'https://downloads.example.org/jdk-8u151-linux-x64.tar.gz', path: 'jdk1.8.0_151' };

function master(overrides: Partial<LaunchSpec> = {}): LaunchSpec {
  return { role: 'master', distribution: LOCAL, siteProperties: 'alluxio.master.port=19998\n', ...overrides };
}
function worker(overrides: Partial<LaunchSpec> = {}): LaunchSpec {
  return {
    role: 'worker',
    distribution: LOCAL,
    siteProperties: 'alluxio.worker.port=29998\n',
    masterHostname: 'agent-1.example.org',
    workerMemory: '1GB',
    ...overrides,
  };
}

/** The body of the first quoted here-document, read the way sh reads it. */
function heredocBody(command: string): { delimiter: string; body: string } {
  const start = /<<'([^']+)'\n/.exec(command);
  if (!start) throw new Error('no quoted here-document');
  const delimiter = start[1] ?? '';
  const lines = command.slice(start.index + start[0].length).split('\n');
  const end = lines.indexOf(delimiter);
  expect(end).toBeGreaterThanOrEqual(0);
  return {
    delimiter,
    body: lines
      .slice(0, end)
      .map((l) => `${l}\n`)
      .join(''),
  };
}

/** The constant bash script handed to `exec bash -c '...'`. */
function bashPart(command: string): string {
  const match = /exec bash -c '([^']*)' alluxio-mesos-(master|worker)$/.exec(command);
  if (!match) throw new Error('no bash part');
  return match[1] ?? '';
}

describe('buildLaunchCommand: modes', () => {
  it('master from a local installation: shell command, no URIs, no environment', () => {
    const command = buildLaunchCommand(master());
    expect(command.shell).toBe(true);
    expect(command.uris).toBeUndefined();
    expect(command.environment).toBeUndefined();
    const value = command.value ?? '';
    expect(value.split('\n').slice(0, 6)).toEqual([
      'set -e',
      ': "${MESOS_SANDBOX:?alluxio-mesos: MESOS_SANDBOX is not set; this command runs inside a Mesos task sandbox}"',
      'cd "$MESOS_SANDBOX"',
      'mkdir -p conf logs',
      'export ALLUXIO_CONF_DIR="$MESOS_SANDBOX/conf"',
      'export ALLUXIO_LOGS_DIR="$MESOS_SANDBOX/logs"',
    ]);
    expect(value).toContain('ALLUXIO_MESOS_HOME=/opt/alluxio\n');
    expect(value).toContain('export ALLUXIO_MESOS_JOURNAL_DIR="$ALLUXIO_MESOS_HOME"/journal\n');
    expect(value).not.toContain('JAVA_HOME');
    const bash = bashPart(value);
    expect(bash).toContain('. "$ALLUXIO_MESOS_HOME/libexec/alluxio-config.sh"');
    expect(bash).toContain('alluxio.cli.Format master');
    expect(bash).toMatch(
      /exec "\$JAVA" -cp "\$ALLUXIO_SERVER_CLASSPATH" \\\n {2}\$ALLUXIO_MASTER_JAVA_OPTS \$ALLUXIO_MESOS_JAVA_OPTS \\\n {2}-Dalluxio\.home="\$ALLUXIO_HOME" -Dalluxio\.conf\.dir="\$ALLUXIO_CONF_DIR" -Dalluxio\.logs\.dir="\$ALLUXIO_LOGS_DIR" \\\n {2}-Dalluxio\.logger\.type=MASTER_LOGGER \\\n {2}alluxio\.master\.AlluxioMaster$/,
    );
    // The master does not pin its hostname unless asked to.
    expect(bash).not.toContain('alluxio.master.hostname');
  });

  it('worker from a tarball with a JDK: both fetched and extracted, never executable or cached', () => {
    const command = buildLaunchCommand(worker({ distribution: TARBALL, jdk: JDK }));
    expect(command.uris).toEqual([
      { value: JDK.url, extract: true, executable: false, cache: false },
      { value: TARBALL.kind === 'tarball' ? TARBALL.url : '', extract: true, executable: false, cache: false },
    ]);
    const value = command.value ?? '';
    expect(value).toContain('for alluxio_mesos_dir in "$MESOS_SANDBOX"/alluxio "$MESOS_SANDBOX"/alluxio-*; do');
    expect(value).toContain('export JAVA_HOME="$MESOS_SANDBOX"/jdk1.8.0_151\n');
    expect(value).toContain('export PATH="$JAVA_HOME/bin:$PATH"');
    expect(value).toContain('export ALLUXIO_MASTER_HOSTNAME=agent-1.example.org\n');
    expect(value).toContain('export ALLUXIO_WORKER_MEMORY_SIZE=1GB\n');
    expect(value).not.toContain('ALLUXIO_MESOS_JOURNAL_DIR');
    const bash = bashPart(value);
    expect(bash).not.toContain('alluxio.cli.Format');
    expect(bash).toContain('$ALLUXIO_WORKER_JAVA_OPTS $ALLUXIO_MESOS_JAVA_OPTS');
    expect(bash).toContain('-Dalluxio.logger.type=WORKER_LOGGER');
    expect(bash).toContain('-Dalluxio.master.hostname="$ALLUXIO_MASTER_HOSTNAME"');
    expect(bash).toContain('-Dalluxio.worker.memory.size="$ALLUXIO_WORKER_MEMORY_SIZE"');
    expect(bash).toContain('-Dalluxio.worker.tieredstore.level0.dirs.quota="$ALLUXIO_WORKER_MEMORY_SIZE"');
    expect(bash.endsWith('alluxio.worker.AlluxioWorker')).toBe(true);
  });

  it('master from a tarball without a JDK fetches only the tarball', () => {
    const command = buildLaunchCommand(master({ distribution: TARBALL }));
    expect(command.uris?.map((u) => u.value)).toEqual([TARBALL.kind === 'tarball' ? TARBALL.url : '']);
    expect(command.value).not.toContain('JAVA_HOME');
  });

  it('worker from a local installation with a JDK fetches only the JDK; an absolute jdk.path is kept', () => {
    const command = buildLaunchCommand(worker({ jdk: { url: JDK.url, path: '/usr/lib/jvm/java-8' } }));
    expect(command.uris?.map((u) => u.value)).toEqual([JDK.url]);
    expect(command.value).toContain('export JAVA_HOME=/usr/lib/jvm/java-8\n');
  });

  it('a master given a hostname pins it', () => {
    const bash = bashPart(buildLaunchCommand(master({ masterHostname: '127.0.0.5' })).value ?? '');
    expect(bash).toContain('-Dalluxio.master.hostname="$ALLUXIO_MASTER_HOSTNAME"');
  });

  it('puts extra environment variables in CommandInfo.environment, not in the command', () => {
    const command = buildLaunchCommand(master({ extraEnv: { ALLUXIO_RAM_FOLDER: '/dev/shm', TZ: 'UTC' } }));
    expect(command.environment).toEqual({
      variables: [
        { name: 'ALLUXIO_RAM_FOLDER', type: 'VALUE', value: '/dev/shm' },
        { name: 'TZ', type: 'VALUE', value: 'UTC' },
      ],
    });
    expect(command.value).not.toContain('/dev/shm');
  });
});

describe('buildLaunchCommand: quoting', () => {
  const nasty = [
    "alluxio.master.hostname=it's-a-host",
    'alluxio.underfs.address=/data/$HOME/`id`/$(id)',
    'a.backslash=C:\\\\dir\\\\',
    'ALLUXIO_SITE_PROPERTIES_EOF',
    "'ALLUXIO_SITE_PROPERTIES_EOF'",
    'x=ALLUXIO_SITE_PROPERTIES_EOF',
    '  ALLUXIO_SITE_PROPERTIES_EOF_1  ',
    '',
  ].join('\n');

  it('writes the properties with a quoted here-document whose body is the text verbatim', () => {
    const { delimiter, body } = heredocBody(buildLaunchCommand(master({ siteProperties: nasty })).value ?? '');
    expect(body).toBe(nasty);
    expect(nasty.split('\n').map((l) => l.trim())).not.toContain(delimiter);
  });

  it('ends the properties with a newline when the text has none', () => {
    const { body } = heredocBody(buildLaunchCommand(master({ siteProperties: 'a=1' })).value ?? '');
    expect(body).toBe('a=1\n');
  });

  it('keeps the bash part constant whatever the values, which reach it only as quoted exports', () => {
    const plain = buildLaunchCommand(worker()).value ?? '';
    const odd =
      buildLaunchCommand(
        worker({
          siteProperties: nasty,
          workerMemory: '1024.00MB',
          masterHostname: '[::1]',
          javaOpts: `-Xmx1g -Dalluxio.user.note='$(touch /tmp/pwned)' -Dx="a b"`,
          distribution: { kind: 'local', home: "/opt/it's alluxio" },
        }),
      ).value ?? '';
    expect(bashPart(odd)).toBe(bashPart(plain));
    expect(odd).toContain(`export ALLUXIO_MESOS_JAVA_OPTS='-Xmx1g -Dalluxio.user.note='\\''$(touch /tmp/pwned)'\\'' -Dx="a b"'\n`);
    expect(odd).toContain(`ALLUXIO_MESOS_HOME='/opt/it'\\''s alluxio'\n`);
  });

  it('refuses NUL bytes in the properties', () => {
    expect(() => buildLaunchCommand(master({ siteProperties: 'a=\0' }))).toThrow(TypeError);
  });
});

describe('buildLaunchCommand: secrets', () => {
  it.each([
    'alluxio.integration.mesos.secret=s3cr3t',
    'aws.secretKey=abc',
    'aws.accessKeyId=AKIA',
    'fs.oss.accessKeySecret=x',
    'fs.azure.account.key.acct.blob.core.windows.net=x',
    'alluxio.master.mount.table.root.option.aws.secretKey=x',
    'alluxio.integration.mesos.\\\n  secret=hidden-by-continuation',
    'alluxio.integration.mesos.secre\\u0074=hidden-by-escape',
  ])('refuses %s', (line) => {
    const spec = master({ siteProperties: `alluxio.master.port=1\n${line}\n` });
    const error = (() => {
      try {
        buildLaunchCommand(spec);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).line).toBe(2);
    expect((error as ConfigError).message).not.toMatch(/s3cr3t|hidden|AKIA/);
  });

  it('lets ordinary keys through, including the principal and a commented-out secret', () => {
    const text = 'alluxio.integration.mesos.principal=alluxio\n# alluxio.integration.mesos.secret=\nalluxio.master.keytab.file=/etc/k\n';
    expect(() => buildLaunchCommand(master({ siteProperties: text }))).not.toThrow();
  });

  it('refuses secret -D options, credential-looking env vars and URLs with a password', () => {
    expect(() => buildLaunchCommand(master({ javaOpts: '-Xmx1g -Daws.secretKey=x' }))).toThrow(ConfigError);
    expect(() => buildLaunchCommand(master({ extraEnv: { AWS_SECRET_ACCESS_KEY: 'x' } }))).toThrow(ConfigError);
    expect(() => buildLaunchCommand(master({ extraEnv: { 'BAD NAME': 'x' } }))).toThrow(ConfigError);
    expect(() => buildLaunchCommand(master({ distribution: { kind: 'tarball', url: 'https://u:p@h.example/alluxio.tar.gz' } }))).toThrow(
      /password/,
    );
  });
});

describe('buildLaunchCommand: validation', () => {
  it('needs the master host and a ramdisk size for workers', () => {
    expect(() => buildLaunchCommand(worker({ masterHostname: undefined }))).toThrow(ConfigError);
    expect(() => buildLaunchCommand(worker({ workerMemory: undefined }))).toThrow(ConfigError);
    expect(() => buildLaunchCommand(worker({ workerMemory: '1 GB' }))).toThrow(ConfigError);
    expect(() => buildLaunchCommand(worker({ masterHostname: 'a host' }))).toThrow(ConfigError);
  });

  it('checks the distribution and the JDK', () => {
    expect(() => buildLaunchCommand(master({ distribution: { kind: 'local', home: 'opt/alluxio' } }))).toThrow(/absolute/);
    expect(() => buildLaunchCommand(master({ distribution: { kind: 'tarball', url: 'https://h.example/alluxio.rpm' } }))).toThrow(
      /archive/,
    );
    expect(() => buildLaunchCommand(master({ jdk: { url: JDK.url, path: '../jdk' } }))).toThrow(ConfigError);
    expect(() => buildLaunchCommand(master({ jdk: { url: JDK.url, path: '' } }))).toThrow(ConfigError);
    for (const url of ['hdfs://nn:8020/dist/alluxio-1.8.2-bin.tgz', '/srv/alluxio.zip', 'http://h/a.tar.xz']) {
      expect(() => buildLaunchCommand(master({ distribution: { kind: 'tarball', url } }))).not.toThrow();
    }
  });
});

describe('journalFolderWord', () => {
  const word = (text: string): string | null => journalFolderWord(propertyMap(text));

  it('defaults to ${alluxio.work.dir}/journal with alluxio.work.dir defaulting to alluxio.home', () => {
    expect(word('')).toBe('"$ALLUXIO_MESOS_HOME"/journal');
    expect(word('alluxio.work.dir=/var/alluxio')).toBe('/var/alluxio/journal');
    expect(word('alluxio.work.dir=${alluxio.home}/work')).toBe('"$ALLUXIO_MESOS_HOME"/work/journal');
  });

  it('takes an explicit local folder, with or without file://, quoting odd characters', () => {
    expect(word('alluxio.master.journal.folder=/data/journal')).toBe('/data/journal');
    expect(word('alluxio.master.journal.folder=file:///data/journal')).toBe('/data/journal');
    expect(word("alluxio.master.journal.folder=/data/it's $x")).toBe(`'/data/it'\\''s $x'`);
  });

  it('is null for other file systems and for references it cannot resolve', () => {
    expect(word('alluxio.master.journal.folder=hdfs://nn:8020/alluxio/journal')).toBeNull();
    expect(word('alluxio.work.dir=s3a://bucket/w')).toBeNull();
    expect(word('alluxio.master.journal.folder=${some.unknown.key}/journal')).toBeNull();
    expect(word('alluxio.master.journal.folder=${a}\na=${alluxio.master.journal.folder}')).toBeNull();
  });
});

describe('buildLaunchCommand: workers of several masters', () => {
  it('are pointed at no master host: they find the leader through the properties they get', () => {
    const properties = 'alluxio.zookeeper.enabled=true\nalluxio.zookeeper.address=zk1:2181\n';
    const command = buildLaunchCommand(worker({ masterHostname: undefined, findsLeader: true, siteProperties: properties })).value ?? '';
    expect(command).not.toContain('ALLUXIO_MASTER_HOSTNAME');
    expect(bashPart(command)).not.toContain('alluxio.master.hostname');
    expect(heredocBody(command).body).toBe(properties);
    // One fixed master as well would tie every worker to it.
    expect(() => buildLaunchCommand(worker({ findsLeader: true }))).toThrow(/must not be pointed at one master host/);
  });
});
