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
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from importlib import metadata

HERE = os.path.dirname(os.path.abspath(__file__))

SECTIONS = {
    "a": "Import time",
    "b": "California housing: fit time and test R²",
    "c": "Predict latency",
    "d": "Fresh small fit",
    "e": "Titanic pipeline, cross-validation",
    "f": "Hands-On ML RandomizedSearchCV, n_jobs=1 vs n_jobs=2",
    "g": "Memory over many fresh fits",
    "h": "skdl's MLP presets vs scikit-learn's on four datasets",
}

NAMES = {
    "skdl": "skdl",
    "keras": "raw Keras",
    "scikeras": "scikeras",
    "wrappers": "keras.wrappers",
    "sklearn": "scikit-learn MLP",
}
REGRESSORS = ("skdl", "keras", "scikeras", "wrappers", "sklearn")
CLASSIFIERS = ("skdl", "scikeras", "wrappers", "sklearn")
SEARCHERS = ("skdl", "scikeras", "sklearn")

FULL = {
    "seed": 42,
    "import_repeats": 7,
    "fit_repeats": 3,  # fresh processes per contender in (b) and (e); the median time
    "california_rows": None,  # all 20,640
    "california_epochs": 20,
    "preset_max_iter": None,  # the presets' default, 200 with early stopping on tol
    "latency_repeats": 200,
    "latency_budget_s": 3.0,
    "latency_all_repeats": 10,
    "small_fit_repeats": 5,
    "small_fit_epochs": 5,
    "titanic_epochs": 20,
    "titanic_folds": 5,
    "search_candidates": 4,
    "search_folds": 3,
    "search_epochs": 10,
    "search_rows": None,  # the whole training split, 15,480 rows
    "book_candidates": 10,  # the book's own search, at full size
    "book_epochs": 100,
    "book_rows": None,  # the book's training set, 11,610 rows
    "ceiling_repeats": 5,
    "memory_fits": 50,
    "memory_warmup": 5,
}
QUICK = {
    **FULL,
    "import_repeats": 2,
    "fit_repeats": 1,
    "california_rows": 2000,
    "california_epochs": 2,
    "preset_max_iter": 5,
    "latency_repeats": 20,
    "latency_budget_s": 0.5,
    "latency_all_repeats": 2,
    "small_fit_repeats": 2,
    "small_fit_epochs": 2,
    "titanic_epochs": 2,
    "titanic_folds": 2,
    "search_candidates": 2,
    "search_folds": 2,
    "search_epochs": 2,
    "search_rows": 1000,
    "book_candidates": 2,
    "book_epochs": 2,
    "book_rows": 1000,
    "ceiling_repeats": 1,
    "memory_fits": 5,
    "memory_warmup": 1,
}

IMPORTS = {  # contender: the import statement timed
    "sklearn": "import sklearn; from sklearn.neural_network import MLPClassifier",
    "skdl": "from skdl import KerasClassifier",
    "keras": "import keras",
    "scikeras": "from scikeras.wrappers import KerasClassifier",
    "wrappers": "from keras.wrappers import SKLearnClassifier",
}
IMPORT_PROBE = (
    "import json, sys, time\n"
    "t = time.perf_counter()\n"
    "{statement}\n"
    "t = time.perf_counter() - t\n"
    "print(json.dumps({{'seconds': t, 'tensorflow': 'tensorflow' in sys.modules,"
    " 'keras': 'keras' in sys.modules}}))\n"
)


# =====================================================================================
# Child side: what runs inside each contender's own process
# =====================================================================================
def median_time(fn, repeats, budget_s=float("inf")):
    """Median wall time of ``fn()`` after one warm-up call.

    Runs ``repeats`` timed calls, or fewer (at least 3) once ``budget_s``
    seconds have been spent.
    """
    fn()
    times, start = [], time.perf_counter()
    while len(times) < repeats and (len(times) < 3 or time.perf_counter() - start < budget_s):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def rss_mb():
    """Resident set size of this process in MB (Linux), or None elsewhere."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def process_cpu_s():
    """CPU time (user + system) of this process and its threads so far, or None."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def dense_network(n_features, n_outputs=1, hidden=30, activation=None, loss=None):
    """``Input -> Dense(hidden, relu) -> Dense(n_outputs)``, compiled with Adam if ``loss``."""
    import keras

    model = keras.Sequential(
        [
            keras.Input((n_features,)),
            keras.layers.Dense(hidden, activation="relu"),
            keras.layers.Dense(n_outputs, activation=activation),
        ]
    )
    if loss is not None:
        model.compile(optimizer="adam", loss=loss)
    return model


def scikeras_network(meta, hidden=30, activation=None):
    """scikeras builder: the network, compiled by scikeras from its ``loss``/``optimizer``."""
    return dense_network(meta["n_features_in_"], 1, hidden, activation)


def wrappers_regressor(X, y, hidden=30):
    """``keras.wrappers`` builder (called with ``X`` and ``y``): compiled regressor."""
    return dense_network(X.shape[1], 1, hidden, loss="mse")


def wrappers_classifier(X, y, hidden=16):
    """``keras.wrappers`` builder: ``y`` arrives one-hot encoded, hence softmax."""
    return dense_network(
        X.shape[1], y.shape[1], hidden, "softmax", loss="categorical_crossentropy"
    )


def build_model(n_hidden=1, n_neurons=30, learning_rate=3e-3, input_shape=[8]):  # noqa: B006
    """The model builder of *Hands-On Machine Learning*, chapter 10 (Keras 3 spelling)."""
    import keras

    model = keras.models.Sequential()
    model.add(keras.layers.InputLayer(shape=input_shape))
    for _ in range(n_hidden):
        model.add(keras.layers.Dense(n_neurons, activation="relu"))
    model.add(keras.layers.Dense(1))
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=learning_rate))
    return model


class RawKeras:
    """Raw Keras as an estimator: build, compile, ``model.fit`` with its defaults."""

    def __init__(self, epochs, seed=None, hidden=30):
        self.epochs, self.seed, self.hidden = epochs, seed, hidden

    def fit(self, X, y):
        import keras

        if self.seed is not None:
            keras.utils.set_random_seed(self.seed)
        self.model_ = dense_network(X.shape[1], 1, self.hidden, loss="mse")
        self.model_.fit(X, y, epochs=self.epochs, batch_size=32, verbose=0)
        return self

    def predict(self, X):
        return self.model_.predict(X, verbose=0).ravel()


class SeededWrapper:
    """A ``keras.wrappers`` estimator whose ``fit`` first seeds Keras globally
    (the wrapper has no ``random_state``)."""

    def __init__(self, estimator, seed):
        self.estimator, self.seed = estimator, seed

    def fit(self, X, y):
        import keras

        if self.seed is not None:
            keras.utils.set_random_seed(self.seed)
        self.estimator.fit(X, y)
        return self

    def predict(self, X):
        return self.estimator.predict(X)


def make_regressor(contender, epochs, seed=None, hidden=30):
    """A fresh Dense(hidden) -> Dense(1) regressor (Adam, MSE, batch 32) of ``contender``."""
    if contender == "skdl":
        from skdl import KerasRegressor

        return KerasRegressor(
            hidden_layer_sizes=(hidden,), epochs=epochs, batch_size=32, random_state=seed
        )
    if contender == "keras":
        return RawKeras(epochs, seed, hidden)
    if contender == "scikeras":
        from scikeras.wrappers import KerasRegressor

        return KerasRegressor(
            scikeras_network, hidden=hidden, loss="mse", optimizer="adam", epochs=epochs,
            batch_size=32, verbose=0, random_state=seed,
        )  # fmt: skip
    if contender == "wrappers":
        from keras.wrappers import SKLearnRegressor

        fit_kwargs = {"epochs": epochs, "batch_size": 32, "verbose": 0}
        model_kwargs = {"hidden": hidden}
        estimator = SKLearnRegressor(
            wrappers_regressor, model_kwargs=model_kwargs, fit_kwargs=fit_kwargs
        )
        return SeededWrapper(estimator, seed)
    from sklearn.neural_network import MLPRegressor

    return MLPRegressor(
        hidden_layer_sizes=(hidden,), max_iter=epochs, batch_size=32, random_state=seed
    )


def make_classifier(contender, epochs, seed, hidden=16):
    """A Dense(hidden) classifier (Adam, batch 32) of ``contender`` for binary targets.

    ``keras.wrappers`` one-hot encodes the target, so its network ends in a
    softmax over two units; the others end in one sigmoid unit.
    """
    if contender == "skdl":
        from skdl import KerasClassifier

        return KerasClassifier(
            hidden_layer_sizes=(hidden,), epochs=epochs, batch_size=32, random_state=seed
        )
    if contender == "scikeras":
        from scikeras.wrappers import KerasClassifier

        return KerasClassifier(
            scikeras_network, hidden=hidden, activation="sigmoid", loss="binary_crossentropy",
            optimizer="adam", epochs=epochs, batch_size=32, verbose=0, random_state=seed,
        )  # fmt: skip
    if contender == "wrappers":
        import keras
        from keras.wrappers import SKLearnClassifier

        keras.utils.set_random_seed(seed)  # once: cross_val_score clones the estimator
        fit_kwargs = {"epochs": epochs, "batch_size": 32, "verbose": 0}
        return SKLearnClassifier(
            wrappers_classifier, model_kwargs={"hidden": hidden}, fit_kwargs=fit_kwargs
        )
    from sklearn.neural_network import MLPClassifier

    return MLPClassifier(
        hidden_layer_sizes=(hidden,), max_iter=epochs, batch_size=32, random_state=seed
    )


def california(cfg):
    """Scaled California housing: train, test and all rows, with the targets."""
    from sklearn.datasets import fetch_california_housing
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    X, y = fetch_california_housing(return_X_y=True)
    if cfg["california_rows"]:
        X, y = X[: cfg["california_rows"]], y[: cfg["california_rows"]]
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=cfg["seed"]
    )
    scaler = StandardScaler().fit(X_train)
    return {
        "X_train": scaler.transform(X_train),
        "X_test": scaler.transform(X_test),
        "X_all": scaler.transform(X),
        "y_train": y_train,
        "y_test": y_test,
    }


def predictors(contender, estimator):
    """The predict functions whose latency section (c) reports, by row label."""
    if contender == "keras":
        model = estimator.model_
        return {
            "keras": lambda X: model.predict(X, verbose=0),
            "keras_on_batch": model.predict_on_batch,
        }
    return {contender: estimator.predict}


def latencies(predict, X_all, cfg):
    """Median predict time at 1, 100 and all rows."""
    sizes = {"1": X_all[:1], "100": X_all[:100]}
    result = {
        n: median_time(lambda X=X: predict(X), cfg["latency_repeats"], cfg["latency_budget_s"])
        for n, X in sizes.items()
    }
    result["all"] = median_time(lambda: predict(X_all), cfg["latency_all_repeats"])
    return result


def task_california(contender, cfg):
    """Sections (b) and (c): fit the Dense(30) regressor, score it, time its predictions."""
    import numpy as np
    from sklearn.metrics import r2_score

    data = california(cfg)
    estimator = make_regressor(contender, cfg["california_epochs"], cfg["seed"])
    start = time.perf_counter()
    estimator.fit(data["X_train"], data["y_train"])
    fit_s = time.perf_counter() - start
    pred = np.asarray(estimator.predict(data["X_test"]), dtype=np.float64).ravel()
    np.save(os.path.join(cfg["workdir"], f"california-{contender}.npy"), pred)
    result = {"fit_s": fit_s, "r2": r2_score(data["y_test"], pred)}
    if not cfg.get("latency", True):  # a repeat that only times the fit
        return result
    result["latency"] = {
        label: latencies(fn, data["X_all"], cfg)
        for label, fn in predictors(contender, estimator).items()
    }
    result["n_rows"] = len(data["X_all"])
    if contender == "skdl":
        ours = estimator.predict(data["X_all"])
        keras_pred = estimator.model_.predict(data["X_all"], verbose=0).ravel()
        result["diff_vs_model_predict"] = float(np.max(np.abs(ours - keras_pred)))
    return result


def task_preset(contender, cfg):
    """Section (b): ``MLPRegressor()`` of skdl or scikit-learn, defaults, same scaled data."""
    from sklearn.metrics import r2_score

    if contender == "skdl":
        from skdl import MLPRegressor
    else:
        from sklearn.neural_network import MLPRegressor
    data = california(cfg)
    params = {"random_state": cfg["seed"]}
    if cfg["preset_max_iter"]:
        params["max_iter"] = cfg["preset_max_iter"]
    estimator = MLPRegressor(**params)
    start = time.perf_counter()
    estimator.fit(data["X_train"], data["y_train"])
    fit_s = time.perf_counter() - start
    r2 = r2_score(data["y_test"], estimator.predict(data["X_test"]))
    return {"fit_s": fit_s, "r2": r2, "n_iter": int(estimator.n_iter_)}


def small_data(seed=0):
    import numpy as np

    rng = np.random.RandomState(seed)
    X = rng.normal(size=(200, 8)).astype("float32")
    return X, X @ rng.normal(size=8)


def task_small_fit(contender, cfg):
    """Section (d): median time of fitting a new estimator on 200 x 8 data, after a warm-up."""
    X, y = small_data()
    epochs = cfg["small_fit_epochs"]
    fit_s = median_time(
        lambda: make_regressor(contender, epochs).fit(X, y), cfg["small_fit_repeats"]
    )
    return {"fit_s": fit_s}


def titanic_pipeline(classifier):
    """Impute and scale the numbers, impute and one-hot encode the categories."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numbers = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
    categories = make_pipeline(
        SimpleImputer(strategy="most_frequent"),
        OneHotEncoder(handle_unknown="ignore", sparse_output=False),
    )
    features = ColumnTransformer(
        [
            ("numbers", numbers, ["Pclass", "Age", "SibSp", "Parch", "Fare"]),
            ("categories", categories, ["Sex", "Embarked"]),
        ]
    )
    return make_pipeline(features, classifier)


def task_titanic(contender, cfg):
    """Section (e): 5-fold ``cross_val_score`` of the Titanic pipeline.

    ``keras.wrappers`` estimators lose their ``fit_kwargs`` when cloned (their
    ``__sklearn_clone__`` passes ``model``, ``warm_start`` and ``model_kwargs``
    only, Keras 3.15), so the folds would train one epoch with a progress bar:
    their fit arguments go through ``cross_val_score(params=...)`` instead.
    """
    from sklearn.model_selection import cross_val_score

    from skdl.datasets import load_titanic

    titanic = load_titanic()
    classifier = make_classifier(contender, cfg["titanic_epochs"], cfg["seed"])
    pipeline = titanic_pipeline(classifier)
    params = {}
    if contender == "wrappers":
        step = pipeline.steps[-1][0]
        params = {f"{step}__{name}": value for name, value in classifier.fit_kwargs.items()}
    start = time.perf_counter()
    scores = cross_val_score(
        pipeline, titanic.data, titanic.target, cv=cfg["titanic_folds"], params=params
    )
    return {"cv_s": time.perf_counter() - start, "accuracy": float(scores.mean())}


def book_distributions():
    """The distributions that the book's ``RandomizedSearchCV`` samples."""
    from scipy.stats import loguniform

    return {
        "n_hidden": [0, 1, 2, 3],
        "n_neurons": list(range(1, 100)),
        "learning_rate": loguniform(3e-4, 3e-2),
    }


def search_estimator(contender, cfg):
    """Section (f): ``StandardScaler`` + regressor and the distributions to sample."""
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    epochs, seed = cfg["search_epochs"], cfg["seed"]
    book = book_distributions()
    if contender == "skdl":
        from skdl import KerasRegressor

        estimator = KerasRegressor(build_model, epochs=epochs, random_state=seed)
    elif contender == "scikeras":
        from scikeras.wrappers import KerasRegressor

        estimator = KerasRegressor(
            build_model, n_hidden=1, n_neurons=30, learning_rate=3e-3, epochs=epochs,
            random_state=seed, verbose=0,
        )  # fmt: skip
    else:
        from sklearn.neural_network import MLPRegressor

        estimator = MLPRegressor(solver="sgd", max_iter=epochs, batch_size=32, random_state=seed)
        sizes = [(n,) * depth for depth in (1, 2, 3) for n in range(1, 100)]
        book = {"hidden_layer_sizes": sizes, "learning_rate_init": book["learning_rate"]}
    pipeline = make_pipeline(StandardScaler(), estimator)
    step = pipeline.steps[-1][0]
    return pipeline, {f"{step}__{name}": values for name, values in book.items()}


def task_search(contender, cfg):
    """Section (f): ``RandomizedSearchCV.fit`` at ``cfg["n_jobs"]``, twice in one process.

    The first search is what a fresh session pays (with ``n_jobs=2``: starting
    the workers, which import the library); the second runs on started workers.
    """
    import numpy as np
    from sklearn.datasets import fetch_california_housing
    from sklearn.model_selection import RandomizedSearchCV, train_test_split

    X, y = fetch_california_housing(return_X_y=True)
    X_train, _, y_train, _ = train_test_split(X, y, random_state=cfg["seed"])
    if cfg["search_rows"]:
        X_train, y_train = X_train[: cfg["search_rows"]], y_train[: cfg["search_rows"]]
    pipeline, distributions = search_estimator(contender, cfg)
    search = RandomizedSearchCV(
        pipeline, distributions, n_iter=cfg["search_candidates"], cv=cfg["search_folds"],
        n_jobs=cfg["n_jobs"], random_state=cfg["seed"], refit=False, error_score=np.nan,
    )  # fmt: skip
    seconds, cpu = [], []
    for _ in range(2):
        start, cpu_start = time.perf_counter(), process_cpu_s()
        search.fit(X_train, y_train)
        seconds.append(time.perf_counter() - start)
        cpu.append(None if cpu_start is None else process_cpu_s() - cpu_start)
    scores = search.cv_results_["mean_test_score"]
    finite = scores[np.isfinite(scores)]
    return {
        "search_s": seconds[0],
        "again_s": seconds[1],
        # cores kept busy by this process (all the work at n_jobs=1, not the workers')
        "cores": None if cpu[1] is None else cpu[1] / seconds[1],
        "best_r2": float(finite.max()) if len(finite) else None,
        "failed": int(len(scores) - len(finite)),
    }


def task_book_search(contender, cfg):
    """Section (f): the book's search as printed, once, at ``cfg["n_jobs"]``.

    ``RandomizedSearchCV(n_iter=10, cv=3)`` over the book's distributions, fitted
    with ``epochs=100``, ``validation_data`` and ``EarlyStopping(patience=10)`` on
    the book's training set (the California training split less its validation
    quarter). One search per process: with ``n_jobs=2`` it starts the workers.
    """
    import keras
    from sklearn.datasets import fetch_california_housing
    from sklearn.model_selection import RandomizedSearchCV, train_test_split
    from sklearn.preprocessing import StandardScaler

    seed = cfg["seed"]
    X, y = fetch_california_housing(return_X_y=True)
    X_train_full, _, y_train_full, _ = train_test_split(X, y, random_state=seed)
    X_train, X_valid, y_train, y_valid = train_test_split(
        X_train_full, y_train_full, random_state=seed
    )
    if cfg["book_rows"]:
        X_train, y_train = X_train[: cfg["book_rows"]], y_train[: cfg["book_rows"]]
    scaler = StandardScaler()
    X_train, X_valid = scaler.fit_transform(X_train), scaler.transform(X_valid)
    from skdl import KerasRegressor

    search = RandomizedSearchCV(
        KerasRegressor(build_model, random_state=seed), book_distributions(),
        n_iter=cfg["book_candidates"], cv=3, n_jobs=cfg["n_jobs"], random_state=seed,
        refit=False,
    )  # fmt: skip
    start, cpu_start = time.perf_counter(), process_cpu_s()
    search.fit(
        X_train, y_train, epochs=cfg["book_epochs"], validation_data=(X_valid, y_valid),
        callbacks=[keras.callbacks.EarlyStopping(patience=10)],
    )  # fmt: skip
    seconds = time.perf_counter() - start
    cpu = None if cpu_start is None else process_cpu_s() - cpu_start
    return {
        "search_s": seconds,
        "cores": None if cpu is None else cpu / seconds,
        "best_r2": float(search.best_score_),
        "best_params": {name: float(value) for name, value in search.best_params_.items()},
    }


def task_memory(contender, cfg):
    """Section (g): RSS after ``memory_warmup`` fits and after ``memory_fits`` more.

    Each fit is a new estimator on 200 x 8 data, 5 epochs, then a 5-row predict.
    """
    import gc

    X, y = small_data()

    def fit_once():
        make_regressor(contender, epochs=5).fit(X, y).predict(X[:5])

    for _ in range(cfg["memory_warmup"]):
        fit_once()
    gc.collect()
    start = rss_mb()
    for _ in range(cfg["memory_fits"]):
        fit_once()
    gc.collect()
    return {"start_mb": start, "end_mb": rss_mb()}


TASKS = {
    "california": task_california,
    "preset": task_preset,
    "small_fit": task_small_fit,
    "titanic": task_titanic,
    "search": task_search,
    "book_search": task_book_search,
    "memory": task_memory,
}


PRELOAD = {  # imported before anything is timed: timings never include an import
    "skdl": ("keras", "skdl.classifier", "skdl.regressor", "skdl.mlp"),
    "keras": ("keras",),
    "scikeras": ("keras", "scikeras.wrappers"),
    "wrappers": ("keras", "keras.wrappers"),
    "sklearn": ("sklearn.neural_network",),
}


def child_main(task, contender, config, result_path):
    """Entry point of a contender's process: run one task, write its JSON result."""
    import importlib
    import logging

    warnings.filterwarnings("ignore")
    for module in PRELOAD[contender]:
        importlib.import_module(module)
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    result = TASKS[task](contender, json.loads(config))
    with open(result_path, "w") as fh:
        json.dump(result, fh)


# =====================================================================================
# Parent side: run the processes, collect the results
# =====================================================================================
def child_env():
    env = dict(os.environ)
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"
    return env


def _last_line(text):
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else "no output"


def run_child(task, contender, cfg, timeout=3600):
    """Run ``task`` for ``contender`` in a fresh process and return its result dict.

    A failure is returned as ``{"error": <last line of its stderr>}``.
    """
    if not cfg.get("workdir"):
        with tempfile.TemporaryDirectory(prefix="skdl-bench-") as workdir:
            return run_child(task, contender, {**cfg, "workdir": workdir}, timeout)
    result_path = os.path.join(cfg["workdir"], f"{task}-{contender}-{time.monotonic_ns()}.json")
    command = [sys.executable, os.path.abspath(__file__), "--child", task, contender]
    command += ["--config", json.dumps(cfg)]
    start = time.perf_counter()
    result = child_result(command, result_path, child_env(), timeout)
    if "error" not in result:
        result["process_s"] = time.perf_counter() - start
    return result


def child_result(command, result_path, env, timeout=3600):
    """Run ``command`` with ``--result result_path`` in a fresh process and return
    the dict it writes there as JSON; ``{"error": <last line of its stderr>}`` on
    failure. Also the parent side of ``gpu.py`` and ``backends.py``."""
    try:
        out = subprocess.run(
            [*command, "--result", result_path],
            capture_output=True,
            text=True,
            env=env,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout} s"}
    if out.returncode != 0 or not os.path.exists(result_path):
        return {"error": _last_line(out.stderr)}
    with open(result_path) as fh:
        return json.load(fh)


def log(message):
    print(message, file=sys.stderr, flush=True)


def run_contenders(task, contenders, cfg, **extra):
    """``{contender: result}`` of ``task``, each contender in its own process."""
    results = {}
    for contender in contenders:
        result = results[contender] = run_child(task, contender, {**cfg, **extra})
        status = result["error"] if "error" in result else f"{result['process_s']:.0f} s"
        settings = "".join(f" {name}={value}" for name, value in extra.items())
        log(f"  {task} {contender}{settings}: {status}")
    return results


def run_repeated(task, contenders, cfg, key):
    """Like :func:`run_contenders`, ``cfg["fit_repeats"]`` times, round-robin over the
    contenders; ``key`` (a time) becomes the median of the runs, the rest of the
    result comes from the first run (later runs get ``latency=False``)."""
    runs = [run_contenders(task, contenders, cfg)]
    for _ in range(cfg["fit_repeats"] - 1):
        runs.append(run_contenders(task, contenders, cfg, latency=False))
    results = runs[0]
    for contender, result in results.items():
        times = [run[contender].get(key) for run in runs]
        if None not in times:
            result[key] = statistics.median(times)
            result[f"{key}_runs"] = times
    return results


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
                flags[name] = {"error": _last_line(out.stderr)}
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
    script = os.path.join(HERE, "mlp_vs_sklearn.py")
    out = subprocess.run(
        [sys.executable, script], capture_output=True, text=True, env=child_env(), check=False
    )
    if out.returncode != 0:
        return {"error": _last_line(out.stderr)}
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


# =====================================================================================
# Report
# =====================================================================================
PACKAGES = {  # label: distributions that provide it, first installed wins
    "skdl": ["skdl"],
    "Keras": ["keras"],
    "TensorFlow": ["tensorflow-cpu", "tensorflow"],
    "scikit-learn": ["scikit-learn"],
    "scikeras": ["scikeras"],
    "NumPy": ["numpy"],
}


def package_versions(packages=PACKAGES):
    """``{label: version or "not installed"}`` of ``packages``."""
    versions = {}
    for label, dists in packages.items():
        for dist in dists:
            try:
                versions[label] = metadata.version(dist)
                break
            except metadata.PackageNotFoundError:
                continue
        versions.setdefault(label, "not installed")
    return versions


def keras_backend():
    code = "import keras; print(keras.backend.backend())"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=child_env()
    )
    return out.stdout.strip() or "unknown"


def source_state():
    """skdl's git commit, with the files of ``skdl/`` that differ from it, or None."""
    repo = os.path.dirname(HERE)

    def git(*args):
        out = subprocess.run(["git", "-C", repo, *args], capture_output=True, text=True)
        return out.stdout.rstrip() if out.returncode == 0 else None

    try:
        commit = git("rev-parse", "--short", "HEAD")
        changed = git("status", "--porcelain", "--", "skdl")
    except OSError:  # no git
        return None
    if commit is None:
        return None
    files = [line[3:] for line in (changed or "").splitlines()]
    return f"commit {commit}" + (
        f" with uncommitted changes in {', '.join(files)}" if files else ""
    )


def machine():
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "load": load,
    }


def fmt(value, spec=".2f", suffix=""):
    if value is None or isinstance(value, str):
        return "n/a" if value is None else value
    return f"{value:{spec}}{suffix}"


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def failed(result):
    return result is None or "error" in result


def error_row(name, result, width):
    message = "missing" if result is None else f"error: {result['error']}"
    return [name, message] + [""] * (width - 2)


def report_imports(results):
    base = results.get("sklearn", {}).get("seconds")
    rows = []
    for name, statement in IMPORTS.items():
        r = results.get(name, {})
        if "seconds" not in r:
            rows.append(error_row(NAMES[name], r or None, 6))
            continue
        extra = None if base is None else r["seconds"] - base
        rows.append(
            [
                NAMES[name],
                f"`{statement}`",
                fmt(r["seconds"], ".3f"),
                fmt(extra, "+.3f"),
                "yes" if r["tensorflow"] else "no",
                "yes" if r["keras"] else "no",
            ]
        )
    header = ["contender", "statement", "median (s)", "vs scikit-learn (s)", "TensorFlow", "Keras"]
    return table(header, rows)


def report_fits(results, cfg):
    """Section (b): the Dense(30) fits, then the presets."""
    text = report_simple(results["fits"], REGRESSORS, "fit_s", ("r2", "test R²"))
    if results["diff"] is not None:
        text += (
            f"\n\nskdl and raw Keras, both seeded with {cfg['seed']}: largest difference of "
            f"their test predictions {results['diff']:.3g}."
        )
    text += "\n\n### skdl `MLPRegressor()` vs scikit-learn `MLPRegressor()`\n\n"
    return text + describe("preset", cfg) + "\n\n" + report_preset(results["preset"])


def report_preset(results):
    sk = results.get("sklearn", {})
    rows = []
    for name, label in (
        ("skdl", "skdl `MLPRegressor()`"),
        ("sklearn", "sklearn `MLPRegressor()`"),
    ):
        r = results.get(name)
        if failed(r):
            rows.append(error_row(label, r, 5))
            continue
        rows.append(
            [
                label,
                fmt(r["fit_s"]),
                fmt(r["r2"], ".4f"),
                r["n_iter"],
                fmt(ratio(r["fit_s"], sk.get("fit_s")), ".2f", "×"),
            ]
        )
    return table(["estimator", "fit (s)", "test R²", "epochs run", "time vs sklearn"], rows)


LATENCY_ROWS = (
    ("skdl", "skdl", "skdl `predict`"),
    ("keras", "keras", "raw Keras `model.predict`"),
    ("keras", "keras_on_batch", "raw Keras `predict_on_batch`"),
    ("scikeras", "scikeras", "scikeras `predict`"),
    ("wrappers", "wrappers", "keras.wrappers `predict`"),
    ("sklearn", "sklearn", "scikit-learn MLP `predict`"),
)


def report_latency(results):
    keras = results.get("keras", {}).get("latency", {}).get("keras", {})
    n_rows = next((r["n_rows"] for r in results.values() if "n_rows" in r), "all")
    rows = []
    for contender, key, label in LATENCY_ROWS:
        r = results.get(contender)
        if failed(r):
            rows.append(error_row(label, r, 6))
            continue
        lat = r["latency"][key]
        rows.append(
            [label]
            + [fmt(lat[n] * 1e3, ".2f") for n in ("1", "100", "all")]
            + [fmt(ratio(lat[n], keras.get(n)), ".3f", "×") for n in ("1", "all")]
        )
    header = ["predict", "1 row (ms)", "100 rows (ms)", f"{n_rows} rows (ms)"]
    header += ["1 row vs `model.predict`", f"{n_rows} rows vs `model.predict`"]
    text = table(header, rows)
    diff = results.get("skdl", {}).get("diff_vs_model_predict")
    if diff is not None:
        text += (
            f"\n\nskdl's `predict` against `model_.predict` of the same fitted network, "
            f"all {n_rows} rows: largest difference {diff:.3g}."
        )
    return text


def runs(result, key):
    """The times of the repeated runs behind a median, or "" for a single run."""
    times = result.get(f"{key}_runs") or []
    return " / ".join(f"{t:.2f}" for t in times) if len(times) > 1 else ""


def report_simple(results, contenders, key, metric=None, spec=".4f"):
    """Rows of time (``key``, with its repeated runs), a metric, and the ratios to raw
    Keras (if it ran) and to scikit-learn."""
    keras_s = _get(results, "keras", key)
    sk_s = _get(results, "sklearn", key)
    with_runs = any(runs(r, key) for r in results.values() if not failed(r))
    header = ["contender", "time (s)"] + (["runs (s)"] if with_runs else [])
    header += [metric[1]] if metric else []
    header += (["vs raw Keras"] if keras_s is not None else []) + ["vs sklearn"]
    rows = []
    for name in contenders:
        r = results.get(name)
        if failed(r):
            rows.append(error_row(NAMES[name], r, len(header)))
            continue
        row = [NAMES[name], fmt(r[key], ".3f")] + ([runs(r, key)] if with_runs else [])
        if metric is not None:
            row.append(fmt(r[metric[0]], spec))
        if keras_s is not None:
            row.append(fmt(ratio(r[key], keras_s), ".2f", "×"))
        row.append(fmt(ratio(r[key], sk_s), ".2f", "×"))
        rows.append(row)
    return table(header, rows)


def report_search(results):
    rows = []
    for name in SEARCHERS:
        one, two = results[1].get(name), results[2].get(name)
        if failed(one) or failed(two):
            rows.append(error_row(NAMES[name], one if failed(one) else two, 10))
            continue
        row = [NAMES[name]]
        for key in ("search_s", "again_s"):
            row += [fmt(one[key], ".1f"), fmt(two[key], ".1f")]
            row.append(fmt(ratio(one[key], two[key]), ".2f", "×"))
        row.append(fmt(one.get("cores"), ".2f"))
        row.append(f"{fmt(one['best_r2'], '.3f')} / {fmt(two['best_r2'], '.3f')}")
        row.append(f"{one['failed']} / {two['failed']}")
        rows.append(row)
    header = ["contender", "n_jobs=1 (s)", "n_jobs=2 (s)", "speedup"]
    header += ["again: n_jobs=1 (s)", "n_jobs=2 (s)", "speedup"]
    header += ["cores busy at n_jobs=1", "best CV R² (1 / 2)", "failed candidates (1 / 2)"]
    blocks = [table(header, rows)]
    if "book" in results:
        blocks.append(report_book_search(results["book"]))
    ceiling = results.get("ceiling")
    if ceiling:
        blocks.append(
            "Two CPU-bound processes at once on this machine (a pure-Python loop alone: "
            f"{ceiling['alone_s']:.2f} s; two copies at once: {ceiling['pair_s']:.2f} s): "
            f"**{ceiling['speedup']:.2f}×** the work per second of one (2.0 on two free "
            "cores). A search can do better than that: each worker trains on one core in "
            "one thread, where a serial search spreads each fit over threads that hand "
            "work to each other."
        )
    return "\n\n".join(blocks)


def report_book_search(results):
    """The book's search at full size: skdl at ``n_jobs`` 1 and 2, one search each."""
    one, two = results.get(1), results.get(2)
    header = ["search", "n_jobs=1 (s)", "n_jobs=2 (s)", "speedup", "cores busy at n_jobs=1"]
    header += ["best CV R² (1 / 2)", "same best parameters"]
    if failed(one) or failed(two):
        return table(header, [error_row("skdl", one if failed(one) else two, len(header))])
    row = ["the book's, skdl", fmt(one["search_s"], ".1f"), fmt(two["search_s"], ".1f")]
    row.append(fmt(ratio(one["search_s"], two["search_s"]), ".2f", "×"))
    row.append(fmt(one.get("cores"), ".2f"))
    row.append(f"{fmt(one['best_r2'], '.3f')} / {fmt(two['best_r2'], '.3f')}")
    row.append("yes" if one["best_params"] == two["best_params"] else "no")
    return table(header, [row])


def report_memory(results, cfg, contenders=REGRESSORS):
    rows = []
    for name in contenders:
        r = results.get(name)
        if failed(r) or r["start_mb"] is None:
            rows.append(error_row(NAMES[name], r or {"error": "no RSS"}, 5))
            continue
        growth = r["end_mb"] - r["start_mb"]
        rows.append(
            [
                NAMES[name],
                f"{r['start_mb']:.0f}",
                f"{r['end_mb']:.0f}",
                f"{growth:+.1f}",
                f"{growth / cfg['memory_fits']:+.2f}",
            ]
        )
    header = ["contender", "RSS after warm-up (MB)", f"RSS after {cfg['memory_fits']} fits (MB)"]
    return table(header + ["growth (MB)", "per fit (MB)"], rows)


# =====================================================================================
# Targets
# =====================================================================================
def _get(results, *keys):
    """``results[k1][k2]...``, or None where a key is missing (a section not run, an error)."""
    for key in keys:
        if not isinstance(results, dict) or key not in results:
            return None
        results = results[key]
    return results


def _verdict(goal, measured, met):
    return [goal, measured, "n/a" if met is None else ("met" if met else "**not met**")]


def _number_target(goal, value, template, check):
    """A target on one number, shown with ``template``: met if ``check(value)``."""
    if value is None:
        return _verdict(goal, "n/a", None)
    return _verdict(goal, template.format(value), bool(check(value)))


def target_rows(results):
    """The performance targets, each with the measured value and whether it is met."""
    g = lambda *keys: _get(results, *keys)  # noqa: E731
    rows = []
    if "a" in results:
        ours, base, tf = g("a", "skdl", "seconds"), g("a", "sklearn", "seconds"), None
        tf = g("a", "skdl", "tensorflow")
        loaded = "n/a" if tf is None else ("yes" if tf else "no")
        met = None if None in (ours, base, tf) else ours <= base + 0.1 and not tf
        measured = f"{fmt(ours, '.3f')} s vs {fmt(base, '.3f')} s; TensorFlow loaded: {loaded}"
        rows.append(
            _verdict("import ≤ scikit-learn's + 0.1 s, TensorFlow not loaded", measured, met)
        )
    if "b" in results:
        ours, theirs = g("b", "fits", "skdl", "fit_s"), g("b", "fits", "keras", "fit_s")
        rows.append(
            _number_target(
                "California fit ≤ 1.0× raw Keras", ratio(ours, theirs), "{:.2f}×", lambda r: r <= 1
            )
        )
        rows.append(
            _number_target(
                "California fit ≥ 3× faster than raw Keras",
                ratio(theirs, ours),
                "{:.2f}× faster",
                lambda r: r >= 3,
            )
        )
        rows.append(_preset_target(results))
    if "c" in results:
        rows += _latency_targets(results)
    if "d" in results:
        r = ratio(g("d", "skdl", "fit_s"), g("d", "keras", "fit_s"))
        rows.append(
            _number_target("fresh small fit ≤ 0.5× raw Keras", r, "{:.2f}×", lambda r: r <= 0.5)
        )
    if "f" in results:
        rows.append(_search_target(results))
    if "g" in results:
        start, end = g("g", "skdl", "start_mb"), g("g", "skdl", "end_mb")
        growth = None if None in (start, end) else end - start
        goal = "RSS growth ≤ 25 MB over the fresh fits"
        rows.append(_number_target(goal, growth, "{:+.1f} MB", lambda mb: mb <= 25))
    return rows


def _preset_target(results):
    goal = "preset `MLPRegressor()` ≤ 1.5× sklearn's time at R² ≥ sklearn's − 0.005"
    t1, r1, t2, r2 = (
        _get(results, "b", "preset", contender, key)
        for contender in ("skdl", "sklearn")
        for key in ("fit_s", "r2")
    )
    if None in (t1, r1, t2, r2):
        return _verdict(goal, "n/a", None)
    measured = f"{t1 / t2:.2f}× the time, R² {r1:.4f} vs {r2:.4f}"
    return _verdict(goal, measured, t1 <= 1.5 * t2 and r1 >= r2 - 0.005)


def _latency_targets(results):
    def latency(contender, key, rows):
        return _get(results, "c", contender, "latency", key, rows)

    one = latency("skdl", "skdl", "1")
    speedup = ratio(latency("scikeras", "scikeras", "1"), one)
    all_rows = ratio(latency("skdl", "skdl", "all"), latency("keras", "keras", "all"))
    ms = None if one is None else one * 1e3
    return [
        _number_target("1-row predict ≤ 1 ms", ms, "{:.3f} ms", lambda ms: ms <= 1),
        _number_target(
            "1-row predict ≥ 50× faster than scikeras",
            speedup,
            "{:.0f}× faster",
            lambda r: r >= 50,
        ),
        _number_target(
            "all-rows predict no slower than raw Keras `model.predict`",
            all_rows,
            "{:.2f}× its time",
            lambda r: r <= 1,
        ),
    ]


def _search_target(results):
    """Met when the book's full search (or, without it, the short one) gets 1.8×."""
    goal = "search with n_jobs=2 ≥ 1.8× faster than n_jobs=1"
    g = lambda *keys: _get(results, "f", *keys)  # noqa: E731
    book = ratio(g("book", 1, "search_s"), g("book", 2, "search_s"))
    first, again = (ratio(g(1, "skdl", key), g(2, "skdl", key)) for key in ("search_s", "again_s"))
    parts = []
    if book is not None:
        parts.append(f"the book's search: {book:.2f}×")
    parts.append(f"short search: {fmt(first, '.2f', '×')} (again: {fmt(again, '.2f', '×')})")
    cores = g(1, "skdl", "cores")
    if cores is not None:
        parts.append(f"n_jobs=1 already keeps {cores:.2f} cores busy")
    ceiling = g("ceiling", "speedup")
    if ceiling is not None:
        parts.append(f"two CPU-bound processes at once: {ceiling:.2f}× here")
    decisive = book if book is not None else first
    return _verdict(goal, "; ".join(parts), None if decisive is None else decisive >= 1.8)


# =====================================================================================
# RESULTS.md
# =====================================================================================
def describe(section, cfg):
    """What a section measures, in a few sentences (printed above its table)."""
    rows = "all 20,640" if not cfg["california_rows"] else f"the first {cfg['california_rows']}"
    epochs = cfg["california_epochs"]
    return {
        "a": (
            f"Median over {cfg['import_repeats']} fresh interpreters of the time the import "
            "statement takes (interpreter start-up excluded), and whether it loaded "
            "TensorFlow or Keras. The scikit-learn row is the baseline."
        ),
        "b": (
            f"California housing ({rows} rows, 75/25 split, `StandardScaler`): "
            f"Input(8) → Dense(30, relu) → Dense(1), {epochs} epochs, batch 32, Adam with "
            f"its defaults, MSE, seed {cfg['seed']}. Raw Keras is `model.fit` with its "
            "defaults; skdl is `KerasRegressor(hidden_layer_sizes=(30,), epochs=..., "
            "random_state=...)` with everything else default; scikeras and "
            "`keras.wrappers.SKLearnRegressor` get the same network; scikit-learn is "
            f"`MLPRegressor(hidden_layer_sizes=(30,), max_iter={epochs}, batch_size=32)`. "
            "The time covers building, compiling and training (tracing included), after the "
            f"library is imported: median over {cfg['fit_repeats']} fresh processes per "
            "contender, run round-robin."
        ),
        "preset": (
            "The ready-made estimators with their defaults on the same scaled data "
            "(hidden layer of 100, Adam, up to 200 epochs with scikit-learn's stopping "
            f"rule on the training loss), `random_state={cfg['seed']}`"
            + (f", `max_iter={cfg['preset_max_iter']}`" if cfg["preset_max_iter"] else "")
            + f"; median fit time over {cfg['fit_repeats']} fresh processes."
        ),
        "c": (
            "The fitted Dense(30) regressors of (b) predicting 1, 100 and all rows of the "
            f"scaled data: median over up to {cfg['latency_repeats']} calls "
            f"({cfg['latency_budget_s']:g} s at most) for 1 and 100 rows, over "
            f"{cfg['latency_all_repeats']} calls for all rows, after one warm-up call."
        ),
        "d": (
            f"A new estimator fitted on 200 × 8 data, {cfg['small_fit_epochs']} epochs, "
            f"batch 32: median over {cfg['small_fit_repeats']} fits after one warm-up fit in "
            "the same process (what each fit of a search or cross-validation pays)."
        ),
        "e": (
            "Titanic (891 passengers): `ColumnTransformer` (median imputation + "
            "`StandardScaler` for Pclass, Age, SibSp, Parch, Fare; most-frequent imputation "
            "+ one-hot for Sex, Embarked) then a classifier with one hidden layer of 16, "
            f"{cfg['titanic_epochs']} epochs, batch 32, Adam; `cross_val_score(cv="
            f"{cfg['titanic_folds']})`, accuracy. `keras.wrappers` one-hot encodes the "
            "target (softmax over two units) and is seeded once, globally; it loses its "
            "`fit_kwargs` when cloned (Keras 3.15), so they go through "
            "`cross_val_score(params=...)`. Time: median over "
            f"{cfg['fit_repeats']} fresh processes per contender."
        ),
        "f": (
            "The search of *Hands-On Machine Learning*, chapter 10: `StandardScaler` + the "
            "book's `build_model` (SGD) over `n_hidden` ∈ {0..3}, `n_neurons` ∈ {1..99}, "
            "`learning_rate` log-uniform in [3e-4, 3e-2]; "
            f"{cfg['search_candidates']} candidates, `cv={cfg['search_folds']}`, "
            f"{cfg['search_epochs']} epochs, on the California training split"
            + (f" (first {cfg['search_rows']} rows)" if cfg["search_rows"] else "")
            + ". scikit-learn's MLP (SGD, batch 32) searches 1-3 hidden layers of 1-99 "
            "units and `learning_rate_init` instead. Each `n_jobs` runs in a fresh process "
            "with the library imported and the data loaded; the time is `search.fit` "
            "(`refit=False`: the refit is one serial fit, the same at any `n_jobs`). The "
            "first search pays for starting joblib's workers (each imports the library and "
            "Keras); *again* is a second identical search in the same process, on started "
            "workers. No thread settings: each library's default. *Cores busy at "
            "n_jobs=1* is the CPU time of the second `n_jobs=1` search over its wall time: "
            "the cores a serial search already keeps busy (TensorFlow's data pipeline runs "
            "in threads beside the training step, and its threads wait for each other), "
            "which two workers of one core each do not need. The second table is the book's "
            "search as printed, for skdl: "
            f"{cfg['book_candidates']} candidates, `cv=3`, `epochs={cfg['book_epochs']}` "
            "with the book's `validation_data` and `EarlyStopping(patience=10)`, on its "
            "training set (11,610 rows"
            + (f", first {cfg['book_rows']}" if cfg["book_rows"] else "")
            + "), once per `n_jobs` in a fresh process (workers started by the search). "
            "The target's verdict is taken on this search, the workload the target names."
        ),
        "g": (
            f"Each contender in its own process: {cfg['memory_warmup']} warm-up fits, then "
            f"{cfg['memory_fits']} fresh fits of a Dense(30) → Dense(1) regressor on "
            "200 × 8 data, 5 epochs (Adam), each followed by a 5-row predict; resident set "
            "size (RSS) before and after (after `gc.collect()`)."
        ),
        "h": (
            "`python benchmarks/mlp_vs_sklearn.py`: the same split, `StandardScaler` then "
            "the MLP with `hidden_layer_sizes=(64,)`, `learning_rate_init=5e-3`, "
            "`random_state=0` and the same `max_iter` (200 for iris, 100 for breast cancer "
            "and digits, 50 for California housing)."
        ),
    }[section]


def header_lines(info, cfg, elapsed):
    m, v = info["machine"], info["versions"]
    load = lambda avg: "n/a" if avg is None else " / ".join(f"{x:.2f}" for x in avg)  # noqa: E731
    kind = "quick run: tiny sizes, a smoke test only" if cfg["quick"] else "full run"
    if list(cfg["sections"]) != list(SECTIONS):
        kind += ", sections " + ", ".join(cfg["sections"])
    return [
        "# Benchmark results",
        "",
        f"Written by `python benchmarks/run.py` ({kind}) on {info['date']}, "
        f"in {elapsed / 60:.1f} minutes. Do not edit by hand: run it again.",
        "",
        f"Machine: {m['platform']} ({m['machine']}), {m['cpus']} CPUs, Python {m['python']}; "
        f"load average (1 / 5 / 15 min) {load(m['load'])} at the start, "
        f"{load(info['load_end'])} at the end. The machine may be shared: compare the ratios "
        "within a table, measured side by side in this one run, rather than absolute seconds.",
        "",
        "Versions: "
        + ", ".join(f"{name} {version}" for name, version in v.items())
        + f"; Keras backend: {info['backend']}."
        + (f" skdl source: {info['source']}." if info.get("source") else ""),
        "",
        "Each contender runs in its own fresh process; thread settings are left to the "
        "libraries' defaults (`TF_CPP_MIN_LOG_LEVEL=2` only silences TensorFlow's logs).",
    ]


def section_blocks(results, cfg):
    """``(letter, description, tables)`` of every section that ran, in order."""
    reports = {
        "a": report_imports,
        "b": lambda r: report_fits(r, cfg),
        "c": report_latency,
        "d": lambda r: report_simple(r, REGRESSORS, "fit_s"),
        "e": lambda r: report_simple(r, CLASSIFIERS, "cv_s", ("accuracy", "mean accuracy")),
        "f": report_search,
        "g": lambda r: report_memory(r, cfg),
        "h": lambda r: f"error: {r['error']}" if "error" in r else "\n".join(r["table"]),
    }
    return [
        (letter, describe(letter, cfg), reports[letter](results[letter]))
        for letter in SECTIONS
        if letter in results
    ]


# the block of RESULTS.md that gpu.py writes
GPU_BEGIN, GPU_END = "<!-- gpu.py: begin -->", "<!-- gpu.py: end -->"


def gpu_block(path):
    """The GPU figures that ``gpu.py`` wrote into the report at ``path`` (they need a
    GPU machine, so a run of this script keeps them), with a blank line before."""
    try:
        with open(path) as fh:
            text = fh.read()
    except OSError:
        return ""
    if GPU_BEGIN not in text or GPU_END not in text:
        return ""
    return "\n" + GPU_BEGIN + text.split(GPU_BEGIN, 1)[1].split(GPU_END, 1)[0] + GPU_END + "\n"


def write_report(path, results, info, cfg, elapsed):
    lines = header_lines(info, cfg, elapsed)
    targets = target_rows(results)
    if targets:
        lines += ["", "## Targets", "", "Computed from the numbers below.", ""]
        lines.append(table(["target", "measured", "verdict"], targets))
    for letter, description, body in section_blocks(results, cfg):
        lines += ["", f"## ({letter}) {SECTIONS[letter]}", "", description, "", body]
    text = "\n".join(lines) + "\n" + gpu_block(path)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as fh:
        fh.write(text)
    return text


# =====================================================================================
# Command line
# =====================================================================================
def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke test")
    parser.add_argument(
        "--only",
        default=",".join(SECTIONS),
        help="comma-separated sections to run, among " + ",".join(SECTIONS),
    )
    parser.add_argument("--output", default=os.path.join(HERE, "RESULTS.md"))
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
