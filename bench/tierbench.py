#!/usr/bin/env python3
"""Issue 15's measurements (docs/tiering.md, "Measurements"): the tiered start against the
whole-module JIT, the interpreter and node, side by side in one run, whole process.

  bench/tierbench.py first-output [options] [WORKLOAD...]
      time from spawn to the first byte on stdout, for programs that write a line at once:
      the engine's work before the program's first instruction (plus process start);
      also the process's CPU time and run-queue wait at that byte (schedstat, the child
      stopped while they are read), which a loaded machine does not inflate.
      Default workloads: large:1 large:5500 large:20000 corpus:lua:1:quick corpus:sqlite:1:quick
      Default engines: tiered,jit-cold,jit-warm,interp,node
  bench/tierbench.py totals [options] [WORKLOAD...]
      whole run time of large real programs from a cold cache (every step of the recipe).
      Default workloads: corpus:lua corpus:sqlite corpus:bzip2 corpus:pcre2 corpus:lz4
      corpus:libpng corpus:zlib corpus:rust-regex. Default engines: tiered,jit-cold,interp,node
  bench/tierbench.py steady [options] [WORKLOAD...]
      long runs: tiered against the whole-module JIT from a warm code cache (no compile).
      Default workloads: bench:hash_main:400 bench:sieve:160000000 bench:stackvm:480000
      bench:nbody:16000000
      Default engines: tiered,jit-warm,node

Options:
  --build DIR          where ironclad was built (default build): DIR/src/cli/ironclad
  --corpus DIR         corpus/driver.py's output (default DIR of --build + /corpus)
  --engines a,b        from tiered, tiered-warm, jit-cold, jit-warm, interp, node; an
                       ironclad engine may carry environment settings: tiered+NAME=VALUE
  --tiered-as TIER     the --tier the tiered engines pass (default tiered; `auto`, which
                       is tiered since main 2e990f6, measures the default)
  --runs N             rounds (default 5; each engine once a round, order rotated)
  --limit ENGINE=K     ENGINE runs only the first K rounds (e.g. jit-cold=1: its first output
                       of a 3.6 MiB module is a minute of LLVM)
  --timeout S          per process (default 900)
  --out FILE           also write the tables (with the command and load averages) to FILE

Workload specs are described in bench/tierlib/workloads.py (large:N[:ROUNDS],
bench:NAME[:ARGS], corpus:PROG[:STEP][:quick]); the engines in bench/tierlib/engines.py.
Each cell is best / median of the runs (± the spread (max-min)/min), [the number of runs];
the peak RSS is ru_maxrss of the child from wait4, the largest of its runs; the tail is the
time from the last byte of output to the exit. Every run's output (and, for the corpus,
every file it wrote) must equal the native build's (corpus) or the first run's (the
others), else n/a with the first difference. Needs only what scripts/install-deps.sh installs. A measurement,
never a test.
"""
import argparse
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tierlib import engines as engines_mod  # noqa: E402
from tierlib import measure, report, workloads  # noqa: E402

DEFAULTS = {
    "first-output": (["large:1", "large:5500", "large:20000", "corpus:lua:1:quick",
                      "corpus:sqlite:1:quick"], "tiered,jit-cold,jit-warm,interp,node"),
    "totals": (["corpus:lua", "corpus:sqlite", "corpus:bzip2", "corpus:pcre2", "corpus:lz4",
                "corpus:libpng", "corpus:zlib", "corpus:rust-regex"], "tiered,jit-cold,interp,node"),
    "steady": (["bench:hash_main:400", "bench:sieve:160000000", "bench:stackvm:480000",
               "bench:nbody:16000000"],
               "tiered,jit-warm,node"),
}


def loadavg():
    return "%.2f %.2f %.2f" % os.getloadavg()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=sorted(DEFAULTS))
    ap.add_argument("workload", nargs="*")
    ap.add_argument("--build", default="build")
    ap.add_argument("--corpus", default="")
    ap.add_argument("--engines", default="")
    ap.add_argument("--tiered-as", default="tiered")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--limit", action="append", default=[])
    ap.add_argument("--timeout", type=float, default=900)
    ap.add_argument("--out", default="")
    a = ap.parse_intermixed_args()
    specs, engine_list = DEFAULTS[a.what]
    specs = a.workload or specs
    names = (a.engines or engine_list).split(",")
    for e in names:
        if not engines_mod.known(e):
            sys.exit("tierbench: unknown engine %s (known: %s)" % (e, ", ".join(engines_mod.ENGINES)))
    limits = {k: int(v) for k, v in (x.split("=", 1) for x in a.limit)}
    ironclad = os.path.abspath(os.path.join(a.build, "src", "cli", "ironclad"))
    if not os.access(ironclad, os.X_OK):
        sys.exit("tierbench: no ironclad at %s" % ironclad)
    node = shutil.which("node")
    if "node" in names and not node:
        print("tierbench: node not found: no node column", file=sys.stderr)
        names = [e for e in names if e != "node"]
    corpus_out = os.path.abspath(a.corpus or os.path.join(a.build, "corpus"))

    def log(msg):
        print(msg, file=sys.stderr, flush=True)

    wls = [workloads.parse(s, corpus_out, workloads.driver.default_sources(), log) for s in specs]
    scratch = tempfile.mkdtemp(prefix="tierbench-")
    try:
        eng = engines_mod.Engines(ironclad, node, a.tiered_as, scratch)
        before = loadavg()
        started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        results, native = measure.measure(wls, names, eng, a.runs, limits, a.timeout, scratch, log)
        after = loadavg()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    metric = "first" if a.what == "first-output" else "wall"
    reference = {"first-output": None, "totals": "node" if "node" in names else None,
                 "steady": "jit-warm" if "jit-warm" in names else None}[a.what]
    text = "`%s`\n\n%s; load average %s before, %s after (1/5/15 min).\n\n" % (
        " ".join(["bench/tierbench.py"] + sys.argv[1:]), started, before, after)
    text += report.table(wls, names, results, metric, reference, native if a.what == "totals" else None)
    if a.what == "first-output":
        text += "\n" + report.first_cpu_table(wls, names, results)
        text += "\nWhole run, seconds:\n\n" + report.table(wls, names, results, "wall", notes_on=False)
    text += "\n" + report.cpu_table(wls, names, results)
    sys.stdout.write(text)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
