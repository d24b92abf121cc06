"""Parent side: run a task in a fresh process and collect its JSON result."""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

from .config import BENCHMARKS


def child_env():
    env = dict(os.environ)
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"
    return env


def last_line(text):
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else "no output"


def run_child(task, contender, cfg, timeout=3600):
    """Run ``task`` for ``contender`` in a fresh process and return its result dict.

    A failure is returned as ``{"error": <last line of its stderr>}``.
    """
    if not cfg.get("workdir"):
        with tempfile.TemporaryDirectory(prefix="skdl-bench-") as workdir:
            return run_child(task, contender, {**cfg, "workdir": workdir}, timeout)
    result_path = os.path.join(cfg["workdir"], f"{task}-{contender}-{time.monotonic_ns()}.json")
    command = [sys.executable, os.path.join(BENCHMARKS, "run.py"), "--child", task, contender]
    command += ["--config", json.dumps(cfg)]
    start = time.perf_counter()
    result = child_result(command, result_path, child_env(), timeout)
    if "error" not in result:
        result["process_s"] = time.perf_counter() - start
    return result


def child_result(command, result_path, env, timeout=3600):
    """Run ``command`` with ``--result result_path`` in a fresh process and return
    the dict it writes there as JSON; ``{"error": <last line of its stderr>}`` on
    failure. Also the parent side of ``gpu.py`` and ``backends.py``."""
    try:
        out = subprocess.run(
            [*command, "--result", result_path],
            capture_output=True,
            text=True,
            env=env,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout} s"}
    if out.returncode != 0 or not os.path.exists(result_path):
        return {"error": last_line(out.stderr)}
    with open(result_path) as fh:
        return json.load(fh)


def log(message):
    print(message, file=sys.stderr, flush=True)


def run_contenders(task, contenders, cfg, **extra):
    """``{contender: result}`` of ``task``, each contender in its own process."""
    results = {}
    for contender in contenders:
        result = results[contender] = run_child(task, contender, {**cfg, **extra})
        status = result["error"] if "error" in result else f"{result['process_s']:.0f} s"
        settings = "".join(f" {name}={value}" for name, value in extra.items())
        log(f"  {task} {contender}{settings}: {status}")
    return results


def run_repeated(task, contenders, cfg, key):
    """Like :func:`run_contenders`, ``cfg["fit_repeats"]`` times, round-robin over the
    contenders; ``key`` (a time) becomes the median of the runs, the rest of the
    result comes from the first run (later runs get ``latency=False``)."""
    runs = [run_contenders(task, contenders, cfg)]
    for _ in range(cfg["fit_repeats"] - 1):
        runs.append(run_contenders(task, contenders, cfg, latency=False))
    results = runs[0]
    for contender, result in results.items():
        times = [run[contender].get(key) for run in runs]
        if None not in times:
            result[key] = statistics.median(times)
            result[f"{key}_runs"] = times
    return results
