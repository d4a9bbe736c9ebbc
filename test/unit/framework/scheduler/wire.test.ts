import { describe, expect, it } from 'vitest';
import { withFrameworkId } from '../../../../src/mesos/protocol/calls.js';
import { encodeCall, MEDIA_TYPE_JSON, MEDIA_TYPE_PROTOBUF } from '../../../../src/mesos/protocol/codec.js';
// Read back as a Mesos master would.
import { decodeCall } from '../../../../src/emulator/mesos-codec/codec.js';
import type { Call } from '../../../../src/mesos/protocol/types.js';
import { callsOf, Harness, launchedTasks, makeConfig, offer, offersEvent, update } from './fixtures.js';

describe('calls the reducer makes survive the wire and Mesos call validation', () => {
  it('covers every call type of a lifetime', () => {
    const h = new Harness(makeConfig({ maxWorkers: 1, timing: { launchTimeoutMs: 60_000 } }));
    const seen: Call[] = [];
    const master = h.readyMaster('a1');
    seen.push(...callsOf(h.step(offersEvent(offer('a1'), offer('a2')))));
    const worker = h.state.ledger.tasks.find((t) => t.role === 'worker')?.taskId ?? '';
    seen.push(...callsOf(h.step(update(worker, 'a1', 'TASK_FAILED'))));
    seen.push(...callsOf(h.tick(5000)));
    const relaunched = launchedTasks(h.step(offersEvent(offer('a3'))));
    seen.push(...callsOf(h.tick(60_000)), ...callsOf(h.tick(30_000)), ...callsOf(h.tick(600_000)));
    seen.push(...callsOf(h.step({ type: 'kill', alias: 'master-1' })));
    expect(relaunched).toHaveLength(1);
    expect(master).not.toBe('');
    const types = new Set(seen.map((c) => c.type));
    expect([...types].sort()).toEqual(['ACCEPT', 'ACKNOWLEDGE', 'DECLINE', 'KILL', 'RECONCILE', 'REVIVE', 'SUPPRESS']);
    for (const call of seen) {
      const stamped = withFrameworkId(call, { value: 'fw-1' });
      for (const media of [MEDIA_TYPE_PROTOBUF, MEDIA_TYPE_JSON]) {
        const decoded = decodeCall(encodeCall(stamped, media), media);
        expect(decoded.type).toBe(call.type);
      }
    }
  });
});
