/**
 * An HTTP/1.1 client on one kept-alive TCP connection with pipelining, for the benchmarks' executor
 * and scheduler: the requests made in one turn of the event loop leave in one write, and the
 * answers (which an HTTP/1.1 server gives in request order) are matched to them in order. That is
 * what a high-throughput Mesos client does; node's http.request costs a write and a fair amount of
 * JavaScript per call, which made the benchmark's own clients a large part of what it measured.
 *
 * Plain Node, no build step, nothing of this project imported (the executor runs as a bare script).
 * Answers with `Content-Length` or chunked bodies; not for streamed (never-ending) responses.
 */
import net from 'node:net';

const CRLF_CRLF = Buffer.from('\r\n\r\n');

export class PipelinedConnection {
  /** `endpoint`: `host:port`. */
  constructor(endpoint) {
    const colon = endpoint.lastIndexOf(':');
    this.host = endpoint.slice(0, colon);
    this.port = Number(endpoint.slice(colon + 1));
    this.socket = undefined;
    /** Requests written (or about to be), oldest first, each waiting for its answer. */
    this.waiting = [];
    /** Encoded requests of this turn, written together at its end. */
    this.outgoing = [];
    this.flushScheduled = false;
    this.received = Buffer.alloc(0);
  }

  /**
   * Sends one request; resolves with `{ status, headers, body }` once its answer came back, or
   * rejects if the connection breaks first (the request may or may not have been processed).
   */
  request(method, path, headers, body = Buffer.alloc(0)) {
    let head = `${method} ${path} HTTP/1.1\r\nHost: ${this.host}:${this.port}\r\nContent-Length: ${body.length}\r\n`;
    for (const [name, value] of Object.entries(headers)) if (value !== undefined) head += `${name}: ${value}\r\n`;
    this.outgoing.push(Buffer.from(`${head}\r\n`, 'latin1'), body);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  /** Drops the connection; requests still waiting are rejected. */
  close() {
    this.socket?.destroy();
    this.failWaiting(new Error('connection closed'));
  }

  flush() {
    this.flushScheduled = false;
    if (this.outgoing.length === 0) return;
    this.connection().write(Buffer.concat(this.outgoing));
    this.outgoing = [];
  }

  connection() {
    if (this.socket !== undefined && !this.socket.destroyed) return this.socket;
    const socket = net.connect({ host: this.host, port: this.port, noDelay: true });
    socket.on('data', (chunk) => this.onData(chunk));
    const broken = (error) => {
      if (this.socket === socket) this.socket = undefined;
      this.received = Buffer.alloc(0);
      this.failWaiting(error ?? new Error('connection closed by the server'));
    };
    socket.on('error', broken);
    socket.on('close', () => broken(undefined));
    this.socket = socket;
    return socket;
  }

  failWaiting(error) {
    for (const { reject } of this.waiting.splice(0)) reject(error);
  }

  onData(chunk) {
    this.received = this.received.length === 0 ? chunk : Buffer.concat([this.received, chunk]);
    for (;;) {
      const answer = parseAnswer(this.received);
      if (answer === undefined) return;
      this.received = this.received.subarray(answer.size);
      this.waiting.shift()?.resolve(answer);
    }
  }
}

/** The first complete answer in `bytes` and how many bytes it took, or undefined if incomplete. */
function parseAnswer(bytes) {
  const headEnd = bytes.indexOf(CRLF_CRLF);
  if (headEnd < 0) return undefined;
  const lines = bytes.subarray(0, headEnd).toString('latin1').split('\r\n');
  const status = Number(lines[0].split(' ')[1]);
  const headers = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const bodyStart = headEnd + 4;
  if (headers['transfer-encoding']?.toLowerCase() === 'chunked') {
    const parts = [];
    let at = bodyStart;
    for (;;) {
      const lineEnd = bytes.indexOf('\r\n', at, 'latin1');
      if (lineEnd < 0) return undefined;
      const size = parseInt(bytes.subarray(at, lineEnd).toString('latin1'), 16);
      if (bytes.length < lineEnd + 2 + size + 2) return undefined;
      if (size === 0) return { status, headers, body: Buffer.concat(parts), size: lineEnd + 4 };
      parts.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
    }
  }
  const length = Number(headers['content-length'] ?? 0);
  if (bytes.length < bodyStart + length) return undefined;
  return { status, headers, body: bytes.subarray(bodyStart, bodyStart + length), size: bodyStart + length };
}
