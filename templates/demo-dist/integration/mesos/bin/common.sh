#!/usr/bin/env bash
#
# STAND-IN for Alluxio: NOT Alluxio. See STAND-IN.md at the top of this distribution.
#
# Sourced by the other scripts here: loads libexec/alluxio-config.sh, as in Alluxio 1.x.
. "${ALLUXIO_LIBEXEC_DIR:-$(cd -P -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)/../../../libexec}/alluxio-config.sh"
