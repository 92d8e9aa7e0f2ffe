# Shared by the shell tests (sourced): the binary under test, a scratch
# directory removed on exit, and TAP output.
#
#   t STATUS DESCRIPTION   prints "ok N - ..." if STATUS is 0, else
#                          "not ok N - ..."; the script ends with
#                          echo "1..$n".
#   num KEY FILE           the first integer value of "KEY" in a JSON file.
#   csv FILE EXPR [FILTER] the sum of EXPR over the rows of a CSV file that
#                          FILTER accepts; both are awk expressions over
#                          columns named by the header (c["name"] is the
#                          column's value in this row), so added columns
#                          break nothing.  max FILE EXPR [FILTER]: the
#                          largest value instead.
#   all_drops FILE         the sum of every reason in summary.json's
#                          "drops" object.
#   refused NAME FILE WANT [ALSO]
#                          `dcsim run FILE -o DIR` and `dcsim validate
#                          FILE` each exit 2, print nothing on stdout and
#                          one line on stderr that starts with FILE:WANT
#                          (and holds ALSO), and leave no DIR: one TAP
#                          line each.
#   refused_at NAME FILE PLACE [ALSO]
#                          the same, with stderr starting with PLACE (an
#                          error found in a file the scenario names).
#   refused_as NAME TEXT LINE:COL WANT
#                          writes the script's own `scenario TEXT` to
#                          NAME.yaml and checks it is `refused` at
#                          LINE:COL with a message holding WANT.
#   ok_if EXPR DESCRIPTION  t with the status of the awk condition EXPR.
#   tcheck STATUS DESCRIPTION  t for a check that reads a capture with
#                          tshark; a TAP skip where tshark is not
#                          installed (have_tshark 0).
#   col DIR FILE NAME [ROW]  column NAME of data row ROW (default 1) of the
#                          CSV file DIR/FILE.
#   same_results A B FILE...  status 0 if result directories A and B hold
#                          identical FILEs, and summary.json but for
#                          wall_seconds.
DCSIM=${DCSIM:-./dcsim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
t() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
num() { sed -n "s/.*\"$1\": \([0-9]*\).*/\1/p" "$2" | head -n 1; }
csv_awk() {
    awk -F, -v mode="$1" '
        NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
        { for (k in h) c[k] = $h[k] }
        '"${4:-1}"' { v = '"$3"'; if (mode == "sum") r += v; else if (!seen || v > r) r = v; seen = 1 }
        END { printf "%.0f\n", r }' "$2"
}
ok_if() { awk "BEGIN { exit !($1) }"; t $? "$2"; }
have_tshark=0
command -v tshark >/dev/null 2>&1 && have_tshark=1
tcheck() {
    if [ $have_tshark = 1 ]; then
        t "$1" "$2"
    else
        n=$((n + 1))
        echo "ok $n # skip tshark is not installed: $2"
    fi
}
# cell DIR FILE NAME [ROW]: column NAME of data row ROW (default 1) of
# DIR/FILE.  Not `col`, which several tests define for themselves.
cell() {
    awk -F, -v name="$3" -v row="${4:-1}" '
        NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i; next }
        NR == row + 1 { print $c }' "$1/$2"
}
csv() { csv_awk sum "$@"; }
max() { csv_awk max "$@"; }
all_drops() {
    sed -n 's/.*"drops": {\([^}]*\)}.*/\1/p' "$1" | tr ',' '\n' |
        awk -F': ' '{ s += $2 } END { print s + 0 }'
}
refused() {
    refused_at "$1" "$2" "$2:$3" "${4:-}"
}
refused_at() {
    for r_cmd in run validate; do
        rm -rf "$tmp/refused"
        if [ "$r_cmd" = run ]; then
            "$DCSIM" run "$2" -o "$tmp/refused" >"$tmp/stdout" 2>"$tmp/stderr"
        else
            "$DCSIM" validate "$2" >"$tmp/stdout" 2>"$tmp/stderr"
        fi
        r_rc=$? r_why=
        [ "$r_rc" = 2 ] || r_why="$r_why exit $r_rc;"
        [ -s "$tmp/stdout" ] && r_why="$r_why output on stdout;"
        [ "$(wc -l <"$tmp/stderr")" = 1 ] || r_why="$r_why not one line on stderr;"
        case $(cat "$tmp/stderr") in
        "$3"*) ;;
        *) r_why="$r_why stderr does not start with $3;" ;;
        esac
        if [ -n "${4:-}" ]; then
            grep -qF -- "$4" "$tmp/stderr" || r_why="$r_why no '$4' in stderr;"
        fi
        [ -e "$tmp/refused" ] && r_why="$r_why output directory exists;"
        r_at=${3#"$2:"}
        if [ "$r_at" = "$3" ]; then r_at=$(basename "$3"); else r_at="$(basename "$2"):$r_at"; fi
        t "$([ -z "$r_why" ]; echo $?)" "$r_cmd $1: exit 2, $r_at${4:+ ... $4}${r_why:+ --$r_why}"
        [ -z "$r_why" ] || sed 's/^/# stderr: /' "$tmp/stderr"
    done
}
refused_as() {
    scenario "$2" >"$tmp/$1.yaml"
    refused "$1" "$tmp/$1.yaml" "$3: " "$4"
}
# evpn_fabric NAME STOP SPINES LEAVES PER_LEAF VTEPS TENANT...: the opening
# of an EVPN test's scenario (name, stop, topology, overlay) on standard
# output, for the test to follow with its own evpn, traffic and events
# sections: a spine-leaf fabric of 25 Gb/s links of 1 us, a 9216 B
# underlay, VTEPS `server` (one vhost VM a server, each with an EVPN
# vswitch) or `leaf`, and overlay.tenants: one flow list ("[{...}]") or
# one block entry ("- {...}") per TENANT.
evpn_fabric() {
    printf 'name: %s\nstop: %s\n' "$1" "$2"
    printf 'topology: {type: spine-leaf, spines: %s, leaves: %s, servers_per_leaf: %s,\n' "$3" "$4" "$5"
    echo '           server_link: {rate: 25Gbps, delay: 1us}, uplink: {rate: 25Gbps, delay: 1us}}'
    if [ "$6" = server ]; then echo 'server: {vm: {io: vhost, count: 1}}'; fi
    printf 'overlay:\n  underlay_mtu: 9216\n  vteps: %s\n' "$6"
    if [ "$6" = server ]; then echo '  vswitch: {tables: evpn}'; fi
    shift 6
    case $1 in
    \[*) echo "  tenants: $1" ;;
    *) echo '  tenants:'; for e in "$@"; do echo "    - $e"; done ;;
    esac
}
# star_topology HOST:RATE:DELAY...: a scenario's `topology` (YAML at the
# top level): a switch s0 with the hosts on cables of those rates and
# delays.
star_topology() {
    printf 'topology:\n  type: explicit\n'
    printf '  nodes:\n    - {name: s0, kind: switch}\n'
    for st_h in "$@"; do
        printf '    - {name: %s, kind: host}\n' "${st_h%%:*}"
    done
    printf '  links:\n'
    for st_h in "$@"; do
        st_rest=${st_h#*:}
        printf '    - {a: s0, b: %s, rate: %s, delay: %s}\n' \
            "${st_h%%:*}" "${st_rest%%:*}" "${st_rest#*:}"
    done
}

# check_ends NAME WANT WHAT: runs the scenario $tmp/NAME.yaml twice
# (to $tmp/NAME and $tmp/NAMEb): it runs, gives the same results twice,
# and its flows end at WANT, their end times in ns in flow order.
check_ends() {
    timeout 30 "$DCSIM" run "$tmp/$1.yaml" -o "$tmp/$1" --quiet --no-report
    t $? "scene $1 runs"
    timeout 30 "$DCSIM" run "$tmp/$1.yaml" -o "$tmp/$1b" --quiet --no-report
    same_results "$tmp/$1" "$tmp/$1b" flows.csv
    t $? "scene $1 twice gives the same results"
    ce_got=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
        { printf "%s%d", (NR > 2 ? " " : ""), $h["end_ps"] / 1000 }' \
        "$tmp/$1/flows.csv")
    [ "$ce_got" = "$2" ]
    t $? "$3 (ends $ce_got ns, want $2)"
}

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

# Control traffic is real (issue 15, item 13): scenario YAML has a VM move
# and two bursts in class 0 on the control path when it happens.  With the
# bursts moved to LATE (after the move) the move converges >= 500 us
# sooner; with evpn.tc=6 (strict priority) within 5 us of that calm run.
# Runs go to DIR/cong, DIR/calm and DIR/prio.
congested_control_path() {
    timeout 300 "$DCSIM" run "$1" -o "$3/cong" --quiet --no-report
    timeout 300 "$DCSIM" run "$1" -o "$3/calm" --quiet --no-report \
        --set "traffic.0.flows.0.start=$2" --set "traffic.0.flows.1.start=$2"
    timeout 300 "$DCSIM" run "$1" -o "$3/prio" --quiet --no-report \
        --set evpn.tc=6
    cc=$(csv "$3/cong/events.csv" 'c["convergence_ps"]' 'c["event"] == 0')
    ca=$(csv "$3/calm/events.csv" 'c["convergence_ps"]' 'c["event"] == 0')
    cp=$(csv "$3/prio/events.csv" 'c["convergence_ps"]' 'c["event"] == 0')
    [ "$cc" -ge $((ca + 500000000)) ]
    t $? "behind the bursts in class 0 the move converges in $cc ps, >= 500 us later than without them ($ca ps)"
    [ "$cp" -le $((ca + 5000000)) ]
    t $? "in class 6, strict priority, it converges in $cp ps, within 5 us of the calm run"
}
