"""KerasRegressor: target shapes, R², output layers, multi-output models."""

import warnings

import keras
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import is_regressor
from sklearn.datasets import make_regression
from sklearn.metrics import r2_score

from skdl import KerasRegressor, MLPRegressor

FAST = dict(hidden_layer_sizes=(32,), epochs=20, random_state=0, optimizer__learning_rate=0.01)


@pytest.fixture(scope="module")
def data():
    X, y = make_regression(n_samples=200, n_features=5, n_targets=2, noise=1, random_state=0)
    return X, y / 100


def test_is_regressor():
    assert is_regressor(KerasRegressor())


def test_single_output_shape_and_r2(data):
    X, Y = data
    reg = KerasRegressor(**FAST).fit(X, Y[:, 0])
    pred = reg.predict(X)
    assert pred.shape == (200,) and pred.dtype == np.float64
    assert reg.score(X, Y[:, 0]) == pytest.approx(r2_score(Y[:, 0], pred))
    assert reg.score(X, Y[:, 0]) > 0.9
    assert reg.n_outputs_ == 1


@pytest.mark.parametrize("n_targets", [1, 2])
def test_2d_targets_keep_their_shape(data, n_targets):
    X, Y = data
    reg = KerasRegressor(**FAST).fit(X, Y[:, :n_targets])
    assert reg.predict(X).shape == (200, n_targets)
    assert reg.n_outputs_ == n_targets


def test_sparse_targets_train_as_their_dense_values(data):
    X, Y = data
    Y = np.where(Y > 0, Y, 0)  # mostly zeros, as sparse targets are
    fast = dict(FAST, epochs=2)
    sparse = KerasRegressor(**fast).fit(X, sp.csr_matrix(Y)).predict(X)
    assert isinstance(sparse, np.ndarray)
    np.testing.assert_array_equal(sparse, KerasRegressor(**fast).fit(X, Y).predict(X))


def test_output_layer_mismatch_is_explained(data):
    X, Y = data

    def build():
        return keras.Sequential([keras.Input((5,)), keras.layers.Dense(1)])

    with pytest.raises(ValueError, match=r"1 unit.*2 column.*Dense\(2\)"):
        KerasRegressor(build).fit(X, Y)


@pytest.mark.parametrize(
    "layers",
    [
        [keras.layers.LSTM(4, return_sequences=True), keras.layers.Dense(1)],
        [keras.layers.Dense(4), keras.layers.Dense(1)],  # Dense on each time step
    ],
    ids=["lstm-sequences", "dense-on-3d"],
)
def test_an_output_of_more_than_one_row_per_sample_is_refused(layers):
    """It trained on targets broadcast over the time steps, and predicted 10
    rows per sample."""
    X = np.random.RandomState(0).normal(size=(30, 10, 3))
    y = X[:, :, 0].sum(axis=1)

    def build():
        return keras.Sequential([keras.Input((10, 3)), *layers])

    with pytest.raises(ValueError, match=r"outputs samples of shape \(10, 1\).*flatten"):
        KerasRegressor(build, epochs=1).fit(X, y)


class _TwoInputs(keras.Model):
    """The book's subclassed model, written for model.fit((X_A, X_B), y)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.out = keras.layers.Dense(1)

    def call(self, inputs):
        input_a, input_b = inputs
        return self.out(keras.layers.concatenate([input_a, input_b]))


def test_a_subclassed_model_that_unpacks_its_inputs_is_told_how_to_split_X(data):
    X, Y = data
    with pytest.raises(
        ValueError, match=r"(?s)one row of X, of shape \(1, 5\).*inputs\[:, :5\].*unpack"
    ):
        KerasRegressor(_TwoInputs, epochs=1).fit(X, Y[:, 0])


def auxiliary_network(meta):
    """A regressor with a second, auxiliary output (weighted 0.1 in the loss)."""
    inputs = keras.Input((meta["n_features_in_"],))
    hidden = keras.layers.Dense(16, activation="relu")(inputs)
    main = keras.layers.Dense(1, name="main")(hidden)
    aux = keras.layers.Dense(1, name="aux")(hidden)
    model = keras.Model(inputs, [main, aux])
    model.compile(loss=["mse", "mse"], loss_weights=[0.9, 0.1], optimizer="adam")
    return model


def test_auxiliary_output_trains_on_the_same_target(data):
    """A second (auxiliary) output gets the same y; predictions use the first."""
    X, Y = data
    reg = KerasRegressor(auxiliary_network, epochs=5, random_state=0).fit(X, Y[:, 0])
    assert {"main_loss", "aux_loss"} <= set(reg.history_)
    main = keras.ops.convert_to_numpy(reg.model_(X.astype("float32"))[0]).ravel()
    np.testing.assert_allclose(reg.predict(X), main, rtol=1e-5, atol=1e-6)


def uncompiled_auxiliary_network(meta):
    model = auxiliary_network(meta)
    return keras.Model(model.inputs, model.outputs)  # the same layers, uncompiled


def test_loss_weights_of_an_auxiliary_output_weigh_the_default_loss(data):
    """With no loss given, skdl's own for every output: Keras counted one loss
    against two weights as an error."""
    X, Y = data
    params = dict(epochs=2, random_state=0)
    reg = KerasRegressor(uncompiled_auxiliary_network, compile__loss_weights=[0.9, 0.1], **params)
    compiled = KerasRegressor(auxiliary_network, **params)  # loss=["mse", "mse"] itself
    assert reg.fit(X, Y[:, 0]).history_ == compiled.fit(X, Y[:, 0]).history_
    # a loss given once, as well
    weights = {"main": 0.9, "aux": 0.1}
    reg.set_params(loss="mae", compile__loss_weights=weights).fit(X, Y[:, 0])
    assert reg.model_.loss == {"main": reg.model_.loss["main"], "aux": reg.model_.loss["main"]}


def test_metrics_of_a_network_of_several_outputs_are_the_main_outputs(data):
    """Keras takes one list of metrics per output, and failed on one list for
    two ("tuple arity mismatch"): the list is the main output's, whose
    predictions the estimator gives."""
    X, Y = data
    reg = KerasRegressor(
        uncompiled_auxiliary_network, metrics=["mae"], compile__weighted_metrics=["mse"], epochs=1
    ).fit(X, Y[:, 0])
    assert set(reg.history_) == {"loss", "main_loss", "aux_loss", "main_mae", "main_mse"}
    # a subclassed model returning a dict: Keras sorts its outputs ("aux" first)
    reg = KerasRegressor(MainAndAuxByName, metrics=["mae"], epochs=1).fit(X, Y[:, 0])
    assert "main_mae" in reg.history_ and "aux_mae" not in reg.history_


class MainAndAuxByName(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden, self.main, self.aux = (keras.layers.Dense(n) for n in (8, 1, 1))

    def call(self, inputs):
        hidden = self.hidden(inputs)
        return {"main": self.main(hidden), "aux": self.aux(hidden)}


def scalar_and_sequence_inputs(meta):
    """A user ID (one value per sample, keras.Input(())) and a sequence of item
    IDs of unknown length (keras.Input((None,))), as Keras' recommenders take them."""
    user, items = keras.Input((), dtype="int64"), keras.Input((None,), dtype="int64")
    pooled = keras.layers.GlobalAveragePooling1D()(keras.layers.Embedding(20, 4)(items))
    joined = keras.layers.concatenate([keras.layers.Embedding(10, 4)(user), pooled])
    return keras.Model([user, items], keras.layers.Dense(1)(joined))


def test_inputs_of_one_value_or_of_unknown_width_take_their_columns():
    """The ID input takes one column, 1-D; the sequence the columns left. Both
    failed with int(None)."""
    rng = np.random.RandomState(0)
    X = np.c_[rng.randint(0, 10, 60), rng.randint(0, 20, (60, 5))]
    y = X[:, 0] / 10.0
    reg = KerasRegressor(scalar_and_sequence_inputs, epochs=2, random_state=0).fit(X, y)
    keras_inputs = [X[:, 0], X[:, 1:]]
    np.testing.assert_allclose(
        reg.predict(X), reg.model_.predict(keras_inputs, verbose=0).ravel(), rtol=1e-5, atol=1e-6
    )
    with pytest.raises(ValueError, match=r"inputs of \[1, None\] features \(at least 2 in all\)"):
        reg.fit(X[:, :1], y)

    def two_unknown(meta):
        inputs = [keras.Input((None,), dtype="int64") for _ in range(2)]
        embedding, pool = keras.layers.Embedding(20, 4), keras.layers.GlobalAveragePooling1D()
        joined = keras.layers.concatenate([pool(embedding(i)) for i in inputs])
        return keras.Model(inputs, keras.layers.Dense(1)(joined))

    with pytest.raises(ValueError, match="2 inputs of unknown width"):
        KerasRegressor(two_unknown).fit(X, y)

    def one_id(meta):  # alone, it takes X's one column
        user = keras.Input((), dtype="int64")
        return keras.Model(user, keras.layers.Dense(1)(keras.layers.Embedding(10, 3)(user)))

    reg = KerasRegressor(one_id, epochs=2, validation_split=0.2, random_state=0).fit(X[:, :1], y)
    np.testing.assert_allclose(
        reg.predict(X[:, :1]), reg.model_.predict(X[:, 0], verbose=0).ravel(), atol=1e-6
    )


class MainAndAux(keras.Model):
    """Hands-On ML's subclassed model with an auxiliary output: it declares no
    outputs, its call() returns two."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = keras.layers.Dense(16, activation="relu")
        self.main = keras.layers.Dense(1)
        self.aux = keras.layers.Dense(1)

    def call(self, inputs):
        hidden = self.hidden(inputs)
        return self.main(hidden), self.aux(hidden)


@pytest.mark.parametrize(
    "compile_params", [{}, {"loss": ["mse", "mae"], "compile__loss_weights": [0.9, 0.1]}]
)
def test_a_subclassed_model_with_an_auxiliary_output(data, compile_params):
    X, Y = data
    reg = KerasRegressor(MainAndAux, epochs=2, random_state=0, **compile_params).fit(X, Y[:, 0])
    main = keras.ops.convert_to_numpy(reg.model_(X.astype("float32"))[0]).ravel()
    np.testing.assert_allclose(reg.predict(X), main, rtol=1e-5, atol=1e-6)
    assert len(reg.history_["loss"]) == 2


def test_class_weight_is_refused(data):
    X, Y = data
    with pytest.raises(ValueError, match="class_weight applies to classifiers"):
        KerasRegressor(epochs=1).fit(X, Y[:, 0], class_weight={0: 1})


@pytest.mark.parametrize("estimator", [KerasRegressor(epochs=1), MLPRegressor(max_iter=1)])
@pytest.mark.parametrize("missing", [None, "nan"])
def test_missing_targets_given_as_objects_or_strings_are_named(data, estimator, missing):
    # scikit-learn checks such a y before it makes numbers of it: NaN appears later
    X, Y = data
    y = np.array([*Y[:-1, 0].astype(str), missing], dtype=object)
    with pytest.raises(ValueError, match="Input y contains NaN"):
        estimator.fit(X, y)


def test_targets_beyond_float32_are_refused_with_the_fix(data):
    X, y = data
    with pytest.raises(ValueError, match="too large for float32.*TransformedTargetRegressor"):
        KerasRegressor(epochs=1).fit(X, y[:, 0].astype(np.float64) * 1e39)


@pytest.mark.parametrize("activation", ["sigmoid", "relu", "tanh"])
def test_an_output_activation_that_cannot_reach_the_targets_warns(data, activation):
    """A sigmoid copied from a classifier predicted in [0, 1] for targets in
    [-5, 5], silently (R² below 0)."""
    X, Y = data
    y = Y[:, 0] * 10

    def build(meta):
        return keras.Sequential(
            [keras.Input((meta["n_features_in_"],)), keras.layers.Dense(1, activation)]
        )

    with pytest.warns(UserWarning, match=rf"applies a {activation}, whose outputs lie in"):
        KerasRegressor(build, epochs=1).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        KerasRegressor(build, epochs=1).fit(X, (y - y.min()) / (y.max() - y.min()))


@pytest.mark.parametrize(
    "loss, match",
    [
        ("categorical_crossentropy", "takes a distribution over several units"),
        ("sparse_categorical_crossentropy", "takes class indices"),
    ],
)
def test_class_losses_on_one_output_are_refused(data, loss, match):
    """The categorical one was 0 whatever the weights (nothing trained), the
    sparse one failed inside TensorFlow with a page of graph nodes."""
    X, y = data[0], data[1][:, 0]
    with pytest.raises(ValueError, match=f"KerasRegressor got the loss {loss}, which {match}"):
        KerasRegressor(loss=loss, epochs=1).fit(X, y)


def _one_output_without_its_axis(meta):
    inputs = keras.Input((meta["n_features_in_"],))
    return keras.Model(inputs, keras.layers.Reshape(())(keras.layers.Dense(1)(inputs)))


def test_predictions_have_the_shape_of_the_fitted_y(data):
    """A network that gives one output without its unit axis, fitted on a
    column y, predicted 1-D."""
    X, y = data
    reg = KerasRegressor(_one_output_without_its_axis, epochs=1).fit(X, y[:, :1])
    assert reg.predict(X[:5]).shape == (5, 1)


def test_huge_equal_sample_weights_are_no_weights(data):
    """Their sum overflowed: every weight became 0 and nothing trained."""
    X, y = data
    reg = KerasRegressor(epochs=2, random_state=0)
    plain = reg.fit(X, y).predict(X)  # two targets
    weighted = reg.fit(X, y, sample_weight=np.full(len(y), 1e308)).predict(X)
    np.testing.assert_allclose(weighted, plain, rtol=1e-5, atol=1e-6)
