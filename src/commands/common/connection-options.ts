/**
 * The connection flags shared by every command that talks to Mesos. Declaration only (commander),
 * so that registering commands for `--help` loads no networking code.
 */
import type { Command } from 'commander';

export function addConnectionOptions(command: Command): Command {
  return command
    .option('--principal <principal>', 'Mesos principal for HTTP authentication (default: alluxio.integration.mesos.principal)')
    .option('--secret-file <file>', 'file holding the Mesos secret (or set ALLUXIO_MESOS_SECRET)')
    .option('--ca-file <file>', 'CA certificate(s) to trust for an https:// master')
    .option('--insecure', 'do not verify the https:// master certificate');
}
