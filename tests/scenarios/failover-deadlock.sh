#!/bin/sh
# The PFC deadlock a failure brings about in a Clos (issue 15 item 4 and
# test 14).  Reconvergence under the oracle model installs plain shortest
# paths of the damaged graph (route_compute(), a BFS per destination, with
# no up-down rule), and in a fat-tree these may go down and up again: an
# up-down violation, the cause of the deadlocks of Guo et al., "RDMA over
# Commodity Ethernet at Scale" (SIGCOMM 2016), and Hu et al., "Deadlocks
# in Datacenter Networks" (HotNets 2016).
#   One cut is not enough: in a k=4 fat-tree without agg1-edge0, agg1 and
#     core2/core3 would bounce at edge1 (test-fabric.c checks their next
#     hops), but every host's shortest path avoids them: of the 240 flows
#     of an all-to-all started after the cut, none bounces.
#   Two cuts split a pod: without agg1-edge0 and agg0-edge1, edge0 has
#     only agg0 and edge1 only agg1, so traffic between them goes
#     edge0>agg0>core>aggX>edgeY>aggX'>core'>agg1>edge1: down to an edge of
#     another pod and up again.  Flows h0->h2 (bounces agg2>edge3>agg3) and
#     h3->h1 (bounces agg3>edge2>agg2), with pod 1's own h4->h6
#     (edge2>agg2>edge3) and h7->h5 (edge3>agg3>edge2), make the channel
#     dependency cycle agg2>edge3 -> edge3>agg3 -> agg3>edge2 -> edge2>agg2
#     -> agg2>edge3, every link of it shared by two 100 Gb/s flows.  These
#     four are picked out of 28 (every pod-0 pair across its edges twice
#     each way, and pods 1-3 edge to edge) by their ECMP hashes: they carry
#     2 MB in lossless class 3 (RoCE, no congestion control), the others
#     10 KB and finish early.  The first checks say which paths they took.
# Without events: no bounce, no deadlock, all 28 flows complete.  Cables
# cut at 100 us, watchdog off: the run deadlocks (summary.json), the ports
# paused at the end contain that cycle, the four flows never complete.
# Watchdog on (detection 100 us, action drop): storms are declared, their
# packets dropped, and every flow completes (go-back-N after a 1 ms
# timeout), with nothing paused at the end.
set -u
. "$(dirname "$0")/../lib.sh"
run() { timeout 60 "$DCSIM" run "$@" --quiet --no-report; }
bounces='c["path"] ~ /agg[0-9]+>edge[0-9]+>agg/'

# The switches whose class-3 ports towards switches were paused at the end
# and lie on a cycle of them (nodes without a paused port out, or in, are
# pruned until none is left), as a walk from the first: "agg2>edge3>...".
paused_cycle() {
    awk -F, 'NR > 1 && $4 == 3 && $12 == 1 && $1 !~ /^h/ && $3 !~ /^h/ {
            e[++m] = $1 SUBSEP $3; live[$1] = live[$3] = 1 }
        END {
            do {
                changed = 0
                for (x in live) { o[x] = 0; i[x] = 0 }
                for (k = 1; k <= m; k++) {
                    split(e[k], ab, SUBSEP)
                    if ((ab[1] in live) && (ab[2] in live)) { o[ab[1]]++; i[ab[2]]++ }
                }
                for (x in live)
                    if (!o[x] || !i[x]) { delete live[x]; changed = 1 }
            } while (changed)
            for (k = 1; k <= m; k++) {
                split(e[k], ab, SUBSEP)
                if ((ab[1] in live) && (ab[2] in live) && !(ab[1] in next_))
                    next_[ab[1]] = ab[2]
            }
            start = ""
            for (x in live) if (start == "" || x < start) start = x
            if (start == "") exit
            s = start; x = next_[start]; n = 0
            while (x != start && n++ < 100) { s = s ">" x; x = next_[x] }
            print s ">" start
        }' "$1"
}

cat >"$tmp/one.yaml" <<'YAML'
name: one-cut
stop: 5ms
topology: {type: fat-tree, k: 4}
traffic:
  - {pattern: all-to-all, size: 10KB, start: 200us}
events:
  - {at: 100us, link_down: [agg1, edge0]}
YAML
run "$tmp/one.yaml" -o "$tmp/one"
t $? "a k=4 fat-tree without agg1-edge0 runs"
f=$tmp/one/flows.csv
all=$(csv "$f" 1)
b=$(csv "$f" 1 "$bounces")
done_=$(csv "$f" 'c["completed"]')
[ "$all" = 240 ] && [ "$b" = 0 ] && [ "$done_" = 240 ]
t $? "one cut: of $all all-to-all flows after it, $b bounce; $done_ complete"

{
    cat <<'YAML'
name: split-pod
stop: 5ms
topology: {type: fat-tree, k: 4}
switch: {buffer: 1MB}
qos: {lossless: [3]}
pfc: {enabled: true}
rdma: {cc: none, timeout: 1ms}
traffic:
  - pattern: flows
    protocol: roce
    flows:
YAML
    i=0
    for r in 1 2; do for a in 0 1; do for b in 2 3; do
        for pair in "$a $b" "$b $a"; do
            set -- $pair
            case $i in 0 | 15) size=2MB ;; *) size=10KB ;; esac
            echo "      - {src: h$1, dst: h$2, size: $size, tc: 3}"
            i=$((i + 1))
        done
    done; done; done
    for p in 1 2 3; do
        h=$((4 * p))
        for pair in "$h $((h + 2))" "$((h + 1)) $((h + 3))" \
            "$((h + 2)) $h" "$((h + 3)) $((h + 1))"; do
            set -- $pair
            case $i in 16 | 19) size=2MB ;; *) size=10KB ;; esac
            echo "      - {src: h$1, dst: h$2, size: $size, tc: 3}"
            i=$((i + 1))
        done
    done
} >"$tmp/base.yaml"
cp "$tmp/base.yaml" "$tmp/split.yaml"
cat >>"$tmp/split.yaml" <<'YAML'
events:
  - {at: 100us, link_down: [agg1, edge0]}
  - {at: 100us, link_down: [agg0, edge1]}
YAML

run "$tmp/base.yaml" -o "$tmp/none"
s=$tmp/none/summary.json
f=$tmp/none/flows.csv
b=$(csv "$f" 1 "$bounces")
done_=$(csv "$f" 'c["completed"]')
grep -q '"deadlock": false' "$s" && [ "$b" = 0 ] && [ "$done_" = 28 ]
t $? "without the cuts: no deadlock, $b paths bounce, $done_ of 28 flows complete"

run "$tmp/split.yaml" -o "$tmp/off"
t $? "the split pod runs without the watchdog"
f=$tmp/off/flows.csv
big='c["size_bytes"] == 2000000'
p1=$(csv "$f" 1 "$big"' && c["path"] ~ /agg2>edge3>agg3/ && c["src"] == "h0"')
p2=$(csv "$f" 1 "$big"' && c["path"] ~ /agg3>edge2>agg2/ && c["src"] == "h3"')
p3=$(csv "$f" 1 "$big"' && c["path"] == "edge2>agg2>edge3"')
p4=$(csv "$f" 1 "$big"' && c["path"] == "edge3>agg3>edge2"')
b=$(csv "$f" 1 "$bounces")
[ "$p1$p2$p3$p4" = 1111 ]
t $? "the four 2 MB flows take the paths of the cycle ($b of 28 bounce)"
s=$tmp/off/summary.json
grep -q '"deadlock": true' "$s"
t $? "summary.json reports the deadlock"
last=$(num last_delivery_ps "$s")
stuck=$(num stuck_at_end "$s")
[ "$last" -lt 500000000 ] && [ "$stuck" -ge 4 ]
t $? "nothing delivered after $last ps (< 10% of the run); $stuck paused queues hold packets"
cycle=$(paused_cycle "$tmp/off/pfc.csv")
[ "$cycle" = "agg2>edge3>agg3>edge2>agg2" ]
t $? "the class-3 ports paused at the end close a cycle: $cycle"
done_=$(csv "$f" 'c["completed"]')
stuck_f=$(csv "$f" 1 '!c["completed"]')
got=$(csv "$f" 'c["bytes_delivered"]' '!c["completed"]')
[ "$done_" = 24 ] && [ "$stuck_f" = 4 ] && [ "$got" -lt $((4 * 2000000)) ]
t $? "$done_ flows complete, $stuck_f stay stuck with $got of their 8000000 bytes delivered"

run "$tmp/split.yaml" -o "$tmp/wd" --set pfc.watchdog.detection=100us \
    --set pfc.watchdog.restoration=200us
t $? "the split pod runs with the watchdog (drop)"
s=$tmp/wd/summary.json
storms=$(sed -n 's/.*"watchdog": {"storms": \([0-9]*\).*/\1/p' "$s")
events=$(grep -c '"event": "storm"' "$s")
drops=$(num pfc_watchdog "$s")
grep -q '"deadlock": false' "$s" && [ "${storms:-0}" -gt 0 ] &&
    [ "$events" = "$storms" ] && [ "${drops:-0}" -gt 0 ]
t $? "no deadlock: $storms storms, each reported, $drops packets dropped by the watchdog"
done_=$(csv "$tmp/wd/flows.csv" 'c["completed"]')
last=$(num last_delivery_ps "$s")
cycle=$(paused_cycle "$tmp/wd/pfc.csv")
[ "$done_" = 28 ] && [ -z "$cycle" ] && [ "$(num paused_at_end "$s")" = 0 ]
t $? "all $done_ flows complete (the last delivery at $last ps), nothing paused at the end"

echo "1..$n"
