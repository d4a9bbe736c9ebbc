#!/usr/bin/env bash
#
# STAND-IN for Alluxio: NOT Alluxio. See STAND-IN.md at the top of this distribution.
#
# Minimal alluxio-start.sh: starts the stand-in master and/or worker on this host in the background,
# with the same JVM command lines as Alluxio 1.x, and records their pids in ${ALLUXIO_LOGS_DIR}.

USAGE="Usage: alluxio-start.sh [-h] ACTION
Where ACTION is one of:
  local    Start a master and a worker on this host (formats the journal if it never was)
  master   Start the master on this host
  worker   Start a worker on this host"

bin=$(cd -P -- "$(dirname -- "$0")" && pwd -P)
. "${ALLUXIO_LIBEXEC_DIR:-${bin}/../libexec}/alluxio-config.sh"

start_process() {
  local role=$1 main_class=$2 opts=$3
  mkdir -p "${ALLUXIO_LOGS_DIR}"
  local pid_file="${ALLUXIO_LOGS_DIR}/${role}.pid"
  if [[ -f "${pid_file}" ]] && kill -0 "$(cat "${pid_file}")" 2>/dev/null; then
    echo "The ${role} is already running (pid $(cat "${pid_file}"))"
    return 0
  fi
  echo "Starting ${role} @ $(hostname). Logging to ${ALLUXIO_LOGS_DIR}"
  nohup "${JAVA}" -cp "${ALLUXIO_SERVER_CLASSPATH}" ${opts} "${main_class}" \
    > "${ALLUXIO_LOGS_DIR}/${role}.out" 2>&1 < /dev/null &
  echo $! > "${pid_file}"
}

case "$1" in
  local)
    "${bin}/alluxio" format -s || exit 1
    start_process master alluxio.master.AlluxioMaster "${ALLUXIO_MASTER_JAVA_OPTS}"
    start_process worker alluxio.worker.AlluxioWorker "${ALLUXIO_WORKER_JAVA_OPTS}"
    ;;
  master)
    start_process master alluxio.master.AlluxioMaster "${ALLUXIO_MASTER_JAVA_OPTS}"
    ;;
  worker)
    start_process worker alluxio.worker.AlluxioWorker "${ALLUXIO_WORKER_JAVA_OPTS}"
    ;;
  *)
    echo "${USAGE}"
    [[ "$1" == "-h" ]] && exit 0
    exit 1
    ;;
esac
