"""Timers and counters that run inside a contender's process."""

import statistics
import time


def median_time(fn, repeats, budget_s=float("inf")):
    """Median wall time of ``fn()`` after one warm-up call.

    Runs ``repeats`` timed calls, or fewer (at least 3) once ``budget_s``
    seconds have been spent.
    """
    fn()
    times, start = [], time.perf_counter()
    while len(times) < repeats and (len(times) < 3 or time.perf_counter() - start < budget_s):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def rss_mb():
    """Resident set size of this process in MB (Linux), or None elsewhere."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def process_cpu_s():
    """CPU time (user + system) of this process and its threads so far, or None."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
