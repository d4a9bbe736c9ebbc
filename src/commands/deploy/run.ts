/**
 * `alluxio-mesos deploy`: validates the configuration and distribution, then runs the framework
 * scheduler in the foreground (or in the background with --detach) until Ctrl-C, which only
 * disconnects: the Alluxio tasks keep running until the failover timeout and a later deploy adopts
 * them.
 */
import { hostname } from 'node:os';
import type { CommandContext } from '../../context/context.js';
import { masterAddress as masterAddressOf, openMaster, type ConnectionFlags } from '../../context/connection.js';
import { resolveCredentials } from '../../context/credentials.js';
import { loadSite, requireConfDir } from '../../context/site.js';
import { parseMasterAddress, redactCredentials } from '../../mesos/client/address.js';
import type { MediaType } from '../../mesos/protocol/codec.js';
import type { AlluxioLeaderReader } from '../../mesos/zookeeper/alluxio-leader.js';
import { ExitCode, OperationError, UnreachableError, UsageError } from '../../shared/errors.js';
import { parseDuration } from '../../shared/duration.js';
import { startProgress } from '../../ui/spinner.js';
import type { EventStream } from '../../framework/scheduler/controller.js';
import type { LedgerStore } from '../../state/ledger.js';
import type { SchedulerLease } from '../../state/deployment-state.js';
import { SchedulerActiveError } from '../../state/scheduler-errors.js';
import { openDeploymentState } from '../../context/deployment-state.js';
import { DEFAULT_FAILOVER_TIMEOUT_SECONDS, DEFAULT_FRAMEWORK_NAME } from '../../framework/scheduler/framework-info.js';
import { buildDeployPlan, type DeployOptions } from '../../framework/deploy/plan.js';
import { chooseSchedulerTransport, preflightDistribution, type SchedulerTransport } from '../../framework/deploy/preflight.js';
import type { LibprocessSchedulerClient } from '../../mesos/client/legacy-scheduler-client.js';
import { libprocessAddresses, type LibprocessAddresses } from '../../mesos/client/libprocess-address.js';
import { TCP_HEALTH_CHECK_MINIMUM_MESOS_VERSION, formatVersion, versionAtLeast } from '../../mesos/client/version.js';
import type { Subscription } from '../../mesos/client/scheduler-client.js';
import type { Call } from '../../mesos/protocol/types.js';
import { ledgerPath } from '../../state/files.js';
import { FINGERPRINT_LABEL } from '../../state/task-names.js';
import { createDeployView } from './live-view.js';
import { detach, notifyDetachingParent, recordDetachedPid } from './detach.js';
import { isLoopbackHost } from '../../shared/loopback.js';
import { printable } from '../../shared/printable.js';
import { checkedName } from '../../config/names.js';
import { parseMaxUnavailable } from '../../framework/scheduler/rollout.js';
import type { Ledger } from '../../state/ledger.js';
import type { DesiredState } from '../../state/desired-state.js';
import type { HighAvailability } from '../../config/high-availability.js';
import { confirmPlan, followChange, handOver, planChange } from '../common/desired-change.js';

/** How long the read of the tasks' fingerprint labels before SUBSCRIBE may take (best effort). */
const TASK_LABELS_READ_MS = 1_000;

export interface DeployFlags extends ConnectionFlags {
  jarUrl?: string;
  alluxioHome?: string;
  masterHost?: string;
  /** The old spelling of --master-host, hidden. */
  alluxioMaster?: string;
  maxWorkers?: string;
  frameworkName?: string;
  /** The first spelling of --framework-name, hidden. */
  name?: string;
  failoverTimeout?: string;
  encoding?: string;
  newFramework?: boolean;
  detach?: boolean;
  standby?: boolean;
  dryRun?: boolean;
  teardown?: boolean;
  healthChecks?: boolean;
  healthCheckDelay?: string;
  healthCheckInterval?: string;
  workersWithMaster?: boolean;
  state?: string;
  maxUnavailable?: string;
  /** v1, legacy or auto (default). */
  transport?: string;
  /** The legacy transport's listener: ip[:port] (default LIBPROCESS_IP/LIBPROCESS_PORT, else any). */
  listen?: string;
  /** The address the master connects back to: ip[:port] (default LIBPROCESS_ADVERTISE_IP/_PORT, else the address toward the master). */
  advertise?: string;
}

/** The scheduler API client either transport provides (the HTTP one, or the driver's protocol). */
interface SchedulerClient {
  subscribe(call: Call, signal?: AbortSignal): Promise<Subscription>;
  call(call: Call, streamId: string, signal?: AbortSignal): Promise<void>;
}

function transportOf(flags: DeployFlags): SchedulerTransport | 'auto' {
  const transport = flags.transport ?? 'auto';
  if (transport !== 'v1' && transport !== 'legacy' && transport !== 'auto') {
    throw new UsageError(`--transport "${transport}" must be v1, legacy or auto`, {
      hint: "auto picks v1 for Mesos 0.28.0 and later, legacy (the scheduler driver's protocol) before",
    });
  }
  return transport;
}

function positiveNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+(\.\d+)?$/.test(value) || Number(value) <= 0) throw new UsageError(`${flag} "${value}" must be a positive number`);
  return Number(value);
}

/** A duration flag in seconds, as Mesos takes it (a bare number is seconds, as it always was). */
function seconds(flag: string, value: string | undefined, maxMs = 365 * 86_400_000): number | undefined {
  return value === undefined ? undefined : parseDuration(flag, value, { bareUnit: 's', minMs: 1, maxMs }) / 1000;
}

function frameworkNameOf(flags: DeployFlags): string {
  if (flags.frameworkName !== undefined && flags.name !== undefined && flags.frameworkName !== flags.name) {
    throw new UsageError(`--framework-name "${flags.frameworkName}" and --name "${flags.name}" differ`, {
      hint: 'give only --framework-name (--name is its old spelling)',
    });
  }
  const name = flags.frameworkName ?? flags.name;
  return name === undefined ? DEFAULT_FRAMEWORK_NAME : checkedName(flags.frameworkName === undefined ? '--name' : '--framework-name', name);
}

export async function runDeploy(ctx: CommandContext, flags: DeployFlags, argv: readonly string[]): Promise<number> {
  const { io, globals } = ctx;
  const site = await loadSite(globals.confDir);
  if (flags.teardown === true) {
    const { teardownFramework } = await import('../common/teardown-framework.js');
    return teardownFramework(ctx, flags, site, { yes: true });
  }

  const transport = transportOf(flags);
  // Checked before anything starts, like every flag; only the legacy transport uses them.
  const libprocess = libprocessAddresses(flags.listen, flags.advertise, io.env);
  const encoding = flags.encoding ?? 'protobuf';
  if (encoding !== 'protobuf' && encoding !== 'json') throw new UsageError(`--encoding "${encoding}" must be protobuf or json`);
  const maxWorkers = positiveNumber('--max-workers', flags.maxWorkers) ?? site.settings.maxWorkers;
  if (maxWorkers !== undefined && !Number.isInteger(maxWorkers)) throw new UsageError(`--max-workers ${maxWorkers} must be a whole number`);
  const delay = seconds('--health-check-delay', flags.healthCheckDelay, 3_600_000);
  const interval = seconds('--health-check-interval', flags.healthCheckInterval, 3_600_000);
  const options: DeployOptions = {
    ...(flags.jarUrl === undefined ? {} : { jarUrl: flags.jarUrl }),
    ...(flags.alluxioHome === undefined ? {} : { alluxioHome: flags.alluxioHome }),
    ...((flags.masterHost ?? flags.alluxioMaster ?? site.settings.alluxioMaster) === undefined
      ? {}
      : { alluxioMaster: flags.masterHost ?? flags.alluxioMaster ?? site.settings.alluxioMaster }),
    ...(maxWorkers === undefined ? {} : { maxWorkers }),
    name: frameworkNameOf(flags),
    failoverTimeoutSeconds: seconds('--failover-timeout', flags.failoverTimeout) ?? DEFAULT_FAILOVER_TIMEOUT_SECONDS,
    ...((flags.principal ?? site.config.mesos.principal) === undefined
      ? {}
      : { principal: flags.principal ?? site.config.mesos.principal }),
    healthChecks: flags.healthChecks !== false,
    ...(flags.workersWithMaster === true ? { workersWithMaster: true } : {}),
    ...(delay === undefined && interval === undefined
      ? {}
      : {
          healthCheck: {
            ...(delay === undefined ? {} : { delaySeconds: delay }),
            ...(interval === undefined ? {} : { intervalSeconds: interval }),
          },
        }),
    ...(flags.maxUnavailable === undefined ? {} : { maxUnavailable: parseMaxUnavailable(flags.maxUnavailable) }),
  };
  const plan = buildDeployPlan(site.config, site.doc, options, site.file);

  if (flags.dryRun === true) {
    const { dryRunDocument, renderDryRun } = await import('./dry-run.js');
    const current = await readLedgerQuietly(ctx, site, flags.state);
    const document = { ...dryRunDocument(plan, options, ledgerPath(globals.confDir)), rollout: planChange(current, plan.desired) };
    io.stdout.write(globals.json ? `${JSON.stringify(document)}\n` : renderDryRun(document));
    return ExitCode.OK;
  }

  // Before anything registers with Mesos (or a background scheduler is started): the ledger goes there.
  await requireConfDir(globals.confDir, globals.confSearch);
  for (const warning of site.warnings) io.stderr.write(`warning: ${printable(warning)}\n`);
  const address = parseMasterAddress(masterAddressOf(ctx, site));
  // The agents' file systems are this machine's only when the cluster runs here.
  const masterIsLocal = address.kind === 'local' || (address.kind === 'http' && isLoopbackHost(address.host));
  const preflight = await preflightDistribution(plan.distribution, { masterIsLocal, timeoutMs: globals.timeoutMs });
  for (const warning of preflight.warnings) io.stderr.write(`warning: ${printable(warning)}\n`);

  const state = openDeploymentState(globals, site, {
    flag: flags.state,
    onRetry: (error) => io.stderr.write(`standing by: ${printable(error.message)}; retrying\n`),
  });
  // A change of what runs: the plan first, asked once; a running scheduler takes it over (never a second one).
  let change: ReturnType<typeof planChange>;
  let initialRequestId: string | undefined;
  try {
    const current = await state.readLedger().catch(() => undefined);
    initialRequestId = (await state.readDesiredRequest().catch(() => undefined))?.requestId;
    change = planChange(current, plan.desired);
    const changing = !change.first && !change.unchanged;
    const { leader } = flags.standby === true ? { leader: undefined } : await state.readScheduler();
    if (leader !== undefined) {
      // Refused at once, before anything starts in the background (the child would be refused too).
      if (!changing) throw new SchedulerActiveError(leader);
      await confirmPlan(ctx, change, `handed to the running scheduler, pid ${leader.pid} on ${leader.host}`);
      const requestId = await handOver(state, plan.desired);
      if (globals.json) io.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), type: 'plan', ...change, requestId })}\n`);
      const code = flags.detach === true ? ExitCode.OK : await followChange(ctx, state, requestId);
      await state.close();
      return code;
    }
    if (changing) {
      await confirmPlan(ctx, change, 'applied by this scheduler');
      if (globals.json) io.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), type: 'plan', ...change })}\n`);
    }
  } catch (error) {
    await state.close();
    throw error;
  }
  if (flags.detach === true) {
    await state.close();
    // The question was asked here: the background scheduler proceeds.
    return detach(ctx, argv.includes('--yes') || argv.includes('-y') ? argv : [...argv, '--yes']);
  }

  const progress = await startProgress(io, flags.standby === true ? 'standing by' : 'connecting to Mesos', {
    enabled: !globals.json,
    noColorFlag: !globals.color,
  });
  const view = createDeployView(io, { json: globals.json, progress });
  // Exactly one active scheduler per deployment: the lease comes before any contact with Mesos.
  let lease: SchedulerLease;
  let forgetPid: () => Promise<void>;
  try {
    lease = await state.acquire({
      standby: flags.standby === true,
      signal: ctx.termination.signal,
      onStandby: (leader) => {
        view.standby(leader);
        notifyDetachingParent({ type: 'standby', leader: leader ?? null });
      },
    });
    forgetPid = await recordDetachedPid(ctx);
  } catch (error) {
    view.close();
    await state.close();
    throw error;
  }
  try {
    return await runScheduler(ctx, flags, {
      site,
      plan,
      options,
      preflight,
      address,
      encoding,
      view,
      lease,
      location: state.location,
      transport,
      libprocess,
      // A request that was there before this scheduler started is stale (its scheduler is gone).
      pollDesired: async () => {
        const request = await state.readDesiredRequest();
        return request === undefined || request.requestId === initialRequestId ? undefined : request;
      },
    });
  } finally {
    await forgetPid();
    await lease.release();
    await state.close();
  }
}

interface SchedulerRun {
  site: Awaited<ReturnType<typeof loadSite>>;
  plan: ReturnType<typeof buildDeployPlan>;
  options: DeployOptions;
  preflight: Awaited<ReturnType<typeof preflightDistribution>>;
  address: ReturnType<typeof parseMasterAddress>;
  encoding: 'protobuf' | 'json';
  view: ReturnType<typeof createDeployView>;
  lease: SchedulerLease;
  /** Where the state lives, for the first line. */
  location: string;
  pollDesired: () => Promise<DesiredState | undefined>;
  transport: SchedulerTransport | 'auto';
  libprocess: LibprocessAddresses;
}

/** Subscribes and runs the controller while this process holds the lease. */
async function runScheduler(ctx: CommandContext, flags: DeployFlags, run: SchedulerRun): Promise<number> {
  const { globals } = ctx;
  const { site, options, preflight, address, encoding, view, lease, location } = run;
  let { plan } = run;
  view.active({ pid: process.pid, host: hostname() });
  // Ctrl-C and SIGTERM disconnect; so does not reaching the master within --timeout the first time,
  // and losing the lease (another scheduler took over: not one more call may go out).
  const firstContact = firstSubscriptionDeadline(globals.timeoutMs, redactCredentials(masterAddressOf(ctx, site)));
  const stop = AbortSignal.any([ctx.termination.signal, firstContact.signal, lease.lost]);
  // Deposed: nothing more goes out. The check is synchronous (a process that was frozen learns it
  // before its first call, not after the timers that would tell it); retriable, so the rest of this
  // batch is dropped too and the controller stops on the aborted signal.
  const fence = (what: string): void => {
    lease.checkHeld?.();
    if (lease.lost.aborted) throw new OperationError(`not sending ${what}: this scheduler lost its lease`, { retriable: true });
  };

  // A reattaching deploy makes any recorded disconnection stale; a new one is recorded on exit.
  const store = lease.store;
  try {
    await markDisconnected(store, undefined);
  } catch (error) {
    firstContact.cancel();
    view.close();
    throw error;
  }
  const media = `application/${encoding === 'json' ? 'json' : 'x-protobuf'}` as MediaType;
  const credentials = await resolveCredentials(ctx, flags, site);
  let connection: Awaited<ReturnType<typeof openMaster>>;
  try {
    connection = await openMaster(ctx, flags, site, { signal: stop, credentials });
  } catch (error) {
    firstContact.cancel();
    view.close();
    throw error;
  }
  let choice: Awaited<ReturnType<typeof chooseSchedulerTransport>>;
  let legacy: LibprocessSchedulerClient | undefined;
  try {
    choice = await chooseSchedulerTransport(connection.client, run.transport, stop);
    if (choice.transport === 'legacy') {
      if (credentials !== undefined) {
        throw new UsageError(
          "deploy cannot authenticate over the legacy transport: the scheduler driver's CRAM-MD5 authentication is not supported",
          {
            hint:
              'for a master that does not require framework authentication, deploy without a secret (a principal alone is fine); ' +
              'otherwise use Mesos 0.28.0 or later, whose v1 API takes the credentials over HTTP',
          },
        );
      }
      // Only masters before 0.28 need it: loaded then, not at every start.
      const { openLegacyScheduler } = await import('../common/legacy-scheduler.js');
      legacy = await openLegacyScheduler(connection.client, run.libprocess, choice.version, globals.timeoutMs);
    }
  } catch (error) {
    connection.close();
    firstContact.cancel();
    view.close();
    throw error;
  }
  const masterAnswered = choice.version !== undefined;
  if (choice.version !== undefined && options.healthChecks && !versionAtLeast(choice.version, TCP_HEALTH_CHECK_MINIMUM_MESOS_VERSION)) {
    // A warning, as the site's: on stderr in --json mode too.
    ctx.io.stderr.write(
      `warning: Mesos ${formatVersion(choice.version)} has no TCP health checks (from ${TCP_HEALTH_CHECK_MINIMUM_MESOS_VERSION}); the Alluxio tasks run without them\n`,
    );
    plan = buildDeployPlan(site.config, site.doc, { ...options, healthChecks: false }, site.file);
  }
  // Loaded once the master answered: start-up up to the first request does not pay for the
  // scheduler's reducer and codecs.
  const [{ HttpSchedulerClient, SchedulerCallError }, { FrameworkTakenOverError, runController }] = await Promise.all([
    import('../../mesos/client/scheduler-client.js'),
    import('../../framework/scheduler/controller.js'),
  ]);
  const newClient = (): SchedulerClient => {
    if (legacy === undefined) return new HttpSchedulerClient(connection.client.transport, media);
    legacy.retarget(connection.client.transport);
    return legacy;
  };
  let scheduler = newClient();
  // The address is resolved again before every re-subscription, because the master that served
  // the last one may be gone for good: with zk:// only ZooKeeper knows the new leader; with
  // host:port the transport has stuck to the leader a 307 named, so starting again from the address
  // given lets that master's 307 name the current one. A failed re-subscription (a leader election
  // still running: 503s or 307s to itself until the deadline) is retriable, so the controller keeps
  // retrying with backoff and each retry asks again: the scheduler never gives up on an election.
  // (`local` is the embedded cluster of this process: opening it again would start another.)
  const followLeader = address.kind === 'zk' || address.kind === 'http';
  let subscriptions = 0;
  let subscribedOnce = false;
  let streamId: string | undefined;
  try {
    view.line(`Mesos master ${connection.client.baseUrl}; state ${location}`);
    if (legacy !== undefined) {
      const version = choice.version === undefined ? 'version unknown' : `Mesos ${formatVersion(choice.version)}`;
      view.line(`legacy scheduler protocol (${version}): this scheduler is ${legacy.processId ?? ''}`);
    }
    for (const line of preflight.checked) view.line(`checked: ${line}`);
    await runController({
      config: plan.scheduler,
      store,
      frameworkInfo: (ledger) => plan.frameworkInfo(ledger.webuiUrl),
      subscribe: async (call, signal): Promise<EventStream> => {
        subscriptions += 1;
        const subscribeOnce = async (): Promise<Subscription> => {
          fence('SUBSCRIBE');
          if (followLeader && subscriptions > 1) {
            const next = await openMaster(ctx, flags, site, { signal, credentials });
            if (address.kind === 'zk' && next.client.baseUrl !== connection.client.baseUrl) {
              view.line(`the leading Mesos master is now ${next.client.baseUrl}`);
            }
            connection.close();
            connection = next;
            scheduler = newClient();
          }
          fence('SUBSCRIBE');
          return scheduler.subscribe(call, signal);
        };
        const subscription = await subscribeOnce().catch((error: unknown) => {
          // Once subscribed the scheduler never gives up: a name that stops resolving (master or
          // ZooKeeper) may be a DNS outage, so the command's "fail at once" becomes "retry".
          if (subscribedOnce && error instanceof UnreachableError && !error.retriable) {
            throw new UnreachableError(error.message, error.address, {
              ...(error.hint === undefined ? {} : { hint: error.hint }),
              cause: error,
            });
          }
          throw error;
        });
        streamId = subscription.streamId;
        return { [Symbol.asyncIterator]: () => subscription.events[Symbol.asyncIterator](), close: subscription.close };
      },
      call: async (call, signal) => {
        fence(call.type);
        if (streamId === undefined) throw new OperationError(`cannot send ${call.type}: not subscribed`, { retriable: true });
        await scheduler.call(call, streamId, signal).catch((error: unknown) => {
          if (error instanceof SchedulerCallError && error.takenOver) throw new FrameworkTakenOverError(error.message, { cause: error });
          throw error;
        });
      },
      onReport: (report) => {
        if (report.type === 'subscribed') {
          // Reported only after the framework id is saved (the reducer's persist comes first; a failed
          // write tears the new framework down instead), so --detach's parent hears of success only then.
          subscribedOnce = true;
          firstContact.cancel();
          notifyDetachingParent({ type: 'subscribed', frameworkId: report.frameworkId });
        }
        if (report.type === 'disconnected') firstContact.lastTrouble = report.reason;
        view.report(report);
      },
      signal: stop,
      newFramework: flags.newFramework === true,
      desired: plan.desired,
      keepRecordedDesired: flags.standby === true,
      pollDesired: run.pollDesired,
      ...alluxioLeaderReader(run.site.config.master.highAvailability, globals.timeoutMs, stop),
      // Only from a master that answered the version check: one that did not is left to SUBSCRIBE,
      // which keeps --timeout for itself and reports the last failure.
      taskFingerprints: !masterAnswered
        ? undefined
        : async () => {
            // A short budget of its own, as the version check's.
            const tasks = await connection.client.getTasks({ signal: AbortSignal.any([stop, AbortSignal.timeout(TASK_LABELS_READ_MS)]) });
            const labels = new Map<string, string>();
            for (const task of tasks) {
              const fingerprint = task.labels?.get(FINGERPRINT_LABEL);
              if (fingerprint !== undefined) labels.set(task.taskId, fingerprint);
            }
            return labels;
          },
    });
  } catch (error) {
    // A rejected ledger write after the lease was lost says less than the loss itself.
    throw lease.lost.aborted ? lease.lost.reason : error;
  } finally {
    firstContact.cancel();
    view.close();
    await legacy?.close();
    connection.close();
  }
  if (lease.lost.aborted) throw lease.lost.reason;
  const unreachable = firstContact.expired();
  if (unreachable !== undefined) throw unreachable;
  await markDisconnected(store, Date.now());
  const hours = Math.round(options.failoverTimeoutSeconds / 3600);
  const failover = hours >= 1 ? `${hours} h` : `${options.failoverTimeoutSeconds} s`;
  view.line(
    `Disconnected from Mesos. The Alluxio tasks keep running for the failover timeout (${failover}); ` +
      'run `alluxio-mesos deploy` again to reattach, or `alluxio-mesos teardown` to remove them.',
  );
  // SIGTERM is how a supervisor stops the scheduler: a clean disconnection, exit 0.
  return ctx.termination.received() === 'SIGINT' ? ExitCode.INTERRUPTED : ExitCode.OK;
}

/**
 * `--timeout` bounds the wait for the first SUBSCRIBED (a master that refuses, or a name that never
 * answers, fails the command); once subscribed, the scheduler reconnects for as long as it runs.
 * The abort reason is the UnreachableError itself: retriable, so the controller just stops.
 */
function firstSubscriptionDeadline(
  timeoutMs: number,
  master: string,
): { signal: AbortSignal; lastTrouble: string | undefined; cancel(): void; expired(): UnreachableError | undefined } {
  const controller = new AbortController();
  const deadline = {
    signal: controller.signal,
    lastTrouble: undefined as string | undefined,
    cancel: () => clearTimeout(timer),
    expired: () => (controller.signal.aborted ? (controller.signal.reason as UnreachableError) : undefined),
  };
  const timer = setTimeout(() => {
    const last = deadline.lastTrouble === undefined ? '' : ` (last: ${deadline.lastTrouble})`;
    controller.abort(
      new UnreachableError(`could not subscribe to the Mesos master at ${master} within ${timeoutMs} ms${last}`, master, {
        hint: 'check --master and that the Mesos master is running; raise --timeout if a leader election is under way',
      }),
    );
  }, timeoutMs);
  return deadline;
}

async function markDisconnected(store: LedgerStore, at: number | undefined): Promise<void> {
  const ledger = await store.load();
  if (ledger === undefined || ledger.disconnectedAt === at) return;
  if (at === undefined) delete ledger.disconnectedAt;
  else ledger.disconnectedAt = at;
  await store.save(ledger);
}

/** The saved ledger for a dry run's plan; a state that cannot be read only leaves the plan without it. */
async function readLedgerQuietly(
  ctx: CommandContext,
  site: Awaited<ReturnType<typeof loadSite>>,
  flag: string | undefined,
): Promise<Ledger | undefined> {
  try {
    const state = openDeploymentState(ctx.globals, site, { flag });
    try {
      return await state.readLedger();
    } finally {
      await state.close();
    }
  } catch {
    return undefined;
  }
}

/**
 * For masters that elect a leader through ZooKeeper: how the scheduler reads which one leads, so
 * that a rollout replaces the standbys first and the leader last.
 */
function alluxioLeaderReader(
  highAvailability: HighAvailability,
  timeoutMs: number,
  signal: AbortSignal,
): { readAlluxioLeader?: () => Promise<string | null> } {
  if (highAvailability.kind !== 'zookeeper') return {};
  // One ZooKeeper session for the reads of a rollout (opened on first read, closed when idle).
  let reader: Promise<AlluxioLeaderReader> | undefined;
  return {
    readAlluxioLeader: async () => {
      reader ??= import('../../mesos/zookeeper/alluxio-leader.js').then(({ ALLUXIO_LEADER_READ_MS, alluxioLeaderReader }) => {
        const opened = alluxioLeaderReader(highAvailability.zookeeperAddress, highAvailability.leaderPath, {
          timeoutMs: Math.min(timeoutMs, ALLUXIO_LEADER_READ_MS),
          signal,
        });
        signal.addEventListener('abort', () => void opened.close(), { once: true });
        return opened;
      });
      return (await reader).read();
    },
  };
}
