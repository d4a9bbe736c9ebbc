import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMING, schedulerConfigFromSite } from '../../../../src/framework/scheduler/config.js';
import { aliasOfTaskId, taskIdFor } from '../../../../src/state/task-names.js';
import { PropertiesDocument } from '../../../../src/config/properties.js';
import { resolveSiteConfig } from '../../../../src/config/site-config.js';

const SITE = [
  'alluxio.master.port=19998',
  'alluxio.worker.memory.size=2GB',
  'alluxio.integration.worker.resource.mem=512MB',
  'alluxio.integration.mesos.role=alluxio',
  'alluxio.integration.mesos.master.name=AM',
  'alluxio.integration.mesos.worker.name=AW',
  'alluxio.integration.mesos.master.node.count=2',
].join('\n');

describe('schedulerConfigFromSite', () => {
  it('sizes workers as ramdisk + overhead and takes names, role, ports and master count from the site file', () => {
    const site = resolveSiteConfig(PropertiesDocument.parse(SITE));
    const config = schedulerConfigFromSite(site, {
      command: () => ({ value: 'x' }),
      maxWorkers: 3,
      pinnedMasterHost: 'm1',
      timing: { launchTimeoutMs: 1 },
    });
    expect(config.worker).toMatchObject({
      name: 'AW',
      memMb: 2048 + 512,
      max: 3,
      rpcPort: site.worker.rpcPort,
      ports: site.worker.requiredPorts,
    });
    expect(config.master).toMatchObject({ name: 'AM', count: 2, pinnedHost: 'm1', rpcPort: 19998, webPort: site.master.webPort });
    expect(config.role).toBe('alluxio');
    expect(config.healthCheck).toBeDefined();
    expect(config.timing).toEqual({ ...DEFAULT_TIMING, launchTimeoutMs: 1 });
    expect(schedulerConfigFromSite(site, { command: () => ({}), healthChecks: false }).healthCheck).toBeUndefined();
  });
});

describe('task ids and aliases', () => {
  it('makes unique ids that keep the alias recoverable', () => {
    const id = taskIdFor('alluxio', 'worker-3', '0f8c2a1e-1111-4222-8333-944445555666');
    expect(id).toBe('alluxio-worker-3.0f8c2a1e-1111-4222-8333-944445555666');
    expect(aliasOfTaskId(id)).toBe('worker-3');
    expect(aliasOfTaskId('alluxio-master-12.abc')).toBe('master-12');
    expect(aliasOfTaskId('spark-worker-3.abc')).toBeUndefined();
    expect(aliasOfTaskId('alluxio-worker-x.abc')).toBeUndefined();
  });
});
