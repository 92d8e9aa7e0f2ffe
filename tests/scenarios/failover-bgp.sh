#!/bin/sh
# The underlay's eBGP reconverging after failures (issue 15 items 3, 11
# and 13, convergence: bgp; control/ebgp.c, docs/models.md).
#   Fabric: 4 spines, 2 leaves of 8 servers, 100 Gb/s uplinks with 1 us
#   of propagation; control.carrier_down 10 us, bgp_processing P = 50 us.
#   Frames: Ethernet 18 B + IPv4 20 B + TCP 20 B around the BGP message,
#   and 20 B of preamble and gap: at 100 Gb/s a wire byte takes 80 ps.
#     withdrawal of one prefix: 19 + 2 + 4 + 2 = 27 B, 105 B on the wire
#     OPEN with three capabilities: 49 B, 127 B;  KEEPALIVE 19 B, 97 B
#     announcement of one prefix, AS_PATH of N ASes: 23 + 4 + (5 + 4 N)
#     + 7 + 4 B: N = 1 47 B, 125 B;  N = 2 51 B, 129 B.
#   Cut leaf0-spine0 at T = 100 us: both ends detect at D = 110 us.  The
#     spine's CPU handles the session's fall (D + P): it has no other path
#     to leaf0 (through leaf1 the path holds the spines' shared AS) and
#     withdraws leaf0's prefix from leaf1; leaf1 gets it one wire time and
#     1 us later and its CPU takes P: converged = D + P + 105 x 80 ps +
#     1 us + P = 211.0084 us.  leaf0 keeps an AS_PATH of the same length
#     through the other spines and sends nothing.  The oracle model on the
#     same cut converges at D + oracle_delay.
#   Repair at 1 ms (carrier_up 100 us): D' = 1.1 ms.  Each end's session
#     waits in Connect; seeing the port up it tries a TCP connection at
#     once (FRR's next-hop tracking): both send a SYN (64 B frame, 84 B
#     on the wire), each gets the other's 1 us later.  They collide (RFC
#     4271 6.8): spine0 (BGP Identifier 172.16.0.2, above leaf0's
#     172.16.0.0) refuses leaf0's, leaf0 accepts spine0's and answers
#     with a SYN-ACK and its OPEN, back to back; spine0 sends its OPEN on
#     the SYN-ACK.  Each handles the other's OPEN (P) and answers with a
#     KEEPALIVE, which makes the session Established (KEEPALIVEs cost no
#     CPU time): leaf0 at t1 = D' + w(SYN) + w(SYN-ACK) + w(OPEN) +
#     w(KEEPALIVE) + 3 us + P, spine0 1 us later (its OPEN left one trip
#     after leaf0's), before leaf0's first UPDATE reaches it.  Each side
#     sends its table:
#     leaf0 its own prefix ([leaf0], 47 B) first; the spine handles it
#     (P) and announces [spine, leaf0] to leaf1 (51 B), which handles it
#     (P) and puts spine0 back in its group for leaf0: converged = t1 +
#     w(47) + w(51) + 2 us + 2 P.
#   MRAI: with bgp_mrai 2 ms the cut converges as without (withdrawals
#     are not held back), but the spine's announcement to leaf1 waits
#     until 2 ms after its last one (the sessions' opening exchange at 0):
#     converged = 2 ms + w(51) + 1 us + P.
#   Flows: 16 TCP flows across the racks complete over the surviving
#     spines, spread by ECMP over all three; after the repair flows use
#     spine0 again.
#   Congested control class: with leaf2's and leaf3's servers (100 Gb/s)
#     sending UDP at line rate into leaf1, the spines' ports to leaf1 hold
#     full queues; spine0's withdrawal crosses one of them.  In its own
#     class 6 (strict priority, the default) it waits at most one data
#     frame; with bgp_tc 0, the data's class, it waits behind the queue:
#     convergence measurably later.
#   A partition (leaf0 loses both spines): the lasting no_route loss
#     after convergence is the failure's (events' windows run to the
#     next event or the end).
#   control.csv: one row per switch (role ebgp), RFC 7938's AS numbers
#     (one AS for the spines, one per leaf; on a fat-tree one for the
#     cores, one per pod's aggregation), message counts and bytes.
#   Scale: a k = 16 fat-tree reconverges (wall time printed).
set -u
. "$(dirname "$0")/../lib.sh"
run() { timeout 120 "$DCSIM" run "$@" --quiet --no-report; }
ev() { cell "$1" events.csv "$2" "${3:-1}"; }
# Wire time at 100 Gb/s of a BGP message of $1 bytes, in ps.
wire() { echo $(( ($1 + 20 + 20 + 18 + 20) * 80 )); }

{
    cat <<'YAML'
name: failover-bgp
stop: 50ms
topology:
  type: spine-leaf
  spines: 4
  leaves: 2
  servers_per_leaf: 8
  server_link: {rate: 25Gbps, delay: 1us}
  uplink: {rate: 100Gbps, delay: 1us}
tcp: {min_rto: 1ms}
traffic:
  - pattern: flows
    protocol: tcp
    flows:
YAML
    for i in 0 1 2 3 4 5 6 7; do
        echo "      - {src: h$i, dst: h$((i + 8)), size: 2MB, start: START}"
        echo "      - {src: h$((i + 8)), dst: h$i, size: 2MB, start: START}"
    done
} >"$tmp/base.yaml"
P=50000000 US=1000000
CTL='control: {carrier_down: 10us, carrier_up: 100us, convergence: bgp, bgp_processing: 50us}'

# Timing without data in the way: the flows start at 20 ms.
sed 's/START/20ms/' "$tmp/base.yaml" >"$tmp/quiet.yaml"
printf '%s\n' 'events:' '  - {at: 100us, link_down: [leaf0, spine0]}' \
    '  - {at: 1ms, link_up: [leaf0, spine0]}' "$CTL" >>"$tmp/quiet.yaml"
run "$tmp/quiet.yaml" -o "$tmp/quiet"
t $? "a cut and a repair under bgp run"
D=110000000
want=$((D + P + $(wire 27) + US + P))
d=$(ev "$tmp/quiet" detected_ps) c=$(ev "$tmp/quiet" converged_ps)
[ "$d" = "$D" ] && [ "$c" = "$want" ]
t $? "cut: detected at $d ps, converged at D + P + w(27 B) + 1 us + P = $want ps ($c)"
D2=1100000000
SYN=$((84 * 80))
t1=$((D2 + 2 * SYN + $(wire 49) + $(wire 19) + 3 * US + P))
want2=$((t1 + $(wire 47) + $(wire 51) + 2 * US + 2 * P))
c2=$(ev "$tmp/quiet" converged_ps 2)
[ "$c2" = "$want2" ]
t $? "repair: converged at D' + 2 w(SYN) + w(OPEN) + w(KEEPALIVE) + 3 us + P + w(47 B) + w(51 B) + 2 us + 2 P = $want2 ps ($c2)"

sed 's/convergence: bgp, bgp_processing: 50us/convergence: oracle, oracle_delay: 50us/' \
    "$tmp/quiet.yaml" >"$tmp/oracle.yaml"
run "$tmp/oracle.yaml" -o "$tmp/oracle"
c=$(ev "$tmp/oracle" converged_ps)
[ "$c" = $((D + 50000000)) ] && [ ! -e "$tmp/oracle/control.csv" ]
t $? "the same cut under oracle: converged at D + oracle_delay = $c ps, no control.csv"

# control.csv
rows=$(grep -c ',ebgp,' "$tmp/quiet/control.csv")
spine_as=$(awk -F, '$1 ~ /^spine/ { print $3 }' "$tmp/quiet/control.csv" | sort -u)
leaf_as=$(awk -F, '$1 ~ /^leaf/ { print $3 }' "$tmp/quiet/control.csv" | sort -u | wc -l)
[ "$rows" = 6 ] && [ "$spine_as" = 4200000000 ] && [ "$leaf_as" = 2 ]
t $? "control.csv: $rows speakers; the spines share AS $spine_as, each leaf its own"
wd=$(csv "$tmp/quiet/control.csv" 'c["withdrawals_rx"]' 'c["speaker"] == "leaf1"')
up=$(csv "$tmp/quiet/control.csv" 'c["sessions_up"]')
sess=$(csv "$tmp/quiet/control.csv" 'c["sessions"]')
tx=$(csv "$tmp/quiet/control.csv" 'c["bytes_tx"]')
rx=$(csv "$tmp/quiet/control.csv" 'c["bytes_rx"]')
[ "$wd" = 1 ] && [ "$up" = "$sess" ] && [ "$sess" = 16 ] && [ "$tx" = "$rx" ] && [ "$tx" -gt 0 ]
t $? "leaf1 received $wd withdrawal; $up of $sess session ends up at the end; $tx bytes sent, $rx received"

# MRAI holds back announcements, not withdrawals.
run "$tmp/quiet.yaml" -o "$tmp/mrai" --set control.bgp_mrai=2ms
c=$(ev "$tmp/mrai" converged_ps) c2=$(ev "$tmp/mrai" converged_ps 2)
want3=$((2000000000 + $(wire 51) + US + P))
[ "$c" = "$want" ] && [ "$c2" = "$want3" ]
t $? "bgp_mrai 2 ms: the cut still converges at $c ps; the repair's announcement waits: 2 ms + w(51 B) + 1 us + P = $want3 ps ($c2)"

# Flows across the cut.
sed 's/START/0/' "$tmp/base.yaml" >"$tmp/cut.yaml"
printf '%s\n' 'events: [{at: 100us, link_down: [leaf0, spine0]}]' "$CTL" \
    >>"$tmp/cut.yaml"
run "$tmp/cut.yaml" -o "$tmp/cut"
done_=$(csv "$tmp/cut/flows.csv" 'c["completed"]')
dead=$(csv "$tmp/cut/flows.csv" 1 'c["path"] ~ /leaf0>spine0|spine0>leaf0/')
s1=$(csv "$tmp/cut/flows.csv" 1 'c["path"] ~ /spine1/')
s2=$(csv "$tmp/cut/flows.csv" 1 'c["path"] ~ /spine2/')
s3=$(csv "$tmp/cut/flows.csv" 1 'c["path"] ~ /spine3/')
[ "$done_" = 16 ] && [ "$dead" = 0 ] && [ "$s1" -gt 0 ] && [ "$s2" -gt 0 ] &&
    [ "$s3" -gt 0 ] && [ $((s1 + s2 + s3)) = 16 ]
t $? "$done_ of 16 flows complete; none crosses the cut; spines 1-3 carry $s1, $s2, $s3"
hole=$(ev "$tmp/cut" lost_no_route) cut=$(ev "$tmp/cut" lost_link_down)
ttl=$(ev "$tmp/cut" lost_ttl_expired)
[ "$cut" -gt 0 ] && [ "$ttl" = 0 ] &&
    [ "$(num no_route "$tmp/cut/summary.json")" = "$hole" ]
t $? "lost: $cut into the dead cable, $hole black-holed at spine0 (as summary.json's no_route), no loops"

sed 's/START/5ms/' "$tmp/base.yaml" >"$tmp/late.yaml"
printf '%s\n' 'events:' '  - {at: 100us, link_down: [leaf0, spine0]}' \
    '  - {at: 1ms, link_up: [leaf0, spine0]}' "$CTL" >>"$tmp/late.yaml"
run "$tmp/late.yaml" -o "$tmp/late"
s0=$(csv "$tmp/late/flows.csv" 1 'c["path"] ~ /spine0/')
done_=$(csv "$tmp/late/flows.csv" 'c["completed"]')
[ "$s0" -gt 0 ] && [ "$done_" = 16 ]
t $? "after the repair the groups grew back: $s0 of 16 later flows use spine0"

# A congested control class: UDP at line rate from leaf2's and leaf3's
# servers into leaf1's, four flows each, so that every spine gets up to
# 200 Gb/s for its 100 Gb/s port to leaf1, whose queue fills.
{
    cat <<'YAML'
name: congested
stop: 2ms
topology:
  type: spine-leaf
  spines: 4
  leaves: 4
  servers_per_leaf: 8
  server_link: {rate: 100Gbps, delay: 1us}
  uplink: {rate: 100Gbps, delay: 1us}
traffic:
  - pattern: flows
    protocol: udp
    flows:
YAML
    for s in $(seq 16 31); do
        for j in 0 1 2 3; do
            echo "      - {src: h$s, dst: h$((8 + (s + j) % 8)), size: 2MB}"
        done
    done
    echo "events: [{at: 200us, link_down: [leaf0, spine0]}]"
    echo "$CTL"
} >"$tmp/busy.yaml"
run "$tmp/busy.yaml" -o "$tmp/busy6"
run "$tmp/busy.yaml" -o "$tmp/busy0" --set control.bgp_tc=0
c6=$(ev "$tmp/busy6" convergence_ps) c0=$(ev "$tmp/busy0" convergence_ps)
ideal=$((10000000 + P + $(wire 27) + US + P))
mtu_ps=$(( (1500 + 18 + 20) * 80 ))
echo "# convergence after the event: $c6 ps in class 6, $c0 ps in the data's class 0 (no wait: $ideal ps)"
[ "$c6" -ge "$ideal" ] && [ "$c6" -le $((ideal + mtu_ps)) ] && [ "$c0" -gt $((c6 + 5 * US)) ]
t $? "control in class 6 waits at most one data frame ($((c6 - ideal)) ps); in class 0, $((c0 - c6)) ps more behind the data"

# A partition: leaf0 loses both spines; UDP from h2 to h0 at 25 Gb/s
# (about 2 packets a microsecond) goes on until 2 ms.  Under either model
# leaf1 has no route to leaf0 once converged (at most ~0.2 ms after the
# second cut), and black-holes what h2 sends for good: the second event's
# window runs to the end of the run, so its lost_no_route holds the ~3600
# packets of the last 1.8 ms, and the two events' sums are summary.json's.
cat >"$tmp/part.yaml" <<'YAML'
name: partition
stop: 2ms
topology: {type: spine-leaf, spines: 2, leaves: 2, servers_per_leaf: 2}
traffic:
  - {pattern: flows, protocol: udp, flows: [{src: h2, dst: h0, size: 100MB}]}
events:
  - {at: 100us, link_down: [leaf0, spine0]}
  - {at: 200us, link_down: [leaf0, spine1]}
YAML
for model in oracle bgp; do
    extra=
    [ $model = bgp ] && extra="--set control.bgp_processing=10us"
    run "$tmp/part.yaml" -o "$tmp/part-$model" --set control.convergence=$model $extra
    hole=$(ev "$tmp/part-$model" lost_no_route 2)
    conv=$(ev "$tmp/part-$model" convergence_ps 2)
    sum=$(csv "$tmp/part-$model/events.csv" 'c["lost_no_route"]')
    [ "$hole" -gt 3000 ] && [ "$conv" -lt 200000000 ] &&
        [ "$sum" = "$(num no_route "$tmp/part-$model/summary.json")" ]
    t $? "$model: partitioned, converged $conv ps after the cut, then $hole packets black-holed to the end; the events' $sum is summary.json's no_route"
done

# Fat-trees: RFC 7938's numbering per tier (k = 4: 4 cores in one AS,
# each pod's 2 aggregation switches in one, 8 edges in their own: 13
# ASes for 20 speakers); and a k = 16 fat-tree (320 switches, 128 rack
# prefixes) reconverges after an edge-aggregation cut.  agg0 of pod 0 has
# no other path to edge0 (through a core or edge1 the path holds its
# pod's AS): it withdraws, and so do the 8 cores behind it, whose
# withdrawals each of the other pods' agg0 handles one after the other
# before telling its edges: at least 4 hops of P = 20 us, 8 of them
# queued at one CPU.
for k in 4 16; do
    cat >"$tmp/ft$k.yaml" <<YAML
name: ft$k
stop: 5ms
topology: {type: fat-tree, k: $k}
traffic:
  - {pattern: flows, protocol: tcp, flows: [{src: h0, dst: h$((k * k * k / 4 - 1)), size: 100KB, start: 1ms}]}
events: [{at: 100us, link_down: [edge0, agg0]}]
control: {convergence: bgp, bgp_processing: 20us}
YAML
    start=$(date +%s)
    run "$tmp/ft$k.yaml" -o "$tmp/ft$k"
    rc=$? secs=$(( $(date +%s) - start ))
    echo "# fat-tree k = $k: $secs s of wall time"
done
speakers=$(grep -c ',ebgp,' "$tmp/ft4/control.csv")
ases=$(cut -d, -f3 "$tmp/ft4/control.csv" | tail -n +2 | sort -u | wc -l)
cores=$(awk -F, '$1 ~ /^core/ { print $3 }' "$tmp/ft4/control.csv" | sort -u | wc -l)
[ "$speakers" = 20 ] && [ "$ases" = 13 ] && [ "$cores" = 1 ]
t $? "k = 4: $speakers speakers in $ases ASes, the cores in $cores"
conv=$(ev "$tmp/ft16" convergence_ps)
done_=$(csv "$tmp/ft16/flows.csv" 'c["completed"]')
wd=$(csv "$tmp/ft16/control.csv" 'c["withdrawals_rx"]')
[ "$rc" = 0 ] && [ "$conv" -ge $((4 * 20000000 + 7 * 20000000)) ] && [ "$done_" = 1 ] &&
    [ "$(grep -c ',ebgp,' "$tmp/ft16/control.csv")" = 320 ]
t $? "k = 16: 320 speakers, converged $conv ps after the cut ($wd withdrawals received), the flow completes"

run "$tmp/cut.yaml" -o "$tmp/again"
same_results "$tmp/cut" "$tmp/again" flows.csv events.csv control.csv links.csv
t $? "the same scenario twice: identical results"

echo "1..$n"
