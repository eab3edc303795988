#!/usr/bin/env bash
# `ordo validate` and `ordo inspect` as a user runs them: output format and exit status.
set -uo pipefail
ordo=$1 root=$2
fail() { echo "FAIL: $*"; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

"$ordo" validate "$root"/bpmn-samples/*.bpmn > "$tmp/out"; [ $? -eq 0 ] || fail "samples should be valid: $(cat "$tmp/out")"
grep -q ': error:' "$tmp/out" && fail "samples report errors"

"$ordo" validate "$root"/tests/corpus/bpmn-moddle/error/duplicate-ids.bpmn > "$tmp/out"; rc=$?
[ $rc -eq 1 ] || fail "broken file: exit $rc, want 1"
grep -Eq '^.*duplicate-ids.bpmn:[0-9]+:[0-9]+: error: duplicate id .test. .* \[test\]' "$tmp/out" || fail "format: $(cat "$tmp/out")"

"$ordo" validate --json "$root"/tests/corpus/bpmn-moddle/error/not-bpmn.bpmn > "$tmp/out"; rc=$?
[ $rc -eq 1 ] || fail "json: exit $rc"
/usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); d=r[0]["diagnostics"][0]; assert r[0]["valid"] is False and d["code"]=="not_bpmn" and d["line"]>0, r' "$tmp/out" || fail "json shape"

"$ordo" validate > /dev/null 2>&1; [ $? -eq 2 ] || fail "no file: want exit 2"
"$ordo" validate --bogus x.bpmn > /dev/null 2>&1; [ $? -eq 2 ] || fail "bad option: want exit 2"
"$ordo" frobnicate > /dev/null 2>&1; [ $? -eq 2 ] || fail "bad command: want exit 2"
"$ordo" validate "$tmp/missing.bpmn" > /dev/null 2>&1; [ $? -eq 1 ] || fail "missing file: want exit 1"

"$ordo" inspect "$root"/bpmn-samples/leave-approval.bpmn > "$tmp/out" || fail "inspect failed"
grep -q '^process leaveApproval' "$tmp/out" || fail "inspect: no process line"
grep -q 'userTask (2): managerApproval directorApproval' "$tmp/out" || fail "inspect: tasks by kind: $(cat "$tmp/out")"
grep -q 'managerApproval -> managerDecision' "$tmp/out" || fail "inspect: flow graph"
echo "cli ok"
