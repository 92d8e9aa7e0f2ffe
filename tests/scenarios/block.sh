#!/bin/sh
# MicroVM block devices (issue 6 item 7): a virtio-blk drive per VM, the
# VMM's block backend, Firecracker's rate limiter (bandwidth and ops token
# buckets), a shared backing device.  Each expectation follows from the
# mechanism and the parameters; none is a value a run once produced.
set -u
. "$(dirname "$0")/../lib.sh"
# ok_if and cell: tests/lib.sh.
colsum() {
    awk -F, -v name="$3" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i; next }
                          { s += $c } END { printf "%.6f\n", s }' "$1/$2"
}

# scen NAME BLOCK [VM-EXTRA]: one host, one VM (or as VM-EXTRA says) with
# the drive BLOCK.
scen() {
    cat >"$tmp/$1.yaml" <<YAML
topology: {type: spine-leaf, spines: 1, leaves: 1, servers_per_leaf: 1}
server:
  vm: {io: virtio, mmio: true${3:+, $3},
       block: $2}
YAML
    "$DCSIM" run "$tmp/$1.yaml" -o "$tmp/$1" --quiet --no-report
    t $? "$1 runs"
}

# 1. One request at a time (iodepth 1): a request takes the device's 77 us
# read latency and its 4 KiB at 25.6 Gb/s (1.28 us), plus the guest's and
# the VMM's CPU work: the system call, block layer, kick, backend, copy,
# interrupt and completion, all microseconds.  A closed loop of one does
# 1 / latency IOPS.
scen sync1 "{job: {requests: 500}}"
lat=$(cell "$tmp/sync1" block.csv lat_mean_us)
iops=$(cell "$tmp/sync1" block.csv iops)
echo "# iodepth 1: $lat us, $iops IOPS"
ok_if "$lat > 78.28 && $lat < 78.28 + 25" "a read takes the device's latency and transfer plus microseconds of CPU"
ok_if "$iops * $lat / 1e6 > 0.99 && $iops * $lat / 1e6 < 1.01" "one outstanding request: IOPS = 1 / latency"
scen write1 "{job: {requests: 500, op: write}}"
wl=$(cell "$tmp/write1" block.csv lat_mean_us)
ok_if "$wl < $lat - 55" "a write takes the device's 18 us write latency instead ($wl us)"

# 2. The engines: Firecracker's sync engine waits for each I/O, so eight
# outstanding requests queue behind one another (the latency grows about
# eightfold and IOPS do not); async (io_uring) overlaps them.
scen sync8 "{job: {requests: 1000, iodepth: 8}}"
scen async8 "{engine: async, job: {requests: 1000, iodepth: 8}}"
s8=$(cell "$tmp/sync8" block.csv iops)
a8=$(cell "$tmp/async8" block.csv iops)
l8=$(cell "$tmp/sync8" block.csv lat_mean_us)
echo "# iodepth 8: sync $s8 IOPS ($l8 us), async $a8 IOPS"
ok_if "$s8 < 1e6 / 77" "sync: at most one device latency per request"
ok_if "$l8 > 7 * 78.28" "sync: eight requests queue in the backend, a device latency each"
ok_if "$a8 > 5 * $s8" "async overlaps the device's latency"

# 3. Firecracker's ops bucket: 100 requests refilled every 100 ms (1000/s),
# full at the start.  1000 requests: 100 at once, 900 at 1000/s: 0.9 s,
# plus at most the time the first 100 take unthrottled (at async8's rate).
scen ops "{engine: async, rate_limiter: {ops: {size: 100, refill_time: 100ms}}, job: {requests: 1000, iodepth: 8}}"
s=$(cell "$tmp/ops" block.csv seconds)
th=$(cell "$tmp/ops" block.csv throttled_fraction)
echo "# ops bucket: $s s, throttled $th of the time"
ok_if "$s > 0.9 && $s < 0.9 + 100 / $a8" "1000 requests under a 1000/s bucket of 100 take 0.9 s ($s)"
ok_if "$th > 0.9" "the backend waits for tokens most of the time"
# ... with a one-time burst of 400 on top: 500 at once, 500 at 1000/s.
scen ops-burst "{engine: async, rate_limiter: {ops: {size: 100, refill_time: 100ms, one_time_burst: 400}}, job: {requests: 1000, iodepth: 8}}"
s=$(cell "$tmp/ops-burst" block.csv seconds)
ok_if "$s > 0.5 && $s < 0.5 + 500 / $a8" "a one-time burst of 400 is spent first ($s s)"

# 4. The bandwidth bucket: 64 KiB refilled every 10 ms (6.5536 MB/s).
# 1000 x 4 KiB: the first 64 KiB at once, the rest at the refill rate.
scen bw "{engine: async, rate_limiter: {bandwidth: {size: 64KiB, refill_time: 10ms}}, job: {requests: 1000, iodepth: 8}}"
s=$(cell "$tmp/bw" block.csv seconds)
want=$(awk 'BEGIN { printf "%.6f", (4096000 - 65536) / 6553600 }')
echo "# bandwidth bucket: $s s against $want"
ok_if "$s > $want && $s < $want * 1.01" "the bandwidth bucket paces the bytes"

# 5. One backing device shared by eight microVMs: 64 KiB reads against a
# 1 Gb/s device take 125 MB/s together, an eighth each (each drive's rate
# over its own span, first issue to last completion: within 1%).
scen shared "{engine: async, device: {read_rate: 1Gbps}, job: {requests: 200, iodepth: 16, size: 64KiB}}" "count: 8"
tot=$(colsum "$tmp/shared" block.csv mb_per_s)
nd=$(awk 'END { print NR - 1 }' "$tmp/shared/block.csv")
lo=$(awk -F, 'NR > 1 && (NR == 2 || $12 < m) { m = $12 } END { print m }' "$tmp/shared/block.csv")
echo "# shared device: $nd drives, $tot MB/s together, the slowest $lo"
ok_if "$nd == 8" "eight drives"
ok_if "$tot > 0.99 * 125 && $tot < 1.01 * 125" "together they get the device's 125 MB/s"
ok_if "$lo > 0.95 * $tot / 8" "the device serves them fairly"

# 6. Notifications: virtio-mmio's kick is an MMIO exit and each interrupt's
# handler makes two more (InterruptStatus, InterruptACK); virtio-pci kicks
# with a port write and its MSI-X handler touches no register.
k=$(cell "$tmp/sync1" block.csv kicks)
i=$(cell "$tmp/sync1" block.csv irqs)
m=$(cell "$tmp/sync1" vms.csv exits_mmio)
ok_if "$m == $k + 2 * $i" "virtio-mmio: one MMIO exit per kick and two per interrupt ($m = $k + 2 x $i)"
cat >"$tmp/pci.yaml" <<'YAML'
topology: {type: spine-leaf, spines: 1, leaves: 1, servers_per_leaf: 1}
server: {vm: {io: virtio, block: {job: {requests: 500}}}}
YAML
"$DCSIM" run "$tmp/pci.yaml" -o "$tmp/pci" --quiet --no-report
k=$(cell "$tmp/pci" block.csv kicks)
ok_if "$(cell "$tmp/pci" vms.csv exits_io) == $k && $(cell "$tmp/pci" vms.csv exits_mmio) == 0" \
    "virtio-pci: port-I/O kicks, no MMIO exit"
ok_if "$(cell "$tmp/pci" block.csv lat_mean_us) < $lat" "fewer exits, lower latency than virtio-mmio"
scen pi-off "{job: {requests: 500}}" "posted_interrupts: false"
i=$(cell "$tmp/pi-off" block.csv irqs)
ok_if "$(cell "$tmp/pi-off" vms.csv exits_external_interrupt) == $i && $(cell "$tmp/pi-off" vms.csv exits_eoi) == $i" \
    "without posted interrupts each completion interrupt exits twice more"
# EVENT_IDX: with async and eight outstanding, the guest's driver sees
# several completions per interrupt.
ok_if "$(cell "$tmp/async8" block.csv irqs) < $(cell "$tmp/async8" block.csv completed)" \
    "interrupts are coalesced while the driver works through the used ring"

# 7. The backend's CPU is the VMM's (hosts.csv vmm on the backend core).
v=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "vmm") c = i; next } { s += $c } END { print s + 0 }' "$tmp/async8/hosts.csv")
ok_if "$v > 0" "the block backend runs as VMM work ($v cores)"

# 8. The same scenario twice: the same results.
"$DCSIM" run "$tmp/shared.yaml" -o "$tmp/shared2" --quiet --no-report
cmp -s "$tmp/shared/block.csv" "$tmp/shared2/block.csv"
t $? "block.csv is deterministic"

echo "1..$n"
