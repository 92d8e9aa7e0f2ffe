#!/bin/sh
# BGP EVPN on leaf VTEPs that serve several tenants (issue 15's open
# items): a MAC-VRF per VNI and an IP-VRF per tenant on one leaf, type 5
# routes from leaves (RFC 9136), and ingress replication of BUM frames
# to the whole type 3 list (RFC 8365 8.3).
#   Two tenants on a leaf: leaf0 (h0, h1) and leaf1 (h2, h3) serve red
#     (h0, h2, h4) and blue (h1, h3); leaf2 (h4, h5) serves red only.
#     Both tenants use 10.0.0.0/24, so h0 and h1 are both 10.0.0.1 (each
#     tenant's first member), h2 and h3 10.0.0.2.  In a full mesh a
#     leaf originates a type 3 route per tenant it serves and a type 2
#     per tenant host: leaf0 and leaf1 4 each, leaf2 2; each keeps the
#     routes of the tenants it serves (route targets): leaf0 and leaf1
#     4 + 4 + 2 = 10, leaf2 2 + 2 + 2 = 6.  UPDATEs sent: its routes to
#     each of its two peers (every route: the receiver filters by route
#     target) and End-of-RIB: leaf0 2 x (4 + 1) = 10, leaf2
#     2 x (2 + 1) = 6.  With RT constraint (RFC 4684) a leaf sends a
#     membership per tenant, and gets only its tenants' routes: the RIBs
#     are the same, and leaf0 sends each peer its 2 memberships and their
#     End-of-RIB, then leaf1 its 4 routes and End-of-RIB, leaf2 only
#     red's 2 and End-of-RIB: 2 x 3 + 5 + 3 = 14 UPDATEs.  With ARP
#     suppression nothing is flooded: h0 -> h2 (red) and h1 -> h3 (blue),
#     100 datagrams each, are delivered whole, and leaf1 hands each
#     tenant's 10.0.0.2 its own tenant's only (by VNI): 100 frames to
#     h2, 100 to h3.  (Flows between tenants are refused by the
#     scenario's checks.)
#   Type 5 across subnets: red on h0, h1, h2 (leaf0: 10.0.0.1-3) and h3,
#     h4, h5 (leaf1: .4-.6), no type 2 routes (host_routes: false), ARP
#     suppression.  With type5_prefix /30 around each leaf's first host
#     leaf0 advertises 10.0.0.0/30 and leaf1 10.0.0.4/30: two subnets,
#     and h0 -> h4 is routed by leaf1's prefix, delivered whole (each
#     leaf's RIB: its type 3 and type 5 and the other's, 4).  With /29
#     both prefixes are 10.0.0.0/29: a leaf's own wins, none leads away,
#     and every datagram is dropped (no_route).
#   BUM: red on h0, h1, h2 (leaf0-2), blue on h3 (leaf3); type 5 routes
#     only, each the whole /24, so no location is ever known and h0's N
#     datagrams to h1 are unknown unicast: leaf0 tunnels each to leaf1
#     (h1's VTEP, which delivers it) and a replica to leaf2, the rest of
#     red's type 3 list, which floods it to h2; leaf3 (blue) gets
#     nothing (evpn-leaf-bum.sh counts the flooding).  overlay.csv:
#     leaf0 encapsulated 2N, leaf1 and leaf2 decapsulated N each, leaf3
#     0; summary.json's packets_sent is N + N replicas; every datagram
#     delivered.  With ARP suppression none leaves leaf0.
set -u
. "$(dirname "$0")/../lib.sh"
run() { timeout 300 "$DCSIM" run "$@" --quiet --no-report; }
sp() { csv "$1/control.csv" "c[\"$2\"]" "${3:-1}"; }
fl() { csv "$1/flows.csv" "c[\"$2\"]" "c[\"src\"] == \"$3\" && c[\"dst\"] == \"$4\""; }
ov() { csv "$1/overlay.csv" "c[\"$2\"]" "c[\"vtep\"] == \"$3\""; }

# ---- Two tenants on one leaf. ----
{ evpn_fabric two-tenants 3ms 1 3 2 leaf '{name: red, vni: 100, hosts: [h0, h2, h4]}' \
    '{name: blue, vni: 200, hosts: [h1, h3]}'
  cat <<'YAML'
evpn: {topology: full_mesh, arp_suppression: true}
traffic:
  - pattern: flows
    protocol: udp
    flows:
      - {src: h0, dst: h2, size: 147200, start: 1ms, rate: 1Gbps}
      - {src: h1, dst: h3, size: 147200, start: 1ms, rate: 1Gbps}
YAML
} >"$tmp/two.yaml"
run "$tmp/two.yaml" -o "$tmp/two"
t $? "two tenants on leaf0 and leaf1: the run completes"
r0=$(sp "$tmp/two" rib_entries 'c["speaker"] == "leaf0"')
r1=$(sp "$tmp/two" rib_entries 'c["speaker"] == "leaf1"')
r2=$(sp "$tmp/two" rib_entries 'c["speaker"] == "leaf2"')
u0=$(sp "$tmp/two" updates_tx 'c["speaker"] == "leaf0"')
u2=$(sp "$tmp/two" updates_tx 'c["speaker"] == "leaf2"')
[ "$r0" = 10 ] && [ "$r1" = 10 ] && [ "$r2" = 6 ] && [ "$u0" = 10 ] && [ "$u2" = 6 ]
t $? "RIBs: leaf0 $r0, leaf1 $r1 (10: both tenants), leaf2 $r2 (6: red only); UPDATEs sent: leaf0 $u0 (10), leaf2 $u2 (6)"
red=$(fl "$tmp/two" bytes_delivered h0 h2) blue=$(fl "$tmp/two" bytes_delivered h1 h3)
[ "$red" = 147200 ] && [ "$blue" = 147200 ]
t $? "both tenants reach their remote hosts through the shared leaves: red $red B, blue $blue B of 147200"
lk() { csv "$1/links.csv" 'c["packets"]' "c[\"from\"] == \"$2\" && c[\"to\"] == \"$3\""; }
p2=$(lk "$tmp/two" leaf1 h2) p3=$(lk "$tmp/two" leaf1 h3) p5=$(lk "$tmp/two" leaf2 h4)
d1=$(ov "$tmp/two" decap_packets leaf1) e0=$(ov "$tmp/two" encap_packets leaf0)
[ "$p2" = 100 ] && [ "$p3" = 100 ] && [ "$p5" = 0 ] && [ "$d1" = 200 ] &&
    [ "$e0" = 200 ] && [ "$(all_drops "$tmp/two/summary.json")" = 0 ]
t $? "isolated: red's 10.0.0.2 (h2) and blue's (h3) behind leaf1 get their own tenant's 100 datagrams each ($p2, $p3) of the $d1 leaf1 took out of tunnels (VNI 100 and 200); leaf2 sent h4 $p5; no drops"
run "$tmp/two.yaml" -o "$tmp/rtc" --set evpn.rt_constraint=true
r0=$(sp "$tmp/rtc" rib_entries 'c["speaker"] == "leaf0"')
r1=$(sp "$tmp/rtc" rib_entries 'c["speaker"] == "leaf1"')
r2=$(sp "$tmp/rtc" rib_entries 'c["speaker"] == "leaf2"')
u0=$(sp "$tmp/rtc" updates_tx 'c["speaker"] == "leaf0"')
[ "$r0" = 10 ] && [ "$r1" = 10 ] && [ "$r2" = 6 ] && [ "$u0" = 14 ]
t $? "RT constraint: a leaf asks for each of its tenants' route targets; RIBs as without ($r0, $r1, $r2); leaf0 sent $u0 UPDATEs = its 2 memberships + EoR to each peer, 4 routes + EoR to leaf1, red's 2 + EoR to leaf2 (14)"

# ---- Type 5 routes between two subnets of a tenant. ----
{ evpn_fabric type5-leaf 3ms 1 2 3 leaf '[{name: red, vni: 100, hosts: [h0, h1, h2, h3, h4, h5]}]'
  cat <<'YAML'
evpn: {topology: full_mesh, arp_suppression: true, type5: true,
       host_routes: false, type5_prefix: 30}
traffic:
  - pattern: flows
    protocol: udp
    flows:
      - {src: h0, dst: h4, size: 147200, start: 1ms, rate: 1Gbps}
YAML
} >"$tmp/t5.yaml"
run "$tmp/t5.yaml" -o "$tmp/t5"
t $? "type 5 routes from leaf VTEPs: the run completes"
d=$(fl "$tmp/t5" bytes_delivered h0 h4)
r=$(csv "$tmp/t5/control.csv" 1 'c["rib_entries"] == 4')
[ "$d" = 147200 ] && [ "$r" = 2 ] && [ "$(all_drops "$tmp/t5/summary.json")" = 0 ]
t $? "/30 prefixes (10.0.0.0/30 at leaf0, 10.0.0.4/30 at leaf1): h0 -> h4 routed by leaf1's type 5 route, $d B of 147200; $r leaves hold 4 routes"
run "$tmp/t5.yaml" -o "$tmp/t5-29" --set evpn.type5_prefix=29
d=$(fl "$tmp/t5-29" bytes_delivered h0 h4) nr=$(num no_route "$tmp/t5-29/summary.json")
[ "$d" = 0 ] && [ "$nr" = 100 ]
t $? "/29 prefixes (both 10.0.0.0/29, a leaf's own wins): $d B delivered, $nr of 100 datagrams dropped (no_route)"

# ---- Ingress replication of BUM frames. ----
{ evpn_fabric bum-leaf 3ms 1 4 1 leaf '{name: red, vni: 100, hosts: [h0, h1, h2]}' \
    '{name: blue, vni: 200, hosts: [h3]}'
  cat <<'YAML'
evpn: {topology: full_mesh, type5: true, host_routes: false}
traffic:
  - pattern: flows
    protocol: udp
    flows:
      - {src: h0, dst: h1, size: 73600, start: 1ms, rate: 1Gbps}
YAML
} >"$tmp/bum.yaml"
N=50
run "$tmp/bum.yaml" -o "$tmp/bum"
t $? "BUM replication from a leaf VTEP: the run completes"
e0=$(ov "$tmp/bum" encap_packets leaf0) d1=$(ov "$tmp/bum" decap_packets leaf1)
d2=$(ov "$tmp/bum" decap_packets leaf2) d3=$(ov "$tmp/bum" decap_packets leaf3)
sent=$(num packets_sent "$tmp/bum/summary.json")
del=$(fl "$tmp/bum" bytes_delivered h0 h1)
[ "$e0" = $((2 * N)) ] && [ "$d1" = $N ] && [ "$d2" = $N ] && [ "$d3" = 0 ] &&
    [ "$sent" = $((2 * N)) ] && [ "$del" = 73600 ]
t $? "$N unknown unicasts: leaf0 tunneled $e0 (2N), each VTEP of red's type 3 list decapsulated N (leaf1 $d1, leaf2 $d2), leaf3 (blue) $d3; packets_sent $sent = N + N replicas; h1 got $del B of 73600"
run "$tmp/bum.yaml" -o "$tmp/bum-sup" --set evpn.arp_suppression=true
e0=$(ov "$tmp/bum-sup" encap_packets leaf0) nr=$(num no_route "$tmp/bum-sup/summary.json")
[ "$e0" = 0 ] && [ "$nr" = $N ]
t $? "with ARP suppression leaf0 tunnels $e0 and drops $nr of $N (no_route)"

run "$tmp/two.yaml" -o "$tmp/two2"
run "$tmp/bum.yaml" -o "$tmp/bum2"
same_results "$tmp/two" "$tmp/two2" control.csv flows.csv overlay.csv &&
    same_results "$tmp/bum" "$tmp/bum2" control.csv flows.csv overlay.csv
t $? "the same runs twice give the same results"

echo "1..$n"
