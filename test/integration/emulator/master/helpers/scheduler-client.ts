/**
 * A raw-socket scheduler client for tests: it writes exact request bytes and parses the response
 * itself, so tests see the real HTTP framing (one RecordIO record per chunk, the final 0-length
 * chunk, whether the server closed the connection), not what an HTTP library makes of it.
 */
import net from 'node:net';
import { request } from 'node:http';

export interface RawResponse {
  status: number;
  reason: string;
  /** Header names lower-cased; values as sent. */
  headers: Record<string, string>;
  /** Header names in the order and case they were sent. */
  headerNames: string[];
  body: Buffer;
}

function parseHead(head: string): Omit<RawResponse, 'body'> {
  const [statusLine = '', ...lines] = head.split('\r\n');
  const m = /^HTTP\/1\.1 (\d{3}) ?(.*)$/.exec(statusLine);
  if (m === null) throw new Error(`bad status line: ${statusLine}`);
  const headers: Record<string, string> = {};
  const headerNames: string[] = [];
  for (const line of lines) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i);
    headerNames.push(name);
    headers[name.toLowerCase()] = line.slice(i + 1).trim();
  }
  return { status: Number(m[1]), reason: m[2] ?? '', headers, headerNames };
}

/** Plain request through node:http (fresh connection each time). */
export function httpRequest(
  baseUrl: string,
  method: string,
  path: string,
  body?: Uint8Array | string,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : typeof body === 'string' ? Buffer.from(body) : Buffer.from(body);
    const req = request(`${baseUrl}${path}`, {
      method,
      agent: false,
      headers: { ...headers, ...(payload === undefined ? {} : { 'Content-Length': String(payload.length) }) },
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const headerMap: Record<string, string> = {};
        const names: string[] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          const name = res.rawHeaders[i] ?? '';
          names.push(name);
          headerMap[name.toLowerCase()] = res.rawHeaders[i + 1] ?? '';
        }
        resolve({
          status: res.statusCode ?? 0,
          reason: res.statusMessage ?? '',
          headers: headerMap,
          headerNames: names,
          body: Buffer.concat(chunks),
        });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

export function postJson(baseUrl: string, path: string, value: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
  return httpRequest(baseUrl, 'POST', path, JSON.stringify(value), {
    'Content-Type': 'application/json',
    Accept: 'application/json',
    ...headers,
  });
}

export async function getJson<T = unknown>(baseUrl: string, path: string): Promise<T> {
  const res = await httpRequest(baseUrl, 'GET', path);
  if (res.status !== 200) throw new Error(`GET ${path} -> ${res.status} ${res.body.toString()}`);
  return JSON.parse(res.body.toString('utf8')) as T;
}

/**
 * An open SUBSCRIBE: raw chunks as they arrive, each parsed as exactly one RecordIO record
 * (a chunk that is not exactly one record is recorded in `framingErrors`).
 */
export class RawStream {
  readonly chunks: Buffer[] = [];
  readonly records: Buffer[] = [];
  readonly framingErrors: string[] = [];
  head: Omit<RawResponse, 'body'> | undefined;
  /** The final 0-length chunk arrived. */
  ended = false;
  /** The server closed the TCP connection. */
  socketClosed = false;
  private buffer = Buffer.alloc(0);
  private headDone = false;
  private readonly waiters: Array<() => void> = [];
  private plainBody: Buffer[] = [];

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (data: Buffer) => this.onData(data));
    socket.on('close', () => {
      this.socketClosed = true;
      this.notify();
    });
    socket.on('error', () => undefined);
  }

  static open(host: string, port: number, requestBytes: Buffer): Promise<RawStream> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port }, () => {
        socket.write(requestBytes);
        resolve(new RawStream(socket));
      });
      socket.once('error', reject);
    });
  }

  /** Non-chunked body bytes (error responses). */
  get body(): Buffer {
    return Buffer.concat(this.plainBody);
  }

  /** JSON records parsed (for JSON streams). */
  json<T = Record<string, unknown>>(): T[] {
    return this.records.map((r) => JSON.parse(r.toString('utf8')) as T);
  }

  async waitFor(predicate: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async waitForEvent<T = Record<string, unknown>>(match: (event: T) => boolean, timeoutMs = 10_000, what = 'event'): Promise<T> {
    let found: T | undefined;
    await this.waitFor(
      () => {
        found = this.json<T>().find(match);
        return found !== undefined;
      },
      timeoutMs,
      what,
    );
    return found as T;
  }

  close(): void {
    this.socket.destroy();
  }

  private notify(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private onData(data: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, data]);
    if (!this.headDone) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      this.head = parseHead(this.buffer.subarray(0, end).toString('latin1'));
      this.buffer = this.buffer.subarray(end + 4);
      this.headDone = true;
    }
    if (this.head?.headers['transfer-encoding'] !== 'chunked') {
      this.plainBody.push(this.buffer);
      this.buffer = Buffer.alloc(0);
      this.notify();
      return;
    }
    for (;;) {
      const lineEnd = this.buffer.indexOf('\r\n');
      if (lineEnd < 0) break;
      const size = parseInt(this.buffer.subarray(0, lineEnd).toString('latin1'), 16);
      if (!Number.isFinite(size)) {
        this.framingErrors.push(`bad chunk size line: ${this.buffer.subarray(0, lineEnd).toString('latin1')}`);
        this.buffer = Buffer.alloc(0);
        break;
      }
      if (this.buffer.length < lineEnd + 2 + size + 2) break;
      const chunk = this.buffer.subarray(lineEnd + 2, lineEnd + 2 + size);
      this.buffer = this.buffer.subarray(lineEnd + 2 + size + 2);
      if (size === 0) {
        this.ended = true;
        continue;
      }
      this.chunks.push(Buffer.from(chunk));
      const nl = chunk.indexOf(0x0a);
      const len = nl < 0 ? NaN : Number(chunk.subarray(0, nl).toString('latin1'));
      if (nl < 0 || !Number.isInteger(len) || nl + 1 + len !== chunk.length) {
        this.framingErrors.push(`chunk of ${chunk.length} bytes is not exactly one RecordIO record`);
        continue;
      }
      this.records.push(Buffer.from(chunk.subarray(nl + 1)));
    }
    this.notify();
  }
}

/** Request bytes for a POST as a raw HTTP/1.1 client writes them. */
export function rawPost(host: string, port: number, path: string, body: Buffer, headers: Record<string, string>): Buffer {
  const lines = [`POST ${path} HTTP/1.1`, `Host: ${host}:${port}`];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  lines.push(`Content-Length: ${body.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}

export async function subscribeJson(
  baseUrl: string,
  frameworkInfo: Record<string, unknown>,
  options: { frameworkId?: string; accept?: string | null; contentType?: string } = {},
): Promise<RawStream> {
  const url = new URL(baseUrl);
  const call: Record<string, unknown> = { type: 'SUBSCRIBE', subscribe: { framework_info: frameworkInfo } };
  if (options.frameworkId !== undefined) call.framework_id = { value: options.frameworkId };
  const headers: Record<string, string> = { 'Content-Type': options.contentType ?? 'application/json' };
  if (options.accept !== null) headers.Accept = options.accept ?? 'application/json';
  const stream = await RawStream.open(
    url.hostname,
    Number(url.port),
    rawPost(url.hostname, Number(url.port), '/api/v1/scheduler', Buffer.from(JSON.stringify(call)), headers),
  );
  await stream.waitFor(() => stream.head !== undefined, 10_000, 'response head');
  return stream;
}

export interface SubscribedFramework {
  stream: RawStream;
  frameworkId: string;
  streamId: string;
  /** POST a call with this framework's id and stream id. */
  call(type: string, fields?: Record<string, unknown>): Promise<RawResponse>;
}

export async function subscribeFramework(
  baseUrl: string,
  frameworkInfo: Record<string, unknown>,
  options: { frameworkId?: string } = {},
): Promise<SubscribedFramework> {
  const stream = await subscribeJson(baseUrl, frameworkInfo, options);
  if (stream.head?.status !== 200) throw new Error(`SUBSCRIBE -> ${stream.head?.status}`);
  const subscribed = await stream.waitForEvent<{ type: string; subscribed?: { framework_id: { value: string } } }>(
    (e) => e.type === 'SUBSCRIBED' || e.type === 'ERROR',
    10_000,
    'SUBSCRIBED',
  );
  if (subscribed.subscribed === undefined) throw new Error(`SUBSCRIBE refused: ${JSON.stringify(subscribed)}`);
  const frameworkId = subscribed.subscribed.framework_id.value;
  const streamId = stream.head.headers['mesos-stream-id'] ?? '';
  return {
    stream,
    frameworkId,
    streamId,
    call: (type, fields = {}) =>
      postJson(baseUrl, '/api/v1/scheduler', { framework_id: { value: frameworkId }, type, ...fields }, { 'Mesos-Stream-Id': streamId }),
  };
}

export async function waitUntil(predicate: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
