import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FixtureServer, json, type RecordedRequest } from '../../helpers/http-fixture-server.js';
import { HttpTransport } from '../../../src/mesos/client/http.js';
import { MesosMasterClient } from '../../../src/mesos/client/master-client.js';
import { systemClock } from '../../../src/shared/clock.js';
import { chooseTask } from '../../../src/logs/choose-task.js';
import {
  followSources,
  loadCandidates,
  openSandbox,
  openSandboxes,
  printTails,
  parseLinesFlag,
  type EngineDeps,
} from '../../../src/logs/engine.js';
import { resolveFrameworkId } from '../../../src/state/framework-id.js';
import { NdjsonLogWriter, TextLogWriter } from '../../../src/logs/render.js';
import { AgentGoneError, SandboxGoneError } from '../../../src/logs/sandbox.js';
import { NotFoundError, UsageError } from '../../../src/shared/errors.js';
import { mesosFilesAnswer } from './mesos-files-fixture.js';

const FW = 'fw-0000';

function v1Task(id: string, name: string, state: string, agent: string, ts: number): unknown {
  return {
    task_id: { value: id },
    name,
    framework_id: { value: FW },
    agent_id: { value: agent },
    state,
    statuses: [{ task_id: { value: id }, state, timestamp: ts }],
    resources: [],
  };
}

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('logs engine: master -> task -> agent sandbox', () => {
  let server: FixtureServer;
  let transports: HttpTransport[];
  let deps: EngineDeps;
  let sandboxFiles: Map<string, Buffer>;
  let workerState: string;

  beforeEach(async () => {
    server = await FixtureServer.start();
    transports = [];
    workerState = 'TASK_RUNNING';
    const sandbox = `/frameworks/${FW}/executors/alluxio-worker-1-x/runs/latest`;
    sandboxFiles = new Map([
      [`${sandbox}/stdout`, Buffer.from('w out\n')],
      [`${sandbox}/stderr`, Buffer.from('w err 1\nw err 2\n')],
      [`${sandbox}/logs/worker.log`, Buffer.from('INFO started\nINFO ready\n')],
    ]);
    const operator = (request: RecordedRequest) => {
      const call = JSON.parse(request.body.toString('utf8')) as { type: string };
      switch (call.type) {
        case 'GET_VERSION':
          return json({ type: 'GET_VERSION', get_version: { version_info: { version: '1.12.0' } } });
        case 'GET_AGENTS':
          return json({
            type: 'GET_AGENTS',
            get_agents: {
              agents: [
                {
                  agent_info: { id: { value: 'S0' }, hostname: 'localhost', port: server.port },
                  pid: `slave(1)@127.0.0.1:${server.port}`,
                  version: '1.12.0',
                },
              ],
            },
          });
        case 'GET_TASKS':
          return json({
            type: 'GET_TASKS',
            get_tasks: {
              tasks: [
                v1Task('alluxio-master-1-x', 'Alluxio Master', 'TASK_RUNNING', 'S0', 1_700_000_000),
                v1Task('alluxio-worker-1-x', 'Alluxio Worker', workerState, 'S0', 1_700_000_100),
                v1Task('alluxio-worker-2-x', 'Alluxio Worker', 'TASK_RUNNING', 'S-gone', 1_700_000_200),
              ],
              completed_tasks: [v1Task('other-fw-task', 'x', 'TASK_FINISHED', 'S0', 1)].map((t) => ({
                ...(t as object),
                framework_id: { value: 'other' },
              })),
            },
          });
        default:
          return json({}, 400);
      }
    };
    server.route('POST', '/api/v1', operator);
    for (const endpoint of ['/files/read', '/files/browse', '/files/download'])
      server.route('GET', endpoint, mesosFilesAnswer(sandboxFiles));
    const transport = (baseUrl: string): HttpTransport => {
      const created = new HttpTransport({ baseUrl, timeoutMs: 5000 });
      transports.push(created);
      return created;
    };
    deps = { master: new MesosMasterClient(transport(server.url)), agentTransport: transport };
  });

  afterEach(async () => {
    for (const transport of transports) transport.close();
    await server.close();
  });

  it('prints the default files of a task chosen by alias, under headers', async () => {
    const { candidates, agents } = await loadCandidates(deps, FW);
    expect(candidates.map((task) => task.alias)).toEqual(['master-1', 'worker-1', 'worker-2']);
    const opened = await openSandbox(deps, chooseTask('worker-1', candidates), agents);
    const out = capture();
    await printTails([opened], {}, { lines: parseLinesFlag('1'), writer: new TextLogWriter(out.stream, true) });
    expect(out.text()).toBe(
      '==> worker-1:stdout <==\nw out\n\n==> worker-1:stderr <==\nw err 2\n\n==> worker-1:logs/worker.log <==\nINFO ready\n',
    );
  });

  it('prints whole files with --lines all, as bytes for text and as lines for NDJSON', async () => {
    const { candidates, agents } = await loadCandidates(deps, FW);
    const opened = await openSandbox(deps, chooseTask('worker-1', candidates), agents);
    const out = capture();
    await printTails(
      [opened],
      { stdout: true, stderr: true },
      { lines: parseLinesFlag('all'), writer: new TextLogWriter(out.stream, true) },
    );
    expect(out.text()).toBe('==> worker-1:stdout <==\nw out\n\n==> worker-1:stderr <==\nw err 1\nw err 2\n');
    const json = capture();
    await printTails([opened], { stderr: true }, { lines: Number.POSITIVE_INFINITY, writer: new NdjsonLogWriter(json.stream) });
    expect(json.text().trim().split('\n')).toHaveLength(2);
  });

  it('writes NDJSON records with byte offsets', async () => {
    const { candidates, agents } = await loadCandidates(deps, FW);
    const opened = await openSandbox(deps, chooseTask('worker-1', candidates), agents);
    const out = capture();
    await printTails([opened], { stderr: true }, { lines: 50, writer: new NdjsonLogWriter(out.stream) });
    expect(
      out
        .text()
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as unknown),
    ).toEqual([
      { task: 'worker-1', file: 'stderr', offset: 0, line: 'w err 1' },
      { task: 'worker-1', file: 'stderr', offset: 8, line: 'w err 2' },
    ]);
  });

  it('follows until the task exits and its files are idle', async () => {
    const { candidates, agents } = await loadCandidates(deps, FW);
    const task = chooseTask('worker-1', candidates);
    const opened = await openSandbox(deps, task, agents);
    const out = capture();
    const notices = capture();
    const writer = new TextLogWriter(out.stream, false);
    const sources = await printTails([opened], { file: ['logs/worker.log'] }, { lines: 0, writer, forFollow: true });
    setTimeout(() => {
      const key = `/frameworks/${FW}/executors/alluxio-worker-1-x/runs/latest/logs/worker.log`;
      sandboxFiles.set(key, Buffer.concat([sandboxFiles.get(key)!, Buffer.from('INFO stopping\n')]));
      workerState = 'TASK_KILLED';
    }, 50);
    const end = await followSources(sources, {
      writer,
      notices: notices.stream,
      clock: systemClock,
      untilExit: { deps, taskIds: [task.taskId], idleMs: 100 },
    });
    expect(end).toBe('exited');
    expect(out.text()).toBe('INFO stopping\n');
  });

  it('fails clearly for an agent that is gone and a sandbox that was collected', async () => {
    const { candidates, agents } = await loadCandidates(deps, FW);
    await expect(openSandbox(deps, chooseTask('worker-2', candidates), agents)).rejects.toBeInstanceOf(AgentGoneError);
    sandboxFiles.clear();
    await expect(openSandbox(deps, chooseTask('worker-1', candidates), agents)).rejects.toBeInstanceOf(SandboxGoneError);
  });

  it('opens every sandbox it can and reports the others', async () => {
    const { candidates, agents } = await loadCandidates(deps, FW);
    const { opened, failures } = await openSandboxes(deps, candidates, agents);
    expect(opened.map((sandbox) => sandbox.label)).toEqual(['worker-1']);
    expect(failures.map((failure) => [failure.task.alias, (failure.error as Error).constructor.name])).toEqual([
      ['master-1', 'SandboxGoneError'],
      ['worker-2', 'AgentGoneError'],
    ]);
  });

  it('resolves the framework by id, name or saved id, and rejects bad --lines', () => {
    const frameworks = [
      { frameworkId: 'a', name: 'alluxio', completed: true },
      { frameworkId: 'b', name: 'alluxio', completed: false },
    ].map((f) => ({
      user: undefined,
      roles: ['*'],
      principal: undefined,
      hostname: undefined,
      webuiUrl: undefined,
      active: true,
      connected: true,
      failoverTimeoutSeconds: undefined,
      registeredTime: undefined,
      ...f,
    }));
    expect(resolveFrameworkId(frameworks, { frameworkName: 'alluxio' })).toBe('b');
    expect(resolveFrameworkId(frameworks, { frameworkId: 'z', savedFrameworkId: 'a' })).toBe('z');
    expect(resolveFrameworkId(frameworks, { savedFrameworkId: 'a' })).toBe('a');
    expect(() => resolveFrameworkId(frameworks, {})).toThrow(NotFoundError);
    for (const bad of ['ten', '-1', '1.5', '']) expect(() => parseLinesFlag(bad)).toThrow(UsageError);
  });
});
