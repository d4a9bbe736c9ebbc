/**
 * How tasks are named: `alluxio-worker-3.<unique>` as the Mesos task id, `worker-3` as the alias an
 * operator types. The scheduler names tasks; `status` and `logs` read the names back.
 */
/** Label carrying the stable alias, so `status` and `logs` can map Mesos tasks back to `worker-3`. */
export const ALIAS_LABEL = 'alluxio-mesos.alias';

/** Label carrying the fingerprint of the task's launch specification (see framework/scheduler/fingerprint.ts). */
export const FINGERPRINT_LABEL = 'alluxio-mesos.fingerprint';

export function taskIdFor(prefix: string, alias: string, unique: string): string {
  return `${prefix}-${alias}.${unique}`;
}

/** The alias inside a task id (`alluxio-worker-3.<uuid>` → `worker-3`), for `logs` and `status`. */
export function aliasOfTaskId(taskId: string, prefix = 'alluxio'): string | undefined {
  if (!taskId.startsWith(`${prefix}-`)) return undefined;
  const match = /^((?:master|worker)-\d+)\.[^.]+$/.exec(taskId.slice(prefix.length + 1));
  return match?.[1];
}
