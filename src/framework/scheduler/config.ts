/**
 * What the scheduler places, in its own small shape (the site configuration maps onto it with
 * {@link schedulerConfigFromSite}), plus the timing policy with its defaults.
 */
import { userInfo } from 'node:os';
import type { AlluxioSiteConfig } from '../../config/site-config.js';
import type { CommandInfo } from '../../mesos/protocol/types.js';
import type { SlotRole } from '../../state/ledger.js';
import type { DesiredState } from '../../state/desired-state.js';
import { commandFromSpec } from './fingerprint.js';

interface TaskTemplate {
  /** Mesos task name (`alluxio.integration.mesos.{master,worker}.name`). */
  readonly name: string;
  readonly cpus: number;
  readonly memMb: number;
  /** Every port the task must hold, taken exactly. */
  readonly ports: readonly number[];
  /** Probed by the health check. */
  readonly rpcPort: number;
  /** Where the Alluxio process listens (`alluxio.<role>.bind.host`); unset: every interface. */
  readonly bindHost?: string | undefined;
}

export interface SchedulerTiming {
  /** DECLINE filter for offers that cannot be used (nothing needed, or they do not fit). */
  readonly declineRefuseSeconds: number;
  /** DECLINE filter while waiting for something soon (the master to be ready, a relaunch backoff). */
  readonly waitRefuseSeconds: number;
  readonly relaunchInitialMs: number;
  readonly relaunchMaxMs: number;
  /** This many failures of one alias within the window stop its relaunches. */
  readonly crashLoopLimit: number;
  readonly crashLoopWindowMs: number;
  /** A task not RUNNING this long after launch is reconciled, then killed and relaunched. */
  readonly launchTimeoutMs: number;
  /** How long the reconciliation of a stuck task may take before the KILL. */
  readonly stuckReconcileMs: number;
  /** KILL is re-sent at this interval until a terminal update arrives. */
  readonly killRetryMs: number;
  readonly explicitReconcileInitialMs: number;
  readonly explicitReconcileMaxMs: number;
  readonly implicitReconcileMs: number;
  /**
   * After a resubscription, launches wait for Mesos' answer to the full (implicit) reconciliation,
   * at most this long: the master does not answer it while agents may still re-register after a
   * master failover.
   */
  readonly reconcileHoldMs: number;
  /** With an open worker count, how often to REVIVE to pick up new agents. */
  readonly reviveIntervalMs: number;
  /** A rollout's replacement not RUNNING and healthy this long after its kill halts the rollout. */
  readonly rolloutHealthyTimeoutMs: number;
  /** The kill policy's grace period of a rollout's kill: time for Alluxio's graceful stop after SIGTERM. */
  readonly killGracePeriodMs: number;
  /** A master replaced by a rollout waits this long for an offer of its own agent before going elsewhere. */
  readonly sameAgentWaitMs: number;
}

export const DEFAULT_TIMING: SchedulerTiming = {
  declineRefuseSeconds: 120,
  waitRefuseSeconds: 10,
  relaunchInitialMs: 5_000,
  relaunchMaxMs: 300_000,
  crashLoopLimit: 5,
  crashLoopWindowMs: 900_000,
  launchTimeoutMs: 600_000,
  stuckReconcileMs: 30_000,
  killRetryMs: 30_000,
  explicitReconcileInitialMs: 5_000,
  explicitReconcileMaxMs: 60_000,
  implicitReconcileMs: 600_000,
  reconcileHoldMs: 15_000,
  reviveIntervalMs: 300_000,
  rolloutHealthyTimeoutMs: 300_000,
  killGracePeriodMs: 30_000,
  sameAgentWaitMs: 30_000,
};

export interface HealthCheckPolicy {
  readonly delaySeconds: number;
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly consecutiveFailures: number;
  readonly gracePeriodSeconds: number;
}

/**
 * Probing starts as early as Mesos allows and repeats often, so that a task is reported healthy a
 * couple of seconds after its port opens (workers wait for a healthy master): the first check after
 * 1 s, then every 2 s. Start-up is covered by the grace period instead of the delay: Alluxio formats
 * its journal and starts a JVM, which may take minutes on a slow host, and failures before the first
 * success within those 300 s are not counted. After that, 3 failures in a row (a check may take
 * 5 s) kill the task. A TCP connect every 2 s per task is cheap on an agent; `--health-check-delay`
 * and `--health-check-interval` change both.
 */
export const DEFAULT_HEALTH_CHECK: HealthCheckPolicy = {
  delaySeconds: 1,
  intervalSeconds: 2,
  timeoutSeconds: 5,
  consecutiveFailures: 3,
  gracePeriodSeconds: 300,
};

export interface SchedulerConfig {
  /** The framework's role; `*` for none. */
  readonly role: string;
  readonly master: TaskTemplate & {
    readonly count: number;
    readonly webPort: number;
    /** `--master-host HOST`: masters only on this agent hostname. */
    readonly pinnedHost: string | undefined;
    /**
     * Several masters electing a leader (ZooKeeper or the embedded journal). A standby listens on no
     * Alluxio port until it is elected, so a port health check would kill every standby: masters get
     * none, and a RUNNING master is ready. Workers find the leader through the site properties.
     */
    readonly electsLeader: boolean;
    /** The embedded journal's hosts: masters run only there (its addresses name them). Undefined: any agent. */
    readonly journalHosts: readonly string[] | undefined;
  };
  readonly worker: TaskTemplate & {
    /** Undefined: one worker on every agent that fits. */
    readonly max: number | undefined;
  };
  /** Undefined: no Mesos health checks; a RUNNING master is then ready. */
  readonly healthCheck: HealthCheckPolicy | undefined;
  /**
   * Launch workers as soon as a master is placed (same offer round), not once it is ready: for
   * distributions whose workers retry registering with their master until it answers (Alluxio's).
   */
  readonly workersWithMaster?: boolean;
  /** Task ids are `<prefix>-<alias>.<uuid>`. */
  readonly taskIdPrefix: string;
  /**
   * The task's command (see buildLaunchCommand); `masterHostname` is the master's agent (with
   * `master.electsLeader`, workers find the leader themselves and do not use it).
   */
  readonly command: (role: SlotRole, masterHostname: string) => CommandInfo;
  readonly timing: SchedulerTiming;
}

export interface SiteSchedulerOptions {
  readonly command: SchedulerConfig['command'];
  readonly pinnedMasterHost?: string;
  readonly maxWorkers?: number;
  readonly healthChecks?: boolean;
  readonly workersWithMaster?: boolean;
  readonly timing?: Partial<SchedulerTiming>;
}

export function schedulerConfigFromSite(site: AlluxioSiteConfig, options: SiteSchedulerOptions): SchedulerConfig {
  return {
    role: site.mesos.role,
    master: {
      name: site.master.taskName,
      cpus: site.master.cpus,
      memMb: site.master.memMb,
      ports: site.master.requiredPorts,
      rpcPort: site.master.rpcPort,
      bindHost: site.master.bindHost,
      webPort: site.master.webPort,
      count: site.master.nodeCount,
      pinnedHost: options.pinnedMasterHost,
      electsLeader: site.master.highAvailability.kind !== 'none',
      journalHosts:
        site.master.highAvailability.kind === 'embedded' ? site.master.highAvailability.masters.map((master) => master.host) : undefined,
    },
    worker: {
      name: site.worker.taskName,
      cpus: site.worker.cpus,
      memMb: site.worker.taskMemMb,
      ports: site.worker.requiredPorts,
      rpcPort: site.worker.rpcPort,
      bindHost: site.worker.bindHost,
      max: options.maxWorkers,
    },
    healthCheck: options.healthChecks === false ? undefined : DEFAULT_HEALTH_CHECK,
    workersWithMaster: options.workersWithMaster === true,
    taskIdPrefix: 'alluxio',
    command: options.command,
    timing: { ...DEFAULT_TIMING, ...options.timing },
  };
}

/** `alluxio.integration.mesos.user`, else the user running `deploy`. */
export function frameworkUser(site: Pick<AlluxioSiteConfig, 'mesos'>, currentUser: () => string = () => userInfo().username): string {
  return site.mesos.user ?? currentUser();
}

/**
 * The configuration a desired state asks for: the templates, counts and commands from its launch
 * specifications (so a desired state handed over by another process is launched as it says), the
 * role, health checks, task names and timing from `base`.
 */
export function configWithDesired(base: SchedulerConfig, desired: DesiredState): SchedulerConfig {
  const { master, worker } = desired.specs;
  return {
    ...base,
    master: {
      ...base.master,
      name: master.name,
      cpus: master.cpus,
      memMb: master.memMb,
      ports: [...master.ports],
      rpcPort: master.rpcPort,
      bindHost: master.bindHost,
      count: desired.masters,
      pinnedHost: desired.pinnedMasterHost,
    },
    worker: {
      ...base.worker,
      name: worker.name,
      cpus: worker.cpus,
      memMb: worker.memMb,
      ports: [...worker.ports],
      rpcPort: worker.rpcPort,
      bindHost: worker.bindHost,
      max: desired.workers,
    },
    command: (role, masterHostname) => commandFromSpec(desired.specs[role], masterHostname),
  };
}
