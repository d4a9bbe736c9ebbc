/**
 * The local Mesos master: an HTTP server on a 127.x address that speaks the Mesos 1.12 scheduler,
 * operator and state APIs, over the state machine in `master-core.ts`, talking to local agents over
 * `internal-protocol.ts`. Optionally elected through ZooKeeper (`zk`), and restartable in place like
 * a master failover: only the registry (admitted agents) survives; agents re-register with their
 * tasks and schedulers must re-subscribe with their framework id.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { coalesceWritesPerTurn } from '../../shared/turn-coalesced-writes.js';
import { pushKeepingLatest } from '../../shared/keep-latest.js';
import os from 'node:os';
import path from 'node:path';
import type { MasterInfo } from '../../mesos/protocol/types.js';
import { HttpAgentGateway, type AgentGateway } from './agent-gateway.js';
import { systemClock, type TimerHandle } from '../../shared/clock.js';
import type { MasterClock } from './clock.js';
import { defaultCodecs, type MasterCodecs } from './codec-adapter.js';
import { route, type RoutingContext } from './http-server.js';
import type { SchedulerCallRecord } from './scheduler-endpoint.js';
import { IdGenerator, ipv4ToMesosInt } from './ids.js';
import { ZooKeeperLeaderElection } from './leader-election.js';
import { MasterCore } from './master-core.js';
import { MESOS_1_12_API, type EmulatedMesosApi } from '../mesos-api.js';
import type { SchedulerConnection } from './model.js';
import { Registry } from './registry.js';
import { MASTER_CAPABILITIES, MESOS_VERSION, type StateContext } from './state-json.js';
import { isLoopbackIPv4 } from '../../shared/loopback.js';

export interface LocalMasterOptions {
  /** The Mesos version emulated and the APIs it has (default 1.12). */
  api?: EmulatedMesosApi;
  /** A 127.x.y.z address. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  heartbeatIntervalSeconds?: number;
  allocationIntervalMs?: number;
  /** How often agents are pinged (Mesos: 15 s). */
  agentPingIntervalMs?: number;
  /** An agent silent for this long is marked unreachable (Mesos: 5 pings x 15 s). */
  agentTimeoutMs?: number;
  /** After a restart, how long registry agents have to come back (Mesos: 10 min). */
  agentReregisterTimeoutMs?: number;
  /** `zk://127.0.0.1:2181/mesos`: join leader election instead of leading alone. */
  zk?: string;
  zkSessionTimeoutMs?: number;
  /** How long to wait for the first ZooKeeper connection before `start` fails (default 15 s). */
  zkConnectTimeoutMs?: number;
  /**
   * After winning a ZooKeeper election, how long every API call is answered with a 307 to this
   * master itself, as real Mesos 1.12 does until it has recovered as leader (about 6 s, the
   * default; 0: no window). A standalone master (no `zk`) leads at once and has no window.
   */
  takeoverRedirectMs?: number;
  /** Where the registry (and nothing else) is kept across process restarts. */
  workDir?: string;
  clock?: MasterClock;
  codecs?: MasterCodecs;
  gateway?: AgentGateway;
  /** Serves `/local-cluster/...` (the local cluster's control endpoint, see cluster-control.ts). */
  control?: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  log?: (message: string) => void;
}

/** Seen on Mesos 1.12: about 6 s of self-redirects after the election before the master serves. */
export const DEFAULT_TAKEOVER_REDIRECT_MS = 6_000;

/** Enough scheduler calls for a test to count those of one episode. */
const MAX_CALL_LOG = 10_000;

export class LocalMaster {
  private readonly host: string;
  private requestedPort: number;
  private boundPort = 0;
  private readonly clock: MasterClock;
  private readonly codecs: MasterCodecs;
  private readonly gateway: AgentGateway;
  private readonly registry: Registry;
  private readonly streams = new Set<SchedulerConnection & { abort(): void }>();
  private readonly callLog: SchedulerCallRecord[] = [];
  private server: Server | undefined;
  private core: MasterCore | undefined;
  private ids: IdGenerator;
  private election: ZooKeeperLeaderElection | undefined;
  private isElected = false;
  private leaderInfo: MasterInfo | undefined;
  private electedAt: number | undefined;
  /** Until when (clock ms) a newly elected master redirects API calls to itself. */
  private takingOverUntil = 0;
  private pingTimer: TimerHandle | undefined;
  private pinging = false;
  private readonly routing: RoutingContext;

  constructor(private readonly options: LocalMasterOptions = {}) {
    this.host = options.host ?? '127.0.0.1';
    if (!isLoopbackIPv4(this.host)) throw new Error(`the local master binds to 127.x.y.z only, not ${this.host}`);
    this.requestedPort = options.port ?? 0;
    this.clock = options.clock ?? systemClock;
    this.codecs = options.codecs ?? defaultCodecs();
    this.gateway = options.gateway ?? new HttpAgentGateway({ log: options.log });
    this.registry = Registry.inWorkDir(options.workDir === undefined ? undefined : path.join(options.workDir, 'master'));
    this.ids = new IdGenerator();
    this.routing = {
      core: () => this.state,
      elected: () => this.isElected && this.core !== undefined,
      takingOver: () => this.takingOver,
      leader: () => this.leader,
      stateContext: () => this.stateContext(),
      scheduler: {
        core: () => this.state,
        codec: this.codecs,
        clock: this.clock,
        heartbeatIntervalSeconds: options.heartbeatIntervalSeconds ?? 15,
        streams: this.streams,
        masterPid: () => `master@${this.host}:${this.port}`,
        streamIds: options.api?.streamIds ?? true,
        log: (m) => this.log(m),
        onCall: (call) => pushKeepingLatest(this.callLog, call, MAX_CALL_LOG),
      },
      operator: {
        core: () => this.state,
        codec: this.codecs,
        masterInfo: () => this.masterInfo(),
        startTime: () => this.state.startTime,
        electedTime: () => this.electedAt,
      },
      maxBodyBytes: 16 * 1024 * 1024,
      api: options.api ?? MESOS_1_12_API,
      ...(options.control === undefined ? {} : { control: options.control }),
      log: (m) => this.log(m),
    };
  }

  /** `http://127.0.0.1:5050` (after `start`). */
  get url(): string {
    return `http://${this.host}:${this.port}`;
  }

  get port(): number {
    return this.boundPort;
  }

  /** The latest scheduler calls received (at most MAX_CALL_LOG), oldest first: tests count them. */
  get schedulerCalls(): readonly SchedulerCallRecord[] {
    return this.callLog;
  }

  get masterId(): string {
    return this.ids.masterId;
  }

  get elected(): boolean {
    return this.isElected;
  }

  /** Elected through ZooKeeper, but still answering API calls with a 307 to itself. */
  get takingOver(): boolean {
    return this.isElected && this.clock.now() < this.takingOverUntil;
  }

  /** The leader as this master knows it (itself when elected). */
  get leader(): MasterInfo | undefined {
    return this.isElected ? this.masterInfo() : this.leaderInfo;
  }

  /** The state machine (tests inspect it). */
  get state(): MasterCore {
    if (this.core === undefined) throw new Error('the local master is not running');
    return this.core;
  }

  masterInfo(): MasterInfo {
    return {
      id: this.ids.masterId,
      ip: ipv4ToMesosInt(this.host),
      port: this.port,
      pid: `master@${this.host}:${this.port}`,
      hostname: this.host,
      version: this.options.api?.version ?? MESOS_VERSION,
      address: { hostname: this.host, ip: this.host, port: this.port },
      capabilities: MASTER_CAPABILITIES.map((type) => ({ type })),
    };
  }

  async start(): Promise<void> {
    if (this.server !== undefined) return;
    const server = createServer({ keepAliveTimeout: 0, requestTimeout: 0 }, (req, res) => {
      route(req, res, this.routing).catch((error: unknown) => {
        this.log(`request ${req.method ?? ''} ${req.url ?? ''} failed: ${String(error)}`);
        if (!res.headersSent) {
          res.writeHead(500, { 'Content-Length': '0' });
          res.end();
        } else res.destroy();
      });
    });
    // The answers and events of one turn leave in one write per connection.
    server.on('connection', coalesceWritesPerTurn);
    // Subscription streams are long-lived; no idle or header timeouts may cut them.
    server.headersTimeout = 0;
    server.timeout = 0;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.requestedPort, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    this.boundPort = typeof address === 'object' && address !== null ? address.port : this.requestedPort;
    // A restart comes back on the same port.
    this.requestedPort = this.boundPort;
    this.server = server;
    await this.bringUp();
  }

  /** Stops serving and forgets everything but the registry (a master process exiting). */
  async stop(): Promise<void> {
    await this.bringDown();
    const server = this.server;
    this.server = undefined;
    if (server !== undefined) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    this.gateway.close();
  }

  /**
   * A master process restart in place: every connection drops, all state but the registry is lost,
   * a new master id is chosen. Agents are nudged with a ping carrying the new master id: those that
   * find the master through ZooKeeper re-register with their tasks, standalone ones wait for good
   * (as on Mesos). Schedulers re-subscribe with their framework id.
   */
  async restart(): Promise<void> {
    if (this.server === undefined) throw new Error('the local master is not running');
    await this.bringDown();
    this.server.closeAllConnections();
    this.ids = new IdGenerator();
    await this.bringUp();
  }

  private newCore(): MasterCore {
    return new MasterCore({
      clock: this.clock,
      ids: this.ids,
      gateway: this.gateway,
      // With a work dir the registry is re-read, as a newly elected master reads the replicated log.
      registry: this.options.workDir === undefined ? this.registry : Registry.inWorkDir(path.join(this.options.workDir, 'master')),
      masterInfo: () => this.masterInfo(),
      heartbeatIntervalSeconds: this.options.heartbeatIntervalSeconds ?? 15,
      allocationIntervalMs: this.options.allocationIntervalMs ?? 1000,
      agentReregisterTimeoutMs: this.options.agentReregisterTimeoutMs ?? 10 * 60_000,
      log: this.options.log,
    });
  }

  private async bringUp(): Promise<void> {
    this.core = undefined;
    this.isElected = false;
    this.leaderInfo = undefined;
    this.electedAt = undefined;
    if (this.options.zk === undefined) {
      this.becomeLeader();
    } else {
      const election = new ZooKeeperLeaderElection({
        zk: this.options.zk,
        masterInfo: this.masterInfo(),
        sessionTimeoutMs: this.options.zkSessionTimeoutMs,
        connectTimeoutMs: this.options.zkConnectTimeoutMs,
        log: this.options.log,
        onChange: (leader, elected) => {
          if (this.election !== election) return;
          this.leaderInfo = elected ? undefined : leader;
          if (elected && !this.isElected) this.becomeLeader();
          else if (!elected && this.isElected) this.loseLeadership();
        },
      });
      this.election = election;
      await election.start();
    }
    const pingEvery = this.options.agentPingIntervalMs ?? 15_000;
    this.pingTimer = this.clock.setInterval(() => void this.pingAgents(), pingEvery);
  }

  /** A newly elected master starts from the registry, like Mesos recovering from its log. */
  private becomeLeader(): void {
    this.core = this.newCore();
    this.isElected = true;
    this.electedAt = this.clock.now();
    // Agents may re-register meanwhile (Mesos agents re-register over libprocess, not this API).
    this.takingOverUntil =
      this.options.zk === undefined ? 0 : this.electedAt + (this.options.takeoverRedirectMs ?? DEFAULT_TAKEOVER_REDIRECT_MS);
    this.core.start();
    this.log(`Elected as the leading master ${this.masterId} at ${this.url}`);
    this.nudgeRegistryAgents();
  }

  /** A leader that loses its ZooKeeper membership stops leading; its state is no longer valid. */
  private loseLeadership(): void {
    this.isElected = false;
    this.electedAt = undefined;
    this.core?.stop();
    this.core = undefined;
    for (const s of [...this.streams]) s.abort();
    this.streams.clear();
  }

  private async bringDown(): Promise<void> {
    this.pingTimer?.cancel();
    this.pingTimer = undefined;
    const election = this.election;
    this.election = undefined;
    await election?.stop();
    // A dying process drops its connections: streams end without the final chunk.
    for (const s of [...this.streams]) s.abort();
    this.streams.clear();
    this.core?.stop();
    this.isElected = false;
  }

  private async pingAgents(): Promise<void> {
    const core = this.core;
    if (core === undefined || !this.isElected || this.pinging) return;
    this.pinging = true;
    try {
      const timeoutMs = this.options.agentTimeoutMs ?? 75_000;
      const now = this.clock.now();
      await Promise.all(
        [...core.agents.values()].map(async (agent) => {
          const status = await this.gateway.ping(
            agent.endpoint,
            { master_id: core.masterId, agent_id: { value: agent.id } },
            Math.min(timeoutMs, 5_000),
          );
          if (this.core !== core) return;
          if (status === 200) {
            core.noteAgentContact(agent.id);
            core.reconnectAgent(agent.id);
            return;
          }
          // Refused or reset (not merely slow): the connection to the agent is broken.
          if (status === 0) core.disconnectAgent(agent.id);
          if (now - agent.lastContact >= timeoutMs) core.markAgentUnreachable(agent.id, 'health check timed out');
        }),
      );
    } finally {
      this.pinging = false;
    }
  }

  /**
   * After a restart: tell the registry's agents there is a new master. This stands in for what
   * tells a real agent its master went away (the libprocess link to it exits) and, with ZooKeeper,
   * that a new one was elected: agents that find masters through ZooKeeper re-register now;
   * standalone agents wait for good, as real ones do (see the agent's master-link.ts).
   */
  private nudgeRegistryAgents(): void {
    const core = this.core;
    if (core === undefined) return;
    for (const agent of core.recoveredAgents.values()) {
      void this.gateway.ping(agent.endpoint, { master_id: core.masterId, agent_id: { value: agent.id } }, 2_000);
    }
  }

  private log(message: string): void {
    this.options.log?.(message);
  }

  private stateContext(): StateContext {
    return {
      core: this.state,
      self: this.masterInfo(),
      leader: this.leader,
      electedTime: this.electedAt,
      flags: this.flags(),
      logDir: path.join(this.options.workDir ?? os.tmpdir(), 'logs'),
    };
  }

  private flags(): Record<string, string> {
    const seconds = (ms: number): string => (ms % 60_000 === 0 ? `${ms / 60_000}mins` : `${ms / 1000}secs`);
    return {
      agent_ping_timeout: seconds(this.options.agentPingIntervalMs ?? 15_000),
      agent_reregister_timeout: seconds(this.options.agentReregisterTimeoutMs ?? 600_000),
      allocation_interval: seconds(this.options.allocationIntervalMs ?? 1000),
      allocator: 'hierarchical',
      authenticate_agents: 'false',
      authenticate_frameworks: 'false',
      authenticate_http_frameworks: 'false',
      authenticate_http_readonly: 'false',
      authenticate_http_readwrite: 'false',
      framework_sorter: 'drf',
      hostname: this.host,
      ip: this.host,
      max_agent_ping_timeouts: String(
        Math.max(1, Math.round((this.options.agentTimeoutMs ?? 75_000) / (this.options.agentPingIntervalMs ?? 15_000))),
      ),
      max_completed_frameworks: '50',
      max_completed_tasks_per_framework: '1000',
      min_allocatable_resources: 'cpus:0.01|mem:32',
      port: String(this.port),
      registry: this.options.workDir === undefined ? 'in_memory' : 'replicated_log',
      root_submissions: 'true',
      work_dir: this.options.workDir ?? '',
      ...(this.options.zk === undefined ? {} : { zk: this.options.zk, quorum: '1' }),
    };
  }
}
