/**
 * The `alluxio-mesos init` arguments every deploy benchmark uses: a configuration for the stand-in
 * distribution (Alluxio installed on the agents, `--jar-url LOCAL`) with tasks small enough for
 * many of them on this machine's local cluster. Callers add what their run differs in.
 */
export function standinInitArgs({ confDir, masterUrl, alluxioHome }) {
  return [
    'init',
    '--yes',
    '--conf-dir',
    confDir,
    '--master',
    masterUrl.replace('http://', ''),
    '--jar-url',
    'LOCAL',
    '--alluxio-home',
    alluxioHome,
    '--worker-memory-size',
    '64MB',
    '--worker-mem',
    '64MB',
    '--master-mem',
    '128MB',
  ];
}

/** Tenth-of-a-core tasks, so that hundreds fit on the local cluster's agents. */
export const SMALL_CPUS = ['--master-cpus', '0.1', '--worker-cpus', '0.1'];
