#!/bin/sh
# Leaf VTEPs' EVPN sessions against RFC 4271 (issue 15): peer
# oscillation damping (section 8.1.1's IdleHoldTimer, evpn.idle_hold) and
# connection collisions between two leaf speakers (section 6.8).
# control/evpn-fsm.c, evpn-leaf.c; docs/models.md "Leaf VTEPs"; the
# server-VTEP and eBGP cases are bgp-rfc.sh's.
#   25 Gb/s cables of d = 1 us (evpn_fabric): a message of M bytes crosses
#   one in ser(M + 78) + d, ser = 0.32 ns/B: a KEEPALIVE (19 B) in
#   k1 = 1.03104 us, an OPEN (45 B) in o1 = 1.03936 us; a switch's
#   control CPU sends at once.  The switches' BGP Identifiers are their
#   loopbacks, leaves first: leaf0 172.16.0.0 < leaf1 172.16.0.1 <
#   spine0 172.16.0.2.  KEEPALIVEs go every 100 us from 0, hold 300 us.
#
# Damping.  One spine (the RR), two leaves; the cable leaf1-spine0 is cut
#   at T = 1.05, 3.05, 6.05, 11.05 and 20.05 ms and mended 0.5 ms later
#   (carrier_up 10 us); idle_hold 1 ms, idle_hold_max 4 ms, connect_retry
#   20 ms (never fires).  Each cut, the last KEEPALIVEs each way left at
#   T - 50 us and crossed the cable in k1: both sides' hold timers expire
#   at F = T - 50 us + k1 + 300 us, and each side waits its IdleHoldTime in
#   Idle: 1, 2, 4 ms, then 4 (capped), then, having stayed Established
#   4.99 ms (at least the cap) before the last fall, 1 ms again.  So both
#   sides' OPENs leave at F + hold, past the repair: 2.30103104,
#   5.30103104, 10.30103104, 15.30103104, 21.30103104 ms, read from the
#   capture of the cable (nanoseconds).  Without idle_hold both try at F,
#   on the cut cable (the capture shows nothing), and next at F +
#   connect_retry: the first OPEN after the first cut at 21.301031 ms.
#
# Collision.  The same fabric, full mesh (leaf0 and leaf1 peer), no RR;
#   connect_retry C = 1 ms.
#   - Simultaneous: the cable leaf1-spine0 is cut from 1.05 to 1.8 ms.
#     leaf1's last KEEPALIVE (1 ms) reaches leaf0 after two cables, 2 k1,
#     and leaf0's leaf1 alike: both hold timers expire at D = 1 ms + 2 k1 +
#     300 us = 1.30206208 ms; the attempts at D are lost, both
#     ConnectRetryTimers fire at D + C, where the higher Identifier's
#     connection (leaf1's) is the one both use: one OPEN each at D + C,
#     crossing, then KEEPALIVEs: Established at D + C + 2 o1 + 2 k1 =
#     2.30620288 ms.
#   - Crossing, the lower first: leaf1 fails at 1.05 ms and is back at U =
#     2.3025 ms.  leaf0's hold timer expires at D as above, its attempts
#     at D and D + C (before U) are lost, its next at D + 2C =
#     3.30206208 ms opens its connection.  leaf1's attempt at U is lost
#     (its cables are not back yet: carrier_up 10 us), so it tries at U + C
#     = 3.3025 ms: leaf0's OPEN is still on its way (it arrives at D + 2C +
#     2 o1 = 3.3041408 ms), and leaf0 has the lower Identifier, so leaf1's
#     new connection replaces it (RFC 6.8: the higher Identifier's
#     survives).  leaf0's OPEN arrives on a closed connection and is
#     dropped; leaf1's reaches leaf0 at U + C + 2 o1, and leaf0 answers it
#     with a second OPEN (and a KEEPALIVE), leaf1 answers that with its
#     KEEPALIVE: both Established at E = U + C + 4 o1 + 2 k1 = 3.30871952
#     ms.  On the cable leaf0-spine0: leaf0's OPENs at D + 2C and U + C + 2
#     o1, leaf1's one OPEN at U + C + o1 (one cable later).
set -u
. "$(dirname "$0")/../lib.sh"
run() { timeout 300 "$DCSIM" run "$@" --quiet --no-report; }
sp() { csv "$1/control.csv" "c[\"$2\"]" "c[\"speaker\"] == \"$3\""; }
# opens PCAP: time (ns) and source of each OPEN (45 B) in the capture.
opens() {
    tshark -r "$1" -Y 'tcp.len == 45' -T fields -e frame.time_relative \
        -e ip.src 2>/dev/null | awk '{ printf "%d %s\n", $1 * 1e9 + 0.5, $2 }'
}
est() { sed -n 's/.*"all_established_ps": \([0-9]*\).*/\1/p' "$1/summary.json"; }

# ---- Damping. ----
{ evpn_fabric damping-leaf 23ms 1 2 1 leaf '[{name: red, vni: 100, hosts: [h0, h1]}]'
  cat <<'YAML'
evpn: {topology: route_reflectors, route_reflectors: [spine0], update_cpu: 10us,
       keepalive: 100us, hold: 300us, connect_retry: 20ms, idle_hold: 1ms, idle_hold_max: 4ms}
control: {carrier_up: 10us}
monitor: {pcap: {ports: [leaf1->spine0, spine0->leaf1]}}
YAML
  echo 'events:'
  for d in 1 3 6 11 20; do
      echo "  - {at: ${d}.05ms, link_down: [leaf1, spine0]}"
      echo "  - {at: ${d}.55ms, link_up: [leaf1, spine0]}"
  done
} >"$tmp/damp.yaml"
run "$tmp/damp.yaml" -o "$tmp/damp"; t $? "a leaf's cable to its RR flapping five times, damped, runs"
if [ $have_tshark = 1 ]; then
    # The first OPEN of each side after each cut, less F.
    got=$(opens "$tmp/damp/monitor.pcap" | awk '
        BEGIN { split("1.05 3.05 6.05 11.05 20.05", T, " ") }
        { for (k = 5; k >= 1; k--) if ($1 > T[k] * 1e6) break
          if (k >= 1 && !seen[k, $2]++) {
              f = T[k] * 1e6 - 50000 + 1031.04 + 300000
              printf "%s ", ($1 - f) / 1e6 }
        }')
fi
tcheck "$([ "$got" = "1 1 2 2 4 4 4 4 1 1 " ]; echo $?)" \
    "each side's attempt after each fall F: IdleHoldTimes $got(ms; want 1 1 2 2 4 4 4 4 1 1)"
[ "$(sp "$tmp/damp" flaps leaf1)" = 5 ] && [ "$(sp "$tmp/damp" reconnects leaf1)" = 5 ] &&
    [ "$(sp "$tmp/damp" reconnects spine0)" = 5 ] && [ "$(sp "$tmp/damp" flaps leaf0)" = 0 ] &&
    [ "$(csv "$tmp/damp/control.csv" 'c["sessions"] - c["sessions_up"]')" = 0 ]
t $? "5 flaps and 5 reconnects at leaf1 and spine0, none at leaf0; every session up at the end"
run "$tmp/damp.yaml" -o "$tmp/nodamp" --set evpn.idle_hold=0
if [ $have_tshark = 1 ]; then
    first=$(opens "$tmp/nodamp/monitor.pcap" | awk '$1 > 1050000 { print $1; exit }')
fi
tcheck "$([ "$first" = 21301031 ]; echo $?)" \
    "undamped, the attempts at the fall F go out on the cut cable; the first OPEN it carries is the ConnectRetryTimer's, at F + 20 ms ($first ns)"
sed 's/, idle_hold: 1ms, idle_hold_max: 4ms//' "$tmp/damp.yaml" >"$tmp/plain.yaml"
run "$tmp/plain.yaml" -o "$tmp/plain"
same_results "$tmp/plain" "$tmp/nodamp" control.csv events.csv links.csv && cmp -s "$tmp/plain/monitor.pcap" "$tmp/nodamp/monitor.pcap"
t $? "idle_hold 0 changes nothing"
run "$tmp/damp.yaml" -o "$tmp/damp2"
same_results "$tmp/damp" "$tmp/damp2" control.csv events.csv links.csv
t $? "the damped run twice: identical results"

# ---- Collision between two leaves. ----
coll() {
    { evpn_fabric collision-leaf 5ms 1 2 1 leaf '[{name: red, vni: 100, hosts: [h0, h1]}]'
      echo 'evpn: {topology: full_mesh, update_cpu: 10us, keepalive: 100us, hold: 300us, connect_retry: 1ms}'
      echo 'control: {carrier_up: 10us, carrier_down: 10us}'
      echo "events: $2"
      echo 'monitor: {pcap: {ports: [leaf0->spine0, spine0->leaf0]}}'
    } >"$tmp/$1.yaml"
    run "$tmp/$1.yaml" -o "$tmp/$1"
}
coll simul '[{at: 1.05ms, link_down: [leaf1, spine0]}, {at: 1.8ms, link_up: [leaf1, spine0]}]'
t $? "two leaves whose ConnectRetryTimers fire together after a cut run"
if [ $have_tshark = 1 ]; then
    o=$(opens "$tmp/simul/monitor.pcap" | awk '$1 > 1050000 { printf "%s %s ", $1, $2 }')
fi
tcheck "$([ "$o" = "2302062 172.16.0.0 2303101 172.16.0.1 " ]; echo $?)" \
    "one OPEN each after the cut: leaf0's at D + C, leaf1's (one cable later) at D + C + o1 ($o)"
e=$(est "$tmp/simul")
[ "$e" = 2306202880 ] && [ "$(sp "$tmp/simul" reconnects leaf0)" = 1 ] && [ "$(sp "$tmp/simul" reconnects leaf1)" = 1 ]
t $? "Established at $e ps (D + C + 2 o1 + 2 k1 = 2306202880), 1 reconnect each"

coll cross '[{at: 1.05ms, switch_down: leaf1}, {at: 2.3025ms, switch_up: leaf1}]'
t $? "leaf1 failing and coming back, its connection crossing leaf0's, runs"
if [ $have_tshark = 1 ]; then
    o=$(opens "$tmp/cross/monitor.pcap" | awk '$1 > 1050000 { printf "%s %s ", $1, $2 }')
fi
tcheck "$([ "$o" = "3302062 172.16.0.0 3303539 172.16.0.1 3304578 172.16.0.0 " ]; echo $?)" \
    "OPENs: leaf0's own at D + 2C, leaf1's at U + C + o1, leaf0's again on leaf1's connection at U + C + 2 o1 ($o): the higher Identifier's connection survives"
e=$(est "$tmp/cross")
[ "$e" = 3308719520 ] && [ "$(sp "$tmp/cross" reconnects leaf0)" = 1 ] && [ "$(sp "$tmp/cross" flaps leaf1)" = 1 ] &&
    [ "$(csv "$tmp/cross/control.csv" 'c["sessions"] - c["sessions_up"]')" = 0 ]
t $? "Established at $e ps (U + C + 4 o1 + 2 k1 = 3308719520), the session up at the end"
coll cross2 '[{at: 1.05ms, switch_down: leaf1}, {at: 2.3025ms, switch_up: leaf1}]'
same_results "$tmp/cross" "$tmp/cross2" control.csv events.csv
t $? "the crossing twice: identical results"

echo "1..$n"
