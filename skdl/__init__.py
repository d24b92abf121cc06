"""skdl: Keras models as first-class scikit-learn estimators.

Public names are resolved lazily, so ``import skdl`` loads neither Keras nor
TensorFlow; they are imported when a model is built, fitted or loaded.
"""

import importlib

from . import _keras, _keras_objects
from ._config import config_context, get_config, set_config
from ._show_versions import show_versions

__version__ = "0.1.0"

# keras.models.load_model reads networks saved with skdl's layer and loss
_keras.when_imported(_keras_objects.register)

_PUBLIC = {
    "AutoencoderTransformer": "skdl.autoencoder",
    "KerasClassifier": "skdl.classifier",
    "KerasRegressor": "skdl.regressor",
    "KerasTransformer": "skdl.transformer",
    "MLPClassifier": "skdl.mlp",
    "MLPRegressor": "skdl.mlp",
    "WideAndDeepClassifier": "skdl.wide_deep",
    "WideAndDeepRegressor": "skdl.wide_deep",
}

__all__ = sorted(_PUBLIC) + ["config_context", "get_config", "set_config", "show_versions"]


def __getattr__(name):
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'skdl' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_PUBLIC))
