/**
 * Moving a deployment's state between backends (file ⇄ ZooKeeper) without losing the framework id:
 * both sides' leases are taken first (so no scheduler runs on either side meanwhile, and one that
 * does makes the migration fail with SchedulerActiveError naming it), the ledger is copied through
 * the target's fenced store, then the source ledger is moved aside as a backup.
 */
import { OperationError, UsageError } from '../shared/errors.js';
import type { DeploymentState, SchedulerLease } from './deployment-state.js';
import { liveTasks, type Ledger } from './ledger.js';

export interface MigrationSide {
  readonly state: DeploymentState;
  /** Moves the ledger aside as a backup (renamed, never deleted); returns where it went. */
  retire(): Promise<string | undefined>;
}

export interface MigrationResult {
  readonly ledger: Ledger;
  /** Where the source ledger was kept. */
  readonly backup: string | undefined;
}

export async function migrateState(from: MigrationSide, to: MigrationSide, signal: AbortSignal): Promise<MigrationResult> {
  if (from.state.location === to.state.location) {
    throw new UsageError(`the state already lives at ${to.state.location}`, { hint: 'pass --to with the other backend' });
  }
  const leases: SchedulerLease[] = [];
  try {
    const source = await from.state.acquire({ standby: false, signal });
    leases.push(source);
    const target = await to.state.acquire({ standby: false, signal });
    leases.push(target);
    const ledger = await source.store.load();
    if (ledger === undefined) {
      throw new UsageError(`no state to migrate at ${from.state.location}`, {
        hint: 'nothing was deployed with it; just change the setting: alluxio-mesos init --state ...',
      });
    }
    const existing = await target.store.load();
    if (existing !== undefined && existing.frameworkId !== ledger.frameworkId && liveTasks(existing).length > 0) {
      throw new OperationError(
        `${to.state.location} already holds the state of framework ${existing.frameworkId ?? '(none)'} with live tasks; not overwriting it`,
        { hint: 'tear that deployment down first, or migrate to another path' },
      );
    }
    await target.store.save(ledger);
    const backup = await from.retire();
    return { ledger, backup };
  } finally {
    for (const lease of leases.reverse()) await lease.release().catch(() => undefined);
  }
}
