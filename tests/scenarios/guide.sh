#!/bin/sh
# The guide's labs (scenarios/guide/, indexed in docs/guide.md): every lab
# states its claim, what to run and what it shows, and docs/guide.md names
# it; each lab runs as its header says and the result points the way the
# guide's claim does (a direction, not the guide's numbers: the guide
# gives no setup for them, see docs/seed-claims.md).
set -u
. "$(dirname "$0")/../lib.sh"
here=$(cd "$(dirname "$0")/../.." && pwd)
labs=$here/scenarios/guide
# Runs LAB into OUT with more arguments, without report.html (gnuplot
# takes much of a lab's time); run_page with it.
page=0
run() {
    lab=$1 out=$2; shift 2
    [ $page = 1 ] || set -- --no-report "$@"
    "$DCSIM" run "$labs/$lab.yaml" -o "$tmp/$out" --quiet "$@"
}
run_page() { page=1; run "$@"; rp=$?; page=0; return $rp; }
# Runs a copy of LAB without its `vm` line (bare metal) into OUT.
run_bare() {
    sed '/^  vm: {io: [a-z]*}$/d; s/^server:$/server: {}/' "$labs/$1.yaml" >"$tmp/$1-bare.yaml"
    "$DCSIM" run "$tmp/$1-bare.yaml" -o "$tmp/$2" --quiet --no-report
}
# less A B: A < B (decimals).
less() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }
# col FILE NAME [FILTER]: the values of column NAME, one a line, of the
# rows FILTER (an awk expression over c["name"]) accepts.
col() {
    awk -F, -v name="$2" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
        { for (k in h) c[k] = $h[k] } '"${3:-1}"' { print c[name] }' "$1"
}
fct() { col "$1/flows.csv" fct_ps "c[\"id\"] == $2"; }
busy() { sed -n 's/.*"servers": {"cores_busy": \([0-9.]*\).*/\1/p' "$1/summary.json"; }
pauses() { num pause_frames_sent "$1/summary.json"; }

# Every lab: a header with the claim, the commands, what it shows; a row
# in docs/guide.md.
ok=0
for f in "$labs"/*.yaml; do
    b=$(basename "$f")
    for want in "The guide's claim" "# Run" "What it shows:" "dcsim run scenarios/guide/$b"; do
        grep -q "$want" "$f" || { echo "# $b: no '$want'"; ok=1; }
    done
    grep -q "(\.\./scenarios/guide/$b)" "$here/docs/guide.md" || { echo "# $b: not in docs/guide.md"; ok=1; }
done
t $ok "every lab states its claim, how to run it and what it shows, and docs/guide.md lists it"

# Spine-leaf against 3-tier: more switches and oversubscription, so the
# messages and the transfers both take longer on the tree.
run topology-spine-leaf sl && run topology-three-tier tt
t $? "topology labs run"
"$DCSIM" topo "$labs/topology-three-tier.yaml" | grep -q 'access  *4.00:1' &&
    "$DCSIM" topo "$labs/topology-spine-leaf.yaml" | grep -q 'leaf  *1.00:1'
t $? "topo: the tree's access tier is 4:1 oversubscribed, the leaves 1:1"
small() { col "$1/flows.csv" fct_ps 'c["size_bytes"] == 64' | awk '{ s += $1 } END { print s / NR }'; }
big() { col "$1/flows.csv" fct_ps 'c["size_bytes"] > 64' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
less "$(small "$tmp/sl")" "$(small "$tmp/tt")"
t $? "64 B messages: spine-leaf $(small "$tmp/sl") ps < 3-tier $(small "$tmp/tt") ps"
less "$(big "$tmp/sl")" "$(big "$tmp/tt")"
t $? "2 MB transfers, median FCT: spine-leaf $(big "$tmp/sl") ps < 3-tier $(big "$tmp/tt") ps"

# Server hierarchy: one switch within a rack, three to any other rack,
# and the same latency to each other rack.
run server-hierarchy sh
t $? "server hierarchy lab runs"
path() { col "$tmp/sh/flows.csv" path "c[\"dst\"] == \"$1\""; }
lat() { col "$tmp/sh/flows.csv" fct_ps "c[\"dst\"] == \"$1\""; }
[ "$(path h1)" = leaf0 ] && path h8 | grep -q '^leaf0>spine[01]>leaf1$' &&
    path h16 | grep -q '^leaf0>spine[01]>leaf2$' && path h24 | grep -q '^leaf0>spine[01]>leaf3$'
t $? "paths: $(path h1) within the rack; $(path h8), $(path h16), $(path h24) across"
less "$(lat h1)" "$(lat h8)" && [ "$(lat h8)" = "$(lat h16)" ] && [ "$(lat h8)" = "$(lat h24)" ]
t $? "latency: $(lat h1) ps within the rack < $(lat h8) ps, the same to each other rack"

# ECMP: per-switch seeds use every aggregation-to-core link; one seed
# everywhere polarizes onto half of them.
used() { col "$1/links.csv" bytes 'c["from"] ~ /^agg/ && c["to"] ~ /^core/' | awk '$1 > 0 { n++ } END { print n + 0 }'; }
run ecmp-polarization ecmp && run ecmp-polarization polar --set switch.ecmp_seed=7
t $? "ECMP lab runs, with one seed and with a seed per switch"
[ "$(used "$tmp/ecmp")" = 16 ] && [ "$(used "$tmp/polar")" = 8 ]
t $? "aggregation-to-core links used: $(used "$tmp/ecmp") of 16 per switch, $(used "$tmp/polar") polarized"
less "$(big "$tmp/ecmp")" "$(big "$tmp/polar")"
t $? "... and polarized transfers take longer"

# PFC: lossless with it, drops and an unfinished incast without.
run pfc-lossless pfc && run pfc-lossless nopfc --set pfc.enabled=false
t $? "PFC lab runs with and without PFC"
[ "$(all_drops "$tmp/pfc/summary.json")" = 0 ] && [ "$(pauses "$tmp/pfc")" -gt 0 ] &&
    [ "$(col "$tmp/pfc/incast.csv" completed)" = 1 ]
t $? "with PFC: no drop, $(pauses "$tmp/pfc") pause frames, the incast completes"
[ "$(all_drops "$tmp/nopfc/summary.json")" -gt 0 ] && [ "$(col "$tmp/nopfc/incast.csv" completed)" = 0 ]
t $? "without: $(all_drops "$tmp/nopfc/summary.json") drops, the incast does not complete"
half=$(col "$tmp/pfc/pfc_series.csv" 1 'c["node"] ~ /^h[12]$/ && c["paused_fraction"] > 0.5' | wc -l)
[ "$half" -ge 20 ] && [ ! -e "$tmp/nopfc/pfc_series.csv" ]
t $? "the pause timeline: h1 or h2 paused over half of an interval of 5 us $half times; without PFC no timeline"

# ETS: the weights are the shares, and swap with them.
share() { col "$1/flows.csv" bytes_delivered | awk '{ v[NR] = $1 } END { printf "%.3f", v[1] / (v[1] + v[2]) }'; }
run_page ets-sharing ets && run ets-sharing ets2 --set switch.ets.weights.0=30 --set switch.ets.weights.3=70
t $? "ETS lab runs with 70/30 and 30/70"
s1=$(share "$tmp/ets") s2=$(share "$tmp/ets2")
less 0.68 "$s1" && less "$s1" 0.72 && less 0.28 "$s2" && less "$s2" 0.32
t $? "class 0's share: $s1 at 70/30, $s2 at 30/70"
run_page ets-sharing ets-again && same_results "$tmp/ets" "$tmp/ets-again" flows.csv links.csv queues.csv report.html
t $? "the ETS lab twice: the same results"

# ECN + DCQCN: fewer pauses than without congestion control.
run ecn-dcqcn dcqcn && run ecn-dcqcn nocc --set rdma.cc=none
t $? "ECN lab runs with DCQCN and without congestion control"
[ "$(col "$tmp/dcqcn/flows.csv" cnps | awk '{ s += $1 } END { print s }')" -gt 0 ] &&
    less "$(pauses "$tmp/dcqcn")" "$(( $(pauses "$tmp/nocc") / 10 ))"
t $? "DCQCN: CNPs, and $(pauses "$tmp/dcqcn") pause frames against $(pauses "$tmp/nocc") without"

# RDMA against TCP: far less CPU and latency.
run rdma-vs-tcp-cpu tcp && run rdma-vs-tcp-cpu roce --set traffic.0.protocol=roce --set traffic.1.protocol=roce
t $? "RDMA lab runs over TCP and RoCE"
less "$(awk -v b="$(busy "$tmp/roce")" 'BEGIN { print b * 10 }')" "$(busy "$tmp/tcp")"
t $? "cores busy: TCP $(busy "$tmp/tcp"), RoCE $(busy "$tmp/roce") (under a tenth)"
less "$(small "$tmp/roce")" "$(small "$tmp/tcp")"
t $? "64 B messages: RoCE $(small "$tmp/roce") ps < TCP $(small "$tmp/tcp") ps"

# NUMA: the NIC moved to the other socket from the threads and buffers
# (nic_node 1) costs TCP CPU per byte (the copies cross the sockets) and
# RDMA latency per message (its DMA does), not RDMA throughput; threads,
# interrupts and buffers moved with it give the local run back, exactly.
app() { sed -n 's/.*"by_activity": {"app": \([0-9.]*\).*/\1/p' "$1/summary.json"; }
run numa-placement numa-local && run numa-placement numa-far --set server.nic_node=1 &&
    run numa-placement numa-moved --set server.nic_node=1 --set server.buffer_node=1 \
        --set 'server.app_cores=[17]' --set 'server.irq_cores=[16]'
t $? "NUMA lab runs local, with the NIC far, and with everything moved to the NIC"
less "$(app "$tmp/numa-local")" "$(app "$tmp/numa-far")" &&
    less "$(busy "$tmp/numa-local")" "$(busy "$tmp/numa-far")" &&
    less "$(fct "$tmp/numa-local" 0)" "$(fct "$tmp/numa-far" 0)"
t $? "TCP with the NIC far: app cores $(app "$tmp/numa-local") -> $(app "$tmp/numa-far"), all $(busy "$tmp/numa-local") -> $(busy "$tmp/numa-far"), FCT $(fct "$tmp/numa-local" 0) -> $(fct "$tmp/numa-far" 0) ps"
less "$(fct "$tmp/numa-local" 2)" "$(fct "$tmp/numa-far" 2)" &&
    less "$(fct "$tmp/numa-far" 1)" "$(awk -v f="$(fct "$tmp/numa-local" 1)" 'BEGIN { print f * 1.001 }')"
t $? "RoCE with far buffers: 4 KB $(fct "$tmp/numa-local" 2) -> $(fct "$tmp/numa-far" 2) ps; 20 MB within 0.1% ($(fct "$tmp/numa-local" 1) -> $(fct "$tmp/numa-far" 1) ps)"
cmp -s "$tmp/numa-local/flows.csv" "$tmp/numa-moved/flows.csv" &&
    [ "$(busy "$tmp/numa-local")" = "$(busy "$tmp/numa-moved")" ]
t $? "NUMA lab with everything on the NIC's node: the local run's results"

# Storage: NVMe-oF/RDMA against iSCSI, job 0 against job 1 of storage.csv.
stc() { col "$1/storage.csv" "$3" "c[\"job\"] == $2"; }
run storage-rdma st4 &&
    run storage-rdma st128 --set storage.jobs.0.bs=128KiB --set storage.jobs.1.bs=128KiB
t $? "storage lab runs with 4 KiB and 128 KiB blocks"
less "$(stc "$tmp/st4" 0 lat_mean_us)" "$(stc "$tmp/st4" 1 lat_mean_us)"
t $? "4 KiB read: NVMe-oF/RDMA $(stc "$tmp/st4" 0 lat_mean_us) us < iSCSI $(stc "$tmp/st4" 1 lat_mean_us) us"
less "$(stc "$tmp/st4" 0 target_cpu_us_per_io)" "$(stc "$tmp/st4" 1 target_cpu_us_per_io)"
t $? "4 KiB target CPU per I/O: RDMA $(stc "$tmp/st4" 0 target_cpu_us_per_io) us < iSCSI $(stc "$tmp/st4" 1 target_cpu_us_per_io) us"
less "$(awk -v r="$(stc "$tmp/st128" 0 target_cpu_us_per_io)" 'BEGIN { print r * 5 }')" "$(stc "$tmp/st128" 1 target_cpu_us_per_io)"
t $? "128 KiB target CPU per I/O: RDMA $(stc "$tmp/st128" 0 target_cpu_us_per_io) us, under a fifth of iSCSI's $(stc "$tmp/st128" 1 target_cpu_us_per_io) us"

# The five I/O paths: throughput up, CPU and latency down along the table.
ok=0
for io in emulated virtio vhost sriov; do
    run vm-io-paths "io-$io" --set server.vm.io=$io || ok=1
done
run_bare vm-io-paths io-bare || ok=1
t $ok "I/O path lab runs for emulated, virtio, vhost, sriov and bare metal"
prev_f= prev_b= prev_s= ok=0 line=
for p in emulated virtio vhost sriov bare; do
    f=$(fct "$tmp/io-$p" 0) b=$(busy "$tmp/io-$p") s=$(small "$tmp/io-$p")
    [ -z "$b" ] && b=0
    if [ -n "$prev_f" ]; then
        less "$f" "$prev_f" && less "$b" "$prev_b" && less "$s" "$prev_s" || ok=1
    fi
    prev_f=$f prev_b=$b prev_s=$s
    line="$line $p $(awk -v f="$f" 'BEGIN { printf "%.2f", 40e6 / f * 1000 }') Gb/s, $b cores;"
done
t $ok "each path is faster, cheaper and lower-latency than the one before:$line"
ex() { col "$1/vms.csv" exits_per_packet | head -n 1; }
less "$(awk -v e="$(ex "$tmp/io-virtio")" 'BEGIN { print e * 5 }')" "$(ex "$tmp/io-emulated")"
t $? "VM exits per packet: emulated $(ex "$tmp/io-emulated") against virtio $(ex "$tmp/io-virtio")"

# EPT, VPID, huge pages: 24 references a walk, huge pages cut the misses,
# no VPID raises them.
misses() { col "$1/vms.csv" tlb_misses | head -n 1; }
run ept-vpid-hugepages ept && run ept-vpid-hugepages huge --set server.vm.guest_page=2MiB --set server.page=2MiB &&
    run ept-vpid-hugepages novpid --set server.vm.vpid=false
t $? "EPT lab runs with 4 KiB pages, 2 MiB pages and without VPID"
[ "$(col "$tmp/ept/vms.csv" walk_refs | head -n 1)" = "$(( $(misses "$tmp/ept") * 24 ))" ]
t $? "a 4 KiB miss walks 24 references (two dimensions)"
less "$(( $(misses "$tmp/huge") * 100 ))" "$(misses "$tmp/ept")" && less "$(misses "$tmp/ept")" "$(misses "$tmp/novpid")"
t $? "TLB misses: 2 MiB $(misses "$tmp/huge") < 4 KiB $(misses "$tmp/ept") < no VPID $(misses "$tmp/novpid")"

# RDMA in a VM over SR-IOV: bare metal's times; TCP through the VF is
# much slower.
run sriov-rdma-vm vf && run_bare sriov-rdma-vm vf-bare &&
    run sriov-rdma-vm vf-tcp --set traffic.0.protocol=tcp --set traffic.1.protocol=tcp
t $? "SR-IOV lab runs: RoCE in VMs, on bare metal, TCP in VMs"
less "$(fct "$tmp/vf" 0)" "$(awk -v f="$(fct "$tmp/vf-bare" 0)" 'BEGIN { print f * 1.05 }')" &&
    less "$(small "$tmp/vf")" "$(awk -v f="$(small "$tmp/vf-bare")" 'BEGIN { print f * 1.05 }')" &&
    [ "$(col "$tmp/vf/vms.csv" exits | sort -u)" = 0 ]
t $? "RoCE through a VF: within 5% of bare metal, no VM exit"
less "$(( $(fct "$tmp/vf" 0) * 3 ))" "$(fct "$tmp/vf-tcp" 0)"
t $? "TCP through the same VF: over 3 times slower"

# microVM rate limits: goodput at the bucket's rate.
gbps() { awk -v f="$(fct "$1" 0)" 'BEGIN { printf "%.3f", 16e6 / f * 1000 }'; }
sed '/rate_limit: {rate/d' "$labs/microvm-rate-limit.yaml" >"$tmp/nolimit.yaml"
run microvm-rate-limit rl && run microvm-rate-limit rl-half --set server.vm.rate_limit.rate=500Mbps &&
    "$DCSIM" run "$tmp/nolimit.yaml" -o "$tmp/rl-none" --quiet --no-report
t $? "microVM lab runs at 1 Gb/s, 500 Mb/s and unlimited"
less "$(gbps "$tmp/rl")" 1.01 && less 0.9 "$(gbps "$tmp/rl")" &&
    less "$(gbps "$tmp/rl-half")" 0.505 && less 0.45 "$(gbps "$tmp/rl-half")" &&
    less 5 "$(gbps "$tmp/rl-none")"
t $? "goodput: $(gbps "$tmp/rl") Gb/s at 1 Gb/s, $(gbps "$tmp/rl-half") at 500 Mb/s, $(gbps "$tmp/rl-none") unlimited"
mbps=$(col "$tmp/rl/block.csv" mb_per_s | head -n 1)
less "$mbps" 120; t $? "the drive's writes are held near 100 MB/s ($mbps MB/s)"

# Overlays: 50 B a VXLAN packet, 58 with 8 B of Geneve options, drops
# with a 1500 B underlay.
per() { col "$1/overlay.csv" overhead_bytes 'c["vtep"] == "leaf0"'; }
pkts() { col "$1/overlay.csv" encap_packets 'c["vtep"] == "leaf0"'; }
run overlay-vxlan vx && run overlay-vxlan gen --set overlay.encapsulation=geneve --set overlay.geneve_option_bytes=8 &&
    run overlay-vxlan mtu --set overlay.underlay_mtu=1500 2>/dev/null
t $? "overlay lab runs with VXLAN, Geneve and a 1500 B underlay"
[ "$(per "$tmp/vx")" = "$(( $(pkts "$tmp/vx") * 50 ))" ] && [ "$(per "$tmp/gen")" = "$(( $(pkts "$tmp/gen") * 58 ))" ] &&
    [ "$(num flows_completed "$tmp/vx/summary.json")" = 2 ]
t $? "VXLAN adds 50 B a packet, Geneve with options 58, the flows complete"
[ "$(num mtu_exceeded "$tmp/mtu/summary.json")" -gt 0 ] && [ "$(num flows_completed "$tmp/mtu/summary.json")" = 0 ]
t $? "a 1500 B underlay drops full-size tunnel packets ($(num mtu_exceeded "$tmp/mtu/summary.json")), no flow completes"
# RDMA's variants: without PFC, RoCEv2's losses cost it an RC timeout
# while iWARP (TCP) recovers; with PFC RoCEv2 loses nothing and is
# fastest; RoCEv1 cannot be routed; InfiniBand's credits drop nothing.
done_ps() { col "$1/incast.csv" completion_ps; }
run rdma-variants rv && run rdma-variants rv-iwarp --set traffic.0.protocol=iwarp &&
    run rdma-variants rv-pfc --set pfc.enabled=true &&
    "$DCSIM" run "$here/scenarios/ib-incast.yaml" -o "$tmp/rv-ib" --quiet --no-report
t $? "RDMA variants lab runs: RoCEv2 without and with PFC, iWARP; and the InfiniBand example"
[ "$(all_drops "$tmp/rv/summary.json")" -gt "$(all_drops "$tmp/rv-iwarp/summary.json")" ] &&
    [ "$(all_drops "$tmp/rv-iwarp/summary.json")" -gt 0 ] && [ "$(all_drops "$tmp/rv-pfc/summary.json")" = 0 ] &&
    [ "$(all_drops "$tmp/rv-ib/summary.json")" = 0 ]
t $? "drops: RoCEv2 $(all_drops "$tmp/rv/summary.json"), iWARP $(all_drops "$tmp/rv-iwarp/summary.json"), RoCEv2 with PFC and InfiniBand none"
less "$(done_ps "$tmp/rv-pfc")" "$(done_ps "$tmp/rv-iwarp")" && less "$(( $(done_ps "$tmp/rv-iwarp") * 10 ))" "$(done_ps "$tmp/rv")" &&
    [ "$(col "$tmp/rv/flows.csv" timeouts | awk '{ s += $1 } END { print s }')" -gt 0 ]
t $? "incast done: RoCEv2 with PFC $(done_ps "$tmp/rv-pfc") ps < iWARP $(done_ps "$tmp/rv-iwarp") ps, 10 x that < RoCEv2's lossy $(done_ps "$tmp/rv") ps (RC timeouts)"
"$DCSIM" validate "$labs/rdma-variants.yaml" --set traffic.0.protocol=rocev1 >/dev/null 2>"$tmp/v1.err"
[ $? = 2 ] && grep -q 'cannot cross a router' "$tmp/v1.err"
t $? "RoCEv1 across the racks is refused: its frames cannot cross a router"

# OVS: one upcall per connection, direction and vswitch, the rest cache
# hits; a thrashing megaflow cache upcalls a large part and is slower;
# learning tables flood until they have learned.
vs() { sed -n "s/.*\"vswitch\": {[^}]*\"$2\": \([0-9]*\).*/\1/p" "$tmp/$1/summary.json"; }
med() { col "$tmp/$1/flows.csv" fct_ps | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
run ovs-datapath ovs && run ovs-datapath ovs-thrash --set overlay.vswitch.megaflow_entries=2 &&
    run ovs-datapath ovs-learn --set overlay.vswitch.tables=learning
t $? "OVS lab runs: prepopulated, a 2-entry megaflow cache, learning"
[ "$(vs ovs megaflows_installed)" = 64 ] && [ "$(vs ovs floods)" = 0 ] &&
    [ $(( $(vs ovs megaflows_installed) + $(vs ovs pending_upcalls) )) = "$(vs ovs upcalls)" ] &&
    [ $(( $(vs ovs microflow_hits) + $(vs ovs megaflow_hits) + $(vs ovs upcalls) )) = "$(vs ovs packets)" ] &&
    less "$(( $(vs ovs packets) / 2 ))" "$(vs ovs microflow_hits)"
t $? "$(vs ovs megaflows_installed) megaflows (16 connections x 2 directions x 2 vswitches), $(vs ovs upcalls) upcalls ($(vs ovs pending_upcalls) misses before an install), every other of $(vs ovs packets) packets a cache hit"
less "$(( $(vs ovs-thrash packets) / 4 ))" "$(vs ovs-thrash upcalls)" && less "$(( $(med ovs) * 3 ))" "$(med ovs-thrash)"
t $? "a thrashing cache: $(vs ovs-thrash upcalls) upcalls, median FCT $(med ovs-thrash) ps against $(med ovs) ps"
less 0 "$(vs ovs-learn floods)" && less 0 "$(vs ovs-learn macs_learned)" && less 64 "$(vs ovs-learn upcalls)"
t $? "learning: $(vs ovs-learn floods) packets flooded until $(vs ovs-learn macs_learned) MACs were learned"

# EVPN: a full mesh of n(n-1)/2 sessions against two route reflectors
# (2 per VTEP); the RRs carry most of the bytes; the tables come from the
# control plane, so nothing is flooded and the stream completes.
run evpn-route-reflectors evpn-mesh &&
    run evpn-route-reflectors evpn-rr --set evpn.topology=route_reflectors \
        --set 'evpn.route_reflectors=[h32, h33]'
t $? "EVPN lab runs: full mesh, route reflectors"
ej() { sed -n "s/.*\"evpn\": {[^}]*\"$2\": \([0-9]*\).*/\1/p" "$tmp/$1/summary.json"; }
vtep_sessions() { col "$tmp/$1/control.csv" sessions 'c["speaker"] == "h0"'; }
rr_bytes() { col "$tmp/$1/control.csv" bytes_tx 'c["role"] == "rr"' | awk '{ s += $1 } END { print s + 0 }'; }
[ "$(ej evpn-mesh sessions)" = $((32 * 31 / 2)) ] && [ "$(ej evpn-rr sessions)" = 65 ] &&
    [ "$(vtep_sessions evpn-mesh)" = 31 ] && [ "$(vtep_sessions evpn-rr)" = 2 ] &&
    [ "$(ej evpn-mesh sessions_up)" = "$(ej evpn-mesh sessions)" ] &&
    [ "$(ej evpn-rr sessions_up)" = "$(ej evpn-rr sessions)" ]
t $? "sessions: full mesh $(ej evpn-mesh sessions) (31 per VTEP), route reflectors $(ej evpn-rr sessions) (2 per VTEP), all up"
less "$(( $(ej evpn-rr bytes) / 2 ))" "$(rr_bytes evpn-rr)"
t $? "the RRs send $(rr_bytes evpn-rr) of $(ej evpn-rr bytes) BGP bytes (the mesh: $(ej evpn-mesh bytes) in all)"
[ "$(vs evpn-mesh floods)" = 0 ] && [ "$(vs evpn-rr floods)" = 0 ] &&
    [ "$(col "$tmp/evpn-mesh/flows.csv" completed)" = 1 ] &&
    [ "$(col "$tmp/evpn-rr/flows.csv" completed)" = 1 ]
t $? "no flood, the stream completes in both"

# EVPN with 8 tenants of 4 VTEPs: importing every route target, only the
# tenant's, a community route-map, and Route Target Constraint.  Policy
# at the VTEP cuts its RIB (126 -> 14 paths: 2 + 4 x 31 -> 2 + 4 x 3), not
# what it receives; the RR's filtering cuts both (15562 -> 1844 B: see
# tests/scenarios/evpn-policy.sh for the arithmetic).
run evpn-communities ec-all && run evpn-communities ec-rt --set evpn.import=route_target &&
    run evpn-communities ec-own --set 'evpn.policy=[{community: own, action: permit}]' &&
    run evpn-communities ec-rtc --set evpn.rt_constraint=true
t $? "EVPN communities lab runs: import all, route target, community route-map, RT constraint"
h0() { col "$tmp/$1/control.csv" "$2" 'c["speaker"] == "h0"'; }
[ "$(h0 ec-all rib_entries)" = 126 ] && [ "$(h0 ec-rt rib_entries)" = 14 ] &&
    [ "$(h0 ec-own rib_entries)" = 14 ] && [ "$(h0 ec-rtc rib_entries)" = 14 ] &&
    [ "$(h0 ec-all bytes_rx)" = 15562 ] && [ "$(h0 ec-rt bytes_rx)" = 15562 ] &&
    [ "$(h0 ec-own bytes_rx)" = 15562 ] && [ "$(h0 ec-rtc bytes_rx)" = 1844 ]
t $? "h0's RIB: $(h0 ec-all rib_entries) -> $(h0 ec-rt rib_entries) (route target), $(h0 ec-own rib_entries) (community), $(h0 ec-rtc rib_entries) (RTC); bytes received $(h0 ec-all bytes_rx), $(h0 ec-rt bytes_rx), $(h0 ec-own bytes_rx), $(h0 ec-rtc bytes_rx)"
[ "$(col "$tmp/ec-all/flows.csv" completed)" = 1 ] && [ "$(col "$tmp/ec-rtc/flows.csv" completed)" = 1 ] &&
    [ "$(col "$tmp/ec-own/flows.csv" completed)" = 1 ]
t $? "the tenant's stream completes with every policy"

# Failover: the window is detection + reconvergence; afterwards nothing
# goes to spine0 from either leaf and the three others carry it all; every
# flow completes; a longer detection or reconvergence loses more.
fo() { col "$1/events.csv" "$2"; }
run failover-ecmp fo && run failover-ecmp fo-bfd --set control.detection=bfd &&
    run failover-ecmp fo-slow --set control.oracle_delay=1ms
t $? "failover lab runs with carrier, BFD and a 1 ms reconvergence"
[ "$(fo "$tmp/fo" detection_ps)" = 10000000 ] && [ "$(fo "$tmp/fo" convergence_ps)" = 60000000 ] &&
    [ "$(fo "$tmp/fo-bfd" detection_ps)" = 150000000 ] && [ "$(fo "$tmp/fo-slow" convergence_ps)" = 1010000000 ]
t $? "the outage: 10 us to detect + 50 to converge; 150 us to detect with BFD; 1.01 ms with a slow reconvergence"
after() { col "$tmp/fo/link_series.csv" bytes "c[\"time_ps\"] > 170000000 && c[\"node\"] \"->\" c[\"to\"] == \"$1\"" | awk '{ s += $1 } END { print s + 0 }'; }
[ "$(after "leaf0->spine0")" = 0 ] && [ "$(after "leaf1->spine0")" = 0 ] &&
    less 0 "$(after "leaf0->spine1")" && less 0 "$(after "leaf0->spine2")" && less 0 "$(after "leaf0->spine3")"
t $? "once converged, no byte to spine0; leaf0's other uplinks carry $(after "leaf0->spine1"), $(after "leaf0->spine2"), $(after "leaf0->spine3") B"
[ "$(num flows_incomplete "$tmp/fo/summary.json")$(num flows_incomplete "$tmp/fo-bfd/summary.json")$(num flows_incomplete "$tmp/fo-slow/summary.json")" = 000 ]
t $? "every flow completes, in each of the three runs"
lost() { fo "$tmp/$1" lost_total; }
less "$(lost fo)" "$(lost fo-bfd)" && less "$(lost fo)" "$(lost fo-slow)" &&
    less "$(fo "$tmp/fo" lost_no_route)" "$(fo "$tmp/fo-slow" lost_no_route)"
t $? "packets lost: $(lost fo) with carrier, $(lost fo-bfd) with BFD, $(lost fo-slow) with a slow reconvergence (black-holed: $(fo "$tmp/fo-slow" lost_no_route))"
echo "1..$n"
