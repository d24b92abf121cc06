"""skdl on each Keras backend, on the CPU: the speed table of the backends page.

The Hands-On ML chapter 10 regressor (``harness.contenders.build_model``: Dense(30, relu) ->
Dense(1), SGD) as skdl's ``KerasRegressor``, 5 epochs of batch 32 on the
California training rows of ``run.py``'s section (b) (15,480 rows, scaled):

* the first fit in a fresh process (compiling included);
* each further fresh fit (median of 5 new estimators with other seeds);
* ``predict`` of one row and of the 5,160 test rows (medians), and Keras' own
  ``model_.predict`` of one row;
* the test R².

Each backend installed (TensorFlow, JAX, PyTorch) runs in a fresh process with
``KERAS_BACKEND`` set, ``--rounds`` times in turn.

Usage::

    python benchmarks/backends.py [--rounds 2] [--quick]

``--quick`` uses tiny sizes: a smoke test whose numbers mean nothing.
"""

import argparse
import importlib.util
import json
import os
import sys
import tempfile

from harness.contenders import build_model
from harness.data import california
from harness.environment import machine
from harness.measure import median_time
from harness.processes import child_env, child_result, log
from harness.tables import table

BACKENDS = {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch"}
FULL = {
    "california_rows": None,
    "epochs": 5,
    "further_fits": 5,
    "repeats": 200,
    "repeats_slow": 20,
}
QUICK = {"california_rows": 2_000, "epochs": 1, "further_fits": 1, "repeats": 5, "repeats_slow": 1}


def measure(cfg):
    """This process' backend: fit and predict times, in seconds."""
    import time

    import keras

    from skdl import KerasRegressor

    backend = keras.backend.backend()

    data = california({**cfg, "seed": 42})
    X_train, y_train, X_test = data["X_train"], data["y_train"], data["X_test"]

    def fit(seed):
        start = time.perf_counter()
        estimator = KerasRegressor(build_model, epochs=cfg["epochs"], random_state=seed)
        estimator.fit(X_train, y_train)
        return estimator, time.perf_counter() - start

    estimator, first_s = fit(0)
    further = sorted(fit(seed)[1] for seed in range(1, cfg["further_fits"] + 1))
    one_row = X_test[:1].astype("float32")
    return {
        "rows": len(X_train),
        "test_rows": len(X_test),
        "first_fit_s": first_s,
        "further_fit_s": further[len(further) // 2],
        "predict_1_s": median_time(lambda: estimator.predict(one_row), cfg["repeats"]),
        "predict_all_s": median_time(lambda: estimator.predict(X_test), cfg["repeats_slow"]),
        "keras_predict_1_s": median_time(
            lambda: estimator.model_.predict(one_row, verbose=0), cfg["repeats_slow"]
        ),
        "r2": estimator.score(X_test, data["y_test"]),
        "versions": f"Keras {keras.__version__}, "
        f"{BACKENDS[backend]} {importlib.import_module(backend).__version__}",
    }


def run_backend(backend, cfg):
    """``measure`` in a fresh process on ``backend``; ``{"error": ...}`` on failure."""
    with tempfile.TemporaryDirectory(prefix="skdl-backends-") as workdir:
        env = dict(child_env(), KERAS_BACKEND=backend)
        command = [sys.executable, os.path.abspath(__file__), "--child", json.dumps(cfg)]
        return child_result(command, os.path.join(workdir, "result.json"), env)


def report(results):
    """One Markdown table: a row per measurement, a column per backend and round."""
    columns = [(backend, i) for backend in results for i in range(len(results[backend]))]
    header = ["skdl, Hands-On ML regressor"]
    header += [f"{BACKENDS[b]} ({i + 1})" for b, i in columns]
    rows = []
    for label, key, scale, spec in [
        ("first fit, compiling included (s)", "first_fit_s", 1, ".2f"),
        ("each further fresh fit (s)", "further_fit_s", 1, ".3f"),
        ("`predict`, one row (ms)", "predict_1_s", 1e3, ".2f"),
        ("`predict`, all test rows (ms)", "predict_all_s", 1e3, ".2f"),
        ("Keras' `model.predict`, one row (ms)", "keras_predict_1_s", 1e3, ".2f"),
        ("test R²", "r2", 1, ".4f"),
    ]:
        cells = [
            format(r[key] * scale, spec) if key in r else r.get("error", "")
            for r in (results[backend][i] for backend, i in columns)
        ]
        rows.append([label, *cells])
    versions = [r.get("versions", "") for r in (results[b][i] for b, i in columns)]
    rows.append(["versions", *versions])
    return table(header, rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="tiny sizes (smoke test)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        with open(args.result, "w") as fh:
            json.dump(measure(json.loads(args.child)), fh)
        return
    cfg = QUICK if args.quick else FULL
    installed = [b for b in BACKENDS if importlib.util.find_spec(b) is not None]
    results = {backend: [] for backend in installed}
    for round_ in range(args.rounds):
        for backend in installed:
            log(f"round {round_ + 1}: {BACKENDS[backend]}")
            results[backend].append(run_backend(backend, cfg))
    print(report(results))
    host = machine()
    print(f"\n{host['cpus']} CPUs, {host['platform']}, Python {host['python']}")


if __name__ == "__main__":
    main()
