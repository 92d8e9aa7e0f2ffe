#!/bin/sh
# The results directory (-o DIR): checked before the first event, replaced
# as a whole, never merged with an earlier run's files, never a directory
# dcsim did not write; write errors name the file and the real reason.
set -u
. "$(dirname "$0")/../lib.sh"

cat >"$tmp/s.yaml" <<'YAML'
topology: {type: spine-leaf, spines: 2, leaves: 2, servers_per_leaf: 2}
traffic:
  - pattern: flows
    flows: [{src: h0, dst: h3, size: 10KB}]
YAML
# With PFC: also writes pfc.csv.
cat >"$tmp/pfc.yaml" <<'YAML'
stop: 1ms
topology: {type: spine-leaf, spines: 2, leaves: 2, servers_per_leaf: 2}
pfc: {enabled: true}
traffic:
  - pattern: flows
    flows: [{src: h0, dst: h3, size: 10KB}]
YAML
# Simulating it takes seconds, so a refusal that comes after the run (or
# a run that simulates first) shows.
long=$(cd "$(dirname "$0")" && pwd)/long-run.yaml
no_staging() { ! ls -a "$1" | grep -q '^\.dcsim-tmp-'; }

# refuse NAME DIR WANT [SCENARIO]: run exits 2 at once (no simulation: the
# long scenario would be cut by the timeout), nothing on stdout, one line
# on stderr holding WANT.
refuse() {
    timeout 20 "$DCSIM" run "${4:-$long}" -o "$2" >"$tmp/o" 2>"$tmp/e"
    rc=$?
    [ $rc = 2 ] && [ ! -s "$tmp/o" ] && [ "$(wc -l <"$tmp/e")" = 1 ] &&
        grep -qF -- "$3" "$tmp/e"
    t $? "$1: exit 2 before simulating, '$3' (exit $rc)"
    [ $rc = 2 ] || sed 's/^/# /' "$tmp/e"
}

# Replacing: the second run's directory holds only its own files.
"$DCSIM" run "$tmp/pfc.yaml" -o "$tmp/out" --quiet &&
    [ -s "$tmp/out/pfc.csv" ] && echo note >"$tmp/out/notes.txt"
t $? "a PFC run writes pfc.csv"
"$DCSIM" run "$tmp/s.yaml" -o "$tmp/out" --quiet
t $? "a second run into the same directory succeeds"
page=; command -v gnuplot >/dev/null && page="report.html "
[ "$(ls -A "$tmp/out" | sort | tr '\n' ' ')" = "fct_by_size.csv flows.csv incast.csv links.csv queues.csv ${page}summary.json " ]
t $? "it holds exactly the second run's files: no stale pfc.csv or other file"
no_staging "$tmp"; t $? "no staging directory is left beside it"

mkdir "$tmp/empty"
"$DCSIM" run "$tmp/s.yaml" -o "$tmp/empty" --quiet && [ -s "$tmp/empty/summary.json" ]
t $? "an existing empty directory is used"
(cd "$tmp/empty" && "$DCSIM" run "$tmp/s.yaml" -o . --quiet) && [ -s "$tmp/empty/summary.json" ]
t $? "-o . in a results directory replaces it"
ln -s out "$tmp/link"
"$DCSIM" run "$tmp/pfc.yaml" -o "$tmp/link" --quiet && [ -L "$tmp/link" ] &&
    [ -s "$tmp/out/pfc.csv" ]
t $? "-o a symbolic link to a results directory replaces what it points to"

# A directory dcsim did not write is never replaced.
mkdir "$tmp/home" && echo precious >"$tmp/home/thesis.tex"
refuse "a non-empty directory without summary.json" "$tmp/home" "holds no summary.json"
[ "$(cat "$tmp/home/thesis.tex")" = precious ] && [ "$(ls -A "$tmp/home")" = thesis.tex ]
t $? "... and is left untouched"
no_staging "$tmp"; t $? "... with no staging directory left"

# Directories that cannot hold results: refused before the first event.
touch "$tmp/afile"
refuse "-o a regular file" "$tmp/afile" "not a directory"
refuse "-o inside a regular file" "$tmp/afile/out" "Not a directory"
# A link to nothing was taken for a new name: the run simulated, then
# could not put its directory in the link's place (exit 1).
ln -s "$tmp/nowhere/out" "$tmp/dangling"
refuse "-o a symbolic link to nothing" "$tmp/dangling" "cannot write results to $tmp/dangling: a symbolic link to nothing"
[ -L "$tmp/dangling" ] && [ ! -e "$tmp/nowhere" ] && no_staging "$tmp"
t $? "... which is left as it was, nothing made"
refuse "-o under /proc" /proc/dcsim-results "/proc"
[ ! -e /proc/dcsim-results ]; t $? "... and nothing is created there"
longpath=$(awk 'BEGIN { for (i = 0; i < 40; i++) printf "d%0200d/", i; printf "out" }')
refuse "-o a path longer than PATH_MAX" "$tmp/$longpath" "File name too long"
deep="a/b/c/$(awk 'BEGIN { for (i = 0; i < 300; i++) printf "x" }')/out"
refuse "-o with a component longer than NAME_MAX" "$tmp/$deep" "File name too long"
[ ! -e "$tmp/a" ] && [ ! -e "$tmp/d$(printf '%0200d' 0)" ]
t $? "a refused long path leaves none of the directories it began to make"
refuse "-o ''" "" "names no directory"

# A nested new directory: its parents are made.
"$DCSIM" run "$tmp/s.yaml" -o "$tmp/x/y/z" --quiet && [ -s "$tmp/x/y/z/summary.json" ]
t $? "missing parents are created"

# Mounts: read-only, and a full disk.  In a private mount namespace
# (unshare), so nothing outlives the test; skipped where not allowed.
if unshare -rm true 2>/dev/null; then
    mkdir "$tmp/ro" "$tmp/full"
    unshare -rm sh -c 'mount -t tmpfs -o ro tmpfs "$1" &&
        exec timeout 20 "$2" run "$3" -o "$1/out"' sh "$tmp/ro" "$DCSIM" \
        "$long" >"$tmp/o" 2>"$tmp/e"
    rc=$?
    [ $rc = 2 ] && grep -q "Read-only file system" "$tmp/e"
    t $? "-o on a read-only mount: exit 2 before simulating, 'Read-only file system' (exit $rc)"
    # 24 KiB hold the staging directory but not the files.
    unshare -rm sh -c 'mount -t tmpfs -o size=24k tmpfs "$1" &&
        "$2" run "$3" -o "$1/out" --set traffic.0.duration=5ms; rc=$?;
        ls -A "$1" >&2; exit $rc' sh "$tmp/full" "$DCSIM" \
        "$long" >"$tmp/o" 2>"$tmp/e"
    rc=$?
    [ $rc = 1 ] && grep -Eq "cannot write $tmp/full/out/[a-z_]+\.(csv|json): No space left on device" "$tmp/e" &&
        [ "$(wc -l <"$tmp/e")" = 1 ]
    t $? "a full disk: exit 1, 'No space left on device' naming the file, nothing left (exit $rc)"
    [ $rc = 1 ] || sed 's/^/# /' "$tmp/e"
else
    t 0 "# SKIP no private mount namespace (unshare -rm)"
    t 0 "# SKIP no private mount namespace (unshare -rm)"
fi

# A file size limit (EFBIG): the real reason, not "Input/output error".
(trap '' XFSZ; ulimit -f 8 && exec "$DCSIM" run "$long" -o "$tmp/big" \
    --set traffic.0.duration=5ms) >"$tmp/o" 2>"$tmp/e"
rc=$?
[ $rc = 1 ] && grep -Eq "cannot write $tmp/big/[a-z_]+\.(csv|json|html): File too large" "$tmp/e" &&
    [ ! -e "$tmp/big" ] && no_staging "$tmp"
t $? "a file over the size limit: exit 1, 'File too large' naming the file, nothing left (exit $rc)"
[ $rc = 1 ] || sed 's/^/# /' "$tmp/e"
echo "1..$n"
