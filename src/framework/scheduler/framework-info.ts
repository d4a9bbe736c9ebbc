/** The FrameworkInfo `deploy` subscribes with. */
import type { FrameworkInfo } from '../../mesos/protocol/types.js';

/** One week: tasks survive a `deploy` that is down this long (Marathon's default). */
export const DEFAULT_FAILOVER_TIMEOUT_SECONDS = 604_800;
export const DEFAULT_FRAMEWORK_NAME = 'alluxio';

export interface FrameworkInfoOptions {
  /** `alluxio.integration.mesos.user`, else the current user (see frameworkUser). */
  readonly user: string;
  readonly name?: string;
  /** `*` is sent as is: with MULTI_ROLE it means "no role" to Mesos too. */
  readonly role: string;
  readonly principal?: string;
  readonly failoverTimeoutSeconds?: number;
  /** Host `deploy` runs on, shown in the Mesos UI. */
  readonly hostname?: string;
  /** The Alluxio master's web UI, once placed (kept in the ledger). */
  readonly webuiUrl?: string;
  /** Set when resubscribing. */
  readonly frameworkId?: string;
}

/**
 * `roles` with MULTI_ROLE instead of the deprecated `role`; checkpointing on so tasks survive agent
 * restarts. The secret never goes here: it authenticates the HTTP connection, not the framework.
 */
export function buildFrameworkInfo(options: FrameworkInfoOptions): FrameworkInfo {
  const info: FrameworkInfo = {
    user: options.user,
    name: options.name ?? DEFAULT_FRAMEWORK_NAME,
    roles: [options.role],
    capabilities: [{ type: 'MULTI_ROLE' }],
    checkpoint: true,
    failover_timeout: options.failoverTimeoutSeconds ?? DEFAULT_FAILOVER_TIMEOUT_SECONDS,
  };
  if (options.frameworkId !== undefined) info.id = { value: options.frameworkId };
  if (options.principal !== undefined) info.principal = options.principal;
  if (options.hostname !== undefined) info.hostname = options.hostname;
  if (options.webuiUrl !== undefined) info.webui_url = options.webuiUrl;
  return info;
}
