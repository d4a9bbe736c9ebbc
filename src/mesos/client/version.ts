/**
 * Mesos versions and what they imply: which endpoint names exist and which APIs are there. The
 * release each gate names was checked against the Mesos git tags (see
 * shared/reference/mesos-peers-and-protocol.md §2.7).
 */
import { OperationError, type ErrorDetails } from '../../shared/errors.js';

export interface MesosVersion {
  major: number;
  minor: number;
  patch: number;
  /** `rc1` in `1.7.0-rc1`; undefined for a release. */
  prerelease: string | undefined;
  /** The string as the master reported it (trimmed). */
  raw: string;
}

/** A version string that is not a Mesos version. Exit 1: it came from the master, not the user. */
export class InvalidVersionError extends OperationError {
  /** What was reported, as text (JSON for a non-string). */
  readonly input: string;

  constructor(input: unknown, source: string | undefined, details: ErrorDetails = {}) {
    const shown = describeInput(input);
    super(`${source === undefined ? '' : `${source} reported `}${shown}, which is not a Mesos version`, {
      hint: 'Mesos versions look like 1.12.0, 0.28.2 or 1.7.0-rc1',
      ...details,
    });
    this.input = typeof input === 'string' ? input : shown;
  }
}

function describeInput(input: unknown): string {
  if (input === undefined) return 'no version';
  if (typeof input === 'string') return JSON.stringify(input.length > 80 ? `${input.slice(0, 80)}...` : input);
  const json = JSON.stringify(input);
  return `${json.length > 80 ? `${json.slice(0, 80)}...` : json} (not a string)`;
}

const VERSION_PATTERN = /^v?(\d{1,4})\.(\d{1,4})\.(\d{1,4})(?:-([0-9A-Za-z][0-9A-Za-z.-]*))?(?:\+[0-9A-Za-z.-]+)?$/;

/** `source` names where the string came from, for the error message. */
export function parseMesosVersion(input: unknown, source?: string): MesosVersion {
  if (typeof input !== 'string') throw new InvalidVersionError(input, source);
  const raw = input.trim();
  const match = VERSION_PATTERN.exec(raw);
  if (match === null) throw new InvalidVersionError(raw, source);
  return {
    major: Number(match[1]),
    minor: Number(match[2]),
    patch: Number(match[3]),
    prerelease: match[4],
    raw,
  };
}

export function formatVersion(version: MesosVersion): string {
  const core = `${version.major}.${version.minor}.${version.patch}`;
  return version.prerelease === undefined ? core : `${core}-${version.prerelease}`;
}

/** Semver order: a pre-release sorts before its release (1.7.0-rc1 < 1.7.0). */
export function compareVersions(a: MesosVersion, b: MesosVersion): number {
  const core = compareCore(a, b);
  if (core !== 0) return core;
  if (a.prerelease === b.prerelease) return 0;
  if (a.prerelease === undefined) return 1;
  if (b.prerelease === undefined) return -1;
  return comparePrerelease(a.prerelease, b.prerelease);
}

/**
 * Feature gates compare major.minor.patch only: a 1.7.0 release candidate already has 1.7's
 * endpoints, so it must be treated as 1.7 and not as 1.6.
 */
export function versionAtLeast(version: MesosVersion, minimum: string): boolean {
  return compareCore(version, parseMesosVersion(minimum)) >= 0;
}

function compareCore(a: MesosVersion, b: MesosVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

function comparePrerelease(a: string, b: string): number {
  const left = a.split('.');
  const right = b.split('.');
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const x = left[i];
    const y = right[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const xNumeric = /^\d+$/.test(x);
    const yNumeric = /^\d+$/.test(y);
    if (xNumeric && yNumeric) {
      if (Number(x) !== Number(y)) return Number(x) - Number(y);
    } else if (xNumeric !== yNumeric) {
      return xNumeric ? -1 : 1;
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return 0;
}

/** The oldest Mesos the Alluxio documentation supports; `check-ports` refuses anything older. */
export const MINIMUM_MESOS_VERSION = '0.23.0';

/** deploy's v1 HTTP scheduler API, and from which Mesos version (stream ids arrived in 0.28.0); before it, the legacy transport. */
export const V1_SCHEDULER_MINIMUM_MESOS_VERSION = '0.28.0';

/** TCP health checks (HealthCheck.type TCP): 1.1.0. Before, deploy's tasks go without health checks. */
export const TCP_HEALTH_CHECK_MINIMUM_MESOS_VERSION = '1.1.0';

export interface MesosFeatures {
  /** At least MINIMUM_MESOS_VERSION. */
  supported: boolean;
  /** v1 operator API `POST /api/v1` (GET_VERSION, GET_AGENTS, ...): 1.0.0. */
  hasOperatorApi: boolean;
  /** `GET /version`: 0.26.0. */
  hasVersionEndpoint: boolean;
  /** v1 scheduler API `POST /api/v1/scheduler`: 0.24.0 (experimental until 1.0). */
  hasSchedulerApi: boolean;
  schedulerApiStable: boolean;
  /** `Mesos-Stream-Id` header on scheduler calls: 0.28.0. */
  hasStreamId: boolean;
  /** The scheduler Call SUPPRESS (over libprocess too): 0.25.0. */
  hasSuppressCall: boolean;
  /** Sandbox under `/frameworks/<fid>/executors/<eid>/runs/latest` in the files API: 1.5.0. */
  hasVirtualLatestSandbox: boolean;
  /** Endpoint names without `.json`: 0.25.0. */
  hasPlainEndpoints: boolean;
  /** `.json` endpoint names: removed in 1.7.0. */
  hasJsonEndpoints: boolean;
  /** Agent `--reconfiguration_policy=additive`: 1.5.0. */
  hasAdditiveReconfiguration: boolean;
  /** The agent binary was renamed in 1.0.0 (`make install` still links the old name). */
  agentBinary: 'mesos-agent' | 'mesos-slave';
}

export function mesosFeatures(version: MesosVersion): MesosFeatures {
  const atLeast = (minimum: string): boolean => versionAtLeast(version, minimum);
  return {
    supported: atLeast(MINIMUM_MESOS_VERSION),
    hasOperatorApi: atLeast('1.0.0'),
    hasVersionEndpoint: atLeast('0.26.0'),
    hasSchedulerApi: atLeast('0.24.0'),
    schedulerApiStable: atLeast('1.0.0'),
    hasStreamId: atLeast('0.28.0'),
    hasSuppressCall: atLeast('0.25.0'),
    hasVirtualLatestSandbox: atLeast('1.5.0'),
    hasPlainEndpoints: atLeast('0.25.0'),
    hasJsonEndpoints: !atLeast('1.7.0'),
    hasAdditiveReconfiguration: atLeast('1.5.0'),
    agentBinary: atLeast('1.0.0') ? 'mesos-agent' : 'mesos-slave',
  };
}

interface MasterEndpoints {
  state: string;
  slaves: string;
  frameworks: string;
  tasks: string;
  redirect: string;
  health: string;
  /** `/version`, undefined before 0.26. */
  version: string | undefined;
  /** `/api/v1`, undefined before 1.0. */
  operatorApi: string | undefined;
  /** `/api/v1/scheduler`, undefined before 0.24. */
  schedulerApi: string | undefined;
  filesRead: string;
  filesBrowse: string;
  filesDebug: string;
}

export interface AgentEndpoints {
  state: string;
  filesRead: string;
  filesBrowse: string;
  filesDownload: string;
  filesDebug: string;
  health: string;
  version: string | undefined;
  operatorApi: string | undefined;
}

export interface EndpointNames {
  /** Whether the names below carry the `.json` suffix. */
  json: boolean;
  master: MasterEndpoints;
  agent: AgentEndpoints;
}

/**
 * Only `.json` names exist before 0.25.0, both until 1.6.x, only plain names from 1.7.0. In the
 * overlap the plain names are chosen: they are the ones that keep working after an upgrade.
 */
export function endpointNames(version: MesosVersion): EndpointNames {
  const features = mesosFeatures(version);
  const json = !features.hasPlainEndpoints;
  const name = (path: string): string => (json ? `${path}.json` : path);
  return {
    json,
    master: {
      state: name('/master/state'),
      slaves: name('/master/slaves'),
      frameworks: name('/master/frameworks'),
      tasks: name('/master/tasks'),
      redirect: '/master/redirect',
      health: '/master/health',
      version: features.hasVersionEndpoint ? '/version' : undefined,
      operatorApi: features.hasOperatorApi ? '/api/v1' : undefined,
      schedulerApi: features.hasSchedulerApi ? '/api/v1/scheduler' : undefined,
      filesRead: name('/files/read'),
      filesBrowse: name('/files/browse'),
      filesDebug: name('/files/debug'),
    },
    agent: {
      state: name('/state'),
      filesRead: name('/files/read'),
      filesBrowse: name('/files/browse'),
      filesDownload: name('/files/download'),
      filesDebug: name('/files/debug'),
      health: '/health',
      version: features.hasVersionEndpoint ? '/version' : undefined,
      operatorApi: features.hasOperatorApi ? '/api/v1' : undefined,
    },
  };
}
