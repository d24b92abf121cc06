"""skdl's MLPs against scikit-learn's: test score and fit time, side by side.

For each dataset, both libraries fit the same pipeline (``StandardScaler`` then
the MLP with the same parameters and epochs) on the same split; the table gives
the test accuracy (classifiers) or R² (California housing) and the fit time,
with the ratio of fit times measured in this one run.

Usage::

    SCIKIT_LEARN_DATA=../shared/data/scikit_learn_data python benchmarks/mlp_vs_sklearn.py
"""

import os
import platform
import time
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import sklearn  # noqa: E402
from sklearn import neural_network  # noqa: E402
from sklearn.datasets import (  # noqa: E402
    fetch_california_housing,
    load_breast_cancer,
    load_digits,
    load_iris,
)
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

import skdl  # noqa: E402

DATASETS = {  # name: (loader, kind, max_iter)
    "iris": (lambda: load_iris(return_X_y=True), "classifier", 200),
    "breast cancer": (lambda: load_breast_cancer(return_X_y=True), "classifier", 100),
    "digits": (lambda: load_digits(return_X_y=True), "classifier", 100),
    "california housing": (
        lambda: fetch_california_housing(
            data_home=os.environ.get("SCIKIT_LEARN_DATA"), return_X_y=True
        ),
        "regressor",
        50,
    ),
}


def fit_and_score(Estimator, X_train, X_test, y_train, y_test, max_iter):
    model = make_pipeline(
        StandardScaler(),
        Estimator(
            hidden_layer_sizes=(64,), max_iter=max_iter, learning_rate_init=0.005, random_state=0
        ),
    )
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X_train, y_train)
    return model.score(X_test, y_test), time.perf_counter() - start


def main():
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs")
    print(
        f"skdl {skdl.__version__}, scikit-learn {sklearn.__version__}, keras {keras.__version__}"
        f" ({keras.backend.backend()})\n"
    )
    print(
        "| dataset | metric | scikit-learn | skdl | sklearn fit (s) | skdl fit (s) | time ratio |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, (load, kind, max_iter) in DATASETS.items():
        X, y = load()
        split = train_test_split(X, y, random_state=0)
        pair = (
            ("MLPClassifier", "MLPClassifier")
            if kind == "classifier"
            else ("MLPRegressor", "MLPRegressor")
        )
        theirs = fit_and_score(getattr(neural_network, pair[0]), *split, max_iter)
        ours = fit_and_score(getattr(skdl, pair[1]), *split, max_iter)
        metric = "accuracy" if kind == "classifier" else "R²"
        print(
            f"| {name} | {metric} | {theirs[0]:.3f} | {ours[0]:.3f} | {theirs[1]:.2f} | "
            f"{ours[1]:.2f} | {ours[1] / theirs[1]:.1f}x |"
        )


if __name__ == "__main__":
    main()
