#!/usr/bin/env bash
#
# STAND-IN for Alluxio: NOT Alluxio. See STAND-IN.md at the top of this distribution.
#
# Sourced, never executed, by bin/alluxio, bin/alluxio-start.sh, integration/mesos/bin/*.sh and by
# the launch command of alluxio-mesos. It defines the same variables as libexec/alluxio-config.sh of
# Alluxio 1.x, so a command written against this file works against a real distribution:
#
#   ALLUXIO_HOME              the distribution root (derived from this file's location)
#   ALLUXIO_CONF_DIR          kept when already set, else ${ALLUXIO_HOME}/conf
#   ALLUXIO_LOGS_DIR          kept when already set, else ${ALLUXIO_HOME}/logs
#   JAVA                      the program that runs Alluxio's main classes
#   ALLUXIO_SERVER_CLASSPATH / ALLUXIO_CLIENT_CLASSPATH
#   ALLUXIO_JAVA_OPTS, ALLUXIO_MASTER_JAVA_OPTS, ALLUXIO_WORKER_JAVA_OPTS, ALLUXIO_USER_JAVA_OPTS
#
# The one difference: JAVA is libexec/standin-java, which accepts a JVM command line and runs the
# Node stand-ins. A real distribution finds a real JVM (JAVA_HOME or `java` on PATH) instead.

# Where this file lives, with symbolic links resolved.
standin_config_source="${BASH_SOURCE[0]:-$0}"
standin_libexec_dir=$(cd -P -- "$(dirname -- "${standin_config_source}")" && pwd -P)

VERSION=@ALLUXIO_VERSION@
ALLUXIO_HOME=$(dirname -- "${standin_libexec_dir}")
ALLUXIO_ASSEMBLY_CLIENT_JAR="${ALLUXIO_HOME}/assembly/client/target/alluxio-assembly-client-${VERSION}-jar-with-dependencies.jar"
ALLUXIO_ASSEMBLY_SERVER_JAR="${ALLUXIO_HOME}/assembly/server/target/alluxio-assembly-server-${VERSION}-jar-with-dependencies.jar"
ALLUXIO_CONF_DIR="${ALLUXIO_CONF_DIR:-${ALLUXIO_HOME}/conf}"
ALLUXIO_LOGS_DIR="${ALLUXIO_LOGS_DIR:-${ALLUXIO_HOME}/logs}"

if [[ -e "${ALLUXIO_CONF_DIR}/alluxio-env.sh" ]]; then
  . "${ALLUXIO_CONF_DIR}/alluxio-env.sh"
fi

# Set after alluxio-env.sh on purpose: whatever JAVA a site configures, this distribution can only
# run its stand-ins. JAVA_HOME is left alone (the stand-ins log it, so a fetched JDK is visible).
JAVA="${ALLUXIO_HOME}/libexec/standin-java"

if [[ -n "${ALLUXIO_MASTER_ADDRESS}" && -z "${ALLUXIO_MASTER_HOSTNAME}" ]]; then
  echo "ALLUXIO_MASTER_ADDRESS is deprecated; use ALLUXIO_MASTER_HOSTNAME instead." >&2
  ALLUXIO_MASTER_HOSTNAME="${ALLUXIO_MASTER_ADDRESS}"
fi

ALLUXIO_JAVA_OPTS+=" -Dalluxio.home=${ALLUXIO_HOME}"
ALLUXIO_JAVA_OPTS+=" -Dalluxio.conf.dir=${ALLUXIO_CONF_DIR} -Dalluxio.logs.dir=${ALLUXIO_LOGS_DIR}"

if [[ -n "${ALLUXIO_RAM_FOLDER}" ]]; then
  ALLUXIO_JAVA_OPTS+=" -Dalluxio.worker.tieredstore.level0.alias=MEM"
  ALLUXIO_JAVA_OPTS+=" -Dalluxio.worker.tieredstore.level0.dirs.path=${ALLUXIO_RAM_FOLDER}"
fi
if [[ -n "${ALLUXIO_MASTER_HOSTNAME}" ]]; then
  ALLUXIO_JAVA_OPTS+=" -Dalluxio.master.hostname=${ALLUXIO_MASTER_HOSTNAME}"
fi
if [[ -n "${ALLUXIO_UNDERFS_ADDRESS}" ]]; then
  ALLUXIO_JAVA_OPTS+=" -Dalluxio.underfs.address=${ALLUXIO_UNDERFS_ADDRESS}"
fi
if [[ -n "${ALLUXIO_WORKER_MEMORY_SIZE}" ]]; then
  ALLUXIO_JAVA_OPTS+=" -Dalluxio.worker.memory.size=${ALLUXIO_WORKER_MEMORY_SIZE}"
fi

ALLUXIO_JAVA_OPTS+=" -Dlog4j.configuration=file:${ALLUXIO_CONF_DIR}/log4j.properties"
ALLUXIO_JAVA_OPTS+=" -Djava.net.preferIPv4Stack=true"

ALLUXIO_CLIENT_CLASSPATH="${ALLUXIO_CONF_DIR}/:${ALLUXIO_CLASSPATH}:${ALLUXIO_ASSEMBLY_CLIENT_JAR}"
ALLUXIO_SERVER_CLASSPATH="${ALLUXIO_CONF_DIR}/:${ALLUXIO_CLASSPATH}:${ALLUXIO_ASSEMBLY_SERVER_JAR}"

# Per-process options start from ALLUXIO_JAVA_OPTS and add the process's log4j logger.
ALLUXIO_MASTER_JAVA_OPTS+=${ALLUXIO_JAVA_OPTS}
ALLUXIO_MASTER_JAVA_OPTS+=" -Dalluxio.logger.type=${ALLUXIO_MASTER_LOGGER:-MASTER_LOGGER}"

ALLUXIO_WORKER_JAVA_OPTS+=${ALLUXIO_JAVA_OPTS}
ALLUXIO_WORKER_JAVA_OPTS+=" -Dalluxio.logger.type=${ALLUXIO_WORKER_LOGGER:-WORKER_LOGGER}"

ALLUXIO_USER_JAVA_OPTS+=${ALLUXIO_JAVA_OPTS}
ALLUXIO_USER_JAVA_OPTS+=" -Dalluxio.logger.type=USER_LOGGER"

unset standin_config_source standin_libexec_dir
