"""Compiled Keras functions shared by networks of the same architecture.

Tracing a fresh Keras network's training and prediction steps costs about a
second on TensorFlow, and TensorFlow keeps every traced function until the
process ends (about 5 MB per fresh network). Cross-validation and searches fit
many fresh networks of one architecture, so skdl trains and predicts them with
shared, already compiled copies:

* training: a pooled *trainer* (a clone of the network, compiled the same
  way) receives the network's variables and optimizer state, runs
  ``keras.Model.fit`` and hands the new state back. The estimator's ``model_``
  stays an ordinary Keras model that nothing else touches.
* prediction: one compiled function per architecture maps a network's
  variables and a batch to the outputs (Keras' stateless call), so predicting
  with a fresh network traces nothing.

Only ``keras.Sequential`` and functional models made of Keras' own layers,
whose configuration is made of plain values, are shared: the configuration then
describes the computation. Subclassed models, networks with a layer class of
the user's or a lambda (whose configuration is its code, not its globals),
and networks with an adaptable preprocessing layer
(``Normalization``, whose adapted state lives outside its variables) are
trained and predicted as they are.
``skdl.set_config(share_compiled=False)`` turns sharing off.

The pool keeps the copies of ``shared_models`` architectures, the least
recently used evicted first. A network whose shared copy was evicted goes on
with functions of its own, traced once, instead of a new copy at each call:
taking turns with more architectures than the pool keeps (``partial_fit`` on
each of 17 networks in a loop, predictions of 17 fitted ones) would miss at
every call, tracing a copy each time (twice the time of a fit, 50 to 500
times that of a prediction) and, on TensorFlow, keeping every trace.
"""

import collections
import contextlib
import numbers
import threading
import weakref

import numpy as np

from . import _config
from ._keras import (
    function_arguments,
    graph_model_types,
    keras,
    state_outside_variables,
    tf_global_seed,
)
from ._persistence import holds_lambda


class _Unshareable(Exception):
    """The configuration holds something that does not identify the computation."""


def _freeze(value):
    """A hashable stand-in for a configuration value."""
    if value is None or isinstance(value, (str, bool, numbers.Number)):
        return value
    if isinstance(value, dict):
        return tuple(sorted((str(k), _freeze(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, np.ndarray):
        return ("ndarray", value.dtype.str, value.shape, value.tobytes())
    get_config = getattr(value, "get_config", None)
    if get_config is not None and _is_keras_object(value):
        # with its function's arguments, which some get_config() leave out
        return (type(value), _freeze(get_config()), _freeze(function_arguments(value)))
    if callable(value):
        # a function or other callable is itself the key: the pool holds it,
        # so no other object can take its identity
        try:
            hash(value)
        except TypeError:
            raise _Unshareable from None
        return value
    raise _Unshareable


def _is_keras_object(value):
    return type(value).__module__.startswith(("keras.", "skdl."))


def _rename(value, names):
    """``value`` with the automatic layer names replaced by positions."""
    if isinstance(value, str):
        return names.get(value, value)
    if isinstance(value, dict):
        return {k: _rename(v, names) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_rename(v, names) for v in value]
    return value


def _without_name(config):
    return {k: v for k, v in config.items() if k != "name"}


def architecture_key(model):
    """Hashable description of ``model``'s computation, or None if unknown.

    Two models with equal keys compute the same function of their variables
    and inputs; the names Keras gives layers (``dense_3``) do not count.
    """
    if type(model) not in graph_model_types() or not model.built:
        return None
    try:
        layers = list(model._flatten_layers(include_self=False))
        if any(isinstance(layer, keras().layers.Lambda) for layer in layers):
            return None  # its configuration holds code, not the function itself
        if holds_lambda(model):
            return None  # a lambda's configuration is its code, without its globals
        if any(state_outside_variables(layer) for layer in layers):
            # an adapted Normalization's mean, say: neither its configuration nor
            # the variables copied into a shared clone carry it
            return None
        if not all(_is_keras_object(layer) for layer in layers):
            # a user's layer class: what it computes may hold more than its
            # get_config() says (an argument left out, an attribute set later),
            # and a clone rebuilt from that configuration would compute otherwise
            return None
        names = {model.name: "#model"}
        for i, layer in enumerate(layers):
            names.setdefault(layer.name, f"#{i}")
        return (
            keras().backend.backend(),
            type(model),
            _freeze(_rename(model.get_config(), names)),
            tuple((type(layer), _freeze(_without_name(layer.get_config()))) for layer in layers),
            tuple((tuple(v.shape), str(v.dtype)) for v in model.variables),
        )
    except (_Unshareable, NotImplementedError, TypeError, ValueError, AttributeError):
        return None


def compile_key(model):
    """Hashable description of ``model``'s compile settings, or None if unknown.

    A learning rate given as a number is left out: it lives in a variable that
    is copied with the optimizer state, so it does not need its own trainer.
    """
    optimizer = getattr(model, "optimizer", None)
    compile_config = getattr(model, "_compile_config", None)
    if optimizer is None or compile_config is None:
        return None
    try:
        opt_config = _without_name(optimizer.get_config())
        if isinstance(opt_config.get("learning_rate"), numbers.Number):
            opt_config.pop("learning_rate")
        settings = {k: v for k, v in compile_config.config.items() if k != "optimizer"}
        return (type(optimizer), _freeze(opt_config), _freeze(settings))
    except (_Unshareable, NotImplementedError, TypeError, ValueError, AttributeError):
        return None


class _LRU:
    """Free objects by key, the least recently returned evicted first."""

    def __init__(self):
        self._items = collections.OrderedDict()
        self._lock = threading.Lock()

    def take(self, key):
        with self._lock:
            free = self._items.get(key)
            if not free:
                return None
            item = free.pop()
            if not free:
                del self._items[key]
            return item

    def give(self, key, item):
        capacity = _config.get_config()["shared_models"]
        with self._lock:
            self._items.setdefault(key, []).append(item)
            self._items.move_to_end(key)
            while sum(len(v) for v in self._items.values()) > capacity:
                oldest = next(iter(self._items))
                self._items[oldest].pop(0)
                if not self._items[oldest]:
                    del self._items[oldest]

    def clear(self):
        with self._lock:
            self._items.clear()


_trainers = _LRU()

# the networks that have trained on a shared trainer: one that finds none free
# later (evicted, or in use in another thread) trains on its own functions
_trained_shared = weakref.WeakSet()


def clear():
    """Forget every shared trainer and prediction function."""
    _trainers.clear()
    with _predictors_lock:
        _predictors.clear()
    _model_keys.clear()
    _trained_shared.clear()


def _ensure_optimizer_built(model):
    optimizer = model.optimizer
    if not optimizer.built:
        optimizer.build(model.trainable_variables)


def copy_variables(source, target):
    """Give ``target`` the values of ``source``'s variables (same architecture)."""
    sync = getattr(source, "jax_state_sync", None)
    if sync is not None:  # during a JAX fit the trained values live in the trainer
        sync()
    _assign_all(source.variables, target.variables)


def _assign_all(sources, targets):
    # JAX variables hold arrays by reference, and a JAX fit deletes the arrays
    # of the model it trains: each model must get its own copy
    copy = keras().backend.backend() == "jax"
    for src, dst in zip(sources, targets):
        dst.assign(keras().ops.copy(src.value) if copy else src.value)


def _copy_state(source, target):
    copy_variables(source, target)
    _assign_all(source.optimizer.variables, target.optimizer.variables)


def _clone(model, compiled):
    """A clone of ``model``, or None where Keras cannot clone it.

    Cloning creates initializers and seed generators, which draw their seeds:
    from a stream of their own, so that the global streams (and a seeded fit's
    in another thread) are left where they were. The clone's weights and
    seed generators' states are copied from the networks it trains or
    predicts for.
    """
    from ._keras import clone_model, clone_network, untouched_random_streams

    try:
        with untouched_random_streams():
            if not compiled:
                return clone_network(model)
            clone = clone_model(model)
            _ensure_optimizer_built(clone)
            return clone
    except Exception:  # a layer Keras cannot rebuild from its config
        return None


def _compatible(model, trainer):
    return len(model.variables) == len(trainer.variables) and len(
        model.optimizer.variables
    ) == len(trainer.optimizer.variables)


def _build_for_fit(model, batch):
    """Build ``model``'s loss, metrics and optimizer from one batch of data.

    ``fit`` would otherwise draw a batch for this from its data iterator, which
    on some backends takes a shuffle from the random stream: building first
    makes a fresh network and a reused compiled one see the same shuffles.
    """
    try:
        model._symbolic_build(data_batch=batch)
    except Exception:  # leave it to ``fit``, which reports problems clearly
        pass


@contextlib.contextmanager
def training_model(model, batch, shared=True):
    """The model on which to run ``fit`` for ``model`` (a compiled Keras model).

    ``batch`` is ``(x, y, sample_weight)`` for one sample of the training data.
    Inside the block the returned trainer holds ``model``'s variables and
    optimizer state; when the block ends without error, ``model`` receives
    the trained state and the trainer goes back to the pool. On error
    ``model`` is left as it was. With ``shared=False`` (callbacks that may
    change the network: :func:`skdl._compile.may_change_the_network`), or where
    no trainer can be shared, ``model`` trains itself.
    """
    _build_for_fit(model, batch)
    key = None
    if shared and _config.get_config()["share_compiled"] and getattr(model, "optimizer", None):
        arch, comp = architecture_key(model), compile_key(model)
        if arch is not None and comp is not None:
            key = (arch, comp)
    if key is None:
        with _functions_of_its_own(model):
            yield _quiet_tracing(model)
        return
    _ensure_optimizer_built(model)
    trainer = _trainers.take(key)
    if trainer is None and model not in _trained_shared:
        trainer = _clone(model, compiled=True)
    if trainer is None or not _compatible(model, trainer):
        with _functions_of_its_own(model):
            yield _quiet_tracing(model)
        return
    _trained_shared.add(model)
    try:
        _build_for_fit(trainer, batch)
        _restart_random_counters(trainer, _quiet(_compiled_functions(trainer, ("train", "test"))))
        _copy_state(model, trainer)
        yield trainer
        _copy_state(trainer, model)
        # the History that Keras' fit leaves on the network it trained
        history, trainer.history = getattr(trainer, "history", None), None
        if history is not None:
            history.set_model(model)
            model.history = history
    finally:
        # whatever state a failed fit left in it is overwritten at the next use
        _trainers.give(key, trainer)


# where a network that trains itself keeps the functions skdl's fits traced
_FIT_FUNCTIONS = "_skdl_fit_functions"


@contextlib.contextmanager
def _functions_of_its_own(model):
    """Let skdl's fits of ``model`` (a network training itself) run on
    training and evaluation functions of their own, kept apart from those of
    the user's ``model.fit`` and ``model.evaluate`` between fits.

    skdl feeds a single output's targets as a column, where a Keras user passes
    the 1-D ``y``. A TensorFlow function traced for one rank and called with the
    other relaxes to an unknown rank, on which Keras fails ("Cannot take the
    length of shape with unknown rank"), as it does for any network fed both
    ways: ``model_.evaluate(X, y)`` failed after a fit with validation data.
    Functions made before the network was last compiled are dropped, as
    ``compile`` drops them. Other backends trace per shape: nothing to do.
    """
    if keras().backend.backend() != "tensorflow":
        yield
        return
    compiled = getattr(model, "_compile_config", None)
    users = _fit_functions(model)
    stamp, kept = model.__dict__.get(_FIT_FUNCTIONS, (None, {}))
    _set_fit_functions(model, kept if stamp is compiled else {})
    try:
        yield
    finally:
        now = getattr(model, "_compile_config", None)
        object.__setattr__(model, _FIT_FUNCTIONS, (now, _fit_functions(model)))
        _set_fit_functions(model, users if now is compiled else {})


def forget_fit_functions(model):
    """Drop ``model``'s traced training and evaluation functions, skdl's and
    the user's, after a change they baked in (a regularization factor)."""
    model.__dict__.pop(_FIT_FUNCTIONS, None)
    _set_fit_functions(model, {})


def _fit_functions(model):
    return {kind: getattr(model, f"{kind}_function", None) for kind in ("train", "test")}


def _set_fit_functions(model, functions):
    for kind in ("train", "test"):
        setattr(model, f"{kind}_function", functions.get(kind))


def _quiet_tracing(model, kinds=("train", "test")):
    """Keep TensorFlow from warning of "excessive retracing" when ``model`` trains
    (or, with ``kinds=("predict",)``, predicts through Keras' own function).

    TensorFlow counts traces per code object: the functions Keras makes for
    every network share one, so a search over architectures (one trace each, as
    expected) logged the warning. The functions are made here, as ``fit`` or
    ``predict_on_batch`` would make them, and told not to warn. Returns ``model``.
    """
    _quiet(_compiled_functions(model, kinds))
    return model


def _quiet(functions):
    """Tell the compiled ``functions`` not to warn of retracing; returns them."""
    for function in functions:
        function._omit_frequent_tracing_warning = True
    return functions


def _compiled_functions(model, kinds):
    """The ``tf.function`` objects behind ``model``'s ``<kind>_function`` for each
    of ``kinds``, made as ``fit`` or ``predict_on_batch`` would make them; none
    off TensorFlow."""
    if keras().backend.backend() != "tensorflow":
        return []
    try:
        from tensorflow.python.eager.polymorphic_function.polymorphic_function import Function
    except ImportError:  # TensorFlow moved it
        return []
    found = []
    for kind in kinds:
        getattr(model, f"make_{kind}_function")()
        function = getattr(model, f"{kind}_function")
        # the compiled function itself (predict) or held by a plain one (train)
        candidates = [function]
        for cell in getattr(function, "__closure__", None) or ():
            try:
                candidates.append(cell.cell_contents)
            except ValueError:  # an empty cell
                continue
        found += [c for c in candidates if isinstance(c, Function)]
    return found


# per shared trainer: (its traced functions, whether they draw statefully)
_stateful_draws = weakref.WeakKeyDictionary()


def _restart_random_counters(trainer, functions):
    """Under a global seed, restart the counters of TensorFlow's stateful random
    operations in ``trainer``'s compiled ``functions`` (training and evaluation:
    ``tf.random.uniform`` in a loss of the user's), so that a seeded fit draws
    what the same fit drew before.

    ``tf.random.set_seed`` did this by emptying TensorFlow's caches at every
    seeded fit; skdl's seeding leaves them (:func:`skdl._keras._set_tf_seed`).
    A fresh network's functions start their counters afresh; a shared trainer's
    go on from fit to fit, so the caches are emptied for the trainers that
    draw statefully (Keras' own layers, losses and metrics draw statelessly).
    """
    if tf_global_seed() is None:
        return
    listings = [getattr(function, "_list_all_concrete_functions", None) for function in functions]
    if None in listings:  # TensorFlow moved it: empty the caches, as set_seed would
        known = (None, True)
    else:
        concrete = [c for listing in listings for c in listing()]
        known = _stateful_draws.get(trainer)
        if known is None or known[0] != len(concrete):
            known = (len(concrete), any(_draws_statefully(c.graph) for c in concrete))
            _stateful_draws[trainer] = known
    if known[1]:
        from tensorflow.python.eager import context

        context.context().clear_kernel_cache()


def _draws_statefully(graph):
    """Whether ``graph`` (or a function it calls) runs a random operation whose
    kernel keeps a counter: a stateful one seeded by attributes."""
    from tensorflow.python.framework import op_def_registry

    definition = graph.as_graph_def()
    nodes = list(definition.node)
    for function in definition.library.function:
        nodes += function.node_def
    for op in {node.op for node in nodes}:
        op_def = op_def_registry.get(op)
        if (
            op_def is not None
            and op_def.is_stateful
            and any(a.name == "seed2" for a in op_def.attr)
        ):
            return True
    return False


# TensorFlow's eager kernel cache keeps every operation it ran, keyed by its
# attributes, which include the unique names of a new network's layers and
# optimizer slots: about 0.5 MB per network built, never released. Clearing the
# cache every so many networks bounds that; the next operations rebuild their
# kernels (about 0.1 s once).
KERNEL_CACHE_PERIOD = 16
_networks_built = 0
_networks_lock = threading.Lock()


def network_built():
    """Count a freshly built network; clear TensorFlow's kernel cache periodically."""
    global _networks_built
    with _networks_lock:
        _networks_built += 1
        due = _networks_built % KERNEL_CACHE_PERIOD == 0
    if due and keras().backend.backend() == "tensorflow":
        from tensorflow.python.eager import context

        context.context().clear_kernel_cache()


# ---------------------------------------------------------------- prediction
_predictors = collections.OrderedDict()
_predictors_lock = threading.Lock()
_model_keys = weakref.WeakKeyDictionary()


def _compiled_call(reference):
    """``f(values, x)``: ``reference``'s outputs with its variables set to values."""
    k = keras()
    variables = list(reference.variables)

    def call(values, x):
        with k.StatelessScope(state_mapping=list(zip(variables, values))):
            return reference(x, training=False)

    if k.backend.backend() == "tensorflow":
        import tensorflow as tf

        function = tf.function(call, reduce_retracing=True)
        # TensorFlow counts traces per code object, so every architecture's first
        # call would count as a retrace of one function and log a warning
        function._omit_frequent_tracing_warning = True
        return _ConcreteCalls(function)
    import jax

    return jax.jit(call)


class _ConcreteCalls:
    """A ``tf.function`` of ``(values, x)`` that, for an array ``x``, calls the
    concrete function of ``x``'s shape and dtype directly.

    The variables' shapes and dtypes are part of the architecture's key, so the
    array's shape and dtype pick the traced function; this skips the dispatch
    that matches the arguments against every trace (about half the cost of a
    one-row prediction). Other inputs (several arrays, sparse tensors) go
    through the ``tf.function`` itself, as everything does where functions
    run eagerly (``tf.config.run_functions_eagerly(True)``, to debug).
    """

    def __init__(self, function):
        import tensorflow as tf

        self.tf = tf
        self.function = function
        self.concrete = {}

    def __call__(self, values, x):
        tf = self.tf
        if type(x) is not np.ndarray or tf.config.functions_run_eagerly():
            return self.function(values, x)
        x = tf.convert_to_tensor(x)
        key = (tuple(x.shape), x.dtype)
        concrete = self.concrete.get(key)
        if concrete is None:
            concrete = self.concrete.setdefault(
                key, self.function.get_concrete_function(values, x)
            )
        return concrete(values, x)


# Backends on which a network's prediction is a compiled function worth sharing.
# PyTorch runs eagerly: each network predicts with its own ``predict_on_batch``.
COMPILING_BACKENDS = ("tensorflow", "jax")


def _structure(model):
    """What ``model``'s architecture key, once computed, may change with: its
    layers (``pop`` and ``add`` on a Sequential) and its compilation (Keras
    users compile again after changing a layer in place). Held weakly, and
    equal while the same objects live."""
    compiled = getattr(model, "_compile_config", None)
    layers = tuple(map(weakref.ref, model.layers))
    return (None if compiled is None else weakref.ref(compiled)), layers


def _predictor(model):
    if keras().backend.backend() not in COMPILING_BACKENDS:
        return None
    structure = _structure(model)
    try:
        *cached, key = _model_keys[model]
        seen = tuple(cached) == structure
    except KeyError:
        seen = False
    except TypeError:
        return None
    if not seen:
        key = architecture_key(model)
    if key is None:
        _model_keys[model] = (*structure, key)
        return None
    with _predictors_lock:
        entry = _predictors.get(key)
        if entry is not None:
            _predictors.move_to_end(key)
            if not seen:
                _model_keys[model] = (*structure, key)
            return entry
    if seen:
        return None  # its shared function was evicted: it predicts with its own
    reference = _clone(model, compiled=False)
    entry = None if reference is None else _compiled_call(reference)
    # seen once the shared function exists: a prediction in another thread
    # meanwhile makes one too (one is kept), rather than trace the network's own
    with _predictors_lock:
        _model_keys[model] = (*structure, key)
        if entry is None:
            return None
        entry = _predictors.setdefault(key, entry)
        capacity = max(_config.get_config()["shared_models"], 1)
        while len(_predictors) > capacity:
            _predictors.popitem(last=False)
    return entry


def prediction_function(model):
    """``f(x)`` giving ``model``'s outputs for a batch ``x`` (inference mode)."""
    if _config.get_config()["share_compiled"]:
        compiled = _predictor(model)
        if compiled is not None:
            values = [v.value for v in model.variables]
            return lambda x: compiled(values, x)
    return _quiet_tracing(model, ("predict",)).predict_on_batch
