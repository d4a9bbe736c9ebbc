import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';

import {
  MEDIA_TYPE_JSON,
  MEDIA_TYPE_PROTOBUF,
  ProtocolDecodeError,
  decodeCall,
  decodeEvent,
  decodeOperatorCall,
  decodeOperatorResponse,
  encodeCall,
  encodeEvent,
  encodeOperatorCall,
  encodeOperatorResponse,
} from '../../../../src/emulator/mesos-codec/codec.js';
import type { Event, OperatorResponse } from '../../../../src/mesos/protocol/types.js';

/** Hand-assembles protobuf bytes. */
function bytes(build: (writer: protobuf.Writer) => void): Buffer {
  const writer = protobuf.Writer.create();
  build(writer);
  return Buffer.from(writer.finish());
}

const tag = (field: number, wireType: number): number => (field << 3) | wireType;

function protobufCallError(body: Uint8Array): string {
  try {
    decodeCall(body, MEDIA_TYPE_PROTOBUF);
  } catch (error) {
    expect(error).toBeInstanceOf(ProtocolDecodeError);
    return (error as Error).message;
  }
  throw new Error('expected the body to be rejected');
}

const teardown = bytes((w) => {
  w.uint32(tag(1, 2)).fork().uint32(tag(1, 2)).string('fw-1').ldelim();
  w.uint32(tag(2, 0)).int32(2);
});

describe('protobuf decoding', () => {
  it('decodes a TEARDOWN call', () => {
    expect(decodeCall(teardown, MEDIA_TYPE_PROTOBUF)).toEqual({ framework_id: { value: 'fw-1' }, type: 'TEARDOWN' });
  });

  it.each([
    ['garbage (the recorded body)', Buffer.from([0xff, 0xff, 0xff, 0x00, ...Buffer.from('garbage')])],
    ['a truncated length-delimited field', teardown.subarray(0, 5)],
    ['a truncated varint', Buffer.from([0x10, 0x80])],
    ['wire type 7', Buffer.from([0x0f])],
    ['tag 0', Buffer.concat([teardown, Buffer.from([0x00, 0x00])])],
    ['a stray end-group tag', Buffer.from([0x0c])],
    ['an unterminated group', Buffer.from([0x1b, 0x08, 0x01])],
    ['a length past the end', Buffer.from([0x0a, 0x7f, 0x0a])],
    [
      'a missing required field',
      bytes((w) => {
        w.uint32(tag(2, 0)).int32(1);
        w.uint32(tag(3, 2)).fork().uint32(tag(1, 2)).fork().uint32(tag(2, 2)).string('name only').ldelim().ldelim();
      }),
    ],
  ])('rejects %s with Mesos wording', (_name, body) => {
    expect(protobufCallError(body)).toBe('Failed to parse body into Call protobuf');
  });

  it('skips unknown fields, groups and fields sent with the wrong wire type', () => {
    const body = Buffer.concat([
      bytes((w) => {
        w.uint32(tag(99, 0)).uint64(123);
        w.uint32(tag(98, 2)).bytes(Buffer.from('junk'));
        w.uint32(tag(97, 5)).fixed32(7);
        w.uint32(tag(96, 1)).fixed64(7);
        w.uint32(tag(2, 2)).bytes(Buffer.from([1])); // type sent length-delimited: unknown field
      }),
      Buffer.from([tag(15, 3), tag(1, 0), 0x01, tag(15, 4)]),
      teardown,
    ]);
    expect(decodeCall(body, MEDIA_TYPE_PROTOBUF)).toEqual({ framework_id: { value: 'fw-1' }, type: 'TEARDOWN' });
  });

  it('drops an unknown enum number, so validation then finds no type', () => {
    const body = bytes((w) => {
      w.uint32(tag(1, 2)).fork().uint32(tag(1, 2)).string('fw-1').ldelim();
      w.uint32(tag(2, 0)).int32(77);
    });
    expect(protobufCallError(body)).toBe("Failed to validate scheduler::Call: Expecting 'type' to be present");
    expect(decodeCall(body, MEDIA_TYPE_PROTOBUF, { validate: false })).toEqual({ framework_id: { value: 'fw-1' } });
  });

  it('merges a repeated occurrence of a singular message field and keeps the last scalar', () => {
    const body = bytes((w) => {
      w.uint32(tag(2, 0)).int32(1);
      w.uint32(tag(3, 2)).fork().uint32(tag(1, 2)).fork().uint32(tag(1, 2)).string('alice').ldelim().ldelim();
      w.uint32(tag(3, 2)).fork().uint32(tag(1, 2)).fork().uint32(tag(2, 2)).string('fw').ldelim().ldelim();
      w.uint32(tag(2, 0)).int32(1);
    });
    expect(decodeCall(body, MEDIA_TYPE_PROTOBUF).subscribe?.framework_info).toEqual({ user: 'alice', name: 'fw' });
  });

  it('accepts repeated scalars packed and unpacked', () => {
    const call = {
      type: 'ACCEPT' as const,
      framework_id: { value: 'f' },
      accept: {
        offer_ids: [{ value: 'o' }],
        operations: [
          {
            type: 'LAUNCH' as const,
            launch: {
              task_infos: [
                {
                  name: 't',
                  task_id: { value: 't' },
                  agent_id: { value: 'a' },
                  resources: [{ name: 'cpus', type: 'SCALAR' as const, scalar: { value: 0.5 } }],
                  health_check: { type: 'HTTP' as const, http: { port: 80, statuses: [200, 204] } },
                },
              ],
            },
          },
        ],
      },
    };
    const unpacked = encodeCall(call, MEDIA_TYPE_PROTOBUF);
    expect(decodeCall(unpacked, MEDIA_TYPE_PROTOBUF)).toEqual(call);
    // Re-pack `statuses` (HTTPCheckInfo field 4): 0x20 0xc8 0x01 0x20 0xcc 0x01 -> 0x22 0x04 0xc8 0x01 0xcc 0x01.
    const unpackedRun = Buffer.from([0x20, 0xc8, 0x01, 0x20, 0xcc, 0x01]);
    const at = unpacked.indexOf(unpackedRun);
    expect(at).toBeGreaterThan(0);
    const packed = Buffer.concat([unpacked.subarray(0, at), Buffer.from([0x22, 0x04, 0xc8, 0x01, 0xcc, 0x01]), unpacked.subarray(at + 6)]);
    // Same length, so the enclosing length prefixes stay valid.
    expect(packed.length).toBe(unpacked.length);
    expect(decodeCall(packed, MEDIA_TYPE_PROTOBUF)).toEqual(call);
  });

  it('decodes 64-bit integers and negative int32s', () => {
    const event: Event = {
      type: 'FAILURE',
      failure: { agent_id: { value: 'a' }, status: -9 },
    };
    const encoded = encodeEvent(event, MEDIA_TYPE_PROTOBUF);
    expect(decodeEvent(encoded, MEDIA_TYPE_PROTOBUF)).toEqual(event);
    const offerEvent: Event = {
      type: 'OFFERS',
      offers: {
        offers: [
          {
            id: { value: 'o' },
            framework_id: { value: 'f' },
            agent_id: { value: 'a' },
            hostname: 'h',
            resources: [{ name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 1, end: 2 ** 40 }] } }],
            unavailability: { start: { nanoseconds: -1_000_000_000 } },
          },
        ],
      },
    };
    expect(decodeEvent(encodeEvent(offerEvent, MEDIA_TYPE_PROTOBUF), MEDIA_TYPE_PROTOBUF)).toEqual(offerEvent);
  });

  it('labels Event failures with the Event message name', () => {
    expect(() => decodeEvent(Buffer.from([0xff]), MEDIA_TYPE_PROTOBUF)).toThrow('Failed to parse body into Event protobuf');
  });
});

describe('operator API (POST /api/v1)', () => {
  it('round-trips calls in both media types and validates them like the master', () => {
    for (const media of [MEDIA_TYPE_JSON, MEDIA_TYPE_PROTOBUF]) {
      expect(decodeOperatorCall(encodeOperatorCall({ type: 'GET_VERSION' }, media), media)).toEqual({ type: 'GET_VERSION' });
      const readFile = { type: 'READ_FILE' as const, read_file: { path: '/slave/log', offset: 0, length: 100 } };
      expect(decodeOperatorCall(encodeOperatorCall(readFile, media), media)).toEqual(readFile);
    }
    expect(encodeOperatorCall({ type: 'GET_AGENTS' }, MEDIA_TYPE_JSON).toString()).toBe('{"type":"GET_AGENTS"}');
    expect(() => decodeOperatorCall(Buffer.from('{"type":"READ_FILE"}'), MEDIA_TYPE_JSON)).toThrow(
      "Failed to validate master::Call: Expecting 'read_file' to be present",
    );
    expect(() => decodeOperatorCall(Buffer.from('{}'), MEDIA_TYPE_JSON)).toThrow(
      "Failed to validate master::Call: Expecting 'type' to be present",
    );
    expect(() => decodeOperatorCall(Buffer.from('[1]'), MEDIA_TYPE_JSON)).toThrow(
      'Failed to convert JSON into Call protobuf: Expecting a JSON object',
    );
  });

  it('round-trips GET_VERSION, GET_HEALTH, GET_AGENTS, GET_TASKS and GET_FRAMEWORKS responses', () => {
    const responses: OperatorResponse[] = [
      { type: 'GET_HEALTH', get_health: { healthy: true } },
      {
        type: 'GET_VERSION',
        get_version: { version_info: { version: '1.12.0', build_date: '2026-11-24 18:40:00', build_time: 1795545600, build_user: 'root' } },
      },
      {
        type: 'GET_AGENTS',
        get_agents: {
          agents: [
            {
              agent_info: {
                hostname: '127.0.0.1',
                port: 5051,
                id: { value: 'S0' },
                resources: [{ name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 19998, end: 19999 }] }, role: '*' }],
              },
              active: true,
              version: '1.12.0',
              pid: 'slave(1)@127.0.0.1:5051',
              registered_time: { nanoseconds: 1795548200123456789 },
              total_resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 2 }, role: '*' }],
              capabilities: [{ type: 'MULTI_ROLE' }],
            },
          ],
        },
      },
      {
        type: 'GET_TASKS',
        get_tasks: {
          tasks: [
            {
              name: 'alluxio-master',
              task_id: { value: 't1' },
              framework_id: { value: 'f' },
              agent_id: { value: 'S0' },
              state: 'TASK_RUNNING',
              statuses: [{ task_id: { value: 't1' }, state: 'TASK_RUNNING', timestamp: 1795548218.225312 }],
            },
          ],
        },
      },
      {
        type: 'GET_FRAMEWORKS',
        get_frameworks: {
          frameworks: [
            {
              framework_info: { user: 'root', name: 'alluxio', roles: ['*'], capabilities: [{ type: 'MULTI_ROLE' }] },
              active: true,
              connected: true,
              recovered: false,
            },
          ],
        },
      },
    ];
    for (const response of responses) {
      const viaProtobuf = decodeOperatorResponse(encodeOperatorResponse(response, MEDIA_TYPE_PROTOBUF), MEDIA_TYPE_PROTOBUF);
      expect(viaProtobuf).toEqual(response);
      const json = encodeOperatorResponse(response, MEDIA_TYPE_JSON);
      expect(encodeOperatorResponse(decodeOperatorResponse(json, MEDIA_TYPE_JSON), MEDIA_TYPE_JSON).equals(json)).toBe(true);
    }
    expect(encodeOperatorResponse(responses[1] as OperatorResponse, MEDIA_TYPE_JSON).toString()).toBe(
      '{"type":"GET_VERSION","get_version":{"version_info":{"version":"1.12.0","build_date":"2026-11-24 18:40:00",' +
        '"build_time":1795545600.0,"build_user":"root"}}}',
    );
    // int64 past 2^53: the double we hold, printed as the exact integer it is.
    const agents = encodeOperatorResponse(responses[2] as OperatorResponse, MEDIA_TYPE_JSON).toString();
    expect(agents).toContain(`"registered_time":{"nanoseconds":${BigInt(1795548200123456789).toString()}}`);
  });
});
