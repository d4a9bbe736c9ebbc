import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpAgentGateway } from '../../../../src/emulator/master/agent-gateway.js';
import { AGENT_INTERNAL } from '../../../../src/emulator/internal-protocol.js';

/** An agent endpoint that records each message (path and body) in arrival order. */
async function recordingAgent(): Promise<{ server: Server; endpoint: string; received: Array<{ path: string; body: any }> }> {
  const received: Array<{ path: string; body: any }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString()) });
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

const ack = (task: string) => ({ framework_id: { value: 'fw' }, task_id: { value: task }, uuid: `u-${task}` });

let cleanup: Array<() => void> = [];
afterEach(() => {
  for (const step of cleanup) step();
  cleanup = [];
});

describe('the master -> agent gateway', () => {
  it('sends the acknowledgements of one turn of the event loop as one message, in order', async () => {
    const agent = await recordingAgent();
    const gateway = new HttpAgentGateway();
    cleanup.push(
      () => gateway.close(),
      () => agent.server.close(),
    );
    for (const task of ['a', 'b', 'c']) gateway.acknowledge(agent.endpoint, ack(task));
    await expect.poll(() => agent.received.length).toBe(1);
    expect(agent.received[0]).toEqual({
      path: AGENT_INTERNAL.acknowledgements,
      body: { acknowledgements: [ack('a'), ack('b'), ack('c')] },
    });
  });

  it('a framework update goes after the acknowledgements made before it', async () => {
    const agent = await recordingAgent();
    const gateway = new HttpAgentGateway();
    cleanup.push(
      () => gateway.close(),
      () => agent.server.close(),
    );
    gateway.acknowledge(agent.endpoint, ack('a'));
    gateway.updateFramework(agent.endpoint, { framework_id: { value: 'fw' }, framework_info: { user: 'root', name: 'fw' } });
    await expect.poll(() => agent.received.length).toBe(2);
    expect(agent.received.map((message) => message.path)).toEqual([AGENT_INTERNAL.acknowledgements, AGENT_INTERNAL.updateFramework]);
  });
});

const launch = (task: string) => ({
  framework_id: { value: 'fw' },
  framework_info: { user: 'root', name: 'fw' },
  task: { name: task, task_id: { value: task }, agent_id: { value: 'a1' }, resources: [], command: { value: 'true' } },
});

describe('launches', () => {
  it('of one turn of the event loop leave for their agent as one message, in order', async () => {
    const agent = await recordingAgent();
    const gateway = new HttpAgentGateway();
    cleanup.push(
      () => gateway.close(),
      () => agent.server.close(),
    );
    for (const task of ['a', 'b', 'c']) gateway.launch(agent.endpoint, launch(task));
    await expect.poll(() => agent.received.length).toBe(1);
    expect(agent.received[0]).toEqual({ path: AGENT_INTERNAL.launches, body: { launches: [launch('a'), launch('b'), launch('c')] } });
  });

  it('a kill made after a launch in the same turn goes after it', async () => {
    const agent = await recordingAgent();
    const gateway = new HttpAgentGateway();
    cleanup.push(
      () => gateway.close(),
      () => agent.server.close(),
    );
    gateway.launch(agent.endpoint, launch('a'));
    gateway.kill(agent.endpoint, { framework_id: { value: 'fw' }, task_id: { value: 'a' } });
    await expect.poll(() => agent.received.length).toBe(2);
    expect(agent.received.map((message) => message.path)).toEqual([AGENT_INTERNAL.launches, AGENT_INTERNAL.kill]);
  });
});
