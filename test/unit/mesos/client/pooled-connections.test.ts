/**
 * The transport's kept-alive connections: which agent a request goes through, and the one rule that
 * resends a call that must not repeat (a stale pooled connection). A fake request primitive and a
 * fake clock, then one check against a real server.
 */
import { Agent, createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpTransport, MAX_SOCKETS } from '../../../../src/mesos/client/http.js';
import type { Clock } from '../../../../src/shared/clock.js';
import { OperationError, UnreachableError } from '../../../../src/shared/errors.js';
import { HttpRequestError, type HttpRequestOptions, type OpenHttpAnswer } from '../../../../src/shared/http-request.js';

const clock: Clock = { now: () => 0, sleep: () => Promise.resolve() };

function answer(status: number, body = ''): OpenHttpAnswer {
  const bytes = Buffer.from(body);
  return {
    status,
    statusText: '',
    headers: {},
    body: Readable.from([bytes]),
    read: () => Promise.resolve(bytes),
    readAtMost: () => Promise.resolve(bytes),
    untimed: () => undefined,
    close: () => undefined,
  };
}

const resetOnReused = (code = 'ECONNRESET'): HttpRequestError =>
  new HttpRequestError('network', 'socket hang up', { code, reusedSocket: true });

/** A transport whose request primitive answers from `script`, one entry per attempt, recording each. */
function scripted(script: Array<OpenHttpAnswer | Error>): { transport: HttpTransport; attempts: HttpRequestOptions[] } {
  const attempts: HttpRequestOptions[] = [];
  const transport = new HttpTransport({
    baseUrl: 'http://master:5050',
    timeoutMs: 5_000,
    clock,
    random: () => 0,
    openRequest: (options) => {
      attempts.push(options);
      const next = script.shift();
      if (next === undefined) throw new Error('no more answers scripted');
      return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
    },
  });
  return { transport, attempts };
}

/** A scheduler call: POST, never retried blindly. */
const call = { method: 'POST', path: '/api/v1/scheduler', body: '{}', retry: false, maxBodyBytes: 1024 } as const;

/** The agent a request went through; `keepAlive` is Node's own field (not in its typings). */
function agentOf(options: HttpRequestOptions): Agent & { keepAlive: boolean } {
  expect(options.agent).toBeInstanceOf(Agent);
  return options.agent as Agent & { keepAlive: boolean };
}

describe('kept-alive connections', () => {
  it('sends requests through one bounded keep-alive pool, and a stream on a connection of its own', async () => {
    const { transport, attempts } = scripted([answer(202), answer(202), answer(200)]);
    await transport.request(call);
    await transport.request(call);
    await transport.stream({ method: 'POST', path: '/api/v1/scheduler' });
    const [first, second, stream] = attempts.map(agentOf);
    expect(first).toBe(second);
    expect(first?.keepAlive).toBe(true);
    expect(first?.maxSockets).toBe(MAX_SOCKETS);
    expect(stream).not.toBe(first);
    expect(stream?.keepAlive).toBe(false);
    transport.close();
  });

  it('resends a call once, on a new connection, when its reused idle connection was reset before any answer', async () => {
    const { transport, attempts } = scripted([resetOnReused(), answer(202)]);
    expect((await transport.request(call)).status).toBe(202);
    expect(attempts).toHaveLength(2);
    expect(agentOf(attempts[0]!).keepAlive).toBe(true);
    expect(agentOf(attempts[1]!).keepAlive).toBe(false);
    expect(attempts[1]?.body).toBe('{}');
  });

  it('the same for EPIPE (the request written into a connection the master had closed)', async () => {
    const { transport, attempts } = scripted([resetOnReused('EPIPE'), answer(202)]);
    expect((await transport.request(call)).status).toBe(202);
    expect(attempts).toHaveLength(2);
  });

  it('resends only once: a second failure is the error', async () => {
    const { transport, attempts } = scripted([resetOnReused(), resetOnReused()]);
    const error = await transport.request(call).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnreachableError);
    expect(attempts).toHaveLength(2);
  });

  it('never resends a call reset on a new connection: the master may have acted on it', async () => {
    const { transport, attempts } = scripted([new HttpRequestError('network', 'connection reset', { code: 'ECONNRESET' })]);
    const error = await transport.request(call).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnreachableError);
    expect((error as UnreachableError).retriable).toBe(true);
    expect(attempts).toHaveLength(1);
  });

  it('never resends a call that failed otherwise on a reused connection (a timeout, another code)', async () => {
    for (const failure of [
      new HttpRequestError('timeout', 'timed out after 5000 ms', { reusedSocket: true }),
      new HttpRequestError('network', 'no route to host', { code: 'EHOSTUNREACH', reusedSocket: true }),
    ]) {
      const { transport, attempts } = scripted([failure]);
      await transport.request(call).catch(() => undefined);
      expect(attempts).toHaveLength(1);
    }
  });

  it('never resends a call whose answer had begun (a body cut short)', async () => {
    const cut: OpenHttpAnswer = {
      ...answer(202),
      read: () => Promise.reject(new HttpRequestError('cut-off', 'connection closed after 0 bytes of the body', { code: 'ECONNRESET' })),
    };
    const { transport, attempts } = scripted([cut]);
    const error = await transport.request(call).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OperationError);
    expect(attempts).toHaveLength(1);
  });
});

describe('a real server closing an idle kept-alive connection', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
    server = undefined;
  });

  it('calls in a row share one connection, and a stale one is replaced without an error', async () => {
    const connections: Socket[] = [];
    const seen: string[] = [];
    let resetNext = false;
    server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        if (resetNext) {
          // The race Node's documentation describes: the server drops the idle connection just as
          // the next request arrives on it, answering nothing.
          resetNext = false;
          request.socket.destroy();
          return;
        }
        seen.push(request.url ?? '');
        response.writeHead(202).end();
      });
    });
    server.on('connection', (socket) => connections.push(socket));
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const transport = new HttpTransport({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, timeoutMs: 5_000 });
    try {
      for (let i = 0; i < 5; i += 1) await transport.request({ ...call, path: `/api/v1/scheduler?n=${i}` });
      expect(connections).toHaveLength(1);
      resetNext = true;
      await transport.request({ ...call, path: '/api/v1/scheduler?n=5' });
      expect(seen).toHaveLength(6);
      expect(connections).toHaveLength(2);
    } finally {
      transport.close();
    }
  });
});
