/**
 * However `alluxio-mesos local-cluster` ends, no task process survives it: Ctrl-C (SIGINT to its
 * process group, as a terminal sends it), SIGINT or SIGTERM to the process alone, and SIGKILL (a
 * crash: no handler runs; its agent hosts notice their channel close). Each case launches tasks that
 * also start a background child of their own, plus one custom executor per agent (a Node process on
 * the v1 executor API), on agents in agent-host processes, signals the
 * cluster while some of them are still launching, and then looks for processes by their sandbox
 * path (their working directory under the work dir), never by a shared name. Run inside a PID
 * namespace of its own (see the project guide), so that no other run's processes are seen.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, startCli } from '../helpers/cli.js';
import { processesUnder } from '../helpers/processes.js';
import { FRAMEWORK } from '../integration/emulator/master/helpers/cluster.js';
import { subscribeFramework, waitUntil } from '../integration/emulator/master/helpers/scheduler-client.js';

type Ev = Record<string, any>;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'am-lc-shutdown-'));
});
afterEach(async () => {
  // Whatever a failed case left: killed by path, so the next case starts clean.
  for (const pid of await processesUnder(dir)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  await rm(dir, { recursive: true, force: true });
});

const AGENTS = 3;
const TASKS_PER_AGENT = 4;

function firstJsonLine(stream: NodeJS.ReadableStream): Promise<Ev> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString();
      const newline = buffered.indexOf('\n');
      if (newline < 0) return;
      stream.off('data', onData);
      try {
        resolve(JSON.parse(buffered.slice(0, newline)) as Ev);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    };
    stream.on('data', onData);
  });
}

/** Starts the cluster, launches tasks on every agent and returns once some of them run. */
async function clusterWithTasks(workDir: string): Promise<{ child: ReturnType<typeof startCli> }> {
  const child = startCli(['local-cluster', '--agents', String(AGENTS), '--port', '0', '--work-dir', workDir, '--json'], {
    // Its own process group, so that a terminal's Ctrl-C can be sent to the group as a terminal does.
    detached: true,
  });
  const ready = await firstJsonLine(child.stdout!);
  expect(ready.event).toBe('ready');
  const framework = await subscribeFramework(String(ready.master), FRAMEWORK);
  const offersSoFar = (): Ev[] => framework.stream.json<Ev>().flatMap((e) => (e.type === 'OFFERS' ? (e.offers.offers as Ev[]) : []));
  await framework.stream.waitFor(
    () => new Set(offersSoFar().map((o) => o.agent_id.value)).size >= AGENTS,
    30_000,
    'offers from every agent',
  );
  const offers = [...new Map(offersSoFar().map((o) => [o.agent_id.value as string, o])).values()];
  let n = 0;
  for (const offer of offers.slice(0, AGENTS)) {
    const tasks = Array.from({ length: TASKS_PER_AGENT }, () => ({
      name: `t${n}`,
      task_id: { value: `t${n++}` },
      agent_id: offer.agent_id,
      resources: [
        { name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 }, role: '*' },
        { name: 'mem', type: 'SCALAR', scalar: { value: 32 }, role: '*' },
      ],
      // A background grandchild too: the whole process group must go, not just the shell.
      command: { shell: true, value: 'sleep 600 & exec sleep 600' },
    }));
    // And a custom executor (a Node process of its own, on the v1 executor API) holding one task.
    tasks.push({
      name: `t${n}`,
      task_id: { value: `t${n++}` },
      agent_id: offer.agent_id,
      resources: [
        { name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 }, role: '*' },
        { name: 'mem', type: 'SCALAR', scalar: { value: 32 }, role: '*' },
      ],
      executor: {
        executor_id: { value: 'bench-executor' },
        command: {
          shell: false,
          value: process.execPath,
          arguments: [process.execPath, path.join(REPO_ROOT, 'bench/lib/bench-executor.mjs')],
        },
        resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 }, role: '*' }],
      },
      data: Buffer.from('wait').toString('base64'),
    } as unknown as (typeof tasks)[number]);
    const accepted = await framework.call('ACCEPT', {
      accept: { offer_ids: [offer.id], operations: [{ type: 'LAUNCH', launch: { task_infos: tasks } }] },
    });
    expect(accepted.status).toBe(202);
  }
  // Signalled as soon as one task runs: the others may still be launching.
  await waitUntil(async () => (await processesUnder(workDir)).length > 0, 30_000, 'a task process to start');
  // ... and at least one custom executor's process.
  const executorRunning = async (): Promise<boolean> => {
    for (const pid of await processesUnder(workDir)) {
      if ((await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).includes('bench-executor.mjs')) return true;
    }
    return false;
  };
  await waitUntil(executorRunning, 30_000, 'a custom executor to start');
  framework.stream.close();
  return { child };
}

describe('alluxio-mesos local-cluster: no task process outlives the cluster, however it ends', () => {
  it.each([
    ['Ctrl-C (SIGINT to its process group)', 'group', 'SIGINT', 130],
    ['SIGINT', 'process', 'SIGINT', 130],
    ['SIGTERM', 'process', 'SIGTERM', 0],
    ['SIGKILL (a crash)', 'process', 'SIGKILL', undefined],
  ] as const)(
    '%s: every task process is gone after it exits',
    async (_name, target, signal, exitCode) => {
      const workDir = path.join(dir, 'work');
      const { child } = await clusterWithTasks(workDir);
      expect((await processesUnder(workDir)).length).toBeGreaterThan(0);
      if (target === 'group') process.kill(-child.pid!, signal);
      else child.kill(signal);
      const result = await child;
      if (exitCode === undefined) expect(result.signal).toBe(signal);
      else expect(result.exitCode, String(result.stderr)).toBe(exitCode);
      // After a crash the hosts find their channel closed and kill their tasks; give them that moment.
      let left: number[] = [];
      await waitUntil(async () => (left = await processesUnder(workDir)).length === 0, 10_000, 'every task process to be gone').catch(
        () => undefined,
      );
      expect(left).toEqual([]);
    },
    90_000,
  );
});
