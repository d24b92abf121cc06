"""Benchmarks of skdl against raw Keras, scikeras, ``keras.wrappers`` and scikit-learn's MLP.

One run measures every contender side by side on the same machine and writes
``benchmarks/RESULTS.md``: tables per section, ratios against raw Keras and
scikit-learn, and a table of the performance targets (met or not, computed from
the numbers of the run). Each measurement runs in its own fresh Python process,
so that imports, compiled functions and memory of one contender do not affect
another; the parent process only collects their JSON results.

Sections (``--only`` takes their letters):

a. import time of each library's estimator, and whether TensorFlow got loaded;
b. California housing: fit time and test R² of a Dense(30) -> Dense(1) regressor
   (20 epochs, batch 32, Adam), plus skdl's ``MLPRegressor()`` against
   scikit-learn's ``MLPRegressor()`` with their defaults;
c. predict latency of the fitted California regressors at 1, 100 and all rows;
d. a fresh small fit (200 x 8, 5 epochs, a new estimator each time);
e. Titanic: preprocessing pipeline + classifier, 5-fold ``cross_val_score``;
f. the Hands-On ML ``RandomizedSearchCV`` at ``n_jobs=1`` and ``n_jobs=2``: a short
   version twice per process, the book's full search once, and how much two
   CPU-bound processes at once gain on the machine;
g. resident memory growth over 50 fresh fits;
h. skdl's MLP presets against scikit-learn's on four datasets
   (the table of ``benchmarks/mlp_vs_sklearn.py``, which has no quick mode).

Usage::

    python benchmarks/run.py [--quick] [--only a,b,...] [--output benchmarks/RESULTS.md]

``--quick`` uses tiny sizes and few repeats (a smoke test of a few minutes; its
numbers mean nothing). Thread settings are left to each library's defaults.
"""

import argparse
import datetime
import os
import tempfile
import time

from harness.config import BENCHMARKS, FULL, QUICK, SECTIONS
from harness.environment import keras_backend, machine, package_versions, source_state
from harness.processes import log
from harness.report import write_report
from harness.sections import run_sections
from harness.tasks import child_main


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke test")
    parser.add_argument(
        "--only",
        default=",".join(SECTIONS),
        help="comma-separated sections to run, among " + ",".join(SECTIONS),
    )
    parser.add_argument("--output", default=os.path.join(BENCHMARKS, "RESULTS.md"))
    parser.add_argument("--child", nargs=2, metavar=("TASK", "CONTENDER"), help=argparse.SUPPRESS)
    parser.add_argument("--config", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = sorted(set(args.only) - set(SECTIONS))
    if unknown:
        parser.error(
            f"unknown section(s) {', '.join(unknown)}; choose among {', '.join(SECTIONS)}"
        )
    return args


def main(argv=None):
    args = parse_args(argv)
    if args.child:
        child_main(*args.child, args.config, args.result)
        return
    start = time.perf_counter()
    cfg = dict(QUICK if args.quick else FULL, quick=args.quick, sections=args.only)
    info = {"machine": machine(), "versions": package_versions(), "backend": keras_backend()}
    info["source"] = source_state()
    info["date"] = datetime.date.today().isoformat()
    log(f"machine: {info['machine']}\nversions: {info['versions']}, backend {info['backend']}")
    with tempfile.TemporaryDirectory(prefix="skdl-bench-") as workdir:
        cfg["workdir"] = workdir
        results = run_sections(args.only, cfg)
    info["load_end"] = os.getloadavg() if hasattr(os, "getloadavg") else None
    text = write_report(args.output, results, info, cfg, time.perf_counter() - start)
    print(text)
    log(f"written to {args.output}")


if __name__ == "__main__":
    main()
