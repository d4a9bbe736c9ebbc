import { describe, expect, it } from 'vitest';

import {
  MEDIA_TYPE_JSON,
  MEDIA_TYPE_PROTOBUF,
  ProtocolDecodeError,
  decodeCall,
  decodeEvent,
  encodeCall,
  encodeEvent,
} from '../../../../src/emulator/mesos-codec/codec.js';
import { listTranscripts, loadTranscript, splitRecordIO } from '../../../helpers/transcripts.js';

const JSON_STREAMS = [
  '10_scheduler_SUBSCRIBE_json_stream',
  '10_scheduler_SUBSCRIBE_json_stream_first20s',
  '90_scheduler_SUBSCRIBE_json_multirole_stream',
  '92_scheduler_reSUBSCRIBE_failover_stream',
  '95_scheduler_SUBSCRIBE_no_accept_header_stream',
];

describe('JSON scheduler streams recorded from Mesos 1.12', () => {
  it.each(JSON_STREAMS)('%s: every event re-encodes to the recorded bytes', (stem) => {
    const { response } = loadTranscript(stem);
    expect(response.headers.get('content-type')).toBe('application/json');
    const records = splitRecordIO(response.body);
    expect(records.length).toBeGreaterThan(1);
    for (const record of records) {
      const event = decodeEvent(record, MEDIA_TYPE_JSON);
      expect(encodeEvent(event, MEDIA_TYPE_JSON).toString('utf8')).toBe(record.toString('utf8'));
    }
  });

  it.each(JSON_STREAMS)('%s: every event survives a protobuf round trip', (stem) => {
    for (const record of splitRecordIO(loadTranscript(stem).response.body)) {
      const event = decodeEvent(record, MEDIA_TYPE_JSON);
      const viaProtobuf = decodeEvent(encodeEvent(event, MEDIA_TYPE_PROTOBUF), MEDIA_TYPE_PROTOBUF);
      expect(viaProtobuf).toEqual(event);
    }
  });

  it('decodes the typed content of the first session', () => {
    const records = splitRecordIO(loadTranscript('10_scheduler_SUBSCRIBE_json_stream').response.body);
    const events = records.map((record) => decodeEvent(record, MEDIA_TYPE_JSON));
    expect(events.map((event) => event.type).slice(0, 3)).toEqual(['SUBSCRIBED', 'HEARTBEAT', 'OFFERS']);
    expect(events[0]?.subscribed?.heartbeat_interval_seconds).toBe(15);
    expect(events[0]?.subscribed?.master_info?.port).toBe(5050);
    const offer = events[2]?.offers?.offers[0];
    expect(offer?.resources.find((resource) => resource.name === 'ports')?.ranges?.range).toEqual([
      { begin: 19998, end: 19999 },
      { begin: 29998, end: 30000 },
    ]);
    const starting = events.find((event) => event.update?.status.state === 'TASK_STARTING');
    expect(starting?.update?.status.uuid).toBe('Ya5zOWGpRPm5zjMIvwQgig==');
    expect(starting?.update?.status.timestamp).toBe(1795548218.198497);
  });
});

/** Every successful (2xx) JSON call the recorder sent to the scheduler endpoint. */
function recordedJsonCalls(): string[] {
  return listTranscripts(/scheduler/).filter((stem) => {
    const { request, response } = loadTranscript(stem);
    return (
      request.method === 'POST' &&
      request.headers.get('content-type') === 'application/json' &&
      response.status >= 200 &&
      response.status < 300
    );
  });
}

describe('JSON scheduler calls recorded against Mesos 1.12', () => {
  const stems = recordedJsonCalls();

  it('finds the recorded calls', () => {
    expect(stems.length).toBeGreaterThanOrEqual(15);
  });

  it.each(stems)('%s: decodes, validates and round-trips through both media types', (stem) => {
    const { request } = loadTranscript(stem);
    const call = decodeCall(request.body, MEDIA_TYPE_JSON);
    // The recorder's JSON uses spaces and its own key order, so compare meaning, not bytes.
    expect(call).toEqual(withoutEmptyArrays(JSON.parse(request.body.toString('utf8')) as unknown));
    expect(decodeCall(encodeCall(call, MEDIA_TYPE_PROTOBUF), MEDIA_TYPE_PROTOBUF)).toEqual(call);
    // JSON output adds the unset fields that have a declared default (as Mesos does), so it is a
    // fixed point after one round rather than the identity.
    const json = encodeCall(call, MEDIA_TYPE_JSON);
    expect(encodeCall(decodeCall(json, MEDIA_TYPE_JSON), MEDIA_TYPE_JSON).equals(json)).toBe(true);
  });

  it('writes a recorded ACCEPT the way Mesos would (declaration order, doubles with a point)', () => {
    const call = decodeCall(loadTranscript('30_scheduler_ACCEPT_LAUNCH').request.body, MEDIA_TYPE_JSON);
    const text = encodeCall(call, MEDIA_TYPE_JSON).toString('utf8');
    expect(text.startsWith('{"framework_id":{"value":"b8564f73-9862-4214-8536-043f0ff29368-0000"},"type":"ACCEPT"')).toBe(true);
    expect(text).toContain('"scalar":{"value":32.0}');
    expect(text).toContain('"command":{"shell":true,"value":"echo hello;');
    expect(text.endsWith('"filters":{"refuse_seconds":1.0}}}')).toBe(true);
  });
});

/** A parsed request body as the codec represents it: an empty JSON array sets no repeated element. */
function withoutEmptyArrays(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutEmptyArrays);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (Array.isArray(field) && field.length === 0) continue;
    out[key] = withoutEmptyArrays(field);
  }
  return out;
}

/** The 400 answers Mesos gave to bad bodies, replayed through decodeCall. */
describe('rejected scheduler calls reproduce Mesos 1.12 error texts', () => {
  const stems = listTranscripts(/error/).filter((stem) => {
    const { request, response } = loadTranscript(stem);
    const body = response.body.toString('utf8');
    return (
      request.path === '/api/v1/scheduler' &&
      response.status === 400 &&
      /^Failed to (parse body|convert JSON|validate scheduler::Call)/.test(body)
    );
  });

  it('covers the recorded parse, conversion and validation failures', () => {
    expect(stems).toEqual(
      expect.arrayContaining([
        '20_error_malformed_json',
        '20_error_missing_framework_id',
        '20_error_unknown_call_type',
        '21_error_SUBSCRIBE_missing_user',
        '21_error_empty_body',
        '21_error_json_array_body',
        '21_error_json_wrong_field_type',
        '21_error_protobuf_garbage_body',
        '92_error_reSUBSCRIBE_without_top_level_framework_id',
      ]),
    );
  });

  it.each(stems)('%s', (stem) => {
    const { request, response } = loadTranscript(stem);
    const media = request.headers.get('content-type') === 'application/x-protobuf' ? MEDIA_TYPE_PROTOBUF : MEDIA_TYPE_JSON;
    let caught: unknown;
    try {
      decodeCall(request.body, media);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ProtocolDecodeError);
    expect((caught as ProtocolDecodeError).message).toBe(response.body.toString('utf8'));
  });
});
