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

# star FLOWS HOST:RATE:DELAY...: RoCE WRITEs under `fabric: ns3` through
# a switch s0 with the hosts on cables of those rates and delays.
star() {
    flows=$1
    shift
    printf 'name: ns3-wake\nfabric: ns3\n'
    star_topology "$@"
    printf 'rdma: {payload: 1000, ack_every: 1, ack_first: true}\n'
    printf 'traffic:\n  - {pattern: flows, protocol: roce, flows: [%s]}\n' \
        "$flows"
}
check() { check_ends "$@"; }

# 1. The scene above.
star "{src: x, dst: z, size: 2000B, start: 0ns, rate: 20Gbps},
      {src: y, dst: z, size: 2000B, start: 10ns, rate: 20480Mbps}" \
    x:50Gbps:1us y:100Gbps:1084ns z:100Gbps:1us >"$tmp/wake.yaml"
check wake "2752 2669" "y's frame ended first, so its next send goes first"

# 2. The simulator's NIC also scans when no QP may send: each ACK it
# receives ends with TriggerTransmit (rdma-hw.cc line 436), and with its
# link free DequeueAndTransmit scans the QPs (GetNextQindex,
# qbb-net-device.cc lines 93-129), dropping the finished ones; the slot
# of the last served (m_rrlast) stays, so after a drop below it the next
# scan starts one QP further on.  Host a (10 Gb/s cable, 1 us: a data
# frame holds it 838 ns, 838.4 rounded down; an ACK of 60 B 47 ns)
# starts three WRITEs to c (100 Gb/s, 1 us) at 0: A, one packet; B and
# C, two packets, paced at 1168.9 and 1321.45 Mb/s (gaps of 7172 and
# 6344 ns).  A goes 0-838, B 838-1676 (next at 8010), C 1676-2514 (next
# at 8020); the ring is A B C, C served last.  A's ACK comes back at
# 838 + 1000 + 83 + 1000 (at c, 2921) + 4 + 1000 + 47 + 1000 = 4972,
# with a's link free: the scan finds nothing to send and drops A, the
# ring is B C and the last served slot 2, C's no longer.  Host e (100
# Gb/s, 1 us) sends a's one packet at 5079, at a at 5079 + 83 + 1000 +
# 838 + 1000 = 8000; a's ACK holds its link 8000-8047, during which B
# and C come due.  At 8047 the scan starts after slot 2, wrapping to
# slot 1: C, 8047-8885, then B, 8885-9723.  C's last packet reaches c at
# 8885 + 1000 + 83 + 1000 = 10968, B's at 11806.  Without the scan at
# A's ACK, A would still hold slot 0 at 8047: the scan from slot 3
# would wrap to A, drop it, and take B first (B 10968, C 11806).
star "{src: a, dst: c, size: 1000B, start: 0ns},
      {src: a, dst: c, size: 2000B, start: 0ns, rate: 1168900kbps},
      {src: a, dst: c, size: 2000B, start: 0ns, rate: 1321450kbps},
      {src: e, dst: a, size: 1000B, start: 5079ns}" \
    a:10Gbps:1us c:100Gbps:1us e:100Gbps:1us >"$tmp/scan.yaml"
check scan "2921 11806 10968 8000" \
    "A's ACK dropped it from the ring, so the scan after C served starts at C"

echo "1..$n"
