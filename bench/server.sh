#!/usr/bin/env bash
# The server under load from wrk on loopback: start-instance and complete-task requests/s
# with p50/p99, on 1 and on 64 connections. Every request is one engine command (durable,
# synchronous=FULL), so requests/s compares with the embedded commands/s of bench/run.
#   bench/server.sh ORDO_SERVER SECONDS   prints "bench=server ..." lines
set -euo pipefail
server=$1 seconds=${2:-10}
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
# One credential drives all the load: its request-rate limit is lifted.
echo '{"limits": {"ratePerSecond": 0}}' >"$dir/config.json"
"$server" --listen 127.0.0.1:0 --db "$dir/bench.db" --deploy "$here/../bpmn-samples" --sample-users --access-log off \
  --config "$dir/config.json" >"$dir/out" 2>"$dir/err" &
pid=$!
for _ in $(seq 100); do grep -q listening "$dir/out" 2>/dev/null && break; sleep 0.1; done
url=$(head -1 "$dir/out" | sed 's/.* on //')
[ -n "$url" ] || { cat "$dir/err" >&2; exit 1; }
auth="Basic $(printf 'manager:manager-pass' | base64)"
export ORDO_AUTH=$auth ORDO_BENCH_DIR=$here
# Warm the credential cache (a first Basic request pays crypto_pwhash once).
curl -sf -H "Authorization: $auth" "$url/engine-rest/version" >/dev/null

for conns in 1 64; do
  threads=$([ "$conns" = 1 ] && echo 1 || echo 2)
  ORDO_OP=start ORDO_CONNS=$conns wrk -t"$threads" -c"$conns" -d"${seconds}s" -s "$here/server_start.lua" \
    "$url/engine-rest/process-definition/key/leaveApproval/start" | grep '^bench='
done
# Every started instance waits at the manager's task: complete them.
curl -sf -H "Authorization: $auth" "$url/engine-rest/task?assignee=manager&sortBy=id&sortOrder=asc" |
  /usr/bin/env python3 -c 'import json,sys; print("ids = {" + ",".join(chr(34)+t["id"]+chr(34) for t in json.load(sys.stdin)) + "}")' \
  >"$dir/ids.lua"
total=$(grep -o '"' "$dir/ids.lua" | wc -l)
echo "bench=server_tasks open_tasks=$((total / 2))"
for conns in 1 64; do
  threads=$([ "$conns" = 1 ] && echo 1 || echo 2)
  ORDO_OP=complete ORDO_CONNS=$conns ORDO_IDS="$dir/ids.lua" ORDO_THREADS=$threads ORDO_SKIP=$([ "$conns" = 1 ] && echo 0 || echo 1) \
    wrk -t"$threads" -c"$conns" -d"$((seconds / 2 > 0 ? seconds / 2 : 1))s" -s "$here/server_complete.lua" "$url" | grep '^bench='
done
