#!/bin/sh
# Host NICs generate PFC: a receiver slower than its link (host.rx_rate)
# pauses the switch instead of dropping, and the pause reaches the sender;
# without PFC the same receiver drops (nic_rx_full).  A receiver that
# stops draining (host.rx_stall) is the classic PFC storm source: it
# pauses its switch port for as long as it is stuck, the watchdog declares
# the storm after `detection`, drops the queue, and restores the class
# `restoration` after the last pause frame.
set -u
. "$(dirname "$0")/../lib.sh"
run() { timeout 60 "$DCSIM" run "$@" --quiet --no-report; }
# Column COL of pfc.csv's row for NODE's port facing PEER, class 3.
col() { awk -F, -v a="$2" -v b="$3" -v c="$4" '$1 == a && $3 == b && $4 == 3 {print $c}' "$1"; }

cat >"$tmp/slow.yaml" <<'YAML'
name: slow-receiver
stop: 2ms
topology: {type: spine-leaf, spines: 1, leaves: 1, servers_per_leaf: 3,
           server_link: {rate: 100Gbps, delay: 500ns},
           uplink: {rate: 100Gbps, delay: 500ns}}
switch: {buffer: 4MB}
host: {rx_rate: 50Gbps, rx_buffer: 256KB}
pfc: {enabled: true}
traffic:
  - {pattern: flows, flows: [{src: h1, dst: h0, size: 2MB, tc: 3}]}
YAML

run "$tmp/slow.yaml" -o "$tmp/slow"
t $? "a 50 Gb/s receiver behind a 100 Gb/s link runs"
s=$tmp/slow/summary.json
p=$tmp/slow/pfc.csv
[ "$(num drops_total "$s")" = 0 ] && [ "$(num bytes_delivered "$s")" = 2000000 ]
t $? "with PFC: no drop, all 2 MB delivered"
sent=$(col "$p" h0 leaf0 5)
rcvd=$(col "$p" leaf0 h0 7)
relay=$(col "$p" h1 leaf0 7)
[ "${sent:-0}" -gt 0 ] && [ "$rcvd" = "$sent" ] && [ "${relay:-0}" -gt 0 ]
t $? "the receiver's NIC paused the switch ($sent frames, $rcvd received) and the pause reached the sender ($relay)"
fct=$(awk -F, 'NR == 2 {print $9}' "$tmp/slow/flows.csv")
# 2 MB at 50 Gb/s takes 320 us: the flow is held to the receiver's rate.
[ "$fct" -ge 320000000 ] && [ "$fct" -le 345000000 ]
t $? "the flow runs at the receiver's 50 Gb/s: FCT $fct ps (>= 320 us)"

run "$tmp/slow.yaml" -o "$tmp/nopfc" --set pfc.enabled=false
s=$tmp/nopfc/summary.json
[ "$(num nic_rx_full "$s")" -gt 0 ] && [ "$(num flows_completed "$s")" = 0 ]
t $? "without PFC the receiver drops: $(num nic_rx_full "$s") nic_rx_full"

cat >"$tmp/storm.yaml" <<'YAML'
name: storm
stop: 3ms
topology: {type: spine-leaf, spines: 1, leaves: 1, servers_per_leaf: 3,
           server_link: {rate: 100Gbps, delay: 500ns},
           uplink: {rate: 100Gbps, delay: 500ns}}
switch: {buffer: 4MB}
host: {rx_rate: 100Gbps, rx_buffer: 256KB,
       rx_stall: {hosts: [h0], start: 100us, duration: 1ms}}
pfc: {enabled: true, watchdog: {detection: 500us, restoration: 500us}}
traffic:
  - {pattern: flows, flows: [{src: h1, dst: h0, size: 30MB, tc: 3}]}
YAML

run "$tmp/storm.yaml" -o "$tmp/wd0" --set pfc.watchdog.enabled=false
s=$tmp/wd0/summary.json
paused=$(col "$tmp/wd0/pfc.csv" leaf0 h0 9)
[ "$(num drops_total "$s")" = 0 ] && [ "$paused" -ge 950000000 ]
t $? "a stuck receiver without the watchdog: its switch port paused $paused ps of the 1 ms stall, nothing dropped"

run "$tmp/storm.yaml" -o "$tmp/wd"
s=$tmp/wd/summary.json
storm=$(sed -n 's/.*"time_ps": \([0-9]*\).*"event": "storm".*/\1/p' "$s")
restore=$(sed -n 's/.*"time_ps": \([0-9]*\).*"event": "restore".*/\1/p' "$s")
# The pause starts soon after the stall at 100 us (the buffer fills in
# ~20 us): storm within [600, 650] us.  The stall ends at 1.1 ms; the last
# refresh came at most half a pause time (168 us) before, so restoration
# is between 1.1 - 0.168 + 0.5 and 1.1 + 0.5 ms.
[ "${storm:-0}" -ge 600000000 ] && [ "$storm" -le 650000000 ]
t $? "the watchdog declares the storm at leaf0 port to h0, at $storm ps"
[ "${restore:-0}" -ge 1432000000 ] && [ "$restore" -le 1600000000 ]
t $? "and restores it $restore ps, after the receiver recovered"
[ "$(num pfc_watchdog "$s")" -gt 0 ] && [ "$(col "$tmp/wd/pfc.csv" leaf0 h0 17)" = "$(num pfc_watchdog "$s")" ]
t $? "the stormed queue's packets were dropped ($(num pfc_watchdog "$s")) and pfc.csv counts them"
[ "$(num last_delivery_ps "$s")" -gt 2500000000 ]
t $? "traffic flows again after restoration"

echo "1..$n"
