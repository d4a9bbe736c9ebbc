/**
 * A fuzz of everything the CLI decodes from outside: the properties parser and the site-file reader,
 * and every JSON (and protobuf) answer the Mesos client reads: the master's version, state, agents,
 * frameworks and tasks (state JSON and the v1 operator API), an agent's /state and sandbox file API,
 * the SUBSCRIBE event stream, the master's record in ZooKeeper, and refused calls' error bodies.
 *
 * Each area mutates real answers (the Mesos 1.12 recordings in test/fixtures/mesos-1.12, or shapes
 * of master.proto) with a seeded xorshift generator: truncation, type swaps, huge numbers, deep
 * nesting, control characters, missing and renamed fields, damaged bytes. Each case must either
 * decode to values the rest of the CLI can use, or fail with one of our typed errors (the exit code
 * it maps to) whose message and hint are one printable line. Work per case is bounded by the
 * mutation sizes and the iteration count; no clock is read.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSite } from '../../src/context/site.js';
import { parseCliSettings } from '../../src/config/cli-settings.js';
import { PropertiesDocument } from '../../src/config/properties.js';
import { decodeReadBody, parseBrowseBody } from '../../src/logs/files-client.js';
import { findExecutorDirectory } from '../../src/logs/sandbox.js';
import type { AgentRecord } from '../../src/mesos/client/agents.js';
import type { HttpRequest, HttpResponse, HttpTransport, StreamingResponse } from '../../src/mesos/client/http.js';
import { MesosMasterClient, type VersionReport } from '../../src/mesos/client/master-client.js';
import { parseJsonBody } from '../../src/mesos/client/responses.js';
import { HttpSchedulerClient } from '../../src/mesos/client/scheduler-client.js';
import type { TaskRecord } from '../../src/mesos/client/tasks.js';
import { parseMesosVersion } from '../../src/mesos/client/version.js';
import { decodeMasterInfo, parseMembership } from '../../src/mesos/protocol/master-info.js';
import { isAlluxioMesosError } from '../../src/shared/errors.js';
import { printable } from '../../src/shared/printable.js';
import { mutateBytes, mutateJson, mutateJsonText, Xorshift32, type Json } from '../helpers/fuzz.js';
import { loadTranscript, splitRecordIO } from '../helpers/transcripts.js';
import { encodeMasterInfoJson, encodeMasterInfoProtobuf } from '../helpers/zookeeper.js';

/** FUZZ_SEED=<n> explores other cases; a failure names its area and case number, so it replays with the same seed. */
const SEED = process.env.FUZZ_SEED === undefined ? 0x14_0c_a5_e5 : Number(process.env.FUZZ_SEED);
/** Cases per area: a few hundred each keeps the whole file to seconds on two cores. */
const CASES = 400;
/** Longer than any message the CLI composes itself: a longer one quotes too much of what it was sent. */
const MAX_MESSAGE = 1200;
/** A few hundred cases take seconds; this is vitest's patience on a loaded machine, not a time limit of the cases. */
const AREA_TIMEOUT_MS = 180_000;

/** Why an error is not handled well, or undefined when it is. */
function problemWith(error: unknown): string | undefined {
  if (!isAlluxioMesosError(error)) {
    const shown = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return `not one of our typed errors: ${printable(shown.slice(0, 300))}`;
  }
  const { message, hint } = error;
  if (message.trim() === '') return 'an empty message';
  // What src/main.ts prints: control characters escaped, line breaks kept.
  for (const [what, text] of [
    ['message', message],
    ['hint', hint ?? ''],
  ] as const) {
    if (printable(text, { keepNewlines: true }).includes('\n'))
      return `the ${what} is more than one line: ${printable(text.slice(0, 300))}`;
  }
  if (message.length + (hint?.length ?? 0) > MAX_MESSAGE)
    return `a ${message.length}-character message: ${printable(message.slice(0, 200))}...`;
  return undefined;
}

interface AreaResult {
  tried: number;
  handled: number;
  failures: string[];
}

/** Runs `cases` mutated inputs through `decode`; a decoded value goes through `check` (which throws on nonsense). */
async function fuzz<T>(
  area: string,
  make: (rng: Xorshift32, i: number) => T,
  decode: (input: T) => unknown,
  check: (value: never) => void = () => undefined,
): Promise<AreaResult> {
  const rng = new Xorshift32(SEED ^ hash(area));
  const result: AreaResult = { tried: 0, handled: 0, failures: [] };
  for (let i = 0; i < CASES; i++) {
    const input = make(rng, i);
    result.tried++;
    let problem: string | undefined;
    try {
      const value = await decode(input);
      try {
        check(value as never);
      } catch (error) {
        problem = `decoded to something unusable: ${error instanceof Error ? error.message : String(error)}`;
      }
    } catch (error) {
      problem = problemWith(error);
    }
    if (problem === undefined) result.handled++;
    else result.failures.push(`${area} case ${i}: ${problem}`);
  }
  RESULTS.set(area, result);
  return result;
}

const RESULTS = new Map<string, AreaResult>();

function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function expectAllHandled(result: AreaResult): void {
  if (process.env.FUZZ_DUMP !== undefined) for (const f of result.failures) process.stderr.write(`FUZZFAIL ${f.slice(0, 400)}\n`);
  expect(result.failures.slice(0, 10)).toEqual([]);
  expect(result.handled).toBe(result.tried);
}

/** The parsed JSON body of a recorded answer. */
function recordedJson(stem: string): Json {
  return JSON.parse(loadTranscript(stem).response.body.toString('utf8')) as Json;
}

function response(body: Buffer, url: string, status = 200): HttpResponse {
  return { status, statusText: status === 200 ? 'OK' : 'Bad Request', headers: { 'content-type': 'application/json' }, body, url };
}

/** A transport that answers every request from `answer`, as the real one hands answers to the client. */
function fakeTransport(answer: (request: HttpRequest) => HttpResponse, stream?: () => StreamingResponse): HttpTransport {
  return {
    baseUrl: 'http://master.test:5050',
    request: (request: HttpRequest) => Promise.resolve(answer(request)),
    stream: () => Promise.resolve(stream?.() ?? Promise.reject(new Error('no stream'))),
  } as unknown as HttpTransport;
}

function versionReport(version: string): VersionReport {
  return { version: parseMesosVersion(version), source: '/version', gitSha: undefined, buildDate: undefined };
}

function operatorType(request: HttpRequest): string {
  return (JSON.parse(String(request.body)) as { type: string }).type;
}

// ---- what a decoded value must be for the rest of the CLI ---------------------------------------

function isPort(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0 && value <= 65535;
}

function checkAgents(agents: AgentRecord[]): void {
  for (const agent of agents) {
    if (typeof agent.agentId !== 'string' || typeof agent.hostname !== 'string') throw new Error('agent id or hostname is not text');
    if (!isPort(agent.port)) throw new Error(`agent port ${agent.port}`);
    for (const resource of [...agent.resources, ...agent.usedResources, ...agent.offeredResources]) {
      if (resource.scalar !== undefined && !Number.isFinite(resource.scalar.value)) throw new Error(`scalar ${resource.scalar.value}`);
    }
  }
}

function checkTasks(tasks: TaskRecord[]): void {
  for (const task of tasks) {
    if (typeof task.taskId !== 'string' || typeof task.state !== 'string') throw new Error('task id or state is not text');
    for (const status of task.statuses) {
      if (status.timestamp !== undefined && !Number.isFinite(status.timestamp)) throw new Error(`timestamp ${status.timestamp}`);
    }
  }
}

// ---- seeds ----------------------------------------------------------------------------------------

const RESOURCES: Json = [
  { name: 'cpus', type: 'SCALAR', scalar: { value: 4 }, role: '*' },
  { name: 'mem', type: 'SCALAR', scalar: { value: 8192 }, role: '*' },
  { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 31000, end: 32000 }] }, role: '*' },
  {
    name: 'ports',
    type: 'RANGES',
    ranges: { range: [{ begin: 19998, end: 19999 }] },
    role: 'alluxio',
    reservations: [{ type: 'DYNAMIC', role: 'alluxio', principal: 'ops' }],
  },
];

/** Response.GetAgents of master.proto, as Mesos 1.12 writes it. */
const GET_AGENTS: Json = {
  type: 'GET_AGENTS',
  get_agents: {
    agents: [
      {
        agent_info: {
          hostname: '10.0.0.11',
          port: 5051,
          id: { value: 'S1' },
          resources: RESOURCES,
          attributes: [
            { name: 'rack', type: 'TEXT', text: { value: 'r1' } },
            { name: 'weight', type: 'SCALAR', scalar: { value: 2.5 } },
            { name: 'slots', type: 'RANGES', ranges: { range: [{ begin: 1, end: 4 }] } },
            { name: 'zones', type: 'SET', set: { item: ['a', 'b'] } },
          ],
        },
        active: true,
        deactivated: false,
        version: '1.12.0',
        pid: 'slave(1)@10.0.0.11:5051',
        registered_time: { nanoseconds: 1795548211177023000 },
        total_resources: RESOURCES,
        allocated_resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1.1 }, role: '*', allocation_info: { role: '*' } }],
        offered_resources: [],
        capabilities: [{ type: 'MULTI_ROLE' }],
      },
    ],
    recovered_agents: [],
  },
};

const FRAMEWORK_INFO: Json = {
  id: { value: 'F-0000' },
  name: 'alluxio',
  user: 'root',
  roles: ['*'],
  principal: 'ops',
  hostname: 'scheduler.example.com',
  webui_url: 'http://127.0.0.2:19999',
  failover_timeout: 604800,
  checkpoint: true,
  capabilities: [{ type: 'MULTI_ROLE' }],
};

const GET_FRAMEWORKS: Json = {
  type: 'GET_FRAMEWORKS',
  get_frameworks: {
    frameworks: [
      {
        framework_info: FRAMEWORK_INFO,
        active: true,
        connected: true,
        recovered: false,
        registered_time: { nanoseconds: 1795548211177023000 },
        allocated_resources: RESOURCES,
      },
    ],
    completed_frameworks: [{ framework_info: { ...(FRAMEWORK_INFO as object), id: { value: 'F-0001' } }, active: false }],
  },
};

const TASK: Json = {
  name: 'AlluxioWorker',
  task_id: { value: 'alluxio-worker-1.6f1c' },
  framework_id: { value: 'F-0000' },
  agent_id: { value: 'S1' },
  state: 'TASK_RUNNING',
  resources: RESOURCES,
  statuses: [
    {
      task_id: { value: 'alluxio-worker-1.6f1c' },
      state: 'TASK_RUNNING',
      timestamp: 1795548215.5,
      healthy: true,
      container_status: { container_id: { value: 'c196039d' } },
    },
  ],
  health_check: { type: 'TCP', tcp: { port: 29998 } },
};

const GET_TASKS: Json = {
  type: 'GET_TASKS',
  get_tasks: { tasks: [TASK], completed_tasks: [{ ...(TASK as object), state: 'TASK_FINISHED' }], unreachable_tasks: [] },
};

const GET_STATE: Json = {
  type: 'GET_STATE',
  get_state: {
    get_tasks: GET_TASKS.get_tasks as Json,
    get_frameworks: GET_FRAMEWORKS.get_frameworks as Json,
    get_agents: GET_AGENTS.get_agents as Json,
    get_executors: { executors: [] },
  },
};

const GET_VERSION: Json = {
  type: 'GET_VERSION',
  get_version: {
    version_info: { version: '1.12.0', build_date: '2026-11-24 17:42:00', git_sha: 'c1b42f79d157aa900be5cbb0c1023f1479962aa7' },
  },
};

const SITE_PROPERTIES = [
  '# alluxio-site.properties',
  'alluxio.integration.mesos.alluxio.jar.url=LOCAL',
  'alluxio.home=/opt/alluxio',
  'alluxio.integration.mesos.master.node.count=1',
  'alluxio.integration.master.resource.cpu=1',
  'alluxio.integration.master.resource.mem=1024MB',
  'alluxio.integration.worker.resource.cpu=1',
  'alluxio.integration.worker.resource.mem=1024MB',
  'alluxio.worker.memory.size=1GB',
  'alluxio.integration.mesos.role=*',
  'alluxio.integration.mesos.principal=alluxio',
  'alluxio.master.port : 19998',
  'alluxio.master.web.port   19999',
  'alluxio.worker.port=29998',
  'alluxio.worker.data.port=29999',
  'alluxio.worker.web.port=30000',
  'alluxio.underfs.address=hdfs://namenode:8020/alluxio \\',
  '    /more',
  'alluxio.integration.mesos.user=alluxio',
  'alluxio.user.caf\\u00e9=1',
  '! a comment',
  '',
].join('\n');

/** Lines a hostile or careless site file holds. */
const HOSTILE_LINES = [
  'alluxio.master.port=99999999999999999999',
  'alluxio.master.port=-1',
  'alluxio.worker.memory.size=1e400GB',
  'alluxio.worker.memory.size=99999999999999999999999PB',
  'alluxio.integration.master.resource.cpu=NaN',
  'alluxio.integration.master.resource.cpu=Infinity',
  'alluxio.integration.mesos.master.node.count=1.5',
  'alluxio.home=/opt/al\\nluxio',
  'alluxio.home=$(rm -rf /)',
  'alluxio.integration.mesos.user=root;rm -rf /',
  'alluxio.master.hostname=\u001b]0;TITLE\u0007',
  'alluxio.integration.mesos.role=\u001b[2J',
  'alluxio.master.port=\\u001b',
  'alluxio.bad=\\uZZZZ',
  'alluxio.worker.port=${alluxio.worker.port}',
  'alluxio.master.port=${alluxio.master.web.port}',
  'alluxio.master.web.port=${alluxio.master.port}',
  'alluxio.integration.mesos.alluxio.jar.url=javascript:alert(1)',
  'alluxio.integration.mesos.alluxio.jar.url=s3a://KEY:SECRET@bucket/alluxio.tar.gz',
  `alluxio.x=${'y'.repeat(20_000)}`,
  `${'k'.repeat(5_000)}=v`,
  'alluxio.worker.memory.size=1 GB',
  'alluxio.integration.worker.resource.mem=0.0001MB',
  '\\',
  '=',
  ':value',
  'alluxio.master.port=19998\r',
  '\ufeffalluxio.master.port=19998',
];

function mutatedSite(rng: Xorshift32): Buffer {
  if (rng.chance(2)) return mutateBytes(Buffer.from(SITE_PROPERTIES), rng);
  const lines = SITE_PROPERTIES.split('\n');
  for (let k = 1 + rng.below(3); k > 0; k--) lines.splice(rng.below(lines.length + 1), 0, rng.pick(HOSTILE_LINES));
  return Buffer.from(lines.join(rng.pick(['\n', '\r\n', '\r'])));
}

// ---- the areas ------------------------------------------------------------------------------------

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'am-fuzz-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  // The counts per area, for the closing note of the hostile-input work.
  if (process.env.FUZZ_SUMMARY !== undefined) {
    for (const [area, { tried, handled }] of RESULTS) process.stdout.write(`fuzz ${area}: ${handled}/${tried} handled\n`);
  }
});

describe('fuzz: configuration files', () => {
  it('the properties parser: any text parses or fails with a one-line ConfigError', { timeout: AREA_TIMEOUT_MS }, async () => {
    const result = await fuzz(
      'properties parser',
      (rng) => mutatedSite(rng).toString(rng.chance(2) ? 'utf8' : 'latin1'),
      (text) => {
        const doc = PropertiesDocument.parse(text, { fileName: 'conf/alluxio-site.properties' });
        // Printing back an untouched document gives the text back, byte for byte.
        if (doc.toString() !== text) throw new Error('the document does not print back as it was read');
        return doc;
      },
    );
    expectAllHandled(result);
  });

  it(
    'the site file reader: alluxio-site.properties is read, checked and resolved, or one ConfigError line',
    { timeout: AREA_TIMEOUT_MS },
    async () => {
      let n = 0;
      const result = await fuzz(
        'site file reader',
        (rng) => mutatedSite(rng),
        async (bytes) => {
          const confDir = path.join(dir, `site-${n++}`);
          await mkdir(confDir);
          await writeFile(path.join(confDir, 'alluxio-site.properties'), bytes);
          return loadSite(confDir);
        },
      );
      expectAllHandled(result);
    },
  );

  it('the CLI settings (alluxio-mesos.json): read or one ConfigError line', { timeout: AREA_TIMEOUT_MS }, async () => {
    const seed: Json = {
      master: 'zk://zk1:2181/mesos',
      alluxioMaster: '10.0.0.5',
      secretFile: '/etc/mesos-secret',
      maxWorkers: 10,
      state: 'file',
    };
    const result = await fuzz(
      'cli settings',
      (rng) => mutateJsonText(seed, rng).toString('utf8'),
      (text) => parseCliSettings(text, 'conf/alluxio-mesos.json'),
    );
    expectAllHandled(result);
  });
});

describe('fuzz: the master', () => {
  it('/version and GET_VERSION: a version, or one error line (never a crash)', { timeout: AREA_TIMEOUT_MS }, async () => {
    const recorded = recordedJson('01_master_GET_version');
    const result = await fuzz(
      'master version',
      (rng) => ({
        operator: rng.chance(2),
        body: rng.chance(2) ? mutateJsonText(rng.chance(2) ? GET_VERSION : recorded, rng) : mutateJsonText(recorded, rng),
      }),
      async ({ operator, body }) => {
        const client = new MesosMasterClient(
          fakeTransport((request) => {
            if (request.path === '/api/v1')
              return operator ? response(body, 'http://master.test:5050/api/v1') : response(Buffer.alloc(0), 'x', 404);
            return response(body, `http://master.test:5050${request.path}`);
          }),
        );
        return client.getVersion();
      },
      (report: VersionReport) => {
        if (![report.version.major, report.version.minor, report.version.patch].every(Number.isSafeInteger))
          throw new Error('version numbers');
      },
    );
    expectAllHandled(result);
  });

  it(
    'GET_AGENTS, GET_FRAMEWORKS, GET_TASKS and GET_STATE (v1 operator API): records, or one error line',
    { timeout: AREA_TIMEOUT_MS },
    async () => {
      const seeds: Record<string, Json> = { GET_AGENTS, GET_FRAMEWORKS, GET_TASKS, GET_STATE };
      const result = await fuzz(
        'operator API',
        (rng) => {
          const type = rng.pick(Object.keys(seeds));
          return { type, body: mutateJsonText(seeds[type] as Json, rng) };
        },
        async ({ type, body }) => {
          const client = new MesosMasterClient(
            fakeTransport((request) =>
              response(operatorType(request) === type ? body : Buffer.from('{}'), 'http://master.test:5050/api/v1'),
            ),
            versionReport('1.12.0'),
          );
          if (type === 'GET_AGENTS') return { agents: await client.getAgents() };
          if (type === 'GET_TASKS') return { tasks: await client.getTasks() };
          if (type === 'GET_FRAMEWORKS') return { frameworks: await client.getFrameworks() };
          return { state: await client.operatorCall('GET_STATE') };
        },
        (value: { agents?: AgentRecord[]; tasks?: TaskRecord[] }) => {
          checkAgents(value.agents ?? []);
          checkTasks(value.tasks ?? []);
        },
      );
      expectAllHandled(result);
    },
  );

  it(
    '/master/state, /master/slaves, /master/frameworks (state JSON of older masters): records, or one error line',
    { timeout: AREA_TIMEOUT_MS },
    async () => {
      const seeds: Array<[string, Json]> = [
        ['/master/state', recordedJson('91_master_GET_master_state_multirole_running')],
        ['/master/state', recordedJson('61_master_GET_master_state_after_task')],
        ['/master/slaves', recordedJson('61_master_GET_master_slaves_after_task')],
        ['/master/frameworks', recordedJson('91_master_GET_master_frameworks_running')],
        ['/master/tasks', recordedJson('52_master_GET_master_tasks')],
      ];
      const result = await fuzz(
        'state JSON',
        (rng) => {
          const [endpoint, seed] = rng.pick(seeds);
          return { endpoint, body: mutateJsonText(seed, rng), what: rng.pick(['agents', 'frameworks', 'tasks']) };
        },
        async ({ endpoint, body, what }) => {
          // 0.28: no operator API, plain endpoint names; whichever endpoint the call reads gets the mutated body.
          const client = new MesosMasterClient(
            fakeTransport((request) => response(body, `http://master.test:5050${request.path}#${endpoint}`)),
            versionReport('0.28.2'),
          );
          if (what === 'agents') return { agents: await client.getAgents() };
          if (what === 'tasks') return { tasks: await client.getTasks() };
          return { frameworks: await client.getFrameworks() };
        },
        (value: { agents?: AgentRecord[]; tasks?: TaskRecord[] }) => {
          checkAgents(value.agents ?? []);
          checkTasks(value.tasks ?? []);
        },
      );
      expectAllHandled(result);
    },
  );

  it(
    'the leading master in ZooKeeper (JSON, protobuf and pid znodes): a location, or one error line',
    { timeout: AREA_TIMEOUT_MS },
    async () => {
      const info = {
        id: 'b8564f73-9862-4214-8536-043f0ff29368',
        ip: '10.1.2.3',
        port: 5050,
        pid: 'master@10.1.2.3:5050',
        hostname: 'm1.example.com',
        version: '1.12.0',
        address: { hostname: 'm1.example.com', ip: '10.1.2.3', port: 5050 },
      };
      const json = JSON.parse(encodeMasterInfoJson(info).toString('utf8')) as Json;
      const protobuf = encodeMasterInfoProtobuf(info);
      const result = await fuzz(
        'ZooKeeper MasterInfo',
        (rng) => {
          const form = rng.pick(['json.info_0000000001', 'info_0000000001', '0000000001']);
          const data = form.startsWith('json')
            ? mutateJsonText(json, rng)
            : form.startsWith('info')
              ? mutateBytes(protobuf, rng)
              : mutateBytes(Buffer.from(info.pid), rng);
          return { form, data };
        },
        ({ form, data }) => decodeMasterInfo(parseMembership(form)!, data, `/mesos/${form}`),
        (location: { port: number }) => {
          if (!isPort(location.port)) throw new Error(`port ${location.port}`);
        },
      );
      expectAllHandled(result);
    },
  );

  it('error answers with hostile bodies: one error line', { timeout: AREA_TIMEOUT_MS }, async () => {
    const bodies = [
      'Framework cannot be found\n\u001b[2Jsecond line',
      '<html>\n<body>502 Bad Gateway</body>\n</html>',
      'x'.repeat(70_000),
      '\u0000\u0007\r\n',
    ];
    const result = await fuzz(
      'error bodies',
      (rng) => ({
        status: rng.pick([400, 404, 409, 500, 502]),
        body: mutateBytes(Buffer.from(rng.pick(bodies)), rng),
        scheduler: rng.chance(2),
      }),
      async ({ status, body, scheduler }) => {
        const transport = fakeTransport(() => response(body.subarray(0, 64 * 1024), 'http://master.test:5050/api/v1', status));
        if (scheduler) return new HttpSchedulerClient(transport, 'application/json').call({ type: 'DECLINE' } as never, 'stream-1');
        return new MesosMasterClient(transport, versionReport('1.12.0')).getAgents();
      },
    );
    // A refused call always fails; it must fail well.
    expectAllHandled(result);
  });
});

describe('fuzz: agents', () => {
  it("an agent's /state (pre-1.5 sandbox lookup): a directory or none, or one error line", { timeout: AREA_TIMEOUT_MS }, async () => {
    const seeds = [recordedJson('40_agent_GET_state_with_task'), recordedJson('60_agent_GET_state_after_task')];
    const result = await fuzz(
      'agent state',
      (rng) => mutateJsonText(rng.pick(seeds), rng),
      (body) => {
        const state = parseJsonBody(response(body, 'http://10.0.0.11:5051/state'));
        const directory = findExecutorDirectory(state, 'b8564f73-9862-4214-8536-043f0ff29368-0000', 'probe-task-1');
        if (directory !== undefined && typeof directory !== 'string') throw new Error('directory is not text');
        return directory;
      },
    );
    expectAllHandled(result);
  });

  it('/files/browse: file records, or one error line', { timeout: AREA_TIMEOUT_MS }, async () => {
    const seeds = [
      recordedJson('41_files_browse_sandbox'),
      recordedJson('41_files_browse_sandbox_logs'),
      recordedJson('63_files_browse_virtual_latest'),
    ];
    const result = await fuzz(
      'files browse',
      (rng) => mutateJsonText(rng.pick(seeds), rng),
      (body) => parseBrowseBody(body, 'http://10.0.0.11:5051/files/browse'),
      (entries: Array<{ path: string; size: number; mtime: number }>) => {
        for (const entry of entries) {
          if (!Number.isSafeInteger(entry.size) || entry.size < 0) throw new Error(`size ${entry.size}`);
          if (!Number.isFinite(entry.mtime)) throw new Error(`mtime ${entry.mtime}`);
        }
      },
    );
    expectAllHandled(result);
  });

  it('/files/read: the bytes at an offset, or one error line', { timeout: AREA_TIMEOUT_MS }, async () => {
    const seeds = [
      '42_files_read_stdout_offset0',
      '42_files_read_stderr_offset-1',
      '42_files_read_stdout_offset3_length4',
      '63_files_read_agent_log_virtual',
    ].map((stem) => loadTranscript(stem).response.body);
    const result = await fuzz(
      'files read',
      (rng) =>
        rng.chance(2) ? mutateBytes(rng.pick(seeds), rng) : mutateJsonText(JSON.parse(rng.pick(seeds).toString('latin1')) as Json, rng),
      (body) => decodeReadBody(body, 'http://10.0.0.11:5051/files/read'),
      (answer: { offset: number; data: Buffer }) => {
        if (!Number.isSafeInteger(answer.offset) || answer.offset < 0) throw new Error(`offset ${answer.offset}`);
      },
    );
    expectAllHandled(result);
  });
});

describe('fuzz: the SUBSCRIBE event stream', () => {
  /** Subscribes through a transport whose stream is `bytes` cut into random chunks, and reads every event. */
  async function readStream(bytes: Buffer, media: 'application/json' | 'application/x-protobuf', chunking: number): Promise<unknown[]> {
    const rng = new Xorshift32(chunking);
    const chunks: Buffer[] = [];
    for (let at = 0; at < bytes.length;) {
      const size = 1 + rng.below(rng.chance(2) ? 16 : 4096);
      chunks.push(bytes.subarray(at, at + size));
      at += size;
    }
    const transport = fakeTransport(
      () => response(Buffer.alloc(0), 'x'),
      () => ({
        status: 200,
        statusText: 'OK',
        headers: { 'mesos-stream-id': 'stream-1', 'content-type': media },
        url: 'http://master.test:5050/api/v1/scheduler',
        body: Readable.from(chunks),
        close: () => undefined,
      }),
    );
    const subscription = await new HttpSchedulerClient(transport, media).subscribe({ type: 'SUBSCRIBE' } as never);
    const events: unknown[] = [];
    for await (const event of subscription.events) events.push(event);
    return events;
  }

  const framed = (records: Buffer[]): Buffer => Buffer.concat(records.flatMap((record) => [Buffer.from(`${record.length}\n`), record]));

  it('JSON events: decoded, or one error line (records mutated, then the framing)', { timeout: AREA_TIMEOUT_MS }, async () => {
    const records = splitRecordIO(loadTranscript('10_scheduler_SUBSCRIBE_json_stream').response.body);
    const documents = records.map((record) => JSON.parse(record.toString('utf8')) as Json);
    const result = await fuzz(
      'events JSON',
      (rng) => {
        const i = rng.below(documents.length);
        const mutated = documents.map((document, j) => (j === i ? mutateJsonText(document, rng) : Buffer.from(JSON.stringify(document))));
        const stream = framed(mutated);
        return { stream: rng.chance(4) ? mutateBytes(stream, rng) : stream, chunking: rng.next() };
      },
      ({ stream, chunking }) => readStream(stream, 'application/json', chunking),
    );
    expectAllHandled(result);
  });

  it('protobuf events: decoded, or one error line (records damaged, then the framing)', { timeout: AREA_TIMEOUT_MS }, async () => {
    const records = splitRecordIO(loadTranscript('80_scheduler_SUBSCRIBE_protobuf_stream').response.body);
    const result = await fuzz(
      'events protobuf',
      (rng) => {
        const i = rng.below(records.length);
        const stream = framed(records.map((record, j) => (j === i ? mutateBytes(record, rng) : record)));
        return { stream: rng.chance(4) ? mutateBytes(stream, rng) : stream, chunking: rng.next() };
      },
      ({ stream, chunking }) => readStream(stream, 'application/x-protobuf', chunking),
    );
    expectAllHandled(result);
  });
});

it('mutations are reproducible: the same seed gives the same cases', () => {
  const a = new Xorshift32(7);
  const b = new Xorshift32(7);
  expect(JSON.stringify(mutateJson(GET_AGENTS, a))).toBe(JSON.stringify(mutateJson(GET_AGENTS, b)));
});
