/**
 * Which sandbox files `logs` reads: by default `stdout`, `stderr` and every file under `logs/`;
 * `--file NAME` (repeatable), `--stdout`, `--stderr` pick others. Names are relative to the sandbox;
 * names come from the basename of what the agent lists, because the agent answers with the
 * canonical path (symlinks resolved), not the one asked.
 */
import { SandboxFileMissingError, sandboxChild, type SandboxFiles } from './files-client.js';
import type { ListedFile } from './render.js';

export interface SelectedFile {
  /** Relative to the sandbox. */
  name: string;
  /** For the files API. */
  path: string;
  /** The size the sandbox listing gave (default selection only): a file listed with bytes is never shown empty. */
  listedSize?: number;
}

export interface FileFlags {
  file?: readonly string[];
  stdout?: boolean;
  stderr?: boolean;
}

/** The names the flags ask for, in order, without duplicates; undefined for the default set. */
export function requestedNames(flags: FileFlags): string[] | undefined {
  const names = [...(flags.file ?? []), ...(flags.stdout === true ? ['stdout'] : []), ...(flags.stderr === true ? ['stderr'] : [])];
  return names.length === 0 ? undefined : [...new Set(names)];
}

export async function selectFiles(files: SandboxFiles, sandbox: string, flags: FileFlags, signal?: AbortSignal): Promise<SelectedFile[]> {
  const names = requestedNames(flags);
  if (names !== undefined) return names.map((name) => ({ name, path: sandboxChild(sandbox, name) }));
  const top = await listDirectory(files, sandbox, '', signal);
  const selected: SelectedFile[] = [];
  for (const name of ['stdout', 'stderr']) {
    const entry = top.find((candidate) => candidate.name === name && !candidate.directory);
    if (entry !== undefined) selected.push({ name, path: sandboxChild(sandbox, name), listedSize: entry.size });
  }
  if (top.some((entry) => entry.name === 'logs' && entry.directory)) {
    const logs = await listRecursive(files, sandbox, 'logs', signal);
    for (const entry of logs)
      if (!entry.directory) selected.push({ name: entry.name, path: sandboxChild(sandbox, entry.name), listedSize: entry.size });
  }
  return selected;
}

/** One directory of the sandbox (`relative` '' is the sandbox itself), sorted by name. */
async function listDirectory(files: SandboxFiles, sandbox: string, relative: string, signal?: AbortSignal): Promise<ListedFile[]> {
  const path = relative === '' ? sandbox : sandboxChild(sandbox, relative);
  const entries = await files.browse(path, signal);
  return entries
    .map((entry) => {
      const base = entry.path.replace(/\/+$/, '').split('/').pop() ?? entry.path;
      return { ...entry, name: relative === '' ? base : `${relative}/${base}` };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Every entry under `relative`, depth first; a directory that vanishes meanwhile is skipped. */
export async function listRecursive(
  files: SandboxFiles,
  sandbox: string,
  relative: string,
  signal?: AbortSignal,
  depth = 0,
): Promise<ListedFile[]> {
  let entries: ListedFile[];
  try {
    entries = await listDirectory(files, sandbox, relative, signal);
  } catch (error) {
    if (error instanceof SandboxFileMissingError && relative !== '') return [];
    throw error;
  }
  const all: ListedFile[] = [];
  for (const entry of entries) {
    all.push(entry);
    // Depth-limited: a symlink loop in a sandbox must not hang the command.
    if (entry.directory && depth < 16) all.push(...(await listRecursive(files, sandbox, entry.name, signal, depth + 1)));
  }
  return all;
}
