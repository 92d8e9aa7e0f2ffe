#!/bin/sh
# The command line: --version, --help, help COMMAND, validate, topo, run's
# files and summary, --set, --progress, --no-report, and argument errors (exit 2,
# nothing written).
set -u
DCSIM=${DCSIM:-./dcsim}
here=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
t() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }

"$DCSIM" --version | grep -q '^dcsim [0-9]'; t $? "--version prints the version"
"$DCSIM" --help | grep -q 'dcsim run FILE'; t $? "--help lists run"
"$DCSIM" bogus >/dev/null 2>"$tmp/e"; [ $? = 2 ] && grep -q "unknown command" "$tmp/e"
t $? "unknown command: exit 2 with a message"

"$DCSIM" validate "$here/scenarios/spine-leaf.yaml" >"$tmp/o"
t $? "default scenario validates"
grep -q '1024 hosts, 36 switches, 1152 links, [0-9]* flows' "$tmp/o"
t $? "validate reports the seeds' 1024-server fabric"

"$DCSIM" topo "$here/scenarios/spine-leaf.yaml" >"$tmp/topo"
t $? "topo runs"
grep -q '2.00:1' "$tmp/topo"; t $? "topo shows 2:1 leaf oversubscription"
grep -qi 'bisection' "$tmp/topo"; t $? "topo shows bisection bandwidth"
grep -q '6.4 Tb/s' "$tmp/topo"; t $? "bisection is 6.4 Tb/s"

cat >"$tmp/s.yaml" <<'YAML'
topology: {type: spine-leaf, spines: 2, leaves: 2, servers_per_leaf: 2}
traffic:
  - pattern: flows
    flows: [{src: h0, dst: h3, size: 10KB}]
YAML
"$DCSIM" run "$tmp/s.yaml" -o "$tmp/out" >"$tmp/o"
t $? "run succeeds"
for f in summary.json flows.csv fct_by_size.csv links.csv queues.csv incast.csv; do
    [ -s "$tmp/out/$f" ]; t $? "run writes $f"
done
grep -q 'packet-hops/s' "$tmp/o"; t $? "run prints a summary with packet-hops/s"
grep -q '"flows_completed": 1' "$tmp/out/summary.json"; t $? "the flow completed"
grep -q '"slowdown": {"count": 1, "p50": 1.000000' "$tmp/out/summary.json"
t $? "a lone flow has slowdown exactly 1"
# With gnuplot the run also writes report.html (tests/cli/report.sh).
page=0; command -v gnuplot >/dev/null && page=1
[ "$(ls -A "$tmp/out" | wc -l)" = $((6 + page)) ]; t $? "no temporary files left in the results directory"

"$DCSIM" run "$tmp/s.yaml" -o "$tmp/q" --quiet >"$tmp/o"
[ $? = 0 ] && [ ! -s "$tmp/o" ]; t $? "--quiet prints nothing"

"$DCSIM" run "$tmp/s.yaml" -o "$tmp/set" --quiet --set topology.spines=3
grep -q '"switches": 5' "$tmp/set/summary.json"; t $? "--set topology.spines=3 changes the topology"

"$DCSIM" run "$tmp/s.yaml" -o "$tmp/x" --seed abc 2>"$tmp/e"
[ $? = 2 ] && grep -q -- "--seed abc" "$tmp/e" && [ ! -e "$tmp/x" ]
t $? "--seed abc: exit 2, message, nothing written"
"$DCSIM" run "$tmp/s.yaml" -o "$tmp/x" --frobnicate 2>"$tmp/e"
[ $? = 2 ] && grep -q "unknown option" "$tmp/e" && [ ! -e "$tmp/x" ]
t $? "unknown option: exit 2, nothing written"
"$DCSIM" run 2>"$tmp/e"; [ $? = 2 ] && grep -q "missing scenario FILE" "$tmp/e"
t $? "run without FILE: exit 2"
touch "$tmp/afile"
"$DCSIM" run "$tmp/s.yaml" -o "$tmp/afile" 2>"$tmp/e"; [ $? = 2 ] && grep -q "not a directory" "$tmp/e"
t $? "-o naming a file: exit 2"

# Help per command: `dcsim help COMMAND` and `dcsim COMMAND --help` print
# its usage on stdout and exit 0; an unknown one is exit 2.
"$DCSIM" help run >"$tmp/h1"; [ $? = 0 ] && grep -q '^usage: dcsim run FILE' "$tmp/h1"
t $? "dcsim help run prints run's usage"
"$DCSIM" run --help >"$tmp/h2"; [ $? = 0 ] && cmp -s "$tmp/h1" "$tmp/h2"
t $? "dcsim run --help prints the same"
"$DCSIM" validate "$tmp/s.yaml" -h >"$tmp/h3"; [ $? = 0 ] && grep -q '^usage: dcsim validate FILE' "$tmp/h3"
t $? "dcsim validate FILE -h prints validate's usage"
"$DCSIM" help frob >/dev/null 2>"$tmp/e"; [ $? = 2 ] && grep -q "unknown command 'frob'" "$tmp/e"
t $? "dcsim help frob: exit 2"
"$DCSIM" help help >"$tmp/h4"; [ $? = 0 ] && "$DCSIM" --help | cmp -s - "$tmp/h4"
t $? "dcsim help help prints the overview, as dcsim --help"
# Words after them were once passed over in silence (exit 0).
for a in "--version x" "--help x" "-h x" "help help x"; do
    "$DCSIM" $a >"$tmp/o" 2>"$tmp/e"
    [ $? = 2 ] && [ ! -s "$tmp/o" ] && [ "$(wc -l <"$tmp/e")" = 1 ] &&
        grep -q "unexpected argument 'x'" "$tmp/e"
    t $? "dcsim $a: exit 2, unexpected argument 'x'"
done
# Each option of run on a line of its own; the prose wrapped to 79
# columns (usage lines may be longer: they are copied whole).
ok=0
for o in -o --seed --set --quiet --progress --no-report; do
    grep -q -- "^  $o[ ,]" "$tmp/h1" || { echo "# help run: no line for $o"; ok=1; }
done
for c in run report validate topo kvm-probe import keys; do
    "$DCSIM" help $c | grep -v '^usage: ' | awk 'length > 79 { bad = 1 } END { exit bad }' ||
        { echo "# help $c: a line over 79 columns"; ok=1; }
done
t $ok "dcsim help COMMAND: one line per option, text within 79 columns"
"$DCSIM" run "$tmp/s.yaml" --frob 2>"$tmp/e"
[ $? = 2 ] && grep -qF "dcsim run: unknown option '--frob' (see dcsim help run)" "$tmp/e"
t $? "a usage error points to the command's help"

# --progress: progress lines on stderr although it is not a terminal; the
# results are those of a run without it.
"$DCSIM" run "$tmp/s.yaml" -o "$tmp/p1" --quiet --progress 2>"$tmp/e" >/dev/null
rc=$?
"$DCSIM" run "$tmp/s.yaml" -o "$tmp/p2" --quiet 2>"$tmp/e2" >/dev/null
[ $rc = 0 ] && [ ! -s "$tmp/e2" ] && cmp -s "$tmp/p1/flows.csv" "$tmp/p2/flows.csv" &&
    cmp -s "$tmp/p1/links.csv" "$tmp/p2/links.csv"
t $? "--progress changes no result; without it a script's stderr stays empty"
# A longer run: lines (one a second of wall time, so how many depends on
# the machine: at least the last) in one format, the last "done".
"$DCSIM" run "$here/tests/cli/long-run.yaml" -o "$tmp/p3" --quiet --no-report --progress \
    --set stop=60ms 2>"$tmp/e3" >/dev/null
rc=$?
lines=$(wc -l <"$tmp/e3")
[ $rc = 0 ] && [ "$lines" -ge 1 ] &&
    ! grep -Ev '^  sim [0-9.]+ ms / 60\.000 ms  [0-9.]+ M events/s  [0-9]+ s wall  ( *[0-9]+%  ETA [0-9]+ s|done)$' "$tmp/e3" &&
    tail -n 1 "$tmp/e3" | grep -q '^  sim 60\.000 ms / 60\.000 ms .* done$'
t $? "--progress on a longer run: $lines lines of simulated time, events/s, wall time, ETA, the last 'done'"

# --no-report: every result file but report.html, gnuplot neither looked
# for (no warning where it is missing) nor named in the summary.
"$DCSIM" help run | grep -q -- '^  --no-report  *write every result file but report.html'
t $? "dcsim help run describes --no-report"
PATH=/nonexistent-dcsim-path "$DCSIM" run "$tmp/s.yaml" -o "$tmp/nr" --no-report >"$tmp/o" 2>"$tmp/e"
rc=$?
[ $rc = 0 ] && [ ! -s "$tmp/e" ] && [ ! -e "$tmp/nr/report.html" ] && ! grep -q report.html "$tmp/o" &&
    [ "$(ls -A "$tmp/nr" | wc -l)" = 6 ]
t $? "--no-report: exit 0, no report.html, no warning, the summary names none (exit $rc)"
ok=0
for f in $(ls "$tmp/out"); do
    [ "$f" = report.html ] && continue
    if [ "$f" = summary.json ]; then
        grep -v wall_seconds "$tmp/out/$f" >"$tmp/s1"; grep -v wall_seconds "$tmp/nr/$f" >"$tmp/s2"
        cmp -s "$tmp/s1" "$tmp/s2" || ok=1
    else
        cmp -s "$tmp/out/$f" "$tmp/nr/$f" || ok=1
    fi
done
t $ok "... and every other file is that of a run with the page"
# Misuse: not an option of validate or report, and it takes no value.
for c in "validate $tmp/s.yaml --no-report" "topo $tmp/s.yaml --no-report" \
    "run $tmp/s.yaml -o $tmp/nr2 --no-report=yes" "report $tmp/out --no-report"; do
    set -- $c
    "$DCSIM" "$@" >"$tmp/o" 2>"$tmp/e"
    rc=$?
    [ $rc = 2 ] && [ ! -s "$tmp/o" ] && [ "$(wc -l <"$tmp/e")" = 1 ] &&
        grep -q "unknown option '--no-report" "$tmp/e" && [ ! -e "$tmp/nr2" ]
    t $? "dcsim $1 ... ${c##* }: exit 2, one line, nothing written (exit $rc)"
done
echo "1..$n"
