/**
 * The error hierarchy. Every error the user can cause or meet carries the exit code it maps to and
 * a hint that says how to fix it; `src/main.ts` is the only place that turns them into output and
 * an exit status.
 */

export const ExitCode = {
  OK: 0,
  /** A check failed or the operation failed. */
  FAILED: 1,
  /** Usage error or invalid input (flags, configuration files). */
  USAGE: 2,
  /** Mesos or ZooKeeper unreachable, or credentials rejected. */
  UNREACHABLE: 3,
  /** What was named does not exist: no framework, no task matching the name, no such sandbox file. */
  NOT_FOUND: 4,
  /** Interrupted by the user (Ctrl-C, SIGINT): 128 + 2, as shells report it. */
  INTERRUPTED: 130,
  /** Ended by SIGTERM: 128 + 15. */
  TERMINATED: 143,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * The one table of exit codes, the same for every command: `--help` and the README print it from
 * here (a test compares them), so a script can rely on one meaning per code.
 */
export const EXIT_CODE_TABLE: readonly { code: ExitCodeValue; meaning: string }[] = [
  { code: ExitCode.OK, meaning: 'success' },
  { code: ExitCode.FAILED, meaning: 'a check failed or the operation failed' },
  { code: ExitCode.USAGE, meaning: 'usage error or invalid input (flags, configuration files)' },
  { code: ExitCode.UNREACHABLE, meaning: 'Mesos or ZooKeeper unreachable, or credentials rejected' },
  { code: ExitCode.NOT_FOUND, meaning: 'not found: no framework, or no task or sandbox file matching the name given' },
  { code: ExitCode.INTERRUPTED, meaning: 'interrupted (Ctrl-C, SIGINT)' },
  {
    code: ExitCode.TERMINATED,
    meaning: 'terminated (SIGTERM); a foreground deploy and local-cluster stop cleanly with 0, as a service manager expects',
  },
];

export interface ErrorDetails {
  hint?: string;
  cause?: unknown;
  retriable?: boolean;
}

export class AlluxioMesosError extends Error {
  readonly exitCode: ExitCodeValue;
  readonly hint: string | undefined;
  readonly retriable: boolean;

  constructor(message: string, exitCode: ExitCodeValue, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.hint = details.hint;
    this.retriable = details.retriable ?? false;
  }
}

/** Bad flags or arguments. Exit 2. */
export class UsageError extends AlluxioMesosError {
  constructor(message: string, details: ErrorDetails = {}) {
    super(message, ExitCode.USAGE, details);
  }
}

/** An invalid value in a configuration file or flag, located by key and line. Exit 2. */
export class ConfigError extends AlluxioMesosError {
  readonly key: string | undefined;
  readonly file: string | undefined;
  readonly line: number | undefined;

  constructor(message: string, location: { key?: string; file?: string; line?: number } = {}, details: ErrorDetails = {}) {
    super(message, ExitCode.USAGE, details);
    this.key = location.key;
    this.file = location.file;
    this.line = location.line;
  }
}

/** The operation could not be carried out (launch failed, sandbox gone, ...). Exit 1. */
export class OperationError extends AlluxioMesosError {
  constructor(message: string, details: ErrorDetails = {}) {
    super(message, ExitCode.FAILED, details);
  }
}

/** What the user named does not exist (a framework, a task, a sandbox file). Exit 4. */
export class NotFoundError extends AlluxioMesosError {
  constructor(message: string, details: ErrorDetails = {}) {
    super(message, ExitCode.NOT_FOUND, details);
  }
}

/** Mesos or ZooKeeper could not be reached or timed out. Exit 3. */
export class UnreachableError extends AlluxioMesosError {
  readonly address: string;

  constructor(message: string, address: string, details: ErrorDetails = {}) {
    super(message, ExitCode.UNREACHABLE, { retriable: true, ...details });
    this.address = address;
  }
}

/** Mesos answered 401/403 to the credentials we sent. Exit 3. */
export class CredentialsError extends AlluxioMesosError {
  constructor(message: string, details: ErrorDetails = {}) {
    super(message, ExitCode.UNREACHABLE, details);
  }
}

/** The user interrupted a prompt or a running command. Exit 130 (Ctrl-C), or 143 for SIGTERM. */
export class CancelledError extends AlluxioMesosError {
  constructor(
    message = 'interrupted',
    details: ErrorDetails & { exitCode?: typeof ExitCode.INTERRUPTED | typeof ExitCode.TERMINATED } = {},
  ) {
    super(message, details.exitCode ?? ExitCode.INTERRUPTED, details);
  }
}

/** An error whose message was already shown to the user; only its exit code matters. */
export class SilentError extends AlluxioMesosError {
  constructor(exitCode: ExitCodeValue) {
    super('', exitCode);
  }
}

export function isAlluxioMesosError(error: unknown): error is AlluxioMesosError {
  return error instanceof AlluxioMesosError;
}
