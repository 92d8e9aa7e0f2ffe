#!/bin/sh
# The HPCC simulator's switch and NIC options (issue 17 items 4-6), each
# moving the behaviour the way its definition says, with the figures
# printed and bounds derived here (the comments say how):
#   1. switch.ecn.by_rate: lower RED thresholds for the 25G ports mark
#      more at the 25G bottleneck; an entry equal to the common thresholds,
#      or for a rate no port has, changes nothing;
#   2. pfc.alpha_by_rate: a 100G ingress over 25G NICs pauses at alpha 1/2
#      instead of 1/8 of the free shared pool, so its egress queue peaks
#      where the dynamic threshold says;
#   3. pfc.headroom: ns3 gives each switch port 3 x rate x propagation;
#   4. pfc.response: 0 stops a class as the pause arrives: the headroom
#      the delay model needs shrinks by rate x response, and the headroom
#      a pause costs grows with the response time;
#   5. rdma.ack_tc: ACKs in class 7 no longer wait out the pauses of
#      class 3;
#   6. rdma.ack_first: the NIC sends an ACK before the data of its class.
# Every run is bounded by `timeout`; one scene runs twice (determinism).
set -u
. "$(dirname "$0")/../lib.sh"
run() { timeout 30 "$DCSIM" run "$@" --quiet --no-report; }
# ok_if AWK-CONDITION MESSAGE: an awk expression over the shell's numbers.
ok_if() { awk "BEGIN { exit !($1) }"; t $? "$2"; }
# row FILE PREFIX COLUMN: COLUMN (a header name) of FILE's first row that
# starts with PREFIX.
row() {
    awk -F, -v p="$2" -v col="$3" '
        NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
        index($0, p) == 1 { print $h[col]; exit }' "$1"
}

# ---------------------------------------------------------------------
# 1. ECN per link rate.  Four DCQCN WRITEs of 2 MB into h4 (25 Gb/s),
# three across the 100G spine; the common thresholds are the simulator's
# 100G ones (400 KB / 1600 KB / 0.2), by_rate gives the 25G ports its
# 25G ones (100 KB / 400 KB / 0.2, config.txt's KMIN_MAP and KMAX_MAP).
ecn() {
    cat <<YAML
name: ecn-by-rate
stop: 5ms
topology: {type: spine-leaf, spines: 1, leaves: 2, servers_per_leaf: 4,
           server_link: {rate: 25Gbps, delay: 1us},
           uplink: {rate: 100Gbps, delay: 1us}}
switch:
  queue: 4MB
  ecn: {mode: red, kmin: 400KB, kmax: 1600KB, pmax: 0.2$1}
rdma: {cc: dcqcn, dcqcn: {preset: ns3}}
traffic:
  - {pattern: flows, protocol: roce,
     flows: [{src: h0, dst: h4, size: 2MB}, {src: h1, dst: h4, size: 2MB},
             {src: h2, dst: h4, size: 2MB}, {src: h5, dst: h4, size: 2MB}]}
YAML
}
ecn "" >"$tmp/e0.yaml"
ecn ", by_rate: {25Gbps: {kmin: 100KB, kmax: 400KB, pmax: 0.2}}" >"$tmp/e25.yaml"
ecn ", by_rate: {25Gbps: {kmin: 400KB, kmax: 1600KB, pmax: 0.2}}" >"$tmp/esame.yaml"
ecn ", by_rate: {40Gbps: {kmin: 1KB, kmax: 2KB, pmax: 1}}" >"$tmp/e40.yaml"
for x in e0 e25 esame e40; do run "$tmp/$x.yaml" -o "$tmp/$x"; t $? "ECN scene $x runs"; done
run "$tmp/e25.yaml" -o "$tmp/e25b"
same_results "$tmp/e25" "$tmp/e25b" flows.csv queues.csv
t $? "by_rate: the same run twice gives the same results"
same_results "$tmp/e0" "$tmp/esame" flows.csv queues.csv fct_by_size.csv
t $? "a by_rate entry equal to the common thresholds changes nothing (one RED coin per switch)"
same_results "$tmp/e0" "$tmp/e40" flows.csv queues.csv fct_by_size.csv
t $? "a by_rate entry for a rate no port has changes nothing"
m0=$(row "$tmp/e0/queues.csv" leaf1,0,h4, ecn_marked)
m25=$(row "$tmp/e25/queues.csv" leaf1,0,h4, ecn_marked)
q0=$(row "$tmp/e0/queues.csv" leaf1,0,h4, avg_bytes)
q25=$(row "$tmp/e25/queues.csv" leaf1,0,h4, avg_bytes)
c0=$(num cnps "$tmp/e0/summary.json") c25=$(num cnps "$tmp/e25/summary.json")
ok_if "$m25 > $m0 && $c25 > $c0" "25G thresholds at the 25G port: more marks ($m0 -> $m25) and CNPs ($c0 -> $c25)"
ok_if "$q25 < $q0" "and a shorter queue at h4 (average $q0 -> $q25 B)"

# ---------------------------------------------------------------------
# 2-4. PFC.  Four 1 MB UDP flows in lossless class 3 from h0..h3 (leaf0)
# to h4 (leaf1), hosts at 25G, the spine at 100G, 1 us cables, a 2 MB
# shared buffer.  h4's port is the bottleneck; its queue is fed by one
# ingress priority group, leaf1's 100G uplink's, whose pauses hold it.
cat >"$tmp/pfc.yaml" <<'YAML'
name: pfc-by-rate
stop: 5ms
topology: {type: spine-leaf, spines: 1, leaves: 2, servers_per_leaf: 4,
           server_link: {rate: 25Gbps, delay: 1us},
           uplink: {rate: 100Gbps, delay: 1us}}
switch: {buffer: 2MB}
pfc: {enabled: true}
traffic:
  - {pattern: flows, protocol: udp,
     flows: [{src: h0, dst: h4, size: 1MB, tc: 3}, {src: h1, dst: h4, size: 1MB, tc: 3},
             {src: h2, dst: h4, size: 1MB, tc: 3}, {src: h3, dst: h4, size: 1MB, tc: 3}]}
YAML
run "$tmp/pfc.yaml" -o "$tmp/p0"; t $? "PFC scene runs"
run "$tmp/pfc.yaml" -o "$tmp/pf" --set pfc.alpha_by_rate=false
same_results "$tmp/p0" "$tmp/pf" flows.csv queues.csv pfc.csv
t $? "alpha_by_rate: false is the default"
run "$tmp/pfc.yaml" -o "$tmp/pa" --set pfc.alpha_by_rate=true
t $? "PFC scene with alpha_by_rate runs"

# The group holds its reserve R = 4096 B, then pauses once its shared
# bytes S reach alpha x (P - S) (it is the only one in the pool), S =
# alpha / (1 + alpha) x P, then fills headroom while the pause travels:
# the queue peaks at R + S + the headroom used, within one frame (1518 B,
# the packets come whole).  P = 2 MB - reserves (8 classes x 4096 B x 5
# ports) - headroom (3 lossless classes x the five ports' headroom, four
# host ports like leaf0's and the uplink).
hh=$(row "$tmp/p0/pfc.csv" leaf0,0,h0, headroom_bytes)
hu=$(row "$tmp/p0/pfc.csv" leaf1,4,spine0, headroom_bytes)
pool=$((2000000 - 8 * 4096 * 5 - 3 * (4 * hh + hu)))
for x in p0:0.125 pa:0.5; do
    d=${x%%:*} a=${x#*:}
    peak=$(row "$tmp/$d/queues.csv" leaf1,0,h4, max_bytes)
    used=$(row "$tmp/$d/pfc.csv" leaf1,4,spine0, headroom_max_bytes)
    want=$(awk -v a="$a" -v p="$pool" -v h="$used" 'BEGIN { printf "%.0f", 4096 + a / (1 + a) * p + h }')
    ok_if "$peak - $want <= 1518 && $want - $peak <= 1518" "alpha $a at leaf1's 100G uplink: h4's queue peaks at $peak B, 4096 + $a/(1 + $a) x $pool + $used = $want"
done
s0=$(row "$tmp/p0/pfc.csv" leaf1,4,spine0, pause_sent)
sa=$(row "$tmp/pa/pfc.csv" leaf1,4,spine0, pause_sent)
f0=$(row "$tmp/p0/pfc.csv" spine0,1,leaf1, paused_fraction)
fa=$(row "$tmp/pa/pfc.csv" spine0,1,leaf1, paused_fraction)
ok_if "$sa < $s0 && $fa < $f0" "the uplink pauses the spine less: $s0 -> $sa pause frames, paused $f0 -> $fa of the run"

# 3. headroom ns3: 3 x rate x propagation, rounded down to bytes first:
# 25 Gb/s x 1 us = 3125 B -> 9375 B; 100 Gb/s x 1 us = 12500 B -> 37500 B;
# below the delay model's, so the run warns.
run "$tmp/pfc.yaml" -o "$tmp/pn" --set pfc.headroom=ns3 2>"$tmp/pn.err"
t $? "PFC scene with headroom ns3 runs"
h25=$(row "$tmp/pn/pfc.csv" leaf0,0,h0, headroom_bytes)
h100=$(row "$tmp/pn/pfc.csv" leaf1,4,spine0, headroom_bytes)
[ "$h25" = 9375 ] && [ "$h100" = 37500 ]
t $? "headroom ns3: $h25 B at 25G ports (auto: $hh), $h100 B at 100G ports (auto: $hu)"
grep -q "pfc.headroom ns3 (3 x rate x propagation) is below what 12 switch port(s) need" "$tmp/pn.err" &&
    grep -q '"warnings": \["pfc.headroom ns3' "$tmp/pn/summary.json"
t $? "and a warning says it is below what the delay model asks"

# 4. response.  The delay model's headroom holds rate x response / 8
# bytes of the response time (fc-pfc.c): at 100G, 0 takes 12.5 B/ns x
# 2017.28 ns (auto, 802.1Qbb's 201728 bit times) off, leaving 12.5 x
# (1000 + 1000) + 2 x 1542 + 3 x 84 = 28336 B; 500 ns adds 6250 B, 5 us
# 62500 B.  The headroom a pause costs grows with the response time.
prev=-1 order=0
for r in 0 500ns auto 5us; do
    run "$tmp/pfc.yaml" -o "$tmp/r$r" --set pfc.response=$r
    eval "hr_$(echo $r | tr -d a-z)=$(row "$tmp/r$r/pfc.csv" leaf1,4,spine0, headroom_bytes)"
    used=$(row "$tmp/r$r/pfc.csv" leaf1,4,spine0, headroom_max_bytes)
    lost=$(all_drops "$tmp/r$r/summary.json")
    echo "# response $r: leaf1 uplink headroom $(row "$tmp/r$r/pfc.csv" leaf1,4,spine0, headroom_bytes) B, used $used B, drops $lost"
    [ "$used" -gt "$prev" ] && [ "$lost" = 0 ] || order=1
    prev=$used
done
[ "$hr_0" = 28336 ] && [ "$((hr_500 - hr_0))" = 6250 ] && [ "$((hr_5 - hr_0))" = 62500 ]
t $? "response 0: headroom $hr_0 B; 500ns: +$((hr_500 - hr_0)) B; 5us: +$((hr_5 - hr_0)) B"
t $order "headroom used grows with the response time (0 < 500ns < auto < 5us), nothing dropped"
same_results "$tmp/rauto" "$tmp/p0" flows.csv queues.csv pfc.csv
t $? "response auto is the default"

# ---------------------------------------------------------------------
# 5. ACK class.  h1..h4 WRITE 1 MB each to h0 in lossless class 3, so
# the leaf pauses their NICs' class 3 (25G, one leaf, 1 MB buffer); h0
# WRITEs 200 KB to h1 meanwhile.  h1's ACKs of that flow go in class 3
# by default, and wait out h1's pauses; with ack_tc 7 (lossy, served
# first by the strict scheduler) they wait at most for the frame in
# progress at h1's NIC and at the leaf's port to h0: the last ACK
# reaches h0 within 2 x 1 us + 2 x 27.52 ns (86 B) + 2 x 359.04 ns (a
# 1122 B data frame) = 2773.12 ns of the last data packet's arrival.
cat >"$tmp/ack.yaml" <<'YAML'
name: ack-tc
stop: 5ms
topology: {type: spine-leaf, spines: 1, leaves: 1, servers_per_leaf: 5,
           server_link: {rate: 25Gbps, delay: 1us},
           uplink: {rate: 100Gbps, delay: 1us}}
switch: {buffer: 1MB}
pfc: {enabled: true}
traffic:
  - {pattern: flows, protocol: roce,
     flows: [{src: h1, dst: h0, size: 1MB, tc: 3}, {src: h2, dst: h0, size: 1MB, tc: 3},
             {src: h3, dst: h0, size: 1MB, tc: 3}, {src: h4, dst: h0, size: 1MB, tc: 3},
             {src: h0, dst: h1, size: 200KB, tc: 3}]}
YAML
run "$tmp/ack.yaml" -o "$tmp/a0"; t $? "ACK scene runs"
run "$tmp/ack.yaml" -o "$tmp/ad" --set rdma.ack_tc=data
same_results "$tmp/a0" "$tmp/ad" flows.csv queues.csv pfc.csv
t $? "ack_tc data is the default"
run "$tmp/ack.yaml" -o "$tmp/a7" --set rdma.ack_tc=7; t $? "ACK scene with ack_tc 7 runs"
w0=$(csv "$tmp/a0/flows.csv" 'c["acked_ps"] - c["end_ps"]' 'c["src"] == "h0"')
w7=$(csv "$tmp/a7/flows.csv" 'c["acked_ps"] - c["end_ps"]' 'c["src"] == "h0"')
pf=$(row "$tmp/a0/pfc.csv" h1,0,leaf0, paused_fraction)
ok_if "$w0 > 10000000" "ACKs in class 3: the last ACK of h0 -> h1 comes $w0 ps after its data (h1 paused $pf of the run)"
ok_if "$w7 <= 2773120" "ACKs in class 7: $w7 ps, within 2773120"
k3=$(row "$tmp/a0/queues.csv" leaf0,0,h0,3, packets)
k37=$(row "$tmp/a7/queues.csv" leaf0,0,h0,3, packets)
k7=$(row "$tmp/a7/queues.csv" leaf0,0,h0,7, packets)
# Class 3 to h0 then carries only the incast's 4 x 977 data packets
# (1000000 B / 1024), class 7 an ACK per data packet of h0 -> h1 (200000
# B / 1024 = 196); in class 3 the ACKs that waited were coalesced (one
# names the newest PSN), so fewer went.
[ "$k7" = 196 ] && [ "$k37" = 3908 ] && [ "$((k3 - 3908))" -lt 196 ]
t $? "class 7 to h0 carries all 196 ACKs, class 3 the 3908 data packets; in class 3, $((k3 - 3908)) coalesced ACKs went"

# ---------------------------------------------------------------------
# 6. ACKs first at the NIC.  h1 WRITEs four 2 MB messages to h0 at line
# rate (no congestion control) in class 3, so four of h1's sources are
# always ready; meanwhile h0 WRITEs ten 16 KB messages to h1, one every
# 20 us, whose ACKs h1 sends in class 3 too.  In round robin an ACK may
# wait for the four data frames ahead; with ack_first only for the frame
# in progress at h1 (and the two at most at the leaf's port to h0, which
# h1's data keeps busy at the same rate): within 2 x 1 us + 2 x 27.52 ns
# + 3 x 359.04 ns = 3132.16 ns of the data's arrival.
{
    printf 'name: ack-first\nstop: 5ms\n'
    printf 'topology: {type: spine-leaf, spines: 1, leaves: 1, servers_per_leaf: 2,\n'
    printf '           server_link: {rate: 25Gbps, delay: 1us}}\n'
    printf 'traffic:\n  - pattern: flows\n    protocol: roce\n    flows:\n'
    for i in 0 1 2 3 4 5 6 7 8 9; do
        printf '      - {src: h0, dst: h1, size: 16KB, tc: 3, start: %dus}\n' $((20 * i + 5))
    done
    for i in 0 1 2 3; do
        printf '      - {src: h1, dst: h0, size: 2MB, tc: 3}\n'
    done
} >"$tmp/first.yaml"
run "$tmp/first.yaml" -o "$tmp/f0"; t $? "ACK-first scene runs"
run "$tmp/first.yaml" -o "$tmp/f1" --set rdma.ack_first=true; t $? "ACK-first scene with ack_first runs"
for x in f0 f1; do
    eval "max_$x=$(max "$tmp/$x/flows.csv" 'c["acked_ps"] - c["end_ps"]' 'c["src"] == "h0"')"
    eval "sum_$x=$(csv "$tmp/$x/flows.csv" 'c["acked_ps"] - c["end_ps"]' 'c["src"] == "h0"')"
done
ok_if "$max_f1 <= 3132160 && $max_f0 > 3132160" "ack_first: the last ACK comes at most $max_f1 ps after the data (round robin: up to $max_f0)"
ok_if "$sum_f1 < $sum_f0" "and $((sum_f1 / 10)) ps on average instead of $((sum_f0 / 10))"

echo "1..$n"
