/**
 * Reading a small file the tool keeps (settings, ledger, lock and request records) without trusting its
 * size: a file replaced by something huge, a FIFO or a device must end in a clear error, not in a
 * process that fills its memory or waits forever.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

import { formatSize } from './byte-size.js';

/** The file is larger than its kind of record can be, or not a regular file at all. */
export class UnfitFileError extends Error {
  readonly file: string;

  constructor(file: string, message: string) {
    super(message);
    this.name = 'UnfitFileError';
    this.file = file;
  }
}

/**
 * The file's text, refusing more than `maxBytes` (checked against its size and again while reading, in
 * case it grows) and anything that is not a regular file. Opening never blocks on a FIFO (O_NONBLOCK).
 * ENOENT and other open errors are thrown as they are, so callers keep treating "absent" as before.
 */
export async function readBoundedText(file: string, maxBytes: number): Promise<string> {
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new UnfitFileError(file, `${file} is not a regular file`);
    if (stats.size > maxBytes) {
      throw new UnfitFileError(file, `${file} is ${formatSize(stats.size)}, more than the ${formatSize(maxBytes)} it may be`);
    }
    // Sized by stat, grown (up to one byte past the cap) if the file grows while being read.
    let buffer = Buffer.allocUnsafe(stats.size + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > maxBytes) {
          throw new UnfitFileError(file, `${file} grew past the ${formatSize(maxBytes)} it may be while being read`);
        }
        buffer = Buffer.concat([buffer, Buffer.allocUnsafe(Math.min(maxBytes + 1, length * 2) - length)]);
      }
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return buffer.toString('utf8', 0, length);
  } finally {
    await handle.close();
  }
}
