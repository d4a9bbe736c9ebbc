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
        this.agents.clear();
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

function processHost(entry: string, n: number): Host {
  const child: ChildProcess = fork(entry, [], { detached: true, execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
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
  );
}

function workerHost(entry: string, n: number): Host {
  const worker = new Worker(entry);
  return new Host(
    `worker ${n}`,
    { send: (message) => worker.postMessage(message), terminate: () => void worker.terminate() },
    (onMessage, onExit) => {
      worker.on('message', (message) => onMessage(message as FromHost));
      worker.on('error', (error) => onExit(`failed: ${error.message}`));
      worker.on('exit', (code) => onExit(`exited (code ${code})`));
    },
  );
}

export class AgentHosts {
  private readonly hosts: Host[];

  constructor(options: AgentHostsOptions) {
    const entry = hostEntry();
    const count = Math.max(1, Math.floor(options.count));
    this.hosts = Array.from({ length: count }, (_, n) => (options.kind === 'process' ? processHost(entry, n) : workerHost(entry, n)));
  }

  private hostOf(index: number): Host {
    return this.hosts[index % this.hosts.length]!;
  }

  /** Every host learns the leading master's URL (its agents register there). */
  setLeader(url: string | undefined): void {
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
    const host = this.hostOf(index);
    if (!host.agents.has(index)) return;
    host.agents.delete(index);
    await host.request(`stop:${index}`, { type: how, index }).catch(() => undefined);
  }

  /** Ends every host; their agents must have been stopped first, or they are crashed. */
  async close(): Promise<void> {
    await Promise.all(this.hosts.map((host) => host.terminate()));
  }
}
