/**
 * Starting processes. Children we wait for (task commands, health checks) go through execa, which
 * handles arguments, timeouts and exit results. The one exception is written here: a child that
 * must outlive us (`deploy --detach`). It uses node:child_process directly because execa ties a
 * child's lifetime to a promise and, by default, to ours; this child is detached and outlives us.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface DetachedOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** File descriptor both stdout and stderr of the child write to (stdin is closed). */
  readonly logFd: number;
}

/**
 * Starts `file args` in its own process group, to run on after we exit, with an IPC channel the
 * child reports on (`process.send`) while we wait for it. The child is still referenced: the caller
 * disconnects and unrefs it once it has heard enough, or sees it exit.
 */
export function spawnDetachedWithChannel(file: string, args: readonly string[], options: DetachedOptions): ChildProcess {
  return spawn(file, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', options.logFd, options.logFd, 'ipc'] });
}
