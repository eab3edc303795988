#!/usr/bin/env bash
# libordo.so has a SONAME and exports the ordo_* functions of ordo.h and nothing else.
set -euo pipefail
lib=$1 header=$2
# Read whole outputs first: grep -q stops early, and with pipefail the writer's SIGPIPE would fail the test.
headers=$(objdump -p "$lib")
grep -q 'SONAME *libordo\.so\.0' <<<"$headers" || { echo "no SONAME libordo.so.0"; exit 1; }
extra=$(nm -D --defined-only "$lib" | awk '$2 != "A" {print $3}' | grep -v '^ordo_' || true)
[ -z "$extra" ] || { echo "exported beyond the C ABI: $extra"; exit 1; }
declared=$(grep -oE 'ORDO_EXTERN [^(]*\b(ordo_[a-z_]+)\(' "$header" | grep -oE 'ordo_[a-z_]+\($' | tr -d '(' | sort)
exported=$(nm -D --defined-only "$lib" | awk '{print $3}' | sed 's/@.*//' | grep '^ordo_' | sort)
[ "$declared" = "$exported" ] || { echo "declared and exported differ:"; diff <(echo "$declared") <(echo "$exported"); exit 1; }
echo "exports ok: $(echo "$exported" | wc -l) functions"
