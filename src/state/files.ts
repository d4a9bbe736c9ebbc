/**
 * The files of one deployment, all in its configuration directory (beside alluxio-site.properties),
 * so that two configuration directories never share one, even when they share a parent directory:
 * - `alluxio-mesos-ledger.json`: the scheduler ledger (framework id and tasks);
 * - `alluxio-mesos-desired.json`: a desired state handed to the running scheduler;
 * - `alluxio-mesos.lock`: who the active scheduler is (pid, host, since, heartbeat; see scheduler-lock.ts);
 * - `alluxio-mesos.standby.<host>.<pid>`: one per `deploy --standby` waiting to take over;
 * - `alluxio-mesos-framework.out` and `alluxio-mesos-framework.pid`: the NDJSON log and the pid of
 *   a `deploy --detach` scheduler (the original framework's `logs/framework.out`).
 */
import path from 'node:path';
import { SITE_PROPERTIES_FILE } from '../config/site-file.js';
import { ledgerPathNextTo } from './ledger.js';

export function ledgerPath(confDir: string): string {
  return ledgerPathNextTo(path.join(confDir, SITE_PROPERTIES_FILE));
}

/** A desired state handed to the running scheduler (deploy with a change, scale, restart, rollout undo). */
export function desiredRequestPath(confDir: string): string {
  return path.join(confDir, 'alluxio-mesos-desired.json');
}

export function lockPath(confDir: string): string {
  return path.join(confDir, 'alluxio-mesos.lock');
}

/** File names of standby records start with this (then `<host>.<pid>`). */
export const STANDBY_FILE_PREFIX = 'alluxio-mesos.standby.';

export function standbyPath(confDir: string, host: string, pid: number): string {
  return path.join(confDir, `${STANDBY_FILE_PREFIX}${host}.${pid}`);
}

export function frameworkLogPath(confDir: string): string {
  return path.join(confDir, 'alluxio-mesos-framework.out');
}

export function pidFilePath(confDir: string): string {
  return path.join(confDir, 'alluxio-mesos-framework.pid');
}
