/**
 * The one place that chooses where a deployment's scheduler state lives. Every command that reads
 * or writes it (deploy, status, logs, teardown) opens it here, so another backend plugs in by adding
 * its branch below and nothing else.
 */
import type { DeploymentState } from '../state/deployment-state.js';
import { openFileState } from '../state/file-state.js';

export function openDeploymentState(confDir: string): DeploymentState {
  return openFileState(confDir);
}
