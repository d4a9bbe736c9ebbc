/**
 * What every command receives: the injected streams and the resolved global options.
 */
import { parseDuration } from '../shared/duration.js';
import type { Io } from '../ui/io.js';
import type { Termination } from './termination.js';
import { findConfDir } from './conf-dir.js';

export interface GlobalOptions {
  /** Mesos master address as given (`host:port`, URL, `zk://...`, `local`), if any. */
  readonly master: string | undefined;
  /** Directory holding `alluxio-site.properties` (absolute). */
  readonly confDir: string;
  /** How confDir was found (see conf-dir.ts), for errors about missing settings. */
  readonly confSearch: readonly string[];
  readonly json: boolean;
  readonly color: boolean;
  readonly verbose: boolean;
  readonly yes: boolean;
  readonly timeoutMs: number;
}

export interface CommandContext {
  readonly io: Io;
  readonly globals: GlobalOptions;
  /** SIGINT/SIGTERM: everything the command waits on should end when its signal aborts. */
  readonly termination: Termination;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** Raw global option values as commander hands them over. */
export interface RawGlobalOptions {
  master?: string;
  confDir?: string;
  json?: boolean;
  color?: boolean;
  verbose?: boolean;
  yes?: boolean;
  timeout?: string;
}

export function resolveGlobals(raw: RawGlobalOptions, io: Io): GlobalOptions {
  const conf = findConfDir({ flag: raw.confDir, env: io.env, cwd: io.cwd });
  return {
    master: raw.master === '' ? undefined : raw.master,
    confDir: conf.dir,
    confSearch: conf.searched,
    json: raw.json === true,
    color: raw.color !== false,
    verbose: raw.verbose === true,
    yes: raw.yes === true,
    timeoutMs: parseTimeout(raw.timeout),
  };
}

function parseTimeout(value: string | undefined): number {
  if (value === undefined) return DEFAULT_TIMEOUT_MS;
  return parseDuration('--timeout', value, { bareUnit: 'ms', minMs: 1, maxMs: 24 * 3600 * 1000 });
}
