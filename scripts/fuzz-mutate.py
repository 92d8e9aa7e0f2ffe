#!/usr/bin/env python3
"""Mutation fuzzer for dcsim's scenario input (docs/testing.md).

Takes every scenario it can find (scenarios/, bench/, the YAML files of
tests/ and the literal YAML heredocs of tests/scenarios/*.sh), mutates
each line-wise and value-wise (lines deleted, duplicated or swapped,
values replaced by 0, negative, huge, NaN, empty or wrongly typed ones,
values swapped between keys, files truncated, values nested deeply,
stray bytes), and runs `dcsim validate` and a short `dcsim run` on every
mutant under a timeout.  Bad input must be refused with a
file:line:column message and exit 2, leaving no results directory;
anything else is a finding:

  signal       the process died by a signal (crash, abort)
  sanitizer    ASan/UBSan/LSan reported an error on stderr
  exit N       an exit code other than 0 and 2
  no-location  exit 2 without a `file:line:column:` message
  not-one-line exit 2 with more than the one line of that message
  partial      exit 2 but the results directory exists
  timeout      the run did not finish within --timeout (counted apart,
               not in the exit status: a big mutant may be slow without
               being wrong)

Each finding's mutant, command and stderr go to OUT/findings/.  It needs
no network and only the standard library.  Use the ASan+UBSan binary
(`make SANITIZE=address,undefined`, build-san/dcsim) so that memory and
undefined-behaviour errors show up:

  scripts/fuzz-mutate.py --dcsim build-san/dcsim --count 3000 --seed 1
"""
import argparse
import fnmatch
import glob
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile

VALUES = [
    "0", "-1", "-0", "1", "-5", "2", "1.5", "-1.5", "0.0001", "1e308",
    "-1e308", "1e-308", "99999999999999999999", "18446744073709551615",
    "18446744073709551616", "4294967296", "2147483648", "9223372036854775807",
    "-9223372036854775808", "nan", "NaN", ".nan", "inf", "-inf", ".inf",
    "''", '""', "abc", "~", "null", "true", "false", "[]", "{}", "[1, 2]",
    "{a: 1}", "0x10", "010", "1_000", "0us", "-1us", "1e30us", "1e-30us",
    "nanus", "0Gbps", "-1Gbps", "1e30Gbps", "1e-30bps", "0MB", "-1MB",
    "1e30MB", "0B", "100%", "-1%", "1e3%", "18446744073709551616ps",
    "1s", "1000000s", "h0", "h9999", "spine0", "leaf99", "x" * 300,
    "'\\x00'", "\"\\u0000\"", "&a", "*a", "!!binary AA==", "|", ">",
]

NUMBER = re.compile(r"([:\s\[,])(\d+(?:\.\d+)?)(?=[A-Za-z%]*\s*(?:[,\]}]|$))")
SCALAR = re.compile(r"(:\s+|-\s+|\[\s*|,\s*)([^\s\[\]{},:#][^\[\]{},#]*?)(\s*)(?=[,\]}]|$|\s#)")


def sources(root):
    """Every scenario text the repository holds, as (name, text)."""
    out = []
    pats = ["scenarios/**/*.yaml", "bench/*.yaml", "tests/**/*.yaml"]
    for pat in pats:
        for path in sorted(glob.glob(os.path.join(root, pat), recursive=True)):
            with open(path, encoding="utf-8", errors="replace") as f:
                out.append((os.path.relpath(path, root), f.read()))
    here = re.compile(r"<<-?\s*'?YAML'?\n(.*?)\nYAML\n", re.S)
    for path in sorted(glob.glob(os.path.join(root, "tests/**/*.sh"),
                                 recursive=True)):
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        for i, m in enumerate(here.finditer(text)):
            body = m.group(1)
            if "$" not in body and re.search(r"^topology:", body, re.M):
                out.append(("%s#%d" % (os.path.relpath(path, root), i),
                            body + "\n"))
    return out


def mutate(rng, text):
    """One random mutation of TEXT, and what it was."""
    lines = text.split("\n")
    n = len(lines)
    kind = rng.choice(["value", "value", "value", "number", "number",
                       "number", "swap-values",
                       "delete", "duplicate", "swap-lines", "truncate",
                       "nest", "indent", "bytes", "dup-key", "multi"])
    if kind == "multi":
        for _ in range(rng.randint(2, 5)):
            text, _k = mutate(rng, text)
        return text, "multi"
    if kind == "number":
        # A number scaled or set to an edge, its unit kept: often still
        # valid, so that the short run gets to simulate extremes.
        spots = [(i, m) for i, line in enumerate(lines)
                 for m in NUMBER.finditer(line)]
        if not spots:
            kind = "value"
        else:
            i, m = rng.choice(spots)
            x = float(m.group(2))
            v = rng.choice([0, 1, x * 2, x * 10, x * 1000, x / 10, x / 1000,
                            x + 1, x - 1, 2 ** 32, 2 ** 63])
            v = ("%d" % v) if v == int(v) and abs(v) < 1e19 else ("%g" % v)
            lines[i] = lines[i][:m.start(2)] + v + lines[i][m.end(2):]
            return "\n".join(lines), kind
    if kind in ("value", "swap-values", "nest"):
        spots = [(i, m) for i, line in enumerate(lines)
                 for m in SCALAR.finditer(line)]
        if not spots:
            kind = "delete"
        elif kind == "value" or kind == "nest":
            i, m = rng.choice(spots)
            if kind == "value":
                v = rng.choice(VALUES)
            else:
                d = rng.choice([10, 100, 1000, 5000])
                v = rng.choice(["[" * d + "1" + "]" * d,
                                "{a: " * d + "1" + "}" * d])
            lines[i] = lines[i][:m.start(2)] + v + lines[i][m.end(2):]
            return "\n".join(lines), kind
        else:
            (i, a), (j, b) = rng.choice(spots), rng.choice(spots)
            if i == j:
                return text, "noop"
            va, vb = a.group(2), b.group(2)
            lines[i] = lines[i][:a.start(2)] + vb + lines[i][a.end(2):]
            lines[j] = lines[j][:b.start(2)] + va + lines[j][b.end(2):]
            return "\n".join(lines), kind
    if kind == "delete":
        i = rng.randrange(n)
        del lines[i:i + rng.choice([1, 1, 1, 2, 3])]
    elif kind == "duplicate" or kind == "dup-key":
        i = rng.randrange(n)
        lines.insert(i, lines[i])
    elif kind == "swap-lines":
        i, j = rng.randrange(n), rng.randrange(n)
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "truncate":
        return text[:rng.randrange(len(text) + 1)], kind
    elif kind == "indent":
        i = rng.randrange(n)
        lines[i] = rng.choice(["", " ", "  ", "\t", "      "]) + \
            lines[i].lstrip(" ")
    elif kind == "bytes":
        pos = rng.randrange(len(text) + 1)
        junk = rng.choice(["\x00", "\t", "\r", "\xff", ":", "- ", "{", "]",
                           "'", '"', "&", "*", "%", "@", "\n  x: 1\n"])
        return text[:pos] + junk + text[pos:], kind
    return "\n".join(lines), kind


LOCATION = re.compile(r"^[^\s:][^:\n]*:\d+:\d+: ", re.M)
SANITIZER = re.compile(r"(AddressSanitizer|LeakSanitizer|UndefinedBehavior"
                       r"Sanitizer|runtime error:)")


def judge(rc, err, outdir):
    """The finding of one run, or None."""
    if rc is None:
        return "timeout"
    if SANITIZER.search(err):
        return "sanitizer"
    if rc < 0:
        return "signal %d" % -rc
    if rc not in (0, 2):
        return "exit %d" % rc
    if rc == 2 and not LOCATION.match(err):
        return "no-location"
    if rc == 2 and err.count("\n") != 1:
        return "not-one-line"
    if rc == 2 and outdir and os.path.exists(outdir):
        return "partial"
    return None


def run(cmd, timeout, cwd):
    env = dict(os.environ)
    env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0")
    env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
    try:
        p = subprocess.run(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           timeout=timeout)
        return p.returncode, p.stderr.decode("utf-8", "replace")
    except subprocess.TimeoutExpired as e:
        return None, (e.stderr or b"").decode("utf-8", "replace")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dcsim", default="build-san/dcsim",
                    help="the binary to run (default build-san/dcsim)")
    ap.add_argument("--root", default=".", help="the repository")
    ap.add_argument("--count", type=int, default=1000,
                    help="mutants to run (default 1000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--stop", default="20us",
                    help="the short run's stop time (default 20us)")
    ap.add_argument("--timeout", type=float, default=30,
                    help="seconds per command (default 30)")
    ap.add_argument("--out", default=None,
                    help="where findings go (default a new temporary folder)")
    ap.add_argument("--run-refused", type=float, default=0.25,
                    help="share of the mutants that validate refuses to "
                    "run all the same (default 0.25)")
    ap.add_argument("--only", action="append", default=[], metavar="GLOB",
                    help="mutate only the seeds whose name matches GLOB "
                    "(a path such as scenarios/*.yaml, or tests/scenarios/"
                    "evpn-*.sh#* for a script's heredocs); may be repeated")
    ap.add_argument("--no-run", action="store_true",
                    help="validate only, no short run")
    a = ap.parse_args()

    root = os.path.abspath(a.root)
    dcsim = os.path.abspath(a.dcsim)
    out = a.out or tempfile.mkdtemp(prefix="dcsim-fuzz-")
    os.makedirs(os.path.join(out, "findings"), exist_ok=True)
    work = tempfile.mkdtemp(prefix="work-", dir=out)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    rng = random.Random(a.seed)
    seeds = sources(root)
    if a.only:
        seeds = [(name, text) for name, text in seeds
                 if any(fnmatch.fnmatchcase(name, g) for g in a.only)]
        if not seeds:
            ap.error("no seed matches --only %s" % " ".join(a.only))
    counts = {}
    found = slow = 0
    try:
        for k in range(a.count):
            name, text = rng.choice(seeds)
            mutant, kind = mutate(rng, text)
            # Relative paths (flow files, CDFs) resolve next to the seed.
            base = os.path.dirname(os.path.join(root, name.split("#")[0]))
            path = os.path.join(work, "m.yaml")
            with open(path, "w", encoding="utf-8", errors="replace") as f:
                f.write(mutant)
            outdir = os.path.join(work, "res")
            shutil.rmtree(outdir, ignore_errors=True)
            cmds = [[dcsim, "validate", path]]
            last = None
            if not a.no_run:
                cmds.append([dcsim, "run", path, "-o", outdir, "--quiet",
                             "--no-report", "--set", "stop=" + a.stop])
            for cmd in cmds:
                if "run" in cmd and last == 2 and rng.random() >= a.run_refused:
                    break
                rc, err = run(cmd, a.timeout, base)
                if rc == 2 and "at or after stop" in err and "--set" in cmd:
                    # Events after the short stop: the mutant's own.
                    cmd = cmd[:-2]
                    rc, err = run(cmd, a.timeout, base)
                what = judge(rc, err, outdir if "run" in cmd else None)
                key = "%s exit %s" % (cmd[1], "timeout" if rc is None else rc)
                counts[key] = counts.get(key, 0) + 1
                if what:
                    if what == "timeout":
                        slow += 1
                    else:
                        found += 1
                    tag = "%05d-%s-%s" % (k, cmd[1], re.sub(r"\W", "_", what))
                    with open(os.path.join(out, "findings", tag + ".yaml"),
                              "w", encoding="utf-8", errors="replace") as f:
                        f.write(mutant)
                    with open(os.path.join(out, "findings", tag + ".txt"),
                              "w", encoding="utf-8") as f:
                        f.write("seed file: %s\nmutation: %s\ncommand: %s\n"
                                "exit: %s\n\n%s" % (name, kind, " ".join(cmd),
                                                    rc, err))
                    print("FINDING %s: %s (%s, %s)" % (tag, what, name, kind),
                          flush=True)
                shutil.rmtree(outdir, ignore_errors=True)
                last = rc
            if (k + 1) % 100 == 0:
                print("# %d mutants, %d findings, %d timeouts" % (k + 1, found,
                                                             slow), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("%d mutants of %d seeds (%s), %d findings and %d timeouts in %s"
          % (a.count, len(seeds),
             ", ".join("%s: %d" % (c, v) for c, v in sorted(counts.items())),
             found, slow, os.path.join(out, "findings")))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
