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
have_tshark=0
command -v tshark >/dev/null 2>&1 && have_tshark=1
# ts FILE ARGS...: tshark reading FILE (its banner about root dropped).
ts() { f=$1; shift; tshark -r "$f" -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE "$@" 2>/dev/null; }
# tcheck STATUS DESCRIPTION: a check that needs tshark, else a skip.
tcheck() {
    if [ $have_tshark = 1 ]; then
        t "$1" "$2"
    else
        n=$((n + 1))
        echo "ok $n # skip tshark is not installed: $2"
    fi
}
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

echo "1..$n"
