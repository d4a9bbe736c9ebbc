/** The benchmarks' pipelined HTTP/1.1 client, against a real node http server on 127.0.0.1. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Socket, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PipelinedConnection } from '../../../bench/lib/pipelined-http.mjs';

let server: Server | undefined;
/** The server's ends of its connections (so that the client's writes can be told apart). */
let serverSockets: Set<Socket>;
let connection: PipelinedConnection | undefined;

afterEach(async () => {
  vi.restoreAllMocks();
  connection?.close();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
  server = undefined;
});

async function serve(handler: (request: IncomingMessage, body: string, response: ServerResponse) => void): Promise<string> {
  serverSockets = new Set();
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => handler(request, Buffer.concat(chunks).toString(), response));
  });
  server.on('connection', (socket: Socket) => serverSockets.add(socket));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('PipelinedConnection', () => {
  it('writes the requests of one turn together and gives each its own answer', async () => {
    const endpoint = await serve((request, body, response) => {
      const n = Number(request.url!.slice(1));
      // Alternate fixed-length and chunked answers, with bodies of different sizes.
      if (n % 2 === 0) response.writeHead(202, { 'Content-Length': String(body.length) }).end(body);
      else {
        response.writeHead(200, { 'X-N': String(n) });
        response.write(body);
        response.end('!'.repeat(n));
      }
    });
    const clientWrites: unknown[] = [];
    const write = Socket.prototype.write;
    vi.spyOn(Socket.prototype, 'write').mockImplementation(function (this: Socket, ...args: Parameters<Socket['write']>) {
      if (!serverSockets.has(this)) clientWrites.push(args[0]);
      return write.apply(this, args);
    });
    connection = new PipelinedConnection(endpoint);
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, n) =>
        connection!.request('POST', `/${n}`, { 'Content-Type': 'text/plain' }, Buffer.from(`call ${n}`)),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: 12 }, (_, n) => (n % 2 === 0 ? 202 : 200)));
    expect(answers.map((answer) => answer.body.toString())).toEqual(
      Array.from({ length: 12 }, (_, n) => (n % 2 === 0 ? `call ${n}` : `call ${n}${'!'.repeat(n)}`)),
    );
    expect(answers[3]!.headers['x-n']).toBe('3');
    expect(clientWrites).toHaveLength(1);
  });

  it('rejects the requests still waiting when the server closes the connection', async () => {
    const endpoint = await serve((request) => request.socket.destroy());
    connection = new PipelinedConnection(endpoint);
    await expect(connection.request('POST', '/', {}, Buffer.from('x'))).rejects.toThrow(/closed/);
  });
});
