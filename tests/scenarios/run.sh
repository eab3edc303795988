#!/usr/bin/env bash
# Runs every scenario of the corpus and of bpmn-samples/ through `ordo scenario`.
# Fails when a scenario outside pending.txt fails, or when a pending one passes.
set -uo pipefail
ordo=$1 root=$2
here=$(dirname "$0")
# ORDO_TEST_BACKEND=postgres: the same scenarios on PostgreSQL (ORDO_TEST_POSTGRES, from
# scripts/with-postgres); skipped (77) without it.
db=()
if [ "${ORDO_TEST_BACKEND:-}" = postgres ]; then
  [ -n "${ORDO_TEST_POSTGRES:-}" ] || { echo "no ORDO_TEST_POSTGRES: skipped (scripts/with-postgres)"; exit 77; }
  db=(--db "$ORDO_TEST_POSTGRES")
fi
out=$("$ordo" scenario "${db[@]}" "$root/bpmn-samples/scenarios" "$root/tests/corpus/executable" "$root/tests/scenarios/own" "$root/tests/scenarios/approval")
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
