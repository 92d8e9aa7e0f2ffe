#!/bin/sh
# Classification decides which traffic PFC protects.  An 8-to-1 UDP incast
# in priority 3 (lossless) with PFC on loses nothing; the same traffic
# classified into a lossy class by a mismatched map drops: a switch whose
# own DSCP map (qos.nodes) sends CS3 to priority 0, or switches that trust
# the PCP while hosts send untagged frames.  Hosts that tag their frames
# (host.vlan: the PCP carries the priority) make PCP trust work again, at
# 4 more bytes per frame, also when a PCP map moves them to another class
# (pause frames name the PCP).
set -u
. "$(dirname "$0")/../lib.sh"
run() { timeout 60 "$DCSIM" run "$@" --quiet --no-report; }

cat >"$tmp/incast.yaml" <<'YAML'
name: qos-incast
stop: 2ms
topology: {type: spine-leaf, spines: 1, leaves: 1, servers_per_leaf: 9,
           server_link: {rate: 100Gbps, delay: 500ns},
           uplink: {rate: 100Gbps, delay: 500ns}}
switch: {buffer: 2MB}
pfc: {enabled: true}
traffic:
  - {pattern: incast, senders: 8, receiver: h0, size: 500KB, tc: 3}
YAML

drops() { num drops_total "$tmp/$1/summary.json"; }

run "$tmp/incast.yaml" -o "$tmp/base"
[ "$(drops base)" = 0 ] && [ "$(num bytes_delivered "$tmp/base/summary.json")" = 4000000 ]
t $? "CS3 traffic is lossless by default: no drop"
lossless_q=$(awk -F, '$1 == "leaf0" && $3 == "h0" {print $4}' "$tmp/base/queues.csv")
[ "$lossless_q" = 3 ]
t $? "it queues in class 3 at the switch"

run "$tmp/incast.yaml" -o "$tmp/remap" --set qos.nodes.leaf0.dscp.24=0
q=$(awk -F, '$1 == "leaf0" && $3 == "h0" {print $4}' "$tmp/remap/queues.csv")
[ "$(drops remap)" -gt 0 ] && [ "$(num dynamic_threshold "$tmp/remap/summary.json")" = "$(drops remap)" ] && [ "$q" = 0 ]
t $? "leaf0 mapping DSCP 24 to priority 0 makes it lossy: $(drops remap) dynamic_threshold drops in class $q"

run "$tmp/incast.yaml" -o "$tmp/pcp" --set qos.trust=pcp
[ "$(drops pcp)" -gt 0 ]
t $? "trusting the PCP of untagged frames (PCP 0) also loses the class: $(drops pcp) drops"

run "$tmp/incast.yaml" -o "$tmp/vlan" --set qos.trust=pcp --set host.vlan=100
[ "$(drops vlan)" = 0 ]
t $? "hosts tagging frames with PCP = priority: lossless again"

run "$tmp/incast.yaml" -o "$tmp/pcpmap" --set qos.trust=pcp --set host.vlan=100 \
    --set qos.pcp.3=5
q=$(awk -F, '$1 == "leaf0" && $3 == "h0" {print $4}' "$tmp/pcpmap/queues.csv")
[ "$(drops pcpmap)" = 0 ] && [ "$q" = 5 ]
t $? "a PCP map moves it to class $q (lossless 5): still no drop"
# The switch pauses its class 5 by naming priority 3, which the senders
# stop: their class 3 shows the pauses received.
sw5=$(awk -F, '$1 == "leaf0" && $4 == 5 {s += $5} END {print s + 0}' "$tmp/pcpmap/pfc.csv")
h3=$(awk -F, '$1 ~ /^h/ && $4 == 3 {s += $7} END {print s + 0}' "$tmp/pcpmap/pfc.csv")
[ "$sw5" -gt 0 ] && [ "$h3" = "$sw5" ]
t $? "pauses of class 5 ($sw5) name PCP 3 and reach the senders' class 3 ($h3)"

# A tagged frame is 4 bytes longer: compare the senders' wire bytes.
b0=$(awk -F, '$1 == "h1" {print $7}' "$tmp/base/links.csv")
b1=$(awk -F, '$1 == "h1" {print $7}' "$tmp/vlan/links.csv")
p1=$(awk -F, '$1 == "h1" {print $8}' "$tmp/vlan/links.csv")
[ "$((b1 - b0))" = "$((4 * p1))" ]
t $? "tagged frames carry 4 more bytes each ($b0 -> $b1 over $p1 frames)"

echo "1..$n"
