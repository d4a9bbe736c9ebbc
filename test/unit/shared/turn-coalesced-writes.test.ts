/**
 * One write per turn on a server socket, against a real node http server on 127.0.0.1 (an ephemeral
 * port). "Writes" are counted where the socket hands bytes to the kernel (its own `_write`/`_writev`,
 * wrapped before coalescing is installed), so the counts do not depend on how the client reads.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeRecord, RecordIODecoder } from '../../../src/mesos/protocol/recordio.js';
import { coalesceWritesPerTurn } from '../../../src/shared/turn-coalesced-writes.js';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

let server: Server | undefined;
let client: Socket | undefined;

afterEach(async () => {
  client?.destroy();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
  server = undefined;
});

/** A server whose sockets count their kernel writes, then coalesce. */
async function serve(handler: Handler): Promise<{ port: number; kernelWrites: () => number; sockets: Socket[] }> {
  let writes = 0;
  const sockets: Socket[] = [];
  server = createServer(handler);
  server.on('connection', (socket) => {
    sockets.push(socket);
    const write = socket._write.bind(socket);
    const writev = socket._writev!.bind(socket);
    socket._write = (chunk: unknown, encoding: BufferEncoding, done: (error?: Error | null) => void) => {
      writes++;
      write(chunk, encoding, done);
    };
    socket._writev = (chunks: Array<{ chunk: unknown; encoding: BufferEncoding }>, done: (error?: Error | null) => void) => {
      writes++;
      writev(chunks, done);
    };
    coalesceWritesPerTurn(socket);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, kernelWrites: () => writes, sockets };
}

/** Connects, sends `raw` in one write, and collects what comes back until `until` is satisfied. */
async function exchange(port: number, raw: string, until: (received: string) => boolean): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  client = socket;
  let received = '';
  return new Promise((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      if (until(received)) resolve(received);
    });
    socket.on('error', reject);
    socket.on('end', () => resolve(received));
    socket.write(raw);
  });
}

const PIPELINED = 20;
const pipelinedCalls = Array.from(
  { length: PIPELINED },
  (_, i) => `POST /call/${i} HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}`,
).join('');
const answer202 = (request: IncomingMessage, response: ServerResponse): void => {
  request.resume();
  request.on('end', () => {
    response.writeHead(202, { 'Content-Length': '0', 'X-Call': request.url ?? '' });
    response.end();
  });
};
const count = (text: string, what: string): number => text.split(what).length - 1;

describe('pipelined calls', () => {
  it('are answered in order, all in one write', async () => {
    const { port, kernelWrites } = await serve(answer202);
    const received = await exchange(port, pipelinedCalls, (text) => count(text, 'HTTP/1.1 202') === PIPELINED);
    const order = [...received.matchAll(/X-Call: \/call\/(\d+)/gi)].map((match) => Number(match[1]));
    expect(order).toEqual(Array.from({ length: PIPELINED }, (_, i) => i));
    expect(kernelWrites()).toBe(1);
  });
});

describe('an event stream', () => {
  it('sends the events of one turn in one write, each record whole in its own chunk', async () => {
    const events = Array.from({ length: 10 }, (_, i) => Buffer.from(JSON.stringify({ type: 'UPDATE', n: i, pad: 'x'.repeat(i * 7) })));
    const { port, kernelWrites } = await serve((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.flushHeaders();
      // The next turn: events produced across ticks and microtasks of it (as answers to several
      // requests are), all of them in the same turn.
      setImmediate(() => {
        response.write(encodeRecord(events[0]!));
        process.nextTick(() => response.write(encodeRecord(events[1]!)));
        void Promise.resolve().then(() => {
          for (const event of events.slice(2)) response.write(encodeRecord(event));
        });
      });
    });
    const received = await exchange(port, 'POST /subscribe HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n', (text) =>
      text.includes('"n":9'),
    );
    expect(kernelWrites()).toBe(2); // the headers, then the ten events
    // HTTP chunks: "<hex size>\r\n<record>\r\n", one per event.
    const body = received.slice(received.indexOf('\r\n\r\n') + 4);
    const records: string[] = [];
    const decoder = new RecordIODecoder({ maxRecordBytes: 1 << 20 });
    for (let at = 0; at < body.length;) {
      const lineEnd = body.indexOf('\r\n', at);
      const size = parseInt(body.slice(at, lineEnd), 16);
      const chunk = Buffer.from(body.slice(lineEnd + 2, lineEnd + 2 + size), 'latin1');
      const decoded = decoder.feed(chunk);
      expect(decoded).toHaveLength(1);
      records.push(Buffer.from(decoded[0]!).toString());
      at = lineEnd + 2 + size + 2;
    }
    expect(records).toEqual(events.map((event) => event.toString()));
  });
});

describe('ending and backpressure', () => {
  it('a closing answer is written whole before the connection ends', async () => {
    const { port } = await serve((request, response) => {
      request.resume();
      response.writeHead(200, { 'Content-Length': '5', Connection: 'close' });
      response.end('hello');
    });
    const received = await exchange(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', () => false);
    expect(received).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(received.endsWith('\r\n\r\nhello')).toBe(true);
  });

  it('what a turn wrote before destroying the socket still reaches the peer', async () => {
    const { port } = await serve((request, response) => {
      request.resume();
      response.writeHead(200, { 'Content-Length': '5' });
      response.write('hello');
      // Later in the same turn: node has uncorked the response (its own nextTick), so the bytes are
      // with the socket; without coalescing they were in the kernel already.
      process.nextTick(() => process.nextTick(() => response.socket!.destroy()));
    });
    const received = await exchange(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', () => false);
    expect(received.endsWith('\r\n\r\nhello')).toBe(true);
  });

  it('a peer that does not read makes the written bytes wait in the socket (writableLength), not vanish', async () => {
    let response: ServerResponse | undefined;
    const { port, sockets } = await serve((_request, res) => {
      response = res;
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      res.flushHeaders();
    });
    const socket = connect(port, '127.0.0.1');
    client = socket;
    socket.pause();
    socket.write('POST /subscribe HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n');
    await new Promise<void>((resolve) => {
      const wait = (): void => (response === undefined ? void setTimeout(wait, 5) : resolve());
      wait();
    });
    const block = Buffer.alloc(256 * 1024, 1);
    // Far more than the kernel buffers take: once they are full, the rest is held back.
    for (let turn = 0; turn < 64; turn++) {
      response!.write(block);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(sockets[0]!.writableLength).toBeGreaterThan(4 * 1024 * 1024);
  });
});
