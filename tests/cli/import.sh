#!/bin/sh
# `dcsim import ns3`: the HPCC simulator's example inputs (tests/cli/ns3/,
# from its repository) round-trip into a scenario that validates and runs,
# with the topology, the flows and every congestion-control value of the
# config carried over, what cannot be expressed listed at the top and on
# stderr, and the two flows' FCTs within 5% of what that simulator, built
# from the same commit, reports for them (fct.ns3.txt).  Bad input files:
# FILE:LINE:COL, exit 2, nothing written.
set -u
. "$(dirname "$0")/../lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
cp -r "$here/ns3" "$tmp/sim"
cd "$tmp/sim" || exit 1

"$DCSIM" import ns3 mix/config.txt -o "$tmp/ex.yaml" 2>"$tmp/err"
t $? "import ns3 of the simulator's example: exit 0"
[ -s "$tmp/ex.yaml" ] && [ -s "$tmp/ex.flows.csv" ]
t $? "writes the scenario and ex.flows.csv beside it"
[ "$(grep -c '^    - {name: h[0-9]*, kind: host}$' "$tmp/ex.yaml")" = 65 ] &&
    [ "$(grep -c '^    - {name: s0, kind: switch}$' "$tmp/ex.yaml")" = 1 ] &&
    [ "$(grep -c '^    - {a: s0, b: h[0-9]*, rate: 100Gbps, delay: 0.001ms}$' "$tmp/ex.yaml")" = 65 ]
t $? "topology: switch s0, hosts h1..h65 (node ids kept), 65 links at 100Gbps, 0.001ms"
# flow.txt counts 2 flows; the simulator reads those and ignores the rest.
[ "$(cat "$tmp/ex.flows.csv")" = "src,dst,size_bytes,start_ps,tc,dport
h2,h1,200000000,2000000000000,3,100
h3,h1,200000000,2000000000000,3,100" ]
t $? "flows: the 2 the file counts, pg 3, dport 100, start 2 s"
for kv in 'stop: 4.00s' 'buffer: 32MiB' 'ecn: {mode: red, kmin: 400KB, kmax: 1600KB, pmax: 0.2}' \
          'payload: 1000' 'ack_every: 1' 'cc: hpcc' 'eta: 0.95' 'max_stage: 0' \
          'fast_react: true' 'sample_feedback: false' 'int_multi: 1' 'window: variable' \
          'r_ai: 50Mb/s' 't: 4160ns' 'monitor: {fct_txt: true}' 'ack_first: true' \
          'pfc: {enabled: true, headroom: ns3, response: 0, alpha_by_rate: true}' \
          '{pattern: file, file: ex.flows.csv, protocol: roce}'; do
    grep -qF -- "$kv" "$tmp/ex.yaml" || { echo "# missing: $kv"; false; }
done
t $? "config: stop, buffer, ECN at 100 Gb/s, the simulator's PFC, payload, ACKs first, HPCC's keys; T = the simulator's maxRtt 4160 ns"
! grep -q '^  ack_tc:\|^    by_rate:' "$tmp/ex.yaml"
t $? "ACK_HIGH_PRIO 0: ACKs in the flows' class; one link rate: no ECN by_rate"
notes=$(grep -c '^#   ' "$tmp/ex.yaml")
[ "$notes" -gt 0 ] && [ "$(grep -c '^#   ' "$tmp/err")" = "$notes" ] &&
    grep -q "^dcsim import: $notes options of mix/config.txt not expressed" "$tmp/err" &&
    grep -q '^#   mix/config.txt:8: TRACE_FILE: the packet-level events' "$tmp/ex.yaml" &&
    grep -q '^#   mix/config.txt:42: PINT_PROB: only for CC_MODE 10' "$tmp/ex.yaml"
t $? "$notes options not expressed, listed at the top and on stderr (TRACE_FILE, PINT_PROB, ...)"
"$DCSIM" validate "$tmp/ex.yaml" >/dev/null
t $? "the scenario validates"
"$DCSIM" run "$tmp/ex.yaml" -o "$tmp/out" --quiet --no-report
t $? "and runs"
# fct.txt: the simulator's columns and addresses; FCTs within 5%.
awk 'NR == FNR { ns[$1 " " $2] = $7; next }
     { k = $1 " " $2; d = $7 / ns[k] - 1; if (d < 0) d = -d;
       printf "# %s: dcsim %d ns, ns-3 %d ns (%+.1f%%)\n", k, $7, ns[k], 100 * ($7 / ns[k] - 1);
       if (!(k in ns) || NF != 8 || $3 != 10000 || $4 != 100 || d > 0.05) bad = 1; n++ }
     END { exit bad || n != 2 }' mix/fct.ns3.txt "$tmp/out/fct.txt"
t $? "fct.txt: the simulator's addresses and ports; both FCTs within 5% of the simulator's"
# With the simulator's frames, order of events at one instant and NIC
# next-send rule (docs/validation.md, section 4), to the nanosecond.
awk 'NR == FNR { ns[$1 " " $2] = $7; next }
     { if ($7 != ns[$1 " " $2]) bad = 1; n++ } END { exit bad || n != 2 }' \
    mix/fct.ns3.txt "$tmp/out/fct.txt"
t $? "both FCTs are the simulator's to the nanosecond"

# A payload above 1398 B: a WRITE with HPCC's INT is more than 1500 B at
# the IP layer, so the IP mtu is raised to hold it (it was left at 1500,
# and the scenario refused as it was loaded back).
sed 's/^PACKET_PAYLOAD_SIZE 1000/PACKET_PAYLOAD_SIZE 4096/' mix/config.txt >mix/p4k.txt
"$DCSIM" import ns3 mix/p4k.txt -o "$tmp/p4k.yaml" 2>/dev/null &&
    grep -qx 'mtu: 4198' "$tmp/p4k.yaml" && grep -qx '  mtu: 4096' "$tmp/p4k.yaml" &&
    "$DCSIM" validate "$tmp/p4k.yaml" >/dev/null
t $? "PACKET_PAYLOAD_SIZE 4096: rdma.mtu 4096, IP mtu 4198 (4096 + 60 B of headers + 42 of INT); it validates"

# CC_MODE 1: DCQCN's keys from the config.
sed "s/^CC_MODE 3/CC_MODE 1/; s/^ENABLE_QCN 1/BOGUS_KEY 7\nENABLE_QCN 1/" mix/config.txt >mix/dcqcn.txt
"$DCSIM" import ns3 mix/dcqcn.txt -o "$tmp/dc.yaml" 2>"$tmp/err"
t $? "CC_MODE 1 imports"
for kv in 'cc: dcqcn' 'preset: ns3' 'g: 0.00390625' 'alpha_period: 1us' \
          'decrease_period: 4us' 'increase_timer: 900us' 'fast_recovery: 1' \
          'r_ai: 50Mb/s' 'r_hai: 100Mb/s' 'min_rate: 100Mb/s' 'clamp: false'; do
    grep -qF -- "$kv" "$tmp/dc.yaml" || { echo "# missing: $kv"; false; }
done
t $? "DCQCN: every value of the config as an rdma.dcqcn key over preset ns3"
grep -q 'HAS_WIN: 1 with CC_MODE 1: the simulator bounds each DCQCN QP' "$tmp/err"
t $? "DCQCN with HAS_WIN 1: the window dcsim's DCQCN lacks is listed"
grep -q '^#   mix/dcqcn.txt:1: BOGUS_KEY: not a key of the simulator' "$tmp/dc.yaml" &&
    grep -q '^ecn: \|  ecn: {mode: red' "$tmp/dc.yaml"
t $? "a word that is no key of the simulator is listed, and skipped with its line"
"$DCSIM" validate "$tmp/dc.yaml" >/dev/null
t $? "the DCQCN scenario validates"

# The fat-tree of docs/validation.md (bench/ns3/): 100G hosts, 400G
# between switches, ECN maps that differ by rate, ACK_HIGH_PRIO 1.
mkdir "$tmp/fat" && cp -r "$here/../../bench/ns3/mix" "$tmp/fat/" && cd "$tmp/fat" || exit 1
"$DCSIM" import ns3 mix/config_fat_ws30_dcqcn.txt -o "$tmp/fd.yaml" 2>"$tmp/err"
t $? "the fat-tree DCQCN config imports"
# Every flow's start as the simulator made it: fct.txt's sixth column (ns),
# keyed by source, destination and source port (numbered from 10000 per
# host pair in the file's order).  472 of the 1010 starts are decimals
# whose double lies below them, which the simulator starts 1 ns early.
awk 'function id(hex,   i, v) {  # node id: the address'"'"'s middle 16 bits
         for (i = 3; i <= 6; i++) v = v * 16 + index("0123456789abcdef", substr(hex, i, 1)) - 1
         return v }
     NR == FNR { ns[id($1) " " id($2) " " $3] = $6; next }
     FNR > 1 { split($0, f, ","); s = substr(f[1], 2); d = substr(f[2], 2);
               k = s " " d " " 10000 + port[s " " d]++; n++
               if (!(k in ns) || f[4] != ns[k] * 1000) bad++ }
     END { if (bad) printf "# %d of %d starts differ\n", bad, n; exit bad || n != 1010 }' \
    "$here/../../bench/ns3/ns3-out/fct_fat_ws30_dcqcn.txt" "$tmp/fd.flows.csv"
t $? "the 1010 flows start at the simulator's ns (its fct.txt), not the decimal's"
for kv in '  ecn:' '    mode: red' '    kmin: 400KB' '    kmax: 1600KB' '    pmax: 0.20' \
          '    by_rate:' '      400Gbps: {kmin: 1600KB, kmax: 6400KB, pmax: 0.20}' \
          'pfc: {enabled: true, headroom: ns3, response: 0, alpha_by_rate: true}' \
          '  ack_first: true'; do
    grep -qxF -- "$kv" "$tmp/fd.yaml" || { echo "# missing: $kv"; false; }
done
t $? "ECN maps by rate as switch.ecn.by_rate; the simulator's PFC; ACKs first"
grep -q '^  ack_tc: data  *# ACK_HIGH_PRIO 1: switches keep ACKs' "$tmp/fd.yaml" &&
    grep -q 'ACK_HIGH_PRIO: 1: the simulator.s NIC sends ACKs from its queue 0, which PFC never pauses' "$tmp/err"
t $? "ACK_HIGH_PRIO 1: ACKs in the flow's class at switches, as the simulator's; its never-paused NIC queue listed"
! grep -q 'KMIN_MAP\|KMAX_MAP\|PMAX_MAP\|headroom\|pfc_a_shift' "$tmp/err"
t $? "the ECN maps and the PFC headroom and alpha are not listed as not expressed any more"
# A released queue pair's ACK source, reused at another host, once led
# the ACK-first list of its old host: ACKs queued behind it went into
# the wrong list and were lost, and their flows never completed (4 of
# the 1010 HPCC flows, 1 of the first 350).
"$DCSIM" import ns3 mix/config_fat_ws30_hp95ai50.txt -o "$tmp/fh.yaml" 2>/dev/null &&
    head -351 "$tmp/fh.flows.csv" >"$tmp/fh.head" && mv "$tmp/fh.head" "$tmp/fh.flows.csv" &&
    "$DCSIM" run "$tmp/fh.yaml" -o "$tmp/fho" --quiet --no-report --set stop=2.02s --set rdma.ack_first=true &&
    grep -q '"flows_completed": 350,' "$tmp/fho/summary.json"
t $? "HPCC with ack_first: the first 350 WebSearch flows all complete"
# One flow alone, h172 -> h175 inside a rack (4 284 495 B, one switch
# between 100 Gb/s links): the simulator built here (docs/validation.md)
# gives it 397 421 ns with HPCC and 359 706 ns with DCQCN.  dcsim matches
# both to the nanosecond once its frames are the simulator's (a 14-byte
# PppHeader: 1090 B with INT, 1048 B without) and each takes whole ns as
# ns-3's Time makes it (87 and 83 ns, not 87.2 and 83.84); with 2-byte
# headers and exact times it took 393 114 and 359 190 ns.
for cc in hp95ai50:397421 dcqcn:359706; do
    "$DCSIM" import ns3 "mix/config_fat_ws30_${cc%%:*}.txt" -o "$tmp/l.yaml" 2>/dev/null &&
        grep '^src,\|^h172,h175,' "$tmp/l.flows.csv" >"$tmp/l.one" &&
        mv "$tmp/l.one" "$tmp/l.flows.csv" &&
        "$DCSIM" run "$tmp/l.yaml" -o "$tmp/lo" --quiet --no-report --set stop=2.01s &&
        got=$(awk '{print $7}' "$tmp/lo/fct.txt")
    [ "${got:-}" = "${cc#*:}" ]
    t $? "${cc%%:*}: h172 -> h175 alone takes ${got:-?} ns, the simulator's ${cc#*:} ns"
    rm -rf "$tmp/lo"
done
cd "$tmp/sim" || exit 1

# Bad input: FILE:LINE:COL, exit 2, one line, nothing written.
bad() {  # NAME WANT_PREFIX WANT_TEXT (config: mix/bad.txt)
    rm -f "$tmp/b.yaml" "$tmp/b.flows.csv"
    # A timeout: a NUL byte once made the reader loop, growing, forever.
    timeout 60 "$DCSIM" import ns3 mix/bad.txt -o "$tmp/b.yaml" >"$tmp/out1" 2>"$tmp/err"
    rc=$?
    case $(cat "$tmp/err") in
    "$2"*"$3"*) good=0 ;;
    *) good=1 ;;
    esac
    [ $rc = 2 ] && [ $good = 0 ] && [ ! -s "$tmp/out1" ] &&
        [ "$(wc -l <"$tmp/err")" = 1 ] && [ ! -e "$tmp/b.yaml" ] &&
        [ ! -e "$tmp/b.flows.csv" ] && [ -z "$(ls "$tmp" | grep tmp$)" ]
    t $? "$1: exit 2, $2 ... $3, nothing written"
    [ $rc = 2 ] && [ $good = 0 ] || sed 's/^/# /' "$tmp/err"
}
conf() { sed "$1" mix/config.txt >mix/bad.txt; }
conf 's/^CC_MODE 3/CC_MODE three/'
bad "CC_MODE not a number" mix/bad.txt:15:9: "CC_MODE 'three'"
conf 's/^RATE_AI 50Mb.s/RATE_AI fast/'
bad "RATE_AI not a rate" mix/bad.txt:22:9: "RATE_AI 'fast'"
conf 's/^KMAX_MAP 3/KMAX_MAP x/'
bad "a map without its count" mix/bad.txt:52:10: "KMAX_MAP count 'x'"
conf 's/^KMIN_MAP 3 25000000000 100 50000000000 200 100000000000 400/KMIN_MAP 1 25000000000 100/'
bad "no KMIN for the topology's rate" mix/bad.txt:53:1: "KMIN_MAP has no entry for the link rate 100000000000"
conf 's/^KMAX_MAP 3 25000000000 400 50000000000 800 100000000000 1600/KMAX_MAP 1 100000000000 18446744073709552/'
bad "a KMAX whose bytes overflow" mix/bad.txt:53:57: "KMIN 400 and KMAX 18446744073709552; expected integers (KB) with KMIN < KMAX <= 18446744073709551"
conf '/^TOPOLOGY_FILE/d'
bad "no TOPOLOGY_FILE" mix/bad.txt:1:1: "no TOPOLOGY_FILE"
conf 's#^FLOW_FILE mix/flow.txt#FLOW_FILE mix/none.txt#'
bad "a flow file that is not there" mix/bad.txt:7:11: "FLOW_FILE mix/none.txt: cannot open"
conf 's/^PACKET_PAYLOAD_SIZE 1000/PACKET_PAYLOAD_SIZE 5000/'
bad "payload above 4096" mix/bad.txt:4:21: "PACKET_PAYLOAD_SIZE '5000'"
conf 's/^BUFFER_SIZE 32/BUFFER_SIZE 0/'
bad "no buffer" mix/bad.txt:55:13: "BUFFER_SIZE 0; expected a switch's buffer in MiB"
conf 's/^L2_ACK_INTERVAL 1/L2_ACK_INTERVAL 0/'
bad "no ACKs" mix/bad.txt:29:17: "L2_ACK_INTERVAL 0"
conf 's/^SIMULATOR_STOP_TIME 4.00/SIMULATOR_STOP_TIME soon/'
bad "stop time not a number" mix/bad.txt:13:21: "SIMULATOR_STOP_TIME 'soon' (not a number)"
conf 's/^SIMULATOR_STOP_TIME 4.00/SIMULATOR_STOP_TIME 0/'
bad "stop time zero" mix/bad.txt:13:21: "SIMULATOR_STOP_TIME '0' (zero)"
conf 's/^CC_MODE 3/CC_MODE 1/; s/^RATE_DECREASE_INTERVAL 4/RATE_DECREASE_INTERVAL soon/'
bad "DCQCN period not a number" mix/bad.txt:17:24: "RATE_DECREASE_INTERVAL 'soon' (not a number)"
conf 's/^CC_MODE 3/CC_MODE 1/; s/^RP_TIMER 900 /RP_TIMER 0/'
bad "DCQCN period zero" mix/bad.txt:19:10: "RP_TIMER '0' (zero)"
conf 's/^U_TARGET 0.95/U_TARGET 1.5/'
bad "eta above 1" mix/bad.txt:36:10: "U_TARGET 1.5"
conf 's/^CC_MODE 3/CC_MODE 1/; s/^EWMA_GAIN 0.00390625/EWMA_GAIN 2/'
bad "EWMA_GAIN above 1" mix/bad.txt:20:11: "EWMA_GAIN '2'"
conf 's#mix/topology.txt#mix/t.txt#'
topo() { sed "$1" mix/topology.txt >mix/t.txt; }
topo '3s/100Gbps/100Gbpx/'
bad "a link rate that is not one" mix/t.txt:3:5: "link rate '100Gbpx'"
topo '4s/^0 2 /0 99 /'
bad "a link to a node that is not there" mix/t.txt:4:3: "link's second node '99'"
topo '5s/0.001ms/1 furlong/'
bad "a link delay that is not one" mix/t.txt:5:13: "link delay '1' (missing unit)"
head -n 10 mix/topology.txt >mix/t.txt
bad "fewer links than counted" mix/t.txt:11:1: "the file ends before its link's first node"
: >mix/t.txt
bad "an empty topology file" mix/t.txt:1:1: "the file ends before its node count"
printf '0 0 1\n50000000 60000000 100Gbps 0.001ms 0\n' >mix/t.txt
bad "no node but a link" mix/t.txt:1:1: "node count 0; expected at least one node"
topo '3s/^0 1 /1 1 /'
bad "a link from a node to itself" mix/t.txt:3:3: "a link from node 1 to itself"
printf '2 1 1\n0\n0 1\0 100Gbps 0.001ms 0\n' >mix/t.txt
bad "a NUL byte in a token" mix/t.txt:3:4: "a NUL byte; expected text"
# What the scenario would be refused for, said of the topology file (it
# once said 'the scenario made from mix/bad.txt does not load: B.yaml.tmp:61:7').
printf '3 3 1\n0 1 2\n0 1 100Gbps 0.001ms 0\n' >mix/t.txt
bad "no host" mix/t.txt:1:3: "all 3 nodes are switches; expected at least one host"
printf '4 1 2\n0\n0 2 100Gbps 0.001ms 0\n0 3 100Gbps 0.001ms 0\n' >mix/t.txt
bad "a host without a link" mix/t.txt:1:5: "host node 1 has no link"
printf '4 1 2\n0\n0 1 100Gbps 0.001ms 0\n2 3 100Gbps 0.001ms 0\n' >mix/t.txt
bad "hosts that cannot reach each other" mix/t.txt:1:5: "host node 2 cannot reach host node 1"
awk 'BEGIN { print "258 1 257"; print 0; for (i = 1; i < 258; i++) print "0", i, "100Gbps 0.001ms 0" }' >mix/t.txt
bad "a switch of 257 links" mix/t.txt:1:7: "node 0 has 257 links; a node has at most 255 ports"
printf '4 1 3\n0\n0 1 100Gbps 0.001ms 0\n1 2 100Gbps 0.001ms 0\n0 3 100Gbps 0.001ms 0\n' >mix/t.txt
bad "a host reached only through another host" mix/t.txt:3:1: "host node 1 cannot reach host node 2 from its NIC"
conf 's#^FLOW_FILE mix/flow.txt#FLOW_FILE mix#'
bad "a flow file that is a directory" mix/bad.txt:7:11: "FLOW_FILE mix: a directory"
conf 's/^BUFFER_SIZE 32/BUFFER_SIZE 4096/'
bad "a buffer of 4 GiB" mix/bad.txt:55:13: "BUFFER_SIZE '4096'"
# What only the built world shows: the scenario loads, and is refused
# by `dcsim validate` (the import once wrote it).  Said of the config key
# the refused line was written from (it once named B.yaml.tmp:151:3), or
# with no such key, of the scenario the user asked for.
conf 's/^BUFFER_SIZE 32/BUFFER_SIZE 1/'
bad "a buffer too small for the headroom" mix/bad.txt:55:13: \
    "BUFFER_SIZE 1: the scenario made from it is refused: switch s0: its buffer of 1048576 B cannot hold its reserves and PFC headroom"
sed 's/0\.001ms/0.01ms/' mix/topology.txt >mix/t.txt
conf '/^BUFFER_SIZE/d; s#mix/topology.txt#mix/t.txt#'
bad "the default buffer too small for 10 us links' headroom" \
    "dcsim import: the scenario made from mix/bad.txt is refused, so it is not written: $tmp/b.yaml:151:3: " \
    "switch s0: its buffer of 16777216 B cannot hold"
conf 's#mix/flow.txt#mix/f.txt#'
printf '2\n2 1 3 100 200000000 2\n3 1 3 100 lots 2\n' >mix/f.txt
bad "a flow size that is not one" mix/f.txt:3:11: "size 'lots'"
printf '1\n0 1 3 100 200000000 2\n' >mix/f.txt
bad "a flow from a switch" mix/f.txt:2:1: "src node 0: no host named h0"
printf '3\n2 1 3 100 200000000 2\n' >mix/f.txt
bad "fewer flows than counted" mix/f.txt:3:1: "2 flows short"
conf 's#mix/trace.txt#mix/tr.txt#'
printf '2\n1 x\n' >mix/tr.txt
bad "a trace node that is not a number" mix/tr.txt:2:3: "traced node id 'x'"

# Words echoed in the scenario's comments, and its name: bytes that are
# not printable UTF-8 (a line separator would end the comment) show as
# \xHH, and a name YAML would read otherwise is quoted; each once made
# the scenario unreadable ('does not load: B.yaml.tmp:4:25').
printf 'BOGUS\377\342\200\250x 1\n' >mix/bad.txt && cat mix/config.txt >>mix/bad.txt
"$DCSIM" import ns3 mix/bad.txt -o "$tmp/a #b: [c].yaml" 2>/dev/null &&
    grep -qF '#   mix/bad.txt:1: BOGUS\xff\xe2\x80\xa8x: not a key' "$tmp/a #b: [c].yaml" &&
    grep -qxF "name: 'a #b: [c]'" "$tmp/a #b: [c].yaml" &&
    "$DCSIM" validate "$tmp/a #b: [c].yaml" >/dev/null
t $? "a key of bytes that are not text, a name of YAML's marks: imported, escaped and quoted; it validates"
esc=$(printf '%s/o\033' "$tmp")
"$DCSIM" import ns3 mix/config.txt -o "$esc.yaml" >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q "a name with a control character" "$tmp/err" &&
    [ ! -e "$esc.yaml" ] && [ ! -e "$esc.flows.csv" ] && [ ! -e "$esc.yaml.tmp" ]
t $? "a scenario name with a control character: exit 2, nothing written"
# Files that cannot be created are named as asked for (they were named
# with the .tmp of the file written first), and -o naming a directory with
# its slash is refused as no file name (it once wrote a scenario named ''
# and refused it as 'DIR/.yaml.tmp:11:7: name is ''').
"$DCSIM" import ns3 mix/config.txt -o "$tmp/none/x.yaml" >/dev/null 2>"$tmp/err"
[ $? = 2 ] && [ "$(cat "$tmp/err")" = "$tmp/none/x.flows.csv: cannot create: No such file or directory" ]
t $? "-o in a directory that is not there: exit 2, the flow file named as it would be"
mkdir "$tmp/d"
"$DCSIM" import ns3 mix/config.txt -o "$tmp/d" >/dev/null 2>"$tmp/err"
[ $? = 2 ] && [ "$(cat "$tmp/err")" = "$tmp/d: cannot create: Is a directory" ] &&
    [ -z "$(ls -A "$tmp/d")" ] && [ ! -e "$tmp/d.flows.csv" ] && [ ! -e "$tmp/d.flows.csv.tmp" ]
t $? "-o naming a directory: exit 2, nothing left beside it"
"$DCSIM" import ns3 mix/config.txt -o "$tmp/d/" >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -qF "dcsim import: -o '$tmp/d/': no file name; expected the scenario file to write" "$tmp/err" &&
    [ -z "$(ls -A "$tmp/d")" ]
t $? "-o DIR/: exit 2, no file name, nothing written"

"$DCSIM" import ns3 >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q 'no config file' "$tmp/err"
t $? "import ns3 without a config: exit 2"
"$DCSIM" import ns4 x >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q "unknown format 'ns4'" "$tmp/err"
t $? "import of an unknown format: exit 2"
"$DCSIM" help import | grep -q '^usage: dcsim import ns3 CONFIG \[-o SCENARIO\]'
t $? "dcsim help import"
echo "1..$n"
