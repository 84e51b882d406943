#!/usr/bin/env bash
# Benchmark: the issue-4 cell scenarios through the whole command (loader,
# world, RAN, cell engine, writers): a hex layout of 7 sites x 3 sectors,
# 10 UEs per cell (210 UEs), 10 MHz, 3GPP UMa with shadowing, Rayleigh
# fading, PF, full buffer, 10 simulated seconds, downlink then downlink +
# uplink (target: under 10 s wall on a 2-core machine); then 19 sites x 3
# sectors with 20 UEs per cell, 1140 UEs (must finish; its peak memory is
# reported). Prints
# wall time, events/s and peak RSS (GNU time, when installed). Reports,
# never fails.
set -u
# Arithmetic on decimals (awk: in every base system, unlike bc).
calc() { awk "BEGIN { print $1 }"; }
cd "$(dirname "$0")/../.."
WISIM=${WISIM:-build/wisim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
DURATION=${BENCH_DURATION:-10s}

scenario() { # scenario RINGS UPLINK PER_CELL
  cat <<INI
[simulation]
duration = $DURATION
metrics_interval = 0s

[radio]
pathloss = 3gpp-uma
fading = rayleigh

[layout macro]
rings = $1
isd = 500m
sectors = 3
wrap_around = yes
antenna_gain = 14dBi

[ue users]
placement = per-cell
per_cell = $3

[host server]

[flow down]
from = server
to = users
type = full-buffer
INI
  if [ "$2" = yes ]; then
    printf '\n[flow up]\nfrom = users\nto = server\ntype = full-buffer\n'
  fi
}

one() { # one NAME RINGS UPLINK PER_CELL
  scenario "$2" "$3" "$4" >"$tmp/$1.ini"
  local t0 t1 rss=""
  t0=$(date +%s.%N)
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%M' -o "$tmp/$1.rss" "$WISIM" run "$tmp/$1.ini" -o "$tmp/$1" --quiet ||
      { echo "bench-hex $1: run failed"; return; }
    rss=$(tail -1 "$tmp/$1.rss")
  else
    "$WISIM" run "$tmp/$1.ini" -o "$tmp/$1" --quiet || { echo "bench-hex $1: run failed"; return; }
  fi
  t1=$(date +%s.%N)
  local events eps se p5
  events=$(grep -o '"events" *: *[0-9]*' "$tmp/$1/summary.json" | grep -o '[0-9]*$')
  eps=$(grep -o '"events_per_s" *: *[0-9.e+]*' "$tmp/$1/summary.json" | grep -o '[0-9.e+]*$')
  se=$(grep -o '"cell_spectral_efficiency_dl_bit_s_hz" *: *[0-9.e+-]*' "$tmp/$1/summary.json" | grep -o '[0-9.e+-]*$')
  p5=$(grep -o '"ue_throughput_p5_dl_bps" *: *[0-9.e+-]*' "$tmp/$1/summary.json" | grep -o '[0-9.e+-]*$')
  # One event is one slot of every cell: events/s counts slots, not packets.
  printf 'bench-hex %s: %s simulated, wall %.2f s, %s events (%.0f events/s), peak RSS %s MB, cell SE DL %.3f bit/s/Hz, 5%%-ile UE DL %.3f Mbit/s\n' \
    "$1" "$DURATION" "$(calc "$t1 - $t0")" "$events" "$eps" \
    "$([ -n "$rss" ] && calc "$rss / 1024" || echo n/a)" "$se" "$(calc "$p5 / 1000000")"
}

one 7x3-dl 1 no 10
one 7x3-dl-ul 1 yes 10
one 19x3-dl-1140ues 2 no 20
