/**
 * The version floors check-ports applies, on top of the shared version parser. Versions come from
 * the cluster and may be missing or odd; here an unparsable version is "unknown", never an error,
 * so one strange agent cannot abort the whole check.
 */
import { MINIMUM_MESOS_VERSION, parseMesosVersion, versionAtLeast, type MesosVersion } from '../mesos/client/version.js';

/** Oldest Mesos that Alluxio's Mesos integration documents; check-ports refuses older masters. */
export const CHECK_PORTS_FLOOR = MINIMUM_MESOS_VERSION;
/** `deploy` speaks the v1 scheduler API, stable from 1.0.0. */
export const DEPLOY_FLOOR = '1.0.0';
/** The agent binary was renamed `mesos-slave` → `mesos-agent` in 1.0.0. */
export const AGENT_BINARY_RENAME = '1.0.0';
/** `--reconfiguration_policy=additive` lets an agent restart with more resources, from 1.5.0. */
export const ADDITIVE_RECONFIGURATION = '1.5.0';

export function tryParseVersion(version: string | undefined): MesosVersion | undefined {
  if (version === undefined) return undefined;
  try {
    return parseMesosVersion(version);
  } catch {
    return undefined;
  }
}

/** True when `version` parses and is older than `floor`; unknown versions are not "older". */
export function isOlderThan(version: string | undefined, floor: string): boolean {
  const parsed = tryParseVersion(version);
  return parsed !== undefined && !versionAtLeast(parsed, floor);
}

/** True when `version` parses and is at least `floor`; unknown versions are not. */
export function isAtLeast(version: string | undefined, floor: string): boolean {
  const parsed = tryParseVersion(version);
  return parsed !== undefined && versionAtLeast(parsed, floor);
}
