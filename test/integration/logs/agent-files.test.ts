import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FixtureServer, text, transcript } from '../../helpers/http-fixture-server.js';
import { loadTranscript } from '../../helpers/transcripts.js';
import { HttpTransport } from '../../../src/mesos/client/http.js';
import { endpointNames, parseMesosVersion } from '../../../src/mesos/client/version.js';
import { AgentAnswerError, AgentFilesClient, SandboxFileMissingError } from '../../../src/logs/files-client.js';
import { selectFiles } from '../../../src/logs/file-selection.js';
import { tailLines } from '../../../src/logs/tail.js';
import { UnreachableError, UsageError } from '../../../src/shared/errors.js';
import { mesosFilesAnswer } from './mesos-files-fixture.js';

const SANDBOX =
  '/work/mesos-build/agent-work/slaves/b8564f73-9862-4214-8536-043f0ff29368-S0/frameworks/b8564f73-9862-4214-8536-043f0ff29368-0000/executors/probe-task-1/runs/c196039d-f761-49f1-91ff-e8eb8d3f656c';
const VIRTUAL = '/frameworks/b8564f73-9862-4214-8536-043f0ff29368-0000/executors/probe-task-1/runs/latest';

/** Routes each recorded exchange at the exact request target it was recorded with. */
function replay(server: FixtureServer, ...stems: string[]): void {
  for (const stem of stems) server.route('GET', loadTranscript(stem).request.path, transcript(stem));
}

let server: FixtureServer;
let transport: HttpTransport;
let client: AgentFilesClient;

beforeEach(async () => {
  server = await FixtureServer.start();
  transport = new HttpTransport({ baseUrl: server.url, timeoutMs: 5000 });
  client = new AgentFilesClient({ transport, endpoints: endpointNames(parseMesosVersion('1.12.0')).agent, label: server.hostPort });
});

afterEach(async () => {
  transport.close();
  await server.close();
});

describe('AgentFilesClient against recorded Mesos 1.12 answers', () => {
  it('asks the size with offset=-1 exactly as recorded, and reads the data', async () => {
    replay(server, '42_files_read_stdout_offset-1', '42_files_read_stderr_offset-1', '63_files_read_virtual_latest_stdout');
    expect(await client.size(`${SANDBOX}/stdout`)).toBe(6);
    expect(await client.size(`${SANDBOX}/stderr`)).toBeGreaterThan(100);
    expect((await client.read(`${VIRTUAL}/stdout`, 0, 100)).toString()).toBe('hello\n');
  });

  it('treats an echoed offset with empty data as the end of the file', async () => {
    replay(server, '42_files_read_stdout_past_eof');
    expect((await client.read(`${SANDBOX}/stdout`, 100000, 100)).length).toBe(0);
  });

  it('maps the empty 404 and the directory 400 to clear errors', async () => {
    replay(server, '43_files_read_missing_file', '43_files_read_directory');
    const missing = client.read(`${SANDBOX}/does-not-exist.log`, 0, 100);
    await expect(missing).rejects.toBeInstanceOf(SandboxFileMissingError);
    await expect(client.read(SANDBOX, 0, 100)).rejects.toBeInstanceOf(UsageError);
  });

  it('lists the sandbox by basename although the agent answers canonical paths', async () => {
    replay(server, '41_files_browse_sandbox', '41_files_browse_sandbox_logs');
    const selected = await selectFiles(client, SANDBOX, {});
    expect(selected.map((file) => file.name)).toEqual(['stdout', 'stderr', 'logs/master.log']);
    expect(selected[2]!.path).toBe(`${SANDBOX}/logs/master.log`);
  });

  it('lists the completed sandbox and the virtual runs/latest one', async () => {
    replay(server, '60_files_browse_sandbox_after_finish', '63_files_browse_virtual_latest');
    const virtual = await client.browse(VIRTUAL);
    expect(virtual.map((entry) => entry.path.split('/').pop()).sort()).toEqual(['logs', 'stderr', 'stdout']);
  });

  it('downloads a whole file', async () => {
    replay(server, '44_files_download_stdout');
    const download = await client.download(`${SANDBOX}/stdout`);
    const chunks: Buffer[] = [];
    for await (const chunk of download.body) chunks.push(chunk as Buffer);
    download.close();
    expect(Buffer.concat(chunks).toString()).toBe('hello\n');
    expect(download.size).toBe(6);
  });
});

it('tails a file over HTTP with multi-byte characters split at the 64 KiB read cap', async () => {
  // Each line is 64 KiB + 1 byte of 3-byte characters: every read boundary lands inside one.
  const line = '€'.repeat(21846);
  const content = Buffer.from(`${line}\n${line}\nend 🚀\n`);
  server.route('GET', '/files/read', mesosFilesAnswer(new Map([['/s/stdout', content]])));
  const result = await tailLines(client, '/s/stdout', 3);
  expect(result.lines.map((l) => l.text)).toEqual([line, line, 'end 🚀']);
  const reads = server.requestsTo('GET', '/files/read').map((r) => new URL(r.path, 'http://x').searchParams.get('length'));
  expect(reads.every((length) => length === null || Number(length) <= 65536)).toBe(true);
});

it('reports an agent answering garbage', async () => {
  server.route('GET', '/files/read', text(200, '<html>gateway</html>', { 'Content-Type': 'text/html' }));
  await expect(client.size('/s/stdout')).rejects.toBeInstanceOf(AgentAnswerError);
});

it('names the agent when it cannot be reached', async () => {
  const gone = await FixtureServer.start();
  const port = gone.port;
  await gone.close();
  const deadTransport = new HttpTransport({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 300 });
  const dead = new AgentFilesClient({
    transport: deadTransport,
    endpoints: endpointNames(parseMesosVersion('1.12.0')).agent,
    label: `127.0.0.1:${port}`,
  });
  try {
    await expect(dead.size('/s/stdout')).rejects.toThrow(new RegExp(`^cannot reach agent 127\\.0\\.0\\.1:${port}: `));
    await expect(dead.download('/s/stdout')).rejects.toBeInstanceOf(UnreachableError);
  } finally {
    deadTransport.close();
  }
});

/** Drains a download into one buffer, `delayMs` per 1 KiB write (a consumer slower than the socket). */
async function collect(body: NodeJS.ReadableStream, delayMs = 0): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await pipeline(
    body,
    new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk);
        if (delayMs === 0) callback();
        else setTimeout(callback, delayMs);
      },
    }),
  );
  return Buffer.concat(chunks);
}

describe('download', () => {
  const data = Buffer.from(Array.from({ length: 5 * 1024 * 1024 + 17 }, (_, i) => (i * 7) % 256));
  let authed: AgentFilesClient;
  let authedTransport: HttpTransport;

  beforeEach(() => {
    authedTransport = new HttpTransport({
      baseUrl: server.url,
      timeoutMs: 5000,
      credentials: { principal: 'p', secret: 's', secretSource: 'test' },
    });
    authed = new AgentFilesClient({ transport: authedTransport, endpoints: endpointNames(parseMesosVersion('1.12.0')).agent });
  });
  afterEach(() => authedTransport.close());

  it('streams a Content-Length body byte for byte, also to a slow consumer, with the credentials', async () => {
    server.route('GET', '/files/download', { status: 200, headers: { 'Content-Type': 'application/octet-stream' }, body: data });
    const fast = await authed.download('/x');
    expect(fast.size).toBe(data.length);
    expect((await collect(fast.body)).equals(data)).toBe(true);
    const slow = await authed.download('/x');
    expect((await collect(slow.body, 1)).length).toBe(data.length);
    const downloads = server.requestsTo('GET', '/files/download');
    expect(downloads).toHaveLength(2);
    expect(downloads.every((request) => request.headers.authorization === 'Basic cDpz')).toBe(true);
  });

  it('maps a 404 to a missing file and reads a chunked body', async () => {
    server.route('GET', '/files/download', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
    await expect(authed.download('/missing')).rejects.toBeInstanceOf(SandboxFileMissingError);
    const chunked = Buffer.from(
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/octet-stream\r\n\r\n5\r\nhello\r\n1\r\n\n\r\n0\r\n\r\n',
    );
    server.route('GET', '/files/download', { raw: chunked });
    const download = await authed.download('/chunked');
    expect(download.size).toBeUndefined();
    expect((await collect(download.body)).toString()).toBe('hello\n');
  });

  it('fails the body when the connection ends before Content-Length bytes', async () => {
    server.route('GET', '/files/download', { raw: Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this') });
    const download = await client.download('/short');
    expect(download.size).toBe(100);
    await expect(collect(download.body)).rejects.toThrow();
  });
});
