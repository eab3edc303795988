#!/usr/bin/env bash
# The regression guard: instructions (callgrind Ir) for APPROVALS leave approvals in memory
# (start + complete, 2 commands each), printed beside the figure recorded for the previous
# release in bench/callgrind-baseline.txt, so that a slowdown shows in review.
#   bench/callgrind.sh BUILD_DIR [APPROVALS]     (default 1000)
# Setup (open, migrations, deploy) is taken out: the count is run(300 + APPROVALS) − run(300)
# (run(2 × APPROVALS) − run(APPROVALS) below 300 approvals).
set -euo pipefail
cd "$(dirname "$0")/.."
bd=${1:?usage: bench/callgrind.sh BUILD_DIR [APPROVALS]}
n=${2:-1000}
bench=$bd/bench/ordo_bench
type=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$bd/CMakeCache.txt")
model=bpmn-samples/leave-approval.bpmn
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ir() {
  valgrind --tool=callgrind --callgrind-out-file="$tmp/out" "$bench" approval "$tmp/db" memory "$1" 1 $model >/dev/null 2>"$tmp/log"
  sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$tmp/log"
}
base=$((n < 300 ? n : 300))  # tiny runs (CI) stay short
a=$(ir $base)
b=$(ir $((base + n)))
per=$(((b - a) / n))
# The recorded figure for this build type: "TYPE IR_PER_APPROVAL COMMIT DATE".
prev=$(awk -v t="$type" '$1 == t { v = $2; c = $3 } END { if (v) print v, c }' bench/callgrind-baseline.txt)
prevIr=${prev%% *}
echo "bench=callgrind build=$type approvals=$n ir_total=$((b - a)) ir_per_approval=$per ir_per_command=$((per / 2)) previous_ir_per_approval=${prevIr:-none} previous_commit=${prev#* }"
