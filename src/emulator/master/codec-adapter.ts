/**
 * Binds the master's endpoints to the emulator's Mesos codec (`src/emulator/mesos-codec/codec.ts`): JSON
 * and protobuf bodies with Mesos' exact 400 texts, and events/responses encoded byte for byte as
 * Mesos writes them.
 */
import { decodeCall, decodeOperatorCall, encodeEvent, encodeOperatorResponse, validateSchedulerCall } from '../mesos-codec/codec.js';
import type { OperatorCodec } from './operator-api.js';
import type { SchedulerCodec } from './scheduler-endpoint.js';

export type MasterCodecs = SchedulerCodec & OperatorCodec;

export function defaultCodecs(): MasterCodecs {
  return {
    decodeCall: (body, media) => decodeCall(body, media, { validate: false }),
    validateCall: (call) => validateSchedulerCall(call),
    encodeEvent: (event, media) => encodeEvent(event, media),
    decodeOperatorCall: (body, media) => decodeOperatorCall(body, media),
    encodeOperatorResponse: (response, media) => encodeOperatorResponse(response, media),
  };
}
