/**
 * `alluxio-mesos status`: the framework and its tasks; exit 1 when a wanted task is not running or
 * not healthy, so monitoring scripts can use it. `--watch` redraws on a terminal until Ctrl-C.
 */
import type { CommandContext } from '../../context/context.js';
import { openMaster, type ConnectionFlags } from '../../context/connection.js';
import { loadSite } from '../../context/site.js';
import { openDeploymentState } from '../../context/deployment-state.js';
import { ExitCode, NotFoundError, UsageError } from '../../shared/errors.js';
import { resolveCredentials } from '../../context/credentials.js';
import { describeTask } from './describe.js';
import { parseDuration } from '../../shared/duration.js';
import { decoration } from '../../ui/io.js';
import { exitCodeFor } from '../../context/termination.js';
import { collectStatus, type LeaderReading } from '../../status/collect.js';
import { ALLUXIO_LEADER_READ_MS, alluxioLeaderSource, readAlluxioLeader } from '../../mesos/zookeeper/alluxio-leader.js';
import type { HighAvailability } from '../../config/high-availability.js';
import { resolveFrameworkId } from '../../state/framework-id.js';
import { renderStatus } from '../../status/render.js';
import { systemClock } from '../../shared/clock.js';
import type { DeploymentState } from '../../state/deployment-state.js';

export interface StatusFlags extends ConnectionFlags {
  frameworkId?: string;
  frameworkName?: string;
  watch?: boolean;
  interval?: string;
}

export async function runStatus(ctx: CommandContext, flags: StatusFlags, task?: string): Promise<number> {
  const { globals } = ctx;
  const intervalMs =
    flags.interval === undefined ? 2000 : parseDuration('--interval', flags.interval, { bareUnit: 's', minMs: 200, maxMs: 3_600_000 });
  const site = await loadSite(globals.confDir);
  const state = openDeploymentState(globals, site);
  try {
    return await statusWith(ctx, flags, intervalMs, site, state, task);
  } finally {
    await state.close();
  }
}

async function statusWith(
  ctx: CommandContext,
  flags: StatusFlags,
  intervalMs: number,
  site: Awaited<ReturnType<typeof loadSite>>,
  state: DeploymentState,
  task: string | undefined,
): Promise<number> {
  const { io, globals } = ctx;
  if (task !== undefined && flags.watch === true)
    throw new UsageError('--watch shows the whole framework', { hint: 'leave out the task, or --watch' });
  const ledger = await state.readLedger();
  const credentials = task === undefined ? undefined : await resolveCredentials(ctx, flags, site);
  const connection = await openMaster(ctx, flags, site, credentials === undefined ? {} : { credentials });
  const { color, animate } = decoration(io, 'stdout', { noColorFlag: !globals.color });
  try {
    const frameworkId = resolveFrameworkId(flags.frameworkName === undefined ? [] : await connection.client.getFrameworks(), {
      frameworkId: flags.frameworkId,
      frameworkName: flags.frameworkName,
      savedFrameworkId: ledger?.frameworkId,
      purpose: 'show the status of',
    });
    if (task !== undefined) return await describeTask(ctx, task, frameworkId, ledger, connection, flags, credentials);
    const once = async (): Promise<boolean> => {
      const [latestLedger, presence] = await Promise.all([flags.watch === true ? state.readLedger() : ledger, state.readScheduler()]);
      const leader = await readLeader(
        site.config.master.highAvailability,
        Math.min(globals.timeoutMs, ALLUXIO_LEADER_READ_MS),
        ctx.termination.signal,
      );
      const report = await collectStatus(connection.client, frameworkId, {
        ledger: latestLedger,
        presence,
        stateLocation: state.location,
        ...(leader === undefined ? {} : { leader }),
      });
      if (report.framework.state === 'unknown' && flags.frameworkId !== undefined) {
        throw new NotFoundError(`Mesos knows no framework ${frameworkId}`, {
          hint: 'check the id (the master lists its frameworks at /master/frameworks), or leave --framework-id out for the deployed one',
        });
      }
      if (globals.json) io.stdout.write(`${JSON.stringify(report)}\n`);
      else io.stdout.write(renderStatus(report, { color }));
      return report.ok;
    };
    if (flags.watch !== true) return (await once()) ? ExitCode.OK : ExitCode.FAILED;

    const { signal } = ctx.termination;
    while (!signal.aborted) {
      // Redraw in place on a terminal; append otherwise (a log keeps every snapshot).
      if (animate && !globals.json) io.stdout.write('\u001b[H\u001b[2J');
      await once();
      // Ctrl-C or SIGTERM ends the wait at once (the sleep rejects); the loop condition then ends the watch.
      await systemClock.sleep(intervalMs, signal).catch(() => undefined);
    }
    return exitCodeFor(ctx.termination.received() ?? 'SIGINT');
  } finally {
    connection.close();
  }
}

/** Which Alluxio master leads, read where Alluxio publishes it; undefined for a single master. */
async function readLeader(highAvailability: HighAvailability, timeoutMs: number, signal: AbortSignal): Promise<LeaderReading | undefined> {
  if (highAvailability.kind === 'none') return undefined;
  if (highAvailability.kind === 'embedded') return { kind: 'embedded' };
  const source = alluxioLeaderSource(highAvailability.zookeeperAddress, highAvailability.leaderPath);
  try {
    const address = await readAlluxioLeader(highAvailability.zookeeperAddress, highAvailability.leaderPath, { timeoutMs, signal });
    return { kind: 'zookeeper', source, address };
  } catch (error) {
    if (signal.aborted) throw error;
    return { kind: 'zookeeper', source, error: error instanceof Error ? error.message : String(error) };
  }
}
