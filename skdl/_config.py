"""Global settings of skdl, in the style of ``sklearn.set_config``."""

import contextlib
import numbers
import threading

import numpy as np

_DEFAULTS = {"share_compiled": True, "shared_models": 16, "single_pipeline": True}
_config = dict(_DEFAULTS)
_lock = threading.Lock()


def get_config():
    """Current values of skdl's global settings.

    Returns
    -------
    config : dict
        ``{"share_compiled": bool, "shared_models": int, "single_pipeline": bool}``;
        see :func:`set_config`.

    Examples
    --------
    >>> import skdl
    >>> skdl.get_config()["share_compiled"]
    True
    """
    return dict(_config)


def set_config(share_compiled=None, shared_models=None, single_pipeline=None):
    """Change skdl's global settings; ``None`` leaves a setting as it is.

    Parameters
    ----------
    share_compiled : bool, default=None
        Whether networks with the same architecture and compile settings share
        their compiled training and prediction functions (default ``True``).
        Sharing skips Keras' tracing, about a second per fresh network on
        TensorFlow, and stops the memory that TensorFlow keeps per traced
        function from growing fit after fit. Results are the same either way;
        turn it off to train each network with its own ``keras.Model.fit``,
        e.g. for a custom layer that draws unseeded random numbers.
    shared_models : int, default=None
        How many compiled networks the process keeps for reuse (default 16);
        each holds one copy of its weights and optimizer state. ``0`` keeps
        none.
    single_pipeline : bool, default=None
        Whether the estimators feed Keras a single ``tf.data`` pipeline for
        all the epochs of a fit, on TensorFlow (default ``True``). Keras
        otherwise builds a data iterator per epoch, which costs as much as
        training when the epochs are short. The Keras estimators keep the
        batches of Keras' own data path (the same network as ``model.fit``
        on the arrays); the MLP presets and the autoencoder shuffle each epoch
        with their own seeded order. ``False`` trains from arrays through
        Keras' data path.

    Notes
    -----
    The settings are per process: workers of other processes (joblib's
    ``n_jobs`` with its default backend, Dask) keep the defaults unless code
    that they import sets them.

    Examples
    --------
    >>> import skdl
    >>> skdl.set_config(share_compiled=False)
    >>> skdl.get_config()["share_compiled"]
    False
    >>> skdl.set_config(share_compiled=True)
    """
    updates = _checked(share_compiled, shared_models, single_pipeline)
    with _lock:
        _config.update(updates)


def _checked(share_compiled=None, shared_models=None, single_pipeline=None):
    """The settings given (not None), checked."""
    updates = {}
    for name, value in (("share_compiled", share_compiled), ("single_pipeline", single_pipeline)):
        if value is not None:
            if not isinstance(value, (bool, np.bool_)):
                raise TypeError(f"{name} must be True or False, got {value!r}.")
            updates[name] = bool(value)
    if shared_models is not None:
        if isinstance(shared_models, (bool, np.bool_)) or not isinstance(
            shared_models, numbers.Integral
        ):
            raise TypeError(f"shared_models must be an int >= 0, got {shared_models!r}.")
        if shared_models < 0:
            raise ValueError(f"shared_models must be an int >= 0, got {shared_models}.")
        updates["shared_models"] = int(shared_models)
    return updates


# the config_context blocks running, in the order they began: each holds the
# settings it gives and the values it found (which it puts back at its end)
_blocks = []


@contextlib.contextmanager
def config_context(**settings):
    """Apply :func:`set_config` settings inside a ``with`` block only.

    Parameters
    ----------
    **settings
        The keyword arguments of :func:`set_config`.

    Examples
    --------
    >>> import skdl
    >>> with skdl.config_context(share_compiled=False):
    ...     skdl.get_config()["share_compiled"]
    False
    """
    updates = _checked(**settings)
    block = (updates, {})
    with _lock:
        block[1].update({name: _config[name] for name in updates})
        _config.update(updates)
        _blocks.append(block)
    try:
        yield
    finally:
        with _lock:
            _end(block)


def _end(block):
    """End ``block``: put back the values it found, or, for a setting that a
    later block (of another thread) still running gives too, hand them to the
    first such block, which puts them back at its end. Blocks of several
    threads may end in any order; the settings end as they were before all."""
    index = next(i for i, running in enumerate(_blocks) if running is block)
    later = _blocks[index + 1 :]
    for name, found in block[1].items():
        heir = next((running for running in later if name in running[0]), None)
        if heir is None:
            _config[name] = found
        else:
            heir[1][name] = found
    del _blocks[index]
