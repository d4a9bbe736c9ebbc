/**
 * A whole file (`--lines all`, `--bundle`-like reads): streamed with `/files/download`, which sends
 * the bytes as they are in one response, instead of 64 KiB JSON reads. Lines are handed on as
 * they complete, so memory stays flat whatever the file's size.
 */
import { eachChunk } from '../shared/each-chunk.js';
import type { SandboxFiles } from './files-client.js';
import { Utf8LineDecoder, type Line } from './utf8-lines.js';

export interface WholeFileResult {
  /** Bytes received, i.e. where a follow continues. */
  end: number;
  lines: number;
}

/**
 * `holdPartialLine`: a last line without newline is not passed on and `end` stops before it (for a
 * follow to print it whole later).
 */
export async function streamWholeFile(
  files: SandboxFiles,
  path: string,
  onLines: (lines: Line[]) => void | Promise<void>,
  options: { holdPartialLine?: boolean; signal?: AbortSignal } = {},
): Promise<WholeFileResult> {
  const download = await files.download(path, options.signal);
  const decoder = new Utf8LineDecoder(0);
  let received = 0;
  let count = 0;
  try {
    await eachChunk(download.body, (bytes) => {
      received += bytes.length;
      const lines = decoder.push(bytes);
      if (lines.length === 0) return undefined;
      count += lines.length;
      return onLines(lines);
    });
  } finally {
    download.close();
  }
  if (options.holdPartialLine === true) return { end: decoder.pendingOffset, lines: count };
  const last = decoder.flush();
  if (last !== undefined) {
    count++;
    await onLines([last]);
  }
  return { end: received, lines: count };
}

/**
 * The fast path for text output: the file's bytes are passed on as they are (nothing to decode
 * for a terminal or a pipe), held back after the last newline of each chunk so that a header
 * printed between two sources never lands inside a line. `onBytes` may return a promise (a full pipe) that
 * is awaited before more is read. A last line without newline gets one, as in line mode.
 */
export async function streamWholeFileBytes(
  files: SandboxFiles,
  path: string,
  onBytes: (bytes: Buffer) => void | Promise<void>,
  options: { holdPartialLine?: boolean; signal?: AbortSignal } = {},
): Promise<{ end: number; bytes: number }> {
  const download = await files.download(path, options.signal);
  let carried: Buffer[] = [];
  let carriedBytes = 0;
  let received = 0;
  try {
    await eachChunk(download.body, (bytes) => {
      received += bytes.length;
      const newline = bytes.lastIndexOf(0x0a);
      if (newline === -1) {
        carried.push(bytes);
        carriedBytes += bytes.length;
        return undefined;
      }
      // The carried start of the line goes first on its own: copying it is cheap, copying the
      // whole chunk onto it would cost a copy of every byte.
      const head = carriedBytes === 0 ? undefined : carried.length === 1 ? carried[0]! : Buffer.concat(carried);
      carried = newline + 1 < bytes.length ? [bytes.subarray(newline + 1)] : [];
      carriedBytes = bytes.length - newline - 1;
      const pendingHead = head === undefined ? undefined : onBytes(head);
      const lines = bytes.subarray(0, newline + 1);
      return pendingHead === undefined ? onBytes(lines) : pendingHead.then(() => onBytes(lines));
    });
  } finally {
    download.close();
  }
  if (carriedBytes === 0) return { end: received, bytes: received };
  if (options.holdPartialLine === true) return { end: received - carriedBytes, bytes: received };
  const pending = onBytes(Buffer.concat([...carried, Buffer.from('\n')]));
  if (pending !== undefined) await pending;
  return { end: received, bytes: received };
}
