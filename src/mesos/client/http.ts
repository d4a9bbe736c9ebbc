/**
 * The HTTP transport every Mesos call goes through, on top of the one request primitive
 * (src/shared/http-request.ts; an https agent honours a CA file or `--insecure`). It owns the
 * Mesos-specific transport rules:
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
 *   out and TLS failures become UnreachableError naming the address tried;
 * - requests go over kept-alive connections (a pool of at most MAX_SOCKETS per master, so a TLS
 *   master costs one handshake per connection, not per call); a streamed answer (SUBSCRIBE) gets a
 *   connection of its own, never pooled. A request that fails with ECONNRESET or EPIPE on a reused
 *   idle connection before any answer (the master closed it as the request was written) is sent
 *   once more on a new connection, whatever `retry` says: nothing else is resent blindly.
 *
 * Every other status is returned to the caller, who knows which ones it tolerates.
 */
import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, type IncomingHttpHeaders } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import type { Readable } from 'node:stream';
import { CredentialsError, OperationError, UnreachableError, UsageError, isAlluxioMesosError } from '../../shared/errors.js';
import { HttpRequestError, openHttpRequest, type HttpRequestOptions, type OpenHttpAnswer } from '../../shared/http-request.js';
import { VERSION } from '../../shared/version.js';
import { basicAuthorization, describeCredentials, type Credentials } from './credentials.js';
import { backoffDelay, type BackoffPolicy } from '../../shared/backoff.js';
import { abortReason, systemClock, type Clock } from '../../shared/clock.js';
import { formatSize } from '../../shared/byte-size.js';
import { firstLine } from '../../shared/excerpt.js';
import { ERROR_ANSWER_BYTES } from './answer-limits.js';

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
  /** The request primitive (tests inject a fake one). */
  openRequest?: (options: HttpRequestOptions) => Promise<OpenHttpAnswer>;
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
  /**
   * request(): the largest 2xx body read (see answer-limits.ts); a larger one is an OperationError
   * naming the endpoint and the limit. Other statuses' bodies are read up to ERROR_ANSWER_BYTES.
   */
  maxBodyBytes?: number;
}

/** A request whose whole answer is read: it says how much of it may be. */
export type BoundedHttpRequest = HttpRequest & { maxBodyBytes: number };

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

/**
 * Kept-alive connections per master: at least the scheduler's calls in flight at once (its call
 * window plus its acknowledgement window, 16 + 8), so that no call queues behind another inside the
 * pool, where the acknowledgement lane would be lost.
 */
export const MAX_SOCKETS = 32;
/** Failures of a reused idle connection that mean the master had closed it (Node's advice). */
const STALE_CONNECTION_CODES = new Set(['ECONNRESET', 'EPIPE']);

const REDIRECT_STATUSES = new Set([301, 302, 307, 308]);
const RETRIABLE_CODES = new Set(['ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT']);
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
  /** The socket's error code, if any (a TLS failure gets its own hint). */
  code: string | undefined;
}

export class HttpTransport {
  private base: URL;
  private readonly options: TransportOptions;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly ca: Buffer | undefined;
  private readonly openRequest: (options: HttpRequestOptions) => Promise<OpenHttpAnswer>;
  /** Kept-alive pools, by scheme (https lazily: it carries the TLS settings). */
  private readonly pooled: { http: HttpAgent; https: HttpsAgent | undefined };
  /** One new connection per request: streams, and the second try after a stale pooled connection. */
  private readonly unpooled: { http: HttpAgent; https: HttpsAgent | undefined };

  constructor(options: TransportOptions) {
    this.options = options;
    this.base = parseBase(options.baseUrl);
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.ca = options.caFile === undefined ? undefined : readCaFile(options.caFile);
    this.openRequest = options.openRequest ?? openHttpRequest;
    this.pooled = { http: new HttpAgent(POOLED), https: undefined };
    this.unpooled = { http: new HttpAgent({ keepAlive: false }), https: undefined };
  }

  /** The base URL requests go to now: after a redirect, the leader's. */
  get baseUrl(): string {
    return stripSlash(this.base.href);
  }

  get credentials(): Credentials | undefined {
    return this.options.credentials;
  }

  /** Sends the request and reads the whole body: up to maxBodyBytes for a 2xx, the start of any other. */
  async request(request: BoundedHttpRequest): Promise<HttpResponse> {
    const { answer, url } = await this.exchange(request);
    try {
      const success = answer.status >= 200 && answer.status < 300;
      const body = success ? await answer.read() : await answer.readAtMost(ERROR_ANSWER_BYTES);
      return { status: answer.status, statusText: answer.statusText, headers: answer.headers, body, url };
    } catch (error) {
      throw this.bodyError(error, url, request);
    } finally {
      answer.close();
    }
  }

  /**
   * Sends the request and hands over the body as a stream once the response head has arrived.
   * The caller must listen for 'error' on `body` (a connection cut mid-stream) and call close().
   */
  async stream(request: HttpRequest): Promise<StreamingResponse> {
    const { answer, url } = await this.exchange(request, true);
    return {
      status: answer.status,
      statusText: answer.statusText,
      headers: answer.headers,
      url,
      body: answer.body,
      close: answer.close,
    };
  }

  /** Closes the pooled connections and ends every request still open on them (the stream's too). */
  close(): void {
    for (const agents of [this.pooled, this.unpooled]) {
      agents.http.destroy();
      agents.https?.destroy();
    }
  }

  /**
   * Runs attempts until one gives a final response: follows redirects, retries what is retriable,
   * maps auth failures. `streaming` stops the deadline timer once the head has arrived.
   */
  private async exchange(request: HttpRequest, streaming = false): Promise<{ answer: OpenHttpAnswer; url: string }> {
    const timeoutMs = request.timeoutMs ?? this.options.timeoutMs;
    const deadline = this.clock.now() + timeoutMs;
    const maxRedirects = this.options.maxRedirects ?? 5;
    const retry = request.retry ?? true;
    let redirects = 0;
    let attempt = 0;
    let refusals = 0;
    let lastFailure: string | undefined;
    /** After a stale pooled connection: the one more try goes on a new connection. */
    let fresh = streaming;
    let staleRetried = false;
    /** The last pause lasted until the deadline: no attempt is left (whatever the clock's rounding says). */
    let outOfTime = false;

    for (;;) {
      const url = this.urlFor(request.path);
      const remaining = deadline - this.clock.now();
      if (remaining <= 0 || outOfTime) throw this.gaveUp(url, timeoutMs, lastFailure);
      if (isAborted(request.signal)) throw abortReason(request.signal);

      let answer: OpenHttpAnswer;
      try {
        answer = await this.open(url, request, remaining, fresh);
      } catch (error) {
        if (isAlluxioMesosError(error)) throw error;
        if (isAborted(request.signal)) throw abortReason(request.signal);
        if (!staleRetried && isStaleConnection(error)) {
          // Not an answer, nor a sign the master is gone: it closed an idle connection of the pool.
          staleRetried = true;
          fresh = true;
          continue;
        }
        const failure = classify(error);
        if (failure.kind === 'timeout') throw this.gaveUp(url, timeoutMs, lastFailure);
        if (failure.kind === 'unknown-host') throw new UnknownHostError(new URL(url).hostname, url, failure.cause);
        if (failure.kind === 'refused' && ++refusals >= REFUSED_ATTEMPTS) throw this.refused(url, failure, refusals);
        if (failure.kind === 'fatal' || !retry) throw this.unreachable(url, failure);
        lastFailure = failure.description;
        if (failure.kind === 'refused') outOfTime = await this.pause(refusals - 1, deadline, request.signal, REFUSED_BACKOFF);
        else outOfTime = await this.pause(attempt++, deadline, request.signal);
        continue;
      }

      const { status } = answer;
      const location = answer.headers.location;
      if (REDIRECT_STATUSES.has(status) && location !== undefined) {
        answer.close();
        if (this.redirectsToItself(location, request.path)) {
          // A master that has just won the ZooKeeper election but not yet recovered as leader
          // answers every call with a 307 to itself (real Mesos 1.12, for about 6 s). Following
          // it is pointless and it is no redirect hop: it is "election in progress", waited out
          // like a 503 until the deadline. A call that must not repeat is handed back at once,
          // retriable: the 307 tells us the master did not act on it.
          lastFailure = `${status} to itself: ${ELECTION_IN_PROGRESS}`;
          if (!retry) throw this.stillElecting(url);
          outOfTime = await this.pause(attempt++, deadline, request.signal);
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
        const text = await drainText(answer);
        lastFailure = `${status} ${answer.statusText}${text === '' ? '' : `: ${text}`}`.trim();
        outOfTime = await this.pause(attempt++, deadline, request.signal);
        continue;
      }
      if ((status === 401 || status === 403) && !(request.passStatuses ?? []).includes(status)) {
        const text = await drainText(answer);
        throw this.rejected(url, status, answer.statusText, text);
      }
      if (streaming) answer.untimed();
      return { answer, url };
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

  /** Waits before the next attempt, at most until the deadline; true when that wait reached it. */
  private async pause(attempt: number, deadline: number, signal: AbortSignal | undefined, policy?: BackoffPolicy): Promise<boolean> {
    const delay = backoffDelay(attempt, policy ?? this.options.backoff ?? DEFAULT_BACKOFF, this.random);
    const remaining = deadline - this.clock.now();
    await this.clock.sleep(Math.max(0, Math.min(delay, remaining)), signal);
    return delay >= remaining;
  }

  private open(url: string, request: HttpRequest, remainingMs: number, fresh: boolean): Promise<OpenHttpAnswer> {
    const headers: Record<string, string> = { 'User-Agent': `alluxio-mesos/${VERSION}`, ...request.headers };
    if (this.options.credentials !== undefined) headers.Authorization = basicAuthorization(this.options.credentials);
    const agents = fresh ? this.unpooled : this.pooled;
    return this.openRequest({
      url,
      method: request.method ?? 'GET',
      headers,
      body: request.body,
      // The deadline of this attempt covers the whole answer; stream() lifts it once the head is final.
      timeoutMs: remainingMs,
      signal: request.signal,
      agent: new URL(url).protocol === 'https:' ? this.tlsAgent(agents, !fresh) : agents.http,
      ...(request.maxBodyBytes === undefined ? {} : { maxBodyBytes: request.maxBodyBytes }),
    });
  }

  private tlsAgent(agents: { https: HttpsAgent | undefined }, pooled: boolean): HttpsAgent {
    // Loaded here, not imported: a master on plain http never loads https and TLS.
    const { Agent } = process.getBuiltinModule('node:https');
    agents.https ??= new Agent({
      ...(pooled ? POOLED : { keepAlive: false }),
      ca: this.ca,
      rejectUnauthorized: this.options.insecure !== true,
    });
    return agents.https;
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
    const tls = failure.kind === 'fatal' && TLS_CODE.test(failure.code ?? '');
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
    if (error instanceof HttpRequestError && error.failure === 'timeout') {
      return new UnreachableError(`timed out after ${request.timeoutMs ?? this.options.timeoutMs} ms reading the answer of ${url}`, url, {
        hint: UNREACHABLE_HINT,
      });
    }
    if (error instanceof HttpRequestError && error.failure === 'too-large' && request.maxBodyBytes !== undefined) {
      return new OperationError(`the answer of ${url} is larger than ${formatSize(request.maxBodyBytes)}, the most read from it`, {
        hint: 'no Mesos master or agent sends that much there: check the address (a proxy or a broken server may be sending an endless answer)',
        cause: error,
      });
    }
    return new OperationError(`the answer of ${url} was cut off: ${(error as Error).message}`, {
      hint: 'the master may have restarted; try again',
      cause: error,
    });
  }
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
    throw new UsageError(`cannot read --ca-file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
      cause: error,
    });
  }
}

/** The pool's settings: idle connections are kept (unreferenced, so they never keep the process alive). */
const POOLED = { keepAlive: true, maxSockets: MAX_SOCKETS, maxFreeSockets: MAX_SOCKETS } as const;

/** A pooled connection the master had closed while idle (see HttpRequestError.reusedSocket). */
function isStaleConnection(error: unknown): boolean {
  return error instanceof HttpRequestError && error.reusedSocket && STALE_CONNECTION_CODES.has(error.code ?? '');
}

/** Why an attempt got no answer: the Mesos rules retry some failures and not others. */
function classify(error: unknown): AttemptFailure {
  if (!(error instanceof HttpRequestError)) return { kind: 'fatal', description: String(error), cause: error, code: undefined };
  const { code } = error;
  // The socket's own error is the cause, as it was before the primitive wrapped it.
  const cause = error.cause ?? error;
  switch (error.failure) {
    case 'timeout':
    case 'refused':
    case 'unknown-host':
      return { kind: error.failure, description: error.message, cause, code };
    default:
      return { kind: code !== undefined && RETRIABLE_CODES.has(code) ? 'retriable' : 'fatal', description: error.message, cause, code };
  }
}

/** The first line of an answer we do not use (a 503's or 401's explanation), for the error message. */
async function drainText(answer: OpenHttpAnswer): Promise<string> {
  try {
    return firstLine((await answer.readAtMost(ERROR_ANSWER_BYTES)).toString('utf8'));
  } catch {
    return '';
  } finally {
    answer.close();
  }
}
