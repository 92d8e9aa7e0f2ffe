#!/bin/sh
# Bad workload input: flow-size CDF files and the traffic keys of the
# workload (size: {cdf: ...}).  Each case must make `dcsim run -o DIR`
# and `dcsim validate` exit 2 with one line on stderr that starts with the scenario's
# FILE:LINE:COL, and (for a bad CDF file) names the CDF file's own
# FILE:LINE:COL too; nothing on stdout and no DIR.  Valid cases check that
# CDFs are found from any working directory.
set -u
. "$(dirname "$0")/../lib.sh"
# Some cases run from another directory.
case $DCSIM in /*) ;; *) DCSIM=$PWD/$DCSIM ;; esac

mkdir -p "$tmp/sc/cdfs"
printf '# size cdf\n0 0\n1000 0.5\n3000 1\n' >"$tmp/sc/cdfs/good.txt"
printf '0 0\n100 abc\n200 1\n' >"$tmp/sc/cdfs/nan.txt"
printf '0 0\n100 0.5\n50 1\n' >"$tmp/sc/cdfs/down.txt"
printf '0 0\n100 0.5\n200 0.9\n' >"$tmp/sc/cdfs/short.txt"
printf '# nothing\n' >"$tmp/sc/cdfs/empty.txt"
printf '0 0\n100 1.5\n' >"$tmp/sc/cdfs/big.txt"

# scenario SIZE: writes $tmp/sc/s.yaml with one random entry whose size
# (at line 5, column 11) is SIZE.
scenario() {
    cat >"$tmp/sc/s.yaml" <<YAML
topology: {type: spine-leaf, spines: 1, leaves: 2, servers_per_leaf: 2}
traffic:
  - pattern: random
    count: 10
    size: $1
YAML
}

# entry ENTRY: writes $tmp/sc/s.yaml with one traffic entry, ENTRY, a
# flow mapping starting at line 3, column 5.
entry() {
    cat >"$tmp/sc/s.yaml" <<YAML
topology: {type: spine-leaf, spines: 1, leaves: 2, servers_per_leaf: 2}
traffic:
  - $1
YAML
}

# check NAME WANT_PREFIX [WANT_TOO]: s.yaml is refused (lib.sh's
# `refused`) at WANT_PREFIX, and stderr contains WANT_TOO.
check() { refused "$1" "$tmp/sc/s.yaml" "$2" "${3:-}"; }

# bad NAME SIZE WANT_PREFIX [WANT_TOO]: a random entry with that size.
bad() {
    scenario "$2"
    check "$1" "$3" "${4:-}"
}

bad "non-numeric cdf value" "{cdf: cdfs/nan.txt}" \
    "5:17: traffic.0.size.cdf: " \
    "$tmp/sc/cdfs/nan.txt:2:5: cdf is 'abc' (not a number)"
bad "decreasing sizes" "{cdf: cdfs/down.txt}" "5:17: traffic.0.size.cdf: " \
    "$tmp/sc/cdfs/down.txt:3:1: size is '50' (less than 100 on line 2)"
bad "last cdf below 1" "{cdf: cdfs/short.txt}" "5:17: traffic.0.size.cdf: " \
    "$tmp/sc/cdfs/short.txt:3:5: the last cdf is '0.9'; expected 1"
bad "cdf above 1" "{cdf: cdfs/big.txt}" "5:17: traffic.0.size.cdf: " \
    "$tmp/sc/cdfs/big.txt:2:5: cdf is '1.5' (greater than 1)"
bad "no points" "{cdf: cdfs/empty.txt}" "5:17: traffic.0.size.cdf: " \
    "$tmp/sc/cdfs/empty.txt:1:1: no points"
bad "missing CDF file" "{cdf: cdfs/nope.txt}" \
    "5:17: traffic.0.size.cdf is 'cdfs/nope.txt' ($tmp/sc/cdfs/nope.txt: cannot open: No such file or directory); expected alistorage, fb_hadoop, websearch, or the path of a CDF file"
bad "a directory" "{cdf: cdfs}" "5:17: traffic.0.size.cdf is 'cdfs'" \
    "Is a directory"
bad "misspelt built-in" "{cdf: WebSearch}" \
    "5:17: traffic.0.size.cdf is 'WebSearch' ("
bad "empty cdf" "{cdf: }" "5:17: traffic.0.size.cdf is empty"
bad "unknown key in size" "{cdf: websearch, mean: 5}" \
    "5:28: unknown key 'mean' in traffic.0.size; expected one of: cdf"
bad "size mapping without cdf" "{}" \
    "5:11: missing required key 'cdf' in traffic.0.size"
bad "size a sequence" "[1, 2]" "5:11: traffic.0.size is a sequence; expected a size, or a mapping {cdf: NAME_OR_PATH}"

# Loads and arrival windows.
R="pattern: random, size: 1KB"
entry "{$R, count: 5, load: 0}"
check "load 0" "3:50: traffic.0.load is '0'; expected a fraction of the link rate, 0 < load <= 1, e.g. 0.5"
entry "{$R, count: 5, load: 1.5}"
check "load above 1" "3:50: traffic.0.load is '1.5' (greater than 1)"
entry "{$R, count: 5, load: 50%}"
check "load in percent" "3:50: traffic.0.load is '50%' (not a fraction)"
entry "{$R, count: 5, load: '0.5'}"
check "load quoted" "3:50: traffic.0.load is '0.5' (a quoted string)"
entry "{$R, count: 5, load: 0.5, interarrival: 1us}"
check "load and interarrival" "3:55: traffic.0.interarrival cannot be given with load; expected either load or interarrival"
entry "{$R, count: 5, duration: 1ms, load: 0.5}"
check "count and duration" "3:44: traffic.0.duration cannot be given with count; expected either count or duration"
entry "{$R, duration: 1ms}"
check "duration without arrivals" "3:34: traffic.0.duration needs an arrival process; expected load or interarrival with duration"
entry "{$R, load: 0.5}"
check "neither count nor duration" "3:5: missing required key 'count' in traffic.0; expected count, or duration with load or interarrival"
entry "{$R, count: 5, duration: 0, load: 0.5}"
check "duration 0" "3:54: traffic.0.duration is '0' (must be greater than zero)"
entry "{pattern: permutation, size: 1KB, load: 0.5}"
check "load on a permutation" "3:39: unknown key 'load' in traffic.0 (pattern permutation)"
# Incast rounds.
I="pattern: incast, senders: 2, receiver: h0, size: 1KB"
entry "{$I, rounds: 0}"
check "rounds 0" "3:68: traffic.0.rounds is '0'; expected an integer >= 1"
entry "{$I, rounds: 2, gap: -1us}"
check "negative gap" "3:76: traffic.0.gap is '-1us' (negative)"
entry "{$I, interarrival: 1us, rounds: 2}"
check "rounds with interarrival" "3:79: traffic.0.rounds cannot be given with interarrival; expected either interarrival or rounds"
entry "{$R, count: 5, rounds: 2}"
check "rounds on random" "3:44: unknown key 'rounds' in traffic.0 (pattern random)"

# 8 x 1 B x 1e12 ps/s / (1 x 4 hosts x 1 Tb/s) = 2 ps; with 1000 hosts
# of 1 Tb/s it is 0.008 ps.
cat >"$tmp/sc/s.yaml" <<YAML
topology: {type: spine-leaf, spines: 1, leaves: 10, servers_per_leaf: 100,
           server_link: {rate: 1Tbps}}
traffic:
  - {pattern: random, size: 1, load: 1, duration: 1us}
YAML
check "a load too fast for the clock" "4:5: traffic.0.load 1 needs a flow every 0.008 ps on average; expected at least 1 ps between flows"

# Valid: a file relative to the scenario and a built-in, from another
# working directory.
scenario "{cdf: cdfs/good.txt}"
(cd / && "$DCSIM" validate "$tmp/sc/s.yaml" >/dev/null 2>"$tmp/stderr")
t $? "a CDF file is found relative to the scenario file from /"
scenario "{cdf: fb_hadoop}"
(cd / && "$DCSIM" run "$tmp/sc/s.yaml" -o "$tmp/ok" --quiet --no-report 2>"$tmp/stderr")
t $? "a built-in CDF works from / (the binary carries it)"
awk -F, 'NR > 1 && ($6 < 1 || $6 > 10000000) { bad = 1 } END { exit bad }' \
    "$tmp/ok/flows.csv"
t $? "fb_hadoop sizes are within 1..10000000 bytes"
echo "1..$n"
