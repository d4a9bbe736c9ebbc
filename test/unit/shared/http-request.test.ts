/** The one HTTP request primitive, against a real server on 127.0.0.1 (an ephemeral port). */
import { Agent, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CancelledError } from '../../../src/shared/errors.js';
import { HttpRequestError, httpRequest, openHttpRequest } from '../../../src/shared/http-request.js';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

let server: Server;
let base: string;
let handler: Handler;
let connections: Socket[];
/** Requests as the server saw them: `METHOD path body`. */
let seen: string[];

beforeEach(async () => {
  connections = [];
  seen = [];
  handler = (_request, response) => response.end('ok');
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      seen.push(`${request.method ?? ''} ${request.url ?? ''} ${Buffer.concat(chunks).toString()}`.trim());
      handler(request, response);
    });
  });
  server.on('connection', (socket) => connections.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

async function failure(promise: Promise<unknown>): Promise<HttpRequestError> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(HttpRequestError);
  return error as HttpRequestError;
}

function later(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('an answered request', () => {
  it('sends method, headers and body (with its length) and gives back status, headers and body', async () => {
    handler = (request, response) => {
      response.writeHead(201, 'Made', { 'X-Echo': request.headers['x-test'] ?? '', 'X-Length': request.headers['content-length'] ?? '' });
      response.end('{"done":true}');
    };
    const answer = await httpRequest({ url: `${base}/make?x=1`, method: 'POST', headers: { 'X-Test': 'yes' }, body: 'héllo' });
    expect(answer.status).toBe(201);
    expect(answer.statusText).toBe('Made');
    expect(answer.headers['x-echo']).toBe('yes');
    expect(answer.headers['x-length']).toBe(String(Buffer.byteLength('héllo')));
    expect(answer.body.toString()).toBe('{"done":true}');
    expect(seen).toEqual(['POST /make?x=1 héllo']);
  });

  it('follows no redirect and maps no status: a 307 and a 503 are answers like any other', async () => {
    handler = (request, response) => {
      if (request.url === '/moved') response.writeHead(307, { Location: `${base}/elsewhere` }).end();
      else response.writeHead(503).end('No leader elected');
    };
    expect((await httpRequest({ url: `${base}/moved` })).status).toBe(307);
    const unavailable = await httpRequest({ url: `${base}/busy` });
    expect([unavailable.status, unavailable.body.toString()]).toEqual([503, 'No leader elected']);
    expect(seen).toEqual(['GET /moved', 'GET /busy']);
  });

  it('reuses a keep-alive connection once an answer has been read', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      await httpRequest({ url: `${base}/one`, agent });
      await httpRequest({ url: `${base}/two`, agent });
      expect(seen).toEqual(['GET /one', 'GET /two']);
      expect(connections).toHaveLength(1);
    } finally {
      agent.destroy();
    }
  });
});

describe('socket errors, typed', () => {
  it('says when a request failed on a reused kept-alive connection before any answer, and only then', async () => {
    let requests = 0;
    handler = (request, response) => {
      requests += 1;
      // The first request of a connection is answered; the second dies with its connection.
      if (requests % 2 === 0) request.socket.destroy();
      else response.end('ok');
    };
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      await httpRequest({ url: `${base}/one`, agent });
      const reused = await failure(httpRequest({ url: `${base}/two`, agent }));
      expect([reused.code, reused.reusedSocket]).toEqual(['ECONNRESET', true]);
      expect(connections).toHaveLength(1);
    } finally {
      agent.destroy();
    }
    requests = 1;
    const fresh = await failure(httpRequest({ url: `${base}/three` }));
    expect([fresh.code, fresh.reusedSocket]).toEqual(['ECONNRESET', false]);
  });

  it('a port nothing listens on is "refused"', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failure(httpRequest({ url: `http://127.0.0.1:${port}/` }));
    expect(error.failure).toBe('refused');
    expect(error.code).toBe('ECONNREFUSED');
    expect(error.message).toBe('connection refused');
    expect((error.cause as { code?: string }).code).toBe('ECONNREFUSED');
  });

  it('a host name that does not resolve is "unknown-host"', async () => {
    const error = await failure(httpRequest({ url: 'http://no-such-host.invalid:5050/', timeoutMs: 20_000 }));
    expect(error.failure).toBe('unknown-host');
    expect(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL']).toContain(error.code);
  });

  it('a URL that is not http(s) fails before anything is sent', async () => {
    const error = await failure(httpRequest({ url: 'ftp://127.0.0.1/file' }));
    expect(error.failure).toBe('network');
    expect(error.message).toContain('is not an http(s) URL');
  });

  it('an answer cut short is "cut-off", saying how much came', async () => {
    handler = (_request, response) => {
      response.writeHead(200, { 'Content-Length': '100' });
      response.write('x'.repeat(10), () => response.socket?.destroy());
    };
    const error = await failure(httpRequest({ url: `${base}/` }));
    expect(error.failure).toBe('cut-off');
    expect(error.message).toBe('connection closed after 10 of 100 bytes of the body');
  });
});

describe('timeout', () => {
  it('no answer within timeoutMs is "timeout"', async () => {
    handler = () => undefined;
    const error = await failure(httpRequest({ url: `${base}/`, timeoutMs: 150 }));
    expect(error.failure).toBe('timeout');
    expect(error.message).toBe('timed out after 150 ms');
  });

  it('covers the body too: a body that stalls is "timeout", not a cut-off', async () => {
    handler = (_request, response) => {
      response.writeHead(200, { 'Content-Length': '100' });
      response.write('partial');
    };
    const error = await failure(httpRequest({ url: `${base}/`, timeoutMs: 150 }));
    expect(error.failure).toBe('timeout');
  });
});

describe('abort', () => {
  it('a signal aborted before the request sends nothing', async () => {
    const error = await rejection(httpRequest({ url: `${base}/`, signal: AbortSignal.abort() }));
    expect(error).toBeInstanceOf(CancelledError);
    await later(50);
    expect(seen).toEqual([]);
  });

  it('an abort while waiting for the answer rejects with the abort reason', async () => {
    handler = () => undefined;
    const controller = new AbortController();
    const pending = httpRequest({ url: `${base}/`, signal: controller.signal });
    await later(50);
    controller.abort();
    expect(await rejection(pending)).toBeInstanceOf(CancelledError);
  });

  it('an abort while the body streams destroys the body with the abort reason', async () => {
    handler = (_request, response) => {
      response.writeHead(200);
      response.write('first');
    };
    const controller = new AbortController();
    const answer = await openHttpRequest({ url: `${base}/`, signal: controller.signal });
    const error = new Promise((resolve) => answer.body.once('error', resolve));
    controller.abort(new Error('stopped by the test'));
    expect(((await error) as Error).message).toBe('stopped by the test');
    answer.close();
  });
});

describe('maxBodyBytes', () => {
  it('reads a body up to the cap', async () => {
    handler = (_request, response) => response.end('x'.repeat(1000));
    expect((await httpRequest({ url: `${base}/`, maxBodyBytes: 1000 })).body.length).toBe(1000);
  });

  it('gives up on a larger body with "too-large" and closes its connection', async () => {
    handler = (_request, response) => response.end('x'.repeat(100_000));
    const error = await failure(httpRequest({ url: `${base}/`, maxBodyBytes: 1000 }));
    expect(error.failure).toBe('too-large');
    expect(error.message).toBe('the answer is larger than 1000 bytes');
    await later(50);
    expect(connections.every((socket) => socket.destroyed)).toBe(true);
  });
});

describe('readAtMost', () => {
  /** Writes `x` until the client goes away: a body with no end. */
  function endless(_request: IncomingMessage, response: ServerResponse): void {
    const chunk = Buffer.alloc(16 * 1024, 'x');
    const write = (): void => {
      while (!response.destroyed && response.write(chunk));
      if (!response.destroyed) response.once('drain', write);
    };
    write();
  }

  it('gives the start of an endless body and closes its connection', async () => {
    handler = endless;
    const answer = await openHttpRequest({ url: `${base}/` });
    const closed = new Promise((resolve) => connections[0]!.once('close', resolve));
    const body = await answer.readAtMost(100_000);
    expect(body.length).toBe(100_000);
    expect(body.every((byte) => byte === 0x78)).toBe(true);
    await closed;
  });

  it('gives a shorter body whole', async () => {
    handler = (_request, response) => response.end('a short reason');
    const answer = await openHttpRequest({ url: `${base}/` });
    expect((await answer.readAtMost(1000)).toString()).toBe('a short reason');
  });
});

describe('streaming', () => {
  it('hands over the body as it arrives; untimed() lets it outlive the deadline', async () => {
    let sendRest: () => void = () => undefined;
    handler = (_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/recordio' });
      response.write('first;');
      sendRest = () => response.end('second');
    };
    const answer = await openHttpRequest({ url: `${base}/`, method: 'POST', timeoutMs: 150 });
    answer.untimed();
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/recordio');
    const chunks: string[] = [];
    const firstArrived = new Promise<void>((resolve) => answer.body.once('data', () => resolve()));
    answer.body.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    const ended = new Promise((resolve, reject) => {
      answer.body.once('end', resolve);
      answer.body.once('error', reject);
    });
    await firstArrived;
    // The first record is here before the server has sent the rest, which comes after the deadline.
    expect(chunks.join('')).toBe('first;');
    await later(300);
    sendRest();
    // Were the deadline still on, the body would have been destroyed by now: 'error', not 'end'.
    await ended;
    expect(chunks.join('')).toBe('first;second');
    answer.close();
  });

  it('close() ends an unfinished answer and its connection', async () => {
    handler = (_request, response) => {
      response.writeHead(200);
      response.write('endless');
    };
    const answer = await openHttpRequest({ url: `${base}/` });
    answer.close();
    await later(50);
    expect(connections).toHaveLength(1);
    expect(connections[0]?.destroyed).toBe(true);
  });
});
