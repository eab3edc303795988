#!/usr/bin/env bash
# Installs the built Ordo into a temporary prefix, then builds a consumer with
# find_package(ordo) and another with pkg-config, and runs both.
set -euo pipefail
build=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
cmake -S "$src" -B "$tmp/cmake-build" -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null
cmake --build "$tmp/cmake-build" >/dev/null
"$tmp/cmake-build/consumer"
export PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig:$tmp/prefix/lib/x86_64-linux-gnu/pkgconfig"
sed -i "s|^prefix=.*|prefix=$tmp/prefix|" "$tmp"/prefix/lib*/pkgconfig/ordo*.pc
g++ "$src/main.cpp" -o "$tmp/pc-consumer" $(pkg-config --cflags ordo-cxx) $(pkg-config --libs --static ordo-cxx)
"$tmp/pc-consumer"
# The C ABI through pkg-config ordo: libordo.so, found at run time by its SONAME.
gcc -std=c99 "$src/main.c" -o "$tmp/c-consumer" $(pkg-config --cflags --libs ordo)
LD_LIBRARY_PATH=$(pkg-config --variable=libdir ordo) "$tmp/c-consumer"
