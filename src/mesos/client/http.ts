/**
 * The HTTP transport every Mesos call goes through (node:http/https, so that a CA file or
 * `--insecure` can be honoured). It owns the Mesos-specific transport rules:
 *
 * - a non-leading master answers 307 with a protocol-relative `Location: //leader:5050/path`: the
 *   request is repeated at the leader and later requests go there too (the base URL is sticky);
 * - `503` (no leader elected yet, or the master is still recovering) and a 307 that points back at
 *   the master asked (it has just been elected and is still recovering) are retried with backoff
 *   until the deadline: waiting out an election is right; giving up then is retriable (UnreachableError);
 * - a refused connection is retried briefly, REFUSED_ATTEMPTS attempts over about 2 s (a master
 *   restarting), then reported: nothing listens there, and the full --timeout would only delay the
 *   error. The error stays retriable, so the long-running scheduler keeps reconnecting;
 * - a host name that does not resolve fails at once with UnknownHostError;
 * - 401/403 become CredentialsError naming what was sent (never the secret); unreachable, timed
 *   out and TLS failures become UnreachableError naming the address tried.
 *
 * Every other status is returned to the caller, who knows which ones it tolerates.
 */
import { readFileSync } from 'node:fs';
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { CredentialsError, OperationError, UnreachableError, UsageError, isAlluxioMesosError } from '../../shared/errors.js';
import { VERSION } from '../../shared/version.js';
import { basicAuthorization, describeCredentials, type Credentials } from './credentials.js';
import { backoffDelay, type BackoffPolicy } from '../../shared/backoff.js';
import { abortReason, systemClock, type Clock } from '../../shared/clock.js';

export interface TransportOptions {
  /** `http(s)://host:port[/prefix]`, no trailing slash needed. */
  baseUrl: string;
  /** Deadline for one request() or for stream() to get its response head, retries included. */
  timeoutMs: number;
  credentials?: Credentials | undefined;
  /** PEM file of the CA that signed the master's certificate. */
  caFile?: string | undefined;
  /** Skip certificate verification. */
  insecure?: boolean | undefined;
  maxRedirects?: number;
  backoff?: BackoffPolicy;
  clock?: Clock;
  random?: () => number;
  /** Told about every redirect followed (for --verbose output). */
  onRedirect?: (from: string, to: string) => void;
}

export interface HttpRequest {
  method?: string;
  /** Path relative to the base URL, query string allowed: `/files/read?path=...`. */
  path: string;
  headers?: Readonly<Record<string, string>>;
  body?: string | Buffer;
  signal?: AbortSignal;
  /** Overrides the transport's timeout for this request. */
  timeoutMs?: number;
  /** Retry 503 and refused connections; default true. Turn off for calls that must not repeat. */
  retry?: boolean;
  /** Statuses handed back instead of mapped to errors, e.g. 403 for the scheduler API. */
  passStatuses?: readonly number[];
}

export interface HttpResponse {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The URL that finally answered (after redirects). */
  url: string;
}

export interface StreamingResponse {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  url: string;
  /** The body as it arrives; no timeout applies to it. */
  body: Readable;
  /** Ends the exchange and its connection. */
  close(): void;
}

/** Leader elections take seconds; polling faster than this only adds load to a master that is recovering. */
const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 100, maxMs: 2_000, jitter: 'equal' };

const REDIRECT_STATUSES = new Set([301, 302, 307, 308]);
const RETRIABLE_CODES = new Set(['ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT']);
/** getaddrinfo's answers for a name that does not resolve (EAI_AGAIN: no DNS answer at all). */
const UNKNOWN_HOST_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL']);
/** Attempts at a refused address before giving up, and the pauses between them (about 0.5 s, then 1 s). */
export const REFUSED_ATTEMPTS = 3;
const REFUSED_BACKOFF: BackoffPolicy = { initialMs: 600, maxMs: 1_200, jitter: 'equal' };
const TLS_CODE = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO|ERR_TLS/;
const TLS_HINT = "pass --ca-file <pem> to trust the master's certificate, or --insecure to skip verification";
const ELECTION_IN_PROGRESS = 'it won the leader election and has not finished taking over yet';
const UNREACHABLE_HINT = 'check --master and that the Mesos master is running; raise --timeout if a leader election is under way';

/**
 * A host name that does not resolve: no retry helps within a command's patience. Not retriable, so
 * a command fails at once; a scheduler that was already subscribed may still decide to retry.
 */
export class UnknownHostError extends UnreachableError {
  readonly host: string;

  constructor(host: string, url: string, cause: unknown) {
    super(`cannot resolve the host name "${host}" of the Mesos master (${url})`, url, {
      hint: 'check the spelling of --master (or the master saved by init) and the DNS of this machine; an IP address avoids DNS',
      cause,
      retriable: false,
    });
    this.host = host;
  }
}

/** Why one attempt failed, before we decide to retry or give up. */
interface AttemptFailure {
  kind: 'retriable' | 'refused' | 'unknown-host' | 'timeout' | 'fatal';
  description: string;
  cause: unknown;
}

class AttemptTimeout extends Error {}

export class HttpTransport {
  private base: URL;
  private readonly options: TransportOptions;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly ca: Buffer | undefined;
  private httpsAgent: https.Agent | undefined;
  private readonly httpAgent = new http.Agent({ keepAlive: false });

  constructor(options: TransportOptions) {
    this.options = options;
    this.base = parseBase(options.baseUrl);
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.ca = options.caFile === undefined ? undefined : readCaFile(options.caFile);
  }

  /** The base URL requests go to now: after a redirect, the leader's. */
  get baseUrl(): string {
    return stripSlash(this.base.href);
  }

  get credentials(): Credentials | undefined {
    return this.options.credentials;
  }

  /** Sends the request and reads the whole body. */
  async request(request: HttpRequest): Promise<HttpResponse> {
    const { opened, url } = await this.exchange(request);
    const { response } = opened;
    try {
      const body = await readAll(response);
      return { status: response.statusCode ?? 0, statusText: response.statusMessage ?? '', headers: response.headers, body, url };
    } catch (error) {
      throw this.bodyError(opened.failure() ?? error, url, request);
    } finally {
      opened.finish();
    }
  }

  /**
   * Sends the request and hands over the body as a stream once the response head has arrived.
   * The caller must listen for 'error' on `body` (a connection cut mid-stream) and call close().
   */
  async stream(request: HttpRequest): Promise<StreamingResponse> {
    const { opened, url } = await this.exchange(request, true);
    const { response } = opened;
    response.once('close', opened.finish);
    return {
      status: response.statusCode ?? 0,
      statusText: response.statusMessage ?? '',
      headers: response.headers,
      url,
      body: response,
      close: opened.destroy,
    };
  }

  /** Releases the agents' sockets. Requests in flight are not affected. */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent?.destroy();
  }

  /**
   * Runs attempts until one gives a final response: follows redirects, retries what is retriable,
   * maps auth failures. `streaming` stops the deadline timer once the head has arrived.
   */
  private async exchange(request: HttpRequest, streaming = false): Promise<{ opened: Opened; url: string }> {
    const timeoutMs = request.timeoutMs ?? this.options.timeoutMs;
    const deadline = this.clock.now() + timeoutMs;
    const maxRedirects = this.options.maxRedirects ?? 5;
    const retry = request.retry ?? true;
    let redirects = 0;
    let attempt = 0;
    let refusals = 0;
    let lastFailure: string | undefined;

    for (;;) {
      const url = this.urlFor(request.path);
      const remaining = deadline - this.clock.now();
      if (remaining <= 0) throw this.gaveUp(url, timeoutMs, lastFailure);
      if (isAborted(request.signal)) throw abortReason(request.signal);

      let opened: Opened;
      try {
        opened = await this.open(url, request, remaining);
      } catch (error) {
        if (isAlluxioMesosError(error)) throw error;
        if (isAborted(request.signal)) throw abortReason(request.signal);
        const failure = classify(error);
        if (failure.kind === 'timeout') throw this.gaveUp(url, timeoutMs, lastFailure);
        if (failure.kind === 'unknown-host') throw new UnknownHostError(new URL(url).hostname, url, failure.cause);
        if (failure.kind === 'refused' && ++refusals >= REFUSED_ATTEMPTS) throw this.refused(url, failure, refusals);
        if (failure.kind === 'fatal' || !retry) throw this.unreachable(url, failure);
        lastFailure = failure.description;
        if (failure.kind === 'refused') await this.pause(refusals - 1, deadline, request.signal, REFUSED_BACKOFF);
        else await this.pause(attempt++, deadline, request.signal);
        continue;
      }

      const { response } = opened;
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (REDIRECT_STATUSES.has(status) && location !== undefined) {
        opened.destroy();
        if (this.redirectsToItself(location, request.path)) {
          // A master that has just won the ZooKeeper election but not yet recovered as leader
          // answers every call with a 307 to itself (real Mesos 1.12, for about 6 s). Following
          // it is pointless and it is no redirect hop: it is "election in progress", waited out
          // like a 503 until the deadline. A call that must not repeat is handed back at once,
          // retriable: the 307 tells us the master did not act on it.
          lastFailure = `${status} to itself: ${ELECTION_IN_PROGRESS}`;
          if (!retry) throw this.stillElecting(url);
          await this.pause(attempt++, deadline, request.signal);
          continue;
        }
        if (++redirects > maxRedirects) {
          // Masters pointing at each other is a view of the election that has not settled yet:
          // a long-running caller (the scheduler) retries with backoff, so this is retriable.
          throw new OperationError(`too many redirects (${maxRedirects}) starting from ${url}; last Location was ${location}`, {
            hint: 'the masters may disagree about who leads; try again, or point --master at the leader',
            retriable: true,
          });
        }
        this.follow(location, request.path, url);
        continue;
      }
      if (status === 503 && retry) {
        const text = await this.drainText(opened);
        lastFailure = `${status} ${response.statusMessage ?? ''}${text === '' ? '' : `: ${text}`}`.trim();
        await this.pause(attempt++, deadline, request.signal);
        continue;
      }
      if ((status === 401 || status === 403) && !(request.passStatuses ?? []).includes(status)) {
        const text = await this.drainText(opened);
        throw this.rejected(url, status, response.statusMessage ?? '', text);
      }
      if (streaming) opened.stopTimer();
      return { opened, url };
    }
  }

  private urlFor(path: string): string {
    const relative = path.startsWith('/') ? path : `/${path}`;
    return `${this.baseUrl}${relative}`;
  }

  /** Whether `location` names the master we just asked (the same base URL after redirectBase). */
  private redirectsToItself(location: string, requestPath: string): boolean {
    try {
      return parseBase(redirectBase(this.baseUrl, requestPath, location)).href === this.base.href;
    } catch {
      return false;
    }
  }

  /** Points the base at the leader named by `location`, keeping our scheme when it is protocol-relative. */
  private follow(location: string, requestPath: string, from: string): void {
    let next: URL;
    try {
      next = parseBase(redirectBase(this.baseUrl, requestPath, location));
    } catch (error) {
      throw new OperationError(`${from} redirected to "${location}", which is not a usable address`, { cause: error });
    }
    this.options.onRedirect?.(from, stripSlash(next.href));
    this.base = next;
  }

  private async pause(attempt: number, deadline: number, signal: AbortSignal | undefined, policy?: BackoffPolicy): Promise<void> {
    const delay = backoffDelay(attempt, policy ?? this.options.backoff ?? DEFAULT_BACKOFF, this.random);
    await this.clock.sleep(Math.max(0, Math.min(delay, deadline - this.clock.now())), signal);
  }

  private open(url: string, request: HttpRequest, remainingMs: number): Promise<Opened> {
    const target = new URL(url);
    const body = request.body === undefined ? undefined : Buffer.isBuffer(request.body) ? request.body : Buffer.from(request.body, 'utf8');
    const headers: Record<string, string> = { 'User-Agent': `alluxio-mesos/${VERSION}`, ...request.headers };
    if (this.options.credentials !== undefined) headers.Authorization = basicAuthorization(this.options.credentials);
    if (body !== undefined) headers['Content-Length'] = String(body.length);

    return new Promise<Opened>((resolve, reject) => {
      const client = (target.protocol === 'https:' ? https : http).request(target, {
        method: request.method ?? 'GET',
        headers,
        agent: target.protocol === 'https:' ? this.tlsAgent() : this.httpAgent,
      });
      let failure: unknown;
      const timer = setTimeout(() => client.destroy(new AttemptTimeout(`no answer within ${remainingMs} ms`)), remainingMs);
      const signal = request.signal;
      const onAbort = (): void => {
        client.destroy(abortReason(signal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const stopTimer = (): void => clearTimeout(timer);
      const finish = (): void => {
        stopTimer();
        signal?.removeEventListener('abort', onAbort);
      };
      // Kept for the whole exchange: a timeout or abort while the body is read lands here too.
      client.on('error', (error) => {
        failure ??= error;
        finish();
        reject(error);
      });
      client.once('response', (response) => {
        resolve({
          response,
          failure: () => failure,
          stopTimer,
          finish,
          destroy: () => {
            finish();
            response.destroy();
            client.destroy();
          },
        });
      });
      client.end(body);
    });
  }

  private tlsAgent(): https.Agent {
    this.httpsAgent ??= new https.Agent({
      keepAlive: false,
      ca: this.ca,
      rejectUnauthorized: this.options.insecure !== true,
    });
    return this.httpsAgent;
  }

  private async drainText(opened: Opened): Promise<string> {
    try {
      const body = await readAll(opened.response);
      return firstLine(body.toString('utf8'));
    } catch {
      return '';
    } finally {
      opened.finish();
    }
  }

  private rejected(url: string, status: number, statusText: string, text: string): CredentialsError {
    const sent = describeCredentials(this.options.credentials);
    const answer = `${status} ${statusText}`.trim() + (text === '' ? '' : `: ${text}`);
    return new CredentialsError(`credentials rejected by ${url} (${answer}); sent ${sent}`, {
      hint:
        this.options.credentials === undefined
          ? 'this master requires authentication: pass --principal and --secret-file, or set ALLUXIO_MESOS_SECRET'
          : 'check the principal and the secret, and that the principal is allowed to use this endpoint',
    });
  }

  private unreachable(url: string, failure: AttemptFailure): UnreachableError {
    const tls = failure.kind === 'fatal' && TLS_CODE.test(errorCode(failure.cause) ?? '');
    return new UnreachableError(`cannot reach the Mesos master at ${url}: ${failure.description}`, url, {
      hint: tls ? TLS_HINT : UNREACHABLE_HINT,
      cause: failure.cause,
      retriable: failure.kind === 'retriable',
    });
  }

  private refused(url: string, failure: AttemptFailure, attempts: number): UnreachableError {
    return new UnreachableError(`cannot reach the Mesos master at ${url}: ${failure.description} (${attempts} attempts)`, url, {
      hint: 'check --master (host and port) and that the Mesos master is running there',
      cause: failure.cause,
      retriable: true,
    });
  }

  private stillElecting(url: string): UnreachableError {
    return new UnreachableError(`the Mesos master at ${url} redirects to itself: ${ELECTION_IN_PROGRESS}`, url, { hint: UNREACHABLE_HINT });
  }

  /** Retriable (UnreachableError): the scheduler retries it and looks up the leader again. */
  private gaveUp(url: string, timeoutMs: number, lastFailure: string | undefined): UnreachableError {
    const noLeader = lastFailure !== undefined && (/^503\b/.test(lastFailure) || lastFailure.endsWith(ELECTION_IN_PROGRESS));
    const what = noLeader ? `no leading Mesos master answered at ${url}` : `cannot reach the Mesos master at ${url}`;
    return new UnreachableError(
      `${what}: timed out after ${timeoutMs} ms${lastFailure === undefined ? '' : ` (last: ${lastFailure})`}`,
      url,
      {
        hint: UNREACHABLE_HINT,
      },
    );
  }

  private bodyError(error: unknown, url: string, request: HttpRequest): Error {
    if (isAlluxioMesosError(error)) return error;
    if (isAborted(request.signal)) return abortReason(request.signal);
    if (error instanceof AttemptTimeout) {
      return new UnreachableError(`timed out after ${request.timeoutMs ?? this.options.timeoutMs} ms reading the answer of ${url}`, url, {
        hint: UNREACHABLE_HINT,
      });
    }
    return new OperationError(`the answer of ${url} was cut off: ${error instanceof BodyCutOff ? error.message : describeError(error)}`, {
      hint: 'the master may have restarted; try again',
      cause: error,
    });
  }
}

interface Opened {
  response: IncomingMessage;
  /** The first error of the request after the head arrived (timeout, abort), if any. */
  failure(): unknown;
  stopTimer(): void;
  finish(): void;
  destroy(): void;
}

/**
 * The base URL a redirect points to. Mesos answers `//host:port` + the request's own path, so
 * the request path is cut off the end of the Location and what remains is the new base (origin plus
 * any proxy prefix); a protocol-relative Location keeps the scheme we used.
 */
export function redirectBase(currentBase: string, requestPath: string, location: string): string {
  const target = new URL(location, `${stripSlash(currentBase)}/`);
  const requestPathname = (requestPath.split('?')[0] ?? '').replace(/\/+$/, '');
  let prefix = target.pathname.replace(/\/+$/, '');
  if (requestPathname !== '' && prefix.endsWith(requestPathname)) {
    prefix = prefix.slice(0, -requestPathname.length);
  } else if (prefix !== '') {
    // A Location that is not "<base><our path>" (e.g. /master/redirect answering //leader:5050)
    // names the leader itself; keep only its origin.
    prefix = '';
  }
  return `${target.origin}${prefix}`;
}

function parseBase(baseUrl: string): URL {
  const url = new URL(stripSlash(baseUrl));
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`"${baseUrl}" is not an http(s) URL`);
  url.search = '';
  url.hash = '';
  return url;
}

function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

function stripSlash(text: string): string {
  return text.replace(/\/+$/, '');
}

function readCaFile(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new UsageError(`cannot read --ca-file ${file}: ${errorCode(error) ?? describeError(error)}`, { cause: error });
  }
}

/** A body that ended before it was complete; says how much came. */
class BodyCutOff extends Error {}

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const cutOff = (): void => {
      const declared = stream.headers['content-length'];
      reject(new BodyCutOff(`connection closed after ${received}${declared === undefined ? '' : ` of ${declared}`} bytes of the body`));
    };
    stream.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
    });
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', cutOff);
    stream.once('aborted', cutOff);
    // 'close' without 'end' also means the body was cut short (not every node version errors).
    stream.once('close', () => {
      if (!stream.complete) cutOff();
    });
  });
}

function classify(error: unknown): AttemptFailure {
  if (error instanceof AttemptTimeout) return { kind: 'timeout', description: error.message, cause: error };
  const code = errorCode(error);
  if (code === 'ECONNREFUSED') return { kind: 'refused', description: describeError(error), cause: error };
  if (code !== undefined && UNKNOWN_HOST_CODES.has(code)) return { kind: 'unknown-host', description: describeError(error), cause: error };
  if (code !== undefined && RETRIABLE_CODES.has(code)) return { kind: 'retriable', description: describeError(error), cause: error };
  return { kind: 'fatal', description: describeError(error), cause: error };
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function describeError(error: unknown): string {
  const code = errorCode(error);
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
      return `host name not found (${(error as { hostname?: string }).hostname ?? 'DNS'})`;
    case 'ECONNRESET':
      return 'connection reset';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'no route to host';
    default: {
      const message = error instanceof Error ? error.message : String(error);
      return code === undefined || message.includes(code) ? message : `${message} (${code})`;
    }
  }
}

function firstLine(text: string): string {
  const line = text.split(/\r?\n/, 1)[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}...` : line;
}
