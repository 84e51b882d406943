#!/usr/bin/env bash
# End-to-end tests of the `wisim` command, in TAP for prove: the ready
# scenarios against their golden results at a fixed seed, byte-identical
# reruns, broken scenarios against their exact error output, exit statuses.
# UPDATE_GOLDEN=1 rewrites the golden files (review the diff before committing).
set -u
cd "$(dirname "$0")/../.."
WISIM=${WISIM:-build/wisim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "#   $l"; done; }
check() { # check DESCRIPTION COMMAND...: passes when the command succeeds
  local d=$1; shift
  if "$@" >"$tmp/out" 2>&1; then ok "$d"; else not_ok "$d" "$(head -c 2000 "$tmp/out")"; fi
}
status_is() { # status_is WANT DESCRIPTION COMMAND...
  local want=$1 d=$2; shift 2
  "$@" >"$tmp/stdout" 2>"$tmp/stderr"; local got=$?
  if [ "$got" -eq "$want" ]; then ok "$d"; else not_ok "$d" "exit $got, wanted $want" "$(head -c 1500 "$tmp/stderr")"; fi
}

# ---- the command itself ----------------------------------------------------
status_is 0 "--help exits 0" "$WISIM" --help
grep -q 'wisim run scenarios/default.ini' "$tmp/stdout" && ok "--help shows a first example" || not_ok "--help shows a first example"
status_is 0 "--version exits 0" "$WISIM" --version
grep -q '^wisim [0-9]' "$tmp/stdout" && ok "--version names the version" || not_ok "--version names the version"
status_is 0 "run --help exits 0" "$WISIM" run --help
status_is 2 "no command is a usage error" "$WISIM"
status_is 2 "an unknown command is a usage error" "$WISIM" frobnicate
status_is 2 "run without a scenario is a usage error" "$WISIM" run
status_is 2 "an unknown option is a usage error" "$WISIM" run scenarios/default.ini --no-such-option
status_is 2 "a missing scenario file is bad input" "$WISIM" run "$tmp/none.ini" -o "$tmp/none"
[ ! -e "$tmp/none" ] && ok "nothing is written for a missing file" || not_ok "nothing is written for a missing file"
status_is 2 "a bad --seed is a usage error" "$WISIM" run scenarios/default.ini --seed -3
status_is 0 "list models" "$WISIM" list models
grep -q 'droptail' "$tmp/stdout" && ok "list models names droptail" || not_ok "list models names droptail" "$(cat "$tmp/stdout")"
status_is 0 "list scenarios" "$WISIM" list scenarios
grep -q 'default.ini' "$tmp/stdout" && ok "list scenarios shows default.ini" || not_ok "list scenarios shows default.ini"

# ---- ready scenarios: valid, golden, reproducible ----------------------------
for sc in scenarios/*.ini; do
  name=$(basename "$sc" .ini)
  status_is 0 "check $sc" "$WISIM" check "$sc"
  status_is 0 "run $sc" "$WISIM" run "$sc" -o "$tmp/$name" --quiet
  for f in flows.csv links.csv timeseries.csv summary.json scenario.ini; do
    [ -s "$tmp/$name/$f" ] && ok "$name writes $f" || not_ok "$name writes $f"
  done
  ls "$tmp/$name" | grep -q 'tmp-' && not_ok "$name leaves no temporary file" || ok "$name leaves no temporary file"
  grep -q '"complete" *: *true' "$tmp/$name/summary.json" && ok "$name summary says complete" || not_ok "$name summary says complete"
  cmp -s "$sc" "$tmp/$name/scenario.ini" && ok "$name scenario.ini is the scenario as run" || not_ok "$name scenario.ini is the scenario as run"
  golden=tests/scenarios/golden/$name
  # Scenarios with cells also write cells.csv, ues.csv and coverage.csv.
  files="flows.csv links.csv timeseries.csv"
  for f in cells.csv ues.csv coverage.csv; do [ -e "$tmp/$name/$f" ] && files="$files $f"; done
  for f in $files; do
    if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then mkdir -p "$golden"; cp "$tmp/$name/$f" "$golden/$f"; fi
    if cmp -s "$golden/$f" "$tmp/$name/$f"; then ok "$name $f matches its golden file"
    else not_ok "$name $f matches its golden file" "$(diff "$golden/$f" "$tmp/$name/$f" 2>&1 | head -20)"; fi
  done
  status_is 0 "rerun $sc" "$WISIM" run "$sc" -o "$tmp/$name-again" --quiet
  for f in $files scenario.ini; do
    cmp -s "$tmp/$name/$f" "$tmp/$name-again/$f" && ok "$name $f is byte-identical on a rerun" || not_ok "$name $f is byte-identical on a rerun"
  done
done

# No leaks and no invalid accesses under valgrind (the sanitizer build has
# its own checks and does not run under valgrind).
if command -v valgrind >/dev/null 2>&1 && [ "${WISIM_SANITIZE:-0}" != 1 ]; then
  for sc in scenarios/*.ini; do
    name=$(basename "$sc" .ini)
    status_is 0 "valgrind: $sc runs without leaks or memory errors" valgrind -q --leak-check=full \
      --errors-for-leak-kinds=definite,indirect --error-exitcode=9 "$WISIM" run "$sc" -o "$tmp/vg-$name" --quiet
  done
else
  echo "# valgrind checks skipped (no valgrind, or a sanitizer build)"
fi

# Another seed gives other numbers (the Poisson flow of default.ini).
status_is 0 "run default.ini with --seed 2" "$WISIM" run scenarios/default.ini -o "$tmp/seed2" --seed 2 --quiet
cmp -s "$tmp/default/flows.csv" "$tmp/seed2/flows.csv" && not_ok "another seed changes flows.csv" || ok "another seed changes flows.csv"
grep -q '"seed" *: *2' "$tmp/seed2/summary.json" && ok "summary.json records the seed" || not_ok "summary.json records the seed"

# Overrides: applied, recorded in summary.json and in the scenario as run.
status_is 0 "run with --set" "$WISIM" run scenarios/default.ini -o "$tmp/set" --quiet --set 'flow upload.rate=4Mbit/s' --set 'simulation.duration=3s'
grep -q '^rate = 4Mbit/s' "$tmp/set/scenario.ini" && ok "--set is applied in scenario.ini" || not_ok "--set is applied in scenario.ini" "$(grep -n rate "$tmp/set/scenario.ini")"
grep -q 'flow upload.rate=4Mbit/s' "$tmp/set/summary.json" && ok "--set is recorded in summary.json" || not_ok "--set is recorded in summary.json"
grep -q '"simulated_s" *: *3' "$tmp/set/summary.json" && ok "--set simulation.duration takes effect" || not_ok "--set simulation.duration takes effect" "$(grep simulated "$tmp/set/summary.json")"
status_is 0 "the scenario as run reruns to the same results" "$WISIM" run "$tmp/set/scenario.ini" -o "$tmp/replay" --quiet
cmp -s "$tmp/set/flows.csv" "$tmp/replay/flows.csv" && ok "scenario.ini alone reproduces flows.csv" || not_ok "scenario.ini alone reproduces flows.csv"
status_is 2 "a bad --set value is bad input" "$WISIM" run scenarios/default.ini -o "$tmp/badset" --set 'link bottleneck.rate=fast'
grep -q "expected a data rate" "$tmp/stderr" && ok "a bad --set value says what was expected" || not_ok "a bad --set value says what was expected" "$(cat "$tmp/stderr")"
[ ! -e "$tmp/badset" ] && ok "nothing is written for a bad --set" || not_ok "nothing is written for a bad --set"

# ---- broken scenarios: exact messages, exit 2, nothing written ----------------
for bad in tests/scenarios/bad/*.ini; do
  expected=${bad%.ini}.expected
  "$WISIM" check "$bad" >"$tmp/stdout" 2>"$tmp/stderr"; got=$?
  [ "$got" -eq 2 ] && ok "check $bad exits 2" || not_ok "check $bad exits 2" "exit $got"
  if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then cp "$tmp/stderr" "$expected"; fi
  if cmp -s "$expected" "$tmp/stderr"; then ok "check $bad prints the expected errors"
  else not_ok "check $bad prints the expected errors" "$(diff "$expected" "$tmp/stderr" 2>&1 | head -20)"; fi
  "$WISIM" run "$bad" -o "$tmp/bad-out" --quiet >/dev/null 2>&1; got=$?
  [ "$got" -eq 2 ] && ok "run $bad exits 2" || not_ok "run $bad exits 2" "exit $got"
  [ ! -e "$tmp/bad-out" ] && ok "run $bad writes nothing" || not_ok "run $bad writes nothing"
done

echo "1..$n"
[ "$fails" -eq 0 ]
