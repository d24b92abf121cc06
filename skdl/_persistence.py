"""Pickling of fitted estimators: the Keras model travels as ``.keras`` bytes."""

import os
import tempfile
import types

from ._keras import keras


class SerializedModel:
    """A ``keras.Model`` saved in Keras' native format, held in memory.

    The bytes include the architecture, the weights and the optimizer state,
    so a loaded estimator predicts bit-identically and can keep training.
    """

    def __init__(self, data):
        self.data = data

    @classmethod
    def from_model(cls, model):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "model.keras")
            model.save(path)
            with open(path, "rb") as fh:
                return cls(fh.read())

    def load(self, custom_objects=None):
        """The model; ``custom_objects`` (name: object) are what Keras saved by name
        and cannot import, as functions given for activations or losses."""
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "model.keras")
            with open(path, "wb") as fh:
                fh.write(self.data)
            try:
                return keras().saving.load_model(path, custom_objects=custom_objects)
            except (TypeError, ValueError) as exc:
                raise type(exc)(
                    f"Could not load the Keras model of a pickled skdl estimator: {exc}. "
                    "Custom layers, losses, metrics and activations used inside a builder "
                    "must be registered with "
                    "@keras.saving.register_keras_serializable() and importable where "
                    "the estimator is loaded; Lambda layers are blocked by Keras' safe "
                    "mode (use a custom layer instead)."
                ) from exc


def parameter_functions(params):
    """``{name: object}`` of the plain functions and classes among an estimator's
    parameters (``activation``, ``loss``, ``metrics``, a ``keras.Model`` subclass
    given as ``model``, builder arguments and their defaults): Keras saves them
    by name only, and a pickled estimator brings them along for its model to
    load."""
    found = {}
    for value in params.values():
        for item in value if isinstance(value, (list, tuple)) else [value]:
            if isinstance(item, (types.FunctionType, type)):
                found[item.__name__] = item
    return found
