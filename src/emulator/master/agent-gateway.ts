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
  AcknowledgementsRequest,
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

const MAX_ACKNOWLEDGEMENTS_PER_MESSAGE = 500;
/** Launches share a message up to this size (an agent takes 16 MB; one TaskInfo may be large). */
const MAX_LAUNCHES_MESSAGE_BYTES = 4 * 1024 * 1024;
const ACKNOWLEDGEMENT_MESSAGES_IN_FLIGHT = 2;

export interface HttpAgentGatewayOptions {
  /** See MESSAGE_TIMEOUT_MS. */
  requestTimeoutMs?: number;
  log?: (message: string) => void;
}

export class HttpAgentGateway implements AgentGateway {
  private readonly pool = new HttpAgent({ keepAlive: true, maxSockets: 16 });
  private readonly queues = new Map<string, Promise<void>>();
  /** Acknowledgements not yet sent, by agent endpoint (see acknowledge). */
  private readonly acknowledgementOutboxes = new Map<string, { pending: AcknowledgeRequest[]; inFlight: number; scheduled: boolean }>();
  /** Launches not yet sent, by agent endpoint (see launch). */
  private readonly launchOutboxes = new Map<string, LaunchTaskRequest[]>();
  private batches = 0;
  private closed = false;

  constructor(private readonly options: HttpAgentGatewayOptions = {}) {}

  /**
   * The launches of one turn of the event loop for one agent (an ACCEPT's tasks) leave in one message
   * (AGENT_INTERNAL.launches): a message per task cost the master an HTTP exchange per task. Any
   * other message for the agent sends them first, so nothing overtakes a launch made before it.
   */
  launch(endpoint: string, message: LaunchTaskRequest): void {
    if (this.closed) return;
    const pending = this.launchOutboxes.get(endpoint);
    if (pending !== undefined) {
      pending.push(message);
      return;
    }
    this.launchOutboxes.set(endpoint, [message]);
    setImmediate(() => this.sendLaunches(endpoint));
  }

  private sendLaunches(endpoint: string): void {
    const launches = this.launchOutboxes.get(endpoint);
    if (launches === undefined) return;
    this.launchOutboxes.delete(endpoint);
    let tasks: string[] = [];
    let parts: string[] = [];
    let bytes = 0;
    const send = (): void => {
      // The JSON of a LaunchTasksRequest, from its launches' JSON.
      void this.enqueue(endpoint, tasks, AGENT_INTERNAL.launches, `{"launches":[${parts.join(',')}]}`);
      tasks = [];
      parts = [];
      bytes = 0;
    };
    for (const launch of launches) {
      const json = JSON.stringify(launch);
      if (parts.length > 0 && bytes + json.length > MAX_LAUNCHES_MESSAGE_BYTES) send();
      tasks.push(`${launch.framework_id.value}/${launch.task.task_id.value}`);
      parts.push(json);
      bytes += json.length + 1;
    }
    send();
  }

  kill(endpoint: string, message: KillTaskRequest): void {
    this.sendLaunches(endpoint);
    this.enqueue(endpoint, [`${message.framework_id.value}/${message.task_id.value}`], AGENT_INTERNAL.kill, JSON.stringify(message));
  }

  /**
   * Acknowledgements for one agent leave in messages of several (AGENT_INTERNAL.acknowledgements):
   * at most ACKNOWLEDGEMENT_MESSAGES_IN_FLIGHT per agent at once, and whatever comes meanwhile waits
   * for the next, so the busier the agent the fuller the messages, and an idle one gets each at once.
   * A task has at most one unacknowledged update at a time, so two acknowledgements of one task are
   * never in flight together and need no ordering.
   */
  acknowledge(endpoint: string, message: AcknowledgeRequest): void {
    if (this.closed) return;
    let outbox = this.acknowledgementOutboxes.get(endpoint);
    if (outbox === undefined) {
      outbox = { pending: [], inFlight: 0, scheduled: false };
      this.acknowledgementOutboxes.set(endpoint, outbox);
    }
    outbox.pending.push(message);
    if (outbox.scheduled || outbox.inFlight >= ACKNOWLEDGEMENT_MESSAGES_IN_FLIGHT) return;
    outbox.scheduled = true;
    // Whatever else this turn of the event loop acknowledges goes in the same message.
    setImmediate(() => this.sendAcknowledgements(endpoint, false));
  }

  /** `all`: everything pending leaves now, whatever is in flight (before a message that must follow them). */
  private sendAcknowledgements(endpoint: string, all: boolean): void {
    const outbox = this.acknowledgementOutboxes.get(endpoint);
    if (outbox === undefined) return;
    outbox.scheduled = false;
    while (outbox.pending.length > 0 && (all || outbox.inFlight < ACKNOWLEDGEMENT_MESSAGES_IN_FLIGHT)) {
      const acknowledgements = outbox.pending.splice(0, MAX_ACKNOWLEDGEMENTS_PER_MESSAGE);
      outbox.inFlight++;
      const message: AcknowledgementsRequest = { acknowledgements };
      void this.enqueue(endpoint, [`acknowledgements ${this.batches++}`], AGENT_INTERNAL.acknowledgements, JSON.stringify(message)).then(
        () => {
          outbox.inFlight--;
          if (outbox.inFlight === 0 && outbox.pending.length === 0) this.acknowledgementOutboxes.delete(endpoint);
          else this.sendAcknowledgements(endpoint, false);
        },
      );
    }
  }

  /** Goes out after everything already queued for the agent, whatever the task. */
  shutdownFramework(endpoint: string, message: ShutdownFrameworkRequest): void {
    this.sendLaunches(endpoint);
    this.sendAcknowledgements(endpoint, true);
    this.enqueue(endpoint, undefined, AGENT_INTERNAL.shutdownFramework, JSON.stringify(message));
  }

  /** Goes out after everything already queued for the agent (an ACK of the old scheduler first). */
  updateFramework(endpoint: string, message: UpdateFrameworkRequest): void {
    this.sendLaunches(endpoint);
    this.sendAcknowledgements(endpoint, true);
    this.enqueue(endpoint, undefined, AGENT_INTERNAL.updateFramework, JSON.stringify(message));
  }

  ping(endpoint: string, message: PingRequest, timeoutMs: number): Promise<number> {
    return this.post(endpoint, AGENT_INTERNAL.ping, JSON.stringify(message), timeoutMs);
  }

  close(): void {
    this.closed = true;
    this.pool.destroy();
  }

  /**
   * Messages about one task keep their order (a KILL never overtakes its LAUNCH, ACKs stay in
   * sequence); different tasks proceed in parallel. A message about several tasks waits for each of
   * them; one about no task (`tasks` undefined) waits for all of them.
   */
  private enqueue(endpoint: string, tasks: string[] | undefined, path: string, json: string): Promise<void> {
    if (this.closed) return Promise.resolve();
    const prefix = `${endpoint} `;
    const barrier = `${prefix}*`;
    const keys = tasks === undefined ? [barrier] : tasks.map((task) => `${prefix}${task}`);
    const before =
      tasks === undefined
        ? Promise.all([...this.queues].filter(([k]) => k.startsWith(prefix)).map(([, p]) => p))
        : Promise.all([...keys.map((key) => this.queues.get(key)), this.queues.get(barrier)]);
    const next = before.then(async () => {
      const status = await this.post(endpoint, path, json, this.options.requestTimeoutMs ?? MESSAGE_TIMEOUT_MS);
      if (status !== 200) this.options.log?.(`agent ${endpoint} answered ${status > 0 ? status : 'nothing'} to ${path}`);
    });
    for (const key of keys) this.queues.set(key, next);
    void next.then(() => {
      for (const key of keys) if (this.queues.get(key) === next) this.queues.delete(key);
    });
    return next;
  }

  /** The status the agent answers; 0 when the connection failed, -1 when no answer came within `timeoutMs`. */
  private async post(endpoint: string, path: string, json: string, timeoutMs: number): Promise<number> {
    if (this.closed) return 0;
    try {
      const answer = await httpRequest({
        url: `${endpoint}${path}`,
        method: 'POST',
        agent: this.pool,
        timeoutMs,
        headers: { 'Content-Type': 'application/json' },
        body: json,
      });
      return answer.status;
    } catch (error) {
      return error instanceof HttpRequestError && error.failure === 'timeout' ? -1 : 0;
    }
  }
}
