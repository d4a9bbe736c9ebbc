/**
 * `alluxio-mesos state migrate --to <file|zk://...>`: moves the framework id and task ledger from
 * where the configuration says they live to the other backend, keeps the source as a backup, and
 * saves the new location in conf/alluxio-mesos.json so every later command uses it.
 */
import type { CommandContext } from '../../context/context.js';
import { cliSettingsPath, readCliSettings, writeCliSettings } from '../../config/cli-settings.js';
import { ExitCode, UsageError } from '../../shared/errors.js';
import { ledgerPath } from '../../state/files.js';
import { migrateState, type MigrationSide } from '../../state/migrate-state.js';
import { describeStateLocation, parseStateLocation, type StateLocation } from '../../state/state-location.js';
import { isZooKeeperState, openZooKeeperState } from '../../state/zookeeper-state.js';
import { fileMigrationSide } from './file-side.js';

export interface MigrateFlags {
  to?: string;
}

export async function runStateMigrate(ctx: CommandContext, flags: MigrateFlags): Promise<number> {
  const { io, globals } = ctx;
  if (flags.to === undefined) throw new UsageError('state migrate needs --to <file|zk://host:2181/path>');
  const settings = await readCliSettings(globals.confDir);
  const settingsFile = cliSettingsPath(globals.confDir);
  const fromLocation = parseStateLocation(settings.state ?? 'file', `"state" in ${settingsFile}`);
  const toLocation = parseStateLocation(flags.to, '--to');
  const file = ledgerPath(globals.confDir);
  if (describeStateLocation(fromLocation, file) === describeStateLocation(toLocation, file)) {
    throw new UsageError(`the state already lives at ${describeStateLocation(toLocation, file)}`, {
      hint: 'pass --to with the other backend (file or zk://...)',
    });
  }
  const open = (location: StateLocation, source: string): MigrationSide => {
    if (location.kind === 'file') return fileMigrationSide(globals.confDir);
    const state = openZooKeeperState(location, { timeoutMs: globals.timeoutMs, source });
    return {
      state,
      retire: () => (isZooKeeperState(state) ? state.retireLedger() : Promise.resolve(undefined)),
    };
  };
  const from = open(fromLocation, `"state" in ${settingsFile}`);
  const to = open(toLocation, '--to');
  try {
    const { ledger, backup } = await migrateState(from, to, ctx.termination.signal);
    const next = { ...settings };
    if (toLocation.kind === 'file') delete next.state;
    else next.state = flags.to.trim();
    await writeCliSettings(globals.confDir, next);
    const result = {
      from: from.state.location,
      to: to.state.location,
      frameworkId: ledger.frameworkId ?? null,
      tasks: ledger.tasks.length,
      backup: backup ?? null,
      settings: settingsFile,
    };
    if (globals.json) io.stdout.write(`${JSON.stringify(result)}\n`);
    else {
      io.stdout.write(
        `Moved the state of framework ${ledger.frameworkId ?? '(none yet)'} (${ledger.tasks.length} tasks) ` +
          `from ${result.from} to ${result.to}.\nThe source is kept as ${backup ?? '(nothing to keep)'}; ` +
          `${settingsFile} now names the new location.\n`,
      );
    }
    return ExitCode.OK;
  } finally {
    await from.state.close();
    await to.state.close();
  }
}
