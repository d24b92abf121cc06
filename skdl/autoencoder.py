"""AutoencoderTransformer: a ready-made dense autoencoder, no Keras code needed."""

import numbers

from sklearn.utils._param_validation import Interval

from . import _keras
from ._docs import COMMON_ATTRIBUTES, ROUTED_PARAMETERS
from .transformer import TRANSFORMER_ATTRIBUTES, KerasTransformer

# scikit-learn's names of activations (as in the MLP presets), in Keras' names
_SKLEARN_ACTIVATIONS = {"identity": "linear", "logistic": "sigmoid"}


def _autoencoder_constraints():
    """KerasTransformer's constraints without the settings this class fixes."""
    constraints = {
        **KerasTransformer._parameter_constraints,
        "encoding_dim": [Interval(numbers.Integral, 1, None, closed="left")],
        "hidden_layer_sizes": ["array-like", Interval(numbers.Integral, 1, None, closed="left")],
        "activation": [str, callable],
    }
    for name in ("model", "output_layer", "supervised"):
        del constraints[name]
    return constraints


class AutoencoderTransformer(KerasTransformer):
    __doc__ = f"""A dense autoencoder as a scikit-learn transformer.

    The network is an encoder (``Dense`` layers of ``hidden_layer_sizes``
    units, then a linear ``Dense(encoding_dim)`` layer named ``"encoding"``)
    and a mirrored decoder (the hidden layers in reverse order, then a linear
    ``Dense(n_features)`` layer), trained to reconstruct ``X`` with the mean
    squared error. ``transform`` returns the code, ``inverse_transform`` the
    reconstruction of a code. ``y`` is ignored, so the transformer works as a
    step of a supervised Pipeline. With no hidden layers it learns the
    subspace of :class:`~sklearn.decomposition.PCA`; hidden layers make the
    encoding non-linear. Scale the inputs first (e.g. ``StandardScaler``).

    Parameters
    ----------
    encoding_dim : int, default=2
        Size of the code: the number of columns ``transform`` returns.
    hidden_layer_sizes : tuple of int or int, default=()
        Units of the encoder's hidden layers, from the input inwards (an int:
        one layer); the decoder mirrors them.
    activation : str or callable, default="relu"
        Activation of the hidden layers (the code and the output are linear):
        a name of scikit-learn's MLP (``'identity'``, ``'logistic'``,
        ``'tanh'``, ``'relu'``) or of Keras (``'gelu'``, ``'selu'``, ...), or a
        callable.
    optimizer : str, keras.optimizers.Optimizer class or instance, default="adam"
        Its arguments are routed parameters: ``optimizer__learning_rate``.
    loss : str or keras.losses.Loss, default=None
        ``None`` means the mean squared error.
    metrics : list, default=None
        Keras metrics, reported in ``history_``.
    batch_size : int, default=32
        Mini-batch size.
    epochs : int, default=100
        Passes over the data per ``fit``.
    validation_split : float, default=0.0
        Fraction of the training data held out for validation.
    callbacks : list of keras.callbacks.Callback, default=None
        Copied for each fit (e.g. ``keras.callbacks.EarlyStopping``).
    shuffle : bool, default=True
        Shuffle the training data before each epoch.
    verbose : int, default=0
        Keras' progress output.
    random_state : int, RandomState instance or None, default=None
        Seeds a reproducible fit without changing the global random state.
    warm_start : bool, default=False
        Continue training the fitted network on the next ``fit``.
    {ROUTED_PARAMETERS}

    Attributes
    ----------
    {COMMON_ATTRIBUTES}
    {TRANSFORMER_ATTRIBUTES}

    See Also
    --------
    KerasTransformer : Any Keras network as a transformer.
    sklearn.decomposition.PCA : The linear counterpart, fitted in closed form.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skdl import AutoencoderTransformer
    >>> X = StandardScaler().fit_transform(load_digits().data)
    >>> autoencoder = AutoencoderTransformer(encoding_dim=8, hidden_layer_sizes=(32,),
    ...                                      epochs=2, random_state=0)
    >>> codes = autoencoder.fit_transform(X)
    >>> codes.shape, autoencoder.inverse_transform(codes).shape
    ((1797, 8), (1797, 64))
    >>> [layer.name for layer in autoencoder.model_.layers]
    ['encoder_0', 'encoding', 'decoder_0', 'reconstruction']
    """

    # the network, its code layer and its targets are fixed by this class
    model = None
    output_layer = "encoding"
    supervised = False

    _parameter_constraints = _autoencoder_constraints()

    def __init__(
        self,
        encoding_dim=2,
        hidden_layer_sizes=(),
        activation="relu",
        *,
        optimizer="adam",
        loss=None,
        metrics=None,
        batch_size=32,
        epochs=100,
        validation_split=0.0,
        callbacks=None,
        shuffle=True,
        verbose=0,
        random_state=None,
        warm_start=False,
        **kwargs,
    ):
        self._store_init_params(locals())

    def _builder(self):
        return self._build_network

    def _hidden_sizes(self):
        sizes = self.hidden_layer_sizes
        return [int(sizes)] if isinstance(sizes, numbers.Integral) else [int(n) for n in sizes]

    def _validate_params(self):
        super()._validate_params()
        sizes = self.hidden_layer_sizes
        sizes = [sizes] if isinstance(sizes, numbers.Integral) else list(sizes)
        if not all(isinstance(n, numbers.Integral) and n >= 1 for n in sizes):
            raise ValueError(
                "hidden_layer_sizes must hold positive integers (units of each hidden "
                f"layer of the encoder), e.g. (64, 32) or (); got {self.hidden_layer_sizes!r}."
            )
        if isinstance(self.activation, str):
            try:
                _keras.keras().activations.get(self._keras_activation())
            except ValueError:
                raise ValueError(
                    f"activation={self.activation!r} is not an activation: use a name of "
                    "scikit-learn's MLP ('identity', 'logistic', 'tanh', 'relu') or of "
                    "Keras (e.g. 'gelu', 'selu'), or a callable."
                ) from None

    def _keras_activation(self):
        if isinstance(self.activation, str):
            return _SKLEARN_ACTIVATIONS.get(self.activation, self.activation)
        return self.activation

    def _build_network(self, meta):
        keras = _keras.keras()
        hidden = self._hidden_sizes()
        activation = self._keras_activation()
        layers = [keras.Input((meta["n_features_in_"],))]
        layers += [
            keras.layers.Dense(units, activation=activation, name=f"encoder_{i}")
            for i, units in enumerate(hidden)
        ]
        layers.append(keras.layers.Dense(int(self.encoding_dim), name="encoding"))
        layers += [
            keras.layers.Dense(units, activation=activation, name=f"decoder_{i}")
            for i, units in enumerate(reversed(hidden))
        ]
        layers.append(keras.layers.Dense(meta["n_outputs_"], name="reconstruction"))
        return keras.Sequential(layers)
