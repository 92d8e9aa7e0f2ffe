#!/bin/sh
# Result columns added for issue 3: flows.csv's retransmission counters and
# fct_by_size.csv; for issue 17, the sender's FCT as the HPCC simulator
# defines it (flows.csv's last three columns, fct_by_size.csv's sender_*;
# empty for UDP, whose sender sees no ACK).  Headers are compared exactly, so a renamed, dropped or
# reordered column fails.
set -u
. "$(dirname "$0")/../lib.sh"

cat >"$tmp/s.yaml" <<'YAML'
topology: {type: spine-leaf, spines: 2, leaves: 2, servers_per_leaf: 2}
traffic:
  - pattern: flows
    flows:
      - {src: h0, dst: h3, size: 10KB, start: 100us}
      - {src: h1, dst: h2, size: 200KB}
YAML
"$DCSIM" run "$tmp/s.yaml" -o "$tmp/out" --quiet
t $? "run succeeds"

want='id,src,dst,protocol,tc,size_bytes,start_ps,end_ps,fct_ps,ideal_fct_ps,slowdown,completed,bytes_delivered,bytes_lost,packets_sent,packets_dropped,retx_pkts,timeouts,cc,acked_ps,naks,cnps,verb,entry,path,sender_fct_ps,standalone_fct_ps,sender_slowdown'
[ "$(head -n 1 "$tmp/out/flows.csv")" = "$want" ]
t $? "flows.csv header ends with retx_pkts,timeouts,cc,acked_ps,naks,cnps,verb,entry,path,sender_fct_ps,standalone_fct_ps,sender_slowdown"
[ "$(awk -F, 'NR > 1 && ($26 != "" || $27 != "" || $28 != "")' "$tmp/out/flows.csv" | wc -l)" = 0 ]
t $? "udp flows have no sender FCT"
# Both flows come from traffic entry 0 and cross leaf0, a spine, leaf1.
[ "$(awk -F, 'NR > 1 && !($24 == 0 && $25 ~ /^leaf0>spine[01]>leaf1$/)' "$tmp/out/flows.csv" | wc -l)" = 0 ]
t $? "flows.csv entry 0 and path leaf0>spineN>leaf1 on every row"
# UDP never retransmits: both counters are 0 on every row.
[ "$(awk -F, 'NR > 1 && ($17 != 0 || $18 != 0)' "$tmp/out/flows.csv" | wc -l)" = 0 ] &&
    [ "$(awk -F, 'NR > 1' "$tmp/out/flows.csv" | wc -l)" = 2 ]
t $? "udp flows have retx_pkts and timeouts 0"

# fct_by_size.csv: each flow is alone in the network (the 200 KB flow
# takes about 72 us, the 10 KB one starts at 100 us), so slowdown is 1.
csv=$tmp/out/fct_by_size.csv
[ "$(head -n 1 "$csv")" = 'protocol,bucket,above_bytes,upto_bytes,flows,completed,mean,p50,p95,p99,sender_completed,sender_mean,sender_p50,sender_p95,sender_p99' ]
t $? "fct_by_size.csv header"
[ "$(wc -l <"$csv")" = 11 ]
t $? "fct_by_size.csv: 5 buckets for all + 5 for udp"
grep -qx 'all,<=10KB,0,10000,1,1,1.000000,1.000000,1.000000,1.000000,0,,,,' "$csv"
t $? "the 10 KB flow is in <=10KB with slowdown 1"
grep -qx 'udp,100KB-1MB,100000,1000000,1,1,1.000000,1.000000,1.000000,1.000000,0,,,,' "$csv"
t $? "the 200 KB flow is in 100KB-1MB, also under udp"
grep -qx 'all,>10MB,10000000,,0,0,,,,,0,,,,' "$csv"
t $? "an empty bucket has no statistics and the last no upper edge"
grep -q '"10KB-100KB": {"flows": 0, "completed": 0, "mean": null' "$tmp/out/summary.json" &&
    grep -q '^    "udp": {' "$tmp/out/summary.json"
t $? "summary.json has slowdown_by_size for all and udp"
grep -q '^  "slowdown_sender": {"count": 0, "p50": null, .*"max": null, "by_size": {$' "$tmp/out/summary.json"
t $? "summary.json has slowdown_sender, empty without RDMA flows"
echo "1..$n"
