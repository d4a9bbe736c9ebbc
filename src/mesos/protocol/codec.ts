/**
 * Encoding and decoding of Mesos v1 scheduler and operator messages in both media types, in the
 * shape of `types.ts`, for talking to a Mesos master. Pure: bytes in, objects out (and back).
 *
 * JSON is read with the platform's `JSON.parse` (see `json-read.ts`) and written in Mesos' layout;
 * protobuf through the schema-driven wire codec. The embedded cluster's endpoints, which must accept,
 * reject and word errors exactly as Mesos does, use `src/emulator/mesos-codec/` on the same schema.
 */
import { AlluxioMesosError, ExitCode } from '../../shared/errors.js';
import { oneLineQuote } from '../../shared/excerpt.js';
import { type MessageDescriptor, MessageNames, mesosSchema } from './descriptors.js';
import { JsonShapeError, jsonToShape } from './json-read.js';
import { type DoubleFormat, messageToJson, shortestDouble } from './json-write.js';
import { type Shape, ShapeError } from './shape.js';
import type { Call, Event } from './types.js';
import { WireFormatError, decodeMessage } from './wire-decode.js';
import { encodeMessage } from './wire-encode.js';

export type MediaType = 'application/json' | 'application/x-protobuf';

export const MEDIA_TYPE_JSON: MediaType = 'application/json';
export const MEDIA_TYPE_PROTOBUF: MediaType = 'application/x-protobuf';

export type DecodeFailure = 'json-syntax' | 'json-conversion' | 'protobuf' | 'validation';

/** A body that does not decode; the emulator's codec words `message` exactly as Mesos does. */
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

/** A protobuf body -> message; `label` is the message name Mesos uses in its error texts ("Call"). */
export function decodeProtobufBody(descriptor: MessageDescriptor, label: string, body: Uint8Array): Shape {
  try {
    return decodeMessage(descriptor, body);
  } catch (error) {
    if (error instanceof WireFormatError) {
      throw new ProtocolDecodeError(`Failed to parse body into ${label} protobuf`, 'protobuf', error);
    }
    throw error;
  }
}

function decodeJsonBody(descriptor: MessageDescriptor, label: string, body: Uint8Array): Shape {
  let document: unknown;
  try {
    document = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch (error) {
    throw new ProtocolDecodeError(`Failed to parse body into JSON: ${oneLineQuote((error as Error).message)}`, 'json-syntax', error);
  }
  try {
    return jsonToShape(descriptor, document);
  } catch (error) {
    if (error instanceof JsonShapeError) {
      throw new ProtocolDecodeError(
        `Failed to convert JSON into ${label} protobuf: ${oneLineQuote(error.message)}`,
        'json-conversion',
        error,
      );
    }
    throw error;
  }
}

/**
 * A message -> body. JSON doubles are written by `formatDouble` (JavaScript's shortest form unless
 * the caller, the emulator, needs Mesos' own digits).
 */
export function encodeBody(
  descriptor: MessageDescriptor,
  message: object,
  media: MediaType,
  formatDouble: DoubleFormat = shortestDouble,
): Buffer {
  try {
    if (media === MEDIA_TYPE_PROTOBUF) return encodeMessage(descriptor, message as Shape);
    return messageToJson(descriptor, message as Shape, formatDouble);
  } catch (error) {
    if (error instanceof ShapeError) throw new ProtocolEncodeError(`Cannot encode ${descriptor.fullName}: ${error.message}`, error);
    throw error;
  }
}

function decodeBody(descriptor: MessageDescriptor, label: string, body: Uint8Array, media: MediaType): Shape {
  return media === MEDIA_TYPE_PROTOBUF ? decodeProtobufBody(descriptor, label, body) : decodeJsonBody(descriptor, label, body);
}

function descriptorOf(name: string): MessageDescriptor {
  return mesosSchema().message(name);
}

export function encodeCall(call: Call, media: MediaType): Buffer {
  return encodeBody(descriptorOf(MessageNames.schedulerCall), call, media);
}

/** Decodes one event record. `type` is absent if the master sent a type this schema does not know. */
export function decodeEvent(body: Uint8Array, media: MediaType): Event {
  return decodeBody(descriptorOf(MessageNames.schedulerEvent), 'Event', body, media) as unknown as Event;
}
