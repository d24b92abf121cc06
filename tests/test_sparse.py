"""A sparse X stays sparse: on TensorFlow, the networks skdl builds take it as
sparse tensors; otherwise only a batch at a time is made dense. The fit is the
fit on the dense X, on every backend (to rounding where sparse products add up
in another order)."""

import keras
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.metrics import r2_score
from test_persistence import dict_inputs_and_outputs, functional_two_inputs_two_outputs
from test_regressor import auxiliary_network

import skdl
from skdl import (
    AutoencoderTransformer,
    KerasClassifier,
    KerasRegressor,
    KerasTransformer,
    MLPClassifier,
    MLPRegressor,
    WideAndDeepRegressor,
)
from skdl._keras import clone_network
from skdl._sparse import dense_batches, takes_sparse, training_data

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

N_ROWS = 600


@pytest.fixture
def sparse_data():
    """A TF-IDF-like matrix: 600 rows, 40 columns, 10% of them stored."""
    X = sp.random(N_ROWS, 40, density=0.1, format="csr", random_state=0, dtype=np.float64)
    total = np.asarray(X.sum(axis=1)).ravel()
    return X, total, (total > np.median(total)).astype(int)


@pytest.fixture
def densified(monkeypatch):
    """The number of rows of every CSR matrix made dense while the test runs."""
    rows = []
    toarray = sp.csr_matrix.toarray

    def recorded(self, *args, **kwargs):
        rows.append(self.shape[0])
        return toarray(self, *args, **kwargs)

    monkeypatch.setattr(sp.csr_matrix, "toarray", recorded)
    return rows


ESTIMATORS = {
    "KerasClassifier": (KerasClassifier, "labels", {"epochs": 3, "batch_size": 32}),
    "KerasRegressor": (
        KerasRegressor,
        "total",
        {"epochs": 3, "batch_size": 32, "validation_split": 0.2},
    ),
    "MLPClassifier": (
        MLPClassifier,
        "labels",
        {"max_iter": 3, "batch_size": 32, "early_stopping": True},
    ),
    "MLPRegressor": (MLPRegressor, "total", {"max_iter": 3, "batch_size": 32}),
}


def _fit_both(sparse_data, name):
    Est, target, params = ESTIMATORS[name]
    X, total, labels = sparse_data
    y = total if target == "total" else labels
    on_sparse = Est(random_state=0, **params).fit(X, y)
    on_dense = Est(random_state=0, **params).fit(X.toarray(), y)
    return X, on_sparse, on_dense


def _assert_same_fit(on_sparse, on_dense, X):
    """The fit on the sparse and on the dense X gave the same network: bit for bit
    where it made the batches dense, to float rounding where it multiplied the
    sparse tensors (their products add up in another order)."""
    predictions = on_sparse.predict(X), on_dense.predict(X.toarray())
    if not takes_sparse(on_sparse.model_):
        assert on_sparse.history_ == on_dense.history_
        np.testing.assert_array_equal(*predictions)
        return
    assert on_sparse.history_.keys() == on_dense.history_.keys()
    for key, values in on_sparse.history_.items():
        np.testing.assert_allclose(values, on_dense.history_[key], rtol=1e-5, err_msg=key)
    np.testing.assert_allclose(*predictions, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_fit_on_sparse_X_is_the_fit_on_dense_X(sparse_data, name):
    """Same batches in the same orders (validation split and early stopping too):
    the same network, as scikit-learn's MLPs give."""
    X, on_sparse, on_dense = _fit_both(sparse_data, name)
    _assert_same_fit(on_sparse, on_dense, X)


@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_networks_built_for_sparse_X_take_sparse_tensors_on_tensorflow(sparse_data, name):
    """On TensorFlow the first layer multiplies the sparse rows (Keras' sparse
    input); elsewhere JAX would compile the step again for every batch of another
    number of stored values, so the networks take dense batches."""
    X, on_sparse, on_dense = _fit_both(sparse_data, name)
    on_tensorflow = keras.backend.backend() == "tensorflow"
    assert on_sparse.model_.inputs[0].sparse is on_tensorflow
    assert takes_sparse(on_sparse.model_) is on_tensorflow
    assert not on_dense.model_.inputs[0].sparse


@pytest.mark.parametrize("shuffle", [True, False])
def test_keras_own_data_path_trains_on_sparse_X_as_on_dense_X(sparse_data, shuffle):
    """Without skdl's pipeline (TensorFlow: Keras slices sparse tensors itself)."""
    X, total, _ = sparse_data
    params = {"epochs": 2, "batch_size": 32, "shuffle": shuffle, "random_state": 0}
    with skdl.config_context(single_pipeline=False):
        fits = [KerasRegressor(**params).fit(X_fit, total) for X_fit in (X, X.toarray())]
    np.testing.assert_allclose(fits[0].history_["loss"], fits[1].history_["loss"], rtol=1e-6)
    np.testing.assert_allclose(fits[0].predict(X), fits[1].predict(X.toarray()), rtol=1e-5)


@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_only_a_batch_at_a_time_is_made_dense(sparse_data, densified, name):
    """Made dense whole, a TF-IDF matrix of 100,000 documents and words would take
    40 GB: training makes at most a batch dense, prediction a chunk of 256 rows;
    a network that takes sparse tensors (TensorFlow) makes nothing dense."""
    Est, target, params = ESTIMATORS[name]
    X, total, labels = sparse_data
    fitted = Est(random_state=0, **params).fit(X, total if target == "total" else labels)
    nothing_dense = takes_sparse(fitted.model_)
    # a network that takes sparse tensors: only the row that builds it is made dense
    assert max(densified, default=0) <= (1 if nothing_dense else 256) < N_ROWS
    densified.clear()
    fitted.predict(X)
    assert not densified if nothing_dense else densified and max(densified) <= 256


def test_a_network_of_dense_input_takes_sparse_X_made_dense_a_batch_at_a_time(
    sparse_data, densified
):
    """A network declared with a dense input gets dense batches, on every backend:
    its fit is the fit on X.toarray(), bit for bit."""
    X, total, _ = sparse_data

    def dense_input(meta):
        return keras.Sequential(
            [keras.Input((meta["n_features_in_"],)), keras.layers.Dense(8), keras.layers.Dense(1)]
        )

    params = {"epochs": 2, "batch_size": 32, "random_state": 0}
    on_sparse = KerasRegressor(dense_input, **params).fit(X, total)
    assert densified and max(densified) <= 32
    assert not takes_sparse(on_sparse.model_)
    on_dense = KerasRegressor(dense_input, **params).fit(X.toarray(), total)
    assert on_sparse.history_ == on_dense.history_
    np.testing.assert_array_equal(on_sparse.predict(X), on_dense.predict(X.toarray()))


def test_a_builder_declares_a_sparse_input_with_meta(sparse_data, densified):
    """``meta["sparse_input_"]`` says whether fit gives the network sparse tensors:
    a builder declares its input with it, as skdl's own networks do."""
    X, total, _ = sparse_data
    seen = []

    def build(meta):
        seen.append(meta["sparse_input_"])
        return keras.Sequential(
            [
                keras.Input((meta["n_features_in_"],), sparse=meta["sparse_input_"]),
                keras.layers.Dense(8, activation="relu"),
                keras.layers.Dense(1),
            ]
        )

    KerasRegressor(build, epochs=1, batch_size=32, random_state=0).fit(X.toarray(), total)
    densified.clear()
    reg = KerasRegressor(build, epochs=1, batch_size=32, random_state=0).fit(X, total)
    on_tensorflow = keras.backend.backend() == "tensorflow"
    assert seen == [False, on_tensorflow]
    assert takes_sparse(reg.model_) is on_tensorflow
    # made dense: the row that builds the network, or every batch
    assert max(densified) == (1 if on_tensorflow else 32)


def test_sparse_predictions_of_rows_do_not_depend_on_the_other_rows(sparse_data):
    """Chunks padded with empty rows: a row's prediction is the same bit for bit
    alone or among others, and that of the dense row (to rounding where the
    network multiplies sparse tensors)."""
    X, total, _ = sparse_data
    reg = KerasRegressor(epochs=1, random_state=0).fit(X, total)
    whole = reg.predict(X)
    for rows in (slice(0, 1), slice(0, 300), slice(300, None)):
        np.testing.assert_array_equal(reg.predict(X[rows]), whole[rows])
        on_dense = reg.predict(X[rows].toarray())
        if takes_sparse(reg.model_):
            np.testing.assert_allclose(on_dense, whole[rows], rtol=1e-5, atol=1e-6)
        else:
            np.testing.assert_array_equal(on_dense, whole[rows])


def test_a_network_fitted_on_sparse_X_keeps_its_sparse_input(sparse_data):
    """Pickled, cloned for the shared trainers (Keras' clone_model declares every
    input dense), and trained further on dense X: the network still takes either."""
    import pickle

    X, total, _ = sparse_data
    reg = MLPRegressor(max_iter=2, random_state=0, warm_start=True).fit(X, total)
    sparse_input = reg.model_.inputs[0].sparse
    assert clone_network(reg.model_).inputs[0].sparse is sparse_input
    restored = pickle.loads(pickle.dumps(reg))
    assert restored.model_.inputs[0].sparse is sparse_input
    np.testing.assert_array_equal(restored.predict(X), reg.predict(X))
    reg.fit(X.toarray(), total)  # a warm fit on dense rows
    assert len(reg.loss_curve_) == 4 and reg.model_.inputs[0].sparse is sparse_input
    np.testing.assert_allclose(reg.predict(X), reg.predict(X.toarray()), rtol=1e-5, atol=1e-6)


def test_sparse_validation_data_is_evaluated_as_dense(sparse_data):
    X, total, _ = sparse_data
    fits = [
        KerasRegressor(epochs=2, batch_size=32, random_state=0).fit(
            X_fit[:500], total[:500], validation_data=(X_fit[500:], total[500:])
        )
        for X_fit in (X, X.toarray())
    ]
    assert "val_loss" in fits[0].history_
    np.testing.assert_allclose(
        fits[0].history_["val_loss"], fits[1].history_["val_loss"], rtol=1e-5
    )


@pytest.mark.parametrize("builder", [functional_two_inputs_two_outputs, dict_inputs_and_outputs])
def test_inputs_of_a_network_take_column_blocks_of_a_sparse_X(sparse_data, builder):
    X, total, _ = sparse_data
    X = X[:, :5]
    fits = [
        KerasRegressor(builder, epochs=2, batch_size=32, random_state=0).fit(X_fit, total)
        for X_fit in (X, X.toarray())
    ]
    assert fits[0].history_ == fits[1].history_
    np.testing.assert_array_equal(fits[0].predict(X), fits[1].predict(X.toarray()))


def sparse_two_inputs(meta):
    """Two inputs of 30 and 10 columns, declared sparse as ``meta`` says."""
    inputs = [keras.Input((n,), sparse=meta["sparse_input_"]) for n in (30, 10)]
    hidden = [keras.layers.Dense(4, activation="relu")(i) for i in inputs]
    return keras.Model(inputs, keras.layers.Dense(1)(keras.layers.Concatenate()(hidden)))


def test_sparse_inputs_of_a_network_take_column_blocks_as_sparse_tensors(sparse_data, densified):
    X, total, _ = sparse_data
    params = {"epochs": 2, "batch_size": 32, "random_state": 0}
    on_sparse = KerasRegressor(sparse_two_inputs, **params).fit(X, total)
    assert max(densified) == (1 if takes_sparse(on_sparse.model_) else 32)
    assert takes_sparse(clone_network(on_sparse.model_)) is takes_sparse(on_sparse.model_)
    on_dense = KerasRegressor(sparse_two_inputs, **params).fit(X.toarray(), total)
    _assert_same_fit(on_sparse, on_dense, X)


def test_several_outputs_train_on_sparse_X(sparse_data):
    X, total, _ = sparse_data
    fits = [
        KerasRegressor(auxiliary_network, epochs=2, random_state=0).fit(X_fit, total)
        for X_fit in (X, X.toarray())
    ]
    assert fits[0].history_ == fits[1].history_


# the estimators that made a sparse X dense whole: wide and deep networks (which
# pick columns of X) and the transformers (whose targets may be X itself)
REBUILDERS = {
    "WideAndDeepRegressor": lambda: WideAndDeepRegressor(
        wide_features=[0, 1], epochs=2, batch_size=32, validation_split=0.2, random_state=0
    ),
    "AutoencoderTransformer": lambda: AutoencoderTransformer(
        max_iter=3, batch_size=32, early_stopping=True, random_state=0
    ),
    "KerasTransformer-autoencoder": lambda: KerasTransformer(
        epochs=2, batch_size=32, validation_split=0.2, random_state=0
    ),
    "KerasTransformer-supervised": lambda: KerasTransformer(
        output_layer=0, epochs=2, batch_size=32, random_state=0
    ),
}


def _fit_rebuilder(name, X, total):
    estimator = REBUILDERS[name]()
    targets = None if name.endswith(("autoencoder", "Transformer")) else total
    return estimator.fit(X, targets)


def _output(estimator, X):
    return estimator.transform(X) if hasattr(estimator, "transform") else estimator.predict(X)


@pytest.mark.parametrize("name", list(REBUILDERS))
def test_wide_deep_and_transformers_fit_on_sparse_X_as_on_dense_X(sparse_data, name):
    """An autoencoder's targets (X itself) are made dense a batch at a time for
    the loss; the fit is the fit on X.toarray(): bit for bit where the network's
    input is dense, to float rounding where it multiplies sparse tensors (and for
    the validation score of early stopping, which sums in another order)."""
    X, total, _ = sparse_data
    on_sparse, on_dense = (_fit_rebuilder(name, X_fit, total) for X_fit in (X, X.toarray()))
    exact = not takes_sparse(on_sparse.model_)
    assert on_sparse.history_.keys() == on_dense.history_.keys()
    for key, values in on_sparse.history_.items():
        if exact and key != "val_score":
            assert values == on_dense.history_[key], key
        else:
            np.testing.assert_allclose(values, on_dense.history_[key], rtol=1e-5, err_msg=key)
    outputs = _output(on_sparse, X), _output(on_dense, X.toarray())
    if exact:
        np.testing.assert_array_equal(*outputs)
    else:
        np.testing.assert_allclose(*outputs, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", list(REBUILDERS))
def test_wide_deep_and_transformers_make_only_a_batch_dense(sparse_data, densified, name):
    X, total, _ = sparse_data
    fitted = _fit_rebuilder(name, X, total)
    # training batches of 32 rows; the validation score of early stopping
    # reconstructs chunks of 256 rows
    assert densified and max(densified) <= 256 < N_ROWS
    densified.clear()
    _output(fitted, X)
    assert max(densified, default=0) <= 256 < N_ROWS


def test_keras_transformer_keeps_the_sparse_input_in_its_encoder(sparse_data, densified):
    """The default network declares a sparse input on TensorFlow; the encoder cut
    from it too, so that transform multiplies sparse rows."""
    X, _, _ = sparse_data
    encoder = KerasTransformer(output_layer=0, epochs=1, random_state=0).fit(X)
    on_tensorflow = keras.backend.backend() == "tensorflow"
    assert takes_sparse(encoder.model_) is on_tensorflow
    assert takes_sparse(encoder.encoder_) is on_tensorflow
    densified.clear()
    codes = encoder.transform(X)
    assert codes.shape == (N_ROWS, 100)
    assert (not densified) if on_tensorflow else max(densified) <= 256


def test_autoencoder_score_of_sparse_X_is_r2_score(sparse_data, densified):
    """Reconstructed a chunk of rows at a time, with r2_score's rules for constant
    features (a column of zeros here)."""
    X, _, _ = sparse_data
    X = sp.hstack([X, sp.csr_matrix((N_ROWS, 1))], format="csr")
    autoencoder = AutoencoderTransformer(max_iter=2, random_state=0).fit(X)
    dense = X.toarray()
    weights = np.random.RandomState(0).uniform(0, 2, N_ROWS)
    for sample_weight in (None, weights):
        densified.clear()
        score = autoencoder.score(X, sample_weight=sample_weight)
        assert max(densified) <= 256
        reconstruction = autoencoder.inverse_transform(autoencoder.transform(dense))
        expected = r2_score(
            dense, reconstruction, sample_weight=sample_weight, multioutput="variance_weighted"
        )
        np.testing.assert_allclose(score, expected, rtol=1e-10)
        assert score == pytest.approx(autoencoder.score(dense, sample_weight=sample_weight))


@pytest.mark.parametrize("single_pipeline", [True, False])
def test_sparse_targets_never_reach_the_loss(sparse_data, single_pipeline):
    """Keras' losses take dense targets. Where skdl's pipeline would leave the
    data to Keras' array adapter for speed (421 rows in batches of one: a prime
    number of batches, of which no number of batches per call close to the one
    wanted is a divisor), it is used all the same; where it is off, the batches
    are made dense before Keras sees them. Validation data too."""
    X, _, _ = sparse_data
    fits = []
    for X_fit in (X, X.toarray()):
        autoencoder = KerasTransformer(epochs=1, batch_size=1, random_state=0)
        with skdl.config_context(single_pipeline=single_pipeline):
            fits.append(autoencoder.fit(X_fit[:421], validation_data=X_fit[421:]))
    assert np.all(np.isfinite(fits[0].history_["val_loss"]))
    assert fits[0].transform(X).shape == (N_ROWS, 40)
    if single_pipeline:
        # the pipeline keeps the order of Keras' adapter, which the dense X gets
        for key in ("loss", "val_loss"):
            np.testing.assert_allclose(fits[0].history_[key], fits[1].history_[key], rtol=1e-5)


# ------------------------------------------------------------ dense batches
def _rows_of(batches):
    """The first column of ``x`` in each batch of one epoch (the row numbers)."""
    return [batches[i][0][:, 0].astype(int) for i in range(len(batches))]


def _numbered_rows(n):
    """A sparse X whose first column is each row's number (0 for row 0)."""
    return sp.csr_matrix(np.column_stack([np.arange(n), np.ones(n)]))


def test_dense_batches_cover_every_row_once_per_epoch_in_a_new_order():
    X, y = _numbered_rows(10), np.arange(10.0)
    np.random.seed(0)
    batches = dense_batches((X, y), 4, True)
    epochs = [_rows_of(batches) for _ in range(2)]
    assert [len(b) for b in epochs[0]] == [4, 4, 2]
    for epoch in epochs:
        assert sorted(np.concatenate(epoch)) == list(range(10))
    assert not np.array_equal(np.concatenate(epochs[0]), np.concatenate(epochs[1]))
    x, y_batch = batches[0]
    assert isinstance(x, np.ndarray) and x.dtype == keras.config.floatx()
    np.testing.assert_array_equal(x[:, 0], y_batch)  # the rows of y follow those of x


def test_dense_batches_without_shuffle_keep_the_order_and_batch_shuffle_keeps_the_batches():
    X = _numbered_rows(10)
    in_order = _rows_of(dense_batches((X,), 4, False))
    assert [list(b) for b in in_order] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    within = _rows_of(dense_batches((X,), 4, "batch"))
    assert [sorted(b) for b in within] == [list(b) for b in in_order]


def test_training_data_makes_dense_batches_only_where_keras_would_make_sparse_ones():
    X, y = _numbered_rows(10), np.arange(10.0)
    fit_kwargs = {"batch_size": 4, "shuffle": True, "validation_split": 0.2}
    kwargs = dict(fit_kwargs)
    data = training_data({"x": X, "y": y, "sample_weight": None}, kwargs)
    if keras.backend.backend() == "tensorflow":
        # Keras' array adapter slices sparse tensors itself, in the dense X's order
        assert data["x"] is X and kwargs == fit_kwargs
        return
    # the last rows held out, as Keras holds them out
    assert sorted(np.concatenate(_rows_of(data["x"]))) == list(range(8))
    assert np.concatenate(_rows_of(kwargs["validation_data"])).tolist() == [8, 9]
    assert "validation_split" not in kwargs and "batch_size" not in kwargs
    assert kwargs["shuffle"] is False  # the batches shuffle
    dense = {"x": X.toarray(), "y": y, "sample_weight": None}
    assert training_data(dense, dict(fit_kwargs)) is dense
