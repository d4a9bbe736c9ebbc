/**
 * Runs launch commands and stand-in processes the way a Mesos agent's command executor does:
 * `/bin/sh -c <value>` with the sandbox as working directory, `MESOS_SANDBOX` and the task's
 * `CommandInfo.environment` in the environment. Every process started here is tracked and killed by
 * `killAll()`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CommandInfo } from '../../../../src/mesos/protocol/types.js';

export interface RunningProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();

/** The agent's environment: ours without ALLUXIO_* leftovers, `node` reachable for the stand-ins. */
export function agentEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('ALLUXIO_') && !k.startsWith('MESOS_') && k !== 'LIBPROCESS_IP' && k !== 'JAVA') {
      env[k] = v;
    }
  }
  env.PATH = `${dirname(process.execPath)}:${env.PATH ?? '/usr/bin:/bin'}`;
  env.ALLUXIO_STANDIN_NODE = process.execPath;
  return { ...env, ...extra };
}

export function start(file: string, args: string[], options: { cwd: string; env: Record<string, string> }): RunningProcess {
  // Its own process group, so that killAll also reaches anything it left behind.
  const child = spawn(file, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  running.add(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** What the command executor does with a shell CommandInfo. */
export function launchTask(command: CommandInfo, sandbox: string, env: Record<string, string> = {}): RunningProcess {
  const taskEnv: Record<string, string> = {};
  for (const variable of command.environment?.variables ?? []) taskEnv[variable.name] = variable.value ?? '';
  return start('/bin/sh', ['-c', command.value ?? ''], {
    cwd: sandbox,
    env: agentEnv({ ...env, ...taskEnv, MESOS_SANDBOX: sandbox }),
  });
}

export async function killAll(): Promise<void> {
  const children = [...running];
  for (const child of children) {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // The group is already gone.
    }
  }
  await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r(null) : c.once('close', r)))));
}

export async function tempDir(prefix: string): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Ports the OS reports free right now on `host` (distinct; released before returning). */
export async function freePorts(host: string, count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => {
      const server = createServer();
      return new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, host, () => resolve(server));
      });
    }),
  );
  const ports = servers.map((s) => {
    const address = s.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return address.port;
  });
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  options: { timeoutMs?: number; process?: RunningProcess } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  let exitedEarly = false;
  void options.process?.exited.then(() => (exitedEarly = true));
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (exitedEarly) {
      throw new Error(
        `process exited while waiting for ${what}\nstdout:\n${options.process?.stdout()}\nstderr:\n${options.process?.stderr()}`,
      );
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}\nstdout:\n${options.process?.stdout()}\nstderr:\n${options.process?.stderr()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** GET a JSON document, or undefined while nothing answers. */
export async function getJson<T>(url: string): Promise<T | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    if (!response.ok) return undefined;
    return (await response.json()) as T;
  } catch {
    return undefined;
  }
}

export interface MasterInfo {
  standIn: boolean;
  version: string;
  startTimeMs: number;
  hostname: string;
  rpcPort: number;
  webPort: number;
  journal: string;
  workers: Array<{ id: number; hostname: string; rpcPort: number; dataPort: number | null; webPort: number; capacity: string }>;
}
