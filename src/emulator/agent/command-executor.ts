/**
 * An emulation of Mesos' command executor for one task: fetch the URIs, fork the command in the
 * sandbox (its own process group, so a kill reaches every child, guarded so that the group dies with
 * the agent's process even when that is SIGKILLed), report TASK_STARTING, TASK_RUNNING
 * and a terminal state, run the health check, kill with SIGTERM then SIGKILL after a grace period.
 * It writes the executor's glog lines to the sandbox's stderr like the real one, and the task's own
 * stdout/stderr go to the same files.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { execa, type ResultPromise } from 'execa';
import type { CommandInfo, FrameworkInfo, TaskInfo, TaskState, TaskStatus, TaskStatusSource } from '../../mesos/protocol/types.js';
import { TERMINAL_TASK_STATES } from '../../mesos/protocol/types.js';
import { fetchUris } from './fetcher.js';
import type { Clock } from '../../shared/clock.js';
import { epochSeconds, glogLine, type GlogLevel } from './glog.js';
import { HealthChecker } from './health-checker.js';
import { guardProcessGroup, type GroupGuard } from '../../shared/spawn.js';
import { commandVariables, mesosExecutorEnvironment } from './executor-environment.js';

/** The command executor's default kill grace period (KillPolicy absent, no grace in the kill). */
export const DEFAULT_KILL_GRACE_MS = 3_000;

/** strsignal() texts, which Mesos puts in "Command terminated with signal ...". */
const SIGNAL_TEXT: Record<string, string> = {
  SIGHUP: 'Hangup',
  SIGINT: 'Interrupt',
  SIGQUIT: 'Quit',
  SIGILL: 'Illegal instruction',
  SIGTRAP: 'Trace/breakpoint trap',
  SIGABRT: 'Aborted',
  SIGBUS: 'Bus error',
  SIGFPE: 'Floating point exception',
  SIGKILL: 'Killed',
  SIGUSR1: 'User defined signal 1',
  SIGSEGV: 'Segmentation fault',
  SIGUSR2: 'User defined signal 2',
  SIGPIPE: 'Broken pipe',
  SIGALRM: 'Alarm clock',
  SIGTERM: 'Terminated',
  SIGXCPU: 'CPU time limit exceeded',
  SIGXFSZ: 'File size limit exceeded',
};

export function describeExit(exitCode: number | undefined, signal: string | undefined): string {
  if (signal !== undefined) return `terminated with signal ${SIGNAL_TEXT[signal] ?? signal}`;
  return `exited with status ${exitCode ?? 'unknown'}`;
}

/** `Command Executor (Task: t) (Command: sh -c 'echo hello; ...')`, as Mesos names it. */
export function commandExecutorName(task: TaskInfo): string {
  const command = task.command;
  let description: string;
  if (command === undefined || command.value === undefined) {
    description = 'NO EXECUTABLE';
  } else if (command.shell ?? true) {
    const value = command.value;
    description = `sh -c '${value.length > 15 ? `${value.slice(0, 12)}...` : value}'`;
  } else {
    description = `[${[command.value, ...(command.arguments ?? []).slice(1)].join(', ')}]`;
  }
  return `Command Executor (Task: ${task.task_id.value}) (Command: ${description})`;
}

/**
 * `sh -c` arguments that wait for one line on stdin, then `exec` the task's command in place (same
 * pid). The executor writes "Forked command at <pid>" before opening the gate, so that line always
 * precedes the task's own output in stderr, as with the real command executor. `shell: false` runs
 * `value` with `arguments[1..]` (argv[0] is then `value`). The task itself reads /dev/null, as
 * under Mesos: the gate's pipe is a socket, and a bash whose stdin is a socket takes itself for an
 * ssh session and sources ~/.bashrc of the user (which ran `pyenv rehash` on a test machine).
 */
export function gatedCommand(command: CommandInfo): string[] {
  const gate = 'read -r _ || :';
  if (command.shell ?? true) return ['-c', `${gate}; exec /bin/sh -c "$1" </dev/null`, 'sh', command.value ?? ''];
  return ['-c', `${gate}; exec "$@" </dev/null`, 'sh', command.value ?? '', ...(command.arguments ?? []).slice(1)];
}

/**
 * execa hands a plain file-descriptor number straight to spawn(), so the task writes to the sandbox
 * files itself (nothing is piped through the agent, and a backgrounded child cannot hold the agent
 * up); its typings only admit the literals 1 and 2 for that, hence the narrowing.
 */
function fileDescriptor(fd: number): 1 {
  return fd as 1;
}

/** The role the task's resources are allocated to (Mesos sets allocation_info on every task resource). */
function allocationRole(task: TaskInfo, framework: FrameworkInfo): string {
  const first = task.resources?.[0];
  return first?.allocation_info?.role ?? framework.roles?.[0] ?? framework.role ?? first?.role ?? '*';
}

function formatDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}secs` : `${ms}ms`;
}

export interface CommandExecutorContext {
  agentId: string;
  hostname: string;
  /** `host:port` of the agent. */
  agentEndpoint: string;
  /** `slave(1)@host:port`. */
  agentPid: string;
  frameworkId: string;
  frameworkInfo: FrameworkInfo;
  task: TaskInfo;
  containerId: string;
  directory: string;
  version: string;
  clock: Pick<Clock, 'now'>;
  /** Hands a complete, uuid-carrying update to the status update manager. */
  emit: (status: TaskStatus) => void;
  /** The task reached a terminal state (its process and children are gone). */
  onTerminated: () => void;
  /** Agent log. */
  log: (level: GlogLevel, message: string) => void;
  /** Grace period of a kill when neither the kill nor the task's KillPolicy names one. */
  defaultKillGraceMs: number;
  /** What the agent passes on of its own environment (see executor-environment.ts). */
  agentEnvironment: Readonly<Record<string, string>>;
}

type Phase = 'staging' | 'fetching' | 'running' | 'terminated';

export class CommandExecutor {
  private phase: Phase = 'staging';
  private subprocess: ResultPromise | undefined;
  /** Kills the task's process group should the agent's process die without stopping it (SIGKILL). */
  private groupGuard: GroupGuard | undefined;
  private stderrFd: number | undefined;
  private killRequested: { graceMs: number } | undefined;
  private killedByHealthCheck = false;
  private crashed = false;
  private escalation: NodeJS.Timeout | undefined;
  private healthChecker: HealthChecker | undefined;
  private readonly fetchAbort = new AbortController();
  private exited: Promise<void> = Promise.resolve();
  private latest: TaskStatus | undefined;
  /** Every update sent, in order (the `statuses` of `/state`). */
  readonly statuses: TaskStatus[] = [];
  pid: number | undefined;

  constructor(private readonly ctx: CommandExecutorContext) {}

  /** TASK_STAGING until the first update; then the state of the latest update. */
  get state(): TaskState {
    return this.latest?.state ?? 'TASK_STAGING';
  }

  get latestStatus(): TaskStatus | undefined {
    return this.latest;
  }

  get terminated(): boolean {
    return this.phase === 'terminated';
  }

  /** Resolves once the task's process is gone (immediately if it never started). */
  whenExited(): Promise<void> {
    return this.exited;
  }

  /** Fetches, forks and supervises the task. Resolves when the process has been forked (or failed). */
  async launch(): Promise<void> {
    if (this.phase !== 'staging') return;
    this.phase = 'fetching';
    this.stderrFd = openSync(`${this.ctx.directory}/stderr`, 'a');
    const uris = this.ctx.task.command?.uris ?? [];
    if (uris.length > 0) {
      try {
        this.stderrLine('fetcher.cpp:561', `Fetcher Info: ${JSON.stringify({ items: uris, sandbox_directory: this.ctx.directory })}`);
        await fetchUris(uris, {
          sandbox: this.ctx.directory,
          log: (message) => this.stderrLine('fetcher.cpp:350', message),
          signal: this.fetchAbort.signal,
        });
      } catch (error) {
        const message = (error as Error).message;
        if (this.killRequested !== undefined || this.crashed) {
          this.finishKilledBeforeLaunch();
          return;
        }
        this.stderrLine('fetcher.cpp:612', `EXIT with status 1: ${message}`, 'E');
        this.finish({
          state: 'TASK_FAILED',
          source: 'SOURCE_AGENT',
          reason: 'REASON_CONTAINER_LAUNCH_FAILED',
          message: `Failed to launch container: Failed to fetch all URIs for container '${this.ctx.containerId}': ${message}`,
        });
        return;
      }
    }
    if (this.killRequested !== undefined || this.crashed) {
      this.finishKilledBeforeLaunch();
      return;
    }
    this.fork();
  }

  /** The agent could not prepare the container (its sandbox): TASK_FAILED, nothing forked. */
  failLaunch(message: string): void {
    if (this.phase !== 'staging') return;
    this.finish({ state: 'TASK_FAILED', source: 'SOURCE_AGENT', reason: 'REASON_CONTAINER_LAUNCH_FAILED', message });
  }

  private finishKilledBeforeLaunch(): void {
    this.finish({
      state: 'TASK_KILLED',
      source: 'SOURCE_AGENT',
      reason: 'REASON_TASK_KILLED_DURING_LAUNCH',
      message: 'Task killed before it was launched',
    });
  }

  private fork(): void {
    const { task } = this.ctx;
    this.stderrLine('exec.cpp:164', `Version: ${this.ctx.version}`);
    this.stderrLine('exec.cpp:237', `Executor registered on agent ${this.ctx.agentId}`);
    this.stderrLine('executor.cpp:190', 'Received SUBSCRIBED event');
    this.stderrLine('executor.cpp:194', `Subscribed executor on ${this.ctx.hostname}`);
    this.stderrLine('executor.cpp:190', 'Received LAUNCH event');
    this.send('TASK_STARTING');
    this.stderrLine('executor.cpp:722', `Starting task ${task.task_id.value}`);

    const stdoutFd = openSync(`${this.ctx.directory}/stdout`, 'a');
    this.phase = 'running';
    try {
      this.subprocess = execa('/bin/sh', gatedCommand(task.command!), {
        cwd: this.ctx.directory,
        // Only what an agent would give: never the environment of the process the agent runs in.
        env: this.environment(),
        extendEnv: false,
        stdin: 'pipe',
        stdout: fileDescriptor(stdoutFd),
        stderr: fileDescriptor(this.stderrFd!),
        // Its own process group: SIGTERM/SIGKILL to -pid reach the shell and everything it started.
        detached: true,
        reject: false,
      });
    } catch (error) {
      closeSync(stdoutFd);
      this.finish({ state: 'TASK_FAILED', source: 'SOURCE_EXECUTOR', message: `Failed to launch command: ${(error as Error).message}` });
      return;
    }
    closeSync(stdoutFd);
    const subprocess = this.subprocess;
    this.pid = subprocess.pid;
    this.exited = subprocess.then(
      (result) =>
        this.onExit(
          result.exitCode,
          result.signal,
          result.failed && result.exitCode === undefined && result.signal === undefined ? result.message : undefined,
        ),
      (error: unknown) => this.onExit(undefined, undefined, (error as Error).message),
    );
    if (this.pid === undefined) return; // spawn failed; onExit reports it
    this.groupGuard = guardProcessGroup(this.pid);
    this.stderrLine('executor.cpp:740', `Forked command at ${this.pid}`);
    // Open the gate: the command starts only now, so its output follows the line above.
    subprocess.stdin?.on('error', () => undefined);
    subprocess.stdin?.end('\n');
    this.send('TASK_RUNNING');
    this.startHealthCheck();
  }

  /**
   * What a Mesos 1.12 command task finds in its environment: what the agent passes on of its own
   * environment (ctx.agentEnvironment), then the agent's `executorEnvironment()`
   * (slave.cpp; LIBPROCESS_IP is the agent's own address, passed through so the executor never
   * needs DNS), then the command executor's additions (MESOS_ALLOCATION_ROLE), then the task's
   * CommandInfo variables, which win. A few extra ids (MESOS_AGENT_ID, MESOS_TASK_ID,
   * MESOS_CONTAINER_ID) are the emulator's own.
   */
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
        executorId: ctx.task.task_id.value,
        containerId: ctx.containerId,
        directory: ctx.directory,
        checkpoint: ctx.frameworkInfo.checkpoint === true,
      }),
      MESOS_TASK_ID: ctx.task.task_id.value,
      MESOS_HTTP_COMMAND_EXECUTOR: '0',
      MESOS_ALLOCATION_ROLE: allocationRole(ctx.task, ctx.frameworkInfo),
      ...commandVariables(ctx.task.command),
    };
  }

  private startHealthCheck(): void {
    const check = this.ctx.task.health_check;
    if (check === undefined) return;
    this.healthChecker = new HealthChecker({
      check,
      sandbox: this.ctx.directory,
      env: this.environment(),
      onHealthChange: (healthy) => {
        if (this.phase !== 'running' || this.killRequested !== undefined) return;
        this.ctx.log('I', `Task ${this.ctx.task.task_id.value} is ${healthy ? 'healthy' : 'not healthy'}`);
        this.send('TASK_RUNNING', { reason: 'REASON_TASK_HEALTH_CHECK_STATUS_UPDATED', healthy });
      },
      onKill: (failures) => {
        this.stderrLine(
          'executor.cpp:1100',
          `Killing task ${this.ctx.task.task_id.value} after ${failures} consecutive failed health checks`,
          'W',
        );
        this.killedByHealthCheck = true;
        this.kill();
      },
    });
    this.healthChecker.start();
  }

  /**
   * KILL: TASK_KILLING (frameworks with TASK_KILLING_STATE), SIGTERM to the process group, SIGKILL
   * after the grace period (the kill's, else the task's KillPolicy's, else the agent default). Before
   * the fork it just prevents the launch.
   */
  kill(gracePeriodMs?: number): void {
    if (this.phase === 'terminated' || this.crashed) return;
    const policyNs = this.ctx.task.kill_policy?.grace_period?.nanoseconds;
    const graceMs = gracePeriodMs ?? (policyNs !== undefined ? Math.round(policyNs / 1e6) : this.ctx.defaultKillGraceMs);
    if (this.killRequested !== undefined) return;
    this.killRequested = { graceMs };
    if (this.phase === 'staging') {
      this.finishKilledBeforeLaunch();
      return;
    }
    if (this.phase === 'running' && this.pid !== undefined) this.signalKill(graceMs);
    // While fetching: abort it; launch() then reports TASK_KILLED without forking.
    if (this.phase === 'fetching') this.fetchAbort.abort();
  }

  private signalKill(graceMs: number): void {
    this.healthChecker?.stop();
    this.stderrLine('executor.cpp:190', 'Received KILL event');
    this.stderrLine(
      'executor.cpp:806',
      `Received kill for task ${this.ctx.task.task_id.value} with grace period of ${formatDuration(graceMs)}`,
    );
    const capabilities = this.ctx.frameworkInfo.capabilities ?? [];
    if (capabilities.some((c) => c.type === 'TASK_KILLING_STATE')) this.send('TASK_KILLING');
    this.stderrLine('executor.cpp:900', `Sending SIGTERM to process tree at pid ${this.pid}`);
    this.signalGroup('SIGTERM');
    this.escalation = setTimeout(() => {
      if (this.phase !== 'running') return;
      this.stderrLine(
        'executor.cpp:946',
        `Process ${this.pid} did not terminate after ${formatDuration(graceMs)}, sending SIGKILL to process tree at ${this.pid}`,
      );
      this.signalGroup('SIGKILL');
    }, graceMs);
    this.escalation.unref();
  }

  /** The host died: SIGKILL everything, report nothing. */
  crash(): void {
    this.crashed = true;
    this.fetchAbort.abort();
    this.healthChecker?.stop();
    clearTimeout(this.escalation);
    if (this.phase === 'running') this.signalGroup('SIGKILL');
  }

  private signalGroup(signal: NodeJS.Signals): void {
    if (this.pid === undefined) return;
    try {
      process.kill(-this.pid, signal);
    } catch {
      // ESRCH: the group is already gone.
    }
  }

  private onExit(exitCode: number | undefined, signal: string | undefined, launchError?: string): void {
    clearTimeout(this.escalation);
    this.healthChecker?.stop();
    // Like the containerizer destroying the container: nothing of the task outlives it.
    this.signalGroup('SIGKILL');
    this.groupGuard?.disarm();
    if (this.crashed) {
      this.phase = 'terminated';
      this.closeStderr();
      return;
    }
    if (launchError !== undefined) {
      this.finish({ state: 'TASK_FAILED', source: 'SOURCE_EXECUTOR', message: `Failed to launch command: ${launchError}` });
      return;
    }
    const description = describeExit(exitCode, signal);
    this.stderrLine('executor.cpp:1041', `Command ${description} (pid: ${this.pid})`);
    const state: TaskState =
      this.killRequested !== undefined ? 'TASK_KILLED' : exitCode === 0 && signal === undefined ? 'TASK_FINISHED' : 'TASK_FAILED';
    this.finish({
      state,
      source: 'SOURCE_EXECUTOR',
      message: `Command ${description}`,
      ...(this.killedByHealthCheck ? { healthy: false } : {}),
    });
    this.stderrLine('process.cpp:935', 'Stopped the socket accept loop');
    this.closeStderr();
  }

  private finish(terminal: { state: TaskState; source: TaskStatusSource; reason?: string; message: string; healthy?: boolean }): void {
    if (this.phase === 'terminated') return;
    this.phase = 'terminated';
    if (!this.crashed) {
      this.send(terminal.state, terminal);
      this.ctx.log(
        TERMINAL_TASK_STATES.has(terminal.state) && terminal.state !== 'TASK_FINISHED' ? 'W' : 'I',
        `Task ${this.ctx.task.task_id.value} of framework ${this.ctx.frameworkId} is ${terminal.state}: ${terminal.message}`,
      );
    }
    if (this.subprocess === undefined) this.closeStderr();
    this.ctx.onTerminated();
  }

  /** Builds an update in Mesos' field order and hands it on. */
  private send(state: TaskState, extra: { source?: TaskStatusSource; reason?: string; message?: string; healthy?: boolean } = {}): void {
    const status: TaskStatus = {
      task_id: { value: this.ctx.task.task_id.value },
      state,
      ...(extra.message !== undefined ? { message: extra.message } : {}),
      source: extra.source ?? 'SOURCE_EXECUTOR',
      ...(extra.reason !== undefined ? { reason: extra.reason } : {}),
      agent_id: { value: this.ctx.agentId },
      executor_id: { value: this.ctx.task.task_id.value },
      timestamp: epochSeconds(this.ctx.clock),
      // Mesos accepts only the 16 bytes of a real (version 4) UUID in ACKNOWLEDGE.
      uuid: Buffer.from(randomUUID().replaceAll('-', ''), 'hex').toString('base64'),
      ...(extra.healthy !== undefined ? { healthy: extra.healthy } : {}),
      container_status: {
        container_id: { value: this.ctx.containerId },
        network_infos: [{ ip_addresses: [{ protocol: 'IPv4', ip_address: this.ctx.hostname }] }],
        executor_pid: process.pid,
      },
    };
    this.latest = status;
    this.statuses.push(status);
    this.ctx.emit(status);
  }

  private stderrLine(source: string, message: string, level: GlogLevel = 'I'): void {
    if (this.stderrFd === undefined) return;
    try {
      writeSync(this.stderrFd, glogLine(level, source, message, this.ctx.clock.now()));
    } catch {
      // The sandbox disappeared; the task's own fate is reported elsewhere.
    }
  }

  private closeStderr(): void {
    if (this.stderrFd === undefined) return;
    try {
      closeSync(this.stderrFd);
    } catch {
      // Already closed.
    }
    this.stderrFd = undefined;
  }
}
