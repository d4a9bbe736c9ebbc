import { describe, expect, it } from 'vitest';
import { buildDeployPlan, resolveDistribution, taskSiteProperties } from '../../../../src/framework/deploy/plan.js';
import { describeReport } from '../../../../src/commands/deploy/live-view.js';
import { PropertiesDocument } from '../../../../src/config/properties.js';
import { resolveSiteConfig } from '../../../../src/config/site-config.js';
import { ConfigError, UsageError } from '../../../../src/shared/errors.js';

const site = (text: string) => {
  const doc = PropertiesDocument.parse(text);
  return { doc, config: resolveSiteConfig(doc) };
};

describe('resolveDistribution', () => {
  it('takes LOCAL with alluxio.home, or --alluxio-home', () => {
    const { config } = site('alluxio.integration.mesos.alluxio.jar.url=local\nalluxio.home=/srv/alluxio\n');
    expect(resolveDistribution(config, {})).toEqual({ kind: 'local', home: '/srv/alluxio' });
    expect(resolveDistribution(config, { alluxioHome: '/x' })).toEqual({ kind: 'local', home: '/x' });
  });

  it('lets --jar-url override the file, and rejects other schemes', () => {
    const { config } = site('alluxio.integration.mesos.alluxio.jar.url=LOCAL\n');
    expect(resolveDistribution(config, { jarUrl: 'file:///d/alluxio-1.8.2-bin.tar.gz' })).toEqual({
      kind: 'tarball',
      url: 'file:///d/alluxio-1.8.2-bin.tar.gz',
    });
    expect(() => resolveDistribution(config, { jarUrl: 'ftp://x/a.tgz' })).toThrow(UsageError);
  });

  it('refuses the unreachable default download URL and says what to pass', () => {
    const { config } = site('');
    expect(() => resolveDistribution(config, {})).toThrow(/no Alluxio distribution configured/);
  });
});

describe('taskSiteProperties', () => {
  it('propagates the non-default keys and never the secret', () => {
    const { doc } = site(
      'alluxio.worker.memory.size=4GB\nalluxio.master.web.port=19999\nalluxio.integration.mesos.secret=hunter2\nalluxio.integration.mesos.principal=ops\n',
    );
    const text = taskSiteProperties(doc);
    expect(text).toContain('alluxio.worker.memory.size=4GB');
    expect(text).toContain('alluxio.integration.mesos.principal=ops');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('alluxio.master.web.port');
  });
});

describe('taskSiteProperties: credentials', () => {
  it.each([
    ['alluxio.underfs.address=s3a://AKID:uri-secret@bucket/data', 's3a://AKID:***@bucket/data', 'AWS_SECRET_ACCESS_KEY'],
    ['alluxio.master.journal.folder=hdfs://u:uri-secret@nn:8020/journal', 'hdfs://u:***@nn:8020/journal', "agents' environment"],
    [
      'alluxio.master.mount.table.root.ufs=https://h/x?sv=1&sig=uri-secret',
      'https://h/x?sv=1&sig=***',
      "storage client's own configuration",
    ],
    ['aws.secretKey=uri-secret', 'a credential', 'remove aws.secretKey from alluxio-site.properties'],
  ])('refuses %s naming the file, the line and the fix, never the secret', (line, shown, fix) => {
    const { doc } = site(`alluxio.worker.memory.size=4GB\n${line}\n`);
    let error: unknown;
    try {
      taskSiteProperties(doc, '/c/alluxio-site.properties');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { message, hint, line: at, file } = error as ConfigError;
    expect(message).toContain(
      `(/c/alluxio-site.properties line 2) holds ${shown.startsWith('a ') ? shown : `a password or token in a URI (${shown})`}`,
    );
    expect(hint).toContain(fix);
    expect([at, file]).toEqual([2, '/c/alluxio-site.properties']);
    expect(`${message} ${hint}`).not.toContain('uri-secret');
  });

  it('says in the file the tasks get that it holds no credential', () => {
    const { doc } = site('alluxio.underfs.address=s3a://bucket/data\nalluxio.integration.mesos.secret=hunter2\n');
    const text = taskSiteProperties(doc);
    expect(text.split('\n')[0]).toMatch(/^# .*No credential/);
    expect(text).toContain('alluxio.underfs.address=s3a://bucket/data');
    expect(text).not.toContain('hunter2');
  });
});

describe('buildDeployPlan', () => {
  it('sizes the worker as ramdisk plus process memory and builds both launch commands', () => {
    const { doc, config } = site(
      'alluxio.integration.mesos.alluxio.jar.url=LOCAL\nalluxio.home=/opt/alluxio\nalluxio.worker.memory.size=2GB\nalluxio.integration.worker.resource.mem=512MB\n',
    );
    const plan = buildDeployPlan(config, doc, {
      name: 'alluxio',
      failoverTimeoutSeconds: 604800,
      healthChecks: true,
      healthCheck: { delaySeconds: 1 },
    });
    expect(plan.scheduler.worker.memMb).toBe(2048 + 512);
    expect(plan.scheduler.healthCheck?.delaySeconds).toBe(1);
    const worker = plan.scheduler.command('worker', 'agent-7');
    expect(worker.value).toContain('alluxio.worker.AlluxioWorker');
    expect(JSON.stringify(worker)).toContain('agent-7');
    const info = plan.frameworkInfo('http://agent-7:19999');
    expect(info).toMatchObject({
      name: 'alluxio',
      failover_timeout: 604800,
      checkpoint: true,
      webui_url: 'http://agent-7:19999',
      capabilities: [{ type: 'MULTI_ROLE' }],
    });
  });
});

describe('describeReport', () => {
  it('says what happened in one line', () => {
    expect(
      describeReport({
        type: 'task-launched',
        alias: 'worker-3',
        taskId: 't',
        role: 'worker',
        agentId: 'S',
        hostname: 'h3',
        ports: [29998],
        relaunch: true,
      }),
    ).toBe('worker-3 relaunched on h3 (ports 29998) as t');
    expect(describeReport({ type: 'task-state', alias: 'master-1', taskId: 't', state: 'TASK_RUNNING', healthy: true })).toBe(
      'master-1 RUNNING, healthy',
    );
    expect(describeReport({ type: 'all-placed', masters: 1, workers: 3 })).toMatch(/1 master\(s\), 3 worker\(s\)/);
  });
});

describe('buildDeployPlan: several masters', () => {
  const options = { name: 'alluxio', failoverTimeoutSeconds: 60, healthChecks: true };
  const ha =
    'alluxio.integration.mesos.alluxio.jar.url=LOCAL\nalluxio.integration.mesos.master.node.count=2\n' +
    'alluxio.zookeeper.enabled=true\nalluxio.zookeeper.address=zk1:2181\nalluxio.master.journal.folder=hdfs://nn:9000/j\n';

  it('gives workers the ZooKeeper settings instead of one master host; each master keeps its own host', () => {
    const { doc, config } = site(ha);
    const plan = buildDeployPlan(config, doc, options);
    expect(plan.siteProperties).toContain('alluxio.zookeeper.enabled=true');
    expect(plan.siteProperties).toContain('alluxio.zookeeper.address=zk1:2181');
    expect(plan.scheduler.master.electsLeader).toBe(true);
    expect(plan.scheduler.command('worker', 'agent-1').value).not.toContain('ALLUXIO_MASTER_HOSTNAME');
    expect(plan.scheduler.command('master', 'agent-1').value).toContain('export ALLUXIO_MASTER_HOSTNAME=agent-1');
  });

  it('with one master, workers are pointed at it as before', () => {
    const { doc, config } = site('alluxio.integration.mesos.alluxio.jar.url=LOCAL\n');
    const plan = buildDeployPlan(config, doc, options);
    expect(plan.scheduler.master.electsLeader).toBe(false);
    expect(plan.scheduler.command('worker', 'agent-1').value).toContain('export ALLUXIO_MASTER_HOSTNAME=agent-1');
  });
});
