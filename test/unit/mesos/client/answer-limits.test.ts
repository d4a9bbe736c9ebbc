/**
 * A peer that sends more than any Mesos would (an endless `/version`, a huge error page, a
 * 10 GB event record): each read stops at its limit with a one-line error naming the endpoint and
 * the limit, instead of filling the memory. Against the raw-socket fixture server on an ephemeral port.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../../src/main.js';
import { noTermination } from '../../../../src/context/termination.js';
import { AgentFilesClient } from '../../../../src/logs/files-client.js';
import { filesReadAnswerBytes } from '../../../../src/mesos/client/answer-limits.js';
import { HttpTransport } from '../../../../src/mesos/client/http.js';
import { MesosMasterClient } from '../../../../src/mesos/client/master-client.js';
import { MesosHttpError } from '../../../../src/mesos/client/responses.js';
import { HttpSchedulerClient, SchedulerCallError } from '../../../../src/mesos/client/scheduler-client.js';
import * as calls from '../../../../src/mesos/protocol/calls.js';
import { OperationError } from '../../../../src/shared/errors.js';
import { FixtureServer, json } from '../../../helpers/http-fixture-server.js';
import { testIo } from '../../../helpers/test-io.js';

const JUNK = Buffer.alloc(64 * 1024, '{');

let server: FixtureServer;
let transport: HttpTransport;
beforeEach(async () => {
  server = await FixtureServer.start();
  transport = new HttpTransport({ baseUrl: server.url, timeoutMs: 60_000 });
});
afterEach(async () => {
  transport.close();
  await server.close();
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as Error,
  );
}

describe('an endless /version', () => {
  beforeEach(() => {
    // No operator API: the version probe falls back to GET /version, which never ends.
    server.route('POST', '/api/v1', { status: 404 }).route('GET', '/version', { endless: JUNK });
  });

  it('stops at 1 MiB with an error naming the endpoint and the limit', async () => {
    const error = await rejection(new MesosMasterClient(transport).getVersion());
    expect(error).toBeInstanceOf(OperationError);
    expect(error.message).toBe(`the answer of ${server.url}/version is larger than 1.0 MiB, the most read from it`);
  });

  it('ends check-ports with that one-line error and exit 1', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'am-limits-'));
    try {
      const io = testIo({ cwd: dir });
      const code = await main(['check-ports', '--master', server.hostPort], io, noTermination());
      expect(code).toBe(1);
      expect(io.stderrText()).toMatch(
        new RegExp(`^error: the answer of ${server.url}/version is larger than 1\\.0 MiB, the most read from it; [^\\n]*\\n$`),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('state documents', () => {
  it('GET_AGENTS beyond 64 MiB is an error naming the call', async () => {
    server.route('POST', '/api/v1', (request) =>
      request.body.includes('GET_VERSION')
        ? json({ type: 'GET_VERSION', get_version: { version_info: { version: '1.12.0' } } })
        : { endless: JUNK, prefix: Buffer.from('{"type":"GET_AGENTS","get_agents":{"agents":[') },
    );
    const error = await rejection(new MesosMasterClient(transport).getAgents());
    expect(error.message).toBe(`the answer of ${server.url}/api/v1 is larger than 64 MiB, the most read from it`);
  });

  it('an error page is read up to 64 KiB and reported by its status and first line', async () => {
    server.route('POST', '/api/v1', { endless: Buffer.alloc(4096, 'e'), status: 500 });
    const error = await rejection(new MesosMasterClient(transport).getVersion());
    expect(error).toBeInstanceOf(MesosHttpError);
    expect(error.message).toBe(`${server.url}/api/v1 answered 500 Internal Server Error: ${'e'.repeat(200)}...`);
  });
});

describe("an agent's files API", () => {
  const files = (): AgentFilesClient =>
    new AgentFilesClient({
      transport,
      endpoints: { filesRead: '/files/read', filesBrowse: '/files/browse', filesDownload: '/files/download' },
    });

  it('a /files/read answer longer than the length asked allows is an error', async () => {
    server.route('GET', '/files/read', { endless: JUNK, prefix: Buffer.from('{"offset":0,"data":"') });
    const error = await rejection(files().read('/sandbox/stdout', 0, 1000));
    expect(error.message).toBe(
      `the answer of ${server.url}/files/read?path=%2Fsandbox%2Fstdout&offset=0&length=1000 is larger than 9.9 KiB, the most read from it`,
    );
    expect(filesReadAnswerBytes(1000)).toBe(6 * 1000 + 4096);
  });

  it('an endless /files/browse listing is an error', async () => {
    server.route('GET', '/files/browse', { endless: JUNK, prefix: Buffer.from('[') });
    const error = await rejection(files().browse('/sandbox'));
    expect(error.message).toBe(`the answer of ${server.url}/files/browse?path=%2Fsandbox is larger than 32 MiB, the most read from it`);
  });
});

describe("the scheduler's event stream", () => {
  const frameworkInfo = { user: 'root', name: 'limits', roles: ['*'], failover_timeout: 0 };

  it('a record length prefix of 10 GB fails the stream before anything is buffered', async () => {
    server.route('POST', '/api/v1/scheduler', {
      endless: JUNK,
      prefix: Buffer.from('10000000000\n'),
      headers: { 'Content-Type': 'application/json', 'Mesos-Stream-Id': 'stream-1' },
    });
    const subscription = await new HttpSchedulerClient(transport, 'application/json').subscribe(calls.subscribe(frameworkInfo));
    try {
      const error = await rejection(subscription.events[Symbol.asyncIterator]().next());
      expect(error).toBeInstanceOf(OperationError);
      expect(error.message).toBe(
        `the event stream of ${server.url}/api/v1/scheduler is corrupt: RecordIO record of 10000000000 bytes exceeds the limit of 67108864 bytes (maxRecordBytes)`,
      );
    } finally {
      subscription.close();
    }
  });

  it("a refused SUBSCRIBE's endless reason ends the read, and its first 200 characters are quoted", async () => {
    server.route('POST', '/api/v1/scheduler', { endless: Buffer.alloc(4096, 'r'), status: 400 });
    const error = await rejection(new HttpSchedulerClient(transport, 'application/json').subscribe(calls.subscribe(frameworkInfo)));
    expect(error).toBeInstanceOf(SchedulerCallError);
    expect(error.message).toBe(`Mesos rejected SUBSCRIBE (400): ${'r'.repeat(200)}...`);
  });
});
