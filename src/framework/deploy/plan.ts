/**
 * From the site configuration and the deploy flags to what the scheduler runs: the distribution,
 * the properties propagated to the tasks (non-default keys, never a credential), the launch command
 * per role and the scheduler configuration. Pure; `commands/deploy/run.ts` does the I/O.
 */
import os from 'node:os';
import { parse as parseProperties, PropertiesDocument } from '../../config/properties.js';
import { nonDefaultProperties, type AlluxioSiteConfig } from '../../config/site-config.js';
import { formatByteSizeExact } from '../../config/sizes.js';
import { UsageError } from '../../shared/errors.js';
import { buildLaunchCommand, refuseTaskSecrets, type AlluxioDistribution } from '../launch/launch-command.js';
import { buildFrameworkInfo } from '../scheduler/framework-info.js';
import {
  frameworkUser,
  schedulerConfigFromSite,
  DEFAULT_HEALTH_CHECK,
  type SchedulerConfig,
  type HealthCheckPolicy,
} from '../scheduler/config.js';
import type { FrameworkInfo } from '../../mesos/protocol/types.js';
import type { DesiredState } from '../../state/desired-state.js';
import type { SlotRole } from '../../state/ledger.js';
import { fingerprintOf, launchSpecOf } from '../scheduler/fingerprint.js';

export interface DeployOptions {
  jarUrl?: string;
  alluxioHome?: string;
  alluxioMaster?: string;
  maxWorkers?: number;
  name: string;
  failoverTimeoutSeconds: number;
  principal?: string;
  healthChecks: boolean;
  healthCheck?: Partial<HealthCheckPolicy>;
  /** Rollout batch size: a count or a percentage (default 1). */
  maxUnavailable?: string;
  /** `--workers-with-master`: workers go out in the master's offer round. */
  workersWithMaster?: boolean;
}

export interface DeployPlan {
  distribution: AlluxioDistribution;
  siteProperties: string;
  scheduler: SchedulerConfig;
  /** What should run (revision 0: the scheduler numbers it when it takes it). */
  desired: DesiredState;
  frameworkInfo: (webuiUrl: string | undefined) => FrameworkInfo;
}

export function resolveDistribution(site: AlluxioSiteConfig, options: Pick<DeployOptions, 'jarUrl' | 'alluxioHome'>): AlluxioDistribution {
  const jar = options.jarUrl?.trim();
  const home = options.alluxioHome ?? site.alluxioHome;
  if (jar !== undefined && jar !== '') {
    if (jar.toUpperCase() === 'LOCAL') return { kind: 'local', home };
    if (!/^(https?|file|hdfs):\/\//i.test(jar)) {
      throw new UsageError(`--jar-url "${jar}" is neither LOCAL nor an http(s)://, file:// or hdfs:// URL`, {
        hint: 'pass --jar-url LOCAL (Alluxio installed at alluxio.home on every agent) or the tarball URL',
      });
    }
    return { kind: 'tarball', url: jar };
  }
  if (site.alluxioJar.kind === 'local') return { kind: 'local', home };
  if (site.alluxioJar.isDefault) {
    throw new UsageError('no Alluxio distribution configured', {
      hint: 'pass --jar-url LOCAL (with alluxio.home or --alluxio-home) or --jar-url <tarball URL>, or run alluxio-mesos init',
    });
  }
  return { kind: 'tarball', url: site.alluxioJar.url };
}

/**
 * The properties the tasks get: every key whose value differs from Alluxio's default, without the
 * Mesos secret (the scheduler's own). Any other credential, by name (`aws.secretKey`) or inside a
 * value (`s3a://KEY:SECRET@bucket`), is refused with the fix, naming its line in `fileName`.
 */
export function taskSiteProperties(doc: PropertiesDocument, fileName?: string): string {
  const shipped = nonDefaultProperties(doc);
  refuseTaskSecrets(
    shipped.map(({ key }) => doc.entry(key)).filter((entry) => entry !== undefined),
    fileName,
  );
  const out = PropertiesDocument.empty();
  out.appendComment(
    'Written by alluxio-mesos deploy: the non-default keys of alluxio-site.properties. No credential: deploy ships none ' +
      '(the Mesos secret stays with the scheduler; any other is refused).',
  );
  for (const { key, value } of shipped) out.set(key, value);
  return out.toString();
}

/** `fileName` is where `doc` was read, for the line of a refused credential. */
export function buildDeployPlan(site: AlluxioSiteConfig, doc: PropertiesDocument, options: DeployOptions, fileName?: string): DeployPlan {
  const distribution = resolveDistribution(site, options);
  const siteProperties = taskSiteProperties(doc, fileName);
  const jdk = site.jdk.kind === 'url' ? { url: site.jdk.url, path: site.jdkPath } : undefined;
  const workerMemory = formatByteSizeExact(site.worker.ramdiskBytes);
  // Several masters: workers find the leader through the properties they get (ZooKeeper or the
  // embedded journal), never the one master host the scheduler saw ready first.
  const findsLeader = site.master.highAvailability.kind !== 'none';
  const scheduler = schedulerConfigFromSite(site, {
    command: (role, masterHostname) =>
      buildLaunchCommand({
        role,
        distribution,
        siteProperties,
        ...(role === 'worker' && findsLeader ? { findsLeader } : { masterHostname }),
        ...(jdk === undefined ? {} : { jdk }),
        ...(role === 'worker' ? { workerMemory } : {}),
      }),
    ...(options.alluxioMaster === undefined ? {} : { pinnedMasterHost: options.alluxioMaster }),
    ...(options.maxWorkers === undefined ? {} : { maxWorkers: options.maxWorkers }),
    healthChecks: options.healthChecks,
    workersWithMaster: options.workersWithMaster === true,
  });
  const withHealth: SchedulerConfig =
    scheduler.healthCheck === undefined || options.healthCheck === undefined
      ? scheduler
      : { ...scheduler, healthCheck: { ...DEFAULT_HEALTH_CHECK, ...options.healthCheck } };
  const user = frameworkUser(site);
  const given = Object.fromEntries(
    parseProperties(siteProperties)
      .entries()
      .map((entry) => [entry.key, entry.value]),
  );
  const specOf = (role: SlotRole) => {
    const template = role === 'master' ? withHealth.master : withHealth.worker;
    return launchSpecOf({
      role,
      name: template.name,
      cpus: template.cpus,
      memMb: template.memMb,
      ports: template.ports,
      rpcPort: template.rpcPort,
      bindHost: template.bindHost,
      command: withHealth.command,
      properties: role === 'worker' ? { ...given, 'alluxio.worker.memory.size': workerMemory } : given,
      distribution: distribution.kind === 'local' ? `LOCAL ${distribution.home}` : distribution.url,
    });
  };
  const specs = { master: specOf('master'), worker: specOf('worker') };
  const desired: DesiredState = {
    revision: 0,
    at: 0,
    masters: withHealth.master.count,
    workers: withHealth.worker.max,
    ...(withHealth.master.pinnedHost === undefined ? {} : { pinnedMasterHost: withHealth.master.pinnedHost }),
    maxUnavailable: options.maxUnavailable ?? '1',
    specs,
    fingerprints: { master: fingerprintOf(specs.master), worker: fingerprintOf(specs.worker) },
    source: 'deploy',
  };
  return {
    distribution,
    siteProperties,
    scheduler: withHealth,
    desired,
    frameworkInfo: (webuiUrl) =>
      buildFrameworkInfo({
        user,
        name: options.name,
        role: site.mesos.role,
        failoverTimeoutSeconds: options.failoverTimeoutSeconds,
        hostname: os.hostname(),
        ...(options.principal === undefined ? {} : { principal: options.principal }),
        ...(webuiUrl === undefined ? {} : { webuiUrl }),
      }),
  };
}
