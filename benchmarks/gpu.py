"""GPU against CPU on Keras' JAX backend: fit and predict times of two regressions.

Workloads, both with skdl's ``KerasRegressor`` (Adam, mean squared error):

* **California housing**: the Dense(30) -> Dense(1) regressor of ``run.py``'s
  section (b), 20 epochs of batch 32 on the 15,480 training rows (scaled);
  predict at 1 row and at all 20,640 rows; R² on the test rows.
* **1M rows**: ``make_regression`` with 1,000,000 training rows of 20 features
  (and 100,000 test rows), Dense(256) -> Dense(256) -> Dense(1), 5 epochs of
  batch 1,024; predict at 1 row and at all training rows; test R².

Each device runs in a fresh process with ``KERAS_BACKEND=jax`` and
``JAX_PLATFORMS=cpu`` or ``cuda``. Before the timed fit, the same estimator
fits one epoch of 2,048 rows, so the fit time excludes JAX's compilation of the
training step (reported apart as *warm-up*). Predict times are medians after a
warm-up call.

Usage::

    KERAS_BACKEND=jax python benchmarks/gpu.py [--quick] [--devices cpu,gpu]

The table goes between the ``gpu.py`` markers at the end of
``benchmarks/RESULTS.md`` (``run.py`` keeps that block when it rewrites the
file), and to standard output. ``--quick`` uses tiny sizes: a smoke test whose
numbers mean nothing. Without ``--devices``, the GPU runs when JAX finds one.
"""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

from harness.data import california as scaled_california
from harness.environment import package_versions
from harness.measure import median_time
from harness.processes import child_result
from harness.report import GPU_BEGIN as BEGIN
from harness.report import GPU_END as END

HERE = os.path.dirname(os.path.abspath(__file__))
PLATFORMS = {"cpu": "cpu", "gpu": "cuda"}  # our device name: JAX_PLATFORMS

FULL = {
    "california_rows": None,  # all 20,640
    "california_epochs": 20,
    "synthetic_rows": 1_000_000,
    "synthetic_test_rows": 100_000,
    "synthetic_epochs": 5,
    "predict_repeats": 50,
    "predict_all_repeats": 3,
}
QUICK = {
    "california_rows": 2_000,
    "california_epochs": 2,
    "synthetic_rows": 20_000,
    "synthetic_test_rows": 2_000,
    "synthetic_epochs": 1,
    "predict_repeats": 3,
    "predict_all_repeats": 1,
}
WARMUP_ROWS = 2_048


def california(cfg):
    """Scaled California housing, split as in section (b) of ``run.py``."""
    split = scaled_california({**cfg, "seed": 42})
    return tuple(split[key] for key in ("X_train", "X_test", "y_train", "y_test", "X_all"))


def synthetic(cfg):
    """A linear regression with noise (standardized targets): training rows, test
    rows, and the rows to predict at once."""
    from sklearn.datasets import make_regression

    n_train, n_test = cfg["synthetic_rows"], cfg["synthetic_test_rows"]
    X, y = make_regression(
        n_train + n_test, n_features=20, n_informative=15, noise=10.0, random_state=0
    )
    y = (y - y[:n_train].mean()) / y[:n_train].std()
    return X[:n_train], X[n_train:], y[:n_train], y[n_train:], X[:n_train]


WORKLOADS = {  # name: (data, hidden layers, batch size, epochs key)
    "California housing": (california, (30,), 32, "california_epochs"),
    "1M rows": (synthetic, (256, 256), 1024, "synthetic_epochs"),
}


def measure(name, cfg):
    """Fit and predict one workload on this process' device."""
    from sklearn.metrics import r2_score

    from skdl import KerasRegressor

    data, hidden, batch_size, epochs_key = WORKLOADS[name]
    X_train, X_test, y_train, y_test, X_all = data(cfg)
    estimator = KerasRegressor(
        hidden_layer_sizes=hidden, batch_size=batch_size, epochs=1, random_state=0
    )
    start = time.perf_counter()
    estimator.fit(X_train[:WARMUP_ROWS], y_train[:WARMUP_ROWS])
    warmup_s = time.perf_counter() - start
    estimator.set_params(epochs=cfg[epochs_key])
    start = time.perf_counter()
    estimator.fit(X_train, y_train)
    fit_s = time.perf_counter() - start
    one_row_s = median_time(lambda: estimator.predict(X_all[:1]), cfg["predict_repeats"])
    return {
        "rows": len(X_train),
        "warmup_s": warmup_s,
        "fit_s": fit_s,
        "predict_1_ms": 1e3 * one_row_s,
        "predict_all_s": median_time(lambda: estimator.predict(X_all), cfg["predict_all_repeats"]),
        "predict_all_rows": len(X_all),
        "r2": float(r2_score(y_test, estimator.predict(X_test))),
    }


def child_main(cfg, result_path):
    """One device's process: every workload, then the device JAX used."""
    import jax

    results = {name: measure(name, cfg) for name in WORKLOADS}
    results["device"] = str(jax.devices()[0].device_kind)
    with open(result_path, "w") as fh:
        json.dump(results, fh)


def run_device(device, cfg):
    """Run the workloads in a fresh process on ``device``; ``{"error": ...}`` on failure."""
    with tempfile.TemporaryDirectory(prefix="skdl-gpu-") as workdir:
        env = dict(os.environ, KERAS_BACKEND="jax", JAX_PLATFORMS=PLATFORMS[device])
        command = [sys.executable, os.path.abspath(__file__), "--child", json.dumps(cfg)]
        return child_result(command, os.path.join(workdir, "result.json"), env)


def gpu_found():
    """Whether JAX finds a GPU, asked in a fresh process."""
    code = "import jax; print(any(d.platform == 'gpu' for d in jax.devices()))"
    env = dict(os.environ, JAX_PLATFORMS="")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    return out.stdout.strip() == "True"


VERSIONS = {name: [name] for name in ("skdl", "keras", "jax", "jaxlib", "scikit-learn", "numpy")}


def report(results, cfg, elapsed):
    """The Markdown block: machine, versions, one table with CPU/GPU ratios."""
    header = ["workload", "device", "warm-up (s)", "fit (s)", "predict 1 row (ms)"]
    header += ["predict all rows (s)", "test R²"]
    rows = []
    for name in WORKLOADS:
        for device, result in results.items():
            if "error" in result:
                rows.append([name, device, f"error: {result['error']}"] + [""] * 4)
                continue
            r = result[name]
            rows.append(
                [
                    f"{name} ({r['rows']:,} rows)",
                    f"{device}: {result['device']}",
                    f"{r['warmup_s']:.2f}",
                    f"{r['fit_s']:.2f}",
                    f"{r['predict_1_ms']:.2f}",
                    f"{r['predict_all_s']:.3f} ({r['predict_all_rows']:,} rows)",
                    f"{r['r2']:.4f}",
                ]
            )
        cpu, gpu = results.get("cpu", {}).get(name), results.get("gpu", {}).get(name)
        if cpu and gpu:
            keys = ("warmup_s", "fit_s", "predict_1_ms", "predict_all_s")
            ratios = [f"{cpu[key] / gpu[key]:.2f}×" for key in keys]
            rows.append([name, "CPU time / GPU time", *ratios, ""])
    lines = [
        BEGIN,
        "",
        "## GPU against CPU (JAX backend)",
        "",
        f"Written by `python benchmarks/gpu.py` ({'quick run' if cfg['quick'] else 'full run'}) "
        f"on {datetime.date.today().isoformat()}, in {elapsed / 60:.1f} minutes, on "
        f"{platform.platform()} with {os.cpu_count()} CPUs; "
        + ", ".join(f"{k} {v}" for k, v in package_versions(VERSIONS).items())
        + ". See the docstring of `benchmarks/gpu.py` for the workloads. The CPU rows use "
        "every core of that machine.",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines + ["", END])


def replace_block(text, block):
    """``text`` with its ``gpu.py`` block replaced by ``block`` (appended if none)."""
    if BEGIN in text and END in text:
        before, rest = text.split(BEGIN, 1)
        return before + block + rest.split(END, 1)[1]
    return text.rstrip("\n") + "\n\n" + block + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke test")
    parser.add_argument("--devices", help="comma-separated, among cpu,gpu")
    parser.add_argument("--output", default=os.path.join(HERE, "RESULTS.md"))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child_main(json.loads(args.child), args.result)
        return
    devices = args.devices.split(",") if args.devices else ["cpu"] + ["gpu"] * gpu_found()
    unknown = sorted(set(devices) - set(PLATFORMS))
    if unknown:
        parser.error(f"unknown device(s) {', '.join(unknown)}; choose among cpu, gpu")
    cfg = dict(QUICK if args.quick else FULL, quick=args.quick)
    start = time.perf_counter()
    results = {device: run_device(device, cfg) for device in devices}
    block = report(results, cfg, time.perf_counter() - start)
    text = ""
    if os.path.exists(args.output):
        with open(args.output) as fh:
            text = fh.read()
    with open(args.output, "w") as fh:
        fh.write(replace_block(text, block))
    print(block)


if __name__ == "__main__":
    main()
