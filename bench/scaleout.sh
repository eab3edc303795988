#!/usr/bin/env bash
# Scale-out under wrk: 1, 2 and 3 ordo-server processes on one local PostgreSQL database
# (docs/scale-out.md), beside one server on a SQLite file, in the same run. Load: start-instance
# requests of the leave-approval sample (one durable command each), one wrk per server with
# CONNS connections each; commands/s is the sum over the servers, p99 the worst server's.
#   bench/scaleout.sh ORDO_SERVER SECONDS [CONNS]   prints "bench=scaleout ..." lines
# Without ORDO_TEST_POSTGRES it runs itself under scripts/with-postgres (a throwaway cluster).
set -euo pipefail
server=$1 seconds=${2:-10} conns=${3:-16}
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${ORDO_TEST_POSTGRES:-}" ]; then
  exec "$here/../scripts/with-postgres" "$0" "$@"
fi
dir=$(mktemp -d)
# The servers start in command substitutions (subshells): their pids go to a file.
stop_all() {
  [ -f "$dir/pids" ] || return 0
  while read -r p; do kill "$p" 2>/dev/null || true; done <"$dir/pids"
  while read -r p; do while kill -0 "$p" 2>/dev/null; do sleep 0.1; done; done <"$dir/pids"
  rm -f "$dir/pids"
}
trap 'stop_all; rm -rf "$dir"' EXIT
# Durable on both sides: SQLite synchronous=FULL, PostgreSQL synchronous_commit on (the
# throwaway cluster itself runs with fsync off: the figures compare the engines' work, not disks).
echo '{"limits": {"ratePerSecond": 0}, "durability": "full"}' >"$dir/config.json"
auth="Basic $(printf 'employee:employee-pass' | base64)"
export ORDO_AUTH=$auth ORDO_BENCH_DIR=$here ORDO_OP=start ORDO_CONNS=$conns

# start_server N DB [first]: the URL of a new server on DB
start_server() {
  local n=$1 db=$2 first=${3:-}
  local extra=()
  [ -n "$first" ] && extra=(--deploy "$here/../bpmn-samples" --sample-users)
  "$server" --listen 127.0.0.1:0 --db "$db" "${extra[@]}" --access-log off --audit-log off \
    --config "$dir/config.json" >"$dir/out$n" 2>"$dir/err$n" &
  echo $! >>"$dir/pids"
  for _ in $(seq 200); do grep -q listening "$dir/out$n" 2>/dev/null && break; sleep 0.1; done
  local url
  url=$(head -1 "$dir/out$n" | sed 's/.* on //')
  [ -n "$url" ] || { cat "$dir/err$n" >&2; exit 1; }
  curl -sf -H "Authorization: $auth" "$url/engine-rest/version" >/dev/null  # warms the credential cache
  echo "$url"
}

# load BACKEND SERVERS URL...: one wrk per server at once; one summed line
load() {
  local backend=$1 servers=$2
  shift 2
  local i=0
  for url in "$@"; do
    wrk -t1 -c"$conns" -d"${seconds}s" -s "$here/server_start.lua" \
      "$url/engine-rest/process-definition/key/leaveApproval/start" >"$dir/wrk$i" &
    i=$((i + 1))
  done
  wait
  cat "$dir"/wrk* | grep '^bench=' | /usr/bin/env python3 -c '
import sys
rows = [dict(kv.split("=", 1) for kv in l.split()) for l in sys.stdin]
rps = sum(float(r["requests_per_s"]) for r in rows)
p99 = max(int(r["p99_us"]) for r in rows)
failed = sum(int(r["failed"]) for r in rows)
print("bench=scaleout backend=%s servers=%s conns_per_server=%s commands_per_s=%.0f p99_us=%d failed=%d" %
      (sys.argv[1], sys.argv[2], sys.argv[3], rps, p99, failed))' "$backend" "$servers" "$conns"
  rm -f "$dir"/wrk*
}

# SQLite: one server on a file (a SQLite file serves one process).
url=$(start_server 0 "$dir/bench.db" first)
load sqlite 1 "$url"
stop_all

for n in 1 2 3; do
  db="$ORDO_TEST_POSTGRES?schema=bench_$n"
  urls=("$(start_server 0 "$db" first)")
  for k in $(seq 2 "$n"); do urls+=("$(start_server "$k" "$db")"); done
  load postgres "$n" "${urls[@]}"
  stop_all
done
