#!/bin/sh
# link_series.csv and tcp_series.csv (monitor.links, monitor.tcp): a row
# per interval and chosen link or open TCP flow; a link's bytes over all
# intervals add up to links.csv's, its utilization stays within [0, 1] and
# reaches 1 at a bottleneck; the TCP rows follow each flow from its start
# to its close; the other results are the same without the series, and
# the series are the same twice.
set -u
. "$(dirname "$0")/../lib.sh"
run() { timeout 20 "$DCSIM" run "$@" --quiet --no-report; }

# Two TCP senders on leaf0 to h3 on leaf1, 1 MB each at 25 Gb/s: leaf1's
# port to h3 is the bottleneck, busy for about 2 MB / 25 Gb/s = 640 us.
cat >"$tmp/s.yaml" <<'YAML'
name: series
topology: {type: spine-leaf, spines: 2, leaves: 2, servers_per_leaf: 2}
traffic:
  - pattern: flows
    protocol: tcp
    flows: [{src: h0, dst: h3, size: 1MB}, {src: h1, dst: h3, size: 1MB}]
monitor:
  interval: 20us
  links: [leaf1->h3, h0]
  tcp: [0, 1]
YAML
run "$tmp/s.yaml" -o "$tmp/a"; t $? "a run with link and TCP series"
ls=$tmp/a/link_series.csv ts=$tmp/a/tcp_series.csv
[ "$(head -n 1 "$ls")" = time_ps,node,port,to,bytes,utilization ]; t $? "link_series.csv header"
[ "$(head -n 1 "$ts")" = time_ps,flow,cwnd_bytes,ssthresh_bytes,inflight_bytes,srtt_ns,rto_ns ]
t $? "tcp_series.csv header"

# Rows: every 20 us from 20 us to sim_time_ps, h0's port then leaf1's
# (topology order).
end=$(num sim_time_ps "$tmp/a/summary.json")
awk -F, -v end="$end" -v iv=20000000 '
    NR == 1 { next }
    { k = NR - 2; want_t = (int(k / 2) + 1) * iv
      want_p = k % 2 ? "leaf1:1:h3" : "h0:0:leaf0"
      if ($1 != want_t || $2 ":" $3 ":" $4 != want_p) exit 1; last = $1 }
    END { exit !(last <= end && last + iv > end) }' "$ls"
t $? "a row per 20 us and link, h0's then leaf1->h3's, up to sim_time_ps ($end)"

# Bytes sent after the last sample time (less than an interval before
# sim_time_ps) are in no row: at most the line rate over that tail.
last=$(tail -n 1 "$ls" | cut -d, -f1)
tail_bytes=$(((end - last) * 25 / 8000))
for port in "h0,leaf0" "leaf1,h3"; do
    from=${port%,*} to=${port#*,}
    sum=$(csv "$ls" 'c["bytes"]' "c[\"node\"] == \"$from\" && c[\"to\"] == \"$to\"")
    rows=$(csv "$ls" 1 "c[\"node\"] == \"$from\" && c[\"to\"] == \"$to\"")
    total=$(csv "$tmp/a/links.csv" 'c["bytes"]' "c[\"from\"] == \"$from\" && c[\"to\"] == \"$to\"")
    d=$((total - sum)); [ $d -lt 0 ] && d=$((-d))
    [ "$total" -gt 1000000 ] && [ $((2 * d)) -le $((rows + 2 * tail_bytes)) ]
    t $? "$from->$to: the intervals' bytes add up to links.csv's $total but for the tail (got $sum)"
done
awk -F, 'NR > 1 && ($6 < 0 || $6 > 1.000001) { exit 1 }' "$ls"
t $? "utilization within [0, 1]"
full=$(csv "$ls" 1 'c["node"] == "leaf1" && c["utilization"] >= 0.999999')
[ "$full" -ge 20 ]; t $? "leaf1->h3 is fully busy in at least 20 intervals ($full)"

# TCP: rows for flows 0 and 1 from time 0 until they close (after the
# last byte arrives, when its ACK is in); the window
# grows beyond its initial 10 segments; the RTT is measured.
awk -F, 'NR > 1 && ($2 != 0 && $2 != 1) { exit 1 }' "$ts"; t $? "rows only for flows 0 and 1"
for fl in 0 1; do
    first=$(awk -F, -v f=$fl 'NR > 1 && $2 == f { print $1; exit }' "$ts")
    last=$(awk -F, -v f=$fl 'NR > 1 && $2 == f { l = $1 } END { print l }' "$ts")
    fend=$(csv "$tmp/a/flows.csv" 'c["end_ps"]' "c[\"id\"] == $fl")
    [ "$first" = 0 ] && [ "$last" -le "$end" ] && [ "$last" -gt $((fend - 20000000)) ]
    t $? "flow $fl: rows from 0 to $last, into the last interval before its end at $fend"
    maxcw=$(max "$ts" 'c["cwnd_bytes"]' "c[\"flow\"] == $fl")
    [ "$maxcw" -gt 14600 ]; t $? "flow $fl: the window grows past 10 segments (max $maxcw)"
    rtt=$(max "$ts" 'c["srtt_ns"]' "c[\"flow\"] == $fl")
    awk -v r="$rtt" 'BEGIN { exit !(r > 4000) }'
    t $? "flow $fl: a smoothed RTT above the 4 us base RTT is measured (max $rtt ns)"
done

# The same series twice; the other results without them.
run "$tmp/s.yaml" -o "$tmp/b"
cmp -s "$ls" "$tmp/b/link_series.csv" && cmp -s "$ts" "$tmp/b/tcp_series.csv"
t $? "the same series twice"
sed '/^monitor:/,$d' "$tmp/s.yaml" >"$tmp/plain.yaml"
run "$tmp/plain.yaml" -o "$tmp/plain"
same_results "$tmp/a" "$tmp/plain" flows.csv links.csv queues.csv fct_by_size.csv
t $? "every other result is the same without the series"
[ ! -e "$tmp/plain/link_series.csv" ] && [ ! -e "$tmp/plain/tcp_series.csv" ]
t $? "no series files without monitor.links and monitor.tcp"

echo "1..$n"
