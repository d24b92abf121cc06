"""Compile settings: several batches per step unless a callback needs every batch."""

import importlib

import keras
import numpy as np
import pytest

from skdl import KerasRegressor, MLPRegressor
from skdl._compile import (
    default_steps_per_execution,
    epoch_steps,
    given_step_limit,
    has_batch_hooks,
)
from skdl._data import aligned_steps_per_execution, use_single_pipeline


@pytest.fixture
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 4)).astype(np.float32)
    return X, X @ rng.normal(size=4)


several_batches_per_step = pytest.mark.skipif(
    keras.backend.backend() == "torch",
    reason="Keras' PyTorch trainer runs one batch per step and refuses more",
)


def several_per_call(n_batches):
    """skdl's batches per call for epochs of ``n_batches``: its default, or on
    TensorFlow's single pipeline the divisor of the epoch closest to it."""
    wanted = default_steps_per_execution()
    return aligned_steps_per_execution(wanted, n_batches) if use_single_pipeline() else wanted


class EveryBatch(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.batches = 0

    def on_train_batch_end(self, batch, logs=None):
        self.batches += 1


def test_several_batches_per_step_give_the_same_model(data):
    X, y = data
    params = {"epochs": 3, "validation_split": 0.2, "random_state": 0}
    default = KerasRegressor(**params).fit(X, y)
    single = KerasRegressor(compile__steps_per_execution=1, **params).fit(X, y)
    assert default.model_.steps_per_execution == several_per_call(8)  # 240 rows
    assert single.model_.steps_per_execution == 1
    np.testing.assert_array_equal(default.predict(X), single.predict(X))
    assert default.history_ == single.history_


@pytest.mark.parametrize("where", ["estimator", "fit"])
def test_a_callback_with_batch_hooks_sees_every_batch(data, where):
    X, y = data
    counter = EveryBatch()
    reg = KerasRegressor(epochs=2, batch_size=10)
    if where == "estimator":
        reg.set_params(callbacks=[counter]).fit(X, y)
    else:
        reg.fit(X, y, callbacks=[counter])
    assert reg.model_.steps_per_execution == 1
    if where == "fit":  # estimator callbacks are copied for each fit
        assert counter.batches == 2 * 30


def test_lambda_callback_batch_hooks_count():
    assert has_batch_hooks(keras.callbacks.LambdaCallback(on_batch_end=lambda b, logs: None))
    assert not has_batch_hooks(keras.callbacks.LambdaCallback(on_epoch_end=lambda e, logs: None))
    assert not has_batch_hooks(keras.callbacks.EarlyStopping())


@several_batches_per_step
def test_explicit_steps_per_execution_is_kept(data):
    X, y = data
    reg = KerasRegressor(epochs=1, compile__steps_per_execution=4, callbacks=[EveryBatch()])
    assert reg.fit(X, y).model_.steps_per_execution == 4


def test_epoch_callbacks_keep_several_batches_per_step(data):
    X, y = data
    reg = KerasRegressor(epochs=1, callbacks=[keras.callbacks.EarlyStopping(monitor="loss")])
    assert reg.fit(X, y).model_.steps_per_execution == several_per_call(10)


def test_mlp_invscaling_keeps_several_batches_per_step(data):
    """scikit-learn's schedule changes the rate after each epoch, not each batch."""
    X, y = data
    mlp = MLPRegressor(
        solver="sgd", learning_rate="invscaling", max_iter=1, batch_size=50, random_state=0
    )
    with pytest.warns(UserWarning):  # not converged after one epoch
        mlp.fit(X, y)
    assert mlp.model_.steps_per_execution == several_per_call(6)
    # 300 samples seen: lr = lr0 / (300 + 1) ** power_t
    expected = mlp.learning_rate_init / (300 + 1) ** mlp.power_t
    assert float(mlp.model_.optimizer.learning_rate.numpy()) == pytest.approx(expected)


def compiled_by_builder(steps_per_execution=None):
    def build(meta):
        model = keras.Sequential(
            [keras.Input((meta["n_features_in_"],)), keras.layers.Dense(8, activation="relu")]
            + [keras.layers.Dense(1)]
        )
        options = (
            {} if steps_per_execution is None else {"steps_per_execution": steps_per_execution}
        )
        model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=0.01), **options)
        return model

    return build


def test_a_network_compiled_by_its_builder_runs_several_batches_per_step(data):
    X, y = data
    params = {"epochs": 3, "batch_size": 16, "random_state": 0}
    default = KerasRegressor(compiled_by_builder(), **params).fit(X, y)
    single = KerasRegressor(compiled_by_builder(), compile__steps_per_execution=1, **params)
    single.fit(X, y)
    assert default.model_.steps_per_execution == several_per_call(19)  # batches of 16
    assert single.model_.steps_per_execution == 1
    # the builder's own settings survive the new compile
    assert isinstance(default.model_.optimizer, keras.optimizers.SGD)
    assert float(default.model_.optimizer.learning_rate.numpy()) == pytest.approx(0.01)
    np.testing.assert_allclose(default.predict(X), single.predict(X), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(default.history_["loss"], single.history_["loss"], rtol=1e-5)


@several_batches_per_step
def test_a_builders_own_steps_per_execution_is_kept(data):
    X, y = data
    reg = KerasRegressor(compiled_by_builder(steps_per_execution=4), epochs=1).fit(X, y)
    assert reg.model_.steps_per_execution == 4


def test_a_compiled_network_with_batch_callbacks_sees_every_batch(data):
    X, y = data
    reg = KerasRegressor(compiled_by_builder(), epochs=1, callbacks=[EveryBatch()])
    assert reg.fit(X, y).model_.steps_per_execution == 1


def dropout_network(meta=None):
    # On PyTorch, Keras draws an unseeded Dropout's masks from torch's global
    # generator, which each of Keras' data loaders also draws a seed from (and
    # skdl's fit starts fewer loaders); a seeded Dropout draws from its own seed.
    seed = 3 if keras.backend.backend() == "torch" else None
    return keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(16, activation="relu"),
            keras.layers.Dropout(0.2, seed=seed),
            keras.layers.Dense(1),
        ]
    )


@pytest.mark.parametrize("shuffle", [True, False])
def test_training_matches_plain_keras_fit(data, shuffle):
    if shuffle and keras.backend.backend() != "tensorflow":
        pytest.skip(
            "outside TensorFlow, Keras' fit builds the network from a batch of its "
            "shuffled data, which takes a shuffle from the random stream; skdl builds "
            "it first so that fresh and shared compiled networks shuffle alike"
        )
    X, y = data[0][:203], data[1][:203]  # a last batch of 11 rows
    reg = KerasRegressor(dropout_network, epochs=4, shuffle=shuffle, random_state=7)
    reg.fit(X, y)
    keras.utils.set_random_seed(7)
    model = dropout_network()
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(X, y, epochs=4, batch_size=32, shuffle=shuffle, verbose=0).history
    np.testing.assert_allclose(reg.history_["loss"], history["loss"], rtol=1e-6)
    np.testing.assert_allclose(
        reg.predict(X), model.predict_on_batch(X).ravel(), rtol=1e-5, atol=1e-6
    )


def keras_epoch_iterator():
    """The backend's subclass of Keras' ``EpochIterator`` (the one ``fit`` uses)."""
    from keras.src.trainers.epoch_iterator import EpochIterator

    module = importlib.import_module(f"keras.src.backend.{keras.backend.backend()}.trainer")
    for value in vars(module).values():
        if (
            isinstance(value, type)
            and issubclass(value, EpochIterator)
            and value is not EpochIterator
        ):
            return value
    pytest.skip("no EpochIterator subclass in this Keras backend")


@pytest.mark.parametrize(
    "given, expected",
    [
        ({"batch_size": 32}, 7),
        ({"batch_size": None}, 7),
        ({"batch_size": 200}, 1),
        ({"batch_size": 32, "steps_per_epoch": 3}, 3),
        ({"batch_size": 32, "validation_split": 0.2}, None),
    ],
)
def test_epoch_steps(given, expected):
    kwargs = dict(given)
    epoch_steps(kwargs, 200)
    assert kwargs.get("steps_per_epoch") == expected


@pytest.mark.parametrize(
    "given, limit",
    [
        ({}, None),
        ({"steps_per_epoch": None, "validation_steps": None}, None),
        ({"steps_per_epoch": 6}, 6),
        ({"validation_steps": 4}, 4),
        ({"steps_per_epoch": 6, "validation_steps": 4}, 2),
    ],
)
def test_given_step_limit(given, limit):
    assert given_step_limit(given) == limit


@pytest.mark.parametrize("steps_per_epoch", [1, 5, 7])
def test_a_steps_per_epoch_of_ones_own_is_kept(data, steps_per_epoch):
    """Each call runs a divisor of it: it ran skdl's batches per call (a whole
    epoch of 20 batches here) whatever it said."""
    X, y = np.concatenate([data[0]] * 3), np.concatenate([data[1]] * 3)  # 900 rows
    reg = KerasRegressor(epochs=2, random_state=0).fit(X, y, steps_per_epoch=steps_per_epoch)
    assert int(reg.model_.optimizer.iterations.numpy()) == 2 * steps_per_epoch


@pytest.mark.parametrize("split", [None, 0.25])
def test_validation_steps_leave_the_epochs_whole(split):
    """Calls of batches that divide validation_steps divide the epoch too (3
    batches per call ran 12 batches of a 10-batch epoch)."""
    X = np.random.RandomState(0).normal(size=(40, 3))
    validation = {"validation_split": split} if split else {"validation_data": (X, X[:, 0])}
    reg = KerasRegressor(epochs=2, batch_size=4, random_state=0)
    reg.fit(X, X[:, 0], validation_steps=3, **validation)
    per_epoch = 8 if split else 10
    assert int(reg.model_.optimizer.iterations.numpy()) == 2 * per_epoch


@pytest.mark.parametrize("sizes", [{"validation_batch_size": 8}, {"batch_size": 8}])
def test_validation_steps_are_kept(data, sizes):
    """The validation loss is that of the first ``validation_steps`` batches,
    of ``validation_batch_size`` rows, else ``batch_size`` (they were Keras'
    default 32 where the training batches came through skdl's pipeline)."""
    X, y = data
    still = dict(optimizer="sgd", optimizer__learning_rate=1e-12)  # the weights stay
    reg = KerasRegressor(epochs=1, random_state=0, **still)
    reg.fit(X, y, validation_data=(X, y), validation_steps=2, **sizes)
    first = np.mean((reg.predict(X[:16]) - y[:16]) ** 2)
    assert reg.history_["val_loss"][0] == pytest.approx(first, rel=1e-5)
