#!/bin/sh
# monitor.pcap: the traces dcsim writes are read by tshark without a
# malformed packet or a bad checksum, tshark finds in them what the model
# did (TCP sequence and acknowledgment numbers, ECN CE marks, RoCE BTH
# opcodes and PSNs, CNPs, PFC frames with their class-enable vector and
# quanta, native InfiniBand packets), a port's frames number what
# links.csv counts for it, the window and the snap length hold, and a run
# writes the same trace twice and the same other results as without a
# capture.  Without tshark the checks that need it are TAP skips; the runs
# are checked all the same.
set -u
. "$(dirname "$0")/../lib.sh"
run() { timeout 30 "$DCSIM" run "$@" --quiet --no-report; }
# ts FILE ARGS...: tshark reading FILE (its banner about root dropped).
ts() { f=$1; shift; tshark -r "$f" -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE "$@" 2>/dev/null; }
# clean FILE [ARGS]: tshark dissects every frame without an error-level
# expert item (malformed, exception) and shows no "Bad" checksum.
clean() {
    [ $have_tshark = 1 ] || return 0
    f=$1; shift
    ts "$f" -V "$@" >"$tmp/dissect" || return 1
    ! grep -q -e 'Malformed' -e 'Bad' -e '\[Checksum Status: Bad\]' \
        -e 'Exception occurred' "$tmp/dissect"
}
# frames FILE [ARGS]: the number of frames tshark reads.
frames() { ts "$@" | wc -l; }
# packets FROM TO: links.csv's packet count of FROM's port to TO in $dir.
packets() { csv "$dir/links.csv" 'c["packets"]' "c[\"from\"] == \"$1\" && c[\"to\"] == \"$2\""; }

# --- TCP with DCTCP over ECN: three senders to h3.  The capture takes
# h0's NIC port (its data), leaf0's port to h0 (h3's ACKs) and leaf1's
# port to h3 (everything h3 receives, the CE marks of its queue).
cat >"$tmp/tcp.yaml" <<'YAML'
name: tcp
topology: {type: spine-leaf, spines: 2, leaves: 2, servers_per_leaf: 2}
switch:
  ecn: {mode: step, k: 20KB}
tcp: {cc: dctcp}
traffic:
  - pattern: flows
    protocol: tcp
    flows: [{src: h0, dst: h3, size: 200KB}, {src: h1, dst: h3, size: 200KB},
            {src: h2, dst: h3, size: 200KB}]
monitor:
  pcap: {ports: [h0, leaf0->h0, leaf1->h3]}
YAML
run "$tmp/tcp.yaml" -o "$tmp/tcp"; t $? "a TCP run with a capture"
dir=$tmp/tcp pcap=$tmp/tcp/monitor.pcap
[ -s "$pcap" ]; t $? "monitor.pcap is written"
# Classic pcap, nanosecond magic a1 b2 3c 4d (written in host order),
# link type 1 (Ethernet).
magic=$(od -An -tx4 -N4 "$pcap" | tr -d ' ')
[ "$magic" = a1b23c4d ]; t $? "classic pcap with nanosecond timestamps (magic $magic)"
linktype=$(od -An -tu4 -j20 -N4 "$pcap" | tr -d ' ')
[ "$linktype" = 1 ]; t $? "link type Ethernet (got $linktype)"
clean "$pcap"; tcheck $? "tshark: no malformed frame, no bad IPv4 or TCP checksum"
want=$(($(packets h0 leaf0) + $(packets leaf0 h0) + $(packets leaf1 h3)))
got=$(frames "$pcap")
tcheck "$([ "$got" = "$want" ]; echo $?)" "frames = links.csv packets of the three ports ($got, $want)"
# h0's data: 200 KB in segments of 1460 B, the first at time 0, sequence
# numbers (relative) from 1; the last ACK from h3 acknowledges 200001.
first=$(ts "$pcap" -Y 'ip.src==10.0.0.1 && tcp.len>0' -T fields -e frame.time_epoch -e tcp.seq -e tcp.len | head -n 1)
tcheck "$([ "$first" = "$(printf '0.000000000\t1\t1460')" ]; echo $?)" "h0's first segment: time 0, seq 1, 1460 B ($first)"
data=$(ts "$pcap" -Y 'ip.src==10.0.0.1 && tcp.len>0' -T fields -e tcp.seq -e tcp.len | sort -n -u | awk '{ s += $2 } END { print s + 0 }')
tcheck "$([ "$data" = 200000 ]; echo $?)" "h0's distinct segments carry 200000 B ($data)"
ack=$(ts "$pcap" -Y 'ip.src==10.0.0.4 && ip.dst==10.0.0.1' -T fields -e tcp.ack | sort -n | tail -n 1)
tcheck "$([ "$ack" = 200001 ]; echo $?)" "h3's last ACK to h0 acknowledges 200001 ($ack)"
ce=$(frames "$pcap" -Y 'ip.dsfield.ecn==3 && ip.dst==10.0.0.4')
marked=$(csv "$dir/queues.csv" 'c["ecn_marked"]' 'c["switch"] == "leaf1" && c["to"] == "h3"')
tcheck "$([ "$ce" = "$marked" ] && [ "$marked" -gt 0 ]; echo $?)" "CE-marked frames to h3 = queues.csv ecn_marked of leaf1->h3 ($ce, $marked)"

# Determinism, and results unchanged by the capture.
run "$tmp/tcp.yaml" -o "$tmp/tcp2"
cmp -s "$pcap" "$tmp/tcp2/monitor.pcap"; t $? "the same trace twice"
sed '/^monitor:/,$d' "$tmp/tcp.yaml" >"$tmp/tcp-plain.yaml"
run "$tmp/tcp-plain.yaml" -o "$tmp/plain"
same_results "$tmp/tcp" "$tmp/plain" flows.csv links.csv queues.csv fct_by_size.csv
t $? "every other result is the same without the capture"
[ ! -e "$tmp/plain/monitor.pcap" ]; t $? "no monitor.pcap without monitor.pcap"

# flows.csv's path against the trace: the senders whose packets cross
# spineN's port to leaf1 are those whose path names spineN.
for sp in spine0 spine1; do
    sed "s/pcap: {ports: \[h0, leaf0->h0, leaf1->h3\]}/pcap: {ports: [$sp->leaf1]}/" \
        "$tmp/tcp.yaml" >"$tmp/$sp.yaml"
    run "$tmp/$sp.yaml" -o "$tmp/$sp"
    seen=$(ts "$tmp/$sp/monitor.pcap" -Y 'tcp.len>0' -T fields -e ip.src | sort -u | tr '\n' ' ')
    want=$(awk -F, -v sp="$sp" 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
        $col["path"] ~ ("(^|>)" sp "(>|$)") { sub(/^h/, "", $col["src"]); printf "10.0.0.%d\n", $col["src"] + 1 }' \
        "$tmp/tcp/flows.csv" | sort -u | tr '\n' ' ')
    tcheck "$([ "$seen" = "$want" ]; echo $?)" "senders seen on $sp->leaf1 are the flows whose path names $sp ($seen; $want)"
done

# The window and the snap length: frames of h0 from 10 us up to 30 us,
# 64 bytes of each.
sed 's/pcap: {ports: \[h0, leaf0->h0, leaf1->h3\]}/pcap: {ports: [h0], start: 10us, stop: 30us, snaplen: 64}/' \
    "$tmp/tcp.yaml" >"$tmp/window.yaml"
run "$tmp/window.yaml" -o "$tmp/window"; t $? "a run with a window and a snap length"
ts "$tmp/window/monitor.pcap" -T fields -e frame.time_epoch -e frame.cap_len -e frame.len >"$tmp/w"
awk -F'\t' 'NR == 0 { exit 1 } $1 < 0.00001 || $1 >= 0.00003 || $2 != 64 || $3 != 1514 { bad = 1 }
            END { exit bad || NR < 5 }' "$tmp/w"
tcheck $? "$(wc -l <"$tmp/w") frames, all within [10 us, 30 us), 64 of 1514 B kept"
clean "$tmp/window/monitor.pcap"; tcheck $? "tshark: cut frames are not malformed"

# --- RoCE v2 with DCQCN under PFC: six senders to h0 in class 3.
# leaf0 pauses its local senders h1..h3; its port to h1 carries those PFC
# frames; h0 sends the ACKs and CNPs.
cat >"$tmp/roce.yaml" <<'YAML'
stop: 2ms
topology: {type: spine-leaf, spines: 2, leaves: 2, servers_per_leaf: 4}
switch:
  buffer: 1MB
  ecn: {mode: step, k: 20KB}
pfc: {enabled: true}
rdma: {cc: dcqcn}
traffic:
  - {pattern: incast, senders: 6, receiver: h0, size: 200KB, tc: 3, protocol: roce}
monitor:
  pcap: {ports: [leaf0->h1, h0, h1]}
YAML
run "$tmp/roce.yaml" -o "$tmp/roce"; t $? "a RoCE run under PFC with a capture"
dir=$tmp/roce pcap=$tmp/roce/monitor.pcap
clean "$pcap" -d udp.port==4791,infiniband
tcheck $? "tshark: no malformed frame, no bad IPv4 checksum (RoCE decoded as InfiniBand)"
want=$(($(packets leaf0 h1) + $(packets h0 leaf0) + $(packets h1 leaf0)))
got=$(frames "$pcap")
tcheck "$([ "$got" = "$want" ]; echo $?)" "frames = links.csv packets of the three ports ($got, $want)"
# h1's data: RDMA WRITE First (6), Middle (7), Last (8), PSNs consecutive.
ts "$pcap" -d udp.port==4791,infiniband -Y 'ip.src==10.0.0.2 && infiniband.bth.opcode <= 10' \
    -T fields -e infiniband.bth.opcode -e infiniband.bth.psn | sort -k2,2n -u >"$tmp/bth"
awk -F'\t' 'NR == 1 { if ($1 != 6) exit 1; p = $2; next }
            { if ($2 != p + 1 || ($1 != 7 && $1 != 8)) exit 1; p = $2; last = $1 }
            END { exit NR < 100 || last != 8 }' "$tmp/bth"
tcheck $? "h1's WRITE: opcode 6, then 7s and an 8, PSNs consecutive ($(wc -l <"$tmp/bth") packets)"
acks=$(frames "$pcap" -d udp.port==4791,infiniband -Y 'ip.src==10.0.0.1 && infiniband.bth.opcode == 17')
tcheck "$([ "$acks" -gt 0 ]; echo $?)" "h0 sends RC Acknowledge (17) packets ($acks)"
# Every CNP leaves h0 once; those to h1 cross leaf0->h1 as well.
cnps=$(frames "$pcap" -d udp.port==4791,infiniband -Y 'ip.src==10.0.0.1 && infiniband.bth.opcode == 129')
got_cnps=$(csv "$dir/flows.csv" 'c["cnps"]')
h1_cnps=$(csv "$dir/flows.csv" 'c["cnps"]' 'c["src"] == "h1"')
tcheck "$([ "$cnps" = $((got_cnps + h1_cnps)) ] && [ "$got_cnps" -gt 0 ]; echo $?)" "CNPs (opcode 129) from h0 = flows.csv cnps, those to h1 twice ($cnps, $got_cnps + $h1_cnps)"
ts "$pcap" -Y macc -T fields -e eth.dst -e macc.opcode -e macc.cbfc.enbv \
    -e macc.cbfc.pause_time.c3 >"$tmp/pfc"
sent=$(csv "$dir/pfc.csv" 'c["pause_sent"] + c["resume_sent"]' 'c["node"] == "leaf0" && c["to"] == "h1"')
got=$(wc -l <"$tmp/pfc")
tcheck "$([ "$got" = "$sent" ] && [ "$sent" -gt 0 ]; echo $?)" "PFC frames on leaf0->h1 = pfc.csv pause_sent + resume_sent ($got, $sent)"
awk -F'\t' '$1 != "01:80:c2:00:00:01" || $2 != "0x0101" || $3 != "0x0008" { exit 1 }
            $4 == 65535 { p++ } $4 == 0 { r++ } END { exit !(p > 0 && r > 0 && p + r == NR) }' "$tmp/pfc"
tcheck $? "PFC frames: to 01:80:c2:00:00:01, opcode 0x0101, class 3 enabled, quanta 65535 (pause) or 0 (resume)"
ce=$(frames "$pcap" -Y 'ip.dsfield.ecn==3')
tcheck "$([ "$ce" = 0 ]; echo $?)" "no CE mark on these ports' traffic before a switch queue ($ce)"

# --- 802.1Q-tagged hosts, a RoCE v1 WRITE (a GRH, no IP) within leaf0 and
# a RoCE v2 READ across the fabric.
cat >"$tmp/v1.yaml" <<'YAML'
stop: 1ms
topology: {type: spine-leaf, spines: 2, leaves: 2, servers_per_leaf: 2}
host: {vlan: 100}
traffic:
  - {pattern: flows, protocol: rocev1, flows: [{src: h0, dst: h1, size: 20KB}]}
  - {pattern: flows, protocol: roce, verb: read, flows: [{src: h1, dst: h3, size: 20KB}]}
monitor:
  pcap: {ports: [h0, h1, h3]}
YAML
run "$tmp/v1.yaml" -o "$tmp/v1"; t $? "a run of tagged RoCE v1 and v2 READ with a capture"
dir=$tmp/v1 pcap=$tmp/v1/monitor.pcap
clean "$pcap" -d udp.port==4791,infiniband; tcheck $? "tshark: no malformed frame, no bad checksum"
all=$(frames "$pcap")
want=$(($(packets h0 leaf0) + $(packets h1 leaf0) + $(packets h3 leaf1)))
tagged=$(frames "$pcap" -Y 'vlan.id == 100')
tcheck "$([ "$all" = "$want" ] && [ "$tagged" = "$all" ]; echo $?)" "frames = links.csv packets, every one tagged VLAN 100 ($all, $want, $tagged)"
grh=$(frames "$pcap" -Y 'infiniband.grh.sgid == ::ffff:10.0.0.1 || infiniband.grh.dgid == ::ffff:10.0.0.1')
tcheck "$([ "$grh" -gt 20 ]; echo $?)" "RoCE v1 frames carry a GRH with h0's IPv4-mapped GID ($grh)"
ts "$pcap" -d udp.port==4791,infiniband -Y 'udp' -T fields -e infiniband.bth.opcode | sort -n | uniq -c >"$tmp/read"
awk '$2 == 12 { q = $1 } $2 == 13 || $2 == 15 { fl += $1 } $2 == 14 { m++ }
     END { exit !(q == 1 && fl == 2 && m == 1) }' "$tmp/read"
tcheck $? "the READ: one request (12), a response First (13), Middles (14) and a Last (15)"

# --- Native InfiniBand: ERF records, read as InfiniBand.
cat >"$tmp/ib.yaml" <<'YAML'
fabric: infiniband
topology: {type: spine-leaf, spines: 2, leaves: 2, servers_per_leaf: 3}
traffic:
  - {pattern: incast, senders: 4, receiver: h0, size: 64KB, tc: 3}
monitor:
  pcap: {ports: [leaf0->h0, h0]}
YAML
run "$tmp/ib.yaml" -o "$tmp/ib" 2>/dev/null; t $? "an InfiniBand run with a capture"
dir=$tmp/ib pcap=$tmp/ib/monitor.pcap
linktype=$(od -An -tu4 -j20 -N4 "$pcap" | tr -d ' ')
[ "$linktype" = 197 ]; t $? "link type ERF (got $linktype)"
clean "$pcap"; tcheck $? "tshark: no malformed packet"
fc=$(csv "$dir/ib.csv" 'c["fc_sent"]' '(c["node"] == "leaf0" && c["to"] == "h0") || c["node"] == "h0"')
want=$(($(packets leaf0 h0) + $(packets h0 leaf0) - fc))
got=$(frames "$pcap" -Y infiniband)
tcheck "$([ "$got" = "$want" ]; echo $?)" "InfiniBand packets = links.csv packets less ib.csv fc_sent ($got, $want)"
ts "$pcap" -Y 'infiniband.lrh.slid == 2' -T fields -e infiniband.bth.opcode -e infiniband.bth.psn \
    | sort -k2,2n -u >"$tmp/ibbth"
awk -F'\t' 'NR == 1 { if ($1 != 6) exit 1; p = $2; next }
            { if ($2 != p + 1) exit 1; p = $2 } END { exit NR < 10 }' "$tmp/ibbth"
tcheck $? "h1's packets (SLID 2): WRITE First, then consecutive PSNs"

# --- Overlays.  VXLAN between leaf VTEPs: two TCP flows of one tenant,
# h0 -> h3 and h1 -> h2.  The capture takes h0's NIC port and leaf1's
# port to h3 (inner frames: the hosts send and receive untagged, plain
# frames) and leaf0's two uplinks (tunnel packets: outer Ethernet, IPv4
# from leaf0's VTEP 172.16.0.1 to leaf1's 172.16.0.2, UDP to 4789 from
# the port hashed from the inner headers, VXLAN with VNI 5000).
cat >"$tmp/vxlan.yaml" <<'YAML'
stop: 2ms
topology: {type: spine-leaf, spines: 2, leaves: 2, servers_per_leaf: 2}
overlay:
  underlay_mtu: 9216
  tenants: [{name: red, vni: 5000, hosts: [h0, h1, h2, h3]}]
traffic:
  - pattern: flows
    protocol: tcp
    flows: [{src: h0, dst: h3, size: 50KB}, {src: h1, dst: h2, size: 50KB}]
monitor:
  pcap: {ports: [h0, leaf0->spine0, leaf0->spine1, leaf1->h3]}
YAML
run "$tmp/vxlan.yaml" -o "$tmp/vxlan"; t $? "a VXLAN run with a capture"
dir=$tmp/vxlan pcap=$tmp/vxlan/monitor.pcap
clean "$pcap"; tcheck $? "tshark: no malformed frame, no bad outer IPv4 or inner TCP checksum"
up=$(($(packets leaf0 spine0) + $(packets leaf0 spine1)))
host=$(($(packets h0 leaf0) + $(packets leaf1 h3)))
got=$(frames "$pcap") tun=$(frames "$pcap" -Y vxlan)
tcheck "$([ "$got" = $((up + host)) ] && [ "$tun" = "$up" ] && [ "$up" -gt 0 ]; echo $?)" \
    "frames = links.csv packets of the four ports ($got); the uplinks' $up are VXLAN, the host ports' none"
ts "$pcap" -Y vxlan -T fields -e ip.src -e ip.dst -e udp.dstport -e udp.srcport \
    -e vxlan.vni -e tcp.srcport -e frame.len -e ip.len >"$tmp/vx"
awk -F'\t' '$1 != "172.16.0.1,10.0.0.1" && $1 != "172.16.0.1,10.0.0.2" { exit 1 }
            $2 !~ /^172\.16\.0\.2,10\.0\.0\.[34]$/ || $3 != 4789 || $5 != 5000 { exit 1 }
            { split($4, sp, ","); if (sp[1] < 49152 || sp[1] > 65535) exit 1
              split($8, l, ","); if ($7 != l[2] + 14 + 50) exit 1
              port[$6] = port[$6] "," sp[1] }
            END { for (f in port) { n = split(substr(port[f], 2), a, ",");
                                    for (i = 2; i <= n; i++) if (a[i] != a[1]) exit 1; k++ }
                  exit k != 2 }' "$tmp/vx"
tcheck $? "VXLAN: 172.16.0.1 -> 172.16.0.2, UDP 4789, VNI 5000, 50 B around the inner frame; one outer source port in 49152..65535 per flow"

# VLAN segments: leaf0 tags the tenant's frames with its VID on the
# uplinks, leaf1 untags them.
sed 's/vni: 5000/vlan: 300/; s/^  underlay_mtu: 9216$/  encapsulation: vlan/' "$tmp/vxlan.yaml" >"$tmp/vlan.yaml"
run "$tmp/vlan.yaml" -o "$tmp/vlan"; t $? "a VLAN-segment run with a capture"
dir=$tmp/vlan pcap=$tmp/vlan/monitor.pcap
clean "$pcap"; tcheck $? "tshark: no malformed frame, no bad checksum"
up=$(($(packets leaf0 spine0) + $(packets leaf0 spine1)))
tagged=$(frames "$pcap" -Y 'vlan.id == 300') all=$(frames "$pcap")
tcheck "$([ "$tagged" = "$up" ] && [ "$all" = $((up + $(packets h0 leaf0) + $(packets leaf1 h3))) ]; echo $?)" \
    "the uplinks' $up frames carry the 802.1Q tag of VID 300, the host ports' are untagged ($tagged of $all)"

# Geneve between software VTEPs with identities: every frame h0 (data)
# and h3 (ACKs) send is a tunnel packet from host to host (UDP 6081, VNI 77)
# whose 12 B of options are the identity option (class 0xffff, type 1,
# one word: the sender's identity, w = 1 for h0, d = 2 for h3) and a
# 4 B filler (tshark lists the options' total length first: 12, 8, 4).
cat >"$tmp/geneve.yaml" <<'YAML'
stop: 2ms
topology: {type: spine-leaf, spines: 2, leaves: 2, servers_per_leaf: 2}
server: {vm: {io: vhost, count: 1}}
overlay:
  encapsulation: geneve
  geneve_option_bytes: 12
  vteps: server
  underlay_mtu: 9216
  vswitch:
    identities: [{name: w, hosts: [h0]}, {name: d, hosts: [h3]}]
    allow: [{from: w, to: d}, {from: d, to: w}]
  tenants: [{name: red, vni: 77, hosts: [h0, h3]}]
traffic:
  - {pattern: flows, protocol: tcp, flows: [{src: h0, dst: h3, size: 50KB}]}
monitor:
  pcap: {ports: [h0, h3]}
YAML
run "$tmp/geneve.yaml" -o "$tmp/geneve"; t $? "a Geneve run with software VTEPs and identities, with a capture"
dir=$tmp/geneve pcap=$tmp/geneve/monitor.pcap
clean "$pcap"; tcheck $? "tshark: no malformed frame, no bad checksum"
want=$(($(packets h0 leaf0) + $(packets h3 leaf1)))
got=$(frames "$pcap") gen=$(frames "$pcap" -Y 'geneve.vni == 77 && udp.dstport == 6081')
tcheck "$([ "$got" = "$want" ] && [ "$gen" = "$got" ]; echo $?)" "frames = links.csv packets ($got, $want), every one Geneve VNI 77 to UDP 6081 ($gen)"
ts "$pcap" -T fields -e ip.src -e geneve.option.class -e geneve.option.type \
    -e geneve.option.length -e geneve.option.unknown.data -e frame.len -e ip.len >"$tmp/gen"
awk -F'\t' '{ split($1, s, ","); id = s[1] == "10.0.0.1" ? "00000001" : s[1] == "10.0.0.4" ? "00000002" : "bad"
              split($7, l, ",")
              if ($2 != "0xffff,0xffff" || $3 != "0x01,0x00" || $4 != "12,8,4" || $5 !~ "^" id) exit 1
              inner = l[2] + 14 < 60 ? 60 : l[2] + 14
              if ($6 != l[1] + 14 || l[1] != 20 + 8 + 8 + 12 + inner) exit 1
              seen[id]++ }
     END { exit seen["00000001"] < 10 || seen["00000002"] < 10 }' "$tmp/gen"
tcheck $? "Geneve options: the identity option (class 0xffff, type 1, 8 B, the sender's identity) then a 4 B filler; 62 B around the inner frame (padded to 60 B)"

# Flood copies: with learning vswitches and software VTEPs, h0's flood of
# a UDP flow to h2 (who never answers) sends h1 a copy of every packet:
# the tunnel goes to h1 (outer 10.0.0.1 -> 10.0.0.2), the inner frame is
# still for h2 (10.0.0.3).
cat >"$tmp/flood.yaml" <<'YAML'
topology: {type: spine-leaf, spines: 2, leaves: 2, servers_per_leaf: 2}
server: {vm: {io: vhost, count: 1}}
overlay:
  vteps: server
  underlay_mtu: 9216
  vswitch: {tables: learning}
  tenants: [{name: red, vni: 9, hosts: [h0, h1, h2, h3]}]
traffic:
  - {pattern: flows, protocol: udp, flows: [{src: h0, dst: h2, size: 14720}]}
monitor:
  pcap: {ports: [leaf0->h1]}
YAML
run "$tmp/flood.yaml" -o "$tmp/flood"; t $? "a run with flood copies and a capture"
dir=$tmp/flood pcap=$tmp/flood/monitor.pcap
clean "$pcap"; tcheck $? "tshark: no malformed frame, no bad checksum"
copies=$(frames "$pcap" -Y 'vxlan.vni == 9 && ip.dst == 10.0.0.2 && ip.dst == 10.0.0.3 && ip.src == 10.0.0.1')
tcheck "$([ "$copies" = 10 ] && [ "$(packets leaf0 h1)" = 10 ] && [ "$(frames "$pcap")" = 10 ]; echo $?)" \
    "leaf0->h1 carries the 10 copies: VXLAN to h1 around h0's frame for h2 ($copies)"

echo "1..$n"
