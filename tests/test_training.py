"""Training behaviour: divergence, warm start, partial_fit, concurrent prediction."""

import copy
import pickle
import re
import warnings
from concurrent.futures import ThreadPoolExecutor

import keras
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning, FitFailedWarning
from sklearn.model_selection import GridSearchCV

from skdl import (
    KerasClassifier,
    KerasRegressor,
    KerasTransformer,
    MLPClassifier,
    MLPRegressor,
    WideAndDeepClassifier,
    WideAndDeepRegressor,
)


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(80, 4)) * 100
    return X, X @ np.array([1.0, 2.0, -1.0, 0.5])


def test_divergence_stops_with_a_clear_error(data):
    X, y = data
    reg = KerasRegressor(optimizer="sgd", optimizer__learning_rate=1e3, epochs=50)
    # a tenth of the rate it trained at: a hint of 1e-3 was already below some
    with pytest.raises(
        ValueError,
        match=r"training diverged.*\(e\.g\. optimizer__learning_rate=100\).*StandardScaler",
    ):
        reg.fit(X, y)
    assert not hasattr(reg, "model_")
    # the presets name their own parameter
    mlp = MLPRegressor(solver="sgd", learning_rate_init=10.0, max_iter=50)
    with pytest.raises(ValueError, match=r"learning rate \(e\.g\. learning_rate_init=1\)"):
        mlp.fit(X, y)
    # ... unless a routed rate overrides it (lowering learning_rate_init did nothing)
    mlp = MLPRegressor(solver="sgd", optimizer__learning_rate=10.0, max_iter=50)
    with pytest.raises(ValueError, match=r"\(e\.g\. optimizer__learning_rate=1\)"):
        mlp.fit(X, y)


def test_divergence_stops_at_the_first_nan_epoch(data):
    X, y = data
    reg = KerasRegressor(optimizer="sgd", optimizer__learning_rate=1e3, epochs=50)
    with pytest.raises(ValueError, match=r"at epoch (\d+)") as info:
        reg.fit(X, y)
    epoch = int(re.search(r"at epoch (\d+)", str(info.value)).group(1))
    assert epoch < 50


def test_search_scores_a_diverging_candidate_nan(data):
    X, y = data
    search = GridSearchCV(
        KerasRegressor(optimizer="sgd", epochs=3, random_state=0),
        {"optimizer__learning_rate": [1e3, 1e-7]},
        cv=2,
        error_score=np.nan,
    )
    with pytest.warns(FitFailedWarning, match="training diverged"):
        search.fit(X, y)
    scores = search.cv_results_["mean_test_score"]
    assert np.isnan(scores[0]) and np.isfinite(scores[1])
    assert search.best_params_ == {"optimizer__learning_rate": 1e-7}


def test_partial_fit_runs_one_epoch_each_call(data):
    X, y = data
    X = X / 100
    reg = KerasRegressor(epochs=10, random_state=0)
    with warnings.catch_warnings():
        # its one epoch is no fit(epochs=1) that overrides epochs=10
        warnings.simplefilter("error", UserWarning)
        reg.partial_fit(X, y)
    assert reg.n_iter_ == 1
    model = reg.model_
    for _ in range(3):
        reg.partial_fit(X, y)
    assert reg.model_ is model and reg.n_iter_ == 4
    assert reg.history_["loss"][-1] < reg.history_["loss"][0]


def test_classifier_partial_fit_with_classes(data):
    X, _ = data
    X = X / 100
    y = np.array(["a", "b", "c", "d"])[np.arange(80) % 4]
    clf = KerasClassifier(random_state=0)
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        clf.partial_fit(X[:20], y[:20])
    clf.partial_fit(X[:20][y[:20] == "a"], y[:20][y[:20] == "a"], classes=np.unique(y))
    assert clf.classes_.tolist() == ["a", "b", "c", "d"]
    for start in range(20, 80, 20):
        clf.partial_fit(X[start : start + 20], y[start : start + 20])
    assert clf.predict_proba(X).shape == (80, 4)
    with pytest.raises(ValueError, match=r"labels that the network was not fitted on: \['z'\]"):
        clf.partial_fit(X[:2], ["a", "z"])
    assert clf.n_iter_ == 4  # the failed call changed nothing


def _labels(X, columns):
    """0/1 targets from the signs of the first ``columns`` columns (1-D for None)."""
    if columns is None:
        return (X[:, 0] > 0).astype(int)
    return (X[:, :columns] > 0).astype(int)


@pytest.mark.parametrize(
    "estimator, first, then",
    [
        (KerasRegressor(epochs=1), lambda X: X[:, 0], lambda X: X[:, :2]),
        (WideAndDeepRegressor(epochs=1), lambda X: X[:, :2], lambda X: X[:, 0]),
        (KerasTransformer(epochs=1, supervised=True), lambda X: X[:, 0], lambda X: X[:, :3]),
        (KerasClassifier(epochs=1), lambda X: _labels(X, None), lambda X: _labels(X, 2)),
        (WideAndDeepClassifier(epochs=1), lambda X: _labels(X, 2), lambda X: _labels(X, 3)),
        (KerasClassifier(epochs=1), lambda X: _labels(X, 2), lambda X: _labels(X, None)),
        (
            KerasClassifier(epochs=1),
            lambda X: _labels(X, None),
            lambda X: _labels(X, 2) + (X[:, :2] > 0.5),
        ),
    ],
    ids=[
        "regressor",
        "wide-deep",
        "transformer",
        "binary-multilabel",
        "labels",
        "multilabel-1d",
        "multioutput",
    ],  # fmt: skip
)
@pytest.mark.parametrize("call", ["warm_start", "partial_fit"])
def test_continued_training_refuses_targets_of_another_shape(data, estimator, first, then, call):
    # the network's output was built for the first targets: training it on others
    # broadcast them silently (or, for a classifier, misaligned rows with labels)
    X = data[0] / 100
    estimator = clone(estimator).set_params(warm_start=call == "warm_start", random_state=0)
    estimator.fit(X, first(X))
    n_iter = estimator.n_iter_
    with pytest.raises(ValueError, match="was fitted on .*Fit it anew"):
        if call == "partial_fit":
            estimator.partial_fit(X, then(X))
        else:
            estimator.fit(X, then(X))
    assert estimator.n_iter_ == n_iter


def test_concurrent_predict_matches_sequential(data):
    X, y = data
    X = X / 100
    clf = KerasClassifier(epochs=2, random_state=0).fit(X, y > 0)
    chunks = [X[i : i + 7] for i in range(0, 80, 7)] * 4
    sequential = [clf.predict_proba(c) for c in chunks]
    with ThreadPoolExecutor(max_workers=8) as pool:
        concurrent = list(pool.map(clf.predict_proba, chunks))
    for a, b in zip(sequential, concurrent):
        np.testing.assert_array_equal(a, b)


def test_fitting_another_estimator_leaves_the_first_unchanged(data):
    X, y = data
    X = X / 100
    a = KerasRegressor(epochs=2, random_state=0).fit(X, y)
    before = a.predict(X)
    KerasRegressor(epochs=2, random_state=1).fit(X, -y)
    KerasClassifier(epochs=1).fit(X, y > 0)
    np.testing.assert_array_equal(a.predict(X), before)


def linear_output(meta):
    return keras.Sequential([keras.Input((meta["n_features_in_"],)), keras.layers.Dense(1)])


def test_a_poisson_loss_on_a_linear_output_is_the_divergence_named():
    """Not the learning rate: the log of negative predictions."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 3))
    y = rng.poisson(np.exp(X[:, 0]))
    with pytest.raises(ValueError, match=r"poisson takes the logarithm .*'exponential'"):
        KerasRegressor(linear_output, loss="poisson", epochs=3, random_state=0).fit(X, y)


@pytest.mark.parametrize(
    "loss", ["poisson", keras.losses.Poisson, keras.losses.Poisson(), keras.losses.poisson]
)
def test_the_default_network_of_a_poisson_loss_ends_with_its_log_link(loss):
    """As MLPRegressor(loss="poisson"): its linear output made negative
    predictions, whose logarithm made the loss NaN at once; and, as there,
    negative targets are refused, in every fit, and the tags say so."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 3))
    y = rng.poisson(np.exp(X[:, 0])).astype(float)
    reg = KerasRegressor(loss=loss, epochs=3, random_state=0)
    assert reg.__sklearn_tags__().target_tags.positive_only
    reg.fit(X, y)
    assert reg.out_activation_ == "exponential" and np.isfinite(reg.history_["loss"]).all()
    assert (reg.predict(X) > 0).all()
    assert reg.model_.layers[-1].get_config()["activation"] == "exponential"
    for fit in (reg.partial_fit, clone(reg).fit):
        with pytest.raises(
            ValueError,
            match=r"^The network trains with a Poisson loss, which needs non-negative targets y",
        ):
            fit(X, y - 1)
    assert not KerasRegressor().__sklearn_tags__().target_tags.positive_only
    # fitted before the flag was kept (an older pickle): the log link tells
    del reg.__dict__["_poisson"]
    with pytest.raises(ValueError, match=r"Poisson loss, which needs non-negative"):
        reg.partial_fit(X, y - 1)


def test_negative_targets_are_refused_for_the_loss_the_network_trains_with():
    """A builder that compiles its network with its own loss leaves loss unused:
    its targets may be negative whatever loss says."""

    def compiled(meta):
        model = linear_output(meta)
        model.compile(optimizer="adam", loss="mse")
        return model

    X = np.random.RandomState(0).normal(size=(30, 2))
    with pytest.warns(UserWarning, match="compiled by its builder, so loss is not used"):
        KerasRegressor(compiled, loss="poisson", epochs=1).fit(X, X[:, 0] - 2)


def test_divergence_on_huge_targets_names_them():
    """Not the learning rate (the hint asked for a tenth of it at every try):
    the squared error of such targets overflows float32 at the first step."""
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(30, 3))
    for reg in [KerasRegressor(epochs=1, random_state=0), MLPRegressor(max_iter=1)]:
        with pytest.raises(
            ValueError,
            match=r"The targets reach 3\.63e\+20: scale them, e\.g\. "
            r"with TransformedTargetRegressor.* overflow float32[^L]*$",
        ):
            reg.fit(X, 1e20 * (1 + X.sum(axis=1)))
    # large but finite squares: both hints
    with pytest.raises(ValueError, match=r"The targets reach .*Lower the learning rate"):
        KerasRegressor(
            optimizer="sgd", optimizer__learning_rate=100.0, epochs=10, random_state=0
        ).fit(X, 1e4 * X.sum(axis=1))


@pytest.mark.parametrize("Estimator", [KerasRegressor, MLPRegressor])
def test_a_diverged_warm_fit_leaves_the_optimizer_as_it_was(data, Estimator):
    X, y = data
    X = X / 100
    est = Estimator(random_state=0).partial_fit(X, y)
    before = [np.array(v.numpy()) for v in est.model_.optimizer.variables]
    X_bad = X.copy()
    X_bad[0, 0] = 1e30
    if Estimator is MLPRegressor:
        est.set_params(learning_rate_init=1e-2)  # a changed rate is undone as well
    with pytest.raises(ValueError, match="training diverged"):
        est.partial_fit(X_bad, y)
    after = [np.array(v.numpy()) for v in est.model_.optimizer.variables]
    for a, b in zip(before, after):
        np.testing.assert_array_equal(a, b)
    if Estimator is MLPRegressor:  # a warm fit restarts the optimizer: undone too
        with pytest.raises(ValueError, match="training diverged"):
            est.set_params(warm_start=True).fit(X_bad, y)
        for a, b in zip(before, [np.array(v.numpy()) for v in est.model_.optimizer.variables]):
            np.testing.assert_array_equal(a, b)
    est.partial_fit(X, y)  # and training goes on
    assert np.isfinite(est.predict(X)).all()


def test_divergence_prints_nothing(data, capsys):
    X, y = data
    with pytest.raises(ValueError, match="training diverged"):
        KerasRegressor(optimizer="sgd", optimizer__learning_rate=1e3, epochs=5).fit(X, y)
    assert capsys.readouterr().out == ""


def test_a_warm_fit_names_the_changes_it_leaves_unused():
    """set_params between a fit and a warm one changed nothing, silently (the
    network and its compiled optimizer go on as they were made)."""
    X = np.random.RandomState(0).normal(size=(40, 3))
    y = X.sum(axis=1)
    reg = KerasRegressor(hidden_layer_sizes=(4,), warm_start=True, epochs=1, random_state=0)
    reg.fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        reg.set_params(epochs=2, hidden_layer_sizes=(4,)).fit(X, y)  # used, or the same
        reg.set_params(hidden_layer_sizes=[4]).fit(X, y)  # the same network
    reg.set_params(hidden_layer_sizes=(8,), optimizer__learning_rate=0.1)
    with pytest.warns(UserWarning, match=r"hidden_layer_sizes, optimizer__learning_rate changed "):
        reg.fit(X, y)
    assert reg.model_.layers[0].units == 4
    with pytest.warns(UserWarning, match="changed since the network was made, but partial_fit"):
        reg.partial_fit(X, y)
    # a fresh fit makes the network of the new settings, and warns of nothing
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        reg.set_params(warm_start=False).fit(X, y)
        reg.set_params(warm_start=True).fit(X, y)
    assert reg.model_.layers[0].units == 8
    # the presets name theirs (their learning_rate_init applies to a warm fit)
    mlp = MLPClassifier(hidden_layer_sizes=(3,), max_iter=1, warm_start=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp.fit(X, y > np.median(y)).set_params(learning_rate_init=0.01)
        mlp.fit(X, y > np.median(y))
        mlp.set_params(optimizer__learning_rate=0.05).fit(X, y > np.median(y))
        with pytest.warns(UserWarning, match=r"^MLPClassifier: activation changed since"):
            mlp.set_params(activation="tanh").fit(X, y > np.median(y))
        reg = MLPRegressor(max_iter=1, warm_start=True, random_state=0).fit(X, np.abs(y))
        with pytest.warns(UserWarning, match=r"^MLPRegressor: loss changed since"):
            reg.set_params(loss="poisson").fit(X, np.abs(y))


def pickle_round_trip(estimator):
    return pickle.loads(pickle.dumps(estimator))


@pytest.mark.parametrize("duplicate", [pickle_round_trip, copy.deepcopy], ids=["pickle", "copy"])
def test_a_copy_names_the_changes_a_warm_fit_leaves_unused(duplicate):
    """A pickled or copied estimator keeps what its network was made from: the
    changes made before the copy, and after it, are named; unchanged settings
    (an optimizer instance, which a copy replaces by an equal one) are not."""
    X = np.random.RandomState(0).normal(size=(40, 3))
    y = X.sum(axis=1)
    params = dict(optimizer=keras.optimizers.Adam(0.01), warm_start=True, epochs=1)
    reg = KerasRegressor(hidden_layer_sizes=(4,), **params, random_state=0).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        duplicate(reg).fit(X, y)
    reg.set_params(hidden_layer_sizes=(8,))
    with pytest.warns(UserWarning, match=r": hidden_layer_sizes changed since the network"):
        duplicate(reg).fit(X, y)
    with pytest.warns(UserWarning, match=r": hidden_layer_sizes, loss changed since the network"):
        duplicate(duplicate(reg)).set_params(loss="mae").partial_fit(X, y)
    # a change set back after the copy is no change (the copy knew only that
    # hidden_layer_sizes had changed, and warned)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        duplicate(reg).set_params(hidden_layer_sizes=(4,)).fit(X, y)
    # an earlier skdl pickled the names alone
    state = reg.__getstate__()
    state["_changed_since_built"] = ["hidden_layer_sizes"]
    again = KerasRegressor.__new__(KerasRegressor)
    again.__setstate__(state)
    with pytest.warns(UserWarning, match=r": hidden_layer_sizes changed since the network"):
        again.fit(X, y)


def test_keras_values_of_shuffle_and_verbose(data, capsys):
    """shuffle="batch" (batch-sized chunks, on Keras' own data path) and
    verbose="auto" (Keras' default) are taken as Keras' fit takes them: as fit
    arguments, routed ones, and the estimator's parameters."""
    X, y = data[0] / 100, data[1] / 100
    settings = dict(batch_size=8, epochs=2, optimizer="sgd", optimizer__learning_rate=0.05)
    est = KerasRegressor(**settings, random_state=0)
    chunks = est.fit(X, y, shuffle="batch").predict(X)
    np.testing.assert_array_equal(est.fit(X, y, shuffle="batch").predict(X), chunks)
    assert not np.allclose(est.fit(X, y, shuffle=True).predict(X), chunks)  # no True
    np.testing.assert_array_equal(
        est.set_params(fit__shuffle="batch").fit(X, y).predict(X), chunks
    )
    capsys.readouterr()
    est.fit(X, y, verbose="auto")
    assert "Epoch 2/2" in capsys.readouterr().out
    est = KerasRegressor(**settings, shuffle="batch", verbose="auto", random_state=0).fit(X, y)
    assert "Epoch 2/2" in capsys.readouterr().out
    np.testing.assert_array_equal(est.predict(X), chunks)
