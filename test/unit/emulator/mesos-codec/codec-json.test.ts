import { describe, expect, it } from 'vitest';

import {
  MEDIA_TYPE_JSON,
  MEDIA_TYPE_PROTOBUF,
  ProtocolDecodeError,
  ProtocolEncodeError,
  decodeCall,
  decodeEvent,
  encodeCall,
  encodeEvent,
} from '../../../../src/emulator/mesos-codec/codec.js';
import type { Call, Event } from '../../../../src/mesos/protocol/types.js';

const json = (text: string): Buffer => Buffer.from(text, 'utf8');

/** The message decodeCall throws for a JSON body (validation off unless asked). */
function callError(body: string, validate = false): string {
  try {
    decodeCall(json(body), MEDIA_TYPE_JSON, { validate });
  } catch (error) {
    expect(error).toBeInstanceOf(ProtocolDecodeError);
    return (error as Error).message;
  }
  throw new Error(`expected ${body} to be rejected`);
}

const SUBSCRIBE_PREFIX = '{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"u","name":"n"';

describe('JSON syntax errors, worded like picojson/stout', () => {
  it.each([
    ['empty body', '', 'syntax error at line 1 near: '],
    ['whitespace only', ' \n ', 'syntax error at line 2 near: '],
    ['truncated object', '{"type": "ACCEPT", "framework_id": {"value": ', 'syntax error at line 1 near: '],
    ['missing colon', '{"a" 1}', 'syntax error at line 1 near: 1}'],
    ['bare word on line 3', '{\n"type":\n  x}\n{"more"}', 'syntax error at line 3 near: x}'],
    ['single quotes', "{'type':1}", "syntax error at line 1 near: 'type':1}"],
    ['control character in a string', '{"a":"x\u0001y"}', 'syntax error at line 1 near: y"}'],
    ['bad escape', '{"a":"\\q"}', 'syntax error at line 1 near: "}'],
    ['lone low surrogate', '{"a":"\\udc00"}', 'syntax error at line 1 near: "}'],
    ['number with two signs', '{"a":1-2}', 'syntax error at line 1 near: }'],
    ['unterminated array', '[1,2', 'syntax error at line 1 near: '],
    ['trailing garbage', '{} x', 'Parsed JSON included non-whitespace trailing characters:  x'],
    ['second document', '{}{}', 'Parsed JSON included non-whitespace trailing characters: {}'],
    ['infinite number', '{"a":1e999}', 'Value out of range'],
  ])('%s', (_name, body, expected) => {
    expect(callError(body)).toBe(`Failed to parse body into JSON: ${expected}`);
  });

  it('limits nesting to 200 levels', () => {
    expect(callError(`${'['.repeat(200)}${']'.repeat(200)}`)).toBe('Failed to convert JSON into Call protobuf: Expecting a JSON object');
    expect(callError(`${'['.repeat(201)}${']'.repeat(201)}`)).toMatch(/^Failed to parse body into JSON: syntax error at line 1 near: \]+$/);
  });

  it('accepts what picojson accepts beyond strict JSON: leading zeros, "1.", "-.5"', () => {
    const call = decodeCall(json(`${SUBSCRIBE_PREFIX},"failover_timeout":01.}}}`), MEDIA_TYPE_JSON);
    expect(call.subscribe?.framework_info.failover_timeout).toBe(1);
    const negative = decodeCall(json(`${SUBSCRIBE_PREFIX},"failover_timeout":-.5}}}`), MEDIA_TYPE_JSON);
    expect(negative.subscribe?.framework_info.failover_timeout).toBe(-0.5);
  });

  it('keeps the last of duplicate keys', () => {
    const call = decodeCall(json(`${SUBSCRIBE_PREFIX},"name":"second"}}}`), MEDIA_TYPE_JSON);
    expect(call.subscribe?.framework_info.name).toBe('second');
  });

  it('decodes escapes and surrogate pairs to UTF-8', () => {
    const call = decodeCall(json(`${SUBSCRIBE_PREFIX},"hostname":"a\\"b\\\\c\\/d\\n\\u00e9\\ud83d\\ude00"}}}`), MEDIA_TYPE_JSON);
    expect(call.subscribe?.framework_info.hostname).toBe('a"b\\c/d\né😀');
  });
});

describe('JSON to Call conversion, worded like stout', () => {
  const convert = (detail: string) => `Failed to convert JSON into Call protobuf: ${detail}`;

  it.each([
    ['a JSON array', '[]', 'Expecting a JSON object'],
    ['a JSON string', '"SUBSCRIBE"', 'Expecting a JSON object'],
    ['an object for an enum', '{"type":{}}', "Not expecting a JSON object for field 'type'"],
    ['a number for an enum', '{"type":1}', "Not expecting a JSON number for field 'type'"],
    ['a boolean for an enum', '{"type":true}', "Not expecting a JSON boolean for field 'type'"],
    ['an array for a singular field', '{"framework_id":[]}', "Not expecting a JSON array for field 'framework_id'"],
    ['a string for a message', '{"framework_id":"abc"}', "Not expecting a JSON string for field 'framework_id'"],
    [
      'a word for a double',
      `${SUBSCRIBE_PREFIX},"failover_timeout":"abc"}}}`,
      "Failed to parse 'abc' as a JSON number for field 'failover_timeout': syntax error at line 1 near: abc",
    ],
    [
      'a non-number JSON value for a double',
      `${SUBSCRIBE_PREFIX},"failover_timeout":"true"}}}`,
      "Failed to parse 'true' as a JSON number for field 'failover_timeout': Unexpected JSON type parsed",
    ],
    [
      'a word for a bool',
      `${SUBSCRIBE_PREFIX},"checkpoint":"yes"}}}`,
      "Failed to parse 'yes' as a JSON boolean for field 'checkpoint': syntax error at line 1 near: yes",
    ],
    [
      'bad base64',
      '{"type":"ACKNOWLEDGE","acknowledge":{"agent_id":{"value":"a"},"task_id":{"value":"t"},"uuid":"ab!c"}}',
      "Failed to base64 decode bytes field 'uuid': Invalid character '!'",
    ],
    [
      'an unknown name for a required enum',
      '{"type":"ACCEPT","accept":{"operations":[{"type":"LAUNCH","launch":{"task_infos":[{"name":"t","task_id":{"value":"t"},"agent_id":{"value":"a"},"resources":[{"name":"cpus","type":"FLOAT"}]}]}}]}}',
      "Failed to find enum for 'FLOAT'",
    ],
    [
      'missing required fields',
      '{"type":"SUBSCRIBE","subscribe":{"framework_info":{}}}',
      'Missing required fields: subscribe.framework_info.user, subscribe.framework_info.name',
    ],
  ])('%s', (_name, body, detail) => {
    expect(callError(body)).toBe(convert(detail));
  });

  it('reports the first error in byte order of the keys, as std::map iteration does', () => {
    expect(callError('{"type":1,"framework_id":"x"}')).toBe(convert("Not expecting a JSON string for field 'framework_id'"));
    expect(callError('{"subscribe":{"framework_info":{"user":1,"checkpoint":1}},"accept":{"filters":[]}}')).toBe(
      convert("Not expecting a JSON array for field 'filters'"),
    );
  });

  it('lists missing required fields in protobuf order, with indexes', () => {
    const body =
      '{"type":"ACCEPT","framework_id":{},"accept":{"offer_ids":[{"value":"o"},{}],' +
      '"operations":[{"type":"LAUNCH","launch":{"task_infos":[{"name":"t","resources":[{"name":"cpus"}]}]}}]}}';
    expect(callError(body)).toBe(
      convert(
        'Missing required fields: framework_id.value, accept.offer_ids[1].value, ' +
          'accept.operations[0].launch.task_infos[0].task_id, accept.operations[0].launch.task_infos[0].agent_id, ' +
          'accept.operations[0].launch.task_infos[0].resources[0].type',
      ),
    );
  });

  it('drops unknown enum names of optional fields, leaving the call without a type', () => {
    expect(callError('{"framework_id":{"value":"f"},"type":"FROBNICATE"}', true)).toBe(
      "Failed to validate scheduler::Call: Expecting 'type' to be present",
    );
    const call = decodeCall(json(`${SUBSCRIBE_PREFIX},"capabilities":[{"type":"TELEPORT"},{"type":"MULTI_ROLE"}]}}}`), MEDIA_TYPE_JSON);
    expect(call.subscribe?.framework_info.capabilities).toEqual([{}, { type: 'MULTI_ROLE' }]);
  });

  it('is lenient the way stout is', () => {
    const call = decodeCall(
      json(
        '{"type":"ACCEPT","framework_id":{"value":"f"},"unknown_key":{"x":1},"decline":null,"accept":{' +
          '"offer_ids":{"value":"o1"},"operations":[[{"type":"LAUNCH"}],{"type":"RESERVE"}],' +
          '"filters":{"refuse_seconds":"2.5"}}}',
      ),
      MEDIA_TYPE_JSON,
    );
    expect(call).toEqual({
      type: 'ACCEPT',
      framework_id: { value: 'f' },
      accept: { offer_ids: [{ value: 'o1' }], operations: [{ type: 'LAUNCH' }, { type: 'RESERVE' }], filters: { refuse_seconds: 2.5 } },
    });
  });

  it('keeps a map key named __proto__ as an ordinary entry', () => {
    const body = `${SUBSCRIBE_PREFIX},"offer_filters":{"__proto__":{"min_allocatable_resources":{}}}}}}`;
    const call = decodeCall(json(body), MEDIA_TYPE_JSON);
    const filters = call.subscribe?.framework_info.offer_filters as Record<string, unknown>;
    expect(Object.keys(filters)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(filters)).toBe(Object.prototype);
    const again = decodeCall(encodeCall(call, MEDIA_TYPE_PROTOBUF), MEDIA_TYPE_PROTOBUF);
    expect(Object.keys(again.subscribe?.framework_info.offer_filters ?? {})).toEqual(['__proto__']);
    expect(encodeCall(call, MEDIA_TYPE_JSON).toString()).toContain('"offer_filters":{"__proto__":{"min_allocatable_resources":{}}}');
  });

  it('accepts numbers and booleans written as strings, and Infinity for doubles', () => {
    const call = decodeCall(json(`${SUBSCRIBE_PREFIX},"checkpoint":"true","failover_timeout":"Infinity"}}}`), MEDIA_TYPE_JSON);
    expect(call.subscribe?.framework_info.checkpoint).toBe(true);
    expect(call.subscribe?.framework_info.failover_timeout).toBe(Infinity);
    expect(encodeCall(call, MEDIA_TYPE_JSON).toString()).toContain('"failover_timeout":"Infinity"');
  });

  it('normalises base64 the way decoding then re-encoding the bytes does', () => {
    const body =
      '{"type":"ACKNOWLEDGE","framework_id":{"value":"f"},"acknowledge":{"agent_id":{"value":"a"},"task_id":{"value":"t"},' +
      '"uuid":"Ya5zOWGp RPm5zjMI\\nvwQgig"}}';
    expect(decodeCall(json(body), MEDIA_TYPE_JSON).acknowledge?.uuid).toBe('Ya5zOWGpRPm5zjMIvwQgig==');
  });

  it('narrows integers like a C++ static_cast', () => {
    const event = decodeEvent(json('{"type":"FAILURE","failure":{"status":4294967297,"agent_id":{"value":"a"}}}'), MEDIA_TYPE_JSON);
    expect(event.failure?.status).toBe(1);
    const truncated = decodeEvent(json('{"type":"FAILURE","failure":{"status":-2.9}}'), MEDIA_TYPE_JSON);
    expect(truncated.failure?.status).toBe(-2);
  });

  it('labels Event conversion errors with the Event message name', () => {
    expect(() => decodeEvent(json('{"type":"ERROR","error":{}}'), MEDIA_TYPE_JSON)).toThrow(
      'Failed to convert JSON into Event protobuf: Missing required fields: error.message',
    );
  });
});

/**
 * Bodies where a naive JSON.parse-based decoder would differ from Mesos; the fast path must notice
 * and defer to the exact parser.
 */
describe('cases the JSON.parse fast path must not take', () => {
  const subscribed = (seconds: string): number | undefined =>
    decodeEvent(
      json(`{"type":"SUBSCRIBED","subscribed":{"framework_id":{"value":"f"},"heartbeat_interval_seconds":${seconds}}}`),
      MEDIA_TYPE_JSON,
    ).subscribed?.heartbeat_interval_seconds;

  it('the integer literal -0 is zero, the floating-point -0.0 is negative zero', () => {
    expect(Object.is(subscribed('-0'), 0)).toBe(true);
    expect(Object.is(subscribed('-0.0'), -0)).toBe(true);
  });

  it('integer literals outside int32 wrap, floating-point ones saturate', () => {
    const status = (literal: string): number | undefined =>
      decodeEvent(json(`{"type":"FAILURE","failure":{"status":${literal}}}`), MEDIA_TYPE_JSON).failure?.status;
    expect(status('4294967297')).toBe(1);
    expect(status('-2147483649')).toBe(2147483647);
    expect(status('4294967297.0')).toBe(-2147483648);
  });

  it('uint32 from a big integer literal keeps its low bits exactly', () => {
    const pid = decodeEvent(
      json(
        '{"type":"UPDATE","update":{"status":{"task_id":{"value":"t"},"state":"TASK_RUNNING","container_status":{"executor_pid":9007199254740993}}}}',
      ),
      MEDIA_TYPE_JSON,
    ).update?.status.container_status?.executor_pid;
    expect(pid).toBe(1);
  });

  it('a oneof set twice keeps the member whose key sorts last', () => {
    const call = decodeCall(
      json(
        '{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"u","name":"n"},"offer_constraints":{"role_constraints":{"*":' +
          '{"groups":[{"attribute_constraints":[{"selector":{"pseudoattribute_type":"ZONE","attribute_name":"rack"},' +
          '"predicate":{"exists":{}}}]}]}}}}}',
      ),
      MEDIA_TYPE_JSON,
    ) as unknown as {
      subscribe: {
        offer_constraints: { role_constraints: Record<string, { groups: Array<{ attribute_constraints: Array<{ selector: unknown }> }> }> };
      };
    };
    const selector = call.subscribe.offer_constraints.role_constraints['*']?.groups[0]?.attribute_constraints[0]?.selector;
    expect(selector).toEqual({ pseudoattribute_type: 'ZONE' });
  });

  it('values under unknown keys must still parse: nesting, overflow, lone surrogates', () => {
    const deep = `{"type":"TEARDOWN","x":${'['.repeat(200)}${']'.repeat(200)}}`;
    expect(callError(deep)).toMatch(/^Failed to parse body into JSON: syntax error at line 1 near: \]+\}$/);
    expect(callError('{"type":"TEARDOWN","x":[1e400]}')).toBe('Failed to parse body into JSON: Value out of range');
    expect(callError('{"type":"TEARDOWN","x":"\\ud800"}')).toBe('Failed to parse body into JSON: syntax error at line 1 near: "}');
    expect(
      decodeCall(json(`{"type":"TEARDOWN","framework_id":{"value":"f"},"x":${'['.repeat(199)}${']'.repeat(199)}}`), MEDIA_TYPE_JSON),
    ).toEqual({
      type: 'TEARDOWN',
      framework_id: { value: 'f' },
    });
  });
});

describe('Mesos JSON output', () => {
  const text = (event: Event): string => encodeEvent(event, MEDIA_TYPE_JSON).toString('utf8');
  const callText = (call: Call): string => encodeCall(call, MEDIA_TYPE_JSON).toString('utf8');

  it('writes unset fields that declare a default, except deprecated ones', () => {
    expect(callText({ type: 'SUBSCRIBE', subscribe: { framework_info: { user: 'u', name: 'n' } } })).toBe(
      '{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"u","name":"n","failover_timeout":0.0,"checkpoint":false}}}',
    );
    expect(callText({ type: 'DECLINE', decline: { offer_ids: [{ value: 'o' }], filters: {} } })).toBe(
      '{"type":"DECLINE","decline":{"offer_ids":[{"value":"o"}],"filters":{"refuse_seconds":5.0}}}',
    );
  });

  it('writes health-check and command defaults', () => {
    const call: Call = {
      type: 'ACCEPT',
      accept: {
        offer_ids: [],
        operations: [
          {
            type: 'LAUNCH',
            launch: {
              task_infos: [
                {
                  name: 't',
                  task_id: { value: 't' },
                  agent_id: { value: 'a' },
                  resources: [],
                  command: { value: 'true', uris: [{ value: 'http://x/y.tgz' }] },
                  health_check: { type: 'TCP', tcp: { port: 19999 } },
                },
              ],
            },
          },
        ],
      },
    };
    expect(callText(call)).toBe(
      '{"type":"ACCEPT","accept":{"operations":[{"type":"LAUNCH","launch":{"task_infos":[{"name":"t","task_id":{"value":"t"},' +
        '"agent_id":{"value":"a"},"command":{"uris":[{"value":"http://x/y.tgz","extract":true}],"shell":true,"value":"true"},' +
        '"health_check":{"delay_seconds":15.0,"interval_seconds":10.0,"timeout_seconds":20.0,"consecutive_failures":3,' +
        '"grace_period_seconds":10.0,"type":"TCP","tcp":{"protocol":"IPv4","port":19999}}}]}}]}}',
    );
  });

  it('escapes strings like rapidjson', () => {
    const event: Event = { type: 'ERROR', error: { message: 'a"b\\c/d\n\t\b\f\r\u0001\u001f\u007f é😀' } };
    expect(text(event)).toBe('{"type":"ERROR","error":{"message":"a\\"b\\\\c/d\\n\\t\\b\\f\\r\\u0001\\u001F\u007f é😀"}}');
  });

  it('formats doubles like rapidjson 1.1 (Grisu2)', () => {
    const heartbeat = (value: number): string => {
      const out = text({ type: 'SUBSCRIBED', subscribed: { framework_id: { value: 'f' }, heartbeat_interval_seconds: value } });
      return out.slice(out.indexOf('"heartbeat_interval_seconds":') + 29, -2);
    };
    expect(heartbeat(15)).toBe('15.0');
    expect(heartbeat(0.1)).toBe('0.1');
    expect(heartbeat(1795548218.198497)).toBe('1795548218.198497');
    expect(heartbeat(1795548249.5472744)).toBe('1795548249.5472744');
    expect(heartbeat(-0)).toBe('-0.0');
    expect(heartbeat(0.000001)).toBe('0.000001');
    expect(heartbeat(1e-7)).toBe('1e-7');
    expect(heartbeat(1e21)).toBe('1e21');
    expect(heartbeat(123456789012345680000)).toBe('123456789012345680000.0');
    expect(heartbeat(1.5e300)).toBe('1.5e300');
    expect(heartbeat(5e-324)).toBe('5e-324');
    expect(heartbeat(1.7976931348623157e308)).toBe('1.7976931348623157e308');
    expect(heartbeat(Infinity)).toBe('"Infinity"');
    expect(heartbeat(-Infinity)).toBe('"-Infinity"');
    expect(heartbeat(Number.NaN)).toBe('NaN');
    // Where rapidjson 1.1's Grisu2 does not give the shortest (or closest) digits, neither do we.
    expect(heartbeat(1.23e22)).toBe('1.2300000000000002e22');
    expect(heartbeat(2.0677426651594321e43)).toBe('2.0677426651594322e43');
  });

  it('refuses values that do not fit the schema', () => {
    expect(() => encodeEvent({ type: 'TELEPORT' as Event['type'] }, MEDIA_TYPE_JSON)).toThrow(ProtocolEncodeError);
    expect(() => encodeEvent({ type: 'TELEPORT' as Event['type'] }, MEDIA_TYPE_PROTOBUF)).toThrow(ProtocolEncodeError);
    const bad = { type: 'ERROR', error: { message: 42 } } as unknown as Event;
    expect(() => encodeEvent(bad, MEDIA_TYPE_JSON)).toThrow(/mesos\.v1\.scheduler\.Event\.Error\.message: expected a string/);
  });
});
