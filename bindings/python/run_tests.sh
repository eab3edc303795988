#!/bin/sh
# Tests of the Python binding, then the example. Usage: run_tests.sh [path/to/libordo.so]
# The library defaults to build/lib/libordo.so of this checkout (/work/main/build/lib/libordo.so here).
# Runs from the project root whatever the current directory.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
lib=${1:-$root/build/lib/libordo.so}
case $lib in /*) ;; *) lib=$(pwd)/$lib ;; esac  # a relative argument means relative to the caller
cd "$root"
export ORDO_LIBRARY="$lib"
export PYTHONDONTWRITEBYTECODE=1
# -p no:cacheprovider: leave no .pytest_cache in the project root
/usr/bin/python3 -m pytest -q -p no:cacheprovider bindings/python/tests
PYTHONPATH="$root/bindings/python${PYTHONPATH:+:$PYTHONPATH}" /usr/bin/python3 examples/python/leave_approval.py
