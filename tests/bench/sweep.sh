#!/usr/bin/env bash
# Benchmark: a sweep of 4 points x 10 replications of scenarios/default.ini
# with --jobs 2, against the sum of the single runs' wall times: each of the
# 40 runs started alone as `wisim run` (what a user would do without a
# sweep), and, for reference, the simulation loop's own wall_s from their
# summary.json. Target: ratio <= 0.6, i.e. both cores used. Reports, never
# fails.
set -u
cd "$(dirname "$0")/../.."
WISIM=${WISIM:-build/wisim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# 40 runs of a few milliseconds each measure the thread pool more than the
# simulator: BENCH_DURATION (e.g. 100s) lengthens every run.
dur=${BENCH_DURATION:-}
set_dur=()
[ -n "$dur" ] && set_dur=(--set "simulation.duration=$dur")
vary='flow upload.rate=1Mbit/s,2Mbit/s,3Mbit/s,3.5Mbit/s'
now() { date +%s.%N; }
t0=$(now)
"$WISIM" sweep scenarios/default.ini --vary "$vary" --runs 10 --jobs 1 "${set_dur[@]}" -o "$tmp/j1" --quiet || { echo "bench-sweep: sweep --jobs 1 failed"; exit 0; }
t1=$(now)
"$WISIM" sweep scenarios/default.ini --vary "$vary" --runs 10 --jobs 2 "${set_dur[@]}" -o "$tmp/j2" --quiet || { echo "bench-sweep: sweep --jobs 2 failed"; exit 0; }
t2=$(now)
# The same 40 runs, one `wisim run` each, timed one by one.
singles=0
for rate in 1Mbit/s 2Mbit/s 3Mbit/s 3.5Mbit/s; do
  for r in 0 1 2 3 4 5 6 7 8 9; do
    a=$(now)
    "$WISIM" run scenarios/default.ini --set "flow upload.rate=$rate" "${set_dur[@]}" \
      --set "simulation.runs=1" -o "$tmp/single" --quiet >/dev/null 2>&1
    b=$(now)
    singles=$(awk -v s="$singles" -v a="$a" -v b="$b" 'BEGIN{printf "%.6f", s + b - a}')
  done
done
loop=$(grep -h '"wall_s"' "$tmp"/j1/points/*/runs/*/summary.json | sed 's/[^0-9.e-]//g' | awk '{s+=$1} END{printf "%.3f", s}')
awk -v s="$singles" -v l="$loop" -v a="$t0" -v b="$t1" -v c="$t2" -v cores="$(nproc)" 'BEGIN{
  w1 = b - a; w2 = c - b;
  printf "bench-sweep: 4 points x 10 runs of default.ini: 40 single runs %.3f s (their simulation loops alone %.3f s); sweep --jobs 1 %.3f s; --jobs 2 %.3f s\n", s, l, w1, w2;
  printf "bench-sweep: ratio wall(sweep --jobs 2) / sum(single runs) = %.2f (target <= 0.6; %d cores); --jobs 2 / --jobs 1 = %.2f\n", (s > 0 ? w2 / s : 0), cores, (w1 > 0 ? w2 / w1 : 0) }'
cmp -s "$tmp/j1/sweep.csv" "$tmp/j2/sweep.csv" && echo "bench-sweep: sweep.csv identical for --jobs 1 and 2" || echo "bench-sweep: WARNING sweep.csv differs between --jobs 1 and 2"
exit 0
