#!/bin/sh
# Tests the Go binding and runs the Go example against a built libordo.so.
# Callable from any directory, for any build directory; ctest runs it with
# ORDO_LIB_DIR set to the directory it built the library in.
#
# Environment:
#   ORDO_LIB_DIR          where libordo.so is (default: <root>/build/lib)
#   ORDO_INCLUDE_DIR      where ordo.h is (default: <root>/include)
#   ORDO_PKG_CONFIG_PATH  use this PKG_CONFIG_PATH (holding an ordo.pc) instead
#                         of generating one for ORDO_LIB_DIR
#   ORDO_GO_RACE=0        test without the race detector
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
lib_dir=${ORDO_LIB_DIR:-$root/build/lib}
case $lib_dir in /*) ;; *) lib_dir=$(pwd)/$lib_dir ;; esac  # relative to the caller

if ! command -v go >/dev/null 2>&1; then
  echo "run_tests.sh: go is not installed (Debian: apt-get install golang-go)" >&2
  exit 1
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/ordo-go-tests.XXXXXX")
trap 'rm -rf "$scratch"' EXIT INT TERM

if [ -n "${ORDO_PKG_CONFIG_PATH:-}" ]; then
  PKG_CONFIG_PATH=$ORDO_PKG_CONFIG_PATH
else
  "$here/dev-pkgconfig.sh" "$scratch/pkgconfig" "$lib_dir"
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
