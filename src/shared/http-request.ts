/**
 * One HTTP(S) request, and nothing more: the only place in src/ that sends one (node:http/https,
 * so that a connection pool, a CA or `--insecure` can be passed in as an agent).
 *
 * It knows no policy: it follows no redirect, retries nothing and treats every status alike. Those
 * rules belong to the callers: the Mesos client's transport (src/mesos/client/http.ts: leader
 * redirects, 503 retries, credentials), the deploy preflight, and the local cluster's own messages,
 * which emulate Mesos and so must not inherit the client's behaviour.
 *
 * What it does own is turning socket trouble into one typed error, HttpRequestError, whose
 * `failure` says what went wrong (refused, unknown host, timeout, body cut off or too large,
 * anything else); an aborted signal rejects with `abortReason(signal)` instead.
 */
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { abortReason } from './clock.js';

export interface HttpRequestOptions {
  url: string | URL;
  /** GET by default. */
  method?: string;
  headers?: Readonly<Record<string, string>>;
  /** Sent with its Content-Length (or as one chunk, see `chunked`). */
  body?: string | Buffer;
  /** Send the body as one chunk of a chunked body, without Content-Length: libprocess peers send messages so. */
  chunked?: boolean;
  /**
   * Deadline of the whole exchange: the answer's head and then its body, until the body has ended
   * or `untimed()` lifts it. No deadline when absent.
   */
  timeoutMs?: number;
  /** Ends the exchange at any point, also while the body is streaming. */
  signal?: AbortSignal;
  /** The connection pool, and for https: the TLS settings (an https.Agent); false: a connection of its own. */
  agent?: http.Agent | false;
  /** read() gives up beyond this many bytes of body (a runaway answer must not fill the memory). */
  maxBodyBytes?: number;
}

export type HttpFailure = 'refused' | 'unknown-host' | 'timeout' | 'cut-off' | 'too-large' | 'network';

/** A request that got no complete answer. `code` is the socket's error code (ECONNRESET, CERT_HAS_EXPIRED...), if any. */
export class HttpRequestError extends Error {
  override name = 'HttpRequestError';
  readonly failure: HttpFailure;
  readonly code: string | undefined;
  /**
   * The request went out on a kept-alive connection that had already carried an answer, and failed
   * before any answer came (Node's `request.reusedSocket`). With ECONNRESET or EPIPE that is most
   * likely the server closing the idle connection as the request was written: Node's documentation
   * advises sending it again, on a new connection.
   */
  readonly reusedSocket: boolean;

  constructor(
    failure: HttpFailure,
    message: string,
    options: { code?: string | undefined; cause?: unknown; reusedSocket?: boolean | undefined } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.failure = failure;
    this.code = options.code;
    this.reusedSocket = options.reusedSocket ?? false;
  }
}

interface HttpAnswerHead {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
}

export interface HttpAnswer extends HttpAnswerHead {
  body: Buffer;
}

export interface OpenHttpAnswer extends HttpAnswerHead {
  /** The body as it arrives. A timeout or an abort destroys it with the HttpRequestError or the abort reason. */
  body: Readable;
  /** Reads the whole body (within the deadline and maxBodyBytes); rejects with HttpRequestError or the abort reason. */
  read(): Promise<Buffer>;
  /**
   * Reads the body up to `maxBytes` and ends the exchange there: the start of a body that is only
   * looked at (an error page), never an error for its size.
   */
  readAtMost(maxBytes: number): Promise<Buffer>;
  /** Lifts the deadline for the rest of the body: an event stream may take as long as it lives. */
  untimed(): void;
  /** Ends the exchange; an unfinished body is cut and its connection closed. Idempotent. */
  close(): void;
}

/** getaddrinfo's answers for a name that does not resolve (EAI_AGAIN: no DNS answer at all). */
const UNKNOWN_HOST_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL']);

/** Sends the request and reads the whole answer. */
export async function httpRequest(options: HttpRequestOptions): Promise<HttpAnswer> {
  const answer = await openHttpRequest(options);
  try {
    const body = await answer.read();
    return { status: answer.status, statusText: answer.statusText, headers: answer.headers, body };
  } finally {
    answer.close();
  }
}

/**
 * Sends the request and resolves once the answer's head has arrived. The caller reads or streams
 * the body and must close() the answer (or read it to its end).
 */
export function openHttpRequest(options: HttpRequestOptions): Promise<OpenHttpAnswer> {
  const { signal } = options;
  if (signal?.aborted === true) return Promise.reject(abortReason(signal));
  const body = options.body === undefined ? undefined : Buffer.isBuffer(options.body) ? options.body : Buffer.from(options.body, 'utf8');
  const headers: Record<string, string> = { ...options.headers };
  if (body !== undefined && options.chunked !== true) headers['Content-Length'] = String(body.length);

  return new Promise<OpenHttpAnswer>((resolve, reject) => {
    let client: http.ClientRequest;
    try {
      const url = new URL(options.url);
      // https (and TLS with it) loads on the first https URL: a plain-http command never pays for it.
      const protocol = url.protocol === 'https:' ? process.getBuiltinModule('node:https') : url.protocol === 'http:' ? http : undefined;
      if (protocol === undefined) throw new HttpRequestError('network', `${url.href} is not an http(s) URL`);
      client = protocol.request(url, { method: options.method ?? 'GET', headers, agent: options.agent });
    } catch (error) {
      // Bad URL or header: http.request throws before anything is sent.
      reject(requestError(error));
      return;
    }

    let response: IncomingMessage | undefined;
    let ended = false;
    /** The first thing that went wrong, which later errors (the socket closing because of it) must not mask. */
    let failure: Error | undefined;
    const fail = (error: Error): void => {
      failure ??= error;
      response?.destroy(failure);
      client.destroy(failure);
    };
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => fail(new HttpRequestError('timeout', `timed out after ${options.timeoutMs} ms`)), options.timeoutMs);
    const onAbort = (): void => fail(abortReason(signal));
    signal?.addEventListener('abort', onAbort, { once: true });
    const untimed = (): void => clearTimeout(timer);
    const finish = (): void => {
      untimed();
      signal?.removeEventListener('abort', onAbort);
    };

    // Kept for the whole exchange: a timeout, an abort or a reset while the body arrives lands here too.
    client.on('error', (error) => {
      // Before the answer's head, the request itself failed: say whether its socket was a reused one.
      failure ??= requestError(error, response === undefined && client.reusedSocket);
      finish();
      reject(failure);
    });
    client.once('response', (answer) => {
      response = answer;
      // Errors reach read(), a pipeline or the caller's own listener; with none, they must not crash the process.
      answer.on('error', () => undefined);
      answer.once('end', () => {
        ended = true;
      });
      answer.once('close', finish);
      const close = (): void => {
        finish();
        if (ended) return;
        answer.destroy();
        client.destroy();
      };
      resolve({
        status: answer.statusCode ?? 0,
        statusText: answer.statusMessage ?? '',
        headers: answer.headers,
        body: answer,
        read: () => readBody(answer, { maxBodyBytes: options.maxBodyBytes, truncate: false }, () => failure, fail),
        readAtMost: async (maxBytes) => {
          try {
            return await readBody(answer, { maxBodyBytes: maxBytes, truncate: true }, () => failure, fail);
          } finally {
            close();
          }
        },
        untimed,
        close,
      });
    });
    if (options.chunked === true && body !== undefined) {
      // write() before end(): end(body) alone would make Node compute a Content-Length.
      client.write(body);
      client.end();
    } else client.end(body);
  });
}

/** `truncate`: beyond maxBodyBytes, resolve with the bytes up to it instead of failing with 'too-large'. */
function readBody(
  answer: IncomingMessage,
  limit: { maxBodyBytes: number | undefined; truncate: boolean },
  failure: () => Error | undefined,
  fail: (error: Error) => void,
): Promise<Buffer> {
  const { maxBodyBytes } = limit;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const cutOff = (): void => {
      if (settled) return;
      const declared = answer.headers['content-length'];
      const message = `connection closed after ${received}${declared === undefined ? '' : ` of ${declared}`} bytes of the body`;
      reject(failure() ?? new HttpRequestError('cut-off', message));
    };
    answer.on('data', (chunk: Buffer) => {
      if (settled) return;
      received += chunk.length;
      if (maxBodyBytes !== undefined && received > maxBodyBytes) {
        if (limit.truncate) {
          settled = true;
          chunks.push(chunk.subarray(0, chunk.length - (received - maxBodyBytes)));
          answer.pause();
          resolve(Buffer.concat(chunks));
          return;
        }
        fail(new HttpRequestError('too-large', `the answer is larger than ${maxBodyBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    answer.once('end', () => resolve(Buffer.concat(chunks)));
    answer.once('error', cutOff);
    answer.once('aborted', cutOff);
    // 'close' without 'end' also means the body was cut short (not every node version errors).
    answer.once('close', () => {
      if (!answer.complete) cutOff();
    });
  });
}

/** A socket error (or a bad URL or header, thrown before anything is sent) typed by what went wrong. */
function requestError(error: unknown, reusedSocket = false): HttpRequestError {
  if (error instanceof HttpRequestError) return error;
  const code = errorCode(error);
  const message = describeSocketError(error);
  if (code === 'ECONNREFUSED') return new HttpRequestError('refused', message, { code, cause: error });
  if (code !== undefined && UNKNOWN_HOST_CODES.has(code)) return new HttpRequestError('unknown-host', message, { code, cause: error });
  return new HttpRequestError('network', message, { code, cause: error, reusedSocket });
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A socket error in words: "connection refused", "host name not found (master1)". */
function describeSocketError(error: unknown): string {
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
