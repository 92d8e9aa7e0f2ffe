#!/bin/sh
# Bad `overlay` sections (issue 14: every key): `dcsim validate` and
# `dcsim run -o DIR` exit 2, print one line on stderr that starts with
# FILE:LINE:COL of the mistake and names it, print nothing on stdout, and
# leave no DIR behind.  A good section validates, so the cases fail for
# their own reason.
set -u
. "$(dirname "$0")/../lib.sh"

# scenario OVERLAY: a small fabric with the given overlay section (line 5).
scenario() {
    cat <<YAML
topology: {type: spine-leaf, spines: 2, leaves: 2, servers_per_leaf: 2}
traffic:
  - pattern: flows
    flows: [{src: h0, dst: h2, size: 10KB}]
$1
YAML
}

T='{name: a, vni: 1, hosts: [h0, h2]}'
scenario "overlay: {tenants: [$T]}" >"$tmp/good.yaml"
"$DCSIM" validate "$tmp/good.yaml" >/dev/null 2>"$tmp/err"
t $? "a good overlay section validates"

# check NAME TEXT LINE:COL WANT: lib.sh's refused_as.
check() { refused_as "$@"; }

check not-mapping 'overlay: 5' 5:10 "overlay is '5'; expected a mapping"
check unknown-key 'overlay: {tenant: []}' 5:11 "unknown key 'tenant' in overlay"
check no-tenants 'overlay: {encapsulation: vxlan}' 5:10 "missing required key 'tenants' in overlay"
check encapsulation "overlay: {encapsulation: gre, tenants: [$T]}" 5:26 "overlay.encapsulation is 'gre'; expected one of: vxlan, geneve"
check option-vxlan "overlay: {geneve_option_bytes: 8, tenants: [$T]}" 5:32 "only with encapsulation: geneve"
check option-words "overlay: {encapsulation: geneve, geneve_option_bytes: 6, tenants: [$T]}" 5:55 "whole 4-byte words"
check option-range "overlay: {encapsulation: geneve, geneve_option_bytes: 256, tenants: [$T]}" 5:55 "expected an integer 0..252"
check vteps "overlay: {vteps: spine, tenants: [$T]}" 5:18 "overlay.vteps is 'spine'; expected one of: leaf, server"
check vteps-no-vswitch "overlay: {vteps: server, tenants: [$T]}" 5:18 "overlay.vteps: server puts the VTEPs in the servers' vswitches, and overlay.vswitch is not given"
check source-port "overlay: {source_port: 0, tenants: [$T]}" 5:24 "overlay.source_port is '0'; expected an integer 1..65535"
check source-port-word "overlay: {source_port: random, tenants: [$T]}" 5:24 "overlay.source_port is 'random'"
check underlay-mtu "overlay: {underlay_mtu: 100, tenants: [$T]}" 5:25 "overlay.underlay_mtu is '100'; expected an integer 576..9216"
check tenants-empty 'overlay: {tenants: []}' 5:20 "overlay.tenants is a sequence; expected a non-empty sequence"
check tenants-mapping 'overlay: {tenants: {a: 1}}' 5:20 "overlay.tenants is a mapping"
check tenant-scalar 'overlay: {tenants: [a]}' 5:21 "overlay.tenants.0 is 'a'; expected a mapping"
check tenant-unknown-key 'overlay: {tenants: [{name: a, vni: 1, hosts: [h0], vni_: 5}]}' 5:52 "unknown key 'vni_' in overlay.tenants.0"
check no-name 'overlay: {tenants: [{vni: 1, hosts: [h0, h2]}]}' 5:21 "missing required key 'name' in overlay.tenants.0"
check host-mapping 'overlay: {tenants: [{name: a, vni: 1, hosts: [h0, x: 1]}]}' 5:51 "overlay.tenants.0.hosts.1 is a mapping; expected a host name"
check no-vni 'overlay: {tenants: [{name: a, hosts: [h0, h2]}]}' 5:21 "missing required key 'vni'"
check no-hosts 'overlay: {tenants: [{name: a, vni: 1}]}' 5:21 "missing required key 'hosts'"
check vni-zero 'overlay: {tenants: [{name: a, vni: 0, hosts: [h0, h2]}]}' 5:36 "overlay.tenants.0.vni is '0'; expected an integer 1..16777215"
check vni-24-bits 'overlay: {tenants: [{name: a, vni: 16777216, hosts: [h0, h2]}]}' 5:36 "expected an integer 1..16777215"
check vni-twice 'overlay: {tenants: [{name: a, vni: 7, hosts: [h0, h2]}, {name: b, vni: 7, hosts: [h1]}]}' 5:72 "another tenant has this VNI"
check name-twice 'overlay: {tenants: [{name: a, vni: 7, hosts: [h0, h2]}, {name: a, vni: 8, hosts: [h1]}]}' 5:64 "another tenant has this name"
check name-empty "overlay: {tenants: [{name: '', vni: 7, hosts: [h0, h2]}]}" 5:28 "overlay.tenants.0.name is ''"
# flows.csv's tenant column holds the name: a comma once made its rows
# one column longer than the header.
check name-comma "overlay: {tenants: [{name: 'a,b', vni: 7, hosts: [h0, h2]}]}" 5:28 "overlay.tenants.0.name is 'a,b' (a comma, double quote or line break); expected a name without them"
check hosts-empty 'overlay: {tenants: [{name: a, vni: 1, hosts: []}]}' 5:46 "overlay.tenants.0.hosts is a sequence; expected a non-empty"
check host-unknown 'overlay: {tenants: [{name: a, vni: 1, hosts: [h0, h9]}]}' 5:51 "overlay.tenants.0.hosts.1: no host named 'h9'"
check host-switch 'overlay: {tenants: [{name: a, vni: 1, hosts: [h0, leaf0]}]}' 5:51 "it is a switch"
check host-twice 'overlay: {tenants: [{name: a, vni: 1, hosts: [h0, h2]}, {name: b, vni: 2, hosts: [h2]}]}' 5:83 "host h2 is already in tenant a"
check subnet 'overlay: {tenants: [{name: a, vni: 1, hosts: [h0, h2], subnet: 10.0.0.0}]}' 5:64 "overlay.tenants.0.subnet is '10.0.0.0'; expected an IPv4 prefix"
check subnet-length 'overlay: {tenants: [{name: a, vni: 1, hosts: [h0, h2], subnet: 10.0.0.0/31}]}' 5:64 "prefix length out of range"
check subnet-host-bits 'overlay: {tenants: [{name: a, vni: 1, hosts: [h0, h2], subnet: 10.0.0.1/24}]}' 5:64 "host bits set"
check subnet-full 'overlay: {tenants: [{name: a, vni: 1, hosts: [h0, h1, h2], subnet: 10.0.0.0/30}]}' 5:46 "3 hosts do not fit the tenant's subnet, which has 2 addresses"
check cross-tenant 'overlay: {tenants: [{name: a, vni: 1, hosts: [h0]}, {name: b, vni: 2, hosts: [h2]}]}' 4:13 "traffic.0.flows.0: h0 (a) and h2 (b) are in different tenants"
check tenant-to-none 'overlay: {tenants: [{name: a, vni: 1, hosts: [h0]}]}' 4:13 "h2 (no tenant)"

V='{name: a, vlan: 10, hosts: [h0, h2]}'
scenario "overlay: {encapsulation: vlan, tenants: [$V]}" >"$tmp/good-vlan.yaml"
"$DCSIM" validate "$tmp/good-vlan.yaml" >/dev/null 2>"$tmp/err"
t $? "a good VLAN overlay validates"
check vlan-4095 'overlay: {encapsulation: vlan, tenants: [{name: a, vlan: 4095, hosts: [h0, h2]}]}' 5:58 "overlay.tenants.0.vlan is '4095' (reserved by IEEE 802.1Q: the VID is 12 bits and 0 and 4095 are not VLANs); expected a VLAN ID 1..4094"
check vlan-0 'overlay: {encapsulation: vlan, tenants: [{name: a, vlan: 0, hosts: [h0, h2]}]}' 5:58 "VID 0 tags a frame's priority only"
check vlan-13-bits 'overlay: {encapsulation: vlan, tenants: [{name: a, vlan: 5000, hosts: [h0, h2]}]}' 5:58 "the 802.1Q VID is 12 bits"
check vlan-word 'overlay: {encapsulation: vlan, tenants: [{name: a, vlan: x, hosts: [h0, h2]}]}' 5:58 "overlay.tenants.0.vlan is 'x' (not an integer); expected a VLAN ID 1..4094"
check vlan-twice "overlay: {encapsulation: vlan, tenants: [$V, {name: b, vlan: 10, hosts: [h1]}]}" 5:96 "another tenant has this VLAN ID"
check vlan-missing 'overlay: {encapsulation: vlan, tenants: [{name: a, vni: 10, hosts: [h0, h2]}]}' 5:42 "missing required key 'vlan' in overlay.tenants.0"
check vni-with-vlan 'overlay: {encapsulation: vlan, tenants: [{name: a, vlan: 10, vni: 10, hosts: [h0, h2]}]}' 5:67 "overlay.tenants.0.vni: a VLAN segment has a VLAN ID, not a VNI"
check vlan-with-vxlan "overlay: {tenants: [{name: a, vni: 10, vlan: 10, hosts: [h0, h2]}]}" 5:46 "overlay.tenants.0.vlan: only with encapsulation: vlan"
check source-port-vlan "overlay: {encapsulation: vlan, source_port: 5, tenants: [$V]}" 5:45 "a VLAN tag has no outer UDP header"
check option-vlan "overlay: {encapsulation: vlan, geneve_option_bytes: 4, tenants: [$V]}" 5:53 "only with encapsulation: geneve"
cat >"$tmp/host-vlan.yaml" <<YAML
topology: {type: spine-leaf, spines: 2, leaves: 2, servers_per_leaf: 2}
host: {vlan: 5}
overlay: {encapsulation: vlan, tenants: [$V]}
YAML
refused host-vlan "$tmp/host-vlan.yaml" "2:14: " "host.vlan: with overlay.encapsulation: vlan the hosts send untagged frames"
{
    printf 'topology: {type: spine-leaf, spines: 2, leaves: 2, servers_per_leaf: 2}\n'
    printf 'overlay:\n  encapsulation: vlan\n  tenants:\n'
    i=1
    while [ $i -le 4095 ]; do
        echo "    - {name: t$i, vlan: $((i > 4094 ? 1 : i)), hosts: [h0]}"
        i=$((i + 1))
    done
} >"$tmp/vlans.yaml"
refused too-many-vlans "$tmp/vlans.yaml" "5:5: " "overlay.tenants: 4095 VLAN segments, but the 802.1Q VID is 12 bits and gives 4094"

# A generated pattern pairs any hosts: refused unless all share a tenant.
cat >"$tmp/pattern.yaml" <<YAML
topology: {type: spine-leaf, spines: 2, leaves: 2, servers_per_leaf: 2}
traffic:
  - {pattern: permutation, size: 10KB}
overlay: {tenants: [{name: a, vni: 1, hosts: [h0, h1]}, {name: b, vni: 2, hosts: [h2, h3]}]}
YAML
refused pattern-cross "$tmp/pattern.yaml" "3:15: " "traffic.0: h0 (a) and h2 (b) are in different tenants"
# A flow file: each flow's hosts in one tenant, said at the first line
# that crosses (the check once paired every host of the fabric, and named
# hosts the file does not hold).
printf 'src,dst,size_bytes,start_ps\nh0,h1,1000,0\nh2,h3,1000,5\n\nh1,h2,1000,9\n' >"$tmp/flows.csv"
cat >"$tmp/file.yaml" <<YAML
topology: {type: spine-leaf, spines: 2, leaves: 2, servers_per_leaf: 2}
traffic:
  - {pattern: file, file: flows.csv}
overlay: {underlay_mtu: 9216, tenants: [{name: a, vni: 1, hosts: [h0, h1]}, {name: b, vni: 2, hosts: [h2, h3]}]}
YAML
refused_at file-cross "$tmp/file.yaml" "$tmp/flows.csv:5:1: " "h1 (a) and h2 (b) are in different tenants; traffic never crosses tenants (traffic.0.file)"
printf '2\n0 1 3 100 1000 2\n3 0 3 100 1000 2\n' >"$tmp/flows.txt"
sed 's/file: flows.csv/file: flows.txt, format: ns3/' "$tmp/file.yaml" >"$tmp/file-ns3.yaml"
refused_at file-cross-ns3 "$tmp/file-ns3.yaml" "$tmp/flows.txt:3:1: " "h3 (b) and h0 (a) are in different tenants"
printf 'src,dst,size_bytes,start_ps\nh0,h1,1000,0\nh3,h2,1000,5\n' >"$tmp/flows.csv"
"$DCSIM" validate "$tmp/file.yaml" >/dev/null
t $? "a flow file whose flows each stay in one tenant validates"
cat >"$tmp/ib.yaml" <<YAML
topology: {type: spine-leaf, spines: 2, leaves: 2, servers_per_leaf: 2}
fabric: infiniband
overlay: {tenants: [$T]}
YAML
refused infiniband "$tmp/ib.yaml" "3:10: " "not fabric: infiniband"

# overlay.vswitch: every key.  S puts VMs on every server (line 5), so the
# overlay is on line 6.
S='server: {vm: {io: vhost, count: 2}}'
G="tenants: [$T]"
vsw() { printf '%s\noverlay: {%s, vswitch: {%s}}' "$S" "$G" "$1"; }
scenario "$(vsw 'tables: learning, deny_ports: [23]')" >"$tmp/good-vswitch.yaml"
"$DCSIM" validate "$tmp/good-vswitch.yaml" >/dev/null 2>"$tmp/err"
t $? "a good vswitch validates"
scenario "$S
overlay: {encapsulation: geneve, geneve_option_bytes: 8, vteps: server, $G, vswitch: {identities: [{name: w, hosts: [h0]}, {name: d, hosts: [h2]}], allow: [{from: w, to: d}]}}" >"$tmp/good-identity.yaml"
"$DCSIM" validate "$tmp/good-identity.yaml" >/dev/null 2>"$tmp/err"
t $? "a good vswitch with identities validates"
check vswitch-scalar "$S
overlay: {$G, vswitch: 5}" 6:67 "overlay.vswitch is '5'; expected a mapping of vswitch settings"
check vswitch-unknown "$(vsw 'cache: 5')" 6:68 "unknown key 'cache' in overlay.vswitch"
check vswitch-tables "$(vsw 'tables: magic')" 6:76 "overlay.vswitch.tables is 'magic'; expected one of: prepopulated, learning, reactive"
check vswitch-microflow "$(vsw 'microflow_entries: 0')" 6:87 "overlay.vswitch.microflow_entries is '0'; expected an integer 1..1048576"
check vswitch-microflow-pow2 "$(vsw 'microflow_entries: 1000')" 6:87 "indexed by hash bits"
check vswitch-megaflow "$(vsw 'megaflow_entries: 0')" 6:86 "overlay.vswitch.megaflow_entries is '0'"
check vswitch-upcall "$(vsw 'upcall: 0us')" 6:76 "overlay.vswitch.upcall is '0us'"
check vswitch-mask-probe "$(vsw 'mask_probe: -1')" 6:80 "overlay.vswitch.mask_probe is '-1'"
check vswitch-reactive "$(vsw 'tables: reactive')" 6:67 "tables: reactive needs controller_delay"
check vswitch-delay-only "$(vsw 'controller_delay: 1ms')" 6:86 "overlay.vswitch.controller_delay: only with tables: reactive"
check vswitch-delay "$(vsw 'tables: reactive, controller_delay: 0s')" 6:104 "overlay.vswitch.controller_delay is '0s'"
check vswitch-aging-only "$(vsw 'mac_aging: 1s')" 6:79 "overlay.vswitch.mac_aging: only with tables: learning"
check vswitch-aging "$(vsw 'tables: learning, mac_aging: x')" 6:97 "overlay.vswitch.mac_aging is 'x'"
check vswitch-handler "$(vsw 'handler_core: 5000')" 6:82 "overlay.vswitch.handler_core is '5000'; expected an integer 0..2047"
check vswitch-handler-cores "$(vsw 'handler_core: 100')" 6:82 "overlay.vswitch.handler_core: host h0 has 32 cores (0..31)"
check vswitch-deny "$(vsw 'deny_ports: [0]')" 6:81 "overlay.vswitch.deny_ports.0 is '0'; expected an integer 1..65535"
check vswitch-deny-scalar "$(vsw 'deny_ports: 22')" 6:80 "overlay.vswitch.deny_ports is '22'; expected a sequence of ports"
check vswitch-identities "$(vsw 'identities: []')" 6:80 "overlay.vswitch.identities is a sequence; expected a non-empty sequence"
check vswitch-identity-unknown "$(vsw 'identities: [{name: w, hosts: [h0], color: red}]')" 6:104 "unknown key 'color' in overlay.vswitch.identities.0"
check vswitch-identity-name "$(vsw 'identities: [{hosts: [h0]}]')" 6:81 "missing required key 'name' in overlay.vswitch.identities.0"
check vswitch-identity-hosts "$(vsw 'identities: [{name: w}]')" 6:81 "missing required key 'hosts'"
check vswitch-identity-twice "$(vsw 'identities: [{name: w, hosts: [h0]}, {name: w, hosts: [h2]}]')" 6:112 "another identity has this name"
check vswitch-identity-geneve "$(vsw 'identities: [{name: w, hosts: [h0]}]')" 6:80 "the source's identity travels in a Geneve option"
check vswitch-allow-alone "$(vsw 'allow: [{from: a, to: b}]')" 6:75 "overlay.vswitch.allow: names pairs of identities"
I='identities: [{name: w, hosts: [h0]}, {name: d, hosts: [h2]}]'
check vswitch-allow-name "$(vsw "$I, allow: [{from: w, to: x}]")" 6:152 "overlay.vswitch.allow.0.to is 'x' (no identity has this name)"
check vswitch-allow-key "$(vsw "$I, allow: [{from: w, by: d}]")" 6:148 "unknown key 'by' in overlay.vswitch.allow.0"
check vswitch-allow-missing "$(vsw "$I, allow: [{from: w}]")" 6:138 "missing required key 'to' in overlay.vswitch.allow.0"
scenario "$S
overlay: {encapsulation: geneve, geneve_option_bytes: 8, vteps: server, $G, vswitch: {identities: [{name: w, hosts: [h0]}, {name: d, hosts: [h0]}]}}" >"$tmp/id-twice.yaml"
refused vswitch-identity-host-twice "$tmp/id-twice.yaml" "6:185: " "host h0 already has identity w"
scenario "$S
overlay: {encapsulation: geneve, geneve_option_bytes: 8, vteps: server, $G, vswitch: {identities: [{name: w, hosts: [h7]}]}}" >"$tmp/id-host.yaml"
refused vswitch-identity-host "$tmp/id-host.yaml" "6:161: " "no host named 'h7'"
scenario "$S
overlay: {encapsulation: geneve, geneve_option_bytes: 8, vteps: server, $G, vswitch: {identities: [{name: w, hosts: [h0, x: 1]}]}}" >"$tmp/id-map.yaml"
refused vswitch-identity-host-mapping "$tmp/id-map.yaml" "6:165: " "overlay.vswitch.identities.0.hosts.1 is a mapping; expected a host name"
cat >"$tmp/roce.yaml" <<YAML
topology: {type: spine-leaf, spines: 2, leaves: 2, servers_per_leaf: 2}
$S
traffic:
  - {pattern: flows, protocol: roce, flows: [{src: h0, dst: h2, size: 10KB}]}
overlay: {vteps: server, $G, vswitch: {}}
YAML
refused vswitch-roce "$tmp/roce.yaml" "4:32: " "traffic.0.protocol: roce runs in the NIC and bypasses the vswitch"
scenario "overlay: {$G, vswitch: {}}" >"$tmp/no-vm.yaml"
refused vswitch-no-vm "$tmp/no-vm.yaml" "5:67: " "overlay.vswitch: host h0 has no VMs"
scenario "server: {vm: {io: sriov}}
overlay: {$G, vswitch: {}}" >"$tmp/sriov.yaml"
refused vswitch-sriov "$tmp/sriov.yaml" "6:67: " "use SR-IOV VFs, which bypass the host's switch"
echo "1..$n"
