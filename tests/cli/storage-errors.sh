#!/bin/sh
# Bad `storage` sections (issue 16 item 15: every key): `dcsim validate`
# and `dcsim run -o DIR` exit 2, print one line on stderr that starts
# with FILE:LINE:COL of the mistake and names it, print nothing on
# stdout, and leave no DIR behind.  A good section validates, so the
# cases fail for their own reason.
set -u
. "$(dirname "$0")/../lib.sh"

# scenario STORAGE: two hosts under a leaf, the storage section on line 2.
scenario() {
    cat <<YAML
topology: {type: spine-leaf, spines: 1, leaves: 1, servers_per_leaf: 2}
$1
YAML
}

J='{initiator: h0, target: h1, protocol: nvme-rdma, count: 1}'
scenario "storage: {jobs: [$J]}" >"$tmp/good.yaml"
"$DCSIM" validate "$tmp/good.yaml" >/dev/null 2>"$tmp/err"
t $? "a good storage section validates"

# job KEYS: a job with KEYS added to a local job (storage: at 2:1).
job() { echo "storage: {jobs: [{initiator: h0, protocol: local, count: 1$1}]}"; }
check() { refused_as "$@"; }

check not-mapping 'storage: 5' 2:10 "storage is '5'; expected a mapping with jobs"
check unknown-key "storage: {job: [$J]}" 2:11 "unknown key 'job' in storage"
check no-jobs 'storage: {target: spdk}' 2:10 "missing required key 'jobs' in storage"
check jobs-empty 'storage: {jobs: []}' 2:17 "storage.jobs is a sequence; expected a non-empty sequence"
check jobs-mapping 'storage: {jobs: {a: 1}}' 2:17 "storage.jobs is a mapping; expected a non-empty sequence"
check target-choice "storage: {target: user, jobs: [$J]}" 2:19 "storage.target is 'user'; expected one of: kernel, spdk"
check in-capsule "storage: {in_capsule: -1, jobs: [$J]}" 2:23 "storage.in_capsule is '-1'"
check rdma-read-depth "storage: {rdma_read_depth: 0, jobs: [$J]}" 2:28 "storage.rdma_read_depth is '0'; expected an integer 1..255"
check header-digest "storage: {header_digest: 1, jobs: [$J]}" 2:26 "storage.header_digest is '1'"
check data-digest "storage: {data_digest: yes, jobs: [$J]}" 2:24 "storage.data_digest is 'yes'"
check immediate-data "storage: {immediate_data: 2, jobs: [$J]}" 2:27 "storage.immediate_data is '2'"
check initial-r2t "storage: {initial_r2t: no, jobs: [$J]}" 2:24 "storage.initial_r2t is 'no'"
check first-burst-low "storage: {first_burst: 100, jobs: [$J]}" 2:24 "storage.first_burst is '100' (below RFC 7143's 512 bytes)"
check first-burst-high "storage: {first_burst: 16MiB, jobs: [$J]}" 2:24 "storage.first_burst"
check max-segment-low "storage: {max_segment: 511, jobs: [$J]}" 2:24 "storage.max_segment is '511' (below RFC 7143's 512 bytes)"
check max-segment-high "storage: {max_segment: 1GiB, jobs: [$J]}" 2:24 "storage.max_segment"
check device-mapping "storage: {device: fast, jobs: [$J]}" 2:19 "storage.device is 'fast'; expected a mapping"
check device-key "storage: {device: {latency: 1us}, jobs: [$J]}" 2:20 "unknown key 'latency' in storage.device"
check read-latency "storage: {device: {read_latency: 0}, jobs: [$J]}" 2:34 "storage.device.read_latency is '0'"
check write-latency "storage: {device: {write_latency: 5}, jobs: [$J]}" 2:35 "storage.device.write_latency is '5'"
check read-rate "storage: {device: {read_rate: 0}, jobs: [$J]}" 2:31 "storage.device.read_rate is '0'"
check write-rate "storage: {device: {write_rate: fast}, jobs: [$J]}" 2:32 "storage.device.write_rate is 'fast'"
check units "storage: {device: {units: 0}, jobs: [$J]}" 2:27 "storage.device.units is '0'; expected an integer 1..65536"
check devices-zero "storage: {devices: 0, jobs: [$J]}" 2:20 "storage.devices is '0'; expected an integer 1..64"
check devices-many "storage: {devices: 65, jobs: [$J]}" 2:20 "storage.devices is '65'; expected an integer 1..64"
check devices-list "storage: {devices: [a, b], jobs: [$J]}" 2:20 "storage.devices is a sequence"
check queue-depth "storage: {device: {queue_depth: 65537}, jobs: [$J]}" 2:33 "storage.device.queue_depth is '65537'"
check costs-mapping "storage: {costs: 1, jobs: [$J]}" 2:18 "storage.costs is '1'; expected a mapping"
check costs-key "storage: {costs: {irq: 1}, jobs: [$J]}" 2:19 "unknown key 'irq' in storage.costs"
check initiator-submit "storage: {costs: {initiator_submit: -1}, jobs: [$J]}" 2:37 "storage.costs.initiator_submit is '-1'"
check initiator-complete "storage: {costs: {initiator_complete: x}, jobs: [$J]}" 2:39 "storage.costs.initiator_complete is 'x'"
check kernel-io "storage: {costs: {kernel_io: 2e9}, jobs: [$J]}" 2:30 "storage.costs.kernel_io is '2e9'"
check spdk-io "storage: {costs: {spdk_io: -5}, jobs: [$J]}" 2:28 "storage.costs.spdk_io is '-5'"
check job-mapping 'storage: {jobs: [5]}' 2:18 "storage.jobs.0 is '5'; expected a mapping"
check job-key "$(job ', size: 1')" 2:61 "unknown key 'size' in storage.jobs.0"
check no-initiator 'storage: {jobs: [{protocol: local, count: 1}]}' 2:18 "missing required key 'initiator' in storage.jobs.0"
check no-protocol 'storage: {jobs: [{initiator: h0, count: 1}]}' 2:18 "missing required key 'protocol' in storage.jobs.0"
check protocol "storage: {jobs: [{initiator: h0, protocol: nfs, count: 1}]}" 2:44 "storage.jobs.0.protocol is 'nfs'; expected one of: local, nvme-rdma, nvme-tcp, iscsi"
check initiator-host "storage: {jobs: [{initiator: h9, protocol: local, count: 1}]}" 2:30 "storage.jobs.0.initiator: no host named 'h9'"
check initiator-switch "storage: {jobs: [{initiator: leaf0, protocol: local, count: 1}]}" 2:30 "storage.jobs.0.initiator: no host named 'leaf0' (it is a switch"
check no-target 'storage: {jobs: [{initiator: h0, protocol: iscsi, count: 1}]}' 2:18 "missing required key 'target' in storage.jobs.0"
check target-host "storage: {jobs: [{initiator: h0, target: h7, protocol: iscsi, count: 1}]}" 2:42 "storage.jobs.0.target: no host named 'h7'"
check target-self "storage: {jobs: [{initiator: h0, target: h0, protocol: iscsi, count: 1}]}" 2:42 "storage.jobs.0.target is 'h0' (the same host as initiator)"
check target-local "storage: {jobs: [{initiator: h0, target: h1, protocol: local, count: 1}]}" 2:42 "given with protocol local"
check rw "$(job ', rw: trim')" 2:65 "storage.jobs.0.rw is 'trim'; expected one of: read, write, randread, randwrite, rw, randrw"
check read-fraction "$(job ', read_fraction: 1.5')" 2:76 "storage.jobs.0.read_fraction is '1.5'"
check bs-zero "$(job ', bs: 0')" 2:65 "storage.jobs.0.bs is '0'"
check bs-big "$(job ', bs: 2GiB')" 2:65 "storage.jobs.0.bs"
check iodepth "$(job ', iodepth: 0')" 2:70 "storage.jobs.0.iodepth is '0'; expected an integer 1..65536"
check numjobs "$(job ', numjobs: 1025')" 2:70 "storage.jobs.0.numjobs is '1025'; expected an integer 1..1024"
check count "storage: {jobs: [{initiator: h0, protocol: local, count: 0}]}" 2:58 "storage.jobs.0.count is '0'"
check duration "storage: {jobs: [{initiator: h0, protocol: local, duration: 0}]}" 2:61 "storage.jobs.0.duration is '0'"
check count-and-duration "$(job ', duration: 1ms')" 2:61 "storage.jobs.0.duration cannot be given with count"
check neither 'storage: {jobs: [{initiator: h0, protocol: local}]}' 2:18 "storage.jobs.0: neither count nor duration"
check rate "$(job ', rate: 0')" 2:67 "storage.jobs.0.rate is '0'; expected an integer 1..1000000000"
check start "$(job ', start: -1us')" 2:68 "storage.jobs.0.start is '-1us'"
check tc "$(job ', tc: 8')" 2:65 "storage.jobs.0.tc is '8'; expected an integer 0..7"
O='initiator: h0, protocol: object-tcp, count: 1'
check obj-target "storage: {jobs: [{$O, target: h1, pool: [h1]}]}" 2:74 "given with an object protocol"
check obj-no-pool "storage: {jobs: [{$O}]}" 2:18 "missing required key 'pool' in storage.jobs.0"
check pool-block "storage: {jobs: [{initiator: h0, target: h1, protocol: iscsi, count: 1, pool: [h1]}]}" 2:79 "storage.jobs.0.pool is a sequence (given with a block protocol)"
check pool-empty "storage: {jobs: [{$O, pool: []}]}" 2:72 "storage.jobs.0.pool is a sequence; expected a non-empty list of host names"
check pool-host "storage: {jobs: [{$O, replicas: 1, pool: [h5]}]}" 2:86 "storage.jobs.0.pool.0: no host named 'h5'"
check pool-initiator "storage: {jobs: [{$O, replicas: 1, pool: [h0]}]}" 2:86 "storage.jobs.0.pool.0 is 'h0' (the job's initiator)"
check pool-twice "storage: {jobs: [{$O, replicas: 1, pool: [h1, h1]}]}" 2:90 "storage.jobs.0.pool.1 is 'h1' (listed twice)"
check pool-racks "storage: {jobs: [{$O, pool: [h1]}]}" 2:72 "storage.jobs.0.pool: its hosts are in 1 rack, fewer than the 3 replicas"
check replicas "storage: {jobs: [{$O, replicas: 17, pool: [h1]}]}" 2:76 "storage.jobs.0.replicas is '17'; expected an integer 1..16"
check replicas-block "$(job ', replicas: 2')" 2:71 "storage.jobs.0.replicas is '2' (given with a block protocol)"
check objects-block "$(job ', objects: 2')" 2:70 "storage.jobs.0.objects is '2' (given with a block protocol)"
check objects-zero "storage: {jobs: [{$O, objects: 0, pool: [h1]}]}" 2:75 "storage.jobs.0.objects is '0'"
check zipf-alone "storage: {jobs: [{$O, zipf: 1.2, pool: [h1]}]}" 2:72 "storage.jobs.0.zipf is '1.2' (given without objects)"
check zipf-one "storage: {jobs: [{$O, objects: 9, zipf: 1, pool: [h1]}]}" 2:84 "storage.jobs.0.zipf is '1' (a Zipf exponent of exactly 1)"
check zipf-range "storage: {jobs: [{$O, objects: 9, zipf: -1, pool: [h1]}]}" 2:84 "storage.jobs.0.zipf is '-1'"
# An object job's operations are op and get_fraction, a block job's rw
# and read_fraction: each family's keys are refused with the other's
# protocols, the message naming the right key.
check obj-rw "storage: {jobs: [{$O, rw: write, pool: [h1]}]}" 2:70 "storage.jobs.0.rw is 'write' (given with an object protocol); expected op: get, put or mix"
check obj-read-fraction "storage: {jobs: [{$O, read_fraction: 0.2, pool: [h1]}]}" 2:81 "storage.jobs.0.read_fraction is '0.2' (given with an object protocol); expected get_fraction with op: mix"
check op-block "$(job ', op: put')" 2:65 "storage.jobs.0.op is 'put' (given with a block protocol); expected rw: read, write"
check get-fraction-block "$(job ', get_fraction: 0.2')" 2:75 "storage.jobs.0.get_fraction is '0.2' (given with a block protocol); expected read_fraction with rw: rw or randrw"
check op "storage: {jobs: [{$O, op: delete, pool: [h1]}]}" 2:70 "storage.jobs.0.op is 'delete'; expected one of: get, put, mix"
check get-fraction-op "storage: {jobs: [{$O, op: put, get_fraction: 0.2, pool: [h1]}]}" 2:89 "storage.jobs.0.get_fraction is '0.2' (given without op: mix); expected get_fraction only with op: mix"
check get-fraction-range "storage: {jobs: [{$O, op: mix, get_fraction: 2, pool: [h1]}]}" 2:89 "storage.jobs.0.get_fraction is '2'"
# Messages ride on two streams per worker and pair of hosts; an object
# job's workers talk over every pair of its pool: 1024 workers over a
# pool of 95 hosts may need 2 x 1024 x 95^2 streams, more than 2^24.
pool=$(seq 1 95 | sed 's/^/h/' | paste -sd, -)
cat >"$tmp/many.yaml" <<YAML
topology: {type: spine-leaf, spines: 1, leaves: 4, servers_per_leaf: 24}
storage: {jobs: [{initiator: h0, protocol: object-tcp, numjobs: 1024, count: 100000, pool: [$pool]}]}
YAML
refused too-many "$tmp/many.yaml" "2:18: " "storage.jobs.0: the jobs up to this one would need up to"
cat >"$tmp/ib.yaml" <<YAML
topology: {type: spine-leaf, spines: 1, leaves: 1, servers_per_leaf: 2}
fabric: infiniband
storage: {jobs: [$J]}
YAML
refused infiniband "$tmp/ib.yaml" "3:1: " "a storage section is not supported on a fabric: infiniband"

# A job that starts at or after stop issues nothing: warned about at the
# job, as traffic is (it once ran to an empty result without a word).
printf 'stop: 1ms\nstorage: {jobs: [{initiator: h0, protocol: local, count: 1, start: 1ms}]}\n' |
    scenario "$(cat)" >"$tmp/late.yaml"
for cmd in validate "run -q --no-report -o $tmp/late"; do
    "$DCSIM" $cmd "$tmp/late.yaml" >/dev/null 2>"$tmp/err"
    [ $? = 0 ] && [ "$(cat "$tmp/err")" = "dcsim: warning: $tmp/late.yaml:3:18: storage.jobs.0 starts at 1000 us, at or after stop (1000 us): it will issue no I/O" ]
    t $? "${cmd%% *}: a storage job starting at stop is warned about, at the job"
done
echo "1..$n"
