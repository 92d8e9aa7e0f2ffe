#!/bin/sh
# switch.ecmp_hash: ns3, the HPCC ns-3 simulator's ECMP choice.  An
# independent Python model of the simulator (its next-hop order and its
# MurmurHash3) is first checked against the simulator's own routing
# tables for the paper's fat-tree (ns3/fat-routes.txt, dumped from the
# simulator built here); then every flow of an imported study must take
# the path the model gives it, with the source port the simulator gives
# it (numbered per host pair).  Bad input: FILE:LINE:COL, exit 2.
set -u
. "$(dirname "$0")/../lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
bench=$here/../../bench/ns3/mix

# scenario TEXT: the importer's node names, TEXT on line 3 (P: the
# flow's protocol, roce).
scenario() {
    cat <<YAML
name: ns3-ecmp-bad
topology: {type: explicit, nodes: [{name: h0, kind: host}, {name: h1, kind: host}, {name: s2, kind: switch}], links: [{a: h0, b: s2, rate: 100Gbps, delay: 1us}, {a: h1, b: s2, rate: 100Gbps, delay: 1us}]}
$1
traffic:
  - {pattern: flows, protocol: ${P:-roce}, flows: [{src: h0, dst: h1, size: 1MB, tc: 3}]}
YAML
}
check() { refused_as "$@"; }
scenario 'switch: {ecmp_hash: ns3}' >"$tmp/good.yaml"
"$DCSIM" validate "$tmp/good.yaml" >/dev/null 2>"$tmp/err"
t $? "a good switch.ecmp_hash: ns3 validates"
check bad-value 'switch: {ecmp_hash: murmur}' 3:21 "switch.ecmp_hash is 'murmur'; expected one of: crc, ns3"
check not-scalar 'switch: {ecmp_hash: [ns3]}' 3:21 "switch.ecmp_hash"
check with-seed 'switch: {ecmp_seed: 7, ecmp_hash: ns3}' 3:10 "switch.ecmp_seed given with switch.ecmp_hash ns3"
check overlay 'overlay: {tenants: [{name: a, vni: 1, hosts: [h0, h1]}]}
switch: {ecmp_hash: ns3}' 4:10 "switch.ecmp_hash ns3 with an overlay"
sed 's/h1/leaf1/g' "$tmp/good.yaml" >"$tmp/named.yaml"
refused named "$tmp/named.yaml" "3:10: " "host 'leaf1' is not named by a simulator node id"
sed 's/s2/s02/g' "$tmp/good.yaml" >"$tmp/zero.yaml"
refused leading-zero "$tmp/zero.yaml" "3:10: " "switch 's02' is not named by a simulator node id"
P=ib check infiniband 'fabric: infiniband
switch: {ecmp_hash: ns3}' 4:10 "switch.ecmp_hash ns3 with fabric infiniband"

if ! command -v python3 >/dev/null; then
    skip "no python3" "the Python model of the simulator's routing"
    echo "1..$n"
    exit 0
fi
# The model: third.cc's CalculateRoute (a node's neighbours: switches by
# decreasing id, parallel cables once) and SwitchNode::EcmpHash.
cat >"$tmp/model.py" <<'PY'
import sys
M = 0xffffffff
def rotl(x, r): return ((x << r) | (x >> (32 - r))) & M
def murmur3(data, seed):
    h, n = seed, len(data)
    for i in range(0, n - n % 4, 4):
        k = int.from_bytes(data[i:i + 4], 'little')
        k = rotl(k * 0xcc9e2d51 & M, 15) * 0x1b873593 & M
        h = (rotl(h ^ k, 13) * 5 + 0xe6546b64) & M
    k = int.from_bytes(data[n - n % 4:], 'little')
    if n % 4:
        h ^= rotl(k * 0xcc9e2d51 & M, 15) * 0x1b873593 & M
    h ^= n
    h = (h ^ h >> 16) * 0x85ebca6b & M
    h = (h ^ h >> 13) * 0xc2b2ae35 & M
    return h ^ h >> 16
# The published MurmurHash3_x86_32 vectors first.
assert murmur3(b'', 1) == 0x514E28B7 and murmur3(b'\0' * 4, 0) == 0x2362F9DE
assert murmur3(b'Hello, world!', 0x9747b28c) == 0x24884CBA
assert murmur3(b'The quick brown fox jumps over the lazy dog', 0x9747b28c) == 0x2FA826CD
t = open(sys.argv[1]).read().split()
nn, ns, nl = int(t[0]), int(t[1]), int(t[2])
sw = set(int(x) for x in t[3:3 + ns])
nbr = {i: set() for i in range(nn)}
for i in range(nl):
    a, b = int(t[3 + ns + 5 * i]), int(t[4 + ns + 5 * i])
    nbr[a].add(b); nbr[b].add(a)
order = lambda x: (x in sw, -x if x in sw else x)
nh = {}
for host in (i for i in range(nn) if i not in sw):
    q, dis, i = [host], {host: 0}, 0
    while i < len(q):
        now = q[i]; i += 1
        for nx in sorted(nbr[now], key=order):
            if nx not in dis:
                dis[nx] = dis[now] + 1
                if nx in sw: q.append(nx)
            if dis[now] + 1 == dis[nx]:
                nh.setdefault((nx, host), []).append(now)
if sys.argv[2] == 'routes':
    bad = 0
    for line in open(sys.argv[3]):
        if line.startswith('#'): continue
        s, d, hops = line.split()
        bad += nh[(int(s), int(d))] != [int(x) for x in hops.split(',')]
    print(bad)
    sys.exit(0)
ip = lambda i: 0x0b000001 + ((i // 256) << 16) + ((i % 256) << 8)
f = open(sys.argv[3]).read().split()
ports = {}
for i in range(int(f[0])):
    s, d, pg, dport = (int(x) for x in f[1 + 6 * i:5 + 6 * i])
    sport = ports.get((s, d), 10000); ports[(s, d)] = sport + 1
    at, path = next(x for x in nbr[s] if x in sw), []
    while True:
        path.append('s%d' % at)
        if d in nbr[at]: break
        hops = nh[(at, d)]
        key = b''.join(w.to_bytes(4, 'little') for w in (ip(s), ip(d), sport | dport << 16))
        at = hops[murmur3(key, at) % len(hops)]
    print('h%d,h%d,%d,%s' % (s, d, sport, '>'.join(path)))
PY
bad=$(python3 "$tmp/model.py" "$bench/fat.txt" routes "$here/ns3/fat-routes.txt")
t $? "the model's MurmurHash3 gives the published vectors"
[ "$bad" = 0 ]
t $? "the model's next hops are the simulator's own tables (ns3/fat-routes.txt: $(grep -vc '^#' "$here/ns3/fat-routes.txt") entries, $bad differ)"

# 200 flows of bench/ns3's WebSearch trace, 10 KB each, some host pairs
# twice or more, imported with the HPCC config.
mkdir -p "$tmp/sim/mix" && cd "$tmp/sim" || exit 1
cp "$bench/fat.txt" "$bench/trace.txt" mix/
sed 's/^FLOW_FILE .*/FLOW_FILE mix\/f.txt/' "$bench/config_fat_ws30_hp95ai50.txt" >mix/c.txt
awk 'NR == 1 { print 200; next } NR <= 201 { $5 = 10000; print;
     if (NR % 4 == 0) print }' "$bench/ws30.txt" | awk 'NR == 1 || NR <= 201' >mix/f.txt
"$DCSIM" import ns3 mix/c.txt -o "$tmp/s.yaml" 2>/dev/null &&
    grep -q '^  ecmp_hash: ns3$' "$tmp/s.yaml"
t $? "dcsim import ns3 writes switch.ecmp_hash: ns3"
"$DCSIM" run "$tmp/s.yaml" -o "$tmp/out" --quiet --no-report
t $? "the imported study runs"
python3 "$tmp/model.py" mix/fat.txt paths mix/f.txt >"$tmp/want"
[ "$(sort -u "$tmp/want" | cut -d, -f1,2 | sort | uniq -d | wc -l)" -gt 10 ]
t $? "the flow list has repeated host pairs ($(cut -d, -f1,2 "$tmp/want" | sort | uniq -d | wc -l))"
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
         { print $h["src"] "," $h["dst"] "," $h["path"] }' "$tmp/out/flows.csv" >"$tmp/got-paths"
cut -d, -f1,2,4 "$tmp/want" | diff - "$tmp/got-paths" >"$tmp/diff"
t $? "all $(wc -l <"$tmp/want") flows take the model's path ($(grep -c '^>' "$tmp/diff") differ)"
python3 -c '
import sys
for l in open(sys.argv[1]):
    s, d, sp = l.split()[:3]
    i = lambda a: (int(a, 16) - 0x0b000001) // 256 // 256 * 256 + ((int(a, 16) - 0x0b000001) // 256) % 256
    print("h%d,h%d,%s" % (i(s), i(d), sp))' "$tmp/out/fct.txt" | sort >"$tmp/got-ports"
cut -d, -f1-3 "$tmp/want" | sort | diff - "$tmp/got-ports" >/dev/null
t $? "and the source port the simulator gives it (per host pair, from 10000)"
echo "1..$n"
