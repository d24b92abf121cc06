"""Pickling of fitted estimators: the Keras model travels as ``.keras`` bytes."""

import os
import tempfile

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

    def load(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "model.keras")
            with open(path, "wb") as fh:
                fh.write(self.data)
            try:
                return keras().saving.load_model(path)
            except (TypeError, ValueError) as exc:
                raise type(exc)(
                    f"Could not load the Keras model of a pickled skdl estimator: {exc}. "
                    "Custom layers, losses and metrics must be registered with "
                    "@keras.saving.register_keras_serializable() and importable where "
                    "the estimator is loaded; Lambda layers are blocked by Keras' safe "
                    "mode (use a custom layer instead)."
                ) from exc
