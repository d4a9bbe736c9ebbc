/** The HTTP transport against real sockets: replayed Mesos answers and scripted failures. */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SECRET_ENV } from '../../../../src/config/secret.js';
import { HttpTransport, REFUSED_ATTEMPTS, UnknownHostError, type TransportOptions } from '../../../../src/mesos/client/http.js';
import { type Clock, systemClock } from '../../../../src/shared/clock.js';
import {
  AlluxioMesosError,
  CancelledError,
  CredentialsError,
  ExitCode,
  OperationError,
  UnreachableError,
} from '../../../../src/shared/errors.js';
import { FixtureServer, json, text, transcript, transcriptJson, TRANSCRIPTS_DIR } from '../../../helpers/http-fixture-server.js';
import { freePort } from '../../../helpers/zookeeper.js';

/** Every whole-body request names its limit; these tests are about other rules. */
const ANY_SIZE = 1024 * 1024;

function fakeClock(): { clock: Clock; sleeps: number[] } {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    clock: {
      now: () => now,
      sleep: (ms) => {
        sleeps.push(ms);
        now += ms;
        return Promise.resolve();
      },
    },
  };
}

async function failure(promise: Promise<unknown>): Promise<AlluxioMesosError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AlluxioMesosError);
  return error as AlluxioMesosError;
}

let servers: FixtureServer[] = [];
let transports: HttpTransport[] = [];

async function server(): Promise<FixtureServer> {
  const started = await FixtureServer.start();
  servers.push(started);
  return started;
}

function transport(options: Partial<TransportOptions> & { baseUrl: string }): HttpTransport {
  const created = new HttpTransport({ timeoutMs: 5_000, ...options });
  transports.push(created);
  return created;
}

beforeEach(() => {
  servers = [];
  transports = [];
});
afterEach(async () => {
  for (const t of transports) t.close();
  await Promise.all(servers.map((s) => s.close()));
});

describe('replaying recorded Mesos answers', () => {
  it('returns the recorded /version body byte for byte', async () => {
    const master = (await server()).route('GET', '/version', transcript('01_master_GET_version'));
    const response = await transport({ baseUrl: master.url }).request({ maxBodyBytes: ANY_SIZE, path: '/version' });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(JSON.parse(response.body.toString())).toEqual(transcriptJson('01_master_GET_version'));
    expect(master.requests[0]?.headers['user-agent']).toMatch(/^alluxio-mesos\//);
  });

  it('follows a non-leader 307 with a protocol-relative Location, and sticks to the leader', async () => {
    const leader = (await server()).route('GET', '/master/slaves', transcript('01_master_GET_master_slaves'));
    const follower = (await server()).route('GET', '/master/slaves', {
      status: 307,
      headers: { Location: `//127.0.0.1:${leader.port}/master/slaves` },
    });
    const redirects: string[] = [];
    const client = transport({ baseUrl: follower.url, onRedirect: (from, to) => redirects.push(`${from} -> ${to}`) });

    const first = await client.request({ maxBodyBytes: ANY_SIZE, path: '/master/slaves?limit=5' });
    expect(first.status).toBe(200);
    expect(first.url).toBe(`${leader.url}/master/slaves?limit=5`);
    expect(redirects).toEqual([`${follower.url}/master/slaves?limit=5 -> ${leader.url}`]);
    expect(client.baseUrl).toBe(leader.url);
    // The query survives the hop; later requests go straight to the leader.
    expect(leader.requests.map((r) => r.path)).toEqual(['/master/slaves?limit=5']);
    await client.request({ maxBodyBytes: ANY_SIZE, path: '/master/slaves' });
    expect(follower.requests).toHaveLength(1);
    expect(leader.requests).toHaveLength(2);
  });

  it('re-sends a POST body and its headers to the leader', async () => {
    const leader = (await server()).route('POST', '/api/v1', (request) => json({ echoed: JSON.parse(request.body.toString()) as unknown }));
    const follower = (await server()).route('POST', '/api/v1', { status: 307, headers: { Location: `//127.0.0.1:${leader.port}/api/v1` } });
    const response = await transport({ baseUrl: follower.url }).request({
      maxBodyBytes: ANY_SIZE,
      method: 'POST',
      path: '/api/v1',
      headers: { 'Content-Type': 'application/json' },
      body: '{"type":"GET_VERSION"}',
    });
    expect(JSON.parse(response.body.toString())).toEqual({ echoed: { type: 'GET_VERSION' } });
    expect(leader.requests[0]?.headers['content-type']).toBe('application/json');
  });
});

describe('redirects', () => {
  it('gives up after the hop limit on a redirect loop', async () => {
    const a = await server();
    const b = await server();
    a.route('GET', '/master/state', { status: 307, headers: { Location: `//127.0.0.1:${b.port}/master/state` } });
    b.route('GET', '/master/state', { status: 307, headers: { Location: `//127.0.0.1:${a.port}/master/state` } });
    const error = await failure(transport({ baseUrl: a.url, maxRedirects: 3 }).request({ maxBodyBytes: ANY_SIZE, path: '/master/state' }));
    expect(error).toBeInstanceOf(OperationError);
    expect(error.message).toMatch(/too many redirects \(3\)/);
    // Masters that disagree about the leader settle; a long-running scheduler retries.
    expect(error.retriable).toBe(true);
    expect(a.requests.length + b.requests.length).toBe(4);
  });

  it('a garbage Location is an OperationError naming the answer', async () => {
    const a = (await server()).route('GET', '/x', { status: 307, headers: { Location: 'http://[bad' } });
    const error = await failure(transport({ baseUrl: a.url }).request({ maxBodyBytes: ANY_SIZE, path: '/x' }));
    expect(error).toBeInstanceOf(OperationError);
    expect(error.message).toContain('"http://[bad", which is not a usable address');
  });
});

/** What real Mesos 1.12 answers for ~6 s after winning the election, before it has recovered as leader. */
function redirectToSelf(port: number, path: string): { status: number; headers: Record<string, string> } {
  return { status: 307, headers: { Location: `//127.0.0.1:${port}${path}`, 'Content-Length': '0' } };
}

describe('a master that redirects to itself (elected, not yet leading)', () => {
  it('waits the election out with backoff, without counting hops, and gets the answer', async () => {
    const master = await server();
    const elected = redirectToSelf(master.port, '/api/v1/scheduler');
    master.route('POST', '/api/v1/scheduler', elected, elected, elected, elected, elected, elected, elected, json({ ok: true }));
    const { clock, sleeps } = fakeClock();
    const redirects: string[] = [];
    const client = transport({
      baseUrl: master.url,
      clock,
      timeoutMs: 30_000,
      random: () => 1,
      maxRedirects: 5,
      onRedirect: (from) => redirects.push(from),
    });
    const response = await client.request({ maxBodyBytes: ANY_SIZE, method: 'POST', path: '/api/v1/scheduler', body: '{}' });
    expect(response.status).toBe(200);
    expect(master.requests).toHaveLength(8);
    expect(sleeps).toEqual([100, 200, 400, 800, 1600, 2000, 2000]);
    expect(redirects).toEqual([]);
    expect(client.baseUrl).toBe(master.url);
  });

  it('a standby pointing at a leader that is still taking over is one hop, then a wait', async () => {
    const leader = await server();
    leader.route('GET', '/master/state', redirectToSelf(leader.port, '/master/state'), json({ leading: true }));
    const standby = (await server()).route('GET', '/master/state', redirectToSelf(leader.port, '/master/state'));
    const { clock, sleeps } = fakeClock();
    const response = await transport({ baseUrl: standby.url, clock, random: () => 1 }).request({
      maxBodyBytes: ANY_SIZE,
      path: '/master/state',
    });
    expect(JSON.parse(response.body.toString())).toEqual({ leading: true });
    expect(sleeps).toEqual([100]);
    expect(leader.requests).toHaveLength(2);
  });

  it('until the deadline is a retriable exit 3 that says the election is not over', async () => {
    const master = await server();
    master.route('GET', '/master/state', redirectToSelf(master.port, '/master/state'));
    const { clock } = fakeClock();
    const error = await failure(
      transport({ baseUrl: master.url, clock, timeoutMs: 3_000 }).request({ maxBodyBytes: ANY_SIZE, path: '/master/state' }),
    );
    expect(error).toBeInstanceOf(UnreachableError);
    expect(error.retriable).toBe(true);
    expect(error.message).toBe(
      `no leading Mesos master answered at ${master.url}/master/state: timed out after 3000 ms ` +
        '(last: 307 to itself: it won the leader election and has not finished taking over yet)',
    );
  });

  it('with retry off (a call that must not repeat) is a retriable error at once', async () => {
    const master = await server();
    master.route('POST', '/api/v1/scheduler', redirectToSelf(master.port, '/api/v1/scheduler'));
    const error = await failure(
      transport({ baseUrl: master.url }).request({
        maxBodyBytes: ANY_SIZE,
        method: 'POST',
        path: '/api/v1/scheduler',
        body: '{}',
        retry: false,
      }),
    );
    expect(error).toBeInstanceOf(UnreachableError);
    expect(error.retriable).toBe(true);
    expect(error.message).toContain('redirects to itself');
    expect(master.requests).toHaveLength(1);
  });
});

describe('retries: 503 no leader, refused connections', () => {
  it('retries "503 No leader elected" with growing backoff until the leader answers', async () => {
    const noLeader = text(503, 'No leader elected');
    const master = (await server()).route('GET', '/master/state', noLeader, noLeader, noLeader, json({ version: '1.12.0' }));
    const { clock, sleeps } = fakeClock();
    const response = await transport({ baseUrl: master.url, clock, random: () => 1 }).request({
      maxBodyBytes: ANY_SIZE,
      path: '/master/state',
    });
    expect(JSON.parse(response.body.toString())).toEqual({ version: '1.12.0' });
    expect(master.requests).toHaveLength(4);
    expect(sleeps).toEqual([100, 200, 400]);
  });

  it('503 until the deadline is exit 3 naming the address and the answer', async () => {
    const master = (await server()).route('GET', '/master/state', text(503, 'No leader elected'));
    const error = await failure(
      transport({ baseUrl: master.url, timeoutMs: 700 }).request({ maxBodyBytes: ANY_SIZE, path: '/master/state' }),
    );
    expect(error).toBeInstanceOf(UnreachableError);
    expect(error.exitCode).toBe(ExitCode.UNREACHABLE);
    expect(error.message).toBe(
      `no leading Mesos master answered at ${master.url}/master/state: timed out after 700 ms (last: 503 Service Unavailable: No leader elected)`,
    );
    expect((error as UnreachableError).address).toBe(`${master.url}/master/state`);
    expect(master.requests.length).toBeGreaterThan(2);
  });

  it('a 503 with retry off is handed back', async () => {
    const master = (await server()).route('POST', '/api/v1/scheduler', text(503, 'No leader elected'));
    const response = await transport({ baseUrl: master.url }).request({
      maxBodyBytes: ANY_SIZE,
      method: 'POST',
      path: '/api/v1/scheduler',
      body: '{}',
      retry: false,
    });
    expect(response.status).toBe(503);
    expect(master.requests).toHaveLength(1);
  });

  it('connection refused is exit 3 within the timeout, naming the address tried', async () => {
    const port = await freePort();
    const started = Date.now();
    const error = await failure(
      transport({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 600 }).request({ maxBodyBytes: ANY_SIZE, path: '/version' }),
    );
    // It kept trying until the deadline (a lower bound only: how late it gave up depends on the machine's load).
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    expect(error).toBeInstanceOf(UnreachableError);
    expect(error.exitCode).toBe(ExitCode.UNREACHABLE);
    expect(error.message).toBe(
      `cannot reach the Mesos master at http://127.0.0.1:${port}/version: timed out after 600 ms (last: connection refused)`,
    );
    expect(error.hint).toMatch(/check --master/);
  });

  it('gives up on a refused connection after a few attempts, long before the timeout, and stays retriable', async () => {
    const port = await freePort();
    const { clock, sleeps } = fakeClock();
    const error = await failure(
      transport({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 3_600_000, clock, random: () => 1 }).request({
        maxBodyBytes: ANY_SIZE,
        path: '/version',
      }),
    );
    expect(error).toBeInstanceOf(UnreachableError);
    expect(error.exitCode).toBe(ExitCode.UNREACHABLE);
    expect(error.message).toBe(`cannot reach the Mesos master at http://127.0.0.1:${port}/version: connection refused (3 attempts)`);
    expect(error.hint).toMatch(/check --master/);
    // A scheduler that was subscribed keeps reconnecting; only the command gives up.
    expect(error.retriable).toBe(true);
    // The pauses between the attempts: about 2 s in all, not the hour of the timeout.
    expect(sleeps).toHaveLength(REFUSED_ATTEMPTS - 1);
    expect(sleeps).toEqual([600, 1200]);
  });

  it('an unknown host fails at once, naming the host and the fix', async () => {
    const { clock, sleeps } = fakeClock();
    const error = await failure(
      transport({ baseUrl: 'http://no-such-master.invalid:5050', timeoutMs: 3_600_000, clock }).request({
        maxBodyBytes: ANY_SIZE,
        path: '/version',
      }),
    );
    expect(error).toBeInstanceOf(UnknownHostError);
    expect(error.exitCode).toBe(ExitCode.UNREACHABLE);
    expect(error.message).toBe(
      'cannot resolve the host name "no-such-master.invalid" of the Mesos master (http://no-such-master.invalid:5050/version)',
    );
    expect(error.hint).toMatch(/spelling of --master/);
    expect(sleeps).toEqual([]);
  });

  it('retries a refused connection briefly: a master restarting on the same port is found', async () => {
    const probe = await server();
    const port = probe.port;
    await probe.close();
    servers = [];
    const { clock } = fakeClock();
    let attempts = 0;
    const sleepThenStart: Clock = {
      now: clock.now,
      sleep: async (ms, signal) => {
        attempts++;
        if (attempts === 2) {
          // Bring a master up on the very port that refused us.
          const revived = await FixtureServer.startOn(port);
          servers.push(revived.route('GET', '/version', json({ version: '1.12.0' })));
        }
        await clock.sleep(ms, signal);
      },
    };
    const response = await transport({ baseUrl: `http://127.0.0.1:${port}`, clock: sleepThenStart }).request({
      maxBodyBytes: ANY_SIZE,
      path: '/version',
    });
    expect(response.status).toBe(200);
    expect(attempts).toBe(2);
  });

  it('connection refused with retry off fails at once', async () => {
    const port = await freePort();
    const error = await failure(
      transport({ baseUrl: `http://127.0.0.1:${port}` }).request({ maxBodyBytes: ANY_SIZE, path: '/version', retry: false }),
    );
    expect(error).toBeInstanceOf(UnreachableError);
    expect(error.message).toBe(`cannot reach the Mesos master at http://127.0.0.1:${port}/version: connection refused`);
  });

  it('a master that never answers is exit 3 after the timeout', async () => {
    const master = (await server()).route('GET', '/version', { hang: true });
    const error = await failure(transport({ baseUrl: master.url, timeoutMs: 400 }).request({ maxBodyBytes: ANY_SIZE, path: '/version' }));
    expect(error).toBeInstanceOf(UnreachableError);
    expect(error.message).toBe(`cannot reach the Mesos master at ${master.url}/version: timed out after 400 ms`);
  });

  it('a dropped connection is retried', async () => {
    const master = (await server()).route('GET', '/version', { drop: true }, json({ version: '1.12.0' }));
    const { clock } = fakeClock();
    const response = await transport({ baseUrl: master.url, clock }).request({ maxBodyBytes: ANY_SIZE, path: '/version' });
    expect(response.status).toBe(200);
    expect(master.requests).toHaveLength(2);
  });
});

describe('credentials', () => {
  const credentials = { principal: 'alluxio', secret: 'hunter2', secretSource: SECRET_ENV };

  it('sends HTTP Basic and maps 401 to exit 3 "credentials rejected" without the secret', async () => {
    const master = (await server()).route('GET', '/master/state', text(401, '', { 'WWW-Authenticate': 'Basic realm="mesos"' }));
    const error = await failure(transport({ baseUrl: master.url, credentials }).request({ maxBodyBytes: ANY_SIZE, path: '/master/state' }));
    expect(error).toBeInstanceOf(CredentialsError);
    expect(error.exitCode).toBe(ExitCode.UNREACHABLE);
    expect(error.message).toBe(
      `credentials rejected by ${master.url}/master/state (401 Unauthorized); sent principal 'alluxio' (secret from ALLUXIO_MESOS_SECRET)`,
    );
    expect(`${error.message} ${error.hint ?? ''}`).not.toContain('hunter2');
    expect(master.requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from('alluxio:hunter2').toString('base64')}`);
    expect(master.requests).toHaveLength(1);
  });

  it('403 without credentials says none were sent and how to send them', async () => {
    const master = (await server()).route('GET', '/master/state', text(403, 'Forbidden by ACL'));
    const error = await failure(transport({ baseUrl: master.url }).request({ maxBodyBytes: ANY_SIZE, path: '/master/state' }));
    expect(error).toBeInstanceOf(CredentialsError);
    expect(error.message).toBe(`credentials rejected by ${master.url}/master/state (403 Forbidden: Forbidden by ACL); sent no credentials`);
    expect(error.hint).toMatch(/--principal and --secret-file, or set ALLUXIO_MESOS_SECRET/);
    expect(master.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('hands back statuses the caller asks for', async () => {
    const master = (await server()).route('POST', '/api/v1/scheduler', text(403, 'Framework is not subscribed'));
    const response = await transport({ baseUrl: master.url }).request({
      maxBodyBytes: ANY_SIZE,
      method: 'POST',
      path: '/api/v1/scheduler',
      passStatuses: [403],
    });
    expect(response.status).toBe(403);
  });
});

describe('broken answers', () => {
  it('a body cut short is exit 1 naming the URL', async () => {
    const full = (await readFile(path.join(TRANSCRIPTS_DIR, '01_master_GET_master_slaves.response.raw'))) as Buffer;
    const master = (await server()).route('GET', '/master/slaves', { raw: full.subarray(0, full.length - 300) });
    const error = await failure(transport({ baseUrl: master.url }).request({ maxBodyBytes: ANY_SIZE, path: '/master/slaves' }));
    expect(error).toBeInstanceOf(OperationError);
    expect(error.exitCode).toBe(ExitCode.FAILED);
    expect(error.message).toBe(
      `the answer of ${master.url}/master/slaves was cut off: connection closed after 931 of 1231 bytes of the body`,
    );
  });
});

describe('cancellation', () => {
  it('an aborted signal stops a request in flight with CancelledError', async () => {
    const master = (await server()).route('GET', '/version', { hang: true });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await failure(
      transport({ baseUrl: master.url }).request({ maxBodyBytes: ANY_SIZE, path: '/version', signal: controller.signal }),
    );
    expect(error).toBeInstanceOf(CancelledError);
    expect(error.exitCode).toBe(ExitCode.INTERRUPTED);
  });

  it('an aborted signal stops the backoff sleep', async () => {
    const master = (await server()).route('GET', '/version', text(503, 'No leader elected'));
    const controller = new AbortController();
    // A backoff that only an abort can end, aborted once it has begun: were the abort not to reach
    // the sleep, the request would never settle and the test would time out.
    const sleeps: number[] = [];
    const clock: Clock = {
      now: () => Date.now(),
      sleep: (ms, signal) => {
        sleeps.push(ms);
        const sleeping = systemClock.sleep(3_600_000, signal);
        controller.abort();
        return sleeping;
      },
    };
    const error = await failure(
      transport({ baseUrl: master.url, timeoutMs: 10_000, clock }).request({
        maxBodyBytes: ANY_SIZE,
        path: '/version',
        signal: controller.signal,
      }),
    );
    expect(error).toBeInstanceOf(CancelledError);
    expect(sleeps).toHaveLength(1);
  });
});

describe('streaming', () => {
  it('hands over a chunked SUBSCRIBE stream with no timeout on the body', async () => {
    const raw = (await readFile(path.join(TRANSCRIPTS_DIR, '10_scheduler_SUBSCRIBE_json_stream_first20s.response.raw'))) as Buffer;
    const headEnd = raw.indexOf('\r\n\r\n') + 4;
    const firstChunkEnd = raw.indexOf('\r\n', raw.indexOf('\r\n', headEnd) + 2) + 2;
    const master = (await server()).route('POST', '/api/v1/scheduler', {
      rawParts: [
        { delayMs: 0, bytes: raw.subarray(0, firstChunkEnd) },
        // Later records arrive after the request timeout has long passed.
        { delayMs: 700, bytes: raw.subarray(firstChunkEnd) },
      ],
      keepOpen: true,
    });
    const stream = await transport({ baseUrl: master.url, timeoutMs: 300 }).stream({
      method: 'POST',
      path: '/api/v1/scheduler',
      body: '{}',
    });
    try {
      expect(stream.status).toBe(200);
      expect(stream.headers['mesos-stream-id']).toBe('fbb43e3a-e65b-4ded-ab5a-842a32088947');
      const received: Buffer[] = [];
      await new Promise<void>((resolve, reject) => {
        stream.body.on('data', (chunk: Buffer) => {
          received.push(chunk);
          if (Buffer.concat(received).includes('"type":"OFFERS"')) resolve();
        });
        stream.body.on('error', reject);
      });
      const body = Buffer.concat(received).toString();
      expect(body.startsWith('448\n{"type":"SUBSCRIBED"')).toBe(true);
    } finally {
      stream.close();
    }
  });

  it('follows a 307 before the stream starts', async () => {
    const leader = (await server()).route('POST', '/api/v1/scheduler', {
      status: 200,
      headers: { 'Content-Type': 'application/json' },
      body: '20\n{"type":"HEARTBEAT"}',
    });
    const follower = (await server()).route('POST', '/api/v1/scheduler', {
      status: 307,
      headers: { Location: `//127.0.0.1:${leader.port}/api/v1/scheduler` },
    });
    const stream = await transport({ baseUrl: follower.url }).stream({ method: 'POST', path: '/api/v1/scheduler', body: '{}' });
    const chunks: Buffer[] = [];
    for await (const chunk of stream.body) chunks.push(chunk as Buffer);
    stream.close();
    expect(Buffer.concat(chunks).toString()).toBe('20\n{"type":"HEARTBEAT"}');
    expect(stream.url).toBe(`${leader.url}/api/v1/scheduler`);
  });
});

const opensslAvailable = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!opensslAvailable)('https', () => {
  let dir: string;
  let tls: https.Server;
  let url: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'alluxio-mesos-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    tls = https.createServer(
      { key: await readFile(path.join(dir, 'key.pem')), cert: await readFile(path.join(dir, 'cert.pem')) },
      (_request, response) => {
        response.setHeader('Content-Type', 'application/json');
        response.end('{"version":"1.12.0"}');
      },
    );
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    const address = tls.address();
    url = `https://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => tls.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  it('an unknown certificate is exit 3 with the --ca-file/--insecure hint', async () => {
    const error = await failure(transport({ baseUrl: url }).request({ maxBodyBytes: ANY_SIZE, path: '/version' }));
    expect(error).toBeInstanceOf(UnreachableError);
    expect(error.exitCode).toBe(ExitCode.UNREACHABLE);
    expect(error.message).toContain(`cannot reach the Mesos master at ${url}/version`);
    expect(error.hint).toMatch(/--ca-file .* or --insecure/);
  });

  it('trusts the certificate given with caFile', async () => {
    const response = await transport({ baseUrl: url, caFile: path.join(dir, 'cert.pem') }).request({
      maxBodyBytes: ANY_SIZE,
      path: '/version',
    });
    expect(response.body.toString()).toBe('{"version":"1.12.0"}');
  });

  it('skips verification with insecure', async () => {
    const response = await transport({ baseUrl: url, insecure: true }).request({ maxBodyBytes: ANY_SIZE, path: '/version' });
    expect(response.status).toBe(200);
  });

  it('an unreadable CA file is a usage error', () => {
    expect(() => new HttpTransport({ baseUrl: url, timeoutMs: 1_000, caFile: path.join(dir, 'missing.pem') })).toThrow(
      /cannot read --ca-file .*missing\.pem: ENOENT/,
    );
  });
});
