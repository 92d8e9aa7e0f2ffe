#!/bin/sh
# ETS end to end (IEEE 802.1Qaz, sched-ets.c): saturating UDP flows of
# different traffic classes share one 25 Gb/s bottleneck as the weights
# say, a strict class takes what it wants first, and the hosts' NICs
# schedule by `host.scheduler`.
#
# Hosts a, b, c and r hang off one switch s, every link 25 Gb/s.  For
# the switch tests a (class 0) and b (class 3), and c (class 6) when
# there is one, send to r at line rate: the port s->r is the bottleneck.
# Shares are measured over the window [1 ms, 3 ms], after the start
# (every run is deterministic, so the bytes delivered by 3 ms minus those
# by 1 ms are the window's): a class's share of the link is its payload
# bytes x 1538 / 1472 (every datagram carries 1472 B of payload in a
# 1538 B wire frame: 8 UDP + 20 IP + 14 Ethernet + 4 FCS + 8 preamble +
# 12 gap) x 8 / (25 Gb/s x 2 ms).  Expected, by hand: the weights
# themselves (50/50, 70/30); with class 6 strict and paced at 10 Gb/s,
# 0.4 for it and 0.3 each for the ETS classes; with class 6 at line rate,
# all of it.  Tolerance 0.02 of the link.
set -u
. "$(dirname "$0")/../lib.sh"

# scenario NAME SWITCH HOST FLOWS: writes $tmp/NAME.yaml.
scenario() {
    cat >"$tmp/$1.yaml" <<YAML
topology:
  type: explicit
  nodes:
    - {name: s, kind: switch}
    - {name: a, kind: host}
    - {name: b, kind: host}
    - {name: c, kind: host}
    - {name: r, kind: host}
  links:
    - {a: a, b: s, rate: 25Gbps}
    - {a: b, b: s, rate: 25Gbps}
    - {a: c, b: s, rate: 25Gbps}
    - {a: r, b: s, rate: 25Gbps}
switch: $2
host: $3
traffic:
  - pattern: flows
    flows:
$4
YAML
}

# Flows to r, never done within the run: SRC TC [RATE].
flow() {
    echo "      - {src: $1, dst: r, size: 1GB, tc: $2, rate: ${3:-line}}"
}

# window NAME: runs NAME.yaml to 1 ms and to 3 ms and prints, per flow
# in file order, "tc=share" of the bottleneck over the window.
window() {
    "$DCSIM" run "$tmp/$1.yaml" -o "$tmp/$1-1" --quiet --no-report --set stop=1ms &&
        "$DCSIM" run "$tmp/$1.yaml" -o "$tmp/$1-3" --quiet --no-report --set stop=3ms ||
        return 1
    awk -F, 'FNR == 1 { next }
             NR == FNR { early[$1] = $13; next }
             { printf "%s%s=%.4f", sep, $5,
                      ($13 - early[$1]) * 1538 / 1472 * 8 / (25e9 * 2e-3)
               sep = " " }
             END { print "" }' \
        "$tmp/$1-1/flows.csv" "$tmp/$1-3/flows.csv"
}

# near SHARES TC WANT: whether class TC's share is WANT +- 0.02.
near() {
    echo "$1" | tr ' ' '\n' | awk -F= -v tc="$2" -v want="$3" '
        $1 == tc { found = 1; d = $2 - want; bad = d > 0.02 || d < -0.02 }
        END { exit !found || bad }'
}

# check NAME SWITCH HOST FLOWS WHAT TC=WANT...: one test, that each TC
# has share WANT in scenario NAME; the measured shares are printed.
check() {
    c_name=$1 c_what=$5
    scenario "$1" "$2" "$3" "$4"
    shift 5
    s=$(window "$c_name")
    c_rc=0
    for w in "$@"; do
        near "$s" "${w%=*}" "${w#*=}" || c_rc=1
    done
    t $c_rc "$c_what ($s)"
}

two="$(flow a 0)
$(flow b 3)"
check half '{scheduler: ets}' '{}' "$two" \
    "default ets (0: 50, 3: 50): each class half the bottleneck" 0=0.5 3=0.5
check seventy '{scheduler: ets, ets: {weights: {0: 70, 3: 30}}}' '{}' \
    "$two" "weights 0: 70, 3: 30: shares 70/30" 0=0.7 3=0.3
check strict-sched '{}' '{}' "$two" \
    "strict scheduler instead: class 3 takes the link" 0=0 3=1
check paced '{scheduler: ets}' '{}' "$two
$(flow c 6 10Gbps)" \
    "strict class 6 at 10 Gb/s keeps 0.4; ETS classes split the rest" \
    0=0.3 3=0.3 6=0.4
check starved '{scheduler: ets}' '{}' "$two
$(flow c 6)" \
    "strict class 6 at line rate: the ETS classes get nothing" 0=0 3=0 6=1

# Host side: a alone sends classes 0 and 3 at line rate; its NIC link
# is the bottleneck (the switch only forwards), so the shares are the
# NIC's.
one="$(flow a 0)
$(flow a 3)"
check nic '{}' '{scheduler: ets, ets: {weights: {0: 70, 3: 30}}}' "$one" \
    "host.scheduler ets 70/30: the NIC sends 70/30" 0=0.7 3=0.3
awk -F, '$1 == "a" && $2 == "s" { exit !($9 > 0.99) }' "$tmp/nic-3/links.csv"
t $? "and its link a->s is saturated"
check nic-strict '{scheduler: ets}' '{scheduler: strict}' "$one" \
    "host.scheduler strict under ets switches: class 3 takes the NIC" 0=0 3=1

"$DCSIM" run "$tmp/paced.yaml" -o "$tmp/again" --quiet --no-report --set stop=3ms
for f in flows.csv links.csv queues.csv; do
    cmp -s "$tmp/paced-3/$f" "$tmp/again/$f"
    t $? "$f identical across runs"
done
echo "1..$n"
