#!/usr/bin/env bash
#
# STAND-IN for Alluxio: NOT Alluxio. See STAND-IN.md at the top of this distribution.
#
# Layout fidelity with Alluxio 1.x, whose version started the custom AlluxioMasterExecutor (and
# needed libmesos). This stand-in runs the master in the foreground instead, formatting the journal
# only when it was never formatted. alluxio-mesos does not call it; its launch command does the same.
set -e
script_dir=$(cd -P -- "$(dirname -- "$0")" && pwd -P)
. "${script_dir}/alluxio-env-mesos.sh"
. "${script_dir}/common.sh"
"${ALLUXIO_HOME}/bin/alluxio" format -s
exec "${JAVA}" -cp "${ALLUXIO_SERVER_CLASSPATH}" ${ALLUXIO_MASTER_JAVA_OPTS} \
  -Dalluxio.home="${ALLUXIO_HOME}" -Dalluxio.logs.dir="${ALLUXIO_LOGS_DIR}" \
  -Dalluxio.logger.type=MASTER_LOGGER alluxio.master.AlluxioMaster
