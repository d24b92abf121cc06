"""The tour run by ``python -m skdl``: skdl next to scikit-learn, offline."""

import os
import sys
import time


def _progress(message):
    print(f"... {message}", file=sys.stderr, flush=True)


def _classification(epochs, cv):
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_score
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from skdl import KerasClassifier

    X, y = load_breast_cancer(return_X_y=True)
    models = {
        "skdl KerasClassifier": KerasClassifier(
            hidden_layer_sizes=(32,), epochs=epochs, random_state=0
        ),
        "sklearn LogisticRegression": LogisticRegression(max_iter=1000),
        "sklearn MLPClassifier": MLPClassifier(max_iter=500, random_state=0),
    }
    rows = []
    for name, model in models.items():
        _progress(f"breast cancer: {cv}-fold CV of {name}")
        start = time.perf_counter()
        scores = cross_val_score(make_pipeline(StandardScaler(), model), X, y, cv=cv)
        rows.append(
            ("breast cancer", name, "accuracy", scores.mean(), time.perf_counter() - start)
        )
    return rows


def _regression_search(epochs, n_iter):
    from scipy.stats import loguniform
    from sklearn.compose import TransformedTargetRegressor
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import RidgeCV
    from sklearn.model_selection import RandomizedSearchCV, train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from skdl import KerasRegressor

    X, y = load_diabetes(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    keras_reg = KerasRegressor(epochs=epochs, batch_size=16, random_state=0)
    pipe = make_pipeline(
        StandardScaler(), TransformedTargetRegressor(keras_reg, transformer=StandardScaler())
    )
    prefix = "transformedtargetregressor__regressor__"
    search = RandomizedSearchCV(
        pipe,
        {
            prefix + "hidden_layer_sizes": [(16,), (64,), (32, 16)],
            prefix + "optimizer__learning_rate": loguniform(1e-3, 1e-2),
        },
        n_iter=n_iter,
        cv=3,
        random_state=0,
    )
    _progress(f"diabetes: RandomizedSearchCV over {n_iter} KerasRegressor candidates")
    start = time.perf_counter()
    search.fit(X_train, y_train)
    elapsed = time.perf_counter() - start
    best = ", ".join(
        f"{k[len(prefix) :]}={v:.2g}" if isinstance(v, float) else f"{k[len(prefix) :]}={v}"
        for k, v in search.best_params_.items()
    )
    rows = [
        (
            "diabetes",
            f"skdl KerasRegressor ({best})",
            "R² (test)",
            search.score(X_test, y_test),
            elapsed,
        )
    ]
    _progress("diabetes: sklearn RidgeCV")
    start = time.perf_counter()
    ridge = make_pipeline(StandardScaler(), RidgeCV()).fit(X_train, y_train)
    rows.append(
        (
            "diabetes",
            "sklearn RidgeCV",
            "R² (test)",
            ridge.score(X_test, y_test),
            time.perf_counter() - start,
        )
    )
    return rows


def _table(rows):
    header = ("dataset", "model", "metric", "score", "seconds")
    widths = [max(len(str(r[i])) if i < 3 else 8 for r in rows + [header]) for i in range(5)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths))]
    lines.append("  ".join("-" * w for w in widths))
    for dataset, model, metric, score, seconds in rows:
        cells = [dataset, model, metric, f"{score:.3f}", f"{seconds:.1f}"]
        lines.append("  ".join(c.ljust(w) for c, w in zip(cells, widths)))
    return "\n".join(lines)


def run(quick=False):
    """Run the tour and return its results table as text."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    epochs = 5 if quick else 30
    rows = _classification(epochs, cv=3 if quick else 5)
    rows += _regression_search(epochs * 2, n_iter=2 if quick else 6)
    return _table(rows)


def main(argv=None):
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m skdl",
        description=(
            "A tour of skdl, offline: a Keras classifier cross-validated next to "
            "scikit-learn's models, and a Keras regressor tuned by RandomizedSearchCV, "
            "on datasets bundled with scikit-learn."
        ),
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="few epochs and folds (about a minute); "
        "the default full run trains longer for better scores",
    )
    args = parser.parse_args(argv)
    start = time.perf_counter()
    table = run(quick=args.quick)
    print(table)
    print(f"\nDone in {time.perf_counter() - start:.0f} s.", file=sys.stderr)
    return 0
