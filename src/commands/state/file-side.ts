/**
 * The file side of a migration: the ledger beside the configuration, moved aside to
 * `<ledger>.migrated-<epoch ms>` as the backup. Until the file backend with its lock lands, its
 * lease only guards writes by this process (no lock file yet): stop `deploy` before migrating.
 */
import { rename } from 'node:fs/promises';
import type { DeploymentState, SchedulerLease } from '../../state/deployment-state.js';
import { fileLedgerStore } from '../../state/ledger.js';
import type { MigrationSide } from '../../state/migrate-state.js';

export function fileMigrationSide(ledgerFile: string): MigrationSide {
  const store = fileLedgerStore(ledgerFile);
  const state: DeploymentState = {
    location: ledgerFile,
    readLedger: () => store.load(),
    readScheduler: () => Promise.resolve({ leader: undefined, standbys: [] }),
    acquire: (): Promise<SchedulerLease> =>
      Promise.resolve({ lost: new AbortController().signal, store, release: () => Promise.resolve() }),
    clear: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
  return {
    state,
    async retire() {
      const backup = `${ledgerFile}.migrated-${Date.now()}`;
      await rename(ledgerFile, backup);
      return backup;
    },
  };
}
