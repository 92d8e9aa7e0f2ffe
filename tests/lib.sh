# Shared by the shell tests (sourced): the binary under test, a scratch
# directory removed on exit, and TAP output.
#
#   t STATUS DESCRIPTION   prints "ok N - ..." if STATUS is 0, else
#                          "not ok N - ..."; the script ends with
#                          echo "1..$n".
#   num KEY FILE           the first integer value of "KEY" in a JSON file.
#   same_results A B FILE...  status 0 if result directories A and B hold
#                          identical FILEs, and summary.json but for
#                          wall_seconds.
DCSIM=${DCSIM:-./dcsim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
t() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
num() { sed -n "s/.*\"$1\": \([0-9]*\).*/\1/p" "$2" | head -n 1; }
same_results() {
    sr_a=$1 sr_b=$2
    shift 2
    for sr_f in "$@"; do
        cmp -s "$sr_a/$sr_f" "$sr_b/$sr_f" || return 1
    done
    grep -v wall_seconds "$sr_a/summary.json" >"$tmp/same-a.json"
    grep -v wall_seconds "$sr_b/summary.json" >"$tmp/same-b.json"
    cmp -s "$tmp/same-a.json" "$tmp/same-b.json"
}
