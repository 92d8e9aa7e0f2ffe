#!/bin/sh
# Communities on route reflectors (issue 15's open items): the RRs'
# outbound route-map (evpn.rr_policy, FRR's `neighbor X route-map OUT
# out` with `match community` / `match large-community`, `set community
# ... additive`, `set large-community ... additive`), and large
# communities (RFC 8092) with their real size in UPDATEs.
#   RIB sizes: four leaves, one host each: red on leaf0, leaf1 (h0, h1),
#     blue on leaf2, leaf3; every leaf keeps every route (import: all);
#     spine0 reflects.  A leaf originates a type 3 and a type 2 route, so
#     without a route-map every leaf holds its 2 and the other 6 (8), the
#     RR all 8, and the RR sends each leaf the 6 others' and End-of-RIB:
#     28 UPDATEs.  Denying blue's community (65000:200) on the way out:
#     red leaves hold 2 + red's other 2 = 4, blue leaves 2 + red's 4 = 6,
#     the RR still 8 (the route-map is outbound), and it sends
#     2 x (2 + 1) + 2 x (4 + 1) = 16 UPDATEs.
#   Tagging: the RR permits every route and sets the large community
#     65000:1:7; a leaf whose import policy permits only 65000:1:7 keeps
#     all 8 (every reflected route carries it); permitting only 65000:1:8
#     keeps its own 2.  Each of the RR's 24 routes grows by the
#     LARGE_COMMUNITY attribute, 3 + 12 B = 15 B: its bytes_tx by 360 B.
#     Setting the standard community 65000:7 instead grows the
#     COMMUNITIES attribute by 4 B: 96 B.
#   Large communities' size: two leaves in a full mesh, one tenant: each
#     side sends OPEN (45 B), KEEPALIVE (19 B), its type 2 (114 B) and
#     type 3 (106 B) routes and End-of-RIB (29 B): 313 B.  With
#     evpn.large_community every route carries ASN:VNI:0: 2 x 15 B more,
#     343 B; the cables carry exactly the messages' bytes plus 78 B of
#     headers each, twice (leaf to spine to leaf).  With the RR of the
#     first case setting a second large community, a reflected route
#     carries 2 (3 + 24 B): +12 B more per route than with one.
set -u
. "$(dirname "$0")/../lib.sh"
run() { timeout 300 "$DCSIM" run "$@" --quiet --no-report; }
sp() { csv "$1/control.csv" "c[\"$2\"]" "${3:-1}"; }
rib() { sp "$1" rib_entries "c[\"speaker\"] == \"$2\""; }
ribs() { echo "$(rib "$1" leaf0) $(rib "$1" leaf1) $(rib "$1" leaf2) $(rib "$1" leaf3) $(rib "$1" spine0)"; }

cat >"$tmp/rr.yaml" <<'YAML'
name: rr-policy
stop: 2ms
topology: {type: spine-leaf, spines: 1, leaves: 4, servers_per_leaf: 1}
overlay:
  underlay_mtu: 9216
  vteps: leaf
  tenants:
    - {name: red, vni: 100, hosts: [h0, h1]}
    - {name: blue, vni: 200, hosts: [h2, h3]}
evpn: {topology: route_reflectors, route_reflectors: [spine0], import: all}
YAML
run "$tmp/rr.yaml" -o "$tmp/base"
t $? "four leaves behind one RR: the run completes"
b=$(ribs "$tmp/base") u=$(sp "$tmp/base" updates_tx 'c["speaker"] == "spine0"')
[ "$b" = "8 8 8 8 8" ] && [ "$u" = 28 ]
t $? "without a route-map: RIBs (leaf0-3, RR) $b = 8 each; the RR sent $u UPDATEs (28)"

sed 's/import: all}/import: all,\n       rr_policy: [{community: "65000:200", action: deny}, {community: any, action: permit}]}/' \
    "$tmp/rr.yaml" >"$tmp/deny.yaml"
run "$tmp/deny.yaml" -o "$tmp/deny"
d=$(ribs "$tmp/deny") u=$(sp "$tmp/deny" updates_tx 'c["speaker"] == "spine0"')
[ "$d" = "4 4 6 6 8" ] && [ "$u" = 16 ]
t $? "the RR denies blue's community on the way out: RIBs $d (computed 4 4 6 6 8); the RR sent $u UPDATEs (16)"

tag() {
    sed "s/import: all}/import: all,\n       rr_policy: [{community: any, action: permit, set: \"$1\"}],\n       policy: [{community: \"$2\", action: permit}]}/" \
        "$tmp/rr.yaml" >"$tmp/tag.yaml"
    run "$tmp/tag.yaml" -o "$tmp/$3"
}
tag 65000:1:7 65000:1:7 tag7
tag 65000:1:7 65000:1:8 tag8
tag 65000:7 65000:7 std7
t7=$(ribs "$tmp/tag7") t8=$(ribs "$tmp/tag8") s7=$(ribs "$tmp/std7")
[ "$t7" = "8 8 8 8 8" ] && [ "$t8" = "2 2 2 2 8" ] && [ "$s7" = "8 8 8 8 8" ]
t $? "the RR tags every route: leaves importing 65000:1:7 hold $t7, importing 65000:1:8 (never set) $t8"
by() { sp "$1" bytes_tx 'c["speaker"] == "spine0"'; }
b0=$(by "$tmp/base") b7=$(by "$tmp/tag7") bs=$(by "$tmp/std7")
r=$(sp "$tmp/base" routes_tx 'c["speaker"] == "spine0"')
[ "$r" = 24 ] && [ $((b7 - b0)) = $((24 * 15)) ] && [ $((bs - b0)) = $((24 * 4)) ]
t $? "UPDATE sizes: the RR's $r routes carry a large community, $b0 -> $b7 B (+15 B each), or a second standard one, $bs B (+4 B each)"

# ---- Large communities' size on the wire. ----
cat >"$tmp/two.yaml" <<'YAML'
name: large
stop: 1ms
topology: {type: spine-leaf, spines: 1, leaves: 2, servers_per_leaf: 1}
overlay:
  underlay_mtu: 9216
  vteps: leaf
  tenants: [{name: red, vni: 100, hosts: [h0, h1]}]
evpn: {topology: full_mesh}
YAML
run "$tmp/two.yaml" -o "$tmp/small"
run "$tmp/two.yaml" -o "$tmp/large" --set evpn.large_community=true
s=$(sp "$tmp/small" bytes_tx 'c["speaker"] == "leaf0"')
l=$(sp "$tmp/large" bytes_tx 'c["speaker"] == "leaf0"')
bl=$(sed -n 's/.*"evpn": {[^}]*"bytes": \([0-9]*\).*/\1/p' "$tmp/large/summary.json")
m=$(sed -n 's/.*"evpn": {[^}]*"messages": \([0-9]*\).*/\1/p' "$tmp/large/summary.json")
wire=$(csv "$tmp/large/links.csv" 'c["bytes"]')
[ "$s" = 313 ] && [ "$l" = 343 ] && [ "$bl" = 686 ] && [ "$wire" = $((2 * (bl + 78 * m))) ]
t $? "a session side sends $s B, with a large community on each route $l B (313 + 2 x 15); the cables carried $wire B = 2 x ($bl + 78 x $m)"
sed 's/import: all}/import: all, large_community: true,\n       rr_policy: [{community: any, action: permit, set: "65000:1:7"}]}/' \
    "$tmp/rr.yaml" >"$tmp/two-lc.yaml"
run "$tmp/two-lc.yaml" -o "$tmp/two-lc"
run "$tmp/rr.yaml" -o "$tmp/one-lc" --set evpn.large_community=true
b2=$(by "$tmp/two-lc") b1=$(by "$tmp/one-lc")
[ $((b1 - b0)) = $((24 * 15)) ] && [ $((b2 - b1)) = $((24 * 12)) ]
t $? "reflected routes with the originator's large community: $b1 B (+15 B each); with a second the RR sets: $b2 B (+12 B each)"
# Local Data Part 2 (RFC 8092): large_community_data2 sets the third
# field.  An import policy permitting only 65000:100:7 (implicit deny
# after it) takes the other leaf's 2 routes when it is 7 (4 paths, as
# without a policy) and none when it is the default 0 (2: its own).
sed 's/evpn: {topology: full_mesh}/evpn: {topology: full_mesh, large_community: true, policy: [{community: "65000:100:7", action: permit}]}/' \
    "$tmp/two.yaml" >"$tmp/data2.yaml"
run "$tmp/data2.yaml" -o "$tmp/data2-7" --set evpn.large_community_data2=7
run "$tmp/data2.yaml" -o "$tmp/data2-0"
r7=$(sp "$tmp/data2-7" rib_entries 'c["speaker"] == "leaf0"') r0=$(sp "$tmp/data2-0" rib_entries 'c["speaker"] == "leaf0"')
[ "$r7" = 4 ] && [ "$r0" = 2 ] && [ "$(sp "$tmp/data2-7" bytes_tx 'c["speaker"] == "leaf0"')" = 343 ]
t $? "large_community_data2 7: leaf0 imports 65000:100:7 routes ($r7 paths); the default 65000:100:0 does not match ($r0); same size on the wire"

run "$tmp/deny.yaml" -o "$tmp/deny2"
same_results "$tmp/deny" "$tmp/deny2" control.csv
t $? "the same run twice gives the same results"

echo "1..$n"
