/**
 * The Mesos fetcher, for the local cluster: copies each `CommandInfo.uris` entry into the sandbox
 * before the task starts, extracts archives, honours `executable` and `output_file`.
 *
 * Only sources a local cluster can reach are allowed: `file://` URIs and plain absolute paths, and
 * `http(s)://` on a loopback address (`127.x.x.x`, `localhost`). Anything else fails the fetch, which
 * fails the task, so nothing ever leaves the machine.
 */
import { createWriteStream } from 'node:fs';
import { chmod, copyFile, stat } from 'node:fs/promises';
import { basename, isAbsolute, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';
import type { CommandURI } from '../../mesos/protocol/types.js';
import { isWithin } from './files-query.js';
import { openHttpRequest, type OpenHttpAnswer } from '../../shared/http-request.js';
import { isLoopbackHost } from '../../shared/loopback.js';

export class FetchError extends Error {
  override name = 'FetchError';
}

/** Archive suffixes the local fetcher can extract (the `tar` package handles plain and gzip). */
const EXTRACTABLE = ['.tar.gz', '.tgz', '.tar'];
/** Archive suffixes real Mesos would extract but the local fetcher cannot. */
const UNSUPPORTED_ARCHIVES = ['.tar.bz2', '.tbz2', '.tar.xz', '.txz', '.zip'];

type Source = { kind: 'file'; path: string } | { kind: 'http'; url: URL };

/** Classifies a URI; throws FetchError for anything the local cluster must not or cannot fetch. */
export function classifyUri(value: string): Source {
  if (isAbsolute(value)) return { kind: 'file', path: value };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new FetchError(`Unsupported URI '${value}': expected an absolute path, file://, or http(s)://127.x.x.x`);
  }
  if (url.protocol === 'file:') {
    if (url.hostname !== '' && url.hostname !== 'localhost') {
      throw new FetchError(`Unsupported URI '${value}': file:// URIs must not name a remote host`);
    }
    return { kind: 'file', path: decodeURIComponent(url.pathname) };
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') {
    if (!isLoopbackHost(url.hostname)) {
      throw new FetchError(`Refusing to fetch '${value}': the local cluster only fetches from loopback addresses (127.x.x.x)`);
    }
    return { kind: 'http', url };
  }
  throw new FetchError(`Unsupported URI scheme '${url.protocol.replace(/:$/, '')}' in '${value}'`);
}

/** The file name a URI lands under in the sandbox (`output_file`, else the last path segment). */
export function destinationName(uri: CommandURI, source: Source): string {
  if (uri.output_file !== undefined && uri.output_file !== '') return uri.output_file;
  const path = source.kind === 'file' ? source.path : decodeURIComponent(source.url.pathname);
  const name = basename(path);
  if (name === '' || name === '/' || name === '.' || name === '..') {
    throw new FetchError(`Cannot derive a file name from '${uri.value}'; set output_file`);
  }
  return name;
}

export function archiveKind(fileName: string): 'extract' | 'unsupported' | 'none' {
  const lower = fileName.toLowerCase();
  if (EXTRACTABLE.some((suffix) => lower.endsWith(suffix))) return 'extract';
  if (UNSUPPORTED_ARCHIVES.some((suffix) => lower.endsWith(suffix))) return 'unsupported';
  return 'none';
}

export interface FetchOptions {
  sandbox: string;
  /** Each fetch step, for the sandbox's stderr (glog lines written by the caller). */
  log: (message: string) => void;
  /** Gives up on an HTTP download that takes longer (Mesos: fetcher_stall_timeout, 1 min). */
  timeoutMs?: number;
  /** Aborts the fetch (the task was killed meanwhile). */
  signal?: AbortSignal;
}

/**
 * Streams the URL into `target`: a URI may be a JDK or an Alluxio tarball of hundreds of megabytes.
 * `timeoutMs` bounds the whole download; no redirect is followed (a 3xx fails the fetch).
 */
async function download(url: URL, target: string, timeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
  let answer: OpenHttpAnswer;
  try {
    answer = await openHttpRequest({ url, timeoutMs, signal });
  } catch (error) {
    throw new FetchError(`Failed to fetch '${url.href}': ${(error as Error).message}`);
  }
  try {
    if (answer.status < 200 || answer.status > 299) {
      throw new FetchError(`Failed to fetch '${url.href}': HTTP ${answer.status} ${answer.statusText}`);
    }
    await pipeline(answer.body, createWriteStream(target));
  } finally {
    answer.close();
  }
}

async function fetchOne(uri: CommandURI, options: FetchOptions): Promise<void> {
  const source = classifyUri(uri.value);
  const name = destinationName(uri, source);
  const target = resolve(options.sandbox, name);
  if (!isWithin(options.sandbox, target)) {
    throw new FetchError(`output_file '${name}' would be written outside the sandbox`);
  }
  options.log(`Fetching URI '${uri.value}'`);
  options.log(`Fetching directly into the sandbox directory`);
  if (source.kind === 'file') {
    try {
      if (!(await stat(source.path)).isFile()) throw new FetchError(`'${source.path}' is not a file`);
      await copyFile(source.path, target);
    } catch (error) {
      if (error instanceof FetchError) throw error;
      throw new FetchError(`Failed to fetch '${uri.value}': ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  } else {
    await download(source.url, target, options.timeoutMs ?? 60_000, options.signal);
  }
  options.log(`Fetched '${uri.value}' to '${target}'`);

  if (uri.executable === true) {
    await chmod(target, 0o755);
    return;
  }
  if (uri.extract === false) return;
  const kind = archiveKind(name);
  if (kind === 'unsupported') {
    throw new FetchError(`Cannot extract '${name}': the local agent extracts only .tar, .tar.gz and .tgz archives`);
  }
  if (kind === 'extract') {
    options.log(`Extracting with command: tar -C '${options.sandbox}' -xf '${target}'`);
    try {
      // The tar package refuses entries that would land outside `cwd` (absolute paths, `..`).
      await tar.x({ file: target, cwd: options.sandbox, strict: true });
    } catch (error) {
      throw new FetchError(`Failed to extract '${target}': ${(error as Error).message}`);
    }
    options.log(`Extracted '${target}' into '${options.sandbox}'`);
  }
}

/** Fetches every URI in order; the first failure stops the fetch and is thrown as a FetchError. */
export async function fetchUris(uris: readonly CommandURI[], options: FetchOptions): Promise<void> {
  for (const uri of uris) {
    if (options.signal?.aborted === true) throw new FetchError('Fetch aborted');
    try {
      await fetchOne(uri, options);
    } catch (error) {
      if (error instanceof FetchError) throw error;
      throw new FetchError(`Failed to fetch '${uri.value}': ${(error as Error).message}`);
    }
  }
}
