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
on every run's flows."""
import math, sys

def load(path):
    out = {}
    for line in open(path):
        f = line.split()
        if len(f) != 8:
            continue
        key = (f[0], f[1], int(f[4]), int(f[5]))
        out[key] = (int(f[6]), int(f[7]))
    return out

def match(ref, oth):
    """Keys of REF with a flow in OTH of the same hosts and size starting
    within 2 ns (ns-3 takes a start in seconds through a double, which
    may land a nanosecond early), and OTH re-keyed to them."""
    by = {}
    for k in oth:
        by.setdefault(k[:3], []).append(k)
    keys, moved = [], {}
    for k in ref:
        for c in by.get(k[:3], []):
            if abs(c[3] - k[3]) <= 2:
                keys.append(k)
                moved[k] = oth[c]
                break
    return keys, moved

def pct(v, p):
    v = sorted(v)
    return v[max(0, math.ceil(p * len(v)) - 1)] if v else float('nan')

refs = [load(p) for p in sys.argv[1].split(',')]
oths = [load(p) for p in sys.argv[2].split(',')]
ref = refs[0]
na, nb = (sys.argv[3], sys.argv[4]) if len(sys.argv) > 4 else ('reference', 'other')
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
