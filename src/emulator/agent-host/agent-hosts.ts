/**
 * The cluster's side of its agent hosts (host-main.ts): `count` child processes or worker threads,
 * agent i on host i mod count, driven by host-protocol.ts messages. What the cluster keeps of each
 * hosted agent is a `HostedAgent`: its address and the registration its host last reported.
 *
 * Child processes are started in their own process group, so a Ctrl-C at the terminal reaches only
 * the cluster process, which then stops its agents in order; they exit by themselves when the
 * cluster process is gone (host-main.ts).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { OperationError } from '../../shared/errors.js';
import type { FromHost, HostedAgentSpec, HostedAgentView, ToHost } from './host-protocol.js';

/** What the cluster and its control endpoint read of an agent, in-process or hosted. */
export interface ClusterAgent {
  readonly id: string | undefined;
  readonly hostname: string;
  readonly port: number;
  readonly endpoint: string;
  readonly registered: boolean;
  readonly waitingForNewMaster: boolean;
  readonly workDir: string;
}

type AgentHostKind = 'process' | 'worker';

export interface AgentHostsOptions {
  kind: AgentHostKind;
  /** How many hosts share the agents (at least 1). */
  count: number;
}

class HostedAgent implements ClusterAgent {
  view: HostedAgentView = { id: undefined, registered: false, waitingForNewMaster: false };

  constructor(
    readonly hostname: string,
    readonly port: number,
    readonly workDir: string,
  ) {}

  get id(): string | undefined {
    return this.view.id;
  }

  get registered(): boolean {
    return this.view.registered;
  }

  get waitingForNewMaster(): boolean {
    return this.view.waitingForNewMaster;
  }

  get endpoint(): string {
    return `http://${this.hostname}:${this.port}`;
  }
}

interface Waiter {
  resolve: (message: FromHost) => void;
  reject: (error: Error) => void;
}

/** One host: its channel, the agents it runs and the answers awaited from it. */
class Host {
  readonly agents = new Map<number, HostedAgent>();
  private readonly waiters = new Map<string, Waiter>();
  private gone: Error | undefined;
  readonly exited: Promise<void>;
  private readonly ready: Promise<void>;

  constructor(
    private readonly name: string,
    private readonly channel: { send(message: ToHost): void; terminate(): void },
    subscribe: (onMessage: (message: FromHost) => void, onExit: (why: string) => void) => void,
    onLost: (agents: ReadonlyMap<number, ClusterAgent>) => void,
  ) {
    let resolveExit!: () => void;
    this.exited = new Promise((resolve) => (resolveExit = resolve));
    let resolveReady!: () => void;
    let rejectReady!: (error: Error) => void;
    this.ready = new Promise((resolve, reject) => ((resolveReady = resolve), (rejectReady = reject)));
    this.ready.catch(() => undefined);
    subscribe(
      (message) => {
        if (message.type === 'ready') return resolveReady();
        if (message.type === 'agent') {
          const agent = this.agents.get(message.index);
          if (agent !== undefined) agent.view = message.view;
          return;
        }
        const key = message.type === 'stopped' ? `stop:${message.index}` : `start:${message.index}`;
        const waiter = this.waiters.get(key);
        this.waiters.delete(key);
        waiter?.resolve(message);
      },
      (why) => {
        this.gone = new OperationError(`agent host ${this.name} ${why}`);
        rejectReady(this.gone);
        for (const waiter of this.waiters.values()) waiter.reject(this.gone);
        this.waiters.clear();
        const lost = new Map(this.agents);
        this.agents.clear();
        if (lost.size > 0) onLost(lost);
        resolveExit();
      },
    );
  }

  async request(key: string, message: ToHost): Promise<FromHost> {
    await this.ready;
    if (this.gone !== undefined) throw this.gone;
    if (this.waiters.has(key)) throw new OperationError(`agent host ${this.name}: ${key} is already under way`);
    const answer = new Promise<FromHost>((resolve, reject) => this.waiters.set(key, { resolve, reject }));
    this.channel.send(message);
    return answer;
  }

  /** Sends once the host listens, in order with the requests. */
  get alive(): boolean {
    return this.gone === undefined;
  }

  post(message: ToHost): void {
    void this.ready.then(
      () => {
        if (this.gone === undefined) this.channel.send(message);
      },
      () => undefined,
    );
  }

  terminate(): Promise<void> {
    if (this.gone === undefined) this.channel.terminate();
    return this.exited;
  }
}

/**
 * The host's entry point next to this module once built (`dist/`). When this module runs from the
 * TypeScript sources (the tests), the built one: a child process or worker runs JavaScript only, so
 * integration tests need `npm run build` first, as they do for the CLI.
 */
/** A host died with these agents (index -> agent) still running on it. */
type LostHandler = (agents: ReadonlyMap<number, ClusterAgent>) => void;

function hostEntry(): string {
  const candidates = [
    new URL('./host-main.js', import.meta.url),
    new URL('../../../dist/emulator/agent-host/host-main.js', import.meta.url),
  ];
  const entry = candidates.map((url) => fileURLToPath(url)).find((file) => existsSync(file));
  if (entry === undefined) {
    throw new OperationError(`agent hosts run the built host-main.js, which is missing`, { hint: 'run `npm run build` first' });
  }
  return entry;
}

function processHost(entry: string, n: number, onLost: LostHandler): Host {
  // A cluster run under `node --cpu-prof` profiles its hosts too (Node refuses the flag in NODE_OPTIONS).
  const execArgv = process.execArgv.filter((flag) => flag.startsWith('--cpu-prof'));
  const child: ChildProcess = fork(entry, [], { detached: true, execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Host(
    `process ${n} (pid ${child.pid ?? '?'})`,
    {
      send: (message) => {
        if (child.connected) child.send(message);
      },
      // Closing the channel is the host's signal to go (host-main.ts); its agents are stopped by then.
      terminate: () => {
        if (child.connected) child.disconnect();
      },
    },
    (onMessage, onExit) => {
      child.on('message', (message) => onMessage(message as FromHost));
      child.on('error', (error) => onExit(`failed: ${error.message}`));
      child.on('exit', (code, signal) => onExit(`exited (${signal ?? `code ${code ?? '?'}`})`));
    },
    onLost,
  );
}

function workerHost(entry: string, n: number, onLost: LostHandler): Host {
  const worker = new Worker(entry);
  return new Host(
    `worker ${n}`,
    { send: (message) => worker.postMessage(message), terminate: () => void worker.terminate() },
    (onMessage, onExit) => {
      worker.on('message', (message) => onMessage(message as FromHost));
      worker.on('error', (error) => onExit(`failed: ${error.message}`));
      worker.on('exit', (code) => onExit(`exited (code ${code})`));
    },
    onLost,
  );
}

export class AgentHosts {
  private readonly hosts: Host[];
  private readonly entry = hostEntry();
  private leader: string | undefined;
  private closing = false;

  /** `onAgentsLost`: a host died by itself (killed, crashed) and its agents with it. */
  constructor(
    private readonly options: AgentHostsOptions,
    private readonly onAgentsLost: LostHandler = () => undefined,
  ) {
    const count = Math.max(1, Math.floor(options.count));
    this.hosts = Array.from({ length: count }, (_, n) => this.newHost(n));
  }

  private newHost(n: number): Host {
    const onLost: LostHandler = (agents) => {
      if (!this.closing) this.onAgentsLost(agents);
    };
    return this.options.kind === 'process' ? processHost(this.entry, n, onLost) : workerHost(this.entry, n, onLost);
  }

  /** The host of agent `index`; a host that died is replaced by a new one when next needed. */
  private hostOf(index: number): Host {
    const n = index % this.hosts.length;
    let host = this.hosts[n]!;
    if (!host.alive && !this.closing) {
      host = this.newHost(n);
      this.hosts[n] = host;
      host.post({ type: 'leader', url: this.leader });
    }
    return host;
  }

  /** Every host learns the leading master's URL (its agents register there). */
  setLeader(url: string | undefined): void {
    this.leader = url;
    for (const host of this.hosts) host.post({ type: 'leader', url });
  }

  async startAgent(spec: HostedAgentSpec): Promise<ClusterAgent> {
    const host = this.hostOf(spec.index);
    const answer = await host.request(`start:${spec.index}`, { type: 'start', agent: spec });
    if (answer.type === 'start-failed') throw new OperationError(answer.message);
    if (answer.type !== 'started') throw new OperationError(`agent host: unexpected answer ${answer.type} to a start`);
    const agent = new HostedAgent(spec.hostname, answer.port, spec.workDir);
    host.agents.set(spec.index, agent);
    return agent;
  }

  /** `stop`: gracefully (tasks killed, last updates sent); `crash`: SIGKILL to its tasks, no word to anyone. */
  async stopAgent(index: number, how: 'stop' | 'crash'): Promise<void> {
    const host = this.hosts[index % this.hosts.length]!;
    if (!host.agents.has(index)) return;
    host.agents.delete(index);
    await host.request(`stop:${index}`, { type: how, index }).catch(() => undefined);
  }

  /** Ends every host; their agents must have been stopped first, or they are crashed. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.hosts.map((host) => host.terminate()));
  }
}
