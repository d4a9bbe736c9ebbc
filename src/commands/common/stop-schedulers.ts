/**
 * Stops the schedulers of one deployment that run on this host (the active one and its standbys,
 * as its DeploymentState names them), for `teardown`: a scheduler left running would register the
 * framework again. A pid is signalled only when it is that scheduler: the state recorded it (with a
 * fresh heartbeat, for the active one), and its command line is an `alluxio-mesos ... deploy`; a
 * process that merely reused the number is left alone.
 */
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { DeploymentState, SchedulerIdentity } from '../../state/deployment-state.js';
import { pidFilePath } from '../../state/files.js';
import { systemClock } from '../../shared/clock.js';

export interface StoppedSchedulers {
  /** The active scheduler stopped, if it ran here. */
  readonly leader: number | null;
  readonly standbys: number[];
  /** An active scheduler on another host: not ours to signal. */
  readonly elsewhere: SchedulerIdentity | undefined;
}

export async function stopLocalSchedulers(state: DeploymentState, confDir: string): Promise<StoppedSchedulers> {
  const here = hostname();
  const { leader, standbys } = await state.readScheduler();
  // Standbys first: stopping the active one first would hand them the lease.
  const stoppedStandbys: number[] = [];
  for (const standby of standbys) {
    if (standby.host === here && (await terminate(standby.pid))) stoppedStandbys.push(standby.pid);
  }
  let stoppedLeader: number | null = null;
  if (leader !== undefined && leader.host === here && (await terminate(leader.pid))) stoppedLeader = leader.pid;
  await forgetPidFile(confDir);
  return {
    leader: stoppedLeader,
    standbys: stoppedStandbys,
    elsewhere: leader !== undefined && leader.host !== here ? leader : undefined,
  };
}

/** Whether `pid` is an `alluxio-mesos deploy` process (without /proc, the state's record vouches for it). */
async function isDeployProcess(pid: number): Promise<boolean> {
  let cmdline: string[];
  try {
    cmdline = (await readFile(`/proc/${pid}/cmdline`)).toString('utf8').split('\0');
  } catch {
    return !existsSync('/proc/self/cmdline') && pid !== process.pid;
  }
  return cmdline.some((arg) => arg.includes('alluxio-mesos')) && cmdline.includes('deploy');
}

/** SIGTERM (a clean disconnection), then waits up to 5 s for it to end; false when it was not a scheduler of ours. */
async function terminate(pid: number): Promise<boolean> {
  if (pid === process.pid || !(await isDeployProcess(pid))) return false;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return false;
  }
  for (let i = 0; i < 50; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      break;
    }
    await systemClock.sleep(100);
  }
  return true;
}

/** After teardown nothing of this deployment runs here: a `--detach` pid file left behind is stale. */
async function forgetPidFile(confDir: string): Promise<void> {
  await rm(pidFilePath(confDir), { force: true });
}
