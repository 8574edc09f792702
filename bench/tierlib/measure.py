"""Runs workloads under engines, rounds interleaved and the engines' order rotated from round
to round, so a change of machine load falls on every engine alike; checks every run's
transcript against the native build's (corpus) or the first engine's (everything else)."""
import os
import shutil
import statistics
import tempfile

from . import engines as engines_mod
from . import workloads
from .spawn import spawn


class Result:
    def __init__(self):
        self.walls, self.firsts, self.cpus, self.rss, self.tails = [], [], [], [], []
        self.first_cpus, self.first_waits = [], []
        self.error = None
        self.tier = ""

    def add(self, wall, first, cpu, rss, tail, first_sched=(None, None)):
        if first_sched[0] is not None:
            self.first_cpus.append(first_sched[0])
            self.first_waits.append(first_sched[1])
        self.walls.append(wall)
        self.tails.append(tail)
        self.cpus.append(cpu)
        self.rss.append(rss)
        if first is not None:
            self.firsts.append(first)

    @staticmethod
    def stats(values):
        if not values:
            return None
        return min(values), statistics.median(values), max(values)


def run_once(wl, engine, engines, scratch, timeout):
    """One run of every step: (wall, first, cpu, peak rss KiB, transcript, error, tier, tail),
    tail: the seconds from the last byte of output to the exit, summed over the steps (what
    the process did after the program's output: ending the store, waiting for compiles)."""
    work = tempfile.mkdtemp(prefix="work-", dir=scratch)
    wl.prepare(work)
    data_dir = None
    if engine != "native":
        data_dir, _ = engines.data_dir(engine, wl.name)
    wall = cpu = 0.0
    first, rss, steps, tier, longest, tail = None, 0, [], "", 0.0, 0.0
    first_sched = (None, None)
    try:
        for step in wl.steps:
            if engine == "native":
                argv, env = [step.native] + step.args, {"PATH": "/usr/bin:/bin"}
            else:
                argv = engines.argv(engine, step.wasm, step.args, work if wl.needs_dir else None,
                                    data_dir)
                env = dict(os.environ) if engine == "node" else engines_mod.variant_env(engine)
            stdin = os.path.join(work, step.stdin) if step.stdin else None
            r = spawn(argv, cwd=work, stdin_path=stdin, timeout=timeout, env=env)
            if r.timed_out:
                return None, None, None, None, None, "timed out after %gs" % timeout, "", None, (None, None)
            if first is None and r.first is not None:
                first = wall + r.first
                if not steps:
                    first_sched = (r.first_cpu, r.first_wait)
            wall += r.wall
            tail += r.wall - (r.last if r.last is not None else r.wall)
            cpu += r.cpu
            rss = max(rss, r.rss_kib)
            if step.capture:
                with open(os.path.join(work, step.capture), "wb") as f:
                    f.write(r.stdout)
            status = r.status if engine == "native" else engines.exit_status(engine, r)
            if engine.startswith("tiered") and r.wall >= longest:
                # What tiering did in the longest step (the one that matters).
                tier, longest = engines.tier_summary(r), r.wall
            if status != 0 and not isinstance(status, int):
                return None, None, None, None, None, "%s; %s" % (status, r.stderr.strip()[-200:]), "", None, (None, None)
            steps.append((step, status, r.stdout, work))
            if status != 0 and engine != "native":
                err = [l for l in r.stderr.splitlines() if l.strip()]
                tier = (err[-1] if err else "")[:200]
        return wall, first, cpu, rss, workloads.transcript(steps), None, tier, tail, first_sched
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if data_dir:
            engines.release(engine, data_dir)


def first_difference(ref, got):
    for i, (a, b) in enumerate(zip(ref, got)):
        if a != b:
            return "line %d: expected %r, got %r" % (i + 1, a[:120], b[:120])
    if len(ref) != len(got):
        return "%d transcript lines, expected %d" % (len(got), len(ref))
    return None


def measure(wls, engine_names, engines, runs, limits, timeout, scratch, log):
    """{(workload name, engine): Result}, plus {workload name: native wall} when a native
    build exists. limits: {engine: rounds} for engines that run fewer rounds (jit-cold)."""
    results, native = {}, {}
    for wl in wls:
        ref = None
        if all(s.native and os.path.exists(s.native) for s in wl.steps):
            wall, _, _, _, ref, err, _, _, _ = run_once(wl, "native", engines, scratch, timeout)
            if err:
                raise RuntimeError("%s: native run failed: %s" % (wl.name, err))
            native[wl.name] = wall
        for e in engine_names:
            results[(wl.name, e)] = Result()
            if engines.is_warm(e):
                # Fill the warm engine's data directory: an untimed run.
                run_once(wl, e, engines, scratch, timeout)
        for rnd in range(runs):
            k = rnd % len(engine_names)
            for e in engine_names[k:] + engine_names[:k]:
                res = results[(wl.name, e)]
                if res.error or rnd >= limits.get(e, runs):
                    continue
                wall, first, cpu, rss, lines, err, tier, tail, sched = run_once(
                    wl, e, engines, scratch, timeout)
                if err is None and ref is None:
                    ref = lines
                diff = err or first_difference(ref, lines)
                if diff:
                    res.error = diff + ((" (%s)" % tier) if tier and not err else "")
                    log("  %s / %s: %s" % (wl.name, e, res.error))
                    continue
                res.add(wall, first, cpu, rss, tail, sched)
                res.tier = tier or res.tier
                log("  %-34s %-11s round %d: wall %.3fs first %s (cpu %s wait %s) rss %d MiB cpu %.2fs tail %.2fs%s" % (
                    wl.name[:34], e, rnd + 1, wall, "%.1fms" % (first * 1000) if first is not None
                    else "-", "%.1fms" % (sched[0] * 1000) if sched[0] is not None else "-",
                    "%.1fms" % (sched[1] * 1000) if sched[1] is not None else "-",
                    rss // 1024, cpu, tail, ("  [" + tier + "]") if tier else ""))
    return results, native
