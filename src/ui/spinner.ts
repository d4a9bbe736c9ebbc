/**
 * Progress for humans: an ora spinner on stderr when stderr is a terminal and output is not JSON;
 * otherwise nothing (a pipe or a log file gets no animation and no control characters).
 */
import type { Io } from './io.js';

export interface Progress {
  text(message: string): void;
  succeed(message?: string): void;
  fail(message?: string): void;
  stop(): void;
}

const SILENT: Progress = { text() {}, succeed() {}, fail() {}, stop() {} };

export async function startProgress(io: Io, message: string, options: { enabled: boolean; color: boolean }): Promise<Progress> {
  if (!options.enabled || !io.stderrIsTTY) return SILENT;
  const { default: ora } = await import('ora');
  const spinner = ora({
    text: message,
    stream: io.stderr as NodeJS.WritableStream,
    color: options.color ? 'cyan' : false,
    isEnabled: true,
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
