/**
 * The file side of a migration: the ledger beside the configuration, under its lock (a running
 * `deploy` holds it, so the migration is refused while one runs), moved aside to
 * `<ledger>.migrated-<epoch ms>` as the backup.
 */
import { existsSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { OperationError } from '../../shared/errors.js';
import { ledgerPath } from '../../state/files.js';
import { openFileState } from '../../state/file-state.js';
import type { MigrationSide } from '../../state/migrate-state.js';

export function fileMigrationSide(confDir: string): MigrationSide {
  const ledgerFile = ledgerPath(confDir);
  return {
    state: openFileState(confDir),
    async retire() {
      const backup = `${ledgerFile}.migrated-${Date.now()}`;
      // The name is new (a timestamp in ms); should a file hold it anyway, it is not replaced.
      if (existsSync(backup)) {
        throw new OperationError(`${backup} already exists: not replacing it`, {
          hint: 'run state migrate again: the name holds the time',
        });
      }
      await rename(ledgerFile, backup);
      return backup;
    },
  };
}
