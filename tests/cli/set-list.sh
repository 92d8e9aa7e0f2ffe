#!/bin/sh
# --set KEY=[A, B, ...]: an override whose value starts with '[' is a
# YAML flow sequence, so that list-valued keys (overlay.vswitch.deny_ports,
# qos.lossless, ...) can be set from the command line.  A list set on the
# command line runs exactly as the same list written in the file; it
# replaces a list the file has; an empty list is a list.  Lists that are
# not valid YAML and bad items are refused in tests/cli/bad-input.sh.
set -u
. "$(dirname "$0")/../lib.sh"
run() { timeout 60 "$DCSIM" run "$@" --quiet --no-report; }

# A vswitch whose port ACL denies the UDP flow's destination port: its
# datagrams are dropped as policy_denied, the TCP flow's pass.
scenario() {
    cat <<YAML
name: set-list
topology: {type: spine-leaf, spines: 2, leaves: 2, servers_per_leaf: 1}
server: {vm: {io: vhost, count: 1}}
overlay:
  underlay_mtu: 9216
  vswitch: {$1}
  tenants: [{name: red, vni: 100, hosts: [h0, h1]}]
traffic:
  - {pattern: flows, protocol: udp, flows: [{src: h0, dst: h1, size: 14720}]}
YAML
}
scenario "" >"$tmp/plain.yaml"
run "$tmp/plain.yaml" -o "$tmp/plain"
t $? "a vswitch run without an ACL"
# Flows go to destination port 5001 (docs/models.md, "UDP traffic").
port=5001
scenario "deny_ports: [23, $port]" >"$tmp/file.yaml"
run "$tmp/file.yaml" -o "$tmp/file"
run "$tmp/plain.yaml" -o "$tmp/set" --set "overlay.vswitch.deny_ports=[23, $port]"
denied=$(num policy_denied "$tmp/set/summary.json")
echo "# the UDP flow's port $port; --set deny_ports=[23, $port]: $denied policy drops"
t "$([ "${denied:-0}" = 10 ]; echo $?)" "--set deny_ports=[23, $port] denies the flow's 10 datagrams"
same_results "$tmp/file" "$tmp/set" flows.csv overlay.csv
t $? "the same results as deny_ports: [23, $port] in the file"
scenario "deny_ports: [23]" >"$tmp/file23.yaml"
run "$tmp/file23.yaml" -o "$tmp/file23"
run "$tmp/file.yaml" -o "$tmp/replaced" --set 'overlay.vswitch.deny_ports=[23]'
same_results "$tmp/file23" "$tmp/replaced" flows.csv overlay.csv &&
    [ "$(num policy_denied "$tmp/replaced/summary.json")" = 0 ]
t $? "a list on the command line replaces the file's list: port $port passes"
run "$tmp/file.yaml" -o "$tmp/empty" --set 'overlay.vswitch.deny_ports=[]'
same_results "$tmp/plain" "$tmp/empty" flows.csv
t $? "[] is an empty list: nothing denied"
"$DCSIM" validate "$tmp/plain.yaml" --set 'overlay.vswitch.deny_ports=[23,80]' >/dev/null
t $? "a list without spaces is one shell word"
echo "1..$n"
