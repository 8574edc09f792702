#!/usr/bin/env python3
"""Times the benchmark programs built by bench/run.sh and prints the table.

Every cell is the best wall-clock time of N runs (time.perf_counter around the child
process). A cell counts only when the run printed the same `checksum:` line as the native
build; otherwise it is WRONG (a different checksum) or n/a (missing binary or tier, a
failed run, a timeout; the reason is listed under the table).
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


def time_runs(cmd, runs, timeout, trust_status):
    """Returns (best_seconds, checksum, error)."""
    best = None
    checksum = None
    for _ in range(runs):
        start = time.perf_counter()
        try:
            proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  stdin=subprocess.DEVNULL, timeout=timeout)
        except subprocess.TimeoutExpired:
            return None, None, "timeout after %gs" % timeout
        except OSError as e:
            return None, None, str(e)
        elapsed = time.perf_counter() - start
        out = proc.stdout.decode("utf-8", "replace")
        cs = checksum_of(out)
        if cs is None or (trust_status and proc.returncode != 0):
            err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            why = err[-1] if err else "no checksum in output"
            return None, None, "exit %d: %s" % (proc.returncode, why[:160])
        checksum = cs
        best = elapsed if best is None else min(best, elapsed)
    return best, checksum, None


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
    ap.add_argument("--results", default="", help="also write the table to this file")
    a = ap.parse_args()

    # Columns: (title, command builder or None with a reason, trust exit status).
    columns = []
    for tier in [t for t in a.tiers.split(",") if t]:
        title = "ironclad " + tier
        if a.ironclad and os.access(a.ironclad, os.X_OK):
            columns.append((title, lambda w, args, t=tier: [a.ironclad, "run", "--tier", t, w] + args, None, True))
        else:
            columns.append((title, None, "no ironclad binary at %s" % (a.ironclad or "(none)"), True))
    if a.node:
        columns.append(("node", lambda w, args: [a.node, "--no-warnings", a.runner, w] + args, None, False))
    else:
        columns.append(("node", None, "node not found", False))

    notes = []
    rows = []  # (name, native_time, [(time|None, mark)])
    for spec in a.program:
        name, _, arg = spec.partition("=")
        args = [arg] if arg else []
        native = os.path.join(a.out, "native", name)
        wasm = os.path.join(a.out, "wasm", name + ".wasm")
        nt, ncs, err = time_runs([native] + args, a.runs, a.timeout, True)
        print("  %-16s native %s" % (name, "%.3fs" % nt if nt else "FAILED: " + err), file=sys.stderr, flush=True)
        cells = []
        for title, build, reason, trust in columns:
            if build is None:
                cells.append((None, "n/a"))
                continue
            if nt is None:
                cells.append((None, "n/a"))
                continue
            t, cs, err = time_runs(build(wasm, args), a.runs, a.timeout, trust)
            if err:
                cells.append((None, "n/a"))
                notes.append("%s / %s: %s" % (name, title, err))
            elif cs != ncs:
                cells.append((None, "WRONG"))
                notes.append("%s / %s: checksum %s, native %s" % (name, title, cs, ncs))
            else:
                cells.append((t, None))
            print("  %-16s %-16s %s" % (name, title, "%.3fs" % t if not err and cs == ncs else cells[-1][1]),
                  file=sys.stderr, flush=True)
        if nt is None:
            notes.append("%s / native: %s" % (name, err))
        rows.append((name, nt, ncs, cells))

    for title, build, reason, _ in columns:
        if build is None:
            notes.append("%s: %s" % (title, reason))

    lines = []
    head = "| program | native s |" + "".join(" %s s | %s x |" % (c[0], c[0]) for c in columns)
    lines.append(head)
    lines.append("|---|---:|" + "---:|---:|" * len(columns))
    ratios = [[] for _ in columns]
    ratios_scalar = [[] for _ in columns]
    for name, nt, _, cells in rows:
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
        name, _, note = a.large.partition("=")
        wasm = os.path.join(a.out, "wasm", name + ".wasm")
        native = os.path.join(a.out, "native", name)
        size = os.path.getsize(wasm) if os.path.exists(wasm) else 0
        lines.append("")
        lines.append("Time to first call, large module `%s.wasm`: %d bytes (%.1f MiB)%s; "
                     "main calls one of its functions and exits." % (name, size, size / 1048576.0,
                                                                      ", " + note if note else ""))
        lines.append("")
        lines.append("| runtime | seconds | checksum |")
        lines.append("|---|---:|---|")
        lt, lcs, err = time_runs([native], a.runs, a.timeout, True)
        lines.append("| native | %s | %s |" % ("%.3f" % lt if lt else "n/a", "ok" if lt else err))
        for title, build, reason, trust in columns:
            if build is None:
                lines.append("| %s | n/a | %s |" % (title, reason))
                continue
            t, cs, err = time_runs(build(wasm, []), a.runs, a.timeout, trust)
            if err:
                lines.append("| %s | n/a | %s |" % (title, err.replace("|", "/")))
            elif cs != lcs:
                lines.append("| %s | WRONG | %s vs native %s |" % (title, cs, lcs))
            else:
                lines.append("| %s | %.3f | ok |" % (title, t))

    if notes:
        lines.append("")
        lines.append("Notes:")
        for n in notes:
            lines.append("- " + n.replace("|", "/"))
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    if a.results:
        with open(a.results, "w") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
