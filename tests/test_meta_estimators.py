"""skdl estimators inside scikit-learn's meta-estimators and model selection."""

import joblib
import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.base import clone, is_classifier
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer, TransformedTargetRegressor
from sklearn.datasets import make_classification, make_regression
from sklearn.ensemble import (
    BaggingClassifier,
    StackingClassifier,
    StackingRegressor,
    VotingClassifier,
)
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.frozen import FrozenEstimator
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import accuracy_score, make_scorer
from sklearn.model_selection import (
    GridSearchCV,
    HalvingRandomSearchCV,
    RandomizedSearchCV,
    StratifiedKFold,
    TunedThresholdClassifierCV,
    check_cv,
    cross_val_score,
    cross_validate,
)
from sklearn.multiclass import OneVsRestClassifier
from sklearn.multioutput import MultiOutputRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skdl import KerasClassifier, KerasRegressor

FAST = dict(hidden_layer_sizes=(8,), epochs=3, random_state=0, optimizer__learning_rate=0.02)


@pytest.fixture(scope="module")
def clf_data():
    return make_classification(n_samples=90, n_features=5, n_informative=3, random_state=0)


@pytest.fixture(scope="module")
def reg_data():
    X, y = make_regression(n_samples=90, n_features=4, noise=1, random_state=0)
    return X, y / 100


def titanic_like(n=120, seed=0):
    """Mixed numeric (with gaps) and categorical columns, like Kaggle's Titanic."""
    rng = np.random.RandomState(seed)
    sex = rng.choice(["male", "female"], n)
    pclass = rng.choice([1, 2, 3], n)
    age = rng.uniform(1, 70, n)
    age[rng.rand(n) < 0.2] = np.nan
    embarked = rng.choice(["S", "C", "Q", None], n, p=[0.6, 0.2, 0.15, 0.05])
    fare = rng.exponential(30, n)
    survived = ((sex == "female") | (pclass == 1)).astype(int)
    X = pd.DataFrame(
        {"Pclass": pclass, "Sex": sex, "Age": age, "Fare": fare, "Embarked": embarked}
    )
    return X, survived


def titanic_pipeline(estimator):
    numeric = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
    categorical = make_pipeline(
        SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore")
    )
    pre = ColumnTransformer(
        [("num", numeric, ["Age", "Fare", "Pclass"]), ("cat", categorical, ["Sex", "Embarked"])]
    )
    return make_pipeline(pre, estimator)


def test_titanic_column_transformer_pipeline():
    X, y = titanic_like()
    pipe = titanic_pipeline(KerasClassifier(epochs=20, random_state=0))
    pipe.fit(X, y)
    assert pipe.predict_proba(X).shape == (len(X), 2)
    assert pipe.score(X, y) > 0.8


def test_cross_val_score_is_stratified(clf_data):
    X, y = clf_data
    est = KerasClassifier(**FAST)
    assert is_classifier(est)
    assert isinstance(check_cv(3, y, classifier=is_classifier(est)), StratifiedKFold)
    scores = cross_val_score(est, X, y, cv=3)
    assert scores.shape == (3,) and np.all((scores >= 0) & (scores <= 1))


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_grid_search(clf_data, n_jobs):
    X, y = clf_data
    grid = GridSearchCV(
        KerasClassifier(**FAST),
        {"optimizer__learning_rate": [0.001, 0.05], "hidden_layer_sizes": [(4,), (8,)]},
        cv=2,
        n_jobs=n_jobs,
        error_score="raise",
    ).fit(X, y)
    assert len(grid.cv_results_["params"]) == 4
    assert grid.best_estimator_.model_ is not None
    assert grid.best_estimator_.get_params()["optimizer__learning_rate"] in (0.001, 0.05)


def test_grid_search_results_do_not_depend_on_n_jobs(reg_data):
    X, y = reg_data
    grid = {"optimizer__learning_rate": [0.001, 0.02]}
    scores = [
        GridSearchCV(KerasRegressor(**FAST), grid, cv=2, n_jobs=n_jobs)
        .fit(X, y)
        .cv_results_["mean_test_score"]
        for n_jobs in (1, 2)
    ]
    np.testing.assert_allclose(scores[0], scores[1], rtol=1e-5)


def test_randomized_search_parallel(reg_data):
    X, y = reg_data
    search = RandomizedSearchCV(
        KerasRegressor(**FAST),
        {"optimizer__learning_rate": [0.001, 0.01, 0.03], "hidden_layer_sizes": [(4,), (8,)]},
        n_iter=3,
        cv=2,
        n_jobs=2,
        random_state=0,
        error_score="raise",
    ).fit(X, y)
    assert len(search.cv_results_["params"]) == 3


def test_successive_halving_over_epochs(reg_data):
    # the candidates train 1 epoch, the best third of them 3 epochs
    X, y = reg_data
    search = HalvingRandomSearchCV(
        KerasRegressor(**FAST),
        {"hidden_layer_sizes": [(4,), (8,), (16,)]},
        resource="epochs",
        min_resources=1,
        max_resources=3,
        factor=3,
        cv=2,
        random_state=0,
        error_score="raise",
    ).fit(X, y)
    assert search.n_resources_ == [1, 3]
    assert search.best_params_["epochs"] == 3
    assert len(search.best_estimator_.history_["loss"]) == 3


def test_decision_threshold_tuning_and_a_frozen_classifier(clf_data):
    X, y = clf_data
    tuned = TunedThresholdClassifierCV(KerasClassifier(**FAST), cv=2, random_state=0)
    tuned.fit(X, y)
    assert 0 < tuned.best_threshold_ < 1
    assert tuned.predict(X).shape == (90,)
    # calibrating a classifier fitted once, as scikit-learn does with cv="prefit"
    fitted = KerasClassifier(**FAST).fit(X, y)
    weights = fitted.model_.get_weights()
    cal = CalibratedClassifierCV(FrozenEstimator(fitted)).fit(X, y)
    assert cal.predict_proba(X).shape == (90, 2)
    for before, after in zip(weights, fitted.model_.get_weights()):
        np.testing.assert_array_equal(before, after)


def test_calibrated_classifier(clf_data):
    X, y = clf_data
    cal = CalibratedClassifierCV(KerasClassifier(**FAST), cv=3).fit(X, y)
    proba = cal.predict_proba(X)
    assert proba.shape == (90, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_soft_voting_and_stacking_classifiers(clf_data):
    X, y = clf_data
    estimators = [("keras", KerasClassifier(**FAST)), ("lr", LogisticRegression())]
    vote = VotingClassifier(estimators, voting="soft").fit(X, y)
    assert vote.predict_proba(X).shape == (90, 2)
    stack = StackingClassifier(estimators, cv=2).fit(X, y)
    assert stack.score(X, y) > 0.5


def test_bagging_and_one_vs_rest():
    X, y = make_classification(n_samples=90, n_classes=3, n_informative=4, random_state=0)
    bag = BaggingClassifier(KerasClassifier(**FAST), n_estimators=2, random_state=0).fit(X, y)
    assert bag.predict_proba(X).shape == (90, 3)
    ovr = OneVsRestClassifier(KerasClassifier(**FAST)).fit(X, y)
    assert len(ovr.estimators_) == 3 and ovr.predict(X).shape == (90,)


def test_regressor_meta_estimators(reg_data):
    X, y = reg_data
    stack = StackingRegressor(
        [("keras", KerasRegressor(**FAST)), ("lin", LinearRegression())], cv=2
    ).fit(X, y)
    assert stack.predict(X).shape == (90,)
    Y = np.column_stack([y, -y])
    multi = MultiOutputRegressor(KerasRegressor(**FAST)).fit(X, Y)
    assert multi.predict(X).shape == (90, 2)
    ttr = TransformedTargetRegressor(KerasRegressor(**FAST), transformer=StandardScaler())
    assert ttr.fit(X, y * 1000).predict(X).shape == (90,)


def test_joblib_round_trip_of_a_fitted_pipeline(tmp_path):
    X, y = titanic_like()
    pipe = titanic_pipeline(KerasClassifier(**FAST)).fit(X, y)
    path = tmp_path / "titanic.joblib"
    joblib.dump(pipe, path)
    loaded = joblib.load(path)
    np.testing.assert_array_equal(loaded.predict_proba(X), pipe.predict_proba(X))
    assert clone(loaded).get_params(deep=False).keys() == pipe.get_params(deep=False).keys()


def test_sample_weight_routed_through_a_pipeline_in_cross_validation(clf_data):
    # metadata routing: the requests set on the estimator survive clone, which
    # cross-validation applies to the pipeline before each fold
    X, y = clf_data
    weights = np.linspace(0.5, 2.0, len(y))
    with sklearn.config_context(enable_metadata_routing=True):
        clf = KerasClassifier(**FAST).set_fit_request(sample_weight=True)
        clf.set_score_request(sample_weight=True)
        routing = clone(clf).get_metadata_routing()
        assert routing.fit.requests["sample_weight"] is True
        assert routing.score.requests == {"sample_weight": True}
        pipe = make_pipeline(StandardScaler().set_fit_request(sample_weight=False), clf)
        # a scorer that asks for the weights: scikit-learn 1.6 cannot route them to
        # a pipeline's default scorer (LogisticRegression fails there alike)
        scorer = make_scorer(accuracy_score).set_score_request(sample_weight=True)
        scores = cross_validate(
            pipe, X, y, cv=2, scoring=scorer, params={"sample_weight": weights},
            error_score="raise",
        )  # fmt: skip
    assert np.isfinite(scores["test_score"]).all()


def test_keras_fit_arguments_are_routed_without_a_request(clf_data):
    """With metadata routing on, the book's search.fit(X, y, epochs=...) and
    the ensembles that pass fit arguments on only then reach the network."""
    X, y = clf_data
    clf = KerasClassifier(hidden_layer_sizes=(4,), random_state=0)
    with sklearn.config_context(enable_metadata_routing=True):
        search = GridSearchCV(clf, {"random_state": [0, 1]}, cv=2).fit(X, y, epochs=2)
        assert search.best_estimator_.n_iter_ == 2
        folds = cross_validate(clf, X, y, cv=2, params={"epochs": 3}, return_estimator=True)
        assert [est.n_iter_ for est in folds["estimator"]] == [3, 3]
        ovr = OneVsRestClassifier(clf).fit(X, y, epochs=2, validation_split=0.25)
        assert all(len(est.history_["val_loss"]) == 2 for est in ovr.estimators_)
        pipe = make_pipeline(StandardScaler(), clf).fit(X, y, epochs=2)
        assert pipe[-1].n_iter_ == 2
        # sample_weight still waits for a request, as in scikit-learn
        with pytest.raises(ValueError, match="sample_weight"):
            cross_validate(clf, X, y, cv=2, params={"sample_weight": np.ones(len(y))})
