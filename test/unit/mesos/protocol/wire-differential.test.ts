/**
 * The generated per-message decoders and encoders against the former table-walking ones (kept as
 * `reference-wire-decode.ts` and `reference-wire-encode.ts`). Decoding: for well-formed, merged,
 * packed, mutated, truncated and garbage input both must return the same shape (same keys in the
 * same order, same values, +0 and -0 told apart) or throw the same error with the same message.
 * Encoding: the same bytes, or the same error, for valid messages and for values of the wrong type.
 */
import { describe, expect, it } from 'vitest';

import { encodeEvent } from '../../../../src/emulator/mesos-codec/codec.js';
import { type MessageDescriptor, MessageNames, Schema, mesosSchema } from '../../../../src/mesos/protocol/descriptors.js';
import { MEDIA_TYPE_PROTOBUF } from '../../../../src/mesos/protocol/codec.js';
import { jsonToShape } from '../../../../src/mesos/protocol/json-read.js';
import { decodeMessage } from '../../../../src/mesos/protocol/wire-decode.js';
import { encodeMessage } from '../../../../src/mesos/protocol/wire-encode.js';
import { loadTranscript, splitRecordIO } from '../../../helpers/transcripts.js';
import { referenceDecodeMessage } from './reference-wire-decode.js';
import { referenceEncodeMessage } from './reference-wire-encode.js';
import { ordered, prng } from './differential-support.js';

const TEST_PROTO = `
syntax = "proto2";
package d;
enum Color { RED = 0; GREEN = 1; NEG = -1; FAR = 5000; BLUE = 7; }
enum Small { ZERO = 0; TWO = 2; }
message Inner {
  required string name = 1;
  optional Inner child = 2;
  repeated uint64 ids = 3;
}
message All {
  optional double d = 1;
  optional float f = 2;
  optional int32 i32 = 3;
  optional int64 i64 = 4;
  optional uint32 u32 = 5;
  optional uint64 u64 = 6;
  optional sint32 s32 = 7;
  optional sint64 s64 = 8;
  optional fixed32 fx32 = 9;
  optional fixed64 fx64 = 10;
  optional sfixed32 sfx32 = 11;
  optional sfixed64 sfx64 = 12;
  optional bool b = 13;
  optional string s = 14;
  optional bytes by = 15;
  optional Color c = 16;
  optional Inner inner = 17;
  repeated int32 ri = 18;
  repeated string rs = 19;
  repeated Inner rm = 20;
  map<string, Inner> mm = 21;
  map<int32, string> ms = 22;
  repeated sint64 rp = 23 [packed = true];
  repeated Color rc = 24;
  repeated double rd = 25 [packed = true];
  oneof choice {
    string one_text = 26;
    Inner one_inner = 27;
    Small one_small = 28;
  }
  required int32 needed = 29;
  map<uint64, Color> mc = 30;
  repeated bool rb = 31;
  optional string far = 3000;
  optional Inner far_inner = 536870911;
}
`;

const testSchema = new Schema([TEST_PROTO]);
const all = testSchema.message('d.All');
const protobufjsAll = testSchema.root.lookupType('d.All');

function outcome(
  decode: (descriptor: MessageDescriptor, bytes: Uint8Array) => unknown,
  descriptor: MessageDescriptor,
  bytes: Buffer,
): unknown {
  try {
    return { shape: ordered(decode(descriptor, bytes)) };
  } catch (error) {
    return { error: (error as Error).constructor.name, message: (error as Error).message };
  }
}

/** Decodes with both and expects the same; returns whether the bytes decoded. */
function expectSameOutcome(descriptor: MessageDescriptor, bytes: Buffer): boolean {
  const expected = outcome(referenceDecodeMessage, descriptor, bytes);
  expect(outcome(decodeMessage, descriptor, bytes), bytes.toString('hex')).toEqual(expected);
  return 'shape' in (expected as object);
}

function randomAll(random: () => number): Record<string, unknown> {
  const int = (min: number, max: number): number => Math.floor(min + random() * (max - min));
  const pick = <T>(values: readonly T[]): T => values[int(0, values.length)] as T;
  const maybe = (value: () => unknown): unknown => (random() < 0.5 ? value() : undefined);
  const edge64 = [0, 1, -1, 127, 128, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 2 ** 32 - 1, 2 ** 32, -(2 ** 32), 2 ** 53 - 1, -(2 ** 53 - 1)];
  const signed64 = (): number => (random() < 0.5 ? pick(edge64) : int(-(2 ** 53), 2 ** 53));
  const unsigned64 = (): number => Math.abs(signed64());
  const text = (): string =>
    pick(['', 'a', '*', 'alluxio', 'héllo', '😀 x', '10.0.0.1', 'x'.repeat(31), 'y'.repeat(32), 'z'.repeat(33), 'w'.repeat(200)]);
  const inner = (depth: number): Record<string, unknown> => ({
    name: text(),
    ...(depth > 0 && random() < 0.5 ? { child: inner(depth - 1) } : {}),
    ...(random() < 0.3 ? { ids: Array.from({ length: int(1, 4) }, unsigned64) } : {}),
  });
  const message: Record<string, unknown> = {
    d: maybe(() => pick([0, -0, 7.9, -1e300, 5e-324, Number.NaN, Infinity, (random() - 0.5) * 10 ** int(-5, 300)])),
    f: maybe(() => pick([0, -0, Math.fround(7.9), Math.fround((random() - 0.5) * 1000)])),
    i32: maybe(() => pick([0, -1, 127, 128, 2 ** 31 - 1, -(2 ** 31), int(-(2 ** 31), 2 ** 31)])),
    i64: maybe(signed64),
    u32: maybe(() => pick([0, 127, 128, 2 ** 32 - 1, int(0, 2 ** 32)])),
    u64: maybe(unsigned64),
    s32: maybe(() => pick([0, -1, 1, -64, 64, 2 ** 31 - 1, -(2 ** 31), int(-(2 ** 31), 2 ** 31)])),
    s64: maybe(signed64),
    fx32: maybe(() => int(0, 2 ** 32)),
    fx64: maybe(unsigned64),
    sfx32: maybe(() => int(-(2 ** 31), 2 ** 31)),
    sfx64: maybe(signed64),
    b: maybe(() => random() < 0.5),
    s: maybe(text),
    by: maybe(() => Buffer.from(Array.from({ length: int(0, 40) }, () => int(0, 256))).toString('base64')),
    c: maybe(() => pick(['RED', 'GREEN', 'NEG', 'FAR', 'BLUE'])),
    inner: maybe(() => inner(3)),
    ri: maybe(() => Array.from({ length: int(1, 5) }, () => int(-1000, 1000))),
    rs: maybe(() => Array.from({ length: int(1, 4) }, text)),
    rm: maybe(() => Array.from({ length: int(1, 20) }, () => inner(1))),
    mm: maybe(() => Object.fromEntries(Array.from({ length: int(1, 4) }, (_, i) => [pick([`k${i}`, '', '__proto__']), inner(1)]))),
    ms: maybe(() => Object.fromEntries(Array.from({ length: int(1, 4) }, (_, i) => [String(i * 7 - 3), text()]))),
    rp: maybe(() => Array.from({ length: int(1, 5) }, signed64)),
    rc: maybe(() => Array.from({ length: int(1, 5) }, () => pick(['RED', 'NEG', 'FAR', 'BLUE']))),
    rd: maybe(() => Array.from({ length: int(1, 5) }, () => pick([0, -0, 1.5, -2.25]))),
    needed: random() < 0.9 ? int(-5, 5) : undefined,
    mc: maybe(() => Object.fromEntries(Array.from({ length: int(1, 3) }, (_, i) => [String(i * 2 ** 40), pick(['RED', 'FAR'])]))),
    rb: maybe(() => Array.from({ length: int(1, 4) }, () => random() < 0.5)),
    far: maybe(text),
    far_inner: maybe(() => inner(0)),
  };
  const choice = int(0, 4);
  if (choice === 1) message.one_text = text();
  if (choice === 2) message.one_inner = inner(1);
  if (choice === 3) message.one_small = pick(['ZERO', 'TWO']);
  for (const key of Object.keys(message)) if (message[key] === undefined) delete message[key];
  return message;
}

/** Our encoder (field-number order, unpacked) or protobufjs' (packed where the schema says so). */
function encodeAll(random: () => number, message: Record<string, unknown>): Buffer {
  if (random() < 0.5 && message.needed !== undefined && !Object.hasOwn((message.mm ?? {}) as object, '__proto__')) {
    return Buffer.from(protobufjsAll.encode(protobufjsAll.fromObject(message)).finish());
  }
  return encodeMessage(all, message);
}

function mutate(random: () => number, bytes: Buffer, others: readonly Buffer[]): Buffer {
  const int = (min: number, max: number): number => Math.floor(min + random() * (max - min));
  const at = int(0, bytes.length + 1);
  switch (int(0, 6)) {
    case 0: {
      const copy = Buffer.from(bytes);
      if (copy.length > 0) copy[Math.min(at, copy.length - 1)] = int(0, 256);
      return copy;
    }
    case 1:
      return bytes.subarray(0, at);
    case 2:
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(Array.from({ length: int(1, 6) }, () => int(0, 256))), bytes.subarray(at)]);
    case 3:
      // Two encodings one after the other: protobuf merges them.
      return Buffer.concat([bytes, others[int(0, others.length)] ?? bytes]);
    case 4: {
      const copy = Buffer.from(bytes);
      for (let i = 0; i < 4 && copy.length > 0; i += 1) {
        const flip = int(0, copy.length);
        copy[flip] = (copy[flip] as number) ^ (1 << int(0, 8));
      }
      return copy;
    }
    default:
      return Buffer.from(Array.from({ length: int(0, 40) }, () => int(0, 256)));
  }
}

/** One OFFERS event as the bench sends it (every resource kind the scheduler matches on). */
function offersEvent(count: number): Buffer {
  const offer = (i: number): Record<string, unknown> => {
    const host = `10.0.${(i >> 8) & 255}.${i & 255}`;
    const resource = (name: string, extra: object): object => ({ name, ...extra, role: '*', allocation_info: { role: 'alluxio' } });
    return {
      id: { value: `b8564f73-9862-4214-8536-043f0ff29368-O${i}` },
      framework_id: { value: 'fw' },
      agent_id: { value: `b8564f73-9862-4214-8536-043f0ff29368-S${i}` },
      hostname: host,
      url: { scheme: 'http', address: { hostname: host, ip: host, port: 5051 }, path: '/slave(1)' },
      resources: [
        resource('ports', {
          type: 'RANGES',
          ranges: {
            range: [
              { begin: 19998, end: 19999 },
              { begin: 31000, end: 2 ** 40 },
            ],
          },
        }),
        resource('cpus', { type: 'SCALAR', scalar: { value: 7.9 } }),
        resource('mem', { type: 'SCALAR', scalar: { value: 31744 } }),
      ],
      attributes: [{ name: 'rack', type: 'TEXT', text: { value: `rack-${i % 3}` } }],
      allocation_info: { role: 'alluxio' },
    };
  };
  const event = { type: 'OFFERS', offers: { offers: Array.from({ length: count }, (_, i) => offer(i)) } };
  return encodeEvent(event as unknown as Parameters<typeof encodeEvent>[0], MEDIA_TYPE_PROTOBUF);
}

describe('generated protobuf decoders against the reference interpreter', () => {
  it('decode random messages of every field kind, merged, packed and mutated, the same way', () => {
    const random = prng(21);
    const encoded: Buffer[] = [];
    let decoded = 0;
    for (let i = 0; i < 1500; i += 1) {
      const bytes = encodeAll(random, randomAll(random));
      encoded.push(bytes);
      if (expectSameOutcome(all, bytes)) decoded += 1;
    }
    let failed = 0;
    for (let i = 0; i < 6000; i += 1) {
      const source = encoded[Math.floor(random() * encoded.length)] as Buffer;
      if (!expectSameOutcome(all, mutate(random, source, encoded))) failed += 1;
    }
    // Both kinds of outcome were exercised, not just one.
    expect(decoded).toBeGreaterThan(1000);
    expect(failed).toBeGreaterThan(1000);
    expect(failed).toBeLessThan(6000);
  });

  it('decode recorded Mesos 1.12 events and calls, and every truncation and byte flip of them, the same way', () => {
    const event = mesosSchema().message(MessageNames.schedulerEvent);
    const call = mesosSchema().message(MessageNames.schedulerCall);
    const events = ['80_scheduler_SUBSCRIBE_protobuf_stream', '96_scheduler_SUBSCRIBE_json_body_accept_protobuf_stream'].flatMap((stem) =>
      splitRecordIO(loadTranscript(stem).response.body),
    );
    const calls = ['80_scheduler_SUBSCRIBE_protobuf_stream', '81_scheduler_TEARDOWN_protobuf', '21_error_protobuf_garbage_body'].map(
      (stem) => loadTranscript(stem).request.body,
    );
    expect(events.length).toBeGreaterThan(3);
    for (const [descriptor, records] of [
      [event, events],
      [call, calls],
    ] as const) {
      for (const record of records) {
        expectSameOutcome(descriptor, record);
        for (let at = 0; at < record.length; at += 1) {
          expectSameOutcome(descriptor, record.subarray(0, at));
          const flipped = Buffer.from(record);
          flipped[at] = (flipped[at] as number) ^ 0x85;
          expectSameOutcome(descriptor, flipped);
        }
      }
    }
  });

  it('decode an OFFERS event and its mutations the same way', () => {
    const event = mesosSchema().message(MessageNames.schedulerEvent);
    const bytes = offersEvent(40);
    expect(expectSameOutcome(event, bytes)).toBe(true);
    const random = prng(22);
    for (let i = 0; i < 800; i += 1) expectSameOutcome(event, mutate(random, bytes, [bytes.subarray(0, 200)]));
  });

  it('read back every one of many short strings that differ in one character (the interning of short strings)', () => {
    const strings = Array.from({ length: 20_000 }, (_, i) => `h-${String(i).padStart(5, '0')}`);
    const bytes = encodeMessage(all, { needed: 1, rs: strings });
    expect(decodeMessage(all, bytes).rs).toEqual(strings);
    expect(decodeMessage(all, bytes).rs).toEqual(strings);
  });

  it('agree on nesting limits, groups, tag 0 and misplaced end-group tags', () => {
    const inner = testSchema.message('d.Inner');
    // Inner.child nested n deep: 0x12 <length> ... ; the innermost has its required name.
    const nested = (depth: number): Buffer => {
      let bytes = Buffer.from('0a0178', 'hex');
      for (let i = 0; i < depth; i += 1)
        bytes = Buffer.concat([Buffer.from('0a0178', 'hex'), Buffer.from([0x12]), varint(bytes.length), bytes]);
      return bytes;
    };
    for (const depth of [99, 100, 101, 150]) expectSameOutcome(inner, nested(depth));
    for (const hex of [
      '00',
      '0a0178' + '0c',
      '0a0178' + '1b' + '0801' + '1c',
      '0a0178' + '1b' + '0801' + '24',
      '0a0178' + '1b',
      '0a0178' + '23' + '2b' + '2c' + '24',
      '0a0178' + 'f8ffffff0f01',
      '0a0178' + '8880808080808080800101',
      '0a0178' + '1a03010203',
      '0a0178' + '1a040102',
      '0a0178' + '1affffffff0f',
      '1a00',
      '0a0178' + '1d01000000',
      '0a0178' + '19' + '0100000000000000',
      '0a0178' + '12020a00',
    ]) {
      expectSameOutcome(inner, Buffer.from(hex, 'hex'));
      expectSameOutcome(all, Buffer.concat([Buffer.from('e801' + '00', 'hex'), Buffer.from(hex, 'hex')]));
    }
  });
});

function varint(value: number): Buffer {
  const bytes: number[] = [];
  while (value >= 0x80) {
    bytes.push((value & 0x7f) | 0x80);
    value >>>= 7;
  }
  bytes.push(value);
  return Buffer.from(bytes);
}

function encodeOutcome(
  encode: (descriptor: MessageDescriptor, shape: Record<string, unknown>) => Buffer,
  descriptor: MessageDescriptor,
  shape: Record<string, unknown>,
): unknown {
  try {
    return { hex: encode(descriptor, shape).toString('hex') };
  } catch (error) {
    return { error: (error as Error).constructor.name, message: (error as Error).message };
  }
}

function expectSameEncoding(descriptor: MessageDescriptor, shape: Record<string, unknown>): boolean {
  const expected = encodeOutcome(referenceEncodeMessage, descriptor, shape);
  expect(encodeOutcome(encodeMessage, descriptor, shape)).toEqual(expected);
  return 'hex' in (expected as object);
}

describe('generated protobuf encoders against the reference encoder', () => {
  it('write random messages of every field kind to the same bytes, and refuse wrong values with the same error', () => {
    const random = prng(23);
    const wrong = [null, 'x', 5, true, [], {}, [1], ['a'], [{}], 2 ** 70, -0, Number.NaN];
    let written = 0;
    let refused = 0;
    for (let i = 0; i < 3000; i += 1) {
      const message = randomAll(random);
      if (expectSameEncoding(all, message)) written += 1;
      // One field (or a field of a nested message) set to a value of another type.
      const keys = Object.keys(message);
      const broken: Record<string, unknown> = { ...message };
      const key = keys[Math.floor(random() * keys.length)];
      if (key === undefined) continue;
      const replacement = wrong[Math.floor(random() * wrong.length)];
      if (random() < 0.3 && typeof broken.inner === 'object') broken.inner = { ...(broken.inner as object), name: replacement };
      else broken[key] = replacement;
      if (!expectSameEncoding(all, broken)) refused += 1;
    }
    expect(written).toBe(3000);
    expect(refused).toBeGreaterThan(1000);
  });

  it('write decoded Mesos 1.12 events and calls and a large OFFERS event to the same bytes', () => {
    const event = mesosSchema().message(MessageNames.schedulerEvent);
    const call = mesosSchema().message(MessageNames.schedulerCall);
    const events = ['80_scheduler_SUBSCRIBE_protobuf_stream', '96_scheduler_SUBSCRIBE_json_body_accept_protobuf_stream'].flatMap((stem) =>
      splitRecordIO(loadTranscript(stem).response.body),
    );
    events.push(offersEvent(40));
    for (const record of events) expect(expectSameEncoding(event, decodeMessage(event, record))).toBe(true);
    for (const stem of ['80_scheduler_SUBSCRIBE_protobuf_stream', '81_scheduler_TEARDOWN_protobuf']) {
      expect(expectSameEncoding(call, decodeMessage(call, loadTranscript(stem).request.body))).toBe(true);
    }
    // Recorded as JSON: an ACCEPT with a LAUNCH (TaskInfo, resources, command) and the acknowledgements.
    for (const stem of [
      '30_scheduler_ACCEPT_LAUNCH',
      '31_scheduler_ACKNOWLEDGE_1_TASK_STARTING',
      '31_scheduler_ACKNOWLEDGE_2_TASK_RUNNING',
    ]) {
      const shape = jsonToShape(call, JSON.parse(loadTranscript(stem).request.body.toString('utf8')));
      expect(expectSameEncoding(call, shape)).toBe(true);
    }
  });
});
