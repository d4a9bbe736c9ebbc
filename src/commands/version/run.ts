/**
 * `alluxio-mesos version`: what this CLI is and what it can talk to, for bug reports and for
 * scripts that check a fleet (`--json`).
 */
import type { CommandContext } from '../../context/context.js';
import { MINIMUM_MESOS_VERSION, V1_SCHEDULER_MINIMUM_MESOS_VERSION } from '../../mesos/client/version.js';
import { ExitCode } from '../../shared/errors.js';
import { VERSION } from '../../shared/version.js';

interface VersionReport {
  version: string;
  node: string;
  platform: string;
  arch: string;
  mesos: {
    checkPorts: { minimum: string };
    deploy: { minimum: string; transports: string[] };
  };
}

function versionReport(): VersionReport {
  return {
    version: VERSION,
    node: process.versions.node,
    platform: process.platform,
    arch: process.arch,
    mesos: {
      checkPorts: { minimum: MINIMUM_MESOS_VERSION },
      deploy: {
        minimum: MINIMUM_MESOS_VERSION,
        transports: [
          `v1 HTTP scheduler API from ${V1_SCHEDULER_MINIMUM_MESOS_VERSION}`,
          `legacy libprocess scheduler protocol from ${MINIMUM_MESOS_VERSION}`,
        ],
      },
    },
  };
}

export function runVersion(ctx: CommandContext): number {
  const report = versionReport();
  if (ctx.globals.json) {
    ctx.io.stdout.write(`${JSON.stringify(report)}\n`);
    return ExitCode.OK;
  }
  ctx.io.stdout.write(
    `alluxio-mesos ${report.version} (Node ${report.node}, ${report.platform}-${report.arch})\n` +
      `check-ports: Mesos ${report.mesos.checkPorts.minimum} or later\n` +
      `deploy: Mesos ${report.mesos.deploy.minimum} or later (${report.mesos.deploy.transports.join(', ')})\n`,
  );
  return ExitCode.OK;
}
