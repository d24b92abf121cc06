"""Pickling of fitted estimators: the Keras model travels as ``.keras`` bytes.

Keras rebuilds the model from the ``config.json`` inside those bytes, where it
names a custom class by its module and name (no module for ``__main__``), a
plain function by its name alone and a lambda by its bytecode. By itself it
finds only its own objects and registered ones. skdl finds the others as
pickle finds classes and functions: it imports their module where the
estimator is loaded and takes the attribute.

Objects are looked up on loading, not pickled along: pickling records only
what the configuration lacks, the modules of the functions and lambdas, as
text. So an object registered with Keras, or given in a
``keras.saving.custom_object_scope`` around the loading, still takes
precedence; an object that cannot be found fails with a short message naming
it (a pickled reference would fail inside ``pickle.load`` with pickle's own
error, or already when pickling for a function defined inside another); and
pickling refuses nothing. The objects of the script that saves (its
``__main__``) are pickled by value as well, with cloudpickle, for a process
that runs another script (a joblib or Dask worker), whose ``__main__`` lacks
them.

A pickle runs arbitrary code anyway (Keras' own pickling of a model loads it
with ``safe_mode=False``), so the lambdas of these bytes, and of no
``.keras`` file of the user's, are rebuilt from their code with the globals of
their module, and named in the configuration for Keras, whose safe mode stays
on for the rest. Keras itself refuses them in safe mode, rebuilds them without
it with the globals of one of its own modules (where ``keras`` and ``np`` are
unknown names), and reads no lambda activation back either way. Failing at
pickling instead, with advice to name each lambda, would stop programs that
work.
"""

import base64
import contextlib
import functools
import importlib
import io
import json
import marshal
import os
import pickle
import tempfile
import types
import warnings
import zipfile

from . import _keras, _keras_objects
from ._compile import from_config, object_scope, users_classes, wrapped_function
from ._keras import keras

# packages whose classes Keras imports by itself
_KERAS_PACKAGES = {"keras", "keras_hub", "keras_cv", "keras_nlp"}


class SerializedModel:
    """A ``keras.Model`` saved in Keras' native format, held in memory.

    The bytes include the architecture, the weights and the optimizer state,
    so a loaded estimator predicts bit-identically and can keep training.

    Parameters
    ----------
    data : bytes
        The ``.keras`` archive.
    functions : dict, default=None
        ``{name: (module, qualified name)}`` of the functions that the model
        uses, by the name under which Keras saved them, other than Keras' own.
    lambda_modules : dict, default=None
        ``{file: module}``: the module whose globals the lambdas compiled
        from each file see.
    seed_states : list of ndarray, default=None
        The states of the model's seed generators (those of its ``Dropout``
        layers, say), which the ``.keras`` format leaves out: restored, the
        loaded model goes on drawing the random numbers that the saved one
        would have drawn next.
    script_objects : bytes, default=None
        The functions, lambdas and classes of the script (``__main__``) that
        the model uses, pickled by value (with cloudpickle, as joblib sends a
        script's functions to its workers): a process whose ``__main__`` lacks
        them (a joblib or Dask worker) loads them from here.
    """

    # what an estimator pickled before they were recorded loads with
    functions = lambda_modules = types.MappingProxyType({})
    seed_states = ()
    script_objects = None

    def __init__(
        self,
        data,
        functions=None,
        lambda_modules=None,
        seed_states=None,
        script_objects=None,
    ):
        self.data = data
        self.functions = functions or {}
        self.lambda_modules = lambda_modules or {}
        self.seed_states = list(seed_states or [])
        self.script_objects = script_objects

    @classmethod
    def from_model(cls, model):
        """Save ``model``, with the modules of its functions and lambdas.

        Parameters
        ----------
        model : keras.Model

        Returns
        -------
        serialized : SerializedModel
        """
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "model.keras")
            with quiet_lambdas(), warnings.catch_warnings():
                # NumPy 2 on TensorFlow's variables, inside Keras' saving
                warnings.filterwarnings(
                    "ignore", "__array__ implementation doesn't accept a copy", DeprecationWarning
                )
                with _keras.compile_state_lock:  # not while a clone turns it off
                    model.save(path)
            with open(path, "rb") as fh:
                data = fh.read()
        names = {e["config"] for e in _entries(_read_config(data)) if _is_function(e)}
        seeds = [keras().ops.convert_to_numpy(v.value) for v in _seed_variables(model)]
        functions = _model_functions(model)
        return cls(
            data,
            *_function_origins(functions, names),
            seed_states=seeds,
            script_objects=_script_objects_by_value(model, functions, names),
        )

    def load(self, custom_objects=None):
        """The model.

        Parameters
        ----------
        custom_objects : dict, default=None
            ``{name: object}`` that Keras saved by name, as the functions and
            classes given as estimator parameters; they take precedence over
            what is found in the modules.

        Returns
        -------
        model : keras.Model
        """
        _keras_objects.register()  # for a Keras loaded anew by set_backend too
        given = dict(custom_objects or {})
        config = _read_config(self.data)
        entries = list(_entries(config))
        copies = _ScriptCopies(self.script_objects)
        classes, missing = _find_classes(entries, given, copies)
        functions, missing_functions = _find_functions(self.functions, given, copies)
        lambdas, missing_lambdas = _rebuild_lambdas(
            entries, lambda file: copies.namespace(file, self.lambda_modules.get(file))
        )
        data = _with_config(self.data, config) if classes or lambdas else self.data
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "model.keras")
            with open(path, "wb") as fh:
                fh.write(data)
            try:
                model = keras().saving.load_model(
                    path, custom_objects={**classes, **functions, **lambdas, **given}
                )
            except (TypeError, ValueError) as exc:
                missing += missing_functions + missing_lambdas
                raise type(exc)(_load_error(exc, missing)) from exc
        variables = _seed_variables(model)
        if [tuple(v.shape) for v in variables] == [s.shape for s in self.seed_states]:
            for variable, state in zip(variables, self.seed_states):
                variable.assign(state)
        return model


class _ScriptCopies:
    """The objects of the saving script (``__main__``) pickled by value, for a
    process whose ``__main__`` lacks them: a joblib or Dask worker, whichever
    way it starts (its ``__main__`` may even be the script, run again without
    what its main block defines). Unpickled where one is needed."""

    def __init__(self, data):
        self.data = data

    @functools.cached_property
    def _saved(self):
        try:
            if self.data is not None:
                return pickle.loads(self.data)
        except Exception:  # (another cloudpickle, say) looked up by name, as before
            pass
        return {"classes": {}, "functions": {}, "lambdas": {}}

    def get(self, kind, name):
        """The class or function ``name`` (``kind``: "classes" or "functions")."""
        return self._saved[kind].get(name)

    def namespace(self, file, module):
        """The globals for the lambdas of ``file``, defined in ``module``: the
        module's own where it defines every global that they use (pickle's
        rule: the running script's objects), else those pickled with them."""
        live = _find(module, "__dict__")
        if module != "__main__":
            return live
        copies = self._saved["lambdas"].get(file)
        if not copies:
            return live
        namespace = {}
        for function in copies:  # the globals that each lambda uses
            namespace.update(function.__globals__)
        used = [name for name in namespace if not name.startswith("__")]
        if live is not None and all(name in live for name in used):
            return live
        return namespace


def _script_objects_by_value(model, model_functions, names):
    """The functions (of ``model_functions``, saved under ``names``), lambdas
    and classes of ``model`` defined in the script (module ``__main__``),
    pickled by value; None where there are none, or where cloudpickle cannot
    pickle them (they are then looked up by name on loading, as before)."""
    get_name = keras().saving.get_registered_name
    functions, lambdas = {}, {}
    for function in model_functions:
        if function.__module__ != "__main__":
            continue
        if _is_lambda(function):
            # by file: cloudpickle gives the copies a file name of its own
            lambdas.setdefault(function.__code__.co_filename, []).append(function)
        elif get_name(function) in names:
            functions[get_name(function)] = function
    compiled = getattr(getattr(model, "_compile_config", None), "config", None)
    layers = [model, *model._flatten_layers(include_self=False), compiled]
    classes = {
        cls.__name__: cls for cls in users_classes(layers).values() if cls.__module__ == "__main__"
    }
    if not (functions or lambdas or classes):
        return None
    try:
        import cloudpickle  # joblib's dependency since 1.5
    except ImportError:  # vendored before
        from joblib.externals import cloudpickle
    try:
        return cloudpickle.dumps({"functions": functions, "lambdas": lambdas, "classes": classes})
    except Exception:  # pickling refuses nothing
        return None


def _seed_variables(model):
    """The variables of ``model``'s seed generators (a ``Dropout`` layer's, say),
    in order: those of its state (``model.variables``) that are no weights."""
    weights = {id(w) for w in model.weights}
    return [v for v in model.variables if id(v) not in weights]


def _read_config(data):
    """The model configuration saved in the ``.keras`` archive ``data``."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return json.loads(archive.read("config.json"))


def _with_config(data, config):
    """The ``.keras`` archive ``data`` with ``config`` as its configuration."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            content = json.dumps(config) if item.filename == "config.json" else src.read(item)
            dst.writestr(item, content)
    return out.getvalue()


def _entries(config):
    """Every dict of a saved configuration, outermost first (not those inside a
    saved lambda)."""
    if isinstance(config, dict):
        yield config
        if _saved_lambda(config) is None:
            for value in config.values():
                yield from _entries(value)
    elif isinstance(config, list):
        for value in config:
            yield from _entries(value)


def _saved_lambda(entry):
    """``(code, defaults, closure)`` of the lambda saved as the dict ``entry``,
    or None: Keras saves a lambda as ``{"class_name": "__lambda__", "config":
    ...}``, but an activation as the inner ``{"value": [code, defaults,
    closure]}``, and a ``Lambda`` layer's as ``{"code": ..., ...}``."""
    if entry.get("class_name") == "__lambda__":
        entry = entry["config"]
        if "value" not in entry:
            entry = {"value": [entry.get(k) for k in ("code", "defaults", "closure")]}
    saved = entry.get("value") if set(entry) == {"value"} else None
    # a list as saved, a tuple in a live model's get_config()
    if not (isinstance(saved, (list, tuple)) and len(saved) == 3 and isinstance(saved[0], str)):
        return None
    try:
        code = marshal.loads(base64.b64decode(saved[0]))
    except (ValueError, EOFError, TypeError):
        return None
    return (code, *saved[1:]) if isinstance(code, types.CodeType) else None


def _is_function(entry):
    """Whether ``entry`` is a function saved by name (module ``builtins``)."""
    return entry.get("class_name") == "function" and isinstance(entry.get("config"), str)


def _is_custom_class(entry):
    """Whether ``entry`` is a class that Keras does not import by itself."""
    name, module = entry.get("class_name"), entry.get("module", "keras")
    if not isinstance(name, str) or name.startswith("__") or _is_function(entry):
        return False  # not a class, or one of Keras' special values
    if module is None:
        return True  # defined in __main__
    return isinstance(module, str) and module.split(".")[0] not in _KERAS_PACKAGES


def _find(module, qualname):
    """What pickle loads for ``module.qualname`` (None where it fails)."""
    if not module:
        return None
    try:
        obj = importlib.import_module(module)
    except (ImportError, ValueError):  # ValueError: not a module name
        return None
    for part in qualname.split("."):
        obj = getattr(obj, part, None)
    return obj


def _find_classes(entries, given, script):
    """Find in its module each class of a saved configuration that Keras cannot
    find by itself (unregistered, not in ``given``), and name it after its
    module in the configuration: two classes of one name do not clash. A class
    of ``__main__`` that the running script lacks comes from ``script`` (the
    :class:`_ScriptCopies`) where it is there.

    Returns ``{name: class}`` and descriptions of the classes not found.
    """
    found, missing = {}, []
    registered = keras().saving.get_registered_object
    for entry in filter(_is_custom_class, entries):
        name, module = entry["class_name"], entry["module"] or "__main__"
        if registered(entry.get("registered_name") or name, custom_objects=given) is not None:
            continue
        key = f"{module}.{name}"
        cls = found.get(key) or _find(module, name)
        if not isinstance(cls, type) and module == "__main__":
            cls = script.get("classes", name)
        if isinstance(cls, type):
            found[key] = cls
            entry["registered_name"] = key
        elif f"class {name} of module {module}" not in missing:
            missing.append(f"class {name} of module {module}")
    return found, missing


def _find_functions(functions, given, script):
    """Find in its module each of ``functions`` (``{name: (module, qualname)}``)
    that Keras cannot find by itself (unregistered, not in ``given``); one of
    ``__main__`` that the running script lacks from ``script`` (the
    :class:`_ScriptCopies`) where it is there.

    Returns ``{name: function}`` and descriptions of the functions not found.
    """
    found, missing = {}, []
    registered = keras().saving.get_registered_object
    for name, (module, qualname) in functions.items():
        if registered(name, custom_objects=given) is not None:
            continue
        function = _find(module, qualname)
        if not callable(function) and module == "__main__":
            function = script.get("functions", name)
        if callable(function):
            found[name] = function
        else:
            missing.append(f"function {qualname} of module {module}")
    return found, missing


def _function_origins(model_functions, names):
    """``({name: (module, qualname)}, {file: module})``: where those of a
    model's functions (:func:`_model_functions`) saved under ``names``, and
    its lambdas, are defined."""
    functions, lambda_modules = {}, {}
    get_name = keras().saving.get_registered_name
    for function in model_functions:
        module = function.__module__
        if _is_lambda(function):
            lambda_modules[function.__code__.co_filename] = module
        elif module and module.split(".")[0] not in _KERAS_PACKAGES:
            name = get_name(function)
            if name in names:
                functions.setdefault(name, (module, function.__qualname__))
    return functions, lambda_modules


def _model_functions(model):
    """The Python functions held by ``model``'s layers (their activations, say),
    by the objects they hold (losses, metrics, initializers...) and by its
    compile settings."""
    compiled = getattr(model, "_compile_config", None)
    stack, seen, found = [model, getattr(compiled, "config", None)], set(), []
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, types.FunctionType):
            found.append(obj)
        elif isinstance(obj, (list, tuple)):
            stack.extend(obj)
        elif isinstance(obj, dict):
            stack.extend(obj.values())
        elif hasattr(obj, "get_config") and hasattr(obj, "__dict__"):
            stack.extend(vars(obj).values())
    return found


def _rebuild_lambdas(entries, namespace_of):
    """Rebuild each lambda of a saved configuration from its code, with the
    globals ``namespace_of(file)`` of the file that defines it, and name it in
    its place.

    Returns ``{name: function}`` and descriptions of the lambdas whose globals
    are not found (``namespace_of`` gives None).
    """
    lambdas, missing = {}, []
    for entry in entries:
        saved = _saved_lambda(entry)
        if saved is None:
            continue
        code, defaults, closure = saved
        namespace = namespace_of(code.co_filename)
        if namespace is None:
            missing.append(f"lambda of {code.co_filename}, line {code.co_firstlineno}")
            continue
        name = f"<lambda #{len(lambdas)}>"
        lambdas[name] = types.FunctionType(
            code,
            namespace,
            code.co_name,
            tuple(defaults) if defaults is not None else None,
            tuple(types.CellType(value) for value in closure) if closure else None,
        )
        entry.clear()  # now a function saved by name, as Keras saves named ones
        entry.update(module="builtins", class_name="function", config=name)
        entry["registered_name"] = "function"
    return lambdas, missing


def holds_lambda(model):
    """Whether ``model``'s layers or compile settings hold a lambda."""
    return any(_is_lambda(f) for f in _model_functions(model))


def clone_layer(layer):
    """``layer.__class__.from_config(layer.get_config())``, as Keras' clone
    makes a layer (a model nested in the network included), lambdas included.

    Keras' round trip refuses a lambda (a ``Lambda`` layer's) in safe mode and
    reads no lambda activation back; here each lambda is rebuilt from its
    code, as on loading, with the globals of the live one.
    """
    return _from_own_config(layer, layer.__class__.from_config)


def rebuild(model):
    """A fresh, uncompiled network made from ``model``'s configuration,
    lambdas and the user's layer classes included."""
    return _from_own_config(model, type(model).from_config)


def _from_own_config(obj, from_config):
    """``from_config(obj.get_config())``, where the functions and classes of the
    user's that ``obj`` and the layers inside it hold (an activation, a
    regularizer, a layer) are found: Keras finds them by name only where
    registered."""
    with quiet_lambdas():
        config = obj.get_config()
    functions = _model_functions(obj)
    namespaces = {f.__code__.co_filename: f.__globals__ for f in functions if _is_lambda(f)}
    lambdas, _ = _rebuild_lambdas(list(_entries(config)), namespaces.get)
    get_name = keras().saving.get_registered_name
    named = {get_name(f): f for f in functions if not _is_lambda(f)}
    layers = [obj, *obj._flatten_layers(include_self=False)]
    with object_scope({**users_classes(layers), **named, **lambdas}):
        return from_config(config)


def _is_lambda(function):
    return function.__name__ == "<lambda>"


@contextlib.contextmanager
def quiet_lambdas():
    """Silence Keras' warning that a configuration holds a lambda, with its
    advice to load with ``safe_mode=False``, where skdl makes the
    configuration for itself (to clone, compare or pickle a network)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "The object being serialized includes a `lambda`")
        yield


def _load_error(exc, missing):
    """A short message for Keras' error ``exc`` on loading (which repeats the
    whole configuration), naming the ``missing`` objects and the fix."""
    prefix = "Could not load the Keras model of a pickled skdl estimator"
    if not missing:
        detail = str(exc).split(" Full object config")[0].split("\n")[0]
        return f"{prefix}: {detail[:300]}"
    message = (
        f"{prefix}: Keras cannot find the {'; '.join(missing)}. Define or import each "
        "at the top level of its module where the estimator is loaded (a script's "
        "__main__ included), as pickle needs for the model builder, or register it "
        "with @keras.saving.register_keras_serializable()."
    )
    if any(item.startswith("lambda") for item in missing):
        message += " A lambda is rebuilt in its module: import it, or use a named function."
    return message


class _UsersKerasObject:
    """A Keras loss, metric or optimizer of a user's class (or holding one, as
    an optimizer with a learning rate schedule of theirs) among the
    parameters, pickled with pickle's references to those classes. Keras
    pickles its objects by their configuration, and loads a class of a module
    of the user's only where it is registered by name; a parameter of the
    user's own loss class then failed to pickle, and to ``deepcopy``."""

    def __init__(self, obj, name):
        self.obj, self.name = obj, name

    def __reduce__(self):
        # the check each fit makes: a configuration that leaves out an
        # argument of the constructor would lose it here too
        from_config(self.obj, self.name)
        classes = users_classes(self.obj)
        return (_users_keras_object, (classes, type(self.obj), self.obj.get_config()))


def _users_keras_object(classes, cls, config):
    with object_scope(classes):
        return cls.from_config(config)


def _each_entry(value, change):
    """``value`` (a parameter, or a list, tuple or dict of them) with ``change``
    applied to each entry."""
    if type(value) in (list, tuple):
        return type(value)(_each_entry(item, change) for item in value)
    if type(value) is dict:
        return {key: _each_entry(item, change) for key, item in value.items()}
    return change(value)


def picklable_parameter(value, name):
    """``value``, a parameter named ``name`` (or a list or dict of them), with
    each Keras object of a user's class in a :class:`_UsersKerasObject`."""

    def wrapped(entry):
        if not hasattr(entry, "get_config") or isinstance(entry, type):
            return entry
        if not users_classes(entry):
            return entry  # Keras' own objects pickle as Keras pickles them
        k = keras()
        if isinstance(entry, (k.losses.Loss, k.metrics.Metric, k.optimizers.Optimizer)):
            return _UsersKerasObject(entry, name)
        return entry

    return _each_entry(value, wrapped)


def unwrapped_parameter(value):
    """``value`` with the objects :func:`picklable_parameter` wrapped: a shallow
    ``copy.copy`` hands the state to ``__setstate__`` as ``__getstate__`` made it."""
    return _each_entry(value, lambda e: e.obj if isinstance(e, _UsersKerasObject) else e)


def parameter_functions(params):
    """``{name: object}`` of the plain functions and classes among an estimator's
    parameters (``activation``, ``loss``, ``metrics``, a ``keras.Model`` subclass
    given as ``model``, builder arguments and their defaults): Keras saves them
    by name only, and a pickled estimator brings them along for its model to
    load."""
    found = {}
    for value in params.values():
        for item in value if isinstance(value, (list, tuple)) else [value]:
            if isinstance(item, (types.FunctionType, type)):
                found[item.__name__] = item
            elif hasattr(item, "get_config"):  # the function a Keras wrapper holds
                found.update(wrapped_function(item))
    return found
