"""The Hands-On ML (chapter 10) hyperparameter search, end to end, tiny epochs."""

import keras
import numpy as np
import pytest
from handson_ml import build_model, california_housing
from scipy.stats import reciprocal
from sklearn.model_selection import RandomizedSearchCV, train_test_split
from sklearn.preprocessing import StandardScaler

from skdl import KerasRegressor


@pytest.fixture(scope="module")
def housing():
    data = california_housing()
    X_train_full, X_test, y_train_full, y_test = train_test_split(
        data.data, data.target, random_state=42
    )
    X_train, X_valid, y_train, y_valid = train_test_split(
        X_train_full, y_train_full, random_state=42
    )
    scaler = StandardScaler()
    X_train = scaler.fit_transform(X_train)
    X_valid = scaler.transform(X_valid)
    X_test = scaler.transform(X_test)
    # a slice keeps the test fast; the full run is in examples/
    return X_train[:1500], X_valid[:500], X_test[:500], y_train[:1500], y_valid[:500], y_test[:500]


def test_book_randomized_search(housing):
    X_train, X_valid, X_test, y_train, y_valid, y_test = housing
    keras_reg = KerasRegressor(build_model, random_state=42)
    keras_reg.fit(
        X_train,
        y_train,
        epochs=3,
        validation_data=(X_valid, y_valid),
        callbacks=[keras.callbacks.EarlyStopping(patience=10)],
    )
    assert keras_reg.predict(X_test[:3]).shape == (3,)

    param_distribs = {
        "n_hidden": [0, 1, 2, 3],
        "n_neurons": np.arange(1, 100),
        "learning_rate": reciprocal(3e-4, 3e-2),
    }
    rnd_search_cv = RandomizedSearchCV(keras_reg, param_distribs, n_iter=3, cv=2, random_state=0)
    rnd_search_cv.fit(
        X_train,
        y_train,
        epochs=3,
        validation_data=(X_valid, y_valid),
        callbacks=[keras.callbacks.EarlyStopping(patience=10)],
    )
    assert set(rnd_search_cv.best_params_) == {"n_hidden", "n_neurons", "learning_rate"}
    best = rnd_search_cv.best_estimator_
    assert best.n_hidden == rnd_search_cv.best_params_["n_hidden"]
    assert len(best.model_.layers) == best.n_hidden + 1
    assert np.isfinite(rnd_search_cv.best_score_)
    assert best.score(X_test, y_test) > 0.0
    assert best.model_.optimizer.learning_rate.numpy() == pytest.approx(
        rnd_search_cv.best_params_["learning_rate"], rel=1e-5
    )
