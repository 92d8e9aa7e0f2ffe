#!/bin/sh
# Bad input for the HPCC simulator's switch and NIC options (issue 17
# items 4-6): switch.ecn.by_rate and its entries, pfc.headroom (ns3),
# pfc.response (0 allowed), pfc.alpha_by_rate, rdma.ack_tc,
# rdma.ack_first, rdma.dcqcn.cnp_on_ack, and the keys fabric: ns3
# refuses.  Each case must make `dcsim run -o DIR` and `dcsim
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

ecn='switch: {ecn: {mode: red, kmin: 100KB, kmax: 400KB, pmax: 0.2'
good by-rate "$ecn, by_rate: {25Gbps: {kmin: 50KB, kmax: 200KB, pmax: 0.1}, 100Gbps: {kmin: 1KB, kmax: 2KB, pmax: 1}}}}"
# switch.ecn.by_rate: a mapping of rates, each once, each entry a
# mapping with all three keys, kmax above kmin, pmax a probability; not
# with mode step.
check by-rate-scalar "$ecn, by_rate: 5}}" 3:73 "switch.ecn.by_rate is '5'; expected a mapping of link rate to {kmin, kmax, pmax}"
check by-rate-key "$ecn, by_rate: {fast: {kmin: 1KB, kmax: 2KB, pmax: 1}}}}" 3:74 "switch.ecn.by_rate key is 'fast'"
check by-rate-twice "$ecn, by_rate: {25Gbps: {kmin: 1KB, kmax: 2KB, pmax: 1}, 25000Mbps: {kmin: 1KB, kmax: 2KB, pmax: 1}}}}" 3:115 "switch.ecn.by_rate key is '25000Mbps' (a rate already listed); expected each link rate once"
check by-rate-entry "$ecn, by_rate: {25Gbps: 100KB}}}" 3:82 "switch.ecn.by_rate.25Gbps is '100KB'; expected a mapping with kmin, kmax and pmax"
check by-rate-unknown "$ecn, by_rate: {25Gbps: {k: 1KB}}}}" 3:83 "unknown key 'k' in switch.ecn.by_rate.25Gbps; expected one of: kmin, kmax, pmax"
check by-rate-missing "$ecn, by_rate: {25Gbps: {kmin: 1KB, kmax: 2KB}}}}" 3:82 "missing required key 'pmax' in switch.ecn.by_rate.25Gbps"
check by-rate-kmax "$ecn, by_rate: {25Gbps: {kmin: 2KB, kmax: 2KB, pmax: 1}}}}" 3:100 "switch.ecn.by_rate.25Gbps.kmax is '2KB' (not above kmin); expected a size greater than kmin"
check by-rate-kmin "$ecn, by_rate: {25Gbps: {kmin: -1KB, kmax: 2KB, pmax: 1}}}}" 3:89 "switch.ecn.by_rate.25Gbps.kmin is '-1KB'"
check by-rate-pmax "$ecn, by_rate: {25Gbps: {kmin: 1KB, kmax: 2KB, pmax: 0}}}}" 3:111 "switch.ecn.by_rate.25Gbps.pmax is '0'; expected a probability in (0, 1]"
check by-rate-step 'switch: {ecn: {mode: step, k: 10KB, by_rate: {25Gbps: {kmin: 1KB, kmax: 2KB, pmax: 1}}}}' 3:37 "unknown key 'by_rate' in switch.ecn (mode step)"

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

good ack 'rdma: {ack_tc: 7, ack_first: true}'
# rdma.ack_tc: data or a class 0..7; rdma.ack_first: a bool.
check ack-tc-range 'rdma: {ack_tc: 8}' 3:16 "rdma.ack_tc is '8'; expected data or a traffic class 0..7"
check ack-tc-word 'rdma: {ack_tc: control}' 3:16 "rdma.ack_tc is 'control' (not an integer); expected data or a traffic class 0..7"
check ack-tc-seq 'rdma: {ack_tc: [7]}' 3:16 "rdma.ack_tc is a sequence; expected data or a traffic class 0..7"
check ack-first 'rdma: {ack_first: 2}' 3:19 "rdma.ack_first is '2'"

good cnp-on-ack 'rdma: {cc: dcqcn, dcqcn: {preset: ns3, cnp_on_ack: true}}'
# rdma.dcqcn.cnp_on_ack: a bool, with cc dcqcn.
check cnp-on-ack-word 'rdma: {cc: dcqcn, dcqcn: {cnp_on_ack: always}}' 3:39 "rdma.dcqcn.cnp_on_ack is 'always'; expected true or false"
check cnp-on-ack-hpcc 'rdma: {cc: hpcc, dcqcn: {cnp_on_ack: true}}' 3:18 "rdma.dcqcn given with rdma.cc hpcc"

good fabric-ns3 'fabric: ns3
pfc: {enabled: true}
stop: 1ms'
# fabric: ns3 refuses what needs Ethernet frames or real RoCE headers.
check ns3-vlan 'fabric: ns3
host: {vlan: 5}' 4:8 "host.vlan under fabric: ns3: the simulator's PPP frames have no Ethernet header to tag; expected no vlan key"
check ns3-pcap 'fabric: ns3
monitor: {pcap: {ports: [h0]}}' 4:11 "monitor.pcap under fabric: ns3: its RDMA packets carry the simulator's headers"
check ns3-overlay 'fabric: ns3
overlay: {encapsulation: vxlan}' 4:1 "overlay under fabric: ns3: VXLAN and Geneve carry Ethernet frames"

echo "1..$n"
