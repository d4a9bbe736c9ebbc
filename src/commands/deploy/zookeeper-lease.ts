/**
 * `deploy --state zk://...`: becomes the deployment's one active scheduler through the ZooKeeper
 * election before anything talks to Mesos. With `--standby` it waits (printing who leads, and each
 * change) and takes over when the leader goes; without, another leader is an error (exit 1).
 */
import type { CommandContext } from '../../context/context.js';
import type { SchedulerIdentity, SchedulerLease } from '../../state/deployment-state.js';
import type { StateLocation } from '../../state/state-location.js';
import { openZooKeeperState } from '../../state/zookeeper-state.js';

export interface HeldLease {
  readonly location: string;
  readonly lease: SchedulerLease;
  /** Releases the lease (a standby takes over at once) and closes the session. */
  close(): Promise<void>;
}

function describeLeader(leader: SchedulerIdentity | undefined): string {
  if (leader === undefined) return 'no scheduler leads yet';
  return `the active scheduler is pid ${leader.pid} on ${leader.host} (since ${new Date(leader.since).toISOString()})`;
}

export async function acquireZooKeeperLease(
  ctx: CommandContext,
  location: Extract<StateLocation, { kind: 'zk' }>,
  options: { standby: boolean; source: string; line: (text: string) => void },
): Promise<HeldLease> {
  const { io, globals } = ctx;
  const record = (type: string, fields: Record<string, unknown>): void => {
    if (globals.json) io.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), type, ...fields })}\n`);
  };
  const state = openZooKeeperState(location, {
    timeoutMs: globals.timeoutMs,
    source: options.source,
    onRetry: (error) => options.line(`standing by: ${error.message}; retrying`),
  });
  try {
    const lease = await state.acquire({
      standby: options.standby,
      signal: ctx.termination.signal,
      onStandby: (leader) => {
        options.line(`standing by: ${describeLeader(leader)}; taking over when it goes (state ${state.location})`);
        record('standby', { leader: leader ?? null, state: state.location });
      },
    });
    options.line(`elected the active scheduler (state ${state.location})`);
    record('elected', { pid: process.pid, state: state.location });
    return {
      location: state.location,
      lease,
      close: async () => {
        await lease.release().catch(() => undefined);
        await state.close();
      },
    };
  } catch (error) {
    await state.close();
    throw error;
  }
}
