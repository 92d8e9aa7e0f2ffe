#!/bin/sh
# `dcsim validate` is the dry run of `run` (issue 21 item 4): the same
# warnings, and an estimate of the run's cost; `run` and `validate` refuse
# a scenario whose memory would not fit in the machine, before building
# it, with a located message that gives the estimate.
set -u
. "$(dirname "$0")/../lib.sh"
here=$(cd "$(dirname "$0")/../.." && pwd)
fix="$here/tests/cli/limits"

# 1. Warnings: a headroom below what the ports need, and an IB buffer below
# the credit round trip, are printed by validate as by run.
for c in "ethernet pfc.headroom=1KB pfc.headroom" "ib ib.vl_buffer=4KiB ib.vl_buffer"; do
    set -- $c
    "$DCSIM" validate "$fix/$1.yaml" --set "$2" >"$tmp/v.out" 2>"$tmp/v.err"
    t $? "validate $1 --set $2: exit 0"
    grep -q "^dcsim: warning: $3 " "$tmp/v.err"
    t $? "validate warns about $3"
    "$DCSIM" run "$fix/$1.yaml" --set "$2" -q --no-report -o "$tmp/r" >/dev/null 2>"$tmp/r.err"
    grep "^dcsim: warning:" "$tmp/r.err" | diff - "$tmp/v.err" >/dev/null
    t $? "the warnings of validate are those of run"
done

# 2. The estimate: one line with flows, memory and events.  A permutation
# of 4 hosts is 4 flows, known exactly.
"$DCSIM" validate "$fix/hpcc.yaml" >"$tmp/v.out" 2>&1
grep -Eq '^estimate: 4 flows; memory [0-9.]+ KiB static, up to [0-9.]+ [KMG]iB of queued packets, 0 B of monitor series; about [0-9.e+]+ events$' "$tmp/v.out"
t $? "validate prints the estimate: $(tail -1 "$tmp/v.out")"

# too_big NAME WANT WHAT: validate and run of $tmp/NAME.yaml exit 2,
# print nothing on stdout and leave no results directory; stderr matches
# WANT.
too_big() {
    for cmd in validate "run -o $tmp/$1"; do
        "$DCSIM" $cmd "$tmp/$1.yaml" >"$tmp/out" 2>"$tmp/err" || rc=$?
        [ "${rc:-0}" = 2 ] && [ ! -s "$tmp/out" ] && [ ! -e "$tmp/$1" ] &&
            grep -q "$2" "$tmp/err"
        t $? "${cmd%% *}: $3: $(cat "$tmp/err")"
        unset rc
    done 2>/dev/null
}

# 3. Too many flows: refused before anything is built, at the traffic
# entry, with the estimate; run leaves no results directory.
cat >"$tmp/big.yaml" <<'YAML'
topology: {type: spine-leaf, spines: 1, leaves: 2, servers_per_leaf: 4}
traffic:
  - {pattern: random, count: 4294967295, size: 64B}
YAML
too_big big "^$tmp/big.yaml:3:5: traffic.0: the run needs about [0-9.]* TiB of memory, more than the .* available (4.295e+09 flows" \
    "2^32 flows refused with the estimate"

# 4. All-to-all on a large fabric: n^2 flows, refused at once.
cat >"$tmp/a2a.yaml" <<'YAML'
topology: {type: fat-tree, k: 64}
traffic:
  - {pattern: all-to-all, size: 1KB}
YAML
"$DCSIM" validate "$tmp/a2a.yaml" >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q "^$tmp/a2a.yaml:3:5: traffic.0: .*(4.295e+09 flows" "$tmp/err"
t $? "all-to-all over 65536 hosts refused: $(cat "$tmp/err")"

# 4b. VMs are counted (they once were not: a world of VMs was built
# until memory ran out): 2^28 VMs, each with 256 vCPUs and a drive of
# 4096 requests in flight, refused at server.vm.
cat >"$tmp/vms.yaml" <<'YAML'
topology: {type: fat-tree, k: 64}
traffic:
  - {pattern: flows, flows: [{src: h0, dst: h1, size: 1KB}]}
server: {vm: {io: virtio, count: 4096, vcpus: 256, block: {job: {requests: 1, iodepth: 4096}}}}
YAML
too_big vms "^$tmp/vms.yaml:4:14: server.vm: the run needs about [0-9.]* TiB of memory, more than the .* available (the servers' cores and VMs [0-9.]* TiB); expected fewer VMs, vCPUs or hosts$" \
    "2^28 VMs with drives refused at server.vm"

# 4c. Storage jobs' workers and I/O slots are counted (they once were
# not: 1024 workers of 65536 I/Os each were built until memory ran out):
# 128 such jobs (~9 GiB each) refused at the first of the largest.
job='{initiator: h0, target: h4, protocol: nvme-tcp, rw: randread, iodepth: 65536, numjobs: 1024, duration: 1ms}'
{
    printf '%s\n' 'topology: {type: spine-leaf, spines: 1, leaves: 2, servers_per_leaf: 4}' \
        'server: {cores_per_socket: 8}' 'storage:' '  jobs:'
    for i in $(seq 128); do printf '    - %s\n' "$job"; done
} >"$tmp/sto.yaml"
too_big sto "^$tmp/sto.yaml:5:7: storage.jobs.0: the run needs about [0-9.]* TiB of memory, more than the .* available (the storage jobs' workers, I/O slots and latencies [0-9.]* TiB); expected fewer workers (numjobs), a smaller iodepth or fewer I/Os$" \
    "128 jobs of 1024 storage workers of 65536 I/Os refused at the job"

# 5. Monitor series that would not fit: refused at monitor.interval.
cat >"$tmp/mon.yaml" <<'YAML'
stop: 1s
topology: {type: spine-leaf, spines: 1, leaves: 2, servers_per_leaf: 4}
traffic:
  - {pattern: permutation, size: 1MB}
monitor: {interval: 1ps, queues: [leaf0]}
YAML
"$DCSIM" run "$tmp/mon.yaml" -o "$tmp/mon" >/dev/null 2>"$tmp/err"
[ $? = 2 ] && [ ! -e "$tmp/mon" ] &&
    grep -q "^$tmp/mon.yaml:5:21: monitor.interval: 1 ps over 1 s of simulated time makes about" "$tmp/err"
t $? "a 1 ps monitor over 1 s refused: $(cat "$tmp/err")"

# 6. Vswitches' flow caches are counted: scenarios/evpn-failover.yaml
# has 60 tenant servers with VMs, each with a vswitch whose megaflow
# cache has 65536 buckets of 4 B, all written at build (15 MiB in all).
# The estimate (plus the ~4.2 MiB the process holds besides, the header
# of world-estimate.c) is within 15% of the measured peak RSS (it was
# 32% low without them); the run's own cost with the vswitches off
# shrinks by at least the buckets.
ef="$here/scenarios/evpn-failover.yaml"
mib() { sed -n 's/.*memory \([0-9.]*\) MiB static.*/\1/p' "$1"; }
# near_rss WHAT EST ARGS...: the peak RSS of dcsim ARGS is within 15% of
# EST MiB plus the ~4.2 MiB the process holds besides (the header of
# world-estimate.c); skipped under AddressSanitizer or without GNU time.
near_rss() {
    what=$1 est=$2
    shift 2
    if grep -q __asan_init "$(command -v "$DCSIM")" 2>/dev/null; then
        n=$((n + 1))
        echo "ok $n # skip peak RSS under AddressSanitizer (its shadow memory and calloc)"
    elif [ -x /usr/bin/time ]; then
        /usr/bin/time -v "$DCSIM" "$@" 2>"$tmp/rss.time" >/dev/null
        rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/rss.time")
        awk -v e="$est" -v r="$rss" 'BEGIN { x = (e + 4.2) * 1024 / r; exit !(x > 0.85 && x < 1.15) }'
        t $? "$what: estimate $est MiB + 4.2 MiB against a peak RSS of $rss KiB, within 15%"
    else
        n=$((n + 1))
        echo "ok $n # skip peak RSS: no /usr/bin/time"
    fi
}
"$DCSIM" validate "$ef" >"$tmp/ef.out" 2>&1
est=$(mib "$tmp/ef.out")
near_rss evpn-failover "$est" run "$ef" -q --no-report -o "$tmp/ef"
"$DCSIM" validate "$ef" --set overlay.vswitch.megaflow_entries=1 >"$tmp/ef1.out" 2>&1
est1=$(mib "$tmp/ef1.out")
awk -v a="$est" -v b="$est1" 'BEGIN { exit !(a - b >= 60 * 65534 * 4 / 1048576) }'
t $? "with 1 megaflow entry (2 buckets) the estimate falls from $est MiB to $est1 MiB, by at least 60 x 65534 x 4 B"

# 7. The storage jobs' estimate against what validate builds: 64 workers
# of 4096 I/O slots (~34 MiB of them), within 15% of the peak RSS as in 6.
head -5 "$tmp/sto.yaml" |
    sed 's/iodepth: 65536, numjobs: 1024/iodepth: 4096, numjobs: 64/' >"$tmp/sto64.yaml"
"$DCSIM" validate "$tmp/sto64.yaml" >"$tmp/sto.out" 2>&1
near_rss "storage jobs (validate)" "$(mib "$tmp/sto.out")" validate "$tmp/sto64.yaml"

echo "1..$n"
