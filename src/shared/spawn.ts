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
  /** The group is gone (or no longer ours to kill): the guardian forgets it. */
  disarm(): void;
}

/**
 * The guardian: one tiny `sh` per process (not one per group: a process with hundreds of tasks
 * would fork twice per task) that holds the set of guarded process groups. It reads `add PGID` and
 * `del PGID` lines on a pipe from us; the kernel closes our end when we are gone, however we die
 * (SIGKILL included, where no 'exit' handler runs), and at that end of file it SIGKILLs every group
 * still in its set. It ignores SIGINT, SIGTERM and SIGHUP, so that a Ctrl-C to the terminal's
 * process group, or an orderly stop still waiting for the groups to end, never disarms it. Neither
 * the guardian nor its pipe keeps this process alive.
 */
const GUARDIAN_SCRIPT = [
  "trap '' INT TERM HUP",
  "groups=' '",
  'while read -r op pgid; do',
  '  case $op in',
  '    add) groups="$groups$pgid " ;;',
  '    del) case $groups in *" $pgid "*) groups="${groups%% $pgid *} ${groups#* $pgid }" ;; esac ;;',
  '  esac',
  'done',
  'for pgid in $groups; do kill -s KILL -- "-$pgid" 2>/dev/null; done',
].join('\n');

let guardian: ChildProcess | undefined;

function liveGuardian(): ChildProcess {
  if (guardian !== undefined && guardian.exitCode === null && guardian.signalCode === null && guardian.stdin?.writable === true) {
    return guardian;
  }
  const started = spawn('/bin/sh', ['-c', GUARDIAN_SCRIPT, 'group-guard'], {
    cwd: '/',
    env: { PATH: '/usr/bin:/bin' },
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  // A guardian that could not start (or died) must never take us down with an EPIPE.
  started.on('error', () => undefined);
  started.stdin?.on('error', () => undefined);
  started.unref();
  (started.stdin as { unref?: () => void } | null)?.unref?.();
  guardian = started;
  return started;
}

/** Process group `pgid` dies with this process, however this process dies (see the guardian above). */
export function guardProcessGroup(pgid: number): GroupGuard {
  const keeper = liveGuardian();
  keeper.stdin?.write(`add ${pgid}\n`);
  let disarmed = false;
  return {
    disarm: () => {
      if (disarmed) return;
      disarmed = true;
      // Only the guardian that holds the group can drop it; a new one never heard of it.
      if (keeper === guardian && keeper.stdin?.writable === true) keeper.stdin.write(`del ${pgid}\n`);
    },
  };
}
