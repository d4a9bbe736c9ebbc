/**
 * The rule that keeps `deploy` from orphaning tasks: a new framework (new id) is registered only
 * when the ledger shows no task that may still run, unless the user says so (`--new-framework`).
 */
import { OperationError } from '../../shared/errors.js';
import { emptyLedger, liveTasks, type Ledger, type LedgerTask } from '../../state/ledger.js';

export interface StartedLedger {
  readonly ledger: Ledger;
  /** Tasks left to the old framework by `--new-framework` (Mesos ends them with its failover timeout). */
  readonly abandoned: LedgerTask[];
}

export function startLedger(loaded: Ledger | undefined, options: { readonly newFramework: boolean }): StartedLedger {
  if (loaded === undefined) return { ledger: emptyLedger(), abandoned: [] };
  if (options.newFramework) {
    return {
      ledger: { ...loaded, frameworkId: undefined, webuiUrl: undefined, tasks: [], nextAlias: { ...loaded.nextAlias } },
      abandoned: liveTasks(loaded),
    };
  }
  if (loaded.frameworkId === undefined) refuseNewFramework(loaded, 'the ledger has no framework id');
  return { ledger: loaded, abandoned: [] };
}

/** Throws when registering a new framework would orphan the ledger's live tasks. */
export function refuseNewFramework(ledger: Ledger, why: string): void {
  const live = liveTasks(ledger);
  if (live.length === 0) return;
  throw new OperationError(
    `refusing to register a new Mesos framework: ${why}, and the ledger shows ${live.length} task(s) that may still run (${live
      .map((task) => task.alias)
      .join(', ')})`,
    {
      hint:
        'Kill those tasks (or tear the old framework down) first, or run deploy with --new-framework to ' +
        'register anyway and leave them to the old framework.',
    },
  );
}
