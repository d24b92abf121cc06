"""Shared machinery: parameters, routing into Keras, fit arguments, seeding."""

import pickle
import random
import warnings

import keras
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import sklearn
from sklearn.base import clone
from sklearn.compose import make_column_transformer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skdl import (
    AutoencoderTransformer,
    KerasClassifier,
    KerasRegressor,
    MLPClassifier,
    MLPRegressor,
    WideAndDeepClassifier,
    WideAndDeepRegressor,
)


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(80, 4))
    return X, X @ np.array([1.0, -2.0, 0.5, 0.0])


@pytest.mark.parametrize("Estimator", [KerasRegressor, WideAndDeepRegressor, MLPRegressor])
@pytest.mark.parametrize("sizes", [(8, 0), (8, 2.5), (8, True), ("8",), "8"])
def test_hidden_layer_sizes_must_be_positive_integers(data, Estimator, sizes):
    X, y = data
    training = {"max_iter": 1} if Estimator is MLPRegressor else {"epochs": 1}
    with pytest.raises(ValueError, match="hidden_layer_sizes"):
        Estimator(hidden_layer_sizes=sizes, **training).fit(X, y)


def test_hidden_layer_sizes_may_be_one_int(data):
    X, y = data
    reg = KerasRegressor(hidden_layer_sizes=5, epochs=1).fit(X, y)
    assert [layer.units for layer in reg.model_.layers] == [5, 1]


def test_init_stores_parameters_verbatim():
    callbacks = [keras.callbacks.EarlyStopping(patience=2)]
    reg = KerasRegressor(optimizer="sgd", callbacks=callbacks, optimizer__momentum=0.9)
    assert reg.callbacks is callbacks
    assert reg.get_params()["optimizer__momentum"] == 0.9


def test_clone_keeps_every_setting():
    reg = KerasRegressor(
        epochs=7,
        batch_size=16,
        verbose=0,
        optimizer__learning_rate=0.1,
        fit__validation_freq=1,
        hidden_layer_sizes=(3,),
        random_state=5,
    )
    params = clone(reg).get_params()
    assert params == reg.get_params()


def test_clone_of_a_fitted_estimator_with_metadata_requests_copies_no_network(data):
    # the requests name their estimator: the clone must not copy it, fitted
    # network included (which a deep copy would save and load)
    X, y = data

    def build(meta):
        inputs = keras.Input((meta["n_features_in_"],))
        return keras.Model(
            inputs, keras.layers.Dense(1)(keras.layers.Lambda(lambda t: 2 * t)(inputs))
        )

    with sklearn.config_context(enable_metadata_routing=True):
        reg = KerasRegressor(build, epochs=1).fit(X, y)
        reg.set_fit_request(sample_weight=True, epochs=False)
        copy = clone(reg)
        requests = copy.get_metadata_routing().fit.requests
        assert requests == reg.get_metadata_routing().fit.requests
        assert requests["sample_weight"] is True and requests["epochs"] is False
        assert requests["validation_data"] is True  # the Keras arguments' default
        assert "model_" not in vars(copy)


def build_small(meta, n_units=4):
    return keras.Sequential([keras.Input((meta["n_features_in_"],)), keras.layers.Dense(n_units),
                             keras.layers.Dense(1)])  # fmt: skip


def build_big(meta, n_units=64):
    return build_small(meta, n_units)


def test_clone_leaves_builder_defaults_unset():
    # a builder argument left at its default is not a setting: after clone, a
    # new builder brings its own defaults, as it does on the original
    copy = clone(KerasRegressor(build_small)).set_params(model=build_big)
    assert copy.get_params()["n_units"] == 64
    # and the default network's arguments do not follow another builder around
    copy = clone(KerasRegressor()).set_params(model=build_small)
    assert "hidden_layer_sizes" not in copy.get_params()
    # set ones are kept
    copy = clone(KerasRegressor(build_small, n_units=7)).set_params(model=build_big)
    assert copy.get_params()["n_units"] == 7


def build_plain(meta):
    return keras.Sequential([keras.Input((meta["n_features_in_"],)), keras.layers.Dense(1)])


def test_setting_the_listed_parameters_changes_nothing(data):
    # set_params(**get_params()) is a no-op, as for scikit-learn's estimators:
    # the builder defaults that get_params lists stay defaults
    X, y = data
    reg = KerasRegressor(build_small, epochs=1)
    reg.set_params(**reg.get_params())
    assert repr(reg) == repr(KerasRegressor(build_small, epochs=1))
    assert reg.set_params(model=build_big).get_params()["n_units"] == 64
    pipe = make_pipeline(StandardScaler(), KerasRegressor(build_small, epochs=1))
    pipe.set_params(**pipe.get_params(deep=True))
    pipe.set_params(kerasregressor__model=build_plain).fit(X, y)  # takes no n_units
    # a value other than the default, or of another type, is a setting
    reg = KerasRegressor(build_small).set_params(n_units=5, model=build_big)
    assert reg.get_params()["n_units"] == 5
    assert "n_units=4.0" in repr(KerasRegressor(build_small).set_params(n_units=4.0))
    # and clones keep what was set, a default value included
    copy = clone(KerasRegressor(build_small, n_units=4)).set_params(model=build_big)
    assert copy.get_params()["n_units"] == 4


def test_optimizer_routing_reaches_keras(data):
    X, y = data
    reg = KerasRegressor(
        optimizer="sgd", optimizer__learning_rate=0.05, optimizer__momentum=0.9, epochs=1
    ).fit(X, y)
    opt = reg.model_.optimizer
    assert isinstance(opt, keras.optimizers.SGD)
    assert opt.learning_rate.numpy() == pytest.approx(0.05)
    assert opt.momentum == pytest.approx(0.9)


def test_optimizer_instance_is_copied(data):
    X, y = data
    opt = keras.optimizers.Adam(learning_rate=0.03)
    reg = KerasRegressor(optimizer=opt, optimizer__beta_1=0.8, epochs=1).fit(X, y)
    assert reg.model_.optimizer is not opt
    assert reg.model_.optimizer.beta_1 == pytest.approx(0.8)
    assert reg.model_.optimizer.learning_rate.numpy() == pytest.approx(0.03)


class ScaledMSE(keras.losses.Loss):
    """A user's loss whose get_config() leaves out its argument."""

    def __init__(self, factor=1.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, y_true, y_pred):
        return self.factor * keras.ops.mean(keras.ops.square(y_true - y_pred), axis=-1)


class CompleteScaledMSE(ScaledMSE):
    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


class CountAbove(keras.metrics.Metric):
    def __init__(self, threshold=0.5, name="count_above", **kwargs):
        super().__init__(name=name, **kwargs)
        self.threshold = threshold
        self.count = self.add_variable(shape=(), initializer="zeros", name="count")

    def update_state(self, y_true, y_pred, sample_weight=None):
        above = keras.ops.cast(y_pred > self.threshold, "float32")
        self.count.assign_add(keras.ops.sum(above))

    def result(self):
        return keras.ops.convert_to_tensor(self.count)


@keras.saving.register_keras_serializable(package="skdl_tests")
class BoostedSGD(keras.optimizers.SGD):
    def __init__(self, boost=1.0, **kwargs):
        super().__init__(**kwargs)
        self.boost = boost


def test_a_users_loss_instance_keeps_its_arguments(data):
    X, y = data
    losses = [
        KerasRegressor(loss=loss, epochs=1, random_state=0).fit(X, y).history_["loss"][0]
        for loss in (CompleteScaledMSE(), CompleteScaledMSE(factor=1000.0))
    ]
    assert losses[1] == pytest.approx(1000 * losses[0], rel=1e-4)


@pytest.mark.parametrize(
    "params, left_out",
    [
        ({"loss": ScaledMSE(factor=1000.0)}, "factor"),
        ({"metrics": [CountAbove(threshold=-1e9)]}, "threshold"),
        ({"optimizer": BoostedSGD(boost=2.0)}, "boost"),
    ],
)
def test_a_users_instance_whose_config_loses_an_argument_is_refused(data, params, left_out):
    # each fit gets a new object made from get_config(): a left-out argument
    # would silently take its default
    X, y = data
    with pytest.raises(ValueError, match=rf"get_config\(\) leaves out '{left_out}'"):
        KerasRegressor(epochs=1, **params).fit(X, y)
    default = {k: [type(v[0])()] if isinstance(v, list) else type(v)() for k, v in params.items()}
    KerasRegressor(epochs=1, **default).fit(X, y)  # the default value comes back: no error


def _side_by_side(X, y, loss, metrics=None, **params):
    """Two epochs' history: skdl's, and plain Keras' for the same network and settings."""

    def build():
        return keras.Sequential([keras.Input((X.shape[1],)), keras.layers.Dense(1)])

    keras.utils.set_random_seed(0)
    model = build()
    model.compile(optimizer="sgd", loss=loss, metrics=metrics)
    expected = model.fit(X, y, epochs=2, shuffle=False, verbose=0).history
    reg = KerasRegressor(
        build, optimizer="sgd", loss=loss, metrics=metrics, epochs=2, shuffle=False, random_state=0
    )
    return reg.set_params(**params).fit(X, y).history_, expected


def test_keras_losses_and_metrics_keep_the_arguments_their_config_leaves_out(data):
    # Keras 3.15's Huber.get_config() has no delta, CosineSimilarity's no axis:
    # each fit's copy trained with delta=1.0 and measured along the last axis
    X, y = data
    y = 5 * y
    metric = keras.metrics.CosineSimilarity(axis=0)
    history, expected = _side_by_side(X, y, keras.losses.Huber(delta=4.0), [metric])
    for key in ("loss", "cosine_similarity"):
        np.testing.assert_allclose(history[key], expected[key], rtol=1e-5)
    default, _ = _side_by_side(X, y, keras.losses.Huber())
    assert not np.allclose(history["loss"], default["loss"])
    # a routed argument still overrides the instance's
    routed, _ = _side_by_side(X, y, keras.losses.Huber(delta=4.0), loss__delta=2.0)
    _, expected = _side_by_side(X, y, keras.losses.Huber(delta=2.0))
    np.testing.assert_allclose(routed["loss"], expected["loss"], rtol=1e-5)


def test_copies_of_keras_losses_and_metrics_keep_their_functions_arguments(data, tmp_path):
    # Keras copies them through get_config(): clone (deepcopy), pickle, a
    # search's candidate values and a saved model got delta=1.0 and axis=-1
    from sklearn.model_selection import GridSearchCV

    X, y = data
    reg = KerasRegressor(
        loss=keras.losses.Huber(delta=0.1),
        metrics=[keras.metrics.CosineSimilarity(axis=0)],
        epochs=2,
        random_state=0,
    )
    for copied in (clone(reg), pickle.loads(pickle.dumps(reg))):
        assert copied.loss._fn_kwargs["delta"] == 0.1
        assert copied.metrics[0]._fn_kwargs["axis"] == 0
    history = reg.fit(X, y).history_
    cloned = clone(reg).fit(X, y).history_
    for key in ("loss", "cosine_similarity"):
        np.testing.assert_allclose(cloned[key], history[key], rtol=1e-6)
    reg.model_.save(tmp_path / "model.keras")
    assert keras.models.load_model(tmp_path / "model.keras").loss._fn_kwargs["delta"] == 0.1
    deltas = [0.1, 5.0]
    search = GridSearchCV(
        KerasRegressor(epochs=2, random_state=0),
        {"loss": [keras.losses.Huber(delta=d) for d in deltas]},
        cv=2,
    ).fit(X, y)
    scores = search.cv_results_["mean_test_score"]
    assert scores[0] != scores[1]


def test_a_compiled_model_instance_with_a_users_optimizer_is_checked_too(data):
    X, y = data
    model = keras.Sequential([keras.Input((X.shape[1],)), keras.layers.Dense(1)])
    model.compile(optimizer=BoostedSGD(boost=2.0), loss="mse")
    with pytest.raises(ValueError, match="get_config\\(\\) leaves out 'boost'"):
        KerasRegressor(model, epochs=1).fit(X, y)


def mean_absolute(y_true, y_pred):
    return keras.ops.mean(keras.ops.abs(y_true - y_pred), axis=-1)


class Halving(keras.optimizers.schedules.LearningRateSchedule):
    """A user's learning rate schedule, not registered with Keras."""

    def __init__(self, initial=0.1):
        self.initial = initial

    def __call__(self, step):
        return self.initial * 0.5 ** keras.ops.cast(step, "float32")

    def get_config(self):
        return {"initial": self.initial}


USERS_OBJECTS = {
    "loss function": lambda: {"loss": mean_absolute},
    "loss class": lambda: {"loss": CompleteScaledMSE(factor=2.0)},
    "metrics": lambda: {"loss": "mse", "metrics": [mean_absolute, CountAbove()]},
    "schedule": lambda: {"loss": "mse", "optimizer": keras.optimizers.SGD(Halving(0.05))},
}


@pytest.mark.parametrize("given", ["compiled model", "parameters"])
@pytest.mark.parametrize("kind", sorted(USERS_OBJECTS))
def test_the_users_unregistered_objects_in_compile_settings(data, kind, given):
    # Keras' clone_model compiled the copy of a compiled model from its
    # serialized settings, and an optimizer's copy read its schedule from its
    # config: both find a function or class by name only where registered
    X, y = data
    settings = {"optimizer": "adam", **USERS_OBJECTS[kind]()}
    if given == "compiled model":
        model = keras.Sequential([keras.Input((X.shape[1],)), keras.layers.Dense(1)])
        model.compile(**settings)
        reg = KerasRegressor(model, epochs=2, random_state=0)
    else:
        reg = KerasRegressor(**settings, epochs=2, random_state=0)
    fitted = clone(reg).fit(X, y)
    assert len(fitted.history_["loss"]) == 2
    if kind == "metrics":
        assert {"mean_absolute", "count_above"} <= set(fitted.history_)
    np.testing.assert_array_equal(clone(reg).fit(X, y).predict(X), fitted.predict(X))


def test_metric_objects_are_made_anew_for_each_fit(data):
    # a compiled model's AUC, and one in a dict of metrics by output, kept its
    # counts across fits and shared them with the object given
    X, y = data
    given = keras.metrics.AUC(name="auc")
    model = keras.Sequential([keras.Input((X.shape[1],)), keras.layers.Dense(1, "sigmoid")])
    model.compile("adam", "binary_crossentropy", metrics=[given])
    inputs = keras.Input((X.shape[1],))
    named = keras.Model(inputs, keras.layers.Dense(1, "sigmoid", name="out")(inputs))
    estimators = [
        KerasClassifier(model, epochs=1, random_state=0),
        KerasClassifier(
            named, loss="binary_crossentropy", metrics={"out": [given]}, epochs=1, random_state=0
        ),
    ]
    before = [v.numpy().copy() for v in given.variables]
    for clf in estimators:
        fitted = [clone(clf).fit(X, y > 0) for _ in range(2)]
        assert fitted[0].history_["auc"] == fitted[1].history_["auc"]
        used = [m for f in fitted for m in keras.tree.flatten(f.model_._compile_config.config)]
        assert given not in used
    assert all(np.array_equal(b, v.numpy()) for b, v in zip(before, given.variables))


@pytest.mark.parametrize(
    "params, match",
    [
        ({"optimizer__nope": 1}, "optimizer__nope: not an argument of Adam"),
        ({"optimizer": "adamm"}, "optimizer='adamm' is not a Keras optimizer"),
        ({"loss": "msee"}, "loss='msee' is not a Keras loss"),
        ({"loss": "mse", "loss__nope": 1}, "loss__ parameters need a loss class"),
        ({"epochs": 0}, "epochs"),
        ({"batch_size": 2.5}, "batch_size"),
        ({"loss": 3}, "loss=3 is not a loss: pass a name such as 'mse'"),
        ({"metrics": ["nope"]}, "metrics: 'nope' is not a Keras metric; use a name such as"),
        ({"metrics": ["mae", 3]}, "metrics: 3 is not a metric"),
        ({"activation": "nope"}, "activation='nope' is not an activation: use a name of Keras"),
        # routed Keras arguments with a range: Keras takes these without a word
        # (epochs=0 trains nothing, a negative rate climbs the loss) or fails
        # deep inside
        ({"fit__epochs": 0}, "'fit__epochs' parameter of KerasRegressor must be an int"),
        ({"fit__batch_size": -5}, "'fit__batch_size' parameter of KerasRegressor"),
        ({"fit__shuffle": "x"}, "'fit__shuffle' parameter"),
        ({"fit__validation_split": -0.5}, "'fit__validation_split' parameter"),
        ({"fit__initial_epoch": -1}, "'fit__initial_epoch' parameter"),
        # Keras' fit trains nothing from an initial_epoch at or past epochs
        ({"fit__initial_epoch": 5}, "^initial_epoch=5 leaves no epoch to train"),
        ({"predict__batch_size": 0}, "'predict__batch_size' parameter of KerasRegressor"),
        ({"compile__steps_per_execution": 0}, "'compile__steps_per_execution' parameter"),
        (
            {"optimizer__learning_rate": -1},
            r"'optimizer__learning_rate' parameter .* \(0.0, inf\)",
        ),
        ({"optimizer__learning_rate": 0}, "'optimizer__learning_rate' parameter"),
        # a schedule's class is callable, as its instances are: it failed inside training
        (
            {"optimizer__learning_rate": keras.optimizers.schedules.ExponentialDecay},
            r"^optimizer__learning_rate=ExponentialDecay is a class: pass a number or a "
            r"schedule instance",
        ),
        # numbers as strings (from a configuration file): Keras failed inside
        # training, without naming the argument
        (
            {"optimizer__beta_1": "0.9"},
            r"^optimizer__beta_1='0.9': Adam takes a number for beta_1 \(default 0.9\)",
        ),
        ({"optimizer__weight_decay": "1e-4"}, "^optimizer__weight_decay='1e-4': Adam takes"),
        ({"loss": keras.losses.Huber, "loss__delta": "2"}, "^loss__delta='2': Huber takes"),
        (
            {"metrics": [keras.metrics.AUC], "metrics__0__num_thresholds": "50"},
            "^metrics__0__num_thresholds='50': AUC takes a number",
        ),
        # the name the user routed, with its index (it was named without)
        (
            {"callbacks": [keras.callbacks.EarlyStopping], "callbacks__0__patiense": 2},
            "^callbacks__0__patiense: not an argument of EarlyStopping",
        ),
        (
            {"metrics": ["mae", keras.metrics.AUC], "metrics__1__curv": "PR"},
            "^metrics__1__curv: not an argument of AUC",
        ),
    ],
)
def test_bad_parameters_are_explained(data, params, match):
    X, y = data
    reg = KerasRegressor(**params)
    with pytest.raises((ValueError, TypeError), match=match):
        reg.fit(X, y)
    assert not hasattr(reg, "model_")


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"epochs": 0}, "'epochs' parameter of KerasRegressor.fit must be an int"),
        ({"epochs": "x"}, "'epochs' parameter of KerasRegressor.fit"),
        ({"validation_split": -1}, "'validation_split' parameter of KerasRegressor.fit"),
        ({"validation_batch_size": 0}, "'validation_batch_size' parameter"),
        ({"steps_per_epoch": 0}, "'steps_per_epoch' parameter"),
        ({"class_weight": "nope"}, "'class_weight' parameter of KerasRegressor.fit"),
        ({"initial_epoch": 1}, r"^initial_epoch=1 .* up to epochs=1, so initial_epoch must"),
    ],
)
def test_bad_fit_arguments_are_explained(data, kwargs, match):
    X, y = data
    with pytest.raises(ValueError, match=match):
        KerasRegressor().fit(X, y, **kwargs)


def test_routed_values_that_keras_takes_pass_the_checks(data):
    X, y = data
    schedule = keras.optimizers.schedules.ExponentialDecay(0.01, decay_steps=10, decay_rate=0.9)
    reg = KerasRegressor(
        optimizer__learning_rate=schedule,
        fit__batch_size=None,  # Keras' default
        predict__batch_size=None,  # skdl's default
        compile__steps_per_execution=np.int64(2),
        fit__validation_freq=2,
        epochs=2,
    ).fit(X, y, initial_epoch=1, validation_split=0.2)
    assert reg.n_iter_ == 1
    assert reg.predict(X).shape == (len(X),)
    # set after fit, a bad chunk size is refused at predict, where fit did not see it
    with pytest.raises(ValueError, match="'predict__batch_size' parameter"):
        reg.set_params(predict__batch_size=1.5).predict(X)


def test_compile_and_metrics_routing(data):
    X, y = data
    reg = KerasRegressor(
        metrics=["mae", keras.metrics.RootMeanSquaredError],
        metrics__name="my_rmse",
        compile__jit_compile=False,
        epochs=2,
    ).fit(X, y)
    assert {"loss", "mae", "my_rmse"} <= set(reg.history_)
    assert len(reg.history_["loss"]) == 2


def test_metrics_made_from_classes_keep_their_names_from_fit_to_fit(data):
    """Keras numbers the instances of a class in the process: the keys of
    history_ were auc_15, auc_16, ... from one fit to the next."""
    X, y = data
    reg = KerasRegressor(
        metrics=[keras.metrics.MeanAbsoluteError, "mae", keras.metrics.RootMeanSquaredError],
        metrics__2__name="rmse",
        epochs=1,
    )
    for _ in range(2):
        assert set(reg.fit(X, y).history_) == {"loss", "mean_absolute_error", "mae", "rmse"}
    # numbered within the list only; a name given with arguments stays the key
    reg = KerasRegressor(
        metrics=[keras.metrics.MeanSquaredError, keras.metrics.MeanSquaredError, "R2Score"],
        metrics__2__class_aggregation="variance_weighted_average",
        epochs=1,
    )
    for _ in range(2):
        assert set(reg.fit(X, y).history_) == {
            "loss",
            "mean_squared_error",
            "mean_squared_error_1",
            "R2Score",
        }


def test_metric_classes_by_output_and_weighted_metrics_keep_their_names(data):
    """Classes in a dict by output, a list by output or compile__weighted_metrics
    are made by skdl as those of a list are: named as Keras names them when it
    makes them from compile's arguments, with no number."""
    X, y = data
    inputs = keras.Input((X.shape[1],))
    hidden = keras.layers.Dense(4)(inputs)
    two = keras.Model(
        inputs, [keras.layers.Dense(1, name="a")(hidden), keras.layers.Dense(1, name="b")(hidden)]
    )
    mae, mse = keras.metrics.MeanAbsoluteError, keras.metrics.MeanSquaredError
    for metrics in [{"a": [mae], "b": mse}, [[mae], [mse]]]:
        reg = KerasRegressor(two, metrics=metrics, epochs=1)
        for _ in range(2):
            assert {"a_mean_absolute_error", "b_mean_squared_error"} <= set(reg.fit(X, y).history_)
    reg = KerasRegressor(compile__weighted_metrics=[keras.metrics.MeanAbsoluteError], epochs=1)
    for _ in range(2):
        assert set(reg.fit(X, y).history_) == {"loss", "mean_absolute_error"}


def _absolute_error(y_true, y_pred):
    return keras.ops.mean(keras.ops.abs(y_true - y_pred), axis=-1)


def test_a_metric_of_a_function_of_the_users_is_copied_for_each_fit(data):
    """keras.metrics.MeanMetricWrapper(fn) names fn in its configuration, from
    which skdl makes each fit's metric: Keras found no unregistered fn."""
    X, y = data
    wrapped = keras.metrics.MeanMetricWrapper(_absolute_error, name="abs")
    reg = KerasRegressor(metrics=[wrapped, "mae"], epochs=2, random_state=0)
    # and cloned, and pickled with the estimator, as a search does
    reg = pickle.loads(pickle.dumps(clone(reg))).fit(X, y)
    np.testing.assert_allclose(reg.history_["abs"], reg.history_["mae"], rtol=1e-6)
    again = pickle.loads(pickle.dumps(reg))
    np.testing.assert_array_equal(again.predict(X), reg.predict(X))
    assert "abs" in again.partial_fit(X, y).history_


def test_a_metric_name_of_a_class_that_needs_arguments_is_explained(data):
    """Keras' own TypeError named the arguments of the class, not the routed
    parameters that give them; given these, the name is made with them."""
    X, y = data
    reg = KerasRegressor(metrics=["MeanIoU"], epochs=1)
    with pytest.raises(
        TypeError,
        match=r"^metrics: MeanIoU needs num_classes: .* set metrics__0__num_classes=\.\.\.\.$",
    ):
        reg.fit(X, y)
    reg.set_params(metrics__0__num_classes=2).fit(X, y > 0)
    assert "MeanIoU" in reg.history_


def test_fit_kwargs_apply_to_one_call_only(data):
    X, y = data
    reg = KerasRegressor(epochs=2)
    es = keras.callbacks.EarlyStopping(monitor="val_loss", patience=100)
    reg.fit(X, y, epochs=4, validation_data=(X[:10], y[:10]), callbacks=[es])
    assert reg.n_iter_ == 4 and len(reg.history_["val_loss"]) == 4
    assert reg.epochs == 2
    assert es.model is reg.model_  # call-time callbacks are used as given
    reg.fit(X, y)
    assert reg.n_iter_ == 2 and "val_loss" not in reg.history_


def test_unexpected_fit_argument(data):
    X, y = data
    with pytest.raises(TypeError, match=r"unexpected keyword argument\(s\) epoch;"):
        KerasRegressor().fit(X, y, epoch=3)


def test_callback_classes_get_routed_arguments_and_parameters_stay_unchanged(data):
    X, y = data
    es = keras.callbacks.EarlyStopping(monitor="loss", patience=0, min_delta=1e9)
    reg = KerasRegressor(epochs=10, callbacks=[es]).fit(X, y)
    assert reg.n_iter_ == 2  # the huge min_delta stops training at once
    assert es.model is None  # the estimator's own instance was copied, not used
    reg = KerasRegressor(
        epochs=10,
        callbacks=[keras.callbacks.EarlyStopping],
        callbacks__monitor="loss",
        callbacks__patience=0,
        callbacks__min_delta=1e9,
    ).fit(X, y)
    assert reg.n_iter_ == 2
    pickle.dumps(reg)


def test_validation_data_labels_are_encoded():
    X = np.random.RandomState(0).normal(size=(60, 3))
    y = np.where(X[:, 0] > 0, "pos", "neg")
    clf = KerasClassifier(epochs=2, metrics=["accuracy"])
    clf.fit(X, y, validation_data=(X[:10], y[:10]))
    assert len(clf.history_["val_accuracy"]) == 2


def test_a_fit_argument_that_overrides_a_parameter_set_otherwise_warns(data):
    """A search over epochs, fitted with fit(epochs=...), trained every
    candidate alike, silently; the book's fit(X, y, epochs=...) says nothing."""
    X, y = data
    reg = KerasRegressor(epochs=3)
    with pytest.warns(UserWarning, match=r"fit\(epochs=2\) overrides epochs=3 .*set_params"):
        reg.fit(X, y, epochs=2)
    assert reg.n_iter_ == 2
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        KerasRegressor().fit(X, y, epochs=2)  # the parameter at its default
        KerasRegressor(epochs=2).fit(X, y, epochs=2, verbose=0)  # the same value


def test_validation_data_errors_name_it():
    """And, where X_val itself is refused, say what a Pipeline does to it."""
    X = pd.DataFrame({"size": np.arange(40.0), "colour": ["red", "blue"] * 20})
    y = np.arange(40) % 2
    pipeline = make_pipeline(
        make_column_transformer((OneHotEncoder(), ["colour"]), remainder="passthrough"),
        KerasClassifier(epochs=1),
    )
    with pytest.raises(ValueError, match=r"^validation_data: .*pipeline\[:-1\]\.transform"):
        pipeline.fit(X, y, kerasclassifier__validation_data=(X, y))
    clf = KerasClassifier(epochs=1)
    with pytest.raises(ValueError, match=r"^validation_data: y contains labels .*\[7\]") as err:
        clf.fit(X[["size"]], y, validation_data=(X[["size"]], np.full(40, 7)))
    assert "Pipeline" not in str(err.value)  # X_val is fine
    one_hot = np.eye(2)[y]  # for labels 0 and 1
    with pytest.raises(ValueError, match=r"^validation_data: y has 2 label column"):
        clf.fit(X[["size"]], y, validation_data=(X[["size"]], one_hot))


def test_warm_start_continues_training(data):
    X, y = data
    reg = KerasRegressor(epochs=3, warm_start=True, random_state=0).fit(X, y)
    weights = reg.model_.get_weights()
    model = reg.model_
    reg.fit(X, y)
    assert reg.model_ is model and reg.n_iter_ == 6 and len(reg.history_["loss"]) == 6
    assert reg.history_["loss"][3] < reg.history_["loss"][0]
    assert any(not np.array_equal(a, b) for a, b in zip(weights, reg.model_.get_weights()))
    cold = KerasRegressor(epochs=3, random_state=0).fit(X, y)
    model = cold.model_
    cold.fit(X, y)
    assert cold.model_ is not model and cold.n_iter_ == 3


def test_random_state_reproducible_and_global_rng_untouched(data):
    X, y = data
    random.seed(1)
    np.random.seed(1)
    keras.utils.set_random_seed(1)
    py_state, np_state = random.getstate(), np.random.get_state()
    keras_seed = keras.utils.get_random_seed() if hasattr(keras.utils, "get_random_seed") else None
    a = KerasRegressor(epochs=3, random_state=3).fit(X, y).predict(X)
    b = KerasRegressor(epochs=3, random_state=3).fit(X, y).predict(X)
    np.testing.assert_array_equal(a, b)
    assert random.getstate() == py_state
    assert all(np.array_equal(u, v) for u, v in zip(np.random.get_state(), np_state))
    if keras_seed is not None:
        assert keras.utils.get_random_seed() == keras_seed
    c = KerasRegressor(epochs=3, random_state=4).fit(X, y).predict(X)
    assert not np.array_equal(a, c)


def test_random_state_none_differs(data):
    X, y = data
    a = KerasRegressor(epochs=1).fit(X, y).predict(X)
    b = KerasRegressor(epochs=1).fit(X, y).predict(X)
    assert not np.array_equal(a, b)


def test_fitted_attributes_with_dataframe(data):
    X, y = data
    df = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    reg = KerasRegressor(epochs=2).fit(df, y)
    assert reg.n_features_in_ == 4
    assert reg.feature_names_in_.tolist() == ["a", "b", "c", "d"]
    assert reg.n_iter_ == 2 and set(reg.history_) == {"loss"}
    assert isinstance(reg.model_, keras.Model)
    with pytest.raises(ValueError, match="X has 3 features, but KerasRegressor is expecting 4"):
        reg.predict(X[:, :3])


def test_failed_fit_leaves_fitted_estimator_usable(data):
    X, y = data
    reg = KerasRegressor(epochs=2, random_state=0).fit(X, y)
    before = reg.predict(X)
    with pytest.raises(ValueError):
        reg.fit(X[:, :2], y[:5])
    np.testing.assert_array_equal(reg.predict(X), before)
    assert reg.n_features_in_ == 4


def test_pickle_round_trip_is_bit_identical(data):
    X, y = data
    reg = KerasRegressor(epochs=2, random_state=0).fit(X, y)
    loaded = pickle.loads(pickle.dumps(reg))
    np.testing.assert_array_equal(loaded.predict(X), reg.predict(X))
    assert loaded.get_params() == reg.get_params()


def test_predict_does_not_depend_on_other_rows(data):
    X, y = data
    clf = KerasClassifier(epochs=2, random_state=0).fit(X, y > 0)
    full = clf.predict_proba(X)
    for i in (0, 17, 79):
        np.testing.assert_array_equal(clf.predict_proba(X[i : i + 1]), full[i : i + 1])
    np.testing.assert_array_equal(clf.predict_proba(X[::-1]), full[::-1])


def test_predict_matches_keras_predict(data):
    X, y = data
    reg = KerasRegressor(epochs=2, random_state=0, predict__batch_size=64).fit(X, y)
    expected = reg.model_.predict(X.astype("float32"), verbose=0).ravel()
    np.testing.assert_allclose(reg.predict(X), expected, rtol=1e-5, atol=1e-6)


def _build_with_units(meta, n_neurons=30):
    inputs = keras.Input((meta["n_features_in_"],))
    return keras.Sequential([inputs, keras.layers.Dense(n_neurons), keras.layers.Dense(1)])


@pytest.mark.parametrize(
    "params, match",
    [
        ({"model__n_neuron": 5}, "model__n_neuron, did you mean model__n_neurons"),
        ({"predict__batch_sise": 4}, "predict__batch_sise, did you mean predict__batch_size"),
        ({"fit__validation_frq": 2}, "fit__validation_frq, did you mean fit__validation_freq"),
        ({"fit__nope": 2}, r"fit__nope\. .* fit__ takes: batch_size, class_weight, epochs,"),
        ({"compile__jit_compil": False}, "compile__jit_compil, did you mean compile__jit_compile"),
        # passed by the estimator itself: routed, they reached nothing or clashed
        (
            {"fit__callbacks": []},
            "fit__callbacks is passed by KerasRegressor itself: use the callbacks parameter",
        ),
        (
            {"compile__metrics": ["mae"]},
            "compile__metrics is passed by KerasRegressor itself: use the metrics parameter",
        ),
        (
            {"callbacks": [keras.callbacks.EarlyStopping], "callbacks__3__patience": 5},
            r"callbacks__3__patience: no such entry; the callbacks list has indices 0 to 0",
        ),
        ({"metrics": ["mae"], "metrics__1__name": "m"}, "metrics__1__name: no such entry"),
        # they reached no metric (left unused, a misspelled name unseen)
        (
            {"metrics": ["mae", keras.metrics.AUC()], "metrics__num_thresholds": 5},
            r"^metrics__ parameters apply to metric classes, but metrics has none; .* "
            r"metrics=\[keras.metrics.AUC\], with metrics__num_thresholds",
        ),
        ({"metrics__nme": "x"}, "^metrics__ parameters apply to metric classes"),
        (
            {"metrics": {"dense_1": [keras.metrics.MeanAbsoluteError]}, "metrics__name": "m"},
            r"^metrics__name: metrics__ parameters apply to a list of metrics, and metrics is "
            "given by output",
        ),
        (
            {"metrics": [["mae"], ["mse"]], "metrics__0__name": "m"},
            r"^metrics__0__name: metrics__ parameters apply to a list of metrics, and metrics "
            "is given by output",
        ),
        # Keras picks the class of 'accuracy' from the targets: the argument reached nothing
        (
            {"metrics": ["mae", "accuracy"], "metrics__1__threshold": 0.3},
            r"^metrics__1__threshold: metrics\[1\] is 'accuracy', which Keras resolves from "
            "the targets; pass a class",
        ),
        ({"metrics__0__name": "m"}, r"^metrics__0__...: metrics is None, no list to index"),
    ],
)
def test_every_routed_name_is_checked(data, params, match):
    X, y = data
    with pytest.raises(ValueError, match=match):
        KerasRegressor(_build_with_units, epochs=1, **params).fit(X, y)


@pytest.mark.parametrize("Estimator", [KerasRegressor, MLPRegressor])
def test_parameter_validation_is_skipped_where_scikit_learn_skips_it(data, Estimator):
    X, y = data
    training = {"max_iter": 1} if Estimator is MLPRegressor else {"epochs": 1}
    est = Estimator(shuffle=1, **training)  # an int where a bool is expected: Keras takes it
    with pytest.raises(ValueError, match="The 'shuffle' parameter"):
        est.fit(X, y)
    with pytest.raises(ValueError, match="The 'shuffle' parameter"):
        est.set_params(shuffle=True).fit(X, y, shuffle=1)
    with sklearn.config_context(skip_parameter_validation=True), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a preset stopped after one epoch
        assert est.fit(X, y, shuffle=1).n_iter_ == 1
        assert est.set_params(shuffle=1).fit(X, y).n_iter_ == 1


def test_routed_builder_arguments_reach_the_builder(data):
    X, y = data
    reg = KerasRegressor(_build_with_units, model__n_neurons=5, epochs=1).fit(X, y)
    assert reg.model_.layers[0].units == 5

    def build_any(meta, **kwargs):  # a builder with **kwargs takes any model__ name
        return _build_with_units(meta, kwargs["width"])

    reg = KerasRegressor(build_any, model__width=3, epochs=1).fit(X, y)
    assert reg.model_.layers[0].units == 3


def test_classes_that_need_arguments_name_them(data):
    X, y = data
    with pytest.raises(
        TypeError,
        match=r"^callbacks: LearningRateScheduler needs schedule: pass an instance, "
        r"LearningRateScheduler\(schedule=...\), or set callbacks__schedule=...",
    ):
        KerasRegressor(callbacks=[keras.callbacks.LearningRateScheduler]).fit(X, y)
    with pytest.raises(TypeError, match=r"^metrics: MeanIoU needs num_classes: "):
        KerasRegressor(metrics=[keras.metrics.MeanIoU]).fit(X, y)
    schedule = keras.callbacks.LearningRateScheduler
    reg = KerasRegressor(callbacks=[schedule], callbacks__schedule=lambda epoch, lr: lr, epochs=1)
    assert reg.fit(X, y).n_iter_ == 1


def test_functions_that_keras_cannot_call_as_losses_or_metrics_are_named(data):
    """They failed inside Keras' training step, without the parameter's name."""
    X, y = data
    with pytest.raises(TypeError, match=r"^loss: the function \S*<lambda>\(y\) cannot be"):
        KerasRegressor(loss=lambda y: y, epochs=1).fit(X, y)
    with pytest.raises(TypeError, match=r"^metrics: .* as Keras calls a metric, metric\(y_true"):
        KerasRegressor(metrics=[lambda y: y], epochs=1).fit(X, y)
    # two arguments, whatever their names, and defaults after them pass
    reg = KerasRegressor(loss=lambda a, b: keras.ops.mean((a - b) ** 2), epochs=1)
    assert reg.set_params(metrics=[lambda t, p, scale=1: p]).fit(X, y).n_iter_ == 1


def test_callbacks_must_be_keras_callbacks(data):
    X, y = data
    with pytest.raises(TypeError, match=r"callbacks\[1\]='early' is not a Keras callback"):
        KerasRegressor(callbacks=[keras.callbacks.EarlyStopping, "early"]).fit(X, y)
    # fit's own argument takes instances, as Keras' fit does
    for given in ("early", ["early"], [keras.callbacks.EarlyStopping]):
        with pytest.raises(TypeError, match=r"fit\(callbacks=...\)\[0\]=.* is not a Keras"):
            KerasRegressor().fit(X, y, callbacks=given)


def test_fit_takes_one_callback_as_keras_does(data):
    X, y = data
    stop = keras.callbacks.EarlyStopping(monitor="loss", patience=0, min_delta=1e9)
    reg = KerasRegressor(epochs=10).fit(X, y, callbacks=stop)
    assert reg.n_iter_ == 2


class _Recorder(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.losses, self.calls = [], {"epochs": 0}

    def on_epoch_end(self, epoch, logs=None):
        self.losses.append(logs["loss"])
        self.calls["epochs"] += 1


def test_fit_leaves_a_stateful_callback_parameter_unchanged(data):
    X, y = data
    recorder = _Recorder()
    reg = KerasRegressor(epochs=2, callbacks=[recorder])
    reg.fit(X, y)
    reg.fit(X, y)
    assert recorder.losses == [] and recorder.calls == {"epochs": 0}
    assert reg.callbacks[0] is recorder


def test_validation_sample_weights_are_checked_like_training_ones(data):
    X, y = data
    reg = KerasRegressor(epochs=1, random_state=0)
    reg.fit(X, y, validation_data=(X[:10], y[:10], [2.0] * 10))  # a list, as for X and y
    listed = reg.history_["val_loss"]
    reg.fit(X, y, validation_data=(X[:10], y[:10], pd.Series(np.ones(10))))
    assert reg.history_["val_loss"] == pytest.approx(listed)  # rescaled to average 1
    with pytest.raises(ValueError, match=r"validation_data's sample weights.*\(7,\)"):
        reg.fit(X, y, validation_data=(X[:10], y[:10], np.ones(7)))
    with pytest.raises(ValueError, match="validation_data's sample weights.*Negative"):
        reg.fit(X, y, validation_data=(X[:10], y[:10], -np.ones(10)))


def test_history_keeps_every_key_over_warm_fits(data):
    X, y = data
    reg = KerasRegressor(epochs=2, warm_start=True, random_state=0)
    reg.fit(X, y, validation_split=0.2)
    reg.fit(X, y)
    reg.fit(X, y, validation_split=0.2)
    assert {len(values) for values in reg.history_.values()} == {6}
    val = np.array(reg.history_["val_loss"])
    assert np.isnan(val[2:4]).all() and np.isfinite(val[[0, 1, 4, 5]]).all()


def test_history_has_nan_for_the_epochs_that_validation_freq_skips(data):
    X, y = data
    reg = KerasRegressor(epochs=4, warm_start=True, fit__validation_freq=2, random_state=0)
    reg.fit(X, y, validation_split=0.2)
    reg.fit(X, y, epochs=2, validation_split=0.2)
    reg.fit(X, y, epochs=1)  # no validation
    assert {len(values) for values in reg.history_.values()} == {7}
    val = np.array(reg.history_["val_loss"])
    # the 2nd and 4th epochs of the first fit, the 2nd of the second, not the third
    assert np.isnan(val[6])
    assert np.isfinite(val[[1, 3, 5]]).all() and np.isnan(val[[0, 2, 4]]).all()
    # counted from initial_epoch as Keras counts: epochs 2 and 3 run, 2 validates
    reg = KerasRegressor(epochs=3, fit__validation_freq=2, random_state=0)
    val = reg.fit(X, y, initial_epoch=1, validation_split=0.2).history_["val_loss"]
    assert np.isfinite(val[0]) and np.isnan(val[1])


def test_history_records_a_metric_of_several_values():
    rng = np.random.RandomState(0)
    X, Y = rng.normal(size=(60, 4)), (rng.rand(60, 3) > 0.5).astype(int)
    f1 = keras.metrics.F1Score(threshold=0.5)  # one value per label
    clf = KerasClassifier(epochs=2, metrics=[f1], random_state=0).fit(X, Y)
    assert np.shape(clf.history_["f1_score"]) == (2, 3)
    assert all(isinstance(v, float) for v in clf.history_["loss"])
    # callbacks.rst: on a multiclass target, with one-hot targets
    f1 = keras.metrics.F1Score(average=None)
    params = dict(epochs=2, metrics=[f1], loss="categorical_crossentropy", random_state=0)
    clf = KerasClassifier(**params).fit(X, np.arange(60) % 3)
    assert np.shape(clf.history_["f1_score"]) == (2, 3)


@pytest.mark.parametrize(
    "estimator, method",
    [
        (KerasClassifier(epochs=2, random_state=0), "predict_proba"),
        (MLPRegressor(max_iter=2, early_stopping=True, random_state=0), "predict"),
        (WideAndDeepRegressor(epochs=2, random_state=0), "predict"),
        (AutoencoderTransformer(max_iter=2, random_state=0), "transform"),
    ],
    ids=lambda value: type(value).__name__ if not isinstance(value, str) else value,
)
def test_sparse_X_trains_and_predicts_as_its_dense_values(estimator, method):
    # a TF-IDF matrix or a ColumnTransformer's sparse one-hot output, as
    # scikit-learn's MLPs take it
    rng = np.random.RandomState(0)
    X = np.where(rng.rand(60, 6) < 0.7, 0.0, rng.normal(size=(60, 6)))
    y = (X[:, 0] > 0).astype(int) if method == "predict_proba" else X[:, 1] - X[:, 2]
    args = (X,) if method == "transform" else (X, y)
    sparse_args = (sp.csr_matrix(X),) + args[1:]
    expected = getattr(clone(estimator).fit(*args), method)(X)
    fitted = clone(estimator).fit(*sparse_args)
    np.testing.assert_allclose(getattr(fitted, method)(sp.csc_matrix(X)), expected, atol=1e-6)


def small_cnn(meta, filters=2):
    return keras.Sequential([
        keras.Input((6, 6, 1)), keras.layers.Conv2D(filters, 3), keras.layers.Flatten(),
        keras.layers.Dense(meta["n_classes_"], activation="softmax"),
    ])  # fmt: skip


def test_images_for_a_network_that_takes_them():
    # as in Keras' CNN tutorials: X of shape (n, 6, 6, 1), no flattening
    from sklearn.model_selection import cross_val_score

    X = np.random.RandomState(0).normal(size=(48, 6, 6, 1))
    y = (X.mean(axis=(1, 2, 3)) > 0).astype(int)
    clf = KerasClassifier(small_cnn, epochs=2, validation_split=0.25, random_state=0).fit(X, y)
    assert clf.n_features_in_ == 6 and clf.__sklearn_tags__().input_tags.three_d_array
    # the default network takes 2-D X only
    assert not KerasClassifier().__sklearn_tags__().input_tags.three_d_array
    assert clf.predict(X).shape == (48,) and clf.predict_proba(X[:5]).shape == (5, 2)
    loaded = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    assert clf.partial_fit(X, y).n_iter_ == 3
    # every dimension of a sample is checked, not X.shape[1] alone: the shared
    # compiled function would take other shapes silently
    # (flattened, or images of another height, were said to have 36 or 7 features
    # where 6 were expected: an image's height)
    flat, taller = X.reshape(48, -1), np.concatenate([X, X[:, :1]], axis=1)
    for other in (X[..., 0], np.concatenate([X, X], axis=3), flat, taller):
        with pytest.raises(ValueError, match=r"X has samples of shape .*fitted on samples of "):
            clf.predict(other)
        with pytest.raises(ValueError, match=r"fitted on samples of shape \(6, 6, 1\)"):
            clf.partial_fit(other, y)
    assert len(cross_val_score(KerasClassifier(small_cnn, epochs=1), X, y, cv=2)) == 2
    # sequences for a recurrent regressor: (n, steps, features)
    lstm = keras.Sequential([keras.Input((6, 6)), keras.layers.LSTM(2), keras.layers.Dense(1)])
    reg = KerasRegressor(lstm, epochs=1).fit(X[..., 0], y)
    assert reg.predict(X[..., 0]).shape == (48,)


def test_images_need_a_network_that_takes_them():
    X = np.zeros((10, 6, 6, 1))
    y = np.arange(10) % 2
    with pytest.raises(
        ValueError, match=r"the default network takes 2-D X.*keras.Input\(\(6, 6, 1\)\)"
    ):
        KerasClassifier(epochs=1).fit(X, y)
    for preset in (MLPClassifier(max_iter=1), WideAndDeepClassifier(epochs=1)):
        # scikit-learn's MLP refuses them too: the presets build on the columns
        with pytest.raises(ValueError, match="Found array with dim 4"):
            preset.fit(X, y)
    inputs = [keras.Input((3,)), keras.Input((3,))]
    two = keras.Model(inputs, keras.layers.Dense(1)(keras.layers.Concatenate()(inputs)))
    with pytest.raises(ValueError, match=r"2 inputs, which take column blocks of a 2-D X"):
        KerasRegressor(two, epochs=1).fit(X[:, :, :, 0], y)
    # a builder for tables: a short error (Keras' own prints the whole image)
    table = keras.Sequential([keras.Input((6,)), keras.layers.Dense(2, activation="softmax")])
    with pytest.raises(ValueError, match=r"takes samples of shape \(6,\), but X has samples of "
                       r"shape \(6, 6, 1\).*keras.Input\(\(6, 6, 1\)\)") as error:  # fmt: skip
        KerasClassifier(table, epochs=1).fit(X, y)
    assert len(str(error.value)) < 300
    with pytest.raises(ValueError, match=r"takes samples of shape \(6,\), but X has samples of "
                       r"shape \(5,\)\.$"):  # fmt: skip
        KerasClassifier(table, epochs=1).fit(X[:, :5, 0, 0], y)


def compiled_network(meta, units=4, optimizer="adam"):
    model = keras.Sequential(
        [keras.Input((meta["n_features_in_"],)), keras.layers.Dense(units), keras.layers.Dense(1)]
    )
    model.compile(optimizer=optimizer, loss="mse")
    return model


def _unused_settings_warnings(estimator, X, y):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        estimator.fit(X, y)
    return [str(w.message) for w in caught if "not used" in str(w.message)]


def test_settings_that_a_compiled_model_leaves_unused_are_named(data):
    X, y = data
    fit = dict(epochs=1, random_state=0)
    unused = _unused_settings_warnings(
        KerasRegressor(compiled_network, loss="mae", optimizer__learning_rate=1.0, **fit), X, y
    )
    assert len(unused) == 1
    assert "compiled by its builder, so loss, optimizer__learning_rate are not used" in unused[0]
    instance = compiled_network({"n_features_in_": X.shape[1]})
    unused = _unused_settings_warnings(KerasRegressor(instance, metrics=["mae"], **fit), X, y)
    assert unused and "compiled before it was given, so metrics is not used" in unused[0]
    # what the builder takes, or what still applies, goes unnamed
    for used in [
        KerasRegressor(compiled_network, optimizer="sgd", compile__steps_per_execution=2, **fit),
        KerasRegressor(compiled_network, units=2, **fit),
        KerasRegressor(loss="mae", optimizer__learning_rate=0.1, **fit),
    ]:
        assert _unused_settings_warnings(used, X, y) == []


@pytest.mark.parametrize(
    "estimator, methods",
    [
        (KerasRegressor(epochs=1), ["predict"]),
        (MLPRegressor(max_iter=1), ["predict"]),
        (KerasClassifier(epochs=1), ["predict_proba", "predict_log_proba"]),
        (MLPClassifier(max_iter=1), ["predict_proba"]),
        (WideAndDeepRegressor(epochs=1), ["predict"]),
        (AutoencoderTransformer(encoding_dim=2, max_iter=1), ["transform"]),
    ],
    ids=lambda value: type(value).__name__ if not isinstance(value, list) else "",
)
def test_outputs_are_float32_where_X_and_the_fitted_X_are(data, estimator, methods):
    """As scikit-learn's MLPs: fitted on float32 X, float32 in (array, sparse,
    DataFrame of columns whose common type is float32) gives float32 out, the
    same values, and other X (pandas' nullable Float32 too) float64; fitted on
    float64 X, float64."""
    X, y = data
    if hasattr(estimator, "predict_proba"):
        y = y > 0
    X32 = X.astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # max_iter=1
        estimator.set_params(random_state=0).fit(X32, y)

    def frame_with_first_column(dtype):
        frame = pd.DataFrame(X32)
        frame[0] = frame[0].astype(dtype)
        return frame

    as_float32 = {
        "array": X32,
        "sparse": sp.csr_matrix(X32),
        "frame": pd.DataFrame(X32),
        "mixed, int8": frame_with_first_column(np.int8),  # their common type is float32
    }
    others = {
        "float64": X,
        "list": X.tolist(),
        "int": X.astype(np.int64),
        "nullable": pd.DataFrame(X32).astype("Float32"),
        "mixed, int32": frame_with_first_column(np.int32),  # float64
    }
    for method in methods:
        expected = getattr(estimator, method)(X)
        for kind, values in {**as_float32, **others}.items():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # feature names
                out = getattr(estimator, method)(values)
            assert out.dtype == (np.float32 if kind in as_float32 else np.float64), kind
            if kind != "int" and not kind.startswith("mixed"):
                np.testing.assert_allclose(out, expected, rtol=1e-6)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        estimator.fit(X, y)
    for method in methods:
        assert getattr(estimator, method)(X32).dtype == np.float64


@pytest.mark.parametrize("fit_dtype", [np.float32, np.float64])
@pytest.mark.parametrize("predict_dtype", [np.float32, np.float64])
def test_prediction_dtype_is_scikit_learns(data, fit_dtype, predict_dtype):
    from sklearn.neural_network import MLPRegressor as ScikitLearnMLP

    X, y = data
    predicted = {}
    for Estimator in (ScikitLearnMLP, MLPRegressor):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # max_iter=1
            reg = Estimator(hidden_layer_sizes=(3,), max_iter=1).fit(X.astype(fit_dtype), y)
        predicted[Estimator] = reg.predict(X.astype(predict_dtype)).dtype
    assert predicted[MLPRegressor] == predicted[ScikitLearnMLP]


@pytest.mark.parametrize(
    "name, hint",
    [
        ("history", r"history_ holds fit's History"),
        ("evaluate", r"score\(X, y\) gives scikit-learn's score"),
        ("predict_classes", r"predict\(X\) gives the class labels"),
        ("summary", r"the trained keras.Model is model_: model_.summary"),
        ("layers", r"the trained keras.Model is model_: model_.layers"),
    ],
)
def test_what_a_keras_program_asks_of_its_model_says_where_it_is(name, hint):
    clf = KerasClassifier()
    with pytest.raises(AttributeError, match=rf"no attribute '{name}'; {hint}"):
        getattr(clf, name)
    assert not hasattr(clf, name)
    with pytest.raises(AttributeError, match=r"no attribute 'no_such_name'$"):
        _ = clf.no_such_name
