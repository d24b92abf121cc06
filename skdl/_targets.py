"""Target encoding: labels <-> the arrays a Keras model trains on and outputs."""

import types
import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted, column_or_1d

from ._compile import NamedMetric, as_list
from ._keras import keras
from ._keras_objects import on_probabilities

_SPARSE_HINTS = ("sparse",)


def loss_name(loss):
    """A lower-case name for a loss given as a string, function, class or object:
    a Keras loss object's is that of its function (whatever ``name`` it was
    given: ``SparseCategoricalCrossentropy(name="sce")`` is sparse)."""
    if isinstance(loss, (list, tuple)):
        loss = loss[0] if loss else None
    elif isinstance(loss, dict):
        loss = next(iter(loss.values()), None)
    if loss is None:
        return ""
    if isinstance(loss, str):
        return loss.lower()
    function = getattr(loss, "fn", None)  # keras.losses.LossFunctionWrapper's
    function_name = getattr(function, "__name__", None)
    name = (
        (function_name if function_name != "<lambda>" else None)
        or getattr(loss, "name", None)
        or getattr(loss, "__name__", None)
    )
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


# Losses that read the output as margins (Keras maps 0/1 targets to -1/1): a
# network trained with one outputs scores whose sign gives the class.
_MARGIN_LOSSES = frozenset({"hinge", "squared_hinge", "categorical_hinge"})

# Keras activations whose values are probabilities (of each class, or of a
# class among others once normalized).
_PROBABILITY_ACTIVATIONS = frozenset(
    {"sigmoid", "softmax", "hard_sigmoid", "sparse_sigmoid", "sparsemax"}
)

# Keras activations whose values are not: taken as probabilities, they give
# negative ones, ones above 1 or rows of zeros.
_OTHER_ACTIVATIONS = frozenset(
    {
        "linear",
        "relu",
        "relu6",
        "leaky_relu",
        "elu",
        "selu",
        "celu",
        "gelu",
        "silu",
        "swish",
        "mish",
        "tanh",
        "hard_tanh",
        "softplus",
        "softsign",
        "exponential",
        "log_softmax",
        "log_sigmoid",
    }
)


def outputs_scores(activation, loss):
    """Whether the main output holds scores rather than probabilities: logits
    for a loss made with ``from_logits=True``, or the margins that a hinge loss
    trains where the output layer is known and no sigmoid or softmax bounds
    them (``activation`` is None where unknown: a subclassed model's). Their
    probabilities are the sigmoid or softmax of the scores, whose sign or
    largest value gives the class."""
    if uses_logits(loss):
        return True
    margins = loss_name(loss) in _MARGIN_LOSSES
    return margins and activation is not None and activation not in _PROBABILITY_ACTIVATIONS


def warn_unless_probabilities(activation, loss, encoding, owner):
    """Warn where the main output is neither probabilities nor scores that the
    loss reads as such (``relu`` with a cross-entropy, ``tanh`` with the squared
    error): ``predict_proba`` would return the outputs as they are."""
    if activation not in _OTHER_ACTIVATIONS or outputs_scores(activation, loss):
        return
    exclusive = encoding not in ("binary", "multilabel")
    squash = "softmax" if exclusive else "sigmoid"
    entropy = "sparse_categorical_crossentropy" if exclusive else "binary_crossentropy"
    if encoding in ("onehot", "onehot_y"):
        entropy = "categorical_crossentropy"
    warnings.warn(
        f"{owner}: the model's output layer applies a {activation}, whose outputs are "
        f"not probabilities, and the loss {loss_name(loss) or 'given'} reads them as they "
        "are, so predict_proba would return them unchanged (outside [0, 1], or rows "
        f"that do not sum to 1). End the model with activation='{squash}', or with a "
        f"Dense layer without activation and loss='{entropy}', loss__from_logits=True.",
        UserWarning,
    )


# Metrics named in ``metrics=[...]`` that read probabilities, and how to make
# them read scores instead: keyed by the name without underscores, lower-case,
# the class and its settings.
def _on_scores(encoding):
    k = keras().metrics
    made = {
        "binarycrossentropy": (k.BinaryCrossentropy, {"from_logits": True}),
        "categoricalcrossentropy": (k.CategoricalCrossentropy, {"from_logits": True}),
        "sparsecategoricalcrossentropy": (k.SparseCategoricalCrossentropy, {"from_logits": True}),
    }
    made["bce"] = made["binarycrossentropy"]
    # the cross-entropy that Keras picks for the targets
    made["crossentropy"] = made["ce"] = made[
        {"sparse": "sparsecategoricalcrossentropy", "onehot": "categoricalcrossentropy"}.get(
            encoding.removesuffix("_y"), "binarycrossentropy"
        )
    ]
    if encoding in ("binary", "multilabel"):  # a score above 0: a probability above 0.5
        made["auc"] = (k.AUC, {"from_logits": True})  # the sigmoid of each
        made["binaryaccuracy"] = (k.BinaryAccuracy, {"threshold": 0.0})
        made["precision"] = (k.Precision, {"thresholds": 0.0})
        made["recall"] = (k.Recall, {"thresholds": 0.0})
    if encoding == "binary":  # Keras' accuracy of one unit (else the largest output's)
        made["accuracy"] = made["acc"] = made["binaryaccuracy"]
    return made


# Metrics of several classes that read the scores themselves: those of the
# largest output (or outputs), which the softmax leaves as they are, and the
# hinges, which read margins
_READ_SCORES = frozenset(
    {
        "accuracy",
        "acc",
        "categoricalaccuracy",
        "sparsecategoricalaccuracy",
        "topkcategoricalaccuracy",
        "sparsetopkcategoricalaccuracy",
        "hinge",
        "squaredhinge",
        "categoricalhinge",
    }
)


def metrics_on_scores(metrics, encoding, main=None):
    """``metrics`` (as compiled) with the metrics of the main output named by a
    string that read probabilities made to read the scores of a network whose
    loss takes scores there (:func:`outputs_scores`): ``"accuracy"`` of a
    single unit then counts scores above 0, ``"auc"`` applies the sigmoid.
    Names keep their keys in ``history_``, and their routed arguments
    (:class:`skdl._compile.NamedMetric`); metric objects are kept as given.
    Of a dict by output name, the entry of ``main`` (else the first) is the
    main output's; of a list of lists by output, the first."""
    if isinstance(metrics, dict):
        key = main if main in metrics else next(iter(metrics), None)
        return {
            name: metrics_on_scores(value, encoding) if name == key else value
            for name, value in metrics.items()
        }
    if metrics is None:
        return None
    entries = as_list(metrics)
    if any(isinstance(entry, (list, tuple, dict)) for entry in entries):
        return [metrics_on_scores(entries[0], encoding), *entries[1:]]
    made = _on_scores(encoding)
    several = encoding not in ("binary", "multilabel")
    out = []
    for metric in entries:
        name = metric.name if isinstance(metric, NamedMetric) else metric
        key = name.replace("_", "").lower() if isinstance(name, str) else None
        if key in made and isinstance(metric, NamedMetric):
            out.append(metric.make(made[key][1]))
        elif key in made:
            cls, settings = made[key]
            out.append(cls(name=name, **settings))
        elif key is not None and several and key not in _READ_SCORES:
            # of the softmax of the scores, as predict_proba gives it
            if isinstance(metric, NamedMetric):
                inner = metric.make()
                name = inner.name
            else:
                # named, not numbered by Keras: the compiled copies of networks
                # compiled alike are shared (their configurations are equal)
                inner = keras().metrics.get(name)
                inner.name = name
            out.append(on_probabilities()(inner, "softmax", name=name))
        else:
            out.append(metric)
    return out


# Keras metrics that compare the outputs with targets of their shape (one-hot
# targets, on a multiclass network): class indices make them fail deep inside
# Keras, or count wrongly (categorical_accuracy compares the largest of each).
_ONE_HOT_METRICS = frozenset(
    {
        # of classes
        "categoricalaccuracy",
        "topkcategoricalaccuracy",
        "categoricalcrossentropy",
        "categoricalhinge",
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
        # of each output on its own
        "binaryaccuracy",
        "binarycrossentropy",
        "bce",
        "binaryiou",
        "onehotiou",
        "onehotmeaniou",
        "hinge",
        "squaredhinge",
        "meansquarederror",
        "mse",
        "rootmeansquarederror",
        "meanabsoluteerror",
        "mae",
        "meanabsolutepercentageerror",
        "mape",
        "meansquaredlogarithmicerror",
        "msle",
        "logcosherror",
        "kldivergence",
        "poisson",
        "cosinesimilarity",
        "r2score",
        "pearsoncorrelation",
        "concordancecorrelation",
    }
)


def _every_metric(metrics):
    """The metrics of a list, a dict of lists by output or a list of lists."""
    if isinstance(metrics, dict):
        return [m for value in metrics.values() for m in _every_metric(value)]
    if isinstance(metrics, (list, tuple)):
        return [m for value in metrics for m in _every_metric(value)]
    return [] if metrics is None else [metrics]


def needs_one_hot(*metrics):
    """The name of the first of ``metrics`` (names, classes or instances, in
    lists, or dicts by output: the outputs share the targets' encoding) that
    needs one-hot targets, or None."""
    wrapper = keras().metrics.MeanMetricWrapper
    for metric in _every_metric(list(metrics)):
        if isinstance(metric, str):
            names = [metric]
        elif type(metric) is wrapper:  # the function it wraps
            names = [getattr(metric._fn, "__name__", "")]
        elif isinstance(metric, types.FunctionType):
            names = [metric.__name__]
        else:  # a class or an instance: a subclass of Keras' counts as its base
            cls = metric if isinstance(metric, type) else type(metric)
            names = [c.__name__ for c in cls.__mro__ if c.__module__.startswith("keras")]
            names = [cls.__name__, *names]
        for name in names:
            if name.replace("_", "").lower() in _ONE_HOT_METRICS:
                return names[0]
    return None


def exact_accuracy(*metrics):
    """Whether ``metrics`` hold ``keras.metrics.Accuracy`` (its name, class or an
    instance), which counts the outputs equal to the targets."""
    k = keras()
    return any(
        m == "Accuracy" or m is k.metrics.Accuracy or type(m) is k.metrics.Accuracy
        for m in _every_metric(list(metrics))
        if isinstance(m, (str, type, k.metrics.Metric))
    )


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
    if target_type == "multilabel-indicator" and _zeros_and_ones(y):
        return y, target_type, np.arange(y.shape[1])
    if target_type in ("multilabel-indicator", "multiclass-multioutput"):
        # scikit-learn calls any 2-D y of two integers an indicator matrix:
        # columns of 1 and 2, or -1 and 1, are labels of their own
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


def _zeros_and_ones(y):
    """Whether the indicator matrix ``y`` (dense or sparse) holds only 0 and 1."""
    values = y.data if sp.issparse(y) else np.asarray(y)
    return bool(np.isin(values, (0, 1)).all())


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
            if not _zeros_and_ones(y):
                raise ValueError(
                    "y holds values other than 0 and 1, but the network was fitted on "
                    "a 0/1 indicator matrix (one column per label)."
                )
            return y.astype(np.float32)
        if y.ndim == 2 and y.shape[1] == 1:
            y = y.ravel()
        index = self.class_index(y)
        if self.encoding == "binary":
            return index.astype(np.float32).reshape(-1, 1)
        if self.encoding == "onehot":
            return np.eye(len(self.classes_), dtype=np.float32)[index]
        return index.astype(np.int32)

    def class_index(self, labels):
        """The index in ``classes_`` of each of the 1-D ``labels``; unknown
        labels are refused."""
        index = np.searchsorted(self.classes_, labels)
        index = np.clip(index, 0, len(self.classes_) - 1)
        unknown = self.classes_[index] != labels
        if np.any(unknown):
            raise ValueError(
                f"y contains labels that the network was not fitted on: "
                f"{np.unique(labels[unknown]).tolist()}; known classes are "
                f"{self.classes_.tolist()}."
            )
        return index

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
