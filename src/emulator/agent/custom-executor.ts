/**
 * A custom executor (an ExecutorInfo with a `command`) as a Mesos 1.12 agent runs it: started once
 * per (framework, executor id) in its own sandbox and process group with the MESOS_* environment,
 * it SUBSCRIBEs on `/api/v1/executor` and receives its tasks as LAUNCH events (queued until it
 * subscribed), KILL and SHUTDOWN; its UPDATE calls go to the agent's status update manager, and each
 * update is ACKNOWLEDGED to the executor as soon as the manager took it (as `___statusUpdate` does),
 * so an executor may send the next update of a task before the scheduler acknowledged the previous.
 *
 * When the process ends, every task not yet terminal gets TASK_FAILED (REASON_EXECUTOR_TERMINATED),
 * or the terminal state of the termination the agent asked for (a kill before subscription,
 * a registration timeout), and the master is told so that it frees the executor's resources.
 */
import { closeSync, openSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { execa, type ResultPromise } from 'execa';
import type { ExecutorInfo, FrameworkInfo, TaskInfo, TaskState, TaskStatus } from '../../mesos/protocol/types.js';
import { TERMINAL_TASK_STATES } from '../../mesos/protocol/types.js';
import { encodeRecord } from '../../mesos/protocol/recordio.js';
import type { Clock } from '../../shared/clock.js';
import { guardProcessGroup, type GroupGuard } from '../../shared/spawn.js';
import { acknowledgedEvent, killEvent, type AgentInfoView, type ExecutorEvent } from './executor-calls.js';
import { commandVariables, mesosExecutorEnvironment } from './executor-environment.js';
import { epochSeconds, type GlogLevel } from './glog.js';
import type { TaskRunner } from './executor-book.js';
import { describeExit } from './command-executor.js';

/** Mesos' `--executor_registration_timeout` default. */
const REGISTRATION_TIMEOUT_MS = 60_000;
/** Mesos' `--executor_shutdown_grace_period` default, when the ExecutorInfo names none. */
const SHUTDOWN_GRACE_MS = 5_000;
/** HEARTBEAT events on the subscription (Mesos' DEFAULT_HEARTBEAT_INTERVAL). */
const HEARTBEAT_INTERVAL_MS = 30_000;
/**
 * Events not yet taken by an executor that stopped reading its stream: past this the stream is cut
 * (the executor may subscribe again), so a hostile executor cannot make the agent buffer without end.
 */
const MAX_UNREAD_EVENT_BYTES = 16 * 1024 * 1024;

export interface CustomExecutorContext {
  agentId: string;
  hostname: string;
  agentEndpoint: string;
  agentPid: string;
  frameworkId: string;
  frameworkInfo: () => FrameworkInfo;
  info: ExecutorInfo;
  containerId: string;
  directory: string;
  clock: Pick<Clock, 'now'>;
  agentEnvironment: Readonly<Record<string, string>>;
  agentInfo: () => AgentInfoView;
  /** Hands a complete, uuid-carrying update to the status update manager. */
  emit: (status: TaskStatus) => void;
  /** A task reached a terminal state. */
  onTaskTerminated: (taskId: string) => void;
  /** The executor's process is gone and every task has its terminal update. */
  onExited: () => void;
  log: (level: GlogLevel, message: string) => void;
  registrationTimeoutMs?: number;
}

type Phase = 'launching' | 'registering' | 'subscribed' | 'terminating' | 'terminated';

/** One task of a custom executor, as the agent's book sees it. */
export class CustomTask implements TaskRunner {
  readonly statuses: TaskStatus[] = [];
  private latest: TaskStatus | undefined;
  /** Not yet sent to the executor (it has not subscribed). */
  queued = true;

  constructor(
    readonly task: TaskInfo,
    private readonly executor: CustomExecutor,
  ) {}

  get state(): TaskState {
    return this.latest?.state ?? 'TASK_STAGING';
  }

  get latestStatus(): TaskStatus | undefined {
    return this.latest;
  }

  get terminated(): boolean {
    return TERMINAL_TASK_STATES.has(this.state);
  }

  record(status: TaskStatus): void {
    this.latest = status;
    this.statuses.push(status);
  }

  kill(gracePeriodMs?: number): void {
    this.executor.killTask(this, gracePeriodMs);
  }

  crash(): void {
    this.executor.crash();
  }

  whenExited(): Promise<void> {
    return this.executor.whenExited();
  }
}

export class CustomExecutor {
  private phase: Phase = 'launching';
  private readonly tasks = new Map<string, CustomTask>();
  private subprocess: ResultPromise | undefined;
  private groupGuard: GroupGuard | undefined;
  private pid: number | undefined;
  private stream: ServerResponse | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private registrationTimer: NodeJS.Timeout | undefined;
  private shutdownTimer: NodeJS.Timeout | undefined;
  /** The terminal state the agent decided for tasks left when the process ends (else TASK_FAILED). */
  private pendingTermination: { state: TaskState; reason: string; message: string } | undefined;
  private crashed = false;
  private exited: Promise<void> = Promise.resolve();

  constructor(private readonly ctx: CustomExecutorContext) {}

  get id(): string {
    return this.ctx.info.executor_id.value;
  }

  get info(): ExecutorInfo {
    return this.ctx.info;
  }

  get frameworkId(): string {
    return this.ctx.frameworkId;
  }

  get containerId(): string {
    return this.ctx.containerId;
  }

  get directory(): string {
    return this.ctx.directory;
  }

  get subscribed(): boolean {
    return this.phase === 'subscribed';
  }

  /** Still able to take tasks (not shutting down, not gone). */
  get live(): boolean {
    return this.phase === 'launching' || this.phase === 'registering' || this.phase === 'subscribed';
  }

  get terminated(): boolean {
    return this.phase === 'terminated';
  }

  whenExited(): Promise<void> {
    return this.exited;
  }

  task(taskId: string): CustomTask | undefined {
    return this.tasks.get(taskId);
  }

  /** Adds a task: delivered now if the executor subscribed, else when it does. */
  addTask(task: TaskInfo): CustomTask {
    const entry = new CustomTask(task, this);
    this.tasks.set(task.task_id.value, entry);
    if (this.phase === 'subscribed') {
      entry.queued = false;
      this.send({ type: 'LAUNCH', launch: { task } });
    }
    return entry;
  }

  /** Starts the executor's process in its (already made) sandbox. */
  start(): void {
    if (this.phase !== 'launching' || this.crashed) return;
    const command = this.ctx.info.command!;
    const stdoutFd = openSync(`${this.ctx.directory}/stdout`, 'a');
    const stderrFd = openSync(`${this.ctx.directory}/stderr`, 'a');
    const args =
      (command.shell ?? true)
        ? ['-c', command.value ?? '']
        : ['-c', 'exec "$@"', 'sh', command.value ?? '', ...(command.arguments ?? []).slice(1)];
    try {
      this.subprocess = execa('/bin/sh', args, {
        cwd: this.ctx.directory,
        env: this.environment(),
        extendEnv: false,
        stdin: 'ignore',
        stdout: stdoutFd as 1,
        stderr: stderrFd as 1,
        detached: true,
        reject: false,
      });
    } catch (error) {
      this.failAll('TASK_FAILED', 'REASON_EXECUTOR_TERMINATED', `Failed to launch executor: ${(error as Error).message}`);
      return;
    } finally {
      closeSync(stdoutFd);
      closeSync(stderrFd);
    }
    const subprocess = this.subprocess;
    this.pid = subprocess.pid;
    this.phase = 'registering';
    this.exited = subprocess.then(
      (result) => this.onExit(describeExit(result.exitCode, result.signal)),
      (error: unknown) => this.onExit((error as Error).message),
    );
    if (this.pid === undefined) return;
    this.groupGuard = guardProcessGroup(this.pid);
    this.ctx.log('I', `Launched executor '${this.id}' of framework ${this.ctx.frameworkId} with pid ${this.pid} in ${this.ctx.directory}`);
    this.registrationTimer = setTimeout(() => {
      if (this.phase !== 'registering') return;
      const timeout = this.ctx.registrationTimeoutMs ?? REGISTRATION_TIMEOUT_MS;
      this.terminate('TASK_FAILED', 'REASON_EXECUTOR_REGISTRATION_TIMEOUT', `Executor did not register within ${timeout / 1000}secs`);
    }, this.ctx.registrationTimeoutMs ?? REGISTRATION_TIMEOUT_MS);
    this.registrationTimer.unref();
  }

  /** The sandbox could not be made: every task fails, nothing is started. */
  failLaunch(message: string): void {
    if (this.phase !== 'launching') return;
    this.failAll('TASK_FAILED', 'REASON_CONTAINER_LAUNCH_FAILED', message);
  }

  private environment(): Record<string, string> {
    const { ctx } = this;
    return {
      ...mesosExecutorEnvironment({
        agentEnvironment: ctx.agentEnvironment,
        hostname: ctx.hostname,
        agentEndpoint: ctx.agentEndpoint,
        agentId: ctx.agentId,
        agentPid: ctx.agentPid,
        frameworkId: ctx.frameworkId,
        executorId: this.id,
        containerId: ctx.containerId,
        directory: ctx.directory,
        checkpoint: ctx.frameworkInfo().checkpoint === true,
      }),
      ...commandVariables(ctx.info.command),
    };
  }

  /**
   * SUBSCRIBE: the stream `res` carries SUBSCRIBED, the queued tasks as LAUNCH events, then whatever
   * follows. A second subscription replaces the first (the executor reconnected).
   */
  subscribe(res: ServerResponse): void {
    clearTimeout(this.registrationTimer);
    const previous = this.stream;
    this.stream = res;
    previous?.end();
    res.sendDate = false;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.on('close', () => this.streamClosed(res));
    if (this.phase === 'registering' || this.phase === 'launching') this.phase = 'subscribed';
    this.ctx.log('I', `Executor '${this.id}' of framework ${this.ctx.frameworkId} subscribed`);
    this.send({
      type: 'SUBSCRIBED',
      subscribed: {
        executor_info: this.ctx.info,
        framework_info: this.ctx.frameworkInfo(),
        agent_info: this.ctx.agentInfo(),
        container_id: { value: this.ctx.containerId },
      },
    });
    if (this.phase === 'terminating') {
      this.send({ type: 'SHUTDOWN' });
      return;
    }
    for (const entry of this.tasks.values()) {
      if (!entry.queued || entry.terminated) continue;
      entry.queued = false;
      this.send({ type: 'LAUNCH', launch: { task: entry.task } });
    }
    clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => this.send({ type: 'HEARTBEAT' }), HEARTBEAT_INTERVAL_MS);
    this.heartbeat.unref();
  }

  private streamClosed(res: ServerResponse): void {
    if (this.stream !== res) return;
    this.stream = undefined;
    clearInterval(this.heartbeat);
    if (this.phase !== 'subscribed') return;
    // A framework without checkpointing cannot have its executors reconnect (Mesos shuts them down).
    if (this.ctx.frameworkInfo().checkpoint !== true) {
      this.ctx.log('W', `Executor '${this.id}' of framework ${this.ctx.frameworkId} closed its subscription; shutting it down`);
      this.shutdown();
    }
  }

  /**
   * UPDATE from the executor: recorded, handed to the status update manager and ACKNOWLEDGED at
   * once. Returns an error text for an update the agent refuses.
   */
  update(status: TaskStatus): string | undefined {
    const entry = this.tasks.get(status.task_id.value);
    if (entry === undefined) return `Task '${status.task_id.value}' is not known to executor '${this.id}'`;
    if (entry.terminated) return `Task '${status.task_id.value}' is already terminal`;
    const complete: TaskStatus = {
      ...status,
      agent_id: { value: this.ctx.agentId },
      executor_id: { value: this.id },
      timestamp: status.timestamp ?? epochSeconds(this.ctx.clock),
      container_status: status.container_status ?? {
        container_id: { value: this.ctx.containerId },
        network_infos: [{ ip_addresses: [{ protocol: 'IPv4', ip_address: this.ctx.hostname }] }],
        ...(this.pid === undefined ? {} : { executor_pid: this.pid }),
      },
    };
    entry.record(complete);
    this.ctx.emit(complete);
    this.send(acknowledgedEvent(status.task_id.value, status.uuid!));
    if (entry.terminated) this.ctx.onTaskTerminated(entry.task.task_id.value);
    return undefined;
  }

  /** KILL: a task the executor has not seen yet is killed by the agent; otherwise the executor is told. */
  killTask(entry: CustomTask, gracePeriodMs?: number): void {
    if (entry.terminated) return;
    if (entry.queued) {
      this.finishByAgent(entry, 'TASK_KILLED', 'REASON_TASK_KILLED_DURING_LAUNCH', 'Task killed before it was launched');
      return;
    }
    if (this.phase === 'subscribed') this.send(killEvent(entry.task.task_id.value, gracePeriodMs));
  }

  /**
   * SHUTDOWN (framework removed, agent stopping): the executor is told and given its grace period,
   * then its process group is killed. Tasks it leaves get `state` (TASK_KILLED by default).
   */
  shutdown(): void {
    if (!this.live) return;
    const wasSubscribed = this.phase === 'subscribed';
    this.pendingTermination ??= { state: 'TASK_KILLED', reason: 'REASON_EXECUTOR_TERMINATED', message: 'Executor shut down' };
    this.phase = 'terminating';
    clearTimeout(this.registrationTimer);
    if (this.subprocess === undefined) {
      this.finishAll();
      return;
    }
    if (wasSubscribed) this.send({ type: 'SHUTDOWN' });
    else this.signalGroup('SIGKILL');
    const graceNs = this.ctx.info.shutdown_grace_period?.nanoseconds;
    const graceMs = graceNs !== undefined ? Math.round(graceNs / 1e6) : SHUTDOWN_GRACE_MS;
    this.shutdownTimer = setTimeout(() => this.signalGroup('SIGKILL'), wasSubscribed ? graceMs : 0);
    this.shutdownTimer.unref();
  }

  private terminate(state: TaskState, reason: string, message: string): void {
    this.pendingTermination = { state, reason, message };
    this.ctx.log('W', `Terminating executor '${this.id}' of framework ${this.ctx.frameworkId}: ${message}`);
    this.phase = 'terminating';
    this.signalGroup('SIGKILL');
    if (this.subprocess === undefined) this.finishAll();
  }

  /** The host died: SIGKILL the group, report nothing. */
  crash(): void {
    if (this.crashed) return;
    this.crashed = true;
    this.signalGroup('SIGKILL');
    this.cleanUp();
  }

  private onExit(description: string): void {
    this.signalGroup('SIGKILL');
    this.groupGuard?.disarm();
    if (this.crashed) {
      this.phase = 'terminated';
      return;
    }
    this.ctx.log('I', `Executor '${this.id}' of framework ${this.ctx.frameworkId} ${description}`);
    this.finishAll();
  }

  /** Every task without a terminal update gets one from the agent; then the executor is gone. */
  private finishAll(): void {
    const termination = this.pendingTermination ?? {
      state: 'TASK_FAILED',
      reason: 'REASON_EXECUTOR_TERMINATED',
      message: 'Executor terminated',
    };
    this.failAll(termination.state, termination.reason, termination.message);
  }

  private failAll(state: TaskState, reason: string, message: string): void {
    for (const entry of this.tasks.values()) {
      if (!entry.terminated) this.finishByAgent(entry, state, reason, message);
    }
    this.phase = 'terminated';
    this.cleanUp();
    this.stream?.end();
    this.stream = undefined;
    this.ctx.onExited();
  }

  private finishByAgent(entry: CustomTask, state: TaskState, reason: string, message: string): void {
    const status: TaskStatus = {
      task_id: { value: entry.task.task_id.value },
      state,
      message,
      source: 'SOURCE_AGENT',
      reason,
      agent_id: { value: this.ctx.agentId },
      executor_id: { value: this.id },
      timestamp: epochSeconds(this.ctx.clock),
      uuid: Buffer.from(randomUUID().replaceAll('-', ''), 'hex').toString('base64'),
      container_status: { container_id: { value: this.ctx.containerId } },
    };
    entry.record(status);
    this.ctx.emit(status);
    this.ctx.onTaskTerminated(entry.task.task_id.value);
  }

  private cleanUp(): void {
    clearTimeout(this.registrationTimer);
    clearTimeout(this.shutdownTimer);
    clearInterval(this.heartbeat);
  }

  private signalGroup(signal: NodeJS.Signals): void {
    if (this.pid === undefined) return;
    try {
      process.kill(-this.pid, signal);
    } catch {
      // ESRCH: the group is already gone.
    }
  }

  /** One RecordIO record per event (the agent's sockets send one turn's events in one write). */
  private send(event: ExecutorEvent): void {
    const res = this.stream;
    if (res === undefined || res.destroyed) return;
    if (res.writableLength > MAX_UNREAD_EVENT_BYTES) {
      this.ctx.log('W', `Executor '${this.id}' does not read its events; closing its subscription`);
      res.destroy();
      return;
    }
    res.write(encodeRecord(Buffer.from(JSON.stringify(event), 'utf8')));
  }
}
