/**
 * A LocalAgent against a fake master: registration, the status update protocol (one at a time,
 * re-sent until acknowledged), `/state`, `/health` and `/version` compared with a real agent's, and
 * re-registration, stop and crash.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalAgent, type LocalAgentOptions } from '../../../../src/emulator/agent/local-agent.js';
import { ConfigError, OperationError } from '../../../../src/shared/errors.js';
import { FakeMaster, commandTask, waitFor } from './fake-master.js';
import { httpRequest, postJson } from './http-client.js';
import { RECORDED, jsonSkeleton, loadRecording } from './recordings.js';

const HOST = '127.0.0.2';
const RESOURCES = 'cpus:2;mem:2048;disk:4096;ports:[19998-19999,29998-30000]';

let workDir: string;
let master: FakeMaster;
const agents: LocalAgent[] = [];
const masters: FakeMaster[] = [];

async function newMaster(id?: string): Promise<FakeMaster> {
  const fake = new FakeMaster(id);
  await fake.start();
  masters.push(fake);
  return fake;
}

async function startAgent(options: Partial<LocalAgentOptions> = {}): Promise<LocalAgent> {
  const agent = new LocalAgent({
    hostname: HOST,
    port: 0,
    workDir,
    resources: RESOURCES,
    masterLocator: () => Promise.resolve(master.url),
    statusRetryIntervalMs: 100,
    registrationBackoffMs: 20,
    registrationBackoffMaxMs: 100,
    masterCheckIntervalMs: 50,
    ...options,
  });
  agents.push(agent);
  await agent.start();
  return agent;
}

/** Running (a zombie waiting for its reaper counts as dead). */
function processAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** The pid a task wrote to `<sandbox>/pid`. */
async function taskPid(sandbox: string): Promise<number> {
  const path = join(sandbox, 'pid');
  const deadline = Date.now() + 5_000;
  for (;;) {
    try {
      const content = (await readFile(path, 'utf8')).trim();
      if (content !== '') return Number(content);
    } catch {
      // not there yet
    }
    if (Date.now() > deadline) throw new Error(`no ${path}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

beforeEach(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'local-agent-life-'));
  master = await newMaster();
});

afterEach(async () => {
  for (const agent of agents.splice(0)) await agent.stop();
  for (const fake of masters.splice(0)) await fake.stop();
  await rm(workDir, { recursive: true, force: true });
});

describe('configuration', () => {
  it('binds loopback addresses only, and reports flags and ports it cannot use', async () => {
    expect(
      () => new LocalAgent({ hostname: '0.0.0.0', port: 0, workDir, resources: '', masterLocator: () => Promise.resolve(undefined) }),
    ).toThrow(ConfigError);
    await expect(startAgent({ resources: 'cpus:lots' })).rejects.toThrow(ConfigError);
    const first = await startAgent();
    await expect(startAgent({ port: first.port })).rejects.toThrow(OperationError);
    await expect(startAgent({ port: first.port })).rejects.toThrow(/EADDRINUSE/);
  });
});

describe('registration', () => {
  it('registers its hostname, endpoint and resources and takes the id the master gives', async () => {
    const agent = await startAgent({ attributes: 'rack:r1;zone:2' });
    await waitFor(() => agent.id, 5_000, 'registration');
    expect(agent.id).toBe('fake-S0');
    const registration = master.registrations[0]!.body;
    expect(registration).toMatchObject({
      hostname: HOST,
      endpoint: agent.endpoint,
      port: agent.port,
      version: '1.12.0',
      tasks: [],
      attributes: [
        { name: 'rack', value: 'r1' },
        { name: 'zone', value: '2' },
      ],
    });
    expect(registration.agent_id).toBeUndefined();
    expect(registration.resources.map((r) => r.name)).toEqual(['cpus', 'mem', 'disk', 'ports']);
    expect(agent.endpoint).toMatch(/^http:\/\/127\.0\.0\.2:\d+$/);
  });

  it('keeps retrying while no master answers, then registers', async () => {
    let leader: string | undefined;
    const agent = await startAgent({ masterLocator: () => Promise.resolve(leader) });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(agent.id).toBeUndefined();
    const down = await newMaster('down');
    await down.stop();
    leader = down.url; // refused connections
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(agent.id).toBeUndefined();
    leader = master.url;
    await waitFor(() => agent.id, 5_000, 'registration');
  });

  it('with ZooKeeper: re-registers with the same id and its tasks when pinged by an unknown master id', async () => {
    master.autoAck = true;
    const agent = await startAgent({ masterDetection: 'zookeeper' });
    await waitFor(() => agent.id);
    await master.launch(commandTask('long-1', 'sleep 30'));
    await master.waitForUpdate('long-1', 'TASK_RUNNING');
    expect((await master.ping()).body).toEqual({ agent_id: { value: 'fake-S0' }, registered: true });
    expect(master.registrations).toHaveLength(1);

    master.masterId = 'fake-master-2';
    await master.ping('fake-master-2');
    await waitFor(() => master.registrations.length === 2, 5_000, 're-registration');
    const again = master.registrations[1]!.body;
    expect(again.agent_id).toEqual({ value: 'fake-S0' });
    expect(again.tasks).toHaveLength(1);
    expect(again.tasks[0]).toMatchObject({ framework_id: { value: 'fw-0000' }, task: { task_id: { value: 'long-1' } } });
    expect(again.tasks[0]!.status.state).toBe('TASK_RUNNING');
  });

  it('with ZooKeeper: follows a leader change and re-sends the unacknowledged update to the new master', async () => {
    const second = await newMaster('fake-master-2');
    let leader = master.url;
    const agent = await startAgent({
      masterDetection: 'zookeeper',
      masterLocator: () => Promise.resolve(leader),
      statusRetryIntervalMs: 60_000,
    });
    await waitFor(() => agent.id);
    await master.launch(commandTask('t-1', 'sleep 30'));
    const starting = await master.waitForUpdate('t-1', 'TASK_STARTING');

    leader = second.url;
    await waitFor(() => second.registrations.length > 0, 5_000, 'registration with the new leader');
    expect(second.registrations[0]!.body.agent_id).toEqual({ value: 'fake-S0' });
    const resent = await second.waitForUpdate('t-1', 'TASK_STARTING');
    expect(resent.uuid).toBe(starting.uuid);
    await second.ack(resent);
    await second.waitForUpdate('t-1', 'TASK_RUNNING');
  });

  it('with ZooKeeper: re-registers when the master answers 404 to a status update', async () => {
    const agent = await startAgent({ masterDetection: 'zookeeper' });
    await waitFor(() => agent.id);
    master.statusAnswer = 404;
    await master.launch(commandTask('t-404', 'sleep 30'));
    await waitFor(() => master.registrations.length >= 2, 5_000, 're-registration after 404');
    expect(master.registrations[1]!.body.agent_id).toEqual({ value: 'fake-S0' });
  });
});

describe('registration with a standalone master (host:port), as on Mesos 1.12', () => {
  it('once its master is gone (a new master id) it waits for good, its task still running and its updates kept', async () => {
    const agent = await startAgent();
    await waitFor(() => agent.id);
    const launched = await master.launch(commandTask('kept-1', 'echo $$ > pid; exec sleep 30'));
    const pid = await taskPid((launched.body as { directory: string }).directory);
    const starting = await master.waitForUpdate('kept-1', 'TASK_STARTING');
    expect(agent.waitingForNewMaster).toBe(false);

    master.masterId = 'fake-master-2';
    await master.ping('fake-master-2');
    await waitFor(() => agent.waitingForNewMaster, 5_000, 'the agent to give up its master');
    const updates = master.updates.length;
    // Many registration backoffs and re-sends later: no registration, nothing sent, the task alive.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(master.registrations).toHaveLength(1);
    expect(master.updates.length).toBe(updates);
    expect(processAlive(pid)).toBe(true);
    const state = JSON.parse((await httpRequest(`${agent.endpoint}/state`)).body.toString()) as {
      frameworks: { executors: { tasks: { id: string }[] }[] }[];
    };
    expect(state.frameworks.flatMap((f) => f.executors.flatMap((e) => e.tasks.map((t) => t.id)))).toEqual(['kept-1']);
    // The unacknowledged STARTING is kept, not dropped: it is the one the agent would send next.
    expect(master.statusesOf('kept-1').every((s) => s.uuid === starting.uuid)).toBe(true);
  });

  it('a 404 to a status update also leaves it waiting for a master that never comes', async () => {
    const agent = await startAgent();
    await waitFor(() => agent.id);
    master.statusAnswer = 404;
    await master.launch(commandTask('t-404', 'sleep 30'));
    await waitFor(() => agent.waitingForNewMaster, 5_000, 'the agent to give up its master');
    expect(master.registrations).toHaveLength(1);
  });
});

describe('status updates', () => {
  it('sends STARTING, RUNNING, FINISHED one at a time, re-sending each until it is acknowledged', async () => {
    const agent = await startAgent();
    await waitFor(() => agent.id);
    await master.launch(commandTask('probe-task-1', RECORDED.command));

    const starting = await master.waitForUpdate('probe-task-1', 'TASK_STARTING');
    expect(starting.uuid).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    // Unacknowledged: re-sent after 100 ms, then 200 ms; nothing newer goes out meanwhile.
    await waitFor(() => master.statusesOf('probe-task-1').length >= 3, 5_000, 'two re-sends');
    expect(master.statusesOf('probe-task-1').every((s) => s.state === 'TASK_STARTING' && s.uuid === starting.uuid)).toBe(true);
    const sends = master.updates.filter((u) => u.body.status.uuid === starting.uuid).map((u) => u.at);
    expect(sends[2]! - sends[1]!).toBeGreaterThan(sends[1]! - sends[0]! + 30);

    expect((await master.ack(starting)).status).toBe(200);
    const running = await master.waitForUpdate('probe-task-1', 'TASK_RUNNING');
    expect(running.uuid).not.toBe(starting.uuid);
    expect(running).toMatchObject({
      source: 'SOURCE_EXECUTOR',
      agent_id: { value: 'fake-S0' },
      executor_id: { value: 'probe-task-1' },
      container_status: { network_infos: [{ ip_addresses: [{ protocol: 'IPv4', ip_address: HOST }] }] },
    });
    expect(running.container_status?.container_id?.value).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof running.container_status?.executor_pid).toBe('number');
    expect(running.timestamp! * 1000).toBeGreaterThan(Date.now() - 60_000);
    // A stale uuid is refused and changes nothing.
    expect((await master.ack(starting)).status).toBe(409);
    await master.ack(running);

    const finished = await master.waitForUpdate('probe-task-1', 'TASK_FINISHED');
    expect(finished.message).toBe('Command exited with status 0');
    await master.ack(finished);
    expect((await master.ack(finished)).status).toBe(404);
  });

  it('reports a failing command as TASK_FAILED with its exit status', async () => {
    master.autoAck = true;
    const agent = await startAgent();
    await waitFor(() => agent.id);
    await master.launch(commandTask('fail-1', 'exit 3'));
    const failed = await master.waitForUpdate('fail-1', 'TASK_FAILED');
    expect(failed.message).toBe('Command exited with status 3');
  });

  it('with ZooKeeper: queues updates while no master leads and delivers them after registering again', async () => {
    let leader: string | undefined = master.url;
    const agent = await startAgent({ masterDetection: 'zookeeper', masterLocator: () => Promise.resolve(leader) });
    master.autoAck = true;
    await waitFor(() => agent.id);
    leader = undefined;
    await waitFor(() => !agent.registered, 5_000, 'the agent to notice the master is gone');
    await master.launch(commandTask('q-1', 'true'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(master.statusesOf('q-1')).toEqual([]);
    leader = master.url;
    await master.waitForUpdate('q-1', 'TASK_FINISHED');
    // In order (a slow acknowledgement may let a re-send through, hence the de-duplication).
    expect([...new Set(master.statusesOf('q-1').map((s) => s.state))]).toEqual(['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED']);
  });

  it('shutdown-framework kills its tasks and completes them without waiting for acknowledgements', async () => {
    const agent = await startAgent({ statusRetryIntervalMs: 50 });
    await waitFor(() => agent.id);
    await master.launch(commandTask('sd-1', 'sleep 30'));
    const starting = await master.waitForUpdate('sd-1', 'TASK_STARTING');
    await master.ack(starting);
    await master.waitForUpdate('sd-1', 'TASK_RUNNING');
    const response = await postJson(`${agent.endpoint}/internal/master/shutdown-framework`, { framework_id: { value: 'fw-0000' } });
    expect(response.status).toBe(200);
    // RUNNING is still unacknowledged and nobody will acknowledge anything of a removed framework: the
    // agent completes the executor and stops re-sending instead of retrying forever.
    const state = await waitForState(agent, (s) => (s.completed_frameworks as unknown[]).length === 1);
    const parsed = JSON.parse(state.toString()) as {
      frameworks: unknown[];
      completed_frameworks: Array<{ completed_executors: Array<{ completed_tasks: Array<{ state: string }> }> }>;
    };
    expect(parsed.frameworks).toEqual([]);
    expect(parsed.completed_frameworks[0]!.completed_executors[0]!.completed_tasks[0]!.state).toBe('TASK_KILLED');
    const count = master.updates.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(master.updates.length).toBe(count);
  });

  it('validates launches', async () => {
    const agent = await startAgent();
    await waitFor(() => agent.id);
    expect((await master.launch(commandTask('../evil', 'true'))).status).toBe(400);
    const noCommand = commandTask('nocmd', 'true');
    delete noCommand.command;
    expect((await master.launch(noCommand)).status).toBe(400);
    expect((await master.launch(commandTask('dup', 'sleep 30'))).status).toBe(200);
    expect((await master.launch(commandTask('dup', 'sleep 30'))).status).toBe(409);
    expect((await master.kill('no-such-task')).status).toBe(404);
  });
});

describe('/state, /health, /version', () => {
  it('answer like a real agent', async () => {
    const agent = await startAgent();
    await waitFor(() => agent.id);

    const health = await httpRequest(`${agent.endpoint}/health`);
    const recordedHealth = loadRecording('01_agent_GET_health');
    expect(health.status).toBe(200);
    expect(health.headerNames.filter((n) => n !== 'Connection')).toEqual(recordedHealth.headerNames);
    expect(health.body.length).toBe(0);

    const version = await httpRequest(`${agent.endpoint}/version`);
    const recordedVersion = loadRecording('01_agent_GET_version');
    expect(version.headerNames.filter((n) => n !== 'Connection')).toEqual(recordedVersion.headerNames);
    expect(jsonSkeleton(version.body)).toBe(jsonSkeleton(recordedVersion.body));
    expect(JSON.parse(version.body.toString())).toMatchObject({ version: '1.12.0' });

    const before = await httpRequest(`${agent.endpoint}/state`);
    const recordedBefore = loadRecording('01_agent_GET_state_before');
    expect(before.headerNames.filter((n) => n !== 'Connection')).toEqual(recordedBefore.headerNames);
    expect(jsonSkeleton(before.body)).toBe(jsonSkeleton(recordedBefore.body));
    expect(before.body.toString()).toContain(
      '"resources":{"disk":4096.0,"mem":2048.0,"gpus":0.0,"cpus":2.0,"ports":"[19998-19999, 29998-30000]"}',
    );

    // The recorded task: cpus 0.1, mem 32, port 19998, running.
    master.autoAck = true;
    await master.launch(commandTask('probe-task-1', `${RECORDED.command}; sleep 30`));
    await master.waitForUpdate('probe-task-1', 'TASK_RUNNING');
    const during = await httpRequest(`${agent.endpoint}/state`);
    expect(jsonSkeleton(during.body)).toBe(jsonSkeleton(loadRecording('40_agent_GET_state_with_task').body));
    const duringState = JSON.parse(during.body.toString()) as {
      frameworks: Array<{ executors: Array<{ name: string; directory: string; tasks: Array<{ state: string }> }> }>;
    };
    const executor = duringState.frameworks[0]!.executors[0]!;
    expect(executor.name).toBe("Command Executor (Task: probe-task-1) (Command: sh -c 'echo hello; ...')");
    expect(executor.directory).toMatch(
      new RegExp(`^${workDir}/slaves/fake-S0/frameworks/fw-0000/executors/probe-task-1/runs/[0-9a-f-]{36}$`),
    );
    expect(during.body.toString()).toContain(
      '"unreserved_resources_allocated":{"disk":0.0,"mem":64.0,"gpus":0.0,"cpus":0.2,"ports":"[19998-19998]"}',
    );

    await master.kill('probe-task-1', 500);
    await master.waitForUpdate('probe-task-1', 'TASK_KILLED');
    const finalState = await waitForState(agent, (state) => (state.completed_frameworks as unknown[]).length === 1);
    expect(jsonSkeleton(finalState)).toBe(jsonSkeleton(loadRecording('60_agent_GET_state_after_task').body));
  });
});

async function waitForState(agent: LocalAgent, predicate: (state: Record<string, unknown>) => boolean): Promise<Buffer> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const response = await httpRequest(`${agent.endpoint}/state`);
    if (predicate(JSON.parse(response.body.toString()) as Record<string, unknown>)) return response.body;
    if (Date.now() > deadline) throw new Error('state never matched');
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
}

describe('stop and crash', () => {
  it('stop() kills running tasks and reports them killed', async () => {
    const agent = await startAgent({ killGracePeriodMs: 300 });
    master.autoAck = true;
    await waitFor(() => agent.id);
    const launched = await master.launch(commandTask('s-1', 'echo $$ > pid; exec sleep 30'));
    const pid = await taskPid((launched.body as { directory: string }).directory);
    await master.waitForUpdate('s-1', 'TASK_RUNNING');
    await agent.stop();
    expect(processAlive(pid)).toBe(false);
    expect(master.statusesOf('s-1').some((s) => s.state === 'TASK_KILLED')).toBe(true);
    await expect(httpRequest(`${agent.endpoint}/health`)).rejects.toThrow();
  });

  it('crash() kills tasks and vanishes without a word', async () => {
    const agent = await startAgent();
    master.autoAck = true;
    await waitFor(() => agent.id);
    const launched = await master.launch(commandTask('c-1', 'echo $$ > pid; exec sleep 30'));
    const pid = await taskPid((launched.body as { directory: string }).directory);
    await master.waitForUpdate('c-1', 'TASK_RUNNING');
    const before = master.updates.length;
    await agent.crash();
    expect(processAlive(pid)).toBe(false);
    await expect(httpRequest(`${agent.endpoint}/health`)).rejects.toThrow(/ECONNREFUSED/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(master.updates.length).toBe(before);
    expect(master.registrations).toHaveLength(1);
  });
});
