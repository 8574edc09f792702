#!/usr/bin/env python3
"""The real-program corpus: builds third-party programs natively and to wasm, runs them in
every Ironclad tier and in node, and compares each run with the native build's.

  driver.py build [--programs a,b] [--subset]           native and wasm binaries
  driver.py check [--programs a,b] [--subset] [--tiers t1,t2] [--runs N] [--table FILE]
  driver.py list                                          the programs and their tiers

Each program is a folder corpus/NAME/ with recipe.toml (what to fetch, what to run, what to
compare) and build.sh (how to build it, once per target). docs/corpus.md describes both.
A run's transcript is, per step: the command, its exit status, its stdout (text lines, or a
size and hash when binary or captured to a file) and every output file the recipe names.
A tier passes when its transcript equals the native one; otherwise the first differing
line is printed. Exit status: 0 all as expected, 1 a mismatch (or an unexpected pass of a
known failure), 77 nothing could run because the sources are not fetched.
"""
import argparse
import glob
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SKIP = 77

# The tiers: name -> how to run FILE.wasm ARGS (see tier_argv). Order is the table's order.
TIERS = ["interp", "jit-conservative", "jit-native", "jit-baseline", "jit-sse2",
         "jit-artifact", "tiered", "node"]
# Not in the default list: the same runs under a call deadline far beyond any run
# (`--timeout 1000`), to check the results under the deadline's checks and to measure their
# cost against the columns without (docs/benchmarks.md, "The cost of a call deadline").
DEADLINE_TIERS = ["interp-deadline", "jit-deadline"]
# --quick (make test) runs four of them: the interpreter, the JIT at its two ends (SSE2 only;
# conservative, through an artifact, so the artifact path is covered too) and node. Each
# JIT configuration compiles the whole module with LLVM, which is most of a quick run's time.
QUICK_TIERS = ["interp", "jit-sse2", "jit-artifact", "node"]
JIT_FLAGS = {
    "jit-conservative": ["--tier", "jit", "--policy", "conservative"],
    "jit-native": ["--tier", "jit", "--policy", "native"],
    "jit-baseline": ["--tier", "jit", "--policy", "baseline"],
    "jit-sse2": ["--tier", "jit", "--cpu", "x86-64-v1"],
    "jit-deadline": ["--tier", "jit", "--policy", "conservative", "--timeout", "1000"],
    "interp-deadline": ["--tier", "interp", "--timeout", "1000"],
    # Interpreter first, background compiles, on-stack replacement (docs/tiering.md).
    "tiered": ["--tier", "tiered"],
}


def default_sources():
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.environ.get("IRONCLAD_CORPUS_SRC") or os.path.join(cache, "ironclad", "corpus-src")


class Program:
    def __init__(self, name):
        self.name = name
        self.dir = os.path.join(HERE, name)
        with open(os.path.join(self.dir, "recipe.toml"), "rb") as f:
            r = tomllib.load(f)
        self.recipe = r
        self.packages = r.get("packages", [])
        self.language = r.get("language", "?")
        self.summary = r.get("summary", "")
        self.subset = bool(r.get("subset", False))
        self.inputs = r.get("input", [])
        self.steps = r.get("step", [])
        self.timeout = float(r.get("timeout", 900))
        # Tiers this program is known to fail in: {tier: reason}. A known failure that passes
        # is reported, so the list cannot go stale.
        self.known = {k: v for k, v in r.get("known_failures", {}).items()}

    def sources_present(self, src):
        return [p for p in self.packages
                if not os.path.isfile(os.path.join(src, p, ".fetched"))]


def all_programs():
    names = sorted(d for d in os.listdir(HERE)
                   if os.path.isfile(os.path.join(HERE, d, "recipe.toml")))
    return [Program(n) for n in names]


def select(args):
    progs = all_programs()
    if args.programs:
        wanted = args.programs.split(",")
        unknown = [w for w in wanted if w not in {p.name for p in progs}]
        if unknown:
            sys.exit("driver: unknown program(s): %s" % ", ".join(unknown))
        progs = [p for p in progs if p.name in wanted]
    if args.subset:
        progs = [p for p in progs if p.subset]
    return progs


# ---------------------------------------------------------------- build

def toolchain_env(target, out, work, src, jobs):
    env = dict(os.environ)
    env.update({"TARGET": target, "OUT": out, "WORK": work, "SRC": src, "JOBS": str(jobs),
                "CORPUS": HERE})
    if target == "native":
        env.update({
            "CC": "clang-19", "CXX": "clang++-19", "AR": "llvm-ar-19", "RANLIB": "llvm-ranlib-19",
            "CFLAGS": "-O2 -g0 -w", "CXXFLAGS": "-O2 -g0 -w", "LDFLAGS": "", "EXE": "",
            "RUST_TARGET": "x86_64-unknown-linux-gnu", "COMPAT": "",
        })
    else:
        # corpus/wasi/clang keeps clang from running binaryen's wasm-opt after the link.
        wasm = "--target=wasm32-wasi --sysroot=/usr"
        cc = os.path.join(HERE, "wasi", "clang")
        compat = "-isystem %s -include %s" % (os.path.join(HERE, "wasi", "include"),
                                              os.path.join(HERE, "wasi", "compat.h"))
        env.update({
            "CC": cc + " " + wasm, "CXX": cc + "++ " + wasm,
            "AR": "llvm-ar-19", "RANLIB": "llvm-ranlib-19",
            "CFLAGS": "-O2 -g0 -w -D_WASI_EMULATED_PROCESS_CLOCKS -D_WASI_EMULATED_SIGNAL"
                      " -D_WASI_EMULATED_MMAN -D_WASI_EMULATED_GETPID " + compat,
            "CXXFLAGS": "-O2 -g0 -w -fno-exceptions -D_WASI_EMULATED_PROCESS_CLOCKS"
                        " -D_WASI_EMULATED_SIGNAL -D_WASI_EMULATED_MMAN -D_WASI_EMULATED_GETPID " + compat,
            # Permission and owner calls WASI has no notion of (corpus/wasi/compat.h).
            "COMPAT": os.path.join(HERE, "wasi", "compat.c"),
            "LDFLAGS": "-Wl,--stack-first -Wl,-z,stack-size=1048576"
                       " -lwasi-emulated-process-clocks -lwasi-emulated-signal"
                       " -lwasi-emulated-mman -lwasi-emulated-getpid",
            "EXE": ".wasm", "RUST_TARGET": "wasm32-wasi",
        })
    return env


def stamp_of(prog, src):
    """What a build depends on: the recipe folder's files and the fetched versions."""
    h = hashlib.sha256()
    for base, _, files in sorted(os.walk(prog.dir)):
        for f in sorted(files):
            with open(os.path.join(base, f), "rb") as fh:
                h.update(f.encode() + b"\0" + fh.read())
    for p in prog.packages:
        with open(os.path.join(src, p, ".fetched"), "rb") as fh:
            h.update(p.encode() + fh.read())
    for target in ("native", "wasm"):
        env = toolchain_env(target, "", "", src, 0)
        for key in ("CC", "CXX", "CFLAGS", "CXXFLAGS", "LDFLAGS", "RUST_TARGET"):
            h.update(("%s=%s\n" % (key, env[key])).encode())
    for f in ("wasi/compat.h", "wasi/compat.c", "wasi/clang", "wasi/include/setjmp.h", "wasi/include/sys/resource.h", "wasi/include/fcntl.h"):
        with open(os.path.join(HERE, f), "rb") as fh:
            h.update(fh.read())
    return h.hexdigest()


def build(prog, out_root, src, jobs, log):
    """Builds native and wasm; returns None or an error string."""
    missing = prog.sources_present(src)
    if missing:
        return "SKIP: sources not fetched (%s): run scripts/install-deps.sh" % ", ".join(missing)
    stamp = stamp_of(prog, src)
    pdir = os.path.join(out_root, prog.name)
    stamp_file = os.path.join(pdir, "stamp")
    if os.path.isfile(stamp_file) and open(stamp_file).read() == stamp:
        return None
    os.makedirs(pdir, exist_ok=True)
    if os.path.exists(stamp_file):
        os.remove(stamp_file)
    for target in ("native", "wasm"):
        out = os.path.join(pdir, target)
        work = os.path.join(pdir, "build-" + target)
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(out)
        os.makedirs(work)
        env = toolchain_env(target, out, work, src, jobs)
        start = time.perf_counter()
        log("build %s (%s)" % (prog.name, target))
        logfile = os.path.join(pdir, "build-%s.log" % target)
        with open(logfile, "w") as lf:
            rc = subprocess.call(["bash", "-euo", "pipefail", os.path.join(prog.dir, "build.sh")],
                                 cwd=work, env=env, stdout=lf, stderr=subprocess.STDOUT,
                                 stdin=subprocess.DEVNULL)
        if rc != 0:
            tail = open(logfile, errors="replace").read().strip().splitlines()[-15:]
            return "build (%s) failed, exit %d; %s:\n    %s" % (
                target, rc, logfile, "\n    ".join(tail))
        log("  %s built in %.1fs" % (target, time.perf_counter() - start))
    with open(stamp_file, "w") as f:
        f.write(stamp)
    return None


# ---------------------------------------------------------------- runs

def binary_of(out_root, prog, target, name):
    return os.path.join(out_root, prog.name, target, name + (".wasm" if target == "wasm" else ""))


def tier_argv(tier, ironclad, node_runner, wasm, artifact, work, data_dir, args):
    if tier == "native":
        return [wasm] + args  # here `wasm` is the native binary
    if tier == "node":
        # --single-threaded-gc: node 20 crashes (SIGSEGV) in a concurrent GC after large
        # memory growth (rust-json at 15000+ records), in the program or after it.
        return ["node", "--no-warnings", "--single-threaded-gc", node_runner, "--dir", work + "::.",
                wasm] + args
    common = ["--dir", work + "::.", "--data-dir", data_dir]
    if tier == "interp":
        return [ironclad, "run", "--tier", "interp"] + common + [wasm] + args
    if tier == "jit-artifact":
        return [ironclad, "run"] + common + [artifact] + args
    return [ironclad, "run"] + JIT_FLAGS[tier] + common + [wasm] + args


def is_text(data):
    if b"\0" in data:
        return False
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def describe(label, data, lines_ok):
    """Text as one transcript line per line (bytes that are not UTF-8 read as Latin-1, so the
    comparison stays exact); anything else as its size and hash."""
    digest = hashlib.sha256(data).hexdigest()[:16]
    if lines_ok and b"\0" not in data and len(data) <= (4 << 20):
        text = data.decode("utf-8") if is_text(data) else data.decode("latin-1")
        return ["%s| %s" % (label, line) for line in text.split("\n")]
    return ["%s: %d bytes, sha256 %s" % (label, len(data), digest)]


def prepare_work(prog, work, src, out_root):
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    for inp in prog.inputs:
        dest = os.path.join(work, inp["name"])
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        if "from" in inp:
            paths = inp["from"] if isinstance(inp["from"], list) else [inp["from"]]
            with open(dest, "wb") as out:
                for p in paths:
                    pattern = os.path.join(src, p.split("/", 1)[0], "tree", p.split("/", 1)[1])
                    matches = sorted(glob.glob(pattern))
                    if not matches:
                        raise ValueError("%s: input %s: nothing matches %s" % (prog.name, inp["name"], p))
                    for m in matches:
                        with open(m, "rb") as f:
                            out.write(f.read())
            if "repeat" in inp:
                data = open(dest, "rb").read()
                with open(dest, "wb") as out:
                    out.write(data * int(inp["repeat"]))
        elif "recipe" in inp:
            shutil.copyfile(os.path.join(prog.dir, inp["recipe"]), dest)
        elif "built" in inp:
            shutil.copyfile(os.path.join(out_root, prog.name, "native", inp["built"]), dest)
        else:
            raise ValueError("%s: input %s has no from/recipe/built" % (prog.name, inp["name"]))


def run_tier(prog, tier, ctx):
    """Runs every step of prog in tier; returns (transcript lines, seconds, error or None)."""
    work = os.path.join(ctx.run_root, prog.name, tier)
    prepare_work(prog, work, ctx.src, ctx.out_root)
    target = "native" if tier == "native" else "wasm"
    lines = []
    total = 0.0
    ctx.step_stderr = []  # (first transcript line of the step, its stderr)
    for i, step in enumerate(prog.steps, 1):
        binary = binary_of(ctx.out_root, prog, target, step["run"])
        # Artifacts are signed with the data directory's key and used only with it: compiled
        # into this tier and round's own data directory, with it.
        artifact = os.path.join(ctx.data_dir, "artifacts", prog.name, step["run"] + ".icwasm")
        if tier == "jit-artifact" and not os.path.isfile(artifact):
            os.makedirs(os.path.dirname(artifact), exist_ok=True)
            c = subprocess.run([ctx.ironclad, "compile", "--data-dir", ctx.data_dir, binary,
                                "-o", artifact],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               stdin=subprocess.DEVNULL)
            if c.returncode != 0:
                return lines, total, "ironclad compile %s: exit %d: %s" % (
                    step["run"], c.returncode, c.stderr.decode(errors="replace").strip()[-300:])
        args = list(step.get("quick_args" if ctx.quick and "quick_args" in step else "args", []))
        argv = tier_argv(tier, ctx.ironclad, ctx.node_runner, binary, artifact, work,
                         ctx.data_dir, args)
        stdin = open(os.path.join(work, step["stdin"]), "rb") if "stdin" in step else subprocess.DEVNULL
        start = time.perf_counter()
        try:
            p = subprocess.run(argv, cwd=work, stdin=stdin, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=ctx.native_env if tier == "native" else None,
                               timeout=float(step.get("timeout", prog.timeout)))
        except subprocess.TimeoutExpired:
            return lines, total, "step %d (%s) timed out after %ss" % (
                i, step["run"], step.get("timeout", prog.timeout))
        finally:
            if stdin is not subprocess.DEVNULL:
                stdin.close()
        total += time.perf_counter() - start
        stderr = p.stderr.decode("utf-8", "replace")
        status = p.returncode
        if tier == "jit-artifact" and "artifact:" in stderr:
            # A refused artifact is compiled again: right output, but not what this tier tests.
            refusal = next(l for l in stderr.split("\n") if "artifact:" in l)
            return lines, total, "step %d: the artifact was not used: %s" % (i, refusal.strip()[:300])
        if tier == "node":
            # node may die after the program finished; the runner reports the WASI status.
            m = re.search(r"^corpus-node-exit: (\d+)$", stderr, re.M)
            status = int(m.group(1)) if m else "node failed (status %d)" % p.returncode
        ctx.step_stderr.append((len(lines), stderr))
        lines.append("$ step %d: %s %s" % (i, step["run"], " ".join(args)))
        lines.append("exit %s" % status)
        out = p.stdout
        for pattern, repl in step.get("normalize", []):
            out = re.sub(pattern.encode(), repl.encode(), out, flags=re.M)
        if "stdout" in step:
            with open(os.path.join(work, step["stdout"]), "wb") as f:
                f.write(p.stdout)
            lines += describe("stdout > " + step["stdout"], out, step.get("text", False))
        else:
            lines += describe("stdout", out, True)
        if step.get("stderr", False):
            err = "\n".join(l for l in stderr.split("\n")
                            if not l.startswith(("ironclad: ", "corpus-node-exit: ")))
            lines += describe("stderr", err.encode(), True)
        for name in step.get("outputs", []):
            path = os.path.join(work, name)
            if os.path.isfile(path):
                lines += describe("file " + name, open(path, "rb").read(), step.get("text", False))
            else:
                lines.append("file %s: missing" % name)
    return lines, total, None


def stderr_excerpt(ctx, ref, got):
    """The stderr of the step where the transcripts part: its trap or error lines first."""
    n = next((i for i, (a, b) in enumerate(zip(ref, got)) if a != b), min(len(ref), len(got)))
    err = ""
    for start, text in ctx.step_stderr:
        if start <= n:
            err = text
    lines = [l for l in err.strip().split("\n") if l and not l.startswith("corpus-node-exit")]
    if not lines:
        return ""
    key = [l for l in lines if "trap" in l or "error" in l.lower()][:2] or lines[:2]
    return "; stderr: " + " | ".join(l.strip()[:200] for l in key)


def first_difference(ref, got):
    for i, (a, b) in enumerate(zip(ref, got)):
        if a != b:
            return "line %d: expected %r, got %r" % (i + 1, a[:200], b[:200])
    if len(ref) != len(got):
        n = min(len(ref), len(got))
        return "line %d: expected %r, got %r" % (
            n + 1, ref[n][:200] if n < len(ref) else "<end>", got[n][:200] if n < len(got) else "<end>")
    return None


class Ctx:
    pass


def cmd_check(args):
    src = args.sources
    progs = select(args)
    tiers = args.tiers.split(",") if args.tiers else (QUICK_TIERS if args.quick else TIERS)
    for t in tiers:
        if t not in TIERS + DEADLINE_TIERS:
            sys.exit("driver: unknown tier %s (known: %s)" % (t, ", ".join(TIERS + DEADLINE_TIERS)))
    ctx = Ctx()
    ctx.src, ctx.out_root, ctx.quick = src, args.out, args.quick
    ctx.run_root = os.path.join(args.out, "runs")
    ctx.ironclad = os.path.abspath(args.ironclad)
    ctx.node_runner = os.path.join(HERE, "node_runner.mjs")
    os.makedirs(ctx.run_root, exist_ok=True)
    # The JIT's data directory (code cache, crash reports) is this invocation's own: ctest
    # runs several at once, and a cache left from an older engine is never used.
    data_root = tempfile.mkdtemp(prefix="data-", dir=ctx.run_root)
    # The native reference sees no environment, as the wasm programs see none.
    ctx.native_env = {"PATH": "/usr/bin:/bin"}
    if "node" in tiers and not shutil.which("node"):
        print("driver: node not found: the node column is skipped", flush=True)
        tiers = [t for t in tiers if t != "node"]
    if any(t != "node" for t in tiers) and not os.access(ctx.ironclad, os.X_OK):
        sys.exit("driver: no ironclad binary at %s" % ctx.ironclad)

    def log(msg):
        print(msg, flush=True)

    results = {}   # (prog, tier) -> ("ok", secs) | ("FAIL", msg) | ("xfail", msg) ...
    native_time = {}
    problems = []
    ran = 0
    for prog in progs:
        err = build(prog, args.out, src, args.jobs, log)
        if err:
            if err.startswith("SKIP"):
                log("%s: %s" % (prog.name, err))
                continue
            problems.append("%s: %s" % (prog.name, err))
            log("%s: %s" % (prog.name, err))
            continue
        ran += 1
        # Timing: best of --runs, rounds interleaved over the tiers.
        best = {}
        ref = None
        failed = {}
        # --warm: one data directory per tier for all rounds, and a first round not timed:
        # the JIT's code comes from its cache, so the times are the code's, not LLVM's.
        warm_dirs = {t: tempfile.mkdtemp(prefix="%s-" % t, dir=data_root) for t in tiers} \
            if args.warm else {}
        for rnd in range(-1 if args.warm else 0, args.runs):
            for tier in ["native"] + tiers:
                if tier in failed:
                    continue
                # Without --warm, a fresh JIT data directory per tier and round: the JIT
                # compiles each binary once per round (the code cache serves the program's
                # later steps), so every round measures the same thing.
                ctx.data_dir = warm_dirs.get(tier) or tempfile.mkdtemp(prefix="%s-" % tier,
                                                                      dir=data_root)
                lines, secs, error = run_tier(prog, tier, ctx)
                if tier not in warm_dirs:
                    shutil.rmtree(ctx.data_dir, ignore_errors=True)
                if rnd < 0 and not error:
                    continue  # the warm-up round: checked below in the timed rounds
                if tier == "native":
                    if error:
                        failed[tier] = error
                        break
                    if ref is None:
                        ref = lines
                    elif lines != ref:
                        failed[tier] = "native output changed between runs: " + first_difference(ref, lines)
                        break
                else:
                    diff = error or first_difference(ref, lines)
                    if diff:
                        failed[tier] = diff + ("" if error else stderr_excerpt(ctx, ref, lines))
                        continue
                best[tier] = min(best.get(tier, secs), secs)
            if "native" in failed:
                break
        if "native" in failed:
            problems.append("%s / native: %s" % (prog.name, failed["native"]))
            log("%s: native FAILED: %s" % (prog.name, failed["native"]))
            continue
        native_time[prog.name] = best["native"]
        cells = []
        for tier in tiers:
            known = prog.known.get(tier)
            if tier in failed:
                msg = "%s / %s: %s" % (prog.name, tier, failed[tier])
                if known:
                    results[(prog.name, tier)] = ("known", failed[tier])
                    cells.append("%s known-fail" % tier)
                    log("  known failure (%s) %s" % (known, msg))
                else:
                    results[(prog.name, tier)] = ("FAIL", failed[tier])
                    problems.append("MISMATCH " + msg)
                    cells.append("%s FAIL" % tier)
                    log("  MISMATCH " + msg)
            else:
                results[(prog.name, tier)] = ("ok", best[tier])
                cells.append("%s %.2fs" % (tier, best[tier]))
                if known:
                    problems.append("%s / %s: listed as a known failure (%s) but passes: remove it "
                                    "from corpus/%s/recipe.toml" % (prog.name, tier, known, prog.name))
        log("%-12s native %.2fs; %s" % (prog.name, best["native"], "; ".join(cells)))

    shutil.rmtree(data_root, ignore_errors=True)
    if args.table:
        write_table(args.table, progs, tiers, results, native_time, args)
    if ran == 0 and not problems:
        log("driver: SKIP: no corpus program could run (sources not fetched: run scripts/install-deps.sh)")
        return SKIP
    if problems:
        log("\n%d problem(s):" % len(problems))
        for p in problems:
            log("  " + p)
        return 1
    log("driver: %d program(s), every tier identical to native (or a listed known failure)" % ran)
    return 0


def write_table(path, progs, tiers, results, native_time, args):
    lines = ["| program | lang | native s | " + " | ".join(tiers) + " |",
             "|---|---|---:|" + "---:|" * len(tiers)]
    import math
    logs = {t: [] for t in tiers}
    for prog in progs:
        if prog.name not in native_time:
            continue
        nt = native_time[prog.name]
        row = "| %s | %s | %.3f |" % (prog.name, prog.language, nt)
        for t in tiers:
            kind, val = results.get((prog.name, t), ("n/a", None))
            if kind == "ok":
                r = val / nt if nt > 0 else float("nan")
                logs[t].append(math.log(r))
                row += " %.2f |" % r
            elif kind == "known":
                row += " known fail |"
            elif kind == "FAIL":
                row += " **FAIL** |"
            else:
                row += " n/a |"
        lines.append(row)
    row = "| **geomean** | | |"
    for t in tiers:
        row += (" **%.2f** (%d) |" % (math.exp(sum(logs[t]) / len(logs[t])), len(logs[t]))
                if logs[t] else " n/a |")
    lines.append(row)
    text = "\n".join(lines) + "\n"
    with open(path, "w") as f:
        f.write(text)
    print("\n" + text, flush=True)


def cmd_build(args):
    problems = 0
    skipped = 0
    for prog in select(args):
        err = build(prog, args.out, args.sources, args.jobs, lambda m: print(m, flush=True))
        if err:
            print("%s: %s" % (prog.name, err), flush=True)
            if err.startswith("SKIP"):
                skipped += 1
            else:
                problems += 1
    if skipped:
        print("driver: %d program(s) not built: their sources are not fetched "
              "(scripts/install-deps.sh fetches them)" % skipped, flush=True)
    return 1 if problems else 0


def cmd_list(args):
    for prog in select(args):
        if args.names:
            print(prog.name)
        else:
            print("%-14s %-5s %s%s" % (prog.name, prog.language, prog.summary,
                                       " [subset]" if prog.subset else ""))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["build", "check", "list"])
    ap.add_argument("--programs", default="")
    ap.add_argument("--subset", action="store_true", help="only the programs marked subset")
    ap.add_argument("--tiers", default="", help="comma-separated (default: all of %s)" % ",".join(TIERS))
    ap.add_argument("--quick", action="store_true",
                    help="smaller workloads where a recipe has quick_args, and the tiers %s "
                         "unless --tiers says otherwise (make test)" % ",".join(QUICK_TIERS))
    ap.add_argument("--runs", type=int, default=1, help="best of N timed runs per cell")
    ap.add_argument("--warm", action="store_true",
                    help="one code cache per tier and an untimed first round: times without "
                         "the JIT's compile (for comparing generated code)")
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "corpus"))
    ap.add_argument("--sources", default=default_sources())
    ap.add_argument("--ironclad", default=os.path.join(ROOT, "build", "src", "cli", "ironclad"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--table", default="", help="write the Markdown table here")
    ap.add_argument("--names", action="store_true", help="list: names only")
    args = ap.parse_args()
    args.out = os.path.abspath(args.out)
    return {"build": cmd_build, "check": cmd_check, "list": cmd_list}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
