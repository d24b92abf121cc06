"""Compile settings: several batches per step unless a callback needs every batch."""

import keras
import numpy as np
import pytest

from skdl import KerasRegressor, MLPRegressor
from skdl._compile import DEFAULT_STEPS_PER_EXECUTION, has_batch_hooks


@pytest.fixture
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 4)).astype(np.float32)
    return X, X @ rng.normal(size=4)


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
    assert default.model_.steps_per_execution == DEFAULT_STEPS_PER_EXECUTION
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


def test_explicit_steps_per_execution_is_kept(data):
    X, y = data
    reg = KerasRegressor(epochs=1, compile__steps_per_execution=4, callbacks=[EveryBatch()])
    assert reg.fit(X, y).model_.steps_per_execution == 4


def test_epoch_callbacks_keep_several_batches_per_step(data):
    X, y = data
    reg = KerasRegressor(epochs=1, callbacks=[keras.callbacks.EarlyStopping(monitor="loss")])
    assert reg.fit(X, y).model_.steps_per_execution == DEFAULT_STEPS_PER_EXECUTION


def test_mlp_invscaling_updates_the_learning_rate_every_batch(data):
    X, y = data
    mlp = MLPRegressor(
        solver="sgd", learning_rate="invscaling", max_iter=1, batch_size=50, random_state=0
    )
    with pytest.warns(UserWarning):  # not converged after one epoch
        mlp.fit(X, y)
    assert mlp.model_.steps_per_execution == 1
    # 6 batches seen before the last one: lr = lr0 / (5 * 50 + 1) ** power_t
    expected = mlp.learning_rate_init / (5 * 50 + 1) ** mlp.power_t
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
    assert default.model_.steps_per_execution == DEFAULT_STEPS_PER_EXECUTION
    assert single.model_.steps_per_execution == 1
    # the builder's own settings survive the new compile
    assert isinstance(default.model_.optimizer, keras.optimizers.SGD)
    assert float(default.model_.optimizer.learning_rate.numpy()) == pytest.approx(0.01)
    np.testing.assert_allclose(default.predict(X), single.predict(X), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(default.history_["loss"], single.history_["loss"], rtol=1e-5)


def test_a_builders_own_steps_per_execution_is_kept(data):
    X, y = data
    reg = KerasRegressor(compiled_by_builder(steps_per_execution=4), epochs=1).fit(X, y)
    assert reg.model_.steps_per_execution == 4


def test_a_compiled_network_with_batch_callbacks_sees_every_batch(data):
    X, y = data
    reg = KerasRegressor(compiled_by_builder(), epochs=1, callbacks=[EveryBatch()])
    assert reg.fit(X, y).model_.steps_per_execution == 1
