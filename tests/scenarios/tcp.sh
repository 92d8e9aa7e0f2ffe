#!/bin/sh
# TCP over the fabric: goodput, fairness, DCTCP's queue, incast collapse,
# loss and reordering.  Each check prints the figures it judged (TAP
# comments) and compares them with a bound derived here, not with a value
# a run once produced.
set -u
. "$(dirname "$0")/../lib.sh"
# ok_if AWK-CONDITION MESSAGE: an awk expression over the shell's numbers.
ok_if() { awk "BEGIN { exit !($1) }"; t $? "$2"; }

# col FILE NAME [ROW-FILTER]: the values of column NAME of a CSV file, one
# per line (found by its header, so added columns do not break this).
col() {
    awk -F, -v name="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i; next }
                          { print $c }' "$1"
}
sum() { awk '{ s += $1 } END { printf "%.0f\n", s }'; }
max() { awk 'NR == 1 || $1 > m { m = $1 } END { printf "%.0f\n", m }'; }
run() { "$DCSIM" run "$@" --quiet --no-report; }

# ---------------------------------------------------------------------
# 1. One long flow on an idle 100 Gb/s path.  The best goodput the
# headers allow: each 1460 B of payload costs a 1500 B IP packet in an
# Ethernet frame of 14 + 1500 + 4 B plus 8 B preamble and 12 B gap, so
# 100 Gb/s x 1460 / 1538.
cat >"$tmp/one.yaml" <<'YAML'
topology: {type: spine-leaf, spines: 1, leaves: 2, servers_per_leaf: 1,
           server_link: {rate: 100Gbps, delay: 1us},
           uplink: {rate: 100Gbps, delay: 1us}}
traffic:
  - pattern: flows
    protocol: tcp
    flows: [{src: h0, dst: h1, size: 200MB}]
YAML
run "$tmp/one.yaml" -o "$tmp/one"
t $? "one long flow runs"
fct=$(col "$tmp/one/flows.csv" fct_ps)
ideal=$(awk 'BEGIN { printf "%.6f", 100e9 * 1460 / 1538 }')
good=$(awk -v f="$fct" 'BEGIN { printf "%.6f", 200e6 * 8 / (f * 1e-12) }')
echo "# goodput $good b/s, header-limited $ideal b/s"
ok_if "$good >= 0.95 * $ideal" "one flow reaches 95% of the header-limited goodput"

# ---------------------------------------------------------------------
# 2. Two flows through one 10 Gb/s uplink (senders on 25 Gb/s links, so
# the uplink queue is where they meet).  Fairness over the second half of
# a 200 ms run: a run is deterministic, so the bytes each flow delivered
# by 100 ms (a run stopped there) are subtracted from those by 200 ms.
# ACKs leave the receivers after a random 0-1 us: without any jitter, two
# ACK-clocked flows into a full drop-tail queue can phase-lock so that one
# flow's packets always find the free slot and the other's never do
# (Floyd and Jacobson, "On traffic phase effects in packet-switched
# gateways", 1992), which starves a flow for reasons that are not its
# congestion control's.
cat >"$tmp/two.yaml" <<'YAML'
topology: {type: spine-leaf, spines: 1, leaves: 2, servers_per_leaf: 2,
           server_link: {rate: 25Gbps, delay: 1us},
           uplink: {rate: 10Gbps, delay: 1us}}
switch: {queue: 100KB, ecn: {mode: step, k: 30KB}}
tcp: {min_rto: 1ms, ack_jitter: 1us}
traffic:
  - pattern: flows
    protocol: tcp
    flows:
      - {src: h0, dst: h2, size: 10GB}
      - {src: h1, dst: h3, size: 10GB, start: 1ms}
YAML
for cc in newreno cubic dctcp; do
    run "$tmp/two.yaml" -o "$tmp/half" --set tcp.cc=$cc --set stop=100ms &&
        run "$tmp/two.yaml" -o "$tmp/full" --set tcp.cc=$cc --set stop=200ms
    t $? "$cc: two-flow runs"
    col "$tmp/half/flows.csv" bytes_delivered >"$tmp/a"
    col "$tmp/full/flows.csv" bytes_delivered >"$tmp/b"
    x=$(paste -d' ' "$tmp/a" "$tmp/b" | awk '{ print $2 - $1 }' | tr '\n' ' ')
    jain=$(echo "$x" | awk '{ s = $1 + $2; q = $1 * $1 + $2 * $2;
                              printf "%.4f", q ? s * s / (2 * q) : 0 }')
    util=$(echo "$x" | awk '{ printf "%.4f", ($1 + $2) * 8 / 0.1 / 10e9 }')
    echo "# $cc: bytes in the second half $x, Jain $jain, uplink goodput share $util"
    ok_if "$jain >= 0.95" "$cc: Jain fairness >= 0.95 over the second half"
    ok_if "$util >= 0.85" "$cc: the two flows keep the bottleneck busy"
    cp "$tmp/full/queues.csv" "$tmp/queues-$cc.csv"
done

# ---------------------------------------------------------------------
# 3. The same bottleneck: DCTCP holds the queue near K = 30 KB (time
# average within [K/2, 2K]); NewReno fills the 100 KB buffer and drops.
q_of() {
    awk -F, -v col="$2" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
        $1 == "leaf0" && $3 == "spine0" && $4 == 0 { print $h[col] }' "$1"
}
avg_d=$(q_of "$tmp/queues-dctcp.csv" avg_bytes)
avg_r=$(q_of "$tmp/queues-newreno.csv" avg_bytes)
max_r=$(q_of "$tmp/queues-newreno.csv" max_bytes)
drops_d=$(q_of "$tmp/queues-dctcp.csv" drops)
drops_r=$(q_of "$tmp/queues-newreno.csv" drops)
marks_d=$(q_of "$tmp/queues-dctcp.csv" ecn_marked)
echo "# bottleneck queue: dctcp avg $avg_d B ($drops_d drops, $marks_d marks); newreno avg $avg_r B, max $max_r B ($drops_r drops)"
ok_if "$avg_d >= 15000 && $avg_d <= 60000" "dctcp: average queue within [K/2, 2K]"
ok_if "$drops_d == 0 && $marks_d > 0" "dctcp: marks instead of drops"
ok_if "$avg_r > 60000 && $max_r > 95000 && $drops_r > 0" "newreno: fills the buffer and drops"

# ---------------------------------------------------------------------
# 4. Incast: 32 senders x 64 KB to one receiver behind a 100 KB queue,
# 10 Gb/s everywhere.  The initial window is RFC 3390's 3 segments (the
# Linux of the DCTCP paper): 32 x 3 segments fit in the buffer, so what
# happens next depends on the transport.  (With today's 10 segments the
# first round trip alone overflows the queue, ECN or not.)
cat >"$tmp/incast.yaml" <<'YAML'
topology: {type: spine-leaf, spines: 1, leaves: 1, servers_per_leaf: 33,
           server_link: {rate: 10Gbps, delay: 1us},
           uplink: {rate: 10Gbps, delay: 1us}}
switch: {queue: 100KB, ecn: {mode: step, k: 20KB}}
tcp: {init_cwnd: 3}
traffic:
  - {pattern: incast, protocol: tcp, senders: 32, receiver: h0, size: 64KB,
     rounds: 3, gap: 10us}
YAML
incast() {  # NAME CC MIN_RTO -> sets g_NAME (goodput/line), to_NAME, done_NAME
    run "$tmp/incast.yaml" -o "$tmp/i-$1" --set tcp.cc="$2" --set tcp.min_rto="$3"
    t $? "incast $1 runs"
    csv="$tmp/i-$1/incast.csv"
    to=$(col "$tmp/i-$1/flows.csv" timeouts | sum)
    done_=$(col "$csv" completed | sum)
    g=$(col "$csv" goodput_bps | awk '{ s += $1 } END { printf "%.4f", s / NR / 10e9 }')
    per=$(col "$csv" completion_ps | awk '{ printf "%.3f ", $1 / 1e9 }')
    echo "# incast $1: $done_/3 rounds done in $per ms, mean goodput $g of line rate, $to timeouts"
    eval "g_$1=$g; to_$1=$to; done_$1=$done_"
}
incast reno200 newreno 200ms
incast reno1 newreno 1ms
incast dctcp dctcp 200ms
ok_if "$done_reno200 == 3 && $done_reno1 == 3 && $done_dctcp == 3" "every incast round completes"
ok_if "$g_reno200 < 0.05 && $to_reno200 > 0" "newreno, min RTO 200 ms: goodput collapses below 5% of line rate, with timeouts"
ok_if "$g_reno1 > 0.3 && $g_reno1 > 10 * $g_reno200" "newreno, min RTO 1 ms: goodput recovers (> 30%, 10x the 200 ms case)"
ok_if "$g_dctcp > 0.5 && $to_dctcp == 0" "dctcp, min RTO 200 ms: no timeout, goodput above half of line rate"

# ---------------------------------------------------------------------
# 5. Loss and reordering: 1% of packets lost and 2% held back 20 us at
# every switch.  Every byte arrives exactly once: delivered == size for
# every flow (the receiver counts only bytes that advance its in-order
# edge, and asserts it never passes the flow's size).  One flow is 5 GB,
# so its 32-bit sequence numbers wrap at least once.
cat >"$tmp/lossy.yaml" <<'YAML'
topology: {type: spine-leaf, spines: 2, leaves: 2, servers_per_leaf: 2,
           server_link: {rate: 100Gbps, delay: 1us},
           uplink: {rate: 100Gbps, delay: 1us}}
faults: {loss: 0.01, reorder: 0.02, reorder_delay: 20us}
tcp: {min_rto: 1ms}
traffic:
  - pattern: flows
    protocol: tcp
    flows:
      - {src: h0, dst: h2, size: 5GB}
      - {src: h1, dst: h3, size: 20MB}
      - {src: h3, dst: h0, size: 1MB}
  - pattern: all-to-all
    protocol: tcp
    size: 200KB
    tcp: {cc: cubic, handshake: true}
  - pattern: all-to-all
    protocol: tcp
    size: 50KB
    tcp: {cc: dctcp}
YAML
run "$tmp/lossy.yaml" -o "$tmp/lossy"
t $? "lossy run completes"
f="$tmp/lossy/flows.csv"
nflows=$(($(wc -l <"$f") - 1))
bad=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
       $h["bytes_delivered"] != $h["size_bytes"] || $h["completed"] != 1 { b++ }
       END { print b + 0 }' "$f")
retx=$(col "$f" retx_pkts | sum)
drops=$(grep -o '"fault_injected": [0-9]*' "$tmp/lossy/summary.json" | grep -o '[0-9]*$')
echo "# $nflows flows, $bad short or incomplete, $retx retransmitted packets, $drops injected drops"
ok_if "$nflows == 27 && $bad == 0" "every flow delivers exactly its size despite loss and reordering"
ok_if "$retx > 0 && $drops > 0" "losses happened and were repaired by retransmission"
groups=$(awk -F, 'NR > 1 && $2 == "<=10KB" { print $1 }' "$tmp/lossy/fct_by_size.csv" | tr '\n' ' ')
[ "$groups" = "all tcp/newreno tcp/cubic tcp/dctcp " ]
t $? "fct_by_size.csv separates the congestion controls ($groups)"

# ---------------------------------------------------------------------
# 6. The handshake costs one round trip before the first byte.
run "$tmp/one.yaml" -o "$tmp/hs" --set 'traffic.0.flows.0.size=100KB' --set tcp.handshake=true &&
    run "$tmp/one.yaml" -o "$tmp/nohs" --set 'traffic.0.flows.0.size=100KB'
t $? "handshake runs"
a=$(col "$tmp/hs/flows.csv" fct_ps)
b=$(col "$tmp/nohs/flows.csv" fct_ps)
# A SYN and a SYN-ACK (64 B frames) each cross 4 links of 1 us.
echo "# FCT with handshake $a ps, without $b ps"
ok_if "$a - $b >= 8000000 && $a - $b <= 9000000" "the handshake adds one round trip (8-9 us here)"

echo "1..$n"
