/**
 * Finding the stand-in Alluxio processes a test started (by a marker in their command line, e.g.
 * the test's temp root), and waiting for a condition. Shared by the deploy and operate suites.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface StandinProcess {
  readonly pid: number;
  readonly role: 'master' | 'worker';
  /** The Mesos task (the executor directory of its sandbox, in its command line). */
  readonly taskId: string | undefined;
  readonly args: string;
}

/** The stand-in master and worker processes whose command line mentions `marker`. */
export async function standins(marker: string): Promise<StandinProcess[]> {
  const { stdout } = await execFileAsync('ps', ['-eo', 'pid=,args=', '-ww']);
  const found: StandinProcess[] = [];
  for (const line of stdout.split('\n')) {
    const match = /^\s*(\d+)\s+(.*)$/.exec(line);
    if (match === null) continue;
    const args = match[2] as string;
    if (!args.includes(marker) || !/\bnode\b/.test(args)) continue;
    const role = args.includes('alluxio.master.AlluxioMaster')
      ? 'master'
      : args.includes('alluxio.worker.AlluxioWorker')
        ? 'worker'
        : undefined;
    if (role === undefined) continue;
    found.push({ pid: Number(match[1]), role, taskId: /\/executors\/([^/\s]+)\/runs\//.exec(args)?.[1], args });
  }
  return found;
}

/** The stand-in process of Mesos task `taskId`. */
export async function standinOf(marker: string, taskId: string): Promise<StandinProcess | undefined> {
  return (await standins(marker)).find((p) => p.args.includes(`/executors/${taskId}/`));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}
