#!/usr/bin/env python3
"""Times the benchmark programs built by bench/run.sh and prints the table.

Every cell is the best wall-clock time of N runs (time.perf_counter around the child
process). The runs of one program are interleaved (native, each engine, native, each
engine, ...) so that a change in machine load affects all columns of a row alike. A cell
counts only when the run printed the same `checksum:` line as the native build; otherwise
it is WRONG (a different checksum) or n/a (missing binary or tier, a failed run, a
timeout; the reason is listed under the table).

The tier "jit-artifact" is the JIT without its compile time: each module is first compiled
once with `ironclad compile --timings` into a precompiled artifact (out/icwasm/NAME.icwasm),
and the column times `ironclad run NAME.icwasm`, so it measures the generated code (plus
process start and loading the artifact). The compile times go in a table of their own.
"""
import argparse
import math
import os
import subprocess
import sys
import time


def checksum_of(stdout):
    for line in stdout.splitlines():
        if line.startswith("checksum:"):
            return line.split(":", 1)[1].strip()
    return None


def run_once(cmd, timeout, trust_status):
    """Returns (seconds, checksum, error)."""
    start = time.perf_counter()
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              stdin=subprocess.DEVNULL, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, None, "timeout after %gs" % timeout
    except OSError as e:
        return None, None, str(e)
    elapsed = time.perf_counter() - start
    cs = checksum_of(proc.stdout.decode("utf-8", "replace"))
    if cs is None or (trust_status and proc.returncode != 0):
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        why = err[-1] if err else "no checksum in output"
        return None, None, "exit %d: %s" % (proc.returncode, why[:160])
    return elapsed, cs, None


def measure(cmds, runs, timeout):
    """cmds: list of (key, argv, trust_status). Runs them round-robin `runs` times; a
    command that fails once is not run again. Returns {key: (best, checksum, error)}."""
    res = {key: (None, None, None) for key, _, _ in cmds}
    for _ in range(runs):
        for key, argv, trust in cmds:
            best, cs, err = res[key]
            if err:
                continue
            t, c, e = run_once(argv, timeout, trust)
            if e:
                res[key] = (None, None, e)
            elif cs is not None and c != cs:
                res[key] = (None, None, "checksum changed between runs: %s, then %s" % (cs, c))
            else:
                res[key] = (t if best is None else min(best, t), c, None)
    return res


def compile_artifact(ironclad, wasm, artifact, threads, timeout):
    """`ironclad compile --timings`: returns ({key: value} of its timings line, error)."""
    os.makedirs(os.path.dirname(artifact), exist_ok=True)
    cmd = [ironclad, "compile", "--timings", wasm, "-o", artifact]
    if threads:
        cmd += ["--threads", str(threads)]
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              stdin=subprocess.DEVNULL, timeout=timeout)
    except (subprocess.TimeoutExpired, OSError) as e:
        return None, "compile: %s" % e
    err = proc.stderr.decode("utf-8", "replace")
    if proc.returncode != 0:
        last = err.strip().splitlines()
        return None, "compile exit %d: %s" % (proc.returncode, (last[-1] if last else "")[:160])
    for line in err.splitlines():
        if line.startswith("ironclad: compile:"):
            return dict(kv.split("=", 1) for kv in line.split(":", 2)[2].split()), None
    return None, "compile printed no timings"


def geomean(values):
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True, help="bench/out directory with native/ and wasm/")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--ironclad", default="")
    ap.add_argument("--tiers", default="interp")
    ap.add_argument("--node", default="")
    ap.add_argument("--runner", default="")
    ap.add_argument("--program", action="append", default=[], help="NAME or NAME=ARG")
    ap.add_argument("--large", default="", help="large module NAME=SIZE_NOTE (time to first call)")
    ap.add_argument("--tiny", default="", help="one-function module NAME timed next to the large one")
    ap.add_argument("--results", default="", help="also write the table to this file")
    ap.add_argument("--compile-threads", type=int, default=0,
                    help="ironclad compile --threads for the jit-artifact column (0: automatic)")
    a = ap.parse_args()
    artifacts = os.path.join(a.out, "icwasm")
    compile_stats = {}  # program -> {key: value} from `ironclad compile --timings`

    def artifact_of(wasm):
        return os.path.join(artifacts, os.path.basename(wasm)[:-len(".wasm")] + ".icwasm")

    # Columns: (title, argv builder or None, reason when None, trust the exit status).
    columns = []
    for tier in [t for t in a.tiers.split(",") if t]:
        title = "ironclad " + tier
        if tier == "jit-artifact" and a.ironclad and os.access(a.ironclad, os.X_OK):
            columns.append(("ironclad jit (artifact)",
                            lambda w, args: [a.ironclad, "run", artifact_of(w)] + args, None, True))
        elif a.ironclad and os.access(a.ironclad, os.X_OK):
            columns.append((title, lambda w, args, t=tier: [a.ironclad, "run", "--tier", t, w] + args, None, True))
        else:
            columns.append((title, None, "no ironclad binary at %s" % (a.ironclad or "(none)"), True))
    if a.node:
        # node 20 may die with SIGSEGV after the program finished: judge by the checksum.
        columns.append(("node", lambda w, args: [a.node, "--no-warnings", a.runner, w] + args, None, False))
    else:
        columns.append(("node", None, "node not found", False))

    notes = []

    def row_cells(name, args):
        """Measures one program in every column: (native_time, [(time|None, mark)])."""
        native = os.path.join(a.out, "native", name)
        wasm = os.path.join(a.out, "wasm", name + ".wasm")
        if any(c[0] == "ironclad jit (artifact)" and c[1] for c in columns) and name not in compile_stats:
            stats, err = compile_artifact(a.ironclad, wasm, artifact_of(wasm), a.compile_threads,
                                          a.timeout)
            compile_stats[name] = stats
            if err:
                notes.append("%s / ironclad jit (artifact): %s" % (name, err))
        cmds = [("native", [native] + args, True)]
        cmds += [(title, build(wasm, args), trust) for title, build, _, trust in columns if build]
        res = measure(cmds, a.runs, a.timeout)
        nt, ncs, nerr = res["native"]
        if nerr:
            notes.append("%s / native: %s" % (name, nerr))
        cells = []
        for title, build, _, _ in columns:
            if build is None or nt is None:
                cells.append((None, "n/a"))
                continue
            t, cs, err = res[title]
            if err:
                cells.append((None, "n/a"))
                notes.append("%s / %s: %s" % (name, title, err))
            elif cs != ncs:
                cells.append((None, "WRONG"))
                notes.append("%s / %s: checksum %s, native %s" % (name, title, cs, ncs))
            else:
                cells.append((t, None))
        print("  %-16s native %s; %s" % (
            name, "%.3fs" % nt if nt else "FAILED",
            "; ".join("%s %s" % (c[0], "%.3fs" % t if t is not None else m) for c, (t, m) in zip(columns, cells))),
            file=sys.stderr, flush=True)
        return nt, cells

    rows = []
    for spec in a.program:
        name, _, arg = spec.partition("=")
        nt, cells = row_cells(name, [arg] if arg else [])
        rows.append((name, nt, cells))

    lines = []
    lines.append("| program | native s |" + "".join(" %s s | %s x |" % (c[0], c[0]) for c in columns))
    lines.append("|---|---:|" + "---:|---:|" * len(columns))
    ratios = [[] for _ in columns]
    ratios_scalar = [[] for _ in columns]
    for name, nt, cells in rows:
        line = "| %s | %s |" % (name, "%.3f" % nt if nt else "FAILED")
        for i, (t, mark) in enumerate(cells):
            if t is None:
                line += " %s | %s |" % (mark, mark)
            else:
                r = t / nt
                ratios[i].append(r)
                if not name.endswith("_simd"):
                    ratios_scalar[i].append(r)
                line += " %.3f | %.2f |" % (t, r)
        lines.append(line)
    for label, rs in (("geomean (all)", ratios), ("geomean (scalar only)", ratios_scalar)):
        line = "| **%s** | |" % label
        for vals in rs:
            g = geomean(vals)
            line += " | %s |" % ("**%.2f** (%d)" % (g, len(vals)) if g else "n/a")
        lines.append(line)

    if a.large:
        # Time to first call: the whole run of a large module whose main calls one function,
        # next to the same run of a one-function module (process start, runtime start-up).
        name, _, note = a.large.partition("=")
        mods = [name] + ([a.tiny] if a.tiny else [])
        size = {}
        for m in mods:
            w = os.path.join(a.out, "wasm", m + ".wasm")
            size[m] = os.path.getsize(w) if os.path.exists(w) else 0
        measured = {m: row_cells(m, []) for m in mods}
        lines.append("")
        lines.append("Time to first call: `%s.wasm` is %d bytes (%.1f MiB, %s); its main calls one "
                     "function and exits.%s" % (name, size[name], size[name] / 1048576.0, note,
                     (" `%s.wasm` (%d bytes, the same generator with one function) shows the "
                      "fixed cost of starting each runtime." % (a.tiny, size[a.tiny])) if a.tiny else ""))
        lines.append("")
        lines.append("| runtime | " + " | ".join("%s s" % m for m in mods) + " |")
        lines.append("|---|" + "---:|" * len(mods))
        lines.append("| native |" + "".join(
            " %s |" % ("%.3f" % measured[m][0] if measured[m][0] else "n/a") for m in mods))
        for i, (title, _, _, _) in enumerate(columns):
            line = "| %s |" % title
            for m in mods:
                t, mark = measured[m][1][i]
                line += " %s |" % ("%.3f" % t if t is not None else mark)
            lines.append(line)

    if compile_stats:
        # What the jit-artifact column leaves out: compiling each module once, ahead of time.
        lines.append("")
        lines.append("Compile time (`ironclad compile --timings`, the default -O2%s): wall time of "
                     "one compile, throughput in KiB of wasm per second, partitions compiled in "
                     "parallel." % (", --threads %d" % a.compile_threads if a.compile_threads else ""))
        lines.append("")
        lines.append("| module | wasm KiB | functions | partitions | compile s | KiB/s | optimize s | codegen s |")
        lines.append("|---|---:|---:|---:|---:|---:|---:|---:|")
        for name, st in compile_stats.items():
            if not st:
                lines.append("| %s | n/a | | | | | | |" % name)
                continue
            lines.append("| %s | %s | %s | %s | %.2f | %s | %.2f | %.2f |" % (
                name, st.get("wasm_kib", "?"), st.get("functions", "?"), st.get("partitions", "?"),
                float(st.get("wall_ms", 0)) / 1000, st.get("kib_per_s", "?"),
                float(st.get("optimize_ms", 0)) / 1000, float(st.get("codegen_ms", 0)) / 1000))

    for title, build, reason, _ in columns:
        if build is None:
            notes.append("%s: %s" % (title, reason))
    if notes:
        # One line per (column, reason), listing the programs it applies to.
        grouped = {}
        for n in notes:
            prog, sep, rest = n.partition(" / ")
            if not sep:
                grouped.setdefault(n, [])
                continue
            col, _, why = rest.partition(": ")
            grouped.setdefault("%s: %s" % (col, why), []).append(prog)
        lines.append("")
        lines.append("Notes:")
        for key, progs in grouped.items():
            where = "" if not progs else (" (every program)" if len(progs) >= len(rows) and len(rows) > 1
                                          else " (%s)" % ", ".join(progs))
            lines.append("- " + (key + where).replace("|", "/"))
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    if a.results:
        with open(a.results, "w") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
