/**
 * The legacy (libprocess) scheduler transport against the local cluster's master: registration,
 * offers, a launch and its acknowledged updates, a kill, failover re-registration and teardown; and
 * the master's connect-back framed as the recorded Mesos 1.12 exchange.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LocalCluster } from '../../../../src/emulator/cluster.js';
import { HttpTransport } from '../../../../src/mesos/client/http.js';
import { LibprocessSchedulerClient } from '../../../../src/mesos/client/legacy-scheduler-client.js';
import * as calls from '../../../../src/mesos/protocol/calls.js';
import { LegacyMessage, encodeLegacyMessage, legacyCapabilities } from '../../../../src/mesos/protocol/libprocess.js';
import type { Event, TaskInfo, TaskStatus } from '../../../../src/mesos/protocol/types.js';
import { httpRequest } from '../../../../src/shared/http-request.js';
import { splitLibprocessRequests } from '../../../helpers/libprocess-raw.js';

let dir: string;
let cluster: LocalCluster;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'am-legacy-'));
  cluster = new LocalCluster({
    agents: 2,
    port: 0,
    workDir: dir,
    heartbeatIntervalSeconds: 1,
    allocationIntervalMs: 100,
  });
  await cluster.start();
}, 60_000);
afterAll(async () => {
  await cluster.stop();
  await rm(dir, { recursive: true, force: true });
});

async function next(events: AsyncIterator<Event>, wanted: (event: Event) => boolean): Promise<Event> {
  for (;;) {
    const got = await events.next();
    if (got.done === true) throw new Error('the event stream ended');
    if (wanted(got.value)) return got.value;
  }
}

function legacyClient(): { client: LibprocessSchedulerClient; close(): Promise<void> } {
  const transport = new HttpTransport({ baseUrl: cluster.url, timeoutMs: 5_000 });
  const client = new LibprocessSchedulerClient({
    transport,
    listen: { host: '127.0.0.1', port: 0 },
    advertise: { host: '127.0.0.1' },
    capabilities: legacyCapabilities(true),
    registrationTimeoutMs: 5_000,
    probeIntervalMs: 500,
  });
  return {
    client,
    close: async () => {
      await client.close();
      transport.close();
    },
  };
}

const INFO = { user: 'root', name: 'legacy-test', failover_timeout: 60, checkpoint: true };

describe('LibprocessSchedulerClient against the local master', () => {
  it('registers, launches a task, acknowledges its updates, fails over and tears down', async () => {
    const first = legacyClient();
    const subscription = await first.client.subscribe(calls.subscribe(INFO));
    const events = subscription.events[Symbol.asyncIterator]();
    const subscribed = await next(events, (event) => event.type === 'SUBSCRIBED');
    const frameworkId = subscribed.subscribed?.framework_id ?? { value: '' };
    expect(frameworkId.value).toMatch(/-\d{4}$/);
    expect(cluster.master.schedulerCalls.at(-1)?.streamId).toBe(`libprocess:${first.client.processId}`);

    const offers = (await next(events, (event) => event.type === 'OFFERS')).offers?.offers ?? [];
    expect(offers.length).toBe(2);
    const offer = offers[0]!;
    const task: TaskInfo = {
      name: 'sleeper',
      task_id: { value: 'sleeper-1' },
      agent_id: offer.agent_id,
      resources: [
        { name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 } },
        { name: 'mem', type: 'SCALAR', scalar: { value: 32 } },
      ],
      command: { shell: true, value: 'sleep 60' },
    };
    await first.client.call(calls.withFrameworkId(calls.accept([offer.id], [calls.launch([task])]), frameworkId), subscription.streamId);
    // Each update from the agent carries a uuid; the next one comes once it is acknowledged.
    const acknowledge = async (status: TaskStatus): Promise<void> => {
      expect(status.uuid).toBeDefined();
      await first.client.call(
        calls.withFrameworkId(calls.acknowledge(status.agent_id!, status.task_id, status.uuid!), frameworkId),
        subscription.streamId,
      );
    };
    const starting = await next(events, (event) => event.type === 'UPDATE');
    expect(starting.update?.status.state).toBe('TASK_STARTING');
    await acknowledge(starting.update!.status);
    const running = await next(events, (event) => event.type === 'UPDATE');
    expect(running.update?.status.state).toBe('TASK_RUNNING');
    const status = running.update!.status;
    await acknowledge(status);
    // Another scheduler process re-registers the framework: the first hears it failed over.
    const second = legacyClient();
    const failover = await second.client.subscribe(calls.subscribe(INFO, frameworkId));
    const error = await next(events, (event) => event.type === 'ERROR');
    expect(error.error?.message).toBe('Framework failed over');
    const secondEvents = failover.events[Symbol.asyncIterator]();
    expect((await next(secondEvents, (event) => event.type === 'SUBSCRIBED')).subscribed?.framework_id).toEqual(frameworkId);
    // Reconciliation answers come from the master: nothing to acknowledge.
    await second.client.call(calls.withFrameworkId(calls.reconcile([]), frameworkId), failover.streamId);
    const reconciled = await next(secondEvents, (event) => event.type === 'UPDATE');
    expect(reconciled.update?.status).toMatchObject({ state: 'TASK_RUNNING', task_id: { value: 'sleeper-1' } });
    expect(reconciled.update?.status.uuid).toBeUndefined();
    // The first scheduler's calls are no longer the framework's.
    await first.client.call(calls.withFrameworkId(calls.teardown(), frameworkId), subscription.streamId);
    expect(cluster.master.state.framework(frameworkId.value)).toBeDefined();

    await second.client.call(calls.withFrameworkId(calls.kill({ value: 'sleeper-1' }, status.agent_id), frameworkId), failover.streamId);
    const killed = await next(secondEvents, (event) => event.type === 'UPDATE' && event.update?.status.state === 'TASK_KILLED');
    expect(killed.update?.status.task_id.value).toBe('sleeper-1');
    await second.client.call(calls.withFrameworkId(calls.teardown(), frameworkId), failover.streamId);
    await expect.poll(() => cluster.master.state.framework(frameworkId.value), { timeout: 5_000 }).toBeUndefined();
    await first.close();
    await second.close();
  }, 60_000);

  it("connects back framed as Mesos 1.12 does: one kept-alive connection, chunked POSTs from the master's pid", async () => {
    const received: Buffer[] = [];
    let answered = 0;
    const sockets: net.Socket[] = [];
    const scheduler = net.createServer(
      (socket) =>
        sockets.push(socket) &&
        socket.on('data', (chunk: Buffer) => {
          received.push(chunk);
          // libprocess ignores the answers; ours are there so that Node sends the next message.
          const complete = (
            Buffer.concat(received)
              .toString('latin1')
              .match(/\r\n0\r\n\r\n/g) ?? []
          ).length;
          for (; answered < complete; answered += 1) socket.write('HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n');
        }),
    );
    await new Promise<void>((resolve) => scheduler.listen(0, '127.0.0.1', resolve));
    const port = (scheduler.address() as AddressInfo).port;
    try {
      const answer = await httpRequest({
        url: `${cluster.url}/master/${LegacyMessage.register}`,
        method: 'POST',
        headers: { 'Libprocess-From': `scheduler(1)@127.0.0.1:${port}` },
        body: encodeLegacyMessage({
          name: LegacyMessage.register,
          message: { framework: { user: 'root', name: 'legacy-probe', failover_timeout: 0 } },
        }),
      });
      expect(answer.status).toBe(202);
      expect(answer.body.length).toBe(0);
      await expect.poll(() => answered, { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
      const ours = splitLibprocessRequests(Buffer.concat(received));
      const recorded = splitLibprocessRequests(
        readFileSync(
          path.resolve(
            path.dirname(fileURLToPath(import.meta.url)),
            '../../../fixtures/mesos-1.12/legacy-libprocess/02_master_to_scheduler.inbound.raw',
          ),
        ),
      );
      const masterPid = `master@127.0.0.1:${new URL(cluster.url).port}`;
      // Header names, order and values, with the recording's addresses put in ours.
      const normalize = (headers: ReadonlyArray<readonly [string, string]>, master: string, host: string) =>
        headers.map(([name, value]) => [name, value.replace(master, 'MASTER').replace(host, 'HOST')]);
      for (let i = 0; i < 2; i += 1) {
        expect(ours[i]?.requestLine).toBe(recorded[i]?.requestLine);
        expect(normalize(ours[i]?.headers ?? [], masterPid, `127.0.0.1:${port}`)).toEqual(
          normalize(recorded[i]?.headers ?? [], 'master@127.0.0.1:5050', '127.0.0.1:45293'),
        );
      }
    } finally {
      // The master's connection is kept alive: it goes first, or close() would wait for it.
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => scheduler.close(resolve));
    }
  });
});
