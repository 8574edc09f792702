#!/usr/bin/env python3
"""The cost of a call deadline (issue 14: goal at most 5%): each program run with and without
`--timeout`, side by side, in each tier, from a warm code cache (the first run of each
configuration compiles and is not timed). Runs alternate (without, with, without, ...) so a
change in load hits both columns alike; each cell is the best of N wall-clock times.

  bench/deadline.py BUILD_DIR [--runs N] [--tiers jit,interp] [--dir HOST::GUEST]
                    WASM:ARGS [WASM:ARGS ...]

e.g. bench/deadline.py build bench/out/wasm/sieve.wasm:60000000 bench/out/wasm/sha256.wasm:200
(bench/run.sh builds bench/out/wasm/); for the corpus (`make corpus` builds it), with the
program's work directory preopened: bench/deadline.py build --dir build/corpus/runs/lua/interp::.
build/corpus/lua/wasm/lua.wasm:"workload.lua 10". Each cell is the best of N wall-clock times and
the best of N user CPU times (the user time varies less when other processes share the cores).
The program's output goes to a file: a program may refuse /dev/null (bzip2 takes it for a
terminal). A measurement, never a test.
"""
import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time


def timed(cmd, env, out):
    """(wall seconds, user CPU seconds) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
    start = time.perf_counter()
    with open(out, "wb") as sink:
        r = subprocess.run(cmd, stdout=sink, stderr=subprocess.PIPE, env=env)
    wall = time.perf_counter() - start
    if r.returncode != 0:
        sys.exit(f"deadline.py: {' '.join(cmd)} failed ({r.returncode}): {r.stderr.decode()[-300:]}")
    return wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime - before


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--tiers", default="jit,interp")
    ap.add_argument("--dir", default="", help="a preopen for every run (HOST::GUEST)")
    ap.add_argument("programs", nargs="+")
    a = ap.parse_args()
    ironclad = os.path.join(a.build, "src", "cli", "ironclad")
    env = dict(os.environ, IRONCLAD_DATA_DIR=tempfile.mkdtemp(prefix="ironclad-deadline-"))
    out = os.path.join(env["IRONCLAD_DATA_DIR"], "stdout")
    pre = ["--dir", a.dir] if a.dir else []
    print(f"{'program':<28} {'tier':<7} {'no deadline':>12} {'deadline':>10} {'ratio':>7} "
          f"{'user ratio':>10}")
    for spec in a.programs:
        wasm, _, args = spec.partition(":")
        for tier in a.tiers.split(","):
            plain = [ironclad, "run", "--tier", tier, *pre, wasm, *args.split()]
            deadline = [ironclad, "run", "--tier", tier, "--timeout", "1000", *pre, wasm,
                        *args.split()]
            # Fills the code cache for each mode (the budget-check mode is part of its key).
            timed(plain, env, out)
            timed(deadline, env, out)
            best = {"plain": [float("inf")] * 2, "deadline": [float("inf")] * 2}
            for _ in range(a.runs):
                for key, cmd in (("plain", plain), ("deadline", deadline)):
                    best[key] = [min(b, t) for b, t in zip(best[key], timed(cmd, env, out))]
            (pw, pu), (dw, du) = best["plain"], best["deadline"]
            name = os.path.basename(wasm) + (" " + args if args else "")
            print(f"{name:<28} {tier:<7} {pw:>11.3f}s {dw:>9.3f}s {dw / pw:>7.3f} "
                  f"{du / pu:>10.3f}", flush=True)


if __name__ == "__main__":
    main()
