/**
 * The scheduler's own HTTP server for the legacy protocol: the master connects back to it and POSTs
 * each message as `/<our process id>/<message name>` on one kept-alive connection. Each message is
 * answered `202` (libprocess ignores the answer), anything else `404`, a body over the bound `413`.
 *
 * Anyone who can reach the port can talk to it, so sizes are bounded (head, body, connections) and
 * nothing a peer sends is trusted: the caller decides whose messages count. Idle connections are
 * never timed out: the master's connection to us is its link to the scheduler, and closing it
 * would make the master think the scheduler went away.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { parseMessagePath, senderOf, type ProcessId } from '../protocol/libprocess.js';
import { OperationError, UsageError } from '../../shared/errors.js';

/** A ResourceOffersMessage for thousands of agents is a few MB; far above, a body is refused. */
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
const MAX_HEADER_BYTES = 8 * 1024;
/** The master holds one connection; a few more for its restarts, none for a flood. */
const MAX_CONNECTIONS = 16;
/** A peer that starts a message must finish it in this time (slowloris). */
const REQUEST_TIMEOUT_MS = 60_000;

export interface InboundMessage {
  readonly from: ProcessId;
  readonly name: string;
  readonly body: Buffer;
}

export interface LibprocessListenerOptions {
  /** Address to bind (`0.0.0.0`: every interface). */
  readonly host: string;
  /** 0: any free port. */
  readonly port: number;
  /** Our process id (`scheduler(1)`): the first segment of the paths we answer. */
  readonly processId: string;
  readonly maxBodyBytes?: number;
  readonly onMessage: (message: InboundMessage) => void;
  /** A connection that had carried at least one message closed (the master went away, or restarted its link). */
  readonly onPeerClosed?: (peer: ProcessId) => void;
}

export class LibprocessListener {
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async open(options: LibprocessListenerOptions): Promise<LibprocessListener> {
    const maxBody = options.maxBodyBytes ?? MAX_MESSAGE_BYTES;
    const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES, requestTimeout: REQUEST_TIMEOUT_MS }, (req, res) =>
      handle(req, res, options, maxBody),
    );
    server.keepAliveTimeout = 0;
    server.headersTimeout = REQUEST_TIMEOUT_MS;
    server.maxConnections = MAX_CONNECTIONS;
    server.maxRequestsPerSocket = 0;
    server.on('connection', (socket: Socket) => socket.setNoDelay(true));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    }).catch((error: unknown) => {
      const code = (error as NodeJS.ErrnoException).code;
      const where = `${options.host}:${options.port}`;
      if (code === 'EADDRINUSE')
        throw new UsageError(`cannot listen on ${where}: the port is in use`, {
          hint: 'choose another --listen port (or LIBPROCESS_PORT), or 0 for any',
        });
      if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
        throw new UsageError(`cannot listen on ${where}: no such local address`, {
          hint: 'give --listen (or LIBPROCESS_IP) an address of this machine',
        });
      throw new OperationError(`cannot listen on ${where}: ${(error as Error).message}`, { cause: error });
    });
    return new LibprocessListener(server, (server.address() as AddressInfo).port);
  }

  /** Stops accepting and drops every connection (the master sees the scheduler go away). */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }
}

function handle(req: IncomingMessage, res: ServerResponse, options: LibprocessListenerOptions, maxBody: number): void {
  const target = parseMessagePath((req.url ?? '').split('?')[0] ?? '');
  const from = senderOf(req.headers);
  if (req.method !== 'POST' || target === undefined || target.receiver !== options.processId || from === undefined) {
    reply(res, 404);
    req.resume();
    return;
  }
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > maxBody) {
    refuseOversize(req, res);
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let refused = false;
  req.on('data', (chunk: Buffer) => {
    if (refused) return;
    size += chunk.length;
    if (size > maxBody) {
      refused = true;
      refuseOversize(req, res);
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (refused) return;
    reply(res, 202);
    const socket = req.socket as Socket & { libprocessPeer?: ProcessId };
    if (socket.libprocessPeer === undefined) {
      socket.libprocessPeer = from;
      socket.once('close', () => options.onPeerClosed?.(from));
    }
    options.onMessage({ from, name: target.name, body: Buffer.concat(chunks) });
  });
  req.on('error', () => undefined);
}

function reply(res: ServerResponse, status: number): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'Content-Length': '0' });
  res.end();
}

/** The rest of an oversized body is not read: the connection goes, after the answer. */
function refuseOversize(req: IncomingMessage, res: ServerResponse): void {
  if (!res.headersSent) {
    res.writeHead(413, { 'Content-Length': '0', Connection: 'close' });
    res.end(() => req.socket.destroy());
  } else {
    req.socket.destroy();
  }
}
