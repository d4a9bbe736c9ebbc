/**
 * Loads the golden HTTP transcripts recorded against a real Mesos 1.12 master and agent (see
 * README.md in the transcripts directory). Each exchange `<stem>` has:
 *
 * - `<stem>.request.bin`: the exact request bytes (request line, headers, body);
 * - `<stem>.response.raw`: the exact response bytes (status line, headers, body; chunked framing
 *   untouched);
 * - `<stem>.txt`: a human-readable rendering (also holds `protoc --decode` output for protobuf
 *   streams).
 *
 * The directory is `test/fixtures/mesos-1.12/` in this repository (its README.md says where the
 * recordings come from), so every clone has them and no test depends on them being around.
 *
 * ```ts
 * const t = loadTranscript('10_scheduler_SUBSCRIBE_json_stream');
 * t.request.headers.get('content-type'); // 'application/json'
 * t.response.status;                      // 200
 * t.response.chunks;                      // each HTTP chunk's payload, in order
 * splitRecordIO(t.response.body);         // the RecordIO records
 * ```
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { RecordIODecoder } from '../../src/mesos/protocol/recordio.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Absolute path of the transcripts directory. */
export function transcriptsDir(): string {
  return path.join(repoRoot, 'test/fixtures/mesos-1.12');
}

/** Stems of every exchange, sorted; optionally only those matching `filter`. */
export function listTranscripts(filter?: RegExp): string[] {
  const stems = readdirSync(transcriptsDir())
    .filter((name) => name.endsWith('.response.raw'))
    .map((name) => name.slice(0, -'.response.raw'.length))
    .sort();
  return filter === undefined ? stems : stems.filter((stem) => filter.test(stem));
}

/** HTTP headers in wire order and case, with case-insensitive lookup. */
class HttpHeaders {
  readonly entries: ReadonlyArray<readonly [name: string, value: string]>;

  constructor(entries: ReadonlyArray<readonly [string, string]>) {
    this.entries = entries;
  }

  /** First value of the header, or undefined. */
  get(name: string): string | undefined {
    const wanted = name.toLowerCase();
    return this.entries.find(([key]) => key.toLowerCase() === wanted)?.[1];
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }
}

interface TranscriptRequest {
  method: string;
  /** Request target as sent, query string included. */
  path: string;
  httpVersion: string;
  headers: HttpHeaders;
  body: Buffer;
  raw: Buffer;
}

interface TranscriptResponse {
  status: number;
  statusText: string;
  httpVersion: string;
  headers: HttpHeaders;
  /** The body with any chunked framing removed. */
  body: Buffer;
  /** Payloads of the HTTP chunks in arrival order (without the final 0-length chunk); undefined if not chunked. */
  chunks: Buffer[] | undefined;
  /** For chunked bodies: whether the terminating 0-length chunk was received. */
  terminated: boolean;
  raw: Buffer;
}

export interface Transcript {
  stem: string;
  request: TranscriptRequest;
  response: TranscriptResponse;
  /** The `<stem>.txt` rendering. */
  text: string;
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

function splitHead(raw: Buffer, file: string): { startLine: string; headers: HttpHeaders; rest: Buffer } {
  const end = raw.indexOf(HEADER_END);
  if (end < 0) throw new Error(`${file}: no end of headers`);
  const lines = raw.subarray(0, end).toString('latin1').split('\r\n');
  const startLine = lines.shift() ?? '';
  const entries = lines.map((line): [string, string] => {
    const colon = line.indexOf(':');
    if (colon < 0) throw new Error(`${file}: malformed header line ${JSON.stringify(line)}`);
    return [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
  });
  return { startLine, headers: new HttpHeaders(entries), rest: raw.subarray(end + HEADER_END.length) };
}

function bodyWithLength(rest: Buffer, headers: HttpHeaders): Buffer {
  const length = headers.get('content-length');
  return length === undefined ? rest : rest.subarray(0, Number(length));
}

/** Removes chunked transfer coding; tolerates a stream cut off before the last chunk. */
function dechunk(data: Buffer): { body: Buffer; chunks: Buffer[]; terminated: boolean } {
  const chunks: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const lineEnd = data.indexOf(CRLF, pos);
    if (lineEnd < 0) return { body: Buffer.concat(chunks), chunks, terminated: false };
    const sizeText = data.subarray(pos, lineEnd).toString('latin1').split(';')[0]?.trim() ?? '';
    const size = Number.parseInt(sizeText, 16);
    if (!Number.isFinite(size) || !/^[0-9a-fA-F]+$/.test(sizeText)) throw new Error(`bad chunk size line ${JSON.stringify(sizeText)}`);
    if (size === 0) return { body: Buffer.concat(chunks), chunks, terminated: true };
    const start = lineEnd + CRLF.length;
    if (start + size > data.length) {
      chunks.push(data.subarray(start));
      return { body: Buffer.concat(chunks), chunks, terminated: false };
    }
    chunks.push(data.subarray(start, start + size));
    pos = start + size + CRLF.length;
  }
}

function parseRequest(raw: Buffer, file = 'request'): TranscriptRequest {
  const { startLine, headers, rest } = splitHead(raw, file);
  const [method = '', target = '', httpVersion = ''] = startLine.split(' ');
  return { method, path: target, httpVersion, headers, body: bodyWithLength(rest, headers), raw };
}

function parseResponse(raw: Buffer, file = 'response'): TranscriptResponse {
  const { startLine, headers, rest } = splitHead(raw, file);
  const match = /^(HTTP\/\d\.\d) (\d{3}) ?(.*)$/.exec(startLine);
  if (match === null) throw new Error(`${file}: bad status line ${JSON.stringify(startLine)}`);
  const chunked = (headers.get('transfer-encoding') ?? '').toLowerCase().includes('chunked');
  const base = { status: Number(match[2]), statusText: match[3] ?? '', httpVersion: match[1] ?? '', headers, raw };
  if (!chunked) return { ...base, body: bodyWithLength(rest, headers), chunks: undefined, terminated: true };
  const { body, chunks, terminated } = dechunk(rest);
  return { ...base, body, chunks, terminated };
}

/** Loads one exchange by stem (e.g. `10_scheduler_SUBSCRIBE_json_stream`). */
export function loadTranscript(stem: string): Transcript {
  const dir = transcriptsDir();
  const requestFile = path.join(dir, `${stem}.request.bin`);
  const responseFile = path.join(dir, `${stem}.response.raw`);
  const textFile = path.join(dir, `${stem}.txt`);
  return {
    stem,
    request: parseRequest(readFileSync(requestFile), requestFile),
    response: parseResponse(readFileSync(responseFile), responseFile),
    text: existsSync(textFile) ? readFileSync(textFile, 'utf8') : '',
  };
}

/** Reads any other file of the transcripts directory (e.g. `_ids.json`, a `.textproto`). */
export function readTranscriptFile(name: string): Buffer {
  return readFileSync(path.join(transcriptsDir(), name));
}

/** The RecordIO records of a (de-chunked) streaming body; throws if the body ends inside a record. */
export function splitRecordIO(body: Uint8Array): Buffer[] {
  const decoder = new RecordIODecoder({ maxRecordBytes: 64 * 1024 * 1024 });
  const records = decoder.feed(body);
  decoder.end();
  return records;
}
