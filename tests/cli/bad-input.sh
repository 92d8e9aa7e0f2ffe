#!/bin/sh
# Bad input on the command line: for each class of mistake in a scenario
# (fixtures in tests/cli/bad-input/, one per class), `dcsim validate` and
# `dcsim run -o DIR` must exit with status 2, print one line on stderr that
# starts with the place of the mistake (FILE:LINE:COL as the file was named
# on the command line, or the --set override, or FILE for a file that
# cannot be opened), print nothing on stdout, and leave no DIR behind.
# Valid fixtures check that the fixtures fail for their own reason.
#
# DCSIM is the binary under test (the Makefile sets it); default ./dcsim.

DCSIM=${DCSIM:-./dcsim}
dir=$(dirname "$0")/bad-input
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dcsim-bad-input.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# Each case: name, fixture, expected start of stderr, extra arguments.
cases='syntax|syntax.yaml|syntax.yaml:4:2: invalid YAML|
unknown-key|unknown-key.yaml|unknown-key.yaml:4:3: unknown key '"'spine'"'|
wrong-type|wrong-type.yaml|wrong-type.yaml:4:11: topology.spines is '"'two'"'|
negative-rate|negative-rate.yaml|negative-rate.yaml:7:23: topology.server_link.rate|
zero-rate|zero-rate.yaml|zero-rate.yaml:8:11: topology.uplink.rate|
no-such-host|no-such-host.yaml|no-such-host.yaml:11:24: traffic.0.flows.1.dst: no host named '"'h9'"'|
unreachable|unreachable.yaml|unreachable.yaml:7:7: host '"'b'"' cannot reach|
host-two-links|host-two-links.yaml|host-two-links.yaml:6:7: host '"'a'"' cannot reach host '"'c'"' from its NIC|
empty|empty.yaml|empty.yaml:1:1: empty scenario|
missing-file|does-not-exist.yaml|does-not-exist.yaml: cannot open:|
bad-set|valid.yaml|--set topology.bogus=1: unknown key '"'bogus'"'|--set topology.bogus=1
set-list-syntax|valid.yaml|--set qos.lossless=[3,4: the list '"'[3,4'"' is not valid YAML|--set qos.lossless=[3,4
set-list-empty-item|valid.yaml|--set qos.lossless=[3,,4]: the list '"'[3,,4]'"' is not valid YAML|--set qos.lossless=[3,,4]
set-list-trailing|valid.yaml|--set qos.lossless=[3]x: the list '"'[3]x'"' is not valid YAML|--set qos.lossless=[3]x
set-list-item|valid.yaml|--set qos.lossless=[3,3]: qos.lossless.1 is '"'3'"' (listed twice)|--set qos.lossless=[3,3]
set-list-nested|valid.yaml|--set qos.lossless=[[3]]: qos.lossless.0 is a sequence|--set qos.lossless=[[3]]
ets-class-range|ets-class-range.yaml|ets-class-range.yaml:10:17: switch.ets.strict.1 is '"'8'"'; expected an integer 0..7|
ets-weight-class|ets-weight-class.yaml|ets-weight-class.yaml:10:22: switch.ets.weights key is '"'9'"'; expected a traffic class 0..7|
ets-both|ets-both.yaml|ets-both.yaml:11:22: switch.ets.weights.6: class 6 is also strict|
ets-duplicate|ets-duplicate.yaml|ets-duplicate.yaml:10:20: switch.ets.strict.2 is '"'6'"' (already listed)|
ets-duplicate-weight|ets-duplicate-weight.yaml|ets-duplicate-weight.yaml:10:29: duplicate key '"'3'"'|
ets-weight-range|ets-weight-range.yaml|ets-weight-range.yaml:10:18: switch.ets.weights.0 is '"'101'"'; expected an integer 0..100|
ets-sum|ets-sum.yaml|ets-sum.yaml:11:7: switch.ets.weights sum to 90; expected percentages that sum to 100|
ets-sum-set|valid.yaml|--set switch.ets.weights.3=70: switch.ets.weights sum to 70|--set switch.scheduler=ets --set switch.ets.weights.3=70
ets-no-scheduler|ets-no-scheduler.yaml|ets-no-scheduler.yaml:8:3: switch.ets given with scheduler strict; expected scheduler: ets, or no ets key|
ets-unknown-key|ets-unknown-key.yaml|ets-unknown-key.yaml:10:5: unknown key '"'weight'"' in switch.ets|
host-unknown-key|host-unknown-key.yaml|host-unknown-key.yaml:8:3: unknown key '"'schedule'"' in host|
host-ets-no-scheduler|host-ets-no-scheduler.yaml|host-ets-no-scheduler.yaml:9:3: host.ets given with scheduler strict|
buffer-set|valid.yaml|--set switch.buffer=100KB: switch leaf0: its buffer|--set pfc.enabled=true --set stop=1ms --set switch.buffer=100KB
pfc-no-stop|pfc-no-stop.yaml|pfc-no-stop.yaml:7:6: a run with PFC needs a stop time|
qos-dscp-64|qos-dscp-64.yaml|qos-dscp-64.yaml:10:17: qos.dscp: key '"'64'"' is not a DSCP value; expected an integer 0..63|
qos-alpha-3|qos-alpha-3.yaml|qos-alpha-3.yaml:10:20: qos.alpha.3 is '"'3'"'; expected a power of two|
qos-lossless-twice|qos-lossless-twice.yaml|qos-lossless-twice.yaml:10:20: qos.lossless.2 is '"'3'"' (listed twice)|
pfc-taildrop|pfc-taildrop.yaml|pfc-taildrop.yaml:8:15: switch.mmu is taildrop, but PFC needs the shared-buffer MMU|
shared-queue|shared-queue.yaml|shared-queue.yaml:8:10: switch.queue applies only to the taildrop MMU, but switch.mmu is shared (the default with PFC)|
pfc-quanta-0|pfc-quanta-0.yaml|pfc-quanta-0.yaml:8:30: pfc.quanta is '"'0'"'; expected an integer 1..65535|
pfc-watchdog-action|pfc-watchdog-action.yaml|pfc-watchdog-action.yaml:10:54: pfc.watchdog.action is '"'bogus'"'; expected one of: drop, forward|
pfc-xon-offset|pfc-xon-offset.yaml|pfc-xon-offset.yaml:9:46: pfc.xon_offset is '"'20KB'"' (above pfc.xoff|
pfc-small-buffer|pfc-small-buffer.yaml|pfc-small-buffer.yaml:15:3: switch leaf0: its buffer of 500000 B cannot hold its reserves and PFC headroom (87498 B more is needed)|
buffer-set-in-file|valid-pfc.yaml|--set switch.buffer=400KB: switch leaf0: its buffer of 400000 B|--set switch.buffer=400KB
buffer-4gib|valid-pfc.yaml|--set switch.buffer=4294963200: switch.buffer is '"'4294963200'"' (switch.buffer and switch.reserve together reach 4 GiB|--set switch.buffer=4294963200
reserve-4gib|valid-pfc.yaml|--set switch.reserve=4GiB: switch.reserve is '"'4GiB'"' (switch.buffer and switch.reserve together reach 4 GiB|--set switch.reserve=4GiB
rdma-cc-unknown|rdma-cc-unknown.yaml|rdma-cc-unknown.yaml:7:12: rdma.cc is '"'timely'"'; expected one of: none, dcqcn, hpcc|
hpcc-eta|hpcc-eta.yaml|hpcc-eta.yaml:7:30: rdma.hpcc.eta is '"'1.5'"' (greater than 1); expected a real number in (0, 1]|
hpcc-eta-set|valid.yaml|--set rdma.hpcc.eta=0: rdma.hpcc.eta is '"'0'"'|--set rdma.cc=hpcc --set rdma.hpcc.eta=0
hpcc-max-stage|hpcc-max-stage.yaml|hpcc-max-stage.yaml:7:36: rdma.hpcc.max_stage is '"'-1'"' (negative); expected an integer 0..1000|
hpcc-r-ai|hpcc-r-ai.yaml|hpcc-r-ai.yaml:7:31: rdma.hpcc.r_ai is '"'0Mbps'"' (must be greater than zero)|
hpcc-t|hpcc-t.yaml|hpcc-t.yaml:7:28: rdma.hpcc.t is '"'0us'"' (must be greater than zero)|
hpcc-unknown-key|hpcc-unknown-key.yaml|hpcc-unknown-key.yaml:7:25: unknown key '"'beta'"' in rdma.hpcc; expected one of: eta, max_stage, r_ai, t, w_ai, fast_react, sample_feedback, int_multi, window|
hpcc-not-mapping|hpcc-not-mapping.yaml|hpcc-not-mapping.yaml:7:24: rdma.hpcc is '"'0.95'"'; expected a mapping of HPCC parameters|
hpcc-without-cc|hpcc-without-cc.yaml|hpcc-without-cc.yaml:7:19: rdma.hpcc given with rdma.cc dcqcn; expected cc: hpcc, or no hpcc key|
hpcc-read|hpcc-read.yaml|hpcc-read.yaml:11:5: traffic.0.verb read with rdma.cc hpcc: READ responses are not acknowledged|'

n=0
failed=0

# check NAME CMD FIXTURE WANT [ARGS]: runs CMD (validate or run) on the
# fixture and prints one TAP line.  POSIX sh has no local variables, hence
# the c_ prefix.
check() {
    c_name=$1 c_cmd=$2 c_file=$3 c_want=$4 c_args=$5
    n=$((n + 1))
    out="$tmp/out-$n"
    case $c_want in
    --set*) prefix=$c_want ;;
    *) prefix="$dir/$c_want" ;;
    esac
    if [ "$c_cmd" = run ]; then
        # shellcheck disable=SC2086 # ARGS is split on purpose.
        "$DCSIM" run "$c_file" -o "$out" $c_args </dev/null >"$tmp/stdout" \
            2>"$tmp/stderr"
    else
        # shellcheck disable=SC2086
        "$DCSIM" validate "$c_file" $c_args </dev/null >"$tmp/stdout" \
            2>"$tmp/stderr"
    fi
    status=$?
    why=
    [ "$status" -eq 2 ] || why="$why exit status $status, not 2;"
    [ -s "$tmp/stdout" ] && why="$why output on stdout;"
    lines=$(wc -l <"$tmp/stderr")
    [ "$lines" -eq 1 ] || why="$why $lines lines on stderr, not 1;"
    case $(head -n 1 "$tmp/stderr") in
    "$prefix"*) ;;
    *) why="$why stderr does not start with '$prefix';" ;;
    esac
    [ -e "$out" ] && why="$why $out exists;"
    if [ -z "$why" ]; then
        echo "ok $n - $c_cmd $c_name: exit 2, $prefix"
    else
        echo "not ok $n - $c_cmd $c_name:$why"
        sed 's/^/# stderr: /' "$tmp/stderr"
        sed 's/^/# stdout: /' "$tmp/stdout"
        failed=$((failed + 1))
    fi
}

n_cases=$(printf '%s\n' "$cases" | wc -l)
echo "1..$((n_cases * 2 + 2))"

# The valid fixtures validate.
for v in valid.yaml valid-pfc.yaml; do
    n=$((n + 1))
    if "$DCSIM" validate "$dir/$v" >"$tmp/stdout" 2>"$tmp/stderr"; then
        echo "ok $n - validate $v: exit 0"
    else
        echo "not ok $n - validate $v: exit $?"
        sed 's/^/# stderr: /' "$tmp/stderr"
        failed=$((failed + 1))
    fi
done

printf '%s\n' "$cases" >"$tmp/cases"
while IFS='|' read -r name file want args; do
    check "$name" validate "$dir/$file" "$want" "$args"
    check "$name" run "$dir/$file" "$want" "$args"
done <"$tmp/cases"

[ "$failed" -eq 0 ]
