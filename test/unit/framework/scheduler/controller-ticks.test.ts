/**
 * The controller's timers must keep running while events arrive more often than its tick: a busy
 * stream (heartbeats every second against a 1 s tick, found by test/integration/deploy) used to
 * restart the tick's wait on every event, so explicit-reconcile retries never went out.
 */
import { describe, expect, it } from 'vitest';
import { runController, type EventStream } from '../../../../src/framework/scheduler/controller.js';
import { buildFrameworkInfo } from '../../../../src/framework/scheduler/framework-info.js';
import { emptyLedger, memoryLedgerStore } from '../../../../src/state/ledger.js';
import type { Call, Event } from '../../../../src/mesos/protocol/types.js';
import { makeConfig, subscribedEvent } from './fixtures.js';

/** SUBSCRIBED, then a HEARTBEAT every `everyMs` until closed. */
function busyStream(everyMs: number): EventStream {
  let closed = false;
  let sentSubscribed = false;
  return {
    close: () => {
      closed = true;
    },
    [Symbol.asyncIterator]: () => ({
      next: async (): Promise<IteratorResult<Event>> => {
        if (!sentSubscribed) {
          sentSubscribed = true;
          return { value: subscribedEvent('fw-1', 1), done: false };
        }
        await new Promise((resolve) => setTimeout(resolve, everyMs));
        return closed ? { value: undefined, done: true } : { value: { type: 'HEARTBEAT' }, done: false };
      },
    }),
  };
}

describe('controller tick schedule', () => {
  it('retries an unanswered explicit reconciliation although events arrive faster than the tick', async () => {
    const ledger = emptyLedger();
    ledger.frameworkId = 'fw-1';
    ledger.tasks.push({
      alias: 'master-1',
      role: 'master',
      taskId: 'alluxio-master-1.a',
      agentId: 'agent-1',
      hostname: 'a1.example',
      ports: [19998, 19999],
      state: 'TASK_RUNNING',
      healthy: true,
      launchedAt: Date.now(),
      relaunchCount: 0,
      failures: [],
      lastFailure: undefined,
      killRequested: undefined,
      relaunchAt: undefined,
      crashLooped: false,
    });
    const sent: Call[] = [];
    const abort = new AbortController();
    const done = runController({
      config: makeConfig({ timing: { explicitReconcileInitialMs: 100, explicitReconcileMaxMs: 100 } }),
      store: memoryLedgerStore(ledger),
      frameworkInfo: () => buildFrameworkInfo({ user: 'u', name: 'alluxio', role: 'alluxio', failoverTimeoutSeconds: 60, hostname: 'h' }),
      subscribe: () => Promise.resolve(busyStream(10)),
      call: (call) => {
        sent.push(call);
        return Promise.resolve();
      },
      onReport: () => undefined,
      signal: abort.signal,
      tickMs: 50,
    });
    await new Promise((resolve) => setTimeout(resolve, 600));
    abort.abort();
    await done;
    const reconciles = sent.filter((call) => call.type === 'RECONCILE' && (call.reconcile?.tasks?.length ?? 0) > 0);
    // The first at SUBSCRIBED, then one roughly every 100 ms: several in 600 ms, never just the first.
    expect(reconciles.length).toBeGreaterThanOrEqual(3);
  });
});
