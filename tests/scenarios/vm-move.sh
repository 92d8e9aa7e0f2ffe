#!/bin/sh
# A moved VM's own sending follows it (docs/models.md, "A moved VM's own
# sending"; issue 15 item 12).  h3's VMs move to h4 at T = 2 ms (BGP
# EVPN, software VTEPs) while they send:
#   UDP to h0, paced at 1 Gb/s from 1 ms: one 1472 B datagram every
#     P = 1538 B (with UDP, IPv4 and Ethernet headers, FCS, preamble and
#     gap: udp.c paces on the wire size) x 8 / 1 Gb/s = 12.304 us, 300 in
#     all.  The ones pulled before T (k x P < 1 ms: k = 0..81, 82) leave
#     from h3's server, through its vswitch (its VTEP encapsulates them:
#     overlay.csv encap_packets for h3); every later one from h4's: its
#     vswitch, its VTEP, its NIC and its leaf port (h4 -> leaf1).  BGP's
#     own packets bypass the vswitches, so encap_packets counts the
#     tenant's data alone: h3 82, h4 218.  h0
#     receives all 300 whichever VTEP tunnels them (its own tables are
#     not involved in receiving), so every byte is delivered.
#   TCP to h1, 4 MB from 1.8 ms: its connection's state (windows,
#     sequence numbers, timers) moves with the VM; the ACKs h1 sends to
#     h3's old server until h1's VTEP has learned the move are dropped
#     there (vm_moved), which the sender recovers from as from any loss.
#     The flow completes, its segments encapsulated by both VTEPs.
#   With the move after the flow (5.5 ms) every datagram is h3's.
set -u
. "$(dirname "$0")/../lib.sh"
run() { timeout 120 "$DCSIM" run "$@" --quiet --no-report; }
ov() { csv "$1/overlay.csv" "c[\"$2\"]" "c[\"vtep\"] == \"$3\""; }

{ evpn_fabric move-send 6ms 2 2 3 server '[{name: red, vni: 100, hosts: [h0, h1, h3, h4]}]'
  cat <<'YAML'
evpn: {topology: route_reflectors, route_reflectors: [h2], update_cpu: 100us}
traffic:
  - pattern: flows
    protocol: udp
    flows:
      - {src: h3, dst: h0, size: 441600, start: 1ms, rate: 1Gbps}
events:
  - {at: 2ms, vm_move: [h3, h4]}
YAML
} >"$tmp/move.yaml"
run "$tmp/move.yaml" -o "$tmp/move"; t $? "a VM that sends moves"
e3=$(ov "$tmp/move" encap_packets h3) e4=$(ov "$tmp/move" encap_packets h4)
t "$([ "$e3" = 82 ] && [ "$e4" = 218 ]; echo $?)" \
    "its datagrams before the move leave through h3's VTEP, after it through h4's (h3 $e3, h4 $e4; want 82, 218)"
del=$(csv "$tmp/move/flows.csv" 'c["bytes_delivered"]')
t "$([ "$del" = 441600 ] && [ "$(all_drops "$tmp/move/summary.json")" = 0 ]; echo $?)" \
    "h0 receives every datagram, none dropped ($del B)"
# h4's leaf port carries the datagrams sent from there: 218 x 1588 B
# (VXLAN frames on the wire) = 346 kB at least, besides its BGP packets.
big=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
               $h["from"] == "h4" && $h["to"] == "leaf1" { print int($h["bytes"] / 1000) }' "$tmp/move/links.csv")
t "$([ "$big" -ge 346 ]; echo $?)" "h4's NIC and link carry them (h4->leaf1 $big kB)"

run "$tmp/move.yaml" -o "$tmp/stay" --set events.0.at=5500us
s3=$(ov "$tmp/stay" encap_packets h3) s4=$(ov "$tmp/stay" encap_packets h4)
t "$([ "$s3" = 300 ] && [ "$s4" = 0 ]; echo $?)" "without the move all 300 leave from h3 ($s3, $s4)"

# TCP across the move.
sed 's/^events:/  - pattern: flows\n    protocol: tcp\n    flows: [{src: h3, dst: h1, size: 4MB, start: 1800us}]\nevents:/; s/^stop: 6ms/stop: 2s/' \
    "$tmp/move.yaml" >"$tmp/tcp.yaml"
run "$tmp/tcp.yaml" -o "$tmp/tcp"; t $? "a VM with a TCP connection moves"
done=$(csv "$tmp/tcp/flows.csv" 'c["completed"]' 'c["protocol"] == "tcp"')
bytes=$(csv "$tmp/tcp/flows.csv" 'c["bytes_delivered"]' 'c["protocol"] == "tcp"')
t3=$(ov "$tmp/tcp" encap_packets h3) t4=$(ov "$tmp/tcp" encap_packets h4)
t "$([ "$done" = 1 ] && [ "$bytes" = 4000000 ] && [ "$t3" -gt 82 ] && [ "$t4" -gt 218 ]; echo $?)" \
    "the TCP connection completes across the move, 4 MB delivered, sent from both servers (h3 $t3, h4 $t4 packets)"
run "$tmp/tcp.yaml" -o "$tmp/tcp2"
same_results "$tmp/tcp" "$tmp/tcp2" flows.csv links.csv overlay.csv events.csv
t $? "determinism: the same results twice"

echo "1..$n"
