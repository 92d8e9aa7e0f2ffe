#!/bin/sh
# Failures at run time (issue 15 tests 11 and 15, the oracle model).
#   Convergence: on a spine-leaf of 4 spines and 2 leaves, the cable
#     leaf0-spine0 is cut at T = 100 us.  With carrier detection the ends
#     notice at T + carrier_down = 110 us; every switch has its new routes
#     oracle_delay = 50 us later, at 160 us.  With BFD (interval I = 30
#     us, multiplier M = 3) the last control packet came at floor(T / I) x
#     I = 90 us and the session times out M x I later, at 180 us; converged
#     at 230 us.  events.csv must say exactly that: the oracle model has no
#     timer granularity of its own, BFD's is the interval, here taken into
#     account by the floor.
#   Loss: frames keep going into the dead cable until detection
#     (link_down > 0); spine0, whose only path down to leaf0 was the cable,
#     black-holes what leaf1 still sends it for leaf0 until every switch
#     has converged (no_route > 0 with a 1 ms oracle delay).  Nothing
#     loops under the oracle (ttl_expired = 0).
#   Survivors: 8 TCP flows each way between the racks all complete, and
#     after reconvergence no flow's path crosses the dead cable while every
#     surviving spine carries some: ECMP spreads the flows over the three
#     groups members left.  After a repair (link_up at 1 ms, carrier_up 100
#     us) flows started later use spine0 again: the groups grew back.
#   A switch comes back: spine0 fails at 200 us and returns at 1 ms while
#     a link_down at 100 us still holds its cable to leaf0 cut.  Its other
#     cables work again (detected carrier_up = 100 us later, converged
#     oracle_delay = 50 us after that: 1.15 ms).  Flows started at 2 ms
#     between leaf1 and leaf2 use spine0 again; none between leaf0 and
#     leaf1 crosses spine0, since its cable to leaf0 is still cut.
#   PFC across a failure: four RoCE flows in lossless class 3 from
#     leaf0's hosts into one host of leaf1 make spine0 pause leaf0's
#     uplink; spine0 fails at 200 us.  What it held is lost (switch_down),
#     the flows finish over spine1 (go-back-N resends), and leaf0's port
#     to spine0 does not stay paused: the pause it last received is never
#     refreshed nor answered by a resume, and runs out after its quanta,
#     65535 x 512 bit times = 335.5392 us at 100 Gb/s (802.1Qbb), which is
#     then that port's longest pause; nothing is paused at the end.
#   Byte-identical without events: a control section without events
#     changes nothing, and writes no events.csv and no link_down drops.
set -u
. "$(dirname "$0")/../lib.sh"
run() { timeout 60 "$DCSIM" run "$@" --quiet --no-report; }
ev() { csv "$1/events.csv" "c[\"$2\"]" "c[\"event\"] == ${3:-0}"; }

{
    cat <<'YAML'
name: failover
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
        echo "      - {src: h$i, dst: h$((i + 8)), size: 2MB}"
        echo "      - {src: h$((i + 8)), dst: h$i, size: 2MB}"
    done
} >"$tmp/base.yaml"
cp "$tmp/base.yaml" "$tmp/cut.yaml"
cat >>"$tmp/cut.yaml" <<'YAML'
events: [{at: 100us, link_down: [leaf0, spine0]}]
control: {carrier_down: 10us, oracle_delay: 50us}
YAML

run "$tmp/cut.yaml" -o "$tmp/carrier"
t $? "the run with a cut cable completes"
d=$(ev "$tmp/carrier" detected_ps) c=$(ev "$tmp/carrier" converged_ps)
[ "$d" = 110000000 ] && [ "$c" = 160000000 ]
t $? "carrier: detected at T + 10 us = 110 us ($d ps), converged 50 us later ($c ps)"

run "$tmp/cut.yaml" -o "$tmp/bfd" --set control.detection=bfd \
    --set control.bfd_interval=30us --set control.bfd_multiplier=3
T=100000000 I=30000000
want_d=$((T / I * I + 3 * I)) want_c=$((T / I * I + 3 * I + 50000000))
d=$(ev "$tmp/bfd" detected_ps) c=$(ev "$tmp/bfd" converged_ps)
[ "$d" = "$want_d" ] && [ "$c" = "$want_c" ]
t $? "bfd 30 us x 3: detected at floor(T/I) I + 3 I = $want_d ps ($d), converged at $want_c ps ($c)"

lost_cut=$(ev "$tmp/carrier" lost_link_down)
[ "$lost_cut" -gt 0 ] && [ "$(ev "$tmp/carrier" lost_ttl_expired)" = 0 ]
t $? "frames into the dead cable before detection: $lost_cut link_down, no TTL expiry"
[ "$(num link_down "$tmp/carrier/summary.json")" -ge "$lost_cut" ]
t $? "summary.json counts them in drops.link_down"
run "$tmp/cut.yaml" -o "$tmp/slow" --set control.oracle_delay=1ms
hole=$(ev "$tmp/slow" lost_no_route)
total=$(sed -n 's/.*"scenario_events".*"total": \([0-9]*\).*/\1/p' "$tmp/slow/summary.json")
[ "$hole" -gt 0 ] && [ "$total" = "$(ev "$tmp/slow" lost_total)" ]
t $? "a 1 ms oracle delay: spine0 black-holes $hole packets for leaf0 until all converge"

for r in carrier bfd slow; do
    done_=$(csv "$tmp/$r/flows.csv" 'c["completed"]')
    [ "$done_" = 16 ]
    t $? "$r: all 16 flows across the racks complete ($done_)"
done
dead=$(csv "$tmp/carrier/flows.csv" 1 'c["path"] ~ /leaf0>spine0|spine0>leaf0/')
s1=$(csv "$tmp/carrier/flows.csv" 1 'c["path"] ~ /spine1/')
s2=$(csv "$tmp/carrier/flows.csv" 1 'c["path"] ~ /spine2/')
s3=$(csv "$tmp/carrier/flows.csv" 1 'c["path"] ~ /spine3/')
[ "$dead" = 0 ] && [ "$s1" -gt 0 ] && [ "$s2" -gt 0 ] && [ "$s3" -gt 0 ] &&
    [ $((s1 + s2 + s3)) = 16 ]
t $? "after the cut no path crosses it; the survivors carry $s1, $s2, $s3 flows"

# Repair: flows started after the link is back may use spine0 again.
sed 's/size: 2MB}/size: 2MB, start: 2ms}/' "$tmp/base.yaml" >"$tmp/late.yaml"
cat >>"$tmp/late.yaml" <<'YAML'
events:
  - {at: 100us, link_down: [leaf0, spine0]}
  - {at: 1ms, link_up: [leaf0, spine0]}
control: {carrier_up: 100us, oracle_delay: 50us}
YAML
run "$tmp/late.yaml" -o "$tmp/late"
c=$(ev "$tmp/late" converged_ps 1)
s0=$(csv "$tmp/late/flows.csv" 1 'c["path"] ~ /spine0/')
[ "$c" = 1150000000 ] && [ "$s0" -gt 0 ]
t $? "repaired: converged at 1 ms + 100 us + 50 us ($c ps); $s0 later flows use spine0 again"

{
    cat <<'YAML'
name: switch-back
stop: 50ms
topology: {type: spine-leaf, spines: 4, leaves: 3, servers_per_leaf: 8}
traffic:
  - pattern: flows
    protocol: tcp
    flows:
YAML
    for i in 0 1 2 3 4 5 6 7; do
        echo "      - {src: h$((i + 8)), dst: h$((i + 16)), size: 100KB, start: 2ms}"
        echo "      - {src: h$((i + 16)), dst: h$((i + 8)), size: 100KB, start: 2ms}"
        echo "      - {src: h$i, dst: h$((i + 8)), size: 100KB, start: 2ms}"
        echo "      - {src: h$((i + 8)), dst: h$i, size: 100KB, start: 2ms}"
    done
    cat <<'YAML'
events:
  - {at: 100us, link_down: [leaf0, spine0]}
  - {at: 200us, switch_down: spine0}
  - {at: 1ms, switch_up: spine0}
control: {carrier_up: 100us, oracle_delay: 50us}
YAML
} >"$tmp/back.yaml"
run "$tmp/back.yaml" -o "$tmp/back"
c=$(ev "$tmp/back" converged_ps 2)
back=$(csv "$tmp/back/flows.csv" 1 'c["path"] ~ /leaf[12]>spine0>leaf[12]/')
cut=$(csv "$tmp/back/flows.csv" 1 'c["path"] ~ /leaf0>spine0|spine0>leaf0/')
done_=$(csv "$tmp/back/flows.csv" 'c["completed"]')
[ "$c" = 1150000000 ] && [ "$back" -gt 0 ] && [ "$cut" = 0 ] && [ "$done_" = 32 ]
t $? "spine0 back at 1 ms, converged at $c ps: $back leaf1-leaf2 flows use it, $cut cross its still-cut cable to leaf0; $done_ of 32 complete"

cat >"$tmp/pfc.yaml" <<'YAML'
name: pfc-failover
stop: 20ms
topology:
  type: spine-leaf
  spines: 2
  leaves: 2
  servers_per_leaf: 4
  server_link: {rate: 100Gbps, delay: 1us}
  uplink: {rate: 100Gbps, delay: 1us}
switch: {buffer: 2MB}
qos: {lossless: [3]}
pfc: {enabled: true}
rdma: {cc: none}
traffic:
  - pattern: flows
    protocol: roce
    flows:
      - {src: h0, dst: h4, size: 4MB, tc: 3}
      - {src: h1, dst: h4, size: 4MB, tc: 3}
      - {src: h2, dst: h4, size: 4MB, tc: 3}
      - {src: h3, dst: h4, size: 4MB, tc: 3}
events:
  - {at: 200us, switch_down: spine0}
YAML
run "$tmp/pfc.yaml" -o "$tmp/pfc"
t $? "a lossless incast through a spine that fails runs"
held=$(ev "$tmp/pfc" lost_switch_down)
done_=$(csv "$tmp/pfc/flows.csv" 'c["completed"]')
[ "$held" -gt 0 ] && [ "$done_" = 4 ]
t $? "spine0 loses the $held packets it held; the 4 flows complete over spine1"
up='c["node"] == "leaf0" && c["to"] == "spine0" && c["tc"] == 3'
unanswered=$(csv "$tmp/pfc/pfc.csv" 'c["pause_received"] - c["resume_received"]' "$up")
longest=$(csv "$tmp/pfc/pfc.csv" 'c["longest_pause_ps"]' "$up")
quanta=$((65535 * 512 * 10))
[ "$unanswered" -ge 1 ] && [ "$longest" = "$quanta" ] &&
    [ "$(num paused_at_end "$tmp/pfc/summary.json")" = 0 ]
t $? "leaf0's uplink to the dead spine: $unanswered pause unanswered, ran out after $longest ps (65535 quanta), none paused at the end"

run "$tmp/cut.yaml" -o "$tmp/again"
same_results "$tmp/carrier" "$tmp/again" flows.csv links.csv queues.csv events.csv
t $? "the same scenario twice: identical results"

cp "$tmp/base.yaml" "$tmp/ctl.yaml"
echo "control: {detection: bfd, oracle_delay: 1ms}" >>"$tmp/ctl.yaml"
run "$tmp/base.yaml" -o "$tmp/none"
run "$tmp/ctl.yaml" -o "$tmp/ctl"
same_results "$tmp/none" "$tmp/ctl" flows.csv links.csv queues.csv fct_by_size.csv &&
    [ ! -e "$tmp/ctl/events.csv" ] && ! grep -q link_down "$tmp/ctl/summary.json"
t $? "a control section without events: identical results, no events.csv, no link_down key"

echo "1..$n"
