/**
 * A small HTTP server on 127.0.0.1 for client tests. It speaks raw TCP so that it can replay the
 * recorded Mesos transcripts byte for byte, and also cut answers short, hang, or drop connections.
 *
 * Routes are keyed by method and path (with query, else without). A route holds a sequence of
 * answers: each request takes the next one and the last one repeats, so "503 twice, then 200"
 * is `route('GET', '/x', a503, a503, ok)`. Every request is recorded.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { transcriptsDir } from './transcripts.js';

export interface RecordedRequest {
  method: string;
  /** Path with query, as sent. */
  path: string;
  /** Lower-cased names. */
  headers: Record<string, string>;
  body: Buffer;
}

export type FixtureResponse =
  /** Exact bytes, e.g. a transcript's `.response.raw`. The connection is closed after them unless keepOpen. */
  | { raw: Buffer; keepOpen?: boolean }
  /** Exact bytes in parts, each sent `delayMs` after the previous one (a stream that trickles in). */
  | { rawParts: Array<{ delayMs: number; bytes: Buffer }>; keepOpen?: boolean }
  | {
      status: number;
      statusText?: string;
      headers?: Record<string, string>;
      body?: string | Buffer;
      /** Wait before answering. */
      delayMs?: number;
    }
  /**
   * A 200 (or `status`) whose body never ends: the head, then `prefix`, then `chunk` over and over
   * for as long as the client reads (a runaway or hostile peer).
   */
  | { endless: Buffer; prefix?: Buffer; status?: number; headers?: Record<string, string> }
  /** Never answer. */
  | { hang: true }
  /** Close the connection without answering. */
  | { drop: true };

export type FixtureAnswer = FixtureResponse | ((request: RecordedRequest) => FixtureResponse);

export class FixtureServer {
  readonly requests: RecordedRequest[] = [];
  /** Body bytes the `endless` answers got into the sockets (what the client read, plus the sockets' buffers). */
  streamedBytes = 0;
  private readonly routes = new Map<string, { answers: FixtureAnswer[]; next: number }>();
  private readonly sockets = new Set<net.Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static start(): Promise<FixtureServer> {
    return FixtureServer.startOn(0);
  }

  /** On a given port, e.g. one that refused connections a moment ago. */
  static async startOn(port: number): Promise<FixtureServer> {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    const address = server.address();
    if (typeof address !== 'object' || address === null) throw new Error('fixture server has no port');
    const fixture = new FixtureServer(server, address.port);
    server.on('connection', (socket) => fixture.accept(socket));
    return fixture;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** `host:port`, as a `--master` value. */
  get hostPort(): string {
    return `127.0.0.1:${this.port}`;
  }

  route(method: string, path: string, ...answers: FixtureAnswer[]): this {
    if (answers.length === 0) throw new Error('a route needs at least one answer');
    this.routes.set(`${method.toUpperCase()} ${path}`, { answers, next: 0 });
    return this;
  }

  requestsTo(method: string, pathname: string): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method.toUpperCase() && r.path.split('?')[0] === pathname);
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      buffer = Buffer.concat([buffer, chunk]);
      const headEnd = buffer.indexOf('\r\n\r\n');
      if (headEnd === -1) return;
      const head = buffer.subarray(0, headEnd).toString('latin1').split('\r\n');
      const [method = '', path = ''] = (head[0] ?? '').split(' ');
      const headers: Record<string, string> = {};
      for (const line of head.slice(1)) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const length = Number(headers['content-length'] ?? '0');
      if (buffer.length < headEnd + 4 + length) return;
      socket.off('data', onData);
      const request: RecordedRequest = { method, path, headers, body: buffer.subarray(headEnd + 4, headEnd + 4 + length) };
      this.requests.push(request);
      this.answer(socket, request);
    };
    socket.on('data', onData);
  }

  private answer(socket: net.Socket, request: RecordedRequest): void {
    const route =
      this.routes.get(`${request.method} ${request.path}`) ?? this.routes.get(`${request.method} ${request.path.split('?')[0] ?? ''}`);
    let response: FixtureResponse = { status: 404, statusText: 'Not Found' };
    if (route !== undefined) {
      const answer = route.answers[Math.min(route.next, route.answers.length - 1)];
      route.next++;
      if (answer !== undefined) response = typeof answer === 'function' ? answer(request) : answer;
    }
    if ('hang' in response) return;
    if ('drop' in response) {
      socket.destroy();
      return;
    }
    if ('raw' in response) {
      socket.write(response.raw);
      if (response.keepOpen !== true) socket.end();
      return;
    }
    if ('endless' in response) {
      const status = response.status ?? 200;
      const head = [
        `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? ''}`,
        'Connection: close',
        ...Object.entries(response.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
      ];
      const chunk = response.endless;
      const write = (): void => {
        for (;;) {
          if (socket.destroyed) return;
          this.streamedBytes += chunk.length;
          if (!socket.write(chunk)) break;
        }
        socket.once('drain', write);
      };
      socket.write(Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), response.prefix ?? Buffer.alloc(0)]));
      write();
      return;
    }
    if ('rawParts' in response) {
      const parts = [...response.rawParts];
      const sendNext = (): void => {
        const part = parts.shift();
        if (part === undefined) {
          if (response.keepOpen !== true) socket.end();
          return;
        }
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          if (!socket.destroyed) socket.write(part.bytes, sendNext);
        }, part.delayMs);
        this.timers.add(timer);
      };
      sendNext();
      return;
    }
    const send = (): void => {
      const body =
        response.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(response.body) ? response.body : Buffer.from(response.body, 'utf8');
      const headers = { 'Content-Length': String(body.length), ...response.headers };
      const head = [
        `HTTP/1.1 ${response.status} ${response.statusText ?? STATUS_TEXT[response.status] ?? ''}`,
        ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
      ];
      socket.end(Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), body]));
    };
    if (response.delayMs === undefined) send();
    else {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        send();
      }, response.delayMs);
      this.timers.add(timer);
    }
  }
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  202: 'Accepted',
  302: 'Found',
  307: 'Temporary Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function json(value: unknown, status = 200): FixtureResponse {
  return { status, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(value) };
}

export function text(status: number, body: string, headers: Record<string, string> = {}): FixtureResponse {
  return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', ...headers }, body };
}

/** The recorded Mesos 1.12 traffic in `test/fixtures/mesos-1.12/`. */
export const TRANSCRIPTS_DIR = transcriptsDir();

/** The recorded answer of exchange `stem`, byte for byte. */
export function transcript(stem: string): FixtureResponse {
  return { raw: readFileSync(`${TRANSCRIPTS_DIR}/${stem}.response.raw`) };
}

/** The body of a recorded (Content-Length, not chunked) answer, parsed as JSON. */
export function transcriptJson(stem: string): unknown {
  const raw = readFileSync(`${TRANSCRIPTS_DIR}/${stem}.response.raw`);
  const headEnd = raw.indexOf('\r\n\r\n');
  return JSON.parse(raw.subarray(headEnd + 4).toString('utf8')) as unknown;
}
