"""Every common mistake gets an error that names the problem and the fix."""

import warnings

import keras
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.exceptions import NotFittedError

from skdl import KerasClassifier, KerasRegressor

rng = np.random.RandomState(0)
X = rng.normal(size=(20, 3))
y_reg = X[:, 0]
y_clf = (X[:, 0] > 0).astype(int)


def _nan(a, where=(0, 0)):
    a = np.array(a, dtype=float)
    a[where] = np.nan
    return a


def not_a_model():
    return "a string"


def raising_builder():
    raise ValueError("bad layer size")


def one_unit_model(meta):
    return keras.Sequential([keras.Input((meta["n_features_in_"],)), keras.layers.Dense(1)])


FIT_CASES = {
    "nan_in_X": (KerasRegressor(), lambda: (_nan(X), y_reg), ValueError, "Input X contains NaN"),
    "inf_in_X": (
        KerasRegressor(),
        lambda: (np.where(X > 1, np.inf, X), y_reg),
        ValueError,
        "Input X contains infinity",
    ),
    # LIL and DOK keep their values where scikit-learn's check cannot look:
    # they are made CSR before it
    "nan_in_lil_X": (
        KerasRegressor(),
        lambda: (sp.lil_matrix(_nan(X)), y_reg),
        ValueError,
        "Input X contains NaN",
    ),
    "nan_in_dok_X": (
        KerasClassifier(),
        lambda: (sp.dok_matrix(_nan(X)), y_clf),
        ValueError,
        "Input X contains NaN",
    ),
    "nan_in_y": (
        KerasRegressor(),
        lambda: (X, _nan(y_reg, 0)),
        ValueError,
        "Input y contains NaN",
    ),
    "nan_in_y_classifier": (
        KerasClassifier(),
        lambda: (X, _nan(y_clf, 0)),
        ValueError,
        "Input y contains NaN",
    ),
    # scikit-learn's error said "could not convert string to float", naming
    # neither the columns nor what to do
    "strings_in_X": (
        KerasRegressor(),
        lambda: (np.array([["a", "b", "c"]] * 20), y_reg),
        ValueError,
        r"^X holds text \('a'\), and KerasRegressor trains on numbers: encode it in a Pipeline",
    ),
    "strings_in_columns": (
        KerasClassifier(),
        lambda: (pd.DataFrame({"age": X[:, 0], "sex": ["m", "f"] * 10, "port": "S"}), y_clf),
        ValueError,
        r"^X's columns 'sex', 'port' hold text \('m'\).*OneHotEncoder \(in a Column",
    ),
    # scikit-learn's error said "Found array with dim 3. None expected <= 2."
    "sequences_of_targets": (
        KerasRegressor(lambda: None),
        lambda: (X, np.ones((20, 4, 2))),
        ValueError,
        r"^y has 3 dimensions \(shape \(20, 4, 2\)\): KerasRegressor trains on one row of "
        r"targets per sample\. Flatten it, y\.reshape\(len\(y\), -1\), and the network's",
    ),
    "empty_X": (KerasRegressor(), lambda: (np.empty((0, 3)), np.empty(0)), ValueError, "0 sample"),
    "single_class": (
        KerasClassifier(),
        lambda: (X, np.ones(20)),
        ValueError,
        "at least 2 classes",
    ),
    "one_sample_classifier": (
        KerasClassifier(),
        lambda: (X[:1], y_clf[:1]),
        ValueError,
        "at least 2 classes",
    ),
    "continuous_y_classifier": (
        KerasClassifier(),
        lambda: (X, y_reg),
        ValueError,
        "Unknown label type",
    ),
    "length_mismatch": (
        KerasRegressor(),
        lambda: (X, y_reg[:10]),
        ValueError,
        "inconsistent numbers of samples",
    ),
    "model_not_callable": (
        KerasRegressor(model=42),
        lambda: (X, y_reg),
        ValueError,
        "'model' parameter of KerasRegressor must be a callable",
    ),
    "builder_raises": (
        KerasRegressor(raising_builder),
        lambda: (X, y_reg),
        ValueError,
        "model builder raising_builder raised ValueError: bad layer size",
    ),
    "builder_returns_non_model": (
        KerasRegressor(not_a_model),
        lambda: (X, y_reg),
        TypeError,
        "must return a keras.Model; it returned str",
    ),
    "unknown_builder_argument": (
        KerasRegressor(one_unit_model, n_units=3),
        lambda: (X, y_reg),
        ValueError,
        "unexpected argument n_units",
    ),
    "unknown_routed_parameter": (
        KerasRegressor(optimizer__nope=1),
        lambda: (X, y_reg),
        ValueError,
        "optimizer__nope: not an argument of Adam",
    ),
    "incompatible_output_layer": (
        KerasClassifier(one_unit_model),
        lambda: (X, np.arange(20) % 3),
        ValueError,
        r"1 unit\(s\), but y has 3 classes .*Dense\(3, activation='softmax'\)",
    ),
    "epochs_zero": (
        KerasRegressor(epochs=0),
        lambda: (X, y_reg),
        ValueError,
        "'epochs' parameter",
    ),
    "epochs_float": (
        KerasRegressor(epochs=2.5),
        lambda: (X, y_reg),
        ValueError,
        "'epochs' parameter",
    ),
    "batch_size_negative": (
        KerasRegressor(batch_size=-1),
        lambda: (X, y_reg),
        ValueError,
        "'batch_size' parameter",
    ),
    "unknown_loss": (KerasRegressor(loss="nope"), lambda: (X, y_reg), ValueError, "loss='nope'"),
    "unknown_optimizer": (
        KerasRegressor(optimizer="nope"),
        lambda: (X, y_reg),
        ValueError,
        "optimizer='nope' is not a Keras optimizer",
    ),
    "class_weight_unknown": (
        KerasClassifier(class_weight="unbalanced"),
        lambda: (X, y_clf),
        ValueError,
        "'class_weight' parameter",
    ),
    "fit_epochs_zero": (KerasRegressor(), lambda: (X, y_reg), ValueError, "'epochs' parameter"),
    "labels_for_a_regressor": (
        KerasRegressor(),
        lambda: (X, np.array(["cat", "dog"] * 10)),
        ValueError,
        "KerasRegressor trains on numeric targets, and y holds values that are not numbers",
    ),
    "negative_sample_weight": (
        KerasRegressor(),
        lambda: (X, y_reg),
        ValueError,
        "Negative values in data passed to `sample_weight`",
    ),
}
FIT_KWARGS = {
    "fit_epochs_zero": {"epochs": 0},
    "negative_sample_weight": {"sample_weight": np.r_[-1.0, np.ones(19)]},
}


@pytest.mark.parametrize("case", sorted(FIT_CASES))
def test_bad_fit_input(case):
    estimator, make_data, error, match = FIT_CASES[case]
    X_bad, y_bad = make_data()
    with pytest.raises(error, match=match):
        estimator.fit(X_bad, y_bad, **FIT_KWARGS.get(case, {}))
    assert not hasattr(estimator, "model_")


@pytest.fixture(scope="module")
def fitted():
    df = pd.DataFrame(X, columns=["a", "b", "c"])
    return KerasRegressor(epochs=1, random_state=0).fit(df, y_reg)


def test_predict_before_fit():
    with pytest.raises(NotFittedError, match="not fitted yet"):
        KerasRegressor().predict(X)
    with pytest.raises(NotFittedError):
        KerasClassifier().predict_proba(X)


def test_wrong_number_of_features_at_predict(fitted):
    with pytest.raises(ValueError, match="X has 2 features, but KerasRegressor is expecting 3"):
        fitted.predict(pd.DataFrame(X[:, :2], columns=["a", "b"]).to_numpy())


def test_other_column_names_at_predict(fitted):
    other = pd.DataFrame(X, columns=["a", "b", "z"])
    with pytest.raises(ValueError, match="feature names should match"):
        fitted.predict(other)


def test_nan_at_predict(fitted):
    with pytest.raises(ValueError, match="Input X contains NaN"):
        fitted.predict(pd.DataFrame(_nan(X), columns=["a", "b", "c"]))


@pytest.fixture(scope="module")
def fitted_on_array():
    return KerasRegressor(epochs=1, random_state=0).fit(X, y_reg)


@pytest.mark.parametrize(
    "bad, match",
    [
        (_nan(X), "Input X contains NaN"),
        (np.where(X > 2, np.inf, X), "Input X contains infinity"),
        (np.where(X > 2, 1e300, X), "contains infinity or a value too large for dtype..float32"),
        (np.full((4, 3), 3e38, dtype=np.float32), None),  # its sum overflows: accepted
        (X[:, :2], "X has 2 features, but KerasRegressor is expecting 3"),
        (X[:0], "0 sample"),
        (X[0], "Expected 2D array, got 1D array"),
        (X[:, :, None], r"samples of shape \(3, 1\), but KerasRegressor was fitted on"),
    ],
)
def test_arrays_at_predict_get_scikit_learns_checks(fitted_on_array, bad, match):
    """A plain float array skips validate_data only where it would pass every
    check: anything wrong gets scikit-learn's error."""
    if match is None:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert fitted_on_array.predict(bad).shape == (4,)
        return
    with pytest.raises(ValueError, match=match):
        fitted_on_array.predict(bad)


def test_a_plain_float_array_skips_validate_data(fitted_on_array, fitted, monkeypatch):
    import skdl.base

    calls = []
    checked = skdl.base.validate_data
    monkeypatch.setattr(
        skdl.base, "validate_data", lambda *a, **k: calls.append(1) or checked(*a, **k)
    )
    expected = fitted_on_array.predict(X)
    assert expected.dtype == np.float64
    np.testing.assert_array_equal(fitted_on_array.predict(X[:5]), expected[:5])
    # fitted on float64 X, float64 out, as from scikit-learn's MLPs
    assert fitted_on_array.predict(X.astype(np.float32)).dtype == np.float64
    assert not calls
    # the others are checked, and predict the same
    for other in (X.tolist(), pd.DataFrame(X), np.asfortranarray(X).astype(np.float16)):
        np.testing.assert_allclose(fitted_on_array.predict(other), expected, atol=1e-3)
    assert len(calls) == 3
    # fitted on a DataFrame, an array still warns that it has no feature names
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        fitted.predict(X)


@pytest.fixture(scope="module")
def fitted_on_sparse():
    return KerasRegressor(epochs=1, random_state=0).fit(sp.csr_matrix(X), y_reg)


@pytest.mark.parametrize("sparse", [sp.lil_matrix, sp.dok_matrix, sp.dia_matrix])
def test_nan_in_any_sparse_format_at_predict(fitted_on_sparse, sparse):
    with pytest.raises(ValueError, match="Input X contains NaN"):
        fitted_on_sparse.predict(sparse(_nan(X)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # not "Can't check dok sparse matrix for nan"
        predictions = fitted_on_sparse.predict(sparse(X))
    assert predictions == pytest.approx(fitted_on_sparse.predict(X), abs=1e-6)


def test_one_sample_regressor_fits():
    assert KerasRegressor(epochs=1).fit(X[:1], y_reg[:1]).predict(X[:2]).shape == (2,)


class Bucket(keras.layers.Layer):
    """IDs to 8 buckets (IntegerLookup and Hashing run on TensorFlow only)."""

    def call(self, ids):
        return keras.ops.mod(ids, 8)


def id_network():
    ids = keras.Input((1,), dtype="int64")
    embedded = keras.layers.Flatten()(keras.layers.Embedding(8, 2)(Bucket()(ids)))
    return keras.Model(ids, keras.layers.Dense(1, activation="sigmoid")(embedded))


def test_ids_that_float32_would_round_are_refused_for_an_integer_input():
    # 20000001 is 20000000 in float32: the network got other IDs, silently
    big = np.array([20000001, 20000002, 20000003, 20000004] * 5).reshape(-1, 1)
    labels = np.array([0, 1] * 10)
    clf = KerasClassifier(id_network, epochs=1)
    with pytest.raises(ValueError, match=r"beyond 2\*\*24 = 16777216, such as 20000001"):
        clf.fit(big, labels)
    small = big - 20000000
    clf = KerasClassifier(id_network, epochs=1, random_state=0).fit(small, labels)
    np.testing.assert_allclose(
        clf.predict_proba(small)[:, 1], clf.model_.predict(small, verbose=0).ravel(), rtol=1e-6
    )
    for rounded in (big, big.astype(np.float64), pd.DataFrame(big), sp.csr_matrix(big)):
        with pytest.raises(ValueError, match="beyond 2"), warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # feature names
            clf.predict(rounded)
    with pytest.raises(ValueError, match="such as 20000001"):
        KerasClassifier(id_network, epochs=1).fit(sp.coo_matrix(big), labels)
    # stored twice, in halves that float32 holds: the network gets their sum
    halves = sp.csr_matrix(([10000000, 10000001], [0, 0], [0, 2]), shape=(1, 1))
    with pytest.raises(ValueError, match="such as 20000001"):
        clf.predict(halves)
    # IDs that float32 holds exactly pass; so do large numbers for a float input
    clf.predict(np.array([[2**24], [-(2**24)]]))
    clf.predict(sp.csr_matrix([[2**24], [0]]))
    KerasRegressor(epochs=1).fit(big, labels).predict(big)


def ids_and_prices(meta):
    """A recommender's inputs: an ID (for an Embedding) beside float features."""
    ids, prices = keras.Input((1,), dtype="int64"), keras.Input((2,))
    embedded = keras.layers.Flatten()(keras.layers.Embedding(30, 3)(ids))
    return keras.Model(
        [ids, prices], keras.layers.Dense(1)(keras.layers.concatenate([embedded, prices]))
    )


def test_only_the_columns_of_integer_inputs_must_hold_ids_that_float32_keeps():
    # prices of 1e8 and more are no IDs: they were refused as rounded ones
    rng = np.random.RandomState(0)
    X = np.c_[rng.randint(0, 30, 40), rng.normal(size=(40, 2)) * [1, 1e8]]
    reg = KerasRegressor(ids_and_prices, epochs=1, random_state=0).fit(X, X[:, 1])
    reg.predict(X)
    X[0, 0] = 20000001
    with pytest.raises(ValueError, match="such as 20000001"):
        reg.predict(X)


def two_inputs():
    wide, deep = keras.Input((2,)), keras.Input((3,))
    hidden = keras.layers.Dense(4, activation="relu")(deep)
    output = keras.layers.Dense(1)(keras.layers.concatenate([wide, hidden]))
    return keras.Model([wide, deep], output)


def test_column_blocks_given_as_keras_takes_them_are_refused_with_the_fix():
    # the book's fit((X_wide, X_deep), y): scikit-learn's error spoke of an
    # inhomogeneous shape, or of 2 samples against 20
    wide, deep = X[:, :2], X
    reg = KerasRegressor(two_inputs, epochs=1)
    for blocks in [(wide, deep), [wide, deep[:, :2]]]:
        with pytest.raises(ValueError, match=r"column blocks.*np\.hstack\(\[X_wide, X_deep\]\)"):
            reg.fit(blocks, y_reg)
    reg.fit(np.hstack([wide, deep]), y_reg)
    with pytest.raises(ValueError, match=r"X is a tuple of 2 column blocks"):
        reg.predict((wide, deep))
    with pytest.raises(ValueError, match=r"^validation_data: X is a tuple of 2 column blocks"):
        reg.fit(np.hstack([wide, deep]), y_reg, validation_data=((wide, deep), y_reg))
    # a list of 2-D samples (images) is no set of blocks
    images = [np.full((2, 2), i, dtype=float) for i in range(20)]
    flat = keras.Sequential([keras.Input((2, 2)), keras.layers.Flatten(), keras.layers.Dense(1)])
    KerasRegressor(flat, epochs=1).fit(images, y_reg).predict(images[:2])


class _Batches(keras.utils.PyDataset):
    def __len__(self):
        return 2

    def __getitem__(self, i):
        return X[10 * i : 10 * (i + 1)], y_reg[10 * i : 10 * (i + 1)]


def test_data_that_keras_streams_is_refused_with_the_fix():
    """A tf.data.Dataset, PyDataset or generator as X: scikit-learn's errors
    spoke of float() and a '_BatchDataset', of an inhomogeneous shape, or of
    a missing y."""
    streams = {
        "a keras.utils.PyDataset": _Batches(),
        "a generator": (b for b in [X]),
        "an iterator": iter([X]),
    }
    try:
        import tensorflow as tf

        streams["a tf.data.Dataset"] = tf.data.Dataset.from_tensor_slices((X, y_reg)).batch(8)
    except ImportError:  # another backend, without TensorFlow
        pass
    fitted = KerasRegressor(epochs=1).fit(X, y_reg)
    for kind, stream in streams.items():
        match = rf"^X is {kind}, batches as Keras takes them; .*X = np\.concatenate\(list"
        with pytest.raises(TypeError, match=match):
            KerasRegressor().fit(stream, None)
        with pytest.raises(TypeError, match=match):
            fitted.predict(stream)


def test_inputs_and_targets_by_name_or_output_are_refused_with_the_fix():
    # the book's fit({"wide_input": X_wide, "deep_input": X_deep}, (y, y)) for a
    # model of two inputs and an auxiliary output: scikit-learn's errors spoke
    # of float() and a dict, or of 2 samples against 20
    wide, deep = X[:, :2], X
    named = {"wide_input": wide, "deep_input": deep}
    reg = KerasRegressor(two_inputs, epochs=1)
    match = r"X is a dict of 2 arrays \('wide_input', 'deep_input'\).*np\.hstack"
    with pytest.raises(ValueError, match=match):
        reg.fit(named, y_reg)
    reg.fit(np.hstack([wide, deep]), y_reg)
    with pytest.raises(ValueError, match=match):
        reg.predict(named)
    stacked = np.hstack([wide, deep])
    for targets in ([y_reg, y_reg], (y_reg, pd.Series(y_reg))):
        with pytest.raises(ValueError, match=r"of 2 target arrays.*pass the main output's"):
            reg.fit(stacked, targets)
    with pytest.raises(ValueError, match=r"^validation_data: y is a list of 2 target arrays"):
        reg.fit(stacked, y_reg, validation_data=(stacked, [y_reg, y_reg]))
    # a list of labels, or of rows, is a y as scikit-learn takes it
    KerasRegressor(epochs=1).fit(X[:2], [1.0, 2.0])
    KerasRegressor(epochs=1).fit(X[:2], [np.array([1.0, 2.0]), np.array([3.0, 4.0])])
    assert KerasRegressor(epochs=1).fit(X, list(X[:, :2])).n_outputs_ == 2
    labels = (X[:, 0] > 0).astype(int)
    assert KerasClassifier(epochs=1).fit(X, list(np.eye(2)[labels])).n_classes_ == 2
