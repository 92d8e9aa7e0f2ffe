#!/bin/sh
# Servers: CPU cores, NUMA, PCIe and the VM I/O paths (issue 6 item 12).
# Each check states the mechanism it exercises and prints the figures it
# compared; the expectations are orderings that follow from the
# mechanisms, not values a run once produced.
set -u
. "$(dirname "$0")/../lib.sh"
ok_if() { awk "BEGIN { exit !($1) }"; t $? "$2"; }
col() {
    awk -F, -v name="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i; next }
                          { print $c }' "$1"
}
sum() { awk '{ s += $1 } END { printf "%.10g\n", s }'; }
max() { awk 'NR == 1 || $1 > m { m = $1 } END { printf "%.6f\n", m }'; }
run() { "$DCSIM" run "$@" --quiet --no-report; }
# gbps DIR: goodput of the first flow of DIR/flows.csv in Gb/s.
gbps() { awk -F, 'NR == 2 { printf "%.4f\n", $6 * 8 / $9 * 1000 }' "$1/flows.csv"; }
# busy DIR: cores busy on average over all hosts.
busy() { sed -n 's/.*"servers": {"cores_busy": \([0-9.]*\).*/\1/p' "$1/summary.json"; }

# scen NAME RATE SIZE PROTOCOL SERVER: two hosts on one switch.
scen() {
    cat >"$tmp/$1.yaml" <<YAML
topology: {type: spine-leaf, spines: 1, leaves: 1, servers_per_leaf: 2,
           server_link: {rate: $2, delay: 1us}, uplink: {rate: $2, delay: 1us}}
server: $5
traffic:
  - pattern: flows
    protocol: $4
    flows: [{src: h0, dst: h1, size: $3}]
YAML
    run "$tmp/$1.yaml" -o "$tmp/$1"
}

# ---------------------------------------------------------------------
# 1. The four VM I/O paths at 10 Gb/s, one TCP stream.  Throughput falls
# and CPU per byte rises as the path adds work: SR-IOV adds none on the
# host, vhost a kernel worker's copy, virtio a user-space backend and its
# exits, emulation a trap per register access.
for io in sriov vhost virtio emulated; do
    scen "$io" 10Gbps 20MB tcp "{vm: {io: $io}}"
    t $? "TCP over $io runs"
done
prev=1000
prevc=0
for io in sriov vhost virtio emulated; do
    g=$(gbps "$tmp/$io")
    # Core-seconds per gigabit delivered.
    c=$(awk -v b="$(busy "$tmp/$io")" -v g="$g" 'BEGIN { printf "%.6f", b / g }')
    echo "# $io: $g Gb/s, $(busy "$tmp/$io") cores busy, $c cores per Gb/s"
    ok_if "$g <= $prev" "throughput of $io is no higher than the path before"
    ok_if "$c >= $prevc" "CPU per Gb/s of $io is no lower than the path before"
    prev=$g
    prevc=$c
done
ok_if "$(gbps "$tmp/emulated") < 0.5 * $(gbps "$tmp/sriov")" \
    "an emulated NIC loses more than half the throughput to its exits"
ex=$(col "$tmp/emulated/vms.csv" exits_mmio | head -n 1)
ok_if "$ex > 0" "e1000 register accesses are MMIO exits ($ex)"
ex=$(col "$tmp/sriov/vms.csv" exits | sum)
ok_if "$ex == 0" "an SR-IOV VF with posted interrupts takes no exit on the data path"

# ---------------------------------------------------------------------
# 2. EVENT_IDX: while the backend is still running, the guest does not
# kick it, so exits per packet drop under load.
scen idx-on 10Gbps 20MB tcp "{vm: {io: virtio, event_idx: true}}"
scen idx-off 10Gbps 20MB tcp "{vm: {io: virtio, event_idx: false}}"
on=$(col "$tmp/idx-on/vms.csv" exits_per_packet | head -n 1)
off=$(col "$tmp/idx-off/vms.csv" exits_per_packet | head -n 1)
echo "# virtio exits per packet: EVENT_IDX $on, without $off"
ok_if "$on < $off" "EVENT_IDX reduces exits per packet"
sup=$(col "$tmp/idx-on/vms.csv" kicks_suppressed | head -n 1)
ok_if "$sup > 0" "EVENT_IDX suppressed $sup kicks"

# ---------------------------------------------------------------------
# 3. Posted interrupts: without them every interrupt into the guest costs
# an external-interrupt exit and an EOI exit.
scen pi-off 10Gbps 10MB tcp "{vm: {io: sriov, posted_interrupts: false}}"
ext=$(col "$tmp/pi-off/vms.csv" exits_external_interrupt | sum)
eoi=$(col "$tmp/pi-off/vms.csv" exits_eoi | sum)
irq=$(col "$tmp/pi-off/vms.csv" irqs_injected | sum)
echo "# posted interrupts off: $irq interrupts, $ext external-interrupt exits, $eoi EOI exits"
ok_if "$ext == $irq && $eoi == $irq && $irq > 0" \
    "without posted interrupts each interrupt exits twice"
posted=$(col "$tmp/sriov/vms.csv" irqs_posted | sum)
irq=$(col "$tmp/sriov/vms.csv" irqs_injected | sum)
ok_if "$posted == $irq && $irq > 0" "with them all $irq are posted, none exits"

# ---------------------------------------------------------------------
# 4. VPID: without it every VM entry flushes the TLB, so the guest's
# copies miss again after each exit.
scen vpid-on 10Gbps 10MB tcp "{vm: {io: virtio, event_idx: false}}"
scen vpid-off 10Gbps 10MB tcp "{vm: {io: virtio, event_idx: false, vpid: false}}"
a=$(col "$tmp/vpid-on/vms.csv" walk_refs | sum)
b=$(col "$tmp/vpid-off/vms.csv" walk_refs | sum)
echo "# guest page-walk references: VPID $a, without $b"
ok_if "$b > 2 * $a" "VPID off more than doubles the translation cost"

# ---------------------------------------------------------------------
# 5. Huge pages: 2 MiB pages cover the application's buffer with a few
# TLB entries, and each walk is 15 references instead of 24.
scen p4k 10Gbps 10MB tcp "{vm: {io: sriov}}"
scen p2m 10Gbps 10MB tcp "{page: 2MiB, vm: {io: sriov, guest_page: 2MiB}}"
a=$(col "$tmp/p4k/vms.csv" walk_refs | sum)
b=$(col "$tmp/p2m/vms.csv" walk_refs | sum)
ia=$(col "$tmp/p4k/vms.csv" iotlb_misses | sum)
ib=$(col "$tmp/p2m/vms.csv" iotlb_misses | sum)
echo "# walk references 4 KiB $a, 2 MiB $b; IOTLB misses $ia, $ib"
ok_if "$b * 10 < $a" "2 MiB pages cut the walk cost tenfold or more"
ok_if "$ib < $ia" "and the IOTLB misses"

# ---------------------------------------------------------------------
# 6. 100 Gb/s: one core running the kernel stack caps a TCP flow below
# line rate; RDMA, with no CPU per packet, reaches it.  The NIC on the
# other socket makes every copy cross the interconnect: slower still.
scen tcp100 100Gbps 200MB tcp "{}"
scen roce100 100Gbps 200MB roce "{}"
scen numa100 100Gbps 200MB tcp "{nic_node: 1}"
gt=$(gbps "$tmp/tcp100")
gr=$(gbps "$tmp/roce100")
gn=$(gbps "$tmp/numa100")
top=$(col "$tmp/tcp100/hosts.csv" busy | max)
echo "# 100G: TCP $gt Gb/s (busiest core $top), RoCE $gr Gb/s, TCP with a remote NIC $gn Gb/s"
ok_if "$gt < 80" "TCP stays below line rate"
ok_if "$top > 0.9" "because one core is saturated"
# RoCE's goodput limit: 1024 B of payload per 1024+14+20+8+12+4+4+20 B.
ok_if "$gr > 0.95 * 100 * 1024 / 1106" "RDMA reaches line rate"
ok_if "$gn < 0.95 * $gt" "a remote-NUMA NIC lowers the CPU-bound throughput"

# RDMA's data is zero-copy in the application's buffers: with them on the
# node away from the NIC's slot (buffer_node), the NIC's DMA of a
# message's data crosses the sockets.  A one-packet message pays
# remote_dma twice, the sender NIC's fetch and the receiver NIC's write
# (the ACK carries no data to write), and so does a 1 MB message, since
# its transfers pipeline behind the first: 2 x 60 ns = 120000 ps more
# FCT, exactly, at the default; remote_dma 0 gives the local figures.
cat >"$tmp/rnuma.yaml" <<YAML
topology: {type: spine-leaf, spines: 1, leaves: 1, servers_per_leaf: 2,
           server_link: {rate: 100Gbps, delay: 1us}, uplink: {rate: 100Gbps, delay: 1us}}
server: {}
traffic:
  - pattern: flows
    protocol: roce
    flows: [{src: h0, dst: h1, size: 1000B}, {src: h0, dst: h1, size: 1MB, start: 100us}]
YAML
run "$tmp/rnuma.yaml" -o "$tmp/rn0" && run "$tmp/rnuma.yaml" -o "$tmp/rn1" --set server.buffer_node=1 &&
    run "$tmp/rnuma.yaml" -o "$tmp/rn1b" --set server.buffer_node=1 &&
    run "$tmp/rnuma.yaml" -o "$tmp/rnz" --set server.buffer_node=1 --set server.remote_dma=0
t $? "RoCE with local and remote buffers runs"
col "$tmp/rn0/flows.csv" fct_ps >"$tmp/rn0.fct"
d=$(col "$tmp/rn1/flows.csv" fct_ps | paste -d' ' - "$tmp/rn0.fct" |
    awk '{ printf "%s%d", (NR > 1 ? " " : ""), $1 - $2 }')
[ "$d" = "120000 120000" ]
t $? "remote buffers add 2 x remote_dma to an RDMA message's FCT, small or large ($d ps)"
cmp -s "$tmp/rn1/flows.csv" "$tmp/rn1b/flows.csv" && cmp -s "$tmp/rn0/flows.csv" "$tmp/rnz/flows.csv"
t $? "the same twice; remote_dma 0 is the local run"
r=$(col "$tmp/roce100/hosts.csv" rdma | sum)
s=$(col "$tmp/roce100/hosts.csv" stack | sum)
ok_if "$s == 0 && $r > 0" "RDMA spends CPU only on posts and polls"

# ---------------------------------------------------------------------
# 7. RDMA in a VM over an SR-IOV VF: the VF's queue pairs bypass the
# guest and host alike.
scen roce-vf 100Gbps 50MB roce "{vm: {io: sriov}}"
t $? "RDMA runs in a VM over a VF"
ok_if "$(gbps "$tmp/roce-vf") > 0.95 * 100 * 1024 / 1106" "at line rate"

# ---------------------------------------------------------------------
# 8. Firecracker-style microVMs: 8 per host on shared cores, virtio-mmio
# (every kick an MMIO exit), and a 1 Gb/s token bucket on each vNIC.
cat >"$tmp/fc.yaml" <<'YAML'
topology: {type: spine-leaf, spines: 1, leaves: 1, servers_per_leaf: 2,
           server_link: {rate: 10Gbps, delay: 1us}, uplink: {rate: 10Gbps, delay: 1us}}
server:
  vm: {io: virtio, count: 8, vcpu_cores: [2, 3], mmio: true,
       rate_limit: {rate: 1Gbps, burst: 64KB}}
traffic:
  - {pattern: flows, protocol: tcp, flows: [{src: h0, dst: h1, size: 5MB}]}
YAML
run "$tmp/fc.yaml" -o "$tmp/fc"
t $? "microVMs run"
g=$(gbps "$tmp/fc")
mm=$(col "$tmp/fc/vms.csv" exits_mmio | sum)
io=$(col "$tmp/fc/vms.csv" exits_io | sum)
rows=$(col "$tmp/fc/vms.csv" vm | wc -l)
echo "# microVM flow: $g Gb/s under a 1 Gb/s bucket; $mm MMIO exits, $io port-I/O exits; $rows VMs"
ok_if "$g <= 1.0 && $g > 0.8" "the token bucket holds the flow to its rate"
ok_if "$mm > 0 && $io == 0" "virtio-mmio kicks are MMIO exits"
ok_if "$rows == 16" "8 VMs on each of 2 hosts are reported"

# ---------------------------------------------------------------------
# 9. Results: each core's activities add up to its busy time; a run is
# deterministic.
awk -F, 'NR > 1 { s = 0; for (i = 5; i <= 11; i++) s += $i;
                  if (s - $4 > 1e-5 || $4 - s > 1e-5) bad++ }
         END { exit bad > 0 }' "$tmp/virtio/hosts.csv"
t $? "hosts.csv: activities sum to busy"
run "$tmp/virtio.yaml" -o "$tmp/virtio2"
for f in flows.csv hosts.csv vms.csv; do
    cmp -s "$tmp/virtio/$f" "$tmp/virtio2/$f"
    t $? "$f is identical on a second run"
done

# ---------------------------------------------------------------------
# 10. A kvm-probe profile sets the exit costs: here one measured on a
# nested, PVM-backed KVM (exits ~10x dearer than the defaults), which an
# emulated NIC, paying an exit per frame, feels at once.
cat >"$tmp/kvm.yaml" <<'YAML'
kvm_profile:
  cpu: "AMD EPYC"
  vendor: amd
  hw_virt_flag: none
  nested: true
  tsc_ghz: 2.596
  iterations: 2000
  exits:
    pio_user:           {median_ns: 11707.5, p99_ns: 15463.1, median_cycles: 30394, p99_cycles: 40144}
    mmio_user:          {median_ns: 11567.3, p99_ns: 14992.4, median_cycles: 30030, p99_cycles: 38922}
    hlt_user:           {median_ns: 10675.9, p99_ns: 15753.5, median_cycles: 27716, p99_cycles: 40898}
    hypercall_kernel:   {median_ns: 5568.3, p99_ns: 7801.6, median_cycles: 14456, p99_cycles: 20254}
    cpuid_kernel:       {median_ns: 5568.3, p99_ns: 7801.6, median_cycles: 14456, p99_cycles: 20254}
    doorbell_mmio_user: {median_ns: 11076.5, p99_ns: 15002.4, median_cycles: 28756, p99_cycles: 38948}
    doorbell_ioeventfd: {median_ns: 1602.4, p99_ns: 2974.4, median_cycles: 4160, p99_cycles: 7722}
YAML
scen prof 10Gbps 20MB tcp "{vm: {io: emulated, profile: kvm.yaml}}"
t $? "a scenario takes a kvm-probe profile"
a=$(gbps "$tmp/emulated")
b=$(gbps "$tmp/prof")
echo "# emulated NIC: default exit costs $a Gb/s, the nested profile's $b Gb/s"
ok_if "$b < 0.6 * $a" "the profile's dearer exits slow the emulated NIC"
ex=$(awk -F, 'NR > 1 { s += $10 } END { print s }' "$tmp/prof/hosts.csv")
ok_if "$ex > 0" "and the exits column carries them"

# ---------------------------------------------------------------------
# 11. A VM with a VF cannot be live-migrated.
scen mig 10Gbps 1MB tcp "{vm: {io: sriov, migrate: true}}" 2>"$tmp/mig.err"
t $([ $? = 2 ] && echo 0 || echo 1) "migrating a VF's VM is refused with status 2"
grep -q "cannot be live-migrated" "$tmp/mig.err"
t $? "and the message says why: $(head -c 120 "$tmp/mig.err")"
test ! -e "$tmp/mig"
t $? "and nothing is written"

echo "1..$n"
