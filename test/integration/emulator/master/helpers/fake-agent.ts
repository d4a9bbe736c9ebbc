/**
 * A minimal agent speaking `src/emulator/internal-protocol.ts`, for testing the master without real
 * processes: it registers (and re-registers when pinged by a different master, or answered 404),
 * records launches, kills and acknowledgements, and sends status updates one at a time per task,
 * the next only after the previous one was acknowledged, as Mesos' status update manager does.
 */
import { createServer, request, Agent as HttpAgent, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { AGENT_INTERNAL, MASTER_INTERNAL } from '../../../../../src/emulator/internal-protocol.js';
import type {
  AcknowledgeRequest,
  AgentTaskReport,
  KillTaskRequest,
  LaunchTaskRequest,
  LaunchTasksRequest,
  RegisterAgentRequest,
  RegisterAgentResponse,
  ShutdownFrameworkRequest,
} from '../../../../../src/emulator/internal-protocol.js';
import type { Resource, TaskState, TaskStatus } from '../../../../../src/mesos/protocol/types.js';

export interface FakeAgentOptions {
  hostname?: string;
  resources?: Resource[];
  masterUrl: () => string | undefined;
  /** Send TASK_STARTING then TASK_RUNNING for every launch (default true). */
  autoRun?: boolean;
}

interface TaskStream {
  frameworkId: string;
  queue: TaskStatus[];
  inFlight: boolean;
}

const DEFAULT_AGENT_RESOURCES: Resource[] = [
  {
    name: 'ports',
    type: 'RANGES',
    ranges: {
      range: [
        { begin: 19998, end: 19999 },
        { begin: 29998, end: 30000 },
      ],
    },
  },
  { name: 'cpus', type: 'SCALAR', scalar: { value: 2 } },
  { name: 'mem', type: 'SCALAR', scalar: { value: 2048 } },
  { name: 'disk', type: 'SCALAR', scalar: { value: 4096 } },
];

function uuidBase64(): string {
  return Buffer.from(randomUUID().replaceAll('-', ''), 'hex').toString('base64');
}

export class FakeAgent {
  readonly hostname: string;
  readonly launches: LaunchTaskRequest[] = [];
  readonly kills: KillTaskRequest[] = [];
  readonly acks: AcknowledgeRequest[] = [];
  readonly shutdowns: ShutdownFrameworkRequest[] = [];
  readonly pings: Array<{ master_id: string }> = [];
  /** Latest status per task (what a re-registration reports). */
  readonly tasks = new Map<string, AgentTaskReport>();
  agentId: string | undefined;
  masterId: string | undefined;
  /** When false the agent stops answering pings (and everything else): a silent agent. */
  responsive = true;
  private server: Server | undefined;
  private port = 0;
  private readonly streams = new Map<string, TaskStream>();
  private readonly pool = new HttpAgent({ keepAlive: true, maxSockets: 8 });
  private registering: Promise<void> | undefined;

  constructor(private readonly options: FakeAgentOptions) {
    this.hostname = options.hostname ?? '127.0.0.1';
  }

  get endpoint(): string {
    return `http://${this.hostname}:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (!this.responsive) {
          res.destroy();
          return;
        }
        const body = chunks.length === 0 ? {} : (JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown);
        this.handle(req.url ?? '', body);
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, this.hostname, resolve));
    const address = this.server.address();
    this.port = typeof address === 'object' && address !== null ? address.port : 0;
    await this.register();
  }

  async stop(): Promise<void> {
    this.pool.destroy();
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async register(): Promise<void> {
    if (this.registering !== undefined) return this.registering;
    this.registering = (async () => {
      const master = this.options.masterUrl();
      if (master === undefined) throw new Error('no master');
      const req: RegisterAgentRequest = {
        ...(this.agentId === undefined ? {} : { agent_id: { value: this.agentId } }),
        hostname: this.hostname,
        endpoint: this.endpoint,
        port: this.port,
        resources: this.options.resources ?? DEFAULT_AGENT_RESOURCES,
        version: '1.12.0',
        tasks: [...this.tasks.values()],
      };
      const res = await this.post(master, MASTER_INTERNAL.register, req);
      if (res.status !== 200) throw new Error(`register -> ${res.status}`);
      const answer = res.body as RegisterAgentResponse;
      this.agentId = answer.agent_id.value;
      this.masterId = answer.master_id;
      // Re-send the head of every stream to the (new) master.
      for (const stream of this.streams.values()) {
        stream.inFlight = false;
        void this.pump(stream);
      }
    })().finally(() => {
      this.registering = undefined;
    });
    return this.registering;
  }

  /** Queues a status update for a task (with a fresh uuid) and sends it when the stream is free. */
  update(frameworkId: string, taskId: string, state: TaskState, extra: Partial<TaskStatus> = {}): TaskStatus {
    const status: TaskStatus = {
      task_id: { value: taskId },
      state,
      source: 'SOURCE_EXECUTOR',
      agent_id: { value: this.agentId ?? '' },
      executor_id: { value: taskId },
      timestamp: Date.now() / 1000,
      uuid: uuidBase64(),
      container_status: {
        container_id: { value: `c-${taskId}` },
        network_infos: [{ ip_addresses: [{ protocol: 'IPv4', ip_address: this.hostname }] }],
        executor_pid: 4242,
      },
      ...extra,
    };
    const key = `${frameworkId}/${taskId}`;
    let stream = this.streams.get(key);
    if (stream === undefined) {
      stream = { frameworkId, queue: [], inFlight: false };
      this.streams.set(key, stream);
    }
    stream.queue.push(status);
    const report = this.tasks.get(key);
    if (report !== undefined) report.status = status;
    void this.pump(stream);
    return status;
  }

  /** Sends one update without queueing or waiting for acknowledgements (benchmarks). */
  blast(frameworkId: string, status: TaskStatus): Promise<number> {
    const master = this.options.masterUrl();
    if (master === undefined) return Promise.resolve(0);
    return this.post(master, MASTER_INTERNAL.statusUpdate, {
      agent_id: { value: this.agentId ?? '' },
      framework_id: { value: frameworkId },
      status,
    }).then((r) => r.status);
  }

  private async pump(stream: TaskStream): Promise<void> {
    const head = stream.queue[0];
    if (head === undefined || stream.inFlight) return;
    stream.inFlight = true;
    const master = this.options.masterUrl();
    if (master === undefined) return;
    const res = await this.post(master, MASTER_INTERNAL.statusUpdate, {
      agent_id: { value: this.agentId ?? '' },
      framework_id: { value: stream.frameworkId },
      status: head,
    }).catch(() => ({ status: 0, body: undefined }));
    if (res.status === 404) {
      stream.inFlight = false;
      await this.register().catch(() => undefined);
    }
  }

  private handle(path: string, body: unknown): void {
    switch (path) {
      case AGENT_INTERNAL.launch: {
        const launch = body as LaunchTaskRequest;
        this.launches.push(launch);
        const key = `${launch.framework_id.value}/${launch.task.task_id.value}`;
        this.tasks.set(key, {
          framework_id: launch.framework_id,
          framework_info: launch.framework_info,
          task: launch.task,
          status: { task_id: launch.task.task_id, state: 'TASK_STAGING' },
        });
        if (this.options.autoRun !== false) {
          this.update(launch.framework_id.value, launch.task.task_id.value, 'TASK_STARTING');
          this.update(launch.framework_id.value, launch.task.task_id.value, 'TASK_RUNNING');
        }
        return;
      }
      case AGENT_INTERNAL.launches: {
        // The real master's gateway sends one turn's launches for an agent together: each is one launch here.
        for (const launch of (body as LaunchTasksRequest).launches) this.handle(AGENT_INTERNAL.launch, launch);
        return;
      }
      case AGENT_INTERNAL.kill: {
        const kill = body as KillTaskRequest;
        this.kills.push(kill);
        if (this.tasks.has(`${kill.framework_id.value}/${kill.task_id.value}`)) {
          this.update(kill.framework_id.value, kill.task_id.value, 'TASK_KILLED', { message: 'Command terminated with signal Terminated' });
        }
        return;
      }
      case AGENT_INTERNAL.acknowledgements: {
        // The real master's gateway sends its acknowledgements in batches: each is one ACK here.
        for (const ack of (body as { acknowledgements: AcknowledgeRequest[] }).acknowledgements)
          this.handle(AGENT_INTERNAL.acknowledge, ack);
        return;
      }
      case AGENT_INTERNAL.acknowledge: {
        const ack = body as AcknowledgeRequest;
        this.acks.push(ack);
        const key = `${ack.framework_id.value}/${ack.task_id.value}`;
        const stream = this.streams.get(key);
        if (stream?.queue[0]?.uuid === ack.uuid) {
          const done = stream.queue.shift();
          stream.inFlight = false;
          if (
            done !== undefined &&
            ['TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_ERROR', 'TASK_LOST'].includes(done.state) &&
            stream.queue.length === 0
          ) {
            this.streams.delete(key);
            this.tasks.delete(key);
          }
          void this.pump(stream);
        }
        return;
      }
      case AGENT_INTERNAL.shutdownFramework: {
        const shutdown = body as ShutdownFrameworkRequest;
        this.shutdowns.push(shutdown);
        for (const key of [...this.tasks.keys()]) if (key.startsWith(`${shutdown.framework_id.value}/`)) this.tasks.delete(key);
        for (const key of [...this.streams.keys()]) if (key.startsWith(`${shutdown.framework_id.value}/`)) this.streams.delete(key);
        return;
      }
      case AGENT_INTERNAL.ping: {
        const ping = body as { master_id: string };
        this.pings.push(ping);
        if (this.masterId !== undefined && ping.master_id !== this.masterId) void this.register().catch(() => undefined);
        return;
      }
      default:
        return;
    }
  }

  private post(base: string, path: string, value: unknown): Promise<{ status: number; body: unknown }> {
    return new Promise((resolve) => {
      const payload = Buffer.from(JSON.stringify(value));
      const req = request(`${base}${path}`, {
        method: 'POST',
        agent: this.pool,
        headers: { 'Content-Type': 'application/json', 'Content-Length': payload.length },
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, body: text === '' ? undefined : (JSON.parse(text) as unknown) });
        });
      });
      req.on('error', () => resolve({ status: 0, body: undefined }));
      req.end(payload);
    });
  }
}
