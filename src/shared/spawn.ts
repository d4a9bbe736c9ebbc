/**
 * Starting processes. Children we wait for (task commands, health checks) go through execa, which
 * handles arguments, timeouts and exit results. The exceptions are written here, with
 * node:child_process directly because execa ties a child's lifetime to a promise and, by default,
 * to ours: a child that must outlive us (`deploy --detach`), and the guard that must outlive us just
 * long enough to kill a process group we leave behind.
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

export interface GroupGuard {
  /** The group is gone (or no longer ours to kill): the guard exits without killing anything. */
  disarm(): void;
}

/**
 * Process group `pgid` dies with this process, however this process dies (SIGKILL included, where
 * no 'exit' handler runs). A tiny `sh` blocks reading a pipe from us; the kernel closes our end when
 * we are gone, and at that end of file the guard SIGKILLs the whole group. It ignores SIGINT, SIGTERM
 * and SIGHUP, so that a Ctrl-C to the terminal's process group, or an orderly stop still waiting for
 * the group to end, never disarms it; `disarm` sends it the line that lets it exit quietly. Neither
 * the guard nor its pipe keeps this process alive.
 */
export function guardProcessGroup(pgid: number): GroupGuard {
  const guard = spawn(
    '/bin/sh',
    ['-c', `trap '' INT TERM HUP; read -r _ || kill -s KILL -- "-$1" 2>/dev/null`, 'group-guard', String(pgid)],
    {
      cwd: '/',
      env: { PATH: '/usr/bin:/bin' },
      stdio: ['pipe', 'ignore', 'ignore'],
    },
  );
  // A guard that could not start (or died) must never take us down with an EPIPE.
  guard.on('error', () => undefined);
  guard.stdin?.on('error', () => undefined);
  guard.unref();
  (guard.stdin as { unref?: () => void } | null)?.unref?.();
  let disarmed = false;
  return {
    disarm: () => {
      if (disarmed) return;
      disarmed = true;
      guard.stdin?.end('\n');
    },
  };
}
