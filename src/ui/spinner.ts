/**
 * Progress for humans: an ora spinner on stderr when decoration() says stderr may be animated and
 * output is not JSON; otherwise nothing (a pipe, a log file, CI, `TERM=dumb` or a 0-column pty get
 * no animation and no control characters).
 *
 * The spinner never touches stdin: ora's default (`discardStdin`) puts the terminal in raw mode,
 * which turns Ctrl-C into a byte nobody reads instead of SIGINT, and can leave the terminal raw.
 */
import { decoration, type Io } from './io.js';

export interface Progress {
  text(message: string): void;
  succeed(message?: string): void;
  fail(message?: string): void;
  stop(): void;
}

const SILENT: Progress = { text() {}, succeed() {}, fail() {}, stop() {} };

export async function startProgress(io: Io, message: string, options: { enabled: boolean; noColorFlag: boolean }): Promise<Progress> {
  const { animate, color } = decoration(io, 'stderr', { noColorFlag: options.noColorFlag });
  if (!options.enabled || !animate) return SILENT;
  const { default: ora } = await import('ora');
  const spinner = ora({
    text: message,
    stream: io.stderr as NodeJS.WritableStream,
    color: color ? 'cyan' : false,
    isEnabled: true,
    discardStdin: false,
  }).start();
  return {
    text: (next) => {
      spinner.text = next;
      if (!spinner.isSpinning) spinner.start();
    },
    succeed: (final) => {
      spinner.succeed(final);
    },
    fail: (final) => {
      spinner.fail(final);
    },
    stop: () => {
      spinner.stop();
    },
  };
}
