#!/bin/sh
# Checks the floors of src/ (docs/architecture.md): a folder may include
# headers of its own folder and of folders on lower floors, never of one
# on its own floor or above (host/ and transport/, the same floor, may
# include each other).  Reads every #include "dir/file.h" of every .c, .h
# and .S file under SRC (default: src), and each folder's README, whose
# "May include:" line must list exactly the folders it may include, in
# floor order.  Prints each offence as FILE:LINE: ... ; exits 1 if there
# is any, 0 otherwise.
#
# Usage: scripts/floors.sh [SRC]
set -eu
src=${1:-src}

# Lowest floor first; folders on one line share a floor.
floors='sim
pkt
fabric
host transport
overlay storage control workload
scenario
world
report
cli'

# What folder $1 may include: the folders of $src on lower floors, and its
# floor-mate for host/ and transport/, in floor order ("(nothing)" if none).
may_include() {
    below=
    for line in $(printf '%s\n' "$floors" | tr ' ' ,); do
        case ",$line," in *",$1,"*) break ;; esac
        for d in $(echo "$line" | tr , ' '); do
            [ -d "$src/$d" ] && below="$below $d/"
        done
    done
    case $1 in
    host) [ -d "$src/transport" ] && below="$below transport/" ;;
    transport) [ -d "$src/host" ] && below="$below host/" ;;
    esac
    echo "${below# }" | sed 's|^$|(nothing)|'
}

readmes_bad=0
for dir in "$src"/*/; do
    d=$(basename "$dir")
    want=$(may_include "$d")
    if [ ! -f "$dir/README" ]; then
        echo "$dir""README:1: missing; it says what $d/ holds and \"May include: $want\""
        readmes_bad=1
        continue
    fi
    got=$(sed -n 's/^May include: *//p' "$dir/README")
    if [ "$got" != "$want" ]; then
        line=$(grep -n '^May include:' "$dir/README" | cut -d: -f1)
        echo "$dir""README:${line:-1}: says \"May include: $got\"; the floors give \"$want\""
        readmes_bad=1
    fi
done

find "$src" -type f \( -name '*.c' -o -name '*.h' -o -name '*.S' \) |
LC_ALL=C sort |
while IFS= read -r f; do
    awk -v file="$f" -v src="$src" -v floors="$floors" '
    BEGIN {
        n = split(floors, lines, "\n")
        for (i = 1; i <= n; i++) {
            m = split(lines[i], dirs, " ")
            for (j = 1; j <= m; j++)
                rank[dirs[j]] = i
        }
        rel = substr(file, length(src) + 2)
        me = rel
        sub(/\/.*/, "", me)
        if (!(me in rank)) {
            printf "%s:1: folder %s/ is on no floor (scripts/floors.sh)\n", file, me
            bad = 1
        }
    }
    /^[ \t]*#[ \t]*include[ \t]*"[^"\/]+\/[^"]+"/ {
        inc = $0
        sub(/^[^"]*"/, "", inc)
        sub(/".*/, "", inc)
        dir = inc
        sub(/\/.*/, "", dir)
        if (dir == me || !(me in rank))
            next
        if (!(dir in rank)) {
            printf "%s:%d: includes %s, of folder %s/ on no floor\n", file, FNR, inc, dir
            bad = 1
        } else if (rank[dir] > rank[me]) {
            printf "%s:%d: includes %s, but %s/ is above %s/\n", file, FNR, inc, dir, me
            bad = 1
        } else if (rank[dir] == rank[me] && !(me dir == "hosttransport" || me dir == "transporthost")) {
            printf "%s:%d: includes %s, but %s/ is on the floor of %s/\n", file, FNR, inc, dir, me
            bad = 1
        }
    }
    END { exit bad }' "$f" || echo BAD
done | awk -v bad=$readmes_bad '/^BAD$/ { bad = 1; next } { print } END { exit bad }'
