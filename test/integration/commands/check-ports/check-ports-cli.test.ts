import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanEnv, runCli } from '../../../helpers/cli.js';
import { FixtureServer, json, text, transcript, transcriptJson } from '../../../helpers/http-fixture-server.js';
import {
  closeClient,
  connectClient,
  describeWithZooKeeper,
  mkdirp,
  registerMaster,
  startZooKeeper,
  type ZooKeeperServer,
} from '../../../helpers/zookeeper.js';

let dir: string;
let server: FixtureServer;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'am-cp-'));
  server = await FixtureServer.start();
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

async function writeSite(text: string): Promise<void> {
  await mkdir(path.join(dir, 'conf'), { recursive: true });
  await writeFile(path.join(dir, 'conf', 'alluxio-site.properties'), text);
}

const cpus = (value: number, role = '*') => ({ name: 'cpus', type: 'SCALAR', scalar: { value }, role });
const mem = (value: number, role = '*') => ({ name: 'mem', type: 'SCALAR', scalar: { value }, role });
const ports = (ranges: Array<[number, number]>, role = '*') => ({
  name: 'ports',
  type: 'RANGES',
  ranges: { range: ranges.map(([begin, end]) => ({ begin, end })) },
  role,
});

function agent(hostname: string, resources: unknown[], extra: Record<string, unknown> = {}) {
  return {
    agent_info: { hostname, id: { value: `S-${hostname}` }, port: 5051, resources },
    active: true,
    version: '1.12.0',
    total_resources: resources,
    allocated_resources: [],
    offered_resources: [],
    ...extra,
  };
}

function v1Master(agents: unknown[], version = '1.12.0') {
  server.route('POST', '/api/v1', (request) => {
    const call = JSON.parse(request.body.toString()) as { type: string };
    if (call.type === 'GET_VERSION') return json({ type: 'GET_VERSION', get_version: { version_info: { version } } });
    if (call.type === 'GET_AGENTS') return json({ type: 'GET_AGENTS', get_agents: { agents } });
    return text(400, 'unexpected');
  });
}

const run = (args: string[], env: Record<string, string | undefined> = {}) =>
  runCli(['check-ports', '--conf-dir', 'conf', ...args], { cwd: dir, env: cleanEnv(env) });

describe('alluxio-mesos check-ports (binary)', () => {
  it('passes on a cluster that fits, with a per-agent table and the summary line', async () => {
    v1Master([
      agent('a1', [
        cpus(4),
        mem(8192),
        ports([
          [19998, 19999],
          [29998, 30000],
          [31000, 32000],
        ]),
      ]),
      agent('a2', [cpus(4), mem(8192), ports([[31000, 32000]])]),
    ]);
    const result = await run(['--master', server.hostPort]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^a1\s+1\.12\.0\s+yes\s+yes/m);
    expect(result.stdout).toMatch(/^a2\s+1\.12\.0\s+no\s+no/m);
    expect(result.stdout).toContain('1 of 2 agents can run a worker; 1 can run the master');
    // Fix 1 keeps the agent's own range and joins adjacent ones.
    expect(result.stdout).toContain("mesos-agent --resources='cpus:4;mem:8192;ports:[19998-19999,29998-30000,31000-32000]'");
  });

  it('fails (exit 1) when no agent advertises the ports, and --json names every reason', async () => {
    v1Master([
      agent('no-ports', [cpus(4), mem(8192)]),
      agent('reserved', [
        cpus(4),
        mem(8192),
        ports(
          [
            [19998, 19999],
            [29998, 30000],
          ],
          'spark',
        ),
      ]),
      agent('small', [cpus(0.5), mem(512), ports([[19990, 30010]])]),
    ]);
    const result = await run(['--master', server.hostPort, '--json']);
    expect(result.exitCode).toBe(1);
    const report = JSON.parse(result.stdout) as {
      verdict: { ok: boolean };
      agents: Array<{
        hostname: string;
        agentId: string;
        version: string;
        master: { ok: boolean; reasons: string[] };
        worker: { ok: boolean; reasons: string[] };
      }>;
    };
    expect(report.verdict.ok).toBe(false);
    const byHost = Object.fromEntries(report.agents.map((a) => [a.hostname, a]));
    expect(byHost['no-ports']?.worker.reasons.join(' ')).toMatch(/not advertised/);
    expect(byHost.reserved?.master.reasons.join(' ')).toMatch(/reserved for role 'spark'/);
    expect(byHost.small?.worker.reasons.join(' ')).toMatch(/cpus|mem/);
    expect(byHost.small?.agentId).toBe('S-small');
  });

  it('reads ports and sizes from alluxio-site.properties (2.x spelling)', async () => {
    await writeSite(
      'alluxio.master.rpc.port=31398\nalluxio.master.web.port=31399\nalluxio.worker.rpc.port=31498\nalluxio.worker.web.port=31500\n',
    );
    v1Master([agent('a1', [cpus(4), mem(8192), ports([[31000, 32000]])])]);
    const result = await run(['--master', server.hostPort, '--json']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('31398');
  });

  it('suggests free ports and writes them in the file’s spelling with a backup', async () => {
    await writeSite('# ports\nalluxio.master.port=19998\n');
    v1Master([agent('a1', [cpus(4), mem(8192), ports([[31000, 32000]])]), agent('a2', [cpus(4), mem(8192), ports([[31000, 32000]])])]);
    const result = await run(['--master', server.hostPort, '--suggest-ports', '--write']);
    expect(result.exitCode).toBe(0);
    const written = await readFile(path.join(dir, 'conf', 'alluxio-site.properties'), 'utf8');
    expect(written).toMatch(/^alluxio\.master\.port=3\d{4}$/m);
    expect(written).toMatch(/^alluxio\.worker\.port=3\d{4}$/m);
    expect(result.stdout).toMatch(/With the new ports: .*Alluxio can be placed/);
    expect(written.startsWith('# ports\n')).toBe(true);
    expect(await readFile(path.join(dir, 'conf', 'alluxio-site.properties.bak'), 'utf8')).toBe('# ports\nalluxio.master.port=19998\n');
  });

  it('follows a 307 from a non-leading master', async () => {
    const leader = await FixtureServer.start();
    try {
      leader.route('POST', '/api/v1', (request) => {
        const call = JSON.parse(request.body.toString()) as { type: string };
        if (call.type === 'GET_VERSION') return json({ type: 'GET_VERSION', get_version: { version_info: { version: '1.12.0' } } });
        return json({
          type: 'GET_AGENTS',
          get_agents: {
            agents: [
              agent('a1', [
                cpus(4),
                mem(8192),
                ports([
                  [19998, 19999],
                  [29998, 30000],
                ]),
              ]),
            ],
          },
        });
      });
      server.route('POST', '/api/v1', {
        status: 307,
        statusText: 'Temporary Redirect',
        headers: { Location: `//127.0.0.1:${leader.port}/api/v1` },
      });
      const result = await run(['--master', server.hostPort]);
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toContain(`127.0.0.1:${leader.port}`);
    } finally {
      await leader.close();
    }
  });

  it('exits 3 naming the address when nothing answers', async () => {
    const port = server.port;
    await server.close();
    server = await FixtureServer.start();
    const result = await run(['--master', `127.0.0.1:${port}`, '--timeout', '1500']);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain(`127.0.0.1:${port}`);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('exits 3 with "credentials rejected" on 401, naming the principal and never the secret', async () => {
    server.route('POST', '/api/v1', text(401, 'Unauthorized'));
    server.route('GET', '/version', text(401, 'Unauthorized'));
    const result = await run(['--master', server.hostPort, '--principal', 'ops'], { ALLUXIO_MESOS_SECRET: 'hunter2-secret' });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(/credentials rejected/);
    expect(result.stderr).toContain("'ops'");
    expect(result.stderr).not.toContain('hunter2-secret');
  });

  it.each([
    ['zk://zk1:2181', 2],
    ['host:0', 2],
    ['host:70000', 2],
    ['http:/x', 2],
  ])('rejects the malformed address %s with exit %i', async (address, code) => {
    const result = await run(['--master', address]);
    expect(result.exitCode).toBe(code);
    expect(result.stderr).toMatch(/^error: /);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('reports a garbage body from the master clearly', async () => {
    server.route('POST', '/api/v1', { status: 200, headers: { 'Content-Type': 'application/json' }, body: '{"type":"GET_VERS' });
    server.route('GET', '/version', { status: 200, headers: { 'Content-Type': 'application/json' }, body: 'not json' });
    server.route('GET', '/master/state', { status: 200, headers: { 'Content-Type': 'application/json' }, body: '<html>' });
    const result = await run(['--master', server.hostPort]);
    expect([1, 3]).toContain(result.exitCode);
    expect(result.stderr).toMatch(/^error: .*(JSON|json|body)/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('works on the /master/slaves shape recorded from a real Mesos 1.12', async () => {
    const state = transcriptJson('01_master_GET_master_state_before') as { version: string };
    server.route('POST', '/api/v1', text(404, ''));
    server.route('GET', '/version', transcript('01_master_GET_version'));
    server.route('GET', '/master/slaves', transcript('01_master_GET_master_slaves'));
    const result = await run(['--master', server.hostPort, '--json']);
    expect(state.version).toBe('1.12.0');
    const report = JSON.parse(result.stdout) as {
      agents: Array<{ hostname: string; master: { ok: boolean }; worker: { ok: boolean; reasons: string[] } }>;
      master: { version: string };
    };
    expect(report.master.version).toBe('1.12.0');
    expect(report.agents).toHaveLength(1);
    // The recorded agent offers cpus 2 / mem 2048 and the default ports: the master fits; a worker
    // needs 1 GB ramdisk + 1024 MB + the executor's 32 MB = 2080 MB, which does not.
    expect(report.agents[0]?.master.ok).toBe(true);
    expect(report.agents[0]?.worker.ok).toBe(false);
    expect(report.agents[0]?.worker.reasons.join(' ')).toMatch(/2080/);
    expect(result.exitCode).toBe(1);
  });
});

describeWithZooKeeper('alluxio-mesos check-ports with ZooKeeper', () => {
  let zk: ZooKeeperServer;
  beforeEach(async () => {
    zk = await startZooKeeper();
  }, 60_000);
  afterEach(async () => {
    await zk.stop();
  });

  it('finds the leading master through zk:// and follows a leader change', async () => {
    v1Master([
      agent('a1', [
        cpus(4),
        mem(8192),
        ports([
          [19998, 19999],
          [29998, 30000],
        ]),
      ]),
    ]);
    const dead = {
      id: 'dead',
      ip: '127.0.0.1',
      port: 1,
      hostname: '127.0.0.1',
      address: { hostname: '127.0.0.1', ip: '127.0.0.1', port: 1 },
    };
    const live = {
      id: 'live',
      ip: '127.0.0.1',
      port: server.port,
      hostname: '127.0.0.1',
      address: { hostname: '127.0.0.1', ip: '127.0.0.1', port: server.port },
    };
    const admin = await connectClient(zk.connectString);
    await mkdirp(admin, '/mesos');
    await closeClient(admin);
    const first = await registerMaster(zk.connectString, '/mesos', dead);
    const second = await registerMaster(zk.connectString, '/mesos', live);
    try {
      // The lowest sequence (the dead one) leads until its session ends.
      await first.close();
      const result = await run(['--master', `zk://${zk.connectString}/mesos`]);
      expect(result.stdout).toContain(`127.0.0.1:${server.port}`);
      expect(result.exitCode).toBe(0);
    } finally {
      await second.close();
    }
  });
});
