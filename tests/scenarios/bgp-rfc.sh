#!/bin/sh
# BGP's state machine against RFC 4271 (issue 15): connection collisions
# (section 6.8), peer oscillation damping (8.1.1's IdleHoldTimer) and
# control-plane timers that do not keep a run alive.  control/ebgp-fsm.c
# (the underlay's eBGP per cable) and control/evpn-fsm.c (BGP EVPN over
# TCP streams); docs/models.md.
#
# Collision, eBGP.  2 spines, 2 leaves; the cable leaf0-spine0 is cut at
#   100 us and mended at 1 ms (carrier_up 100 us): both ends see the port
#   up at 1.1 ms and send a SYN at once.  BGP Identifiers are the
#   switches' loopbacks (172.16.0.0/12 plus the switch index: leaves
#   first, leaf0 172.16.0.0, spine0 172.16.0.2), so spine0's connection
#   wins: spine0 refuses leaf0's SYN, leaf0 accepts spine0's.  In the
#   capture of the cable the only SYN-ACK is leaf0's (before, both ends
#   answered, TCP's simultaneous open); the session comes back.
# Collision, EVPN.  Tenant red = h0, h1, h3, h4, its RR h5 (10.0.0.6,
#   above h4's 10.0.0.5); KEEPALIVE 100 us, hold 300 us, connect_retry
#   C = 2 ms.  h4's server link is cut at 1 ms and mended at 1.5 ms.  Both
#   hold timers expire while it is cut: h4 first (at about 1.214 ms) opens
#   connection 1, then the RR (about 1.219 ms), the higher Identifier,
#   opens connection 2 in its place.  C later, the path back, h4's
#   ConnectRetryTimer fires first: the RR's connection is in progress and
#   was opened by the higher Identifier, so h4 opens none and sends its
#   OPEN on connection 2 (before, the newest attempt won and h4 opened
#   connection 3).  h4's session is the fourth of four (si 3): connection
#   c's segments leave h4 from port 49152 + 2 si + 2 x 4 c = 49158 + 8 c.
# Damping, eBGP.  The cable leaf0-spine0 flaps: down at 1, 4, 8, 14, 24
#   and 45 ms, each time mended 0.5 ms later (carrier_down 10 us,
#   carrier_up 100 us); bgp_idle_hold 1 ms, bgp_idle_hold_max 8 ms.  Each
#   fall (at D = down + 10 us) waits its IdleHoldTime in Idle: 1, 2, 4, 8
#   ms (doubled per flap, capped), then 8 ms again, then, the session
#   having stayed Established 13 ms (more than the cap) before the last
#   fall, 1 ms.  Both ends wait alike and start together, past the
#   repair, so the handshake and table exchange then take what they take
#   without damping after the port is seen up (X, from the same flaps
#   undamped: the first repair's converged_ps - its detected_ps).  So
#   each repair converges at D + hold + X: the test recovers the six
#   delays from events.csv.
# Timers without a stop.  Control-plane timers do not keep a run going
#   by themselves (background events), so a run without `stop` ends with
#   its workload, and meanwhile the timers work.  EVPN: the damping-free
#   collision scenario's outage made 2 ms long (1 to 3 ms), connect_retry
#   1 ms, no stop: the ConnectRetryTimer brings h4's session back after
#   the repair (1 flap, 1 reconnect: before, no timer ran without a stop
#   and the session stayed down, while the hold timers, which did run,
#   flapped the other sessions for ever); the run ends soon after h0's
#   datagrams (the last sent at 5.2 ms), not later than 6 ms.  eBGP: the
#   flapping cable without a stop and a TCP flow starting at 46.5 ms: the
#   last IdleHoldTimer (expiring at 46.01 ms) fires and the repairs
#   converge exactly as with a stop.
set -u
. "$(dirname "$0")/../lib.sh"
run() { timeout 300 "$DCSIM" run "$@" --quiet --no-report; }
sp() { csv "$1/control.csv" "c[\"$2\"]" "c[\"speaker\"] == \"$3\""; }
# seg PCAP FILTER: time, source address and port, TCP length and flags
# of the segments FILTER selects.
seg() {
    tshark -r "$1" -Y "$2" -T fields -e frame.time_relative -e ip.src \
        -e tcp.srcport -e tcp.len -e tcp.flags.syn -e tcp.flags.ack 2>/dev/null
}

# ---- Collision, eBGP. ----
cat >"$tmp/ebgp.yaml" <<'YAML'
name: collision-ebgp
stop: 3ms
topology: {type: spine-leaf, spines: 2, leaves: 2, servers_per_leaf: 1,
           server_link: {rate: 25Gbps, delay: 1us}, uplink: {rate: 100Gbps, delay: 1us}}
traffic: [{pattern: flows, protocol: tcp, flows: [{src: h0, dst: h1, size: 10KB, start: 2ms}]}]
events: [{at: 100us, link_down: [leaf0, spine0]}, {at: 1ms, link_up: [leaf0, spine0]}]
control: {carrier_down: 10us, carrier_up: 100us, convergence: bgp, bgp_processing: 50us}
monitor: {pcap: {ports: [leaf0->spine0, spine0->leaf0]}}
YAML
run "$tmp/ebgp.yaml" -o "$tmp/ebgp"; t $? "eBGP: a cut and a repair with both ends' SYNs crossing runs"
if [ $have_tshark = 1 ]; then
    seg "$tmp/ebgp/monitor.pcap" 'tcp.flags.syn == 1' >"$tmp/syn.txt"
    syns=$(awk '$5 == 1 && $6 == 0 { print $2 }' "$tmp/syn.txt" | sort | tr '\n' ' ')
    acks=$(awk '$5 == 1 && $6 == 1 { print $2 }' "$tmp/syn.txt" | tr '\n' ' ')
fi
tcheck "$([ "$syns" = "172.16.0.0 172.16.0.2 " ] && [ "$acks" = "172.16.0.0 " ]; echo $?)" \
    "SYNs from both ends ($syns), one SYN-ACK, from leaf0, the lower Identifier ($acks): spine0's connection survives"
[ "$(sp "$tmp/ebgp" reconnects leaf0)" = 1 ] && [ "$(sp "$tmp/ebgp" reconnects spine0)" = 1 ] &&
    [ "$(csv "$tmp/ebgp/control.csv" 'c["sessions"] - c["sessions_up"]')" = 0 ] &&
    [ "$(csv "$tmp/ebgp/flows.csv" 'c["completed"]')" = 1 ]
t $? "the session is back (1 reconnect at each end, every session up) and a later flow completes"

# ---- Collision, EVPN. ----
{ evpn_fabric collision-evpn 5ms 2 2 3 server '[{name: red, vni: 100, hosts: [h0, h1, h3, h4]}]'
  cat <<'YAML'
evpn: {topology: route_reflectors, route_reflectors: [h5], update_cpu: 10us,
       keepalive: 100us, hold: 300us, connect_retry: 2ms, arp_suppression: true}
traffic: [{pattern: flows, protocol: udp,
           flows: [{src: h0, dst: h4, size: 588800, start: 500us, rate: 1Gbps}]}]
control: {carrier_up: 10us}
events: [{at: 1ms, link_down: [leaf1, h4]}, {at: 1.5ms, link_up: [leaf1, h4]}]
monitor: {pcap: {ports: [h4]}}
YAML
} >"$tmp/evpn.yaml"
run "$tmp/evpn.yaml" -o "$tmp/evpn"; t $? "EVPN: both ends of h4's session fall while its link is cut, then retry"
if [ $have_tshark = 1 ]; then
    # h4's OPENs (45 B segments) to the RR after the cut: the connection
    # of each, from its source port.
    opens=$(seg "$tmp/evpn/monitor.pcap" 'ip.dst == 10.0.0.6 && tcp.dstport == 179 && tcp.len == 45' |
        awk '$1 > 0.001 { printf "%d ", ($3 - 49158) / 8 }')
fi
tcheck "$([ "$opens" = "1 2 " ]; echo $?)" \
    "h4's OPENs after the cut are on connections $opens(want 1 2): its own at its fall, then the RR's at its retry, none of its own while the higher Identifier's is opening"
[ "$(sp "$tmp/evpn" reconnects h4)" = 1 ] && [ "$(sp "$tmp/evpn" reconnects h5)" = 1 ] &&
    [ "$(csv "$tmp/evpn/control.csv" 'c["sessions"] - c["sessions_up"]')" = 0 ]
t $? "the session is Established again (1 reconnect at each end), every session up"

# ---- Damping, eBGP. ----
{
    echo 'name: damping'
    echo 'stop: 50ms'
    echo 'topology: {type: spine-leaf, spines: 2, leaves: 2, servers_per_leaf: 1,'
    echo '           server_link: {rate: 25Gbps, delay: 1us}, uplink: {rate: 100Gbps, delay: 1us}}'
    echo 'events:'
    for d in 1 4 8 14 24 45; do
        echo "  - {at: ${d}ms, link_down: [leaf0, spine0]}"
        echo "  - {at: ${d}.5ms, link_up: [leaf0, spine0]}"
    done
    echo 'control: {carrier_down: 10us, carrier_up: 100us, convergence: bgp, bgp_processing: 50us}'
} >"$tmp/nodamp.yaml"
run "$tmp/nodamp.yaml" -o "$tmp/nodamp"; t $? "eBGP: a cable that flaps six times, undamped, runs"
X=$(($(cell "$tmp/nodamp" events.csv converged_ps 2) - $(cell "$tmp/nodamp" events.csv detected_ps 2)))
run "$tmp/nodamp.yaml" -o "$tmp/damp" --set control.bgp_idle_hold=1ms --set control.bgp_idle_hold_max=8ms
t $? "the same with bgp_idle_hold 1 ms, bgp_idle_hold_max 8 ms runs"
delays=
for k in 1 2 3 4 5 6; do
    D=$(cell "$tmp/damp" events.csv detected_ps $((2 * k - 1)))
    c=$(cell "$tmp/damp" events.csv converged_ps $((2 * k)))
    r=$((c - X - D))
    [ $((r % 1000000000)) = 0 ] || delays="${delays}~"
    delays="$delays$((r / 1000000000)) "
done
[ "$delays" = "1 2 4 8 8 1 " ]
t $? "the repairs converge IdleHoldTimes of $delays(ms; want 1 2 4 8 8 1) after the falls, plus the undamped handshake X = $X ps"
[ "$(sp "$tmp/damp" flaps leaf0)" = 6 ] && [ "$(sp "$tmp/damp" reconnects leaf0)" = 6 ] &&
    [ "$(csv "$tmp/damp/control.csv" 'c["sessions"] - c["sessions_up"]')" = 0 ]
t $? "6 flaps and 6 reconnects at leaf0; every session up at the end"
run "$tmp/nodamp.yaml" -o "$tmp/damp0" --set control.bgp_idle_hold=0 --set control.bgp_idle_hold_max=8ms
same_results "$tmp/nodamp" "$tmp/damp0" control.csv events.csv flows.csv
t $? "bgp_idle_hold 0 changes nothing"

# ---- Timers without a stop. ----
sed -e '/^stop:/d' -e 's/connect_retry: 2ms/connect_retry: 1ms/' -e 's/at: 1.5ms, link_up/at: 3ms, link_up/' \
    -e '/^monitor:/d' "$tmp/evpn.yaml" >"$tmp/nostop.yaml"
run "$tmp/nostop.yaml" -o "$tmp/nostop"; t $? "EVPN: a 2 ms cut without a stop time runs, and ends"
end=$(num sim_time_ps "$tmp/nostop/summary.json")
[ "$(sp "$tmp/nostop" flaps h4)" = 1 ] && [ "$(sp "$tmp/nostop" reconnects h4)" = 1 ] &&
    [ "$(csv "$tmp/nostop/control.csv" 'c["sessions"] - c["sessions_up"]')" = 0 ] &&
    [ "$(csv "$tmp/nostop/control.csv" 'c["flaps"]')" = 2 ] &&
    [ "$end" -gt 5200000000 ] && [ "$end" -le 6000000000 ]
t $? "the ConnectRetryTimer brought h4's session back (1 flap and 1 reconnect at h4 and at the RR, none elsewhere); the run ended at $end ps, with its workload"
{
    sed '/^stop:/d' "$tmp/nodamp.yaml"
    echo 'traffic: [{pattern: flows, protocol: tcp, flows: [{src: h0, dst: h1, size: 10KB, start: 46.5ms}]}]'
} >"$tmp/damp-nostop.yaml"
run "$tmp/damp-nostop.yaml" -o "$tmp/damp-nostop" --set control.bgp_idle_hold=1ms --set control.bgp_idle_hold_max=8ms
t $? "eBGP: the flapping cable with damping, without a stop time, runs"
[ "$(cell "$tmp/damp-nostop" events.csv converged_ps 12)" = "$(cell "$tmp/damp" events.csv converged_ps 12)" ] &&
    [ "$(csv "$tmp/damp-nostop/flows.csv" 'c["completed"]')" = 1 ] &&
    [ "$(sp "$tmp/damp-nostop" reconnects leaf0)" = 6 ]
t $? "the last repair converges as with a stop (its IdleHoldTimer fired while the flow ran), 6 reconnects"

# Determinism.
run "$tmp/evpn.yaml" -o "$tmp/evpn2"
same_results "$tmp/evpn" "$tmp/evpn2" control.csv flows.csv events.csv
t $? "the EVPN collision twice: identical results"

echo "1..$n"
