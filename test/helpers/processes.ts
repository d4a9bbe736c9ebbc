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
