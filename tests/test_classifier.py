"""KerasClassifier: targets, losses, output layers, class weights."""

import warnings

import keras
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from fresh_process import run_in_fresh_process
from sklearn.base import is_classifier
from sklearn.datasets import make_classification, make_multilabel_classification

from skdl import KerasClassifier, MLPClassifier

FAST = dict(hidden_layer_sizes=(16,), epochs=10, random_state=0, optimizer__learning_rate=0.02)


@pytest.fixture(scope="module")
def binary_data():
    return make_classification(n_samples=120, n_features=5, random_state=0)


def test_is_classifier():
    assert is_classifier(KerasClassifier())


@pytest.mark.parametrize(
    "labels",
    [
        np.array(["no", "yes"]),
        np.array([True, False]),
        np.array([-1, 1]),
        pd.Categorical(["low", "high"]),
    ],
    ids=["str", "bool", "int", "categorical"],
)
def test_binary_labels_of_any_type(binary_data, labels):
    X, y = binary_data
    y_labels = np.asarray(labels)[y]
    if isinstance(labels, pd.Categorical):
        y_labels = pd.Series(pd.Categorical(y_labels))
    clf = KerasClassifier(**FAST).fit(X, y_labels)
    assert sorted(clf.classes_.tolist()) == sorted(np.asarray(labels).tolist())
    pred = clf.predict(X)
    assert set(pred.tolist()) <= set(np.asarray(labels).tolist())
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert clf.score(X, y_labels) > 0.8
    # predict is the argmax of predict_proba, in classes_ order
    assert (clf.classes_[proba.argmax(axis=1)] == pred).all()


def test_predict_log_proba_is_the_log_of_predict_proba(binary_data):
    X, y = binary_data
    clf = KerasClassifier(**FAST).fit(X, y)
    log_proba = clf.predict_log_proba(X)
    assert log_proba.shape == (len(X), 2) and log_proba.dtype == np.float64
    np.testing.assert_allclose(np.exp(log_proba), clf.predict_proba(X), rtol=1e-12)


def test_multiclass_multioutput_targets_are_refused_clearly():
    X = np.random.RandomState(0).normal(size=(30, 3))
    y = np.stack([np.arange(30) % 3, np.arange(30) % 2], axis=1)  # 3 classes in a column
    with pytest.raises(ValueError, match="^KerasClassifier does not support multiclass-multi"):
        KerasClassifier(epochs=1).fit(X, y)
    with pytest.raises(ValueError, match="MultiOutputClassifier"):
        MLPClassifier(max_iter=1).fit(X, y)
    # columns of two string labels each are no 0/1 indicator matrix either
    strings = np.where(y[:, 1:] == 1, "yes", "no")
    with pytest.raises(ValueError, match=r"shape \(30, 2\) with labels other than 0 and 1"):
        KerasClassifier(epochs=1).fit(X, np.hstack([strings, strings[::-1]]))


def test_one_class_error_names_the_estimator_and_the_input():
    X = np.random.RandomState(0).normal(size=(10, 3))
    with pytest.raises(ValueError, match=r"^MLPClassifier needs at least 2 classes, but y has"):
        MLPClassifier(max_iter=1).fit(X, np.zeros(10))
    with pytest.raises(ValueError, match=r"but classes has only one class: \[0.0\]"):
        MLPClassifier(max_iter=1).partial_fit(X, np.zeros(10), classes=[0.0])


@pytest.mark.parametrize(
    "loss",
    [
        dict(loss="binary_crossentropy", loss__from_logits=True),
        dict(loss=keras.losses.BinaryCrossentropy(from_logits=True)),
        dict(loss="sparse_categorical_crossentropy", loss__from_logits=True),
    ],
    ids=["routed", "object", "multiclass"],
)
def test_a_logits_loss_gets_a_linear_output(loss):
    # the default network outputs logits for such a loss, and predict_proba turns
    # them into the probabilities the network would give with a sigmoid/softmax
    n_classes = 3 if "sparse" in str(loss.get("loss")) else 2
    X, y = make_classification(
        n_samples=120, n_features=5, n_informative=3, n_classes=n_classes, random_state=0
    )
    clf = KerasClassifier(**FAST, **loss).fit(X, y)
    assert clf.out_activation_ == "linear"
    assert clf.model_.layers[-1].activation is keras.activations.linear
    reference = KerasClassifier(**FAST).fit(X, y)
    assert reference.out_activation_ != "linear"
    np.testing.assert_allclose(clf.predict_proba(X), reference.predict_proba(X), atol=1e-3)


def test_multiclass_strings():
    X, y = make_classification(
        n_samples=150, n_features=6, n_informative=4, n_classes=3, random_state=0
    )
    y = np.array(["a", "b", "c"])[y]
    clf = KerasClassifier(**FAST).fit(X, y)
    assert clf.target_type_ == "multiclass" and clf.n_classes_ == 3
    assert clf.model_.loss == "sparse_categorical_crossentropy"
    assert clf.predict_proba(X).shape == (150, 3)
    assert clf.score(X, y) > 0.7


def test_multilabel():
    X, Y = make_multilabel_classification(n_samples=100, n_features=6, n_classes=3, random_state=0)
    clf = KerasClassifier(**FAST).fit(X, Y)
    assert clf.target_type_ == "multilabel-indicator"
    assert clf.predict(X).shape == (100, 3)
    assert set(np.unique(clf.predict(X))) <= {0, 1}
    proba = clf.predict_proba(X)
    assert proba.shape == (100, 3) and ((proba >= 0) & (proba <= 1)).all()
    assert clf.model_.loss == "binary_crossentropy"


@pytest.mark.parametrize(
    "estimator", [KerasClassifier(**FAST), MLPClassifier(max_iter=10, random_state=0)]
)
def test_sparse_multilabel_targets_give_sparse_predictions(estimator):
    # as scikit-learn's MLPClassifier: a sparse indicator matrix is accepted and
    # the labels come back in its form; a sparse label column gives dense labels
    X, Y = make_multilabel_classification(n_samples=60, n_features=5, n_classes=3, random_state=0)
    clf = estimator.fit(X, sp.csr_matrix(Y))
    predicted = clf.predict(X)
    assert sp.issparse(predicted) and predicted.shape == (60, 3)
    dense = estimator.__class__(**estimator.get_params()).fit(X, Y)
    np.testing.assert_array_equal(predicted.toarray(), dense.predict(X))
    assert 0 <= clf.score(X, sp.csr_matrix(Y)) <= 1
    clf.partial_fit(X[:20], sp.csr_matrix(Y[:20]))
    column = estimator.fit(X, sp.csr_matrix(Y[:, :1])).predict(X)
    assert isinstance(column, np.ndarray) and column.shape == (60,)
    # a DataFrame of sparse columns, which scikit-learn's validation makes sparse
    frame = pd.DataFrame.sparse.from_spmatrix(sp.csr_matrix(Y), columns=["p", "q", "r"])
    assert sp.issparse(estimator.fit(X, frame).predict(X))


def _softmax_model(units):
    def build(meta):
        return keras.Sequential(
            [keras.Input((meta["n_features_in_"],)), keras.layers.Dense(units, "softmax")]
        )

    return build


def test_binary_with_two_softmax_units_and_onehot_loss(binary_data):
    X, y = binary_data
    clf = KerasClassifier(_softmax_model(2), loss="categorical_crossentropy", epochs=3)
    clf.fit(X, y)
    assert clf.target_encoder_.encoding == "onehot"
    assert clf.predict_proba(X).shape == (len(X), 2)


def test_output_layer_mismatch_is_explained():
    X, y = make_classification(n_samples=60, n_classes=3, n_informative=4, random_state=0)
    with pytest.raises(ValueError, match=r"1 unit.*3 classes.*Dense\(3, activation='softmax'\)"):
        KerasClassifier(_softmax_model(1)).fit(X, y)


def test_continuous_target_is_rejected():
    with pytest.raises(ValueError, match="Unknown label type"):
        KerasClassifier().fit(np.ones((5, 2)), [0.1, 0.5, 1.5, 2.2, 3.3])


def test_class_weight_shifts_predictions():
    X, y = make_classification(n_samples=200, n_features=4, weights=[0.5], random_state=1)
    plain = KerasClassifier(**FAST).fit(X, y)
    favour_one = KerasClassifier(class_weight={0: 1, 1: 20}, **FAST).fit(X, y)
    assert favour_one.predict(X).mean() > plain.predict(X).mean()
    balanced = KerasClassifier(class_weight="balanced", **FAST).fit(X, y)
    assert balanced.score(X, y) > 0.7


def test_logits_output_with_from_logits_loss(binary_data):
    X, y = binary_data

    def build(meta):
        return keras.Sequential([keras.Input((meta["n_features_in_"],)), keras.layers.Dense(1)])

    clf = KerasClassifier(
        build,
        loss=keras.losses.BinaryCrossentropy,
        loss__from_logits=True,
        epochs=5,
        random_state=0,
    ).fit(X, y)
    assert clf.model_.loss.from_logits
    logits = keras.ops.convert_to_numpy(clf.model_(X.astype("float32"))).ravel()
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba[:, 1], 1 / (1 + np.exp(-logits)), rtol=1e-5)
    np.testing.assert_array_equal(clf.predict(X), (logits > 0).astype(int))


def test_compiled_model_instance_is_copied_not_changed(binary_data):
    X, y = binary_data
    model = keras.Sequential(
        [keras.Input((5,)), keras.layers.Dense(8, "relu"), keras.layers.Dense(1, "sigmoid")]
    )
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="binary_crossentropy")
    before = [w.copy() for w in model.get_weights()]
    clf = KerasClassifier(model, epochs=3, random_state=0).fit(X, y)
    assert clf.model_ is not model
    assert isinstance(clf.model_.optimizer, keras.optimizers.SGD)
    assert clf.model_.optimizer.learning_rate.numpy() == pytest.approx(0.05)
    for w0, w1 in zip(before, model.get_weights()):
        np.testing.assert_array_equal(w0, w1)


@pytest.mark.parametrize(
    "compiled, given, encoding",
    [
        ("categorical_crossentropy", "sparse_categorical_crossentropy", "onehot"),
        ("sparse_categorical_crossentropy", "categorical_crossentropy", "sparse"),
    ],
)
def test_a_compiled_models_own_loss_decides_the_target_encoding(compiled, given, encoding):
    # the loss parameter, unused with a compiled model, chose the encoding of y,
    # and Keras failed on targets of the wrong rank
    X, y = make_classification(
        n_samples=60, n_features=4, n_informative=3, n_redundant=0, n_classes=3, random_state=0
    )
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, "softmax")])
    model.compile("adam", loss=compiled)
    with pytest.warns(UserWarning, match="compiled before it was given, so loss is not used"):
        clf = KerasClassifier(model, loss=given, epochs=1, random_state=0).fit(X, y)
    assert clf.target_encoder_.encoding == encoding
    assert clf.model_.loss == compiled


@pytest.mark.parametrize("main_first", [True, False])
def test_a_dict_of_losses_is_read_by_output_name(binary_data, main_first):
    # the first entry of the dict was taken for the main output's loss: here
    # the auxiliary output's, which takes no logits, so predict_proba gave the
    # main output's logits as probabilities
    X, y = binary_data
    inputs = keras.Input((5,))
    hidden = keras.layers.Dense(8, "relu")(inputs)
    outputs = {
        "main": keras.layers.Dense(1, name="main")(hidden),
        "aux": keras.layers.Dense(1, name="aux")(hidden),
    }
    model = keras.Model(inputs, outputs)
    losses = {"main": keras.losses.BinaryCrossentropy(from_logits=True), "aux": "mse"}
    model.compile("adam", loss=dict(sorted(losses.items(), reverse=main_first)))
    clf = KerasClassifier(model, epochs=1, random_state=0).fit(X, y)
    logits = keras.ops.convert_to_numpy(clf.model_(X.astype("float32"))["main"]).ravel()
    np.testing.assert_allclose(clf.predict_proba(X)[:, 1], 1 / (1 + np.exp(-logits)), rtol=1e-5)


def test_subclassed_model(binary_data):
    X, y = binary_data

    class TwoLayer(keras.Model):
        def __init__(self, units=8):
            super().__init__()
            self.hidden = keras.layers.Dense(units, activation="relu")
            self.out = keras.layers.Dense(1, activation="sigmoid")

        def call(self, x):
            return self.out(self.hidden(x))

    clf = KerasClassifier(TwoLayer, units=6, epochs=5, random_state=0).fit(X, y)
    assert clf.get_params()["units"] == 6
    assert clf.predict_proba(X).shape == (len(X), 2)


def test_partial_fit_refuses_other_classes_later(binary_data):
    # as scikit-learn's incremental classifiers: the classes are fixed on the first call
    X, y = binary_data
    clf = KerasClassifier(epochs=1).partial_fit(X, y, classes=[0, 1])
    clf.partial_fit(X, y, classes=[1, 0])  # the same labels
    with pytest.raises(ValueError, match=r"classes=\[0, 1, 2\] is not the same"):
        clf.partial_fit(X, y, classes=[0, 1, 2])
    assert clf.n_iter_ == 2


@pytest.mark.parametrize("class_weight", [None, "balanced"])
def test_sample_weight_of_another_length_is_refused_with_class_weight(class_weight):
    X, y = make_classification(n_samples=40, n_features=4, random_state=1)
    clf = KerasClassifier(class_weight=class_weight, epochs=1)
    with pytest.raises(ValueError, match=r"sample_weight.shape == \(1,\), expected \(40,\)"):
        clf.fit(X, y, sample_weight=[2.0])  # it broadcast over the class weights


def test_weight_errors_name_the_weights_given():
    X, y = make_classification(n_samples=40, n_features=4, random_state=1)
    labels = np.where(y == 1, "b", "a")
    one_class_left = r"2 classes with a positive weight \({}\); only class \['b'\] has one"
    with pytest.raises(ValueError, match=one_class_left.format("class_weight")):
        KerasClassifier(class_weight={"a": 0, "b": 1}, epochs=1).fit(X, labels)
    with pytest.raises(ValueError, match=one_class_left.format("sample_weight")):
        KerasClassifier(epochs=1).fit(X, labels, sample_weight=y)
    both = one_class_left.format("sample_weight times class_weight")
    with pytest.raises(ValueError, match=both):
        KerasClassifier(class_weight="balanced", epochs=1).fit(X, labels, sample_weight=y)
    with pytest.raises(ValueError, match=r"class_weight gives class \['a'\] a negative weight"):
        KerasClassifier(class_weight={"a": -1, "b": 1}, epochs=1).fit(X, labels)


def softmax_network(meta, compiled=True):
    model = keras.Sequential(
        [
            keras.Input((meta["n_features_in_"],)),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.Dense(3, activation="softmax"),
        ]
    )
    if compiled:
        model.compile(loss="categorical_crossentropy", optimizer="adam")
    return model


def test_one_hot_y_of_a_softmax_network_is_one_class_per_row():
    """The Keras tutorials' ``to_categorical(y)`` with a softmax output: each row
    has one class, as the labels it encodes, not several labels."""
    X, labels = make_classification(
        n_samples=120, n_features=5, n_informative=3, n_classes=3, random_state=0
    )
    y = keras.utils.to_categorical(labels, 3)
    on_labels = KerasClassifier(softmax_network, epochs=3, random_state=0).fit(X, labels)
    on_one_hot = KerasClassifier(softmax_network, epochs=3, random_state=0).fit(X, y)
    np.testing.assert_allclose(on_one_hot.predict_proba(X), on_labels.predict_proba(X), atol=1e-6)
    predicted = on_one_hot.predict(X)
    assert predicted.shape == y.shape and np.all(predicted.sum(axis=1) == 1)
    np.testing.assert_array_equal(predicted.argmax(axis=1), on_labels.predict(X))
    assert on_one_hot.score(X, y) == on_labels.score(X, labels)
    # uncompiled, the network gets the categorical loss
    uncompiled = KerasClassifier(softmax_network, compiled=False, epochs=1).fit(X, y)
    assert uncompiled.model_.loss == "categorical_crossentropy"
    # sigmoid outputs (the default network) keep scikit-learn's multilabel meaning
    assert KerasClassifier(epochs=1).fit(X, y).target_encoder_.encoding == "multilabel"
    # unless the loss is categorical: the default network then ends with a
    # softmax, as for the labels
    for loss in ("categorical_crossentropy", keras.losses.CategoricalCrossentropy()):
        categorical = KerasClassifier(loss=loss, epochs=3, random_state=0).fit(X, y)
        assert categorical.out_activation_ == "softmax"
        assert categorical.target_encoder_.encoding == "onehot_y"
        assert categorical.model_.layers[-1].activation.__name__ == "softmax"
    multiclass = KerasClassifier(epochs=3, random_state=0).fit(X, labels)
    np.testing.assert_allclose(
        categorical.predict_proba(X), multiclass.predict_proba(X), atol=1e-6
    )
    # with several labels in a row the indicator stays multilabel, with sigmoids
    several = y.copy()
    several[0, (labels[0] + 1) % 3] = 1
    loss = "categorical_crossentropy"
    assert KerasClassifier(loss=loss, epochs=1).fit(X, several).out_activation_ == "sigmoid"


@pytest.mark.parametrize("class_weight", [{0: 5.0, 1: 1.0, 2: 0.5}, "balanced"])
def test_class_weight_of_one_hot_rows_weighs_each_rows_class(class_weight):
    # as Keras reads class_weight for a to_categorical y (it was refused as multilabel)
    X, labels = make_classification(
        n_samples=120,
        n_features=5,
        n_informative=3,
        n_classes=3,
        weights=[0.6, 0.3, 0.1],
        random_state=0,
    )
    y = keras.utils.to_categorical(labels, 3)
    fitted = [
        KerasClassifier(softmax_network, epochs=2, random_state=0, class_weight=class_weight)
        .fit(X, targets)
        .history_["loss"]
        for targets in (labels, y)
    ]
    np.testing.assert_allclose(fitted[1], fitted[0], rtol=1e-5)
    unweighted = KerasClassifier(softmax_network, epochs=2, random_state=0).fit(X, y)
    assert not np.allclose(unweighted.history_["loss"], fitted[1])
    several = y.copy()
    several[0, (labels[0] + 1) % 3] = 1  # a row of two labels: multilabel
    with pytest.raises(ValueError, match="class_weight is not supported for multilabel"):
        KerasClassifier(softmax_network, epochs=1, class_weight=class_weight).fit(X, several)


def _linear_model(meta):
    return keras.Sequential(
        [keras.Input((meta["n_features_in_"],)), keras.layers.Dense(meta["n_outputs_"])]
    )


@pytest.mark.parametrize("n_classes", [2, 3])
def test_a_linear_output_gets_a_loss_on_logits(n_classes):
    """The loss chosen for a network that ends without activation (the logits
    layer of the Keras tutorials) takes logits, and predict_proba gives the
    probabilities: they were the raw outputs, outside [0, 1]."""
    X, y = make_classification(
        n_samples=120, n_features=5, n_informative=3, n_classes=n_classes, random_state=0
    )
    clf = KerasClassifier(_linear_model, epochs=5, random_state=0).fit(X, y)
    assert clf.model_.loss.from_logits
    proba = clf.predict_proba(X)
    assert ((proba >= 0) & (proba <= 1)).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-6)
    # a loss on probabilities, given for that layer, is refused by name
    with pytest.raises(ValueError, match="linear .* takes probabilities"):
        KerasClassifier(_linear_model, loss="binary_crossentropy", epochs=1).fit(X, y)


def test_probabilities_taken_as_logits_are_refused(binary_data):
    """A sigmoid output and a loss with from_logits=True: predict_proba applied
    a second sigmoid, and every row was predicted the positive class."""
    X, y = binary_data
    clf = KerasClassifier(_softmax_model(2), loss="categorical_crossentropy", epochs=1)
    with pytest.raises(ValueError, match="applies a softmax, but the loss"):
        clf.set_params(loss__from_logits=True).fit(X, y)

    def compiled(meta):
        model = keras.Sequential(
            [keras.Input((meta["n_features_in_"],)), keras.layers.Dense(1, "sigmoid")]
        )
        model.compile(loss=keras.losses.BinaryCrossentropy(from_logits=True))
        return model

    with pytest.raises(ValueError, match="applies a sigmoid, but the loss"):
        KerasClassifier(compiled, epochs=1).fit(X, y)


def test_multilabel_y_and_a_softmax_output_are_refused():
    X, Y = make_multilabel_classification(n_samples=60, n_features=5, n_classes=3, random_state=0)
    with pytest.raises(ValueError, match="multilabel .* softmax, which gives one class per row"):
        KerasClassifier(_softmax_model(3), epochs=1).fit(X, Y)


@pytest.mark.parametrize("weighted", [False, True])
def test_validation_split_weighs_its_rows_as_validation_data(weighted):
    """class_weight weighs the training rows only, as in Keras: the rows that
    validation_split holds out were weighed by class too (and the training
    rows' weights rescaled over them), so that early stopping on val_loss
    depended on how the validation rows were given."""
    X, y = make_classification(n_samples=100, n_features=4, weights=[0.7], random_state=0)
    weights = np.random.RandomState(0).uniform(0.5, 2.0, size=100) if weighted else None
    params = dict(epochs=2, shuffle=False, class_weight={0: 1, 1: 20}, random_state=0)
    split = KerasClassifier(**params).fit(X, y, weights, validation_split=0.3)
    held_out = (X[70:], y[70:]) + ((weights[70:],) if weighted else ())
    given = KerasClassifier(**params).fit(
        X[:70], y[:70], None if weights is None else weights[:70], validation_data=held_out
    )
    for key in ("loss", "val_loss"):
        np.testing.assert_allclose(split.history_[key], given.history_[key], rtol=1e-6)


def test_validation_split_takes_held_out_rows_of_no_weight():
    # as validation_data of weights 0 would: they were refused, summing to 0
    X, y = make_classification(n_samples=40, n_features=4, random_state=0)
    weights = np.r_[np.ones(30), np.zeros(10)]
    clf = KerasClassifier(epochs=1, random_state=0).fit(X, y, weights, validation_split=0.25)
    assert clf.history_["val_loss"] == [0.0]
    with pytest.raises(ValueError, match="^The rows that validation_split trains on: "):
        clf.fit(X, y, 1 - weights, validation_split=0.25)


def test_validation_split_of_sorted_labels_warns():
    """Keras holds out the last rows: on iris, sorted by class, only class 2."""
    X, y = make_classification(
        n_samples=90, n_features=5, n_informative=3, n_classes=3, random_state=0
    )
    order = np.argsort(y, kind="stable")
    with pytest.warns(UserWarning, match=r"last 18 rows .* all of them have the label 2"):
        KerasClassifier(epochs=1).fit(X[order], y[order], validation_split=0.2)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        KerasClassifier(epochs=1).fit(X, y, validation_split=0.2)  # in their order
        # Keras holds out the last 3 of 10 rows (it rounds the training rows
        # down), of both labels here; the last 2 alone are of one label
        labels = np.array([0, 1, 0, 1, 0, 1, 0, 0, 1, 1])
        KerasClassifier(epochs=1).fit(X[:10], labels, validation_split=0.25)


@pytest.mark.parametrize(
    "metric",
    [
        keras.metrics.F1Score(average="macro"),
        "AUC",
        keras.metrics.Precision,
        keras.metrics.TopKCategoricalAccuracy(k=2),
        "categorical_crossentropy",
        "binary_accuracy",
        "mse",
        keras.metrics.Hinge,
        keras.metrics.R2Score(),
    ],
)
def test_metrics_that_compare_one_hot_targets_get_them(metric):
    """On multiclass labels they failed in Keras (shapes of class indices and
    probabilities differ) unless loss='categorical_crossentropy' was given."""
    X, y = make_classification(
        n_samples=90, n_features=5, n_informative=3, n_classes=3, random_state=0
    )
    clf = KerasClassifier(metrics=[metric], epochs=2, random_state=0).fit(X, y)
    assert clf.target_encoder_.encoding == "onehot"
    assert clf.model_.loss == "categorical_crossentropy"
    assert len(clf.history_["loss"]) == 2 and len(clf.history_) == 2


@pytest.mark.parametrize(
    "metric", ["categorical_accuracy", "auc", keras.metrics.Precision(), "binary_accuracy", "mae"]
)
def test_a_sparse_loss_refuses_metrics_of_one_hot_targets(metric):
    """They got class indices: categorical_accuracy reported a wrong value,
    AUC and Precision failed deep inside Keras."""
    X, y = make_classification(
        n_samples=90, n_features=5, n_informative=3, n_classes=3, random_state=0
    )
    clf = KerasClassifier(loss="sparse_categorical_crossentropy", metrics=[metric], epochs=1)
    with pytest.raises(
        ValueError,
        match=r"^metrics: \S+ compares the probabilities with targets of their shape "
        r"\(one-hot\), but the loss sparse_categorical_crossentropy takes class indices: "
        "leave loss unset",
    ):
        clf.fit(X, y)


@pytest.mark.parametrize(
    "metric", ["Accuracy", keras.metrics.Accuracy, keras.metrics.Accuracy(name="acc")]
)
@pytest.mark.parametrize("n_classes", [2, 3])
def test_exact_accuracy_of_probabilities_is_refused(metric, n_classes):
    """keras.metrics.Accuracy counts outputs equal to the targets: on
    probabilities it reported 0.0 on two classes, a meaningless 0.43 on three."""
    X, y = make_classification(
        n_samples=60, n_features=5, n_informative=3, n_classes=n_classes, random_state=0
    )
    clf = KerasClassifier(metrics=["auc", metric], epochs=1)
    with pytest.raises(ValueError, match=r"^metrics: keras.metrics.Accuracy counts .* 'accuracy'"):
        clf.fit(X, y)


def test_categorical_accuracy_counts_the_classes_predicted():
    """On class indices it compared the largest of each row (an index with one
    value): 0.3 reported for a network of accuracy 0.97."""
    X, y = make_classification(
        n_samples=90, n_features=5, n_informative=3, n_classes=3, random_state=0
    )
    still = dict(optimizer="sgd", optimizer__learning_rate=1e-12)  # the weights stay
    clf = KerasClassifier(metrics=["categorical_accuracy"], epochs=1, random_state=0, **still)
    clf.fit(X, y)
    assert clf.history_["categorical_accuracy"][0] == pytest.approx(clf.score(X, y))


def test_a_sparse_loss_of_another_name_gets_class_indices():
    X, y = make_classification(
        n_samples=60, n_features=5, n_informative=3, n_classes=3, random_state=0
    )
    loss = keras.losses.SparseCategoricalCrossentropy(name="sce")
    clf = KerasClassifier(loss=loss, epochs=1, random_state=0).fit(X, y)
    assert clf.target_encoder_.encoding == "sparse"


def _ending_with(units, activation):
    def build(meta):
        return keras.Sequential(
            [keras.Input((meta["n_features_in_"],)), keras.layers.Dense(units, activation)]
        )

    return build


@pytest.mark.parametrize(
    "units, activation, n_classes", [(1, "tanh", 2), (3, "softplus", 3), (3, "log_softmax", 3)]
)
def test_an_output_of_no_probabilities_warns(units, activation, n_classes):
    """predict_proba gave such outputs as they are: below 0 or above 1 (NaN in
    predict_log_proba), rows summing to -5 (a relu's rows of zeros, to 0)."""
    X, y = make_classification(
        n_samples=60, n_features=5, n_informative=3, n_classes=n_classes, random_state=0
    )
    with pytest.warns(UserWarning, match=f"applies a {activation}, whose outputs are not prob"):
        KerasClassifier(_ending_with(units, activation), epochs=1, random_state=0).fit(X, y)
    # read as logits, the same outputs give probabilities
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        clf = KerasClassifier(_ending_with(units, activation), loss__from_logits=True, epochs=1)
        np.testing.assert_allclose(clf.fit(X, y).predict_proba(X).sum(axis=1), 1, rtol=1e-6)


@pytest.mark.parametrize("loss", ["hinge", "squared_hinge", keras.losses.Hinge()])
def test_hinge_losses_train_margins_whose_sign_is_the_class(binary_data, loss):
    """Keras' hinge losses read 0/1 labels as -1/1: predict cut the margins at
    0.5 instead of 0, and predict_proba returned them (from -4 to 5)."""
    X, y = binary_data
    clf = KerasClassifier(_linear_model, loss=loss, epochs=5, random_state=0).fit(X, y)
    margins = keras.ops.convert_to_numpy(clf.model_(X.astype("float32"))).ravel()
    assert (margins < 0).any() and (margins > 0).any()
    np.testing.assert_array_equal(clf.predict(X), (margins > 0).astype(int))
    np.testing.assert_allclose(clf.predict_proba(X)[:, 1], 1 / (1 + np.exp(-margins)), rtol=1e-5)
    # a sigmoid output bounds them: its outputs stay the probabilities
    clf = KerasClassifier(_ending_with(1, "sigmoid"), loss=loss, epochs=1).fit(X, y)
    outputs = keras.ops.convert_to_numpy(clf.model_(X.astype("float32"))).ravel()
    np.testing.assert_allclose(clf.predict_proba(X)[:, 1], outputs, rtol=1e-5)


@pytest.mark.parametrize("loss", [{}, {"loss": "hinge"}], ids=["logits", "margins"])
def test_metrics_named_read_the_scores_of_the_output(binary_data, loss):
    """A network ending without activation outputs logits (the loss skdl
    chooses takes them) or margins: Keras' accuracy counted those above 0.5,
    its AUC and precision read them as probabilities, so history_ said 0.54
    where the accuracy was 0.92."""
    from sklearn.metrics import precision_score, roc_auc_score

    X, y = binary_data
    clf = KerasClassifier(
        _linear_model, metrics=["accuracy", "AUC", "precision"], epochs=5, random_state=0, **loss
    )
    clf.fit(X, y, validation_data=(X, y))
    pred = clf.predict(X)
    assert clf.history_["val_accuracy"][-1] == pytest.approx(clf.score(X, y), abs=1e-6)
    assert clf.history_["val_precision"][-1] == pytest.approx(precision_score(y, pred), abs=1e-6)
    auc = roc_auc_score(y, clf.predict_proba(X)[:, 1])
    assert clf.history_["val_AUC"][-1] == pytest.approx(auc, abs=0.01)


def test_metric_names_with_routed_arguments_and_weighted_metrics_read_the_scores(binary_data):
    """A name given metrics__<i>__ arguments, and compile__weighted_metrics, were
    compiled as Keras makes them: reading logits as probabilities (recall 0.0
    where it was 0.18, the accuracy of logits above 0.5)."""
    from sklearn.metrics import recall_score

    X, y = binary_data
    weights = np.where(y == 1, 3.0, 1.0)
    clf = KerasClassifier(
        _linear_model,
        metrics=["AUC", "recall"],
        metrics__0__num_thresholds=500,
        metrics__1__name="rec",
        compile__weighted_metrics=["accuracy"],
        epochs=3,
        random_state=0,
    )
    clf.fit(X, y, sample_weight=weights)
    assert set(clf.history_) == {"loss", "AUC", "rec", "accuracy"}
    # after the last epoch's updates: a batch the size of the data, in one step
    clf.set_params(
        batch_size=len(X), optimizer="sgd", optimizer__learning_rate=1e-12, warm_start=True
    ).fit(X, y, sample_weight=weights)
    pred = clf.predict(X)
    assert clf.history_["rec"][-1] == pytest.approx(recall_score(y, pred), abs=1e-6)
    assert clf.history_["accuracy"][-1] == pytest.approx(clf.score(X, y, weights), abs=1e-6)


class _AUCOfMine(keras.metrics.AUC):
    pass


@pytest.mark.parametrize(
    "given",
    [
        {"metrics": {"out": ["auc"]}},
        {"metrics": {"out": ["categorical_accuracy"]}},
        {"metrics": [keras.metrics.MeanMetricWrapper(keras.metrics.categorical_accuracy)]},
        {"compile__weighted_metrics": ["auc"]},
        {"metrics": [_AUCOfMine]},
    ],
    ids=["dict-auc", "dict-categorical", "wrapped-function", "weighted", "subclass"],
)
def test_every_metric_of_one_hot_targets_gets_them(given):
    """A dict by output, a wrapped Keras function or compile__weighted_metrics:
    AUC failed inside Keras on class indices, categorical_accuracy reported
    0.51 where the accuracy was 0.35."""
    X, y = make_classification(
        n_samples=90, n_features=5, n_informative=3, n_classes=3, random_state=0
    )

    def build(meta):
        inputs = keras.Input((meta["n_features_in_"],))
        return keras.Model(inputs, keras.layers.Dense(3, "softmax", name="out")(inputs))

    clf = KerasClassifier(build, epochs=1, random_state=0, **given).fit(X, y)
    assert clf.target_encoder_.encoding == "onehot"
    if "categorical_accuracy" in clf.history_:
        still = dict(optimizer="sgd", optimizer__learning_rate=1e-12, batch_size=len(X))
        clf.set_params(warm_start=True, **still).fit(X, y)
        assert clf.history_["categorical_accuracy"][-1] == pytest.approx(clf.score(X, y))


def test_exact_accuracy_in_weighted_metrics_is_refused(binary_data):
    X, y = binary_data
    clf = KerasClassifier(compile__weighted_metrics=[keras.metrics.Accuracy], epochs=1)
    with pytest.raises(ValueError, match=r"^metrics: keras.metrics.Accuracy counts"):
        clf.fit(X, y)


def test_metrics_of_several_classes_read_the_probabilities_of_logits(tmp_path):
    """On a multiclass network that outputs logits, "auc" applied a sigmoid to
    each logit (0.577 where predict_proba's gave 0.586) and "precision" or
    "mse" read the logits themselves; they now read the softmax, as
    predict_proba does, and the network saves and loads with them."""
    from sklearn.metrics import precision_score, roc_auc_score

    X, y = make_classification(
        n_samples=120, n_features=5, n_informative=3, n_classes=3, random_state=0
    )
    clf = KerasClassifier(
        _linear_model,
        metrics=["auc", "precision", "mse", "categorical_accuracy"],
        metrics__1__name="prec",
        batch_size=len(X),
        epochs=2,
        random_state=0,
    )
    clf.fit(X, y, validation_data=(X, y))
    proba, onehot = clf.predict_proba(X), np.eye(3)[y]
    history = {name: values[-1] for name, values in clf.history_.items()}
    micro_auc = roc_auc_score(onehot, proba, average="micro")
    assert history["val_auc"] == pytest.approx(micro_auc, abs=0.005)
    precision = precision_score(onehot, proba > 0.5, average="micro", zero_division=0)
    assert history["val_prec"] == pytest.approx(precision, abs=1e-6)
    assert history["val_mse"] == pytest.approx(np.mean((proba - onehot) ** 2), abs=1e-6)
    assert history["val_categorical_accuracy"] == pytest.approx(clf.score(X, y), abs=1e-6)
    # the metric's class is registered with Keras: the network loads in another process
    clf.model_.save(tmp_path / "network.keras")
    code = """
        import keras
        import skdl

        model = keras.models.load_model("network.keras")
        metrics = model.get_compile_config()["metrics"]
        names = [m if isinstance(m, str) else m["config"]["name"] for m in metrics]
        assert names == ["auc", "prec", "mse", "categorical_accuracy"], names
        model.evaluate(X, y, verbose=0)
    """
    run_in_fresh_process(tmp_path, code, X=X, y=np.eye(3)[y])


def test_networks_with_metrics_of_probabilities_share_their_compiled_copy():
    """The metric under the softmax kept Keras' name, numbered per process: each
    fit's compile settings differed, and no compiled copy was shared."""
    from skdl import _pool

    X, y = make_classification(
        n_samples=60, n_features=5, n_informative=3, n_classes=3, random_state=0
    )
    fitted = [KerasClassifier(_linear_model, metrics=["auc"], epochs=1).fit(X, y) for _ in "ab"]
    assert _pool.compile_key(fitted[0].model_) == _pool.compile_key(fitted[1].model_)


def test_hinge_metrics_of_several_classes_read_the_margins():
    X, y = make_classification(
        n_samples=60, n_features=5, n_informative=3, n_classes=3, random_state=0
    )
    clf = KerasClassifier(
        _linear_model, loss="categorical_hinge", metrics=["categorical_hinge"], epochs=1
    )
    clf.fit(X, y, validation_data=(X, y))
    assert clf.history_["val_categorical_hinge"] == pytest.approx(clf.history_["val_loss"])


def test_columns_of_two_labels_other_than_0_and_1_are_refused():
    """scikit-learn calls them an indicator matrix: the network trained a
    sigmoid on targets of 2 (a negative loss) and predicted only 0 and 1."""
    X = np.random.RandomState(0).normal(size=(30, 3))
    Y = np.stack([np.arange(30) % 2, np.arange(30) // 15], axis=1)
    with pytest.raises(ValueError, match=r"shape \(30, 2\) with labels other than 0 and 1"):
        KerasClassifier(epochs=1).fit(X, Y + 1)
    with pytest.raises(ValueError, match="MultiOutputClassifier"):
        MLPClassifier(max_iter=1).fit(X, 2 * Y - 1)
    clf = KerasClassifier(epochs=1).fit(X, Y)
    with pytest.raises(ValueError, match="values other than 0 and 1, but the network was fitted"):
        clf.partial_fit(X, 2 * Y - 1)


def test_partial_fit_weighs_batches_by_the_classes_of_the_first_call():
    """A dict for a rare class failed on every batch without it ("The classes,
    [0], are not in class_weight"), and a batch whose weights leave one class
    was refused as for fit, where scikit-learn's incremental classifiers take
    both."""
    X = np.random.RandomState(0).normal(size=(40, 2))
    y = np.r_[np.zeros(20), np.ones(18), [2, 2]].astype(int)
    clf = KerasClassifier(class_weight={2: 10.0}, epochs=1, random_state=0)
    clf.partial_fit(X[:20], y[:20], classes=[0, 1, 2]).partial_fit(X[20:], y[20:])
    assert clf.n_iter_ == 2
    # the weights are those of the whole data: class 2's rows weigh 10
    weights = clf._sample_weight(X, y, None, None, incremental=True)
    np.testing.assert_allclose(weights[-2:] / weights[0], 10, rtol=1e-6)
    with pytest.raises(ValueError, match=r"labels that the network was not fitted on: \[3\]"):
        clf.partial_fit(X[:4], [0, 1, 2, 3])  # named as without class weights
    clf.partial_fit(X[:38], y[:38], sample_weight=np.r_[np.ones(20), np.zeros(18)])
    assert clf.n_iter_ == 3
    # fit itself still needs two classes of positive weight
    with pytest.raises(ValueError, match="needs at least 2 classes with a positive weight"):
        KerasClassifier(epochs=1).fit(
            X[:38], y[:38], sample_weight=np.r_[np.ones(20), np.zeros(18)]
        )


def test_partial_fit_refuses_balanced_class_weights():
    """Each batch would be balanced on its own; as SGDClassifier's, the error
    tells how to compute the weights once."""
    X = np.random.RandomState(0).normal(size=(20, 2))
    for balanced in ({"class_weight": "balanced"}, {"fit__class_weight": "balanced"}):
        clf = KerasClassifier(**balanced)
        with pytest.raises(ValueError, match="class_weight='balanced' is not supported for parti"):
            clf.partial_fit(X, np.arange(20) % 2, classes=[0, 1])


@pytest.mark.parametrize("scale", [1e-39, 1e39])
def test_uniform_weights_of_any_size_are_no_weights(binary_data, scale):
    """Made float32 before they were rescaled, they became 0 (training diverged)
    or infinite (too large for float32)."""
    X, y = binary_data
    plain = KerasClassifier(**FAST).fit(X, y)
    weighted = KerasClassifier(**FAST).fit(X, y, sample_weight=np.full(len(y), scale))
    np.testing.assert_allclose(weighted.predict_proba(X), plain.predict_proba(X), rtol=1e-5)


def test_a_hinge_loss_on_an_unknown_output_layer_reads_probabilities(binary_data):
    """A subclassed model's output layer is unknown: its outputs stay the
    probabilities (read as margins, a sigmoid's put every row in class 1)."""

    class SigmoidNet(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.out = keras.layers.Dense(1, activation="sigmoid")

        def call(self, x):
            return self.out(x)

    X, y = binary_data
    clf = KerasClassifier(SigmoidNet, loss="hinge", epochs=1, random_state=0).fit(X, y)
    outputs = keras.ops.convert_to_numpy(clf.model_(X.astype("float32"))).ravel()
    np.testing.assert_allclose(clf.predict_proba(X)[:, 1], outputs, rtol=1e-5)


def _logits_and_probabilities(meta):
    inputs = keras.Input((meta["n_features_in_"],))
    hidden = keras.layers.Dense(8, activation="relu")(inputs)
    main = keras.layers.Dense(1, name="main")(hidden)
    aux = keras.layers.Dense(1, activation="sigmoid", name="aux")(hidden)
    return keras.Model(inputs, [main, aux])


@pytest.mark.parametrize(
    "metrics",
    [{"aux": ["accuracy"], "main": ["accuracy"]}, [["accuracy"], ["accuracy"]]],
    ids=["dict", "lists"],
)
def test_only_the_main_outputs_metrics_read_its_logits(binary_data, metrics):
    """The auxiliary output gives probabilities: its accuracy counted those
    above 0 where the main output's were read as logits."""
    X, y = binary_data
    losses = {
        "main": keras.losses.BinaryCrossentropy(from_logits=True),
        "aux": "binary_crossentropy",
    }
    clf = KerasClassifier(
        _logits_and_probabilities, loss=losses, metrics=metrics, epochs=3, random_state=0
    )
    clf.fit(X, y, validation_data=(X, y))
    main, aux = (keras.ops.convert_to_numpy(o).ravel() for o in clf.model_(X.astype("float32")))
    assert clf.history_["val_main_accuracy"][-1] == pytest.approx(np.mean((main > 0) == y))
    assert clf.history_["val_aux_accuracy"][-1] == pytest.approx(np.mean((aux > 0.5) == y))
