"""One data pipeline for all the epochs of a fit, on TensorFlow.

Given arrays, ``keras.Model.fit`` on TensorFlow builds a new ``tf.data``
iterator for every epoch (10-20 ms each: the pipeline's functions are
instantiated again). Estimators that train for many short epochs (the MLP
presets: up to 200 epochs of a few dozen batches) spend as much time there as
in training. :func:`epoch_batches` builds one endless pipeline whose batches
follow each other epoch after epoch, each epoch in a new order, so that Keras
makes one iterator per fit. Its shuffles are skdl's own (seeded from the
estimator's ``random_state``), not those of Keras' array adapter.

Keras runs ``steps_per_execution`` batches per call and does not stop a call at
the end of an epoch: the pipeline is used only when that number divides the
batches of an epoch, so that epochs (and their callbacks) see exactly their own
batches.
"""

import math

import numpy as np

from . import _config
from ._keras import keras

# below this many batches per call, one call per batch costs more than the
# iterator that an endless pipeline saves: Keras' own array adapter is used
MIN_STEPS_PER_EXECUTION = 16


def aligned_steps_per_execution(wanted, steps_per_epoch):
    """The largest number of batches per call, at most ``wanted``, that divides an
    epoch of ``steps_per_epoch`` batches; None when that is too small to pay off."""
    if wanted >= steps_per_epoch:
        return steps_per_epoch
    best = max(d for d in range(1, wanted + 1) if steps_per_epoch % d == 0)
    return best if best >= min(wanted, MIN_STEPS_PER_EXECUTION) else None


def epoch_batches(arrays, batch_size, shuffle, seed, first_epoch=0):
    """An endless ``tf.data.Dataset`` of batches of ``arrays``, epoch after epoch.

    Parameters
    ----------
    arrays : tuple of ndarray
        Inputs, targets and optionally sample weights, with the same first axis.
    batch_size : int
        Rows per batch; the last batch of each epoch holds the remainder.
    shuffle : bool
        Draw a new order of the rows for every epoch.
    seed : int
        Seed of the orders: epoch ``e`` uses the stateless seed ``(seed, e)``.
    first_epoch : int, default=0
        Number of the first epoch: a continued fit starts after the epochs it
        has run, so that its orders are those of one longer fit.

    Returns
    -------
    dataset : tf.data.Dataset
        ``ceil(n / batch_size)`` batches per epoch.
    """
    import tensorflow as tf

    n = len(arrays[0])
    steps = math.ceil(n / batch_size)
    padded = steps * batch_size
    tensors = tuple(tf.constant(a) for a in arrays)

    def epoch_indices(epoch):
        order = tf.range(n, dtype=tf.int64)
        if shuffle:
            order = tf.random.experimental.stateless_shuffle(
                order, seed=tf.stack([tf.constant(seed, tf.int64), epoch])
            )
        # one row of indices per batch; -1 pads the last one
        order = tf.concat([order, tf.fill([padded - n], tf.constant(-1, tf.int64))], 0)
        return tf.reshape(order, (steps, batch_size))

    def gather(row):
        row = tf.boolean_mask(row, row >= 0)
        return tuple(tf.gather(t, row) for t in tensors)

    dataset = (
        tf.data.Dataset.range(first_epoch, np.iinfo(np.int64).max)
        .map(epoch_indices)
        .unbatch()
        .map(gather, num_parallel_calls=tf.data.AUTOTUNE)
        .prefetch(tf.data.AUTOTUNE)
    )
    return dataset


def use_single_pipeline():
    """Whether to train from :func:`epoch_batches`: on TensorFlow, which reads
    ``tf.data`` pipelines natively, unless ``set_config(single_pipeline=False)``."""
    return _config.get_config()["single_pipeline"] and keras().backend.backend() == "tensorflow"
