"""The sections of a run: which tasks run, for which contenders, how often."""

import json
import os
import statistics
import subprocess
import sys

from .config import BENCHMARKS, CLASSIFIERS, IMPORT_PROBE, IMPORTS, REGRESSORS, SEARCHERS
from .processes import child_env, last_line, log, run_contenders, run_repeated


def measure_imports(cfg):
    """Section (a): median import time per contender, each repeat in a fresh interpreter.

    Repeats go round-robin over the contenders, so that a busy moment of the
    machine does not land on one contender only.
    """
    samples = {name: [] for name in IMPORTS}
    flags = {}
    for _ in range(cfg["import_repeats"]):
        for name, statement in IMPORTS.items():
            code = IMPORT_PROBE.format(statement=statement)
            out = subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, env=child_env()
            )
            if out.returncode != 0:
                flags[name] = {"error": last_line(out.stderr)}
                continue
            probe = json.loads(out.stdout.strip().splitlines()[-1])
            samples[name].append(probe.pop("seconds"))
            flags.setdefault(name, probe)
    results = {}
    for name in IMPORTS:
        results[name] = dict(flags.get(name, {}))
        if samples[name]:
            results[name]["seconds"] = statistics.median(samples[name])
        log(f"  import {name}: {results[name]}")
    return results


BUSY_PROBE = (
    "import time\n"
    "t = time.perf_counter()\n"
    "x = 0\n"
    "for i in range(30_000_000):\n"
    "    x += i\n"
    "print(time.perf_counter() - t)\n"
)


def measure_parallel_ceiling(cfg):
    """Section (f): how much faster two single-threaded CPU-bound processes finish
    together than one after the other, on this machine (2.0 on two free cores).

    A pure-Python loop runs alone, then two copies at once; the speedup is twice
    the median time alone over the median time of the slower of the pair.
    """

    def busy(n_processes):
        command = [sys.executable, "-c", BUSY_PROBE]
        procs = [
            subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
            for _ in range(n_processes)
        ]
        return max(float(p.communicate()[0]) for p in procs)

    alone, pair = [], []
    for _ in range(cfg["ceiling_repeats"]):
        alone.append(busy(1))
        pair.append(busy(2))
    result = {"alone_s": statistics.median(alone), "pair_s": statistics.median(pair)}
    result["speedup"] = 2 * result["alone_s"] / result["pair_s"]
    log(f"  two CPU-bound processes at once: {result['speedup']:.2f}x")
    return result


def prediction_differences(workdir):
    """Max abs difference of the California test predictions of skdl and raw Keras."""
    import numpy as np

    paths = [os.path.join(workdir, f"california-{c}.npy") for c in ("skdl", "keras")]
    if not all(os.path.exists(p) for p in paths):
        return None
    ours, theirs = (np.load(p) for p in paths)
    return float(np.max(np.abs(ours - theirs)))


def run_mlp_vs_sklearn():
    """Section (h): the table printed by ``benchmarks/mlp_vs_sklearn.py``."""
    script = os.path.join(BENCHMARKS, "mlp_vs_sklearn.py")
    out = subprocess.run(
        [sys.executable, script], capture_output=True, text=True, env=child_env(), check=False
    )
    if out.returncode != 0:
        return {"error": last_line(out.stderr)}
    return {"table": [line for line in out.stdout.splitlines() if line.startswith("|")]}


def run_sections(sections, cfg):
    """Run the chosen sections; returns ``{section: results}``."""
    results = {}
    if "a" in sections:
        log("(a) import time")
        results["a"] = measure_imports(cfg)
    if "b" in sections or "c" in sections:
        log("(b, c) California housing")
        fits = run_repeated("california", REGRESSORS, cfg, "fit_s")  # (c) predicts with these
        if "c" in sections:
            results["c"] = fits
        if "b" in sections:
            results["b"] = {"fits": fits, "diff": prediction_differences(cfg["workdir"])}
            results["b"]["preset"] = run_repeated("preset", ("skdl", "sklearn"), cfg, "fit_s")
    if "d" in sections:
        log("(d) fresh small fit")
        results["d"] = run_contenders("small_fit", REGRESSORS, cfg)
    if "e" in sections:
        log("(e) Titanic")
        results["e"] = run_repeated("titanic", CLASSIFIERS, cfg, "cv_s")
    if "f" in sections:
        log("(f) search")
        results["f"] = {
            n_jobs: run_contenders("search", SEARCHERS, cfg, n_jobs=n_jobs) for n_jobs in (1, 2)
        }
        results["f"]["book"] = {
            n_jobs: run_contenders("book_search", ("skdl",), cfg, n_jobs=n_jobs)["skdl"]
            for n_jobs in (1, 2)
        }
        results["f"]["ceiling"] = measure_parallel_ceiling(cfg)
    if "g" in sections:
        log("(g) memory")
        results["g"] = run_contenders("memory", REGRESSORS, cfg)
    if "h" in sections:
        log("(h) MLP presets vs scikit-learn")
        results["h"] = run_mlp_vs_sklearn()
    return results
