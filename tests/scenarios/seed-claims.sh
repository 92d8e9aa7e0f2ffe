#!/bin/sh
# scripts/seed-claims.sh (make seed-claims): it writes the page wherever
# -o says, with a row for each of the seeds' five I/O paths in each of
# the virtualization tables (the latency breakdown's included) and the
# RDMA and TCP rows of item 11, the storage rows of issue 16, and two
# runs give the same file byte for byte.
set -u
. "$(dirname "$0")/../lib.sh"
script=$(dirname "$0")/../../scripts/seed-claims.sh
DCSIM=$DCSIM "$script" -o "$tmp/a.md" 2>"$tmp/err"
t $? "seed-claims.sh runs ($(cat "$tmp/err"))"
for path in 'Emulated e1000' 'user-space backend' 'vhost-net' 'SR-IOV VF' 'Bare metal'; do
    c=$(grep -c "^| $path\|^| virtio-net, $path" "$tmp/a.md")
    # Throughput, latency, the latency breakdown, CPU; the VM paths also
    # in the counters table (one row per host).
    want=6
    [ "$path" = 'Bare metal' ] && want=4
    [ "$c" = "$want" ]
    t $? "$path: $c table rows"
done
for row in '| TCP, one flow | 10 Gb/s' '| TCP, one flow | 100 Gb/s' '| RoCE, one WRITE | 10 Gb/s' \
    '| RoCE, one WRITE | 100 Gb/s' '| RDMA CPU at 100 Gb/s | <5%' '| TCP CPU at 10 Gb/s | 30-50%'; do
    grep -qF "$row" "$tmp/a.md"
    t $? "row: $row"
done
# The storage rows (issue 16): each path's 4 KB read, both replications,
# the four target-server runs.
for row in '| Local NVMe (`local`) | ~10 us' '| NVMe-oF/RDMA (`nvme-rdma`) | 23 us' \
    '| NVMe/TCP (`nvme-tcp`) |' '| iSCSI (`iscsi`) | 150-200 us' '| TCP | 400 us' '| RDMA | 360 us' \
    '| NVMe-oF/RDMA, kernel target | 1M+' '| NVMe-oF/RDMA, SPDK target | 1M+' \
    '| iSCSI, kernel target | 100K' '| iSCSI, SPDK target | 100K'; do
    grep -qF "$row" "$tmp/a.md"
    t $? "row: $row"
done
# Every storage ratio beyond 2x is explained: no fallback line.
! grep -q 'this script has no explanation' "$tmp/a.md"
t $? "every difference beyond 2x has its explanation"
# No row with an empty cell, no missing value.
! grep -q '| |\|nan\|inf' "$tmp/a.md"
t $? "no empty cell, no nan or inf"
DCSIM=$DCSIM "$script" -o "$tmp/b.md" 2>/dev/null && cmp -s "$tmp/a.md" "$tmp/b.md"
t $? "a second run gives the same file"
DCSIM=$tmp/none "$script" -o "$tmp/c.md" 2>"$tmp/err"
[ $? = 1 ] && [ ! -e "$tmp/c.md" ] && grep -q "no dcsim binary at $tmp/none" "$tmp/err"
t $? "without a binary it fails clearly: $(cat "$tmp/err")"
echo "1..$n"
