/**
 * An embedded Mesos cluster on loopback: one `LocalMaster` on 127.0.0.1 and N `LocalAgent`s on
 * 127.0.0.2, 127.0.0.3, ... Used in-process by `deploy --master local` and the integration tests,
 * and as its own process by `alluxio-mesos local-cluster` (SIGUSR2 restarts its master through
 * `commands/local-cluster/restart-signal.ts`), so that a scheduler can be killed and restarted against a
 * cluster that keeps running. Without `zk` it behaves like a standalone Mesos cluster: a restarted
 * master never gets its agents back.
 */
import type { EmulatedMesosApi } from './mesos-api.js';
import path from 'node:path';
import { LocalAgent } from './agent/local-agent.js';
import { AgentHosts, type AgentHostsOptions, type ClusterAgent } from './agent-host/agent-hosts.js';
import { LocalMaster } from './master/local-master.js';
import { handleControl } from './cluster-control.js';
import { agentHostname } from './control-api.js';
import { systemClock } from '../shared/clock.js';
import { makeDirectory } from '../shared/make-directory.js';

export const DEFAULT_AGENT_RESOURCES = 'cpus:4;mem:8192;disk:16384;ports:[19998-19999,29998-30000,31000-32000]';

export interface LocalClusterOptions {
  /** Number of agents (default 1). */
  agents?: number;
  /** Master port on 127.0.0.1 (default 0: a free port). */
  port?: number;
  /** Agent port on each agent's own address (default 0: a free port). */
  agentPort?: number;
  /** Root of the master's registry and the agents' work dirs (`agents/<n>`). */
  workDir: string;
  /** `--resources` of every agent, or one string per agent. */
  resources?: string | readonly string[];
  heartbeatIntervalSeconds?: number;
  allocationIntervalMs?: number;
  agentPingIntervalMs?: number;
  agentTimeoutMs?: number;
  /** After a master restart, how long the registry's agents have to re-register (Mesos: 10 min). */
  agentReregisterTimeoutMs?: number;
  /** First re-send of an unacknowledged status update by the agents (Mesos: 10 s). */
  statusRetryIntervalMs?: number;
  /**
   * Elect the master through this ZooKeeper (`zk://127.0.0.1:2181/mesos`); the agents then find it
   * there too and follow it across restarts. Without it the agents are standalone (`host:port`) and,
   * as on real Mesos, never re-register with a restarted master.
   */
  zk?: string;
  /** See LocalMasterOptions.takeoverRedirectMs (ZooKeeper only; default about 6 s like Mesos). */
  takeoverRedirectMs?: number;
  /** How long the master waits for its first ZooKeeper connection (default 15 s). */
  zkConnectTimeoutMs?: number;
  /**
   * Serve the control endpoint (`/local-cluster/agents`, see cluster-control.ts) on the master, so
   * that another process can kill, start and restart single agents. `alluxio-mesos local-cluster` turns it on.
   */
  control?: boolean;
  /**
   * Run the agents (and so their executors) outside this process's event loop: in `count` child
   * processes or worker threads (agent-host/). Without it they run in-process, as `deploy --master
   * local` and most tests want. `alluxio-mesos local-cluster` uses one child process per core.
   */
  agentHosts?: AgentHostsOptions;
  /** The Mesos version the master and agents emulate (default 1.12). */
  api?: EmulatedMesosApi;
  log?: (message: string) => void;
}

/** How often hosted agents are told who leads (in-process agents ask on their own schedule). */
const LEADER_BROADCAST_MS = 100;

export class LocalCluster {
  readonly master: LocalMaster;
  private readonly agentList: Array<ClusterAgent | undefined> = [];
  private hosts: AgentHosts | undefined;
  private leaderBroadcast: NodeJS.Timeout | undefined;
  private lastLeader: string | undefined;
  /** Each agent's port once it first listened: a restarted agent comes back on it, as a real one on --port 5051. */
  private readonly agentPorts: Array<number | undefined> = [];
  /** The id the master gave each agent's last process, kept after it is killed (the control endpoint reports it). */
  private readonly lastAgentIds: Array<string | undefined> = [];

  constructor(private readonly options: LocalClusterOptions) {
    this.master = new LocalMaster({
      host: '127.0.0.1',
      port: options.port ?? 0,
      heartbeatIntervalSeconds: options.heartbeatIntervalSeconds,
      allocationIntervalMs: options.allocationIntervalMs,
      agentPingIntervalMs: options.agentPingIntervalMs,
      agentTimeoutMs: options.agentTimeoutMs,
      agentReregisterTimeoutMs: options.agentReregisterTimeoutMs,
      zk: options.zk,
      zkConnectTimeoutMs: options.zkConnectTimeoutMs,
      takeoverRedirectMs: options.takeoverRedirectMs,
      workDir: options.workDir,
      ...(options.api === undefined ? {} : { api: options.api }),
      ...(options.control === true ? { control: (req, res) => handleControl(req, res, this) } : {}),
      log: options.log,
    });
  }

  /** How many agents the cluster has, running or killed. */
  get agentCount(): number {
    return this.options.agents ?? 1;
  }

  /** The id the master gave agent `i`'s current process, or its last one if it was killed. */
  agentId(i: number): string | undefined {
    const agent = this.agentList[i];
    return agent === undefined ? this.lastAgentIds[i] : agent.id;
  }

  /** `http://127.0.0.1:PORT` of the master. */
  get url(): string {
    return this.master.url;
  }

  /** The agents by index; a killed agent's slot is undefined. */
  get agents(): ReadonlyArray<ClusterAgent | undefined> {
    return this.agentList;
  }

  /**
   * Starts the master and the agents and waits until they are registered. A failure stops whatever
   * had started (a listening master would keep the process alive for good) and is thrown.
   */
  async start(): Promise<void> {
    try {
      // Every directory the master and agents make later is under these, which exist by then.
      await makeDirectory(this.options.workDir, { what: 'work directory' });
      await makeDirectory(path.join(this.options.workDir, 'master'), { what: 'work directory' });
      await makeDirectory(path.join(this.options.workDir, 'agents'), { what: 'work directory' });
      await this.master.start();
      const count = this.options.agents ?? 1;
      if (this.options.agentHosts !== undefined) {
        this.hosts = new AgentHosts(this.options.agentHosts);
        this.broadcastLeader();
        this.leaderBroadcast = setInterval(() => this.broadcastLeader(), LEADER_BROADCAST_MS);
        this.leaderBroadcast.unref();
        // Hosts start their agents side by side; a slow agent start (mkdir, listen) does not hold up the rest.
        await Promise.all(Array.from({ length: count }, (_, i) => this.startAgent(i)));
      } else {
        for (let i = 0; i < count; i++) await this.startAgent(i);
      }
      await this.waitForAgents(count, Math.max(30_000, count * 200));
    } catch (error) {
      await this.stop().catch(() => undefined);
      throw error;
    }
  }

  /** Starts (or starts again after `killAgent`) agent `i` on 127.0.0.(i+2). */
  async startAgent(i: number): Promise<ClusterAgent> {
    const existing = this.agentList[i];
    if (existing !== undefined) return existing;
    const resources = this.options.resources;
    const spec = {
      index: i,
      hostname: agentHostname(i),
      port: this.options.agentPort ?? this.agentPorts[i] ?? 0,
      workDir: path.join(this.options.workDir, 'agents', String(i)),
      resources: (typeof resources === 'string' ? resources : resources?.[i]) ?? DEFAULT_AGENT_RESOURCES,
      masterDetection: this.options.zk === undefined ? ('standalone' as const) : ('zookeeper' as const),
      ...(this.options.statusRetryIntervalMs === undefined ? {} : { statusRetryIntervalMs: this.options.statusRetryIntervalMs }),
      ...(this.options.api === undefined ? {} : { api: this.options.api }),
    };
    let agent: ClusterAgent;
    if (this.hosts !== undefined) {
      agent = await this.hosts.startAgent(spec);
    } else {
      const local = new LocalAgent({ ...spec, masterLocator: () => Promise.resolve(this.leaderUrl()) });
      await local.start();
      agent = local;
    }
    this.agentList[i] = agent;
    this.agentPorts[i] = agent.port;
    return agent;
  }

  /**
   * The agent process dies with its tasks (SIGKILL, no goodbye), as when its host fails; the master
   * notices through missed pings: the agent is disconnected at the first, unreachable (its tasks
   * LOST) after `agentTimeoutMs`.
   */
  async killAgent(i: number): Promise<void> {
    const agent = this.agentList[i];
    this.agentList[i] = undefined;
    if (agent?.id !== undefined) this.lastAgentIds[i] = agent.id;
    await this.stopAgent(i, agent, 'crash');
  }

  private async stopAgent(i: number, agent: ClusterAgent | undefined, how: 'stop' | 'crash'): Promise<void> {
    if (agent === undefined) return;
    if (agent instanceof LocalAgent) await (how === 'stop' ? agent.stop() : agent.crash());
    else await this.hosts?.stopAgent(i, how);
  }

  /**
   * The agent process dies with its tasks and starts again on the same address and port, as after
   * a reboot of its host: it keeps no state, so it registers as a new agent, and the master removes
   * the old one at once ("a new agent registered at the same address"), its tasks LOST.
   */
  async restartAgent(i: number): Promise<ClusterAgent> {
    await this.killAgent(i);
    return this.startAgent(i);
  }

  /**
   * A master failover in place; schedulers must re-subscribe. With ZooKeeper the agents re-register
   * with their tasks; standalone they wait for good, as real agents do, their tasks still running.
   */
  async restartMaster(): Promise<void> {
    await this.master.restart();
  }

  async stop(): Promise<void> {
    await Promise.all(this.agentList.map((agent, i) => this.stopAgent(i, agent, 'stop')));
    this.agentList.length = 0;
    clearInterval(this.leaderBroadcast);
    await this.hosts?.close();
    this.hosts = undefined;
    await this.master.stop();
  }

  /** Waits until `count` agents are registered with the leading master. */
  async waitForAgents(count: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.master.elected || this.master.state.agents.size < count) {
      if (Date.now() > deadline)
        throw new Error(
          `only ${this.master.elected ? this.master.state.agents.size : 0} of ${count} agents registered within ${timeoutMs} ms`,
        );
      await systemClock.sleep(25);
    }
  }

  private broadcastLeader(): void {
    const leader = this.leaderUrl();
    if (leader === this.lastLeader) return;
    this.lastLeader = leader;
    this.hosts?.setLeader(leader);
  }

  private leaderUrl(): string | undefined {
    const leader = this.master.leader;
    if (leader === undefined) return undefined;
    return `http://${leader.address?.ip ?? leader.hostname ?? '127.0.0.1'}:${leader.port}`;
  }
}
