#!/usr/bin/env python3
"""Side-by-side slowdown percentiles of two fct.txt files in the HPCC
simulator's format (sip dip sport dport size start_time fct standalone_fct;
dcsim writes it with monitor.fct_txt).  Flows are matched by source,
destination, size and start (within 2 ns); both runs' slowdowns are taken over the
REFERENCE file's standalone FCT, so that they differ only by their FCTs.
Usage: fct-compare.py REFERENCE.txt OTHER.txt [NAME_REF NAME_OTHER]
Prints a markdown table: overall and per size bucket (docs/output.md's
buckets), p50/p95/p99 (nearest rank) of each and the relative difference.
Either side may be a comma-separated list of files, runs of the same
inputs with other seeds: its flows are pooled (each run's slowdowns over
the first reference file's standalone FCTs), so that a percentile rests
on every run's flows.

--flows [N] (after the files) adds a flow-by-flow comparison of the first
file of each side, for runs whose flows took the same paths (dcsim's
switch.ecmp_hash: ns3, which `dcsim import ns3` sets): flows matched by
source, destination, source and destination port and start (within
2 ns), the ratio OTHER FCT / REFERENCE FCT of each, its median, p10 and
p90 overall and per size bucket, how many are within 5% and 10%, and the
N (default 10) flows furthest from 1 either way."""
import math, sys

def load(path, ports=False):
    """Flows of an fct.txt by (sip, dip, size, start), or with PORTS by
    (sip, dip, sport, dport, size, start): (fct, standalone fct)."""
    out = {}
    for line in open(path):
        f = line.split()
        if len(f) != 8:
            continue
        if ports:
            key = (f[0], f[1], int(f[2]), int(f[3]), int(f[4]), int(f[5]))
        else:
            key = (f[0], f[1], int(f[4]), int(f[5]))
        out[key] = (int(f[6]), int(f[7]))
    return out

def match(ref, oth):
    """Keys of REF with a flow in OTH of the same hosts and size (and
    ports, if the keys have them) starting within 2 ns (ns-3 takes a
    start in seconds through a double, which may land a nanosecond
    early), and OTH re-keyed to them."""
    by = {}
    for k in oth:
        by.setdefault(k[:-1], []).append(k)
    keys, moved = [], {}
    for k in ref:
        for c in by.get(k[:-1], []):
            if abs(c[-1] - k[-1]) <= 2:
                keys.append(k)
                moved[k] = oth[c]
                break
    return keys, moved

def pct(v, p):
    v = sorted(v)
    return v[max(0, math.ceil(p * len(v)) - 1)] if v else float('nan')

args = sys.argv[1:]
n_outliers = None
if '--flows' in args:
    i = args.index('--flows')
    n_outliers = 10
    if i + 1 < len(args) and args[i + 1].isdigit():
        n_outliers = int(args.pop(i + 1))
    args.pop(i)
if len(args) not in (2, 4):
    sys.exit(__doc__)
refs = [load(p) for p in args[0].split(',')]
oths = [load(p) for p in args[1].split(',')]
ref = refs[0]
na, nb = (args[2], args[3]) if len(args) > 3 else ('reference', 'other')
# Each run of either side, re-keyed to the first reference's flows.
ref_runs = [match(ref, r)[1] for r in refs]
oth_runs = [match(ref, o)[1] for o in oths]
keys = [k for k in ref if all(k in r for r in ref_runs + oth_runs)]
oth = oths[0]
buckets = [('all', 0, 1 << 62), ('<=10KB', 0, 10000), ('10KB-100KB', 10000, 100000),
           ('100KB-1MB', 100000, 1000000), ('1MB-10MB', 1000000, 10000000),
           ('>10MB', 10000000, 1 << 62)]
runs = lambda n: f" x {n} runs pooled" if n > 1 else ""
print(f"flows: {len(ref)} in {na}{runs(len(refs))}, {len(oth)} in {nb}"
      f"{runs(len(oths))}, {len(keys)} matched")
print()
print(f"| sizes | flows | {na} p50 | {nb} p50 | diff | {na} p95 | {nb} p95 | diff | {na} p99 | {nb} p99 | diff |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for name, lo, hi in buckets:
    ks = [k for k in keys if lo < k[2] <= hi]
    a = [r[k][0] / ref[k][1] for r in ref_runs for k in ks]
    b = [o[k][0] / ref[k][1] for o in oth_runs for k in ks]
    row = f"| {name} | {len(ks)} |"
    for p in (0.50, 0.95, 0.99):
        x, y = pct(a, p), pct(b, p)
        d = (y / x - 1) * 100 if ks else float('nan')
        row += f" {x:.3f} | {y:.3f} | {d:+.1f}% |"
    print(row)

if n_outliers is None:
    sys.exit(0)
# Flow by flow: the first run of each side, matched with ports.
fa = load(args[0].split(',')[0], ports=True)
fb = load(args[1].split(',')[0], ports=True)
fkeys, fmoved = match(fa, fb)
print()
print(f"flow by flow ({nb} FCT / {na} FCT, flows matched with ports): "
      f"{len(fkeys)} of {len(fa)} matched")
print()
print("| sizes | flows | median | p10 | p90 | within 5% | within 10% |")
print("|---|---|---|---|---|---|---|")
for name, lo, hi in buckets:
    ks = [k for k in fkeys if lo < k[4] <= hi]
    r = [fmoved[k][0] / fa[k][0] for k in ks]
    w5 = sum(abs(x - 1) <= 0.05 for x in r)
    w10 = sum(abs(x - 1) <= 0.10 for x in r)
    n = max(len(r), 1)
    print(f"| {name} | {len(ks)} | {pct(r, 0.5):.3f} | {pct(r, 0.1):.3f} | "
          f"{pct(r, 0.9):.3f} | {w5} ({100 * w5 / n:.0f}%) | "
          f"{w10} ({100 * w10 / n:.0f}%) |")
if n_outliers:
    print()
    print(f"| sip | dip | sport | size | start (ns) | {na} FCT | {nb} FCT | ratio |")
    print("|---|---|---|---|---|---|---|---|")
    worst = sorted(fkeys, key=lambda k: -abs(math.log(fmoved[k][0] / fa[k][0])))
    for k in worst[:n_outliers]:
        print(f"| {k[0]} | {k[1]} | {k[2]} | {k[4]} | {k[5]} | {fa[k][0]} | "
              f"{fmoved[k][0]} | {fmoved[k][0] / fa[k][0]:.3f} |")
