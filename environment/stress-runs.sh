#!/usr/bin/env bash
# Fresh `clipmem reproduce` runs back to back, counting failures and crashes: the check that the main job no
# longer crashes. A crash the job runner absorbed (a child killed by a signal, retried from its checkpoint)
# is counted too, from the run's log, so a retry never hides one.
#   environment/stress-runs.sh [TINY_RUNS=20] [QUICK_RUNS=5]
set -uo pipefail
cd "$(dirname "$0")/.."
tiny=${1:-20}
quick=${2:-5}
dotnet build src/ClipMem.Cli -c Release -v q -nologo >/dev/null || { echo "build failed"; exit 1; }
cli=src/ClipMem.Cli/bin/Release/net10.0/ClipMem.Cli
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs), $(nproc) cores"
total_failed=0
total_crashes=0
for spec in "tiny $tiny" "quick $quick"; do
  set -- $spec
  preset=$1 runs=$2 failed=0 crashes=0 times=()
  for i in $(seq 1 "$runs"); do
    out="$scratch/$preset-$i"
    start=$(date +%s.%N)
    "$cli" reproduce --preset "$preset" --out "$out" >"$scratch/log" 2>&1
    rc=$?
    seconds=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    times+=("$seconds")
    retried=$(grep -c "retrying once" "$scratch/log")
    crashes=$((crashes + retried))
    if [ "$rc" -ne 0 ]; then
      failed=$((failed + 1))
      cp "$scratch/log" "runs/stress-$preset-$i.log" 2>/dev/null || true
      echo "$preset run $i: exit $rc after ${seconds}s; last lines:"; tail -5 "$scratch/log"
    else
      printf '%s run %d: ok in %.1f s%s\n' "$preset" "$i" "$seconds" "$([ "$retried" -gt 0 ] && echo ", $retried crashed job(s) retried")"
    fi
    rm -rf "$out"
  done
  sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  printf '%s: %d runs, %d failed, %d crashed jobs (retried); wall min %.1f s, median %.1f s, max %.1f s\n' "$preset" "$runs" "$failed" "$crashes" \
    "$(echo "$sorted" | head -1)" "$(echo "$sorted" | sed -n "$(( (runs + 1) / 2 ))p")" "$(echo "$sorted" | tail -1)"
  total_failed=$((total_failed + failed))
  total_crashes=$((total_crashes + crashes))
done
[ "$total_failed" -eq 0 ] && [ "$total_crashes" -eq 0 ]
