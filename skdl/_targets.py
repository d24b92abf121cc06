"""Target encoding: labels <-> the arrays a Keras model trains on and outputs."""

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted, column_or_1d

from ._compile import as_list

_SPARSE_HINTS = ("sparse",)


def loss_name(loss):
    """A lower-case name for a loss given as a string, function, class or object."""
    if isinstance(loss, (list, tuple)):
        loss = loss[0] if loss else None
    elif isinstance(loss, dict):
        loss = next(iter(loss.values()), None)
    if loss is None:
        return ""
    if isinstance(loss, str):
        return loss.lower()
    name = getattr(loss, "name", None) or getattr(loss, "__name__", None)
    return (name or type(loss).__name__).lower()


def choose_encoding(target_type, n_classes, units, loss, one_hot_rows=False, softmax=False):
    """How to encode class labels for a model output with ``units`` units.

    Returns ``'binary'`` (one 0/1 column), ``'sparse'`` (integer class indices),
    ``'onehot'``, ``'multilabel'`` (the 0/1 indicator matrix as given) or
    ``'onehot_y'`` (an indicator matrix of one 1 per row, as
    ``keras.utils.to_categorical`` makes, for a softmax output or a categorical
    loss: one class per row). Raises a ``ValueError`` naming the output layer
    to use when they do not match.
    """
    name = loss_name(loss)
    if target_type == "multilabel-indicator":
        return _indicator_encoding(n_classes, units, name, one_hot_rows, softmax)
    if units == 1 and target_type == "binary":
        if softmax:
            raise ValueError(
                "The model's output layer is a softmax over 1 unit, which is 1 whatever "
                "the input: end the model with Dense(1, activation='sigmoid'), or "
                "Dense(2, activation='softmax')."
            )
        if "categorical" in name:
            raise ValueError(
                f"The model's output layer has 1 unit, but the loss {name} needs one "
                "unit per class (on 1 unit it is 0 whatever the weights): use "
                "loss='binary_crossentropy', or end the model with "
                "Dense(2, activation='softmax')."
            )
        return "binary"
    if units == n_classes:
        return "sparse" if (not name or "sparse" in name) else "onehot"
    if target_type == "binary":
        fix = (
            "Dense(1, activation='sigmoid') with loss='binary_crossentropy', or "
            "Dense(2, activation='softmax')"
        )
    else:
        fix = f"Dense({n_classes}, activation='softmax')"
    raise ValueError(
        f"The model's output layer has {units} unit(s), but y has {n_classes} classes "
        f"({target_type}): end the model with {fix}."
    )


def _indicator_encoding(n_classes, units, name, one_hot_rows, softmax):
    """The encoding of a 0/1 indicator matrix ``y``: one-hot rows of one class
    each (``onehot_y``), or labels of their own (``multilabel``)."""
    categorical = "categorical" in name and "sparse" not in name
    if one_hot_rows and units == n_classes and (softmax or categorical):
        if "sparse" in name:
            raise ValueError(
                f"y is one-hot (one 1 per row, as keras.utils.to_categorical makes), "
                f"but the loss {name} takes class indices: use "
                "loss='categorical_crossentropy', or pass the labels, y.argmax(axis=1)."
            )
        return "onehot_y"
    if units != n_classes:
        raise ValueError(
            f"The model's output layer has {units} unit(s), but y is multilabel "
            f"with {n_classes} labels: end the model with "
            f"Dense({n_classes}, activation='sigmoid') and loss='binary_crossentropy'."
        )
    if softmax:
        raise ValueError(
            "y is multilabel (rows with no label or several), but the model's output "
            "layer is a softmax, which gives one class per row: end the model with "
            f"Dense({n_classes}, activation='sigmoid') and loss='binary_crossentropy'."
        )
    return "multilabel"


def check_loss_fits_output(activation, loss, encoding):
    """Refuse a compiled loss that reads the main output otherwise than the
    output layer makes it: probabilities taken as logits (``from_logits=True``
    after a sigmoid or softmax), or logits (a linear layer) taken as
    probabilities by a cross-entropy. ``activation`` is None where unknown."""
    name, logits = loss_name(loss), uses_logits(loss)
    if activation in ("sigmoid", "softmax") and logits:
        raise ValueError(
            f"The model's output layer applies a {activation}, but the loss {name} "
            "takes logits (from_logits=True) and applies another: drop from_logits "
            "from the loss (loss__from_logits=False), or end the model with a Dense "
            "layer without activation."
        )
    if activation == "linear" and "crossentropy" in name and not logits:
        squash = "sigmoid" if encoding in ("binary", "multilabel") else "softmax"
        raise ValueError(
            f"The model's output layer is linear (it outputs logits), but the loss "
            f"{name} takes probabilities: make the loss with from_logits=True "
            f"(loss__from_logits=True), or end the model with activation='{squash}'."
        )


# Keras metrics that compare the probabilities with one-hot targets (their
# shapes must match): class indices make them fail deep inside Keras.
_ONE_HOT_METRICS = frozenset(
    {
        "f1score",
        "fbetascore",
        "auc",
        "precision",
        "recall",
        "precisionatrecall",
        "recallatprecision",
        "sensitivityatspecificity",
        "specificityatsensitivity",
        "truepositives",
        "truenegatives",
        "falsepositives",
        "falsenegatives",
    }
)


def needs_one_hot(metrics):
    """Whether any of ``metrics`` (names, classes or instances) needs one-hot targets."""
    if isinstance(metrics, dict):
        return False
    for metric in as_list(metrics):
        if isinstance(metric, str):
            name = metric
        else:
            name = getattr(metric, "__name__", None) or type(metric).__name__
        if name.replace("_", "").lower() in _ONE_HOT_METRICS:
            return True
    return False


def default_loss(encoding):
    return {
        "binary": "binary_crossentropy",
        "multilabel": "binary_crossentropy",
        "sparse": "sparse_categorical_crossentropy",
        "onehot": "categorical_crossentropy",
        "onehot_y": "categorical_crossentropy",
    }[encoding]


def class_targets(y, owner, classes=None):
    """Validate classification targets; return ``(y, target_type, classes)``.

    ``classes`` (as in ``partial_fit``) lists every label that will ever be seen,
    so ``y`` itself may hold only some of them.
    """
    y = np.asarray(y) if not hasattr(y, "iloc") else y.to_numpy()
    if y.ndim == 2 and y.shape[1] == 1:
        y = column_or_1d(y, warn=True)
    check_classification_targets(y)
    target_type = type_of_target(y)
    if target_type == "multilabel-indicator":
        return y, target_type, np.arange(y.shape[1])
    if target_type == "multiclass-multioutput":
        raise ValueError(
            f"{owner} does not support multiclass-multioutput targets (y of shape "
            f"{y.shape} with labels other than 0 and 1 in its columns); wrap it in "
            "sklearn.multioutput.MultiOutputClassifier to train one classifier per "
            "column, or pass a 0/1 indicator matrix for multilabel targets."
        )
    given = classes is not None
    if given:
        classes = np.unique(classes)
        unknown = np.setdiff1d(np.unique(y), classes)
        if len(unknown):
            raise ValueError(
                f"y contains labels {unknown.tolist()} that are not in classes="
                f"{classes.tolist()}; pass every label in `classes`."
            )
        target_type = "binary" if len(classes) <= 2 else "multiclass"
    else:
        classes = np.unique(y)
    if len(classes) < 2:
        where = "classes" if given else "y"
        raise ValueError(
            f"{owner} needs at least 2 classes, but {where} has only one class: "
            f"{classes.tolist()}."
        )
    return y, target_type, classes


class ClassifierTargetEncoder(TransformerMixin, BaseEstimator):
    """Encode class labels for a Keras model and decode its outputs.

    Parameters
    ----------
    encoding : {'sparse', 'onehot', 'binary', 'multilabel', 'onehot_y'}, default='sparse'
        Form of the encoded targets; see :func:`choose_encoding`.
    from_logits : bool, default=False
        Whether the model outputs logits (a loss with ``from_logits=True``):
        probabilities then go through a sigmoid or softmax.

    Attributes
    ----------
    classes_ : ndarray
        The class labels (column indices for multilabel targets).
    target_type_ : str
        As given by :func:`sklearn.utils.multiclass.type_of_target`.
    one_hot_rows_ : bool
        Whether ``y`` is an indicator matrix with one 1 in every row.

    Examples
    --------
    >>> import numpy as np
    >>> enc = ClassifierTargetEncoder(encoding="binary").fit(np.array(["no", "yes", "no"]))
    >>> enc.transform(np.array(["yes", "no"])).ravel().tolist()
    [1.0, 0.0]
    >>> enc.inverse_transform(np.array([[0.2], [0.9]])).tolist()
    ['no', 'yes']
    """

    def __init__(self, encoding="sparse", from_logits=False):
        self.encoding = encoding
        self.from_logits = from_logits

    def fit(self, y, classes=None, owner=None):
        """Learn the classes from ``y`` (or from ``classes`` when given); errors
        name ``owner``, the estimator being fitted (default: this encoder)."""
        owner = owner or type(self).__name__
        y, self.target_type_, self.classes_ = class_targets(y, owner, classes)
        self.one_hot_rows_ = self.target_type_ == "multilabel-indicator" and bool(
            np.all(np.asarray(y.sum(axis=1)).ravel() == 1)
        )
        return self

    def transform(self, y):
        check_is_fitted(self)
        y = np.asarray(y)
        if self.encoding in ("multilabel", "onehot_y"):
            return y.astype(np.float32)
        if y.ndim == 2 and y.shape[1] == 1:
            y = y.ravel()
        index = np.searchsorted(self.classes_, y)
        index = np.clip(index, 0, len(self.classes_) - 1)
        unknown = self.classes_[index] != y
        if np.any(unknown):
            raise ValueError(
                f"y contains labels that the network was not fitted on: "
                f"{np.unique(y[unknown]).tolist()}; known classes are "
                f"{self.classes_.tolist()}."
            )
        if self.encoding == "binary":
            return index.astype(np.float32).reshape(-1, 1)
        if self.encoding == "onehot":
            return np.eye(len(self.classes_), dtype=np.float32)[index]
        return index.astype(np.int32)

    def predict_proba(self, raw):
        """Model outputs -> probabilities of shape (n_samples, n_classes)."""
        raw = np.asarray(raw, dtype=np.float64)
        if self.from_logits:
            exclusive = self.encoding in ("sparse", "onehot", "onehot_y")
            raw = _softmax(raw) if exclusive else _sigmoid(raw)
        if self.encoding == "multilabel":
            return raw
        if self.encoding == "binary":
            p = raw.reshape(-1)
            return np.column_stack([1.0 - p, p])
        total = raw.sum(axis=1, keepdims=True)
        np.divide(raw, total, out=raw, where=total > 0)
        return raw

    def inverse_transform(self, raw):
        """Model outputs -> labels, in the type and form of the fitted ``y``."""
        proba = self.predict_proba(raw)
        if self.encoding == "multilabel":
            return (proba > 0.5).astype(int)
        if self.encoding == "onehot_y":  # y's form: a 1 for the likeliest class
            return np.eye(len(self.classes_), dtype=int)[np.argmax(proba, axis=1)]
        return self.classes_[np.argmax(proba, axis=1)]


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def uses_logits(loss):
    """Whether a compiled loss (or the first of several) takes logits."""
    if isinstance(loss, (list, tuple)):
        loss = loss[0] if loss else None
    elif isinstance(loss, dict):
        loss = next(iter(loss.values()), None)
    return bool(getattr(loss, "from_logits", False))
