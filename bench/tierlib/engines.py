"""The engines measured side by side, as command lines.

  interp       ironclad run --tier interp
  tiered       ironclad run --tier TIERED_AS --show-tier  (TIERED_AS: tiered, or auto)
  tiered-warm  the same with one data directory kept across runs (a per-function code cache
               once there is one; today the same as tiered)
  jit-cold     ironclad run --tier jit, a fresh --data-dir each run: LLVM compiles the whole
               module before the first instruction
  jit-warm     ironclad run --tier jit, one --data-dir per program, filled by an untimed run
               first: the code comes from the code cache, no compile
  node         node --no-warnings --single-threaded-gc corpus/node_runner.mjs (node 20's
               node:wasi, as bench/node_wasi_runner.mjs plus --dir preopens and the WASI exit
               status on stderr; the flag is the corpus driver's: node 20 may crash in its
               concurrent GC after large memory growth)

Every ironclad engine but the two warm ones gets a fresh, empty --data-dir for each run.

A variant of an ironclad engine sets environment variables for its runs:
`tiered+IRONCLAD_TIERED_HEAT=0+IRONCLAD_TIERED_OPT=2` is `tiered` with those two set (to
compare settings side by side in one run). The setting BINARY=PATH is not an environment
variable: that variant runs the ironclad executable at PATH (another build, e.g. the last
release, side by side with this one; its LLVM library must be next to it).
"""
import os
import re
import shutil
import tempfile

ENGINES = ["tiered", "tiered-warm", "jit-cold", "jit-warm", "interp", "node"]


def base(engine):
    """The engine without its variant's settings: `tiered+X=1` is `tiered`."""
    return engine.split("+", 1)[0]


def variant_env(engine):
    """The environment of a variant's runs (None: the harness's own)."""
    settings = engine.split("+")[1:]
    if not settings:
        return None
    env = dict(os.environ)
    for s in settings:
        k, _, v = s.partition("=")
        if k != "BINARY":
            env[k] = v
    return env


def binary_of(engine, default):
    """The ironclad executable of a variant: its BINARY= setting, else `default`."""
    for s in engine.split("+")[1:]:
        k, _, v = s.partition("=")
        if k == "BINARY":
            return v
    return default


def known(engine):
    return base(engine) in ENGINES and (base(engine) != "node" or engine == "node") and \
        all("=" in s for s in engine.split("+")[1:])
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NODE_RUNNER = os.path.join(os.path.dirname(HERE), "corpus", "node_runner.mjs")


class Engines:
    def __init__(self, ironclad, node, tiered_as, scratch, show_tier=True):
        self.ironclad, self.node, self.tiered_as = ironclad, node, tiered_as
        self.scratch = scratch
        self.show_tier = show_tier
        self.warm_dirs = {}

    def is_warm(self, engine):
        return base(engine).endswith("-warm")

    def data_dir(self, engine, workload):
        """A fresh directory, or the workload's kept one for a warm engine (and whether it
        is new, so the caller runs the workload once untimed to fill it)."""
        if self.is_warm(engine):
            key = (engine, workload)
            if key not in self.warm_dirs:
                self.warm_dirs[key] = tempfile.mkdtemp(prefix="warm-", dir=self.scratch)
                return self.warm_dirs[key], True
            return self.warm_dirs[key], False
        return tempfile.mkdtemp(prefix="cold-", dir=self.scratch), False

    def release(self, engine, data_dir):
        if not self.is_warm(engine):
            shutil.rmtree(data_dir, ignore_errors=True)

    def argv(self, engine, wasm, args, work, data_dir):
        dirs = ["--dir", work + "::."] if work else []
        ironclad = binary_of(engine, self.ironclad)
        engine = base(engine)
        if engine == "node":
            return [self.node, "--no-warnings", "--single-threaded-gc", NODE_RUNNER] + dirs + \
                [wasm] + args
        tier = {"interp": "interp", "jit-cold": "jit", "jit-warm": "jit"}.get(engine, self.tiered_as)
        extra = ["--show-tier"] if engine.startswith("tiered") and self.show_tier else []
        return [ironclad, "run", "--tier", tier, "--data-dir", data_dir] + extra + dirs + \
            [wasm] + args

    @staticmethod
    def exit_status(engine, run):
        """The program's exit status: node's runner reports it on stderr (node 20 may die
        with SIGSEGV after the program has finished)."""
        if engine == "node":
            m = re.search(r"^corpus-node-exit: (\d+)$", run.stderr, re.M)
            return int(m.group(1)) if m else "node failed (status %d)" % run.status
        return run.status

    @staticmethod
    def tier_summary(run):
        """What --show-tier printed (the lines after `tier: tiered:`), on one line."""
        lines = [l[len("ironclad: tier: tiered: "):].strip() for l in run.stderr.splitlines()
                 if l.startswith("ironclad: tier: tiered: ")]
        return "; ".join(lines)[:400]
