#!/bin/sh
# Open-loop load end to end: a `random` entry with `load` and `duration`
# runs; summary.json reports the target and the offered load, which must
# equal the flows' bytes in flows.csv over the window and the hosts'
# capacity (16 hosts x 25 Gb/s = 400 Gb/s); the human summary prints it;
# two runs are identical.  (The accuracy of the generator against its
# target is tests/unit/test-workload.c.)
set -u
. "$(dirname "$0")/../lib.sh"

# 0.3 x 400 Gb/s / (8 x 20 KB) = 750 000 flows/s: about 150 in 200 us.
cat >"$tmp/s.yaml" <<'YAML'
name: load
topology: {type: spine-leaf, spines: 2, leaves: 4, servers_per_leaf: 4}
traffic:
  - {pattern: flows, flows: [{src: h0, dst: h1, size: 1KB}]}
  - {pattern: random, load: 0.3, duration: 200us, size: 20KB, start: 5us}
YAML
"$DCSIM" run "$tmp/s.yaml" -o "$tmp/a" --no-report >"$tmp/out"
t $? "a load scenario runs"
grep -q '"entry": 1, .*"window_ps": 200000000, "target_load": 0.300000, "offered_load": 0\.' \
    "$tmp/a/summary.json"
t $? "summary.json: entry 1 has window 200 us, target 0.3 and an offered load"
grep -q '"entry": 0, "flows": 1, "bytes": 1000, "window_ps": 0, "target_load": null, "offered_load": null' \
    "$tmp/a/summary.json"
t $? "summary.json: an explicit flow has no window and no load"
want=$(awk -F, 'NR > 2 { b += $6 } END { printf "%.6f", b * 8 / (200e-6 * 400e9) }' \
    "$tmp/a/flows.csv")
grep -q "\"entry\": 1, .*\"offered_load\": $want}" "$tmp/a/summary.json"
t $? "offered load $want = bytes in flows.csv x 8 / (200 us x 400 Gb/s)"
flows=$(($(wc -l <"$tmp/a/flows.csv") - 2))
grep -q "\"entry\": 1, \"flows\": $flows," "$tmp/a/summary.json"
t $? "entry 1's flow count ($flows) matches flows.csv"
grep -q "traffic.1: $flows flows, offered load .* of the hosts' link capacity (target 0.3000)" \
    "$tmp/out"
t $? "the human summary prints the offered and target load"

"$DCSIM" run "$tmp/s.yaml" -o "$tmp/b" --quiet --no-report
for f in flows.csv links.csv queues.csv; do
    cmp -s "$tmp/a/$f" "$tmp/b/$f"
    t $? "$f identical across runs"
done
grep -v wall_seconds "$tmp/a/summary.json" >"$tmp/a.json"
grep -v wall_seconds "$tmp/b/summary.json" >"$tmp/b.json"
cmp -s "$tmp/a.json" "$tmp/b.json"
t $? "summary.json identical but for wall_seconds"
echo "1..$n"
