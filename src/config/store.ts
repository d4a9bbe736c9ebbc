/**
 * Reading and writing configuration files. Writes are atomic (see shared/atomic-file.ts): a reader
 * or a crash sees either the old file or the new one, and the old bytes are kept as `<name>.bak`.
 */
import * as fsPromises from 'node:fs/promises';
import { errorCode, writeFileAtomic, type StoreFs, type WriteOptions, type WriteResult } from '../shared/atomic-file.js';
import { ConfigError } from '../shared/errors.js';
import { PropertiesDocument } from './properties.js';
import { containsSecret } from './site-config.js';

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
 * Reads and parses a properties file. A missing file gives undefined; an unreadable one or a
 * malformed `\u` escape a ConfigError naming the file (and line).
 */
export async function readPropertiesFile(filePath: string, fs: StoreFs = fsPromises): Promise<LoadedProperties | undefined> {
  let bytes: Buffer;
  let mode: number;
  try {
    bytes = await fs.readFile(filePath);
    mode = (await fs.stat(filePath)).mode & 0o7777;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw new ConfigError(
      `cannot read ${filePath}: ${errorCode(error) ?? String(error)}`,
      { file: filePath },
      {
        hint: 'check that the path is a readable file',
        cause: error,
      },
    );
  }
  const { text, encoding } = decode(bytes);
  return { path: filePath, doc: PropertiesDocument.parse(text, { fileName: filePath }), encoding, mode };
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

/** Encodes and writes a document; a document holding a secret gets mode 0600 unless told otherwise. */
export async function writePropertiesFile(
  filePath: string,
  doc: PropertiesDocument,
  options: WriteOptions & { readonly encoding?: TextEncoding } = {},
): Promise<WriteResult> {
  const mode = options.mode ?? (containsSecret(doc) ? 0o600 : undefined);
  return writeFileAtomic(filePath, encodeProperties(doc, options.encoding), {
    ...options,
    ...(mode === undefined ? {} : { mode }),
  });
}
