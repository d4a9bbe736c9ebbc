/**
 * The one place that chooses where a deployment's scheduler state lives: `--state` (deploy), else
 * the `state` saved by `init --state` in alluxio-mesos.json, else the file beside the configuration.
 * Every command that reads or writes it (deploy, status, logs, teardown) opens it here.
 */
import { cliSettingsPath } from '../config/cli-settings.js';
import type { DeploymentState } from '../state/deployment-state.js';
import { openFileState } from '../state/file-state.js';
import { describeStateLocation, parseStateLocation } from '../state/state-location.js';
import type { GlobalOptions } from './context.js';
import type { LoadedSite } from './site.js';

export interface StateChoice {
  /** `deploy --state`, when given. */
  readonly flag?: string | undefined;
  /** Told when a standby cannot reach ZooKeeper and keeps retrying. */
  readonly onRetry?: (error: Error) => void;
}

export function openDeploymentState(
  globals: Pick<GlobalOptions, 'confDir' | 'timeoutMs'>,
  site: Pick<LoadedSite, 'settings'>,
  choice: StateChoice = {},
): DeploymentState {
  const source = choice.flag === undefined ? `"state" in ${cliSettingsPath(globals.confDir)}` : '--state';
  const location = parseStateLocation(choice.flag ?? site.settings.state ?? 'file', source);
  if (location.kind === 'file') return openFileState(globals.confDir);
  const options = { timeoutMs: globals.timeoutMs, source, ...(choice.onRetry === undefined ? {} : { onRetry: choice.onRetry }) };
  return loadedOnFirstUse(describeStateLocation(location, ''), async () =>
    (await import('../state/zookeeper-state.js')).openZooKeeperState(location, options),
  );
}

/**
 * The ZooKeeper state (and its client library) loads when first used, not when `deploy` or
 * `teardown` start: with the default file state they never need it.
 */
function loadedOnFirstUse(location: string, open: () => Promise<DeploymentState>): DeploymentState {
  let opened: Promise<DeploymentState> | undefined;
  const state = (): Promise<DeploymentState> => (opened ??= open());
  return {
    location,
    readLedger: async () => (await state()).readLedger(),
    readScheduler: async () => (await state()).readScheduler(),
    acquire: async (options) => (await state()).acquire(options),
    clear: async () => (await state()).clear(),
    submitDesired: async (...args) => (await state()).submitDesired(...args),
    readDesiredRequest: async () => (await state()).readDesiredRequest(),
    close: async () => {
      if (opened !== undefined) await (await opened).close();
    },
  };
}
