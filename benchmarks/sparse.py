"""Peak memory and time of a fit on a sparse X: skdl vs scikit-learn.

A TF-IDF-like matrix (``--rows`` x ``--cols``, ``--density`` of it stored) and a
target that depends on it; one epoch of an MLP (100 ReLU units, Adam, batches
of 200). Each case runs in its own fresh process, which reports its peak
resident memory (``ru_maxrss``) beyond the memory it had once the libraries
were imported, the sparse data made and a first fit run on its first 2,000
rows (so that the figures are those of a warm process: Keras' tracing and
TensorFlow's start-up left out), and the time of ``fit`` and of ``predict``:

- ``skdl, sparse X``: ``skdl.MLPRegressor`` given the sparse matrix: on
  TensorFlow its network declares a sparse input and multiplies the sparse
  batches;
- ``skdl, sparse X, dense batches``: the same with a network of dense input,
  which gets the batches made dense one at a time (as on JAX, or for a
  builder's network of dense input);
- ``skdl, X.toarray()``: the same given the dense matrix, as skdl made it dense
  whole before it kept sparse matrices sparse;
- ``scikit-learn, sparse X``: ``sklearn.neural_network.MLPRegressor``, which
  multiplies the sparse matrix itself.

With ``--estimator autoencoder``, ``skdl.AutoencoderTransformer`` (code of 2
units, no hidden layer) is fitted to reconstruct X, and the last column times
``transform``: given the sparse X (its batches made dense one at a time, the
targets too) and ``X.toarray()`` (as skdl made it dense whole before);
scikit-learn has no autoencoder.

Usage::

    python benchmarks/sparse.py [--rows 100000] [--cols 20000] [--density 0.001]
                                [--estimator {mlp,autoencoder}]

The default matrix holds 2 million values (24 MB as CSR); dense, it takes
8 GB. Compare the ratios of one run, not seconds across machines.
"""

import argparse
import functools
import json
import os
import platform
import resource
import subprocess
import sys
import time
import warnings

CASES = {
    "skdl, sparse X": ("skdl", "sparse"),
    "skdl, sparse X, dense batches": ("skdl", "dense batches"),
    "skdl, X.toarray()": ("skdl", "dense"),
    "scikit-learn, sparse X": ("sklearn", "sparse"),
}
WARM_UP_ROWS = 2_000
AUTOENCODER_CASES = ("skdl, sparse X", "skdl, X.toarray()")


def sparse_data(rows, cols, density, seed=0):
    """A CSR matrix with ``cols * density`` values per row, and a target."""
    import numpy as np
    import scipy.sparse as sp

    rng = np.random.default_rng(seed)
    per_row = max(1, int(round(cols * density)))
    indices = rng.integers(0, cols, size=rows * per_row)
    X = sp.csr_matrix(
        (rng.random(rows * per_row, dtype=np.float32), indices, np.arange(rows + 1) * per_row),
        shape=(rows, cols),
    )
    X.sum_duplicates()
    weights = rng.normal(size=cols).astype(np.float32)
    return X, np.asarray(X @ weights).ravel()


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child(case, rows, cols, density, estimator="mlp"):
    """Run one case in this process; print its figures as JSON."""
    library, given = CASES[case]
    autoencoder = estimator == "autoencoder"
    if autoencoder:
        import skdl

        make = functools.partial(
            skdl.AutoencoderTransformer, max_iter=1, batch_size=200, random_state=0
        )
    elif library == "skdl":
        import keras  # noqa: F401  (imported before the memory is read, as by scikit-learn)

        import skdl

        if given == "dense batches":
            from skdl import _sparse

            _sparse.feeds_sparse = lambda X: False  # the network's input is dense
        make = functools.partial(skdl.MLPRegressor, max_iter=1, batch_size=200, random_state=0)
    else:
        from sklearn.neural_network import MLPRegressor

        make = functools.partial(MLPRegressor, max_iter=1, batch_size=200, random_state=0)
    X, y = sparse_data(rows, cols, density)
    if autoencoder:
        y = None  # it reconstructs X
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # one epoch: ConvergenceWarning
        warm_up = X[:WARM_UP_ROWS]
        make().fit(
            warm_up.toarray() if given == "dense" else warm_up,
            None if y is None else y[:WARM_UP_ROWS],
        )
        before = peak_rss_mb()
        if given == "dense":
            X = X.toarray()  # counted: skdl made this copy inside fit
        est = make()
        start = time.perf_counter()
        est.fit(X, y)
        fit_s = time.perf_counter() - start
    start = time.perf_counter()
    est.transform(X) if autoencoder else est.predict(X)
    predict_s = time.perf_counter() - start
    figures = {"data_mb": before, "extra_mb": peak_rss_mb() - before}
    print(json.dumps({**figures, "fit_s": fit_s, "predict_s": predict_s}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--cols", type=int, default=20_000)
    parser.add_argument("--density", type=float, default=0.001)
    parser.add_argument("--estimator", default="mlp", choices=["mlp", "autoencoder"])
    parser.add_argument("--only", nargs="*", default=None, choices=list(CASES))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.rows, args.cols, args.density, args.estimator)
        return
    autoencoder = args.estimator == "autoencoder"
    cases = args.only or list(AUTOENCODER_CASES if autoencoder else CASES)
    print(f"# machine: {platform.platform()}, {os.cpu_count()} CPUs, ", end="")
    print(f"Python {platform.python_version()}")
    print(f"# X: {args.rows} x {args.cols}, density {args.density}; one epoch, batches of 200")
    print(f"# estimator: {'AutoencoderTransformer' if autoencoder else 'MLPRegressor'}")
    last = "transform" if autoencoder else "predict"
    print(f"| case | peak memory beyond the data (MB) | fit (s) | {last} (s) |")
    print("|---|---:|---:|---:|")
    for case in cases:
        if autoencoder and case not in AUTOENCODER_CASES:
            print(f"| {case} | not measured for the autoencoder | | |")
            continue
        command = [sys.executable, __file__, "--child", case, "--estimator", args.estimator]
        command += ["--rows", str(args.rows), "--cols", str(args.cols)]
        command += ["--density", str(args.density)]
        out = subprocess.run(command, capture_output=True, text=True)
        if out.returncode != 0:
            killed = " (killed: out of memory?)" if out.returncode == -9 else ""
            print(f"| {case} | failed, exit code {out.returncode}{killed} | | |")
            continue
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"| {case} | {r['extra_mb']:.0f} | {r['fit_s']:.1f} | {r['predict_s']:.1f} |")


if __name__ == "__main__":
    main()
