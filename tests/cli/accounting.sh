#!/bin/sh
# summary.json's packet accounting: packets_sent = packets_delivered +
# drops_total + packets_in_flight also when PFC frames are in flight at
# the stop (they are counted apart, in control_frames_in_flight), and
# packet_hops counts every frame over a link, InfiniBand flow-control
# packets included (docs/output.md).
set -u
. "$(dirname "$0")/../lib.sh"
here=$(cd "$(dirname "$0")/../.." && pwd)

# Seven senders push 200 KB each into h0's 25 Gb/s link: the switches
# pause and resume their peers all along.  Cut at 50 us, three PFC frames
# are between two ports (found by trying stop times from 20 to 80 us).
cat >"$tmp/pfc.yaml" <<'YAML'
name: pfc-stop
stop: 50us
topology: {type: spine-leaf, spines: 2, leaves: 2, servers_per_leaf: 4,
           server_link: {rate: 25Gbps, delay: 1us},
           uplink: {rate: 100Gbps, delay: 1us}}
switch: {buffer: 1MB}
pfc: {enabled: true}
traffic:
  - {pattern: incast, senders: 7, receiver: h0, size: 200KB, tc: 3,
     protocol: udp}
YAML
"$DCSIM" run "$tmp/pfc.yaml" -o "$tmp/pfc" --quiet --no-report
s=$tmp/pfc/summary.json
ctrl=$(num control_frames_in_flight "$s")
[ "${ctrl:-0}" -gt 0 ]
t $? "PFC frames are in flight at the stop (control_frames_in_flight $ctrl)"
sent=$(num packets_sent "$s") del=$(num packets_delivered "$s")
drops=$(num drops_total "$s") fl=$(num packets_in_flight "$s")
[ "$sent" = $((del + drops + fl)) ]
t $? "packets_sent $sent = delivered $del + drops $drops + in flight $fl"
[ "$(num packet_hops "$s")" = "$(csv "$tmp/pfc/links.csv" 'c["packets"]')" ]
t $? "packet_hops is the sum of links.csv's packets (PFC frames included)"

# InfiniBand: credit packets are frames over links too.
"$DCSIM" run "$here/scenarios/ib-incast.yaml" -o "$tmp/ib" >"$tmp/ib.out"
s=$tmp/ib/summary.json
hops=$(num packet_hops "$s")
fc=$(sed -n 's/.*"fc_packets_sent": \([0-9]*\).*/\1/p' "$s")
[ "$hops" = "$(csv "$tmp/ib/links.csv" 'c["packets"]')" ] && [ "${fc:-0}" -gt 0 ] &&
    [ "$fc" -lt "$hops" ]
t $? "IB: packet_hops ($hops) is the sum of links.csv's packets, $fc flow-control packets among them"
grep -q "flow-control packets (counted in the packet-hops)" "$tmp/ib.out"
t $? "IB: the printed summary says the flow-control packets are in the packet-hops"
sent=$(num packets_sent "$s")
[ "$sent" = $(($(num packets_delivered "$s") + $(num drops_total "$s") + $(num packets_in_flight "$s"))) ]
t $? "IB: packets_sent = delivered + drops + in flight"
echo "1..$n"
