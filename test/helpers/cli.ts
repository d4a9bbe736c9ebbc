/**
 * Runs the real `alluxio-mesos` binary (bin/ → dist/) as a user would. Integration tests need the
 * build: `npm test` builds first; when running vitest alone, run `npm run build` before.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type Options, type ResultPromise } from 'execa';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(REPO_ROOT, 'bin', 'alluxio-mesos.js');

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

function assertBuilt(): void {
  if (!existsSync(path.join(REPO_ROOT, 'dist', 'main.js'))) {
    throw new Error('dist/ is missing: run `npm run build` (npm test does it) before the integration tests');
  }
}

/** Environment without the developer's own Mesos/Alluxio settings, colour and CI flags. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const key of ['MESOS_MASTER', 'ALLUXIO_HOME', 'ALLUXIO_MESOS_SECRET', 'FORCE_COLOR', 'NO_COLOR', 'CI']) delete env[key];
  return { ...env, ...extra };
}

export async function runCli(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string | undefined>; input?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  assertBuilt();
  const result = await execa('node', [BIN, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: options.env ?? cleanEnv(),
    extendEnv: false,
    reject: false,
    timeout: options.timeoutMs ?? 30_000,
    ...(options.input === undefined ? { stdin: 'ignore' as const } : { input: options.input }),
  });
  return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Starts the CLI without waiting, for long-running commands (deploy, logs --follow). */
export function startCli(args: readonly string[], options: Options = {}): ResultPromise {
  assertBuilt();
  return execa('node', [BIN, ...args], { cwd: REPO_ROOT, env: cleanEnv(), extendEnv: false, reject: false, ...options });
}
