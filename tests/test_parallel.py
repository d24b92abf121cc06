"""Searches and cross-validation in worker processes: joblib's loky pool, Dask and Ray.

``test_meta_estimators`` checks a ``GridSearchCV`` of ``KerasRegressor`` with
``n_jobs=2``; here every estimator family goes through the three model-selection
tools, the workers' TensorFlow threads are checked, and the Hands-On ML search
runs on a local Dask cluster and on a local Ray instance.
"""

import json
import os
import random
import subprocess
import sys
import threading
import time

import joblib
import keras
import numpy as np
import pytest
from scipy.stats import loguniform, reciprocal
from sklearn.datasets import make_classification, make_regression
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV, cross_val_score

from skdl import (
    KerasClassifier,
    KerasRegressor,
    MLPClassifier,
    MLPRegressor,
    WideAndDeepRegressor,
    _threads,
)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TF_ONLY = pytest.mark.skipif(
    keras.backend.backend() != "tensorflow", reason="TensorFlow's thread pools"
)


def classification():
    return make_classification(n_samples=80, n_features=5, n_informative=3, random_state=0)


def regression():
    X, y = make_regression(n_samples=80, n_features=6, noise=1, random_state=0)
    return X, y / 100


# estimator, data, one search grid, and the search that uses it
CASES = {
    "KerasClassifier": (
        KerasClassifier(hidden_layer_sizes=(8,), epochs=2, random_state=0),
        classification,
        GridSearchCV,
        {"optimizer__learning_rate": [0.003, 0.03]},
    ),
    "KerasRegressor": (
        KerasRegressor(hidden_layer_sizes=(8,), epochs=2, random_state=0),
        regression,
        RandomizedSearchCV,
        {"optimizer__learning_rate": loguniform(1e-3, 1e-1)},
    ),
    "MLPClassifier": (
        MLPClassifier((8,), max_iter=2, random_state=0),
        classification,
        RandomizedSearchCV,
        {"learning_rate_init": loguniform(1e-3, 1e-1), "alpha": [1e-4, 1e-2]},
    ),
    "MLPRegressor": (
        MLPRegressor(hidden_layer_sizes=(8,), max_iter=2, random_state=0),
        regression,
        GridSearchCV,
        {"learning_rate_init": [0.003, 0.03]},
    ),
    "WideAndDeepRegressor": (
        WideAndDeepRegressor(
            wide_features=slice(0, 4), deep_features=slice(2, 6), hidden_layer_sizes=(8,),
            epochs=2, random_state=0,
        ),
        regression,
        RandomizedSearchCV,
        {"optimizer__learning_rate": loguniform(1e-3, 1e-1)},
    ),
}  # fmt: skip


def search(name, n_jobs):
    estimator, data, search_cls, grid = CASES[name]
    X, y = data()
    options = {"n_iter": 2, "random_state": 0} if search_cls is RandomizedSearchCV else {}
    searcher = search_cls(estimator, grid, cv=2, n_jobs=n_jobs, error_score="raise", **options)
    return searcher.fit(X, y)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("name", CASES)
def test_search_results_do_not_depend_on_n_jobs(name):
    serial, parallel = search(name, n_jobs=1), search(name, n_jobs=2)
    assert serial.cv_results_["params"] == parallel.cv_results_["params"]
    for key in ("split0_test_score", "split1_test_score", "mean_test_score"):
        np.testing.assert_allclose(
            serial.cv_results_[key], parallel.cv_results_[key], rtol=1e-5, err_msg=key
        )
    assert serial.best_params_ == parallel.best_params_


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("name", CASES)
def test_cross_val_score_does_not_depend_on_n_jobs(name):
    estimator, data, _, _ = CASES[name]
    X, y = data()
    serial, parallel = (cross_val_score(estimator, X, y, cv=3, n_jobs=n) for n in (1, 2))
    np.testing.assert_allclose(serial, parallel, rtol=1e-5)


def test_seeded_fits_ignore_other_threads_drawing_from_random():
    """A Dask worker's event loop draws from Python's ``random`` while a task
    fits: the weights Keras initialises from that stream must not change."""
    X, y = regression()
    reg = KerasRegressor(hidden_layer_sizes=(8,), epochs=2, random_state=0)
    expected = reg.fit(X, y).predict(X)
    stop = threading.Event()

    def draw():
        while not stop.is_set():
            random.random()
            time.sleep(0.0005)

    thread = threading.Thread(target=draw)
    thread.start()
    try:
        predictions = [reg.fit(X, y).predict(X) for _ in range(2)]
    finally:
        stop.set()
        thread.join()
    for pred in predictions:
        np.testing.assert_array_equal(pred, expected)


# --- TensorFlow's threads in loky workers -------------------------------------------

THREADS_SCRIPT = """
import json, os, sys
import numpy as np
from joblib import Parallel, delayed, parallel_config

def worker_threads():
    import tensorflow as tf
    from skdl import KerasRegressor, _threads
    KerasRegressor(hidden_layer_sizes=(4,), epochs=1).fit(np.ones((8, 2)), np.arange(8.0))
    threading = tf.config.threading
    return [
        os.environ.get("OMP_NUM_THREADS"),
        threading.get_intra_op_parallelism_threads(),
        threading.get_inter_op_parallelism_threads(),
        _threads.applied_limits(),
    ]

if __name__ == "__main__":
    results = {}
    # each limit starts new workers, which inherit the environment of this process
    for limit, variable in [(3, None), (1, None), (2, "TF_NUM_INTRAOP_THREADS")]:
        if variable:
            os.environ[variable] = "5"
        with parallel_config(backend="loky", inner_max_num_threads=limit):
            result = Parallel(n_jobs=2)([delayed(worker_threads)()])[0]
        results[variable or str(limit)] = result
        if variable:
            del os.environ[variable]
    assert "tensorflow" not in sys.modules
    print(json.dumps(results))
"""


@TF_ONLY
def test_tensorflow_threads_in_loky_workers(tmp_path):
    """Each loky worker gets joblib's thread limit (``inner_max_num_threads``) as
    TensorFlow's intra-op threads and at most 2 inter-op threads (which the data
    pipelines see), unless ``TF_NUM_INTRAOP_THREADS`` is set: then skdl sets nothing
    (0 is TensorFlow's default). ``test_worker_thread_limits`` covers
    ``TF_NUM_INTEROP_THREADS``."""
    script = tmp_path / "threads.py"
    script.write_text(THREADS_SCRIPT)
    env = {k: v for k, v in os.environ.items() if k not in _threads.TF_THREAD_VARIABLES}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [ROOT, env.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "3": ["3", 3, 2, [3, 2]],
        "1": ["1", 1, 1, [1, 1]],
        "TF_NUM_INTRAOP_THREADS": ["2", 0, 0, None],
    }


@pytest.mark.parametrize(
    "environ, share, expected",
    [
        ({}, 1, (1, 1)),
        ({}, 8, (8, 2)),
        ({}, None, None),
        ({}, 0, None),
        ({"TF_NUM_INTRAOP_THREADS": "0"}, 8, None),
        ({"TF_NUM_INTEROP_THREADS": "4"}, 8, None),
    ],
)
def test_worker_thread_limits(environ, share, expected):
    assert _threads.worker_thread_limits(environ, share) == expected


@pytest.mark.parametrize(
    "environ, expected", [({"OMP_NUM_THREADS": "3"}, 3), ({"OMP_NUM_THREADS": "many"}, None)]
)
def test_a_loky_workers_share_is_joblibs_limit(environ, expected, monkeypatch):
    monkeypatch.setattr(_threads, "in_loky_worker", lambda: True)
    assert _threads.worker_share(environ) == expected


def test_the_main_process_has_no_share():
    assert _threads.worker_share({"OMP_NUM_THREADS": "3"}) is None


def test_only_loky_workers_count_as_workers():
    assert not _threads.in_loky_worker()
    assert joblib.Parallel(n_jobs=2)(joblib.delayed(_threads.in_loky_worker)() for _ in range(2))


# --- Dask ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("dask.distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def housing():
    from handson_ml import california_housing
    from sklearn.preprocessing import StandardScaler

    data = california_housing()
    return StandardScaler().fit_transform(data.data[:600]), data.target[:600]


def tensorflow_threads():
    """This process' TensorFlow intra-op and inter-op threads, and skdl's limits."""
    import tensorflow as tf

    from skdl import _threads

    threading = tf.config.threading
    return (
        threading.get_intra_op_parallelism_threads(),
        threading.get_inter_op_parallelism_threads(),
        _threads.applied_limits(),
    )


def tensorflow_threads_after_a_fit():
    KerasRegressor(hidden_layer_sizes=(4,), epochs=1).fit(np.ones((8, 2)), np.arange(8.0))
    return tensorflow_threads()


@TF_ONLY
def test_tensorflow_threads_in_dask_worker_processes(dask_client):
    """Each single-threaded Dask worker process gives TensorFlow one intra-op and one
    inter-op thread; the client's process keeps TensorFlow's defaults."""
    if any(name in os.environ for name in _threads.TF_THREAD_VARIABLES):
        pytest.skip("TensorFlow's threads are set in the environment")
    workers = list(dask_client.scheduler_info()["workers"])
    futures = [
        dask_client.submit(tensorflow_threads_after_a_fit, pure=False, workers=[w])
        for w in workers
    ]
    assert dask_client.gather(futures) == [(1, 1, (1, 1))] * len(workers)
    assert _threads.worker_share(os.environ) is None


def threads_after_a_prediction(estimator):
    """Run in a worker: the worker's TensorFlow threads once ``estimator``, fitted
    elsewhere, has predicted (its network was loaded while the task's arguments
    were unpickled, before the task started)."""
    estimator.predict(np.ones((4, 2)))
    return tensorflow_threads()


@TF_ONLY
def test_a_fitted_estimator_sent_to_a_dask_worker_gets_its_threads():
    """The worker process imports Keras outside any task, to unpickle the
    estimator's network: it still gives TensorFlow the worker's threads."""
    if any(name in os.environ for name in _threads.TF_THREAD_VARIABLES):
        pytest.skip("TensorFlow's threads are set in the environment")
    distributed = pytest.importorskip("dask.distributed")
    fitted = KerasRegressor(hidden_layer_sizes=(4,), epochs=1, random_state=0)
    fitted.fit(np.ones((8, 2)), np.arange(8.0))
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        # a bound on the wait: a failure to unpickle on the worker fails the test
        task = client.submit(threads_after_a_prediction, fitted, pure=False)
        result = task.result(timeout=300)
    assert result == (2, 2, (2, 2))


def recording_pids(builder, folder):
    """``builder`` that also leaves a file named after the process that calls it."""

    def build(n_hidden=1, n_neurons=30, learning_rate=3e-3):
        (folder / str(os.getpid())).touch()
        return builder(n_hidden, n_neurons, learning_rate)

    return build


def book_search(housing, folder):
    """The Hands-On ML search (a few short fits); each process that builds a network
    leaves a file in ``folder``."""
    from handson_ml import build_model

    folder.mkdir()
    X, y = housing
    param_distribs = {
        "n_hidden": [0, 1, 2, 3],
        "n_neurons": np.arange(1, 100),
        "learning_rate": reciprocal(3e-4, 3e-2),
    }
    search = RandomizedSearchCV(
        KerasRegressor(recording_pids(build_model, folder), random_state=42),
        param_distribs,
        n_iter=3,
        cv=2,
        random_state=0,
        refit=False,  # the best parameters without a last fit in this process
        error_score="raise",
    )
    return search.fit(
        X[:500],
        y[:500],
        epochs=2,
        validation_data=(X[500:], y[500:]),
        callbacks=[keras.callbacks.EarlyStopping(patience=10)],
    )


def check_search_elsewhere(housing, tmp_path, backend, **options):
    """The book's search under a joblib backend builds its networks in other
    processes and finds what it finds in this process, with the same scores."""
    local = book_search(housing, tmp_path / "local")
    with joblib.parallel_config(backend=backend, **options):
        remote = book_search(housing, tmp_path / backend)
    pids = {int(path.name) for path in (tmp_path / backend).iterdir()}
    assert pids and os.getpid() not in pids
    assert remote.best_params_ == local.best_params_
    np.testing.assert_allclose(
        remote.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"], rtol=1e-4
    )


def test_book_randomized_search_on_a_dask_cluster(housing, dask_client, tmp_path):
    check_search_elsewhere(housing, tmp_path, "dask")


# --- Ray -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ray_cluster():
    ray = pytest.importorskip("ray")
    from ray.util.joblib import register_ray

    # the workers import the builders' module (handson_ml) from this folder
    tests = os.path.dirname(os.path.abspath(__file__))
    runtime_env = {"env_vars": {"PYTHONPATH": os.pathsep.join([tests, ROOT])}}
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, runtime_env=runtime_env)
    register_ray()
    yield
    ray.shutdown()


@TF_ONLY
def test_tensorflow_threads_in_ray_workers(ray_cluster):
    """Ray's workers (one CPU each) give TensorFlow one intra-op and one inter-op
    thread."""
    if any(name in os.environ for name in _threads.TF_THREAD_VARIABLES):
        pytest.skip("TensorFlow's threads are set in the environment")
    with joblib.parallel_config(backend="ray", n_jobs=2):
        results = joblib.Parallel()(
            joblib.delayed(tensorflow_threads_after_a_fit)() for _ in range(2)
        )
    assert results == [(1, 1, (1, 1))] * 2
    assert not _threads.in_ray_worker()


def test_book_randomized_search_on_ray(housing, ray_cluster, tmp_path):
    # Ray's backend runs in this process unless it is given a number of jobs
    check_search_elsewhere(housing, tmp_path, "ray", n_jobs=2)
