"""Model builders: their arguments become estimator parameters.

A builder is any callable returning a ``keras.Model``. The arguments it names
are filled, in order of precedence, from ``model__<name>`` routed parameters,
estimator parameters of the same name, ``meta`` (the fitted facts about the
data: ``n_features_in_``, ``n_outputs_``, ``classes_``, ...) and the training
data, ``X`` and ``y``, as Keras' own scikit-learn wrappers give them. ``meta``
itself is passed to a builder that names it.
"""

import difflib
import inspect
import weakref

from ._keras import is_keras_model

_VAR_KINDS = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)


# function builder -> (its parts, its parameters): an estimator reads them at
# every get_params and at every attribute lookup that misses (scikit-learn's
# ``hasattr(est, "feature_names_in_")`` as it checks X), and inspect.signature
# is slow
_signatures = weakref.WeakKeyDictionary()


def function_parts(function):
    """What the signature of ``function`` is made of, to tell whether a
    remembered signature still holds: IPython's autoreload, or an assignment
    to ``__defaults__``, changes a function in place."""
    return (
        function,
        getattr(function, "__code__", None),
        getattr(function, "__defaults__", None),
        getattr(function, "__kwdefaults__", None),
        getattr(function, "__signature__", None),
    )


def same_parts(parts, others):
    return len(parts) == len(others) and all(a is b for a, b in zip(parts, others))


def _parameters(builder):
    if builder is None or not callable(builder) or is_keras_model(builder):
        return ()
    if not inspect.isfunction(builder):
        # a class, a callable object, a partial or a bound method (a preset's
        # own builder, made anew at each attribute access): read each time
        return _read_parameters(builder)
    parts = function_parts(builder)
    remembered = _signatures.get(builder)
    if remembered is not None and same_parts(remembered[0], parts):
        return remembered[1]
    parameters = _read_parameters(builder)
    _signatures[builder] = (parts, parameters)
    return parameters


def _read_parameters(builder):
    try:
        return tuple(inspect.signature(builder).parameters.values())
    except (TypeError, ValueError):
        return ()


def builder_defaults(builder, reserved=()):
    """Arguments of ``builder`` that have defaults, as ``{name: default}``.

    ``meta`` and names in ``reserved`` (the estimator's own parameters and the
    keys of ``meta``) are left out: they are filled in at build time.
    """
    return {
        p.name: p.default
        for p in _parameters(builder)
        if p.kind not in _VAR_KINDS
        and p.default is not p.empty
        and p.name != "meta"
        and p.name not in reserved
    }


class InitSignature:
    """An estimator's ``__init__`` whose signature, read from an instance, lists
    the builder's arguments with their defaults.

    A builder's arguments reach the estimator through ``**kwargs``, so the
    class's ``__init__`` cannot name them. scikit-learn's repr, text and HTML,
    shows the parameters whose values differ from the defaults in
    ``inspect.signature(estimator.__init__)``: without this, every builder
    argument would print as if set. Read from the class, ``__init__`` is the
    plain function, so ``_get_param_names`` and ``clone`` see the estimator's
    own parameters only. The estimator gives the defaults through its
    ``_builder_defaults()``.
    """

    def __init__(self, function):
        self.function = function
        self.__doc__ = function.__doc__

    def __get__(self, instance, owner=None):
        if instance is None:
            return self.function
        return _BoundInit(self.function.__get__(instance, owner))


class _BoundInit:
    """``estimator.__init__``: the bound method, with a signature that adds the
    builder's defaults as keyword-only parameters before ``**kwargs``."""

    __slots__ = ("method",)

    def __init__(self, method):
        self.method = method

    def __call__(self, *args, **kwargs):
        return self.method(*args, **kwargs)

    @property
    def __signature__(self):
        signature = inspect.signature(self.method)
        params = list(signature.parameters.values())
        named = {p.name for p in params}
        extra = [
            inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default)
            for name, default in self.method.__self__._builder_defaults().items()
            if name not in named
        ]
        at = next((i for i, p in enumerate(params) if p.kind is p.VAR_KEYWORD), len(params))
        return signature.replace(parameters=params[:at] + extra + params[at:])


def builder_argument_names(builder):
    """Names ``builder`` accepts, and whether it accepts any keyword (``**kwargs``)."""
    params = _parameters(builder)
    names = {p.name for p in params if p.kind not in _VAR_KINDS}
    return names, any(p.kind is p.VAR_KEYWORD for p in params)


def _name(builder):
    return getattr(builder, "__qualname__", None) or type(builder).__name__


def call_builder(builder, explicit, estimator_params, meta, owner, data=None):
    """Call ``builder`` with the arguments its signature names.

    Parameters
    ----------
    builder : callable
    explicit : dict
        Builder arguments given to the estimator (including ``model__`` ones,
        already stripped of their prefix). Passed through ``**kwargs`` too.
    estimator_params : dict
        The estimator's own parameters (``optimizer``, ``loss``, ...).
    meta : dict
    owner : str
        Estimator name for error messages.
    data : dict, default=None
        The training data (``X``, ``y``) for a builder that names them.
    """
    data = data or {}
    kwargs, missing = {}, []
    params = _parameters(builder)
    for p in params:
        if p.kind in _VAR_KINDS:
            continue
        if p.name == "meta" and "meta" not in explicit:
            kwargs["meta"] = meta
        elif p.name in explicit:
            kwargs[p.name] = explicit[p.name]
        elif p.name in estimator_params:
            kwargs[p.name] = estimator_params[p.name]
        elif p.name in meta:
            kwargs[p.name] = meta[p.name]
        elif p.name in data:
            kwargs[p.name] = data[p.name]
        elif p.default is p.empty:
            missing.append(p.name)
    if any(p.kind is p.VAR_KEYWORD for p in params):
        kwargs.update({k: v for k, v in explicit.items() if k not in kwargs})
    if missing:
        first = missing[0]
        meant = [
            f"{name} -> {match[0]}"
            for name in missing
            for match in [difflib.get_close_matches(name, list(meta), n=1, cutoff=0.8)]
            if match
        ]
        hint = f" (a fact about the data, misspelled? {', '.join(meant)})" if meant else ""
        raise TypeError(
            f"The model builder {_name(builder)} needs argument(s) {', '.join(missing)}, "
            f"which {owner} does not have{hint}: pass {owner}({_name(builder)}, "
            f"{first}=...) (or model__{first}=...), or give the argument a default."
        )
    try:
        return builder(**kwargs)
    except Exception as exc:
        message = f"The model builder {_name(builder)} raised {type(exc).__name__}: {exc}"
        key = exc.args[0] if isinstance(exc, KeyError) and exc.args else None
        if isinstance(key, str) and "meta" in kwargs and key not in meta:
            message += f" (if it was a key of meta: meta has {', '.join(sorted(meta))})"
        try:
            wrapped = type(exc)(message)
        except Exception:  # exception types with other constructors
            raise exc from None
        raise wrapped from exc
