import { describe, expect, it } from 'vitest';

import {
  MEDIA_TYPE_JSON,
  ProtocolDecodeError,
  decodeCall,
  validateOperatorCall,
  validateSchedulerCall,
} from '../../../../src/emulator/mesos-codec/codec.js';
import type { Call, CallType } from '../../../../src/mesos/protocol/types.js';

const FRAMEWORK = { value: 'fw-0000' };
/** A version-4 UUID, base64 (the form a status update carries). */
const UUID_V4 = Buffer.from('6f1c7c0e9a2b4c3d8e5f0a1b2c3d4e5f', 'hex').toString('base64');

describe('validateSchedulerCall (src/master/validation.cpp)', () => {
  it('requires a type', () => {
    expect(validateSchedulerCall({ framework_id: FRAMEWORK } as unknown as Call)).toBe("Expecting 'type' to be present");
  });

  it('checks SUBSCRIBE before the framework id rule', () => {
    expect(validateSchedulerCall({ type: 'SUBSCRIBE' })).toBe("Expecting 'subscribe' to be present");
    expect(validateSchedulerCall({ type: 'SUBSCRIBE', subscribe: { framework_info: { user: 'u', name: 'n' } } })).toBeUndefined();
    expect(validateSchedulerCall({ type: 'SUBSCRIBE', subscribe: { framework_info: { user: 'u', name: 'n', id: FRAMEWORK } } })).toBe(
      "'framework_id' differs from 'subscribe.framework_info.id'",
    );
    expect(
      validateSchedulerCall({ type: 'SUBSCRIBE', framework_id: FRAMEWORK, subscribe: { framework_info: { user: 'u', name: 'n' } } }),
    ).toBe("'framework_id' differs from 'subscribe.framework_info.id'");
    expect(
      validateSchedulerCall({
        type: 'SUBSCRIBE',
        framework_id: FRAMEWORK,
        subscribe: { framework_info: { user: 'u', name: 'n', id: { value: 'fw-0000' } } },
      }),
    ).toBeUndefined();
  });

  it('compares the authenticated principal with FrameworkInfo.principal', () => {
    const call: Call = { type: 'SUBSCRIBE', subscribe: { framework_info: { user: 'u', name: 'n', principal: 'alluxio' } } };
    expect(validateSchedulerCall(call, 'alluxio')).toBeUndefined();
    expect(validateSchedulerCall(call, 'mallory')).toBe(
      "Authenticated principal 'mallory' does not match principal 'alluxio' set in `FrameworkInfo`",
    );
  });

  it('requires a framework id on every other call', () => {
    expect(validateSchedulerCall({ type: 'TEARDOWN' })).toBe("Expecting 'framework_id' to be present");
    expect(validateSchedulerCall({ type: 'RECONCILE', reconcile: {} })).toBe("Expecting 'framework_id' to be present");
  });

  it.each<[CallType | 'ACCEPT_INVERSE_OFFERS' | 'RECONCILE_OPERATIONS', string]>([
    ['ACCEPT', 'accept'],
    ['DECLINE', 'decline'],
    ['ACCEPT_INVERSE_OFFERS', 'accept_inverse_offers'],
    ['KILL', 'kill'],
    ['SHUTDOWN', 'shutdown'],
    ['ACKNOWLEDGE', 'acknowledge'],
    ['RECONCILE', 'reconcile'],
    ['RECONCILE_OPERATIONS', 'reconcile_operations'],
    ['MESSAGE', 'message'],
    ['REQUEST', 'request'],
  ])('%s needs its %s payload', (type, payload) => {
    expect(validateSchedulerCall({ type, framework_id: FRAMEWORK } as Call)).toBe(`Expecting '${payload}' to be present`);
  });

  it.each<CallType>(['TEARDOWN', 'REVIVE', 'SUPPRESS'])('%s needs no payload', (type) => {
    expect(validateSchedulerCall({ type, framework_id: FRAMEWORK })).toBeUndefined();
  });

  it('checks the acknowledged uuid is a real UUID', () => {
    const acknowledge = (uuid: string): Call => ({
      type: 'ACKNOWLEDGE',
      framework_id: FRAMEWORK,
      acknowledge: { agent_id: { value: 'S0' }, task_id: { value: 't' }, uuid },
    });
    expect(validateSchedulerCall(acknowledge(UUID_V4))).toBeUndefined();
    expect(validateSchedulerCall(acknowledge('Ya5zOWGpRPm5zjMIvwQgig=='))).toBeUndefined();
    expect(validateSchedulerCall(acknowledge(Buffer.from('short').toString('base64')))).toBe('Not a valid UUID');
    expect(validateSchedulerCall(acknowledge(Buffer.alloc(16).toString('base64')))).toBe('Not a valid UUID');
  });

  it('checks UPDATE_FRAMEWORK ids match', () => {
    const call = (id: string): Call => ({
      type: 'UPDATE_FRAMEWORK' as CallType,
      framework_id: FRAMEWORK,
      update_framework: { framework_info: { user: 'u', name: 'n', id: { value: id } } },
    });
    expect(validateSchedulerCall(call('fw-0000'))).toBeUndefined();
    expect(validateSchedulerCall(call('other'))).toBe("'framework_id' differs from 'update_framework.framework_info.id'");
  });

  it('is applied by decodeCall with the Mesos prefix, and can be turned off', () => {
    const body = Buffer.from('{"type":"KILL","framework_id":{"value":"f"}}');
    expect(() => decodeCall(body, MEDIA_TYPE_JSON)).toThrow(ProtocolDecodeError);
    expect(() => decodeCall(body, MEDIA_TYPE_JSON)).toThrow("Failed to validate scheduler::Call: Expecting 'kill' to be present");
    expect(decodeCall(body, MEDIA_TYPE_JSON, { validate: false })).toEqual({ type: 'KILL', framework_id: { value: 'f' } });
  });
});

describe('validateOperatorCall', () => {
  it('follows validation::master::call::validate', () => {
    expect(validateOperatorCall({ type: 'GET_HEALTH' })).toBeUndefined();
    expect(validateOperatorCall({ type: 'GET_STATE' })).toBeUndefined();
    expect(validateOperatorCall({ type: 'LIST_FILES' })).toBe("Expecting 'list_files' to be present");
    expect(validateOperatorCall({ type: 'TEARDOWN' })).toBe("Expecting 'teardown' to be present");
    expect(validateOperatorCall({} as never)).toBe("Expecting 'type' to be present");
  });
});
