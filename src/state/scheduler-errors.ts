/**
 * The errors of "exactly one active scheduler", shared by every DeploymentState backend so that the
 * user reads the same words whether the state is a file or ZooKeeper.
 */
import { OperationError } from '../shared/errors.js';
import type { SchedulerIdentity } from './deployment-state.js';

/** "pid 123 on host-a since 2026-01-02T03:04:05.000Z" */
export function describeScheduler(scheduler: SchedulerIdentity): string {
  return `pid ${scheduler.pid} on ${scheduler.host} since ${new Date(scheduler.since).toISOString()}`;
}

/** Where the state lives, when it is not the file beside the configuration the user chose. */
function stateSuffix(location: string | undefined): string {
  return location === undefined ? '' : ` (state ${location})`;
}

/** Another scheduler holds the lease: a second `deploy` without --standby stops here (exit 1). */
export class SchedulerActiveError extends OperationError {
  readonly holder: SchedulerIdentity;

  constructor(holder: SchedulerIdentity, location?: string) {
    super(`another scheduler is already active for this deployment: ${describeScheduler(holder)}${stateSuffix(location)}`, {
      hint:
        'run `alluxio-mesos deploy --standby` to wait and take over when it stops, ' +
        `or stop it first: \`kill ${holder.pid}\` on ${holder.host} disconnects it (its tasks keep running), ` +
        '`alluxio-mesos teardown` removes the framework',
    });
    this.holder = holder;
  }
}

/**
 * The lease was taken from this scheduler (it was considered gone: no heartbeat, or its ZooKeeper
 * session expired): it must stop sending calls at once and never retry (exit 1).
 */
export class SchedulerLeaseLostError extends OperationError {
  constructor(why: string, location?: string) {
    super(`this scheduler lost its lease and stopped: ${why}${stateSuffix(location)}`, {
      hint: 'another scheduler is active for this deployment now (`alluxio-mesos status` names it); run `alluxio-mesos deploy --standby` to wait as its standby',
    });
  }
}
