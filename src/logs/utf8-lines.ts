/**
 * Turns a byte stream into complete lines. Bytes are decoded as UTF-8 only once a whole line has
 * arrived: a newline byte (0x0A) can never be part of a multi-byte sequence, so a character split
 * across two reads is carried as bytes and decoded intact with the rest of its line.
 */

export interface Line {
  /** The line's text without its `\n` (a `\r` before it is dropped as well). */
  text: string;
  /** Byte offset of the line's first byte in the file. */
  offset: number;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

export class Utf8LineDecoder {
  private carried: Buffer[] = [];
  private carriedBytes = 0;
  private lineStart: number;

  /** `startOffset`: the file offset of the first byte that will be pushed. */
  constructor(startOffset = 0) {
    this.lineStart = startOffset;
  }

  /** Offset of the first byte not yet emitted as part of a line. */
  get pendingOffset(): number {
    return this.lineStart;
  }

  /** Bytes of an unfinished line held back. */
  get pendingBytes(): number {
    return this.carriedBytes;
  }

  /** Feeds the next bytes; returns the lines they complete. */
  push(chunk: Uint8Array): Line[] {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const lines: Line[] = [];
    let from = 0;
    for (;;) {
      const newline = bytes.indexOf(NEWLINE, from);
      if (newline === -1) break;
      const piece = bytes.subarray(from, newline);
      let whole: Buffer;
      if (this.carriedBytes > 0) {
        whole = Buffer.concat([...this.carried, piece]);
        this.carried = [];
        this.carriedBytes = 0;
      } else {
        whole = piece;
      }
      lines.push({ text: decodeLine(whole), offset: this.lineStart });
      this.lineStart += whole.length + 1;
      from = newline + 1;
    }
    if (from < bytes.length) {
      // Copied: the caller's buffer may be reused after push returns.
      const rest = Buffer.from(bytes.subarray(from));
      this.carried.push(rest);
      this.carriedBytes += rest.length;
    }
    return lines;
  }

  /** The unfinished last line (a file without a trailing newline), if any; resets the carry. */
  flush(): Line | undefined {
    if (this.carriedBytes === 0) return undefined;
    const whole = Buffer.concat(this.carried);
    this.carried = [];
    this.carriedBytes = 0;
    const line = { text: decodeLine(whole), offset: this.lineStart };
    this.lineStart += whole.length;
    return line;
  }

  /** Forgets any carried bytes and starts again at `offset` (a truncated file read from the start). */
  reset(offset: number): void {
    this.carried = [];
    this.carriedBytes = 0;
    this.lineStart = offset;
  }
}

function decodeLine(bytes: Buffer): string {
  const end = bytes.length > 0 && bytes[bytes.length - 1] === CARRIAGE_RETURN ? bytes.length - 1 : bytes.length;
  return bytes.toString('utf8', 0, end);
}

/** Every line of `bytes`, the last one even without a trailing newline. */
export function splitLines(bytes: Uint8Array, startOffset = 0): Line[] {
  const decoder = new Utf8LineDecoder(startOffset);
  const lines = decoder.push(bytes);
  const last = decoder.flush();
  if (last !== undefined) lines.push(last);
  return lines;
}
