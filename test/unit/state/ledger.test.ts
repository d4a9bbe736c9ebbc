import { mkdtemp, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { refuseNewFramework, startLedger } from '../../../src/framework/scheduler/adoption.js';
import {
  emptyLedger,
  fileLedgerStore,
  ledgerPathNextTo,
  liveTasks,
  parseLedger,
  serializeLedger,
  type Ledger,
} from '../../../src/state/ledger.js';
import { ConfigError, OperationError } from '../../../src/shared/errors.js';

function sample(): Ledger {
  const ledger = emptyLedger();
  ledger.frameworkId = 'fw-1';
  ledger.webuiUrl = 'http://a1:19999';
  ledger.nextAlias = { master: 2, worker: 4 };
  ledger.tasks.push(
    {
      alias: 'master-1',
      role: 'master',
      taskId: 'alluxio-master-1.u1',
      agentId: 'a1',
      hostname: 'a1',
      ports: [19998, 19999],
      state: 'TASK_RUNNING',
      healthy: true,
      launchedAt: 10,
      relaunchCount: 0,
      failures: [],
      lastFailure: undefined,
      killRequested: undefined,
      relaunchAt: undefined,
      crashLooped: false,
    },
    {
      alias: 'worker-3',
      role: 'worker',
      taskId: 'alluxio-worker-3.u9',
      agentId: 'a2',
      hostname: 'a2',
      ports: [29998],
      state: 'TASK_FAILED',
      healthy: undefined,
      launchedAt: 20,
      relaunchCount: 2,
      failures: [15, 20],
      lastFailure: { state: 'TASK_FAILED', at: 20, message: 'exit 1' },
      killRequested: undefined,
      relaunchAt: 25,
      crashLooped: false,
    },
  );
  return ledger;
}

describe('ledger (de)serialization', () => {
  it('round-trips', () => {
    expect(parseLedger(serializeLedger(sample()))).toEqual(sample());
  });

  it('lives next to the site configuration', () => {
    expect(ledgerPathNextTo('/etc/alluxio/alluxio-site.properties')).toBe('/etc/alluxio/alluxio-mesos-ledger.json');
  });

  it('counts only tasks that may still run as live', () => {
    expect(liveTasks(sample()).map((t) => t.alias)).toEqual(['master-1']);
  });

  it('accepts an empty hostname: an adopted task whose host no offer has named yet', () => {
    const ledger = sample();
    ledger.tasks[0]!.hostname = '';
    expect(parseLedger(serializeLedger(ledger)).tasks[0]?.hostname).toBe('');
  });

  it.each([
    ['not JSON', '{', /not valid JSON/],
    ['wrong version', JSON.stringify({ ...JSON.parse(serializeLedger(sample())), version: 7 }), /unsupported version 7/],
    ['bad state', serializeLedger(sample()).replace('"TASK_RUNNING"', '"RUNNING"'), /not a Mesos task state/],
    ['bad role', serializeLedger(sample()).replace('"role": "master"', '"role": "boss"'), /role must be/],
    ['duplicate alias', serializeLedger(sample()).replace('"worker-3"', '"master-1"'), /appears twice/],
  ])('rejects %s with a ConfigError that names the file and the fix', (_name, text, message) => {
    let error: unknown;
    try {
      parseLedger(text, '/conf/deploy-ledger.json');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(message);
    expect((error as ConfigError).file).toBe('/conf/deploy-ledger.json');
    expect((error as ConfigError).hint).toMatch(/\.bak/);
    expect((error as ConfigError).hint).toContain(
      'The .bak is one write behind: tasks launched since are found by reconciliation when deploy subscribes, and adopted or killed.',
    );
  });
});

describe('fileLedgerStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ledger-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads nothing when absent, then saves atomically with mode 0600 and loads it back', async () => {
    const file = path.join(dir, 'ledger.json');
    const store = fileLedgerStore(file);
    expect(await store.load()).toBeUndefined();
    await store.save(sample());
    expect(await store.load()).toEqual(sample());
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    await store.save(emptyLedger());
    expect(JSON.parse(await readFile(`${file}.bak`, 'utf8')).frameworkId).toBe('fw-1');
  });

  it('keeps the previous save as <file>.bak on every save: exactly one write behind', async () => {
    const file = path.join(dir, 'ledger.json');
    const store = fileLedgerStore(file);
    const ledger = sample();
    await store.save(ledger);
    for (const alias of ['worker-4', 'worker-5']) {
      const before = await readFile(file, 'utf8');
      ledger.tasks.push({ ...ledger.tasks[0]!, alias, taskId: `alluxio-${alias}.x` });
      await store.save(ledger);
      expect(await readFile(`${file}.bak`, 'utf8')).toBe(before);
      expect((await stat(`${file}.bak`)).mode & 0o777).toBe(0o600);
    }
    expect(parseLedger(await readFile(`${file}.bak`, 'utf8')).tasks.map((t) => t.alias)).not.toContain('worker-5');
  });

  it('refuses a task port outside 1-65535 when the ledger is read', () => {
    for (const port of [70000, 0, 65536]) {
      const text = serializeLedger(sample()).replace('19998', String(port));
      expect(() => parseLedger(text, 'ledger.json')).toThrow(/^ledger\.json: tasks\[0\]\.ports must be a list of ports \(1-65535\)$/);
    }
    expect(parseLedger(serializeLedger(sample()).replace('19998', '65535')).tasks[0]?.ports).toEqual([65535, 19999]);
  });

  it('reports a corrupt file as a ConfigError', async () => {
    const file = path.join(dir, 'ledger.json');
    await writeFile(file, 'garbage');
    await expect(fileLedgerStore(file).load()).rejects.toBeInstanceOf(ConfigError);
  });

  it('refuses a file far larger than any ledger without reading it, and says how to recover', async () => {
    const file = path.join(dir, 'ledger.json');
    await writeFile(file, '');
    await truncate(file, 65 * 1024 * 1024);
    const error = await fileLedgerStore(file)
      .load()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(`${file} is 65 MiB, more than the 64 MiB it may be`);
    expect((error as ConfigError).hint).toContain(`${file}.bak`);
  });
});

describe('startLedger / refusing a new framework', () => {
  it('starts empty without a ledger and keeps a ledger with a framework id', () => {
    expect(startLedger(undefined, { newFramework: false }).ledger).toEqual(emptyLedger());
    expect(startLedger(sample(), { newFramework: false }).ledger.frameworkId).toBe('fw-1');
  });

  it('refuses when live tasks have no framework id to resubscribe with', () => {
    const orphaned = { ...sample(), frameworkId: undefined };
    expect(() => startLedger(orphaned, { newFramework: false })).toThrow(OperationError);
    expect(() => refuseNewFramework(orphaned, 'x')).toThrow(/--new-framework|master-1/);
  });

  it('with --new-framework, drops the id and the tasks but keeps alias numbers', () => {
    const started = startLedger(sample(), { newFramework: true });
    expect(started.ledger.frameworkId).toBeUndefined();
    expect(started.ledger.tasks).toEqual([]);
    expect(started.ledger.nextAlias).toEqual({ master: 2, worker: 4 });
    expect(started.abandoned.map((t) => t.alias)).toEqual(['master-1']);
  });

  it('allows a new framework when nothing may still run', () => {
    const dead = sample();
    dead.frameworkId = undefined;
    dead.tasks = dead.tasks.filter((t) => t.state === 'TASK_FAILED');
    expect(() => startLedger(dead, { newFramework: false })).not.toThrow();
  });
});
