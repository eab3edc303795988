#!/usr/bin/env bash
# Runs the transcribed Flowable and Camunda 7 test cases through `ordo scenario`,
# prints the pass rate per suite and package, and fails when a case outside
# known-misses.txt fails or a listed one passes (then it must leave the list).
set -uo pipefail
ordo=$1
here=$(cd "$(dirname "$0")" && pwd)
misses=$(grep -v '^#' "$here/known-misses.txt" | awk 'NF {print $1}')
bad=0
printf '%-9s %-16s %6s %6s %7s\n' suite package cases pass rate
for suite in flowable camunda; do
  total=0 passed=0
  for dir in "$here/$suite"/*/; do
    [ -d "$dir" ] || continue
    pkg=$(basename "$dir")
    out=$("$ordo" scenario "$dir")
    n=0 p=0
    while read -r status file rest; do
      case=$suite/$pkg/$(basename "${file%:}")
      n=$((n + 1))
      listed=0
      grep -qxF "$case" <<<"$misses" && listed=1
      if [ "$status" = PASS ]; then
        p=$((p + 1))
        [ $listed -eq 1 ] && { echo "NOW PASSES, remove from known-misses.txt: $case"; bad=1; }
      else
        [ $listed -eq 0 ] && { echo "UNEXPECTED FAILURE: $case: $rest"; bad=1; }
      fi
    done < <(grep -E '^(PASS|FAIL) ' <<<"$out")
    total=$((total + n)) passed=$((passed + p))
    printf '%-9s %-16s %6d %6d %6s%%\n' "$suite" "$pkg" "$n" "$p" "$(awk -v p=$p -v n=$n 'BEGIN{printf "%.1f", n ? 100*p/n : 0}')"
  done
  printf '%-9s %-16s %6d %6d %6s%%\n' "$suite" "ALL" "$total" "$passed" "$(awk -v p=$passed -v n=$total 'BEGIN{printf "%.1f", n ? 100*p/n : 0}')"
done
exit $bad
