#!/bin/sh
# PFC (IEEE 802.1Qbb) and the shared-buffer MMU, end to end: a lossless
# incast loses nothing and pauses its senders, the same incast without PFC
# (or in a lossy class) drops; a pause spreads hop by hop and slows an
# innocent flow; the delay model's headroom is enough (also with switch
# latency) and a quarter of it is not; runs are deterministic; the example
# scenario runs.  Each check prints the figures it judged and compares them
# with a bound derived here (the comments say how), not with a value a run
# once produced.  Every run is bounded by `timeout`.
set -u
. "$(dirname "$0")/../lib.sh"
here=$(cd "$(dirname "$0")/../.." && pwd)
# ok_if AWK-CONDITION MESSAGE: an awk expression over the shell's numbers.
ok_if() { awk "BEGIN { exit !($1) }"; t $? "$2"; }
run() { timeout 20 "$DCSIM" run "$@" --quiet --no-report; }

# csv, max and all_drops: tests/lib.sh.
# js FILE KEY: the number after "KEY": in a summary.json (first match).
js() { sed -n 's/.*"'"$2"'": \([0-9][0-9]*\).*/\1/p' "$1" | head -n 1; }

# The largest queue a dynamic threshold allows (Choudhury and Hahne): a
# frame of F bytes joins a lossy queue holding Q if Q + F <= R + A x (P -
# S), with R the reserve (4 KiB), A the class's alpha, P the shared pool
# and S the pool in use.  In an 8-to-1 incast all 8 ingress groups are
# past their reserves, so S = Q - 8R, and the queue after the push peaks
# at (R + A (P + 8R) - F) / (1 + A) + F.  It gets within one frame of
# that.  dt_bound POOL ALPHA
dt_bound() {
    awk -v p="$1" -v a="$2" 'BEGIN { r = 4096; f = 1518
        printf "%.0f\n", (r + a * (p + 8 * r) - f) / (1 + a) + f }'
}

# ---------------------------------------------------------------------
# 1. An 8-to-1 UDP incast of 1 MB each through one leaf at 100 Gb/s, in
# lossless priority 3 with PFC: h1..h8 send to h0.  Frames are 1518 B
# (1472 B of UDP payload), 680 per flow.
cat >"$tmp/incast.yaml" <<'YAML'
name: pfc-incast
stop: 5ms
topology: {type: spine-leaf, spines: 1, leaves: 1, servers_per_leaf: 9,
           server_link: {rate: 100Gbps, delay: 500ns},
           uplink: {rate: 100Gbps, delay: 500ns}}
switch: {buffer: 2MB}
pfc: {enabled: true}
traffic:
  - {pattern: incast, senders: 8, receiver: h0, size: 1MB, tc: 3, protocol: udp}
YAML
run "$tmp/incast.yaml" -o "$tmp/on"; t $? "lossless incast runs"
s=$tmp/on/summary.json
drops=$(all_drops "$s")
[ "$drops" = 0 ] && [ "$(js "$s" drops_total)" = 0 ] && [ "$(js "$s" bytes_lost)" = 0 ]
t $? "PFC on, tc 3: no drop of any reason ($drops)"
got=$(js "$s" bytes_delivered) done_=$(js "$s" flows_completed)
[ "$got" = 8000000 ] && [ "$done_" = 8 ] &&
    [ "$(csv "$tmp/on/flows.csv" 'c["bytes_delivered"] == 1000000 && c["completed"] == 1')" = 8 ]
t $? "every byte delivered: $got of 8 x 1000000, $done_ of 8 flows completed"

p=$tmp/on/pfc.csv
# Only leaf0's ports to the senders pause (its ingress groups from h1..h8
# fill), only the senders' NICs are paused, and only priority 3.
sw_sent=$(csv "$p" 'c["pause_sent"]' 'c["node"] == "leaf0" && c["to"] ~ /^h[1-8]$/ && c["tc"] == 3')
sw_ports=$(csv "$p" 'c["pause_sent"] > 0' 'c["node"] == "leaf0" && c["to"] ~ /^h[1-8]$/ && c["tc"] == 3')
nic_rcvd=$(csv "$p" 'c["pause_received"]' 'c["node"] ~ /^h[1-8]$/ && c["to"] == "leaf0" && c["tc"] == 3')
nics=$(csv "$p" 'c["pause_received"] > 0' 'c["node"] ~ /^h[1-8]$/ && c["to"] == "leaf0" && c["tc"] == 3')
[ "$sw_ports" = 8 ] && [ "$nics" = 8 ] && [ "$sw_sent" = "$nic_rcvd" ]
t $? "leaf0's 8 ports to the senders sent $sw_sent pauses, the 8 senders' NICs received $nic_rcvd"
others=$(csv "$p" 'c["pause_sent"] + c["pause_received"]' '!(c["node"] ~ /^h[1-8]$/ && c["to"] == "leaf0" || c["node"] == "leaf0" && c["to"] ~ /^h[1-8]$/) || c["tc"] != 3')
[ "$others" = 0 ] && [ "$(js "$s" pause_frames_sent)" = "$sw_sent" ] &&
    [ "$(js "$s" paused_at_end)" = 0 ] && grep -q '"deadlock": false' "$s"
t $? "no other port or class paused ($others); summary.json agrees; nothing paused at the end"
over=$(csv "$p" 'c["headroom_max_bytes"] > c["headroom_bytes"]')
hmax=$(max "$p" 'c["headroom_max_bytes"]')
ok_if "$over == 0 && $hmax > 0" "headroom used (peak $hmax B) and nowhere beyond headroom_bytes ($over ports over)"

# The same without PFC, on the same shared-buffer MMU: priority 3 is now
# lossy, and so takes the lossy default alpha, 8.  The pool is the 2 MB buffer less leaf0's
# reserves, 10 ports x 8 classes x 4 KiB: 1 672 320 B.
run "$tmp/incast.yaml" -o "$tmp/off" --set pfc.enabled=false --set switch.mmu=shared
t $? "the incast without PFC runs"
s=$tmp/off/summary.json
dt=$(js "$s" dynamic_threshold) lost=$(js "$s" bytes_lost) got=$(js "$s" bytes_delivered)
[ "$dt" -gt 0 ] && [ "$(js "$s" drops_total)" = "$dt" ] && [ "$lost" -gt 0 ] &&
    [ $((got + lost)) = 8000000 ] && [ "$(js "$s" flows_completed)" -lt 8 ]
t $? "PFC off: $dt dynamic_threshold drops, $lost of 8000000 bytes lost"
[ ! -e "$tmp/off/pfc.csv" ] && ! grep -q '"pfc"' "$s"
t $? "PFC off: no pfc.csv, no pfc object"
q=$(max "$tmp/off/queues.csv" 'c["max_bytes"]' 'c["to"] == "h0"')
b=$(dt_bound 1672320 8)
ok_if "$q <= $b && $q > $b - 1518" "the lossy queue to h0 peaks at $q B, within a frame of the threshold's $b B"

# A lossy class next to it: the same incast in priority 0 with PFC on.
# PFC leaves it alone; the pool is smaller by leaf0's headroom, 10 ports
# x 3 lossless classes x 41 052 B (the 802.1Qbb delay model at 100 Gb/s
# and 500 ns, derived in tests/unit/test-fabric.c): 440 760 B, and
# priority 0's alpha is 8.
run "$tmp/incast.yaml" -o "$tmp/lossy" --set traffic.0.tc=0
t $? "a tc 0 incast with PFC on runs"
s=$tmp/lossy/summary.json
dt=$(js "$s" dynamic_threshold)
[ "$dt" -gt 0 ] && [ "$(js "$s" bytes_lost)" -gt 0 ] && [ "$(js "$s" pause_frames_sent)" = 0 ]
t $? "PFC on, tc 0 (lossy): $dt dynamic_threshold drops and no pause frame"
q=$(max "$tmp/lossy/queues.csv" 'c["max_bytes"]' 'c["to"] == "h0"')
b=$(dt_bound 440760 8)
ok_if "$q <= $b && $q > $b - 1518" "the tc 0 queue to h0 peaks at $q B, within a frame of the threshold's $b B"

# ---------------------------------------------------------------------
# 2. Congestion spreading.  One spine and three leaves of 4 hosts: no
# ECMP choice, every path between leaves crosses spine0.  Servers at 100
# Gb/s, uplinks at 400 Gb/s, so that the incast h0, h1, h2 (leaf0) -> h4
# (leaf1), 300 Gb/s together, meets its bottleneck only at leaf1's port to
# h4.  The victim h3 (leaf0) -> h8 (leaf2), 500 KB from 30 us, shares only
# leaf0's uplink with it, which has room for both (300 + 100 <= 400 Gb/s).
# leaf1's ingress from spine0 fills and pauses spine0; the spine's ingress
# from leaf0 fills and pauses leaf0's uplink, whose priority-3 queue is a
# FIFO of the incast's and the victim's packets: the victim leaves it only
# at the pace of the incast, h4's 100 Gb/s shared 1:3 with the incast's
# three flows, about a third of its rate.  Its FCT must grow well beyond
# the 1.5x asked here.
cat >"$tmp/victim.yaml" <<'YAML'
name: victim
stop: 5ms
topology: {type: spine-leaf, spines: 1, leaves: 3, servers_per_leaf: 4,
           server_link: {rate: 100Gbps, delay: 500ns},
           uplink: {rate: 400Gbps, delay: 500ns}}
switch: {buffer: 2MB}
pfc: {enabled: true}
traffic:
  - pattern: flows
    protocol: udp
    flows:
      - {src: h3, dst: h8, size: 500KB, start: 30us, tc: 3}
      - {src: h0, dst: h4, size: 1MB, tc: 3}
      - {src: h1, dst: h4, size: 1MB, tc: 3}
      - {src: h2, dst: h4, size: 1MB, tc: 3}
YAML
sed '/dst: h4/d' "$tmp/victim.yaml" >"$tmp/alone.yaml"
run "$tmp/victim.yaml" -o "$tmp/v" && run "$tmp/alone.yaml" -o "$tmp/va"
t $? "victim runs, with and without the incast"
fct_with=$(csv "$tmp/v/flows.csv" 'c["fct_ps"]' 'c["dst"] == "h8" && c["completed"] == 1')
fct_alone=$(csv "$tmp/va/flows.csv" 'c["fct_ps"]' 'c["dst"] == "h8" && c["completed"] == 1')
echo "# victim FCT: $fct_alone ps alone, $fct_with ps next to the incast"
[ "$(all_drops "$tmp/v/summary.json")" = 0 ] && [ "$(all_drops "$tmp/va/summary.json")" = 0 ] &&
    [ "$(js "$tmp/v/summary.json" flows_completed)" = 4 ] && [ "$(js "$tmp/va/summary.json" pause_frames_sent)" = 0 ]
t $? "no drop in either run, all flows complete; alone, no pause at all"
ok_if "$fct_alone > 0 && $fct_with > 1.5 * $fct_alone" \
    "the victim's FCT grows $(awk -v a="$fct_with" -v b="$fct_alone" 'BEGIN { printf "%.2f", b ? a / b : 0 }')x with the incast ($fct_alone -> $fct_with ps; > 1.5x)"
p=$tmp/v/pfc.csv
# The pause, hop by hop against the flow: pause_sent counts a port's
# ingress (it paused its peer), pause_received its egress (it was paused).
hop() { csv "$p" "c[\"$3\"]" "c[\"node\"] == \"$1\" && c[\"to\"] == \"$2\" && c[\"tc\"] == 3"; }
h1s=$(hop leaf1 spine0 pause_sent) h1r=$(hop spine0 leaf1 pause_received)
h2s=$(hop spine0 leaf0 pause_sent) h2r=$(hop leaf0 spine0 pause_received)
h3s=$(csv "$p" 'c["pause_sent"]' 'c["node"] == "leaf0" && c["to"] ~ /^h[0-3]$/')
h3r=$(csv "$p" 'c["pause_received"]' 'c["node"] ~ /^h[0-3]$/')
[ "$h1s" -gt 0 ] && [ "$h1s" = "$h1r" ]
t $? "hop 1: leaf1 paused spine0's port to it ($h1s sent, $h1r received)"
[ "$h2s" -gt 0 ] && [ "$h2s" = "$h2r" ]
t $? "hop 2: spine0 paused leaf0's uplink ($h2s sent, $h2r received)"
[ "$h3s" -gt 0 ] && [ "$h3s" = "$h3r" ] && [ "$(hop h3 leaf0 pause_received)" -gt 0 ]
t $? "hop 3: leaf0 paused its senders, the victim's NIC too ($h3s sent, $h3r received)"
[ "$(csv "$p" 'c["pause_sent"] + c["pause_received"]' 'c["node"] == "leaf2" || c["to"] == "leaf2"')" = 0 ]
t $? "the victim's own downstream (spine0 -> leaf2) was never paused"

# ---------------------------------------------------------------------
# 3. Headroom.  32 senders of 250 KB to h0 under one leaf, 100 Gb/s over
# 100 m cables (500 ns at 5 ns/m), with a buffer of 8 MB.  The 802.1Qbb
# delay model (pfc.c, derived in tests/unit/test-fabric.c) gives each port
# and lossless class 41 052 B; 1 us of switch latency adds what arrives in
# it: 100 Gb/s x 1 us = 12 500 B, so 53 552 B.  The warning counts the
# ports short of headroom: leaf0's 34 and the spine's 1.
cat >"$tmp/hr.yaml" <<'YAML'
name: headroom
stop: 5ms
topology: {type: spine-leaf, spines: 1, leaves: 1, servers_per_leaf: 33,
           server_link: {rate: 100Gbps, delay: 500ns},
           uplink: {rate: 100Gbps, delay: 500ns}}
switch: {buffer: 8MB}
pfc: {enabled: true}
traffic:
  - {pattern: incast, senders: 32, receiver: h0, size: 250KB, tc: 3, protocol: udp}
YAML
# check_headroom DIR WANT: every switch port's headroom is WANT, none used
# beyond it, and the run lost nothing.  Sets hr_peak.
check_headroom() {
    hr_min=$(csv "$1/pfc.csv" "c[\"headroom_bytes\"] != $2" 'c["node"] ~ /^(leaf|spine)/')
    hr_peak=$(max "$1/pfc.csv" 'c["headroom_max_bytes"]')
    hr_q=$(max "$1/queues.csv" 'c["headroom_max_bytes"]')
    [ "$hr_min" = 0 ] && [ "$hr_peak" -le "$2" ] && [ "$hr_q" -le "$2" ] &&
        [ "$(all_drops "$1/summary.json")" = 0 ] &&
        [ "$(js "$1/summary.json" bytes_delivered)" = 8000000 ]
}
run "$tmp/hr.yaml" -o "$tmp/h" 2>"$tmp/h.err"; t $? "32-to-1 lossless incast runs"
auto=$(max "$tmp/h/pfc.csv" 'c["headroom_bytes"]')
check_headroom "$tmp/h" 41052
t $? "auto headroom $auto B (41052 by hand): no drop, 8 MB delivered, peak use $hr_peak B"
[ ! -s "$tmp/h.err" ] && grep -q '"warnings": \[\]' "$tmp/h/summary.json"
t $? "auto headroom: no warning"
# The incast must need a real part of it, or the next check proves nothing.
ok_if "$hr_peak > $auto / 4" "the incast uses more than a quarter of it ($hr_peak > $auto / 4)"

small=$((auto / 4))
run "$tmp/hr.yaml" -o "$tmp/hs" --set pfc.headroom=$small 2>"$tmp/hs.err"
t $? "a quarter of the headroom ($small B) runs"
hf=$(js "$tmp/hs/summary.json" headroom_full)
ok_if "$hf > 0" "undersized headroom: $hf headroom_full drops"
warn="pfc.headroom $small B is below what 35 switch port(s) need; lossless classes may drop (e.g. leaf0 port 0 to h0 needs $auto B)"
[ "$(cat "$tmp/hs.err")" = "dcsim: warning: $warn" ]
t $? "the warning on stderr: $(cat "$tmp/hs.err")"
grep -qF "\"warnings\": [\"$warn\"]" "$tmp/hs/summary.json"
t $? "and in summary.json warnings"
hr_peak=$(max "$tmp/hs/pfc.csv" 'c["headroom_max_bytes"]')
ok_if "$hr_peak <= $small" "no port holds more than its $small B of headroom (peak $hr_peak B)"

run "$tmp/hr.yaml" -o "$tmp/hl" --set switch.latency=1us 2>"$tmp/hl.err"
t $? "with 1 us switch latency runs"
auto_l=$(max "$tmp/hl/pfc.csv" 'c["headroom_bytes"]')
check_headroom "$tmp/hl" 53552 && [ ! -s "$tmp/hl.err" ]
t $? "latency 1 us: auto headroom $auto_l B (41052 + 12500): no drop, no warning, peak use $hr_peak B"
run "$tmp/hr.yaml" -o "$tmp/hl2" --set switch.latency=1us --set pfc.headroom=$auto 2>/dev/null
hf=$(js "$tmp/hl2/summary.json" headroom_full)
ok_if "$hf > 0" "latency 1 us with the latency-free $auto B: $hf headroom_full drops (the extra is needed)"

# ---------------------------------------------------------------------
# 4. Determinism: the lossless incast and the undersized-headroom run
# (with drops) again give identical files, summary.json but for
# wall_seconds.
same() {
    for f in pfc.csv flows.csv queues.csv links.csv; do
        cmp -s "$1/$f" "$2/$f" || return 1
    done
    grep -v wall_seconds "$1/summary.json" >"$tmp/1.json"
    grep -v wall_seconds "$2/summary.json" >"$tmp/2.json"
    cmp -s "$tmp/1.json" "$tmp/2.json"
}
run "$tmp/incast.yaml" -o "$tmp/on2" && same "$tmp/on" "$tmp/on2"
t $? "lossless incast twice: identical pfc.csv, summary.json, flows, queues, links"
run "$tmp/hr.yaml" -o "$tmp/hs2" --set pfc.headroom=$small 2>/dev/null && same "$tmp/hs" "$tmp/hs2"
t $? "undersized headroom twice: identical results"

# ---------------------------------------------------------------------
# 5. The example scenario: the 1024-server fabric with a 32-to-1 lossless
# incast of 200 KB next to DCTCP traffic.  Its incast completes with every
# byte, nothing in priority 3 is dropped, and the pause reaches the spines
# and from them other leaves (its comment says where to look).
ex=$here/scenarios/lossless-incast.yaml
"$DCSIM" validate "$ex" >/dev/null; t $? "scenarios/lossless-incast.yaml validates"
run "$ex" -o "$tmp/ex"; t $? "and runs"
s=$tmp/ex/summary.json
inc=$(csv "$tmp/ex/flows.csv" 'c["bytes_delivered"]' 'c["tc"] == 3 && c["completed"] == 1')
[ "$inc" = 6400000 ] && [ "$(js "$s" headroom_full)" = 0 ] &&
    [ "$(csv "$tmp/ex/flows.csv" 'c["packets_dropped"]' 'c["tc"] == 3')" = 0 ]
t $? "example: the incast delivers $inc of 32 x 200000 B, no priority-3 drop"
l2s=$(csv "$tmp/ex/pfc.csv" 'c["pause_sent"]' 'c["node"] == "leaf0" && c["to"] ~ /^spine/')
s2l=$(csv "$tmp/ex/pfc.csv" 'c["pause_sent"]' 'c["node"] ~ /^spine/ && c["to"] != "leaf0"')
ok_if "$l2s > 0 && $s2l > 0" "example: leaf0 paused the spines ($l2s), the spines paused other leaves ($s2l)"

echo "1..$n"
