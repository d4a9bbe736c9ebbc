/**
 * The agent's sandbox file API (`/files/read`, `/files/browse`, `/files/download`) with Mesos'
 * real semantics:
 *
 * - `offset=-1` answers `{"data":"","offset":<size>}`;
 * - one read answers at most 64 KiB, so ranges are read in a loop;
 * - past EOF the requested offset is echoed with empty data;
 * - a missing file is a 404 with an empty body, a directory a 400 "Cannot read a directory.".
 *
 * `data` is the file's raw bytes written into a JSON string (stout's JSON writer escapes only `"`,
 * `\`, `/` and control characters; every other byte, 0x80-0xFF included, is copied as it is). A
 * read that ends inside a multi-byte character therefore carries an invalid UTF-8 sequence: the
 * body is parsed as latin1 so that every byte survives as one char, and turned back into bytes.
 */
import type { Readable } from 'node:stream';
import { OperationError, UnreachableError, UsageError } from '../shared/errors.js';
import { firstLine } from '../shared/excerpt.js';
import type { HttpResponse, HttpTransport, StreamingResponse } from '../mesos/client/http.js';
import type { AgentEndpoints } from '../mesos/client/version.js';
import { BROWSE_ANSWER_BYTES, ERROR_ANSWER_BYTES, filesReadAnswerBytes } from '../mesos/client/answer-limits.js';

/**
 * What Mesos answers at most per `/files/read` (`FilesProcess` caps `length` at 64 KiB).
 * @public bench/logs-tail.mjs reads it from dist/, where knip cannot follow.
 */
export const MAX_READ_BYTES = 64 * 1024;

export interface SandboxEntry {
  /** Path as the agent returned it (in the namespace that was asked). */
  path: string;
  size: number;
  /** Seconds since the epoch. */
  mtime: number;
  mode: string;
  directory: boolean;
}

export interface FileDownload {
  body: Readable;
  /** From Content-Length, when the agent sent one. */
  size: number | undefined;
  close(): void;
}

/** The part of the files API the tail, follow and bundle logic need; faked in unit tests. */
export interface SandboxFiles {
  /** Who answers, for messages (`host:port`). */
  readonly label: string;
  size(path: string, signal?: AbortSignal): Promise<number>;
  /** One read: at most `length` bytes from `offset`, possibly fewer (the agent's cap, EOF). */
  read(path: string, offset: number, length: number, signal?: AbortSignal): Promise<Buffer>;
  browse(path: string, signal?: AbortSignal): Promise<SandboxEntry[]>;
  download(path: string, signal?: AbortSignal): Promise<FileDownload>;
}

/** The file is not there (never created, or the sandbox was garbage collected). Exit 1. */
export class SandboxFileMissingError extends OperationError {
  constructor(
    readonly path: string,
    readonly agent: string,
  ) {
    super(`${path} does not exist on agent ${agent}`, {
      hint: 'the sandbox may have been garbage collected (agent --gc_delay); run with --list to see what is left',
    });
  }
}

/** The agent answered something that is not the files API (a proxy page, a broken body). Exit 1. */
export class AgentAnswerError extends OperationError {}

export interface AgentFilesOptions {
  transport: HttpTransport;
  endpoints: Pick<AgentEndpoints, 'filesRead' | 'filesBrowse' | 'filesDownload'>;
  /** `host:port` for messages; defaults to the transport's base URL. */
  label?: string;
}

export class AgentFilesClient implements SandboxFiles {
  readonly label: string;
  private readonly transport: HttpTransport;
  private readonly endpoints: AgentFilesOptions['endpoints'];

  constructor(options: AgentFilesOptions) {
    this.transport = options.transport;
    this.endpoints = options.endpoints;
    this.label = options.label ?? options.transport.baseUrl;
  }

  async size(path: string, signal?: AbortSignal): Promise<number> {
    const answer = await this.readCall(path, -1, undefined, signal);
    return answer.offset;
  }

  async read(path: string, offset: number, length: number, signal?: AbortSignal): Promise<Buffer> {
    if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`bad offset ${offset}`);
    if (length <= 0) return Buffer.alloc(0);
    const answer = await this.readCall(path, offset, Math.min(length, MAX_READ_BYTES), signal);
    if (answer.offset !== offset) {
      throw new AgentAnswerError(`agent ${this.label} answered a read of ${path} at offset ${offset} with offset ${answer.offset}`, {
        hint: 'the agent does not behave like a Mesos agent; is the address right?',
      });
    }
    return answer.data.length > length ? answer.data.subarray(0, length) : answer.data;
  }

  async browse(path: string, signal?: AbortSignal): Promise<SandboxEntry[]> {
    const response = await this.get(`${this.endpoints.filesBrowse}?path=${encodeURIComponent(path)}`, BROWSE_ANSWER_BYTES, signal);
    this.check(response, path);
    return parseBrowseBody(response.body, `${response.url}`);
  }

  async download(path: string, signal?: AbortSignal): Promise<FileDownload> {
    const target = `${this.endpoints.filesDownload}?path=${encodeURIComponent(path)}`;
    let response: StreamingResponse;
    try {
      response = await this.transport.stream({ method: 'GET', path: target, signal });
    } catch (error) {
      throw this.agentError(error);
    }
    if (response.status !== 200) {
      const chunks: Buffer[] = [];
      let received = 0;
      try {
        // Only the first line of an error page is shown: the rest is not read.
        for await (const chunk of response.body) {
          chunks.push(chunk as Buffer);
          received += (chunk as Buffer).length;
          if (received >= ERROR_ANSWER_BYTES) break;
        }
      } catch {
        // The status is what matters.
      } finally {
        response.close();
      }
      this.check(
        {
          status: response.status,
          statusText: response.statusText,
          headers: response.headers,
          body: Buffer.concat(chunks),
          url: response.url,
        },
        path,
      );
    }
    const declared = response.headers['content-length'];
    return { body: response.body, size: declared === undefined ? undefined : Number(declared), close: response.close };
  }

  private async readCall(path: string, offset: number, length: number | undefined, signal?: AbortSignal): Promise<ReadAnswer> {
    const query = `path=${encodeURIComponent(path)}&offset=${offset}${length === undefined ? '' : `&length=${length}`}`;
    const response = await this.get(`${this.endpoints.filesRead}?${query}`, filesReadAnswerBytes(length ?? 0), signal);
    this.check(response, path);
    return decodeReadBody(response.body, response.url);
  }

  private async get(path: string, maxBodyBytes: number, signal: AbortSignal | undefined): Promise<HttpResponse> {
    try {
      return await this.transport.request({ method: 'GET', path, headers: { Accept: 'application/json' }, signal, maxBodyBytes });
    } catch (error) {
      throw this.agentError(error);
    }
  }

  /** The transport speaks of "the Mesos master"; here it is an agent that does not answer. */
  private agentError(error: unknown): unknown {
    if (!(error instanceof UnreachableError)) return error;
    return new UnreachableError(`cannot reach agent ${this.label}: ${error.message.replace(/^.*?: /, '')}`, error.address, {
      hint: 'is the agent running and reachable from here? sandboxes are served only by their own agent',
      cause: error,
    });
  }

  private check(response: HttpResponse, path: string): void {
    if (response.status === 200) return;
    const text = firstLine(response.body.toString('utf8').trim());
    if (response.status === 404) throw new SandboxFileMissingError(path, this.label);
    if (response.status === 400 && /directory/i.test(text)) {
      throw new UsageError(`${path} on agent ${this.label} is a directory`, { hint: 'name a file inside it, or use --list' });
    }
    throw new AgentAnswerError(
      `agent ${this.label} answered ${response.status} ${response.statusText}${text === '' ? '' : `: ${text}`} for ${path}`.trim(),
    );
  }
}

export interface ReadAnswer {
  data: Buffer;
  offset: number;
}

/** Parses a `/files/read` body into the file's exact bytes (see the module comment). */
export function decodeReadBody(body: Buffer, where: string): ReadAnswer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('latin1'));
  } catch (error) {
    throw garbage(where, body, error);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw garbage(where, body);
  const { data, offset } = parsed as { data?: unknown; offset?: unknown };
  if (typeof data !== 'string' || typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) throw garbage(where, body);
  return { data: bytesOfLatin1(data, body), offset };
}

/**
 * A server that escapes non-ASCII as `\uXXXX` (not Mesos, but a proxy re-encoding the JSON) gives
 * chars above 0xFF: its data then was text, and UTF-8 of the properly parsed string is its bytes.
 */
function bytesOfLatin1(data: string, body: Buffer): Buffer {
  for (let i = 0; i < data.length; i++) {
    if (data.charCodeAt(i) > 0xff) {
      const reparsed = JSON.parse(body.toString('utf8')) as { data: string };
      return Buffer.from(reparsed.data, 'utf8');
    }
  }
  return Buffer.from(data, 'latin1');
}

function garbage(where: string, body: Buffer, cause?: unknown): AgentAnswerError {
  const start = body.toString('utf8', 0, Math.min(body.length, 60));
  return new AgentAnswerError(
    `${where} answered garbage where a /files/read answer was expected (${body.length} bytes, starting ${JSON.stringify(start)})`,
    {
      hint: 'is this address a Mesos agent (not a proxy error page)?',
      cause,
    },
  );
}

export function parseBrowseBody(body: Buffer, where: string): SandboxEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new AgentAnswerError(`${where} answered garbage where a /files/browse listing was expected`, { cause: error });
  }
  if (!Array.isArray(parsed))
    throw new AgentAnswerError(`${where} answered ${typeof parsed} where a /files/browse listing (an array) was expected`);
  return parsed.map((item: unknown, i) => {
    const entry = item as { path?: unknown; size?: unknown; mtime?: unknown; mode?: unknown } | null;
    if (
      entry === null ||
      typeof entry !== 'object' ||
      typeof entry.path !== 'string' ||
      typeof entry.size !== 'number' ||
      // A size the tail arithmetic can use: Mesos reports st_size, a whole number of bytes.
      !Number.isSafeInteger(entry.size) ||
      entry.size < 0 ||
      typeof entry.mode !== 'string'
    ) {
      throw new AgentAnswerError(`${where}: entry ${i} of the listing is not a file record`);
    }
    return {
      path: entry.path,
      size: entry.size,
      mtime: typeof entry.mtime === 'number' && Number.isFinite(entry.mtime) ? entry.mtime : 0,
      mode: entry.mode,
      directory: entry.mode.startsWith('d'),
    };
  });
}

/**
 * Reads `[offset, offset + length)` in as many calls as the agent's cap needs, up to `parallel`
 * of them in flight (each read is a round trip; the agent answers them concurrently). Stops early
 * (shorter result) when the file ends first, e.g. it was truncated meanwhile. A read shorter than
 * asked ends its batch: what follows is asked again from where it really stopped.
 */
export async function readRange(
  files: SandboxFiles,
  path: string,
  offset: number,
  length: number,
  signal?: AbortSignal,
  parallel = 4,
): Promise<Buffer> {
  const parts: Buffer[] = [];
  let done = 0;
  while (done < length) {
    const slices: Array<{ at: number; size: number }> = [];
    for (let at = done; at < length && slices.length < Math.max(1, parallel); at += MAX_READ_BYTES) {
      slices.push({ at, size: Math.min(MAX_READ_BYTES, length - at) });
    }
    const answers = await Promise.all(slices.map((slice) => files.read(path, offset + slice.at, slice.size, signal)));
    let short = false;
    for (const [i, answer] of answers.entries()) {
      if (answer.length > 0) {
        parts.push(answer);
        done += answer.length;
      }
      if (answer.length < slices[i]!.size) {
        short = true;
        if (answer.length === 0) return Buffer.concat(parts, done);
        break;
      }
    }
    if (short && done >= length) break;
  }
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts, done);
}

/** `dir/name`, refusing names that would leave the sandbox. */
export function sandboxChild(sandbox: string, name: string): string {
  const segments = name.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.length === 0) throw new UsageError(`"${name}" does not name a file in the sandbox`);
  if (segments.some((segment) => segment === '..')) {
    throw new UsageError(`"${name}" leaves the sandbox ("..")`, {
      hint: 'name a file relative to the sandbox, e.g. stdout or logs/worker.log',
    });
  }
  if (name.startsWith('/'))
    throw new UsageError(`"${name}" is absolute`, { hint: 'name a file relative to the sandbox, e.g. stdout or logs/worker.log' });
  return `${sandbox.replace(/\/+$/, '')}/${segments.join('/')}`;
}
