#!/bin/sh
# Bad `events` and `control` sections (issue 15 item 15: every key):
# `dcsim validate` and `dcsim run -o DIR` exit 2, print one line on stderr
# that starts with FILE:LINE:COL of the mistake and names it, print
# nothing on stdout, and leave no DIR behind.  A good section validates,
# so the cases fail for their own reason.
set -u
. "$(dirname "$0")/../lib.sh"

# scenario TEXT: a small fabric, TEXT from line 6.
scenario() {
    cat <<YAML
stop: 10ms
topology: {type: spine-leaf, spines: 2, leaves: 2, servers_per_leaf: 2}
traffic:
  - pattern: flows
    flows: [{src: h0, dst: h2, size: 10KB}]
$1
YAML
}

E='{at: 1ms, link_down: [leaf0, spine1]}'
scenario "events: [$E]
control: {detection: bfd, bfd_interval: 10ms, bfd_multiplier: 5, oracle_delay: 1ms, carrier_down: 0, carrier_up: 1ms, convergence: oracle}" >"$tmp/good.yaml"
"$DCSIM" validate "$tmp/good.yaml" >/dev/null 2>"$tmp/err"
t $? "a good events list and control section validate"
scenario "events: [$E]
control: {convergence: bgp, bgp_processing: 0, bgp_mrai: 30s, bgp_tc: 0, bgp_idle_hold: 1s, bgp_idle_hold_max: 1s}" >"$tmp/good-bgp.yaml"
"$DCSIM" validate "$tmp/good-bgp.yaml" >/dev/null 2>"$tmp/err"
t $? "a good bgp control section validates"

check() { refused_as "$@"; }

# events
check not-sequence 'events: {at: 1ms}' 6:9 "events is a mapping; expected a non-empty sequence of event mappings"
check empty 'events: []' 6:9 "events is a sequence; expected a non-empty sequence"
check entry-scalar 'events: [link]' 6:10 "events.0 is 'link'; expected a mapping"
check unknown-key 'events: [{at: 1ms, link_dwn: [leaf0, spine1]}]' 6:20 "unknown key 'link_dwn' in events.0"
check no-at 'events: [{link_down: [leaf0, spine1]}]' 6:10 "missing required key 'at' in events.0"
check at-units 'events: [{at: 1, link_down: [leaf0, spine1]}]' 6:15 "events.0.at is '1'"
check at-negative 'events: [{at: -1ms, link_down: [leaf0, spine1]}]' 6:15 "events.0.at is '-1ms'"
check at-stop 'events: [{at: 10ms, link_down: [leaf0, spine1]}]' 6:15 "at or after stop"
check no-action 'events: [{at: 1ms}]' 6:10 "events.0: no action; expected one of link_down, link_up, switch_down, switch_up"
check two-actions 'events: [{at: 1ms, switch_down: spine0, link_down: [leaf0, spine1]}]' 6:41 "both switch_down and link_down"
check link-scalar 'events: [{at: 1ms, link_down: leaf0}]' 6:31 "events.0.link_down is 'leaf0'; expected a sequence of two node names"
check link-three 'events: [{at: 1ms, link_up: [leaf0, spine1, spine0]}]' 6:29 "events.0.link_up is a sequence; expected a sequence of two node names"
check link-unknown 'events: [{at: 1ms, link_down: [leaf0, spine9]}]' 6:39 "events.0.link_down.1 is 'spine9' (no node named 'spine9')"
check link-uncabled 'events: [{at: 1ms, link_down: [leaf0, leaf1]}]' 6:31 "no cable joins leaf0 and leaf1"
check link-mapping 'events: [{at: 1ms, link_down: {a: leaf0}}]' 6:31 "events.0.link_down is a mapping"
check switch-unknown 'events: [{at: 1ms, switch_down: spine7}]' 6:33 "events.0.switch_down is 'spine7' (no node named 'spine7'); expected the name of a switch"
check switch-host 'events: [{at: 1ms, switch_up: h0}]' 6:31 "events.0.switch_up is 'h0' (a host); expected the name of a switch"
check switch-sequence 'events: [{at: 1ms, switch_down: [spine0]}]' 6:33 "events.0.switch_down is a sequence"
check vm-move-no-evpn 'events: [{at: 1ms, vm_move: [h0, h3]}]' 6:29 "events.0.vm_move: VM moves are learned through BGP EVPN; expected an evpn section"
check host-move 'events: [{at: 1ms, host_move: h0}]' 6:20 "events.0.host_move: a host's tenant address moves with its VMs; expected vm_move"
check second-entry "events: [$E, {at: 2ms, switch_down: leaf9}]" 6:72 "events.1.switch_down is 'leaf9'"
check infiniband "fabric: infiniband
events: [$E]" 7:1 "events are not supported on a fabric: infiniband"

# control
check control-scalar 'control: bfd' 6:10 "control is 'bfd'; expected a mapping of control settings"
check control-unknown 'control: {detect: bfd}' 6:11 "unknown key 'detect' in control"
check detection 'control: {detection: lldp}' 6:22 "control.detection is 'lldp'; expected one of: carrier, bfd"
check carrier-down 'control: {carrier_down: 5}' 6:25 "control.carrier_down is '5'"
check carrier-up 'control: {carrier_up: soon}' 6:23 "control.carrier_up is 'soon'"
check bfd-interval 'control: {bfd_interval: 0ms}' 6:25 "control.bfd_interval is '0ms'"
check bfd-multiplier 'control: {bfd_multiplier: 0}' 6:27 "control.bfd_multiplier is '0'; expected an integer 1..255"
check bfd-multiplier-big 'control: {bfd_multiplier: 256}' 6:27 "expected an integer 1..255"
check convergence 'control: {convergence: ospf}' 6:24 "control.convergence is 'ospf'; expected one of: oracle, bgp"
check convergence-seq 'control: {convergence: [bgp]}' 6:24 "control.convergence is a sequence"
check oracle-delay 'control: {oracle_delay: fast}' 6:25 "control.oracle_delay is 'fast'"
check oracle-delay-bgp 'control: {convergence: bgp, oracle_delay: 1ms}' 6:29 "control.oracle_delay is only read with convergence: oracle"
check bgp-processing 'control: {convergence: bgp, bgp_processing: fast}' 6:45 "control.bgp_processing is 'fast'"
check bgp-processing-neg 'control: {convergence: bgp, bgp_processing: -1ms}' 6:45 "control.bgp_processing is '-1ms'"
check bgp-processing-oracle 'control: {bgp_processing: 1ms}' 6:11 "control.bgp_processing is only read with convergence: bgp"
check bgp-mrai 'control: {convergence: bgp, bgp_mrai: 30}' 6:39 "control.bgp_mrai is '30'"
check bgp-mrai-oracle 'control: {convergence: oracle, bgp_mrai: 0}' 6:32 "control.bgp_mrai is only read with convergence: bgp"
check bgp-tc 'control: {convergence: bgp, bgp_tc: 8}' 6:37 "control.bgp_tc is '8'"
check bgp-tc-word 'control: {convergence: bgp, bgp_tc: cs6}' 6:37 "control.bgp_tc is 'cs6'"
check bgp-tc-oracle 'control: {bgp_tc: 6}' 6:11 "control.bgp_tc is only read with convergence: bgp"
check bgp-retry-zero 'control: {convergence: bgp, bgp_connect_retry: 0s}' 6:48 "control.bgp_connect_retry is '0s' (must be greater than zero)"
check bgp-retry-units 'control: {convergence: bgp, bgp_connect_retry: 10}' 6:48 "control.bgp_connect_retry is '10'"
check bgp-retry-oracle 'control: {bgp_connect_retry: 10s}' 6:11 "control.bgp_connect_retry is only read with convergence: bgp"
check bgp-idle-hold 'control: {convergence: bgp, bgp_idle_hold: 1}' 6:44 "control.bgp_idle_hold is '1'"
check bgp-idle-hold-neg 'control: {convergence: bgp, bgp_idle_hold: -1s}' 6:44 "control.bgp_idle_hold is '-1s'"
check bgp-idle-hold-oracle 'control: {bgp_idle_hold: 1s}' 6:11 "control.bgp_idle_hold is only read with convergence: bgp"
check bgp-idle-max-zero 'control: {convergence: bgp, bgp_idle_hold_max: 0s}' 6:48 "control.bgp_idle_hold_max is '0s' (must be greater than zero)"
check bgp-idle-max-below 'control: {convergence: bgp, bgp_idle_hold: 2s, bgp_idle_hold_max: 1s}' 6:67 "control.bgp_idle_hold_max is '1s' (bgp_idle_hold is greater than bgp_idle_hold_max)"
check bgp-idle-over-default 'control: {convergence: bgp, bgp_idle_hold: 200s}' 6:44 "control.bgp_idle_hold is '200s' (bgp_idle_hold is greater than bgp_idle_hold_max); expected bgp_idle_hold <= bgp_idle_hold_max (default 120s)"
check bgp-idle-max-oracle 'control: {bgp_idle_hold_max: 10s}' 6:11 "control.bgp_idle_hold_max is only read with convergence: bgp"
check bgp-tor-asn 'control: {convergence: bgp, bgp_tor_asn: reused}' 6:42 "control.bgp_tor_asn is 'reused'; expected one of: unique, shared"
check bgp-tor-asn-oracle 'control: {bgp_tor_asn: shared}' 6:11 "control.bgp_tor_asn is only read with convergence: bgp"
check bgp-allowas 'control: {convergence: bgp, bgp_allowas_in: 11}' 6:45 "control.bgp_allowas_in is '11'; expected an integer 0..10"
check bgp-allowas-oracle 'control: {bgp_allowas_in: 1}' 6:11 "control.bgp_allowas_in is only read with convergence: bgp"

echo "1..$n"
