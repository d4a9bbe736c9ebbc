/**
 * The streams of a `deploy --detach` scheduler running in the background: its stdout and stderr are
 * both the NDJSON log, so every line it writes must be one JSON object. Lines written to stderr
 * (warnings) become `{"time", "type": "stderr", "message"}` records; a fatal error is written by
 * main.ts as one `{"time", "type": "error", "error": {...}}` record and nothing else.
 */
import { Writable } from 'node:stream';
import type { Io } from './io.js';

/** Set by `deploy --detach` in its child's environment. */
export const DETACHED_CHILD_ENV = 'ALLUXIO_MESOS_DETACHED_CHILD';

export function isDetachedChild(env: Io['env']): boolean {
  return env[DETACHED_CHILD_ENV] === '1';
}

/** `io` with stderr turned into NDJSON records on stdout (complete lines only; the rest waits). */
export function detachedIo(io: Io, now: () => Date = () => new Date()): Io {
  let pending = '';
  const stderr = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      pending += chunk.toString();
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const message = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        if (message.trim() !== '') io.stdout.write(`${JSON.stringify({ time: now().toISOString(), type: 'stderr', message })}\n`);
      }
      callback();
    },
  });
  return { ...io, stderr, stderrIsTTY: false, stderrColumns: undefined };
}
