#!/bin/sh
# Determinism: the same scenario and seed run twice give byte-identical
# result files (summary.json compared without wall_seconds); a different
# seed gives different flows.
set -u
. "$(dirname "$0")/../lib.sh"

cat >"$tmp/s.yaml" <<'YAML'
name: det
seed: 5
topology: {type: spine-leaf, spines: 2, leaves: 4, servers_per_leaf: 4}
switch: {queue: 64KB}
traffic:
  - {pattern: permutation, size: 200KB}
  - {pattern: random, count: 50, size: 30KB, interarrival: 2us}
  - {pattern: incast, senders: 6, receiver: h3, size: 100KB, start: 20us}
YAML

for seedopt in "" "--seed 9"; do
    # shellcheck disable=SC2086
    "$DCSIM" run "$tmp/s.yaml" -o "$tmp/a" --quiet --no-report $seedopt
    ra=$?
    # shellcheck disable=SC2086
    "$DCSIM" run "$tmp/s.yaml" -o "$tmp/b" --quiet --no-report $seedopt
    rb=$?
    t $((ra + rb)) "two runs succeed ${seedopt:-(scenario seed)}"
    for f in flows.csv fct_by_size.csv links.csv queues.csv; do
        cmp -s "$tmp/a/$f" "$tmp/b/$f"
        t $? "$f identical across runs ${seedopt:-(scenario seed)}"
    done
    grep -v wall_seconds "$tmp/a/summary.json" >"$tmp/a.json"
    grep -v wall_seconds "$tmp/b/summary.json" >"$tmp/b.json"
    cmp -s "$tmp/a.json" "$tmp/b.json"
    t $? "summary.json identical but for wall_seconds ${seedopt:-(scenario seed)}"
    cp "$tmp/a/flows.csv" "$tmp/flows${seedopt:+-9}.csv"
    rm -rf "$tmp/a" "$tmp/b"
done
# The scenario exercises drops, so the comparison covers loss too.
"$DCSIM" run "$tmp/s.yaml" -o "$tmp/c" --quiet --no-report
grep -q '"queue_full": [1-9]' "$tmp/c/summary.json"
t $? "the determinism scenario has drops"
! cmp -s "$tmp/flows.csv" "$tmp/flows-9.csv"
t $? "a different seed gives different flows"
echo "1..$n"
