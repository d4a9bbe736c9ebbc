/**
 * The local cluster with its agents in agent hosts (child processes or worker threads): agents
 * register from there, tasks run and report through them, one agent is killed, started and
 * restarted from the cluster, and after stop() neither task processes nor hosts are left. Needs
 * `npm run build` (the hosts run the built host-main.js).
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalCluster } from '../../../src/emulator/cluster.js';
import { processesUnder } from '../../helpers/processes.js';
import { FRAMEWORK } from './master/helpers/cluster.js';
import { subscribeFramework, waitUntil } from './master/helpers/scheduler-client.js';

type Ev = Record<string, any>;

let dir: string;
let cluster: LocalCluster | undefined;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'am-agent-hosts-'));
});
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** Node processes whose command line runs the agent host, children of this process. */
async function hostProcesses(): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (ppid === process.pid && cmdline.includes('host-main.js')) found.push(Number(entry));
  }
  return found;
}

describe.each(['process', 'worker'] as const)('LocalCluster with agents in %s hosts', (kind) => {
  it('agents register from the hosts, run tasks, are killed and started one by one, and nothing is left after stop', async () => {
    const workDir = path.join(dir, 'work');
    cluster = new LocalCluster({ agents: 3, port: 0, workDir, allocationIntervalMs: 200, agentHosts: { kind, count: 2 } });
    await cluster.start();
    expect(cluster.agents.map((agent) => agent?.hostname)).toEqual(['127.0.0.2', '127.0.0.3', '127.0.0.4']);
    await waitUntil(() => cluster!.agents.every((agent) => agent?.registered === true), 10_000, 'every agent to report its registration');
    expect(new Set(cluster.agents.map((agent) => agent?.id)).size).toBe(3);
    expect(await hostProcesses()).toHaveLength(kind === 'process' ? 2 : 0);

    const framework = await subscribeFramework(cluster.url, FRAMEWORK);
    const offer = (await framework.stream.waitForEvent<Ev>((e) => e.type === 'OFFERS', 10_000, 'OFFERS')).offers.offers[0] as Ev;
    const task = {
      name: 'sleeper',
      task_id: { value: 'sleeper' },
      agent_id: offer.agent_id,
      resources: [
        { name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 }, role: '*' },
        { name: 'mem', type: 'SCALAR', scalar: { value: 32 }, role: '*' },
      ],
      command: { shell: true, value: 'sleep 600' },
    };
    await framework.call('ACCEPT', { accept: { offer_ids: [offer.id], operations: [{ type: 'LAUNCH', launch: { task_infos: [task] } }] } });
    const starting = await framework.stream.waitForEvent<Ev>((e) => e.update?.status.state === 'TASK_STARTING', 10_000, 'TASK_STARTING');
    const { agent_id, task_id, uuid } = starting.update.status as Ev;
    await framework.call('ACKNOWLEDGE', { acknowledge: { agent_id, task_id, uuid } });
    await framework.stream.waitForEvent<Ev>((e) => e.update?.status.state === 'TASK_RUNNING', 10_000, 'TASK_RUNNING');
    expect((await processesUnder(workDir)).length).toBeGreaterThan(0);

    // The task's agent dies with it; started again, it is a new agent at the same address.
    const index = cluster.agents.findIndex((agent) => agent?.id === offer.agent_id.value);
    const before = cluster.agents[index]!;
    await cluster.killAgent(index);
    expect(cluster.agents[index]).toBeUndefined();
    await waitUntil(async () => (await processesUnder(workDir)).length === 0, 10_000, 'the task to die with its agent');
    const again = await cluster.startAgent(index);
    expect(again.hostname).toBe(before.hostname);
    expect(again.port).toBe(before.port);
    await waitUntil(() => again.registered, 10_000, 'the started agent to register');
    expect(again.id).not.toBe(offer.agent_id.value);
    framework.stream.close();

    await cluster.stop();
    cluster = undefined;
    await waitUntil(async () => (await hostProcesses()).length === 0, 10_000, 'the hosts to exit');
    expect(await processesUnder(workDir)).toEqual([]);
  }, 60_000);
});
