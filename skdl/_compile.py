"""Fresh Keras optimizer, loss, metric and callback objects from estimator parameters.

Each fit gets new objects, so a fitted estimator never shares mutable Keras state
with its parameters (or with a clone). Routed parameters (``optimizer__*``,
``loss__*``, ``metrics__*``, ``callbacks__*``) become constructor arguments.
"""

import copy
import functools
import inspect
import math
import numbers
import re
import types

import numpy as np

from ._keras import function_arguments, keras
from ._routing import split_indexed


def _snake_to_camel(name):
    return "".join(part.capitalize() for part in name.split("_"))


def _check_kwargs(cls, kwargs, prefix, entry=None):
    """Every routed name must be an argument of the class it is routed to.

    ``entry``: ``(i, names)`` for the ``i``-th class of a list, where ``names``
    were routed to it alone (as ``<prefix>__<i>__<name>``).
    """

    def routed(name):
        if entry is not None and name in entry[1]:
            return f"{prefix}__{entry[0]}__{name}"
        return f"{prefix}__{name}"

    try:
        sig = inspect.signature(cls.__init__)
    except (TypeError, ValueError):
        return
    params = dict(sig.parameters)
    if any(p.kind is p.VAR_KEYWORD for p in params.values()) and cls.__name__ != "Loss":
        # ``**kwargs`` is forwarded to a base class; check against its signature too.
        for base in cls.__mro__[1:]:
            try:
                base_params = inspect.signature(base.__init__).parameters
            except (TypeError, ValueError):
                continue
            params = {**base_params, **params}
    names = set(params) - {"self", "kwargs", "args"}
    unknown = sorted(set(kwargs) - names)
    if unknown:
        valid = ", ".join(sorted(n for n in names if not n.startswith("_")))
        raise ValueError(
            f"{', '.join(routed(u) for u in unknown)}: not an argument of "
            f"{cls.__name__}. Its arguments are: {valid}."
        )
    if prefix == "callbacks":
        return  # some take numbers as strings (TensorBoard's profile_batch="10,20")
    for name, value in kwargs.items():
        default = params[name].default
        number = _is_number(default) or (prefix == "optimizer" and name in _NUMBERS_OR_NONE)
        if isinstance(value, str) and number:
            # read from a configuration file, say: Keras failed far inside
            # training ("unsupported operand type(s)", a graph execution error)
            raise ValueError(
                f"{routed(name)}={value!r}: {cls.__name__} takes a number for "
                f"{name} (default {default!r}), not a string."
            )


# Keras optimizers' arguments that take a number or None (their default)
_NUMBERS_OR_NONE = frozenset(
    [
        "weight_decay",
        "clipnorm",
        "clipvalue",
        "global_clipnorm",
        "ema_overwrite_frequency",
        "loss_scale_factor",
        "gradient_accumulation_steps",
    ]
)


def _is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _required_arguments(cls):
    """The names of the arguments that ``cls(...)`` needs."""
    try:
        params = inspect.signature(cls.__init__).parameters
    except (TypeError, ValueError):
        return []
    return [
        name
        for name, p in params.items()
        if name != "self"
        and p.default is p.empty
        and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    ]


def _instantiate(cls, kwargs, prefix):
    """``cls(**kwargs)``, where an argument that the class needs and that no
    routed name gives is an error naming the routed name (Python's own names
    the argument only)."""
    _check_required(cls, kwargs, prefix)
    return cls(**kwargs)


def _check_required(cls, kwargs, prefix, routed=None):
    """Every argument that ``cls`` needs is in ``kwargs``, or an error names the
    routed parameter that gives it (``<routed>__<name>``; ``routed`` defaults to
    ``prefix``, whose names apply to the classes given)."""
    required = [name for name in _required_arguments(cls) if name not in kwargs]
    if required:
        first = required[0]
        with_class = " with the class" if routed is None else ""
        raise TypeError(
            f"{prefix}: {cls.__name__} needs {', '.join(required)}: pass an instance, "
            f"{cls.__name__}({first}=...), or set {routed or prefix}__{first}=...{with_class}."
        )


# Batches per call of the compiled training step unless ``compile__steps_per_execution``
# says otherwise. TensorFlow runs them inside one graph call: one Python round trip
# per 256 batches instead of per batch. JAX collects that many batches in memory and
# loops over them in Python, where a larger number gains nothing. Keras' PyTorch
# trainer runs one batch per step and refuses any other number.
STEPS_PER_EXECUTION = {"tensorflow": 256, "torch": 1}
DEFAULT_STEPS_PER_EXECUTION = 32
# ``keras.Model.fit``'s batch size when it is given none.
KERAS_BATCH_SIZE = 32


def default_steps_per_execution():
    """skdl's ``steps_per_execution`` on the current Keras backend."""
    return STEPS_PER_EXECUTION.get(keras().backend.backend(), DEFAULT_STEPS_PER_EXECUTION)


def compile_options(routed):
    """``keras.Model.compile`` arguments from the ``compile__*`` parameters."""
    return {"steps_per_execution": default_steps_per_execution(), **routed}


def has_batch_hooks(callback):
    """True if ``callback`` acts on single batches of training (not only epochs)."""
    base = keras().callbacks.Callback
    hooks = ("on_train_batch_begin", "on_train_batch_end", "on_batch_begin", "on_batch_end")
    return any(
        h in vars(callback) or getattr(type(callback), h, None) is not getattr(base, h)
        for h in hooks
    )


def steps_for_callbacks(wish, callbacks, routed):
    """Batches per call for a fit: one batch when a callback needs every batch.

    With several batches per call Keras calls the batch hooks once per call;
    a learning-rate schedule per batch, a checkpoint every n batches or a
    progress bar then see one batch per call. ``wish`` is the number the
    network was compiled with when it was built; only skdl's own default is
    undone: an explicit ``compile__steps_per_execution`` or other value chosen
    by the builder is kept. ``TerminateOnNaN`` is fine with either.
    """
    if "steps_per_execution" in routed or wish != default_steps_per_execution():
        return wish
    return 1 if needs_every_batch(callbacks) else wish


@functools.cache
def _stop_on_nan_class():
    class StopOnNaN(keras().callbacks.TerminateOnNaN):
        """``TerminateOnNaN`` that prints nothing: the estimator's error says it."""

        def on_batch_end(self, batch, logs=None):
            loss = (logs or {}).get("loss")
            if loss is not None and not np.isfinite(loss):
                self.model.stop_training = True

    return StopOnNaN


def stop_on_nan():
    """A callback that ends training at the first NaN or infinite loss, silently
    (Keras' ``TerminateOnNaN`` prints, whatever ``verbose`` says)."""
    return _stop_on_nan_class()()


def needs_every_batch(callbacks):
    """Whether a callback acts on single batches (``TerminateOnNaN`` is fine with
    several batches per step)."""
    nan_check = keras().callbacks.TerminateOnNaN
    return any(has_batch_hooks(c) for c in callbacks if not isinstance(c, nan_check))


def set_steps_per_execution(model, steps_per_execution):
    """Compile ``model`` again if it runs another number of batches per step."""
    if getattr(model, "steps_per_execution", 1) != steps_per_execution:
        _recompile(model, steps_per_execution)


def given_step_limit(fit_kwargs):
    """The number of batches that each call of a fit must divide: the greatest
    common divisor of the caller's ``steps_per_epoch`` and ``validation_steps``
    (None without either). Keras runs whole calls: with more batches per call
    than an epoch of ``steps_per_epoch`` holds, a call trained past its end
    (``steps_per_epoch=5`` trained 20 batches an epoch), and so did
    evaluation past ``validation_steps``."""
    given = [fit_kwargs.get(name) for name in ("steps_per_epoch", "validation_steps")]
    given = [int(steps) for steps in given if steps]
    return math.gcd(*given) if given else None


def epoch_steps(fit_kwargs, n_samples):
    """Give ``keras.Model.fit`` the number of batches of one pass over the data.

    Without ``steps_per_epoch`` Keras makes a new data iterator twice per epoch
    (at the start of every epoch and again after its last batch); with it, it
    keeps the second one. The batches and their shuffles are the same, and
    each epoch saves building an iterator (10-20 ms on TensorFlow). Left alone
    when the caller sets ``steps_per_epoch`` or ``validation_split`` (Keras
    then splits the data itself).
    """
    if fit_kwargs.get("steps_per_epoch") is not None or fit_kwargs.get("validation_split"):
        return
    batch_size = fit_kwargs.get("batch_size") or KERAS_BATCH_SIZE
    fit_kwargs["steps_per_epoch"] = -(-n_samples // batch_size)


def builder_steps(model, routed):
    """Several batches per step for a network its builder compiled with Keras' default.

    A builder that calls ``model.compile(...)`` without ``steps_per_execution``
    gets Keras' one batch per step; skdl runs such a network with its own
    default like one it compiles itself (same weights, fewer Python round
    trips). ``compile__steps_per_execution`` overrides both; a builder's own
    ``steps_per_execution`` other than 1 is kept.
    """
    current = getattr(model, "steps_per_execution", 1)
    wanted = routed.get(
        "steps_per_execution", default_steps_per_execution() if current == 1 else current
    )
    if wanted != current:
        _recompile(model, wanted)


def _recompile(model, steps_per_execution):
    """Compile ``model`` again with its own settings but ``steps_per_execution``."""
    config = dict(model._compile_config.config)
    config["steps_per_execution"] = steps_per_execution
    model.compile(**config)


def python_numbers(cls, kwargs):
    """``kwargs`` for ``cls`` with NumPy scalars as Python numbers, and an int
    given for an argument whose default is a float as a float: Keras' optimizers
    refuse ``learning_rate=1``, ``momentum=0`` and ``np.float32`` values that
    scikit-learn's parameter grids and distributions hand out."""
    defaults = {}
    for klass in reversed(cls.__mro__):
        try:
            parameters = inspect.signature(klass.__init__).parameters
        except (TypeError, ValueError):
            continue
        defaults.update({name: p.default for name, p in parameters.items()})
    converted = {}
    for name, value in kwargs.items():
        if isinstance(value, np.generic) and not isinstance(value, (np.str_, np.bytes_)):
            value = value.item()
        if (
            isinstance(value, int)
            and not isinstance(value, bool)
            and isinstance(defaults.get(name), float)
        ):
            value = float(value)
        converted[name] = value
    return converted


def make_optimizer(optimizer, kwargs):
    """A new optimizer from a name, a class or an instance plus routed kwargs."""
    k = keras()
    if isinstance(optimizer, str):
        try:
            instance = k.optimizers.get(optimizer)
        except ValueError:
            raise ValueError(
                f"optimizer={optimizer!r} is not a Keras optimizer; use a name such as "
                "'adam', 'sgd' or 'rmsprop', a keras.optimizers class or an instance."
            ) from None
        cls = type(instance)
    elif isinstance(optimizer, type) and issubclass(optimizer, k.optimizers.Optimizer):
        cls, instance = optimizer, None
    elif isinstance(optimizer, k.optimizers.Optimizer):
        cls, instance = type(optimizer), optimizer
    else:
        raise TypeError(
            f"optimizer must be a name, a keras.optimizers.Optimizer class or instance; "
            f"got {optimizer!r}."
        )
    _check_kwargs(cls, kwargs, "optimizer")
    kwargs = python_numbers(cls, kwargs)
    if instance is None:
        return _instantiate(cls, kwargs, "optimizer")
    if isinstance(optimizer, str):
        return cls.from_config({**instance.get_config(), **kwargs})
    return from_config(optimizer, "optimizer", kwargs)


def make_loss(loss, kwargs):
    """A loss for ``compile``: names stay names unless routed kwargs need a class."""
    k = keras()
    if loss is None or isinstance(loss, (list, tuple, dict)):
        return loss
    if isinstance(loss, str):
        try:
            resolved = k.losses.get(loss)
        except ValueError:
            resolved = None
        if resolved is None:
            raise ValueError(
                f"loss={loss!r} is not a Keras loss; use a name such as 'mse', "
                "'binary_crossentropy' or 'sparse_categorical_crossentropy', or a "
                "keras.losses.Loss."
            )
        if not kwargs:
            return loss
        cls = getattr(k.losses, _snake_to_camel(loss), None) or getattr(k.losses, loss, None)
        if not isinstance(cls, type):
            raise ValueError(
                f"loss__ parameters need a loss class, and {loss!r} is not one; pass "
                "the class name instead, e.g. loss='MeanSquaredError'."
            )
    elif isinstance(loss, type):
        cls = loss
    elif isinstance(loss, k.losses.Loss):
        _check_kwargs(type(loss), kwargs, "loss")
        return from_config(loss, "loss", kwargs)
    else:
        if not callable(loss):
            raise TypeError(
                f"loss={loss!r} is not a loss: pass a name such as 'mse', a "
                "keras.losses.Loss (or its class), or a function loss(y_true, y_pred)."
            )
        if kwargs:
            raise ValueError(f"loss__ parameters need a loss class; got the function {loss!r}.")
        if isinstance(loss, types.FunctionType):
            _check_called_with_targets(loss, "loss", "loss")
        return loss
    _check_kwargs(cls, kwargs, "loss")
    return _instantiate(cls, kwargs, "loss")


def _fresh(obj, common, specific, prefix, base_class, index):
    """Instantiate a class with kwargs, or copy an instance (kwargs not allowed);
    ``specific`` were routed to the ``index``-th entry alone."""
    kwargs = {**common, **specific}
    if isinstance(obj, type):
        _check_kwargs(obj, kwargs, prefix, (index, specific))
        return _instantiate(obj, kwargs, prefix)
    if specific:
        raise ValueError(
            f"{prefix}__ parameters apply to classes, but {obj!r} is an instance; pass "
            f"its class, e.g. {type(obj).__name__}, or set the value on the instance."
        )
    if isinstance(obj, base_class) and hasattr(obj, "get_config") and prefix == "metrics":
        return from_config(obj, "metrics")
    return _deep_copy(obj)


_MISSING = object()


def object_scope(objects):
    """``keras.saving.custom_object_scope(objects)``, keeping the objects of a
    scope open around it (which take precedence): Keras' scope replaces them."""
    from keras.src.backend.common import global_state

    around = global_state.get_global_attribute("custom_objects_scope_dict", None) or {}
    return keras().saving.custom_object_scope({**objects, **around})


def users_classes(value):
    """``{name: class}`` of the user's classes of the Keras objects in ``value``
    (a loss, a list or dict of metrics, an optimizer, a layer) and of their
    parts (an optimizer's learning rate schedule, a layer's regularizer), and
    ``{name: function}`` of the user's functions that Keras' wrappers hold
    (``keras.metrics.MeanMetricWrapper(fn)``).

    Keras rebuilds such an object from its configuration (to copy it, or a
    model's compile settings), where it finds a class or function by name
    only where it is registered or given in a ``custom_object_scope``.
    """
    functions = {}
    classes, stack = set(), [(value, True)]
    while stack:
        item, look_inside = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend((v, look_inside) for v in item)
        elif isinstance(item, dict):
            stack.extend((v, look_inside) for v in item.values())
        elif hasattr(item, "get_config") and not isinstance(item, type):
            if not type(item).__module__.startswith("keras."):
                classes.add(type(item))
            functions.update(wrapped_function(item))
            if look_inside:
                parts = getattr(item, "__dict__", {}).values()
                stack.extend((v, False) for v in parts if hasattr(v, "get_config"))
    if not classes:
        return functions  # and Keras stays unimported where nothing needs it (a clone)
    get_name = keras().saving.get_registered_name
    return {**functions, **{get_name(cls): cls for cls in classes}}


def from_config(obj, prefix, kwargs=None):
    """A new Keras loss, metric or optimizer like the instance ``obj``, made from
    its ``get_config()`` (with ``kwargs`` on top), as Keras' saving makes it.

    A class of the user's whose ``get_config()`` leaves out a constructor
    argument would silently come back with its default: that is an error that
    names the argument and the fix. Keras' own classes are trusted, but for
    the arguments of their function, which some leave out (see
    :func:`skdl._keras.function_arguments`): those are copied over.
    """
    kwargs = kwargs or {}
    cls = type(obj)
    fix = (
        f"return every constructor argument from {cls.__name__}.get_config() (Keras "
        f"needs it to save the model too), or pass the class {cls.__name__} and its "
        f"arguments as {prefix}__ parameters"
    )
    try:
        with object_scope(users_classes(obj)):
            fresh = cls.from_config({**obj.get_config(), **kwargs})
    except TypeError as exc:
        raise TypeError(
            f"{prefix}: skdl makes each fit's {cls.__name__} from the instance's "
            f"get_config(), which failed ({exc}); {fix}."
        ) from exc
    given, made = function_arguments(obj), function_arguments(fresh)
    if given is not None and made is not None:
        # those its get_config() left out too; the ones routed as kwargs are new
        fresh._fn_kwargs = {**given, **{k: v for k, v in made.items() if k in kwargs}}
    if cls.__module__.startswith("keras."):
        return fresh
    try:
        arguments = inspect.signature(cls.__init__).parameters
    except (TypeError, ValueError):
        return fresh
    for name in arguments:
        value = vars(obj).get(name, _MISSING)
        if name in kwargs or not is_plain(value):
            continue
        copied = getattr(fresh, name, _MISSING)
        if copied is _MISSING or not is_plain(copied) or not _equal(copied, value):
            raise ValueError(
                f"{prefix}: {cls.__name__}.get_config() leaves out {name!r}: the "
                f"{cls.__name__} skdl makes for each fit from it would have "
                f"{name}={'(none)' if copied is _MISSING else repr(copied)}, not "
                f"{value!r}. {fix[0].upper()}{fix[1:]}."
            )
    return fresh


def wrapped_function(obj):
    """``{name: function}`` for the function of the user's that a Keras wrapper
    (``keras.metrics.MeanMetricWrapper(fn)``, ``keras.losses.LossFunctionWrapper``)
    holds: its configuration names the function, which Keras finds by name
    only where it is registered."""
    fn = getattr(obj, "_fn", None) or getattr(obj, "fn", None)
    if not isinstance(fn, types.FunctionType) or fn.__module__.startswith("keras."):
        return {}
    from keras.saving import get_registered_name  # Keras holds the object: imported

    return {get_registered_name(fn): fn}


def _equal(a, b):
    return a == b or (a != a and b != b)  # NaN equals NaN here


def is_plain(value):
    """A value that equality describes: numbers, strings, None and their tuples."""
    if value is None or isinstance(value, (str, bool, int, float, np.number)):
        return True
    return isinstance(value, (tuple, list)) and all(is_plain(v) for v in value)


def _deep_copy(obj):
    """A copy that shares no lists, dicts or counters with ``obj`` (a user's
    callback with state); the model a used callback points to is not copied."""
    model = getattr(obj, "_model", None)
    try:
        return copy.deepcopy(obj, {} if model is None else {id(model): model})
    except Exception:  # holds something that cannot be copied (a lock, a file)
        return copy.copy(obj)


def as_list(value):
    """``value`` as a list: None is empty, one object is a list of one."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _check_indices(indexed, entries, prefix):
    """``<prefix>__<i>__<name>`` must name an entry of the list."""
    beyond = sorted(i for i in indexed if i >= len(entries))
    if beyond:
        names = [f"{prefix}__{i}__{n}" for i in beyond for n in sorted(indexed[i])]
        where = f"indices 0 to {len(entries) - 1}" if entries else "no entries"
        raise ValueError(f"{', '.join(names)}: no such entry; the {prefix} list has {where}.")


def fresh_metrics(metrics):
    """``metrics`` (a list, or a dict of lists by output) with each Keras
    metric object made anew from its configuration: a metric's state (an AUC's
    counts) is not shared with the object given, nor between fits."""
    if isinstance(metrics, dict):
        return {name: fresh_metrics(value) for name, value in metrics.items()}
    if isinstance(metrics, (list, tuple)):
        return type(metrics)(fresh_metrics(value) for value in metrics)
    if isinstance(metrics, keras().metrics.Metric):
        return from_config(metrics, "metrics")
    return metrics


def make_metrics(metrics, routed):
    """Fresh metric objects for one fit.

    ``metrics`` is a list, a dict of lists by output name or a list of lists
    by output. Classes are made with their routed arguments (``routed``:
    ``{"name": value, "0__name": value}``), instances anew from their
    configuration, and names stay names, which Keras resolves; a name given
    routed arguments (or of a class that needs some) becomes a
    :class:`NamedMetric`, made by :func:`made_metrics` once the estimator has
    chosen how the metric reads its outputs.
    """
    common, indexed = split_indexed(routed)
    by_output = isinstance(metrics, dict) or any(
        isinstance(m, (list, tuple, dict)) for m in as_list(metrics)
    )
    if by_output and routed:
        raise ValueError(
            f"{', '.join('metrics__' + n for n in sorted(routed))}: metrics__ parameters "
            "apply to a list of metrics, and metrics is given by output: set the values "
            "on metric instances, e.g. {'main': [keras.metrics.AUC(num_thresholds=50)]}."
        )
    if common and not any(isinstance(m, type) for m in as_list(metrics)):
        # as for callbacks: they would be left unused
        raise ValueError(
            "metrics__ parameters apply to metric classes, but metrics has none; pass "
            "classes, e.g. metrics=[keras.metrics.AUC], with "
            f"{', '.join('metrics__' + n for n in sorted(common))}, or set the values "
            "on an instance: metrics=[keras.metrics.AUC(num_thresholds=50)]."
        )
    if metrics is None:
        if indexed:
            raise ValueError(f"metrics__{min(indexed)}__...: metrics is None, no list to index.")
        return None
    if isinstance(metrics, dict):
        return {name: make_metrics(value, {}) for name, value in metrics.items()}
    if by_output:
        return [make_metrics(value, {}) for value in as_list(metrics)]
    entries = as_list(metrics)
    _check_indices(indexed, entries, "metrics")
    plan = []  # (the entry, the class to make it from: None to keep it as it is)
    for i, given in enumerate(entries):
        _check_metric(given)
        cls = given if isinstance(given, type) else None
        if isinstance(given, str):
            cls = _metric_class(given)
            if cls is None and indexed.get(i):
                raise ValueError(
                    f"{', '.join(f'metrics__{i}__{n}' for n in sorted(indexed[i]))}: "
                    f"metrics[{i}] is {given!r}, which Keras resolves from the targets; "
                    "pass a class with its arguments, e.g. keras.metrics.BinaryAccuracy "
                    f"with metrics__{i}__threshold=..."
                )
            if cls is not None and not (indexed.get(i) or _required_arguments(cls)):
                cls = None  # a name stays a name
        plan.append((given, cls))
    # the names of the entries that keep their own: names and instances
    taken = {getattr(g, "name", g) for g, cls in plan if cls is None}
    k = keras()
    out = []
    for i, (given, cls) in enumerate(plan):
        # class-level kwargs apply to classes only; names and instances take none
        kwargs = {**(common if isinstance(given, type) else {}), **indexed.get(i, {})}
        if cls is None and isinstance(given, str):
            out.append(given)  # Keras resolves it
        elif cls is None:  # an instance or a function: copied
            out.append(_fresh(given, {}, kwargs, "metrics", k.metrics.Metric, i))
        else:
            kwargs = {**_metric_name(cls, given, kwargs, taken), **kwargs}
            _check_kwargs(cls, kwargs, "metrics", (i, indexed.get(i, {})))
            # a name takes the arguments of its entry only
            _check_required(cls, kwargs, "metrics", None if given is cls else f"metrics__{i}")
            made = NamedMetric(given, cls, kwargs) if isinstance(given, str) else cls(**kwargs)
            out.append(made)
    return out


class NamedMetric:
    """A metric named by a string and made by skdl (with routed arguments):
    ``cls(**kwargs)``, with the settings of :func:`skdl._targets.metrics_on_scores`
    where the outputs are scores; see :func:`made_metrics`."""

    def __init__(self, name, cls, kwargs):
        self.name, self.cls, self.kwargs = name, cls, kwargs

    def make(self, settings=None):
        # the routed arguments win over settings of skdl's
        return self.cls(**{**(settings or {}), **self.kwargs})


def made_metrics(metrics):
    """``metrics`` as Keras compiles them: each :class:`NamedMetric` made."""
    if isinstance(metrics, dict):
        return {name: made_metrics(value) for name, value in metrics.items()}
    if isinstance(metrics, (list, tuple)):
        return type(metrics)(made_metrics(value) for value in metrics)
    return metrics.make() if isinstance(metrics, NamedMetric) else metrics


def _metric_name(cls, given, kwargs, taken):
    """``{"name": name}`` for a metric made from the class ``cls`` (``given`` as
    a class or a name), unless ``kwargs`` names it or ``cls`` takes no name.

    Keras numbers the names of a class's instances in the process ("auc",
    "auc_1", ...), so the keys of ``history_`` changed from fit to fit. The name
    is the one given, or the class's own default name (snake case where it has
    none), numbered only after the names ``taken`` in this list (updated).
    """
    try:
        params = inspect.signature(cls.__init__).parameters
    except (TypeError, ValueError):
        return {}
    accepts = "name" in params or any(p.kind is p.VAR_KEYWORD for p in params.values())
    if "name" in kwargs or not accepts:
        return {}
    default = params["name"].default if "name" in params else None
    if isinstance(given, str):
        base = given
    elif isinstance(default, str):
        base = default
    else:
        # as Keras' naming does
        words = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", re.sub(r"\W+", "", cls.__name__))
        base = re.sub(r"([a-z])([A-Z])", r"\1_\2", words).lower()
    name, n = base, 0
    while name in taken:
        n += 1
        name = f"{base}_{n}"
    taken.add(name)
    return {"name": name}


# metric names that Keras' compile resolves by the kind of targets and outputs
RESOLVED_BY_TARGETS = ("accuracy", "acc", "crossentropy", "ce")


def _metric_class(name):
    """The ``keras.metrics.Metric`` class that Keras makes for the metric
    ``name``, or None (a function, or a name Keras resolves from the targets)."""
    k = keras()
    if name.lower() in RESOLVED_BY_TARGETS:
        return None
    try:
        from keras.src.metrics import ALL_OBJECTS_DICT as known
    except ImportError:  # Keras moved it: its public names
        known = vars(k.metrics)
    found = known.get(name)
    return found if isinstance(found, type) and issubclass(found, k.metrics.Metric) else None


def _check_metric(metric):
    """Refuse what Keras would not take as a metric, with the forms it takes."""
    forms = (
        "use a name such as 'accuracy', 'mae' or 'auc', a keras.metrics.Metric (or its "
        "class), or a function metric(y_true, y_pred)"
    )
    if metric is None or isinstance(metric, (list, tuple)):  # one output's list
        for entry in as_list(metric):
            _check_metric(entry)
    elif isinstance(metric, str):
        if metric.lower() in RESOLVED_BY_TARGETS:  # Keras picks the kind from the targets
            return
        try:
            keras().metrics.get(metric)
        except ValueError:
            raise ValueError(f"metrics: {metric!r} is not a Keras metric; {forms}.") from None
        except TypeError:  # a class that needs arguments, made in make_metrics
            pass
    elif not callable(metric):  # classes and instances are callable
        raise TypeError(f"metrics: {metric!r} is not a metric; {forms}.")
    elif isinstance(metric, types.FunctionType):
        _check_called_with_targets(metric, "metrics", "metric")


def _check_called_with_targets(function, param, kind):
    """A plain function given as a loss or metric takes ``(y_true, y_pred)``, as
    Keras calls it (which otherwise fails inside Keras' training step)."""
    try:
        inspect.signature(function).bind(None, None)
    except TypeError:
        name = getattr(function, "__qualname__", repr(function))
        raise TypeError(
            f"{param}: the function {name}{inspect.signature(function)} cannot be called "
            f"as Keras calls a {kind}, {kind}(y_true, y_pred): give it these two arguments."
        ) from None
    except ValueError:  # no signature to read (a builtin): Keras will tell
        pass


# Keras callbacks that read the logs and set the weights or the learning rate,
# and leave the rest of the network as it is
_CALLBACKS_KEEPING_THE_NETWORK = (
    "CSVLogger",
    "EarlyStopping",
    "History",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "OrbaxCheckpoint",
    "ProgbarLogger",
    "ReduceLROnPlateau",
    "RemoteMonitor",
    "SwapEMAWeights",
    "TensorBoard",
    "TerminateOnNaN",
)


def may_change_the_network(callbacks):
    """Whether one of ``callbacks`` may change the network it trains other than
    its weights and its optimizer's state: a callback of the user's own (which
    may freeze a layer, or evaluate it on other data) or Keras'
    ``BackupAndRestore`` (which sets the epoch the next fit starts from). A
    fit with one trains the estimator's own network, not a compiled copy
    shared with other estimators (:func:`skdl._pool.training_model`), so that
    the change stays with that network, as in Keras."""
    k = keras().callbacks
    keeping = tuple(
        getattr(k, name) for name in _CALLBACKS_KEEPING_THE_NETWORK if hasattr(k, name)
    )
    return any(
        type(cb) not in keeping and not type(cb).__module__.startswith("skdl.") for cb in callbacks
    )


def fit_callbacks(callbacks):
    """The callbacks given to one ``fit`` call: Keras callback instances, used
    as they are (as Keras' own ``fit`` uses them)."""
    entries = as_list(callbacks)
    for i, cb in enumerate(entries):
        if not isinstance(cb, keras().callbacks.Callback):
            raise TypeError(
                f"fit(callbacks=...)[{i}]={cb!r} is not a Keras callback instance: pass "
                "instances of keras.callbacks.Callback, e.g. "
                "fit(X, y, callbacks=[keras.callbacks.EarlyStopping(patience=5)])."
            )
    return entries


def make_callbacks(callbacks, routed):
    """Fresh callback objects: classes instantiated, instances deep-copied.

    Copying keeps the estimator's parameters unchanged by ``fit`` (a callback
    stores the model it trained, and its own state), which ``clone``, pickling
    and repeated fits rely on.
    """
    common, indexed = split_indexed(routed)
    k = keras()
    entries = as_list(callbacks)
    _check_indices(indexed, entries, "callbacks")
    out = []
    for i, cb in enumerate(entries):
        if not isinstance(cb, k.callbacks.Callback) and not (
            isinstance(cb, type) and issubclass(cb, k.callbacks.Callback)
        ):
            raise TypeError(
                f"callbacks[{i}]={cb!r} is not a Keras callback: pass instances or "
                "classes of keras.callbacks.Callback, e.g. "
                "callbacks=[keras.callbacks.EarlyStopping(patience=5)]."
            )
        kw_common = common if isinstance(cb, type) else {}
        specific = indexed.get(i, {})
        out.append(_fresh(cb, kw_common, specific, "callbacks", k.callbacks.Callback, i))
    if common and not any(isinstance(cb, type) for cb in entries):
        raise ValueError(
            "callbacks__ parameters apply to callback classes, but callbacks has none; "
            "pass classes, e.g. callbacks=[keras.callbacks.EarlyStopping], "
            f"with {', '.join('callbacks__' + n for n in sorted(common))}."
        )
    return out
