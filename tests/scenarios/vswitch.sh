#!/bin/sh
# The virtual switch (issue 14 items 3, 7-11, test 17): OpenFlow tables
# and the datapath's flow caches on servers with VMs, software VTEPs,
# MAC learning, a reactive controller and identities.  Expectations
# follow from the mechanisms (overlay/vswitch.h, docs/models.md):
#   Cache: with a port ACL the pipeline looks at both transport ports,
#     so each UDP flow is its own megaflow.  N = 64 concurrent flows
#     h0 -> h1 through a cache of 1024 megaflows: exactly one megaflow
#     installed per flow at each end, 2 x 64 = 128.  As in OVS, a packet
#     that arrives while its flow's first upcall is still queued misses
#     too and is an upcall of its own (pending_upcalls); a packet after
#     the install hits: upcalls = 128 + pending, hits = packets -
#     upcalls, the handler cores busy exactly upcalls x 5.4 us.  A flow
#     paced slower than an upcall takes exactly one per end.  Through a
#     cache of 16 (LRU, the flows' packets interleaved round robin) every
#     packet misses: upcalls ~ packets, the handler cores busy, and the
#     aggregate throughput falls to the handler's rate (one packet per
#     5.4 us).  Flows of 147200 B are 100 datagrams of 1472 B.  Without
#     the ACL the 64 flows share one megaflow per end: 2 installs.
#   Learning floods an unknown destination: a one-way UDP flow's
#     destination never speaks, so all its N packets are flooded; with a
#     TCP flow only those sent before the first ACK is learned.
#     Prepopulated tables flood nothing.
#   Aging: a MAC learned once is flooded to again mac_aging after it
#     was last seen.
#   Reactive: a table miss waits controller_delay D for the controller.
#     A one-packet flow's FCT is exactly D longer than with prepopulated
#     tables (both take the same upcalls); a flow paced at one packet per
#     123 us (> upcall + D) ends at the same time: only its first packet
#     was held.
#   Software VTEPs: the server encapsulates, 50 B per VXLAN packet, and
#     the leaves carry the tunnel packets as plain switches.
#   Identity: Geneve carries the source's identity; h2 accepts w only,
#     so x's flow is dropped whole as policy_denied.
set -u
. "$(dirname "$0")/../lib.sh"
run() { timeout 120 "$DCSIM" run "$@" --quiet --no-report; }
ok_if() { awk "BEGIN { exit !($1) }"; t $? "$2"; }
ov() { csv "$1/overlay.csv" "c[\"$2\"]" "${3:-1}"; }
fct() { csv "$1/flows.csv" 'c["fct_ps"]' "${2:-1}"; }
upcall_busy() { sed -n 's/.*"upcall": \([0-9.]*\)}.*/\1/p' "$1/summary.json"; }
# Aggregate goodput of DIR in Gb/s: bytes delivered over the last end.
agg() { awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
                 { b += $h["bytes_delivered"]; if ($h["end_ps"] > e) e = $h["end_ps"] }
                 END { printf "%.3f\n", b * 8 / e * 1000 }' "$1/flows.csv"; }

# scen NAME SERVER OVERLAY-EXTRA VSWITCH FLOW...: h0, h1 on leaf0 and
# h2, h3 on leaf1, one tenant; each FLOW a flows entry (none: the
# entries are read from stdin, one a line).
scen() {
    s_name=$1 s_server=$2 s_extra=$3 s_vsw=$4
    shift 4
    {
        cat <<YAML
name: $s_name
topology: {type: spine-leaf, spines: 2, leaves: 2, servers_per_leaf: 2,
           server_link: {rate: 25Gbps, delay: 1us}, uplink: {rate: 25Gbps, delay: 1us}}
server: $s_server
overlay:
  underlay_mtu: 9216
  $s_extra
  vswitch: $s_vsw
  tenants: [{name: red, vni: 100, hosts: [h0, h1, h2, h3]}]
traffic:
  - pattern: flows
    protocol: udp
    flows:
YAML
        if [ $# = 0 ]; then
            sed 's/^/      - /'
        else
            for s_f in "$@"; do echo "      - $s_f"; done
        fi
    } >"$tmp/$s_name.yaml"
}
VM='{vm: {io: vhost, count: 1}}'

# ---- Flow cache: 64 concurrent flows, megaflow cache above and below. --
i=0
while [ $i -lt 64 ]; do
    echo "{src: h0, dst: h1, size: 147200}"
    i=$((i + 1))
done | scen cache "$VM" "" "{megaflow_entries: 1024, deny_ports: [23]}"
run "$tmp/cache.yaml" -o "$tmp/big"
run "$tmp/cache.yaml" -o "$tmp/small" --set overlay.vswitch.megaflow_entries=16
sed 's/, deny_ports: \[23\]//' "$tmp/cache.yaml" >"$tmp/noacl.yaml"
run "$tmp/noacl.yaml" -o "$tmp/noacl"
pkts=$(ov "$tmp/big" vswitch_packets)
up_big=$(ov "$tmp/big" upcalls) up_small=$(ov "$tmp/small" upcalls)
ev_small=$(ov "$tmp/small" megaflow_evictions)
hits_big=$(( $(ov "$tmp/big" microflow_hits) + $(ov "$tmp/big" megaflow_hits) ))
cpu_big=$(upcall_busy "$tmp/big") cpu_small=$(upcall_busy "$tmp/small")
g_big=$(agg "$tmp/big") g_small=$(agg "$tmp/small")
echo "# 64 flows, $pkts datapath packets: cache 1024: $up_big upcalls, $hits_big hits, upcall cores $cpu_big, $g_big Gb/s;"
echo "#   cache 16: $up_small upcalls, $ev_small evictions, upcall cores $cpu_small, $g_small Gb/s"
inst_big=$(ov "$tmp/big" megaflows_installed) pend_big=$(ov "$tmp/big" pending_upcalls)
sim_big=$(num sim_time_ps "$tmp/big/summary.json")
echo "#   cache 1024: $inst_big megaflows installed, $pend_big upcalls while the first was queued"
ok_if "$inst_big == 128 && $up_big == 128 + $pend_big && $pend_big > 0 && $hits_big == $pkts - $up_big" \
    "a big enough cache: one megaflow per flow at each end (128 installs); upcalls = 128 + those of packets that came before the install ($pend_big); every later packet hits"
ok_if "($cpu_big * $sim_big - $up_big * 5400000)^2 < ($sim_big / 1000000)^2" \
    "every upcall, pending ones too, costs the handler 5.4 us ($cpu_big cores x $sim_big ps = $up_big x 5.4 us)"
ok_if "$up_small > 0.99 * $pkts && $ev_small > 0" \
    "16 megaflows for 64 flows: nearly every packet upcalls ($up_small of $pkts), $ev_small evictions"
ok_if "$cpu_small > 10 * $cpu_big" "the handler cores' time rises ($cpu_big -> $cpu_small cores)"
ok_if "$g_small < 0.5 * $g_big" "throughput falls ($g_big -> $g_small Gb/s)"
# The handler's rate bounds it: each end's handler core does its
# upcalls one after another, 5.4 us each.
end=$(max "$tmp/small/flows.csv" 'c["end_ps"]')
ok_if "$end >= $up_small / 2 * 5400000" \
    "the run lasts at least one end's upcalls x 5.4 us ($end ps >= $up_small / 2 x 5.4 us)"
up=$(ov "$tmp/noacl" megaflows_installed)
t "$([ "$up" = 2 ]; echo $?)" "without the port ACL the 64 flows share one megaflow per end: $up installs"
hosts_cols=$(head -n 1 "$tmp/big/hosts.csv")
case $hosts_cols in *,upcall,*) r=0 ;; *) r=1 ;; esac
t $r "hosts.csv has the handler's upcall column"
run "$tmp/cache.yaml" -o "$tmp/small2" --set overlay.vswitch.megaflow_entries=16
same_results "$tmp/small" "$tmp/small2" flows.csv overlay.csv hosts.csv
t $? "the same run twice gives the same results"

# ---- One upcall per missed packet: paced against back to back. --------
# 100 datagrams h0 -> h2, prepopulated tables.  Paced at 500 Mb/s (one
# every 24.6 us, longer than an upcall even after the first packet's
# 5.4 us delay at the sender), the second packet comes after the first's
# upcall is done at either end: one upcall per end.  Back to back at
# 25 Gb/s, the packets that reach each end within its first upcall miss
# as well.
scen paced "$VM" "" "{tables: prepopulated}" "{src: h0, dst: h2, size: 147200, rate: 500Mbps}"
run "$tmp/paced.yaml" -o "$tmp/paced"
sed 's/, rate: 500Mbps//' "$tmp/paced.yaml" >"$tmp/burst.yaml"
run "$tmp/burst.yaml" -o "$tmp/burst"
up_p=$(ov "$tmp/paced" upcalls) pend_p=$(ov "$tmp/paced" pending_upcalls)
up_b=$(ov "$tmp/burst" upcalls) pend_b=$(ov "$tmp/burst" pending_upcalls)
echo "# one flow, 100 packets: paced $up_p upcalls ($pend_p pending); back to back $up_b upcalls ($pend_b pending)"
t "$([ "$up_p" = 2 ] && [ "$pend_p" = 0 ]; echo $?)" "paced slower than an upcall: one upcall per end"
ok_if "$up_b == 2 + $pend_b && $pend_b > 0 && $(ov "$tmp/burst" megaflows_installed) == 2" \
    "back to back: each packet that misses before the install is an upcall of its own ($pend_b), still one install per end"

# ---- Learning floods unknown destinations; prepopulated does not. -----
scen learn "$VM" "" "{tables: learning}" "{src: h0, dst: h2, size: 1472000}"
run "$tmp/learn.yaml" -o "$tmp/learn-udp"
run "$tmp/learn.yaml" -o "$tmp/pre-udp" --set overlay.vswitch.tables=prepopulated
run "$tmp/learn.yaml" -o "$tmp/learn-tcp" --set traffic.0.protocol=tcp
run "$tmp/learn.yaml" -o "$tmp/pre-tcp" --set traffic.0.protocol=tcp --set overlay.vswitch.tables=prepopulated
sent=$(csv "$tmp/learn-udp/flows.csv" 'c["packets_sent"]')
fl=$(ov "$tmp/learn-udp" floods) flp=$(ov "$tmp/pre-udp" floods)
flt=$(ov "$tmp/learn-tcp" floods) flpt=$(ov "$tmp/pre-tcp" floods)
learned=$(ov "$tmp/learn-tcp" macs_learned)
echo "# floods: UDP $fl of $sent packets (prepopulated $flp); TCP $flt (prepopulated $flpt), $learned MACs learned"
t "$([ "$fl" = "$sent" ] && [ "$flp" = 0 ]; echo $?)" \
    "learning floods every packet to a destination that never speaks; prepopulated none"
ok_if "$flt > 0 && $flt < $sent && $flpt == 0 && $learned == 2" \
    "TCP: the first ACK teaches h0 where h2 is; floods stop ($flt)"
t "$([ "$(csv "$tmp/learn-tcp/flows.csv" 'c["completed"]')" = 1 ]; echo $?)" "the TCP flow completes"

# Aging: h1 sends h3 a paced UDP flow (one packet every 12.3 us, for
# 1.23 ms) and h3 answers once at 200 us.  h1 floods until that answer
# teaches it h3's MAC (about 17 packets); with mac_aging 100 us the
# entry ages out at 300 us and h1 floods again for the remaining ~76.
scen aging "$VM" "" "{tables: learning}" "{src: h1, dst: h3, size: 147200, rate: 1Gbps}" \
    "{src: h3, dst: h1, size: 1472, start: 200us}"
run "$tmp/aging.yaml" -o "$tmp/aging-long"
run "$tmp/aging.yaml" -o "$tmp/aging-short" --set overlay.vswitch.mac_aging=100us
fa=$(ov "$tmp/aging-long" floods 'c["vtep"] == "h1"') fb=$(ov "$tmp/aging-short" floods 'c["vtep"] == "h1"')
echo "# h1's floods to h3: mac_aging 300 s $fa, 100 us $fb"
ok_if "$fa > 10 && $fa < 25 && $fb > $fa + 60" "a learned MAC ages out: flooding resumes ($fa -> $fb)"

# ---- Flood copies on the wire (software VTEPs, head-end replication). --
# h0 sends h2 a one-way UDP flow of 100 packets; h2 never answers, so
# h0's vswitch floods every packet: the packet itself to h2 and a copy
# tunneled to each other member of the tenant, h1 and h3 (2 x 100 = 200
# copies).  The copies load h0's link (300 packets), leaf0's port to h1
# (100) and leaf1's to h3 (100); h1's and h3's vswitches take them in,
# learn h0's MAC from them and consume them (100 each), the flow loses
# nothing.  Prepopulated tables put no copy on the wire.
scen floodw "$VM" "vteps: server" "{tables: learning}" "{src: h0, dst: h2, size: 147200}"
run "$tmp/floodw.yaml" -o "$tmp/floodw"
run "$tmp/floodw.yaml" -o "$tmp/floodw-pre" --set overlay.vswitch.tables=prepopulated
d=$tmp/floodw
sent=$(ov "$d" flood_copies_sent 'c["vtep"] == "h0"')
ign1=$(ov "$d" flood_copies_ignored 'c["vtep"] == "h1"') ign3=$(ov "$d" flood_copies_ignored 'c["vtep"] == "h3"')
lk() { csv "$1/links.csv" 'c["packets"]' "c[\"from\"] == \"$2\" && c[\"to\"] == \"$3\""; }
h0l=$(lk "$d" h0 leaf0) l1=$(lk "$d" leaf0 h1) l3=$(lk "$d" leaf1 h3) l2=$(lk "$d" leaf1 h2)
echo "# flood copies: h0 sent $sent; h1 ignored $ign1, h3 $ign3; links h0 $h0l, leaf0->h1 $l1, leaf1->h3 $l3, leaf1->h2 $l2"
t "$([ "$sent" = 200 ] && [ "$ign1" = 100 ] && [ "$ign3" = 100 ]; echo $?)" \
    "h0 tunnels a copy of each flooded packet to h1 and h3 (200), each consumes its 100"
t "$([ "$h0l" = 300 ] && [ "$l1" = 100 ] && [ "$l3" = 100 ] && [ "$l2" = 100 ]; echo $?)" \
    "the copies load the links: h0's 300 packets, 100 to each of h1, h3 and h2"
t "$([ "$(ov "$d" macs_learned 'c["vtep"] == "h1"')" = 1 ] && [ "$(ov "$d" macs_learned 'c["vtep"] == "h3"')" = 1 ] &&
     [ "$(csv "$d/flows.csv" 'c["bytes_delivered"]')" = 147200 ] && [ "$(csv "$d/flows.csv" 'c["packets_dropped"]')" = 0 ] &&
     [ "$(all_drops "$d/summary.json")" = 0 ] &&
     [ "$(num packets_sent "$d/summary.json")" = 300 ] && [ "$(num packets_delivered "$d/summary.json")" = 300 ]; echo $?)" \
    "h1 and h3 learn h0's MAC from the copies; the flow delivers all, nothing dropped; 300 packets sent, 300 consumed"
t "$([ "$(ov "$tmp/floodw-pre" flood_copies_sent)" = 0 ] && [ "$(lk "$tmp/floodw-pre" leaf0 h1)" = 0 ]; echo $?)" \
    "prepopulated tables: no copy on the wire"

# ---- Reactive: the controller delay on exactly the first packet. ------
D=20000000   # 20 us
scen react "$VM" "" "{tables: reactive, controller_delay: 20us}" \
    "{src: h0, dst: h2, size: 1000}" "{src: h1, dst: h3, size: 14220, rate: 100Mbps}"
run "$tmp/react.yaml" -o "$tmp/react"
sed 's/{tables: reactive, controller_delay: 20us}/{tables: prepopulated}/' "$tmp/react.yaml" >"$tmp/pre.yaml"
run "$tmp/pre.yaml" -o "$tmp/pre"
d1=$(( $(fct "$tmp/react" 'c["id"] == 0') - $(fct "$tmp/pre" 'c["id"] == 0') ))
d2=$(( $(fct "$tmp/react" 'c["id"] == 1') - $(fct "$tmp/pre" 'c["id"] == 1') ))
cp=$(ov "$tmp/react" controller_packets)
echo "# reactive - prepopulated FCT: one packet $d1 ps, ten paced packets $d2 ps; $cp packets to the controller"
t "$([ "$d1" = "$D" ]; echo $?)" "a one-packet flow is exactly controller_delay = $D ps later"
t "$([ "$d2" = 0 ] && [ "$cp" = 2 ]; echo $?)" \
    "a paced flow ends on time: only its first packet went to the controller"

# ---- Software VTEPs: the servers encapsulate. ---------------------------
scen sw "$VM" "vteps: server" "{}" "{src: h0, dst: h2, size: 1472000}"
run "$tmp/sw.yaml" -o "$tmp/sw"
enc=$(ov "$tmp/sw" encap_packets 'c["vtep"] == "h0"')
over=$(ov "$tmp/sw" overhead_bytes 'c["vtep"] == "h0"')
dec=$(ov "$tmp/sw" decap_packets 'c["vtep"] == "h2"')
leaves=$(grep -c '^leaf' "$tmp/sw/overlay.csv")
echo "# software VTEPs: h0 encapsulated $enc packets (+$over B), h2 decapsulated $dec; $leaves leaf rows"
t "$([ "$enc" = 1000 ] && [ "$over" = 50000 ] && [ "$dec" = 1000 ] && [ "$leaves" = 0 ] &&
     [ "$(all_drops "$tmp/sw/summary.json")" = 0 ]; echo $?)" \
    "1000 packets tunneled from server to server, 50 B each, no leaf VTEP, no drop"
run "$tmp/sw.yaml" -o "$tmp/sw-mtu" --set overlay.underlay_mtu=1500 2>"$tmp/sw-mtu.err"
md=$(ov "$tmp/sw-mtu" mtu_drops)
t "$([ "$md" = 1000 ] && grep -q 'mtu_exceeded' "$tmp/sw-mtu/summary.json" &&
     grep -q underlay_mtu "$tmp/sw-mtu/summary.json"; echo $?)" \
    "over a 1500 B underlay the vswitch drops all $md as mtu_exceeded, with the warning"
scen swvlan "$VM" "{vteps: server, encapsulation: vlan}" "{}" "{src: h0, dst: h2, size: 1472000}"
sed -i 's/^  {vteps: server, encapsulation: vlan}$/  vteps: server\n  encapsulation: vlan/; s/vni: 100/vlan: 100/; /underlay_mtu/d' "$tmp/swvlan.yaml"
run "$tmp/swvlan.yaml" -o "$tmp/swvlan"
over=$(ov "$tmp/swvlan" overhead_bytes 'c["vtep"] == "h0"')
t "$([ "$over" = 4000 ] && [ "$(csv "$tmp/swvlan/flows.csv" 'c["completed"]')" = 1 ]; echo $?)" \
    "VLAN segments: the vswitch pushes a 4 B tag per packet ($over B) and pops it"

# ---- Identity: Geneve carries it; the destination enforces. ------------
scen ident "$VM" "vteps: server
  encapsulation: geneve
  geneve_option_bytes: 8" \
    "{identities: [{name: w, hosts: [h0]}, {name: x, hosts: [h1]}, {name: d, hosts: [h2]}], allow: [{from: w, to: d}]}" \
    "{src: h0, dst: h2, size: 147200}" "{src: h1, dst: h2, size: 147200}"
run "$tmp/ident.yaml" -o "$tmp/ident"
ok_del=$(csv "$tmp/ident/flows.csv" 'c["bytes_delivered"]' 'c["src"] == "h0"')
bad_del=$(csv "$tmp/ident/flows.csv" 'c["bytes_delivered"]' 'c["src"] == "h1"')
pd=$(ov "$tmp/ident" policy_drops)
den=$(sed -n 's/.*"policy_denied": \([0-9]*\).*/\1/p' "$tmp/ident/summary.json")
echo "# identity: w -> d delivered $ok_del B; x -> d delivered $bad_del B, $pd policy drops ($den in summary.json)"
t "$([ "$ok_del" = 147200 ] && [ "$bad_del" = 0 ] && [ "$pd" = 100 ] && [ "$den" = 100 ]; echo $?)" \
    "the allowed identity pair delivers; the other's 100 packets are dropped as policy_denied"
echo "1..$n"
