import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeRecord } from '../../../../src/mesos/protocol/recordio.js';
import { FRAMEWORK, startTestCluster, type TestCluster } from './helpers/cluster.js';
import { getJson, httpRequest, postJson, rawPost, subscribeFramework, subscribeJson, waitUntil } from './helpers/scheduler-client.js';

type Ev = Record<string, any>;

let cluster: TestCluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

async function scheduler(body: string | Buffer, headers: Record<string, string>) {
  return httpRequest(cluster!.url, 'POST', '/api/v1/scheduler', body, headers);
}

describe('local master: bad input', () => {
  it('answers malformed, truncated and mistyped bodies with 400 and Mesos texts, and keeps serving', async () => {
    cluster = await startTestCluster();
    const json = { 'Content-Type': 'application/json' };
    const cases: Array<[string | Buffer, Record<string, string>, number, RegExp]> = [
      ['{"type": "SUBSCRIBE", "subscribe": {', json, 400, /^Failed to parse body into JSON: /],
      ['', json, 400, /^Failed to parse body into JSON: syntax error at line 1 near: $/],
      ['[1,2]', json, 400, /^Failed to convert JSON into Call protobuf: Expecting a JSON object$/],
      [
        '{"type": "ACCEPT", "framework_id": {"value": "x"}, "accept": {"offer_ids": "not-a-list"}}',
        json,
        400,
        /^Failed to convert JSON into Call protobuf: /,
      ],
      [
        '{"type": "FROBNICATE", "framework_id": {"value": "x"}}',
        json,
        400,
        /^Failed to validate scheduler::Call: Expecting 'type' to be present$/,
      ],
      [
        '{"type": "ACCEPT", "framework_id": {"value": "x"}}',
        json,
        400,
        /^Failed to validate scheduler::Call: Expecting 'accept' to be present$/,
      ],
      [
        Buffer.from([0xff, 0xff, 0xff, 0x01, 0x02]),
        { 'Content-Type': 'application/x-protobuf' },
        400,
        /^Failed to parse body into Call protobuf$/,
      ],
      [
        '{}',
        { 'Content-Type': 'application/json; charset=utf-8' },
        415,
        /^Expecting 'Content-Type' of application\/json or application\/x-protobuf$/,
      ],
      ['{}', {}, 400, /^Expecting 'Content-Type' to be present$/],
    ];
    for (const [body, headers, status, text] of cases) {
      const res = await scheduler(body, headers);
      expect(res.status, String(body)).toBe(status);
      expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(res.body.toString('utf8'), String(body)).toMatch(text);
    }
    // A SUBSCRIBE carrying a stream id is refused; the master is still fine afterwards.
    const withStream = await postJson(
      cluster.url,
      '/api/v1/scheduler',
      { type: 'SUBSCRIBE', subscribe: { framework_info: FRAMEWORK } },
      { 'Mesos-Stream-Id': 'x' },
    );
    expect(withStream.status).toBe(400);
    expect(withStream.body.toString()).toBe("Subscribe calls should not include the 'Mesos-Stream-Id' header");
    expect((await httpRequest(cluster.url, 'GET', '/health')).status).toBe(200);
  });

  it('a client that disconnects in the middle of the stream leaves the framework disconnected, not the master broken', async () => {
    cluster = await startTestCluster();
    const url = new URL(cluster.url);
    const body = Buffer.from(JSON.stringify({ type: 'SUBSCRIBE', subscribe: { framework_info: FRAMEWORK } }));
    const socket = net.connect({ host: url.hostname, port: Number(url.port) });
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(
      rawPost(url.hostname, Number(url.port), '/api/v1/scheduler', body, {
        'Content-Type': 'application/json',
        Accept: 'application/json',
      }),
    );
    // Read just the first bytes of the stream, then vanish without a FIN (reset).
    await new Promise<void>((resolve) => socket.once('data', () => resolve()));
    socket.resetAndDestroy();
    await waitUntil(
      async () => {
        const fws = await getJson<Ev>(cluster!.url, '/master/frameworks');
        return fws.frameworks.length === 1 && fws.frameworks[0].connected === false && fws.frameworks[0].active === false;
      },
      5_000,
      'disconnection',
    );
    const fws = await getJson<Ev>(cluster.url, '/master/frameworks');
    // Its offers went back; another framework gets them.
    expect(fws.frameworks[0].offers).toEqual([]);
    const other = await subscribeFramework(cluster.url, { ...FRAMEWORK, name: 'other' });
    await other.stream.waitForEvent<Ev>((e) => e.type === 'OFFERS');
    // Calls for the disconnected framework: 403 "Framework is not subscribed".
    const res = await postJson(
      cluster.url,
      '/api/v1/scheduler',
      { type: 'RECONCILE', framework_id: { value: fws.frameworks[0].id }, reconcile: {} },
      { 'Mesos-Stream-Id': 'x' },
    );
    expect(res.status).toBe(403);
    expect(res.body.toString()).toBe('Framework is not subscribed');
    other.stream.close();
  });

  it('a client that half-sends a request and hangs up does not disturb other streams', async () => {
    cluster = await startTestCluster();
    const fw = await subscribeFramework(cluster.url, FRAMEWORK);
    const url = new URL(cluster.url);
    const socket = net.connect({ host: url.hostname, port: Number(url.port) });
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(
      'POST /api/v1/scheduler HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"type": "SUBSC',
    );
    socket.destroy();
    expect((await fw.call('RECONCILE', { reconcile: {} })).status).toBe(202);
    // A RecordIO frame written at the master as a body is just a malformed JSON body.
    const framed = await scheduler(encodeRecord(Buffer.from('{"type":"HEARTBEAT"}')), { 'Content-Type': 'application/json' });
    expect(framed.status).toBe(400);
    expect(fw.stream.socketClosed).toBe(false);
    fw.stream.close();
  });

  it('LAUNCH on an offer rescinded because its agent was lost gets TASK_LOST (invalid offers)', async () => {
    cluster = await startTestCluster({ agents: 2, master: { agentPingIntervalMs: 50, agentTimeoutMs: 200 } });
    const fw = await subscribeFramework(cluster.url, FRAMEWORK);
    await fw.stream.waitFor(() => fw.stream.json<Ev>().flatMap((e) => e.offers?.offers ?? []).length === 2, 5_000, 'two offers');
    const offers = fw.stream.json<Ev>().flatMap((e) => (e.offers?.offers ?? []) as Ev[]);
    const victim = cluster.agents[0];
    const offer = offers.find((o) => o.agent_id.value === victim?.agentId) as Ev;
    if (victim === undefined) throw new Error('no agent');
    victim.responsive = false;
    const rescind = await fw.stream.waitForEvent<Ev>((e) => e.type === 'RESCIND', 5_000, 'RESCIND');
    expect(rescind.rescind.offer_id.value).toBe(offer.id.value);
    await fw.stream.waitForEvent<Ev>((e) => e.type === 'FAILURE' && e.failure.agent_id.value === victim.agentId, 5_000, 'FAILURE');
    const accept = await fw.call('ACCEPT', {
      accept: {
        offer_ids: [offer.id],
        operations: [
          {
            type: 'LAUNCH',
            launch: {
              task_infos: [
                {
                  name: 't',
                  task_id: { value: 't' },
                  agent_id: offer.agent_id,
                  resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 } }],
                  command: { value: 'sleep 600' },
                },
              ],
            },
          },
        ],
      },
    });
    expect(accept.status).toBe(202);
    const lost = await fw.stream.waitForEvent<Ev>((e) => e.update?.status.task_id.value === 't');
    expect(lost.update.status).toMatchObject({
      state: 'TASK_LOST',
      reason: 'REASON_INVALID_OFFERS',
      message: `Task launched with invalid offers: Offer ${offer.id.value} is no longer valid`,
    });
    const state = await getJson<Ev>(cluster.url, '/master/state');
    expect(state.unreachable_slaves).toBe(1);
    expect(state.slaves.map((s: Ev) => s.id)).toEqual([cluster.agents[1]?.agentId]);
    fw.stream.close();
  });

  it('a second SUBSCRIBE for the same framework id ends the first stream with ERROR "Framework failed over"', async () => {
    cluster = await startTestCluster();
    const first = await subscribeFramework(cluster.url, FRAMEWORK);
    const second = await subscribeFramework(
      cluster.url,
      { ...FRAMEWORK, id: { value: first.frameworkId } },
      { frameworkId: first.frameworkId },
    );
    expect(second.frameworkId).toBe(first.frameworkId);
    expect(second.streamId).not.toBe(first.streamId);
    const error = await first.stream.waitForEvent<Ev>((e) => e.type === 'ERROR');
    expect(error.error.message).toBe('Framework failed over');
    await first.stream.waitFor(() => first.stream.ended, 5_000, 'end of the old stream');
    // The old stream id is now refused; the new one works.
    const old = await first.call('RECONCILE', { reconcile: {} });
    expect(old.status).toBe(400);
    expect(old.body.toString()).toBe(
      `The stream ID '${first.streamId}' included in this request didn't match the stream ID currently associated with framework ID ${first.frameworkId}`,
    );
    expect((await second.call('RECONCILE', { reconcile: {} })).status).toBe(202);
    // Offers are made again to the new subscription.
    await second.stream.waitForEvent<Ev>((e) => e.type === 'OFFERS');
    first.stream.close();
    second.stream.close();
  });

  it('SUBSCRIBE answers 406 for an Accept it cannot serve, and follows q-values', async () => {
    cluster = await startTestCluster();
    const html = await subscribeJson(cluster.url, FRAMEWORK, { accept: 'text/html' });
    expect(html.head?.status).toBe(406);
    html.close();
    const preferProtobuf = await subscribeJson(cluster.url, FRAMEWORK, { accept: 'application/json;q=0, application/*' });
    expect(preferProtobuf.head?.headers['content-type']).toBe('application/x-protobuf');
    preferProtobuf.close();
  });
});
