#!/bin/sh
# BGP EVPN policy: communities, route targets and Route Target Constraint
# (RFC 1997, 4360, 4684, 7432), and type 5 prefixes that forward (RFC
# 9135, 9136); issue 15 items 6-7.
#   Tenants over route reflectors: N = 32 VTEPs in T = 8 tenants of m = 4
#     behind one cluster of two RRs.  Each VTEP originates a type 3 and a
#     type 2 route; reflected once they are 106 + 14 = 120 B and 114 + 14 =
#     128 B (ORIGINATOR_ID 7 B, CLUSTER_LIST 7 B), 248 B a pair.
#     Without RT constraint each RR sends every VTEP OPEN 45 + KEEPALIVE 19
#     + the other N - 1 VTEPs' pairs + End-of-RIB 29 B: a VTEP receives
#     2 (93 + 248 (N - 1)) = 15562 B in 2 (2 (N - 1) + 1) = 126 UPDATEs.
#     With it (RFC 4684) the OPEN is 51 B, the RR's default membership 50 B
#     and its End-of-RIB 29 B, and only the m - 1 tenant peers' pairs come:
#     2 (51 + 19 + 50 + 29 + 248 (m - 1) + 29) = 1844 B in 2 (2 (m - 1) +
#     3) = 18 UPDATEs, a cut of 1 - 1844 / 15562 = 88 %.
#     RIBs: a VTEP that imports every route target holds 2 + 4 (N - 1) =
#     126 paths (each route twice, once per RR), one that imports its own
#     2 + 4 (m - 1) = 14 (89 % fewer); an import route-map permitting only
#     the VTEP's own community (import: all) gives the same 14 while the
#     bytes received stay 15562 (the RRs still send everything); denying
#     tenant 102's community takes 4 x 4 = 16 paths from every other VTEP
#     (110) and leaves tenant 102's VTEPs their own 2 and the 28 others'
#     (114).  Denying a VTEP's own tenant leaves it its own 2 routes: h0's
#     datagrams to h24 (its tenant) then have no type 3 list to go to and
#     are dropped (no_route), all 136 of 200 KB.
#   Full mesh with RT constraint: a VTEP has N - 1 sessions, on each OPEN
#     51 + KEEPALIVE 19 + membership 62 + its End-of-RIB 29 + End-of-RIB
#     29 = 190 B, and routes (106 + 114 B) from its m - 1 tenant peers
#     only: 31 x 190 + 3 x 220 = 6550 B received against 31 x 313 = 9703 B.
#   Type 5 forwarding: tenant red = h0, h1, h3, h4 (.1, .2, .3, .4 of
#     192.168.0.0/24), RR h2, update_cpu U = 100 us, no type 2 routes
#     (host_routes: false) and arp_suppression: h4 sends h3 100 datagrams
#     of 1472 B, one every P = 12 us from 0.  With /32 prefixes h4 reaches
#     h3 once h3's type 5 route is in; until then its datagrams are
#     dropped at h4 (no_route): at least 2U / P of them (the RR and h4
#     each spend U on the route), and the rest are delivered.  With /30
#     prefixes h3's address .3 is in h0's, h1's and h3's 192.168.0.0/30;
#     the tie goes to the lowest VTEP, h0, which does not have h3's VM:
#     every datagram is lost, those sent after the route at h0 (no_route,
#     table_drops there).  With h3's prefix a /32 among those /30s the
#     longest prefix wins and datagrams are delivered again.  With the
#     default prefix (the tenant's /24 everywhere) h4's own prefix wins the
#     tie: nothing leaves h4.  RIBs shrink without type 2 routes: own 2
#     + 3 x 2 = 8 paths against 3 + 3 x 3 = 12.  With type 2 routes the
#     default type 5 routes change no forwarding: flows.csv is the same as
#     without type 5.
#   Hold timers: see the section below.
set -u
. "$(dirname "$0")/../lib.sh"
run() { timeout 300 "$DCSIM" run "$@" --quiet --no-report; }
sp() { csv "$1/control.csv" "c[\"$2\"]" "${3:-1}"; }
ov() { csv "$1/overlay.csv" "c[\"$2\"]" "c[\"vtep\"] == \"$3\""; }
# off DIR COL WANT [FILTER]: VTEPs (those of FILTER) whose COL is not WANT.
off() { csv "$1/control.csv" 1 "c[\"role\"] == \"vtep\" && (${4:-1}) && c[\"$2\"] != $3"; }

# ---- Tenants over route reflectors. ----
N=32 T=8 m=4
tenants() {
    i=0
    while [ $i -lt $T ]; do
        printf '    - {name: t%s, vni: %s, hosts: [' $((101 + i)) $((101 + i))
        j=0
        while [ $j -lt $m ]; do
            printf 'h%s' $((i + j * T))
            [ $j -lt $((m - 1)) ] && printf ', '
            j=$((j + 1))
        done
        printf ']}\n'
        i=$((i + 1))
    done
}
# gen EVPN-KEYS: the fabric, tenants and a flow h0 -> h24 (tenant 101).
gen() {
    cat <<YAML
name: tenants
stop: 5ms
topology: {type: spine-leaf, spines: 2, leaves: 3, servers_per_leaf: 12,
           server_link: {rate: 25Gbps, delay: 1us},
           uplink: {rate: 100Gbps, delay: 1us}}
server: {vm: {io: vhost, count: 1}}
overlay:
  vteps: server
  underlay_mtu: 9216
  vswitch: {tables: evpn}
  tenants:
$(tenants)
evpn: {$1}
traffic:
  - pattern: flows
    protocol: udp
    flows:
      - {src: h0, dst: h24, size: 200000, rate: 1Gbps, start: 3ms}
YAML
}
RR='topology: route_reflectors, route_reflectors: [h32, h33]'
case_run() {
    gen "$2" >"$tmp/$1.yaml"
    run "$tmp/$1.yaml" -o "$tmp/$1"
    t $? "$1: the run completes"
}
case_run all "$RR, import: all"
case_run rt "$RR"
case_run rtc "$RR, rt_constraint: true"
case_run own "$RR, import: all, policy: [{community: own, action: permit}]"
case_run deny "$RR, import: all, policy: [{community: \"65000:102\", action: deny}, {community: any, action: permit}]"
case_run self "$RR, policy: [{community: \"65000:101\", action: deny}, {community: any, action: permit}]"

b_all=$((2 * (93 + 248 * (N - 1)))) u_all=$((2 * (2 * (N - 1) + 1)))
b_rtc=$((2 * (178 + 248 * (m - 1)))) u_rtc=$((2 * (2 * (m - 1) + 3)))
rib_all=$((2 + 4 * (N - 1))) rib_rt=$((2 + 4 * (m - 1)))
for c in all rt own deny self; do
    [ "$(off "$tmp/$c" bytes_rx $b_all)" = 0 ] && [ "$(off "$tmp/$c" updates_rx $u_all)" = 0 ]
    t $? "$c: every VTEP receives $b_all B in $u_all UPDATEs"
done
[ "$(off "$tmp/rtc" bytes_rx $b_rtc)" = 0 ] && [ "$(off "$tmp/rtc" updates_rx $u_rtc)" = 0 ]
t $? "RT constraint: every VTEP receives $b_rtc B in $u_rtc UPDATEs ($(awk "BEGIN { printf \"%.1f\", 100 * (1 - $b_rtc / $b_all) }") % fewer bytes)"
echo "# bytes received by h0: $(sp "$tmp/all" bytes_rx 'c["speaker"] == "h0"') without, $(sp "$tmp/rtc" bytes_rx 'c["speaker"] == "h0"') with RT constraint"
[ "$(off "$tmp/all" rib_entries $rib_all)" = 0 ]
t $? "import: all: every VTEP holds $rib_all paths"
for c in rt rtc own; do
    [ "$(off "$tmp/$c" rib_entries $rib_rt)" = 0 ]
    t $? "$c: every VTEP holds $rib_rt paths ($(awk "BEGIN { printf \"%.1f\", 100 * (1 - $rib_rt / $rib_all) }") % fewer)"
done
[ "$(off "$tmp/deny" rib_entries $((rib_all - 16)) 'c["speaker"] !~ /^h(1|9|17|25)$/')" = 0 ] &&
    [ "$(off "$tmp/deny" rib_entries $((2 + 4 * (N - m))) 'c["speaker"] ~ /^h(1|9|17|25)$/')" = 0 ]
t $? "denying 65000:102: $((rib_all - 16)) paths at the other VTEPs, $((2 + 4 * (N - m))) at tenant 102's"
[ "$(sp "$tmp/self" rib_entries 'c["speaker"] == "h0"')" = 2 ] &&
    [ "$(num no_route "$tmp/self/summary.json")" = 136 ] &&
    [ "$(csv "$tmp/self/flows.csv" 'c["bytes_delivered"]')" = 0 ]
t $? "denying its own tenant's community: h0 holds its own 2 routes and its 136 datagrams are dropped (no_route)"
for c in all rt rtc own deny; do
    [ "$(csv "$tmp/$c/flows.csv" 'c["bytes_delivered"]')" = 200000 ] &&
        [ "$(ov "$tmp/$c" openflow_entries h0)" = "$(ov "$tmp/rt" openflow_entries h0)" ]
    t $? "$c: h0 reaches h24, with the same table 2 as importing its route target only"
done

# Full mesh with RT constraint.
case_run mesh "topology: full_mesh, rt_constraint: true"
case_run mesh0 "topology: full_mesh"
[ "$(off "$tmp/mesh" bytes_rx $(((N - 1) * 190 + (m - 1) * 220)))" = 0 ] &&
    [ "$(off "$tmp/mesh0" bytes_rx $(((N - 1) * 313)))" = 0 ] &&
    [ "$(off "$tmp/mesh" rib_entries $((2 + 2 * (m - 1))))" = 0 ]
t $? "full mesh: $(((N - 1) * 190 + (m - 1) * 220)) B received with RT constraint, $(((N - 1) * 313)) B without"

# ---- Type 5 prefixes that forward. ----
# four NAME EVPN-KEYS FLOW: the fabric of the type 5 and hold cases:
# tenant red = h0, h1, h3, h4 on two leaves, its RR h2, one UDP flow.
four() {
    evpn_fabric "$1" 3ms 2 2 3 server '[{name: red, vni: 100, hosts: [h0, h1, h3, h4]}]'
    cat <<YAML
evpn: {topology: route_reflectors, route_reflectors: [h2], $2}
traffic: [{pattern: flows, protocol: udp, flows: [$3]}]
YAML
}
four type5 'update_cpu: 100us, type5: true, host_routes: false, arp_suppression: true' \
    '{src: h4, dst: h3, size: 147200, start: 0ms, rate: 1Gbps}' >"$tmp/t5.yaml"
U=100 P=12
run "$tmp/t5.yaml" -o "$tmp/p32" --set evpn.type5_prefix=32; t $? "type 5 /32 runs"
run "$tmp/t5.yaml" -o "$tmp/p30" --set evpn.type5_prefix=30; t $? "type 5 /30 runs"
sed 's/arp_suppression: true}/arp_suppression: true, type5_prefix: {h0: 30, h1: 30, h3: 32}}/' \
    "$tmp/t5.yaml" >"$tmp/lpm.yaml"
run "$tmp/lpm.yaml" -o "$tmp/lpm"; t $? "type 5 /30s and a /32 run"
run "$tmp/t5.yaml" -o "$tmp/p24"; t $? "type 5 with the tenant's /24 runs"
del() { csv "$tmp/$1/flows.csv" 'c["bytes_delivered"]'; }
lost=$(num no_route "$tmp/p32/summary.json")
[ "$lost" -ge $((2 * U / P)) ] && [ "$lost" -lt 100 ] &&
    [ $(($(del p32) + lost * 1472)) = 147200 ] &&
    [ "$(ov "$tmp/p32" table_drops h4)" = "$lost" ] && [ "$(ov "$tmp/p32" table_drops h0)" = 0 ]
t $? "/32: $lost datagrams dropped at h4 before h3's prefix arrived (>= 2U/P = $((2 * U / P))), the other $(($(del p32) / 1472)) delivered"
d0=$(ov "$tmp/p30" table_drops h0) d4=$(ov "$tmp/p30" table_drops h4)
[ "$(del p30)" = 0 ] && [ "$d0" -gt 0 ] && [ $((d0 + d4)) = 100 ] &&
    [ "$(num no_route "$tmp/p30/summary.json")" = 100 ] &&
    [ "$(ov "$tmp/p30" decap_packets h0)" = "$d0" ]
t $? "/30: the tie goes to h0, which has no such VM: $d0 dropped there, $d4 at h4 before, none delivered"
l=$(num no_route "$tmp/lpm/summary.json")
[ "$l" -lt 100 ] && [ $(($(del lpm) + l * 1472)) = 147200 ] && [ "$(del lpm)" -gt 0 ]
t $? "a /32 among /30s: the longest prefix wins, $(($(del lpm) / 1472)) delivered"
[ "$(del p24)" = 0 ] && [ "$(ov "$tmp/p24" table_drops h4)" = 100 ]
t $? "the tenant's /24 everywhere: h4's own prefix wins, all 100 dropped at h4"
[ "$(off "$tmp/p32" rib_entries 8)" = 0 ]
t $? "without type 2 routes every VTEP holds 8 paths"
sed 's/host_routes: false, //' "$tmp/t5.yaml" >"$tmp/t5h.yaml"
run "$tmp/t5h.yaml" -o "$tmp/t5h"; t $? "type 5 with host routes runs"
run "$tmp/t5h.yaml" -o "$tmp/not5" --set evpn.type5=false; t $? "the same without type 5 runs"
tables() { cut -d, -f1,23 "$1/overlay.csv"; }
[ "$(off "$tmp/t5h" rib_entries 12)" = 0 ] && [ "$(tables "$tmp/t5h")" = "$(tables "$tmp/not5")" ] &&
    [ "$(ov "$tmp/t5h" table_drops h4)" = "$(num no_route "$tmp/t5h/summary.json")" ] &&
    [ "$(all_drops "$tmp/t5h/summary.json")" = "$(num no_route "$tmp/t5h/summary.json")" ]
t $? "with type 2 routes every VTEP holds 12 paths, and the default type 5 routes change no forwarding (the same tables; drops only at h4, before h3's type 2 route)"

# ---- Hold timers. ----
# h4's server link is cut at T = 1 ms while h0 sends it one 1472 B
# datagram every P = 12 us; KEEPALIVE every K = 100 us, hold H = 300 us.
# The RR last heard h4 at most K (and a trip) before T, so its hold timer
# expires between T + H - K - 10 us and T + H; it sends NOTIFICATION and
# withdraws h4's two routes, and h0 (U = 10 us later) drops h4's MAC: its
# datagrams, lost in the fabric until then (on the cut link, then at the
# leaf once it has seen the carrier go), are dropped at h0 (table_drops,
# arp_suppression) after.  So (H - K - 10 us) / P - 1 <= those lost in
# the fabric <= (H + U + 30 us) / P + 1.  h0 ends with its own 2 routes and
# h1's and h3's (6, of 8), having received 2 withdrawals; the RR has one
# session fewer up, h4 none.  Without hold every datagram after T is lost
# on the link and no route goes; with hold and no cut nothing changes.
four hold 'update_cpu: 10us, keepalive: 100us, hold: 300us, arp_suppression: true' \
    '{src: h0, dst: h4, size: 294400, start: 500us, rate: 1Gbps}' >"$tmp/hold.yaml"
printf 'events: [{at: 1ms, link_down: [leaf1, h4]}]\n' >>"$tmp/hold.yaml"
run "$tmp/hold.yaml" -o "$tmp/hold"; t $? "hold: the run with a cut completes"
run "$tmp/hold.yaml" -o "$tmp/nohold" --set evpn.hold=off; t $? "the same without hold runs"
sed '/^events:/,$d' "$tmp/hold.yaml" >"$tmp/calm.yaml"
run "$tmp/calm.yaml" -o "$tmp/calm"; run "$tmp/calm.yaml" -o "$tmp/calm0" --set evpn.hold=off
H=300 K=100 U=10
dl=$(($(csv "$tmp/hold/flows.csv" 'c["bytes_delivered"]') / 1472))
nr=$(ov "$tmp/hold" table_drops h0) ld=$((200 - dl - nr))
[ "$ld" -ge $(((H - K - 10) / P - 1)) ] && [ "$ld" -le $(((H + U + 30) / P + 1)) ] &&
    [ "$nr" -gt 0 ] && [ "$(csv "$tmp/hold/flows.csv" 'c["packets_dropped"]')" = $((ld + nr)) ]
t $? "hold: $ld datagrams lost in the fabric before the withdrawal (in [$(((H - K - 10) / P - 1)), $(((H + U + 30) / P + 1))]), $nr dropped at h0 after, $dl delivered before the cut"
h0=$(sp "$tmp/hold" rib_entries 'c["speaker"] == "h0"') w0=$(sp "$tmp/hold" withdrawals_rx 'c["speaker"] == "h0"')
[ "$h0" = 6 ] && [ "$w0" = 2 ] && [ "$(sp "$tmp/hold" sessions_up 'c["speaker"] == "h2"')" = 3 ] &&
    [ "$(sp "$tmp/hold" sessions_up 'c["speaker"] == "h4"')" = 0 ] &&
    [ "$(sp "$tmp/hold" rib_entries 'c["speaker"] == "h4"')" = 2 ]
t $? "hold: h0 holds $h0 routes after $w0 withdrawals; the RR has 3 sessions up, h4 none and only its own routes"
ln=$(csv "$tmp/nohold/flows.csv" 'c["packets_dropped"]')
[ "$(ov "$tmp/nohold" table_drops h0)" = 0 ] && [ "$ln" -gt $((ld * 3)) ] &&
    [ "$(sp "$tmp/nohold" withdrawals_rx 'c["speaker"] == "h0"')" = 0 ]
t $? "without hold: $ln datagrams lost in the fabric, none at h0, no withdrawal"
cmp -s "$tmp/calm/flows.csv" "$tmp/calm0/flows.csv" && cmp -s "$tmp/calm/control.csv" "$tmp/calm0/control.csv"
t $? "with hold and no cut, the same results as without hold"

# ---- Determinism. ----
run "$tmp/t5.yaml" -o "$tmp/p32b" --set evpn.type5_prefix=32
run "$tmp/rtc.yaml" -o "$tmp/rtc2"
cmp -s "$tmp/p32/flows.csv" "$tmp/p32b/flows.csv" && cmp -s "$tmp/p32/control.csv" "$tmp/p32b/control.csv" &&
    same_results "$tmp/rtc" "$tmp/rtc2" control.csv flows.csv overlay.csv
t $? "the same runs twice give the same results"

echo "1..$n"
