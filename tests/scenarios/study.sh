#!/usr/bin/env bash
# End-to-end tests of the study commands, in TAP for prove: replications in
# threads (results independent of --jobs), aggregate.csv, provenance and
# --replay, sweeps with common random numbers, sequential stopping, the
# plan/task/merge path against a threaded sweep, and SIGINT.
set -u
cd "$(dirname "$0")/../.."
WISIM=${WISIM:-build/wisim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "#   $l"; done; }
status_is() { # status_is WANT DESCRIPTION COMMAND...
  local want=$1 d=$2; shift 2
  "$@" >"$tmp/stdout" 2>"$tmp/stderr"; local got=$?
  if [ "$got" -eq "$want" ]; then ok "$d"; else not_ok "$d" "exit $got, wanted $want" "$(head -c 1500 "$tmp/stderr")"; fi
}
same() { # same DESCRIPTION FILE1 FILE2
  if cmp -s "$2" "$3"; then ok "$1"; else not_ok "$1" "$(diff "$2" "$3" 2>&1 | head -10)"; fi
}
has() { # has DESCRIPTION PATTERN FILE
  if grep -q -e "$2" "$3"; then ok "$1"; else not_ok "$1" "no \"$2\" in $3" "$(head -c 800 "$3")"; fi
}
# summary.json without its wall-clock fields (and build flags, which a
# replay by another build may change).
strip_wall() { grep -v -e '"wall_s"' -e '"events_per_s"' "$1"; }
sc=scenarios/default.ini

# ---- help ----------------------------------------------------------------
status_is 0 "run --help" "$WISIM" run --help
for w in -- --runs --jobs --precision --metric --max-runs --replay --task aggregate.csv 130; do
  grep -q -e "$w" "$tmp/stdout" || { not_ok "run --help explains $w"; continue; }
  ok "run --help explains $w"
done
status_is 0 "sweep --help" "$WISIM" sweep --help
for w in --vary --plan 'Common random numbers' sweep.csv docs/cluster.md --independent; do
  grep -q -e "$w" "$tmp/stdout" && ok "sweep --help explains $w" || not_ok "sweep --help explains $w"
done
status_is 0 "merge --help" "$WISIM" merge --help

# ---- replications: identical whatever --jobs --------------------------------
status_is 0 "run --runs 4 --jobs 1" "$WISIM" run $sc --runs 4 --jobs 1 -o "$tmp/j1" --quiet
status_is 0 "run --runs 4 --jobs 2" "$WISIM" run $sc --runs 4 --jobs 2 -o "$tmp/j2" --quiet
same "aggregate.csv is byte-identical for J=1 and J=2" "$tmp/j1/aggregate.csv" "$tmp/j2/aggregate.csv"
for r in 000 001 002 003; do
  for f in flows.csv links.csv timeseries.csv scenario.ini; do
    cmp -s "$tmp/j1/runs/$r/$f" "$tmp/j2/runs/$r/$f" || { not_ok "runs/$r/$f identical for J=1 and J=2"; continue 2; }
  done
  ok "runs/$r files identical for J=1 and J=2"
done
cmp -s "$tmp/j1/runs/000/flows.csv" "$tmp/j1/runs/001/flows.csv" && not_ok "runs differ from each other" || ok "runs differ from each other"
head -1 "$tmp/j1/aggregate.csv" >"$tmp/h"
echo "file,entity,metric,mean,sd,ci95,n" >"$tmp/hw"
same "aggregate.csv header" "$tmp/h" "$tmp/hw"
has "aggregate.csv has the video throughput over 4 runs" '^flows.csv,video,throughput_bps,[0-9.e+]*,[0-9.e+-]*,[0-9.e+-]*,4$' "$tmp/j1/aggregate.csv"
has "aggregate.csv has link directions" '^links.csv,bottleneck edge->core,mean_queue_packets,' "$tmp/j1/aggregate.csv"
grep -q ',retransmissions,' "$tmp/j1/aggregate.csv" && not_ok "empty fields (UDP retransmissions) are not counted as zeros" || ok "empty fields (UDP retransmissions) are not counted as zeros"
# The mean in aggregate.csv is the mean of the runs' values.
want=$(for r in 000 001 002 003; do awk -F, 'NR==1{for(i=1;i<=NF;i++)c[$i]=i} $1=="upload"{print $c["sent_packets"]}' "$tmp/j1/runs/$r/flows.csv"; done | awk '{s+=$1} END{printf "%.12g", s/NR}')
got=$(awk -F, '$2=="upload" && $3=="sent_packets"{print $4}' "$tmp/j1/aggregate.csv")
[ "$want" = "$got" ] && ok "aggregate mean = mean of the runs ($got)" || not_ok "aggregate mean = mean of the runs" "want $want got $got"

# ---- provenance and replay ---------------------------------------------------
s="$tmp/j1/runs/002/summary.json"
for k in wisim_version build_flags scenario_sha256 overrides seed run_index events events_per_s complete; do
  grep -q "\"$k\"" "$s" && ok "summary.json has $k" || not_ok "summary.json has $k"
done
has "summary.json run_index is 2" '"run_index" : 2' "$s"
sha=$(sha256sum "$tmp/j1/runs/002/scenario.ini" | cut -d' ' -f1)
has "scenario_sha256 is the SHA-256 of scenario.ini" "$sha" "$s"
status_is 0 "run with overrides and a seed" "$WISIM" run $sc --set 'flow upload.rate=5Mbit/s' --seed 9 -o "$tmp/o" --quiet
has "summary.json lists the overrides" 'flow upload.rate=5Mbit/s' "$tmp/o/summary.json"
for d in "$tmp/o" "$tmp/j1/runs/002"; do
  status_is 0 "replay $(basename "$d")" "$WISIM" run --replay "$d" -o "$tmp/replay" --quiet
  for f in flows.csv links.csv timeseries.csv scenario.ini report.html; do
    [ -e "$d/$f" ] || continue # report.html: where this build writes one
    same "replay of $(basename "$d"): $f byte-identical" "$d/$f" "$tmp/replay/$f"
  done
  strip_wall "$d/summary.json" >"$tmp/s1"; strip_wall "$tmp/replay/summary.json" >"$tmp/s2"
  same "replay of $(basename "$d"): summary.json identical but for wall-clock fields" "$tmp/s1" "$tmp/s2"
  rm -rf "$tmp/replay"
done
status_is 0 "replay defaults to DIR/replay" "$WISIM" run --replay "$tmp/o" --quiet
[ -s "$tmp/o/replay/flows.csv" ] && ok "DIR/replay/flows.csv written" || not_ok "DIR/replay/flows.csv written"
status_is 2 "replay of a folder without summary.json is bad input" "$WISIM" run --replay "$tmp" --quiet
status_is 2 "replay with a scenario argument is a usage error" "$WISIM" run $sc --replay "$tmp/o"

# ---- sweeps ---------------------------------------------------------------------
vary1='flow upload.rate=2Mbit/s,3Mbit/s'
vary2='link bottleneck.queue_limit=20p|50p'
status_is 0 "sweep 2x2 points x 3 runs" "$WISIM" sweep $sc --vary "$vary1" --vary "$vary2" --runs 3 --jobs 2 -o "$tmp/sw" --quiet
for p in 000 001 002 003; do
  [ -s "$tmp/sw/points/$p/runs/002/flows.csv" ] && [ -s "$tmp/sw/points/$p/aggregate.csv" ] && ok "point $p has its runs and aggregate.csv" || not_ok "point $p has its runs and aggregate.csv"
done
echo 'point,flow upload.rate,link bottleneck.queue_limit,file,entity,metric,mean,sd,ci95,n' >"$tmp/hw"
head -1 "$tmp/sw/sweep.csv" >"$tmp/h"
same "sweep.csv header: point, a column per varied key, statistics" "$tmp/h" "$tmp/hw"
has "sweep.csv point 3 is (3Mbit/s, 50p)" '^3,3Mbit/s,50p,flows.csv,video,throughput_bps,' "$tmp/sw/sweep.csv"
has "sweep.csv point 1 is (2Mbit/s, 50p)" '^1,2Mbit/s,50p,flows.csv,' "$tmp/sw/sweep.csv"
has "sweep.csv has n = 3" ',3$' "$tmp/sw/sweep.csv"
has "points share seeds (common random numbers)" '"seed" : 1,' "$tmp/sw/points/003/runs/001/summary.json"
has "the point's overrides are in its summary.json" 'link bottleneck.queue_limit=50p' "$tmp/sw/points/003/runs/001/summary.json"

# plan + tasks + merge = the threaded sweep, byte for byte
status_is 0 "sweep --plan" "$WISIM" sweep $sc --vary "$vary1" --vary "$vary2" --runs 3 --plan "$tmp/plan"
ntasks=$(ls "$tmp/plan/tasks" | wc -l)
[ "$ntasks" -eq 12 ] && ok "plan has 12 tasks (4 points x 3 runs)" || not_ok "plan has 12 tasks" "found $ntasks"
[ ! -e "$tmp/plan/points" ] && ok "--plan runs nothing" || not_ok "--plan runs nothing"
fail=0
for t in "$tmp"/plan/tasks/*; do "$WISIM" run --quiet --task "$t" || fail=1; done
[ $fail -eq 0 ] && ok "every task runs" || not_ok "every task runs"
status_is 0 "merge the plan" "$WISIM" merge "$tmp/plan"
same "plan/task/merge sweep.csv = threaded sweep.csv" "$tmp/sw/sweep.csv" "$tmp/plan/sweep.csv"
same "plan/task/merge point aggregate = threaded" "$tmp/sw/points/002/aggregate.csv" "$tmp/plan/points/002/aggregate.csv"
same "a task's flows.csv = the threaded run's" "$tmp/sw/points/002/runs/001/flows.csv" "$tmp/plan/points/002/runs/001/flows.csv"
status_is 0 "merge of a replicated run folder" "$WISIM" merge "$tmp/j2"
same "merge rewrites the same aggregate.csv" "$tmp/j1/aggregate.csv" "$tmp/j2/aggregate.csv"
status_is 2 "merge of an empty folder is bad input" "$WISIM" merge "$tmp/plan/tasks"

# bad sweeps: nothing runs
status_is 2 "sweep without --vary" "$WISIM" sweep $sc -o "$tmp/bad1"
status_is 2 "sweep with a malformed --vary" "$WISIM" sweep $sc --vary 'flow upload.rate' -o "$tmp/bad2"
status_is 2 "sweep with an invalid value" "$WISIM" sweep $sc --vary 'flow upload.rate=2Mbit/s,fast' -o "$tmp/bad3"
has "the invalid value is reported" 'found "fast"' "$tmp/stderr"
[ ! -e "$tmp/bad3" ] && ok "nothing is written for an invalid sweep" || not_ok "nothing is written for an invalid sweep"

# Common random numbers: the CI of the paired difference between two points
# is narrower than with independent seeds. Two rates of a congested
# bottleneck see the same arrivals under CRN, so their delays move together.
cmp_vary='link bottleneck.rate=7.8Mbit/s,8Mbit/s'
"$WISIM" sweep $sc --vary "$cmp_vary" --runs 10 -o "$tmp/crn" --quiet
"$WISIM" sweep $sc --vary "$cmp_vary" --runs 10 -o "$tmp/ind" --quiet --independent
diff_hw() { # 95% half-width of the paired difference of video delay_mean_s
  for r in $(seq -f %03g 0 9); do
    for p in 000 001; do
      awk -F, 'NR==1{for(i=1;i<=NF;i++)c[$i]=i} $1=="video"{printf "%s ", $c["delay_mean_s"]}' "$1/points/$p/runs/$r/flows.csv"
    done; echo
  done | awk '{d=$2-$1; n++; s+=d; ss+=d*d} END{m=s/n; v=(ss-n*m*m)/(n-1); printf "%.9g", 2.262157*sqrt(v/n)}'
}
hw_crn=$(diff_hw "$tmp/crn"); hw_ind=$(diff_hw "$tmp/ind")
if awk -v a="$hw_crn" -v b="$hw_ind" 'BEGIN{exit !(a > 0 && a < b)}'; then
  ok "CRN: CI of the paired difference ($hw_crn s) narrower than independent ($hw_ind s)"
else
  not_ok "CRN: CI of the paired difference narrower than independent" "crn $hw_crn ind $hw_ind"
fi
has "--independent gives point 1 seed 2" '"seed" : 2,' "$tmp/ind/points/001/runs/000/summary.json"

# ---- sequential stopping ------------------------------------------------------------
status_is 0 "run --precision" "$WISIM" run $sc --precision 2% --metric flows.csv:upload:throughput_bps --max-runs 40 --jobs 2 -o "$tmp/prec"
has "--precision says how many runs it took" 'reached after [0-9]* runs' "$tmp/stdout"
has "study.json records the stopping" '"precision_reached" : true' "$tmp/prec/study.json"
runs=$(ls "$tmp/prec/runs" | wc -l)
nagg=$(awk -F, '$2=="upload" && $3=="throughput_bps"{print $7}' "$tmp/prec/aggregate.csv")
[ "$runs" = "$nagg" ] && [ "$runs" -ge 2 ] && ok "aggregate n = the runs made ($runs)" || not_ok "aggregate n = the runs made" "runs $runs n $nagg"
read -r mean hw < <(awk -F, '$2=="upload" && $3=="throughput_bps"{print $4, $6}' "$tmp/prec/aggregate.csv")
awk -v m="$mean" -v h="$hw" 'BEGIN{exit !(h <= 0.02 * m)}' && ok "the ci95 is within 2% of the mean" || not_ok "the ci95 is within 2% of the mean" "mean $mean hw $hw"
status_is 0 "run --precision stops at --max-runs" "$WISIM" run $sc --precision 0.01% --metric flows:upload:throughput_bps --max-runs 3 --jobs 1 -o "$tmp/prec2" --quiet
has "study.json says the precision was not reached" '"precision_reached" : false' "$tmp/prec2/study.json"
has "study.json has 3 runs" '"runs" : 3' "$tmp/prec2/study.json"
status_is 2 "an unknown --metric is bad input" "$WISIM" run $sc --precision 5% --metric flows.csv:nosuch:throughput_bps -o "$tmp/prec3" --quiet
status_is 2 "--precision without --metric" "$WISIM" run $sc --precision 5%
status_is 2 "a bad --precision" "$WISIM" run $sc --precision 150% --metric flows:video:throughput_bps
status_is 0 "sweep --precision" "$WISIM" sweep $sc --vary "$vary1" --precision 3% --metric flows.csv:upload:throughput_bps --max-runs 20 -o "$tmp/sprec" --quiet
has "sweep study.json" '"runs" :' "$tmp/sprec/study.json"

# ---- interruption -------------------------------------------------------------------
# A long run, SIGINT once it has started: the run in progress stops at an
# event boundary with complete = false, the pending runs are not started,
# no temporary or half-written file remains, exit status 130.
"$WISIM" run $sc --set 'simulation.duration=200000s' --runs 3 --jobs 1 -o "$tmp/int" --quiet &
pid=$!
for _ in $(seq 100); do [ -d "$tmp/int/runs/000" ] && break; sleep 0.1; done
sleep 1
kill -INT $pid
wait $pid; st=$?
[ $st -eq 130 ] && ok "SIGINT: exit status 130" || not_ok "SIGINT: exit status 130" "got $st"
has "SIGINT: the partial run says complete = false" '"complete" : false' "$tmp/int/runs/000/summary.json"
[ -s "$tmp/int/runs/000/flows.csv" ] && [ -s "$tmp/int/runs/000/links.csv" ] && ok "SIGINT: the partial run's CSV files are written" || not_ok "SIGINT: the partial run's CSV files are written"
[ ! -e "$tmp/int/runs/001" ] && ok "SIGINT: pending replications are not started" || not_ok "SIGINT: pending replications are not started"
find "$tmp/int" -name '*tmp-*' | grep -q . && not_ok "SIGINT: no temporary file left" || ok "SIGINT: no temporary file left"
rows=$(wc -l <"$tmp/int/runs/000/flows.csv")
[ "$rows" -eq 4 ] && ok "SIGINT: flows.csv is whole (header + 3 flows)" || not_ok "SIGINT: flows.csv is whole" "$rows lines"
has "SIGINT: aggregate.csv is written (no complete run: header only)" '^file,entity' "$tmp/int/aggregate.csv"
has "SIGINT: study.json says incomplete" '"complete" : false' "$tmp/int/study.json"
"$WISIM" run $sc --set 'simulation.duration=200000s' -o "$tmp/term" --quiet &
pid=$!
for _ in $(seq 100); do [ -d "$tmp/term" ] && break; sleep 0.1; done
sleep 1
kill -TERM $pid
wait $pid; st=$?
[ $st -eq 143 ] && ok "SIGTERM: exit status 143" || not_ok "SIGTERM: exit status 143" "got $st"
has "SIGTERM: summary.json says complete = false" '"complete" : false' "$tmp/term/summary.json"

echo "1..$n"
[ $fails -eq 0 ]
