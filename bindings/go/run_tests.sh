#!/bin/sh
# Tests the Go binding and runs the Go example against the library in the
# build tree (build/lib/libordo.so). Callable from any directory; CI runs it.
#
# Environment:
#   ORDO_PKG_CONFIG_PATH  use this PKG_CONFIG_PATH (holding an ordo.pc) instead
#                         of generating one for the build tree
#   ORDO_LIB_DIR          where libordo.so is (default: <root>/build/lib)
#   ORDO_GO_RACE=0        test without the race detector
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
lib_dir=${ORDO_LIB_DIR:-$root/build/lib}

if ! command -v go >/dev/null 2>&1; then
  echo "run_tests.sh: go is not installed (Debian: apt-get install golang-go)" >&2
  exit 1
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/ordo-go-tests.XXXXXX")
trap 'rm -rf "$scratch"' EXIT INT TERM

if [ -n "${ORDO_PKG_CONFIG_PATH:-}" ]; then
  PKG_CONFIG_PATH=$ORDO_PKG_CONFIG_PATH
else
  "$here/dev-pkgconfig.sh" "$scratch/pkgconfig"
  PKG_CONFIG_PATH=$scratch/pkgconfig
fi
export PKG_CONFIG_PATH
export LD_LIBRARY_PATH="$lib_dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export GOPROXY=off GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=1
export GOCACHE="${GOCACHE:-/tmp/ordo-go-cache}"
export GOPATH="${GOPATH:-/tmp/ordo-go-path}"

race=-race
if [ "${ORDO_GO_RACE:-1}" = 0 ]; then
  race=
fi

echo "== go vet (bindings/go)"
(cd "$here" && go vet ./...)
echo "== go test $race (bindings/go)"
(cd "$here" && go test $race -count=1 ./...)
echo "== go vet, go run (examples/go)"
(cd "$root/examples/go" && go vet ./... && go run . "$scratch/example.db")
echo "go binding ok"
