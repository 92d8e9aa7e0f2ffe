#!/bin/sh
# Flow files (traffic pattern file, docs/scenario.md "Flow files"): the
# same flows as CSV and in the HPCC simulator's format give identical
# results; a file is read as the run goes, so its length costs nothing
# and memory follows the flows started, the queue pairs of finished flows
# being reused; every malformed line is refused at FLOWFILE:LINE:COL with
# exit 2 and no results.
set -u
. "$(dirname "$0")/../lib.sh"

topo='topology: {type: spine-leaf, spines: 2, leaves: 2, servers_per_leaf: 4}'
# Three RoCE WRITEs: one at 0, two at 1 us in the simulator's file, which
# it starts at 999 ns: the double nearest 0.000001 lies below it and its
# Seconds(double) rounds down to the ns (docs/ns3.md).
printf 'src,dst,size_bytes,start_ps,tc,dport\nh0,h5,100000,0,3,100\nh1,h5,20000,999000,3,100\nh2,h6,300000,999000,3,100\n' >"$tmp/f.csv"
printf '3 \n0 5 3 100 100000 0.000000000\n1 5 3 100 20000 0.000001000\n2 6 3 100 300000 0.000001\nPlease order the flows in ascending start_time!\n' >"$tmp/f.txt"
for f in csv txt; do
    fmt=csv
    [ $f = txt ] && fmt=ns3
    cat >"$tmp/$f.yaml" <<YAML
name: flow-file
stop: 10ms
$topo
pfc: {enabled: true}
rdma: {cc: dcqcn}
switch: {ecn: {mode: red, kmin: 100KB, kmax: 400KB, pmax: 0.2}}
monitor: {fct_txt: true}
traffic:
  - {pattern: file, file: f.$f, format: $fmt, protocol: roce}
YAML
    "$DCSIM" run "$tmp/$f.yaml" -o "$tmp/o$f" --quiet --no-report
    t $? "a $fmt flow file runs"
done
same_results "$tmp/ocsv" "$tmp/otxt" flows.csv fct_by_size.csv fct.txt
t $? "the same flows as CSV and as the simulator's file: identical results"
[ "$(csv "$tmp/ocsv/flows.csv" 1)" = 3 ] &&
    [ "$(csv "$tmp/ocsv/flows.csv" 'c["start_ps"]')" = 1998000 ] &&
    [ "$(csv "$tmp/ocsv/flows.csv" 'c["tc"]')" = 9 ]
t $? "3 flows, starts 0 + 999 + 999 ns, class 3 each"
# The simulator numbers source ports from 10000 per source host; the
# destination port is the file's (fct.txt's fourth field).
[ "$(awk '$4 != 100 || $3 != 10000' "$tmp/ocsv/fct.txt" | wc -l)" = 0 ] &&
    [ "$(wc -l <"$tmp/ocsv/fct.txt")" = 3 ]
t $? "fct.txt: 3 flows, source port 10000, destination port 100"
"$DCSIM" run "$tmp/csv.yaml" -o "$tmp/ocsv2" --quiet --no-report
same_results "$tmp/ocsv" "$tmp/ocsv2" flows.csv fct_by_size.csv fct.txt
t $? "deterministic: a second run gives identical results"

# The simulator's start of a flow: the double nearest the decimal, made a
# Time by ns-3's 128-bit fixed point at 1 ns and rounded down.  A double
# below its decimal starts 1 ns early (2.000005414 is 2.00000541399..),
# one above (2.000000404 is 2.00000040400..01) or exact (2.5) on time;
# 0.000000003 (2.99..e-9) starts at 2 ns.  CSV starts are exact.
printf '5\n0 5 3 100 1000 0.000000003\n1 5 3 100 1000 2.000000404\n2 6 3 100 1000 2.000005414\n3 7 3 100 1000 2.5\n4 6 3 100 1000 2.500000000001\n' >"$tmp/s.txt"
sed 's/f\.txt/s.txt/; s/^stop: 10ms/stop: 2.6s/' "$tmp/txt.yaml" >"$tmp/s.yaml"
"$DCSIM" run "$tmp/s.yaml" -o "$tmp/os" --quiet --no-report &&
    starts=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "start_ps") c = i; next }
                      { printf "%s ", $c }' "$tmp/os/flows.csv")
[ "${starts:-}" = "2000 2000000404000 2000005413000 2500000000000 2500000000000 " ]
t $? "ns3 starts as the simulator makes them: ${starts:-?}ps"

# Memory: 16 hosts; 20 000 flows of 10 KB, one a microsecond, from h(i) to
# h(i+5) mod 16, over 20 ms.  A 200 000-line file of which the run
# reaches the first 20 000 costs what the 20 000-line file does (the file
# is never held); and 20 000 flows cost under 600 B each beyond 200
# (their records for flows.csv: finished queue pairs are reused, about
# 1 KB each otherwise).
awk -v n=200000 'BEGIN { print "src,dst,size_bytes,start_ps";
    for (i = 0; i < n; i++) printf "h%d,h%d,10000,%.0f\n", i % 16, (i + 5) % 16, i * 1000000 }' >"$tmp/big200000.csv"
head -n 20001 "$tmp/big200000.csv" >"$tmp/big20000.csv"
head -n 201 "$tmp/big200000.csv" >"$tmp/big200.csv"
rss() {
    cat >"$tmp/m$1.yaml" <<YAML
stop: 20ms
topology: {type: spine-leaf, spines: 2, leaves: 2, servers_per_leaf: 8}
rdma: {cc: dcqcn}
traffic:
  - {pattern: file, file: big$1.csv, protocol: roce}
YAML
    "$DCSIM" run "$tmp/m$1.yaml" -o "$tmp/m$1" --no-report >"$tmp/m$1.out" || echo "# run failed"
    sed -n 's/.*peak RSS \([0-9.]*\) MiB.*/\1/p' "$tmp/m$1.out"
}
r200=$(rss 200) r20k=$(rss 20000) r200k=$(rss 200000)
f20k=$(num flows_started "$tmp/m20000/summary.json")
f200k=$(num flows_started "$tmp/m200000/summary.json")
# The room reserved for the file's flows is calloc'd and costs nothing
# until used, but AddressSanitizer's calloc touches every page of it.
if grep -q __asan_init "$(command -v "$DCSIM")" 2>/dev/null; then
    n=$((n + 1))
    echo "ok $n # skip peak RSS under AddressSanitizer ($r200k vs $r20k MiB): its calloc touches the reserved room"
else
    awk -v a="$r20k" -v b="$r200k" 'BEGIN { exit !(b - a < 1 && a - b < 1) }' &&
        [ "$f200k" -le 20001 ]
    t $? "a 200 000-line file run to its 20 000th flow: peak RSS $r200k MiB, as the 20 000-line file's $r20k MiB ($f200k flows started)"
fi
awk -v a="$r200" -v b="$r20k" 'BEGIN { exit !((b - a) * 1048576 / 19800 < 600) }' &&
    [ "$f20k" = 20000 ]
t $? "20 000 flows: $r20k MiB, 200 flows: $r200 MiB: $(awk -v a="$r200" -v b="$r20k" 'BEGIN { printf "%.0f", (b - a) * 1048576 / 19800 }') B per flow, under 600"

# Bad lines: FLOWFILE:LINE:COL, exit 2, no results (run and validate).
bad() {
    printf "$3" >"$tmp/bad.$2"
    fmt=csv
    [ "$2" = txt ] && fmt=ns3
    cat >"$tmp/bad.yaml" <<YAML
stop: 1ms
$topo
traffic:
  - {pattern: file, file: bad.$2, format: $fmt, protocol: roce}
YAML
    for cmd in run validate; do
        rm -rf "$tmp/bo"
        if [ $cmd = run ]; then
            "$DCSIM" run "$tmp/bad.yaml" -o "$tmp/bo" >"$tmp/out" 2>"$tmp/err"
        else
            "$DCSIM" validate "$tmp/bad.yaml" >"$tmp/out" 2>"$tmp/err"
        fi
        rc=$?
        case $(cat "$tmp/err") in
        "$tmp/bad.$2:$4: "*"$5"*) good=0 ;;
        *) good=1 ;;
        esac
        [ $rc = 2 ] && [ $good = 0 ] && [ ! -s "$tmp/out" ] && [ ! -e "$tmp/bo" ] &&
            [ "$(wc -l <"$tmp/err")" = 1 ]
        t $? "$cmd $1: exit 2 at bad.$2:$4 ... $5"
        [ $rc = 2 ] && [ $good = 0 ] || sed 's/^/# /' "$tmp/err"
    done
}
h='src,dst,size_bytes,start_ps\n'
bad "no size column" csv 'src,dst,size,start_ps\n' 1:1 "no column size_bytes"
bad "a column twice" csv 'src,dst,size_bytes,start_ps,src\n' 1:29 "column src named twice"
bad "empty csv" csv '' 1:1 "empty file"
bad "unknown host" csv "${h}h0,h1,10,0\nh1,h99,10,5\n" 3:4 "dst 'h99': no host"
bad "a switch as host" csv "${h}leaf0,h1,10,0\n" 2:1 "src 'leaf0': no host"
bad "src = dst" csv "${h}h1,h1,10,0\n" 2:4 "dst is the same host as src"
bad "size 0" csv "${h}h0,h1,0,0\n" 2:7 "size_bytes '0'"
bad "size not a number" csv "${h}h0,h1,10KB,0\n" 2:7 "size_bytes '10KB'"
bad "size above 1TiB" csv "${h}h0,h1,1099511627777,0\n" 2:7 "size_bytes"
bad "negative start" csv "${h}h0,h1,10,-5\n" 2:10 "start_ps '-5'"
bad "decreasing start" csv "${h}h0,h1,10,7\nh1,h2,10,6\n" 3:10 "starts before the flow above it"
bad "a missing field" csv "${h}h0,h1,10\n" 2:9 "3 fields; expected 4"
bad "tc 8" csv 'src,dst,size_bytes,start_ps,tc\nh0,h1,10,0,8\n' 2:12 "tc '8'"
bad "dport 0" csv 'src,dst,size_bytes,start_ps,dport\nh0,h1,10,0,0\n' 2:12 "dport '0'"
# A NUL once ended the line unseen: these were read as start 5 and 2 s.
bad "a NUL byte" csv "${h}h0,h1,10,0\nh1,h2,10,5\0009\n" 3:11 "a NUL byte; expected text"
bad "no count" txt '0 1 3 100 10 2.0\n' 1:1 "not a flow count"
bad "empty ns3" txt '' 1:1 "empty file"
bad "fewer lines than counted" txt '3\n0 1 3 100 10 2\n' 3:1 "2 flows short"
bad "five fields" txt '1\n0 1 3 100 10\n' 2:13 "5 fields; expected 6"
bad "seven fields" txt '1\n0 1 3 100 10 2 9\n' 2:16 "7 fields; expected 6"
bad "unknown node" txt '1\n0 77 3 100 10 2\n' 2:3 "no host named h77"
bad "pg 9" txt '1\n0 1 9 100 10 2\n' 2:5 "pg '9'"
bad "start in exponent form" txt '1\n0 1 3 100 10 2e-6\n' 2:14 "start_time '2e-6'"
bad "start below a picosecond" txt '1\n0 1 3 100 10 0.0000000000001\n' 2:14 "at most 12 decimals"
bad "a NUL byte in ns3" txt '1\n0 1 3 100 10 2\0007\n' 2:15 "a NUL byte; expected text"
bad "decreasing ns3 start" txt '2\n0 1 3 100 10 2.5\n1 2 3 100 10 2.4\n' 3:14 "starts before the flow above it"

# Keys of a file entry.
scenario() { printf '%s\n' "$1"; }
refused_as missing-file "$topo
traffic: [{pattern: file, file: nowhere.csv}]" 2:33 "traffic.0.file: cannot open"
refused_as bad-format "$topo
traffic: [{pattern: file, file: x.csv, format: json}]" 2:48 "traffic.0.format"
refused_as no-file "$topo
traffic: [{pattern: file}]" 2:11 "missing required key 'file'"
refused_as size-on-file "$topo
traffic: [{pattern: file, file: x.csv, size: 10KB}]" 2:40 "unknown key 'size'"
refused_as rocev1-file "$topo
traffic: [{pattern: file, file: x.csv, protocol: rocev1}]" 2:40 "rocev1 with pattern file"
echo "1..$n"
