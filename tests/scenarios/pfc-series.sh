#!/bin/sh
# pfc_series.csv (monitor.queues with PFC): a row per interval, monitored
# port and lossless class; each port and class's paused time over the
# intervals adds up to pfc.csv's paused_ps exactly, also when the run is
# cut by its stop time with pauses in progress; the fractions are the
# paused times over the interval; the other results are the same with and
# without the monitor, and the series the same twice.
set -u
. "$(dirname "$0")/../lib.sh"
run() { timeout 20 "$DCSIM" run "$@" --quiet --no-report; }

# Seven RoCE senders write 500 KB each to h0 at once on lossless class 3
# through a 1 MB buffer: leaf0 pauses the senders' NICs on class 3 (their
# egress is what pfc.csv and the series count).  3.5 MB at 100 Gb/s take
# about 280 us, so a stop at 150 us cuts the run while they are paused.
cat >"$tmp/s.yaml" <<'YAML'
name: pfc-series
stop: 20ms
topology: {type: spine-leaf, spines: 1, leaves: 1, servers_per_leaf: 8,
           server_link: {rate: 100Gbps, delay: 1us},
           uplink: {rate: 100Gbps, delay: 1us}}
switch: {buffer: 1MB}
qos: {lossless: [3]}
pfc: {enabled: true}
traffic:
  - {pattern: incast, protocol: roce, senders: 7, receiver: h0, size: 500KB, tc: 3}
monitor:
  interval: 7us
  queues: [h1, h2, leaf0->h0]
YAML
sed '/^monitor:/,$d' "$tmp/s.yaml" >"$tmp/nomon.yaml"
run "$tmp/s.yaml" -o "$tmp/a"; t $? "a PFC incast with a queue monitor runs"
ps=$tmp/a/pfc_series.csv
[ "$(head -n 1 "$ps")" = time_ps,node,port,to,tc,paused_ps,paused_fraction ]
t $? "pfc_series.csv header"

# Rows: every 7 us, h1, h2 (host NICs first in topology order) then
# leaf0's port to h0, class 3 each; the last at sim_time_ps.
end=$(num sim_time_ps "$tmp/a/summary.json")
awk -F, -v end="$end" -v iv=7000000 '
    NR == 1 { next }
    { k = NR - 2; want_t = (int(k / 3) + 1) * iv
      if (want_t > end) want_t = end
      want_p = k % 3 == 0 ? "h1" : k % 3 == 1 ? "h2" : "leaf0"
      if ($1 != want_t || $2 != want_p || $5 != 3) exit 1
      if ($2 == "leaf0" && $4 != "h0") exit 1
      last = $1; n++ }
    END { exit !(last == end && n % 3 == 0) }' "$ps"
t $? "a row per 7 us, monitored port and lossless class, the last at sim_time_ps ($end)"

# The intervals' paused times add up to pfc.csv's, port by port and class
# by class (a port pfc.csv leaves out, never paused nor pausing: 0).
# check DIR: "node,port,tc,sum" of each series, or "... != TOTAL".
check() {
    awk -F, 'FNR == 1 { f++; for (i = 1; i <= NF; i++) h[$i] = i; next }
        { k = $h["node"] "," $h["port"] "," $h["tc"] }
        f == 1 { total[k] = $h["paused_ps"]; next }
        { sum[k] += $h["paused_ps"] }
        END { for (k in sum) print k "," sum[k] (sum[k] == total[k] + 0 ? "" : " != " total[k] + 0) }' \
        "$1/pfc.csv" "$1/pfc_series.csv" | sort
}
paused=$(check "$tmp/a" | awk -F, '$4 > 0' | wc -l)
[ "$paused" = 2 ] && ! check "$tmp/a" | grep -q '!='
t $? "h1 and h2 were paused, and their paused time over the intervals is pfc.csv's: $(check "$tmp/a" | tr '\n' ' ')"
awk -F, 'NR > 1 { if ($1 != cur) { start = cur; cur = $1 }
    iv = $1 - start; d = $6 / iv
    if ($6 > iv || $7 < 0 || $7 > 1 || $7 < d - 5e-7 || $7 > d + 5e-7) exit 1 }' "$ps"
t $? "paused_fraction is paused_ps over the interval, within [0, 1]"
busy=$(awk -F, 'NR > 1 && $7 > 0.5' "$ps" | wc -l)
[ "$busy" -ge 4 ]; t $? "the senders are paused more than half of at least 4 intervals ($busy)"

# Cut while paused: pauses in progress at the stop time count up to it,
# in the last rows as in pfc.csv.
run "$tmp/s.yaml" -o "$tmp/cut" --set stop=150us
t $? "the same run cut at 150 us"
at_end=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next } $h["paused_at_end"] == 1' "$tmp/cut/pfc.csv" | wc -l)
[ "$(num sim_time_ps "$tmp/cut/summary.json")" = 150000000 ] && [ "$at_end" -ge 1 ] &&
    [ "$(check "$tmp/cut" | wc -l)" = 3 ] && ! check "$tmp/cut" | grep -q '!='
t $? "cut with $at_end classes paused at the end: the sums are still pfc.csv's"
tail -n 1 "$tmp/cut/pfc_series.csv" | grep -q '^150000000,'
t $? "... and the last rows are at the stop time (150 us, after the sample at 147)"

# The monitor only reads: the rest is the same without it; twice, the same.
run "$tmp/nomon.yaml" -o "$tmp/nomon" && [ ! -e "$tmp/nomon/pfc_series.csv" ] &&
    same_results "$tmp/a" "$tmp/nomon" flows.csv links.csv queues.csv pfc.csv incast.csv
t $? "without the monitor: no pfc_series.csv, the other results the same"
run "$tmp/s.yaml" -o "$tmp/b" && same_results "$tmp/a" "$tmp/b" pfc_series.csv queue_series.csv
t $? "the same series twice"

# Without PFC no pfc_series.csv, with a monitor all the same.
run "$tmp/s.yaml" -o "$tmp/nopfc" --set pfc.enabled=false && [ ! -e "$tmp/nopfc/pfc_series.csv" ] &&
    [ -s "$tmp/nopfc/queue_series.csv" ]
t $? "without PFC: queue_series.csv and no pfc_series.csv"
echo "1..$n"
