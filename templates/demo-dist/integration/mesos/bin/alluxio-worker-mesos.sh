#!/usr/bin/env bash
#
# STAND-IN for Alluxio: NOT Alluxio. See STAND-IN.md at the top of this distribution.
#
# Layout fidelity with Alluxio 1.x, whose version mounted the ramdisk with sudo and started the
# custom AlluxioWorkerExecutor. This stand-in mounts nothing and runs the worker in the foreground.
# alluxio-mesos does not call it; its launch command does the same.
set -e
script_dir=$(cd -P -- "$(dirname -- "$0")" && pwd -P)
. "${script_dir}/alluxio-env-mesos.sh"
. "${script_dir}/common.sh"
exec "${JAVA}" -cp "${ALLUXIO_SERVER_CLASSPATH}" ${ALLUXIO_WORKER_JAVA_OPTS} \
  -Dalluxio.home="${ALLUXIO_HOME}" -Dalluxio.logs.dir="${ALLUXIO_LOGS_DIR}" \
  -Dalluxio.logger.type=WORKER_LOGGER \
  -Dalluxio.master.hostname="${ALLUXIO_MASTER_HOSTNAME}" \
  -Dalluxio.worker.tieredstore.level0.dirs.quota="${ALLUXIO_WORKER_MEMORY_SIZE:-1GB}" \
  alluxio.worker.AlluxioWorker
