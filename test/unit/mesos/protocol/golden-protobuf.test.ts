import { describe, expect, it } from 'vitest';

import {
  MEDIA_TYPE_JSON,
  MEDIA_TYPE_PROTOBUF,
  decodeCall,
  decodeEvent,
  encodeCall,
  encodeEvent,
} from '../../../../src/emulator/mesos-codec/codec.js';
import { MessageNames, mesosSchema } from '../../../../src/mesos/protocol/descriptors.js';
import { loadTranscript, readTranscriptFile, splitRecordIO } from '../../../helpers/transcripts.js';
import { protocDecodings, simpleDtoa, toTextProto } from './textproto.js';

const PROTOBUF_STREAMS = ['80_scheduler_SUBSCRIBE_protobuf_stream', '96_scheduler_SUBSCRIBE_json_body_accept_protobuf_stream'];

describe('textproto helper', () => {
  it('prints doubles like protobuf SimpleDtoa', () => {
    expect(simpleDtoa(15)).toBe('15');
    expect(simpleDtoa(0.1)).toBe('0.1');
    expect(simpleDtoa(1795548218.198497)).toBe('1795548218.1984971');
    expect(simpleDtoa(1e-7)).toBe('1e-07');
    expect(simpleDtoa(1.5e300)).toBe('1.5e+300');
  });
});

describe('protobuf scheduler streams recorded from Mesos 1.12', () => {
  const eventType = () => mesosSchema().message(MessageNames.schedulerEvent);

  it.each(PROTOBUF_STREAMS)('%s: every record decodes to what protoc printed', (stem) => {
    const transcript = loadTranscript(stem);
    expect(transcript.response.headers.get('content-type')).toBe('application/x-protobuf');
    const records = splitRecordIO(transcript.response.body);
    const expected = protocDecodings(transcript.text);
    expect(records.length).toBeGreaterThanOrEqual(3);
    expect(expected).toHaveLength(records.length);
    records.forEach((record, index) => {
      expect(toTextProto(eventType(), decodeEvent(record, MEDIA_TYPE_PROTOBUF))).toBe(expected[index]);
    });
  });

  it.each(PROTOBUF_STREAMS)('%s: every record re-encodes to the recorded bytes', (stem) => {
    for (const record of splitRecordIO(loadTranscript(stem).response.body)) {
      const event = decodeEvent(record, MEDIA_TYPE_PROTOBUF);
      expect(encodeEvent(event, MEDIA_TYPE_PROTOBUF).equals(record)).toBe(true);
    }
  });

  it('sees each HTTP chunk carry exactly one RecordIO record, but does not depend on it', () => {
    const { response } = loadTranscript('80_scheduler_SUBSCRIBE_protobuf_stream');
    expect(response.chunks?.map((chunk) => splitRecordIO(chunk).length)).toEqual([1, 1, 1, 1]);
    expect(response.terminated).toBe(true);
  });

  it('a protobuf HEARTBEAT is the two bytes 08 08 and the JSON one is {"type":"HEARTBEAT"}', () => {
    expect([...encodeEvent({ type: 'HEARTBEAT' }, MEDIA_TYPE_PROTOBUF)]).toEqual([0x08, 0x08]);
    expect(encodeEvent({ type: 'HEARTBEAT' }, MEDIA_TYPE_JSON).toString()).toBe('{"type":"HEARTBEAT"}');
  });

  it('the protobuf OFFERS event writes the same JSON Mesos writes for the equivalent JSON stream', () => {
    const records = splitRecordIO(loadTranscript('80_scheduler_SUBSCRIBE_protobuf_stream').response.body);
    const subscribed = decodeEvent(records[0] as Buffer, MEDIA_TYPE_PROTOBUF);
    const json = encodeEvent(subscribed, MEDIA_TYPE_JSON).toString();
    expect(json).toBe(
      '{"type":"SUBSCRIBED","subscribed":{"framework_id":{"value":"b8564f73-9862-4214-8536-043f0ff29368-0001"},' +
        '"heartbeat_interval_seconds":15.0,"master_info":{"id":"b8564f73-9862-4214-8536-043f0ff29368","ip":16777343,' +
        '"port":5050,"pid":"master@127.0.0.1:5050","hostname":"127.0.0.1","version":"1.12.0","address":{"hostname":"127.0.0.1",' +
        '"ip":"127.0.0.1","port":5050},"capabilities":[{"type":"AGENT_UPDATE"},{"type":"AGENT_DRAINING"},{"type":"QUOTA_V2"}]}}}',
    );
  });
});

describe('protobuf scheduler calls recorded against Mesos 1.12', () => {
  const callType = () => mesosSchema().message(MessageNames.schedulerCall);

  it('decodes the binary SUBSCRIBE body to the recorded textproto and re-encodes it byte for byte', () => {
    const { request } = loadTranscript('80_scheduler_SUBSCRIBE_protobuf_stream');
    expect(request.headers.get('content-type')).toBe('application/x-protobuf');
    const call = decodeCall(request.body, MEDIA_TYPE_PROTOBUF);
    // The .textproto was written by hand in declaration order; protoc prints field-number order.
    const lines = (text: string): string[] =>
      text
        .split('\n')
        .filter((line) => line !== '')
        .sort();
    expect(lines(toTextProto(callType(), call))).toEqual(
      lines(readTranscriptFile('80_scheduler_SUBSCRIBE_protobuf.request_body.textproto').toString('utf8')),
    );
    expect(call.subscribe?.framework_info.failover_timeout).toBe(60);
    expect(encodeCall(call, MEDIA_TYPE_PROTOBUF).equals(request.body)).toBe(true);
  });

  it('decodes the binary TEARDOWN body and re-encodes it byte for byte', () => {
    const { request } = loadTranscript('81_scheduler_TEARDOWN_protobuf');
    const call = decodeCall(request.body, MEDIA_TYPE_PROTOBUF);
    expect(call).toEqual({ framework_id: { value: 'b8564f73-9862-4214-8536-043f0ff29368-0001' }, type: 'TEARDOWN' });
    expect(encodeCall(call, MEDIA_TYPE_PROTOBUF).equals(request.body)).toBe(true);
  });

  it('decodes the JSON body that asked for protobuf events', () => {
    const { request, response } = loadTranscript('96_scheduler_SUBSCRIBE_json_body_accept_protobuf_stream');
    expect(request.headers.get('accept')).toBe('application/x-protobuf');
    const call = decodeCall(request.body, MEDIA_TYPE_JSON);
    expect(call.subscribe?.framework_info).toEqual({ user: 'root', name: 'alluxio-mesos-probe-mixed', role: '*' });
    const subscribed = decodeEvent(splitRecordIO(response.body)[0] as Buffer, MEDIA_TYPE_PROTOBUF);
    expect(subscribed.subscribed?.framework_id.value).toBe('b8564f73-9862-4214-8536-043f0ff29368-0005');
  });
});
