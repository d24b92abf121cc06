"""Model builders: signature introspection, meta, and errors."""

import inspect

import keras
import numpy as np
import pytest
import sklearn
from handson_ml import build_model
from sklearn.base import clone
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdl import KerasClassifier, KerasRegressor, KerasTransformer
from skdl._builder import builder_argument_names, builder_defaults


def test_book_builder_arguments_are_estimator_parameters():
    reg = KerasRegressor(build_model)
    params = reg.get_params()
    assert params["n_hidden"] == 1
    assert params["n_neurons"] == 30
    assert params["learning_rate"] == 3e-3
    assert params["input_shape"] == [8]
    assert reg.n_neurons == 30  # read like an attribute
    reg.set_params(n_hidden=2, learning_rate=1e-2)
    cloned = clone(reg)
    assert cloned.get_params()["n_hidden"] == 2
    assert cloned.get_params()["learning_rate"] == 1e-2


def test_repr_shows_builder_arguments_only_where_set():
    # as for the estimator's own parameters: a default is not printed
    assert repr(KerasClassifier()) == "KerasClassifier()"
    assert repr(KerasRegressor(epochs=3)) == "KerasRegressor(epochs=3)"
    assert repr(KerasRegressor(hidden_layer_sizes=(10,))) == (
        "KerasRegressor(hidden_layer_sizes=(10,))"
    )
    book = KerasRegressor(build_model)
    assert repr(book) == f"KerasRegressor(model={build_model!r})"
    assert repr(KerasTransformer(build_model)) == f"KerasTransformer(model={build_model!r})"
    book.set_params(n_hidden=2, optimizer__momentum=0.9)
    assert "n_hidden=2" in repr(book) and "optimizer__momentum=0.9" in repr(book)
    assert "n_neurons" not in repr(book)
    # nested in a pipeline, which scikit-learn's printer formats itself
    pipe = make_pipeline(StandardScaler(), KerasRegressor(epochs=5))
    assert "KerasRegressor(epochs=5)" in repr(pipe)
    # and every parameter where the user asks for them all
    with sklearn.config_context(print_changed_only=False):
        assert "n_neurons=30" in repr(KerasRegressor(build_model))


def test_builder_defaults_are_in_the_instance_signature_only():
    # the repr (text and HTML) reads the defaults from estimator.__init__'s
    # signature; the class's own parameters stay the estimator's
    signature = inspect.signature(KerasRegressor(build_model).__init__)
    assert signature.parameters["n_neurons"].default == 30
    assert list(signature.parameters)[-1] == "kwargs"
    assert "n_neurons" not in inspect.signature(KerasRegressor).parameters
    assert "hidden_layer_sizes" not in KerasClassifier._get_param_names()
    assert inspect.signature(KerasClassifier().__init__).parameters["activation"].default == "relu"


def test_html_repr_flags_only_builder_arguments_that_were_set():
    reg = KerasRegressor(hidden_layer_sizes=(10,))
    if not hasattr(reg, "_get_params_html"):
        pytest.skip("scikit-learn < 1.7 shows no parameter table")
    assert reg._get_params_html().non_default == ("hidden_layer_sizes",)


def build_small(meta, n_units=4):
    return keras.Sequential([keras.Input((meta["n_features_in_"],)), keras.layers.Dense(n_units),
                             keras.layers.Dense(1)])  # fmt: skip


def test_a_users_subclass_prints_its_builder_defaults_as_defaults():
    class SmallRegressor(KerasRegressor):
        def __init__(self, model=build_small, *, epochs=3, **kwargs):
            super().__init__(model, epochs=epochs, **kwargs)

    assert repr(SmallRegressor()) == "SmallRegressor()"
    assert repr(SmallRegressor(n_units=8)) == "SmallRegressor(n_units=8)"
    assert clone(SmallRegressor(n_units=8)).get_params()["n_units"] == 8


def test_builder_receives_parameters_and_meta():
    seen = {}

    def build(meta, n_units=4, loss=None):
        seen.update(meta=meta, n_units=n_units, loss=loss)
        return keras.Sequential(
            [
                keras.Input((meta["n_features_in_"],)),
                keras.layers.Dense(n_units),
                keras.layers.Dense(meta["n_outputs_"], activation=meta["out_activation_"]),
            ]
        )

    X = np.random.RandomState(0).normal(size=(20, 3))
    y = np.array(["a", "b", "c", "d"] * 5)
    KerasClassifier(build, n_units=5, loss="sparse_categorical_crossentropy").fit(X, y)
    assert seen["n_units"] == 5
    assert seen["loss"] == "sparse_categorical_crossentropy"  # estimator params by name
    meta = seen["meta"]
    assert meta["n_features_in_"] == 3
    assert meta["n_classes_"] == 4
    assert meta["n_outputs_"] == 4
    assert meta["target_type_"] == "multiclass"
    assert meta["out_activation_"] == "softmax"
    assert list(meta["classes_"]) == ["a", "b", "c", "d"]


def _dynamic_model(X, y, loss, layers=(10,)):
    # keras.wrappers.SKLearnClassifier's documented builder, as written there
    n_features_in = X.shape[1]
    inp = keras.Input(shape=(n_features_in,))
    hidden = inp
    for layer_size in layers:
        hidden = keras.layers.Dense(layer_size, activation="relu")(hidden)
    n_outputs = y.shape[1] if len(y.shape) > 1 else 1
    out = keras.layers.Dense(n_outputs, activation="softmax")(hidden)
    model = keras.Model(inp, out)
    model.compile(loss=loss, optimizer="rmsprop")
    return model


@pytest.mark.parametrize("labels", [["no", "yes"], ["a", "b", "c"]])
def test_builder_of_keras_own_wrapper_takes_X_and_y(labels):
    # Keras' wrappers call model(X=X, y=y, **model_kwargs), y one-hot for a classifier
    rng = np.random.RandomState(0)
    X = rng.normal(size=(30, 4))
    y = np.resize(labels, 30)
    clf = KerasClassifier(
        _dynamic_model, loss="categorical_crossentropy", layers=[5], epochs=1, verbose=0
    )
    assert "X" not in clf.get_params() and "y" not in clf.get_params()
    clf.fit(X, y)
    assert clf.model_.output_shape == (None, len(labels))
    proba = clf.predict_proba(X)
    assert proba.shape == (30, len(labels))
    keras_proba = clf.model_.predict(X.astype(np.float32), verbose=0)
    np.testing.assert_allclose(proba, keras_proba, rtol=1e-5)
    assert set(clf.predict(X)) <= set(labels)


def test_builder_receives_the_training_data():
    seen = []

    def build(X=None, y=None, meta=None, units=3):  # defaults make no parameters
        seen.append((X, y, meta))
        return keras.Sequential([keras.Input((X.shape[1],)), keras.layers.Dense(y.shape[1])])

    rng = np.random.RandomState(0)
    X, Y = rng.normal(size=(12, 3)), rng.normal(size=(12, 2))
    reg = KerasRegressor(build, epochs=1, verbose=0).fit(X, Y)
    assert "units" in reg.get_params()
    assert "X" not in reg.get_params() and "y" not in reg.get_params()
    X_seen, y_seen, meta = seen[-1]
    np.testing.assert_allclose(X_seen, X, rtol=1e-6)  # as the network takes it: float32
    assert X_seen.dtype == y_seen.dtype == np.float32
    np.testing.assert_allclose(y_seen, Y, rtol=1e-6)
    assert "X" not in meta and "y" not in meta
    KerasRegressor(build, epochs=1, verbose=0).fit(X, Y[:, 0])
    assert seen[-1][1].shape == (12, 1)  # one column per output
    # a multilabel indicator as given; partial_fit builds on its first batch
    labels = (Y > 0).astype(int)
    KerasClassifier(build, epochs=1, verbose=0).partial_fit(X[:5], labels[:5])
    assert seen[-1][0].shape == (5, 3)
    np.testing.assert_array_equal(seen[-1][1], labels[:5])
    # an autoencoder fitted without y: y is None
    seen.clear()

    def encoder(X, y):
        seen.append(y)
        return keras.Sequential([keras.Input((X.shape[1],)), keras.layers.Dense(X.shape[1])])

    KerasTransformer(encoder, epochs=1, verbose=0).fit(X)
    assert seen == [None]


def test_builder_adapts_a_normalization_layer_to_each_training_fold():
    from sklearn.model_selection import KFold, cross_validate

    def build(X):
        norm = keras.layers.Normalization()
        norm.adapt(X)
        return keras.Sequential([keras.Input((X.shape[1],)), norm, keras.layers.Dense(1)])

    rng = np.random.RandomState(0)
    X = rng.normal(size=(30, 2)) + np.arange(30)[:, None]  # each fold's mean differs
    y = rng.normal(size=30)
    cv = KFold(3)
    result = cross_validate(
        KerasRegressor(build, epochs=1, verbose=0), X, y, cv=cv, return_estimator=True
    )
    for reg, (train, _) in zip(result["estimator"], cv.split(X)):
        mean = np.asarray(reg.model_.layers[0].mean).ravel()
        np.testing.assert_allclose(mean, X[train].mean(axis=0), rtol=1e-5)
        # each fold predicts with its own constants
        expected = reg.model_.predict(X.astype(np.float32), verbose=0).ravel()
        np.testing.assert_allclose(reg.predict(X), expected, rtol=1e-5, atol=1e-6)


def test_model_prefix_overrides_builder_argument():
    seen = {}

    def build(n_features_in_, n_units=4):  # a meta key asked for by name
        seen.update(n_features_in_=n_features_in_, n_units=n_units)
        return keras.Sequential([keras.Input((n_features_in_,)), keras.layers.Dense(1)])

    X, y = np.ones((8, 2)), np.arange(8.0)
    KerasRegressor(build, n_units=4, model__n_units=7).fit(X, y)
    assert seen == {"n_features_in_": 2, "n_units": 7}


def test_builder_with_kwargs_receives_extra_parameters():
    seen = {}

    def build(meta, **kwargs):
        seen.update(kwargs)
        return keras.Sequential([keras.Input((meta["n_features_in_"],)), keras.layers.Dense(1)])

    KerasRegressor(build, depth=3).fit(np.ones((4, 2)), np.arange(4.0))
    assert seen == {"depth": 3}


def test_introspection_helpers():
    def f(a, b=2, *args, meta=None, c=3, **kw):
        return None

    assert builder_defaults(f) == {"b": 2, "c": 3}
    assert builder_defaults(f, reserved={"c"}) == {"b": 2}
    names, any_kw = builder_argument_names(f)
    assert names == {"a", "b", "meta", "c"} and any_kw
    assert builder_defaults(None) == {}
    assert builder_defaults("not callable") == {}


def test_builders_of_any_kind_keep_their_own_arguments():
    """The signatures read once per builder stay each builder's own, for
    builders that cannot be remembered by reference too."""

    class Unhashable:  # __eq__ without __hash__
        def __eq__(self, other):
            return isinstance(other, Unhashable)

        def __call__(self, meta, width=4):
            return build_model(n_neurons=width, input_shape=[meta["n_features_in_"]])

    def narrow(meta, width=2):
        return build_model(n_neurons=width, input_shape=[meta["n_features_in_"]])

    def wide(meta, width=64, depth=2):
        return build_model(n_neurons=width, input_shape=[meta["n_features_in_"]])

    for _ in range(2):  # the second time from what was remembered
        assert builder_defaults(narrow) == {"width": 2}
        assert builder_defaults(wide) == {"width": 64, "depth": 2}
        assert builder_defaults(Unhashable()) == {"width": 4}
    reg = KerasRegressor(narrow)
    assert reg.width == 2
    reg.set_params(model=wide)
    assert (reg.width, reg.depth) == (64, 2)
    reg.set_params(model=Unhashable())
    assert reg.get_params()["width"] == 4
    # a function changed in place (IPython's autoreload replaces its code and
    # defaults) is read anew
    narrow.__defaults__ = (3,)
    assert KerasRegressor(narrow).width == 3
    narrow.__code__ = wide.__code__
    narrow.__defaults__ = wide.__defaults__
    assert (KerasRegressor(narrow).width, KerasRegressor(narrow).depth) == (64, 2)


def test_each_estimator_class_lists_its_own_parameters():
    """The names of ``__init__``'s parameters, read once per class, are not
    inherited by a subclass that has others."""

    class WithLayers(KerasRegressor):
        def __init__(self, model=None, *, n_layers=2, **kwargs):
            KerasRegressor.__init__(self, model, **kwargs)
            self.n_layers = n_layers

    assert "n_layers" not in KerasRegressor._get_param_names()
    assert WithLayers._get_param_names() == ["model", "n_layers"]
    assert "n_layers" not in KerasRegressor._get_param_names()
    assert WithLayers(n_layers=3).get_params()["n_layers"] == 3

    def __init__(self, model=None, *, n_layers=2, width=8, **kwargs):  # as autoreload does
        KerasRegressor.__init__(self, model, **kwargs)
        self.n_layers, self.width = n_layers, width

    WithLayers.__init__.__code__ = __init__.__code__
    WithLayers.__init__.__kwdefaults__ = __init__.__kwdefaults__
    assert WithLayers._get_param_names() == ["model", "n_layers", "width"]


def test_missing_builder_argument_names_the_fix():
    def build(n_layers):
        return keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])

    with pytest.raises(TypeError, match=r"needs argument\(s\) n_layers.*n_layers=\.\.\."):
        KerasRegressor(build).fit(np.ones((4, 2)), np.arange(4.0))
    KerasRegressor(build, n_layers=1).fit(np.ones((4, 2)), np.arange(4.0))


def test_builder_errors_are_explained():
    def raising():
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match=r"model builder \S*raising raised RuntimeError: boom"):
        KerasRegressor(raising).fit(np.ones((4, 2)), np.arange(4.0))
    with pytest.raises(TypeError, match="must return a keras.Model; it returned str"):
        KerasRegressor(lambda: "model").fit(np.ones((4, 2)), np.arange(4.0))
    with pytest.raises(Exception, match="model"):
        KerasRegressor(model=42).fit(np.ones((4, 2)), np.arange(4.0))
    # a layer is callable, but takes inputs (it was called as a builder, which
    # raised "missing a required argument: 'inputs'")
    with pytest.raises(TypeError, match=r"model=Dense\(...\) is a Keras layer, not a model"):
        KerasRegressor(model=keras.layers.Dense(1)).fit(np.ones((4, 2)), np.arange(4.0))
    # Keras' own classes build no network (they failed inside Keras, or with a
    # hint about subclassed models)
    for cls in (keras.Model, keras.Sequential):
        with pytest.raises(TypeError, match=rf"^model={cls.__name__} is Keras' own class"):
            KerasRegressor(cls).fit(np.ones((4, 2)), np.arange(4.0))
    # a Sequential model without Input: its first layer does not take X
    with pytest.raises(ValueError, match=r"one row of X, of shape \(1, 2\): begin the model"):
        KerasRegressor(
            lambda: keras.Sequential([keras.layers.Conv2D(2, 3), keras.layers.Dense(1)])
        ).fit(np.ones((4, 2)), np.arange(4.0))


def test_misspelled_facts_about_the_data_are_named():
    X, y = np.ones((4, 2)), np.arange(4.0)

    def build(n_features_in):
        return keras.Sequential([keras.Input((n_features_in,)), keras.layers.Dense(1)])

    with pytest.raises(TypeError, match=r"misspelled\? n_features_in -> n_features_in_\)"):
        KerasRegressor(build).fit(X, y)

    def build_from_meta(meta):
        return keras.Sequential([keras.Input((meta["n_features"],)), keras.layers.Dense(1)])

    with pytest.raises(KeyError, match=r"'n_features' \(if it was a key of meta: meta has n_fe"):
        KerasRegressor(build_from_meta).fit(X, y)


def test_unknown_parameter_suggests_fix():
    reg = KerasRegressor(build_model, n_hiden=2, optimizer_lr=0.1)
    with pytest.raises(ValueError) as info:
        reg.fit(np.ones((4, 8)), np.arange(4.0))
    assert "unexpected argument n_hiden, did you mean n_hidden?" in str(info.value)
    assert "did you mean optimizer__learning_rate?" in str(info.value)
