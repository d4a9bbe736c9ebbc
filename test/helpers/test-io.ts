/** An Io backed by buffers, for running commands in-process. */
import { PassThrough, Writable } from 'node:stream';
import type { Io } from '../../src/ui/io.js';

export interface TestIo extends Io {
  stdoutText(): string;
  stderrText(): string;
}

class Collector extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }
}

export function testIo(options: { tty?: boolean; env?: Record<string, string | undefined>; cwd?: string } = {}): TestIo {
  const out = new Collector();
  const err = new Collector();
  const tty = options.tty ?? false;
  return {
    stdin: new PassThrough(),
    stdout: out,
    stderr: err,
    stdinIsTTY: tty,
    stdoutIsTTY: tty,
    stderrIsTTY: tty,
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    stdoutText: () => out.text,
    stderrText: () => err.text,
  };
}
