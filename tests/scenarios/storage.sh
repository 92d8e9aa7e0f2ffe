#!/bin/sh
# Storage over the fabric (issue 16): NVMe SSDs, NVMe-oF over RDMA,
# NVMe/TCP, iSCSI and fio-style jobs.  Each expectation is computed here
# from the mechanism and the parameters (the SSD's latency and rate, each
# message's frames on the wire, the costs in cycles); none is a value a
# run once produced.  Figures are printed as TAP comments.
set -u
. "$(dirname "$0")/../lib.sh"
# ok_if and cell: tests/lib.sh; sto DIR NAME [ROW]: a column of
# storage.csv.
sto() { cell "$1" storage.csv "$2" "${3:-1}"; }

# Two hosts under one leaf: h0 -> leaf0 -> h1 is two 100 Gb/s links of
# 1 us each, switches forwarding in no time (switch.latency 0).
# run NAME STORAGE [SERVER]: runs it into $tmp/NAME.
run() {
    cat >"$tmp/$1.yaml" <<YAML
topology: {type: spine-leaf, spines: 1, leaves: 1, servers_per_leaf: 2,
           server_link: {rate: 100Gbps, delay: 1us}}
${3:-}
storage: $2
YAML
    "$DCSIM" run "$tmp/$1.yaml" -o "$tmp/$1" --quiet --no-report
    t $? "$1 runs"
}

# ---- 11. One 4 KiB read on an idle path is the sum of its parts. ----
# The SSD (P4800X defaults): 9 us, then 4096 B at 19.2 Gb/s.
dev_ps=$(awk 'BEGIN { printf "%.3f", 9e6 + 4096 * 8 / 19.2e9 * 1e12 }')
# msg_ps WIRE...: a message of frames of WIRE bytes (preamble to IFG)
# over both links, store and forward: the max-plus recurrence over
# (frame x link) with 80 ps a byte at 100 Gb/s, plus 1 us per link.
msg_ps() {
    echo "$@" | awk '{
        a = 0; b = 0
        for (k = 1; k <= NF; k++) {
            s = $k * 80
            a = a + s                    # link 1: back to back
            b = (a > b ? a : b) + s      # link 2: after link 1 and k-1
        }
        printf "%.0f\n", b + 2e6 }'
}
# Frame bytes on the wire for IP_BYTES of IP packet: Ethernet header 14,
# FCS 4 (64 B at least), preamble and SFD 8, inter-frame gap 12.
wire() { awk -v ip="$1" 'BEGIN { f = 14 + ip + 4; if (f < 64) f = 64; print f + 20 }'; }
# RoCEv2: IP 20, UDP 8, BTH 12, ICRC 4, plus EXT (RETH 16 on a WRITE's
# first packet); rdma.mtu 1024 B of payload a packet.
roce() { wire $((20 + 8 + 12 + $2 + $1 + 4)); }
# TCP: IP 20 + TCP 20 and at most MSS 1460 B a segment.
tcp_msg() {
    awk -v n="$1" 'BEGIN { while (n > 0) { s = n > 1460 ? 1460 : n; printf "%d ", s; n -= s }; print "" }' |
        while read -r segs; do
            out=
            for s in $segs; do out="$out $(wire $((40 + s)))"; done
            echo "$out"
        done
}
# NVMe-oF/RDMA: SEND of the 64 B command; the SSD; RDMA WRITE of 4096 B
# (four 1024 B packets, RETH on the first) and SEND of the 16 B
# completion, posted together on the target's queue pair: the SEND's
# packet follows the WRITE's last one, five frames in one train.
rdma_ps=$(awk -v a="$(msg_ps "$(roce 64 0)")" \
              -v b="$(msg_ps "$(roce 1024 16) $(roce 1024 0) $(roce 1024 0) $(roce 1024 0) $(roce 16 0)")" \
              -v d="$dev_ps" 'BEGIN { printf "%.3f", a + b + d }')
# NVMe/TCP: CapsuleCmd 72 B; the SSD; C2HData 24 B + 4096 B and
# CapsuleResp 24 B in one write (4144 B: segments 1460, 1460, 1224).
ntcp_ps=$(awk -v a="$(msg_ps "$(tcp_msg 72)")" -v b="$(msg_ps "$(tcp_msg 4144)")" \
              -v d="$dev_ps" 'BEGIN { printf "%.3f", a + b + d }')
# iSCSI: SCSI Command 48 B; the SSD; Data-In 48 B + 4096 B and the SCSI
# Response 48 B (4192 B).
iscsi_ps=$(awk -v a="$(msg_ps "$(tcp_msg 48)")" -v b="$(msg_ps "$(tcp_msg 4192)")" \
               -v d="$dev_ps" 'BEGIN { printf "%.3f", a + b + d }')
for p in local:$dev_ps nvme-rdma:$rdma_ps nvme-tcp:$ntcp_ps iscsi:$iscsi_ps; do
    proto=${p%%:*} want=${p#*:}
    tgt=", target: h1"
    [ "$proto" = local ] && tgt=
    run "one-$proto" "{jobs: [{initiator: h0$tgt, protocol: $proto, count: 1}]}"
    got=$(sto "$tmp/one-$proto" lat_max_us)
    echo "# $proto: one 4 KiB read $got us, analytic $(awk -v w="$want" 'BEGIN { printf "%.3f", w / 1e6 }') us"
    ok_if "$got * 1e6 - $want < 1500 && $want - $got * 1e6 < 1500" \
        "$proto: one 4 KiB read on an idle path is the sum of its parts (to the ns)"
done
# The breakdown (storage.csv's stages) of the one-read runs: the SSD's
# stage is the device's time, the messages' the sum of their trips, and
# the stages add up to the latency (each rounded to the ns).
for p in nvme-rdma:$rdma_ps nvme-tcp:$ntcp_ps; do
    proto=${p%%:*} want=${p#*:}
    d=$tmp/one-$proto
    dev=$(sto "$d" device_us) fab=$(sto "$d" fabric_us) lat=$(sto "$d" lat_mean_us)
    sum=$(awk -v a="$(sto "$d" submit_us)" -v b="$fab" -v c="$(sto "$d" target_us)" \
              -v e="$dev" -v f="$(sto "$d" replicas_us)" -v g="$(sto "$d" complete_us)" \
              'BEGIN { printf "%.3f", a + b + c + e + f + g }')
    echo "# $proto breakdown: fabric $fab us, device $dev us, sum $sum us of $lat us"
    ok_if "$dev * 1e6 - $dev_ps < 1500 && $dev_ps - $dev * 1e6 < 1500 && $fab * 1e6 - ($want - $dev_ps) < 1500 && ($want - $dev_ps) - $fab * 1e6 < 1500" \
        "$proto: the breakdown's device stage is the SSD's time, its fabric stage the messages'"
    ok_if "$sum - $lat < 0.0061 && $lat - $sum < 0.0061" "$proto: the stages add up to the mean latency"
done
# With host costs, RDMA's read is the fastest of the three: the same
# initiator and target work per command, but posts and polls in place
# of the TCP stack's per-packet work and copies on both ends.
for proto in nvme-rdma nvme-tcp iscsi; do
    run "srv-$proto" "{jobs: [{initiator: h0, target: h1, protocol: $proto, count: 1}]}" "server: {}"
done
r=$(sto "$tmp/srv-nvme-rdma" lat_max_us) tn=$(sto "$tmp/srv-nvme-tcp" lat_max_us) ti=$(sto "$tmp/srv-iscsi" lat_max_us)
echo "# one 4 KiB read on servers: nvme-rdma $r us, nvme-tcp $tn us, iscsi $ti us"
ok_if "$r < $tn && $r < $ti" "on servers NVMe-oF/RDMA reads faster than NVMe/TCP and iSCSI"
ok_if "$(sto "$tmp/one-nvme-rdma" lat_max_us) <= $(sto "$tmp/one-nvme-tcp" lat_max_us)" "without host costs NVMe-oF/RDMA is no slower than NVMe/TCP"

# VM initiators: h0's endpoints in a VM.  Its submission and completion
# run on the VM's vCPU (a core past the host's own); over NVMe/TCP its
# packets also take the VM's I/O path, so with vhost-net the read takes
# longer than on bare metal, in its fabric stage, and costs the host a
# vhost worker's time; an SR-IOV VF skips the host's backend but not
# the guest's stack.  RDMA goes NIC to guest memory either way: a VM's
# read takes what bare metal's does.
for io in vhost sriov; do
    for proto in nvme-tcp nvme-rdma; do
        run "vm-$io-$proto" "{jobs: [{initiator: h0, target: h1, protocol: $proto, count: 1}]}" "server: {nodes: {h0: {vm: {io: $io}}}}"
    done
done
bt=$(sto "$tmp/srv-nvme-tcp" lat_max_us) br=$(sto "$tmp/srv-nvme-rdma" lat_max_us)
vt=$(sto "$tmp/vm-vhost-nvme-tcp" lat_max_us) st=$(sto "$tmp/vm-sriov-nvme-tcp" lat_max_us)
vr=$(sto "$tmp/vm-vhost-nvme-rdma" lat_max_us) sr=$(sto "$tmp/vm-sriov-nvme-rdma" lat_max_us)
vf=$(sto "$tmp/vm-vhost-nvme-tcp" fabric_us) bf=$(sto "$tmp/srv-nvme-tcp" fabric_us)
vh=$(awk -F, '$1 == "h0" { s += $8 } END { print s + 0 }' "$tmp/vm-vhost-nvme-tcp/hosts.csv")
# (Over RDMA the initiator's only application work is the submission
# and completion: on the vCPU, none on the host's app core 1.)
va=$(awk -F, '$1 == "h0" && $2 > 1 { s += $5 } END { print s + 0 }' "$tmp/vm-vhost-nvme-rdma/hosts.csv")
ha=$(awk -F, '$1 == "h0" && $2 == 1 { s += $5 } END { print s + 0 }' "$tmp/vm-vhost-nvme-rdma/hosts.csv")
echo "# VM initiator, one 4 KiB read: nvme-tcp bare $bt us, vhost $vt us (fabric $bf -> $vf us), sriov $st us; nvme-rdma bare $br us, vhost $vr us, sriov $sr us"
ok_if "$vt > $bt && $vf - $bf > $vt - $bt - 0.0015 && $vh > 0" "vhost initiator: NVMe/TCP pays the VM's I/O path in the fabric stage, a vhost worker busy"
ok_if "$va > 0 && $ha == 0" "the VM initiator's submission and completion run on its vCPU, not the host's app core"
ok_if "$st > $bt && $st < $vt" "SR-IOV initiator: slower than bare metal, faster than vhost-net"
ok_if "$vr == $br && $sr == $br" "RDMA from a VM reads as fast as from bare metal"

# A worker's sessions stay in its VM: with two VMs on h0 (vms.csv),
# one worker's NVMe/TCP connection sends and receives through VM 0 only
# (the worker's index mod count), where its software runs; two workers
# use one VM each.
for nj in 1 2; do
    run "vm2-$nj" "{jobs: [{initiator: h0, target: h1, protocol: nvme-tcp, numjobs: $nj, count: 20}]}" "server: {nodes: {h0: {vm: {io: vhost, count: 2}}}}"
done
vmp() { awk -F, -v v="$2" -v c="$3" 'NR == 1 { for (i = 1; i <= NF; i++) k[$i] = i; next }
        $1 == "h0" && $2 == v { print $k[c] }' "$1/vms.csv"; }
a=$tmp/vm2-1 b=$tmp/vm2-2
echo "# two VMs on h0, one worker: VM 0 $(vmp "$a" 0 packets_tx)/$(vmp "$a" 0 packets_rx) packets out/in, VM 1 $(vmp "$a" 1 packets_tx)/$(vmp "$a" 1 packets_rx); two workers: VM 0 $(vmp "$b" 0 packets_tx)/$(vmp "$b" 0 packets_rx), VM 1 $(vmp "$b" 1 packets_tx)/$(vmp "$b" 1 packets_rx)"
ok_if "$(vmp "$a" 0 packets_tx) > 0 && $(vmp "$a" 0 packets_rx) > 0 && $(vmp "$a" 1 packets_tx) == 0 && $(vmp "$a" 1 packets_rx) == 0" "one worker's connection goes in and out through its own VM only"
ok_if "$(vmp "$b" 0 packets_rx) > 0 && $(vmp "$b" 1 packets_rx) > 0 && $(vmp "$b" 0 packets_tx) == $(vmp "$b" 1 packets_tx)" "two workers: one VM each, the same packets out of each"

# Host costs: a local read on a server pays the initiator's submission
# and completion, 8400 cycles each at 3 GHz.
run cpu-local "{jobs: [{initiator: h0, protocol: local, count: 1}]}" "server: {}"
got=$(sto "$tmp/cpu-local" lat_max_us)
want=$(awk -v d="$dev_ps" 'BEGIN { printf "%.3f", (d + 2 * 8400 / 3 * 1e3) / 1e6 }')
echo "# local on a server: $got us, analytic $want us"
ok_if "$got - $want < 0.0015 && $want - $got < 0.0015" "local read with host costs: device plus 2 x 8400 cycles"

# ---- 12. Little's law, and the ceiling. ----
# Below saturation (4 outstanding, 5 units): IOPS x mean latency is the
# iodepth of a closed loop.
run little "{jobs: [{initiator: h0, target: h1, protocol: nvme-rdma, iodepth: 4, count: 3000}]}"
iops=$(sto "$tmp/little" iops) lat=$(sto "$tmp/little" lat_mean_us)
echo "# nvme-rdma iodepth 4: $iops IOPS x $lat us = $(awk -v i="$iops" -v l="$lat" 'BEGIN { print i * l / 1e6 }')"
ok_if "$iops * $lat / 1e6 > 4 * 0.98 && $iops * $lat / 1e6 < 4 * 1.02" "Little's law: IOPS x latency = iodepth within 2%"
# IOPS grow with the queue depth (more units at work).
prev=0
for q in 1 2 4; do
    run "qd$q" "{jobs: [{initiator: h0, protocol: local, iodepth: $q, count: 2000}]}"
    cur=$(sto "$tmp/qd$q" iops)
    echo "# local iodepth $q: $cur IOPS"
    ok_if "$cur > 1.8 * $prev" "iodepth $q: IOPS nearly double with the queue depth below the units"
    prev=$cur
done
# Far above it, the SSD's ceiling: min(5 units / 9 us, 19.2 Gb/s / 4 KiB).
ceil=$(awk 'BEGIN { a = 5 / 9e-6; b = 19.2e9 / (8 * 4096); printf "%.1f", a < b ? a : b }')
run sat-local "{jobs: [{initiator: h0, protocol: local, iodepth: 64, count: 20000}]}"
run sat-rdma "{jobs: [{initiator: h0, target: h1, protocol: nvme-rdma, iodepth: 32, numjobs: 2, count: 10000}]}"
for r in sat-local sat-rdma; do
    got=$(sto "$tmp/$r" iops)
    echo "# $r: $got IOPS, ceiling $ceil"
    ok_if "$got > $ceil * 0.98 && $got < $ceil * 1.02" "$r: IOPS saturate at the SSD's ceiling within 2%"
done
# Two SSDs per host, striped: twice the ceiling.
run sat-dev2 "{devices: 2, jobs: [{initiator: h0, protocol: local, iodepth: 64, count: 40000}]}"
got=$(sto "$tmp/sat-dev2" iops)
echo "# sat-dev2: $got IOPS, ceiling 2 x $ceil"
ok_if "$got > 2 * $ceil * 0.98 && $got < 2 * $ceil * 1.02" "devices 2: IOPS saturate at twice one SSD's ceiling within 2%"
# Writes: the data path first (16 Gb/s), then a unit for 10 us:
# min(5 / 10 us, 16 Gb/s / 4 KiB).
wceil=$(awk 'BEGIN { a = 5 / 10e-6; b = 16e9 / (8 * 4096); printf "%.1f", a < b ? a : b }')
run sat-write "{jobs: [{initiator: h0, protocol: local, rw: randwrite, iodepth: 64, count: 20000}]}"
got=$(sto "$tmp/sat-write" iops)
echo "# sat-write: $got IOPS, ceiling $wceil"
ok_if "$got > $wceil * 0.98 && $got < $wceil * 1.02" "writes saturate at the SSD's write ceiling within 2%"
lat64=$(sto "$tmp/sat-local" lat_mean_us)
ok_if "$lat64 > 64 / $ceil * 1e6 * 0.98" "beyond the ceiling the latency grows instead (Little: 64 / ceiling)"

# ---- 14. CPU per I/O: RDMA targets against TCP targets. ----
# A kernel target's own work per command is the same for all three; TCP
# targets also run the kernel stack for every packet and copy every byte,
# RDMA targets only post and poll.
for proto in nvme-rdma nvme-tcp iscsi; do
    run "cpu-$proto" "{jobs: [{initiator: h0, target: h1, protocol: $proto, bs: 128KiB, count: 200}]}" "server: {}"
done
r=$(sto "$tmp/cpu-nvme-rdma" target_cpu_us_per_io)
tn=$(sto "$tmp/cpu-nvme-tcp" target_cpu_us_per_io)
ti=$(sto "$tmp/cpu-iscsi" target_cpu_us_per_io)
echo "# 128 KiB reads, target CPU per I/O: nvme-rdma $r us, nvme-tcp $tn us, iscsi $ti us (ratio $(awk -v a="$tn" -v b="$r" 'BEGIN { printf "%.1f", a / b }'))"
ok_if "$tn > 3 * $r && $ti > 3 * $r" "RDMA targets use far less CPU per I/O (over 3x) than TCP targets"
# The RDMA target's figure is its own work, the interrupt and the posts
# and polls of its RDMA WRITE and SEND: (8200 + 3000 + 2 x 450 + ...) /
# 3 GHz, about 4 us.
ok_if "$r > (8200 + 3000) / 3000 && $r < (8200 + 3000 + 2 * 600 + 600) / 3000" "the RDMA target's CPU is its command work, an interrupt and its posts and polls"
# SPDK polls: one reactor (the target's one app core) busy from the
# first command to the last serves the SSD's ceiling, so its time per I/O
# is 1 / ceiling; a kernel target on that one core is CPU-bound instead,
# at 3 GHz / (8200 + 3000 + 2 x (450 + 150)) cycles per I/O.  The
# initiator has four cores, one per worker.
srv="server: {app_cores: [1, 2, 3, 4], nodes: {h1: {app_cores: [1]}}}"
job="{initiator: h0, target: h1, protocol: nvme-rdma, iodepth: 16, numjobs: 4, count: 2000}"
run spdk "{target: spdk, jobs: [$job]}" "$srv"
run kernel "{jobs: [$job]}" "$srv"
s=$(sto "$tmp/spdk" target_cpu_us_per_io) k=$(sto "$tmp/kernel" target_cpu_us_per_io)
si=$(sto "$tmp/spdk" iops) ki=$(sto "$tmp/kernel" iops)
kceil=$(awk 'BEGIN { printf "%.1f", 3e9 / (8200 + 3000 + 2 * (450 + 150)) }')
echo "# one target core: spdk $si IOPS at $s us CPU per I/O; kernel $ki IOPS at $k us (its CPU ceiling $kceil)"
ok_if "$s < $k / 2" "an SPDK target spends less CPU per I/O than a kernel target at load"
ok_if "$si > $ceil * 0.98" "the SPDK target reaches the SSD's ceiling on one core"
ok_if "$ki > $kceil * 0.98 && $ki < $kceil * 1.02" "the kernel target saturates at its core's ceiling within 2%"

# load NAME PROTOCOL SERVER STORAGE_KEYS: four initiators (h0, h2, h3,
# h4) of two workers of 16 outstanding 4 KiB reads each, against h1,
# for 4 ms; five hosts under one leaf.
load() {
    jobs=
    for h in h0 h2 h3 h4; do
        jobs="$jobs{initiator: $h, target: h1, protocol: $2, iodepth: 16, numjobs: 2, duration: 4ms}, "
    done
    cat >"$tmp/$1.yaml" <<YAML
topology: {type: spine-leaf, spines: 1, leaves: 1, servers_per_leaf: 5,
           server_link: {rate: 100Gbps, delay: 1us}}
server: $3
storage: {$4, jobs: [${jobs%, }]}
YAML
    "$DCSIM" run "$tmp/$1.yaml" -o "$tmp/$1" --quiet
    t $? "$1: $2 under load runs"
}
# One SPDK target under four initiators, two workers of 16 outstanding
# 4 KiB iSCSI reads each (the seed claims' IOPS run).  With one app
# core an initiator's submission and completion work (2 x 8400 cycles)
# and its TCP stack share that core, and I/Os queue for it: the
# submission stage is many times its 2.8 us of work.  With two, the
# SSD is the bottleneck: I/Os wait longest there, and IOPS are at its
# ceiling within 4% (the first I/Os' trip to it and the last ones' back
# are in the job's 4 ms, the SSD idle meanwhile).
for cores in 1 2; do
    ac="[1]"; [ "$cores" = 2 ] && ac="[1, 2]"
    load "iscsi-iops$cores" iscsi "{app_cores: $ac, nodes: {h1: {app_cores: [1]}}}" "target: spdk"
done
i1=$(num iops "$tmp/iscsi-iops1/summary.json") i2=$(num iops "$tmp/iscsi-iops2/summary.json")
s1=$(sto "$tmp/iscsi-iops1" submit_us)
d2=$(sto "$tmp/iscsi-iops2" device_us) f2=$(sto "$tmp/iscsi-iops2" fabric_us)
echo "# SPDK iSCSI, 128 outstanding: $i1 IOPS with one initiator app core (submission stage $s1 us), $i2 with two (device stage $d2 us, fabric $f2 us); SSD ceiling $ceil"
ok_if "$s1 > 5 * 8400 / 3000" "one initiator app core: I/Os queue for it ($s1 us to submit 2.8 us of work)"
ok_if "$i2 > $ceil * 0.96 && $i2 < $ceil * 1.01 && $d2 > $f2" "two initiator app cores: SPDK iSCSI reaches the SSD's ceiling, I/Os waiting at the SSD"

# The seeds' "1M+ IOPS per server": one target with two SSDs and two
# SPDK reactors, four initiators of four application cores, 4 KiB
# NVMe-oF/RDMA reads: the two SSDs' ceiling, 1.11M, within 4% (the
# first I/Os' trip and the last ones' back are in the 4 ms).
load million nvme-rdma "{app_cores: [1, 2, 3, 4], nodes: {h1: {app_cores: [1, 2]}}}" "target: spdk, devices: 2"
got=$(num iops "$tmp/million/summary.json")
echo "# one target, two SSDs, two SPDK reactors: $got IOPS (ceiling 2 x $ceil)"
ok_if "$got > 1e6 && $got > 2 * $ceil * 0.96" "one server serves 1M+ 4 KiB NVMe-oF/RDMA reads with two SSDs"

# An incast of iSCSI writes in lossless class 4: seven initiators write
# 64 KiB blocks to h0 through one leaf.  With PFC the leaf pauses them
# and drops nothing; without, its queue to h0 overflows and TCP
# resends (tcp.min_rto 1 ms), and every I/O still completes.
for pfc in true false; do
    jobs=
    for i in 1 2 3 4 5 6 7; do
        jobs="$jobs{initiator: h$i, target: h0, protocol: iscsi, rw: write, bs: 64KiB, iodepth: 4, count: 8, tc: 4}, "
    done
    cat >"$tmp/incast-$pfc.yaml" <<YAML
stop: 5ms
topology: {type: spine-leaf, spines: 1, leaves: 1, servers_per_leaf: 8,
           server_link: {rate: 100Gbps, delay: 1us}}
switch: {buffer: 4MB}
pfc: {enabled: $pfc}
tcp: {min_rto: 1ms}
storage: {jobs: [${jobs%, }]}
YAML
    "$DCSIM" run "$tmp/incast-$pfc.yaml" -o "$tmp/incast-$pfc" --quiet --no-report
    t $? "incast of iSCSI writes, pfc $pfc, runs"
done
dp=$(all_drops "$tmp/incast-true/summary.json")
dn=$(all_drops "$tmp/incast-false/summary.json")
pp=$(num pause_frames_sent "$tmp/incast-true/summary.json")
iop=$(num ios "$tmp/incast-true/summary.json") ion=$(num ios "$tmp/incast-false/summary.json")
echo "# iSCSI write incast: with PFC $dp drops ($pp pauses), without $dn drops; I/Os $iop and $ion of 56"
ok_if "$dp == 0 && $pp > 0" "lossless class 4 with PFC: pauses, no drops"
ok_if "$dn > 0" "without PFC the incast drops"
ok_if "$iop == 56 && $ion == 56" "every I/O completes either way (TCP recovers the losses)"

# ---- RDMA READs on the session's queue pair. ----
# A 64 KiB NVMe-oF/RDMA write, beyond in_capsule: the capsule SEND of
# 64 B; the target's ACK of it and, right behind it on h1's link, its
# READ request (BTH + RETH 16, no payload) on its own send queue of the
# session; h0's 64 READ response packets (AETH 4 on the first and the
# last) in one train; the SSD (64 KiB at 16 Gb/s, then 10 us); the 16 B
# completion SEND.
train="$(roce 1024 4)"
for k in $(seq 62); do train="$train $(roce 1024 0)"; done
train="$train $(roce 1024 4)"
devw64=$(awk 'BEGIN { printf "%.0f", 10e6 + 65536 * 8 / 16e9 * 1e12 }')
req_ps=$(msg_ps "$(roce 0 4) $(roce 0 16)")
train_ps=$(msg_ps "$train")
want=$(awk -v a="$(msg_ps "$(roce 64 0)")" -v b="$req_ps" -v c="$train_ps" \
           -v d="$devw64" -v e="$(msg_ps "$(roce 16 0)")" \
           'BEGIN { printf "%.3f", a + b + c + d + e }')
run rd-one "{jobs: [{initiator: h0, target: h1, protocol: nvme-rdma, rw: write, bs: 64KiB, count: 1}]}"
got=$(sto "$tmp/rd-one" lat_max_us)
echo "# nvme-rdma: one 64 KiB write (RDMA READ) $got us, analytic $(awk -v w="$want" 'BEGIN { printf "%.3f", w / 1e6 }') us"
ok_if "$got * 1e6 - $want < 1500 && $want - $got * 1e6 < 1500" "nvme-rdma: one 64 KiB write, its data RDMA-READ, is the sum of its parts (to the ns)"
# The bytes on the wire: h0 sends the capsule, the 64 responses and the
# ACK of the completion; h1 the ACK of the capsule, the READ request and
# the completion (links.csv: frames with preamble and gap).
sum() { echo "$@" | tr ' ' '\n' | awk '{ s += $1 } END { print s }'; }
up0=$(sum "$(roce 64 0) $train $(roce 0 4)")
up1=$(sum "$(roce 0 4) $(roce 0 16) $(roce 16 0)")
b0=$(csv "$tmp/rd-one/links.csv" 'c["bytes"]' 'c["from"] == "h0"')
b1=$(csv "$tmp/rd-one/links.csv" 'c["bytes"]' 'c["from"] == "h1"')
echo "# wire bytes: h0 $b0 (computed $up0), h1 $b1 (computed $up1)"
ok_if "$b0 == $up0 && $b1 == $up1" "the write's frames on the wire: capsule, READ request, 64 responses, completion and two ACKs"
# The READs go on the target's send queue of the session, at most
# rdma_read_depth (the ORD) outstanding.  32 writes outstanding, eight
# SSDs (244k IOPS), one worker: with depth 1 the queue pair fetches one
# block at a time, a READ request's trip then its responses' train, so
# IOPS are 1 / that (within 1% below: h0's capsules and ACKs share its
# link with the trains); with the default 16 the trains follow each
# other and h0's link is the limit: per write the train, a capsule and
# an ACK at 100 Gb/s, within 1%.
for d in 1 16; do
    run "rd-depth$d" "{devices: 8, rdma_read_depth: $d, jobs: [{initiator: h0, target: h1, protocol: nvme-rdma, rw: write, bs: 64KiB, iodepth: 32, count: 2000}]}"
done
i1=$(sto "$tmp/rd-depth1" iops) i16=$(sto "$tmp/rd-depth16" iops)
w1=$(awk -v a="$req_ps" -v b="$train_ps" 'BEGIN { printf "%.1f", 1e12 / (a + b) }')
w16=$(awk -v b="$up0" 'BEGIN { printf "%.1f", 100e9 / 8 / b }')
echo "# 32 writes of 64 KiB outstanding: rdma_read_depth 1 $i1 IOPS (one READ at a time: $w1), 16 $i16 IOPS (h0's link: $w16)"
ok_if "$i1 <= $w1 && $i1 > 0.99 * $w1" "rdma_read_depth 1: one READ outstanding on the queue pair sets the IOPS"
ok_if "$i16 <= $w16 && $i16 > 0.99 * $w16" "rdma_read_depth 16: the READs fill the initiator's link"

# ---- NVMe-oF over iWARP: the RDMAP messages on a TCP connection. ----
# Each segment one FPDU, and no FPDU holds bytes of two messages (DDP
# segments each message; MPA aligns FPDUs to segments): TCP/IP 40 B, MPA
# length 2, the DDP/RDMAP header (tagged 14 B for an RDMA Write or a Read
# Response, untagged 18 B for a Send or a Read Request), pad to 4, CRC 4;
# at most 1440 B of data (tagged) or 1436 B (untagged).
# iwarp_ip DDP LEN: the IP packet of an FPDU of LEN bytes.
iwarp_ip() { awk -v h="$1" -v n="$2" 'BEGIN { u = 2 + h + n; print 40 + u + (4 - u % 4) % 4 + 4 }'; }
# A 4 KiB read: the 64 B command Send (128 B of IP packet); the SSD; the
# 4096 B RDMA Write in segments of 1440, 1440 and 1216 B, and the 16 B
# completion Send in a segment of its own, posted together.  (Cut from
# the byte stream without regard to messages, as before, the Send would
# share the Write's last segment: 1440, 1440, 1232 B.)
iw_ps=$(awk -v a="$(msg_ps "$(wire "$(iwarp_ip 18 64)")")" \
            -v b="$(msg_ps "$(wire 1500) $(wire 1500) $(wire "$(iwarp_ip 14 1216)") $(wire "$(iwarp_ip 18 16)")")" \
            -v d="$dev_ps" 'BEGIN { printf "%.3f", a + b + d }')
run one-nvme-iwarp "{jobs: [{initiator: h0, target: h1, protocol: nvme-iwarp, count: 1}]}"
got=$(sto "$tmp/one-nvme-iwarp" lat_max_us)
echo "# nvme-iwarp: one 4 KiB read $got us, analytic $(awk -v w="$iw_ps" 'BEGIN { printf "%.3f", w / 1e6 }') us"
ok_if "$got * 1e6 - $iw_ps < 1500 && $iw_ps - $got * 1e6 < 1500" "nvme-iwarp: one 4 KiB read on an idle path is the sum of its parts (to the ns)"
# The same read's bytes on the wire: h1 sends the two Write segments of
# 1500 B, the 1276 B one, the completion's 80 B one, and the pure ACK of
# the command (40 B); h0 the command and the ACK of the completion (the
# Write's are delayed ACKs and quick ACKs: counted from links.csv below).
b1=$(csv "$tmp/one-nvme-iwarp/links.csv" 'c["bytes"]' 'c["from"] == "h1"')
p1=$(csv "$tmp/one-nvme-iwarp/links.csv" 'c["packets"]' 'c["from"] == "h1"')
up1=$(sum "$(wire 1500) $(wire 1500) $(wire "$(iwarp_ip 14 1216)") $(wire "$(iwarp_ip 18 16)") $(wire 40)")
echo "# nvme-iwarp 4 KiB read: h1 sends $p1 frames, $b1 B (computed 5 frames, $up1 B)"
ok_if "$p1 == 5 && $b1 == $up1" "nvme-iwarp: the completion Send is a segment of its own, each FPDU framed by its header"
# A 64 KiB write beyond in_capsule: the command, the target's RDMA READ
# (its Read Request on the target's direction, the initiator's RNIC's
# Read Response on the other), the completion: as nvme-rdma's, three
# messages posted, the READ counted by its data.
run iw-write "{jobs: [{initiator: h0, target: h1, protocol: nvme-iwarp, rw: write, bs: 64KiB, count: 10}]}"
m=$(num messages "$tmp/iw-write/summary.json") b=$(num message_bytes "$tmp/iw-write/summary.json")
ok_if "$m == 30 && $b == 10 * (64 + 65536 + 16)" "nvme-iwarp write: command, RDMA READ, completion ($m messages, $b bytes)"
# The RNIC runs TCP: the target's CPU per I/O is an RDMA target's (its
# command work, an interrupt, posts and polls), not NVMe/TCP's.
run cpu-nvme-iwarp "{jobs: [{initiator: h0, target: h1, protocol: nvme-iwarp, bs: 128KiB, count: 200}]}" "server: {}"
wi=$(sto "$tmp/cpu-nvme-iwarp" target_cpu_us_per_io)
echo "# 128 KiB reads, target CPU per I/O: nvme-iwarp $wi us, nvme-rdma $r us, nvme-tcp $tn us"
ok_if "$wi == $r && $tn > 3 * $wi" "an iWARP target spends an RDMA target's CPU per I/O, far less than NVMe/TCP's"
# The Read Response is the initiator's RNIC's: no work request posted or
# polled on the initiator's CPU, whose cost per 64 KiB write is then
# nvme-rdma's (its command's post and poll and the completion's), and
# the target's too (its READ's post and its poll when the data is in).
for p in nvme-rdma nvme-iwarp; do
    run "cpuw-$p" "{jobs: [{initiator: h0, target: h1, protocol: $p, rw: write, bs: 64KiB, count: 200}]}" "server: {}"
done
ri=$(sto "$tmp/cpuw-nvme-rdma" initiator_cpu_us_per_io) wii=$(sto "$tmp/cpuw-nvme-iwarp" initiator_cpu_us_per_io)
rt=$(sto "$tmp/cpuw-nvme-rdma" target_cpu_us_per_io) wit=$(sto "$tmp/cpuw-nvme-iwarp" target_cpu_us_per_io)
echo "# 64 KiB writes, CPU per I/O: initiator nvme-iwarp $wii us, nvme-rdma $ri us; target nvme-iwarp $wit us, nvme-rdma $rt us"
ok_if "$wii == $ri && $wit == $rt" "nvme-iwarp: the Read Response costs the initiator's CPU nothing, as an RDMA READ's"
# The ORD bounds iWARP's outstanding READs too (rdma_read_depth).  32
# writes outstanding, eight SSDs, one worker: with depth 1 the target
# sends one Read Request (28 B of RDMAP header, untagged) and waits for
# its Read Response's 46 segments (45 of 1440 B, one of 736 B) before
# the next, so IOPS are at most 1 / that (within 1% below: h0's
# commands and ACKs share its link with the responses); with 16 the
# responses follow each other and h0's link is the limit: per write the
# responses, a command and two pure ACKs (of the Read Request and of the
# completion), within 5% below (a command waits in the byte stream
# behind the Read Responses before it, unlike RoCE's, so the target's
# READs come less evenly).
iwtrain=
for k in $(seq 45); do iwtrain="$iwtrain $(wire 1500)"; done
iwtrain="$iwtrain $(wire "$(iwarp_ip 14 736)")"
iwreq_ps=$(msg_ps "$(wire "$(iwarp_ip 18 28)")") iwtrain_ps=$(msg_ps "$iwtrain")
for d in 1 16; do
    run "iw-depth$d" "{devices: 8, rdma_read_depth: $d, jobs: [{initiator: h0, target: h1, protocol: nvme-iwarp, rw: write, bs: 64KiB, iodepth: 32, count: 2000}]}"
done
i1=$(sto "$tmp/iw-depth1" iops) i16=$(sto "$tmp/iw-depth16" iops)
w1=$(awk -v a="$iwreq_ps" -v b="$iwtrain_ps" 'BEGIN { printf "%.1f", 1e12 / (a + b) }')
w16=$(awk -v b="$(sum "$iwtrain $(wire "$(iwarp_ip 18 64)") $(wire 40) $(wire 40)")" 'BEGIN { printf "%.1f", 100e9 / 8 / b }')
echo "# nvme-iwarp, 32 writes of 64 KiB outstanding: rdma_read_depth 1 $i1 IOPS (one READ at a time: $w1), 16 $i16 IOPS (h0's link: $w16)"
ok_if "$i1 <= $w1 && $i1 > 0.99 * $w1" "nvme-iwarp rdma_read_depth 1: one Read Request outstanding on the connection sets the IOPS"
ok_if "$i16 <= $w16 && $i16 > 0.95 * $w16 && $i16 > 1.5 * $i1" "nvme-iwarp rdma_read_depth 16: the Read Responses fill the initiator's link"

# ---- Messages: sizes and counts. ----
run msgs "{jobs: [{initiator: h0, target: h1, protocol: nvme-tcp, rw: write, bs: 64KiB, count: 10}]}"
# A 64 KiB write over NVMe/TCP, beyond in_capsule: CapsuleCmd 72, R2T
# 24, H2CData 24 + 65536, CapsuleResp 24.
m=$(num messages "$tmp/msgs/summary.json")
b=$(num message_bytes "$tmp/msgs/summary.json")
ok_if "$m == 40 && $b == 10 * (72 + 24 + 24 + 65536 + 24)" "NVMe/TCP write: CapsuleCmd, R2T, H2CData, CapsuleResp ($m messages, $b bytes)"
run msgs-iscsi "{immediate_data: true, jobs: [{initiator: h0, target: h1, protocol: iscsi, rw: write, bs: 64KiB, count: 10}]}"
# iSCSI: the command with 8 KiB immediate data; R2T; Data-Out for the
# other 56 KiB in 7 PDUs of 8 KiB; the response.
b=$(num message_bytes "$tmp/msgs-iscsi/summary.json")
ok_if "$b == 10 * ((48 + 8192) + 48 + (7 * 48 + 57344) + 48)" "iSCSI write: immediate data, R2T, Data-Out PDUs, response ($b bytes)"
# With InitialR2T No the first burst (64 KiB) goes unsolicited: the
# command with 8 KiB, Data-Out PDUs for 56 KiB in the same write; no
# R2T for a 64 KiB block, and for a 128 KiB one an R2T for the other
# 64 KiB (8 PDUs).
run msgs-unsol "{initial_r2t: false, jobs: [{initiator: h0, target: h1, protocol: iscsi, rw: write, bs: 128KiB, count: 10}]}"
b=$(num message_bytes "$tmp/msgs-unsol/summary.json")
m=$(num messages "$tmp/msgs-unsol/summary.json")
ok_if "$m == 40 && $b == 10 * ((48 + 8192 + 7 * 48 + 57344) + 48 + (8 * 48 + 65536) + 48)" "iSCSI write with InitialR2T No: unsolicited Data-Out up to FirstBurstLength ($m messages, $b bytes)"
# A mix draws reads and writes from the job's stream.
run mix "{jobs: [{initiator: h0, target: h1, protocol: nvme-rdma, rw: randrw, read_fraction: 0.7, count: 2000}]}"
rd=$(sto "$tmp/mix" reads)
ok_if "$rd > 1300 && $rd < 1500" "randrw 70/30: $rd reads of 2000"
# rate caps a worker's I/Os per second.
run rate "{jobs: [{initiator: h0, protocol: local, iodepth: 8, rate: 10000, count: 100}]}"
got=$(sto "$tmp/rate" iops)
ok_if "$got > 9900 && $got < 10100" "rate 10000: $got IOPS"
# duration: workers stop issuing at start + duration.
run dur "{jobs: [{initiator: h0, protocol: local, duration: 1ms}]}"
got=$(sto "$tmp/dur" ios)
want=$(awk -v d="$dev_ps" 'BEGIN { printf "%d", 1e9 / d + 0.999 }')
ok_if "$got == $want" "duration 1ms at iodepth 1: $got I/Os, the reads that start within it"

# ---- 13. Replicated object writes. ----
# Four racks of two under one spine, every link 100 Gb/s and 1 us: a
# cross-rack message crosses four links.  The client h7 (rack 3) puts
# 1 KiB objects on a pool of one host in each of racks 0-2, so wherever
# the hash places them every message crosses racks: one 1102 B frame
# (1024 B + TCP/IP and Ethernet) out, one 94 B acknowledgment back.
x4() { awk -v w="$1" 'BEGIN { printf "%.0f", 4 * w * 80 + 4e6 }'; }
obj=$(x4 1102) ack=$(x4 94)
devw=$(awk 'BEGIN { printf "%.0f", 10e6 + 1024 * 8 / 16e9 * 1e12 }')
for r in 1 2 3; do
    cat >"$tmp/put$r.yaml" <<YAML
topology: {type: spine-leaf, spines: 1, leaves: 4, servers_per_leaf: 2,
           server_link: {rate: 100Gbps, delay: 1us},
           uplink: {rate: 100Gbps, delay: 1us}}
storage: {jobs: [{initiator: h7, protocol: object-tcp, op: put, bs: 1KiB,
                  replicas: $r, pool: [h0, h2, h4], count: 1}]}
YAML
    "$DCSIM" run "$tmp/put$r.yaml" -o "$tmp/put$r" --quiet --no-report
    t $? "object PUT with $r replicas runs"
done
l1=$(sto "$tmp/put1" lat_max_us) l2=$(sto "$tmp/put2" lat_max_us) l3=$(sto "$tmp/put3" lat_max_us)
echo "# 1 KiB PUT: 1 replica $l1 us, 2 replicas $l2 us, 3 replicas $l3 us"
# One copy: the object to the primary, its SSD, the acknowledgment.
want=$(awk -v a="$obj" -v b="$devw" -v c="$ack" 'BEGIN { printf "%.3f", (a + b + c) / 1e6 }')
ok_if "$l1 - $want < 0.0015 && $want - $l1 < 0.0015" "one replica: the object's trip, the SSD and the ack ($want us)"
# A second copy adds its leg: the object to another rack and the ack
# back, four links each way (the primary's own write overlaps), within
# 20 ns: a TCP ACK of the client's message may leave the primary first.
d=$(awk -v a="$obj" -v c="$ack" 'BEGIN { printf "%.3f", (a + c) / 1e6 }')
ok_if "$l2 - $l1 > $d - 0.0015 && $l2 - $l1 < $d + 0.02" "a replica in another rack adds its cross-rack hops: $d us"
# A third runs in parallel with the second: the PUT waits for the
# slowest, whose object left the primary one frame (1102 B, 88 ns) later.
ok_if "$l3 - $l2 > 0.088 - 0.0015 && $l3 - $l2 < 0.088 + 0.02" "three replicas: set by the slowest leg, not their sum (+$(awk -v a="$l3" -v b="$l2" 'BEGIN { printf "%.3f", a - b }') us)"
# The object crosses the network once per replica; each copy and the
# PUT are acknowledged with 16 B.
b=$(num message_bytes "$tmp/put3/summary.json")
ok_if "$b == 3 * 1024 + 3 * 16" "the write's network bytes are 3 x the object ($b bytes with the acks)"
# A GET goes to the primary alone: the 16 B request's trip, the
# primary's SSD reading 1 KiB (9 us, then 1024 B at 19.2 Gb/s), the
# object's trip back, four links each way.
devr=$(awk 'BEGIN { printf "%.0f", 9e6 + 1024 * 8 / 19.2e9 * 1e12 }')
# objset NAME KEYS: 1 KiB GETs from h7 over the pool h0, h2, h4.
objset() {
    cat >"$tmp/$1.yaml" <<YAML
topology: {type: spine-leaf, spines: 1, leaves: 4, servers_per_leaf: 2,
           server_link: {rate: 100Gbps, delay: 1us},
           uplink: {rate: 100Gbps, delay: 1us}}
storage: {jobs: [{initiator: h7, protocol: object-tcp, op: get, bs: 1KiB,
                  pool: [h0, h2, h4]$2}]}
YAML
    "$DCSIM" run "$tmp/$1.yaml" -o "$tmp/$1" --quiet --no-report
    t $? "$1 runs"
}
objset get1 ", count: 1"
got=$(sto "$tmp/get1" lat_max_us)
want=$(awk -v a="$ack" -v b="$devr" -v c="$obj" 'BEGIN { printf "%.3f", (a + b + c) / 1e6 }')
echo "# one 1 KiB GET: $got us, analytic $want us"
ok_if "$got - $want < 0.0015 && $want - $got < 0.0015" "a GET: one request to the primary, its SSD, the object back ($want us)"
# The names' key space: 2000 GETs over objects: 2 go to those two
# names' primaries only, half each when drawn uniformly; with zipf: 3
# the first name has 1 / (1 + 2^-3) = 88.9% of them (within 2.5%, over
# 3 standard deviations), its primary's link the bytes' share (every GET
# the same frames).
share() { awk -F, '$1 ~ /^h[024]$/ { b[$1] = $7; s += $7 }
          END { m = 0; n = 0; for (h in b) { if (b[h] > 0) n++; if (b[h] > m) m = b[h] }
                printf "%d %.4f\n", n, m / s }' "$1/links.csv"; }
objset uni ", objects: 2, count: 2000"
objset zipf ", objects: 2, zipf: 3, count: 2000"
su=$(share "$tmp/uni") sz=$(share "$tmp/zipf")
echo "# objects 2: uniform: $su (hosts serving, busiest share); zipf 3: $sz"
ok_if "${su% *} == 2 && ${su#* } > 0.47 && ${su#* } < 0.53" "objects: 2 drawn uniformly: two primaries, half the GETs each"
ok_if "${sz% *} == 2 && ${sz#* } > 0.889 - 0.025 && ${sz#* } < 0.889 + 0.025" "zipf: 3 over two names: the first has 88.9% of the GETs"

# RDMA: the messages as SENDs.  A GET is a 16 B request to the primary
# and the object back; a PUT with one replica the object and a 16 B
# acknowledgment: 64 KiB + 16 B per I/O either way.
run obj-rdma "{jobs: [{initiator: h0, protocol: object-rdma, op: mix, bs: 64KiB, replicas: 1, pool: [h1], count: 40}]}"
b=$(num message_bytes "$tmp/obj-rdma/summary.json")
rd=$(sto "$tmp/obj-rdma" reads) wr=$(sto "$tmp/obj-rdma" writes)
echo "# object-rdma 64 KiB: $rd GETs, $wr PUTs, $b message bytes"
ok_if "$rd + $wr == 40 && $rd > 0 && $wr > 0 && $b == 40 * (65536 + 16)" "object-rdma GETs and PUTs: one object and 16 B each"
# An object job's rows and totals say get, put or mix, not fio's rw: the
# same 40 I/Os as GETs and PUTs in summary.json.
op=$(sto "$tmp/obj-rdma" rw) op1=$(sto "$tmp/put1" rw) op2=$(sto "$tmp/get1" rw)
gets=$(num gets "$tmp/obj-rdma/summary.json") puts=$(num puts "$tmp/obj-rdma/summary.json")
echo "# storage.csv rw: $op, $op1, $op2; summary.json: $gets GETs, $puts PUTs"
ok_if "\"$op $op1 $op2\" == \"mix put get\" && $gets == $rd && $puts == $wr" "object jobs labelled mix, put, get; summary.json's gets and puts are the rows' reads and writes"

# ---- The example (scenarios/storage-fabric.yaml). ----
ex=$(dirname "$0")/../../scenarios/storage-fabric.yaml
"$DCSIM" validate "$ex" >/dev/null; t $? "scenarios/storage-fabric.yaml validates"
"$DCSIM" run "$ex" -o "$tmp/ex" --quiet --no-report; t $? "scenarios/storage-fabric.yaml runs"
rd=$(csv "$tmp/ex/storage.csv" 'c["iops"]' 'c["protocol"] == "nvme-rdma"')
is=$(csv "$tmp/ex/storage.csv" 'c["iops"]' 'c["protocol"] == "iscsi"')
echo "# example: NVMe-oF/RDMA jobs $rd IOPS to h24, iSCSI jobs $is IOPS to h25"
# h24's SSD with 32 outstanding: 5 units, each I/O holding one 9 us (70%
# reads) or 10 us (30% writes); the mix is drawn, so within 5%.
mceil=$(awk 'BEGIN { printf "%.0f", 5 / (0.7 * 9e-6 + 0.3 * 10e-6) }')
ok_if "$rd > 0.95 * $mceil && $rd < 1.05 * $mceil && $rd > $is" "the RDMA jobs run at h24's SSD ceiling for the mix ($mceil), above the iSCSI jobs"
ok_if "$(all_drops "$tmp/ex/summary.json") == 0" "no drops in the example"

# ---- 15. Runs without storage are untouched; determinism. ----
cat >"$tmp/none.yaml" <<YAML
topology: {type: spine-leaf, spines: 1, leaves: 1, servers_per_leaf: 2}
traffic:
  - {pattern: flows, protocol: tcp, flows: [{src: h0, dst: h1, size: 20KB}]}
YAML
"$DCSIM" run "$tmp/none.yaml" -o "$tmp/none" --quiet --no-report
[ ! -e "$tmp/none/storage.csv" ] && ! grep -q '"storage"' "$tmp/none/summary.json"
t $? "a run without storage has no storage.csv and no storage summary"
"$DCSIM" run "$tmp/mix.yaml" -o "$tmp/mix2" --quiet --no-report
same_results "$tmp/mix" "$tmp/mix2" storage.csv flows.csv
t $? "the same storage run twice gives identical results"
echo "1..$n"
