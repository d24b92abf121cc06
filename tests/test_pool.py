"""Networks of one architecture share compiled training and prediction functions."""

import ctypes
import gc
import pickle
import sys
import threading
import warnings

import keras
import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

import skdl
from skdl import KerasClassifier, KerasRegressor, MLPRegressor, _pool


def dropout_net(meta, units=16, dropout=0.2, activation="relu"):
    return keras.Sequential(
        [
            keras.Input((meta["n_features_in_"],)),
            keras.layers.Dense(units, activation=activation),
            keras.layers.Dropout(dropout),
            keras.layers.Dense(meta["n_outputs_"], activation=meta["out_activation_"]),
        ]
    )


class Subclassed(keras.Model):
    def __init__(self, units=4, **kwargs):
        super().__init__(**kwargs)
        self.hidden = keras.layers.Dense(units, activation="relu")
        self.out = keras.layers.Dense(1)

    def call(self, x):
        return self.out(self.hidden(x))


@pytest.fixture
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(90, 5)).astype(np.float32)
    y = X @ rng.normal(size=5) + 0.1 * rng.normal(size=90)
    return X, y


@pytest.fixture(autouse=True)
def empty_pool():
    _pool.clear()
    yield
    _pool.clear()


def n_shared_trainers():
    return sum(len(free) for free in _pool._trainers._items.values())


def fit_regressor(X, y, share, **params):
    params = {"epochs": 3, "validation_split": 0.2, "random_state": 0, **params}
    with skdl.config_context(share_compiled=share):
        reg = KerasRegressor(dropout_net, **params).fit(X, y)
        return reg, reg.predict(X)


def test_shared_training_gives_the_same_results_as_own_training(data):
    X, y = data
    own, expected = fit_regressor(X, y, share=False)
    assert n_shared_trainers() == 0
    for _ in range(2):  # the first fit compiles the trainer, the second reuses it
        shared, predicted = fit_regressor(X, y, share=True)
        np.testing.assert_array_equal(predicted, expected)
        assert shared.history_ == own.history_
    assert n_shared_trainers() == 1


def test_shared_classifier_matches_own_training():
    rng = np.random.RandomState(1)
    X = rng.normal(size=(80, 4)).astype(np.float32)
    y = np.array(["a", "b", "c", "d"])[rng.randint(0, 4, 80)]
    probas = []
    for share in (False, True, True):
        with skdl.config_context(share_compiled=share):
            clf = KerasClassifier(dropout_net, epochs=2, random_state=3).fit(X, y)
            probas.append(clf.predict_proba(X))
    np.testing.assert_array_equal(probas[1], probas[0])
    np.testing.assert_array_equal(probas[2], probas[0])


def test_fresh_networks_reuse_one_trainer_and_one_prediction_function(data, count_clones):
    X, y = data
    clones = count_clones()
    for seed in range(4):
        stop = keras.callbacks.EarlyStopping(monitor="loss", patience=5)
        reg = KerasRegressor(dropout_net, epochs=1, random_state=seed).fit(X, y, callbacks=[stop])
        reg.predict(X)
        assert stop.model is reg.model_  # the callback belongs to model_ after fit
    assert clones.count(True) == 1  # one trainer, cloned at the first fit
    assert n_shared_trainers() == 1
    compiles = keras.backend.backend() in _pool.COMPILING_BACKENDS
    assert len(_pool._predictors) == (1 if compiles else 0)


@pytest.fixture
def count_clones(monkeypatch):
    """Called, starts recording the networks the pool clones (True: a trainer,
    False: for a prediction function) in the list it returns."""

    def start():
        clones, clone = [], _pool._clone

        def counted(model, compiled):
            clones.append(compiled)
            return clone(model, compiled)

        monkeypatch.setattr(_pool, "_clone", counted)
        return clones

    return start


def test_repeated_predictions_clone_at_most_once(data, count_clones):
    """A prediction function is made once per architecture, or not at all on a
    backend that runs eagerly."""
    X, y = data
    reg = KerasRegressor(dropout_net, epochs=1, random_state=0).fit(X, y)
    clones = count_clones()
    first = reg.predict(X[:1])
    for _ in range(4):
        np.testing.assert_array_equal(reg.predict(X[:1]), first)
    assert len(clones) <= 1


def test_other_live_estimators_keep_their_weights(data):
    X, y = data
    first, _ = fit_regressor(X, y, share=True, random_state=1)
    before = first.predict(X)
    fit_regressor(X, y, share=True, random_state=2)
    np.testing.assert_array_equal(first.predict(X), before)
    # and the first can keep training from its own state
    first.set_params(warm_start=True).fit(X, y)
    assert first.n_iter_ == 6


def test_learning_rates_share_a_trainer_and_keep_their_own_value(data):
    X, y = data
    results = {}
    for share in (False, True):
        for lr in (1e-3, 0.1):
            _, results[share, lr] = fit_regressor(
                X, y, share=share, optimizer__learning_rate=lr, validation_split=0.0
            )
    assert n_shared_trainers() == 1
    for lr in (1e-3, 0.1):
        np.testing.assert_array_equal(results[True, lr], results[False, lr])
    assert not np.array_equal(results[True, 1e-3], results[True, 0.1])


def test_warm_start_on_a_shared_trainer_continues_the_optimizer_state(data):
    X, y = data
    predictions = []
    for share in (False, True):
        with skdl.config_context(share_compiled=share):
            reg = KerasRegressor(dropout_net, epochs=2, warm_start=True, random_state=0)
            reg.fit(X, y).fit(X, y)
            iterations = int(reg.model_.optimizer.iterations.numpy())
            predictions.append(reg.predict(X))
    assert iterations == 4 * int(np.ceil(len(X) / 32))
    np.testing.assert_array_equal(predictions[1], predictions[0])


def test_architecture_key_ignores_names_only():
    meta = {"n_features_in_": 5, "n_outputs_": 1, "out_activation_": "linear"}
    key = _pool.architecture_key(dropout_net(meta))
    assert key is not None
    assert _pool.architecture_key(dropout_net(meta)) == key  # other layer names
    assert _pool.architecture_key(dropout_net(meta, units=17)) != key
    assert _pool.architecture_key(dropout_net(meta, activation="tanh")) != key
    assert _pool.architecture_key(dropout_net(meta, dropout=0.3)) != key
    assert _pool.architecture_key(dropout_net(dict(meta, n_features_in_=6))) != key


def test_compile_key_ignores_learning_rate_and_name_only():
    meta = {"n_features_in_": 5, "n_outputs_": 1, "out_activation_": "linear"}

    def compiled(**adam):
        model = dropout_net(meta)
        model.compile(optimizer=keras.optimizers.Adam(**adam), loss="mse")
        return _pool.compile_key(model)

    key = compiled()
    assert key == compiled(learning_rate=0.5)
    assert key != compiled(beta_1=0.5)
    model = dropout_net(meta)
    model.compile(optimizer="sgd", loss="mse")
    assert _pool.compile_key(model) != key
    model.compile(optimizer="adam", loss="mae")
    assert _pool.compile_key(model) != key


def test_losses_that_differ_in_arguments_their_config_leaves_out_are_not_shared(data):
    # Keras 3.15's Huber.get_config() has no delta: every delta shared the
    # trainer compiled for the first one, and a search over it changed nothing
    X, y = data
    y = 5 * y

    def build(delta=1.0):
        model = keras.Sequential([keras.Input((X.shape[1],)), keras.layers.Dense(1)])
        model.compile(optimizer="sgd", loss=keras.losses.Huber(delta=delta))
        return model

    for delta in (1.0, 4.0):
        reg = KerasRegressor(build, delta=delta, epochs=2, shuffle=False, random_state=0)
        losses = reg.fit(X, y).history_["loss"]
        keras.utils.set_random_seed(0)
        expected = build(delta).fit(X, y, epochs=2, shuffle=False, verbose=0).history["loss"]
        np.testing.assert_allclose(losses, expected, rtol=1e-5)


def test_lambda_layers_with_other_constants_are_not_shared(data):
    X, y = data

    def scaled(meta, scale=1.0):
        factor = float(scale)
        return keras.Sequential(
            [
                keras.Input((meta["n_features_in_"],)),
                keras.layers.Lambda(lambda x: x * factor),
                keras.layers.Dense(1),
            ]
        )

    predictions = {}
    for scale in (1.0, 100.0):
        reg = KerasRegressor(scaled, scale=scale, epochs=1, random_state=0).fit(X, y)
        with skdl.config_context(share_compiled=False):
            expected = reg.predict(X)
        np.testing.assert_array_equal(reg.predict(X), expected)
        predictions[scale] = expected
    assert not np.allclose(predictions[1.0], predictions[100.0])


SCALE = 1.0


def globally_scaled(meta):
    return keras.Sequential(
        [
            keras.Input((meta["n_features_in_"],)),
            keras.layers.Dense(4, activation=lambda x: x * SCALE),
            keras.layers.Dense(1),
        ]
    )


def test_lambda_activations_are_not_shared(data, monkeypatch):
    # a lambda's configuration is its code: what it computes depends on its
    # globals as well, so networks holding one keep their own functions
    X, y = data
    predictions = {}
    for scale in (1.0, 100.0):
        monkeypatch.setattr(sys.modules[__name__], "SCALE", scale)
        reg = KerasRegressor(globally_scaled, epochs=1, random_state=0).fit(X, y)
        assert _pool.architecture_key(reg.model_) is None
        with skdl.config_context(share_compiled=False):
            expected = reg.predict(X)
        np.testing.assert_array_equal(reg.predict(X), expected)
        predictions[scale] = expected
    assert not np.allclose(predictions[1.0], predictions[100.0])


def test_subclassed_models_train_and_predict_on_their_own(data):
    X, y = data
    reg = KerasRegressor(lambda: Subclassed(), epochs=2, random_state=0).fit(X, y)
    assert _pool.architecture_key(reg.model_) is None
    assert n_shared_trainers() == 0
    np.testing.assert_allclose(
        reg.predict(X), reg.model_.predict(X, verbose=0).ravel(), rtol=1e-6, atol=1e-6
    )


def test_a_network_training_itself_takes_the_users_1d_targets_between_fits(data):
    """skdl feeds a single output's targets as a column; on TensorFlow, the
    network's functions traced for it failed on the 1-D y of the user's own
    model_.evaluate or model_.fit ("Cannot take the length of shape with
    unknown rank"), and then skdl's next fit failed the other way round."""
    X, y = data
    reg = KerasRegressor(
        lambda: Subclassed(),
        metrics=["mae"],
        epochs=2,
        validation_split=0.2,
        warm_start=True,
        random_state=0,
    ).fit(X, y)
    for _ in range(2):
        loss, mae = reg.model_.evaluate(X, y, verbose=0)
        np.testing.assert_allclose(mae, np.abs(reg.predict(X) - y).mean(), rtol=1e-4)
        reg.model_.fit(X, y, epochs=1, verbose=0)
        reg.fit(X, y)
    assert len(reg.history_["val_loss"]) == 6
    # compiling the network anew drops the functions traced for the old loss
    reg.model_.compile(optimizer="sgd", loss="mae", metrics=["mae"])
    reg.fit(X, y, epochs=1, validation_data=(X[:1], y[:1]))
    assert reg.history_["loss"][-1] > 0.1  # the old functions logged 0.0
    assert reg.history_["loss"][-1] == pytest.approx(reg.history_["mae"][-1], rel=1e-5)
    loss, mae = reg.model_.evaluate(X, y, verbose=0)
    np.testing.assert_allclose(loss, np.abs(reg.predict(X) - y).mean(), rtol=1e-4)


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="TensorFlow's functions")
def test_warm_fits_of_a_network_training_itself_keep_their_traced_functions(data):
    X, y = data
    reg = KerasRegressor(lambda: Subclassed(), epochs=1, warm_start=True, random_state=0)
    traced = []
    for _ in range(3):
        reg.fit(X, y, validation_data=(X, y))
        reg.model_.evaluate(X, y, verbose=0)
        traced.append(reg.model_.__dict__[_pool._FIT_FUNCTIONS][1])
    assert all(functions == traced[0] for functions in traced)
    assert None not in traced[0].values()


def normalized_net(meta, shift=0.0):
    """Hands-On ML's first layer: a Normalization adapted to the data (here
    shifted), whose mean and variance live outside its variables."""
    rng = np.random.RandomState(1)
    norm = keras.layers.Normalization()
    norm.adapt(rng.normal(size=(200, meta["n_features_in_"])).astype(np.float32) + shift)
    return keras.Sequential([keras.Input((meta["n_features_in_"],)), norm, keras.layers.Dense(1)])


def test_adapted_normalization_layers_train_and_predict_on_their_own(data):
    X, y = data
    # the second network would reuse the first one's compiled functions, which
    # hold the first adaptation as constants
    for shift in (0.0, 50.0):
        results = {}
        for share in (True, False):
            with skdl.config_context(share_compiled=share):
                reg = KerasRegressor(normalized_net, shift=shift, epochs=2, random_state=0)
                reg.fit(X, y)
                results[share] = reg.history_["loss"], reg.predict(X)
        assert results[True][0] == results[False][0]
        np.testing.assert_allclose(
            results[True][1], reg.model_.predict(X, verbose=0).ravel(), rtol=1e-6, atol=1e-6
        )
    assert _pool.architecture_key(reg.model_) is None and n_shared_trainers() == 0


def test_a_model_instance_keeps_the_adaptation_of_its_normalization(data):
    X, y = data
    norm = keras.layers.Normalization()
    norm.adapt(X * 10 + 50)
    model = keras.Sequential([keras.Input((X.shape[1],)), norm, keras.layers.Dense(1)])
    with skdl.config_context(share_compiled=False):  # the copy made for the fit only
        reg = KerasRegressor(model, epochs=1, random_state=0).fit(X, y)
    normalized = keras.ops.convert_to_numpy(reg.model_.layers[0](X * 10 + 50))
    np.testing.assert_allclose(normalized.mean(axis=0), 0, atol=1e-4)
    np.testing.assert_allclose(normalized.std(axis=0), 1, atol=1e-3)


class Scale(keras.layers.Layer):
    """A user's layer whose get_config() leaves out its argument."""

    def __init__(self, factor=1.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, x):
        return x * self.factor


def scaled_net(meta):
    return keras.Sequential(
        [keras.Input((meta["n_features_in_"],)), keras.layers.Dense(1), Scale(100.0)]
    )


def test_networks_with_a_users_layer_train_and_predict_on_their_own(data):
    # a clone rebuilt from the configuration would scale by 1, not 100
    X, y = data
    results = {}
    for share in (False, True):
        with skdl.config_context(share_compiled=share):
            reg = KerasRegressor(scaled_net, epochs=2, random_state=0).fit(X, y)
            results[share] = reg.history_["loss"], reg.predict(X)
    assert _pool.architecture_key(reg.model_) is None
    assert n_shared_trainers() == 0
    assert results[True][0] == results[False][0]
    np.testing.assert_allclose(
        results[True][1], reg.model_.predict(X, verbose=0).ravel(), rtol=1e-6, atol=1e-6
    )


def test_predictions_follow_a_network_changed_the_keras_way(data):
    """Keras' transfer-learning idiom on model_: pop the head, add another
    (then compile), or change a layer in place and compile. The shared
    prediction function of the old architecture went on computing it."""
    X, y = data
    reg = KerasRegressor(dropout_net, epochs=2, random_state=0).fit(X, y)
    reg.predict(X)
    head = reg.model_.layers[-1]
    reg.model_.pop()
    relu = keras.layers.Dense(1, activation="relu")
    reg.model_.add(relu)
    relu.set_weights(head.get_weights())
    np.testing.assert_allclose(
        reg.predict(X), keras.ops.convert_to_numpy(reg.model_(X)).ravel(), atol=1e-6
    )
    assert reg.predict(X).min() == 0.0
    reg.model_.compile(optimizer="adam", loss="mse")
    reg.partial_fit(X, y)
    np.testing.assert_allclose(
        reg.predict(X), keras.ops.convert_to_numpy(reg.model_(X)).ravel(), atol=1e-6
    )
    reg.model_.layers[0].activation = keras.activations.get("tanh")
    reg.model_.compile(optimizer="adam", loss="mse")
    np.testing.assert_allclose(
        reg.predict(X), keras.ops.convert_to_numpy(reg.model_(X)).ravel(), atol=1e-6
    )


def test_the_network_keeps_the_history_of_its_fit_as_in_keras(data):
    """Keras' fit leaves its History on the network (model.history); it was
    left on the shared compiled copy, which then held the last network trained."""
    X, y = data
    reg = KerasRegressor(dropout_net, epochs=2, random_state=0).fit(X, y)
    assert n_shared_trainers() == 1
    assert reg.model_.history.model is reg.model_
    assert reg.model_.history.history["loss"] == reg.history_["loss"]
    trainers = [t for free in _pool._trainers._items.values() for t in free]
    assert all(getattr(t, "history", None) is None for t in trainers)


def test_shared_prediction_equals_keras_predict(data):
    X, y = data
    reg = KerasRegressor(dropout_net, epochs=1, random_state=0).fit(X, y)
    np.testing.assert_allclose(
        reg.predict(X), reg.model_.predict(X, verbose=0).ravel(), rtol=1e-6, atol=1e-6
    )


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="TensorFlow's functions")
def test_networks_of_one_architecture_predict_through_one_traced_function(data):
    """An array goes straight to the traced function of its shape and dtype
    (no dispatch over the traces), and each network predicts with its own
    weights through it, at any batch size."""
    X, y = data
    fitted = [
        KerasRegressor(dropout_net, epochs=1, random_state=seed).fit(X, y) for seed in range(3)
    ]
    predictions = [reg.predict(X) for reg in fitted]
    for reg in fitted:
        for batch_size in (256, 7):
            reg.set_params(predict__batch_size=batch_size)
            np.testing.assert_allclose(
                reg.predict(X), reg.model_.predict_on_batch(X).ravel(), rtol=1e-6, atol=1e-6
            )
            np.testing.assert_array_equal(reg.predict(X[:1]), reg.predict(X)[:1])
    (shared,) = _pool._predictors.values()
    assert sorted(shape for shape, _ in shared.concrete) == [(7, 5), (256, 5)]
    assert shared.function.experimental_get_tracing_count() == 2
    # where functions run eagerly (to debug), the prediction does too
    import tensorflow as tf

    calls = []
    shared.function = lambda values, x: calls.append(x.shape) or fitted[0].model_(x)
    tf.config.run_functions_eagerly(True)
    try:
        np.testing.assert_allclose(fitted[0].predict(X), predictions[0], rtol=1e-6)
    finally:
        tf.config.run_functions_eagerly(False)
    assert calls == [(7, 5)] * 13


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="TensorFlow's warning")
def test_new_architectures_do_not_log_retracing_warnings(data, caplog):
    X, y = data
    fitted = [
        KerasRegressor(dropout_net, units=units, epochs=1).fit(X, y) for units in range(2, 9)
    ]
    caplog.clear()
    for reg in fitted:
        reg.predict(X)
    assert len(_pool._predictors) == len(fitted)
    assert not [r for r in caplog.records if "retracing" in r.getMessage()]


@pytest.fixture
def retracing_warnings(caplog, monkeypatch):
    """A function listing TensorFlow's retracing warnings logged since the test
    began, counted afresh (TensorFlow warns twice per process at most)."""
    from tensorflow.python.eager.polymorphic_function import polymorphic_function

    fresh = polymorphic_function._FrequentTracingDetectorManager()
    monkeypatch.setattr(polymorphic_function, "_frequent_tracing_detector_manager", fresh)
    caplog.clear()
    return lambda: [r for r in caplog.records if "retracing" in r.getMessage()]


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="TensorFlow's warning")
def test_training_new_architectures_logs_no_retracing_warning(data, retracing_warnings):
    X, y = data
    for units in range(2, 9):  # a search over architectures, with validation
        KerasRegressor(dropout_net, units=units, epochs=1, validation_split=0.2).fit(X, y)
    assert not retracing_warnings()


class TwoDense(keras.Model):
    """A subclassed network: trained and predicted through Keras' own functions."""

    def __init__(self, units=4, **kwargs):
        super().__init__(**kwargs)
        self.hidden, self.out = keras.layers.Dense(units), keras.layers.Dense(1)

    def call(self, x):
        return self.out(self.hidden(x))


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="TensorFlow's warning")
def test_predicting_with_unshared_networks_logs_no_retracing_warning(data, retracing_warnings):
    X, y = data
    fitted = [KerasRegressor(TwoDense, epochs=1).fit(X, y) for _ in range(7)]  # 7 folds, say
    assert _pool.architecture_key(fitted[0].model_) is None  # not shared
    for reg in fitted:
        reg.predict(X)
    assert not retracing_warnings()


def test_failed_fit_returns_the_trainer(data):
    X, y = data
    reg = KerasRegressor(dropout_net, epochs=3, optimizer="sgd", random_state=0)
    with pytest.raises(ValueError, match="diverged"):
        reg.set_params(optimizer__learning_rate=1e6).fit(X * 1e6, y * 1e6)
    assert n_shared_trainers() == 1
    reg.set_params(optimizer__learning_rate=1e-3).fit(X, y)
    assert np.isfinite(reg.predict(X)).all()
    assert n_shared_trainers() == 1


def test_concurrent_fits_of_one_architecture(data):
    X, y = data
    expected = {seed: fit_regressor(X, y, share=False, random_state=seed)[1] for seed in (0, 1)}
    results = {}

    def fit(seed):
        results[seed] = KerasRegressor(
            dropout_net, epochs=3, validation_split=0.2, random_state=seed
        ).fit(X, y)

    threads = [threading.Thread(target=fit, args=(seed,)) for seed in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for seed in (0, 1):
        np.testing.assert_array_equal(results[seed].predict(X), expected[seed])


def sized_net(meta, units=8):
    return keras.Sequential([keras.Input((meta["n_features_in_"],)),
                             keras.layers.Dense(units, activation="relu"),
                             keras.layers.Dense(meta["n_outputs_"])])  # fmt: skip


def run_in_threads(*jobs):
    threads = [threading.Thread(target=job, daemon=True) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not any(thread.is_alive() for thread in threads)


def test_a_seeded_fit_beside_first_predictions_of_other_networks(data):
    # a first prediction clones the network for the shared predictor, keeping
    # the global random state as it found it: restored beside a seeded fit in
    # another thread, it put that fit's random state back where it was
    X, y = data

    def seeded():
        return KerasRegressor(sized_net, epochs=3, random_state=0).fit(X, y).predict(X[:5])

    expected = seeded()
    others = [KerasRegressor(sized_net, units=20 + k, epochs=1).fit(X[:20], y[:20])
              for k in range(12)]  # fmt: skip
    got = {}
    run_in_threads(
        lambda: [other.predict(X[:5]) for other in others],
        lambda: got.setdefault("seeded", seeded()),
    )
    np.testing.assert_array_equal(got["seeded"], expected)


def test_a_pickle_taken_beside_a_first_prediction_keeps_training(data):
    # the clone for the shared predictor turned the model's compiled flag off
    # for a moment, and a pickle taken then saved an uncompiled network
    X, y = data
    for units in (31, 32, 33):
        est, pickled = KerasRegressor(sized_net, units=units, epochs=1).fit(X, y), []
        run_in_threads(
            lambda est=est: est.predict(X[:5]),
            lambda est=est, pickled=pickled: pickled.append(pickle.dumps(est)),
        )
        pickle.loads(pickled[0]).partial_fit(X, y)


def test_fits_in_threads_of_one_compiled_model_keep_its_compile_settings(data):
    # each fit copies the user's model, whose compiled flag another fit's copy
    # had turned off for a moment: those trained with skdl's defaults
    X, y = data
    model = keras.Sequential([keras.Input((X.shape[1],)), keras.layers.Dense(4),
                              keras.layers.Dense(1)])  # fmt: skip
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mae")
    fitted = []
    run_in_threads(*[lambda: fitted.append(KerasRegressor(model, epochs=1).fit(X, y))] * 6)
    assert len(fitted) == 6
    for est in fitted:
        assert isinstance(est.model_.optimizer, keras.optimizers.SGD)
        assert est.model_._compile_config.config["loss"] == "mae"


def test_pool_keeps_at_most_shared_models(data):
    X, y = data
    with skdl.config_context(shared_models=2):
        for units in (3, 4, 5):
            KerasRegressor(dropout_net, units=units, epochs=1).fit(X, y)
        assert n_shared_trainers() == 2
    with skdl.config_context(shared_models=0):
        KerasRegressor(dropout_net, units=6, epochs=1).fit(X, y)
        assert n_shared_trainers() == 0


def test_taking_turns_with_more_architectures_than_the_pool_keeps_stops_cloning(
    data, count_clones
):
    """Networks of 3 architectures used in turn with a pool of 2 missed at every
    call: each cloned and traced a new copy (a partial_fit took twice as long,
    a prediction 50 to 500 times; TensorFlow kept every trace, and the memory
    grew without limit). Once evicted, a network goes on with its own."""
    X, y = data
    with skdl.config_context(shared_models=2):
        regs = [KerasRegressor(dropout_net, units=u, epochs=1).fit(X, y) for u in (3, 4, 5)]
        for reg in regs:
            reg.predict(X)
        clones = count_clones()
        for _ in range(3):
            for reg in regs:
                expected = keras.ops.convert_to_numpy(reg.model_(X, training=False)).ravel()
                np.testing.assert_allclose(reg.predict(X), expected, rtol=1e-5)
            for reg in regs:
                reg.partial_fit(X, y)
        assert clones == []
        # a fresh network of an evicted architecture still gets a shared copy
        KerasRegressor(dropout_net, units=3, epochs=1).fit(X, y).predict(X)
        assert clones == [True, False]


def test_mlp_early_stopping_scores_the_weights_being_trained(data):
    X, y = data
    fitted = []
    for share in (False, True):
        with skdl.config_context(share_compiled=share):
            mlp = MLPRegressor(
                hidden_layer_sizes=(8,),
                early_stopping=True,
                max_iter=6,
                n_iter_no_change=2,
                random_state=0,
            )
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                fitted.append(mlp.fit(X, y))
    assert fitted[1].validation_scores_ == fitted[0].validation_scores_
    np.testing.assert_array_equal(fitted[1].predict(X), fitted[0].predict(X))


def resident_mb():
    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) / 1024 for line in fh if line.startswith("VmRSS:"))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc and glibc")
@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="TensorFlow's caches")
def test_memory_stays_flat_over_fresh_fits(data, monkeypatch):
    # A loose guard, measured on Linux/TensorFlow: 32 fresh fits grow the process by
    # ~5 MB; ~18 MB without clearing the kernel cache, ~150 MB without sharing.
    monkeypatch.setattr(_pool, "KERNEL_CACHE_PERIOD", 8)
    X, y = data
    for _ in range(3):
        KerasRegressor(hidden_layer_sizes=(30,), epochs=2).fit(X, y).predict(X)
    before = resident_mb()
    for _ in range(32):
        KerasRegressor(hidden_layer_sizes=(30,), epochs=2).fit(X, y).predict(X)
    assert resident_mb() - before < 12


def test_clearing_the_kernel_cache_keeps_live_estimators_and_seeds(data, monkeypatch):
    monkeypatch.setattr(_pool, "KERNEL_CACHE_PERIOD", 1)  # clear after every fresh network
    X, y = data
    first, expected = fit_regressor(X, y, share=True)
    again, predicted = fit_regressor(X, y, share=True)
    np.testing.assert_array_equal(predicted, expected)
    np.testing.assert_array_equal(first.predict(X), expected)
    assert again.history_ == first.history_


def test_a_prediction_beside_the_first_one_shares_too(data, monkeypatch):
    """A network predicting in two threads at once, the first time: the
    second thread found the network marked as seen before the shared
    function existed, and traced the network's own."""
    X, y = data
    _pool.clear()
    reg = KerasRegressor(dropout_net, units=11, epochs=1, random_state=0).fit(X, y)
    real, beside, calls = _pool._clone, [], []

    def clone_while_another_thread_predicts(model, compiled):
        calls.append(compiled)
        if len(calls) == 1:  # the first prediction's copy: the other begins
            thread = threading.Thread(target=lambda: beside.append(reg.predict(X)))
            thread.start()
            thread.join(30)
        return real(model, compiled)

    monkeypatch.setattr(_pool, "_clone", clone_while_another_thread_predicts)
    first = reg.predict(X)
    np.testing.assert_array_equal(beside[0], first)
    assert calls == [False, False]  # each made a copy to share (one is kept)
    assert reg.model_.predict_function is None  # and traced none of its own


class _FreezeFirstLayer(keras.callbacks.Callback):
    """Freezes the first layer once trained (for the fits after this one)."""

    def on_train_begin(self, logs=None):
        self.trained = self.model

    def on_train_end(self, logs=None):
        self.model.layers[0].trainable = False


def test_a_callback_that_changes_the_network_changes_the_estimators_own(data):
    """A callback of the user's froze a layer of the shared compiled copy: the
    estimator's network showed it trainable, and every later estimator of the
    same architecture trained with it frozen."""
    X, y = data
    freeze = _FreezeFirstLayer()
    first = KerasRegressor(hidden_layer_sizes=(8,), epochs=2, random_state=0)
    first.fit(X, y, callbacks=[freeze])
    assert freeze.trained is first.model_  # as in Keras: the network itself
    assert not first.model_.layers[0].trainable
    later = KerasRegressor(hidden_layer_sizes=(8,), epochs=2, random_state=0).fit(X, y)
    fresh = KerasRegressor(hidden_layer_sizes=(8,), epochs=2, random_state=0)
    kernel = later.model_.layers[0].kernel.numpy()
    with skdl.config_context(share_compiled=False):
        alone = fresh.fit(X, y).model_.layers[0].kernel.numpy()
    np.testing.assert_allclose(kernel, alone, rtol=1e-6)
