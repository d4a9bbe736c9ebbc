/**
 * `deploy --detach`: the same command in the background, logging NDJSON to logs/framework.out.
 *
 * The parent reports success only once the background scheduler has subscribed: the child tells it
 * over an IPC channel, then closes the channel. If the child ends first (the master cannot be reached
 * within --timeout, the configuration is refused, ...) the parent reports the child's own error, read
 * from the log, with the child's exit code. Ctrl-C while waiting stops the child too.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdir, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import type { CommandContext } from '../../context/context.js';
import { AlluxioMesosError, ExitCode, OperationError, type ExitCodeValue } from '../../shared/errors.js';
import { frameworkLogPath, logsDir, pidFilePath } from '../../state/files.js';
import { spawnDetachedWithChannel } from '../../shared/spawn.js';

/** The one message the background scheduler sends its parent. */
interface SubscribedMessage {
  type: 'subscribed';
  frameworkId: string;
}

/** Child side: tells a waiting `deploy --detach` that the scheduler has subscribed, then lets it go. */
export function notifyDetachingParent(frameworkId: string): void {
  if (typeof process.send !== 'function' || !process.connected) return;
  const message: SubscribedMessage = { type: 'subscribed', frameworkId };
  process.send(message, () => {
    if (process.connected) process.disconnect();
  });
}

type ChildOutcome = { kind: 'subscribed'; frameworkId: string } | { kind: 'exited'; code: number | null; signal: NodeJS.Signals | null };

export async function detach(ctx: CommandContext, argv: readonly string[]): Promise<number> {
  const { io, globals } = ctx;
  await mkdir(logsDir(globals.confDir), { recursive: true });
  const logFile = frameworkLogPath(globals.confDir);
  const log = await open(logFile, 'a');
  // Where this child's own lines start: earlier runs appended to the same log.
  const logOffset = (await stat(logFile)).size;
  const args = argv.filter((arg) => arg !== '--detach');
  if (!args.includes('--json')) args.push('--json');
  if (!args.includes('--conf-dir')) args.push('--conf-dir', globals.confDir);
  const child = spawnDetachedWithChannel(process.execPath, [process.argv[1] ?? '', ...args], {
    cwd: io.cwd,
    env: { ...process.env, ...io.env } as NodeJS.ProcessEnv,
    logFd: log.fd,
  });
  await log.close();
  await writeFile(pidFilePath(globals.confDir), `${child.pid ?? ''}\n`);

  const outcome = await waitForChild(child, ctx.termination.signal);
  if (outcome.kind === 'exited') {
    await rm(pidFilePath(globals.confDir), { force: true });
    if (ctx.termination.received() !== undefined) throw ctx.termination.signal.reason;
    throw await childFailure(logFile, logOffset, outcome);
  }
  if (child.connected) child.disconnect();
  child.unref();

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
      const subscribed = message as Partial<SubscribedMessage> | null;
      if (subscribed?.type !== 'subscribed' || typeof subscribed.frameworkId !== 'string') return;
      cleanup();
      resolve({ kind: 'subscribed', frameworkId: subscribed.frameworkId });
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

/** The child's own error (its last `{"error": ...}` line in the log) with its exit code. */
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
  if (!line.startsWith('{"error"')) return undefined;
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
