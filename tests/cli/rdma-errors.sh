#!/bin/sh
# Bad RDMA input: every key of rdma.dcqcn with a value out of its range
# or of the wrong form, rdma.dcqcn where it does not belong, the preset
# named twice, and rdma.hpcc's simulator options.  Each case must make `dcsim run -o DIR` and
# `dcsim validate` exit 2 with one line on stderr that starts with the
# scenario's FILE:LINE:COL and says what is wrong, print nothing on
# stdout and leave no DIR.  The valid scenario they are made from
# validates, so each case fails for its own reason.
set -u
. "$(dirname "$0")/../lib.sh"
s=$tmp/s.yaml

# scenario RDMA: a small spine-leaf with one RoCE flow and `rdma: RDMA`
# on line 3 (its value at column 7).
scenario() {
    {
        printf 'name: rdma-bad\ntopology: {type: spine-leaf, spines: 1, leaves: 2, servers_per_leaf: 2}\n'
        printf 'rdma: %s\n' "$1"
        printf 'traffic:\n  - {pattern: flows, protocol: roce, flows: [{src: h0, dst: h3, size: 1MB}]}\n'
    } >"$s"
}
# bad NAME KEY VALUE WANT: rdma.dcqcn.KEY is VALUE, refused at line 3
# where the value starts: `rdma: {cc: dcqcn, dcqcn: {KEY: ` is 28 + the
# key's length long.
bad() {
    scenario "{cc: dcqcn, dcqcn: {$2: $3}}"
    refused "$1" "$s" "3:$((29 + ${#2})): rdma.dcqcn.$2 is '$3'" "$4"
}

scenario "{cc: dcqcn, dcqcn: {preset: ns3, g: 0.5, clamp: true}}"
"$DCSIM" validate "$s" >/dev/null 2>"$tmp/stderr"
t $? "the valid scenario the cases are made from validates"

bad "preset" preset bogus "expected one of: paper, mellanox, ns3"
bad "g 0" g 0 "expected a real number in (0, 1]"
bad "g above 1" g 1.5 "expected a real number in (0, 1]"
bad "initial_alpha" initial_alpha 2 "expected a real number in [0, 1]"
bad "alpha_period 0" alpha_period 0us "must be greater than zero"
bad "decrease_period 0" decrease_period 0us "must be greater than zero"
bad "increase_timer 0" increase_timer 0us "must be greater than zero"
bad "increase_timer a word" increase_timer soon "expected"
bad "byte_counter" byte_counter none "expected"
bad "byte_counter 0" byte_counter 0 "greater than zero"
bad "fast_recovery" fast_recovery -1 "expected an integer 0..1000"
bad "r_ai" r_ai 0Mbps "must be greater than zero"
bad "r_hai" r_hai fast "expected"
bad "min_rate" min_rate 0Gbps "must be greater than zero"
bad "min_dec_factor" min_dec_factor 1.5 "expected a real number in [0, 1]"
bad "cnp_interval" cnp_interval -1us "expected"
bad "clamp" clamp maybe "expected"
bad "hyper" hyper quadratic "expected one of: linear, constant"

scenario "{cc: dcqcn, dcqcn: {ai: 5Mbps}}"
refused "unknown key" "$s" "3:27: unknown key 'ai' in rdma.dcqcn; expected one of: preset, g,"
scenario "{cc: dcqcn, dcqcn: 5}"
refused "not a mapping" "$s" "3:26: rdma.dcqcn is '5'; expected a mapping of DCQCN parameters"
scenario "{cc: hpcc, dcqcn: {g: 0.5}}"
refused "without cc dcqcn" "$s" "3:18: rdma.dcqcn given with rdma.cc hpcc; expected cc: dcqcn, or no dcqcn key"
scenario "{cc: dcqcn, dcqcn_profile: paper, dcqcn: {preset: ns3}}"
refused "preset twice" "$s" "3:49: rdma.dcqcn.preset given with rdma.dcqcn_profile; expected one of the two"
scenario "{cc: dcqcn, dcqcn_profile: ns2}"
refused "dcqcn_profile" "$s" "3:34: rdma.dcqcn_profile is 'ns2'; expected one of: paper, mellanox, ns3"

# Payloads and MTUs: RoCE packets must fit the IP mtu (1500 by default):
# a 4096 B payload is 4156 B at the IP layer with IPv4, UDP, BTH, RETH
# and ICRC.
scenario "{mtu: 4096}"
refused "rdma.mtu above the IP mtu" "$s" "3:13: rdma.mtu: a roce packet of traffic.0 (verb write) carries 4096 B of payload in 4156 B at the IP layer, more than the IP mtu 1500"
scenario "{mtu: 2048, payload: 1500}"
refused "rdma.payload above the IP mtu" "$s" "3:28: rdma.payload: a roce packet" "at most 1440 B, or mtu of at least 1560"
scenario "{mtu: 1024, payload: 1025}"
refused "rdma.payload above rdma.mtu" "$s" "3:28: rdma.payload is '1025'; expected an integer 1..1024"
scenario "{payload: 0}"
refused "rdma.payload 0" "$s" "3:17: rdma.payload is '0'; expected an integer 1..1024"
scenario "{cc: none}"
printf 'mtu: 1000\n' >>"$s"
refused "IP mtu below the RoCE packets" "$s" "6:6: mtu: a roce packet of traffic.0 (verb write) carries 1024 B of payload in 1084 B"
scenario "{mtu: 2048}"
printf 'mtu: 2200\n' >>"$s"
"$DCSIM" validate "$s" >/dev/null 2>&1
t $? "rdma.mtu 2048 in an IP mtu of 2200 validates"

# rdma.hpcc's options from the simulator: `rdma: {cc: hpcc, hpcc: {KEY: `
# is 26 + the key's length long.
hbad() {
    scenario "{cc: hpcc, hpcc: {$2: $3}}"
    refused "$1" "$s" "3:$((27 + ${#2})): rdma.hpcc.$2 is '$3'" "$4"
}
hbad "hpcc w_ai 0" w_ai 0 "greater than zero"
hbad "hpcc fast_react" fast_react often "expected true or false"
hbad "hpcc sample_feedback" sample_feedback 2 "expected true or false"
hbad "hpcc int_multi" int_multi 2000 "expected an integer 0..1024"
hbad "hpcc window" window open "expected one of: variable, fixed, off"
scenario "{cc: hpcc, hpcc: {r_ai: 50Mbps, w_ai: 100}}"
refused "hpcc w_ai with r_ai" "$s" "3:39: rdma.hpcc.w_ai given with rdma.hpcc.r_ai; expected one of the two"

echo "1..$n"
