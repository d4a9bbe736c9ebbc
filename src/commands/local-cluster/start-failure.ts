/**
 * What `local-cluster` says when it cannot start (or cannot write the stand-in distribution): one line with the fix and a distinct exit code,
 * never "unexpected:" and never a process left running. Flags are checked before anything binds.
 */
import { parseResourcesFlag } from '../../mesos/resources/resources-flag.js';
import { errorCode } from '../../shared/atomic-file.js';
import { ConfigError, OperationError, UsageError, isAlluxioMesosError, type AlluxioMesosError } from '../../shared/errors.js';

/** Every `--resources` value parses as a Mesos agent would parse it, or exit 2 naming the value. */
export function checkResourcesFlags(values: readonly string[]): void {
  for (const value of values) {
    try {
      parseResourcesFlag(value);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      throw new UsageError(`--resources "${value}": ${error.message.replace(/\.$/, '')}`, {
        ...(error.hint === undefined ? {} : { hint: error.hint }),
      });
    }
  }
}

/** The error a failed `LocalCluster.start` is reported as. */
export function startFailure(error: unknown, flags: { port: number }): AlluxioMesosError {
  if (isAlluxioMesosError(error)) return error;
  const code = errorCode(error);
  const where = listenAddress(error) ?? `127.0.0.1:${flags.port}`;
  if (code === 'EADDRINUSE') {
    return new OperationError(`the master cannot listen on ${where}: the port is already in use`, {
      hint: 'stop what listens there, or choose another --port (0 picks a free one)',
      cause: error,
    });
  }
  if (code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    return new OperationError(
      `the master cannot listen on ${where}: ${code === 'EACCES' ? 'permission denied' : 'address not available'}`,
      {
        hint: 'choose another --port (above 1023, or 0 for a free one)',
        cause: error,
      },
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new OperationError(`the local cluster did not start: ${message}`, {
    hint: 'run it again with --verbose to see what the master and the agents logged',
    cause: error,
  });
}

function listenAddress(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('address' in error) || !('port' in error)) return undefined;
  return `${String(error.address)}:${String(error.port)}`;
}

/** A stand-in distribution that could not be written (the directory itself was checked before). */
export function demoFailure(error: unknown, dir: string): AlluxioMesosError {
  if (isAlluxioMesosError(error)) return error;
  const code = errorCode(error);
  return new OperationError(
    `cannot write the stand-in distribution into ${dir}: ${code ?? (error instanceof Error ? error.message : String(error))}`,
    {
      hint: 'give --write-demo-dist a directory you can write to',
      cause: error,
    },
  );
}
