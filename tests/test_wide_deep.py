"""Wide-and-deep estimators: the Hands-On ML network, feature selection, outputs."""

import pickle
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pandas as pd
import pytest
from estimator_checks import parametrize_with_checks, sample_weight_equivalence_fails
from handson_ml import california_housing
from sklearn.base import clone
from sklearn.datasets import load_iris
from sklearn.model_selection import RandomizedSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdl import WideAndDeepClassifier, WideAndDeepRegressor

# batches of 16: the sample-weight check sees one batch per epoch weighted, two repeated
CHECKED = dict(
    hidden_layer_sizes=(16,),
    epochs=30,
    batch_size=16,
    random_state=0,
    optimizer__learning_rate=0.02,
)


@parametrize_with_checks(
    [WideAndDeepClassifier(**CHECKED), WideAndDeepRegressor(**CHECKED)],
    expected_failed_checks=lambda est: sample_weight_equivalence_fails(
        "mini-batch float32 training, as for KerasRegressor; see "
        "tests/test_estimator_checks.py::test_sample_weight_equivalence_float32"
    ),
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


@pytest.fixture(scope="module")
def housing():
    data = california_housing()
    X_train, X_test, y_train, y_test = train_test_split(data.data, data.target, random_state=42)
    return X_train[:3000], X_test[:1000], y_train[:3000], y_test[:1000], data.feature_names


def test_book_network_in_a_pipeline(housing):
    """The book's wide (X[:, :5]) and deep (X[:, 2:]) paths with the auxiliary output.
    With 3,000 rows and 10 epochs, R² > 0.6 (a linear model reaches about 0.6, the
    book's network about 0.7 on the full data)."""
    X_train, X_test, y_train, y_test, _ = housing
    pipe = make_pipeline(
        StandardScaler(),
        WideAndDeepRegressor(
            wide_features=[0, 1, 2, 3, 4],
            deep_features=[2, 3, 4, 5, 6, 7],
            epochs=10,
            optimizer__learning_rate=3e-3,
            random_state=42,
        ),
    ).fit(X_train, y_train)
    reg = pipe[-1]
    assert reg.wide_features_idx_.tolist() == [0, 1, 2, 3, 4]
    assert reg.deep_features_idx_.tolist() == [2, 3, 4, 5, 6, 7]
    assert {"main_loss", "aux_loss"} <= set(reg.history_)
    assert len(reg.history_["aux_loss"]) == 10
    assert pipe.score(X_test, y_test) > 0.6
    # predictions come from the main output
    main = keras.ops.convert_to_numpy(
        reg.model_(pipe[0].transform(X_test[:5]).astype("float32"))[0]
    ).ravel()
    np.testing.assert_allclose(pipe.predict(X_test[:5]), main, rtol=1e-5, atol=1e-6)


def test_randomized_search(housing):
    X_train, _, y_train, _, _ = housing
    search = RandomizedSearchCV(
        make_pipeline(StandardScaler(), WideAndDeepRegressor(epochs=2, random_state=0)),
        {
            "wideanddeepregressor__hidden_layer_sizes": [(8,), (16, 16)],
            "wideanddeepregressor__optimizer__learning_rate": [1e-3, 3e-3],
        },
        n_iter=2,
        cv=2,
        random_state=0,
        error_score="raise",
    ).fit(X_train[:600], y_train[:600])
    assert np.isfinite(search.best_score_)


def test_features_by_name_mask_and_slice(housing):
    X_train, _, y_train, _, names = housing
    df = pd.DataFrame(X_train[:300], columns=names)
    by_name = WideAndDeepRegressor(
        wide_features=["MedInc", "HouseAge"], deep_features=names[2:], epochs=1
    ).fit(df, y_train[:300])
    assert by_name.wide_features_idx_.tolist() == [0, 1]
    mask = np.zeros(8, dtype=bool)
    mask[[0, 7]] = True
    by_mask = WideAndDeepRegressor(wide_features=mask, deep_features=slice(4, None), epochs=1)
    by_mask.fit(X_train[:300], y_train[:300])
    assert by_mask.wide_features_idx_.tolist() == [0, 7]
    assert by_mask.deep_features_idx_.tolist() == [4, 5, 6, 7]
    # a slice of names includes both ends, as in ColumnTransformer
    by_names = WideAndDeepRegressor(
        wide_features=slice("HouseAge", "AveBedrms"), deep_features=slice("Population", None)
    )
    by_names.set_params(epochs=1).fit(df, y_train[:300])
    assert by_names.wide_features_idx_.tolist() == [1, 2, 3]
    assert by_names.deep_features_idx_.tolist() == [4, 5, 6, 7]


@pytest.mark.parametrize(
    "params, match",
    [
        ({"wide_features": ["nope"]}, r"wide_features names unknown columns \['nope'\]"),
        ({"deep_features": [0, 9]}, r"deep_features has column indices \[9\] out of range"),
        ({"wide_features": [True, False]}, "boolean mask of length 2, but X has 8 columns"),
        ({"deep_features": slice(8, None)}, "deep_features selects no column"),
        ({"wide_features": []}, "wide_features selects no column"),
        ({"deep_features": slice("MedInc", "nope")}, r"names unknown columns \['nope'\]"),
        ({"aux_loss_weight": 1.5}, "'aux_loss_weight' parameter"),
        ({"loss": ["mse", "mae"]}, r"takes one loss, for the main output .*loss=\['mse'"),
        ({"compile__loss_weights": [1, 0]}, "compile__loss_weights is set by aux_loss_weight"),
        ({"hidden_layer_sizes": 0}, "'hidden_layer_sizes' parameter"),
        ({"activation": "nope"}, "activation='nope' is not an activation: use a name of Keras"),
    ],
)
def test_errors_name_the_parameter(housing, params, match):
    X_train, _, y_train, _, names = housing
    df = pd.DataFrame(X_train[:50], columns=names)
    with pytest.raises(ValueError, match=match):
        WideAndDeepRegressor(epochs=1, **params).fit(df, y_train[:50])


def test_names_that_are_no_parameters_are_refused_at_once():
    for Estimator in (WideAndDeepRegressor, WideAndDeepClassifier):
        with pytest.raises(TypeError, match="argument wide_feature, did you mean wide_features?"):
            Estimator(wide_feature=[0])
        with pytest.raises(ValueError, match="argument aux_loss_weigth, did you mean aux_loss"):
            Estimator().set_params(aux_loss_weigth=0.5)
        assert Estimator(optimizer__learning_rate=0.01).optimizer__learning_rate == 0.01


def test_hidden_layer_sizes_may_be_one_int(housing):
    # as for the other estimators with hidden_layer_sizes
    X_train, _, y_train, _, _ = housing
    reg = WideAndDeepRegressor(hidden_layer_sizes=3, epochs=1).fit(X_train[:50], y_train[:50])
    dense = [layer for layer in reg.model_.layers if isinstance(layer, keras.layers.Dense)]
    assert [layer.units for layer in dense if layer.name not in ("main", "aux")] == [3]


def test_activation_may_be_a_function(housing):
    """As the error for an unknown name advises (a function was refused)."""
    X_train, _, y_train, _, _ = housing
    reg = WideAndDeepRegressor(activation=keras.activations.gelu, epochs=1, random_state=0)
    reg.fit(X_train[:50], y_train[:50])
    dense = [layer for layer in reg.model_.layers if isinstance(layer, keras.layers.Dense)]
    hidden = [layer for layer in dense if layer.name not in ("main", "aux")]
    assert [layer.activation for layer in hidden] == [keras.activations.gelu] * 2


def test_names_need_a_dataframe(housing):
    X_train, _, y_train, _, _ = housing
    with pytest.raises(ValueError, match="X has no column names"):
        WideAndDeepRegressor(wide_features=["MedInc"], epochs=1).fit(X_train[:50], y_train[:50])


def test_without_auxiliary_output(housing):
    X_train, _, y_train, _, _ = housing
    reg = WideAndDeepRegressor(aux_loss_weight=0, epochs=1).fit(X_train[:100], y_train[:100])
    assert len(reg.model_.outputs) == 1 and "aux_loss" not in reg.history_


def test_classifier():
    X, y = load_iris(return_X_y=True)
    clf = WideAndDeepClassifier(
        wide_features=[0, 1],
        deep_features=[2, 3],
        epochs=40,
        optimizer__learning_rate=0.01,
        random_state=0,
    ).fit(X, np.array(["setosa", "versicolor", "virginica"])[y])
    assert clf.predict_proba(X).shape == (150, 3)
    assert clf.score(X, np.array(["setosa", "versicolor", "virginica"])[y]) > 0.8


def test_pickle_round_trip_in_a_fresh_process(tmp_path):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(80, 6))
    reg = WideAndDeepRegressor(wide_features=[0, 1], epochs=2, random_state=0)
    reg.fit(X, X[:, 0] - X[:, 5])
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(reg)).predict(X), reg.predict(X))
    assert clone(reg).get_params() == reg.get_params()
    path = tmp_path / "reg.pkl"
    path.write_bytes(pickle.dumps(reg))
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "pred.npy", reg.predict(X))
    code = textwrap.dedent(
        f"""
        import pickle, numpy as np
        reg = pickle.loads(open({str(path)!r}, "rb").read())
        X = np.load({str(tmp_path / "X.npy")!r})
        assert np.array_equal(reg.predict(X), np.load({str(tmp_path / "pred.npy")!r}))
        print("ok")
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.stdout.strip() == "ok", out.stderr
