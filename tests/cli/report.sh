#!/bin/sh
# report.html: written by every run when gnuplot is on PATH (a warning and
# no page when it is not, the other files the same either way), the same
# bytes twice, self-contained, rebuilt by `dcsim report DIR`, refused
# input and a failing gnuplot leave nothing behind; headless Chromium
# renders every plot (skipped where Chromium is missing).
set -u
. "$(dirname "$0")/../lib.sh"
case $DCSIM in /*) ;; *) DCSIM=$PWD/$DCSIM ;; esac
nogp=/nonexistent-dcsim-path
files="flows.csv fct_by_size.csv links.csv queues.csv incast.csv pfc.csv
queue_series.csv rate_series.csv link_series.csv tcp_series.csv pfc_series.csv hosts.csv vms.csv"
no_staging() { ! ls -a "$1" | grep -q '^\.dcsim-tmp-'; }

# Every kind of plot: TCP and RoCE (PFC, lossless class 3) and UDP into
# small buffers (drops), VMs with virtio NICs (CPU, exits), a monitor of
# links, queues (and so PFC pauses over time), TCP windows and QP rates.
cat >"$tmp/rich.yaml" <<'YAML'
name: rich
stop: 2ms
topology: {type: spine-leaf, spines: 2, leaves: 2, servers_per_leaf: 4}
switch: {buffer: 800KB}
server: {vm: {io: virtio}}
pfc: {enabled: true}
traffic:
  - pattern: flows
    protocol: tcp
    flows: [{src: h0, dst: h7, size: 1MB}, {src: h1, dst: h7, size: 1MB},
            {src: h2, dst: h7, size: 500KB}]
  - pattern: flows
    protocol: roce
    flows: [{src: h4, dst: h3, size: 1MB, tc: 3}, {src: h5, dst: h3, size: 1MB, tc: 3},
            {src: h6, dst: h3, size: 1MB, tc: 3}]
  - pattern: flows
    protocol: udp
    flows: [{src: h3, dst: h6, size: 200KB}, {src: h2, dst: h6, size: 200KB},
            {src: h1, dst: h6, size: 200KB}, {src: h0, dst: h6, size: 200KB}]
monitor:
  interval: 10us
  links: [leaf1->h7, leaf0->h3, h0, h4]
  queues: [leaf1->h7, leaf0->h3, h4, spine0->leaf0]
  tcp: [0, 1, 2]
  qps: [3, 4]
YAML

# Without gnuplot: one warning, no page, exit 0.
PATH=$nogp "$DCSIM" run "$tmp/rich.yaml" -o "$tmp/plain" >"$tmp/o" 2>"$tmp/e"
rc=$?
[ $rc = 0 ] && [ ! -e "$tmp/plain/report.html" ] && [ "$(wc -l <"$tmp/e")" = 1 ] &&
    grep -q 'warning: gnuplot not found on PATH (Debian package gnuplot-nox): no report.html' "$tmp/e" &&
    ! grep -q report.html "$tmp/o"
t $? "without gnuplot: exit 0, one warning, no report.html, the summary names none (exit $rc)"

if ! command -v gnuplot >/dev/null; then
    i=0
    while [ $i -lt 48 ]; do
        t 0 "# SKIP gnuplot is not installed (scripts/install-deps.sh)"
        i=$((i + 1))
    done
    echo "1..$n"
    exit 0
fi

"$DCSIM" run "$tmp/rich.yaml" -o "$tmp/a" >"$tmp/o" 2>"$tmp/e"
[ $? = 0 ] && [ -s "$tmp/a/report.html" ] && [ ! -s "$tmp/e" ]
t $? "with gnuplot the run writes report.html, nothing on stderr"
tail -n 1 "$tmp/o" | grep -qF "next: open $tmp/a/report.html"
t $? "the summary ends naming report.html as the next thing to open"
same_results "$tmp/a" "$tmp/plain" $files
t $? "every other file is the same with and without the page"
"$DCSIM" run "$tmp/rich.yaml" -o "$tmp/b" --quiet && cmp -s "$tmp/a/report.html" "$tmp/b/report.html"
t $? "the same scenario and seed give the same report.html, byte for byte"
[ ! -e "$tmp/a/report.tmp" ] && no_staging "$tmp"
t $? "no work directory or staging directory is left"

# Self-contained: no script, style sheet or image loaded; every link is a
# file of the directory or a fragment.
page=$tmp/a/report.html
ok=0
grep -Eqi '<(script|link|img|iframe)|src=|@import|url\((https?:)?//' "$page" && ok=1
for h in $(grep -o 'href="[^"]*"' "$page" | sed 's/^href="//; s/"$//' | sort -u); do
    case $h in '#'*) ;; *) [ -f "$tmp/a/$h" ] || { echo "# dangling $h"; ok=1; } ;; esac
done
t $ok "report.html loads nothing: its links are the directory's files"
figs=$(grep -c '<figure' "$page") svgs=$(grep -c '<svg' "$page")
[ "$figs" = 11 ] && [ "$svgs" = 11 ]
t $? "eleven plots, each an inlined SVG ($figs figures, $svgs SVGs)"
[ "$(grep -o "id='[^']*'" "$page" | sort | uniq -d | wc -l)" = 0 ]
t $? "the inlined SVGs' ids are unique in the page"
! grep -q 'wall_seconds' "$page"; t $? "the page leaves out the wall-clock time"

# dcsim report DIR: the same page from the files alone.
cp -r "$tmp/plain" "$tmp/plain0"
"$DCSIM" report "$tmp/plain" >"$tmp/o" 2>"$tmp/e" &&
    cmp -s "$tmp/a/report.html" "$tmp/plain/report.html" &&
    [ "$(cat "$tmp/o")" = "$tmp/plain/report.html" ] && [ ! -s "$tmp/e" ]
t $? "dcsim report DIR rebuilds the run's report.html from its files"
rm "$tmp/plain/report.html"
diff -r "$tmp/plain" "$tmp/plain0" >/dev/null && no_staging "$tmp"
t $? "... and leaves every other file as it was"

# Refused: one line, DIR untouched, nothing left.
report_refused() {
    want_rc=$1 what=$2 want=$3
    shift 3
    "$@" >"$tmp/o" 2>"$tmp/e"
    rc=$?
    [ $rc = "$want_rc" ] && [ ! -s "$tmp/o" ] && [ "$(wc -l <"$tmp/e")" = 1 ] &&
        grep -qF -- "$want" "$tmp/e" && no_staging "$tmp"
    t $? "dcsim report $what: exit $want_rc, '$want', nothing written (exit $rc)"
    [ $rc = "$want_rc" ] || sed 's/^/# /' "$tmp/e"
}
report_refused 2 "without DIR" "expected a results directory" "$DCSIM" report
report_refused 2 "with two DIRs" "unexpected argument" "$DCSIM" report "$tmp/a" "$tmp/b"
report_refused 2 "--frob" "unknown option '--frob'" "$DCSIM" report --frob
mkdir "$tmp/notes" && echo x >"$tmp/notes/x.txt"
report_refused 2 "of a directory without summary.json" "not a results directory (no summary.json)" \
    "$DCSIM" report "$tmp/notes"
mkdir "$tmp/b/sub"
report_refused 2 "of a results directory holding a directory" "is not a result file" \
    "$DCSIM" report "$tmp/b"
[ -d "$tmp/b/sub" ] && cmp -s "$tmp/a/report.html" "$tmp/b/report.html"
t $? "... which is left as it was"
# A summary.json that is not the run's object is bad input at its place
# (it once failed at exit 1 as 'cannot write DIR/report.html: summary.json:
# no mapping').
cp -r "$tmp/a" "$tmp/cut" && head -c 40 "$tmp/a/summary.json" >"$tmp/cut/summary.json" &&
    cp -r "$tmp/cut" "$tmp/cut0"
report_refused 2 "of a summary.json cut short" "$tmp/cut/summary.json:" "$DCSIM" report "$tmp/cut"
diff -r "$tmp/cut" "$tmp/cut0" >/dev/null
t $? "... which is left as it was"
: >"$tmp/cut/summary.json"
report_refused 2 "of an empty summary.json" "$tmp/cut/summary.json:1:1: no JSON value; expected the JSON object dcsim run writes" \
    "$DCSIM" report "$tmp/cut"
echo '[1, 2]' >"$tmp/cut/summary.json"
report_refused 2 "of a summary.json that is a list" "$tmp/cut/summary.json:1:1: not an object" \
    "$DCSIM" report "$tmp/cut"
rm "$tmp/plain/report.html" 2>/dev/null
report_refused 1 "without gnuplot" "gnuplot not found on PATH" env PATH=$nogp "$DCSIM" report "$tmp/plain"

# A gnuplot that fails: the run writes nothing (no partial results).
mkdir "$tmp/bin"
printf '#!/bin/sh\necho "plots.gp, line 3: invented error" >&2\nexit 1\n' >"$tmp/bin/gnuplot"
chmod +x "$tmp/bin/gnuplot"
PATH=$tmp/bin:$PATH "$DCSIM" run "$tmp/rich.yaml" -o "$tmp/fail" >"$tmp/o" 2>"$tmp/e"
rc=$?
[ $rc = 1 ] && [ ! -e "$tmp/fail" ] && no_staging "$tmp" &&
    grep -q "gnuplot failed (exit status 1): plots.gp, line 3: invented error" "$tmp/e"
t $? "a failing gnuplot: exit 1 with its message, no results directory (exit $rc)"

# The storage, overlay and control sections, in the pages of example
# scenarios that write storage.csv, overlay.csv (leaf VTEPs; vswitches),
# events.csv and control.csv (BGP EVPN; the underlay's eBGP), cut short
# where a shorter run has the same events.  Each page names its section
# and plots, and `dcsim report DIR` makes the same page from the files.
here=$(cd "$(dirname "$0")/../.." && pwd)
storage_plots="Storage IOPS per job|Storage completion latency|Where an I/O's time goes|Storage CPU per I/O"
tunnel_plots="Tunnel packets per VTEP|Encapsulation overhead"
vswitch_plots="$tunnel_plots|vswitch datapath caches|Overlay floods and drops"
control_plots="Events: failure, detection, convergence|Packets lost per event|BGP UPDATEs per speaker|BGP bytes per speaker|RIB size per speaker"
# name scenario --set-or-"" sections plots
set -- \
    storage "storage-fabric" "" "Storage" "$storage_plots" \
    tenants "overlay-tenants" "" "Overlay" "$tunnel_plots" \
    evpn "evpn-failover" "stop=4.5ms" "Overlay|Control plane and events" "$vswitch_plots|$control_plots" \
    bgp "failover-bgp" "stop=1.5ms" "Control plane and events" "$control_plots"
feature_pages=""
while [ $# -ge 5 ]; do
    name=$1 scen=$2 set=$3 heads=$4 plots=$5
    shift 5
    feature_pages="$feature_pages $name"
    echo "$plots" | tr '|' '\n' >"$tmp/$name.titles"
    "$DCSIM" run "$here/scenarios/$scen.yaml" ${set:+--set "$set"} -o "$tmp/$name" --quiet &&
        "$DCSIM" run "$here/scenarios/$scen.yaml" ${set:+--set "$set"} -o "$tmp/$name-plain" \
            --quiet --no-report
    t $? "$scen runs"
    want=$(cat "$tmp/$name.titles")
    got=$(sed -n 's|^<h3>\(.*\)</h3>$|\1|p' "$tmp/$name/report.html" | grep -Fx "$want")
    heads_ok=0
    for h in $(echo "$heads" | tr ' |' '_\n'); do
        grep -qF "<h2>$(echo "$h" | tr _ ' ')</h2>" "$tmp/$name/report.html" || heads_ok=1
    done
    [ "$got" = "$want" ] && [ $heads_ok = 0 ]
    t $? "$scen's page has its sections ($heads) and their plots in order"
    [ "$got" = "$want" ] || echo "$got" | sed 's/^/# got: /'
    "$DCSIM" report "$tmp/$name-plain" >/dev/null &&
        cmp -s "$tmp/$name/report.html" "$tmp/$name-plain/report.html"
    t $? "dcsim report rebuilds $scen's page"
done
# overlay-tenants' leaf VTEPs dropped nothing: said, not drawn.
grep -q "No VTEP or vswitch flooded or dropped a packet" "$tmp/tenants/report.html"
t $? "an overlay without floods or drops says so instead of an empty plot"
# A file with a header and no rows: no section, no empty plot.
for f in storage:storage.csv evpn:overlay.csv bgp:events.csv bgp:control.csv; do
    d=${f%%:*} file=${f#*:}
    rm -rf "$tmp/cut" && cp -r "$tmp/$d-plain" "$tmp/cut" && rm "$tmp/cut/report.html"
    head -n 1 "$tmp/$d-plain/$file" >"$tmp/cut/$file"
    "$DCSIM" report "$tmp/cut" >/dev/null
    rc=$?
    case $file in
    storage.csv) gone="Storage"; kept="" ;;
    overlay.csv) gone="Overlay"; kept="Control plane and events" ;;
    events.csv) gone="Events: failure"; kept="BGP UPDATEs per speaker" ;;
    control.csv) gone="BGP UPDATEs per speaker"; kept="Events: failure" ;;
    esac
    [ $rc = 0 ] && ! grep -q ">$gone" "$tmp/cut/report.html" &&
        { [ -z "$kept" ] || grep -q ">$kept" "$tmp/cut/report.html"; }
    t $? "$file with no rows: no '$gone' on the page${kept:+, '$kept' still there} (exit $rc)"
done

# Headless Chromium: every plot is drawn (an SVG with paths) in the
# rich page and in the default scenario's, whose screenshot is not blank.
if command -v chromium >/dev/null; then
    here=$(cd "$(dirname "$0")/../.." && pwd)
    chrome() {
        timeout 120 chromium --headless --no-sandbox --disable-gpu \
            --user-data-dir="$tmp/chrome" "$@" 2>/dev/null
    }
    # Figures whose SVG has at least one path with a drawing.
    drawn() {
        awk '/<figure/ { f++; inside = 1 }
             inside && /<svg/ { s = 1 }
             inside && s && /<path[^>]* d="M/ { p = 1 }
             /<\/figure>/ { if (s && p) ok++; inside = s = p = 0 }
             END { print ok + 0 "/" f + 0 }' "$1"
    }
    chrome --dump-dom "file://$page" >"$tmp/rich.dom"
    d=$(drawn "$tmp/rich.dom")
    [ "$d" = 11/11 ]; t $? "Chromium renders the rich page: $d plots drawn"
    # The pause timeline: a figure of its own, whose SVG draws a line
    # (a path of more than two points) for each of the paused ports.
    awk '/<figure/ { inside = 1; body = "" }
         inside { body = body $0 "\n" }
         /<\/figure>/ { if (body ~ /PFC pauses over time/) print body; inside = 0 }' \
        "$tmp/rich.dom" >"$tmp/pfc-fig"
    lines=$(grep -o 'd="M[^"]*"' "$tmp/pfc-fig" | awk -F'L' 'NF > 3' | wc -l)
    grep -q 'h4 &gt; leaf1 tc 3\|h4 > leaf1 tc 3' "$tmp/pfc-fig" &&
        grep -q 'spine0 &gt; leaf0 tc 3\|spine0 > leaf0 tc 3' "$tmp/pfc-fig" && [ "$lines" -ge 2 ]
    t $? "... among them the PFC pause timeline of h4 and spine0's port to leaf0 ($lines lines drawn)"
    "$DCSIM" run "$here/scenarios/spine-leaf.yaml" -o "$tmp/default" --quiet
    chrome --dump-dom "file://$tmp/default/report.html" >"$tmp/default.dom"
    d=$(drawn "$tmp/default.dom")
    [ "${d%/*}" = "${d#*/}" ] && [ "${d%/*}" -ge 3 ]
    t $? "Chromium renders the default scenario's page: $d plots drawn"
    chrome --screenshot="$tmp/default.png" --window-size=1100,2400 \
        "file://$tmp/default/report.html" >/dev/null
    size=$(wc -c <"$tmp/default.png" 2>/dev/null || echo 0)
    # A blank page of that size compresses to a few KB.
    [ "$size" -gt 40000 ]; t $? "its screenshot is not blank ($size bytes of PNG)"
    # Each new section's plots: an SVG whose data groups (gnuplot_plot_N,
    # each with one path of its own for the key's sample) draw more paths
    # than they have groups: bars, boxes or lines, not only the key.  The
    # pages' plots go into one page for one Chromium, each after a mark.
    for name in $feature_pages; do
        echo "<p>page $name</p>"
        sed -n '/^<h2>Plots<\/h2>$/,/^<h2>Files<\/h2>$/p' "$tmp/$name/report.html"
    done >"$tmp/features.html"
    chrome --dump-dom "file://$tmp/features.html" >"$tmp/features.dom"
    for name in $feature_pages; do
        bad=""
        while IFS= read -r title; do
            r=$(awk -v page="<p>page $name</p>" -v t="<h3>$title</h3>" '
                index($0, "<p>page ") { here = index($0, page) > 0 }
                here && /<figure/ { inside = 1; body = "" }
                inside { body = body $0 "\n" }
                inside && /<\/figure>/ {
                    if (index(body, t)) {
                        s = body; sub(/^.*<svg/, "", s)
                        i = index(s, "gnuplot_plot_1\"")
                        d = i ? substr(s, i) : ""
                        g = gsub(/gnuplot_plot_[0-9]+"/, "", d)
                        p = gsub(/<path[^>]* d="M/, "", d)
                        print (index(s, "</svg>") && g && p > g) ? "ok" : "empty"
                    }
                    inside = 0
                }' "$tmp/features.dom")
            [ "$r" = ok ] || bad="$bad [$title: ${r:-missing}]"
        done <"$tmp/$name.titles"
        [ -z "$bad" ]
        t $? "Chromium draws every plot of $name's new sections, none empty${bad:+:$bad}"
    done
else
    for i in 1 2 3 4 5 6 7 8; do t 0 "# SKIP chromium is not installed (scripts/install-deps.sh)"; done
fi
echo "1..$n"
