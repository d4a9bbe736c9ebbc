/**
 * `mkdir -p` that always ends. Node 20's own `mkdir(dir, { recursive: true })` never returns, at
 * 100% CPU, for a path such as `/proc/nope`: procfs answers ENOENT although the parent exists, and
 * Node retries the parent and the child forever (the synchronous form blocks the event loop, so not
 * even Ctrl-C is handled). Here each level is created at most twice, and every failure is one line.
 */
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { errorCode } from './atomic-file.js';
import { OperationError } from './errors.js';

const REASONS: Readonly<Record<string, string>> = {
  EEXIST: 'a file that is not a directory is in the way',
  ENOTDIR: 'a file that is not a directory is in the way',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  ENOENT: 'no directory can be created there',
};

export interface MakeDirectoryOptions {
  /** What the directory is, for the message (default "directory"). */
  what?: string;
  /** How to fix it, for the message (default: choose a directory you can write to). */
  hint?: string;
}

/** Creates `dir` and its missing parents; throws a one-line OperationError naming `dir` when it cannot. */
export async function makeDirectory(dir: string, options: MakeDirectoryOptions = {}): Promise<void> {
  try {
    await createLevel(path.resolve(dir));
  } catch (error) {
    const code = errorCode(error);
    throw new OperationError(`cannot create the ${options.what ?? 'directory'} ${dir}: ${REASONS[code ?? ''] ?? code ?? String(error)}`, {
      hint: options.hint ?? 'choose a directory you can write to',
      cause: error,
    });
  }
}

async function createLevel(dir: string): Promise<void> {
  const code = await tryMkdir(dir);
  if (code === undefined) return;
  if (code === 'EEXIST') return ensureIsDirectory(dir);
  const parent = path.dirname(dir);
  if (code !== 'ENOENT' || parent === dir) throw errnoError(code, dir);
  await createLevel(parent);
  // Once: if the parent exists and the child still cannot be made, it never will (procfs, sysfs).
  const again = await tryMkdir(dir);
  if (again === 'EEXIST') return ensureIsDirectory(dir);
  if (again !== undefined) throw errnoError(again, dir);
}

async function tryMkdir(dir: string): Promise<string | undefined> {
  try {
    await mkdir(dir);
    return undefined;
  } catch (error) {
    return errorCode(error) ?? 'EIO';
  }
}

async function ensureIsDirectory(dir: string): Promise<void> {
  if (!(await stat(dir)).isDirectory()) throw errnoError('EEXIST', dir);
}

function errnoError(code: string, dir: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${dir}`), { code, path: dir });
}
