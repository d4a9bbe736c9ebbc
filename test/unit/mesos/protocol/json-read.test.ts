/** The client's JSON reader (platform JSON.parse) against the emulator's exact port of Mesos' reader. */
import { describe, expect, it } from 'vitest';

import { decodeEvent as decodeEventExactly } from '../../../../src/emulator/mesos-codec/codec.js';
import { MEDIA_TYPE_JSON, ProtocolDecodeError, decodeEvent } from '../../../../src/mesos/protocol/codec.js';
import { loadTranscript, splitRecordIO } from '../../../helpers/transcripts.js';

const STREAMS = [
  '10_scheduler_SUBSCRIBE_json_stream',
  '90_scheduler_SUBSCRIBE_json_multirole_stream',
  '92_scheduler_reSUBSCRIBE_failover_stream',
];

describe('client JSON reader', () => {
  it.each(STREAMS)('%s: every recorded event reads as Mesos itself reads it', (stem) => {
    const records = splitRecordIO(loadTranscript(stem).response.body);
    expect(records.length).toBeGreaterThan(1);
    for (const record of records) expect(decodeEvent(record, MEDIA_TYPE_JSON)).toEqual(decodeEventExactly(record, MEDIA_TYPE_JSON));
  });

  it('leaves an unknown event type unset and canonicalises base64', () => {
    const body = Buffer.from('{"type":"NEW_KIND","message":{"agent_id":{"value":"a"},"executor_id":{"value":"e"},"data":"aGk"}}');
    expect(decodeEvent(body, MEDIA_TYPE_JSON)).toEqual({
      message: { agent_id: { value: 'a' }, executor_id: { value: 'e' }, data: 'aGk=' },
    });
  });

  it('rejects what is not JSON or lacks a required field, as ProtocolDecodeError', () => {
    expect(() => decodeEvent(Buffer.from('{"type":'), MEDIA_TYPE_JSON)).toThrow(ProtocolDecodeError);
    expect(() => decodeEvent(Buffer.from('{"type":"SUBSCRIBED","subscribed":{}}'), MEDIA_TYPE_JSON)).toThrow(
      'Failed to convert JSON into Event protobuf: Missing required fields: subscribed.framework_id',
    );
  });
});
