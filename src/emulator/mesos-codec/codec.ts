/**
 * Mesos' own codec, as the embedded cluster needs it to stand in for a Mesos 1.12 master: bodies
 * are accepted and rejected exactly as Mesos does, and decoding failures are `ProtocolDecodeError`s
 * whose message is exactly what Mesos answers (HTTP 400) for the same body on
 * `POST /api/v1/scheduler` or `POST /api/v1`, so the emulator can send `error.message` as is. JSON
 * output is byte-for-byte what Mesos writes for the same message.
 *
 * It shares the schema, the wire codec and the JSON layout with the client's codec
 * (`src/mesos/protocol/codec.ts`); only what fidelity needs lives here: the picojson port, stout's
 * lenient conversion, rapidjson's number formatting and the master's call validation.
 */
import { type MessageDescriptor, MessageNames, mesosSchema } from '../../mesos/protocol/descriptors.js';
import { MEDIA_TYPE_PROTOBUF, type MediaType, ProtocolDecodeError, decodeProtobufBody, encodeBody } from '../../mesos/protocol/codec.js';
import type { Shape } from '../../mesos/protocol/shape.js';
import type { Call, Event, OperatorCall, OperatorResponse } from '../../mesos/protocol/types.js';
import { formatDouble } from './dtoa.js';
import { JsonConversionError, decodeJsonMessage } from './json-convert.js';
import { JsonSyntaxError } from './json-parse.js';
import { validateOperatorCall, validateSchedulerCall } from './validation.js';

export { validateOperatorCall, validateSchedulerCall } from './validation.js';

export interface DecodeOptions {
  /** Run Mesos' call validation too (default true). */
  validate?: boolean;
  /** Authenticated principal of the request, for SUBSCRIBE's principal check. */
  principal?: string;
}

/** `label` is the message name Mesos uses in its error texts ("Call"). */
function decode(descriptor: MessageDescriptor, label: string, body: Uint8Array, media: MediaType): Shape {
  if (media === MEDIA_TYPE_PROTOBUF) return decodeProtobufBody(descriptor, label, body);
  try {
    return decodeJsonMessage(descriptor, body);
  } catch (error) {
    if (error instanceof JsonSyntaxError) {
      throw new ProtocolDecodeError(`Failed to parse body into JSON: ${error.message}`, 'json-syntax', error);
    }
    if (error instanceof JsonConversionError) {
      throw new ProtocolDecodeError(`Failed to convert JSON into ${label} protobuf: ${error.message}`, 'json-conversion', error);
    }
    throw error;
  }
}

function encode(descriptor: MessageDescriptor, message: object, media: MediaType): Buffer {
  return encodeBody(descriptor, message, media, formatDouble);
}

function descriptorOf(name: string): MessageDescriptor {
  return mesosSchema().message(name);
}

export function encodeCall(call: Call, media: MediaType): Buffer {
  return encode(descriptorOf(MessageNames.schedulerCall), call, media);
}

/**
 * Decodes a `POST /api/v1/scheduler` body and, unless `validate: false`, applies Mesos' call
 * validation (`Failed to validate scheduler::Call: ...`).
 */
export function decodeCall(body: Uint8Array, media: MediaType, options: DecodeOptions = {}): Call {
  const call = decode(descriptorOf(MessageNames.schedulerCall), 'Call', body, media) as unknown as Call;
  if (options.validate !== false) {
    const problem = validateSchedulerCall(call, options.principal);
    if (problem !== undefined) {
      throw new ProtocolDecodeError(`Failed to validate scheduler::Call: ${problem}`, 'validation');
    }
  }
  return call;
}

export function encodeEvent(event: Event, media: MediaType): Buffer {
  return encode(descriptorOf(MessageNames.schedulerEvent), event, media);
}

/** Decodes one event record as Mesos' own reader would. */
export function decodeEvent(body: Uint8Array, media: MediaType): Event {
  return decode(descriptorOf(MessageNames.schedulerEvent), 'Event', body, media) as unknown as Event;
}

export function encodeOperatorCall(call: OperatorCall, media: MediaType): Buffer {
  return encode(descriptorOf(MessageNames.operatorCall), call, media);
}

/** Decodes a `POST /api/v1` body and, unless `validate: false`, applies Mesos' operator call validation. */
export function decodeOperatorCall(body: Uint8Array, media: MediaType, options: DecodeOptions = {}): OperatorCall {
  const call = decode(descriptorOf(MessageNames.operatorCall), 'Call', body, media) as unknown as OperatorCall;
  if (options.validate !== false) {
    const problem = validateOperatorCall(call);
    if (problem !== undefined) {
      throw new ProtocolDecodeError(`Failed to validate master::Call: ${problem}`, 'validation');
    }
  }
  return call;
}

export function encodeOperatorResponse(response: OperatorResponse, media: MediaType): Buffer {
  return encode(descriptorOf(MessageNames.operatorResponse), response, media);
}

export function decodeOperatorResponse(body: Uint8Array, media: MediaType): OperatorResponse {
  return decode(descriptorOf(MessageNames.operatorResponse), 'Response', body, media) as unknown as OperatorResponse;
}

export {
  MEDIA_TYPE_JSON,
  MEDIA_TYPE_PROTOBUF,
  type MediaType,
  ProtocolDecodeError,
  ProtocolEncodeError,
} from '../../mesos/protocol/codec.js';
