#!/bin/sh
# VLAN segments as broadcast domains (fabric/flood.h, docs/models.md,
# "VLAN broadcast domains"), and when a software VTEP's flood copies
# leave (after the upcall, as OVS's handler sends them).
#
# The tree, by hand.  Spine-leaf of 2 spines and 3 leaves, 2 hosts a leaf
# (h0 h1 on leaf0, h2 h3 on leaf1, h4 h5 on leaf2); every uplink 100 Gb/s
# (path cost 200).  Nodes: hosts 0-5, leaf0-2 6-8, spine0-1 9-10, so the
# root bridge (lowest bridge ID, all priorities 32768) is leaf0.  Both
# spines reach it directly (root path cost 200); leaf1 and leaf2 reach it
# at 400 through either spine and take the lowest designated bridge ID:
# spine0.  Tree: leaf0-spine0, leaf0-spine1, leaf1-spine0, leaf2-spine0;
# leaf1-spine1 and leaf2-spine1 blocked.
# Red (VLAN 100): h0 h1 h2 h4; blue (VLAN 200): h3 h5.  Pruned to its
# members, red uses leaf0-spine0, leaf1-spine0, leaf2-spine0 and the
# access ports of h0 h1 h2 h4; blue leaf1-spine0, leaf2-spine0 and h3's
# and h5's ports.
# Flows: UDP h0 -> h2, 10 datagrams, and h3 -> h5, 7; neither destination
# answers, so the learning vswitches never learn it and flood every
# packet.  Red's flood from leaf0: to h1 (a copy) and spine0 (the frame
# itself, towards h2); spine0: leaf1 (the frame) and leaf2 (a copy);
# leaf1: h2; leaf2: h4 (a copy), not h5 (blue).  Blue's from leaf1:
# spine0 only (h2 is red), then leaf2, then h5.  So per link: h0->leaf0,
# leaf0->h1, leaf0->spine0, spine0->leaf1, leaf1->h2, leaf2->h4 10;
# h3->leaf1, leaf1->spine0, leaf2->h5 7; spine0->leaf2 17; no other link
# carries a packet.  Copies: 2 a red packet, none for blue: 20, and
# packets_sent = 17 + 20 = 37, every one delivered.
set -u
. "$(dirname "$0")/../lib.sh"
run() { timeout 60 "$DCSIM" run "$@" --quiet --no-report; }

cat >"$tmp/vlan.yaml" <<'YAML'
topology: {type: spine-leaf, spines: 2, leaves: 3, servers_per_leaf: 2,
           uplink: {rate: 100Gbps}}
server: {vm: {io: vhost, count: 1}}
overlay:
  vteps: server
  encapsulation: vlan
  vswitch: {tables: learning}
  tenants: [{name: red, vlan: 100, hosts: [h0, h1, h2, h4]},
            {name: blue, vlan: 200, hosts: [h3, h5]}]
traffic:
  - pattern: flows
    protocol: udp
    flows: [{src: h0, dst: h2, size: 14720}, {src: h3, dst: h5, size: 10304}]
monitor:
  pcap: {ports: [leaf2->h4, leaf2->h5, leaf0->h1]}
YAML
run "$tmp/vlan.yaml" -o "$tmp/a"; t $? "a run with two VLANs flooding"
run "$tmp/vlan.yaml" -o "$tmp/b"
same_results "$tmp/a" "$tmp/b" links.csv flows.csv overlay.csv monitor.pcap
t $? "determinism: the same results twice"

got=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
               $h["packets"] > 0 { print $h["from"] "->" $h["to"] "=" $h["packets"] }' \
          "$tmp/a/links.csv" | sort | tr '\n' ' ')
want="h0->leaf0=10 h3->leaf1=7 leaf0->h1=10 leaf0->spine0=10 leaf1->h2=10 leaf1->spine0=7 leaf2->h4=10 leaf2->h5=7 spine0->leaf1=10 spine0->leaf2=17 "
t "$([ "$got" = "$want" ]; echo $?)" "packets per link are the hand-computed tree's (got: $got)"
sent=$(num packets_sent "$tmp/a/summary.json")
dlv=$(num packets_delivered "$tmp/a/summary.json")
drops=$(all_drops "$tmp/a/summary.json")
t "$([ "$sent" = 37 ] && [ "$dlv" = 37 ] && [ "$drops" = 0 ]; echo $?)" \
    "conservation: 17 packets + 20 switch copies sent, all delivered, no drop ($sent, $dlv, $drops)"
ign=$(num flood_copies_ignored "$tmp/a/summary.json")
t "$([ "$ign" = 20 ]; echo $?)" "the copies' vswitches (h1, h4) consume the 20 copies ($ign)"
learned=$(csv "$tmp/a/overlay.csv" 'c["macs_learned"]' 'c["vtep"] == "h4"')
t "$([ "$learned" = 1 ]; echo $?)" "h4's vswitch learns h0's MAC from the copies ($learned)"
fl=$(csv "$tmp/a/flows.csv" 'c["completed"]')
t "$([ "$fl" = 2 ]; echo $?)" "both flows complete ($fl)"
if [ $have_tshark = 1 ]; then
    per=$(tshark -r "$tmp/a/monitor.pcap" -T fields -e vlan.id -e ip.src -e ip.dst 2>/dev/null |
          sort | uniq -c | awk '{ printf "%s:%s:%s>%s ", $1, $2, $3, $4 }')
fi
tcheck "$([ "${per:-}" = "20:100:10.0.0.1>10.0.0.3 7:200:10.0.0.4>10.0.0.6 " ]; echo $?)" \
    "pcap: the copies to h1 and h4 carry VLAN 100 and h0's frame for h2; h5 sees VLAN 200 only (${per:-})"

# A prepopulated vswitch floods nothing: the frames are routed as today
# (h0's 10 datagrams over one spine to h2 alone).
sed 's/tables: learning/tables: prepopulated/' "$tmp/vlan.yaml" >"$tmp/pre.yaml"
run "$tmp/pre.yaml" -o "$tmp/pre"
cp=$(num packets_sent "$tmp/pre/summary.json")
h1=$(csv "$tmp/pre/links.csv" 'c["packets"]' 'c["to"] == "h1" || c["to"] == "h4"')
t "$([ "$cp" = 17 ] && [ "$h1" = 0 ]; echo $?)" "prepopulated: 17 packets, none to h1 or h4 ($cp, $h1)"

# A software VTEP's flood (VXLAN, head-end replication) of a packet that
# takes an upcall: OVS's handler executes the flood after the upcall, so
# the copies to h1 and h3 leave h0 after the packet itself (a frame time
# apart at 25 Gb/s: 1588 B, 508 ns), not during the upcall's 5.4 us.
cat >"$tmp/vx.yaml" <<'YAML'
topology: {type: spine-leaf, spines: 2, leaves: 2, servers_per_leaf: 2}
server: {vm: {io: vhost, count: 1}}
overlay:
  vteps: server
  underlay_mtu: 9216
  vswitch: {tables: learning}
  tenants: [{name: red, vni: 9, hosts: [h0, h1, h2, h3]}]
traffic:
  - {pattern: flows, protocol: udp, flows: [{src: h0, dst: h2, size: 1472}]}
monitor:
  pcap: {ports: [h0->leaf0]}
YAML
run "$tmp/vx.yaml" -o "$tmp/vx"; t $? "a VXLAN flood with a capture of h0's port"
if [ $have_tshark = 1 ]; then
    gaps=$(tshark -r "$tmp/vx/monitor.pcap" -T fields -e frame.time_epoch -e ip.dst 2>/dev/null |
           awk '{ split($2, d, ","); t = $1 * 1e9
                  if (d[1] == "10.0.0.3") own = t; else c[++k] = t }
                END { printf "%.0f %.0f %.0f", own, c[1] - own, c[2] - own }')
fi
set -- ${gaps:-0 0 0}
tcheck "$([ "$1" -ge 5400 ] && [ "$2" -ge 500 ] && [ "$2" -le 520 ] &&
          [ "$3" -ge 1010 ] && [ "$3" -le 1030 ]; echo $?)" \
    "the copies leave one and two frame times after the packet, itself after the upcall (packet at $1 ns, copies +$2, +$3 ns)"

echo "1..$n"
