/**
 * Seeded fuzzing of the decoders: random, truncated and mutated inputs must produce either a result
 * or the module's typed error, never another exception, and quickly. Successful decodes must also
 * re-encode (protobuf: to an equal message; JSON: to a fixed point).
 */
import { describe, expect, it } from 'vitest';

import {
  MEDIA_TYPE_JSON,
  MEDIA_TYPE_PROTOBUF,
  type MediaType,
  ProtocolDecodeError,
  decodeCall,
  decodeEvent,
  encodeCall,
  encodeEvent,
} from '../../../../src/emulator/mesos-codec/codec.js';
import { type MessageDescriptor, MessageNames, mesosSchema } from '../../../../src/mesos/protocol/descriptors.js';
import { JsonConversionError, decodeJsonMessage, jsonToMessage } from '../../../../src/emulator/mesos-codec/json-convert.js';
import { JsonSyntaxError, parseJson } from '../../../../src/emulator/mesos-codec/json-parse.js';
import { RecordIODecoder, RecordIOError, encodeRecord } from '../../../../src/mesos/protocol/recordio.js';
import { encodeMessage } from '../../../../src/mesos/protocol/wire-encode.js';
import type { Call, Event } from '../../../../src/mesos/protocol/types.js';
import { loadTranscript, splitRecordIO } from '../../../helpers/transcripts.js';

/**
 * Inputs per property. A hang shows up as the test's timeout; how fast decoding is belongs to
 * `bench/`, not to assertions here (a wall-clock budget fails on a loaded machine).
 */
const ITERATIONS = 3000;

/** mulberry32: small, fast, good enough to drive mutations reproducibly. */
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

const JSON_TOKENS = [
  '{',
  '}',
  '[',
  ']',
  '"',
  '\\',
  ',',
  ':',
  '0',
  '-',
  'e',
  '.',
  'null',
  'true',
  '\\u',
  '\\ud800',
  '\\ud83d\\ude00',
  ' ',
  '\n',
  '1e999',
  '-0',
  '-0.0',
  '01',
  '1.',
  '-.5',
  '4294967297',
  '-2147483649',
  '9007199254740993',
  '1e20',
  '"type"',
  '"SUBSCRIBE"',
  '{"value":"x"}',
  '"status":',
  '"executor_pid":',
  '"ip":',
  '"begin":',
  '"attribute_name":"a",',
  '"pseudoattribute_type":"ZONE",',
];

class Mutator {
  private readonly random: () => number;

  constructor(seed: number) {
    this.random = prng(seed);
  }

  int(max: number): number {
    return Math.floor(this.random() * max);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  bytes(length: number): Buffer {
    return Buffer.from(Array.from({ length }, () => this.int(256)));
  }

  /** One to four random edits of `input`. */
  mutate(input: Buffer, corpus: readonly Buffer[]): Buffer {
    let data = Buffer.from(input);
    const edits = 1 + this.int(4);
    for (let i = 0; i < edits; i += 1) {
      const at = this.int(data.length + 1);
      switch (this.int(9)) {
        case 8: {
          // Swap a number for one that stresses integer/floating-point handling.
          const text = data.toString('latin1');
          const numbers = [...text.matchAll(/:(-?\d+(?:\.\d+)?)/g)];
          if (numbers.length === 0) break;
          const match = this.pick(numbers);
          const start = (match.index ?? 0) + 1;
          const replacement = this.pick(['-0', '-0.0', '4294967297', '-2147483649', '9007199254740993', '1e400', '2147483648', '0.5']);
          data = Buffer.concat([data.subarray(0, start), Buffer.from(replacement), data.subarray(start + (match[1] ?? '').length)]);
          break;
        }
        case 0:
          if (data.length > 0) {
            const index = Math.min(at, data.length - 1);
            data[index] = (data[index] as number) ^ (1 << this.int(8));
          }
          break;
        case 1:
          if (data.length > 0) data[Math.min(at, data.length - 1)] = this.int(256);
          break;
        case 2:
          data = Buffer.concat([data.subarray(0, at), this.bytes(1 + this.int(8)), data.subarray(at)]);
          break;
        case 3:
          data = Buffer.concat([data.subarray(0, at), data.subarray(at + 1 + this.int(16))]);
          break;
        case 4:
          data = data.subarray(0, at);
          break;
        case 5: {
          const from = this.int(data.length + 1);
          const slice = data.subarray(from, from + this.int(64));
          data = Buffer.concat([data.subarray(0, at), slice, data.subarray(at)]);
          break;
        }
        case 6: {
          const other = this.pick(corpus);
          const cut = this.int(other.length + 1);
          data = Buffer.concat([data.subarray(0, at), other.subarray(cut)]);
          break;
        }
        default:
          data = Buffer.concat([data.subarray(0, at), Buffer.from(this.pick(JSON_TOKENS)), data.subarray(at)]);
      }
    }
    return data;
  }

  /** A fresh input: a mutated corpus entry, a truncation, or noise. */
  input(corpus: readonly Buffer[]): Buffer {
    const roll = this.int(10);
    if (roll === 0) return this.bytes(this.int(64));
    const base = this.pick(corpus);
    if (roll === 1) return base.subarray(0, this.int(base.length + 1));
    return this.mutate(base, corpus);
  }
}

const SYNTHETIC_EVENTS: Event[] = [
  { type: 'HEARTBEAT' },
  { type: 'SUBSCRIBED', subscribed: { framework_id: { value: 'fw' }, heartbeat_interval_seconds: 15 } },
  {
    type: 'OFFERS',
    offers: {
      offers: [
        {
          id: { value: 'O1' },
          framework_id: { value: 'fw' },
          agent_id: { value: 'S0' },
          hostname: 'agent-1',
          resources: [
            { name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 }, role: '*', allocation_info: { role: '*' } },
            { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 19998, end: 30000 }] }, role: '*' },
          ],
          attributes: [{ name: 'rack', type: 'TEXT', text: { value: 'r1' } }],
        },
      ],
    },
  },
  {
    type: 'UPDATE',
    update: {
      status: {
        task_id: { value: 't' },
        state: 'TASK_RUNNING',
        source: 'SOURCE_EXECUTOR',
        timestamp: 1795548218.198497,
        uuid: 'Ya5zOWGpRPm5zjMIvwQgig==',
        healthy: true,
        container_status: { container_id: { value: 'c', parent: { value: 'p' } }, executor_pid: 1 },
      },
    },
  },
  { type: 'ERROR', error: { message: 'Framework has been removed' } },
  { type: 'FAILURE', failure: { agent_id: { value: 'S0' }, executor_id: { value: 'e' }, status: -15 } },
];

/** SUBSCRIBE with offer constraints: a map, a oneof and required fields deep down. */
const CONSTRAINED_SUBSCRIBE = Buffer.from(
  '{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"u","name":"n"},"offer_constraints":{"role_constraints":' +
    '{"*":{"groups":[{"attribute_constraints":[{"selector":{"attribute_name":"rack"},"predicate":{"text_equals":{"value":"r1"}}}]}]}}}}}',
);

const SYNTHETIC_CALLS: Call[] = [
  {
    type: 'SUBSCRIBE',
    subscribe: {
      framework_info: { user: 'root', name: 'alluxio', roles: ['*'], capabilities: [{ type: 'MULTI_ROLE' }], failover_timeout: 60 },
    },
  },
  {
    type: 'SUBSCRIBE',
    subscribe: {
      framework_info: {
        user: 'root',
        name: 'alluxio',
        offer_filters: { '*': { min_allocatable_resources: { quantities: [{ quantities: { cpus: { value: 0.5 } } }] } } },
      },
      suppressed_roles: ['a'],
    },
  },
  { type: 'DECLINE', framework_id: { value: 'fw' }, decline: { offer_ids: [{ value: 'O1' }], filters: { refuse_seconds: 5 } } },
  {
    type: 'ACKNOWLEDGE',
    framework_id: { value: 'fw' },
    acknowledge: { agent_id: { value: 'S0' }, task_id: { value: 't' }, uuid: 'Ya5zOWGpRPm5zjMIvwQgig==' },
  },
  { type: 'RECONCILE', framework_id: { value: 'fw' }, reconcile: { tasks: [{ task_id: { value: 't' } }] } },
];

function corpusFor(media: MediaType, kind: 'event' | 'call'): Buffer[] {
  const corpus =
    kind === 'event' ? SYNTHETIC_EVENTS.map((event) => encodeEvent(event, media)) : SYNTHETIC_CALLS.map((call) => encodeCall(call, media));
  if (kind === 'call' && media === MEDIA_TYPE_JSON) corpus.push(CONSTRAINED_SUBSCRIBE);
  if (kind === 'event') {
    const stem = media === MEDIA_TYPE_JSON ? '90_scheduler_SUBSCRIBE_json_multirole_stream' : '80_scheduler_SUBSCRIBE_protobuf_stream';
    corpus.push(...splitRecordIO(loadTranscript(stem).response.body));
  } else if (media === MEDIA_TYPE_JSON) {
    for (const stem of [
      '30_scheduler_ACCEPT_LAUNCH',
      '31_scheduler_ACKNOWLEDGE_1_TASK_STARTING',
      '92_scheduler_reSUBSCRIBE_failover_stream',
    ]) {
      corpus.push(loadTranscript(stem).request.body);
    }
  } else {
    corpus.push(loadTranscript('80_scheduler_SUBSCRIBE_protobuf_stream').request.body);
  }
  return corpus;
}

/** The decoded message, or undefined when `decode` rejected the input as it should: with a ProtocolDecodeError. */
function attempt<T>(decode: () => T, what: string, input: Buffer): T | undefined {
  try {
    return decode();
  } catch (error) {
    if (error instanceof ProtocolDecodeError) return undefined;
    throw new Error(`${what} threw ${String(error)} for input ${input.toString('base64')}`);
  }
}

const MEDIA: MediaType[] = [MEDIA_TYPE_JSON, MEDIA_TYPE_PROTOBUF];

describe('decoder fuzzing', () => {
  it.each(MEDIA)('decodeEvent(%s) returns an event or throws ProtocolDecodeError', (media) => {
    const mutator = new Mutator(media === MEDIA_TYPE_JSON ? 1 : 2);
    const corpus = corpusFor(media, 'event');
    let accepted = 0;
    for (let i = 0; i < ITERATIONS; i += 1) {
      const input = mutator.input(corpus);
      const result = attempt(() => decodeEvent(input, media), 'decodeEvent', input);
      if (result === undefined) continue;
      accepted += 1;
      const encoded = encodeEvent(result, media);
      if (media === MEDIA_TYPE_PROTOBUF) {
        expect(decodeEvent(encoded, media)).toEqual(result);
      } else {
        expect(encodeEvent(decodeEvent(encoded, media), media).equals(encoded)).toBe(true);
      }
    }
    // Both outcomes must actually be exercised.
    expect(accepted).toBeGreaterThan(ITERATIONS / 50);
    expect(accepted).toBeLessThan(ITERATIONS);
  });

  it.each(MEDIA)('decodeCall(%s) returns a call or throws ProtocolDecodeError', (media) => {
    const mutator = new Mutator(media === MEDIA_TYPE_JSON ? 3 : 4);
    const corpus = corpusFor(media, 'call');
    let accepted = 0;
    for (let i = 0; i < ITERATIONS; i += 1) {
      const input = mutator.input(corpus);
      const result = attempt(() => decodeCall(input, media), 'decodeCall', input);
      if (result === undefined) continue;
      accepted += 1;
      const encoded = encodeCall(result, media);
      if (media === MEDIA_TYPE_PROTOBUF) {
        expect(decodeCall(encoded, media)).toEqual(result);
      } else {
        expect(encodeCall(decodeCall(encoded, media), media).equals(encoded)).toBe(true);
      }
    }
    expect(accepted).toBeGreaterThan(ITERATIONS / 100);
  });

  it('survives pathological nesting and huge length claims', () => {
    const inputs: Array<[MediaType, Buffer]> = [
      [MEDIA_TYPE_JSON, Buffer.from('['.repeat(100_000))],
      [MEDIA_TYPE_JSON, Buffer.from(`${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`)],
      [MEDIA_TYPE_JSON, Buffer.from(`"${'\\u0041'.repeat(50_000)}"`)],
      [MEDIA_TYPE_PROTOBUF, Buffer.from([0x12, 0xff, 0xff, 0xff, 0xff, 0x07])],
      [MEDIA_TYPE_PROTOBUF, Buffer.from(Array.from({ length: 10_000 }, (_, i) => (i % 2 === 0 ? 0x1a : 0x00)))],
      // SUBSCRIBED.master_info.address... nested 200 deep through ContainerID.parent.
      [MEDIA_TYPE_PROTOBUF, Buffer.concat(Array.from({ length: 200 }, () => Buffer.from([0x0b])))],
    ];
    for (const [media, input] of inputs) {
      // An event or a ProtocolDecodeError; anything else (a RangeError from recursion) fails here.
      attempt(() => decodeEvent(input, media), 'decodeEvent', input);
    }
  });
});

type Outcome = { ok: true; shape: Record<string, unknown>; wire: string } | { ok: false; error: string };

function outcome(descriptor: MessageDescriptor, work: () => Record<string, unknown>): Outcome {
  try {
    const shape = work();
    return { ok: true, shape, wire: encodeMessage(descriptor, shape).toString('hex') };
  } catch (error) {
    if (error instanceof JsonSyntaxError || error instanceof JsonConversionError) {
      return { ok: false, error: `${error.constructor.name}: ${error.message}` };
    }
    throw error;
  }
}

describe('JSON fast path', () => {
  it.each([
    ['event', MessageNames.schedulerEvent],
    ['call', MessageNames.schedulerCall],
  ] as const)('agrees with the exact picojson path on every mutated %s', (kind, name) => {
    const descriptor = mesosSchema().message(name);
    const mutator = new Mutator(kind === 'event' ? 6 : 7);
    const corpus = corpusFor(MEDIA_TYPE_JSON, kind);
    let fastAccepted = 0;
    for (let i = 0; i < ITERATIONS; i += 1) {
      const input = mutator.input(corpus);
      const exact = outcome(descriptor, () => jsonToMessage(descriptor, parseJson(input)));
      const fast = outcome(descriptor, () => decodeJsonMessage(descriptor, input));
      expect(fast, input.toString('utf8')).toEqual(exact);
      if (fast.ok) fastAccepted += 1;
    }
    expect(fastAccepted).toBeGreaterThan(ITERATIONS / 100);
  });
});

describe('RecordIO fuzzing', () => {
  it('every mutated stream yields records or a RecordIOError under random chunking', () => {
    const mutator = new Mutator(5);
    const payloads = [...SYNTHETIC_EVENTS.map((event) => encodeEvent(event, MEDIA_TYPE_JSON)), Buffer.from([8, 8]), Buffer.alloc(0)];
    const streams = Array.from({ length: 20 }, () =>
      Buffer.concat(Array.from({ length: 1 + mutator.int(6) }, () => encodeRecord(mutator.pick(payloads)))),
    );
    let clean = 0;
    let failed = 0;
    for (let i = 0; i < ITERATIONS; i += 1) {
      const input = mutator.input(streams);
      const decoder = new RecordIODecoder({ maxRecordBytes: 512 });
      let total = 0;
      try {
        for (let pos = 0; pos < input.length;) {
          const size = 1 + mutator.int(48);
          for (const record of decoder.feed(input.subarray(pos, pos + size))) {
            expect(record.length).toBeGreaterThan(0);
            expect(record.length).toBeLessThanOrEqual(512);
            total += record.length;
          }
          pos += size;
        }
        decoder.end();
        clean += 1;
      } catch (error) {
        if (!(error instanceof RecordIOError)) throw error;
        failed += 1;
        expect(decoder.failed).toBe(true);
      }
      expect(total).toBeLessThanOrEqual(input.length);
    }
    expect(clean).toBeGreaterThan(0);
    expect(failed).toBeGreaterThan(0);
  });
});
