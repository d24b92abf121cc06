"""KerasClassifier: a scikit-learn classifier backed by a Keras model."""

import copy
import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.base import ClassifierMixin
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.class_weight import compute_class_weight, compute_sample_weight
from sklearn.utils.multiclass import type_of_target

from . import _keras
from ._data import training_rows
from ._docs import CLASS_WEIGHT, COMMON_ATTRIBUTES, COMMON_PARAMETERS, ROUTED_PARAMETERS
from ._routing import route
from ._targets import (
    ClassifierTargetEncoder,
    check_loss_fits_output,
    choose_encoding,
    default_loss,
    exact_accuracy,
    loss_name,
    metrics_on_scores,
    needs_one_hot,
    outputs_scores,
    warn_unless_probabilities,
)
from .base import BaseKerasEstimator


def _sparse_frame(y):
    """Whether ``y`` is a pandas DataFrame of sparse columns (its ``sparse``
    accessor exists for those only)."""
    return getattr(y, "ndim", 1) == 2 and hasattr(y, "sparse")


class KerasClassifier(ClassifierMixin, BaseKerasEstimator):
    __doc__ = f"""A Keras model as a scikit-learn classifier.

    Binary, multiclass and multilabel targets with labels of any type (ints,
    strings, bools, pandas categoricals). ``predict`` returns the original
    labels and ``predict_proba`` an array of shape (n_samples, n_classes),
    binary problems included. The loss is chosen from the targets and the
    model's output layer when not given.

    Parameters
    ----------
    {COMMON_PARAMETERS}
    {CLASS_WEIGHT}
    {ROUTED_PARAMETERS}

    Attributes
    ----------
    {COMMON_ATTRIBUTES}
    classes_ : ndarray of shape (n_classes,)
        Class labels (column indices for multilabel targets).
    n_classes_ : int
        Number of classes.
    target_type_ : str
        ``'binary'``, ``'multiclass'`` or ``'multilabel-indicator'``.
    n_outputs_ : int
        Units of the default output layer: 1 for binary, ``n_classes_`` otherwise.

    See Also
    --------
    KerasRegressor : The regression counterpart.
    skdl.MLPClassifier : A ready-made network with scikit-learn's MLP parameters.

    Examples
    --------
    >>> import keras
    >>> from sklearn.datasets import load_iris
    >>> from skdl import KerasClassifier
    >>> def build(meta, n_neurons=16):
    ...     return keras.Sequential([
    ...         keras.Input((meta["n_features_in_"],)),
    ...         keras.layers.Dense(n_neurons, activation="relu"),
    ...         keras.layers.Dense(meta["n_classes_"], activation="softmax"),
    ...     ])
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = KerasClassifier(build, epochs=5, random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:2]).shape
    (2, 3)
    >>> clf.get_params()["n_neurons"]
    16
    """

    _parameter_constraints = {
        **BaseKerasEstimator._parameter_constraints,
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    _allow_nd = True  # X of any shape the network takes (images for a CNN)

    def __init__(
        self,
        model=None,
        *,
        optimizer="adam",
        loss=None,
        metrics=None,
        batch_size=32,
        epochs=1,
        validation_split=0.0,
        callbacks=None,
        shuffle=True,
        verbose=0,
        random_state=None,
        warm_start=False,
        class_weight=None,
        **kwargs,
    ):
        super().__init__(
            model,
            optimizer=optimizer,
            loss=loss,
            metrics=metrics,
            batch_size=batch_size,
            epochs=epochs,
            validation_split=validation_split,
            callbacks=callbacks,
            shuffle=shuffle,
            verbose=verbose,
            random_state=random_state,
            warm_start=warm_start,
            **kwargs,
        )
        self.class_weight = class_weight

    # ------------------------------------------------------------- targets
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Train for one epoch on ``(X, y)``, continuing from the current weights.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data of this call; converted to float32.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels of this call (a label indicator matrix for a
            multilabel target).
        classes : array-like of shape (n_classes,), default=None
            Every class label, required on the first call (as in scikit-learn)
            because a batch may hold only some of them; later calls may omit
            it, or must pass the same labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights, none negative, rescaled to average 1.

        Returns
        -------
        self : object

        Examples
        --------
        >>> import numpy as np
        >>> from skdl import KerasClassifier
        >>> X = np.random.RandomState(0).normal(size=(40, 3))
        >>> clf = KerasClassifier(random_state=0)
        >>> clf = clf.partial_fit(X[:20], np.zeros(20), classes=[0, 1, 2])
        >>> clf.partial_fit(X[20:], np.full(20, 2)).n_iter_
        2
        """
        first = not self.__sklearn_is_fitted__()
        if first and classes is None and type_of_target(y) != "multilabel-indicator":
            raise ValueError(
                "classes must be passed on the first call to partial_fit, e.g. "
                "partial_fit(X, y, classes=np.unique(y_all))."
            )
        if not first and classes is not None and self.target_type_ != "multilabel-indicator":
            if not np.array_equal(np.unique(classes), self.classes_):
                given = np.asarray(classes).tolist()
                raise ValueError(
                    f"classes={given!r} is not the same as on the first call to "
                    f"partial_fit, {self.classes_.tolist()!r}; the output layer is "
                    "built for those. Refit with fit, or start a new estimator."
                )
        routed = route(self.get_params(), "fit").get("class_weight")
        if "balanced" in (str(self.class_weight), str(routed)):  # as SGDClassifier
            raise ValueError(
                "class_weight='balanced' is not supported for partial_fit: "
                "each batch would be balanced on its own. Compute the weights once, "
                "weights = compute_class_weight('balanced', classes=classes, y=y_all), "
                "and pass class_weight=dict(zip(classes, weights))."
            )
        return self._partial_fit(X, y, sample_weight, classes)

    def _validate_inputs(self, X, y, reset):
        if reset:
            # as scikit-learn's classifiers: a sparse multilabel y gives sparse
            # predictions, a DataFrame of sparse columns included (which
            # scikit-learn's validation makes a sparse matrix)
            labels = y.sparse.to_coo() if _sparse_frame(y) else y
            self._sparse_labels = (
                sp.issparse(labels) and type_of_target(labels) == "multilabel-indicator"
            )
        return super()._validate_inputs(X, y, reset)

    def _fit_targets(self, y, classes=None):
        self.target_encoder_ = ClassifierTargetEncoder().fit(y, classes, type(self).__name__)
        self.target_type_ = self.target_encoder_.target_type_
        self.classes_ = self.target_encoder_.classes_
        self.n_classes_ = len(self.classes_)
        self.n_outputs_ = 1 if self.target_type_ == "binary" else self.n_classes_
        self.out_activation_ = self._out_activation(self.target_type_)

    def _targets_mismatch(self, y):
        columns = 1 if y.ndim == 1 else y.shape[1]
        multilabel = type_of_target(y) == "multilabel-indicator"
        fitted = self.target_type_ == "multilabel-indicator"
        if multilabel == fitted and columns == (self.n_classes_ if fitted else 1):
            return None
        kind = f"{columns} label column(s)" + (" (multilabel)" if multilabel else "")
        was = f"{self.n_classes_} label columns (multilabel)" if fitted else "one label column"
        if self.target_encoder_.encoding == "onehot_y":
            was = f"{self.n_classes_} one-hot label columns"
        return f"y has {kind}, but {type(self).__name__} was fitted on {was}"

    def _out_activation(self, target_type):
        """The output activation for the targets, in Keras' names: none (linear)
        when the loss takes logits (``loss__from_logits=True`` or a loss object
        made with it), so that the default network and builders that read
        ``meta["out_activation_"]`` output logits for it. A softmax for
        multiclass labels, and for one-hot rows (a ``to_categorical`` y) under a
        categorical cross-entropy, which reads them as one class per row."""
        routed = route(self.get_params(), "loss")
        logits = routed.get("from_logits", getattr(self.loss, "from_logits", False))
        if bool(logits):
            return "linear"
        name = loss_name(self.loss)
        one_class_per_row = (
            target_type == "multilabel-indicator"
            and self.target_encoder_.one_hot_rows_
            and "crossentropy" in name
            and "categorical" in name
            and "sparse" not in name
        )
        return "softmax" if target_type == "multiclass" or one_class_per_row else "sigmoid"

    def _check_output(self, units, model):
        # the loss the network trains with: its own where it comes compiled
        # (skdl then warns that the loss parameter is not used)
        compiled = getattr(model, "compiled", False) and model.optimizer is not None
        loss = _keras.main_loss(model, model.loss if compiled else self.loss)
        encoding = choose_encoding(
            self.target_type_,
            self.n_classes_,
            units[0],
            loss,
            one_hot_rows=self.target_encoder_.one_hot_rows_,
            softmax=_keras.main_output_activation(model) == "softmax",
        )
        # those of compile__weighted_metrics too
        weighted = route(self.get_params(), "compile").get("weighted_metrics")
        if not compiled and exact_accuracy(self.metrics, weighted):
            # Keras' compile resolves 'accuracy' by the targets' kind, but not this
            raise ValueError(
                "metrics: keras.metrics.Accuracy counts the outputs equal to the "
                "targets, and a classifier's outputs are probabilities (it would report "
                "an accuracy near 0): pass 'accuracy' (Keras then picks the accuracy of "
                "the targets' kind), or keras.metrics.BinaryAccuracy or "
                "SparseCategoricalAccuracy."
            )
        one_hot_metric = None if compiled else needs_one_hot(self.metrics, weighted)
        if encoding == "sparse" and one_hot_metric and loss is None:
            # the loss is skdl's to choose: categorical_crossentropy, on the
            # one-hot rows that such metrics compare with the probabilities
            encoding = "onehot"
        elif encoding == "sparse" and one_hot_metric:
            # Keras would give the metric class indices: a wrong value, or an
            # error deep inside
            raise ValueError(
                f"metrics: {one_hot_metric} compares the probabilities with targets of "
                f"their shape (one-hot), but the loss {loss_name(loss)} takes class indices: "
                "leave loss unset (skdl then trains with categorical_crossentropy on "
                "one-hot targets), pass loss='categorical_crossentropy', or use a "
                "metric of class indices (e.g. 'sparse_categorical_accuracy')."
            )
        self.target_encoder_.set_params(encoding=encoding)

    def _build_model(self, X, y):
        model = super()._build_model(X, y)
        encoding = self.target_encoder_.encoding
        loss = _keras.main_loss(model, model.loss)
        activation = _keras.main_output_activation(model)
        check_loss_fits_output(activation, loss, encoding)
        warn_unless_probabilities(activation, loss, encoding, type(self).__name__)
        self.target_encoder_.set_params(from_logits=outputs_scores(activation, loss))
        return model

    def _metrics_for(self, model, loss, metrics):
        # the accuracy of logits or margins counts those above 0, not above 0.5
        activation = _keras.main_output_activation(model)
        if not outputs_scores(activation, _keras.main_loss(model, loss)):
            return metrics
        encoding = self.target_encoder_.encoding
        return metrics_on_scores(metrics, encoding, main=_keras.main_output_name(model))

    def _builder_targets(self, y):
        # as keras.wrappers.SKLearnClassifier gives it, whatever encoding the
        # network's loss then trains on: one column per class (one-hot, binary
        # included), or the multilabel indicator
        multilabel = self.target_type_ == "multilabel-indicator"
        encoder = copy.copy(self.target_encoder_)
        return encoder.set_params(encoding="multilabel" if multilabel else "onehot").transform(y)

    def _default_loss(self):
        return default_loss(self.target_encoder_.encoding)

    def _prepare_training(self, X, y, sample_weight, fit_kwargs):
        split = fit_kwargs.get("validation_split")
        if split and fit_kwargs.get("validation_data") is None and y.ndim == 1:
            _warn_if_sorted(y, split)
        return super()._prepare_training(X, y, sample_weight, fit_kwargs)

    def _default_loss_options(self, model):
        # a linear output layer gives logits: the loss chosen takes them so
        return {"from_logits": True} if _keras.main_output_activation(model) == "linear" else {}

    def _encode_targets(self, y):
        return self.target_encoder_.transform(y)

    def _row_labels(self, y):
        """The class of each row: y's labels, or for one-hot rows (a
        ``to_categorical`` y) the column of the 1, as Keras reads them for
        ``class_weight``; None for multilabel y."""
        if self.target_type_ != "multilabel-indicator":
            return _column_to_1d(y)
        if np.all(np.asarray(y).sum(axis=1) == 1):
            return np.argmax(y, axis=1)
        return None

    def _sample_weight(self, X, y, sample_weight, class_weight, *, incremental=False):
        class_weight = class_weight if class_weight is not None else self.class_weight
        # where the weights come from, for the errors
        given = " times ".join(
            name
            for name, value in [("sample_weight", sample_weight), ("class_weight", class_weight)]
            if value is not None
        )
        labels = self._row_labels(y)
        if class_weight is not None:
            if labels is None:
                raise ValueError(
                    "class_weight is not supported for multilabel targets; pass "
                    "sample_weight instead."
                )
            y1d = labels
            weights = self._class_weights(class_weight, y1d)
            negative = np.unique(y1d[weights < 0])
            if len(negative):
                raise ValueError(
                    f"class_weight gives class {negative.tolist()} a negative weight; "
                    "class weights must be positive or 0."
                )
            if sample_weight is not None:
                # checked before it is combined (a wrong length would broadcast)
                sample_weight = weights * self._given_weights(sample_weight, X)
            else:
                sample_weight = weights
        sample_weight = super()._sample_weight(X, y, sample_weight, None)
        # a warm fit or partial_fit goes on training a network built for every
        # class: its batch may hold (or weigh) some of them only
        if sample_weight is not None and labels is not None and not incremental:
            weighted = np.unique(labels[sample_weight > 0])
            if len(weighted) < 2 <= len(np.unique(labels)):
                raise ValueError(
                    f"{type(self).__name__} needs at least 2 classes with a positive "
                    f"weight ({given}); only class {weighted.tolist()} has one."
                )
        return sample_weight

    def _class_weights(self, class_weight, labels):
        """The weight of each row of class ``labels``: a dict names classes of
        ``classes_`` (columns, for one-hot rows) that a batch of ``partial_fit``
        may lack; ``'balanced'`` weighs the classes of ``labels``."""
        if isinstance(class_weight, str):
            return compute_sample_weight(class_weight, labels)
        if self.target_encoder_.encoding == "onehot_y":  # labels are the columns
            known, index = np.arange(self.n_classes_), labels
        else:
            known, index = self.classes_, self.target_encoder_.class_index(labels)
        return compute_class_weight(class_weight, classes=known, y=labels)[index]

    # ------------------------------------------------------------- predict
    def predict_proba(self, X):
        """Probability of each class.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns follow ``classes_``; rows sum to 1 except for multilabel
            targets, where each column is the probability of that label.
            float32 for a float32 ``X`` where ``fit`` was given a float32 ``X``
            too, float64 otherwise.

        Examples
        --------
        >>> from sklearn.datasets import make_classification
        >>> from skdl import KerasClassifier
        >>> X, y = make_classification(n_samples=60, random_state=0)
        >>> clf = KerasClassifier(epochs=2, random_state=0).fit(X, y)
        >>> clf.predict_proba(X[:3]).shape
        (3, 2)
        """
        raw = self._predict_raw(X)
        return self.target_encoder_.predict_proba(raw).astype(raw.dtype, copy=False)

    def predict_log_proba(self, X):
        """Natural logarithm of :meth:`predict_proba`, as scikit-learn's classifiers give.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Columns follow ``classes_``; ``-inf`` where a probability is 0.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.datasets import make_classification
        >>> from skdl import KerasClassifier
        >>> X, y = make_classification(n_samples=60, random_state=0)
        >>> clf = KerasClassifier(epochs=2, random_state=0).fit(X, y)
        >>> np.allclose(np.exp(clf.predict_log_proba(X[:3])), clf.predict_proba(X[:3]))
        True
        """
        proba = self.predict_proba(X)
        return np.log(proba, out=proba)

    def predict(self, X):
        """Predicted class labels.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_labels)
            Labels of the type seen in ``fit``; a 0/1 matrix for multilabel
            targets (one 1 per row for a one-hot ``y`` and a softmax network),
            a sparse CSR matrix when ``fit`` was given a sparse one.

        Examples
        --------
        >>> from skdl import KerasClassifier
        >>> X, y = [[0, 0], [0, 1], [1, 0], [1, 1]], ["no", "yes", "yes", "yes"]
        >>> clf = KerasClassifier(epochs=1, random_state=0).fit(X, y)
        >>> set(clf.predict(X)) <= {"no", "yes"}
        True
        """
        raw = self._predict_raw(X)  # checks that the estimator is fitted
        labels = self.target_encoder_.inverse_transform(raw)
        return sp.csr_matrix(labels) if self._sparse_labels else labels

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


def _warn_if_sorted(labels, split):
    """``validation_split`` holds out the last rows, unshuffled (Keras' rule):
    on labels sorted by class they are all of one class, and the validation
    scores measure that class alone."""
    start = training_rows(len(labels), split)
    held_out = np.unique(labels[start:])
    if len(held_out) == 1 and len(np.unique(labels[:start])) > 1:
        warnings.warn(
            f"validation_split={split} holds out the last {len(labels) - start} rows "
            "(Keras takes them as they come, unshuffled), and all of them have the "
            f"label {held_out.tolist()[0]!r}: y looks sorted. Shuffle the rows first "
            "(sklearn.utils.shuffle), or pass validation_data.",
            UserWarning,
        )


def _column_to_1d(y):
    y = np.asarray(y)
    return y.ravel() if y.ndim == 2 and y.shape[1] == 1 else y
