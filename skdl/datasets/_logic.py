"""Truth tables of logic gates: the first exercise of every neural-network course."""

import numbers

import numpy as np

_GATES = {
    "and": np.logical_and,
    "or": np.logical_or,
    "xor": np.logical_xor,
    "nand": lambda a, b: ~np.logical_and(a, b),
    "nor": lambda a, b: ~np.logical_or(a, b),
    "xnor": lambda a, b: ~np.logical_xor(a, b),
}


def make_logic_gate(gate="xor", *, n_repeats=1, dtype=np.float32):
    """The truth table of a two-input logic gate, as ``(X, y)``.

    Parameters
    ----------
    gate : {"xor", "or", "and", "nand", "nor", "xnor"}, default="xor"
        The gate. XOR is the classic problem a single perceptron cannot
        solve and a network with one hidden layer can.
    n_repeats : int, default=1
        Repeat the four rows this many times (more steps per epoch).
    dtype : dtype, default=np.float32
        Type of ``X``.

    Returns
    -------
    X : ndarray of shape (4 * n_repeats, 2)
        The inputs, 0 or 1.
    y : ndarray of shape (4 * n_repeats,)
        The gate's output, 0 or 1 (int).

    Examples
    --------
    >>> from skdl.datasets import make_logic_gate
    >>> X, y = make_logic_gate("xor")
    >>> X.tolist(), y.tolist()
    ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0, 1, 1, 0])
    """
    key = str(gate).lower()
    if key not in _GATES:
        raise ValueError(f"Unknown logic gate {gate!r}; choose one of {sorted(_GATES)}.")
    if not isinstance(n_repeats, numbers.Integral) or isinstance(n_repeats, bool) or n_repeats < 1:
        raise ValueError(f"n_repeats must be a positive integer; got {n_repeats!r}.")
    a = np.array([0, 0, 1, 1], dtype=bool)
    b = np.array([0, 1, 0, 1], dtype=bool)
    X = np.tile(np.column_stack([a, b]).astype(dtype), (int(n_repeats), 1))
    y = np.tile(_GATES[key](a, b).astype(int), int(n_repeats))
    return X, y
