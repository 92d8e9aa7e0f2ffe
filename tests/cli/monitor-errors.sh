#!/bin/sh
# Bad `monitor` sections: `dcsim validate` and `dcsim run -o DIR` exit 2,
# print one line on stderr that starts with FILE:LINE:COL of the mistake
# and names it, print nothing on stdout, and leave no DIR behind.  A good
# section validates, so the cases fail for their own reason.
set -u
DCSIM=${DCSIM:-./dcsim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
failed=0
t() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi; }

# scenario MONITOR: a small fabric with the given monitor section (lines
# 5 onwards).
scenario() {
    cat <<YAML
topology: {type: spine-leaf, spines: 2, leaves: 2, servers_per_leaf: 2}
traffic:
  - pattern: flows
    flows: [{src: h0, dst: h3, size: 10KB}]
$1
YAML
}

scenario 'monitor: {interval: 10us, queues: [leaf0->spine1, leaf1, h0]}' >"$tmp/good.yaml"
"$DCSIM" validate "$tmp/good.yaml" >/dev/null 2>"$tmp/err"
t $? "a good monitor section validates"

# check NAME MONITOR LINE:COL WANT: both commands reject the scenario.
check() {
    f=$tmp/$1.yaml
    scenario "$2" >"$f"
    for cmd in validate run; do
        out=$tmp/out-$1-$cmd
        if [ $cmd = run ]; then
            "$DCSIM" run "$f" -o "$out" >"$tmp/stdout" 2>"$tmp/stderr"
        else
            "$DCSIM" validate "$f" >"$tmp/stdout" 2>"$tmp/stderr"
        fi
        status=$?
        why=
        [ $status -eq 2 ] || why="$why exit $status;"
        [ -s "$tmp/stdout" ] && why="$why stdout not empty;"
        [ "$(wc -l <"$tmp/stderr")" -eq 1 ] || why="$why not one line on stderr;"
        case $(cat "$tmp/stderr") in
        "$f:$3: "*"$4"*) ;;
        *) why="$why stderr is not '$f:$3: ...$4...';" ;;
        esac
        [ -e "$out" ] && why="$why $out exists;"
        t "$([ -z "$why" ]; echo $?)" "$cmd $1: exit 2 at $3${why:+:$why}"
        [ -z "$why" ] || sed 's/^/# stderr: /' "$tmp/stderr"
    done
}

check unknown-node 'monitor: {interval: 10us, queues: [leaf0->spine1, leaf9]}' \
    5:51 "monitor.queues.1 is 'leaf9' (no node named 'leaf9')"
check unknown-peer 'monitor: {interval: 10us, queues: [leaf0->spine7]}' \
    5:36 "monitor.queues.0 is 'leaf0->spine7' (no node named 'spine7')"
check unknown-from 'monitor: {interval: 10us, queues: [leaf7->spine0]}' \
    5:36 "(no node named 'leaf7')"
check no-link 'monitor: {interval: 10us, queues: [leaf0->leaf1]}' \
    5:36 "(leaf0 has no link to leaf1)"
check host-no-link 'monitor: {interval: 10us, queues: [h0->h1]}' \
    5:36 "(h0 has no link to h1)"
check empty-peer 'monitor: {interval: 10us, queues: [leaf0->]}' \
    5:36 "(an empty node name)"
check no-interval 'monitor: {queues: [leaf0]}' \
    5:10 "missing required key 'interval' in monitor"
check no-queues 'monitor: {interval: 1us}' \
    5:10 "missing required key 'queues' in monitor"
check zero-interval 'monitor: {interval: 0, queues: [leaf0]}' \
    5:21 "monitor.interval is '0' (must be greater than zero)"
check bare-interval 'monitor: {interval: 10, queues: [leaf0]}' \
    5:21 "monitor.interval is '10'"
check empty-queues 'monitor: {interval: 1us, queues: []}' \
    5:34 "monitor.queues is a sequence; expected a non-empty sequence"
check queues-scalar 'monitor: {interval: 1us, queues: leaf0}' \
    5:34 "monitor.queues is 'leaf0'; expected a non-empty sequence"
check queue-mapping 'monitor: {interval: 1us, queues: [{node: leaf0}]}' \
    5:35 "monitor.queues.0 is a mapping; expected a node name"
check unknown-key 'monitor: {interval: 1us, queues: [leaf0], tc: 3}' \
    5:43 "unknown key 'tc' in monitor; expected one of: interval, queues"
check not-mapping 'monitor: [leaf0]' \
    5:10 "monitor is a sequence; expected a mapping with interval and queues"


# monitor.breakdown: one flow id of the workload, alone or beside a
# sampler.
scenario 'monitor: {breakdown: 0}' >"$tmp/good-bd.yaml"
"$DCSIM" validate "$tmp/good-bd.yaml" >/dev/null 2>"$tmp/err"
t $? "a breakdown alone validates"
scenario 'monitor: {interval: 1us, queues: [leaf0], breakdown: 0}' >"$tmp/good-bd2.yaml"
"$DCSIM" validate "$tmp/good-bd2.yaml" >/dev/null 2>"$tmp/err"
t $? "a breakdown beside queues validates"
check bd-negative 'monitor: {breakdown: -1}' \
    5:22 "monitor.breakdown is '-1'"
check bd-name 'monitor: {breakdown: h0}' \
    5:22 "monitor.breakdown is 'h0'"
check bd-sequence 'monitor: {breakdown: [0]}' \
    5:22 "monitor.breakdown is a sequence"
check bd-fraction 'monitor: {breakdown: 0.5}' \
    5:22 "monitor.breakdown is '0.5'"
check bd-no-flow 'monitor: {breakdown: 1}' \
    5:22 "monitor.breakdown: flow 1 is not in the workload (1 flows at the start)"
check bd-interval 'monitor: {interval: 1us, breakdown: 0}' \
    5:21 "monitor.interval: nothing to sample; expected queues, qps, links or tcp"
check bd-no-interval 'monitor: {queues: [leaf0], breakdown: 0}' \
    5:10 "missing required key 'interval' in monitor"


# monitor.links and monitor.tcp: series written as they are sampled.
scenario 'monitor: {interval: 1us, links: [leaf0->spine1, h0], tcp: [0]}' \
    | sed 's/flows: \[/protocol: tcp\n    flows: [/' >"$tmp/good-series.yaml"
"$DCSIM" validate "$tmp/good-series.yaml" >/dev/null 2>"$tmp/err"
t $? "links and tcp validate"
check links-unknown 'monitor: {interval: 1us, links: [leaf0->spine9]}' \
    5:34 "monitor.links.0 is 'leaf0->spine9' (no node named 'spine9')"
check links-empty 'monitor: {interval: 1us, links: []}' \
    5:33 "monitor.links is a sequence; expected a non-empty sequence"
check links-scalar 'monitor: {interval: 1us, links: h0}' \
    5:33 "monitor.links is 'h0'; expected a non-empty sequence"
check links-no-interval 'monitor: {links: [h0]}' \
    5:10 "missing required key 'interval' in monitor"
check tcp-name 'monitor: {interval: 1us, tcp: [h0]}' \
    5:32 "monitor.tcp.0 is 'h0'"
check tcp-empty 'monitor: {interval: 1us, tcp: []}' \
    5:31 "monitor.tcp is a sequence; expected a non-empty sequence"
check tcp-not-tcp 'monitor: {interval: 1us, tcp: [0]}' \
    5:31 "monitor.tcp.0: flow 0 is not a TCP flow"
check tcp-no-flow 'monitor: {interval: 1us, tcp: [7]}' \
    5:31 "monitor.tcp.0: flow 7 is not in the workload"

# monitor.pcap: a mapping of ports, start, stop and snaplen.
scenario 'monitor: {pcap: {ports: [h0, leaf0->h0], start: 1us, stop: 2ms, snaplen: 96}}' \
    >"$tmp/good-pcap.yaml"
"$DCSIM" validate "$tmp/good-pcap.yaml" >/dev/null 2>"$tmp/err"
t $? "a capture alone validates"
check pcap-start-late "$(printf 'stop: 1ms\nmonitor: {pcap: {ports: [h0], start: 2ms}}')" \
    6:38 "monitor.pcap.start is 2000 us, at or after stop (1000 us): no frame would be captured; expected an earlier time"
check pcap-scalar 'monitor: {pcap: h0}' \
    5:17 "monitor.pcap is 'h0'; expected a mapping with ports"
check pcap-no-ports 'monitor: {pcap: {snaplen: 64}}' \
    5:17 "missing required key 'ports' in monitor.pcap"
check pcap-unknown-key 'monitor: {pcap: {ports: [h0], count: 3}}' \
    5:31 "unknown key 'count' in monitor.pcap; expected one of: ports, start, stop, snaplen"
check pcap-empty-ports 'monitor: {pcap: {ports: []}}' \
    5:25 "monitor.pcap.ports is a sequence; expected a non-empty sequence"
check pcap-unknown-port 'monitor: {pcap: {ports: [h0->h9]}}' \
    5:26 "monitor.pcap.ports.0 is 'h0->h9' (no node named 'h9')"
check pcap-no-link 'monitor: {pcap: {ports: [h0->h1]}}' \
    5:26 "(h0 has no link to h1)"
check pcap-snaplen-zero 'monitor: {pcap: {ports: [h0], snaplen: 0}}' \
    5:40 "monitor.pcap.snaplen is '0'"
check pcap-snaplen-big 'monitor: {pcap: {ports: [h0], snaplen: 262145}}' \
    5:40 "monitor.pcap.snaplen is '262145'"
check pcap-start-bare 'monitor: {pcap: {ports: [h0], start: 10}}' \
    5:38 "monitor.pcap.start is '10'"
check pcap-stop-word 'monitor: {pcap: {ports: [h0], stop: never}}' \
    5:37 "monitor.pcap.stop is 'never'"
check pcap-stop-before 'monitor: {pcap: {ports: [h0], start: 1ms, stop: 1ms}}' \
    5:49 "monitor.pcap.stop is '1ms' (not after monitor.pcap.start)"
check pcap-interval 'monitor: {interval: 1us, pcap: {ports: [h0]}}' \
    5:21 "monitor.interval: nothing to sample"

echo "1..$n"
[ "$failed" -eq 0 ]
