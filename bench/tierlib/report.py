"""Markdown tables of measure()'s results: per workload and engine the best and median of
the runs (and the spread, max/min), peak RSS, and ratios to a reference engine."""


def _cell(stats, scale, fmt):
    if stats is None:
        return "n/a"
    lo, med, hi = stats
    return (fmt + " / " + fmt + " (±%d%%)") % (lo * scale, med * scale,
                                              round(100 * (hi - lo) / lo) if lo > 0 else 0)


def table(wls, engine_names, results, metric, reference=None, native=None, notes_on=True):
    """metric: 'first' (ms to the first byte of output) or 'wall' (seconds, whole run).
    Each engine's cell: best / median (spread = (max - min) / min), peak RSS in MiB (the
    largest of its runs); `x ref` columns: best ratio and median ratio to `reference`."""
    scale, fmt, unit = (1000.0, "%.1f", "ms") if metric == "first" else (1.0, "%.3f", "s")
    head = ["workload", "MiB"] + (["native s"] if native else [])
    for e in engine_names:
        head += ["%s %s best / median" % (e, unit), "%s peak RSS MiB" % e]
        if reference and e != reference:
            head.append("%s / %s" % (e, reference))
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    notes = []
    for wl in wls:
        row = [wl.name, "%.2f" % (wl.size() / 1048576.0)]
        if native:
            row.append("%.3f" % native[wl.name] if wl.name in native else "")
        ref = results.get((wl.name, reference)) if reference else None
        for e in engine_names:
            r = results[(wl.name, e)]
            values = r.firsts if metric == "first" else r.walls
            if r.error:
                row += ["n/a", ""]
                notes.append("%s / %s: %s" % (wl.name, e, r.error))
            else:
                st = r.stats(values)
                row += [_cell(st, scale, fmt) + (" [%d]" % len(values)), "%d" % (max(r.rss) // 1024)]
            if reference and e != reference:
                rv = (ref.firsts if metric == "first" else ref.walls) if ref and not ref.error else []
                if r.error or not values or not rv:
                    row.append("n/a")
                else:
                    a, b = r.stats(values), r.stats(rv)
                    row.append("%.2f / %.2f" % (a[0] / b[0], a[1] / b[1]))
            if r.tier and e.startswith("tiered") and notes_on:
                notes.append("%s / %s: %s" % (wl.name, e, r.tier))
        lines.append("| " + " | ".join(row) + " |")
    if notes:
        lines.append("")
        lines += ["- " + n.replace("|", "/") for n in notes]
    return "\n".join(lines) + "\n"


def cpu_table(wls, engine_names, results):
    """CPU time (user + system, every thread of the process) and the tail (seconds from the
    program's last byte of output to the process's exit), medians of the runs: with background
    compiles the CPU time is more than the program's, and the tail shows an exit waiting."""
    lines = ["| workload | " + " | ".join("%s cpu s / tail s" % e for e in engine_names) + " |",
             "|---|" + "---|" * len(engine_names)]
    for wl in wls:
        row = [wl.name]
        for e in engine_names:
            r = results[(wl.name, e)]
            st = r.stats(r.cpus) if not r.error else None
            tl = r.stats(r.tails) if not r.error else None
            row.append("%.2f / %.2f" % (st[1], tl[1]) if st else "n/a")
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines) + "\n"


def first_cpu_table(wls, engine_names, results):
    """At the first byte of output (the child stopped while read, bench/tierlib/spawn.py):
    the process's time on a CPU, all threads, and its time runnable but waiting for a CPU
    (the machine's load), from /proc/PID/task/*/schedstat; best / median ms."""
    head = ["workload"] + ["%s CPU ms to first output" % e for e in engine_names] + \
        ["%s run-queue wait ms" % e for e in engine_names]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for wl in wls:
        cpu, wait = [], []
        for e in engine_names:
            r = results[(wl.name, e)]
            a = r.stats(r.first_cpus) if not r.error else None
            b = r.stats(r.first_waits) if not r.error else None
            cpu.append("%.1f / %.1f" % (a[0] * 1000, a[1] * 1000) if a else "n/a")
            wait.append("%.0f / %.0f" % (b[0] * 1000, b[1] * 1000) if b else "n/a")
        lines.append("| " + " | ".join([wl.name] + cpu + wait) + " |")
    return "\n".join(lines) + "\n"
