"""A core subset of the test suite on Keras' other backends, each in a fresh process.

Keras chooses its backend once per process, from ``KERAS_BACKEND``: the subset
runs in a subprocess with the variable set, for each installed backend that this
run is not already using. Tests of TensorFlow's own behaviour are marked to skip
there. This file is not part of the subset, so the subprocess starts no other.
"""

import importlib.util
import os
import subprocess
import sys

import keras
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# estimators, shared compiled functions, reproducibility, saving, training loop,
# sparse X
CORE = [
    "tests/test_classifier.py",
    "tests/test_regressor.py",
    "tests/test_mlp.py",
    "tests/test_pool.py",
    "tests/test_determinism.py",
    "tests/test_persistence.py",
    "tests/test_training.py",
    "tests/test_base.py",
    "tests/test_compile.py",
    "tests/test_targets.py",
    "tests/test_sparse.py",
]
# long comparisons with scikit-learn that depend on no backend-specific code
DESELECTED = "not drop_in_replacement_reaches_comparable_scores"


def skip_unless_another_backend(backend):
    """Skip unless ``backend`` is installed and not the one this run uses."""
    if importlib.util.find_spec(backend) is None:
        pytest.skip(f"{backend} is not installed")
    if keras.backend.backend() == backend:
        pytest.skip(f"this run already uses the {backend} backend")


def environment_without_pytest():
    """This process's environment for a subprocess, without pytest's variables."""
    return {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_core_suite_on_backend(backend):
    skip_unless_another_backend(backend)
    env = environment_without_pytest()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", DESELECTED, *CORE],
        cwd=ROOT,
        env={**env, "KERAS_BACKEND": backend},
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_a_pickled_estimator_moves_to_another_backend(backend, tmp_path):
    # backends.rst: a network trained on one backend predicts and keeps training on another
    skip_unless_another_backend(backend)
    import joblib
    import numpy as np

    from skdl import KerasClassifier, MLPRegressor

    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 4))
    fitted = [
        KerasClassifier(epochs=2, random_state=0).fit(X, X[:, 0] > 0),
        MLPRegressor(max_iter=2, random_state=0).fit(X, X[:, 1]),
    ]
    joblib.dump((X, fitted, [est.predict(X) for est in fitted]), tmp_path / "fitted.joblib")
    code = f"""
import joblib, numpy as np, keras
X, fitted, expected = joblib.load({str(tmp_path / "fitted.joblib")!r})
assert keras.backend.backend() == {backend!r}
for est, before in zip(fitted, expected):
    np.testing.assert_allclose(est.predict(X), before, atol=1e-5)
    est.partial_fit(X, before)
    assert len(est.history_["loss"]) == 3 and np.isfinite(est.predict(X).astype(float)).all()
"""
    env = environment_without_pytest()
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "KERAS_BACKEND": backend},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-4000:]


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_estimators_train_after_set_backend(backend):
    # keras.config.set_backend loads Keras anew: skdl's own layer (the wide-and-deep
    # column selector) is made again for it
    skip_unless_another_backend(backend)
    code = f"""
import warnings
import numpy as np, keras
from skdl import KerasClassifier, WideAndDeepRegressor
X = np.random.RandomState(0).normal(size=(40, 4))
def fit_all():
    wide_deep = WideAndDeepRegressor(epochs=1, wide_features=[0, 1])
    for est, y in [(KerasClassifier(epochs=1), X[:, 0] > 0), (wide_deep, X[:, 1])]:
        assert np.isfinite(est.fit(X, y).score(X, y))
fit_all()
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # Keras warns that set_backend is risky
    keras.config.set_backend({backend!r})
import keras
assert keras.backend.backend() == {backend!r}
fit_all()
"""
    env = environment_without_pytest()
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-4000:]
