/**
 * Master -> agent messages of the local cluster (`AGENT_INTERNAL`), as JSON POSTs. Messages about
 * one task leave in order (a KILL never overtakes the LAUNCH it refers to); like libprocess messages
 * they are fire-and-forget: a lost message is healed by re-registration and reconciliation, and an
 * agent that stops answering is caught by the liveness pings.
 */
import { Agent as HttpAgent } from 'node:http';
import { AGENT_INTERNAL } from '../internal-protocol.js';
import type {
  AcknowledgeRequest,
  KillTaskRequest,
  LaunchTaskRequest,
  ShutdownFrameworkRequest,
  UpdateFrameworkRequest,
} from '../internal-protocol.js';
import { HttpRequestError, httpRequest } from '../../shared/http-request.js';

export interface PingRequest {
  master_id: string;
  agent_id: { value: string };
}

export interface AgentGateway {
  launch(endpoint: string, message: LaunchTaskRequest): void;
  kill(endpoint: string, message: KillTaskRequest): void;
  acknowledge(endpoint: string, message: AcknowledgeRequest): void;
  shutdownFramework(endpoint: string, message: ShutdownFrameworkRequest): void;
  updateFramework(endpoint: string, message: UpdateFrameworkRequest): void;
  /**
   * Resolves the HTTP status of the ping: 0 when the connection failed (refused, reset), -1 when
   * the agent did not answer within `timeoutMs`.
   */
  ping(endpoint: string, message: PingRequest, timeoutMs: number): Promise<number>;
  close(): void;
}

/**
 * How long a message may take to be answered, queueing for a connection included. A libprocess
 * message is not dropped because its agent is busy; a lost agent is found by the pings. With 10 s, a
 * burst of a thousand launches to a busy agent lost some of them for good (the scheduler saw them
 * STAGING forever); two minutes only ends a request to a hung agent.
 */
const MESSAGE_TIMEOUT_MS = 120_000;

export interface HttpAgentGatewayOptions {
  /** See MESSAGE_TIMEOUT_MS. */
  requestTimeoutMs?: number;
  log?: (message: string) => void;
}

export class HttpAgentGateway implements AgentGateway {
  private readonly pool = new HttpAgent({ keepAlive: true, maxSockets: 16 });
  private readonly queues = new Map<string, Promise<void>>();
  private closed = false;

  constructor(private readonly options: HttpAgentGatewayOptions = {}) {}

  launch(endpoint: string, message: LaunchTaskRequest): void {
    this.enqueue(endpoint, `${message.framework_id.value}/${message.task.task_id.value}`, AGENT_INTERNAL.launch, message);
  }

  kill(endpoint: string, message: KillTaskRequest): void {
    this.enqueue(endpoint, `${message.framework_id.value}/${message.task_id.value}`, AGENT_INTERNAL.kill, message);
  }

  acknowledge(endpoint: string, message: AcknowledgeRequest): void {
    this.enqueue(endpoint, `${message.framework_id.value}/${message.task_id.value}`, AGENT_INTERNAL.acknowledge, message);
  }

  /** Goes out after everything already queued for the agent, whatever the task. */
  shutdownFramework(endpoint: string, message: ShutdownFrameworkRequest): void {
    this.enqueue(endpoint, undefined, AGENT_INTERNAL.shutdownFramework, message);
  }

  /** Goes out after everything already queued for the agent (an ACK of the old scheduler first). */
  updateFramework(endpoint: string, message: UpdateFrameworkRequest): void {
    this.enqueue(endpoint, undefined, AGENT_INTERNAL.updateFramework, message);
  }

  ping(endpoint: string, message: PingRequest, timeoutMs: number): Promise<number> {
    return this.post(endpoint, AGENT_INTERNAL.ping, message, timeoutMs);
  }

  close(): void {
    this.closed = true;
    this.pool.destroy();
  }

  /**
   * Messages about one task keep their order (a KILL never overtakes its LAUNCH, ACKs stay in
   * sequence); different tasks proceed in parallel. A message about no task waits for all of them.
   */
  private enqueue(endpoint: string, task: string | undefined, path: string, message: unknown): void {
    if (this.closed) return;
    const prefix = `${endpoint} `;
    const barrier = `${prefix}*`;
    const key = task === undefined ? barrier : `${prefix}${task}`;
    const before =
      task === undefined
        ? Promise.all([...this.queues].filter(([k]) => k.startsWith(prefix)).map(([, p]) => p))
        : Promise.all([this.queues.get(key), this.queues.get(barrier)]);
    const next = before.then(async () => {
      const status = await this.post(endpoint, path, message, this.options.requestTimeoutMs ?? MESSAGE_TIMEOUT_MS);
      if (status !== 200) this.options.log?.(`agent ${endpoint} answered ${status > 0 ? status : 'nothing'} to ${path}`);
    });
    this.queues.set(key, next);
    void next.then(() => {
      if (this.queues.get(key) === next) this.queues.delete(key);
    });
  }

  /** The status the agent answers; 0 when the connection failed, -1 when no answer came within `timeoutMs`. */
  private async post(endpoint: string, path: string, message: unknown, timeoutMs: number): Promise<number> {
    if (this.closed) return 0;
    try {
      const answer = await httpRequest({
        url: `${endpoint}${path}`,
        method: 'POST',
        agent: this.pool,
        timeoutMs,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(message),
      });
      return answer.status;
    } catch (error) {
      return error instanceof HttpRequestError && error.failure === 'timeout' ? -1 : 0;
    }
  }
}
