/**
 * Output of `logs`: text with `==> worker-3:logs/worker.log <==` headers whenever the source
 * changes (as `tail` does with several files), or one NDJSON record per line; and the `--list`
 * table.
 */
import type { Writable } from 'node:stream';
import type { SandboxEntry } from './files-client.js';
import type { Line } from './utf8-lines.js';
import { formatTable } from '../ui/table.js';
import { formatSize } from '../shared/byte-size.js';
import { printable } from '../shared/printable.js';

export interface LogWriter {
  write(task: string, file: string, lines: readonly Line[]): void;
  /**
   * Complete lines as raw bytes (a whole-file read, where decoding would only cost time); absent
   * when the output needs each line (NDJSON). A promise means: wait, the output is full.
   */
  writeBytes?(task: string, file: string, bytes: Buffer): void | Promise<void>;
  /** A promise while the output is full (a slow pipe), so that a long read waits instead of buffering. */
  drained?(): Promise<void> | undefined;
}

function drainedOf(out: Writable): Promise<void> | undefined {
  return out.writableNeedDrain ? new Promise((resolve) => out.once('drain', resolve)) : undefined;
}

/** The header is ours, the names in it the cluster's (escaped); the lines under it are the file's, raw. */
function formatHeader(task: string, file: string): string {
  return `==> ${printable(task)}:${printable(file)} <==`;
}

export class TextLogWriter implements LogWriter {
  private current: string | undefined;
  private wroteAny = false;

  /** `headers: false` for a single file, where a header says nothing. */
  constructor(
    private readonly out: Writable,
    private readonly headers: boolean,
  ) {}

  write(task: string, file: string, lines: readonly Line[]): void {
    const key = `${task}\u0000${file}`;
    let text = '';
    if (this.headers && key !== this.current) {
      text += `${this.wroteAny ? '\n' : ''}${formatHeader(task, file)}\n`;
      this.current = key;
    }
    for (const line of lines) text += `${line.text}\n`;
    if (text !== '') {
      this.out.write(text);
      this.wroteAny = true;
    }
  }

  writeBytes(task: string, file: string, bytes: Buffer): void | Promise<void> {
    this.write(task, file, []);
    if (bytes.length === 0) return undefined;
    this.wroteAny = true;
    if (this.out.write(bytes)) return undefined;
    return new Promise((resolve) => this.out.once('drain', resolve));
  }

  drained(): Promise<void> | undefined {
    return drainedOf(this.out);
  }

  /** A header for a file with nothing in it, so that its emptiness shows. */
  announce(task: string, file: string): void {
    this.write(task, file, []);
  }
}

/**
 * One line of `logs --json` output, as NdjsonLogWriter writes it: the format scripts rely on.
 * @public
 */
export interface LogRecord {
  task: string;
  file: string;
  offset: number;
  line: string;
}

export class NdjsonLogWriter implements LogWriter {
  private prefixKey: string | undefined;
  private prefix = '';

  constructor(private readonly out: Writable) {}

  /** Each record is `{"task":…,"file":…,"offset":…,"line":…}` (LogRecord), keys in that order. */
  write(task: string, file: string, lines: readonly Line[]): void {
    if (lines.length === 0) return;
    // The task and file are the same for every line of a batch: quoted once.
    const key = `${task}\u0000${file}`;
    if (key !== this.prefixKey) {
      this.prefixKey = key;
      this.prefix = `{"task":${JSON.stringify(task)},"file":${JSON.stringify(file)},"offset":`;
    }
    let text = '';
    for (const line of lines) text += `${this.prefix}${line.offset},"line":${JSON.stringify(line.text)}}\n`;
    this.out.write(text);
  }

  drained(): Promise<void> | undefined {
    return drainedOf(this.out);
  }
}

export interface ListedFile extends SandboxEntry {
  /** Relative to the sandbox: `logs/worker.log`. */
  name: string;
}

/** `--list`: mode, size, modification time (UTC), name; directories end with `/`. */
export function formatListing(entries: readonly ListedFile[]): string {
  const rows = entries.map((entry) => [
    entry.mode,
    formatSize(entry.size),
    formatTime(entry.mtime),
    entry.directory ? `${entry.name}/` : entry.name,
  ]);
  // Mode and time have a fixed width; names are printed exactly, trailing spaces included.
  const lines = formatTable(rows, { align: ['left', 'right'], trimEnd: false });
  return lines.join('\n') + (rows.length > 0 ? '\n' : '');
}

function formatTime(seconds: number): string {
  return new Date(seconds * 1000)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');
}
