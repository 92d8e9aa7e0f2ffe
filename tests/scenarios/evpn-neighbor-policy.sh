#!/bin/sh
# Per-neighbour route-maps (issue 15; evpn.neighbor_policy, FRR's
# `neighbor X route-map NAME in|out` with `match community` and `set
# community ... additive`): a map attached to one speaker's session with
# one neighbour, or with every client of a route reflector (a peer
# group, which a client's own entry overrides), outbound or inbound.
# control/evpn-policy.c; docs/models.md "Communities".
#   Four leaves, one host each (evpn_fabric's cables): red on leaf0, leaf1 (h0, h1), blue on
#   leaf2, leaf3; every leaf keeps every route (import: all); spine0
#   reflects.  A leaf originates a type 3 and a type 2 route (2 paths),
#   so without maps every leaf holds its 2 and the other 6 (8), the RR
#   all 8, and it sends each leaf the other 3 leaves' 6 and End-of-RIB:
#   4 x 7 = 28 UPDATEs (evpn-rr-policy.sh).
#   - Out, one client: spine0 denies blue's community (65000:200) to
#     leaf0 only: leaf0 holds 2 + red's other 2 = 4, the others 8; the
#     RR sends 4 fewer UPDATEs, 24.  The same map on the `clients` peer
#     group, with leaf2's own entry permitting everything: leaf0 and
#     leaf1 hold 4, leaf2 8 (its own entry wins), leaf3 2 + red's 4 = 6;
#     the RR sends (2 + 1) x 2 + (6 + 1) + (4 + 1) = 18 UPDATEs.
#   - In: leaf3 drops red's community (65000:100) on receipt from
#     spine0: it holds 2 + blue's other 2 = 4; the RR still sends 28
#     (leaf3 received them: updates_rx 7 at every leaf).
#   - In, tagging: leaf3 permits everything from spine0 and sets
#     65000:9 on it; every leaf's import route-map (evpn.policy) permits
#     only 65000:9: leaf3 keeps all 8, the other leaves none of the 6
#     (2 each), and the RR all 8 (it imports everything).
#   - Tagging on the RR's way in: spine0 sets 65000:7 on what leaf0
#     sends it; reflected to 3 leaves, leaf0's 2 routes carry a second
#     COMMUNITIES value, 4 B each: the RR's bytes_tx grows by 3 x 2 x 4
#     = 24 B.
#   - Out in a full mesh (a VTEP's own routes): leaf0 denies everything
#     to leaf1: leaf1 holds 8 - 2 = 6, leaf0 and the others 8; leaf0
#     sends leaf1 only End-of-RIB, 2 UPDATEs fewer (3 x 3 - 2 = 7).
set -u
. "$(dirname "$0")/../lib.sh"
run() { timeout 300 "$DCSIM" run "$@" --quiet --no-report; }
sp() { csv "$1/control.csv" "c[\"$2\"]" "${3:-1}"; }
rib() { sp "$1" rib_entries "c[\"speaker\"] == \"$2\""; }
# ribs DIR: the RIB sizes of leaf0-3 and the RR.
ribs() {
    for s in leaf0 leaf1 leaf2 leaf3 spine0; do printf '%s ' "$(rib "$1" $s)"; done
}
rr_tx() { sp "$1" "$2" 'c["speaker"] == "spine0"'; }

{ evpn_fabric neighbor-policy 2ms 1 4 1 leaf '{name: red, vni: 100, hosts: [h0, h1]}' '{name: blue, vni: 200, hosts: [h2, h3]}'
  echo 'evpn: {topology: route_reflectors, route_reflectors: [spine0], import: all}'
} >"$tmp/rr.yaml"
# with NAME EXTRA: the scenario with EXTRA added to its evpn section, run.
with() {
    sed "s/import: all}/import: all,\n       $2}/" "$tmp/rr.yaml" >"$tmp/$1.yaml"
    run "$tmp/$1.yaml" -o "$tmp/$1"
}
DENY_BLUE='[{community: "65000:200", action: deny}, {community: any, action: permit}]'
with base ''
b=$(ribs "$tmp/base")
[ "$b" = "8 8 8 8 8 " ] && [ "$(rr_tx "$tmp/base" updates_tx)" = 28 ]
t $? "without maps: RIBs (leaf0-3, RR) $b, 8 each; the RR sent 28 UPDATEs"

with out1 "neighbor_policy: [{speaker: spine0, neighbor: leaf0, direction: out, route_map: $DENY_BLUE}]"
o=$(ribs "$tmp/out1") u=$(rr_tx "$tmp/out1" updates_tx)
[ "$o" = "4 8 8 8 8 " ] && [ "$u" = 24 ]
t $? "the RR denies blue to leaf0 alone: RIBs $o (want 4 8 8 8 8), the RR sent $u UPDATEs (24): one client receives what another does not"

with group "neighbor_policy: [{speaker: spine0, neighbor: clients, direction: out, route_map: $DENY_BLUE}, {speaker: spine0, neighbor: leaf2, direction: out, route_map: [{community: any, action: permit}]}]"
g=$(ribs "$tmp/group") u=$(rr_tx "$tmp/group" updates_tx)
[ "$g" = "4 4 8 6 8 " ] && [ "$u" = 18 ]
t $? "the same on the clients peer group, leaf2's own entry permitting all: RIBs $g (want 4 4 8 6 8), $u UPDATEs (18)"

with in1 "neighbor_policy: [{speaker: leaf3, neighbor: spine0, direction: in, route_map: [{community: \"65000:100\", action: deny}, {community: any, action: permit}]}]"
i=$(ribs "$tmp/in1")
[ "$i" = "8 8 8 4 8 " ] && [ "$(rr_tx "$tmp/in1" updates_tx)" = 28 ] &&
    [ "$(sp "$tmp/in1" updates_rx 'c["speaker"] == "leaf3"')" = 7 ]
t $? "leaf3 drops red's routes on receipt: RIBs $i (want 8 8 8 4 8); the RR still sent 28 and leaf3 received 7"

with tag "policy: [{community: \"65000:9\", action: permit}], neighbor_policy: [{speaker: leaf3, neighbor: spine0, direction: in, route_map: [{community: any, action: permit, set: \"65000:9\"}]}]"
g=$(ribs "$tmp/tag")
[ "$g" = "2 2 2 8 8 " ]
t $? "leaf3 tags what it receives with 65000:9, which the import route-map wants: RIBs $g (want 2 2 2 8 8)"

with rrin "neighbor_policy: [{speaker: spine0, neighbor: leaf0, direction: in, route_map: [{community: any, action: permit, set: \"65000:7\"}]}]"
b0=$(rr_tx "$tmp/base" bytes_tx) b1=$(rr_tx "$tmp/rrin" bytes_tx)
[ $((b1 - b0)) = 24 ] && [ "$(ribs "$tmp/rrin")" = "8 8 8 8 8 " ]
t $? "the RR tags leaf0's routes on receipt: reflected to 3 leaves they carry 4 B more each: $b0 -> $b1 B (+24)"

sed 's/topology: route_reflectors, route_reflectors: \[spine0\], import: all}/topology: full_mesh, import: all,\n       neighbor_policy: [{speaker: leaf0, neighbor: leaf1, direction: out, route_map: [{community: any, action: deny}]}]}/' \
    "$tmp/rr.yaml" >"$tmp/mesh.yaml"
run "$tmp/mesh.yaml" -o "$tmp/mesh"
m="$(rib "$tmp/mesh" leaf0) $(rib "$tmp/mesh" leaf1) $(rib "$tmp/mesh" leaf2) $(rib "$tmp/mesh" leaf3)"
[ "$m" = "8 6 8 8" ] && [ "$(sp "$tmp/mesh" updates_tx 'c["speaker"] == "leaf0"')" = 7 ]
t $? "full mesh: leaf0 sends leaf1 none of its own routes: RIBs $m (want 8 6 8 8), leaf0 sent 7 UPDATEs (9 - 2)"

with group2 "neighbor_policy: [{speaker: spine0, neighbor: clients, direction: out, route_map: $DENY_BLUE}, {speaker: spine0, neighbor: leaf2, direction: out, route_map: [{community: any, action: permit}]}]"
same_results "$tmp/group" "$tmp/group2" control.csv
t $? "the same run twice gives the same results"

echo "1..$n"
