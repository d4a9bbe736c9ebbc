/**
 * Reads a stream chunk by chunk through its 'data' events, the cheapest way Node has: `for await`
 * costs a promise, a microtask and a 'readable' round trip per chunk, about 15% of `logs --lines
 * all` on a 256 MiB file (4,096 chunks of 64 KiB). Same contract as `for await`: resolves once the
 * stream ended, rejects with its error or when it closed before its end; a promise returned by
 * `onChunk` pauses the stream until it settles, and an error thrown or rejected there destroys the
 * stream and rejects.
 */
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';

export async function eachChunk(stream: Readable, onChunk: (chunk: Buffer) => void | Promise<void>): Promise<void> {
  const fail = (error: unknown) => stream.destroy(error instanceof Error ? error : new Error(String(error)));
  stream.on('data', (chunk: Buffer) => {
    let pending: void | Promise<void>;
    try {
      pending = onChunk(chunk);
    } catch (error) {
      fail(error);
      return;
    }
    if (pending === undefined) return;
    stream.pause();
    pending.then(() => stream.resume(), fail);
  });
  await finished(stream);
}
