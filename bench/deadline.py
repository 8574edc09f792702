#!/usr/bin/env python3
"""The cost of a call deadline (issue 14: goal at most 5%): each program run with and without
`--timeout`, side by side, in each tier, from a warm code cache (the first run of each
configuration compiles and is not timed). Runs alternate (without, with, without, ...) so a
change in load hits both columns alike; each cell is the best of N wall-clock times.

  bench/deadline.py BUILD_DIR [--runs N] [--tiers jit,interp] WASM:ARGS [WASM:ARGS ...]

e.g. bench/deadline.py build bench/out/wasm/sieve.wasm:60000000 bench/out/wasm/sha256.wasm:200
(bench/run.sh builds bench/out/wasm/). A measurement, never a test.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time


def timed(cmd, env):
    start = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    if r.returncode != 0:
        sys.exit(f"deadline.py: {' '.join(cmd)} failed ({r.returncode}): {r.stderr.decode()[-300:]}")
    return time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--tiers", default="jit,interp")
    ap.add_argument("programs", nargs="+")
    a = ap.parse_args()
    ironclad = os.path.join(a.build, "src", "cli", "ironclad")
    env = dict(os.environ, IRONCLAD_DATA_DIR=tempfile.mkdtemp(prefix="ironclad-deadline-"))
    print(f"{'program':<28} {'tier':<7} {'no deadline':>12} {'deadline':>10} {'ratio':>7}")
    for spec in a.programs:
        wasm, _, args = spec.partition(":")
        for tier in a.tiers.split(","):
            plain = [ironclad, "run", "--tier", tier, wasm, *args.split()]
            deadline = [ironclad, "run", "--tier", tier, "--timeout", "1000", wasm, *args.split()]
            timed(plain, env)  # fills the code cache for each mode (fuel is part of its key)
            timed(deadline, env)
            best_plain = best_deadline = float("inf")
            for _ in range(a.runs):
                best_plain = min(best_plain, timed(plain, env))
                best_deadline = min(best_deadline, timed(deadline, env))
            name = os.path.basename(wasm) + (" " + args if args else "")
            print(f"{name:<28} {tier:<7} {best_plain:>11.3f}s {best_deadline:>9.3f}s "
                  f"{best_deadline / best_plain:>7.3f}", flush=True)


if __name__ == "__main__":
    main()
