#!/usr/bin/env python3
"""The phases of start-up (`ironclad run --show-start`), side by side for several
configurations, rounds interleaved (docs/tiering.md, "Start-up").

usage: bench/start_phases.py BUILD_DIR [--runs N] [--config NAME=ENV,...]... WASM [ARGS...]

Each --config is a name and environment variables (e.g. serial=IRONCLAD_VALIDATION_THREADS=1;
default: one config "default" with nothing set). Each round runs every config once, in
rotated order, with --no-code-cache (a cold start: nothing compiled is reused) on a data
directory of its own that an untimed first run created (its first creation, with the
fsyncs of a new quarantine database, is not what a user's every start pays). Prints, per config and
phase, the median and the range of wall and CPU milliseconds, and the first instruction's
CPU time since the process started and wall time since main.
"""
import os
import re
import statistics
import subprocess
import sys
import tempfile

LINE = re.compile(r"ironclad: start: (.+?) (\d+\.\d) ms wall, (\d+\.\d) ms CPU$")
MAIN = re.compile(r"ironclad: start: before main (\d+\.\d) ms CPU$")
FIRST = re.compile(r"ironclad: start: first instruction at (\d+\.\d) ms CPU since the process "
                   r"started, (\d+\.\d) ms wall since main$")


def run_once(ironclad, data_dir, env_extra, wasm_args):
    env = dict(os.environ, **env_extra)
    p = subprocess.run([ironclad, "run", "--data-dir", data_dir, "--no-code-cache", "--show-start"]
                       + wasm_args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       text=True)
    phases = {}
    for line in p.stderr.splitlines():
        if m := MAIN.match(line):
            phases["before main"] = (None, float(m.group(1)))
        elif m := FIRST.match(line):
            phases["FIRST INSTRUCTION (since start / main)"] = (float(m.group(2)),
                                                               float(m.group(1)))
        elif m := LINE.match(line):
            phases[m.group(1)] = (float(m.group(2)), float(m.group(3)))
    if "FIRST INSTRUCTION (since start / main)" not in phases:
        sys.exit("no first instruction in: " + p.stderr)
    return phases


def main(argv):
    build, runs, configs, rest = argv[0], 5, [], argv[1:]
    while rest and rest[0].startswith("--"):
        if rest[0] == "--runs":
            runs, rest = int(rest[1]), rest[2:]
        elif rest[0] == "--config":
            name, _, env = rest[1].partition("=")
            configs.append((name, dict(kv.split("=", 1) for kv in env.split(",") if kv)))
            rest = rest[2:]
        else:
            sys.exit(__doc__)
    if not rest:
        sys.exit(__doc__)
    configs = configs or [("default", {})]
    ironclad = os.path.join(build, "src/cli/ironclad")
    results = {name: [] for name, _ in configs}
    with tempfile.TemporaryDirectory() as data_dir:
        run_once(ironclad, data_dir, {}, rest)
        for r in range(runs):
            order = configs[r % len(configs):] + configs[:r % len(configs)]
            for name, env in order:
                results[name].append(run_once(ironclad, data_dir, env, rest))
    print("load average: %.1f %.1f %.1f" % os.getloadavg())
    print("%s, %d runs; median [min-max] ms" % (" ".join(rest), runs))
    for name, _ in configs:
        print("== %s" % name)
        for phase in results[name][0]:
            walls = [p[phase][0] for p in results[name] if phase in p and p[phase][0] is not None]
            cpus = [p[phase][1] for p in results[name] if phase in p]
            wall = ("wall %7.1f [%.1f-%.1f]" % (statistics.median(walls), min(walls), max(walls))
                    if walls else " " * 22)
            print("  %-40s %s  CPU %7.1f [%.1f-%.1f]" % (phase, wall, statistics.median(cpus),
                                                          min(cpus), max(cpus)))


if __name__ == "__main__":
    main(sys.argv[1:])
