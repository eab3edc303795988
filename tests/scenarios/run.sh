#!/usr/bin/env bash
# Runs every scenario of the corpus and of bpmn-samples/ through `ordo scenario`.
# Fails when a scenario outside pending.txt fails, or when a pending one passes.
set -uo pipefail
ordo=$1 root=$2
here=$(dirname "$0")
out=$("$ordo" scenario "$root/bpmn-samples/scenarios" "$root/tests/corpus/executable" "$root/tests/scenarios/own" "$root/tests/scenarios/approval")
echo "$out"
pending=$(grep -v '^#' "$here/pending.txt" | awk '{print $1}')
bad=0
while read -r status file rest; do
  name=$(basename "${file%:}")
  listed=0
  grep -qxF "$name" <<<"$pending" && listed=1
  if [ "$status" = FAIL ] && [ $listed -eq 0 ]; then echo "UNEXPECTED FAILURE: $name"; bad=1; fi
  if [ "$status" = PASS ] && [ $listed -eq 1 ]; then echo "NOW PASSES, remove from pending.txt: $name"; bad=1; fi
done < <(grep -E '^(PASS|FAIL) ' <<<"$out")
echo "pending (later issues): $(grep -vc '^#' "$here/pending.txt")"
exit $bad
