#!/bin/sh
# Result columns added for issue 3: flows.csv's retransmission counters and
# fct_by_size.csv.  Headers are compared exactly, so a renamed, dropped or
# reordered column fails.
set -u
DCSIM=${DCSIM:-./dcsim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
t() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }

cat >"$tmp/s.yaml" <<'YAML'
topology: {type: spine-leaf, spines: 2, leaves: 2, servers_per_leaf: 2}
traffic:
  - pattern: flows
    flows:
      - {src: h0, dst: h3, size: 10KB}
      - {src: h1, dst: h2, size: 200KB}
YAML
"$DCSIM" run "$tmp/s.yaml" -o "$tmp/out" --quiet
t $? "run succeeds"

want='id,src,dst,protocol,tc,size_bytes,start_ps,end_ps,fct_ps,ideal_fct_ps,slowdown,completed,bytes_delivered,bytes_lost,packets_sent,packets_dropped,retx_pkts,timeouts'
[ "$(head -n 1 "$tmp/out/flows.csv")" = "$want" ]
t $? "flows.csv header ends with retx_pkts,timeouts"
# UDP never retransmits: both counters are 0 on every row.
[ "$(awk -F, 'NR > 1 && ($17 != 0 || $18 != 0)' "$tmp/out/flows.csv" | wc -l)" = 0 ] &&
    [ "$(awk -F, 'NR > 1' "$tmp/out/flows.csv" | wc -l)" = 2 ]
t $? "udp flows have retx_pkts and timeouts 0"
echo "1..$n"
