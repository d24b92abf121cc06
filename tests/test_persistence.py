"""Pickling, joblib, deepcopy and clone of skdl estimators, fitted or not."""

import copy
import functools
import importlib
import pickle
import subprocess
import sys
import textwrap
import types
import warnings

import cloudpickle
import joblib
import keras
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning

from skdl import AutoencoderTransformer, KerasClassifier, KerasRegressor, MLPRegressor
from skdl._persistence import SerializedModel


@keras.saving.register_keras_serializable(package="skdl_tests")
class Scale(keras.layers.Layer):
    """A custom layer, registered so that saved models can be loaded."""

    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, x):
        return x * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


@keras.saving.register_keras_serializable(package="skdl_tests")
class TwoLayer(keras.Model):
    """A subclassed model, registered, with its constructor arguments in its config."""

    def __init__(self, units=8, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.hidden = keras.layers.Dense(units, activation="relu")
        self.out = keras.layers.Dense(1)

    def call(self, x):
        return self.out(self.hidden(x))

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def sequential(meta):
    return keras.Sequential(
        [
            keras.Input((meta["n_features_in_"],)),
            keras.layers.Dense(8, "relu"),
            keras.layers.Dense(1),
        ]
    )


def functional_two_inputs_two_outputs():
    wide = keras.Input((3,), name="wide")
    deep = keras.Input((2,), name="deep")
    hidden = keras.layers.Dense(8, activation="relu")(deep)
    concat = keras.layers.Concatenate()([wide, hidden])
    main = keras.layers.Dense(1, name="main")(concat)
    aux = keras.layers.Dense(1, name="aux")(hidden)
    model = keras.Model([wide, deep], [main, aux])
    model.compile(loss=["mse", "mse"], loss_weights=[0.9, 0.1], optimizer="adam")
    return model


def dict_inputs_and_outputs():
    """Inputs and outputs declared as dicts, in an order that is not sorted."""
    wide = keras.Input((3,), name="wide")
    deep = keras.Input((2,), name="deep")
    hidden = keras.layers.Dense(8, activation="relu")(deep)
    main = keras.layers.Dense(1, name="main")(keras.layers.Concatenate()([wide, hidden]))
    aux = keras.layers.Dense(4, name="aux")(hidden)
    return keras.Model({"wide": wide, "deep": deep}, {"main": main, "aux": aux})


def custom_layer(meta):
    return keras.Sequential(
        [keras.Input((meta["n_features_in_"],)), Scale(0.5), keras.layers.Dense(1)]
    )


BUILDERS = {
    "sequential": sequential,
    "functional_2in_2out": functional_two_inputs_two_outputs,
    "subclassed": TwoLayer,
    "custom_layer": custom_layer,
}


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 5))
    return X, X[:, 0] - X[:, 3]


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_round_trips_are_bit_identical_and_can_keep_training(data, kind, tmp_path):
    X, y = data
    reg = KerasRegressor(BUILDERS[kind], epochs=2, random_state=0).fit(X, y)
    expected = reg.predict(X)
    joblib.dump(reg, tmp_path / "reg.joblib")
    copies = [
        pickle.loads(pickle.dumps(reg)),
        joblib.load(tmp_path / "reg.joblib"),
        copy.deepcopy(reg),
    ]
    for loaded in copies:
        np.testing.assert_array_equal(loaded.predict(X), expected)
        assert loaded.history_ == reg.history_
    # training continues from the saved weights and optimizer state
    loaded = copies[0].set_params(warm_start=True).fit(X, y)
    assert loaded.n_iter_ == 4
    assert not np.array_equal(loaded.predict(X), expected)
    np.testing.assert_array_equal(reg.predict(X), expected)  # the original is untouched


def test_a_loaded_network_draws_the_dropout_masks_the_original_would(data):
    """The ``.keras`` format leaves out the seed generators' states: a loaded
    network drew other (unseeded) dropout masks, so training on after a
    pickle or a deepcopy differed from training on the original, run to run."""
    X, y = data
    reg = MLPRegressor(hidden_layer_sizes=(8,), dropout=0.3, max_iter=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reg.fit(X, y)
        copies = [pickle.loads(pickle.dumps(reg)), copy.deepcopy(reg)]
        for estimator in (reg, *copies):
            estimator.partial_fit(X, y)
    for loaded in copies:
        np.testing.assert_array_equal(loaded.predict(X), reg.predict(X))
    # an estimator pickled before the states (and the script's objects) were
    # recorded loads as before, and trains on
    state = reg.__getstate__()
    saved = next(v for v in state.values() if isinstance(v, SerializedModel))
    del saved.seed_states, saved.script_objects
    again = MLPRegressor.__new__(MLPRegressor)
    again.__setstate__(state)
    np.testing.assert_array_equal(again.predict(X), reg.predict(X))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        assert again.partial_fit(X, y).n_iter_ == 1


def test_pickling_warns_of_nothing(data):
    """Keras' saving, on TensorFlow under NumPy 2, warned of a DeprecationWarning
    of its own at every pickle, deepcopy and joblib.dump (shown by pytest)."""
    X, y = data
    reg = KerasRegressor(epochs=1, random_state=0).fit(X, y)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pickle.dumps(reg)
    assert [str(w.message) for w in caught] == []


def test_a_network_pickled_before_its_functions_were_recorded_loads(data):
    X, y = data
    reg = KerasRegressor(epochs=1, random_state=0).fit(X, y)
    state = reg.__getstate__()
    saved = next(v for v in state.values() if isinstance(v, SerializedModel))
    del saved.functions, saved.lambda_modules  # as pickled by an earlier release
    again = KerasRegressor.__new__(KerasRegressor)
    again.__setstate__(state)
    np.testing.assert_array_equal(again.predict(X), reg.predict(X))


def test_two_input_model_receives_column_blocks(data):
    X, y = data
    reg = KerasRegressor(functional_two_inputs_two_outputs, epochs=1, random_state=0).fit(X, y)
    wide, deep = X[:, :3].astype("float32"), X[:, 3:].astype("float32")
    main = keras.ops.convert_to_numpy(reg.model_([wide, deep])[0]).ravel()
    np.testing.assert_allclose(reg.predict(X), main, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match=r"2 inputs of \[3, 2\] features.*X has 4 columns"):
        KerasRegressor(functional_two_inputs_two_outputs).fit(X[:, :4], y)


def test_dict_inputs_and_outputs_follow_their_declared_order(data):
    # Keras' flat lists sort a dict's keys ("aux" before "main", "deep" before
    # "wide"): blocks of X and the main output follow the declared order instead
    X, y = data
    reg = KerasRegressor(dict_inputs_and_outputs, epochs=1, random_state=0).fit(X, y)
    blocks = {"wide": X[:, :3].astype("float32"), "deep": X[:, 3:].astype("float32")}
    main = keras.ops.convert_to_numpy(reg.model_(blocks)["main"]).ravel()
    np.testing.assert_allclose(reg.predict(X), main, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(reg)).predict(X), reg.predict(X))


def test_unfitted_and_fitted_clone(data):
    X, y = data
    reg = KerasRegressor(sequential, epochs=2, optimizer__learning_rate=0.1)
    assert pickle.loads(pickle.dumps(reg)).get_params() == reg.get_params()
    reg.fit(X, y)
    fresh = clone(reg)
    assert not hasattr(fresh, "model_")
    assert fresh.get_params() == reg.get_params()


def test_callbacks_in_parameters_do_not_block_pickling(data, tmp_path):
    X, y = data
    callbacks = [
        keras.callbacks.TensorBoard(log_dir=str(tmp_path / "logs")),
        keras.callbacks.ModelCheckpoint(str(tmp_path / "best.keras")),
        keras.callbacks.EarlyStopping(monitor="loss", patience=3),
    ]
    reg = KerasRegressor(sequential, epochs=2, callbacks=callbacks, random_state=0).fit(X, y)
    assert (tmp_path / "best.keras").exists() and (tmp_path / "logs").exists()
    loaded = pickle.loads(pickle.dumps(reg))
    np.testing.assert_array_equal(loaded.predict(X), reg.predict(X))
    clone(reg).fit(X, y)  # a clone trains with its own copies of the callbacks


@pytest.mark.parametrize("estimator", [KerasRegressor(epochs=1), MLPRegressor(max_iter=1)])
@pytest.mark.parametrize("file_name", ["model.keras", "model.h5"])
def test_the_trained_network_saves_and_loads_as_keras_files(data, estimator, file_name, tmp_path):
    # the book's model_.save("my_keras_model.h5"): Keras 3.15 reads no default
    # loss given as "mse" back from HDF5
    if file_name.endswith(".h5"):
        pytest.importorskip("h5py")
    X, y = data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # max_iter=1; HDF5 is Keras' legacy format
        reg = estimator.set_params(random_state=0).fit(X, y)
        reg.model_.save(tmp_path / file_name)
        loaded = keras.models.load_model(tmp_path / file_name)
    np.testing.assert_allclose(
        loaded.predict(X, verbose=0).ravel(), reg.predict(X), rtol=1e-6, atol=1e-6
    )


def test_model_instance_parameter_round_trip(data):
    X, y = data
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(1, "sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    clf = KerasClassifier(model, epochs=1, random_state=0).fit(X, y > 0)
    loaded = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    assert isinstance(clone(clf).model, keras.Model)


def test_a_model_instance_parameter_pickles_without_warnings(data):
    # Keras' own pickling of the model parameter warned of NumPy's copy keyword,
    # and of the optimizer state that a compiled network holds once it trains
    X, y = data
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(1, "sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    clf = KerasClassifier(model, epochs=1, random_state=0)
    unbuilt = keras.Sequential([keras.layers.Dense(1, "sigmoid")])  # no keras.Input
    unbuilt.compile(optimizer="adam", loss="binary_crossentropy")
    given_unbuilt = clone(clf).set_params(model=unbuilt).fit(X, y > 0)
    for estimator in (clf, clone(clf).fit(X, y > 0), given_unbuilt):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            loaded = pickle.loads(pickle.dumps(estimator))
        assert [str(w.message) for w in caught] == []
        loaded.fit(X, y > 0)


def test_load_in_a_fresh_process(data, tmp_path):
    X, y = data
    clf = KerasClassifier(epochs=2, random_state=0).fit(X, np.where(y > 0, "up", "down"))
    # a preset whose loss is skdl's own: registered with Keras where it loads
    with pytest.warns(ConvergenceWarning):
        reg = MLPRegressor(loss="poisson", max_iter=2, random_state=0).fit(X, np.abs(y))
    path = tmp_path / "fitted.joblib"
    joblib.dump((clf, reg), path)
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "y.npy", np.abs(y))
    np.save(tmp_path / "proba.npy", clf.predict_proba(X))
    np.save(tmp_path / "counts.npy", reg.predict(X))
    code = textwrap.dedent(
        f"""
        import joblib, numpy as np, sys
        clf, reg = joblib.load({str(path)!r})
        X = np.load({str(tmp_path / "X.npy")!r})
        expected = np.load({str(tmp_path / "proba.npy")!r})
        assert np.array_equal(clf.predict_proba(X), expected)
        assert np.array_equal(reg.predict(X), np.load({str(tmp_path / "counts.npy")!r}))
        reg.partial_fit(X, np.load({str(tmp_path / "y.npy")!r}))  # and trains on
        print(sorted(str(label) for label in set(clf.predict(X))))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['down', 'up']"


def scaled_tanh(x):
    return 2.0 * keras.ops.tanh(x)


def relative_error(y_true, y_pred):
    return keras.ops.mean(keras.ops.abs(y_pred - y_true) / (keras.ops.abs(y_true) + 1.0))


@pytest.mark.parametrize("settings", [{"activation": scaled_tanh}, {"loss": relative_error}])
def test_functions_given_as_parameters_survive_pickling(data, settings):
    # Keras saves a function by its name only: the pickled estimator brings it along
    X, y = data
    estimator = AutoencoderTransformer if "activation" in settings else KerasRegressor
    training = {"max_iter": 1} if "activation" in settings else {"epochs": 1}
    fitted = estimator(hidden_layer_sizes=(3,), random_state=0, **training, **settings)
    fitted = fitted.fit(X) if "activation" in settings else fitted.fit(X, y)
    loaded = pickle.loads(pickle.dumps(fitted))
    out = "transform" if "activation" in settings else "predict"
    np.testing.assert_array_equal(getattr(loaded, out)(X), getattr(fitted, out)(X))


def scaled_tanh_network(meta, activation=scaled_tanh):
    # a function as a builder argument's default is a parameter too (get_params)
    return keras.Sequential(
        [keras.Input((5,)), keras.layers.Dense(3, activation=activation), keras.layers.Dense(1)]
    )


def test_a_function_as_a_builder_default_survives_pickling(data):
    X, y = data
    fitted = KerasRegressor(scaled_tanh_network, epochs=1, random_state=0).fit(X, y)
    assert fitted.get_params()["activation"] is scaled_tanh
    loaded = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(loaded.predict(X), fitted.predict(X))


class ScaledAbsoluteError(keras.losses.Loss):
    """A loss of the user's, not registered with Keras."""

    def __init__(self, scale=1.0, name="scaled_absolute_error", **kwargs):
        super().__init__(name=name, **kwargs)
        self.scale = scale

    def call(self, y_true, y_pred):
        return self.scale * keras.ops.mean(keras.ops.abs(y_true - y_pred), axis=-1)

    def get_config(self):
        return {**super().get_config(), "scale": self.scale}


class MeanOutput(keras.metrics.Mean):
    """A metric of the user's, not registered with Keras."""

    def update_state(self, y_true, y_pred, sample_weight=None):
        return super().update_state(y_pred)


class Halving(keras.optimizers.schedules.LearningRateSchedule):
    """A learning rate schedule of the user's, not registered with Keras."""

    def __init__(self, rate=0.01):
        self.rate = rate

    def __call__(self, step):
        return self.rate / (1.0 + keras.ops.cast(step, "float32"))

    def get_config(self):
        return {"rate": self.rate}


@pytest.mark.parametrize("fitted", [False, True], ids=["unfitted", "fitted"])
def test_instances_of_the_users_keras_classes_as_parameters_pickle(data, fitted):
    """Keras pickles its objects by their configuration and finds an
    unregistered class by name only: pickle and deepcopy failed ("Could not
    locate class 'ScaledAbsoluteError'"), where clone worked."""
    X, y = data
    estimator = KerasRegressor(
        loss=ScaledAbsoluteError(scale=2.0),
        metrics=[MeanOutput(name="mean_output")],
        optimizer=keras.optimizers.SGD(learning_rate=Halving(0.05)),
        epochs=1,
        random_state=0,
    )
    if fitted:
        estimator.fit(X, y)
    shallow = copy.copy(estimator)  # shares the parameters
    assert shallow.loss is estimator.loss and shallow.metrics[0] is estimator.metrics[0]
    for copied in (pickle.loads(pickle.dumps(estimator)), copy.deepcopy(estimator)):
        assert type(copied.loss) is ScaledAbsoluteError and copied.loss.scale == 2.0
        assert type(copied.metrics[0]) is MeanOutput
        assert copied.optimizer.get_config()["learning_rate"]["config"] == {"rate": 0.05}
        assert copied.loss is not estimator.loss
        if fitted:
            np.testing.assert_array_equal(copied.predict(X), estimator.predict(X))
        copied.partial_fit(X, y)  # and trains with them
        assert "mean_output" in copied.history_


class UnregisteredModel(TwoLayer):
    """``TwoLayer`` under another name, which is not registered with Keras."""


def test_a_model_class_given_as_model_survives_pickling(data):
    # Keras saves the class by its name only: the pickled estimator brings it along
    X, y = data
    fitted = KerasRegressor(UnregisteredModel, units=3, epochs=1, random_state=0).fit(X, y)
    loaded = pickle.loads(pickle.dumps(fitted))
    assert loaded.model_.units == 3
    np.testing.assert_array_equal(loaded.predict(X), fitted.predict(X))


class MyDense(keras.layers.Layer):
    """Hands-On ML's custom Dense layer (chapter 12), not registered with Keras."""

    def __init__(self, units, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.activation = keras.activations.get(activation)

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")

    def call(self, X):
        return self.activation(X @ self.kernel + self.bias)

    def get_config(self):
        activation = keras.activations.serialize(self.activation)
        return {**super().get_config(), "units": self.units, "activation": activation}


def unregistered_parts(meta):
    # neither registered nor estimator parameters: Keras saves the functions
    # by name only, the layer by module and name
    model = keras.Sequential(
        [keras.Input((5,)), MyDense(4, activation=scaled_tanh), keras.layers.Dense(1)]
    )
    model.compile(optimizer="adam", loss=relative_error)
    return model


def test_an_unregistered_layer_and_functions_in_a_builder_survive_pickling(data):
    X, y = data
    fitted = KerasRegressor(unregistered_parts, epochs=1, random_state=0).fit(X, y)
    for loaded in (pickle.loads(pickle.dumps(fitted)), copy.deepcopy(fitted)):
        assert type(loaded.model_.layers[0]) is MyDense
        assert loaded.model_.layers[0].activation is scaled_tanh
        assert loaded.model_.loss is relative_error
        np.testing.assert_array_equal(loaded.predict(X), fitted.predict(X))


def test_unregistered_classes_of_one_name_stay_apart(data, tmp_path, monkeypatch):
    # Keras looks classes up by name: each is found in its own module
    X, y = data
    (tmp_path / "other_layers.py").write_text(
        "import keras\n\n\nclass MyDense(keras.layers.Layer):\n"
        "    def call(self, x):\n        return -x\n"
    )
    monkeypatch.syspath_prepend(tmp_path)
    other = importlib.import_module("other_layers")

    def build(meta):
        return keras.Sequential(
            [keras.Input((5,)), other.MyDense(), MyDense(3), keras.layers.Dense(1)]
        )

    fitted = KerasRegressor(build, epochs=1).fit(X, y)
    loaded = copy.deepcopy(fitted)
    assert [type(layer) for layer in loaded.model_.layers[:2]] == [other.MyDense, MyDense]
    np.testing.assert_array_equal(loaded.predict(X), fitted.predict(X))


def lambda_network(meta, activation=lambda x: keras.ops.relu(x) - 0.5):
    factor = 3.0
    return keras.Sequential(
        [
            keras.Input((5,)),
            keras.layers.Dense(4, activation=activation),
            keras.layers.Lambda(lambda t: keras.ops.tanh(t) * factor),
            keras.layers.Dense(1),
        ]
    )


def test_lambdas_in_a_builder_survive_pickling(data):
    # a lambda as a builder argument's default and in a Lambda layer, with a
    # closure and a global (keras): rebuilt from their code in their module
    X, y = data
    fitted = KerasRegressor(lambda_network, epochs=1, random_state=0).fit(X, y)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pickled = pickle.dumps(fitted)
    assert not [w for w in caught if "safe_mode" in str(w.message)]  # Keras' advice
    for loaded in (pickle.loads(pickled), copy.deepcopy(fitted)):
        np.testing.assert_array_equal(loaded.predict(X), fitted.predict(X))
    loaded.set_params(warm_start=True).fit(X, y)


def test_a_model_instance_with_lambdas_fits_clones_and_pickles(data):
    # Keras' clone_model refuses a Lambda layer's lambda and a lambda loss in
    # safe mode and reads no lambda activation back; Keras' own pickling of the
    # model parameter rebuilt a lambda where keras is an unknown name
    X, y = data
    model = lambda_network(None)
    model.compile("adam", loss=lambda a, b: keras.ops.mean(keras.ops.square(a - b)))
    reg = KerasRegressor(model, epochs=1, random_state=0)
    fitted = clone(reg).fit(X, y)
    for copied in (pickle.loads(pickle.dumps(reg)), copy.deepcopy(reg), clone(reg)):
        np.testing.assert_array_equal(copied.fit(X, y).predict(X), fitted.predict(X))
    for loaded in (pickle.loads(pickle.dumps(fitted)), copy.deepcopy(fitted)):
        np.testing.assert_array_equal(loaded.predict(X), fitted.predict(X))
        assert loaded.set_params(warm_start=True).fit(X, y).n_iter_ == 2


def lambda_activation_network(meta):
    return keras.Sequential(
        [keras.Input((5,)), keras.layers.Dense(4, lambda x: x / 2), keras.layers.Dense(1)]
    )


class HalfL2(keras.regularizers.Regularizer):
    """A user's regularizer, not registered with Keras."""

    def __init__(self, rate=0.01):
        self.rate = rate

    def __call__(self, weights):
        return self.rate * keras.ops.sum(weights**2) / 2

    def get_config(self):
        return {"rate": self.rate}


@pytest.mark.parametrize("with_lambda", [False, True])
def test_a_model_instance_with_the_users_layer_function_and_regularizer(data, with_lambda):
    # Keras' clone rebuilds each layer from its configuration, where it finds an
    # unregistered function or class by name only
    X, y = data
    lambdas = [keras.layers.Lambda(lambda t: t * 2)] if with_lambda else []
    model = keras.Sequential(
        [
            keras.Input((5,)),
            MyDense(3, activation=scaled_tanh),
            keras.layers.Dense(2, kernel_regularizer=HalfL2()),
            *lambdas,
            keras.layers.Dense(1),
        ]
    )
    fitted = KerasRegressor(model, epochs=1, random_state=0).fit(X, y)
    assert isinstance(fitted.model_.layers[0], MyDense)
    assert fitted.model_.layers[0].activation is scaled_tanh
    np.testing.assert_array_equal(clone(fitted).fit(X, y).predict(X), fitted.predict(X))
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(fitted)).predict(X), fitted.predict(X))


def test_a_model_instance_nesting_a_model_of_the_users_parts(data):
    # the classes inside a nested model were looked up by name only
    X, y = data
    inner = keras.Sequential(
        [
            keras.Input((5,)),
            MyDense(3, activation=scaled_tanh),
            keras.layers.Dense(2, kernel_regularizer=HalfL2()),
        ]
    )
    model = keras.Sequential([keras.Input((5,)), inner, keras.layers.Dense(1)])
    fitted = KerasRegressor(model, epochs=1, random_state=0).fit(X, y)
    np.testing.assert_array_equal(clone(fitted).fit(X, y).predict(X), fitted.predict(X))
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(fitted)).predict(X), fitted.predict(X))


@pytest.mark.parametrize("builder", [lambda_network, lambda_activation_network])
@pytest.mark.parametrize("given", ["builder", "instance"])
def test_lambdas_bring_no_keras_warning_to_fit_and_predict(data, builder, given):
    # Keras warns that a configuration holding a lambda needs safe_mode=False
    # to load: skdl reads the configuration for itself, to clone and compare
    X, y = data
    reg = KerasRegressor(builder if given == "builder" else builder(None))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        reg.set_params(epochs=1, random_state=0).fit(X, y).predict(X)
    assert [str(w.message) for w in caught if "lambda" in str(w.message)] == []


def local_layer_network(meta):
    class Local(keras.layers.Layer):
        def call(self, x):
            return 2 * x

    return keras.Sequential([keras.Input((5,)), Local(), keras.layers.Dense(1)])


def test_objects_that_cannot_be_found_are_named_in_a_short_error(data, monkeypatch):
    X, y = data
    local = KerasRegressor(local_layer_network, epochs=1).fit(X, y)
    with pytest.raises(TypeError, match=f"class Local of module {__name__}. Define") as info:
        copy.deepcopy(local)
    assert len(str(info.value)) < 500
    # an object given in a custom object scope where it loads is used
    with keras.saving.custom_object_scope({"Local": type(local.model_.layers[0])}):
        np.testing.assert_array_equal(copy.deepcopy(local).predict(X), local.predict(X))
    pickled = pickle.dumps(KerasRegressor(unregistered_parts, epochs=1).fit(X, y))
    monkeypatch.delattr(sys.modules[__name__], "MyDense")
    monkeypatch.delattr(sys.modules[__name__], "scaled_tanh")
    expected = f"class MyDense of module {__name__}; function scaled_tanh of module {__name__}"
    with pytest.raises(TypeError, match=expected) as info:
        pickle.loads(pickled)
    assert "register_keras_serializable" in str(info.value) and len(str(info.value)) < 500


CUSTOM_PARTS = """
import keras


class Doubling(keras.layers.Layer):
    def call(self, x):
        return 2 * x


def shifted_relu(x):
    return keras.ops.relu(x) - 0.1


def build(meta, activation=lambda x: keras.ops.tanh(x)):
    return keras.Sequential(
        [
            keras.Input((5,)),
            Doubling(),
            keras.layers.Dense(4, activation=shifted_relu),
            keras.layers.Dense(1, activation=activation),
        ]
    )
"""


def _script_module(file=None, code=""):
    """A module named ``__main__``: the script ``file`` running (written with
    ``code``), or an interpreter's (no file), as a worker's may be."""
    module = types.ModuleType("__main__")
    if file is not None:
        file.write_text(code)
        module.__file__ = str(file)
    exec(compile(code, str(file or "<stdin>"), "exec"), module.__dict__)
    return module


@pytest.mark.parametrize("network", ["lambda", "function_and_class", "model_parameter"])
def test_a_scripts_objects_load_where_another_script_runs(data, network, monkeypatch, tmp_path):
    """A joblib or Dask worker runs another ``__main__`` than the script that
    fitted: the script's functions and classes were not found there (loading
    failed), and its lambdas were rebuilt with the worker's globals (predict
    failed with a NameError), in a parallel search over a ``keras.Model``
    holding them or with a fitted estimator sent to workers."""
    X, y = data
    script = _script_module(tmp_path / "fit.py", CUSTOM_PARTS)
    monkeypatch.setitem(sys.modules, "__main__", script)
    if network == "model_parameter":
        model = script.build(None)  # the script's network, with its lambda
        estimator = KerasRegressor(model, epochs=1, random_state=0)
    else:
        builder = script.build
        if network == "function_and_class":
            builder = functools.partial(script.build, activation="linear")
        estimator = KerasRegressor(builder, epochs=1, random_state=0)
    estimator.fit(X, y)
    sent = cloudpickle.dumps(estimator)  # as joblib sends it
    rerun = types.ModuleType("__main__")  # the script again, its main block not run
    rerun.__file__ = script.__file__
    workers = [
        _script_module(tmp_path / "worker.py"),  # a loky worker's
        _script_module(),  # a spawned worker's, from an interpreter or a notebook
        rerun,
    ]
    for worker in workers:
        monkeypatch.setitem(sys.modules, "__main__", worker)
        received = pickle.loads(sent)
        np.testing.assert_array_equal(received.predict(X), estimator.predict(X))
        received.set_params(warm_start=True).fit(X, y)  # and trains on
        if network == "model_parameter":
            refit = clone(received).fit(X, y)
            np.testing.assert_array_equal(refit.predict(X), estimator.predict(X))
        returned = cloudpickle.dumps(received)  # as a worker returns it
    # back in the script, its lambdas see its globals again, as before the trip
    monkeypatch.setitem(sys.modules, "__main__", script)
    back = pickle.loads(returned)
    if network != "function_and_class":
        assert back.model_.layers[-1].activation.__globals__ is script.__dict__
    # a script that defines them uses its own, as pickle does
    loading_script = _script_module(tmp_path / "load.py", CUSTOM_PARTS)
    monkeypatch.setitem(sys.modules, "__main__", loading_script)
    loaded = pickle.loads(sent)
    assert type(loaded.model_.layers[0]) is loading_script.Doubling
    if network != "function_and_class":
        assert loaded.model_.layers[-1].activation.__globals__ is loading_script.__dict__


def test_custom_objects_load_in_a_fresh_process_where_importable(tmp_path):
    # unregistered parts in a module beside the scripts, and in each script's
    # __main__ (where pickle finds the builder too), as in a Hands-On ML program
    (tmp_path / "custom_parts.py").write_text(CUSTOM_PARTS)
    dump = """
        import custom_parts
        from skdl import KerasRegressor
        X = np.random.RandomState(0).normal(size=(30, 5))
        fitted = [KerasRegressor(b, epochs=1).fit(X, X[:, 0]) for b in (build, custom_parts.build)]
        joblib.dump(fitted, os.path.join(DIR, "fitted.joblib"))
        np.save(os.path.join(DIR, "X.npy"), X)
        np.save(os.path.join(DIR, "expected.npy"), [f.predict(X) for f in fitted])
        """
    load = """
        fitted = joblib.load(os.path.join(DIR, "fitted.joblib"))
        predictions = [f.predict(np.load(os.path.join(DIR, "X.npy"))) for f in fitted]
        assert np.array_equal(predictions, np.load(os.path.join(DIR, "expected.npy")))
        print([type(f.model_.layers[0]).__module__ for f in fitted])
        """
    prelude = f"import os, joblib, numpy as np\nDIR = {str(tmp_path)!r}\n"
    for name, code in (("dump.py", dump), ("load.py", load)):
        (tmp_path / name).write_text(prelude + CUSTOM_PARTS + textwrap.dedent(code))
        run = [sys.executable, str(tmp_path / name)]
        out = subprocess.run(run, capture_output=True, text=True, timeout=300)
        assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['__main__', 'custom_parts']"
