/**
 * Atomic file replacement: the new bytes go to a temporary file in the same directory, are flushed
 * to disk, and then renamed over the old file, so a reader (or a crash) sees either the old file or
 * the new one, never a mix. The old bytes are kept as `<name>.bak` unless told otherwise. Used for
 * the site configuration, the CLI settings and the framework ledger.
 */
import { randomBytes } from 'node:crypto';
import * as fsPromises from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, OperationError } from './errors.js';

/** The file-system calls the writers and readers make; tests replace some to simulate failures. */
export type StoreFs = Pick<typeof fsPromises, 'open' | 'rename' | 'unlink' | 'stat' | 'readFile' | 'realpath'>;

/** The `code` of a Node.js system error (`ENOENT`, `EIO`, ...), if it has one. */
export function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

export interface WriteOptions {
  /** Permission bits of the new file; default: those of the file replaced, else 0666 minus umask. */
  readonly mode?: number;
  /** Keep the replaced bytes as `<name>.bak` (default true). */
  readonly backup?: boolean;
  readonly fs?: StoreFs;
}

export interface WriteResult {
  /** The file written (symbolic links are followed, so this may differ from the path given). */
  readonly path: string;
  /** Where the previous bytes were kept, when there were any. */
  readonly backupPath: string | undefined;
}

/** Replaces `filePath` atomically with `content`; see the module comment. */
export async function writeFileAtomic(filePath: string, content: string | Uint8Array, options: WriteOptions = {}): Promise<WriteResult> {
  const fs = options.fs ?? fsPromises;
  try {
    const target = await followLinks(fs, filePath);
    const existingMode = await regularFileMode(fs, target);
    let backupPath: string | undefined;
    if (existingMode !== undefined && options.backup !== false) {
      backupPath = `${target}.bak`;
      await replaceFile(fs, backupPath, await fs.readFile(target), existingMode);
    }
    const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    await replaceFile(fs, target, data, options.mode ?? existingMode);
    return { path: target, backupPath };
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new OperationError(`cannot write ${filePath}: ${errorCode(error) ?? String(error)}`, {
      hint: 'check that the directory exists and is writable; the previous file was left as it was',
      cause: error,
    });
  }
}

async function followLinks(fs: StoreFs, filePath: string): Promise<string> {
  try {
    return await fs.realpath(filePath);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return filePath;
    throw error;
  }
}

async function regularFileMode(fs: StoreFs, filePath: string): Promise<number | undefined> {
  try {
    const stats = await fs.stat(filePath);
    if (!stats.isFile()) {
      throw new ConfigError(
        `${filePath} is not a regular file`,
        { file: filePath },
        {
          hint: 'give the path of a file',
        },
      );
    }
    return stats.mode & 0o7777;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

async function replaceFile(fs: StoreFs, target: string, data: Uint8Array, mode: number | undefined): Promise<void> {
  const dir = path.dirname(target);
  const temp = path.join(dir, `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: fsPromises.FileHandle | undefined;
  try {
    // Created with the final mode (a secret is never readable by others, not even briefly);
    // chmod then sets the exact bits, which the umask may have narrowed.
    handle = await fs.open(temp, 'wx', mode ?? 0o666);
    if (mode !== undefined) await handle.chmod(mode);
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.rename(temp, target);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await fs.unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(fs, dir);
}

/** Makes the rename itself durable. Some platforms cannot open a directory; nothing to do there. */
async function syncDirectory(fs: StoreFs, dir: string): Promise<void> {
  let handle: fsPromises.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // EISDIR / EPERM / EINVAL on platforms without directory fsync.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
