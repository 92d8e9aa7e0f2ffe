#!/bin/sh
# Arithmetic limits (issue 21 item 3): every duration and size key that
# `dcsim keys` lists, set to its documented maximum (its own "at most X",
# else the units' 10^6 s or 2^50 B, docs/scenario.md), runs to the end
# with results (exit 0) or is refused with a located message (exit 2);
# one unit more is refused, naming the key (keys whose own checks allow
# less than the units' maximum refuse both).  Never a crash, an assertion
# or a signal.  Each key is tried on the first fixture of tests/cli/limits/
# (and traffic entry) that validates with it set to an ordinary value.
set -u
. "$(dirname "$0")/../lib.sh"
here=$(cd "$(dirname "$0")/../.." && pwd)
fix="$here/tests/cli/limits"
fixtures="ethernet server hpcc dcqcn ib explicit three-tier fat-tree vswitch-learning
          vswitch-reactive storage bgp evpn evpn-leaf"

# The --set path of a key of the reference: [] is entry $3, LINK a named
# topology's server_link, RATE the link rate a fixture lists (25Gbps); a
# link key gets its delay.
set_path() {
    case $2 in
    link*) p="$1.delay" ;;
    *) p=$1 ;;
    esac
    echo "$p" | sed -e "s/\[\]/.$3/" -e 's/\[\]/.0/g' \
        -e 's/\.LINK\./.server_link./' -e 's/\.RATE\./.25Gbps./'
}

# The maximum of TYPE as a scenario writes it, and one unit more.
max_of() {
    case $1 in
    *"at most "*) m=$(echo "$1" | sed -e 's/.*at most //' -e 's/,.*//') ;;
    *duration*|link*) m=1000000s ;;
    *) m=1125899906842624 ;;
    esac
    echo "$m"
}
plus_one() {
    case $1 in
    *s) echo "$1" | sed 's/s$/.000000000001s/' ;;
    *) awk -v v="$1" 'BEGIN {
           split("B 1 KB 1e3 MB 1e6 GB 1e9 TB 1e12 KiB 1024 MiB 1048576 GiB 1073741824 TiB 1099511627776", a, " ")
           for (i = 1; i < 18; i += 2) mult[a[i]] = a[i + 1]
           n = v + 0; u = v; sub(/^[0-9.]+/, "", u); if (u == "") u = "B"
           printf "%.0f\n", n * mult[u] + 1 }' ;;
    esac
}

# A value the key takes in an ordinary scenario: its default when that is
# a plain value, else a small one.
sane_of() {
    case $2 in
    [0-9]*) echo "$2" | sed 's/.*, //' ;;
    *) case $1 in
       *duration*|link*) echo 1us ;;
       *) echo 64KiB ;;
       esac ;;
    esac
}

"$DCSIM" keys | tail -n +2 | awk -F'\t' '
    $2 ~ /^(duration|size)|, or (duration|size)|^link \{/ {
        print $1 "\t" $2 "\t" $3 }' |
sort -u >"$tmp/keys"
[ "$(wc -l <"$tmp/keys")" -ge 55 ]; t $? "at least 55 duration and size keys"

while IFS='	' read -r key type dflt; do
    sane=$(sane_of "$type" "$dflt")
    max=$(max_of "$type")
    over=$(plus_one "$max")
    found=
    # The fixtures named after a part of the key's path first (storage.*
    # in storage, rdma.dcqcn.* in dcqcn), then the rest in order: each
    # miss costs a validate.
    parts=$(printf '%s\n' "$key" | tr '.' ' ' | sed 's/\[\]//g')
    mine= rest=
    for f in $fixtures; do
        hit=
        for w in $parts; do
            case $f in "$w"*) hit=1 ;; esac
        done
        if [ -n "$hit" ]; then mine="$mine $f"; else rest="$rest $f"; fi
    done
    for f in $mine $rest; do
        for i in 0 1 2 3; do
            p=$(set_path "$key" "$type" $i)
            if "$DCSIM" validate "$fix/$f.yaml" --set "$p=$sane" \
                   >/dev/null 2>"$tmp/err"; then
                found=$f
                break 2
            fi
        done
    done
    if [ -z "$found" ]; then
        t 1 "$key: a fixture has its section"
        sed 's/^/# /' "$tmp/err"
        continue
    fi
    rm -rf "$tmp/out"
    timeout 120 "$DCSIM" run "$fix/$found.yaml" -q --no-report -o "$tmp/out" \
        --set "$p=$max" >/dev/null 2>"$tmp/err"
    rc=$?
    if [ $rc = 0 ]; then
        [ -s "$tmp/out/summary.json" ] &&
            grep -q '"complete": true' "$tmp/out/summary.json"
        t $? "$key = $max ($found): runs to the end with results"
    else
        [ $rc = 2 ] && head -1 "$tmp/err" | grep -Eq "^(--set $p=|$fix/$found.yaml:[0-9]+:[0-9]+: )"
        t $? "$key = $max ($found): exit $rc, a located refusal"
        sed 's/^/# /' "$tmp/err" | head -3
    fi
    "$DCSIM" validate "$fix/$found.yaml" --set "$p=$over" >/dev/null \
        2>"$tmp/err"
    rc=$?
    [ $rc = 2 ] && grep -q "^--set $p=$over: $p " "$tmp/err"
    t $? "$key = $over: exit $rc, refused naming the key"
    [ $rc = 2 ] || sed 's/^/# /' "$tmp/err" | head -3
done <"$tmp/keys"
echo "1..$n"
