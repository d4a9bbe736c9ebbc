import { describe, expect, it } from 'vitest';

import {
  accept,
  acknowledge,
  decline,
  kill,
  launch,
  reconcile,
  revive,
  subscribe,
  suppress,
  teardown,
  withFrameworkId,
} from '../../../../src/mesos/protocol/calls.js';
import { MEDIA_TYPE_JSON, MEDIA_TYPE_PROTOBUF, encodeCall } from '../../../../src/mesos/protocol/codec.js';
// What a Mesos master makes of the calls: the emulator's exact reader and Mesos' validation.
import { decodeCall, validateSchedulerCall } from '../../../../src/emulator/mesos-codec/codec.js';
import type { Call, FrameworkInfo, TaskInfo } from '../../../../src/mesos/protocol/types.js';

const INFO: FrameworkInfo = { user: 'root', name: 'alluxio', roles: ['*'], checkpoint: true, failover_timeout: 604800 };
const FW = { value: 'b8564f73-9862-4214-8536-043f0ff29368-0003' };
const TASK: TaskInfo = {
  name: 'alluxio-master',
  task_id: { value: 'alluxio-master.1' },
  agent_id: { value: 'S0' },
  resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 } }],
  command: { value: 'bin/alluxio-start.sh master' },
};

describe('call constructors', () => {
  it('subscribe() without an id leaves both id fields out', () => {
    expect(subscribe(INFO)).toEqual({ type: 'SUBSCRIBE', subscribe: { framework_info: INFO } });
  });

  it('subscribe() with an id puts it in both places, which Mesos requires on re-subscribe', () => {
    const call = subscribe(INFO, FW);
    expect(call.framework_id).toEqual(FW);
    expect(call.subscribe?.framework_info.id).toEqual(FW);
    expect(validateSchedulerCall(call)).toBeUndefined();
    expect(validateSchedulerCall(subscribe({ ...INFO, id: FW }))).toBeUndefined();
  });

  it('builds the recorded ACCEPT/LAUNCH shape', () => {
    const call = withFrameworkId(accept([{ value: 'O0' }], [launch([TASK])], { refuse_seconds: 1 }), FW);
    expect(call).toEqual({
      framework_id: FW,
      type: 'ACCEPT',
      accept: {
        offer_ids: [{ value: 'O0' }],
        operations: [{ type: 'LAUNCH', launch: { task_infos: [TASK] } }],
        filters: { refuse_seconds: 1 },
      },
    });
    expect(encodeCall(call, MEDIA_TYPE_JSON).toString()).toMatch(/^\{"framework_id":\{"value":"b8564f73[^"]*"\},"type":"ACCEPT"/);
    expect(accept([{ value: 'O0' }], []).accept).toEqual({ offer_ids: [{ value: 'O0' }], operations: [] });
  });

  it('decline() sets a filter only when asked', () => {
    expect(decline([{ value: 'O1' }])).toEqual({ type: 'DECLINE', decline: { offer_ids: [{ value: 'O1' }] } });
    expect(decline([{ value: 'O1' }], 3600).decline?.filters).toEqual({ refuse_seconds: 3600 });
  });

  it('revive(), suppress(), teardown()', () => {
    expect(revive()).toEqual({ type: 'REVIVE' });
    expect(revive(['alluxio'])).toEqual({ type: 'REVIVE', revive: { roles: ['alluxio'] } });
    expect(suppress()).toEqual({ type: 'SUPPRESS' });
    expect(suppress(['*'])).toEqual({ type: 'SUPPRESS', suppress: { roles: ['*'] } });
    expect(teardown()).toEqual({ type: 'TEARDOWN' });
  });

  it('kill() and acknowledge() carry their ids; acknowledge passes the uuid through', () => {
    expect(kill({ value: 't' })).toEqual({ type: 'KILL', kill: { task_id: { value: 't' } } });
    expect(kill({ value: 't' }, { value: 'S0' }, { grace_period: { nanoseconds: 5e9 } })).toEqual({
      type: 'KILL',
      kill: { task_id: { value: 't' }, agent_id: { value: 'S0' }, kill_policy: { grace_period: { nanoseconds: 5e9 } } },
    });
    expect(acknowledge({ value: 'S0' }, { value: 't' }, 'Ya5zOWGpRPm5zjMIvwQgig==').acknowledge).toEqual({
      agent_id: { value: 'S0' },
      task_id: { value: 't' },
      uuid: 'Ya5zOWGpRPm5zjMIvwQgig==',
    });
  });

  it('reconcile([]) is the implicit form', () => {
    expect(reconcile([])).toEqual({ type: 'RECONCILE', reconcile: { tasks: [] } });
    expect(encodeCall(withFrameworkId(reconcile([]), FW), MEDIA_TYPE_JSON).toString()).toBe(
      `{"framework_id":{"value":"${FW.value}"},"type":"RECONCILE","reconcile":{}}`,
    );
  });

  it('withFrameworkId() replaces an existing id without touching the input', () => {
    const original: Call = { framework_id: { value: 'old' }, type: 'TEARDOWN' };
    expect(withFrameworkId(original, FW)).toEqual({ framework_id: FW, type: 'TEARDOWN' });
    expect(original.framework_id).toEqual({ value: 'old' });
  });

  it('every constructed call validates once stamped and survives both media types', () => {
    const calls: Call[] = [
      accept([{ value: 'O0' }], [launch([TASK])]),
      decline([{ value: 'O1' }], 5),
      revive(),
      suppress(['*']),
      kill({ value: 't' }, { value: 'S0' }),
      acknowledge({ value: 'S0' }, { value: 't' }, 'Ya5zOWGpRPm5zjMIvwQgig=='),
      reconcile([{ task_id: { value: 't' }, agent_id: { value: 'S0' } }]),
      teardown(),
    ].map((call) => withFrameworkId(call, FW));
    for (const call of calls) {
      expect(validateSchedulerCall(call)).toBeUndefined();
      expect(decodeCall(encodeCall(call, MEDIA_TYPE_PROTOBUF), MEDIA_TYPE_PROTOBUF)).toEqual(call);
    }
  });
});
