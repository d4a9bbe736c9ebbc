import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpTransport } from '../../../../src/mesos/client/http.js';
import { HttpSchedulerClient, SchedulerCallError } from '../../../../src/mesos/client/scheduler-client.js';
import * as calls from '../../../../src/mesos/protocol/calls.js';
import type { Event } from '../../../../src/mesos/protocol/types.js';
import { LocalCluster } from '../../../../src/emulator/cluster.js';

let dir: string;
let cluster: LocalCluster;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'am-sched-'));
  cluster = new LocalCluster({ agents: 2, port: 0, workDir: dir, heartbeatIntervalSeconds: 1, allocationIntervalMs: 100 });
  await cluster.start();
}, 60_000);
afterAll(async () => {
  await cluster.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Reads `count` events without ending the iteration (a `break` would close the stream). */
async function take(events: AsyncIterator<Event>, count: number): Promise<Event[]> {
  const seen: Event[] = [];
  while (seen.length < count) {
    const next = await events.next();
    if (next.done === true) break;
    seen.push(next.value);
  }
  return seen;
}

const frameworkInfo = {
  user: 'root',
  name: 'http-scheduler-test',
  roles: ['*'],
  capabilities: [{ type: 'MULTI_ROLE' as const }],
  failover_timeout: 0,
};

describe.each(['application/x-protobuf', 'application/json'] as const)('HttpSchedulerClient (%s)', (media) => {
  it('subscribes, receives SUBSCRIBED, HEARTBEAT and OFFERS, and sends calls with the stream id', async () => {
    const transport = new HttpTransport({ baseUrl: cluster.url, timeoutMs: 5_000 });
    const client = new HttpSchedulerClient(transport, media);
    const subscription = await client.subscribe(calls.subscribe(frameworkInfo));
    try {
      expect(subscription.streamId).toMatch(/^[0-9a-f-]{36}$/);
      const [subscribed, heartbeat, offers] = await take(subscription.events[Symbol.asyncIterator](), 3);
      expect(subscribed?.type).toBe('SUBSCRIBED');
      expect(heartbeat?.type).toBe('HEARTBEAT');
      expect(offers?.type).toBe('OFFERS');
      const frameworkId = subscribed?.subscribed?.framework_id;
      expect(frameworkId?.value).toMatch(/-\d{4}$/);
      const offerIds = offers?.offers?.offers.map((offer) => offer.id) ?? [];
      expect(offerIds.length).toBe(2);
      await client.call(calls.withFrameworkId(calls.decline(offerIds, 60), frameworkId!), subscription.streamId);

      const wrong = await client
        .call(calls.withFrameworkId(calls.reconcile([]), frameworkId!), '11111111-1111-1111-1111-111111111111')
        .catch((e: unknown) => e);
      expect(wrong).toBeInstanceOf(SchedulerCallError);
      expect((wrong as SchedulerCallError).status).toBe(400);
      expect((wrong as SchedulerCallError).subscriptionLost).toBe(true);
      await client.call(calls.withFrameworkId(calls.teardown(), frameworkId!), subscription.streamId);
    } finally {
      subscription.close();
      transport.close();
    }
  });
});
