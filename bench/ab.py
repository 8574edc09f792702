#!/usr/bin/env python3
"""Two ironclad binaries side by side on the benchmark programs (bench/programs/), in one
tier: the cost or gain of an engine change, measured in one run (docs/benchmarks.md).

    bench/ab.py --a OLD/ironclad --b NEW/ironclad [--tier interp] [--runs 5]
                [--env NAME=VALUE ...] NAME[=ARG] ...

Each program is built to wasm32-wasi as bench/run.sh builds it (into bench/out/wasm/, kept
between runs). The runs alternate A, B, A, B... (a change in machine load hits both alike);
each cell is the best wall time of N whole-process runs, and a run counts only when it prints
the other binary's `checksum:` line. Prints a Markdown table with B/A per program and the
geometric mean. A measurement, never a test.
"""
import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import geomean, measure  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def build_wasm(out, name, cc):
    src = os.path.join(HERE, "programs", name + ".c")
    wasm = os.path.join(out, "wasm", name + ".wasm")
    if os.path.exists(wasm) and os.path.getmtime(wasm) >= os.path.getmtime(src):
        return wasm
    # clang runs wasm-opt after the link when it finds one: a no-op one comes first
    # (--no-wasm-opt makes Debian's clang 19.1.7 skip the link; see bench/run.sh).
    no_opt = os.path.join(out, "no-wasm-opt")
    os.makedirs(no_opt, exist_ok=True)
    os.makedirs(os.path.dirname(wasm), exist_ok=True)
    with open(os.path.join(no_opt, "wasm-opt"), "w") as f:
        f.write("#!/bin/sh\nexit 0\n")
    os.chmod(os.path.join(no_opt, "wasm-opt"), 0o755)
    cmd = [cc, "--target=wasm32-wasi", "--sysroot=/usr", "-B" + no_opt, "-O2", "-Wall",
           "-D_WASI_EMULATED_PROCESS_CLOCKS"]
    if name.endswith("_simd"):
        cmd.append("-msimd128")
    cmd += [src, "-o", wasm, "-lwasi-emulated-process-clocks", "-lm"]
    subprocess.run(cmd, check=True)
    if not os.path.exists(wasm):
        sys.exit("ab.py: %s was not built" % wasm)
    return wasm


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--a", required=True, help="the baseline ironclad binary")
    ap.add_argument("--b", required=True, help="the changed ironclad binary")
    ap.add_argument("--tier", default="interp")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--env", action="append", default=[], help="NAME=VALUE for both runs")
    ap.add_argument("--out", default=os.path.join(HERE, "out"))
    ap.add_argument("programs", nargs="+", help="NAME or NAME=ARG")
    a = ap.parse_args()
    env_prefix = ["env"] + a.env
    cc = os.environ.get("CC", "clang-19")

    rows, ratios = [], []
    for spec in a.programs:
        name, _, arg = spec.partition("=")
        wasm = build_wasm(a.out, name, cc)
        args = [arg] if arg else []
        cmds = [(k, env_prefix + [exe, "run", "--tier", a.tier, wasm] + args, True)
                for k, exe in (("A", a.a), ("B", a.b))]
        res = measure(cmds, a.runs, a.timeout)
        (ta, ca, ea), (tb, cb, eb) = res["A"], res["B"]
        if ea or eb or ca != cb:
            why = ea or eb or "checksums differ: %s / %s" % (ca, cb)
            rows.append("| %s | n/a | n/a | %s |" % (spec, why))
        else:
            ratios.append(tb / ta)
            rows.append("| %s | %.3f | %.3f | %.3f |" % (spec, ta, tb, tb / ta))
        print(rows[-1], file=sys.stderr, flush=True)
    print("A: %s\nB: %s\ntier %s, best of %d, %s\n" % (a.a, a.b, a.tier, a.runs,
                                                      " ".join(a.env) or "no extra environment"))
    print("| program | A s | B s | B/A |")
    print("|---|---:|---:|---:|")
    for r in rows:
        print(r)
    g = geomean(ratios)
    print("| **geomean** | | | **%s** |" % ("%.3f" % g if g else "n/a"))


if __name__ == "__main__":
    main()
