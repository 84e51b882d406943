#!/usr/bin/env bash
# Benchmark: a sweep of 4 points x 10 replications of scenarios/default.ini
# with --jobs 2, against the sum of the single runs' wall times (the wall_s
# of each run of the same sweep run with --jobs 1). Target: ratio <= 0.6,
# i.e. both cores used. Reports, never fails.
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
sum=$(grep -h '"wall_s"' "$tmp"/j1/points/*/runs/*/summary.json | sed 's/[^0-9.e-]//g' | awk '{s+=$1} END{printf "%.3f", s}')
awk -v s="$sum" -v a="$t0" -v b="$t1" -v c="$t2" -v cores="$(nproc)" 'BEGIN{
  w1 = b - a; w2 = c - b;
  printf "bench-sweep: 4 points x 10 runs of default.ini: sum of single-run wall times %.3f s; sweep --jobs 1 %.3f s; --jobs 2 %.3f s\n", s, w1, w2;
  printf "bench-sweep: ratio wall(--jobs 2) / sum(single runs) = %.2f (target <= 0.6; %d cores)\n", (s > 0 ? w2 / s : 0), cores }'
cmp -s "$tmp/j1/sweep.csv" "$tmp/j2/sweep.csv" && echo "bench-sweep: sweep.csv identical for --jobs 1 and 2" || echo "bench-sweep: WARNING sweep.csv differs between --jobs 1 and 2"
exit 0
