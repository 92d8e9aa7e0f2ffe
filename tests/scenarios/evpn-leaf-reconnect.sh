#!/bin/sh
# Leaf VTEPs' EVPN sessions after a route reflector fails and comes back
# (issue 15; RFC 4271 section 8): the leaves' sessions go down by their
# hold timers, close their connections, reconnect by their
# ConnectRetryTimer once the RR is back, learn the routes again, and the
# data path resumes.  control/evpn-leaf.c, evpn-fsm.c; docs/models.md
# "Leaf VTEPs".
#   Two spines, two leaves (h0 on leaf0, h1 on leaf1, tenant red), the RR
#   on spine0; 10 Gb/s and d = 1 us everywhere, so a message of M bytes
#   crosses a leaf-spine cable in ser(M + 78) + d, ser = 0.8 ns/B
#   (evpn-leaf.sh): a KEEPALIVE (19 B) in 1.0776 us, an OPEN (45 B) in
#   1.0984 us.  keepalive K = 100 us, hold H = 300 us, connect_retry C =
#   1 ms, update_cpu 0, ARP suppression; carrier detection and the
#   oracle's reconvergence 10 us each.  spine0 fails at 1.05 ms and comes
#   back at 2.5 ms; spine1 carries the data meanwhile.
#   - spine0's last KEEPALIVE (sent at 1 ms) reaches the leaves at L = 1
#     ms + 1.0776 us; their hold timers expire at D = L + H = 1.3010776
#     ms: each leaf goes down (1 flap), forgets the RR's paths (h1's
#     type 2 at leaf0, so h0's datagrams are dropped there, no_route),
#     closes the connection and tries again at once, then every C.
#   - The attempts at D and D + C find spine0 down.  At 2.5 ms spine0
#     starts its sessions: its OPEN (the connection's first segment,
#     standing for its SYN) reaches the leaves, but their cable to spine0
#     is withdrawn until 2.51 ms: no route back for the SYN-ACK, so the
#     handshake fails, to be retried after TCP's 200 ms RTO.
#   - At D + 2C the leaves' attempt gets through.  spine0 has the higher
#     BGP Identifier, but its connection never reached the leaf (its SYN
#     still waits for the RTO): no collision (RFC 4271 6.8), so the leaf
#     opens its own rather than answer on spine0's (which would leave
#     the leaf waiting for spine0's OPEN and spine0 for the leaf's
#     KEEPALIVE until spine0's hold timer, 300 us later): OPEN out, spine0's
#     OPEN and KEEPALIVE back, the leaf's KEEPALIVE out: every session
#     Established at E = D + 2C + 2 x 1.0984 + 0.0776 + 1.0776 us = 1 ms
#     + H + 2C + 4.352 us = 3.304352 ms (summary.json's
#     all_established_ps, exactly); each leaf 1 reconnect, spine0 (reset:
#     2 flaps) 2; the RIBs as before (4 paths each: a leaf's type 2 and
#     type 3 and the other leaf's; spine0 both leaves').
#   - h0's datagrams (1538 B on the wire every P = 12.304 us at 1 Gb/s
#     from 0.5 ms) are dropped at leaf0 from D until leaf0 has h1's route
#     again, within 20 us of E (leaf1's table reflected): no_route in
#     [floor((E - D) / P), ceil((E + 20 us - D) / P)] = [162, 165]; every
#     other datagram is delivered (one may be in flight at the stop).
#   - With C = 500 us the third retry, at D + 3 x 500 us, is the first
#     after 2.51 ms: E = 1 ms + H + 1.5 ms + 4.352 us = 2.804352 ms.
#   - With BFD on the sessions (evpn.bfd; interval I, Detect Mult M) the
#     leaves find spine0 dead when BFD's detection time runs out, as the
#     underlay's BFD would: spine0's last BFD packet left at the last
#     multiple of I up to the failure F = 1.05 ms, so D = floor(F / I) x
#     I + M x I, and the rest follows from D as above: E = D + 2C +
#     3.2744 us (the handshake after the retry).  I = 30 us, M = 3: F is
#     a multiple of I, D = F + I x M = 1.14 ms (161.0776 us before the
#     hold timer's 1.3010776 ms), retries at 1.14 and 2.14 ms find spine0
#     down, E = 3.143274 ms.  M = 5: D = 1.2 ms, E = 3.2032744 ms.  I =
#     40 us, M = 3: the last packet at 1.04 ms, D = 1.16 ms, E =
#     3.1632744 ms.
set -u
. "$(dirname "$0")/../lib.sh"
run() { timeout 300 "$DCSIM" run "$@" --quiet --no-report; }
sp() { csv "$1/control.csv" "c[\"$2\"]" "c[\"speaker\"] == \"$3\""; }
est() { num all_established_ps "$1/summary.json"; }

cat >"$tmp/rc.yaml" <<'YAML'
name: leaf-reconnect
stop: 6ms
topology: {type: spine-leaf, spines: 2, leaves: 2, servers_per_leaf: 1,
           server_link: {rate: 10Gbps, delay: 1us}, uplink: {rate: 10Gbps, delay: 1us}}
overlay:
  underlay_mtu: 9216
  vteps: leaf
  tenants: [{name: red, vni: 100, hosts: [h0, h1]}]
evpn: {topology: route_reflectors, route_reflectors: [spine0], arp_suppression: true,
       keepalive: 100us, hold: 300us, connect_retry: 1ms, update_cpu: 0us}
traffic:
  - pattern: flows
    protocol: udp
    flows:
      - {src: h0, dst: h1, size: 737800, start: 500us, rate: 1Gbps}
events: [{at: 1050us, switch_down: spine0}, {at: 2500us, switch_up: spine0}]
control: {carrier_down: 10us, carrier_up: 10us, oracle_delay: 10us}
YAML
run "$tmp/rc.yaml" -o "$tmp/rc"
t $? "spine0 (the RR) down at 1.05 ms and up at 2.5 ms: the run completes"

e=$(est "$tmp/rc")
[ "$e" = 3304352000 ]
t $? "the leaves reconnect at their second retry after the hold timer: every session Established at $e ps (1 ms + H + 2C + 4.352 us = 3304352000)"

got="$(sp "$tmp/rc" flaps leaf0)/$(sp "$tmp/rc" reconnects leaf0) $(sp "$tmp/rc" flaps leaf1)/$(sp "$tmp/rc" reconnects leaf1) $(sp "$tmp/rc" flaps spine0)/$(sp "$tmp/rc" reconnects spine0)"
up=$(csv "$tmp/rc/control.csv" 'c["sessions"] - c["sessions_up"]')
rib="$(sp "$tmp/rc" rib_entries leaf0) $(sp "$tmp/rc" rib_entries leaf1) $(sp "$tmp/rc" rib_entries spine0)"
[ "$got" = "1/1 1/1 2/2" ] && [ "$up" = 0 ] && [ "$rib" = "4 4 4" ]
t $? "flaps/reconnects leaf0, leaf1, spine0: $got (1/1 1/1 2/2); sessions down at the end: $up; routes learned again: RIBs $rib (4 4 4)"

nr=$(num no_route "$tmp/rc/summary.json")
sent=$(csv "$tmp/rc/flows.csv" 'c["packets_sent"]')
del=$(csv "$tmp/rc/flows.csv" 'c["bytes_delivered"] / 1472')
[ "$nr" -ge 162 ] && [ "$nr" -le 165 ] && [ "$(all_drops "$tmp/rc/summary.json")" = "$nr" ] &&
    [ "$del" -ge $((sent - nr - 1)) ] && [ "$del" -le $((sent - nr)) ]
t $? "h0's datagrams dropped at leaf0 without the RR's routes: $nr (in [162, 165]); the data path resumes: $del of $sent delivered (all but those, one perhaps in flight)"

run "$tmp/rc.yaml" -o "$tmp/c500" --set evpn.connect_retry=500us
e=$(est "$tmp/c500")
[ "$e" = 2804352000 ]
t $? "connect_retry 500 us: Established at $e ps, the third retry (1 ms + H + 3 x 500 us + 4.352 us = 2804352000)"

# BFD: the session-down time D from E (E - 2C - 3.2744 us).
for case in 30us:3:1140000000 30us:5:1200000000 40us:3:1160000000; do
    i=${case%%:*} rest=${case#*:}
    m=${rest%%:*} want_d=${rest#*:}
    run "$tmp/rc.yaml" -o "$tmp/bfd" --set evpn.bfd=true --set evpn.bfd_interval=$i --set evpn.bfd_multiplier=$m
    e=$(est "$tmp/bfd")
    d=$((e - 2000000000 - 3274400))
    got="$(sp "$tmp/bfd" flaps leaf0)/$(sp "$tmp/bfd" reconnects leaf0) $(sp "$tmp/bfd" flaps spine0)/$(sp "$tmp/bfd" reconnects spine0)"
    [ "$d" = "$want_d" ] && [ "$got" = "1/1 2/2" ]
    t $? "BFD interval $i x $m: the leaves' sessions down at $d ps (want $want_d: the last BFD packet before 1.05 ms + $m x $i; the hold timer's 1301077600), Established at $e ps; flaps/reconnects leaf0, spine0 $got"
done

run "$tmp/rc.yaml" -o "$tmp/rc2"
same_results "$tmp/rc" "$tmp/rc2" control.csv events.csv flows.csv
t $? "the same run twice gives the same results"

echo "1..$n"
