/**
 * The stand-in's high-availability contract against a real ZooKeeper: masters elect a leader with
 * ephemeral sequential znodes, only the leader serves and publishes its address under the leader
 * path, workers register with the leader and follow a new one when it dies.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createClient, type Client } from 'node-zookeeper-client';
import { writeDemoDistribution, type DemoDistribution } from '../../../../src/emulator/standin-alluxio/generate.js';
import { describeWithZooKeeper, startZooKeeper, type ZooKeeperServer } from '../../../helpers/zookeeper.js';
import { agentEnv, freePorts, getJson, killAll, start, tempDir, waitFor, type MasterInfo, type RunningProcess } from './harness.js';

const MASTER_A = '127.0.0.2';
const MASTER_B = '127.0.0.3';
const WORKER = '127.0.0.4';

describeWithZooKeeper('stand-in masters elect a leader through ZooKeeper', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let dist: DemoDistribution;
  let zk: ZooKeeperServer;

  beforeAll(async () => {
    dir = await tempDir('demo-dist-ha-');
    dist = await writeDemoDistribution(dir.path);
    zk = await startZooKeeper();
  });
  afterEach(async () => {
    await killAll();
  });
  afterAll(async () => {
    await zk?.stop();
    await dir?.remove();
  });

  /** The children of a znode, read with the project's own ZooKeeper client (not the stand-in's). */
  async function children(path: string): Promise<string[]> {
    const client: Client = createClient(zk.connectString);
    client.connect();
    try {
      return await new Promise<string[]>((resolve, reject) =>
        client.getChildren(path, (error, found) => (error ? reject(error) : resolve(found))),
      );
    } finally {
      client.close();
    }
  }

  it('one leader serves, the standby takes over when it dies, and the worker follows it', { timeout: 60_000 }, async () => {
    const [rpc, web, wRpc, wData, wWeb] = await freePorts('127.0.0.1', 5);
    const conf = join(dir.path, 'conf');
    const logs = (host: string): string => join(dir.path, `logs-${host}`);
    const journal = join(dir.path, 'shared-journal');
    await mkdir(conf, { recursive: true });
    await writeFile(
      join(conf, 'alluxio-site.properties'),
      [
        'alluxio.zookeeper.enabled=true',
        `alluxio.zookeeper.address=${zk.connectString}`,
        'alluxio.zookeeper.session.timeout=2s',
        `alluxio.master.journal.folder=file://${journal}`,
        `alluxio.master.port=${rpc}`,
        `alluxio.master.web.port=${web}`,
        `alluxio.worker.port=${wRpc}`,
        `alluxio.worker.data.port=${wData}`,
        `alluxio.worker.web.port=${wWeb}`,
        'alluxio.worker.block.heartbeat.interval.ms=200',
        '',
      ].join('\n'),
    );
    const java = (host: string, logger: string, args: string[]): RunningProcess =>
      start(
        join(dist.home, 'libexec/standin-java'),
        [
          '-cp',
          `${conf}/:`,
          `-Dalluxio.home=${dist.home}`,
          `-Dalluxio.conf.dir=${conf}`,
          `-Dalluxio.logs.dir=${logs(host)}`,
          `-Dalluxio.logger.type=${logger}`,
          ...args,
        ],
        { cwd: dir.path, env: agentEnv({ LIBPROCESS_IP: host }) },
      );
    const format = java(MASTER_A, 'Console', ['alluxio.cli.Format', 'master']);
    expect((await format.exited).code).toBe(0);

    const masterA = java(MASTER_A, 'MASTER_LOGGER', [`-Dalluxio.master.hostname=${MASTER_A}`, 'alluxio.master.AlluxioMaster']);
    const info = (host: string): Promise<MasterInfo | undefined> => getJson<MasterInfo>(`http://${host}:${web}/api/v1/master/info`);
    await waitFor('the first master to lead', () => info(MASTER_A), { process: masterA });
    const masterB = java(MASTER_B, 'MASTER_LOGGER', [`-Dalluxio.master.hostname=${MASTER_B}`, 'alluxio.master.AlluxioMaster']);
    await waitFor('the second master to join the election as a standby', async () =>
      (await readFile(join(logs(MASTER_B), 'master.log'), 'utf8').catch(() => '')).includes('Standby: 1 master ahead') ? true : undefined,
    );
    // A standby serves nothing, as Alluxio's: its web port does not answer.
    expect(await info(MASTER_B)).toBeUndefined();
    expect(await children('/leader')).toEqual([`${MASTER_A}:${rpc}`]);
    expect((await children('/election')).length).toBe(2);

    const worker = java(WORKER, 'WORKER_LOGGER', ['-Dalluxio.worker.memory.size=64MB', 'alluxio.worker.AlluxioWorker']);
    await waitFor('the worker to register with the leader', async () => ((await info(MASTER_A))?.workers.length === 1 ? true : undefined), {
      process: worker,
    });

    // The leader dies without a word (its ZooKeeper session expires): the standby takes over.
    masterA.child.kill('SIGKILL');
    await masterA.exited;
    const taken = await waitFor(
      'the standby to lead and the worker to follow',
      async () => {
        const found = await info(MASTER_B);
        return found !== undefined && found.workers.length === 1 ? found : undefined;
      },
      { process: masterB, timeoutMs: 30_000 },
    );
    expect(taken.workers[0]).toMatchObject({ hostname: WORKER, rpcPort: wRpc });
    expect(await children('/leader')).toEqual([`${MASTER_B}:${rpc}`]);
    expect(await children('/election')).toHaveLength(1);

    worker.child.kill('SIGTERM');
    expect((await worker.exited).code).toBe(0);
    masterB.child.kill('SIGTERM');
    expect((await masterB.exited).code).toBe(0);
    // A graceful stop ends the session at once: nobody is left in the election.
    expect(await children('/election')).toEqual([]);
    const workerLog = await readFile(join(logs(WORKER), 'worker.log'), 'utf8');
    expect(workerLog).toContain(`Registered with master ${MASTER_A}:${rpc}`);
    expect(workerLog).toContain(`The leading master changed from ${MASTER_A}:${rpc} to ${MASTER_B}:${rpc}; registering with it`);
    expect(workerLog).toContain(`Registered with master ${MASTER_B}:${rpc}`);
    expect(await readFile(join(logs(MASTER_B), 'master.log'), 'utf8')).toContain(`Gained leadership: published ${MASTER_B}:${rpc}`);
  });
});
