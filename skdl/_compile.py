"""Fresh Keras optimizer, loss, metric and callback objects from estimator parameters.

Each fit gets new objects, so a fitted estimator never shares mutable Keras state
with its parameters (or with a clone). Routed parameters (``optimizer__*``,
``loss__*``, ``metrics__*``, ``callbacks__*``) become constructor arguments.
"""

import copy
import functools
import inspect
import math
import re
import types

import numpy as np

from ._keras import function_arguments, keras
from ._routing import split_indexed


def _snake_to_camel(name):
    return "".join(part.capitalize() for part in name.split("_"))


def _check_kwargs(cls, kwargs, prefix):
    """Every routed name must be an argument of the class it is routed to."""
    try:
        sig = inspect.signature(cls.__init__)
    except (TypeError, ValueError):
        return
    params = sig.parameters
    if any(p.kind is p.VAR_KEYWORD for p in params.values()) and cls.__name__ != "Loss":
        # ``**kwargs`` is forwarded to a base class; check against its signature too.
        names = set(params)
        for base in cls.__mro__[1:]:
            try:
                names |= set(inspect.signature(base.__init__).parameters)
            except (TypeError, ValueError):
                continue
    else:
        names = set(params)
    names -= {"self", "kwargs", "args"}
    unknown = sorted(set(kwargs) - names)
    if unknown:
        valid = ", ".join(sorted(n for n in names if not n.startswith("_")))
        raise ValueError(
            f"{', '.join(prefix + '__' + u for u in unknown)}: not an argument of "
            f"{cls.__name__}. Its arguments are: {valid}."
        )


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
    required = [name for name in _required_arguments(cls) if name not in kwargs]
    if required:
        first = required[0]
        raise TypeError(
            f"{prefix}: {cls.__name__} needs {', '.join(required)}: pass an instance, "
            f"{cls.__name__}({first}=...), or set {prefix}__{first}=... with the class."
        )
    return cls(**kwargs)


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


def _fresh(obj, common, specific, prefix, base_class):
    """Instantiate a class with kwargs, or copy an instance (kwargs not allowed)."""
    kwargs = {**common, **specific}
    if isinstance(obj, type):
        _check_kwargs(obj, kwargs, prefix)
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
    parts (an optimizer's learning rate schedule, a layer's regularizer).

    Keras rebuilds such an object from its configuration (to copy it, or a
    model's compile settings), where it finds a class by name only where the
    class is registered or given in a ``custom_object_scope``.
    """
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
            if look_inside:
                parts = getattr(item, "__dict__", {}).values()
                stack.extend((v, False) for v in parts if hasattr(v, "get_config"))
    if not classes:
        return {}  # and Keras stays unimported where nothing needs it (a clone)
    get_name = keras().saving.get_registered_name
    return {get_name(cls): cls for cls in classes}


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
    """Fresh metric objects (names stay names)."""
    common, indexed = split_indexed(routed)
    if isinstance(metrics, dict) and routed:
        raise ValueError(
            f"{', '.join('metrics__' + n for n in sorted(routed))}: metrics__ parameters "
            "apply to a list of metrics, and metrics is a dict by output: set the values "
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
    if metrics is None or isinstance(metrics, dict):
        if indexed:
            raise ValueError(f"metrics__{min(indexed)}__...: metrics is None, no list to index.")
        return fresh_metrics(metrics)
    entries = as_list(metrics)
    _check_indices(indexed, entries, "metrics")
    k = keras()
    made = []  # (the entry, the class or instance to make it from: None for a name)
    for i, given in enumerate(entries):
        _check_metric(given)
        metric = given
        if isinstance(given, str):
            # a name stays a name, which Keras resolves, unless it takes routed
            # arguments or needs some (then an error names them)
            metric = _metric_class(given)
            if metric is not None and not (indexed.get(i) or _required_arguments(metric)):
                metric = None
        made.append((given, metric))
    # the names of the entries that keep their own: names and instances
    taken = {g if m is None else getattr(g, "name", None) for g, m in made}
    out = []
    for i, (given, metric) in enumerate(made):
        if metric is None:
            out.append(given)
            continue
        # class-level kwargs apply to classes only; names and instances take none
        kw_common = common if isinstance(given, type) else {}
        specific = indexed.get(i, {})
        if isinstance(metric, type):
            named = _metric_name(metric, given, {**kw_common, **specific}, taken)
            specific = {**named, **specific}
        out.append(_fresh(metric, kw_common, specific, "metrics", k.metrics.Metric))
    return out


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
        words = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", cls.__name__)  # as Keras does
        base = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", words).lower()
    name, n = base, 0
    while name in taken:
        n += 1
        name = f"{base}_{n}"
    taken.add(name)
    return {"name": name}


def _metric_class(name):
    """The ``keras.metrics.Metric`` class that Keras makes for the metric
    ``name``, or None (a function, or a name Keras resolves from the targets)."""
    k = keras()
    if name.lower() in ("accuracy", "acc"):
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
        if metric.lower() in ("accuracy", "acc"):  # Keras picks the kind from the targets
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
        out.append(_fresh(cb, kw_common, indexed.get(i, {}), "callbacks", k.callbacks.Callback))
    if common and not any(isinstance(cb, type) for cb in entries):
        raise ValueError(
            "callbacks__ parameters apply to callback classes, but callbacks has none; "
            "pass classes, e.g. callbacks=[keras.callbacks.EarlyStopping], "
            f"with {', '.join('callbacks__' + n for n in sorted(common))}."
        )
    return out
