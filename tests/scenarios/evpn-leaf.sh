#!/bin/sh
# BGP EVPN on hardware VTEPs in the leaves (issue 15 items 5, 7-9, 12,
# 13; issue 14 item 3): speakers on the leaves and on route reflectors
# on the spines, their iBGP sessions TCP/IP frames between the switches'
# own addresses.
#   Sessions: n leaves in a full mesh have n(n-1)/2 sessions; with the two
#     spines as one cluster of RRs, every leaf peers with both and the
#     spines with each other: 2n + 1 (n = 4, 32, 128).  A leaf with one
#     tenant host originates a type 3 and a type 2 route, so RIBs and
#     bytes are those of the software VTEPs' test (evpn.sh): 2n routes per
#     leaf in the mesh, 313 B per side of a session.  The frames are real:
#     with no other traffic, the leaf-spine cables carry every mesh
#     message twice (leaf to spine to leaf), each with 78 B of TCP (20),
#     IPv4 (20), Ethernet (14 + 4 FCS) and preamble + IFG (20).
#   Unknown until the type 2 route: leaf0 (h0) and leaf1 (h1) under one
#     spine, 10 Gb/s and 1 us everywhere, one session, ARP suppression,
#     update_cpu U = 100 us.  A message of M bytes crosses the two hops in
#     2 (ser(M + 78) + 1 us), ser(B) = 800 ps per byte.  Both leaves send
#     OPEN (45 B) at 0 and KEEPALIVE (19 B) on its arrival: Established at
#     te = 2 (ser(123) + d) + 2 (ser(97) + d) = 4.352 us (summary.json's
#     all_established_ps, exactly).  leaf1 then sends its routes back to
#     back, type 2 (114 B) and type 3 (106 B) in its RIB's order, and
#     End-of-RIB.  Type 2 first: leaf0 installs h1's MAC at te + 2
#     (ser(192) + d) + U; type 3 first: the type 2 waits for the type 3's
#     CPU turn, te + 2 (ser(184) + d) + 2U.  Until then h0's paced UDP
#     datagrams (1518 B frames every P = 12 us, at leaf0 after ser(1538) +
#     d) are dropped there (no_route): exactly ceil((T - a) / P) of them,
#     the rest delivered.  With U = 0 the same holds with U = 0.
#   VM move: h2's VMs (leaf1) move to h4 (leaf2) at T = 3 ms while h0
#     (leaf0) sends them a paced UDP flow; spine0 reflects.  leaf2's
#     UPDATE takes U on the RR's CPU and U on each leaf's, so every leaf
#     learns the move 2U later than with no CPU cost; h0's datagrams in
#     between are dropped at leaf1 (vm_moved): at least 2U / P - 1, at
#     most those sent until convergence plus two; every datagram is
#     delivered or dropped so; leaf1 withdraws its own route once the
#     newer (sequence 1) one arrives.  Moving back at 5 ms converges again.
#   Congestion: with BGP in class 0 two 1 MB bursts through leaf1's 10
#     Gb/s uplink queue the moved route's UPDATE (>= 500 us later than
#     without them); in class 6 it passes them (within 5 us).
#   Failure: a leaf-spine cable cut as the move happens (carrier
#     detection 1 ms): whichever of leaf2's two sessions hashes onto it
#     loses its UPDATE (link_down), which TCP resends after its 200 ms RTO
#     on the rerouted path: with the cut under either spine, the move
#     converges either as without a cut or 200 ms to 201 ms after it, and
#     at least one of the two cuts delays it.
#   Beside eBGP (convergence: bgp): the switches' control plane serves
#     both models, each its own connection.
#   Determinism: a run twice gives identical results.
set -u
. "$(dirname "$0")/../lib.sh"
run() { timeout 300 "$DCSIM" run "$@" --quiet --no-report; }
sp() { csv "$1/control.csv" "c[\"$2\"]" "${3:-1}"; }
ev() { csv "$1/events.csv" "c[\"$2\"]" "c[\"event\"] == ${3:-0}"; }
evj() { sed -n "s/.*\"evpn\": {[^}]*\"$1\": \([0-9]*\).*/\1/p" "$2"; }

# ---- Session counts: full mesh vs route reflectors on the spines. ----
gen() {
    g_hosts=$(i=0; while [ $i -lt "$1" ]; do printf 'h%s, ' $i; i=$((i + 1)); done)
    cat <<YAML
name: leaf-n$1-$2
stop: 40ms
topology: {type: spine-leaf, spines: 2, leaves: $1, servers_per_leaf: 1}
overlay:
  vteps: leaf
  underlay_mtu: 9216
  tenants: [{name: t, vni: 100, hosts: [${g_hosts%, }]}]
YAML
    if [ "$2" = rr ]; then
        echo "evpn: {topology: route_reflectors, route_reflectors: [spine0, spine1]}"
    else
        echo "evpn: {topology: full_mesh}"
    fi
}

for N in 4 32 128; do
    for topo in mesh rr; do
        d=$tmp/n$N-$topo
        gen $N $topo >"$d.yaml"
        run "$d.yaml" -o "$d"
        t $? "n = $N leaves, $topo: the run completes"
        if [ $topo = mesh ]; then
            want=$((N * (N - 1) / 2)) vt_rib=$((2 * N)) rr_rib=0
            vt_upd=$((3 * (N - 1)))
            b=$(evj bytes "$d/summary.json") m=$(evj messages "$d/summary.json")
            wire=$(csv "$d/links.csv" 'c["bytes"]')
            [ "$b" = $((N * (N - 1) * 313)) ] && [ "$wire" = $((2 * (b + 78 * m))) ]
            t $? "n = $N, mesh: $b B of BGP = n(n-1) x 313; the cables carried $wire B = 2 x ($b + 78 x $m messages)"
        else
            want=$((2 * N + 1)) vt_rib=$((2 + 4 * (N - 1))) rr_rib=$((2 * N))
            vt_upd=6
        fi
        s=$(($(sp "$d" sessions) / 2)) up=$(($(sp "$d" sessions_up) / 2))
        sj=$(evj sessions "$d/summary.json")
        [ "$s" = $want ] && [ "$up" = $want ] && [ "$sj" = $want ]
        t $? "n = $N, $topo: $want sessions (control.csv $s, $up up; summary.json $sj)"
        bad=$(csv "$d/control.csv" 1 "c[\"role\"] == \"vtep\" && (substr(c[\"speaker\"], 1, 4) != \"leaf\" || c[\"rib_entries\"] != $vt_rib || c[\"updates_tx\"] != $vt_upd || c[\"sessions_up\"] != c[\"sessions\"])")
        bad_rr=$(csv "$d/control.csv" 1 "c[\"role\"] == \"rr\" && (substr(c[\"speaker\"], 1, 5) != \"spine\" || c[\"rib_entries\"] != $rr_rib)")
        nv=$(csv "$d/control.csv" 1 'c["role"] == "vtep"')
        [ "$bad" = 0 ] && [ "$bad_rr" = 0 ] && [ "$nv" = "$N" ]
        t $? "n = $N, $topo: $nv leaf speakers each hold $vt_rib routes and sent $vt_upd UPDATEs; spine RRs hold $rr_rib ($bad, $bad_rr off)"
        echo "# n = $N, $topo: $s sessions, $(evj messages "$d/summary.json") messages, $(evj bytes "$d/summary.json") B, all up at $(evj all_established_ps "$d/summary.json") ps"
    done
done

# ---- A remote MAC is unknown until its type 2 route arrives. ----
cat >"$tmp/unknown.yaml" <<'YAML'
name: unknown
stop: 2ms
topology: {type: spine-leaf, spines: 1, leaves: 2, servers_per_leaf: 1,
           server_link: {rate: 10Gbps, delay: 1us}, uplink: {rate: 10Gbps, delay: 1us}}
overlay:
  underlay_mtu: 9216
  vteps: leaf
  tenants: [{name: red, vni: 100, hosts: [h0, h1]}]
evpn: {topology: full_mesh, update_cpu: 100us, arp_suppression: true}
traffic:
  - pattern: flows
    protocol: udp
    flows: [{src: h0, dst: h1, size: 147200, rate: 1Gbps}]
YAML
ser() { echo $((($1) * 800)); }
D=1000000 P=12000000
te=$((2 * ($(ser 123) + D) + 2 * ($(ser 97) + D)))
arr=$(($(ser 1538) + D))
for U in 100000000 0; do
    d=$tmp/unknown-$U
    run "$tmp/unknown.yaml" -o "$d" --set evpn.update_cpu=${U}ps
    ta=$((te + 2 * ($(ser 192) + D) + U)) tb=$((te + 2 * ($(ser 184) + D) + 2 * U))
    da=$(((ta - arr + P - 1) / P)) db=$(((tb - arr + P - 1) / P))
    up=$(evj all_established_ps "$d/summary.json")
    drop=$(csv "$d/flows.csv" 'c["packets_dropped"]')
    nr=$(num no_route "$d/summary.json")
    del=$(csv "$d/flows.csv" 'c["bytes_delivered"]')
    [ "$up" = $te ]
    t $? "U = $U ps: the session is Established at $up ps = $te ps computed"
    { [ "$drop" = $da ] || [ "$drop" = $db ]; } && [ "$nr" = "$drop" ] &&
        [ $((del + drop * 1472)) = 147200 ]
    t $? "U = $U ps: $drop datagrams dropped (no_route) before leaf0 installs h1's MAC ($da if its type 2 came first, at $ta ps; $db after the type 3, at $tb ps); the rest delivered"
done

# ---- A VM move between leaves. ----
cat >"$tmp/move.yaml" <<'YAML'
name: leaf-move
stop: 7ms
topology: {type: spine-leaf, spines: 2, leaves: 3, servers_per_leaf: 2,
           server_link: {rate: 25Gbps, delay: 1us}, uplink: {rate: 25Gbps, delay: 1us}}
overlay:
  underlay_mtu: 9216
  vteps: leaf
  tenants: [{name: red, vni: 100, hosts: [h0, h1, h2, h3, h4]}]
evpn: {topology: route_reflectors, route_reflectors: [spine0], update_cpu: 100us}
traffic:
  - pattern: flows
    protocol: udp
    flows:
      - {src: h0, dst: h2, size: 441600, start: 2ms, rate: 1Gbps}
events:
  - {at: 3ms, vm_move: [h2, h4]}
YAML
run "$tmp/move.yaml" -o "$tmp/move"
t $? "the VM move with leaf VTEPs runs"
T=3000000000 U=100000000 P=12000000
c=$(ev "$tmp/move" converged_ps) lost=$(ev "$tmp/move" lost_vm_moved)
run "$tmp/move.yaml" -o "$tmp/move0" --set evpn.update_cpu=0
c0=$(ev "$tmp/move0" converged_ps)
[ $((c - c0)) -ge $((2 * U - 2000000)) ] && [ $((c - c0)) -le $((2 * U + 5000000)) ]
t $? "every leaf has learned the move at $c ps: 2U = 200 us later than with no CPU cost ($c0 ps), within -2..+5 us"
lo=$((2 * U / P - 1)) hi=$(((c - T) / P + 2))
[ "$lost" -ge $lo ] && [ "$lost" -le $hi ]
t $? "datagrams to the old leaf while leaf0 did not know: $lost, in [$lo, $hi]"
dropped=$(num vm_moved "$tmp/move/summary.json")
del=$(csv "$tmp/move/flows.csv" 'c["bytes_delivered"]')
[ "$dropped" = "$lost" ] && [ "$(all_drops "$tmp/move/summary.json")" = "$lost" ] &&
    [ $((del + lost * 1472)) = 441600 ]
t $? "summary.json counts the same $dropped as vm_moved and nothing else; the rest ($del B) is delivered"
h4=$(csv "$tmp/move/links.csv" 'c["packets"]' 'c["from"] == "leaf2" && c["to"] == "h4"')
[ "$h4" -gt 0 ]
t $? "leaf2 delivers the moved VMs' datagrams to h4 ($h4 frames)"
w=$(sp "$tmp/move" withdrawals_tx 'c["speaker"] == "leaf1"')
[ "$w" = 1 ]
t $? "MAC mobility: the newer route won, and leaf1 withdrew its own (withdrawals_tx $w)"
sed 's/  - {at: 3ms, vm_move: \[h2, h4\]}/&\n  - {at: 5ms, vm_move: [h2, h2]}/' "$tmp/move.yaml" >"$tmp/back.yaml"
run "$tmp/back.yaml" -o "$tmp/back"
T1=5000000000
c1=$(ev "$tmp/back" converged_ps 1) lost0=$(ev "$tmp/back" lost_vm_moved 0)
lost1=$(ev "$tmp/back" lost_vm_moved 1)
del=$(csv "$tmp/back/flows.csv" 'c["bytes_delivered"]')
[ "$c1" -ge $((T1 + 2 * U)) ] && [ $((c1 - T1)) -le $((c - T + 5000000)) ] &&
    [ "$lost1" -ge $lo ] && [ $((del + (lost0 + lost1) * 1472)) = 441600 ]
t $? "moving back at 5 ms (sequence 2) converges at $c1 ps, $lost1 datagrams to leaf2 meanwhile, the rest delivered"

# ---- Control traffic shares the queues. ----
cat >"$tmp/cong.yaml" <<'YAML'
name: leaf-cong
stop: 4ms
topology: {type: spine-leaf, spines: 1, leaves: 2, servers_per_leaf: 4,
           server_link: {rate: 25Gbps, delay: 1us}, uplink: {rate: 10Gbps, delay: 1us}}
switch: {queue: 16MB}
overlay:
  underlay_mtu: 9216
  vteps: leaf
  tenants: [{name: red, vni: 100, hosts: [h0, h1, h4, h5]}]
evpn: {topology: route_reflectors, route_reflectors: [spine0], update_cpu: 10us, tc: 0}
traffic:
  - pattern: flows
    protocol: udp
    flows:
      - {src: h6, dst: h2, size: 1MB, start: 1.7ms}
      - {src: h7, dst: h2, size: 1MB, start: 1.7ms}
events:
  - {at: 2ms, vm_move: [h1, h5]}
YAML
congested_control_path "$tmp/cong.yaml" 3.5ms "$tmp"

# ---- A failed path: the UPDATE is lost and resent after TCP's RTO. ----
sed -e 's/stop: 7ms/stop: 210ms/' \
    -e 's/evpn: {topology: route_reflectors, route_reflectors: \[spine0\], update_cpu: 100us}/evpn: {topology: full_mesh, update_cpu: 100us}\ncontrol: {carrier_down: 1ms}/' \
    "$tmp/move.yaml" >"$tmp/mesh.yaml"
run "$tmp/mesh.yaml" -o "$tmp/nocut"
cn=$(ev "$tmp/nocut" convergence_ps)
RTO=200000000000 slow=0
for s in spine0 spine1; do
    sed "s/  - {at: 3ms, vm_move: \[h2, h4\]}/  - {at: 3ms, link_down: [leaf2, $s]}\n&/" \
        "$tmp/mesh.yaml" >"$tmp/cut-$s.yaml"
    run "$tmp/cut-$s.yaml" -o "$tmp/cut-$s"
    cv=$(ev "$tmp/cut-$s" convergence_ps 1)
    if [ "$cv" -ge $RTO ]; then slow=$((slow + 1)); fi
    { [ "$cv" -ge $((cn - 1000000)) ] && [ "$cv" -le $((cn + 1000000)) ]; } ||
        { [ "$cv" -ge $RTO ] && [ "$cv" -le $((RTO + 1000000000)) ]; }
    t $? "cable leaf2-$s cut at the move: it converges in $cv ps, as uncut ($cn ps) or after the 200 ms RTO"
done
[ $slow -ge 1 ]
t $? "a cut on the path of a session delays the routes by the RTO ($slow of 2 cuts)"

# ---- Beside the underlay's eBGP: one control plane per switch, two
# connections.  With convergence: bgp the cut's withdrawals are eBGP
# UPDATEs between the same switches; both models get their own
# messages (eBGP speakers receive UPDATEs, every EVPN session is up) and
# the move converges as under oracle (within 1 us): the UPDATE lost on
# the cut cable before detection costs its RTO either way.
for s in spine0 spine1; do
    sed 's/control: {carrier_down: 1ms}/control: {carrier_down: 1ms, convergence: bgp, bgp_processing: 10us}/' \
        "$tmp/cut-$s.yaml" >"$tmp/bgp-$s.yaml"
    run "$tmp/bgp-$s.yaml" -o "$tmp/bgp-$s"
    erx=$(sp "$tmp/bgp-$s" updates_rx 'c["role"] == "ebgp"')
    up=$(sp "$tmp/bgp-$s" sessions_up 'c["role"] != "ebgp"')
    ses=$(sp "$tmp/bgp-$s" sessions 'c["role"] != "ebgp"')
    cv=$(ev "$tmp/bgp-$s" convergence_ps 1) cc=$(ev "$tmp/cut-$s" convergence_ps 1)
    [ "$erx" -gt 0 ] && [ "$up" = "$ses" ] && [ "$up" = 6 ] &&
        [ "$cv" -ge $((cc - 1000000)) ] && [ "$cv" -le $((cc + 1000000)) ]
    t $? "cut leaf2-$s under convergence: bgp: eBGP speakers took $erx UPDATEs, EVPN's $((up / 2)) sessions stay up, the move converges in $cv ps (oracle: $cc ps)"
done

# ---- Determinism. ----
run "$tmp/move.yaml" -o "$tmp/move2"
same_results "$tmp/move" "$tmp/move2" control.csv events.csv flows.csv overlay.csv
t $? "the same leaf EVPN run twice gives the same results"

echo "1..$n"
