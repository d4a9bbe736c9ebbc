/**
 * Starting processes. Children we wait for (task commands, health checks) go through execa, which
 * handles arguments, timeouts and exit results. The one exception is written here: a child that
 * must outlive us (`deploy --detach`). It uses node:child_process directly because execa ties a
 * child's lifetime to a promise and, by default, to ours; this child is detached, unreferenced and
 * never awaited.
 */
import { spawn } from 'node:child_process';

export interface DetachedOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** File descriptor both stdout and stderr of the child write to (stdin is closed). */
  readonly logFd: number;
}

/** Starts `file args` in its own process group and lets it run on after we exit; its pid. */
export function spawnDetached(file: string, args: readonly string[], options: DetachedOptions): number | undefined {
  const child = spawn(file, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', options.logFd, options.logFd] });
  child.unref();
  return child.pid;
}
