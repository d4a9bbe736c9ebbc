/**
 * The file side of a migration: the ledger beside the configuration, under its lock (a running
 * `deploy` holds it, so the migration is refused while one runs), moved aside to
 * `<ledger>.migrated-<epoch ms>` as the backup.
 */
import { rename } from 'node:fs/promises';
import { ledgerPath } from '../../state/files.js';
import { openFileState } from '../../state/file-state.js';
import type { MigrationSide } from '../../state/migrate-state.js';

export function fileMigrationSide(confDir: string): MigrationSide {
  const ledgerFile = ledgerPath(confDir);
  return {
    state: openFileState(confDir),
    async retire() {
      const backup = `${ledgerFile}.migrated-${Date.now()}`;
      await rename(ledgerFile, backup);
      return backup;
    },
  };
}
