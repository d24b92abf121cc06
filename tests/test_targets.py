import numpy as np
import pytest

from skdl._targets import (
    ClassifierTargetEncoder,
    check_loss_fits_output,
    choose_encoding,
    loss_name,
)


@pytest.mark.parametrize(
    "target_type, n_classes, units, loss, expected",
    [
        ("binary", 2, 1, None, "binary"),
        ("binary", 2, 1, "binary_crossentropy", "binary"),
        ("binary", 2, 2, None, "sparse"),
        ("binary", 2, 2, "categorical_crossentropy", "onehot"),
        ("multiclass", 3, 3, None, "sparse"),
        ("multiclass", 3, 3, "sparse_categorical_crossentropy", "sparse"),
        ("multiclass", 3, 3, "categorical_crossentropy", "onehot"),
        ("multilabel-indicator", 4, 4, None, "multilabel"),
    ],
)
def test_choose_encoding(target_type, n_classes, units, loss, expected):
    assert choose_encoding(target_type, n_classes, units, loss) == expected


@pytest.mark.parametrize(
    "one_hot_rows, softmax, loss, expected",
    [
        (True, True, None, "onehot_y"),
        (True, False, "categorical_crossentropy", "onehot_y"),
        (True, False, "categorical_focal_crossentropy", "onehot_y"),
        (True, False, None, "multilabel"),  # sigmoid outputs: labels, as scikit-learn's
        (True, False, "binary_crossentropy", "multilabel"),
        (False, False, "categorical_crossentropy", "multilabel"),  # rows of several labels
    ],
)
def test_one_hot_y_for_a_softmax_or_categorical_loss(one_hot_rows, softmax, loss, expected):
    encoding = choose_encoding("multilabel-indicator", 3, 3, loss, one_hot_rows, softmax)
    assert encoding == expected


def test_one_hot_y_round_trip():
    y = np.eye(3, dtype=int)[[0, 2, 1, 2]]
    enc = ClassifierTargetEncoder(encoding="onehot_y").fit(y)
    assert enc.one_hot_rows_ and not ClassifierTargetEncoder().fit(y[:, :2]).one_hot_rows_
    np.testing.assert_array_equal(enc.transform(y), y.astype(np.float32))
    raw = np.array([[0.2, 0.5, 0.3], [0.6, 0.3, 0.1]])
    np.testing.assert_array_equal(enc.inverse_transform(raw), [[0, 1, 0], [1, 0, 0]])
    np.testing.assert_allclose(enc.predict_proba(raw), raw)


@pytest.mark.parametrize(
    "target_type, n_classes, units, fix",
    [
        ("multiclass", 3, 1, r"Dense\(3, activation='softmax'\)"),
        ("binary", 2, 3, r"Dense\(1, activation='sigmoid'\)"),
        ("multilabel-indicator", 4, 2, r"Dense\(4, activation='sigmoid'\)"),
    ],
)
def test_output_mismatch_names_the_layer(target_type, n_classes, units, fix):
    with pytest.raises(ValueError, match=f"has {units} unit.*{fix}"):
        choose_encoding(target_type, n_classes, units, None)


def test_loss_name_of_objects():
    import keras

    assert loss_name(keras.losses.SparseCategoricalCrossentropy()) == (
        "sparse_categorical_crossentropy"
    )
    assert loss_name(keras.losses.binary_crossentropy) == "binary_crossentropy"
    # a Keras loss's name is that of its function, whatever name it was given
    named = keras.losses.SparseCategoricalCrossentropy(name="sce")
    assert loss_name(named) == "sparse_categorical_crossentropy"
    # but a lambda's is its name
    from keras.src.losses.losses import LossFunctionWrapper

    wrapped = LossFunctionWrapper(lambda y_true, y_pred: y_pred, name="sparse_ce")
    assert loss_name(wrapped) == "sparse_ce"
    assert loss_name(["mse", "mae"]) == "mse"
    assert loss_name(None) == ""


@pytest.mark.parametrize("encoding", ["sparse", "onehot"])
def test_round_trip_multiclass(encoding):
    y = np.array(["cat", "dog", "bird", "dog"])
    enc = ClassifierTargetEncoder(encoding=encoding).fit(y)
    encoded = enc.transform(y)
    if encoding == "onehot":
        assert encoded.shape == (4, 3)
        raw = encoded
    else:
        assert encoded.tolist() == [1, 2, 0, 2]
        raw = np.eye(3)[encoded]
    assert enc.inverse_transform(raw).tolist() == y.tolist()
    np.testing.assert_allclose(enc.predict_proba(raw).sum(axis=1), 1.0)


def test_unknown_label_is_an_error():
    enc = ClassifierTargetEncoder().fit(np.array([0, 1, 2]))
    with pytest.raises(ValueError, match=r"labels that the network was not fitted on: \[7\]"):
        enc.transform(np.array([0, 7]))


def test_single_class_and_continuous_targets_are_rejected():
    with pytest.raises(ValueError, match="at least 2 classes"):
        ClassifierTargetEncoder().fit(np.array([1, 1, 1]))
    with pytest.raises(ValueError, match="Unknown label type"):
        ClassifierTargetEncoder().fit(np.array([0.5, 1.2, 3.3]))


@pytest.mark.parametrize(
    "target_type, units, loss, softmax, one_hot_rows, message",
    [
        ("binary", 1, None, True, False, r"softmax over 1 unit, which is 1 whatever"),
        ("binary", 1, "categorical_crossentropy", False, False, r"needs one unit per class"),
        ("binary", 1, "sparse_categorical_crossentropy", False, False, r"one unit per class"),
        ("multilabel-indicator", 3, None, True, False, r"multilabel .* is a softmax"),
        (
            "multilabel-indicator",
            3,
            "sparse_categorical_crossentropy",
            True,
            True,
            r"y is one-hot .* takes class indices: use loss='categorical_crossentropy'",
        ),
    ],
    ids=["softmax-1-unit", "categorical-1-unit", "sparse-1-unit", "multilabel-softmax", "one-hot"],
)
def test_losses_and_outputs_that_cannot_learn_y_are_refused(
    target_type, units, loss, softmax, one_hot_rows, message
):
    with pytest.raises(ValueError, match=message):
        choose_encoding(target_type, 3 if units == 3 else 2, units, loss, one_hot_rows, softmax)


@pytest.mark.parametrize(
    "activation, loss, message",
    [
        ("sigmoid", "logits", r"applies a sigmoid, but the loss binary_crossentropy takes logits"),
        ("softmax", "logits", r"applies a softmax, .* drop from_logits"),
        ("linear", "binary_crossentropy", r"linear .* takes probabilities: .*from_logits=True"),
    ],
)
def test_a_loss_that_misreads_the_output_is_refused(activation, loss, message):
    import keras

    if loss == "logits":
        loss = keras.losses.BinaryCrossentropy(from_logits=True)
    with pytest.raises(ValueError, match=message):
        check_loss_fits_output(activation, loss, "binary")


@pytest.mark.parametrize(
    "activation, loss",
    [
        ("sigmoid", "binary_crossentropy"),
        ("linear", "logits"),
        (None, "logits"),
        ("linear", "mse"),
    ],
)
def test_a_loss_that_reads_the_output_right_passes(activation, loss):
    import keras

    if loss == "logits":
        loss = keras.losses.BinaryCrossentropy(from_logits=True)
    check_loss_fits_output(activation, loss, "binary")  # no error
