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
# The flood goes where the type 3 list says, wherever the destination is
# (RFC 7432 section 16.1): the frame reaches h3 only if leaf1 is on it.
#   Sessions opened at 2 ms (evpn.start), after the datagrams: leaf0's
#     list is empty, so per datagram it floods only the copy to h1 (1
#     local) and drops the frame (flood_missed): overlay.csv leaf0 0/0/N,
#     others 0/0/0; host links h1 N, others 0; packets_sent N + N = 2N,
#     delivered N (the copies), flood_missed N.
#   leaf1 fails at 0.5 ms (switch_down), keepalive 100 us and hold 300
#     us: by 0.5 ms + 300 us + a trip every other leaf's hold timer has
#     taken leaf1's routes away, so from 1.5 ms leaf0's red list is leaf2
#     alone.  Per datagram: a replica to leaf2 (1 encap), the copy to h1
#     (1 local), the frame dropped (flood_missed); leaf2 decapsulates the
#     replica (1) and floods it to h6 and h7 (2 local).  overlay.csv
#     leaf0 N/0/N, leaf1 0/0/0, leaf2 0/N/2N, leaf3 0/0/0; host links h1,
#     h6, h7 N, others 0; packets_sent 4N, delivered 3N, flood_missed N.
# A leaf learns its own hosts from their frames (data-plane learning of
# the source MAC on its access ports; the Linux bridge's FDB), until then
# a frame to one is flooded like any unknown unicast.  Type 5 routes only
# (host_routes: false), so leaf0 has no route for h0 or h1.  Four UDP
# flows of N datagrams: A h0 -> h1 at 1 ms, B h1 -> h0 at 2 ms, C h0 ->
# h1 at 3 ms, D h0 -> h1 at 5 ms (each sent in N x 12.304 us = 0.615 ms).
#   A: h1 unknown: the frame to h1 (1 local at leaf0), replicas to leaf1
#     and leaf2 (2 encap; no other red host on leaf0), each flooded there
#     to two red hosts (1 decap, 2 local each); leaf0 learns h0.
#   B: h0 learned (A's frames, 0.4 ms before): N unicasts (1 local each),
#     down h0's link only; leaf0 learns h1.  C: h1 learned: the same, down
#     h1's link.
#   D: with the default mac_aging (300 s) h1 is still learned: as C.  With
#     mac_aging 1.5 ms h1 was last heard at 2.606 ms, aged out at 4.106
#     ms: D is flooded as A.  (h0, heard until 1.606 ms, is still learned
#     for all of B, which ends before 3.106 ms.)
#   So overlay.csv, default: leaf0 2N/0/4N, leaf1 0/N/2N, leaf2 0/N/2N,
#     leaf3 0/0/0; host links h0 N, h1 3N, h3 h4 h6 h7 N; packets_sent =
#     delivered = 5N (A) + 3N = 8N.  With 1.5 ms: leaf0 4N/0/4N, leaf1 and
#     leaf2 0/2N/4N; h3 h4 h6 h7 2N; 5N x 2 + 2N = 12N.  No drops.
set -u
. "$(dirname "$0")/../lib.sh"
run() { timeout 300 "$DCSIM" run "$@" --quiet --no-report; }
ov() { csv "$1/overlay.csv" "c[\"$2\"]" "c[\"vtep\"] == \"$3\""; }
lk() { csv "$1/links.csv" 'c["packets"]' "c[\"from\"] == \"$2\" && c[\"to\"] == \"$3\""; }
# Every VTEP's encap/decap/local packets, and every host link's frames.
vteps() {
    for x in leaf0 leaf1 leaf2 leaf3; do
        printf ' %s' "$(ov "$1" encap_packets $x)/$(ov "$1" decap_packets $x)/$(ov "$1" local_packets $x)"
    done
}
hosts() {
    for h in h0 h1 h2 h3 h4 h5 h6 h7 h8 h9 h10 h11; do
        case $h in h0 | h1 | h2) l=leaf0 ;; h3 | h4 | h5) l=leaf1 ;;
                   h6 | h7 | h8) l=leaf2 ;; *) l=leaf3 ;; esac
        printf ' %s:%s' $h "$(lk "$1" $l $h)"
    done
}
# The host links' frames wanted: H0 ... H11 for h0 ... h11.
want_hosts() {
    i=0
    for w in "$@"; do printf ' h%s:%s' $i "$w"; i=$((i + 1)); done
}

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

got=$(vteps "$tmp/bum") want=" $((2 * N))/0/$N 0/$N/$N 0/$N/$((2 * N)) 0/0/0"
[ "$got" = "$want" ]
t $? "overlay.csv encap/decap/local per VTEP:$got (want$want)"

got=$(hosts "$tmp/bum") want=$(want_hosts 0 $N 0 $N $N 0 $N $N 0 0 0 0)
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

# missed NAME VTEPS HOSTS SENT DELIVERED WHAT: run NAME.yaml, whose frames
# to h3 miss (flood_missed, N of them, no other drop); VTEPS and HOSTS as
# vteps() and hosts() print them.
missed() {
    run "$tmp/$1.yaml" -o "$tmp/$1"
    got="$(vteps "$tmp/$1") |$(hosts "$tmp/$1")" want="$2 |$3"
    [ "$got" = "$want" ]
    t $? "$6:$got (want$want)"
    sent=$(num packets_sent "$tmp/$1/summary.json")
    del=$(num packets_delivered "$tmp/$1/summary.json")
    miss=$(num flood_missed "$tmp/$1/summary.json")
    [ "$sent" = "$4" ] && [ "$del" = "$5" ] && [ "$miss" = $N ]
    t $? "$1: packets_sent $sent (want $4), delivered $del (want $5, the copies), flood_missed $miss = N (every frame to h3)"
}

# The destination's leaf not on the list: before the sessions are up.
sed 's/evpn: {topology: full_mesh,/evpn: {topology: full_mesh, start: 2ms,/' \
    "$tmp/bum.yaml" >"$tmp/early.yaml"
missed early " 0/0/$N 0/0/0 0/0/0 0/0/0" "$(want_hosts 0 $N 0 0 0 0 0 0 0 0 0 0)" \
    $((2 * N)) $N "type 3 list empty (sessions at 2 ms): only the copy to h1"
[ "$(all_drops "$tmp/early/summary.json")" = $N ]
t $? "early: no drop but flood_missed"

# ... and after leaf1 has failed and the others' hold timers took it off.
sed -e 's/host_routes: false}/host_routes: false, keepalive: 100us, hold: 300us}/' \
    -e 's/start: 1ms/start: 1500us/' "$tmp/bum.yaml" >"$tmp/gone.yaml"
echo 'events: [{at: 500us, switch_down: leaf1}]' >>"$tmp/gone.yaml"
missed gone " $N/0/$N 0/0/0 0/$N/$((2 * N)) 0/0/0" "$(want_hosts 0 $N 0 0 0 0 $N $N 0 0 0 0)" \
    $((4 * N)) $((3 * N)) "leaf1 failed, off the list: a replica to leaf2 and the copy to h1"

# Learning a leaf's own hosts from their frames, and aging them out.
sed -e '/^traffic:/,$d' -e 's/stop: 3ms/stop: 6ms/' "$tmp/bum.yaml" >"$tmp/learn.yaml"
cat >>"$tmp/learn.yaml" <<'YAML'
traffic:
  - pattern: flows
    protocol: udp
    flows:
      - {src: h0, dst: h1, size: 73600, start: 1ms, rate: 1Gbps}
      - {src: h1, dst: h0, size: 73600, start: 2ms, rate: 1Gbps}
      - {src: h0, dst: h1, size: 73600, start: 3ms, rate: 1Gbps}
      - {src: h0, dst: h1, size: 73600, start: 5ms, rate: 1Gbps}
YAML
run "$tmp/learn.yaml" -o "$tmp/learn"
got="$(vteps "$tmp/learn") |$(hosts "$tmp/learn")"
want=" $((2 * N))/0/$((4 * N)) 0/$N/$((2 * N)) 0/$N/$((2 * N)) 0/0/0 |$(want_hosts $N $((3 * N)) 0 $N $N 0 $N $N 0 0 0 0)"
[ "$got" = "$want" ]
t $? "h1 unknown until it sends: A flooded, B, C and D unicast:$got (want$want)"
sent=$(num packets_sent "$tmp/learn/summary.json")
del=$(num packets_delivered "$tmp/learn/summary.json")
[ "$sent" = $((8 * N)) ] && [ "$del" = $((8 * N)) ] &&
    [ "$(all_drops "$tmp/learn/summary.json")" = 0 ]
t $? "packets_sent $sent = delivered $del = 8N, no drops"

run "$tmp/learn.yaml" -o "$tmp/age" --set evpn.mac_aging=1500us
got="$(vteps "$tmp/age") |$(hosts "$tmp/age")"
want=" $((4 * N))/0/$((4 * N)) 0/$((2 * N))/$((4 * N)) 0/$((2 * N))/$((4 * N)) 0/0/0 |$(want_hosts $N $((3 * N)) 0 $((2 * N)) $((2 * N)) 0 $((2 * N)) $((2 * N)) 0 0 0 0)"
[ "$got" = "$want" ]
t $? "mac_aging 1.5 ms: h1 aged out by 5 ms, D flooded again:$got (want$want)"
sent=$(num packets_sent "$tmp/age/summary.json")
[ "$sent" = $((12 * N)) ] && [ "$(all_drops "$tmp/age/summary.json")" = 0 ]
t $? "packets_sent $sent = 12N, no drops"

run "$tmp/bum.yaml" -o "$tmp/bum2"
same_results "$tmp/bum" "$tmp/bum2" links.csv flows.csv overlay.csv
t $? "the same run twice gives the same results"

echo "1..$n"
