#!/bin/sh
# DCQCN's knobs (rdma.dcqcn): each key moves the behaviour the way its
# definition says, with the figures printed.  The scene: flow 0, a 1 GB
# WRITE h1 -> h0, alone at 100 Gb/s until flow 1, 10 MB h2 -> h0, joins
# at 500 us; RED marks the shared port (Kmin 12 KB, Kmax 500 KB, Pmax
# 1%), PFC keeps it lossless, and monitor.qps samples flow 0's Rc, Rt and
# alpha every 10 us (rate_series.csv) until 6 ms.
set -u
. "$(dirname "$0")/../lib.sh"
run() { timeout 60 "$DCSIM" run "$@" --quiet --no-report; }

cat >"$tmp/two.yaml" <<'YAML'
name: dcqcn-knobs
stop: 6ms
topology: {type: spine-leaf, spines: 1, leaves: 1, servers_per_leaf: 3,
           server_link: {rate: 100Gbps, delay: 1us},
           uplink: {rate: 100Gbps, delay: 1us}}
switch:
  buffer: 16MB
  ecn: {mode: red, kmin: 12KB, kmax: 500KB, pmax: 0.01}
pfc: {enabled: true}
rdma: {cc: dcqcn}
monitor: {interval: 10us, qps: [0]}
traffic:
  - pattern: flows
    protocol: roce
    flows: [{src: h1, dst: h0, size: 1GB, tc: 3},
            {src: h2, dst: h0, size: 10MB, start: 500us, tc: 3}]
YAML
# Runs the scene into $tmp/NAME with the --set overrides that follow.
scene() { d="$tmp/$1"; shift; run "$tmp/two.yaml" -o "$d" "$@"; }
series() { awk -F, "NR > 1 && \$2 == 0 $1" "$2/rate_series.csv"; }
# Flow 0's first rate below line rate: its first cut.
first_cut() { series '&& $3 < 1e11 {print $3; exit}' "$1"; }
# Flow 0's mean rate after flow 1 completed: how fast it recovers.
after() {
    e=$(awk -F, 'NR > 1 && $1 == 1 {print $8}' "$1/flows.csv")
    series "&& \$1 > $e {n++; s += \$3} END {printf \"%.0f\", s / n}" "$1"
}
lowest() { series '{if (m == "" || $'"$2"' < m) m = $'"$2"'} END {print m}' "$1"; }
highest() { series '{if ($'"$2"' > m) m = $'"$2"'} END {print m}' "$1"; }
last() { series '{v = $'"$2"'} END {print v}' "$1"; }
gt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a > b) }'; }

# initial_alpha and min_dec_factor, exactly: no increase (byte counter
# off, a 1 s timer) and one cut per ms, so the first cut stands for
# samples: Rc = 100 Gb/s x (1 - alpha / 2), at least min_dec_factor.
X="--set rdma.dcqcn.byte_counter=off --set rdma.dcqcn.increase_timer=1s --set rdma.dcqcn.decrease_period=1ms"
scene a1 $X
scene a05 $X --set rdma.dcqcn.initial_alpha=0.5
scene mdf $X --set rdma.dcqcn.min_dec_factor=0.9
a1=$(first_cut "$tmp/a1") a05=$(first_cut "$tmp/a05") mdf=$(first_cut "$tmp/mdf")
[ "$a1" = 50000000000 ] && [ "$a05" = 75000000000 ]
t $? "initial_alpha: the first cut halves the rate with alpha 1 ($a1), keeps 3/4 with 0.5 ($a05)"
[ "$mdf" = 90000000000 ]
t $? "min_dec_factor 0.9: the first cut keeps 90% ($mdf)"

# byte_counter off: only the timer raises the rate, so with a 1 s timer
# the rate after the competitor leaves stays at the last cut's; a 1 MB
# byte counter raises it.
scene bc $X --set rdma.dcqcn.byte_counter=1MB
# Rises of flow 0's rate after its first cut.
rises() { series '{if (p != "" && p < 1e11 && $3 > p) r++; p = $3} END {print r + 0}' "$1"; }
r0=$(rises "$tmp/a1") r1=$(rises "$tmp/bc") fin=$(last "$tmp/a1" 3)
bcfin=$(last "$tmp/bc" 3)
[ "$r0" = 0 ] && [ "$r1" -gt 0 ] && gt "$bcfin" "$fin"
t $? "byte_counter off: the rate never rises after a cut (ends at $fin); with 1MB it rises $r1 times and ends at $bcfin"

# clamp: with no increase between cuts, clamp off keeps the target at
# line rate through every cut; clamp on pulls it down to Rc at each.
scene clon $X --set rdma.dcqcn.decrease_period=4us
scene cloff $X --set rdma.dcqcn.decrease_period=4us --set rdma.dcqcn.clamp=false
ton=$(lowest "$tmp/clon" 4) toff=$(lowest "$tmp/cloff" 4)
[ "$toff" = 100000000000 ] && gt 100000000000 "$ton"
t $? "clamp off keeps the target rate (lowest Rt $toff), clamp on cuts it (lowest Rt $ton)"

# cnp_interval 0: a CNP for every CE-marked packet.  With cuts that keep
# the rate (min_dec_factor 1) the marking is the same in both runs.
C="--set stop=20ms --set traffic.0.flows.0.size=20MB --set rdma.dcqcn.min_dec_factor=1"
scene c0 $C --set rdma.dcqcn.cnp_interval=0
scene c50 $C --set rdma.dcqcn.cnp_interval=50us
marked() { awk -F, '$1 == "leaf0" && $3 == "h0" && $4 == 3 {print $9}' "$1/queues.csv"; }
cnps() { csv "$1/flows.csv" 'c["cnps"]'; }
m0=$(marked "$tmp/c0") m50=$(marked "$tmp/c50") n0=$(cnps "$tmp/c0") n50=$(cnps "$tmp/c50")
[ "$n0" = "$m0" ] && [ "$m0" = "$m50" ] && gt "$n0" "$n50"
t $? "cnp_interval 0: $n0 CNPs for $m0 marked packets; 50us: $n50 CNPs for $m50"

# cnp_on_ack: the same CNPs ride on ACKs (BTH BECN), so no CNP packet
# crosses the fabric: class 6 carries nothing, and h0's link carries
# the CNPs' 98 B each fewer (BTH, 16 reserved bytes, ICRC: a 78-byte
# frame + preamble and gap).
scene ca $C --set rdma.dcqcn.cnp_interval=0 --set rdma.dcqcn.cnp_on_ack=true
ma=$(marked "$tmp/ca") na=$(cnps "$tmp/ca")
tc6() { awk -F, 'NR > 1 && $4 == 6 {s += $7} END {print s + 0}' "$1/queues.csv"; }
h0b() { awk -F, '$1 == "h0" {print $7}' "$1/links.csv"; }
q0=$(tc6 "$tmp/c0") qa=$(tc6 "$tmp/ca") b0=$(h0b "$tmp/c0") ba=$(h0b "$tmp/ca")
[ "$na" = "$ma" ] && [ "$ma" = "$m0" ] && [ "$q0" = "$n0" ] && [ "$qa" = 0 ]
t $? "cnp_on_ack: $na CNPs for $ma marked packets, none in class 6 (without: $q0 CNP packets there)"
[ "$((b0 - ba))" = "$((98 * n0))" ]
t $? "and h0 sends $((b0 - ba)) B fewer: $n0 CNP frames of 98 B"

# min_rate: no cut goes below it.
scene p0
scene minr --set rdma.dcqcn.min_rate=40Gbps
l0=$(lowest "$tmp/p0" 3) lm=$(lowest "$tmp/minr" 3)
gt 40000000000 "$l0" && ! gt 40000000000 "$lm"
t $? "min_rate 40Gbps: lowest rate $lm (paper preset: $l0)"

# decrease_period: at most one cut per period, so a longer one cuts less.
scene dec --set rdma.dcqcn.decrease_period=500us
ld=$(lowest "$tmp/dec" 3)
gt "$ld" "$l0"
t $? "decrease_period 500us: lowest rate $ld above the paper's 50us ($l0)"

# g: from alpha 0.01, a larger gain climbs faster toward 1 under CNPs.
scene g1 --set rdma.dcqcn.initial_alpha=0.01
scene g16 --set rdma.dcqcn.initial_alpha=0.01 --set rdma.dcqcn.g=0.0625
ag1=$(highest "$tmp/g1" 5) ag16=$(highest "$tmp/g16" 5)
gt "$ag16" "$ag1"
t $? "g 1/16: highest alpha $ag16 above g 1/256's $ag1"

# alpha_period: without CNPs alpha decays once per period, so a shorter
# period leaves it lower at the end.
scene ap5 --set rdma.dcqcn.alpha_period=5us
al5=$(last "$tmp/ap5" 5) al55=$(last "$tmp/p0" 5)
gt "$al55" "$al5"
t $? "alpha_period 5us: alpha ends at $al5, below 55us's $al55"

# fast_recovery (the simulator's rule, no byte counter): after a cut the
# target rises first at the (F + 1)-th timer step: 2 x 100 us with F 1,
# 4 x 100 us with F 3 (rate samples every 10 us).
delay() {
    series '{if (p != "" && $3 < p) {tc = $1; tg = $4; s = 0}
             else if (tc && !s && $4 > tg) {d = $1 - tc; s = 1}; p = $3}
            END {print d}' "$1"
}
F="--set rdma.dcqcn.preset=ns3 --set rdma.dcqcn.increase_timer=100us --set rdma.dcqcn.clamp=true"
scene f1 $F --set rdma.dcqcn.fast_recovery=1
scene f3 $F --set rdma.dcqcn.fast_recovery=3
d1=$(delay "$tmp/f1") d3=$(delay "$tmp/f3")
[ "$d1" = 200000000 ] && [ "$d3" = 400000000 ]
t $? "fast_recovery: the target first rises $d1 ps after the last cut with F 1, $d3 ps with F 3"

# Recovery after flow 1 leaves (ns3 preset, 20 us timer): a larger R_AI,
# a larger R_HAI, the paper's i x R_HAI and a shorter timer each recover
# faster.
N="--set rdma.dcqcn.preset=ns3 --set rdma.dcqcn.increase_timer=20us"
scene n $N
scene nai $N --set rdma.dcqcn.r_ai=1Gbps
scene nhai $N --set rdma.dcqcn.r_hai=1Gbps
scene nlin $N --set rdma.dcqcn.hyper=linear
scene nt $N --set rdma.dcqcn.increase_timer=100us
rn=$(after "$tmp/n") rai=$(after "$tmp/nai") rhai=$(after "$tmp/nhai")
rlin=$(after "$tmp/nlin") rt=$(after "$tmp/nt")
# R_AI acts once per cut (the step after fast recovery), so the mean
# rate after the competitor hangs on the cuts before it (with the ns3
# preset's free_timers, 1 Gb/s ended below 50 Mb/s); its own step is
# what it sets: the target's largest rise between two samples (one
# timer event each, 20 us apart) is R_AI, not R_HAI's 100 Mb/s.
rise() { series '{if (p != "" && $4 - p > m) m = $4 - p; p = $4} END {printf "%.0f", m}' "$1"; }
ran=$(rise "$tmp/n") raiu=$(rise "$tmp/nai")
[ "$raiu" = 1000000000 ] && [ "$ran" = 100000000 ]
t $? "r_ai 1Gbps: the target rises by $raiu b/s in one step, by at most $ran (R_HAI) with 50Mbps (mean rate after the competitor $rai vs $rn)"
gt "$rhai" "$rn"
t $? "r_hai 1Gbps recovers faster: $rhai vs $rn"
gt "$rlin" "$rn"
t $? "hyper linear (i x R_HAI) recovers faster than constant: $rlin vs $rn"
gt "$rn" "$rt"
t $? "increase_timer 20us recovers faster than 100us: $rn vs $rt"

# The ns3 preset and the old profiles name themselves in the two
# spellings alike, and a run is deterministic.
scene n2 --set rdma.dcqcn_profile=ns3 --set rdma.dcqcn.increase_timer=20us
same_results "$tmp/n" "$tmp/n2" flows.csv rate_series.csv queues.csv
t $? "rdma.dcqcn_profile ns3 and rdma.dcqcn.preset ns3 give identical results"

echo "1..$n"
