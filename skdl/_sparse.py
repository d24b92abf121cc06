"""A sparse ``X``, a batch at a time.

A sparse ``X`` (a TF-IDF matrix, the sparse one-hot output of a
ColumnTransformer) stays sparse in every estimator: made dense whole, 100,000
documents of a 100,000-word vocabulary would take 40 GB, where scikit-learn's
MLPs multiply the sparse matrix itself. A batch at a time reaches the network:

- as a sparse tensor, on TensorFlow, to a network whose inputs are declared
  sparse (:func:`takes_sparse`): the networks that skdl builds for a sparse
  ``X`` are (``meta["sparse_input_"]``, :func:`feeds_sparse`), and a
  builder's may be. Their first layer multiplies the sparse rows; nothing is
  made dense. The fit is the fit on ``X.toarray()`` to float rounding (the
  products add up in another order).
- made dense, to any other network: the fit is the fit on ``X.toarray()``,
  bit for bit, in the same batches and orders.

How: ``fit`` on TensorFlow gives Keras the SciPy matrix, which its array
adapter slices into sparse tensors (made dense again by a network of dense
input); where skdl gives ``fit`` one pipeline for all epochs
(:mod:`skdl._data`), the pipeline takes each batch's rows as a sparse tensor
or makes them dense. On the other backends Keras would make each batch a JAX
sparse array, whose number of stored values differs from batch to batch, so
that JAX compiles the training step again for every batch (70 times slower
than dense): :func:`training_data` gives Keras dense batches instead
(:func:`dense_batches`), in the order of Keras' array adapter, and skdl's
networks declare dense inputs there. ``predict``
(:func:`skdl._keras.predict_batched`) takes one chunk of rows at a time.
"""

import math

import numpy as np
import scipy.sparse as sp
from sklearn.utils.validation import _num_samples

from . import _data, _keras
from ._compile import KERAS_BATCH_SIZE


def dense(X):
    """``X`` made dense if it is a sparse matrix: for a batch or a few rows."""
    return X.toarray() if sp.issparse(X) else X


def feeds_sparse(X):
    """Whether the network built for ``X`` should declare a sparse input
    (``meta["sparse_input_"]``): ``X`` is sparse and the backend is TensorFlow,
    whose sparse tensors keep their shape from batch to batch."""
    return sp.issparse(X) and _keras.backend_name() == "tensorflow"


def takes_sparse(model):
    """Whether fit and predict give ``model`` the rows of a sparse ``X`` as sparse
    tensors: on TensorFlow, where all its inputs are declared sparse
    (``keras.Input(..., sparse=True)``); else they make them dense."""
    if _keras.backend_name() != "tensorflow":
        return False
    declared = _keras.sparse_inputs(model)
    return bool(declared) and all(declared)


def to_tensor(X):
    """A SciPy sparse matrix as a ``tf.SparseTensor`` (TensorFlow), its entries in
    row-major order; anything else unchanged."""
    if not sp.issparse(X):
        return X
    import tensorflow as tf

    indices, values = coordinates(X)
    return tf.SparseTensor(indices, values, X.shape)


def coordinates(X):
    """``(indices, values)`` of a sparse matrix's stored entries, row-major: the
    parts of a ``tf.SparseTensor``."""
    rows = X.tocsr()
    if not rows.has_sorted_indices:
        rows = rows.sorted_indices()
    coo = rows.tocoo()
    return np.stack([coo.row, coo.col], axis=1).astype(np.int64), coo.data


def has_sparse(structure):
    """Whether any leaf of ``structure`` (arrays, tuples, lists, dicts) is sparse."""
    return any(sp.issparse(a) for a in _keras.keras().tree.flatten(structure))


def training_data(data, fit_kwargs):
    """``keras.Model.fit``'s data arguments for a sparse ``X`` on JAX or PyTorch,
    or for sparse targets (an autoencoder's) where skdl's pipeline is not used.

    Parameters
    ----------
    data : dict
        ``{"x": ..., "y": ..., "sample_weight": ...}`` as ``fit`` takes them, or
        ``{"x": dataset}`` (:func:`skdl._data.training_data`).
    fit_kwargs : dict
        The other arguments of ``fit``. Where the batches are made dense here,
        they are updated for it: the batch size and shuffling move into the
        batches, ``validation_split`` becomes ``validation_data`` (the last
        rows, which Keras would hold out) and sparse ``validation_data``
        becomes dense batches too.

    Returns
    -------
    data : dict
        ``data`` unchanged without sparse matrices, or on TensorFlow without
        sparse targets, else ``{"x": batches}`` (:func:`dense_batches`).
    """
    tensorflow = _keras.backend_name() == "tensorflow"

    def made_dense(arrays):
        # on TensorFlow, Keras' array adapter slices a sparse x into sparse tensors
        # (which a network of dense input makes dense), but would give the loss
        # sparse targets (an autoencoder's): those batches are made dense here
        return arrays is not None and has_sparse(arrays[1:] if tensorflow else arrays)

    size = fit_kwargs.get("batch_size") or KERAS_BATCH_SIZE
    validation = fit_kwargs.get("validation_data")
    arrays = _data.flat_arrays(data, sparse=True)
    sparse_training = made_dense(arrays)
    split = fit_kwargs.pop("validation_split", None) if sparse_training else None
    if split and validation is None:
        from keras.src.trainers.data_adapters.array_slicing import train_validation_split

        arrays, validation = train_validation_split(arrays, validation_split=split)
    val_arrays = _data.validation_arrays(validation, fit_kwargs, sparse=True)
    if made_dense(val_arrays):
        val_size = fit_kwargs.pop("validation_batch_size", None) or size
        fit_kwargs["validation_data"] = dense_batches(val_arrays, val_size, False)
    if not sparse_training:
        return data
    fit_kwargs.pop("batch_size", None)
    shuffle = fit_kwargs.get("shuffle", True)
    fit_kwargs["shuffle"] = False  # the batches shuffle
    return {"x": dense_batches(arrays, size, shuffle)}


def dense_batches(arrays, batch_size, shuffle):
    """The batches of ``arrays`` as Keras' array adapter makes them, made dense.

    Parameters
    ----------
    arrays : tuple
        ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``: arrays or sparse
        matrices, or tuples/lists/dicts of them, all with the same rows.
    batch_size : int
        Rows per batch; the last batch holds the remainder.
    shuffle : bool or "batch"
        As ``keras.Model.fit``'s: a new order of all rows every epoch, or of
        the rows within each batch, drawn from NumPy's global generator as
        Keras' array adapter draws them (the epoch's order when its first
        batch is read: Keras' JAX and PyTorch trainers read the batches in
        order, once per epoch).

    Returns
    -------
    batches : keras.utils.PyDataset
        ``ceil(n / batch_size)`` batches per epoch, dense NumPy arrays,
        floating-point ones in Keras' ``floatx``.
    """
    return _dense_batches_class()(arrays, batch_size, shuffle)


@_keras.per_keras
def _dense_batches_class():
    keras = _keras.keras()

    class DenseBatches(keras.utils.PyDataset):
        def __init__(self, arrays, batch_size, shuffle):
            super().__init__()
            self.arrays = keras.tree.lists_to_tuples(arrays)
            self.batch_size = batch_size
            self.shuffle = shuffle
            self.n_rows = _num_samples(keras.tree.flatten(arrays)[0])
            self.order = None

        @property
        def num_batches(self):
            return math.ceil(self.n_rows / self.batch_size)

        def __len__(self):
            return self.num_batches

        def __getitem__(self, index):
            start = index * self.batch_size
            stop = min(start + self.batch_size, self.n_rows)
            if self.shuffle == "batch":
                rows = np.random.permutation(stop - start) + start
            elif self.shuffle:
                if index == 0 or self.order is None:  # a new epoch
                    self.order = np.random.permutation(self.n_rows)
                rows = self.order[start:stop]
            else:
                rows = slice(start, stop)
            return keras.tree.map_structure(lambda a: _data.floatx(dense(a[rows])), self.arrays)

    return DenseBatches
