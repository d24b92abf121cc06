"""BaseKerasEstimator: parameters, build -> compile -> fit -> predict."""

import collections.abc
import contextlib
import copy
import functools
import inspect
import math
import numbers
import re
import warnings

import numpy as np
import scipy.sparse as sp
from sklearn import get_config
from sklearn.base import BaseEstimator, clone
from sklearn.utils import _safe_indexing, check_random_state
from sklearn.utils._param_validation import (
    Interval,
    StrOptions,
    validate_parameter_constraints,
)
from sklearn.utils.validation import (
    _check_sample_weight,
    _num_samples,
    check_is_fitted,
    validate_data,
)

from . import _data, _keras, _pool, _sparse
from ._builder import (
    InitSignature,
    builder_argument_names,
    builder_defaults,
    call_builder,
    function_parts,
    same_parts,
)
from ._compile import (
    builder_steps,
    compile_options,
    epoch_steps,
    fit_callbacks,
    given_step_limit,
    is_plain,
    made_metrics,
    make_callbacks,
    make_loss,
    make_metrics,
    make_optimizer,
    may_change_the_network,
    object_scope,
    set_steps_per_execution,
    steps_for_callbacks,
    stop_on_nan,
    users_classes,
)
from ._persistence import (
    SerializedModel,
    parameter_functions,
    picklable_parameter,
    unwrapped_parameter,
)
from ._routing import (
    ROUTING_PREFIXES,
    plain,
    route,
    routing_prefix,
    unknown_parameters_message,
)
from ._targets import loss_name

# Arguments of ``keras.Model.fit`` that ``fit(X, y, **kwargs)`` accepts for one call.
FIT_CALL_ARGS = frozenset(
    {
        "epochs",
        "batch_size",
        "verbose",
        "callbacks",
        "validation_split",
        "validation_data",
        "shuffle",
        "class_weight",
        "initial_epoch",
        "steps_per_epoch",
        "validation_steps",
        "validation_batch_size",
        "validation_freq",
    }
)

_POSITIVE = Interval(numbers.Integral, 1, None, closed="left")
# the values Keras' fit takes: shuffle="batch" shuffles within batch-sized
# chunks (on Keras' own data path), verbose="auto" is Keras' default
_SHUFFLE = ["boolean", StrOptions({"batch"})]
_VERBOSE = ["verbose", StrOptions({"auto"})]
# Values of the Keras arguments that fit(X, y, **kwargs) and the routed
# parameters (fit__epochs, predict__batch_size, ...) take, checked before
# training as the estimator's own parameters are: Keras takes epochs=0 or a
# negative learning rate without a word, or fails deep inside for others
_KERAS_CONSTRAINTS = {
    "fit": {
        "epochs": [_POSITIVE],
        "batch_size": [_POSITIVE, None],
        "validation_split": [Interval(numbers.Real, 0, 1, closed="left")],
        "shuffle": _SHUFFLE,
        "verbose": _VERBOSE,
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "initial_epoch": [Interval(numbers.Integral, 0, None, closed="left")],
        "steps_per_epoch": [_POSITIVE, None],
        "validation_steps": [_POSITIVE, None],
        "validation_batch_size": [_POSITIVE, None],
        "validation_freq": [_POSITIVE],
    },
    "predict": {"batch_size": [_POSITIVE, None]},
    "compile": {"steps_per_execution": [_POSITIVE]},
    # a number, or a schedule (callable)
    "optimizer": {"learning_rate": [Interval(numbers.Real, 0, None, closed="neither"), callable]},
}

# Arguments of ``keras.Model.fit`` and ``compile`` that the estimator passes
# itself (from the data and its own parameters): ``fit__x`` or
# ``compile__optimizer`` would reach nothing, or clash.
_ROUTED_BY_ESTIMATOR = {
    "fit": {
        "x": "use fit's X",
        "y": "use fit's y",
        "sample_weight": "use fit's sample_weight",
        "callbacks": "use the callbacks parameter",
    },
    "compile": {
        "optimizer": "use the optimizer parameter",
        "loss": "use the loss parameter",
        "metrics": "use the metrics parameter",
    },
}


_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def is_float32(X):
    """Whether ``X`` is float32 as scikit-learn's validation keeps it: an array
    or a sparse matrix of float32, or a DataFrame of NumPy columns whose common
    type is float32 (float32 columns beside int8, bool or float16 ones; pandas'
    nullable ``Float32``, polars and Arrow columns become float64)."""
    dtype = getattr(X, "dtype", None)
    dtypes = [dtype] if dtype is not None else list(getattr(X, "dtypes", []))
    if not dtypes or not all(isinstance(d, np.dtype) for d in dtypes):
        return False
    return np.result_type(*dtypes) == np.float32


def output_dtype(X, fitted_float32):
    """The dtype of predictions and transforms for ``X``: float32 where ``X`` is
    float32 and so was the X the estimator was fitted on (``fitted_float32``),
    float64 otherwise, as from scikit-learn's MLPs and PCA, whose weights keep
    the dtype of the X they were fitted on. Networks compute in float32 either
    way."""
    return np.float32 if fitted_float32 and is_float32(X) else np.float64


def _history_value(value):
    """A logged value as a float, or a list of floats for a metric of several
    values (``F1Score(average=None)`` logs one per class)."""
    array = np.asarray(value, dtype=np.float64)
    return float(array) if array.ndim == 0 else array.tolist()


def _per_epoch(history, validation_freq):
    """``history.history`` (a Keras ``History``) with one entry per epoch in
    every list: validation with ``validation_freq`` > 1 logs only the epochs it
    ran, and the others get NaN, as Keras' ``fit`` picks them (one-based epoch
    numbers that are multiples of the frequency)."""
    logs = dict(history.history)
    epochs = list(history.epoch)
    validated = [i for i, epoch in enumerate(epochs) if (epoch + 1) % validation_freq == 0]
    for key, values in logs.items():
        if len(values) < len(epochs) and len(values) == len(validated):
            full = [np.nan] * len(epochs)
            for i, value in zip(validated, values):
                full[i] = value
            logs[key] = full
    return logs


# Facts about the training data that a builder may ask for by name.
META_KEYS = (
    "n_features_in_",
    "feature_names_in_",
    "n_outputs_",
    "out_activation_",
    "target_type_",
    "classes_",
    "n_classes_",
    "sparse_input_",
)

# The training data, which a builder may ask for by name as Keras' own
# scikit-learn wrappers give it (``model(X=X, y=y, ...)``): X as the network
# takes it, y one column per class for a classifier (see ``_builder_targets``).
BUILDER_DATA = ("X", "y")

# What a Keras program asks of its model, said the estimator's way where its
# name is missing (model.history, model.evaluate, ... in the Keras tutorials)
_KERAS_HINTS = {
    "history": "history_ holds fit's History as a dict of lists (fit returns the estimator)",
    "evaluate": "score(X, y) gives scikit-learn's score (accuracy, R²), "
    "model_.evaluate(X, y) the trained network's loss and metrics",
    "predict_classes": "predict(X) gives the class labels",
}
_MODEL_ATTRIBUTES = frozenset(
    [
        "summary",
        "layers",
        "get_layer",
        "save",
        "save_weights",
        "load_weights",
        "get_weights",
        "set_weights",
        "weights",
        "trainable_weights",
        "count_params",
        "inputs",
        "outputs",
        "to_json",
    ]
)

DEFAULT_PREDICT_BATCH_SIZE = 256

# the parameter constraint of hidden_layer_sizes, which hidden_sizes then checks
HIDDEN_LAYER_SIZES = ["array-like", Interval(numbers.Integral, 1, None, closed="left")]


def hidden_sizes(hidden_layer_sizes):
    """``hidden_layer_sizes`` as a list of units (an int is one layer), checked.

    Examples
    --------
    >>> hidden_sizes((64, 32)), hidden_sizes(16), hidden_sizes(())
    ([64, 32], [16], [])
    """
    value = hidden_layer_sizes
    sizes = [value] if isinstance(value, numbers.Integral) else value
    if isinstance(sizes, str) or not hasattr(sizes, "__iter__"):
        sizes = None
    else:
        sizes = list(sizes)
    if sizes is None or not all(
        isinstance(n, numbers.Integral) and not isinstance(n, bool) and n >= 1 for n in sizes
    ):
        raise ValueError(
            "hidden_layer_sizes must hold positive integers, the units of each hidden "
            f"layer, e.g. (64, 32); got {value!r}."
        )
    return [int(n) for n in sizes]


def dense_network(meta, hidden_layer_sizes=(100,), activation="relu"):
    """The network used when no ``model`` is given: a ReLU multilayer perceptron.

    Its output layer has ``meta["n_outputs_"]`` units and the activation that
    fits the task (``meta["out_activation_"]``: sigmoid, softmax, linear, or
    exponential for a Poisson loss). Its
    input is sparse for a sparse X on TensorFlow (``meta["sparse_input_"]``): the
    first layer multiplies the sparse rows.

    Examples
    --------
    >>> from skdl import KerasRegressor
    >>> KerasRegressor(hidden_layer_sizes=(32, 16)).get_params()["hidden_layer_sizes"]
    (32, 16)
    """
    keras = _keras.keras()
    _keras.check_activation(activation)
    layers = [keras.Input((meta["n_features_in_"],), sparse=meta["sparse_input_"])]
    layers += [
        keras.layers.Dense(n, activation=activation) for n in hidden_sizes(hidden_layer_sizes)
    ]
    layers.append(keras.layers.Dense(meta["n_outputs_"], activation=meta["out_activation_"]))
    return keras.Sequential(layers)


def _check_input_shape(model, X):
    """A clear error where a single-input network does not take X's samples
    (Keras' own error prints the sample, 784 numbers for an image)."""
    inputs = getattr(model, "inputs", None) or []
    if len(inputs) != 1 or inputs[0].shape is None:
        return  # several inputs (split_inputs checks them) or not known yet
    takes = tuple(inputs[0].shape[1:])
    given = X.shape[1:]
    if len(takes) == len(given) and all(t is None or t == g for t, g in zip(takes, given)):
        return
    if takes == () and given == (1,):
        return  # one value per sample: split_inputs gives the column
    hint = (
        f" meta['n_features_in_'] is X.shape[1]: for samples of shape {given}, start "
        f"the network with keras.Input({given})."
        if X.ndim > 2
        else ""
    )
    raise ValueError(
        f"The network's input takes samples of shape {takes}, but X has samples of "
        f"shape {given}.{hint}"
    )


def _equal(a, b):
    """``a == b`` for plain values (numbers, strings, None), identity otherwise."""
    try:
        return bool(a == b)
    except (TypeError, ValueError):  # arrays, objects that refuse to compare
        return a is b


def _is_default(value, default):
    """Whether a parameter's ``value`` is its ``default``: itself, or an equal
    plain value of its type (a string, a number)."""
    return value is default or (type(value) is type(default) and _equal(value, default))


def _compile_setting(name):
    """Whether the routed parameter ``name`` goes to ``model.compile`` (of which
    the batches per step are set again at each fit)."""
    prefix = routing_prefix(name)
    if prefix == "compile":
        return name != "compile__steps_per_execution"
    return prefix in ("optimizer", "loss", "metrics")


def _same_setting(now, before):
    """Whether a parameter's value is the one it had: itself, or an equal plain
    value or array (a new but equal list of wide features)."""
    if now is before:
        return True
    if isinstance(now, (list, tuple)) and isinstance(before, (list, tuple)):
        # hidden_layer_sizes=[4] and (4,) make one network
        return len(now) == len(before) and all(map(_same_setting, now, before))
    if isinstance(now, np.ndarray) or isinstance(before, np.ndarray):
        return type(now) is type(before) and np.array_equal(now, before)
    try:
        return bool(_is_default(now, before))
    except (TypeError, ValueError):  # a comparison that gives no truth value
        return False


def _shape(y):
    """The shape of ``y`` as an array (``()`` where it makes none: None, a
    ragged list, which scikit-learn's checks then refuse)."""
    try:
        return np.asarray(y).shape if y is not None else ()
    except (TypeError, ValueError):
        return ()


def _text_columns(X):
    """The names of the columns of a DataFrame ``X`` that hold text; ``[]``
    for other text ``X``, None where ``X`` holds no text."""
    if hasattr(X, "columns") and hasattr(X, "iloc"):
        found = []
        for i, name in enumerate(X.columns):
            try:
                np.asarray(X.iloc[:, i], dtype=np.float64)
            except (TypeError, ValueError):
                found.append(name)
        return found or None
    try:
        np.asarray(X, dtype=np.float64)
    except ValueError as exc:
        return [] if "could not convert string to float" in str(exc) else None
    except TypeError:
        return None
    return None


def _streamed_data(X):
    """What ``X`` is, where it is data that Keras' ``fit`` streams (a
    ``tf.data.Dataset``, a ``keras.utils.PyDataset``, a PyTorch ``DataLoader``,
    a generator or other iterator); None otherwise. Told by type, without
    importing them."""
    classes = type(X).__mro__
    if any(c.__name__ == "DatasetV2" and c.__module__.startswith("tensorflow") for c in classes):
        return "a tf.data.Dataset"
    if any(c.__name__ == "PyDataset" and c.__module__.startswith("keras") for c in classes):
        return "a keras.utils.PyDataset"
    if any(c.__name__ == "DataLoader" and c.__module__.startswith("torch") for c in classes):
        return "a PyTorch DataLoader"
    if inspect.isgenerator(X):
        return "a generator"
    if isinstance(X, collections.abc.Iterator):
        return "an iterator"
    return None


def _targets_per_output(y, n_rows):
    """Whether ``y`` is a list or tuple of target arrays of ``n_rows`` rows
    each, as Keras' ``fit`` takes them for a model of several outputs (a list
    of ``n_rows`` labels, or rows, is a y as scikit-learn takes it)."""
    if not isinstance(y, (list, tuple)) or len(y) < 2 or len(y) == n_rows:
        return False
    return all(
        getattr(targets, "ndim", 0) >= 1 and _num_samples(targets) == n_rows for targets in y
    )


def _rows_of(X):
    """The number of rows of ``X``, or None where it has none (a scalar)."""
    try:
        return _num_samples(X)
    except TypeError:
        return None


# a setting changed before the estimator was pickled: equal to no value
_CHANGED = object()


def _clone_param(value):
    """A parameter's value for a clone: a Keras model is copied (its architecture,
    weights and compile settings, sharing no state), anything else goes through
    scikit-learn's ``clone``."""
    if _keras.is_keras_model(value):
        # its initializers' seeds: drawn again where a fit builds its network
        with _keras.untouched_random_streams():
            return _keras.clone_model(value)
    classes = users_classes(value)
    if not classes:
        return clone(value, safe=False)
    with object_scope(classes):  # Keras copies its objects through their configuration
        return clone(value, safe=False)


class BaseKerasEstimator(BaseEstimator):
    """Shared machinery of :class:`KerasClassifier` and :class:`KerasRegressor`.

    Subclasses provide the target handling (``_fit_targets``, ``_encode_targets``)
    and the public ``predict``; the steps of ``fit`` are small methods that a
    subclass can override one at a time.
    """

    # the prefixes of the routed parameters it takes: a ready-made network
    # takes no builder (model__), and the MLP presets make their own loss and
    # no metrics (loss__, metrics__)
    _routing_prefixes = ROUTING_PREFIXES
    # routed names of Keras' arguments that the estimator passes itself, with
    # what to use instead
    _routed_by_estimator = _ROUTED_BY_ESTIMATOR

    # With metadata routing on, the Keras arguments of ``fit`` (``epochs``,
    # ``validation_data``, ``callbacks``, ...) reach the estimator from a
    # search, ``cross_validate(params=...)``, a Pipeline or an ensemble without
    # set_fit_request: only a Keras estimator takes them. ``sample_weight``
    # waits for a request, as for scikit-learn's estimators.
    __metadata_request__fit = {name: True for name in sorted(FIT_CALL_ARGS)}
    # the estimator parameter that a fit argument of another name stands for
    # (the MLP presets' epochs are their max_iter)
    _FIT_ARGUMENT_PARAMETERS = {}

    def __init_subclass__(cls, **kwargs):
        # repr shows the builder's arguments only where they differ from their
        # defaults, as it does the estimator's own parameters
        super().__init_subclass__(**kwargs)
        if inspect.isfunction(cls.__dict__.get("__init__")):
            cls.__init__ = InitSignature(cls.__dict__["__init__"])

    _parameter_constraints = {
        "model": [callable, None],
        "optimizer": "no_validation",
        "loss": "no_validation",
        "metrics": [list, tuple, dict, None],
        "batch_size": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "epochs": [Interval(numbers.Integral, 1, None, closed="left")],
        "validation_split": [Interval(numbers.Real, 0, 1, closed="left")],
        "callbacks": "no_validation",
        "shuffle": _SHUFFLE,
        "verbose": _VERBOSE,
        "random_state": ["random_state"],
        "warm_start": ["boolean"],
    }

    @InitSignature
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
        **kwargs,
    ):
        self.model = model
        self.optimizer = optimizer
        self.loss = loss
        self.metrics = metrics
        self.batch_size = batch_size
        self.epochs = epochs
        self.validation_split = validation_split
        self.callbacks = callbacks
        self.shuffle = shuffle
        self.verbose = verbose
        self.random_state = random_state
        self.warm_start = warm_start
        self._extra_params = dict(kwargs)

    def _store_init_params(self, params):
        """Store the arguments of a subclass's ``__init__`` (its ``locals()``) verbatim,
        ``**kwargs`` (builder and routed parameters) included."""
        for name, value in params.items():
            if name == "kwargs":
                self._refuse_unknown_names(value, TypeError)
                self._extra_params = dict(value)
            elif name not in ("self", "__class__"):
                setattr(self, name, value)
        self.__dict__.setdefault("_extra_params", {})

    def _refuse_unknown_names(self, names, error):
        """A ready-made network (no ``model`` parameter, so no builder whose
        arguments are parameters) takes its own and routed names only: another
        is refused at once, as scikit-learn's estimators refuse it (a
        misspelled name would wait for ``fit``, in a search for every fit)."""
        own = self._get_param_names()
        if "model" in own:
            return
        # the signature's names pass, its **kwargs too (scikit-learn's checks
        # give each a value): fit refuses that one
        unknown = [
            n
            for n in names
            if routing_prefix(n) not in self._routing_prefixes and n not in (*own, "kwargs")
        ]
        if unknown:
            owner = type(self).__name__
            raise error(
                unknown_parameters_message(
                    owner, unknown, own, builder=False, prefixes=self._routing_prefixes
                )
            )

    # ------------------------------------------------------------------ params
    @classmethod
    def _get_param_names(cls):
        # read once per class (and __init__): scikit-learn reads the signature
        # of ``__init__`` at every get_params, and an attribute lookup that
        # misses reaches it
        parts = function_parts(cls.__init__)
        remembered = cls.__dict__.get("_init_param_names")
        if remembered is None or not same_parts(remembered[0], parts):
            remembered = cls._init_param_names = (parts, tuple(super()._get_param_names()))
        return list(remembered[1])

    def _builder(self):
        return dense_network if self.model is None else self.model

    def _builder_defaults(self):
        reserved = set(self._get_param_names()) | set(META_KEYS) | set(BUILDER_DATA)
        return builder_defaults(self._builder(), reserved)

    def get_params(self, deep=True):
        """Parameters of this estimator, the model builder's and routed ones.

        The builder's keyword arguments appear with their defaults unless set,
        so ``KerasRegressor(build_model).get_params()`` lists ``n_hidden`` and
        friends, ready for ``set_params``, ``clone`` and a hyperparameter search.

        Parameters
        ----------
        deep : bool, default=True
            Also return the parameters of contained estimators, as
            scikit-learn's ``get_params`` does.

        Returns
        -------
        params : dict
            Parameter names mapped to their values.
        """
        params = super().get_params(deep=deep)
        params.update(self._builder_defaults())
        params.update(self.__dict__.get("_extra_params", {}))
        return params

    def set_params(self, **params):
        """Set estimator, builder and routed (``prefix__name``) parameters.

        Like every parameter, builder and routed ones are checked in ``fit``,
        where an unknown name raises a ``ValueError`` that suggests the fix.
        The ready-made networks (the MLP presets, wide-and-deep estimators and
        ``AutoencoderTransformer``), which take no builder, refuse a name that
        is neither theirs nor routed here, as scikit-learn's estimators do.
        A builder argument given its builder's default, as ``get_params``
        lists it, stays unset: ``set_params(**get_params())`` changes nothing,
        and another builder set later brings its own defaults.

        Parameters
        ----------
        **params : dict
            Parameter names (``optimizer__learning_rate``, ``n_hidden``, ...)
            mapped to their new values.

        Returns
        -------
        self : object
            The estimator.
        """
        own = set(self._get_param_names())
        self._refuse_unknown_names(params, ValueError)
        for name in own.intersection(params):  # model first: its defaults count
            setattr(self, name, params[name])
        defaults = None
        for name, value in params.items():
            if name in own:
                continue
            if name not in self._extra_params:
                if defaults is None:
                    defaults = self._builder_defaults()
                if name in defaults and _is_default(value, defaults[name]):
                    continue
            self._extra_params[name] = value
        return self

    def _accepts_extra(self, name):
        prefix = routing_prefix(name)
        if prefix is not None:
            valid = self._routed_names(prefix)
            return valid is None or name[len(prefix) + 2 :] in valid
        names, any_keyword = builder_argument_names(self._builder())
        return any_keyword or name in names

    def _routed_names(self, prefix):
        """The names ``<prefix>__<name>`` can take, or None where any name passes
        here (the optimizer, loss, metrics and callbacks check theirs when they
        are made)."""
        if prefix not in self._routing_prefixes:
            return set()
        if prefix == "model":
            names, any_keyword = builder_argument_names(self._builder())
            return None if any_keyword else names
        if prefix == "predict":
            return {"batch_size"}
        if prefix in self._routed_by_estimator:
            return _keras.method_arguments(prefix) - set(self._routed_by_estimator[prefix])
        return None

    def __getattr__(self, name):
        # builder and routed parameters read like attributes: ``est.n_hidden``
        if not name.startswith("_"):
            extra = self.__dict__.get("_extra_params")
            if extra is not None:
                if name in extra:
                    return extra[name]
                defaults = self._builder_defaults()
                if name in defaults:
                    return defaults[name]
        if hasattr(type(self), name):
            # an attribute of the class that declined (a property of a fitted
            # estimator, available_if): its own error says why
            return object.__getattribute__(self, name)
        message = f"{type(self).__name__!r} object has no attribute {name!r}"
        hint = _KERAS_HINTS.get(name)
        if hint is None and name in _MODEL_ATTRIBUTES:
            hint = f"the trained keras.Model is model_: model_.{name}"
        raise AttributeError(f"{message}; {hint}" if hint else message)

    def _check_extra_params(self):
        unknown = [n for n in self._extra_params if not self._accepts_extra(n)]
        if not unknown:
            return
        owner = type(self).__name__
        # fit__callbacks, compile__metrics, ...: set through the estimator instead
        instead = {}
        for name in unknown:
            prefix, _, rest = name.partition("__")
            if rest in self._routed_by_estimator.get(prefix, {}):
                instead[name] = self._routed_by_estimator[prefix][rest]
        others = [n for n in unknown if n not in instead]
        messages, valid = [f"{owner}:"], set(self.get_params()) - set(unknown)
        for prefix in sorted({routing_prefix(n) for n in others} & set(self._routing_prefixes)):
            names = sorted(self._routed_names(prefix) or ())
            valid |= {f"{prefix}__{n}" for n in names}
            messages.append(f"{prefix}__ takes: {', '.join(names) or 'nothing here'}.")
        if others:
            messages[0] = unknown_parameters_message(
                owner,
                others,
                valid,
                builder="model" in self._get_param_names(),
                prefixes=self._routing_prefixes,
            )
        messages += [f"{n} is passed by {owner} itself: {use}." for n, use in instead.items()]
        raise ValueError(" ".join(messages))

    def __sklearn_clone__(self):
        # the parameters that were set: builder arguments left at their defaults
        # stay unset, so that the clone follows its builder's defaults (another
        # builder set later included), as the original does
        _keras.mend_function_configs()  # Keras copies its objects by their configuration
        own = {n: _clone_param(v) for n, v in super().get_params(deep=False).items()}
        extra = {n: _clone_param(v) for n, v in self.__dict__.get("_extra_params", {}).items()}
        # builder and routed parameters are set after __init__: the presets'
        # __init__, like scikit-learn's MLPs', takes no builder arguments (and
        # not through set_params, which would leave those set to a default unset)
        estimator = type(self)(**own)
        estimator.__dict__.setdefault("_extra_params", {}).update(extra)
        # what scikit-learn's clone carries over besides the parameters:
        # set_output's container and the metadata requests (set_fit_request, ...)
        # (not the estimator a request names as its owner, which a deep copy
        # would pickle with its fitted network, as scikit-learn's clone avoids)
        for name in ("_sklearn_output_config", "_metadata_request"):
            if name in self.__dict__:
                setattr(estimator, name, copy.deepcopy(self.__dict__[name], {id(self): self}))
        return estimator

    def __sklearn_is_fitted__(self):
        return "model_" in self.__dict__

    # ----------------------------------------------------------------- pickle
    # the fitted network, and a network given as the model parameter: saved as
    # Keras saves them, with what skdl needs to find their functions and lambdas
    _saved_networks = ("model", "model_")

    def __getstate__(self):
        _keras.mend_function_configs()  # Keras pickles its objects by their configuration
        # (object's state is the __dict__ itself) without what the network was
        # made from: objects compared by identity, which a pickle does not keep;
        # for those changed since then, the values they had where equality
        # describes them (numbers, strings), their names otherwise
        state = {k: v for k, v in super().__getstate__().items() if k != "_built_with"}
        if "_built_with" in self.__dict__:
            built = self._built_with
            changed = self._changed_settings()
            plain = {n: built[n] for n in changed if n in built and is_plain(built[n])}
            state["_changed_since_built"] = {
                "values": plain,
                "names": [n for n in changed if n not in plain],
            }
        # a loss, metric or optimizer of the user's class: pickled by reference
        saved = {
            name: picklable_parameter(state[name], name)
            for name in self._get_param_names()
            if name in state and name not in self._saved_networks
        }
        if "_extra_params" in state:
            saved["_extra_params"] = {
                name: picklable_parameter(value, name)
                for name, value in state["_extra_params"].items()
            }
        for name in self._saved_networks:
            if _keras.is_keras_model(state.get(name)):
                with warnings.catch_warnings():
                    # a model parameter without keras.Input, built at each fit
                    warnings.filterwarnings("ignore", "You are saving a model that has not yet")
                    saved[name] = SerializedModel.from_model(state[name])
        return {**state, **saved}

    def __setstate__(self, state):
        _keras.mend_function_configs()
        params = {*self._get_param_names(), "_extra_params"}
        state = {n: unwrapped_parameter(v) if n in params else v for n, v in state.items()}
        changed = state.pop("_changed_since_built", None)
        super().__setstate__(state)
        for name in self._saved_networks:
            if isinstance(state.get(name), SerializedModel):
                # the parameters as get_params lists them: builder defaults included
                functions = parameter_functions(self.get_params(deep=False))
                with warnings.catch_warnings():
                    if name == "model":
                        # a compiled network that never trained holds no optimizer
                        # state, which Keras warns of on loading: fit compiles a
                        # fresh optimizer for a clone of the model parameter
                        warnings.filterwarnings("ignore", "Skipping variable loading")
                    setattr(self, name, state[name].load(functions))
        if isinstance(state.get("model_"), SerializedModel) and _keras.backend_name() == "torch":
            # saved by TensorFlow or JAX with several batches per step, which
            # Keras' PyTorch trainer refuses (for prediction too)
            set_steps_per_execution(self.model_, 1)
            self.__dict__["_steps_per_execution"] = 1
        if changed is not None:
            # the settings as loaded, with the values those changed before
            # pickling had, or marked changed (a list of names: an earlier skdl)
            if isinstance(changed, list):
                values, names = {}, changed
            else:
                values, names = changed["values"], changed["names"]
            built = {**self._network_settings(), **values, **dict.fromkeys(names, _CHANGED)}
            self.__dict__["_built_with"] = built

    # -------------------------------------------------------------------- fit
    def fit(self, X, y, sample_weight=None, **kwargs):
        """Fit the Keras model to ``X`` and ``y``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data; converted to float32. ``KerasClassifier`` and
            ``KerasRegressor`` also take more dimensions (images, sequences)
            for a network whose input takes them. A sparse matrix stays
            sparse and reaches the network a batch at a time: on TensorFlow,
            a network of sparse input multiplies it as sparse tensors (the
            default networks of ``KerasClassifier``, ``KerasRegressor`` and
            ``KerasTransformer``, the MLP presets', and a builder's whose
            input is ``keras.Input(..., sparse=meta["sparse_input_"])``);
            any other network gets each batch made dense.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights, none negative, rescaled to average 1 over the
            data (with ``validation_split``, over the rows it trains on and
            over those it holds out). Keras divides each batch's weighted sum
            of losses by the batch's size; the MLP presets by its sum of
            weights, as scikit-learn's MLPs.
        **kwargs
            Keras ``fit`` arguments for this call only: ``epochs``,
            ``batch_size``, ``validation_data``, ``callbacks`` (added to the
            estimator's), ``verbose``, ... They override the estimator's
            parameters without changing them.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight, kwargs, warm=self.warm_start)

    def partial_fit(self, X, y, sample_weight=None):
        """Train for one epoch on ``(X, y)``, continuing from the current weights.

        The first call builds the model; later calls keep training it, whatever
        ``warm_start`` says. Useful for data that arrive in batches.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data of this call; converted to float32.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets of this call, in the form of the first call's.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights, none negative, rescaled to average 1.

        Returns
        -------
        self : object
            The estimator, trained one more epoch.
        """
        return self._partial_fit(X, y, sample_weight)

    def _partial_fit(self, X, y, sample_weight, classes=None):
        """One more epoch on ``(X, y)``: what every ``partial_fit`` runs."""
        return self._fit(
            X, y, sample_weight, {"epochs": 1}, warm=True, classes=classes, incremental=True
        )

    def _fit(self, X, y, sample_weight, call_kwargs, *, warm, classes=None, incremental=False):
        """``warm``: train the fitted network on (a warm start, or ``partial_fit``);
        ``incremental``: a ``partial_fit`` call."""
        self._validate_params()
        self._check_extra_params()
        # partial_fit's one epoch is skdl's, not the user's: no override to warn of
        fit_kwargs = self._fit_kwargs(call_kwargs, warn=not incremental)
        warm = warm and self.__sklearn_is_fitted__()
        if warm:
            self._warn_of_waiting_changes(incremental)
        state = dict(self.__dict__)
        trained = _keras.training_state(self.model_) if warm else None
        try:
            self._fit_keras(X, y, sample_weight, fit_kwargs, warm, classes, incremental)
        except BaseException:
            # never leave a half-updated estimator behind: a warm fit that
            # diverged would leave NaN in the optimizer and fail every later one
            self.__dict__.clear()
            self.__dict__.update(state)
            if trained is not None:
                _keras.restore_training_state(self.model_, trained)
            raise
        if not warm:
            self._built_with = self._network_settings()
        return self

    # the parameters that make the network and its compile settings (besides
    # builder and routed ones): a warm fit and partial_fit go on with both
    _network_params = ("model", "loss", "optimizer", "metrics")

    def _network_settings(self):
        """The values of the parameters that the fitted network was made from."""
        own = {name: getattr(self, name) for name in self._network_params}
        routed = {
            name: value
            for name, value in self._extra_params.items()
            if routing_prefix(name) in (None, "model") or _compile_setting(name)
        }
        return {**own, **routed}

    def _changed_settings(self):
        """The names of the parameters changed since the network was made."""
        built, now = self._built_with, self._network_settings()
        return sorted(
            name
            for name in built.keys() | now.keys()
            if name not in built or name not in now or not _same_setting(now[name], built[name])
        )

    def _warn_of_waiting_changes(self, incremental):
        """Name the parameters changed since the network was made (set_params
        between a fit and a warm one): they were silently left unused."""
        if "_built_with" not in self.__dict__:  # a pickle of an older skdl
            return
        changed = self._changed_settings()
        if changed:
            how = "partial_fit goes" if incremental else "a warm start goes"
            warnings.warn(
                f"{type(self).__name__}: {', '.join(changed)} changed since the network "
                f"was made, but {how} on training that network as it was compiled: the "
                "change takes effect at a fit with warm_start=False.",
                UserWarning,
            )

    def _fit_keras(self, X, y, sample_weight, fit_kwargs, warm, classes=None, incremental=False):
        if not warm:
            self._fitted_float32 = is_float32(X)
        given = X
        X, y = self._validate_inputs(X, y, reset=not warm)
        if warm:
            self._check_warm_targets(y)
        else:
            self._fit_targets(y, classes)
        sample_weight = self._row_weights(
            X, y, sample_weight, fit_kwargs, incremental=incremental or warm
        )
        with _keras.seeded(self._seed()):
            if not warm:
                self.model_ = self._build_model(X, y)
                self._integer_input = _keras.integer_inputs(self.model_)
                self._refuse_rounded_ids(given, X)
                # batches per call chosen at build (skdl's default, the builder's or
                # compile__steps_per_execution); each fit may run fewer
                self._steps_per_execution = self.model_.steps_per_execution
            X, y, sample_weight, fit_kwargs = self._prepare_training(
                X, y, sample_weight, fit_kwargs
            )
            y_keras = self._keras_targets(self._encode_targets(y))
            if "validation_data" in fit_kwargs:
                fit_kwargs["validation_data"] = self._validation_data(
                    fit_kwargs["validation_data"]
                )
            limit = given_step_limit(fit_kwargs)  # the caller's, before epoch_steps
            epoch_steps(fit_kwargs, _num_samples(X))
            X_keras = _keras.split_inputs(self.model_, X)
            batch = _keras.keras().tree.map_structure(
                lambda a: None if a is None else _sparse.dense(a[:1]),
                (X_keras, y_keras, sample_weight),
            )
            data = self._fit_data(X_keras, y_keras, sample_weight, fit_kwargs, warm, limit)
            shared = not may_change_the_network(fit_kwargs["callbacks"])
            with _pool.training_model(self.model_, batch, shared) as trainer:
                history = trainer.fit(**data, **fit_kwargs)
            for callback in fit_kwargs["callbacks"]:
                # they trained a shared compiled copy (where they could); afterwards
                # they belong to model_
                callback.set_model(self.model_)
        if not warm:
            _pool.network_built()
        self._check_finite(history.history)
        self._record_history(_per_epoch(history, fit_kwargs.get("validation_freq", 1)), warm)

    def _prepare_training(self, X, y, sample_weight, fit_kwargs):
        """Last step before ``keras.Model.fit``: subclasses may hold out data,
        resolve settings that depend on the data or add callbacks."""
        return X, y, sample_weight, fit_kwargs

    def _fit_data(self, x, y, sample_weight, fit_kwargs, warm, limit=None):
        """The data arguments of ``keras.Model.fit``: on TensorFlow, one pipeline
        for all epochs (adjusting ``fit_kwargs`` to it); compiles the network with
        the batches per call that this fit runs, a divisor of ``limit``
        (:func:`~skdl._compile.given_step_limit`) if given. ``warm``: the fit
        continues training the fitted network."""
        wanted = steps_for_callbacks(
            self._steps_per_execution,
            fit_kwargs["callbacks"],
            route(self.get_params(), "compile"),
        )
        data, steps = _data.training_data(
            {"x": x, "y": y, "sample_weight": sample_weight},
            fit_kwargs,
            wanted,
            functools.partial(self._epoch_orders, warm=warm),
            sparse=_sparse.takes_sparse(self.model_),
        )
        if limit is not None:  # and of the epoch Keras runs, which calls may not pass
            epoch = fit_kwargs.get("steps_per_epoch")
            limit = math.gcd(limit, epoch) if epoch else limit
            steps = _data.aligned_steps_per_execution(steps, limit, required=True)
        set_steps_per_execution(self.model_, steps)
        return _sparse.training_data(data, fit_kwargs)

    def _epoch_orders(self, n_rows, shuffle, warm):
        """Orders of the rows in the epochs of a fit (keyword arguments of
        :func:`skdl._data.epoch_batches`): Keras' own, so that a fit is the same
        as ``keras.Model.fit`` on the arrays."""
        return _data.keras_orders(n_rows, shuffle)

    def _check_warm_targets(self, y):
        """A warm fit or ``partial_fit`` trains the fitted network on: ``y`` must
        have the columns it was built for."""
        mismatch = self._targets_mismatch(y)
        if mismatch:
            raise ValueError(
                f"{mismatch}: a warm start or partial_fit goes on training that "
                "network. Fit it anew (warm_start=False) for other targets."
            )

    def _targets_mismatch(self, y):
        """How ``y`` differs from the targets the network was built for, or None."""
        n_outputs = 1 if y.ndim == 1 else y.shape[1]
        if n_outputs != self.n_outputs_:
            return (
                f"y has {n_outputs} column(s), but {type(self).__name__} was fitted on "
                f"{self.n_outputs_}"
            )
        return None

    def _validate_inputs(self, X, y, reset):
        self._refuse_column_blocks(X, y)
        shape = _shape(y)
        if len(shape) > 2:
            network = (
                ", and the network's output with it (keras.layers.Flatten() after a "
                "recurrent layer that returns sequences)"
                if getattr(self, "model", None) is not None
                else ""
            )
            raise ValueError(
                f"y has {len(shape)} dimensions (shape {shape}): "
                f"{type(self).__name__} trains on one row of targets per sample. Flatten "
                f"it, y.reshape(len(y), -1){network}."
            )
        if not reset:
            self._check_images_first(X)
        given = X
        with self._text_explained(X):
            X, y = validate_data(
                self,
                X,
                y,
                reset=reset,
                accept_sparse="csr",
                dtype=np.float32,
                multi_output=True,
                y_numeric=self._y_numeric,
                allow_nd=self._allow_nd,
            )
        self._check_sample_shape(X, reset)
        if not reset:
            self._refuse_rounded_ids(given, X)
        # a sparse X stays sparse, as CSR (its rows slice cheaply): the network
        # takes it a batch at a time (see skdl._sparse). Made CSR before the
        # check of its values, which cannot look into LIL or DOK. A sparse y
        # (multilabel indicator matrix) is made dense: Keras trains on dense targets
        return X, _sparse.dense(y)

    def _validate_X(self, X, *, reset=False, dtype=np.float32):
        """``X`` alone (to predict or transform), checked."""
        if not reset and dtype is np.float32:
            checked = self._plain_float32(X)
            if checked is not None:
                return self._refuse_rounded_ids(X, checked)
        self._refuse_column_blocks(X)
        if not reset:
            self._check_images_first(X)
        with self._text_explained(X):
            checked = validate_data(
                self, X, reset=reset, accept_sparse="csr", dtype=dtype, allow_nd=self._allow_nd
            )
        self._check_sample_shape(checked, reset)
        return checked if reset else self._refuse_rounded_ids(X, checked)  # as in _validate_inputs

    def _refuse_column_blocks(self, X, y=None):
        """X as a tuple, list or dict of column blocks, ``(X_wide, X_deep)``, and
        y as a list of targets, one per output, as Keras' ``fit`` takes them for
        a model of several inputs or outputs, are refused with the fix
        (scikit-learn's own errors said nothing of them). A tuple or list X is
        told from a list of 2-D samples (images) by its rows: each block has a
        row per target, or, to predict, blocks of other widths or one per input
        of the network."""
        name = type(self).__name__
        streamed = _streamed_data(X)
        if streamed:
            raise TypeError(
                f"X is {streamed}, batches as Keras takes them; {name} takes X (and y) "
                "as arrays, sparse matrices or DataFrames, which scikit-learn splits by "
                "rows, and makes the batches itself (batch_size, shuffle). Gather the "
                "batches first, e.g. from a tf.data.Dataset of (x, y) batches: X, y = "
                "map(np.concatenate, zip(*dataset.as_numpy_iterator())); of x batches: "
                "X = np.concatenate(list(dataset.as_numpy_iterator()))."
            )
        one_table = (
            f"{name} takes X as one table, which scikit-learn splits by rows. Stack the "
            "blocks, e.g. np.hstack([X_wide, X_deep]): a model of several inputs "
            "receives consecutive column blocks of X, in the order of its inputs."
        )
        if isinstance(X, dict) and not sp.issparse(X):  # SciPy's dok_matrix is a dict
            raise ValueError(
                f"X is a dict of {len(X)} arrays ({', '.join(map(repr, X))}), as Keras' fit "
                f"takes them for a model of named inputs; {one_table}"
            )
        if y is not None and _targets_per_output(y, _rows_of(X)):
            raise ValueError(
                f"y is a {type(y).__name__} of {len(y)} target arrays, as Keras' fit takes "
                f"them for a model of several outputs; {name} trains every output on the "
                "same y: pass the main output's targets once, fit(X, y)."
            )
        if not isinstance(X, (tuple, list)) or len(X) < 2:
            return
        shapes = [getattr(block, "shape", ()) for block in X]
        if any(len(shape) != 2 for shape in shapes) or len({s[0] for s in shapes}) > 1:
            return
        if y is not None:
            blocks = _num_samples(y) == shapes[0][0] != len(X)
        else:
            inputs = getattr(self.__dict__.get("model_"), "inputs", None) or []
            blocks = len({s[1] for s in shapes}) > 1 or len(X) == len(inputs)
        if blocks:
            raise ValueError(
                f"X is a {type(X).__name__} of {len(X)} column blocks, as Keras' fit "
                f"takes them for a model of several inputs; {one_table}"
            )

    def _refuse_rounded_ids(self, given, X):
        """``X``, checked as float32, after a look at the ``X`` given, for a
        network with an integer input: float32 holds integers exactly up to
        2**24 only, and larger IDs would reach its lookup or embedding rounded
        to others."""
        if not self.__dict__.get("_integer_input"):
            return X
        try:
            if sp.issparse(given):  # its values, duplicates summed as the network gets them
                exact = sp.csr_matrix(given, dtype=np.float64, copy=True)
                exact.sum_duplicates()
            else:
                exact = np.asarray(given, dtype=np.float64)
        except (TypeError, ValueError):
            return X
        # the columns of the integer inputs: others may hold large floats
        values = [
            block.data if sp.issparse(block) else np.ravel(block)
            for block in _keras.integer_blocks(self.model_, exact)
        ]
        beyond = np.concatenate([v[np.abs(v) > 2**24] for v in values] or [np.empty(0)])
        rounded = beyond != beyond.astype(np.float32)
        if rounded.any():
            example = beyond[rounded][0]
            raise ValueError(
                f"X holds integers beyond 2**24 = {2**24}, such as {example:.0f}, for a "
                f"network with an integer input: {type(self).__name__} gives Keras X as "
                "float32, which would round them to other integers. Map them to smaller "
                "codes first, e.g. with OrdinalEncoder in a Pipeline."
            )
        return X

    @contextlib.contextmanager
    def _text_explained(self, X):
        """Where scikit-learn's check of ``X`` fails on text ("could not convert
        string to float"), say which columns hold it and how to encode them."""
        try:
            yield
        except ValueError as exc:
            if "could not convert string to float" not in str(exc):
                raise
            columns = _text_columns(X)
            if columns is None:
                raise  # not X's: y's
            where, it = "X holds text", "it"
            if len(columns) == 1:
                where = f"X's column {columns[0]!r} holds text"
            elif columns:
                shown = ", ".join(map(repr, columns[:5])) + (", ..." if len(columns) > 5 else "")
                where, it = f"X's columns {shown} hold text", "them"
            example = re.sub(r"^np\.(?:str|bytes)_\((.*)\)$", r"\1", str(exc).split(": ", 1)[-1])
            raise ValueError(
                f"{where} ({example}), and {type(self).__name__} trains on numbers: encode "
                f"{it} in a Pipeline first, e.g. with OneHotEncoder (in a ColumnTransformer) "
                f"for categories or TfidfVectorizer for documents, or drop {it}."
            ) from exc

    def _plain_float32(self, X):
        """``X`` as float32 where it is a plain float array that every check of
        ``validate_data`` would pass, else None: a prediction of a few rows then
        skips the checks' own cost (a good part of a one-row prediction).
        Anything else (a DataFrame, a list, another dtype, the wrong width, a
        NaN, no rows) goes through ``validate_data``, which raises or warns as
        it does for scikit-learn's estimators."""
        if not (
            type(X) is np.ndarray
            and X.ndim == 2
            and X.dtype in _FLOATS
            and 0 < X.shape[0]
            and X.shape[1] == self.__dict__.get("n_features_in_")
            and X.shape[1:] == self.__dict__.get("_sample_shape")
            # fitted on a DataFrame: an array warns that it has no feature names
            and "feature_names_in_" not in self.__dict__
        ):
            return None
        # checked once float32, as validate_data checks it: a float64 beyond
        # float32's range becomes infinite. A NaN or an infinity makes the sum
        # NaN or infinite; so does an overflow of finite values, which
        # validate_data then accepts (as its own check of the sum does, first)
        with np.errstate(over="ignore"):
            X = X.astype(np.float32, copy=False)
            return X if np.isfinite(X.sum()) else None

    def _check_sample_shape(self, X, reset):
        """The whole shape of a sample, where scikit-learn checks ``X.shape[1]``:
        images of another size, or a table for a network fitted on images, would
        reach a compiled function that no longer checks them."""
        if reset:
            self._sample_shape = X.shape[1:]
            return
        self._refuse_sample_shape(X.shape[1:])

    def _refuse_sample_shape(self, shape):
        fitted = self.__dict__.get("_sample_shape", shape)
        if tuple(shape) != fitted:
            raise ValueError(
                f"X has samples of shape {tuple(shape)}, but {type(self).__name__} was "
                f"fitted on samples of shape {fitted}."
            )

    def _check_images_first(self, X):
        """For a network fitted on samples of several axes (images), the whole
        shape before scikit-learn's count of features, ``X.shape[1]``: a
        flattened X was said to have 64 features where 8 (an image's height)
        were expected."""
        if len(self.__dict__.get("_sample_shape", ())) > 1:
            self._refuse_sample_shape(np.shape(X)[1:])

    _y_numeric = False
    # X of more than 2 dimensions (images for a CNN): for a network of the user's
    _allow_nd = False

    def _validate_params(self):
        # skipped under set_config(skip_parameter_validation=True), as
        # scikit-learn's estimators skip it
        if not get_config()["skip_parameter_validation"]:
            super()._validate_params()
            self._validate_routed_values()

    def _validate_routed_values(self):
        """Values of the routed parameters whose Keras arguments have a range
        (``fit__epochs``, ``optimizer__learning_rate``, ...), checked in the
        message of scikit-learn's own parameter checks."""
        constraints, values = {}, {}
        for name, value in self.__dict__.get("_extra_params", {}).items():
            prefix = routing_prefix(name)
            rule = _KERAS_CONSTRAINTS.get(prefix, {}).get(name[len(prefix or "") + 2 :])
            if rule is not None:
                constraints[name], values[name] = rule, plain(value)
            if name == "optimizer__learning_rate" and isinstance(value, type):
                # callable, as a schedule is: Keras failed inside training
                raise ValueError(
                    f"optimizer__learning_rate={value.__name__} is a class: pass a number "
                    f"or a schedule instance, e.g. {value.__name__}(initial_learning_rate="
                    "1e-3, ...)."
                )
        validate_parameter_constraints(constraints, values, caller_name=type(self).__name__)

    def _seed(self):
        if self.random_state is None:
            return None
        if isinstance(self.random_state, numbers.Integral):
            return int(self.random_state)
        return int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))

    def _fit_kwargs(self, call_kwargs, warn=True):
        """Arguments of ``keras.Model.fit`` for this call, checked; ``warn``: of
        the estimator parameters that they override."""
        unknown = sorted(set(call_kwargs) - FIT_CALL_ARGS)
        if unknown:
            raise TypeError(
                f"{type(self).__name__}.fit() got unexpected keyword argument(s) "
                f"{', '.join(unknown)}; it accepts sample_weight and the Keras fit "
                f"arguments {', '.join(sorted(FIT_CALL_ARGS))}."
            )
        if not get_config()["skip_parameter_validation"]:
            own = {k: v for k, v in self._parameter_constraints.items() if k in FIT_CALL_ARGS}
            validate_parameter_constraints(
                {**_KERAS_CONSTRAINTS["fit"], **own},
                call_kwargs,
                caller_name=f"{type(self).__name__}.fit",
            )
        if warn:
            self._warn_overridden_parameters(call_kwargs)
        routed = self.get_params()
        kwargs = {
            "batch_size": self.batch_size,
            "epochs": self.epochs,
            "validation_split": self.validation_split,
            "shuffle": self.shuffle,
            "verbose": self.verbose,
            "class_weight": None,
        }
        kwargs.update(route(routed, "fit"))
        kwargs.update({k: v for k, v in call_kwargs.items() if k != "callbacks"})
        initial = kwargs.get("initial_epoch") or 0
        if initial >= kwargs["epochs"]:
            # Keras' fit would train nothing, and say nothing
            raise ValueError(
                f"initial_epoch={initial} leaves no epoch to train: Keras' fit runs "
                f"the epochs from initial_epoch up to epochs={kwargs['epochs']}, so "
                "initial_epoch must be below epochs. It numbers the first epoch, for "
                "the logs and the callbacks: raise epochs by as much, or leave "
                "initial_epoch unset (partial_fit runs one epoch)."
            )
        callbacks = make_callbacks(self.callbacks, route(routed, "callbacks"))
        callbacks += fit_callbacks(call_kwargs.get("callbacks"))
        callbacks.append(stop_on_nan())
        kwargs["callbacks"] = callbacks
        return kwargs

    def _warn_overridden_parameters(self, call_kwargs):
        """A fit argument overrides, for this call, the estimator parameter of
        the same name: said where that parameter was set to another value, as
        a search over ``epochs`` does (every candidate would train alike)."""
        defaults = inspect.signature(type(self)).parameters
        for name, value in call_kwargs.items():
            param = self._FIT_ARGUMENT_PARAMETERS.get(name, name)
            if param not in defaults or name in ("callbacks", "verbose"):
                continue
            own = getattr(self, param)
            if not _equal(own, defaults[param].default) and not _equal(own, value):
                warnings.warn(
                    f"{type(self).__name__}: fit({name}={value!r}) overrides {param}={own!r} "
                    f"set on the estimator, for this call only (clones and searches "
                    f"do not see it). Set it on the estimator instead: "
                    f"set_params({param}={value!r}).",
                    UserWarning,
                )

    def _validation_data(self, data):
        if not isinstance(data, (tuple, list)) or len(data) not in (2, 3):
            raise ValueError(
                "validation_data must be a tuple (X_val, y_val) or (X_val, y_val, "
                f"sample_weight_val); got {type(data).__name__}."
            )
        try:
            X_val, y_val = self._validate_inputs(data[0], data[1], reset=False)
            mismatch = self._targets_mismatch(y_val)
            if mismatch:
                raise ValueError(f"{mismatch}; give y_val in the form of fit's y")
            y_keras = self._keras_targets(self._encode_targets(y_val))
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"validation_data: {exc}{self._validation_X_hint(data[0])}") from exc
        out = (_keras.split_inputs(self.model_, X_val), y_keras)
        if len(data) == 3 and data[2] is not None:
            try:
                out += (self._checked_weights(data[2], X_val),)  # as the training ones
            except ValueError as exc:
                raise ValueError(f"validation_data's sample weights: {exc}") from exc
        return out

    def _validation_X_hint(self, X_val):
        """Where ``X_val`` itself is refused: the usual cause, a Pipeline."""
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self._validate_X(X_val)
        except (TypeError, ValueError):
            return (
                " In a Pipeline, validation_data reaches the last step as given, not "
                "transformed by the steps before it: pass "
                "(pipeline[:-1].transform(X_val), y_val)."
            )
        return ""

    def _row_weights(self, X, y, sample_weight, fit_kwargs, *, incremental=False):
        """The weights of the rows given to Keras (:meth:`_sample_weight`), or None.
        With ``validation_split``, the rows that Keras holds out are weighed as
        ``validation_data`` would be: by ``sample_weight`` alone (Keras weighs
        the classes of the training rows only), rescaled over themselves (left
        as they are where they are all 0), and the training rows' weights over
        the training rows."""
        class_weight = fit_kwargs.pop("class_weight")
        split = fit_kwargs.get("validation_split")
        unweighted = sample_weight is None and class_weight is None
        if (
            not split
            or fit_kwargs.get("validation_data") is not None
            or (unweighted and getattr(self, "class_weight", None) is None)
        ):
            return self._sample_weight(X, y, sample_weight, class_weight, incremental=incremental)
        n_rows = _num_samples(X)
        n_train = _data.training_rows(n_rows, split)
        train = slice(0, n_train)
        if sample_weight is not None:
            sample_weight = self._given_weights(sample_weight, X)
        try:
            weights = self._sample_weight(
                _safe_indexing(X, train),
                _safe_indexing(y, train),
                None if sample_weight is None else sample_weight[train],
                class_weight,
                incremental=incremental,
            )
        except ValueError as exc:
            raise ValueError(f"The rows that validation_split trains on: {exc}") from exc
        if weights is None:
            weights = np.ones(n_train, np.float32)
        if sample_weight is None:
            held_out = np.ones(n_rows - n_train, np.float32)
        elif sample_weight[n_train:].sum() > 0:
            held_out = self._normalized(sample_weight[n_train:])
        else:
            held_out = sample_weight[n_train:].astype(np.float32)
        return np.concatenate([weights, held_out])

    def _sample_weight(self, X, y, sample_weight, class_weight, *, incremental=False):
        """The weights of the training rows, rescaled to average 1, or None.
        ``incremental``: the fit goes on training the fitted network (a warm
        fit or ``partial_fit``), on a batch that may hold some classes only."""
        if sample_weight is None:
            return None
        return self._checked_weights(sample_weight, X)

    def _checked_weights(self, sample_weight, X):
        """Weights for the rows of ``X``: checked (none negative), float32,
        rescaled to average 1."""
        return self._normalized(self._given_weights(sample_weight, X))

    @staticmethod
    def _given_weights(sample_weight, X):
        """Weights for the rows of ``X`` as given: checked (none negative), float64."""
        return _check_sample_weight(sample_weight, X, dtype=np.float64, ensure_non_negative=True)

    @staticmethod
    def _normalized(sample_weight):
        # in float64, over the largest: weights of 1e-39 or 1e308 are as good as
        # any others (their sum would overflow)
        largest = float(np.max(sample_weight, initial=0.0))
        if largest <= 0:
            raise ValueError("sample_weight sums to 0; give some samples a positive weight.")
        scaled = np.asarray(sample_weight, dtype=np.float64) / largest
        return (scaled * (len(scaled) / np.sum(scaled))).astype(np.float32)

    def _meta(self):
        return {key: getattr(self, key) for key in META_KEYS if hasattr(self, key)}

    def _build_model(self, X, y):
        """Build (or clone) and compile the Keras model for the training data."""
        keras = _keras.keras()
        if X.ndim > 2 and self.model is None:
            raise ValueError(
                f"X has shape {X.shape}: the default network takes 2-D X (one row of "
                f"features per sample). Give a model whose input takes {X.shape[1:]}, "
                f"e.g. a builder that starts with keras.Input({X.shape[1:]}), or "
                "flatten X to 2-D."
            )
        if _keras.is_keras_model(self.model):
            model = _keras.clone_model(self.model)
        elif isinstance(self.model, type) and self.model.__module__.startswith("keras."):
            raise TypeError(
                f"model={self.model.__name__} is Keras' own class, which holds no "
                "network: give a function that builds one, a keras.Model (e.g. "
                "keras.Sequential([keras.Input(shape), ...])), or a subclass of yours "
                "that defines call()."
            )
        elif isinstance(self.model, keras.layers.Layer):  # callable, but no builder
            name = type(self.model).__name__
            raise TypeError(
                f"model={name}(...) is a Keras layer, not a model: give a keras.Model "
                f"(e.g. keras.Sequential([keras.Input(shape), {name}(...)])), or a "
                "function that builds one."
            )
        else:
            explicit = {
                k: plain(v) for k, v in self._extra_params.items() if routing_prefix(k) is None
            }
            explicit.update(route(self._extra_params, "model"))
            own = {k: getattr(self, k) for k in self._get_param_names()}
            meta = {**self._meta(), "sparse_input_": _sparse.feeds_sparse(X)}
            builder = self._builder()
            names, _ = builder_argument_names(builder)
            data = {"X": X}
            if "y" in names:
                data["y"] = self._builder_targets(y)
            model = call_builder(builder, explicit, own, meta, type(self).__name__, data)
            if not isinstance(model, keras.Model):
                raise TypeError(
                    f"The model builder must return a keras.Model; it returned "
                    f"{type(model).__name__}. End the builder with `return model`."
                )
        _check_input_shape(model, X)
        shapes, names = _keras.output_shapes(model, _sparse.dense(X[:1]))
        # a subclassed model declares no outputs: the call above counted them
        # (and named them, where it returns a dict)
        self._n_network_outputs, self._network_output_names = len(shapes), names
        self._check_output_shapes(shapes)
        units = [s[-1] if len(s) > 1 else 1 for s in shapes]
        self._check_output(units, model)
        if not getattr(model, "compiled", False) or model.optimizer is None:
            self._compile(model, units)
        else:
            self._warn_unused_compile_settings()
            builder_steps(model, route(self.get_params(), "compile"))
        return model

    def _check_output_shapes(self, shapes):
        """Each output gives a row per sample, as ``y`` has (1-D or 2-D): an
        output of one more axis (a CNN without ``Flatten``, an LSTM returning
        sequences) would train on broadcast targets and predict too many rows."""
        for shape in shapes:
            if len(shape) > 2:
                raise ValueError(
                    f"The model outputs samples of shape {shape[1:]}, but "
                    f"{type(self).__name__} trains on and predicts one row of targets "
                    "per sample: flatten the network before its output layer "
                    "(keras.layers.Flatten() or GlobalAveragePooling2D() after "
                    "convolutions, return_sequences=False in the last recurrent layer)."
                )

    def _changed_from_defaults(self, names):
        """Those of the constructor parameters ``names`` (others are skipped)
        whose values are not their defaults."""
        defaults = {
            name: p.default for name, p in inspect.signature(type(self)).parameters.items()
        }
        return [
            name
            for name in names
            if name in defaults and not _is_default(getattr(self, name), defaults[name])
        ]

    def _warn_unused_compile_settings(self):
        """A network that its builder compiled (or a compiled instance) keeps its
        own optimizer, loss and metrics: a search over ``optimizer__learning_rate``
        would change nothing, so the settings left unused are named."""
        if _keras.is_keras_model(self.model):
            taken, any_keyword = set(), False
            how, fix = "before it was given", "Give it uncompiled"
        else:
            taken, any_keyword = builder_argument_names(self._builder())
            how = "by its builder"
            fix = "Take them as builder arguments, or return the model uncompiled"
        unused = [
            name
            for name in self._changed_from_defaults(("optimizer", "loss", "metrics"))
            if not (any_keyword or name in taken)
        ]
        unused += [name for name in sorted(self._extra_params) if _compile_setting(name)]
        if unused:
            warnings.warn(
                f"{type(self).__name__}: the model was compiled {how}, so "
                f"{', '.join(unused)} {'is' if len(unused) == 1 else 'are'} not used. "
                f"{fix} for the estimator to compile it with them.",
                UserWarning,
            )

    def _compile(self, model, units):
        params = self.get_params()
        loss, loss_options = self.loss, route(params, "loss")
        if loss is None:
            loss = self._default_loss()
            loss_options = {**self._default_loss_options(model), **loss_options}
        loss = self._loss_of_every_output(model, make_loss(loss, loss_options))
        model.compile(
            optimizer=make_optimizer(self.optimizer, route(params, "optimizer")),
            loss=loss,
            metrics=self._main_output_metrics(
                model, self._compiled_metrics(model, loss, self.metrics, route(params, "metrics"))
            ),
            **self._compile_options(model, loss, params),
        )

    def _loss_of_every_output(self, model, loss):
        """One ``loss`` for a network of several outputs that
        ``compile__loss_weights`` weigh: the loss of each output (Keras counts
        one loss against several weights as an error). Only where the outputs
        end alike, or where that is unknown (a subclassed model): a loss made
        for the main output's activation (a ``from_logits``) may not suit
        another's."""
        weights = route(self.get_params(), "compile").get("loss_weights")
        if (
            isinstance(self.loss, (list, tuple, dict))
            or not isinstance(weights, (list, tuple, dict))
            or len(weights) < 2
            or len(set(_keras.output_activations(model))) > 1
        ):
            return loss
        if isinstance(weights, dict):  # by output name: every output's
            names = self.__dict__.get("_network_output_names") or getattr(
                model, "output_names", None
            )
            return {name: loss for name in names or weights}
        return [loss] * len(weights)

    def _default_loss_options(self, model):
        """Arguments of the loss chosen for ``model`` where none is given."""
        return {}

    def _compiled_metrics(self, model, loss, metrics, routed):
        """``metrics`` (a parameter, with its ``routed`` arguments) as ``model``
        is compiled with them, for its ``loss``."""
        return made_metrics(self._metrics_for(model, loss, make_metrics(metrics, routed)))

    def _compile_options(self, model, loss, params):
        """The other arguments of ``compile``: ``compile__`` parameters, with
        ``weighted_metrics`` made as ``metrics`` are."""
        options = compile_options(route(params, "compile"))
        if options.get("weighted_metrics") is not None:
            weighted = self._compiled_metrics(model, loss, options["weighted_metrics"], {})
            options["weighted_metrics"] = self._main_output_metrics(model, weighted)
        return options

    def _main_output_metrics(self, model, metrics):
        """A flat list of ``metrics`` for a network of several outputs, as the
        main output's, whose predictions the estimator gives: Keras takes one
        list per output (it failed with "tuple arity mismatch"). Metrics given
        by output (a dict, a list of lists) are kept."""
        n_outputs = self.__dict__.get("_n_network_outputs", 1)
        if n_outputs <= 1 or not metrics or isinstance(metrics, dict):
            return metrics
        if any(isinstance(metric, (list, tuple, dict)) for metric in metrics):
            return metrics
        names = self.__dict__.get("_network_output_names")
        if names:  # the main one first, as declared (Keras sorts them)
            return {names[0]: metrics}
        return [metrics, *([] for _ in range(n_outputs - 1))]

    def _metrics_for(self, model, loss, metrics):
        """The ``metrics`` to compile ``model`` with, for its ``loss``."""
        return metrics

    def _builder_targets(self, y):
        """``y`` for a builder that names it: the targets a regressor trains on,
        of shape (n_samples, n_outputs)."""
        return self._encode_targets(y)

    def _keras_targets(self, y):
        """Same targets for every output of a multi-output (e.g. auxiliary) model."""
        n_outputs = self.__dict__.get("_n_network_outputs") or len(
            getattr(self.model_, "outputs", None) or [None]
        )
        return tuple([y] * n_outputs) if n_outputs > 1 else y

    def _check_finite(self, history):
        losses = history.get("loss") or [0.0]
        if not np.isfinite(losses[-1]):
            raise ValueError(
                f"{type(self).__name__}: training diverged, the loss became {losses[-1]} "
                f"at epoch {len(losses)} and training stopped. {self._divergence_fix()}"
            )

    def _divergence_fix(self):
        name = loss_name(_keras.main_loss(self.model_, getattr(self.model_, "loss", None)))
        if "poisson" in name and _keras.main_output_activation(self.model_) == "linear":
            return (
                f"The loss {name} takes the logarithm of the predictions, which a linear "
                "output layer makes negative: end the model with "
                "activation='exponential' (or 'softplus')."
            )
        return (
            f"Lower the learning rate (e.g. {self._lower_rate_hint()}) or scale the "
            "inputs (e.g. StandardScaler in a Pipeline)."
        )

    def _lower_rate_hint(self):
        """A tenth of the rate the optimizer trained at (1e-3 where unknown)."""
        try:
            keras = _keras.keras()
            rate = self.model_.optimizer.learning_rate
            rate = getattr(rate, "value", rate)  # the backend's own variable or tensor
            # NumPy warns of TensorFlow variables' __array__ (no copy argument)
            tensorflow = keras.backend.backend() == "tensorflow"
            rate = float(rate.numpy() if tensorflow else keras.ops.convert_to_numpy(rate))
        except (AttributeError, TypeError, ValueError):
            return "optimizer__learning_rate=1e-3"
        return f"optimizer__learning_rate={rate / 10:g}"

    def _record_history(self, history, warm):
        new = {k: [_history_value(v) for v in values] for k, values in history.items()}
        old = (warm and getattr(self, "history_", None)) or {}
        # a key that one fit did not log (validation in some fits only) gets NaN
        # for that fit's epochs, so that the lists of all fits stay aligned
        before = [np.nan] * len(old.get("loss", []))
        during = [np.nan] * len(new.get("loss", []))
        self.history_ = {k: old.get(k, before) + new.get(k, during) for k in {**old, **new}}
        self.n_iter_ = len(self.history_.get("loss", []))

    # ---------------------------------------------------------------- predict
    def _output_dtype(self, X):
        """The dtype of what is computed from ``X`` (see :func:`output_dtype`)."""
        # estimators pickled before the fitted dtype was kept: float32 X alone decided
        return output_dtype(X, self.__dict__.get("_fitted_float32", True))

    def _predict_raw(self, X):
        """The network's outputs for ``X``, in the dtype of :func:`output_dtype`."""
        check_is_fitted(self)
        dtype = self._output_dtype(X)
        X = self._validate_X(X)
        raw = _keras.predict_batched(self.model_, X, self._predict_batch_size())
        return raw.astype(dtype, copy=False)

    def _predict_batch_size(self):
        # ``predict__batch_size`` is routed, so it lives with the extra parameters
        # (read there rather than through get_params, which reads the builder's
        # signature: a one-row prediction would pay for it)
        routed = route(self.__dict__.get("_extra_params", {}), "predict")
        size = routed.get("batch_size")
        if size is None:  # unset, or None as Keras' default takes it
            return DEFAULT_PREDICT_BATCH_SIZE
        if not (isinstance(size, numbers.Integral) and size >= 1):
            # set after fit, which checks it
            validate_parameter_constraints(
                {"predict__batch_size": _KERAS_CONSTRAINTS["predict"]["batch_size"]},
                {"predict__batch_size": size},
                caller_name=type(self).__name__,
            )
        return size

    # ------------------------------------------------------------------- tags
    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        tags.input_tags.sparse = True
        # the default network takes 2-D X
        tags.input_tags.three_d_array = self._allow_nd and getattr(self, "model", None) is not None
        return tags
