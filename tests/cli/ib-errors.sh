#!/bin/sh
# Bad InfiniBand input: the keys `fabric` and `ib`, `protocol: ib`, and
# what an IB fabric refuses (PFC, the Ethernet protocols and keys,
# DCQCN).  Each case must make `dcsim run -o DIR` and `dcsim validate`
# exit 2 with one line on stderr that starts with the scenario's
# FILE:LINE:COL and says what is wrong, print nothing on stdout and leave
# no DIR.  The valid scenario they are made from validates and runs, so
# each case fails for its own reason.
set -u
. "$(dirname "$0")/../lib.sh"
s=$tmp/s.yaml

# scenario FABRIC PROTOCOL [LINES]: writes s.yaml: `fabric` on line 2, a
# small spine-leaf on line 3, one incast entry on line 5 whose protocol
# (column 70) is PROTOCOL, and LINES from line 6 on.
scenario() {
    {
        printf 'name: ib-bad\nfabric: %s\n' "$1"
        printf 'topology: {type: spine-leaf, spines: 1, leaves: 2, servers_per_leaf: 2}\n'
        printf 'traffic:\n  - {pattern: incast, senders: 2, receiver: h0, size: 1MB, protocol: %s}\n' "$2"
        [ -z "${3:-}" ] || printf '%s\n' "$3"
    } >"$s"
}

# check NAME WANT: s.yaml is refused at WANT (lib.sh's `refused`).
check() { refused "$1" "$s" "$2"; }

# bad NAME LINES WANT: an IB scenario with LINES.
bad() {
    scenario infiniband ib "$2"
    check "$1" "$3"
}

scenario infiniband ib "ib: {vl_buffer: 8KiB}"
"$DCSIM" run "$s" -o "$tmp/ok" --quiet --no-report 2>"$tmp/stderr"
t $? "the valid IB scenario the cases are made from runs"

# fabric and ib.
scenario fddi ib
check "unknown fabric" "2:9: fabric is 'fddi'; expected one of: ethernet, infiniband, ns3"
scenario ethernet udp "ib: {vl_buffer: 8KiB}"
check "ib on an Ethernet fabric" "6:1: ib given with fabric ethernet; expected fabric: infiniband, or no ib key"
bad "unknown key in ib" "ib: {vl_buf: 8KiB}" "6:6: unknown key 'vl_buf' in ib; expected one of: vl_buffer"
bad "ib.vl_buffer zero" "ib: {vl_buffer: 0}" "6:17: ib.vl_buffer is '0'"
bad "ib.vl_buffer not in credits" "ib: {vl_buffer: 4KB}" \
    "6:17: ib.vl_buffer is '4KB' (not a whole number of 64-byte credits); expected a multiple of 64 B (one credit) up to 128KiB (2048 credits)"
bad "ib.vl_buffer beyond 2048 credits" "ib: {vl_buffer: 256KiB}" \
    "6:17: ib.vl_buffer is '256KiB' (more than the 2048 credits a 12-bit credit limit can grant)"
bad "ib.vl_buffer below one packet" "ib: {vl_buffer: 4KiB}
rdma: {mtu: 4096}" \
    "6:17: ib.vl_buffer is '4KiB' (smaller than one packet of rdma.mtu 4096: 4160 B in 65 credits); expected a multiple of 64 B from 4160 B up to 128KiB"

# Protocols: only ib on IB, ib only on IB.
for p in udp tcp roce rocev1 iwarp; do
    scenario infiniband "$p"
    check "protocol $p on IB" "5:70: traffic.0.protocol is '$p' (fabric infiniband carries no Ethernet, IP, UDP or TCP); expected ib"
done
scenario ethernet ib
check "protocol ib on Ethernet" "5:70: traffic.0.protocol is 'ib' (native InfiniBand needs fabric: infiniband); expected udp, tcp, roce, rocev1 or iwarp, or a top-level fabric: infiniband"

# What IB does not have.
bad "pfc on IB" "stop: 1ms
pfc: {enabled: true}" \
    "7:1: pfc under fabric: infiniband: IB links are lossless by credit-based flow control"
bad "DCQCN on IB" "rdma: {cc: dcqcn}" \
    "6:12: rdma.cc is 'dcqcn' (DCQCN reacts to ECN marks in IP headers, which native IB packets do not have); expected none under fabric: infiniband"
bad "HPCC on IB" "rdma: {cc: hpcc}" \
    "6:12: rdma.cc is 'hpcc' (HPCC's INT records are written by Ethernet switches' egress pipelines"
bad "mtu on IB" "mtu: 9000" "6:1: mtu under fabric: infiniband: the IP MTU sizes Ethernet frames"
bad "qos on IB" "qos: {lossless: [3]}" "6:1: qos under fabric: infiniband: each service level travels in the virtual lane of the same number"
for k in "mmu: shared" "queue: 1MB" "buffer: 8MB" "reserve: 4KB" "ecn: {mode: step, k: 40KB}"; do
    key=${k%%:*}
    bad "switch.$key on IB" "switch: {$k}" "6:10: switch.$key under fabric: infiniband: "
done
bad "host.vlan on IB" "host: {vlan: 10}" "6:8: host.vlan under fabric: infiniband: IB packets have no Ethernet header to tag"
bad "host.rx_buffer on IB" "host: {rx_rate: 50Gbps, rx_buffer: 1MB}" \
    "6:25: host.rx_buffer under fabric: infiniband: an HCA receives into ib.vl_buffer per VL"
# More hosts than one subnet has unicast LIDs (0x0001..0xBFFF): a k = 60
# fat tree has 60^3 / 4 = 54000.
printf 'fabric: infiniband\ntopology: {type: fat-tree, k: 60}\n' >"$s"
check "more hosts than unicast LIDs" "1:9: fabric infiniband: 54000 hosts, more than the 49151 unicast LIDs of one IB subnet"

echo "1..$n"
