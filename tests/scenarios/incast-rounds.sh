#!/bin/sh
# Incast rounds over UDP (closed loop): R rounds run one after another,
# each starting exactly `gap` after the previous one's last flow
# completed, with the same senders; incast.csv and summary.json report
# every round.  A round that loses packets never completes, and the rounds
# after it never start.  Every run is done twice to check determinism.
#
# Expected figures, by hand.  4 senders and the receiver h0 under one
# leaf, 25 Gb/s links with 1 us of propagation, no switch latency, a
# queue large enough for everything.  Each sender sends 14720 bytes: 10
# datagrams of 1472 bytes of payload (MTU 1500 - 28), each 1538 bytes on
# the wire (1500 + 14 Ethernet + 4 FCS + 8 preamble + 12 gap), 492160 ps
# at 25 Gb/s.  The first datagrams reach the leaf at 492160 + 1000000 ps;
# from then on the leaf's port to h0 is never idle (4 x 25 Gb/s in, 25
# out) until all 40 datagrams are sent, and the last arrives 1 us later:
# 1492160 + 40 x 492160 + 1000000 = 22178560 ps per round.  Goodput:
# 4 x 14720 x 8 bits / 22178560 ps = 21238529463 b/s.  With gap 10 us the
# rounds start at 0, 32178560 and 64357120 ps.
set -u
. "$(dirname "$0")/../lib.sh"

# run NAME: runs $tmp/NAME.yaml twice into $tmp/NAME and $tmp/NAME-2 and
# checks that the results are identical.
run() {
    "$DCSIM" run "$tmp/$1.yaml" -o "$tmp/$1" --no-report >"$tmp/$1.out"
    ra=$?
    "$DCSIM" run "$tmp/$1.yaml" -o "$tmp/$1-2" --quiet --no-report
    t $((ra + $?)) "$1: two runs succeed"
    same=0
    for f in flows.csv links.csv queues.csv incast.csv; do
        cmp -s "$tmp/$1/$f" "$tmp/$1-2/$f" || same=1
    done
    grep -v wall_seconds "$tmp/$1/summary.json" >"$tmp/a.json"
    grep -v wall_seconds "$tmp/$1-2/summary.json" >"$tmp/b.json"
    cmp -s "$tmp/a.json" "$tmp/b.json" || same=1
    t $same "$1: both runs give identical results"
}

cat >"$tmp/rounds.yaml" <<'YAML'
topology: {type: spine-leaf, spines: 1, leaves: 1, servers_per_leaf: 5}
traffic:
  - {pattern: incast, senders: 4, receiver: h0, size: 14720, rounds: 3,
     gap: 10us}
YAML
run rounds
cat >"$tmp/want.csv" <<'CSV'
entry,round,start_ps,end_ps,completion_ps,bytes,goodput_bps,completed
0,0,0,22178560,22178560,58880,21238529463,1
0,1,32178560,54357120,22178560,58880,21238529463,1
0,2,64357120,86535680,22178560,58880,21238529463,1
CSV
cmp -s "$tmp/want.csv" "$tmp/rounds/incast.csv"
rc=$?
t $rc "incast.csv: 3 rounds of 22178560 ps, each 10 us after the previous"
[ $rc = 0 ] || sed 's/^/# got: /' "$tmp/rounds/incast.csv"
awk -F, 'NR > 1 && p != "" && $3 - p != 10000000 { bad = 1 } NR > 1 { p = $4 }
         END { exit bad }' "$tmp/rounds/incast.csv"
t $? "each round starts gap (10 us) after the previous one ends"
# Flows 4k..4k+3 are round k's: the same senders as round 0,
# starting at the round's start.
awk -F, 'NR > 1 { src[$1] = $2 $3; start[$1] = $7; n++ }
         END { if (n != 12) exit 1
               for (i = 4; i < 12; i++)
                   if (src[i] != src[i % 4] ||
                       start[i] != (i < 8 ? 32178560 : 64357120)) exit 1 }' \
    "$tmp/rounds/flows.csv"
t $? "flows.csv: 12 flows, round k's from the same senders, at its start"
grep -q '"incast": \[$' "$tmp/rounds/summary.json" &&
grep -q '{"entry": 0, "senders": 4, "rounds": 3, "rounds_started": 3, "rounds_completed": 3, "completion_ps": {"mean": 22178560, "p50": 22178560, "p99": 22178560, "max": 22178560}, "goodput_bps": {"mean": 21238529463}}' \
    "$tmp/rounds/summary.json"
t $? "summary.json: the incast section"
grep -q 'incast traffic.0: 3 of 3 rounds completed; completion mean 22.179 us, p99 22.179 us; goodput mean 21.239 Gb/s' \
    "$tmp/rounds.out"
t $? "the human summary prints the rounds"

# A 10 KB queue drops most of round 0 of entry 0, which never completes:
# rounds 1 and 2 do not start.  Entry 1 (2 x 1000 bytes to h1 at 100 us,
# gap 0) is unaffected and runs both its rounds back to back.
cat >"$tmp/loss.yaml" <<'YAML'
topology: {type: spine-leaf, spines: 1, leaves: 1, servers_per_leaf: 5}
switch: {queue: 10KB}
traffic:
  - {pattern: incast, senders: 4, receiver: h0, size: 14720, rounds: 3,
     gap: 10us}
  - {pattern: incast, senders: 2, receiver: h1, size: 1000, rounds: 2,
     start: 100us}
YAML
run loss
grep -q '^0,0,0,,,[0-9]*,,0$' "$tmp/loss/incast.csv"
t $? "a lossy round is reported incomplete, with the bytes it delivered"
grep -q '^0,1,,,,0,,0$' "$tmp/loss/incast.csv" &&
grep -q '^0,2,,,,0,,0$' "$tmp/loss/incast.csv"
t $? "the rounds after it never start"
r0_end=$(awk -F, '$1 == 1 && $2 == 0 { print $4 }' "$tmp/loss/incast.csv")
r1_start=$(awk -F, '$1 == 1 && $2 == 1 { print $3 }' "$tmp/loss/incast.csv")
[ -n "$r0_end" ] && [ "$r0_end" = "$r1_start" ]
t $? "with gap 0 the next round starts when the previous ends ($r0_end)"
grep -q '{"entry": 0, "senders": 4, "rounds": 3, "rounds_started": 1, "rounds_completed": 0, "completion_ps": null, "goodput_bps": null}' \
    "$tmp/loss/summary.json"
t $? "summary.json: 1 round started, none completed"
[ "$(sed 1d "$tmp/loss/flows.csv" | wc -l)" = 8 ]
t $? "flows.csv holds only the flows of rounds that started (4 + 2 x 2)"
echo "1..$n"
