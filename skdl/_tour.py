"""The tour run by ``python -m skdl``: skdl next to scikit-learn, offline."""

import os
import sys
import time
import warnings


def _progress(message):
    print(f"... {message}", file=sys.stderr, flush=True)


def _titanic_preprocessing():
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numeric = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
    categorical = make_pipeline(
        SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore")
    )
    return ColumnTransformer(
        [
            ("num", numeric, ["Age", "SibSp", "Parch", "Fare", "Pclass"]),
            ("cat", categorical, ["Sex", "Embarked"]),
        ]
    )


def _titanic(epochs, cv):
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_score
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline

    from skdl import KerasClassifier
    from skdl.datasets import load_titanic

    X, y = load_titanic(return_X_y=True)
    models = {
        "skdl KerasClassifier": KerasClassifier(
            hidden_layer_sizes=(32,),
            epochs=epochs,
            optimizer__learning_rate=3e-3,
            random_state=0,
        ),
        "sklearn LogisticRegression": LogisticRegression(),
        "sklearn MLPClassifier": MLPClassifier((32,), max_iter=500, random_state=0),
    }
    rows = []
    for name, model in models.items():
        _progress(f"Titanic: {cv}-fold stratified CV of {name}")
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            scores = cross_val_score(make_pipeline(_titanic_preprocessing(), model), X, y, cv=cv)
        rows.append(("Titanic", name, "accuracy (CV)", scores.mean(), time.perf_counter() - start))
    return rows


def _housing_preprocessing():
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numeric = [
        "longitude",
        "latitude",
        "housing_median_age",
        "total_rooms",
        "total_bedrooms",
        "population",
        "households",
        "median_income",
    ]
    return ColumnTransformer(
        [
            ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
            ("cat", OneHotEncoder(handle_unknown="ignore"), ["ocean_proximity"]),
        ]
    )


def _housing(epochs, n_iter, n_rows):
    from scipy.stats import loguniform
    from sklearn.linear_model import RidgeCV
    from sklearn.model_selection import RandomizedSearchCV, train_test_split
    from sklearn.pipeline import make_pipeline

    from skdl import KerasRegressor
    from skdl.datasets import load_housing

    X, y = load_housing(return_X_y=True)
    y = y / 100_000  # in units of $100,000, as in scikit-learn's version of the data
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=42)
    X_train, y_train = X_train[:n_rows], y_train[:n_rows]
    pipe = make_pipeline(_housing_preprocessing(), KerasRegressor(epochs=epochs, random_state=42))
    search = RandomizedSearchCV(
        pipe,
        {
            "kerasregressor__hidden_layer_sizes": [(30,), (64, 32), (30, 30, 30)],
            "kerasregressor__optimizer__learning_rate": loguniform(3e-4, 3e-2),
        },
        n_iter=n_iter,
        cv=3,
        random_state=42,
    )
    _progress(f"housing: RandomizedSearchCV over {n_iter} KerasRegressor candidates")
    start = time.perf_counter()
    search.fit(X_train, y_train)
    elapsed = time.perf_counter() - start
    best = ", ".join(
        f"{k.split('__', 1)[1]}={v:.2g}" if isinstance(v, float) else f"{k.split('__', 1)[1]}={v}"
        for k, v in search.best_params_.items()
    )
    rows = [
        (
            "housing",
            f"skdl KerasRegressor ({best})",
            "R² (test)",
            search.score(X_test, y_test),
            elapsed,
        )
    ]
    _progress("housing: sklearn RidgeCV")
    start = time.perf_counter()
    ridge = make_pipeline(_housing_preprocessing(), RidgeCV()).fit(X_train, y_train)
    rows.append(
        (
            "housing",
            "sklearn RidgeCV",
            "R² (test)",
            ridge.score(X_test, y_test),
            time.perf_counter() - start,
        )
    )
    return rows


def _wide_and_deep(epochs, n_rows):
    from sklearn.datasets import fetch_california_housing
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from skdl import WideAndDeepRegressor

    try:
        data = fetch_california_housing(download_if_missing=False)
    except OSError:
        _progress("wide & deep: skipped (scikit-learn's California housing is not cached)")
        return []
    X_train, X_test, y_train, y_test = train_test_split(data.data, data.target, random_state=42)
    model = make_pipeline(
        StandardScaler(),
        WideAndDeepRegressor(
            wide_features=[0, 1, 2, 3, 4],
            deep_features=[2, 3, 4, 5, 6, 7],
            epochs=epochs,
            random_state=42,
        ),
    )
    _progress("California housing: wide & deep network with an auxiliary output")
    start = time.perf_counter()
    model.fit(X_train[:n_rows], y_train[:n_rows])
    return [
        (
            "California",
            "skdl WideAndDeepRegressor (book's network)",
            "R² (test)",
            model.score(X_test, y_test),
            time.perf_counter() - start,
        )
    ]


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
    if quick:
        rows = _titanic(epochs=5, cv=3) + _housing(epochs=3, n_iter=2, n_rows=3000)
        rows += _wide_and_deep(epochs=2, n_rows=3000)
    else:
        rows = _titanic(epochs=40, cv=5) + _housing(epochs=20, n_iter=5, n_rows=8000)
        rows += _wide_and_deep(epochs=20, n_rows=None)
    return _table(rows)


def main(argv=None):
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m skdl",
        description=(
            "A tour of skdl, offline: Titanic survival with a ColumnTransformer and a "
            "Keras classifier, cross-validated next to scikit-learn's LogisticRegression "
            "and MLPClassifier; the Hands-On ML housing table with a Keras regressor tuned "
            "by RandomizedSearchCV, next to RidgeCV; the book's wide & deep network on "
            "scikit-learn's California housing (when cached, e.g. via SCIKIT_LEARN_DATA). "
            "Prints a results table."
        ),
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="few epochs, folds and candidates (under a minute); the default full run "
        "trains longer for better scores (a few minutes on 2 cores)",
    )
    args = parser.parse_args(argv)
    start = time.perf_counter()
    table = run(quick=args.quick)
    print(table)
    print(f"\nDone in {time.perf_counter() - start:.0f} s.", file=sys.stderr)
    return 0
