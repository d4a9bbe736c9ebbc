/**
 * The last N lines of a sandbox file, found by reading backwards from the end in windows that
 * grow (64 KiB, then doubling) until enough newlines have been seen. Only the tail is ever read,
 * whatever the file's size, and never more than `maxBytes` even for a file without newlines.
 */
import { OperationError } from '../shared/errors.js';
import { MAX_READ_BYTES, readRange, type SandboxFiles } from './files-client.js';
import { splitLines, type Line } from './utf8-lines.js';

export interface TailOptions {
  /** First window; default 64 KiB (one agent read). */
  initialWindow?: number;
  /** Largest window; default 1 MiB. */
  maxWindow?: number;
  /** Stop reading backwards after this many bytes even without enough lines; default 32 MiB. */
  maxBytes?: number;
  /**
   * Leave out a last line that has no newline yet and end the result before it, so that a follow
   * starting at `end` prints that line whole once it is complete.
   */
  holdPartialLine?: boolean;
  signal?: AbortSignal;
}

export interface TailResult {
  lines: Line[];
  /** The file's size when it was read. */
  size: number;
  /** Where a follow should continue reading. */
  end: number;
  /** Bytes fetched from the agent. */
  bytesRead: number;
  /** The first line was cut at `maxBytes` (a huge line): it is only its end. */
  firstLineCut: boolean;
}

const NEWLINE = 0x0a;

interface InternalTailOptions extends TailOptions {
  restarts?: number;
}

export async function tailLines(files: SandboxFiles, path: string, count: number, options: TailOptions = {}): Promise<TailResult> {
  const size = await confirmedSize(files, path, options.signal);
  return tailLinesOfSize(files, path, count, size, options);
}

/**
 * The file's size from `/files/read?offset=-1`, with a size of 0 checked by reading: Mesos answers
 * the size it saw when it opened the file, and a log file that is being created (or rotated) is
 * empty at that instant and full a moment later. An empty tail is printed only for a file that a
 * read from its start also finds empty.
 */
async function confirmedSize(files: SandboxFiles, path: string, signal?: AbortSignal): Promise<number> {
  const size = await files.size(path, signal);
  if (size > 0) return size;
  const start = await files.read(path, 0, MAX_READ_BYTES, signal);
  if (start.length === 0) return 0;
  return Math.max(start.length, await files.size(path, signal));
}

/** As tailLines, for a file whose size is already known. */
async function tailLinesOfSize(
  files: SandboxFiles,
  path: string,
  count: number,
  size: number,
  options: TailOptions = {},
): Promise<TailResult> {
  const maxWindow = options.maxWindow ?? 1024 * 1024;
  const maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
  let window = Math.min(options.initialWindow ?? 64 * 1024, maxWindow);

  // Read from the end backwards; `chunks` are in file order once reversed.
  const chunks: Buffer[] = [];
  let start = size;
  let bytesRead = 0;
  let lastByte: number | undefined;
  let newlinesWanted = Number.POSITIVE_INFINITY;
  let cut: number | undefined;

  if (count <= 0 || size === 0) return { lines: [], size, end: size, bytesRead: 0, firstLineCut: false };

  while (start > 0 && cut === undefined) {
    const length = Math.min(window, start, Math.max(0, maxBytes - bytesRead));
    if (length === 0) break;
    const from = start - length;
    const chunk = await readRange(files, path, from, length, options.signal);
    if (chunk.length < length) {
      // The file shrank under us (truncated, rotated): start over on what it is now.
      const restarts = (options as InternalTailOptions).restarts ?? 0;
      if (restarts >= 3)
        throw new OperationError(`${path} on agent ${files.label} keeps shrinking while it is read`, { hint: 'try again' });
      return tailLines(files, path, count, { ...options, restarts: restarts + 1 } as InternalTailOptions);
    }
    chunks.push(chunk);
    bytesRead += chunk.length;
    start = from;
    if (lastByte === undefined) {
      lastByte = chunk[chunk.length - 1];
      // A trailing newline ends the last line; it is not the start of another one.
      // Holding back an unfinished last line means one more complete line is needed.
      newlinesWanted = count + (lastByte === NEWLINE || options.holdPartialLine === true ? 1 : 0);
    }
    // Scan this chunk from its end for the remaining newlines.
    let position = chunk.length;
    while (newlinesWanted > 0) {
      const found = position === 0 ? -1 : chunk.lastIndexOf(NEWLINE, position - 1);
      if (found === -1) break;
      newlinesWanted--;
      position = found;
      if (newlinesWanted === 0) cut = from + found + 1;
    }
    window = Math.min(window * 2, maxWindow);
  }

  const firstByte = cut ?? start;
  const data = Buffer.concat(chunks.reverse());
  const firstLineCut = cut === undefined && start > 0;
  // A line cut at maxBytes may start inside a character: drop its continuation bytes.
  let skip = 0;
  while (firstLineCut && skip < 3 && isContinuationByte(data[skip])) skip++;
  let body = data.subarray(firstByte - start + skip);
  let end = size;
  if (options.holdPartialLine === true && lastByte !== NEWLINE) {
    const lastNewline = body.lastIndexOf(NEWLINE);
    end = firstByte + skip + lastNewline + 1;
    body = body.subarray(0, lastNewline + 1);
  }
  const lines = splitLines(body, firstByte + skip);
  return { lines: lines.slice(Math.max(0, lines.length - count)), size, end, bytesRead, firstLineCut };
}

function isContinuationByte(byte: number | undefined): boolean {
  return byte !== undefined && (byte & 0xc0) === 0x80;
}
