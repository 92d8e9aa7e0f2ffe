#!/bin/sh
# Runs the benchmark scenarios and prints, for each: packet-hops, wall
# seconds, packet-hops per second and peak RSS, as dcsim reports them at
# the end of a run.  Timing lives here, never in the pass/fail tests.
# Usage: bench/run.sh [SCENARIO.yaml...]   (default: bench/*.yaml)
set -eu
cd "$(dirname "$0")/.."
[ -x ./dcsim ] || make -s dcsim
[ $# -gt 0 ] || set -- bench/*.yaml
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
printf '%-24s %14s %9s %16s %13s\n' scenario packet_hops wall_s packet_hops/s peak_rss_MiB
for f in "$@"; do
    name=$(basename "$f" .yaml)
    ./dcsim run "$f" -o "$out/$name" >"$out/$name.txt"
    # "  simulated T in W s: E events, H packet-hops (R M packet-hops/s), peak RSS M MiB"
    sed -n 's/.* in \([0-9.]*\) s: [0-9]* events, \([0-9]*\) packet-hops (\([0-9.]*\) M packet-hops\/s), peak RSS \([0-9.]*\) MiB.*/\1 \2 \3 \4/p' \
        "$out/$name.txt" | {
        read -r wall hops mrate rss
        printf '%-24s %14s %9s %14s M %13s\n' "$name" "$hops" "$wall" "$mrate" "$rss"
    }
done
