#!/usr/bin/env bash
# End-to-end tests of report.html, in TAP for prove: scenarios/default.ini,
# bufferbloat.ini, hex-7x3.ini (cells) and handover-line.ini (a UE driving
# from cell A to cell B: track, handover mark, handovers table) run, and a small sweep; each report opens in headless
# Chromium with the network unreachable, must load without a console message
# (the page has no script: any message is a failed load or an error), and
# every expected chart must be in the parsed DOM with drawn lines; a run's
# report is byte-identical when run again. Screenshots (1280 x 2400, the top
# of the page) are left in build/test-output/report/ for people to look at.
# Skipped when Chromium is missing (make deps installs it).
set -u
cd "$(dirname "$0")/../.."
WISIM=${WISIM:-build/wisim}
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
  echo "1..0 # SKIP chromium is not installed (make deps installs it)"
  exit 0
fi
out=build/test-output/report
rm -rf "$out"
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "#   $l"; done; }

# Opens $1 (an HTML file) in headless Chromium: the DOM after loading into
# $2.dom, the browser's log into $2.log, a screenshot into $2.png. No
# network: every host name resolves to nothing.
browse() {
  "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$(mktemp -d -p "$tmp")" --host-resolver-rules="MAP * ~NOTFOUND" \
    --enable-logging=stderr --v=0 --window-size=1280,2400 \
    --screenshot="$2.png" --dump-dom "file://$(realpath "$1")" >"$2.dom" 2>"$2.log"
}

# "ID PATHS CIRCLES DRAWN RECTS" for every <svg id=...> of a DOM: its <path>
# and <circle> elements, its series lines with a non-empty path, and its
# <rect> elements (the squares of a coverage grid).
svg_counts() {
  perl -0ne 'while (/<svg\b[^>]*\bid="([^"]+)"[^>]*>(.*?)<\/svg>/sg) {
      my ($id, $body) = ($1, $2);
      my $paths = () = $body =~ /<path\b/g;
      my $circles = () = $body =~ /<circle\b/g;
      my $drawn = () = $body =~ /<path class="series"[^>]*\bd="M[^"]*L/g;
      my $rects = () = $body =~ /<rect\b/g;
      print "$id $paths $circles $drawn $rects\n";
    }' "$1"
}

# check_page NAME HTML CHART_ID...: (ids are awk regular expressions) loads, no console message, the map and
# each chart present and drawn, screenshot kept.
check_page() {
  local name=$1 html=$2
  shift 2
  local base="$out/$name"
  if ! browse "$html" "$base"; then
    not_ok "$name: chromium opens report.html" "$(tail -3 "$base.log")"
    return
  fi
  local console
  console=$(grep -E ':CONSOLE|Uncaught' "$base.log" | head -5)
  if [ -z "$console" ]; then ok "$name: loads without a console message"
  else not_ok "$name: loads without a console message" "$console"; fi
  svg_counts "$base.dom" >"$base.svgs"
  local id missing=""
  for id in "$@"; do
    # A chart: at least one line drawn, and its axes (paths) and points; a
    # grid (grid-*): its axes and more squares than its legend's.
    if ! awk -v id="$id" '$1 ~ ("^" id "$") && $2 >= 2 && ($4 >= 1 || id == "map" || (id ~ /^grid-/ && $5 >= 100)) { f = 1 } END { exit !f }' "$base.svgs"; then
      missing="$missing $id"
    fi
  done
  if [ -z "$missing" ]; then ok "$name: $# charts present and drawn ($*)"
  else not_ok "$name: every expected chart present and drawn" "missing or empty:$missing" \
    "found: $(tr '\n' ';' <"$base.svgs")"; fi
  if [ -s "$base.png" ] && [ "$(stat -c %s "$base.png")" -gt 20000 ]; then
    ok "$name: screenshot in $base.png"
  else
    not_ok "$name: screenshot in $base.png" "missing or nearly blank"
  fi
}

# ---- runs -------------------------------------------------------------------
# default: UDP flows; bufferbloat: TCP (cwnd...) and ping (RTT), no UDP;
# hex-7x3: 21 cells and 210 full-buffer UEs (coverage grids, UE throughput
# CDF, the radio time series).
charts_hex_7x3="map grid-coverage-sinr grid-coverage-server chart-cdf-ue-throughput chart-ts-sinr_db chart-ts-rb_utilisation_dl"
charts_default="map chart-ts-throughput_bps chart-ts-queue_packets chart-ts-utilisation chart-cdf-delay chart-cdf-throughput"
charts_handover_line="map grid-coverage-sinr chart-ts-speed_mps chart-ts-sinr_db chart-cdf-ue-throughput"
# Elements (any tag) the handover-line page must have, in the parsed DOM.
ids_handover_line="map-tracks map-handovers handovers-table"
charts_bufferbloat="map chart-ts-throughput_bps chart-ts-queue_packets chart-ts-utilisation chart-ts-cwnd_bytes chart-ts-bytes_in_flight chart-ts-srtt_s chart-ts-rtt_s chart-cdf-rtt chart-cdf-throughput"
for sc in default bufferbloat hex-7x3 handover-line; do
  dir="$out/$sc"
  if ! "$WISIM" run "scenarios/$sc.ini" -o "$dir" -q 2>"$tmp/$sc.err"; then
    not_ok "$sc: wisim run" "$(head -3 "$tmp/$sc.err")"
    continue
  fi
  if [ -s "$dir/report.html" ]; then ok "$sc: report.html written"
  else not_ok "$sc: report.html written" "no $dir/report.html"; continue; fi
  # Self-contained: nothing to fetch, no script.
  if grep -qE '<script|<link|<img|src=|url\(|@import|href="http' "$dir/report.html"; then
    not_ok "$sc: self-contained" "$(grep -oE '<script|<link|<img|src=|url\(|@import|href="http' "$dir/report.html" | head -3)"
  else ok "$sc: self-contained (no script, link, image or URL)"; fi
  # Deterministic: a second run writes the same bytes.
  "$WISIM" run "scenarios/$sc.ini" -o "$tmp/$sc-again" -q 2>/dev/null
  if cmp -s "$dir/report.html" "$tmp/$sc-again/report.html"; then ok "$sc: report.html identical when run again"
  else not_ok "$sc: report.html identical when run again" "$(cmp "$dir/report.html" "$tmp/$sc-again/report.html")"; fi
  charts=charts_${sc//-/_}
  check_page "$sc" "$dir/report.html" ${!charts}
  ids=ids_${sc//-/_}
  if [ -n "${!ids:-}" ]; then
    missing=""
    for id in ${!ids}; do
      grep -q "id=\"$id\"" "$out/$sc.dom" || missing="$missing $id"
    done
    if [ -z "$missing" ]; then ok "$sc: elements present (${!ids})"
    else not_ok "$sc: elements present" "missing:$missing"; fi
    # The car's one handover: a track drawn and its mark on the map.
    drawn=$(perl -0ne '/<g id="map-tracks">(.*?)<\/g>/s and print scalar(() = $1 =~ /class="track"[^>]*d="M[^"]* L/g)' "$out/$sc.dom")
    marks=$(perl -0ne '/<g id="map-handovers">(.*?)<\/g>/s and print scalar(() = $1 =~ /class="ho"/g)' "$out/$sc.dom")
    if [ "${drawn:-0}" -ge 1 ] && [ "${marks:-0}" -ge 1 ]; then ok "$sc: track ($drawn) and handover marks ($marks) drawn"
    else not_ok "$sc: track and handover marks drawn" "tracks ${drawn:-0}, marks ${marks:-0}"; fi
  fi
done

# ---- a sweep ------------------------------------------------------------------
sweep="$out/sweep"
if "$WISIM" sweep scenarios/default.ini --vary 'flow upload.rate=1Mbit/s,2Mbit/s,3Mbit/s' \
     --set 'simulation.duration=4s' --runs 3 -o "$sweep" -q 2>"$tmp/sweep.err" &&
   [ -s "$sweep/report.html" ]; then
  ok "sweep: report.html written"
  check_page sweep "$sweep/report.html" 'chart-sweep-[0-9]+-throughput_bps' \
    'chart-sweep-[0-9]+-delay_mean_s' 'chart-sweep-[0-9]+-utilisation' \
    'chart-sweep-[0-9]+-mean_queue_packets'
  # Error bars: the upload flow's throughput varies from run to run.
  bars=$(perl -0ne '/id="chart-sweep-\d+-throughput_bps".*?<\/svg>/s and print scalar(() = $& =~ /class="errbar"/g)' "$out/sweep.dom")
  if [ "${bars:-0}" -ge 3 ]; then ok "sweep: error bars drawn ($bars)"
  else not_ok "sweep: error bars drawn" "found ${bars:-0}"; fi
else
  not_ok "sweep: report.html written" "$(head -3 "$tmp/sweep.err")"
fi

echo "# screenshots: $out/*.png"
echo "1..$n"
[ "$fails" -eq 0 ]
