#!/bin/sh
# `fabric: ns3`: a NIC picks the queue pair to send next as the HPCC
# ns-3 simulator's does (RdmaEgressQueue::GetNextQindex,
# qbb-net-device.cc): its QPs keep the order they were created in, and
# each time the port is free it scans them from the one after the last
# served, wrapping round, for the first that is ready (data left, pacing
# time passed).  Elsewhere the NIC keeps its round robin of ready
# sources, where a source joins the tail when it becomes ready (when a
# paced one's time comes) and the one just served goes behind those
# waiting.  Host a sends three RoCE WRITEs (A, B, C, in that order) of
# 1000 B packets to c through one switch, 100 Gb/s links; B and C are
# rate-limited to 50 Gb/s.  The packets' order on a's link, and when each
# starts, come from monitor.breakdown (start_ns: when the NIC took it,
# which is when it starts onto the idle link), merged over the three
# flows.  The sequences below are derived by hand, each scene twice.
set -u
. "$(dirname "$0")/../lib.sh"
run() { timeout 30 "$DCSIM" run "$@" --quiet --no-report; }

# scene FABRIC FLOWS
scene() {
    cat <<YAML
name: ns3-nic
fabric: $1
topology:
  type: explicit
  nodes:
    - {name: s0, kind: switch}
    - {name: a, kind: host}
    - {name: c, kind: host}
  links:
    - {a: s0, b: a, rate: 100Gbps, delay: 1us}
    - {a: s0, b: c, rate: 100Gbps, delay: 1us}
rdma: {payload: 1000, ack_every: 1, ack_first: true}
traffic:
  - {pattern: flows, protocol: roce, flows: [$2]}
YAML
}
# wire DIR: "QP@start_ns ..." for a's packets in the order they left.
# The three runs (one per flow's breakdown) go to DIR-0..2.
wire() {
    for f in 0 1 2; do
        awk -F, -v q=$f 'NR > 1 { printf "%s %s@%s\n", $3, substr("ABC", q + 1, 1), $3 + 0 }' \
            "$1-$f/breakdown.csv"
    done | sort -n -k1,1 | awk '{ printf "%s%s", (NR > 1 ? " " : ""), $2 }'
}
# runs NAME DIR: the scene's three runs.
runs() {
    for f in 0 1 2; do
        run "$tmp/$1.yaml" -o "$2-$f" --set monitor.breakdown=$f || return 1
    done
}
check() {
    runs "$1" "$tmp/$1"
    t $? "scene $1 runs"
    runs "$1" "$tmp/$1b"
    got=$(wire "$tmp/$1") again=$(wire "$tmp/$1b")
    [ "$got" = "$again" ]
    t $? "scene $1 twice gives the same order"
    [ "$got" = "$2" ]
    t $? "$3 (got $got, want $2)"
}
three="{src: a, dst: c, size: 4000B},
       {src: a, dst: c, size: 4000B, rate: 50Gbps},
       {src: a, dst: c, size: 4000B, rate: 50Gbps}"

# 1. Under ns3 a frame of 1048 B (1000 B + 14 PPP + 20 IP + 8 UDP + 6
# sequence header) holds the link 83 ns, and a 50 Gb/s QP may send 167 ns
# after the start of its previous packet (both 83.84 and 167.68 rounded
# down, ns-3's Time).  A, at line rate, is always ready again when its
# frame ends.  t=0: A alone, A.  83: scan from after A: B (next 250).
# 166: C (next 333).  249: after C, wrapping: A.  332: B (250).  415: C,
# ready since 333 (the round robin would take A, ready again at 332,
# ahead of C).  498: A.  581: B (499).  664: C (582).  747: A, its last.
# 830: B (748).  913: C (831).  A plain rotation.
scene ns3 "$three" >"$tmp/ns3.yaml"
check ns3 "A@0 B@83 C@166 A@249 B@332 C@415 A@498 B@581 C@664 A@747 B@830 C@913" \
    "ns3: the NIC scans its QPs from the one after the last served"

# 2. The same on Ethernet keeps the round robin.  Frames are 1098 B
# (first, with RETH) and 1082 B with preamble, gap and FCS: 87.84 and
# 86.56 ns; B and C may send again 175.68 and 173.12 ns after a start.
# t=0: A, ready again at once (line rate), ahead of B and C, which joined
# after it.  87.84: A.  174.40: B (next 350.08).  262.24: C (437.92).
# 350.08: A, ahead of B, which became ready at that instant.  436.64: B
# (609.76).  523.20: A, its last (C waits behind it).  609.76: C
# (782.88).  696.32: B (869.44).  782.88: C (956).  869.44: B.  956: C.
scene ethernet "$three" >"$tmp/eth.yaml"
check eth "A@0 A@87.84 B@174.4 C@262.24 A@350.08 B@436.64 A@523.2 C@609.76 B@696.32 C@782.88 B@869.44 C@956" \
    "ethernet: the NIC's round robin of ready sources as before"

# 3. A QP created later takes the last place in the scan.  A: 2 packets
# at line rate; B: 4 at 50 Gb/s; C: 3 at line rate, created at 300 ns.
# t=0: A.  83: B (next 250).  166: A, its last.  249: nothing ready (B at
# 250): at 250, B (next 417).  300: C joins after B.  333: scan from
# after B: C.  416: B not yet (417): C.  499: B (next 666).  582: C, its
# last.  665: nothing: at 666, B.
scene ns3 "{src: a, dst: c, size: 2000B},
           {src: a, dst: c, size: 4000B, rate: 50Gbps},
           {src: a, dst: c, size: 3000B, start: 300ns}" >"$tmp/join.yaml"
check join "A@0 B@83 A@166 B@250 C@333 C@416 B@499 C@582 B@666" \
    "ns3: a QP created later is scanned after the others"

echo "1..$n"
