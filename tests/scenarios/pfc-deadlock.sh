#!/bin/sh
# The classic PFC deadlock: a cyclic buffer dependency.  Five switches in a
# ring, one host on each; every host sends lossless (tc 3) UDP to the host
# two switches clockwise, so every ring link carries one flow on its first
# hop and another on its second, and each switch's ingress from its
# counter-clockwise neighbour waits on its egress to its clockwise one:
# the channel dependency graph is the ring itself (Dally and Seitz 1987;
# Hu et al., "Deadlocks in Datacenter Networks: Why Do They Form, and How
# to Avoid Them", HotNets 2016).  Once every ring port is paused at once,
# nothing moves again.
#
# Without the watchdog the run must report a deadlock (nothing delivered
# for the rest of the run, paused queues holding packets) and still end at
# its stop time.  With the watchdog (detection 100 us, action drop),
# storms are declared and reported, and traffic keeps being delivered to
# the end.  With action forward, traffic flows without drops.
set -u
. "$(dirname "$0")/../lib.sh"
run() { timeout 60 "$DCSIM" run "$@" --quiet --no-report; }

{
    echo "name: ring-deadlock"
    echo "stop: 5ms"
    echo "topology:"
    echo "  type: explicit"
    echo "  nodes:"
    for i in 0 1 2 3 4; do
        echo "    - {name: s$i, kind: switch}"
        echo "    - {name: h$i, kind: host}"
    done
    echo "  links:"
    for i in 0 1 2 3 4; do
        echo "    - {a: h$i, b: s$i, rate: 100Gbps, delay: 500ns}"
        echo "    - {a: s$i, b: s$(((i + 1) % 5)), rate: 100Gbps, delay: 500ns}"
    done
    echo "switch: {buffer: 1MB}"
    echo "pfc: {enabled: true}"
    echo "traffic:"
    echo "  - pattern: flows"
    echo "    flows:"
    for i in 0 1 2 3 4; do
        echo "      - {src: h$i, dst: h$(((i + 2) % 5)), size: 100MB, tc: 3}"
    done
} >"$tmp/ring.yaml"

run "$tmp/ring.yaml" -o "$tmp/off"
t $? "the ring runs without the watchdog"
s=$tmp/off/summary.json
end=$(num sim_time_ps "$s")
[ "$end" = 5000000000 ]
t $? "the deadlocked run ends at its stop time (sim_time_ps $end)"
grep -q '"deadlock": true' "$s"
t $? "summary.json reports the deadlock"
last=$(num last_delivery_ps "$s")
del_off=$(num bytes_delivered "$s")
[ "$last" -lt 500000000 ] && [ "$(num drops_total "$s")" = 0 ]
t $? "nothing delivered after $last ps (< 10% of the run), no drop: $del_off bytes in all"
stuck=$(num stuck_at_end "$s")
ring_paused=$(awk -F, '$1 ~ /^s/ && $3 ~ /^s/ && $4 == 3 && $12 == 1' "$tmp/off/pfc.csv" | wc -l)
[ "$stuck" -ge 5 ] && [ "$ring_paused" = 5 ]
t $? "all 5 clockwise ring ports paused at the end ($ring_paused), $stuck paused queues hold packets"

run "$tmp/ring.yaml" -o "$tmp/wd" --set pfc.watchdog.detection=100us \
    --set pfc.watchdog.restoration=200us
t $? "the ring runs with the watchdog (drop)"
s=$tmp/wd/summary.json
grep -q '"deadlock": false' "$s"
t $? "no deadlock reported with the watchdog"
storms=$(sed -n 's/.*"watchdog": {"storms": \([0-9]*\).*/\1/p' "$s")
events=$(grep -c '"event": "storm"' "$s")
[ "${storms:-0}" -gt 0 ] && [ "$events" = "$storms" ]
t $? "storms declared and each reported as an event ($storms)"
wd_drops=$(num pfc_watchdog "$s")
[ "${wd_drops:-0}" -gt 0 ]
t $? "the stormed queues' packets are dropped with reason pfc_watchdog ($wd_drops)"
last=$(num last_delivery_ps "$s")
del_wd=$(num bytes_delivered "$s")
[ "$last" -gt 4500000000 ] && [ "$del_wd" -gt $((10 * del_off)) ]
t $? "traffic recovers: delivered until $last ps, $del_wd bytes (> 10 x $del_off)"

run "$tmp/ring.yaml" -o "$tmp/fwd" --set pfc.watchdog.detection=100us \
    --set pfc.watchdog.action=forward
t $? "the ring runs with the watchdog (forward)"
s=$tmp/fwd/summary.json
del_fwd=$(num bytes_delivered "$s")
grep -q '"deadlock": false' "$s" && [ "$del_fwd" -gt $((10 * del_off)) ]
t $? "forwarding past the pauses also recovers: $del_fwd bytes"

echo "1..$n"
