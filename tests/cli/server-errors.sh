#!/bin/sh
# Bad `server` sections (issue 6: every key): `dcsim validate` and
# `dcsim run -o DIR` exit 2, print one line on stderr that starts with
# FILE:LINE:COL of the mistake and names it, print nothing on stdout, and
# leave no DIR behind.  A good section validates, so the cases fail for
# their own reason.
set -u
. "$(dirname "$0")/../lib.sh"

# scenario SERVER: a small fabric with the given server section (line 5).
scenario() {
    cat <<YAML
topology: {type: spine-leaf, spines: 1, leaves: 1, servers_per_leaf: 2}
traffic:
  - pattern: flows
    flows: [{src: h0, dst: h1, size: 10KB}]
$1
YAML
}

scenario 'server: {sockets: 2, cores_per_socket: 4, vm: {io: vhost, vcpu_cores: [2, 3]}, nodes: {h1: {nic_node: 1}}}' >"$tmp/good.yaml"
"$DCSIM" validate "$tmp/good.yaml" >/dev/null 2>"$tmp/err"
t $? "a good server section validates"

# check NAME TEXT LINE:COL WANT: lib.sh's refused_as.
check() { refused_as "$@"; }

check unknown-key 'server: {cores: 4}' 5:10 "unknown key 'cores' in server"
check sockets 'server: {sockets: 0}' 5:19 "server.sockets is '0'; expected an integer 1..8"
check cores 'server: {cores_per_socket: many}' 5:28 "server.cores_per_socket is 'many'"
check ghz 'server: {ghz: 0}' 5:15 "server.ghz is '0'; expected a clock in GHz"
check memory 'server: {memory_per_node: 0}' 5:27 "server.memory_per_node is '0'"
check nic-node 'server: {sockets: 2, nic_node: 2}' 5:32 "server.nic_node is '2'; expected an integer 0..1"
check buffer-node 'server: {buffer_node: 5}' 5:23 "server.buffer_node is '5'"
check pcie-rate 'server: {pcie_rate: fast}' 5:21 "server.pcie_rate is 'fast'"
check pcie-latency 'server: {pcie_latency: 5}' 5:24 "server.pcie_latency is '5'"
check app-cores 'server: {app_cores: [40]}' 5:22 "server.app_cores.0 is '40'; expected a non-empty list of core numbers 0..31"
check app-cores-empty 'server: {app_cores: []}' 5:21 "server.app_cores is a sequence; expected a non-empty list"
check irq-cores 'server: {irq_cores: [0, x]}' 5:25 "server.irq_cores.1 is 'x'"
check cores-order 'server: {app_cores: [20], cores_per_socket: 4}' 5:22 "server.app_cores.0 is '20'; expected a non-empty list of core numbers 0..7"
check cores-shrunk 'server: {vm: {io: virtio, vcpu_cores: [20]}, nodes: {h1: {cores_per_socket: 4}}}' 5:58 "server.nodes.h1: core 20 is listed, but the server has 8 cores"
check rx-usecs 'server: {rx_usecs: 8}' 5:20 "server.rx_usecs is '8'"
check rx-frames 'server: {rx_frames: 0}' 5:21 "server.rx_frames is '0'"
check tx-ring 'server: {tx_ring: 0}' 5:19 "server.tx_ring is '0'"
check write-size 'server: {write_size: 0}' 5:22 "server.write_size is '0'"
check tlb 'server: {tlb_entries: 2}' 5:23 "server.tlb_entries is '2'"
check page 'server: {page: 8KiB}' 5:16 "server.page is '8KiB'; expected a page size: 4KiB, 2MiB or 1GiB"
check app-buffer 'server: {app_buffer: -1}' 5:22 "server.app_buffer is '-1'"
check tso 'server: {tso: yes}' 5:15 "server.tso is 'yes'; expected true or false"
check gro 'server: {gro: 1}' 5:15 "server.gro is '1'"
check costs-key 'server: {costs: {syscal: 1}}' 5:18 "unknown key 'syscal' in server.costs"
check costs-value 'server: {costs: {copy_byte: -0.1}}' 5:29 "server.costs.copy_byte is '-0.1' (negative); expected a number of cycles"
check costs-map 'server: {costs: 3}' 5:17 "server.costs is '3'; expected a mapping of costs in cycles"
check vm-no-io 'server: {vm: {count: 2}}' 5:14 "missing required key 'io' in server.vm"
check vm-io 'server: {vm: {io: xen}}' 5:19 "server.vm.io is 'xen'; expected one of: emulated, virtio, vhost, sriov"
check vm-key 'server: {vm: {io: virtio, vcpu: 2}}' 5:27 "unknown key 'vcpu' in server.vm"
check vm-count 'server: {vm: {io: virtio, count: 0}}' 5:34 "server.vm.count is '0'"
check vm-vcpus 'server: {vm: {io: virtio, vcpus: 0}}' 5:34 "server.vm.vcpus is '0'"
check vm-vcpu-cores 'server: {vm: {io: virtio, vcpu_cores: [32]}}' 5:40 "server.vm.vcpu_cores.0 is '32'"
check vm-backend-cores 'server: {vm: {io: vhost, backend_cores: [-1]}}' 5:42 "server.vm.backend_cores.0 is '-1'"
check vm-event-idx 'server: {vm: {io: virtio, event_idx: on}}' 5:38 "server.vm.event_idx is 'on'"
check vm-posted 'server: {vm: {io: virtio, posted_interrupts: 2}}' 5:46 "server.vm.posted_interrupts is '2'"
check vm-vpid 'server: {vm: {io: virtio, vpid: no}}' 5:33 "server.vm.vpid is 'no'"
check vm-mmio 'server: {vm: {io: virtio, mmio: maybe}}' 5:33 "server.vm.mmio is 'maybe'"
check vm-migrate 'server: {vm: {io: virtio, migrate: 1}}' 5:36 "server.vm.migrate is '1'"
check vm-migrate-vf 'server: {vm: {io: sriov, migrate: true}}' 5:26 "server.vm.migrate: a VM with an SR-IOV VF cannot be live-migrated"
check vm-guest-page 'server: {vm: {io: virtio, guest_page: 3MiB}}' 5:39 "server.vm.guest_page is '3MiB'"
check vm-iotlb 'server: {vm: {io: sriov, iotlb_entries: 0}}' 5:41 "server.vm.iotlb_entries is '0'"
check vm-tx-exits 'server: {vm: {io: emulated, e1000_tx_exits: 99}}' 5:45 "server.vm.e1000_tx_exits is '99'; expected an integer 0..64"
check vm-irq-exits 'server: {vm: {io: emulated, e1000_irq_exits: x}}' 5:46 "server.vm.e1000_irq_exits is 'x'"
check vm-rl-keys 'server: {vm: {io: virtio, rate_limit: {rate: 1Gbps}}}' 5:39 "missing required key 'burst' in server.vm.rate_limit"
check vm-rl-rate 'server: {vm: {io: virtio, rate_limit: {rate: 0, burst: 64KB}}}' 5:46 "server.vm.rate_limit.rate is '0'"
check vm-rl-burst 'server: {vm: {io: virtio, rate_limit: {rate: 1Gbps, burst: 1KB}}}' 5:60 "burst is '1KB' (smaller than one frame)"
check vm-costs-key 'server: {vm: {io: virtio, costs: {exits: 1}}}' 5:35 "unknown key 'exits' in server.vm.costs"
check vm-costs-value 'server: {vm: {io: virtio, costs: {exit_entry: lots}}}' 5:47 "server.vm.costs.exit_entry is 'lots'"
check vm-iotlb-miss 'server: {vm: {io: sriov, costs: {iotlb_miss: 300}}}' 5:46 "server.vm.costs.iotlb_miss is '300'"
check nodes-host 'server: {nodes: {leaf0: {ghz: 2}}}' 5:18 "server.nodes: no host named 'leaf0'"
check nodes-nested 'server: {nodes: {h1: {nodes: {}}}}' 5:23 "unknown key 'nodes' in server.nodes.h1"
check nodes-value 'server: {nodes: {h1: {sockets: 9}}}' 5:32 "server.nodes.h1.sockets is '9'"
check nodes-twice 'server: {nodes: {h1: {}, h1: {}}}' 5:26 "duplicate key 'h1'"
check rx-rate 'server: {}
host: {rx_rate: 10Gbps, rx_buffer: 1MB}' 6:8 "host.rx_rate models a receiver of fixed speed"

check vm-profile-missing 'server: {vm: {io: virtio, profile: no-such.yaml}}' 5:36 "server.vm.profile: "
check vm-profile-type 'server: {vm: {io: virtio, profile: [a]}}' 5:36 "server.vm.profile is a sequence"
# A profile whose exits cost more than vm.costs takes (they once ran, the
# costs overflowing the model's time, as if the exits were free).
e='{median_ns: 1e300, p99_ns: 1e300, median_cycles: 1, p99_cycles: 1}'
{
    printf 'kvm_profile:\n  cpu: "x"\n  vendor: amd\n  hw_virt_flag: svm\n  nested: false\n'
    printf '  tsc_ghz: 2\n  iterations: 10\n  exits:\n'
    for k in pio_user mmio_user hlt_user hypercall_kernel cpuid_kernel doorbell_mmio_user doorbell_ioeventfd; do
        echo "    $k: $e"
    done
} >"$tmp/slow-exits.yaml"
# A clock of 0.1 Hz is in server.ghz's range, and a cost of 1e9 cycles in
# server.costs': together a syscall takes 1e22 ps, past 2^64.  That time
# saturates (it was converted as it overflowed, to a time of no meaning):
# the receiver never gets through the first segment, and the sender gives
# up after its 16th timeout, at 1 + 2 + ... + 64 + 9 x 120 (max_rto) =
# 1207 s.
cat >"$tmp/slow-clock.yaml" <<YAML
topology: {type: spine-leaf, spines: 1, leaves: 1, servers_per_leaf: 2}
traffic:
  - {pattern: flows, protocol: tcp, flows: [{src: h0, dst: h1, size: 10KB}]}
server: {ghz: 0.0000000001, costs: {syscall: 1000000000}}
YAML
"$DCSIM" run "$tmp/slow-clock.yaml" -o "$tmp/slow-clock" --quiet --no-report &&
    grep -q '"sim_time_ps": 1207000000000000,' "$tmp/slow-clock/summary.json" &&
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i }
             NR == 2 { ok = $c["timeouts"] == 16 && $c["completed"] == 0 }
             END { exit !ok }' "$tmp/slow-clock/flows.csv"
t $? "CPU costs past 2^64 ps saturate: the sender gives up after 16 timeouts, at 1207 s"
check vm-profile-range 'server: {vm: {io: emulated, profile: slow-exits.yaml}}' 5:38 "server.vm.profile: its exits make vm.costs.exit_entry 3e+300 cycles at 3 GHz; expected exits that cost at most 1e9 cycles"
check ib 'server: {}
fabric: infiniband' 5:1 "a server section is not supported on a fabric: infiniband yet"


# server.vm.block: a virtio-blk drive, its rate limiter and its job.
check blk-scalar 'server: {vm: {io: virtio, block: yes}}' 5:34 "server.vm.block is 'yes'; expected a mapping with job"
check blk-unknown 'server: {vm: {io: virtio, block: {job: {requests: 1}, disk: 1}}}' 5:55 "unknown key 'disk' in server.vm.block"
check blk-no-job 'server: {vm: {io: virtio, block: {engine: sync}}}' 5:34 "missing required key 'job' in server.vm.block"
check blk-engine 'server: {vm: {io: virtio, block: {engine: aio, job: {requests: 1}}}}' 5:43 "server.vm.block.engine is 'aio'"
check blk-job-scalar 'server: {vm: {io: virtio, block: {job: 5}}}' 5:40 "server.vm.block.job is '5'; expected a mapping with requests"
check blk-no-requests 'server: {vm: {io: virtio, block: {job: {op: read}}}}' 5:40 "missing required key 'requests' in server.vm.block.job"
check blk-requests-0 'server: {vm: {io: virtio, block: {job: {requests: 0}}}}' 5:51 "server.vm.block.job.requests is '0'"
check blk-requests-big 'server: {vm: {io: virtio, block: {job: {requests: 20000000}}}}' 5:51 "server.vm.block.job.requests is '20000000'"
check blk-op 'server: {vm: {io: virtio, block: {job: {requests: 1, op: trim}}}}' 5:58 "server.vm.block.job.op is 'trim'"
check blk-size 'server: {vm: {io: virtio, block: {job: {requests: 1, size: 0}}}}' 5:60 "server.vm.block.job.size is '0'"
check blk-iodepth 'server: {vm: {io: virtio, block: {job: {requests: 1, iodepth: 0}}}}' 5:63 "server.vm.block.job.iodepth is '0'"
check blk-start 'server: {vm: {io: virtio, block: {job: {requests: 1, start: 5}}}}' 5:61 "server.vm.block.job.start is '5'"
check blk-job-key 'server: {vm: {io: virtio, block: {job: {requests: 1, rw: read}}}}' 5:54 "unknown key 'rw' in server.vm.block.job"
check blk-device 'server: {vm: {io: virtio, block: {device: {read_latency: soon}, job: {requests: 1}}}}' 5:58 "server.vm.block.device.read_latency is 'soon'"
check blk-device-rate 'server: {vm: {io: virtio, block: {device: {write_rate: 0}, job: {requests: 1}}}}' 5:56 "server.vm.block.device.write_rate is '0'"
check blk-device-key 'server: {vm: {io: virtio, block: {device: {iops: 5}, job: {requests: 1}}}}' 5:44 "unknown key 'iops' in server.vm.block.device"
check blk-rl-key 'server: {vm: {io: virtio, block: {rate_limiter: {bytes: 1}, job: {requests: 1}}}}' 5:50 "unknown key 'bytes' in server.vm.block.rate_limiter"
check blk-tb-no-size 'server: {vm: {io: virtio, block: {rate_limiter: {ops: {refill_time: 1s}}, job: {requests: 1}}}}' 5:55 "missing required key 'size' in server.vm.block.rate_limiter.ops"
check blk-tb-refill 'server: {vm: {io: virtio, block: {rate_limiter: {ops: {size: 10, refill_time: 0}}, job: {requests: 1}}}}' 5:79 "server.vm.block.rate_limiter.ops.refill_time is '0'"
check blk-tb-ops-0 'server: {vm: {io: virtio, block: {rate_limiter: {ops: {size: 0, refill_time: 1s}}, job: {requests: 1}}}}' 5:62 "server.vm.block.rate_limiter.ops.size is '0'"
check blk-tb-bw-size 'server: {vm: {io: virtio, block: {rate_limiter: {bandwidth: {size: 10x, refill_time: 1s}}, job: {requests: 1}}}}' 5:68 "server.vm.block.rate_limiter.bandwidth.size is '10x'"
check blk-tb-burst 'server: {vm: {io: virtio, block: {rate_limiter: {ops: {size: 10, refill_time: 1s, one_time_burst: -1}}, job: {requests: 1}}}}' 5:99 "server.vm.block.rate_limiter.ops.one_time_burst is '-1'"
check blk-tb-small 'server: {vm: {io: virtio, block: {rate_limiter: {bandwidth: {size: 1KiB, refill_time: 1s}}, job: {requests: 1, size: 4KiB}}}}' 5:118 "server.vm.block.job.size is '4KiB' (more than the bandwidth bucket's size, 1024 B)"
check blk-tb-small-default 'server: {vm: {io: virtio, block: {rate_limiter: {bandwidth: {size: 1KiB, refill_time: 1s}}, job: {requests: 1}}}}' 5:98 "server.vm.block.job.size: the default request size (4096 B) is more than the bandwidth bucket's size, 1024 B"
check blk-costs 'server: {vm: {io: virtio, block: {costs: {submit: -1}, job: {requests: 1}}}}' 5:51 "server.vm.block.costs.submit is '-1'"

echo "1..$n"
