/**
 * How a command learns that it must end: SIGINT (Ctrl-C) and SIGTERM abort one AbortSignal that
 * every command receives in its context, with a CancelledError as the reason (exit 130 or 143), so
 * that whatever it is waiting on (a connection, a retry pause, a prompt, a live view) ends through
 * the ordinary error path and its `finally` blocks restore the terminal.
 *
 * A command that does not end within the grace period after the signal, or a second signal, ends
 * the process at once, after restoring the terminal (cursor shown, stdin out of raw mode): Ctrl-C and
 * SIGTERM always work, whatever a command or a library is stuck in.
 */
import { CancelledError, ExitCode } from '../shared/errors.js';

export type TerminationSignal = 'SIGINT' | 'SIGTERM';

export interface Termination {
  /** Aborts on the first SIGINT/SIGTERM; its reason is a CancelledError with the exit code. */
  readonly signal: AbortSignal;
  /** Which signal arrived, if any. */
  received(): TerminationSignal | undefined;
  /**
   * Asks for a longer grace period than the default, for a command whose orderly stop takes time
   * (local-cluster stops its agents and their tasks). A second signal still ends the process at once.
   */
  allowGrace(ms: number): void;
}

/** Time a command has to end on its own after the signal; the promise is "within 1 s". */
const DEFAULT_GRACE_MS = 900;

export function exitCodeFor(signal: TerminationSignal): number {
  return signal === 'SIGINT' ? ExitCode.INTERRUPTED : ExitCode.TERMINATED;
}

export function cancelledBy(signal: TerminationSignal): CancelledError {
  return signal === 'SIGINT'
    ? new CancelledError('interrupted (Ctrl-C)', { exitCode: ExitCode.INTERRUPTED })
    : new CancelledError('terminated (SIGTERM)', { exitCode: ExitCode.TERMINATED });
}

/** A termination that never fires: for running a command in-process (tests, the demo). */
export function noTermination(): Termination {
  return { signal: new AbortController().signal, received: () => undefined, allowGrace: () => {} };
}

/** A termination driven by the caller: `terminate('SIGINT')` acts as the signal would. */
export function manualTermination(): Termination & { terminate(signal: TerminationSignal): void } {
  const controller = new AbortController();
  let received: TerminationSignal | undefined;
  return {
    signal: controller.signal,
    received: () => received,
    allowGrace: () => {},
    terminate: (signal) => {
      if (received !== undefined) return;
      received = signal;
      controller.abort(cancelledBy(signal));
    },
  };
}

export interface ProcessTermination extends Termination {
  /** Removes the process listeners (a forced exit already pending stays: the process is ending). */
  dispose(): void;
}

/** Listens for SIGINT and SIGTERM on this process; see the module comment. */
export function watchProcessSignals(options: { graceMs?: number; restoreTerminal?: () => void } = {}): ProcessTermination {
  const termination = manualTermination();
  const restore = options.restoreTerminal ?? restoreProcessTerminal;
  let graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  const forceExit = (signal: TerminationSignal): void => {
    restore();
    process.exit(exitCodeFor(signal));
  };
  const onSignal = (signal: TerminationSignal): void => {
    if (termination.received() !== undefined) return forceExit(signal);
    termination.terminate(signal);
    // A safety net only: it must not keep an otherwise finished process alive.
    setTimeout(() => forceExit(signal), graceMs).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: termination.signal,
    received: termination.received,
    allowGrace: (ms) => {
      graceMs = Math.max(graceMs, ms);
    },
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** Shows the cursor (spinners hide it) and takes stdin out of raw mode (prompts put it there). */
function restoreProcessTerminal(): void {
  if (process.stdin.isTTY && process.stdin.isRaw) process.stdin.setRawMode(false);
  if (process.stderr.isTTY) process.stderr.write('\u001b[?25h');
}
