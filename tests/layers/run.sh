#!/bin/sh
# Usage: run.sh CMAKE ROOT GRAPH (GRAPH: the layer list, entries separated by ';').
# The layer check must pass on the real tree and fail, naming the file, when a lower
# layer includes a header of an upper one.
set -eu
cmake=$1 root=$2
graph=$(printf '%s' "$3" | tr ';' '|')
"$cmake" -DROOT="$root/lib" "-DGRAPH=$graph" -P "$root/cmake/CheckLayers.cmake"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/ordo-layers.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
cp -r "$root/lib" "$scratch/lib"
printf '#include "approval/service.hpp"\n' >> "$scratch/lib/runtime/deployed.cpp"
if "$cmake" -DROOT="$scratch/lib" "-DGRAPH=$graph" -P "$root/cmake/CheckLayers.cmake" >"$scratch/out" 2>&1; then
  echo "layers: an upward include (runtime -> approval) was not caught" >&2
  exit 1
fi
grep -q "lib/runtime/deployed.cpp: includes \"approval/...\"" "$scratch/out" || { cat "$scratch/out"; exit 1; }
# The store shows only its interface: the SQLite header is refused above it.
rm -rf "$scratch/lib" && cp -r "$root/lib" "$scratch/lib"
printf '#include "store/store.hpp"\n' >> "$scratch/lib/command/runner.cpp"
if "$cmake" -DROOT="$scratch/lib" "-DGRAPH=$graph" -P "$root/cmake/CheckLayers.cmake" >"$scratch/out" 2>&1; then
  echo "layers: the SQLite store header included above the store was not caught" >&2
  exit 1
fi
grep -q "lib/command/runner.cpp: includes \"store/store.hpp\"" "$scratch/out" || { cat "$scratch/out"; exit 1; }
echo "layers: ok"
