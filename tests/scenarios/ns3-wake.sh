#!/bin/sh
# `fabric: ns3`: a paced queue pair's next send is filed when the frame
# it sent ends, as the HPCC ns-3 simulator's NIC files it: TransmitComplete
# runs QbbNetDevice::DequeueAndTransmit, which finds no QP whose
# m_nextAvail has come and schedules its next-send event then
# (qbb-net-device.cc 246-255, 283-294); m_nextAvail itself was set as
# the packet left (RdmaHw::UpdateNextAvail, rdma-hw.cc 586-598), and a
# DCQCN rate change leaves both alone (the RdmaHw::*Mlx rules set m_rate
# only; only HPCC's ChangeRate moves them).  Of two hosts' sends due at
# one instant, the one whose frame ended first goes first, and its frame
# is queued first at a switch both reach together.
#
# x (50 Gb/s cable, 1 us) and y (100 Gb/s, 1084 ns) each send a RoCE
# WRITE of two 1000 B packets to z (100 Gb/s, 1 us) through s0, x from
# 0 at 20 Gb/s, y from 10 ns at 20.48 Gb/s.  A frame is 1048 B (1000 B +
# 14 PPP + 20 IP + 8 UDP + 6 sequence header): 167 ns at 50 Gb/s (167.68
# rounded down, ns-3's Time), 83 ns at 100 Gb/s, and the pacing gap is
# 419 ns at 20 Gb/s (419.2) and 409 ns at 20.48 Gb/s (409.375).  So x's
# first frame holds its cable 0-167, y's 10-93, and both may send again
# at 419 (0 + 419, 10 + 409).  x's second frame reaches s0 at 419 + 167 +
# 1000 = 1586, y's at 419 + 83 + 1084 = 1586.  The first ones went on to
# z at 1167-1250 and 1250-1333 (z has them at 2250 and 2333), so s0's
# port to z is idle at 1586: the frame queued first there leaves at once
# (z has it at 1586 + 83 + 1000 = 2669), the other after it (2752).
# y's frame ended first (93 < 167), so y's send at 419 was filed first,
# y started first, and its frame is queued first: y's flow ends at 2669,
# x's at 2752.  Filed as each sent (x at 0, y at 10), x's would go first
# (x 2669, y 2752).
set -u
. "$(dirname "$0")/../lib.sh"
run() { timeout 30 "$DCSIM" run "$@" --quiet --no-report; }

# scene FABRIC
scene() {
    cat <<YAML
name: ns3-wake
fabric: $1
topology:
  type: explicit
  nodes:
    - {name: s0, kind: switch}
    - {name: x, kind: host}
    - {name: y, kind: host}
    - {name: z, kind: host}
  links:
    - {a: s0, b: x, rate: 50Gbps, delay: 1us}
    - {a: s0, b: y, rate: 100Gbps, delay: 1084ns}
    - {a: s0, b: z, rate: 100Gbps, delay: 1us}
rdma: {payload: 1000, ack_every: 1}
traffic:
  - {pattern: flows, protocol: roce, flows: [
      {src: x, dst: z, size: 2000B, start: 0ns, rate: 20Gbps},
      {src: y, dst: z, size: 2000B, start: 10ns, rate: 20480Mbps}]}
YAML
}
# ends DIR: the flows' end times in ns, in flow order.
ends() {
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
             { printf "%s%d", (NR > 2 ? " " : ""), $h["end_ps"] / 1000 }' "$1/flows.csv"
}

scene ns3 >"$tmp/ns3.yaml"
run "$tmp/ns3.yaml" -o "$tmp/ns3"
t $? "the scene runs"
run "$tmp/ns3.yaml" -o "$tmp/ns3b"
same_results "$tmp/ns3" "$tmp/ns3b" flows.csv
t $? "the scene twice gives the same results"
got=$(ends "$tmp/ns3")
[ "$got" = "2752 2669" ]
t $? "ns3: y's frame ended first, so its next send goes first (ends $got ns, want 2752 2669)"

echo "1..$n"
