/**
 * The process's streams and terminal facts, injected into every command so that tests can run a
 * command with buffers instead of a terminal. This module is the only owner of "is this a TTY" and
 * "may I use colour or animate".
 */
import type { Readable, Writable } from 'node:stream';

export interface Io {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly stdinIsTTY: boolean;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  /** Widths of the terminals in columns; 0 or absent when unknown (a pipe, or a pty nobody sized). */
  readonly stdoutColumns?: number | undefined;
  readonly stderrColumns?: number | undefined;
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
    // Read when asked: the window may be resized while a command runs.
    get stdoutColumns() {
      return process.stdout.columns;
    },
    get stderrColumns() {
      return process.stderr.columns;
    },
    env: process.env,
    cwd: process.cwd(),
  };
}

/** `CI` set to anything but empty, `0` or `false` (the convention of CI services and of most tools). */
export function isCi(env: Io['env']): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

/**
 * The one decision about decoration on a stream: `color` for ANSI colours, `animate` for spinners
 * and redrawing in place. Both need a real terminal: not a pipe, not `TERM=dumb`, not CI. Colour is
 * also off with NO_COLOR (any non-empty value) or `--no-color`; FORCE_COLOR turns colour (never
 * animation) on anywhere, as chalk does. Animation needs a known width: with 0 columns every
 * redraw would be computed as infinitely many lines to clear.
 */
export interface Decoration {
  readonly color: boolean;
  readonly animate: boolean;
}

export function decoration(io: Io, stream: 'stdout' | 'stderr', options: { noColorFlag: boolean }): Decoration {
  const isTTY = stream === 'stdout' ? io.stdoutIsTTY : io.stderrIsTTY;
  const dumb = (io.env.TERM ?? '').toLowerCase() === 'dumb';
  const realTerminal = isTTY && !dumb && !isCi(io.env);
  const colorAllowed = !options.noColorFlag && (io.env.NO_COLOR === undefined || io.env.NO_COLOR === '');
  const forced = io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0';
  const width = stream === 'stdout' ? io.stdoutColumns : io.stderrColumns;
  return {
    color: colorAllowed && (forced || realTerminal),
    animate: realTerminal && width !== undefined && width > 0,
  };
}

/** Colour on `stream`: see decoration(). */
export function colorEnabled(io: Io, stream: 'stdout' | 'stderr', noColorFlag: boolean): boolean {
  return decoration(io, stream, { noColorFlag }).color;
}

/** Prompts need a terminal on both ends, and never run in CI or with `--yes`. */
export function canPrompt(io: Io, yes: boolean): boolean {
  if (yes) return false;
  if (isCi(io.env)) return false;
  return io.stdinIsTTY && io.stdoutIsTTY;
}
