#!/bin/sh
# RoCEv2 RC WRITEs (protocol: roce): goodput from the real header sizes,
# the small-message round trip, go-back-N's cost under loss, and no
# retransmission when PFC keeps the fabric lossless; DCQCN and HPCC.
set -u
. "$(dirname "$0")/../lib.sh"
run() { timeout 60 "$DCSIM" run "$@" --quiet --no-report; }
# Column NAME of flows.csv's row for flow 0.
col() { awk -F, -v k="$2" 'NR == 1 {for (i = 1; i <= NF; i++) c[$i] = i} NR == 2 {print $c[k]}' "$1/flows.csv"; }

cat >"$tmp/one.yaml" <<'YAML'
name: roce-one
topology:
  type: explicit
  nodes: [{name: a, kind: host}, {name: sw, kind: switch}, {name: b, kind: host}]
  links:
    - {a: a, b: sw, rate: 100Gbps, delay: 1us}
    - {a: sw, b: b, rate: 100Gbps, delay: 1us}
traffic:
  - pattern: flows
    protocol: roce
    flows: [{src: a, dst: b, size: 10MB}]
YAML

# 12. Goodput on an idle 100 Gb/s path.  A full packet carries 1024 B of
# payload (rdma.mtu) in Ethernet 14 + IPv4 20 + UDP 8 + BTH 12 + ICRC 4 +
# FCS 4, plus preamble 8 and gap 12 on the wire: 1106 B; the first also
# has RETH (16 B).  Goodput = 1024 / 1106 x 100 Gb/s = 92.586 Gb/s,
# measured over the first packet's arrival to the last's (the time the
# message's bytes take through the bottleneck).
run "$tmp/one.yaml" -o "$tmp/g"
t $? "a 10 MB WRITE runs"
fct=$(col "$tmp/g" fct_ps)
[ "$(col "$tmp/g" completed)" = 1 ] && [ "$(col "$tmp/g" bytes_delivered)" = 10000000 ]
t $? "every byte delivered"
# Alone on the path: FCT = serialization of all packets at the first hop
# + 2 x 1 us + one packet's serialization at the switch.
awk -v fct="$fct" 'BEGIN {
    n = int((10000000 + 1023) / 1024); last = 10000000 - (n - 1) * 1024
    wire = 1024 + 14 + 20 + 8 + 12 + 4 + 4 + 20
    span = fct - 2000000 - (last + 82) * 8 * 10
    gp = 10000000 * 8 / (span / 1e12)
    want = 1024 / wire * 100e9
    printf "%.4f %.4f\n", gp / 1e9, want / 1e9
    exit !(gp > 0.99 * want && gp < 1.01 * want)
}' >"$tmp/gp"
st=$?
t $st "goodput $(cut -d' ' -f1 "$tmp/gp") Gb/s = 1024/1106 x 100 Gb/s ($(cut -d' ' -f2 "$tmp/gp")) within 1%"

# 13. An 8-byte WRITE's round trip, one switch: the request frame is
# 14 + 20 + 8 + 12 + 16 (RETH) + 8 + 4 + 4 = 86 B (106 on the wire,
# 8.48 ns at 100 Gb/s), the ACK 14 + 20 + 8 + 12 + 4 (AETH) + 4 + 4 = 66 B
# (86, 6.88 ns); each crosses two links of 1 us and is serialized twice:
# 2 x 8.48 + 2 x 6.88 + 4 x 1000 = 4030.72 ns, and with a switch latency
# of 500 ns, 1 us more.
run "$tmp/one.yaml" -o "$tmp/s" --set traffic.0.flows.0.size=8
rtt=$(col "$tmp/s" acked_ps)
[ "$rtt" = 4030720 ]
t $? "8-byte WRITE completes after $rtt ps = 4030.72 ns"
run "$tmp/one.yaml" -o "$tmp/s2" --set traffic.0.flows.0.size=8 --set switch.latency=500ns
rtt=$(col "$tmp/s2" acked_ps)
[ "$rtt" = 5030720 ]
t $? "with 500 ns switch latency: $rtt ps"

# 16. Loss without PFC.  When packet i is lost the responder notices at
# i + 1 and NAKs; until the NAK is back the requester keeps sending, at
# least a minimal round trip (4.03 us, test 13) of 88.48 ns packets: 45
# packets, all discarded and resent.  So each loss costs >= 45 packets
# unless losses fall in one window, and with loss rate p the efficiency
# (ideal FCT / FCT) is at most about 1 / (1 + 45 p); we allow half of that
# waste, 1 / (1 + 22.5 p).  Selective repeat would lose only ~p.
for p in 0.002 0.005; do
    run "$tmp/one.yaml" -o "$tmp/l$p" --set faults.loss=$p --set rdma.timeout=100us
    awk -v p="$p" -v fct="$(col "$tmp/l$p" fct_ps)" -v ideal="$(col "$tmp/l$p" ideal_fct_ps)" \
        -v retx="$(col "$tmp/l$p" retx_pkts)" -v naks="$(col "$tmp/l$p" naks)" 'BEGIN {
        eff = ideal / fct; bound = 1 / (1 + 22.5 * p)
        printf "loss %s: efficiency %.4f <= %.4f and < 1 - 10p, %d packets resent after %d NAKs\n", p, eff, bound, retx, naks
        exit !(eff <= bound && eff < 1 - 10 * p && retx > 0 && naks > 0)
    }' >"$tmp/e"
    st=$?
    t $st "go-back-N, $(cat "$tmp/e")"
done

# No loss, PFC on: an 8-to-1 incast of WRITEs never retransmits.
cat >"$tmp/incast.yaml" <<'YAML'
name: roce-incast
stop: 10ms
topology: {type: spine-leaf, spines: 1, leaves: 1, servers_per_leaf: 9,
           server_link: {rate: 100Gbps, delay: 1us},
           uplink: {rate: 100Gbps, delay: 1us}}
switch: {buffer: 2MB}
pfc: {enabled: true}
traffic:
  - {pattern: incast, senders: 8, receiver: h0, size: 1MB, tc: 3, protocol: roce}
YAML
run "$tmp/incast.yaml" -o "$tmp/i"
r=$(awk -F, 'NR == 1 {for (i = 1; i <= NF; i++) c[$i] = i} NR > 1 {s += $c["retx_pkts"]; d += $c["completed"]} END {print s + 0, d + 0}' "$tmp/i/flows.csv")
[ "$r" = "0 8" ] && [ "$(num drops_total "$tmp/i/summary.json")" = 0 ] &&
    [ "$(num pause_frames_sent "$tmp/i/summary.json")" -gt 0 ]
t $? "with PFC: 8 WRITEs complete, no retransmission, no drop, pauses sent ($r)"
run "$tmp/incast.yaml" -o "$tmp/i2" --set pfc.enabled=false --set switch.mmu=shared
[ "$(num drops_total "$tmp/i2/summary.json")" -gt 0 ] && [ "$(num flows_completed "$tmp/i2/summary.json")" -lt 8 ]
t $? "without PFC the same incast drops, and WRITEs that lose their tail wait for the 67 ms timeout"

# 14. DCQCN: two WRITEs into one 100 Gb/s receiver port, the second 2 ms
# after the first, RED marking (Kmin 12 KB, Kmax 500 KB, Pmax 1%) and PFC
# on.  Bytes each flow delivers in [10, 20] ms come from two runs that
# stop at 10 and 20 ms (the first is a prefix of the second: same seed,
# same events).
cat >"$tmp/dcqcn.yaml" <<'YAML'
name: dcqcn-two
stop: 20ms
topology: {type: spine-leaf, spines: 1, leaves: 1, servers_per_leaf: 3,
           server_link: {rate: 100Gbps, delay: 1us},
           uplink: {rate: 100Gbps, delay: 1us}}
switch:
  buffer: 16MB
  ecn: {mode: red, kmin: 12KB, kmax: 500KB, pmax: 0.01}
pfc: {enabled: true}
rdma: {cc: dcqcn}
traffic:
  - pattern: flows
    protocol: roce
    flows: [{src: h1, dst: h0, size: 1GB, tc: 3},
            {src: h2, dst: h0, size: 1GB, start: 2ms, tc: 3}]
YAML
run "$tmp/dcqcn.yaml" -o "$tmp/d10" --set stop=10ms
run "$tmp/dcqcn.yaml" -o "$tmp/d20"
delivered() { awk -F, 'NR == 1 {for (i = 1; i <= NF; i++) c[$i] = i} NR > 1 {printf "%s ", $c["bytes_delivered"]}' "$1/flows.csv"; }
# share DIR10 DIR20 WIRE: of the bytes the two flows delivered in [10, 20]
# ms, Jain's index, the share of goodput capacity (1024 B of payload per
# WIRE bytes at 100 Gb/s), and MB each, into $tmp/share.
share() {
    awk -v a="$(delivered "$1")" -v b="$(delivered "$2")" -v wire="$3" 'BEGIN {
        split(a, x, " "); split(b, y, " ")
        r1 = y[1] - x[1]; r2 = y[2] - x[2]
        jain = (r1 + r2) ^ 2 / (2 * (r1 ^ 2 + r2 ^ 2))
        util = (r1 + r2) * 8 / 0.010 / (1024 / wire * 100e9)
        printf "%.4f %.4f %.1f %.1f\n", jain, util, r1 / 1e6, r2 / 1e6
    }' >"$tmp/share"
}
share "$tmp/d10" "$tmp/d20" 1106
read -r jain util m1 m2 <"$tmp/share"
awk -v j="$jain" -v u="$util" 'BEGIN { exit !(j >= 0.95 && u > 0.9) }'
t $? "DCQCN converges: Jain $jain, $m1 and $m2 MB, $util of goodput capacity"
q=$(awk -F, '$1 == "leaf0" && $3 == "h0" && $4 == 3 {print $5, $6}' "$tmp/d20/queues.csv")
cnps=$(awk -F, '$1 == "leaf0" && $3 == "h0" && $4 == 3 {print $9}' "$tmp/d20/queues.csv")
awk -v q="$q" -v m="$cnps" 'BEGIN { split(q, v, " "); exit !(v[2] < 50000 && v[1] < 1000000 && m > 0) }'
t $? "the bottleneck queue stays bounded: peak/average $q B, $cnps packets marked"
[ "$(num pause_frames_sent "$tmp/d20/summary.json")" = 0 ]
t $? "DCQCN keeps PFC from firing: no pause frame"
c=$(awk -F, 'NR == 1 {for (i = 1; i <= NF; i++) c[$i] = i} NR > 1 {printf "%s ", $c["cnps"]}' "$tmp/d20/flows.csv")
awk -v c="$c" 'BEGIN { n = split(c, v, " "); exit !(n == 2 && v[1] > 0 && v[2] > 0) }'
t $? "both requesters received CNPs: $c"
run "$tmp/dcqcn.yaml" -o "$tmp/dn" --set stop=10ms --set rdma.cc=none
qn=$(awk -F, '$1 == "leaf0" && $3 == "h0" && $4 == 3 {print $6}' "$tmp/dn/queues.csv")
[ "$(num pause_frames_sent "$tmp/dn/summary.json")" -gt 0 ] && [ "$(num drops_total "$tmp/dn/summary.json")" = 0 ]
t $? "without congestion control the same pair relies on PFC: $(num pause_frames_sent "$tmp/dn/summary.json") pauses, average queue $qn B"

# 15. HPCC on the same pair (HPCC on one path follows).  Its
# packets carry 42 B of INT: 1024 B of payload per 1148 wire bytes.  HPCC
# aims the port at eta = 95% of its rate: the two flows settle where U =
# eta + 2 R_AI / B = 0.9508 less the queue's term, so utilization is
# asserted within 0.5% of eta, and the queue should stay far below
# DCQCN's.  The 20 ms run samples both QPs (monitor.qps) and runs twice
# to show determinism.
sed '/^monitor:/d' "$tmp/dcqcn.yaml" >"$tmp/pair.yaml"
printf 'monitor: {interval: 100us, qps: [0, 1]}\n' >>"$tmp/pair.yaml"
run "$tmp/pair.yaml" -o "$tmp/h10" --set stop=10ms --set rdma.cc=hpcc
run "$tmp/pair.yaml" -o "$tmp/h20" --set rdma.cc=hpcc
share "$tmp/h10" "$tmp/h20" 1148
read -r jain util m1 m2 <"$tmp/share"
awk -v u="$util" 'BEGIN { exit !(u >= 0.945 && u <= 0.955) }'
t $? "HPCC on the pair: $util of goodput capacity (eta 0.95) in [10, 20] ms"
awk -v j="$jain" 'BEGIN { exit !(j >= 0.99) }'
t $? "two HPCC flows share fairly: Jain $jain ($m1 and $m2 MB)"
qavg() { awk -F, '$1 == "leaf0" && $3 == "h0" && $4 == 3 {print $6}' "$1/queues.csv"; }
qh=$(qavg "$tmp/h20") qd=$(qavg "$tmp/d20")
awk -v h="$qh" -v d="$qd" 'BEGIN { exit !(h < d && h < 2000) }'
t $? "the bottleneck's time-averaged queue over 20 ms: HPCC $qh B < DCQCN $qd B"
[ "$(num pause_frames_sent "$tmp/h20/summary.json")" = 0 ] && [ "$(num drops_total "$tmp/h20/summary.json")" = 0 ]
t $? "HPCC: no pause frame, no drop"
awk -F, 'NR > 1 && $1 >= 5000000000 {n++; if ($2 == 0) a += $3; else b += $3} END {
    r = a / b; printf "%.4f\n", r; exit !(n > 0 && r > 0.8 && r < 1.25) }' "$tmp/h20/rate_series.csv" >"$tmp/r"
t $? "rate_series.csv: the two HPCC QPs' mean rates from 5 ms within 25% (ratio $(cat "$tmp/r"))"
run "$tmp/pair.yaml" -o "$tmp/h20b" --set rdma.cc=hpcc
same_results "$tmp/h20" "$tmp/h20b" flows.csv links.csv queues.csv rate_series.csv pfc.csv
t $? "HPCC: two runs give identical flows, links, queues, rates, PFC and summary"

# HPCC on one path: the INT header's bytes on the wire, the window and
# rate an idle path converges to, its goodput, and ACK coalescing.
# Wire bytes and packets of the link FROM -> TO in links.csv.
link() { awk -F, -v a="$2" -v b="$3" '$1 == a && $2 == b {print $7, $8}' "$1/links.csv"; }
{ cat "$tmp/one.yaml"; printf 'rdma: {cc: hpcc}\nmonitor: {interval: 10us, qps: [0]}\n'; } >"$tmp/hone.yaml"

# The INT header (42 B: five 8-byte hop records and a 2-byte count) rides
# on every data packet and every ACK.  An 8-byte WRITE: the request frame
# is 14 + 20 + 8 + 12 (BTH) + 16 (RETH) + 42 (INT) + 8 + 4 (ICRC) + 4
# (FCS) = 128 B, 148 B on the wire (11.84 ns at 100 Gb/s); the ACK 14 + 20
# + 8 + 12 + 4 (AETH) + 42 + 4 + 4 = 108 B, 128 on the wire (10.24 ns).
# Round trip over two 1 us links each way: 2 x 11.84 + 2 x 10.24 + 4000 =
# 4044.16 ns (test 13: 4030.72 ns without INT).
run "$tmp/hone.yaml" -o "$tmp/hs" --set traffic.0.flows.0.size=8
t $? "an 8-byte HPCC WRITE runs"
[ "$(link "$tmp/hs" a sw)" = "148 1" ] && [ "$(link "$tmp/hs" sw a)" = "128 1" ]
t $? "wire sizes with INT: request 148 B ($(link "$tmp/hs" a sw | cut -d' ' -f1)), ACK 128 B ($(link "$tmp/hs" sw a | cut -d' ' -f1))"
[ "$(col "$tmp/hs" acked_ps)" = 4044160 ]
t $? "the WRITE completes after $(col "$tmp/hs" acked_ps) ps = 4044.16 ns"

# A 10 MB WRITE on the idle path: 9766 packets, each 1024 B of payload
# (the last 640) + 124 B of frame, INT, preamble and gap, the first 16 B
# more (RETH): 10000000 + 9766 x 124 + 16 = 11211000 wire bytes; 9766
# ACKs of 128 B back.
run "$tmp/hone.yaml" -o "$tmp/hg"
t $? "a 10 MB HPCC WRITE runs"
[ "$(link "$tmp/hg" a sw)" = "11211000 9766" ] && [ "$(link "$tmp/hg" sw a)" = "1250048 9766" ] &&
    [ "$(col "$tmp/hg" completed)" = 1 ] && [ "$(col "$tmp/hg" cc)" = hpcc ]
t $? "every data packet carries INT: $(link "$tmp/hg" a sw) wire bytes and packets out, ACKs $(link "$tmp/hg" sw a)"

# T is the flow's base round trip: a full data packet out (1148 B on the
# wire, 91.84 ns a hop) and its ACK back (10.24 ns a hop), plus 4 x 1 us:
# 4204.16 ns.  The window starts at line rate x T = 52552 B.  Alone on the
# path, the switch's port reports u = 1 (it sends at line rate, no queue),
# so W = W_c / (u / eta) + W_AI shrinks to eta x line x T + W_AI: the QP
# settles at eta x 100 Gb/s + R_AI = 95 + 0.04 = 95.04 Gb/s (HPCC keeps
# 5% headroom by design), window 49946 B.
rs=$tmp/hg/rate_series.csv
first=$(awk -F, 'NR == 2 {print $3, $6}' "$rs")
last=$(tail -n 1 "$rs" | awk -F, '{print $3, $6, $7}')
[ "$first" = "100000000000 52552" ] &&
awk -v l="$last" 'BEGIN { split(l, v, " "); exit !(v[1] > 95.035e9 && v[1] < 95.045e9 && v[2] == 49946 && v[3] > 0.9503 && v[3] < 0.9505) }'
t $? "rate and window: $first at start (line x T), $last (rate, W, u) at the end"
awk -v w="$(echo "$last" | cut -d' ' -f2)" -v r="$(echo "$last" | cut -d' ' -f1)" 'BEGIN {
    exit !(w > r * 4204.16e-9 / 8 - 1 && w < r * 4204.16e-9 / 8 + 1) }'
t $? "W = rate x T / 8 with T = 4204.16 ns"
run "$tmp/hone.yaml" -o "$tmp/ht8" --set rdma.hpcc.t=8us --set traffic.0.flows.0.size=1MB
[ "$(awk -F, 'NR == 2 {print $6}' "$tmp/ht8/rate_series.csv")" = 100000 ]
t $? "rdma.hpcc.t: 8us starts the window at 100 Gb/s x 8 us = 100000 B"

# Goodput near line rate: 95.04% of 100 Gb/s carries 1024 B of payload
# per 1148 wire bytes: 84.774 Gb/s, measured over the FCT less the
# one-way trip of the last packet (the startup transient is one round
# trip in ~900 us).
awk -v fct="$(col "$tmp/hg" fct_ps)" 'BEGIN {
    span = fct - 2000000 - 2 * 1148 * 8 * 10
    gp = 10000000 * 8 / (span / 1e12)
    want = (0.95 + 40e6 / 100e9) * 1024 / 1148 * 100e9
    printf "%.3f %.3f\n", gp / 1e9, want / 1e9
    exit !(gp > 0.99 * want && gp < 1.01 * want)
}' >"$tmp/hgp"
t $? "idle-path goodput $(cut -d' ' -f1 "$tmp/hgp") Gb/s = 0.9504 x 1024/1148 x 100 Gb/s ($(cut -d' ' -f2 "$tmp/hgp")) within 1%"

# ACK coalescing: one ACK per 4 packets and the message's last (2442 of
# 128 B), each echoing the newest packet's INT; the rate converges the
# same.
run "$tmp/hone.yaml" -o "$tmp/hc4" --set rdma.ack_every=4
last4=$(tail -n 1 "$tmp/hc4/rate_series.csv" | cut -d, -f3)
[ "$(link "$tmp/hc4" sw a)" = "312576 2442" ] &&
    awk -v r="$last4" 'BEGIN { exit !(r > 95.035e9 && r < 95.045e9) }'
t $? "ack_every 4: $(link "$tmp/hc4" sw a) ACK bytes and packets, rate $last4 b/s"

# Without HPCC the packets carry no INT (rdma.sh's figures).
run "$tmp/hone.yaml" -o "$tmp/hn" --set rdma.cc=none --set traffic.0.flows.0.size=8
[ "$(link "$tmp/hn" a sw)" = "106 1" ] && [ "$(link "$tmp/hn" sw a)" = "86 1" ]
t $? "rdma.cc none: request 106 B, ACK 86 B on the wire"

# 17. RoCEv1: the IB transport straight over Ethernet (EtherType 0x8915;
# a 40 B GRH where RoCEv2 has IPv4 20 + UDP 8).  Inside one switch it
# works: the 8-byte WRITE's frames are 12 B longer each way, 2 x 0.96 +
# 2 x 0.96 ns more: 4034.56 ns.  Across a router it is refused.
run "$tmp/one.yaml" -o "$tmp/v1" --set traffic.0.protocol=rocev1 --set traffic.0.flows.0.size=8
rtt=$(col "$tmp/v1" acked_ps)
[ "$rtt" = 4034560 ]
t $? "RoCEv1 8-byte WRITE on one switch: $rtt ps"
cat >"$tmp/v1x.yaml" <<'YAML'
name: rocev1-across
topology: {type: spine-leaf, spines: 1, leaves: 2, servers_per_leaf: 2}
traffic:
  - pattern: flows
    protocol: rocev1
    flows: [{src: h0, dst: h1, size: 1MB}, {src: h0, dst: h2, size: 1MB}]
YAML
"$DCSIM" run "$tmp/v1x.yaml" -o "$tmp/v1x" --no-report >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" = 2 ] && [ ! -e "$tmp/v1x" ] && [ ! -s "$tmp/out" ] &&
    grep -q "v1x.yaml:4:5: traffic.0: protocol rocev1 cannot carry h0 -> h2: they hang off different switches (leaf0, leaf1)" "$tmp/err"
t $? "RoCEv1 across a router: exit $rc, no results, $(cut -c1-90 "$tmp/err")..."

# 18. SEND/RECV.  A SEND needs a receive posted at the responder.  With
# one posted from the start it runs as the WRITE does without RETH: the
# FCT equals the ideal exactly.  With the receive posted only at 2 ms,
# each attempt draws an RNR NAK and the requester waits rdma.rnr_timer
# (0.64 ms) before retrying: attempts at ~0, 0.64, 1.28, 1.92 ms are
# refused and the one at ~2.57 ms goes through, so the FCT is 2.57 ms +
# the 0.866 ms transfer.  With rnr_retry 1 the QP gives up after two.
run "$tmp/one.yaml" -o "$tmp/snd" --set traffic.0.verb=send
[ "$(col "$tmp/snd" fct_ps)" = "$(col "$tmp/snd" ideal_fct_ps)" ] && [ "$(col "$tmp/snd" naks)" = 0 ]
t $? "SEND with a receive posted: FCT $(col "$tmp/snd" fct_ps) ps = ideal, no NAK"
run "$tmp/one.yaml" -o "$tmp/rnr" --set traffic.0.verb=send --set traffic.0.recv_at=2ms
fct=$(col "$tmp/rnr" fct_ps) naks=$(col "$tmp/rnr" naks)
[ "$naks" = 4 ] && [ "$fct" -gt 3430000000 ] && [ "$fct" -lt 3460000000 ] && [ "$(col "$tmp/rnr" completed)" = 1 ]
t $? "SEND before the receive is posted: $naks RNR NAKs, retried, done after $fct ps"
run "$tmp/one.yaml" -o "$tmp/rnr1" --set traffic.0.verb=send --set traffic.0.recv_at=2ms --set rdma.rnr_retry=1
[ "$(col "$tmp/rnr1" completed)" = 0 ] && [ "$(col "$tmp/rnr1" naks)" = 2 ]
t $? "rnr_retry 1: the QP fails after 2 RNR NAKs, the flow stays incomplete"

# WRITE with immediate consumes the receive with its last packet (which
# carries 4 B of immediate data): posted at 2 ms, the last packet (at
# ~0.87 ms) draws RNR NAKs at ~0.87 and ~1.51 ms and gets in at ~2.15.
run "$tmp/one.yaml" -o "$tmp/wi" --set traffic.0.verb=write_imm --set traffic.0.recv_at=2ms
fct=$(col "$tmp/wi" fct_ps)
[ "$(col "$tmp/wi" naks)" = 2 ] && [ "$(col "$tmp/wi" retx_pkts)" = 2 ] &&
    [ "$fct" -gt 2140000000 ] && [ "$fct" -lt 2170000000 ]
t $? "WRITE with immediate before the receive: 2 RNR NAKs for its last packet only, done after $fct ps"

# 18. READ: the requester (a) sends a READ request (BTH + RETH + ICRC,
# 78 B, 98 on the wire) and b answers with response packets (AETH on the
# first and last).  It returns exactly the requested length; an 8-byte
# READ takes 2 x 7.84 ns (request) + 2 x 7.52 ns (one response, 74 B) +
# 4 x 1 us = 4030.72 ns; under loss the requester re-issues the READ from
# the first missing PSN.
run "$tmp/one.yaml" -o "$tmp/rd" --set traffic.0.verb=read
[ "$(col "$tmp/rd" completed)" = 1 ] && [ "$(col "$tmp/rd" bytes_delivered)" = 10000000 ] &&
    [ "$(col "$tmp/rd" verb)" = read ] && [ "$(col "$tmp/g" verb)" = write ]
t $? "a 10 MB READ returns exactly 10000000 bytes, in $(col "$tmp/rd" fct_ps) ps (ideal $(col "$tmp/rd" ideal_fct_ps))"
b2a=$(awk -F, '$1 == "sw" && $2 == "a" {print $7}' "$tmp/rd/links.csv")
a2b=$(awk -F, '$1 == "a" {print $7}' "$tmp/rd/links.csv")
[ "$b2a" -gt 10000000 ] && [ "$a2b" -lt 1000 ]
t $? "the data flows b -> a ($b2a wire bytes into a), a sends only its request ($a2b)"
run "$tmp/one.yaml" -o "$tmp/rd8" --set traffic.0.verb=read --set traffic.0.flows.0.size=8
[ "$(col "$tmp/rd8" acked_ps)" = 4030720 ]
t $? "an 8-byte READ completes after $(col "$tmp/rd8" acked_ps) ps"
run "$tmp/one.yaml" -o "$tmp/rdl" --set traffic.0.verb=read --set faults.loss=0.002 --set rdma.timeout=100us
[ "$(col "$tmp/rdl" completed)" = 1 ] && [ "$(col "$tmp/rdl" naks)" -gt 0 ] && [ "$(col "$tmp/rdl" retx_pkts)" -gt 0 ]
t $? "READ under 0.2% loss: $(col "$tmp/rdl" naks) re-issued requests, $(col "$tmp/rdl" retx_pkts) responses resent, complete"

# 17. iWARP: RDMA WRITEs over dcsim's TCP.  Each segment carries one MPA
# FPDU: 2 B length + 14 B DDP/RDMAP + 4 B CRC, so 1440 application bytes
# where TCP carries 1460 in the same 1538 wire bytes: the ideal FCT is
# 1460/1440 of TCP's.  On a link losing 1% of packets it still delivers
# every byte (TCP retransmits), where RoCE without PFC relies on go-back-N.
run "$tmp/one.yaml" -o "$tmp/tcp0" --set traffic.0.protocol=tcp
run "$tmp/one.yaml" -o "$tmp/iw" --set traffic.0.protocol=iwarp
awk -v a="$(col "$tmp/iw" ideal_fct_ps)" -v b="$(col "$tmp/tcp0" ideal_fct_ps)" 'BEGIN {
    r = a / b; printf "%.5f\n", r; exit !(r > 1460 / 1440 - 0.001 && r < 1460 / 1440 + 0.001) }' >"$tmp/r"
t $? "iWARP's framing: ideal FCT $(cat "$tmp/r") x TCP's (1460/1440 = 1.01389)"
run "$tmp/one.yaml" -o "$tmp/iwl" --set traffic.0.protocol=iwarp --set faults.loss=0.01 --set traffic.0.tcp.min_rto=1ms
[ "$(col "$tmp/iwl" completed)" = 1 ] && [ "$(col "$tmp/iwl" bytes_delivered)" = 10000000 ] &&
    [ "$(col "$tmp/iwl" retx_pkts)" -gt 0 ]
t $? "iWARP on a 1% lossy path delivers all 10 MB ($(col "$tmp/iwl" retx_pkts) segments resent, cc $(col "$tmp/iwl" cc))"

# The per-QP rate series shows DCQCN reacting: flow 0 alone at line rate
# until flow 1 joins at 2 ms; from then on both are cut below it.
run "$tmp/pair.yaml" -o "$tmp/dq" --set stop=5ms
rs=$tmp/dq/rate_series.csv
[ "$(head -n 1 "$rs")" = "time_ps,flow,rate_bps,target_bps,alpha,window_bytes,util" ] &&
awk -F, 'NR > 1 && $2 == 0 && $1 < 2000000000 && $3 != 100000000000 {bad = 1}
         NR > 1 && $1 >= 2500000000 && $3 >= 90000000000 {bad = 1}
         NR > 1 {n++} END {exit bad || n != 102}' "$rs"
t $? "rate_series.csv: flow 0 at 100 Gb/s alone, both below 90 Gb/s from 2.5 ms ($(awk -F, '$1 == 5000000000 {printf "%s ", $3}' "$rs")b/s at 5 ms)"

# The storage example (scenarios/rdma-storage.yaml): RDMA WRITEs with
# DCQCN in the lossless class beside DCTCP in the lossy one.  Shortened
# here (200 us of arrivals) to keep the suite fast.
ex=$(dirname "$0")/../../scenarios/rdma-storage.yaml
"$DCSIM" validate "$ex" >/dev/null
t $? "scenarios/rdma-storage.yaml validates"
run "$ex" -o "$tmp/st" --set traffic.0.duration=200us --set traffic.1.duration=200us --set stop=1ms
r=$(awk -F, 'NR == 1 {for (i = 1; i <= NF; i++) c[$i] = i}
    NR > 1 && $c["protocol"] == "roce" {n++; x += $c["retx_pkts"]; m += $c["cnps"]}
    NR > 1 && $c["cc"] == "dctcp" {d++}
    END {print n + 0, x + 0, m + 0, d + 0}' "$tmp/st/flows.csv")
awk -v r="$r" 'BEGIN { split(r, v, " "); exit !(v[1] > 0 && v[2] == 0 && v[3] > 0 && v[4] > 0) }' &&
    [ "$(num drops_total "$tmp/st/summary.json")" = 0 ]
t $? "storage example: RoCE flows, retransmissions, CNPs, DCTCP flows = $r; no drop"
tot=$(sed -n 's/.*"roce": {"flows": \([0-9]*\),.*"cnps": \([0-9]*\)}.*/\1 \2/p' "$tmp/st/summary.json")
[ "$tot" = "$(echo "$r" | cut -d' ' -f1,3)" ]
t $? "summary.json transports.roce totals match flows.csv ($tot)"

# Payloads of any size (rdma.payload; the HPCC simulator's 1000 B): a
# 1 MB WRITE is 1000 packets of 1000 B, each 1000 + 14 + 20 + 8 + 12
# (BTH) + 4 (ICRC) + 4 (FCS) + 20 (preamble, gap) = 1082 B on the wire,
# the first 16 B more (RETH): 1082016 B on the first link.
cat >"$tmp/pay.yaml" <<'YAML'
name: roce-payload
topology: {type: spine-leaf, spines: 1, leaves: 2, servers_per_leaf: 2}
rdma: {payload: 1000}
traffic:
  - {pattern: flows, protocol: roce, flows: [{src: h0, dst: h3, size: 1MB}]}
YAML
run "$tmp/pay.yaml" -o "$tmp/pay"
pk=$(col "$tmp/pay" packets_sent)
wb=$(awk -F, '$1 == "h0" {print $7}' "$tmp/pay/links.csv")
[ "$pk" = 1000 ] && [ "$wb" = 1082016 ] && [ "$(col "$tmp/pay" completed)" = 1 ]
t $? "rdma.payload 1000: $pk packets, $wb B on the first link"

# fabric: ns3, the HPCC simulator's frames and headers: the same WRITE's
# data packets are its 14-byte PppHeader + IPv4 20 + UDP 8 + SeqTsHeader
# 6 + 1000 = 1048 B on the wire (no preamble, gap or FCS; no RETH), with
# HPCC's INT 42 B more: 1090 B; its ACKs a 12-byte qbbHeader padded to a
# 46-byte datagram, 60 B, with HPCC 14 + 20 + 12 + 42 = 88 B (Ethernet:
# 86 B).  Each frame takes whole ns, rounded down as ns-3's Time does:
# 1048 B at 25 Gb/s 335 ns (335.36), at 100 Gb/s 83 ns (83.84).  So the
# flow alone (h0 -> leaf0 -> spine -> leaf1 -> h3 at 25, 100, 100 and 25
# Gb/s, 1 us links) takes 1000 x 335 ns at the first hop, the last
# packet's 83 + 83 + 335 ns at the three after it and 4 x 1 us:
# 339 501 000 ps.
run "$tmp/pay.yaml" -o "$tmp/pn" --set fabric=ns3; t $? "fabric ns3 runs"
run "$tmp/pay.yaml" -o "$tmp/ph" --set fabric=ns3 --set rdma.cc=hpcc; t $? "and with HPCC"
hb() { awk -F, -v h="$2" '$1 == h {print $7}' "$1/links.csv"; }
[ "$(hb "$tmp/pay" h3)" = 86000 ] &&
    [ "$(hb "$tmp/pn" h0) $(hb "$tmp/pn" h3)" = "1048000 60000" ] &&
    [ "$(hb "$tmp/ph" h0) $(hb "$tmp/ph" h3)" = "1090000 88000" ]
t $? "fabric ns3: 1000 x 1048 B of data and 1000 x 60 B of ACKs (HPCC: 1090 and 88; Ethernet: $wb and 86000)"
fn=$(col "$tmp/pn" fct_ps)
ok_if "$fn == 339501000" "fabric ns3: the flow alone takes $fn ps (Ethernet: $(col "$tmp/pay" fct_ps))"
[ "$(col "$tmp/pn" ideal_fct_ps)" = "$fn" ]
t $? "and its ideal FCT counts the same bytes: $fn ps"

# rdma.dcqcn.free_timers (the ns3 preset's): the first CNP starts the
# decrease timer and waits for its first tick, one decrease period (4 us)
# + 1 ns later, where without it the CNP cuts at once.  Two flows into h2
# at line rate, step marking at 40 KB: h0's QP is sampled every 100 ns;
# its first sample below line rate (25 Gb/s) comes 4.0 us later with the
# simulator's timers, and both cuts are alpha 1's halving (12.5 Gb/s).
cat >"$tmp/ft.yaml" <<'YAML'
name: free-timers
topology: {type: spine-leaf, spines: 1, leaves: 1, servers_per_leaf: 3}
switch: {ecn: {mode: step, k: 40KB}}
rdma: {cc: dcqcn, dcqcn: {preset: ns3}}
monitor: {interval: 100ns, qps: [0]}
traffic:
  - {pattern: flows, protocol: roce, flows: [{src: h0, dst: h2, size: 2MB}, {src: h1, dst: h2, size: 2MB}]}
YAML
cut() { awk -F, 'NR > 1 && $3 < 25000000000 {print $1, $3; exit}' "$1/rate_series.csv"; }
run "$tmp/ft.yaml" -o "$tmp/ft1" && run "$tmp/ft.yaml" -o "$tmp/ft0" --set rdma.dcqcn.free_timers=false
t $? "DCQCN with and without free_timers runs"
c1=$(cut "$tmp/ft1") c0=$(cut "$tmp/ft0")
ok_if "${c1% *} - ${c0% *} == 4000000 && ${c1#* } == 12500000000 && ${c0#* } == 12500000000" \
    "free_timers: the first cut is seen at ${c1% *} ps, at once without: ${c0% *} ps (rates ${c1#* }, ${c0#* })"

echo "1..$n"
