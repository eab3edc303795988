#!/bin/sh
# Writes ordo.pc into the directory $1, pointing at an uninstalled build of this
# checkout, so that `#cgo pkg-config: ordo` finds the library just built.
# An installed Ordo ships its own ordo.pc under the same name.
#   bindings/go/dev-pkgconfig.sh /tmp/ordo-pc [LIB_DIR]
#   PKG_CONFIG_PATH=/tmp/ordo-pc LD_LIBRARY_PATH=LIB_DIR go test ./...
# LIB_DIR is the directory holding libordo.so: the second argument, else
# $ORDO_LIB_DIR, else <root>/build/lib. The headers are <root>/include (or
# $ORDO_INCLUDE_DIR). The version is the one ordo.h declares.
set -eu
if [ $# -lt 1 ] || [ $# -gt 2 ] || [ -z "$1" ]; then
  echo "usage: $0 <directory> [lib-dir]" >&2
  exit 2
fi
root=$(cd "$(dirname "$0")/../.." && pwd)
lib_dir=${2:-${ORDO_LIB_DIR:-$root/build/lib}}
include_dir=${ORDO_INCLUDE_DIR:-$root/include}
case $lib_dir in /*) ;; *) lib_dir=$(pwd)/$lib_dir ;; esac
if [ ! -e "$lib_dir/libordo.so" ]; then
  echo "dev-pkgconfig.sh: no libordo.so in $lib_dir (build it, or pass its directory)" >&2
  exit 1
fi
version=$(sed -n 's/^#define ORDO_VERSION_STRING "\(.*\)"$/\1/p' "$include_dir/ordo.h")
mkdir -p "$1"
cat >"$1/ordo.pc" <<PC
includedir=$include_dir
libdir=$lib_dir

Name: ordo
Description: Ordo BPMN 2.0 workflow engine, C ABI (uninstalled build)
Version: $version
Cflags: -I\${includedir}
Libs: -L\${libdir} -lordo
PC
