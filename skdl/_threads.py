"""TensorFlow's thread pools in the worker processes of joblib, Dask and Ray.

scikit-learn's ``n_jobs`` runs fits in joblib's ``loky`` worker processes, and
joblib limits the thread pools of each worker to its share of the cores: it sets
``OMP_NUM_THREADS`` (and the BLAS variables) in the workers to
``cpu_count() // n_jobs``, to the main process' own ``OMP_NUM_THREADS`` if it
has one, or to ``inner_max_num_threads`` when ``joblib.parallel_config`` gives
one. Ray sets ``OMP_NUM_THREADS`` in its workers to the CPUs of their task
(one by default). A Dask worker process started by its nanny (``LocalCluster``,
``dask worker``) runs ``nthreads`` tasks at once, its share of the machine.
TensorFlow reads none of these: each worker would start one thread per core
for its operations, and the workers would share the cores several times over.
In such a worker, skdl therefore gives TensorFlow that share before its runtime
starts: that many intra-op threads and at most two inter-op threads. With one
thread of each, the estimators' data pipelines run without a thread of their
own (see ``skdl._data.prefetched``).

The user's own settings win: with ``TF_NUM_INTRAOP_THREADS`` or
``TF_NUM_INTEROP_THREADS`` in the environment skdl changes nothing
(``TF_NUM_INTRAOP_THREADS=0`` keeps TensorFlow's default of one thread per core).
The main process, threads (joblib's ``threading`` backend, a Dask cluster of
threads) and the JAX and PyTorch backends are left as they are (PyTorch reads
``OMP_NUM_THREADS`` itself).
"""

import multiprocessing
import os
import sys

#: Environment variables by which the user sets TensorFlow's thread pools.
TF_THREAD_VARIABLES = ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")

#: At most this many inter-op threads in a worker.
MAX_INTEROP_THREADS = 2

#: The name of the worker processes that Dask's nanny starts.
DASK_WORKER_PROCESS = "Dask Worker process (from Nanny)"

_applied = False
_limits = None


def in_loky_worker():
    """True in a worker process of loky, joblib's default process pool."""
    module = type(multiprocessing.current_process()).__module__
    return module.endswith("loky.backend.process")


def in_dask_worker_process():
    """True in a worker process that a Dask nanny started."""
    return multiprocessing.current_process().name == DASK_WORKER_PROCESS


def dask_worker_threads():
    """The number of threads of this process' Dask worker, or None.

    The worker running the current task; outside a task (a fitted estimator
    sent to the worker loads its network while the task's arguments are
    unpickled), the process' only worker.
    """
    distributed = sys.modules.get("distributed")
    if distributed is None:
        return None
    try:
        worker = distributed.get_worker()
    except ValueError:  # not in a task
        workers = list(getattr(distributed.Worker, "_instances", ()))
        if len(workers) != 1:
            return None
        worker = workers[0]
    try:
        return int(worker.state.nthreads)
    except (AttributeError, TypeError, ValueError):  # another layout of Dask's
        return None


def in_ray_worker():
    """True in a worker process of Ray (not in its driver, the user's process)."""
    ray = sys.modules.get("ray")
    if ray is None:
        return False
    try:
        return ray.is_initialized() and ray.get_runtime_context().worker.mode == ray.WORKER_MODE
    except AttributeError:  # another layout of Ray's
        return False


def worker_share(environ):
    """The number of cores this worker process is to use, or None.

    In a loky worker, joblib's limit (``OMP_NUM_THREADS``); in a Ray worker,
    Ray's (``OMP_NUM_THREADS``, the CPUs of its task); in a Dask worker
    process, the worker's number of threads; elsewhere None.
    """
    if in_loky_worker() or in_ray_worker():
        try:
            return int(environ.get("OMP_NUM_THREADS", ""))
        except ValueError:
            return None
    if in_dask_worker_process():
        return dask_worker_threads()
    return None


def worker_thread_limits(environ, share):
    """TensorFlow's ``(intra_op, inter_op)`` thread counts for a process, or None.

    Parameters
    ----------
    environ : mapping
        The process' environment variables.
    share : int or None
        The number of cores the process is to use (:func:`worker_share`):
        None outside worker processes.

    Returns
    -------
    limits : tuple of int or None
        ``(share, min(2, share))`` in a worker process; ``None`` outside
        workers, without a valid share, or when ``TF_NUM_INTRAOP_THREADS`` or
        ``TF_NUM_INTEROP_THREADS`` is set.

    Examples
    --------
    >>> worker_thread_limits({}, share=4)
    (4, 2)
    >>> worker_thread_limits({}, share=None) is None
    True
    >>> worker_thread_limits({"TF_NUM_INTRAOP_THREADS": "8"}, share=4) is None
    True
    """
    if share is None or share < 1 or any(name in environ for name in TF_THREAD_VARIABLES):
        return None
    return share, min(MAX_INTEROP_THREADS, share)


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
    limits = worker_thread_limits(os.environ, worker_share(os.environ))
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
