/**
 * Reading and writing configuration files. Writes are atomic (see shared/atomic-file.ts): a reader
 * or a crash sees either the old file or the new one, and the old bytes are kept as `<name>.bak`.
 */
import { constants as fsConstants } from 'node:fs';
import * as fsPromises from 'node:fs/promises';
import path from 'node:path';
import { errorCode, writeFileAtomic, type FileWrite, type StoreFs, type WriteOptions, type WriteResult } from '../shared/atomic-file.js';
import { ConfigError } from '../shared/errors.js';
import { PropertiesDocument } from './properties.js';
import { containsSecret } from './site-config.js';
import { notTextReason } from './text-check.js';

export type TextEncoding = 'utf-8' | 'latin1';

export interface LoadedProperties {
  readonly path: string;
  readonly doc: PropertiesDocument;
  /** `latin1` when the bytes are not valid UTF-8; writing back uses the same encoding. */
  readonly encoding: TextEncoding;
  /** Permission bits of the file. */
  readonly mode: number;
}

/**
 * The largest site file read. Alluxio's own site files are a few KiB, and one setting every one of
 * its roughly 1,000 properties, with comments, stays under 1 MiB; every command reads and checks the
 * whole file, and deploy copies its settings into every task's command line. 8 MiB leaves room for
 * anything a person writes, and a file beyond it is the wrong file (a log, an archive), refused at
 * once with its size instead of costing seconds of parsing and memory.
 */
export const MAX_SITE_FILE_BYTES = 8 * 1024 * 1024;

/**
 * Reads and parses a properties file. A missing file gives undefined; an unreadable one, one that
 * is not a regular file, larger than MAX_SITE_FILE_BYTES or not text (see text-check.ts), or a
 * malformed `\u` escape a ConfigError naming the file (and line).
 */
export async function readPropertiesFile(filePath: string, fs: StoreFs = fsPromises): Promise<LoadedProperties | undefined> {
  let read: { bytes: Buffer; mode: number } | undefined;
  try {
    read = await readBounded(fs, filePath, MAX_SITE_FILE_BYTES);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(
      `cannot read ${filePath}: ${errorCode(error) ?? String(error)}`,
      { file: filePath },
      {
        hint: 'check that the path is a readable file',
        cause: error,
      },
    );
  }
  if (read === undefined) return undefined;
  const notText = notTextReason(read.bytes);
  if (notText !== undefined) {
    throw new ConfigError(
      `${filePath} is not a text file (${notText}): not read as properties`,
      { file: filePath },
      {
        hint: `put the configuration back (${path.basename(filePath)}.bak may hold it), or move this file aside and run alluxio-mesos init again`,
      },
    );
  }
  const { text, encoding } = decode(read.bytes);
  return { path: filePath, doc: PropertiesDocument.parse(text, { fileName: filePath }), encoding, mode: read.mode };
}

const READ_CHUNK_BYTES = 64 * 1024;

/**
 * The bytes and mode of a regular file of at most `maxBytes`, or undefined when it does not exist.
 * Opened without blocking (a FIFO in its place must not hang the command) and read in chunks up to
 * the cap, so that a file growing meanwhile (or /dev/zero behind a link) cannot exhaust memory.
 */
async function readBounded(fs: StoreFs, filePath: string, maxBytes: number): Promise<{ bytes: Buffer; mode: number } | undefined> {
  let handle: fsPromises.FileHandle;
  try {
    handle = await fs.open(filePath, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) {
      throw new ConfigError(`${filePath} is not a regular file`, { file: filePath }, { hint: 'check that the path is a readable file' });
    }
    if (stats.size > maxBytes) throw tooLarge(filePath, stats.size, maxBytes);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(READ_CHUNK_BYTES);
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) throw tooLarge(filePath, undefined, maxBytes);
    }
    return { bytes: Buffer.concat(chunks, total), mode: stats.mode & 0o7777 };
  } finally {
    await handle.close();
  }
}

/** `size` is undefined when the file grew past the cap while it was read. */
function tooLarge(filePath: string, size: number | undefined, maxBytes: number): ConfigError {
  const mib = (bytes: number): string => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;
  return new ConfigError(
    `${filePath} is ${size === undefined ? 'larger' : `${mib(size)}: larger`} than the ${mib(maxBytes)} a site file may be`,
    { file: filePath },
    { hint: 'an Alluxio site file is a few KiB: check that this is the right file (and --conf-dir), or remove what does not belong in it' },
  );
}

function decode(bytes: Uint8Array): { text: string; encoding: TextEncoding } {
  try {
    // ignoreBOM keeps a byte-order mark in the text so that it is written back.
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: Buffer.from(bytes).toString('latin1'), encoding: 'latin1' };
  }
}

export function encodeProperties(doc: PropertiesDocument, encoding: TextEncoding = 'utf-8'): Buffer {
  const text = doc.toString();
  if (encoding === 'latin1' && /[^\x00-\xff]/.test(text)) {
    throw new ConfigError(
      'the file is ISO-8859-1 but now holds characters that encoding cannot store',
      {},
      {
        hint: 'write those characters as \\uXXXX escapes, or convert the file to UTF-8',
      },
    );
  }
  return Buffer.from(text, encoding === 'utf-8' ? 'utf8' : 'latin1');
}

/** The write of a document, for writeFilesAtomic: a document holding a secret gets mode 0600. */
export function propertiesFileWrite(
  filePath: string,
  doc: PropertiesDocument,
  options: { readonly encoding?: TextEncoding } = {},
): FileWrite {
  return { path: filePath, content: encodeProperties(doc, options.encoding), ...(containsSecret(doc) ? { mode: 0o600 } : {}) };
}

/** Encodes and writes a document; a document holding a secret gets mode 0600 unless told otherwise. */
export async function writePropertiesFile(
  filePath: string,
  doc: PropertiesDocument,
  options: WriteOptions & { readonly encoding?: TextEncoding } = {},
): Promise<WriteResult> {
  const write = propertiesFileWrite(filePath, doc, options);
  const mode = options.mode ?? write.mode;
  return writeFileAtomic(filePath, write.content, {
    ...options,
    ...(mode === undefined ? {} : { mode }),
  });
}
