"""One measured run of a child process: wall time from spawn to exit, from spawn to the first
byte on its stdout, its peak RSS and CPU time from wait4 (the child's own rusage, not the
sum over all children), its exit status and output."""
import os
import select
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass


@dataclass
class Run:
    wall: float          # seconds, spawn to reaped
    first: float | None  # seconds, spawn to the first byte on stdout (None: it wrote nothing)
    last: float | None   # seconds, spawn to the last byte on stdout
    first_cpu: float | None   # at the first byte: seconds on a CPU, all threads (schedstat)
    first_wait: float | None  # at the first byte: seconds runnable but waiting for a CPU
    rss_kib: int         # ru_maxrss of the child (KiB on Linux)
    cpu: float           # user + system seconds of the child (all its threads)
    status: int          # exit code, or -signal
    stdout: bytes
    stderr: str
    timed_out: bool = False


def schedstat(pid):
    """(seconds on a CPU, seconds waiting on a run queue), summed over the process's
    threads: /proc/PID/task/*/schedstat, in nanoseconds. Threads that have ended are not
    listed there, so the CPU time is also taken from /proc/PID/stat (utime + stime of the
    whole thread group, ended threads included, in clock ticks) when that is more."""
    cpu = wait = 0
    for tid in os.listdir("/proc/%d/task" % pid):
        with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as f:
            fields = f.read().split()
        cpu, wait = cpu + int(fields[0]), wait + int(fields[1])
    with open("/proc/%d/stat" % pid) as f:
        stat = f.read().rsplit(")", 1)[1].split()
    ticks = (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")  # fields 14, 15
    return max(cpu / 1e9, ticks), wait / 1e9


def _stopped_schedstat(pid):
    # Stop the child while its threads' times are read: it would go on with its work (and a
    # compile thread with its batch) while this process reads. What it ran between its
    # write and the stop (this process's wake-up latency) is counted: an upper bound.
    try:
        os.kill(pid, signal.SIGSTOP)
        try:
            return schedstat(pid)
        finally:
            os.kill(pid, signal.SIGCONT)
    except OSError:
        return None, None


def spawn(argv, cwd=None, stdin_path=None, timeout=600.0, env=None):
    """Runs argv to its end; stdout is read as it comes so the first byte is timed."""
    with tempfile.TemporaryFile() as err:
        stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
        try:
            start = time.perf_counter()
            proc = subprocess.Popen(argv, cwd=cwd, stdin=stdin, stdout=subprocess.PIPE,
                                    stderr=err, env=env)
        finally:
            if stdin is not subprocess.DEVNULL:
                stdin.close()
        fd = proc.stdout.fileno()
        chunks, first, last, timed_out = [], None, None, False
        first_cpu = first_wait = None
        deadline = start + timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                timed_out = True
                proc.send_signal(signal.SIGKILL)
                break
            data = os.read(fd, 1 << 16)
            if not data:
                break
            last = time.perf_counter() - start
            if first is None:
                first = last
                first_cpu, first_wait = _stopped_schedstat(proc.pid)
            chunks.append(data)
        _, wstatus, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(wstatus)  # reaped here, not by Popen
        proc.stdout.close()
        err.seek(0)
        return Run(wall, first, last, first_cpu, first_wait, usage.ru_maxrss, usage.ru_utime + usage.ru_stime,
                   proc.returncode, b"".join(chunks), err.read().decode("utf-8", "replace"),
                   timed_out)
