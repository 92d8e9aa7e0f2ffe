#!/bin/sh
# Overlays (issue 14 tests 13-16): VXLAN and Geneve tunnels between leaf
# VTEPs.
#   Overhead: on an idle underlay whose links all run at R = 25 Gb/s, a
#     UDP flow of N full packets leaves the ingress leaf's uplink, its
#     bottleneck, one packet every wire / R: 1450 B inner datagrams (1422 B
#     of payload) in a 1468 B inner frame, + 50 B of VXLAN = 1518 B + 20 B
#     preamble and gap = 1538 B, 492.16 ns at 25 Gb/s.  The difference of
#     two flows' FCTs (N = 1000 and 3000) removes the pipeline's constant:
#     it is exactly 2000 x 492160 ps, a goodput of R x 1422 / 1538.  Geneve
#     with an 8 B option: 1546 B, 494720 ps, 8 B worse per packet (on a
#     1508 B underlay, which it fills exactly).
#   Entropy: 1000 one-packet flows from leaf0's hosts to leaf1's over 4
#     spines; with hashed outer source ports each spine's count is
#     Binomial(1000, 1/4): mean 250, sigma sqrt(1000 x 1/4 x 3/4) = 13.7,
#     3 sigma 41.  One fixed source port: one outer 5-tuple, one spine.
#   MTU: 1500 B inner datagrams + 50 B do not fit a 1500 B underlay: every
#     full packet is dropped as mtu_exceeded, with the warning; on a
#     9216 B underlay none is.
#   VLAN segments: the leaf tags instead, 4 B: 1492 B, 477440 ps.
#   Isolation: two tenants on the same subnet (overlapping addresses);
#     each flow reaches its own tenant's host, with VNIs or VLAN IDs.
set -u
. "$(dirname "$0")/../lib.sh"
run() { timeout 60 "$DCSIM" run "$@" --quiet --no-report; }
fct() { csv "$1/flows.csv" 'c["fct_ps"]'; }

cat >"$tmp/goodput.yaml" <<'YAML'
name: goodput
mtu: 1450
topology: {type: spine-leaf, spines: 1, leaves: 2, servers_per_leaf: 1,
           server_link: {rate: 25Gbps}, uplink: {rate: 25Gbps}}
switch: {queue: 16MB, buffer: 64MB}
overlay:
  underlay_mtu: 1500
  tenants: [{name: red, vni: 100, hosts: [h0, h1]}]
traffic:
  - {pattern: flows, protocol: udp, flows: [{src: h0, dst: h1, size: 1422000}]}
YAML

# goodput NAME WIRE_PS FILE [SET...]: the FCT difference of 3000 and
# 1000 packets against 2000 x WIRE_PS.
goodput() {
    g_name=$1 g_ps=$2 g_file=$3
    shift 3
    run "$g_file" -o "$tmp/$g_name-1" "$@"
    run "$g_file" -o "$tmp/$g_name-3" "$@" --set traffic.0.flows.0.size=4266000
    g_d=$(( $(fct "$tmp/$g_name-3") - $(fct "$tmp/$g_name-1") ))
    g_drops=$(all_drops "$tmp/$g_name-3/summary.json")
    echo "# $g_name: FCT(3000 pkts) - FCT(1000 pkts) = $g_d ps, want 2000 x $g_ps = $((2000 * g_ps)); goodput $(awk -v d="$g_d" 'BEGIN { printf "%.4f", 2000 * 1422 * 8 / (d / 1e12) / 1e9 }') Gb/s; drops $g_drops"
    t "$([ "$g_d" = $((2000 * g_ps)) ] && [ "$g_drops" = 0 ]; echo $?)" \
        "$g_name: one packet per $g_ps ps at the bottleneck, no drop"
}
goodput vxlan 492160 "$tmp/goodput.yaml"
awk 'BEGIN { printf "# VXLAN goodput bound: 25 x 1422 / 1538 = %.4f Gb/s\n", 25 * 1422 / 1538 }'
goodput geneve 494720 "$tmp/goodput.yaml" --set overlay.encapsulation=geneve --set overlay.geneve_option_bytes=8 \
    --set overlay.underlay_mtu=1508
# VLAN segments: the leaf tags (4 B), no tunnel: 1468 + 4 + 20 = 1492 B,
# 477.44 ns at 25 Gb/s.
sed 's/^  underlay_mtu: 1500/  encapsulation: vlan/; s/vni: 100/vlan: 100/' "$tmp/goodput.yaml" >"$tmp/vlan.yaml"
goodput vlan 477440 "$tmp/vlan.yaml"
over=$(csv "$tmp/vxlan-3/overlay.csv" 'c["overhead_bytes"]')
t "$([ "$over" = 150000 ]; echo $?)" "VXLAN: 3000 packets x 50 B = $over B of overhead in overlay.csv"
over=$(num overhead_bytes "$tmp/geneve-3/summary.json")
t "$([ "$over" = 174000 ]; echo $?)" "Geneve + 8 B option: 3000 x 58 B = $over B in summary.json"

# Entropy: 1000 flows leaf0 -> leaf1 over 4 spines.
{
    cat <<'YAML'
name: entropy
topology: {type: spine-leaf, spines: 4, leaves: 2, servers_per_leaf: 4}
overlay:
  underlay_mtu: 9216
  tenants: [{name: red, vni: 5000, hosts: [h0, h1, h2, h3, h4, h5, h6, h7]}]
traffic:
  - pattern: flows
    protocol: udp
    flows:
YAML
    i=0
    while [ $i -lt 1000 ]; do
        echo "      - {src: h$((i % 4)), dst: h$((4 + i / 4 % 4)), size: 100, start: ${i}ns}"
        i=$((i + 1))
    done
} >"$tmp/entropy.yaml"
spines() { awk -F, '$1 == "leaf0" && $2 ~ /^spine/ { printf "%s%s", sep, $8; sep = " " }' "$1/links.csv"; }
run "$tmp/entropy.yaml" -o "$tmp/hashed"
per=$(spines "$tmp/hashed")
echo "# hashed source ports: packets per spine $per (250 +- 41)"
ok=0
for k in $per; do [ "$k" -ge 209 ] && [ "$k" -le 291 ] || ok=1; done
t "$([ $ok = 0 ] && [ "$(echo $per | wc -w)" = 4 ]; echo $?)" "hashed: every spine within 3 sigma of 250"
run "$tmp/entropy.yaml" -o "$tmp/fixed" --set overlay.source_port=50000
per=$(spines "$tmp/fixed")
echo "# fixed source port: packets per spine $per"
t "$(echo "$per" | tr ' ' '\n' | sort -n | tr '\n' ' ' | grep -qx '0 0 0 1000 '; echo $?)" \
    "fixed source port: all 1000 flows on one spine"

# MTU.
# 1472000 B: 1000 full packets of 1472 B of UDP payload.
sed 's/^mtu: 1450/mtu: 1500/; s/size: 1422000/size: 1472000/' "$tmp/goodput.yaml" >"$tmp/mtu.yaml"
"$DCSIM" run "$tmp/mtu.yaml" -o "$tmp/mtu1500" --quiet --no-report 2>"$tmp/mtu.err"
d=$(num mtu_exceeded "$tmp/mtu1500/summary.json")
md=$(csv "$tmp/mtu1500/overlay.csv" 'c["mtu_drops"]')
echo "# 1500 B over a 1500 B underlay: $d dropped as mtu_exceeded ($md in overlay.csv)"
t "$([ "$d" = 1000 ] && [ "$md" = 1000 ]; echo $?)" "every full packet is dropped as mtu_exceeded"
t "$(grep -q 'warning: overlay: a 1500 B inner datagram needs 1550 B' "$tmp/mtu.err" &&
     grep -q '"warnings": \["overlay: a 1500 B' "$tmp/mtu1500/summary.json"; echo $?)" \
    "the start-up warning is printed and in summary.json"
"$DCSIM" run "$tmp/mtu.yaml" -o "$tmp/mtu9216" --quiet --no-report --set overlay.underlay_mtu=9216 2>"$tmp/mtu.err"
d=$(num mtu_exceeded "$tmp/mtu9216/summary.json")
c=$(csv "$tmp/mtu9216/flows.csv" 'c["completed"]')
echo "# over a 9216 B underlay: $d dropped, $c of 1 flow completed"
t "$([ "$d" = 0 ] && [ "$c" = 1 ] && [ ! -s "$tmp/mtu.err" ]; echo $?)" "jumbo underlay: no drop, no warning"

# Isolation with overlapping addresses.
cat >"$tmp/tenants.yaml" <<'YAML'
name: tenants
topology: {type: spine-leaf, spines: 2, leaves: 2, servers_per_leaf: 2}
overlay:
  underlay_mtu: 9216
  tenants:
    - {name: red, vni: 100, hosts: [h0, h2], subnet: 192.168.1.0/24}
    - {name: blue, vni: 200, hosts: [h1, h3], subnet: 192.168.1.0/24}
traffic:
  - pattern: flows
    protocol: tcp
    flows: [{src: h0, dst: h2, size: 1MB}, {src: h3, dst: h1, size: 2MB}]
YAML
run "$tmp/tenants.yaml" -o "$tmp/tenants"
rows=$(awk -F, 'NR > 1 { printf "%s->%s %s %s %s; ", $2, $3, $12, $13, $NF }' "$tmp/tenants/flows.csv")
echo "# flows (src->dst completed bytes tenant): $rows"
t "$([ "$rows" = 'h0->h2 1 1000000 red; h3->h1 1 2000000 blue; ' ]; echo $?)" \
    "each tenant's flow reaches its own host, whole"
iso=$(csv "$tmp/tenants/overlay.csv" 'c["isolation_drops"]')
dec=$(csv "$tmp/tenants/overlay.csv" 'c["decap_packets"]')
enc=$(csv "$tmp/tenants/overlay.csv" 'c["encap_packets"]')
t "$([ "$iso" = 0 ] && [ "$enc" = "$dec" ] && [ "$enc" -gt 0 ]; echo $?)" \
    "$enc packets encapsulated, $dec decapsulated, $iso isolation drops"
# The same with VLAN segments 100 and 200 instead of VNIs.
sed 's/^  underlay_mtu: 9216/  encapsulation: vlan/; s/vni: /vlan: /' "$tmp/tenants.yaml" >"$tmp/vlans.yaml"
run "$tmp/vlans.yaml" -o "$tmp/vlans"
rows=$(awk -F, 'NR > 1 { printf "%s->%s %s %s %s; ", $2, $3, $12, $13, $NF }' "$tmp/vlans/flows.csv")
over=$(csv "$tmp/vlans/overlay.csv" 'c["overhead_bytes"]')
enc=$(csv "$tmp/vlans/overlay.csv" 'c["encap_packets"]')
echo "# VLAN segments: $rows $enc packets tagged, $over B of tags"
t "$([ "$rows" = 'h0->h2 1 1000000 red; h3->h1 1 2000000 blue; ' ] && [ "$enc" -gt 0 ] &&
     [ "$over" -le $((4 * enc)) ] && [ "$over" -gt $((4 * enc / 2)) ]; echo $?)" \
    "VLAN segments: each tenant's flow reaches its own host; at most 4 B per packet"
run "$tmp/tenants.yaml" -o "$tmp/tenants2"
same_results "$tmp/tenants" "$tmp/tenants2" flows.csv links.csv overlay.csv
t $? "the same scenario twice gives identical results"
echo "1..$n"
