#!/bin/sh
# The queue monitor (queue_series.csv): samples on a regular grid up to the
# end of the run, a queue that builds under incast and drains, results
# byte-identical with and without a monitor, and determinism.  Every run
# is bounded by `timeout`, so a sampler that kept a run going forever
# fails instead of hanging the suite.
set -u
. "$(dirname "$0")/../lib.sh"
run() { timeout 20 "$DCSIM" run "$@" --quiet --no-report; }

# UDP incast, 8 senders of 100 KB to h0, all at 25 Gb/s.  Five of the 11
# other hosts are remote, so up to 3 local and 5 remote senders feed
# leaf0's port to h0.  Together they deliver 8 x 100 KB (plus headers)
# within about 35 us (100 KB at 25 Gb/s is 32 us), while the port drains
# 25 Gb/s x 35 us, about 110 KB: some 700 KB must queue there.  A small
# flow elsewhere at 400 us keeps the run going after the incast, so the
# series must show the queue back at 0.
cat >"$tmp/incast.yaml" <<'YAML'
name: incast
topology: {type: spine-leaf, spines: 2, leaves: 3, servers_per_leaf: 4}
traffic:
  - {pattern: incast, senders: 8, receiver: h0, size: 100KB}
  - pattern: flows
    flows: [{src: h11, dst: h10, size: 1KB, start: 400us}]
monitor:
  interval: 5us
  queues: [leaf0->h0, spine0, leaf1->spine1]
YAML
sed '/^monitor:/,$d' "$tmp/incast.yaml" >"$tmp/incast-plain.yaml"

run "$tmp/incast.yaml" -o "$tmp/a"; t $? "incast with a monitor runs (and ends)"
series=$tmp/a/queue_series.csv
[ "$(head -n 1 "$series")" = 'time_ps,node,port,to,tc,bytes,packets' ]
t $? "queue_series.csv header"

# Ports: leaf0's to h0, spine0's three, leaf1's to spine1: 5, in topology
# order, each with tc 0 only (all traffic is tc 0).
ports=$(awk -F, 'NR > 1 && $1 == 0 {print $2 ":" $3 ":" $4 ":" $5}' "$series" | tr '\n' ' ')
[ "$ports" = "leaf0:0:h0:0 leaf1:5:spine1:0 spine0:0:leaf0:0 spine0:1:leaf1:0 spine0:2:leaf2:0 " ]
t $? "the chosen ports, once each, in topology order (got: $ports)"

# The grid: every 5 us from 0 to the end of the run, 5 rows each.
end=$(sed -n 's/.*"sim_time_ps": \([0-9]*\).*/\1/p' "$tmp/a/summary.json")
awk -F, -v end="$end" -v iv=5000000 '
    NR > 1 { rows[$1]++; if ($1 > last) last = $1 }
    END {
        k = 0
        for (tm = 0; tm <= end; tm += iv) { if (rows[tm] != 5) exit 1; k++ }
        if (length(rows) != k || last + iv <= end) exit 1
    }' "$series"
t $? "a sample every 5 us from 0 to sim_time_ps ($end ps), 5 rows each"

q=$(grep '^[0-9]*,leaf0,0,h0,0,' "$series")
peak=$(printf '%s\n' "$q" | awk -F, '$6 > m {m = $6} END {print m + 0}')
true_peak=$(awk -F, '$1 == "leaf0" && $3 == "h0" {print $5}' "$tmp/a/queues.csv")
[ "$peak" -ge 600000 ]
t $? "leaf0->h0 builds above 600 KB under the incast (peak sample $peak)"
[ "$peak" -le "$true_peak" ] && [ $((peak * 10)) -ge $((true_peak * 9)) ]
t $? "the peak sample is at most, and within 10% of, queues.csv's max_bytes ($true_peak)"
printf '%s\n' "$q" | awk -F, '
    $6 > 0 { seen = 1 } $6 == 0 && seen && !drained { drained = $1 }
    drained && $6 != 0 { exit 1 } END { exit !(seen && drained) }'
t $? "then drains to 0 and stays there"
printf '%s\n' "$q" | awk -F, '$6 == 0 && $7 != 0 || $6 != 0 && $7 == 0 { exit 1 }'
t $? "bytes and packets are zero together"

# Sampling does not change the simulation: every other file is identical
# (summary.json but for wall_seconds), also in a run with drops.
run "$tmp/incast-plain.yaml" -o "$tmp/b"; t $? "the same incast without a monitor runs"
same() {
    for f in flows.csv fct_by_size.csv links.csv queues.csv; do
        cmp -s "$1/$f" "$2/$f" || return 1
    done
    grep -v wall_seconds "$1/summary.json" >"$tmp/1.json"
    grep -v wall_seconds "$2/summary.json" >"$tmp/2.json"
    cmp -s "$tmp/1.json" "$tmp/2.json" && [ ! -e "$2/queue_series.csv" ]
}
same "$tmp/a" "$tmp/b"
t $? "incast: identical results with and without the monitor"

cat >"$tmp/drops.yaml" <<'YAML'
name: drops
seed: 5
topology: {type: spine-leaf, spines: 2, leaves: 4, servers_per_leaf: 4}
switch: {queue: 64KB}
traffic:
  - {pattern: permutation, size: 200KB}
  - {pattern: random, count: 50, size: 30KB, interarrival: 2us}
  - {pattern: incast, senders: 6, receiver: h3, size: 100KB, start: 20us}
monitor:
  interval: 1us
  queues: [leaf0, spine1, h3]
YAML
sed '/^monitor:/,$d' "$tmp/drops.yaml" >"$tmp/drops-plain.yaml"
run "$tmp/drops.yaml" -o "$tmp/c" && run "$tmp/drops-plain.yaml" -o "$tmp/d"
t $? "a run with drops, with and without a monitor"
grep -q '"queue_full": [1-9]' "$tmp/d/summary.json" && same "$tmp/c" "$tmp/d"
t $? "with drops: identical results with and without the monitor"

run "$tmp/drops.yaml" -o "$tmp/e"
cmp -s "$tmp/c/queue_series.csv" "$tmp/e/queue_series.csv"
t $? "queue_series.csv is identical across runs"

# A stop time that cuts the run: samples up to stop, not beyond.
run "$tmp/drops.yaml" -o "$tmp/f" --set stop=30500ns
last=$(tail -n 1 "$tmp/f/queue_series.csv" | cut -d, -f1)
grep -q '"sim_time_ps": 30500000,' "$tmp/f/summary.json" && [ "$last" = 30000000 ]
t $? "cut at stop 30.5 us: the last sample is at 30 us (got $last)"
echo "1..$n"
