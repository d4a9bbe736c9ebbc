/**
 * Agent loss from the outside, all through the real binary: a `local-cluster` process with short
 * ping timeouts, `deploy` of the stand-in Alluxio on it, and `local-cluster agent kill|start|restart`
 * from a third process. A killed agent's tasks die with it; the master reports it disconnected, then
 * unreachable; the scheduler relaunches its worker on the spare agent; a started or restarted agent
 * registers as a new agent (the old one removed at once on a restart, as Mesos does).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ResultPromise } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { writeDemoDistribution } from '../../../../src/emulator/standin-alluxio/generate.js';
import { runCli, startCli } from '../../../helpers/cli.js';
import {
  agentResources,
  initConf,
  randomPorts,
  standinOf,
  standins,
  startDeploy,
  waitHealthy,
  waitUntil,
  type DeployEvent,
  type DeployRun,
} from '../deploy/helpers.js';

interface ControlAgent {
  number: number;
  hostname: string;
  process: 'running' | 'killed';
  agentId: string | null;
  master: string;
}

let root: string | undefined;
let cluster: ResultPromise | undefined;
let run: DeployRun | undefined;

afterEach(async () => {
  if (run?.running === true) await run.stop('SIGTERM').catch(() => undefined);
  cluster?.kill('SIGINT');
  await cluster?.catch(() => undefined);
  if (root !== undefined) {
    for (const stray of await standins(root)) {
      try {
        process.kill(stray.pid, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
    }
    await rm(root, { recursive: true, force: true });
  }
  root = undefined;
  cluster = undefined;
  run = undefined;
});

/** Starts `local-cluster` (JSON output) and resolves with its master's `host:port` once it is ready. */
async function startLocalCluster(dir: string, resources: string): Promise<string> {
  const child = startCli([
    'local-cluster',
    '--agents',
    '3',
    '--port',
    '0',
    '--work-dir',
    path.join(dir, 'cluster'),
    '--json',
    '--heartbeat-interval',
    '1',
    '--agent-ping-timeout',
    '1',
    '--max-agent-ping-timeouts',
    '2',
    '--resources',
    resources,
  ]);
  cluster = child;
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  const ready = await waitUntil(
    'local-cluster to be ready',
    () => {
      const line = stdout.split('\n').find((text) => text.includes('"event":"ready"'));
      return line === undefined ? undefined : (JSON.parse(line) as { master: string });
    },
    30_000,
  );
  return ready.master.replace(/^http:\/\//, '');
}

/** `local-cluster agent ...` against `master`; its one JSON line parsed. */
async function agentCommand(master: string, args: readonly string[]): Promise<{ exitCode: number; json: unknown; stderr: string }> {
  const result = await runCli(['local-cluster', 'agent', ...args, '--master', master, '--json']);
  return {
    exitCode: result.exitCode,
    json: result.stdout === '' ? undefined : (JSON.parse(result.stdout) as unknown),
    stderr: result.stderr,
  };
}

async function agentList(master: string): Promise<ControlAgent[]> {
  const { exitCode, json, stderr } = await agentCommand(master, ['list']);
  if (exitCode !== 0) throw new Error(`agent list failed (${exitCode}): ${stderr}`);
  return (json as { agents: ControlAgent[] }).agents;
}

/** The agent ids `/master/slaves` lists. */
async function slaveIds(master: string): Promise<string[]> {
  const response = await fetch(`http://${master}/master/slaves`);
  return ((await response.json()) as { slaves: Array<{ id: string }> }).slaves.map((slave) => slave.id);
}

/** A sandbox (stand-in distribution, Alluxio ports) on a `local-cluster` process, and `deploy` of a master and two workers. */
async function deployOnLocalCluster(): Promise<{ master: string; run: DeployRun; launched: DeployEvent[] }> {
  root = await mkdtemp(path.join(tmpdir(), 'am-agent-control-'));
  const ports = randomPorts();
  const master = await startLocalCluster(root, agentResources(ports));
  const sandbox = { confDir: path.join(root, 'conf'), dist: await writeDemoDistribution(path.join(root, 'dist')), ports };
  await initConf(sandbox, [], master);
  run = startDeploy(sandbox, ['--max-workers', '2']);
  await waitHealthy(run, 3, 0, 60_000);
  return { master, run, launched: run.of('task-launched') };
}

/** A worker not on the Alluxio master's agent (so killing its agent leaves the master up), and that agent's number. */
function workerAwayFromMaster(launched: readonly DeployEvent[]): { worker: DeployEvent; number: number } {
  const masterHost = launched.find((event) => event.alias === 'master-1')?.hostname;
  const worker = launched.find((event) => event.role === 'worker' && event.hostname !== masterHost);
  if (worker === undefined) throw new Error(`no worker away from the master: ${JSON.stringify(launched)}`);
  // Agent 1 is 127.0.0.2.
  return { worker, number: Number((worker.hostname as string).split('.')[3]) - 1 };
}

describe('local-cluster agent kill / start / restart (binary, from another process)', () => {
  it(
    'kill: its tasks die with it, the master marks it unreachable, the scheduler relaunches the worker on the spare agent; start brings it back as a new agent',
    { timeout: 150_000 },
    async () => {
      const { master, run: deploy, launched } = await deployOnLocalCluster();
      const { worker, number } = workerAwayFromMaster(launched);
      const used = new Set(launched.map((event) => event.hostname as string));
      const spare = ['127.0.0.2', '127.0.0.3', '127.0.0.4'].find((host) => !used.has(host));
      expect(await standinOf(root as string, worker.taskId as string)).toBeDefined();
      const from = deploy.events.length;

      const killed = await agentCommand(master, ['kill', String(number)]);
      expect(killed.exitCode).toBe(0);
      expect(killed.json).toMatchObject({ action: 'kill', agent: { number, hostname: worker.hostname, process: 'killed' } });
      // The task died with its agent, at once.
      expect(await standinOf(root as string, worker.taskId as string)).toBeUndefined();

      // The master: disconnected at the next ping, unreachable after 2 pings of 1 s; gone from /master/slaves.
      await waitUntil('the master to mark the agent unreachable', async () => {
        const agent = (await agentList(master)).find((candidate) => candidate.number === number);
        return agent?.master === 'unreachable' ? agent : undefined;
      });
      expect(await slaveIds(master)).not.toContain(worker.agentId);

      // The scheduler: the agent is lost, the worker LOST and placed again on the spare agent.
      const lost = await deploy.waitFor('agent-lost', (event) => event.type === 'agent-lost' && event.agentId === worker.agentId, {
        from,
        timeoutMs: 20_000,
      });
      expect(lost.aliases).toEqual([worker.alias]);
      const gone = await deploy.waitFor(
        `${String(worker.alias)} LOST`,
        (event) => event.type === 'task-state' && event.taskId === worker.taskId,
        {
          from,
        },
      );
      expect(gone.state).toBe('TASK_LOST');
      const relaunched = await deploy.waitFor(
        `${String(worker.alias)} placed again`,
        (event) => event.type === 'task-launched' && event.alias === worker.alias,
        { from, timeoutMs: 30_000 },
      );
      expect(relaunched.hostname).toBe(spare);
      await deploy.waitFor(
        `${String(worker.alias)} RUNNING and healthy`,
        (event) =>
          event.type === 'task-state' && event.taskId === relaunched.taskId && event.state === 'TASK_RUNNING' && event.healthy === true,
        { from, timeoutMs: 30_000 },
      );

      // A second kill of a dead agent is refused; start brings it back as a new, empty agent.
      const again = await agentCommand(master, ['kill', String(number)]);
      expect(again.exitCode).toBe(1);
      expect(again.stderr.trimEnd().split('\n')).toHaveLength(1);
      const started = await agentCommand(master, ['start', worker.hostname as string]);
      expect(started.exitCode).toBe(0);
      const back = (started.json as { agent: ControlAgent }).agent;
      expect(back).toMatchObject({ number, process: 'running', master: 'registered' });
      expect(back.agentId).not.toBe(worker.agentId);
      expect(await slaveIds(master)).toContain(back.agentId);
      // Nothing was lost: still the Alluxio master and two workers, each RUNNING once.
      expect((await standins(root as string)).map((process) => process.role).sort()).toEqual(['master', 'worker', 'worker']);
    },
  );

  it(
    'restart: the new agent registers at the same address, the master removes the old one at once, and the worker is relaunched',
    { timeout: 150_000 },
    async () => {
      const { master, run: deploy, launched } = await deployOnLocalCluster();
      const { worker, number } = workerAwayFromMaster(launched);
      const from = deploy.events.length;

      const restarted = await agentCommand(master, ['restart', String(number)]);
      expect(restarted.exitCode).toBe(0);
      const agent = (restarted.json as { agent: ControlAgent }).agent;
      expect(agent).toMatchObject({ number, process: 'running', master: 'registered' });
      expect(agent.agentId).not.toBe(worker.agentId);
      // Removed, not merely unreachable: long before the ping timeout the master no longer lists it.
      expect(await slaveIds(master)).not.toContain(worker.agentId);

      const gone = await deploy.waitFor(
        `${String(worker.alias)} LOST`,
        (event) => event.type === 'task-state' && event.taskId === worker.taskId,
        { from, timeoutMs: 20_000 },
      );
      expect(gone).toMatchObject({ state: 'TASK_LOST', reason: 'REASON_AGENT_REMOVED' });
      const relaunched = await deploy.waitFor(
        `${String(worker.alias)} placed again`,
        (event) => event.type === 'task-launched' && event.alias === worker.alias,
        { from, timeoutMs: 30_000 },
      );
      await deploy.waitFor(
        `${String(worker.alias)} RUNNING and healthy`,
        (event) =>
          event.type === 'task-state' && event.taskId === relaunched.taskId && event.state === 'TASK_RUNNING' && event.healthy === true,
        { from, timeoutMs: 30_000 },
      );
      expect((await standins(root as string)).map((process) => process.role).sort()).toEqual(['master', 'worker', 'worker']);
      const list = await agentList(master);
      expect(list.map((entry) => [entry.number, entry.process, entry.master])).toEqual([
        [1, 'running', 'registered'],
        [2, 'running', 'registered'],
        [3, 'running', 'registered'],
      ]);
    },
  );
});
