/**
 * Atomic file replacement: the new bytes go to a temporary file in the same directory, are flushed
 * to disk, and then renamed over the old file, so a reader (or a crash) sees either the old file or
 * the new one, never a mix. The old bytes are kept as `<name>.bak` unless told otherwise. Used for
 * the site configuration, the CLI settings and the framework ledger.
 *
 * Also written here, once:
 * - several files that change together (init's site file and settings): every new content is
 *   written and flushed first; only then are the temporary files renamed over their targets, one
 *   after the other. When a rename fails, the files already renamed are put back from a hard link
 *   to their previous bytes taken beforehand (putting back needs no disk space), so all change or
 *   none does, and the error says which;
 * - publishing a finished file (a logs bundle, the demo tarball) under a name that must not exist:
 *   `link` refuses an existing name atomically, so a file appearing meanwhile is not replaced either;
 * - temporary files a killed process left behind (`.<name>.<pid>.<random>.tmp`, our pattern only)
 *   are removed when their directory is next written.
 */
import { randomBytes } from 'node:crypto';
import * as fsPromises from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, OperationError, UsageError } from './errors.js';
import { processIsAlive } from './process-alive.js';

/** The file-system calls the writers and readers make; tests replace some to simulate failures. */
export type StoreFs = Pick<
  typeof fsPromises,
  'open' | 'rename' | 'unlink' | 'stat' | 'lstat' | 'readFile' | 'realpath' | 'link' | 'readdir'
>;

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

/** One file of a writeFilesAtomic call. */
export interface FileWrite {
  readonly path: string;
  readonly content: string | Uint8Array;
  /** As in WriteOptions. */
  readonly mode?: number;
  readonly backup?: boolean;
}

const WRITE_HINT = 'check that the directory exists, is writable and has free space';

/** Replaces `filePath` atomically with `content`; see the module comment. */
export async function writeFileAtomic(filePath: string, content: string | Uint8Array, options: WriteOptions = {}): Promise<WriteResult> {
  const write: FileWrite = {
    path: filePath,
    content,
    ...(options.mode === undefined ? {} : { mode: options.mode }),
    ...(options.backup === undefined ? {} : { backup: options.backup }),
  };
  const [result] = await writeFilesAtomic([write], options.fs === undefined ? {} : { fs: options.fs });
  return result as WriteResult;
}

interface Prepared {
  readonly write: FileWrite;
  target: string;
  existed: boolean;
  /** The new bytes, flushed, until renamed over the target. */
  temp: string | undefined;
  /** Another name for the previous bytes, while a later file of the batch may still fail. */
  undo: string | undefined;
  backupPath: string | undefined;
}

/**
 * Replaces every file of `writes` atomically, all or none (see the module comment). The error of a
 * failure names the file that failed and says truly what was left: nothing changed, or which file
 * was replaced and could not be put back, and where its previous version is.
 */
export async function writeFilesAtomic(writes: readonly FileWrite[], options: { fs?: StoreFs } = {}): Promise<WriteResult[]> {
  const fs = options.fs ?? fsPromises;
  for (const dir of new Set(writes.map((write) => path.dirname(path.resolve(write.path))))) await removeStaleTemporaries(dir, { fs });

  const prepared: Prepared[] = writes.map((write) => ({
    write,
    target: write.path,
    existed: false,
    temp: undefined,
    undo: undefined,
    backupPath: undefined,
  }));
  for (const [index, entry] of prepared.entries()) {
    try {
      // The last file needs no way back: nothing after it can fail.
      await prepare(fs, entry, index < prepared.length - 1);
    } catch (error) {
      await discard(fs, prepared);
      if (error instanceof ConfigError) throw error;
      throw writeFailure(entry.write.path, error, nothingChanged(prepared));
    }
  }

  let renamed = 0;
  try {
    for (const entry of prepared) {
      await fs.rename(entry.temp as string, entry.target);
      entry.temp = undefined;
      renamed++;
    }
  } catch (error) {
    const failed = prepared[renamed] as Prepared;
    const done = prepared.slice(0, renamed);
    const stuck = await putBack(fs, done);
    await discard(fs, prepared, stuck);
    throw writeFailure(failed.write.path, error, stuck.length === 0 ? nothingChanged(prepared) : partlyChanged(prepared, stuck));
  }
  await discard(fs, prepared);
  for (const dir of new Set(prepared.map((entry) => path.dirname(entry.target)))) await syncDirectory(fs, dir);
  return prepared.map((entry) => ({ path: entry.target, backupPath: entry.backupPath }));
}

async function prepare(fs: StoreFs, entry: Prepared, keepUndo: boolean): Promise<void> {
  entry.target = await followLinks(fs, entry.write.path);
  const existingMode = await regularFileMode(fs, entry.target);
  entry.existed = existingMode !== undefined;
  if (existingMode !== undefined) {
    if (entry.write.backup !== false) {
      entry.backupPath = `${entry.target}.bak`;
      // A file rewritten with a tighter mode (it now holds a secret, or always did) keeps no
      // looser copy of its old bytes.
      const backupMode = entry.write.mode === undefined ? existingMode : existingMode & entry.write.mode;
      await replaceFile(fs, entry.backupPath, await fs.readFile(entry.target), backupMode);
    }
    if (keepUndo) entry.undo = await keepPrevious(fs, entry.target, existingMode);
  }
  const { content } = entry.write;
  const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  entry.temp = await writeTemporary(fs, entry.target, data, entry.write.mode ?? existingMode);
}

/** A second name for the current bytes: a hard link (no space needed), else a flushed copy. */
async function keepPrevious(fs: StoreFs, target: string, mode: number): Promise<string> {
  const undo = temporaryPath(target);
  try {
    await fs.link(target, undo);
    return undo;
  } catch {
    // A file system without hard links: a copy, written before anything is replaced.
    return writeTemporary(fs, target, await fs.readFile(target), mode);
  }
}

/** Renames the previous bytes back over each file already replaced; returns the ones that could not be. */
async function putBack(fs: StoreFs, done: readonly Prepared[]): Promise<Array<{ entry: Prepared; code: string }>> {
  const stuck: Array<{ entry: Prepared; code: string }> = [];
  for (const entry of [...done].reverse()) {
    try {
      if (entry.undo !== undefined) {
        await fs.rename(entry.undo, entry.target);
        entry.undo = undefined;
      } else if (!entry.existed) {
        await fs.unlink(entry.target);
      }
    } catch (error) {
      stuck.push({ entry, code: errorCode(error) ?? String(error) });
    }
  }
  return stuck;
}

/**
 * Removes the temporary files of a batch. The second name of a file that could not be put back
 * stays when it is the only copy of the previous bytes (no `.bak` was kept).
 */
async function discard(fs: StoreFs, prepared: readonly Prepared[], stuck: ReadonlyArray<{ entry: Prepared }> = []): Promise<void> {
  for (const entry of prepared) {
    if (entry.temp !== undefined) await fs.unlink(entry.temp).catch(() => undefined);
    entry.temp = undefined;
    const onlyCopy = entry.backupPath === undefined && stuck.some((item) => item.entry === entry);
    if (entry.undo !== undefined && !onlyCopy) {
      await fs.unlink(entry.undo).catch(() => undefined);
      entry.undo = undefined;
    }
  }
}

function writeFailure(file: string, error: unknown, state: string): OperationError {
  return new OperationError(`cannot write ${file}: ${errorCode(error) ?? String(error)}; ${state}`, { hint: WRITE_HINT, cause: error });
}

function nothingChanged(entries: readonly Prepared[]): string {
  const [only] = entries;
  if (entries.length === 1 && only !== undefined) return only.existed ? 'the previous file was left as it was' : 'nothing was written';
  const names = entries.map((entry) => entry.write.path);
  if (names.length === 2) return `neither ${names[0]} nor ${names[1]} was changed`;
  return `none of ${names.join(', ')} was changed`;
}

function partlyChanged(entries: readonly Prepared[], stuck: ReadonlyArray<{ entry: Prepared; code: string }>): string {
  const replaced = stuck.map(({ entry, code }) => {
    const previous = entry.backupPath ?? entry.undo;
    const where = entry.existed ? `its previous version is ${previous ?? '(not kept)'}` : 'it did not exist before';
    return `${entry.write.path} was already replaced and could not be put back (${code}): ${where}`;
  });
  const untouched = entries.filter((entry) => !stuck.some((item) => item.entry === entry)).map((entry) => entry.write.path);
  return `${replaced.join('; ')}; ${untouched.join(', ')} ${untouched.length === 1 ? 'was' : 'were'} left as ${untouched.length === 1 ? 'it was' : 'they were'}`;
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

/**
 * The name a new version of `target` is written under before it is renamed: hidden, beside it (a
 * rename never crosses file systems), and recognisable as ours (see removeStaleTemporaries).
 */
export function temporaryPath(target: string, pid: number = process.pid): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/** `.<name>.<pid>.<12 hex digits>.tmp`, as temporaryPath makes them. */
const TEMPORARY_NAME = /^\..+\.(\d+)\.[0-9a-f]{12}\.tmp$/;

/** A temporary file whose process is gone is stale after this (a write takes milliseconds). */
const STALE_IF_OWNER_GONE_MS = 60_000;
/**
 * Any temporary file of ours is stale after this, whatever its pid: the pid may have been reused, or
 * belong to a host sharing the directory, whose processes we cannot see.
 */
const STALE_ANYWAY_MS = 60 * 60_000;

export interface StaleSweepOptions {
  readonly fs?: StoreFs;
  readonly now?: () => number;
  readonly isAlive?: (pid: number) => boolean;
}

/**
 * Removes, from `dir`, the temporary files of our atomic writes that a killed process (SIGKILL, a
 * power cut) left behind: names of our pattern only, regular files only, older than a minute when
 * their process is gone from this host and older than an hour in any case. The grace keeps the file
 * of a write in progress, here or on another host sharing the directory. Never fails: a sweep that
 * cannot read the directory leaves it as it is.
 */
export async function removeStaleTemporaries(dir: string, options: StaleSweepOptions = {}): Promise<string[]> {
  const fs = options.fs ?? fsPromises;
  const now = (options.now ?? Date.now)();
  const isAlive = options.isAlive ?? processIsAlive;
  const removed: string[] = [];
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const match = TEMPORARY_NAME.exec(name);
    if (match === null) continue;
    const file = path.join(dir, name);
    try {
      const stats = await fs.lstat(file);
      if (!stats.isFile()) continue;
      const age = now - stats.mtimeMs;
      const ownerGone = !isAlive(Number(match[1]));
      if (age < (ownerGone ? STALE_IF_OWNER_GONE_MS : STALE_ANYWAY_MS)) continue;
      await fs.unlink(file);
      removed.push(file);
    } catch {
      // Gone meanwhile (another sweep), or not ours to remove: leave it.
    }
  }
  return removed;
}

/** Writes `data` to a new temporary file beside `target`, flushed to disk; returns its name. */
async function writeTemporary(fs: StoreFs, target: string, data: Uint8Array, mode: number | undefined): Promise<string> {
  const temp = temporaryPath(target);
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
    return temp;
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await fs.unlink(temp).catch(() => undefined);
    throw error;
  }
}

async function replaceFile(fs: StoreFs, target: string, data: Uint8Array, mode: number | undefined): Promise<void> {
  const temp = await writeTemporary(fs, target, data, mode);
  try {
    await fs.rename(temp, target);
  } catch (error) {
    await fs.unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(fs, path.dirname(target));
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

/** The one-line refusal to replace a file the user has, and the flag that allows it. */
export function fileExistsError(file: string, force = '--force'): UsageError {
  return new UsageError(`${file} already exists: not replacing it`, { hint: `pass ${force} to replace it, or give another file name` });
}

/**
 * Flushes the finished temporary file `temp` and gives it the name `target`: over an existing file
 * only with `replace`; otherwise an existing `target`, even one created since it was checked, is
 * refused with fileExistsError (and `temp` removed). Stale temporary files of the directory go too.
 */
export async function publishFile(temp: string, target: string, options: { replace: boolean; fs?: StoreFs }): Promise<void> {
  const fs = options.fs ?? fsPromises;
  const dir = path.dirname(target);
  try {
    const handle = await fs.open(temp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.replace) {
      await fs.rename(temp, target);
    } else {
      try {
        await fs.link(temp, target);
      } catch (error) {
        if (errorCode(error) === 'EEXIST') throw fileExistsError(target);
        // A file system without hard links: the check and the rename are then two steps.
        if (!(await exists(fs, target))) await fs.rename(temp, target);
        else throw fileExistsError(target);
      }
    }
  } finally {
    await fs.unlink(temp).catch(() => undefined);
  }
  await syncDirectory(fs, dir);
  await removeStaleTemporaries(dir, { fs });
}

async function exists(fs: StoreFs, file: string): Promise<boolean> {
  try {
    await fs.lstat(file);
    return true;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false;
    throw error;
  }
}
