#!/bin/sh
# BGP EVPN over the fabric (issue 15 items 1, 5-9, tests 10, 12, 13, 15).
#   Sessions: n VTEPs in a full mesh have n(n-1)/2 iBGP sessions; with
#     one cluster of two route reflectors each VTEP peers with both RRs
#     and the RRs with each other: 2n + 1.  For n = 4, 32, 128 every
#     session must come up (both sides Established) and control.csv must
#     say so, speaker by speaker.  RIBs follow from the design: a VTEP
#     originates a type 3 and a type 2 route; in the full mesh it holds
#     its own 2 and 2 from each of the n - 1 others (2n); behind two RRs
#     it holds every other VTEP's routes twice, once per RR (2 + 4(n-1)),
#     and each RR holds its clients' 2n (it ignores what the other RR of
#     its cluster reflects: its own cluster id is in the CLUSTER_LIST).
#     UPDATEs: a VTEP sends its 2 routes and End-of-RIB on each session.
#     Bytes (control/bgp-msg.h, RFC 4271/4760/7432): OPEN 19 + 10 + 2 +
#     6 + 6 + 2 = 45, KEEPALIVE 19, the type 3 UPDATE 23 + ORIGIN 4 +
#     AS_PATH 3 + LOCAL_PREF 7 + MP_REACH 3 + 9 + 19 + 2 extended
#     communities 19 + COMMUNITIES 7 + PMSI 12 = 106, the type 2 UPDATE
#     the same with a 39 B NLRI and no PMSI = 114, End-of-RIB 23 + 3 + 3
#     = 29: each side of a full-mesh session sends 313 B, n(n-1) x 313 in
#     all.
#   VM move: h3's VMs move to h4 at T = 2 ms while h0 sends them a paced
#     UDP flow (one 1472 B datagram every P = 1500 B x 8 / 1 Gb/s = 12
#     us).  h4 originates a type 2 route with sequence number 1; the RR
#     takes update_cpu U = 100 us to process it, and each VTEP U more, so
#     every VTEP has learned it (events.csv converged_ps) exactly 2U later
#     than in the same run with no CPU cost (the rest is the messages'
#     trips through the servers' VM I/O paths and the fabric, ~ 42 us).  Until h0 has learned it, its datagrams still go to h3,
#     whose vswitch drops them (vm_moved): at least 2U / P - 1 of them, and
#     no more than those sent until the convergence plus one in flight.
#     The first data frame that reaches h4 (monitor.pcap on leaf1->h4) comes
#     after T + 2U, and no later than one packet gap after convergence.
#     Every datagram is either delivered or dropped as vm_moved.  MAC
#     mobility: h3's route (sequence 0) would win a tie against h4's (the
#     lower VTEP), yet traffic goes to h4, and h3 withdraws its own route
#     once it sees the newer one (one withdrawal to its RR).  Moving the
#     VMs back at 4 ms (sequence 2) converges again and redirects again.
#   Control traffic is real: with BGP in class 0 (the data's), two 1 MB
#     UDP bursts from leaf1's h6 and h7 to h3 queue up to 1.5 MB on leaf1's
#     10 Gb/s uplink (1.2 ms) in front of the UPDATE h5 sends after its
#     move at 1 ms (bursts from 0.7 ms): convergence is at least 500 us
#     later than without them; in class 6 (strict priority) it waits for
#     one frame at most, within 5 us of the calm run.
#   Determinism: an EVPN run twice gives identical results.
set -u
. "$(dirname "$0")/../lib.sh"
run() { timeout 300 "$DCSIM" run "$@" --quiet --no-report; }
sp() { csv "$1/control.csv" "c[\"$2\"]" "${3:-1}"; }
ev() { csv "$1/events.csv" "c[\"$2\"]" "c[\"event\"] == ${3:-0}"; }
# evj KEY FILE: KEY of summary.json's "evpn" object.
evj() { sed -n "s/.*\"evpn\": {[^}]*\"$1\": \([0-9]*\).*/\1/p" "$2"; }

# ---- Session counts: full mesh vs route reflectors. ----
# gen N TOPO: N VTEPs h0.. in one tenant, two more hosts for the RRs.
gen() {
    g_s=16
    [ "$1" -le 4 ] && g_s=3
    g_l=$(( ($1 + 2 + g_s - 1) / g_s ))
    g_hosts=$(i=0; while [ $i -lt "$1" ]; do printf 'h%s, ' $i; i=$((i + 1)); done)
    cat <<YAML
name: n$1-$2
stop: 40ms
topology: {type: spine-leaf, spines: 2, leaves: $g_l, servers_per_leaf: $g_s}
server: {vm: {io: vhost, count: 1}}
overlay:
  vteps: server
  underlay_mtu: 9216
  vswitch: {tables: evpn}
  tenants: [{name: t, vni: 100, hosts: [${g_hosts%, }]}]
YAML
    if [ "$2" = rr ]; then
        echo "evpn: {topology: route_reflectors, route_reflectors: [h$1, h$(($1 + 1))]}"
    else
        echo "evpn: {topology: full_mesh}"
    fi
}

for N in 4 32 128; do
    for topo in mesh rr; do
        gen $N $topo >"$tmp/n$N-$topo.yaml"
        run "$tmp/n$N-$topo.yaml" -o "$tmp/n$N-$topo"
        t $? "n = $N, $topo: the run completes"
        d=$tmp/n$N-$topo
        if [ $topo = mesh ]; then
            want=$((N * (N - 1) / 2)) vt_rib=$((2 * N)) rr_rib=0
            vt_upd=$((3 * (N - 1)))
            b=$(evj bytes "$d/summary.json")
            [ "$b" = $((N * (N - 1) * 313)) ]
            t $? "n = $N, mesh: $b B of BGP messages = n(n-1) x 313"
        else
            want=$((2 * N + 1)) vt_rib=$((2 + 4 * (N - 1))) rr_rib=$((2 * N))
            vt_upd=6
        fi
        s=$(($(sp "$d" sessions) / 2)) up=$(($(sp "$d" sessions_up) / 2))
        sj=$(evj sessions "$d/summary.json")
        [ "$s" = $want ] && [ "$up" = $want ] && [ "$sj" = $want ]
        t $? "n = $N, $topo: $want sessions (control.csv $s, $up up; summary.json $sj)"
        bad=$(csv "$d/control.csv" 1 "c[\"role\"] == \"vtep\" && (c[\"rib_entries\"] != $vt_rib || c[\"updates_tx\"] != $vt_upd || c[\"sessions_up\"] != c[\"sessions\"])")
        bad_rr=$(csv "$d/control.csv" 1 "c[\"role\"] == \"rr\" && c[\"rib_entries\"] != $rr_rib")
        [ "$bad" = 0 ] && [ "$bad_rr" = 0 ]
        t $? "n = $N, $topo: every VTEP holds $vt_rib routes and sent $vt_upd UPDATEs; RRs hold $rr_rib ($bad, $bad_rr off)"
        echo "# n = $N, $topo: $s sessions, $(evj messages "$d/summary.json") BGP messages, $(evj bytes "$d/summary.json") B, all up at $(evj all_established_ps "$d/summary.json") ps"
    done
done

# ---- A VM move. ----
{ evpn_fabric move 6ms 2 2 3 server '[{name: red, vni: 100, hosts: [h0, h1, h3, h4]}]'
  cat <<'YAML'
evpn: {topology: route_reflectors, route_reflectors: [h2], update_cpu: 100us}
traffic:
  - pattern: flows
    protocol: udp
    flows:
      - {src: h0, dst: h3, size: 441600, start: 1ms, rate: 1Gbps}
events:
  - {at: 2ms, vm_move: [h3, h4]}
monitor:
  pcap: {ports: [leaf1->h4], start: 2ms, snaplen: 64}
YAML
} >"$tmp/move.yaml"
run "$tmp/move.yaml" -o "$tmp/move"
t $? "the VM move runs"
T=2000000000 U=100000000 P=12000000
c=$(ev "$tmp/move" converged_ps) lost=$(ev "$tmp/move" lost_vm_moved)
run "$tmp/move.yaml" -o "$tmp/move0" --set evpn.update_cpu=0
c0=$(ev "$tmp/move0" converged_ps)
[ $((c - c0)) -ge $((2 * U - 2000000)) ] && [ $((c - c0)) -le $((2 * U + 5000000)) ]
t $? "every VTEP has learned the move at $c ps: 2U = 200 us later than with no CPU cost ($c0 ps), within -2..+5 us"
lo=$((2 * U / P - 1)) hi=$(((c - T) / P + 2))
[ "$lost" -ge $lo ] && [ "$lost" -le $hi ]
t $? "packets to the old place while h0 did not know: $lost, in [$lo, $hi]"
dropped=$(num vm_moved "$tmp/move/summary.json")
[ "$dropped" = "$lost" ] && [ "$(all_drops "$tmp/move/summary.json")" = "$lost" ]
t $? "summary.json counts the same $dropped as vm_moved, and no other drop"
del=$(csv "$tmp/move/flows.csv" 'c["bytes_delivered"]')
[ $((del + lost * 1472)) = 441600 ]
t $? "every datagram is delivered ($del B) or dropped at the old place ($lost x 1472 B)"
# The first frame of 1000 B or more onto leaf1->h4 after T: pcap records
# (16 B headers: seconds, nanoseconds, kept and full length) after the
# 24 B file header.
first=$(od -An -v -tu1 "$tmp/move/monitor.pcap" | tr -s ' ' '\n' | sed '/^$/d' |
    awk 'function u4(i) { return b[i] + 256 * (b[i+1] + 256 * (b[i+2] + 256 * b[i+3])) }
         { b[NR - 1] = $1 } END {
             for (o = 24; o + 16 <= NR; o += 16 + u4(o + 8))
                 if (u4(o + 12) >= 1000) { printf "%.0f\n", u4(o) * 1e12 + u4(o + 4) * 1e3; exit }
         }')
[ -n "$first" ] && [ "$first" -ge $((T + 2 * U)) ] && [ "$first" -le $((c + P + 5000000)) ]
t $? "the first data frame reaches h4 at ${first:-none} ps, after T + 2U and within a packet gap of convergence"
w3=$(sp "$tmp/move" withdrawals_tx 'c["speaker"] == "h3"')
[ "$w3" = 1 ]
t $? "MAC mobility: the newer route won, and h3 withdrew its own (withdrawals_tx $w3)"

sed 's/  - {at: 2ms, vm_move: \[h3, h4\]}/&\n  - {at: 4ms, vm_move: [h3, h3]}/' "$tmp/move.yaml" >"$tmp/back.yaml"
run "$tmp/back.yaml" -o "$tmp/back"
T1=4000000000
c1=$(ev "$tmp/back" converged_ps 1) lost0=$(ev "$tmp/back" lost_vm_moved 0)
lost1=$(ev "$tmp/back" lost_vm_moved 1)
del=$(csv "$tmp/back/flows.csv" 'c["bytes_delivered"]')
[ "$c1" -ge $((T1 + 2 * U)) ] && [ $((c1 - T1)) -le $((c - T + 5000000)) ] &&
    [ "$lost1" -ge $lo ] && [ $((del + (lost0 + lost1) * 1472)) = 441600 ]
t $? "moving back at 4 ms (sequence 2) converges at $c1 ps, $lost1 packets to h4 meanwhile, the rest delivered"
w4=$(sp "$tmp/back" withdrawals_tx 'c["speaker"] == "h4"')
[ "$w4" = 1 ]
t $? "h4 withdraws its route once h3's newer one arrives ($w4)"

# ---- Control traffic shares the queues. ----
cat >"$tmp/cong.yaml" <<'YAML'
name: cong
stop: 3ms
topology: {type: spine-leaf, spines: 1, leaves: 2, servers_per_leaf: 4,
           server_link: {rate: 25Gbps, delay: 1us}, uplink: {rate: 10Gbps, delay: 1us}}
switch: {queue: 16MB}
server: {vm: {io: vhost, count: 1}}
overlay:
  underlay_mtu: 9216
  vteps: server
  vswitch: {tables: evpn}
  tenants: [{name: red, vni: 100, hosts: [h0, h1, h4, h5]}]
evpn: {topology: route_reflectors, route_reflectors: [h2], update_cpu: 10us, tc: 0}
traffic:
  - pattern: flows
    protocol: udp
    flows:
      - {src: h6, dst: h3, size: 1MB, start: 700us}
      - {src: h7, dst: h3, size: 1MB, start: 700us}
events:
  - {at: 1ms, vm_move: [h4, h5]}
YAML
congested_control_path "$tmp/cong.yaml" 2.5ms "$tmp"

# ---- Determinism. ----
run "$tmp/move.yaml" -o "$tmp/move2"
same_results "$tmp/move" "$tmp/move2" control.csv events.csv flows.csv overlay.csv
t $? "the same EVPN run twice gives the same results"

echo "1..$n"
