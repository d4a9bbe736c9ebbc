/**
 * Entry point: runs the command tree and maps every outcome to an exit code. This is the one place
 * that prints errors.
 */
import type { ProgramResult } from './cli/program.js';
import { ExitCode, isAlluxioMesosError, SilentError } from './shared/errors.js';
import { systemIo, type Io } from './ui/io.js';
import { VERSION } from './shared/version.js';
import { watchProcessSignals, type Termination } from './context/termination.js';
import { detachedIo, isDetachedChild } from './ui/detached-io.js';
import { printable } from './shared/printable.js';
import { maskUriCredentials } from './shared/uri-credentials.js';

/**
 * `termination` defaults to this process's SIGINT/SIGTERM; callers that run a command in-process
 * pass their own (see context/termination.ts).
 */
export async function main(argv: readonly string[], given: Io = systemIo(), termination?: Termination): Promise<number> {
  // A background `deploy --detach` writes nothing but NDJSON records to its log.
  const io = isDetachedChild(given.env) ? detachedIo(given) : given;
  const result: ProgramResult = {
    exitCode: ExitCode.OK,
    verbose: argv.includes('--verbose'),
    json: argv.includes('--json'),
  };
  // `--version` is what scripts and package managers call most; answer it without loading commander.
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    io.stdout.write(`${VERSION}\n`);
    return ExitCode.OK;
  }
  // `--version --json` is the version command's report, as machines want it.
  const args =
    argv.length === 2 && argv.includes('--json') && (argv.includes('--version') || argv.includes('-V')) ? ['version', '--json'] : argv;
  const watched = termination === undefined ? watchProcessSignals() : undefined;
  try {
    const { buildProgram } = await import('./cli/program.js');
    const program = buildProgram(io, result, termination ?? (watched as Termination));
    await program.parseAsync([...args], { from: 'user' });
    return result.exitCode;
  } catch (error) {
    return reportError(error, io, result);
  } finally {
    watched?.dispose();
  }
}

/** Commander's own errors: it already printed help, the version, or its usage message. */
function isCommanderError(error: unknown): error is Error & { code: string } {
  return error instanceof Error && error.name === 'CommanderError';
}

export function reportError(error: unknown, io: Io, result: Pick<ProgramResult, 'verbose' | 'json'>): number {
  if (isCommanderError(error)) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') {
      return ExitCode.OK;
    }
    return ExitCode.USAGE;
  }
  if (error instanceof SilentError) return error.exitCode;
  const known = isAlluxioMesosError(error);
  const exitCode = known ? error.exitCode : ExitCode.FAILED;
  // The last line of defence: a password or token inside a URI that some message quoted
  // (`--master zk://user:PASS@...`, an under-storage address) is never printed or logged.
  const message = maskUriCredentials(error instanceof Error ? error.message : String(error));
  const hint = known && error.hint !== undefined ? maskUriCredentials(error.hint) : undefined;
  if (isDetachedChild(io.env)) {
    const stack = result.verbose && error instanceof Error ? { stack: error.stack ?? null } : {};
    const record = { time: new Date().toISOString(), type: 'error', error: { message, hint: hint ?? null, exitCode, ...stack } };
    io.stdout.write(`${JSON.stringify(record)}\n`);
    return exitCode;
  }
  if (result.json) {
    io.stdout.write(`${JSON.stringify({ error: { message, hint: hint ?? null, exitCode } })}\n`);
  }
  // A message that lists things (ambiguous task names) keeps its list; the hint goes on its own line.
  // Messages quote what the cluster said (hostnames, error bodies) and what was typed: escaped.
  const safe = printable(message, { keepNewlines: true });
  const safeHint = hint === undefined ? undefined : printable(hint, { keepNewlines: true });
  const line = safeHint === undefined ? safe : safe.includes('\n') ? `${safe}\n${safeHint}` : `${safe}; ${safeHint}`;
  io.stderr.write(`error: ${known ? line : `unexpected: ${line}`}\n`);
  if (result.verbose && error instanceof Error && error.stack !== undefined) {
    io.stderr.write(`${error.stack}\n`);
  } else if (!known) {
    io.stderr.write('(run with --verbose for the stack trace)\n');
  }
  return exitCode;
}
