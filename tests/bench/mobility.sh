#!/usr/bin/env bash
# Benchmark: what mobility and handover cost a system-level run (issue 5:
# "the hex 7x3 scenario with 210 UEs at 3-30 m/s and handover on stays
# within 1.5x the wall time of the same scenario with static UEs"). The
# 7 sites x 3 sectors of tests/bench/hex.sh (UMa with shadowing, Rayleigh
# fading, wrap-around, PF, full buffer), 210 UEs moving by random waypoint
# at 3..30 m/s (pause 0) over the cluster, [handover] with its defaults,
# 10 simulated seconds; against the same scenario with
# `--set 'ue users.mobility=static'` (uniform placement in the same area,
# measurements and A3 still running), and for reference static UEs without
# the [handover] group (no measurement rounds at all), and static UEs
# whose fading runs at the moving UEs' mean speed (see below). Prints wall
# and CPU times, the ratios, handovers and radio link failures. Reports,
# never fails.
set -u
# Arithmetic on decimals (awk: in every base system, unlike bc).
calc() { awk "BEGIN { print $1 }"; }
cd "$(dirname "$0")/../.."
WISIM=${WISIM:-build/wisim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
DURATION=${BENCH_DURATION:-10s}

scenario() { # scenario WITH_HANDOVER
  cat <<INI
[simulation]
duration = $DURATION
metrics_interval = 0s

[radio]
pathloss = 3gpp-uma
fading = rayleigh

[layout macro]
rings = 1
isd = 500m
sectors = 3
wrap_around = yes
antenna_gain = 14dBi

[ue users]
count = 210
mobility = random-waypoint
speed = 3..30m/s
pause = 0s
area = -750, -650, 750, 650

[host server]

[flow down]
from = server
to = users
type = full-buffer
INI
  [ "$1" = yes ] && printf '\n[handover]\n'
}

# The machine is often shared: the CPU time (user + sys, GNU time when
# installed) is printed too, and is the steadier of the two ratios.
wall=
cpu=
one() { # one NAME INI [--set ...]: sets $wall and $cpu
  local name=$1 ini=$2
  shift 2
  local t0 t1 timer=()
  [ -x /usr/bin/time ] && timer=(/usr/bin/time -f '%U %S' -o "$tmp/$name.time")
  t0=$(date +%s.%N)
  if ! "${timer[@]}" "$WISIM" run "$ini" -o "$tmp/$name" --quiet "$@" 2>"$tmp/$name.err"; then
    echo "bench-mobility $name: run failed: $(head -c 300 "$tmp/$name.err")"
    wall=
    cpu=
    return
  fi
  t1=$(date +%s.%N)
  wall=$(calc "$t1 - $t0")
  cpu=
  [ -s "$tmp/$name.time" ] && cpu=$(tail -1 "$tmp/$name.time" | awk '{ print $1 + $2 }')
  local events ho rlf
  events=$(grep -o '"events" *: *[0-9]*' "$tmp/$name/summary.json" | grep -o '[0-9]*$')
  ho=$(awk -F, 'NR > 1 && $5 == "handover"' "$tmp/$name/handovers.csv" 2>/dev/null | wc -l)
  rlf=$(awk -F, 'NR > 1 && $5 == "rlf"' "$tmp/$name/handovers.csv" 2>/dev/null | wc -l)
  printf 'bench-mobility %s: %s simulated, wall %.2f s, CPU %s s, %s events, %s handovers, %s radio link failures\n' \
    "$name" "$DURATION" "$wall" "${cpu:-n/a}" "$events" "$ho" "$rlf"
}

scenario yes >"$tmp/moving.ini"
scenario no >"$tmp/plain.ini"
one moving "$tmp/moving.ini"
w_moving=$wall c_moving=$cpu
one static "$tmp/moving.ini" --set 'ue users.mobility=static'
w_static=$wall c_static=$cpu
one static-no-handover "$tmp/plain.ini" --set 'ue users.mobility=static'
w_plain=$wall
# Fading costs more at a higher Doppler (the fading table is read further
# apart from slot to slot: cache misses). Static UEs faded at the moving
# UEs' mean speed, (30 - 3) / ln(30 / 3) = 11.7 m/s = 42 km/h (random
# waypoint's stationary mean, pause 0), separate that from mobility itself.
one static-doppler-42kmh "$tmp/moving.ini" --set 'ue users.mobility=static' \
  --set 'radio.doppler_speed=42km/h'
w_doppler=$wall c_doppler=$cpu
if [ -n "$w_moving" ] && [ -n "$w_static" ]; then
  printf 'bench-mobility: moving / static wall time = %.2f (issue 5 target: <= 1.5)' \
    "$(calc "$w_moving / $w_static")"
  [ -n "$c_moving" ] && [ -n "$c_static" ] &&
    printf ', CPU time = %.2f' "$(calc "$c_moving / $c_static")"
  [ -n "$w_plain" ] && printf '; static with / without [handover] = %.2f' \
    "$(calc "$w_static / $w_plain")"
  [ -n "$w_doppler" ] && printf '; moving / static at 42 km/h Doppler = %.2f' \
    "$(calc "$w_moving / $w_doppler")"
  [ -n "$c_moving" ] && [ -n "$c_doppler" ] &&
    printf ' (CPU %.2f)' "$(calc "$c_moving / $c_doppler")"
  printf '\n'
fi
