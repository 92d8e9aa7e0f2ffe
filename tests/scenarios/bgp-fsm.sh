#!/bin/sh
# BGP's finite state machine (RFC 4271 section 8; issue 15): sessions that
# go down connect again.  control/evpn.c (iBGP between software VTEPs and
# a route reflector, over TCP streams) and control/ebgp.c (the underlay's
# eBGP per cable); docs/models.md.
#
# EVPN.  Tenant red = h0, h1, h3, h4 on two leaves, its RR h2 (on leaf0
#   with h0, h1); KEEPALIVE every K = 100 us, hold H = 300 us.  h4's
#   server link is cut at T = 1 ms.  The RR last heard h4 at most K (and
#   a trip of at most 10 us) before T, and h4 the RR, so both hold timers
#   expire in [T + H - K - 10 us, T + H]: each side goes Idle, drops the
#   other's routes (h0 gets 2 withdrawals: 6 of its 8 paths left), closes
#   the connection and starts again at once: Connect, a new TCP
#   connection whose OPEN is lost on the cut link, and another attempt
#   every C = evpn.connect_retry.
#   Handshake: the initiator's OPEN crosses (one trip d), the peer's OPEN
#     and KEEPALIVE come back (d), the initiator is Established and its
#     KEEPALIVE crosses (d): 3 d.  A trip is a message's way between two
#     servers' BGP daemons, stacks, interrupt moderation and four links;
#     when every session opens at once at time 0 (the calm run) two trips
#     make every session Established, at E0 (summary.json's
#     all_established_ps, the RR's core busiest then), so d <= E0 / 2 and
#     the handshake <= 3 E0 / 2.
#   A short outage, C = 2 ms: mended at 1.5 ms (carrier_up 10 us), the
#     path is back long before the first retry, which comes C after a
#     side went down: Established again in
#     [T + H - K - 10 us + C, T + H + C + 3 E0 / 2].
#   A long one, C = 1 ms: mended at R = 3 ms, back at R' = R + 10 us: the
#     next attempt is at most C later: Established in (R', R' + C + 3 E0/2];
#     h0's 2 paths come back (8), and h0's datagrams to h4 (one per 11.8
#     us from 0.5 ms to 5.2 ms) are delivered again: more than the ~42
#     sent before the cut.  flaps = reconnects = 1 at h4 and at the RR,
#     0 elsewhere; every session up at the end.
#   Stopped at 2.5 ms (before the repair): h4 and the RR each 1 flap, no
#     reconnect, h4 no session up and only its own 2 routes.
#   A cut that loses no BGP message takes nothing down: from 1.04 to
#     1.08 ms (back at 1.09 ms) it falls between the KEEPALIVEs of 1 ms
#     (arrived by then) and of 1.1 ms.  (One that loses a KEEPALIVE
#     holds its TCP stream for the 200 ms RTO, longer than H: the cases
#     above.)
# eBGP.  4 spines, 2 leaves, carrier_down 10 us, carrier_up 100 us,
#   bgp_processing P = 50 us.  RIBs (rib_entries): a leaf holds its own
#   prefix, the other rack's best path and that path from each spine: 1
#   + 1 + 4 = 6; a spine both prefixes' best paths and each leaf's own
#   (the paths a leaf reflects back hold the spines' AS: rejected): 2 + 2
#   = 4.  spine0 fails at 100 us: its speaker is reset (0 routes, no rack
#   of its own; both sessions Idle: 2 flaps), the leaves detect it at
#   110 us and drop its path (5 each).  It comes back at U = 1 ms: its
#   sessions start from Idle; its SYNs at U meet ports the leaves still
#   hold down (refused), both ends see the carrier at U + 100 us and try
#   at once (next-hop tracking): simultaneous open, then the OPENs and
#   KEEPALIVEs (at least w(SYN) + w(OPEN) + w(KEEPALIVE) + 3 us + P
#   later, as in failover-bgp.sh); the tables are as before the failure
#   (6 and 4), every session up, spine0 2 flaps and 2 reconnects, each
#   leaf 1 and 1.
set -u
. "$(dirname "$0")/../lib.sh"
run() { timeout 300 "$DCSIM" run "$@" --quiet --no-report; }
sp() { csv "$1/control.csv" "c[\"$2\"]" "c[\"speaker\"] == \"$3\""; }
est() { sed -n 's/.*"all_established_ps": \([0-9]*\).*/\1/p' "$1/summary.json"; }

four() {
    evpn_fabric "$1" "$2" 2 2 3 server '[{name: red, vni: 100, hosts: [h0, h1, h3, h4]}]'
    cat <<YAML
evpn: {topology: route_reflectors, route_reflectors: [h2], update_cpu: 10us,
       keepalive: 100us, hold: 300us, connect_retry: $3, arp_suppression: true}
traffic: [{pattern: flows, protocol: udp,
           flows: [{src: h0, dst: h4, size: 588800, start: 500us, rate: 1Gbps}]}]
control: {carrier_up: 10us}
YAML
}
US=1000000 MS=1000000000
T=$MS H=$((300 * US)) K=$((100 * US))

four calm 8ms 1ms >"$tmp/calm.yaml"
run "$tmp/calm.yaml" -o "$tmp/calm"; t $? "EVPN without events runs"
E0=$(est "$tmp/calm")
[ -n "$E0" ] && [ "$E0" -gt 0 ] && [ "$(sp "$tmp/calm" flaps h2)" = 0 ]
t $? "every session opens once, all Established at E0 = $E0 ps: handshake bound 3 E0 / 2 = $((3 * E0 / 2)) ps"
HS=$((3 * E0 / 2))

# A short outage: the retry timer decides.
C=$((2 * MS))
four short 8ms 2ms >"$tmp/short.yaml"
printf '%s\n' 'events: [{at: 1ms, link_down: [leaf1, h4]}, {at: 1.5ms, link_up: [leaf1, h4]}]' >>"$tmp/short.yaml"
run "$tmp/short.yaml" -o "$tmp/short"; t $? "a 0.5 ms cut with connect_retry 2 ms runs"
e=$(est "$tmp/short") lo=$((T + H - K - 10 * US + C)) hi=$((T + H + C + HS))
[ -n "$e" ] && [ "$e" -ge "$lo" ] && [ "$e" -le "$hi" ]
t $? "the path is back at 1.51 ms, the session Established again at $e ps, in [T + H - K - 10 us + C, T + H + C + 3 E0/2] = [$lo, $hi]"

# A long outage: back within the retry interval after the repair.
four long 8ms 1ms >"$tmp/long.yaml"
printf '%s\n' 'events: [{at: 1ms, link_down: [leaf1, h4]}, {at: 3ms, link_up: [leaf1, h4]}]' >>"$tmp/long.yaml"
run "$tmp/long.yaml" -o "$tmp/long"; t $? "a 2 ms cut with connect_retry 1 ms runs"
C=$MS R2=$((3 * MS + 10 * US))
e=$(est "$tmp/long") hi=$((R2 + C + HS))
[ -n "$e" ] && [ "$e" -gt "$R2" ] && [ "$e" -le "$hi" ]
t $? "the session is Established again at $e ps, in (R', R' + C + 3 E0/2] = ($R2, $hi]"
[ "$(sp "$tmp/long" flaps h4)" = 1 ] && [ "$(sp "$tmp/long" reconnects h4)" = 1 ] &&
    [ "$(sp "$tmp/long" flaps h2)" = 1 ] && [ "$(sp "$tmp/long" reconnects h2)" = 1 ] &&
    [ "$(csv "$tmp/long/control.csv" 'c["flaps"] + c["reconnects"]' 'c["speaker"] != "h4" && c["speaker"] != "h2"')" = 0 ] &&
    [ "$(csv "$tmp/long/control.csv" 'c["sessions"] - c["sessions_up"]')" = 0 ]
t $? "control.csv: h4 and the RR 1 flap and 1 reconnect each, the others none; every session up at the end"
[ "$(sp "$tmp/long" rib_entries h0)" = 8 ] && [ "$(sp "$tmp/long" withdrawals_rx h0)" = 2 ] &&
    [ "$(sp "$tmp/long" routes_rx h0)" = 8 ]
t $? "h0 was sent 2 withdrawals and h4's 2 routes again (8 routes received in all), and holds its 8 paths again"

four down 2500us 1ms >"$tmp/down.yaml"
printf '%s\n' 'events: [{at: 1ms, link_down: [leaf1, h4]}]' >>"$tmp/down.yaml"
run "$tmp/down.yaml" -o "$tmp/down"; t $? "the cut alone, stopped at 2.5 ms, runs"
[ "$(sp "$tmp/down" flaps h4)" = 1 ] && [ "$(sp "$tmp/down" reconnects h4)" = 0 ] &&
    [ "$(sp "$tmp/down" flaps h2)" = 1 ] && [ "$(sp "$tmp/down" sessions_up h4)" = 0 ] &&
    [ "$(sp "$tmp/down" rib_entries h4)" = 2 ] && [ "$(sp "$tmp/down" rib_entries h0)" = 6 ] &&
    [ -z "$(est "$tmp/down")" ]
t $? "at 2.5 ms the cut (longer than the hold time) has the session down: 1 flap each side, no reconnect; h4 holds its own 2 routes, h0 6"
before=$(($(csv "$tmp/down/flows.csv" 'c["bytes_delivered"]') / 1472))
after=$(($(csv "$tmp/long/flows.csv" 'c["bytes_delivered"]') / 1472))
[ "$before" -gt 30 ] && [ "$after" -gt $((before + 10)) ]
t $? "h0's datagrams to h4: $before delivered before the cut, $after by the end: traffic resumed after the reconnect"

four blip 8ms 1ms >"$tmp/blip.yaml"
printf '%s\n' 'events: [{at: 1040us, link_down: [leaf1, h4]}, {at: 1080us, link_up: [leaf1, h4]}]' >>"$tmp/blip.yaml"
run "$tmp/blip.yaml" -o "$tmp/blip"; t $? "a 40 us cut runs"
[ "$(csv "$tmp/blip/control.csv" 'c["flaps"]')" = 0 ] && [ "$(est "$tmp/blip")" = "$E0" ] &&
    [ "$(csv "$tmp/blip/control.csv" 'c["sessions"] - c["sessions_up"]')" = 0 ]
t $? "a cut between two KEEPALIVEs, shorter than the hold time, takes no session down"

# ---- eBGP: a switch that fails and comes back. ----
cat >"$tmp/sw.yaml" <<'YAML'
name: fsm-ebgp
stop: 20ms
topology: {type: spine-leaf, spines: 4, leaves: 2, servers_per_leaf: 2,
           server_link: {rate: 25Gbps, delay: 1us}, uplink: {rate: 100Gbps, delay: 1us}}
traffic: [{pattern: flows, protocol: tcp, flows: [{src: h0, dst: h2, size: 1MB, start: 5ms}]}]
events: [{at: 100us, switch_down: spine0}, {at: 1ms, switch_up: spine0}]
control: {carrier_down: 10us, carrier_up: 100us, convergence: bgp, bgp_processing: 50us}
YAML
run "$tmp/sw.yaml" -o "$tmp/sw"; t $? "eBGP: spine0 down and up runs"
sed -e 's/^stop: 20ms/stop: 500us/' -e 's/, {at: 1ms, switch_up: spine0}//' \
    -e 's/start: 5ms/start: 0/' "$tmp/sw.yaml" >"$tmp/swd.yaml"
run "$tmp/swd.yaml" -o "$tmp/swd"; t $? "spine0 down alone, stopped at 500 us, runs"
[ "$(sp "$tmp/swd" rib_entries spine0)" = 0 ] && [ "$(sp "$tmp/swd" sessions_up spine0)" = 0 ] &&
    [ "$(sp "$tmp/swd" flaps spine0)" = 2 ] && [ "$(sp "$tmp/swd" rib_entries leaf0)" = 5 ] &&
    [ "$(sp "$tmp/swd" rib_entries spine1)" = 4 ] && [ "$(sp "$tmp/swd" flaps leaf0)" = 1 ]
t $? "spine0 down: its speaker reset (0 routes, 0 of 2 sessions, 2 flaps); leaf0 holds 5 routes, spine1 still 4"
[ "$(sp "$tmp/sw" rib_entries spine0)" = 4 ] && [ "$(sp "$tmp/sw" rib_entries leaf0)" = 6 ] &&
    [ "$(sp "$tmp/sw" rib_entries leaf1)" = 6 ] &&
    [ "$(sp "$tmp/sw" reconnects spine0)" = 2 ] && [ "$(sp "$tmp/sw" reconnects leaf1)" = 1 ] &&
    [ "$(csv "$tmp/sw/control.csv" 'c["sessions"] - c["sessions_up"]')" = 0 ] &&
    [ "$(csv "$tmp/sw/flows.csv" 'c["completed"]')" = 1 ]
t $? "spine0 up: its RIB rebuilt (4 routes, leaves 6 again), 2 reconnects, every session up; a later flow completes"
w() { echo $(( ($1 + 20 + 20 + 18 + 20) * 80 )); }
lo=$((MS + 100 * US + 84 * 80 + $(w 49) + $(w 19) + 3 * US + 50 * US))
c=$(cell "$tmp/sw" events.csv converged_ps 2)
[ "$c" -ge "$lo" ]
t $? "switch_up converged at $c ps, after the carrier (U + 100 us) and the handshake: >= $lo ps"

# ---- eBGP: ASN reuse on the ToRs (RFC 7938 5.2.4) and allowas-in. ----
# With bgp_tor_asn: shared both leaves are AS 4200000001: each rejects the
# other's prefix (its own AS in the path, RFC 4271 9.1.2) and holds only
# its own (1 route); the flow across the racks is black-holed.  With
# bgp_allowas_in 1 a leaf takes a path holding its AS once: the other
# rack's prefix through each spine, and its own reflected back by each
# (the local route still wins): 1 + 1 + 4 + 4 = 10, after the cut of
# leaf0-spine0 leaf1 9 (spine0 no longer has leaf0's prefix); the
# spines, which keep the loop check, 4 as before.  The cut converges
# exactly as with an AS per leaf (failover-bgp.sh: D + P + w(27 B) + 1
# us + P).
sed -e 's/^events: .*/events: [{at: 100us, link_down: [leaf0, spine0]}]/' \
    "$tmp/sw.yaml" >"$tmp/reuse.yaml"
run "$tmp/reuse.yaml" -o "$tmp/reuse0" --set control.bgp_tor_asn=shared; t $? "ToRs sharing an AS, no allowas-in, run"
run "$tmp/reuse.yaml" -o "$tmp/reuse1" --set control.bgp_tor_asn=shared --set control.bgp_allowas_in=1
t $? "ToRs sharing an AS with allowas-in 1 run"
run "$tmp/reuse.yaml" -o "$tmp/unique"; t $? "an AS per ToR runs"
[ "$(sp "$tmp/reuse0" asn leaf0)" = 4200000001 ] && [ "$(sp "$tmp/reuse0" asn leaf1)" = 4200000001 ] &&
    [ "$(sp "$tmp/reuse0" rib_entries leaf1)" = 1 ] &&
    [ "$(csv "$tmp/reuse0/flows.csv" 'c["completed"]')" = 0 ] && [ "$(num no_route "$tmp/reuse0/summary.json")" -gt 0 ]
t $? "shared ToR AS without allowas-in: each leaf keeps only its own prefix, the flow is black-holed"
P=$((50 * US)) D=$((110 * US))
want=$((D + P + $(w 27) + US + P))
[ "$(sp "$tmp/reuse1" rib_entries leaf1)" = 9 ] && [ "$(sp "$tmp/reuse1" rib_entries spine1)" = 4 ] &&
    [ "$(csv "$tmp/reuse1/flows.csv" 'c["completed"]')" = 1 ] &&
    [ "$(cell "$tmp/reuse1" events.csv converged_ps)" = "$want" ] &&
    [ "$(cell "$tmp/unique" events.csv converged_ps)" = "$want" ]
t $? "with allowas-in 1: leaf1 holds 9 routes, spine1 4, the flow completes, the cut converges at $want ps as with an AS per leaf"

# Determinism.
run "$tmp/long.yaml" -o "$tmp/long2"
same_results "$tmp/long" "$tmp/long2" control.csv flows.csv events.csv
t $? "the long outage twice: identical results"

echo "1..$n"
