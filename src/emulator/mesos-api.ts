/**
 * Which of Mesos' HTTP APIs the local cluster serves, to emulate an older Mesos
 * (`local-cluster --mesos-version`). The caller derives it from the version's feature table
 * (src/mesos/client/version.ts, which the emulator does not import); the default is Mesos 1.12.
 */
export interface EmulatedMesosApi {
  readonly version: string;
  /** `/state`, `/files/read`, ...: 0.25.0. */
  readonly plainEndpoints: boolean;
  /** `/state.json`, `/files/read.json`, ...: until 1.6. */
  readonly jsonEndpoints: boolean;
  /** `GET /version`: 0.26.0 (before, the version is in the state). */
  readonly versionEndpoint: boolean;
  /** `POST /api/v1` (operator API): 1.0.0. */
  readonly operatorApi: boolean;
  /** `POST /api/v1/scheduler`: 0.24.0. */
  readonly schedulerApi: boolean;
  /** `Mesos-Stream-Id` on the scheduler API: 0.28.0. */
  readonly streamIds: boolean;
}

export const MESOS_1_12_API: EmulatedMesosApi = {
  version: '1.12.0',
  plainEndpoints: true,
  jsonEndpoints: false,
  versionEndpoint: true,
  operatorApi: true,
  schedulerApi: true,
  streamIds: true,
};

/** The endpoints that have (or had) both a plain and a `.json` name, without `/master` or `/slave(1)`. */
const DUAL_NAMES = new Set([
  '/state',
  '/slaves',
  '/frameworks',
  '/tasks',
  '/files/read',
  '/files/browse',
  '/files/download',
  '/files/debug',
]);

/**
 * The path a request names, as this version serves it: `.json` names map to the plain ones where
 * the version has them; undefined where the version has no such endpoint (a 404).
 */
export function servedPath(path: string, api: EmulatedMesosApi): string | undefined {
  if (path.endsWith('.json')) {
    const plain = path.slice(0, -'.json'.length);
    const bare = plain.replace(/^\/slave\(1\)/, '');
    return api.jsonEndpoints && DUAL_NAMES.has(bare) ? plain : undefined;
  }
  const bare = path.replace(/^\/slave\(1\)/, '');
  if (DUAL_NAMES.has(bare)) return api.plainEndpoints ? path : undefined;
  if (path === '/version') return api.versionEndpoint ? path : undefined;
  if (path === '/api/v1') return api.operatorApi ? path : undefined;
  if (path === '/api/v1/scheduler') return api.schedulerApi ? path : undefined;
  return path;
}
