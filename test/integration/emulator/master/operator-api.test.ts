import { afterEach, describe, expect, it } from 'vitest';
import { decodeOperatorResponse, encodeOperatorCall } from '../../../../src/emulator/mesos-codec/codec.js';
import { FRAMEWORK, startTestCluster, type TestCluster } from './helpers/cluster.js';
import { httpRequest, postJson, subscribeFramework } from './helpers/scheduler-client.js';

type Ev = Record<string, any>;

let cluster: TestCluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

async function operator(type: string, media: 'application/json' | 'application/x-protobuf' = 'application/json'): Promise<Ev> {
  const body = media === 'application/json' ? JSON.stringify({ type }) : encodeOperatorCall({ type } as never, media);
  const res = await httpRequest(cluster!.url, 'POST', '/api/v1', body, { 'Content-Type': media, Accept: media });
  expect(res.status, `${type}: ${res.body.toString()}`).toBe(200);
  expect(res.headers['content-type']).toBe(media);
  return decodeOperatorResponse(res.body, media) as unknown as Ev;
}

describe('local master: operator API (POST /api/v1)', () => {
  it('answers GET_VERSION, GET_HEALTH, GET_AGENTS, GET_FRAMEWORKS, GET_TASKS in JSON and protobuf', async () => {
    cluster = await startTestCluster({ agents: 2 });
    const fw = await subscribeFramework(cluster.url, FRAMEWORK);
    const offer = (await fw.stream.waitForEvent<Ev>((e) => e.type === 'OFFERS')).offers.offers[0] as Ev;
    await fw.call('ACCEPT', {
      accept: {
        offer_ids: [offer.id],
        operations: [
          {
            type: 'LAUNCH',
            launch: {
              task_infos: [
                {
                  name: 'op',
                  task_id: { value: 'op' },
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
    await fw.stream.waitForEvent<Ev>((e) => e.update?.status.state === 'TASK_STARTING');

    for (const media of ['application/json', 'application/x-protobuf'] as const) {
      const version = await operator('GET_VERSION', media);
      expect(version).toMatchObject({ type: 'GET_VERSION', get_version: { version_info: { version: '1.12.0' } } });
      expect((await operator('GET_HEALTH', media)).get_health).toEqual({ healthy: true });

      const agents = (await operator('GET_AGENTS', media)).get_agents;
      expect(agents.agents).toHaveLength(2);
      const busy = agents.agents.find((a: Ev) => a.agent_info.id.value === offer.agent_id.value);
      expect(busy.allocated_resources).toEqual([
        { name: 'cpus', type: 'SCALAR', scalar: { value: 1 }, role: '*', allocation_info: { role: '*' } },
      ]);
      expect(busy.total_resources.map((r: Ev) => r.name)).toEqual(['ports', 'cpus', 'mem', 'disk']);
      expect(busy.pid).toBe(`slave(1)@${busy.agent_info.hostname}:${busy.agent_info.port}`);
      expect(typeof busy.registered_time.nanoseconds).toBe('number');

      const frameworks = (await operator('GET_FRAMEWORKS', media)).get_frameworks;
      expect(frameworks.frameworks).toHaveLength(1);
      expect(frameworks.frameworks[0]).toMatchObject({
        framework_info: { id: { value: fw.frameworkId }, name: FRAMEWORK.name },
        active: true,
        connected: true,
        recovered: false,
      });

      const tasks = (await operator('GET_TASKS', media)).get_tasks;
      expect(tasks.tasks.map((t: Ev) => [t.task_id.value, t.state, t.agent_id.value])).toEqual([
        ['op', 'TASK_STARTING', offer.agent_id.value],
      ]);
      expect(tasks.tasks[0].status_update_state).toBe('TASK_STARTING');

      const state = (await operator('GET_STATE', media)).get_state;
      expect(state.get_tasks.tasks).toHaveLength(1);
      expect(state.get_agents.agents).toHaveLength(2);
    }
    fw.stream.close();
  });

  it('checks method, media types and the call like Mesos', async () => {
    cluster = await startTestCluster();
    const get = await httpRequest(cluster.url, 'GET', '/api/v1');
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
    const text = await httpRequest(cluster.url, 'POST', '/api/v1', '{}', { 'Content-Type': 'text/plain' });
    expect(text.status).toBe(415);
    const empty = await postJson(cluster.url, '/api/v1', {});
    expect(empty.status).toBe(400);
    expect(empty.body.toString()).toBe("Failed to validate master::Call: Expecting 'type' to be present");
    const html = await httpRequest(cluster.url, 'POST', '/api/v1', JSON.stringify({ type: 'GET_VERSION' }), {
      'Content-Type': 'application/json',
      Accept: 'text/html',
    });
    expect(html.status).toBe(406);
    const unsupported = await postJson(cluster.url, '/api/v1', { type: 'GET_METRICS', get_metrics: {} });
    expect(unsupported.status).toBe(501);
  });
});
