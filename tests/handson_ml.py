"""Code shared by the tests: the Hands-On ML (chapter 10) model builder, verbatim
(Keras 3 spelling), and the cached California housing data."""

import os

import keras
import pytest
from sklearn.datasets import fetch_california_housing


def build_model(n_hidden=1, n_neurons=30, learning_rate=3e-3, input_shape=[8]):  # noqa: B006
    model = keras.models.Sequential()
    model.add(keras.layers.InputLayer(shape=input_shape))
    for _ in range(n_hidden):
        model.add(keras.layers.Dense(n_neurons, activation="relu"))
    model.add(keras.layers.Dense(1))
    optimizer = keras.optimizers.SGD(learning_rate=learning_rate)
    model.compile(loss="mse", optimizer=optimizer)
    return model


def california_housing():
    """scikit-learn's California housing from ``$SCIKIT_LEARN_DATA``, or skip the test."""
    try:
        return fetch_california_housing(
            data_home=os.environ.get("SCIKIT_LEARN_DATA"), download_if_missing=False
        )
    except OSError:
        pytest.skip("California housing is not cached; set SCIKIT_LEARN_DATA to its folder")
