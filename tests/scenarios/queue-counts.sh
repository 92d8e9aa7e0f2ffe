#!/bin/sh
# queues.csv's counters of a switch's egress queue (port.c): every frame
# the queue admits counts once in `packets` whether it waited or went
# straight through an idle port (port_pass(), which counts those in the
# port and folds them into the class's queue when another class passes),
# and `max_bytes` is at least the largest frame that went through.
#
# Hosts a, b and c send UDP to r through one switch s, every link
# 25 Gb/s: a 100 KB in class 0 at 1 Gb/s and b 30 KB in class 3 at
# 2 Gb/s from time 0, so that frames of the two classes alternate at the
# port s->r (most go straight through, some wait behind the other
# class's); c one datagram of 1 000 B in class 5 at 900 us, when s->r
# is idle, so that class 5 only ever goes straight through.  Expected by
# hand: each class's `packets` equals its flow's packets_sent (68, 21, 1:
# 100 000 / 1 472 B of payload a datagram, rounded up, is 68, 30 000 /
# 1 472 is 21), class 5's max_bytes is its frame, 1 000 + 8 UDP + 20 IP
# + 14 Ethernet + 4 FCS = 1 046, and its average occupancy 0.
set -u
. "$(dirname "$0")/../lib.sh"

cat >"$tmp/q.yaml" <<'YAML'
seed: 1
stop: 1ms
topology:
  type: explicit
  nodes:
    - {name: s, kind: switch}
    - {name: a, kind: host}
    - {name: b, kind: host}
    - {name: c, kind: host}
    - {name: r, kind: host}
  links:
    - {a: a, b: s, rate: 25Gbps}
    - {a: b, b: s, rate: 25Gbps}
    - {a: c, b: s, rate: 25Gbps}
    - {a: r, b: s, rate: 25Gbps}
traffic:
  - pattern: flows
    protocol: udp
    flows:
      - {src: a, dst: r, size: 100KB, tc: 0, rate: 1Gbps}
      - {src: b, dst: r, size: 30KB, tc: 3, rate: 2Gbps}
      - {src: c, dst: r, size: 1000B, tc: 5, start: 900us}
YAML
"$DCSIM" run "$tmp/q.yaml" -o "$tmp/q" --quiet --no-report
t $? "the scenario runs"

# queue TC FIELD: FIELD of class TC's row for port s->r in queues.csv.
queue() {
    awk -F, -v tc="$1" -v f="$2" '
        NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
        $1 == "s" && $3 == "r" && $4 == tc { print $h[f] }' "$tmp/q/queues.csv"
}
# sent TC: packets_sent of the flow of class TC.
sent() {
    awk -F, -v tc="$1" '
        NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
        $h["tc"] == tc { print $h["packets_sent"] }' "$tmp/q/flows.csv"
}

for tc in 0 3 5; do
    q=$(queue $tc packets) s=$(sent $tc)
    ok_if "\"$q\" != \"\" && \"$q\" == \"$s\"" \
        "class $tc: queues.csv counts $q packets, its flow sent $s"
done
ok_if "\"$(sent 0)\" == 68 && \"$(sent 3)\" == 21 && \"$(sent 5)\" == 1" \
    "the flows sent 68, 21 and 1 packets, as by hand"
ok_if "\"$(queue 5 max_bytes)\" == 1046" \
    "class 5, which only went straight through, peaks at its frame ($(queue 5 max_bytes) B)"
ok_if "\"$(queue 5 avg_bytes)\" == \"0.000\"" \
    "and its average occupancy is 0 ($(queue 5 avg_bytes))"
ok_if "$(queue 3 avg_bytes) > 0" \
    "class 3's frames waited behind class 0's at times (average $(queue 3 avg_bytes) B)"
echo "1..$n"
