/**
 * The legacy scheduler transport in-process, against a fake master that behaves as the recording
 * shows (202 to each message, then its own connection back to the scheduler's listener, carrying
 * each reply as a chunked POST to /scheduler(1)/<message>), and against peers that do not.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import { HttpTransport } from '../../../../src/mesos/client/http.js';
import { LibprocessListener, type InboundMessage } from '../../../../src/mesos/client/libprocess-listener.js';
import { LibprocessSchedulerClient } from '../../../../src/mesos/client/legacy-scheduler-client.js';
import * as calls from '../../../../src/mesos/protocol/calls.js';
import {
  LegacyMessage,
  decodeLegacyMessage,
  encodeLegacyMessage,
  legacyCapabilities,
  parseProcessId,
  type LegacyEnvelope,
} from '../../../../src/mesos/protocol/libprocess.js';
import type { Event } from '../../../../src/mesos/protocol/types.js';
import { AlluxioMesosError } from '../../../../src/shared/errors.js';

const MASTER_INFO = { id: 'm1', ip: 16777343, port: 5050, pid: 'master@127.0.0.1:5050', hostname: '127.0.0.1', version: '0.23.0' };

interface FakeMaster {
  readonly url: string;
  readonly received: Array<{ name: string; from: string; body: Buffer }>;
  /** Sends a message to the scheduler that registered, on one kept-alive connection. */
  send(envelope: LegacyEnvelope, from?: string): Promise<number>;
  healthy: boolean;
  close(): Promise<void>;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** `answer(name, count)`: what the master does with the count-th message of that name. */
async function fakeMaster(answer: (name: string, count: number, master: FakeMaster) => void): Promise<FakeMaster> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let scheduler: string | undefined;
  const counts = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.url === '/master/health') {
        res.writeHead(master.healthy ? 200 : 503).end();
        return;
      }
      const name = (req.url ?? '').replace('/master/', '');
      const from = String(req.headers['libprocess-from'] ?? '');
      scheduler = from;
      master.received.push({ name, from, body: Buffer.concat(chunks) });
      res.writeHead(202, { 'Content-Length': '0' }).end();
      const count = (counts.get(name) ?? 0) + 1;
      counts.set(name, count);
      answer(name, count, master);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const master: FakeMaster = {
    url: `http://127.0.0.1:${port}`,
    received: [],
    healthy: true,
    send: (envelope, from = `master@127.0.0.1:${port}`) =>
      new Promise((resolve, reject) => {
        const pid = parseProcessId(scheduler ?? '');
        if (pid === undefined) return reject(new Error('no scheduler registered'));
        const req = http.request(
          {
            agent,
            host: pid.host,
            port: pid.port,
            method: 'POST',
            path: `/${pid.id}/${envelope.name}`,
            headers: { 'User-Agent': `libprocess/${from}`, 'Libprocess-From': from, Connection: 'Keep-Alive' },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        // The scheduler hanging up at the end of a test is no failure of the test.
        req.on('error', () => resolve(0));
        req.end(encodeLegacyMessage(envelope));
      }),
    close: async () => {
      agent.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  cleanups.push(() => master.close());
  return master;
}

function client(master: FakeMaster, overrides: { registrationTimeoutMs?: number; probeIntervalMs?: number; suppress?: boolean } = {}) {
  const transport = new HttpTransport({ baseUrl: master.url, timeoutMs: 2_000 });
  const scheduler = new LibprocessSchedulerClient({
    transport,
    listen: { host: '127.0.0.1', port: 0 },
    advertise: { host: '127.0.0.1' },
    capabilities: legacyCapabilities(overrides.suppress ?? true),
    registrationTimeoutMs: overrides.registrationTimeoutMs ?? 5_000,
    probeIntervalMs: overrides.probeIntervalMs ?? 60_000,
  });
  cleanups.push(async () => {
    await scheduler.close();
    transport.close();
  });
  return scheduler;
}

const registered = (
  name: typeof LegacyMessage.registered | typeof LegacyMessage.reregistered = LegacyMessage.registered,
): LegacyEnvelope => ({
  name,
  message: { framework_id: { value: 'F1' }, master_info: MASTER_INFO },
});

async function take(events: AsyncIterator<Event>, count: number): Promise<Event[]> {
  const taken: Event[] = [];
  while (taken.length < count) {
    const next = await events.next();
    if (next.done === true) break;
    taken.push(next.value);
  }
  return taken;
}

const INFO = { user: 'root', name: 'alluxio' };

describe('LibprocessSchedulerClient', () => {
  it('registers, hears SUBSCRIBED and offers, and sends calls as the v0 Call from its pid', async () => {
    const master = await fakeMaster((name, _count, m) => {
      if (name !== LegacyMessage.register) return;
      void m.send(registered()).then(() =>
        m.send({
          name: LegacyMessage.offers,
          message: {
            offers: [{ id: { value: 'O1' }, framework_id: { value: 'F1' }, agent_id: { value: 'S1' }, hostname: 'h', resources: [] }],
            pids: [],
          },
        }),
      );
    });
    const scheduler = client(master);
    const subscription = await scheduler.subscribe(calls.subscribe(INFO));
    const events = subscription.events[Symbol.asyncIterator]();
    const [subscribed, offers] = await take(events, 2);
    expect(subscribed).toMatchObject({ type: 'SUBSCRIBED', subscribed: { framework_id: { value: 'F1' }, heartbeat_interval_seconds: 60 } });
    expect(offers?.offers?.offers[0]?.id.value).toBe('O1');

    await scheduler.call(calls.withFrameworkId(calls.decline([{ value: 'O1' }]), { value: 'F1' }), subscription.streamId);
    const sent = master.received.at(-1);
    expect(sent?.name).toBe('mesos.scheduler.Call');
    expect(sent?.from).toBe(scheduler.processId);
    expect(sent?.from).toMatch(/^scheduler\(1\)@127\.0\.0\.1:\d+$/);
    expect(decodeLegacyMessage(LegacyMessage.call, sent?.body ?? Buffer.alloc(0)).message).toMatchObject({ type: 'DECLINE' });
    subscription.close();
  });

  it('re-sends the registration until the master answers, and re-registers with failover given a framework id', async () => {
    const master = await fakeMaster((name, count, m) => {
      if (name === LegacyMessage.reregister && count === 3) void m.send(registered(LegacyMessage.reregistered));
    });
    const scheduler = client(master);
    const subscription = await scheduler.subscribe(calls.subscribe(INFO, { value: 'F1' }));
    expect(master.received.map((message) => message.name)).toEqual([
      LegacyMessage.reregister,
      LegacyMessage.reregister,
      LegacyMessage.reregister,
    ]);
    expect(decodeLegacyMessage(LegacyMessage.reregister, master.received[0]?.body ?? Buffer.alloc(0)).message).toMatchObject({
      framework: { id: { value: 'F1' } },
      failover: true,
    });
    const [event] = await take(subscription.events[Symbol.asyncIterator](), 1);
    expect(event?.type).toBe('SUBSCRIBED');
    subscription.close();
  }, 15_000);

  it('says what to check when the master takes the registration but never connects back', async () => {
    const master = await fakeMaster(() => undefined);
    const scheduler = client(master, { registrationTimeoutMs: 1_500 });
    const error = await scheduler.subscribe(calls.subscribe(INFO)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AlluxioMesosError);
    expect((error as AlluxioMesosError).message).toMatch(/never connected back to this scheduler at scheduler\(1\)@127\.0\.0\.1:\d+/);
    expect((error as AlluxioMesosError).hint).toMatch(/--listen\/LIBPROCESS_IP.*--advertise\/LIBPROCESS_ADVERTISE_IP/);
    expect((error as AlluxioMesosError).retriable).toBe(false);
    expect(master.received.length).toBeGreaterThanOrEqual(2);
  });

  it('drops SUPPRESS for a master older than 0.25 and sends it to a newer one', async () => {
    const master = await fakeMaster((name, _count, m) => {
      if (name === LegacyMessage.register) void m.send(registered());
    });
    const old = client(master, { suppress: false });
    const subscription = await old.subscribe(calls.subscribe(INFO));
    const before = master.received.length;
    await old.call(calls.suppress(), subscription.streamId);
    expect(master.received.length).toBe(before);
    await old.call(calls.revive(), subscription.streamId);
    expect(master.received.length).toBe(before + 1);
    subscription.close();
  });

  it('heartbeats while the master answers its health probe; ends the session when it stops', async () => {
    const master = await fakeMaster((name, _count, m) => {
      if (name === LegacyMessage.register) void m.send(registered());
    });
    const scheduler = client(master, { probeIntervalMs: 100 });
    const subscription = await scheduler.subscribe(calls.subscribe(INFO));
    const events = subscription.events[Symbol.asyncIterator]();
    const first = await take(events, 3);
    expect(first.map((event) => event.type)).toEqual(['SUBSCRIBED', 'HEARTBEAT', 'HEARTBEAT']);
    master.healthy = false;
    const ended = await (async () => {
      for (;;) await events.next();
    })().catch((error: unknown) => error);
    expect((ended as Error).message).toMatch(/did not answer 2 health probes in a row/);
  });

  it('ignores messages from a peer that is not the master, and from another master once registered', async () => {
    const master = await fakeMaster((name, _count, m) => {
      if (name !== LegacyMessage.register) return;
      void (async () => {
        await m.send({ name: LegacyMessage.error, message: { message: 'from an agent' } }, 'slave(1)@127.0.0.1:5051');
        await m.send(registered());
        await m.send({ name: LegacyMessage.error, message: { message: 'impostor' } }, 'master@10.9.9.9:5050');
        await m.send({ name: LegacyMessage.rescind, message: { offer_id: { value: 'O9' } } });
      })();
    });
    const scheduler = client(master);
    const subscription = await scheduler.subscribe(calls.subscribe(INFO));
    const events = await take(subscription.events[Symbol.asyncIterator](), 2);
    expect(events.map((event) => event.type)).toEqual(['SUBSCRIBED', 'RESCIND']);
    subscription.close();
  });
});

describe('LibprocessListener', () => {
  async function listener(maxBodyBytes = 1024): Promise<{ port: number; heard: InboundMessage[] }> {
    const heard: InboundMessage[] = [];
    const opened = await LibprocessListener.open({
      host: '127.0.0.1',
      port: 0,
      processId: 'scheduler(1)',
      maxBodyBytes,
      onMessage: (m) => heard.push(m),
    });
    cleanups.push(() => opened.close());
    return { port: opened.port, heard };
  }

  function post(port: number, path: string, headers: Record<string, string>, body: Buffer | string = '', method = 'POST'): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  const FROM = { 'Libprocess-From': 'master@127.0.0.1:5050' };

  it('answers 202 to a message for its process and hands it over with its sender', async () => {
    const { port, heard } = await listener();
    expect(await post(port, '/scheduler(1)/mesos.internal.FrameworkErrorMessage', FROM, 'x')).toBe(202);
    expect(heard).toEqual([
      { from: { id: 'master', host: '127.0.0.1', port: 5050 }, name: 'mesos.internal.FrameworkErrorMessage', body: Buffer.from('x') },
    ]);
  });

  it('404: another process, no sender, a bad sender, not a POST, not a message path', async () => {
    const { port, heard } = await listener();
    expect(await post(port, '/scheduler(2)/mesos.internal.X', FROM)).toBe(404);
    expect(await post(port, '/scheduler(1)/mesos.internal.X', {})).toBe(404);
    expect(await post(port, '/scheduler(1)/mesos.internal.X', { 'Libprocess-From': 'x y' })).toBe(404);
    expect(await post(port, '/scheduler(1)/mesos.internal.X', FROM, '', 'GET')).toBe(404);
    expect(await post(port, '/', FROM)).toBe(404);
    expect(await post(port, '/scheduler(1)/a/b', FROM)).toBe(404);
    expect(heard).toEqual([]);
  });

  it('413 for a body over the bound, declared or streamed, and nothing handed over', async () => {
    const { port, heard } = await listener(1024);
    expect(await post(port, '/scheduler(1)/mesos.internal.X', FROM, Buffer.alloc(2048))).toBe(413);
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port, path: '/scheduler(1)/mesos.internal.X', method: 'POST', headers: FROM, agent: false },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      for (let i = 0; i < 4; i += 1) req.write(Buffer.alloc(512));
      req.end();
    });
    expect(chunked).toBe(413);
    expect(heard).toEqual([]);
  });

  it('refuses a port in use with the flag to change', async () => {
    const { port } = await listener();
    const error = await LibprocessListener.open({ host: '127.0.0.1', port, processId: 'scheduler(1)', onMessage: () => undefined }).catch(
      (caught: unknown) => caught,
    );
    expect((error as AlluxioMesosError).message).toBe(`cannot listen on 127.0.0.1:${port}: the port is in use`);
    expect((error as AlluxioMesosError).hint).toMatch(/--listen/);
  });
});
