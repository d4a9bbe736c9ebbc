#!/usr/bin/env bash
#
# STAND-IN for Alluxio: NOT Alluxio. See STAND-IN.md at the top of this distribution.
#
# Minimal alluxio-stop.sh: stops what bin/alluxio-start.sh started on this host, by the pids it
# recorded (SIGTERM, which the stand-ins answer by logging "Stopping" and exiting 0).

USAGE="Usage: alluxio-stop.sh [-h] [all|local|master|worker]"

bin=$(cd -P -- "$(dirname -- "$0")" && pwd -P)
. "${ALLUXIO_LIBEXEC_DIR:-${bin}/../libexec}/alluxio-config.sh"

stop_process() {
  local role=$1
  local pid_file="${ALLUXIO_LOGS_DIR}/${role}.pid"
  if [[ ! -f "${pid_file}" ]]; then
    echo "No ${role} was started from ${ALLUXIO_HOME}"
    return 0
  fi
  local pid
  pid=$(cat "${pid_file}")
  if kill -0 "${pid}" 2>/dev/null; then
    kill -TERM "${pid}"
    local waited=0
    while kill -0 "${pid}" 2>/dev/null && [[ ${waited} -lt 50 ]]; do
      sleep 0.1
      waited=$((waited + 1))
    done
    echo "Stopped ${role} (pid ${pid})"
  else
    echo "The ${role} (pid ${pid}) was not running"
  fi
  rm -f "${pid_file}"
}

case "${1:-all}" in
  all | local)
    stop_process worker
    stop_process master
    ;;
  master | worker)
    stop_process "$1"
    ;;
  *)
    echo "${USAGE}"
    [[ "$1" == "-h" ]] && exit 0
    exit 1
    ;;
esac
