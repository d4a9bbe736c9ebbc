/** The settings the shipped examples in templates/service/ are rendered from. */
import type { ServiceSettings } from '../../../../src/init/service/inputs.js';

export const EXAMPLE_SETTINGS: ServiceSettings = {
  confDir: '/opt/alluxio/conf',
  master: 'zk://zk1:2181,zk2:2181,zk3:2181/mesos',
  state: 'zk://zk1:2181,zk2:2181,zk3:2181/alluxio-mesos',
  secretFile: '/etc/alluxio-mesos/mesos-secret',
  secretInSiteFile: false,
  user: 'alluxio',
  alluxio: 'installed on the agents at /opt/alluxio',
  node: '/usr/bin/node',
  cli: '/usr/lib/node_modules/alluxio-mesos/bin/alluxio-mesos.js',
};
