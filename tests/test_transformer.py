"""KerasTransformer and AutoencoderTransformer: encoders and autoencoders as transformers."""

import gc
import pickle
import tracemalloc
import warnings

import keras
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from estimator_checks import parametrize_with_checks, sample_weight_equivalence_fails
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.exceptions import ConvergenceWarning, UndefinedMetricWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import r2_score
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdl import AutoencoderTransformer, KerasTransformer, MLPRegressor

# short fits of AutoencoderTransformer stop at max_iter, as scikit-learn's MLPs do
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

# batch_size=16: the 15 rows of check_sample_weight_equivalence_on_dense_data make
# one batch, their 27 repetitions two (see expected_failed_checks)
CHECKED = [
    KerasTransformer(
        hidden_layer_sizes=(8,), output_layer=0, batch_size=16, epochs=5, random_state=0
    ),
    AutoencoderTransformer(hidden_layer_sizes=(8,), batch_size=16, max_iter=5, random_state=0),
]


def expected_failed_checks(estimator):
    """``check_sample_weight_equivalence_on_dense_data`` (and ``_on_sparse_data``)
    fits 15 rows with integer
    weights and, separately, the 27 rows they repeat, and compares the outputs at
    float64 tolerance (rtol=1e-7). In mini-batches of 16 the weighted fit takes one
    step per epoch and the repeated fit two, so the two networks differ (and
    Keras computes in float32). Integer weights equal repeated rows for full-batch
    training at float32 tolerance, which ``test_sample_weight_equivalence_float32``
    checks, as for the other estimators."""
    return sample_weight_equivalence_fails(
        "mini-batches of 16: the repeated rows take two steps per epoch, the "
        "weighted rows one; see test_sample_weight_equivalence_float32"
    )


@parametrize_with_checks(CHECKED, expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible_transformer(estimator, check):
    check(estimator)


@pytest.fixture(scope="module")
def data():
    """Standardised data that lie near a 2-D subspace of 6-D space."""
    rng = np.random.RandomState(0)
    codes = rng.normal(size=(200, 2))
    X = codes @ rng.normal(size=(2, 6)) + 0.05 * rng.normal(size=(200, 6))
    return StandardScaler().fit_transform(X)


def build_autoencoder(meta, code_size=2):
    n_features = meta["n_features_in_"]
    return keras.Sequential(
        [
            keras.Input((n_features,)),
            keras.layers.Dense(16, activation="tanh", name="hidden"),
            keras.layers.Dense(code_size, name="code"),
            keras.layers.Dense(16, activation="tanh"),
            keras.layers.Dense(n_features),
        ]
    )


FAST = dict(epochs=40, random_state=0, optimizer__learning_rate=0.01)  # to learn
QUICK = dict(epochs=3, random_state=0)  # to check the mechanics
# the same for AutoencoderTransformer, which has the MLP presets' parameters
AE_FAST = dict(max_iter=40, batch_size=32, learning_rate_init=0.01, random_state=0)
AE_QUICK = dict(max_iter=3, random_state=0)


@pytest.mark.parametrize(
    "Estimator, training",
    [
        (KerasTransformer, dict(epochs=10)),
        # alpha is scaled by the batch size, which differs between the two fits
        (AutoencoderTransformer, dict(max_iter=10, alpha=0.0)),
    ],
)
def test_sample_weight_equivalence_float32(Estimator, training, data):
    """Integer weights equal repeated rows for full-batch training, at float32 tolerance."""
    X = data[:40]
    weights = np.random.RandomState(1).randint(0, 3, size=40)
    X_rep = np.repeat(X, weights, axis=0)
    params = dict(hidden_layer_sizes=(8,), shuffle=False, random_state=0, **training)
    weighted = Estimator(batch_size=len(X), **params).fit(X, sample_weight=weights)
    repeated = Estimator(batch_size=len(X_rep), **params).fit(X_rep)
    np.testing.assert_allclose(
        weighted.transform(data[40:60]), repeated.transform(data[40:60]), rtol=1e-4, atol=1e-5
    )
    uniform = Estimator(batch_size=len(X), **params).fit(X)
    assert not np.allclose(uniform.transform(data[40:60]), weighted.transform(data[40:60]))


def test_unsupervised_fit_reconstructs_X(data):
    ae = KerasTransformer(build_autoencoder, output_layer="code", **FAST).fit(data)
    assert ae.n_outputs_ == data.shape[1]
    codes = ae.transform(data)
    assert codes.shape == (200, 2) and codes.dtype == np.float64
    reconstruction = ae.inverse_transform(codes)
    assert reconstruction.shape == data.shape and reconstruction.dtype == np.float64
    # fitted on float64 X, float64 whatever X, as scikit-learn's PCA; fitted
    # on float32 X, float32 codes (of float32 X) decode to float32
    codes32 = ae.transform(data.astype(np.float32))
    assert codes32.dtype == ae.inverse_transform(codes32).dtype == np.float64
    ae32 = clone(ae).fit(data.astype(np.float32))
    codes32 = ae32.transform(data.astype(np.float32))
    assert codes32.dtype == ae32.inverse_transform(codes32).dtype == np.float32
    assert ae32.transform(data).dtype == np.float64
    # the whole network maps X to its reconstruction
    np.testing.assert_allclose(
        reconstruction, ae.model_.predict(data, verbose=0), rtol=1e-4, atol=1e-5
    )
    assert np.mean((reconstruction - data) ** 2) < 0.1 * np.var(data)
    with pytest.raises(ValueError, match="Input X contains NaN"):
        ae.inverse_transform(np.full((2, 2), np.nan))


def test_supervised_fit_learns_y(data):
    y = data[:, :2] @ np.array([1.0, -2.0])
    est = KerasTransformer(hidden_layer_sizes=(16,), **FAST).fit(data, y)
    assert est.n_outputs_ == 1
    prediction = est.transform(data)
    assert prediction.shape == (200, 1)
    assert np.mean((prediction[:, 0] - y) ** 2) < 0.1 * np.var(y)
    # the hidden layer gives learned features; the layers after it predict y, not X
    est.set_params(output_layer=0, epochs=1).fit(data, y)
    assert est.transform(data).shape == (200, 16)
    with pytest.raises(ValueError, match="predict the 1 column.*not the 6 features of X"):
        est.inverse_transform(est.transform(data))


def test_denoising_autoencoder(data):
    """Fitted on (X_noisy, X), the layers after the code reconstruct X: they decode."""
    noisy = data + 0.3 * np.random.RandomState(1).normal(size=data.shape)
    est = KerasTransformer(build_autoencoder, output_layer="code", **FAST).fit(noisy, data)
    denoised = est.inverse_transform(est.transform(noisy))
    assert denoised.shape == data.shape
    assert np.mean((denoised - data) ** 2) < np.mean((noisy - data) ** 2)


def test_supervised_param(data):
    y = data[:, 0]
    # False: y is ignored, as a Pipeline hands it to every step
    ignored = KerasTransformer(build_autoencoder, supervised=False, **QUICK).fit(data, y)
    plain = KerasTransformer(build_autoencoder, **QUICK).fit(data)
    np.testing.assert_array_equal(ignored.transform(data), plain.transform(data))
    with pytest.raises(ValueError, match="supervised=True, which needs targets"):
        KerasTransformer(supervised=True, epochs=1).fit(data)
    # "auto" with an autoencoder's y: the error suggests supervised=False
    with pytest.raises(ValueError, match="set supervised=False"):
        KerasTransformer(build_autoencoder, epochs=1).fit(data, y)
    with pytest.raises(ValueError, match="supervised"):
        KerasTransformer(supervised="yes").fit(data)


def test_non_numeric_y_suggests_an_autoencoder(data):
    labels = np.where(data[:, 0] > 0, "big", "small")
    with pytest.raises(ValueError, match="non-numeric values such as 'small'.*supervised=False"):
        KerasTransformer(epochs=1).fit(data, labels)
    with pytest.raises(ValueError, match="such as 'small'"):  # object dtype, as from pandas
        KerasTransformer(epochs=1).fit(data, pd.Series(labels, dtype=object))
    assert KerasTransformer(supervised=False, **QUICK).fit(data, labels).n_outputs_ == 6


def test_numeric_targets_with_missing_values_or_sparse_are_not_labels(data):
    n = len(data)
    flags = pd.Series(np.arange(n) % 2 == 0, dtype="boolean")
    flags[3] = pd.NA
    with pytest.raises(ValueError, match="Input y contains NaN"):  # not "non-numeric"
        KerasTransformer(epochs=1).fit(data, flags)
    sparse = sp.csr_matrix(np.where(data[:, :2] > 1, data[:, :2], 0))
    assert KerasTransformer(**QUICK).fit(data, sparse).n_outputs_ == 2  # as KerasRegressor


def test_default_network_is_an_autoencoder(data):
    est = KerasTransformer(hidden_layer_sizes=(3,), epochs=1, random_state=0).fit(data)
    assert [layer.units for layer in est.model_.layers] == [3, 6]
    assert est.model_.layers[-1].get_config()["activation"] == "linear"
    assert est.transform(data).shape == data.shape  # output_layer=None: the reconstruction
    with pytest.raises(ValueError, match="output_layer=None.*Set output_layer"):
        est.inverse_transform(data)


def test_output_layer_by_name_and_index(data):
    params = dict(epochs=2, random_state=0)
    by_name = KerasTransformer(build_autoencoder, output_layer="hidden", **params).fit(data)
    by_index = KerasTransformer(build_autoencoder, output_layer=0, **params).fit(data)
    by_negative = KerasTransformer(build_autoencoder, output_layer=-4, **params).fit(data)
    expected = by_name.transform(data)
    assert expected.shape == (200, 16)
    np.testing.assert_array_equal(by_index.transform(data), expected)
    np.testing.assert_array_equal(by_negative.transform(data), expected)
    # the code layer is the output of the layer, as Keras computes it
    code = keras.Model(by_name.model_.inputs, by_name.model_.get_layer("hidden").output)
    np.testing.assert_allclose(expected, code.predict(data, verbose=0), rtol=1e-5, atol=1e-6)


def test_keras_model_instance_keeps_its_layer_names(data):
    model = build_autoencoder({"n_features_in_": 6})
    est = KerasTransformer(model, output_layer="code", **QUICK).fit(data)
    assert est.model_ is not model and est.transform(data).shape == (200, 2)
    assert est.inverse_transform(est.transform(data)).shape == data.shape


def build_functional(meta):
    inputs = keras.Input((meta["n_features_in_"],))
    code = keras.layers.Dense(2, name="code")(inputs)
    outputs = keras.layers.Dense(meta["n_features_in_"])(code)
    return keras.Model(inputs, outputs)


def test_functional_model_and_its_decoder(data):
    est = KerasTransformer(build_functional, output_layer="code", **QUICK).fit(data)
    assert [layer.name for layer in est.model_.layers][1] == "code"
    codes = est.transform(data)
    np.testing.assert_allclose(
        est.inverse_transform(codes), est.model_.predict(data, verbose=0), rtol=1e-4, atol=1e-5
    )
    restored = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(restored.inverse_transform(codes), est.inverse_transform(codes))


def test_bad_output_layer_names_the_layers(data):
    with pytest.raises(ValueError, match=r"output_layer='nope'.*\['hidden', 'code'"):
        KerasTransformer(build_autoencoder, output_layer="nope", epochs=1).fit(data)
    with pytest.raises(ValueError, match="output_layer=7 is out of range.*4 layers"):
        KerasTransformer(build_autoencoder, output_layer=7, epochs=1).fit(data)
    with pytest.raises(ValueError, match="output_layer"):
        KerasTransformer(output_layer=1.5).fit(data)


def test_decoder_errors(data):
    last = KerasTransformer(build_autoencoder, output_layer=-1, epochs=1).fit(data)
    assert last.transform(data).shape == data.shape
    with pytest.raises(ValueError, match="last layer"):
        last.inverse_transform(data)

    def build_skip(meta):
        inputs = keras.Input((meta["n_features_in_"],))
        hidden = keras.layers.Dense(4, name="hidden")(inputs)
        code = keras.layers.Dense(2, name="code")(hidden)
        joined = keras.layers.Concatenate()([code, hidden])
        return keras.Model(inputs, keras.layers.Dense(meta["n_features_in_"])(joined))

    skip = KerasTransformer(build_skip, output_layer="code", epochs=1).fit(data)
    assert skip.transform(data).shape == (200, 2)  # the encoder works
    with pytest.raises(ValueError, match="skip connections"):
        skip.inverse_transform(skip.transform(data))

    ae = KerasTransformer(build_autoencoder, output_layer="code", epochs=1).fit(data)
    with pytest.raises(ValueError, match="codes of 2 features"):
        ae.inverse_transform(data)


def test_subclassed_model_cannot_be_cut(data):
    class Autoencoder(keras.Model):
        def __init__(self, n_features):
            super().__init__()
            self.code = keras.layers.Dense(2)
            self.out = keras.layers.Dense(n_features)

        def call(self, x):
            return self.out(self.code(x))

    def build(meta):
        return Autoencoder(meta["n_features_in_"])

    whole = KerasTransformer(build, epochs=1).fit(data)  # output_layer=None works
    assert whole.transform(data).shape == data.shape
    with pytest.raises(ValueError, match="subclassed keras.Model"):
        KerasTransformer(build, output_layer=0, epochs=1).fit(data)


def test_autoencoder_reconstructs_better_than_the_variance(data):
    ae = AutoencoderTransformer(encoding_dim=2, **AE_FAST).fit(data)
    assert [layer.name for layer in ae.model_.layers] == ["encoding", "reconstruction"]
    codes = ae.transform(data)
    assert codes.shape == (200, 2)
    error = np.mean((ae.inverse_transform(codes) - data) ** 2)
    assert error < 0.1 * np.var(data)


def test_autoencoder_layers_mirror_hidden_sizes(data):
    ae = AutoencoderTransformer(3, hidden_layer_sizes=(8, 4), activation="tanh", max_iter=1)
    ae.fit(data)
    assert [(layer.name, layer.units) for layer in ae.model_.layers] == [
        ("encoder_0", 8),
        ("encoder_1", 4),
        ("encoding", 3),
        ("decoder_0", 4),
        ("decoder_1", 8),
        ("reconstruction", 6),
    ]
    assert ae.model_.get_layer("encoder_0").get_config()["activation"] == "tanh"
    assert ae.model_.get_layer("encoding").get_config()["activation"] == "linear"
    one_layer = AutoencoderTransformer(hidden_layer_sizes=5, max_iter=1).fit(data)
    assert [layer.units for layer in one_layer.model_.layers] == [5, 2, 5, 6]
    # scikit-learn's MLP names of activations work as in the MLP presets
    logistic = AutoencoderTransformer(hidden_layer_sizes=4, activation="logistic", max_iter=1)
    assert logistic.fit(data).model_.layers[0].get_config()["activation"] == "sigmoid"


def test_autoencoder_ignores_y(data):
    with_y = AutoencoderTransformer(**AE_QUICK).fit(data, np.arange(200))
    without = AutoencoderTransformer(**AE_QUICK).fit(data)
    np.testing.assert_array_equal(with_y.transform(data), without.transform(data))


def test_autoencoder_has_the_parameters_of_the_mlp_presets(data):
    """The MLP presets' parameters and defaults (scikit-learn's MLP), less the
    regressor's loss and L-BFGS' max_fun, plus the code size."""
    ae = AutoencoderTransformer()
    mlp = MLPRegressor().get_params()
    expected = {k: v for k, v in mlp.items() if k not in ("loss", "max_fun")}
    expected.update(encoding_dim=2, hidden_layer_sizes=())
    assert ae.get_params() == expected
    assert clone(ae).get_params() == expected
    # routed parameters reach the optimizer, as for the presets
    ae.set_params(optimizer__clipnorm=1.0).fit(data[:20])
    assert ae.model_.optimizer.clipnorm == 1.0
    assert clone(ae).get_params() == ae.get_params()
    for bad, match in [
        (dict(encoding_dim=0), "encoding_dim"),
        (dict(hidden_layer_sizes=(8, 0)), "hidden_layer_sizes must hold positive"),
        (dict(activation="nope"), "activation='nope' is not an activation"),
        (dict(max_iter=0), "max_iter"),
        (dict(solver="lbfgs"), "solver='lbfgs' is not available"),
        (dict(max_fun=10), "max_fun"),
    ]:
        with pytest.raises((TypeError, ValueError), match=match):
            AutoencoderTransformer(**{"max_iter": 1, **bad}).fit(data)


def test_autoencoder_fitted_attributes_like_the_mlp_presets(data):
    with pytest.warns(ConvergenceWarning, match=r"Maximum iterations \(7\) reached"):
        ae = AutoencoderTransformer(3, hidden_layer_sizes=(8,), max_iter=7, random_state=0)
        ae.fit(data)
    assert ae.n_iter_ == 7 and ae.t_ == 7 * 200
    assert len(ae.loss_curve_) == 7 and ae.loss_ == ae.loss_curve_[-1]
    assert ae.best_loss_ == min(ae.loss_curve_)
    assert ae.validation_scores_ is None and ae.best_validation_score_ is None
    assert ae.n_layers_ == 5 and ae.n_outputs_ == 6 and ae.out_activation_ == "identity"
    assert [c.shape for c in ae.coefs_] == [(6, 8), (8, 3), (3, 8), (8, 6)]
    assert [b.shape for b in ae.intercepts_] == [(8,), (3,), (8,), (6,)]
    # the coefficients are the network's weights: encoder then decoder
    hidden = np.maximum(data @ ae.coefs_[0] + ae.intercepts_[0], 0)
    codes = hidden @ ae.coefs_[1] + ae.intercepts_[1]
    np.testing.assert_allclose(ae.transform(data), codes, rtol=1e-4, atol=1e-5)
    hidden = np.maximum(codes @ ae.coefs_[2] + ae.intercepts_[2], 0)
    rebuilt = hidden @ ae.coefs_[3] + ae.intercepts_[3]
    np.testing.assert_allclose(ae.inverse_transform(codes), rebuilt, rtol=1e-4, atol=1e-5)
    # the loss is scikit-learn's: half the mean squared error, plus the L2 penalty
    unpenalised = AutoencoderTransformer(3, hidden_layer_sizes=(8,), alpha=0.0, max_iter=1)
    unpenalised.set_params(shuffle=False, batch_size=200, random_state=0, learning_rate_init=1e-9)
    unpenalised.fit(data)
    error = np.mean((unpenalised.inverse_transform(unpenalised.transform(data)) - data) ** 2)
    assert unpenalised.loss_ == pytest.approx(error / 2, rel=1e-3)


def test_autoencoder_stopping_rule(data):
    # the training loss must improve by tol within n_iter_no_change epochs
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        ae = AutoencoderTransformer(tol=1e3, n_iter_no_change=2, max_iter=50, random_state=0)
        ae.fit(data)
    assert ae.n_iter_ == 4  # improved at the first epoch, then 3 epochs without
    with pytest.warns(ConvergenceWarning):
        AutoencoderTransformer(tol=1e3, n_iter_no_change=2, max_iter=3).fit(data)


def test_autoencoder_score_is_the_reconstruction_r2(data):
    ae = AutoencoderTransformer(encoding_dim=2, **AE_FAST).fit(data)
    rebuilt = ae.inverse_transform(ae.transform(data))
    expected = r2_score(data, rebuilt, multioutput="variance_weighted")
    assert ae.score(data) == pytest.approx(expected, rel=1e-6)
    assert ae.score(data, np.arange(200)) == ae.score(data)  # y is ignored
    assert 0.9 < ae.score(data) < 1.0  # the data lie near a 2-D subspace
    weights = np.r_[np.ones(100), np.zeros(100)]
    assert ae.score(data, sample_weight=weights) == pytest.approx(ae.score(data[:100]))
    with pytest.raises(ValueError, match="X has 5 features"):
        ae.score(data[:, :5])
    # a search without a scorer compares reconstructions
    search = GridSearchCV(AutoencoderTransformer(**AE_FAST), {"encoding_dim": [1, 2]}, cv=2)
    assert search.fit(data).best_params_ == {"encoding_dim": 2}
    with pytest.warns(UndefinedMetricWarning):  # as r2_score: undefined for one sample
        assert np.isnan(ae.score(data[:1]))


def test_autoencoder_score_holds_a_chunk_of_rows_at_a_time():
    """No float64 copy of ``X``, nor the whole reconstruction, in memory at once."""
    X = np.random.RandomState(0).normal(size=(4000, 300)).astype(np.float32)
    ae = AutoencoderTransformer(**AE_QUICK).fit(X)
    reconstruction = ae.inverse_transform(ae.transform(X)).astype(np.float64)  # float32 for X's
    expected = r2_score(X.astype(np.float64), reconstruction, multioutput="variance_weighted")
    # what the first prediction of a network allocates once (a compiled function's
    # trace, and garbage that waits for the collector) is not the chunks' memory
    ae.score(X[:10])
    gc.collect()
    tracemalloc.start()
    try:
        score = ae.score(X)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert score == pytest.approx(expected, rel=1e-6)
    assert peak < X.nbytes / 2  # whole, one float64 copy alone is twice X.nbytes


def test_autoencoder_early_stopping_on_the_reconstruction_r2(data):
    weights = []  # the network's weights after each epoch

    class Snapshot(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            weights.append(self.model.get_weights())

    params = dict(AE_FAST, learning_rate_init=0.1)  # a noisy validation score
    ae = AutoencoderTransformer(
        encoding_dim=2, early_stopping=True, n_iter_no_change=5, callbacks=[Snapshot], **params
    ).fit(data)
    scores = ae.validation_scores_
    assert len(scores) == len(weights) == ae.n_iter_ < 40  # stopped by the rule
    assert ae.best_validation_score_ == max(scores) > 0.9
    assert ae.best_loss_ is None
    # the weights of the best epoch, not of the last, are kept
    best = int(np.argmax(scores))
    assert best < ae.n_iter_ - 1
    for kept, snapshot in zip(ae.model_.get_weights(), weights[best]):
        np.testing.assert_array_equal(kept, snapshot)


def test_autoencoder_early_stopping_splits_X_once():
    """Its targets are X itself: the validation split copies X's rows once, not
    once more for the targets (and the training pipeline then holds them once)."""
    X = np.random.RandomState(0).normal(size=(4000, 300)).astype(np.float32)
    params = dict(max_iter=2, early_stopping=True, random_state=0)
    AutoencoderTransformer(**params).fit(X[:500])  # compiled once, outside the count
    tracemalloc.start()
    try:
        AutoencoderTransformer(**params).fit(X)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 3 * X.nbytes  # 2 X.nbytes here; with the targets split too, 3.9


def test_autoencoder_solvers_penalty_and_keras_extras(data):
    params = dict(hidden_layer_sizes=(8,), max_iter=20, batch_size=32, random_state=0)
    small = AutoencoderTransformer(alpha=1e-5, learning_rate_init=0.01, **params).fit(data)
    large = AutoencoderTransformer(alpha=10.0, learning_rate_init=0.01, **params).fit(data)
    assert np.sum(large.coefs_[0] ** 2) < 0.5 * np.sum(small.coefs_[0] ** 2)
    sgd = AutoencoderTransformer(
        solver="sgd", learning_rate="invscaling", learning_rate_init=0.1, **params
    ).fit(data)
    lr = float(sgd.model_.optimizer.learning_rate.numpy())
    assert type(sgd.model_.optimizer).__name__ == "SGD"
    assert lr == pytest.approx(0.1 / (sgd.t_ + 1) ** 0.5, rel=1e-5)  # set after each epoch
    extras = AutoencoderTransformer(dropout=0.2, batch_normalization=True, **params).fit(data)
    names = [type(layer).__name__ for layer in extras.model_.layers]
    assert names == ["Dense", "BatchNormalization", "Activation", "Dropout", "Dense"] + [
        "Dense", "BatchNormalization", "Activation", "Dropout", "Dense"
    ]  # fmt: skip
    assert extras.transform(data).shape == (200, 2) and extras.n_layers_ == 5


def test_clone_and_pickle_round_trip(data):
    for est in [
        AutoencoderTransformer(hidden_layer_sizes=(8,), **AE_QUICK),
        KerasTransformer(build_autoencoder, output_layer="code", **QUICK),
    ]:
        fitted = clone(est).fit(data)
        assert clone(fitted).get_params() == est.get_params()
        assert "model_" not in clone(fitted).__dict__
        restored = pickle.loads(pickle.dumps(fitted))
        codes = fitted.transform(data)
        np.testing.assert_array_equal(restored.transform(data), codes)
        np.testing.assert_array_equal(
            restored.inverse_transform(codes), fitted.inverse_transform(codes)
        )
        # the restored encoder still shares its weights with the network
        restored.model_.set_weights([0 * w for w in restored.model_.get_weights()])
        np.testing.assert_array_equal(restored.transform(data), 0)
    # output_layer=None: the restored transformer returns the network's output
    whole = KerasTransformer(hidden_layer_sizes=(4,), **QUICK).fit(data)
    restored = pickle.loads(pickle.dumps(whole))
    assert restored.encoder_ is restored.model_ and restored.decoder_ is None
    np.testing.assert_array_equal(restored.transform(data), whole.transform(data))


def test_random_state_reproducibility(data):
    first = AutoencoderTransformer(hidden_layer_sizes=(8,), max_iter=3, random_state=1).fit(data)
    second = AutoencoderTransformer(hidden_layer_sizes=(8,), max_iter=3, random_state=1).fit(data)
    other = AutoencoderTransformer(hidden_layer_sizes=(8,), max_iter=3, random_state=2).fit(data)
    np.testing.assert_array_equal(first.transform(data), second.transform(data))
    assert not np.allclose(first.transform(data), other.transform(data))


def test_warm_start_and_partial_fit_keep_training(data):
    ae = AutoencoderTransformer(warm_start=True, max_iter=2, random_state=0).fit(data)
    ae.fit(data)
    assert ae.n_iter_ == 2 and len(ae.history_["loss"]) == 4  # n_iter_: this fit's
    ae.partial_fit(data)
    assert ae.n_iter_ == 1 and len(ae.loss_curve_) == 5
    supervised = KerasTransformer(epochs=1, warm_start=True).fit(data, data[:, 0])
    with pytest.raises(ValueError, match="fitted with y"):
        supervised.fit(data)
    # a y given to a warm autoencoder is an error, not silently ignored
    with pytest.raises(ValueError, match="fitted without y.*supervised=False"):
        KerasTransformer(epochs=1, warm_start=True).fit(data).fit(data, data[:, 0])


def test_warm_fits_keep_the_sub_models(data):
    """Continued training reuses encoder_ and decoder_ (no new graph on the layers
    at each call), and they see the new weights; a new output_layer cuts anew."""
    est = KerasTransformer(build_autoencoder, output_layer="code", warm_start=True, **QUICK)
    est.fit(data)
    encoder, decoder = est.encoder_, est.decoder_
    codes = est.transform(data)
    est.partial_fit(data)
    est.fit(data)
    assert est.encoder_ is encoder and est.decoder_ is decoder
    assert not np.allclose(est.transform(data), codes)
    np.testing.assert_allclose(
        est.inverse_transform(est.transform(data)),
        est.model_.predict(data, verbose=0),
        rtol=1e-4,
        atol=1e-5,
    )
    est.set_params(output_layer="hidden").fit(data)
    assert est.encoder_ is not encoder and est.transform(data).shape == (200, 16)


def test_validation_data_of_an_autoencoder(data):
    ae = AutoencoderTransformer(max_iter=2, random_state=0)
    ae.fit(data[:150], validation_data=(data[150:], None))
    assert len(ae.history_["val_loss"]) == 2
    # the inputs alone say the same
    alone = clone(ae).fit(data[:150], validation_data=data[150:])
    assert alone.history_ == ae.history_
    frame = pd.DataFrame(data[150:])
    assert clone(ae).fit(data[:150], validation_data=frame).history_ == ae.history_
    # a supervised fit still needs the targets
    with pytest.raises(ValueError, match="validation_data must be a tuple"):
        KerasTransformer(epochs=1).fit(data, data[:, 0], validation_data=data[150:])


def test_feature_names_and_pandas_output(data):
    frame = pd.DataFrame(data, columns=[f"x{i}" for i in range(6)])
    ae = AutoencoderTransformer(encoding_dim=3, max_iter=2, random_state=0).fit(frame)
    names = ae.get_feature_names_out()
    assert names.tolist() == ["autoencodertransformer0", "autoencodertransformer1",
                              "autoencodertransformer2"]  # fmt: skip
    assert ae.get_feature_names_out(frame.columns).tolist() == names.tolist()
    with pytest.raises(ValueError, match="input_features"):
        ae.get_feature_names_out(["a", "b", "c", "d", "e", "f"])
    expected = ae.transform(frame)
    out = ae.set_output(transform="pandas").transform(frame)
    assert isinstance(out, pd.DataFrame) and out.columns.tolist() == names.tolist()
    np.testing.assert_array_equal(out.to_numpy(), expected)
    assert isinstance(ae.fit_transform(frame), pd.DataFrame)
    # and inverse_transform takes that DataFrame back
    assert ae.inverse_transform(out).shape == (200, 6)
    kt = KerasTransformer(hidden_layer_sizes=(4,), output_layer=0, epochs=1).fit(data)
    assert kt.get_feature_names_out().tolist() == [f"kerastransformer{i}" for i in range(4)]


def test_autoencoder_output_is_wrapped_once(data, monkeypatch):
    # its own transform and fit_transform (for their docstrings) wrap the
    # output for set_output once, as KerasTransformer's do
    import sklearn.utils._set_output as set_output

    assert "encoding" in AutoencoderTransformer.transform.__doc__
    assert "Ignored" in AutoencoderTransformer.fit_transform.__doc__
    wraps, wrap = [], set_output._wrap_data_with_container
    monkeypatch.setattr(
        set_output, "_wrap_data_with_container", lambda *a, **k: wraps.append(1) or wrap(*a, **k)
    )
    frame = pd.DataFrame(data, columns=[f"x{i}" for i in range(6)])
    ae = AutoencoderTransformer(encoding_dim=2, max_iter=1, random_state=0)
    ae.set_output(transform="pandas")
    out = ae.fit_transform(frame)
    assert isinstance(out, pd.DataFrame) and out.shape == (200, 2)
    # fit_transform's own wrap, and transform's inside it (as scikit-learn's)
    assert len(wraps) == 2
    wraps.clear()
    assert isinstance(ae.transform(frame), pd.DataFrame) and len(wraps) == 1


def test_clone_keeps_pandas_output(data):
    # as scikit-learn's clone does: a search over a pipeline set to pandas output
    # clones its steps, which must still return DataFrames
    frame = pd.DataFrame(data, columns=[f"x{i}" for i in range(6)])
    for transformer in (
        AutoencoderTransformer(encoding_dim=2, max_iter=1, random_state=0),
        KerasTransformer(hidden_layer_sizes=(3,), output_layer=0, epochs=1),
    ):
        copy = clone(transformer.set_output(transform="pandas"))
        assert isinstance(copy.fit(frame).transform(frame), pd.DataFrame)


def test_predict_batch_size_routing(data, monkeypatch):
    from skdl import _keras

    ae = AutoencoderTransformer(encoding_dim=3, max_iter=2, random_state=0).fit(data)
    expected = ae.inverse_transform(ae.transform(data))
    sizes = []

    def spy(model, X, batch_size):
        sizes.append(batch_size)
        return predict_batched(model, X, batch_size)

    predict_batched = _keras.predict_batched
    monkeypatch.setattr(_keras, "predict_batched", spy)
    ae.set_params(predict__batch_size=7)
    result = ae.inverse_transform(ae.transform(data))
    assert sizes == [7, 7]
    np.testing.assert_allclose(result, expected, rtol=1e-5, atol=1e-6)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:600], y[:600]


def test_pipeline_with_a_classifier(digits):
    X, y = digits
    pipe = make_pipeline(
        StandardScaler(),
        AutoencoderTransformer(encoding_dim=16, **AE_FAST),
        LogisticRegression(max_iter=500),
    )
    pipe.fit(X[:400], y[:400])  # the pipeline hands y to the autoencoder, which ignores it
    pca = make_pipeline(StandardScaler(), PCA(16), LogisticRegression(max_iter=500))
    pca.fit(X[:400], y[:400])
    # a linear autoencoder learns PCA's subspace: the codes classify as well
    assert pipe.score(X[400:], y[400:]) > pca.score(X[400:], y[400:]) - 0.05
    assert pipe[1].transform(pipe[0].transform(X[:5])).shape == (5, 16)


def test_grid_search_over_encoding_dim(digits):
    X, y = digits
    pipe = make_pipeline(
        StandardScaler(),
        AutoencoderTransformer(max_iter=5, batch_size=32, random_state=0),
        LogisticRegression(max_iter=300),
    )
    search = GridSearchCV(pipe, {"autoencodertransformer__encoding_dim": [2, 16]}, cv=2)
    search.fit(X[:300], y[:300])
    assert search.best_params_ == {"autoencodertransformer__encoding_dim": 16}
    assert search.best_estimator_[1].transform(np.zeros((1, 64))).shape == (1, 16)


def test_no_keras_on_import_or_clone():
    import subprocess
    import sys

    code = (
        "import pickle, sys\nfrom sklearn.base import clone\n"
        "from skdl import AutoencoderTransformer, KerasTransformer\n"
        "for est in (AutoencoderTransformer(), KerasTransformer(output_layer=0)):\n"
        "    pickle.loads(pickle.dumps(clone(est))).get_params()\n"
        "print(sorted(m for m in ('keras', 'tensorflow') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_an_autoencoder_does_not_check_its_targets_again(monkeypatch):
    """X was checked (finite, float32): its targets, X itself, are not copied to
    float64 to be checked again (n_samples × n_features × 8 bytes); y is."""
    import skdl.regressor

    checked = []
    monkeypatch.setattr(
        skdl.regressor, "assert_all_finite", lambda array, **kwargs: checked.append(array.shape)
    )
    X = np.random.RandomState(0).normal(size=(40, 3))
    KerasTransformer(epochs=1, random_state=0).fit(X)
    assert checked == []
    KerasTransformer(epochs=1, random_state=0).fit(X, X[:, :2])
    assert checked == [(40, 2)]


def test_a_sigmoid_autoencoder_of_standardized_X_warns(data):
    """The sigmoid of the Keras tutorials' autoencoders (pixels in [0, 1])
    cannot reconstruct standardized features."""

    def build(meta):
        n_features = meta["n_features_in_"]
        return keras.Sequential(
            [
                keras.Input((n_features,)),
                keras.layers.Dense(2, name="code"),
                keras.layers.Dense(n_features, activation="sigmoid"),
            ]
        )

    with pytest.warns(UserWarning, match=r"applies a sigmoid, whose outputs lie in \[0, 1\]"):
        KerasTransformer(build, output_layer="code", epochs=1).fit(data)
    scaled = (data - data.min(axis=0)) / (data.max(axis=0) - data.min(axis=0))
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        KerasTransformer(build, output_layer="code", epochs=1).fit(scaled)
