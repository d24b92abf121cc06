"""Child side: the tasks that run inside each contender's own fresh process.

``run.py --child TASK CONTENDER`` calls :func:`child_main`, which writes the
task's result as JSON for the parent to collect.
"""

import json
import os
import time
import warnings

from .contenders import (
    book_distributions,
    build_model,
    make_classifier,
    make_regressor,
    search_estimator,
    titanic_pipeline,
)
from .data import california, small_data
from .measure import median_time, process_cpu_s, rss_mb


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


def task_small_fit(contender, cfg):
    """Section (d): median time of fitting a new estimator on 200 x 8 data, after a warm-up."""
    X, y = small_data()
    epochs = cfg["small_fit_epochs"]
    fit_s = median_time(
        lambda: make_regressor(contender, epochs).fit(X, y), cfg["small_fit_repeats"]
    )
    return {"fit_s": fit_s}


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
