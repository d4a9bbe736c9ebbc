/**
 * `alluxio-mesos state migrate`: the ledger moves file → ZooKeeper and back with its framework id,
 * the source is kept as a backup, the settings follow, and a scheduler holding the lease blocks it.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { emptyLedger, serializeLedger } from '../../../../src/state/ledger.js';
import { parseStateLocation } from '../../../../src/state/state-location.js';
import { openZooKeeperState } from '../../../../src/state/zookeeper-state.js';
import { runCli } from '../../../helpers/cli.js';
import { closeClient, connectClient, describeWithZooKeeper, startZooKeeper, type ZooKeeperServer } from '../../../helpers/zookeeper.js';

let zk: ZooKeeperServer | undefined;
let root: string | undefined;

afterEach(async () => {
  if (root !== undefined) await rm(root, { recursive: true, force: true });
  root = undefined;
});

async function readZNode(connectString: string, node: string): Promise<string | undefined> {
  const client = await connectClient(connectString);
  try {
    return await new Promise((resolve, reject) =>
      client.getData(node, (error, data) => {
        if (error === null) resolve(data?.toString('utf8'));
        else if ((error as { code?: number }).code === -101) resolve(undefined);
        else reject(error);
      }),
    );
  } finally {
    await closeClient(client);
  }
}

async function zChildren(connectString: string, node: string): Promise<string[]> {
  const client = await connectClient(connectString);
  try {
    return await new Promise((resolve, reject) =>
      client.getChildren(node, (error, children) => (error === null ? resolve(children) : reject(error))),
    );
  } finally {
    await closeClient(client);
  }
}

describeWithZooKeeper('state migrate', () => {
  beforeAll(async () => {
    zk = await startZooKeeper();
  }, 30_000);
  afterAll(async () => {
    await zk?.stop();
  });

  it('moves the ledger file to ZooKeeper and back, keeping the framework id and a backup of each source', { timeout: 60_000 }, async () => {
    if (zk === undefined) throw new Error('no ZooKeeper');
    root = await mkdtemp(path.join(tmpdir(), 'am-migrate-'));
    const confDir = path.join(root, 'conf');
    await mkdir(confDir);
    const ledgerFile = path.join(confDir, 'alluxio-mesos-ledger.json');
    await writeFile(ledgerFile, serializeLedger({ ...emptyLedger(), frameworkId: 'fw-migrated-0001' }));
    await writeFile(path.join(confDir, 'alluxio-mesos.json'), JSON.stringify({ master: '127.0.0.1:5050' }));
    const url = `zk://${zk.connectString}/am-migrate`;

    const there = await runCli(['state', 'migrate', '--to', url, '--conf-dir', confDir, '--json']);
    expect(there.exitCode, there.stderr).toBe(0);
    const result = JSON.parse(there.stdout) as { frameworkId: string; backup: string };
    expect(result.frameworkId).toBe('fw-migrated-0001');
    expect(JSON.parse((await readZNode(zk.connectString, '/am-migrate/ledger')) ?? '{}').frameworkId).toBe('fw-migrated-0001');
    expect(JSON.parse(await readFile(path.join(confDir, 'alluxio-mesos.json'), 'utf8'))).toEqual({ master: '127.0.0.1:5050', state: url });
    const files = await readdir(confDir);
    expect(files).not.toContain('alluxio-mesos-ledger.json');
    expect(files.filter((name) => name.startsWith('alluxio-mesos-ledger.json.migrated-'))).toHaveLength(1);
    expect(result.backup).toBe(path.join(confDir, files.find((name) => name.includes('.migrated-')) ?? ''));

    const back = await runCli(['state', 'migrate', '--to', 'file', '--conf-dir', confDir]);
    expect(back.exitCode, back.stderr).toBe(0);
    expect(back.stdout).toContain('fw-migrated-0001');
    expect(JSON.parse(await readFile(ledgerFile, 'utf8')).frameworkId).toBe('fw-migrated-0001');
    expect(JSON.parse(await readFile(path.join(confDir, 'alluxio-mesos.json'), 'utf8'))).toEqual({ master: '127.0.0.1:5050' });
    expect(await readZNode(zk.connectString, '/am-migrate/ledger')).toBeUndefined();
    const kept = (await zChildren(zk.connectString, '/am-migrate')).filter((name) => name.startsWith('ledger.migrated-'));
    expect(kept).toHaveLength(1);
    expect(JSON.parse((await readZNode(zk.connectString, `/am-migrate/${kept[0] ?? ''}`)) ?? '{}').frameworkId).toBe('fw-migrated-0001');
  });

  it('refuses while a scheduler holds the ZooKeeper lease, naming it (exit 1), and changes nothing', { timeout: 60_000 }, async () => {
    if (zk === undefined) throw new Error('no ZooKeeper');
    root = await mkdtemp(path.join(tmpdir(), 'am-migrate-'));
    const confDir = path.join(root, 'conf');
    await mkdir(confDir);
    const url = `zk://${zk.connectString}/am-held`;
    await writeFile(path.join(confDir, 'alluxio-mesos.json'), JSON.stringify({ state: url }));
    const location = parseStateLocation(url);
    if (location.kind !== 'zk') throw new Error('not zk');
    const holder = openZooKeeperState(location, { timeoutMs: 10_000, self: { pid: 4242, host: 'scheduler-host' } });
    try {
      const lease = await holder.acquire({ standby: false, signal: new AbortController().signal });
      await lease.store.save({ ...emptyLedger(), frameworkId: 'fw-held' });
      const refused = await runCli(['state', 'migrate', '--to', 'file', '--conf-dir', confDir]);
      expect(refused.exitCode).toBe(1);
      expect(refused.stderr).toContain('another scheduler is already active for this deployment: pid 4242 on scheduler-host');
      expect(await readdir(confDir)).toEqual(['alluxio-mesos.json']);
      expect(JSON.parse((await readZNode(zk.connectString, '/am-held/ledger')) ?? '{}').frameworkId).toBe('fw-held');
    } finally {
      await holder.close();
    }
  });

  it('rejects a malformed --to in one line (exit 2)', async () => {
    const result = await runCli(['state', 'migrate', '--to', 'zk:/nohost', '--conf-dir', tmpdir()]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim().split('\n')[0]).toMatch(/^error: --to /);
  });
});
