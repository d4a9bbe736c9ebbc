import { afterEach, describe, expect, it } from 'vitest';
import { FRAMEWORK, startTestCluster, type TestCluster } from './helpers/cluster.js';
import { subscribeFramework } from './helpers/scheduler-client.js';

type Ev = Record<string, any>;

let cluster: TestCluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

// SIGUSR2 (local-cluster's master restart) is tested with the command: test/unit/commands/local-cluster.
describe('local master: heartbeats', () => {
  it('announces the configured heartbeat interval and keeps to it', async () => {
    cluster = await startTestCluster({ master: { heartbeatIntervalSeconds: 0.2 } });
    const fw = await subscribeFramework(cluster.url, FRAMEWORK);
    const subscribed = fw.stream.json<Ev>()[0];
    expect(subscribed?.subscribed.heartbeat_interval_seconds).toBe(0.2);
    // The record is Mesos' JSON: a double, printed as such.
    expect(fw.stream.records[0]?.toString()).toContain('"heartbeat_interval_seconds":0.2,');
    const started = Date.now();
    await fw.stream.waitFor(() => fw.stream.json<Ev>().filter((e) => e.type === 'HEARTBEAT').length >= 4, 5_000, 'heartbeats');
    // One at once, then one every 200 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    fw.stream.close();
  });

  it('prints 15.0 for the default interval, as Mesos does', async () => {
    cluster = await startTestCluster();
    const fw = await subscribeFramework(cluster.url, FRAMEWORK);
    expect(fw.stream.records[0]?.toString()).toContain('"heartbeat_interval_seconds":15.0,');
    fw.stream.close();
  });
});
