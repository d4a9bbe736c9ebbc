/**
 * A custom executor on the local cluster, end to end: the built `alluxio-mesos local-cluster`
 * (agents in their host processes), a scheduler on the v1 API launching three tasks on one custom
 * executor (bench/lib/bench-executor.mjs, on the v1 executor HTTP API). Every update reaches the
 * scheduler, the agent's acknowledgements reach the executor (it sends TASK_FINISHED only after the
 * ACKNOWLEDGED of TASK_RUNNING, and counts them), KILL works, TEARDOWN shuts the executor down, and
 * no process is left (found by the sandbox path). Needs `npm run build`.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, startCli } from '../../helpers/cli.js';
import { processesUnder } from '../../helpers/processes.js';
import { FRAMEWORK } from './master/helpers/cluster.js';
import {
  getJson,
  httpRequest,
  postJson,
  subscribeFramework,
  waitUntil,
  type RawResponse,
  type SubscribedFramework,
} from './master/helpers/scheduler-client.js';

type Ev = Record<string, any>;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'am-custom-executor-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function firstJsonLine(stream: NodeJS.ReadableStream): Promise<Record<string, any>> {
  return new Promise((resolve) => {
    let buffered = '';
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString();
      const newline = buffered.indexOf('\n');
      if (newline < 0) return;
      stream.off('data', onData);
      resolve(JSON.parse(buffered.slice(0, newline)) as Record<string, any>);
    };
    stream.on('data', onData);
  });
}

const EXECUTOR = {
  type: 'CUSTOM',
  executor_id: { value: 'bench-executor' },
  name: 'bench executor',
  command: { shell: false, value: process.execPath, arguments: [process.execPath, path.join(REPO_ROOT, 'bench/lib/bench-executor.mjs')] },
  resources: [
    { name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 } },
    { name: 'mem', type: 'SCALAR', scalar: { value: 32 } },
  ],
};

function task(id: string, agentId: Ev, data?: string): Ev {
  return {
    name: id,
    task_id: { value: id },
    agent_id: agentId,
    resources: [
      { name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 } },
      { name: 'mem', type: 'SCALAR', scalar: { value: 16 } },
    ],
    executor: EXECUTOR,
    ...(data === undefined ? {} : { data: Buffer.from(data).toString('base64') }),
  };
}

/** The bench executor's processes under the test's directory (its sandbox), found by path. */
async function executorProcesses(): Promise<number[]> {
  const pids = await processesUnder(dir);
  const commands = await Promise.all(pids.map((pid) => readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')));
  return pids.filter((_, i) => commands[i]!.includes('bench-executor.mjs'));
}

/** Acknowledges every update that asks for it, as it arrives. */
function acknowledgeEverything(framework: SubscribedFramework): () => void {
  const done = new Set<string>();
  const timer = setInterval(() => {
    for (const event of framework.stream.json<Ev>()) {
      const status = event.update?.status as Ev | undefined;
      if (status?.uuid === undefined || done.has(status.uuid)) continue;
      done.add(status.uuid);
      void framework.call('ACKNOWLEDGE', { acknowledge: { agent_id: status.agent_id, task_id: status.task_id, uuid: status.uuid } });
    }
  }, 20);
  return () => clearInterval(timer);
}

const states = (framework: SubscribedFramework, taskId: string): string[] =>
  framework.stream
    .json<Ev>()
    .filter((e) => e.update?.status.task_id.value === taskId)
    .map((e) => e.update.status.state as string);

/** `local-cluster` with one agent offering `resources`, on a free port, its ready line as JSON. */
const startOneAgentCluster = (resources: string): ReturnType<typeof startCli> =>
  startCli(['local-cluster', '--agents', '1', '--port', '0', '--work-dir', dir, '--json', '--resources', resources]);

describe('local-cluster with a custom executor (binary)', () => {
  it('runs three tasks on one executor: updates, acknowledgements, KILL, teardown, nothing left', async () => {
    const cluster = startOneAgentCluster('cpus:2;mem:1024');
    let stopAcknowledging = (): void => undefined;
    try {
      const ready = await firstJsonLine(cluster.stdout!);
      const framework = await subscribeFramework(String(ready.master), FRAMEWORK);
      stopAcknowledging = acknowledgeEverything(framework);
      const offer = (await framework.stream.waitForEvent<Ev>((e) => e.type === 'OFFERS', 10_000, 'OFFERS')).offers.offers[0] as Ev;
      const accepted = await framework.call('ACCEPT', {
        accept: {
          offer_ids: [offer.id],
          operations: [
            {
              type: 'LAUNCH',
              launch: { task_infos: [task('one', offer.agent_id), task('two', offer.agent_id), task('held', offer.agent_id, 'wait')] },
            },
          ],
        },
      });
      expect(accepted.status).toBe(202);

      await waitUntil(
        () => states(framework, 'one').includes('TASK_FINISHED') && states(framework, 'two').includes('TASK_FINISHED'),
        20_000,
        'one and two to finish',
      );
      await waitUntil(() => states(framework, 'held').includes('TASK_RUNNING'), 10_000, 'held to run');
      // TASK_FINISHED leaves the executor only after the agent ACKNOWLEDGED its TASK_RUNNING.
      expect(states(framework, 'one')).toEqual(['TASK_RUNNING', 'TASK_FINISHED']);
      expect(states(framework, 'two')).toEqual(['TASK_RUNNING', 'TASK_FINISHED']);
      const running = framework.stream.json<Ev>().find((e) => e.update?.status.task_id.value === 'held')!.update.status as Ev;
      expect(running).toMatchObject({ source: 'SOURCE_EXECUTOR', executor_id: { value: 'bench-executor' }, agent_id: offer.agent_id });

      // One executor process for the three tasks, in its sandbox; the agent shows them under it.
      expect(await executorProcesses()).toHaveLength(1);
      const agentState = await getJson<Ev>(String(ready.agents[0].endpoint), '/state');
      const executor = (agentState.frameworks[0].executors as Ev[]).find((e) => e.id === 'bench-executor') as Ev;
      // One executor view for its tasks (one and two leave it once the scheduler's acknowledgements arrive).
      expect((agentState.frameworks[0].executors as Ev[]).filter((e) => e.id === 'bench-executor')).toHaveLength(1);
      expect(executor.tasks.map((t: Ev) => t.id)).toContain('held');
      const sandbox = String(executor.directory);
      // The master knows the executor (operator API), once, on its agent.
      const executorsAnswer = await postJson(String(ready.master), '/api/v1', { type: 'GET_EXECUTORS' });
      expect(JSON.parse(executorsAnswer.body.toString()).get_executors.executors).toEqual([
        expect.objectContaining({
          agent_id: offer.agent_id,
          executor_info: expect.objectContaining({ executor_id: { value: 'bench-executor' } }),
        }),
      ]);

      // Bad executor calls get a Mesos 1.12 agent's answers.
      const agentUrl = String(ready.agents[0].endpoint);
      const call = (value: unknown, headers: Record<string, string> = {}) => postJson(agentUrl, '/api/v1/executor', value, headers);
      const ids = { framework_id: { value: framework.frameworkId }, executor_id: { value: 'bench-executor' } };
      const answer = async (response: Promise<RawResponse>): Promise<[number, string]> => {
        const { status, body } = await response;
        return [status, body.toString().trim()];
      };
      expect(await answer(httpRequest(agentUrl, 'GET', '/api/v1/executor'))).toEqual([
        405,
        "Expecting one of { 'POST' }, but received 'GET'",
      ]);
      expect(await answer(httpRequest(agentUrl, 'POST', '/api/v1/executor', '{}'))).toEqual([
        400,
        "Expecting 'Content-Type' to be present",
      ]);
      expect((await call(ids, { 'Content-Type': 'application/x-protobuf' })).status).toBe(415);
      expect(await answer(call({ ...ids, framework_id: { value: 'nobody' }, type: 'HEARTBEAT' }))).toEqual([202, '']);
      expect(await answer(call({ ...ids, framework_id: { value: 'nobody' }, type: 'SUBSCRIBE', subscribe: {} }))).toEqual([
        400,
        'Framework cannot be found',
      ]);
      expect(await answer(call({ ...ids, executor_id: { value: 'nobody' }, type: 'SUBSCRIBE', subscribe: {} }))).toEqual([
        400,
        'Executor cannot be found',
      ]);
      const unknownTask = { task_id: { value: 'not-mine' }, state: 'TASK_RUNNING', source: 'SOURCE_EXECUTOR', uuid: running.uuid };
      expect(await answer(call({ ...ids, type: 'UPDATE', update: { status: unknownTask } }))).toEqual([
        400,
        "Task 'not-mine' is not known to executor 'bench-executor'",
      ]);
      expect(
        (await httpRequest(agentUrl, 'POST', '/api/v1/executor', Buffer.alloc(5 * 1024 * 1024, 32), { 'Content-Type': 'application/json' }))
          .status,
      ).toBe(413);

      await framework.call('KILL', { kill: { task_id: { value: 'held' }, agent_id: offer.agent_id } });
      await waitUntil(() => states(framework, 'held').includes('TASK_KILLED'), 10_000, 'held to be killed');

      await framework.call('TEARDOWN');
      // (The cluster itself names the work directory on its command line: only the executor must go.)
      await waitUntil(async () => (await executorProcesses()).length === 0, 15_000, 'the executor to be shut down');
      const stdout = await readFile(path.join(sandbox, 'stdout'), 'utf8');
      expect(stdout).toContain('bench-executor: received SHUTDOWN');
      // RUNNING + FINISHED of two tasks, RUNNING + KILLED of the third: each acknowledged by the agent.
      expect(stdout).toContain('bench-executor: 6 updates sent, 6 acknowledged');
    } finally {
      stopAcknowledging();
      cluster.kill('SIGINT');
      await cluster;
    }
    expect(await processesUnder(dir)).toEqual([]);
  }, 60_000);

  it('an executor that dies: its unfinished task fails (REASON_EXECUTOR_TERMINATED) and its resources are offered again', async () => {
    const cluster = startOneAgentCluster('cpus:1;mem:1024');
    let stopAcknowledging = (): void => undefined;
    try {
      const ready = await firstJsonLine(cluster.stdout!);
      const framework = await subscribeFramework(String(ready.master), FRAMEWORK);
      stopAcknowledging = acknowledgeEverything(framework);
      const offer = (await framework.stream.waitForEvent<Ev>((e) => e.type === 'OFFERS', 10_000, 'OFFERS')).offers.offers[0] as Ev;
      await framework.call('ACCEPT', {
        accept: { offer_ids: [offer.id], operations: [{ type: 'LAUNCH', launch: { task_infos: [task('held', offer.agent_id, 'wait')] } }] },
      });
      await waitUntil(() => states(framework, 'held').includes('TASK_RUNNING'), 20_000, 'held to run');
      const [pid] = await executorProcesses();
      process.kill(pid!, 'SIGKILL');
      await waitUntil(() => states(framework, 'held').includes('TASK_FAILED'), 10_000, 'held to fail');
      const failed = framework.stream.json<Ev>().find((e) => e.update?.status.state === 'TASK_FAILED')!.update.status as Ev;
      expect(failed).toMatchObject({ source: 'SOURCE_AGENT', reason: 'REASON_EXECUTOR_TERMINATED', message: 'Executor terminated' });
      // Task (0.1 cpu) and executor (0.1 cpu) are both back: the whole cpu is offered again.
      await framework.call('REVIVE');
      const cpus = (event: Ev): number => (event.offers.offers[0].resources as Ev[]).find((r) => r.name === 'cpus')!.scalar.value as number;
      await framework.stream.waitForEvent<Ev>((e) => e.type === 'OFFERS' && cpus(e) === 1, 10_000, 'the whole cpu offered again');
    } finally {
      stopAcknowledging();
      cluster.kill('SIGINT');
      await cluster;
    }
    expect(await processesUnder(dir)).toEqual([]);
  }, 60_000);
});
