/**
 * `POST /api/v1/scheduler`, checked in the order of Mesos `Master::Http::scheduler` so that each bad
 * request gets the status and text real Mesos gives it: method, Content-Type, body decoding, call
 * validation, then (SUBSCRIBE) Accept and stream id, or (other calls) framework, subscription and
 * stream id. Accepted calls answer `202` with an empty body; their effects arrive on the stream.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Call, Event } from '../../mesos/protocol/types.js';
import type { MasterClock } from './clock.js';
import { HttpEventStream } from './event-stream.js';
import { replyEmpty, replyText } from './http-replies.js';
import { newStreamId } from './ids.js';
import type { MasterCore } from './master-core.js';
import type { FrameworkRecord, SchedulerConnection } from './model.js';
import { negotiateEventMediaType, type MesosMediaType } from './media.js';
import { decodePostedCall, requestHeader } from './posted-call.js';

/** The scheduler protocol codec (JSON and protobuf), with Mesos' exact error texts. */
export interface SchedulerCodec {
  /** Throws an error whose message is Mesos' 400 text for an undecodable body. */
  decodeCall(body: Uint8Array, media: MesosMediaType): Call;
  /** Mesos' validation message (the text after "Failed to validate scheduler::Call: "), if invalid. */
  validateCall(call: Call): string | undefined;
  encodeEvent(event: Event, media: MesosMediaType): Uint8Array;
}

export interface SchedulerEndpointDeps {
  readonly core: () => MasterCore;
  readonly codec: SchedulerCodec;
  readonly clock: MasterClock;
  readonly heartbeatIntervalSeconds: number;
  /** Mesos-Stream-Id on SUBSCRIBE and required on calls (0.28.0 on); before, neither. */
  readonly streamIds: boolean;
  /** Streams currently open, so that a restart can drop them like a dying process would. */
  readonly streams: Set<SchedulerConnection & { abort(): void }>;
  readonly log?: (message: string) => void;
  /** Hears every decoded scheduler call, valid or not, before any check (tests count them). */
  readonly onCall?: (call: SchedulerCallRecord) => void;
}

/** One scheduler call as it reached the master. */
export interface SchedulerCallRecord {
  readonly type: string;
  /** Clock ms when it arrived. */
  readonly at: number;
  readonly frameworkId: string | undefined;
  /** The Mesos-Stream-Id header sent; for SUBSCRIBE, the stream id the master assigned. */
  readonly streamId: string | undefined;
}

export function handleScheduler(req: IncomingMessage, res: ServerResponse, body: Buffer, deps: SchedulerEndpointDeps): void {
  const decoded = decodePostedCall(req, res, body, (bytes, media) => deps.codec.decodeCall(bytes, media));
  if (decoded === undefined) return;
  const { call } = decoded;
  const record = (streamId: string | undefined): void =>
    deps.onCall?.({ type: call.type, at: deps.clock.now(), frameworkId: call.framework_id?.value, streamId });
  if (call.type !== 'SUBSCRIBE') record(requestHeader(req, 'mesos-stream-id'));
  const invalid = deps.codec.validateCall(call);
  if (invalid !== undefined) {
    replyText(res, 400, `Failed to validate scheduler::Call: ${invalid}`);
    return;
  }

  const core = deps.core();
  if (call.type === 'SUBSCRIBE') {
    const eventMedia = negotiateEventMediaType(requestHeader(req, 'accept'));
    if (eventMedia === undefined) {
      replyText(res, 406, "Expecting 'Accept' to allow 'application/x-protobuf' or 'application/json'");
      return;
    }
    if (deps.streamIds && requestHeader(req, 'mesos-stream-id') !== undefined) {
      replyText(res, 400, "Subscribe calls should not include the 'Mesos-Stream-Id' header");
      return;
    }
    const streamId = newStreamId();
    record(streamId);
    res.writeHead(200, deps.streamIds ? { 'Mesos-Stream-Id': streamId, 'Content-Type': eventMedia } : { 'Content-Type': eventMedia });
    // Mesos flushes the headers before the first event; so do we, and send each record at once.
    res.flushHeaders();
    req.socket.setNoDelay(true);
    const stream = new HttpEventStream(
      res,
      streamId,
      (event) => deps.codec.encodeEvent(event, eventMedia),
      deps.clock,
      deps.heartbeatIntervalSeconds * 1000,
      (error, event) => deps.log?.(`dropped a ${event.type} event that cannot be encoded: ${String(error)}`),
    );
    deps.streams.add(stream);
    stream.onClose(() => deps.streams.delete(stream));
    const subscribe = call.subscribe;
    if (subscribe === undefined) {
      stream.close();
      return;
    }
    core.subscribe(subscribe, stream);
    return;
  }

  const fw = core.framework(call.framework_id?.value ?? '');
  if (fw === undefined) {
    replyText(res, 400, 'Framework cannot be found');
    return;
  }
  if (fw.connection === undefined) {
    replyText(res, 403, 'Framework is not subscribed');
    return;
  }
  const streamId = deps.streamIds ? requestHeader(req, 'mesos-stream-id') : fw.connection.streamId;
  if (streamId === undefined) {
    replyText(res, 400, "All non-subscribe calls should include the 'Mesos-Stream-Id' header");
    return;
  }
  if (streamId !== fw.connection.streamId) {
    replyText(
      res,
      400,
      `The stream ID '${streamId}' included in this request didn't match the stream ID currently associated with framework ID ${fw.id}`,
    );
    return;
  }

  if (!applySchedulerCall(core, fw, call)) {
    // UPDATE_FRAMEWORK and RECONCILE_OPERATIONS are outside what the local master emulates: 501.
    replyEmpty(res, 501);
    return;
  }
  replyEmpty(res, 202);
}

/**
 * Carries out an accepted call of a subscribed framework (either transport); false for a call type
 * the local master does not emulate.
 */
export function applySchedulerCall(core: MasterCore, fw: FrameworkRecord, call: Call): boolean {
  // The decoder also yields call types the project's `CallType` does not list.
  switch (call.type as string) {
    case 'TEARDOWN':
      core.teardown(fw);
      break;
    case 'ACCEPT':
      if (call.accept !== undefined) core.accept(fw, call.accept);
      break;
    case 'DECLINE':
      if (call.decline !== undefined) core.decline(fw, call.decline);
      break;
    case 'REVIVE':
      core.revive(fw, call.revive?.roles);
      break;
    case 'SUPPRESS':
      core.suppress(fw, call.suppress?.roles);
      break;
    case 'KILL':
      if (call.kill !== undefined) core.kill(fw, call.kill);
      break;
    case 'ACKNOWLEDGE':
      if (call.acknowledge !== undefined) core.acknowledge(fw, call.acknowledge);
      break;
    case 'RECONCILE':
      core.reconcile(fw, call.reconcile ?? {});
      break;
    case 'SHUTDOWN':
    case 'MESSAGE':
    case 'REQUEST':
    case 'ACCEPT_INVERSE_OFFERS':
    case 'DECLINE_INVERSE_OFFERS':
    case 'ACKNOWLEDGE_OPERATION_STATUS':
      // No custom executors to shut down or message, no inverse offers or operations here; Mesos
      // accepts these calls all the same.
      break;
    default:
      return false;
  }
  return true;
}
