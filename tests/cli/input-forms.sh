#!/bin/sh
# Smaller input defects (issue 21 item 5): "-" reads the scenario from
# standard input; a YAML merge key, an exponent in a number with a unit
# and a RoCE MTU that does not fit the Ethernet MTU are refused with
# located messages that say so; traffic starting at or after `stop` is
# warned about at its place.
set -u
. "$(dirname "$0")/../lib.sh"
here=$(cd "$(dirname "$0")/../.." && pwd)
fix="$here/tests/cli/limits"

# 1. Standard input.
"$DCSIM" validate - <"$fix/hpcc.yaml" >"$tmp/out" 2>"$tmp/err"
[ $? = 0 ] && grep -q '^<stdin>: ok: 4 hosts, 3 switches, 6 links, 4 flows$' "$tmp/out"
t $? "validate - reads standard input"
(cd "$tmp" && "$DCSIM" run - -q <"$fix/hpcc.yaml" >/dev/null 2>&1)
[ $? = 0 ] && [ -s "$tmp/results/stdin/summary.json" ]
t $? "run - writes results/stdin by default"
"$DCSIM" run - -q --no-report -o "$tmp/r1" <"$fix/hpcc.yaml" >/dev/null 2>&1 &&
    "$DCSIM" run "$fix/hpcc.yaml" -q --no-report -o "$tmp/r2" >/dev/null 2>&1 &&
    cmp -s "$tmp/r1/flows.csv" "$tmp/r2/flows.csv"
t $? "the same flows as from the file"
printf 'topology: {type: spine-leaf, spines: 0, leaves: 1, servers_per_leaf: 1}\n' |
    "$DCSIM" validate - >"$tmp/out" 2>"$tmp/err"
[ $? = 2 ] && [ ! -s "$tmp/out" ] &&
    grep -q "^<stdin>:1:38: topology.spines is '0'" "$tmp/err"
t $? "an error in standard input is located: $(cat "$tmp/err")"

# 2. A merge key.
printf 'topology:\n  <<: {type: spine-leaf}\n' >"$tmp/merge.yaml"
"$DCSIM" validate "$tmp/merge.yaml" >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q "^$tmp/merge.yaml:2:3: YAML merge keys (<<) are not supported; expected the keys written out in full$" "$tmp/err"
t $? "a merge key is named as such: $(cat "$tmp/err")"

# 3. An exponent.
"$DCSIM" validate "$fix/hpcc.yaml" --set topology.server_link.rate=1e2Gbps \
    >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q "^--set topology.server_link.rate=1e2Gbps: topology.server_link.rate is '1e2Gbps' (an exponent; write the number out in full: 100 for 1e2)" "$tmp/err"
t $? "1e2Gbps: an exponent, not an unknown unit: $(cat "$tmp/err")"

# 4. Traffic after stop (20 us): warned about by validate and run, at the
# flow or entry, and the run goes on.
for cmd in validate "run -q -o $tmp/late"; do
    "$DCSIM" $cmd "$fix/ethernet.yaml" --set traffic.0.flows.0.start=30us \
        --set traffic.2.start=20us >/dev/null 2>"$tmp/err"
    [ $? = 0 ] &&
        grep -q "^dcsim: warning: $fix/ethernet.yaml:15:45: traffic.0.flows.0 starts at 30 us, at or after stop (20 us): it will not start$" "$tmp/err" &&
        grep -q "^dcsim: warning: $fix/ethernet.yaml:18:5: traffic.2 starts at 20 us, at or after stop (20 us): none of its flows will start$" "$tmp/err"
    t $? "${cmd%% *}: flows starting after stop are warned about"
done

# 5. RoCE packets larger than the Ethernet MTU: refused at rdma.mtu (or at
# mtu when rdma.mtu is the default).  HPCC adds its INT header.
"$DCSIM" validate "$fix/hpcc.yaml" --set rdma.mtu=2048 >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q "^--set rdma.mtu=2048: rdma.mtu: a roce packet of traffic.0 (verb write) carries 2048 B of payload in 2150 B at the IP layer, more than the IP mtu 1500 lets an Ethernet frame hold; expected rdma.payload (or rdma.mtu) of at most 1398 B, or mtu of at least 2150$" "$tmp/err"
t $? "rdma.mtu 2048 over mtu 1500 refused: $(cat "$tmp/err")"
cat >"$tmp/v1.yaml" <<'YAML'
mtu: 1000
topology: {type: spine-leaf, spines: 1, leaves: 1, servers_per_leaf: 2}
traffic:
  - {pattern: permutation, protocol: rocev1, size: 1KB}
YAML
"$DCSIM" run "$tmp/v1.yaml" -o "$tmp/v1" >/dev/null 2>"$tmp/err"
[ $? = 2 ] && [ ! -e "$tmp/v1" ] &&
    grep -q "^$tmp/v1.yaml:1:6: mtu: a rocev1 packet of traffic.0 (verb write) carries 1024 B of payload in 1096 B at the IP layer, more than the IP mtu 1000 lets an Ethernet frame hold; expected rdma.payload (or rdma.mtu) of at most 928 B, or mtu of at least 1096$" "$tmp/err"
t $? "the default rdma.mtu over mtu 1000 refused at mtu: $(cat "$tmp/err")"
"$DCSIM" validate "$tmp/v1.yaml" --set rdma.mtu=512 >/dev/null 2>&1
t $? "rdma.mtu 512 fits"

echo "1..$n"
