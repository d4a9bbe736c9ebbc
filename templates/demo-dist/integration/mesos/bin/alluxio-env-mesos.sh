#!/usr/bin/env bash
#
# STAND-IN for Alluxio: NOT Alluxio. See STAND-IN.md at the top of this distribution.
#
# Layout fidelity with Alluxio 1.x: the old Mesos tasks sourced this to point ALLUXIO_CONF_DIR and
# ALLUXIO_LOGS_DIR into the task sandbox and to write the site properties shipped in an environment
# variable. alluxio-mesos does not use it: its launch command writes conf/ itself and ships no
# configuration (and no secrets) through the environment.
export ALLUXIO_CONF_DIR="${MESOS_SANDBOX:-.}/conf"
export ALLUXIO_LOGS_DIR="${MESOS_SANDBOX:-.}/logs"
mkdir -p "${ALLUXIO_CONF_DIR}" "${ALLUXIO_LOGS_DIR}"
if [[ -n "${ALLUXIO_MESOS_SITE_PROPERTIES_CONTENT}" ]]; then
  printf '%s\n' "${ALLUXIO_MESOS_SITE_PROPERTIES_CONTENT}" > "${ALLUXIO_CONF_DIR}/alluxio-site.properties"
fi
if [[ -z "${ALLUXIO_RAM_FOLDER}" ]]; then
  if [[ $(uname -s) == Darwin ]]; then
    export ALLUXIO_RAM_FOLDER=/Volumes/ramdisk
  else
    export ALLUXIO_RAM_FOLDER=/mnt/ramdisk
  fi
fi
