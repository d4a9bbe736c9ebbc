/**
 * Replays recorded requests against the local master. Ids in the recording (master, framework,
 * agent and offer ids, stream ids, status uuids) are replaced by the live ones through a
 * substitution table the scenario fills as it goes; JSON bodies are rewritten as text, protobuf
 * bodies are decoded, rewritten and re-encoded.
 */
import { expect } from 'vitest';
import { decodeCall, decodeEvent, encodeCall } from '../../../../../src/emulator/mesos-codec/codec.js';
import type { Call } from '../../../../../src/mesos/protocol/types.js';
import { loadTranscript, splitRecordIO, type Transcript } from '../../../../helpers/transcripts.js';
import { httpRequest, RawStream, type RawResponse } from './scheduler-client.js';
import { shapeDiff, type ShapeOptions } from './shape.js';

export const RECORDED_MASTER_ID = 'b8564f73-9862-4214-8536-043f0ff29368';

export class Replayer {
  /** recorded text -> live text */
  readonly subs = new Map<string, string>();

  constructor(readonly baseUrl: string) {}

  map(recorded: string, live: string): void {
    this.subs.set(recorded, live);
  }

  substitute(text: string): string {
    let out = text;
    // Longest first, so that a master id does not clobber a longer id containing it.
    for (const [from, to] of [...this.subs].sort((a, b) => b[0].length - a[0].length)) out = out.split(from).join(to);
    return out;
  }

  /** The recorded request with live ids, as header map and body. */
  request(t: Transcript): { method: string; path: string; headers: Record<string, string>; body: Buffer } {
    const headers: Record<string, string> = {};
    for (const [name, value] of t.request.headers.entries) {
      const lower = name.toLowerCase();
      if (lower === 'host' || lower === 'content-length') continue;
      headers[name] = this.substitute(value);
    }
    let body = t.request.body;
    if (body.length > 0) {
      const type = t.request.headers.get('content-type');
      if (type === 'application/x-protobuf') {
        try {
          const call = decodeCall(body, 'application/x-protobuf', { validate: false });
          body = encodeCall(JSON.parse(this.substitute(JSON.stringify(call))) as Call, 'application/x-protobuf');
        } catch {
          // Garbage on purpose (21_error_protobuf_garbage_body): send as recorded.
        }
      } else {
        body = Buffer.from(this.substitute(body.toString('utf8')), 'utf8');
      }
    }
    return { method: t.request.method, path: t.request.path, headers, body };
  }

  async send(stem: string): Promise<{ t: Transcript; res: RawResponse }> {
    const t = loadTranscript(stem);
    const r = this.request(t);
    const res = await httpRequest(this.baseUrl, r.method, r.path, r.body.length > 0 ? r.body : undefined, r.headers);
    return { t, res };
  }

  async open(stem: string): Promise<{ t: Transcript; stream: RawStream }> {
    const t = loadTranscript(stem);
    const r = this.request(t);
    const url = new URL(this.baseUrl);
    const lines = [`${r.method} ${r.path} HTTP/1.1`, `Host: ${url.host}`];
    for (const [k, v] of Object.entries(r.headers)) lines.push(`${k}: ${v}`);
    lines.push(`Content-Length: ${r.body.length}`);
    const bytes = Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), r.body]);
    const stream = await RawStream.open(url.hostname, Number(url.port), bytes);
    await stream.waitFor(() => stream.head !== undefined, 10_000, `${stem} response head`);
    return { t, stream };
  }
}

/** The recorded stream's events, decoded (JSON or protobuf). */
export function recordedEvents(t: Transcript): Array<Record<string, unknown>> {
  const media = t.response.headers.get('content-type') === 'application/x-protobuf' ? 'application/x-protobuf' : 'application/json';
  return splitRecordIO(t.response.body).map((r) => decodeEvent(r, media) as unknown as Record<string, unknown>);
}

export function liveEvents(stream: RawStream, media: 'application/json' | 'application/x-protobuf'): Array<Record<string, unknown>> {
  return stream.records.map((r) => decodeEvent(r, media) as unknown as Record<string, unknown>);
}

/** Status, the headers that matter, and the body: exact text for errors, JSON shape otherwise. */
export function expectLikeRecording(replayer: Replayer, t: Transcript, res: RawResponse, shape: ShapeOptions = {}): void {
  const where = t.stem;
  expect(res.status, `${where}: status`).toBe(t.response.status);
  for (const name of ['content-type', 'allow', 'transfer-encoding']) {
    expect(res.headers[name], `${where}: ${name}`).toBe(t.response.headers.get(name));
  }
  expect(res.headers['content-length'] !== undefined, `${where}: content-length presence`).toBe(t.response.headers.has('content-length'));
  const location = t.response.headers.get('location');
  if (location !== undefined) expect(res.headers.location, `${where}: location`).toMatch(/^\/\/[^/]+:\d+/);
  const recordedType = t.response.headers.get('content-type') ?? '';
  if (recordedType.startsWith('application/json')) {
    const diff = shapeDiff(JSON.parse(t.response.body.toString('utf8')), JSON.parse(res.body.toString('utf8')), shape);
    expect(diff, `${where}: JSON shape`).toEqual([]);
  } else {
    expect(res.body.toString('utf8'), `${where}: body`).toBe(replayer.substitute(t.response.body.toString('utf8')));
  }
}

/** Every live event has the shape of a recorded event of the same type (and vice versa). */
export function expectEventShapes(
  recorded: Array<Record<string, unknown>>,
  live: Array<Record<string, unknown>>,
  where: string,
  match: (event: Record<string, unknown>) => string = (e) => String(e.type),
): void {
  for (const event of live) {
    const key = match(event);
    const candidates = recorded.filter((r) => match(r) === key);
    if (candidates.length === 0) continue;
    const diffs = candidates.map((c) => shapeDiff(c, event));
    const best = diffs.reduce((a, b) => (a.length <= b.length ? a : b));
    expect(best, `${where}: ${key} event shape`).toEqual([]);
  }
}

export function isUuid(value: string | undefined): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(value ?? '');
}
