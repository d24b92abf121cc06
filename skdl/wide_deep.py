"""Wide-and-deep networks (Hands-On Machine Learning, chapter 10) as estimators."""

import functools
import numbers

import numpy as np
from sklearn.utils._param_validation import Interval

from . import _keras
from ._compile import make_loss, make_optimizer
from ._docs import CLASS_WEIGHT, COMMON_ATTRIBUTES, ROUTED_PARAMETERS
from ._keras_objects import column_selector
from ._routing import ROUTING_PREFIXES, route
from .base import HIDDEN_LAYER_SIZES, BaseKerasEstimator, hidden_sizes
from .classifier import KerasClassifier
from .regressor import KerasRegressor


def resolve_features(spec, name, n_features, feature_names=None):
    """Column indices from ``None``, ints, names, a boolean mask or a slice.

    Examples
    --------
    >>> resolve_features(slice(2, None), "deep_features", 5).tolist()
    [2, 3, 4]
    >>> resolve_features(["b", "c"], "wide_features", 3, np.array(["a", "b", "c"])).tolist()
    [1, 2]
    >>> resolve_features(slice("a", "b"), "wide_features", 3, np.array(["a", "b", "c"])).tolist()
    [0, 1]
    """
    columns = np.arange(n_features)
    if spec is None:
        return columns
    if isinstance(spec, slice):
        if isinstance(spec.start, str) or isinstance(spec.stop, str):
            spec = _name_slice(spec, name, feature_names)
        selected = columns[spec]
    else:
        values = np.asarray(spec)
        if values.ndim != 1:
            raise ValueError(f"{name} must be a 1-D list of columns; got {spec!r}.")
        if values.size == 0:  # an empty list is float64 to NumPy
            selected = columns[:0]
        elif values.dtype == bool:
            if len(values) != n_features:
                raise ValueError(
                    f"{name} is a boolean mask of length {len(values)}, but X has "
                    f"{n_features} columns."
                )
            selected = columns[values]
        elif values.dtype.kind in "iu":
            bad = values[(values < -n_features) | (values >= n_features)]
            if len(bad):
                raise ValueError(
                    f"{name} has column indices {bad.tolist()} out of range for X with "
                    f"{n_features} columns."
                )
            selected = columns[values]
        elif values.dtype.kind in "UO":
            selected = _by_name(values, name, feature_names)
        else:
            raise ValueError(f"{name} must hold column indices, names or a mask; got {spec!r}.")
    if len(selected) == 0:
        raise ValueError(f"{name} selects no column; give at least one.")
    return selected


def _by_name(values, name, feature_names):
    if feature_names is None:
        raise ValueError(
            f"{name} names columns {values.tolist()}, but X has no column names: fit "
            "on a DataFrame (or a ColumnTransformer with set_output(transform='pandas')), "
            "or give column indices."
        )
    position = {str(f): i for i, f in enumerate(feature_names)}
    unknown = [str(v) for v in values if str(v) not in position]
    if unknown:
        raise ValueError(
            f"{name} names unknown columns {unknown}; X has columns {list(position)}."
        )
    return np.array([position[str(v)] for v in values])


def _name_slice(spec, name, feature_names):
    """A slice of column names as positions: both ends included, as in
    ColumnTransformer (and pandas' ``.loc``)."""
    start = (
        None if spec.start is None else _by_name(np.array([spec.start]), name, feature_names)[0]
    )
    stop = (
        None if spec.stop is None else _by_name(np.array([spec.stop]), name, feature_names)[0] + 1
    )
    return slice(start, stop, spec.step)


class _WideAndDeepMixin:
    """The network and its parameters; the estimator machinery comes from the bases."""

    model = None  # the network is built by the estimator itself
    _routing_prefixes = tuple(p for p in ROUTING_PREFIXES if p != "model")  # no builder
    _allow_nd = False  # the paths pick columns of a table
    _network_params = (
        *BaseKerasEstimator._network_params,
        "wide_features",
        "deep_features",
        "hidden_layer_sizes",
        "activation",
        "aux_loss_weight",
    )

    _parameter_constraints = {
        **BaseKerasEstimator._parameter_constraints,
        "wide_features": "no_validation",
        "deep_features": "no_validation",
        "hidden_layer_sizes": HIDDEN_LAYER_SIZES,
        "activation": [str, callable],
        "aux_loss_weight": [Interval(numbers.Real, 0, 1, closed="left"), None],
    }

    def _builder(self):
        return self._build_network

    def _validate_params(self):
        super()._validate_params()
        hidden_sizes(self.hidden_layer_sizes)
        _keras.check_activation(self.activation)

    def _aux(self):
        return bool(self.aux_loss_weight)

    def _fit_targets(self, y, classes=None):
        super()._fit_targets(y, classes)
        names = getattr(self, "feature_names_in_", None)
        n = self.n_features_in_
        self.wide_features_idx_ = resolve_features(self.wide_features, "wide_features", n, names)
        self.deep_features_idx_ = resolve_features(self.deep_features, "deep_features", n, names)

    def _build_network(self, meta):
        keras = _keras.keras()
        selector = column_selector()
        inputs = keras.Input((meta["n_features_in_"],))
        wide = selector(self.wide_features_idx_.tolist(), name="wide")(inputs)
        hidden = selector(self.deep_features_idx_.tolist(), name="deep")(inputs)
        for units in hidden_sizes(self.hidden_layer_sizes):
            hidden = keras.layers.Dense(units, activation=self.activation)(hidden)
        concat = keras.layers.Concatenate()([wide, hidden])
        head = functools.partial(
            keras.layers.Dense, meta["n_outputs_"], activation=meta["out_activation_"]
        )
        outputs = [head(name="main")(concat)]
        if self._aux():
            outputs.append(head(name="aux")(hidden))
        return keras.Model(inputs, outputs)

    def _compile(self, model, units):
        params = self.get_params()
        if isinstance(self.loss, (list, tuple, dict)):
            raise ValueError(
                f"{type(self).__name__} takes one loss, for the main output (and the "
                f"auxiliary one, weighted by aux_loss_weight); got loss={self.loss!r}."
            )
        if "loss_weights" in route(params, "compile"):
            raise ValueError(
                "compile__loss_weights is set by aux_loss_weight (the auxiliary "
                "output's share of the loss); set aux_loss_weight instead."
            )
        loss = make_loss(
            self.loss if self.loss is not None else self._default_loss(), route(params, "loss")
        )
        metrics = self._compiled_metrics(model, loss, self.metrics, route(params, "metrics"))
        extra = {"loss": loss, "metrics": self._main_output_metrics(model, metrics)}
        if self._aux():
            weight = float(self.aux_loss_weight)
            extra.update(loss=[loss, loss], loss_weights=[1.0 - weight, weight])
        model.compile(
            optimizer=make_optimizer(self.optimizer, route(params, "optimizer")),
            **extra,
            **self._compile_options(model, loss, params),
        )


_WIDE_DEEP_PARAMETERS = """\
wide_features : list of int or str, boolean mask, slice or None, default=None
        Columns of X that go straight to the output (the wide path): indices,
        column names (for DataFrames), a boolean mask or a slice (of
        positions, or of names with both ends included, as in
        ``ColumnTransformer``); None means all columns.
    deep_features : list of int or str, boolean mask, slice or None, default=None
        Columns of X that go through the hidden layers (the deep path), in
        the same forms.
    hidden_layer_sizes : tuple of int, default=(30, 30)
        Units of the hidden layers of the deep path.
    activation : str or callable, default="relu"
        Activation of the hidden layers: a name of Keras, or a function.
    aux_loss_weight : float or None, default=0.1
        Weight of an auxiliary output on top of the deep path (the main output
        gets ``1 - aux_loss_weight``), which makes the deep path useful on its
        own; 0 or None builds no auxiliary output. Predictions come from the
        main output.
    optimizer : str, keras.optimizers.Optimizer class or instance, default="adam"
        Its arguments are routed parameters: ``optimizer__learning_rate``.
    loss : str or keras.losses.Loss, default=None
        ``None`` chooses one from the targets (for both outputs).
    metrics : list or dict, default=None
        Keras metrics of the main output; a dict by output name (``"main"``,
        ``"aux"``) sets them for each output.
    batch_size : int, default=32
        Mini-batch size.
    epochs : int, default=20
        Passes over the data per ``fit`` (20, as in the book).
    validation_split : float, default=0.0
        Fraction of the training data held out for validation.
    callbacks : list of keras.callbacks.Callback, default=None
        Copied for each fit.
    shuffle : bool or "batch", default=True
        Shuffle the training data before each epoch (Keras' ``"batch"``:
        in batch-sized chunks).
    verbose : int or "auto", default=0
        Keras' progress output (``"auto"``: Keras' choice, 1 here).
    random_state : int, RandomState instance or None, default=None
        Seeds a reproducible fit without changing the global random state.
    warm_start : bool, default=False
        Continue training the fitted network on the next ``fit``: changed
        features, layers and compile parameters take effect at the next fit
        without it."""

_WIDE_DEEP_ATTRIBUTES = f"""\
wide_features_idx_ : ndarray of int
        Column indices of the wide path.
    deep_features_idx_ : ndarray of int
        Column indices of the deep path.
    {COMMON_ATTRIBUTES}"""


class WideAndDeepRegressor(_WideAndDeepMixin, KerasRegressor):
    __doc__ = f"""Wide-and-deep network regressor (Hands-On ML, chapter 10).

    Some features take a short, wide path straight to the output; others a
    deep path through hidden layers; both meet in a concatenation before the
    output layer. An auxiliary output on the deep path (weighted by
    ``aux_loss_weight``) regularises it, as in the book; ``history_`` keeps the
    losses of both outputs (``main_loss``, ``aux_loss``).

    Parameters
    ----------
    {_WIDE_DEEP_PARAMETERS}
    {ROUTED_PARAMETERS}

    Attributes
    ----------
    {_WIDE_DEEP_ATTRIBUTES}
    n_outputs_ : int
        Number of target columns.

    See Also
    --------
    WideAndDeepClassifier : The classification counterpart.
    KerasRegressor : Any Keras network as a regressor.

    Examples
    --------
    The book's network on California housing: wide path ``X[:, :5]``, deep path
    ``X[:, 2:]``.

    >>> import numpy as np
    >>> from skdl import WideAndDeepRegressor
    >>> X = np.random.RandomState(0).normal(size=(200, 8))
    >>> y = X[:, 0] + X[:, 5] ** 2
    >>> reg = WideAndDeepRegressor(wide_features=slice(0, 5), deep_features=slice(2, 8),
    ...                            epochs=2, random_state=0).fit(X, y)
    >>> reg.predict(X[:3]).shape, sorted(k for k in reg.history_ if k.endswith("loss"))
    ((3,), ['aux_loss', 'loss', 'main_loss'])
    """

    def __init__(
        self,
        wide_features=None,
        deep_features=None,
        *,
        hidden_layer_sizes=(30, 30),
        activation="relu",
        aux_loss_weight=0.1,
        optimizer="adam",
        loss=None,
        metrics=None,
        batch_size=32,
        epochs=20,
        validation_split=0.0,
        callbacks=None,
        shuffle=True,
        verbose=0,
        random_state=None,
        warm_start=False,
        **kwargs,
    ):
        self._store_init_params(locals())


class WideAndDeepClassifier(_WideAndDeepMixin, KerasClassifier):
    __doc__ = f"""Wide-and-deep network classifier (Hands-On ML, chapter 10).

    The architecture of :class:`WideAndDeepRegressor` with a classification
    head (sigmoid or softmax, from the targets) on both outputs.

    Parameters
    ----------
    {_WIDE_DEEP_PARAMETERS}
    {CLASS_WEIGHT}
    {ROUTED_PARAMETERS}

    Attributes
    ----------
    {_WIDE_DEEP_ATTRIBUTES}
    classes_ : ndarray of shape (n_classes,)
        Class labels.

    See Also
    --------
    WideAndDeepRegressor : The regression counterpart.
    KerasClassifier : Any Keras network as a classifier.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from skdl import WideAndDeepClassifier
    >>> X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    >>> clf = WideAndDeepClassifier(
    ...     wide_features=["mean radius", "mean texture"], epochs=2, random_state=0
    ... ).fit(X, y)
    >>> clf.predict_proba(X.iloc[:2]).shape, clf.wide_features_idx_.tolist()
    ((2, 2), [0, 1])
    """

    _parameter_constraints = {
        **_WideAndDeepMixin._parameter_constraints,
        **KerasClassifier._parameter_constraints,
    }

    def __init__(
        self,
        wide_features=None,
        deep_features=None,
        *,
        hidden_layer_sizes=(30, 30),
        activation="relu",
        aux_loss_weight=0.1,
        optimizer="adam",
        loss=None,
        metrics=None,
        batch_size=32,
        epochs=20,
        validation_split=0.0,
        callbacks=None,
        shuffle=True,
        verbose=0,
        random_state=None,
        warm_start=False,
        class_weight=None,
        **kwargs,
    ):
        self._store_init_params(locals())
