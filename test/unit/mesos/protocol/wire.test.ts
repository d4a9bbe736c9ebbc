/**
 * The wire codec against protobufjs' own encoder on a schema with every scalar kind, maps, nesting
 * and a negative enum: byte-identical output and lossless round trips.
 */
import { describe, expect, it } from 'vitest';

import { Schema } from '../../../../src/mesos/protocol/descriptors.js';
import { decodeMessage } from '../../../../src/mesos/protocol/wire-decode.js';
import { encodeMessage } from '../../../../src/mesos/protocol/wire-encode.js';

const TEST_PROTO = `
syntax = "proto2";
package t;
enum Color { RED = 0; GREEN = 1; NEG = -1; }
message Inner {
  required string name = 1;
  optional Inner child = 2;
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
  optional string far = 3000;
}
`;

const schema = new Schema([TEST_PROTO]);
const all = schema.message('t.All');
const reference = schema.root.lookupType('t.All');

function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomMessage(random: () => number): Record<string, unknown> {
  const int = (min: number, max: number): number => Math.floor(min + random() * (max - min));
  const maybe = (value: () => unknown): unknown => (random() < 0.6 ? value() : undefined);
  const text = (): string => ['', 'a', 'héllo', '😀 x', 'x'.repeat(200)][int(0, 5)] as string;
  const inner = (depth: number): Record<string, unknown> => ({
    name: text(),
    ...(depth > 0 && random() < 0.5 ? { child: inner(depth - 1) } : {}),
  });
  const message: Record<string, unknown> = {
    d: maybe(() => (random() - 0.5) * 10 ** int(-5, 300)),
    f: maybe(() => Math.fround((random() - 0.5) * 1000)),
    i32: maybe(() => int(-(2 ** 31), 2 ** 31)),
    i64: maybe(() => int(-(2 ** 53), 2 ** 53)),
    u32: maybe(() => int(0, 2 ** 32)),
    u64: maybe(() => int(0, 2 ** 53)),
    s32: maybe(() => int(-(2 ** 31), 2 ** 31)),
    s64: maybe(() => int(-(2 ** 53), 2 ** 53)),
    fx32: maybe(() => int(0, 2 ** 32)),
    fx64: maybe(() => int(0, 2 ** 53)),
    sfx32: maybe(() => int(-(2 ** 31), 2 ** 31)),
    sfx64: maybe(() => int(-(2 ** 53), 2 ** 53)),
    b: maybe(() => random() < 0.5),
    s: maybe(text),
    by: maybe(() => Buffer.from(Array.from({ length: int(0, 40) }, () => int(0, 256))).toString('base64')),
    c: maybe(() => ['RED', 'GREEN', 'NEG'][int(0, 3)]),
    inner: maybe(() => inner(3)),
    ri: maybe(() => Array.from({ length: int(1, 5) }, () => int(-1000, 1000))),
    rs: maybe(() => Array.from({ length: int(1, 4) }, text)),
    rm: maybe(() => Array.from({ length: int(1, 4) }, () => inner(1))),
    mm: maybe(() => Object.fromEntries(Array.from({ length: int(1, 4) }, (_, i) => [`k${i}`, inner(1)]))),
    ms: maybe(() => Object.fromEntries(Array.from({ length: int(1, 4) }, (_, i) => [String(i * 7 - 3), text()]))),
    far: maybe(text),
  };
  for (const key of Object.keys(message)) if (message[key] === undefined) delete message[key];
  return message;
}

describe('protobuf wire codec', () => {
  it('writes the same bytes as protobufjs and reads them back unchanged', () => {
    const random = prng(11);
    for (let i = 0; i < 300; i += 1) {
      const message = randomMessage(random);
      const ours = encodeMessage(all, message);
      const theirs = Buffer.from(reference.encode(reference.fromObject(message)).finish());
      expect(ours.toString('hex')).toBe(theirs.toString('hex'));
      expect(decodeMessage(all, ours)).toEqual(message);
    }
  });

  it('writes negative int32 and enum values as ten-byte varints', () => {
    expect(encodeMessage(all, { i32: -1 }).toString('hex')).toBe('18ffffffffffffffffff01');
    expect(encodeMessage(all, { c: 'NEG' }).toString('hex')).toBe('80' + '01ffffffffffffffffff01');
    expect(decodeMessage(all, Buffer.from('18ffffffffffffffffff01', 'hex'))).toEqual({ i32: -1 });
  });

  it('reads int32 from a truncated 5-byte varint of a negative number, as protobuf does', () => {
    expect(decodeMessage(all, Buffer.from('18ffffffff0f', 'hex'))).toEqual({ i32: -1 });
  });

  it('checks required fields in nested messages, maps included', () => {
    const inner = schema.message('t.Inner');
    expect(() => decodeMessage(inner, Buffer.alloc(0))).toThrow(/missing required fields: name/);
    const mapWithoutName = encodeMessage(all, { mm: { k: {} } });
    expect(() => decodeMessage(all, mapWithoutName)).toThrow(/missing required fields: mm\[0\]\.value\.name/);
    // A map entry without its value gets the default (empty) message, which lacks `name`.
    expect(() => decodeMessage(all, Buffer.from('aa0103' + '0a0178', 'hex'))).toThrow(/missing required/);
  });

  it('rejects values that do not fit their field', () => {
    expect(() => encodeMessage(all, { s: 5 })).toThrow('t.All.s: expected a string');
    expect(() => encodeMessage(all, { c: 'BLUE' })).toThrow('t.All.c: unknown .t.Color value BLUE');
    expect(() => encodeMessage(all, { ri: 5 })).toThrow('t.All.ri: expected an array');
    expect(() => encodeMessage(all, { inner: 'x' })).toThrow('t.All.inner: expected an object');
  });

  it('protobufjs decodes what we encode to the same message', () => {
    const random = prng(12);
    for (let i = 0; i < 100; i += 1) {
      const message = randomMessage(random);
      const decoded = reference.toObject(reference.decode(encodeMessage(all, message)), {
        longs: Number,
        enums: String,
        bytes: String,
      });
      expect(decoded).toEqual(message);
    }
  });
});
