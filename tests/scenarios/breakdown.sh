#!/bin/sh
# The per-packet latency breakdown of a chosen flow (monitor.breakdown;
# issue 6 item 9).  The parts must add up to each packet's latency, match
# the analytic path where there is one, move with the knob that owns them,
# and leave every other result untouched.
set -u
. "$(dirname "$0")/../lib.sh"
ok_if() { awk "BEGIN { exit !($1) }"; t $? "$2"; }
run() { "$DCSIM" run "$@" --quiet --no-report; }
# part DIR NAME: the mean of NAME_ns over the delivered packets of
# DIR/breakdown.csv, in ns.
part() {
    awk -F, -v name="$2_ns" '
        NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        $c["status"] == "delivered" { s += $c[name]; k++ }
        END { printf "%.3f\n", k ? s / k : -1 }' "$1/breakdown.csv"
}
rows() { awk -F, -v st="$2" 'NR > 1 && $5 == st' "$1/breakdown.csv" | wc -l; }

# scen NAME RATE SERVER PROTOCOL SIZE [EXTRA]: h0 -> h1 on one switch
# (1 us links), flow 0 broken down.
scen() {
    cat >"$tmp/$1.yaml" <<YAML
topology:
  type: explicit
  nodes: [{name: h0, kind: host}, {name: sw, kind: switch}, {name: h1, kind: host}]
  links:
    - {a: h0, b: sw, rate: $2, delay: 1us}
    - {a: sw, b: h1, rate: $2, delay: 1us}
$3
monitor: {breakdown: 0}
${6:-}
traffic:
  - pattern: flows
    protocol: $4
    flows: [{src: h0, dst: h1, size: $5}]
YAML
    run "$tmp/$1.yaml" -o "$tmp/$1"
}

# ---------------------------------------------------------------------
# 1. Without hosts' CPUs: one 1000 B datagram across a spine-leaf with a
# 500 ns switch latency.  Four links of (1000 + 8 + 20 + 14 + 4 + 20) B at
# 10 Gb/s (852.8 ns) and 1 us each; three switches of 500 ns; nothing
# else.
cat >"$tmp/udp.yaml" <<'YAML'
topology: {type: spine-leaf, spines: 1, leaves: 2, servers_per_leaf: 1,
           server_link: {rate: 10Gbps, delay: 1us}, uplink: {rate: 10Gbps, delay: 1us}}
switch: {latency: 500ns}
monitor: {breakdown: 0}
traffic:
  - {pattern: flows, protocol: udp, flows: [{src: h0, dst: h1, size: 1000}]}
YAML
run "$tmp/udp.yaml" -o "$tmp/udp"
t $? "a UDP datagram is broken down"
w=$(part "$tmp/udp" wire) s=$(part "$tmp/udp" switch) tot=$(part "$tmp/udp" total)
echo "# one datagram: wire $w ns, switches $s ns, total $tot ns"
ok_if "$w == 7411.2" "wire: 4 x (852.8 ns serialization + 1 us propagation)"
ok_if "$s == 1500" "switches: 3 x 500 ns"
ok_if "$tot == 8911.2" "nothing else on an idle path without CPUs"
fct=$(awk -F, 'NR == 2 { printf "%.3f", $9 / 1000 }' "$tmp/udp/flows.csv")
ok_if "$tot == $fct" "a one-packet flow's latency is its FCT ($fct ns)"

# 2. The parts add up to each packet's latency, in every run below
# (checked at the end); reading them changes nothing: the same scenario
# without monitor.breakdown gives byte-identical results.
scen virtio 10Gbps "server: {vm: {io: virtio}}" tcp 2MB
sed '/^monitor:/d' "$tmp/virtio.yaml" >"$tmp/plain.yaml"
run "$tmp/plain.yaml" -o "$tmp/plain"
grep -v '"breakdown"' "$tmp/virtio/summary.json" >"$tmp/virtio-summary"
grep -v '"breakdown"' "$tmp/plain/summary.json" >"$tmp/plain-summary"
same=0
for f in flows.csv links.csv queues.csv hosts.csv vms.csv; do
    cmp -s "$tmp/virtio/$f" "$tmp/plain/$f" || same=1
done
# (The scenario's name is its file's.)
sed -i '/wall_seconds/d; /"scenario":/d' "$tmp/virtio-summary" "$tmp/plain-summary"
cmp -s "$tmp/virtio-summary" "$tmp/plain-summary" || same=1
t $same "results are identical with and without the breakdown"
[ ! -e "$tmp/plain/breakdown.csv" ]
t $? "no breakdown.csv without monitor.breakdown"
nr=$(rows "$tmp/virtio" delivered)
pk=$(awk -F, 'NR == 2 { print $15 }' "$tmp/virtio/flows.csv")
ok_if "$nr == $pk" "one row per data packet sent ($nr of $pk)"

# 3. The I/O paths, one 64 B message each: the parts belong to the
# mechanisms.
for io in emulated virtio vhost sriov; do
    scen "m-$io" 10Gbps "server: {vm: {io: $io}}" tcp 64
done
scen m-bare 10Gbps "server: {}" tcp 64
for p in emulated virtio vhost sriov bare; do
    echo "# 64 B over $p: total $(part "$tmp/m-$p" total) ns; exits $(part "$tmp/m-$p" exits), backend $(part "$tmp/m-$p" backend), iommu $(part "$tmp/m-$p" iommu), stack $(part "$tmp/m-$p" stack), nic $(part "$tmp/m-$p" nic)"
done
ok_if "$(part "$tmp/m-emulated" exits) > 3 * $(part "$tmp/m-virtio" exits)" \
    "an e1000's register traps outnumber virtio's one kick"
ok_if "$(part "$tmp/m-virtio" exits) > $(part "$tmp/m-vhost" exits)" \
    "virtio's kick goes to user space, vhost's stays in the kernel"
ok_if "$(part "$tmp/m-sriov" exits) == 0 && $(part "$tmp/m-bare" exits) == 0" \
    "no exits on a VF with posted interrupts, nor on bare metal"
ok_if "$(part "$tmp/m-vhost" backend) > 0 && $(part "$tmp/m-sriov" backend) == 0" \
    "a backend for vhost, none for a VF"
ok_if "$(part "$tmp/m-sriov" iommu) > 0 && $(part "$tmp/m-vhost" iommu) == 0" \
    "IOTLB misses stall only the VF's DMA"
ok_if "$(part "$tmp/m-emulated" total) > $(part "$tmp/m-virtio" total) && $(part "$tmp/m-virtio" total) > $(part "$tmp/m-sriov" total)" \
    "latency: emulated > virtio > SR-IOV"
scen m-pi-off 10Gbps "server: {vm: {io: sriov, posted_interrupts: false}}" tcp 64
ok_if "$(part "$tmp/m-pi-off" exits) > 0" \
    "without posted interrupts the VF's interrupt exits ($(part "$tmp/m-pi-off" exits) ns)"

# 4. Interrupt moderation: a lone frame waits the whole rx-usecs in the
# NIC before its interrupt.
scen m-rx0 10Gbps "server: {rx_usecs: 0}" tcp 64
d=$(awk -v a="$(part "$tmp/m-bare" nic)" -v b="$(part "$tmp/m-rx0" nic)" 'BEGIN { printf "%.3f", a - b }')
ok_if "$d == 8000" "rx-usecs 8 us adds 8 us of NIC time ($d ns)"

# 5. RDMA runs in the NIC: no CPU part on its packets.
scen roce 10Gbps "server: {}" roce 64KB
cpu=$(awk -v a="$(part "$tmp/roce" app)" -v b="$(part "$tmp/roce" stack)" -v c="$(part "$tmp/roce" irq)" 'BEGIN { print a + b + c }')
ok_if "$cpu == 0 && $(part "$tmp/roce" pcie) > 0" "a RoCE WRITE's packets cost no CPU, only PCIe and the wire"

# 6. A microVM's token bucket: a flow beyond the burst waits for tokens.
scen tb 10Gbps "server: {vm: {io: virtio, mmio: true, rate_limit: {rate: 1Gbps, burst: 16KB}}}" tcp 1MB
ok_if "$(part "$tmp/tb" rate_limit) > 1000" \
    "the token bucket holds packets ($(part "$tmp/tb" rate_limit) ns each on average)"

# 7. Switch queueing: eight senders into one port; the chosen flow's
# packets wait in the switch.
cat >"$tmp/incast.yaml" <<'YAML'
topology: {type: spine-leaf, spines: 1, leaves: 1, servers_per_leaf: 9,
           server_link: {rate: 10Gbps, delay: 1us}, uplink: {rate: 10Gbps, delay: 1us}}
monitor: {breakdown: 0}
traffic:
  - pattern: flows
    protocol: udp
    flows: [{src: h0, dst: h8, size: 100KB}, {src: h1, dst: h8, size: 100KB},
            {src: h2, dst: h8, size: 100KB}, {src: h3, dst: h8, size: 100KB},
            {src: h4, dst: h8, size: 100KB}, {src: h5, dst: h8, size: 100KB},
            {src: h6, dst: h8, size: 100KB}, {src: h7, dst: h8, size: 100KB}]
YAML
run "$tmp/incast.yaml" -o "$tmp/incast"
t $? "incast runs"
sw=$(part "$tmp/incast" switch)
echo "# incast: flow 0's packets spend $sw ns in the switch on average"
ok_if "$sw > 10000" "queueing behind the other senders shows as switch time"

# 8. Lost packets: their rows say where they were lost.
cat >"$tmp/loss.yaml" <<'YAML'
topology: {type: spine-leaf, spines: 1, leaves: 1, servers_per_leaf: 2}
faults: {loss: 0.2}
monitor: {breakdown: 0}
traffic:
  - {pattern: flows, protocol: udp, flows: [{src: h0, dst: h1, size: 100KB}]}
YAML
run "$tmp/loss.yaml" -o "$tmp/loss"
lost=$(rows "$tmp/loss" fault_injected)
want=$(awk -F, 'NR == 2 { print $16 }' "$tmp/loss/flows.csv")
ok_if "$lost == $want && $lost > 0" "dropped packets are rows with their reason ($lost of $want)"

# 9. The same run twice: the same rows.
run "$tmp/virtio.yaml" -o "$tmp/virtio2"
cmp -s "$tmp/virtio/breakdown.csv" "$tmp/virtio2/breakdown.csv"
t $? "breakdown.csv is deterministic"

# 2 (end). Every delivered packet of every run: parts sum to the total
# (each printed to 0.001 ns).
bad=0
for d in udp virtio m-emulated m-virtio m-vhost m-sriov m-bare m-pi-off m-rx0 roce tb incast loss; do
    awk -F, 'NR > 1 && $5 != "in_flight" {
                 s = 0; for (i = 7; i <= NF; i++) s += $i
                 if (s - $6 > 0.01 || $6 - s > 0.01) { print FILENAME ": " $0; bad = 1 }
             } END { exit bad }' "$tmp/$d/breakdown.csv" || bad=1
done
t $bad "in every run each packet's parts add up to its latency"

echo "1..$n"
