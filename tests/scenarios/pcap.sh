#!/usr/bin/env bash
# End-to-end tests of the traces, in TAP for prove: a scenario with a UDP
# flow, a TCP bulk flow and a ping runs with [trace] pcap and ascii on;
# tshark must decode every packet of every pcap file without a malformed
# packet or an expert error, count the UDP flow's packets as flows.csv does,
# see the same packets and TCP sequence/ACK numbers as the ascii trace, find
# the TCP receiver's ACKs sane and pair every echo reply with its request.
# The loader's checks of [trace] pcap are tested too. Skipped when tshark is
# missing (make deps installs it); the TCP and ping checks are skipped while
# those flows are not supported.
set -u
cd "$(dirname "$0")/../.."
WISIM=${WISIM:-build/wisim}
if ! command -v tshark >/dev/null 2>&1; then
  echo "1..0 # SKIP tshark is not installed (make deps installs it)"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "#   $l"; done; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
is() { # is DESCRIPTION GOT WANT
  if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "got:  $2" "want: $3"; fi
}
# tshark, quiet about running as root; numeric addresses and ports.
ts() { tshark -n "$@" 2>"$tmp/tshark.err"; }
# Column $3 of flows.csv's row for flow $2, by the header's name.
col() { awk -F, -v flow="$2" -v key="$3" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == key) c = i; next }
  $1 == flow { print $c }' "$1"; }

# ---- the scenario ---------------------------------------------------------
# voice: UDP phone -> server; download: TCP server -> laptop across a lossy
# 10 Mbit/s bottleneck (retransmissions and SACK blocks on the wire); probe:
# ICMP echo phone -> server.
write_scenario() { # write_scenario FILE WITH_TCP
  cat >"$1" <<'EOF'
[simulation]
duration = 3s
seed = 1
warmup = 0s
metrics_interval = 0s

[host phone]
[host laptop]
[host server]
[router edge]

[link phone-edge]
between = phone, edge
rate = 100Mbit/s
delay = 1ms

[link laptop-edge]
between = laptop, edge
rate = 100Mbit/s
delay = 1ms

[link bottleneck]
between = edge, core
rate = 10Mbit/s
delay = 10ms
queue_limit = 50p
loss = 0.5%

[link datacentre]
between = core, server
rate = 1Gbit/s
delay = 5ms

[flow voice]
from = phone
to = server
type = cbr
rate = 1Mbit/s
packet_size = 200B

[trace]
pcap = laptop, server, bottleneck
ascii = on
EOF
  if [ "$2" = 1 ]; then
    cat >>"$1" <<'EOF'

[flow download]
from = server
to = laptop
transport = tcp
type = bulk

[flow probe]
from = phone
to = server
type = ping
interval = 100ms
EOF
  fi
}

write_scenario "$tmp/full.ini" 1
tcp=1
if ! "$WISIM" check "$tmp/full.ini" >"$tmp/check.out" 2>&1; then
  if grep -q "not supported yet" "$tmp/check.out"; then
    tcp=0
    echo "# TCP flows are not supported yet: the UDP checks run alone"
  else
    not_ok "the trace scenario is valid" "$(head -c 1500 "$tmp/check.out")"
  fi
fi
sc=$tmp/full.ini
[ "$tcp" = 1 ] || { write_scenario "$tmp/udp.ini" 0; sc=$tmp/udp.ini; }
out=$tmp/out

if "$WISIM" run "$sc" -o "$out" --quiet >"$tmp/run.out" 2>&1; then ok "run with [trace] pcap and ascii on"
else not_ok "run with [trace] pcap and ascii on" "$(head -c 1500 "$tmp/run.out")"; fi

# ---- the files --------------------------------------------------------------
files="laptop.pcap server.pcap bottleneck.edge.pcap bottleneck.core.pcap"
is "one pcap file per traced node and per end of a traced link" \
  "$(cd "$out/pcap" 2>/dev/null && ls | sort | tr '\n' ' ')" "bottleneck.core.pcap bottleneck.edge.pcap laptop.pcap server.pcap "
[ -s "$out/trace.txt" ] && ok "the ascii trace is written to trace.txt" || not_ok "the ascii trace is written to trace.txt"
ls "$out" "$out/pcap" | grep -q 'tmp-' && not_ok "no temporary file is left" || ok "no temporary file is left"

for f in $files; do
  p=$out/pcap/$f
  enc=$(capinfos -E "$p" 2>/dev/null | sed -n 's/^File encapsulation: *//p')
  [ -z "$enc" ] || is "$f is raw IPv4" "$enc" "Raw IPv4"
  bad=$(ts -r "$p" -Y '_ws.malformed || _ws.expert.severity >= 0x800000')
  if [ $? -ne 0 ]; then not_ok "tshark reads $f" "$(head -c 800 "$tmp/tshark.err")"; continue; fi
  is "tshark decodes every packet of $f: no malformed packet, no expert error" "$(echo "$bad" | grep -c .)" 0
  [ -n "$bad" ] && echo "$bad" | head -5 | sed 's/^/#   /'
done

# The pcap files and the ascii trace see the same packets: what a node
# sends onto a wire (-) and receives from one (r).
frames() { if [ -f "$1" ]; then ts -r "$1" -T fields -e frame.number | grep -c .; else echo "no $1"; fi; }
lines_at() { # lines_at NODE [LINK]
  awk -v node="$1" -v link="${2:-}" '($1 == "-" || $1 == "r") && $3 == node && (link == "" || $4 == link)' "$out/trace.txt" | grep -c .
}
is "server.pcap holds the server's sends and receives of the ascii trace" "$(frames "$out/pcap/server.pcap")" "$(lines_at server)"
is "laptop.pcap holds the laptop's sends and receives of the ascii trace" "$(frames "$out/pcap/laptop.pcap")" "$(lines_at laptop)"
is "bottleneck.edge.pcap holds edge's packets on that link only" "$(frames "$out/pcap/bottleneck.edge.pcap")" "$(lines_at edge bottleneck)"
[ "$(lines_at server)" -gt 0 ] && ok "the server saw packets" || not_ok "the server saw packets"

# The UDP flow's packets at its receiver: exactly flows.csv's count (no
# warmup, so every packet counts).
is "tshark counts the voice flow's received packets as flows.csv does" \
  "$(ts -r "$out/pcap/server.pcap" -Y 'udp' -T fields -e frame.number | grep -c .)" \
  "$(col "$out/flows.csv" voice received_packets)"
# Nanosecond timestamps equal the ascii trace's times.
is "pcap times are the simulated times of the ascii trace" \
  "$(ts -r "$out/pcap/laptop.pcap" -T fields -e frame.time_epoch | head -50 | tr '\n' ' ')" \
  "$(awk '($1 == "-" || $1 == "r") && $3 == "laptop" { print $2 }' "$out/trace.txt" | head -50 | tr '\n' ' ')"

# ---- TCP ---------------------------------------------------------------------
tcp_tests=("the TCP numbers at the laptop are those of the ascii trace"
  "the TCP numbers at the server are those of the ascii trace"
  "the connection opens with SYN and SYN-ACK"
  "the receiver never acknowledges a segment it did not see"
  "the receiver's cumulative ACK never goes back"
  "the last ACK covers what flows.csv says was delivered"
  "every echo request reaching the server is answered, and tshark pairs them")
if [ "$tcp" = 1 ]; then
  # "length seq ack" per TCP packet; ack "-" without the ACK flag.
  ts_tcp() {
    ts -r "$1" -Y tcp -o tcp.relative_sequence_numbers:FALSE -T fields -E separator=' ' \
      -e ip.len -e tcp.seq -e tcp.flags.ack -e tcp.ack |
      awk '{ print $1, $2, (($3 == "1" || $3 == "True") ? $4 : "-") }'
  }
  ascii_tcp() {
    awk -v node="$1" '($1 == "-" || $1 == "r") && $3 == node && $8 == "tcp" { print $7, $12, (index($14, ".") ? $13 : "-") }' "$out/trace.txt"
  }
  for node in laptop server; do
    ts_tcp "$out/pcap/$node.pcap" >"$tmp/ts-$node"
    ascii_tcp "$node" >"$tmp/ascii-$node"
    if [ -s "$tmp/ts-$node" ] && cmp -s "$tmp/ts-$node" "$tmp/ascii-$node"; then
      ok "the TCP numbers at the $node are those of the ascii trace"
    else
      not_ok "the TCP numbers at the $node are those of the ascii trace" "$(diff "$tmp/ts-$node" "$tmp/ascii-$node" | head -6)"
    fi
  done
  syns=$(ts -r "$out/pcap/laptop.pcap" -Y 'tcp.flags.syn == 1 && tcp.flags.ack == 0' -T fields -e frame.number | grep -c .)
  synacks=$(ts -r "$out/pcap/laptop.pcap" -Y 'tcp.flags.syn == 1 && tcp.flags.ack == 1' -T fields -e frame.number | grep -c .)
  [ "$syns" -ge 1 ] && [ "$synacks" -ge 1 ] && ok "the connection opens with SYN and SYN-ACK" ||
    not_ok "the connection opens with SYN and SYN-ACK" "SYN $syns, SYN-ACK $synacks"
  is "the receiver never acknowledges a segment it did not see" \
    "$(ts -r "$out/pcap/laptop.pcap" -Y 'tcp.analysis.ack_lost_segment' -T fields -e frame.number | grep -c .)" 0
  # The laptop's ACKs (sent: "-" at laptop), modulo 2^32.
  awk '$1 == "-" && $3 == "laptop" && $8 == "tcp" && index($14, ".") { print $13 }' "$out/trace.txt" >"$tmp/acks"
  back=$(awk 'NR > 1 { d = $1 - prev; if (d < 0) d += 4294967296; if (d >= 2147483648) bad++ } { prev = $1 } END { print bad + 0 }' "$tmp/acks")
  is "the receiver's cumulative ACK never goes back" "$back" 0
  # Relative to the sender's initial sequence number (the SYN-ACK's or the
  # SYN's from the server): ISN + 1 + bytes delivered, give or take the FIN
  # and a delayed ACK not yet sent at the end (at most 2 segments).
  isn=$(awk '$1 == "-" && $3 == "server" && $8 == "tcp" && index($14, "S") { print $12; exit }' "$out/trace.txt")
  last=$(tail -1 "$tmp/acks")
  delivered=$(col "$out/flows.csv" download received_bytes)
  verdict=$(awk -v isn="${isn:-0}" -v last="${last:-0}" -v got="${delivered:-0}" 'BEGIN {
    rel = last - isn - 1; if (rel < 0) rel += 4294967296
    print (rel <= got + 1 && rel + 2 * 1460 >= got && got > 0) ? "ok" : "acked " rel " delivered " got }')
  is "the last ACK covers what flows.csv says was delivered" "$verdict" ok
  requests=$(ts -r "$out/pcap/server.pcap" -Y 'icmp.type == 8' -T fields -e frame.number | grep -c .)
  paired=$(ts -r "$out/pcap/server.pcap" -Y 'icmp.type == 0 && icmp.resp_to' -T fields -e frame.number | grep -c .)
  [ "$requests" -gt 0 ] && [ "$requests" = "$paired" ] &&
    ok "every echo request reaching the server is answered, and tshark pairs them" ||
    not_ok "every echo request reaching the server is answered, and tshark pairs them" "requests $requests, paired replies $paired"
else
  for t in "${tcp_tests[@]}"; do skip "$t" "TCP flows are not supported yet"; done
fi

# ---- reproducible, and stale files go --------------------------------------------
"$WISIM" run "$sc" -o "$tmp/again" --quiet >/dev/null 2>&1
same=1
for f in $files; do cmp -s "$out/pcap/$f" "$tmp/again/pcap/$f" || same=0; done
cmp -s "$out/trace.txt" "$tmp/again/trace.txt" || same=0
[ "$same" = 1 ] && ok "pcap files and trace.txt are byte-identical on a rerun" || not_ok "pcap files and trace.txt are byte-identical on a rerun"
sed 's/^pcap = .*/pcap = laptop/; s/^ascii = on/ascii = off/' "$sc" >"$tmp/less.ini"
"$WISIM" run "$tmp/less.ini" -o "$out" --quiet >/dev/null 2>&1
is "a rerun with fewer traces removes the stale ones" "$(ls "$out/pcap" | tr '\n' ' ')$(ls "$out" | grep -c trace.txt)" "laptop.pcap 0"

# ---- the loader checks the references -------------------------------------------
bad_ref() { # bad_ref DESCRIPTION VALUE EXPECTED_TEXT
  sed "s|^pcap = .*|pcap = $2|" "$sc" >"$tmp/bad.ini"
  "$WISIM" check "$tmp/bad.ini" >"$tmp/bad.out" 2>&1; local got=$?
  if [ "$got" -eq 2 ] && grep -qF "$3" "$tmp/bad.out"; then ok "$1"; else not_ok "$1" "exit $got" "$(cat "$tmp/bad.out")"; fi
}
bad_ref "pcap naming nothing is an error with its line" "laptop, nosuch" 'bad.ini:42: [trace] pcap: no host, router or link named "nosuch"'
bad_ref "pcap naming a flow is an error" "voice" '"voice" is [flow voice], expected the name of a host, router or link'
bad_ref "pcap naming a member of a single link is an error" "bottleneck/0" 'link bottleneck joins two single nodes'
for v in all none "core, edge" "bottleneck, phone-edge"; do
  sed "s|^pcap = .*|pcap = $v|" "$sc" >"$tmp/good.ini"
  "$WISIM" check "$tmp/good.ini" >"$tmp/good.out" 2>&1 && ok "pcap = $v is valid" || not_ok "pcap = $v is valid" "$(cat "$tmp/good.out")"
done

# Links made from a group are LINK/0 .. LINK/N-1, each a valid name.
cat >"$tmp/group.ini" <<'EOF'
[simulation]
duration = 1s
[host clients]
count = 2
[link up]
between = clients, core
rate = 10Mbit/s
[trace]
pcap = up/1, clients/0
EOF
"$WISIM" check "$tmp/group.ini" >"$tmp/group.out" 2>&1 && ok "pcap = up/1 names one link made from a group" ||
  not_ok "pcap = up/1 names one link made from a group" "$(cat "$tmp/group.out")"
sed -i 's|^pcap = .*|pcap = up/2|' "$tmp/group.ini"
"$WISIM" check "$tmp/group.ini" >"$tmp/group.out" 2>&1
grep -qF '"up/2": up has 2 members, up/0 to up/1' "$tmp/group.out" && ok "pcap = up/2 is out of range" ||
  not_ok "pcap = up/2 is out of range" "$(cat "$tmp/group.out")"
sed -i 's|^pcap = .*|pcap = up|' "$tmp/group.ini"
if "$WISIM" run "$tmp/group.ini" -o "$tmp/group" --quiet >"$tmp/group.out" 2>&1; then
  is "pcap = up captures both ends of every link of the group" "$(ls "$tmp/group/pcap" | tr '\n' ' ')" \
    "up.0.clients.0.pcap up.0.core.pcap up.1.clients.1.pcap up.1.core.pcap "
else
  not_ok "pcap = up captures both ends of every link of the group" "$(cat "$tmp/group.out")"
fi

echo "1..$n"
[ "$fails" -eq 0 ]
