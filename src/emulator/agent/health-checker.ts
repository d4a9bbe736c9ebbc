/**
 * Runs a task's `HealthCheck` the way the Mesos command executor does: first check after
 * `delay_seconds`, then every `interval_seconds`, each bounded by `timeout_seconds`. Failures inside
 * `grace_period_seconds` (counted from the start, and only until the first success) are ignored.
 * Health is reported when it changes; after `consecutive_failures` failures in a row the task is to
 * be killed.
 *
 * TCP connects to 127.0.0.1 and HTTP GETs `scheme://127.0.0.1:port/path` (accepting `statuses`,
 * default 200-399), exactly where Mesos checks (`src/checks/checks_types.hpp`: `DEFAULT_DOMAIN`),
 * never the agent's address: a task that listens on its agent's 127.0.0.N only fails them, as it would
 * on real Mesos. COMMAND runs in the sandbox with the task's environment and passes on exit status 0.
 */
import { connect } from 'node:net';
import { execa } from 'execa';
import type { CommandInfo, HealthCheck } from '../../mesos/protocol/types.js';
import { openHttpRequest } from '../../shared/http-request.js';

/** Mesos' HealthCheck defaults. */
const HEALTH_CHECK_DEFAULTS = {
  delaySeconds: 15,
  intervalSeconds: 10,
  timeoutSeconds: 20,
  consecutiveFailures: 3,
  gracePeriodSeconds: 10,
} as const;

export interface HealthCheckerOptions {
  check: HealthCheck;
  /** Working directory and environment of COMMAND checks. */
  sandbox: string;
  env: Record<string, string>;
  /** Health changed (first result included). */
  onHealthChange: (healthy: boolean) => void;
  /** `consecutive_failures` reached: the executor kills the task. */
  onKill: (consecutiveFailures: number) => void;
}

/** Where Mesos' TCP and HTTP checks connect, whatever the agent's address. */
const MESOS_CHECK_ADDRESS = '127.0.0.1';

export type CheckOutcome = { ok: true } | { ok: false; reason: string };

function tcpCheck(host: string, port: number, timeoutMs: number): Promise<CheckOutcome> {
  return new Promise((resolveCheck) => {
    const socket = connect({ host, port });
    const done = (outcome: CheckOutcome): void => {
      socket.destroy();
      resolveCheck(outcome);
    };
    socket.setTimeout(timeoutMs, () => done({ ok: false, reason: `timed out connecting to ${host}:${port}` }));
    socket.once('connect', () => done({ ok: true }));
    socket.once('error', (error) => done({ ok: false, reason: error.message }));
  });
}

async function httpCheck(check: NonNullable<HealthCheck['http']>, host: string, timeoutMs: number): Promise<CheckOutcome> {
  const scheme = check.scheme ?? 'http';
  const path = check.path === undefined ? '/' : check.path.startsWith('/') ? check.path : `/${check.path}`;
  const url = `${scheme}://${host}:${check.port}${path}`;
  try {
    // The status is all a check needs: the body is not read. A 3xx is not followed, it is the status.
    const answer = await openHttpRequest({ url, timeoutMs });
    answer.close();
    const accepted =
      check.statuses !== undefined && check.statuses.length > 0
        ? check.statuses.includes(answer.status)
        : answer.status >= 200 && answer.status <= 399;
    return accepted ? { ok: true } : { ok: false, reason: `${url} answered ${answer.status}` };
  } catch (error) {
    return { ok: false, reason: `${url}: ${(error as Error).message}` };
  }
}

async function commandCheck(command: CommandInfo, options: HealthCheckerOptions, timeoutMs: number): Promise<CheckOutcome> {
  const env: Record<string, string> = { ...options.env };
  for (const variable of command.environment?.variables ?? []) {
    if (variable.value !== undefined) env[variable.name] = variable.value;
  }
  const shell = command.shell ?? true;
  const file = shell ? '/bin/sh' : (command.value ?? '');
  const args = shell ? ['-c', command.value ?? ''] : (command.arguments ?? []).slice(1);
  try {
    const result = await execa(file, args, {
      cwd: options.sandbox,
      // The task's environment, as Mesos runs a COMMAND check: nothing of the agent's process.
      env,
      extendEnv: false,
      reject: false,
      stdin: 'ignore',
      stdout: 'ignore',
      stderr: 'ignore',
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
    });
    if (result.timedOut) return { ok: false, reason: `command timed out after ${timeoutMs} ms` };
    return result.exitCode === 0 ? { ok: true } : { ok: false, reason: `command exited with status ${result.exitCode ?? result.signal}` };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}

export class HealthChecker {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private healthy: boolean | undefined;
  private succeededOnce = false;
  private consecutiveFailures = 0;
  private readonly startedAt = Date.now();

  constructor(private readonly options: HealthCheckerOptions) {}

  start(): void {
    this.schedule(this.seconds(this.options.check.delay_seconds, HEALTH_CHECK_DEFAULTS.delaySeconds));
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private seconds(value: number | undefined, fallback: number): number {
    return (value !== undefined && value >= 0 ? value : fallback) * 1000;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.runOnce(), delayMs);
    this.timer.unref();
  }

  /** One check: exported behaviour is through the callbacks. */
  private async runOnce(): Promise<void> {
    const outcome = await this.probe();
    if (this.stopped) return;
    if (outcome.ok) {
      this.succeededOnce = true;
      this.consecutiveFailures = 0;
      if (this.healthy !== true) {
        this.healthy = true;
        this.options.onHealthChange(true);
      }
    } else {
      const graceMs = this.seconds(this.options.check.grace_period_seconds, HEALTH_CHECK_DEFAULTS.gracePeriodSeconds);
      const inGrace = !this.succeededOnce && Date.now() - this.startedAt < graceMs;
      if (!inGrace) {
        this.consecutiveFailures += 1;
        if (this.healthy !== false) {
          this.healthy = false;
          this.options.onHealthChange(false);
        }
        const limit = this.options.check.consecutive_failures ?? HEALTH_CHECK_DEFAULTS.consecutiveFailures;
        if (this.consecutiveFailures >= limit) {
          this.stop();
          this.options.onKill(this.consecutiveFailures);
          return;
        }
      }
    }
    this.schedule(this.seconds(this.options.check.interval_seconds, HEALTH_CHECK_DEFAULTS.intervalSeconds));
  }

  private probe(): Promise<CheckOutcome> {
    const check = this.options.check;
    const timeoutMs = Math.max(1, this.seconds(check.timeout_seconds, HEALTH_CHECK_DEFAULTS.timeoutSeconds));
    const type = check.type ?? (check.command ? 'COMMAND' : check.http ? 'HTTP' : check.tcp ? 'TCP' : 'UNKNOWN');
    if (type === 'TCP' && check.tcp !== undefined) return tcpCheck(MESOS_CHECK_ADDRESS, check.tcp.port, timeoutMs);
    if (type === 'HTTP' && check.http !== undefined) return httpCheck(check.http, MESOS_CHECK_ADDRESS, timeoutMs);
    if (type === 'COMMAND' && check.command !== undefined) return commandCheck(check.command, this.options, timeoutMs);
    return Promise.resolve({ ok: false, reason: `unsupported health check type ${type}` });
  }
}
