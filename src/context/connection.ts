/**
 * Connection flags shared by every command that talks to Mesos, and the one function that turns
 * them (plus the saved settings and site properties) into a connected master client.
 */
import { connectToMaster, type ConnectOptions, type MasterConnection } from '../mesos/client/connect.js';
import { UsageError } from '../shared/errors.js';
import { resolveCredentials, type CredentialFlags } from './credentials.js';
import type { CommandContext } from './context.js';
import type { LoadedSite } from './site.js';
import type { InProcessCluster } from '../emulator/in-process.js';

/** The connection flags every command that talks to Mesos accepts (declared in commands/common). */
export interface ConnectionFlags extends CredentialFlags {
  caFile?: string;
  insecure?: boolean;
}

/** `--master`/MESOS_MASTER, else the address saved by `init`. */
export function masterAddress(ctx: CommandContext, site: LoadedSite): string {
  const master = ctx.globals.master ?? site.settings.master;
  if (master === undefined) {
    throw new UsageError(`no Mesos master given, and none saved in ${ctx.globals.confDir}`, {
      hint:
        'pass --master host:5050 (or zk://.../mesos), set MESOS_MASTER, or save one with alluxio-mesos init ' +
        `(settings searched: ${ctx.globals.confSearch.join(', ')})`,
    });
  }
  return master;
}

/**
 * Connects to the master named by the flags or settings. `--master local` starts the embedded
 * cluster inside this process; closing the connection stops it. Waiting ends on SIGINT/SIGTERM
 * (the command's termination signal) unless the caller passes a signal of its own.
 */
export async function openMaster(
  ctx: CommandContext,
  flags: ConnectionFlags,
  site: LoadedSite,
  extra: Pick<ConnectOptions, 'signal' | 'credentials'> = {},
): Promise<MasterConnection> {
  let local: InProcessCluster | undefined;
  const { credentials, ...rest } = extra;
  const connection = await connectToMaster({
    master: masterAddress(ctx, site),
    timeoutMs: ctx.globals.timeoutMs,
    // Callers that also talk to agents resolve the credentials once and pass them in.
    credentials: 'credentials' in extra ? credentials : await resolveCredentials(ctx, flags, site),
    caFile: flags.caFile,
    insecure: flags.insecure,
    resolveLocal: async () => {
      const { startInProcessCluster } = await import('../emulator/in-process.js');
      local = await startInProcessCluster();
      return { baseUrl: local.baseUrl };
    },
    signal: ctx.termination.signal,
    ...rest,
  });
  return {
    ...connection,
    close: () => {
      connection.close();
      void local?.stop();
    },
  };
}
