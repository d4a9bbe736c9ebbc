/**
 * Processes a test left behind, found by path (their working directory or command line under the
 * test's temp dir), never by name: other tests and helpers run beside them.
 */
import { readdir, readFile, readlink } from 'node:fs/promises';

/** Pids of the processes whose working directory or command line is under `dir` (Linux /proc). */
export async function processesUnder(dir: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cwd = await readlink(`/proc/${entry}/cwd`).catch(() => '');
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cwd.startsWith(dir) || cmdline.includes(dir)) found.push(Number(entry));
  }
  return found;
}

/**
 * SIGSTOPs `pid` and resolves once every one of its threads is stopped: a signal only asks, and a
 * thread busy on another core (a JVM's selector, under load) may still answer a request meanwhile.
 */
export async function freeze(pid: number): Promise<void> {
  process.kill(pid, 'SIGSTOP');
  for (;;) {
    const threads = await readdir(`/proc/${pid}/task`);
    const states = await Promise.all(threads.map((tid) => readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8').catch(() => ') T ')));
    // The state is the field after the command name, which is in parentheses and may hold spaces.
    if (states.every((stat) => /^[Tt]$/.test(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] ?? ''))) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
