#!/bin/sh
# Bad input for the HPCC simulator's switch and NIC options (issue 17
# item 5): pfc.headroom (ns3), pfc.response (0 allowed) and
# pfc.alpha_by_rate.  Each case must make `dcsim run -o DIR` and `dcsim
# validate` exit 2 with one line on stderr that starts with the
# scenario's FILE:LINE:COL and says what is wrong, print nothing on
# stdout and leave no DIR.  A good scenario with each group's keys
# validates, so each case fails for its own reason.
set -u
. "$(dirname "$0")/../lib.sh"

# scenario TEXT: a small fabric with RoCE traffic and TEXT on line 3.
scenario() {
    cat <<YAML
name: ns3-options-bad
topology: {type: spine-leaf, spines: 1, leaves: 2, servers_per_leaf: 2}
$1
traffic:
  - {pattern: flows, protocol: roce, flows: [{src: h0, dst: h3, size: 1MB, tc: 3}]}
YAML
}
check() { refused_as "$@"; }
# good NAME TEXT: scenario TEXT validates.
good() {
    scenario "$2" >"$tmp/$1.yaml"
    "$DCSIM" validate "$tmp/$1.yaml" >/dev/null 2>"$tmp/err"
    t $? "$1: a good scenario validates"
}

good pfc 'pfc: {headroom: ns3, response: 0, alpha_by_rate: true}
stop: 1ms'
# pfc.headroom: auto, ns3 or a size > 0 within 32 bits.
check headroom-word 'pfc: {headroom: ns2}
stop: 1ms' 3:17 "pfc.headroom is 'ns2'"
check headroom-zero 'pfc: {headroom: 0}
stop: 1ms' 3:17 "pfc.headroom is '0' (must be greater than zero)"
check headroom-big 'pfc: {headroom: 5GB}
stop: 1ms' 3:17 "pfc.headroom is '5GB'"
check headroom-quoted "pfc: {headroom: 'ns3'}
stop: 1ms" 3:17 "pfc.headroom is 'ns3'"
# pfc.response: auto or a duration, 0 included.
check response-word 'pfc: {response: never}
stop: 1ms' 3:17 "pfc.response is 'never'"
check response-negative 'pfc: {response: -1us}
stop: 1ms' 3:17 "pfc.response is '-1us'"
check response-unit 'pfc: {response: 5}
stop: 1ms' 3:17 "pfc.response is '5'"
# pfc.alpha_by_rate: a bool.
check alpha-by-rate 'pfc: {alpha_by_rate: yes please}
stop: 1ms' 3:22 "pfc.alpha_by_rate is 'yes please'"

echo "1..$n"
