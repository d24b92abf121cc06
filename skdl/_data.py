"""One data pipeline for all the epochs of a fit, on TensorFlow.

Given arrays, ``keras.Model.fit`` on TensorFlow builds a new ``tf.data``
iterator for every epoch (10-20 ms each: the pipeline's functions are
instantiated again), and its array adapter gathers every batch in a pipeline
made for one epoch. :func:`training_data` gives ``fit`` one endless pipeline
(:func:`epoch_batches`) whose batches follow each other epoch after epoch, so
that Keras makes one iterator per fit.

The epochs' orders are chosen by the estimator. The Keras estimators keep
those of Keras' own array adapter (:func:`keras_orders`), so that their fits
stay identical to ``model.fit`` on the same arrays; the MLP presets draw a new
order for every epoch from their ``random_state``.

Where a fit's epochs are few and hold little data, their batches are
gathered in advance instead (:func:`gathered_batches`): the pipeline's gathering
functions cost more to make and start (30-40 ms per fit) than a small fit's
whole training, or a ``partial_fit``'s.

Validation arrays, which Keras would evaluate through its array adapter after
every epoch, become a dataset of the same batches (:func:`validation_batches`).

Keras runs ``steps_per_execution`` batches per call and does not stop a call at
the end of an epoch: the pipeline is used only when a number of batches per
call close to the one wanted divides the batches of an epoch, so that epochs
(and their callbacks) see exactly their own batches.
"""

import functools
import math

import numpy as np
import scipy.sparse as sp

from . import _config, _keras, _threads
from ._compile import KERAS_BATCH_SIZE
from ._keras import keras

# below this many batches per call, one call per batch costs more than the
# iterator that an endless pipeline saves: Keras' own array adapter is used
MIN_STEPS_PER_EXECUTION = 16
# batches gathered in one operation: tf.data's cost per operation is paid once
# for all of them (a copy of this many batches at a time)
CHUNK_BATCHES = 64
# a fit whose epochs hold at most this many bytes (of batches, all epochs
# together) gets its batches gathered in advance, not by the pipeline
GATHERED_BYTES = 16 * 2**20
# ... and at most this many epochs: each epoch's order is drawn before training
# (0.1 ms each), whether or not early stopping ends the fit sooner
GATHERED_EPOCHS = 256
# batches that a thread of tf.data's keeps ready ahead of training
PREFETCH_BATCHES = 2


def aligned_steps_per_execution(wanted, steps_per_epoch, required=False):
    """The largest number of batches per call, at most ``wanted``, that divides an
    epoch of ``steps_per_epoch`` batches; None when that is too small to pay off,
    unless the pipeline is ``required``."""
    if wanted >= steps_per_epoch:
        return steps_per_epoch
    best = max(d for d in range(1, wanted + 1) if steps_per_epoch % d == 0)
    return best if required or best >= min(wanted, MIN_STEPS_PER_EXECUTION) else None


def training_data(data, fit_kwargs, wanted, orders, sparse=False):
    """``keras.Model.fit``'s data arguments: one pipeline for all epochs when possible.

    Parameters
    ----------
    data : dict
        ``{"x": ..., "y": ..., "sample_weight": ...}`` as ``fit`` would take them:
        arrays, or tuples/lists/dicts of arrays for several inputs or outputs;
        ``y`` and ``sample_weight`` may be None.
    fit_kwargs : dict
        The other arguments of ``fit``. When the pipeline is used they are
        updated for it: the batch size and shuffling move into the pipeline,
        ``validation_split`` becomes ``validation_data`` (the same last rows
        that Keras would hold out), arrays in ``validation_data`` become a
        dataset of their batches (:func:`validation_batches`) and
        ``steps_per_epoch`` is one pass over the data.
    wanted : int
        Batches per call that the estimator asks for.
    orders : callable
        ``orders(n_rows, shuffle)`` returns the keyword arguments of
        :func:`epoch_batches` that choose the epochs' orders (None: use Keras'
        array adapter); called only when the pipeline can be used.
    sparse : bool, default=False
        Give the rows of sparse matrices as sparse tensors (for a network whose
        inputs are declared sparse), not made dense; see :func:`epoch_batches`.

    Returns
    -------
    data : dict
        ``{"x": dataset}`` (:func:`epoch_batches`, or :func:`gathered_batches`
        for at most ``GATHERED_EPOCHS`` epochs that hold at most
        ``GATHERED_BYTES`` of dense arrays), or ``data``
        unchanged where Keras' own array
        adapter is used: not on TensorFlow, with ``set_config(single_pipeline=False)``,
        data other than NumPy arrays, ``shuffle="batch"``, a ``steps_per_epoch``
        other than one pass over the data, or no number of batches per call
        that divides an epoch and is close enough to ``wanted`` (for dense
        targets: sparse ones take any divisor).
    steps_per_execution : int
        Batches per call to compile the network with: ``wanted``, or the
        divisor of the epoch's batches that the pipeline needs.
    """
    shuffle = fit_kwargs.get("shuffle", True)
    arrays = flat_arrays(data, sparse=True)
    if not use_single_pipeline() or arrays is None or not isinstance(shuffle, (bool, np.bool_)):
        return data, wanted
    validation = None
    split = fit_kwargs.get("validation_split")
    if split and fit_kwargs.get("validation_data") is None:
        arrays, validation = _held_out(arrays, split)
    n = next(a for a in keras().tree.flatten(arrays) if a is not None).shape[0]
    batch_size = fit_kwargs.get("batch_size") or KERAS_BATCH_SIZE
    steps = math.ceil(n / batch_size)
    # sparse targets (an autoencoder's) keep to the pipeline, which makes them
    # dense in Keras' order: Keras' array adapter would give the loss sparse
    # tensors, and the dense batches made instead (skdl._sparse) another order
    from ._sparse import has_sparse

    aligned = aligned_steps_per_execution(wanted, steps, required=has_sparse(arrays[1:]))
    if aligned is None or fit_kwargs.get("steps_per_epoch") not in (None, steps):
        return data, wanted
    order = orders(n, bool(shuffle))
    if order is None:
        return data, wanted
    epochs = fit_kwargs.get("epochs", 1) - fit_kwargs.get("initial_epoch", 0)
    if (
        1 <= epochs <= GATHERED_EPOCHS
        and not has_sparse(arrays)
        and epochs * n * _row_bytes(arrays) <= GATHERED_BYTES
    ):
        dataset = gathered_batches(arrays, batch_size, bool(shuffle), epochs, **order)
    else:
        dataset = epoch_batches(arrays, batch_size, bool(shuffle), sparse=sparse, **order)
    fit_kwargs.pop("validation_split", None)
    validation = fit_kwargs.get("validation_data") if validation is None else validation
    if validation is not None:
        fit_kwargs["validation_data"] = _validation_dataset(validation, fit_kwargs, batch_size)
    fit_kwargs.pop("batch_size", None)
    fit_kwargs["shuffle"] = False  # the pipeline shuffles
    fit_kwargs["steps_per_epoch"] = steps
    return {"x": dataset}, aligned


def training_rows(n_rows, validation_split):
    """How many of ``n_rows`` rows Keras trains on with ``validation_split``."""
    return len(_held_out((np.arange(n_rows),), validation_split)[0][0])


def _held_out(arrays, validation_split):
    """``(training, validation)``: ``arrays`` split as Keras' ``fit`` splits
    them for ``validation_split``, the last rows held out."""
    keras()  # imported as skdl imports it
    from keras.src.trainers.data_adapters.array_slicing import train_validation_split

    return train_validation_split(arrays, validation_split=validation_split)


def _validation_dataset(validation, fit_kwargs, batch_size):
    """``validation_data`` as :func:`validation_batches` when it is arrays (Keras
    evaluates arrays through its array adapter: ~0.5 ms per batch, every epoch);
    unchanged otherwise, or with ``validation_steps``, when arrays keep the
    training batches' size (Keras' default, which ``fit`` no longer gets)."""
    arrays = validation_arrays(validation, fit_kwargs)
    if arrays is None:
        if isinstance(validation, tuple) and fit_kwargs.get("validation_batch_size") is None:
            fit_kwargs["validation_batch_size"] = batch_size
        return validation
    size = fit_kwargs.pop("validation_batch_size", None) or batch_size
    return validation_batches(arrays, size)


def validation_arrays(validation, fit_kwargs, sparse=False):
    """``validation_data`` as :func:`flat_arrays` packs it; None unless it is a
    tuple ``(x, y)`` or ``(x, y, sample_weight)`` of arrays, without
    ``validation_steps``."""
    if fit_kwargs.get("validation_steps") is not None or not isinstance(validation, tuple):
        return None
    if not 1 <= len(validation) <= 3:
        return None
    x, y, sample_weight = validation + (None,) * (3 - len(validation))
    return flat_arrays({"x": x, "y": y, "sample_weight": sample_weight}, sparse)


def flat_arrays(data, sparse=False):
    """``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)`` with lists as tuples, as
    ``tf.data`` and Keras take them; None unless all are NumPy arrays (or, with
    ``sparse``, SciPy sparse matrices)."""
    x, y, sample_weight = data["x"], data.get("y"), data.get("sample_weight")
    if y is None and sample_weight is not None:
        return None
    arrays = keras().tree.lists_to_tuples(
        (x,) if y is None else (x, y) if sample_weight is None else (x, y, sample_weight)
    )
    if not all(
        isinstance(a, np.ndarray) or (sparse and sp.issparse(a))
        for a in keras().tree.flatten(arrays)
    ):
        return None
    return arrays


def keras_orders(n, shuffle):
    """The orders of ``n`` rows that Keras' array adapter gives ``fit`` on TensorFlow.

    Keras makes a new iterator for every epoch, and its shuffle draws from a
    seed fixed when the pipeline is made: under a global seed (an estimator's
    ``random_state``, or ``keras.utils.set_random_seed``) every epoch has the
    same order, :func:`keras_order`. Without one, every epoch has a new random
    order. Returns keyword arguments of :func:`epoch_batches`, or None when
    Keras' order cannot be had (another Keras layout).
    """
    if not shuffle:
        return {}
    if _keras.tf_global_seed() is None:
        return {"seed": int(np.random.randint(np.iinfo(np.int32).max))}
    order = keras_order(n)
    return None if order is None else {"order": order}


def keras_order(n):
    """The order in which Keras' array adapter shuffles ``n`` rows under the
    current global seed (it depends on nothing else), or None."""
    seed = _keras.tf_global_seed()
    if seed is None:
        return _read_keras_order(n)
    return _cached_keras_order(seed, n)


@functools.lru_cache(maxsize=8)
def _cached_keras_order(seed, n):
    # the folds and candidates of a seeded search ask again and again (~25 ms each)
    order = _read_keras_order(n)
    if order is not None:
        order = order.astype(np.int32 if n <= np.iinfo(np.int32).max else np.int64)
        order.flags.writeable = False
    return order


def _read_keras_order(n):
    try:
        from keras.src.trainers.data_adapters.array_data_adapter import ArrayDataAdapter
    except ImportError:
        return None
    indices = ArrayDataAdapter(np.arange(n), batch_size=max(n, 1), shuffle=True)
    return np.asarray(next(iter(indices.get_tf_dataset())))


def epoch_batches(arrays, batch_size, shuffle, seed=0, first_epoch=0, order=None, sparse=False):
    """An endless ``tf.data.Dataset`` of batches of ``arrays``, epoch after epoch.

    Parameters
    ----------
    arrays : tuple
        ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``, NumPy arrays or
        tuples/dicts of them, all with the same first axis. Floating-point
        arrays are cast to Keras' ``floatx``, as Keras' array adapter does.
    batch_size : int
        Rows per batch; the last batch of each epoch holds the remainder.
    shuffle : bool
        Draw a new order of the rows for every epoch.
    seed : int, default=0
        Seed of the orders: epoch ``e`` uses the stateless seed ``(seed, e)``.
    first_epoch : int, default=0
        Number of the first epoch: a continued fit starts after the epochs it
        has run, so that its orders are those of one longer fit.
    order : ndarray of shape (n_rows,), default=None
        One order of the rows for every epoch, instead of drawn ones.
    sparse : bool, default=False
        The rows of a SciPy sparse matrix in ``x`` come as a
        ``tf.SparseTensor`` per batch; else they are made dense, a batch at a
        time. Sparse targets (an autoencoder's, ``X`` itself) are always made
        dense: Keras' losses take dense tensors.

    Returns
    -------
    dataset : tf.data.Dataset
        ``ceil(n / batch_size)`` batches per epoch.
    """
    import tensorflow as tf

    tree = keras().tree
    tensors = _tensors(arrays)
    n = int(tensors[0].shape[0])
    whole = n // batch_size * batch_size  # rows in full batches
    epoch_rows = _epoch_rows(n, shuffle, seed, order)

    # the rows of a sparse matrix are taken a batch at a time
    chunk = 1 if any(sp.issparse(t) for t in tensors) else CHUNK_BATCHES

    n_inputs = len(tree.flatten(arrays[0]))  # the leaves of x come first

    def gather(rows):
        # rows of any shape: the data of each, with that shape in front
        flat = tf.reshape(rows, [-1])
        return tree.pack_sequence_as(
            arrays,
            [
                _gather(t, flat, tf.shape(rows), sparse and i < n_inputs)
                for i, t in enumerate(tensors)
            ],
        )

    epochs = tf.data.Dataset.range(first_epoch, np.iinfo(np.int64).max)
    n_full = whole // batch_size
    # the full batches of all epochs in one stream, gathered `chunk` batches at a time
    full = (
        epochs.map(lambda e: tf.reshape(epoch_rows(e)[:whole], (n_full, batch_size)))
        .unbatch()
        .batch(chunk)
        .map(gather)
        .unbatch()
    )
    # the remainder of every epoch in another (the orders are stateless: both
    # streams draw the same)
    rest = None if whole == n else epochs.map(lambda e: gather(epoch_rows(e)[whole:]))
    return prefetched(_epochs_of(full, rest, n_full))


def gathered_batches(arrays, batch_size, shuffle, n_epochs, seed=0, first_epoch=0, order=None):
    """The first ``n_epochs`` epochs of :func:`epoch_batches`, gathered in advance.

    The same batches in the same order, made with NumPy before the fit: a
    dataset of ready batches starts at once, where the pipeline of
    :func:`epoch_batches` first makes and starts its gathering functions
    (30-40 ms, more than a small fit's whole training). It holds all the
    epochs' batches, so it is for little data: dense arrays only.

    Parameters
    ----------
    arrays, batch_size, shuffle, seed, first_epoch, order
        As for :func:`epoch_batches`.
    n_epochs : int
        Epochs to gather; the dataset then serves them again (a fit reads no
        further than its epochs).

    Returns
    -------
    dataset : tf.data.Dataset
        ``n_epochs * ceil(n / batch_size)`` batches, then the same again,
        endlessly.
    """
    import tensorflow as tf

    tree = keras().tree
    flat = [floatx(a) for a in tree.flatten(arrays)]
    n = flat[0].shape[0]
    whole = n // batch_size * batch_size
    n_full = whole // batch_size
    epoch_rows = _epoch_rows(n, shuffle, seed, order)
    rows = [
        epoch_rows(tf.constant(e, tf.int64)).numpy()
        for e in range(first_epoch, first_epoch + n_epochs)
    ]

    def batches(taken):  # the rows `taken` of every array, one batch per row of `taken`
        return tf.data.Dataset.from_tensor_slices(
            tree.pack_sequence_as(arrays, [a[taken] for a in flat])
        )

    full = batches(
        np.stack([r[:whole].reshape(n_full, batch_size) for r in rows]).reshape(-1, batch_size)
    )
    rest = None if whole == n else batches(np.stack([r[whole:] for r in rows]))
    # endless, as the pipeline is: Keras makes a new iterator (and starts it) at
    # the end of a dataset of known length
    return prefetched(_epochs_of(full, rest, n_full).repeat(), prefetch=False)


def _epoch_rows(n, shuffle, seed, order):
    """``epoch_rows(epoch)``: the order of the ``n`` rows in an epoch (an int64
    scalar tensor), in a ``tf.data`` function or eagerly."""
    import tensorflow as tf

    fixed = None if order is None else tf.constant(order, tf.int64)

    def epoch_rows(epoch):
        if fixed is not None:
            return fixed
        if shuffle:
            seeds = tf.stack([tf.constant(seed, tf.int64), epoch])
            return tf.random.experimental.stateless_shuffle(tf.range(n, dtype=tf.int64), seeds)
        return tf.range(n, dtype=tf.int64)

    return epoch_rows


def _epochs_of(full, rest, n_full):
    """Epochs of ``n_full`` batches of ``full`` then, unless ``rest`` is None
    (no remainder), one of ``rest``."""
    import tensorflow as tf

    if rest is None:
        return full
    if n_full == 0:
        return rest
    choice = tf.data.Dataset.from_tensor_slices(tf.constant([0] * n_full + [1], tf.int64)).repeat()
    return tf.data.Dataset.choose_from_datasets([full, rest], choice)


def _row_bytes(arrays):
    """Bytes of one row of all the (dense) arrays, floats counted in ``floatx``."""
    size = 0
    for a in keras().tree.flatten(arrays):
        item = np.dtype(keras().config.floatx()).itemsize if a.dtype.kind == "f" else a.itemsize
        size += item * int(np.prod(a.shape[1:], dtype=np.int64))
    return size


def _gather(values, flat, shape, sparse=False):
    """The rows ``flat`` of ``values`` (a tensor or a SciPy sparse matrix), with
    ``shape`` in front. A sparse matrix's are taken in Python (a ``tf.data``
    function cannot gather the rows of a sparse tensor): made dense, or with
    ``sparse``, a ``tf.SparseTensor``."""
    import tensorflow as tf

    row_shape = tuple(values.shape[1:])
    full_shape = tf.concat([shape, tf.constant(row_shape, tf.int32)], 0)
    if sp.issparse(values) and sparse:
        from ._sparse import coordinates

        indices, entries = tf.numpy_function(
            lambda rows: coordinates(values[rows]),
            [flat],
            [tf.int64, values.dtype],
            stateful=False,
        )
        rows = tf.SparseTensor(
            tf.ensure_shape(indices, (None, 2)),
            tf.ensure_shape(entries, (None,)),
            tf.cast(tf.concat([tf.shape(flat), row_shape], 0), tf.int64),
        )
        return tf.sparse.reshape(rows, tf.cast(full_shape, tf.int64))
    if sp.issparse(values):
        taken = tf.numpy_function(
            lambda rows: values[rows].toarray(), [flat], values.dtype, stateful=False
        )
        taken = tf.ensure_shape(taken, (None,) + row_shape)
    else:
        taken = tf.gather(values, flat)
    return tf.reshape(taken, full_shape)


def validation_batches(arrays, batch_size):
    """A ``tf.data.Dataset`` of the batches of ``arrays`` in order: those that Keras'
    array adapter gives ``evaluate``, with less work per batch.

    Parameters
    ----------
    arrays : tuple
        ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``, NumPy arrays or
        tuples/dicts of them, all with the same first axis. Floating-point
        arrays are cast to Keras' ``floatx``.
    batch_size : int
        Rows per batch; the last batch holds the remainder.

    Returns
    -------
    dataset : tf.data.Dataset
        ``ceil(n / batch_size)`` batches, one pass over the rows.
    """
    import tensorflow as tf

    structure = keras().tree.pack_sequence_as(arrays, _tensors(arrays))
    batches = tf.data.Dataset.from_tensor_slices(structure).batch(batch_size)
    return prefetched(batches, prefetch=False)


def prefetched(dataset, prefetch=True):
    """``dataset`` as Keras reads it: its next batches made by a thread of
    tf.data's while Keras uses the current one, and no autotuning.

    Parameters
    ----------
    dataset : tf.data.Dataset
        A pipeline of batches.
    prefetch : bool, default=True
        Keep ``PREFETCH_BATCHES`` batches ready; False makes each batch when
        it is asked for (batches that are ready anyway: taking one costs next
        to nothing).

    Returns
    -------
    dataset : tf.data.Dataset
        Without tf.data's autotuning: its thread held up the end of a fit for
        1.2 s, 2 to 3 fits in 8 (California housing, 20 epochs, 1.4 s
        without it), and a fixed buffer trains as fast. Where TensorFlow runs
        one thread of each kind (a worker process with one core, see
        :mod:`skdl._threads`), without prefetching: there a second thread only
        waits for the same core, and the hand-overs between the two left a
        worker's core idle a third of the time (the Hands-On ML search at
        ``n_jobs=2`` on two cores took ~1.4x as long with it).
    """
    import tensorflow as tf

    if prefetch and _threads.applied_limits() != (1, 1):
        dataset = dataset.prefetch(PREFETCH_BATCHES)
    options = tf.data.Options()
    options.autotune.enabled = False
    options.experimental_optimization.inject_prefetch = False
    return dataset.with_options(options)


def _tensors(arrays):
    """The arrays of a structure as a flat list of tensors, floats cast to ``floatx``
    as Keras' array adapter casts them; a SciPy sparse matrix stays one (its
    rows are made dense a batch at a time, :func:`_gather`). An array given
    twice (an autoencoder's ``X``, its targets too) is one tensor, one copy."""
    import tensorflow as tf

    made = {}

    def tensor(array):
        if sp.issparse(array):
            return floatx(array)
        if id(array) not in made:
            made[id(array)] = tf.constant(floatx(array))
        return made[id(array)]

    return [tensor(a) for a in keras().tree.flatten(arrays)]


def floatx(array):
    """``array`` with floating-point values in Keras' ``floatx``, as Keras' array
    adapter casts them (not copied when they are already)."""
    if array.dtype.kind != "f":
        return array
    return array.astype(keras().config.floatx(), copy=False)


def use_single_pipeline():
    """Whether to train from :func:`epoch_batches`: on TensorFlow, which reads
    ``tf.data`` pipelines natively, unless ``set_config(single_pipeline=False)``."""
    return _config.get_config()["single_pipeline"] and keras().backend.backend() == "tensorflow"
