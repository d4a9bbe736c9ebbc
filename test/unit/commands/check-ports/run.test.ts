/**
 * `check-ports` run in-process against a fake master: the exact text and JSON it prints, its exit
 * codes, and what `--suggest-ports --write` prints and writes.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCheckPorts, type CheckPortsFlags } from '../../../../src/commands/check-ports/run.js';
import { resolveGlobals, type RawGlobalOptions } from '../../../../src/context/context.js';
import { noTermination } from '../../../../src/context/termination.js';
import { agent, cpus, mem, ports, startFakeMesos, type FakeMesos } from '../../../helpers/fake-mesos.js';
import { testIo, type TestIo } from '../../../helpers/test-io.js';
import { OperationError } from '../../../../src/shared/errors.js';

const ALLUXIO_PORTS: Array<[number, number]> = [
  [19998, 19999],
  [29998, 30000],
  [31000, 32000],
];

let dir: string;
let mesos: FakeMesos;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'am-cmd-cp-'));
});
afterEach(async () => {
  await mesos.close();
  await rm(dir, { recursive: true, force: true });
});

/** One agent with Alluxio's default ports, one with only Mesos' default range. */
async function twoAgents(): Promise<void> {
  mesos = await startFakeMesos(() => ({
    agents: [
      agent('a1', 5051, [cpus(4), mem(8192), ports(ALLUXIO_PORTS)]),
      agent('a2', 5051, [cpus(4), mem(8192), ports([[31000, 32000]])]),
    ],
  }));
}

async function run(
  flags: CheckPortsFlags,
  raw: RawGlobalOptions = {},
  env: Record<string, string> = {},
): Promise<{ code: number; io: TestIo }> {
  const io = testIo({ cwd: dir, env });
  const code = await runCheckPorts(
    { io, globals: resolveGlobals({ confDir: 'conf', master: mesos.hostPort, ...raw }, io), termination: noTermination() },
    flags,
  );
  return { code, io };
}

describe('check-ports (in-process)', () => {
  it('prints the header, the agent table, the reasons, the verdict and the fix, and exits 0', async () => {
    await twoAgents();
    const { code, io } = await run({});
    expect(code).toBe(0);
    expect(io.stdoutText().split('\n')).toEqual([
      `Mesos master http://${mesos.hostPort} (1.12.0)`,
      "Checked for role '*': master ports 19998, 19999 with 1.1 cpus / 1056 MB; worker ports 29998, 29999, 30000 with 1.1 cpus / 2080 MB (executor overhead included)",
      '',
      'HOSTNAME  VERSION  MASTER  WORKER  FREE CPUS  FREE MEM  PORTS',
      'a1        1.12.0   yes     yes     4.0        8192 MB   [19998-19999,29998-30000,31000-32000]',
      'a2        1.12.0   no      no      4.0        8192 MB   [31000-32000]',
      '',
      'Why not:',
      '  a2',
      '    master: port 19998 (master rpc) is not advertised by the agent',
      '    master: port 19999 (master web) is not advertised by the agent',
      '    worker: port 29998 (worker rpc) is not advertised by the agent',
      '    worker: port 29999 (worker data) is not advertised by the agent',
      '    worker: port 30000 (worker web) is not advertised by the agent',
      '',
      '1 of 2 agents can run a worker; 1 can run the master',
      'Placement: master on a1; room for 1 worker',
      'OK: Alluxio can be placed',
      '',
      'Fix 1: make the ports available by restarting agents with these resources',
      '  Agent: a2',
      "    mesos-agent --resources='cpus:4;mem:8192;ports:[19998-19999,29998-30000,31000-32000]'",
      "    or in the environment: MESOS_RESOURCES='cpus:4;mem:8192;ports:[19998-19999,29998-30000,31000-32000]'",
      '    The agent must restart to pick this up. Also pass --reconfiguration_policy=additive (MESOS_RECONFIGURATION_POLICY=additive); ' +
        'without it the agent refuses to recover its old state and its running tasks are lost.',
      "  warning: Naming ports in --resources replaces Mesos' default ports:[31000-32000]; these flags keep every range the agents " +
        'advertise today, and pin cpus/mem/disk to what the agents report now.',
      '',
    ]);
    // The missing site file is a warning on stderr, never mixed into the report.
    expect(io.stderrText()).toBe(
      `warning: ${path.join(dir, 'conf', 'alluxio-site.properties')} does not exist; using Alluxio's defaults (run alluxio-mesos init to write one)\n`,
    );
    expect(mesos.calls()).toEqual(['GET_VERSION', 'GET_AGENTS']);
  });

  it('a master claiming 0.22.0 gets the version verdict (exit 1), without asking for its agents', async () => {
    mesos = await startFakeMesos(() => ({ version: '0.22.0', agents: [agent('a1', 5051, [cpus(4), mem(8192), ports(ALLUXIO_PORTS)])] }));
    const error = await run({}).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(OperationError);
    expect((error as OperationError).exitCode).toBe(1);
    expect((error as OperationError).message).toBe(
      `the Mesos master http://${mesos.hostPort} runs 0.22.0; Alluxio on Mesos needs 0.23.0 or later`,
    );
    expect(mesos.calls()).toEqual(['GET_VERSION']);
  });

  it('--json prints exactly one JSON document on one line, with every agent and the verdict', async () => {
    await twoAgents();
    const { code, io } = await run({}, { json: true });
    expect(code).toBe(0);
    const out = io.stdoutText();
    expect(out.endsWith('\n')).toBe(true);
    expect(out.trimEnd().includes('\n')).toBe(false);
    const report = JSON.parse(out) as Record<string, any>;
    expect(report.schemaVersion).toBe(1);
    expect(report.master).toEqual({ address: `http://${mesos.hostPort}`, version: '1.12.0', ok: true, reasons: [], warnings: [] });
    expect(report.requirements).toEqual({
      role: '*',
      masterCount: 1,
      master: { ports: [19998, 19999], cpus: 1.1, memMb: 1056 },
      worker: { ports: [29998, 29999, 30000], cpus: 1.1, memMb: 2080 },
    });
    expect(report.agents.map((a: any) => [a.hostname, a.master.ok, a.worker.ok, a.missingPorts])).toEqual([
      ['a1', true, true, []],
      ['a2', false, false, [19998, 19999, 29998, 29999, 30000]],
    ]);
    expect(report.summary.line).toBe('1 of 2 agents can run a worker; 1 can run the master');
    expect(report.verdict).toEqual({ ok: true, strict: false, reasons: [], placement: { masters: ['a1'], workers: ['a1'] } });
    expect(report.fixes.resourcesFlags[0].flag).toBe("--resources='cpus:4;mem:8192;ports:[19998-19999,29998-30000,31000-32000]'");
  });

  it('exits 1 with FAILED and the reasons when no agent can run Alluxio', async () => {
    mesos = await startFakeMesos(() => ({ agents: [agent('a2', 5051, [cpus(4), mem(8192), ports([[31000, 32000]])])] }));
    const text = await run({});
    expect(text.code).toBe(1);
    const lines = text.io.stdoutText().split('\n');
    expect(lines).toContain('0 of 1 agent can run a worker; 0 can run the master');
    expect(lines).toContain('FAILED: no agent can run the Alluxio master; no agent can run an Alluxio worker');
    const json = await run({}, { json: true });
    expect(json.code).toBe(1);
    const report = JSON.parse(json.io.stdoutText()) as { verdict: { ok: boolean; reasons: string[] } };
    expect(report.verdict.ok).toBe(false);
    expect(report.verdict.reasons).toEqual(['no agent can run the Alluxio master', 'no agent can run an Alluxio worker']);
  });

  it('colours the report only when allowed: FORCE_COLOR yes, NO_COLOR and --no-color no', async () => {
    await twoAgents();
    const ESC = '\u001b[';
    expect((await run({}, {}, { FORCE_COLOR: '1' })).io.stdoutText()).toContain(ESC);
    expect((await run({}, {}, { FORCE_COLOR: '1', NO_COLOR: '1' })).io.stdoutText()).not.toContain(ESC);
    expect((await run({}, { color: false }, { FORCE_COLOR: '1' })).io.stdoutText()).not.toContain(ESC);
    expect((await run({}, { json: true }, { FORCE_COLOR: '1' })).io.stdoutText()).not.toContain(ESC);
  });

  it('--suggest-ports --write prints the report, the diff, the file written and the new verdict', async () => {
    // Only Mesos' default range: every Alluxio port has to move into it.
    mesos = await startFakeMesos(() => ({ agents: [agent('a1', 5051, [cpus(8), mem(16384), ports([[31000, 32000]])])] }));
    await mkdir(path.join(dir, 'conf'));
    const file = path.join(dir, 'conf', 'alluxio-site.properties');
    await writeFile(file, 'alluxio.integration.mesos.alluxio.jar.url=LOCAL\n');
    const { code, io } = await run({ suggestPorts: true, write: true });
    expect(code).toBe(0);
    const out = io.stdoutText();
    // The report first (with the suggestion as Fix 2), then what was done about it.
    expect(out).toContain("Fix 2: move Alluxio's ports into ranges the agents already offer (1.x keys)\n");
    expect(out.slice(out.indexOf(`--- ${file}`))).toBe(
      [
        `--- ${file} (current)`,
        `+++ ${file} (new)`,
        '@@ -1 +1,6 @@',
        ' alluxio.integration.mesos.alluxio.jar.url=LOCAL',
        '+alluxio.master.port=31003',
        '+alluxio.master.web.port=31004',
        '+alluxio.worker.port=31000',
        '+alluxio.worker.data.port=31001',
        '+alluxio.worker.web.port=31002',
        '',
        `Wrote ${file} (previous version: ${file}.bak)`,
        'With the new ports: 1 of 1 agent can run a worker; 1 can run the master; Alluxio can be placed',
        '',
      ].join('\n'),
    );
    const written = await readFile(file, 'utf8');
    expect(written).toContain('alluxio.master.port=31003\n');
    expect(io.stderrText()).toBe('');
  });
});

describe('check-ports with the embedded journal (Alluxio 2.x high availability)', () => {
  const embedded = (addresses: string): string =>
    [
      'alluxio.integration.mesos.alluxio.jar.url=LOCAL',
      'alluxio.master.rpc.port=19998',
      'alluxio.integration.mesos.master.node.count=2',
      'alluxio.master.journal.type=EMBEDDED',
      `alluxio.master.embedded.journal.addresses=${addresses}`,
      '',
    ].join('\n');
  const withJournalPort: Array<[number, number]> = [[19200, 19200], ...ALLUXIO_PORTS];

  async function site(text: string): Promise<string> {
    await mkdir(path.join(dir, 'conf'));
    const file = path.join(dir, 'conf', 'alluxio-site.properties');
    await writeFile(file, text);
    return file;
  }

  it('needs the journal port on the hosts the addresses name, and masters only there', async () => {
    mesos = await startFakeMesos(() => ({
      agents: ['a1', 'a2', 'a3'].map((host) =>
        agent(host, 5051, [cpus(4), mem(8192), ports(host === 'a2' ? ALLUXIO_PORTS : withJournalPort)]),
      ),
    }));
    await site(embedded('a1:19200,a2:19200'));
    const { code, io } = await run({}, { json: true });
    const report = JSON.parse(io.stdoutText()) as {
      requirements: { master: { ports: number[] } };
      agents: Array<{ hostname: string; master: { ok: boolean; reasons: string[] } }>;
      verdict: { ok: boolean; reasons: string[] };
    };
    expect(report.requirements.master.ports).toEqual([19998, 19999, 19200]);
    const masterOf = (host: string) => report.agents.find((candidate) => candidate.hostname === host)?.master;
    expect(masterOf('a1')).toEqual({ ok: true, reasons: [] });
    expect(masterOf('a2')?.reasons).toEqual(['port 19200 (master embedded journal) is not advertised by the agent']);
    // a3 has every port, but the journal does not name it.
    expect(masterOf('a3')?.reasons).toEqual([
      'not a master host of alluxio.master.embedded.journal.addresses (the embedded journal names where masters run)',
    ]);
    expect(report.verdict.reasons).toEqual(['2 masters are configured but only 1 agent can run one']);
    expect(code).toBe(1);
  });

  it('names a listed host that is no agent', async () => {
    mesos = await startFakeMesos(() => ({
      agents: ['a1', 'a2'].map((host) => agent(host, 5051, [cpus(4), mem(8192), ports(withJournalPort)])),
    }));
    await site(embedded('a1:19200,m9:19200'));
    const { code, io } = await run({});
    expect(code).toBe(1);
    expect(io.stdoutText()).toContain(
      'alluxio.master.embedded.journal.addresses names m9, which is not the hostname of an active agent: the masters run on the hosts the embedded journal lists',
    );
  });

  it('--suggest-ports --write moves the addresses with the journal port, so the file stays consistent', async () => {
    mesos = await startFakeMesos(() => ({
      agents: ['a1', 'a2'].map((host) => agent(host, 5051, [cpus(8), mem(16384), ports([[31000, 32000]])])),
    }));
    const file = await site(embedded('a1:19200,a2:19200'));
    const { code } = await run({ suggestPorts: true, write: true });
    expect(code).toBe(0);
    const written = await readFile(file, 'utf8');
    const journalPort = /alluxio\.master\.embedded\.journal\.port=(\d+)/.exec(written)?.[1];
    expect(journalPort).toMatch(/^3\d{4}$/);
    expect(written).toContain(`alluxio.master.embedded.journal.addresses=a1:${journalPort},a2:${journalPort}\n`);
  });
});

describe('check-ports with ZooKeeper leader election', () => {
  it('warns when the masters’ ZooKeeper does not answer: no master would lead', async () => {
    await twoAgents();
    await mkdir(path.join(dir, 'conf'));
    const refusing = await new Promise<number>((resolve) => {
      // A port nothing listens on: taken and released at once.
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    await writeFile(
      path.join(dir, 'conf', 'alluxio-site.properties'),
      [
        'alluxio.integration.mesos.alluxio.jar.url=LOCAL',
        'alluxio.integration.mesos.master.node.count=1',
        'alluxio.zookeeper.enabled=true',
        `alluxio.zookeeper.address=127.0.0.1:${refusing}`,
        '',
      ].join('\n'),
    );
    const { code, io } = await run({}, { timeout: '1000' });
    expect(code).toBe(0);
    expect(io.stdoutText()).toMatch(
      new RegExp(
        `warning: the masters' ZooKeeper \\(alluxio\\.zookeeper\\.address=127\\.0\\.0\\.1:${refusing}\\) does not answer: .*; without it no master becomes the leader`,
      ),
    );
  });
});
