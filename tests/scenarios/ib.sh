#!/bin/sh
# Native InfiniBand (fabric: infiniband, protocol ib): goodput and latency
# from IB's own header sizes, and credit-based link-level flow control
# under a 16-to-1 incast: nothing dropped, no receive buffer ever holds
# more than its size, and senders wait for credits instead.  Every figure
# judged is printed; expectations are derived in the comments.
set -u
. "$(dirname "$0")/../lib.sh"
here=$(cd "$(dirname "$0")/../.." && pwd)
run() { timeout 60 "$DCSIM" run "$@" --quiet --no-report 2>>"$tmp/warnings"; }
# Column NAME of flows.csv's row for flow 0.
col() { awk -F, -v k="$2" 'NR == 1 {for (i = 1; i <= NF; i++) c[$i] = i} NR == 2 {print $c[k]}' "$1/flows.csv"; }
# IB header sizes (IBTA Vol 1 ch. 7 and 9): LRH 8, BTH 12, RETH 16,
# AETH 4, ICRC 4, VCRC 2; a flow-control packet 6.  No preamble or gap.
LRH=8 BTH=12 RETH=16 AETH=4 ICRC=4 VCRC=2 FC=6

cat >"$tmp/one.yaml" <<'YAML'
name: ib-one
fabric: infiniband
topology:
  type: explicit
  nodes: [{name: a, kind: host}, {name: sw, kind: switch}, {name: b, kind: host}]
  links:
    - {a: a, b: sw, rate: 100Gbps, delay: 100ns}
    - {a: sw, b: b, rate: 100Gbps, delay: 100ns}
traffic:
  - pattern: flows
    flows: [{src: a, dst: b, size: 10MB}]
YAML

# 1. Goodput of one 10 MB WRITE on an idle 100 Gb/s path.  A full packet
# carries 1024 B (rdma.mtu) in LRH + BTH + ICRC + VCRC = 26 B of headers:
# goodput = 1024 / 1050 x 100 Gb/s = 97.524 Gb/s.  Measured over the
# message's time through the first link: FCT - 2 x 100 ns - the last
# packet's serialization at the switch (640 + 26 B).  (The sender's link
# also carries a 6 B flow-control packet per ACK it receives: about 0.6%.)
run "$tmp/one.yaml" -o "$tmp/g"
t $? "a 10 MB IB WRITE runs"
[ "$(col "$tmp/g" completed)" = 1 ] && [ "$(col "$tmp/g" bytes_delivered)" = 10000000 ] &&
    [ "$(col "$tmp/g" protocol)" = ib ] && [ "$(col "$tmp/g" verb)" = write ]
t $? "every byte delivered, protocol ib, verb write"
awk -v fct="$(col "$tmp/g" fct_ps)" -v h=$((LRH + BTH + ICRC + VCRC)) 'BEGIN {
    last = 10000000 - 9765 * 1024
    span = fct - 2 * 100000 - (last + h) * 8 * 10
    gp = 10000000 * 8 / (span / 1e12)
    want = 1024 / (1024 + h) * 100e9
    printf "%.4f Gb/s = 1024/%d x 100 Gb/s (%.4f)\n", gp / 1e9, 1024 + h, want / 1e9
    exit !(gp > 0.99 * want && gp < 1.01 * want)
}' >"$tmp/gp"
t $? "goodput $(cat "$tmp/gp") within 1%"
# The sender's link carries exactly the packets' own bytes: 9765 full
# packets of 1050 B, the last of 640 + 26 B, RETH once, and a 6 B
# flow-control packet for every ACK it took in (no Ethernet framing:
# RoCEv2 would put 1106 B on the wire per 1024).
bytes=$(awk -F, '$1 == "a" {print $7}' "$tmp/g/links.csv")
fca=$(csv "$tmp/g/ib.csv" 'c["fc_sent"]' 'c["node"] == "a"')
want=$((9765 * (1024 + LRH + BTH + ICRC + VCRC) + 640 + LRH + BTH + ICRC + VCRC + RETH + FC * fca))
[ "$bytes" = "$want" ] && [ "$fca" = 9766 ]
t $? "the sender's link carried $bytes B = 9765 x 1050 + 666 + 16 + $fca x 6 ($want)"

# 2. An 8-byte WRITE's round trip over two 1 us links.  The request is
# LRH 8 + BTH 12 + RETH 16 + 8 + ICRC 4 + VCRC 2 = 50 B (4.00 ns at
# 100 Gb/s), the ACK LRH + BTH + AETH 4 + ICRC + VCRC = 30 B (2.40 ns);
# each is serialized twice (store and forward) and crosses two links:
# 2 x 4.00 + 2 x 2.40 + 4 x 1000 ns.  The responder's HCA frees the
# request's buffer as it takes it and sends its 6 B flow-control packet
# (0.48 ns) before the ACK: 4013.28 ns.  With 500 ns of switch latency
# (paid by the request and by the ACK) 1000 ns more.  rtt: the scenario
# above with two 1 us links (about 200 m of fibre) and 8 bytes.
rtt() { run "$tmp/one.yaml" --set topology.links.0.delay=1us --set topology.links.1.delay=1us --set traffic.0.flows.0.size=8 "$@"; }
want=$(awk -v r=$((LRH + BTH + RETH + 8 + ICRC + VCRC)) -v k=$((LRH + BTH + AETH + ICRC + VCRC)) -v fc=$FC \
    'BEGIN { printf "%d\n", (2 * r + 2 * k + fc) * 80 + 4 * 1000000 }')
rtt -o "$tmp/r"
got=$(col "$tmp/r" acked_ps)
[ "$want" = 4013280 ] && [ "$got" = "$want" ]
t $? "8-byte WRITE completes after $got ps = 2 x 50 B + 2 x 30 B + 6 B at 100 Gb/s + 4 x 1 us ($want)"
rtt -o "$tmp/r2" --set switch.latency=500ns
got=$(col "$tmp/r2" acked_ps)
[ "$got" = $((want + 1000000)) ]
t $? "with 500 ns switch latency: $got ps"
# One way, the last byte reaches b after 2 x 4.00 ns + 2 us.
[ "$(col "$tmp/r" fct_ps)" = 2008000 ]
t $? "the 8-byte WRITE's last byte arrives after $(col "$tmp/r" fct_ps) ps = 2 x 50 B at 100 Gb/s + 2 x 1 us"

# 3. A 16-to-1 incast of 1 MB WRITEs in VL 3 through small VL buffers:
# 2 KiB = 32 credits, enough for one 1088 B packet (1024 + 46 B headers:
# 17 credits) and a bit.  Two leaves of 9 hosts under 2 spines; 7 of the
# senders share h0's leaf, 9 come through the spines.
cat >"$tmp/incast.yaml" <<'YAML'
name: ib-incast
fabric: infiniband
ib: {vl_buffer: 2KiB}
topology: {type: spine-leaf, spines: 2, leaves: 2, servers_per_leaf: 9,
           server_link: {rate: 100Gbps, delay: 100ns},
           uplink: {rate: 100Gbps, delay: 100ns}}
traffic:
  - {pattern: incast, senders: 16, receiver: h0, size: 1MB, tc: 3}
YAML
for v in fast slow; do
    if [ $v = fast ]; then
        run "$tmp/incast.yaml" -o "$tmp/$v"
    else
        # A slow receiver: h0's HCA hands packets to its host at 25 Gb/s,
        # so its own VL buffer fills too and credits hold back the leaf,
        # the spines and the senders behind them.
        run "$tmp/incast.yaml" -o "$tmp/$v" --set host.rx_rate=25Gbps
    fi
    t $? "16-to-1 IB incast ($v receiver) runs"
    s=$tmp/$v/summary.json
    d=$(all_drops "$s")
    [ "$d" = 0 ] && [ "$(num drops_total "$s")" = 0 ] && [ "$(num bytes_lost "$s")" = 0 ]
    t $? "$v: no drop of any reason ($d)"
    got=$(num bytes_delivered "$s") done_=$(num flows_completed "$s")
    retx=$(csv "$tmp/$v/flows.csv" 'c["retx_pkts"] + c["timeouts"]')
    [ "$got" = 16000000 ] && [ "$done_" = 16 ] && [ "$retx" = 0 ]
    t $? "$v: all 16 x 1000000 bytes delivered ($got), 16 flows done, $retx retransmissions"
    ib=$tmp/$v/ib.csv
    over=$(csv "$ib" '1' 'c["peak_bytes"] > c["buffer_bytes"]')
    peak=$(max "$ib" 'c["peak_bytes"]')
    rows=$(csv "$ib" '1')
    [ "$over" = 0 ] && [ "$peak" -le 2048 ] && [ "$peak" -gt $((2048 - 1088)) ] && [ "$(num peak_buffer_bytes "$s")" = "$peak" ]
    t $? "$v: no receive buffer overran its 2048 B in $rows (port, VL) rows; the fullest reached $peak B (more than 2048 - 1088: they did fill)"
    wait=$(csv "$ib" 'c["credit_wait_ps"]' 'c["node"] ~ /^h/ && c["node"] != "h0" && c["vl"] == 3')
    stalls=$(csv "$ib" 'c["credit_stalls"]' 'c["node"] ~ /^h/ && c["node"] != "h0" && c["vl"] == 3')
    [ "$wait" -gt 0 ] && [ "$stalls" -gt 0 ]
    t $? "$v: the senders waited for credits: $stalls times, $wait ps in all"
    fcs=$(csv "$ib" 'c["fc_sent"]') fcr=$(csv "$ib" 'c["fc_received"]')
    [ "$fcs" = "$fcr" ] && [ "$fcs" = "$(num fc_packets_sent "$s")" ] && [ "$(num waiting_at_end "$s")" = 0 ]
    t $? "$v: every flow-control packet arrived ($fcs sent, $fcr received), none waiting at the end"
done
# The slow receiver's own buffer fills, and the wait spreads two hops up:
# the spines wait for the leaf's credits (congestion spreading).
h0peak=$(max "$tmp/slow/ib.csv" 'c["peak_bytes"]' 'c["node"] == "h0"')
spine=$(csv "$tmp/slow/ib.csv" 'c["credit_wait_ps"]' 'c["node"] ~ /^spine/ && c["to"] == "leaf0"')
spine_fast=$(csv "$tmp/fast/ib.csv" 'c["credit_wait_ps"]' 'c["node"] ~ /^spine/ && c["to"] == "leaf0"')
[ "$h0peak" -le 2048 ] && [ "$h0peak" -gt $((2048 - 1088)) ] && [ "$spine" -gt "$spine_fast" ]
t $? "slow receiver: h0's buffer peaks at $h0peak B <= 2048, spines wait $spine ps for leaf0's credits (fast receiver: $spine_fast ps)"
run "$tmp/incast.yaml" -o "$tmp/fast2"
for f in flows.csv ib.csv links.csv; do
    cmp -s "$tmp/fast/$f" "$tmp/fast2/$f" || break
done
t $? "the incast runs the same twice (flows.csv, ib.csv, links.csv identical)"

# The same load on Ethernet without PFC, with as much buffer per switch
# queue as the 16 IB ports into one leaf have per VL (16 x 2 KiB), drops:
# it is the credits that keep IB lossless.
cat >"$tmp/eth.yaml" <<'YAML'
name: eth-incast
topology: {type: spine-leaf, spines: 2, leaves: 2, servers_per_leaf: 9,
           server_link: {rate: 100Gbps, delay: 100ns},
           uplink: {rate: 100Gbps, delay: 100ns}}
switch: {queue: 32KiB}
rdma: {timeout: 100us}
traffic:
  - {pattern: incast, senders: 16, receiver: h0, size: 1MB, tc: 3, protocol: roce}
YAML
run "$tmp/eth.yaml" -o "$tmp/eth"
d=$(num drops_total "$tmp/eth/summary.json")
[ "$d" -gt 0 ]
t $? "the same incast as RoCEv2 on lossy Ethernet with 32 KiB queues drops $d packets"

# 4. The example scenario validates and runs (shortened).
ex=$here/scenarios/ib-incast.yaml
"$DCSIM" validate "$ex" >/dev/null
t $? "scenarios/ib-incast.yaml validates"
run "$ex" -o "$tmp/ex" --set traffic.0.size=200KB
[ "$(num drops_total "$tmp/ex/summary.json")" = 0 ] && [ "$(num flows_incomplete "$tmp/ex/summary.json")" = 0 ]
t $? "scenarios/ib-incast.yaml runs: every flow completes, no drop"

echo "1..$n"
