/**
 * Sandbox layout of a Mesos agent:
 * `<work_dir>/slaves/<agent>/frameworks/<fw>/executors/<exec>/runs/<container>`, a `runs/latest`
 * symlink to the newest run, and empty `stdout`/`stderr` files the executor and task append to.
 */
import { mkdir, rename, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface SandboxIds {
  agentId: string;
  frameworkId: string;
  executorId: string;
  containerId: string;
}

export function executorRunsDir(workDir: string, ids: Omit<SandboxIds, 'containerId'>): string {
  return join(workDir, 'slaves', ids.agentId, 'frameworks', ids.frameworkId, 'executors', ids.executorId, 'runs');
}

export function sandboxDir(workDir: string, ids: SandboxIds): string {
  return join(executorRunsDir(workDir, ids), ids.containerId);
}

/** The virtual path Mesos attaches every sandbox under (also listed in `/files/debug`). */
export function virtualLatestPath(frameworkId: string, executorId: string): string {
  return `/frameworks/${frameworkId}/executors/${executorId}/runs/latest`;
}

/**
 * An id usable as a path segment. Mesos rejects ids that could climb out of the sandbox tree; so do we.
 */
export function validatePathId(kind: string, id: string): string | undefined {
  if (id === '') return `${kind} must not be empty`;
  if (id === '.' || id === '..') return `${kind} '${id}' is not allowed`;
  if (/[/\\\x00-\x1f\x7f]/.test(id)) return `${kind} '${id}' contains '/', '\\' or control characters`;
  return undefined;
}

/** Creates the run directory with empty stdout/stderr and points `runs/latest` at it. */
export async function createSandbox(workDir: string, ids: SandboxIds): Promise<string> {
  const directory = sandboxDir(workDir, ids);
  await mkdir(directory, { recursive: true });
  await writeFile(join(directory, 'stdout'), '', { flag: 'a' });
  await writeFile(join(directory, 'stderr'), '', { flag: 'a' });
  // Swap the link atomically so a reader never sees a missing `latest`.
  const runs = executorRunsDir(workDir, ids);
  const staging = join(runs, `.latest-${ids.containerId}`);
  await symlink(directory, staging);
  await rename(staging, join(runs, 'latest'));
  return directory;
}
