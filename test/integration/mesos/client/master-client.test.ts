/**
 * MesosMasterClient against fixture masters: recorded Mesos 1.12 answers, a 1.x master with the
 * operator API, and hand-made 0.2x masters that only have `.json` endpoints and no `/version`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpTransport } from '../../../../src/mesos/client/http.js';
import { MesosMasterClient } from '../../../../src/mesos/client/master-client.js';
import { formatRanges, rangesOf } from '../../../../src/mesos/resources/ranges.js';
import { InvalidVersionError } from '../../../../src/mesos/client/version.js';
import { AlluxioMesosError, CredentialsError, ExitCode, OperationError } from '../../../../src/shared/errors.js';
import { FixtureServer, json, text, transcript, type FixtureAnswer, type RecordedRequest } from '../../../helpers/http-fixture-server.js';

let master: FixtureServer;
let transport: HttpTransport;
let client: MesosMasterClient;

beforeEach(async () => {
  master = await FixtureServer.start();
  transport = new HttpTransport({ baseUrl: master.url, timeoutMs: 5_000 });
  client = new MesosMasterClient(transport);
});
afterEach(async () => {
  transport.close();
  await master.close();
});

async function failure(promise: Promise<unknown>): Promise<AlluxioMesosError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AlluxioMesosError);
  return error as AlluxioMesosError;
}

/** Answers POST /api/v1 by the call's type; unknown types get 400 like Mesos. */
function operatorApi(
  answers: Record<string, FixtureAnswer>,
): (request: RecordedRequest) => ReturnType<Extract<FixtureAnswer, (r: RecordedRequest) => unknown>> {
  return (request) => {
    const call = JSON.parse(request.body.toString()) as { type?: string };
    const answer = answers[call.type ?? ''] ?? text(400, 'Failed to validate master::Call');
    return typeof answer === 'function' ? answer(request) : answer;
  };
}

const paths = () => master.requests.map((r) => `${r.method} ${r.path}`);

describe('a Mesos 1.12 master (recorded answers)', () => {
  it('without the operator API: /version, then /master/slaves', async () => {
    master
      .route('POST', '/api/v1', { status: 404, statusText: 'Not Found' })
      .route('GET', '/version', transcript('01_master_GET_version'))
      .route('GET', '/master/slaves', transcript('01_master_GET_master_slaves'));

    const version = await client.getVersion();
    expect(version).toMatchObject({
      source: '/version',
      gitSha: 'c1b42f79d157aa900be5cbb0c1023f1479962aa7',
      buildDate: '2026-11-24 18:40:00',
    });
    expect(version.version).toMatchObject({ major: 1, minor: 12, patch: 0 });
    const agents = await client.getAgents();
    expect(agents.map((a) => [a.agentId, a.hostname, a.port])).toEqual([['b8564f73-9862-4214-8536-043f0ff29368-S0', '127.0.0.1', 5051]]);
    expect(formatRanges(rangesOf(agents[0]?.resources ?? []))).toBe('[19998-19999,29998-30000]');
    expect(paths()).toEqual(['POST /api/v1', 'GET /version', 'POST /api/v1', 'GET /master/slaves']);
    // The version is asked once.
    await client.getVersion();
    expect(master.requestsTo('GET', '/version')).toHaveLength(1);
  });

  it('state, frameworks and tasks from the recorded state', async () => {
    master
      .route('POST', '/api/v1', { status: 404 })
      .route('GET', '/version', transcript('01_master_GET_version'))
      .route('GET', '/master/frameworks', transcript('91_master_GET_master_frameworks_running'))
      .route('GET', '/master/state', transcript('91_master_GET_master_state_multirole_running'));
    expect((await client.getState()).leader).toBe('master@127.0.0.1:5050');
    expect((await client.getFrameworks()).some((f) => f.frameworkId.endsWith('-0003') && f.active)).toBe(true);
    expect((await client.getTasks()).find((t) => t.taskId === 'probe-task-2')?.state).toBe('TASK_RUNNING');
  });
});

describe('a 1.x master with the operator API', () => {
  const getAgents = {
    type: 'GET_AGENTS',
    get_agents: {
      agents: [
        {
          agent_info: { hostname: 'a1', port: 5051, id: { value: 'S1' } },
          active: true,
          version: '1.11.0',
          total_resources: [{ name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 31000, end: 32000 }] }, role: '*' }],
        },
        // An agent with no ports at all.
        {
          agent_info: { hostname: 'a2', port: 5051, id: { value: 'S2' } },
          active: true,
          version: '1.11.0',
          total_resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 2 } }],
        },
      ],
    },
  };

  beforeEach(() => {
    master.route(
      'POST',
      '/api/v1',
      operatorApi({
        GET_VERSION: json({
          type: 'GET_VERSION',
          get_version: { version_info: { version: '1.11.0', build_date: '2020-11-24', build_time: 1.6e9, build_user: '' } },
        }),
        GET_AGENTS: json(getAgents),
        GET_TASKS: json({ type: 'GET_TASKS', get_tasks: {} }),
        GET_FRAMEWORKS: json({ type: 'GET_FRAMEWORKS', get_frameworks: { frameworks: [] } }),
      }),
    );
  });

  it('uses GET_VERSION and GET_AGENTS with JSON content negotiation', async () => {
    expect(await client.getVersion()).toMatchObject({ source: 'GET_VERSION', buildDate: '2020-11-24' });
    const agents = await client.getAgents();
    expect(agents.map((a) => a.agentId)).toEqual(['S1', 'S2']);
    expect(rangesOf(agents[1]?.resources ?? [])).toEqual([]);
    expect(paths()).toEqual(['POST /api/v1', 'POST /api/v1']);
    for (const request of master.requests) {
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers.accept).toBe('application/json');
    }
    expect(master.requests.map((r) => (JSON.parse(r.body.toString()) as { type: string }).type)).toEqual(['GET_VERSION', 'GET_AGENTS']);
    expect(await client.getTasks()).toEqual([]);
    expect(await client.getFrameworks()).toEqual([]);
  });

  it('operatorCall returns the answer, and a non-200 is an OperationError with the master message', async () => {
    expect((await client.operatorCall('GET_VERSION')).type).toBe('GET_VERSION');
    const error = await failure(client.operatorCall('GET_HEALTH'));
    expect(error).toBeInstanceOf(OperationError);
    expect(error.message).toBe(`${master.url}/api/v1 answered 400 Bad Request: Failed to validate master::Call`);
  });
});

describe('0.23-0.28 masters (hand-made shapes)', () => {
  const legacySlave = {
    id: '20151101-S0',
    pid: 'slave(1)@10.0.0.5:5051',
    hostname: 'agent-old',
    resources: { cpus: 4, mem: 2048, disk: 10000, ports: '[31000-32000]' },
    attributes: {},
    active: true,
  };

  it('0.24: no operator API, no /version, only .json endpoints', async () => {
    master
      .route('GET', '/master/state.json', json({ version: '0.24.1', slaves: [legacySlave], frameworks: [] }))
      .route('GET', '/master/slaves.json', { status: 404 });
    const version = await client.getVersion();
    expect(version).toMatchObject({ source: '/master/state.json' });
    expect(version.version.raw).toBe('0.24.1');
    const names = await client.endpoints();
    expect(names.master.state).toBe('/master/state.json');
    const agents = await client.getAgents();
    expect(agents.map((a) => [a.hostname, a.port])).toEqual([['agent-old', 5051]]);
    expect(formatRanges(rangesOf(agents[0]?.resources ?? []))).toBe('[31000-32000]');
    expect(paths()).toEqual([
      'POST /api/v1',
      'GET /version',
      'GET /master/state.json',
      'GET /master/slaves.json',
      'GET /master/state.json',
    ]);
    expect(await client.getTasks()).toEqual([]);
  });

  it('0.25: plain names once the version says so, /master/state when there is no state.json', async () => {
    master
      .route('GET', '/master/state', json({ version: '0.25.0', slaves: [legacySlave], frameworks: [] }))
      .route('GET', '/master/slaves', json({ slaves: [legacySlave] }));
    expect((await client.getVersion()).source).toBe('/master/state');
    await client.getAgents();
    expect(paths()).toEqual(['POST /api/v1', 'GET /version', 'GET /master/state.json', 'GET /master/state', 'GET /master/slaves']);
  });

  it('0.28: /version exists, the operator API does not', async () => {
    master
      .route('GET', '/version', json({ version: '0.28.2', build_date: '2016-06-01' }))
      .route('GET', '/master/slaves', json({ slaves: [legacySlave] }));
    expect((await client.getVersion()).source).toBe('/version');
    expect((await client.getAgents())[0]?.agentId).toBe('20151101-S0');
    // No GET_AGENTS attempt below 1.0.
    expect(paths()).toEqual(['POST /api/v1', 'GET /version', 'GET /master/slaves']);
  });

  it('a master that reports no version anywhere', async () => {
    const error = await failure(client.getVersion());
    expect(error).toBeInstanceOf(OperationError);
    expect(error.message).toBe(
      `${master.url} does not tell its Mesos version: tried POST /api/v1 GET_VERSION (404), GET /version (404), GET /master/state.json (404), GET /master/state (404)`,
    );
  });
});

describe('garbage from the master is exit 1 naming the endpoint', () => {
  it.each([
    ['not a version', json({ version: 'banana' }), InvalidVersionError, /\/version reported "banana", which is not a Mesos version/],
    [
      'a number for a version',
      json({ version: 1.12 }),
      InvalidVersionError,
      /reported 1\.12 \(not a string\), which is not a Mesos version/,
    ],
    [
      'truncated JSON',
      text(200, '{"version":"1.12', { 'Content-Type': 'application/json' }),
      OperationError,
      /\/version answered with truncated JSON/,
    ],
    [
      'HTML',
      text(200, '<html>login</html>', { 'Content-Type': 'text/html' }),
      OperationError,
      /\/version answered with invalid JSON \(Content-Type text\/html\)/,
    ],
    ['a JSON array', json([1, 2]), OperationError, /\/version should be an object but is an array/],
    ['a 500', text(500, 'Internal error'), OperationError, /\/version answered 500 Internal Server Error: Internal error/],
  ])('/version with %s', async (_name, answer, type, message) => {
    master.route('GET', '/version', answer);
    const error = await failure(client.getVersion());
    expect(error).toBeInstanceOf(type);
    expect(error.exitCode).toBe(ExitCode.FAILED);
    expect(error.message).toMatch(message);
  });

  it('a truncated /master/slaves body', async () => {
    master
      .route('GET', '/version', json({ version: '0.28.2' }))
      .route('GET', '/master/slaves', text(200, '{"slaves":[{"id":"S1","hostname":"a', { 'Content-Type': 'application/json' }));
    const error = await failure(client.getAgents());
    expect(error).toBeInstanceOf(OperationError);
    expect(error.message).toContain(`${master.url}/master/slaves answered with truncated JSON`);
  });

  it('GET_AGENTS answering garbage shapes', async () => {
    master.route(
      'POST',
      '/api/v1',
      operatorApi({
        GET_VERSION: json({ get_version: { version_info: { version: '1.12.0' } } }),
        GET_AGENTS: json({
          get_agents: {
            agents: [
              { agent_info: { hostname: 'h', id: { value: 'S1' } }, total_resources: [{ name: 'ports', type: 'RANGES', ranges: 'lots' }] },
            ],
          },
        }),
      }),
    );
    const error = await failure(client.getAgents());
    expect(error.message).toMatch(
      /\/api\/v1 \(GET_AGENTS\): get_agents\.agents\[0\]\.total_resources\[0\]\.ranges should be an object but is the string "lots"/,
    );
  });
});

describe('credentials rejected while probing the version', () => {
  it('a 401 on GET_VERSION is exit 3 and does not fall back', async () => {
    master.route('POST', '/api/v1', text(401, ''));
    const error = await failure(client.getVersion());
    expect(error).toBeInstanceOf(CredentialsError);
    expect(error.exitCode).toBe(ExitCode.UNREACHABLE);
    expect(paths()).toEqual(['POST /api/v1']);
  });
});
