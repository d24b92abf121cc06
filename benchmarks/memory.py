"""Resident memory over many fresh fits: skdl vs raw Keras vs scikeras vs scikit-learn.

Section (g) of ``benchmarks/run.py`` on its own. Each contender runs in its own
fresh process: it fits ``--warmup`` models, records the resident set size (RSS),
fits ``--fits`` more fresh models (200 x 8 data, 5 epochs, Dense(30) -> Dense(1)),
and records the RSS again. The growth per fit is what a ``GridSearchCV`` or
``KFold`` loop pays.

Usage::

    python benchmarks/memory.py [--fits 50] [--warmup 5] [--only skdl keras ...]
"""

import argparse
import os
import platform
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness.config import FULL, REGRESSORS  # noqa: E402
from harness.processes import run_child  # noqa: E402
from harness.tables import report_memory  # noqa: E402

CONTENDERS = REGRESSORS  # skdl, keras, scikeras, wrappers (keras.wrappers), sklearn


def measure(which, fits, warmup):
    """RSS of ``which`` after ``warmup`` fits and after ``fits`` more, in a fresh process."""
    config = {**FULL, "memory_fits": fits, "memory_warmup": warmup}
    return run_child("memory", which, config)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fits", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--only", nargs="*", default=list(CONTENDERS), choices=CONTENDERS)
    args = parser.parse_args()
    print(f"# machine: {platform.platform()}, {os.cpu_count()} CPUs, ", end="")
    print(f"Python {platform.python_version()}")
    results = {which: measure(which, args.fits, args.warmup) for which in args.only}
    print(report_memory(results, {"memory_fits": args.fits}, contenders=args.only))


if __name__ == "__main__":
    main()
