/**
 * The JSON reader that reuses the `JSON.parse` tree against the former copying reader (kept as
 * `reference-json-read.ts`): for recorded events, a large OFFERS event and random documents with
 * every irregularity the reader tolerates or rejects (unknown keys, nulls, numbers and booleans as
 * strings, a single value for a list, empty lists, two oneof members, unknown enum names, missing
 * required fields, wrong types) both give the same message, keys in the same order, or the same error.
 */
import { describe, expect, it } from 'vitest';

import { encodeEvent } from '../../../../src/emulator/mesos-codec/codec.js';
import { MEDIA_TYPE_JSON } from '../../../../src/mesos/protocol/codec.js';
import { type MessageDescriptor, MessageNames, Schema, mesosSchema } from '../../../../src/mesos/protocol/descriptors.js';
import { jsonToShape } from '../../../../src/mesos/protocol/json-read.js';
import { loadTranscript, splitRecordIO } from '../../../helpers/transcripts.js';
import { referenceJsonToShape } from './reference-json-read.js';
import { ordered, prng } from './differential-support.js';

const TEST_PROTO = `
syntax = "proto2";
package j;
enum Color { RED = 0; GREEN = 1; }
message Inner {
  required string name = 1;
  optional Inner child = 2;
  repeated int64 ids = 3;
}
message All {
  optional double d = 1;
  optional float f = 2;
  optional int32 i32 = 3;
  optional uint64 u64 = 4;
  optional bool b = 5;
  optional string s = 6;
  optional bytes by = 7;
  optional Color c = 8;
  required Color rc = 9;
  optional Inner inner = 10;
  repeated int32 ri = 11;
  repeated string rs = 12;
  repeated Inner rm = 13;
  repeated Color colors = 14;
  map<string, Inner> mm = 15;
  map<int32, string> ms = 16;
  oneof choice {
    string one_text = 17;
    Inner one_inner = 18;
  }
  repeated bool rb = 19;
}
`;

const schema = new Schema([TEST_PROTO]);
const all = schema.message('j.All');

function outcome(
  read: (descriptor: MessageDescriptor, document: unknown) => unknown,
  descriptor: MessageDescriptor,
  text: string,
): unknown {
  try {
    return { shape: ordered(read(descriptor, JSON.parse(text))) };
  } catch (error) {
    return { error: (error as Error).constructor.name, message: (error as Error).message };
  }
}

function expectSameOutcome(descriptor: MessageDescriptor, text: string): boolean {
  const expected = outcome(referenceJsonToShape, descriptor, text);
  expect(outcome(jsonToShape, descriptor, text), text.slice(0, 2000)).toEqual(expected);
  return 'shape' in (expected as object);
}

/** A document that is mostly a valid `j.All`, with the irregularities mixed in at random. */
function randomDocument(random: () => number): Record<string, unknown> {
  const int = (min: number, max: number): number => Math.floor(min + random() * (max - min));
  const pick = <T>(values: readonly T[]): T => values[int(0, values.length)] as T;
  const odd = (): unknown => pick([null, 'x', 5, '5', true, 'true', [], {}, [1], 'Infinity', ' ', 1.5]);
  const sometimesOdd = (value: () => unknown): unknown => (random() < 0.04 ? odd() : value());
  const inner = (depth: number): Record<string, unknown> => {
    const message: Record<string, unknown> = {};
    if (random() < 0.93) message.name = sometimesOdd(() => pick(['', 'a', 'é', '*']));
    if (depth > 0 && random() < 0.4) message.child = sometimesOdd(() => inner(depth - 1));
    if (random() < 0.2) message.ids = sometimesOdd(() => Array.from({ length: int(0, 3) }, () => pick([1, '2', null, 2 ** 40])));
    if (random() < 0.05) message.unknown_key = 1;
    return message;
  };
  const fields: Array<[string, () => unknown]> = [
    ['d', () => pick([0, -0, 7.9, 1e300, 'Infinity', '-Infinity', '1.5'])],
    ['f', () => pick([0.5, 7.9, 1e-50, 3])],
    ['i32', () => pick([0, -1, 2 ** 31 - 1, '12', 1.5])],
    ['u64', () => pick([0, 2 ** 53 - 1, '9007199254740991'])],
    ['b', () => pick([true, false, 'true', 'false'])],
    ['s', () => pick(['', 'text', 'ü'])],
    ['by', () => pick(['aGk', 'aGk=', 'YWJj\nZGVm', ''])],
    ['c', () => pick(['RED', 'GREEN', 'BLUE'])],
    ['rc', () => pick(['RED', 'GREEN', 'GREEN', 'BLUE'])],
    ['inner', () => inner(3)],
    ['ri', () => (random() < 0.8 ? Array.from({ length: int(0, 4) }, () => pick([1, -2, '3', null])) : 7)],
    ['rs', () => (random() < 0.8 ? Array.from({ length: int(0, 4) }, () => pick(['a', '', null])) : 'single')],
    ['rm', () => (random() < 0.8 ? Array.from({ length: int(0, 5) }, () => (random() < 0.95 ? inner(1) : null)) : inner(0))],
    ['colors', () => Array.from({ length: int(0, 4) }, () => pick(['RED', 'GREEN', 'PURPLE']))],
    [
      'mm',
      () =>
        Object.fromEntries(
          Array.from({ length: int(0, 3) }, (_, i) => [pick([`k${i}`, '', '__proto__']), random() < 0.9 ? inner(0) : null]),
        ),
    ],
    ['ms', () => Object.fromEntries(Array.from({ length: int(0, 3) }, (_, i) => [pick([String(i), '07', '-3']), pick(['v', null])]))],
    ['one_text', () => 'text'],
    ['one_inner', () => inner(1)],
    ['rb', () => Array.from({ length: int(1, 3) }, () => pick([true, 'false']))],
    ['unknown', () => ({ nested: [1, 2] })],
    ['__proto__', () => ({ polluted: true })],
  ];
  const document: Record<string, unknown> = {};
  // Random order: the reader keeps the document's order, and oneof members replace each other in it.
  for (const [name, value] of [...fields].sort(() => random() - 0.5)) {
    if (random() < (name === 'unknown' || name === '__proto__' ? 0.05 : 0.45)) {
      Object.defineProperty(document, name, { value: sometimesOdd(value), enumerable: true, writable: true, configurable: true });
    }
  }
  return document;
}

describe('JSON reader reusing the JSON.parse tree, against the former copying reader', () => {
  it('reads random documents, regular and irregular, the same way', () => {
    const random = prng(31);
    let read = 0;
    let inPlace = 0;
    for (let i = 0; i < 5000; i += 1) {
      const text = JSON.stringify(randomDocument(random));
      if (!expectSameOutcome(all, text)) continue;
      read += 1;
      // What was read, written out again, is a regular document (as a master writes them).
      const regular = JSON.stringify(referenceJsonToShape(all, JSON.parse(text)));
      expect(expectSameOutcome(all, regular)).toBe(true);
      const document: unknown = JSON.parse(regular);
      if (jsonToShape(all, document) === document) inPlace += 1;
    }
    // Every outcome was exercised: errors, copies and documents read in place.
    expect(read).toBeGreaterThan(500);
    expect(read).toBeLessThan(4500);
    // Maps are always copied, so not every regular document is read in place.
    expect(inPlace).toBeGreaterThan(100);
    expect(inPlace).toBeLessThan(read);
  });

  it('reads recorded Mesos 1.12 JSON events and a large OFFERS event the same way', () => {
    const event = mesosSchema().message(MessageNames.schedulerEvent);
    const records = [
      '10_scheduler_SUBSCRIBE_json_stream',
      '90_scheduler_SUBSCRIBE_json_multirole_stream',
      '92_scheduler_reSUBSCRIBE_failover_stream',
    ]
      .flatMap((stem) => splitRecordIO(loadTranscript(stem).response.body))
      .map((record) => record.toString('utf8'));
    expect(records.length).toBeGreaterThan(3);
    for (const record of records) expect(expectSameOutcome(event, record)).toBe(true);
    const offers = Array.from({ length: 50 }, (_, i) => ({
      id: { value: `O${i}` },
      framework_id: { value: 'fw' },
      agent_id: { value: `S${i}` },
      hostname: `10.0.0.${i}`,
      resources: [
        { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 31000, end: 32000 }] }, role: '*', allocation_info: { role: 'a' } },
        { name: 'cpus', type: 'SCALAR', scalar: { value: 7.9 }, role: '*', allocation_info: { role: 'a' } },
      ],
      attributes: [{ name: 'rack', type: 'TEXT', text: { value: 'r1' } }],
    }));
    const body = encodeEvent({ type: 'OFFERS', offers: { offers } } as unknown as Parameters<typeof encodeEvent>[0], MEDIA_TYPE_JSON);
    expect(expectSameOutcome(event, body.toString('utf8'))).toBe(true);
  });

  it('returns the parsed objects themselves when they already are the message, and copies otherwise', () => {
    const document = JSON.parse('{"rc":"RED","inner":{"name":"a"},"rm":[{"name":"b"}],"ri":[1]}');
    const shape = jsonToShape(all, document);
    expect(shape).toBe(document);
    const irregular = JSON.parse('{"rc":"RED","inner":{"name":"a","extra":1},"rm":[{"name":"b"}]}');
    const copied = jsonToShape(all, irregular);
    expect(copied).not.toBe(irregular);
    expect(copied.inner).toEqual({ name: 'a' });
    expect(copied.rm).toBe(irregular.rm);
  });
});
