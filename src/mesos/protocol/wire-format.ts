/** Protobuf wire-format constants shared by the encoder and the decoder. */
import type { ValueKind } from './descriptors.js';

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LENGTH_DELIMITED = 2;
export const WIRE_START_GROUP = 3;
export const WIRE_END_GROUP = 4;
export const WIRE_FIXED32 = 5;

/** C++ protobuf's default recursion limit. */
export const RECURSION_LIMIT = 100;
export const TWO_POW_32 = 4294967296;

export function wireTypeOf(kind: ValueKind): number {
  switch (kind) {
    case 'double':
    case 'fixed64':
    case 'sfixed64':
      return WIRE_FIXED64;
    case 'float':
    case 'fixed32':
    case 'sfixed32':
      return WIRE_FIXED32;
    case 'string':
    case 'bytes':
    case 'message':
      return WIRE_LENGTH_DELIMITED;
    default:
      return WIRE_VARINT;
  }
}
