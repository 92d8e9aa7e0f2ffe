#!/bin/sh
# `fabric: ns3`: frames that reach a switch at the same instant by
# different links join its queue in the order their transmissions
# started, as in the HPCC ns-3 simulator, where each frame's receive event
# is scheduled when it starts (QbbChannel::TransmitStart) and its
# scheduler fires the events of one instant in the order they were
# scheduled.  Three hosts on one switch, 100 Gb/s links; every flow is one
# 1000 B UDP datagram: a 1042 B frame (14 B PPP + 20 B IP + 8 B UDP +
# 1000 B) that holds a link 83 ns (83.36 rounded down, ns-3's Time).
# A frame that starts at S on a link of delay D arrives at S + 83 + D.
# The end times below are derived by hand from that, each scene twice.
set -u
. "$(dirname "$0")/../lib.sh"

# star FLOWS HOST:RATE:DELAY...: a switch s0 with the hosts on cables
# of those rates and delays.
star() {
    flows=$1
    shift
    printf 'name: ns3-order\nfabric: ns3\n'
    star_topology "$@"
    printf 'traffic:\n  - {pattern: flows, protocol: udp, flows: [%s]}\n' \
        "$flows"
}
# scene DELAY_A DELAY_B FLOWS: the star with a's and b's cable delays;
# c's cable is 1 us.
scene() {
    star "$3" "a:100Gbps:$1" "b:100Gbps:$2" c:100Gbps:1us
}
check() { check_ends "$@"; }

# 1. a (2 us cable) sends A1 at 0 and A2 at 83 ns, back to back; b (1 us)
# sends B at 1083 ns.  A1 reaches s0 at 2083 and leaves at once (to c at
# 2083 + 83 + 1000 = 3166).  A2 (83 + 83 + 2000) and B (1083 + 83 + 1000)
# both reach s0 at 2166, as A1's transmission there ends.  A2 started
# first, so it is queued first and leaves first, 2166-2249 (at c 3249),
# then B, 2249-2332 (at c 3332).  The link's own order would say B: A2's
# arrival could only be filed when A1 arrived, at 2083, after B started.
scene 2us 1us "{src: a, dst: c, size: 1000B, start: 0ns},
               {src: a, dst: c, size: 1000B, start: 83ns},
               {src: b, dst: c, size: 1000B, start: 1083ns}" >"$tmp/one.yaml"
check one "3166 3249 3332" "A2, started before B, overtakes it at the switch"
# Both were queued when the port chose the next frame at 2166: their
# frames started before A1's transmission at s0 (2083), whose end is an
# event filed then, so they arrive before it ends, even though nothing
# waited when A1 started.  The queue held 2 x 1042 B; sending A2 as it
# arrived would have held one frame.
q=$(cell "$tmp/one" queues.csv max_bytes)
[ "$q" = 2084 ]
t $? "the queue at s0 held both frames before the next left ($q B, want 2084)"

# 2. The other way round: a (1 us) sends A1 at 917 and A2 at 1083 ns, b
# (2 us) B1 at 0 and B2 at 83 ns, back to back.  A1 reaches s0 at 2000
# and leaves at once (at c 3083).  B1 reaches s0 at 2083, as A1's
# transmission ends there: B1 started at 0, before that transmission (at
# 2000), so it is queued first and leaves 2083-2166 (at c 3166).  B2
# (83 + 83 + 2000) and A2 (1083 + 83 + 1000) both arrive at 2166: B2
# started first and leaves first, 2166-2249 (at c 3249), then A2 (3332).
# The link's own order would say A2: its arrival was filed when A1
# arrived (2000), B2's when B1 did (2083).
scene 1us 2us "{src: b, dst: c, size: 1000B, start: 0ns},
               {src: b, dst: c, size: 1000B, start: 83ns},
               {src: a, dst: c, size: 1000B, start: 917ns},
               {src: a, dst: c, size: 1000B, start: 1083ns}" >"$tmp/two.yaml"
check two "3166 3249 3083 3332" "B2, started before A2, goes first"

# 3. An end already passed: a (1 us) sends A1 at 0, which reaches s0 at
# 1083 and leaves at once (1083-1166, at c 2166); nothing waits behind
# it, so its end is filed only if something asks (port.c).  b and d,
# on 400 Gb/s cables of 50 ns (the frame holds them 20 ns, 20.84
# rounded down), send B and D at 1096, after A1's transmission at s0
# started: both reach s0 at 1166, as it ends, and come after its end.
# B finds the port idle and leaves at once (1166-1249, at c 2249), D
# waits behind it (1249-1332, at c 2332): the queue never holds more
# than one frame.  Had the end come after them, both would have waited
# for it (2084 B), the departures at the same times.
star "{src: a, dst: c, size: 1000B, start: 0ns},
      {src: b, dst: c, size: 1000B, start: 1096ns},
      {src: d, dst: c, size: 1000B, start: 1096ns}" \
    a:100Gbps:1us b:400Gbps:50ns c:100Gbps:1us d:400Gbps:50ns \
    >"$tmp/three.yaml"
check three "2166 2249 2332" "B and D, started after A1 left s0, come after its end"
q=$(cell "$tmp/three" queues.csv max_bytes)
[ "$q" = 1042 ]
t $? "the first frame after the end left at once ($q B queued at most, want 1042)"

echo "1..$n"
