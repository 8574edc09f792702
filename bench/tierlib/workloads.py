"""What the engines run: generated large modules, bench/programs, corpus programs.

Workload specs (one string each):
  large:N[:ROUNDS]        bench/gen_large.py with N functions and --print-first ROUNDS
                          (default 20): main writes a line at once, then calls every function
                          ROUNDS times. N=20000 is the 3.6 MiB module of docs/tiering.md,
                          N=5500 about 1 MiB, N=1 the fixed cost of a run
  bench:NAME[:ARGS]       bench/programs/NAME.c with ARGS (space-separated)
  corpus:PROG[:STEP][:quick]
                          a corpus program (corpus/PROG/recipe.toml): every step, or step STEP
                          (1-based) alone; `quick` takes the recipe's quick_args
Generated and bench modules are built into bench/out/tierbench/ with clang-19 as
bench/run.sh builds them (rebuilt when the generator or source is newer); corpus programs
are read from CORPUS_OUT (what `corpus/driver.py build` made: PROG/wasm, PROG/native).
"""
import os
import re
import subprocess
import sys

BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(BENCH)
OUT = os.path.join(BENCH, "out", "tierbench")
sys.path.insert(0, os.path.join(ROOT, "corpus"))
import driver  # noqa: E402  (corpus/driver.py: recipes, inputs, transcripts)


class Step:
    def __init__(self, wasm, native, args, stdin=None, capture=None, outputs=(), text=False,
                 normalize=()):
        self.wasm, self.native, self.args = wasm, native, list(args)
        self.stdin, self.capture, self.outputs = stdin, capture, list(outputs)
        self.text, self.normalize = text, list(normalize)


class Workload:
    def __init__(self, name, steps, prepare=None, needs_dir=False):
        self.name, self.steps, self.prepare_fn, self.needs_dir = name, steps, prepare, needs_dir

    def prepare(self, work):
        os.makedirs(work, exist_ok=True)
        if self.prepare_fn:
            self.prepare_fn(work)

    def size(self):
        return max(os.path.getsize(s.wasm) for s in self.steps)


def _no_wasm_opt():
    # clang runs binaryen's wasm-opt after the link when it finds one; Debian's clang 19
    # skips the link under --no-wasm-opt. A no-op wasm-opt found first (-B) is the way out.
    d = os.path.join(OUT, "no-wasm-opt")
    os.makedirs(d, exist_ok=True)
    tool = os.path.join(d, "wasm-opt")
    if not os.path.exists(tool):
        with open(tool, "w") as f:
            f.write("#!/bin/sh\nexit 0\n")
        os.chmod(tool, 0o755)
    return d


def _compile(src, wasm, simd=False, log=print):
    if os.path.exists(wasm) and os.path.getmtime(wasm) >= os.path.getmtime(src):
        return
    log("build %s" % os.path.basename(wasm))
    cmd = ["clang-19", "--target=wasm32-wasi", "--sysroot=/usr", "-B" + _no_wasm_opt(), "-O2",
           "-D_WASI_EMULATED_PROCESS_CLOCKS"] + (["-msimd128"] if simd else []) + \
        [src, "-o", wasm + ".tmp", "-lwasi-emulated-process-clocks", "-lm"]
    subprocess.run(cmd, check=True)
    if not os.path.exists(wasm + ".tmp"):
        raise RuntimeError("clang made no %s" % wasm)
    os.replace(wasm + ".tmp", wasm)


def large(n, rounds, log):
    os.makedirs(OUT, exist_ok=True)
    base = os.path.join(OUT, "large_%d_%d" % (n, rounds))
    gen = os.path.join(BENCH, "gen_large.py")
    if not os.path.exists(base + ".c") or os.path.getmtime(base + ".c") < os.path.getmtime(gen):
        subprocess.run([sys.executable, gen, base + ".c", str(n), "--print-first", str(rounds)],
                       check=True)
    _compile(base + ".c", base + ".wasm", log=log)
    return base + ".wasm"


def parse(spec, corpus_out, sources, log=print):
    kind, _, rest = spec.partition(":")
    parts = rest.split(":") if rest else []
    if kind == "large":
        n = int(parts[0]) if parts else 20000
        rounds = int(parts[1]) if len(parts) > 1 else 20
        wasm = large(n, rounds, log)
        return Workload("large %d fn (%.1f MiB)" % (n, os.path.getsize(wasm) / 1048576.0),
                        [Step(wasm, None, [])])
    if kind == "bench":
        name, args = parts[0], (parts[1].split() if len(parts) > 1 else [])
        os.makedirs(OUT, exist_ok=True)
        wasm = os.path.join(OUT, name + ".wasm")
        _compile(os.path.join(BENCH, "programs", name + ".c"), wasm, simd=name.endswith("_simd"),
                 log=log)
        return Workload(" ".join([name] + args), [Step(wasm, None, args)])
    if kind == "corpus":
        prog = driver.Program(parts[0])
        quick = "quick" in parts[1:]
        only = [int(p) for p in parts[1:] if p.isdigit()]
        steps = []
        for i, st in enumerate(prog.steps, 1):
            if only and i not in only:
                continue
            args = st.get("quick_args" if quick and "quick_args" in st else "args", [])
            steps.append(Step(driver.binary_of(corpus_out, prog, "wasm", st["run"]),
                              driver.binary_of(corpus_out, prog, "native", st["run"]), args,
                              stdin=st.get("stdin"), capture=st.get("stdout"),
                              outputs=st.get("outputs", []), text=st.get("text", False),
                              normalize=st.get("normalize", [])))
        for s in steps:
            if not os.path.exists(s.wasm):
                raise RuntimeError("%s: no %s (corpus/driver.py build --programs %s --out %s)"
                                   % (spec, s.wasm, prog.name, corpus_out))
        label = prog.name + ("" if not only else " step " + ",".join(map(str, only)))
        label += (" " + " ".join(steps[0].args))[:40] if only else " (%d steps)" % len(steps)

        def prepare(work):
            driver.prepare_work(prog, work, sources, corpus_out)
        return Workload(label, steps, prepare, needs_dir=True)
    raise ValueError("unknown workload %r (large:N[:ROUNDS], bench:NAME[:ARGS], "
                     "corpus:PROG[:STEP][:quick])" % spec)


def transcript(step_runs):
    """driver.py's transcript of a run: per step the command, its exit status, stdout and
    the files it wrote. step_runs: [(step, exit status, stdout bytes, work dir)]."""
    lines = []
    for i, (step, status, out, work) in enumerate(step_runs, 1):
        lines.append("$ step %d: %s" % (i, " ".join(step.args)))
        lines.append("exit %s" % status)
        for pattern, repl in step.normalize:
            out = re.sub(pattern.encode(), repl.encode(), out, flags=re.M)
        if step.capture:
            lines += driver.describe("stdout > " + step.capture, out, step.text)
        else:
            lines += driver.describe("stdout", out, True)
        for name in step.outputs:
            path = os.path.join(work, name)
            lines += (driver.describe("file " + name, open(path, "rb").read(), step.text)
                      if os.path.isfile(path) else ["file %s: missing" % name])
    return lines
