#!/bin/sh
# HPCC's options from its simulator (rdma.hpcc: window, fast_react,
# sample_feedback, w_ai, int_multi) in a scene: flow 0, 1 GB h1 -> h0,
# alone at 100 Gb/s until flow 1, 10 MB h2 -> h0, joins at 500 us; PFC on;
# 6 ms.  Each option moves the bottleneck queue (leaf0 -> h0, class 3)
# the way its definition says; figures printed.  tests/unit/test-hpcc.c
# checks the arithmetic of each.
set -u
. "$(dirname "$0")/../lib.sh"
run() { timeout 60 "$DCSIM" run "$@" --quiet --no-report; }

cat >"$tmp/two.yaml" <<'YAML'
name: hpcc-options
stop: 6ms
topology: {type: spine-leaf, spines: 1, leaves: 1, servers_per_leaf: 3,
           server_link: {rate: 100Gbps, delay: 1us},
           uplink: {rate: 100Gbps, delay: 1us}}
switch: {buffer: 16MB}
pfc: {enabled: true}
rdma: {cc: hpcc}
traffic:
  - pattern: flows
    protocol: roce
    flows: [{src: h1, dst: h0, size: 1GB, tc: 3},
            {src: h2, dst: h0, size: 10MB, start: 500us, tc: 3}]
YAML
scene() { d="$tmp/$1"; shift; run "$tmp/two.yaml" -o "$d" "$@"; }
# The bottleneck queue's peak and time average, in bytes.
peak() { awk -F, '$1 == "leaf0" && $3 == "h0" && $4 == 3 {print $5}' "$tmp/$1/queues.csv"; }
avg() { awk -F, '$1 == "leaf0" && $3 == "h0" && $4 == 3 {print $6}' "$tmp/$1/queues.csv"; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }

scene var
scene fixed --set rdma.hpcc.window=fixed
scene off --set rdma.hpcc.window=off
pv=$(peak var) pf=$(peak fixed) po=$(peak off)
lt "$pv" "$pf" && lt "$pf" "$po"
t $? "window: the variable window W bounds the queue tightest (peak $pv B), a fixed line-rate x T window less ($pf B), pacing alone least ($po B)"

scene slow --set rdma.hpcc.fast_react=false
av=$(avg var) as=$(avg slow)
lt "$av" "$as"
t $? "fast_react off: reacting once per round leaves a larger average queue ($as B vs $av B)"

scene sample --set rdma.hpcc.sample_feedback=true
asf=$(avg sample)
lt "$av" "$asf"
t $? "sample_feedback: skipping empty-queue records between rounds leaves a larger average queue ($asf B vs $av B)"

scene wai --set rdma.hpcc.w_ai=2000
aw=$(avg wai)
lt "$av" "$aw"
t $? "w_ai 2000 B (default R_AI x T, 40 Mb/s x T: about 25 B) keeps a larger standing queue ($aw B vs $av B)"

scene multi --set rdma.hpcc.int_multi=4
scene multi2 --set rdma.hpcc.int_multi=4
! same_results "$tmp/var" "$tmp/multi" flows.csv queues.csv &&
    same_results "$tmp/multi" "$tmp/multi2" flows.csv queues.csv
t $? "int_multi 4: the rounded telemetry changes the run (average queue $(avg multi) B vs $av B), deterministically"

echo "1..$n"
