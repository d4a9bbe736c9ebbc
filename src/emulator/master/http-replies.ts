/**
 * Responses shaped like libprocess builds them: a body always comes with `Content-Length` and
 * `Content-Type` (`text/plain; charset=utf-8` unless given), an empty response only with
 * `Content-Length: 0`. Node adds `Date` itself.
 */
import type { ServerResponse } from 'node:http';
import { stringifyMesosJson, type JsonValue } from '../mesos-json.js';

const TEXT = 'text/plain; charset=utf-8';

export function replyText(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  const bytes = Buffer.from(body, 'utf8');
  res.writeHead(status, { ...headers, 'Content-Type': TEXT, 'Content-Length': String(bytes.length) });
  res.end(bytes);
}

export function replyEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...headers, 'Content-Length': '0' });
  res.end();
}

export function replyBytes(res: ServerResponse, status: number, body: Uint8Array, contentType: string): void {
  res.writeHead(status, { 'Content-Length': String(body.length), 'Content-Type': contentType });
  res.end(body);
}

export function replyMesosJson(res: ServerResponse, value: JsonValue, status = 200): void {
  replyBytes(res, status, Buffer.from(stringifyMesosJson(value), 'utf8'), 'application/json');
}

/** For the internal agent protocol: plain JSON, `{"error": ...}` on failures. */
export function replyJson(res: ServerResponse, status: number, value: unknown): void {
  replyBytes(res, status, Buffer.from(JSON.stringify(value), 'utf8'), 'application/json');
}

/** libprocess `MethodNotAllowed`. */
export function replyMethodNotAllowed(res: ServerResponse, allowed: readonly string[], method: string): void {
  replyText(res, 405, `405 Method Not Allowed. Expecting one of { '${allowed.join("', '")}' }, but received '${method}'.`, {
    Allow: allowed.join(', '),
  });
}
