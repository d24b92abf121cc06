"""TensorFlow's thread pools in joblib's worker processes.

scikit-learn's ``n_jobs`` runs fits in joblib's ``loky`` worker processes, and
joblib limits the thread pools of each worker to its share of the cores: it sets
``OMP_NUM_THREADS`` (and the BLAS variables) in the workers to
``cpu_count() // n_jobs``, to the main process' own ``OMP_NUM_THREADS`` if it
has one, or to ``inner_max_num_threads`` when ``joblib.parallel_config`` gives
one. TensorFlow reads none of these variables: each worker would start one
thread per core for its operations, and ``n_jobs`` workers would share the cores
``n_jobs`` times over. In a loky worker, skdl therefore gives TensorFlow the same
limit before its runtime starts: that many intra-op threads and at most two
inter-op threads. With one thread of each, the estimators' data pipelines run
without a thread of their own (see ``skdl._data.prefetched``).

The user's own settings win: with ``TF_NUM_INTRAOP_THREADS`` or
``TF_NUM_INTEROP_THREADS`` in the environment skdl changes nothing
(``TF_NUM_INTRAOP_THREADS=0`` keeps TensorFlow's default of one thread per core).
The main process, threads, Dask workers and the JAX and PyTorch backends are
left as they are (PyTorch reads ``OMP_NUM_THREADS`` itself).
"""

import multiprocessing
import os
import sys

#: Environment variables by which the user sets TensorFlow's thread pools.
TF_THREAD_VARIABLES = ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")

#: At most this many inter-op threads in a worker.
MAX_INTEROP_THREADS = 2

_applied = False
_limits = None


def in_loky_worker():
    """True in a worker process of loky, joblib's default process pool."""
    module = type(multiprocessing.current_process()).__module__
    return module.endswith("loky.backend.process")


def worker_thread_limits(environ, in_worker):
    """TensorFlow's ``(intra_op, inter_op)`` thread counts for a process, or None.

    Parameters
    ----------
    environ : mapping
        The process' environment variables.
    in_worker : bool
        Whether the process is one of joblib's loky workers.

    Returns
    -------
    limits : tuple of int or None
        ``(n, min(2, n))`` in a loky worker whose thread limit is ``n``
        (joblib's ``OMP_NUM_THREADS``); ``None`` outside loky workers, without
        a valid limit, or when ``TF_NUM_INTRAOP_THREADS`` or
        ``TF_NUM_INTEROP_THREADS`` is set.

    Examples
    --------
    >>> worker_thread_limits({"OMP_NUM_THREADS": "4"}, in_worker=True)
    (4, 2)
    >>> worker_thread_limits({"OMP_NUM_THREADS": "4"}, in_worker=False) is None
    True
    >>> env = {"OMP_NUM_THREADS": "4", "TF_NUM_INTRAOP_THREADS": "8"}
    >>> worker_thread_limits(env, in_worker=True) is None
    True
    """
    if not in_worker or any(name in environ for name in TF_THREAD_VARIABLES):
        return None
    try:
        n = int(environ.get("OMP_NUM_THREADS", ""))
    except ValueError:
        return None
    if n < 1:
        return None
    return n, min(MAX_INTEROP_THREADS, n)


def limit_worker_threads():
    """Apply :func:`worker_thread_limits` to TensorFlow, once per process.

    Called when skdl first imports Keras. Does nothing unless the Keras backend
    is TensorFlow; if TensorFlow's runtime has already started (its thread
    pools can no longer change), TensorFlow's settings stay as they are.
    """
    global _applied, _limits
    if _applied:
        return
    _applied = True
    limits = worker_thread_limits(os.environ, in_loky_worker())
    keras = sys.modules.get("keras")
    if limits is None or keras is None or keras.backend.backend() != "tensorflow":
        return
    import tensorflow as tf

    intra_op, inter_op = limits
    try:
        tf.config.threading.set_intra_op_parallelism_threads(intra_op)
        tf.config.threading.set_inter_op_parallelism_threads(inter_op)
    except RuntimeError:
        return  # TensorFlow's runtime already runs with its thread pools
    _limits = limits


def applied_limits():
    """TensorFlow's ``(intra_op, inter_op)`` thread counts that
    :func:`limit_worker_threads` set in this process, or None."""
    return _limits
