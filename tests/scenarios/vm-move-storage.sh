#!/bin/sh
# The storage of a moved VM (docs/models.md, "A moved VM's storage";
# issue 15 item 1).  h3's VMs, the initiator of an NVMe/TCP job to h0 (60
# 4 KiB reads, one at a time, from 1 ms), move to h4 at T = 2 ms (BGP
# EVPN, software VTEPs).  As QEMU's switch-over does (migrate.c), the
# read in flight at T completes on h3's session (drain); the next one
# waits while h4 opens its own session to h0: TCP's SYN and SYN-ACK, then
# ICReq / ICResp and the Fabrics Connect command / its response, six
# one-way crossings of h4 -> leaf1 -> spine -> leaf0 -> h0 (4 links); then
# it and every later read go from h4.
#   Counts: every read completes once (ios 60, issued 60) and the
#     messages are 2 per read (CapsuleCmd; C2HData with CapsuleResp) and
#     the 4 of the setup: 124.  None is lost, re-sent or dropped.
#   Links (link_series.csv, 100 us intervals; run "nosto" is the same
#     without storage, so its bytes are BGP's alone): up to T h4's links
#     carry no storage (the same bytes as nosto); from T + 200 us (the
#     read in flight at T takes < 100 us) h3's carry none; over the run
#     leaf1 -> h4 carries at least the data of every read issued after T
#     (60 - n0 of them, n0 the reads a run that stops issuing at T
#     completes: 4144 B of C2HData + CapsuleResp as 1460 + 1460 + 1224 B
#     segments, 4378 B of frames with IP, TCP, Ethernet, FCS, preamble and
#     gap) and h4 -> leaf1 their CapsuleCmds (72 B: a 150 B frame).
#   Latency: the read after the move waits for the setup: with every
#     link's delay 20 us longer, a read's latency (p50) grows by 2
#     crossings x 4 links x 20 us = 160 us, and the slowest (the read
#     right after the move) by 160 us + 6 x 4 x 20 us = 640 us: its excess
#     over p50 by the setup's 480 us.  Within 5 us: on their way the
#     setup's messages may wait for a core that is busy with other work
#     (the drained read's completion, EVPN's UPDATEs after the move) for
#     a few us in one run and not in the other.
set -u
. "$(dirname "$0")/../lib.sh"
run() { timeout 120 "$DCSIM" run "$@" --quiet --no-report; }
sto() { cell "$1" storage.csv "$2"; }
# bytes DIR FROM TO COND: link FROM -> TO's bytes in link_series.csv rows
# whose time_ps (t) meets COND.
bytes() {
    awk -F, -v a="$2" -v b="$3" 'NR > 1 && $2 == a && $4 == b { t = $1; if ('"$4"') s += $5 }
        END { print s + 0 }' "$1/link_series.csv"
}

{ evpn_fabric move-storage 10ms 2 2 3 server '[{name: red, vni: 100, hosts: [h0, h1, h3, h4]}]'
  cat <<'YAML'
evpn: {topology: route_reflectors, route_reflectors: [h2], update_cpu: 1us}
storage:
  jobs:
    - {initiator: h3, target: h0, protocol: nvme-tcp, iodepth: 1, count: 60, start: 1ms}
monitor:
  interval: 100us
  links: [h3, leaf1->h3, h4, leaf1->h4]
events:
  - {at: 2ms, vm_move: [h3, h4]}
YAML
} >"$tmp/move.yaml"
run "$tmp/move.yaml" -o "$tmp/move"; t $? "a VM with an NVMe/TCP session moves"
ios=$(sto "$tmp/move" ios) reads=$(sto "$tmp/move" reads)
msgs=$(num messages "$tmp/move/summary.json")
drops=$(all_drops "$tmp/move/summary.json")
echo "# ios $ios, issued $reads, messages $msgs, drops $drops"
t "$([ "$ios" = 60 ] && [ "$reads" = 60 ] && [ "$msgs" = 124 ] && [ "$drops" = 0 ]; echo $?)" \
    "every read completes once: 60 of 60, 60 x 2 + 4 setup messages = 124 (got $msgs), nothing dropped"

sed '/^storage:/,/^monitor:/{/^monitor:/!d}' "$tmp/move.yaml" >"$tmp/nosto.yaml"
run "$tmp/nosto.yaml" -o "$tmp/nosto"; t $? "the same without storage"
sed 's/count: 60/duration: 1ms/; /^events:/,$d' "$tmp/move.yaml" >"$tmp/upto.yaml"
run "$tmp/upto.yaml" -o "$tmp/upto"; t $? "the same reads up to T, no move"
n0=$(sto "$tmp/upto" ios)

for l in "h4 leaf1" "leaf1 h4"; do
    a=$(bytes "$tmp/move" $l "t <= 2000000000") b=$(bytes "$tmp/nosto" $l "t <= 2000000000")
    t "$([ "$a" = "$b" ]; echo $?)" "up to T, ${l% *} -> ${l#* } carries no storage ($a B, $b B without)"
done
for l in "h3 leaf1" "leaf1 h3"; do
    a=$(bytes "$tmp/move" $l "t > 2200000000") b=$(bytes "$tmp/nosto" $l "t > 2200000000")
    t "$([ "$a" = "$b" ]; echo $?)" "after the drain, ${l% *} -> ${l#* } carries no storage ($a B, $b B without)"
done
down=$(( $(bytes "$tmp/move" leaf1 h4 1) - $(bytes "$tmp/nosto" leaf1 h4 1) ))
up=$(( $(bytes "$tmp/move" h4 leaf1 1) - $(bytes "$tmp/nosto" h4 leaf1 1) ))
echo "# reads before the move (drain included) $n0; storage bytes leaf1->h4 $down, h4->leaf1 $up"
t "$([ "$n0" -gt 0 ] && [ "$n0" -lt 60 ] &&
     [ "$down" -ge $(( (60 - n0) * 4378 )) ] && [ "$up" -ge $(( (60 - n0) * 150 )) ]; echo $?)" \
    "h4's links carry the $((60 - n0)) reads after the move (>= $(( (60 - n0) * 4378 )) and $(( (60 - n0) * 150 )) B)"

sed 's/delay: 1us/delay: 21us/g' "$tmp/move.yaml" >"$tmp/far.yaml"
run "$tmp/far.yaml" -o "$tmp/far"; t $? "the same with 20 us more on every link"
p1=$(sto "$tmp/move" lat_p50_us) m1=$(sto "$tmp/move" lat_max_us)
p2=$(sto "$tmp/far" lat_p50_us) m2=$(sto "$tmp/far" lat_max_us)
echo "# p50 $p1 -> $p2 us, max $m1 -> $m2 us"
ok_if "$p2 - $p1 > 159.5 && $p2 - $p1 < 160.5" "a read's latency grows by 2 x 4 x 20 = 160 us"
ok_if "$m2 - $m1 > 635 && $m2 - $m1 < 645" \
    "the read after the move grows by 160 + 480 = 640 us: the new session's setup is in it"
ok_if "$m1 - $p1 >= 24" "at 1 us a link, the setup adds at least its 24 us of propagation ($m1 - $p1 us)"

# Other protocols: their setup messages (iSCSI: two login stages; NVMe-oF
# over RDMA: Connect and its response) and none lost.
for p in "iscsi 2 4" "nvme-rdma 3 2"; do
    set -- $p
    sed "s/protocol: nvme-tcp/protocol: $1/; /^monitor:/,/links:/d" "$tmp/move.yaml" >"$tmp/$1.yaml"
    run "$tmp/$1.yaml" -o "$tmp/$1"
    got=$(num messages "$tmp/$1/summary.json") ios=$(sto "$tmp/$1" ios)
    t "$([ "$ios" = 60 ] && [ "$got" = $((60 * $2 + $3)) ] &&
         [ "$(all_drops "$tmp/$1/summary.json")" = 0 ]; echo $?)" \
        "$1: 60 reads, 60 x $2 + $3 setup messages ($got), nothing dropped"
done

run "$tmp/move.yaml" -o "$tmp/again"
same_results "$tmp/move" "$tmp/again" storage.csv links.csv link_series.csv events.csv
t $? "determinism: the same results twice"

echo "1..$n"
