"""AutoencoderTransformer: a ready-made dense autoencoder, no Keras code needed."""

import numbers
import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.utils._param_validation import Interval
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import _check_sample_weight, check_is_fitted

from . import _keras
from ._docs import MLP_FIT_ATTRIBUTES, MLP_KERAS_EXTRAS, MLP_TRAINING_PARAMETERS, MODEL_ATTRIBUTES
from ._keras_objects import half_squared_error
from ._mlp import _MLPMixin
from .transformer import TRANSFORMER_ATTRIBUTES, KerasTransformer


def _autoencoder_constraints():
    """The MLP presets' constraints, with the code size, any Keras activation and
    without L-BFGS' ``max_fun``."""
    constraints = {
        **_MLPMixin._parameter_constraints,
        "encoding_dim": [Interval(numbers.Integral, 1, None, closed="left")],
        "activation": [str, callable],
    }
    del constraints["max_fun"]
    return constraints


class AutoencoderTransformer(_MLPMixin, KerasTransformer):
    __doc__ = f"""A dense autoencoder as a scikit-learn transformer, trained like the MLPs.

    The network is an encoder (``Dense`` layers of ``hidden_layer_sizes``
    units, then a linear ``Dense(encoding_dim)`` layer named ``"encoding"``)
    and a mirrored decoder (the hidden layers in reverse order, then a linear
    ``Dense(n_features)`` layer), trained to reconstruct ``X`` with the
    squared error, as :class:`MLPRegressor` would fit ``(X, X)``: the same
    solvers, L2 penalty, stopping rule and fitted attributes. ``transform``
    returns the code, ``inverse_transform`` the reconstruction of a code and
    ``score`` the share of the variance of ``X`` that the reconstruction
    explains. ``y`` is ignored, so the transformer works as a step of a
    supervised Pipeline. With no hidden layers it learns the subspace of
    :class:`~sklearn.decomposition.PCA`; hidden layers make the encoding
    non-linear. Scale the inputs first (e.g. ``StandardScaler``).

    Parameters
    ----------
    encoding_dim : int, default=2
        Size of the code: the number of columns ``transform`` returns.
    hidden_layer_sizes : array-like of int, or int, default=()
        Units of the encoder's hidden layers, from the input inwards (an int:
        one layer); the decoder mirrors them.
    activation : str or callable, default='relu'
        Activation of the hidden layers (the code and the output are linear):
        a name of scikit-learn's MLP (``'identity'``, ``'logistic'``,
        ``'tanh'``, ``'relu'``) or of Keras (``'gelu'``, ``'selu'``, ...), or a
        callable.
    {MLP_TRAINING_PARAMETERS}
    {MLP_KERAS_EXTRAS}

    Attributes
    ----------
    {MLP_FIT_ATTRIBUTES}
    out_activation_ : str
        'identity': the code and the reconstruction are linear.
    {TRANSFORMER_ATTRIBUTES}
    {MODEL_ATTRIBUTES}

    See Also
    --------
    KerasTransformer : Any Keras network as a transformer.
    MLPRegressor : The same training, to predict targets.
    sklearn.decomposition.PCA : The linear counterpart, fitted in closed form.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skdl import AutoencoderTransformer
    >>> X = StandardScaler().fit_transform(load_digits().data)
    >>> autoencoder = AutoencoderTransformer(encoding_dim=8, hidden_layer_sizes=(32,),
    ...                                      max_iter=20, random_state=0).fit(X)
    >>> codes = autoencoder.transform(X)
    >>> codes.shape, autoencoder.inverse_transform(codes).shape
    ((1797, 8), (1797, 64))
    >>> [layer.name for layer in autoencoder.model_.layers]
    ['encoder_0', 'encoding', 'decoder_0', 'reconstruction']
    >>> autoencoder.n_layers_, [w.shape for w in autoencoder.coefs_[:2]]
    (5, [(64, 32), (32, 8)])
    """

    # the network, its code layer and its targets are fixed by this class
    output_layer = "encoding"
    supervised = False

    _parameter_constraints = _autoencoder_constraints()

    def __init__(
        self,
        encoding_dim=2,
        hidden_layer_sizes=(),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        dropout=0.0,
        batch_normalization=False,
        optimizer=None,
        callbacks=None,
        **kwargs,
    ):
        self._store_init_params(locals())

    _network_params = ("encoding_dim", *_MLPMixin._network_params)

    # as the MLP presets': for the stochastic solvers only
    def fit(self, X, y=None, sample_weight=None, **kwargs):
        """Train the autoencoder to reconstruct ``X``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data; converted to float32.
        y : None
            Ignored: the targets are ``X``.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights, none negative; each batch's loss is their
            weighted mean.
        **kwargs
            Keras ``fit`` arguments for this call only (``epochs``,
            ``callbacks``, ...); ``validation_data=X_val``.

        Returns
        -------
        self : object
            The fitted autoencoder.
        """
        return super().fit(X, y, sample_weight=sample_weight, **kwargs)

    @available_if(_MLPMixin._check_solver)
    def partial_fit(self, X, y=None, sample_weight=None):
        """Train for one epoch to reconstruct ``X``, continuing from the
        current weights (for the stochastic solvers only).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data of this call; converted to float32.
        y : None
            Ignored: the targets are ``X``.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights, none negative.

        Returns
        -------
        self : object
            The autoencoder, trained one more epoch.
        """
        return KerasTransformer.partial_fit(self, X, y, sample_weight)

    # Own docstrings for transform and fit_transform. scikit-learn wraps each
    # class's own transform for set_output, so these run KerasTransformer's
    # functions themselves (``__wrapped__``), not its wrapped methods, and the
    # output is wrapped once.
    def transform(self, X):
        """The code of ``X``: the output of the ``encoding`` layer.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        X_new : ndarray of shape (n_samples, encoding_dim)
            float32 for a float32 ``X`` where ``fit`` was given a float32
            ``X`` too, float64 otherwise.
        """
        return KerasTransformer.transform.__wrapped__(self, X)

    def fit_transform(self, X, y=None, **kwargs):
        """Fit to ``X``, then return its code, ``transform(X)``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data; converted to float32.
        y : None
            Ignored: the targets are ``X``.
        **kwargs
            ``sample_weight`` and Keras ``fit`` arguments, as in ``fit``.

        Returns
        -------
        X_new : ndarray of shape (n_samples, encoding_dim)
        """
        return KerasTransformer.fit_transform.__wrapped__(self, X, y, **kwargs)

    def _validate_params(self):
        super()._validate_params()
        _keras.check_activation(
            self.activation,
            self._keras_activation(),
            names="scikit-learn's MLP ('identity', 'logistic', 'tanh', 'relu') or of Keras "
            "(e.g. 'gelu', 'selu')",
        )

    def _default_loss(self):
        # as MLPRegressor's: half the squared error, stepping along the
        # gradient of its sum over the columns
        return half_squared_error()

    def _build_network(self, meta):
        keras = _keras.keras()
        hidden = self._hidden_sizes()
        regularizer = self._regularizer(meta)
        return keras.Sequential(
            [
                keras.Input((meta["n_features_in_"],)),
                *self._hidden_layers(hidden, regularizer, name="encoder"),
                keras.layers.Dense(
                    int(self.encoding_dim), kernel_regularizer=regularizer, name="encoding"
                ),
                *self._hidden_layers(hidden[::-1], regularizer, name="decoder"),
                keras.layers.Dense(
                    meta["n_outputs_"], kernel_regularizer=regularizer, name="reconstruction"
                ),
            ]
        )

    def score(self, X, y=None, sample_weight=None):
        """Share of the variance of ``X`` that the reconstruction explains.

        The R² of the reconstruction ``inverse_transform(transform(X))``
        against ``X``, all features pooled (``r2_score`` with
        ``multioutput="variance_weighted"``): 1 is a perfect reconstruction,
        0 no better than the feature means. The counterpart of the explained
        variance ratio of ``PCA``; ``early_stopping`` stops on it.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : None
            Ignored.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples in the R².

        Returns
        -------
        score : float
        """
        check_is_fitted(self)
        # float32 kept as is: each chunk is compared in float64
        X = self._validate_X(X, dtype=(np.float64, np.float32))
        if X.shape[0] < 2:  # r2_score's rule
            warnings.warn(
                "R^2 score is not well-defined with less than two samples.",
                UndefinedMetricWarning,
            )
            return float("nan")
        weights = _check_sample_weight(sample_weight, X)
        size = self._predict_batch_size()
        # the sums of r2_score, a chunk of rows at a time: whole, X in float64 (a
        # sparse X made dense) and its reconstruction would take n_samples x
        # n_features x 16 bytes
        chunks = [slice(start, start + size) for start in range(0, X.shape[0], size)]
        means = sum(weights[rows] @ _float64(X[rows]) for rows in chunks) / weights.sum()
        residual, spread = np.zeros(X.shape[1]), np.zeros(X.shape[1])
        for rows in chunks:
            w, values = weights[rows], X[rows]
            reconstruction = self._predict_with(self.model_, values.astype(np.float32, copy=False))
            values = _float64(values)
            residual += w @ (values - reconstruction) ** 2
            spread += w @ (values - means) ** 2
        # and its rules for constant features
        scores = np.ones(X.shape[1])
        explained = (spread != 0) & (residual != 0)
        scores[explained] = 1 - residual[explained] / spread[explained]
        scores[(residual != 0) & (spread == 0)] = 0.0
        return float(np.average(scores, weights=spread if spread.any() else None))


def _float64(rows):
    """A chunk of rows as a dense float64 array."""
    return (rows.toarray() if sp.issparse(rows) else rows).astype(np.float64, copy=False)
