/**
 * `deploy --detach`: the same command in the background, logging NDJSON to
 * `<conf>/alluxio-mesos-framework.out`; the background scheduler writes its pid to
 * `<conf>/alluxio-mesos-framework.pid` once it holds the deployment's lock.
 *
 * The parent reports success only once the background scheduler has subscribed (or, with
 * --standby, is standing by): the child tells it over an IPC channel, then closes the channel. If
 * the child ends first (the master cannot be reached within --timeout, another scheduler is active,
 * the configuration is refused, ...) the parent reports the child's own error, read from the log,
 * with the child's exit code. Ctrl-C while waiting stops the child too.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdir, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import type { CommandContext } from '../../context/context.js';
import { AlluxioMesosError, ExitCode, OperationError, type ExitCodeValue } from '../../shared/errors.js';
import { frameworkLogPath, pidFilePath } from '../../state/files.js';
import type { SchedulerIdentity } from '../../state/deployment-state.js';
import { describeStandby } from './live-view.js';
import { spawnDetachedWithChannel } from '../../shared/spawn.js';
import { DETACHED_CHILD_ENV, isDetachedChild } from '../../ui/detached-io.js';

/** What the background scheduler tells its waiting parent (once; then it closes the channel). */
type ChildMessage = { type: 'subscribed'; frameworkId: string } | { type: 'standby'; leader: SchedulerIdentity | null };

/** Child side: tells a waiting `deploy --detach` that the scheduler has subscribed or stands by, then lets it go. */
export function notifyDetachingParent(message: ChildMessage): void {
  if (typeof process.send !== 'function' || !process.connected) return;
  process.send(message, () => {
    if (process.connected) process.disconnect();
  });
}

/**
 * Child side: once it holds the lock, the background scheduler records its pid for `kill` (and
 * removes it when it ends, if the file is still its own). Returns the cleanup; a no-op in the foreground.
 */
export async function recordDetachedPid(ctx: CommandContext): Promise<() => Promise<void>> {
  if (!isDetachedChild(ctx.io.env)) return async () => {};
  const file = pidFilePath(ctx.globals.confDir);
  await writeFile(file, `${process.pid}\n`);
  return async () => {
    const text = await readFile(file, 'utf8').catch(() => '');
    if (text.trim() === String(process.pid)) await rm(file, { force: true });
  };
}

type ChildOutcome =
  | { kind: 'subscribed'; frameworkId: string }
  | { kind: 'standby'; leader: SchedulerIdentity | null }
  | { kind: 'exited'; code: number | null; signal: NodeJS.Signals | null };

export async function detach(ctx: CommandContext, argv: readonly string[]): Promise<number> {
  const { io, globals } = ctx;
  await mkdir(globals.confDir, { recursive: true });
  const logFile = frameworkLogPath(globals.confDir);
  const log = await open(logFile, 'a');
  // Where this child's own lines start: earlier runs appended to the same log.
  const logOffset = (await stat(logFile)).size;
  const args = argv.filter((arg) => arg !== '--detach');
  if (!args.includes('--json')) args.push('--json');
  if (!args.includes('--conf-dir')) args.push('--conf-dir', globals.confDir);
  const child = spawnDetachedWithChannel(process.execPath, [process.argv[1] ?? '', ...args], {
    cwd: io.cwd,
    env: { ...process.env, ...io.env, [DETACHED_CHILD_ENV]: '1' } as NodeJS.ProcessEnv,
    logFd: log.fd,
  });
  await log.close();

  const outcome = await waitForChild(child, ctx.termination.signal);
  if (outcome.kind === 'exited') {
    if (ctx.termination.received() !== undefined) throw ctx.termination.signal.reason;
    throw await childFailure(logFile, logOffset, outcome);
  }
  if (child.connected) child.disconnect();
  child.unref();

  if (outcome.kind === 'standby') {
    if (globals.json) {
      io.stdout.write(`${JSON.stringify({ detached: true, standby: true, pid: child.pid, leader: outcome.leader, log: logFile })}\n`);
    } else {
      io.stdout.write(
        `${describeStandby(outcome.leader ?? undefined).replace(/^standing by/, `Standing by in the background (pid ${child.pid})`)}; ` +
          `this one takes over when it stops. Log: ${logFile}\n`,
      );
    }
    return ExitCode.OK;
  }
  if (globals.json) {
    io.stdout.write(
      `${JSON.stringify({ detached: true, pid: child.pid, frameworkId: outcome.frameworkId, log: logFile, pidFile: pidFilePath(globals.confDir) })}\n`,
    );
  } else {
    io.stdout.write(`The framework ${outcome.frameworkId} runs in the background (pid ${child.pid}); log: ${logFile}\n`);
    io.stdout.write(
      `Follow it with \`alluxio-mesos status --watch\`; stop it with \`kill ${child.pid}\` (tasks keep running) or \`alluxio-mesos teardown\`.\n`,
    );
  }
  return ExitCode.OK;
}

function waitForChild(child: ChildProcess, signal: AbortSignal): Promise<ChildOutcome> {
  return new Promise((resolve) => {
    const onMessage = (message: unknown): void => {
      const told = message as Partial<ChildMessage> | null;
      if (told?.type === 'subscribed' && typeof told.frameworkId === 'string') {
        cleanup();
        resolve({ kind: 'subscribed', frameworkId: told.frameworkId });
      } else if (told?.type === 'standby') {
        cleanup();
        resolve({ kind: 'standby', leader: told.leader ?? null });
      }
    };
    const onExit = (code: number | null, exitSignal: NodeJS.Signals | null): void => {
      cleanup();
      resolve({ kind: 'exited', code, signal: exitSignal });
    };
    // The user gave up waiting: the scheduler they started goes too (its 'exit' then resolves).
    const onAbort = (): void => {
      child.kill('SIGTERM');
    };
    const cleanup = (): void => {
      child.off('message', onMessage);
      child.off('exit', onExit);
      signal.removeEventListener('abort', onAbort);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The child's own error (its last record with an `error` in the log) with its exit code. */
async function childFailure(logFile: string, offset: number, outcome: Extract<ChildOutcome, { kind: 'exited' }>): Promise<Error> {
  const text = (await readFile(logFile)).subarray(offset).toString('utf8');
  const reported = text
    .split('\n')
    .map(parseErrorLine)
    .filter((error) => error !== undefined)
    .at(-1);
  const how = outcome.signal === null ? `exited with ${outcome.code ?? '?'}` : `was killed by ${outcome.signal}`;
  if (reported === undefined) {
    return new OperationError(`the background scheduler ${how} before subscribing to Mesos`, { hint: `see ${logFile}` });
  }
  const exitCode = isExitCode(reported.exitCode) ? reported.exitCode : ExitCode.FAILED;
  return new AlluxioMesosError(`the background scheduler ${how} before subscribing: ${reported.message}`, exitCode, {
    ...(reported.hint === null ? {} : { hint: reported.hint }),
  });
}

function parseErrorLine(line: string): { message: string; hint: string | null; exitCode: number } | undefined {
  if (!line.startsWith('{') || !line.includes('"error"')) return undefined;
  try {
    const { error } = JSON.parse(line) as { error?: { message?: unknown; hint?: unknown; exitCode?: unknown } };
    if (typeof error?.message !== 'string' || typeof error.exitCode !== 'number') return undefined;
    return { message: error.message, hint: typeof error.hint === 'string' ? error.hint : null, exitCode: error.exitCode };
  } catch {
    return undefined;
  }
}

function isExitCode(code: number): code is ExitCodeValue {
  return (Object.values(ExitCode) as number[]).includes(code);
}
