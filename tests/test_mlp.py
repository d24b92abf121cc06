"""MLPClassifier / MLPRegressor: scikit-learn's MLP parameters and attributes, in Keras."""

import inspect
import pickle
import warnings

import keras
import numpy as np
import pandas as pd
import pytest
from estimator_checks import parametrize_with_checks, sample_weight_equivalence_fails
from fresh_process import run_in_fresh_process
from handson_ml import california_housing
from sklearn import neural_network
from sklearn.base import clone
from sklearn.datasets import (
    load_breast_cancer,
    load_digits,
    load_iris,
    make_regression,
)
from sklearn.exceptions import ConvergenceWarning, DataConversionWarning
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import skdl
from skdl import AutoencoderTransformer, KerasRegressor, MLPClassifier, MLPRegressor

CHECKED = dict(hidden_layer_sizes=(16,), max_iter=30, learning_rate_init=0.02, random_state=0)


@parametrize_with_checks(
    [MLPClassifier(**CHECKED), MLPRegressor(**CHECKED)],
    expected_failed_checks=lambda est: sample_weight_equivalence_fails(
        "mini-batch float32 training, as for KerasClassifier; see "
        "tests/test_estimator_checks.py::test_sample_weight_equivalence_float32"
    ),
)
def test_sklearn_compatible_estimator(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        check(estimator)


def test_same_parameters_and_defaults_as_scikit_learn():
    for ours, theirs in [
        (MLPClassifier(), neural_network.MLPClassifier()),
        (MLPRegressor(), neural_network.MLPRegressor()),
    ]:
        extras = {"dropout", "batch_normalization", "optimizer", "callbacks"}
        if "loss" not in theirs.get_params():  # scikit-learn < 1.7 (skdl has it on all)
            extras.add("loss")
        ours_params = {k: v for k, v in ours.get_params().items() if k not in extras}
        assert ours_params == theirs.get_params()
        assert ours.get_params()["dropout"] == 0.0 and ours.get_params()["optimizer"] is None


@pytest.mark.parametrize("estimator", [MLPClassifier, MLPRegressor, AutoencoderTransformer])
def test_the_repr_reads_back_with_routed_parameters(estimator):
    """The constructor takes the routed parameters that the repr lists."""
    est = estimator(max_iter=5).set_params(predict__batch_size=64, fit__verbose=0)
    again = eval(repr(est), vars(skdl))
    assert type(again) is estimator and again.get_params() == est.get_params()
    # other names are no parameters of a preset: refused at once, as
    # scikit-learn's estimators refuse them (they waited for fit), with the
    # name meant
    with pytest.raises(TypeError, match="argument max_iters, did you mean max_iter?") as err:
        estimator(max_iters=5)
    # a preset takes no model builder, whose arguments the message would offer
    assert "builder" not in str(err.value)
    with pytest.raises(ValueError, match="argument max_iters, did you mean max_iter?"):
        estimator().set_params(max_iters=5)
    # a routed name waits for fit, which checks it against its target
    X, y = np.ones((4, 2)), np.arange(4) % 2
    with pytest.raises(ValueError, match="fit__verbos, did you mean fit__verbose?"):
        estimator(max_iter=1, fit__verbos=0).fit(X, y)


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def test_fitted_attributes_like_scikit_learn(iris):
    X, y = iris
    with pytest.warns(ConvergenceWarning, match=r"Maximum iterations \(20\) reached"):
        ours = MLPClassifier(hidden_layer_sizes=(10, 5), max_iter=20, random_state=0).fit(X, y)
    with pytest.warns(ConvergenceWarning):
        theirs = neural_network.MLPClassifier((10, 5), max_iter=20, random_state=0).fit(X, y)
    for name in ("n_iter_", "t_", "n_layers_", "n_outputs_", "out_activation_"):
        assert getattr(ours, name) == getattr(theirs, name), name
    assert [c.shape for c in ours.coefs_] == [c.shape for c in theirs.coefs_]
    assert [b.shape for b in ours.intercepts_] == [b.shape for b in theirs.intercepts_]
    assert len(ours.loss_curve_) == 20 and ours.loss_ == ours.loss_curve_[-1]
    assert ours.best_loss_ == min(ours.loss_curve_)
    assert ours.validation_scores_ is None and ours.best_validation_score_ is None
    assert ours.classes_.tolist() == [0, 1, 2]
    # the coefficients are the network's weights
    hidden = np.maximum(X @ ours.coefs_[0] + ours.intercepts_[0], 0)
    hidden = np.maximum(hidden @ ours.coefs_[1] + ours.intercepts_[1], 0)
    logits = hidden @ ours.coefs_[2] + ours.intercepts_[2]
    proba = np.exp(logits - logits.max(axis=1, keepdims=True))
    proba /= proba.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(ours.predict_proba(X), proba, rtol=1e-4, atol=1e-5)


def test_coefs_and_intercepts_can_be_set(iris):
    """As scikit-learn's attributes, assigning them sets the network's weights
    (for a warm start from weights of one's own, say); the lists read are copies."""
    X, y = iris
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = MLPClassifier(hidden_layer_sizes=(4,), max_iter=2, random_state=0).fit(X, y)
    coefs = [np.full_like(c, 0.1) for c in clf.coefs_]
    clf.coefs_ = coefs
    clf.intercepts_ = [np.zeros_like(b) for b in clf.intercepts_]
    for read, given in zip(clf.coefs_, coefs):
        np.testing.assert_allclose(read, given, rtol=1e-7)
    logits = np.maximum(X @ coefs[0], 0) @ coefs[1]
    proba = np.exp(logits - logits.max(axis=1, keepdims=True))
    proba /= proba.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(clf.predict_proba(X), proba, rtol=1e-4, atol=1e-6)
    clf.coefs_[0][:] = 5.0  # a copy: the network is unchanged
    np.testing.assert_allclose(clf.coefs_[0], coefs[0], rtol=1e-7)
    with pytest.raises(
        ValueError, match=r"coefs_ must be a list of 2 arrays of shapes \[\(4, 4\)"
    ):
        clf.coefs_ = coefs[:1]
    with pytest.raises(ValueError, match=r"intercepts_ must be .* got shapes \[\(3,\), \(3,\)\]"):
        clf.intercepts_ = [np.zeros(3), np.zeros(3)]


def test_early_stopping_attributes_follow_the_fit(iris):
    """Not a later set_params; a warm fit with early stopping after one without
    has no validation score for that one's epochs (NaN), and its best is the
    best score."""
    X, y = iris
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = MLPClassifier(early_stopping=True, max_iter=3, random_state=0).fit(X, y)
        clf.set_params(early_stopping=False)
        assert len(clf.validation_scores_) == 3 and clf.best_loss_ is None
        clf.set_params(warm_start=True).fit(X, y)
        assert clf.validation_scores_ is None and clf.best_loss_ == min(clf.loss_curve_)
        clf.set_params(early_stopping=True).fit(X, y)
    scores = np.array(clf.validation_scores_)  # 3 epochs with, 3 without, 3 with
    assert np.isnan(scores[3:6]).all() and not np.isnan(np.r_[scores[:3], scores[6:]]).any()
    assert clf.best_validation_score_ == np.nanmax(scores)


def test_a_warm_fit_needs_the_classes_of_the_last_one(iris):
    """As scikit-learn's, word for word: a warm fit on some of the classes
    was taken. partial_fit's batches may still hold some (scikit-learn's
    refuses them too under warm_start=True)."""
    X, y = iris
    for estimator in (neural_network.MLPClassifier, MLPClassifier):
        clf = estimator(hidden_layer_sizes=(4,), max_iter=1, warm_start=True, random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(X, y)
            with pytest.raises(ValueError, match=r"^warm_start can only be used where `y` has"):
                clf.fit(X[y < 2], y[y < 2])
    seen = clf.t_  # skdl's
    assert clf.partial_fit(X[y < 2], y[y < 2]).t_ == seen + 100


def test_stopping_rule_stops_before_max_iter(iris):
    X, y = iris
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf = MLPClassifier(max_iter=500, tol=1e-2, learning_rate_init=0.01, random_state=0)
        clf.fit(X, y)
    assert clf.n_iter_ < 500


def test_a_callback_that_stops_on_the_last_epoch_means_no_convergence_warning(iris):
    X, y = iris

    class StopAt(keras.callbacks.Callback):
        def __init__(self, epoch):
            super().__init__()
            self.epoch = epoch

        def on_epoch_end(self, epoch, logs=None):
            self.model.stop_training = epoch == self.epoch

    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        for last in (1, 2):  # the second and the third, the last epoch
            clf = MLPClassifier(max_iter=3, random_state=0).fit(X, y, callbacks=[StopAt(last)])
            assert clf.n_iter_ == last + 1
    with pytest.warns(ConvergenceWarning, match=r"Maximum iterations \(3\)"):
        MLPClassifier(max_iter=3, random_state=0).fit(X, y, callbacks=[StopAt(5)])


def test_early_stopping_keeps_the_best_weights(iris):
    X, y = iris
    clf = MLPClassifier(early_stopping=True, learning_rate_init=0.01, max_iter=300, random_state=0)
    clf.fit(X, y)
    assert clf.n_iter_ < 300
    assert len(clf.validation_scores_) == clf.n_iter_
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    assert clf.best_loss_ is None


@pytest.mark.parametrize("early_stopping", [False, True])
def test_a_warm_fit_goes_on_with_the_stopping_rule(iris, early_stopping):
    """As scikit-learn's MLPs: a network that converged stops after one epoch
    that does not improve by tol (it trained n_iter_no_change + 1 again), and
    with early stopping keeps the best weights of the fits before."""
    X, y = iris
    params = dict(tol=1e3, n_iter_no_change=3, early_stopping=early_stopping, warm_start=True)
    ours = MLPClassifier(**params, max_iter=50, random_state=0)
    theirs = neural_network.MLPClassifier(**params, max_iter=50, random_state=0)
    ours.fit(X, y), theirs.fit(X, y)
    assert ours.n_iter_ == theirs.n_iter_ == 5  # only the first epoch improves
    before = ours.predict_proba(X)
    # a vanishing rate: no epoch beats the best validation score (accuracy)
    ours.set_params(learning_rate_init=1e-9).fit(X, y)
    theirs.set_params(learning_rate_init=1e-9).fit(X, y)
    assert ours.n_iter_ == theirs.n_iter_ == 1 and len(ours.loss_curve_) == 6
    if early_stopping:  # the best weights are still those of the first fit
        np.testing.assert_array_equal(ours.predict_proba(X), before)
    # a new fit starts the record again; partial_fit goes on with it
    ours.set_params(warm_start=False, early_stopping=False).fit(X, y)
    assert ours.n_iter_ == 5
    ours.partial_fit(X, y)
    ours.set_params(warm_start=True).fit(X, y)
    assert ours.n_iter_ == 1


def test_early_stopping_scores_the_validation_split_with_its_weights(monkeypatch):
    # as scikit-learn's MLPs (sample_weight_val): the weights decide when to stop
    rng = np.random.RandomState(0)
    X = rng.normal(size=(100, 3))
    y, weights = X @ [1.0, 2.0, 0.0], rng.uniform(0.5, 2.0, size=100)
    seen = []

    def score(self, X, y, sample_weight=None):
        seen.append(sample_weight)
        return 0.0

    monkeypatch.setattr(MLPRegressor, "score", score)
    MLPRegressor(early_stopping=True, max_iter=2, random_state=0).fit(X, y, weights)
    assert len(seen) == 2 and all(len(w) == 10 for w in seen)  # validation_fraction=0.1
    assert np.ptp(seen[0]) > 0.1  # the split's own weights (rescaled), not ones
    seen.clear()
    MLPRegressor(early_stopping=True, max_iter=1, random_state=0).fit(X, y)
    assert seen == [None]


def scikit_learn_twin(params, X, y):
    """scikit-learn's MLPRegressor of ``params``, set to the initial weights of
    skdl's (those of a first epoch at a vanishing rate)."""
    still = dict(solver="sgd", momentum=0.0, learning_rate="constant", learning_rate_init=1e-12)
    start = MLPRegressor(**{**params, **still}, max_iter=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start.fit(X, y)
        twin = neural_network.MLPRegressor(**params, max_iter=1).fit(X, y)
    twin.coefs_, twin.intercepts_ = start.coefs_, start.intercepts_
    twin.loss_curve_, twin.best_loss_, twin._no_improvement_count, twin.t_ = [], np.inf, 0, 0
    del twin._optimizer  # a partial_fit starts a new one
    return twin


@pytest.mark.parametrize(
    "solver",
    [
        dict(solver="adam", learning_rate_init=0.01),
        dict(solver="sgd", momentum=0.9, learning_rate_init=0.01),
        dict(solver="sgd", learning_rate="invscaling", learning_rate_init=0.1),
    ],
    ids=["adam", "momentum", "invscaling"],
)
@pytest.mark.parametrize("call", ["warm_start", "partial_fit"])
def test_training_steps_are_scikit_learns(solver, call):
    """From the same weights, in the same order, the optimizers step as
    scikit-learn's: invscaling's rate set after each epoch; a warm fit with a
    fresh optimizer, partial_fit going on with its state."""
    X, y = make_regression(n_samples=200, n_features=5, noise=1, random_state=0)
    y = y / 100
    params = dict(hidden_layer_sizes=(6,), batch_size=50, shuffle=False, random_state=0)
    params.update(solver, tol=0.0, n_iter_no_change=100)
    theirs = scikit_learn_twin(params, X, y)
    ours = MLPRegressor(**params, warm_start=True, max_iter=3)
    theirs.set_params(warm_start=True, max_iter=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for _ in range(2 if call == "warm_start" else 6):
            for est in (ours, theirs):
                est.fit(X, y) if call == "warm_start" else est.partial_fit(X, y)
    assert ours.t_ == theirs.t_ == 1200
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-4)  # float32
    for mine, sklearns in zip(ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_):
        np.testing.assert_allclose(mine, sklearns, atol=1e-5)


@pytest.mark.skipif(
    "loss" not in inspect.signature(neural_network.MLPRegressor).parameters,
    reason="scikit-learn's MLPRegressor has loss='poisson' from 1.7",
)
@pytest.mark.parametrize("n_targets", [1, 2])
def test_poisson_loss_is_scikit_learns(n_targets):
    """The half Poisson deviance, its y log y - y included and summed over the
    targets: the same losses and steps as scikit-learn's from the same weights."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 5))
    y = rng.poisson(np.exp(0.5 * X[:, :n_targets])).astype(float).squeeze()
    params = dict(loss="poisson", hidden_layer_sizes=(6,), batch_size=50, shuffle=False)
    params.update(random_state=0, learning_rate_init=0.01, tol=0.0, n_iter_no_change=100)
    theirs = scikit_learn_twin(params, X, y).set_params(warm_start=True, max_iter=3)
    ours = MLPRegressor(**params, max_iter=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours.fit(X, y), theirs.fit(X, y)
    assert ours.out_activation_ == theirs.out_activation_ == "exp"
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-4)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-4)
    pickled = pickle.loads(pickle.dumps(ours))  # the loss is registered with Keras
    np.testing.assert_array_equal(pickled.predict(X), ours.predict(X))


@pytest.mark.parametrize(
    "loss, other, name",
    [
        ("poisson", "squared_error", "half_poisson_deviance"),
        ("squared_error", "poisson", "half_squared_error"),
    ],
)
def test_mlp_losses_load_in_a_fresh_process(tmp_path, loss, other, name):
    """skdl's losses are registered with Keras where skdl is imported: a
    network saved by Keras loads, and so does a pickle whose ``loss`` was set
    to another since the fit (the network keeps the loss it was fitted with)."""
    X = np.random.RandomState(0).uniform(size=(30, 3))
    reg = MLPRegressor(loss=loss, max_iter=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reg.fit(X, X.sum(axis=1))
    reg.model_.save(tmp_path / "model.keras")
    pickle.dump(reg.set_params(loss=other), open(tmp_path / "reg.pkl", "wb"))
    code = f"""
        import pickle
        import skdl, keras
        model = keras.models.load_model("model.keras")
        assert model.loss.name == "{name}", model.loss
        np.testing.assert_allclose(np.ravel(model.predict_on_batch(X)), pred, rtol=1e-6)
        np.testing.assert_array_equal(pickle.load(open("reg.pkl", "rb")).predict(X), pred)
        """
    run_in_fresh_process(tmp_path, code, X=X, pred=reg.predict(X))


@pytest.mark.parametrize(
    "solver",
    [dict(solver="sgd", momentum=0.9, learning_rate_init=0.01), dict(solver="adam")],
    ids=["sgd", "adam"],
)
def test_squared_error_of_several_targets_is_scikit_learns(solver):
    """With several targets, scikit-learn reports half the squared error
    averaged over them but steps along the gradient of its sum: the same
    losses and steps from the same weights, the L2 penalty included."""
    X, y = make_regression(n_samples=120, n_features=5, n_targets=3, noise=1, random_state=0)
    y = y / 100
    params = dict(hidden_layer_sizes=(6,), batch_size=40, shuffle=False, random_state=0)
    params.update(solver, alpha=0.01, tol=0.0, n_iter_no_change=100)
    theirs = scikit_learn_twin(params, X, y)
    ours = MLPRegressor(**params)  # starts from the twin's weights
    for _ in range(3):
        ours.partial_fit(X, y)
        theirs.partial_fit(X, y)
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-4)
    for mine, sklearns in zip(ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_):
        np.testing.assert_allclose(mine, sklearns, atol=1e-5)


def test_samples_seen_count_the_batches_of_steps_per_epoch():
    """t_ (and invscaling's rate) count the steps_per_epoch batches of each
    epoch as Keras' data iterator gives them: it counted every row at every
    epoch."""
    X, y = make_regression(n_samples=100, n_features=3, random_state=0)
    y = y / 100
    params = dict(hidden_layer_sizes=(4,), batch_size=10, max_iter=4, random_state=0)
    params.update(solver="sgd", learning_rate="invscaling", learning_rate_init=0.01)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        # Keras' data iterator goes on from epoch to epoch, and ends an epoch
        # where a pass ends: 3 + 3 + 3 + 1 batches, the last of 5 rows
        for n, steps, seen in [(100, 2, 80), (100, 25, 400), (95, 3, 95)]:
            reg = MLPRegressor(**params).fit(X[:n], y[:n], steps_per_epoch=steps)
            assert reg.t_ == seen
            rate = reg.model_.optimizer.learning_rate.numpy()
            assert rate == pytest.approx(0.01 / (seen + 1) ** 0.5, rel=1e-5)


@pytest.mark.parametrize("share_compiled", [True, False])
def test_l2_penalty_follows_the_batches_of_each_call(share_compiled):
    """As scikit-learn's: alpha / 2 times the squared weights, divided by the size
    of the batches this call trains on (the network was built for others)."""
    X, y = make_regression(n_samples=300, n_features=5, random_state=0)
    y = y / 100
    still = dict(alpha=100.0, learning_rate_init=1e-12, random_state=0)  # the weights stay

    def expected_loss(reg, batch_size):
        squares = sum(np.sum(c**2) for c in reg.coefs_)
        return 0.5 * np.mean((reg.predict(X) - y) ** 2) + 0.5 * 100.0 * squares / batch_size

    with skdl.config_context(share_compiled=share_compiled):
        reg = MLPRegressor(**still).partial_fit(X[:10], y[:10])  # batches of 10
        reg.partial_fit(X, y)  # of 200 ('auto')
        assert reg.loss_ == pytest.approx(expected_loss(reg, 200), rel=1e-5)
        with pytest.warns(ConvergenceWarning):
            reg = MLPRegressor(max_iter=1, **still).fit(X, y, batch_size=50)
        assert reg.loss_ == pytest.approx(expected_loss(reg, 50), rel=1e-5)


def test_early_stopping_stratifies_where_every_class_fits_both_parts(iris, monkeypatch):
    """Stratified by class, unless a class has one sample or a part is smaller
    than the number of classes: then split as scikit-learn's multiclass MLP does,
    where a stratified split would fail."""
    import skdl._mlp

    stratified = []
    split = skdl._mlp.train_test_split
    monkeypatch.setattr(
        skdl._mlp,
        "train_test_split",
        lambda *a, stratify, **k: (
            stratified.append(stratify is not None) or split(*a, stratify=stratify, **k)
        ),
    )
    X, y = iris
    params = dict(early_stopping=True, max_iter=2, random_state=0)
    single = np.where(np.arange(150) == 0, 3, y)  # a class of one sample
    many = np.arange(150) % 30  # 30 classes, 15 validation samples
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for labels in (y, single, many, np.column_stack([y == 0, y == 1])):
            MLPClassifier(**params).fit(X, labels)
    assert stratified == [True, False, False, False]


@pytest.mark.parametrize("schedule", ["constant", "invscaling", "adaptive"])
def test_sgd_learning_rate_schedules(iris, schedule):
    X, y = iris
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = MLPClassifier(
            solver="sgd",
            learning_rate=schedule,
            learning_rate_init=0.1,
            max_iter=30,
            random_state=0,
        ).fit(X, y)
    lr = float(clf.model_.optimizer.learning_rate.numpy())
    if schedule == "invscaling":  # set after each epoch, from the samples seen
        assert lr == pytest.approx(0.1 / (clf.t_ + 1) ** 0.5, rel=1e-6)
    elif schedule == "constant":
        assert lr == pytest.approx(0.1)
    assert clf.score(X, y) > 0.8


def test_invscaling_starts_from_a_routed_rate(iris):
    """It started from optimizer__learning_rate, then fell from learning_rate_init."""
    X, y = iris
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = MLPClassifier(
            solver="sgd", learning_rate="invscaling", optimizer__learning_rate=0.1, max_iter=3
        ).fit(X, y)
    lr = float(clf.model_.optimizer.learning_rate.numpy())
    assert lr == pytest.approx(0.1 / (clf.t_ + 1) ** 0.5, rel=1e-6)


def test_callbacks_see_the_validation_score_of_early_stopping(iris):
    """The presets' rule added val_score to the logs after the user's
    callbacks ran: EarlyStopping(monitor="val_score") never stopped, and warned
    at every epoch that it was not available."""
    X, y = iris
    seen = []
    logger = keras.callbacks.LambdaCallback(on_epoch_end=lambda e, logs: seen.append(set(logs)))
    stop = keras.callbacks.EarlyStopping(monitor="val_score", mode="max", patience=0)
    clf = MLPClassifier(early_stopping=True, max_iter=50, random_state=0, tol=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clf.fit(X, y, callbacks=[logger, stop])
    assert all("val_score" in keys for keys in seen)
    assert not [w for w in caught if "val_score" in str(w.message)]
    assert clf.n_iter_ < 50 and stop.stopped_epoch == clf.n_iter_ - 1


@pytest.mark.parametrize("Estimator", [MLPClassifier, MLPRegressor])
def test_a_warm_fit_under_mixed_precision_restarts_the_loss_scale(iris, Estimator):
    """Restarting the optimizer set the LossScaleOptimizer's loss scale to 0:
    every warm fit diverged."""
    X, y = iris
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        est = Estimator(warm_start=True, max_iter=2, random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            est.fit(X, y).fit(X, y)
        optimizer = est.model_.optimizer
        assert float(optimizer.dynamic_scale.numpy()) == optimizer.initial_scale
        assert np.isfinite(est.loss_curve_).all()
    finally:
        keras.mixed_precision.set_global_policy("float32")


def test_lbfgs_is_explained(iris):
    X, y = iris
    with pytest.raises(ValueError, match="solver='lbfgs' is not available.*solver='adam'"):
        MLPClassifier(solver="lbfgs").fit(X, y)
    # as scikit-learn's MLPClassifier: no partial_fit for L-BFGS
    for estimator in (MLPClassifier, MLPRegressor, AutoencoderTransformer):
        assert not hasattr(estimator(solver="lbfgs"), "partial_fit")
        assert hasattr(estimator(solver="lbfgs", optimizer="adam"), "partial_fit")
        assert hasattr(estimator(), "partial_fit")
    with pytest.raises(AttributeError, match="partial_fit") as info:
        MLPClassifier(solver="lbfgs").partial_fit(X, y, classes=[0, 1, 2])
    assert "solver='adam'" in str(info.value.__cause__)


@pytest.mark.parametrize("schedule", ["invscaling", "adaptive"])
def test_an_optimizer_of_the_users_replaces_the_solvers_settings(schedule):
    """``optimizer`` replaces the solver's optimizer: learning_rate_init and
    the schedules (scikit-learn's SGD's) leave its rate alone, and the settings
    changed for nothing are named."""
    X = np.random.RandomState(0).normal(size=(40, 3))
    params = dict(solver="sgd", learning_rate=schedule, learning_rate_init=0.5)
    # a loss that cannot improve by tol: "adaptive" lowers the solver's rate
    params.update(max_iter=4, tol=1e3, n_iter_no_change=1, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        own = MLPRegressor(**params).fit(X, X[:, 0])
        with pytest.warns(UserWarning, match="replaces the optimizer of solver='sgd'") as caught:
            theirs = MLPRegressor(**params, optimizer=keras.optimizers.Adam(0.01))
            theirs.fit(X, X[:, 0])
    assert float(own.model_.optimizer.learning_rate.numpy()) < 0.5  # the schedule ran
    assert float(theirs.model_.optimizer.learning_rate.numpy()) == pytest.approx(0.01)
    message = str(next(w.message for w in caught if "replaces" in str(w.message)))
    assert "solver, learning_rate, learning_rate_init are not used" in message
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # the defaults are not named
        warnings.simplefilter("ignore", ConvergenceWarning)
        MLPRegressor(max_iter=1, optimizer="rmsprop", random_state=0).fit(X, X[:, 0])


@pytest.mark.skipif(
    "sample_weight" not in inspect.signature(neural_network.MLPRegressor.fit).parameters,
    reason="scikit-learn's MLPs take sample_weight from 1.7",
)
@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_weighted_batches_step_as_scikit_learns(solver):
    """Each mini-batch's loss is the weighted mean of its rows' losses (divided
    by the batch's sum of weights, not its size), as scikit-learn's: the same
    losses and steps from the same weights (alpha=0: the penalty is divided by
    the batch size, see the migration guide)."""
    X, y = make_regression(n_samples=60, n_features=4, noise=1, random_state=0)
    y = y / 100
    weights = np.random.RandomState(1).uniform(0.1, 5.0, size=60)
    params = dict(solver=solver, hidden_layer_sizes=(5,), batch_size=25, shuffle=False)
    params.update(alpha=0.0, learning_rate_init=0.01, momentum=0.0, random_state=0)
    theirs = scikit_learn_twin(params, X, y)
    ours = MLPRegressor(**params)  # starts from the twin's weights
    for _ in range(3):
        ours.partial_fit(X, y, sample_weight=weights)
        theirs.partial_fit(X, y, sample_weight=weights)
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-4)
    for mine, sklearns in zip(ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_):
        np.testing.assert_allclose(mine, sklearns, atol=1e-5)


@pytest.mark.parametrize("sizes", [(8, 0), (8, -1), (8, 2.5), ("8",)])
def test_hidden_layer_sizes_are_checked(iris, sizes):
    X, y = iris
    with pytest.raises(ValueError, match="hidden_layer_sizes must hold positive integers"):
        MLPClassifier(hidden_layer_sizes=sizes, max_iter=1).fit(X, y)


def test_keras_extras(iris):
    X, y = iris
    clf = MLPClassifier(
        hidden_layer_sizes=(8,),
        dropout=0.2,
        batch_normalization=True,
        max_iter=3,
        optimizer="rmsprop",
        random_state=0,
    ).fit(X, y)
    names = [type(layer).__name__ for layer in clf.model_.layers]
    assert names == ["Dense", "BatchNormalization", "Activation", "Dropout", "Dense"]
    assert type(clf.model_.optimizer).__name__ == "RMSprop"


def test_alpha_shrinks_the_weights(iris):
    X, y = iris
    params = dict(max_iter=30, random_state=0, learning_rate_init=0.01)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        small = MLPClassifier(alpha=1e-5, **params).fit(X, y)
        large = MLPClassifier(alpha=10.0, **params).fit(X, y)
    assert np.sum(large.coefs_[0] ** 2) < 0.5 * np.sum(small.coefs_[0] ** 2)


@pytest.mark.parametrize("kind", ["binary", "multiclass", "multilabel"])
def test_classifier_loss_is_scikit_learns_log_loss(iris, kind):
    """The loss is scikit-learn's: the log-loss averaged over samples and, for a
    multilabel target, summed over the labels (Keras averages them)."""
    X, y = iris
    Y = {
        "binary": (y == 0).astype(int),
        "multiclass": y,
        "multilabel": np.column_stack([y == 0, y == 1, X[:, 0] > 0]).astype(int),
    }[kind]
    # one full batch with a negligible step: the epoch's loss is that of the final weights
    clf = MLPClassifier(
        hidden_layer_sizes=(5,), alpha=0.0, batch_size=150, learning_rate_init=1e-9,
        max_iter=1, shuffle=False, random_state=0,
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, Y)
    proba = clf.predict_proba(X)
    if kind == "multiclass":
        expected = -np.mean(np.log(proba[np.arange(150), Y]))
    else:
        P = proba if kind == "multilabel" else proba[:, 1:]
        T = Y.reshape(len(Y), -1)
        expected = -np.mean(np.sum(T * np.log(P) + (1 - T) * np.log(1 - P), axis=1))
    assert clf.loss_ == pytest.approx(expected, rel=1e-4)


def test_partial_fit_and_clone(iris):
    X, y = iris
    clf = MLPClassifier(random_state=0)
    clf.partial_fit(X, y, classes=[0, 1, 2]).partial_fit(X, y)
    # as scikit-learn's: n_iter_ counts this call's epochs, loss_curve_ and t_ all
    assert clf.n_iter_ == 1 and len(clf.loss_curve_) == 2 and clf.t_ == 300
    assert clone(clf).get_params() == clf.get_params()


def test_partial_fit_takes_scikit_learns_argument_order(iris):
    """MLPClassifier.partial_fit(X, y, sample_weight, classes), as scikit-learn's
    (KerasClassifier's follows SGDClassifier's: classes, then sample_weight)."""
    X, y = iris
    weights = np.where(y == 0, 0.0, 1.0)
    positional = MLPClassifier(random_state=0).partial_fit(X, y, weights, [0, 1, 2])
    named = MLPClassifier(random_state=0).partial_fit(
        X, y, classes=[0, 1, 2], sample_weight=weights
    )
    assert positional.loss_ == named.loss_
    unweighted = MLPClassifier(random_state=0).partial_fit(X, y, classes=[0, 1, 2])
    assert positional.loss_ != unweighted.loss_
    params = list(inspect.signature(MLPClassifier.partial_fit).parameters)
    theirs = list(inspect.signature(neural_network.MLPClassifier.partial_fit).parameters)
    if "sample_weight" in theirs:  # scikit-learn >= 1.7
        assert params == theirs


@pytest.mark.parametrize(
    "estimator, partial_fit_args",
    [
        (MLPClassifier(early_stopping=True), {"classes": [0, 1, 2]}),
        (MLPRegressor(early_stopping=True), {}),
        (AutoencoderTransformer(early_stopping=True), None),
    ],
    ids=["classifier", "regressor", "autoencoder"],
)
def test_partial_fit_refuses_early_stopping(iris, estimator, partial_fit_args):
    # as scikit-learn's MLPs: early stopping would hold out part of every batch
    X, y = iris
    with pytest.raises(ValueError, match="partial_fit does not support early_stopping=True"):
        if partial_fit_args is None:
            estimator.partial_fit(X)
        else:
            estimator.partial_fit(X, y, **partial_fit_args)
    assert not hasattr(estimator, "model_")


@pytest.mark.parametrize("estimator", [MLPRegressor, AutoencoderTransformer])
def test_early_stopping_on_a_dataframe_warns_nothing_about_feature_names(estimator):
    rng = np.random.RandomState(0)
    X = pd.DataFrame(rng.normal(size=(100, 4)), columns=list("abcd"))
    est = estimator(early_stopping=True, max_iter=3, random_state=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        est.fit(X, X["a"]) if estimator is MLPRegressor else est.fit(X)
    assert not [w for w in caught if "feature names" in str(w.message)]
    assert len(est.validation_scores_) == 3


@pytest.mark.parametrize("estimator", [MLPRegressor, AutoencoderTransformer])
def test_partial_fit_never_warns_about_convergence(estimator):
    # as scikit-learn's: one epoch per call is not a failure to converge
    X = np.random.RandomState(0).normal(size=(60, 4))
    est = estimator(max_iter=1, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        for _ in range(2):
            est.partial_fit(X, X[:, 0]) if estimator is MLPRegressor else est.partial_fit(X)
    assert est.n_iter_ == 1 and len(est.loss_curve_) == 2


@pytest.mark.parametrize("call", ["warm_start", "partial_fit"])
def test_continued_training_takes_a_new_learning_rate_init(call):
    # fine-tuning: lower the rate, keep training (scikit-learn's MLPs use the new one)
    X = np.random.RandomState(0).normal(size=(60, 4))
    reg = MLPRegressor(max_iter=2, warm_start=call == "warm_start", random_state=0)
    reg.fit(X, X[:, 0])
    rate = reg.model_.optimizer.learning_rate
    assert float(rate.numpy()) == pytest.approx(1e-3)
    reg.set_params(learning_rate_init=0.05)
    reg.partial_fit(X, X[:, 0]) if call == "partial_fit" else reg.fit(X, X[:, 0])
    assert float(reg.model_.optimizer.learning_rate.numpy()) == pytest.approx(0.05)


def test_regressor_predicts_1d_for_a_column_target():
    X, y = load_iris(return_X_y=True)
    reg = MLPRegressor(max_iter=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        assert reg.fit(X, y.reshape(-1, 1)).predict(X).shape == (150,)
        assert reg.fit(X, np.column_stack([y, y])).predict(X).shape == (150, 2)


# ----------------------------------------------------------------- drop-in test
def _california():
    data = california_housing()
    return data.data[:3000], data.target[:3000]


DROP_IN_DATASETS = {  # name: (loader, kind, epochs)
    "iris": (lambda: load_iris(return_X_y=True), "classifier", 200),
    "breast_cancer": (lambda: load_breast_cancer(return_X_y=True), "classifier", 50),
    "digits": (lambda: load_digits(return_X_y=True), "classifier", 30),
    "california": (_california, "regressor", 30),
}


def drop_in_script(MLPClassifier, MLPRegressor, name):
    """One script, run once with scikit-learn's MLPs and once with skdl's."""
    load, kind, max_iter = DROP_IN_DATASETS[name]
    Estimator = MLPClassifier if kind == "classifier" else MLPRegressor
    step = "mlpclassifier" if kind == "classifier" else "mlpregressor"
    X_train, X_test, y_train, y_test = train_test_split(*load(), random_state=0)
    search = GridSearchCV(
        make_pipeline(
            StandardScaler(),
            Estimator(max_iter=max_iter, learning_rate_init=0.01, random_state=0),
        ),
        {f"{step}__hidden_layer_sizes": [(32,), (64,)], f"{step}__alpha": [1e-4, 1e-2]},
        cv=2,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        search.fit(X_train, y_train)
    return search.score(X_test, y_test)


@pytest.mark.parametrize("name", sorted(DROP_IN_DATASETS))
def test_drop_in_replacement_reaches_comparable_scores(name):
    """Tolerance: skdl within 0.05 accuracy of scikit-learn's MLPClassifier on iris,
    breast cancer and digits, and within 0.1 R² of MLPRegressor on California
    housing (float32 Keras training with the same parameters and epochs)."""
    theirs = drop_in_script(neural_network.MLPClassifier, neural_network.MLPRegressor, name)
    ours = drop_in_script(MLPClassifier, MLPRegressor, name)
    tolerance = 0.1 if name == "california" else 0.05
    assert ours >= theirs - tolerance, (name, ours, theirs)


def test_routed_parameters_reach_the_optimizer(iris):
    X, y = iris
    clf = MLPClassifier(solver="sgd", max_iter=1, random_state=0)
    clf.set_params(optimizer__learning_rate=0.3, compile__jit_compile=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    assert float(clf.model_.optimizer.learning_rate.numpy()) == pytest.approx(0.3)
    # and they survive clone, as cross-validation and searches need
    copy = clone(clf)
    assert copy.get_params() == clf.get_params()
    assert copy.get_params()["optimizer__learning_rate"] == 0.3 and "model_" not in vars(copy)


def test_no_convergence_warning_when_a_callback_ends_training(iris):
    X, y = iris
    stop = keras.callbacks.EarlyStopping(monitor="loss", patience=0, min_delta=10)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf = MLPClassifier(max_iter=50, callbacks=[stop], random_state=0).fit(X, y)
    assert clf.n_iter_ == 2


def test_regressor_column_vector_y_as_scikit_learn(iris):
    X, _ = iris
    y = X[:, :1] * 2.0
    with pytest.warns(DataConversionWarning, match="column-vector y"):
        ours = MLPRegressor(max_iter=2, random_state=0).fit(X, y)
    assert ours.n_outputs_ == 1 and ours.target_type_ == "continuous"
    assert ours.predict(X[:3]).shape == (3,)


@pytest.mark.parametrize(
    "params",
    [
        dict(solver="sgd", momentum=0),  # plain SGD, as a grid over momentum gives it
        dict(solver="sgd", momentum=np.float32(0.5), learning_rate_init=np.float32(0.01)),
        dict(learning_rate_init=1, beta_1=np.float32(0.9), epsilon=np.float32(1e-8)),
        dict(alpha=np.float32(1e-3), early_stopping=True, validation_fraction=np.float32(0.2)),
    ],
)
def test_numbers_of_any_type_as_scikit_learn(iris, params):
    # Keras refuses an int learning rate or momentum and NumPy float32 values
    X, y = iris
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        neural_network.MLPClassifier(max_iter=2, **params).fit(X, y)
        clf = MLPClassifier(max_iter=2, **params).fit(X, y)
    assert clf.n_iter_ == 2
    optimizer = clf.model_.optimizer
    for name in ("momentum", "beta_1", "epsilon"):
        if name in params:
            assert getattr(optimizer, name) == pytest.approx(float(params[name]))


def test_routed_optimizer_numbers_of_any_type():
    X = np.random.RandomState(0).normal(size=(30, 3))
    params = dict(optimizer="sgd", optimizer__learning_rate=np.float32(0.01))
    reg = KerasRegressor(epochs=1, optimizer__momentum=0, **params).fit(X, X[:, 0])
    assert reg.model_.optimizer.momentum == 0.0


def test_early_stopping_refuses_a_validation_set_of_one_sample():
    # one sample gives no validation score: the error of recent scikit-learn
    # releases (1.6 has no such check), not training on NaN scores
    X = np.random.RandomState(0).normal(size=(30, 3))
    with pytest.raises(ValueError, match="The validation set is too small"):
        MLPRegressor(early_stopping=True, validation_fraction=0.03, max_iter=3).fit(X, X[:, 0])
    with pytest.raises(ValueError, match="The validation set is too small"):
        AutoencoderTransformer(early_stopping=True, validation_fraction=0.03, max_iter=3).fit(X)


def test_early_stopping_refuses_a_validation_set_that_leaves_no_training_rows():
    # scikit-learn's train_test_split refuses it too; a division by zero before
    X = np.random.RandomState(0).normal(size=(20, 3))
    match = "validation_fraction=0.99 of the 20 samples, which leaves none to train on"
    with pytest.raises(ValueError, match=match):
        MLPRegressor(early_stopping=True, validation_fraction=0.99, max_iter=3).fit(X, X[:, 0])
    with pytest.raises(ValueError, match=match):
        AutoencoderTransformer(early_stopping=True, validation_fraction=0.99, max_iter=3).fit(X)


def test_early_stopping_refuses_an_empty_validation_fraction():
    # scikit-learn's error comes from train_test_split, naming its test_size
    X = np.random.RandomState(0).normal(size=(20, 3))
    match = "validation_fraction=0.0 holds out none. Set validation_fraction above 0"
    with pytest.raises(ValueError, match=match):
        MLPRegressor(early_stopping=True, validation_fraction=0.0).fit(X, X[:, 0])
    with pytest.raises(ValueError, match=match):
        AutoencoderTransformer(early_stopping=True, validation_fraction=0.0).fit(X)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"epochs": 0}, "'epochs' parameter of MLPClassifier.fit must be an int"),
        ({"validation_split": "x"}, "'validation_split' parameter of MLPClassifier.fit"),
        ({"class_weight": "nope"}, "'class_weight' parameter of MLPClassifier.fit"),
    ],
)
def test_keras_fit_arguments_of_the_presets_are_checked(iris, kwargs, match):
    X, y = iris
    with pytest.raises(ValueError, match=match):
        MLPClassifier(max_iter=2).fit(X, y, **kwargs)


def test_a_routed_learning_rate_is_checked_as_learning_rate_init(iris):
    X, y = iris
    with pytest.raises(ValueError, match="'optimizer__learning_rate' parameter of MLPClassifier"):
        MLPClassifier(max_iter=2, optimizer__learning_rate=-0.1).fit(X, y)


def test_n_iter_no_change_may_be_infinite(iris):
    X, y = iris
    with pytest.warns(ConvergenceWarning, match="Maximum iterations"):
        clf = MLPClassifier(n_iter_no_change=np.inf, tol=1e3, max_iter=14).fit(X, y)
    assert clf.n_iter_ == 14
    # no epoch improves by tol=1e3: ten epochs without improvement stop it
    assert MLPClassifier(n_iter_no_change=10, tol=1e3, max_iter=14).fit(X, y).n_iter_ == 12


@pytest.mark.parametrize("method", ["fit", "partial_fit"])
def test_a_clipped_batch_size_warns_once(iris, method):
    X, y = iris
    clf = MLPClassifier(batch_size=1000, max_iter=1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if method == "fit":
            clf.fit(X, y)
        else:
            clf.partial_fit(X, y, classes=[0, 1, 2])
    clipped = [w for w in caught if "It is going to be clipped" in str(w.message)]
    assert len(clipped) == 1


def test_n_iter_counts_the_last_fit_as_scikit_learn(iris):
    X, y = iris
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for est in (neural_network.MLPClassifier, MLPClassifier):
            clf = est(max_iter=3, warm_start=True, random_state=0).fit(X, y).fit(X, y)
            assert clf.n_iter_ == 3 and len(clf.loss_curve_) == 6


def test_fit_epochs_stands_for_max_iter(iris):
    """fit(epochs=...) sets the maximum of its call, as max_iter would: a
    max_iter set otherwise is named, and running out warns of that maximum."""
    X, y = iris
    with pytest.warns(UserWarning, match=r"fit\(epochs=3\) overrides max_iter=2 .*max_iter=3"):
        with pytest.warns(ConvergenceWarning, match=r"Maximum iterations \(3\) reached"):
            clf = MLPClassifier(max_iter=2, random_state=0).fit(X, y, epochs=3)
    assert clf.n_iter_ == 3
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)  # ConvergenceWarning's base
        MLPClassifier(random_state=0).fit(X, y, epochs=3)  # max_iter at its default
        MLPClassifier(max_iter=3, random_state=0).fit(X, y, epochs=3)  # the same value
    caught = [w for w in caught if issubclass(w.category, UserWarning)]
    assert [w.category for w in caught] == [ConvergenceWarning] * 2
    assert all("Maximum iterations (3) reached" in str(w.message) for w in caught)


@pytest.mark.parametrize("Estimator", [MLPClassifier, MLPRegressor, AutoencoderTransformer])
@pytest.mark.parametrize("name", ["metrics__name", "loss__from_logits", "model__meta"])
def test_presets_refuse_routing_to_a_loss_metrics_or_builder_they_do_not_take(Estimator, name):
    """The presets compile scikit-learn's loss and no metrics, and take no
    builder: such names were taken, and left unused without a word."""
    with pytest.raises(TypeError, match=rf"unexpected argument {name}\. .*\(optimizer__, "):
        Estimator(**{name: 1})
    with pytest.raises(ValueError, match=rf"unexpected argument {name}\."):
        Estimator().set_params(**{name: 1})


@pytest.mark.parametrize(
    "name, says",
    [
        ("compile__metrics", "it logs the loss in history_"),
        ("compile__loss", "it trains the loss of scikit-learn's MLP"),
        ("compile__loss_weights", "use sample_weight"),
    ],
)
def test_presets_name_what_to_use_instead_of_compile_settings_of_their_own(name, says):
    """compile__loss_weights failed in Keras (compile() got multiple values),
    compile__metrics was sent to a metrics parameter the presets lack."""
    X, y = np.random.RandomState(0).normal(size=(20, 3)), np.arange(20) % 2
    with pytest.raises(ValueError, match=rf"{name} is passed by MLPClassifier itself: {says}"):
        MLPClassifier(max_iter=1, **{name: ["mae"]}).fit(X, y)


def test_a_learning_rate_schedule_stays_the_optimizers_in_warm_fits(iris):
    """The presets assigned a changed rate to the optimizer: an equal new
    schedule, or a schedule after a number, failed inside TensorFlow, and a
    number after a schedule was left unused without a word."""
    X, y = iris
    decay = keras.optimizers.schedules.ExponentialDecay

    def fitted(rate):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return MLPClassifier(max_iter=2, random_state=0, optimizer__learning_rate=rate).fit(
                X, y
            )

    clf = fitted(decay(0.01, 2, 0.5)).set_params(optimizer__learning_rate=decay(0.01, 2, 0.5))
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        clf.partial_fit(X, y)
    for first, second in [(0.01, decay(0.01, 2, 0.5)), (decay(0.01, 2, 0.5), 0.02)]:
        clf = fitted(first).set_params(optimizer__learning_rate=second, warm_start=True)
        for step in (clf.partial_fit, clf.fit):
            with pytest.warns(UserWarning, match="optimizer__learning_rate changed from .* keeps"):
                step(X, y)


@pytest.mark.parametrize("schedule", ["invscaling", "adaptive"])
def test_sgd_schedules_refuse_a_learning_rate_schedule(iris, schedule):
    """They divided the schedule object by a number, inside Keras' training."""
    X, y = iris
    decay = keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5)
    clf = MLPClassifier(solver="sgd", learning_rate=schedule, optimizer__learning_rate=decay)
    with pytest.raises(ValueError, match=f"learning_rate='{schedule}' sets the rate after each"):
        clf.fit(X, y)


def test_poisson_refuses_negative_targets_in_every_fit():
    """A warm fit and partial_fit trained on negative targets without a word."""
    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(40, 3)), rng.poisson(2.0, size=40).astype(float)
    with pytest.raises(
        ValueError,
        match="Poisson loss, which needs non-negative targets y; use loss='squared_error' for",
    ):
        MLPRegressor(loss="poisson").fit(X, -y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reg = MLPRegressor(loss="poisson", max_iter=2).fit(X, y)
    for step in (reg.partial_fit, reg.set_params(warm_start=True).fit):
        with pytest.raises(
            ValueError, match=r"squared_error', fitted anew \(warm_start=False\), for"
        ):
            step(X, y - 3)
