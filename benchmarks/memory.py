"""Resident memory over many fresh fits: skdl vs raw Keras vs scikeras vs scikit-learn.

Each contender runs in its own fresh process: it fits ``--warmup`` models, records
the resident set size (RSS), fits ``--fits`` more fresh models (200 x 8 data, 5 epochs,
Dense(30) -> Dense(1)), and records the RSS again. The growth per fit is what a
``GridSearchCV`` or ``KFold`` loop pays.

Usage::

    python benchmarks/memory.py [--fits 50] [--warmup 5]
"""

import argparse
import json
import os
import platform
import subprocess
import sys

CONTENDERS = ("skdl", "keras", "scikeras", "sklearn")

CHILD = r"""
import gc, json, os, sys
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np

def rss_mb():
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
which, fits, warmup = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = np.random.RandomState(0)
X = rng.normal(size=(200, 8)).astype("float32")
y = X @ rng.normal(size=8)

if which in ("keras", "scikeras"):
    import keras
    def build():
        model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(30, activation="relu"),
                                  keras.layers.Dense(1)])
        model.compile(optimizer="adam", loss="mse")
        return model

def fit_once():
    if which == "skdl":
        from skdl import KerasRegressor
        KerasRegressor(hidden_layer_sizes=(30,), epochs=5).fit(X, y).predict(X[:5])
    elif which == "keras":
        model = build()
        model.fit(X, y, epochs=5, verbose=0)
        model.predict(X[:5], verbose=0)
    elif which == "scikeras":
        from scikeras.wrappers import KerasRegressor
        KerasRegressor(build, epochs=5, verbose=0).fit(X, y).predict(X[:5])
    else:
        from sklearn.neural_network import MLPRegressor
        MLPRegressor(hidden_layer_sizes=(30,), max_iter=5).fit(X, y).predict(X[:5])

import warnings
warnings.filterwarnings("ignore")
for _ in range(warmup):
    fit_once()
gc.collect()
start = rss_mb()
for _ in range(fits):
    fit_once()
gc.collect()
end = rss_mb()
print(json.dumps({"start_mb": start, "end_mb": end}))
"""


def measure(which, fits, warmup):
    out = subprocess.run(
        [sys.executable, "-c", CHILD, which, str(fits), str(warmup)],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        return {"error": out.stderr.strip().splitlines()[-1]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fits", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--only", nargs="*", default=list(CONTENDERS))
    args = parser.parse_args()
    machine = f"{platform.platform()}, {os.cpu_count()} CPUs"
    print(f"# machine: {machine}, Python {platform.python_version()}")
    print(
        "| contender | RSS after warm-up (MB) | "
        f"RSS after {args.fits} fits (MB) | growth (MB) | per fit (MB) |"
    )
    print("|---|---|---|---|---|")
    for which in args.only:
        r = measure(which, args.fits, args.warmup)
        if "error" in r:
            print(f"| {which} | error: {r['error']} | | | |")
            continue
        growth = r["end_mb"] - r["start_mb"]
        print(
            f"| {which} | {r['start_mb']:.0f} | {r['end_mb']:.0f} | {growth:+.1f} | "
            f"{growth / args.fits:+.2f} |"
        )


if __name__ == "__main__":
    main()
