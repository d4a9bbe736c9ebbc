/** Every registered command, in the order `--help` lists them. */
import type { Command } from 'commander';
import type { ActionRunner } from '../program.js';
import { registerInit } from './init.js';
import { registerCheckPorts } from './check-ports.js';
import { registerLocalCluster } from './local-cluster.js';
import { registerDeploy } from './deploy.js';
import { registerTeardown } from './teardown.js';
import { registerStatus } from './status.js';
import { registerLogs } from './logs.js';

export type CommandRegistrar = (program: Command, run: ActionRunner) => void;

export const COMMANDS: readonly CommandRegistrar[] = [registerInit, registerCheckPorts, registerDeploy, registerStatus, registerLogs, registerTeardown, registerLocalCluster];
