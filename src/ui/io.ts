/**
 * The process's streams and terminal facts, injected into every command so that tests can run a
 * command with buffers instead of a terminal. This module is the only owner of "is this a TTY" and
 * "may I use colour".
 */
import type { Readable, Writable } from 'node:stream';

export interface Io {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly stdinIsTTY: boolean;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

export function systemIo(): Io {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    stdinIsTTY: Boolean(process.stdin.isTTY),
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Colour only on a terminal, never with NO_COLOR (any value) or `--no-color`. */
export function colorEnabled(io: Io, stream: 'stdout' | 'stderr', noColorFlag: boolean): boolean {
  if (noColorFlag) return false;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0') return true;
  return stream === 'stdout' ? io.stdoutIsTTY : io.stderrIsTTY;
}

/** Prompts need a terminal on both ends, and never run in CI or with `--yes`. */
export function canPrompt(io: Io, yes: boolean): boolean {
  if (yes) return false;
  const ci = io.env.CI;
  if (ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false') return false;
  return io.stdinIsTTY && io.stdoutIsTTY;
}
