/**
 * A tiny stand-in for the local master, enough to drive one LocalAgent: it accepts registrations and
 * status updates on 127.0.0.1, records them, and talks back to the agent's internal endpoints.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AGENT_INTERNAL,
  MASTER_INTERNAL,
  type LaunchTaskRequest,
  type RegisterAgentRequest,
  type StatusUpdateRequest,
  type StatusUpdatesRequest,
} from '../../../../src/emulator/internal-protocol.js';
import type { TaskInfo, TaskStatus } from '../../../../src/mesos/protocol/types.js';
import { postJson } from './http-client.js';

export interface Recorded<T> {
  at: number;
  body: T;
}

export async function waitFor<T>(probe: () => T | undefined | false, timeoutMs = 5_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export class FakeMaster {
  readonly registrations: Array<Recorded<RegisterAgentRequest>> = [];
  readonly updates: Array<Recorded<StatusUpdateRequest>> = [];
  /** HTTP status answered to status updates (404 tells the agent "unknown agent"). */
  statusAnswer = 200;
  /** Acknowledge every update carrying a uuid as soon as it arrives. */
  autoAck = false;
  masterId: string;
  private server: Server | undefined;
  private port = 0;
  private agentEndpoint: string | undefined;

  constructor(
    masterId = 'fake-master-1',
    readonly agentId = 'fake-S0',
  ) {
    this.masterId = masterId;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as unknown;
        const reply = (status: number, value: unknown): void => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(value));
        };
        if (req.url === MASTER_INTERNAL.register) {
          const registration = body as RegisterAgentRequest;
          this.registrations.push({ at: Date.now(), body: registration });
          this.agentEndpoint = registration.endpoint;
          reply(200, { agent_id: registration.agent_id ?? { value: this.agentId }, master_id: this.masterId });
        } else if (req.url === MASTER_INTERNAL.statusUpdate || req.url === MASTER_INTERNAL.statusUpdates) {
          // Agents send their updates in batches (StatusUpdatesRequest); each is recorded as one.
          const batch = body as StatusUpdatesRequest | StatusUpdateRequest;
          const updates: StatusUpdateRequest[] =
            'updates' in batch ? batch.updates.map((update) => ({ agent_id: batch.agent_id, ...update })) : [batch];
          const at = Date.now();
          for (const update of updates) this.updates.push({ at, body: update });
          reply(this.statusAnswer, this.statusAnswer === 200 ? {} : { error: 'unknown agent' });
          for (const update of updates) {
            if (this.autoAck && this.statusAnswer === 200 && update.status.uuid !== undefined) {
              void this.ack(update.status).catch(() => undefined);
            }
          }
        } else {
          reply(404, { error: 'no such endpoint' });
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private endpoint(): string {
    if (this.agentEndpoint === undefined) throw new Error('no agent registered');
    return this.agentEndpoint;
  }

  statusesOf(taskId: string): TaskStatus[] {
    return this.updates.map((u) => u.body.status).filter((s) => s.task_id.value === taskId);
  }

  /** Waits for the first update of `taskId` in `state` (optionally matching more). */
  waitForUpdate(
    taskId: string,
    state: TaskStatus['state'],
    timeoutMs = 5_000,
    extra: (s: TaskStatus) => boolean = () => true,
  ): Promise<TaskStatus> {
    return waitFor(() => this.statusesOf(taskId).find((s) => s.state === state && extra(s)), timeoutMs, `${state} of ${taskId}`);
  }

  async launch(
    task: TaskInfo,
    frameworkId = 'fw-0000',
    frameworkInfo: LaunchTaskRequest['framework_info'] = {
      user: 'root',
      name: 'alluxio-mesos-probe',
      failover_timeout: 60,
      checkpoint: true,
      hostname: '127.0.0.1',
      role: '*',
    },
  ): Promise<{ status: number; body: unknown }> {
    const request: LaunchTaskRequest = { framework_id: { value: frameworkId }, framework_info: frameworkInfo, task };
    return postJson(`${this.endpoint()}${AGENT_INTERNAL.launch}`, request);
  }

  async ack(status: TaskStatus, frameworkId = 'fw-0000'): Promise<{ status: number; body: unknown }> {
    return postJson(`${this.endpoint()}${AGENT_INTERNAL.acknowledge}`, {
      framework_id: { value: frameworkId },
      task_id: status.task_id,
      uuid: status.uuid,
    });
  }

  async kill(taskId: string, gracePeriodMs?: number, frameworkId = 'fw-0000'): Promise<{ status: number; body: unknown }> {
    return postJson(`${this.endpoint()}${AGENT_INTERNAL.kill}`, {
      framework_id: { value: frameworkId },
      task_id: { value: taskId },
      ...(gracePeriodMs !== undefined ? { grace_period_ms: gracePeriodMs } : {}),
    });
  }

  async ping(masterId = this.masterId): Promise<{ status: number; body: unknown }> {
    return postJson(`${this.endpoint()}${AGENT_INTERNAL.ping}`, { master_id: masterId });
  }
}

/** A command task as the scheduler would send it. */
export function commandTask(id: string, command: string, extra: Partial<TaskInfo> = {}): TaskInfo {
  return {
    name: id.replace(/-\d+$/, ''),
    task_id: { value: id },
    agent_id: { value: 'fake-S0' },
    resources: [
      { name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 }, role: '*' },
      { name: 'mem', type: 'SCALAR', scalar: { value: 32 }, role: '*' },
      { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 19998, end: 19998 }] }, role: '*' },
    ],
    command: { shell: true, value: command },
    ...extra,
  };
}
