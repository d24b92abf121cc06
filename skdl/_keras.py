"""The only module that imports Keras: lazy import, seeding, fast prediction."""

import collections
import contextlib
import functools
import importlib.abc
import importlib.util
import inspect
import random
import sys
import threading
import warnings

import numpy as np

from ._threads import limit_worker_threads

_imported = False


def keras():
    """Import Keras on first use and return the module.

    Importing Keras (and TensorFlow or JAX) draws from Python's and NumPy's
    global random streams: skdl's first import puts them back where they were,
    so that the user's first fit leaves them as later fits do.
    """
    global _imported
    if not _imported:
        with _global_random_kept():
            import keras as _keras_module

            limit_worker_threads()
        mend_function_configs()
        _imported = True
    import keras as _keras_module

    return _keras_module


def when_imported(then):
    """Call ``then()`` whenever Keras is imported: now if it is, and after each
    import of it to come (by the user's code, by TensorFlow's, by skdl's, or
    again by ``keras.config.set_backend``).

    Objects of skdl's that Keras saves by a registered name (a layer, a loss)
    are registered so: ``keras.models.load_model`` reads a network saved with
    them in a process that imported skdl, whether before Keras or after it,
    without making ``import skdl`` import Keras.
    """
    if sys.modules.get("keras") is not None:
        _quietly(then)
    sys.meta_path.insert(0, _AfterImport("keras", then))


def _quietly(then):
    """``then()``, whose failure is a warning: the import of Keras goes on."""
    try:
        then()
    except Exception as error:
        warnings.warn(f"skdl could not register its Keras objects: {error!r}", RuntimeWarning)


class _AfterImport(importlib.abc.MetaPathFinder):
    """A finder that finds module ``name`` as the finders after it do, with a
    loader that calls ``then()`` once the module has run. A search that
    imports nothing (``importlib.util.find_spec``) leaves it in place."""

    def __init__(self, name, then):
        self.name, self.then = name, then

    def find_spec(self, fullname, path=None, target=None):
        if fullname != self.name:
            return None
        for finder in list(sys.meta_path):
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                break
        else:
            return None
        loader = spec.loader
        if loader is not None and hasattr(loader, "exec_module"):
            run, then = loader.exec_module, self.then

            def exec_module(module):
                run(module)
                _quietly(then)

            loader.exec_module = exec_module
        return spec


def per_keras(make):
    """Cache what ``make()`` returns (a class built on Keras' classes) for the
    Keras in use: ``keras.config.set_backend`` loads Keras' modules anew, and a
    class made from the old ones fails with the new ones."""
    made = {}

    @functools.wraps(make)
    def cached():
        key = keras().layers.Layer  # a new class object after set_backend
        if key not in made:
            made[key] = make()
        return made[key]

    return cached


def is_keras_model(obj):
    """True if ``obj`` is a ``keras.Model`` instance, without importing Keras."""
    module = sys.modules.get("keras")
    return module is not None and isinstance(obj, module.Model)


def backend_name():
    return keras().backend.backend()


class _Turns:
    """Blocks of code that run side by side (``shared``) or alone (``exclusive``).

    A seeded fit sets the random state that Keras keeps for the whole process,
    so it runs alone; unseeded fits run side by side, but not beside a seeded
    one, whose random streams they would draw from (its results would then
    depend on their timing). Re-entrant: the thread of an exclusive block may
    enter either kind again, and a thread in a shared block may enter an
    exclusive one, which waits for the other threads' shared blocks, or, where
    those threads wait to enter an exclusive block too (a seeded fit that a
    callback of an unseeded fit starts, in two threads), goes first of them
    (they draw nothing while they wait). A waiting exclusive block goes
    first: shared blocks that begin after it wait for it (unseeded fits in a
    loop would otherwise keep a seeded fit waiting for ever), but for a thread
    already in a shared block.
    """

    def __init__(self):
        self._condition = threading.Condition()
        self._owner = None  # the thread in exclusive blocks
        self._depth = 0
        self._shared = collections.Counter()  # thread -> its shared blocks
        self._waiting = 0  # exclusive blocks waiting to begin
        self._upgrading = []  # threads in shared blocks waiting for exclusive ones

    def _may_own(self, me):
        if self._owner is not None:
            return self._owner == me
        others = [t for t in self._shared if t != me]
        if me in self._upgrading:
            return self._upgrading[0] == me and all(t in self._upgrading for t in others)
        return not others

    @contextlib.contextmanager
    def exclusive(self):
        me = threading.get_ident()
        with self._condition:
            upgrading = me in self._shared and self._owner != me
            self._waiting += 1
            if upgrading:
                self._upgrading.append(me)
                self._condition.notify_all()  # another one may wait for this one
            try:
                while not self._may_own(me):
                    self._condition.wait()
            finally:
                self._waiting -= 1
                if upgrading:
                    self._upgrading.remove(me)
            self._owner = me
            self._depth += 1
        try:
            yield
        finally:
            with self._condition:
                self._depth -= 1
                if not self._depth:
                    self._owner = None
                    self._condition.notify_all()

    @contextlib.contextmanager
    def shared(self):
        me = threading.get_ident()
        with self._condition:
            while self._owner not in (None, me) or (
                self._owner is None and self._waiting and me not in self._shared
            ):
                self._condition.wait()
            self._shared[me] += 1
        try:
            yield
        finally:
            with self._condition:
                self._shared[me] -= 1
                if not self._shared[me]:
                    del self._shared[me]
                    self._condition.notify_all()


_RANDOM_TURNS = _Turns()


@contextlib.contextmanager
def preserved_random_state():
    """Restore Python's, NumPy's, Keras' and the backend's global random state
    (TensorFlow's global seed, PyTorch's generators) after the block, whatever
    it draws or seeds.

    Not beside a seeded fit in another thread, whose random state the
    restoring would put back where it was: the block takes a shared turn.
    """
    keras()  # first, as importing Keras draws from the global streams
    from keras.src.backend.common import global_state

    with _RANDOM_TURNS.shared():
        keras_state = {n: global_state.get_global_attribute(n) for n in _keras_random_globals()}
        tf_state = _tf_random_state()
        torch_state = _torch_random_state()
        with _global_random_kept():
            try:
                yield
            finally:
                for name, value in keras_state.items():
                    global_state.set_global_attribute(name, value)
                _restore_tf_random_state(tf_state)
                _restore_torch_random_state(torch_state)


@contextlib.contextmanager
def _global_random_kept():
    """Restore Python's and NumPy's global random streams after the block."""
    py_state, np_state = random.getstate(), np.random.get_state()
    try:
        yield
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)


def _keras_random_globals():
    """Names under which Keras keeps its global seed and its global seed generator.

    Both live in ``keras.src.backend.common.global_state``; Keras before 3.13
    has no constant for the generator's name, only the string.
    """
    from keras.src.random import seed_generator
    from keras.src.utils import rng_utils

    return (
        rng_utils.GLOBAL_RANDOM_SEED,
        getattr(seed_generator, "GLOBAL_SEED_GENERATOR", "global_seed_generator"),
    )


@contextlib.contextmanager
def seeded(seed):
    """Seed Python, NumPy, Keras and the backend for the block, then restore.

    The caller's global random streams are left as they were: ``random``,
    ``numpy.random`` and Keras' global seed are saved before and restored after.
    ``seed=None`` leaves everything untouched. The seeds are global in Keras,
    so a seeded block runs alone, and unseeded blocks of other threads (which
    would draw from its streams) wait for it: each stays reproducible.
    """
    if seed is None:
        with _RANDOM_TURNS.shared():
            yield
        return
    with _RANDOM_TURNS.exclusive(), preserved_random_state(), _own_python_random(int(seed)):
        set_random_seed(int(seed))
        yield


def set_random_seed(seed):
    """What ``keras.utils.set_random_seed(seed)`` does, with TensorFlow's seed set
    by :func:`_set_tf_seed`, which leaves TensorFlow's caches alone.

    Keras' global seed, a new global seed generator (unseeded draws come from
    one made from the seed, as Keras >= 3.13 does itself), Python's and
    NumPy's global streams, TensorFlow's global seed where TensorFlow is
    installed (``tf.data`` shuffles on any backend) and PyTorch's on that
    backend.
    """
    from keras.src.backend.common import global_state
    from keras.src.utils.module_utils import tensorflow

    seed_name, generator_name = _keras_random_globals()
    global_state.set_global_attribute(seed_name, seed)
    global_state.set_global_attribute(generator_name, None)
    random.seed(seed)
    np.random.seed(seed)
    if tensorflow.available:
        _set_tf_seed(seed)
    if keras().backend.backend() == "torch":
        import torch

        torch.manual_seed(seed)


def _set_tf_seed(seed):
    """``tf.random.set_seed(seed)`` (eager) without emptying TensorFlow's caches.

    ``set_seed`` also empties TensorFlow's cache of kernels, which restarts
    the counters of TensorFlow's stateful random operations
    (``tf.random.uniform``): after it, they repeat their draws. Keras 3 draws
    with stateless operations, whose seeds live in variables, so the emptying
    changes none of its draws; but every compiled function is then
    instantiated again at its next call: the training and prediction
    functions of a fit, 40-50 ms each time for a small network, twice per
    seeded fit (seeding, then restoring the caller's seed), half the time of
    a small fit and of a ``partial_fit``. A shared compiled network that draws
    with stateful operations has its counters restarted before each seeded
    fit (:func:`skdl._pool.training_model`). The seed and the stream of
    operation seeds are set as ``set_seed`` sets them; where TensorFlow keeps
    them elsewhere, ``set_seed`` itself is called.
    """
    import tensorflow as tf
    from tensorflow.python.eager import context

    state = context.context()
    if not (hasattr(state, "_seed") and hasattr(state, "_rng")) or not tf.executing_eagerly():
        tf.random.set_seed(seed)
        return
    state._seed = seed
    try:
        state._rng = random.Random(seed)
    except TypeError:  # a NumPy integer, which TensorFlow takes too
        state._rng = random.Random(int(np.array(seed)))


class _ThreadStreams:
    """Keras' source of default seeds (``python_random`` of
    ``keras.src.random.seed_generator``, Python's global ``random`` module as
    Keras sets it), routed per thread: a thread given a stream of its own by
    :func:`_own_python_random` draws from that one, every other thread from
    the source Keras had."""

    def __init__(self, shared):
        self._shared = shared
        self._local = threading.local()

    def __getattr__(self, name):
        if name.startswith("_"):  # its own, missing (a copy not yet initialised)
            raise AttributeError(name)
        stream = getattr(self._local, "stream", None)
        return getattr(self._shared if stream is None else stream, name)


_streams_lock = threading.Lock()


@contextlib.contextmanager
def _own_python_random(seed):
    """Keras draws its default seeds from ``random.Random(seed)`` in the block,
    in this thread only.

    Keras takes the seeds of weight initializers and seed generators from
    Python's global ``random`` stream, which every thread of the process
    shares: other threads (a Dask worker's event loop, a search's other
    workers) draw from it at any time. The private stream starts where
    ``random.seed(seed)`` puts the global one, so the results are the same as
    without other threads, and the other threads' draws (a copy of a network
    made meanwhile) do not shift it.
    """
    try:
        from keras.src.random import seed_generator
    except ImportError:  # another Keras layout: nothing to swap
        seed_generator = None
    if not hasattr(seed_generator, "python_random"):
        yield
        return
    with _streams_lock:  # read here: another thread may have routed it first
        source = seed_generator.python_random
        if not isinstance(source, _ThreadStreams):
            source = seed_generator.python_random = _ThreadStreams(source)
    previous = getattr(source._local, "stream", None)
    source._local.stream = random.Random(seed)
    try:
        yield
    finally:
        source._local.stream = previous


def untouched_random_streams():
    """A block whose Keras objects draw their default seeds from a stream of
    their own: for copies of networks whose weights are set afterwards (or
    that never train), whose draws matter to nothing. The global streams, and
    a seeded fit's in another thread, stay where they were, without the
    restoring that would rewind other threads' draws."""
    return _own_python_random(0)


def tf_global_seed():
    tf = sys.modules.get("tensorflow")
    if tf is None:
        return None
    from tensorflow.python.eager import context

    return context.global_seed()


def _tf_random_state():
    """TensorFlow's global seed and where its stream of operation seeds stands
    (eager random ops without a seed take the next one), or None before
    TensorFlow is imported."""
    if sys.modules.get("tensorflow") is None:
        return None
    from tensorflow.python.eager import context

    stream = getattr(context.context(), "_rng", None)
    return context.global_seed(), stream.getstate() if stream is not None else None


def _restore_tf_random_state(state):
    """Back to ``state``: the same global seed, and the next unseeded random op
    draws what it would have drawn without the block (``set_seed`` alone would
    restart the stream)."""
    tf = sys.modules.get("tensorflow")
    if tf is None:
        return
    seed, position = state if state is not None else (None, None)
    _set_tf_seed(seed)
    if position is not None:
        from tensorflow.python.eager import context

        stream = getattr(context.context(), "_rng", None)
        if stream is not None:
            stream.setstate(position)


def _torch_random_state():
    """PyTorch's global generators (CPU, and CUDA once started), or None.

    ``keras.utils.set_random_seed`` seeds them with ``torch.manual_seed``; on
    the PyTorch backend they draw ``Dropout``'s masks and each data loader's
    seed.
    """
    torch = sys.modules.get("torch")
    if torch is None:
        return None
    cuda = torch.cuda.get_rng_state_all() if torch.cuda.is_initialized() else None
    return torch.random.get_rng_state(), cuda


def _restore_torch_random_state(state):
    if state is None:
        return
    torch = sys.modules["torch"]
    cpu, cuda = state
    torch.random.set_rng_state(cpu)
    if cuda is not None:
        torch.cuda.set_rng_state_all(cuda)


def _declared(structure):
    """The parts of a model's inputs or outputs in the order the model declares
    them (Keras' own flat lists sort a dict's keys)."""
    if isinstance(structure, dict):
        return list(structure.values())
    if isinstance(structure, (list, tuple)):
        return list(structure)
    return [structure]


def _declared_attribute(model, name):
    """``model.input`` or ``model.output`` in declared order, or None if unknown
    (a subclassed model not yet called)."""
    try:
        return getattr(model, name)
    except (AttributeError, ValueError, TypeError):
        return None


def output_shapes(model, X_sample):
    """Shape of each model output (the batch axis first), in declared order,
    the main output first (calls the model on ``X_sample`` where it declares
    none); and their names where the outputs are a dict, else None."""
    outputs = _declared_attribute(model, "output")
    try:
        shapes = [tuple(o.shape) for o in _declared(outputs)] if outputs is not None else None
    except (AttributeError, ValueError, TypeError):
        shapes = None
    if shapes is None:
        try:
            outputs = model(X_sample, training=False)
        except (TypeError, ValueError) as exc:
            shape = tuple(X_sample.shape)
            if type(model).__module__.startswith("keras."):  # a Sequential without Input
                hint = (
                    "begin the model with keras.Input(shape) of the shape of one sample "
                    f"of X, {shape[1:]}, or reshape X to the shape its first layer takes"
                )
            else:
                hint = (
                    "skdl passes X as one array; a subclassed model whose call() takes "
                    "several inputs splits X's columns itself (inputs[:, :5], inputs[:, 2:])"
                )
            raise type(exc)(
                f"The model failed on one row of X, of shape {shape}: {hint}. The error: {exc}"
            ) from exc
        shapes = [tuple(r.shape) for r in _declared(outputs)]
    return shapes, (list(outputs) if isinstance(outputs, dict) else None)


def main_loss(model, loss):
    """The loss of ``model``'s main (first declared) output in ``loss``: its
    first entry where it is a list, its entry by output name where it is a dict
    (a dict's own order is not the outputs' order)."""
    if isinstance(loss, (list, tuple)):
        return loss[0] if loss else None
    if not isinstance(loss, dict):
        return loss
    name = main_output_name(model)
    return loss[name] if name in loss else next(iter(loss.values()), None)


def main_output_name(model):
    """The name of ``model``'s main (first declared) output, as dicts of losses
    and metrics name it, or None where unknown."""
    declared = _declared_attribute(model, "output")
    if isinstance(declared, dict):
        return next(iter(declared), None)
    try:
        return _declared(declared)[0]._keras_history[0].name
    except (AttributeError, IndexError, TypeError):
        return None


def integer_inputs(model):
    """Whether ``model`` declares an integer input (IDs for an ``Embedding``,
    ``IntegerLookup`` or ``Hashing`` layer); False where it declares none (a
    subclassed model)."""
    inputs = getattr(model, "inputs", None) or []
    return any("int" in str(getattr(tensor, "dtype", "")) for tensor in inputs)


def main_output_activation(model):
    """The name of the activation that ends the main output of ``model``
    (``"softmax"``), or None where it is unknown (a subclassed model)."""
    return output_activations(model)[0]


def output_activations(model):
    """The name of the activation that ends each output of ``model``, in
    declared order; ``[None]`` where they are unknown (a subclassed model)."""
    # a Sequential model knows its ``outputs`` before it is called, not its ``output``
    outputs = _declared_attribute(model, "output")
    if outputs is None:
        outputs = _declared_attribute(model, "outputs")
    names = [_ending_activation(output) for output in _declared(outputs)]
    return names or [None]


def _ending_activation(tensor):
    try:
        layer = tensor._keras_history[0]
    except (AttributeError, IndexError, TypeError):
        return None
    if isinstance(layer, keras().layers.Softmax):
        return "softmax"
    activation = getattr(layer, "activation", None)
    return getattr(activation, "__name__", None)


def check_activation(activation, keras_name=None, names="Keras (e.g. 'relu', 'tanh', 'gelu')"):
    """Refuse an ``activation`` name that Keras does not know (``keras_name``: the
    name it has in Keras, where the estimator translates it), naming ``names``."""
    if not isinstance(activation, str):
        return  # a callable: Keras calls it
    try:
        keras().activations.get(keras_name or activation)
    except ValueError:
        raise ValueError(
            f"activation={activation!r} is not an activation: use a name of {names}, "
            "or a callable."
        ) from None


def first_output(raw, model=None):
    """The main (first declared) output of ``model``'s outputs ``raw``: a
    compiled function may return a dict in another (sorted) order."""
    if isinstance(raw, dict):
        declared = _declared_attribute(model, "output") if model is not None else None
        first = next(iter(declared if isinstance(declared, dict) else raw))
        raw = raw[first] if first in raw else next(iter(raw.values()))
    elif isinstance(raw, (list, tuple)):
        raw = raw[0]
    if isinstance(raw, np.ndarray):
        return raw
    # a backend tensor: PyTorch's must leave the autograd graph first
    return keras().ops.convert_to_numpy(raw)


def predict_batched(model, X, batch_size):
    """``model.predict`` without its per-call overhead, in fixed-size chunks.

    The compiled function is shared by every network of the same architecture
    (see ``_pool``) and skips Keras' data pipeline, so a single row costs well
    under a millisecond and a fresh network traces nothing. Every call sees exactly
    ``batch_size`` rows (the last chunk is padded with zeros): the matrix
    kernels then treat each row the same way, so a row's prediction does not
    depend on the other rows of ``X``, bit for bit.
    """
    from . import _sparse
    from ._pool import prediction_function

    predict = prediction_function(model)
    as_sparse = _sparse.takes_sparse(model)

    def batch(start):
        # a sparse X: its rows as sparse tensors where the network takes them,
        # else made dense (only this chunk)
        inputs = split_inputs(model, _chunk(X, start, batch_size))
        convert = _sparse.to_tensor if as_sparse else _sparse.dense
        return keras().tree.map_structure(convert, inputs)

    parts = [
        first_output(predict(batch(start)), model) for start in range(0, X.shape[0], batch_size)
    ]
    return np.concatenate(parts, axis=0)[: X.shape[0]]


def _chunk(X, start, size):
    """Rows ``start:start + size`` of ``X`` padded with zeros to ``size`` rows
    (of a sparse ``X``, a sparse matrix)."""
    import scipy.sparse as sp

    chunk = X[start : start + size]
    missing = size - chunk.shape[0]
    if missing and sp.issparse(chunk):
        empty = sp.csr_matrix((missing,) + chunk.shape[1:], dtype=chunk.dtype)
        return sp.vstack([chunk, empty], format="csr")
    if missing:
        padding = np.zeros((missing,) + chunk.shape[1:], dtype=chunk.dtype)
        return np.concatenate([chunk, padding])
    return chunk


def split_inputs(model, X):
    """What each input of ``model`` receives of ``X``, in input order.

    A model with inputs of 5 and 3 features receives ``[X[:, :5], X[:, 5:8]]``
    (a dict by the same names for inputs declared as a dict); a single-input
    model receives ``X`` itself. An input of one value per sample
    (``keras.Input(())``, an ID) receives one column as a 1-D array (alone,
    X's one column); one input of unknown width (``keras.Input((None,))``)
    receives the columns the others leave.
    """
    inputs, declared = _ordered_inputs(model)
    if len(inputs) == 1 and len(inputs[0].shape) == 1 and X.ndim == 2 and X.shape[1] == 1:
        return _one_column(X, 0)
    if len(inputs) <= 1:
        return X
    if X.ndim > 2 or any(len(inp.shape) > 2 for inp in inputs):
        raise ValueError(
            f"The model has {len(inputs)} inputs, which take column blocks of a 2-D X; "
            f"got X of shape {X.shape} for inputs of shapes "
            f"{[tuple(inp.shape) for inp in inputs]}. Give the model one input, or "
            "flatten X and reshape each block in the network (keras.layers.Reshape)."
        )
    sizes = [1 if len(inp.shape) == 1 else inp.shape[-1] for inp in inputs]
    unknown = [i for i, size in enumerate(sizes) if size is None]
    if len(unknown) > 1:
        raise ValueError(
            f"The model has {len(unknown)} inputs of unknown width (shapes "
            f"{[tuple(inputs[i].shape) for i in unknown]}), and X's columns can go to "
            "one of them only: give every input but one its number of features, "
            "e.g. keras.Input((5,))."
        )
    known = sum(size or 0 for size in sizes)
    if known + bool(unknown) > X.shape[1] or (not unknown and known != X.shape[1]):
        at_least = "at least " if unknown else ""
        raise ValueError(
            f"The model has {len(sizes)} inputs of {sizes} features ({at_least}"
            f"{known + bool(unknown)} in all), but X has {X.shape[1]} columns. A "
            "multi-input model receives consecutive column blocks of X, in the order "
            "of its inputs."
        )
    if unknown:
        sizes[unknown[0]] = X.shape[1] - known
    bounds = np.cumsum([0] + sizes)
    blocks = [
        _one_column(X, a) if len(inp.shape) == 1 else X[:, a:b]
        for inp, a, b in zip(inputs, bounds[:-1], bounds[1:])
    ]
    return dict(zip(declared, blocks)) if isinstance(declared, dict) else blocks


def _ordered_inputs(model):
    """``model``'s input tensors in the order :func:`split_inputs` gives them
    their blocks, and the inputs as declared (a dict by name, or None)."""
    inputs = getattr(model, "inputs", None) or []
    if len(inputs) <= 1:
        return inputs, None
    declared = _declared_attribute(model, "input")
    if isinstance(declared, dict):
        inputs = list(declared.values())
    return inputs, declared


def _one_column(X, j):
    """Column ``j`` of ``X`` as a 1-D array (of a sparse ``X``, made dense)."""
    column = X[:, j]
    return np.asarray(column.todense()).ravel() if hasattr(column, "todense") else column


def integer_blocks(model, X):
    """The column blocks of ``X`` that ``model``'s integer inputs receive."""
    inputs, _ = _ordered_inputs(model)
    if len(inputs) <= 1:
        return [X] if integer_inputs(model) else []
    blocks = split_inputs(model, X)
    blocks = list(blocks.values()) if isinstance(blocks, dict) else blocks
    return [block for block, inp in zip(blocks, inputs) if "int" in str(inp.dtype)]


def clone_model(model):
    """Copy of a ``keras.Model``: same layers, weights and compile settings.

    The copy shares no state with the original, so fitting it leaves the
    user's model untouched.
    """
    with compile_state_lock:  # the compile settings as they are outside a clone
        compiled = getattr(model, "compiled", False) and model.optimizer is not None
        settings = model._compile_config if compiled else None
        clone = clone_network(model)
    if model.built and clone.built:
        clone.set_weights(model.get_weights())
        for layer in clone._flatten_layers(include_self=False):
            if isinstance(layer, keras().layers.Normalization):
                # it computes with constants that adapt() and loading derive from
                # its variables; set_weights left those of a fresh layer (mean 0,
                # variance 1)
                layer.finalize_state()
    if compiled:
        config = dict(settings.config) if settings else {}
        from ._compile import fresh_metrics, from_config

        config["optimizer"] = from_config(model.optimizer, "optimizer")
        for name in ("metrics", "weighted_metrics"):
            config[name] = fresh_metrics(config.get(name))
        clone.compile(**config)
    return clone


# Held while a model's ``compiled`` flag is off for a clone (see clone_network),
# and by what reads that flag of a model another thread may be cloning: its
# copy, its pickle
compile_state_lock = threading.RLock()


def clone_network(model):
    """``keras.models.clone_model(model)``: same layers, fresh variables, not
    compiled (``clone_model`` above compiles it with the live objects).

    Keras' clone compiles a compiled model's copy from its serialized compile
    settings, which fails for a loss, metric or schedule of the user's that is
    not registered; it rebuilds each layer from its configuration, which fails
    for lambdas (see ``_persistence.clone_layer``); and it declares every input
    dense, dropping ``keras.Input(..., sparse=True)``: such a network is
    rebuilt from its configuration.
    """
    from . import _persistence

    k = keras()
    with compile_state_lock, _persistence.quiet_lambdas():
        compiled = getattr(model, "compiled", False)
        try:
            # for the length of the clone only, and one clone at a time
            model.compiled = False
            if isinstance(model, graph_model_types()):
                clone = k.models.clone_model(model, clone_function=_persistence.clone_layer)
            else:
                clone = k.models.clone_model(model)
        finally:
            model.compiled = compiled
    if sparse_inputs(clone) == sparse_inputs(model):
        return clone
    return _persistence.rebuild(model)


def function_arguments(obj):
    """The arguments a Keras loss or metric object passes its function, or None.

    Keras' ``LossFunctionWrapper`` and ``MeanMetricWrapper`` keep them in
    ``_fn_kwargs``, and some of their ``get_config()`` leave them out (in Keras
    3.15, ``Huber``'s ``delta``, the ``axis`` of ``CosineSimilarity`` and
    ``SparseCategoricalCrossentropy``): a copy made from the configuration
    needs them, and so does a key that tells such objects apart.
    """
    arguments = getattr(obj, "_fn_kwargs", None)
    return arguments if isinstance(arguments, dict) else None


def mend_function_configs():
    """Where Keras is loaded, give the ``get_config()`` of ``Huber``,
    ``CosineSimilarity`` (loss and metric) and ``SparseCategoricalCrossentropy``
    the arguments of their function that Keras 3.15 leaves out (``delta``,
    ``axis``).

    Keras copies its objects through their configuration (``copy.deepcopy``,
    hence scikit-learn's ``clone`` of a parameter or of a search's candidate
    values, pickling, saving a compiled model), so the copies came back with
    the defaults. Only arguments missing from the configuration and taken by
    the object's constructor are added: a Keras that keeps them is left as it
    is. Called where skdl loads Keras and, without importing it, where skdl
    clones or pickles an estimator.
    """
    module = sys.modules.get("keras")
    try:
        classes = (
            module.losses.Huber,
            module.losses.CosineSimilarity,
            module.losses.SparseCategoricalCrossentropy,
            module.metrics.CosineSimilarity,
        )
    except AttributeError:  # not loaded (None), or another Keras
        return
    for cls in classes:
        if not getattr(cls.get_config, "_with_function_arguments", False):
            cls.get_config = _with_function_arguments(cls.get_config)


def _with_function_arguments(get_config):
    @functools.wraps(get_config)
    def mended(self):
        config = get_config(self)
        parameters = inspect.signature(type(self).__init__).parameters
        missing = {
            name: value
            for name, value in (function_arguments(self) or {}).items()
            if name not in config and name in parameters
        }
        return {**config, **missing}

    mended._with_function_arguments = True
    return mended


def graph_model_types():
    """``(keras.Sequential, Functional)``: the models that are a graph of
    layers, which Keras clones layer by layer (not subclassed models)."""
    from keras.src.models.functional import Functional

    return (keras().Sequential, Functional)


def state_outside_variables(layer):
    """Whether ``layer`` computes with state that its variables do not hold:
    Keras' adaptable preprocessing layers (``Normalization``, ``Discretization``,
    the lookups), whose ``finalize_state()`` derives it from what ``adapt()``
    saw. A compiled function captures that state as constants."""
    return callable(getattr(layer, "finalize_state", None))


def sparse_inputs(model):
    """Whether each input of ``model`` is declared sparse (``[]`` if unknown)."""
    return [bool(getattr(i, "sparse", False)) for i in getattr(model, "inputs", None) or []]


def method_arguments(name):
    """Names of the arguments of ``keras.Model.<name>`` (``fit``, ``compile``)."""
    return set(inspect.signature(getattr(keras().Model, name)).parameters) - {"self"}


def training_state(model):
    """The weights and optimizer variables of ``model``, to undo a failed fit."""
    optimizer = getattr(model, "optimizer", None)
    variables = list(getattr(optimizer, "variables", None) or [])
    # copies: a variable's numpy view can change with it (PyTorch)
    return model.get_weights(), [np.array(v.numpy(), copy=True) for v in variables]


def restore_training_state(model, state):
    """Put back what :func:`training_state` read: a fit that failed (diverged, say)
    leaves neither its weights nor its optimizer's moments and step count."""
    weights, optimizer_values = state
    model.set_weights(weights)
    variables = list(getattr(getattr(model, "optimizer", None), "variables", None) or [])
    if len(variables) == len(optimizer_values):
        for variable, value in zip(variables, optimizer_values):
            variable.assign(value)
