#!/bin/sh
# Runs benchmark scenarios and prints, for each: packet-hops, events, wall
# seconds of the event loop, its user CPU seconds, M packet-hops per
# second of each, setup seconds (loading and building the model) and peak
# RSS, as dcsim reports them at the end of a run.  Timing lives here,
# never in the pass/fail tests.
#
# A scenario with a line "# bench: validate" is only built: the runner
# times `dcsim validate` on it (with GNU time) and prints its setup
# seconds (the whole command's wall time) and peak RSS.
#
# Usage: bench/run.sh [SCENARIO.yaml...]   (default: bench/*.yaml, the
# quick set; bench/scale/*.yaml is the scaling set, docs/performance.md)
set -eu
cd "$(dirname "$0")/.."
[ -x ./dcsim ] || make -s dcsim
[ $# -gt 0 ] || set -- bench/*.yaml
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
printf '%-22s %12s %12s %8s %8s %9s %9s %8s %9s\n' scenario packet_hops \
    events wall_s cpu_s Mhops/s Mhops/cpu setup_s rss_MiB
for f in "$@"; do
    name=$(basename "$f" .yaml)
    if grep -q '^# bench: validate' "$f"; then
        /usr/bin/time -f '%e %M' -o "$out/$name.time" \
            ./dcsim validate "$f" >/dev/null
        read -r secs kib <"$out/$name.time"
        printf '%-22s %12s %12s %8s %8s %9s %9s %8s %9.1f\n' "$name" - - - - \
            - - "$secs" "$(echo "$kib / 1024" | bc -l)"
        continue
    fi
    ./dcsim run "$f" -o "$out/$name" >"$out/$name.txt"
    # "  simulated T in W s: E events, H packet-hops (R M packet-hops/s),
    #  peak RSS M MiB" and "  setup S s; event loop C s of user CPU (P M
    #  packet-hops per CPU second)"
    {
        sed -n 's/.* in \([0-9.]*\) s: \([0-9]*\) events, \([0-9]*\) packet-hops (\([0-9.]*\) M packet-hops\/s), peak RSS \([0-9.]*\) MiB.*/\1 \2 \3 \4 \5/p' \
            "$out/$name.txt"
        sed -n 's/^  setup \([0-9.]*\) s; event loop \([0-9.]*\) s of user CPU (\([0-9.]*\) M packet-hops per CPU second).*/\1 \2 \3/p' \
            "$out/$name.txt"
    } | {
        read -r wall events hops mrate rss
        read -r setup cpu mcpu
        printf '%-22s %12s %12s %8s %8s %9s %9s %8s %9s\n' "$name" "$hops" \
            "$events" "$wall" "$cpu" "$mrate" "$mcpu" "$setup" "$rss"
    }
done
