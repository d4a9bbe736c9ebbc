/** Every registered command, in the order `--help` lists them. */
import type { CommandRegistrar } from '../commands/common/action-runner.js';
import { registerInit } from '../commands/init/command.js';
import { registerCheckPorts } from '../commands/check-ports/command.js';
import { registerLocalCluster } from '../commands/local-cluster/command.js';
import { registerDeploy } from '../commands/deploy/command.js';
import { registerTeardown } from '../commands/teardown/command.js';
import { registerStatus } from '../commands/status/command.js';
import { registerLogs } from '../commands/logs/command.js';
import { registerScale } from '../commands/scale/command.js';
import { registerRestart } from '../commands/restart/command.js';
import { registerRollout } from '../commands/rollout/command.js';
import { registerState } from '../commands/state/command.js';
import { registerVersion } from '../commands/version/command.js';
import { registerCompletion } from '../commands/completion/command.js';

export const COMMANDS: readonly CommandRegistrar[] = [
  registerInit,
  registerCheckPorts,
  registerDeploy,
  registerStatus,
  registerScale,
  registerRestart,
  registerRollout,
  registerLogs,
  registerTeardown,
  registerState,
  registerLocalCluster,
  registerVersion,
  registerCompletion,
];
