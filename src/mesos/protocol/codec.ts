/**
 * Encoding and decoding of Mesos v1 scheduler and operator messages in both media types, in the
 * shape of `types.ts`. Pure: bytes in, objects out (and back).
 *
 * Decoding failures are `ProtocolDecodeError`s whose message is exactly what a Mesos 1.12 master
 * answers (HTTP 400) for the same body on `POST /api/v1/scheduler` or `POST /api/v1`, so the local
 * cluster can send `error.message` as is. JSON output is byte-for-byte what Mesos writes for the
 * same message.
 */
import { AlluxioMesosError, ExitCode } from '../../shared/errors.js';
import { type MessageDescriptor, MessageNames, mesosSchema } from './descriptors.js';
import { JsonConversionError, decodeJsonMessage } from './json-convert.js';
import { JsonSyntaxError } from './json-parse.js';
import { messageToJson } from './json-write.js';
import { type Shape, ShapeError } from './shape.js';
import type { Call, Event, OperatorCall, OperatorResponse } from './types.js';
import { validateOperatorCall, validateSchedulerCall } from './validation.js';
import { WireFormatError, decodeMessage } from './wire-decode.js';
import { encodeMessage } from './wire-encode.js';

export { validateOperatorCall, validateSchedulerCall } from './validation.js';

export type MediaType = 'application/json' | 'application/x-protobuf';

export const MEDIA_TYPE_JSON: MediaType = 'application/json';
export const MEDIA_TYPE_PROTOBUF: MediaType = 'application/x-protobuf';

export type DecodeFailure = 'json-syntax' | 'json-conversion' | 'protobuf' | 'validation';

/** A body that Mesos would reject with 400; `message` is Mesos' own wording. */
export class ProtocolDecodeError extends AlluxioMesosError {
  readonly failure: DecodeFailure;

  constructor(message: string, failure: DecodeFailure, cause?: unknown) {
    super(message, ExitCode.FAILED, { cause });
    this.failure = failure;
  }
}

/** A message object that does not fit the schema (wrong value type, unknown enum name). */
export class ProtocolEncodeError extends AlluxioMesosError {
  constructor(message: string, cause?: unknown) {
    super(message, ExitCode.FAILED, { cause });
  }
}

export interface DecodeOptions {
  /** Run Mesos' call validation too (default true). */
  validate?: boolean;
  /** Authenticated principal of the request, for SUBSCRIBE's principal check. */
  principal?: string;
}

/** `label` is the message name Mesos uses in its error texts ("Call"). */
function decode(descriptor: MessageDescriptor, label: string, body: Uint8Array, media: MediaType): Shape {
  if (media === MEDIA_TYPE_PROTOBUF) {
    try {
      return decodeMessage(descriptor, body);
    } catch (error) {
      if (error instanceof WireFormatError) {
        throw new ProtocolDecodeError(`Failed to parse body into ${label} protobuf`, 'protobuf', error);
      }
      throw error;
    }
  }
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
  try {
    if (media === MEDIA_TYPE_PROTOBUF) return encodeMessage(descriptor, message as Shape);
    return messageToJson(descriptor, message as Shape);
  } catch (error) {
    if (error instanceof ShapeError) throw new ProtocolEncodeError(`Cannot encode ${descriptor.fullName}: ${error.message}`, error);
    throw error;
  }
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

/** Decodes one event record. `type` may be absent if the master sent a type this schema does not know. */
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
