#!/bin/sh
# Signals during a run: SIGINT and SIGTERM stop it at an event boundary and
# write the results reached so far, marked incomplete (exit 130 / 143); a
# second signal quits at once without results; an ignored SIGHUP (nohup)
# stays ignored; a crash leaves no staging directory.  A normal run is
# marked complete.
set -u
. "$(dirname "$0")/../lib.sh"

long=$(cd "$(dirname "$0")" && pwd)/long-run.yaml

# start DIR [PERL-SIGNAL-SETUP]: starts a long run writing to DIR in the
# background (through perl, which sets the signal dispositions the run
# inherits: a non-interactive shell's `&` would ignore SIGINT), and waits
# until its staging directory exists, i.e. until it is about to simulate.
start() {
    perl -e "${2:-}"'; exec @ARGV or die "exec: $!"' \
        "$DCSIM" run "$long" -o "$1" >"$tmp/stdout" 2>"$tmp/stderr" &
    pid=$!
    i=0
    while [ $i -lt 200 ] && ! ls -a "$(dirname "$1")" | grep -q '^\.dcsim-tmp-'; do
        sleep 0.05
        i=$((i + 1))
    done
    sleep 0.5
}
no_staging() { ! ls -a "$tmp" | grep -q '^\.dcsim-tmp-'; }

# A normal run says it is complete.
cat >"$tmp/short.yaml" <<'YAML'
topology: {type: spine-leaf, spines: 2, leaves: 2, servers_per_leaf: 2}
traffic:
  - pattern: flows
    flows: [{src: h0, dst: h3, size: 10KB}]
YAML
"$DCSIM" run "$tmp/short.yaml" -o "$tmp/short" --quiet
grep -q '"complete": true,' "$tmp/short/summary.json" &&
    grep -q '"interrupted_by": null,' "$tmp/short/summary.json"
t $? "a normal run: complete true, interrupted_by null"

for sig in INT TERM; do
    case $sig in INT) want=130 ;; TERM) want=143 ;; esac
    start "$tmp/$sig" '$SIG{INT} = "DEFAULT"'
    kill -$sig $pid
    wait $pid
    rc=$?
    t "$([ $rc = $want ]; echo $?)" "SIG$sig: exit $want (got $rc)"
    s=$tmp/$sig/summary.json
    grep -q '"complete": false,' "$s" && grep -q "\"interrupted_by\": \"SIG$sig\"," "$s"
    t $? "SIG$sig: summary.json says complete false, interrupted_by SIG$sig"
    end=$(num sim_time_ps "$s")
    started=$(num flows_started "$s")
    [ "${end:-0}" -gt 0 ] && [ "$end" -lt 1000000000000 ] && [ "${started:-0}" -gt 0 ]
    t $? "SIG$sig: sim_time_ps is the time reached ($end ps, before the 1 s stop), $started flows started"
    ok=0
    for f in flows.csv fct_by_size.csv links.csv queues.csv incast.csv; do
        [ -s "$tmp/$sig/$f" ] || ok=1
    done
    [ "$(awk -F, 'NR > 1' "$tmp/$sig/flows.csv" | wc -l)" = "$(num flows "$s")" ] || ok=1
    t $ok "SIG$sig: every result file is written, flows.csv with a row per flow"
    sent=$(num packets_sent "$s")
    [ "$sent" = $(($(num packets_delivered "$s") + $(num drops_total "$s") + $(num packets_in_flight "$s"))) ] &&
        [ "$sent" -gt 0 ]
    t $? "SIG$sig: packets_sent = delivered + drops + in flight at the stop"
    grep -q "INTERRUPTED by SIG$sig at simulated" "$tmp/stdout" &&
        grep -q "SIG$sig: stopped at simulated time" "$tmp/stderr"
    t $? "SIG$sig: the summary and stderr say the run was interrupted"
    no_staging; t $? "SIG$sig: no staging directory left"
done

# A second signal: quit at once, nothing half-written.
start "$tmp/twice"
kill -TERM $pid
kill -TERM $pid
wait $pid 2>/dev/null
rc=$?
t "$([ $rc = 143 ]; echo $?)" "a second SIGTERM: exit 143 (got $rc)"
{ [ ! -e "$tmp/twice" ] || [ -s "$tmp/twice/summary.json" ]; } && no_staging
t $? "a second SIGTERM: no staging directory, no partial results directory"

# An ignored SIGHUP (as under nohup) stays ignored; SIGTERM still works.
start "$tmp/hup" '$SIG{HUP} = "IGNORE"'
kill -HUP $pid
sleep 0.3
kill -0 $pid 2>/dev/null
t $? "an ignored SIGHUP does not stop the run"
kill -TERM $pid
wait $pid 2>/dev/null
t "$([ $? = 143 ]; echo $?)" "... which SIGTERM then stops with exit 143"

# A crash (here a SIGABRT sent from outside, as abort() on an internal
# error would raise it) removes the staging directory.
start "$tmp/abrt"
kill -ABRT $pid
wait $pid 2>/dev/null
rc=$?
[ $rc = 134 ] && [ ! -e "$tmp/abrt" ] && no_staging
t $? "SIGABRT: the process dies of it (exit $rc) and leaves no directory"
echo "1..$n"
