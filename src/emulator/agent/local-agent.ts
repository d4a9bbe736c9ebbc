/**
 * One agent of the embedded local Mesos cluster: a stand-in for a Mesos 1.x agent, bound to its own
 * loopback address (127.0.0.N) so tasks on different agents can bind the same ports, as on separate
 * machines.
 *
 * It registers with whichever master `masterLocator()` names, runs command tasks as real processes in
 * Mesos-shaped sandboxes, reports status updates through a status update manager, and serves
 * `/state`, `/health`, `/version` and the sandbox file API.
 *
 * Completed executors, tasks and their sandboxes stay (in `/state` and `/files/*`) until the agent is
 * stopped; the local cluster needs no sandbox garbage collection.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { coalesceWritesPerTurn } from '../../shared/turn-coalesced-writes.js';
import { randomUUID } from 'node:crypto';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { ConfigError, OperationError } from '../../shared/errors.js';
import type { ExecutorInfo, FrameworkID, FrameworkInfo, Resource, TaskInfo, TaskStatus } from '../../mesos/protocol/types.js';
import { TERMINAL_TASK_STATES } from '../../mesos/protocol/types.js';
import {
  AGENT_INTERNAL,
  MASTER_INTERNAL,
  type AgentExecutorReport,
  type AgentTaskReport,
  type RegisterAgentRequest,
  type StatusUpdatesRequest,
} from '../internal-protocol.js';
import { createAgentRequestListener, InternalError } from './agent-http.js';
import { MESOS_1_12_API, type EmulatedMesosApi } from '../mesos-api.js';
import { parseAttributesFlag, type AgentAttribute } from './attributes-flag.js';
import { CommandExecutor, DEFAULT_KILL_GRACE_MS, commandExecutorName } from './command-executor.js';
import { ExecutorBook, type ExecutorEntry } from './executor-book.js';
import { FilesApi, FilesRegistry } from './files-api.js';
import { microsecondClock, type Clock } from '../../shared/clock.js';
import { epochSeconds, glogLine, type GlogLevel } from './glog.js';
import {
  parseAcknowledge,
  parseAcknowledgements,
  parseLaunches,
  parseKill,
  parseLaunch,
  parsePing,
  parseShutdownFramework,
  parseUpdateFramework,
} from './internal-requests.js';
import { MasterLink, type MasterDetection } from './master-link.js';
import { toMesosJson } from '../mesos-json.js';
import { addResources, parseResourcesFlag } from '../../mesos/resources/resources-flag.js';
import { withDefaultResources } from './agent-resources.js';
import { createSandbox, executorRunsDir, sandboxDir, virtualLatestPath, type SandboxIds } from './sandbox.js';
import { agentStateJson, localBuildInfo, taskRole, versionJson, type BuildInfo } from './state-json.js';
import { StatusUpdateManager } from './status-update-manager.js';
import { agentExecutorEnvironment } from './executor-environment.js';
import { isLoopbackIPv4 } from '../../shared/loopback.js';
import { CustomExecutor } from './custom-executor.js';
import { handleExecutorApi } from './executor-api.js';

export interface LocalAgentOptions {
  /** The agent's own loopback address, `127.0.0.N`; also its hostname. */
  hostname: string;
  /** 0 picks a free port. */
  port: number;
  workDir: string;
  /** Mesos `--resources` syntax; cpus/mem/disk/ports missing from it get Mesos' defaults. */
  resources: string;
  /** Mesos `--attributes` syntax (`rack:r1;zone:a`) or name/value pairs. */
  attributes?: string | ReadonlyArray<AgentAttribute>;
  /** The Mesos version emulated: reported by `/version` and `/state`, and which endpoint names exist. Default 1.12. */
  api?: EmulatedMesosApi;
  /** Base URL of the current leading master, or undefined when there is none. */
  masterLocator: () => Promise<string | undefined>;
  /**
   * How the locator finds the master, which decides what happens when that master goes away:
   * `zookeeper` re-registers with the next leader; `standalone` (the default, like Mesos'
   * `--master=host:port`) waits for good, as a real agent does. See master-link.ts.
   */
  masterDetection?: MasterDetection;
  /** First re-send of an unacknowledged status update (Mesos: 10 s); doubles up to the max. */
  statusRetryIntervalMs?: number;
  statusRetryMaxIntervalMs?: number;
  /** Registration retry backoff while no master answers (doubling, jittered, capped). */
  registrationBackoffMs?: number;
  registrationBackoffMaxMs?: number;
  /** How often the agent re-asks masterLocator() whether the leader changed. */
  masterCheckIntervalMs?: number;
  /** Timeout of each request to the master. */
  masterRequestTimeoutMs?: number;
  /** Kill grace period when neither the kill request nor the task's KillPolicy gives one (3 s). */
  killGracePeriodMs?: number;
  /**
   * What the agent passes on of its own environment to executors and tasks, like Mesos'
   * `--executor_environment_variables`; default: PATH, HOME, the locale and a few more of this
   * process (see executor-environment.ts), never the rest.
   */
  executorEnvironment?: Readonly<Record<string, string>>;
  /** Where the agent log (`/slave/log`) goes; default `<workDir>/logs`. */
  logDir?: string;
  clock?: Pick<Clock, 'now'>;
}

/** A burst of status updates goes to the master in messages of at most this many. */
const MAX_UPDATES_PER_MESSAGE = 500;
const UPDATE_MESSAGES_IN_FLIGHT = 2;

/** What Mesos' command executor adds on top of each task's resources. */
const COMMAND_EXECUTOR_CPUS = 0.1;
const COMMAND_EXECUTOR_MEM = 32;

type Lifecycle = 'new' | 'running' | 'stopping' | 'stopped' | 'crashed';

/**
 * Task processes run in their own process groups, so they would outlive a CLI that exits without
 * stopping its agents; one process 'exit' listener SIGKILLs the tasks of every live agent.
 */
const liveAgents = new Set<{ killAllNow(): void }>();
const killAllOnExit = (): void => {
  for (const agent of liveAgents) agent.killAllNow();
};

export class LocalAgent {
  readonly hostname: string;
  private readonly options: LocalAgentOptions;
  private readonly clock: Pick<Clock, 'now'>;
  private readonly version: string;
  private readonly api: EmulatedMesosApi;
  private readonly build: BuildInfo;
  private readonly logDir: string;
  private readonly killGraceMs: number;
  private readonly agentEnvironment: Readonly<Record<string, string>>;
  private lifecycle: Lifecycle = 'new';
  private agentId: string | undefined;
  private boundPort: number | undefined;
  private startTime = 0;
  private totalResources: Resource[] = [];
  private attributes: AgentAttribute[] = [];
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private logStream: WriteStream | undefined;
  private readonly registry = new FilesRegistry();
  private readonly book = new ExecutorBook();
  /** Status updates waiting for the next message to the master (see forwardStatus). */
  private readonly outgoingUpdates: Array<{ update: StatusUpdatesRequest['updates'][number]; resolve: (accepted: boolean) => void }> = [];
  private updatesScheduled = false;
  private updateMessagesInFlight = 0;
  /** Live custom executors, by framework and executor id (see custom-executor.ts). */
  private readonly customExecutors = new Map<string, CustomExecutor>();
  /** Launches answered whose sandbox and fork are still under way (see handleLaunch). */
  private readonly preparing = new Set<Promise<void>>();
  private readonly statusUpdates: StatusUpdateManager;
  private readonly link: MasterLink;
  private readonly exitGuard = { killAllNow: (): void => this.killAllNow() };

  constructor(options: LocalAgentOptions) {
    if (!isLoopbackIPv4(options.hostname)) {
      throw new ConfigError(
        `Agent hostname '${options.hostname}' is not a 127.x.x.x address.`,
        { key: 'hostname' },
        {
          hint: 'Local agents bind loopback addresses only (127.0.0.2, 127.0.0.3, ...).',
        },
      );
    }
    this.options = options;
    this.hostname = options.hostname;
    this.clock = options.clock ?? microsecondClock;
    this.api = options.api ?? MESOS_1_12_API;
    this.version = this.api.version;
    this.build = localBuildInfo(this.version);
    this.logDir = options.logDir ?? join(options.workDir, 'logs');
    this.killGraceMs = options.killGracePeriodMs ?? DEFAULT_KILL_GRACE_MS;
    this.agentEnvironment = options.executorEnvironment ?? agentExecutorEnvironment(process.env);
    this.statusUpdates = new StatusUpdateManager({
      forward: (frameworkId, status) => this.forwardStatus(frameworkId, status),
      retryMinMs: options.statusRetryIntervalMs ?? 10_000,
      retryMaxMs: options.statusRetryMaxIntervalMs ?? 600_000,
      onTerminalAcknowledged: (frameworkId, taskId) => this.book.complete(frameworkId, taskId),
    });
    this.link = new MasterLink({
      detection: options.masterDetection ?? 'standalone',
      locate: options.masterLocator,
      registration: () => this.registration(),
      onRegistered: (response, masterUrl) => {
        if (this.agentId !== undefined && response.agent_id.value !== this.agentId) {
          this.log('W', `Master ${masterUrl} assigned a new agent id ${response.agent_id.value} (was ${this.agentId})`);
        }
        this.agentId = response.agent_id.value;
        this.log('I', `Registered with master ${response.master_id} at ${masterUrl}; given agent ID ${this.agentId}`);
        this.statusUpdates.flush();
      },
      backoffMs: options.registrationBackoffMs ?? 1_000,
      backoffMaxMs: options.registrationBackoffMaxMs ?? 10_000,
      checkIntervalMs: options.masterCheckIntervalMs ?? 1_000,
      requestTimeoutMs: options.masterRequestTimeoutMs ?? 5_000,
      log: (message) => this.log('I', message),
    });
  }

  /** A standalone agent whose master went away: it waits for a master that is never elected. */
  get waitingForNewMaster(): boolean {
    return this.link.waitingForNewMaster;
  }

  /** The id the master gave this agent (undefined until the first registration). */
  get id(): string | undefined {
    return this.agentId;
  }

  get port(): number {
    if (this.boundPort === undefined) throw new OperationError('The agent has not been started.');
    return this.boundPort;
  }

  /** `http://127.0.0.N:PORT`. */
  get endpoint(): string {
    return `http://${this.hostname}:${this.port}`;
  }

  get registered(): boolean {
    return this.link.registered;
  }

  get workDir(): string {
    return this.options.workDir;
  }

  /** Binds `hostname:port` and starts registering. Throws ConfigError for bad flags, OperationError if it cannot listen. */
  async start(): Promise<void> {
    if (this.lifecycle !== 'new') throw new OperationError(`The agent on ${this.hostname} cannot be started twice.`);
    this.totalResources = withDefaultResources(parseResourcesFlag(this.options.resources));
    this.attributes = parseAttributesFlag(this.options.attributes);
    this.startTime = epochSeconds(this.clock);
    this.lifecycle = 'stopped'; // until it is up; a failed start cannot be retried on this instance
    try {
      await this.listen();
    } catch (error) {
      await this.closeLog();
      throw error;
    }
    this.lifecycle = 'running';
    if (liveAgents.size === 0) process.on('exit', killAllOnExit);
    liveAgents.add(this.exitGuard);
    this.log('I', `Agent started on ${this.hostname}:${this.boundPort} with resources ${this.options.resources}`);
    this.link.start();
  }

  private async listen(): Promise<void> {
    await mkdir(this.options.workDir, { recursive: true });
    await mkdir(this.logDir, { recursive: true });
    const logFile = join(this.logDir, `mesos-agent.${this.hostname}.log.INFO`);
    this.logStream = createWriteStream(logFile, { flags: 'a' });
    await new Promise<void>((resolveOpen, rejectOpen) => {
      this.logStream!.once('open', () => resolveOpen());
      this.logStream!.once('error', rejectOpen);
    });
    await this.registry.attach(logFile, '/slave/log');

    const server = createServer(
      createAgentRequestListener({
        api: this.api,
        version: () => toMesosJson(versionJson(this.build)),
        state: () => toMesosJson(this.stateDocument()),
        files: new FilesApi(this.registry),
        internal: {
          [AGENT_INTERNAL.launch]: (body) => this.handleLaunch(body),
          [AGENT_INTERNAL.launches]: (body) => this.handleLaunches(body),
          [AGENT_INTERNAL.kill]: (body) => this.handleKill(body),
          [AGENT_INTERNAL.acknowledge]: (body) => this.handleAcknowledge(body),
          [AGENT_INTERNAL.acknowledgements]: (body) => this.handleAcknowledgements(body),
          [AGENT_INTERNAL.shutdownFramework]: (body) => this.handleShutdownFramework(body),
          [AGENT_INTERNAL.updateFramework]: (body) => this.handleUpdateFramework(body),
          [AGENT_INTERNAL.ping]: (body) => this.handlePing(body),
        },
        executorApi: (req, res) =>
          handleExecutorApi(req, res, {
            lookup: (frameworkId, executorId) => this.lookupExecutor(frameworkId, executorId),
            pendingUpdates: (frameworkId, taskId) => this.statusUpdates.pending(frameworkId, taskId).length,
          }),
      }),
    );
    // No `Keep-Alive: timeout=5` header (a real agent sends none); stop() closes idle sockets itself.
    server.keepAliveTimeout = 0;
    server.on('connection', (socket) => {
      // The answers and events of one turn leave in one write per connection.
      coalesceWritesPerTurn(socket);
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolveListen, rejectListen) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        rejectListen(
          new OperationError(`Agent cannot listen on ${this.hostname}:${this.options.port}: ${error.code ?? error.message}`, {
            cause: error,
          }),
        ),
      );
      server.listen(this.options.port, this.hostname, () => resolveListen());
    });
    this.server = server;
    this.boundPort = (server.address() as AddressInfo).port;
  }

  /** Graceful stop: kills every task (SIGTERM, then SIGKILL after its grace), then shuts down. */
  async stop(): Promise<void> {
    if (this.lifecycle !== 'running') return;
    this.lifecycle = 'stopping';
    const entries = this.book.active();
    const executors = [...this.customExecutors.values()];
    for (const executor of executors) executor.shutdown();
    for (const entry of entries) if (entry.executorId === undefined) entry.runner.kill();
    await Promise.all([...entries.map((entry) => entry.runner.whenExited()), ...executors.map((executor) => executor.whenExited())]);
    // A sandbox still being made when the agent stops is finished first: nothing writes to the work
    // directory once stop() has returned (its owner may remove it then).
    await Promise.all([...this.preparing]);
    this.statusUpdates.stop();
    // Last word to the master: each killed task's terminal update, once, even if its stream is still
    // waiting for an earlier acknowledgement (a duplicate is harmless; updates are idempotent).
    await Promise.all(
      entries.map((entry) => {
        const last = entry.runner.latestStatus;
        return last !== undefined && TERMINAL_TASK_STATES.has(last.state)
          ? this.forwardStatus({ value: entry.frameworkId }, last)
          : undefined;
      }),
    );
    await this.link.stop();
    await this.closeServer();
    this.lifecycle = 'stopped';
    await this.closeLog();
  }

  /**
   * Test API: the host dies. The HTTP server vanishes mid-connection, every task process gets SIGKILL,
   * and nobody is told; the master finds out when pings go unanswered.
   */
  async crash(): Promise<void> {
    if (this.lifecycle !== 'running' && this.lifecycle !== 'stopping') return;
    this.lifecycle = 'crashed';
    this.killAllNow();
    this.statusUpdates.stop();
    for (const socket of this.sockets) socket.destroy();
    const linkStopped = this.link.stop();
    await this.closeServer();
    await linkStopped;
    await Promise.all(this.book.active().map((entry) => entry.runner.whenExited()));
    await Promise.all([...this.customExecutors.values()].map((executor) => executor.whenExited()));
    await this.closeLog();
  }

  private killAllNow(): void {
    for (const entry of this.book.active()) entry.runner.crash();
    for (const executor of this.customExecutors.values()) executor.crash();
  }

  private async closeServer(): Promise<void> {
    liveAgents.delete(this.exitGuard);
    if (liveAgents.size === 0) process.off('exit', killAllOnExit);
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    await new Promise<void>((resolveClose) => {
      server.close(() => resolveClose());
      server.closeAllConnections();
    });
  }

  private async closeLog(): Promise<void> {
    const stream = this.logStream;
    this.logStream = undefined;
    if (stream !== undefined) await new Promise<void>((resolveEnd) => stream.end(() => resolveEnd()));
  }

  private log(level: GlogLevel, message: string): void {
    this.logStream?.write(glogLine(level, 'slave.cpp:1', message, this.clock.now()));
  }

  // ---- registration and status updates -------------------------------------------------------

  private registration(): RegisterAgentRequest {
    const tasks: AgentTaskReport[] = this.book.active().map((entry) => ({
      framework_id: { value: entry.frameworkId },
      framework_info: this.book.framework(entry.frameworkId)!.info,
      task: entry.task,
      status: entry.runner.latestStatus ?? this.stagingStatus(entry),
    }));
    return {
      ...(this.agentId !== undefined ? { agent_id: { value: this.agentId } } : {}),
      hostname: this.hostname,
      endpoint: this.endpoint,
      port: this.port,
      resources: this.totalResources,
      ...(this.attributes.length > 0 ? { attributes: this.attributes } : {}),
      version: this.version,
      tasks,
      executors: [...this.customExecutors.values()].map((executor): AgentExecutorReport => ({
        framework_id: { value: executor.frameworkId },
        executor_info: executor.info,
      })),
    };
  }

  private stagingStatus(entry: ExecutorEntry): TaskStatus {
    return {
      task_id: { value: entry.task.task_id.value },
      state: 'TASK_STAGING',
      source: 'SOURCE_AGENT',
      agent_id: { value: this.agentId ?? '' },
      executor_id: { value: entry.id },
      timestamp: epochSeconds(this.clock),
    };
  }

  /**
   * Updates forwarded in one turn of the event loop leave together, as one StatusUpdatesRequest (at
   * most MAX_UPDATES_PER_MESSAGE each): one HTTP exchange per update was most of the master's work
   * at a few thousand updates a second. Each update still has its own fate (the status update
   * manager re-sends what is not acknowledged), so a lost message costs nothing but a retry.
   */
  private forwardStatus(frameworkId: FrameworkID, status: TaskStatus): Promise<boolean> {
    if (this.agentId === undefined) return Promise.resolve(false);
    return new Promise((resolveForward) => {
      this.outgoingUpdates.push({ update: { framework_id: frameworkId, status }, resolve: resolveForward });
      if (this.updatesScheduled || this.updateMessagesInFlight >= UPDATE_MESSAGES_IN_FLIGHT) return;
      // Whatever else this turn of the event loop forwards goes in the same message.
      this.updatesScheduled = true;
      setImmediate(() => this.sendUpdates());
    });
  }

  /**
   * At most UPDATE_MESSAGES_IN_FLIGHT messages at once; updates forwarded meanwhile wait for the
   * next, so the busier the agent the fuller its messages, while a lone update leaves at once.
   */
  private sendUpdates(): void {
    this.updatesScheduled = false;
    const agentId = this.agentId;
    while (this.outgoingUpdates.length > 0 && this.updateMessagesInFlight < UPDATE_MESSAGES_IN_FLIGHT) {
      const batch = this.outgoingUpdates.splice(0, MAX_UPDATES_PER_MESSAGE);
      if (agentId === undefined) {
        for (const item of batch) item.resolve(false);
        continue;
      }
      const request: StatusUpdatesRequest = { agent_id: { value: agentId }, updates: batch.map((item) => item.update) };
      this.updateMessagesInFlight++;
      void this.link.post(MASTER_INTERNAL.statusUpdates, request).then((answer) => {
        this.updateMessagesInFlight--;
        if (answer.status === 404) this.link.masterLost('the master does not know this agent');
        for (const item of batch) item.resolve(answer.status === 200);
        this.sendUpdates();
      });
    }
  }

  // ---- internal endpoints ----------------------------------------------------------------------

  /**
   * Each launch as if it came alone. A stopping or unregistered agent refuses the whole message (the
   * master logs the answer); a launch refused on its own (a bad or duplicate task) is logged here
   * and does not hold up the others.
   */
  private async handleLaunches(body: unknown): Promise<unknown> {
    if (this.lifecycle !== 'running') throw new InternalError(503, 'The agent is shutting down');
    if (this.agentId === undefined) throw new InternalError(409, 'The agent is not registered with a master');
    for (const launch of parseLaunches(body)) {
      try {
        await this.handleLaunch(launch);
      } catch (error) {
        this.log('W', `Refusing a launch: ${(error as Error).message}`);
      }
    }
    return {};
  }

  private async handleLaunch(body: unknown): Promise<unknown> {
    if (this.lifecycle !== 'running') throw new InternalError(503, 'The agent is shutting down');
    const { frameworkId, frameworkInfo, task, taskId } = parseLaunch(body);
    if (this.agentId === undefined) throw new InternalError(409, 'The agent is not registered with a master');
    if (this.book.find(frameworkId, taskId) !== undefined) {
      throw new InternalError(409, `Task '${taskId}' of framework ${frameworkId} already exists on this agent`);
    }
    const framework = this.book.activate(frameworkId, frameworkInfo);
    if (task.executor !== undefined) return this.launchOnCustomExecutor(frameworkId, frameworkInfo, task, task.executor);

    const containerId = randomUUID();
    const ids = { agentId: this.agentId, frameworkId, executorId: taskId, containerId };
    const directory = sandboxDir(this.options.workDir, ids);

    const role = taskRole(task);
    const allocation = task.resources[0]?.allocation_info;
    const allowance: Resource[] = [
      {
        name: 'cpus',
        type: 'SCALAR',
        scalar: { value: COMMAND_EXECUTOR_CPUS },
        role,
        ...(allocation ? { allocation_info: allocation } : {}),
      },
      {
        name: 'mem',
        type: 'SCALAR',
        scalar: { value: COMMAND_EXECUTOR_MEM },
        role,
        ...(allocation ? { allocation_info: allocation } : {}),
      },
    ];
    const runner: CommandExecutor = new CommandExecutor({
      agentId: this.agentId,
      hostname: this.hostname,
      agentEndpoint: `${this.hostname}:${this.port}`,
      agentPid: `slave(1)@${this.hostname}:${this.port}`,
      frameworkId,
      frameworkInfo,
      task,
      containerId,
      directory,
      version: this.version,
      clock: this.clock,
      emit: (status) => this.statusUpdates.update({ value: frameworkId }, status),
      onTerminated: () => {
        if (!framework.shuttingDown) return;
        // The framework is gone: its terminal update goes out once and is not retried.
        this.statusUpdates.forget(frameworkId, taskId);
        this.book.complete(frameworkId, taskId);
      },
      log: (level, message) => this.log(level, message),
      defaultKillGraceMs: this.killGraceMs,
      agentEnvironment: this.agentEnvironment,
    });
    framework.executors.set(taskId, {
      id: taskId,
      frameworkId,
      containerId,
      directory,
      name: commandExecutorName(task),
      task,
      allowance,
      runner,
    });
    this.log('I', `Launching task '${taskId}' for framework ${frameworkId} in ${directory}`);
    // Answered at once, as a real agent never answers a RunTaskMessage: the sandbox and the fork follow.
    // The task is in the book already, so a stop or crash meanwhile reaches it (it is then never forked).
    const preparing = this.prepareAndLaunch(runner, ids, directory)
      .catch((error: unknown) => this.log('E', `Launch of task '${taskId}' failed: ${(error as Error).message}`))
      .finally(() => this.preparing.delete(preparing));
    this.preparing.add(preparing);
    return { container_id: { value: containerId }, directory };
  }

  private async prepareAndLaunch(runner: CommandExecutor, ids: SandboxIds, directory: string): Promise<void> {
    try {
      await this.attachSandbox(ids, directory);
    } catch (error) {
      runner.failLaunch(`Failed to create the sandbox ${directory}: ${(error as Error).message}`);
      return;
    }
    await runner.launch();
  }

  /**
   * A task with an ExecutorInfo: given to the live executor of that id, or to a new one started for
   * it (its sandbox is the executor's, as in Mesos), which receives it once subscribed.
   */
  private launchOnCustomExecutor(frameworkId: string, frameworkInfo: FrameworkInfo, task: TaskInfo, info: ExecutorInfo): unknown {
    const framework = this.book.framework(frameworkId)!;
    const executorId = info.executor_id.value;
    const key = `${frameworkId}\u0000${executorId}`;
    let executor = this.customExecutors.get(key);
    let ids: SandboxIds | undefined;
    if (executor === undefined || !executor.live) {
      const containerId = randomUUID();
      ids = { agentId: this.agentId!, frameworkId, executorId, containerId };
      const started: CustomExecutor = new CustomExecutor({
        agentId: this.agentId!,
        hostname: this.hostname,
        agentEndpoint: `${this.hostname}:${this.port}`,
        agentPid: `slave(1)@${this.hostname}:${this.port}`,
        frameworkId,
        frameworkInfo: () => this.book.framework(frameworkId)?.info ?? frameworkInfo,
        info,
        containerId,
        directory: sandboxDir(this.options.workDir, ids),
        clock: this.clock,
        agentEnvironment: this.agentEnvironment,
        agentInfo: () => ({ hostname: this.hostname, id: { value: this.agentId ?? '' }, port: this.port, resources: this.totalResources }),
        emit: (status) => this.statusUpdates.update({ value: frameworkId }, status),
        onTaskTerminated: (taskId) => {
          if (!this.book.framework(frameworkId)?.shuttingDown) return;
          // The framework is gone: its terminal update goes out once and is not retried.
          this.statusUpdates.forget(frameworkId, taskId);
          this.book.complete(frameworkId, taskId);
        },
        onExited: () => this.customExecutorExited(key, started),
        log: (level, message) => this.log(level, message),
      });
      executor = started;
      this.customExecutors.set(key, executor);
    }
    const runner = executor.addTask(task);
    framework.executors.set(task.task_id.value, {
      id: task.task_id.value,
      executorId,
      frameworkId,
      containerId: executor.containerId,
      directory: executor.directory,
      name: info.name ?? '',
      task,
      allowance: [],
      runner,
    });
    this.log('I', `Queued task '${task.task_id.value}' for executor '${executorId}' of framework ${frameworkId}`);
    if (ids !== undefined) {
      const starting = executor;
      const preparing = this.prepareCustomExecutor(starting, ids)
        .catch((error: unknown) => this.log('E', `Launch of executor '${executorId}' failed: ${(error as Error).message}`))
        .finally(() => this.preparing.delete(preparing));
      this.preparing.add(preparing);
    }
    return { container_id: { value: executor.containerId }, directory: executor.directory };
  }

  /** Makes the sandbox and serves it under its real and virtual paths in `/files`. */
  private async attachSandbox(ids: SandboxIds, directory: string): Promise<void> {
    await createSandbox(this.options.workDir, ids);
    await this.registry.attach(directory, directory);
    await this.registry.attach(directory, join(executorRunsDir(this.options.workDir, ids), 'latest'));
    await this.registry.attach(directory, virtualLatestPath(ids.frameworkId, ids.executorId));
  }

  private async prepareCustomExecutor(executor: CustomExecutor, ids: SandboxIds): Promise<void> {
    try {
      await this.attachSandbox(ids, executor.directory);
    } catch (error) {
      executor.failLaunch(`Failed to create the sandbox ${executor.directory}: ${(error as Error).message}`);
      return;
    }
    executor.start();
  }

  /** The executor's process is gone: the master frees its resources (Mesos' ExitedExecutorMessage). */
  private customExecutorExited(key: string, executor: CustomExecutor): void {
    if (this.customExecutors.get(key) === executor) this.customExecutors.delete(key);
    if (this.agentId === undefined || this.lifecycle === 'crashed') return;
    void this.link.post(MASTER_INTERNAL.executorExited, {
      agent_id: { value: this.agentId },
      framework_id: { value: executor.frameworkId },
      executor_id: { value: executor.id },
    });
  }

  private lookupExecutor(frameworkId: string, executorId: string): CustomExecutor | 'unknown-framework' | 'unknown-executor' {
    const executor = this.customExecutors.get(`${frameworkId}\u0000${executorId}`);
    if (executor !== undefined) return executor;
    return this.book.framework(frameworkId) === undefined ? 'unknown-framework' : 'unknown-executor';
  }

  /** Resources the live custom executors hold themselves (their tasks' are in the book). */
  private customExecutorResources(): Resource[] {
    return [...this.customExecutors.values()].reduce<Resource[]>((sum, executor) => addResources(sum, executor.info.resources ?? []), []);
  }

  private handleKill(body: unknown): unknown {
    const { frameworkId, taskId, gracePeriodMs } = parseKill(body);
    const entry = this.book.find(frameworkId, taskId);
    if (entry === undefined) throw new InternalError(404, `Unknown task '${taskId}' of framework ${frameworkId}`);
    this.log('I', `Asked to kill task '${taskId}' of framework ${frameworkId}`);
    entry.runner.kill(gracePeriodMs);
    return {};
  }

  private handleAcknowledge(body: unknown): unknown {
    const { frameworkId, taskId, uuid } = parseAcknowledge(body);
    const result = this.statusUpdates.acknowledge(frameworkId, taskId, uuid);
    if (!result.ok && result.reason === 'unknown-stream') {
      throw new InternalError(404, `No pending status update for task '${taskId}' of framework ${frameworkId}`);
    }
    if (!result.ok) {
      throw new InternalError(
        409,
        `Unexpected status update acknowledgement (received ${uuid}, expecting ${result.expected}) for task '${taskId}'`,
      );
    }
    return {};
  }

  /** Several acknowledgements: each applied on its own; a stale one is logged, not an error of the rest. */
  private handleAcknowledgements(body: unknown): unknown {
    for (const acknowledgement of parseAcknowledgements(body)) {
      try {
        this.handleAcknowledge(acknowledgement);
      } catch (error) {
        this.log('W', `Ignoring an acknowledgement: ${(error as Error).message}`);
      }
    }
    return {};
  }

  private handleShutdownFramework(body: unknown): unknown {
    const { frameworkId } = parseShutdownFramework(body);
    const framework = this.book.framework(frameworkId);
    // A custom executor outlives its tasks: it goes even when none of its framework's tasks is left.
    for (const executor of this.customExecutors.values()) if (executor.frameworkId === frameworkId) executor.shutdown();
    if (framework === undefined) return {};
    this.log('I', `Asked to shut down framework ${frameworkId}`);
    framework.shuttingDown = true;
    for (const entry of [...framework.executors.values()]) {
      if (entry.runner.terminated) {
        this.statusUpdates.forget(frameworkId, entry.id);
        this.book.complete(frameworkId, entry.id);
      } else if (entry.executorId === undefined) {
        entry.runner.kill();
      }
    }
    return {};
  }

  /**
   * Mesos `Slave::updateFramework`: a framework (re-)subscribed. A running framework takes the new
   * FrameworkInfo, and every pending status update is re-sent now (`resume()`), whichever framework.
   */
  private handleUpdateFramework(body: unknown): unknown {
    const { frameworkId, frameworkInfo } = parseUpdateFramework(body);
    const framework = this.book.framework(frameworkId);
    if (framework === undefined || framework.shuttingDown) return {};
    this.log('I', `Updating info for framework ${frameworkId}`);
    framework.info = frameworkInfo;
    this.statusUpdates.flush();
    return {};
  }

  /**
   * A master id other than the one this agent registered with (a restarted or newly elected master),
   * or an agent id not ours, means the master it knew is gone (see MasterLink.masterLost).
   */
  private handlePing(body: unknown): unknown {
    const { masterId, agentId } = parsePing(body);
    if (masterId !== undefined && this.link.registered && masterId !== this.link.masterId) {
      this.link.masterLost(`pinged by master ${masterId}, registered with ${this.link.masterId}`);
    } else if (agentId !== undefined && this.link.registered && agentId !== this.agentId) {
      this.link.masterLost(`pinged as agent ${agentId}, registered as ${this.agentId}`);
    }
    return {
      ...(this.agentId !== undefined ? { agent_id: { value: this.agentId } } : {}),
      registered: this.link.registered,
    };
  }

  // ---- /state ---------------------------------------------------------------------------------

  private stateDocument(): ReturnType<typeof agentStateJson> {
    const masterUrl = this.link.masterUrl;
    const master = masterUrl !== undefined ? new URL(masterUrl) : undefined;
    return agentStateJson({
      build: this.build,
      startTime: this.startTime,
      agentId: this.agentId,
      pid: `slave(1)@${this.hostname}:${this.port}`,
      hostname: this.hostname,
      port: this.port,
      resources: this.totalResources,
      allocated: addResources(this.book.allocated(), this.customExecutorResources()),
      attributes: this.attributes,
      resourcesFlag: this.options.resources,
      workDir: this.options.workDir,
      logDir: this.logDir,
      masterHostname: master?.hostname,
      masterAddress: master?.host,
      ...this.book.views(this.agentId ?? ''),
    });
  }
}
