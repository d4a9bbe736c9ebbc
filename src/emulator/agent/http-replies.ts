/**
 * Replies shaped like libprocess' (the HTTP layer of a real Mesos agent): same status lines, same
 * header names in the same order, same bodies. Node adds only its own `Connection: keep-alive`.
 */
import { createReadStream } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';

type HeaderList = Array<[name: string, value: string]>;

export interface BufferReply {
  readonly status: number;
  readonly headers: HeaderList;
  readonly body: Buffer;
}

/** A file streamed from disk (downloads may be large; they are never buffered). */
export interface FileReply {
  readonly status: number;
  readonly headers: HeaderList;
  readonly file: string;
}

export type Reply = BufferReply | FileReply;

const TEXT_PLAIN = 'text/plain; charset=utf-8';

function httpDate(now: Date = new Date()): string {
  return now.toUTCString();
}

/** `200 OK` with a JSON body; `jsonp=cb` wraps it in `cb(...);` as libprocess does. */
export function okJson(json: Buffer, jsonp?: string): BufferReply {
  const body = jsonp === undefined ? json : Buffer.concat([Buffer.from(`${jsonp}(`), json, Buffer.from(');')]);
  return {
    status: 200,
    headers: [
      ['Date', httpDate()],
      ['Content-Length', String(body.length)],
      ['Content-Type', jsonp === undefined ? 'application/json' : 'text/javascript'],
    ],
    body,
  };
}

/** `200 OK` with no body and no Content-Type (`/health`). */
export function okEmpty(): BufferReply {
  return {
    status: 200,
    headers: [
      ['Date', httpDate()],
      ['Content-Length', '0'],
    ],
    body: Buffer.alloc(0),
  };
}

/** An error in libprocess' shape: text/plain, a one-line message ending in a newline (or empty). */
export function textError(status: number, message = ''): BufferReply {
  const body = Buffer.from(message === '' ? '' : `${message}\n`, 'utf8');
  return {
    status,
    headers: [
      ['Date', httpDate()],
      ['Content-Type', TEXT_PLAIN],
      ['Content-Length', String(body.length)],
    ],
    body,
  };
}

export function badRequest(message: string): BufferReply {
  return textError(400, message);
}

export function notFound(): BufferReply {
  return textError(404);
}

/** `/files/download`: header order as recorded from a real agent. */
export function fileDownload(file: string, size: number, basename: string, contentType: string): FileReply {
  return {
    status: 200,
    headers: [
      ['Content-Length', String(size)],
      ['Date', httpDate()],
      ['Content-Disposition', `attachment; filename=${basename}`],
      ['Content-Type', contentType],
    ],
    file,
  };
}

/** JSON for the master<->agent internal endpoints (plain JSON.stringify is fine there). */
export function internalJson(status: number, value: unknown): BufferReply {
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  return {
    status,
    headers: [
      ['Date', httpDate()],
      ['Content-Length', String(body.length)],
      ['Content-Type', 'application/json'],
    ],
    body,
  };
}

export async function sendReply(res: ServerResponse, reply: Reply): Promise<void> {
  // Node would add its own Date header after ours; we place Date where libprocess does.
  res.sendDate = false;
  res.writeHead(reply.status, reply.headers.flat());
  if ('body' in reply) {
    res.end(reply.body);
    return;
  }
  try {
    await pipeline(createReadStream(reply.file), res);
  } catch {
    // The client went away or the file vanished mid-stream; the headers are already out.
    res.destroy();
  }
}
