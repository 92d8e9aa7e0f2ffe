#!/bin/sh
# Bad `evpn` sections and vm_move events (issue 15 item 15: every key):
# `dcsim validate` and `dcsim run -o DIR` exit 2, print one line on
# stderr that starts with FILE:LINE:COL of the mistake and names it,
# print nothing on stdout, and leave no DIR behind.  A good section
# validates, so the cases fail for their own reason.
set -u
. "$(dirname "$0")/../lib.sh"

# scenario TEXT: software VTEPs with EVPN tables (line 4, or $OV), TEXT
# from line 6.  Tenant a is h0, h1, h3; tenant b h4; h2 and h5 are in
# none.
OVD='overlay: {vteps: server, underlay_mtu: 9216, vswitch: {tables: evpn}, tenants: [{name: a, vni: 1, hosts: [h0, h1, h3]}, {name: b, vni: 2, hosts: [h4]}]}'
scenario() {
    cat <<YAML
stop: 10ms
topology: {type: spine-leaf, spines: 1, leaves: 2, servers_per_leaf: 3}
server: {vm: {io: vhost}}
${OV:-$OVD}
traffic: [{pattern: flows, flows: [{src: h0, dst: h3, size: 10KB}]}]
$1
YAML
}

scenario "evpn: {topology: route_reflectors, route_reflectors: [h2, h5], cluster_size: 1, asn: 64512, tc: 5, start: 1us, keepalive: 1ms, update_cpu: 5us, core: 1, type5: true, arp_suppression: true}
events: [{at: 1ms, vm_move: [h0, h3]}]" >"$tmp/good.yaml"
"$DCSIM" validate "$tmp/good.yaml" >/dev/null 2>"$tmp/err"
t $? "a good evpn section and vm_move validate"

check() { refused_as "$@"; }
RR='topology: route_reflectors, route_reflectors'

check not-mapping 'evpn: 5' 6:7 "evpn is '5'; expected a mapping of EVPN settings"
check unknown-key 'evpn: {topo: full_mesh}' 6:8 "unknown key 'topo' in evpn"
check start-late 'evpn: {start: 10ms}' 6:15 "evpn.start is 10000 us, at or after stop (10000 us): no BGP session would open; expected an earlier time"
check topology 'evpn: {topology: star}' 6:18 "evpn.topology is 'star'; expected one of: full_mesh, route_reflectors"
check rr-missing 'evpn: {topology: route_reflectors}' 6:7 "topology: route_reflectors needs route_reflectors"
check rr-full-mesh 'evpn: {route_reflectors: [h2]}' 6:26 "evpn.route_reflectors: only with topology: route_reflectors"
check rr-empty "evpn: {$RR: []}" 6:54 "evpn.route_reflectors is a sequence; expected a non-empty sequence of host names"
check rr-scalar "evpn: {$RR: h2}" 6:54 "evpn.route_reflectors is 'h2'"
check rr-unknown "evpn: {$RR: [h9]}" 6:55 "evpn.route_reflectors.0: no host named 'h9'"
check rr-switch "evpn: {$RR: [leaf0]}" 6:55 "no host named 'leaf0' (it is a switch"
check rr-vtep "evpn: {$RR: [h0]}" 6:55 "host h0 is a VTEP (in tenant a)"
check rr-twice "evpn: {$RR: [h2, h2]}" 6:59 "evpn.route_reflectors.1: host h2 is already a route reflector"
check rr-nested "evpn: {$RR: [[h2]]}" 6:55 "evpn.route_reflectors.0 is a sequence; expected a host name"
check cluster-size 'evpn: {cluster_size: 0}' 6:22 "evpn.cluster_size is '0'; expected an integer 1..64"
check cluster-size-big 'evpn: {cluster_size: 65}' 6:22 "expected an integer 1..64"
check asn 'evpn: {asn: 0}' 6:13 "evpn.asn is '0'"
check tc 'evpn: {tc: 8}' 6:12 "evpn.tc is '8'; expected an integer 0..7"
check start 'evpn: {start: -1ms}' 6:15 "evpn.start is '-1ms'"
check keepalive 'evpn: {keepalive: 0s}' 6:19 "evpn.keepalive is '0s' (must be greater than zero)"
check connect-retry 'evpn: {connect_retry: 0s}' 6:23 "evpn.connect_retry is '0s' (must be greater than zero)"
check connect-retry-word 'evpn: {connect_retry: off}' 6:23 "evpn.connect_retry is 'off'"
check update-cpu 'evpn: {update_cpu: fast}' 6:20 "evpn.update_cpu is 'fast'"
check core 'evpn: {core: 99}' 6:14 "evpn.core: host h0 has 32 cores (0..31)"
check type5 'evpn: {type5: maybe}' 6:15 "evpn.type5 is 'maybe'; expected true or false"
check arp-suppression 'evpn: {arp_suppression: 2}' 6:25 "evpn.arp_suppression is '2'; expected true or false"
scenario "evpn: {keepalive: 3s, hold: 9s, type5: true, host_routes: false, rt_constraint: true, import: all, type5_prefix: {h0: 32, h1: 30}, policy: [{community: own, action: permit}, {community: \"65000:2\", action: deny}, {community: any, action: permit}]}" >"$tmp/good2.yaml"
"$DCSIM" validate "$tmp/good2.yaml" >/dev/null 2>"$tmp/err"
t $? "a good evpn section with policy, route target constraint and type 5 prefixes validates"
check import 'evpn: {import: some}' 6:16 "evpn.import is 'some'; expected one of: route_target, all"
check policy-scalar 'evpn: {policy: 5}' 6:16 "evpn.policy is '5'; expected a non-empty sequence of {community, action}"
check policy-empty 'evpn: {policy: []}' 6:16 "evpn.policy is a sequence; expected a non-empty sequence"
check policy-entry 'evpn: {policy: [5]}' 6:17 "evpn.policy.0 is '5'; expected a mapping {community, action}"
check policy-key 'evpn: {policy: [{community: own, action: permit, foo: 1}]}' 6:50 "unknown key 'foo' in evpn.policy.0; expected one of: community, action"
check policy-no-action 'evpn: {policy: [{community: own}]}' 6:17 "missing required key 'action' in evpn.policy.0"
check policy-no-community 'evpn: {policy: [{action: deny}]}' 6:17 "missing required key 'community' in evpn.policy.0"
check community-big 'evpn: {policy: [{community: "65536:1", action: deny}]}' 6:29 "evpn.policy.0.community is '65536:1'; expected a community \"AS:VALUE\" (each 0..65535), a large community \"ASN:LOCAL1:LOCAL2\" (each 0..4294967295), own or any"
check community-word 'evpn: {policy: [{community: abc, action: deny}]}' 6:29 "evpn.policy.0.community is 'abc'"
check community-four 'evpn: {policy: [{community: "1:2:3:4", action: deny}]}' 6:29 "evpn.policy.0.community is '1:2:3:4'"
check community-large-big 'evpn: {policy: [{community: "1:4294967296:3", action: deny}]}' 6:29 "evpn.policy.0.community is '1:4294967296:3'"
check community-empty-field 'evpn: {policy: [{community: "1::3", action: deny}]}' 6:29 "evpn.policy.0.community is '1::3'"
check policy-set 'evpn: {policy: [{community: own, action: permit, set: "1:2"}]}' 6:50 "unknown key 'set' in evpn.policy.0; expected one of: community, action"
check community-seq 'evpn: {policy: [{community: [1], action: deny}]}' 6:29 "evpn.policy.0.community is a sequence"
check action 'evpn: {policy: [{community: own, action: maybe}]}' 6:42 "evpn.policy.0.action is 'maybe'; expected one of: permit, deny"
check rt-constraint 'evpn: {rt_constraint: 3}' 6:23 "evpn.rt_constraint is '3'; expected true or false"
check large-community 'evpn: {large_community: 3}' 6:25 "evpn.large_community is '3'; expected true or false"
check large-data2-alone 'evpn: {large_community_data2: 7}' 6:8 "evpn.large_community_data2: only with large_community: true"
check large-data2-big 'evpn: {large_community: true, large_community_data2: 4294967296}' 6:54 "evpn.large_community_data2 is '4294967296'"
check large-data2-neg 'evpn: {large_community: true, large_community_data2: -1}' 6:54 "evpn.large_community_data2 is '-1'"
check large-data2-word 'evpn: {large_community: true, large_community_data2: seven}' 6:54 "evpn.large_community_data2 is 'seven'"

# evpn.rr_policy: the route reflectors' outbound route-map.
RRP="topology: route_reflectors, route_reflectors: [h2]"
scenario "evpn: {$RRP, large_community: true, policy: [{community: \"65000:1:7\", action: permit}], rr_policy: [{community: \"65000:2\", action: deny}, {community: \"65000:1:0\", action: permit, set: \"65000:1:7\"}, {community: any, action: permit, set: \"65000:7\"}]}" >"$tmp/good-rrp.yaml"
"$DCSIM" validate "$tmp/good-rrp.yaml" >/dev/null 2>"$tmp/err"
t $? "a good rr_policy with large communities validates: $(cat "$tmp/err")"
check rrp-mesh 'evpn: {rr_policy: [{community: any, action: permit}]}' 6:8 "evpn.rr_policy: only with topology: route_reflectors"
check rrp-scalar "evpn: {$RRP, rr_policy: 5}" 6:71 "evpn.rr_policy is '5'; expected a non-empty sequence of {community, action, set}"
check rrp-entry "evpn: {$RRP, rr_policy: [5]}" 6:72 "evpn.rr_policy.0 is '5'; expected a mapping {community, action, set}"
check rrp-key "evpn: {$RRP, rr_policy: [{community: any, action: permit, tag: 1}]}" 6:105 "unknown key 'tag' in evpn.rr_policy.0; expected one of: community, action, set"
check rrp-no-action "evpn: {$RRP, rr_policy: [{community: any}]}" 6:72 "missing required key 'action' in evpn.rr_policy.0"
check rrp-own "evpn: {$RRP, rr_policy: [{community: own, action: permit}]}" 6:84 "evpn.rr_policy.0.community is 'own' (a route reflector serves no tenant); expected a community"
check rrp-set-deny "evpn: {$RRP, rr_policy: [{community: any, action: deny, set: \"1:2\"}]}" 6:108 "evpn.rr_policy.0.set: only with action: permit"
check rrp-set-bad "evpn: {$RRP, rr_policy: [{community: any, action: permit, set: any}]}" 6:110 "evpn.rr_policy.0.set is 'any'; expected a community \"AS:VALUE\" (each 0..65535) or a large community"
check rrp-set-seq "evpn: {$RRP, rr_policy: [{community: any, action: permit, set: [1]}]}" 6:110 "evpn.rr_policy.0.set is a sequence"
S='{community: any, action: permit, set:'
check rrp-sets "evpn: {$RRP, rr_policy: [$S \"1:1\"}, $S \"1:2\"}, $S \"1:3\"}, $S \"1:1\"}, $S \"1:4\"}, $S \"1:5\"}]}" 6:340 "evpn.rr_policy.5.set: more than 4 distinct standard communities set; expected at most 4"

# evpn.neighbor_policy: per-neighbour route-maps (RR h2, every VTEP its
# client: h0 and h1 have no session with each other).
NP="$RRP, neighbor_policy"
M='route_map: [{community: any, action: permit}]'
scenario "evpn: {$NP: [{speaker: h2, neighbor: clients, direction: out, route_map: [{community: \"65000:2\", action: deny}, {community: any, action: permit, set: \"65000:1:7\"}]}, {speaker: h2, neighbor: h4, direction: out, $M}, {speaker: h0, neighbor: h2, direction: in, route_map: [{community: any, action: permit, set: \"65000:9\"}]}]}" >"$tmp/good-np.yaml"
"$DCSIM" validate "$tmp/good-np.yaml" >/dev/null 2>"$tmp/err"
t $? "a good neighbor_policy validates: $(cat "$tmp/err")"
check np-scalar "evpn: {$NP: 5}" 6:77 "evpn.neighbor_policy is '5'; expected a non-empty sequence of {speaker, neighbor, direction, route_map}"
check np-entry "evpn: {$NP: [5]}" 6:78 "evpn.neighbor_policy.0 is '5'; expected a mapping {speaker, neighbor, direction, route_map}"
check np-key "evpn: {$NP: [{speaker: h2, neighbor: h0, direction: out, $M, peer: h1}]}" 6:169 "unknown key 'peer' in evpn.neighbor_policy.0; expected one of: speaker, neighbor, direction, route_map"
check np-no-direction "evpn: {$NP: [{speaker: h2, neighbor: h0, $M}]}" 6:78 "missing required key 'direction' in evpn.neighbor_policy.0"
check np-speaker-unknown "evpn: {$NP: [{speaker: h9, neighbor: h0, direction: out, $M}]}" 6:88 "evpn.neighbor_policy.0.speaker: no node named 'h9'; expected a VTEP (a host in a tenant) or a route reflector"
check np-speaker-none "evpn: {$NP: [{speaker: h5, neighbor: h0, direction: out, $M}]}" 6:88 "evpn.neighbor_policy.0.speaker: node 'h5' runs no BGP speaker"
check np-speaker-seq "evpn: {$NP: [{speaker: [h2], neighbor: h0, direction: out, $M}]}" 6:88 "evpn.neighbor_policy.0.speaker is a sequence; expected a node name"
check np-no-session "evpn: {$NP: [{speaker: h0, neighbor: h1, direction: out, $M}]}" 6:102 "evpn.neighbor_policy.0.neighbor: h0 has no session with 'h1'; expected one of its peers"
check np-clients-vtep "evpn: {$NP: [{speaker: h0, neighbor: clients, direction: out, $M}]}" 6:102 "evpn.neighbor_policy.0.neighbor: clients: h0 is no route reflector"
check np-direction "evpn: {$NP: [{speaker: h2, neighbor: h0, direction: both, $M}]}" 6:117 "evpn.neighbor_policy.0.direction is 'both'; expected one of: in, out"
check np-map-empty "evpn: {$NP: [{speaker: h2, neighbor: h0, direction: out, route_map: []}]}" 6:133 "evpn.neighbor_policy.0.route_map is a sequence; expected a non-empty sequence of {community, action, set}"
check np-map-key "evpn: {$NP: [{speaker: h2, neighbor: h0, direction: out, route_map: [{community: any, action: permit, match: 1}]}]}" 6:167 "unknown key 'match' in evpn.neighbor_policy.0.route_map.0; expected one of: community, action, set"
check np-own "evpn: {$NP: [{speaker: h0, neighbor: h2, direction: out, route_map: [{community: own, action: permit}]}]}" 6:146 "evpn.neighbor_policy.0.route_map.0.community is 'own' (own is the import route-map's (evpn.policy)); expected a community"
check np-set-deny "evpn: {$NP: [{speaker: h2, neighbor: h0, direction: in, route_map: [{community: any, action: deny, set: \"1:2\"}]}]}" 6:169 "evpn.neighbor_policy.0.route_map.0.set: only with action: permit (a denied route gets nothing)"
check np-twice "evpn: {$NP: [{speaker: h2, neighbor: h0, direction: out, $M}, {speaker: h2, neighbor: h0, direction: out, $M}]}" 6:170 "evpn.neighbor_policy.1: h2 already has a route-map out to h0 (entry 0); expected one per neighbour and direction"
check np-sets "evpn: {$RRP, rr_policy: [$S \"1:1\"}, $S \"1:2\"}, $S \"1:3\"}], neighbor_policy: [{speaker: h2, neighbor: h0, direction: out, route_map: [$S \"1:3\"}, $S \"1:4\"}, $S \"1:5\"}]}]}" 6:415 "evpn.neighbor_policy.0.route_map.2.set: more than 4 distinct standard communities set; expected at most 4"
# evpn.idle_hold, evpn.idle_hold_max: damping of the sessions' restarts.
check idle-hold 'evpn: {idle_hold: 1}' 6:19 "evpn.idle_hold is '1'"
check idle-hold-neg 'evpn: {idle_hold: -1s}' 6:19 "evpn.idle_hold is '-1s'"
check idle-max-zero 'evpn: {idle_hold_max: 0s}' 6:23 "evpn.idle_hold_max is '0s' (must be greater than zero)"
check idle-max-below 'evpn: {idle_hold: 2s, idle_hold_max: 1s}' 6:38 "evpn.idle_hold_max is '1s' (idle_hold is greater than idle_hold_max)"
check idle-over-default 'evpn: {idle_hold: 200s}' 6:19 "evpn.idle_hold is '200s' (idle_hold is greater than idle_hold_max); expected idle_hold <= idle_hold_max (default 120s)"
check host-routes 'evpn: {host_routes: 7}' 6:21 "evpn.host_routes is '7'; expected true or false"
check host-routes-type5 'evpn: {host_routes: false}' 6:21 "evpn.host_routes: false needs type5: true"
check type5-prefix-alone 'evpn: {type5_prefix: 30}' 6:8 "evpn.type5_prefix: only with type5: true"
check type5-prefix-big 'evpn: {type5: true, type5_prefix: 33}' 6:35 "evpn.type5_prefix is '33'; expected an integer 8..32"
check type5-prefix-small 'evpn: {type5: true, type5_prefix: 7}' 6:35 "evpn.type5_prefix is '7'; expected an integer 8..32"
check type5-prefix-seq 'evpn: {type5: true, type5_prefix: [30]}' 6:35 "evpn.type5_prefix is a sequence; expected an integer 8..32, or a mapping of VTEP host names to integers 8..32"
check type5-prefix-host 'evpn: {type5: true, type5_prefix: {h9: 30}}' 6:36 "evpn.type5_prefix.h9: no host named 'h9'"
check type5-prefix-rr 'evpn: {type5: true, type5_prefix: {h2: 30}}' 6:36 "evpn.type5_prefix.h2: host h2 is in no tenant; expected a VTEP"
check type5-prefix-switch 'evpn: {type5: true, type5_prefix: {leaf0: 30}}' 6:36 "no host named 'leaf0' (it is a switch"
check type5-prefix-len 'evpn: {type5: true, type5_prefix: {h0: 40}}' 6:40 "evpn.type5_prefix.h0 is '40'; expected an integer 8..32"
check type5-prefix-len-seq 'evpn: {type5: true, type5_prefix: {h0: [1]}}' 6:40 "evpn.type5_prefix.h0 is a sequence"
check hold 'evpn: {hold: fast}' 6:14 "evpn.hold is 'fast'"
check hold-zero 'evpn: {hold: 0s}' 6:14 "evpn.hold is '0s'"
check hold-short 'evpn: {keepalive: 30s, hold: 10s}' 6:30 "evpn.hold: 10s is not longer than evpn.keepalive"
check hold-equal 'evpn: {keepalive: 3s, hold: 3s}' 6:29 "evpn.hold: 3s is not longer than evpn.keepalive"
check hold-tiny 'evpn: {hold: 2ps}' 6:14 "evpn.hold: 2ps leaves no KEEPALIVE interval (a third of it); expected at least 3ps"
check no-evpn '' 4:64 "overlay.vswitch.tables: evpn needs an evpn section"
OV='host: {}' check no-overlay 'evpn: {}' 6:1 "evpn: the speakers run on the VTEPs; expected an overlay (vteps: server or leaf)"

# Leaf VTEPs (overlay.vteps: leaf): route reflectors are switches without
# tenant hosts.  Tenant a is h0, h1, h3 (on
# leaf0 and leaf1).
OVL='overlay: {vteps: leaf, underlay_mtu: 9216, tenants: [{name: a, vni: 1, hosts: [h0, h1, h3]}]}'
OV=$OVL scenario "evpn: {$RR: [spine0], arp_suppression: true}
events: [{at: 1ms, vm_move: [h0, h3]}]" >"$tmp/good-leaf.yaml"
"$DCSIM" validate "$tmp/good-leaf.yaml" >/dev/null 2>"$tmp/err"
t $? "EVPN on leaf VTEPs with a spine as route reflector validates"
OV=$OVL check leaf-rr-host "evpn: {$RR: [h2]}" 6:55 "evpn.route_reflectors.0: no switch named 'h2' (it is a host) (with overlay.vteps: leaf the route reflectors run on switches, e.g. the spines)"
OV=$OVL check leaf-rr-vtep "evpn: {$RR: [leaf0]}" 6:55 "evpn.route_reflectors.0: switch leaf0 is a VTEP (tenant host h0 hangs from it); expected a switch without tenant hosts"
OV=$OVL check leaf-rr-twice "evpn: {$RR: [spine0, spine0]}" 6:63 "evpn.route_reflectors.1: switch spine0 is already a route reflector"
OV=$OVL check np-leaf-host "evpn: {$RR: [spine0], neighbor_policy: [{speaker: h0, neighbor: spine0, direction: in, $M}]}" 6:92 "evpn.neighbor_policy.0.speaker: node 'h0' runs no BGP speaker; expected a VTEP (a leaf with tenant hosts) or a route reflector"
# Several tenants on a leaf, and type 5 routes (a prefix per leaf and
# tenant, around its first host's address), are allowed; a prefix length
# given for a leaf's other host of the tenant is refused.
OV='overlay: {vteps: leaf, underlay_mtu: 9216, tenants: [{name: a, vni: 1, hosts: [h0, h3]}, {name: b, vni: 2, hosts: [h1, h4]}]}' \
    scenario "evpn: {$RR: [spine0], type5: true, type5_prefix: {h0: 30, h1: 28}}" >"$tmp/good-leaf2.yaml"
"$DCSIM" validate "$tmp/good-leaf2.yaml" >/dev/null 2>"$tmp/err"
t $? "two tenants on a leaf with type 5 routes validate: $(cat "$tmp/err")"
OV=$OVL check leaf-type5-host 'evpn: {type5: true, type5_prefix: {h0: 30, h1: 30}}' 6:44 "evpn.type5_prefix.h1: with overlay.vteps: leaf, leaf0's prefix for tenant a is around its first host of the tenant; expected h0"
# BFD on the sessions and MAC learning on the access ports: leaf VTEPs'.
OV=$OVL scenario "evpn: {$RR: [spine0], bfd: true, bfd_interval: 100ms, bfd_multiplier: 5, type5: true, host_routes: false, mac_aging: 30s}" >"$tmp/good-leaf3.yaml"
"$DCSIM" validate "$tmp/good-leaf3.yaml" >/dev/null 2>"$tmp/err"
t $? "leaf VTEPs with BFD and MAC aging validate: $(cat "$tmp/err")"
OV=$OVL check bfd 'evpn: {bfd: 2}' 6:13 "evpn.bfd is '2'; expected true or false"
OV=$OVL check bfd-interval 'evpn: {bfd: true, bfd_interval: 0s}' 6:33 "evpn.bfd_interval is '0s' (must be greater than zero)"
OV=$OVL check bfd-interval-word 'evpn: {bfd: true, bfd_interval: fast}' 6:33 "evpn.bfd_interval is 'fast'"
OV=$OVL check bfd-interval-alone 'evpn: {bfd_interval: 1s}' 6:8 "evpn.bfd_interval: only with bfd: true"
OV=$OVL check bfd-multiplier 'evpn: {bfd: true, bfd_multiplier: 0}' 6:35 "evpn.bfd_multiplier is '0'; expected an integer 1..255"
OV=$OVL check bfd-multiplier-big 'evpn: {bfd: true, bfd_multiplier: 256}' 6:35 "evpn.bfd_multiplier is '256'; expected an integer 1..255"
OV=$OVL check bfd-multiplier-alone 'evpn: {bfd: false, bfd_multiplier: 3}' 6:20 "evpn.bfd_multiplier: only with bfd: true"
check bfd-server 'evpn: {bfd: true}' 6:8 "evpn.bfd: only with overlay.vteps: leaf (a leaf's sessions with switches that may fail)"
OV=$OVL check mac-aging 'evpn: {type5: true, host_routes: false, mac_aging: 0s}' 6:52 "evpn.mac_aging is '0s' (must be greater than zero)"
OV=$OVL check mac-aging-word 'evpn: {type5: true, host_routes: false, mac_aging: never}' 6:52 "evpn.mac_aging is 'never'"
OV=$OVL check mac-aging-host-routes 'evpn: {mac_aging: 10s}' 6:8 "evpn.mac_aging: only with host_routes: false (with type 2 routes for its own hosts a leaf knows them from the start)"
check mac-aging-server 'evpn: {type5: true, host_routes: false, mac_aging: 10s}' 6:41 "evpn.mac_aging: only with overlay.vteps: leaf (a leaf's MAC learning on its access ports)"
OV='overlay: {vteps: leaf, vswitch: {tables: evpn}, tenants: [{name: a, vni: 1, hosts: [h0, h3]}]}' \
    check leaf-vswitch 'evpn: {}' 4:42 "overlay.vswitch.tables: evpn fills software VTEPs' tables; with vteps: leaf EVPN fills the leaves'"
OV='overlay: {vteps: server, vswitch: {tables: learning}, tenants: [{name: a, vni: 1, hosts: [h0, h1, h3]}]}' \
    check tables 'evpn: {}' 4:44 "expected overlay.vswitch.tables: evpn"

# vm_move
M() { printf 'evpn: {}\nevents: [{at: 1ms, vm_move: %s}]' "$1"; }
check move-scalar "$(M h0)" 7:29 "events.0.vm_move is 'h0'; expected a sequence of two hosts of one tenant"
check move-one "$(M '[h0]')" 7:29 "events.0.vm_move is a sequence; expected a sequence of two hosts"
check move-unknown "$(M '[h0, h9]')" 7:34 "events.0.vm_move.1: no host named 'h9'"
check move-no-tenant "$(M '[h0, h2]')" 7:34 "events.0.vm_move.1 is 'h2' (in no tenant)"
check move-tenants "$(M '[h0, h4]')" 7:29 "(hosts of two tenants)"
check move-nested "$(M '[h0, [h3]]')" 7:34 "events.0.vm_move.1 is a sequence"

echo "1..$n"
