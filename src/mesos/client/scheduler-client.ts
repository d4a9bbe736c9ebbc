/**
 * The v1 scheduler API over HTTP: SUBSCRIBE opens a long-lived chunked response whose body is a
 * RecordIO stream of events; every other call is a separate POST carrying the Mesos-Stream-Id that
 * SUBSCRIBE returned. Bytes are decoded as bytes (RecordIO) and only then as messages.
 */
import type { HttpTransport } from './http.js';
import { encodeCall, decodeEvent, type MediaType } from '../protocol/codec.js';
import { RecordIODecoder, RecordIOError } from '../protocol/recordio.js';
import type { Call, Event } from '../protocol/types.js';
import { AlluxioMesosError, ExitCode, OperationError } from '../../shared/errors.js';
import { ERROR_ANSWER_BYTES } from './answer-limits.js';
import { firstLine } from '../../shared/excerpt.js';

const SCHEDULER_PATH = '/api/v1/scheduler';
/**
 * Far above any real event (an OFFERS event of 10,000 offers is a few MB); guards memory: a larger
 * length prefix fails the stream before anything is buffered.
 */
const MAX_EVENT_BYTES = 64 * 1024 * 1024;

/**
 * Mesos refused a call; `subscriptionLost` means a new SUBSCRIBE is needed (403, wrong stream id).
 * `takenOver`: the framework is now held by another subscription (its stream id is not ours, or it
 * is not even an HTTP one), i.e. another scheduler failed it over; Mesos 1.12 checks, in order,
 * "not subscribed" (403: nobody holds it, e.g. our connection dropped), "not connected via HTTP"
 * (403) and the stream id (400).
 */
export class SchedulerCallError extends AlluxioMesosError {
  readonly status: number;
  readonly subscriptionLost: boolean;
  readonly takenOver: boolean;

  constructor(status: number, body: string, callType: string) {
    const lost = status === 403 || /stream ID .* didn't match|Framework cannot be found|not subscribed/i.test(body);
    super(`Mesos rejected ${callType} (${status}): ${firstLine(body.trim()) || 'no reason given'}`, ExitCode.FAILED, { retriable: lost });
    this.status = status;
    this.subscriptionLost = lost;
    this.takenOver = /stream ID .* didn't match|not connected via HTTP/i.test(body);
  }
}

export interface Subscription {
  readonly streamId: string;
  /** The master that answered (after redirects): later calls go there. */
  readonly events: AsyncIterable<Event>;
  close(): void;
}

export class HttpSchedulerClient {
  constructor(
    private readonly transport: HttpTransport,
    private readonly media: MediaType = 'application/x-protobuf',
  ) {}

  /**
   * Opens the event stream. Transport failures come through unchanged: a leader election that
   * outlasts the deadline (503s, or 307s from a master to itself while it takes over) is a
   * retriable UnreachableError, which the scheduler's controller retries with backoff.
   */
  async subscribe(call: Call, signal?: AbortSignal): Promise<Subscription> {
    const response = await this.transport.stream({
      method: 'POST',
      path: SCHEDULER_PATH,
      headers: { 'Content-Type': this.media, Accept: this.media },
      body: encodeCall(call, this.media),
      retry: true,
      passStatuses: [400, 403, 406, 415],
      ...(signal === undefined ? {} : { signal }),
    });
    if (response.status !== 200) {
      const body = await readAtMost(response.body, ERROR_ANSWER_BYTES);
      response.close();
      throw new SchedulerCallError(response.status, body.toString('utf8'), 'SUBSCRIBE');
    }
    const streamId = headerValue(response.headers['mesos-stream-id']);
    if (streamId === undefined) {
      response.close();
      throw new OperationError('the master answered SUBSCRIBE without a Mesos-Stream-Id header', {
        hint: 'the v1 scheduler API with stream ids needs Mesos 0.28 or later',
      });
    }
    const contentType = headerValue(response.headers['content-type']) ?? this.media;
    const eventMedia: MediaType = contentType.startsWith('application/json') ? 'application/json' : 'application/x-protobuf';
    return {
      streamId,
      events: decodeEvents(response.body, eventMedia, response.url),
      close: response.close,
    };
  }

  /** Sends one call (not SUBSCRIBE); resolves on 202. Never retried blindly: ACCEPT must not repeat. */
  async call(call: Call, streamId: string, signal?: AbortSignal): Promise<void> {
    const response = await this.transport.request({
      method: 'POST',
      path: SCHEDULER_PATH,
      headers: { 'Content-Type': this.media, 'Mesos-Stream-Id': streamId },
      body: encodeCall(call, this.media),
      retry: false,
      passStatuses: [400, 403, 404, 406, 415, 500, 503],
      // A call is answered 202 with an empty body; an error's body is a one-line reason.
      maxBodyBytes: ERROR_ANSWER_BYTES,
      ...(signal === undefined ? {} : { signal }),
    });
    if (response.status !== 202 && response.status !== 200) {
      throw new SchedulerCallError(response.status, response.body.toString('utf8'), call.type);
    }
  }
}

async function* decodeEvents(body: AsyncIterable<Buffer | string>, media: MediaType, url: string): AsyncGenerator<Event> {
  const decoder = new RecordIODecoder({ maxRecordBytes: MAX_EVENT_BYTES });
  try {
    for await (const chunk of body) {
      for (const record of decoder.feed(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)) {
        if (record.length === 0) continue;
        yield decodeEvent(record, media);
      }
    }
    decoder.end();
  } catch (error) {
    // Named after the stream, so that the scheduler's "event stream failed: ..." says whose.
    if (error instanceof RecordIOError) {
      throw new OperationError(`the event stream of ${url} is corrupt: ${error.message}`, {
        hint: error.hint,
        cause: error,
        retriable: true,
      });
    }
    throw error;
  }
}

/** The start of a body that is only looked at (a refused SUBSCRIBE's reason). */
async function readAtMost(body: AsyncIterable<Buffer | string>, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of body) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    chunks.push(bytes.subarray(0, maxBytes - received));
    received += bytes.length;
    if (received >= maxBytes) break;
  }
  return Buffer.concat(chunks);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
