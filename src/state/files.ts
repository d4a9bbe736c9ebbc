/**
 * Where `deploy` keeps its state, next to the configuration: the scheduler ledger (framework id and
 * tasks), and for `--detach` the log and pid file (`logs/framework.out`, as the original framework).
 */
import path from 'node:path';
import { SITE_PROPERTIES_FILE } from '../config/site-file.js';
import { ledgerPathNextTo } from './ledger.js';

export function ledgerPath(confDir: string): string {
  return ledgerPathNextTo(path.join(confDir, SITE_PROPERTIES_FILE));
}

export function logsDir(confDir: string): string {
  return path.join(path.dirname(confDir), 'logs');
}

export function frameworkLogPath(confDir: string): string {
  return path.join(logsDir(confDir), 'framework.out');
}

export function pidFilePath(confDir: string): string {
  return path.join(logsDir(confDir), 'framework.pid');
}
