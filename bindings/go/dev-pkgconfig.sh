#!/bin/sh
# Writes ordo.pc into the directory $1, pointing at the build tree of this
# checkout, so that `#cgo pkg-config: ordo` finds the uninstalled library.
# An installed Ordo ships its own ordo.pc under the same name.
#   bindings/go/dev-pkgconfig.sh /tmp/ordo-pc
#   PKG_CONFIG_PATH=/tmp/ordo-pc LD_LIBRARY_PATH=<root>/build/lib go test ./...
set -eu
if [ $# -ne 1 ] || [ -z "$1" ]; then
  echo "usage: $0 <directory>" >&2
  exit 2
fi
root=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$1"
cat >"$1/ordo.pc" <<PC
prefix=$root
includedir=\${prefix}/include
libdir=\${prefix}/build/lib

Name: ordo
Description: Ordo BPMN 2.0 workflow engine, C ABI (development build tree)
Version: 0.1.0
Cflags: -I\${includedir}
Libs: -L\${libdir} -lordo
PC
