/**
 * Opens the legacy (libprocess) scheduler client for a command: deploy, and teardown on a master
 * older than the v1 scheduler API. Its listener binds before the first registration, so a bad or
 * busy --listen fails at once.
 */
import type { HttpTransport } from '../../mesos/client/http.js';
import { LibprocessSchedulerClient } from '../../mesos/client/legacy-scheduler-client.js';
import { localAddressToward, type LibprocessAddresses } from '../../mesos/client/libprocess-address.js';
import { mesosFeatures, type MesosVersion } from '../../mesos/client/version.js';
import { legacyCapabilities } from '../../mesos/protocol/libprocess.js';
import { OperationError } from '../../shared/errors.js';

/**
 * The master must hear back within --timeout: silence for most of it is reported as the master not
 * reaching us (the rest is left for the command's own deadline). Without an advertised address,
 * the address this machine uses toward the master is told.
 */
export async function openLegacyScheduler(
  master: { transport: HttpTransport; baseUrl: string },
  addresses: LibprocessAddresses,
  version: MesosVersion | undefined,
  timeoutMs: number,
): Promise<LibprocessSchedulerClient> {
  const url = new URL(master.baseUrl);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const host = addresses.advertise.host ?? (await localAddressToward(url.hostname, port, Math.min(timeoutMs, 5_000)));
  if (host === undefined) {
    throw new OperationError(`cannot tell which address of this machine the Mesos master at ${master.baseUrl} can reach`, {
      hint: 'give it with --advertise (or LIBPROCESS_ADVERTISE_IP)',
    });
  }
  const client = new LibprocessSchedulerClient({
    transport: master.transport,
    listen: addresses.listen,
    advertise: { host, port: addresses.advertise.port },
    // Unknown version: assume the oldest (SUPPRESS is then dropped, which only costs offers).
    capabilities: legacyCapabilities(version === undefined ? false : mesosFeatures(version).hasSuppressCall),
    registrationTimeoutMs: Math.max(1_000, Math.floor(timeoutMs * 0.75)),
  });
  await client.listen();
  return client;
}
