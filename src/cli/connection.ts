/**
 * Connection flags shared by every command that talks to Mesos, and the one function that turns
 * them (plus the saved settings and site properties) into a connected master client.
 */
import { connectToMaster, type ConnectOptions, type MasterConnection } from '../mesos/client/connect.js';
import { loadCredentials, type Credentials } from '../mesos/client/credentials.js';
import { UsageError } from '../shared/errors.js';
import { SECRET_ENV } from '../config/secret.js';
import type { CommandContext } from './context.js';
import type { LoadedSite } from './site.js';
import type { InProcessCluster } from '../local/in-process.js';
import type { ConnectionFlags } from './connection-options.js';

export type { ConnectionFlags } from './connection-options.js';

/** `--master`/MESOS_MASTER, else the address saved by `init`. */
export function masterAddress(ctx: CommandContext, site: LoadedSite): string {
  const master = ctx.globals.master ?? site.settings.master;
  if (master === undefined) {
    throw new UsageError('no Mesos master given', {
      hint: 'pass --master host:5050 (or zk://.../mesos), set MESOS_MASTER, or save one with alluxio-mesos init',
    });
  }
  return master;
}

/**
 * Credentials are sent only when a secret is available, as the original framework did: a principal
 * alone (Alluxio's default is "alluxio") names the framework but authenticates nothing.
 */
export async function resolveCredentials(ctx: CommandContext, flags: ConnectionFlags, site: LoadedSite): Promise<Credentials | undefined> {
  const secretFile = flags.secretFile ?? site.settings.secretFile;
  const principal = flags.principal ?? site.config.mesos.principal;
  const envSecret = ctx.io.env[SECRET_ENV];
  const propertySecret = site.config.mesos.secret;
  if (secretFile === undefined && (envSecret === undefined || envSecret === '')) {
    if (propertySecret === undefined || principal === undefined) {
      if (flags.principal !== undefined) {
        throw new UsageError(`--principal ${flags.principal} was given without a secret`, { hint: 'pass --secret-file <file> or set ALLUXIO_MESOS_SECRET' });
      }
      return undefined;
    }
    return { principal, secret: propertySecret, secretSource: `${site.file} (alluxio.integration.mesos.secret)` };
  }
  return loadCredentials({ principal: principal ?? '', secretFile, env: ctx.io.env, cwd: ctx.io.cwd });
}

/**
 * Connects to the master named by the flags or settings. `--master local` starts the embedded
 * cluster inside this process; closing the connection stops it.
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
      const { startInProcessCluster } = await import('../local/in-process.js');
      local = await startInProcessCluster();
      return { baseUrl: local.baseUrl };
    },
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
