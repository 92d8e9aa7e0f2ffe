#!/bin/sh
# BUM frames at leaf VTEPs under BGP EVPN (issue 15; RFC 7432, RFC 8365
# section 8.3's ingress replication): a frame to an unknown destination
# reaches every host of its VNI once, on the ingress leaf and on every
# leaf of the VNI's type 3 list, and no host of another VNI.
#   Four leaves of three hosts: leaf0 h0-h2, leaf1 h3-h5, leaf2 h6-h8,
#     leaf3 h9-h11.  Red (VNI 100): h0, h1 (leaf0), h3, h4 (leaf1), h6, h7
#     (leaf2); blue (VNI 200): h2, h5, h8, h9.  Type 5 routes only, each
#     the whole /24, so no host's location is ever known (as in
#     evpn-leaf-tenants.sh): h0's N datagrams to h3 are unknown unicasts.
#     Red's type 3 list at leaf0 is leaf1 and leaf2 (leaf3 serves blue
#     only).  Per datagram:
#       leaf0 (ingress) tunnels the frame itself to leaf1 (h3's leaf) and
#         a replica to leaf2: 2 encapsulations; and floods a copy to its
#         other red host h1 (not back to h0, not to blue h2): 1 local.
#       leaf1 decapsulates the frame (1), delivers it to h3 and floods a
#         copy to h4 (1 local; not to blue h5).
#       leaf2 decapsulates the replica (1) and floods it to h6 and h7 (2
#         local: the replica itself and one copy; not to blue h8); a
#         replica is never replicated again (split horizon).
#       leaf3: nothing.
#     So overlay.csv: encap_packets leaf0 2N, others 0; decap_packets
#     leaf1 N, leaf2 N, others 0; local_packets leaf0 N, leaf1 N, leaf2
#     2N, leaf3 0.  links.csv: leafX -> h1, h3, h4, h6, h7 N frames each
#     (once per datagram), -> h0, h2, h5, h8, h9, h10, h11 none.
#     summary.json: packets_sent N + N (replica) + N (leaf0's copy) + N
#     (leaf1's) + N (leaf2's second) = 5N, all delivered (h3 consumes
#     the frame; h1, h4, h6, h7 each a copy, which their NICs discard: h3
#     gets all N x 1472 B, no one else any payload); no drops.
#   With ARP suppression nothing is flooded: leaf0 drops all N (no_route)
#     and no host link carries a frame.
set -u
. "$(dirname "$0")/../lib.sh"
run() { timeout 300 "$DCSIM" run "$@" --quiet --no-report; }
ov() { csv "$1/overlay.csv" "c[\"$2\"]" "c[\"vtep\"] == \"$3\""; }
lk() { csv "$1/links.csv" 'c["packets"]' "c[\"from\"] == \"$2\" && c[\"to\"] == \"$3\""; }

cat >"$tmp/bum.yaml" <<'YAML'
name: bum-flood
stop: 3ms
topology: {type: spine-leaf, spines: 1, leaves: 4, servers_per_leaf: 3,
           server_link: {rate: 25Gbps, delay: 1us}, uplink: {rate: 25Gbps, delay: 1us}}
overlay:
  underlay_mtu: 9216
  vteps: leaf
  tenants:
    - {name: red, vni: 100, hosts: [h0, h1, h3, h4, h6, h7]}
    - {name: blue, vni: 200, hosts: [h2, h5, h8, h9]}
evpn: {topology: full_mesh, type5: true, host_routes: false}
traffic:
  - pattern: flows
    protocol: udp
    flows:
      - {src: h0, dst: h3, size: 73600, start: 1ms, rate: 1Gbps}
YAML
N=50
run "$tmp/bum.yaml" -o "$tmp/bum"
t $? "unknown unicasts from a leaf VTEP: the run completes"

got="" want=""
for x in leaf0 leaf1 leaf2 leaf3; do
    got="$got $(ov "$tmp/bum" encap_packets $x)/$(ov "$tmp/bum" decap_packets $x)/$(ov "$tmp/bum" local_packets $x)"
done
want=" $((2 * N))/0/$N 0/$N/$N 0/$N/$((2 * N)) 0/0/0"
[ "$got" = "$want" ]
t $? "overlay.csv encap/decap/local per VTEP:$got (want$want)"

got="" want=""
for h in h0 h1 h2 h3 h4 h5 h6 h7 h8 h9 h10 h11; do
    case $h in h0 | h1 | h2) l=leaf0 ;; h3 | h4 | h5) l=leaf1 ;;
               h6 | h7 | h8) l=leaf2 ;; *) l=leaf3 ;; esac
    case $h in h1 | h3 | h4 | h6 | h7) w=$N ;; *) w=0 ;; esac
    got="$got $h:$(lk "$tmp/bum" $l $h)" want="$want $h:$w"
done
[ "$got" = "$want" ]
t $? "frames down each host link:$got (red's hosts but the sender once per datagram, blue's none)"

sent=$(num packets_sent "$tmp/bum/summary.json")
del=$(num packets_delivered "$tmp/bum/summary.json")
b=$(csv "$tmp/bum/flows.csv" 'c["bytes_delivered"]' 'c["src"] == "h0" && c["dst"] == "h3"')
[ "$sent" = $((5 * N)) ] && [ "$del" = $((5 * N)) ] && [ "$b" = 73600 ] &&
    [ "$(all_drops "$tmp/bum/summary.json")" = 0 ]
t $? "packets_sent $sent = delivered $del = 5N (the datagram, a replica, three flooded copies); h3 got $b B of 73600; no drops"

run "$tmp/bum.yaml" -o "$tmp/sup" --set evpn.arp_suppression=true
nr=$(num no_route "$tmp/sup/summary.json")
hl=$(csv "$tmp/sup/links.csv" 'c["packets"]' 'c["from"] ~ /^leaf/ && c["to"] ~ /^h/')
[ "$nr" = $N ] && [ "$hl" = 0 ] && [ "$(ov "$tmp/sup" local_packets leaf0)" = 0 ]
t $? "ARP suppression: leaf0 drops $nr of $N (no_route), floods nothing; host links carry $hl frames"

run "$tmp/bum.yaml" -o "$tmp/bum2"
same_results "$tmp/bum" "$tmp/bum2" links.csv flows.csv overlay.csv
t $? "the same run twice gives the same results"

echo "1..$n"
