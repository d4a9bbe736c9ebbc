/**
 * `/files/download` over a plain TCP socket reading into 1 MiB buffers. node:http reads sockets
 * in 64 KiB pieces and runs each through its parser and stream machinery, which costs about four
 * times the CPU of the copy itself; for a whole log file of hundreds of MiB that is the difference
 * between keeping up with `curl` and not.
 *
 * Only the simple, common case is handled here: plain http, a `200` with `Content-Length`. Anything
 * else (TLS, a redirect, an error status, chunked coding, a refused connection, no answer in
 * time) answers `undefined` before any body byte is consumed, and the caller repeats the request
 * through the regular transport, which knows every rule. Only an abort rejects.
 */
import net from 'node:net';
import { Readable } from 'node:stream';

export interface FastDownloadRequest {
  /** `http://host:port[/prefix]` */
  baseUrl: string;
  /** Path and query below the base. */
  path: string;
  headers: Readonly<Record<string, string>>;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface FastDownload {
  body: Readable;
  size: number;
  close(): void;
}

const READ_BUFFER_BYTES = 1024 * 1024;
const MAX_HEAD_BYTES = 64 * 1024;

export async function fastDownload(request: FastDownloadRequest): Promise<FastDownload | undefined> {
  const base = new URL(request.baseUrl);
  if (base.protocol !== 'http:') return undefined;
  const host = base.hostname.replace(/^\[|\]$/g, '');
  const port = Number(base.port === '' ? 80 : base.port);
  const target = `${base.pathname.replace(/\/+$/, '')}${request.path}`;

  return new Promise<FastDownload | undefined>((resolve, reject) => {
    let head: Buffer | undefined = Buffer.alloc(0);
    let body: Readable | undefined;
    let remaining = 0;
    let settled = false;
    const readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);

    const settle = (value: FastDownload | undefined, error?: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error !== undefined) reject(error);
      else resolve(value);
    };
    const giveUp = (): void => {
      socket.destroy();
      settle(undefined);
    };
    const onAbort = (): void => {
      socket.destroy();
      body?.destroy(new Error('aborted'));
      settle(undefined, request.signal?.reason ?? new Error('aborted'));
    };

    const deliver = (bytes: Buffer): boolean => {
      const take = Math.min(bytes.length, remaining);
      remaining -= take;
      // Copied: the read buffer is reused for the next read.
      const more = take === 0 ? true : body!.push(Buffer.from(bytes.subarray(0, take)));
      if (remaining === 0) {
        body!.push(null);
        socket.end();
      }
      return more;
    };

    const socket = net.connect({
      host,
      port,
      onread: {
        buffer: readBuffer,
        callback: (count: number, buffer: Uint8Array): boolean => {
          const bytes = Buffer.from(buffer.buffer, buffer.byteOffset, count);
          if (body !== undefined) return deliver(bytes);
          head = Buffer.concat([head!, bytes]);
          const end = head.indexOf('\r\n\r\n');
          if (end === -1) {
            if (head.length > MAX_HEAD_BYTES) giveUp();
            return true;
          }
          const parsed = parseHead(head.subarray(0, end).toString('latin1'));
          if (parsed === undefined) {
            giveUp();
            return false;
          }
          const rest = Buffer.from(head.subarray(end + 4));
          head = undefined;
          remaining = parsed.length;
          body = new Readable({ read: () => socket.resume() });
          body.on('close', () => socket.destroy());
          settle({ body, size: parsed.length, close: () => body?.destroy() });
          if (remaining === 0) {
            body.push(null);
            socket.end();
            return true;
          }
          return rest.length === 0 ? true : deliver(rest);
        },
      },
    });
    // Returning false from onread pauses the socket; the body's read() resumes it.
    // Before the body, every failure hands over to the regular transport (it words the error and
    // knows what to retry); once the body flows, failures end the body.
    socket.on('error', (error) => {
      if (body === undefined) giveUp();
      else body.destroy(error);
    });
    socket.on('close', () => {
      request.signal?.removeEventListener('abort', onAbort);
      if (body !== undefined && remaining > 0)
        body.destroy(new Error(`connection closed with ${remaining} bytes of the file still to come`));
      settle(undefined);
    });
    const timer = setTimeout(giveUp, request.timeoutMs);
    request.signal?.addEventListener('abort', onAbort, { once: true });
    const headers = Object.entries({ Host: `${base.host}`, Connection: 'close', ...request.headers })
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    socket.write(`GET ${target} HTTP/1.1\r\n${headers}\r\n`, 'latin1');
  });
}

/** `{length}` for a plain `200` with Content-Length; undefined for anything the transport should handle. */
function parseHead(text: string): { length: number } | undefined {
  const lines = text.split('\r\n');
  if (!/^HTTP\/1\.[01] 200\b/.test(lines[0] ?? '')) return undefined;
  let length: number | undefined;
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'transfer-encoding' && value.toLowerCase() !== 'identity') return undefined;
    if (name === 'content-length') {
      if (!/^\d+$/.test(value)) return undefined;
      length = Number(value);
    }
  }
  return length === undefined || !Number.isSafeInteger(length) ? undefined : { length };
}
