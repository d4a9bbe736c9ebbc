/**
 * `alluxio-mesos deploy`: validates the configuration and distribution, then runs the framework
 * scheduler in the foreground (or in the background with --detach) until Ctrl-C, which only
 * disconnects: the Alluxio tasks keep running until the failover timeout and a later deploy adopts
 * them.
 */
import type { CommandContext } from '../../context/context.js';
import { masterAddress as masterAddressOf, openMaster, type ConnectionFlags } from '../../context/connection.js';
import { resolveCredentials } from '../../context/credentials.js';
import { loadSite } from '../../context/site.js';
import { parseMasterAddress } from '../../mesos/client/address.js';
import { HttpSchedulerClient } from '../../mesos/client/scheduler-client.js';
import type { MediaType } from '../../mesos/protocol/codec.js';
import { ExitCode, OperationError, UnreachableError, UsageError } from '../../shared/errors.js';
import { startProgress } from '../../ui/spinner.js';
import { runController, type EventStream } from '../../framework/scheduler/controller.js';
import { fileLedgerStore, type LedgerStore } from '../../state/ledger.js';
import { DEFAULT_FAILOVER_TIMEOUT_SECONDS, DEFAULT_FRAMEWORK_NAME } from '../../framework/scheduler/framework-info.js';
import { buildDeployPlan, type DeployOptions } from '../../framework/deploy/plan.js';
import { preflightDistribution } from '../../framework/deploy/preflight.js';
import { ledgerPath } from '../../state/files.js';
import { createDeployView } from './live-view.js';
import { detach, notifyDetachingParent } from './detach.js';
import { teardownFramework } from '../common/teardown-framework.js';
import { isLoopbackHost } from '../../shared/loopback.js';
import { parseStateLocation } from '../../state/state-location.js';
import { assertLeaseHeld } from '../../state/deployment-state.js';
import { cliSettingsPath } from '../../config/cli-settings.js';
import { acquireZooKeeperLease, type HeldLease } from './zookeeper-lease.js';

export interface DeployFlags extends ConnectionFlags {
  jarUrl?: string;
  alluxioHome?: string;
  alluxioMaster?: string;
  maxWorkers?: string;
  name?: string;
  failoverTimeout?: string;
  encoding?: string;
  newFramework?: boolean;
  detach?: boolean;
  dryRun?: boolean;
  teardown?: boolean;
  healthChecks?: boolean;
  healthCheckDelay?: string;
  healthCheckInterval?: string;
  state?: string;
  standby?: boolean;
}

function positiveNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+(\.\d+)?$/.test(value) || Number(value) <= 0) throw new UsageError(`${flag} "${value}" must be a positive number`);
  return Number(value);
}

export async function runDeploy(ctx: CommandContext, flags: DeployFlags, argv: readonly string[]): Promise<number> {
  const { io, globals } = ctx;
  const site = await loadSite(globals.confDir);
  if (flags.teardown === true) return teardownFramework(ctx, flags, site, { yes: true });

  const stateSource = flags.state === undefined ? `"state" in ${cliSettingsPath(globals.confDir)}` : '--state';
  const stateLocation = parseStateLocation(
    flags.state ?? site.settings.state ?? 'file',
    flags.state === undefined ? stateSource : '--state',
  );
  const encoding = flags.encoding ?? 'protobuf';
  if (encoding !== 'protobuf' && encoding !== 'json') throw new UsageError(`--encoding "${encoding}" must be protobuf or json`);
  const maxWorkers = positiveNumber('--max-workers', flags.maxWorkers) ?? site.settings.maxWorkers;
  if (maxWorkers !== undefined && !Number.isInteger(maxWorkers)) throw new UsageError(`--max-workers ${maxWorkers} must be a whole number`);
  const delay = positiveNumber('--health-check-delay', flags.healthCheckDelay);
  const interval = positiveNumber('--health-check-interval', flags.healthCheckInterval);
  const options: DeployOptions = {
    ...(flags.jarUrl === undefined ? {} : { jarUrl: flags.jarUrl }),
    ...(flags.alluxioHome === undefined ? {} : { alluxioHome: flags.alluxioHome }),
    ...((flags.alluxioMaster ?? site.settings.alluxioMaster) === undefined
      ? {}
      : { alluxioMaster: flags.alluxioMaster ?? site.settings.alluxioMaster }),
    ...(maxWorkers === undefined ? {} : { maxWorkers }),
    name: flags.name ?? DEFAULT_FRAMEWORK_NAME,
    failoverTimeoutSeconds: positiveNumber('--failover-timeout', flags.failoverTimeout) ?? DEFAULT_FAILOVER_TIMEOUT_SECONDS,
    ...((flags.principal ?? site.config.mesos.principal) === undefined
      ? {}
      : { principal: flags.principal ?? site.config.mesos.principal }),
    healthChecks: flags.healthChecks !== false,
    ...(delay === undefined && interval === undefined
      ? {}
      : {
          healthCheck: {
            ...(delay === undefined ? {} : { delaySeconds: delay }),
            ...(interval === undefined ? {} : { intervalSeconds: interval }),
          },
        }),
  };
  const plan = buildDeployPlan(site.config, site.doc, options);

  if (flags.dryRun === true) {
    const masterHost = options.alluxioMaster ?? '<master agent>';
    const document = {
      frameworkInfo: plan.frameworkInfo(undefined),
      distribution: plan.distribution,
      master: {
        count: plan.scheduler.master.count,
        cpus: plan.scheduler.master.cpus,
        memMb: plan.scheduler.master.memMb,
        ports: plan.scheduler.master.ports,
        pinnedHost: plan.scheduler.master.pinnedHost ?? null,
        command: plan.scheduler.command('master', masterHost),
      },
      worker: {
        max: plan.scheduler.worker.max ?? null,
        cpus: plan.scheduler.worker.cpus,
        memMb: plan.scheduler.worker.memMb,
        ports: plan.scheduler.worker.ports,
        command: plan.scheduler.command('worker', masterHost),
      },
      healthCheck: plan.scheduler.healthCheck ?? null,
      ledger: ledgerPath(globals.confDir),
    };
    io.stdout.write(`${JSON.stringify(document, null, globals.json ? undefined : 2)}\n`);
    return ExitCode.OK;
  }

  for (const warning of site.warnings) io.stderr.write(`warning: ${warning}\n`);
  const address = parseMasterAddress(masterAddressOf(ctx, site));
  // The agents' file systems are this machine's only when the cluster runs here.
  const masterIsLocal = address.kind === 'local' || (address.kind === 'http' && isLoopbackHost(address.host));
  const preflight = await preflightDistribution(plan.distribution, { masterIsLocal, timeoutMs: globals.timeoutMs });
  for (const warning of preflight.warnings) io.stderr.write(`warning: ${warning}\n`);

  if (flags.detach === true) return detach(ctx, argv);

  const progress = await startProgress(io, 'connecting to Mesos', { enabled: !globals.json, noColorFlag: !globals.color });
  const view = createDeployView(io, { json: globals.json, progress });
  // With ZooKeeper state: the election first (a standby waits here), and every Mesos call fenced by the lease.
  let held: HeldLease | undefined;
  if (stateLocation.kind === 'zk') {
    try {
      held = await acquireZooKeeperLease(ctx, stateLocation, { standby: flags.standby === true, source: stateSource, line: view.line });
    } catch (error) {
      view.close();
      throw error;
    }
  }
  const fence = (): void => {
    if (held !== undefined) assertLeaseHeld(held.lease);
  };
  // Ctrl-C and SIGTERM disconnect; so does not reaching the master within --timeout the first time.
  const firstContact = firstSubscriptionDeadline(globals.timeoutMs, masterAddressOf(ctx, site));
  const stop = AbortSignal.any([ctx.termination.signal, firstContact.signal, ...(held === undefined ? [] : [held.lease.lost])]);

  // A reattaching deploy makes any recorded disconnection stale; a new one is recorded on exit.
  const store = held?.lease.store ?? fileLedgerStore(ledgerPath(globals.confDir));
  const stateShown = held?.location ?? ledgerPath(globals.confDir);
  try {
    await markDisconnected(store, undefined);
  } catch (error) {
    firstContact.cancel();
    view.close();
    await held?.close();
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
    await held?.close();
    throw error;
  }
  let scheduler = new HttpSchedulerClient(connection.client.transport, media);
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
    view.line(`Mesos master ${connection.client.baseUrl}; ledger ${stateShown}`);
    for (const line of preflight.checked) view.line(`checked: ${line}`);
    await runController({
      config: plan.scheduler,
      store,
      frameworkInfo: (ledger) => plan.frameworkInfo(ledger.webuiUrl),
      subscribe: async (call, signal): Promise<EventStream> => {
        subscriptions += 1;
        const subscribeOnce = async (): Promise<Awaited<ReturnType<HttpSchedulerClient['subscribe']>>> => {
          fence();
          if (followLeader && subscriptions > 1) {
            const next = await openMaster(ctx, flags, site, { signal, credentials });
            if (address.kind === 'zk' && next.client.baseUrl !== connection.client.baseUrl) {
              view.line(`the leading Mesos master is now ${next.client.baseUrl}`);
            }
            connection.close();
            connection = next;
            scheduler = new HttpSchedulerClient(connection.client.transport, media);
          }
          fence();
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
      call: async (call) => {
        if (streamId === undefined) throw new OperationError(`cannot send ${call.type}: not subscribed`, { retriable: true });
        fence();
        await scheduler.call(call, streamId);
      },
      onReport: (report) => {
        if (report.type === 'subscribed') {
          subscribedOnce = true;
          firstContact.cancel();
          notifyDetachingParent(report.frameworkId);
        }
        if (report.type === 'disconnected') firstContact.lastTrouble = report.reason;
        view.report(report);
      },
      signal: stop,
      newFramework: flags.newFramework === true,
    });
  } catch (error) {
    await held?.close();
    throw error;
  } finally {
    firstContact.cancel();
    view.close();
    connection.close();
  }
  try {
    // A lost lease is why the controller stopped: say so (exit 1), and write nothing more.
    if (held?.lease.lost.aborted === true) throw held.lease.lost.reason as Error;
    const unreachable = firstContact.expired();
    if (unreachable !== undefined) throw unreachable;
    await markDisconnected(store, Date.now());
  } finally {
    await held?.close();
  }
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
