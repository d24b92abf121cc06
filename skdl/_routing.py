"""Prefix routing of estimator parameters (pure Python, no Keras).

A routed parameter has the form ``<prefix>__<name>``: ``optimizer__learning_rate``
is handed to the optimizer's constructor, ``fit__validation_freq`` to
``keras.Model.fit`` and so on. Callbacks and metrics also accept an index,
``callbacks__0__patience``, to reach one entry of a list.
"""

import difflib

ROUTING_PREFIXES = (
    "model",
    "optimizer",
    "loss",
    "metrics",
    "compile",
    "fit",
    "predict",
    "callbacks",
)

# Common spellings from other libraries and older Keras releases.
_ALIASES = {"lr": "learning_rate", "nb_epoch": "epochs", "decay": "weight_decay"}

# Names meant for another place: the first of their candidates that the
# estimator takes (scikeras' build_fn, Keras' epochs for an MLP preset's
# max_iter, a fit argument given to the constructor).
_MEANT = {
    "build_fn": ["model"],
    "lr": ["learning_rate_init", "optimizer__learning_rate"],
    "learning_rate": ["optimizer__learning_rate"],
    "epochs": ["max_iter"],
    "nb_epoch": ["epochs", "max_iter"],
    "validation_data": [
        "fit(X, y, validation_data=(X_val, y_val)), or the parameter fit__validation_data"
    ],
}


def routing_prefix(name):
    """Return the routing prefix of ``name`` or None if it is not routed."""
    head, sep, _ = name.partition("__")
    if sep and head in ROUTING_PREFIXES:
        return head
    return None


def plain(value):
    """NumPy scalars (as drawn by a search from ``np.arange``) as Python numbers.

    Keras rejects ``Dense(np.int64(30))``; a builder argument drawn from
    ``np.arange(1, 100)`` by ``RandomizedSearchCV`` must still work.
    """
    if type(value).__module__ == "numpy" and getattr(value, "ndim", None) == 0:
        return value.item()
    return value


def route(params, prefix):
    """Select the parameters routed to ``prefix``, with the prefix removed.

    NumPy scalars become Python numbers (see :func:`plain`).

    Examples
    --------
    >>> import numpy as np
    >>> route({"optimizer__learning_rate": np.float64(0.1), "epochs": 3}, "optimizer")
    {'learning_rate': 0.1}
    """
    start = prefix + "__"
    return {k[len(start) :]: plain(v) for k, v in params.items() if k.startswith(start)}


def split_indexed(routed):
    """Split routed parameters into common ones and per-index ones.

    ``{"patience": 3, "1__verbose": 1}`` gives ``({"patience": 3}, {1: {"verbose": 1}})``.
    """
    common, indexed = {}, {}
    for key, value in routed.items():
        head, sep, rest = key.partition("__")
        if sep and head.isdigit():
            indexed.setdefault(int(head), {})[rest] = value
        else:
            common[key] = value
    return common, indexed


def suggest(name, valid_names):
    """Best guess of what a mistyped parameter ``name`` was meant to be."""
    valid_names = sorted(valid_names)
    head, sep, rest = name.partition("__")
    if not sep:
        # ``optimizer_lr`` -> ``optimizer__learning_rate``
        for prefix in ROUTING_PREFIXES:
            if name.startswith(prefix + "_") and len(name) > len(prefix) + 1:
                rest = name[len(prefix) + 1 :]
                return f"{prefix}__{_ALIASES.get(rest, rest)}"
    if sep and rest in _ALIASES:
        return f"{head}__{_ALIASES[rest]}"
    for meant in _MEANT.get(name, []):
        prefix = routing_prefix(meant)
        takes = meant in valid_names or (prefix and prefix in valid_names) or "(" in meant
        if takes:
            return meant
    close = difflib.get_close_matches(name, valid_names, n=1, cutoff=0.75)
    return close[0] if close else None


def unknown_parameters_message(
    owner, unknown, valid_names, *, builder=True, prefixes=ROUTING_PREFIXES
):
    """One message for every unknown parameter, each with a suggested fix.

    ``builder`` says whether the estimator takes a model builder (the
    ready-made networks take none), whose arguments are then parameters too;
    ``prefixes`` are the routing prefixes it takes.
    """
    parts = []
    for name in sorted(unknown):
        guess = suggest(name, valid_names)
        hint = f", did you mean {guess}?" if guess else ""
        parts.append(f"unexpected argument {name}{hint}")
    listed = "; ".join(parts)
    kinds = "the estimator's own"
    if builder:
        kinds += ", the model builder's arguments,"
    return (
        f"{owner}: {listed}{'' if listed.endswith('?') else '.'} Valid parameters are "
        f"{kinds} and routed parameters with a prefix "
        f"({', '.join(p + '__' for p in prefixes)})."
    )
