/**
 * A fake Mesos cluster for running commands in-process: the master's v1 operator calls that the
 * commands make (GET_VERSION, GET_AGENTS, GET_FRAMEWORKS, GET_TASKS), answered from plain v1 JSON
 * records, and one agent's files API (`/files/browse`, `/files/read`, `/files/download`) served from an in-memory
 * sandbox. Both listen on the same ephemeral 127.0.0.1 port (a fixture agent's `agent_info` names
 * that port), so a test binds nothing fixed and can run beside the other unit tests.
 *
 * Built on the raw-socket FixtureServer, so the commands talk to it through their real transport.
 */
import { FixtureServer, json, text, type FixtureResponse, type RecordedRequest } from './http-fixture-server.js';

export interface FakeMesosCluster {
  /** Mesos version the master reports (GET_VERSION); 1.12.0 unless given. */
  version?: string;
  /** `get_agents.agents` entries; `agent()` builds one. */
  agents?: unknown[];
  /** `get_frameworks.frameworks` entries. */
  frameworks?: unknown[];
  /** `get_tasks.tasks` entries (active tasks). */
  tasks?: unknown[];
  /**
   * Sandbox files by absolute files-API path, e.g. `/frameworks/F/executors/E/runs/latest/stdout`.
   * ASCII only: the answers are plain JSON, not Mesos' raw-bytes-in-a-string encoding.
   */
  files?: Record<string, string>;
}

export interface FakeMesos {
  /** `127.0.0.1:<port>`, for `--master`. */
  readonly hostPort: string;
  readonly port: number;
  /** Operator call types in the order they arrived. */
  calls(): string[];
  close(): Promise<void>;
}

export async function startFakeMesos(build: (port: number) => FakeMesosCluster): Promise<FakeMesos> {
  const server = await FixtureServer.start();
  const cluster = build(server.port);
  server.route('POST', '/api/v1', (request) => operatorAnswer(cluster, request));
  server.route('GET', '/files/browse', (request) => browseAnswer(cluster.files ?? {}, request));
  server.route('GET', '/files/read', (request) => readAnswer(cluster.files ?? {}, request));
  server.route('GET', '/files/download', (request) => downloadAnswer(cluster.files ?? {}, request));
  return {
    hostPort: server.hostPort,
    port: server.port,
    calls: () =>
      server.requestsTo('POST', '/api/v1').map((request) => (JSON.parse(request.body.toString('utf8')) as { type: string }).type),
    close: () => server.close(),
  };
}

function operatorAnswer(cluster: FakeMesosCluster, request: RecordedRequest): FixtureResponse {
  const { type } = JSON.parse(request.body.toString('utf8')) as { type: string };
  switch (type) {
    case 'GET_VERSION':
      return json({ type, get_version: { version_info: { version: cluster.version ?? '1.12.0' } } });
    case 'GET_AGENTS':
      return json({ type, get_agents: { agents: cluster.agents ?? [] } });
    case 'GET_FRAMEWORKS':
      return json({ type, get_frameworks: { frameworks: cluster.frameworks ?? [] } });
    case 'GET_TASKS':
      return json({ type, get_tasks: { tasks: cluster.tasks ?? [] } });
    default:
      return text(400, `the fake master does not answer ${type}`);
  }
}

function queryOf(request: RecordedRequest): URLSearchParams {
  return new URL(request.path, 'http://fake').searchParams;
}

/** The direct children of `path`, as Mesos lists them (directories with mode `drwxr-xr-x`). */
function browseAnswer(files: Record<string, string>, request: RecordedRequest): FixtureResponse {
  const dir = queryOf(request).get('path') ?? '';
  const children = new Map<string, { path: string; size: number; mtime: number; mode: string; nlink: number }>();
  for (const [file, content] of Object.entries(files)) {
    if (!file.startsWith(`${dir}/`)) continue;
    const [name, ...rest] = file.slice(dir.length + 1).split('/');
    const child = `${dir}/${name ?? ''}`;
    const directory = rest.length > 0;
    children.set(child, {
      path: child,
      size: directory ? 4096 : Buffer.byteLength(content),
      mtime: 1_795_548_218,
      mode: directory ? 'drwxr-xr-x' : '-rw-r--r--',
      nlink: 1,
    });
  }
  if (children.size === 0) return { status: 404 };
  return json([...children.values()]);
}

/** `offset=-1` is the size; otherwise up to `length` bytes from `offset`, the offset echoed. */
function readAnswer(files: Record<string, string>, request: RecordedRequest): FixtureResponse {
  const query = queryOf(request);
  const content = files[query.get('path') ?? ''];
  if (content === undefined) return { status: 404 };
  const bytes = Buffer.from(content, 'utf8');
  const offset = Number(query.get('offset') ?? '0');
  if (offset === -1) return json({ data: '', offset: bytes.length });
  const length = Number(query.get('length') ?? String(bytes.length));
  return json({ data: bytes.subarray(offset, offset + length).toString('latin1'), offset });
}

/** The whole file, as raw bytes (what `logs --bundle` fetches). */
function downloadAnswer(files: Record<string, string>, request: RecordedRequest): FixtureResponse {
  const content = files[queryOf(request).get('path') ?? ''];
  if (content === undefined) return { status: 404 };
  return { status: 200, headers: { 'Content-Type': 'application/octet-stream' }, body: Buffer.from(content, 'utf8') };
}

/** A `get_agents.agents` entry for an active agent with the given total resources. */
export function agent(hostname: string, port: number, resources: unknown[], id = `S-${hostname}`): Record<string, unknown> {
  return {
    agent_info: { hostname, id: { value: id }, port, resources },
    active: true,
    version: '1.12.0',
    total_resources: resources,
    allocated_resources: [],
    offered_resources: [],
  };
}

export const cpus = (value: number): unknown => ({ name: 'cpus', type: 'SCALAR', scalar: { value }, role: '*' });
export const mem = (value: number): unknown => ({ name: 'mem', type: 'SCALAR', scalar: { value }, role: '*' });
export const ports = (ranges: Array<[number, number]>): unknown => ({
  name: 'ports',
  type: 'RANGES',
  ranges: { range: ranges.map(([begin, end]) => ({ begin, end })) },
  role: '*',
});
